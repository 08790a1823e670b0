// Scalar reference of MEAN over H and W of an NHWC tensor (global average pooling, keep_dims),
// int8 and float, as TFLite's runtime computes it.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "mote/base/int_math.h"
#include "mote/base/result.h"
#include "mote/base/status.h"
#include "mote/quant/multiplier.h"
#include "mote/quant/params.h"
#include "mote/quant/requantize.h"
#include "mote/tensor/view.h"

namespace mote::ref {

// What a MEAN over an H x W plane needs, fixed once from the scales.
struct MeanParams {
  QuantizedMultiplier multiplier{};  // s_in / (H * W * s_out)
  std::int32_t bias = 0;             // zp_out - round(zp_in * s_in / s_out)
  std::size_t height = 0;
  std::size_t width = 0;
};

// TFLite optimized_integer_ops::Mean (int8, axes {1, 2}, keep_dims; what the runtime runs):
//   real_scale = s_in / (float(H * W) * s_out)          in float, then QuantizeMultiplier
//   temp = float(zp_in) * s_in / s_out                  in float
//   bias = zp_out - (int32)(temp > 0 ? temp + 0.5f : temp - 0.5f)
// Every float step is a separate, rounded statement, and no product feeds an addition, so
// floating-point contraction (FMA) cannot change the result.
// kInvalidArgument for invalid parameters, an empty or larger than 2^23-pixel plane (the int32
// sum of int8 values must not overflow), or a bias outside int32.
inline Result<MeanParams> make_mean_params(const QuantParams<std::int8_t>& in,
                                           const QuantParams<std::int8_t>& out, std::size_t height,
                                           std::size_t width) {
  if (in.validate() != Status::kOk || out.validate() != Status::kOk) {
    return Status::kInvalidArgument;
  }
  constexpr std::size_t kMaxPixels = std::size_t{1} << 23;
  if (height == 0 || width == 0 || height > kMaxPixels || width > kMaxPixels ||
      height * width > kMaxPixels) {
    return Status::kInvalidArgument;
  }
  // TFLite: const float num_elements_in_axis = input_width * input_height (an int product).
  const auto count = static_cast<float>(static_cast<std::int32_t>(height * width));
  // volatile: each product is rounded to float before it is used, whatever the compiler flags.
  const volatile float denominator = count * out.scale;
  const float real_scale = in.scale / denominator;
  const volatile float zp_times_scale = static_cast<float>(in.zero_point) * in.scale;
  float temp = zp_times_scale / out.scale;
  temp = temp > 0 ? temp + 0.5f : temp - 0.5f;
  if (!(temp > -2147483648.0f && temp < 2147483648.0f)) return Status::kInvalidArgument;
  const std::int64_t bias = std::int64_t{out.zero_point} - static_cast<std::int32_t>(temp);
  if (bias < std::numeric_limits<std::int32_t>::min() ||
      bias > std::numeric_limits<std::int32_t>::max()) {
    return Status::kInvalidArgument;
  }
  const Result<QuantizedMultiplier> m = QuantizedMultiplier::from_real(real_scale);
  if (!m) return Status::kInvalidArgument;
  return MeanParams{*m, static_cast<std::int32_t>(bias), height, width};
}

// int8 MEAN over H and W: out is N x 1 x 1 x C. Per (n, c):
//   acc = sum over the plane of the raw int8 inputs (int32; the zero point is folded into bias)
//   out = clamp(MBQM_R(acc, multiplier) + bias, -128, 127)
// R = Rounding::kDouble is TFLite's MultiplyByQuantizedMultiplier (runtime and reference builds);
// kSingle is its TFLITE_SINGLE_ROUNDING build. kShapeMismatch if in is not N x height x width x C
// of p or out not N x 1 x 1 x C. Nothing is written on error.
template <Rounding R = Rounding::kDouble, ViewOfRank<4> In, ViewOfRank<4> Out>
requires std::same_as<typename In::value_type, std::int8_t> &&
    std::same_as<typename Out::element_type, std::int8_t>
[[nodiscard]] constexpr Status mean(In in, Out out, const MeanParams& p) {
  if (in.extent(1) != p.height || in.extent(2) != p.width || out.extent(0) != in.extent(0) ||
      out.extent(1) != 1 || out.extent(2) != 1 || out.extent(3) != in.extent(3)) {
    return Status::kShapeMismatch;
  }
  for (std::size_t b = 0; b < in.extent(0); ++b) {
    for (std::size_t c = 0; c < in.extent(3); ++c) {
      std::int32_t acc = 0;
      for (std::size_t y = 0; y < p.height; ++y) {
        for (std::size_t x = 0; x < p.width; ++x) acc += in(b, y, x, c);
      }
      const std::int64_t y =
          std::int64_t{multiply_by_quantized_multiplier<R>(acc, p.multiplier)} + p.bias;
      out(b, 0, 0, c) = static_cast<std::int8_t>(y < -128 ? -128 : (y > 127 ? 127 : y));
    }
  }
  return Status::kOk;
}

// float MEAN over H and W: out(n, 0, 0, c) = (sum over the plane, in order) / (H * W).
// kShapeMismatch if out is not N x 1 x 1 x C, kInvalidArgument for an empty plane.
template <ViewOfRank<4> In, ViewOfRank<4> Out>
requires std::same_as<typename In::value_type, float> &&
    std::same_as<typename Out::element_type, float>
[[nodiscard]] constexpr Status mean(In in, Out out) {
  if (out.extent(0) != in.extent(0) || out.extent(1) != 1 || out.extent(2) != 1 ||
      out.extent(3) != in.extent(3)) {
    return Status::kShapeMismatch;
  }
  if (in.extent(1) == 0 || in.extent(2) == 0) return Status::kInvalidArgument;
  const auto count = static_cast<float>(in.extent(1) * in.extent(2));
  for (std::size_t b = 0; b < in.extent(0); ++b) {
    for (std::size_t c = 0; c < in.extent(3); ++c) {
      float sum = 0.0f;
      for (std::size_t y = 0; y < in.extent(1); ++y) {
        for (std::size_t x = 0; x < in.extent(2); ++x) sum += in(b, y, x, c);
      }
      out(b, 0, 0, c) = sum / count;
    }
  }
  return Status::kOk;
}

}  // namespace mote::ref
