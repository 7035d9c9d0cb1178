// PlExec's lazy cache maintenance (cache.h): the tracker's verdicts carried out through the
// driver and charged to ps_cache. Kept apart from pl_exec.cpp (the command sequence).
#include "runtime/pynq/pl_exec.h"

namespace tinypynq::pynq {

void PlExec::apply(const DdrBlock& b, const CacheOps& o) {
  // The tracker's ranges lie within the block's lines (blocks are whole lines, cache.h).
  for (const Range& r : o.clean) drv_.flush(b.mem, r.lo - b.mem.phys, r.bytes());
  for (const Range& r : o.invalidate) drv_.invalidate(b.mem, r.lo - b.mem.phys, r.bytes());
}

void PlExec::cache_step(const DdrBlock& b, const CacheOps& o, const char* what) {
  if (o.clean.empty() && o.invalidate.empty()) return;
  const double t0 = drv_.now();
  timed(Phase::kPsCache, [&] { apply(b, o); });
  if (!sink_) return;
  PynqEvent e;
  e.track = Track::kPs;
  e.cat = phase_name(Phase::kPsCache);
  e.name = what;
  e.t_start = t0, e.t_end = drv_.now();
  e.num("clean_bytes", static_cast<double>(o.clean_bytes()));
  e.num("inval_bytes", static_cast<double>(o.invalidate_bytes()));
  sink_->on_event(std::move(e));
}

void PlExec::cpu_reads(const Stream& s) {
  if (queued() && s.blk && s.bytes) wait_range(s, false);  // the queued entries that write it first (step 4)
  if (s.blk && s.bytes) cache_step(*s.blk, cache_.cpu_reads(s.phys(), s.bytes), "invalidate");
}
void PlExec::cpu_writes(const Stream& s) {
  if (queued() && s.blk && s.bytes) wait_range(s, true);  // the queued entries that read or write it first
  if (s.blk && s.bytes) cache_step(*s.blk, cache_.cpu_writes(s.phys(), s.bytes), "invalidate edges");
}

}  // namespace tinypynq::pynq
