// Reference HARD_SWISH: TFLite's int16 parameters and steps around -3, 0 and 3, the table form,
// extreme values, rejection without writes, and int8 against float on random scales.
#include "mote/kernels/activation/hard_swish_ref.h"

#include <gtest/gtest.h>

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

TEST(HardSwishRef, ParamsAsTflite) {
  // s_in 0.05, s_out 0.025: output multiplier (0.05/128)/0.025 = 2^-6 -> Q31 2^30, exponent -5,
  // Q15 16384; reluish (0.05/128)/(3/32768) = 4.2667 -> 0.5333 * 2^3 -> Q15 17476.
  const auto p = ref::make_hard_swish_params({0.05f, 0}, {0.025f, -100});
  ASSERT_TRUE(p);
  EXPECT_EQ(p->output_multiplier_fixedpoint_int16, 16384);
  EXPECT_EQ(p->output_multiplier_exponent, -5);
  EXPECT_EQ(p->reluish_multiplier_fixedpoint_int16, 17476);
  EXPECT_EQ(p->reluish_multiplier_exponent, 3);
}

TEST(HardSwishRef, AroundMinusThreeZeroAndThree) {
  // Expected values worked step by step through TFLite's int16 arithmetic (they also equal
  // quantize(x * relu6(x + 3) / 6) here, except 127 where the float value saturates).
  const auto p = ref::make_hard_swish_params({0.05f, 0}, {0.025f, -100});
  ASSERT_TRUE(p);
  const std::vector<std::int8_t> in{-128, -61, -60, -59, -1, 0, 1, 59, 60, 61, 127};
  std::vector<std::int8_t> out(in.size());
  ASSERT_EQ(ref::hard_swish(cvec(in), vec(out), *p), Status::kOk);
  EXPECT_EQ(out,
            (std::vector<std::int8_t>{-100, -100, -100, -101, -101, -100, -99, 17, 20, 22, 127}));
  // Input zero point 10, s_in 0.2 (x = -3 at q = -5, x = 3 at q = 25), out (0.1, -30).
  const auto p2 = ref::make_hard_swish_params({0.2f, 10}, {0.1f, -30});
  ASSERT_TRUE(p2);
  const std::vector<std::int8_t> in2{-128, -5, -4, 0, 9, 10, 11, 24, 25, 127};
  std::vector<std::int8_t> out2(in2.size());
  ASSERT_EQ(ref::hard_swish(cvec(in2), vec(out2), *p2), Status::kOk);
  EXPECT_EQ(out2, (std::vector<std::int8_t>{-30, -30, -31, -33, -31, -30, -29, -3, 0, 127}));
}

TEST(HardSwishRef, TableIsAConstantExpressionAndMatches) {
  constexpr ref::HardSwishParams p{0, -100, 16384, -5, 17476, 3};
  constexpr ref::LookupTable t = ref::make_hard_swish_table(p);
  static_assert(t(0) == -100 && t(60) == 20 && t(-59) == -101);
  const auto runtime = ref::make_hard_swish_params({0.05f, 0}, {0.025f, -100});
  ASSERT_TRUE(runtime);
  std::vector<std::int8_t> in(256), a(256), b(256);
  for (int i = 0; i < 256; ++i) in[static_cast<std::size_t>(i)] = static_cast<std::int8_t>(i - 128);
  ASSERT_EQ(ref::hard_swish(cvec(in), vec(a), *runtime), Status::kOk);
  ASSERT_EQ(ref::lookup(cvec(in), vec(b), t), Status::kOk);
  EXPECT_EQ(a, b);
}

TEST(HardSwishRef, RejectsWithoutWriting) {
  EXPECT_EQ(ref::make_hard_swish_params({1.0f, 0}, {0.001f, 0}).status(),
            Status::kInvalidArgument);  // output exponent > 0
  EXPECT_EQ(ref::make_hard_swish_params({0.001f, 0}, {10.0f, 0}).status(), Status::kUnsupported);
  EXPECT_EQ(ref::make_hard_swish_params({-1.0f, 0}, {1.0f, 0}).status(), Status::kInvalidArgument);
  const auto p = ref::make_hard_swish_params({0.05f, 0}, {0.025f, -100});
  ASSERT_TRUE(p);
  const std::vector<std::int8_t> in(4, 3);
  std::vector<std::int8_t> out(3, 77), out4(4, 77);
  EXPECT_EQ(ref::hard_swish(cvec(in), vec(out), *p), Status::kShapeMismatch);
  ref::HardSwishParams bad = *p;
  bad.output_multiplier_exponent = 1;
  EXPECT_EQ(ref::hard_swish(cvec(in), vec(out4), bad), Status::kInvalidArgument);
  EXPECT_EQ(out, std::vector<std::int8_t>(3, 77));
  EXPECT_EQ(out4, std::vector<std::int8_t>(4, 77));
}

TEST(HardSwishRef, RandomInt8AgainstFloat) {
  test::Rng rng(5);
  int max_error = 0;
  std::size_t outputs = 0;
  std::size_t off_by_one = 0;
  std::vector<std::int8_t> in(256), out(256);
  std::vector<float> real(256), fout(256);
  for (int i = 0; i < 256; ++i) in[static_cast<std::size_t>(i)] = static_cast<std::int8_t>(i - 128);
  for (int iter = 0; iter < 500; ++iter) {
    const QuantParams<std::int8_t> pin{rng.uniform(0.01f, 0.1f),
                                       rng.uniform_int<std::int32_t>(-128, 127)};
    const QuantParams<std::int8_t> pout{pin.scale * rng.uniform(0.3f, 1.5f),
                                        rng.uniform_int<std::int32_t>(-128, 127)};
    const auto p = ref::make_hard_swish_params(pin, pout);
    ASSERT_TRUE(p);
    for (std::size_t i = 0; i < 256; ++i) real[i] = dequantize(in[i], pin);
    ASSERT_EQ(ref::hard_swish(cvec(in), vec(out), *p), Status::kOk);
    ASSERT_EQ(ref::hard_swish(cvec(real), vec(fout)), Status::kOk);
    for (std::size_t i = 0; i < 256; ++i) {
      const int d = std::abs(int{out[i]} - int{quantize(fout[i], pout)});
      max_error = std::max(max_error, d);
      off_by_one += d == 1 ? 1 : 0;
    }
    outputs += 256;
  }
  EXPECT_LE(max_error, 1);
  std::printf("hard_swish int8 vs float: %zu outputs, max error %d quanta, %zu off by one\n",
              outputs, max_error, off_by_one);
}

}  // namespace
}  // namespace mote
