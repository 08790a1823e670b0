// SIMD int8 clamp against ref::clamp on every compiled target: lengths around the vector width,
// the RELU/RELU6 ranges and the extremes, in place, strided views, rejection without writes.
#include "mote/kernels/activation/clamp.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "support/random.h"
#include "support/targets.h"

namespace mote {
namespace {

class ClampTest : public test::PerTarget {};
MOTE_INSTANTIATE_PER_TARGET(ClampTest);

using Flat = Extents<dyn>;

TEST_P(ClampTest, MatchesReference) {
  test::Rng rng(1);
  for (std::size_t n : {0, 1, 3, 15, 16, 17, 31, 63, 64, 65, 127, 200, 1000, 4097}) {
    for (const ClampRange r : {ClampRange{-128, 127}, ClampRange{0, 127}, ClampRange{-5, 40},
                               ClampRange{-128, -128}, ClampRange{127, 127}, ClampRange{3, 3}}) {
      const std::vector<std::int8_t> in = rng.vector<std::int8_t>(n, -128, 127);
      std::vector<std::int8_t> expected(n), actual(n);
      ASSERT_EQ(ref::clamp(make_view(in.data(), Flat(n)), make_view(expected.data(), Flat(n)), r),
                Status::kOk);
      ASSERT_EQ(clamp(make_view(in.data(), Flat(n)), make_view(actual.data(), Flat(n)), r),
                Status::kOk);
      ASSERT_EQ(actual, expected) << n << " [" << r.min << ", " << r.max << "]";
      std::vector<std::int8_t> in_place = in;  // in and out the same array
      ASSERT_EQ(clamp(make_view(in_place.data(), Flat(n)), make_view(in_place.data(), Flat(n)), r),
                Status::kOk);
      ASSERT_EQ(in_place, expected);
    }
  }
}

TEST_P(ClampTest, RankFourAndStridedViews) {
  test::Rng rng(2);
  using Nhwc = Extents<dyn, dyn, dyn, dyn>;
  const std::vector<std::int8_t> in = rng.vector<std::int8_t>(2 * 5 * 7 * 3, -128, 127);
  std::vector<std::int8_t> expected(in.size()), actual(in.size());
  const ClampRange relu6{-20, 90};
  ASSERT_EQ(ref::clamp(make_view(in.data(), Nhwc(2, 5, 7, 3)),
                       make_view(expected.data(), Nhwc(2, 5, 7, 3)), relu6),
            Status::kOk);
  ASSERT_EQ(clamp(make_view(in.data(), Nhwc(2, 5, 7, 3)),
                  make_view(actual.data(), Nhwc(2, 5, 7, 3)), relu6),
            Status::kOk);
  EXPECT_EQ(actual, expected);
  // Every other element.
  std::vector<std::int8_t> expected_s(in.size() / 2), actual_s(in.size() / 2);
  const auto strided = make_strided_view(in.data(), Flat(in.size() / 2), {2});
  ASSERT_EQ(ref::clamp(strided, make_view(expected_s.data(), Flat(in.size() / 2)), relu6),
            Status::kOk);
  ASSERT_EQ(clamp(strided, make_view(actual_s.data(), Flat(in.size() / 2)), relu6), Status::kOk);
  EXPECT_EQ(actual_s, expected_s);
}

TEST_P(ClampTest, RejectsWithoutWriting) {
  const std::vector<std::int8_t> in(10, 1);
  std::vector<std::int8_t> out(10, 0x44);
  EXPECT_EQ(clamp(make_view(in.data(), Flat(10)), make_view(out.data(), Flat(9)), ClampRange{0, 1}),
            Status::kShapeMismatch);
  EXPECT_EQ(
      clamp(make_view(in.data(), Flat(10)), make_view(out.data(), Flat(10)), ClampRange{2, 1}),
      Status::kInvalidArgument);
  EXPECT_EQ(
      clamp(make_view(in.data(), Flat(10)), make_view(out.data(), Flat(10)), ClampRange{-129, 1}),
      Status::kInvalidArgument);
  for (std::int8_t v : out) ASSERT_EQ(v, 0x44);
}

}  // namespace
}  // namespace mote
