// Reference ADD: TFLite's multipliers, hand-worked sums with different input scales, ties under
// both rounding rules, saturation, per-channel broadcast, strided views, rejection without
// writes, and int8 against float on random shapes.
#include "mote/kernels/eltwise/add_ref.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "mote/quant/quantize.h"
#include "support/random.h"

namespace mote {
namespace {

template <typename T>
auto vec(std::vector<T>& v) {
  return make_view(v.data(), Extents<dyn>(v.size()));
}
template <typename T>
auto cvec(const std::vector<T>& v) {
  return make_view(v.data(), Extents<dyn>(v.size()));
}

// in1 (0.5, 0), in2 (0.25, 10), out (1.0, -5): real_in1 = 0.5, real_in2 = 0.25,
// real_out = 1 / 2^20.
ref::AddParams hand_params(Activation act = Activation::kNone) {
  return *ref::make_add_params({0.5f, 0}, {0.25f, 10}, {1.0f, -5}, act);
}

TEST(AddRef, MultipliersAsTflite) {
  const ref::AddParams p = hand_params();
  EXPECT_EQ(p.input1_multiplier, (QuantizedMultiplier{1 << 30, 0}));
  EXPECT_EQ(p.input2_multiplier, (QuantizedMultiplier{1 << 30, -1}));
  EXPECT_EQ(p.output_multiplier, (QuantizedMultiplier{1 << 30, -19}));
  EXPECT_EQ(p.clamp, (ClampRange{-128, 127}));
  EXPECT_EQ(hand_params(Activation::kRelu).clamp, (ClampRange{-5, 127}));
}

TEST(AddRef, HandWorkedDifferentScales) {
  // 0.5 * 3 + 0.25 * (20 - 10) = 4 -> -1; 0.5 * 1 + 0 = 0.5 -> 1 (tie away from zero) -> -4;
  // -0.5 -> -1 -> -6; 0.5 * 127 + 0.25 * 117 = 92.75 -> 93 -> 88.
  const std::vector<std::int8_t> a{3, 1, -1, 127};
  const std::vector<std::int8_t> b{20, 10, 10, 127};
  std::vector<std::int8_t> out(4);
  ASSERT_EQ(ref::add(cvec(a), cvec(b), vec(out), hand_params()), Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int8_t>{-1, -4, -6, 88}));
  // Single rounding resolves the -0.5 tie upward: -5 instead of -6.
  ASSERT_EQ(ref::add<Rounding::kSingle>(cvec(a), cvec(b), vec(out), hand_params()), Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int8_t>{-1, -4, -5, 88}));
  // RELU clamps at q(0) = -5.
  ASSERT_EQ(ref::add(cvec(a), cvec(b), vec(out), hand_params(Activation::kRelu)), Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int8_t>{-1, -4, -5, 88}));
}

TEST(AddRef, Saturates) {
  const auto p = ref::make_add_params({0.5f, 0}, {0.25f, 10}, {0.25f, 0});
  ASSERT_TRUE(p);
  const std::vector<std::int8_t> a{127, -128, 0};
  const std::vector<std::int8_t> b{127, -128, 10};
  std::vector<std::int8_t> out(3);
  ASSERT_EQ(ref::add(cvec(a), cvec(b), vec(out), *p), Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int8_t>{127, -128, 0}));  // 371 and -394 quanta saturate
}

TEST(AddRef, PerChannelBroadcastAndStridedViews) {
  const auto p = ref::make_add_params({1.0f, 0}, {1.0f, 0}, {1.0f, 0});
  ASSERT_TRUE(p);
  const std::vector<std::int8_t> a{1, 2, 3, 4, 5, 6};  // 2 x 3
  const std::vector<std::int8_t> b{10, 20, 30};
  std::vector<std::int8_t> out(6);
  const auto av = make_view(a.data(), Extents<2, 3>{});
  ASSERT_EQ(ref::add(av, cvec(b), make_view(out.data(), Extents<2, 3>{}), *p), Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int8_t>{11, 22, 33, 14, 25, 36}));
  // Every other element of a 1-D buffer, written into every other element.
  std::vector<std::int8_t> strided_out(6, 0);
  const auto a2 = make_strided_view(a.data(), Extents<3>{}, {2});
  const auto o2 = make_strided_view(strided_out.data(), Extents<3>{}, {2});
  ASSERT_EQ(ref::add(a2, a2, o2, *p), Status::kOk);
  EXPECT_EQ(strided_out, (std::vector<std::int8_t>{2, 0, 6, 0, 10, 0}));
  std::vector<float> fa{1, 2, 3, 4, 5, 6}, fb{10, 20, 30}, fout(6);
  ASSERT_EQ(ref::add(make_view(fa.data(), Extents<2, 3>{}), cvec(fb),
                     make_view(fout.data(), Extents<2, 3>{}), float_activation(Activation::kRelu6)),
            Status::kOk);
  EXPECT_EQ(fout, std::vector<float>(6, 6.0f));
}

TEST(AddRef, RejectsWithoutWriting) {
  EXPECT_EQ(ref::make_add_params({0.0f, 0}, {1.0f, 0}, {1.0f, 0}).status(),
            Status::kInvalidArgument);
  EXPECT_EQ(ref::make_add_params({1.0f, 0}, {1.0f, 0}, {1e-7f, 0}).status(),
            Status::kInvalidArgument);  // output multiplier >= 1
  const ref::AddParams p = hand_params();
  const std::vector<std::int8_t> a(4, 1), b(3, 1);
  std::vector<std::int8_t> out(4, 77), short_out(3, 77);
  EXPECT_EQ(ref::add(cvec(a), cvec(b), vec(out), p), Status::kShapeMismatch);
  EXPECT_EQ(ref::add(cvec(a), cvec(a), vec(short_out), p), Status::kShapeMismatch);
  ref::AddParams bad = p;
  bad.clamp = {3, 2};
  EXPECT_EQ(ref::add(cvec(a), cvec(a), vec(out), bad), Status::kInvalidArgument);
  bad = p;
  bad.input2_zero_point = 128;
  EXPECT_EQ(ref::add(cvec(a), cvec(a), vec(out), bad), Status::kInvalidArgument);
  std::vector<float> fa(4, 1.0f), fout(4, 77.0f);
  EXPECT_EQ(ref::add(cvec(fa), cvec(fa), vec(fout), FloatOutputStage{{}, 2.0f, 1.0f}),
            Status::kInvalidArgument);
  EXPECT_EQ(out, std::vector<std::int8_t>(4, 77));
  EXPECT_EQ(short_out, std::vector<std::int8_t>(3, 77));
  EXPECT_EQ(fout, std::vector<float>(4, 77.0f));
}

TEST(AddRef, RandomInt8AgainstFloat) {
  test::Rng rng(7);
  int max_error = 0;
  std::size_t outputs = 0;
  std::size_t off_by_one = 0;
  for (int iter = 0; iter < 300; ++iter) {
    const std::size_t channels[] = {1, 3, 17};
    const std::size_t n = rng.index(1, 9) * rng.index(1, 9) * channels[rng.index(0, 2)];
    const QuantParams<std::int8_t> p1{rng.uniform(0.002f, 0.2f),
                                      rng.uniform_int<std::int32_t>(-128, 127)};
    const QuantParams<std::int8_t> p2{rng.uniform(0.002f, 0.2f),
                                      rng.uniform_int<std::int32_t>(-128, 127)};
    const QuantParams<std::int8_t> po{rng.uniform(0.002f, 0.4f),
                                      rng.uniform_int<std::int32_t>(-128, 127)};
    const auto p = ref::make_add_params(p1, p2, po);
    ASSERT_TRUE(p);
    const std::vector<std::int8_t> a = rng.vector<std::int8_t>(n, -128, 127);
    const std::vector<std::int8_t> b = rng.vector<std::int8_t>(n, -128, 127);
    std::vector<float> fa(n), fb(n), fout(n);
    for (std::size_t i = 0; i < n; ++i) {
      fa[i] = dequantize(a[i], p1);
      fb[i] = dequantize(b[i], p2);
    }
    std::vector<std::int8_t> out(n);
    ASSERT_EQ(ref::add(cvec(a), cvec(b), vec(out), *p), Status::kOk);
    ASSERT_EQ(ref::add(cvec(fa), cvec(fb), vec(fout)), Status::kOk);
    for (std::size_t i = 0; i < n; ++i) {
      const int d = std::abs(int{out[i]} - int{quantize(fout[i], po)});
      max_error = std::max(max_error, d);
      off_by_one += d == 1 ? 1 : 0;
    }
    outputs += n;
  }
  EXPECT_LE(max_error, 1);
  std::printf("add int8 vs float: %zu outputs, max error %d quanta, %zu off by one\n", outputs,
              max_error, off_by_one);
}

}  // namespace
}  // namespace mote
