// int8 clamp (RELU, RELU6, RELU_N1_TO_1 with shared input and output parameters) on the best
// SIMD target; same contract and bytes as mote::ref::clamp, which runs for strided views.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

#include "mote/base/config.h"
#include "mote/base/status.h"
#include "mote/kernels/activation/clamp_ref.h"
#include "mote/kernels/detail/dense.h"
#include "mote/kernels/eltwise/elementwise_ref.h"
#include "mote/quant/output_stage.h"
#include "mote/tensor/view.h"

#if MOTE_SIMD && MOTE_STATIC_DISPATCH
#include "mote/kernels/activation/clamp_hwy-inl.h"
#endif

namespace mote::detail {

#if MOTE_SIMD && !MOTE_STATIC_DISPATCH
// Defined in src/mote/dispatch.cc: out[i] = clamp(in[i], lo, hi) for i < count.
void clamp_s8(const std::int8_t* in, std::int8_t* out, std::size_t count, std::int32_t lo,
              std::int32_t hi);
#elif MOTE_SIMD
inline void clamp_s8(const std::int8_t* in, std::int8_t* out, std::size_t count, std::int32_t lo,
                     std::int32_t hi) {
  HWY_STATIC_DISPATCH(clamp_s8)(in, out, count, lo, hi);
}
#endif

}  // namespace mote::detail

namespace mote {

// out = clamp(in, range.min, range.max) element-wise: the contract of ref::clamp (int8).
// kShapeMismatch if the extents differ; kInvalidArgument for a range outside int8 or
// min > max. Nothing is written on error.
template <View In, View Out>
requires std::same_as<typename In::value_type, std::int8_t> &&
    std::same_as<typename Out::element_type, std::int8_t>
[[nodiscard]] Status clamp(In in, Out out, ClampRange range) {
#if !MOTE_SIMD
  return ref::clamp(in, out, range);
#else
  if (!ref::same_extents(in, out)) return Status::kShapeMismatch;
  if (range.min < -128 || range.max > 127 || range.min > range.max) {
    return Status::kInvalidArgument;
  }
  if (!detail::is_dense_row_major(in) || !detail::is_dense_row_major(out)) {
    return ref::clamp(in, out, range);
  }
  detail::clamp_s8(in.data(), out.data(), in.size(), range.min, range.max);
  return Status::kOk;
#endif
}

}  // namespace mote
