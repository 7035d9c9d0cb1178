// The scheduler turns the lazy graph under some targets into kernels (one per realized base):
// chains of elementwise ops fuse, and fuse into a following reduce; at most one reduce per
// kernel. A base becomes its own kernel when it is a target, a reduce, a contiguous copy, read
// by more than one other base, or read through a padded (masked) view or a stack of views.
//
//   std::vector<Kernel> ks = schedule({loss});   // inspect without running
//   stats().kernels_run                            // kernels executed so far
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "tensor/lazy.h"

namespace tinypynq {

struct Stats {
  int64_t kernels_run = 0;
  int64_t schedules = 0;
};
Stats& stats();

// Debug level: 0 quiet, 1 kernel count per schedule, 2 one line per kernel (op, shape, time),
// 3 also each kernel's node list with its views, 4 also the PL program of each kernel a pynq
// device runs (runtime/pynq/program.h).
// Initialised from the environment variable TINYPYNQ_DEBUG.
int debug_level();
void set_debug_level(int level);

// Called after every kernel with its wall time; the profile and trace layers hook in here.
using KernelObserver = std::function<void(const Kernel&, double seconds)>;
void add_kernel_observer(KernelObserver obs);
void clear_kernel_observers();

}  // namespace tinypynq
