// exp, logistic and tanh on FixedPoint, bit-exact with gemmlowp's fixedpoint.h, on which TFLite's
// reference integer LOGISTIC, TANH and SOFTMAX kernels are built. See docs/fixed_point.md.
#pragma once

#include <cstdint>
#include <iterator>

#include "mote/base/config.h"
#include "mote/fixed/detail/fixed_constants.h"
#include "mote/fixed/fixed_ops.h"
#include "mote/fixed/fixed_point.h"

namespace mote {

// exp(a) for a in [-1/4, 0), in Q0. With x = a + 1/8 in [-1/8, 1/8):
//   exp(a) = exp(-1/8) * exp(x) ~= exp(-1/8) * (1 + x + x^2/2 + x^3/6 + x^4/24),
// the tail evaluated as ((x^4/4 + x^3) / 3 + x^2) / 2. The Taylor remainder is positive and at
// most (1/8)^5 / 120 ~ 2.5e-7 (546 LSB of Q0.31): the result underestimates, so stays below 1.
template <FixedPointRaw Raw>
constexpr FixedPoint<Raw, 0> exp_on_interval_between_negative_one_quarter_and_0_excl(
    FixedPoint<Raw, 0> a) {
  using F = FixedPoint<Raw, 0>;
  const F exp_neg_one_eighth = from_int32_raw<F>(detail::exp_neg_one_eighth_q0_31);
  const F one_third = from_int32_raw<F>(detail::one_third_q0_31);
  const F x = a + F::template power_of_two<-3>();
  const F x2 = x * x;
  const F x3 = x2 * x;
  const F x4 = x2 * x2;
  const F x4_over_4 = saturating_rounding_multiply_by_pot<-2>(x4);
  const F x4_over_24_plus_x3_over_6_plus_x2_over_2 =
      saturating_rounding_multiply_by_pot<-1>((x4_over_4 + x3) * one_third + x2);
  // In int16 this sum can reach 1, which Q0.15 cannot hold: it saturates (gemmlowp does too).
  return exp_neg_one_eighth + exp_neg_one_eighth * (x + x4_over_24_plus_x3_over_6_plus_x2_over_2);
}

// exp(a) for a <= 0, any IntegerBits up to digits - 2, in Q0 (exp(0) saturates to one()).
// Split a = f - r with f = (a mod 1/4) - 1/4 in [-1/4, 0) and r >= 0 a whole multiple of 1/4:
// exp(a) = exp(f) * prod over the set bits 2^e of r of exp(-2^e), e = -2 .. 4. Below -32 the
// result, < 2^-46, is 0. Every product rounds (saturating_rounding_doubling_high_mul).
template <FixedPointRaw Raw, int IntegerBits>
constexpr FixedPoint<Raw, 0> exp_on_negative_values(FixedPoint<Raw, IntegerBits> a) {
  using InputF = FixedPoint<Raw, IntegerBits>;
  using ResultF = FixedPoint<Raw, 0>;
  constexpr int fractional_bits = InputF::fractional_bits;
  static_assert(
      IntegerBits <= InputF::digits - 2,
      "mote: exp_on_negative_values: the input format must hold 1/4 (IntegerBits <= digits - 2)");
  MOTE_ASSERT(a.raw() <= 0);
  if (a.raw() == 0) return ResultF::one();
  if constexpr (IntegerBits > 5) {
    // -32 exactly, as gemmlowp: smaller inputs give 0, -32 itself goes through the product.
    constexpr InputF minus_32 =
        InputF::from_raw(static_cast<Raw>(-(std::int64_t{32} << fractional_bits)));
    if (a < minus_32) return ResultF::zero();
  }

  const InputF one_quarter = InputF::template power_of_two<-2>();
  // Two's complement AND gives a mod 1/4 in [0, 1/4) for negative a too.
  const InputF a_mod_quarter_minus_one_quarter =
      InputF::from_raw(static_cast<Raw>(a.raw() & (one_quarter.raw() - 1))) - one_quarter;
  ResultF result = exp_on_interval_between_negative_one_quarter_and_0_excl(
      rescale<0>(a_mod_quarter_minus_one_quarter));
  // r = f - a lies in [0, 2^IntegerBits - 1/4], so the subtraction cannot overflow.
  const Raw remainder = (a_mod_quarter_minus_one_quarter - a).raw();

  constexpr int first = detail::exp_neg_pot_first_exponent;
  for (int i = 0; i < static_cast<int>(std::size(detail::exp_neg_pot_q0_31)); ++i) {
    const int exponent = first + i;
    if (IntegerBits <= exponent) break;  // a >= -2^IntegerBits has no bit of weight 2^exponent
    const int bit = fractional_bits + exponent;
    if ((remainder & static_cast<Raw>(Raw{1} << bit)) != 0) {
      result = result * from_int32_raw<ResultF>(detail::exp_neg_pot_q0_31[i]);
    }
  }
  return result;
}

namespace detail {

// 2 / (1 + a) for a in [0, 1], in Q2: Newton-Raphson on d = (1 + a) / 2 in [1/2, 1]. Start at
// x0 = 48/17 - 32/17 * d (max relative error 1/17), then x <- x + x * (1 - d * x) three times,
// squaring the error each time: (1/17)^8 ~ 1.4e-10, below 2^-31.
template <FixedPointRaw Raw>
constexpr FixedPoint<Raw, 2> two_over_one_plus_x_for_x_in_0_1(FixedPoint<Raw, 0> a) {
  using F0 = FixedPoint<Raw, 0>;
  using F2 = FixedPoint<Raw, 2>;
  const F0 half_denominator = rounding_half_sum(a, F0::one());
  const F2 forty_eight_seventeenths = from_int32_raw<F2>(forty_eight_seventeenths_q2_29);
  const F2 neg_thirty_two_seventeenths = from_int32_raw<F2>(neg_thirty_two_seventeenths_q2_29);
  F2 x = forty_eight_seventeenths + half_denominator * neg_thirty_two_seventeenths;
  for (int i = 0; i < 3; ++i) {
    const F2 one_minus_half_denominator_times_x = F2::one() - half_denominator * x;
    x = x + rescale<2>(x * one_minus_half_denominator_times_x);
  }
  return x;
}

}  // namespace detail

// 1 / (1 + a) for a in [0, 1], in Q0 (1/(1+0) saturates to one()).
template <FixedPointRaw Raw>
constexpr FixedPoint<Raw, 0> one_over_one_plus_x_for_x_in_0_1(FixedPoint<Raw, 0> a) {
  MOTE_ASSERT(a.raw() >= 0);
  // (2 / (1 + a)) / 2: halve by reading the raw as Q1, then move to Q0 (a saturating doubling).
  return rescale<0>(exact_mul_by_pot<-1>(detail::two_over_one_plus_x_for_x_in_0_1(a)));
}

// (1 - a) / (1 + a) = 2 / (1 + a) - 1 for a in [0, 1], in Q0 (a = 0 saturates to one()).
template <FixedPointRaw Raw>
constexpr FixedPoint<Raw, 0> one_minus_x_over_one_plus_x_for_x_in_0_1(FixedPoint<Raw, 0> a) {
  using F2 = FixedPoint<Raw, 2>;
  MOTE_ASSERT(a.raw() >= 0);
  return rescale<0>(detail::two_over_one_plus_x_for_x_in_0_1(a) - F2::one());
}

// logistic(a) = 1 / (1 + exp(-a)) for any a, in Q0; logistic(0) is exactly 1/2. Computes
// p = 1 / (1 + exp(-|a|)) and returns p for a > 0, one() - p for a < 0. Needs IntegerBits <=
// digits - 2 (exp_on_negative_values). TFLite's reference int8 LOGISTIC calls it on Q4.27.
template <FixedPointRaw Raw, int IntegerBits>
constexpr FixedPoint<Raw, 0> logistic(FixedPoint<Raw, IntegerBits> a) {
  using ResultF = FixedPoint<Raw, 0>;
  if (a.raw() == 0) return ResultF::template power_of_two<-1>();
  // For a < 0 use a itself rather than -(-a): the same for every a, and raw_min has no negation.
  const ResultF result_if_positive =
      one_over_one_plus_x_for_x_in_0_1(exp_on_negative_values(a.raw() > 0 ? -a : a));
  return a.raw() > 0 ? result_if_positive : ResultF::one() - result_if_positive;
}

// tanh(a) = (1 - exp(-2|a|)) / (1 + exp(-2|a|)) with the sign of a, for any a, in Q0.
// Needs IntegerBits <= digits - 3 (2a is read in Q(IntegerBits + 1)). TFLite's reference int8
// TANH calls it on Q4.27, its older int16 one on FixedPoint<int16_t, 3>.
template <FixedPointRaw Raw, int IntegerBits>
constexpr FixedPoint<Raw, 0> tanh(FixedPoint<Raw, IntegerBits> a) {
  using ResultF = FixedPoint<Raw, 0>;
  if (a.raw() == 0) return ResultF::zero();
  const bool negative = a.raw() < 0;
  // -|a|, never negating raw_min; exact_mul_by_pot<1> doubles it for free.
  const FixedPoint<Raw, IntegerBits> neg_abs = negative ? a : -a;
  const ResultF abs_tanh = one_minus_x_over_one_plus_x_for_x_in_0_1(
      exp_on_negative_values(exact_mul_by_pot<1>(neg_abs)));
  return negative ? -abs_tanh : abs_tanh;
}

}  // namespace mote
