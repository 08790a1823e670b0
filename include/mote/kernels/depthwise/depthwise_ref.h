// Scalar reference depthwise convolution (TFLite DEPTHWISE_CONV_2D), the bit-exact spec of
// mote's int8 depthwise kernels: NHWC input, (1, KH, KW, C * M) filter, depth multiplier M, any
// kernel, stride, dilation and padding, with the fused output stage; and its float twin.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "mote/base/status.h"
#include "mote/kernels/conv/conv2d_ref.h"
#include "mote/kernels/gemm/gemm_ref.h"
#include "mote/kernels/window.h"
#include "mote/quant/output_stage.h"
#include "mote/tensor/view.h"

namespace mote::detail {

// Checks shared by the int8 and float depthwise convolutions; see depthwise_conv2d below.
template <typename InputView, typename FilterView, typename OutView>
constexpr Status check_depthwise(const InputView& input, const FilterView& filter,
                                 const OutView& output, const Window2d& window) {
  if (const Status s =
          check_conv_window(window, filter.extent(1), filter.extent(2), input.extent(1),
                            input.extent(2), output.extent(1), output.extent(2));
      s != Status::kOk) {
    return s;
  }
  const std::size_t channels = input.extent(3);
  if (filter.extent(0) != 1 || channels == 0 || filter.extent(3) == 0 ||
      filter.extent(3) % channels != 0) {
    return Status::kShapeMismatch;
  }
  if (output.extent(0) != input.extent(0) || output.extent(3) != filter.extent(3)) {
    return Status::kShapeMismatch;
  }
  return Status::kOk;
}

// One output element: output channel oc = ic * M + m reads input channel ic = oc / M only,
//   acc = sum_{ky, kx} (input[n][iy][ix][ic] - zero_point) * filter[0][ky][kx][oc]
// over the taps inside the image (iy, ix from tap_coordinate); padded taps stand for the zero
// point and contribute zero. Acc is int32 (wrapping, see multiply_accumulate) or float
// (zero_point 0, summed in loop order).
template <typename Acc, typename InputView, typename FilterView>
Acc depthwise_output(const InputView& input, Acc zero_point, const FilterView& filter,
                     const Window2d& window, const Pad2d& pad, std::size_t n, std::size_t oy,
                     std::size_t ox, std::size_t oc) {
  const std::size_t multiplier = filter.extent(3) / input.extent(3);
  const std::size_t ic = oc / multiplier;
  Acc acc = 0;
  for (int ky = 0; ky < window.kernel_h; ++ky) {
    const std::int64_t iy = tap_coordinate(oy, window.stride_h, pad.top, ky, window.dilation_h);
    if (!tap_in_image(iy, input.extent(1))) continue;
    for (int kx = 0; kx < window.kernel_w; ++kx) {
      const std::int64_t ix = tap_coordinate(ox, window.stride_w, pad.left, kx, window.dilation_w);
      if (!tap_in_image(ix, input.extent(2))) continue;
      const auto x = input(n, iy, ix, ic);
      const auto w = filter(0, ky, kx, oc);
      if constexpr (std::is_same_v<Acc, float>) {
        acc += x * w;
      } else {
        acc = multiply_accumulate(acc, std::int32_t{x} - zero_point, std::int32_t{w});
      }
    }
  }
  return acc;
}

}  // namespace mote::detail

namespace mote::ref {

// Quantized depthwise convolution, input NHWC (N, H, W, C), filter (1, KH, KW, C * M) int8 with
// zero point 0 (TFLite layout), output NHWC (N, OH, OW, C * M), M = filter.extent(3) / C:
//   output[n][oy][ox][ic * M + m] = clamp(MBQM_Rule(acc + bias[oc], mult[oc]) + out_zp, min, max)
//   acc = sum over in-image taps (input[..][ic] - input_zero_point) * filter[0][ky][kx][oc]
// (detail::depthwise_output). Padding as TFLite; padded taps contribute zero. kShapeMismatch if
// the filter disagrees with the window's kernel, its first extent is not 1, its channels are not a
// positive multiple of C, the output extents are not (N, window_output_h/w, C * M), or the stage
// is sized for another C * M; kInvalidArgument for a malformed window, a zero point or clamp
// outside its type. The output is untouched on error.
template <QuantizedViewOfRank<4> InputView, ViewOfRank<4> FilterView,
          QuantizedViewOfRank<4> OutView, Rounding Rule>
requires std::same_as<ElementOf<FilterView>, std::int8_t> && WritableView<OutView>
[[nodiscard]] Status depthwise_conv2d(const InputView& input, std::int32_t input_zero_point,
                                      const FilterView& filter, const OutView& output,
                                      const Window2d& window, const OutputStage<Rule>& stage) {
  using Out = ElementOf<OutView>;
  if (const Status s = detail::check_depthwise(input, filter, output, window); s != Status::kOk) {
    return s;
  }
  if (!detail::zero_point_fits<ElementOf<InputView>>(input_zero_point)) {
    return Status::kInvalidArgument;
  }
  if (const Status s = stage.template validate<Out>(filter.extent(3)); s != Status::kOk) return s;

  const Pad2d pad = resolve_padding(window, input.extent(1), input.extent(2));
  for (std::size_t n = 0; n < output.extent(0); ++n) {
    for (std::size_t oy = 0; oy < output.extent(1); ++oy) {
      for (std::size_t ox = 0; ox < output.extent(2); ++ox) {
        for (std::size_t oc = 0; oc < output.extent(3); ++oc) {
          const std::int32_t acc = detail::depthwise_output<std::int32_t>(
              input, input_zero_point, filter, window, pad, n, oy, ox, oc);
          output(n, oy, ox, oc) = stage.template apply<Out>(acc, oc);
        }
      }
    }
  }
  return Status::kOk;
}

// Float depthwise convolution, same shapes, padding and errors:
//   output[n][oy][ox][ic * M + m] = clamp(sum over in-image taps input * filter + bias[oc]).
template <FloatViewOfRank<4> InputView, FloatViewOfRank<4> FilterView, FloatViewOfRank<4> OutView>
requires WritableView<OutView>
[[nodiscard]] Status depthwise_conv2d(const InputView& input, const FilterView& filter,
                                      const OutView& output, const Window2d& window,
                                      const FloatOutputStage& stage) {
  if (const Status s = detail::check_depthwise(input, filter, output, window); s != Status::kOk) {
    return s;
  }
  if (const Status s = stage.validate(filter.extent(3)); s != Status::kOk) return s;

  const Pad2d pad = resolve_padding(window, input.extent(1), input.extent(2));
  for (std::size_t n = 0; n < output.extent(0); ++n) {
    for (std::size_t oy = 0; oy < output.extent(1); ++oy) {
      for (std::size_t ox = 0; ox < output.extent(2); ++ox) {
        for (std::size_t oc = 0; oc < output.extent(3); ++oc) {
          const float acc =
              detail::depthwise_output<float>(input, 0.0f, filter, window, pad, n, oy, ox, oc);
          output(n, oy, ox, oc) = stage.apply(acc, oc);
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace mote::ref
