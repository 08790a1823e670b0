// SOFTMAX in fixed point, as TFLite's reference kernel and TFLite Micro compute int8
// (reference_ops::Softmax: gemmlowp exp on Q5.26, a Q12.19 sum and a fixed-point reciprocal).
#pragma once

#include <bit>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "mote/base/int_math.h"
#include "mote/base/result.h"
#include "mote/base/status.h"
#include "mote/fixed/fixed_functions.h"
#include "mote/fixed/fixed_point.h"
#include "mote/kernels/eltwise/elementwise_ref.h"
#include "mote/quant/params.h"
#include "mote/quant/requantize.h"
#include "mote/tensor/view.h"

namespace mote {
namespace detail {

inline constexpr int kSoftmaxScaledDiffIntegerBits = 5;     // exp input: Q5.26
inline constexpr int kSoftmaxAccumulationIntegerBits = 12;  // sum of exps: Q12.19

// x * multiplier * 2^left_shift, TFLite MultiplyByQuantizedMultiplierGreaterThanOne: by default
// SRDHM(x * 2^left_shift, multiplier) (the shift wraps, as TFLite's int32 product does in
// practice); in TFLITE_SINGLE_ROUNDING builds MultiplyByQuantizedMultiplier's one rounding.
template <Rounding R>
constexpr std::int32_t multiply_by_quantized_multiplier_greater_than_one(std::int32_t x,
                                                                         std::int32_t multiplier,
                                                                         int left_shift) {
  if constexpr (R == Rounding::kDouble) {
    const auto shifted = static_cast<std::int32_t>(static_cast<std::uint32_t>(x) << left_shift);
    return saturating_rounding_doubling_high_mul(shifted, multiplier);
  } else {
    return multiply_by_quantized_multiplier<R>(x, QuantizedMultiplier{multiplier, left_shift});
  }
}

}  // namespace detail

namespace ref {

// What a fixed-point int8 SOFTMAX needs, fixed once from the input scale and beta. R is the
// rounding of TFLite's build: kDouble (default) or kSingle (TFLITE_SINGLE_ROUNDING).
template <Rounding R = Rounding::kDouble>
struct SoftmaxFixedParams {
  static constexpr Rounding kRounding = R;
  std::int32_t input_multiplier = 0;  // beta * s_in * 2^26 = multiplier * 2^(left_shift - 31)
  int input_left_shift = 0;           // [0, 31] (kDouble) or [0, 30] (kSingle)
  std::int32_t diff_min = 0;          // <= 0: x - max below it contributes exactly 0
};

// TFLite SoftmaxPrepare<kReference> (activations.cc) and TFLite Micro CalculateSoftmaxParams:
//   real = min(double(beta) * double(s_in) * 2^26, cap)   PreprocessSoftmaxScaling;
//          cap = 2^31 - 1, or 2^30 - 1 with single rounding. The product of two floats is exact
//          in double and 2^26 is a power of two: no rounding, nothing for contraction to change.
//   (multiplier, left_shift) = QuantizeMultiplier(real)  frexp, round(q * 2^31), 2^31 -> halve;
//          not saturated at shift 31 (TFLite saturates only in single-rounding builds)
//   diff_min = -floor(31 * 2^26 / 2^left_shift)           -CalculateInputRadius(5, left_shift)
// The output must be s_out = 1/256, zp_out = -128 (TFLite Micro checks exactly that);
// kInvalidArgument otherwise, for invalid parameters, beta not positive and finite, or
// beta * s_in <= 2^-26 (QuantizeMultiplierGreaterThanOne requires a multiplier above one).
template <Rounding R = Rounding::kDouble>
inline Result<SoftmaxFixedParams<R>> make_softmax_fixed_params(const QuantParams<std::int8_t>& in,
                                                               const QuantParams<std::int8_t>& out,
                                                               float beta = 1.0f) {
  if (in.validate() != Status::kOk || out.validate() != Status::kOk || !is_positive_finite(beta)) {
    return Status::kInvalidArgument;
  }
  if (out.scale != 1.0f / 256.0f || out.zero_point != -128) return Status::kInvalidArgument;
  constexpr double kCap = R == Rounding::kSingle ? (1LL << 30) - 1.0 : (1LL << 31) - 1.0;
  const double product = static_cast<double>(beta) * static_cast<double>(in.scale) *
                         static_cast<double>(1 << (31 - detail::kSoftmaxScaledDiffIntegerBits));
  const double real = product < kCap ? product : kCap;
  if (!(real > 1.0)) return Status::kInvalidArgument;
  int shift = 0;
  const double q = std::frexp(real, &shift);
  auto multiplier = static_cast<std::int64_t>(std::round(q * 2147483648.0));
  if (multiplier == (std::int64_t{1} << 31)) {
    multiplier /= 2;
    ++shift;
  }
  // real <= cap keeps shift <= 31 (<= 30 with the single-rounding cap).
  const double radius = 1.0 * ((1 << detail::kSoftmaxScaledDiffIntegerBits) - 1) *
                        static_cast<double>(std::int64_t{1} << (31 - 5)) /
                        static_cast<double>(std::int64_t{1} << shift);
  return SoftmaxFixedParams<R>{static_cast<std::int32_t>(multiplier), shift,
                               -static_cast<std::int32_t>(std::floor(radius))};
}

}  // namespace ref

namespace detail {

// exp(beta * s_in * d) in Q0.31 for a row difference d in [diff_min, 0] (reference_ops::Softmax):
// d * 2^left_shift * multiplier as Q5.26 (|d| * 2^left_shift <= 31 * 2^26: no overflow), then
// gemmlowp exp_on_negative_values.
template <Rounding R>
constexpr FixedPoint<std::int32_t, 0> softmax_exp(std::int32_t diff,
                                                  const ref::SoftmaxFixedParams<R>& p) {
  const std::int32_t rescaled = multiply_by_quantized_multiplier_greater_than_one<R>(
      diff, p.input_multiplier, p.input_left_shift);
  return exp_on_negative_values(
      FixedPoint<std::int32_t, kSoftmaxScaledDiffIntegerBits>::from_raw(rescaled));
}

// The row's maximum and its sum of exps in Q12.19, each exp rescaled from Q0.31 with rounding
// (gemmlowp Rescale<12>). Returned in 64 bits so that callers can see whether TFLite's int32 sum
// stays in range (it does for every row shorter than 512).
struct SoftmaxRowSum {
  std::int32_t max = -128;
  std::int64_t sum_of_exps = 0;
};

template <Rounding R, View In>
constexpr SoftmaxRowSum softmax_row_sum(const In& in, std::size_t row, std::size_t depth,
                                        const ref::SoftmaxFixedParams<R>& p) {
  SoftmaxRowSum s;
  for (std::size_t j = 0; j < depth; ++j) {
    const std::int32_t x = ref::element(in, row + j);
    s.max = x > s.max ? x : s.max;
  }
  for (std::size_t j = 0; j < depth; ++j) {
    const std::int32_t diff = std::int32_t{ref::element(in, row + j)} - s.max;
    if (diff >= p.diff_min) {
      s.sum_of_exps += rescale<kSoftmaxAccumulationIntegerBits>(softmax_exp(diff, p)).raw();
    }
  }
  return s;
}

// TFLite's reference kernel needs sum < 2^28 (a real sum below 512): its output shift
// num_bits_over_unit + 23 must stay <= 31 (TFLITE_CHECK). Every term is at most 2^19.
constexpr bool softmax_sum_in_range(std::int64_t sum_of_exps) {
  return sum_of_exps < (std::int64_t{1} << 28);
}

}  // namespace detail

namespace ref {

// int8 SOFTMAX along the last axis in fixed point, row by row (reference_ops::Softmax<int8, int8>):
//   m = max of the row; d_j = x_j - m
//   e_j = exp(beta s_in d_j) in Q0.31 if d_j >= diff_min, else left out (output -128)
//   S = sum of RoundingDivideByPOT(e_j, 12), Q12.19        exact int32 sum
//   GetReciprocal(S): h = clz(S), n = 12 - h, r = 1 / (1 + (S * 2^h - 2^31) / 2^31) in Q0.31
//        (gemmlowp one_over_one_plus_x_for_x_in_0_1), so 1/S = r * 2^-n
//   out_j = clamp(RoundingDivideByPOT(SRDHM(r, e_j), n + 23) - 128, -128, 127)
// Integer arithmetic only, so the result does not depend on compiler flags.
// kShapeMismatch if the extents differ; kInvalidArgument for parameters make_softmax_fixed_params
// cannot produce; kUnsupported if a row's sum of exps reaches 512, where TFLite's kernel stops
// (TFLITE_CHECK on the output shift): only possible in rows of 512 or more values, which are then
// all checked before anything is written. Nothing is written on error.
template <Rounding R, View In, View Out>
requires std::same_as<typename In::value_type, std::int8_t> &&
    std::same_as<typename Out::element_type, std::int8_t> &&(In::rank() >= 1)
        [[nodiscard]] constexpr Status
    softmax_fixed(In in, Out out, const SoftmaxFixedParams<R>& p) {
  if (!same_extents(in, out)) return Status::kShapeMismatch;
  constexpr int kMaxShift = R == Rounding::kSingle ? 30 : 31;
  if (p.input_multiplier < (1 << 30) || p.input_left_shift < 0 || p.input_left_shift > kMaxShift ||
      p.diff_min > 0) {
    return Status::kInvalidArgument;
  }
  const std::size_t depth = in.extent(In::rank() - 1);
  if (depth == 0) return Status::kOk;
  const std::size_t rows = in.size() / depth;
  if (depth >= 512) {
    for (std::size_t r = 0; r < rows; ++r) {
      if (!detail::softmax_sum_in_range(
              detail::softmax_row_sum(in, r * depth, depth, p).sum_of_exps)) {
        return Status::kUnsupported;
      }
    }
  }
  using F0 = FixedPoint<std::int32_t, 0>;
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t row = r * depth;
    const detail::SoftmaxRowSum s = detail::softmax_row_sum(in, row, depth, p);
    const auto sum = static_cast<std::uint32_t>(s.sum_of_exps);  // in [2^19, 2^28)
    const int headroom_plus_one = std::countl_zero(sum);
    const int num_bits_over_unit = detail::kSoftmaxAccumulationIntegerBits - headroom_plus_one;
    const auto shifted_sum_minus_one =
        static_cast<std::int32_t>((sum << headroom_plus_one) - (std::uint32_t{1} << 31));
    const F0 shifted_scale = one_over_one_plus_x_for_x_in_0_1(F0::from_raw(shifted_sum_minus_one));
    const int exponent = num_bits_over_unit + 31 - 8;
    for (std::size_t j = 0; j < depth; ++j) {
      const std::int32_t diff = std::int32_t{element(in, row + j)} - s.max;
      std::int32_t q = -128;
      if (diff >= p.diff_min) {
        const F0 e = detail::softmax_exp(diff, p);
        q = clamp_int(rounding_divide_by_pot((shifted_scale * e).raw(), exponent) - 128, -128, 127);
      }
      element(out, row + j) = static_cast<std::int8_t>(q);
    }
  }
  return Status::kOk;
}

}  // namespace ref
}  // namespace mote
