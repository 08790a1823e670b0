// LOGISTIC (sigmoid): the int8 lookup table TFLite builds at prepare time, the same table as a
// constant expression, and the float reference.
#pragma once

#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>

#include "mote/base/result.h"
#include "mote/base/status.h"
#include "mote/kernels/activation/detail/constexpr_math.h"
#include "mote/kernels/activation/lookup_ref.h"
#include "mote/kernels/eltwise/elementwise_ref.h"
#include "mote/quant/params.h"
#include "mote/tensor/view.h"

namespace mote {
namespace detail {

// TFLite activations.cc PopulateLookupTable, in float, for v in [-128, 127]:
//   inverse_scale = 1 / s_out
//   table[v] = clamp((int)(round(f(s_in * (v - zp_in)) * inverse_scale) + zp_out), -128, 127)
// round is half away from zero. No product feeds an addition, so contraction cannot change a
// step. The clamp is applied to the float before the conversion, which gives TFLite's result
// wherever TFLite's own conversion is defined. F is float(float), Round is float(float).
template <typename F, typename Round>
constexpr ref::LookupTable float_function_table(const QuantParams<std::int8_t>& in,
                                                const QuantParams<std::int8_t>& out, F f,
                                                Round round) {
  ref::LookupTable t;
  const float inverse_scale = 1 / out.scale;
  for (std::int32_t v = -128; v <= 127; ++v) {
    const float dequantized = in.scale * static_cast<float>(v - in.zero_point);
    const float transformed = f(dequantized);
    const float rescaled = round(transformed * inverse_scale);
    const float shifted = rescaled + static_cast<float>(out.zero_point);
    const std::int32_t q = shifted <= -128.0f  ? -128
                           : shifted >= 127.0f ? 127
                                               : static_cast<std::int32_t>(shifted);
    t.at(static_cast<std::int8_t>(v)) = static_cast<std::int8_t>(q);
  }
  return t;
}

constexpr bool valid_table_params(const QuantParams<std::int8_t>& in,
                                  const QuantParams<std::int8_t>& out) {
  return in.validate() == Status::kOk && out.validate() == Status::kOk;
}

}  // namespace detail

namespace ref {

// The int8 LOGISTIC table: table[v] = clamp((int)round(1 / (1 + expf(-s_in * (v - zp_in))) /
// s_out) + zp_out), exactly as TFLite's runtime and reference kernels build it (activations.cc
// SigmoidPrepare -> PopulateLookupTable; the division is a multiplication by 1 / s_out). TFLite
// accepts only s_out = 1/256, zp_out = -128 for int8; other output parameters are allowed here.
// kInvalidArgument for invalid parameters. Apply it with ref::lookup.
inline Result<LookupTable> make_logistic_table(const QuantParams<std::int8_t>& in,
                                               const QuantParams<std::int8_t>& out) {
  if (!detail::valid_table_params(in, out)) return Status::kInvalidArgument;
  return detail::float_function_table(
      in, out, [](float x) { return 1.0f / (1.0f + std::exp(-x)); },
      [](float x) { return std::round(x); });
}

// The same table as a constant expression (constexpr auto t = *constexpr_logistic_table(...)):
// the float steps are the same; expf is replaced by e^x computed in double and rounded to float,
// which is the correctly rounded expf. glibc's expf is correctly rounded in all but rare cases,
// so the tables agree unless such a case also lands on a rounding tie (the tests find no
// difference over thousands of scale pairs).
constexpr Result<LookupTable> constexpr_logistic_table(const QuantParams<std::int8_t>& in,
                                                       const QuantParams<std::int8_t>& out) {
  if (!detail::valid_table_params(in, out)) return Status::kInvalidArgument;
  return detail::float_function_table(
      in, out,
      [](float x) {
        const auto e = static_cast<float>(detail::constexpr_exp(-static_cast<double>(x)));
        return 1.0f / (1.0f + e);
      },
      [](float x) { return detail::constexpr_round(x); });
}

// float LOGISTIC: out = 1 / (1 + exp(-in)). kShapeMismatch if the extents differ.
template <View In, View Out>
requires std::same_as<typename In::value_type, float> &&
    std::same_as<typename Out::element_type, float>
[[nodiscard]] inline Status logistic(In in, Out out) {
  if (!same_extents(in, out)) return Status::kShapeMismatch;
  for (std::size_t i = 0; i < in.size(); ++i) {
    element(out, i) = 1.0f / (1.0f + std::exp(-element(in, i)));
  }
  return Status::kOk;
}

}  // namespace ref
}  // namespace mote
