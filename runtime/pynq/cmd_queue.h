// The PS half of the v2 command queue (docs/pl-v2.md "v2 step 4") as data, without a driver:
// a queued entry (the register writes of one PL command, what it reads and writes in DDR, the
// earlier entries it depends on), its encoding into a ring slot (hw/pl_contract.json block
// cmd_queue), and the dependency tracker that says which entry a PS step must wait for.
//
//   QueueEntry e;  e.seq = 7;  e.unit = 0;  e.writes = {{0x40071008, base}, ...};
//   e.reads = {{lo, hi}};  e.write = {olo, ohi};
//   DepTracker deps;  e.after = deps.deps_of(e);  deps.add(e);
//   std::vector<uint32_t> words = encode(e);            // into slot e.seq % RING_SLOTS
//   int64_t n = deps.before_cpu_read(lo, bytes);        // >= 0: wait for entry n first
//   std::cout << e.str();                               // printed by TINYPYNQ_DEBUG=4
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "runtime/pynq/cache.h"

namespace tinypynq::pynq {

struct QueueEntry {
  uint64_t seq = 0;       // the PS's count of entries (the PL's COMPLETED counts the same since a reset)
  unsigned unit = 0;      // hw::Unit id
  bool irq = false;       // HEADER.IRQ: STATUS.BATCH when it completes
  std::vector<std::pair<uint32_t, uint32_t>> writes;  // (GP0 address, value) in order
  std::vector<Range> reads;  // DDR bytes the readers may touch (footprints)
  Range write;               // DDR bytes VW may write
  std::vector<uint64_t> after;  // earlier entries it depends on through DDR (RAW, WAR, WAW); the PL's
                                // in-order execution honours them, the list says why an order matters
  std::string kernel;
  std::string str() const;  // one line: "cq #7 vector 30 writes reads [..] writes [..] after #5 #6 (kernel)"
};

// The slot's words (CQ_HEADER_WORDS then the pairs): HEADER, TAG = seq, RESULT = 0, CYCLES = 0.
std::vector<uint32_t> encode(const QueueEntry& e);

// Per pending entry, the ranges it reads and writes; a PS step waits for the last entry whose
// write overlaps what it reads (read after a PL write) or whose read or write overlaps what it
// writes (write after a PL read or write).
class DepTracker {
 public:
  void add(const QueueEntry& e);
  std::vector<uint64_t> deps_of(const QueueEntry& e) const;
  int64_t before_cpu_read(uint64_t lo, uint64_t bytes) const;   // -1: nothing to wait for
  int64_t before_cpu_write(uint64_t lo, uint64_t bytes) const;
  void retire(uint64_t done);  // entries < done completed
  void clear() { recs_.clear(); }
  size_t size() const { return recs_.size(); }

 private:
  struct Rec { uint64_t seq; Range r; bool write; };
  int64_t last_overlap(const Range& r, bool writes_only) const;
  std::deque<Rec> recs_;  // in seq order
};

}  // namespace tinypynq::pynq
