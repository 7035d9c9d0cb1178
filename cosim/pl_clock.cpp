// SPDX-License-Identifier: MIT
#include "cosim/pl_clock.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "cosim/config_check.h"

namespace tinypynq::cosim {

namespace {
constexpr uint64_t kExternalGrace = 100'000;  // no handshake this long + a stream not armed: sleep
}

PlClock::PlClock(std::string o, const BoardConfig& c, const RtlPlOptions& op, PlSimPins p, void* m, EvalFn e)
    : owner(std::move(o)), cfg(c), opt(op), period(sc_core::sc_time(1.0 / c.pl_clock_hz, sc_core::SC_SEC)), pins(p),
      model(m), eval_fn(e), ls(c, {op.lockstep, op.tamper}, [this](const std::string& f) { set_fault(f); }),
      gp0(p.axil),
      xa{{p.in[0], kRtlStreamName[0]}, {p.in[1], kRtlStreamName[1]}, {p.in[2], kRtlStreamName[2]}},
      xr(p.out, "R (DMA0 S2MM)"), irq(period), wd(op.watchdog_cycles) {
  ps_per_cycle = static_cast<uint64_t>(period.to_seconds() * 1e12 + 0.5);
}

// ---- waveform

void PlClock::open_trace(const std::function<void(VerilatedFstC&)>& attach) {
  try {
    // Scopes: TOP (pins and markers), TOP.tinypynq_pl_sim (the same again), .u_top, the units.
    fst.open(opt.waves, attach, [this] {  // the markers' last state (a mismatch after the last cycle)
      set_markers(false, false);
      eval();
      fst.dump(cyc * ps_per_cycle);
    });
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("rtl: ") + e.what());
  }
}
// The caller has applied and evaluated the cycle's inputs: dump them at t_lo, then the rising
// edge that ends the cycle at t_hi, then the low phase (dumped with the next cycle's inputs).
void PlClock::edge(uint64_t t_lo, uint64_t t_hi) {
  fst.dump(t_lo);
  *pins.aclk = 1;
  eval();
  fst.dump(t_hi);
  *pins.aclk = 0;
  eval();
  gap_marked = false;
}
// The first cycle not clocked: the markers as they are now, dumped at its start so that a pulse
// does not last over the gap. The pins keep the last clocked cycle's values.
void PlClock::mark_gap() {
  if (!fst.is_open() || gap_marked) return;
  gap_marked = true;
  set_markers(false);
  eval();
  fst.dump(cyc * ps_per_cycle);
}
// The TLM-side markers of rtl/sim/tinypynq_pl_sim.sv for the cycle about to be evaluated.
// query_dma = false keeps the last DMA state (at close: the DMA models may be gone).
void PlClock::set_markers(bool exp_done, bool query_dma) {
  *pins.tlm_cmd_unit = ls.busy() ? static_cast<uint8_t>(ls.running_unit() + 1) : 0;
  *pins.tlm_cmd_seq = static_cast<uint32_t>(ls.accepted());
  *pins.tlm_cmd_op = ls.busy() ? ls.running_op() : 0;
  *pins.tlm_exp_done = exp_done;
  if (query_dma) {
    uint8_t armed = 0;
    for (unsigned s = 0; s < 3; ++s)
      if (src_if[s] && src_if[s]->armed()) armed |= static_cast<uint8_t>(1u << s);
    if (sink_if && sink_if->armed()) armed |= 8;
    *pins.tlm_dma_armed = armed;
  }
  *pins.tlm_gp0_access = in_gp0;
  *pins.tlm_mismatch = ls.mismatched();
}

// ---- clocking

// Transfers armed since the last look become the streams' current transfers.
void PlClock::pick_up_transfers() {
  for (unsigned s = 0; s < 3; ++s)
    if (!src[s].active && src_if[s] && src_if[s]->armed()) {
      Src& x = src[s];
      x.active = true;
      x.in = src_if[s]->peek();
      xa[s].load(x.in.data, x.in.bytes, &x.in.valid);
      if (x.in.beats != xa[s].beats())
        set_fault(std::string("stream ") + kRtlStreamName[s] + ": the DMA's beats are not 64-bit (" +
                  std::to_string(x.in.beats) + " beats for " + std::to_string(x.in.bytes) +
                  " bytes); the RTL top has 64-bit streams");
    }
  if (!xr.armed() && sink_if && sink_if->armed()) {
    r_ready = sink_if->ready();
    xr.arm(&r_ready);
  }
}

void PlClock::tick() {
  pick_up_transfers();
  const vp::StreamIn* fresh[3] = {nullptr, nullptr, nullptr};
  for (unsigned s = 0; s < 3; ++s)
    if (src[s].active && xa[s].sent() == 0) fresh[s] = &src[s].in;
  ls.capture(fresh, xr.armed() && xr.accepted() == 0 ? &r_ready : nullptr);
  const Cycle t = cyc;
  for (PinAxisSource& a : xa) a.drive(t);
  xr.drive(t);
  set_markers(ls.expects_done(t));
  eval();
  for (unsigned s = 0; s < 3; ++s)
    if (xa[s].sample()) {
      wd.progress(t);
      ls.beat_taken(s, t);
      if (!xa[s].active()) {
        src[s].active = false;
        src_if[s]->take_all(t);
      }
    }
  if (const PinAxisSink::Event ev = xr.sample(t); ev != PinAxisSink::kNone) {
    wd.progress(t);
    const uint8_t* b;
    const unsigned n = xr.last_bytes(&b);
    ls.result_bytes(b, n);
    if (ev == PinAxisSink::kLast) sink_if->put(xr.bytes().data(), xr.bytes().size(), t);
  }
  if (xr.new_violation()) set_fault(xr.violation());
  const uint8_t done = *pins.mon_done & 7, w_range = *pins.mon_w_range & 7;
  edge();
  ++cyc;
  ++n_clocked;
  for (unsigned u = 0; u < 3; ++u)
    if (done >> u & 1) complete(u, t, (w_range >> u) & 1);
  irq.sample(irq_levels(), cyc);
}

void PlClock::advance_to(Cycle t) {
  while (cyc < t) {
    if (quiescent()) {
      mark_gap();
      skipped += t - cyc;
      cyc = t;
      return;
    }
    if (halted) {  // a hung design is not clocked any more; time passes over it
      mark_gap();
      cyc = t;
      return;
    }
    tick();
    watchdog();
  }
}

// A stream this command needs has no transfer: the design can only wait for the PS.
// (The DMA's own state counts: a transfer armed since the last clocked cycle is there.)
bool PlClock::waiting_for_ps() const {
  if (!ls.busy()) return false;
  for (unsigned s = 0; s < 3; ++s)
    if (ls.need(s) && !ls.consumed(s) && !src[s].active && !(src_if[s] && src_if[s]->armed())) return true;
  return !xr.armed() && !(sink_if && sink_if->armed());
}
bool PlClock::needs_clock() const {
  if (halted || quiescent()) return false;
  return !(waiting_for_ps() && wd.quiet(cyc) > kExternalGrace);
}
void PlClock::watchdog() {
  if (!wd.expired(cyc) || waiting_for_ps() || !busy_bits()) return;
  std::ostringstream o;
  o << "watchdog: the RTL made no stream handshake for " << wd.quiet(cyc) << " cycles (cycle " << cyc
    << ") although every stream it uses is armed; " << describe();
  set_fault(o.str());
  halted = true;
}

void PlClock::set_fault(const std::string& f) {
  if (fault_text.empty()) {
    fault_text = f;
    SC_REPORT_WARNING(owner.c_str(), f.c_str());
  }
}
void PlClock::complete(unsigned u, Cycle t_done, bool w_range) {
  wd.progress(t_done);
  if (const vp::PlCommandRecord* rec = ls.done(u, t_done, w_range); rec && observer) observer(*rec);
}

std::string PlClock::describe() const {
  std::ostringstream o;
  o << "RTL PL at cycle " << cyc << " (" << n_clocked << " clocked)";
  if (ls.busy()) {
    o << ", " << hw::kUnits[ls.running_unit()].name << " busy with " << ls.describe_running() << " since cycle "
      << ls.t0();
    for (unsigned s = 0; s < 3; ++s)
      if (ls.need(s))
        o << "; stream " << kRtlStreamName[s] << ": "
          << (ls.consumed(s)    ? "all beats taken"
              : src[s].active ? std::to_string(xa[s].sent()) + "/" + std::to_string(src[s].in.beats) + " beats taken"
                              : std::string("no transfer (MM2S_LENGTH not written?)"));
    o << "; stream R: "
      << (xr.armed() ? std::to_string(xr.accepted()) + " beats accepted"
                     : std::string("not armed (S2MM_LENGTH not written?)"));
  } else {
    o << ", idle";
  }
  if (halted) o << " [halted by the watchdog]";
  return o.str();
}

void PlClock::pulse_reset() {
  for (PinAxisSource& a : xa) a.idle();
  xr.reset();
  gp0.idle();
  *pins.aresetn = 0;
  // In the waveform the two cycles are squeezed into the half cycle before cycle cyc (after
  // the last clocked cycle's rising edge): the pulse takes no kernel time.
  const uint64_t q = ps_per_cycle / 8, base = cyc * ps_per_cycle - std::min(cyc * ps_per_cycle, 4 * q);
  for (uint64_t i = 0; i < 2; ++i) {
    set_markers(false);
    eval();
    edge(base + 2 * i * q, base + (2 * i + 1) * q);
  }
  *pins.aresetn = 1;
  eval();
  skipped = 0;
  time_hi = 0;
}

void PlClock::check_config() {
  pulse_reset();
  std::string protocol;
  check_design_config(cfg, ls, [&](uint32_t addr) {
    gp0.begin_read(addr);
    eval();
    edge();
    gp0.end();
    eval();
    const AxiLiteMaster::Response r = gp0.response();
    if (protocol.empty()) protocol = gp0.error();
    edge();
    return r.data;
  });
  if (!protocol.empty()) throw std::invalid_argument("rtl: reading the design's ID registers: " + protocol);
  pulse_reset();
}

void PlClock::reset_state() {
  ls.reset();
  for (unsigned s = 0; s < 3; ++s) src[s].active = false, xa[s].clear();
  xr.disarm();
  halted = false;
  wd.progress(cyc);
  irq.reset(irq_levels());
}

}  // namespace tinypynq::cosim
