// SOFTMAX as a profile computes it: TFLite's runtime float table or the fixed point of TFLite's
// reference kernel and TFLite Micro, chosen at compile time by P::kSoftmax.
#pragma once

#include <concepts>
#include <cstdint>
#include <type_traits>

#include "mote/base/result.h"
#include "mote/base/status.h"
#include "mote/kernels/softmax/softmax_fixed_ref.h"
#include "mote/kernels/softmax/softmax_ref.h"
#include "mote/quant/params.h"
#include "mote/quant/profile.h"
#include "mote/tensor/view.h"

namespace mote::ref {

// The prepared form of an int8 SOFTMAX under profile P: SoftmaxParams (float table) or
// SoftmaxFixedParams.
template <Profile P>
using SoftmaxParamsFor =
    std::conditional_t<P::kSoftmax == ActivationArithmetic::kFixedPoint,
                       SoftmaxFixedParams<P::kActivationRescale>, SoftmaxParams>;

// Prepares an int8 SOFTMAX as P's runtime does. Both paths require s_out = 1/256, zp_out = -128;
// see make_softmax_params and make_softmax_fixed_params for the errors.
template <Profile P>
inline Result<SoftmaxParamsFor<P>> make_softmax_params(const QuantParams<std::int8_t>& in,
                                                       const QuantParams<std::int8_t>& out,
                                                       float beta = 1.0f) {
  if constexpr (P::kSoftmax == ActivationArithmetic::kFixedPoint) {
    return make_softmax_fixed_params<P::kActivationRescale>(in, out, beta);
  } else {
    return make_softmax_params(in, out, beta);
  }
}

// int8 SOFTMAX along the last axis under profile P: ref::softmax (table) or ref::softmax_fixed.
// Errors as theirs; nothing is written on error.
template <Profile P, View In, View Out>
requires std::same_as<typename In::value_type, std::int8_t> &&
    std::same_as<typename Out::element_type, std::int8_t> &&(In::rank() >= 1)
        [[nodiscard]] constexpr Status softmax(In in, Out out, const SoftmaxParamsFor<P>& p) {
  if constexpr (P::kSoftmax == ActivationArithmetic::kFixedPoint) {
    return softmax_fixed(in, out, p);
  } else {
    return softmax(in, out, p);
  }
}

}  // namespace mote::ref
