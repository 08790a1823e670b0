// FixedPoint<Raw, IntegerBits>: a signed Q-format number in an int32 or int16, gemmlowp's model.
#pragma once

#include <compare>
#include <concepts>
#include <cstdint>
#include <limits>

#include "mote/base/config.h"
#include "mote/base/int_math.h"

namespace mote {

// The raw storage types a FixedPoint may use: the two widths TFLite's integer paths need.
template <typename T>
concept FixedPointRaw = std::same_as<T, std::int32_t> || std::same_as<T, std::int16_t>;

// real = raw / 2^fractional_bits, range [-2^IntegerBits, 2^IntegerBits). IntegerBits counts the
// integer bits without the sign bit, so Raw's digits = IntegerBits + fractional_bits: the Q-format
// Q<IntegerBits>.<fractional_bits> (FixedPoint<std::int32_t, 0> is Q0.31, values in [-1, 1)).
template <FixedPointRaw Raw, int IntegerBits>
class FixedPoint {
 public:
  static constexpr int digits = std::numeric_limits<Raw>::digits;  // 31 or 15
  static_assert(IntegerBits >= 0 && IntegerBits <= digits,
                "mote: FixedPoint: IntegerBits must lie in [0, digits of Raw]");

  using raw_type = Raw;
  static constexpr int integer_bits = IntegerBits;
  static constexpr int fractional_bits = digits - IntegerBits;
  static constexpr Raw raw_min = std::numeric_limits<Raw>::min();
  static constexpr Raw raw_max = std::numeric_limits<Raw>::max();

  constexpr FixedPoint() = default;

  static constexpr FixedPoint from_raw(Raw raw) {
    FixedPoint x;
    x.raw_ = raw;
    return x;
  }

  static constexpr FixedPoint zero() { return from_raw(0); }

  // 1.0, which Q0.n cannot hold: there it saturates to raw_max = 1 - 2^-n, as in gemmlowp.
  static constexpr FixedPoint one() {
    if constexpr (IntegerBits == 0) {
      return from_raw(raw_max);
    } else {
      return from_raw(static_cast<Raw>(Raw{1} << fractional_bits));
    }
  }

  // 2^Exponent exactly; rejected at compile time when the format cannot hold it.
  template <int Exponent>
  static constexpr FixedPoint power_of_two() {
    constexpr int bit = fractional_bits + Exponent;
    static_assert(bit >= 0 && bit < digits,
                  "mote: FixedPoint::power_of_two: 2^Exponent is not representable in this format");
    return from_raw(static_cast<Raw>(Raw{1} << bit));
  }

  // round(x * 2^fractional_bits), ties away from zero (like std::round), saturated to Raw.
  // Constant-evaluable, so tables and constants can be written as real numbers. x must not be NaN.
  static constexpr FixedPoint from_double(double x) {
    MOTE_ASSERT(x == x);
    const double scaled = x * static_cast<double>(std::int64_t{1} << fractional_bits);
    if (scaled >= static_cast<double>(raw_max)) return from_raw(raw_max);
    if (scaled <= static_cast<double>(raw_min)) return from_raw(raw_min);
    // Now |scaled| < 2^31: the truncation fits in int64 and scaled - whole is exact.
    const auto whole = static_cast<std::int64_t>(scaled);  // toward zero
    const double fraction = scaled - static_cast<double>(whole);
    std::int64_t rounded = whole;
    if (fraction >= 0.5) ++rounded;
    if (fraction <= -0.5) --rounded;
    return from_raw(saturate_cast<Raw>(rounded));
  }

  // raw / 2^fractional_bits; exact, since every raw fits in a double's 53-bit significand.
  constexpr double to_double() const {
    return static_cast<double>(raw_) / static_cast<double>(std::int64_t{1} << fractional_bits);
  }

  constexpr Raw raw() const { return raw_; }

  friend constexpr bool operator==(const FixedPoint&, const FixedPoint&) = default;
  friend constexpr std::strong_ordering operator<=>(const FixedPoint&, const FixedPoint&) = default;

 private:
  Raw raw_ = 0;
};

// Add, subtract and negate saturate to [raw_min, raw_max]. gemmlowp's operators wrap instead, but
// its exp/logistic/tanh never overflow a 32-bit intermediate (its one 16-bit overflow it saturates
// too), so the functions in fixed_functions.h stay bit-exact with it.
template <FixedPointRaw Raw, int IntegerBits>
constexpr FixedPoint<Raw, IntegerBits> operator+(FixedPoint<Raw, IntegerBits> a,
                                                 FixedPoint<Raw, IntegerBits> b) {
  return FixedPoint<Raw, IntegerBits>::from_raw(
      saturate_cast<Raw>(std::int64_t{a.raw()} + std::int64_t{b.raw()}));
}

template <FixedPointRaw Raw, int IntegerBits>
constexpr FixedPoint<Raw, IntegerBits> operator-(FixedPoint<Raw, IntegerBits> a,
                                                 FixedPoint<Raw, IntegerBits> b) {
  return FixedPoint<Raw, IntegerBits>::from_raw(
      saturate_cast<Raw>(std::int64_t{a.raw()} - std::int64_t{b.raw()}));
}

// -raw_min saturates to raw_max.
template <FixedPointRaw Raw, int IntegerBits>
constexpr FixedPoint<Raw, IntegerBits> operator-(FixedPoint<Raw, IntegerBits> a) {
  return FixedPoint<Raw, IntegerBits>::from_raw(saturate_cast<Raw>(-std::int64_t{a.raw()}));
}

// Qa * Qb -> Q(a+b): the raw product is round(ra * rb / 2^digits) with ties toward +infinity
// (ARM VQRDMULH), and the one overflow, raw_min * raw_min, saturates to raw_max
// (saturating_rounding_doubling_high_mul).
template <FixedPointRaw Raw, int IntegerBitsA, int IntegerBitsB>
constexpr FixedPoint<Raw, IntegerBitsA + IntegerBitsB> operator*(FixedPoint<Raw, IntegerBitsA> a,
                                                                 FixedPoint<Raw, IntegerBitsB> b) {
  return FixedPoint<Raw, IntegerBitsA + IntegerBitsB>::from_raw(
      saturating_rounding_doubling_high_mul(a.raw(), b.raw()));
}

// x * 2^Exponent with no arithmetic at all: the same raw read in a format with Exponent more
// integer bits.
template <int Exponent, FixedPointRaw Raw, int IntegerBits>
constexpr FixedPoint<Raw, IntegerBits + Exponent> exact_mul_by_pot(FixedPoint<Raw, IntegerBits> x) {
  return FixedPoint<Raw, IntegerBits + Exponent>::from_raw(x.raw());
}

// The same real value in a format with NewIntegerBits: raw * 2^(IntegerBits - NewIntegerBits),
// saturating when it grows, rounding to nearest (ties away from zero) when it shrinks.
template <int NewIntegerBits, FixedPointRaw Raw, int IntegerBits>
constexpr FixedPoint<Raw, NewIntegerBits> rescale(FixedPoint<Raw, IntegerBits> x) {
  constexpr int exponent = IntegerBits - NewIntegerBits;
  static_assert(exponent > -FixedPoint<Raw, IntegerBits>::digits &&
                    exponent < FixedPoint<Raw, IntegerBits>::digits,
                "mote: rescale: the shift must be narrower than the raw type");
  return FixedPoint<Raw, NewIntegerBits>::from_raw(
      saturating_rounding_multiply_by_pot(x.raw(), exponent));
}

}  // namespace mote
