// Random test data: uniform integers and floats with a fixed seed per test.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <type_traits>
#include <vector>

namespace mote::test {

class Rng {
 public:
  explicit Rng(std::uint32_t seed) : engine_(seed) {}

  // Uniform integer in [lo, hi].
  template <typename T>
  T uniform_int(T lo, T hi) {
    using Wide = std::conditional_t<std::is_signed_v<T>, std::int64_t, std::uint64_t>;
    return static_cast<T>(std::uniform_int_distribution<Wide>(lo, hi)(engine_));
  }
  float uniform(float lo, float hi) {
    return std::uniform_real_distribution<float>(lo, hi)(engine_);
  }
  std::size_t index(std::size_t lo, std::size_t hi) { return uniform_int<std::size_t>(lo, hi); }

  template <typename T>
  void fill(std::span<T> out, T lo, T hi) {
    for (T& x : out) x = uniform_int<T>(lo, hi);
  }
  void fill(std::span<float> out, float lo, float hi) {
    for (float& x : out) x = uniform(lo, hi);
  }
  template <typename T>
  std::vector<T> vector(std::size_t n, T lo, T hi) {
    std::vector<T> v(n);
    fill(std::span<T>(v), lo, hi);
    return v;
  }

  std::mt19937& engine() { return engine_; }

 private:
  std::mt19937 engine_;
};

}  // namespace mote::test
