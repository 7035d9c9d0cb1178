// The scheduler turns the lazy graph under some targets into kernels (one per realized base):
// chains of elementwise ops fuse, and fuse into a following reduce; at most one reduce per
// kernel. A base becomes its own kernel when it is a target, a reduce, a contiguous copy, read
// by more than one other base, or read through a padded (masked) view or a stack of views.
//
//   Schedule s = schedule({loss.lazy()});   // a value: inspect, print, compare; nothing runs
//   std::puts(s.to_string().c_str());
//   run(std::move(s));                        // allocates the outputs and runs the kernels
//   realize({loss.lazy()});                   // the same as the two lines above (cached)
//   stats().kernels_run                       // kernels executed so far
//
// realize() keeps the schedules it built, keyed on the graph's structure (ops, dtypes, views,
// which buffers are shared; not the data nor the constants' values), as tinygrad's JIT does:
// a training step that builds the same graph every iteration is scheduled once, later steps
// only bind their buffers and constants to the cached kernels.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tensor/lazy.h"

namespace tinypynq {

struct Stats {
  int64_t kernels_run = 0;
  int64_t schedules = 0;    // realize() calls
  int64_t cache_hits = 0;   // realize() calls served by the schedule cache
};
Stats& stats();

// One kernel of a schedule and the lazy buffer it realizes. Until run() the output buffer
// (kernel.bufs[0], and wherever a later kernel reads it) has no memory: run() allocates it right
// before the kernel runs, so buffers freed by earlier kernels are reused as they were before.
struct ScheduleItem {
  Kernel kernel;
  LB out;
};

class Schedule {
 public:
  std::vector<ScheduleItem> items;

  size_t size() const { return items.size(); }
  bool empty() const { return items.empty(); }
  const Kernel& operator[](size_t i) const { return items[i].kernel; }
  // Every kernel's dump (Kernel::str) with its buffers named b0, b1, ... in order of first use.
  std::string to_string() const;
  // Equal when both run the same kernels (nodes, views, constants, shapes) on the same pattern
  // of buffers (which kernel reads which earlier output or input, dtypes and sizes), wherever
  // those buffers live.
  bool operator==(const Schedule& o) const;
  bool operator!=(const Schedule& o) const { return !(*this == o); }
};

// The kernels that realize the targets' bases, in an order that runs each after its inputs.
Schedule schedule(const std::vector<LB>& targets);
// Runs a schedule: each kernel on its device, then its output becomes its lazy buffer's
// realized buffer (and the graph above it is dropped). A schedule runs once: kernels whose
// output is already realized are skipped.
void run(Schedule s);

// The schedule cache of realize() (on by default; TINYPYNQ_SCHEDULE_CACHE=0 turns it off).
void set_schedule_cache(bool on);
bool schedule_cache_enabled();
void clear_schedule_cache();

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
