// int8 ADD on the best SIMD target (TFLite's left-shift-20 rule, both roundings, per-channel
// broadcast); same contract and bytes as mote::ref::add, which runs for strided views.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

#include "mote/base/config.h"
#include "mote/base/status.h"
#include "mote/kernels/detail/dense.h"
#include "mote/kernels/eltwise/add_ref.h"
#include "mote/kernels/eltwise/elementwise_ref.h"
#include "mote/quant/requantize.h"
#include "mote/tensor/view.h"

#if MOTE_SIMD && MOTE_STATIC_DISPATCH
#include "mote/kernels/eltwise/add_hwy-inl.h"
#endif

namespace mote::detail {

#if MOTE_SIMD && !MOTE_STATIC_DISPATCH
// Defined in src/mote/dispatch.cc: out[i] = ref::add_value<R>(a[i], b[i], p) for i < count.
void add_s8_double(const std::int8_t* a, const std::int8_t* b, std::int8_t* out, std::size_t count,
                   const ref::AddParams& p);
void add_s8_single(const std::int8_t* a, const std::int8_t* b, std::int8_t* out, std::size_t count,
                   const ref::AddParams& p);
#endif

template <Rounding R>
inline void add_s8(const std::int8_t* a, const std::int8_t* b, std::int8_t* out, std::size_t count,
                   const ref::AddParams& p) {
#if MOTE_SIMD && !MOTE_STATIC_DISPATCH
  if constexpr (R == Rounding::kDouble) {
    add_s8_double(a, b, out, count, p);
  } else {
    add_s8_single(a, b, out, count, p);
  }
#elif MOTE_SIMD
  if constexpr (R == Rounding::kDouble) {
    HWY_STATIC_DISPATCH(add_s8_double)(a, b, out, count, p);
  } else {
    HWY_STATIC_DISPATCH(add_s8_single)(a, b, out, count, p);
  }
#else
  (void)a, (void)b, (void)out, (void)count, (void)p;
#endif
}

}  // namespace mote::detail

namespace mote {

// int8 ADD, the contract of ref::add: out = add_value<R>(a, b) element-wise, b with a's extents
// or a rank-1 vector over a's last axis (broadcast per channel). kShapeMismatch if the operands
// disagree or out differs from a; kInvalidArgument for zero points or a clamp outside int8.
// Nothing is written on error.
template <Rounding R = Rounding::kDouble, View A, View B, View Out>
requires std::same_as<typename A::value_type, std::int8_t> &&
    std::same_as<typename B::value_type, std::int8_t> &&
    std::same_as<typename Out::element_type, std::int8_t>
[[nodiscard]] Status add(A a, B b, Out out, const ref::AddParams& p) {
  if constexpr (!MOTE_SIMD) {
    return ref::add<R>(a, b, out, p);
  } else {
    if (!detail::add_operands_match(a, b) || !ref::same_extents(a, out)) {
      return Status::kShapeMismatch;
    }
    auto in_int8 = [](std::int32_t v) { return v >= -128 && v <= 127; };
    if (!in_int8(p.input1_zero_point) || !in_int8(p.input2_zero_point) ||
        !in_int8(p.output_zero_point) || !in_int8(p.clamp.min) || !in_int8(p.clamp.max) ||
        p.clamp.min > p.clamp.max) {
      return Status::kInvalidArgument;
    }
    if (!detail::is_dense_row_major(a) || !detail::is_dense_row_major(b) ||
        !detail::is_dense_row_major(out)) {
      return ref::add<R>(a, b, out, p);
    }
    if (ref::same_extents(a, b)) {
      detail::add_s8<R>(a.data(), b.data(), out.data(), a.size(), p);
      return Status::kOk;
    }
    // Broadcast: one call per row of the last axis.
    const std::size_t channels = a.extent(A::rank() - 1);
    for (std::size_t row = 0; channels != 0 && row < a.size() / channels; ++row) {
      detail::add_s8<R>(a.data() + row * channels, b.data(), out.data() + row * channels, channels,
                        p);
    }
    return Status::kOk;
  }
}

}  // namespace mote
