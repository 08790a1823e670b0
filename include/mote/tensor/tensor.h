// Tensor<T, E, Alignment>: owning storage of a static shape, inside the object (no heap).
#pragma once

#include <cstddef>

#include "mote/tensor/view.h"

namespace mote {

template <typename T, StaticExtents E, std::size_t Alignment = 64>
class Tensor {
  static_assert(Alignment >= alignof(T) && (Alignment & (Alignment - 1)) == 0,
                "mote: Tensor: alignment must be a power of two and at least alignof(T)");

 public:
  using element_type = T;
  using extents_type = E;
  static constexpr std::size_t kSize = E{}.size();

  static constexpr std::size_t rank() { return E::rank(); }
  static constexpr std::size_t size() { return kSize; }
  static constexpr std::size_t extent(std::size_t r) { return E::static_extent(r); }

  constexpr TensorView<T, E> view() { return TensorView<T, E>(data_); }
  constexpr TensorView<const T, E> view() const { return TensorView<const T, E>(data_); }
  constexpr operator TensorView<T, E>() { return view(); }  // NOLINT: a tensor is usable as a view
  constexpr operator TensorView<const T, E>() const { return view(); }  // NOLINT

  template <std::integral... Is>
  constexpr T& operator()(Is... idx) {
    return view()(idx...);
  }
  template <std::integral... Is>
  constexpr const T& operator()(Is... idx) const {
    return view()(idx...);
  }
  constexpr T* data() { return data_; }
  constexpr const T* data() const { return data_; }
  constexpr T* begin() { return data_; }
  constexpr T* end() { return data_ + kSize; }
  constexpr const T* begin() const { return data_; }
  constexpr const T* end() const { return data_ + kSize; }

  constexpr void fill(const T& value) {
    for (std::size_t i = 0; i < kSize; ++i) data_[i] = value;
  }

 private:
  alignas(Alignment) T data_[kSize > 0 ? kSize : 1]{};
};

}  // namespace mote
