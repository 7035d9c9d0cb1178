// SPDX-License-Identifier: MIT
#include "cosim/pl_clock.h"

#include <algorithm>
#include <cstring>
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
      xa{{p.in[0], rtl_stream_name(0, c.pl_version)}, {p.in[1], rtl_stream_name(1, c.pl_version)},
         {p.in[2], rtl_stream_name(2, c.pl_version)}},
      xr(p.out, c.pl_version >= 2 ? "R (VW)" : "R (DMA0 S2MM)"),
      hp{{p.hp[0], "HP0 (VR0)"}, {p.hp[1], "HP1 (VR1)"}, {p.hp[2], "HP2 (VR2)"}}, vw(p), cq(p), irq(period),
      wd(op.watchdog_cycles) {
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
      if (pins.v2()) {  // the RTL reader streams it; the TLM reader's transfer is its twin
        v2_sent[s] = 0, v2_fill[s] = 0;
        continue;
      }
      xa[s].load(x.in.data, x.in.bytes, &x.in.valid);
      if (x.in.beats != xa[s].beats())
        set_fault(std::string("stream ") + rtl_stream_name(s, cfg.pl_version) + ": the DMA's beats are not 64-bit (" +
                  std::to_string(x.in.beats) + " beats for " + std::to_string(x.in.bytes) +
                  " bytes); the RTL top has 64-bit streams");
    }
  if (vw.active()) {  // the RTL writer takes R; its twin's ready() is the unit's expectation
    if (r_fresh()) r_ready = sink_if->ready();
  } else if (!xr.armed() && sink_if && sink_if->armed()) {
    r_ready = sink_if->ready();
    xr.arm(&r_ready);
  }
}

void PlClock::tick() {
  pick_up_transfers();
  const vp::StreamIn* fresh[3] = {nullptr, nullptr, nullptr};
  for (unsigned s = 0; s < 3; ++s)
    if (src[s].active && beats_sent(s) == 0) fresh[s] = &src[s].in;
  // The TLM writer replans its TREADY from the shadow unit's offers (the tlm target's fixed
  // point) when the shadow computes: the pins follow its new schedule from then on.
  if (ls.capture(fresh, r_fresh() ? &r_ready : nullptr, src_if, sink_if) && !vw.active() && xr.armed() && sink_if &&
      sink_if->replans())
    xr.set_ready(r_ready = sink_if->ready());
  const Cycle t = cyc;
  uint8_t err = 0;
  for (unsigned s = 0; s < 3; ++s)
    if (vr_if[s] && vr_if[s]->err_in_cycle(t)) err |= static_cast<uint8_t>(1u << s);
  for (unsigned s = 0; s < 3; ++s) {
    if ((err & ~err_bits) >> s & 1) err_since[s] = t;  // first clocked cycle with the error
    if (err >> s & 1) ls.stream_failed(s, err_since[s]);  // ignored unless the command reads s
  }
  err_bits = err;
  if (pins.in_err) *pins.in_err = err;  // v2: the RTL readers' vr_err are inside the design
  if (pins.v2()) {
    for (HpReadBridge& b : hp) b.drive(t);
  } else {
    for (PinAxisSource& a : xa) a.drive(t);
  }
  if (vw.active()) vw.drive(t);
  else xr.drive(t);
  if (cq.active()) cq.drive(t);
  set_markers(ls.expects_done(t));
  eval();
  if (pins.v2()) v2_streams(t);
  if (cq.active()) cq.sample(t, ls);
  if (vw.active()) {
    const uint64_t beats = vw.r_beats();
    vw.sample(t, ls, [this](const std::string& f) { set_fault(f); });
    if (vw.r_beats() != beats) wd.progress(t);
  }
  for (unsigned s = 0; s < 3 && !pins.v2(); ++s)
    if (xa[s].sample()) {
      wd.progress(t);
      ls.beat_taken(s, t);
      if (!xa[s].active()) {
        src[s].active = false;
        src_if[s]->take_all(t);
      }
    }
  if (const PinAxisSink::Event ev = vw.active() ? PinAxisSink::kNone : xr.sample(t); ev != PinAxisSink::kNone) {
    wd.progress(t);
    const uint8_t* b;
    const unsigned n = xr.last_bytes(&b);
    ls.result_bytes(b, n);
    if (ev == PinAxisSink::kLast) r_last(t);
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

// R's TLAST handshake in cycle t: the TLM sink takes the packet. A sink that replans (the view
// writer) is given each beat's first valid cycle, and its plan of them must take the last beat
// in t, since the pins followed the TREADY it planned from the shadow unit's offers.
void PlClock::r_last(Cycle t) {
  const std::vector<uint8_t>& b = xr.bytes();
  if (!sink_if->replans()) return ls.sink_took_last(sink_if->put(b.data(), b.size(), t));
  const Cycle a = sink_if->put_beats(b.data(), b.size(), xr.presented());
  if (a != t)
    ls.reader_mismatch("stream " + xr.name() + ": the last of " + std::to_string(xr.presented().size()) +
                       " beats taken in cycle " + std::to_string(t) + " by the RTL unit, in cycle " + std::to_string(a) +
                       " by the TLM writer's plan of the RTL's offers");
  ls.sink_took_last(a);
}

// pl_version 2: the HP bridges' handshakes (every fill checked against the AXI rules and against
// the TLM twin's plan: address, beats, issue cycle) and the readers' beats into the units (each
// compared with the twin's word and valid cycle; the last one hands the transfer back).
void PlClock::v2_streams(Cycle t) {
  for (unsigned i = 0; i < 3; ++i) {
    const std::optional<pl::Fill> f = hp[i].sample(t);
    if (!hp[i].error().empty()) set_fault(hp[i].error());
    if (!f || !vr_if[i]) continue;
    const pl::ViewDesc d = vr_if[i]->descriptor();
    if (auto why = fill_check.check(*f, d.base, d.limit, cfg.ddr_bytes)) set_fault(hp[i].name() + ": " + *why);
    const std::vector<pl::Fill>& want = vr_if[i]->last_plan().fills;
    const size_t k = v2_fill[i]++;
    // Address, length and issue cycle must be the plan's: the twin replans from the shadow unit's
    // handshakes (pl::plan with a consumer that lags: slot reuse after the last reader's handshake,
    // the beat FIFO), so a unit that holds its stream back moves the twin's fills as the RTL's.
    std::ostringstream o;
    if (k >= want.size())
      o << "a fill the TLM reader does not make (" << want.size() << " planned)";
    else if (want[k].addr != f->addr || want[k].beats != f->beats ||
             f->issue != want[k].issue)
      o << "fill " << k << ": TLM 0x" << std::hex << want[k].addr << std::dec << " " << want[k].beats
        << " beats issued in cycle " << want[k].issue << ", RTL 0x" << std::hex << f->addr << std::dec << " "
        << f->beats << " beats in cycle " << f->issue;
    ++v2_stats.fills;
    if (k < want.size() && f->issue > want[k].issue) ++v2_stats.fills_late;
    if (!o.str().empty())
      ls.reader_mismatch("VR" + std::to_string(i) + " (stream " + std::string(1, static_cast<char>('A' + i)) + ") " + d.str() + ": " + o.str());
  }
  const uint8_t valid = *pins.mon_in_tvalid & 7, hs = *pins.mon_in_hs & 7;
  for (unsigned s = 0; s < 3; ++s) {
    const bool v = valid >> s & 1;
    const Cycle valid_since = v2_offer[s].sample(t, v, hs >> s & 1);
    if (!(hs >> s & 1)) continue;
    Src& x = src[s];
    if (!x.active) {
      set_fault(std::string("stream ") + rtl_stream_name(s, cfg.pl_version) + ": the RTL reader handed over a beat in cycle " +
                std::to_string(t) + " with no transfer of its TLM twin");
      continue;
    }
    const uint64_t b = v2_sent[s]++;
    uint64_t want = 0;
    const uint64_t off = 8 * b, n = std::min<uint64_t>(8, x.in.bytes - off);
    std::memcpy(&want, x.in.data + off, n);
    const uint64_t got = *pins.mon_in_tdata[s] & (n == 8 ? ~0ull : (1ull << (8 * n)) - 1);
    // the twin's valid cycle, or the cycle after the previous handshake when the unit held it
    const Cycle planned = x.in.valid_at ? x.in.valid_at[b] : x.in.valid.at(b);
    const Cycle want_valid = b == 0 ? planned : std::max(planned, v2_last_hs[s] + 1);
    v2_last_hs[s] = t;
    ++v2_stats.beats;
    if (valid_since > want_valid) ++v2_stats.beats_late;  // held back with its fills (above)
    if (got != want || valid_since != want_valid) {
      std::ostringstream o;
      o << "VR" << s << " (stream " << static_cast<char>('A' + s) << ") " << vr_if[s]->descriptor().str() << ": beat " << b
        << " TLM 0x" << std::hex << want << " valid in cycle " << std::dec << want_valid << ", RTL 0x" << std::hex
        << got << " valid in cycle " << std::dec << valid_since;
      ls.reader_mismatch(o.str());
    }
    wd.progress(t);
    ls.beat_taken(s, t);
    if (v2_sent[s] == x.in.beats) {
      x.active = false;
      src_if[s]->take_all(t);
    }
  }
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
  if (vw.active()) return !(sink_if && sink_if->armed()) && !vw.busy();
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
        o << "; stream " << rtl_stream_name(s, cfg.pl_version) << ": "
          << (ls.consumed(s)    ? "all beats taken"
              : src[s].active ? std::to_string(beats_sent(s)) + "/" + std::to_string(src[s].in.beats) + " beats taken"
                              : std::string("no transfer (MM2S_LENGTH not written?)"));
    if (vw.active())
      o << "; stream R: " << vw.r_beats() << " beats into VW, "
        << (sink_if && sink_if->armed() ? std::string("armed") : std::string("not armed (VW CTRL.START not written?)"));
    else
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
  if (!vw.active()) xr.reset();
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
  for (unsigned s = 0; s < 3; ++s) src[s].active = false, xa[s].clear(), v2_sent[s] = 0, v2_fill[s] = 0;
  for (ValidSince& o : v2_offer) o.reset();
  for (HpReadBridge& b : hp) b.reset();
  if (vw.active()) vw.reset();
  if (cq.active()) cq.reset();
  xr.disarm();
  err_bits = 0;
  halted = false;
  wd.progress(cyc);
  irq.reset(irq_levels());
}

}  // namespace tinypynq::cosim
