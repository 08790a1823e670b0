// Exact integer primitives shared by fixed-point and requantization arithmetic.
// Each follows the gemmlowp/TFLite definition bit for bit; see docs/quantization.md.
#pragma once

#include <concepts>
#include <cstdint>
#include <limits>

#include "mote/base/config.h"

namespace mote {

// Clamps an integer of any width into the range of To (saturating narrowing).
template <std::integral To, std::integral From>
constexpr To saturate_cast(From x) {
  constexpr auto lo = std::numeric_limits<To>::min();
  constexpr auto hi = std::numeric_limits<To>::max();
  if constexpr (std::is_signed_v<From> == std::is_signed_v<To>) {
    if (x < lo) return lo;
    if (x > hi) return hi;
  } else if constexpr (std::is_signed_v<From>) {  // signed -> unsigned
    if (x < 0) return 0;
    if (static_cast<std::make_unsigned_t<From>>(x) > hi) return hi;
  } else {  // unsigned -> signed
    if (x > static_cast<std::make_unsigned_t<To>>(hi)) return hi;
  }
  return static_cast<To>(x);
}

template <std::integral T>
constexpr T clamp_int(T x, T lo, T hi) {
  return x < lo ? lo : (x > hi ? hi : x);
}

// round(a * b / 2^31) for Q31 values; ties round toward +infinity (the nudge is +-2^30 and the
// division truncates, so -1.5 -> -1 but 1.5 -> 2). The one overflow case,
// INT32_MIN * INT32_MIN, saturates to INT32_MAX. gemmlowp SaturatingRoundingDoublingHighMul.
constexpr std::int32_t saturating_rounding_doubling_high_mul(std::int32_t a, std::int32_t b) {
  if (a == b && a == std::numeric_limits<std::int32_t>::min()) {
    return std::numeric_limits<std::int32_t>::max();
  }
  const std::int64_t ab = std::int64_t{a} * std::int64_t{b};
  const std::int64_t nudge = ab >= 0 ? (std::int64_t{1} << 30) : (1 - (std::int64_t{1} << 30));
  return static_cast<std::int32_t>((ab + nudge) / (std::int64_t{1} << 31));
}

// Same for int16 Q15 values, same tie rule (TFLite's int16 paths, e.g. HARD_SWISH).
constexpr std::int16_t saturating_rounding_doubling_high_mul(std::int16_t a, std::int16_t b) {
  if (a == b && a == std::numeric_limits<std::int16_t>::min()) {
    return std::numeric_limits<std::int16_t>::max();
  }
  const std::int32_t ab = std::int32_t{a} * std::int32_t{b};
  const std::int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return static_cast<std::int16_t>((ab + nudge) / (1 << 15));
}

// x / 2^exponent rounded to nearest, ties away from zero, for 0 <= exponent <= 31.
// gemmlowp RoundingDivideByPOT.
template <std::signed_integral T>
constexpr T rounding_divide_by_pot(T x, int exponent) {
  MOTE_ASSERT(exponent >= 0 && exponent <= static_cast<int>(sizeof(T) * 8 - 1));
  // A wider type keeps the mask 2^exponent - 1 defined at exponent = digits (e.g. 31 for int32).
  using Wide = std::conditional_t<(sizeof(T) < 8), std::int64_t, T>;
  const Wide mask = static_cast<Wide>((Wide{1} << exponent) - 1);
  const Wide remainder = static_cast<Wide>(Wide{x} & mask);
  const Wide threshold = static_cast<Wide>((mask >> 1) + (x < 0 ? 1 : 0));
  return static_cast<T>((Wide{x} >> exponent) + (remainder > threshold ? 1 : 0));
}

// x * 2^exponent with saturation to the range of T (gemmlowp SaturatingRoundingMultiplyByPOT
// for a positive exponent; a negative exponent is a rounding divide).
template <std::signed_integral T>
constexpr T saturating_rounding_multiply_by_pot(T x, int exponent) {
  if (exponent <= 0) return rounding_divide_by_pot(x, -exponent);
  constexpr T lo = std::numeric_limits<T>::min();
  constexpr T hi = std::numeric_limits<T>::max();
  const T threshold = static_cast<T>(hi >> exponent);
  if (x > threshold) return hi;
  if (x < static_cast<T>(-threshold)) return lo;
  return static_cast<T>(static_cast<std::make_unsigned_t<T>>(x) << exponent);
}

// Integer ceil(a / b) for positive b, used by shape arithmetic.
constexpr std::int64_t ceil_div(std::int64_t a, std::int64_t b) {
  return (a + b - 1) / b;
}

}  // namespace mote
