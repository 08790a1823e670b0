// LOGISTIC as a profile computes it: TFLite's float table or TFLite Micro's fixed point, chosen at
// compile time by P::kLogistic.
#pragma once

#include <concepts>
#include <cstdint>
#include <type_traits>

#include "mote/base/result.h"
#include "mote/base/status.h"
#include "mote/kernels/activation/logistic_fixed_ref.h"
#include "mote/kernels/activation/logistic_ref.h"
#include "mote/kernels/activation/lookup_ref.h"
#include "mote/quant/params.h"
#include "mote/quant/profile.h"
#include "mote/tensor/view.h"

namespace mote::ref {

// The prepared form of an int8 LOGISTIC under profile P: a LookupTable or LogisticFixedParams.
template <Profile P>
using LogisticParamsFor =
    std::conditional_t<P::kLogistic == ActivationArithmetic::kFixedPoint,
                       LogisticFixedParams<P::kActivationRescale>, LookupTable>;

// Prepares an int8 LOGISTIC as P's runtime does. Both TFLite paths require s_out = 1/256
// (activations.cc SigmoidPrepare); the fixed-point path also zp_out = -128. kInvalidArgument
// otherwise; see make_logistic_table and make_logistic_fixed_params for the rest.
template <Profile P>
inline Result<LogisticParamsFor<P>> make_logistic_params(const QuantParams<std::int8_t>& in,
                                                         const QuantParams<std::int8_t>& out) {
  if constexpr (P::kLogistic == ActivationArithmetic::kFixedPoint) {
    return make_logistic_fixed_params<P::kActivationRescale>(in, out);
  } else {
    if (out.scale != 1.0f / 256.0f) return Status::kInvalidArgument;
    return make_logistic_table(in, out);
  }
}

// int8 LOGISTIC element-wise under profile P: ref::lookup or ref::logistic_fixed. Errors as
// theirs; nothing is written on error.
template <Profile P, View In, View Out>
requires std::same_as<typename In::value_type, std::int8_t> &&
    std::same_as<typename Out::element_type, std::int8_t>
[[nodiscard]] constexpr Status logistic(In in, Out out, const LogisticParamsFor<P>& p) {
  if constexpr (P::kLogistic == ActivationArithmetic::kFixedPoint) {
    return logistic_fixed(in, out, p);
  } else {
    return lookup(in, out, p);
  }
}

}  // namespace mote::ref
