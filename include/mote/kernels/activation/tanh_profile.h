// TANH as a profile computes it: TFLite's float table or TFLite Micro's fixed point, chosen at
// compile time by P::kTanh.
#pragma once

#include <concepts>
#include <cstdint>
#include <type_traits>

#include "mote/base/result.h"
#include "mote/base/status.h"
#include "mote/kernels/activation/lookup_ref.h"
#include "mote/kernels/activation/tanh_fixed_ref.h"
#include "mote/kernels/activation/tanh_ref.h"
#include "mote/quant/params.h"
#include "mote/quant/profile.h"
#include "mote/tensor/view.h"

namespace mote::ref {

// The prepared form of an int8 TANH under profile P: a LookupTable or TanhFixedParams.
template <Profile P>
using TanhParamsFor = std::conditional_t<P::kTanh == ActivationArithmetic::kFixedPoint,
                                         TanhFixedParams<P::kActivationRescale>, LookupTable>;

// Prepares an int8 TANH as P's runtime does: the table accepts any output parameters (TFLite's
// TanhPrepare checks none), the fixed-point path requires s_out = 1/128, zp_out = 0. See
// make_tanh_table and make_tanh_fixed_params for the errors.
template <Profile P>
inline Result<TanhParamsFor<P>> make_tanh_params(const QuantParams<std::int8_t>& in,
                                                 const QuantParams<std::int8_t>& out) {
  if constexpr (P::kTanh == ActivationArithmetic::kFixedPoint) {
    return make_tanh_fixed_params<P::kActivationRescale>(in, out);
  } else {
    return make_tanh_table(in, out);
  }
}

// int8 TANH element-wise under profile P: ref::lookup or ref::tanh_fixed. Errors as theirs;
// nothing is written on error.
template <Profile P, View In, View Out>
requires std::same_as<typename In::value_type, std::int8_t> &&
    std::same_as<typename Out::element_type, std::int8_t>
[[nodiscard]] constexpr Status tanh(In in, Out out, const TanhParamsFor<P>& p) {
  if constexpr (P::kTanh == ActivationArithmetic::kFixedPoint) {
    return tanh_fixed(in, out, p);
  } else {
    return lookup(in, out, p);
  }
}

}  // namespace mote::ref
