// Work splitting for the cpu device (internal): f(begin, end) over [0, total) on the calling
// thread and up to cpu_threads() - 1 workers.
#pragma once
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <cstdint>
#include <exception>
#include <thread>
#include <vector>
#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

#include "tensor/cpu/cpu_device.h"

namespace tinypynq::cpu {

// A persistent pool of worker threads: a thread start per kernel (about 30 us) costs more than
// the MLP's small kernels save. Workers spin briefly on a job counter, then sleep; one job at a
// time (a nested or concurrent call runs inline, which gives the same values: every output is
// computed by one thread whatever the split).
class WorkerPool {
 public:
  static WorkerPool& get() {
    static WorkerPool* p = new WorkerPool();  // never destroyed: workers may outlive main's statics
    return *p;
  }
  // Runs job(i) for i in [1, parts) on workers and job(0) on the caller; false if busy.
  bool run(int parts, const std::function<void(int)>& job) {
    bool expect = false;
    if (!busy_.compare_exchange_strong(expect, true)) return false;
    {
      std::lock_guard<std::mutex> g(mu_);
      while (static_cast<int>(workers_.size()) < parts - 1) {
        const int id = static_cast<int>(workers_.size()) + 1;
        workers_.emplace_back([this, id] { loop(id); });
        workers_.back().detach();
      }
      job_ = &job;
      parts_ = parts;
      pending_.store(parts - 1);
      gen_.fetch_add(1);
    }
    cv_.notify_all();
    job(0);
    while (pending_.load() != 0) {
#if defined(__SSE2__)
      _mm_pause();
#endif
    }
    busy_.store(false);
    return true;
  }

 private:
  void loop(int id) {
    uint64_t seen = 0;
    for (;;) {
      uint64_t g = gen_.load();
      for (int spin = 0; g == seen && spin < 20000; ++spin) {
#if defined(__SSE2__)
        _mm_pause();
#endif
        g = gen_.load();
      }
      const std::function<void(int)>* job;
      int parts;
      {
        // The job's fields are read with its generation under the lock that published them.
        std::unique_lock<std::mutex> lk(mu_);
        if (g == seen) cv_.wait(lk, [&] { return gen_.load() != seen; });
        seen = gen_.load(), job = job_, parts = parts_;
      }
      if (id < parts) {
        (*job)(id);
        pending_.fetch_sub(1);
      }
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::thread> workers_;
  std::atomic<uint64_t> gen_{0};
  std::atomic<int> pending_{0};
  std::atomic<bool> busy_{false};
  const std::function<void(int)>* job_ = nullptr;
  int parts_ = 0;
};

// Up to cpu_threads() chunks of at least min_per items. Workers take the caller's
// floating-point mode (MXCSR: the pynq fallback runs cpu kernels with DAZ/FTZ set) so that
// every chunk rounds alike.
template <typename F>
void parallel_chunks(int64_t total, int64_t min_per, F f) {
  const int64_t parts = std::min<int64_t>(cpu_threads(), total / std::max<int64_t>(min_per, 1));
  if (parts <= 1) return f(int64_t{0}, total);
  const int64_t per = (total + parts - 1) / parts;
#if defined(__SSE2__)
  const unsigned csr = _mm_getcsr();
#endif
  std::vector<std::exception_ptr> err(parts);
  const std::function<void(int)> job = [&](int i) {
#if defined(__SSE2__)
    const unsigned old = _mm_getcsr();
    if (i > 0) _mm_setcsr(csr);
#endif
    try {
      f(i * per, std::min(total, (i + 1) * per));
    } catch (...) {
      err[i] = std::current_exception();
    }
#if defined(__SSE2__)
    if (i > 0) _mm_setcsr(old);
#endif
  };
  if (!WorkerPool::get().run(static_cast<int>(parts), job))
    for (int64_t i = 0; i < parts; ++i) job(static_cast<int>(i));
  for (auto& e : err)
    if (e) std::rethrow_exception(e);
}

constexpr int64_t kMinPerThread = 32768;  // elements: below this a thread costs more than it saves

}  // namespace tinypynq::cpu
