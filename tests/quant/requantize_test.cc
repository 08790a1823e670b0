// Q31 multipliers and both requantization rules against hand-worked cases and an independent
// exact formulation over random inputs.
#include "mote/quant/requantize.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include "mote/quant/multiplier.h"
#include "mote/quant/output_stage.h"

namespace mote {
namespace {

constexpr std::int32_t kMin32 = std::numeric_limits<std::int32_t>::min();
constexpr std::int32_t kMax32 = std::numeric_limits<std::int32_t>::max();

// The specs below compute on exact integers. Every value fits in 64 bits, so no 128-bit type is
// needed (32-bit targets have none): a product x * M of two int32 is at most 2^62 in magnitude,
// and rounding it at n <= 62 bits (n = 31 - shift, shift >= -31) adds at most 2^61, which leaves
// the sum below 2^63. round_half_up fails the test if its input leaves that range, so a wrap
// cannot pass unnoticed.
constexpr std::int64_t kExactBound = std::int64_t{1} << 62;

// floor(a / 2^n) for n >= 0 (C++20: >> of a negative value is arithmetic, a floor).
std::int64_t floor_pot(std::int64_t a, int n) {
  return a >> n;
}

// Round-half rules on the exact rational a / 2^n, |a| <= 2^62, 0 <= n <= 62.
std::int64_t round_half_up(std::int64_t a, int n) {
  if (a > kExactBound || a < -kExactBound || n < 0 || n > 62) {
    ADD_FAILURE() << "spec outside its exact 64-bit range: " << a << " / 2^" << n;
  }
  return n == 0 ? a : floor_pot(a + (std::int64_t{1} << (n - 1)), n);
}
std::int64_t round_half_away(std::int64_t a, int n) {
  if (n == 0) return a;
  return a >= 0 ? round_half_up(a, n) : -round_half_up(-a, n);
}

// Independent spec of the double rule: x * 2^ls wrapped to int32, high multiply rounded half up
// and saturated, then divided by 2^rs rounded half away from zero.
std::int32_t double_rule(std::int32_t x, QuantizedMultiplier m) {
  const int ls = m.shift > 0 ? m.shift : 0;
  const int rs = m.shift > 0 ? 0 : -m.shift;
  const auto xs = static_cast<std::int32_t>(static_cast<std::uint32_t>(x) << ls);
  std::int64_t hi = round_half_up(std::int64_t{xs} * m.multiplier, 31);
  if (hi > kMax32) hi = kMax32;
  return static_cast<std::int32_t>(round_half_away(hi, rs));
}

// Independent spec of the single rule: the exact x * M * 2^shift / 2^31, rounded half up.
std::int32_t single_rule(std::int32_t x, QuantizedMultiplier m) {
  const std::int64_t r = round_half_up(std::int64_t{x} * m.multiplier, 31 - m.shift);
  return static_cast<std::int32_t>(r > kMax32 ? kMax32 : (r < kMin32 ? kMin32 : r));
}

TEST(QuantizedMultiplier, FromRealHandWorked) {
  EXPECT_EQ(*QuantizedMultiplier::from_real(0.5), (QuantizedMultiplier{1 << 30, 0}));
  EXPECT_EQ(*QuantizedMultiplier::from_real(0.25), (QuantizedMultiplier{1 << 30, -1}));
  EXPECT_EQ(*QuantizedMultiplier::from_real(1.0), (QuantizedMultiplier{1 << 30, 1}));
  EXPECT_EQ(*QuantizedMultiplier::from_real(3.0), (QuantizedMultiplier{3 << 29, 2}));
  EXPECT_EQ(*QuantizedMultiplier::from_real(0.0), (QuantizedMultiplier{0, 0}));
  // 0.75 = 0.75 * 2^0: 0.75 * 2^31 = 1610612736.
  EXPECT_EQ(*QuantizedMultiplier::from_real(0.75), (QuantizedMultiplier{1610612736, 0}));
  // 0.00071: frexp -> 0.72704 * 2^-10; round(0.72704 * 2^31) = 1561321186.
  const auto m = *QuantizedMultiplier::from_real(0.00071);
  EXPECT_EQ(m.shift, -10);
  EXPECT_EQ(m.multiplier, static_cast<std::int32_t>(std::round(0.00071 * 1024 * 2147483648.0)));
  EXPECT_NEAR(m.to_real(), 0.00071, 1e-12);
}

TEST(QuantizedMultiplier, EdgeCases) {
  // Just below 1: the fraction rounds up to 2^31, which becomes 2^30 with the shift bumped.
  const double almost_one = 1.0 - std::ldexp(1.0, -33);
  EXPECT_EQ(*QuantizedMultiplier::from_real(almost_one), (QuantizedMultiplier{1 << 30, 1}));
  // Tiny multipliers underflow the shift range to zero.
  EXPECT_EQ(*QuantizedMultiplier::from_real(std::ldexp(1.0, -40)), (QuantizedMultiplier{0, 0}));
  // 2^-32 is 0.5 * 2^-31: still representable with shift -31.
  EXPECT_EQ(*QuantizedMultiplier::from_real(std::ldexp(1.0, -32)),
            (QuantizedMultiplier{1 << 30, -31}));
  // Huge multipliers saturate.
  EXPECT_EQ(*QuantizedMultiplier::from_real(std::ldexp(1.0, 40)),
            (QuantizedMultiplier{kMax32, 30}));
  EXPECT_EQ(QuantizedMultiplier::from_real(-1.0).status(), Status::kInvalidArgument);
  EXPECT_EQ(QuantizedMultiplier::from_real(NAN).status(), Status::kInvalidArgument);
  EXPECT_EQ(QuantizedMultiplier::from_real(INFINITY).status(), Status::kInvalidArgument);
}

TEST(IntMath, SaturatingRoundingDoublingHighMul) {
  EXPECT_EQ(saturating_rounding_doubling_high_mul(kMin32, kMin32), kMax32);
  EXPECT_EQ(saturating_rounding_doubling_high_mul(kMin32, kMax32), -kMax32);
  EXPECT_EQ(saturating_rounding_doubling_high_mul(3, 1 << 30), 2);    // 1.5 -> 2
  EXPECT_EQ(saturating_rounding_doubling_high_mul(-3, 1 << 30), -1);  // -1.5 -> -1 (ties up)
  EXPECT_EQ(saturating_rounding_doubling_high_mul(-5, 1 << 30), -2);  // -2.5 -> -2
  EXPECT_EQ(saturating_rounding_doubling_high_mul(std::int16_t{-32768}, std::int16_t{-32768}),
            32767);
}

TEST(IntMath, RoundingDivideByPot) {
  EXPECT_EQ(rounding_divide_by_pot(5, 1), 3);    // 2.5 -> 3
  EXPECT_EQ(rounding_divide_by_pot(-5, 1), -3);  // -2.5 -> -3 (ties away from zero)
  EXPECT_EQ(rounding_divide_by_pot(-3, 2), -1);  // -0.75 -> -1
  EXPECT_EQ(rounding_divide_by_pot(-2, 2), -1);  // -0.5 -> -1
  EXPECT_EQ(rounding_divide_by_pot(2, 2), 1);    // 0.5 -> 1
  EXPECT_EQ(rounding_divide_by_pot(kMin32, 31), -1);
  EXPECT_EQ(rounding_divide_by_pot(kMax32, 31), 1);
  EXPECT_EQ(rounding_divide_by_pot(kMax32, 0), kMax32);
  EXPECT_EQ(saturating_rounding_multiply_by_pot(1 << 29, 2), kMax32);
  EXPECT_EQ(saturating_rounding_multiply_by_pot(-(1 << 29), 2), kMin32);
  EXPECT_EQ(saturating_rounding_multiply_by_pot(3, 4), 48);
}

TEST(Requantize, HandWorkedTies) {
  const QuantizedMultiplier half{1 << 30, 0};  // 0.5
  // +-0.5 quanta: the double rule's high multiply rounds ties up, the single rule too.
  EXPECT_EQ(multiply_by_quantized_multiplier<Rounding::kDouble>(1, half), 1);
  EXPECT_EQ(multiply_by_quantized_multiplier<Rounding::kSingle>(1, half), 1);
  EXPECT_EQ(multiply_by_quantized_multiplier<Rounding::kDouble>(-1, half), 0);
  EXPECT_EQ(multiply_by_quantized_multiplier<Rounding::kSingle>(-1, half), 0);
  // -1.25 with a tie in the first step: double -2.5 -> -2, then -2/2 = -1; single floor(-0.75).
  const QuantizedMultiplier quarter{1 << 30, -1};  // 0.25
  EXPECT_EQ(multiply_by_quantized_multiplier<Rounding::kDouble>(-5, quarter), -1);
  EXPECT_EQ(multiply_by_quantized_multiplier<Rounding::kSingle>(-5, quarter), -1);
  // -2.5 quanta exactly: the shift's tie goes away from zero, the single rule goes up.
  EXPECT_EQ(multiply_by_quantized_multiplier<Rounding::kDouble>(-10, quarter), -3);
  EXPECT_EQ(multiply_by_quantized_multiplier<Rounding::kSingle>(-10, quarter), -2);
  EXPECT_EQ(multiply_by_quantized_multiplier<Rounding::kDouble>(10, quarter), 3);
  EXPECT_EQ(multiply_by_quantized_multiplier<Rounding::kSingle>(10, quarter), 3);
  // The rules disagree off a tie: -3 * (1 - 2^-31) / 2 = -1.4999999993. The double rule first
  // rounds to -3 and then the tie -1.5 to -2; the single rule gives the correct -1.
  const QuantizedMultiplier almost_half{kMax32, -1};
  EXPECT_EQ(multiply_by_quantized_multiplier<Rounding::kDouble>(-3, almost_half), -2);
  EXPECT_EQ(multiply_by_quantized_multiplier<Rounding::kSingle>(-3, almost_half), -1);
}

TEST(Requantize, ShiftExtremes) {
  // shift 0 and large left shifts; shift -31 (the smallest representable multipliers).
  const QuantizedMultiplier one{1 << 30, 1};
  EXPECT_EQ(multiply_by_quantized_multiplier<Rounding::kDouble>(12345, one), 12345);
  EXPECT_EQ(multiply_by_quantized_multiplier<Rounding::kSingle>(-12345, one), -12345);
  const QuantizedMultiplier tiny{1 << 30, -31};  // 2^-32
  // (2^31 - 1) / 2^32 = 0.49999...: the high multiply rounds to 2^30, which is then a tie.
  EXPECT_EQ(multiply_by_quantized_multiplier<Rounding::kDouble>(kMax32, tiny), 1);
  EXPECT_EQ(multiply_by_quantized_multiplier<Rounding::kSingle>(kMax32, tiny), 0);
  EXPECT_EQ(multiply_by_quantized_multiplier<Rounding::kDouble>(kMin32, tiny), -1);  // -0.5
  EXPECT_EQ(multiply_by_quantized_multiplier<Rounding::kSingle>(kMin32, tiny), 0);   // up
  // INT32_MIN through a multiplier of (almost) 1 and shift 0: the saturating case.
  const QuantizedMultiplier almost_one{kMax32, 0};
  EXPECT_EQ(multiply_by_quantized_multiplier<Rounding::kDouble>(kMin32, almost_one), -kMax32);
  EXPECT_EQ(saturating_rounding_doubling_high_mul(kMin32, kMin32), kMax32);
  const QuantizedMultiplier big{1 << 30, 30};  // 2^30: saturates in the single rule
  EXPECT_EQ(multiply_by_quantized_multiplier<Rounding::kSingle>(5, big), kMax32);
  EXPECT_EQ(multiply_by_quantized_multiplier<Rounding::kSingle>(-5, big), kMin32);
}

TEST(Requantize, RandomAgainstIndependentSpec) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<std::int32_t> any32(kMin32, kMax32);
  std::uniform_int_distribution<std::int32_t> mult(1 << 30, kMax32);
  std::uniform_int_distribution<int> shift(-31, 30);
  std::uniform_int_distribution<int> small_shift(-31, 0);
  int disagreements = 0;
  for (int i = 0; i < 200000; ++i) {
    // Typical accumulators are small; mix them with full-range ones and extremes.
    std::int32_t x = (i % 3 == 0) ? any32(rng) : any32(rng) >> (i % 24);
    if (i % 1000 == 0) x = kMin32;
    if (i % 1000 == 1) x = kMax32;
    const QuantizedMultiplier m{(i % 997 == 0) ? (1 << 30) : mult(rng),
                                (i % 2) ? shift(rng) : small_shift(rng)};
    ASSERT_EQ(multiply_by_quantized_multiplier<Rounding::kDouble>(x, m), double_rule(x, m))
        << x << " " << m.multiplier << " " << m.shift;
    ASSERT_EQ(multiply_by_quantized_multiplier<Rounding::kSingle>(x, m), single_rule(x, m))
        << x << " " << m.multiplier << " " << m.shift;
    if (m.shift <= 0) {
      const std::int32_t d = multiply_by_quantized_multiplier<Rounding::kDouble>(x, m);
      const std::int32_t s = multiply_by_quantized_multiplier<Rounding::kSingle>(x, m);
      ASSERT_LE(std::abs(static_cast<std::int64_t>(d) - s), 1);  // the rules differ by <= 1
      disagreements += d != s;
    }
  }
  EXPECT_GT(disagreements, 0);
}

TEST(Requantize, ClampsAndZeroPoint) {
  const QuantizedMultiplier half{1 << 30, 0};
  EXPECT_EQ(requantize(100, half, -3), 47);
  EXPECT_EQ(requantize(1000, half, 0), 127);
  EXPECT_EQ(requantize(-1000, half, 0), -128);
  EXPECT_EQ((requantize<Rounding::kDouble, std::int8_t>(100, half, -3, -128, 20)), 20);
  EXPECT_EQ((requantize<Rounding::kSingle, std::uint8_t>(-7, half, 10)), 7);
  EXPECT_EQ((requantize<Rounding::kDouble, std::uint8_t>(-700, half, 10)), 0);
  static_assert(requantize(100, QuantizedMultiplier{1 << 30, 0}, -3) == 47, "constexpr");
}

TEST(OutputStage, ValidatesAndApplies) {
  const std::int32_t bias[3] = {10, -10, 0};
  const QuantizedMultiplier mults[3] = {{1 << 30, 0}, {1 << 30, -1}, {1 << 30, 1}};
  const OutputStage<> stage{bias, mults, 5, -100, 100};
  EXPECT_EQ(stage.validate(3), Status::kOk);
  EXPECT_EQ(stage.validate(4), Status::kShapeMismatch);
  EXPECT_EQ(stage.apply(20, 0), 20);    // (20 + 10) / 2 + 5
  EXPECT_EQ(stage.apply(20, 1), 8);     // (20 - 10) / 4 = 2.5 -> 3, + 5
  EXPECT_EQ(stage.apply(200, 2), 100);  // clamp
  OutputStage<> bad = stage;
  bad.zero_point = 200;
  EXPECT_EQ(bad.validate(3), Status::kInvalidArgument);
  bad = stage;
  bad.clamp_min = 101;
  EXPECT_EQ(bad.validate(3), Status::kInvalidArgument);
}

TEST(OutputStage, ActivationRangesAsTflite) {
  const QuantParams<std::int8_t> out{6.0f / 255.0f, -128};
  EXPECT_EQ(activation_range(Activation::kRelu6, out), (ClampRange{-128, 127}));
  const QuantParams<std::int8_t> wide{0.1f, 3};
  EXPECT_EQ(activation_range(Activation::kRelu, wide), (ClampRange{3, 127}));
  EXPECT_EQ(activation_range(Activation::kRelu6, wide), (ClampRange{3, 63}));
  EXPECT_EQ(activation_range(Activation::kReluN1To1, wide), (ClampRange{-7, 13}));
  EXPECT_EQ(activation_range(Activation::kNone, wide), (ClampRange{-128, 127}));
}

TEST(OutputStage, ComputeMultipliersIsAllOrNothing) {
  const float w[2] = {0.01f, 0.02f};
  QuantizedMultiplier out[2] = {{7, 7}, {7, 7}};
  EXPECT_EQ(compute_multipliers(0.5f, w, 0.25f, out), Status::kOk);
  EXPECT_EQ(out[0], *QuantizedMultiplier::from_real(0.5 * double{0.01f} / 0.25));
  const float bad[2] = {0.01f, -1.0f};
  QuantizedMultiplier keep[2] = {{7, 7}, {7, 7}};
  EXPECT_EQ(compute_multipliers(0.5f, bad, 0.25f, keep), Status::kInvalidArgument);
  EXPECT_EQ(keep[0], (QuantizedMultiplier{7, 7}));
  // Huge products are valid and saturate, as in TFLite.
  const float huge[2] = {3e38f, 3e38f};
  EXPECT_EQ(compute_multipliers(3e38f, huge, 1e-38f, keep), Status::kOk);
  EXPECT_EQ(keep[1], (QuantizedMultiplier{std::numeric_limits<std::int32_t>::max(), 30}));
}

}  // namespace
}  // namespace mote
