// SIMD depthwise conv2d against the reference, bit for bit, on every compiled target: random
// shapes with channel tails (1, 3, 17, ...) and groups of 64 at stride 2, odd sizes, 1x1 images,
// 3x3 and 5x5 (the VNNI kernel) and other windows (the portable kernel), stride 1, 2 and 3,
// dilation, padding on every side, extreme values and zero points, huge and tiny multipliers, both
// roundings, per-tensor and per-channel stages, 1 to 3 threads; the AVX2/AVX3 int16 tap-pair kernel
// with every window up to 6x5 and channel groups with tails; fallbacks and rejection without
// writes.
#include "mote/kernels/depthwise/depthwise.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "mote/base/thread_pool.h"
#include "mote/kernels/depthwise/depthwise_ref.h"
#include "support/random.h"
#include "support/targets.h"

namespace mote {
namespace {

using Nhwc = Extents<dyn, dyn, dyn, dyn>;

class DepthwiseTest : public test::PerTarget {};
MOTE_INSTANTIATE_PER_TARGET(DepthwiseTest);

// One random problem.
struct Problem {
  std::size_t n, h, w, c;
  Window2d window;
  std::int32_t input_zero_point;
  std::vector<std::int8_t> input, filter;
  std::vector<std::int32_t> bias;
  std::vector<QuantizedMultiplier> multipliers;
  std::int32_t zero_point, clamp_min, clamp_max;
};

enum class Values { kRandom, kExtreme };

Problem make_problem(test::Rng& rng, std::size_t n, std::size_t h, std::size_t w, std::size_t c,
                     const Window2d& window, Values values) {
  Problem p{n, h, w, c, window, 0, {}, {}, {}, {}, 0, -128, 127};
  const std::size_t taps = static_cast<std::size_t>(window.kernel_h * window.kernel_w);
  if (values == Values::kExtreme) {
    // Only the ends of int8: the largest accumulators of either sign.
    auto extreme = [&] { return static_cast<std::int8_t>(rng.uniform_int(0, 1) ? 127 : -128); };
    for (std::size_t i = 0; i < n * h * w * c; ++i) p.input.push_back(extreme());
    for (std::size_t i = 0; i < taps * c; ++i) p.filter.push_back(extreme());
    p.input_zero_point = rng.uniform_int(0, 1) ? 127 : -128;
  } else {
    p.input = rng.vector<std::int8_t>(n * h * w * c, -128, 127);
    p.filter = rng.vector<std::int8_t>(taps * c, -128, 127);
    p.input_zero_point = rng.uniform_int(-128, 127);
  }
  // Bias: none, small, or anywhere in int32 (the sum wraps like the reference's).
  const int bias_kind = rng.uniform_int(0, 2);
  if (bias_kind == 1) p.bias = rng.vector<std::int32_t>(c, -100000, 100000);
  if (bias_kind == 2) p.bias = rng.vector<std::int32_t>(c, INT32_MIN, INT32_MAX);
  // Multipliers: per tensor or per channel, typical, tiny (2^-35) or huge (2^20).
  const std::size_t count = rng.uniform_int(0, 1) ? c : 1;
  for (std::size_t i = 0; i < count; ++i) {
    const int kind = rng.uniform_int(0, 5);
    const int exponent = kind == 0
                             ? rng.uniform_int(-36, -20)
                             : (kind == 1 ? rng.uniform_int(0, 20) : rng.uniform_int(-14, -4));
    p.multipliers.push_back(
        *QuantizedMultiplier::from_real(std::ldexp(rng.uniform(0.5f, 1.0f), exponent)));
  }
  p.zero_point = rng.uniform_int(0, 3) == 0 ? (rng.uniform_int(0, 1) ? 127 : -128)
                                            : rng.uniform_int(-128, 127);
  if (rng.uniform_int(0, 2) == 0) {
    p.clamp_min = rng.uniform_int(-128, 0);
    p.clamp_max = rng.uniform_int(p.clamp_min, 127);
  }
  return p;
}

// Runs the SIMD kernel (with `threads` threads) and the reference; expects identical bytes.
template <Rounding Rule>
void expect_same_as_reference(const Problem& p, std::size_t threads, const std::string& what) {
  const std::size_t oh = window_output_h(p.window, p.h);
  const std::size_t ow = window_output_w(p.window, p.w);
  const auto in = make_view(p.input.data(), Nhwc(p.n, p.h, p.w, p.c));
  const auto filter =
      make_view(p.filter.data(), Nhwc(1, static_cast<std::size_t>(p.window.kernel_h),
                                      static_cast<std::size_t>(p.window.kernel_w), p.c));
  const OutputStage<Rule> stage{p.bias, p.multipliers, p.zero_point, p.clamp_min, p.clamp_max};
  std::vector<std::int8_t> expected(p.n * oh * ow * p.c, 0x5a);
  std::vector<std::int8_t> actual(expected.size(), 0x5a);
  ASSERT_EQ(
      ref::depthwise_conv2d(in, p.input_zero_point, filter,
                            make_view(expected.data(), Nhwc(p.n, oh, ow, p.c)), p.window, stage),
      Status::kOk)
      << what;
  ThreadPool pool(threads);
  ASSERT_EQ(
      depthwise_conv2d(in, p.input_zero_point, filter,
                       make_view(actual.data(), Nhwc(p.n, oh, ow, p.c)), p.window, stage, pool),
      Status::kOk)
      << what;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    ASSERT_EQ(actual[i], expected[i]) << what << " at " << i << " (channel " << i % p.c << ")";
  }
}

std::string describe(const Problem& p, std::size_t threads) {
  const Window2d& w = p.window;
  return std::to_string(p.n) + "x" + std::to_string(p.h) + "x" + std::to_string(p.w) + "x" +
         std::to_string(p.c) + " k" + std::to_string(w.kernel_h) + "x" +
         std::to_string(w.kernel_w) + " s" + std::to_string(w.stride_h) + "," +
         std::to_string(w.stride_w) + " d" + std::to_string(w.dilation_h) + " pad " +
         std::to_string(static_cast<int>(w.padding)) + " [" + std::to_string(w.pad.top) + "," +
         std::to_string(w.pad.bottom) + "," + std::to_string(w.pad.left) + "," +
         std::to_string(w.pad.right) + "] zp " + std::to_string(p.input_zero_point) + " threads " +
         std::to_string(threads);
}

Window2d random_window(test::Rng& rng, int kernel, int stride) {
  Window2d w{kernel, kernel, stride, stride, 1, 1, Padding::kSame, {}};
  const int kind = rng.uniform_int(0, 2);
  if (kind == 1) w.padding = Padding::kValid;
  if (kind == 2) {
    w.padding = Padding::kExplicit;
    w.pad = {rng.uniform_int(0, kernel), rng.uniform_int(0, kernel), rng.uniform_int(0, kernel),
             rng.uniform_int(0, kernel)};
  }
  return w;
}

template <Rounding Rule>
void random_shapes(std::uint32_t seed, Values values) {
  test::Rng rng(seed);
  constexpr std::array<std::size_t, 10> kChannels{1, 3, 8, 16, 17, 31, 32, 33, 48, 70};
  for (int kernel : {3, 5}) {
    for (int stride : {1, 2}) {
      for (int iter = 0; iter < 24; ++iter) {
        const std::size_t c = kChannels[rng.index(0, kChannels.size() - 1)];
        const std::size_t h = rng.index(1, 13);
        const std::size_t w = iter == 0 ? 1 : rng.index(1, 80);
        const std::size_t n = rng.index(1, 2);
        const Window2d window = random_window(rng, kernel, stride);
        if (window_output_h(window, h) == 0 || window_output_w(window, w) == 0) continue;
        const Problem p = make_problem(rng, n, h, w, c, window, values);
        const std::size_t threads = 1 + static_cast<std::size_t>(iter % 3);
        expect_same_as_reference<Rule>(p, threads, describe(p, threads));
      }
    }
  }
}

TEST_P(DepthwiseTest, RandomShapes3x3And5x5Double) {
  random_shapes<Rounding::kDouble>(1, Values::kRandom);
}
TEST_P(DepthwiseTest, RandomShapes3x3And5x5Single) {
  random_shapes<Rounding::kSingle>(2, Values::kRandom);
}
TEST_P(DepthwiseTest, ExtremeValuesDouble) {
  random_shapes<Rounding::kDouble>(3, Values::kExtreme);
}
TEST_P(DepthwiseTest, ExtremeValuesSingle) {
  random_shapes<Rounding::kSingle>(4, Values::kExtreme);
}

// The largest multipliers below 1/2, 1 and 2, and the smallest: the requantization's overflow
// edges, for accumulators at the ends of int32.
constexpr std::array<QuantizedMultiplier, 5> kEdgeMultipliers{
    QuantizedMultiplier{INT32_MAX, -1}, QuantizedMultiplier{INT32_MAX, 0},
    QuantizedMultiplier{INT32_MAX, 1}, QuantizedMultiplier{1 << 30, -31},
    QuantizedMultiplier{INT32_MAX, -30}};

// Biases alternating near INT32_MIN (even channels) and INT32_MAX (odd), up to 60000 inside.
void set_biases_near_int32_ends(Problem& p) {
  p.bias.resize(p.c);
  for (std::size_t c = 0; c < p.c; ++c) {
    const std::int32_t edge = c % 2 == 0 ? INT32_MIN : INT32_MAX;
    p.bias[c] = edge - (c % 2 == 0 ? -1 : 1) * static_cast<std::int32_t>(c % 7) * 10000;
  }
}

// Accumulators at the ends of int32 with the edge multipliers.
TEST_P(DepthwiseTest, AccumulatorsAtTheEndsOfInt32) {
  test::Rng rng(8);
  for (int stride : {1, 2}) {
    for (const QuantizedMultiplier m : kEdgeMultipliers) {
      Problem p = make_problem(rng, 1, 7, 9, 35, random_window(rng, 3, stride), Values::kRandom);
      set_biases_near_int32_ends(p);
      p.multipliers.assign(rng.uniform_int(0, 1) ? p.c : 1, m);
      expect_same_as_reference<Rounding::kDouble>(p, 1, describe(p, 1));
      expect_same_as_reference<Rounding::kSingle>(p, 1, describe(p, 1));
    }
  }
}

// 3x3 at stride 2 around the VNNI kernel's channel groups: whole groups of 64 channels (in-lane
// interleaved blocks with permuted weights, biases and multipliers) followed by a rest of 32, 16
// or fewer channels, odd sizes, every padding, extreme values, both roundings, per-tensor and
// per-channel stages, images wider than one tile of columns.
TEST_P(DepthwiseTest, Stride2ChannelGroupsAndRests) {
  test::Rng rng(9);
  constexpr std::array<std::size_t, 14> kChannels{1,  3,  17, 31, 33,  48,  63,
                                                  64, 65, 70, 96, 127, 128, 144};
  for (const std::size_t c : kChannels) {
    for (int iter = 0; iter < 4; ++iter) {
      const std::size_t h = rng.index(1, 11);
      const std::size_t w = iter == 3 ? rng.index(60, 140) : rng.index(1, 23);
      const std::size_t n = rng.index(1, 2);
      const Window2d window = random_window(rng, 3, 2);
      if (window_output_h(window, h) == 0 || window_output_w(window, w) == 0) continue;
      const Values values = iter == 1 ? Values::kExtreme : Values::kRandom;
      const Problem p = make_problem(rng, n, h, w, c, window, values);
      const std::size_t threads = 1 + static_cast<std::size_t>(iter % 2);
      expect_same_as_reference<Rounding::kDouble>(p, threads, describe(p, threads));
      expect_same_as_reference<Rounding::kSingle>(p, threads, describe(p, threads));
    }
  }
}

// The accumulator edges of AccumulatorsAtTheEndsOfInt32 on 3x3 stride 2 with whole groups of 64.
TEST_P(DepthwiseTest, Stride2WideGroupsAtTheEndsOfInt32) {
  test::Rng rng(10);
  for (const QuantizedMultiplier m : kEdgeMultipliers) {
    for (const std::size_t c : {64, 80, 131}) {
      Problem p = make_problem(rng, 1, 9, 11, c, random_window(rng, 3, 2), Values::kRandom);
      set_biases_near_int32_ends(p);
      p.multipliers.assign(rng.uniform_int(0, 1) ? p.c : 1, m);
      // Per channel: a different multiplier in some lanes exercises the permuted order.
      if (p.multipliers.size() == p.c) {
        for (std::size_t k = 0; k < p.c; k += 5)
          p.multipliers[k] = QuantizedMultiplier{1 << 30, -3};
      }
      expect_same_as_reference<Rounding::kDouble>(p, 1, describe(p, 1));
      expect_same_as_reference<Rounding::kSingle>(p, 1, describe(p, 1));
    }
  }
}

// Windows the VNNI kernel does not take: other sizes, non-square, stride 3, dilation.
TEST_P(DepthwiseTest, OtherWindowsBothRoundings) {
  test::Rng rng(5);
  for (int iter = 0; iter < 40; ++iter) {
    Window2d w = random_window(rng, 1 + rng.uniform_int(0, 6), rng.uniform_int(1, 3));
    w.kernel_w = 1 + rng.uniform_int(0, 4);
    w.stride_w = rng.uniform_int(1, 3);
    w.dilation_h = rng.uniform_int(1, 2);
    w.dilation_w = rng.uniform_int(1, 2);
    if (w.padding == Padding::kExplicit) w.pad.left = w.pad.right = rng.uniform_int(0, w.kernel_w);
    const std::size_t h = rng.index(1, 12);
    const std::size_t wd = rng.index(1, 30);
    if (window_output_h(w, h) == 0 || window_output_w(w, wd) == 0) continue;
    const Problem p = make_problem(rng, 1, h, wd, rng.index(1, 40), w,
                                   iter % 4 == 0 ? Values::kExtreme : Values::kRandom);
    const std::size_t threads = 1 + static_cast<std::size_t>(iter % 3);
    expect_same_as_reference<Rounding::kDouble>(p, threads, describe(p, threads));
    expect_same_as_reference<Rounding::kSingle>(p, threads, describe(p, threads));
  }
}

// The int16 pair kernel of AVX2 and AVX3 (whole groups of 16 or 32 channels, the rest by the
// portable kernel): channel counts around the groups, odd and even tap counts (the odd tap pairs
// with a zero weight), windows up to 25 taps and beyond (fallback), strides 1-3, dilation.
TEST_P(DepthwiseTest, TapPairsAnyWindowAndChannelGroups) {
  test::Rng rng(9);
  constexpr std::array<std::size_t, 9> kChannels{15, 16, 32, 47, 64, 65, 80, 96, 113};
  for (int iter = 0; iter < 48; ++iter) {
    Window2d w = random_window(rng, 1 + rng.uniform_int(0, 5), rng.uniform_int(1, 3));
    w.kernel_w = 1 + rng.uniform_int(0, 4);
    w.stride_w = rng.uniform_int(1, 3);
    if (iter % 3 == 0) w.dilation_h = w.dilation_w = 2;
    if (w.padding == Padding::kExplicit) w.pad.left = w.pad.right = rng.uniform_int(0, w.kernel_w);
    const std::size_t h = rng.index(1, 11);
    const std::size_t wd = rng.index(1, 24);
    if (window_output_h(w, h) == 0 || window_output_w(w, wd) == 0) continue;
    const Problem p =
        make_problem(rng, rng.index(1, 2), h, wd, kChannels[rng.index(0, kChannels.size() - 1)], w,
                     iter % 3 == 1 ? Values::kExtreme : Values::kRandom);
    const std::size_t threads = 1 + static_cast<std::size_t>(iter % 3);
    expect_same_as_reference<Rounding::kDouble>(p, threads, describe(p, threads));
    expect_same_as_reference<Rounding::kSingle>(p, threads, describe(p, threads));
  }
}

// MobileNetV2-like layers, stride 1 and 2, with 1 to 3 threads: identical bytes.
TEST_P(DepthwiseTest, MobileNetShapesAnyThreadCount) {
  test::Rng rng(6);
  struct Shape {
    std::size_t h, w, c;
    int stride;
  };
  for (const Shape s : {Shape{28, 28, 32, 1}, Shape{15, 15, 96, 2}, Shape{14, 14, 144, 2},
                        Shape{7, 7, 160, 1}, Shape{9, 9, 24, 1}}) {
    const Problem p =
        make_problem(rng, 1, s.h, s.w, s.c, random_window(rng, 3, s.stride), Values::kRandom);
    for (std::size_t threads : {1, 2, 3}) {
      expect_same_as_reference<Rounding::kDouble>(p, threads, describe(p, threads));
    }
  }
}

// Depth multiplier 2, uint8 and strided views take the reference; the bytes are the same.
TEST_P(DepthwiseTest, FallbacksMatchReference) {
  test::Rng rng(7);
  const std::vector<std::int8_t> in = rng.vector<std::int8_t>(5 * 6 * 3, -128, 127);
  const std::vector<std::int8_t> filter = rng.vector<std::int8_t>(9 * 6, -128, 127);
  const std::array<QuantizedMultiplier, 1> m{*QuantizedMultiplier::from_real(0.01)};
  const Window2d w{3, 3, 1, 1, 1, 1, Padding::kSame, {}};
  const OutputStage<Rounding::kDouble> stage{{}, m, 3};
  std::vector<std::int8_t> expected(5 * 6 * 6), actual(5 * 6 * 6);
  const auto in_view = make_view(in.data(), Nhwc(1, 5, 6, 3));
  const auto f_view = make_view(filter.data(), Nhwc(1, 3, 3, 6));
  ASSERT_EQ(ref::depthwise_conv2d(in_view, -4, f_view, make_view(expected.data(), Nhwc(1, 5, 6, 6)),
                                  w, stage),
            Status::kOk);
  ASSERT_EQ(
      depthwise_conv2d(in_view, -4, f_view, make_view(actual.data(), Nhwc(1, 5, 6, 6)), w, stage),
      Status::kOk);
  EXPECT_EQ(actual, expected);

  std::vector<std::uint8_t> in_u8(in.size()), out_u8(5 * 6 * 3), expected_u8(5 * 6 * 3);
  for (std::size_t i = 0; i < in.size(); ++i) in_u8[i] = static_cast<std::uint8_t>(in[i] + 128);
  const auto f3 = make_view(filter.data(), Nhwc(1, 3, 3, 3));
  ASSERT_EQ(ref::depthwise_conv2d(make_view(in_u8.data(), Nhwc(1, 5, 6, 3)), 100, f3,
                                  make_view(expected_u8.data(), Nhwc(1, 5, 6, 3)), w,
                                  OutputStage<Rounding::kDouble>{{}, m, 128, 0, 255}),
            Status::kOk);
  ASSERT_EQ(depthwise_conv2d(make_view(in_u8.data(), Nhwc(1, 5, 6, 3)), 100, f3,
                             make_view(out_u8.data(), Nhwc(1, 5, 6, 3)), w,
                             OutputStage<Rounding::kDouble>{{}, m, 128, 0, 255}),
            Status::kOk);
  EXPECT_EQ(out_u8, expected_u8);

  // A strided input view: every other channel of a 6-channel buffer.
  std::vector<std::int8_t> out_s(5 * 6 * 3), expected_s(5 * 6 * 3);
  const auto strided = make_strided_view(in.data(), Nhwc(1, 5, 3, 3), {54, 18, 6, 2});
  ASSERT_EQ(ref::depthwise_conv2d(strided, 0, f3, make_view(expected_s.data(), Nhwc(1, 5, 3, 3)), w,
                                  stage),
            Status::kOk);
  ASSERT_EQ(depthwise_conv2d(strided, 0, f3, make_view(out_s.data(), Nhwc(1, 5, 3, 3)), w, stage),
            Status::kOk);
  EXPECT_EQ(out_s, expected_s);
}

// Errors come back like the reference's, and nothing is written.
TEST_P(DepthwiseTest, RejectsWithoutWriting) {
  const std::vector<std::int8_t> in(4 * 4 * 3, 1);
  const std::vector<std::int8_t> filter(9 * 3, 1);
  const std::array<QuantizedMultiplier, 1> m{*QuantizedMultiplier::from_real(0.5)};
  const std::array<QuantizedMultiplier, 2> m2{m[0], m[0]};
  const std::array<std::int32_t, 2> bias2{};
  const Window2d same{3, 3, 1, 1, 1, 1, Padding::kSame, {}};
  std::vector<std::int8_t> out(4 * 4 * 3, 0x33);
  const auto in_view = make_view(in.data(), Nhwc(1, 4, 4, 3));
  const auto f_view = make_view(filter.data(), Nhwc(1, 3, 3, 3));
  const auto out_view = make_view(out.data(), Nhwc(1, 4, 4, 3));
  using Stage = OutputStage<Rounding::kDouble>;
  EXPECT_EQ(depthwise_conv2d(in_view, 0, f_view, make_view(out.data(), Nhwc(1, 4, 3, 3)), same,
                             Stage{{}, m}),
            Status::kShapeMismatch);
  EXPECT_EQ(depthwise_conv2d(in_view, 0, f_view, out_view,
                             Window2d{5, 5, 1, 1, 1, 1, Padding::kSame, {}}, Stage{{}, m}),
            Status::kShapeMismatch);
  EXPECT_EQ(depthwise_conv2d(in_view, 128, f_view, out_view, same, Stage{{}, m}),
            Status::kInvalidArgument);
  EXPECT_EQ(depthwise_conv2d(in_view, 0, f_view, out_view, same, Stage{bias2, m}),
            Status::kShapeMismatch);
  EXPECT_EQ(depthwise_conv2d(in_view, 0, f_view, out_view, same, Stage{{}, m2}),
            Status::kShapeMismatch);
  EXPECT_EQ(depthwise_conv2d(in_view, 0, f_view, out_view, same, Stage{{}, m, 0, 5, 4}),
            Status::kInvalidArgument);
  EXPECT_EQ(depthwise_conv2d(in_view, 0, f_view, out_view,
                             Window2d{3, 3, 0, 1, 1, 1, Padding::kSame, {}}, Stage{{}, m}),
            Status::kInvalidArgument);
  for (std::int8_t v : out) ASSERT_EQ(v, 0x33);
}

}  // namespace
}  // namespace mote
