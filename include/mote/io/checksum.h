// FNV-1a checksum of a byte range: the golden value that outputs are compared by across
// architectures.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace mote {

constexpr std::uint64_t fnv1a64(std::span<const std::byte> bytes,
                                std::uint64_t hash = 0xCBF29CE484222325u) {
  for (std::byte b : bytes) {
    hash ^= static_cast<std::uint64_t>(b);
    hash *= 0x100000001B3u;
  }
  return hash;
}

template <typename T>
std::uint64_t checksum(std::span<const T> values) {
  return fnv1a64(std::as_bytes(values));
}

}  // namespace mote
