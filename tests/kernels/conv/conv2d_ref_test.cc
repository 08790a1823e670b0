// Reference conv2d: hand-worked int8 cases (padding with a nonzero input zero point, stride 2 on
// an odd input, dilation, groups, per-channel multipliers, clamps, rounding ties, extremes),
// views of any layout, rejection without writes, and int8 against float on random shapes.
#include "mote/kernels/conv/conv2d_ref.h"

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

// v(r, c) = 5 r + c + 1 over a 5 x 5 one-channel image, stored with zero point zp.
std::vector<std::int8_t> ramp5x5(std::int32_t zp) {
  std::vector<std::int8_t> in(25);
  for (int i = 0; i < 25; ++i) in[i] = static_cast<std::int8_t>(i + 1 + zp);
  return in;
}

template <Rounding Rule>
void check_same_padding_with_input_zero_point() {
  // in - 5 = [[1, 2, 3], [4, 5, 6], [7, 8, 9]], 3x3 ones, SAME (pad 1 all round): each output is
  // the sum of its in-image neighbourhood (padded taps are the zero point, i.e. 0, not -5):
  // [[12, 21, 16], [27, 45, 33], [24, 39, 28]]; + bias 3, * 1, + zp -10.
  const std::vector<std::int8_t> in{6, 7, 8, 9, 10, 11, 12, 13, 14};
  const std::vector<std::int8_t> filter(9, 1);
  const std::array<std::int32_t, 1> bias{3};
  const std::array<QuantizedMultiplier, 1> one{qm(1.0)};
  std::vector<std::int8_t> out(9);
  ASSERT_EQ(
      ref::conv2d(cview4(in, 1, 3, 3, 1), 5, cview4(filter, 1, 3, 3, 1), view4(out, 1, 3, 3, 1),
                  window(3, 1, Padding::kSame), OutputStage<Rule>{bias, one, -10}),
      Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int8_t>{5, 14, 9, 20, 38, 26, 17, 32, 21}));
}

TEST(Conv2d, SamePaddingWithNonzeroInputZeroPointDouble) {
  check_same_padding_with_input_zero_point<Rounding::kDouble>();
}
TEST(Conv2d, SamePaddingWithNonzeroInputZeroPointSingle) {
  check_same_padding_with_input_zero_point<Rounding::kSingle>();
}

TEST(Conv2d, Stride2OnOddInputSamePadding) {
  // 5x5 ramp, zp -128; 3x3 filter with ones at the corners; SAME, stride 2: out 3x3, total
  // padding (3-1)*2 + 3 - 5 = 2 -> 1 top/left, 1 bottom/right. Window (oy, ox) has corners at rows
  // {2oy-1, 2oy+1}, cols {2ox-1, 2ox+1}: sums [[7, 16, 9], [24, 52, 28], [17, 36, 19]];
  // * 0.5 with ties up: [[4, 8, 5], [12, 26, 14], [9, 18, 10]].
  const auto in = ramp5x5(-128);
  const std::vector<std::int8_t> filter{1, 0, 1, 0, 0, 0, 1, 0, 1};
  const std::array<QuantizedMultiplier, 1> half{qm(0.5)};
  std::vector<std::int8_t> out(9);
  ASSERT_EQ(
      ref::conv2d(cview4(in, 1, 5, 5, 1), -128, cview4(filter, 1, 3, 3, 1), view4(out, 1, 3, 3, 1),
                  window(3, 2, Padding::kSame), OutputStage<>{{}, half, 0}),
      Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int8_t>{4, 8, 5, 12, 26, 14, 9, 18, 10}));
  // VALID, stride 2: out 2x2, windows at (0,0), (0,2), (2,0), (2,2); corner sums
  // [[1+3+11+13, 3+5+13+15], [11+13+21+23, 13+15+23+25]] = [[28, 36], [68, 76]], * 0.5.
  std::vector<std::int8_t> valid(4);
  ASSERT_EQ(ref::conv2d(cview4(in, 1, 5, 5, 1), -128, cview4(filter, 1, 3, 3, 1),
                        view4(valid, 1, 2, 2, 1), window(3, 2, Padding::kValid),
                        OutputStage<>{{}, half, 0}),
            Status::kOk);
  EXPECT_EQ(valid, (std::vector<std::int8_t>{14, 18, 34, 38}));
}

template <Rounding Rule>
void check_dilation(std::int8_t center) {
  // 3x3 ones with dilation 2 cover 5x5. VALID: one output, taps at rows/cols {0, 2, 4}:
  // (1+3+5) + (11+13+15) + (21+23+25) = 117, * 0.25 = 29.25: single rounding 29; double
  // rounding first halves to 58.5 -> 59, then 59 / 2 = 29.5 -> 30 (ties away from zero).
  // SAME: pad 2 all round, output (0,0) taps rows/cols {-2, 0, 2}: 1+3+11+13 = 28 -> 7;
  // output (2,2) is the VALID window again; output (0,4): 3+5+13+15 = 36 -> 9.
  const auto in = ramp5x5(0);
  const std::vector<std::int8_t> filter(9, 1);
  const std::array<QuantizedMultiplier, 1> quarter{qm(0.25)};
  std::vector<std::int8_t> valid(1);
  ASSERT_EQ(
      ref::conv2d(cview4(in, 1, 5, 5, 1), 0, cview4(filter, 1, 3, 3, 1), view4(valid, 1, 1, 1, 1),
                  window(3, 1, Padding::kValid, 2), OutputStage<Rule>{{}, quarter, 0}),
      Status::kOk);
  EXPECT_EQ(valid[0], center);
  std::vector<std::int8_t> same(25);
  ASSERT_EQ(
      ref::conv2d(cview4(in, 1, 5, 5, 1), 0, cview4(filter, 1, 3, 3, 1), view4(same, 1, 5, 5, 1),
                  window(3, 1, Padding::kSame, 2), OutputStage<Rule>{{}, quarter, 0}),
      Status::kOk);
  EXPECT_EQ(same[0], 7);
  EXPECT_EQ(same[12], center);
  EXPECT_EQ(same[4], 9);
}

TEST(Conv2d, DilationDouble) {
  check_dilation<Rounding::kDouble>(30);
}
TEST(Conv2d, DilationSingle) {
  check_dilation<Rounding::kSingle>(29);
}

TEST(Conv2d, ExplicitAsymmetricPadding) {
  // 3x3 ramp 1..9 (zp 2), 2x2 ones, pad top 0, bottom 1, left 1, right 0: out 3x3.
  // Padded image columns -1..2, rows 0..3 (row 3 and column -1 are padding):
  // out(oy, ox) = sum of v over rows {oy, oy+1}, cols {ox-1, ox} inside the image.
  //   row 0: [1+4, 1+2+4+5, 2+3+5+6] = [5, 12, 16]
  //   row 1: [4+7, 4+5+7+8, 5+6+8+9] = [11, 24, 28]
  //   row 2: [7, 7+8, 8+9] = [7, 15, 17]
  std::vector<std::int8_t> in(9);
  for (int i = 0; i < 9; ++i) in[i] = static_cast<std::int8_t>(i + 1 + 2);
  const std::vector<std::int8_t> filter(4, 1);
  const std::array<QuantizedMultiplier, 1> one{qm(1.0)};
  std::vector<std::int8_t> out(9);
  const Window2d w{2, 2, 1, 1, 1, 1, Padding::kExplicit, Pad2d{0, 1, 1, 0}};
  ASSERT_EQ(ref::conv2d(cview4(in, 1, 3, 3, 1), 2, cview4(filter, 1, 2, 2, 1),
                        view4(out, 1, 3, 3, 1), w, OutputStage<>{{}, one, 0}),
            Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int8_t>{5, 12, 16, 11, 24, 28, 7, 15, 17}));
}

template <Rounding Rule>
void check_groups_per_channel_and_clamp() {
  // C = 4, filter 4 x 1 x 1 x 2: groups 2, output channels 0-1 read inputs 0-1, 2-3 read 2-3.
  // in - zp = [1, 2, 3, 4]: acc = [1+2, 1-2, 2*3, 3*4] = [3, -1, 6, 12]; bias [0, 0, 1, 0];
  // multipliers [1, 1, 0.5, 0.25]: [3, -1, 3.5 -> 4, 3]; + zp 1: [4, 0, 5, 4]; clamp [0, 4].
  const std::vector<std::int8_t> in{-9, -8, -7, -6};
  const std::vector<std::int8_t> filter{1, 1, 1, -1, 2, 0, 0, 3};
  const std::array<std::int32_t, 4> bias{0, 0, 1, 0};
  const std::array<QuantizedMultiplier, 4> mult{qm(1.0), qm(1.0), qm(0.5), qm(0.25)};
  std::vector<std::int8_t> out(4);
  ASSERT_EQ(
      ref::conv2d(cview4(in, 1, 1, 1, 4), -10, cview4(filter, 4, 1, 1, 2), view4(out, 1, 1, 1, 4),
                  window(1, 1, Padding::kValid), OutputStage<Rule>{bias, mult, 1, 0, 4}),
      Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int8_t>{4, 0, 4, 4}));
}

TEST(Conv2d, GroupsPerChannelMultipliersAndClampDouble) {
  check_groups_per_channel_and_clamp<Rounding::kDouble>();
}
TEST(Conv2d, GroupsPerChannelMultipliersAndClampSingle) {
  check_groups_per_channel_and_clamp<Rounding::kSingle>();
}

TEST(Conv2d, RoundingRulesDifferOnNegativeTies) {
  // acc = (-3 - 0) * 2 = -6, * 0.25 = -1.5: double -2, single -1.
  const std::vector<std::int8_t> in{-3};
  const std::vector<std::int8_t> filter{2};
  const std::array<QuantizedMultiplier, 1> quarter{qm(0.25)};
  std::vector<std::int8_t> out(1);
  ASSERT_EQ(
      ref::conv2d(cview4(in, 1, 1, 1, 1), 0, cview4(filter, 1, 1, 1, 1), view4(out, 1, 1, 1, 1),
                  window(1, 1, Padding::kSame), OutputStage<Rounding::kDouble>{{}, quarter, 0}),
      Status::kOk);
  EXPECT_EQ(out[0], -2);
  ASSERT_EQ(
      ref::conv2d(cview4(in, 1, 1, 1, 1), 0, cview4(filter, 1, 1, 1, 1), view4(out, 1, 1, 1, 1),
                  window(1, 1, Padding::kSame), OutputStage<Rounding::kSingle>{{}, quarter, 0}),
      Status::kOk);
  EXPECT_EQ(out[0], -1);
}

template <Rounding Rule>
void check_extremes() {
  // 2x2x3 input of -128 with zp 127 (-255 after the offset), 3x3x3 filter of 127, SAME: every
  // output window covers the whole image, acc = 4 * 3 * -255 * 127 = -388620.
  const std::vector<std::int8_t> in(12, -128);
  const std::vector<std::int8_t> filter(27, 127);
  std::vector<std::int8_t> out(4);
  auto run = [&](double real, std::int32_t zp) {
    const std::array<QuantizedMultiplier, 1> m{qm(real)};
    EXPECT_EQ(
        ref::conv2d(cview4(in, 1, 2, 2, 3), 127, cview4(filter, 1, 3, 3, 3), view4(out, 1, 2, 2, 1),
                    window(3, 1, Padding::kSame), OutputStage<Rule>{{}, m, zp}),
        Status::kOk);
  };
  run(1.0 / 4096, 127);  // -388620 / 4096 = -94.88 -> -95; + 127
  EXPECT_EQ(out, std::vector<std::int8_t>(4, 32));
  run(1.0 / 4096, -128);
  EXPECT_EQ(out, std::vector<std::int8_t>(4, -128));
  run(1e-12, -128);  // the multiplier underflows to 0: the zero point
  EXPECT_EQ(out, std::vector<std::int8_t>(4, -128));
  run(1000.0, 127);  // saturates
  EXPECT_EQ(out, std::vector<std::int8_t>(4, -128));
}

TEST(Conv2d, ExtremeValuesDouble) {
  check_extremes<Rounding::kDouble>();
}
TEST(Conv2d, ExtremeValuesSingle) {
  check_extremes<Rounding::kSingle>();
}

TEST(Conv2d, Uint8Input) {
  // u8 input, zp 128: in - zp = [127, -128]; filter [1, 1] over 1x1x2 -> -1, * 1, + zp 0.
  const std::vector<std::uint8_t> in{255, 0};
  const std::vector<std::int8_t> filter{1, 1};
  const std::array<QuantizedMultiplier, 1> one{qm(1.0)};
  std::vector<std::int8_t> out(1);
  ASSERT_EQ(
      ref::conv2d(cview4(in, 1, 1, 1, 2), 128, cview4(filter, 1, 1, 1, 2), view4(out, 1, 1, 1, 1),
                  window(1, 1, Padding::kValid), OutputStage<>{{}, one, 0}),
      Status::kOk);
  EXPECT_EQ(out[0], -1);
}

TEST(Conv2d, FloatHandWorked) {
  // 2x2 image [1, 2; 3, 4], 2x2 filter [1, 0.5; -1, 0.25], VALID: 1 + 1 - 3 + 1 = 0; + 0.5.
  const std::vector<float> in{1.0f, 2.0f, 3.0f, 4.0f};
  const std::vector<float> filter{1.0f, 0.5f, -1.0f, 0.25f};
  const std::array<float, 1> bias{0.5f};
  std::vector<float> out(1);
  ASSERT_EQ(ref::conv2d(cview4(in, 1, 2, 2, 1), cview4(filter, 1, 2, 2, 1), view4(out, 1, 1, 1, 1),
                        window(2, 1, Padding::kValid), FloatOutputStage{bias}),
            Status::kOk);
  EXPECT_EQ(out[0], 0.5f);
}

TEST(Conv2d, StridedAndStaticViewsGiveTheSameResult) {
  // Input: channels 2..4 of a 7-channel NHWC buffer (LayoutStride); output: static extents.
  test::Rng rng(5);
  const auto wide = rng.vector<std::int8_t>(2 * 4 * 5 * 7, -128, 127);
  std::vector<std::int8_t> in(2 * 4 * 5 * 3);
  for (std::size_t p = 0; p < 2 * 4 * 5; ++p) {
    for (std::size_t c = 0; c < 3; ++c) in[p * 3 + c] = wide[p * 7 + 2 + c];
  }
  const auto filter = rng.vector<std::int8_t>(4 * 3 * 3 * 3, -127, 127);
  const std::array<QuantizedMultiplier, 1> m{qm(0.002)};
  const OutputStage<> stage{{}, m, -3};
  const Window2d w = window(3, 2, Padding::kSame);
  std::vector<std::int8_t> expected(2 * 2 * 3 * 4);
  ASSERT_EQ(ref::conv2d(cview4(in, 2, 4, 5, 3), 7, cview4(filter, 4, 3, 3, 3),
                        view4(expected, 2, 2, 3, 4), w, stage),
            Status::kOk);
  const auto wide_view = make_view(wide.data(), Extents<2, 4, 5, 7>{});
  const auto channels = slice(wide_view, all, all, all, Range{2, 5});
  const TensorView<const std::int8_t, Extents<4, 3, 3, 3>> filter_static(filter.data());
  Tensor<std::int8_t, Extents<2, 2, 3, 4>> out;
  ASSERT_EQ(ref::conv2d(channels, 7, filter_static, out.view(), w, stage), Status::kOk);
  EXPECT_EQ(std::vector<std::int8_t>(out.begin(), out.end()), expected);
}

TEST(Conv2d, RejectsWithoutWriting) {
  const std::vector<std::int8_t> in(1 * 5 * 5 * 4, 1);
  const std::vector<std::int8_t> filter(6 * 3 * 3 * 2, 1);  // O = 6, Cg = 2: groups 2
  const std::array<QuantizedMultiplier, 1> one{qm(0.5)};
  const std::array<std::int32_t, 5> bias5{};
  const OutputStage<> ok{{}, one};
  const Window2d same = window(3, 2, Padding::kSame);  // 5x5 -> 3x3
  std::vector<std::int8_t> out(1 * 3 * 3 * 6 + 16, 0x6B);
  const std::vector<std::int8_t> before = out;
  auto in4 = cview4(in, 1, 5, 5, 4);
  // Control: the right shapes are accepted.
  std::vector<std::int8_t> good(1 * 3 * 3 * 6);
  EXPECT_EQ(ref::conv2d(in4, 0, cview4(filter, 6, 3, 3, 2), view4(good, 1, 3, 3, 6), same, ok),
            Status::kOk);
  // Output height, width, channels, batch wrong.
  EXPECT_EQ(ref::conv2d(in4, 0, cview4(filter, 6, 3, 3, 2), view4(out, 1, 2, 3, 6), same, ok),
            Status::kShapeMismatch);
  EXPECT_EQ(ref::conv2d(in4, 0, cview4(filter, 6, 3, 3, 2), view4(out, 1, 3, 4, 6), same, ok),
            Status::kShapeMismatch);
  EXPECT_EQ(ref::conv2d(in4, 0, cview4(filter, 6, 3, 3, 2), view4(out, 1, 3, 3, 5), same, ok),
            Status::kShapeMismatch);
  EXPECT_EQ(ref::conv2d(in4, 0, cview4(filter, 6, 3, 3, 2), view4(out, 2, 3, 3, 6), same, ok),
            Status::kShapeMismatch);
  // Filter kernel disagrees with the window; channels do not divide C; O not a multiple of groups.
  EXPECT_EQ(ref::conv2d(in4, 0, cview4(filter, 6, 3, 3, 2), view4(out, 1, 3, 3, 6),
                        window(5, 2, Padding::kSame), ok),
            Status::kShapeMismatch);
  EXPECT_EQ(ref::conv2d(in4, 0, cview4(filter, 4, 3, 3, 3), view4(out, 1, 3, 3, 4), same, ok),
            Status::kShapeMismatch);
  EXPECT_EQ(ref::conv2d(in4, 0, cview4(filter, 3, 3, 3, 2), view4(out, 1, 3, 3, 3), same, ok),
            Status::kShapeMismatch);
  // Stage sized for another O.
  EXPECT_EQ(ref::conv2d(in4, 0, cview4(filter, 6, 3, 3, 2), view4(out, 1, 3, 3, 6), same,
                        OutputStage<>{bias5, one}),
            Status::kShapeMismatch);
  // Malformed window, input zero point out of range.
  EXPECT_EQ(ref::conv2d(in4, 0, cview4(filter, 6, 3, 3, 2), view4(out, 1, 3, 3, 6),
                        window(3, 0, Padding::kSame), ok),
            Status::kInvalidArgument);
  EXPECT_EQ(ref::conv2d(in4, 128, cview4(filter, 6, 3, 3, 2), view4(out, 1, 3, 3, 6), same, ok),
            Status::kInvalidArgument);
  EXPECT_EQ(out, before);
  const std::vector<float> fin(in.size()), ffilter(filter.size());
  std::vector<float> fout(out.size(), 9.0f);
  EXPECT_EQ(ref::conv2d(cview4(fin, 1, 5, 5, 4), cview4(ffilter, 6, 3, 3, 2),
                        view4(fout, 1, 3, 2, 6), same, FloatOutputStage{}),
            Status::kShapeMismatch);
  EXPECT_EQ(fout, std::vector<float>(out.size(), 9.0f));
}

struct ConvCase {
  std::size_t batch, height, width, channels, groups, out_channels;
  Window2d window;
};

template <Rounding Rule>
test::QuantaError conv_vs_float(test::Rng& rng, const ConvCase& k, float amp) {
  const std::size_t group_channels = k.channels / k.groups;
  const std::size_t kh = static_cast<std::size_t>(k.window.kernel_h);
  const std::size_t kw = static_cast<std::size_t>(k.window.kernel_w);
  const std::size_t oh = window_output_h(k.window, k.height);
  const std::size_t ow = window_output_w(k.window, k.width);
  // Separate statements: the order of the draws must not depend on the compiler.
  const float lo = -amp * rng.uniform(0.0f, 1.0f);
  const float hi = amp * rng.uniform(0.0f, 1.0f);
  const auto xf = rng.vector<float>(k.batch * k.height * k.width * k.channels, lo, hi);
  const auto wf = rng.vector<float>(k.out_channels * kh * kw * group_channels, -1.0f, 1.0f);
  const auto biasf = rng.vector<float>(k.out_channels, -amp, amp);
  const auto x = test::quantize_tensor<std::int8_t>(xf);
  const auto w = test::quantize_weights(wf, k.out_channels, kh * kw * group_channels);
  const auto bias = test::quantize_biases(biasf, x.params.scale, w.scales);

  const auto xv = cview4(x.real, k.batch, k.height, k.width, k.channels);
  const auto wv = cview4(w.real, k.out_channels, kh, kw, group_channels);
  std::vector<float> y(k.batch * oh * ow * k.out_channels);
  const auto yv = view4(y, k.batch, oh, ow, k.out_channels);
  EXPECT_EQ(ref::conv2d(xv, wv, yv, k.window, FloatOutputStage{bias.real}), Status::kOk);
  const auto out = test::params_for<std::int8_t>(y);
  const auto act = static_cast<Activation>(rng.uniform_int<int>(0, 3));
  EXPECT_EQ(ref::conv2d(xv, wv, yv, k.window, float_activation(act, bias.real)), Status::kOk);

  const test::StageFixture<Rule, std::int8_t> fx(x.params.scale, w.scales, bias.q, out, act);
  std::vector<std::int8_t> q(y.size());
  EXPECT_EQ(ref::conv2d(cview4(x.q, k.batch, k.height, k.width, k.channels), x.params.zero_point,
                        cview4(w.q, k.out_channels, kh, kw, group_channels),
                        view4(q, k.batch, oh, ow, k.out_channels), k.window, fx.stage),
            Status::kOk);
  return test::quanta_error<std::int8_t>(q, y, out);
}

TEST(Conv2d, MatchesFloatWithinOneQuantumOnRandomShapes) {
  test::Rng rng(31337);
  const std::array<std::size_t, 6> extents{1, 2, 3, 5, 7, 8};
  const std::array<std::size_t, 5> channel_counts{1, 3, 4, 6, 17};
  const std::array<int, 4> kernels{1, 2, 3, 5};
  test::QuantaError total;
  int ran = 0;
  // Named shapes first: 1x1 image, 1x1 kernel on one channel (K = 1), 3 and 17 channels,
  // stride 2 on odd inputs, explicit padding on all four sides, depthwise-like groups.
  const std::array<ConvCase, 7> named{{
      {1, 1, 1, 1, 1, 1, window(1, 1, Padding::kValid)},
      {1, 1, 1, 17, 1, 3, window(3, 1, Padding::kSame)},
      {1, 7, 7, 3, 1, 17, window(3, 2, Padding::kSame)},
      {2, 5, 9, 17, 1, 5, window(3, 2, Padding::kValid)},
      {1, 5, 5, 3, 3, 6, window(3, 1, Padding::kExplicit, 1, Pad2d{1, 2, 2, 1})},
      {1, 8, 7, 17, 17, 17, window(3, 2, Padding::kExplicit, 2, Pad2d{2, 2, 2, 2})},
      {1, 3, 3, 1, 1, 1, window(5, 1, Padding::kSame)},
  }};
  for (const ConvCase& k : named) {
    for (float amp : {1e-3f, 1.0f, 1e3f}) {
      test::QuantaError e = conv_vs_float<Rounding::kDouble>(rng, k, amp);
      e.merge(conv_vs_float<Rounding::kSingle>(rng, k, amp));
      EXPECT_LE(e.max, 1) << k.height << "x" << k.width << "x" << k.channels << " -> "
                          << k.out_channels;
      total.merge(e);
      ran += 2;
    }
  }
  for (int trial = 0; trial < 400; ++trial) {
    ConvCase k{};
    k.batch = rng.index(1, 2);
    k.height = extents[rng.index(0, extents.size() - 1)];
    k.width = extents[rng.index(0, extents.size() - 1)];
    k.channels = channel_counts[rng.index(0, channel_counts.size() - 1)];
    std::vector<std::size_t> divisors;
    for (std::size_t g = 1; g <= k.channels; ++g) {
      if (k.channels % g == 0) divisors.push_back(g);
    }
    k.groups = divisors[rng.index(0, divisors.size() - 1)];
    k.out_channels = k.groups * rng.index(1, 3);
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
    const test::QuantaError e = trial % 2 == 0 ? conv_vs_float<Rounding::kDouble>(rng, k, amp)
                                               : conv_vs_float<Rounding::kSingle>(rng, k, amp);
    EXPECT_LE(e.max, 1) << "trial " << trial << " " << k.height << "x" << k.width << "x"
                        << k.channels << " groups " << k.groups << " -> " << k.out_channels;
    total.merge(e);
    ++ran;
  }
  EXPECT_GT(ran, 290);
  std::printf(
      "[ figures  ] conv2d int8 vs float: %d shapes, max %d quantum, %zu of %zu elements off by "
      "one\n",
      ran, total.max, total.off_by_one, total.count);
}

}  // namespace
}  // namespace mote
