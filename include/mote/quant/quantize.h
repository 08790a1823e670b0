// float <-> integer conversion and the choice of parameters from a float range.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "mote/base/int_math.h"
#include "mote/base/result.h"
#include "mote/quant/params.h"

namespace mote {

// q = clamp(round(x / scale) + zero_point), round half away from zero (TFLite's Quantize).
// NaN maps to the zero point.
template <QuantizedInt T>
inline T quantize(float x, const QuantParams<T>& p) {
  const float r = std::round(x / p.scale);
  if (std::isnan(r)) return static_cast<T>(p.zero_point);
  const float lo = static_cast<float>(QuantParams<T>::kMin - p.zero_point);
  const float hi = static_cast<float>(QuantParams<T>::kMax - p.zero_point);
  const float c = std::min(std::max(r, lo), hi);  // clamp before the cast: no float overflow
  return static_cast<T>(static_cast<std::int32_t>(c) + p.zero_point);
}

// real = scale * (q - zero_point).
template <QuantizedInt T>
constexpr float dequantize(T q, const QuantParams<T>& p) {
  return p.scale * static_cast<float>(static_cast<std::int32_t>(q) - p.zero_point);
}

// Symmetric int8 weight: clamp(round(x / scale), -127, 127); -128 is left unused, as TFLite does
// for weights, so that -w is always representable.
inline std::int8_t quantize_weight(float x, float scale) {
  const float r = std::round(x / scale);
  if (std::isnan(r)) return 0;
  return static_cast<std::int8_t>(std::min(std::max(r, -127.0f), 127.0f));
}

// int32 bias: round(x / (input_scale * weight_scale)), saturated.
inline std::int32_t quantize_bias(float x, float input_scale, float weight_scale) {
  const double r = std::round(static_cast<double>(x) / bias_scale(input_scale, weight_scale));
  if (std::isnan(r)) return 0;
  constexpr double lo = std::numeric_limits<std::int32_t>::min();
  constexpr double hi = std::numeric_limits<std::int32_t>::max();
  return static_cast<std::int32_t>(std::min(std::max(r, lo), hi));
}

// Parameters for T covering [min, max]. The range is widened to contain 0 so that 0 is exactly
// representable (zero padding), and the zero point is nudged to an integer in T's range
// (the TFLite/gemmlowp ChooseQuantizationParams rule, computed in double).
// kInvalidArgument if min > max or either is not finite.
template <QuantizedInt T>
inline Result<QuantParams<T>> choose_params(float min, float max) {
  if (!std::isfinite(min) || !std::isfinite(max) || min > max) return Status::kInvalidArgument;
  const double rmin = std::min(static_cast<double>(min), 0.0);
  const double rmax = std::max(static_cast<double>(max), 0.0);
  constexpr double qmin = QuantParams<T>::kMin;
  constexpr double qmax = QuantParams<T>::kMax;
  if (rmin == rmax) return QuantParams<T>{1.0f, 0};  // all zeros: any scale represents them
  const double scale = (rmax - rmin) / (qmax - qmin);
  // Of the two candidate zero points, take the one whose arithmetic error is smaller.
  const double zp_from_min = qmin - rmin / scale;
  const double zp_from_max = qmax - rmax / scale;
  const double err_min = std::abs(qmin) + std::abs(rmin / scale);
  const double err_max = std::abs(qmax) + std::abs(rmax / scale);
  const double zp = err_min < err_max ? zp_from_min : zp_from_max;
  std::int32_t nudged;
  if (zp < qmin) {
    nudged = static_cast<std::int32_t>(qmin);
  } else if (zp > qmax) {
    nudged = static_cast<std::int32_t>(qmax);
  } else {
    nudged = static_cast<std::int32_t>(std::round(zp));
  }
  return QuantParams<T>{static_cast<float>(scale), nudged};
}

// Symmetric int8 scale for weights with largest magnitude max_abs: max_abs / 127.
inline float choose_weight_scale(float max_abs) {
  return max_abs > 0.0f && std::isfinite(max_abs) ? max_abs / 127.0f : 1.0f;
}

}  // namespace mote
