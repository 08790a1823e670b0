// Golden checksums of the composed int8 MobileNetV2 inverted residual block: the same bits on
// every architecture (x86-64, aarch64, armhf, riscv64), compiler, dispatch mode and SIMD target.
//
// The int8 parameters come from a float network (generated weights, calibration), so the float
// path must round identically everywhere: this program is built with -ffp-contract=off (see
// tests/CMakeLists.txt; gcc fuses a*b+c into FMA by default where the ISA has it, which changes
// the calibrated ranges), uses no libm function that is not correctly rounded (only sqrt, round,
// frexp, fabs), and the int8 input is drawn from integer bits, with no float at all. The
// quantization parameters are checked on their own first, so a mismatch tells whether the
// float conversion or the int8 kernels differ.
#include <gtest/gtest.h>

#include <bit>
#include <cinttypes>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>

#include "mote/io/checksum.h"
#include "mote/models/mobilenet_v2.h"
#include "mote/nn/network.h"
#include "mote/tensor/tensor.h"
#include "support/targets.h"

namespace mote {
namespace {

// 28x28 rather than the example's 56x56: a quarter of the work, which matters under qemu's
// SVE emulation, and the same layers, shapes of weights and arithmetic.
using Shape = Extents<1, 28, 28, 24>;
using Block = models::InvertedResidual<24, 24, /*Expansion=*/6, /*Stride=*/1>;
using FloatBlock = nn::Network<Block, Shape, float>;
using Int8Block = nn::Network<Block, Shape, std::int8_t>;

// Stored goldens. If a deliberate change of arithmetic moves them, update all of them from the
// values this test prints, and say why in the commit.
constexpr std::uint32_t kInputScaleBits = 0x3c7ea3d6;
constexpr std::int32_t kInputZeroPoint = -1;
constexpr std::uint32_t kOutputScaleBits = 0x3d46dbfd;
constexpr std::int32_t kOutputZeroPoint = 3;
constexpr std::uint64_t kFloatOutputChecksum = 0x22cf663451ab9859u;
constexpr std::uint64_t kInt8OutputChecksum = 0x8159370ba246e086u;

struct Fixture {
  FloatBlock float_block;
  Int8Block int8_block;
  Tensor<float, Shape> float_in, float_out;
  Tensor<std::int8_t, Shape> int8_in;
  alignas(64)
      std::byte arena[FloatBlock::arena_bytes > Int8Block::arena_bytes ? FloatBlock::arena_bytes
                                                                       : Int8Block::arena_bytes];
  Status status = Status::kOk;

  Fixture() {
    float_block.initialize(/*seed=*/2024);
    FloatBlock::Calibration calibration{};
    nn::WeightGenerator data(7);
    for (int i = 0; i < 4 && status == Status::kOk; ++i) {
      for (float& x : float_in) x = data.uniform(-1.0f, 1.0f) + data.uniform(-1.0f, 1.0f);
      status = float_block.calibrate(float_in.view(), float_out.view(), arena, calibration);
    }
    if (status == Status::kOk) status = int8_block.quantize_from(float_block, calibration);
    // The int8 input: integer bits only.
    nn::WeightGenerator bits(11);
    for (std::int8_t& q : int8_in) q = static_cast<std::int8_t>(bits.next_u64() >> 56);
  }
};

// Built once per test program: the float calibration is the slow part under emulation.
const Fixture& fixture() {
  static const std::unique_ptr<Fixture> f = std::make_unique<Fixture>();
  return *f;
}

TEST(MobileNetV2Golden, QuantizationParametersAreBitExact) {
  const Fixture& f = fixture();
  ASSERT_EQ(f.status, Status::kOk) << to_string(f.status);
  const QuantParams<std::int8_t> in = f.int8_block.input_params();
  const QuantParams<std::int8_t> out = f.int8_block.output_params();
  std::printf("input scale 0x%08" PRIx32 " zero point %" PRId32 ", output scale 0x%08" PRIx32
              " zero point %" PRId32 "\n",
              std::bit_cast<std::uint32_t>(in.scale), in.zero_point,
              std::bit_cast<std::uint32_t>(out.scale), out.zero_point);
  EXPECT_EQ(std::bit_cast<std::uint32_t>(in.scale), kInputScaleBits);
  EXPECT_EQ(in.zero_point, kInputZeroPoint);
  EXPECT_EQ(std::bit_cast<std::uint32_t>(out.scale), kOutputScaleBits);
  EXPECT_EQ(out.zero_point, kOutputZeroPoint);
}

// The float output of the last calibration sample: pins the float arithmetic that the int8
// parameters are derived from.
TEST(MobileNetV2Golden, FloatCalibrationOutputIsBitExact) {
  const Fixture& f = fixture();
  ASSERT_EQ(f.status, Status::kOk) << to_string(f.status);
  const std::uint64_t sum =
      checksum(std::span<const float>(f.float_out.data(), f.float_out.size()));
  std::printf("float output checksum %016" PRIx64 "\n", sum);
  EXPECT_EQ(sum, kFloatOutputChecksum);
}

class MobileNetV2GoldenTest : public test::PerTarget {};
MOTE_INSTANTIATE_PER_TARGET(MobileNetV2GoldenTest);

TEST_P(MobileNetV2GoldenTest, Int8OutputMatchesGoldenChecksum) {
  const Fixture& f = fixture();
  ASSERT_EQ(f.status, Status::kOk) << to_string(f.status);
  static Tensor<std::int8_t, Shape> out;
  alignas(64) static std::byte arena[Int8Block::arena_bytes];
  ASSERT_EQ(f.int8_block.run(f.int8_in.view(), out.view(), arena), Status::kOk);
  const std::uint64_t sum = checksum(std::span<const std::int8_t>(out.data(), out.size()));
  std::printf("int8 output checksum %016" PRIx64 " on %s\n", sum, simd_target_name());
  EXPECT_EQ(sum, kInt8OutputChecksum);
}

}  // namespace
}  // namespace mote
