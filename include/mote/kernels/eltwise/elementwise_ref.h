// Element-wise iteration over views of any rank and layout, shared by the scalar references of
// the element-wise, activation and softmax operators.
#pragma once

#include <cstddef>

#include "mote/tensor/view.h"

namespace mote::ref {

// The offset of element i (in row-major order of the extents) inside the view's storage:
// i is split into a multi-index by the extents, which the view's strides map to memory. Works
// for LayoutRight and LayoutStride alike.
template <View V>
constexpr std::size_t element_offset(const V& v, std::size_t i) {
  std::size_t offset = 0;
  for (std::size_t r = V::rank(); r-- > 0;) {
    const std::size_t e = v.extent(r);
    offset += (i % e) * v.stride(r);
    i /= e;
  }
  return offset;
}

// Element i of v in row-major order, whatever its layout.
template <View V>
constexpr typename V::element_type& element(const V& v, std::size_t i) {
  return v.data()[element_offset(v, i)];
}

// True when a and b have the same rank and extents.
template <View A, View B>
constexpr bool same_extents(const A& a, const B& b) {
  if constexpr (A::rank() != B::rank()) {
    return false;
  } else {
    for (std::size_t r = 0; r < A::rank(); ++r) {
      if (a.extent(r) != b.extent(r)) return false;
    }
    return true;
  }
}

}  // namespace mote::ref
