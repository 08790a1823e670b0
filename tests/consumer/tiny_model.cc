// What a user of mote writes: a tiny composed model (3x3 stem, one MobileNetV2 block, 1x1
// head), float weights generated and calibrated, converted to int8 and run. Shared by the two
// consumer projects beside this file; exits 0 when the model ran.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>

#include "mote/io/checksum.h"
#include "mote/models/mobilenet_v2.h"
#include "mote/nn/network.h"
#include "mote/simd/dispatch.h"
#include "mote/tensor/tensor.h"

namespace nn = mote::nn;
using Model =
    nn::Sequential<nn::Conv2d<3, 8, 3, /*Stride=*/2>, nn::Relu6,
                   mote::models::InvertedResidual<8, 8, /*Expansion=*/4>, nn::Conv1x1<8, 4>>;
using Input = mote::Extents<1, 16, 16, 3>;
static nn::Network<Model, Input, float> float_net;
static nn::Network<Model, Input, std::int8_t> int8_net;
alignas(64) static std::byte arena[decltype(float_net)::arena_bytes];
static mote::Tensor<float, Input> sample_in;
static mote::Tensor<float, decltype(float_net)::output_shape> sample_out;
static mote::Tensor<std::int8_t, Input> input;
static mote::Tensor<std::int8_t, decltype(int8_net)::output_shape> output;

int main() {
  float_net.initialize(/*seed=*/1);
  decltype(float_net)::Calibration ranges{};
  nn::WeightGenerator gen(2);
  for (int i = 0; i < 4; ++i) {
    for (float& x : sample_in) x = gen.uniform(-1.0f, 1.0f);
    if (float_net.calibrate(sample_in, sample_out, arena, ranges) != mote::Status::kOk) return 1;
  }
  if (int8_net.quantize_from(float_net, ranges) != mote::Status::kOk) return 1;
  for (std::int8_t& q : input) q = static_cast<std::int8_t>(gen.next_u64() >> 56);
  const mote::Status s = int8_net.run(input, output, arena);
  std::printf("consumer: %s on %s, checksum %016llx\n", mote::to_string(s),
              mote::simd_target_name(),
              static_cast<unsigned long long>(
                  mote::checksum(std::span<const std::int8_t>(output.data(), output.size()))));
  return s == mote::Status::kOk ? 0 : 1;
}
