// HARD_SWISH: TFLite's all-int16 int8 arithmetic (params fixed once from the scales, then integer
// work only), its 256-entry table, and the float reference.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "mote/base/int_math.h"
#include "mote/base/result.h"
#include "mote/base/status.h"
#include "mote/kernels/activation/lookup_ref.h"
#include "mote/kernels/eltwise/elementwise_ref.h"
#include "mote/quant/multiplier.h"
#include "mote/quant/params.h"
#include "mote/tensor/view.h"

namespace mote {
namespace detail {

// TFLite DownScaleInt32ToInt16Multiplier: a Q31 multiplier to Q15, rounding half up, saturating
// at the top.
constexpr std::int16_t downscale_multiplier_to_int16(std::int32_t m) {
  constexpr std::int32_t kRoundingOffset = 1 << 15;
  if (m >= std::numeric_limits<std::int32_t>::max() - kRoundingOffset) {
    return std::numeric_limits<std::int16_t>::max();
  }
  return static_cast<std::int16_t>((m + kRoundingOffset) >> 16);
}

// value * 2^amount saturated to int16 (TFLite reference_ops::SaturatingLeftShift).
constexpr std::int16_t saturating_left_shift(std::int16_t value, int amount) {
  const std::int64_t r = std::int64_t{value} * (std::int64_t{1} << amount);
  return static_cast<std::int16_t>(r > 32767 ? 32767 : (r < -32768 ? -32768 : r));
}

// (a * b) / 2^15 truncated toward zero, INT16_MIN^2 saturating: like ARM SQDMULH, deliberately
// not rounding (TFLite reference_ops::SaturatingDoublingHighMul).
constexpr std::int16_t saturating_doubling_high_mul(std::int16_t a, std::int16_t b) {
  if (a == b && a == std::numeric_limits<std::int16_t>::min()) {
    return std::numeric_limits<std::int16_t>::max();
  }
  return static_cast<std::int16_t>((std::int32_t{a} * std::int32_t{b}) / (1 << 15));
}

}  // namespace detail

namespace ref {

// The fixed-point form of an int8 HARD_SWISH (TFLite HardSwishParams).
struct HardSwishParams {
  std::int32_t input_zero_point = 0;
  std::int32_t output_zero_point = 0;
  std::int16_t output_multiplier_fixedpoint_int16 = 0;   // (s_in / 128) / s_out, Q15
  int output_multiplier_exponent = 0;                    // <= 0
  std::int16_t reluish_multiplier_fixedpoint_int16 = 0;  // (s_in / 128) / (3 / 32768), Q15
  int reluish_multiplier_exponent = 0;
};

// TFLite activations.cc HardSwishPrepare, in float then QuantizeMultiplier:
//   hires_input_scale = (1.0f / 128.0f) * s_in
//   output_multiplier = hires_input_scale / s_out; reluish_multiplier = hires_input_scale /
//   (3/32768)
// each Q31 multiplier scaled down to Q15 (half up). Divisions and exact power-of-two products
// only: contraction cannot change them.
// kInvalidArgument for invalid parameters or an output exponent > 0 (TFLite rejects it:
// s_out < s_in / 128). kUnsupported for a right shift of more than 15 (s_out > 2^9 s_in, or
// s_in < ~2^-24), where int16 RoundingDivideByPOT leaves its defined range.
inline Result<HardSwishParams> make_hard_swish_params(const QuantParams<std::int8_t>& in,
                                                      const QuantParams<std::int8_t>& out) {
  if (in.validate() != Status::kOk || out.validate() != Status::kOk) {
    return Status::kInvalidArgument;
  }
  const float hires_input_scale = (1.0f / 128.0f) * in.scale;
  const float reluish_scale = 3.0f / 32768.0f;
  const float output_multiplier = hires_input_scale / out.scale;
  const float reluish_multiplier = hires_input_scale / reluish_scale;
  const Result<QuantizedMultiplier> om = QuantizedMultiplier::from_real(output_multiplier);
  const Result<QuantizedMultiplier> rm = QuantizedMultiplier::from_real(reluish_multiplier);
  if (!om || !rm || om->shift > 0) return Status::kInvalidArgument;
  if (om->shift < -15 || rm->shift < -15) return Status::kUnsupported;
  return HardSwishParams{in.zero_point,
                         out.zero_point,
                         detail::downscale_multiplier_to_int16(om->multiplier),
                         om->shift,
                         detail::downscale_multiplier_to_int16(rm->multiplier),
                         rm->shift};
}

// One int8 HARD_SWISH, TFLite reference_ops::HardSwish (int16 throughout):
//   x = (q - zp_in) * 2^7                                     the input on a finer scale
//   pre = SRDHM16(x, output_multiplier)                       x on the output scale, unshifted
//   r = x rescaled by the reluish multiplier so that 3.0 -> 32768, saturating (left shifts are
//       split around the SRDHM so that only the last one saturates; right shifts round)
//   r = (r + 2^15) >> 1                                       [-1, 1] -> [0, 1] in Q15
//   y = RoundingDivideByPOT(SDHM16(r, pre), -output_exponent) SDHM truncates: that bias
//       cancels the upward bias of the SRDHMs (TFLite's comment, measured on MobileNetV3)
//   out = clamp(int16(y + zp_out), -128, 127)                 the int16 sum wraps, as TFLite's
constexpr std::int8_t hard_swish_value(std::int8_t q, const HardSwishParams& p) {
  const auto input_value = static_cast<std::int16_t>(std::int32_t{q} - p.input_zero_point);
  const auto hires = static_cast<std::int16_t>(input_value * (1 << 7));
  const std::int16_t preshift_output =
      saturating_rounding_doubling_high_mul(hires, p.output_multiplier_fixedpoint_int16);
  std::int16_t reluish = hires;
  if (p.reluish_multiplier_exponent > 0) {
    reluish = detail::saturating_left_shift(reluish, p.reluish_multiplier_exponent - 1);
  }
  reluish = saturating_rounding_doubling_high_mul(reluish, p.reluish_multiplier_fixedpoint_int16);
  if (p.reluish_multiplier_exponent > 0) reluish = detail::saturating_left_shift(reluish, 1);
  if (p.reluish_multiplier_exponent < 0) {
    reluish = rounding_divide_by_pot(reluish, -p.reluish_multiplier_exponent);
  }
  reluish = static_cast<std::int16_t>((std::int32_t{reluish} + (1 << 15)) >> 1);
  const std::int16_t preshift = detail::saturating_doubling_high_mul(reluish, preshift_output);
  const std::int16_t shifted = rounding_divide_by_pot(preshift, -p.output_multiplier_exponent);
  const auto y = static_cast<std::int16_t>(std::int32_t{shifted} + p.output_zero_point);
  return static_cast<std::int8_t>(y < -128 ? -128 : (y > 127 ? 127 : y));
}

// The 256-entry table of hard_swish_value (a constant expression from constexpr params); applied
// with ref::lookup it gives the same bytes as ref::hard_swish.
constexpr LookupTable make_hard_swish_table(const HardSwishParams& p) {
  return make_table([&p](std::int8_t q) { return hard_swish_value(q, p); });
}

// int8 HARD_SWISH element-wise: out = hard_swish_value(in, p). kShapeMismatch if the extents
// differ; kInvalidArgument if p's zero points are outside int8 or its exponents outside
// [-15, 0] (output) and [-15, 30] (reluish). Nothing is written on error.
template <View In, View Out>
requires std::same_as<typename In::value_type, std::int8_t> &&
    std::same_as<typename Out::element_type, std::int8_t>
[[nodiscard]] constexpr Status hard_swish(In in, Out out, const HardSwishParams& p) {
  if (!same_extents(in, out)) return Status::kShapeMismatch;
  if (p.input_zero_point < -128 || p.input_zero_point > 127 || p.output_zero_point < -128 ||
      p.output_zero_point > 127 || p.output_multiplier_exponent > 0 ||
      p.output_multiplier_exponent < -15 || p.reluish_multiplier_exponent < -15 ||
      p.reluish_multiplier_exponent > 30) {
    return Status::kInvalidArgument;
  }
  for (std::size_t i = 0; i < in.size(); ++i) element(out, i) = hard_swish_value(element(in, i), p);
  return Status::kOk;
}

// float HARD_SWISH: out = x * min(6, max(0, x + 3)) / 6 (TFLite reference_ops::HardSwish).
template <View In, View Out>
requires std::same_as<typename In::value_type, float> &&
    std::same_as<typename Out::element_type, float>
[[nodiscard]] constexpr Status hard_swish(In in, Out out) {
  if (!same_extents(in, out)) return Status::kShapeMismatch;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const float x = element(in, i);
    const float r = x + 3.0f;
    const float relu6 = r < 0.0f ? 0.0f : (r > 6.0f ? 6.0f : r);
    element(out, i) = x * relu6 / 6.0f;
  }
  return Status::kOk;
}

}  // namespace ref
}  // namespace mote
