// Profiles: what each one fixes, and every operator under every profile on hand-worked inputs,
// including the inputs where the profiles disagree (rounding ties, MEAN with far zero points,
// table against fixed-point activations).
#include "mote/quant/profile.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <type_traits>
#include <vector>

#include "mote/kernels/activation/hard_swish_ref.h"
#include "mote/kernels/activation/logistic_profile.h"
#include "mote/kernels/activation/tanh_profile.h"
#include "mote/kernels/eltwise/add_profile.h"
#include "mote/kernels/pool/avg_pool_ref.h"
#include "mote/kernels/pool/mean_profile.h"
#include "mote/kernels/softmax/softmax_profile.h"
#include "mote/quant/output_stage.h"

namespace mote {
namespace {

static_assert(std::is_same_v<DefaultProfile, TfliteReference>);

// The table of docs/quantization.md, checked.
static_assert(TfliteReference::kConv == Rounding::kDouble &&
              TfliteReference::kMeanArithmetic == MeanArithmetic::kIntegerDivision &&
              TfliteReference::kLogistic == ActivationArithmetic::kFloatTable &&
              TfliteReference::kTanh == ActivationArithmetic::kFloatTable &&
              TfliteReference::kSoftmax == ActivationArithmetic::kFixedPoint);
static_assert(TfliteRuntime::kConv == Rounding::kSingle &&
              TfliteRuntime::kFullyConnected == Rounding::kSingle &&
              TfliteRuntime::kDepthwise == Rounding::kDouble &&
              TfliteRuntime::kAdd == Rounding::kDouble &&
              TfliteRuntime::kMean == Rounding::kDouble &&
              TfliteRuntime::kMeanArithmetic == MeanArithmetic::kFloatMultiplier &&
              TfliteRuntime::kLogistic == ActivationArithmetic::kFloatTable &&
              TfliteRuntime::kSoftmax == ActivationArithmetic::kFloatTable);
static_assert(TfliteMicro::kConv == Rounding::kDouble &&
              TfliteMicro::kLogistic == ActivationArithmetic::kFixedPoint &&
              TfliteMicro::kTanh == ActivationArithmetic::kFixedPoint &&
              TfliteMicro::kSoftmax == ActivationArithmetic::kFixedPoint &&
              TfliteMicro::kActivationRescale == Rounding::kDouble);
static_assert(TfliteMicroSingleRounding::kDepthwise == Rounding::kSingle &&
              TfliteMicroSingleRounding::kAdd == Rounding::kSingle &&
              TfliteMicroSingleRounding::kMean == Rounding::kSingle &&
              TfliteMicroSingleRounding::kActivationRescale == Rounding::kSingle);

// A user profile: any type with the members satisfies the concept, a partial one does not.
struct MixedProfile : TfliteRuntime {
  static constexpr const char* kName = "Mixed";
  static constexpr ActivationArithmetic kSoftmax = ActivationArithmetic::kFixedPoint;
};
struct NotAProfile {
  static constexpr const char* kName = "Partial";
  static constexpr Rounding kConv = Rounding::kDouble;
};
static_assert(Profile<MixedProfile> && !Profile<NotAProfile>);

template <typename P>
class ProfileTest : public ::testing::Test {};
using AllProfiles =
    ::testing::Types<TfliteReference, TfliteRuntime, TfliteMicro, TfliteMicroSingleRounding>;
TYPED_TEST_SUITE(ProfileTest, AllProfiles);

// The expected value under each profile.
template <typename P>
constexpr int expect(int reference, int runtime, int micro, int micro_single) {
  if constexpr (std::is_same_v<P, TfliteReference>) return reference;
  if constexpr (std::is_same_v<P, TfliteRuntime>) return runtime;
  if constexpr (std::is_same_v<P, TfliteMicro>) return micro;
  return micro_single;
}

template <typename T>
auto vec(std::vector<T>& v) {
  return make_view(v.data(), Extents<dyn>(v.size()));
}
template <typename T>
auto nhwc(std::vector<T>& v, std::size_t h, std::size_t w, std::size_t c) {
  return make_view(v.data(), Extents<dyn, dyn, dyn, dyn>(1, h, w, c));
}

// multiplier 2^30 * 2^(-1 - 31) = 1/4: acc = -2 is exactly -0.5. Double rounding: SRDHM gives
// -1 (-1.0 exact), then RoundingDivideByPOT(-1, 1) = -0.5 -> -1 (ties away from zero). Single
// rounding: (-2 * 2^30 + 2^31) >> 32 = 0 (ties toward +infinity).
constexpr QuantizedMultiplier kQuarter{1 << 30, -1};

TYPED_TEST(ProfileTest, ConvAndFullyConnectedTie) {
  using P = TypeParam;
  const QuantizedMultiplier m[] = {kQuarter};
  const OutputStage<P::kConv> conv{{}, m, 0};
  const OutputStage<P::kFullyConnected> fc{{}, m, 0};
  EXPECT_EQ(conv.apply(-2, 0), (expect<P>(-1, 0, -1, 0)));
  EXPECT_EQ(fc.apply(-2, 0), (expect<P>(-1, 0, -1, 0)));
  EXPECT_EQ(conv.apply(2, 0), 1);  // +0.5: both rules go up
  // Off a tie the rules may still differ: -3 * (2^31 - 1) / 2^32 = -1.4999999993.
  const QuantizedMultiplier half[] = {{2147483647, -1}};
  const OutputStage<P::kConv> conv_half{{}, half, 0};
  EXPECT_EQ(conv_half.apply(-3, 0), (expect<P>(-2, -1, -2, -1)));
}

TYPED_TEST(ProfileTest, DepthwiseTie) {
  using P = TypeParam;
  const QuantizedMultiplier m[] = {kQuarter};
  const OutputStage<P::kDepthwise> dw{{}, m, 5};
  EXPECT_EQ(dw.apply(-2, 0), (expect<P>(4, 4, 4, 5)));  // the runtime's depthwise rounds twice
}

TYPED_TEST(ProfileTest, AddTie) {
  using P = TypeParam;
  // s1 = s2 = 0.5, s_out = 2: real_i = 1/2 (exact halving of d * 2^20), real_out = 2^-21, so
  // out = (d1 + d2) / 4 with one rounding of the last multiply: -2 / 4 = -0.5.
  const auto p = ref::make_add_params({0.5f, 0}, {0.5f, 0}, {2.0f, 0});
  ASSERT_TRUE(p);
  std::vector<std::int8_t> a{-1, 1, 3, -3}, b{-1, 1, 3, 0}, out(4, 99);
  ASSERT_EQ(ref::add<P>(vec(a), vec(b), vec(out), *p), Status::kOk);
  // -0.5; 0.5 -> 1 under both; 1.5 -> 2 under both; -0.75 -> -1 under both.
  EXPECT_EQ(out, (std::vector<std::int8_t>{static_cast<std::int8_t>(expect<P>(-1, -1, -1, 0)), 1, 2,
                                           -1}));
}

TYPED_TEST(ProfileTest, MeanWithZeroPointsFarFromZero) {
  using P = TypeParam;
  // s_in = s_out = 0.05, zp_in = -128, zp_out = 100, a 2 x 2 plane {-128, -128, -127, -127}:
  // the real mean is 0.025 = 0.5 output steps above zp_out, a tie.
  //  integer division (reference, Micro): sum(q - zp_in) = 2; MBQM by 1.0 = 2; (2 + 2) / 4 = 1;
  //    1 + 100 = 101.
  //  float multiplier (runtime): sum(q) = -510; multiplier 0.25: SRDHM = -255, then
  //    RoundingDivideByPOT(-255, 1) = -127.5 -> -128; bias = 100 - (int)(-128 * 0.05 / 0.05 -
  //    0.5) = 228; -128 + 228 = 100.
  const auto p = ref::make_mean_params<P>({0.05f, -128}, {0.05f, 100}, 2, 2);
  ASSERT_TRUE(p);
  std::vector<std::int8_t> in{-128, -128, -127, -127}, out(1);
  ASSERT_EQ(ref::mean<P>(nhwc(in, 2, 2, 1), nhwc(out, 1, 1, 1), *p), Status::kOk);
  EXPECT_EQ(out[0], (expect<P>(101, 100, 101, 101)));
}

TYPED_TEST(ProfileTest, MeanTie) {
  using P = TypeParam;
  // s_in = 0.25, s_out = 1, zp_in = -100, zp_out = 20, a 1 x 2 plane {-101, -101}; real mean
  // -0.25 -> 19.75 output steps.
  //  integer division: sum(q - zp_in) = -2; MBQM by 1/4 (2^30, shift -1): -0.5 -> -1 (double)
  //    or 0 (single); then (-1 - 1) / 2 = -1 or (0 - 1) / 2 = 0; + 20 = 19 or 20.
  //  float multiplier (runtime): sum(q) = -202; multiplier 0.25 / 2 = 1/8: -25.25 -> -25;
  //    bias = 20 - (int)(-100 * 0.25 - 0.5) = 45; -25 + 45 = 20.
  const auto p = ref::make_mean_params<P>({0.25f, -100}, {1.0f, 20}, 1, 2);
  ASSERT_TRUE(p);
  std::vector<std::int8_t> in{-101, -101}, out(1);
  ASSERT_EQ(ref::mean<P>(nhwc(in, 1, 2, 1), nhwc(out, 1, 1, 1), *p), Status::kOk);
  EXPECT_EQ(out[0], (expect<P>(19, 20, 19, 20)));
}

TYPED_TEST(ProfileTest, AveragePoolAtPaddedBorderIsTheSameUnderEveryProfile) {
  // Every runtime divides by the in-bounds taps (reference_integer_ops::AveragePool, which the
  // optimized kernel matches): 3 x 3 SAME on 3 x 3, corner (0, 0) = (1 + 2 + 4 - 5) / 4 = 0.5 -> 1,
  // (0, 2) = (2 - 7 - 5 + 6) / 4 = -1, (1, 2) = 15 / 6 = 2.5 -> 3 (C division, half away from 0).
  std::vector<std::int8_t> in{1, 2, -7, 4, -5, 6, -8, 9, 10}, out(9);
  const Window2d w{.kernel_h = 3, .kernel_w = 3, .padding = Padding::kSame};
  ASSERT_EQ(ref::avg_pool(nhwc(in, 3, 3, 1), nhwc(out, 3, 3, 1), w), Status::kOk);
  EXPECT_EQ(out[0], 1);
  EXPECT_EQ(out[2], -1);
  EXPECT_EQ(out[5], 3);
}

TYPED_TEST(ProfileTest, HardSwishIsTheSameUnderEveryProfile) {
  // One int16 rule everywhere (reference_ops::HardSwish; the optimized kernel matches it, and it
  // uses no MultiplyByQuantizedMultiplier, so single-rounding builds do not change it).
  const auto p = ref::make_hard_swish_params({0.1f, 0}, {0.1f, 0});
  ASSERT_TRUE(p);
  EXPECT_EQ(ref::hard_swish_value(0, *p), 0);
  EXPECT_EQ(ref::hard_swish_value(30, *p), 30);  // x = 3: hard_swish(3) = 3
  EXPECT_EQ(ref::hard_swish_value(-30, *p), 0);  // x = -3: 0
  EXPECT_EQ(ref::hard_swish_value(10, *p), 7);   // x = 1: 1 * 4 / 6 = 0.667 = 6.67 steps
}

TYPED_TEST(ProfileTest, LogisticTableAgainstFixedPoint) {
  using P = TypeParam;
  // s_in = 0x1.5c4be4p-5 (0.0425166562), q = 13: sigmoid(0.5527165) * 256 = 162.49999795,
  // just below a tie. The float table lands on 162.5000 and rounds up to 163 (-128 + 163 = 35);
  // the fixed-point Q4.27 path keeps it below: 162 -> 34. q = 0 is exactly 0.5 in both: 0;
  // q = 127: 254.85 -> 255 -> 127; q = -128: 1.104 -> 1 -> -127.
  const auto p = ref::make_logistic_params<P>({0x1.5c4be4p-5f, 0}, {1.0f / 256.0f, -128});
  ASSERT_TRUE(p);
  std::vector<std::int8_t> in{13, 0, 127, -128}, out(4);
  ASSERT_EQ(ref::logistic<P>(vec(in), vec(out), *p), Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int8_t>{static_cast<std::int8_t>(expect<P>(35, 35, 34, 34)), 0,
                                           127, -127}));
}

TYPED_TEST(ProfileTest, TanhTableAgainstFixedPoint) {
  using P = TypeParam;
  // s_in = 0x1.f19062p-4 (0.121475585), q = 2: tanh(0.24295117) * 128 = 30.50000748. The table
  // rounds it to 31; the fixed-point path is 1e-8 low and gives 30 (and -30 for q = -2).
  // q = 20: tanh(2.4295117) * 128 = 126.03 -> 126 under both.
  const auto p = ref::make_tanh_params<P>({0x1.f19062p-4f, 0}, {1.0f / 128.0f, 0});
  ASSERT_TRUE(p);
  std::vector<std::int8_t> in{2, -2, 0, 20}, out(4);
  ASSERT_EQ(ref::tanh<P>(vec(in), vec(out), *p), Status::kOk);
  const auto v = static_cast<std::int8_t>(expect<P>(31, 31, 30, 30));
  EXPECT_EQ(out, (std::vector<std::int8_t>{v, static_cast<std::int8_t>(-v), 0, 126}));
}

TYPED_TEST(ProfileTest, SoftmaxRowsWithEqualMaxima) {
  using P = TypeParam;
  const auto p = ref::make_softmax_params<P>({0x1.d1aa3p-4f, 0}, {1.0f / 256.0f, -128});
  ASSERT_TRUE(p);
  // Two equal maxima and two equal values: 0.5 each, exactly, under every profile.
  std::vector<std::int8_t> two{7, 7}, out2(2);
  ASSERT_EQ(ref::softmax<P>(vec(two), vec(out2), *p), Status::kOk);
  EXPECT_EQ(out2, (std::vector<std::int8_t>{0, 0}));
  // s_in = 0x1.d1aa3p-4 (0.113687694), row {20, 20, 11}: exact 256 p = 108.500012 for each
  // maximum, 38.999976 for 11. The float table rounds the maxima up (109 -> -19); the fixed-point
  // exp and reciprocal come out just below the tie (108 -> -20).
  std::vector<std::int8_t> row{20, 20, 11}, out(3);
  ASSERT_EQ(ref::softmax<P>(vec(row), vec(out), *p), Status::kOk);
  const auto m = static_cast<std::int8_t>(expect<P>(-20, -19, -20, -20));
  EXPECT_EQ(out, (std::vector<std::int8_t>{m, m, -89}));
}

TEST(ProfileTest, MixedProfilePicksPerOperator) {
  // Runtime rounding and tables, but TFLite Micro's fixed-point SOFTMAX.
  static_assert(std::is_same_v<ref::SoftmaxParamsFor<MixedProfile>,
                               ref::SoftmaxFixedParams<Rounding::kDouble>>);
  static_assert(std::is_same_v<ref::LogisticParamsFor<MixedProfile>, ref::LookupTable>);
  const auto p = ref::make_softmax_params<MixedProfile>({0x1.d1aa3p-4f, 0}, {1.0f / 256.0f, -128});
  ASSERT_TRUE(p);
  std::vector<std::int8_t> row{20, 20, 11}, out(3);
  ASSERT_EQ(ref::softmax<MixedProfile>(vec(row), vec(out), *p), Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int8_t>{-20, -20, -89}));
}

}  // namespace
}  // namespace mote
