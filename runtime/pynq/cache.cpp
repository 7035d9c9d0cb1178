// The rules of docs/pynq-runtime.md "Cache maintenance" (ARMv7 DMA to a non-coherent port).
#include "runtime/pynq/cache.h"

#include <algorithm>

#include "base/check.h"

namespace tinypynq::pynq {

std::vector<Range>::iterator RangeSet::upper(uint64_t lo) {
  return std::upper_bound(m_.begin(), m_.end(), lo, [](uint64_t v, const Range& e) { return v < e.lo; });
}

void RangeSet::add(Range r) {
  if (r.lo >= r.hi) return;
  auto it = upper(r.lo);
  auto first = it;  // the ranges [first, it) are absorbed into r
  if (it != m_.begin() && std::prev(it)->hi >= r.lo) {  // touches or overlaps the range before
    first = std::prev(it);
    r.lo = first->lo;
    r.hi = std::max(r.hi, first->hi);
  }
  while (it != m_.end() && it->lo <= r.hi) {  // absorb the ranges it reaches
    r.hi = std::max(r.hi, it->hi);
    ++it;
  }
  if (first == it) {
    m_.insert(first, r);
  } else {
    *first = r;
    m_.erase(first + 1, it);
  }
}

void RangeSet::remove(Range r) {
  if (r.lo >= r.hi) return;
  auto it = upper(r.lo);
  if (it != m_.begin()) --it;
  if (it != m_.end() && it->hi <= r.lo) ++it;  // ends before r
  // [it, end) are the ranges that overlap r: keep their parts outside it.
  auto end = it;
  while (end != m_.end() && end->lo < r.hi) ++end;
  if (it == end) return;
  const Range head{it->lo, r.lo}, tail{r.hi, std::prev(end)->hi};
  const bool keep_head = head.lo < head.hi, keep_tail = tail.lo < tail.hi;
  auto pos = m_.erase(it, end);
  if (keep_tail) pos = m_.insert(pos, tail);
  if (keep_head) m_.insert(pos, head);
}

std::vector<Range> RangeSet::overlap(Range r) const {
  std::vector<Range> out;
  if (r.lo >= r.hi) return out;
  auto it = std::upper_bound(m_.begin(), m_.end(), r.lo, [](uint64_t v, const Range& e) { return v < e.lo; });
  if (it != m_.begin()) --it;
  for (; it != m_.end() && it->lo < r.hi; ++it) {
    const uint64_t lo = std::max(it->lo, r.lo), hi = std::min(it->hi, r.hi);
    if (lo < hi) out.push_back({lo, hi});
  }
  return out;
}

std::vector<Range> RangeSet::ranges() const { return m_; }

uint64_t RangeSet::bytes() const {
  uint64_t n = 0;
  for (const Range& e : m_) n += e.bytes();
  return n;
}

namespace {
uint64_t total(const std::vector<Range>& v) {
  uint64_t n = 0;
  for (const Range& r : v) n += r.bytes();
  return n;
}
}  // namespace

uint64_t CacheOps::clean_bytes() const { return total(clean); }
uint64_t CacheOps::invalidate_bytes() const { return total(invalidate); }

CacheTracker::CacheTracker(uint32_t line_bytes) : line_(line_bytes) {
  TP_CHECK(line_ >= 4 && (line_ & (line_ - 1)) == 0, "cache: line size ", line_, " must be a power of two >= 4");
}

Range CacheTracker::lines(uint64_t addr, uint64_t bytes) const {
  const uint64_t m = line_ - 1;
  return {addr & ~m, (addr + bytes + m) & ~m};
}

// The device reads DDR: what the CPU holds dirty there must reach DDR first (clean). The lines
// stay valid and clean in the cache, so nothing else changes.
CacheOps CacheTracker::pl_reads(uint64_t addr, uint64_t bytes) {
  CacheOps o;
  if (!bytes) return o;
  const Range e = lines(addr, bytes);
  o.clean = cpu_dirty_.overlap(e);
  cpu_dirty_.remove(e);
  return o;
}

// The device writes DDR. A dirty line there would later be evicted over the device's data, so
// it must leave the cache before the transfer: a line the write covers completely is discarded
// (invalidated: its bytes are about to be overwritten), a line it covers only in part (the
// edges) is cleaned so the CPU's bytes beside the write reach DDR first. Every line touched is
// then PL-written: the cache may hold a stale copy (clean lines, or a speculative refill during
// the transfer), invalidated lazily when the CPU next reads or writes it.
CacheOps CacheTracker::pl_writes(uint64_t addr, uint64_t bytes) {
  CacheOps o;
  if (!bytes) return o;
  const Range e = lines(addr, bytes);
  const uint64_t m = line_ - 1;
  const uint64_t full_lo = (addr + m) & ~m, full_hi = (addr + bytes) & ~m;  // lines covered completely
  for (const Range& d : cpu_dirty_.overlap(e)) {
    const uint64_t lo = std::max(d.lo, full_lo), hi = std::min(d.hi, full_hi);
    if (lo >= hi) {
      o.clean.push_back(d);
      continue;
    }
    if (d.lo < lo) o.clean.push_back({d.lo, lo});
    o.invalidate.push_back({lo, hi});
    if (hi < d.hi) o.clean.push_back({hi, d.hi});
  }
  std::sort(o.clean.begin(), o.clean.end(), [](const Range& a, const Range& b) { return a.lo < b.lo; });
  cpu_dirty_.remove(e);
  pl_written_.add(e);
  return o;
}

// The CPU reads: any line the device wrote since the CPU last looked may be stale in the cache
// (or be refilled from a speculative fetch made during the transfer): invalidate it, now that
// the transfer is over. It is then coherent until the device writes it again.
CacheOps CacheTracker::cpu_reads(uint64_t addr, uint64_t bytes) {
  CacheOps o;
  if (!bytes) return o;
  const Range e = lines(addr, bytes);
  o.invalidate = pl_written_.overlap(e);
  pl_written_.remove(e);
  return o;
}

// The CPU writes: a PL-written line it only partly overwrites must be invalidated first, or the
// write would merge into a stale cached copy whose write-back loses the device's other bytes.
// Lines it overwrites completely need nothing. Every line touched becomes CPU-dirty.
CacheOps CacheTracker::cpu_writes(uint64_t addr, uint64_t bytes) {
  CacheOps o;
  if (!bytes) return o;
  const Range e = lines(addr, bytes);
  auto partial = [&](uint64_t lo) { return addr > lo || addr + bytes < lo + line_; };
  const uint64_t first = e.lo, last = e.hi - line_;
  if (partial(first)) o.invalidate = pl_written_.overlap({first, first + line_});
  if (last != first && partial(last))
    for (const Range& r : pl_written_.overlap({last, last + line_})) o.invalidate.push_back(r);
  pl_written_.remove(e);
  cpu_dirty_.add(e);
  return o;
}

}  // namespace tinypynq::pynq
