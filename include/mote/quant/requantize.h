// int32 accumulator -> scaled int32 -> int8: the two rounding rules of the TFLite ecosystem.
// See docs/quantization.md for the derivations and where each rule is used.
#pragma once

#include <cstdint>
#include <limits>

#include "mote/base/config.h"
#include "mote/base/int_math.h"
#include "mote/quant/multiplier.h"
#include "mote/quant/params.h"

namespace mote {

// How x * real_multiplier is rounded to an integer.
enum class Rounding : std::uint8_t {
  // TFLite reference kernels, TFLite Micro and CMSIS-NN by default: a saturating rounding
  // doubling high multiply (ties toward +infinity), then a rounding right shift (ties away
  // from zero). Two roundings.
  kDouble,
  // TFLite's ruy path and TFLITE_SINGLE_ROUNDING builds: (x * M + 2^(30 - shift)) >> (31 - shift)
  // in 64 bits. One rounding, ties toward +infinity.
  kSingle,
};

// x * multiplier * 2^(shift - 31), rounded by rule R (TFLite MultiplyByQuantizedMultiplier).
template <Rounding R = Rounding::kDouble>
constexpr std::int32_t multiply_by_quantized_multiplier(std::int32_t x, QuantizedMultiplier m) {
  MOTE_ASSERT(m.shift >= -31 && m.shift <= 30);
  if constexpr (R == Rounding::kDouble) {
    const int left_shift = m.shift > 0 ? m.shift : 0;
    const int right_shift = m.shift > 0 ? 0 : -m.shift;
    // TFLite computes x * (1 << left_shift) in int32; overflow there is undefined in C++ and
    // wraps on every target it runs on. Wrap explicitly so the result is defined and the same.
    const auto shifted = static_cast<std::int32_t>(static_cast<std::uint32_t>(x) << left_shift);
    return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(shifted, m.multiplier),
                                  right_shift);
  } else {
    const int total_shift = 31 - m.shift;  // in [1, 62]
    const std::int64_t round = std::int64_t{1} << (total_shift - 1);
    const std::int64_t result = (std::int64_t{x} * m.multiplier + round) >> total_shift;
    // Out of int32 only for shift near 30 with large x; TFLite leaves that undefined
    // (a debug check), mote saturates.
    return saturate_cast<std::int32_t>(result);
  }
}

// A requantized, clamped output: clamp(MBQM(acc) + zero_point, lo, hi) narrowed to Out.
template <Rounding R, QuantizedInt Out>
constexpr Out requantize(std::int32_t acc, QuantizedMultiplier m, std::int32_t zero_point,
                         std::int32_t clamp_min = std::numeric_limits<Out>::min(),
                         std::int32_t clamp_max = std::numeric_limits<Out>::max()) {
  // The sum cannot overflow: |MBQM| < 2^31 only reaches the edge for huge multipliers, and the
  // addition is done in 64 bits before the clamp.
  const std::int64_t y = std::int64_t{multiply_by_quantized_multiplier<R>(acc, m)} + zero_point;
  const std::int64_t c = y < clamp_min ? clamp_min : (y > clamp_max ? clamp_max : y);
  return static_cast<Out>(c);
}

// Default output type int8, default rounding TFLite reference (double).
template <Rounding R = Rounding::kDouble>
constexpr std::int8_t requantize(std::int32_t acc, QuantizedMultiplier m, std::int32_t zero_point) {
  return requantize<R, std::int8_t>(acc, m, zero_point);
}

}  // namespace mote
