// LOGISTIC in fixed point, as TFLite Micro computes int8 (reference_integer_ops::Logistic on
// gemmlowp's Q4.27 logistic): no table, no float at run time.
#pragma once

#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>

#include "mote/base/config.h"
#include "mote/base/int_math.h"
#include "mote/base/result.h"
#include "mote/base/status.h"
#include "mote/fixed/fixed_functions.h"
#include "mote/fixed/fixed_point.h"
#include "mote/kernels/eltwise/elementwise_ref.h"
#include "mote/quant/multiplier.h"
#include "mote/quant/params.h"
#include "mote/quant/requantize.h"
#include "mote/tensor/view.h"

namespace mote {
namespace detail {

// The input rescale of the fixed-point LOGISTIC and TANH: int8 (q - zp_in) -> Q4.27.
struct FixedActivationInput {
  QuantizedMultiplier multiplier{};  // s_in * 2^27 = multiplier * 2^(shift - 31)
  std::int32_t range_radius = 0;     // |q - zp_in| >= radius saturates without arithmetic
};

// TFLite Micro CalculateArithmeticOpDataLogistic / tanh.cc CalculateArithmeticOpData (int8):
//   real = double(s_in) * double(1 << 27)        exact: a float times a power of two
//   q = frexp(real, &shift); multiplier = (int32)round(q * 2^31)
//   radius = floor(15 * 2^27 / 2^shift)           CalculateInputRadius(4, shift, 31), in double
// q has at most 24 significant bits, so q * 2^31 is a whole number below 2^31: no rounding, and no
// float step that contraction could change. radius is 0 for shift > 31 (every input saturates,
// as TFLite's formula gives), so the left shift of a rescaled input stays <= 30.
// kUnsupported for s_in < 2^-28 (shift < 0: TFLite shifts by a negative amount there).
inline Result<FixedActivationInput> fixed_activation_input(float input_scale) {
  constexpr int kInputIntegerBits = 4;
  const double real = static_cast<double>(input_scale) * static_cast<double>(1 << 27);
  int shift = 0;
  const double q = std::frexp(real, &shift);
  if (shift < 0) return Status::kUnsupported;
  const auto multiplier = static_cast<std::int64_t>(std::round(q * 2147483648.0));
  MOTE_ASSERT(multiplier < (std::int64_t{1} << 31));
  std::int32_t radius = 0;
  if (shift <= 31) {
    const double max_input_rescaled = 1.0 * ((1 << kInputIntegerBits) - 1) *
                                      static_cast<double>(std::int64_t{1} << 27) /
                                      static_cast<double>(std::int64_t{1} << shift);
    radius = static_cast<std::int32_t>(std::floor(max_input_rescaled));
  }
  return FixedActivationInput{{static_cast<std::int32_t>(multiplier), shift}, radius};
}

// (q - zp_in) in Q4.27 by rule R (TFLite's MultiplyByQuantizedMultiplier of the build), for
// |q - zp_in| < radius: then shift <= 30 and |x| * 2^shift < 15 * 2^27, so nothing overflows.
template <Rounding R>
constexpr FixedPoint<std::int32_t, 4> fixed_activation_rescale(std::int32_t x,
                                                               QuantizedMultiplier m) {
  return FixedPoint<std::int32_t, 4>::from_raw(multiply_by_quantized_multiplier<R>(x, m));
}

constexpr bool is_int8(std::int32_t v) {
  return v >= -128 && v <= 127;
}

}  // namespace detail

namespace ref {

// What a fixed-point int8 LOGISTIC needs. R is the rounding of the input rescale: kDouble for
// TFLite Micro, kSingle for its TFLITE_SINGLE_ROUNDING build.
template <Rounding R = Rounding::kDouble>
struct LogisticFixedParams {
  static constexpr Rounding kRounding = R;
  std::int32_t input_zero_point = 0;
  std::int32_t input_range_radius = 0;
  QuantizedMultiplier input_multiplier{};  // s_in * 2^27, shift in [0, 31+]
};

// TFLite Micro LogisticPrepare for int8 (see detail::fixed_activation_input). The kernel writes
// q(p) = -128 + round(256 p): the output must be s_out = 1/256, zp_out = -128, which TFLite's
// converter always produces (TFLite Micro checks the zero point only); kInvalidArgument otherwise
// and for invalid parameters, kUnsupported for s_in < 2^-28.
template <Rounding R = Rounding::kDouble>
inline Result<LogisticFixedParams<R>> make_logistic_fixed_params(
    const QuantParams<std::int8_t>& in, const QuantParams<std::int8_t>& out) {
  if (in.validate() != Status::kOk || out.validate() != Status::kOk) {
    return Status::kInvalidArgument;
  }
  if (out.scale != 1.0f / 256.0f || out.zero_point != -128) return Status::kInvalidArgument;
  const Result<detail::FixedActivationInput> rescale = detail::fixed_activation_input(in.scale);
  if (!rescale) return rescale.status();
  return LogisticFixedParams<R>{in.zero_point, rescale->range_radius, rescale->multiplier};
}

// One int8 LOGISTIC, TFLite reference_integer_ops::Logistic:
//   x = q - zp_in
//   x <= -radius -> -128; x >= radius -> 127      (so with radius 0, x = 0 gives -128, as TFLite)
//   else y = gemmlowp logistic(MBQM_R(x, multiplier) as Q4.27), in Q0.31
//        out = clamp(RoundingDivideByPOT(y, 23) - 128, -128, 127)    Q0.31 -> 1/256 steps
template <Rounding R>
constexpr std::int8_t logistic_fixed_value(std::int8_t q, const LogisticFixedParams<R>& p) {
  const std::int32_t x = std::int32_t{q} - p.input_zero_point;
  if (x <= -p.input_range_radius) return -128;
  if (x >= p.input_range_radius) return 127;
  const std::int32_t y =
      mote::logistic(detail::fixed_activation_rescale<R>(x, p.input_multiplier)).raw();
  return static_cast<std::int8_t>(clamp_int(rounding_divide_by_pot(y, 23) - 128, -128, 127));
}

// int8 LOGISTIC element-wise in fixed point. kShapeMismatch if the extents differ,
// kInvalidArgument for parameters make_logistic_fixed_params cannot produce. Nothing is written
// on error.
template <Rounding R, View In, View Out>
requires std::same_as<typename In::value_type, std::int8_t> &&
    std::same_as<typename Out::element_type, std::int8_t>
[[nodiscard]] constexpr Status logistic_fixed(In in, Out out, const LogisticFixedParams<R>& p) {
  if (!same_extents(in, out)) return Status::kShapeMismatch;
  if (!detail::is_int8(p.input_zero_point) || p.input_range_radius < 0 ||
      p.input_multiplier.multiplier < 0 || p.input_multiplier.shift < 0 ||
      (p.input_range_radius > 0 && p.input_multiplier.shift > 30)) {
    return Status::kInvalidArgument;
  }
  for (std::size_t i = 0; i < in.size(); ++i) {
    element(out, i) = logistic_fixed_value(element(in, i), p);
  }
  return Status::kOk;
}

}  // namespace ref
}  // namespace mote
