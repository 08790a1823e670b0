// ThreadPool: a small std::thread pool satisfying ParallelFor, for users whose program has no
// runtime of its own. Threads are created once (the only allocation); parallel_for allocates
// nothing and the calling thread takes part in the work.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>
#include <vector>

#include "mote/base/parallel.h"

namespace mote {

class ThreadPool {
 public:
  // `threads` counts the caller: ThreadPool(1) starts no thread.
  explicit ThreadPool(std::size_t threads) {
    const std::size_t workers = threads > 1 ? threads - 1 : 0;
    workers_.reserve(workers);
    for (std::size_t i = 0; i < workers; ++i) workers_.emplace_back([this] { work_loop(); });
  }
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  ~ThreadPool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : workers_) t.join();
  }

  std::size_t threads() const { return workers_.size() + 1; }

  // One task index at a time from a shared counter, so uneven tasks balance themselves.
  // Calls from several threads at once are serialised.
  void parallel_for(std::size_t n, TaskRef task) {
    if (n == 0) return;
    if (workers_.empty() || n == 1) {
      task(0, n);
      return;
    }
    std::lock_guard<std::mutex> call_lock(call_mutex_);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      task_ = &task;
      size_ = n;
      next_.store(0, std::memory_order_relaxed);
      busy_ = workers_.size();
      ++generation_;
    }
    wake_.notify_all();
    drain(task, n);
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return busy_ == 0; });
    task_ = nullptr;
  }

 private:
  void drain(const TaskRef& task, std::size_t n) {
    for (std::size_t i = next_.fetch_add(1, std::memory_order_relaxed); i < n;
         i = next_.fetch_add(1, std::memory_order_relaxed)) {
      task(i, i + 1);
    }
  }

  void work_loop() {
    std::size_t seen = 0;
    for (;;) {
      const TaskRef* task;
      std::size_t n;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
        if (stopping_) return;
        seen = generation_;
        task = task_;
        n = size_;
      }
      drain(*task, n);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (--busy_ == 0) done_.notify_one();
      }
    }
  }

  std::vector<std::thread> workers_;
  std::mutex call_mutex_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  const TaskRef* task_ = nullptr;
  std::size_t size_ = 0;
  std::atomic<std::size_t> next_{0};
  std::size_t busy_ = 0;
  std::size_t generation_ = 0;
  bool stopping_ = false;
};

static_assert(ParallelFor<ThreadPool>);

}  // namespace mote
