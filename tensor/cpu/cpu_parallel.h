// Work splitting for the cpu device (internal): f(begin, end) over [0, total) on the calling
// thread and up to cpu_threads() - 1 workers.
#pragma once
#include <algorithm>
#include <cstdint>
#include <exception>
#include <thread>
#include <vector>
#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

#include "tensor/cpu/cpu_device.h"

namespace tinypynq::cpu {

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
  std::vector<std::thread> workers;
  for (int64_t i = 1; i < parts; ++i)
    workers.emplace_back([&, i] {
#if defined(__SSE2__)
      _mm_setcsr(csr);
#endif
      try {
        f(i * per, std::min(total, (i + 1) * per));
      } catch (...) {
        err[i] = std::current_exception();
      }
    });
  try {
    f(int64_t{0}, per);
  } catch (...) {
    err[0] = std::current_exception();
  }
  for (auto& w : workers) w.join();
  for (auto& e : err)
    if (e) std::rethrow_exception(e);
}

constexpr int64_t kMinPerThread = 32768;  // elements: below this a thread costs more than it saves

}  // namespace tinypynq::cpu
