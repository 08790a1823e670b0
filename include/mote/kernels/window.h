// Sliding-window geometry shared by convolution, depthwise convolution and pooling: output
// extents and padding, as TFLite defines them. constexpr, so layers check shapes at compile time.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mote {

enum class Padding : std::uint8_t {
  kValid,     // no padding; windows that would leave the input are dropped
  kSame,      // output = ceil(input / stride); the odd padded pixel goes bottom/right
  kExplicit,  // Pad2d given by the caller
};

struct Pad2d {
  int top = 0;
  int bottom = 0;
  int left = 0;
  int right = 0;
  friend constexpr bool operator==(const Pad2d&, const Pad2d&) = default;
};

// A 2-D window: kernel size, stride, dilation and padding rule.
struct Window2d {
  int kernel_h = 1;
  int kernel_w = 1;
  int stride_h = 1;
  int stride_w = 1;
  int dilation_h = 1;
  int dilation_w = 1;
  Padding padding = Padding::kValid;
  Pad2d pad{};  // used only with Padding::kExplicit

  constexpr bool valid() const {
    return kernel_h > 0 && kernel_w > 0 && stride_h > 0 && stride_w > 0 && dilation_h > 0 &&
           dilation_w > 0 &&
           (padding != Padding::kExplicit ||
            (pad.top >= 0 && pad.bottom >= 0 && pad.left >= 0 && pad.right >= 0));
  }
};

// The extent a dilated kernel covers: (k - 1) * dilation + 1.
constexpr std::size_t effective_kernel(int kernel, int dilation) {
  return static_cast<std::size_t>(kernel - 1) * static_cast<std::size_t>(dilation) + 1;
}

// Output extent along one dimension (0 when no window fits).
constexpr std::size_t window_output_extent(std::size_t in, int kernel, int stride, int dilation,
                                           Padding padding, int pad_before = 0, int pad_after = 0) {
  const std::size_t k = effective_kernel(kernel, dilation);
  const auto s = static_cast<std::size_t>(stride);
  switch (padding) {
    case Padding::kSame:
      return (in + s - 1) / s;
    case Padding::kValid:
      return in < k ? 0 : (in - k) / s + 1;
    case Padding::kExplicit: {
      const std::size_t padded =
          in + static_cast<std::size_t>(pad_before) + static_cast<std::size_t>(pad_after);
      return padded < k ? 0 : (padded - k) / s + 1;
    }
  }
  return 0;
}

// TFLite SAME padding along one dimension: total = max((out - 1) * stride + k_eff - in, 0),
// `before` gets total / 2 and `after` the rest.
struct Pad1d {
  int before = 0;
  int after = 0;
};
constexpr Pad1d same_padding(std::size_t in, int kernel, int stride, int dilation) {
  const std::size_t out = window_output_extent(in, kernel, stride, dilation, Padding::kSame);
  const std::size_t needed =
      out == 0 ? 0
               : (out - 1) * static_cast<std::size_t>(stride) + effective_kernel(kernel, dilation);
  const std::size_t total = needed > in ? needed - in : 0;
  return {static_cast<int>(total / 2), static_cast<int>(total - total / 2)};
}

// The concrete padding of a window over an in_h x in_w input.
constexpr Pad2d resolve_padding(const Window2d& w, std::size_t in_h, std::size_t in_w) {
  switch (w.padding) {
    case Padding::kValid:
      return {};
    case Padding::kExplicit:
      return w.pad;
    case Padding::kSame: {
      const Pad1d h = same_padding(in_h, w.kernel_h, w.stride_h, w.dilation_h);
      const Pad1d v = same_padding(in_w, w.kernel_w, w.stride_w, w.dilation_w);
      return {h.before, h.after, v.before, v.after};
    }
  }
  return {};
}

constexpr std::size_t window_output_h(const Window2d& w, std::size_t in_h) {
  return window_output_extent(in_h, w.kernel_h, w.stride_h, w.dilation_h, w.padding, w.pad.top,
                              w.pad.bottom);
}
constexpr std::size_t window_output_w(const Window2d& w, std::size_t in_w) {
  return window_output_extent(in_w, w.kernel_w, w.stride_w, w.dilation_w, w.padding, w.pad.left,
                              w.pad.right);
}

}  // namespace mote
