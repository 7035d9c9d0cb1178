// SPDX-License-Identifier: MIT
// The command queue co-simulation's cases and reference (cosim/cq_bench.h): what a random ring
// holds (entries, their register writes, the timing of the HP port, VW and the PS's doorbells),
// and what the spec's timing recurrences (docs/pl-v2.md "v2 step 4") say the RTL must do with it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "hw/tp_contract.h"

namespace tinypynq::cosim::cqbench {

namespace cq = tinypynq::hw::cq;
namespace lim = tinypynq::hw::limits;
namespace win = tinypynq::hw::win;
namespace unit = tinypynq::hw::unit;
namespace vw = tinypynq::hw::vw;

inline constexpr uint64_t kMem = 4u << 20;  // the part of DDR the rings live in
inline constexpr uint64_t kNever = ~0ull;

struct Ev {  // one access seen on a bus
  uint64_t cycle;
  uint32_t addr;
  uint64_t data;
  bool operator==(const Ev& o) const { return cycle == o.cycle && addr == o.addr && data == o.data; }
};
inline std::string str(const Ev& e) {
  std::ostringstream s;
  s << "cycle " << e.cycle << " addr 0x" << std::hex << e.addr << " data 0x" << e.data;
  return s.str();
}

// One entry of a case: what the PS writes and how the blocks answer.
struct Entry {
  uint32_t nw = 1;  // HEADER.NWRITES as written (0 or 255: BAD_ENTRY)
  uint32_t unit_id = 0;
  bool irq = false;
  std::vector<std::pair<uint32_t, uint32_t>> w;
  bool fetch_err = false;     // the port answers SLVERR
  bool unit_err = false;      // the unit rejects START (UNIT)
  bool cmd_err_unit = false;  // the command ends with the unit's STATUS.ERR (COMMAND)
  bool cmd_err_vw = false;    // ... with VW's STATUS.ERR
  uint32_t vw_delay = 0;      // d_e - (u_e + 2)
  uint32_t cycles = 0;        // the unit's CYCLES_LO
  uint32_t lat = 11, cpb = 1; // the port's answer for this entry's fetch
  uint32_t ust_final() const {
    return cmd_err_unit ? (unit::STATUS_ERR.mask | unit::STATUS_ERR_CODE.put(4))
                        : (unit::STATUS_DONE.mask | (cycles & 1 ? unit::STATUS_W_RANGE.mask : 0));
  }
  uint32_t vws() const { return cmd_err_vw ? (vw::STATUS_ERR.mask | vw::STATUS_ERR_CODE.put(9)) : vw::STATUS_DONE.mask; }
  uint32_t header() const {
    return cq::HEADER_NWRITES.put(nw) | cq::HEADER_UNIT.put(unit_id) | (irq ? cq::HEADER_IRQ.mask : 0);
  }
};
uint32_t unit_base(uint32_t id) { return id == 1 ? win::RED_BASE : id == 2 ? win::MMU_BASE : win::VEC_BASE; }

struct Case {
  uint32_t ring_base = 0, slots = 8, wait = 1, ctrl = 1, lat_w = 8;
  std::vector<Entry> e;
  std::vector<uint32_t> chunks;     // entries per doorbell
  std::vector<uint32_t> gaps;       // cycles the PS waits before each doorbell
  bool bp = false;                  // back-pressure on every channel: compare values, not cycles
  uint64_t reset_at = kNever;       // aresetn in this cycle (entries in flight)
  int bad_ring = 0;                 // 1: a misaligned ring at ENABLE, 2: TAIL >= RING_SLOTS
};

// ---- the reference: the spec's recurrences -------------------------------------------------
struct Expect {
  std::vector<Ev> writes, reads, records;
  std::vector<uint64_t> completion;   // the cycle COMPLETED shows each entry (good entries)
  std::vector<uint64_t> batch;        // BATCH sets
  uint64_t err_at = kNever;
  uint32_t err_code = 0, err_index = 0, err_info = 0;
};
// avail[n]: the cycle entry n became available (its doorbell's handshake); ~0: never.
inline Expect reference(const Case& c, const std::vector<uint64_t>& avail, uint64_t enable_at) {
  Expect x;
  uint64_t prev_s = 0, prev_end = 0;
  bool have = false;
  for (size_t n = 0; n < c.e.size() && n < avail.size() && avail[n] != kNever; ++n) {
    const Entry& e = c.e[n];
    const uint32_t slot = static_cast<uint32_t>(n & (c.slots - 1));
    const uint64_t f = std::max({avail[n], enable_at, have ? prev_s : 0});
    const uint64_t h = f + e.lat + 16 * e.cpb;
    const uint64_t beats = 2 + std::min<uint32_t>(e.nw, lim::CQ_MAX_WRITES);
    const uint64_t r = beats > 16 ? h + 1 + e.lat + (beats - 16) * e.cpb : h;
    const uint64_t s = std::max(r, have ? prev_end + 1 : 0);
    prev_s = s, have = true;
    auto fail = [&](uint32_t code, uint32_t info, uint64_t at) {
      x.err_at = at, x.err_code = code, x.err_index = slot, x.err_info = info;
    };
    if (e.fetch_err) return fail(cq::ERR_FETCH, 0, s + 1), x;
    if (e.nw == 0 || e.nw > lim::CQ_MAX_WRITES || e.unit_id >= 3) return fail(cq::ERR_BAD_ENTRY, e.header(), s + 1), x;
    bool bad = false;
    for (uint32_t i = 0; i < e.nw && !bad; ++i) {
      const uint64_t ci = s + 1 + 2 * i;
      const uint32_t a = e.w[i].first;
      const bool ok = a % 4 == 0 && ((a >= win::VR_BASE && a < win::VR_BASE + win::VR_SIZE) ||
                                     (a >= win::VW_BASE && a < win::VW_BASE + win::VW_SIZE) ||
                                     (a >= win::VEC_BASE && a < win::MMU_BASE + win::MMU_SIZE));
      if (!ok) fail(cq::ERR_BAD_ADDR, i, ci), bad = true;
      else x.writes.push_back({ci, a, e.w[i].second});
    }
    if (bad) return x;
    const uint32_t ub = unit_base(e.unit_id);
    const uint64_t u = s + 1 + 2 * e.nw;
    x.reads.push_back({u, ub + unit::STATUS, 0});
    if (e.unit_err) return fail(cq::ERR_UNIT, unit::STATUS_ERR.mask | unit::STATUS_ERR_CODE.put(1), u + 2), x;
    const uint64_t d = u + 2 + e.vw_delay;
    x.reads.push_back({d + 2, ub + unit::STATUS, 0});
    x.reads.push_back({d + 4, ub + unit::CYCLES_LO, 0});
    const bool cmd_err = e.cmd_err_unit || e.cmd_err_vw;
    if (!cmd_err) {
      x.writes.push_back({d + 6, ub + unit::STATUS, unit::STATUS_DONE.mask | unit::STATUS_W_RANGE.mask | unit::STATUS_W_TLAST.mask});
      x.writes.push_back({d + 8, win::VW_BASE + vw::STATUS, vw::STATUS_DONE.mask | vw::STATUS_ERR.mask});
    }
    const uint64_t end = d + 8;
    prev_end = end;
    const uint32_t result = cq::RESULT_UNIT_STATUS.put(e.ust_final()) | cq::RESULT_VW_STATUS.put(e.vws()) | cq::RESULT_VALID.mask;
    x.records.push_back({end + 1, static_cast<uint32_t>(c.ring_base + slot * lim::CQ_SLOT_BYTES + 8), (uint64_t{e.cycles} << 32) | result});
    const uint64_t b = end + 2 + c.lat_w;
    if (cmd_err) return fail(cq::ERR_COMMAND, result, b + 1), x;
    x.completion.push_back(b + 1);
    if (e.irq) x.batch.push_back(b + 1);
  }
  return x;
}

// ---- the bench --------------------------------------------------------------------------

inline uint32_t rand_writable(std::mt19937& g) {
  const uint32_t bases[] = {win::VR_BASE, win::VW_BASE, win::VEC_BASE, win::RED_BASE, win::MMU_BASE};
  const uint32_t sizes[] = {win::VR_SIZE, win::VW_SIZE, win::VEC_SIZE, win::RED_SIZE, win::MMU_SIZE};
  const unsigned k = g() % 5;
  return bases[k] + (g() % sizes[k]) / 4 * 4;
}

inline Case make_case(std::mt19937& g, unsigned idx) {
  Case c;
  const uint32_t slot_choices[] = {2, 4, 8, 16, 256};
  c.slots = slot_choices[g() % 5];
  c.ring_base = (g() % ((kMem - c.slots * lim::CQ_SLOT_BYTES) / lim::CQ_SLOT_BYTES)) * lim::CQ_SLOT_BYTES;
  c.lat_w = 1 + g() % 30;
  const unsigned n = 1 + g() % 12;
  const bool with_err = g() % 3 == 0;
  const unsigned err_at = g() % n;
  for (unsigned i = 0; i < n; ++i) {
    Entry e;
    const unsigned k = g() % 10;
    e.nw = k < 5 ? 1 + g() % 30 : k < 7 ? 13 + g() % 4 : k < 9 ? 30 + g() % 100 : 200 + g() % 55;  // 14: B = 16
    e.unit_id = g() % 3;
    e.irq = g() % 4 == 0;
    e.vw_delay = g() % 4 == 0 ? 0 : g() % 60;
    e.cycles = g();
    if (g() % 3 == 0) e.lat = 11, e.cpb = 1;
    else e.lat = 1 + g() % 48, e.cpb = 1 + g() % 4;
    for (uint32_t j = 0; j < e.nw; ++j) e.w.push_back({rand_writable(g), static_cast<uint32_t>(g())});
    if (with_err && i == err_at) {
      switch (g() % 8) {
        case 0: e.nw = 0, e.w.clear(); break;                 // BAD_ENTRY
        case 1: e.nw = 255, e.w.resize(254, {win::VEC_BASE, 0}); break;  // BAD_ENTRY: > CQ_MAX_WRITES
        case 2: e.unit_id = 3; break;                          // BAD_ENTRY
        case 3: {                                              // BAD_ADDR: SYS, the CQ window, misaligned
          const uint32_t bad[] = {static_cast<uint32_t>(win::SYS_BASE + 4 * (g() % 64)), win::CQ_BASE + cq::TAIL, rand_writable(g) + 2};
          e.w[g() % e.nw].first = bad[g() % 3];
          break;
        }
        case 4: e.fetch_err = true; break;
        case 5: e.unit_err = true; break;
        case 6: e.cmd_err_unit = true; break;
        default: e.cmd_err_vw = true; break;
      }
    }
    c.e.push_back(e);
  }
  // doorbells: chunks of 1 .. slots - 1 entries, at random gaps
  for (unsigned left = n; left;) {
    const unsigned k = std::min<unsigned>(left, 1 + g() % std::min<unsigned>(c.slots - 1, 5));
    c.chunks.push_back(k), left -= k;
    c.gaps.push_back(g() % 3 == 0 ? 0 : g() % 400);
  }
  c.wait = g() % (n + 2);
  c.ctrl = cq::CTRL_ENABLE.mask | (g() % 2 ? cq::CTRL_IRQ_EN.mask : 0) | (g() % 2 ? cq::CTRL_REACHED_EN.mask : 0);
  if (idx % 10 == 7) c.bp = true;
  if (idx % 10 == 3) c.reset_at = 1;  // set relative below
  if (idx % 25 == 11) c.bad_ring = 1 + g() % 2;
  return c;
}

}  // namespace tinypynq::cosim::cqbench
