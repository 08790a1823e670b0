// Compile-time placement of a chain's intermediate activations in one arena.
//
// Layer i (1..n) reads activation t[i-1] and writes t[i]; t[0] and t[n] belong to the caller.
// Odd intermediates sit at the bottom of the arena, even ones at the top, so the two a layer
// touches never overlap, and the layer's own scratch goes in the gap between them. The arena
// needs max_i(bytes(t[i-1]) + bytes(t[i]) + scratch(i)): never more than ping-pong buffers
// (max over odd + max over even), and less when large activations are not adjacent.
#pragma once

#include <array>
#include <cstddef>

namespace mote::nn {

template <std::size_t Layers>
struct MemoryPlan {
  // activation_bytes[i] for i in 0..Layers; the ends are the caller's and count as 0.
  std::array<std::size_t, Layers + 1> activation_bytes{};
  std::array<std::size_t, Layers> scratch_bytes{};

  constexpr std::size_t bytes(std::size_t i) const {
    return (i == 0 || i == Layers) ? 0 : activation_bytes[i];
  }
  constexpr std::size_t arena_bytes() const {
    std::size_t need = 0;
    for (std::size_t i = 1; i <= Layers; ++i) {
      const std::size_t n = bytes(i - 1) + bytes(i) + scratch_bytes[i - 1];
      need = n > need ? n : need;
    }
    return need;
  }
  // Offset of intermediate activation i (1 <= i < Layers).
  constexpr std::size_t activation_offset(std::size_t i) const {
    return i % 2 == 1 ? 0 : arena_bytes() - bytes(i);
  }
  // Offset of layer i's scratch (1 <= i <= Layers): above whichever neighbour is at the bottom.
  constexpr std::size_t scratch_offset(std::size_t i) const {
    return i % 2 == 1 ? bytes(i) : bytes(i - 1);
  }
  // What plain ping-pong buffers would need, for comparison in docs and tests.
  constexpr std::size_t ping_pong_bytes() const {
    std::size_t odd = 0, even = 0, scratch = 0;
    for (std::size_t i = 1; i < Layers; ++i) {
      std::size_t& m = i % 2 ? odd : even;
      m = bytes(i) > m ? bytes(i) : m;
    }
    for (std::size_t s : scratch_bytes) scratch = s > scratch ? s : scratch;
    return odd + even + scratch;
  }
};

}  // namespace mote::nn
