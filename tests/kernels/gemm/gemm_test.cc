// SIMD GEMM against the reference, bit for bit, on every compiled target: random shapes with
// tails, extreme values and zero points, tiny and huge multipliers, both rounding rules,
// per-tensor and per-channel, clamps, 1-3 threads, packing and rejection without writes.
#include "mote/kernels/gemm/gemm.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "mote/base/thread_pool.h"
#include "mote/kernels/gemm/gemm_ref.h"
#include "support/random.h"
#include "support/targets.h"

namespace mote {
namespace {

using Mat = Extents<dyn, dyn>;

// One problem: A (M x K), B (N x K), bias, stage; packs B and compares mote::gemm with ref.
struct Problem {
  std::size_t m, k, n;
  std::vector<std::int8_t> a, b;
  std::vector<std::int32_t> bias;
  std::vector<QuantizedMultiplier> multipliers;
  std::int32_t a_zero_point = 0;
  std::int32_t zero_point = 0;
  std::int32_t clamp_min = -128;
  std::int32_t clamp_max = 127;
};

enum class Values { kUniform, kExtreme, kSmall };

QuantizedMultiplier random_multiplier(test::Rng& rng, int min_shift, int max_shift) {
  QuantizedMultiplier q;
  q.multiplier = rng.uniform_int<std::int32_t>(1 << 30, 0x7fffffff);
  if (rng.index(0, 15) == 0) q.multiplier = 0;
  q.shift = rng.uniform_int<int>(min_shift, max_shift);
  return q;
}

Problem random_problem(test::Rng& rng, std::size_t m, std::size_t k, std::size_t n, Values values,
                       bool per_channel, int min_shift, int max_shift) {
  Problem p{m, k, n, {}, {}, {}, {}};
  auto fill = [&](std::vector<std::int8_t>& v, std::size_t size) {
    v.resize(size);
    for (auto& x : v) {
      switch (values) {
        case Values::kUniform:
          x = rng.uniform_int<std::int8_t>(-128, 127);
          break;
        case Values::kExtreme:
          x = rng.index(0, 1) ? std::int8_t{-128} : std::int8_t{127};
          break;
        case Values::kSmall:
          x = rng.uniform_int<std::int8_t>(-3, 3);
          break;
      }
    }
  };
  fill(p.a, m * k);
  fill(p.b, n * k);
  p.bias.resize(n);
  for (auto& x : p.bias) {
    x = rng.index(0, 7) == 0 ? rng.uniform_int<std::int32_t>(INT32_MIN, INT32_MAX)
                             : rng.uniform_int<std::int32_t>(-100000, 100000);
  }
  const std::size_t count = per_channel ? n : 1;
  for (std::size_t i = 0; i < count; ++i) {
    p.multipliers.push_back(random_multiplier(rng, min_shift, max_shift));
  }
  const std::int32_t zero_points[] = {-128, 127, 0, -1, 5};
  p.a_zero_point = rng.index(0, 2) == 0 ? zero_points[rng.index(0, 4)]
                                        : rng.uniform_int<std::int32_t>(-128, 127);
  p.zero_point = rng.index(0, 2) == 0 ? zero_points[rng.index(0, 4)]
                                      : rng.uniform_int<std::int32_t>(-128, 127);
  if (rng.index(0, 1) == 1) {
    p.clamp_min = rng.uniform_int<std::int32_t>(-128, 0);
    p.clamp_max = rng.uniform_int<std::int32_t>(p.clamp_min, 127);
  }
  return p;
}

template <Rounding R>
OutputStage<R> stage_of(const Problem& p, bool with_bias) {
  OutputStage<R> s;
  if (with_bias) s.bias = p.bias;
  s.multipliers = p.multipliers;
  s.zero_point = p.zero_point;
  s.clamp_min = p.clamp_min;
  s.clamp_max = p.clamp_max;
  return s;
}

struct Packed {
  std::vector<std::int8_t> weights;
  std::vector<std::int32_t> bias, sums;
  PackedGemmWeights view;
};

Packed pack(const Problem& p) {
  Packed out;
  out.weights.resize(packed_gemm_weight_bytes(p.n, p.k));
  out.bias.resize(packed_gemm_bias_count(p.n));
  out.sums.resize(packed_gemm_bias_count(p.n));
  auto b = make_view(p.b.data(), Mat(p.n, p.k));
  auto r = pack_gemm_weights(b, p.bias, p.a_zero_point, {out.weights, out.bias, out.sums});
  EXPECT_TRUE(r.has_value());
  out.view = *r;
  return out;
}

// A float epilogue plan of (packed, stage) in its own storage; empty when planning says
// kUnsupported (any other status fails the test).
struct Plan {
  std::vector<float> scale, offset, offset_negative;
  GemmFloatEpilogue view;
};

template <Rounding R>
Plan plan_of(const PackedGemmWeights& packed, const OutputStage<R>& stage) {
  Plan plan;
  const std::size_t count = stage.multipliers.size();
  plan.scale.assign(count, 0.0f);
  plan.offset.assign(count, 0.0f);
  plan.offset_negative.assign(count, 0.0f);
  const Status s = plan_gemm_float_epilogue(packed, stage, std::span<float>(plan.scale),
                                            std::span<float>(plan.offset),
                                            std::span<float>(plan.offset_negative));
  EXPECT_TRUE(s == Status::kOk || s == Status::kUnsupported);
  if (s == Status::kOk) plan.view = {plan.scale, plan.offset, plan.offset_negative};
  return plan;
}

// Runs ref and mote (single-threaded and on pools of 2 and 3, with the integer epilogue and
// with a float epilogue plan when one exists) and expects identical bytes. True if planned.
template <Rounding R>
bool check(const Problem& p, ThreadPool* pools[2]) {
  std::vector<std::int8_t> expected(p.m * p.n, 0x5a);
  auto a = make_view(p.a.data(), Mat(p.m, p.k));
  auto b = make_view(p.b.data(), Mat(p.n, p.k));
  EXPECT_EQ(ref::gemm(a, p.a_zero_point, b, 0, make_view(expected.data(), Mat(p.m, p.n)),
                      stage_of<R>(p, true)),
            Status::kOk);
  const Packed packed = pack(p);
  const OutputStage<R> stage = stage_of<R>(p, false);
  std::vector<std::int8_t> got(p.m * p.n, 0x5a);
  EXPECT_EQ(gemm(a, packed.view, make_view(got.data(), Mat(p.m, p.n)), stage), Status::kOk);
  EXPECT_EQ(got, expected) << "M=" << p.m << " K=" << p.k << " N=" << p.n;
  const Plan plan = plan_of(packed.view, stage);
  if (!plan.view.empty()) {
    std::vector<std::int8_t> planned(p.m * p.n, 0x5a);
    EXPECT_EQ(gemm(a, packed.view, make_view(planned.data(), Mat(p.m, p.n)), stage, plan.view),
              Status::kOk);
    EXPECT_EQ(planned, expected) << "float epilogue, M=" << p.m << " K=" << p.k << " N=" << p.n;
  }
  for (int i = 0; i < 2; ++i) {
    std::vector<std::int8_t> threaded(p.m * p.n, 0x5a);
    EXPECT_EQ(gemm(a, packed.view, make_view(threaded.data(), Mat(p.m, p.n)), stage, *pools[i]),
              Status::kOk);
    EXPECT_EQ(threaded, expected) << "threads=" << pools[i]->threads();
    if (!plan.view.empty()) {
      std::fill(threaded.begin(), threaded.end(), std::int8_t{0x5a});
      EXPECT_EQ(gemm(a, packed.view, make_view(threaded.data(), Mat(p.m, p.n)), stage, plan.view,
                     *pools[i]),
                Status::kOk);
      EXPECT_EQ(threaded, expected) << "float epilogue, threads=" << pools[i]->threads();
    }
  }
  return !plan.view.empty();
}

class GemmTest : public test::PerTarget {
 protected:
  ThreadPool pool2_{2};
  ThreadPool pool3_{3};
  ThreadPool* pools_[2] = {&pool2_, &pool3_};
};
MOTE_INSTANTIATE_PER_TARGET(GemmTest);

TEST_P(GemmTest, RandomShapesBothRoundings) {
  test::Rng rng(1234);
  for (int iter = 0; iter < 60; ++iter) {
    const std::size_t m = rng.index(1, 40);
    const std::size_t k = iter % 7 == 0 ? 1 : rng.index(1, 80);
    const std::size_t n_choices[] = {1, 3, 17, 16, 32, 64, 65, 100};
    const std::size_t n = iter % 2 == 0 ? n_choices[rng.index(0, 7)] : rng.index(1, 150);
    const bool per_channel = rng.index(0, 1) == 1;
    const Problem p = random_problem(rng, m, k, n, Values::kUniform, per_channel, -20, 0);
    check<Rounding::kDouble>(p, pools_);
    check<Rounding::kSingle>(p, pools_);
  }
}

TEST_P(GemmTest, ExtremeValuesAndMultipliers) {
  test::Rng rng(99);
  for (int iter = 0; iter < 40; ++iter) {
    const std::size_t m = rng.index(1, 20);
    const std::size_t k = rng.index(1, 300);
    const std::size_t n = rng.index(1, 70);
    const Values values = iter % 3 == 0 ? Values::kSmall : Values::kExtreme;
    const bool per_channel = iter % 2 == 0;
    // Tiny (shift -31), moderate, and huge (positive shift: scalar epilogue) multipliers.
    const int lo = iter % 4 == 0 ? -31 : (iter % 4 == 1 ? 0 : -31);
    const int hi = iter % 4 == 1 ? 30 : (iter % 4 == 2 ? -25 : 0);
    const Problem p = random_problem(rng, m, k, n, values, per_channel, lo, hi);
    check<Rounding::kDouble>(p, pools_);
    check<Rounding::kSingle>(p, pools_);
  }
}

// Multipliers of exactly 2^30 (real 2^(shift - 1)) make every rounding step hit exact ties,
// negative and positive, in both rules and in every epilogue variant (small bias: the doubled
// double-rounding path; huge bias: the general one).
TEST_P(GemmTest, ExactTies) {
  test::Rng rng(77);
  for (int iter = 0; iter < 24; ++iter) {
    Problem p = random_problem(rng, rng.index(1, 13), rng.index(1, 40), rng.index(1, 40),
                               Values::kSmall, iter % 2 == 0, -8, -1);
    for (auto& q : p.multipliers) q.multiplier = 1 << 30;
    if (iter % 3 == 0) p.bias[0] = 1 << 30;  // |x| may exceed 2^30: the general path
    for (auto& x : p.bias) {
      if (iter % 3 != 0) x = rng.uniform_int<std::int32_t>(-40, 40);
    }
    check<Rounding::kDouble>(p, pools_);
    check<Rounding::kSingle>(p, pools_);
  }
}

// Right shifts around 23, where the AVX3_DL epilogue stops adding the output zero point inside
// its rounding, with zero points at the ends of int8 and accumulators near +-2^30 (biases at
// the edge of the doubled path), so that y + zero_point * 2^r comes closest to overflowing.
TEST_P(GemmTest, ZeroPointInTheRounding) {
  test::Rng rng(23);
  for (int iter = 0; iter < 32; ++iter) {
    const std::size_t k = rng.index(1, 24);
    Problem p = random_problem(rng, rng.index(1, 30), k, rng.index(1, 70), Values::kExtreme,
                               iter % 2 == 0, -25, -21);
    p.zero_point = iter % 4 < 2 ? -128 : 127;
    p.clamp_min = -128;
    p.clamp_max = 127;
    const std::int32_t edge = (1 << 30) - 1 - 255 * 128 * static_cast<std::int32_t>(k);
    for (auto& x : p.bias) x = rng.index(0, 1) == 0 ? edge : -edge;
    for (auto& q : p.multipliers)
      q.multiplier = rng.uniform_int<std::int32_t>(0x7fff0000, 0x7fffffff);
    check<Rounding::kDouble>(p, pools_);
    check<Rounding::kSingle>(p, pools_);
  }
}

TEST_P(GemmTest, LargerShapes) {
  test::Rng rng(7);
  const std::size_t shapes[][3] = {{100, 256, 70}, {13, 1029, 33}, {1, 1280, 100}, {200, 24, 144}};
  for (const auto& s : shapes) {
    const Problem p = random_problem(rng, s[0], s[1], s[2], Values::kUniform, true, -12, -6);
    check<Rounding::kDouble>(p, pools_);
    check<Rounding::kSingle>(p, pools_);
  }
}

// Depths around the passes of the AVX2/AVX3 kernel (512 per pass, partial sums carried over
// blocks of 48 rows) and every row-tail height of its tiles, on full-range and extreme values.
TEST_P(GemmTest, DeepPassesAndRowTails) {
  test::Rng rng(11);
  // M mod 12 (AVX3 tile height) covers 1 .. 11; 59, 70 and 97 also split blocks of 48 rows.
  const std::size_t shapes[][3] = {{50, 512, 20}, {59, 513, 17}, {97, 1030, 40}, {70, 1540, 16},
                                   {13, 516, 1},  {101, 1, 33},  {44, 64, 48},   {31, 200, 16},
                                   {15, 100, 9},  {18, 30, 30},  {28, 40, 20},   {21, 24, 5}};
  for (const auto& s : shapes) {
    for (const Values values : {Values::kUniform, Values::kExtreme}) {
      const Problem p = random_problem(rng, s[0], s[1], s[2], values, true, -14, -6);
      check<Rounding::kDouble>(p, pools_);
      check<Rounding::kSingle>(p, pools_);
    }
  }
}

TEST_P(GemmTest, StridedRows) {
  // A and C as column slices of wider matrices (row strides != extents).
  test::Rng rng(5);
  const Problem p = random_problem(rng, 9, 20, 19, Values::kUniform, false, -10, -5);
  std::vector<std::int8_t> wide_a(9 * 32, 0), wide_c(9 * 40, 0x11);
  for (std::size_t i = 0; i < 9; ++i) std::memcpy(&wide_a[i * 32 + 3], &p.a[i * 20], 20);
  auto a =
      make_strided_view(static_cast<const std::int8_t*>(wide_a.data() + 3), Mat(9, 20), {32, 1});
  auto c = make_strided_view(wide_c.data() + 5, Mat(9, 19), {40, 1});
  const Packed packed = pack(p);
  ASSERT_EQ(gemm(a, packed.view, c, stage_of<Rounding::kDouble>(p, false)), Status::kOk);
  std::vector<std::int8_t> expected(9 * 19);
  ASSERT_EQ(ref::gemm(make_view(p.a.data(), Mat(9, 20)), p.a_zero_point,
                      make_view(p.b.data(), Mat(19, 20)), 0, make_view(expected.data(), Mat(9, 19)),
                      stage_of<Rounding::kDouble>(p, true)),
            Status::kOk);
  for (std::size_t i = 0; i < 9; ++i) {
    for (std::size_t j = 0; j < 40; ++j) {
      const bool inside = j >= 5 && j < 24;
      EXPECT_EQ(wide_c[i * 40 + j], inside ? expected[i * 19 + j - 5] : std::int8_t{0x11});
    }
  }
}

// Shallow MobileNet-like layers (small biases, K <= 96), where plans exist: most must plan,
// and every planned GEMM must give the reference's bytes, per-tensor and per-channel, with
// ReLU-like clamps, zero points at the ends of int8, and extreme activations.
TEST_P(GemmTest, FloatEpiloguePlans) {
  test::Rng rng(4242);
  int planned = 0, total = 0;
  for (int iter = 0; iter < 48; ++iter) {
    const std::size_t k_choices[] = {1, 3, 16, 24, 32, 64, 96};
    const std::size_t n_choices[] = {1, 16, 17, 24, 96, 144};
    Problem p = random_problem(
        rng, rng.index(1, 50), k_choices[rng.index(0, 6)], n_choices[rng.index(0, 5)],
        iter % 4 == 3 ? Values::kExtreme : Values::kUniform, iter % 2 == 0, -14, -1);
    for (auto& x : p.bias) x = rng.uniform_int<std::int32_t>(-30000, 30000);
    if (iter % 5 == 0) {  // ReLU
      p.clamp_min = p.zero_point;
      p.clamp_max = 127;
    }
    planned += check<Rounding::kDouble>(p, pools_) ? 1 : 0;
    planned += check<Rounding::kSingle>(p, pools_) ? 1 : 0;
    total += 2;
  }
  EXPECT_GE(planned * 2, total) << planned << " of " << total << " planned";
}

// The plan's proof, checked by brute force: for random columns, every accumulator in
// [-B, B] gives the integer epilogue's output.
template <Rounding R>
void check_plan_exhaustively(test::Rng& rng, int& planned) {
  const QuantizedMultiplier q = random_multiplier(rng, -12, -1);
  const std::int32_t zero_point = rng.uniform_int<std::int32_t>(-128, 127);
  const std::int32_t lo = rng.index(0, 1) ? zero_point : -128;
  const std::int32_t hi = 127;
  constexpr std::int32_t kBound = 1 << 17;
  detail::FloatEpiloguePlanner<R> planner(q, zero_point, lo, hi, kBound);
  detail::FloatEpilogueColumn c;
  if (!planner.plan(c)) return;
  ++planned;
  for (std::int32_t x = -kBound; x <= kBound; ++x) {
    std::int64_t t = detail::float_epilogue_output(x, c.scale, c.offset, c.offset_negative);
    t = t < lo ? lo : (t > hi ? hi : t);
    const std::int64_t expected = requantize<R, std::int8_t>(x, q, zero_point, lo, hi);
    ASSERT_EQ(t, expected) << "x=" << x << " multiplier=" << q.multiplier << " shift=" << q.shift;
  }
}

TEST(GemmFloatEpilogue, PlansAreExactOverTheirWholeRange) {
  test::Rng rng(5);
  int planned = 0;
  for (int i = 0; i < 40; ++i) {
    check_plan_exhaustively<Rounding::kDouble>(rng, planned);
    check_plan_exhaustively<Rounding::kSingle>(rng, planned);
  }
  EXPECT_GE(planned, 40);
}

TEST(GemmFloatEpilogue, RejectsWithoutWriting) {
  test::Rng rng(6);
  Problem p = random_problem(rng, 4, 16, 20, Values::kUniform, true, -10, -2);
  for (auto& x : p.bias) x = 1000;
  const Packed packed = pack(p);
  const OutputStage<Rounding::kDouble> stage = stage_of<Rounding::kDouble>(p, false);
  std::vector<float> scale(20, 7.0f), offset(20, 7.0f), negative(20, 7.0f);
  // Wrong sizes.
  EXPECT_EQ(plan_gemm_float_epilogue(packed.view, stage, std::span<float>(scale).first(19),
                                     std::span<float>(offset), std::span<float>(negative)),
            Status::kShapeMismatch);
  // Accumulators that float cannot hold exactly.
  PackedGemmWeights wide = packed.view;
  wide.max_abs_accumulator = std::int64_t{1} << 24;
  EXPECT_EQ(plan_gemm_float_epilogue(wide, stage, std::span<float>(scale), std::span<float>(offset),
                                     std::span<float>(negative)),
            Status::kUnsupported);
  // An invalid stage.
  OutputStage<Rounding::kDouble> bad = stage;
  bad.clamp_min = 100;
  bad.clamp_max = 0;
  EXPECT_EQ(plan_gemm_float_epilogue(packed.view, bad, std::span<float>(scale),
                                     std::span<float>(offset), std::span<float>(negative)),
            Status::kInvalidArgument);
  for (float v : scale) EXPECT_EQ(v, 7.0f);
  for (float v : offset) EXPECT_EQ(v, 7.0f);
  for (float v : negative) EXPECT_EQ(v, 7.0f);
  // gemm() rejects a plan of the wrong size and leaves C alone.
  std::vector<std::int8_t> c(4 * 20, 0x11);
  const GemmFloatEpilogue short_plan{std::span<const float>(scale).first(1),
                                     std::span<const float>(offset).first(1),
                                     std::span<const float>(negative).first(1)};
  EXPECT_EQ(gemm(make_view(p.a.data(), Mat(4, 16)), packed.view, make_view(c.data(), Mat(4, 20)),
                 stage, short_plan),
            Status::kShapeMismatch);
  for (std::int8_t v : c) EXPECT_EQ(v, 0x11);
}

TEST(GemmValidation, RejectsWithoutWriting) {
  test::Rng rng(3);
  const Problem p = random_problem(rng, 4, 8, 5, Values::kUniform, true, -8, -1);
  const Packed packed = pack(p);
  auto a = make_view(p.a.data(), Mat(4, 8));
  std::vector<std::int8_t> c(4 * 6, 0x33);
  const std::vector<std::int8_t> untouched = c;
  const auto good = stage_of<Rounding::kDouble>(p, false);
  // Wrong output width, wrong depth, stage with a bias, bad stage sizes and clamps.
  EXPECT_EQ(gemm(a, packed.view, make_view(c.data(), Mat(4, 6)), good), Status::kShapeMismatch);
  EXPECT_EQ(
      gemm(make_view(p.a.data(), Mat(2, 16)), packed.view, make_view(c.data(), Mat(2, 5)), good),
      Status::kShapeMismatch);
  EXPECT_EQ(
      gemm(a, packed.view, make_view(c.data(), Mat(4, 5)), stage_of<Rounding::kDouble>(p, true)),
      Status::kInvalidArgument);
  auto bad = good;
  bad.multipliers = std::span<const QuantizedMultiplier>(p.multipliers).first(2);
  EXPECT_EQ(gemm(a, packed.view, make_view(c.data(), Mat(4, 5)), bad), Status::kShapeMismatch);
  bad = good;
  bad.clamp_min = 10;
  bad.clamp_max = 9;
  EXPECT_EQ(gemm(a, packed.view, make_view(c.data(), Mat(4, 5)), bad), Status::kInvalidArgument);
  EXPECT_EQ(gemm(a, PackedGemmWeights{}, make_view(c.data(), Mat(4, 5)), good),
            Status::kInvalidArgument);
  EXPECT_EQ(c, untouched);
}

TEST(GemmPack, RejectsBadArgumentsAndLaysOutPanels) {
  std::vector<std::int8_t> b(3 * 5);
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::int8_t>(i - 7);
  auto bv = make_view(b.data(), Mat(3, 5));
  std::vector<std::int8_t> w(packed_gemm_weight_bytes(3, 5), 0x7f);
  std::vector<std::int32_t> bias(packed_gemm_bias_count(3), 9), sums(bias);
  const std::vector<std::int32_t> in_bias{100, 200, 300};
  EXPECT_EQ(w.size(), 16u * 8u);
  EXPECT_EQ(pack_gemm_weights(bv, in_bias, 128, {w, bias, sums}).status(),
            Status::kInvalidArgument);
  EXPECT_EQ(pack_gemm_weights(bv, std::span(in_bias).first(2), 0, {w, bias, sums}).status(),
            Status::kShapeMismatch);
  EXPECT_EQ(pack_gemm_weights(bv, in_bias, 0, {std::span(w).first(10), bias, sums}).status(),
            Status::kShapeMismatch);
  EXPECT_EQ(w[0], 0x7f);  // nothing written
  auto r = pack_gemm_weights(bv, in_bias, -3, {w, bias, sums});
  ASSERT_TRUE(r.has_value());
  // Column 1 (B row 1 = 5 weights -2..2), depth group 1 holds k = 4 and three zeros.
  EXPECT_EQ(w[0 * 16 + 1 * 4 + 0], b[5]);
  EXPECT_EQ(w[4 * 16 + 1 * 4 + 0], b[9]);
  EXPECT_EQ(w[4 * 16 + 1 * 4 + 1], 0);
  EXPECT_EQ(sums[1], 0);  // -2 - 1 + 0 + 1 + 2
  EXPECT_EQ(bias[0], 100 - (128 - 3) * (-7 - 6 - 5 - 4 - 3));
  EXPECT_EQ(bias[5], 0);  // padding column
}

}  // namespace
}  // namespace mote
