// Scalar reference of AVERAGE_POOL_2D on NHWC tensors, int8 and float, as TFLite computes it.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

#include "mote/base/int_math.h"
#include "mote/base/status.h"
#include "mote/kernels/pool/pool_window.h"
#include "mote/kernels/window.h"
#include "mote/quant/output_stage.h"
#include "mote/tensor/view.h"

namespace mote::ref {

// int8 average pool; input and output share scale and zero point (TFLite requires it), so no
// multiplier is involved. Per output pixel, with n = number of in-bounds taps (padded taps are
// not counted, so the divisor shrinks at a padded border):
//   acc = sum of the raw int8 inputs over the in-bounds taps (int32, zero point not subtracted)
//   avg = acc > 0 ? (acc + n/2) / n : (acc - n/2) / n     (C division: ties away from zero)
//   out = clamp(avg, clamp.min, clamp.max)
// TFLite reference_integer_ops::AveragePool, used by the runtime kernels too. `clamp` is the
// fused activation, activation_range(act, params). Errors: see check_pool; kInvalidArgument for
// a clamp outside [-128, 127] or min > max. Nothing is written on error.
template <ViewOfRank<4> In, ViewOfRank<4> Out>
requires std::same_as<typename In::value_type, std::int8_t> &&
    std::same_as<typename Out::element_type, std::int8_t>
[[nodiscard]] constexpr Status avg_pool(In in, Out out, const Window2d& window,
                                        ClampRange clamp = {-128, 127}) {
  PoolGeometry g;
  if (const Status s = check_pool(in, out, window, g); s != Status::kOk) return s;
  if (clamp.min < -128 || clamp.max > 127 || clamp.min > clamp.max) {
    return Status::kInvalidArgument;
  }
  const auto in_h = static_cast<std::int64_t>(in.extent(1));
  const auto in_w = static_cast<std::int64_t>(in.extent(2));
  for (std::size_t b = 0; b < out.extent(0); ++b) {
    for (std::size_t oy = 0; oy < out.extent(1); ++oy) {
      const std::int64_t y0 = static_cast<std::int64_t>(oy) * window.stride_h - g.pad_top;
      const TapRange ty = pool_taps(y0, window.kernel_h, in_h);
      for (std::size_t ox = 0; ox < out.extent(2); ++ox) {
        const std::int64_t x0 = static_cast<std::int64_t>(ox) * window.stride_w - g.pad_left;
        const TapRange tx = pool_taps(x0, window.kernel_w, in_w);
        const auto n = static_cast<std::int32_t>(ty.size() * tx.size());
        for (std::size_t c = 0; c < out.extent(3); ++c) {
          std::int32_t acc = 0;
          for (std::int64_t ky = ty.begin; ky < ty.end; ++ky) {
            for (std::int64_t kx = tx.begin; kx < tx.end; ++kx) {
              acc += in(b, static_cast<std::size_t>(y0 + ky), static_cast<std::size_t>(x0 + kx), c);
            }
          }
          const std::int32_t avg = acc > 0 ? (acc + n / 2) / n : (acc - n / 2) / n;
          out(b, oy, ox, c) = static_cast<std::int8_t>(clamp_int(avg, clamp.min, clamp.max));
        }
      }
    }
  }
  return Status::kOk;
}

// float average pool: the mean over the in-bounds taps (TFLite reference_ops::AveragePool,
// divisor = in-bounds count), then act.apply (fused activation clamp; bias, if any, per channel).
// Errors: see check_pool; act.validate(C). Nothing is written on error.
template <ViewOfRank<4> In, ViewOfRank<4> Out>
requires std::same_as<typename In::value_type, float> &&
    std::same_as<typename Out::element_type, float>
[[nodiscard]] constexpr Status avg_pool(In in, Out out, const Window2d& window,
                                        const FloatOutputStage& act = {}) {
  PoolGeometry g;
  if (const Status s = check_pool(in, out, window, g); s != Status::kOk) return s;
  if (const Status s = act.validate(out.extent(3)); s != Status::kOk) return s;
  const auto in_h = static_cast<std::int64_t>(in.extent(1));
  const auto in_w = static_cast<std::int64_t>(in.extent(2));
  for (std::size_t b = 0; b < out.extent(0); ++b) {
    for (std::size_t oy = 0; oy < out.extent(1); ++oy) {
      const std::int64_t y0 = static_cast<std::int64_t>(oy) * window.stride_h - g.pad_top;
      const TapRange ty = pool_taps(y0, window.kernel_h, in_h);
      for (std::size_t ox = 0; ox < out.extent(2); ++ox) {
        const std::int64_t x0 = static_cast<std::int64_t>(ox) * window.stride_w - g.pad_left;
        const TapRange tx = pool_taps(x0, window.kernel_w, in_w);
        const auto n = static_cast<float>(ty.size() * tx.size());
        for (std::size_t c = 0; c < out.extent(3); ++c) {
          float sum = 0.0f;
          for (std::int64_t ky = ty.begin; ky < ty.end; ++ky) {
            for (std::int64_t kx = tx.begin; kx < tx.end; ++kx) {
              sum += in(b, static_cast<std::size_t>(y0 + ky), static_cast<std::size_t>(x0 + kx), c);
            }
          }
          out(b, oy, ox, c) = act.apply(sum / n, c);
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace mote::ref
