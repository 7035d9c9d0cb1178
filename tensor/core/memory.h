// Host memory limits: a buffer larger than the machine's physical memory is refused with a
// clear message before anything is allocated or written (it would otherwise fail late, swap
// the machine to a halt, or be killed by the OOM killer halfway through a run).
//   check_host_alloc(bytes, "cpu: a float32 buffer of 1e9 elements");
#pragma once
#include <unistd.h>

#include <cstdint>

#include "base/check.h"

namespace tinypynq {

// Physical memory in bytes (POSIX sysconf: Linux and macOS); 0 when unknown.
inline uint64_t host_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) : 0;
}

inline void check_host_alloc(uint64_t bytes, const char* what) {
  static const uint64_t total = host_memory_bytes();
  TP_CHECK(total == 0 || bytes <= total, what, " needs ", bytes / 1e9, " GB, more than this machine's memory (",
           total / 1e9, " GB)");
}

}  // namespace tinypynq
