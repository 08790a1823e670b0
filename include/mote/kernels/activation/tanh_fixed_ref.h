// TANH in fixed point, as TFLite Micro computes int8 (reference_integer_ops::Tanh on gemmlowp's
// Q4.27 tanh): no table, no float at run time.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

#include "mote/base/int_math.h"
#include "mote/base/result.h"
#include "mote/base/status.h"
#include "mote/fixed/fixed_functions.h"
#include "mote/kernels/activation/logistic_fixed_ref.h"
#include "mote/kernels/eltwise/elementwise_ref.h"
#include "mote/quant/multiplier.h"
#include "mote/quant/params.h"
#include "mote/quant/requantize.h"
#include "mote/tensor/view.h"

namespace mote::ref {

// What a fixed-point int8 TANH needs; R as for LogisticFixedParams.
template <Rounding R = Rounding::kDouble>
struct TanhFixedParams {
  static constexpr Rounding kRounding = R;
  std::int32_t input_zero_point = 0;
  std::int32_t input_range_radius = 0;
  QuantizedMultiplier input_multiplier{};  // s_in * 2^27
};

// TFLite Micro tanh.cc CalculateArithmeticOpData for int8: the same input rescale as LOGISTIC
// (detail::fixed_activation_input). The kernel writes round(128 t) with no zero point: the output
// must be s_out = 1/128, zp_out = 0, as TFLite's converter produces (TFLite Micro does not check
// it); kInvalidArgument otherwise and for invalid parameters, kUnsupported for s_in < 2^-28.
template <Rounding R = Rounding::kDouble>
inline Result<TanhFixedParams<R>> make_tanh_fixed_params(const QuantParams<std::int8_t>& in,
                                                         const QuantParams<std::int8_t>& out) {
  if (in.validate() != Status::kOk || out.validate() != Status::kOk) {
    return Status::kInvalidArgument;
  }
  if (out.scale != 1.0f / 128.0f || out.zero_point != 0) return Status::kInvalidArgument;
  const Result<detail::FixedActivationInput> rescale = detail::fixed_activation_input(in.scale);
  if (!rescale) return rescale.status();
  return TanhFixedParams<R>{in.zero_point, rescale->range_radius, rescale->multiplier};
}

// One int8 TANH, TFLite reference_integer_ops::Tanh:
//   x = q - zp_in
//   x <= -radius -> -128; x >= radius -> 127
//   else y = gemmlowp tanh(MBQM_R(x, multiplier) as Q4.27), in Q0.31
//        out = clamp(RoundingDivideByPOT(y, 24), -128, 127)     Q0.31 -> 1/128 steps
template <Rounding R>
constexpr std::int8_t tanh_fixed_value(std::int8_t q, const TanhFixedParams<R>& p) {
  const std::int32_t x = std::int32_t{q} - p.input_zero_point;
  if (x <= -p.input_range_radius) return -128;
  if (x >= p.input_range_radius) return 127;
  const std::int32_t y =
      mote::tanh(detail::fixed_activation_rescale<R>(x, p.input_multiplier)).raw();
  return static_cast<std::int8_t>(clamp_int(rounding_divide_by_pot(y, 24), -128, 127));
}

// int8 TANH element-wise in fixed point. kShapeMismatch if the extents differ,
// kInvalidArgument for parameters make_tanh_fixed_params cannot produce. Nothing is written on
// error.
template <Rounding R, View In, View Out>
requires std::same_as<typename In::value_type, std::int8_t> &&
    std::same_as<typename Out::element_type, std::int8_t>
[[nodiscard]] constexpr Status tanh_fixed(In in, Out out, const TanhFixedParams<R>& p) {
  if (!same_extents(in, out)) return Status::kShapeMismatch;
  if (!detail::is_int8(p.input_zero_point) || p.input_range_radius < 0 ||
      p.input_multiplier.multiplier < 0 || p.input_multiplier.shift < 0 ||
      (p.input_range_radius > 0 && p.input_multiplier.shift > 30)) {
    return Status::kInvalidArgument;
  }
  for (std::size_t i = 0; i < in.size(); ++i) element(out, i) = tanh_fixed_value(element(in, i), p);
  return Status::kOk;
}

}  // namespace mote::ref
