// MEAN over H and W (global average pooling) as a profile computes it: TFLite's runtime float
// multiplier and bias, or the integer division of TFLite's reference kernel and TFLite Micro,
// chosen at compile time by P::kMeanArithmetic, with P::kMean's rounding.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "mote/base/result.h"
#include "mote/base/status.h"
#include "mote/kernels/pool/mean_integer_ref.h"
#include "mote/kernels/pool/mean_ref.h"
#include "mote/quant/params.h"
#include "mote/quant/profile.h"
#include "mote/tensor/view.h"

namespace mote::ref {

// The prepared form of an int8 MEAN under profile P: MeanIntegerParams or MeanParams.
template <Profile P>
using MeanParamsFor = std::conditional_t<P::kMeanArithmetic == MeanArithmetic::kIntegerDivision,
                                         MeanIntegerParams, MeanParams>;

// Prepares an int8 MEAN over an H x W plane as P's runtime does; see make_mean_integer_params
// and make_mean_params for the errors.
template <Profile P>
inline Result<MeanParamsFor<P>> make_mean_params(const QuantParams<std::int8_t>& in,
                                                 const QuantParams<std::int8_t>& out,
                                                 std::size_t height, std::size_t width) {
  if constexpr (P::kMeanArithmetic == MeanArithmetic::kIntegerDivision) {
    return make_mean_integer_params(in, out, height, width);
  } else {
    return make_mean_params(in, out, height, width);
  }
}

// int8 MEAN over H and W under profile P: ref::mean_integer<P::kMean> or ref::mean<P::kMean>.
// Errors as theirs; nothing is written on error.
template <Profile P, ViewOfRank<4> In, ViewOfRank<4> Out>
requires std::same_as<typename In::value_type, std::int8_t> &&
    std::same_as<typename Out::element_type, std::int8_t>
[[nodiscard]] constexpr Status mean(In in, Out out, const MeanParamsFor<P>& p) {
  if constexpr (P::kMeanArithmetic == MeanArithmetic::kIntegerDivision) {
    return mean_integer<P::kMean>(in, out, p);
  } else {
    return mean<P::kMean>(in, out, p);
  }
}

}  // namespace mote::ref
