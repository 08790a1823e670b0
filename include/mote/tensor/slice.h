// slice(view, spec...): a subview. Each spec is an index (drops the dimension), `all`
// (keeps it), or Range{begin, end} (keeps [begin, end), a dynamic extent).
#pragma once

#include <array>
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include "mote/base/config.h"
#include "mote/tensor/view.h"

namespace mote {

struct All {};
inline constexpr All all{};

struct Range {
  std::size_t begin;
  std::size_t end;
};

namespace detail {

template <typename S>
inline constexpr bool kKeepsDim = std::is_same_v<S, All> || std::is_same_v<S, Range>;

// The extents type left after slicing E with specs S...: kept static extents stay static
// under All, become dynamic under Range, and indexed dimensions disappear.
template <typename E, typename Specs, typename Out = Extents<>, std::size_t I = 0>
struct SlicedExtents;
template <typename E, std::size_t... Out, std::size_t I>
struct SlicedExtents<E, std::tuple<>, Extents<Out...>, I> {
  using type = Extents<Out...>;
};
template <typename E, typename S, typename... Rest, std::size_t... Out, std::size_t I>
struct SlicedExtents<E, std::tuple<S, Rest...>, Extents<Out...>, I> {
  using Next = std::conditional_t<
      std::is_same_v<S, All>, Extents<Out..., E::static_extent(I)>,
      std::conditional_t<std::is_same_v<S, Range>, Extents<Out..., dyn>, Extents<Out...>>>;
  using type = typename SlicedExtents<E, std::tuple<Rest...>, Next, I + 1>::type;
};

// A row-major view stays row-major when every dimension after the first kept one is `all`.
template <typename... S>
constexpr bool keeps_layout_right() {
  constexpr std::array<int, sizeof...(S)> kind{(std::is_same_v<S, All>     ? 2
                                                : std::is_same_v<S, Range> ? 1
                                                                           : 0)...};
  bool seen_kept = false;
  for (int k : kind) {
    if (seen_kept && k != 2) return false;
    if (k != 0) seen_kept = true;
  }
  return true;
}

constexpr std::size_t spec_begin(std::size_t i) {
  return i;
}
constexpr std::size_t spec_begin(All) {
  return 0;
}
constexpr std::size_t spec_begin(Range r) {
  return r.begin;
}

}  // namespace detail

template <typename T, typename E, typename L, typename... S>
constexpr auto slice(const TensorView<T, E, L>& v, S... specs) {
  static_assert(sizeof...(S) == E::rank(), "mote: slice: one spec per dimension");
  using Out = typename detail::SlicedExtents<E, std::tuple<S...>>::type;
  constexpr bool kRowMajor = std::is_same_v<L, LayoutRight> && detail::keeps_layout_right<S...>();

  std::array<std::size_t, Out::rank()> extents{};
  std::array<std::size_t, Out::rank()> strides{};
  std::size_t offset = 0;
  std::size_t r = 0;
  std::size_t k = 0;
  auto one = [&](auto spec) {
    using Spec = decltype(spec);
    const std::size_t begin = detail::spec_begin(spec);
    if constexpr (std::is_same_v<Spec, Range>) {
      MOTE_ASSERT(spec.begin <= spec.end && spec.end <= v.extent(r));
    } else if constexpr (!std::is_same_v<Spec, All>) {
      MOTE_ASSERT(static_cast<std::size_t>(spec) < v.extent(r));
    }
    offset += begin * v.stride(r);
    if constexpr (detail::kKeepsDim<Spec>) {
      if constexpr (std::is_same_v<Spec, Range>) {
        extents[k] = spec.end - spec.begin;
      } else {
        extents[k] = v.extent(r);
      }
      strides[k] = v.stride(r);
      ++k;
    }
    ++r;
  };
  (one(specs), ...);
  const Out e = Out::from_array(extents);
  if constexpr (kRowMajor) {
    return TensorView<T, Out, LayoutRight>(v.data() + offset, e);
  } else {
    return TensorView<T, Out, LayoutStride>(
        v.data() + offset, typename LayoutStride::template Mapping<Out>(e, strides));
  }
}

}  // namespace mote
