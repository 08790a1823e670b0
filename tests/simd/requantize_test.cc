// SIMD requantization (simd/requantize_hwy-inl.h) against the scalar functions of quant/, on every
// compiled target: random and extreme accumulators, multipliers and shifts, per-lane and
// per-tensor parameters, both rounding rules.
#include "mote/base/config.h"

#if MOTE_SIMD && !MOTE_STATIC_DISPATCH
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "simd/requantize_test.cc"
#include <hwy/foreach_target.h>  // must come before highway.h
#endif

#if MOTE_SIMD
#include <hwy/highway.h>

#include "mote/simd/requantize_hwy-inl.h"

// Per target: apply one helper to arrays of lanes (size a multiple of the widest vector).
HWY_BEFORE_NAMESPACE();
namespace mote::HWY_NAMESPACE {
namespace {

enum class Op { kSrdhm, kDivideByPot, kMbqmDouble, kMbqmSingle, kRequantDouble, kRequantSingle };

void apply_op(int op, const std::int32_t* x, const std::int32_t* m, const std::int32_t* s,
              std::int32_t zero_point, std::int32_t clamp_min, std::int32_t clamp_max,
              std::int32_t* out, std::size_t n) {
  const hn::ScalableTag<std::int32_t> d;
  const hn::Rebind<std::int8_t, decltype(d)> d8;
  const auto zp = hn::Set(d, zero_point);
  const auto lo = hn::Set(d, clamp_min);
  const auto hi = hn::Set(d, clamp_max);
  for (std::size_t i = 0; i < n; i += hn::Lanes(d)) {
    const auto vx = hn::LoadU(d, x + i);
    const auto vm = hn::LoadU(d, m + i);
    const auto vs = hn::LoadU(d, s + i);
    hn::Vec<decltype(d)> y;
    switch (static_cast<Op>(op)) {
      case Op::kSrdhm:
        y = saturating_rounding_doubling_high_mul(d, vx, vm);
        break;
      case Op::kDivideByPot:
        y = rounding_divide_by_pot(d, vx, vs);
        break;
      case Op::kMbqmDouble:
        y = multiply_by_quantized_multiplier<Rounding::kDouble>(d, vx, vm, vs);
        break;
      case Op::kMbqmSingle:
        y = multiply_by_quantized_multiplier<Rounding::kSingle>(d, vx, vm, vs);
        break;
      case Op::kRequantDouble:
      case Op::kRequantSingle: {
        const auto r = static_cast<Op>(op) == Op::kRequantDouble
                           ? requantize<Rounding::kDouble>(d, vx, vm, vs, zp, lo, hi)
                           : requantize<Rounding::kSingle>(d, vx, vm, vs, zp, lo, hi);
        // Through int8 and back, as a kernel's store would narrow it.
        y = hn::PromoteTo(d, hn::DemoteTo(d8, r));
        break;
      }
    }
    hn::StoreU(y, d, out + i);
  }
}

void load_multipliers_test(const QuantizedMultiplier* q, std::size_t count, std::int32_t* m,
                           std::int32_t* s) {
  const hn::ScalableTag<std::int32_t> d;
  hn::Vec<decltype(d)> vm, vs;
  load_multipliers(d, q, count, vm, vs);
  hn::StoreU(vm, d, m);
  hn::StoreU(vs, d, s);
}

std::size_t lanes() {
  return hn::Lanes(hn::ScalableTag<std::int32_t>());
}

}  // namespace
}  // namespace mote::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();
#endif  // MOTE_SIMD

#if HWY_ONCE || !MOTE_SIMD
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "mote/quant/requantize.h"
#include "support/random.h"
#include "support/targets.h"

namespace mote {
#if MOTE_SIMD && !MOTE_STATIC_DISPATCH
HWY_EXPORT(apply_op);
HWY_EXPORT(load_multipliers_test);
HWY_EXPORT(lanes);
#define MOTE_TEST_CALL(name) HWY_DYNAMIC_DISPATCH(name)
#elif MOTE_SIMD
#define MOTE_TEST_CALL(name) HWY_STATIC_DISPATCH(name)
#endif

namespace {

#if MOTE_SIMD
constexpr std::int32_t kMin = std::numeric_limits<std::int32_t>::min();
constexpr std::int32_t kMax = std::numeric_limits<std::int32_t>::max();
constexpr std::size_t kPad = 64;  // arrays are padded to a multiple of the widest vector

// Inputs of one run: x, multiplier and shift per lane.
struct Lanes {
  std::vector<std::int32_t> x, m, s;
  void push(std::int32_t xv, std::int32_t mv, std::int32_t sv) {
    x.push_back(xv);
    m.push_back(mv);
    s.push_back(sv);
  }
  void pad() {
    while (x.size() % kPad != 0) push(0, 0, 0);
  }
};

std::vector<std::int32_t> run(int op, Lanes& in, std::int32_t zp = 0, std::int32_t lo = -128,
                              std::int32_t hi = 127) {
  in.pad();
  std::vector<std::int32_t> out(in.x.size());
  MOTE_TEST_CALL(apply_op)
  (op, in.x.data(), in.m.data(), in.s.data(), zp, lo, hi, out.data(), out.size());
  return out;
}

// Accumulators worth trying: the ends of int32, powers of two and their neighbours, ties.
std::vector<std::int32_t> extreme_values() {
  std::vector<std::int32_t> v{0, 1, -1, 2, -2, 3, -3, kMin, kMax, kMin + 1, kMax - 1};
  for (int k = 1; k < 31; ++k) {
    const std::int32_t p = std::int32_t{1} << k;
    for (std::int32_t x : {p, p - 1, p + 1, -p, -p + 1, -p - 1, p + p / 2, -(p + p / 2)}) {
      v.push_back(x);
    }
  }
  return v;
}

std::vector<std::int32_t> extreme_multipliers() {
  return {0, 1, 1 << 30, (1 << 30) + 1, kMax, kMax - 1, 1518500250 /* ~sqrt(2) * 2^30 */};
}

// Random and extreme (x, M, shift) triples covering every shift in [-31, 30].
Lanes mbqm_inputs(std::uint32_t seed) {
  test::Rng rng(seed);
  Lanes in;
  const std::vector<std::int32_t> xs = extreme_values();
  const std::vector<std::int32_t> ms = extreme_multipliers();
  for (int shift = -31; shift <= 30; ++shift) {
    for (std::int32_t x : xs) {
      for (std::int32_t m : ms) in.push(x, m, shift);
    }
    for (int i = 0; i < 500; ++i) {
      in.push(rng.uniform_int(kMin, kMax), rng.uniform_int(1 << 30, kMax), shift);
      // Typical accumulators and depthwise/GEMM-sized multipliers.
      in.push(rng.uniform_int(-(1 << 20), 1 << 20), rng.uniform_int(1 << 30, kMax), shift);
    }
  }
  // Multipliers from real scales, as layers make them.
  for (int i = 0; i < 5000; ++i) {
    const double real = std::ldexp(rng.uniform(0.5f, 1.0f), rng.uniform_int(-40, 20));
    const QuantizedMultiplier q = *QuantizedMultiplier::from_real(real);
    in.push(rng.uniform_int(-(1 << 24), 1 << 24), q.multiplier, q.shift);
  }
  return in;
}
#endif  // MOTE_SIMD

class SimdRequantizeTest : public test::PerTarget {};
MOTE_INSTANTIATE_PER_TARGET(SimdRequantizeTest);

#if MOTE_SIMD
TEST_P(SimdRequantizeTest, SaturatingRoundingDoublingHighMul) {
  Lanes in;
  test::Rng rng(1);
  const std::vector<std::int32_t> xs = extreme_values();
  for (std::int32_t a : xs) {
    for (std::int32_t b : xs) in.push(a, b, 0);
  }
  for (int i = 0; i < 20000; ++i)
    in.push(rng.uniform_int(kMin, kMax), rng.uniform_int(kMin, kMax), 0);
  const std::vector<std::int32_t> out = run(0, in);
  for (std::size_t i = 0; i < out.size(); ++i) {
    ASSERT_EQ(out[i], saturating_rounding_doubling_high_mul(in.x[i], in.m[i]))
        << in.x[i] << " * " << in.m[i];
  }
}

TEST_P(SimdRequantizeTest, RoundingDivideByPot) {
  Lanes in;
  test::Rng rng(2);
  for (int e = 0; e <= 31; ++e) {
    for (std::int32_t x : extreme_values()) in.push(x, 0, e);
    for (int i = 0; i < 300; ++i) in.push(rng.uniform_int(kMin, kMax), 0, e);
  }
  const std::vector<std::int32_t> out = run(1, in);
  for (std::size_t i = 0; i < out.size(); ++i) {
    ASSERT_EQ(out[i], rounding_divide_by_pot(in.x[i], in.s[i])) << in.x[i] << " >> " << in.s[i];
  }
}

TEST_P(SimdRequantizeTest, MultiplyByQuantizedMultiplierDouble) {
  Lanes in = mbqm_inputs(3);
  const std::vector<std::int32_t> out = run(2, in);
  for (std::size_t i = 0; i < out.size(); ++i) {
    ASSERT_EQ(out[i], multiply_by_quantized_multiplier<Rounding::kDouble>(
                          in.x[i], QuantizedMultiplier{in.m[i], in.s[i]}))
        << in.x[i] << " * (" << in.m[i] << ", " << in.s[i] << ")";
  }
}

TEST_P(SimdRequantizeTest, MultiplyByQuantizedMultiplierSingle) {
  Lanes in = mbqm_inputs(4);
  const std::vector<std::int32_t> out = run(3, in);
  for (std::size_t i = 0; i < out.size(); ++i) {
    ASSERT_EQ(out[i], multiply_by_quantized_multiplier<Rounding::kSingle>(
                          in.x[i], QuantizedMultiplier{in.m[i], in.s[i]}))
        << in.x[i] << " * (" << in.m[i] << ", " << in.s[i] << ")";
  }
}

// Per tensor (every lane the same multiplier) and per lane, with zero points and clamps at the
// ends of int8.
TEST_P(SimdRequantizeTest, RequantizeToInt8) {
  test::Rng rng(5);
  struct Clamp {
    std::int32_t zp, lo, hi;
  };
  for (const Clamp c : {Clamp{0, -128, 127}, Clamp{-128, -128, 127}, Clamp{127, -128, 127},
                        Clamp{-5, -3, 90}, Clamp{13, 0, 0}}) {
    for (bool per_tensor : {true, false}) {
      Lanes in = mbqm_inputs(6);
      if (per_tensor) {
        const QuantizedMultiplier q =
            *QuantizedMultiplier::from_real(std::ldexp(rng.uniform(0.5f, 1.0f), -9));
        for (std::size_t i = 0; i < in.x.size(); ++i) {
          in.m[i] = q.multiplier;
          in.s[i] = q.shift;
        }
      }
      for (int op : {4, 5}) {
        const std::vector<std::int32_t> out = run(op, in, c.zp, c.lo, c.hi);
        for (std::size_t i = 0; i < out.size(); ++i) {
          const QuantizedMultiplier q{in.m[i], in.s[i]};
          const std::int8_t expected =
              op == 4 ? requantize<Rounding::kDouble, std::int8_t>(in.x[i], q, c.zp, c.lo, c.hi)
                      : requantize<Rounding::kSingle, std::int8_t>(in.x[i], q, c.zp, c.lo, c.hi);
          ASSERT_EQ(out[i], expected) << in.x[i] << " * (" << q.multiplier << ", " << q.shift
                                      << ") zp " << c.zp << " op " << op;
        }
      }
    }
  }
}

TEST_P(SimdRequantizeTest, LoadMultipliersFillsTheTail) {
  std::vector<QuantizedMultiplier> q(kPad);
  for (std::size_t i = 0; i < q.size(); ++i) {
    q[i] = {static_cast<std::int32_t>((1 << 30) + i), static_cast<int>(i % 40) - 20};
  }
  const std::size_t lanes = MOTE_TEST_CALL(lanes)();
  for (std::size_t count = 0; count <= lanes; ++count) {
    std::vector<std::int32_t> m(kPad, -1), s(kPad, -1);
    MOTE_TEST_CALL(load_multipliers_test)(q.data(), count, m.data(), s.data());
    for (std::size_t i = 0; i < lanes; ++i) {
      EXPECT_EQ(m[i], i < count ? q[i].multiplier : 0);
      EXPECT_EQ(s[i], i < count ? q[i].shift : 0);
    }
  }
}
#else
TEST_P(SimdRequantizeTest, ScalarOnlyBuild) {
  GTEST_SKIP() << "MOTE_SIMD=0: no SIMD requantization to test";
}
#endif  // MOTE_SIMD

}  // namespace
}  // namespace mote
#endif  // HWY_ONCE || !MOTE_SIMD
