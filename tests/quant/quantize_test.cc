// quantize/dequantize round trips and the choice of parameters from a float range.
#include "mote/quant/quantize.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>

namespace mote {
namespace {

TEST(Quantize, RoundsHalfAwayFromZeroAndSaturates) {
  const QuantParams<std::int8_t> p{0.5f, -3};
  EXPECT_EQ(quantize(0.25f, p), -3 + 1);   // 0.5 quanta -> 1
  EXPECT_EQ(quantize(-0.25f, p), -3 - 1);  // -0.5 quanta -> -1
  EXPECT_EQ(quantize(0.74f, p), -3 + 1);
  EXPECT_EQ(quantize(1000.0f, p), 127);
  EXPECT_EQ(quantize(-1000.0f, p), -128);
  EXPECT_EQ(quantize(1e30f, p), 127);
  EXPECT_EQ(quantize(-INFINITY, p), -128);
  EXPECT_EQ(quantize(NAN, p), -3);
  const QuantParams<std::uint8_t> u{0.1f, 128};
  EXPECT_EQ(quantize(-12.8f, u), 0);
  EXPECT_EQ(quantize(12.7f, u), 255);
  EXPECT_EQ(quantize(0.0f, u), 128);
}

TEST(Quantize, RoundTripIsExactOnGridAndWithinHalfStepOff) {
  std::mt19937 rng(7);
  for (float scale : {1e-6f, 0.0235f, 1.0f, 1e5f}) {
    for (std::int32_t zp : {-128, -1, 0, 127}) {
      const QuantParams<std::int8_t> p{scale, zp};
      for (int q = -128; q <= 127; ++q) {
        EXPECT_EQ(quantize(dequantize(static_cast<std::int8_t>(q), p), p), q);
      }
      std::uniform_real_distribution<float> dist(p.scale * static_cast<float>(-128 - zp),
                                                 p.scale * static_cast<float>(127 - zp));
      for (int i = 0; i < 1000; ++i) {
        const float x = dist(rng);
        EXPECT_LE(std::abs(dequantize(quantize(x, p), p) - x), 0.5f * scale * 1.0001f);
      }
    }
  }
}

TEST(ChooseParams, ContainsZeroAndNudgesZeroPoint) {
  const auto p = choose_params<std::int8_t>(-1.0f, 3.0f);
  ASSERT_TRUE(p);
  EXPECT_FLOAT_EQ(p->scale, 4.0f / 255.0f);
  EXPECT_EQ(p->zero_point, -64);  // -128 + 1 / (4/255) = -64.25 -> -64
  EXPECT_EQ(quantize(0.0f, *p), p->zero_point);
  const auto pos = choose_params<std::int8_t>(2.0f, 6.0f);  // widened to [0, 6]
  ASSERT_TRUE(pos);
  EXPECT_EQ(pos->zero_point, -128);
  EXPECT_FLOAT_EQ(pos->scale, 6.0f / 255.0f);
  const auto neg = choose_params<std::uint8_t>(-5.0f, -1.0f);  // widened to [-5, 0]
  ASSERT_TRUE(neg);
  EXPECT_EQ(neg->zero_point, 255);
  EXPECT_EQ(choose_params<std::int8_t>(0.0f, 0.0f)->scale, 1.0f);
  EXPECT_EQ(choose_params<std::int8_t>(1.0f, -1.0f).status(), Status::kInvalidArgument);
  EXPECT_EQ(choose_params<std::int8_t>(NAN, 1.0f).status(), Status::kInvalidArgument);
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> d(-100.0f, 100.0f);
  for (int i = 0; i < 1000; ++i) {
    float a = d(rng), b = d(rng);
    if (a > b) std::swap(a, b);
    const auto r = choose_params<std::int8_t>(a, b);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->validate(), Status::kOk);
    EXPECT_NEAR(dequantize(quantize(0.0f, *r), *r), 0.0f, 1e-6f);  // 0 exact
  }
}

TEST(QuantParams, Validate) {
  EXPECT_EQ((QuantParams<std::int8_t>{0.1f, 0}.validate()), Status::kOk);
  EXPECT_EQ((QuantParams<std::int8_t>{0.0f, 0}.validate()), Status::kInvalidArgument);
  EXPECT_EQ((QuantParams<std::int8_t>{NAN, 0}.validate()), Status::kInvalidArgument);
  EXPECT_EQ((QuantParams<std::int8_t>{INFINITY, 0}.validate()), Status::kInvalidArgument);
  EXPECT_EQ((QuantParams<std::int8_t>{0.1f, 128}.validate()), Status::kInvalidArgument);
  EXPECT_EQ((QuantParams<std::uint8_t>{0.1f, 255}.validate()), Status::kOk);
  EXPECT_EQ((QuantParams<std::uint8_t>{0.1f, -1}.validate()), Status::kInvalidArgument);
}

TEST(QuantizeWeightsAndBias, SymmetricAndSaturating) {
  EXPECT_EQ(quantize_weight(1.0f, 1.0f / 127.0f), 127);
  EXPECT_EQ(quantize_weight(-2.0f, 1.0f / 127.0f), -127);
  EXPECT_EQ(quantize_weight(0.5f / 127.0f, 1.0f / 127.0f), 1);
  EXPECT_FLOAT_EQ(choose_weight_scale(2.54f), 0.02f);
  EXPECT_EQ(quantize_bias(1.0f, 0.5f, 0.01f), 200);
  EXPECT_EQ(quantize_bias(1e30f, 1e-10f, 1e-10f), std::numeric_limits<std::int32_t>::max());
}

}  // namespace
}  // namespace mote
