// A real multiplier as a Q31 fixed-point value and a power-of-two exponent:
// real = multiplier * 2^(shift - 31), with multiplier in [2^30, 2^31) or 0.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include "mote/base/result.h"

namespace mote {

struct QuantizedMultiplier {
  std::int32_t multiplier = 0;  // Q0.31
  int shift = 0;                // > 0: left shift, < 0: right shift; in [-31, 30]

  // TFLite's QuantizeMultiplier: frexp splits real into q * 2^shift with q in [0.5, 1), and
  // q is rounded to 31 fractional bits (half away from zero). Edge cases, as TFLite:
  // - q rounds up to 2^31: halve it and bump the shift;
  // - shift < -31 (real < ~2^-32): the multiplier underflows to 0;
  // - shift > 30 (real >= 2^30): saturate to the largest representable multiplier.
  // kInvalidArgument for negative, NaN or infinite reals.
  static Result<QuantizedMultiplier> from_real(double real) {
    if (!(real >= 0.0) || !std::isfinite(real)) return Status::kInvalidArgument;
    if (real == 0.0) return QuantizedMultiplier{0, 0};
    int shift = 0;
    const double q = std::frexp(real, &shift);
    auto q_fixed = static_cast<std::int64_t>(std::round(q * static_cast<double>(1LL << 31)));
    if (q_fixed == (1LL << 31)) {
      q_fixed /= 2;
      ++shift;
    }
    if (shift < -31) {
      shift = 0;
      q_fixed = 0;
    }
    if (shift > 30) {
      shift = 30;
      q_fixed = (1LL << 31) - 1;
    }
    return QuantizedMultiplier{static_cast<std::int32_t>(q_fixed), shift};
  }

  // The real value represented (for tests and diagnostics).
  constexpr double to_real() const {
    double r = static_cast<double>(multiplier) / static_cast<double>(1LL << 31);
    for (int i = 0; i < shift; ++i) r *= 2.0;
    for (int i = 0; i > shift; --i) r /= 2.0;
    return r;
  }

  friend constexpr bool operator==(const QuantizedMultiplier&,
                                   const QuantizedMultiplier&) = default;
};

}  // namespace mote
