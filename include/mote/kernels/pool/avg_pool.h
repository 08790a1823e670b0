// int8 average pool on the best SIMD target (channels across lanes); same contract and bytes as
// mote::ref::avg_pool, which runs for strided views.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

#include "mote/base/config.h"
#include "mote/base/status.h"
#include "mote/kernels/detail/dense.h"
#include "mote/kernels/pool/avg_pool_ref.h"
#include "mote/kernels/pool/pool_args.h"
#include "mote/kernels/pool/pool_window.h"
#include "mote/kernels/window.h"
#include "mote/quant/output_stage.h"
#include "mote/tensor/view.h"

#if MOTE_SIMD && MOTE_STATIC_DISPATCH
#include "mote/kernels/pool/pool_hwy-inl.h"
#endif

namespace mote::detail {

#if MOTE_SIMD && !MOTE_STATIC_DISPATCH
// Defined in src/mote/dispatch.cc.
void avg_pool_s8(const PoolArgs& args);
#elif MOTE_SIMD
inline void avg_pool_s8(const PoolArgs& args) {
  HWY_STATIC_DISPATCH(avg_pool_s8)(args);
}
#endif

}  // namespace mote::detail

namespace mote {

// int8 average pool, the contract of ref::avg_pool (input and output share scale and zero point):
// out = clamp(rounded mean over the in-bounds taps, clamp.min, clamp.max) (TFLite AVERAGE_POOL_2D;
// the divisor counts in-bounds taps only)
// Errors: see ref::check_pool; kInvalidArgument for a clamp outside [-128, 127] or min > max.
// Nothing is written on error.
template <ViewOfRank<4> In, ViewOfRank<4> Out>
requires std::same_as<typename In::value_type, std::int8_t> &&
    std::same_as<typename Out::element_type, std::int8_t>
[[nodiscard]] Status avg_pool(In in, Out out, const Window2d& window,
                              ClampRange clamp = {-128, 127}) {
#if !MOTE_SIMD
  return ref::avg_pool(in, out, window, clamp);
#else
  ref::PoolGeometry g;
  if (const Status s = ref::check_pool(in, out, window, g); s != Status::kOk) return s;
  if (clamp.min < -128 || clamp.max > 127 || clamp.min > clamp.max) {
    return Status::kInvalidArgument;
  }
  if (!detail::is_dense_row_major(in) || !detail::is_dense_row_major(out)) {
    return ref::avg_pool(in, out, window, clamp);
  }
  detail::PoolArgs args;
  args.input = in.data();
  args.output = out.data();
  args.batch = in.extent(0);
  args.in_h = in.extent(1);
  args.in_w = in.extent(2);
  args.channels = in.extent(3);
  args.out_h = out.extent(1);
  args.out_w = out.extent(2);
  args.kernel_h = window.kernel_h;
  args.kernel_w = window.kernel_w;
  args.stride_h = window.stride_h;
  args.stride_w = window.stride_w;
  args.pad_top = g.pad_top;
  args.pad_left = g.pad_left;
  args.clamp_min = clamp.min;
  args.clamp_max = clamp.max;
  detail::avg_pool_s8(args);
  return Status::kOk;
#endif
}

}  // namespace mote
