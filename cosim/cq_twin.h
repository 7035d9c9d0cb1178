// SPDX-License-Identifier: MIT
// tinypynq co-simulation — the RTL command queue on the rtl target (--rtl-queue, pl_version 2)
// and its TLM twin: the queue (rtl/cq, inside tinypynq_pl_top_v2_cq, the board's PL) fetches
// slots and writes records on HP3 through the bridges here; the TLM queue
// (models/tlm/cmd_queue_tlm.h) takes the same GP0 accesses (RtlPl's CQ window), and its
// sequencer's accesses on the register bus are the expectation:
//
//   CqTwin q(pins);  q.ask_port = [..](addr, t) { return HP3's answer for a fetch from t; };
//   the TLM sequencer's access in cycle t (RtlPl): q.expect({t, write, addr, data}); cycle t is
//   then clocked at once (the TLM side got the access before, as for GP0);
//   each cycle t: q.drive(t); eval; q.sample(t, ls);
//
// Checked, the first difference becoming a lockstep mismatch (Lockstep::reader_mismatch):
//  * every access of the RTL sequencer (cycle, read or write, address, data) = the TLM one's;
//  * every slot fetch (a burst at a slot's start: address, issue cycle) = the TLM queue's HP3
//    query for it. HP3's latency and rate for it are the port model's: the RTL's are asked when its
//    AR is handshaken, the TLM's when it computes the entry (later, for a fetch ahead), and the
//    view writer reserves its DDR share when its transfer ends, so the later question can see a
//    writer the earlier one did not. Such a fetch is counted (fetch_timing_differs), not a
//    mismatch: the RTL's arrival is the port's answer at its AR, and where it moves an entry's
//    start the sequencer's accesses differ, which is one;
//  * every record word the RTL writes = the word the TLM queue wrote there before.
// The TLM sequencer's reads get the RTL's data (unit STATUS and CYCLES go into the record), so
// both queues follow one PL; VW's STATUS, which ends a command, is compared with the TLM writer's
// by RtlPl.
#pragma once

#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <sstream>
#include <string>

#include "cosim/lockstep.h"
#include "cosim/ports.h"
#include "cosim/rtl_pl.h"
#include "hw/tp_contract.h"

namespace tinypynq::cosim {

class CqTwin {
 public:
  using Access = CqTwinAccess;
  explicit CqTwin(const PlSimPins& pins) : rd(pins.hp3, "HP3 (CQ)"), wr(pins.hp3w, "HP3 (CQ records)"), pins_(pins) {}

  HpReadBridge rd;
  HpWriteBridge wr;
  std::function<pl::ReaderTiming(uint64_t addr, Cycle t)> ask_port;  // HP3's answer for a fetch from t
  struct Stats {
    uint64_t accesses = 0, fetches = 0, record_words = 0;  // compared, all equal
    uint64_t fetch_timing_differs = 0;  // of the fetches, those HP3 answered differently (see above)
  } stats;

  bool active() const { return pins_.with_cq(); }
  bool busy() const { return *pins_.mon_cq_busy || rd.busy() || wr.busy(); }
  void expect(const Access& a) { want_.push_back(a); }
  // An expected access the RTL did not make by cycle t (after cycle t was clocked).
  bool missing(Cycle t, Lockstep& ls) {
    if (want_.empty() || want_.front().t > t) return false;
    const Access a = want_.front();
    want_.clear();
    ls.reader_mismatch("command queue: the TLM sequencer " + str(a) + ", the RTL's made no access then");
    return true;
  }
  // The TLM queue's HP3 query for entry slot `addr` fetched from cycle t.
  void twin_fetch(uint64_t addr, Cycle t, const pl::ReaderTiming& timing, Lockstep& ls) {
    tlm_f_.push_back({addr, t, timing});
    match_fetches(ls);
  }

  void drive(Cycle t) {
    if (!wr.busy()) wr.begin_transfer();  // each record is a transfer of its own
    rd.drive(t);
    wr.drive(t);
  }
  // After the evaluation of cycle t.
  void sample(Cycle t, Lockstep& ls) {
    const AxiReadPins& r = pins_.hp3;
    if (*r.arvalid && *r.arready && *r.araddr % hw::limits::CQ_SLOT_BYTES == 0) {  // a slot's first burst
      const pl::ReaderTiming tm = ask_port ? ask_port(*r.araddr, t) : rd.timing();
      rd.set_timing(tm);
      rtl_f_.push_back({*r.araddr, t, tm});
      match_fetches(ls);
    }
    rd.sample(t);
    if (!rd.error().empty()) ls.reader_mismatch(rd.error());
    const AxiWritePins& w = pins_.hp3w;
    if (*w.awvalid && *w.awready) aw_addr_ = *w.awaddr, w_beat_ = 0;
    if (*w.wvalid && *w.wready) check_record_beat(t, ls);
    wr.sample(t);
    if (!wr.error().empty()) ls.reader_mismatch(wr.error());
    if (*pins_.mon_rb_wr) seen(t, {t, true, *pins_.mon_rb_waddr, *pins_.mon_rb_wdata}, ls);
    if (*pins_.mon_rb_rd) seen(t, {t, false, *pins_.mon_rb_raddr, 0}, ls);
    if (*pins_.mon_rb_r) last_r_t_ = t, last_r_ = *pins_.mon_rb_rdata;
  }
  // The data of the sequencer's read whose R was handshaken in cycle t (false: none seen then).
  bool read_data(Cycle t, uint32_t* v) const {
    if (last_r_t_ != t) return false;
    *v = last_r_;
    return true;
  }
  void reset() {
    rd.reset(), wr.reset();
    want_.clear(), rtl_f_.clear(), tlm_f_.clear();
  }

 private:
  struct Fetch {
    uint64_t addr;
    Cycle t;
    pl::ReaderTiming timing;
  };
  static std::string str(const Access& a) {
    std::ostringstream o;
    o << (a.write ? "wrote 0x" : "read 0x") << std::hex << a.addr;
    if (a.write) o << " = 0x" << a.data;
    o << std::dec << " in cycle " << a.t;
    return o.str();
  }
  void seen(Cycle t, const Access& got, Lockstep& ls) {
    if (want_.empty()) {
      ls.reader_mismatch("command queue: the RTL sequencer " + str(got) + ", the TLM's made no access then");
      return;
    }
    const Access a = want_.front();
    want_.pop_front();
    ++stats.accesses;
    if (a.t != t || a.write != got.write || a.addr != got.addr || (a.write && a.data != got.data))
      ls.reader_mismatch("command queue: the TLM sequencer " + str(a) + ", the RTL's " + str(got));
  }
  void match_fetches(Lockstep& ls) {
    while (!rtl_f_.empty() && !tlm_f_.empty()) {
      const Fetch a = tlm_f_.front(), b = rtl_f_.front();
      tlm_f_.pop_front(), rtl_f_.pop_front();
      ++stats.fetches;
      if (a.timing.latency != b.timing.latency || a.timing.cycles_per_beat != b.timing.cycles_per_beat)
        ++stats.fetch_timing_differs;
      if (a.addr != b.addr || a.t != b.t) {
        std::ostringstream o;
        o << "command queue: slot fetch TLM 0x" << std::hex << a.addr << std::dec << " from cycle " << a.t << " (latency "
          << a.timing.latency << ", " << a.timing.cycles_per_beat << " cycles/beat), RTL 0x" << std::hex << b.addr
          << std::dec << " in cycle " << b.t << " (latency " << b.timing.latency << ", " << b.timing.cycles_per_beat
          << ")";
        ls.reader_mismatch(o.str());
      }
    }
  }
  // A record beat on HP3's W: its enabled words must be the TLM queue's (already in DDR).
  void check_record_beat(Cycle t, Lockstep& ls) {
    const AxiWritePins& w = pins_.hp3w;
    const uint64_t a = aw_addr_ + 8 * w_beat_++;
    const uint8_t* ddr = wr.ddr();
    for (unsigned l = 0; l < 2 && ddr; ++l) {
      if (((*w.wstrb >> (4 * l)) & 0xF) != 0xF) continue;
      uint32_t want = 0;
      std::memcpy(&want, ddr + a + 4 * l, 4);
      const uint32_t got = static_cast<uint32_t>(*w.wdata >> (32 * l));
      ++stats.record_words;
      if (want != got) {
        std::ostringstream o;
        o << "command queue: record word at 0x" << std::hex << a + 4 * l << " TLM 0x" << want << ", RTL 0x" << got
          << std::dec << " (cycle " << t << ")";
        ls.reader_mismatch(o.str());
      }
    }
  }

  PlSimPins pins_;
  std::deque<Access> want_;
  std::deque<Fetch> rtl_f_, tlm_f_;
  uint64_t aw_addr_ = 0, w_beat_ = 0;
  Cycle last_r_t_ = ~Cycle{0};
  uint32_t last_r_ = 0;
};

}  // namespace tinypynq::cosim
