// Window geometry of the pooling references: validation of a Window2d against NHWC input and
// output views, and the in-bounds tap range of each output pixel, as TFLite's pooling computes it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "mote/base/status.h"
#include "mote/kernels/window.h"
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

}  // namespace mote::ref
