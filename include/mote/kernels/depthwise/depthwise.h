// int8 depthwise convolution on the best SIMD target: validates, then runs the per-target kernel
// (depthwise_hwy-inl.h) over output rows, optionally in parallel. Same contract and bits as
// mote::ref::depthwise_conv2d, which it falls back to where no SIMD kernel applies.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

#include "mote/base/config.h"
#include "mote/base/parallel.h"
#include "mote/base/status.h"
#include "mote/kernels/depthwise/depthwise_args.h"
#include "mote/kernels/depthwise/depthwise_ref.h"
#include "mote/kernels/detail/dense.h"
#include "mote/kernels/window.h"
#include "mote/quant/output_stage.h"
#include "mote/tensor/view.h"

#if MOTE_SIMD && MOTE_STATIC_DISPATCH
#include "mote/kernels/depthwise/depthwise_hwy-inl.h"
#endif

namespace mote::detail {

#if MOTE_SIMD && !MOTE_STATIC_DISPATCH
// Defined in src/mote/dispatch.cc: output rows [row_begin, row_end) on the best target.
void depthwise_conv2d_s8_double(const DepthwiseArgs& args, std::size_t row_begin,
                                std::size_t row_end);
void depthwise_conv2d_s8_single(const DepthwiseArgs& args, std::size_t row_begin,
                                std::size_t row_end);
#endif

template <Rounding Rule>
inline void depthwise_rows(const DepthwiseArgs& args, std::size_t row_begin, std::size_t row_end) {
#if MOTE_SIMD && !MOTE_STATIC_DISPATCH
  if constexpr (Rule == Rounding::kDouble) {
    depthwise_conv2d_s8_double(args, row_begin, row_end);
  } else {
    depthwise_conv2d_s8_single(args, row_begin, row_end);
  }
#elif MOTE_SIMD
  if constexpr (Rule == Rounding::kDouble) {
    HWY_STATIC_DISPATCH(depthwise_conv2d_s8_double)(args, row_begin, row_end);
  } else {
    HWY_STATIC_DISPATCH(depthwise_conv2d_s8_single)(args, row_begin, row_end);
  }
#else
  (void)args, (void)row_begin, (void)row_end;
#endif
}

// Rows per parallel task: everything in one task on one thread; else about four tasks per
// thread, so that uneven finishing balances. Each row is computed the same way in any task.
constexpr std::size_t rows_per_task(std::size_t rows, std::size_t threads) {
  if (threads <= 1) return rows;
  const std::size_t target = threads * 4;
  const std::size_t per_task = (rows + target - 1) / target;
  return per_task < 2 ? 2 : per_task + per_task % 2;
}

}  // namespace mote::detail

namespace mote {

// Quantized depthwise convolution, the contract of ref::depthwise_conv2d (NHWC input, filter
// (1, KH, KW, C * M), output (N, OH, OW, C * M), fused output stage, same errors, output untouched
// on error), on SIMD: int8 input and output, depth multiplier 1 and dense views run the
// per-target kernels (any window; AVX-512 VNNI for 3x3 and 5x5 at stride 1 and 2); anything else
// runs the reference. `parallel` splits output rows into tasks; the bytes do not depend on it.
template <ref::QuantizedViewOfRank<4> InputView, ViewOfRank<4> FilterView,
          ref::QuantizedViewOfRank<4> OutView, Rounding Rule, ParallelFor Parallel>
requires std::same_as<ref::ElementOf<FilterView>, std::int8_t> && ref::WritableView<OutView>
[[nodiscard]] Status depthwise_conv2d(const InputView& input, std::int32_t input_zero_point,
                                      const FilterView& filter, const OutView& output,
                                      const Window2d& window, const OutputStage<Rule>& stage,
                                      Parallel& parallel) {
  constexpr bool kInt8 = std::same_as<ref::ElementOf<InputView>, std::int8_t> &&
                         std::same_as<ref::ElementOf<OutView>, std::int8_t>;
  if constexpr (!MOTE_SIMD || !kInt8) {
    (void)parallel;
    return ref::depthwise_conv2d(input, input_zero_point, filter, output, window, stage);
  } else {
    if (const Status s = detail::check_depthwise(input, filter, output, window); s != Status::kOk) {
      return s;
    }
    if (!detail::zero_point_fits<std::int8_t>(input_zero_point)) return Status::kInvalidArgument;
    if (const Status s = stage.template validate<std::int8_t>(filter.extent(3)); s != Status::kOk) {
      return s;
    }
    if (filter.extent(3) != input.extent(3) || !detail::is_dense_row_major(input) ||
        !detail::is_dense_row_major(filter) || !detail::is_dense_row_major(output)) {
      return ref::depthwise_conv2d(input, input_zero_point, filter, output, window, stage);
    }
    const std::size_t rows = output.extent(0) * output.extent(1);
    if (rows == 0 || output.extent(2) == 0) return Status::kOk;

    const Pad2d pad = resolve_padding(window, input.extent(1), input.extent(2));
    detail::DepthwiseArgs args;
    args.input = input.data();
    args.filter = filter.data();
    args.output = output.data();
    args.batch = input.extent(0);
    args.in_h = input.extent(1);
    args.in_w = input.extent(2);
    args.channels = input.extent(3);
    args.out_h = output.extent(1);
    args.out_w = output.extent(2);
    args.kernel_h = window.kernel_h;
    args.kernel_w = window.kernel_w;
    args.stride_h = window.stride_h;
    args.stride_w = window.stride_w;
    args.dilation_h = window.dilation_h;
    args.dilation_w = window.dilation_w;
    args.pad_top = pad.top;
    args.pad_left = pad.left;
    args.input_zero_point = input_zero_point;
    args.bias = stage.bias.empty() ? nullptr : stage.bias.data();
    args.multipliers = stage.multipliers.data();
    args.per_channel = stage.per_channel();
    args.output_zero_point = stage.zero_point;
    args.clamp_min = stage.clamp_min;
    args.clamp_max = stage.clamp_max;

    const std::size_t per_task = detail::rows_per_task(rows, parallel.threads());
    const std::size_t tasks = (rows + per_task - 1) / per_task;
    parallel.parallel_for(tasks, [&](std::size_t begin, std::size_t end) {
      const std::size_t last = end * per_task < rows ? end * per_task : rows;
      detail::depthwise_rows<Rule>(args, begin * per_task, last);
    });
    return Status::kOk;
  }
}

// The same on the calling thread.
template <ref::QuantizedViewOfRank<4> InputView, ViewOfRank<4> FilterView,
          ref::QuantizedViewOfRank<4> OutView, Rounding Rule>
requires std::same_as<ref::ElementOf<FilterView>, std::int8_t> && ref::WritableView<OutView>
[[nodiscard]] Status depthwise_conv2d(const InputView& input, std::int32_t input_zero_point,
                                      const FilterView& filter, const OutView& output,
                                      const Window2d& window, const OutputStage<Rule>& stage) {
  SingleThread single;
  return depthwise_conv2d(input, input_zero_point, filter, output, window, stage, single);
}

}  // namespace mote
