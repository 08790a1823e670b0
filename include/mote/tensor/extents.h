// Extents<E...>: the shape of a tensor, each extent static (a number) or dynamic (`dyn`).
// Only dynamic extents take storage, so a fully static shape is an empty type.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <limits>
#include <type_traits>

#include "mote/base/config.h"

namespace mote {

// Marks an extent known only at run time.
inline constexpr std::size_t dyn = std::numeric_limits<std::size_t>::max();

template <std::size_t... Es>
class Extents {
 public:
  using index_type = std::size_t;

  static constexpr std::size_t rank() { return sizeof...(Es); }
  static constexpr std::size_t rank_dynamic() { return ((Es == dyn ? 1 : 0) + ... + 0); }
  static constexpr bool is_static() { return rank_dynamic() == 0; }
  static constexpr std::size_t static_extent(std::size_t i) { return kStatic[i]; }

  constexpr Extents() = default;

  // One value per dynamic extent, in order.
  template <std::integral... Is>
  requires(sizeof...(Is) == rank_dynamic() &&
           sizeof...(Is) > 0) constexpr explicit Extents(Is... dynamic)
      : dynamic_{static_cast<std::size_t>(dynamic)...} {}

  // From a full array of rank() values; the static ones must match (checked in debug).
  static constexpr Extents from_array(const std::array<std::size_t, rank()>& all) {
    Extents e;
    [[maybe_unused]] std::size_t d = 0;
    for (std::size_t i = 0; i < rank(); ++i) {
      if (kStatic[i] != dyn) {
        MOTE_ASSERT(all[i] == kStatic[i]);
      } else if constexpr (rank_dynamic() > 0) {
        e.dynamic_[d++] = all[i];
      }
    }
    return e;
  }

  constexpr std::size_t extent(std::size_t i) const {
    MOTE_ASSERT(i < rank());
    if constexpr (rank_dynamic() == 0) {
      return kStatic[i];
    } else {
      return kStatic[i] != dyn ? kStatic[i] : dynamic_[kDynamicIndex[i]];
    }
  }

  // Number of elements. Constant-evaluable on any object when the extents are all static.
  constexpr std::size_t size() const {
    if constexpr (is_static()) {
      return kStaticSize;
    } else {
      std::size_t n = 1;
      for (std::size_t i = 0; i < rank(); ++i) n *= extent(i);
      return n;
    }
  }

  constexpr std::array<std::size_t, rank()> to_array() const {
    std::array<std::size_t, rank()> a{};
    for (std::size_t i = 0; i < rank(); ++i) a[i] = extent(i);
    return a;
  }

  template <std::size_t... Os>
  friend constexpr bool operator==(const Extents& a, const Extents<Os...>& b) {
    if constexpr (sizeof...(Os) != rank()) {
      return false;
    } else {
      for (std::size_t i = 0; i < rank(); ++i) {
        if (a.extent(i) != b.extent(i)) return false;
      }
      return true;
    }
  }

 private:
  static constexpr std::array<std::size_t, rank()> kStatic{Es...};
  static constexpr std::array<std::size_t, rank()> kDynamicIndex = [] {
    std::array<std::size_t, rank()> idx{};
    std::size_t d = 0;
    for (std::size_t i = 0; i < rank(); ++i) idx[i] = kStatic[i] == dyn ? d++ : 0;
    return idx;
  }();
  static constexpr std::size_t kStaticSize = [] {
    std::size_t n = 1;
    for (std::size_t e : kStatic) n *= (e == dyn ? 1 : e);
    return n;
  }();

  template <std::size_t...>
  friend class Extents;

  struct NoDynamic {};  // std::array<T, 0> is not empty; this is
  [[no_unique_address]] std::conditional_t<rank_dynamic() == 0, NoDynamic,
                                           std::array<std::size_t, rank_dynamic()>>
      dynamic_{};
};

// Extents of rank R with every extent dynamic.
namespace detail {
template <std::size_t R, typename Seq = std::make_index_sequence<R>>
struct DynExtentsOf;
template <std::size_t R, std::size_t... I>
struct DynExtentsOf<R, std::index_sequence<I...>> {
  using type = Extents<((void)I, dyn)...>;
};

template <typename T>
struct IsExtents : std::false_type {};
template <std::size_t... Es>
struct IsExtents<Extents<Es...>> : std::true_type {};
}  // namespace detail

template <std::size_t R>
using DynExtents = typename detail::DynExtentsOf<R>::type;

template <typename T>
concept ExtentsLike = detail::IsExtents<std::remove_cvref_t<T>>::value;

template <typename E>
concept StaticExtents = ExtentsLike<E> && std::remove_cvref_t<E>::is_static();

}  // namespace mote
