// FixedPoint and fixed_ops.h: formats, saturation at the extremes, rounding, rescale, constants.
#include "mote/fixed/fixed_point.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>

#include "mote/fixed/fixed_ops.h"

namespace mote {
namespace {

using Q0_31 = FixedPoint<std::int32_t, 0>;
using Q4_27 = FixedPoint<std::int32_t, 4>;
using Q0_15 = FixedPoint<std::int16_t, 0>;
using Q3_12 = FixedPoint<std::int16_t, 3>;

constexpr std::int32_t i32_min = std::numeric_limits<std::int32_t>::min();
constexpr std::int32_t i32_max = std::numeric_limits<std::int32_t>::max();
constexpr std::int16_t i16_min = std::numeric_limits<std::int16_t>::min();
constexpr std::int16_t i16_max = std::numeric_limits<std::int16_t>::max();

// Formats, constants and arithmetic are constant-evaluable.
static_assert(Q0_31::fractional_bits == 31 && Q4_27::fractional_bits == 27);
static_assert(Q0_15::fractional_bits == 15 && Q3_12::fractional_bits == 12);
static_assert(Q0_31::one().raw() == i32_max, "Q0 cannot hold 1: one() saturates");
static_assert(Q4_27::one().raw() == (1 << 27));
static_assert(Q3_12::one().raw() == (1 << 12));
static_assert(Q4_27::power_of_two<-3>().raw() == (1 << 24));
static_assert(Q4_27::power_of_two<3>().raw() == (1 << 30));
static_assert(Q0_31::from_double(0.5).raw() == (1 << 30));
static_assert(Q0_31::from_double(-1.0).raw() == i32_min);
static_assert(Q0_31::from_double(1.0).raw() == i32_max);
static_assert((Q4_27::from_double(1.5) * Q4_27::from_double(-2.0)).to_double() == -3.0);
static_assert(std::same_as<decltype(Q4_27{} * Q0_31{}), Q4_27>);
static_assert(std::same_as<decltype(Q4_27{} * Q4_27{}), FixedPoint<std::int32_t, 8>>);
static_assert(std::same_as<decltype(exact_mul_by_pot<-1>(Q4_27{})), FixedPoint<std::int32_t, 3>>);
static_assert(rescale<2>(Q4_27::from_double(1.25)) ==
              FixedPoint<std::int32_t, 2>::from_double(1.25));
static_assert(Q4_27::from_double(-1.0) < Q4_27::zero() && Q4_27::one() > Q4_27::zero());

TEST(FixedPoint, FromDoubleRoundsHalfAwayFromZeroAndSaturates) {
  // 2^-27 is one Q4.27 LSB; halves of it are ties.
  const double lsb = std::ldexp(1.0, -27);
  EXPECT_EQ(Q4_27::from_double(0.5 * lsb).raw(), 1);
  EXPECT_EQ(Q4_27::from_double(-0.5 * lsb).raw(), -1);
  EXPECT_EQ(Q4_27::from_double(0.49 * lsb).raw(), 0);
  EXPECT_EQ(Q4_27::from_double(2.5 * lsb).raw(), 3);
  EXPECT_EQ(Q4_27::from_double(-2.5 * lsb).raw(), -3);
  // Just below a half LSB: a naive trunc(x + 0.5) would round this up to 1.
  EXPECT_EQ(Q4_27::from_double(0.49999999999999994 * lsb).raw(), 0);
  EXPECT_EQ(Q4_27::from_double(16.0).raw(), i32_max);
  EXPECT_EQ(Q4_27::from_double(-16.0).raw(), i32_min);
  EXPECT_EQ(Q4_27::from_double(1e300).raw(), i32_max);
  EXPECT_EQ(Q4_27::from_double(-1e300).raw(), i32_min);
  EXPECT_EQ(Q0_15::from_double(1.0).raw(), i16_max);
  EXPECT_EQ(Q0_15::from_double(-1.0).raw(), i16_min);
  EXPECT_EQ(Q3_12::from_double(-0.75).raw(), -3072);
}

TEST(FixedPoint, DoubleRoundTripIsExact) {
  for (int r = i16_min; r <= i16_max; ++r) {
    const auto x = Q3_12::from_raw(static_cast<std::int16_t>(r));
    ASSERT_EQ(Q3_12::from_double(x.to_double()), x) << r;
  }
  for (std::int64_t r = i32_min; r <= i32_max; r += 9973) {
    const auto x = Q4_27::from_raw(static_cast<std::int32_t>(r));
    ASSERT_EQ(Q4_27::from_double(x.to_double()), x) << r;
    ASSERT_EQ(x.to_double(), std::ldexp(static_cast<double>(r), -27));
  }
}

TEST(FixedPoint, AddSubNegSaturate) {
  const auto max = Q4_27::from_raw(i32_max);
  const auto min = Q4_27::from_raw(i32_min);
  const auto lsb = Q4_27::from_raw(1);
  EXPECT_EQ((max + lsb).raw(), i32_max);
  EXPECT_EQ((max + max).raw(), i32_max);
  EXPECT_EQ((min - lsb).raw(), i32_min);
  EXPECT_EQ((min + min).raw(), i32_min);
  EXPECT_EQ((max - min).raw(), i32_max);
  EXPECT_EQ((min - max).raw(), i32_min);
  EXPECT_EQ((min + max).raw(), -1);
  EXPECT_EQ((-min).raw(), i32_max);
  EXPECT_EQ((-max).raw(), i32_min + 1);
  EXPECT_EQ((Q4_27::from_double(1.5) + Q4_27::from_double(-2.25)).to_double(), -0.75);
  EXPECT_EQ((Q4_27::from_double(1.5) - Q4_27::from_double(-2.25)).to_double(), 3.75);

  const auto max16 = Q3_12::from_raw(i16_max);
  const auto min16 = Q3_12::from_raw(i16_min);
  EXPECT_EQ((max16 + Q3_12::from_raw(1)).raw(), i16_max);
  EXPECT_EQ((min16 - Q3_12::from_raw(1)).raw(), i16_min);
  EXPECT_EQ((-min16).raw(), i16_max);
  EXPECT_EQ((max16 - min16).raw(), i16_max);
}

TEST(FixedPoint, MulSaturatesOnlyMinTimesMin) {
  const auto min = Q0_31::from_raw(i32_min);
  const auto max = Q0_31::from_raw(i32_max);
  EXPECT_EQ((min * min).raw(), i32_max);  // (-1) * (-1) = 1, not representable
  EXPECT_EQ((min * max).raw(), -i32_max);
  EXPECT_EQ((max * max).raw(), i32_max - 1);
  const auto min16 = Q0_15::from_raw(i16_min);
  EXPECT_EQ((min16 * min16).raw(), i16_max);
  EXPECT_EQ((min16 * Q0_15::from_raw(i16_max)).raw(), -i16_max);
  // Integer bits add up: Q4.27 * Q4.27 -> Q8.23.
  const auto p = Q4_27::from_double(-3.5) * Q4_27::from_double(2.25);
  EXPECT_EQ(p.to_double(), -7.875);
}

TEST(FixedPoint, MulRoundsToNearestTiesUp) {
  // raw = a * b / 2^31; ties (exact .5) go toward +infinity, as ARM VQRDMULH.
  EXPECT_EQ((Q0_31::from_raw(3) * Q0_31::from_raw(1 << 29)).raw(), 1);    // 0.75 -> 1
  EXPECT_EQ((Q0_31::from_raw(1) * Q0_31::from_raw(1 << 30)).raw(), 1);    // 0.5 -> 1
  EXPECT_EQ((Q0_31::from_raw(-1) * Q0_31::from_raw(1 << 30)).raw(), 0);   // -0.5 -> 0
  EXPECT_EQ((Q0_31::from_raw(-3) * Q0_31::from_raw(1 << 30)).raw(), -1);  // -1.5 -> -1
  // Every product of a dense sweep is within half an LSB of the exact one.
  for (std::int64_t a = i32_min + 1; a <= i32_max; a += 7919 * 4099) {
    for (std::int64_t b = i32_min + 1; b <= i32_max; b += 6007 * 4099) {
      const auto p = Q0_31::from_raw(static_cast<std::int32_t>(a)) *
                     Q0_31::from_raw(static_cast<std::int32_t>(b));
      const long double exact = static_cast<long double>(a) * b / 2147483648.0L;
      ASSERT_LE(std::fabs(static_cast<long double>(p.raw()) - exact), 0.5L) << a << " " << b;
    }
  }
}

TEST(FixedPoint, RescaleRoundsDownSaturatesUp) {
  // Fewer integer bits: multiply raw by 2^k, saturating.
  EXPECT_EQ(rescale<0>(Q4_27::from_double(0.5)).raw(), 1 << 30);
  EXPECT_EQ(rescale<0>(Q4_27::from_double(1.0)).raw(), i32_max);
  EXPECT_EQ(rescale<0>(Q4_27::from_double(-1.0)).raw(), i32_min);
  EXPECT_EQ(rescale<0>(Q4_27::from_double(-3.0)).raw(), i32_min);
  EXPECT_EQ(rescale<2>(Q4_27::from_raw(i32_max)).raw(), i32_max);
  // More integer bits: divide raw by 2^k, rounding to nearest, ties away from zero.
  EXPECT_EQ(rescale<6>(Q4_27::from_raw(2)).raw(), 1);    // 0.5 -> 1
  EXPECT_EQ(rescale<6>(Q4_27::from_raw(-2)).raw(), -1);  // -0.5 -> -1
  EXPECT_EQ(rescale<6>(Q4_27::from_raw(1)).raw(), 0);    // 0.25 -> 0
  EXPECT_EQ(rescale<6>(Q4_27::from_raw(-3)).raw(), -1);  // -0.75 -> -1
  EXPECT_EQ(rescale<6>(Q4_27::from_raw(6)).raw(), 2);    // 1.5 -> 2
  // Down then up loses only the rounding; up then down is exact whenever the value fits.
  for (std::int64_t r = i32_min; r <= i32_max; r += 104729) {
    const auto x = Q4_27::from_raw(static_cast<std::int32_t>(r));
    const auto rounded = static_cast<std::int64_t>(std::round(static_cast<double>(r) / 32.0)) * 32;
    ASSERT_EQ(rescale<4>(rescale<9>(x)).raw(), std::clamp<std::int64_t>(rounded, i32_min, i32_max))
        << r;
    const auto y = rescale<9>(x);
    ASSERT_EQ(rescale<9>(rescale<4>(y)), y) << r;
  }
  for (int r = i16_min; r <= i16_max; ++r) {
    const auto x = Q3_12::from_raw(static_cast<std::int16_t>(r));
    const double v = x.to_double();
    const auto down = rescale<1>(x);
    const double expected_down = std::clamp(v, -2.0, 2.0 - std::ldexp(1.0, -14));
    ASSERT_EQ(down.to_double(), expected_down) << r;
  }
}

TEST(FixedOps, MultiplyByPotAndHalfSum) {
  EXPECT_EQ(saturating_rounding_multiply_by_pot<-2>(Q0_31::from_raw(6)).raw(), 2);    // 1.5 -> 2
  EXPECT_EQ(saturating_rounding_multiply_by_pot<-2>(Q0_31::from_raw(-6)).raw(), -2);  // -1.5
  EXPECT_EQ(saturating_rounding_multiply_by_pot<3>(Q0_31::from_raw(1 << 27)).raw(), 1 << 30);
  EXPECT_EQ(saturating_rounding_multiply_by_pot<3>(Q0_31::from_raw(1 << 28)).raw(), i32_max);
  EXPECT_EQ(saturating_rounding_multiply_by_pot<3>(Q0_31::from_raw(-(1 << 28))).raw(), i32_min);
  EXPECT_EQ(saturating_rounding_multiply_by_pot<1>(Q0_15::from_raw(-20000)).raw(), i16_min);

  EXPECT_EQ(rounding_half_sum(Q0_31::from_raw(i32_max), Q0_31::from_raw(i32_max)).raw(), i32_max);
  EXPECT_EQ(rounding_half_sum(Q0_31::from_raw(i32_min), Q0_31::from_raw(i32_min)).raw(), i32_min);
  EXPECT_EQ(rounding_half_sum(Q0_31::from_raw(1), Q0_31::from_raw(2)).raw(), 2);     // 1.5 -> 2
  EXPECT_EQ(rounding_half_sum(Q0_31::from_raw(-1), Q0_31::from_raw(-2)).raw(), -2);  // -1.5 -> -2
  EXPECT_EQ(rounding_half_sum(Q0_15::from_raw(i16_max), Q0_15::from_raw(0)).raw(), 16384);
}

TEST(FixedOps, Int32ConstantsNarrowToInt16ByRounding) {
  EXPECT_EQ(from_int32_raw<Q0_31>(1895147668).raw(), 1895147668);
  EXPECT_EQ(from_int32_raw<Q0_15>(1895147668).raw(), 28918);  // 28917.66
  EXPECT_EQ(from_int32_raw<Q0_15>(1 << 30).raw(), 1 << 14);
  EXPECT_EQ(from_int32_raw<Q0_15>(-(1 << 15)).raw(), -1);  // -0.5 -> -1
  EXPECT_EQ(from_int32_raw<Q0_15>(242).raw(), 0);
}

}  // namespace
}  // namespace mote
