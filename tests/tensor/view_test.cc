// TensorView, Extents, layouts and slices: shapes, offsets, zero overhead.
#include "mote/tensor/view.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>

#include "mote/tensor/slice.h"
#include "mote/tensor/tensor.h"

namespace mote {
namespace {

static_assert(sizeof(TensorView<std::int8_t, Extents<56, 56, 24>>) == sizeof(void*),
              "a static row-major view is one pointer");
static_assert(sizeof(Extents<3, 4>) == 1 && std::is_empty_v<Extents<3, 4>>);
static_assert(Extents<2, dyn, 4>::rank_dynamic() == 1);
static_assert(Extents<2, 3, 4>{}.size() == 24);
static_assert(StaticExtents<Extents<1, 2>> && !StaticExtents<Extents<dyn>>);

TEST(Extents, MixedStaticAndDynamic) {
  const Extents<2, dyn, 4, dyn> e(3, 5);
  EXPECT_EQ(e.extent(0), 2u);
  EXPECT_EQ(e.extent(1), 3u);
  EXPECT_EQ(e.extent(2), 4u);
  EXPECT_EQ(e.extent(3), 5u);
  EXPECT_EQ(e.size(), 120u);
  EXPECT_TRUE(e == (Extents<2, 3, 4, 5>{}));
  EXPECT_FALSE(e == (Extents<2, 3, 4, 6>{}));
  EXPECT_TRUE(e == (Extents<2, dyn, 4, dyn>::from_array({2, 3, 4, 5})));
}

TEST(TensorView, RowMajorOffsetsAreNhwc) {
  std::int8_t buf[2 * 3 * 4];
  std::iota(std::begin(buf), std::end(buf), 0);
  const auto x = make_view(buf, Extents<2, 3, 4>{});
  static_assert(x.size() == 24);  // constant even though x is not
  EXPECT_EQ(x(0, 0, 0), 0);
  EXPECT_EQ(x(1, 2, 3), 23);
  EXPECT_EQ(x(1, 0, 2), 14);
  EXPECT_EQ(x.stride(0), 12u);
  EXPECT_EQ(x.stride(1), 4u);
  EXPECT_EQ(x.stride(2), 1u);
  const TensorView<const std::int8_t, Extents<2, 3, 4>> c = x;  // const conversion
  EXPECT_EQ(c(1, 1, 1), 17);
}

TEST(TensorView, DynamicExtents) {
  float buf[5 * 7];
  auto x = make_view(buf, Extents<dyn, 7>{5});
  x(4, 6) = 1.5f;
  EXPECT_EQ(buf[34], 1.5f);
  EXPECT_EQ(x.size(), 35u);
}

TEST(Slice, LeadingIndexKeepsRowMajor) {
  std::int8_t buf[4 * 5 * 6];
  std::iota(std::begin(buf), std::end(buf), 0);
  const auto x = make_view(buf, Extents<4, 5, 6>{});
  const auto row = slice(x, 3, all, all);
  static_assert(std::is_same_v<decltype(row), const TensorView<std::int8_t, Extents<5, 6>>>);
  EXPECT_EQ(row(0, 0), 90);
  EXPECT_EQ(row(4, 5), 119);
}

TEST(Slice, ChannelRangeIsStrided) {
  std::int32_t buf[2 * 3 * 8];
  std::iota(std::begin(buf), std::end(buf), 0);
  const auto x = make_view(buf, Extents<2, 3, 8>{});
  const auto ch = slice(x, all, all, Range{2, 5});
  static_assert(std::is_same_v<decltype(ch)::layout_type, LayoutStride>);
  EXPECT_EQ(ch.extent(2), 3u);
  EXPECT_EQ(ch(0, 0, 0), 2);
  EXPECT_EQ(ch(1, 2, 2), 1 * 24 + 2 * 8 + 4);
  EXPECT_FALSE(ch.is_contiguous());
  const auto pixel = slice(x, 1, 2, all);
  EXPECT_EQ(pixel(7), 47);
  const auto rows = slice(x, Range{1, 2}, all, all);
  static_assert(std::is_same_v<decltype(rows)::layout_type, LayoutRight>);
  EXPECT_EQ(rows(0, 0, 0), 24);
}

TEST(Tensor, OwnsAlignedStaticStorage) {
  Tensor<std::int8_t, Extents<3, 5>, 128> t;
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(t.data()) % 128, 0u);
  t.fill(7);
  t(2, 4) = -1;
  TensorView<std::int8_t, Extents<3, 5>> v = t;
  EXPECT_EQ(v(2, 4), -1);
  EXPECT_EQ(v(0, 0), 7);
  static_assert(decltype(t)::size() == 15);
}

#if MOTE_DEBUG
TEST(TensorViewDeathTest, OutOfBoundsAbortsInDebugBuilds) {
  std::int8_t buf[6] = {};
  const auto x = make_view(buf, Extents<2, 3>{});
  EXPECT_DEATH((void)x(1, 3), "mote: assertion failed");
  EXPECT_DEATH((void)x(2, 0), "mote: assertion failed");
}
#endif

}  // namespace
}  // namespace mote
