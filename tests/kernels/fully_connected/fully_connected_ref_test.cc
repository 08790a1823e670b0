// Reference fully-connected layer: hand-worked int8 cases, both rounding rules, rejection
// without writes, and int8 against float on random shapes.
#include "mote/kernels/fully_connected/fully_connected_ref.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "mote/quant/output_stage.h"
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

template <Rounding Rule>
void check_hand_worked() {
  // input - (-128): row 0 [0, 128, 255, 133], row 1 [255, 255, 255, 255].
  // weights [[1, -1, 1, 0], [0, 0, 0, 127]]: acc row 0 [127, 16891], row 1 [255, 32385].
  // + bias [-27, 9]: [[100, 16900], [228, 32394]].
  // * [0.5, 1/256]: [[50, 66.02 -> 66], [114, 126.54 -> 127]]; + zp 10; clamp [10, 127].
  const std::vector<std::int8_t> input{-128, 0, 127, 5, 127, 127, 127, 127};
  const std::vector<std::int8_t> weights{1, -1, 1, 0, 0, 0, 0, 127};
  const std::array<std::int32_t, 2> bias{-27, 9};
  const std::array<QuantizedMultiplier, 2> mult{qm(0.5), qm(1.0 / 256)};
  std::vector<std::int8_t> out(4);
  ASSERT_EQ(ref::fully_connected(cmat(input, 2, 4), -128, cmat(weights, 2, 4), mat(out, 2, 2),
                                 OutputStage<Rule>{bias, mult, 10, 10, 127}),
            Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int8_t>{60, 76, 124, 127}));
}

TEST(FullyConnected, HandWorkedDoubleRounding) {
  check_hand_worked<Rounding::kDouble>();
}
TEST(FullyConnected, HandWorkedSingleRounding) {
  check_hand_worked<Rounding::kSingle>();
}

TEST(FullyConnected, RoundingRulesDifferOnNegativeTies) {
  // acc = (1 - 4) * 2 = -6, * 0.25 = -1.5: double rounding -2, single rounding -1.
  const std::vector<std::int8_t> input{1};
  const std::vector<std::int8_t> weights{2};
  const std::array<QuantizedMultiplier, 1> mult{qm(0.25)};
  std::vector<std::int8_t> out(1);
  ASSERT_EQ(ref::fully_connected(cmat(input, 1, 1), 4, cmat(weights, 1, 1), mat(out, 1, 1),
                                 OutputStage<Rounding::kDouble>{{}, mult, 0}),
            Status::kOk);
  EXPECT_EQ(out[0], -2);
  ASSERT_EQ(ref::fully_connected(cmat(input, 1, 1), 4, cmat(weights, 1, 1), mat(out, 1, 1),
                                 OutputStage<Rounding::kSingle>{{}, mult, 0}),
            Status::kOk);
  EXPECT_EQ(out[0], -1);
}

TEST(FullyConnected, Float) {
  const std::vector<float> input{1.0f, -2.0f, 0.5f};
  const std::vector<float> weights{2.0f, 1.0f, 4.0f, -1.0f, -1.0f, 0.0f};
  const std::array<float, 2> bias{0.25f, 3.0f};
  std::vector<float> out(2);
  // [2 - 2 + 2 + 0.25, -1 + 2 + 0 + 3] = [2.25, 4].
  ASSERT_EQ(ref::fully_connected(cmat(input, 1, 3), cmat(weights, 2, 3), mat(out, 1, 2),
                                 FloatOutputStage{bias}),
            Status::kOk);
  EXPECT_EQ(out, (std::vector<float>{2.25f, 4.0f}));
}

TEST(FullyConnected, RejectsWithoutWriting) {
  const std::vector<std::int8_t> input(6, 3);     // 2 x 3
  const std::vector<std::int8_t> weights(12, 1);  // 4 x 3
  const std::array<QuantizedMultiplier, 1> one{qm(0.5)};
  const std::array<std::int32_t, 3> bias3{};
  std::vector<std::int8_t> out(8, 0x33);
  const std::vector<std::int8_t> before = out;
  EXPECT_EQ(ref::fully_connected(cmat(input, 3, 2), 0, cmat(weights, 4, 3), mat(out, 3, 4),
                                 OutputStage<>{{}, one}),
            Status::kShapeMismatch);
  EXPECT_EQ(ref::fully_connected(cmat(input, 2, 3), 0, cmat(weights, 4, 3), mat(out, 4, 2),
                                 OutputStage<>{{}, one}),
            Status::kShapeMismatch);
  EXPECT_EQ(ref::fully_connected(cmat(input, 2, 3), 0, cmat(weights, 4, 3), mat(out, 2, 4),
                                 OutputStage<>{bias3, one}),
            Status::kShapeMismatch);
  EXPECT_EQ(ref::fully_connected(cmat(input, 2, 3), -200, cmat(weights, 4, 3), mat(out, 2, 4),
                                 OutputStage<>{{}, one}),
            Status::kInvalidArgument);
  EXPECT_EQ(out, before);
  const std::vector<float> fin(6), fw(12);
  std::vector<float> fout(8, -2.5f);
  EXPECT_EQ(
      ref::fully_connected(cmat(fin, 2, 3), cmat(fw, 3, 4), mat(fout, 2, 4), FloatOutputStage{}),
      Status::kShapeMismatch);
  EXPECT_EQ(fout, std::vector<float>(8, -2.5f));
}

template <Rounding Rule>
test::QuantaError fc_vs_float(test::Rng& rng, std::size_t batch, std::size_t k, std::size_t n,
                              bool per_channel, float amp) {
  // Separate statements: the order of the draws must not depend on the compiler.
  const float lo = -amp * rng.uniform(0.0f, 1.0f);
  const float hi = amp * rng.uniform(0.0f, 1.0f);
  const auto xf = rng.vector<float>(batch * k, lo, hi);
  const auto wf = rng.vector<float>(n * k, -0.5f, 0.5f);
  const auto biasf = rng.vector<float>(n, -amp, amp);
  const auto x = test::quantize_tensor<std::int8_t>(xf);
  const auto w =
      per_channel ? test::quantize_weights(wf, n, k) : test::quantize_weights(wf, 1, n * k);
  const auto bias = test::quantize_biases(biasf, x.params.scale, w.scales);
  std::vector<float> y(batch * n);
  EXPECT_EQ(ref::fully_connected(cmat(x.real, batch, k), cmat(w.real, n, k), mat(y, batch, n),
                                 FloatOutputStage{bias.real}),
            Status::kOk);
  const auto out = test::params_for<std::int8_t>(y);
  const auto act = static_cast<Activation>(rng.uniform_int<int>(0, 3));
  EXPECT_EQ(ref::fully_connected(cmat(x.real, batch, k), cmat(w.real, n, k), mat(y, batch, n),
                                 float_activation(act, bias.real)),
            Status::kOk);
  const test::StageFixture<Rule, std::int8_t> fx(x.params.scale, w.scales, bias.q, out, act);
  std::vector<std::int8_t> q(batch * n);
  EXPECT_EQ(ref::fully_connected(cmat(x.q, batch, k), x.params.zero_point, cmat(w.q, n, k),
                                 mat(q, batch, n), fx.stage),
            Status::kOk);
  return test::quanta_error<std::int8_t>(q, y, out);
}

TEST(FullyConnected, MatchesFloatWithinOneQuantumOnRandomShapes) {
  test::Rng rng(77);
  const std::array<std::size_t, 3> batches{1, 2, 5};
  const std::array<std::size_t, 6> ks{1, 3, 17, 64, 100, 1001};
  const std::array<std::size_t, 4> ns{1, 3, 17, 32};
  test::QuantaError total;
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t batch = batches[rng.index(0, batches.size() - 1)];
    const std::size_t k = ks[rng.index(0, ks.size() - 1)];
    const std::size_t n = ns[rng.index(0, ns.size() - 1)];
    const float amp = std::array<float, 3>{1e-3f, 1.0f, 1e3f}[rng.index(0, 2)];
    const bool per_channel = trial % 4 < 2;
    const test::QuantaError e =
        trial % 2 == 0 ? fc_vs_float<Rounding::kDouble>(rng, batch, k, n, per_channel, amp)
                       : fc_vs_float<Rounding::kSingle>(rng, batch, k, n, per_channel, amp);
    EXPECT_LE(e.max, 1) << "trial " << trial << " batch=" << batch << " k=" << k << " n=" << n;
    total.merge(e);
  }
  std::printf(
      "[ figures  ] fully_connected int8 vs float: max %d quantum, %zu of %zu elements off by "
      "one\n",
      total.max, total.off_by_one, total.count);
}

}  // namespace
}  // namespace mote
