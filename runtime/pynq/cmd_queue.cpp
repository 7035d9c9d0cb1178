#include "runtime/pynq/cmd_queue.h"

#include <algorithm>
#include <sstream>

#include "base/check.h"
#include "hw/tp_contract.h"

namespace tinypynq::pynq {

namespace {
bool overlap(const Range& a, const Range& b) { return a.lo < b.hi && b.lo < a.hi; }
std::string range_str(const Range& r) {
  std::ostringstream o;
  o << "0x" << std::hex << r.lo << "+" << std::dec << r.bytes();
  return o.str();
}
}  // namespace

std::string QueueEntry::str() const {
  std::ostringstream o;
  o << "cq #" << seq << " " << hw::kUnits[unit].name << " " << writes.size() << " writes reads [";
  for (size_t i = 0; i < reads.size(); ++i) o << (i ? " " : "") << range_str(reads[i]);
  o << "] writes [" << (write.bytes() ? range_str(write) : "") << "]";
  if (!after.empty()) {
    o << " after";
    for (uint64_t a : after) o << " #" << a;
  }
  if (irq) o << " irq";
  o << " (" << kernel << ")";
  return o.str();
}

std::vector<uint32_t> encode(const QueueEntry& e) {
  namespace cq = hw::cq;
  TP_CHECK(!e.writes.empty() && e.writes.size() <= hw::limits::CQ_MAX_WRITES, "pynq: command queue entry #", e.seq,
           " has ", e.writes.size(), " register writes; a slot holds 1 .. ", hw::limits::CQ_MAX_WRITES);
  TP_CHECK(e.unit < static_cast<unsigned>(hw::kNumUnits), "pynq: command queue entry #", e.seq, ": unit ", e.unit);
  std::vector<uint32_t> w(hw::limits::CQ_HEADER_WORDS + 2 * e.writes.size());
  w[0] = cq::HEADER_NWRITES.put(static_cast<uint32_t>(e.writes.size())) | cq::HEADER_UNIT.put(e.unit) |
         (e.irq ? cq::HEADER_IRQ.mask : 0);
  w[1] = static_cast<uint32_t>(e.seq);
  for (size_t i = 0; i < e.writes.size(); ++i) {
    w[hw::limits::CQ_HEADER_WORDS + 2 * i] = e.writes[i].first;
    w[hw::limits::CQ_HEADER_WORDS + 2 * i + 1] = e.writes[i].second;
  }
  return w;
}

void DepTracker::add(const QueueEntry& e) {
  for (const Range& r : e.reads)
    if (r.bytes()) recs_.push_back({e.seq, r, false});
  if (e.write.bytes()) recs_.push_back({e.seq, e.write, true});
}

int64_t DepTracker::last_overlap(const Range& r, bool writes_only) const {
  for (auto it = recs_.rbegin(); it != recs_.rend(); ++it)
    if ((it->write || !writes_only) && overlap(it->r, r)) return static_cast<int64_t>(it->seq);
  return -1;
}

std::vector<uint64_t> DepTracker::deps_of(const QueueEntry& e) const {
  std::vector<uint64_t> d;
  auto note = [&](int64_t s) {
    if (s >= 0 && std::find(d.begin(), d.end(), static_cast<uint64_t>(s)) == d.end()) d.push_back(static_cast<uint64_t>(s));
  };
  for (const Range& r : e.reads) note(last_overlap(r, true));  // RAW
  if (e.write.bytes()) note(last_overlap(e.write, false));     // WAR, WAW
  std::sort(d.begin(), d.end());
  return d;
}

int64_t DepTracker::before_cpu_read(uint64_t lo, uint64_t bytes) const {
  return bytes ? last_overlap(Range{lo, lo + bytes}, true) : -1;
}
int64_t DepTracker::before_cpu_write(uint64_t lo, uint64_t bytes) const {
  return bytes ? last_overlap(Range{lo, lo + bytes}, false) : -1;
}

void DepTracker::retire(uint64_t done) {
  recs_.erase(std::remove_if(recs_.begin(), recs_.end(), [done](const Rec& r) { return r.seq < done; }), recs_.end());
}

}  // namespace tinypynq::pynq
