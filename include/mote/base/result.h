// Result<T>: a value or a Status, the subset of C++23 std::expected that mote needs.
#pragma once

#include <type_traits>
#include <utility>

#include "mote/base/config.h"
#include "mote/base/status.h"

namespace mote {

template <typename T>
class [[nodiscard]] Result {
  static_assert(std::is_trivially_destructible_v<T> || std::is_nothrow_destructible_v<T>,
                "mote: Result: T must be nothrow destructible");

 public:
  using value_type = T;

  constexpr Result(const T& value) : status_(Status::kOk), value_(value) {}        // NOLINT
  constexpr Result(T&& value) : status_(Status::kOk), value_(std::move(value)) {}  // NOLINT
  // An error; passing kOk here is a programming error.
  constexpr Result(Status error) : status_(error), value_() {  // NOLINT
    MOTE_ASSERT(error != Status::kOk);
  }

  constexpr bool has_value() const { return status_ == Status::kOk; }
  constexpr explicit operator bool() const { return has_value(); }
  constexpr Status status() const { return status_; }

  constexpr const T& value() const& {
    MOTE_ASSERT(has_value());
    return value_;
  }
  constexpr T& value() & {
    MOTE_ASSERT(has_value());
    return value_;
  }
  constexpr const T& operator*() const& { return value(); }
  constexpr T& operator*() & { return value(); }
  constexpr const T* operator->() const { return &value(); }
  constexpr T* operator->() { return &value(); }
  constexpr T value_or(T fallback) const { return has_value() ? value_ : fallback; }

 private:
  Status status_;
  T value_;  // value-initialised on error, so T must be default constructible
};

}  // namespace mote
