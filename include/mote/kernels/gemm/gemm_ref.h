// Scalar reference GEMM, the bit-exact spec of every int8 GEMM in mote: C = A * B^T with B
// holding each output channel's K weights in one row (OHWI / fully-connected layout), the
// bias + requantize + clamp epilogue fused per output channel; and its float twin.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "mote/base/status.h"
#include "mote/quant/output_stage.h"
#include "mote/quant/requantize.h"
#include "mote/tensor/view.h"

namespace mote::ref {

// The element type of a view, without const.
template <View V>
using ElementOf = typename std::remove_cvref_t<V>::value_type;

// The 8-bit integer types of quantized operands: activations, weights and outputs.
template <typename T>
concept QuantizedByte = std::same_as<T, std::int8_t> || std::same_as<T, std::uint8_t>;

// Roles of a kernel argument: a rank-R view read as quantized bytes, float or int32, or
// written (its elements are not const).
template <typename V, std::size_t Rank>
concept QuantizedViewOfRank = ViewOfRank<V, Rank> && QuantizedByte<ElementOf<V>>;
template <typename V, std::size_t Rank>
concept FloatViewOfRank = ViewOfRank<V, Rank> && std::same_as<float, ElementOf<V>>;
template <typename V, std::size_t Rank>
concept Int32ViewOfRank = ViewOfRank<V, Rank> && std::same_as<ElementOf<V>, std::int32_t>;
template <typename V>
concept WritableView = View<V> && !std::is_const_v<typename std::remove_cvref_t<V>::element_type>;

}  // namespace mote::ref

namespace mote::detail {

// A zero point must be a value of its operand type (TFLite's int8 spec).
template <ref::QuantizedByte T>
constexpr bool zero_point_fits(std::int32_t zero_point) {
  return zero_point >= std::numeric_limits<T>::min() && zero_point <= std::numeric_limits<T>::max();
}

// acc + x * y in int32, as TFLite accumulates. |x|, |y| <= 255 once zero points are subtracted,
// so a sum of up to 33025 terms cannot overflow; a longer one wraps modulo 2^32 (what TFLite's
// int32 additions do on every target) instead of being undefined.
constexpr std::int32_t multiply_accumulate(std::int32_t acc, std::int32_t x, std::int32_t y) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(acc) +
                                   static_cast<std::uint32_t>(x * y));
}

}  // namespace mote::detail

namespace mote::ref {

// Raw int32 accumulators, C[m][n] = sum_k (A[m][k] - a_zero_point) * (B[n][k] - b_zero_point),
// for s8 x s8, u8 x u8 and mixed operands. A is M x K, B is N x K, C is M x N.
// kShapeMismatch if the extents disagree, kInvalidArgument if a zero point is not a value of its
// operand type; C is untouched on error.
template <QuantizedViewOfRank<2> LhsView, QuantizedViewOfRank<2> RhsView,
          Int32ViewOfRank<2> OutView>
requires WritableView<OutView>
[[nodiscard]] Status gemm_s32(const LhsView& a, std::int32_t a_zero_point, const RhsView& b,
                              std::int32_t b_zero_point, const OutView& c) {
  if (a.extent(1) != b.extent(1) || c.extent(0) != a.extent(0) || c.extent(1) != b.extent(0)) {
    return Status::kShapeMismatch;
  }
  if (!detail::zero_point_fits<ElementOf<LhsView>>(a_zero_point) ||
      !detail::zero_point_fits<ElementOf<RhsView>>(b_zero_point)) {
    return Status::kInvalidArgument;
  }
  const std::size_t m_size = a.extent(0);
  const std::size_t n_size = b.extent(0);
  const std::size_t k_size = a.extent(1);
  for (std::size_t m = 0; m < m_size; ++m) {
    for (std::size_t n = 0; n < n_size; ++n) {
      std::int32_t acc = 0;
      for (std::size_t k = 0; k < k_size; ++k) {
        acc = detail::multiply_accumulate(acc, std::int32_t{a(m, k)} - a_zero_point,
                                          std::int32_t{b(n, k)} - b_zero_point);
      }
      c(m, n) = acc;
    }
  }
  return Status::kOk;
}

// Quantized GEMM with the fused epilogue, output channel n = column of C:
//   C[m][n] = clamp(MBQM_Rule(sum_k (A[m][k] - a_zp) * (B[n][k] - b_zp) + bias[n], mult[n])
//                   + out_zp, clamp_min, clamp_max)
// (OutputStage::apply; Rule is double or single rounding). A is M x K, B is N x K, C is M x N;
// C's element type (int8 or uint8) is the output type. kShapeMismatch if the extents or the
// stage's bias/multiplier counts disagree, kInvalidArgument for a zero point or clamp outside
// its type; C is untouched on error.
template <QuantizedViewOfRank<2> LhsView, QuantizedViewOfRank<2> RhsView,
          QuantizedViewOfRank<2> OutView, Rounding Rule>
requires WritableView<OutView>
[[nodiscard]] Status gemm(const LhsView& a, std::int32_t a_zero_point, const RhsView& b,
                          std::int32_t b_zero_point, const OutView& c,
                          const OutputStage<Rule>& stage) {
  using Out = ElementOf<OutView>;
  if (a.extent(1) != b.extent(1) || c.extent(0) != a.extent(0) || c.extent(1) != b.extent(0)) {
    return Status::kShapeMismatch;
  }
  if (!detail::zero_point_fits<ElementOf<LhsView>>(a_zero_point) ||
      !detail::zero_point_fits<ElementOf<RhsView>>(b_zero_point)) {
    return Status::kInvalidArgument;
  }
  if (const Status s = stage.template validate<Out>(b.extent(0)); s != Status::kOk) return s;
  const std::size_t m_size = a.extent(0);
  const std::size_t n_size = b.extent(0);
  const std::size_t k_size = a.extent(1);
  for (std::size_t m = 0; m < m_size; ++m) {
    for (std::size_t n = 0; n < n_size; ++n) {
      std::int32_t acc = 0;
      for (std::size_t k = 0; k < k_size; ++k) {
        acc = detail::multiply_accumulate(acc, std::int32_t{a(m, k)} - a_zero_point,
                                          std::int32_t{b(n, k)} - b_zero_point);
      }
      c(m, n) = stage.template apply<Out>(acc, n);
    }
  }
  return Status::kOk;
}

// Float GEMM, the accuracy baseline: C[m][n] = clamp(sum_k A[m][k] * B[n][k] + bias[n]), summed
// in float in increasing k. Same shapes and errors as the quantized gemm.
template <FloatViewOfRank<2> LhsView, FloatViewOfRank<2> RhsView, FloatViewOfRank<2> OutView>
requires WritableView<OutView>
[[nodiscard]] Status gemm(const LhsView& a, const RhsView& b, const OutView& c,
                          const FloatOutputStage& stage) {
  if (a.extent(1) != b.extent(1) || c.extent(0) != a.extent(0) || c.extent(1) != b.extent(0)) {
    return Status::kShapeMismatch;
  }
  if (const Status s = stage.validate(b.extent(0)); s != Status::kOk) return s;
  const std::size_t m_size = a.extent(0);
  const std::size_t n_size = b.extent(0);
  const std::size_t k_size = a.extent(1);
  for (std::size_t m = 0; m < m_size; ++m) {
    for (std::size_t n = 0; n < n_size; ++n) {
      float acc = 0.0f;
      for (std::size_t k = 0; k < k_size; ++k) acc += a(m, k) * b(n, k);
      c(m, n) = stage.apply(acc, n);
    }
  }
  return Status::kOk;
}

}  // namespace mote::ref
