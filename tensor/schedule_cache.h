// Internal to the scheduler (schedule.cpp, schedule_cache.cpp): the pieces the schedule cache
// shares with the uncached path. Not a public header.
//
//   if (!realize_cached(targets)) run(schedule(targets));
#pragma once
#include <vector>

#include "tensor/schedule.h"

namespace tinypynq {

// schedule(), also returning for every kernel node the lazy buffer it was made from.
Schedule schedule_graph(const std::vector<LB>& targets, std::vector<std::vector<const LazyBuffer*>>* node_bases);
// Allocates k's output if it has no memory yet, runs k, and makes its output root's buffer.
void run_scheduled_kernel(Kernel& k, LazyBuffer* root);
// Counts a finished realize (stats, TINYPYNQ_DEBUG=1 line).
void finish_schedule(int kernels);
// Realizes the targets from the schedule cache (building and caching the schedule on a miss).
// False when the cache is off (the caller schedules as usual).
bool realize_cached(const std::vector<LB>& targets);

}  // namespace tinypynq
