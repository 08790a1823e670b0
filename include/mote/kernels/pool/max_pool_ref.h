// Scalar reference of MAX_POOL_2D on NHWC tensors, int8 and float, as TFLite computes it.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "mote/base/int_math.h"
#include "mote/base/status.h"
#include "mote/kernels/pool/pool_window.h"
#include "mote/kernels/window.h"
#include "mote/quant/output_stage.h"
#include "mote/tensor/view.h"

namespace mote::ref {

// int8 max pool; input and output share scale and zero point. Per output pixel:
//   out = clamp(max over the in-bounds taps of in, clamp.min, clamp.max)
// padded taps never win (TFLite reference_integer_ops::MaxPool starts from -128 and skips them).
// Errors: see check_pool; kInvalidArgument for a clamp outside [-128, 127] or min > max.
// Nothing is written on error.
template <ViewOfRank<4> In, ViewOfRank<4> Out>
requires std::same_as<typename In::value_type, std::int8_t> &&
    std::same_as<typename Out::element_type, std::int8_t>
[[nodiscard]] constexpr Status max_pool(In in, Out out, const Window2d& window,
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
        for (std::size_t c = 0; c < out.extent(3); ++c) {
          std::int32_t m = std::numeric_limits<std::int8_t>::min();
          for (std::int64_t ky = ty.begin; ky < ty.end; ++ky) {
            for (std::int64_t kx = tx.begin; kx < tx.end; ++kx) {
              const std::int32_t v =
                  in(b, static_cast<std::size_t>(y0 + ky), static_cast<std::size_t>(x0 + kx), c);
              m = v > m ? v : m;
            }
          }
          out(b, oy, ox, c) = static_cast<std::int8_t>(clamp_int(m, clamp.min, clamp.max));
        }
      }
    }
  }
  return Status::kOk;
}

// float max pool over the in-bounds taps, then act.apply (fused activation clamp).
// Errors: see check_pool; act.validate(C). Nothing is written on error.
template <ViewOfRank<4> In, ViewOfRank<4> Out>
requires std::same_as<typename In::value_type, float> &&
    std::same_as<typename Out::element_type, float>
[[nodiscard]] constexpr Status max_pool(In in, Out out, const Window2d& window,
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
        for (std::size_t c = 0; c < out.extent(3); ++c) {
          float m = std::numeric_limits<float>::lowest();
          for (std::int64_t ky = ty.begin; ky < ty.end; ++ky) {
            for (std::int64_t kx = tx.begin; kx < tx.end; ++kx) {
              const float v =
                  in(b, static_cast<std::size_t>(y0 + ky), static_cast<std::size_t>(x0 + kx), c);
              m = v > m ? v : m;
            }
          }
          out(b, oy, ox, c) = act.apply(m, c);
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace mote::ref
