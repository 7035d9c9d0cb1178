// Lazy D-cache maintenance for the non-coherent HP ports (docs/pynq-runtime.md "Cache
// maintenance"). The tracker models what the A9's caches may hold, by physical address and at
// cache-line granularity, and says which lines to clean or invalidate before each access:
//
//   CacheTracker t(32);
//   t.cpu_writes(a, n);               // copyin: the lines become CPU-dirty, nothing to do yet
//   CacheOps o = t.pl_reads(a, n);    // o.clean = the dirty lines of [a, a+n): clean them now
//   o = t.pl_writes(r, m);            // dirty lines of the destination are cleaned/discarded
//   o = t.cpu_reads(r, m);            // o.invalidate = the PL-written lines: invalidate first
//
// State is kept by physical address, not per buffer, because the cache does not know about
// allocation: a freed buffer's dirty lines are still in the cache when its memory is reused.
#pragma once
#include <cstdint>
#include <vector>

namespace tinypynq::pynq {

// The A9's L1 D-cache and the PL310 L2 both use 32-byte lines (Cortex-A9 TRM r4p1 §6.1;
// PL310 TRM r3p3 §2.1; UG585 §3.2): maintenance by address works on whole lines.
constexpr uint32_t kCacheLineBytes = 32;

struct Range {  // [lo, hi) of physical addresses
  uint64_t lo = 0, hi = 0;
  uint64_t bytes() const { return hi - lo; }
  bool operator==(const Range& o) const { return lo == o.lo && hi == o.hi; }
};

// A set of disjoint, merged ranges.
class RangeSet {
 public:
  void add(Range r);
  void remove(Range r);
  std::vector<Range> overlap(Range r) const;  // the parts of the set inside r, ascending
  std::vector<Range> ranges() const;
  uint64_t bytes() const;
  bool empty() const { return m_.empty(); }

 private:
  // Sorted by lo, disjoint, merged. A flat vector: the sets stay small (a few hundred ranges),
  // and every command queries them several times, so binary search beats a tree of nodes.
  std::vector<Range> m_;
  std::vector<Range>::iterator upper(uint64_t lo);  // the first range with lo > `lo`
};

struct CacheOps {  // maintenance to do, by physical range (whole lines), in this order
  std::vector<Range> clean, invalidate;
  uint64_t clean_bytes() const;
  uint64_t invalidate_bytes() const;
};

class CacheTracker {
 public:
  explicit CacheTracker(uint32_t line_bytes = 32);
  // Each returns what must be done *before* the access [addr, addr + bytes) happens.
  CacheOps pl_reads(uint64_t addr, uint64_t bytes);
  CacheOps pl_writes(uint64_t addr, uint64_t bytes);
  CacheOps cpu_reads(uint64_t addr, uint64_t bytes);
  CacheOps cpu_writes(uint64_t addr, uint64_t bytes);

  const RangeSet& cpu_dirty() const { return cpu_dirty_; }    // CPU wrote, DDR may be stale
  const RangeSet& pl_written() const { return pl_written_; }  // PL wrote, the cache may be stale
  uint32_t line() const { return line_; }

 private:
  Range lines(uint64_t addr, uint64_t bytes) const;  // the whole lines covering the access
  uint32_t line_;
  RangeSet cpu_dirty_, pl_written_;  // disjoint, line-aligned
};

}  // namespace tinypynq::pynq
