// TANH: the int8 lookup table TFLite builds at prepare time, the same table as a constant
// expression, and the float reference.
#pragma once

#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>

#include "mote/base/result.h"
#include "mote/base/status.h"
#include "mote/kernels/activation/detail/constexpr_math.h"
#include "mote/kernels/activation/logistic_ref.h"
#include "mote/kernels/activation/lookup_ref.h"
#include "mote/kernels/eltwise/elementwise_ref.h"
#include "mote/quant/params.h"
#include "mote/tensor/view.h"

namespace mote::ref {

// The int8 TANH table: table[v] = clamp((int)round(tanhf(s_in * (v - zp_in)) * (1 / s_out)) +
// zp_out), as TFLite's runtime and reference kernels build it (activations.cc TanhPrepare ->
// PopulateLookupTable with std::tanh). Models use s_out = 1/128, zp_out = 0; any output
// parameters are allowed. kInvalidArgument for invalid parameters. Apply it with ref::lookup.
inline Result<LookupTable> make_tanh_table(const QuantParams<std::int8_t>& in,
                                           const QuantParams<std::int8_t>& out) {
  if (!detail::valid_table_params(in, out)) return Status::kInvalidArgument;
  return detail::float_function_table(
      in, out, [](float x) { return std::tanh(x); }, [](float x) { return std::round(x); });
}

// The same table as a constant expression: tanhf is replaced by tanh computed in double and
// rounded to float (correctly rounded; glibc's tanhf is within a few ulp), so an entry can differ
// only when tanhf's error straddles a rounding tie of the rescaled value.
constexpr Result<LookupTable> constexpr_tanh_table(const QuantParams<std::int8_t>& in,
                                                   const QuantParams<std::int8_t>& out) {
  if (!detail::valid_table_params(in, out)) return Status::kInvalidArgument;
  return detail::float_function_table(
      in, out,
      [](float x) { return static_cast<float>(detail::constexpr_tanh(static_cast<double>(x))); },
      [](float x) { return detail::constexpr_round(x); });
}

// float TANH: out = tanh(in). kShapeMismatch if the extents differ.
template <View In, View Out>
requires std::same_as<typename In::value_type, float> &&
    std::same_as<typename Out::element_type, float>
[[nodiscard]] inline Status tanh(In in, Out out) {
  if (!same_extents(in, out)) return Status::kShapeMismatch;
  for (std::size_t i = 0; i < in.size(); ++i) element(out, i) = std::tanh(element(in, i));
  return Status::kOk;
}

}  // namespace mote::ref
