// How kernels run in parallel without owning threads: they split their work into `n` tasks and
// hand them to a ParallelFor, which the caller supplies (its own runtime's pool, mote's
// ThreadPool, or SingleThread, the default). Each task writes a disjoint part of the output
// and computes it the same way whichever thread runs it, so results do not depend on the
// thread count.
#pragma once

#include <concepts>
#include <cstddef>
#include <type_traits>

namespace mote {

// A non-owning reference to a callable void(std::size_t begin, std::size_t end), cheap to copy
// across a thread-pool boundary (no allocation).
class TaskRef {
 public:
  template <typename F>
  requires(!std::same_as<std::remove_cvref_t<F>, TaskRef> &&
           std::invocable<const F&, std::size_t, std::size_t>)
      TaskRef(const F& f)  // NOLINT: implicit, like std::function_ref
      : object_(&f), call_([](const void* o, std::size_t begin, std::size_t end) {
          (*static_cast<const F*>(o))(begin, end);
        }) {}

  void operator()(std::size_t begin, std::size_t end) const { call_(object_, begin, end); }

 private:
  const void* object_;
  void (*call_)(const void*, std::size_t, std::size_t);
};

// parallel_for(n, task) calls task(begin, end) on disjoint ranges covering [0, n), possibly
// concurrently, and returns when all have finished. threads() is how many may run at once.
template <typename P>
concept ParallelFor = requires(P& p, std::size_t n, TaskRef task) {
  p.parallel_for(n, task);
  { p.threads() } -> std::convertible_to<std::size_t>;
};

// Everything on the calling thread, in one call.
struct SingleThread {
  void parallel_for(std::size_t n, TaskRef task) const {
    if (n > 0) task(0, n);
  }
  static constexpr std::size_t threads() { return 1; }
};

static_assert(ParallelFor<SingleThread>);

// A non-owning, type-erased ParallelFor, so that a run-time choice of pool crosses
// non-template boundaries (a composed network's layers) without templates on every call.
class ParallelRef {
 public:
  template <ParallelFor P>
  requires(!std::same_as<std::remove_cvref_t<P>, ParallelRef>)
      ParallelRef(P& pool)  // NOLINT: implicit, like a reference
      : pool_(&pool),
        run_([](void* p, std::size_t n, TaskRef task) {
          static_cast<P*>(p)->parallel_for(n, task);
        }),
        threads_(pool.threads()) {}

  void parallel_for(std::size_t n, TaskRef task) const { run_(pool_, n, task); }
  std::size_t threads() const { return threads_; }

 private:
  void* pool_;
  void (*run_)(void*, std::size_t, TaskRef);
  std::size_t threads_;
};

static_assert(ParallelFor<ParallelRef>);

}  // namespace mote
