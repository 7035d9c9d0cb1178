// The PS (Cortex-A9) cost model: how long the A9 takes for the work the runtime does itself
// (fallback ops, packing, copies) and for a whole kernel when there is no PL at all (the
// "A9-only" estimate the prediction is compared against). Parameters come from BoardConfig
// (docs/board-config.md cites each one).
//
//   PsCost c(cfg);
//   double s = c.kernel_seconds(k);          // one kernel on the A9 with NEON
//   double t = c.copy_seconds(4 * n);        // a packing/gather pass over n floats
#pragma once
#include <cstddef>

#include "base/board_config.h"
#include "tensor/kernel.h"

namespace tinypynq::pynq {

class PsCost {
 public:
  explicit PsCost(const BoardConfig& cfg) : c_(cfg) {}
  // A kernel computed on the A9: max(compute, memory) (a roofline with NEON peak and the
  // sustained DDR streaming rate); transcendental ops cost a fixed number of cycles/element.
  double kernel_seconds(const Kernel& k) const;
  double copy_seconds(size_t bytes) const { return bytes / c_.a9_memcpy_bytes_per_s; }
  double flush_seconds(size_t bytes) const { return bytes / c_.cache_flush_bytes_per_s; }
  double invalidate_seconds(size_t bytes) const { return bytes / c_.cache_invalidate_bytes_per_s; }
  const BoardConfig& config() const { return c_; }

 private:
  BoardConfig c_;
};

}  // namespace tinypynq::pynq
