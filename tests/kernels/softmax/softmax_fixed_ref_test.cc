// Fixed-point SOFTMAX (TFLite reference kernel, TFLite Micro): hand-worked parameters and rows,
// equal maxima, the diff_min cut, the single-rounding cap, long rows, rejection without writes,
// and a search against the float table with a few disagreements pinned by hand.
#include "mote/kernels/softmax/softmax_fixed_ref.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "mote/kernels/softmax/softmax_ref.h"
#include "support/random.h"

namespace mote {
namespace {

template <typename T>
auto vec(std::vector<T>& v) {
  return make_view(v.data(), Extents<dyn>(v.size()));
}
template <typename T>
auto mat(std::vector<T>& v, std::size_t rows, std::size_t cols) {
  return make_view(v.data(), Extents<dyn, dyn>(rows, cols));
}

constexpr QuantParams<std::int8_t> kOut{1.0f / 256.0f, -128};

TEST(SoftmaxFixedRef, HandWorkedParams) {
  // s_in = 1/16, beta = 1: real = 2^-4 * 2^26 = 2^22 = 0.5 * 2^23 -> (2^30, 23);
  // diff_min = -floor(31 * 2^26 / 2^23) = -248.
  const auto p = ref::make_softmax_fixed_params({1.0f / 16.0f, 5}, kOut);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->input_multiplier, 1 << 30);
  EXPECT_EQ(p->input_left_shift, 23);
  EXPECT_EQ(p->diff_min, -248);
  // beta = 2 doubles the multiplier: shift 24, diff_min -124.
  const auto p2 = ref::make_softmax_fixed_params({1.0f / 16.0f, 5}, kOut, 2.0f);
  ASSERT_TRUE(p2);
  EXPECT_EQ(p2->input_left_shift, 24);
  EXPECT_EQ(p2->diff_min, -124);
}

TEST(SoftmaxFixedRef, SingleRoundingCapsTheMultiplierLower) {
  // s_in = 16: real = 2^30. Default build: no cap reached, (2^30, 31), diff_min =
  // -floor(31 * 2^26 / 2^31) = 0. TFLITE_SINGLE_ROUNDING caps at 2^30 - 1: (2^31 - 2, 30),
  // diff_min = -floor(1.9375) = -1.
  const auto d = ref::make_softmax_fixed_params<Rounding::kDouble>({16.0f, 0}, kOut);
  const auto s = ref::make_softmax_fixed_params<Rounding::kSingle>({16.0f, 0}, kOut);
  ASSERT_TRUE(d && s);
  EXPECT_EQ(d->input_multiplier, 1 << 30);
  EXPECT_EQ(d->input_left_shift, 31);
  EXPECT_EQ(d->diff_min, 0);
  EXPECT_EQ(s->input_multiplier, 2147483646);
  EXPECT_EQ(s->input_left_shift, 30);
  EXPECT_EQ(s->diff_min, -1);
  // The maximum takes everything under both: the single build's exp(-16) is about 2^-23 and
  // rounds away.
  std::vector<std::int8_t> in{5, 4, -7}, a(3), b(3);
  ASSERT_EQ(ref::softmax_fixed(vec(in), vec(a), *d), Status::kOk);
  ASSERT_EQ(ref::softmax_fixed(vec(in), vec(b), *s), Status::kOk);
  EXPECT_EQ(a, (std::vector<std::int8_t>{127, -128, -128}));
  EXPECT_EQ(b, a);
}

TEST(SoftmaxFixedRef, EqualMaxima) {
  const auto p = ref::make_softmax_fixed_params({1.0f / 16.0f, 0}, kOut);
  ASSERT_TRUE(p);
  // {3, 3}: each exp(0) = one() = 2^31 - 1, rescaled to Q12.19: 2^19; sum 2^20, clz 11,
  // num_bits_over_unit 1, shifted sum 0 -> reciprocal one(); SRDHM(one, one) = 2^31 - 2;
  // RoundingDivideByPOT(2^31 - 2, 24) = 128 -> 0.
  std::vector<std::int8_t> two{3, 3}, out2(2);
  ASSERT_EQ(ref::softmax_fixed(vec(two), vec(out2), *p), Status::kOk);
  EXPECT_EQ(out2, (std::vector<std::int8_t>{0, 0}));
  // {3, 3, 3}: sum 3 * 2^19, shifted sum 2^30 -> reciprocal 2/3; 256 / 3 = 85.33 -> 85 -> -43.
  std::vector<std::int8_t> three{3, 3, 3}, out3(3);
  ASSERT_EQ(ref::softmax_fixed(vec(three), vec(out3), *p), Status::kOk);
  EXPECT_EQ(out3, (std::vector<std::int8_t>(3, -43)));
  // Two rows of a matrix, each with its own maximum: {-128, -128} and {127, 127, ...}.
  std::vector<std::int8_t> m{-128, -128, 127, 127}, outm(4);
  ASSERT_EQ(ref::softmax_fixed(mat(m, 2, 2), mat(outm, 2, 2), *p), Status::kOk);
  EXPECT_EQ(outm, (std::vector<std::int8_t>(4, 0)));
}

TEST(SoftmaxFixedRef, DiffMinCutsToExactZero) {
  // s_in = 1, beta = 1: real 2^26 -> (2^30, 27), diff_min = -floor(31 * 2^26 / 2^27) = -15.
  const auto p = ref::make_softmax_fixed_params({1.0f, 0}, kOut);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->diff_min, -15);
  // x - max = -15 is still exponentiated (exp(-15) * 256 = 7.9e-5 -> 0); -16 is left out.
  std::vector<std::int8_t> in{20, 5, 4, 19}, out(4);
  ASSERT_EQ(ref::softmax_fixed(vec(in), vec(out), *p), Status::kOk);
  // 256 / (1 + e^-1) = 187.15 -> 59; 256 e^-1 / (1 + e^-1) = 68.85 -> 69 -> -59.
  EXPECT_EQ(out, (std::vector<std::int8_t>{59, -128, -128, -59}));
}

TEST(SoftmaxFixedRef, LongRowsUpToTheSumLimit) {
  const auto p = ref::make_softmax_fixed_params({0.5f, 0}, kOut);
  ASSERT_TRUE(p);
  // 511 equal values: sum 511 * 2^19 < 2^28; 256 / 511 = 0.501 -> 1 -> -127.
  std::vector<std::int8_t> in(511, 9), out(511);
  ASSERT_EQ(ref::softmax_fixed(vec(in), vec(out), *p), Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int8_t>(511, -127)));
  // 512 equal values reach 2^28, where TFLite's output shift exceeds 31 (TFLITE_CHECK): rejected,
  // nothing written, also when the offending row is not the first.
  std::vector<std::int8_t> rows(2 * 512, 9), out2(2 * 512, 7);
  for (std::size_t j = 1; j < 512; ++j) rows[j] = -100;  // row 0 is fine
  EXPECT_EQ(ref::softmax_fixed(mat(rows, 2, 512), mat(out2, 2, 512), *p), Status::kUnsupported);
  EXPECT_EQ(out2, (std::vector<std::int8_t>(2 * 512, 7)));
  // A long row dominated by a few values is fine.
  std::vector<std::int8_t> sparse(2000, -128), out3(2000);
  sparse[7] = 100;
  ASSERT_EQ(ref::softmax_fixed(vec(sparse), vec(out3), *p), Status::kOk);
  EXPECT_EQ(out3[7], 127);
  EXPECT_EQ(out3[8], -128);
}

TEST(SoftmaxFixedRef, RejectsWithoutWriting) {
  EXPECT_EQ(ref::make_softmax_fixed_params({0.1f, 0}, {1.0f / 256.0f, 0}).status(),
            Status::kInvalidArgument);
  EXPECT_EQ(ref::make_softmax_fixed_params({0.1f, 0}, kOut, 0.0f).status(),
            Status::kInvalidArgument);
  // beta * s_in <= 2^-26: the multiplier would not exceed one.
  EXPECT_EQ(ref::make_softmax_fixed_params({0x1p-27f, 0}, kOut).status(), Status::kInvalidArgument);
  const auto p = ref::make_softmax_fixed_params({0.1f, 0}, kOut);
  ASSERT_TRUE(p);
  std::vector<std::int8_t> in{1, 2, 3}, out(2, 7);
  EXPECT_EQ(ref::softmax_fixed(vec(in), vec(out), *p), Status::kShapeMismatch);
  EXPECT_EQ(out, (std::vector<std::int8_t>(2, 7)));
  auto bad = *p;
  bad.diff_min = 1;
  std::vector<std::int8_t> out3(3, 7);
  EXPECT_EQ(ref::softmax_fixed(vec(in), vec(out3), bad), Status::kInvalidArgument);
  EXPECT_EQ(out3, (std::vector<std::int8_t>(3, 7)));
}

// Both rules on one row: at most one step apart, and only where the exact 256 p is within 1e-4 of
// a tie. Returns the number of outputs where they differ.
int compare_with_table(float s, std::vector<std::int8_t> in) {
  const auto fixed = ref::make_softmax_fixed_params({s, 0}, kOut);
  const auto table = ref::make_softmax_params({s, 0}, kOut);
  EXPECT_TRUE(fixed && table);
  if (!fixed || !table) return 0;
  std::vector<std::int8_t> a(in.size()), b(in.size());
  EXPECT_EQ(ref::softmax_fixed(vec(in), vec(a), *fixed), Status::kOk);
  EXPECT_EQ(ref::softmax(vec(in), vec(b), *table), Status::kOk);
  int max = -128;
  for (const std::int8_t x : in) max = x > max ? x : max;
  long double sum = 0;
  for (const std::int8_t x : in) sum += std::exp(static_cast<long double>(s) * (x - max));
  int differences = 0;
  for (std::size_t j = 0; j < in.size(); ++j) {
    if (a[j] == b[j]) continue;
    ++differences;
    EXPECT_EQ(std::abs(a[j] - b[j]), 1) << s << " " << j;
    const long double e = 256 * std::exp(static_cast<long double>(s) * (in[j] - max)) / sum;
    EXPECT_LT(std::fabs(e - std::floor(e) - 0.5L), 1e-4L) << s << " " << j;
  }
  return differences;
}

TEST(SoftmaxFixedRef, DiffersFromTheFloatTableOnlyNextToTies) {
  test::Rng rng(8);
  for (int i = 0; i < 1000; ++i) {
    const float s = std::exp2(rng.uniform(-6.0f, 1.0f));
    compare_with_table(s, rng.vector<std::int8_t>(rng.index(1, 12), -128, 127));
  }
  // Search where disagreements live: rows {0, -9} with a scale that puts 256 p(-9) on a tie
  // t + 0.5 (p = 1 / (1 + e^(9 s))), and the float scales around it.
  int differences = 0;
  for (int t = 2; t < 127; ++t) {
    float s = static_cast<float>(std::log(256.0 / (t + 0.5) - 1.0) / 9.0);
    for (int k = 0; k < 6; ++k) s = std::nextafter(s, 0.0f);
    for (int k = 0; k < 12; ++k, s = std::nextafter(s, 1.0f)) {
      differences += compare_with_table(s, {0, -9});
    }
  }
  EXPECT_GT(differences, 0);
}

TEST(SoftmaxFixedRef, PinnedDisagreementsWithTheTable) {
  // s_in = 0x1.26c1c8p+0, {18, 19}: exact 256 p = 61.500029, 194.499971: the table gives
  // {-66, 66}, the fixed point {-67, 66}.
  // s_in = 0x1.519a46p-2, {0, 0, 2, -3, 20}: exact 254.5001 for the maximum: table 127, fixed 126.
  const auto p1 = ref::make_softmax_fixed_params({0x1.26c1c8p+0f, 0}, kOut);
  const auto t1 = ref::make_softmax_params({0x1.26c1c8p+0f, 0}, kOut);
  ASSERT_TRUE(p1 && t1);
  std::vector<std::int8_t> in1{18, 19}, a1(2), b1(2);
  ASSERT_EQ(ref::softmax_fixed(vec(in1), vec(a1), *p1), Status::kOk);
  ASSERT_EQ(ref::softmax(vec(in1), vec(b1), *t1), Status::kOk);
  EXPECT_EQ(a1, (std::vector<std::int8_t>{-67, 66}));
  EXPECT_EQ(b1, (std::vector<std::int8_t>{-66, 66}));
  const auto p2 = ref::make_softmax_fixed_params({0x1.519a46p-2f, 0}, kOut);
  const auto t2 = ref::make_softmax_params({0x1.519a46p-2f, 0}, kOut);
  ASSERT_TRUE(p2 && t2);
  std::vector<std::int8_t> in2{0, 0, 2, -3, 20}, a2(5), b2(5);
  ASSERT_EQ(ref::softmax_fixed(vec(in2), vec(a2), *p2), Status::kOk);
  ASSERT_EQ(ref::softmax(vec(in2), vec(b2), *t2), Status::kOk);
  EXPECT_EQ(a2, (std::vector<std::int8_t>{-128, -128, -127, -128, 126}));
  EXPECT_EQ(b2, (std::vector<std::int8_t>{-128, -128, -127, -128, 127}));
}

}  // namespace
}  // namespace mote
