// Arena: alignment, exhaustion without side effects, mark/rewind.
#include "mote/tensor/arena.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace mote {
namespace {

TEST(Arena, AlignsAndBumps) {
  alignas(64) std::byte buf[256];
  Arena arena{std::span<std::byte>(buf)};
  auto a = arena.allocate<std::int8_t>(3);
  ASSERT_TRUE(a);
  EXPECT_EQ(static_cast<void*>(*a), static_cast<void*>(buf));
  auto b = arena.allocate<std::int32_t>(4, 64);
  ASSERT_TRUE(b);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(*b) % 64, 0u);
  EXPECT_EQ(arena.used_bytes(), 64u + 16u);
}

TEST(Arena, ExhaustionChangesNothing) {
  alignas(64) std::byte buf[100];
  Arena arena{std::span<std::byte>(buf)};
  ASSERT_TRUE(arena.allocate<std::int8_t>(60));
  const std::size_t used = arena.used_bytes();
  auto r = arena.allocate<std::int32_t>(11);
  EXPECT_FALSE(r);
  EXPECT_EQ(r.status(), Status::kOutOfMemory);
  EXPECT_EQ(arena.used_bytes(), used);
  EXPECT_EQ(arena.allocate<std::int8_t>(1, 3).status(), Status::kInvalidArgument);
  EXPECT_TRUE(arena.allocate<std::int32_t>(10));
}

TEST(Arena, MarkRewindAndViews) {
  alignas(64) std::byte buf[1024];
  Arena arena{std::span<std::byte>(buf)};
  const auto m = arena.mark();
  auto v = arena.allocate_view<std::int8_t>(Extents<4, 4, 8>{});
  ASSERT_TRUE(v);
  (*v)(3, 3, 7) = 5;
  EXPECT_EQ(arena.used_bytes(), 128u);
  arena.rewind(m);
  EXPECT_EQ(arena.used_bytes(), 0u);
  EXPECT_EQ(arena.high_water_bytes(), 128u);
}

}  // namespace
}  // namespace mote
