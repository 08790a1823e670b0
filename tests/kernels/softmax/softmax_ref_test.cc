// Reference SOFTMAX: TFLite's float table and normalisation on hand-worked rows (equal maxima,
// saturation, one-element rows), rejection without writes, and int8 against float.
#include "mote/kernels/softmax/softmax_ref.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "mote/quant/quantize.h"
#include "support/random.h"

namespace mote {
namespace {

using Rows = Extents<dyn, dyn>;
constexpr QuantParams<std::int8_t> kOut{1.0f / 256.0f, -128};

template <typename T>
auto rows(std::vector<T>& v, std::size_t depth) {
  return make_view(v.data(), Rows(v.size() / depth, depth));
}
template <typename T>
auto crows(const std::vector<T>& v, std::size_t depth) {
  return make_view(v.data(), Rows(v.size() / depth, depth));
}

TEST(SoftmaxRef, TableAsTflite) {
  const auto p = ref::make_softmax_params({0.0625f, 3}, kOut, 1.0f);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->exp_table[0], 1.0f);
  EXPECT_EQ(p->exp_table[16], std::exp(-0.0625f * 16.0f));
  EXPECT_EQ(p->exp_table[255], std::exp(-0.0625f * 255.0f));
}

TEST(SoftmaxRef, HandWorkedRows) {
  const auto p = ref::make_softmax_params({0.0625f, 0}, kOut);
  ASSERT_TRUE(p);
  // Four equal maxima: 1/4 each -> 64 quanta -> -64.
  // [10, 10, -6]: t = 1, 1, e^-1; sum 2.3679; 1 / (sum / 256) = 108.11 -> 108, 108, 39.77 -> 40.
  const std::vector<std::int8_t> in{5, 5, 5, 5};
  std::vector<std::int8_t> out(4);
  ASSERT_EQ(ref::softmax(crows(in, 4), rows(out, 4), *p), Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int8_t>{-64, -64, -64, -64}));
  const std::vector<std::int8_t> in3{10, 10, -6, 127, -128, 0};
  std::vector<std::int8_t> out3(6);
  ASSERT_EQ(ref::softmax(crows(in3, 3), rows(out3, 3), *p), Status::kOk);
  // Row 2: e^-7.94 for 0 (d = 127) is 0.09 quanta -> 0; the max takes 256 - clamps to 127.
  EXPECT_EQ(out3, (std::vector<std::int8_t>{-20, -20, -88, 127, -128, -128}));
  // A one-element row is probability 1: 256 quanta, saturating at 127.
  const std::vector<std::int8_t> one{7};
  std::vector<std::int8_t> out1(1);
  ASSERT_EQ(ref::softmax(crows(one, 1), rows(out1, 1), *p), Status::kOk);
  EXPECT_EQ(out1[0], 127);
  // beta = 2, s_in 0.1: two equal maxima share the mass: 128 quanta -> 0.
  const auto p2 = ref::make_softmax_params({0.1f, 0}, kOut, 2.0f);
  ASSERT_TRUE(p2);
  const std::vector<std::int8_t> in5{127, 127, -128, 0, 3};
  std::vector<std::int8_t> out5(5);
  ASSERT_EQ(ref::softmax(crows(in5, 5), rows(out5, 5), *p2), Status::kOk);
  EXPECT_EQ(out5, (std::vector<std::int8_t>{0, 0, -128, -128, -128}));
}

TEST(SoftmaxRef, AnyRankLastAxis) {
  const auto p = ref::make_softmax_params({0.0625f, 0}, kOut);
  ASSERT_TRUE(p);
  std::vector<std::int8_t> in(2 * 2 * 2 * 4, 5), out(in.size());
  ASSERT_EQ(ref::softmax(make_view(in.data(), Extents<2, 2, 2, 4>{}),
                         make_view(out.data(), Extents<2, 2, 2, 4>{}), *p),
            Status::kOk);
  EXPECT_EQ(out, std::vector<std::int8_t>(out.size(), -64));
}

TEST(SoftmaxRef, RejectsWithoutWriting) {
  EXPECT_EQ(ref::make_softmax_params({0.1f, 0}, {1.0f / 128.0f, -128}).status(),
            Status::kInvalidArgument);
  EXPECT_EQ(ref::make_softmax_params({0.1f, 0}, {1.0f / 256.0f, 0}).status(),
            Status::kInvalidArgument);
  EXPECT_EQ(ref::make_softmax_params({0.1f, 0}, kOut, 0.0f).status(), Status::kInvalidArgument);
  EXPECT_EQ(ref::make_softmax_params({0.0f, 0}, kOut).status(), Status::kInvalidArgument);
  const auto p = ref::make_softmax_params({0.1f, 0}, kOut);
  ASSERT_TRUE(p);
  const std::vector<std::int8_t> in(6, 1);
  std::vector<std::int8_t> out(6, 77);
  EXPECT_EQ(ref::softmax(crows(in, 3), rows(out, 2), *p), Status::kShapeMismatch);
  ref::SoftmaxParams bad = *p;
  bad.output_zero_point = 200;
  EXPECT_EQ(ref::softmax(crows(in, 3), rows(out, 3), bad), Status::kInvalidArgument);
  const std::vector<float> fin(6, 1.0f);
  std::vector<float> fout(6, 77.0f);
  EXPECT_EQ(ref::softmax(crows(fin, 3), rows(fout, 2)), Status::kShapeMismatch);
  EXPECT_EQ(ref::softmax(crows(fin, 3), rows(fout, 3), -1.0f), Status::kInvalidArgument);
  EXPECT_EQ(out, std::vector<std::int8_t>(6, 77));
  EXPECT_EQ(fout, std::vector<float>(6, 77.0f));
}

TEST(SoftmaxRef, RandomInt8AgainstFloat) {
  test::Rng rng(21);
  int max_error = 0;
  std::size_t outputs = 0;
  std::size_t off_by_one = 0;
  for (int iter = 0; iter < 400; ++iter) {
    const std::size_t depths[] = {1, 3, 17, 100};
    const std::size_t depth = depths[rng.index(0, 3)];
    const std::size_t n = rng.index(1, 5) * depth;
    const QuantParams<std::int8_t> pin{rng.uniform(0.01f, 0.3f),
                                       rng.uniform_int<std::int32_t>(-128, 127)};
    const float beta = iter % 3 == 0 ? 1.0f : rng.uniform(0.5f, 2.0f);
    const auto p = ref::make_softmax_params(pin, kOut, beta);
    ASSERT_TRUE(p);
    std::vector<std::int8_t> q = rng.vector<std::int8_t>(n, -128, 127);
    if (iter % 10 == 0) q.assign(n, static_cast<std::int8_t>(iter % 20 == 0 ? -128 : 127));
    std::vector<float> real(n), fout(n);
    for (std::size_t i = 0; i < n; ++i) real[i] = dequantize(q[i], pin);
    std::vector<std::int8_t> out(n);
    ASSERT_EQ(ref::softmax(crows(q, depth), rows(out, depth), *p), Status::kOk);
    ASSERT_EQ(ref::softmax(crows(real, depth), rows(fout, depth), beta), Status::kOk);
    for (std::size_t i = 0; i < n; ++i) {
      const int d = std::abs(int{out[i]} - int{quantize(fout[i], kOut)});
      max_error = std::max(max_error, d);
      off_by_one += d == 1 ? 1 : 0;
    }
    outputs += n;
  }
  EXPECT_LE(max_error, 1);
  std::printf("softmax int8 vs float: %zu outputs, max error %d quanta, %zu off by one\n", outputs,
              max_error, off_by_one);
}

}  // namespace
}  // namespace mote
