// Arithmetic helpers on FixedPoint beyond its operators: power-of-two scaling, rounding half sum,
// and constants written once as 32-bit raws for both raw widths.
#pragma once

#include <cstdint>

#include "mote/base/int_math.h"
#include "mote/fixed/fixed_point.h"

namespace mote {

// x * 2^Exponent keeping the format: saturating for Exponent > 0, rounding to nearest (ties away
// from zero) for Exponent < 0. gemmlowp SaturatingRoundingMultiplyByPOT<Exponent>.
template <int Exponent, FixedPointRaw Raw, int IntegerBits>
constexpr FixedPoint<Raw, IntegerBits> saturating_rounding_multiply_by_pot(
    FixedPoint<Raw, IntegerBits> x) {
  static_assert(Exponent > -FixedPoint<Raw, IntegerBits>::digits &&
                    Exponent < FixedPoint<Raw, IntegerBits>::digits,
                "mote: saturating_rounding_multiply_by_pot: |Exponent| must be below digits");
  return FixedPoint<Raw, IntegerBits>::from_raw(
      saturating_rounding_multiply_by_pot(x.raw(), Exponent));
}

// (a + b) / 2 rounded to nearest, ties away from zero, computed wide so it never overflows
// (gemmlowp RoundingHalfSum, ARM VRHADD).
template <FixedPointRaw Raw, int IntegerBits>
constexpr FixedPoint<Raw, IntegerBits> rounding_half_sum(FixedPoint<Raw, IntegerBits> a,
                                                         FixedPoint<Raw, IntegerBits> b) {
  const std::int64_t sum = std::int64_t{a.raw()} + std::int64_t{b.raw()};
  // C++ division truncates toward zero, so adding the sign rounds the .5 case away from zero.
  const std::int64_t half = (sum + (sum >= 0 ? 1 : -1)) / 2;
  return FixedPoint<Raw, IntegerBits>::from_raw(static_cast<Raw>(half));
}

// The constant F whose int32 raw, in the format with F's IntegerBits, is raw32. An int16 format
// takes it rounded to nearest from 16 fewer fractional bits (raw32 / 2^16), so every constant is
// written once, in 32 bits, as gemmlowp does (RescaleConstantInitializer).
template <typename F>
constexpr F from_int32_raw(std::int32_t raw32) {
  constexpr int drop_bits = 32 - static_cast<int>(sizeof(typename F::raw_type)) * 8;
  return F::from_raw(static_cast<typename F::raw_type>(rounding_divide_by_pot(raw32, drop_bits)));
}

}  // namespace mote
