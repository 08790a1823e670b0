// int8 GEMM over packed weights on the best SIMD target: validation, the threading split, and
// dispatch. Bit-exact with mote::ref::gemm (gemm_ref.h) on every target and thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "mote/base/config.h"
#include "mote/base/parallel.h"
#include "mote/base/status.h"
#include "mote/kernels/gemm/detail/gemm_args.h"
#include "mote/kernels/gemm/gemm_float_epilogue.h"
#include "mote/kernels/gemm/gemm_pack.h"
#include "mote/kernels/gemm/gemm_ref.h"
#include "mote/quant/output_stage.h"
#include "mote/simd/dispatch.h"

#if MOTE_SIMD && MOTE_STATIC_DISPATCH
#include "mote/kernels/gemm/gemm_hwy-inl.h"
#endif

namespace mote::detail {

// Rows [m_begin, m_end) x panels [p_begin, p_end) of C (panel = 16 output channels). The one
// dispatched entry point of the GEMM; see gemm_hwy-inl.h for what each target runs.
#if MOTE_SIMD && !MOTE_STATIC_DISPATCH
void gemm_s8_rows(const GemmArgs& args, std::size_t m_begin, std::size_t m_end, std::size_t p_begin,
                  std::size_t p_end);
#else
inline void gemm_s8_rows(const GemmArgs& args, std::size_t m_begin, std::size_t m_end,
                         std::size_t p_begin, std::size_t p_end) {
#if MOTE_SIMD
  HWY_STATIC_DISPATCH(GemmS8Rows)(args, m_begin, m_end, p_begin, p_end);
#else
  gemm_rows_scalar(args, m_begin, m_end, p_begin, p_end);
#endif
}
#endif

// Checks of gemm() (and conv2d's GEMM path) that do not depend on view types.
template <Rounding R>
constexpr Status check_gemm(std::size_t m, std::size_t k, std::size_t c_rows, std::size_t c_cols,
                            const PackedGemmWeights& b, const OutputStage<R>& stage) {
  if (b.weights == nullptr || b.bias == nullptr || b.column_sums == nullptr) {
    return Status::kInvalidArgument;
  }
  if (k != b.k || c_rows != m || c_cols != b.n) return Status::kShapeMismatch;
  if (const Status s = stage.template validate<std::int8_t>(b.n); s != Status::kOk) return s;
  // The bias lives in the packed weights (folded with the zero point at packing time).
  if (!stage.bias.empty()) return Status::kInvalidArgument;
  return Status::kOk;
}

template <Rounding R>
GemmArgs make_gemm_args(const std::int8_t* a, std::size_t a_stride, const PackedGemmWeights& b,
                        std::int8_t* c, std::size_t c_stride, const OutputStage<R>& stage) {
  GemmArgs args;
  args.a = a;
  args.a_stride = a_stride;
  args.b = b;
  args.c = c;
  args.c_stride = c_stride;
  args.multipliers = stage.multipliers.data();
  args.per_channel = stage.per_channel();
  args.rounding = R;
  args.zero_point = stage.zero_point;
  args.clamp_min = stage.clamp_min;
  args.clamp_max = stage.clamp_max;
  gemm_epilogue_flags(args);
  return args;
}

// A float epilogue plan (empty, or one entry per multiplier of the stage).
template <Rounding R>
constexpr Status check_float_epilogue(const GemmFloatEpilogue& plan, const OutputStage<R>& stage) {
  const std::size_t count = stage.multipliers.size();
  if (!plan.empty() && (plan.scale.size() != count || plan.offset.size() != count ||
                        plan.offset_negative.size() != count)) {
    return Status::kShapeMismatch;
  }
  return Status::kOk;
}

inline void use_float_epilogue(const GemmFloatEpilogue& plan, GemmArgs& args) {
  if (plan.empty()) return;
  args.float_scale = plan.scale.data();
  args.float_offset = plan.offset.data();
  args.float_offset_negative = plan.offset_negative.data();
}

// Splits M x N into tasks: one with a single thread; otherwise blocks of 24 rows (a multiple
// of every micro-kernel's row count) and, when rows alone give too few tasks, of 4 panels.
// Every output element is computed the same way in any split, so the bytes never depend on it.
template <typename P>
void run_gemm(const GemmArgs& args, std::size_t m, P& parallel) {
  const std::size_t panels = args.b.panels();
  const std::size_t threads = parallel.threads();
  if (m == 0) return;
  if (threads <= 1) {
    gemm_s8_rows(args, 0, m, 0, panels);
    return;
  }
  auto ceil_div = [](std::size_t x, std::size_t y) { return (x + y - 1) / y; };
  auto round_up = [&](std::size_t x, std::size_t y) { return ceil_div(x, y) * y; };
  const std::size_t wanted = threads * 4;
  const std::size_t row_block = round_up(ceil_div(m, wanted), 24);
  const std::size_t row_tasks = ceil_div(m, row_block);
  std::size_t panel_block = panels;
  if (row_tasks < wanted) panel_block = round_up(ceil_div(panels, ceil_div(wanted, row_tasks)), 4);
  const std::size_t panel_tasks = ceil_div(panels, panel_block);
  auto task = [&](std::size_t begin, std::size_t end) {
    for (std::size_t t = begin; t < end; ++t) {
      const std::size_t m0 = t / panel_tasks * row_block;
      const std::size_t p0 = t % panel_tasks * panel_block;
      gemm_s8_rows(args, m0, m0 + row_block < m ? m0 + row_block : m, p0,
                   p0 + panel_block < panels ? p0 + panel_block : panels);
    }
  };
  parallel.parallel_for(row_tasks * panel_tasks, TaskRef(task));
}

// What gemm() and conv2d() take besides their ranks: an int8 input view, a writable int8
// output view and a ParallelFor.
template <typename InView, typename OutView, typename P>
concept Int8KernelViews = std::same_as<ref::ElementOf<InView>, std::int8_t> &&
    std::same_as<ref::ElementOf<OutView>, std::int8_t> && ref::WritableView<OutView> &&
    ParallelFor<std::remove_cvref_t<P>>;

}  // namespace mote::detail

namespace mote {

// gemm() below, with a float epilogue planned by plan_gemm_float_epilogue for the same `b`
// and `stage` (the plan is a proof for that pair only; empty: none): the same bytes, faster
// where the target has the float epilogue. kShapeMismatch if the plan's size is not the
// stage's multiplier count.
template <ViewOfRank<2> LhsView, ViewOfRank<2> OutView, Rounding R, typename P = SingleThread>
requires detail::Int8KernelViews<LhsView, OutView, P>
[[nodiscard]] Status gemm(const LhsView& a, const PackedGemmWeights& b, const OutView& c,
                          const OutputStage<R>& stage, const GemmFloatEpilogue& plan,
                          P&& parallel = P{}) {
  if (const Status s =
          detail::check_gemm(a.extent(0), a.extent(1), c.extent(0), c.extent(1), b, stage);
      s != Status::kOk) {
    return s;
  }
  if (const Status s = detail::check_float_epilogue(plan, stage); s != Status::kOk) return s;
  if (a.stride(1) != 1 || c.stride(1) != 1) return Status::kUnsupported;
  detail::GemmArgs args =
      detail::make_gemm_args(a.data(), a.stride(0), b, c.data(), c.stride(0), stage);
  detail::use_float_epilogue(plan, args);
  detail::run_gemm(args, a.extent(0), parallel);
  return Status::kOk;
}

// C = A * B^T through the stage, B packed by pack_gemm_weights (which holds the bias and the
// activation zero point, so stage.bias must be empty): for A (M x K int8) and C (M x N int8),
//   C[m][n] = ref::gemm(A, b.a_zero_point, B, 0, C, stage with the packed bias)[m][n]
// bit for bit, on every SIMD target and for any `parallel` (default: the calling thread).
// kShapeMismatch if the extents disagree, kInvalidArgument for an invalid stage or a stage
// with a bias, kUnsupported for views whose rows are not contiguous. C is untouched on error.
template <ViewOfRank<2> LhsView, ViewOfRank<2> OutView, Rounding R, typename P = SingleThread>
requires detail::Int8KernelViews<LhsView, OutView, P>
[[nodiscard]] Status gemm(const LhsView& a, const PackedGemmWeights& b, const OutView& c,
                          const OutputStage<R>& stage, P&& parallel = P{}) {
  return gemm(a, b, c, stage, GemmFloatEpilogue{}, std::forward<P>(parallel));
}

}  // namespace mote
