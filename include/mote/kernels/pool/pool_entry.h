// What the int8 SIMD pooling entry points (avg_pool, max_pool) share: the per-target kernels they
// call and their body (the reference's checks, the reference itself for strided views, else one
// flat PoolArgs call to the kernel).
#pragma once

#include <cstdint>

#include "mote/base/config.h"
#include "mote/base/status.h"
#include "mote/kernels/detail/dense.h"
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
void max_pool_s8(const PoolArgs& args);
#elif MOTE_SIMD
inline void avg_pool_s8(const PoolArgs& args) {
  HWY_STATIC_DISPATCH(avg_pool_s8)(args);
}
inline void max_pool_s8(const PoolArgs& args) {
  HWY_STATIC_DISPATCH(max_pool_s8)(args);
}
#endif

// Checks the call as ref::check_pool_s8 does (nothing is written on error), then runs
// `ref_pool(in, out, window, clamp)` if either view is strided, else `simd_pool` on dense NHWC.
template <ViewOfRank<4> In, ViewOfRank<4> Out, typename RefPool>
[[nodiscard]] Status pool_s8(In in, Out out, const Window2d& window, ClampRange clamp,
                             void (*simd_pool)(const PoolArgs&), RefPool ref_pool) {
  ref::PoolGeometry g;
  if (const Status s = ref::check_pool_s8(in, out, window, clamp, g); s != Status::kOk) return s;
  if (!is_dense_row_major(in) || !is_dense_row_major(out)) return ref_pool(in, out, window, clamp);
  PoolArgs args;
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
  simd_pool(args);
  return Status::kOk;
}

}  // namespace mote::detail
