// Scalar reference of element-wise ADD, int8 (with requantization of both inputs) and float, as
// TFLite computes it.
#pragma once

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>

#include "mote/base/int_math.h"
#include "mote/base/result.h"
#include "mote/base/status.h"
#include "mote/kernels/eltwise/elementwise_ref.h"
#include "mote/quant/multiplier.h"
#include "mote/quant/output_stage.h"
#include "mote/quant/params.h"
#include "mote/quant/requantize.h"
#include "mote/tensor/view.h"

namespace mote::detail {
// b matches a element for element, or b is a vector along a's last axis (one value per channel).
template <View A, View B>
constexpr bool add_operands_match(const A& a, const B& b) {
  if (ref::same_extents(a, b)) return true;
  if constexpr (B::rank() == 1 && A::rank() >= 1) {
    return b.extent(0) == a.extent(A::rank() - 1);
  } else {
    return false;
  }
}
}  // namespace mote::detail

namespace mote::ref {

// What an int8 ADD needs, fixed once from the three tensors' parameters.
struct AddParams {
  static constexpr int kLeftShift = 20;  // headroom for the rescaled int8 inputs
  std::int32_t input1_zero_point = 0;
  std::int32_t input2_zero_point = 0;
  QuantizedMultiplier input1_multiplier{};  // s1 / (2 * max(s1, s2))
  QuantizedMultiplier input2_multiplier{};  // s2 / (2 * max(s1, s2))
  QuantizedMultiplier output_multiplier{};  // 2 * max(s1, s2) / (2^20 * s_out)
  std::int32_t output_zero_point = 0;
  ClampRange clamp{-128, 127};
};

// TFLite add.cc Prepare (8-bit general path), in double:
//   twice_max = 2 * max(s1, s2); real_i = s_i / twice_max; real_out = twice_max / (2^20 * s_out)
// each through QuantizeMultiplier; clamp = activation_range(act, out).
// kInvalidArgument for invalid parameters or real_out >= 1 (TFLite's
// QuantizeMultiplierSmallerThanOneExp requires a multiplier below one; s_out would have to be
// about 2^-19 times the input scales).
inline Result<AddParams> make_add_params(const QuantParams<std::int8_t>& in1,
                                         const QuantParams<std::int8_t>& in2,
                                         const QuantParams<std::int8_t>& out,
                                         Activation act = Activation::kNone) {
  if (in1.validate() != Status::kOk || in2.validate() != Status::kOk ||
      out.validate() != Status::kOk) {
    return Status::kInvalidArgument;
  }
  const double twice_max = 2 * static_cast<double>(std::max(in1.scale, in2.scale));
  const double real_in1 = static_cast<double>(in1.scale) / twice_max;
  const double real_in2 = static_cast<double>(in2.scale) / twice_max;
  const double real_out = twice_max / (static_cast<double>(1 << AddParams::kLeftShift) *
                                       static_cast<double>(out.scale));
  if (!(real_out < 1.0)) return Status::kInvalidArgument;
  const Result<QuantizedMultiplier> m1 = QuantizedMultiplier::from_real(real_in1);
  const Result<QuantizedMultiplier> m2 = QuantizedMultiplier::from_real(real_in2);
  const Result<QuantizedMultiplier> mo = QuantizedMultiplier::from_real(real_out);
  if (!m1 || !m2 || !mo || mo->shift > 0) return Status::kInvalidArgument;
  return AddParams{
      in1.zero_point, in2.zero_point, *m1, *m2, *mo, out.zero_point, activation_range(act, out)};
}

// One int8 sum, TFLite reference_integer_ops::AddFunc:
//   x_i = (q_i - zp_i) * 2^20;  y_i = MBQM_R(x_i, m_i)          (|x_i| <= 255 * 2^20: no overflow)
//   out = clamp(MBQM_R(y_1 + y_2, m_out) + zp_out, clamp.min, clamp.max)
// R = kDouble is TFLite's rule (runtime and reference); kSingle its TFLITE_SINGLE_ROUNDING build.
template <Rounding R = Rounding::kDouble>
constexpr std::int8_t add_value(std::int8_t a, std::int8_t b, const AddParams& p) {
  const std::int32_t x1 = (std::int32_t{a} - p.input1_zero_point) * (1 << AddParams::kLeftShift);
  const std::int32_t x2 = (std::int32_t{b} - p.input2_zero_point) * (1 << AddParams::kLeftShift);
  const std::int32_t sum = multiply_by_quantized_multiplier<R>(x1, p.input1_multiplier) +
                           multiply_by_quantized_multiplier<R>(x2, p.input2_multiplier);
  const std::int64_t y =
      std::int64_t{multiply_by_quantized_multiplier<R>(sum, p.output_multiplier)} +
      p.output_zero_point;
  return static_cast<std::int8_t>(y < p.clamp.min ? p.clamp.min
                                                  : (y > p.clamp.max ? p.clamp.max : y));
}

// int8 ADD: out = add_value<R>(a, b) element-wise. b has a's extents or is a rank-1 vector over
// a's last axis (broadcast per channel). kShapeMismatch if the operands disagree or out differs
// from a; kInvalidArgument for zero points or a clamp outside int8. Nothing is written on error.
template <Rounding R = Rounding::kDouble, View A, View B, View Out>
requires std::same_as<typename A::value_type, std::int8_t> &&
    std::same_as<typename B::value_type, std::int8_t> &&
    std::same_as<typename Out::element_type, std::int8_t>
[[nodiscard]] constexpr Status add(A a, B b, Out out, const AddParams& p) {
  if (!detail::add_operands_match(a, b) || !same_extents(a, out)) return Status::kShapeMismatch;
  auto in_int8 = [](std::int32_t v) { return v >= -128 && v <= 127; };
  if (!in_int8(p.input1_zero_point) || !in_int8(p.input2_zero_point) ||
      !in_int8(p.output_zero_point) || !in_int8(p.clamp.min) || !in_int8(p.clamp.max) ||
      p.clamp.min > p.clamp.max) {
    return Status::kInvalidArgument;
  }
  const bool broadcast = !same_extents(a, b);
  const std::size_t channels = A::rank() == 0 ? 1 : a.extent(A::rank() - 1);
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::int8_t y = element(b, broadcast ? i % channels : i);
    element(out, i) = add_value<R>(element(a, i), y, p);
  }
  return Status::kOk;
}

// float ADD: out = act.apply(a + b, c), c the index along the last axis. Shapes as for int8;
// act.validate(channels). Nothing is written on error.
template <View A, View B, View Out>
requires std::same_as<typename A::value_type, float> &&
    std::same_as<typename B::value_type, float> && std::same_as<typename Out::element_type, float>
[[nodiscard]] constexpr Status add(A a, B b, Out out, const FloatOutputStage& act = {}) {
  if (!detail::add_operands_match(a, b) || !same_extents(a, out)) return Status::kShapeMismatch;
  const std::size_t channels = A::rank() == 0 ? 1 : a.extent(A::rank() - 1);
  if (const Status s = act.validate(channels); s != Status::kOk) return s;
  const bool broadcast = !same_extents(a, b);
  for (std::size_t i = 0; i < a.size(); ++i) {
    const float y = element(b, broadcast ? i % channels : i);
    element(out, i) = act.apply(element(a, i) + y, channels == 0 ? 0 : i % channels);
  }
  return Status::kOk;
}

}  // namespace mote::ref
