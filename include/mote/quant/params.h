// Quantization parameters of the TFLite int8 scheme: real = scale * (q - zero_point).
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

#include "mote/base/status.h"

namespace mote {

// x > 0 and finite (false for NaN), usable in constant expressions.
constexpr bool is_positive_finite(float x) {
  return x > 0.0f && x <= std::numeric_limits<float>::max();
}

// The integer types an activation may be stored in.
template <typename T>
concept QuantizedInt =
    std::same_as<T, std::int8_t> || std::same_as<T, std::uint8_t> || std::same_as<T, std::int16_t>;

// Per-tensor affine parameters for activations of type T (u8, s8; s16 is symmetric).
template <QuantizedInt T>
struct QuantParams {
  using value_type = T;
  float scale = 1.0f;
  std::int32_t zero_point = 0;

  static constexpr std::int32_t kMin = std::numeric_limits<T>::min();
  static constexpr std::int32_t kMax = std::numeric_limits<T>::max();

  // scale finite and > 0; zero_point representable in T.
  constexpr Status validate() const {
    if (!is_positive_finite(scale)) return Status::kInvalidArgument;
    if (zero_point < kMin || zero_point > kMax) return Status::kInvalidArgument;
    return Status::kOk;
  }
  friend constexpr bool operator==(const QuantParams&, const QuantParams&) = default;
};

// Symmetric per-channel int8 weights (zero point 0): scales[c] belongs to index c along `axis`
// (0 for OHWI conv and fully-connected weights, 3 for depthwise 1HWC).
struct PerChannelParams {
  std::span<const float> scales;
  std::size_t axis = 0;

  constexpr std::size_t channels() const { return scales.size(); }
  constexpr Status validate() const {
    if (scales.empty()) return Status::kInvalidArgument;
    for (float s : scales) {
      if (!is_positive_finite(s)) return Status::kInvalidArgument;
    }
    return Status::kOk;
  }
};

// int32 bias of channel c has scale input_scale * weight_scale[c] and zero point 0.
constexpr double bias_scale(float input_scale, float weight_scale) {
  return static_cast<double>(input_scale) * static_cast<double>(weight_scale);
}

}  // namespace mote
