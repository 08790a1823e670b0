// SIMD convolution (GEMM path) against the reference, bit for bit, on every compiled target:
// 1x1 without copies, KxK through im2col, stride, dilation, SAME/VALID/explicit padding with
// non-zero input zero points, both rounding rules, threads; rejection without writes.
#include "mote/kernels/conv/conv2d.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "mote/base/thread_pool.h"
#include "mote/kernels/conv/conv2d_ref.h"
#include "support/random.h"
#include "support/targets.h"

namespace mote {
namespace {

using Nhwc = Extents<dyn, dyn, dyn, dyn>;

struct ConvCase {
  std::size_t batch, h, w, c, o;
  Window2d window;
};

struct Filter {
  std::vector<std::int8_t> weights;
  std::vector<std::int32_t> bias, sums;
  PackedGemmWeights packed;
};

template <Rounding R>
void check_case(test::Rng& rng, const ConvCase& cc, bool per_channel, ThreadPool& pool) {
  const std::size_t kh = static_cast<std::size_t>(cc.window.kernel_h);
  const std::size_t kw = static_cast<std::size_t>(cc.window.kernel_w);
  std::vector<std::int8_t> input =
      rng.vector<std::int8_t>(cc.batch * cc.h * cc.w * cc.c, -128, 127);
  std::vector<std::int8_t> filter = rng.vector<std::int8_t>(cc.o * kh * kw * cc.c, -128, 127);
  std::vector<std::int32_t> bias = rng.vector<std::int32_t>(cc.o, -50000, 50000);
  std::vector<QuantizedMultiplier> multipliers;
  for (std::size_t i = 0; i < (per_channel ? cc.o : 1); ++i) {
    multipliers.push_back(
        {rng.uniform_int<std::int32_t>(1 << 30, 0x7fffffff), rng.uniform_int<int>(-14, -4)});
  }
  const std::int32_t input_zero_point = rng.uniform_int<std::int32_t>(-128, 127);
  OutputStage<R> stage;
  stage.bias = bias;
  stage.multipliers = multipliers;
  stage.zero_point = rng.uniform_int<std::int32_t>(-128, 127);
  stage.clamp_min = rng.uniform_int<std::int32_t>(-128, -20);
  stage.clamp_max = rng.uniform_int<std::int32_t>(20, 127);

  const std::size_t oh = window_output_h(cc.window, cc.h);
  const std::size_t ow = window_output_w(cc.window, cc.w);
  auto in_view =
      make_view(static_cast<const std::int8_t*>(input.data()), Nhwc(cc.batch, cc.h, cc.w, cc.c));
  auto filter_view =
      make_view(static_cast<const std::int8_t*>(filter.data()), Nhwc(cc.o, kh, kw, cc.c));
  std::vector<std::int8_t> expected(cc.batch * oh * ow * cc.o, 0x5a);
  ASSERT_EQ(ref::conv2d(in_view, input_zero_point, filter_view,
                        make_view(expected.data(), Nhwc(cc.batch, oh, ow, cc.o)), cc.window, stage),
            Status::kOk);

  std::vector<std::int8_t> packed(packed_gemm_weight_bytes(cc.o, kh * kw * cc.c));
  std::vector<std::int32_t> packed_bias(packed_gemm_bias_count(cc.o)), sums(packed_bias.size());
  auto p = pack_conv2d_filter(filter_view, bias, input_zero_point, {packed, packed_bias, sums});
  ASSERT_TRUE(p.has_value());
  OutputStage<R> no_bias = stage;
  no_bias.bias = {};
  std::vector<std::int8_t> scratch(conv2d_scratch_bytes(cc.batch, cc.h, cc.w, cc.c, cc.window));
  if (conv2d_is_pointwise(cc.window)) {
    EXPECT_TRUE(scratch.empty());
  }
  std::vector<std::int8_t> got(expected.size(), 0x5a);
  auto out_view = make_view(got.data(), Nhwc(cc.batch, oh, ow, cc.o));
  ASSERT_EQ(conv2d(in_view, *p, out_view, cc.window, no_bias, scratch), Status::kOk);
  ASSERT_EQ(got, expected) << "k=" << kh << "x" << kw << " s=" << cc.window.stride_h
                           << " c=" << cc.c << " o=" << cc.o << " h=" << cc.h << " w=" << cc.w;
  std::vector<std::int8_t> threaded(expected.size(), 0x5a);
  ASSERT_EQ(conv2d(in_view, *p, make_view(threaded.data(), Nhwc(cc.batch, oh, ow, cc.o)), cc.window,
                   no_bias, scratch, pool),
            Status::kOk);
  ASSERT_EQ(threaded, expected);
}

class Conv2dTest : public test::PerTarget {
 protected:
  ThreadPool pool_{3};
};
MOTE_INSTANTIATE_PER_TARGET(Conv2dTest);

TEST_P(Conv2dTest, PointwiseAndKxKMatchReference) {
  test::Rng rng(2024);
  const Padding paddings[] = {Padding::kSame, Padding::kValid, Padding::kExplicit};
  for (int iter = 0; iter < 40; ++iter) {
    ConvCase cc;
    cc.batch = rng.index(1, 2);
    cc.h = rng.index(1, 9);
    cc.w = rng.index(1, 9);
    cc.c = iter % 5 == 0 ? 1 : rng.index(1, 20);
    cc.o = iter % 4 == 0 ? rng.index(1, 3) : rng.index(1, 40);
    const int k = iter % 3 == 0 ? 1 : (iter % 3 == 1 ? 3 : static_cast<int>(rng.index(1, 5)));
    cc.window.kernel_h = k;
    cc.window.kernel_w = iter % 7 == 0 ? 1 : k;
    cc.window.stride_h = cc.window.stride_w = static_cast<int>(rng.index(1, 2));
    cc.window.dilation_h = cc.window.dilation_w = iter % 6 == 5 ? 2 : 1;
    cc.window.padding = paddings[rng.index(0, 2)];
    if (cc.window.padding == Padding::kExplicit) {
      cc.window.pad = {static_cast<int>(rng.index(0, 2)), static_cast<int>(rng.index(0, 2)),
                       static_cast<int>(rng.index(0, 2)), static_cast<int>(rng.index(0, 2))};
    }
    if (window_output_h(cc.window, cc.h) == 0 || window_output_w(cc.window, cc.w) == 0) continue;
    check_case<Rounding::kDouble>(rng, cc, iter % 2 == 0, pool_);
    check_case<Rounding::kSingle>(rng, cc, iter % 2 == 1, pool_);
  }
}

TEST_P(Conv2dTest, MobileNetPointwise) {
  test::Rng rng(11);
  check_case<Rounding::kDouble>(rng, {1, 14, 14, 24, 144, Window2d{}}, true, pool_);
  check_case<Rounding::kSingle>(rng, {1, 7, 7, 160, 40, Window2d{}}, false, pool_);
  Window2d s2{3, 3, 2, 2, 1, 1, Padding::kSame, {}};
  check_case<Rounding::kDouble>(rng, {1, 15, 16, 3, 32, s2}, true, pool_);
}

TEST(Conv2dValidation, RejectsWithoutWriting) {
  std::vector<std::int8_t> input(1 * 4 * 4 * 6, 1), filter(5 * 3 * 3 * 6, 2);
  std::vector<std::int8_t> packed(packed_gemm_weight_bytes(5, 54));
  std::vector<std::int32_t> bias(packed_gemm_bias_count(5)), sums(bias.size());
  auto p =
      pack_conv2d_filter(make_view(filter.data(), Nhwc(5, 3, 3, 6)), {}, 3, {packed, bias, sums});
  ASSERT_TRUE(p.has_value());
  const QuantizedMultiplier m{1 << 30, -3};
  OutputStage<> stage;
  stage.multipliers = std::span(&m, 1);
  const Window2d same{3, 3, 1, 1, 1, 1, Padding::kSame, {}};
  auto in = make_view(input.data(), Nhwc(1, 4, 4, 6));
  std::vector<std::int8_t> out(1 * 4 * 4 * 5, 0x21),
      scratch(conv2d_scratch_bytes(1, 4, 4, 6, same));
  const std::vector<std::int8_t> untouched = out;
  auto out_view = make_view(out.data(), Nhwc(1, 4, 4, 5));
  // Short scratch, wrong output extents, grouped input (C = 12 over a 6-channel filter),
  // malformed window, stage with a bias.
  EXPECT_EQ(conv2d(in, *p, out_view, same, stage, std::span(scratch).first(10)),
            Status::kOutOfMemory);
  EXPECT_EQ(conv2d(in, *p, make_view(out.data(), Nhwc(1, 4, 3, 5)), same, stage, scratch),
            Status::kShapeMismatch);
  std::vector<std::int8_t> wide(1 * 4 * 2 * 12);
  EXPECT_EQ(conv2d(make_view(wide.data(), Nhwc(1, 4, 2, 12)), *p,
                   make_view(out.data(), Nhwc(1, 4, 2, 5)), same, stage, scratch),
            Status::kUnsupported);
  Window2d bad = same;
  bad.stride_h = 0;
  EXPECT_EQ(conv2d(in, *p, out_view, bad, stage, scratch), Status::kInvalidArgument);
  const std::int32_t b[5] = {};
  OutputStage<> with_bias = stage;
  with_bias.bias = b;
  EXPECT_EQ(conv2d(in, *p, out_view, same, with_bias, scratch), Status::kInvalidArgument);
  EXPECT_EQ(out, untouched);
  EXPECT_EQ(conv2d(in, *p, out_view, same, stage, scratch), Status::kOk);
}

static_assert(conv2d_scratch_bytes(1, 56, 56, 24, Window2d{}) == 0);
static_assert(conv2d_scratch_bytes(1, 8, 8, 3, Window2d{3, 3, 2, 2, 1, 1, Padding::kSame, {}}) ==
              4 * 4 * 27);

}  // namespace
}  // namespace mote
