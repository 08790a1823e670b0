// Scalar reference 2-D convolution (TFLite CONV_2D), the bit-exact spec of mote's int8
// convolutions: NHWC input, OHWI filter, any kernel, stride, dilation, padding and groups, with
// the fused bias + requantize + clamp epilogue; and its float twin.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "mote/base/config.h"
#include "mote/base/status.h"
#include "mote/kernels/gemm/gemm_ref.h"
#include "mote/kernels/window.h"
#include "mote/quant/output_stage.h"
#include "mote/tensor/view.h"

namespace mote::detail {

// A window against the filter's spatial extents and the output's against the input's:
// kInvalidArgument for a malformed window (non-positive kernel, stride or dilation, negative
// explicit padding), kShapeMismatch if the kernel or the output extents disagree.
constexpr Status check_conv_window(const Window2d& window, std::size_t filter_h,
                                   std::size_t filter_w, std::size_t in_h, std::size_t in_w,
                                   std::size_t out_h, std::size_t out_w) {
  if (!window.valid()) return Status::kInvalidArgument;
  if (filter_h != static_cast<std::size_t>(window.kernel_h) ||
      filter_w != static_cast<std::size_t>(window.kernel_w)) {
    return Status::kShapeMismatch;
  }
  if (out_h != window_output_h(window, in_h) || out_w != window_output_w(window, in_w)) {
    return Status::kShapeMismatch;
  }
  return Status::kOk;
}

// The input coordinate of tap k of output position o: o * stride - pad_before + k * dilation.
// Negative or >= the input extent means the tap lies in the padding.
constexpr std::int64_t tap_coordinate(std::size_t o, int stride, int pad_before, int k,
                                      int dilation) {
  return static_cast<std::int64_t>(o) * stride - pad_before + std::int64_t{k} * dilation;
}

constexpr bool tap_in_image(std::int64_t i, std::size_t extent) {
  return i >= 0 && static_cast<std::uint64_t>(i) < extent;
}

// Checks shared by the int8 and float convolutions; see conv2d below.
template <typename InputView, typename FilterView, typename OutView>
constexpr Status check_conv2d(const InputView& input, const FilterView& filter,
                              const OutView& output, const Window2d& window) {
  if (const Status s =
          check_conv_window(window, filter.extent(1), filter.extent(2), input.extent(1),
                            input.extent(2), output.extent(1), output.extent(2));
      s != Status::kOk) {
    return s;
  }
  const std::size_t group_channels = filter.extent(3);
  if (group_channels == 0 || input.extent(3) % group_channels != 0) return Status::kShapeMismatch;
  const std::size_t groups = input.extent(3) / group_channels;
  if (groups == 0 || filter.extent(0) % groups != 0) return Status::kShapeMismatch;
  if (output.extent(0) != input.extent(0) || output.extent(3) != filter.extent(0)) {
    return Status::kShapeMismatch;
  }
  return Status::kOk;
}

// One output element of a grouped convolution, output channel oc in group g reading input
// channels [g * Cg, (g + 1) * Cg) with Cg = filter.extent(3):
//   acc = sum_{ky, kx, c < Cg} (input[n][iy][ix][g * Cg + c] - zero_point) * filter[oc][ky][kx][c]
// over the taps inside the image (iy, ix from tap_coordinate). A padded tap stands for the input
// zero point, i.e. contributes zero, so it is skipped. Acc is int32 (wrapping, see
// multiply_accumulate) or float (zero_point 0, summed in loop order).
template <typename Acc, typename InputView, typename FilterView>
Acc conv2d_output(const InputView& input, Acc zero_point, const FilterView& filter,
                  const Window2d& window, const Pad2d& pad, std::size_t n, std::size_t oy,
                  std::size_t ox, std::size_t oc) {
  const std::size_t group_channels = filter.extent(3);
  const std::size_t out_per_group = filter.extent(0) / (input.extent(3) / group_channels);
  const std::size_t first_channel = oc / out_per_group * group_channels;
  Acc acc = 0;
  for (int ky = 0; ky < window.kernel_h; ++ky) {
    const std::int64_t iy = tap_coordinate(oy, window.stride_h, pad.top, ky, window.dilation_h);
    if (!tap_in_image(iy, input.extent(1))) continue;
    for (int kx = 0; kx < window.kernel_w; ++kx) {
      const std::int64_t ix = tap_coordinate(ox, window.stride_w, pad.left, kx, window.dilation_w);
      if (!tap_in_image(ix, input.extent(2))) continue;
      for (std::size_t c = 0; c < group_channels; ++c) {
        const auto x = input(n, iy, ix, first_channel + c);
        const auto w = filter(oc, ky, kx, c);
        if constexpr (std::is_same_v<Acc, float>) {
          acc += x * w;
        } else {
          acc = multiply_accumulate(acc, std::int32_t{x} - zero_point, std::int32_t{w});
        }
      }
    }
  }
  return acc;
}

}  // namespace mote::detail

namespace mote::ref {

// Quantized convolution, input NHWC (N, H, W, C), filter OHWI (O, KH, KW, C / groups) int8 with
// zero point 0, output NHWC (N, OH, OW, O), groups = C / filter.extent(3):
//   output[n][oy][ox][oc] = clamp(MBQM_Rule(acc + bias[oc], mult[oc]) + out_zp, min, max),
//   acc = sum over in-image taps (input - input_zero_point) * filter   (detail::conv2d_output)
// Padding (SAME, VALID, explicit) is resolved as TFLite does; padded taps contribute zero.
// kShapeMismatch if the filter disagrees with the window's kernel, its channels do not divide C,
// O is not a multiple of the groups, the output extents are not (N, window_output_h/w, O), or the
// stage is sized for another O; kInvalidArgument for a malformed window, a zero point or clamp
// outside its type. The output is untouched on error.
template <QuantizedViewOfRank<4> InputView, ViewOfRank<4> FilterView,
          QuantizedViewOfRank<4> OutView, Rounding Rule>
requires std::same_as<ElementOf<FilterView>, std::int8_t> && WritableView<OutView>
[[nodiscard]] Status conv2d(const InputView& input, std::int32_t input_zero_point,
                            const FilterView& filter, const OutView& output, const Window2d& window,
                            const OutputStage<Rule>& stage) {
  using Out = ElementOf<OutView>;
  if (const Status s = detail::check_conv2d(input, filter, output, window); s != Status::kOk) {
    return s;
  }
  if (!detail::zero_point_fits<ElementOf<InputView>>(input_zero_point)) {
    return Status::kInvalidArgument;
  }
  if (const Status s = stage.template validate<Out>(filter.extent(0)); s != Status::kOk) return s;

  const Pad2d pad = resolve_padding(window, input.extent(1), input.extent(2));
  for (std::size_t n = 0; n < output.extent(0); ++n) {
    for (std::size_t oy = 0; oy < output.extent(1); ++oy) {
      for (std::size_t ox = 0; ox < output.extent(2); ++ox) {
        for (std::size_t oc = 0; oc < output.extent(3); ++oc) {
          const std::int32_t acc = detail::conv2d_output<std::int32_t>(
              input, input_zero_point, filter, window, pad, n, oy, ox, oc);
          output(n, oy, ox, oc) = stage.template apply<Out>(acc, oc);
        }
      }
    }
  }
  return Status::kOk;
}

// Float convolution, same shapes, padding and errors:
//   output[n][oy][ox][oc] = clamp(sum over in-image taps input * filter + bias[oc]).
template <FloatViewOfRank<4> InputView, FloatViewOfRank<4> FilterView, FloatViewOfRank<4> OutView>
requires WritableView<OutView>
[[nodiscard]] Status conv2d(const InputView& input, const FilterView& filter, const OutView& output,
                            const Window2d& window, const FloatOutputStage& stage) {
  if (const Status s = detail::check_conv2d(input, filter, output, window); s != Status::kOk) {
    return s;
  }
  if (const Status s = stage.validate(filter.extent(0)); s != Status::kOk) return s;

  const Pad2d pad = resolve_padding(window, input.extent(1), input.extent(2));
  for (std::size_t n = 0; n < output.extent(0); ++n) {
    for (std::size_t oy = 0; oy < output.extent(1); ++oy) {
      for (std::size_t ox = 0; ox < output.extent(2); ++ox) {
        for (std::size_t oc = 0; oc < output.extent(3); ++oc) {
          const float acc =
              detail::conv2d_output<float>(input, 0.0f, filter, window, pad, n, oy, ox, oc);
          output(n, oy, ox, oc) = stage.apply(acc, oc);
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace mote::ref
