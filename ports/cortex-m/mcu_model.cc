// A small composed int8 model run on a microcontroller (and, built the same way, on the host):
// a strided 3x3 stem, one MobileNetV2 inverted residual block and a 1x1 head. Float weights are
// generated, calibrated and converted to int8 on the device (mote has no weight file format yet),
// then the int8 model runs and its output checksum is compared with kExpectedChecksum, the
// value every build (host x86-64, Cortex-M4, Cortex-M55) must print. Exit status 0 = match.
//
// Built with -ffp-contract=off so that the float calibration rounds the same on every target
// (the Cortex-M4/M55 FPUs have fused multiply-add, which gcc would use otherwise).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>

#include "mote/io/checksum.h"
#include "mote/models/mobilenet_v2.h"
#include "mote/nn/network.h"
#include "mote/simd/dispatch.h"
#include "mote/tensor/tensor.h"

namespace {

namespace nn = mote::nn;
using Model = nn::Sequential<nn::Conv2d<3, 8, 3, /*Stride=*/2>, nn::Relu6,
                             mote::models::InvertedResidual<8, 8, /*Expansion=*/4>,
                             nn::Conv1x1<8, 4>>;
using Input = mote::Extents<1, 32, 32, 3>;
using FloatNet = nn::Network<Model, Input, float>;
using Int8Net = nn::Network<Model, Input, std::int8_t>;

constexpr std::uint64_t kExpectedChecksum = 0x59b41d7f9da4a372u;

FloatNet float_net;
Int8Net int8_net;
alignas(64) std::byte float_arena[FloatNet::arena_bytes];
alignas(64) std::byte int8_arena[Int8Net::arena_bytes];
mote::Tensor<float, Input> sample_in;
mote::Tensor<float, FloatNet::output_shape> sample_out;
mote::Tensor<std::int8_t, Input> input;
mote::Tensor<std::int8_t, Int8Net::output_shape> output;

int fail(const char* what, mote::Status s) {
  std::printf("mcu_model: %s: %s\n", what, mote::to_string(s));
  return 2;
}

}  // namespace

int main() {
  float_net.initialize(/*seed=*/1);
  FloatNet::Calibration ranges{};
  nn::WeightGenerator gen(2);
  for (int i = 0; i < 4; ++i) {
    for (float& x : sample_in) x = gen.uniform(-1.0f, 1.0f);
    if (auto s = float_net.calibrate(sample_in, sample_out, float_arena, ranges);
        s != mote::Status::kOk) {
      return fail("calibrate", s);
    }
  }
  if (auto s = int8_net.quantize_from(float_net, ranges); s != mote::Status::kOk) {
    return fail("quantize", s);
  }
  nn::WeightGenerator bits(3);  // the int8 input: integer bits only
  for (std::int8_t& q : input) q = static_cast<std::int8_t>(bits.next_u64() >> 56);
  if (auto s = int8_net.run(input, output, int8_arena); s != mote::Status::kOk) {
    return fail("run", s);
  }
  const std::uint64_t sum =
      mote::checksum(std::span<const std::int8_t>(output.data(), output.size()));
  // %lu, not %zu: newlib's printf is built without C99 size modifiers.
  std::printf("mcu_model: target %s, int8 weights %lu bytes, int8 arena %lu bytes\n",
              mote::simd_target_name(), static_cast<unsigned long>(Int8Net::weight_bytes()),
              static_cast<unsigned long>(Int8Net::arena_bytes));
  std::printf("mcu_model: output checksum %016llx (expected %016llx) %s\n",
              static_cast<unsigned long long>(sum),
              static_cast<unsigned long long>(kExpectedChecksum),
              sum == kExpectedChecksum ? "OK" : "MISMATCH");
  return sum == kExpectedChecksum ? 0 : 1;
}
