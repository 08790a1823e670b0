// Whether a view's elements lie densely in row-major order, so that a SIMD kernel may treat it
// as one flat array (element i of the extents at data() + i).
#pragma once

#include <cstddef>

#include "mote/tensor/view.h"

namespace mote::detail {

// stride(r) is the product of the extents after r, for every r.
template <View V>
constexpr bool is_dense_row_major(const V& v) {
  std::size_t expected = 1;
  for (std::size_t r = V::rank(); r-- > 0;) {
    if (v.extent(r) != 1 && v.stride(r) != expected) return false;
    expected *= v.extent(r);
  }
  return true;
}

}  // namespace mote::detail
