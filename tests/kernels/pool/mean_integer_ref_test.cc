// Integer-division MEAN (TFLite reference kernel, TFLite Micro): hand-worked planes with zero
// points far from 0, the rounding of the division, both roundings of the rescale, rejection without
// writes, and the comparison with the runtime's float-multiplier MEAN.
#include "mote/kernels/pool/mean_integer_ref.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "mote/kernels/pool/mean_ref.h"
#include "support/random.h"

namespace mote {
namespace {

template <typename T>
auto nhwc(std::vector<T>& v, std::size_t n, std::size_t h, std::size_t w, std::size_t c) {
  return make_view(v.data(), Extents<dyn, dyn, dyn, dyn>(n, h, w, c));
}

TEST(MeanIntegerRef, HandWorked) {
  // s_in = 0.1, s_out = 0.2, zp_in = 120, zp_out = 60; 2 x 2 plane, 2 channels; multiplier 0.5.
  // Channel 0: q - zp_in = {-120, -110, -100, -90}, sum -420, x 0.5 = -210 (exact), / 4 = -52.5:
  // (-210 - 2) / 4 = -53 (half away from zero), -53 + 60 = 7.
  // Channel 1: q - zp_in = {7, 6, 5, 4}, sum 22, x 0.5 = 11, (11 + 2) / 4 = 3 (3.25), 63.
  const auto p = ref::make_mean_integer_params({0.1f, 120}, {0.2f, 60}, 2, 2);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->multiplier, (QuantizedMultiplier{1 << 30, 0}));
  std::vector<std::int8_t> in{0, 127, 10, 126, 20, 125, 30, 124}, out(2);
  ASSERT_EQ(ref::mean_integer(nhwc(in, 1, 2, 2, 2), nhwc(out, 1, 1, 1, 2), *p), Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int8_t>{7, 63}));
  // The same plane with zp_out = -120 saturates channel 0: -173 -> -128.
  const auto q = ref::make_mean_integer_params({0.1f, 120}, {0.2f, -120}, 2, 2);
  ASSERT_TRUE(q);
  ASSERT_EQ(ref::mean_integer(nhwc(in, 1, 2, 2, 2), nhwc(out, 1, 1, 1, 2), *q), Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int8_t>{-128, -117}));
}

TEST(MeanIntegerRef, DivisionRoundsHalfAwayFromZero) {
  // s_in = s_out, zp 0, 1 x 2 plane: (1 + 0) / 2 = 0.5 -> 1; (-1 + 0) / 2 -> -1; 3 / 2 -> 2.
  const auto p = ref::make_mean_integer_params({0.5f, 0}, {0.5f, 0}, 1, 2);
  ASSERT_TRUE(p);
  std::vector<std::int8_t> in{1, 0, -1, 0, 1, 2}, out(3);
  ASSERT_EQ(ref::mean_integer(nhwc(in, 3, 1, 2, 1), nhwc(out, 3, 1, 1, 1), *p), Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int8_t>{1, -1, 2}));
}

TEST(MeanIntegerRef, RescaleTieUnderBothRoundings) {
  // s_in / s_out = 1/4 (2^30, -1); a 1 x 1 plane with q - zp_in = -2: -0.5 -> -1 (double: ties
  // away from zero in the final shift) or 0 (single: ties toward +infinity).
  const auto p = ref::make_mean_integer_params({0.25f, 10}, {1.0f, 0}, 1, 1);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->multiplier, (QuantizedMultiplier{1 << 30, -1}));
  std::vector<std::int8_t> in{8}, a(1), b(1);
  ASSERT_EQ(ref::mean_integer<Rounding::kDouble>(nhwc(in, 1, 1, 1, 1), nhwc(a, 1, 1, 1, 1), *p),
            Status::kOk);
  ASSERT_EQ(ref::mean_integer<Rounding::kSingle>(nhwc(in, 1, 1, 1, 1), nhwc(b, 1, 1, 1, 1), *p),
            Status::kOk);
  EXPECT_EQ(a[0], -1);
  EXPECT_EQ(b[0], 0);
}

TEST(MeanIntegerRef, RejectsWithoutWriting) {
  EXPECT_EQ(ref::make_mean_integer_params({0.1f, 0}, {0.1f, 0}, 0, 3).status(),
            Status::kInvalidArgument);
  EXPECT_EQ(ref::make_mean_integer_params({0.0f, 0}, {0.1f, 0}, 2, 3).status(),
            Status::kInvalidArgument);
  EXPECT_EQ(ref::make_mean_integer_params({1e30f, 0}, {1e-10f, 0}, 2, 3).status(),
            Status::kUnsupported);
  const auto p = ref::make_mean_integer_params({0.1f, 0}, {0.1f, 0}, 2, 2);
  ASSERT_TRUE(p);
  std::vector<std::int8_t> in(2 * 3 * 1, 1), out(1, 7);
  EXPECT_EQ(ref::mean_integer(nhwc(in, 1, 2, 3, 1), nhwc(out, 1, 1, 1, 1), *p),
            Status::kShapeMismatch);
  EXPECT_EQ(out[0], 7);
}

TEST(MeanIntegerRef, WithinOneOfTheFloatMultiplierMean) {
  // Both round the same real mean; the runtime's folded bias and float multiplier may land on
  // the other side of a tie, never further.
  test::Rng rng(21);
  int differences = 0;
  for (int i = 0; i < 2000; ++i) {
    const QuantParams<std::int8_t> in_q{rng.uniform(0.01f, 0.2f), rng.uniform_int(-128, 127)};
    const QuantParams<std::int8_t> out_q{rng.uniform(0.01f, 0.2f), rng.uniform_int(-128, 127)};
    const std::size_t h = rng.index(1, 7);
    const std::size_t w = rng.index(1, 7);
    const auto a_p = ref::make_mean_integer_params(in_q, out_q, h, w);
    const auto b_p = ref::make_mean_params(in_q, out_q, h, w);
    ASSERT_TRUE(a_p && b_p);
    std::vector<std::int8_t> in = rng.vector<std::int8_t>(h * w, -128, 127), a(1), b(1);
    ASSERT_EQ(ref::mean_integer(nhwc(in, 1, h, w, 1), nhwc(a, 1, 1, 1, 1), *a_p), Status::kOk);
    ASSERT_EQ(ref::mean(nhwc(in, 1, h, w, 1), nhwc(b, 1, 1, 1, 1), *b_p), Status::kOk);
    ASSERT_LE(std::abs(a[0] - b[0]), 1);
    differences += a[0] != b[0];
  }
  EXPECT_GT(differences, 0);
}

}  // namespace
}  // namespace mote
