// Internal to the pynq device: lower() (program.h) with memory. A training step schedules the
// same kernels every step; their programs depend only on the kernel's structure (nodes, views,
// constants, shapes, dtypes, which buffers alias) and the board config, never on tensor data or
// buffer addresses (a program names memory by kernel buffer index). So the program of a kernel
// seen before is reused instead of lowered again, as the schedule cache reuses schedules.
//
//   LowerCache cache(cfg);
//   const std::optional<Program>& p = cache.get(kernel);   // == lower(kernel, cfg)
//
// Kernels that differ only in their constants' values (Adam's bias corrections change every
// step) share one entry: it keeps the program of the latest constants, and other values are
// lowered again (cheap) instead of filling the cache with programs that never come back.
//
// TINYPYNQ_LOWER_CACHE=0 turns it off (every kernel is lowered); =check lowers every kernel
// anyway and throws when the cached program differs (a key that misses something lower() reads).
#pragma once
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "runtime/pynq/program.h"

namespace tinypynq::pynq {

class LowerCache {
 public:
  explicit LowerCache(const BoardConfig& cfg);
  // The program of k (nullopt: the PS runs it). The reference stays valid until the next get().
  const std::optional<Program>& get(const Kernel& k);
  int64_t hits() const { return hits_; }
  int64_t misses() const { return misses_; }

  // The structural key of a kernel and its constants' values (bits, in node order): together
  // everything lower() reads (exposed for the tests).
  static void key_of(const Kernel& k, std::vector<int64_t>& key, std::vector<int64_t>& consts);

 private:
  struct Entry {
    std::vector<int64_t> key, consts;
    std::optional<Program> program;
  };
  enum class Mode { kOff, kOn, kCheck };
  const BoardConfig& cfg_;
  Mode mode_;
  std::unordered_multimap<uint64_t, Entry> map_;
  std::vector<int64_t> key_, consts_;  // scratch: no allocation per kernel once warm
  std::optional<Program> uncached_;  // what get() returns when the cache is off
  int64_t hits_ = 0, misses_ = 0;
};

}  // namespace tinypynq::pynq
