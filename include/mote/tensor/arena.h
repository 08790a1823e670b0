// Arena: a bump allocator over a caller-provided buffer. Inference calls take their scratch and
// activations from one; nothing is freed individually, rewind() or reset() releases in bulk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "mote/base/result.h"
#include "mote/tensor/view.h"

namespace mote {

class Arena {
 public:
  constexpr Arena() = default;
  constexpr explicit Arena(std::span<std::byte> buffer) : buffer_(buffer) {}

  constexpr std::size_t capacity_bytes() const { return buffer_.size(); }
  constexpr std::size_t used_bytes() const { return used_; }
  constexpr std::size_t high_water_bytes() const { return high_water_; }
  constexpr std::size_t free_bytes() const { return buffer_.size() - used_; }

  // A position to return to with rewind(); allocations after it are released together.
  constexpr std::size_t mark() const { return used_; }
  constexpr void rewind(std::size_t mark) {
    MOTE_ASSERT(mark <= used_);
    used_ = mark;
  }
  constexpr void reset() { used_ = 0; }

  // Room for n objects of T aligned to `alignment` (a power of two, >= alignof(T)), or
  // kOutOfMemory with nothing taken. The memory is uninitialised.
  template <typename T>
  Result<T*> allocate(std::size_t n, std::size_t alignment = alignof(T)) {
    if (alignment < alignof(T) || (alignment & (alignment - 1)) != 0) {
      return Status::kInvalidArgument;
    }
    const auto base = reinterpret_cast<std::uintptr_t>(buffer_.data());
    const std::uintptr_t start = (base + used_ + alignment - 1) & ~(alignment - 1);
    const std::size_t offset = static_cast<std::size_t>(start - base);
    if (offset > buffer_.size() || n > (buffer_.size() - offset) / sizeof(T)) {
      return Status::kOutOfMemory;
    }
    used_ = offset + n * sizeof(T);
    if (used_ > high_water_) high_water_ = used_;
    return reinterpret_cast<T*>(start);
  }

  // A row-major view of shape e in fresh arena memory.
  template <typename T, ExtentsLike E>
  Result<TensorView<T, E>> allocate_view(const E& e, std::size_t alignment = 64) {
    Result<T*> p = allocate<T>(e.size(), alignment);
    if (!p) return p.status();
    return TensorView<T, E>(*p, e);
  }

 private:
  std::span<std::byte> buffer_{};
  std::size_t used_ = 0;
  std::size_t high_water_ = 0;
};

}  // namespace mote
