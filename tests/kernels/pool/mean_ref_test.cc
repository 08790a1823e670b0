// Reference MEAN over H and W: TFLite's float-computed multiplier and bias (zero points far from
// 0), both rounding rules, rejection without writes, and int8 against float on random shapes.
#include "mote/kernels/pool/mean_ref.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <vector>

#include "mote/quant/quantize.h"
#include "support/random.h"

namespace mote {
namespace {

using Nhwc = Extents<dyn, dyn, dyn, dyn>;

template <typename T>
auto nhwc(std::vector<T>& v, std::size_t n, std::size_t h, std::size_t w, std::size_t c) {
  return make_view(v.data(), Nhwc(n, h, w, c));
}
template <typename T>
auto cnhwc(const std::vector<T>& v, std::size_t n, std::size_t h, std::size_t w, std::size_t c) {
  return make_view(v.data(), Nhwc(n, h, w, c));
}

TEST(MeanRef, ZeroPointsNearTheTop) {
  // s_in 0.5, zp_in 127; s_out 0.25, zp_out 127; 2 x 2. real_scale = 0.5 / (4 * 0.25) = 0.5;
  // temp = 127 * 0.5 / 0.25 = 254 -> 254.5 -> 254; bias = 127 - 254 = -127.
  const auto p = ref::make_mean_params({0.5f, 127}, {0.25f, 127}, 2, 2);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->multiplier, (QuantizedMultiplier{1 << 30, 0}));
  EXPECT_EQ(p->bias, -127);
  // Channel 0: acc = 127+120+110+100 = 457; 457 * 0.5 = 228.5 -> 229 (SRDHM ties go up);
  //   229 - 127 = 102 (the float mean, -25.5 quanta from 127, would round to 101).
  // Channel 1: acc = -511 -> -255.5 -> -255; -382 clamps to -128.
  // Channel 2: acc = 1 -> 0.5 -> 1; 1 - 127 = -126.
  const std::vector<std::int8_t> in{127, -128, 0, 120, -128, 0, 110, -128, 0, 100, -127, 1};
  std::vector<std::int8_t> out(3);
  ASSERT_EQ(ref::mean(cnhwc(in, 1, 2, 2, 3), nhwc(out, 1, 1, 1, 3), *p), Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int8_t>{102, -128, -126}));
}

TEST(MeanRef, MultiplierAndBiasAreComputedInFloat) {
  // s_in 0.1f, zp_in -128; s_out 0.3f, zp_out -100; 3 x 1. In float,
  // 0.1f / (3.0f * 0.3f) quantizes to 1908874368 * 2^-34; in double it would be 1908874306.
  // temp = -128 * 0.1f / 0.3f = -42.67 -> -43.17 -> -43; bias = -100 + 43 = -57.
  const auto p = ref::make_mean_params({0.1f, -128}, {0.3f, -100}, 3, 1);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->multiplier, (QuantizedMultiplier{1908874368, -3}));
  EXPECT_EQ(p->bias, -57);
  // acc = -1: SRDHM -> -1, RoundingDivideByPOT(-1, 3) = 0 -> -57.
  // acc = 381: 381 * 0.8889 / 8 = 42.33 -> 42 -> -15.
  const std::vector<std::int8_t> in{-128, 127, 0, 127, 127, 127};
  std::vector<std::int8_t> out(2);
  ASSERT_EQ(ref::mean(cnhwc(in, 1, 3, 1, 2), nhwc(out, 1, 1, 1, 2), *p), Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int8_t>{-57, -15}));
}

TEST(MeanRef, SingleRoundingDiffersOnATie) {
  // Multiplier 2^-2 (shift -1 of 0.5): acc = -2 -> -0.5. Double: SRDHM(-2, 2^30) = -1,
  // RoundingDivideByPOT(-1, 1) = -1 (ties away from zero); single: (-2 * 2^30 + 2^31) >> 32 = 0.
  const ref::MeanParams p{QuantizedMultiplier{1 << 30, -1}, 0, 1, 2};
  const std::vector<std::int8_t> in{-1, -1};
  std::vector<std::int8_t> out(1);
  ASSERT_EQ(ref::mean(cnhwc(in, 1, 1, 2, 1), nhwc(out, 1, 1, 1, 1), p), Status::kOk);
  EXPECT_EQ(out[0], -1);
  ASSERT_EQ(ref::mean<Rounding::kSingle>(cnhwc(in, 1, 1, 2, 1), nhwc(out, 1, 1, 1, 1), p),
            Status::kOk);
  EXPECT_EQ(out[0], 0);
}

TEST(MeanRef, RejectsWithoutWriting) {
  EXPECT_EQ(ref::make_mean_params({0.0f, 0}, {1.0f, 0}, 2, 2).status(), Status::kInvalidArgument);
  EXPECT_EQ(ref::make_mean_params({1.0f, 0}, {1.0f, 200}, 2, 2).status(), Status::kInvalidArgument);
  EXPECT_EQ(ref::make_mean_params({1.0f, 0}, {1.0f, 0}, 0, 2).status(), Status::kInvalidArgument);
  EXPECT_EQ(ref::make_mean_params({1.0f, 0}, {1.0f, 0}, 4096, 4096).status(),
            Status::kInvalidArgument);
  EXPECT_EQ(ref::make_mean_params({1e30f, 100}, {1e-30f, 0}, 1, 1).status(),
            Status::kInvalidArgument);
  const auto p = ref::make_mean_params({0.5f, 0}, {0.5f, 0}, 2, 2);
  ASSERT_TRUE(p);
  const std::vector<std::int8_t> in(12, 5);
  std::vector<std::int8_t> out(4, 77);
  EXPECT_EQ(ref::mean(cnhwc(in, 1, 3, 2, 2), nhwc(out, 1, 1, 1, 2), *p), Status::kShapeMismatch);
  EXPECT_EQ(ref::mean(cnhwc(in, 1, 2, 2, 3), nhwc(out, 1, 1, 1, 2), *p), Status::kShapeMismatch);
  EXPECT_EQ(ref::mean(cnhwc(in, 1, 2, 2, 3), nhwc(out, 1, 2, 1, 2), *p), Status::kShapeMismatch);
  std::vector<float> fout(2, 77.0f);
  const std::vector<float> fin(12, 1.0f);
  EXPECT_EQ(ref::mean(cnhwc(fin, 1, 2, 2, 3), nhwc(fout, 1, 1, 1, 2)), Status::kShapeMismatch);
  EXPECT_EQ(out, std::vector<std::int8_t>(4, 77));
  EXPECT_EQ(fout, std::vector<float>(2, 77.0f));
}

TEST(MeanRef, RandomInt8AgainstFloat) {
  test::Rng rng(99);
  int max_error = 0;
  std::size_t outputs = 0;
  std::size_t off_by_one = 0;
  for (int iter = 0; iter < 400; ++iter) {
    const std::size_t n = rng.index(1, 2), h = rng.index(1, 15), w = rng.index(1, 15);
    const std::size_t channels[] = {1, 3, 17};
    const std::size_t c = channels[rng.index(0, 2)];
    const QuantParams<std::int8_t> pin{rng.uniform(0.005f, 0.1f),
                                       rng.uniform_int<std::int32_t>(-128, 127)};
    QuantParams<std::int8_t> pout{rng.uniform(0.005f, 0.1f),
                                  rng.uniform_int<std::int32_t>(-128, 127)};
    if (iter % 4 == 0) pout = {pin.scale * rng.uniform(0.3f, 1.0f), iter % 8 == 0 ? -128 : 127};
    std::vector<std::int8_t> q = rng.vector<std::int8_t>(n * h * w * c, -128, 127);
    if (iter % 10 == 1) q.assign(q.size(), static_cast<std::int8_t>(iter % 20 == 1 ? -128 : 127));
    std::vector<float> real(q.size());
    for (std::size_t i = 0; i < q.size(); ++i) real[i] = dequantize(q[i], pin);
    const auto p = ref::make_mean_params(pin, pout, h, w);
    ASSERT_TRUE(p);
    std::vector<std::int8_t> out(n * c);
    std::vector<float> fout(n * c);
    ASSERT_EQ(ref::mean(cnhwc(q, n, h, w, c), nhwc(out, n, 1, 1, c), *p), Status::kOk);
    ASSERT_EQ(ref::mean(cnhwc(real, n, h, w, c), nhwc(fout, n, 1, 1, c)), Status::kOk);
    for (std::size_t i = 0; i < out.size(); ++i) {
      const int d = std::abs(int{out[i]} - int{quantize(fout[i], pout)});
      max_error = std::max(max_error, d);
      off_by_one += d == 1 ? 1 : 0;
    }
    outputs += out.size();
  }
  EXPECT_LE(max_error, 1);
  std::printf("mean int8 vs float: %zu outputs, max error %d quanta, %zu off by one\n", outputs,
              max_error, off_by_one);
}

}  // namespace
}  // namespace mote
