// Fixed-point LOGISTIC (TFLite Micro): hand-worked parameters and values, the saturation radius,
// rejection without writes, and a search against the float table: the two rules differ by at
// most one, only next to a rounding tie, and a few such inputs are pinned by hand.
#include "mote/kernels/activation/logistic_fixed_ref.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "mote/kernels/activation/logistic_ref.h"
#include "support/random.h"

namespace mote {
namespace {

template <typename T>
auto vec(std::vector<T>& v) {
  return make_view(v.data(), Extents<dyn>(v.size()));
}

constexpr QuantParams<std::int8_t> kOut{1.0f / 256.0f, -128};

TEST(LogisticFixedRef, HandWorkedParams) {
  // s_in = 1/16: real = 2^-4 * 2^27 = 2^23 = 0.5 * 2^24 -> multiplier 2^30, shift 24;
  // radius = floor(15 * 2^27 / 2^24) = 120.
  const auto p = ref::make_logistic_fixed_params({1.0f / 16.0f, 3}, kOut);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->input_zero_point, 3);
  EXPECT_EQ(p->input_multiplier, (QuantizedMultiplier{1 << 30, 24}));
  EXPECT_EQ(p->input_range_radius, 120);
  // s_in = 0.1f = 0x1.99999ap-4: q = 0x1.99999ap-1, q * 2^31 = 1717986944 exactly.
  const auto p2 = ref::make_logistic_fixed_params({0.1f, 0}, kOut);
  ASSERT_TRUE(p2);
  EXPECT_EQ(p2->input_multiplier, (QuantizedMultiplier{1717986944, 24}));
  EXPECT_EQ(p2->input_range_radius, 120);
  // s_in = 2: shift 29, radius floor(15 * 2^27 / 2^29) = 3.
  const auto p3 = ref::make_logistic_fixed_params({2.0f, 0}, kOut);
  ASSERT_TRUE(p3);
  EXPECT_EQ(p3->input_multiplier, (QuantizedMultiplier{1 << 30, 29}));
  EXPECT_EQ(p3->input_range_radius, 3);
}

TEST(LogisticFixedRef, HandWorkedValues) {
  // s_in = 1/16: (q - zp) / 16 lands exactly on Q4.27 (MBQM by 2^30 with shift 24 = * 2^23).
  const auto p = ref::make_logistic_fixed_params({1.0f / 16.0f, 0}, kOut);
  ASSERT_TRUE(p);
  EXPECT_EQ(ref::logistic_fixed_value(0, *p), 0);        // logistic(0) = 2^30 exactly: 128 - 128
  EXPECT_EQ(ref::logistic_fixed_value(16, *p), 59);      // 0.7310586 * 256 = 187.15 -> 187
  EXPECT_EQ(ref::logistic_fixed_value(-16, *p), -59);    // 68.85 -> 69
  EXPECT_EQ(ref::logistic_fixed_value(119, *p), 127);    // 255.85 -> 256, clamped
  EXPECT_EQ(ref::logistic_fixed_value(-119, *p), -128);  // 0.150 -> 0
  EXPECT_EQ(ref::logistic_fixed_value(120, *p), 127);    // x >= radius: no arithmetic
  EXPECT_EQ(ref::logistic_fixed_value(-120, *p), -128);  // x <= -radius
}

TEST(LogisticFixedRef, ZeroRadiusSaturatesEveryInputAsTflite) {
  // s_in = 16: real = 2^31, shift 32, radius floor(15 * 2^27 / 2^32) = 0. TFLite's tests
  // x <= -0 first, so even x = 0 (logistic 0.5) gives -128.
  const auto p = ref::make_logistic_fixed_params({16.0f, 5}, kOut);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->input_range_radius, 0);
  EXPECT_EQ(ref::logistic_fixed_value(5, *p), -128);
  EXPECT_EQ(ref::logistic_fixed_value(6, *p), 127);
  EXPECT_EQ(ref::logistic_fixed_value(4, *p), -128);
}

TEST(LogisticFixedRef, RejectsWithoutWriting) {
  EXPECT_EQ(ref::make_logistic_fixed_params({0.1f, 0}, {1.0f / 128.0f, -128}).status(),
            Status::kInvalidArgument);
  EXPECT_EQ(ref::make_logistic_fixed_params({0.1f, 0}, {1.0f / 256.0f, 0}).status(),
            Status::kInvalidArgument);
  EXPECT_EQ(ref::make_logistic_fixed_params({0.0f, 0}, kOut).status(), Status::kInvalidArgument);
  EXPECT_EQ(ref::make_logistic_fixed_params({0x1p-29f, 0}, kOut).status(), Status::kUnsupported);
  const auto p = ref::make_logistic_fixed_params({0.1f, 0}, kOut);
  ASSERT_TRUE(p);
  std::vector<std::int8_t> in{1, 2, 3}, out(2, 7), out3(3, 7);
  EXPECT_EQ(ref::logistic_fixed(vec(in), vec(out), *p), Status::kShapeMismatch);
  EXPECT_EQ(out, (std::vector<std::int8_t>(2, 7)));
  auto bad = *p;
  bad.input_zero_point = 200;
  EXPECT_EQ(ref::logistic_fixed(vec(in), vec(out3), bad), Status::kInvalidArgument);
  EXPECT_EQ(out3, (std::vector<std::int8_t>(3, 7)));
  ASSERT_EQ(ref::logistic_fixed(vec(in), vec(out3), *p), Status::kOk);
  EXPECT_EQ(out3[0], ref::logistic_fixed_value(1, *p));
}

TEST(LogisticFixedRef, SingleAndDoubleRescaleAgree) {
  // The input rescale is a left shift (shift >= 0): SRDHM(x * 2^s, M) and (x * M + 2^(30 - s))
  // >> (31 - s) are then the same single rounding with the same tie rule.
  test::Rng rng(11);
  for (int i = 0; i < 200; ++i) {
    const float s = std::exp2(rng.uniform(-9.0f, 2.0f));
    const auto zp = static_cast<std::int32_t>(rng.uniform_int(-128, 127));
    const auto d = ref::make_logistic_fixed_params<Rounding::kDouble>({s, zp}, kOut);
    const auto o = ref::make_logistic_fixed_params<Rounding::kSingle>({s, zp}, kOut);
    ASSERT_TRUE(d && o);
    for (int q = -128; q <= 127; ++q) {
      ASSERT_EQ(ref::logistic_fixed_value(static_cast<std::int8_t>(q), *d),
                ref::logistic_fixed_value(static_cast<std::int8_t>(q), *o));
    }
  }
}

// exact 256 * logistic(s * x), for deciding which rule rounded right.
long double exact_scaled(float s, int x) {
  return 256.0L / (1.0L + std::exp(-static_cast<long double>(s) * x));
}

// The two rules on scale s: they may differ by one, and only where the exact value is within
// 1e-4 of a rounding tie. Returns the number of inputs where they differ.
int compare_with_table(float s, std::int32_t zp) {
  const auto fixed = ref::make_logistic_fixed_params({s, zp}, kOut);
  const auto table = ref::make_logistic_table({s, zp}, kOut);
  EXPECT_TRUE(fixed && table);
  if (!fixed || !table) return 0;
  int differences = 0;
  for (int q = -128; q <= 127; ++q) {
    const int a = ref::logistic_fixed_value(static_cast<std::int8_t>(q), *fixed);
    const int b = (*table)(static_cast<std::int8_t>(q));
    if (a == b) continue;
    ++differences;
    EXPECT_EQ(std::abs(a - b), 1) << s << " " << q;
    const long double e = exact_scaled(s, q - zp);
    EXPECT_LT(std::fabs(e - std::floor(e) - 0.5L), 1e-4L) << s << " " << q;
  }
  return differences;
}

TEST(LogisticFixedRef, DiffersFromTheFloatTableOnlyNextToTies) {
  test::Rng rng(5);
  for (int i = 0; i < 1000; ++i) {
    const float s = std::exp2(rng.uniform(-7.0f, 0.0f));
    compare_with_table(s, static_cast<std::int32_t>(rng.uniform_int(-128, 127)));
  }
  // Search where disagreements live: scales that put x = 37 right on a tie t + 0.5, and the
  // float scales around them.
  int differences = 0;
  for (int t = 130; t < 250; ++t) {
    const double tie = (t + 0.5) / 256.0;
    float s = static_cast<float>(-std::log(1.0 / tie - 1.0) / 37.0);
    for (int k = 0; k < 6; ++k) s = std::nextafter(s, 0.0f);
    for (int k = 0; k < 12; ++k, s = std::nextafter(s, 1.0f))
      differences += compare_with_table(s, 0);
  }
  EXPECT_GT(differences, 0);
}

TEST(LogisticFixedRef, PinnedDisagreementsWithTheTable) {
  // s_in = 0x1.1dfdc4p-6, q = -79: exact 51.4999972: fixed 51 -> -77 (right), table 52 -> -76.
  // s_in = 0x1.9c127ap-5, q = -12: exact 90.4999997: fixed 90 -> -38, table 91 -> -37.
  struct Pin {
    float s;
    std::int8_t q;
    std::int8_t fixed, table;
  };
  for (const Pin& pin : {Pin{0x1.1dfdc4p-6f, -79, -77, -76}, Pin{0x1.9c127ap-5f, -12, -38, -37}}) {
    const auto fixed = ref::make_logistic_fixed_params({pin.s, 0}, kOut);
    const auto table = ref::make_logistic_table({pin.s, 0}, kOut);
    ASSERT_TRUE(fixed && table);
    EXPECT_EQ(ref::logistic_fixed_value(pin.q, *fixed), pin.fixed);
    EXPECT_EQ((*table)(pin.q), pin.table);
  }
}

}  // namespace
}  // namespace mote
