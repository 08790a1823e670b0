// Reference LOGISTIC and TANH tables (runtime and compile-time), lookup, clamps: hand-worked
// entries, extreme values, rejection without writes, and int8 against float on random scales.
#include "mote/kernels/activation/logistic_ref.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <vector>

#include "mote/kernels/activation/clamp_ref.h"
#include "mote/kernels/activation/tanh_ref.h"
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

constexpr QuantParams<std::int8_t> kSigmoidOut{1.0f / 256.0f, -128};
constexpr QuantParams<std::int8_t> kTanhOut{1.0f / 128.0f, 0};

TEST(LogisticRef, HandWorkedEntries) {
  const auto t = ref::make_logistic_table({0.1f, 0}, kSigmoidOut);
  ASSERT_TRUE(t);
  EXPECT_EQ((*t)(0), 0);      // 0.5 * 256 - 128
  EXPECT_EQ((*t)(10), 59);    // sigmoid(1) * 256 = 187.15 -> 187
  EXPECT_EQ((*t)(-10), -59);  // 68.85 -> 69
  EXPECT_EQ((*t)(-128), -128);
  EXPECT_EQ((*t)(127), 127);  // 255.999 -> 256, clamped
  const std::vector<std::int8_t> in{0, 10, -10, 127};
  std::vector<std::int8_t> out(4);
  ASSERT_EQ(ref::lookup(cvec(in), vec(out), *t), Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int8_t>{0, 59, -59, 127}));
}

TEST(TanhRef, HandWorkedEntries) {
  const auto t = ref::make_tanh_table({0.05f, 0}, kTanhOut);
  ASSERT_TRUE(t);
  EXPECT_EQ((*t)(0), 0);
  EXPECT_EQ((*t)(20), 97);  // tanh(1) * 128 = 97.48
  EXPECT_EQ((*t)(-20), -97);
  EXPECT_EQ((*t)(127), 127);  // 127.999 -> 128, clamped
  EXPECT_EQ((*t)(-128), -128);
}

TEST(LogisticRef, CompileTimeTablesEqualRuntimeTables) {
  constexpr auto sig = ref::constexpr_logistic_table({0.1f, 0}, kSigmoidOut);
  static_assert(sig.has_value() && (*sig)(0) == 0 && (*sig)(10) == 59 && (*sig)(127) == 127);
  constexpr auto th = ref::constexpr_tanh_table({0.05f, 0}, kTanhOut);
  static_assert(th.has_value() && (*th)(20) == 97 && (*th)(-20) == -97);
  static_assert(!ref::constexpr_logistic_table({0.0f, 0}, kSigmoidOut).has_value());
  test::Rng rng(11);
  std::size_t entries = 0;
  std::size_t differ_logistic = 0;
  std::size_t differ_tanh = 0;
  for (int iter = 0; iter < 4000; ++iter) {
    const QuantParams<std::int8_t> in{rng.uniform(0.001f, 0.2f),
                                      rng.uniform_int<std::int32_t>(-128, 127)};
    const QuantParams<std::int8_t> out =
        iter % 2 ? QuantParams<std::int8_t>{rng.uniform(0.002f, 0.02f),
                                            rng.uniform_int<std::int32_t>(-128, 127)}
                 : kSigmoidOut;
    const auto a = ref::make_logistic_table(in, out);
    const auto b = ref::constexpr_logistic_table(in, out);
    const auto c = ref::make_tanh_table(in, iter % 2 ? out : kTanhOut);
    const auto d = ref::constexpr_tanh_table(in, iter % 2 ? out : kTanhOut);
    ASSERT_TRUE(a && b && c && d);
    for (int q = -128; q <= 127; ++q) {
      const auto v = static_cast<std::int8_t>(q);
      differ_logistic += (*a)(v) != (*b)(v) ? 1 : 0;
      differ_tanh += (*c)(v) != (*d)(v) ? 1 : 0;
    }
    entries += 256;
  }
  EXPECT_EQ(differ_logistic, 0u);
  EXPECT_LE(differ_tanh, 2u);
  std::printf("compile-time vs runtime tables: %zu entries, %zu logistic and %zu tanh differ\n",
              entries, differ_logistic, differ_tanh);
}

TEST(LogisticRef, RandomInt8AgainstFloat) {
  test::Rng rng(3);
  int max_error = 0;
  std::size_t outputs = 0;
  std::vector<std::int8_t> in(256), out(256);
  std::vector<float> real(256), fout(256);
  for (int i = 0; i < 256; ++i) in[static_cast<std::size_t>(i)] = static_cast<std::int8_t>(i - 128);
  for (int iter = 0; iter < 300; ++iter) {
    const QuantParams<std::int8_t> pin{rng.uniform(0.005f, 0.2f),
                                       rng.uniform_int<std::int32_t>(-128, 127)};
    for (std::size_t i = 0; i < 256; ++i) real[i] = dequantize(in[i], pin);
    const bool use_tanh = iter % 2 == 1;
    const QuantParams<std::int8_t> pout = use_tanh ? kTanhOut : kSigmoidOut;
    const auto t = use_tanh ? ref::make_tanh_table(pin, pout) : ref::make_logistic_table(pin, pout);
    ASSERT_TRUE(t);
    ASSERT_EQ(ref::lookup(cvec(in), vec(out), *t), Status::kOk);
    ASSERT_EQ(use_tanh ? ref::tanh(cvec(real), vec(fout)) : ref::logistic(cvec(real), vec(fout)),
              Status::kOk);
    for (std::size_t i = 0; i < 256; ++i) {
      max_error = std::max(max_error, std::abs(int{out[i]} - int{quantize(fout[i], pout)}));
    }
    outputs += 256;
  }
  EXPECT_LE(max_error, 1);
  std::printf("logistic/tanh int8 vs float: %zu outputs, max error %d quanta\n", outputs,
              max_error);
}

TEST(ClampRef, ReluAndRelu6) {
  const QuantParams<std::int8_t> p{0.05f, -20};  // q(0) = -20, q(6) = 100
  const std::vector<std::int8_t> in{-128, -21, -20, 0, 100, 101, 127};
  std::vector<std::int8_t> out(in.size());
  ASSERT_EQ(ref::clamp(cvec(in), vec(out), activation_range(Activation::kRelu6, p)), Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int8_t>{-20, -20, -20, 0, 100, 100, 100}));
  ASSERT_EQ(ref::clamp(cvec(in), vec(out), activation_range(Activation::kRelu, p)), Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int8_t>{-20, -20, -20, 0, 100, 101, 127}));
  const std::vector<float> fin{-1.0f, 0.5f, 7.0f};
  std::vector<float> fout(3);
  ASSERT_EQ(ref::clamp(cvec(fin), vec(fout), 0.0f, 6.0f), Status::kOk);
  EXPECT_EQ(fout, (std::vector<float>{0.0f, 0.5f, 6.0f}));
}

TEST(ActivationRef, RejectsWithoutWriting) {
  EXPECT_EQ(ref::make_logistic_table({0.0f, 0}, kSigmoidOut).status(), Status::kInvalidArgument);
  EXPECT_EQ(ref::make_tanh_table({0.1f, 0}, {0.1f, 300}).status(), Status::kInvalidArgument);
  const std::vector<std::int8_t> in(4, 1);
  std::vector<std::int8_t> out(3, 77), out4(4, 77);
  const auto t = ref::make_logistic_table({0.1f, 0}, kSigmoidOut);
  ASSERT_TRUE(t);
  EXPECT_EQ(ref::lookup(cvec(in), vec(out), *t), Status::kShapeMismatch);
  EXPECT_EQ(ref::clamp(cvec(in), vec(out), ClampRange{0, 1}), Status::kShapeMismatch);
  EXPECT_EQ(ref::clamp(cvec(in), vec(out4), ClampRange{2, 1}), Status::kInvalidArgument);
  EXPECT_EQ(ref::clamp(cvec(in), vec(out4), ClampRange{0, 128}), Status::kInvalidArgument);
  const std::vector<float> fin(4, 1.0f);
  std::vector<float> fout(3, 77.0f);
  EXPECT_EQ(ref::logistic(cvec(fin), vec(fout)), Status::kShapeMismatch);
  EXPECT_EQ(ref::tanh(cvec(fin), vec(fout)), Status::kShapeMismatch);
  EXPECT_EQ(out, std::vector<std::int8_t>(3, 77));
  EXPECT_EQ(out4, std::vector<std::int8_t>(4, 77));
  EXPECT_EQ(fout, std::vector<float>(3, 77.0f));
}

}  // namespace
}  // namespace mote
