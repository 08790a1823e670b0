// A 256-entry int8 -> int8 table and its element-wise application: how TFLite evaluates
// LOGISTIC and TANH on int8, and how mote can evaluate any int8 -> int8 function.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>

#include "mote/base/status.h"
#include "mote/kernels/eltwise/elementwise_ref.h"
#include "mote/tensor/view.h"

namespace mote::ref {

// values[uint8(q)] is the output for input q (TFLite's indexing: the int8 bit pattern).
struct LookupTable {
  std::array<std::int8_t, 256> values{};

  constexpr std::int8_t operator()(std::int8_t q) const {
    return values[static_cast<std::uint8_t>(q)];
  }
  constexpr std::int8_t& at(std::int8_t q) { return values[static_cast<std::uint8_t>(q)]; }
  friend constexpr bool operator==(const LookupTable&, const LookupTable&) = default;
};

// The table of an int8 -> int8 function f, for every q in [-128, 127].
template <typename F>
constexpr LookupTable make_table(F f) {
  LookupTable t;
  for (int q = -128; q <= 127; ++q)
    t.at(static_cast<std::int8_t>(q)) = f(static_cast<std::int8_t>(q));
  return t;
}

// out = table(in) element-wise (TFLite EvalUsingLookupTable). kShapeMismatch if the extents
// differ; nothing is written then.
template <View In, View Out>
requires std::same_as<typename In::value_type, std::int8_t> &&
    std::same_as<typename Out::element_type, std::int8_t>
[[nodiscard]] constexpr Status lookup(In in, Out out, const LookupTable& table) {
  if (!same_extents(in, out)) return Status::kShapeMismatch;
  for (std::size_t i = 0; i < in.size(); ++i) element(out, i) = table(element(in, i));
  return Status::kOk;
}

}  // namespace mote::ref
