// SPDX-License-Identifier: MIT
// tinypynq co-simulation — the lockstep checker of the rtl target: every command the RTL
// accepts is also run by the TLM unit model (the PlVector/PlReduce/PlMatmul of the tlm target)
// on the same operands and the same stream timing (the input transfers' schedules and the S2MM
// ready schedule the RTL saw). START acceptance, result bits, W_RANGE, the last handshake of
// each input and t_done (so CYCLES) must agree (DESIGN.md invariants 2 and 3); the first
// difference is reported through the fault callback with unit, command, element index, both
// values (hex and float) and both cycle counts. It is abstract: it sees events (a register
// write, a START verdict, stream handshakes, result bytes, a done pulse), not pins, so any
// pin-level harness can feed it.
//
//   Lockstep ls(cfg, {.enabled = true}, [&](const std::string& f) { fault = f; });
//   if (ls.write(unit, off, v)) ls.start(unit, t, ls.verdict(unit), rtl_busy_next_cycle);
//   each cycle: ls.capture(inputs, r_schedule); ... ls.beat_taken(s, t); ls.result_bytes(p, n);
//   on a done pulse: if (const auto* rec = ls.done(unit, t, w_range)) trace(*rec);
//
// The TLM side is computed once every stream the command uses has its transfer (captured
// before its first beat moves); a command whose transfer is shorter than the command needs
// cannot finish on the TLM side and is not compared.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/board_config.h"
#include "models/tlm/pl_block.h"

namespace tinypynq::cosim {

using Cycle = uint64_t;  // FCLK0 cycles (the same as vp::Cycle and axis.h's)

// Stream s's name in messages, with its source: "A (DMA0 MM2S)" (pl_version 1), "A (VR0)" (2).
const char* rtl_stream_name(unsigned s, unsigned pl_version);

class Lockstep {
 public:
  struct Options {
    bool enabled = true;  // compare (commands are tracked either way: the records need it)
    // Tests of the checker only: alters the TLM side's expectation before it is compared.
    std::function<void(unsigned unit, std::vector<uint8_t>& out, pl::CmdTiming& timing)> tamper;
  };
  using Fault = std::function<void(const std::string&)>;
  Lockstep(const BoardConfig& cfg, Options opt, Fault fault);
  ~Lockstep();

  // ---- the registers: a TLM mirror of every unit's register block
  vp::PlUnit& unit(unsigned u) { return *shadow_[u]; }
  // A GP0 write to unit u's window: true if it is a START.
  bool write(unsigned u, uint32_t off, uint32_t v) { return shadow_[u]->regs.write(off, v); }
  // ERR_CODE the TLM model gives a START now (0: accept); taken before the handshake cycle is
  // clocked (a command ending in that very cycle still makes it BUSY).
  uint8_t verdict(unsigned u) const;
  // The START's outcome on the RTL (its BUSY bit in the next cycle) against the verdict.
  void start(unsigned u, Cycle t, uint8_t code, bool rtl_accepted);

  // ---- the running command
  bool busy() const { return p_.on; }
  unsigned running_unit() const { return p_.unit; }
  Cycle t0() const { return p_.t0; }
  uint32_t running_op() const { return p_.cmd.op; }
  uint64_t need(unsigned s) const { return p_.need[s]; }      // beats the command takes from s
  bool consumed(unsigned s) const { return p_.consumed[s]; }  // ... all taken
  std::string describe_running() const;                       // "SQRT N=64"
  // Before the cycle is evaluated: the transfers the RTL is about to see (null: none, or one
  // whose first beat has already moved) and the S2MM ready schedule (null likewise).
  // src: the streams' sources (a v2 reader replans from the shadow unit's handshakes, as on tlm);
  // sink: R's sink (the v2 view writer, TLM or the RTL writer's twin, replans its TREADY from the
  // shadow unit's offers, as on tlm: its ready() is then the RTL's R handshakes expected).
  // True in the call that computed the TLM side (the sink's ready() may have changed then only).
  bool capture(const vp::StreamIn* const fresh_in[3], const pl::BeatSchedule* fresh_r,
               vp::AxisSource* const src[3] = nullptr, vp::AxisSink* sink = nullptr);
  void beat_taken(unsigned s, Cycle t);                       // an input handshake in cycle t
  void result_bytes(const uint8_t* b, unsigned n) {           // an R handshake's bytes
    if (p_.on) p_.rtl_out.insert(p_.rtl_out.end(), b, b + n);
  }
  // The source of stream s failed in cycle t (vr_err, pl_version 2): a command reading s ends
  // with ERR STREAM and one zero TLAST beat (models/tlm/pl_top.cpp stream_error()).
  void stream_failed(unsigned s, Cycle t);
  // pl_version 2: an RTL reader differs from its TLM twin (a fill, a beat's word or valid cycle,
  // a register read): reported once, with the command it feeds.
  void reader_mismatch(const std::string& what);
  // The R sink (a TLM model) took the packet's last beat in cycle a (AxisSink::put's answer: a
  // v1 DMA's is the RTL's TLAST handshake; the view writer's plan of the RTL's offers must be
  // too, since the pins follow its TREADY). The command's record then ends in a, as
  // models/tlm/pl_top.cpp ends the TLM unit's; the comparison is of the RTL's own cycles.
  void sink_took_last(Cycle a) {
    if (p_.on) p_.sink_last = a;
  }
  bool expects_done(Cycle t) const { return p_.on && p_.computed && p_.exp.t_done == t; }
  // Unit u's done pulse in cycle t: the record of the command (compared first), or null when
  // no command of u was running (reported as a fault).
  const vp::PlCommandRecord* done(unsigned u, Cycle t, bool w_range);

  bool mismatched() const { return mismatched_; }  // a difference was found (sticky)
  uint64_t accepted() const { return accepted_; }  // commands the RTL accepted
  uint64_t completed() const { return completed_; }
  uint64_t checked() const { return checked_; }    // compared, all equal
  const vp::PlCommandRecord& last() const { return last_; }
  void reset();  // aresetn: registers and the running command

 private:
  unsigned pl_version_ = 1;
  struct Pending {
    bool on = false;
    unsigned unit = 0;
    vp::UnitCommand cmd;
    Cycle t0 = 0;
    uint64_t need[3] = {0, 0, 0};
    bool have_in[3] = {false, false, false};
    vp::StreamIn in[3];
    uint64_t taken[3] = {0, 0, 0};
    bool consumed[3] = {false, false, false};
    Cycle rtl_in_last[3] = {0, 0, 0};
    bool have_r = false;
    pl::BeatSchedule r;
    bool computed = false, checkable = true;
    std::vector<uint8_t> exp_out, rtl_out;
    pl::CmdTiming exp;
    uint32_t exp_warn = 0, tlast_warn = 0;
    bool failed = false;  // a stream it reads failed (stream_failed)
    Cycle sink_last = 0;  // sink_took_last
    Cycle t_fail = 0;
  };
  void mismatch(const std::string& what, int64_t index = -1, uint32_t tlm_bits = 0, uint32_t rtl_bits = 0);
  Cycle expected_done() const { return p_.exp.t_done; }
  void compare();

  Options opt_;
  Fault fault_;
  std::unique_ptr<vp::PlUnit> shadow_[3];
  Pending p_;
  vp::PlCommandRecord last_;
  bool mismatched_ = false;
  uint64_t accepted_ = 0, completed_ = 0, checked_ = 0;
};

}  // namespace tinypynq::cosim
