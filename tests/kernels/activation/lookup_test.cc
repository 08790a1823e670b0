// SIMD int8 table lookup against ref::lookup on every compiled target: LOGISTIC, TANH and
// HARD_SWISH tables and a table of every byte, all 256 inputs, lengths around the vector width,
// in place, strided views, rejection without writes.
#include "mote/kernels/activation/lookup.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "mote/kernels/activation/hard_swish_ref.h"
#include "mote/kernels/activation/logistic_ref.h"
#include "mote/kernels/activation/tanh_ref.h"
#include "support/random.h"
#include "support/targets.h"

namespace mote {
namespace {

class LookupTest : public test::PerTarget {};
MOTE_INSTANTIATE_PER_TARGET(LookupTest);

using Flat = Extents<dyn>;

std::vector<ref::LookupTable> tables() {
  std::vector<ref::LookupTable> t;
  t.push_back(*ref::make_logistic_table({0.1f, -3}, {1.0f / 256, -128}));
  t.push_back(*ref::make_tanh_table({0.05f, 10}, {1.0f / 128, 0}));
  t.push_back(ref::make_hard_swish_table(*ref::make_hard_swish_params({0.04f, 5}, {0.03f, -20})));
  // Every entry different: a wrong index cannot go unnoticed.
  t.push_back(
      ref::make_table([](std::int8_t q) { return static_cast<std::int8_t>(~q * 37 + 11); }));
  return t;
}

TEST_P(LookupTest, MatchesReference) {
  test::Rng rng(1);
  for (const ref::LookupTable& table : tables()) {
    std::vector<std::int8_t> all(256);
    for (int i = 0; i < 256; ++i)
      all[static_cast<std::size_t>(i)] = static_cast<std::int8_t>(i - 128);
    std::vector<std::vector<std::int8_t>> inputs{all};
    for (std::size_t n : {0, 1, 15, 16, 17, 63, 64, 65, 129, 1000}) {
      inputs.push_back(rng.vector<std::int8_t>(n, -128, 127));
    }
    for (const std::vector<std::int8_t>& in : inputs) {
      const std::size_t n = in.size();
      std::vector<std::int8_t> expected(n), actual(n);
      ASSERT_EQ(
          ref::lookup(make_view(in.data(), Flat(n)), make_view(expected.data(), Flat(n)), table),
          Status::kOk);
      ASSERT_EQ(
          mote::lookup(make_view(in.data(), Flat(n)), make_view(actual.data(), Flat(n)), table),
          Status::kOk);
      ASSERT_EQ(actual, expected) << n;
      std::vector<std::int8_t> in_place = in;
      ASSERT_EQ(mote::lookup(make_view(in_place.data(), Flat(n)),
                             make_view(in_place.data(), Flat(n)), table),
                Status::kOk);
      ASSERT_EQ(in_place, expected);
    }
  }
}

TEST_P(LookupTest, StridedViewsAndRejection) {
  test::Rng rng(2);
  const ref::LookupTable table = tables()[3];
  const std::vector<std::int8_t> in = rng.vector<std::int8_t>(300, -128, 127);
  std::vector<std::int8_t> expected(100), actual(100);
  const auto strided = make_strided_view(in.data(), Flat(100), {3});
  ASSERT_EQ(ref::lookup(strided, make_view(expected.data(), Flat(100)), table), Status::kOk);
  ASSERT_EQ(mote::lookup(strided, make_view(actual.data(), Flat(100)), table), Status::kOk);
  EXPECT_EQ(actual, expected);
  std::vector<std::int8_t> out(10, 0x21);
  EXPECT_EQ(mote::lookup(make_view(in.data(), Flat(11)), make_view(out.data(), Flat(10)), table),
            Status::kShapeMismatch);
  for (std::int8_t v : out) ASSERT_EQ(v, 0x21);
}

}  // namespace
}  // namespace mote
