// ParallelFor implementations: every index runs exactly once, on any thread count, repeatedly.
#include "mote/base/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "mote/base/thread_pool.h"

namespace mote {
namespace {

template <ParallelFor P>
void expect_each_index_once(P& pool, std::size_t n) {
  std::vector<std::atomic<int>> hits(n);
  pool.parallel_for(n, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) hits[i].fetch_add(1);
  });
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(hits[i].load(), 1) << i;
}

TEST(SingleThread, RunsEverything) {
  SingleThread s;
  expect_each_index_once(s, 0);
  expect_each_index_once(s, 1);
  expect_each_index_once(s, 37);
}

TEST(ThreadPool, EachIndexOnceOverManyCalls) {
  for (std::size_t threads : {1u, 2u, 3u, 8u}) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.threads(), threads);
    for (int round = 0; round < 200; ++round) {
      expect_each_index_once(pool, static_cast<std::size_t>(round % 17));
    }
    expect_each_index_once(pool, 10000);
  }
}

TEST(ParallelRef, ForwardsToThePool) {
  ThreadPool pool(3);
  ParallelRef ref(pool);
  EXPECT_EQ(ref.threads(), 3u);
  expect_each_index_once(ref, 1000);
  SingleThread single;
  ParallelRef ref1(single);
  EXPECT_EQ(ref1.threads(), 1u);
  expect_each_index_once(ref1, 5);
}

}  // namespace
}  // namespace mote
