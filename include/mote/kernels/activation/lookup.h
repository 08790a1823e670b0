// int8 -> int8 table lookup on the best SIMD target (LOGISTIC, TANH and HARD_SWISH through their
// tables, or any 256-entry table); same contract and bytes as mote::ref::lookup, which runs for
// strided views.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

#include "mote/base/config.h"
#include "mote/base/status.h"
#include "mote/kernels/activation/lookup_ref.h"
#include "mote/kernels/detail/dense.h"
#include "mote/kernels/eltwise/elementwise_ref.h"
#include "mote/tensor/view.h"

#if MOTE_SIMD && MOTE_STATIC_DISPATCH
#include "mote/kernels/activation/lookup_hwy-inl.h"
#endif

namespace mote::detail {

#if MOTE_SIMD && !MOTE_STATIC_DISPATCH
// Defined in src/mote/dispatch.cc: out[i] = table[uint8(in[i])] for i < count.
void lookup_s8(const std::int8_t* in, std::int8_t* out, std::size_t count,
               const std::int8_t* table);
#elif MOTE_SIMD
inline void lookup_s8(const std::int8_t* in, std::int8_t* out, std::size_t count,
                      const std::int8_t* table) {
  HWY_STATIC_DISPATCH(lookup_s8)(in, out, count, table);
}
#endif

}  // namespace mote::detail

namespace mote {

// out = table(in) element-wise: the contract of ref::lookup (TFLite EvalUsingLookupTable).
// Tables: ref::make_logistic_table, make_tanh_table, make_hard_swish_table, make_table.
// kShapeMismatch if the extents differ; nothing is written then.
template <View In, View Out>
requires std::same_as<typename In::value_type, std::int8_t> &&
    std::same_as<typename Out::element_type, std::int8_t>
[[nodiscard]] Status lookup(In in, Out out, const ref::LookupTable& table) {
#if !MOTE_SIMD
  return ref::lookup(in, out, table);
#else
  if (!ref::same_extents(in, out)) return Status::kShapeMismatch;
  if (!detail::is_dense_row_major(in) || !detail::is_dense_row_major(out)) {
    return ref::lookup(in, out, table);
  }
  detail::lookup_s8(in.data(), out.data(), in.size(), table.values.data());
  return Status::kOk;
#endif
}

}  // namespace mote
