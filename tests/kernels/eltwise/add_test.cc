// SIMD int8 ADD against ref::add on every compiled target: random scales (either input the
// larger), zero points at the ends of int8, fused clamps, both roundings, lengths around the
// vector width, per-channel broadcast, in place, strided views, rejection without writes.
#include "mote/kernels/eltwise/add.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "support/random.h"
#include "support/targets.h"

namespace mote {
namespace {

class AddTest : public test::PerTarget {};
MOTE_INSTANTIATE_PER_TARGET(AddTest);

using Flat = Extents<dyn>;
using Rows = Extents<dyn, dyn>;

ref::AddParams random_params(test::Rng& rng) {
  auto zp = [&] {
    const int kind = rng.uniform_int(0, 3);
    return kind == 0 ? -128 : (kind == 1 ? 127 : rng.uniform_int(-128, 127));
  };
  auto scale = [&] { return std::ldexp(rng.uniform(0.5f, 1.0f), rng.uniform_int(-10, 2)); };
  const QuantParams<std::int8_t> in1{scale(), zp()}, in2{scale(), zp()}, out{scale(), zp()};
  const auto act = static_cast<Activation>(rng.uniform_int(0, 3));
  return *ref::make_add_params(in1, in2, out, act);
}

template <Rounding R>
void random_adds(std::uint32_t seed) {
  test::Rng rng(seed);
  for (int iter = 0; iter < 60; ++iter) {
    const ref::AddParams p = random_params(rng);
    const std::size_t n = iter < 20 ? static_cast<std::size_t>(iter) : rng.index(0, 700);
    const std::vector<std::int8_t> a = rng.vector<std::int8_t>(n, -128, 127);
    const std::vector<std::int8_t> b = rng.vector<std::int8_t>(n, -128, 127);
    std::vector<std::int8_t> expected(n), actual(n);
    ASSERT_EQ(ref::add<R>(make_view(a.data(), Flat(n)), make_view(b.data(), Flat(n)),
                          make_view(expected.data(), Flat(n)), p),
              Status::kOk);
    ASSERT_EQ(mote::add<R>(make_view(a.data(), Flat(n)), make_view(b.data(), Flat(n)),
                           make_view(actual.data(), Flat(n)), p),
              Status::kOk);
    ASSERT_EQ(actual, expected) << "iteration " << iter;
    std::vector<std::int8_t> in_place = a;  // out is a
    ASSERT_EQ(mote::add<R>(make_view(in_place.data(), Flat(n)), make_view(b.data(), Flat(n)),
                           make_view(in_place.data(), Flat(n)), p),
              Status::kOk);
    ASSERT_EQ(in_place, expected);
    // b per channel over rows of a.
    const std::size_t channels = rng.index(1, 40);
    const std::size_t rows = rng.index(1, 9);
    const std::vector<std::int8_t> a2 = rng.vector<std::int8_t>(rows * channels, -128, 127);
    const std::vector<std::int8_t> b2 = rng.vector<std::int8_t>(channels, -128, 127);
    std::vector<std::int8_t> expected2(rows * channels), actual2(rows * channels);
    ASSERT_EQ(ref::add<R>(make_view(a2.data(), Rows(rows, channels)),
                          make_view(b2.data(), Flat(channels)),
                          make_view(expected2.data(), Rows(rows, channels)), p),
              Status::kOk);
    ASSERT_EQ(mote::add<R>(make_view(a2.data(), Rows(rows, channels)),
                           make_view(b2.data(), Flat(channels)),
                           make_view(actual2.data(), Rows(rows, channels)), p),
              Status::kOk);
    ASSERT_EQ(actual2, expected2) << "broadcast, iteration " << iter;
  }
}

TEST_P(AddTest, MatchesReferenceDouble) {
  random_adds<Rounding::kDouble>(1);
}
TEST_P(AddTest, MatchesReferenceSingle) {
  random_adds<Rounding::kSingle>(2);
}

TEST_P(AddTest, StridedViewsAndRejection) {
  test::Rng rng(3);
  const ref::AddParams p = random_params(rng);
  const std::vector<std::int8_t> a = rng.vector<std::int8_t>(200, -128, 127);
  const std::vector<std::int8_t> b = rng.vector<std::int8_t>(100, -128, 127);
  std::vector<std::int8_t> expected(100), actual(100);
  const auto strided = make_strided_view(a.data(), Flat(100), {2});
  ASSERT_EQ(
      ref::add(strided, make_view(b.data(), Flat(100)), make_view(expected.data(), Flat(100)), p),
      Status::kOk);
  ASSERT_EQ(
      mote::add(strided, make_view(b.data(), Flat(100)), make_view(actual.data(), Flat(100)), p),
      Status::kOk);
  EXPECT_EQ(actual, expected);

  std::vector<std::int8_t> out(100, 0x17);
  EXPECT_EQ(mote::add(make_view(a.data(), Flat(100)), make_view(b.data(), Flat(99)),
                      make_view(out.data(), Flat(100)), p),
            Status::kShapeMismatch);
  ref::AddParams bad = p;
  bad.input1_zero_point = 128;
  EXPECT_EQ(mote::add(make_view(a.data(), Flat(100)), make_view(b.data(), Flat(100)),
                      make_view(out.data(), Flat(100)), bad),
            Status::kInvalidArgument);
  bad = p;
  bad.clamp = {5, 4};
  EXPECT_EQ(mote::add(make_view(a.data(), Flat(100)), make_view(b.data(), Flat(100)),
                      make_view(out.data(), Flat(100)), bad),
            Status::kInvalidArgument);
  for (std::int8_t v : out) ASSERT_EQ(v, 0x17);
}

}  // namespace
}  // namespace mote
