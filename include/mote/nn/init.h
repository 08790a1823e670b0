// Deterministic generated weights for tests, examples and benchmarks (no <random>: the same
// numbers on every platform and standard library).
#pragma once

#include <cmath>
#include <cstdint>

namespace mote::nn {

// xorshift64* with a Box-Muller-free approximately normal draw (sum of four uniforms).
class WeightGenerator {
 public:
  explicit constexpr WeightGenerator(std::uint64_t seed)
      : state_(seed ? seed : 0x9E3779B97F4A7C15u) {}

  constexpr std::uint64_t next_u64() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545F4914F6CDD1Du;
  }
  // Uniform in [lo, hi).
  constexpr float uniform(float lo, float hi) {
    const float u = static_cast<float>(next_u64() >> 40) * (1.0f / 16777216.0f);
    return lo + (hi - lo) * u;
  }
  // Approximately N(0, stddev^2): the centred sum of four uniforms has variance 1/3.
  constexpr float normal(float stddev) {
    float s = 0.0f;
    for (int i = 0; i < 4; ++i) s += uniform(-1.0f, 1.0f);
    return s * stddev * 0.8660254f;  // sqrt(3) / 2
  }

 private:
  std::uint64_t state_;
};

// He initialisation scale for a layer with `fan_in` inputs per output.
inline float he_stddev(std::size_t fan_in) {
  return std::sqrt(2.0f / static_cast<float>(fan_in));
}

}  // namespace mote::nn
