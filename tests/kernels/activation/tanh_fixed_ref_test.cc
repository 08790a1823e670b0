// Fixed-point TANH (TFLite Micro): hand-worked values, saturation, rejection without writes, and a
// search against the float table: at most one apart, only next to a tie, a few pinned by hand.
#include "mote/kernels/activation/tanh_fixed_ref.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "mote/kernels/activation/tanh_ref.h"
#include "support/random.h"

namespace mote {
namespace {

template <typename T>
auto vec(std::vector<T>& v) {
  return make_view(v.data(), Extents<dyn>(v.size()));
}

constexpr QuantParams<std::int8_t> kOut{1.0f / 128.0f, 0};

TEST(TanhFixedRef, HandWorkedValues) {
  // s_in = 1/16, zp_in = -3: multiplier 2^30, shift 24, radius 120; x = q + 3 lands exactly on
  // Q4.27 as x / 16.
  const auto p = ref::make_tanh_fixed_params({1.0f / 16.0f, -3}, kOut);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->input_multiplier, (QuantizedMultiplier{1 << 30, 24}));
  EXPECT_EQ(p->input_range_radius, 120);
  EXPECT_EQ(ref::tanh_fixed_value(-3, *p), 0);     // tanh(0) = 0
  EXPECT_EQ(ref::tanh_fixed_value(13, *p), 97);    // tanh(1) * 128 = 97.48 -> 97
  EXPECT_EQ(ref::tanh_fixed_value(-19, *p), -97);  // odd
  EXPECT_EQ(ref::tanh_fixed_value(5, *p), 59);     // tanh(0.5) * 128 = 59.18 -> 59
  EXPECT_EQ(ref::tanh_fixed_value(77, *p), 127);   // tanh(5) * 128 = 127.99 -> 128, clamped
  EXPECT_EQ(ref::tanh_fixed_value(-83, *p), -128);
  EXPECT_EQ(ref::tanh_fixed_value(117, *p), 127);    // x = 120 >= radius
  EXPECT_EQ(ref::tanh_fixed_value(-123, *p), -128);  // x = -120 <= -radius
  std::vector<std::int8_t> in{-3, 13, -19}, out(3);
  ASSERT_EQ(ref::tanh_fixed(vec(in), vec(out), *p), Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int8_t>{0, 97, -97}));
}

TEST(TanhFixedRef, RejectsWithoutWriting) {
  EXPECT_EQ(ref::make_tanh_fixed_params({0.1f, 0}, {1.0f / 128.0f, 3}).status(),
            Status::kInvalidArgument);
  EXPECT_EQ(ref::make_tanh_fixed_params({0.1f, 0}, {1.0f / 256.0f, 0}).status(),
            Status::kInvalidArgument);
  EXPECT_EQ(ref::make_tanh_fixed_params({-0.1f, 0}, kOut).status(), Status::kInvalidArgument);
  const auto p = ref::make_tanh_fixed_params({0.1f, 0}, kOut);
  ASSERT_TRUE(p);
  std::vector<std::int8_t> in{1, 2}, out(3, 7);
  EXPECT_EQ(ref::tanh_fixed(vec(in), vec(out), *p), Status::kShapeMismatch);
  EXPECT_EQ(out, (std::vector<std::int8_t>(3, 7)));
}

// The two rules on scale s: they may differ by one, and only where the exact value is within
// 1e-4 of a rounding tie. Returns the number of inputs where they differ.
int compare_with_table(float s, std::int32_t zp) {
  const auto fixed = ref::make_tanh_fixed_params({s, zp}, kOut);
  const auto table = ref::make_tanh_table({s, zp}, kOut);
  EXPECT_TRUE(fixed && table);
  if (!fixed || !table) return 0;
  int differences = 0;
  for (int q = -128; q <= 127; ++q) {
    const int a = ref::tanh_fixed_value(static_cast<std::int8_t>(q), *fixed);
    const int b = (*table)(static_cast<std::int8_t>(q));
    if (a == b) continue;
    ++differences;
    EXPECT_EQ(std::abs(a - b), 1) << s << " " << q;
    const long double e = 128.0L * std::tanh(static_cast<long double>(s) * (q - zp));
    EXPECT_LT(std::fabs(std::fabs(e - std::trunc(e)) - 0.5L), 1e-4L) << s << " " << q;
  }
  return differences;
}

TEST(TanhFixedRef, DiffersFromTheFloatTableOnlyNextToTies) {
  test::Rng rng(6);
  for (int i = 0; i < 1000; ++i) {
    const float s = std::exp2(rng.uniform(-7.0f, 0.0f));
    compare_with_table(s, static_cast<std::int32_t>(rng.uniform_int(-128, 127)));
  }
  // Search where disagreements live: scales that put x = 29 right on a tie t + 0.5, and the
  // float scales around them.
  int differences = 0;
  for (int t = 1; t < 126; ++t) {
    float s = static_cast<float>(std::atanh((t + 0.5) / 128.0) / 29.0);
    for (int k = 0; k < 6; ++k) s = std::nextafter(s, 0.0f);
    for (int k = 0; k < 12; ++k, s = std::nextafter(s, 1.0f))
      differences += compare_with_table(s, 0);
  }
  EXPECT_GT(differences, 0);
}

TEST(TanhFixedRef, PinnedDisagreementsWithTheTable) {
  // s_in = 0x1.582498p-5, q = +-17: exact +-78.4999963: fixed +-78 (right), table +-79.
  // s_in = 0x1.3f4d54p-2, q = -10: exact -127.4999994: fixed -127, table -128.
  struct Pin {
    float s;
    std::int8_t q;
    std::int8_t fixed, table;
  };
  for (const Pin& pin : {Pin{0x1.582498p-5f, 17, 78, 79}, Pin{0x1.582498p-5f, -17, -78, -79},
                         Pin{0x1.3f4d54p-2f, -10, -127, -128}}) {
    const auto fixed = ref::make_tanh_fixed_params({pin.s, 0}, kOut);
    const auto table = ref::make_tanh_table({pin.s, 0}, kOut);
    ASSERT_TRUE(fixed && table);
    EXPECT_EQ(ref::tanh_fixed_value(pin.q, *fixed), pin.fixed);
    EXPECT_EQ((*table)(pin.q), pin.table);
  }
}

}  // namespace
}  // namespace mote
