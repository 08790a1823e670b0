// TensorView<T, E, L>: a non-owning view of T elements with extents E and layout L, in the
// spirit of std::mdspan. A view with static extents and LayoutRight is one pointer.
#pragma once

#include <cstddef>
#include <type_traits>

#include "mote/base/config.h"
#include "mote/tensor/extents.h"
#include "mote/tensor/layout.h"

namespace mote {

template <typename T, ExtentsLike E, typename L = LayoutRight>
class TensorView {
 public:
  using element_type = T;
  using value_type = std::remove_cv_t<T>;
  using extents_type = E;
  using layout_type = L;
  using mapping_type = typename L::template Mapping<E>;

  constexpr TensorView() = default;
  constexpr TensorView(T* data, const E& e) : data_(data), mapping_(e) {}
  constexpr TensorView(T* data, const mapping_type& m) : data_(data), mapping_(m) {}
  // Static extents need no run-time shape.
  constexpr explicit TensorView(T* data) requires(E::is_static() &&
                                                  std::is_default_constructible_v<mapping_type>)
      : data_(data) {}

  // A view of const T from a view of T.
  template <typename U>
  requires(std::is_same_v<const U, T> && !std::is_same_v<U, T>) constexpr TensorView(
      const TensorView<U, E, L>& other)  // NOLINT: implicit like T* -> const T*
      : data_(other.data()), mapping_(other.mapping()) {}

  static constexpr std::size_t rank() { return E::rank(); }
  constexpr const E& extents() const { return mapping_.extents(); }
  constexpr std::size_t extent(std::size_t r) const { return extents().extent(r); }
  constexpr std::size_t size() const { return extents().size(); }
  constexpr bool empty() const { return size() == 0; }
  constexpr std::size_t stride(std::size_t r) const { return mapping_.stride(r); }
  constexpr const mapping_type& mapping() const { return mapping_; }
  constexpr std::size_t required_span_size() const { return mapping_.required_span_size(); }
  constexpr bool is_contiguous() const { return mapping_.is_contiguous(); }
  constexpr T* data() const { return data_; }

  // Element access; every index is bounds-checked when MOTE_DEBUG is on.
  template <std::integral... Is>
  constexpr T& operator()(Is... idx) const {
    static_assert(sizeof...(Is) == E::rank(), "mote: TensorView: wrong number of indices");
#if MOTE_DEBUG
    std::size_t r = 0;
    ((MOTE_ASSERT(static_cast<std::size_t>(idx) < extent(r++))), ...);
#endif
    return data_[mapping_(idx...)];
  }

  // Contiguous views only: element i in layout order.
  constexpr T& operator[](std::size_t i) const {
    MOTE_ASSERT(is_contiguous() && i < size());
    return data_[i];
  }
  constexpr T* begin() const {
    MOTE_ASSERT(is_contiguous());
    return data_;
  }
  constexpr T* end() const {
    return data_ + size();
  }

 private:
  T* data_ = nullptr;
  [[no_unique_address]] mapping_type mapping_{};
};

// Views over a pointer: make_view(p, Extents<56, 56, 24>{}) or make_view(p, Extents<dyn, 8>{n}).
template <typename T, ExtentsLike E>
constexpr TensorView<T, E> make_view(T* data, const E& e) {
  return TensorView<T, E>(data, e);
}

template <typename T, ExtentsLike E>
constexpr TensorView<T, E, LayoutStride> make_strided_view(
    T* data, const E& e, const std::array<std::size_t, E::rank()>& strides) {
  return TensorView<T, E, LayoutStride>(data,
                                        typename LayoutStride::template Mapping<E>(e, strides));
}

template <typename T>
struct IsTensorView : std::false_type {};
template <typename T, typename E, typename L>
struct IsTensorView<TensorView<T, E, L>> : std::true_type {};

// Any TensorView; with a rank, a view of that rank.
template <typename V>
concept View = IsTensorView<std::remove_cvref_t<V>>::value;
template <typename V, std::size_t R>
concept ViewOfRank = View<V> && std::remove_cvref_t<V>::rank()
== R;

}  // namespace mote
