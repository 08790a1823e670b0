// ADD as a profile computes it: TFLite's rule (both inputs shifted left by 20 and rescaled, then
// the sum requantized) with P::kAdd's rounding.
#pragma once

#include <concepts>
#include <cstdint>

#include "mote/base/status.h"
#include "mote/kernels/eltwise/add_ref.h"
#include "mote/quant/profile.h"
#include "mote/tensor/view.h"

namespace mote::ref {

// int8 ADD under profile P: ref::add<P::kAdd>. Shapes, broadcasting and errors as ref::add;
// nothing is written on error.
template <Profile P, View A, View B, View Out>
requires std::same_as<typename A::value_type, std::int8_t> &&
    std::same_as<typename B::value_type, std::int8_t> &&
    std::same_as<typename Out::element_type, std::int8_t>
[[nodiscard]] constexpr Status add(A a, B b, Out out, const AddParams& p) {
  return add<P::kAdd>(a, b, out, p);
}

}  // namespace mote::ref
