// int8 convolution on the SIMD GEMM: a 1x1 stride-1 convolution is a GEMM over the NHWC input
// as it lies in memory (pixels x channels); any other window first gathers each output pixel's
// receptive field into caller scratch (im2col), whose size is a constexpr function of the shape.
// Bit-exact with mote::ref::conv2d (conv2d_ref.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>
#include <utility>

#include "mote/base/parallel.h"
#include "mote/base/result.h"
#include "mote/base/status.h"
#include "mote/kernels/conv/conv2d_ref.h"
#include "mote/kernels/gemm/gemm.h"
#include "mote/kernels/gemm/gemm_pack.h"
#include "mote/kernels/window.h"
#include "mote/quant/output_stage.h"
#include "mote/tensor/view.h"

namespace mote {

// True when the convolution reads its input as a GEMM operand without a copy: a 1x1 kernel,
// stride 1, no explicit padding (SAME and VALID add none for a 1x1 kernel).
constexpr bool conv2d_is_pointwise(const Window2d& w) {
  return w.kernel_h == 1 && w.kernel_w == 1 && w.stride_h == 1 && w.stride_w == 1 &&
         (w.padding != Padding::kExplicit || w.pad == Pad2d{});
}

// Scratch bytes conv2d needs for an input of `batch` x in_h x in_w x channels: 0 for a
// pointwise window, else one row of kernel_h * kernel_w * channels bytes per output pixel.
constexpr std::size_t conv2d_scratch_bytes(std::size_t batch, std::size_t in_h, std::size_t in_w,
                                           std::size_t channels, const Window2d& w) {
  if (conv2d_is_pointwise(w)) return 0;
  return batch * window_output_h(w, in_h) * window_output_w(w, in_w) *
         static_cast<std::size_t>(w.kernel_h) * static_cast<std::size_t>(w.kernel_w) * channels;
}

// Packs an OHWI filter (O x KH x KW x C int8, contiguous, zero point 0) as GEMM weights
// (N = O, K = KH KW C) with the bias and the input zero point folded in; see
// pack_gemm_weights. kUnsupported for a filter view that is not contiguous.
template <ViewOfRank<4> FilterView>
requires std::same_as<ref::ElementOf<FilterView>, std::int8_t>
[[nodiscard]] Result<PackedGemmWeights> pack_conv2d_filter(const FilterView& filter,
                                                           std::span<const std::int32_t> bias,
                                                           std::int32_t input_zero_point,
                                                           const PackedGemmStorage& storage) {
  if (!filter.is_contiguous()) return Status::kUnsupported;
  const std::size_t k = filter.extent(1) * filter.extent(2) * filter.extent(3);
  return pack_gemm_weights(make_view(filter.data(), Extents<dyn, dyn>(filter.extent(0), k)), bias,
                           input_zero_point, storage);
}

// Quantized convolution with a filter packed by pack_conv2d_filter: input NHWC (N, H, W, C),
// output NHWC (N, OH, OW, O), groups 1, any kernel, stride, dilation and padding:
//   output = ref::conv2d(input, filter.a_zero_point, filter, output, window, stage + bias)
// bit for bit (stage.bias must be empty: the bias is in the packed filter). `scratch` holds
// at least conv2d_scratch_bytes(...) bytes (none for a pointwise window). kShapeMismatch if
// the extents disagree, kUnsupported for grouped filters or non-contiguous views,
// kOutOfMemory for a short scratch, kInvalidArgument for a malformed window or stage. The
// output is untouched on error. `plan`, if not empty, is a float epilogue planned by
// plan_gemm_float_epilogue for (filter, stage): the same bytes, faster on targets that use it
// (kShapeMismatch if its size is not the stage's multiplier count).
template <ViewOfRank<4> InputView, ViewOfRank<4> OutView, Rounding R, typename P = SingleThread>
requires detail::Int8KernelViews<InputView, OutView, P>
[[nodiscard]] Status conv2d(const InputView& input, const PackedGemmWeights& filter,
                            const OutView& output, const Window2d& window,
                            const OutputStage<R>& stage, const GemmFloatEpilogue& plan,
                            std::span<std::int8_t> scratch, P&& parallel = P{}) {
  if (!window.valid()) return Status::kInvalidArgument;
  if (const Status s = detail::check_float_epilogue(plan, stage); s != Status::kOk) return s;
  const std::size_t batch = input.extent(0);
  const std::size_t in_h = input.extent(1);
  const std::size_t in_w = input.extent(2);
  const std::size_t channels = input.extent(3);
  const std::size_t taps =
      static_cast<std::size_t>(window.kernel_h) * static_cast<std::size_t>(window.kernel_w);
  if (filter.k % taps != 0) return Status::kShapeMismatch;
  const std::size_t filter_channels = filter.k / taps;
  if (filter_channels != channels) {
    // A filter over a divisor of C is a grouped convolution, which this path does not run.
    const bool grouped = filter_channels != 0 && channels % filter_channels == 0;
    return grouped ? Status::kUnsupported : Status::kShapeMismatch;
  }
  const std::size_t out_h = window_output_h(window, in_h);
  const std::size_t out_w = window_output_w(window, in_w);
  if (output.extent(0) != batch || output.extent(1) != out_h || output.extent(2) != out_w ||
      output.extent(3) != filter.n) {
    return Status::kShapeMismatch;
  }
  const std::size_t rows = batch * out_h * out_w;
  if (const Status s = detail::check_gemm(rows, filter.k, rows, filter.n, filter, stage);
      s != Status::kOk) {
    return s;
  }
  if (!input.is_contiguous() || !output.is_contiguous()) return Status::kUnsupported;
  if (scratch.size() < conv2d_scratch_bytes(batch, in_h, in_w, channels, window)) {
    return Status::kOutOfMemory;
  }
  if (rows == 0) return Status::kOk;

  const std::int8_t* a = input.data();
  if (!conv2d_is_pointwise(window)) {
    // im2col: row (n, oy, ox) holds the taps (ky, kx) in filter order, C bytes each; a tap in
    // the padding holds the input zero point, which contributes (zp - zp) * w = 0 as in ref.
    const Pad2d pad = resolve_padding(window, in_h, in_w);
    const auto fill = static_cast<int>(static_cast<std::int8_t>(filter.a_zero_point));
    std::int8_t* row = scratch.data();
    for (std::size_t n = 0; n < batch; ++n) {
      for (std::size_t oy = 0; oy < out_h; ++oy) {
        for (std::size_t ox = 0; ox < out_w; ++ox) {
          for (int ky = 0; ky < window.kernel_h; ++ky) {
            const std::int64_t iy =
                detail::tap_coordinate(oy, window.stride_h, pad.top, ky, window.dilation_h);
            for (int kx = 0; kx < window.kernel_w; ++kx, row += channels) {
              const std::int64_t ix =
                  detail::tap_coordinate(ox, window.stride_w, pad.left, kx, window.dilation_w);
              if (detail::tap_in_image(iy, in_h) && detail::tap_in_image(ix, in_w)) {
                std::memcpy(row,
                            input.data() + ((n * in_h + static_cast<std::size_t>(iy)) * in_w +
                                            static_cast<std::size_t>(ix)) *
                                               channels,
                            channels);
              } else {
                std::memset(row, fill, channels);
              }
            }
          }
        }
      }
    }
    a = scratch.data();
  }
  detail::GemmArgs args =
      detail::make_gemm_args(a, filter.k, filter, output.data(), filter.n, stage);
  detail::use_float_epilogue(plan, args);
  detail::run_gemm(args, rows, parallel);
  return Status::kOk;
}

// conv2d() without a float epilogue plan.
template <ViewOfRank<4> InputView, ViewOfRank<4> OutView, Rounding R, typename P = SingleThread>
requires detail::Int8KernelViews<InputView, OutView, P>
[[nodiscard]] Status conv2d(const InputView& input, const PackedGemmWeights& filter,
                            const OutView& output, const Window2d& window,
                            const OutputStage<R>& stage, std::span<std::int8_t> scratch,
                            P&& parallel = P{}) {
  return conv2d(input, filter, output, window, stage, GemmFloatEpilogue{}, scratch,
                std::forward<P>(parallel));
}

}  // namespace mote
