// MEAN over H and W of an NHWC int8 tensor as TFLite's reference kernel and TFLite Micro compute
// it (reference_integer_ops::Mean): rescale the zero-centred sum, then divide by the plane size.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

#include "mote/base/int_math.h"
#include "mote/base/result.h"
#include "mote/base/status.h"
#include "mote/quant/multiplier.h"
#include "mote/quant/params.h"
#include "mote/quant/requantize.h"
#include "mote/tensor/view.h"

namespace mote::ref {

// What the integer-division MEAN over an H x W plane needs.
struct MeanIntegerParams {
  QuantizedMultiplier multiplier{};  // s_in / s_out
  std::int32_t input_zero_point = 0;
  std::int32_t output_zero_point = 0;
  std::size_t height = 0;
  std::size_t width = 0;
};

// TFLite reduce.cc PrepareMeanOrSum / TFLite Micro reduce_common.cc PrepareMeanOrSum (int8):
//   real = double(s_in) / double(s_out), QuantizeMultiplier. One division in double, so
//   contraction has nothing to fuse.
// kInvalidArgument for invalid parameters or an empty or larger than 2^23-pixel plane (the int32
// sum of (q - zp_in), |q - zp_in| <= 255, must not overflow); kUnsupported for s_in / s_out >= 2^30
// (TFLite's left shift would then overflow).
inline Result<MeanIntegerParams> make_mean_integer_params(const QuantParams<std::int8_t>& in,
                                                          const QuantParams<std::int8_t>& out,
                                                          std::size_t height, std::size_t width) {
  if (in.validate() != Status::kOk || out.validate() != Status::kOk) {
    return Status::kInvalidArgument;
  }
  constexpr std::size_t kMaxPixels = std::size_t{1} << 23;
  if (height == 0 || width == 0 || height > kMaxPixels || width > kMaxPixels ||
      height * width > kMaxPixels) {
    return Status::kInvalidArgument;
  }
  const double real = static_cast<double>(in.scale) / static_cast<double>(out.scale);
  if (!(real < static_cast<double>(1 << 30))) return Status::kUnsupported;
  const Result<QuantizedMultiplier> m = QuantizedMultiplier::from_real(real);
  if (!m) return Status::kInvalidArgument;
  return MeanIntegerParams{*m, in.zero_point, out.zero_point, height, width};
}

// int8 MEAN over H and W: out is N x 1 x 1 x C. Per (n, c), with count = H * W:
//   acc = sum over the plane of (q - zp_in)                           int32, exact
//   acc = MBQM_R(acc, multiplier)                                     s_in / s_out
//   acc = acc > 0 ? (acc + count/2) / count : (acc - count/2) / count  C division: half away from 0
//   out = clamp(acc + zp_out, -128, 127)
// R = kDouble for TFLite's reference kernel and TFLite Micro, kSingle for TFLITE_SINGLE_ROUNDING.
// The division and the addition are done in 64 bits (TFLite's int32 ones could only overflow for
// results far outside int8, which clamp the same). kShapeMismatch if in is not N x height x width
// x C of p or out not N x 1 x 1 x C; kInvalidArgument for zero points outside int8. Nothing is
// written on error.
template <Rounding R = Rounding::kDouble, ViewOfRank<4> In, ViewOfRank<4> Out>
requires std::same_as<typename In::value_type, std::int8_t> &&
    std::same_as<typename Out::element_type, std::int8_t>
[[nodiscard]] constexpr Status mean_integer(In in, Out out, const MeanIntegerParams& p) {
  if (in.extent(1) != p.height || in.extent(2) != p.width || out.extent(0) != in.extent(0) ||
      out.extent(1) != 1 || out.extent(2) != 1 || out.extent(3) != in.extent(3)) {
    return Status::kShapeMismatch;
  }
  auto in_int8 = [](std::int32_t v) { return v >= -128 && v <= 127; };
  if (!in_int8(p.input_zero_point) || !in_int8(p.output_zero_point) || p.height == 0 ||
      p.width == 0 || p.multiplier.multiplier < 0 || p.multiplier.shift < -31 ||
      p.multiplier.shift > 30) {
    return Status::kInvalidArgument;
  }
  const auto count = static_cast<std::int64_t>(p.height * p.width);
  for (std::size_t b = 0; b < in.extent(0); ++b) {
    for (std::size_t c = 0; c < in.extent(3); ++c) {
      std::int32_t acc = 0;
      for (std::size_t y = 0; y < p.height; ++y) {
        for (std::size_t x = 0; x < p.width; ++x) {
          acc += std::int32_t{in(b, y, x, c)} - p.input_zero_point;
        }
      }
      const std::int64_t scaled = multiply_by_quantized_multiplier<R>(acc, p.multiplier);
      const std::int64_t avg =
          scaled > 0 ? (scaled + count / 2) / count : (scaled - count / 2) / count;
      const std::int64_t y = avg + p.output_zero_point;
      out(b, 0, 0, c) = static_cast<std::int8_t>(y < -128 ? -128 : (y > 127 ? 127 : y));
    }
  }
  return Status::kOk;
}

}  // namespace mote::ref
