// The fused epilogue of every int8 kernel: bias, requantization, activation clamp.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

#include "mote/base/result.h"
#include "mote/quant/multiplier.h"
#include "mote/quant/params.h"
#include "mote/quant/requantize.h"

namespace mote {

// Fused activations as TFLite defines them: clamps computed from the output parameters.
enum class Activation : std::uint8_t { kNone, kRelu, kRelu6, kReluN1To1 };

struct ClampRange {
  std::int32_t min;
  std::int32_t max;
  friend constexpr bool operator==(const ClampRange&, const ClampRange&) = default;
};

// The [min, max] of an activation in the quantized domain of `out`, with
// q(x) = zero_point + round(x / scale) (half away from zero), as TFLite's
// CalculateActivationRangeQuantized: RELU [max(lo, q(0)), hi], RELU6 [max(lo, q(0)),
// min(hi, q(6))], RELU_N1_TO_1 [max(lo, q(-1)), min(hi, q(1))].
template <QuantizedInt T>
inline ClampRange activation_range(Activation act, const QuantParams<T>& out) {
  constexpr std::int32_t lo = QuantParams<T>::kMin;
  constexpr std::int32_t hi = QuantParams<T>::kMax;
  auto q = [&](float x) {
    return out.zero_point + static_cast<std::int32_t>(std::round(x / out.scale));
  };
  auto at_least = [](std::int32_t a, std::int32_t b) { return a > b ? a : b; };
  auto at_most = [](std::int32_t a, std::int32_t b) { return a < b ? a : b; };
  switch (act) {
    case Activation::kNone:
      return {lo, hi};
    case Activation::kRelu:
      return {at_least(lo, q(0.0f)), hi};
    case Activation::kRelu6:
      return {at_least(lo, q(0.0f)), at_most(hi, q(6.0f))};
    case Activation::kReluN1To1:
      return {at_least(lo, q(-1.0f)), at_most(hi, q(1.0f))};
  }
  return {lo, hi};
}

// Per output channel c:
//   out = clamp(MBQM_R(acc + bias[c], multipliers[c]) + zero_point, clamp_min, clamp_max)
// `bias` is empty or has one entry per channel; `multipliers` has one entry (per-tensor) or one
// per channel. The stage holds views: the arrays belong to the layer or the caller.
template <Rounding R = Rounding::kDouble>
struct OutputStage {
  static constexpr Rounding kRounding = R;

  std::span<const std::int32_t> bias{};
  std::span<const QuantizedMultiplier> multipliers{};
  std::int32_t zero_point = 0;
  std::int32_t clamp_min = std::numeric_limits<std::int8_t>::min();
  std::int32_t clamp_max = std::numeric_limits<std::int8_t>::max();

  // Checks the stage against a kernel producing `channels` outputs of type Out.
  template <QuantizedInt Out = std::int8_t>
  constexpr Status validate(std::size_t channels) const {
    if (!bias.empty() && bias.size() != channels) return Status::kShapeMismatch;
    if (multipliers.size() != 1 && multipliers.size() != channels) return Status::kShapeMismatch;
    for (const QuantizedMultiplier& m : multipliers) {
      if (m.multiplier < 0 || m.shift < -31 || m.shift > 30) return Status::kInvalidArgument;
    }
    constexpr std::int32_t lo = std::numeric_limits<Out>::min();
    constexpr std::int32_t hi = std::numeric_limits<Out>::max();
    if (zero_point < lo || zero_point > hi) return Status::kInvalidArgument;
    if (clamp_min < lo || clamp_max > hi || clamp_min > clamp_max) {
      return Status::kInvalidArgument;
    }
    return Status::kOk;
  }

  constexpr bool per_channel() const { return multipliers.size() > 1; }
  constexpr QuantizedMultiplier multiplier(std::size_t c) const {
    return multipliers[per_channel() ? c : 0];
  }
  constexpr std::int32_t bias_of(std::size_t c) const { return bias.empty() ? 0 : bias[c]; }

  template <QuantizedInt Out = std::int8_t>
  constexpr Out apply(std::int32_t acc, std::size_t c) const {
    // int32 addition as TFLite does it; wraps instead of being undefined on overflow.
    const auto biased = static_cast<std::int32_t>(static_cast<std::uint32_t>(acc) +
                                                  static_cast<std::uint32_t>(bias_of(c)));
    return requantize<R, Out>(biased, multiplier(c), zero_point, clamp_min, clamp_max);
  }
};

// The float counterpart, for the float reference path: out = clamp(acc + bias[c], min, max).
struct FloatOutputStage {
  std::span<const float> bias{};
  float clamp_min = -std::numeric_limits<float>::infinity();
  float clamp_max = std::numeric_limits<float>::infinity();

  constexpr Status validate(std::size_t channels) const {
    if (!bias.empty() && bias.size() != channels) return Status::kShapeMismatch;
    if (!(clamp_min <= clamp_max)) return Status::kInvalidArgument;
    return Status::kOk;
  }
  constexpr float apply(float acc, std::size_t c) const {
    const float y = acc + (bias.empty() ? 0.0f : bias[c]);
    return y < clamp_min ? clamp_min : (y > clamp_max ? clamp_max : y);
  }
};

// Float clamps of a fused activation: RELU [0, inf], RELU6 [0, 6], RELU_N1_TO_1 [-1, 1].
constexpr FloatOutputStage float_activation(Activation act, std::span<const float> bias = {}) {
  constexpr float inf = std::numeric_limits<float>::infinity();
  switch (act) {
    case Activation::kRelu:
      return {bias, 0.0f, inf};
    case Activation::kRelu6:
      return {bias, 0.0f, 6.0f};
    case Activation::kReluN1To1:
      return {bias, -1.0f, 1.0f};
    case Activation::kNone:
      break;
  }
  return {bias, -inf, inf};
}

// multipliers[c] = input_scale * weight_scales[c] / output_scale (in double, as TFLite), one per
// weight scale. kShapeMismatch if the sizes differ, kInvalidArgument for a bad scale; on error
// `out` is unchanged.
inline Status compute_multipliers(float input_scale, std::span<const float> weight_scales,
                                  float output_scale, std::span<QuantizedMultiplier> out) {
  if (weight_scales.size() != out.size()) return Status::kShapeMismatch;
  if (!is_positive_finite(input_scale) || !is_positive_finite(output_scale)) {
    return Status::kInvalidArgument;
  }
  auto real = [&](std::size_t c) {
    return static_cast<double>(input_scale) * static_cast<double>(weight_scales[c]) /
           static_cast<double>(output_scale);
  };
  // Validate everything (a product of extreme scales can overflow to infinity) before writing.
  for (std::size_t c = 0; c < out.size(); ++c) {
    if (!is_positive_finite(weight_scales[c]) || !QuantizedMultiplier::from_real(real(c))) {
      return Status::kInvalidArgument;
    }
  }
  for (std::size_t c = 0; c < out.size(); ++c) out[c] = *QuantizedMultiplier::from_real(real(c));
  return Status::kOk;
}

}  // namespace mote
