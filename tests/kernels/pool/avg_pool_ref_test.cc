// Reference average and max pooling: hand-worked borders where the divisor is the in-bounds
// count, ties, clamps, rejection without writes, and int8 against float on random shapes.
#include "mote/kernels/pool/avg_pool_ref.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "mote/kernels/pool/max_pool_ref.h"
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

Window2d same3x3() {
  return Window2d{.kernel_h = 3, .kernel_w = 3, .padding = Padding::kSame};
}

const std::vector<std::int8_t> kImage{1, 2, -7, 4, -5, 6, -8, 9, 10};  // 3 x 3

TEST(AvgPoolRef, SamePaddingDividesByInBoundsTaps) {
  std::vector<std::int8_t> out(9);
  ASSERT_EQ(ref::avg_pool(cnhwc(kImage, 1, 3, 3, 1), nhwc(out, 1, 3, 3, 1), same3x3()),
            Status::kOk);
  // Corner (0,0): 1+2+4-5 = 2 over 4 taps = 0.5 -> 1 (a divisor of 9 would give 0).
  // (0,1): 1/6 -> 0; (0,2): -4/4 = -1; (1,0): 3/6 = 0.5 -> 1; (1,1): 12/9 -> 1;
  // (1,2): 15/6 = 2.5 -> 3; (2,0): 0/4 = 0; (2,1): 16/6 -> 3; (2,2): 20/4 = 5.
  EXPECT_EQ(out, (std::vector<std::int8_t>{1, 0, -1, 1, 1, 3, 0, 3, 5}));
}

TEST(AvgPoolRef, NegativeTieRoundsAwayFromZeroAndClamp) {
  const std::vector<std::int8_t> in{-1, -2, 127, 127};
  std::vector<std::int8_t> out(2);
  const Window2d w{.kernel_h = 1, .kernel_w = 2, .stride_w = 2};
  ASSERT_EQ(ref::avg_pool(cnhwc(in, 1, 1, 4, 1), nhwc(out, 1, 1, 2, 1), w), Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int8_t>{-2, 127}));  // -1.5 -> -2; no overflow at 127
  std::vector<std::int8_t> out2(9);
  ASSERT_EQ(
      ref::avg_pool(cnhwc(kImage, 1, 3, 3, 1), nhwc(out2, 1, 3, 3, 1), same3x3(), ClampRange{0, 3}),
      Status::kOk);
  EXPECT_EQ(out2, (std::vector<std::int8_t>{1, 0, 0, 1, 1, 3, 0, 3, 3}));
  // All -128 over a full window of 2 x 2 stays -128.
  const std::vector<std::int8_t> low(4, -128);
  std::vector<std::int8_t> one(1);
  const Window2d k2{.kernel_h = 2, .kernel_w = 2};
  ASSERT_EQ(ref::avg_pool(cnhwc(low, 1, 2, 2, 1), nhwc(one, 1, 1, 1, 1), k2), Status::kOk);
  EXPECT_EQ(one[0], -128);
}

TEST(MaxPoolRef, HandWorkedAndPaddingNeverWins) {
  std::vector<std::int8_t> out(9);
  ASSERT_EQ(ref::max_pool(cnhwc(kImage, 1, 3, 3, 1), nhwc(out, 1, 3, 3, 1), same3x3()),
            Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int8_t>{4, 6, 6, 9, 10, 10, 9, 10, 10}));
  const std::vector<std::int8_t> low(9, -100);
  ASSERT_EQ(ref::max_pool(cnhwc(low, 1, 3, 3, 1), nhwc(out, 1, 3, 3, 1), same3x3()), Status::kOk);
  EXPECT_EQ(out, std::vector<std::int8_t>(9, -100));
  ASSERT_EQ(ref::max_pool(cnhwc(kImage, 1, 3, 3, 1), nhwc(out, 1, 3, 3, 1), same3x3(),
                          ClampRange{-128, 6}),
            Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int8_t>{4, 6, 6, 6, 6, 6, 6, 6, 6}));
}

TEST(PoolRef, FloatHandWorked) {
  const std::vector<float> in{1, 2, -7, 4, -5, 6, -8, 9, 10};
  std::vector<float> out(9);
  ASSERT_EQ(ref::avg_pool(cnhwc(in, 1, 3, 3, 1), nhwc(out, 1, 3, 3, 1), same3x3()), Status::kOk);
  EXPECT_FLOAT_EQ(out[0], 0.5f);
  EXPECT_FLOAT_EQ(out[4], 12.0f / 9.0f);
  ASSERT_EQ(ref::max_pool(cnhwc(in, 1, 3, 3, 1), nhwc(out, 1, 3, 3, 1), same3x3(),
                          float_activation(Activation::kRelu6)),
            Status::kOk);
  EXPECT_EQ(out, (std::vector<float>{4, 6, 6, 6, 6, 6, 6, 6, 6}));
}

TEST(PoolRef, RejectsWithoutWriting) {
  std::vector<std::int8_t> out(9, 77);
  const auto in = cnhwc(kImage, 1, 3, 3, 1);
  EXPECT_EQ(ref::avg_pool(in, nhwc(out, 1, 2, 3, 1), same3x3()), Status::kShapeMismatch);
  EXPECT_EQ(ref::max_pool(in, nhwc(out, 1, 3, 3, 1), Window2d{.kernel_h = 3, .kernel_w = 3}),
            Status::kShapeMismatch);  // VALID 3x3 on 3x3 is 1x1
  Window2d dilated = same3x3();
  dilated.dilation_h = 2;
  EXPECT_EQ(ref::avg_pool(in, nhwc(out, 1, 3, 3, 1), dilated), Status::kUnsupported);
  EXPECT_EQ(ref::avg_pool(in, nhwc(out, 1, 3, 3, 1), same3x3(), ClampRange{5, 4}),
            Status::kInvalidArgument);
  EXPECT_EQ(ref::max_pool(in, nhwc(out, 1, 3, 3, 1), same3x3(), ClampRange{-129, 4}),
            Status::kInvalidArgument);
  Window2d bad = same3x3();
  bad.stride_h = 0;
  EXPECT_EQ(ref::avg_pool(in, nhwc(out, 1, 3, 3, 1), bad), Status::kInvalidArgument);
  // Explicit padding of 2 on a 1-tap kernel: the first output window is all padding.
  const Window2d empty{.padding = Padding::kExplicit, .pad = {2, 0, 0, 0}};
  EXPECT_EQ(ref::avg_pool(in, nhwc(out, 1, 5, 3, 1), empty), Status::kInvalidArgument);
  std::vector<float> fin(9, 1.0f), fout(9, 77.0f);
  EXPECT_EQ(ref::avg_pool(cnhwc(fin, 1, 3, 3, 1), nhwc(fout, 1, 3, 3, 1), same3x3(),
                          FloatOutputStage{{}, 1.0f, 0.0f}),
            Status::kInvalidArgument);
  EXPECT_EQ(out, std::vector<std::int8_t>(9, 77));
  EXPECT_EQ(fout, std::vector<float>(9, 77.0f));
}

TEST(PoolRef, RandomInt8AgainstFloat) {
  test::Rng rng(1234);
  int max_error = 0;
  std::size_t outputs = 0;
  std::size_t off_by_one = 0;
  for (int iter = 0; iter < 300; ++iter) {
    const std::size_t n = rng.index(1, 2), h = rng.index(1, 9), w = rng.index(1, 9);
    const std::size_t channels[] = {1, 3, 17};
    const std::size_t c = channels[rng.index(0, 2)];
    Window2d win{.kernel_h = static_cast<int>(rng.index(1, 4)),
                 .kernel_w = static_cast<int>(rng.index(1, 4)),
                 .stride_h = static_cast<int>(rng.index(1, 3)),
                 .stride_w = static_cast<int>(rng.index(1, 3)),
                 .padding = rng.index(0, 1) ? Padding::kSame : Padding::kValid};
    const std::size_t oh = window_output_h(win, h), ow = window_output_w(win, w);
    const QuantParams<std::int8_t> p{rng.uniform(0.001f, 0.1f),
                                     rng.uniform_int<std::int32_t>(-128, 127)};
    std::vector<std::int8_t> q = rng.vector<std::int8_t>(n * h * w * c, -128, 127);
    if (iter % 10 == 0) q.assign(q.size(), static_cast<std::int8_t>(iter % 20 == 0 ? -128 : 127));
    std::vector<float> real(q.size());
    for (std::size_t i = 0; i < q.size(); ++i) real[i] = dequantize(q[i], p);
    std::vector<std::int8_t> out(n * oh * ow * c);
    std::vector<std::int8_t> out_max(out.size());
    std::vector<float> fout(out.size());
    std::vector<float> fout_max(out.size());
    ASSERT_EQ(ref::avg_pool(cnhwc(q, n, h, w, c), nhwc(out, n, oh, ow, c), win), Status::kOk);
    ASSERT_EQ(ref::avg_pool(cnhwc(real, n, h, w, c), nhwc(fout, n, oh, ow, c), win), Status::kOk);
    ASSERT_EQ(ref::max_pool(cnhwc(q, n, h, w, c), nhwc(out_max, n, oh, ow, c), win), Status::kOk);
    ASSERT_EQ(ref::max_pool(cnhwc(real, n, h, w, c), nhwc(fout_max, n, oh, ow, c), win),
              Status::kOk);
    for (std::size_t i = 0; i < out.size(); ++i) {
      const int d = std::abs(int{out[i]} - int{quantize(fout[i], p)});
      max_error = std::max(max_error, d);
      off_by_one += d == 1 ? 1 : 0;
      EXPECT_EQ(out_max[i], quantize(fout_max[i], p));
    }
    outputs += out.size();
  }
  EXPECT_LE(max_error, 1);
  std::printf("avg_pool int8 vs float: %zu outputs, max error %d quanta, %zu off by one\n", outputs,
              max_error, off_by_one);
}

}  // namespace
}  // namespace mote
