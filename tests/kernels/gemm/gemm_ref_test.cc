// Reference GEMM: hand-worked int32 and int8 cases, both rounding rules, extreme values,
// strided views, rejection without writes, and int8 against float on random shapes.
#include "mote/kernels/gemm/gemm_ref.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <type_traits>
#include <vector>

#include "mote/quant/output_stage.h"
#include "mote/tensor/slice.h"
#include "support/quantized_compare.h"
#include "support/random.h"

namespace mote {
namespace {

using Mat = Extents<dyn, dyn>;

template <typename T>
auto mat(std::vector<T>& v, std::size_t rows, std::size_t cols) {
  return make_view(v.data(), Mat(rows, cols));
}
template <typename T>
auto cmat(const std::vector<T>& v, std::size_t rows, std::size_t cols) {
  return make_view(v.data(), Mat(rows, cols));
}

QuantizedMultiplier qm(double real) {
  return *QuantizedMultiplier::from_real(real);
}

TEST(GemmS32, HandWorkedS8) {
  // A - 1 = [[0, 1, 2], [-5, 4, -7]]; C = (A - 1) * B^T.
  const std::vector<std::int8_t> a{1, 2, 3, -4, 5, -6};
  const std::vector<std::int8_t> b{1, 0, -1, 2, 2, 2};
  std::vector<std::int32_t> c(4);
  ASSERT_EQ(ref::gemm_s32(cmat(a, 2, 3), 1, cmat(b, 2, 3), 0, mat(c, 2, 2)), Status::kOk);
  EXPECT_EQ(c, (std::vector<std::int32_t>{-2, 6, 2, -16}));
}

TEST(GemmS32, HandWorkedU8AndMixed) {
  // A - 128 = [[-128, 127], [0, -118]], B - 128 = [[127, -128]].
  const std::vector<std::uint8_t> a{0, 255, 128, 10};
  const std::vector<std::uint8_t> b{255, 0};
  std::vector<std::int32_t> c(2);
  ASSERT_EQ(ref::gemm_s32(cmat(a, 2, 2), 128, cmat(b, 1, 2), 128, mat(c, 2, 1)), Status::kOk);
  EXPECT_EQ(c, (std::vector<std::int32_t>{-128 * 127 + 127 * -128, -118 * -128}));
  // u8 activations times s8 weights: (A - 128) * [3, -2]^T.
  const std::vector<std::int8_t> w{3, -2};
  ASSERT_EQ(ref::gemm_s32(cmat(a, 2, 2), 128, cmat(w, 1, 2), 0, mat(c, 2, 1)), Status::kOk);
  EXPECT_EQ(c, (std::vector<std::int32_t>{-384 - 254, 236}));
}

TEST(GemmS32, ExtremeValuesAndZeroPoints) {
  // (-128 - 127) * (127 - (-128)) = -255 * 255 per term, K = 5.
  const std::vector<std::int8_t> a(5, -128);
  const std::vector<std::int8_t> b(5, 127);
  std::vector<std::int32_t> c(1);
  ASSERT_EQ(ref::gemm_s32(cmat(a, 1, 5), 127, cmat(b, 1, 5), -128, mat(c, 1, 1)), Status::kOk);
  EXPECT_EQ(c[0], -5 * 65025);
  ASSERT_EQ(ref::gemm_s32(cmat(a, 1, 5), -128, cmat(b, 1, 5), 127, mat(c, 1, 1)), Status::kOk);
  EXPECT_EQ(c[0], 0);
  // K = 0: empty sums.
  std::vector<std::int8_t> none;
  std::vector<std::int32_t> c2(6, 7);
  ASSERT_EQ(ref::gemm_s32(cmat(none, 2, 0), 0, cmat(none, 3, 0), 0, mat(c2, 2, 3)), Status::kOk);
  EXPECT_EQ(c2, std::vector<std::int32_t>(6, 0));
}

TEST(Gemm, HandWorkedPerChannelBiasAndClamp) {
  // A - 2 = [[1, -3], [8, 2]], B = [[2, 1], [-1, 3], [4, 4]]:
  //   acc = [[-1, -10, -8], [18, -2, 40]]; + bias [5, -2, 100] = [[4, -12, 92], [23, -4, 140]].
  // Multipliers 0.5, 0.25, 2: [[2, -3, 184], [11.5 -> 12, -1, 280]]; + zp -3; clamp [-5, 100].
  const std::vector<std::int8_t> a{3, -1, 10, 4};
  const std::vector<std::int8_t> b{2, 1, -1, 3, 4, 4};
  const std::array<std::int32_t, 3> bias{5, -2, 100};
  const std::array<QuantizedMultiplier, 3> mult{qm(0.5), qm(0.25), qm(2.0)};
  const std::vector<std::int8_t> expected{-1, -5, 100, 9, -4, 100};
  std::vector<std::int8_t> c(6);
  ASSERT_EQ(ref::gemm(cmat(a, 2, 2), 2, cmat(b, 3, 2), 0, mat(c, 2, 3),
                      OutputStage<Rounding::kDouble>{bias, mult, -3, -5, 100}),
            Status::kOk);
  EXPECT_EQ(c, expected);
  std::vector<std::int8_t> c1(6);
  ASSERT_EQ(ref::gemm(cmat(a, 2, 2), 2, cmat(b, 3, 2), 0, mat(c1, 2, 3),
                      OutputStage<Rounding::kSingle>{bias, mult, -3, -5, 100}),
            Status::kOk);
  EXPECT_EQ(c1, expected);  // no ties here: both rules agree
}

TEST(Gemm, RoundingRulesDifferOnNegativeTies) {
  // acc = [-6, 10, -10] times 0.25 = [-1.5, 2.5, -2.5]. Double rounding: exact high multiply
  // [-3, 5, -5], then divide by 2 with ties away from zero: [-2, 3, -3]. Single rounding:
  // ties toward +infinity: [-1, 3, -2].
  const std::vector<std::int8_t> a{-3, 5, -5};
  const std::vector<std::int8_t> b{2};
  const std::array<QuantizedMultiplier, 1> mult{qm(0.25)};
  std::vector<std::int8_t> c(3);
  ASSERT_EQ(ref::gemm(cmat(a, 3, 1), 0, cmat(b, 1, 1), 0, mat(c, 3, 1),
                      OutputStage<Rounding::kDouble>{{}, mult, 0}),
            Status::kOk);
  EXPECT_EQ(c, (std::vector<std::int8_t>{-2, 3, -3}));
  ASSERT_EQ(ref::gemm(cmat(a, 3, 1), 0, cmat(b, 1, 1), 0, mat(c, 3, 1),
                      OutputStage<Rounding::kSingle>{{}, mult, 0}),
            Status::kOk);
  EXPECT_EQ(c, (std::vector<std::int8_t>{-1, 3, -2}));
}

template <Rounding Rule>
void check_extreme_scales() {
  // Rows of A - 127 against B + 128 = 255: acc = [5 * -255 * 255, 0, -127 * 255]
  // = [-325125, 0, -32385].
  const std::vector<std::int8_t> a{-128, -128, -128, -128, -128, 127, 127, 127,
                                   127,  127,  127,  127,  127,  127, 0};
  const std::vector<std::int8_t> b(5, 127);
  std::vector<std::int8_t> c(3);
  // Huge multiplier 1000: anything nonzero saturates; zero lands on the zero point.
  std::array<QuantizedMultiplier, 1> huge{qm(1000.0)};
  ASSERT_EQ(huge[0].shift, 10);
  ASSERT_EQ(ref::gemm(cmat(a, 3, 5), 127, cmat(b, 1, 5), -128, mat(c, 3, 1),
                      OutputStage<Rule>{{}, huge, -128}),
            Status::kOk);
  EXPECT_EQ(c, (std::vector<std::int8_t>{-128, -128, -128}));
  ASSERT_EQ(ref::gemm(cmat(a, 3, 5), 127, cmat(b, 1, 5), -128, mat(c, 3, 1),
                      OutputStage<Rule>{{}, huge, 127}),
            Status::kOk);
  EXPECT_EQ(c, (std::vector<std::int8_t>{-128, 127, -128}));
  // Tiny multiplier 1e-12 underflows to 0: every output is the zero point.
  std::array<QuantizedMultiplier, 1> tiny{qm(1e-12)};
  ASSERT_EQ(tiny[0].multiplier, 0);
  ASSERT_EQ(ref::gemm(cmat(a, 3, 5), 127, cmat(b, 1, 5), -128, mat(c, 3, 1),
                      OutputStage<Rule>{{}, tiny, 127}),
            Status::kOk);
  EXPECT_EQ(c, (std::vector<std::int8_t>{127, 127, 127}));
  // 2^-16: -325125 / 65536 = -4.96 -> -5; -32385 / 65536 = -0.494 -> 0; zp -128 then clamps -5.
  std::array<QuantizedMultiplier, 1> small{qm(1.0 / 65536)};
  ASSERT_EQ(ref::gemm(cmat(a, 3, 5), 127, cmat(b, 1, 5), -128, mat(c, 3, 1),
                      OutputStage<Rule>{{}, small, 0}),
            Status::kOk);
  EXPECT_EQ(c, (std::vector<std::int8_t>{-5, 0, 0}));
  ASSERT_EQ(ref::gemm(cmat(a, 3, 5), 127, cmat(b, 1, 5), -128, mat(c, 3, 1),
                      OutputStage<Rule>{{}, small, -128}),
            Status::kOk);
  EXPECT_EQ(c, (std::vector<std::int8_t>{-128, -128, -128}));
}

TEST(Gemm, ExtremeScalesDoubleRounding) {
  check_extreme_scales<Rounding::kDouble>();
}
TEST(Gemm, ExtremeScalesSingleRounding) {
  check_extreme_scales<Rounding::kSingle>();
}

TEST(Gemm, Uint8Output) {
  // acc = [-6, 10]; multiplier 1, zp 128: [122, 138].
  const std::vector<std::uint8_t> a{125, 133};
  const std::vector<std::int8_t> b{2};
  const std::array<QuantizedMultiplier, 1> one{qm(1.0)};
  std::vector<std::uint8_t> c(2);
  ASSERT_EQ(ref::gemm(cmat(a, 2, 1), 128, cmat(b, 1, 1), 0, mat(c, 2, 1),
                      OutputStage<>{{}, one, 128, 0, 255}),
            Status::kOk);
  EXPECT_EQ(c, (std::vector<std::uint8_t>{122, 138}));
  // The default int8 clamp [-128, 127] is not a uint8 range.
  EXPECT_EQ(
      ref::gemm(cmat(a, 2, 1), 128, cmat(b, 1, 1), 0, mat(c, 2, 1), OutputStage<>{{}, one, 0}),
      Status::kInvalidArgument);
}

TEST(Gemm, FloatHandWorked) {
  const std::vector<float> a{1.0f, 2.0f, -1.0f, 0.5f};
  const std::vector<float> b{3.0f, -1.0f, 2.0f, 2.0f};
  const std::array<float, 2> bias{0.5f, -10.0f};
  std::vector<float> c(4);
  ASSERT_EQ(ref::gemm(cmat(a, 2, 2), cmat(b, 2, 2), mat(c, 2, 2), FloatOutputStage{bias}),
            Status::kOk);
  EXPECT_EQ(c, (std::vector<float>{1.5f, -4.0f, -3.0f, -11.0f}));
  ASSERT_EQ(ref::gemm(cmat(a, 2, 2), cmat(b, 2, 2), mat(c, 2, 2),
                      float_activation(Activation::kRelu6, bias)),
            Status::kOk);
  EXPECT_EQ(c, (std::vector<float>{1.5f, 0.0f, 0.0f, 0.0f}));
}

TEST(Gemm, StridedAndStaticViewsGiveTheSameResult) {
  test::Rng rng(11);
  constexpr std::size_t kM = 5, kK = 7, kN = 3;
  const auto a = rng.vector<std::int8_t>(kM * kK, -128, 127);
  const auto b = rng.vector<std::int8_t>(kN * kK, -127, 127);
  const std::array<QuantizedMultiplier, 1> mult{qm(0.003)};
  const OutputStage<> stage{{}, mult, 4};
  std::vector<std::int8_t> expected(kM * kN);
  ASSERT_EQ(ref::gemm(cmat(a, kM, kK), -7, cmat(b, kN, kK), 0, mat(expected, kM, kN), stage),
            Status::kOk);
  // A with a padded row stride, B static, C a column slice of a wider buffer.
  std::vector<std::int8_t> a_wide(kM * (kK + 4), 99);
  for (std::size_t m = 0; m < kM; ++m) {
    for (std::size_t k = 0; k < kK; ++k) a_wide[m * (kK + 4) + k] = a[m * kK + k];
  }
  const auto a_strided =
      make_strided_view(static_cast<const std::int8_t*>(a_wide.data()), Mat(kM, kK), {kK + 4, 1});
  const TensorView<const std::int8_t, Extents<kN, kK>> b_static(b.data());
  std::vector<std::int8_t> c_wide(kM * (kN + 2), 55);
  const auto c_all = make_view(c_wide.data(), Extents<kM, kN + 2>{});
  const auto c_slice = slice(c_all, all, Range{1, 1 + kN});
  ASSERT_EQ(ref::gemm(a_strided, -7, b_static, 0, c_slice, stage), Status::kOk);
  for (std::size_t m = 0; m < kM; ++m) {
    EXPECT_EQ(c_all(m, 0), 55);
    EXPECT_EQ(c_all(m, kN + 1), 55);
    for (std::size_t n = 0; n < kN; ++n) EXPECT_EQ(c_slice(m, n), expected[m * kN + n]);
  }
}

TEST(Gemm, RejectsWithoutWriting) {
  const std::vector<std::int8_t> a(6, 1);  // 2 x 3
  const std::vector<std::int8_t> b(6, 1);  // 2 x 3
  const std::array<std::int32_t, 2> bias{1, 2};
  const std::array<std::int32_t, 3> bias3{1, 2, 3};
  const std::array<QuantizedMultiplier, 1> one{qm(0.5)};
  const std::array<QuantizedMultiplier, 3> three{qm(0.5), qm(0.5), qm(0.5)};
  std::vector<std::int8_t> c(8, 0x5A);
  const std::vector<std::int8_t> before = c;
  const OutputStage<> ok{bias, one, 0};
  const std::vector<float> af(6), bf(6);
  std::vector<float> cf(8, 1.25f);
  std::vector<std::int32_t> c32(8, 0x5A5A);
  // Wrong K, wrong M, wrong N.
  EXPECT_EQ(ref::gemm(cmat(a, 3, 2), 0, cmat(b, 2, 3), 0, mat(c, 3, 2), ok),
            Status::kShapeMismatch);
  EXPECT_EQ(ref::gemm(cmat(a, 2, 3), 0, cmat(b, 2, 3), 0, mat(c, 4, 2), ok),
            Status::kShapeMismatch);
  EXPECT_EQ(ref::gemm(cmat(a, 2, 3), 0, cmat(b, 2, 3), 0, mat(c, 2, 4), ok),
            Status::kShapeMismatch);
  // Stage sized for another N; zero points and clamps out of range.
  EXPECT_EQ(ref::gemm(cmat(a, 2, 3), 0, cmat(b, 2, 3), 0, mat(c, 2, 2), OutputStage<>{bias3, one}),
            Status::kShapeMismatch);
  EXPECT_EQ(ref::gemm(cmat(a, 2, 3), 0, cmat(b, 2, 3), 0, mat(c, 2, 2), OutputStage<>{{}, three}),
            Status::kShapeMismatch);
  EXPECT_EQ(ref::gemm(cmat(a, 2, 3), 128, cmat(b, 2, 3), 0, mat(c, 2, 2), ok),
            Status::kInvalidArgument);
  EXPECT_EQ(ref::gemm(cmat(a, 2, 3), 0, cmat(b, 2, 3), -129, mat(c, 2, 2), ok),
            Status::kInvalidArgument);
  EXPECT_EQ(ref::gemm(cmat(a, 2, 3), 0, cmat(b, 2, 3), 0, mat(c, 2, 2),
                      OutputStage<Rounding::kSingle>{bias, one, 0, 10, 5}),
            Status::kInvalidArgument);
  EXPECT_EQ(c, before);
  EXPECT_EQ(ref::gemm_s32(cmat(a, 2, 3), 0, cmat(b, 3, 2), 0, mat(c32, 2, 3)),
            Status::kShapeMismatch);
  EXPECT_EQ(ref::gemm_s32(cmat(a, 2, 3), 0, cmat(b, 2, 3), 0, mat(c32, 2, 3)),
            Status::kShapeMismatch);
  EXPECT_EQ(ref::gemm_s32(cmat(a, 2, 3), 200, cmat(b, 2, 3), 0, mat(c32, 2, 2)),
            Status::kInvalidArgument);
  EXPECT_EQ(c32, std::vector<std::int32_t>(8, 0x5A5A));
  EXPECT_EQ(ref::gemm(cmat(af, 2, 3), cmat(bf, 3, 2), mat(cf, 2, 3), FloatOutputStage{}),
            Status::kShapeMismatch);
  const std::array<float, 3> fbias{};
  EXPECT_EQ(ref::gemm(cmat(af, 2, 3), cmat(bf, 2, 3), mat(cf, 2, 2), FloatOutputStage{fbias}),
            Status::kShapeMismatch);
  EXPECT_EQ(cf, std::vector<float>(8, 1.25f));
}

// Random problem: A in an asymmetric range of magnitude `amp`, B symmetric per-channel or
// per-tensor (In x s8), or asymmetric per-tensor of type Wt; int8 vs float on dequantized data.
template <typename In, typename Wt, Rounding Rule>
test::QuantaError gemm_vs_float(test::Rng& rng, std::size_t m, std::size_t k, std::size_t n,
                                bool per_channel, float amp) {
  const float lo = -amp * rng.uniform(0.0f, 1.0f);
  const float hi = amp * rng.uniform(0.0f, 1.0f);
  const auto af = rng.vector<float>(m * k, lo, hi);
  const auto bf = rng.vector<float>(n * k, -1.0f, 1.0f);
  const auto biasf = rng.vector<float>(n, -amp, amp);
  const auto qa = test::quantize_tensor<In>(af);
  std::vector<Wt> bq;
  std::vector<float> b_real;
  std::vector<float> b_scales;
  std::int32_t b_zero_point = 0;
  if constexpr (std::is_same_v<Wt, std::int8_t>) {
    if (!per_channel || n == 0) {
      const auto w = test::quantize_weights(bf, 1, n * k);
      bq = w.q;
      b_real = w.real;
      b_scales = w.scales;
    } else {
      const auto w = test::quantize_weights(bf, n, k);
      bq = w.q;
      b_real = w.real;
      b_scales = w.scales;
    }
  } else {
    const auto w = test::quantize_tensor<Wt>(bf);
    bq = w.q;
    b_real = w.real;
    b_scales = {w.params.scale};
    b_zero_point = w.params.zero_point;
  }
  const auto bias = test::quantize_biases(biasf, qa.params.scale, b_scales);

  std::vector<float> y(m * n);
  EXPECT_EQ(
      ref::gemm(cmat(qa.real, m, k), cmat(b_real, n, k), mat(y, m, n), FloatOutputStage{bias.real}),
      Status::kOk);
  const auto out = test::params_for<std::int8_t>(y);
  const auto act = static_cast<Activation>(rng.uniform_int<int>(0, 3));
  EXPECT_EQ(ref::gemm(cmat(qa.real, m, k), cmat(b_real, n, k), mat(y, m, n),
                      float_activation(act, bias.real)),
            Status::kOk);
  const test::StageFixture<Rule, std::int8_t> fx(qa.params.scale, b_scales, bias.q, out, act);
  std::vector<std::int8_t> c(m * n);
  EXPECT_EQ(ref::gemm(cmat(qa.q, m, k), qa.params.zero_point, cmat(bq, n, k), b_zero_point,
                      mat(c, m, n), fx.stage),
            Status::kOk);
  return test::quanta_error<std::int8_t>(c, y, out);
}

TEST(Gemm, MatchesFloatWithinOneQuantumOnRandomShapes) {
  test::Rng rng(2024);
  const std::array<std::size_t, 7> sizes{1, 2, 3, 7, 16, 17, 33};
  test::QuantaError total;
  for (int trial = 0; trial < 300; ++trial) {
    const std::size_t m = sizes[rng.index(0, sizes.size() - 1)];
    const std::size_t k = sizes[rng.index(0, sizes.size() - 1)];
    const std::size_t n = sizes[rng.index(0, sizes.size() - 1)];
    const float amp = std::array<float, 4>{1e-3f, 1.0f, 6.0f, 1e3f}[rng.index(0, 3)];
    const bool per_channel = rng.uniform_int<int>(0, 1) == 1;
    test::QuantaError e;
    switch (trial % 6) {
      case 0:
        e = gemm_vs_float<std::int8_t, std::int8_t, Rounding::kDouble>(rng, m, k, n, per_channel,
                                                                       amp);
        break;
      case 1:
        e = gemm_vs_float<std::int8_t, std::int8_t, Rounding::kSingle>(rng, m, k, n, per_channel,
                                                                       amp);
        break;
      case 2:
        e = gemm_vs_float<std::uint8_t, std::int8_t, Rounding::kDouble>(rng, m, k, n, per_channel,
                                                                        amp);
        break;
      case 3:
        e = gemm_vs_float<std::uint8_t, std::uint8_t, Rounding::kSingle>(rng, m, k, n, false, amp);
        break;
      case 4:
        e = gemm_vs_float<std::uint8_t, std::uint8_t, Rounding::kDouble>(rng, m, k, n, false, amp);
        break;
      default:
        e = gemm_vs_float<std::int8_t, std::int8_t, Rounding::kSingle>(rng, m, k, n, false, amp);
        break;
    }
    EXPECT_LE(e.max, 1) << "trial " << trial << " m=" << m << " k=" << k << " n=" << n;
    total.merge(e);
  }
  std::printf("[ figures  ] gemm int8 vs float: max %d quantum, %zu of %zu elements off by one\n",
              total.max, total.off_by_one, total.count);
}

}  // namespace
}  // namespace mote
