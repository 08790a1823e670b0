// exp, logistic, tanh on FixedPoint: constants, bit-exactness with gemmlowp, measured accuracy.
#include "mote/fixed/fixed_functions.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <utility>

#include "mote/fixed/detail/fixed_constants.h"

namespace mote {
namespace {

using Q0_31 = FixedPoint<std::int32_t, 0>;
using Q4_27 = FixedPoint<std::int32_t, 4>;
using Q0_15 = FixedPoint<std::int16_t, 0>;
using Q3_12 = FixedPoint<std::int16_t, 3>;

// The functions are constant-evaluable; values from gemmlowp (see PinnedGemmlowpValues).
static_assert(logistic(Q4_27::from_double(1.0)).raw() == 1569936226);
static_assert(tanh(Q4_27::from_double(-2.5)).raw() == -2118738064);
static_assert(exp_on_negative_values(Q4_27::from_double(-1.0)).raw() == 790015308);
static_assert(tanh(Q3_12::from_double(1.0)).raw() == 24964);
static_assert(logistic(Q4_27::zero()).raw() == 1 << 30 && tanh(Q4_27::zero()).raw() == 0);
static_assert(exp_on_negative_values(Q4_27::zero()) == Q0_31::one());

// round(value * 2^fractional_bits), ties away from zero.
std::int64_t round_to_raw(long double value, int fractional_bits) {
  return std::llround(std::ldexp(value, fractional_bits));
}

TEST(FixedConstants, EachIsTheRoundedRealValue) {
  EXPECT_EQ(detail::exp_neg_one_eighth_q0_31, round_to_raw(std::exp(-0.125L), 31));
  EXPECT_EQ(detail::one_third_q0_31, round_to_raw(1.0L / 3.0L, 31));
  EXPECT_EQ(detail::forty_eight_seventeenths_q2_29, round_to_raw(48.0L / 17.0L, 29));
  EXPECT_EQ(detail::neg_thirty_two_seventeenths_q2_29, round_to_raw(-32.0L / 17.0L, 29));
  for (int i = 0; i < 7; ++i) {
    const long double value = std::exp(-std::ldexp(1.0L, detail::exp_neg_pot_first_exponent + i));
    EXPECT_EQ(detail::exp_neg_pot_q0_31[i], round_to_raw(value, 31)) << "exp(-2^" << i - 2 << ")";
    // Narrowed to int16 by a rounding shift, they are still the correctly rounded Q0.15 values.
    EXPECT_EQ(from_int32_raw<Q0_15>(detail::exp_neg_pot_q0_31[i]).raw(), round_to_raw(value, 15));
  }
  EXPECT_EQ(from_int32_raw<Q0_15>(detail::exp_neg_one_eighth_q0_31).raw(),
            round_to_raw(std::exp(-0.125L), 15));
  EXPECT_EQ(from_int32_raw<Q0_15>(detail::one_third_q0_31).raw(), round_to_raw(1.0L / 3.0L, 15));
  using Q2_13 = FixedPoint<std::int16_t, 2>;
  EXPECT_EQ(from_int32_raw<Q2_13>(detail::forty_eight_seventeenths_q2_29).raw(),
            round_to_raw(48.0L / 17.0L, 13));
  EXPECT_EQ(from_int32_raw<Q2_13>(detail::neg_thirty_two_seventeenths_q2_29).raw(),
            round_to_raw(-32.0L / 17.0L, 13));
}

// One row: input raw in Q<integer_bits>, then gemmlowp's raw outputs of exp_on_negative_values
// (0 where the input is positive), logistic and tanh. Produced by running gemmlowp's
// fixedpoint.h (Debian libgemmlowp-dev 0.0~git20211220) on these inputs.
struct Pinned {
  int integer_bits;
  std::int32_t input, exp, logistic, tanh;
};

constexpr Pinned pinned_int32[] = {
    {4, -16777216, 1895147668, 1006720203, -267045740},       // -1/8
    {4, -134217728, 790015308, 577547421, -1635510876},       // -1
    {4, -335544320, 176276242, 162904245, -2118738064},       // -2.5
    {4, -671088640, 14469635, 14372791, -2147288656},         // -5
    {4, -1040187392, 925013, 924611, -2147482856},            // -7.75
    {4, -1342177280, 97496, 97495, -2147483644},              // -10
    {4, 33554432, 0, 1207264694, 525958532},                  // 0.25
    {4, 134217728, 0, 1569936226, 1635510876},                // 1
    {4, 402653184, 0, 2045637336, 2136863820},                // 3
    {4, 1006632960, 0, 2146296568, 2147482328},               // 7.5
    {4, -2147483647 - 1, 242, 241, -2147483647},              // -16
    {4, 2147483647, 0, 2147483406, 2147483647},               // 16 - 2^-27
    {4, -1, 2147483140, 1073741699, -260},                    // -2^-27
    {4, 1, 0, 1073741948, 260},                               // 2^-27
    {0, -1073741824, 1302515042, 810762557, -992388804},      // -0.5
    {0, -2145336164, 790805710, 577969735, -1634608304},      // -0.999
    {0, 1610612736, 0, 1458525020, 1363971812},               // 0.75
    {0, -2147483647 - 1, 790015308, 577547421, -1635510876},  // -1
    {6, -1056964608, 0, 0, -2147483647},                      // -31.5
    {6, -1342177280, 0, 0, -2147483647},                      // -40
    {6, 671088640, 0, 2147483646, 2147483647},                // 20
    {6, -2147483647 - 1, 0, 0, -2147483647},                  // -64
};

constexpr Pinned pinned_int16[] = {
    {3, -512, 28918, 15359, -4076},     // -1/8
    {3, -4096, 12055, 8815, -24964},    // -1
    {3, -10240, 2690, 2489, -32336},    // -2.5
    {3, -20480, 221, 215, -32767},      // -5
    {3, 1024, 0, 18422, 8032},          // 0.25
    {3, 4096, 0, 23952, 24964},         // 1
    {3, 12288, 0, 31216, 32612},        // 3
    {3, 30720, 0, 32752, 32767},        // 7.5
    {3, -32768, 11, 11, -32767},        // -8
    {3, 32767, 0, 32756, 32767},        // 8 - 2^-12
    {3, -1, 32760, 16383, -8},          // -2^-12
    {3, 1, 0, 16384, 8},                // 2^-12
    {0, -16384, 19875, 12367, -15136},  // -0.5
    {0, 24576, 0, 22252, 20816},        // 0.75
    {0, -32768, 12055, 8815, -24964},   // -1
};

template <typename Raw, int IntegerBits>
void expect_pinned(const Pinned& p) {
  const auto x = FixedPoint<Raw, IntegerBits>::from_raw(static_cast<Raw>(p.input));
  if (p.input <= 0) {
    EXPECT_EQ(exp_on_negative_values(x).raw(), p.exp) << p.input;
  }
  EXPECT_EQ(logistic(x).raw(), p.logistic) << p.input;
  EXPECT_EQ(tanh(x).raw(), p.tanh) << p.input;
}

TEST(FixedFunctions, PinnedGemmlowpValues) {
  for (const Pinned& p : pinned_int32) {
    SCOPED_TRACE(p.integer_bits);
    if (p.integer_bits == 0) expect_pinned<std::int32_t, 0>(p);
    if (p.integer_bits == 4) expect_pinned<std::int32_t, 4>(p);
    if (p.integer_bits == 6) expect_pinned<std::int32_t, 6>(p);
  }
  for (const Pinned& p : pinned_int16) {
    SCOPED_TRACE(p.integer_bits);
    if (p.integer_bits == 0) expect_pinned<std::int16_t, 0>(p);
    if (p.integer_bits == 3) expect_pinned<std::int16_t, 3>(p);
  }
}

// FNV-1a over the little-endian bytes of each output raw (as int32), in input order.
struct Digest {
  std::uint64_t h = 14695981039346656037ull;
  void add(std::int32_t v) {
    const auto u = static_cast<std::uint32_t>(v);
    for (int i = 0; i < 4; ++i) {
      h ^= (u >> (8 * i)) & 0xffu;
      h *= 1099511628211ull;
    }
  }
};

// Every int16 raw; for int32 every 65521st raw from INT32_MIN, then INT32_MAX (65,538 inputs).
template <typename Raw, typename Fn>
void for_each_input(Fn fn) {
  if constexpr (sizeof(Raw) == 2) {
    for (int r = -32768; r <= 32767; ++r) fn(static_cast<Raw>(r));
  } else {
    for (std::int64_t r = std::numeric_limits<std::int32_t>::min();
         r <= std::numeric_limits<std::int32_t>::max(); r += 65521) {
      fn(static_cast<Raw>(r));
    }
    fn(std::numeric_limits<std::int32_t>::max());
  }
}

template <typename Raw, int... IntegerBits>
void digest_exp_logistic_tanh(Digest& e, Digest& l, Digest& t,
                              std::integer_sequence<int, IntegerBits...>) {
  const auto one_format = [&]<int IB>() {
    for_each_input<Raw>([&](Raw r) {
      if (r <= 0) e.add(exp_on_negative_values(FixedPoint<Raw, IB>::from_raw(r)).raw());
    });
    for_each_input<Raw>([&](Raw r) { l.add(logistic(FixedPoint<Raw, IB>::from_raw(r)).raw()); });
    for_each_input<Raw>([&](Raw r) { t.add(tanh(FixedPoint<Raw, IB>::from_raw(r)).raw()); });
  };
  (one_format.template operator()<IntegerBits>(), ...);
}

// The digests were computed the same way from gemmlowp's own functions, so a match pins every
// one of these ~6.9 million outputs bit for bit, across IntegerBits 0..12 (int16), 0..28 (int32).
TEST(FixedFunctions, BitExactWithGemmlowpOverWholeSweeps) {
  Digest e16, l16, t16, e32, l32, t32;
  digest_exp_logistic_tanh<std::int16_t>(e16, l16, t16, std::make_integer_sequence<int, 13>{});
  digest_exp_logistic_tanh<std::int32_t>(e32, l32, t32, std::make_integer_sequence<int, 29>{});
  EXPECT_EQ(e16.h, 0x005e445f5a3ea04eull);
  EXPECT_EQ(l16.h, 0xc9ce5320765532baull);
  EXPECT_EQ(t16.h, 0xeca18eba58e9e61bull);
  EXPECT_EQ(e32.h, 0x43add7abe5dd65e3ull);
  EXPECT_EQ(l32.h, 0x494df6bf967af9d7ull);
  EXPECT_EQ(t32.h, 0xc469c43718e3bfa8ull);
}

template <typename Raw>
void digest_q0_helpers(Digest& recip, Digest& minus, Digest& interval) {
  using F = FixedPoint<Raw, 0>;
  for_each_input<Raw>([&](Raw r) {
    if (r >= 0) {
      recip.add(one_over_one_plus_x_for_x_in_0_1(F::from_raw(r)).raw());
      minus.add(one_minus_x_over_one_plus_x_for_x_in_0_1(F::from_raw(r)).raw());
    }
    if (r >= std::numeric_limits<Raw>::min() / 4 && r < 0) {
      interval.add(exp_on_interval_between_negative_one_quarter_and_0_excl(F::from_raw(r)).raw());
    }
  });
}

TEST(FixedFunctions, Q0HelpersBitExactWithGemmlowp) {
  Digest r16, m16, i16, r32, m32, i32;
  digest_q0_helpers<std::int16_t>(r16, m16, i16);
  digest_q0_helpers<std::int32_t>(r32, m32, i32);
  EXPECT_EQ(r16.h, 0x921702364e7c1265ull);
  EXPECT_EQ(m16.h, 0x6170242ea73a83bdull);
  EXPECT_EQ(i16.h, 0x7af873132d64fa46ull);
  EXPECT_EQ(r32.h, 0x25cde121f60ba6dcull);
  EXPECT_EQ(m32.h, 0x59b172ad56ce58ddull);
  EXPECT_EQ(i32.h, 0xbede2217469e9de5ull);
}

TEST(FixedFunctions, Symmetries) {
  for (std::int64_t r = std::numeric_limits<std::int32_t>::min() + 1;
       r <= std::numeric_limits<std::int32_t>::max(); r += 999983) {
    const auto x = Q4_27::from_raw(static_cast<std::int32_t>(r));
    ASSERT_EQ(tanh(-x), -tanh(x)) << r;  // odd
    // logistic(-x) = 1 - logistic(x), with 1 read as Q0's saturated one().
    if (r != 0) {
      ASSERT_EQ((logistic(x) + logistic(-x)).raw(), Q0_31::one().raw()) << r;
    }
  }
}

// Max |f(x) - reference(x)| in output LSBs over a sweep of raw inputs of FixedPoint<Raw, IB>,
// inputs with raw in [lo, hi] stepping by `step`.
template <typename Raw, int IntegerBits, typename Fn, typename Reference>
double max_error_lsb(Fn fn, Reference reference, std::int64_t lo, std::int64_t hi,
                     std::int64_t step) {
  using In = FixedPoint<Raw, IntegerBits>;
  constexpr int out_fractional_bits = FixedPoint<Raw, 0>::fractional_bits;
  double worst = 0;
  for (std::int64_t r = lo; r <= hi; r += step) {
    const In x = In::from_raw(static_cast<Raw>(r));
    const long double exact = reference(static_cast<long double>(x.to_double()));
    // The output format cannot hold 1.0; its best value there is one() = 1 - 1 LSB.
    const long double best = std::fmin(exact, FixedPoint<Raw, 0>::one().to_double());
    const long double err = std::ldexp(std::fabs(fn(x).to_double() - best), out_fractional_bits);
    if (err > worst) worst = static_cast<double>(err);
  }
  return worst;
}

struct Bounds {
  double exp, logistic, tanh;  // max error in output LSBs
};

// Sweeps IntegerBits 0..6, printing and recording each max error, checking it under `bound`.
template <typename Raw, int... IntegerBits>
void check_accuracy(const char* raw_name, std::int64_t step, Bounds bound,
                    std::integer_sequence<int, IntegerBits...>) {
  constexpr std::int64_t lo = std::numeric_limits<Raw>::min();
  constexpr std::int64_t hi = std::numeric_limits<Raw>::max();
  const auto one_format = [&]<int IB>() {
    const double e = max_error_lsb<Raw, IB>([](auto x) { return exp_on_negative_values(x); },
                                            [](long double v) { return std::exp(v); }, lo, 0, step);
    const double l = max_error_lsb<Raw, IB>(
        [](auto x) { return logistic(x); },
        [](long double v) { return 1.0L / (1.0L + std::exp(-v)); }, lo, hi, step);
    const double t = max_error_lsb<Raw, IB>(
        [](auto x) { return tanh(x); }, [](long double v) { return std::tanh(v); }, lo, hi, step);
    const int fb = FixedPoint<Raw, IB>::fractional_bits;
    std::printf(
        "  %s Q%d.%d -> Q0.%d, max |error| in output LSB: exp %.2f, logistic %.2f, tanh %.2f\n",
        raw_name, IB, fb, FixedPoint<Raw, 0>::fractional_bits, e, l, t);
    const std::string key = std::string(raw_name) + "_Q" + std::to_string(IB);
    ::testing::Test::RecordProperty(key + "_exp_lsb", std::to_string(e));
    ::testing::Test::RecordProperty(key + "_logistic_lsb", std::to_string(l));
    ::testing::Test::RecordProperty(key + "_tanh_lsb", std::to_string(t));
    EXPECT_LE(e, bound.exp) << raw_name << " Q" << IB;
    EXPECT_LE(l, bound.logistic) << raw_name << " Q" << IB;
    EXPECT_LE(t, bound.tanh) << raw_name << " Q" << IB;
  };
  (one_format.template operator()<IntegerBits>(), ...);
}

TEST(FixedFunctions, AccuracyInt32) {
  // 2^32 / 16381 ~ 262,000 inputs per format and function.
  // Measured: exp 492, logistic 153, tanh 306 LSB of Q0.31 (2.3e-7, 7.1e-8, 1.4e-7).
  check_accuracy<std::int32_t>("int32", 16381, {.exp = 500, .logistic = 160, .tanh = 320},
                               std::make_integer_sequence<int, 7>{});
}

TEST(FixedFunctions, AccuracyInt16) {
  // Every input.
  // Measured: exp 1.95, logistic 6.7, tanh 12.1 LSB of Q0.15.
  check_accuracy<std::int16_t>("int16", 1, {.exp = 2.5, .logistic = 7, .tanh = 12.5},
                               std::make_integer_sequence<int, 7>{});
}

}  // namespace
}  // namespace mote
