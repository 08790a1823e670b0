// The README's tiny model: a strided 3x3 stem, one MobileNetV2 block and a 1x1 head, built in
// float with generated weights, calibrated, converted to int8 and run.
#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "mote/models/mobilenet_v2.h"
#include "mote/nn/network.h"
#include "mote/tensor/tensor.h"

namespace nn = mote::nn;
using Model =
    nn::Sequential<nn::Conv2d<3, 16, 3, /*Stride=*/2>, nn::Relu6,  // 3x3 stem
                   mote::models::InvertedResidual<16, 16, /*Expansion=*/6>, nn::Conv1x1<16, 8>>;
using Input = mote::Extents<1, 32, 32, 3>;
static nn::Network<Model, Input, float> float_net;  // weights live in the object
static nn::Network<Model, Input, std::int8_t> int8_net;
alignas(64) static std::byte arena[decltype(float_net)::arena_bytes];  // planned at compile time

static mote::Tensor<float, Input> sample_in;
static mote::Tensor<float, decltype(float_net)::output_shape> sample_out;
static mote::Tensor<std::int8_t, Input> input;
static mote::Tensor<std::int8_t, decltype(int8_net)::output_shape> output;

int main() {
  float_net.initialize(/*seed=*/1);  // or fill float_net.layers() by hand
  decltype(float_net)::Calibration ranges{};
  nn::WeightGenerator gen(2);
  for (int i = 0; i < 8; ++i) {  // calibration samples
    for (float& x : sample_in) x = gen.uniform(-1.0f, 1.0f);
    if (float_net.calibrate(sample_in, sample_out, arena, ranges) != mote::Status::kOk) return 1;
  }
  if (int8_net.quantize_from(float_net, ranges) != mote::Status::kOk) return 1;  // unchanged
  const mote::Status s = int8_net.run(input, output, arena);  // int8 in, int8 out, no heap
  std::printf("tiny model: %s, output %zux%zux%zu, weights %zu bytes, arena %zu bytes\n",
              mote::to_string(s), output.extent(1), output.extent(2), output.extent(3),
              decltype(int8_net)::weight_bytes(), decltype(int8_net)::arena_bytes);
  return s == mote::Status::kOk ? 0 : 1;
}
