// SIMD int8 max pool, average pool and MEAN against the references on every compiled target:
// random shapes with channel tails, windows larger than the image, stride 1 to 3, SAME, VALID
// and explicit padding, clamps, zero points at the ends of int8, both roundings for MEAN,
// strided views, rejection without writes.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "mote/kernels/pool/avg_pool.h"
#include "mote/kernels/pool/max_pool.h"
#include "mote/kernels/pool/mean.h"
#include "support/random.h"
#include "support/targets.h"

namespace mote {
namespace {

class PoolTest : public test::PerTarget {};
MOTE_INSTANTIATE_PER_TARGET(PoolTest);

using Nhwc = Extents<dyn, dyn, dyn, dyn>;

struct PoolCase {
  std::size_t n, h, w, c;
  Window2d window;
  ClampRange clamp;
};

PoolCase random_case(test::Rng& rng) {
  PoolCase pc{rng.index(1, 2), rng.index(1, 12), rng.index(1, 12), rng.index(1, 70), {},
              {-128, 127}};
  const int k = rng.uniform_int(1, 4);
  const int s = rng.uniform_int(1, 3);
  pc.window =
      Window2d{k, rng.uniform_int(1, 4), s, rng.uniform_int(1, 3), 1, 1, Padding::kSame, {}};
  const int kind = rng.uniform_int(0, 2);
  if (kind == 1) pc.window.padding = Padding::kValid;
  if (kind == 2) {
    pc.window.padding = Padding::kExplicit;
    pc.window.pad = {rng.uniform_int(0, k - 1), rng.uniform_int(0, k - 1),
                     rng.uniform_int(0, pc.window.kernel_w - 1),
                     rng.uniform_int(0, pc.window.kernel_w - 1)};
  }
  if (rng.uniform_int(0, 1)) {
    pc.clamp.min = rng.uniform_int(-128, 0);
    pc.clamp.max = rng.uniform_int(pc.clamp.min, 127);
  }
  return pc;
}

template <bool kMax>
void random_pools(std::uint32_t seed) {
  test::Rng rng(seed);
  int ran = 0;
  for (int iter = 0; iter < 200 && ran < 80; ++iter) {
    const PoolCase pc = random_case(rng);
    const std::size_t oh = window_output_h(pc.window, pc.h);
    const std::size_t ow = window_output_w(pc.window, pc.w);
    if (oh == 0 || ow == 0) continue;
    const std::vector<std::int8_t> in =
        rng.vector<std::int8_t>(pc.n * pc.h * pc.w * pc.c, -128, 127);
    std::vector<std::int8_t> expected(pc.n * oh * ow * pc.c, 0x31), actual(expected.size(), 0x31);
    const auto in_view = make_view(in.data(), Nhwc(pc.n, pc.h, pc.w, pc.c));
    const auto e_view = make_view(expected.data(), Nhwc(pc.n, oh, ow, pc.c));
    const auto a_view = make_view(actual.data(), Nhwc(pc.n, oh, ow, pc.c));
    Status se, sa;
    if constexpr (kMax) {
      se = ref::max_pool(in_view, e_view, pc.window, pc.clamp);
      sa = max_pool(in_view, a_view, pc.window, pc.clamp);
    } else {
      se = ref::avg_pool(in_view, e_view, pc.window, pc.clamp);
      sa = avg_pool(in_view, a_view, pc.window, pc.clamp);
    }
    ASSERT_EQ(sa, se);
    ASSERT_EQ(actual, expected) << "iteration " << iter;
    ++ran;
  }
  EXPECT_GT(ran, 40);
}

TEST_P(PoolTest, MaxPoolMatchesReference) {
  random_pools<true>(1);
}
TEST_P(PoolTest, AvgPoolMatchesReference) {
  random_pools<false>(2);
}

template <Rounding R>
void random_means(std::uint32_t seed) {
  test::Rng rng(seed);
  for (int iter = 0; iter < 60; ++iter) {
    const std::size_t n = rng.index(1, 2), h = rng.index(1, 14), w = rng.index(1, 14),
                      c = rng.index(1, 100);
    auto zp = [&] {
      const int kind = rng.uniform_int(0, 3);
      return kind == 0 ? -128 : (kind == 1 ? 127 : rng.uniform_int(-128, 127));
    };
    const float in_scale = std::ldexp(rng.uniform(0.5f, 1.0f), rng.uniform_int(-8, 2));
    // Output scales down to 2^-12 of the input's: biases beyond 2^16 take the slow path.
    const float out_scale = in_scale * std::ldexp(rng.uniform(0.5f, 1.0f), rng.uniform_int(-12, 3));
    const Result<ref::MeanParams> p =
        ref::make_mean_params({in_scale, zp()}, {out_scale, zp()}, h, w);
    ASSERT_TRUE(p);
    const std::vector<std::int8_t> in = rng.vector<std::int8_t>(n * h * w * c, -128, 127);
    std::vector<std::int8_t> expected(n * c), actual(n * c);
    ASSERT_EQ(ref::mean<R>(make_view(in.data(), Nhwc(n, h, w, c)),
                           make_view(expected.data(), Nhwc(n, 1, 1, c)), *p),
              Status::kOk);
    ASSERT_EQ(mote::mean<R>(make_view(in.data(), Nhwc(n, h, w, c)),
                            make_view(actual.data(), Nhwc(n, 1, 1, c)), *p),
              Status::kOk);
    ASSERT_EQ(actual, expected) << "iteration " << iter << " bias " << p->bias;
  }
}

TEST_P(PoolTest, MeanMatchesReferenceDouble) {
  random_means<Rounding::kDouble>(3);
}
TEST_P(PoolTest, MeanMatchesReferenceSingle) {
  random_means<Rounding::kSingle>(4);
}

TEST_P(PoolTest, StridedViewsAndRejection) {
  test::Rng rng(5);
  const std::vector<std::int8_t> in = rng.vector<std::int8_t>(6 * 6 * 8, -128, 127);
  // Every other channel of an 8-channel image.
  const auto strided = make_strided_view(in.data(), Nhwc(1, 6, 6, 4), {288, 48, 8, 2});
  const Window2d w{3, 3, 2, 2, 1, 1, Padding::kSame, {}};
  std::vector<std::int8_t> expected(3 * 3 * 4), actual(3 * 3 * 4);
  ASSERT_EQ(ref::max_pool(strided, make_view(expected.data(), Nhwc(1, 3, 3, 4)), w), Status::kOk);
  ASSERT_EQ(max_pool(strided, make_view(actual.data(), Nhwc(1, 3, 3, 4)), w), Status::kOk);
  EXPECT_EQ(actual, expected);
  ASSERT_EQ(ref::avg_pool(strided, make_view(expected.data(), Nhwc(1, 3, 3, 4)), w), Status::kOk);
  ASSERT_EQ(avg_pool(strided, make_view(actual.data(), Nhwc(1, 3, 3, 4)), w), Status::kOk);
  EXPECT_EQ(actual, expected);

  std::vector<std::int8_t> out(3 * 3 * 8, 0x29);
  const auto in_view = make_view(in.data(), Nhwc(1, 6, 6, 8));
  EXPECT_EQ(max_pool(in_view, make_view(out.data(), Nhwc(1, 3, 3, 8)), w, ClampRange{3, 2}),
            Status::kInvalidArgument);
  EXPECT_EQ(avg_pool(in_view, make_view(out.data(), Nhwc(1, 2, 3, 8)), w), Status::kShapeMismatch);
  const Window2d dilated{3, 3, 2, 2, 2, 2, Padding::kSame, {}};
  EXPECT_EQ(avg_pool(in_view, make_view(out.data(), Nhwc(1, 3, 3, 8)), dilated),
            Status::kUnsupported);
  const auto p = ref::make_mean_params({0.1f, 0}, {0.1f, 0}, 6, 6);
  EXPECT_EQ(mote::mean(in_view, make_view(out.data(), Nhwc(1, 1, 2, 8)), *p),
            Status::kShapeMismatch);
  for (std::int8_t v : out) ASSERT_EQ(v, 0x29);
}

}  // namespace
}  // namespace mote
