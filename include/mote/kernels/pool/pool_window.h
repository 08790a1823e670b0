// Window geometry of the pooling references: validation of a Window2d against NHWC input and
// output views, the in-bounds tap range of each output pixel, as TFLite's pooling computes it,
// and the loop over output pixels and taps that the average and max references share.
#pragma once

#include <cstddef>
#include <cstdint>

#include "mote/base/status.h"
#include "mote/kernels/window.h"
#include "mote/quant/output_stage.h"
#include "mote/tensor/view.h"

namespace mote::ref {

// The taps [begin, end) of a kernel of size `kernel` placed at `origin` (may be negative, in
// padding) that fall inside an input of extent `in`. TFLite pooling: start = max(0, -origin),
// end = min(kernel, in - origin).
struct TapRange {
  std::int64_t begin = 0;
  std::int64_t end = 0;
  constexpr std::int64_t size() const { return end > begin ? end - begin : 0; }
};

constexpr TapRange pool_taps(std::int64_t origin, std::int64_t kernel, std::int64_t in) {
  const std::int64_t begin = origin < 0 ? -origin : 0;
  const std::int64_t end = in - origin < kernel ? in - origin : kernel;
  return {begin, end};
}

// Resolved geometry of one pooling call.
struct PoolGeometry {
  std::int64_t pad_top = 0;
  std::int64_t pad_left = 0;
};

// Checks a pooling window against NHWC views `in` and `out`:
// - kInvalidArgument: a malformed window (Window2d::valid), a window of more than 2^23 taps (the
//   int32 sum of int8 values could overflow), or a window with no in-bounds tap at all (possible
//   only with explicit padding of at least the kernel size; TFLite has no such case).
// - kUnsupported: dilation other than 1 (TFLite pooling has none).
// - kShapeMismatch: out is not N x window_output_h x window_output_w x C of in.
template <View In, View Out>
constexpr Status check_pool(const In& in, const Out& out, const Window2d& w, PoolGeometry& g) {
  if (!w.valid()) return Status::kInvalidArgument;
  if (w.dilation_h != 1 || w.dilation_w != 1) return Status::kUnsupported;
  if (std::int64_t{w.kernel_h} * std::int64_t{w.kernel_w} > (std::int64_t{1} << 23)) {
    return Status::kInvalidArgument;
  }
  const std::size_t in_h = in.extent(1);
  const std::size_t in_w = in.extent(2);
  if (out.extent(0) != in.extent(0) || out.extent(1) != window_output_h(w, in_h) ||
      out.extent(2) != window_output_w(w, in_w) || out.extent(3) != in.extent(3)) {
    return Status::kShapeMismatch;
  }
  const Pad2d pad = resolve_padding(w, in_h, in_w);
  g = {pad.top, pad.left};
  for (std::size_t oy = 0; oy < out.extent(1); ++oy) {
    const std::int64_t origin = static_cast<std::int64_t>(oy) * w.stride_h - g.pad_top;
    if (pool_taps(origin, w.kernel_h, static_cast<std::int64_t>(in_h)).size() == 0) {
      return Status::kInvalidArgument;
    }
  }
  for (std::size_t ox = 0; ox < out.extent(2); ++ox) {
    const std::int64_t origin = static_cast<std::int64_t>(ox) * w.stride_w - g.pad_left;
    if (pool_taps(origin, w.kernel_w, static_cast<std::int64_t>(in_w)).size() == 0) {
      return Status::kInvalidArgument;
    }
  }
  return Status::kOk;
}

// check_pool, then the output clamp of an int8 pool: kInvalidArgument for a clamp outside
// [-128, 127] or min > max.
template <View In, View Out>
constexpr Status check_pool_s8(const In& in, const Out& out, const Window2d& w, ClampRange clamp,
                               PoolGeometry& g) {
  if (const Status s = check_pool(in, out, w, g); s != Status::kOk) return s;
  if (clamp.min < -128 || clamp.max > 127 || clamp.min > clamp.max) {
    return Status::kInvalidArgument;
  }
  return Status::kOk;
}

// Writes every output of a checked pooling call: for each output pixel and channel c,
// acc = init, then acc = reduce(acc, x) over the in-bounds taps x, row by row (TFLite's order,
// which fixes a float sum's rounding), and out = finish(acc, number of in-bounds taps, c).
template <View In, View Out, typename Acc, typename Reduce, typename Finish>
constexpr void pool_each(In in, Out out, const Window2d& window, const PoolGeometry& g, Acc init,
                         Reduce reduce, Finish finish) {
  const auto in_h = static_cast<std::int64_t>(in.extent(1));
  const auto in_w = static_cast<std::int64_t>(in.extent(2));
  for (std::size_t b = 0; b < out.extent(0); ++b) {
    for (std::size_t oy = 0; oy < out.extent(1); ++oy) {
      const std::int64_t y0 = static_cast<std::int64_t>(oy) * window.stride_h - g.pad_top;
      const TapRange ty = pool_taps(y0, window.kernel_h, in_h);
      for (std::size_t ox = 0; ox < out.extent(2); ++ox) {
        const std::int64_t x0 = static_cast<std::int64_t>(ox) * window.stride_w - g.pad_left;
        const TapRange tx = pool_taps(x0, window.kernel_w, in_w);
        const std::int64_t taps = ty.size() * tx.size();
        for (std::size_t c = 0; c < out.extent(3); ++c) {
          Acc acc = init;
          for (std::int64_t ky = ty.begin; ky < ty.end; ++ky) {
            for (std::int64_t kx = tx.begin; kx < tx.end; ++kx) {
              acc = reduce(acc, in(b, static_cast<std::size_t>(y0 + ky),
                                   static_cast<std::size_t>(x0 + kx), c));
            }
          }
          out(b, oy, ox, c) = finish(acc, taps, c);
        }
      }
    }
  }
}

}  // namespace mote::ref
