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
using Model =
    nn::Sequential<nn::Conv2d<3, 8, 3, /*Stride=*/2>, nn::Relu6,
                   mote::models::InvertedResidual<8, 8, /*Expansion=*/4>, nn::Conv1x1<8, 4>>;
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

#if defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'
// Emulated instruction count of a piece of code, from the SysTick down-counter on the CPU clock.
// Under qemu's -icount (virtual time advances a fixed amount per instruction) the tick count is
// exact and stable; the ticks of a loop with a known instruction count convert it to
// instructions. Without -icount the figure follows host time and means nothing.
namespace systick {
inline volatile std::uint32_t& reg(std::uintptr_t address) {
  return *reinterpret_cast<volatile std::uint32_t*>(address);
}
constexpr std::uintptr_t kCsr = 0xE000E010, kRvr = 0xE000E014, kCvr = 0xE000E018;
constexpr std::uint32_t kMax = 0xFFFFFF;  // 24-bit counter
void start() {
  reg(kCsr) = 0;
  reg(kRvr) = kMax;
  reg(kCvr) = 0;    // any write clears the counter and COUNTFLAG
  reg(kCsr) = 0x5;  // enable, processor clock, no interrupt
}
// Ticks since start(), or 0 if the counter wrapped (COUNTFLAG).
std::uint32_t elapsed() {
  const std::uint32_t now = reg(kCvr);
  return (reg(kCsr) & (1u << 16)) ? 0 : kMax - now;
}
// 2 * n + 1 instructions: mov, then n times subs + bne.
[[gnu::noinline]] void known_loop(std::uint32_t n) {
  __asm volatile(
      "mov r0, %0\n"
      "1: subs r0, r0, #1\n"
      "bne 1b\n" ::"r"(n)
      : "r0", "cc");
}
}  // namespace systick
#endif

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
#if defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'
  {
    constexpr std::uint32_t kLoop = 1000000;
    systick::start();
    systick::known_loop(kLoop);
    const std::uint32_t loop_ticks = systick::elapsed();
    systick::start();
    const mote::Status s = int8_net.run(input, output, int8_arena);
    const std::uint32_t run_ticks = systick::elapsed();
    if (s != mote::Status::kOk) return fail("run", s);
    const unsigned long instructions =
        loop_ticks == 0 ? 0
                        : static_cast<unsigned long>(static_cast<unsigned long long>(run_ticks) *
                                                     (2ull * kLoop + 1) / loop_ticks);
    std::printf(
        "mcu_model: emulated: %lu SysTick ticks per inference, %lu per %lu-instruction "
        "loop: ~%lu instructions per inference (meaningful under qemu -icount only)\n",
        static_cast<unsigned long>(run_ticks), static_cast<unsigned long>(loop_ticks),
        static_cast<unsigned long>(2 * kLoop + 1), instructions);
  }
#endif
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
