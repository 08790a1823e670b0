// Reference depthwise conv2d: hand-worked int8 cases (depth multiplier 2, per-channel
// multipliers, clamps, padding with a nonzero input zero point, stride 2 on an odd input,
// dilation, rounding ties and double rounding, extremes), views of any layout, rejection without
// writes, and int8 against float on random shapes.
#include "mote/kernels/depthwise/depthwise_ref.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "mote/quant/output_stage.h"
#include "mote/tensor/slice.h"
#include "mote/tensor/tensor.h"
#include "support/quantized_compare.h"
#include "support/random.h"

namespace mote {
namespace {

using Nhwc = Extents<dyn, dyn, dyn, dyn>;

template <typename T>
auto view4(std::vector<T>& v, std::size_t a, std::size_t b, std::size_t c, std::size_t d) {
  return make_view(v.data(), Nhwc(a, b, c, d));
}
template <typename T>
auto cview4(const std::vector<T>& v, std::size_t a, std::size_t b, std::size_t c, std::size_t d) {
  return make_view(v.data(), Nhwc(a, b, c, d));
}

QuantizedMultiplier qm(double real) {
  return *QuantizedMultiplier::from_real(real);
}

constexpr Window2d window(int k, int stride, Padding padding, int dilation = 1, Pad2d pad = {}) {
  return Window2d{k, k, stride, stride, dilation, dilation, padding, pad};
}

template <Rounding Rule>
void check_depth_multiplier_2() {
  // C = 2, M = 2, 2x2 image, 2x2 filter, VALID: one output pixel, channels oc = ic * 2 + m.
  // in - 1 per pixel: (0,0) [1, -1], (0,1) [2, -2], (1,0) [3, 0], (1,1) [4, 2].
  // filter taps [oc0, oc1, oc2, oc3]: (0,0) [1, 0, 1, 2], (0,1) [1, 1, 0, 0], (1,0) [1, 0, 1, 1],
  // (1,1) [1, -1, 0, 1]. acc: oc0 = 1+2+3+4 = 10, oc1 = 2-4 = -2 (input channel 0),
  // oc2 = -1+0 = -1, oc3 = -2+0+2 = 0 (input channel 1). + bias [0, 5, 0, -1] = [10, 3, -1, -1];
  // * [0.5, 1, 2, 0.25] = [5, 3, -2, -0.25 -> 0]; + zp -1 = [4, 2, -3, -1]; clamp [-2, 3].
  const std::vector<std::int8_t> in{2, 0, 3, -1, 4, 1, 5, 3};
  const std::vector<std::int8_t> filter{1, 0, 1, 2, 1, 1, 0, 0, 1, 0, 1, 1, 1, -1, 0, 1};
  const std::array<std::int32_t, 4> bias{0, 5, 0, -1};
  const std::array<QuantizedMultiplier, 4> mult{qm(0.5), qm(1.0), qm(2.0), qm(0.25)};
  std::vector<std::int8_t> out(4);
  ASSERT_EQ(ref::depthwise_conv2d(cview4(in, 1, 2, 2, 2), 1, cview4(filter, 1, 2, 2, 4),
                                  view4(out, 1, 1, 1, 4), window(2, 1, Padding::kValid),
                                  OutputStage<Rule>{bias, mult, -1, -2, 3}),
            Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int8_t>{3, 2, -2, -1}));
}

TEST(DepthwiseConv2d, DepthMultiplier2PerChannelAndClampDouble) {
  check_depth_multiplier_2<Rounding::kDouble>();
}
TEST(DepthwiseConv2d, DepthMultiplier2PerChannelAndClampSingle) {
  check_depth_multiplier_2<Rounding::kSingle>();
}

TEST(DepthwiseConv2d, Stride2OnOddInputSamePaddingWithInputZeroPoint) {
  // C = 2, 3x3 image, zp -7: channel 0 is v = 1..9 after the offset, channel 1 is -v. 3x3
  // filter of [1, 2] per tap; SAME, stride 2: out 2x2, padding 1 on each side. Window sums of v
  // (padded taps are the zero point, i.e. 0): [[1+2+4+5, 2+3+5+6], [4+5+7+8, 5+6+8+9]]
  // = [[12, 16], [24, 28]]; channel 1 is -2 times that. Multiplier 1, zp 0.
  std::vector<std::int8_t> in(18);
  for (int i = 0; i < 9; ++i) {
    in[2 * i] = static_cast<std::int8_t>(i + 1 - 7);
    in[2 * i + 1] = static_cast<std::int8_t>(-(i + 1) - 7);
  }
  std::vector<std::int8_t> filter(18);
  for (int t = 0; t < 9; ++t) {
    filter[2 * t] = 1;
    filter[2 * t + 1] = 2;
  }
  const std::array<QuantizedMultiplier, 1> one{qm(1.0)};
  std::vector<std::int8_t> out(8);
  ASSERT_EQ(ref::depthwise_conv2d(cview4(in, 1, 3, 3, 2), -7, cview4(filter, 1, 3, 3, 2),
                                  view4(out, 1, 2, 2, 2), window(3, 2, Padding::kSame),
                                  OutputStage<>{{}, one, 0}),
            Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int8_t>{12, -24, 16, -32, 24, -48, 28, -56}));
}

TEST(DepthwiseConv2d, DilationAndExplicitPadding) {
  // 5x5 ramp v = 5r + c + 1, 3x3 ones, dilation 2, VALID: taps rows/cols {0, 2, 4}, sum 117;
  // * 1 + zp -100 = 17.
  std::vector<std::int8_t> in(25);
  for (int i = 0; i < 25; ++i) in[i] = static_cast<std::int8_t>(i + 1);
  const std::vector<std::int8_t> filter(9, 1);
  const std::array<QuantizedMultiplier, 1> one{qm(1.0)};
  std::vector<std::int8_t> out(1);
  ASSERT_EQ(ref::depthwise_conv2d(cview4(in, 1, 5, 5, 1), 0, cview4(filter, 1, 3, 3, 1),
                                  view4(out, 1, 1, 1, 1), window(3, 1, Padding::kValid, 2),
                                  OutputStage<>{{}, one, -100}),
            Status::kOk);
  EXPECT_EQ(out[0], 17);
  // Explicit padding top 2, left 1, nothing else, 3x3 ones, stride 3: out rows (5+2-3)/3+1 = 2,
  // cols (5+1-3)/3+1 = 2. Window (0,0): rows -2..0, cols -1..1 -> v(0,0)+v(0,1) = 1+2 = 3;
  // (0,1): rows -2..0, cols 2..4 -> 3+4+5 = 12; (1,0): rows 1..3, cols 0..1 ->
  // (6+7)+(11+12)+(16+17) = 69; (1,1): rows 1..3, cols 2..4 -> (8+9+10)+(13+14+15)+(18+19+20)
  // = 126.
  std::vector<std::int8_t> padded(4);
  const Window2d w{3, 3, 3, 3, 1, 1, Padding::kExplicit, Pad2d{2, 0, 1, 0}};
  ASSERT_EQ(ref::depthwise_conv2d(cview4(in, 1, 5, 5, 1), 0, cview4(filter, 1, 3, 3, 1),
                                  view4(padded, 1, 2, 2, 1), w, OutputStage<>{{}, one, 0}),
            Status::kOk);
  EXPECT_EQ(padded, (std::vector<std::int8_t>{3, 12, 69, 126}));
}

template <Rounding Rule>
void check_extremes() {
  // 2x2x1 input of -128, zp 127 (-255 after the offset), 3x3 filter of 127, SAME: every window
  // covers the whole image, acc = 4 * -255 * 127 = -129540. * 2^-10 = -126.504 -> -127.
  const std::vector<std::int8_t> in(4, -128);
  const std::vector<std::int8_t> filter(9, 127);
  std::vector<std::int8_t> out(4);
  auto run = [&](double real, std::int32_t zp) {
    const std::array<QuantizedMultiplier, 1> m{qm(real)};
    EXPECT_EQ(ref::depthwise_conv2d(cview4(in, 1, 2, 2, 1), 127, cview4(filter, 1, 3, 3, 1),
                                    view4(out, 1, 2, 2, 1), window(3, 1, Padding::kSame),
                                    OutputStage<Rule>{{}, m, zp}),
              Status::kOk);
  };
  run(1.0 / 1024, 0);
  EXPECT_EQ(out, std::vector<std::int8_t>(4, -127));
  run(1.0 / 1024, -128);
  EXPECT_EQ(out, std::vector<std::int8_t>(4, -128));
  run(1.0 / 1024, 127);
  EXPECT_EQ(out, std::vector<std::int8_t>(4, 0));
  run(1e-12, 127);  // the multiplier underflows to 0: the zero point
  EXPECT_EQ(out, std::vector<std::int8_t>(4, 127));
  run(1000.0, 127);  // saturates
  EXPECT_EQ(out, std::vector<std::int8_t>(4, -128));
}

TEST(DepthwiseConv2d, ExtremeValuesDouble) {
  check_extremes<Rounding::kDouble>();
}
TEST(DepthwiseConv2d, ExtremeValuesSingle) {
  check_extremes<Rounding::kSingle>();
}

TEST(DepthwiseConv2d, RoundingRules) {
  // Channel 0: acc = -3 * 2 = -6, * 0.25 = -1.5 (a tie): double rounding (ties away from zero)
  // -2, single rounding (ties up) -1. Channel 1: acc = 117 * 1, * 0.25 = 29.25: single 29;
  // double first halves to 58.5 -> 59, then 29.5 -> 30.
  const std::vector<std::int8_t> in{-3, 117};
  const std::vector<std::int8_t> filter{2, 1};
  const std::array<QuantizedMultiplier, 1> quarter{qm(0.25)};
  std::vector<std::int8_t> out(2);
  ASSERT_EQ(ref::depthwise_conv2d(cview4(in, 1, 1, 1, 2), 0, cview4(filter, 1, 1, 1, 2),
                                  view4(out, 1, 1, 1, 2), window(1, 1, Padding::kValid),
                                  OutputStage<Rounding::kDouble>{{}, quarter, 0}),
            Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int8_t>{-2, 30}));
  ASSERT_EQ(ref::depthwise_conv2d(cview4(in, 1, 1, 1, 2), 0, cview4(filter, 1, 1, 1, 2),
                                  view4(out, 1, 1, 1, 2), window(1, 1, Padding::kValid),
                                  OutputStage<Rounding::kSingle>{{}, quarter, 0}),
            Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int8_t>{-1, 29}));
}

TEST(DepthwiseConv2d, Uint8InputAndOutput) {
  // in - 128 = [127, -128], M = 1, 1x1 filter [1, -1]: [127, 128]; * 0.5 = [63.5 -> 64, 64];
  // + zp 100 = [164, 164].
  const std::vector<std::uint8_t> in{255, 0};
  const std::vector<std::int8_t> filter{1, -1};
  const std::array<QuantizedMultiplier, 1> half{qm(0.5)};
  std::vector<std::uint8_t> out(2);
  ASSERT_EQ(ref::depthwise_conv2d(cview4(in, 1, 1, 1, 2), 128, cview4(filter, 1, 1, 1, 2),
                                  view4(out, 1, 1, 1, 2), window(1, 1, Padding::kValid),
                                  OutputStage<>{{}, half, 100, 0, 255}),
            Status::kOk);
  EXPECT_EQ(out, (std::vector<std::uint8_t>{164, 164}));
}

TEST(DepthwiseConv2d, FloatHandWorked) {
  // C = 2, M = 2, 1x1: [2 * 1, 2 * -1, 3 * 0.5, 3 * 2] + bias [0, 1, 0, -7], ReLU6.
  const std::vector<float> in{2.0f, 3.0f};
  const std::vector<float> filter{1.0f, -1.0f, 0.5f, 2.0f};
  const std::array<float, 4> bias{0.0f, 1.0f, 0.0f, -7.0f};
  std::vector<float> out(4);
  ASSERT_EQ(ref::depthwise_conv2d(cview4(in, 1, 1, 1, 2), cview4(filter, 1, 1, 1, 4),
                                  view4(out, 1, 1, 1, 4), window(1, 1, Padding::kSame),
                                  FloatOutputStage{bias}),
            Status::kOk);
  EXPECT_EQ(out, (std::vector<float>{2.0f, -1.0f, 1.5f, -1.0f}));
  ASSERT_EQ(ref::depthwise_conv2d(cview4(in, 1, 1, 1, 2), cview4(filter, 1, 1, 1, 4),
                                  view4(out, 1, 1, 1, 4), window(1, 1, Padding::kSame),
                                  float_activation(Activation::kRelu6, bias)),
            Status::kOk);
  EXPECT_EQ(out, (std::vector<float>{2.0f, 0.0f, 1.5f, 0.0f}));
}

TEST(DepthwiseConv2d, StridedAndStaticViewsGiveTheSameResult) {
  // Input: channels 1..3 of a 5-channel NHWC buffer (LayoutStride); output: static extents.
  test::Rng rng(9);
  const auto wide = rng.vector<std::int8_t>(1 * 5 * 4 * 5, -128, 127);
  std::vector<std::int8_t> in(1 * 5 * 4 * 3);
  for (std::size_t p = 0; p < 5 * 4; ++p) {
    for (std::size_t c = 0; c < 3; ++c) in[p * 3 + c] = wide[p * 5 + 1 + c];
  }
  const auto filter = rng.vector<std::int8_t>(3 * 3 * 6, -127, 127);
  const std::array<QuantizedMultiplier, 1> m{qm(0.01)};
  const OutputStage<> stage{{}, m, 5};
  const Window2d w = window(3, 2, Padding::kSame);
  std::vector<std::int8_t> expected(1 * 3 * 2 * 6);
  ASSERT_EQ(ref::depthwise_conv2d(cview4(in, 1, 5, 4, 3), -20, cview4(filter, 1, 3, 3, 6),
                                  view4(expected, 1, 3, 2, 6), w, stage),
            Status::kOk);
  const auto wide_view = make_view(wide.data(), Extents<1, 5, 4, 5>{});
  const auto channels = slice(wide_view, all, all, all, Range{1, 4});
  const TensorView<const std::int8_t, Extents<1, 3, 3, 6>> filter_static(filter.data());
  Tensor<std::int8_t, Extents<1, 3, 2, 6>> out;
  ASSERT_EQ(ref::depthwise_conv2d(channels, -20, filter_static, out.view(), w, stage), Status::kOk);
  EXPECT_EQ(std::vector<std::int8_t>(out.begin(), out.end()), expected);
}

TEST(DepthwiseConv2d, RejectsWithoutWriting) {
  const std::vector<std::int8_t> in(1 * 5 * 5 * 3, 1);
  const std::vector<std::int8_t> filter(2 * 3 * 3 * 6, 1);
  const std::array<QuantizedMultiplier, 1> one{qm(0.5)};
  const std::array<std::int32_t, 3> bias3{};
  const OutputStage<> ok{{}, one};
  const Window2d same = window(3, 2, Padding::kSame);  // 5x5 -> 3x3
  std::vector<std::int8_t> out(2 * 3 * 3 * 7, 0x2C);
  const std::vector<std::int8_t> before = out;
  const auto in4 = cview4(in, 1, 5, 5, 3);
  const auto f = cview4(filter, 1, 3, 3, 6);  // M = 2
  std::vector<std::int8_t> good(1 * 3 * 3 * 6);
  EXPECT_EQ(ref::depthwise_conv2d(in4, 0, f, view4(good, 1, 3, 3, 6), same, ok), Status::kOk);
  // Output height, width, channels, batch wrong.
  EXPECT_EQ(ref::depthwise_conv2d(in4, 0, f, view4(out, 1, 4, 3, 6), same, ok),
            Status::kShapeMismatch);
  EXPECT_EQ(ref::depthwise_conv2d(in4, 0, f, view4(out, 1, 3, 2, 6), same, ok),
            Status::kShapeMismatch);
  EXPECT_EQ(ref::depthwise_conv2d(in4, 0, f, view4(out, 1, 3, 3, 3), same, ok),
            Status::kShapeMismatch);
  EXPECT_EQ(ref::depthwise_conv2d(in4, 0, f, view4(out, 2, 3, 3, 6), same, ok),
            Status::kShapeMismatch);
  // Filter: first extent not 1; channels not a multiple of C; kernel not the window's.
  EXPECT_EQ(
      ref::depthwise_conv2d(in4, 0, cview4(filter, 2, 3, 3, 6), view4(out, 1, 3, 3, 6), same, ok),
      Status::kShapeMismatch);
  EXPECT_EQ(
      ref::depthwise_conv2d(in4, 0, cview4(filter, 1, 3, 3, 7), view4(out, 1, 3, 3, 7), same, ok),
      Status::kShapeMismatch);
  EXPECT_EQ(
      ref::depthwise_conv2d(in4, 0, f, view4(out, 1, 3, 3, 6), window(2, 2, Padding::kSame), ok),
      Status::kShapeMismatch);
  // Stage sized for C instead of C * M; malformed window; zero point out of range.
  EXPECT_EQ(
      ref::depthwise_conv2d(in4, 0, f, view4(out, 1, 3, 3, 6), same, OutputStage<>{bias3, one}),
      Status::kShapeMismatch);
  EXPECT_EQ(
      ref::depthwise_conv2d(in4, 0, f, view4(out, 1, 3, 3, 6), window(3, 2, Padding::kSame, 0), ok),
      Status::kInvalidArgument);
  EXPECT_EQ(ref::depthwise_conv2d(in4, -129, f, view4(out, 1, 3, 3, 6), same, ok),
            Status::kInvalidArgument);
  EXPECT_EQ(out, before);
  const std::vector<float> fin(in.size()), ffilter(filter.size());
  std::vector<float> fout(out.size(), 4.0f);
  EXPECT_EQ(ref::depthwise_conv2d(cview4(fin, 1, 5, 5, 3), cview4(ffilter, 1, 3, 3, 6),
                                  view4(fout, 1, 3, 3, 3), same, FloatOutputStage{}),
            Status::kShapeMismatch);
  EXPECT_EQ(fout, std::vector<float>(out.size(), 4.0f));
}

struct DepthwiseCase {
  std::size_t batch, height, width, channels, multiplier;
  Window2d window;
};

template <Rounding Rule>
test::QuantaError depthwise_vs_float(test::Rng& rng, const DepthwiseCase& k, float amp) {
  const std::size_t oc = k.channels * k.multiplier;
  const std::size_t kh = static_cast<std::size_t>(k.window.kernel_h);
  const std::size_t kw = static_cast<std::size_t>(k.window.kernel_w);
  const std::size_t oh = window_output_h(k.window, k.height);
  const std::size_t ow = window_output_w(k.window, k.width);
  // Separate statements: the order of the draws must not depend on the compiler.
  const float lo = -amp * rng.uniform(0.0f, 1.0f);
  const float hi = amp * rng.uniform(0.0f, 1.0f);
  const auto xf = rng.vector<float>(k.batch * k.height * k.width * k.channels, lo, hi);
  const auto wf = rng.vector<float>(kh * kw * oc, -1.0f, 1.0f);
  const auto biasf = rng.vector<float>(oc, -amp, amp);
  const auto x = test::quantize_tensor<std::int8_t>(xf);
  const auto w = test::quantize_weights(wf, oc, 1);  // per channel along the last axis
  const auto bias = test::quantize_biases(biasf, x.params.scale, w.scales);

  const auto xv = cview4(x.real, k.batch, k.height, k.width, k.channels);
  const auto wv = cview4(w.real, 1, kh, kw, oc);
  std::vector<float> y(k.batch * oh * ow * oc);
  const auto yv = view4(y, k.batch, oh, ow, oc);
  EXPECT_EQ(ref::depthwise_conv2d(xv, wv, yv, k.window, FloatOutputStage{bias.real}), Status::kOk);
  const auto out = test::params_for<std::int8_t>(y);
  const auto act = static_cast<Activation>(rng.uniform_int<int>(0, 3));
  EXPECT_EQ(ref::depthwise_conv2d(xv, wv, yv, k.window, float_activation(act, bias.real)),
            Status::kOk);

  const test::StageFixture<Rule, std::int8_t> fx(x.params.scale, w.scales, bias.q, out, act);
  std::vector<std::int8_t> q(y.size());
  EXPECT_EQ(ref::depthwise_conv2d(cview4(x.q, k.batch, k.height, k.width, k.channels),
                                  x.params.zero_point, cview4(w.q, 1, kh, kw, oc),
                                  view4(q, k.batch, oh, ow, oc), k.window, fx.stage),
            Status::kOk);
  return test::quanta_error<std::int8_t>(q, y, out);
}

TEST(DepthwiseConv2d, MatchesFloatWithinOneQuantumOnRandomShapes) {
  test::Rng rng(4242);
  test::QuantaError total;
  int ran = 0;
  // Named shapes first: 1x1 image, 1 channel with a 1x1 kernel, 3 and 17 channels, depth
  // multipliers 2 and 3, stride 2 on odd inputs, explicit padding on all four sides.
  const std::array<DepthwiseCase, 7> named{{
      {1, 1, 1, 1, 1, window(1, 1, Padding::kValid)},
      {1, 1, 1, 17, 2, window(3, 1, Padding::kSame)},
      {1, 7, 7, 3, 1, window(3, 2, Padding::kSame)},
      {2, 9, 5, 17, 1, window(3, 2, Padding::kValid)},
      {1, 5, 5, 3, 2, window(3, 1, Padding::kExplicit, 1, Pad2d{1, 2, 2, 1})},
      {1, 8, 7, 17, 3, window(3, 2, Padding::kExplicit, 2, Pad2d{2, 2, 2, 2})},
      {1, 3, 3, 1, 2, window(5, 1, Padding::kSame)},
  }};
  for (const DepthwiseCase& k : named) {
    for (float amp : {1e-3f, 1.0f, 1e3f}) {
      test::QuantaError e = depthwise_vs_float<Rounding::kDouble>(rng, k, amp);
      e.merge(depthwise_vs_float<Rounding::kSingle>(rng, k, amp));
      EXPECT_LE(e.max, 1) << k.height << "x" << k.width << "x" << k.channels << " *"
                          << k.multiplier;
      total.merge(e);
      ran += 2;
    }
  }
  const std::array<std::size_t, 6> extents{1, 2, 3, 5, 7, 8};
  const std::array<std::size_t, 4> channel_counts{1, 3, 8, 17};
  const std::array<int, 4> kernels{1, 2, 3, 5};
  for (int trial = 0; trial < 400; ++trial) {
    DepthwiseCase k{};
    k.batch = rng.index(1, 2);
    k.height = extents[rng.index(0, extents.size() - 1)];
    k.width = extents[rng.index(0, extents.size() - 1)];
    k.channels = channel_counts[rng.index(0, channel_counts.size() - 1)];
    k.multiplier = rng.index(1, 3);
    const int kernel = kernels[rng.index(0, kernels.size() - 1)];
    k.window = Window2d{kernel,
                        rng.uniform_int<int>(0, 3) == 0 ? kernel : kernels[rng.index(0, 2)],
                        rng.uniform_int<int>(1, 2),
                        rng.uniform_int<int>(1, 2),
                        rng.uniform_int<int>(1, 2),
                        rng.uniform_int<int>(1, 2),
                        static_cast<Padding>(rng.uniform_int<int>(0, 2)),
                        Pad2d{rng.uniform_int<int>(0, 2), rng.uniform_int<int>(0, 2),
                              rng.uniform_int<int>(0, 2), rng.uniform_int<int>(0, 2)}};
    if (window_output_h(k.window, k.height) == 0 || window_output_w(k.window, k.width) == 0) {
      continue;
    }
    const float amp = std::array<float, 3>{1e-3f, 1.0f, 1e3f}[rng.index(0, 2)];
    const test::QuantaError e = trial % 2 == 0 ? depthwise_vs_float<Rounding::kDouble>(rng, k, amp)
                                               : depthwise_vs_float<Rounding::kSingle>(rng, k, amp);
    EXPECT_LE(e.max, 1) << "trial " << trial << " " << k.height << "x" << k.width << "x"
                        << k.channels << " *" << k.multiplier;
    total.merge(e);
    ++ran;
  }
  EXPECT_GT(ran, 290);
  std::printf(
      "[ figures  ] depthwise_conv2d int8 vs float: %d shapes, max %d quantum, %zu of %zu "
      "elements off by one\n",
      ran, total.max, total.off_by_one, total.count);
}

}  // namespace
}  // namespace mote
