// Layouts map a multi-index to an element offset. LayoutRight is row-major (NHWC for
// activations, OHWI for weights); LayoutStride has one stride per dimension.
#pragma once

#include <array>
#include <cstddef>

#include "mote/base/config.h"
#include "mote/tensor/extents.h"

namespace mote {

// Row-major: the last index varies fastest. With static extents the mapping is empty and every
// stride is a compile-time constant.
struct LayoutRight {
  template <ExtentsLike E>
  class Mapping {
   public:
    using extents_type = E;
    static constexpr bool kAlwaysContiguous = true;

    constexpr Mapping() = default;
    constexpr explicit Mapping(const E& e) : extents_(e) {}

    constexpr const E& extents() const { return extents_; }
    constexpr std::size_t stride(std::size_t r) const {
      std::size_t s = 1;
      for (std::size_t i = r + 1; i < E::rank(); ++i) s *= extents_.extent(i);
      return s;
    }
    constexpr std::size_t required_span_size() const { return extents_.size(); }
    constexpr bool is_contiguous() const { return true; }

    template <typename... Is>
    constexpr std::size_t operator()(Is... idx) const {
      static_assert(sizeof...(Is) == E::rank(), "mote: LayoutRight: wrong number of indices");
      const std::array<std::size_t, E::rank()> i{static_cast<std::size_t>(idx)...};
      std::size_t off = 0;
      for (std::size_t r = 0; r < E::rank(); ++r) off = off * extents_.extent(r) + i[r];
      return off;
    }

   private:
    [[no_unique_address]] E extents_{};
  };
};

// Arbitrary strides in elements (a view of every other row, a channel slice of NHWC).
struct LayoutStride {
  template <ExtentsLike E>
  class Mapping {
   public:
    using extents_type = E;
    static constexpr bool kAlwaysContiguous = false;

    constexpr Mapping() = default;
    constexpr Mapping(const E& e, const std::array<std::size_t, E::rank()>& strides)
        : extents_(e), strides_(strides) {}
    // The row-major strides of e.
    constexpr explicit Mapping(const E& e) : extents_(e) {
      std::size_t s = 1;
      for (std::size_t r = E::rank(); r-- > 0;) {
        strides_[r] = s;
        s *= e.extent(r);
      }
    }

    constexpr const E& extents() const { return extents_; }
    constexpr std::size_t stride(std::size_t r) const { return strides_[r]; }
    constexpr const std::array<std::size_t, E::rank()>& strides() const { return strides_; }
    // One past the largest offset reached (0 for an empty view).
    constexpr std::size_t required_span_size() const {
      std::size_t last = 0;
      for (std::size_t r = 0; r < E::rank(); ++r) {
        if (extents_.extent(r) == 0) return 0;
        last += (extents_.extent(r) - 1) * strides_[r];
      }
      return last + 1;
    }
    constexpr bool is_contiguous() const {
      return required_span_size() == extents_.size() && Mapping(extents_).strides_ == strides_;
    }

    template <typename... Is>
    constexpr std::size_t operator()(Is... idx) const {
      static_assert(sizeof...(Is) == E::rank(), "mote: LayoutStride: wrong number of indices");
      const std::array<std::size_t, E::rank()> i{static_cast<std::size_t>(idx)...};
      std::size_t off = 0;
      for (std::size_t r = 0; r < E::rank(); ++r) off += i[r] * strides_[r];
      return off;
    }

   private:
    [[no_unique_address]] E extents_{};
    std::array<std::size_t, E::rank()> strides_{};
  };
};

}  // namespace mote
