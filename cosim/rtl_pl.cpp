// SPDX-License-Identifier: MIT
// The Verilated headers come first: with SystemC already included they would take this for a
// SystemC (--sc) model and call ::sc_time_stamp(). Their generated structs are not -Wpedantic
// clean.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#include "Vtinypynq_pl_sim.h"
#include "Vtinypynq_pl_sim___024root.h"
#include "Vtinypynq_pl_sim_fst.h"
#include "Vtinypynq_pl_sim_fst___024root.h"
#include "verilated.h"
#include "verilated_fst_c.h"
#pragma GCC diagnostic pop

#include "cosim/rtl_pl.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <sstream>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

#include "cosim/cosim.h"
#include "cosim/waveform.h"
#include "models/tlm/pl_matmul.h"
#include "models/tlm/pl_reduce.h"
#include "models/tlm/pl_vector.h"

namespace tinypynq::cosim {

using sc_core::sc_time;
using tlm::Cycle;
namespace reg = tlm::pl_reg;

namespace {
// The model: tinypynq_pl_top inside the simulation wrapper rtl/sim/tinypynq_pl_sim.sv, whose
// extra inputs are the TLM-side markers of the waveform (nothing in the design reads them).
// Verilated twice (rtl/sim): Vtinypynq_pl_sim without tracing for speed (tracing code costs
// 5-13 % even when off), Vtinypynq_pl_sim_fst with FST tracing for --fst. Sim<> below is
// written once for both.

constexpr unsigned kBeatBytes = 8;           // 64-bit streams (hw-spec §3)
constexpr unsigned kAxiLiteMaxWait = 16;     // cycles an access may wait for its handshake
constexpr uint64_t kExternalGrace = 100'000; // no handshake this long + a stream not armed: sleep
const char* const kStreamName[3] = {"A (DMA0 MM2S)", "B (DMA1 MM2S)", "C (DMA2 MM2S)"};
const char* const kUnitName[3] = {"vector", "reduce", "matmul"};

// Running MM2S transfer as the transactor presents it.
struct Src {
  bool active = false;
  tlm::StreamIn in;
  uint64_t next = 0;  // beats handshaken
};

// The command the RTL is running and what the lockstep checker needs to check it.
struct Pending {
  bool on = false;
  unsigned unit = 0;
  tlm::UnitCommand cmd;
  Cycle t0 = 0;
  uint64_t need[3] = {0, 0, 0};
  bool have_in[3] = {false, false, false};
  tlm::StreamIn in[3];
  uint64_t taken[3] = {0, 0, 0};          // beats the command took from each stream
  bool consumed[3] = {false, false, false};  // all of them
  Cycle rtl_in_last[3] = {0, 0, 0};
  bool have_r = false;
  pl::BeatSchedule r;
  bool computed = false, checkable = true;
  std::vector<uint8_t> exp_out, rtl_out;
  pl::CmdTiming exp;
  uint32_t exp_warn = 0, tlast_warn = 0;
};
}  // namespace

// What RtlPl calls: one implementation per Verilated model (Sim<Model, traced>).
struct RtlPl::Impl {
  virtual ~Impl() = default;
  virtual void start() = 0;  // check the design's parameters, open the waveform, reset
  virtual void bind_streams(tlm::AxisSource* a, tlm::AxisSource* b, tlm::AxisSource* c, tlm::AxisSink* r) = 0;
  virtual void bind_irq(tlm::IrqSink* irq, unsigned line_vec, unsigned line_red, unsigned line_mmu) = 0;
  virtual void b_transport(::tlm::tlm_generic_payload& gp, sc_time& delay) = 0;
  virtual void thread() = 0;
  virtual void irq_method() = 0;
  virtual sc_core::sc_event& irq_event() = 0;
  virtual void reset() = 0;
  virtual void sync(const sc_time& t) = 0;
  virtual std::string describe() const = 0;
  virtual uint64_t commands() const = 0;
  virtual uint64_t checked() const = 0;
  virtual uint64_t clocked() const = 0;
  virtual const tlm::PlCommandRecord& last_command() const = 0;
  virtual void set_observer(std::function<void(const tlm::PlCommandRecord&)> fn) = 0;
  virtual std::string fault() const = 0;
};

namespace {
template <class Model, bool kTraced>
struct Sim final : RtlPl::Impl {
  using ModelRoot = std::remove_reference_t<decltype(*std::declval<Model&>().rootp)>;
  Sim(RtlPl* o, const BoardConfig& c, const RtlPlOptions& op)
      : owner(o), cfg(c), opt(op), period(sc_time(1.0 / c.pl_clock_hz, sc_core::SC_SEC)),
        ctx(std::make_unique<VerilatedContext>()) {
    // --vcd alone: recorded as an FST next to it, converted and removed when closed.
    fst_is_temp = opt.fst_path.empty() && !opt.vcd_path.empty();
    if (fst_is_temp) opt.fst_path = opt.vcd_path + ".fst.tmp";
    ctx->traceEverOn(!opt.fst_path.empty());
    top = std::make_unique<Model>(ctx.get(), "TOP");
    shadow[0] = std::make_unique<tlm::PlVector>();
    shadow[1] = std::make_unique<tlm::PlReduce>();
    shadow[2] = std::make_unique<tlm::PlMatmul>(tlm::matmul_config(cfg));
    ps_per_cycle = static_cast<uint64_t>(period.to_seconds() * 1e12 + 0.5);
  }
  ~Sim() override {
    close_trace();
    // Verilator 5.006 unregisters a model's scopes from the thread's current context, not the
    // model's: with several contexts in a process (one per rtl platform) that may be another,
    // already destroyed one. Make it this model's before the model goes.
    Verilated::threadContextp(ctx.get());
    top->final();
    top.reset();
  }

  RtlPl* owner;  // null for a bare design (check_config)
  BoardConfig cfg;
  RtlPlOptions opt;
  sc_time period;
  std::unique_ptr<VerilatedContext> ctx;  // declared before the model: destroyed after it
  std::unique_ptr<Model> top;
  std::unique_ptr<VerilatedFstC> fst;  // kTraced only
  bool fst_is_temp = false;            // the FST only carries a --vcd waveform
  uint64_t last_dump_ps = 0;
  bool dumped = false;
  bool gap_marked = false;  // the markers were dumped at the start of the current gap
  uint64_t ps_per_cycle = 10'000;
  std::unique_ptr<tlm::PlUnit> shadow[3];

  tlm::AxisSource* src_if[3] = {nullptr, nullptr, nullptr};
  tlm::AxisSink* sink_if = nullptr;
  tlm::IrqSink* irq_if = nullptr;
  unsigned irq_line[3] = {4, 5, 6};

  Cycle cyc = 0;             // the next cycle to evaluate (kernel cycle numbering)
  uint64_t n_clocked = 0;    // cycles evaluated
  uint64_t skipped = 0;      // idle cycles not evaluated since the last reset (SYS.TIME)
  uint64_t time_hi = 0;      // corrected SYS.TIME_HI latched by a TIME_LO read
  Src src[3];
  bool r_active = false;
  pl::BeatSchedule r_ready;
  uint64_t r_accepted = 0;
  std::vector<uint8_t> r_buf;
  Pending pend;
  Cycle last_progress = 0;   // cycle of the last handshake or command event
  bool halted = false;       // the watchdog fired: no more clocking until reset()
  std::string fault_text;
  bool irq_level[3] = {false, false, false};
  struct IrqChange {
    Cycle at;
    unsigned line;
    bool level;
  };
  std::deque<IrqChange> irq_q;
  sc_core::sc_event kick_ev, irq_ev;
  uint64_t n_commands = 0, n_checked = 0;
  tlm::PlCommandRecord last;
  std::function<void(const tlm::PlCommandRecord&)> observer;
  // Marker state (set_markers)
  uint64_t accepted = 0;    // commands the RTL accepted
  bool in_gp0 = false;      // a GP0 access is on the AXI-Lite port
  bool mismatched = false;  // the lockstep checker found a difference

  ModelRoot& root() { return *top->rootp; }
  uint8_t busy_bits() { return root().tinypynq_pl_sim__DOT__u_top__DOT__u_busy & 7; }
  sc_time time_of(Cycle c) const { return sc_time::from_value(c * period.value()); }
  Cycle cycle_at(const sc_time& t) const {
    const auto p = period.value();
    return (t.value() + p - 1) / p;
  }

  // ---- waveform (--fst, the traced model only): kernel cycle c is [c*T, (c+1)*T) in
  // picoseconds; its inputs (pins and markers) change at c*T with aclk low, the rising edge that
  // ends it is drawn at c*T + T/2. Cycles that are not clocked (idle) leave a gap.

  // Opens the waveform; called after check_config() so that its register reads are not in it.
  void open_trace() {
    if constexpr (kTraced) {
      if (opt.fst_path.empty()) return;
      fst = std::make_unique<VerilatedFstC>();
      // Scopes: TOP (the pins and markers), TOP.tinypynq_pl_sim (the wrapper: the same again),
      // TOP.tinypynq_pl_sim.u_top, then the units. $dumpvars counts levels below TOP.
      if (opt.fst_depth) fst->dumpvars(static_cast<int>(opt.fst_depth) + 1, "TOP");
      top->trace(fst.get(), 99);
      fst->open(opt.fst_path.c_str());
      if (!fst->isOpen()) {
        fst.reset();
        throw std::invalid_argument("rtl: cannot write the waveform " + opt.fst_path);
      }
      // Platforms live until the process exits, and a platform may have been declared during
      // static initialisation (the tests do): its destructor can then run after Verilator's own
      // statics are gone, and ~VerilatedFstC unregisters a callback from them. So open waveforms
      // are closed by an atexit handler registered now, which runs before both.
      static const bool at_exit = (std::atexit(close_all_traces), true);
      (void)at_exit;
      open_traces().push_back(this);
    }
  }
  // The markers' last state (a mismatch found after the last clocked cycle), then close.
  void close_trace() {
    if (!fst) return;
    set_markers(false, false);
    top->eval();
    dump(cyc * ps_per_cycle);
    fst->close();
    fst.reset();
    auto& v = open_traces();
    v.erase(std::remove(v.begin(), v.end(), this), v.end());
    if (!opt.vcd_path.empty()) {  // at exit or in a destructor: report, do not throw
      try {
        fst_to_vcd(opt.fst_path, opt.vcd_path);
        if (fst_is_temp) std::remove(opt.fst_path.c_str());
      } catch (const std::exception& e) {
        std::fprintf(stderr, "rtl: %s (the FST is kept: %s)\n", e.what(), opt.fst_path.c_str());
      }
    }
  }
  static std::vector<Sim*>& open_traces() {
    static auto* v = new std::vector<Sim*>;  // never destroyed: used from atexit and destructors
    return *v;
  }
  static void close_all_traces() {
    while (!open_traces().empty()) open_traces().back()->close_trace();
  }
  void dump(uint64_t t_ps) {
    if (!fst) return;
    // Times only move forward (a reset pulse takes no kernel time and is squeezed in before the
    // next cycle; see pulse_reset): a collision moves the dump 1 ps later instead of dropping it.
    if (dumped && t_ps <= last_dump_ps) t_ps = last_dump_ps + 1;
    fst->dump(t_ps);
    last_dump_ps = t_ps;
    dumped = true;
  }
  // The caller has applied and evaluated the cycle's inputs: dump them at t_lo, then the rising
  // edge that ends the cycle at t_hi, then the low phase (not dumped: the next cycle's inputs
  // are dumped with it).
  void edge(uint64_t t_lo, uint64_t t_hi) {
    dump(t_lo);
    top->aclk = 1;
    top->eval();
    dump(t_hi);
    top->aclk = 0;
    top->eval();
    gap_marked = false;
  }
  void edge() { edge(cyc * ps_per_cycle, cyc * ps_per_cycle + ps_per_cycle / 2); }
  // The first cycle not clocked: the markers as they are now (a command ended, the access is
  // over), dumped at its start so that a pulse does not last over the gap. The pins keep the
  // last clocked cycle's values, as the design saw them.
  void mark_gap() {
    if (!fst || gap_marked) return;
    gap_marked = true;
    set_markers(false);
    top->eval();
    dump(cyc * ps_per_cycle);
  }

  // The TLM-side markers of rtl/sim/tinypynq_pl_sim.sv for the cycle about to be evaluated.
  // query_dma = false keeps the last DMA state (the destructor: the DMA models may be gone).
  void set_markers(bool exp_done, bool query_dma = true) {
    Model& t = *top;
    t.tlm_cmd_unit_i = pend.on ? static_cast<uint8_t>(pend.unit + 1) : 0;
    t.tlm_cmd_seq_i = static_cast<uint32_t>(accepted);
    t.tlm_cmd_op_i = pend.on ? pend.cmd.op : 0;
    t.tlm_exp_done_i = exp_done;
    if (query_dma) {
      uint8_t armed = 0;
      for (unsigned s = 0; s < 3; ++s)
        if (src_if[s] && src_if[s]->armed()) armed |= static_cast<uint8_t>(1u << s);
      if (sink_if && sink_if->armed()) armed |= 8;
      t.tlm_dma_armed_i = armed;
    }
    t.tlm_gp0_access_i = in_gp0;
    t.tlm_mismatch_i = mismatched;
  }

  void set_stream_pins(unsigned s, bool valid, uint64_t data, uint8_t keep, bool last) {
    Model& t = *top;
    if (s == 0) t.s_axis_a_tvalid = valid, t.s_axis_a_tdata = data, t.s_axis_a_tkeep = keep, t.s_axis_a_tlast = last;
    if (s == 1) t.s_axis_b_tvalid = valid, t.s_axis_b_tdata = data, t.s_axis_b_tkeep = keep, t.s_axis_b_tlast = last;
    if (s == 2) t.s_axis_c_tvalid = valid, t.s_axis_c_tdata = data, t.s_axis_c_tkeep = keep, t.s_axis_c_tlast = last;
  }
  bool stream_ready(unsigned s) {
    return s == 0 ? top->s_axis_a_tready : s == 1 ? top->s_axis_b_tready : top->s_axis_c_tready;
  }

  // Transfers armed since the last look become the streams' current transfers.
  void pick_up_transfers() {
    for (unsigned s = 0; s < 3; ++s)
      if (!src[s].active && src_if[s] && src_if[s]->armed()) {
        src[s].active = true;
        src[s].in = src_if[s]->peek();
        src[s].next = 0;
        if (src[s].in.beats != (src[s].in.bytes + kBeatBytes - 1) / kBeatBytes)
          set_fault(std::string("stream ") + kStreamName[s] + ": the DMA's beats are not 64-bit (" +
                    std::to_string(src[s].in.beats) + " beats for " + std::to_string(src[s].in.bytes) +
                    " bytes); the RTL top has 64-bit streams");
      }
    if (!r_active && sink_if && sink_if->armed()) {
      r_active = true;
      r_ready = sink_if->ready();
      r_accepted = 0;
      r_buf.clear();
    }
  }

  // One clock cycle: present the streams, evaluate, record the handshakes, clock edge.
  void tick() {
    pick_up_transfers();
    capture_for_check();
    const Cycle t = cyc;
    bool valid[3];
    for (unsigned s = 0; s < 3; ++s) {
      Src& x = src[s];
      valid[s] = x.active && x.next < x.in.beats && x.in.valid.at(x.next) <= t;
      uint64_t data = 0;
      uint8_t keep = 0;
      if (valid[s]) {
        const uint64_t off = x.next * kBeatBytes, n = std::min<uint64_t>(kBeatBytes, x.in.bytes - off);
        std::memcpy(&data, x.in.data + off, n);
        keep = static_cast<uint8_t>((1u << n) - 1);
      }
      set_stream_pins(s, valid[s], data, keep, valid[s] && x.next + 1 == x.in.beats);
    }
    const bool rdy = r_active && t >= r_ready.at(r_accepted);
    top->m_axis_r_tready = rdy;
    set_markers(pend.on && pend.computed && pend.exp.t_done == t);
    top->eval();
    for (unsigned s = 0; s < 3; ++s)
      if (valid[s] && stream_ready(s)) {
        Src& x = src[s];
        last_progress = t;
        if (pend.on && pend.need[s] && ++pend.taken[s] == pend.need[s]) pend.consumed[s] = true, pend.rtl_in_last[s] = t;
        if (++x.next == x.in.beats) {
          x.active = false;
          src_if[s]->take_all(t);
        }
      }
    if (top->m_axis_r_tvalid && rdy) {
      last_progress = t;
      ++r_accepted;
      const uint64_t d = top->m_axis_r_tdata;
      const unsigned n = static_cast<unsigned>(__builtin_popcount(top->m_axis_r_tkeep & 0xFF));
      const auto* b = reinterpret_cast<const uint8_t*>(&d);
      r_buf.insert(r_buf.end(), b, b + n);
      if (pend.on) pend.rtl_out.insert(pend.rtl_out.end(), b, b + n);
      if (top->m_axis_r_tlast) {
        r_active = false;
        sink_if->put(r_buf.data(), r_buf.size(), t);
      }
    }
    const uint8_t done = root().tinypynq_pl_sim__DOT__u_top__DOT__u_done & 7;
    const uint8_t w_range = root().tinypynq_pl_sim__DOT__u_top__DOT__u_w_range & 7;
    edge();
    ++cyc;
    ++n_clocked;
    for (unsigned u = 0; u < 3; ++u)
      if (done >> u & 1) complete(u, t, (w_range >> u) & 1);
    const bool lv[3] = {bool(top->irq_vec), bool(top->irq_red), bool(top->irq_mmu)};
    for (unsigned u = 0; u < 3; ++u)
      if (lv[u] != irq_level[u]) {
        irq_level[u] = lv[u];
        if (irq_q.empty()) {
          const sc_time at = time_of(cyc), now = sc_core::sc_time_stamp();
          irq_ev.notify(at > now ? at - now : sc_core::SC_ZERO_TIME);
        }
        irq_q.push_back({cyc, irq_line[u], lv[u]});
      }
  }

  bool quiescent() {
    return !busy_bits() && !top->m_axis_r_tvalid && !top->s_axi_bvalid && !top->s_axi_rvalid;
  }
  // Evaluate every cycle before t (idle ones are skipped).
  void advance_to(Cycle t) {
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
  bool waiting_for_ps() const {
    if (!pend.on) return false;
    for (unsigned s = 0; s < 3; ++s)
      if (pend.need[s] && !pend.consumed[s] && !src[s].active && !(src_if[s] && src_if[s]->armed())) return true;
    return !r_active && !(sink_if && sink_if->armed());
  }
  bool needs_clock() {
    if (halted || quiescent()) return false;
    return !(waiting_for_ps() && cyc - last_progress > kExternalGrace);
  }
  void watchdog() {
    if (cyc - last_progress <= opt.watchdog_cycles || waiting_for_ps() || !busy_bits()) return;
    std::ostringstream o;
    o << "watchdog: the RTL made no stream handshake for " << (cyc - last_progress) << " cycles (cycle " << cyc
      << ") although every stream it uses is armed; " << describe();
    set_fault(o.str());
    halted = true;
  }

  void set_fault(const std::string& f) {
    if (fault_text.empty()) {
      fault_text = f;
      SC_REPORT_WARNING(owner ? owner->name() : "rtl", f.c_str());
    }
  }

  // ---- the lockstep checker

  void capture_for_check() {
    if (!opt.lockstep || !pend.on || pend.computed || !pend.checkable) return;
    for (unsigned s = 0; s < 3; ++s)
      if (pend.need[s] && !pend.have_in[s] && src[s].active && src[s].next == 0) {
        pend.in[s] = src[s].in;
        pend.have_in[s] = true;
      }
    if (!pend.have_r && r_active && r_accepted == 0) pend.r = r_ready, pend.have_r = true;
    for (unsigned s = 0; s < 3; ++s)
      if (pend.need[s] && !pend.have_in[s]) return;
    if (!pend.have_r) return;
    const tlm::StreamIn* in[3] = {nullptr, nullptr, nullptr};
    for (unsigned s = 0; s < 3; ++s) {
      if (!pend.need[s]) continue;
      if (pend.in[s].beats != pend.need[s]) pend.tlast_warn = reg::ST_W_TLAST;
      if (pend.in[s].beats < pend.need[s]) {  // the TLM unit would wait for ever: nothing to compare
        pend.checkable = false;
        return;
      }
      in[s] = &pend.in[s];
    }
    const tlm::UnitResult res = shadow[pend.unit]->run(pend.cmd, pend.t0, in, pend.r, nullptr);
    pend.exp_out.assign(res.out, res.out + res.out_bytes);
    pend.exp = res.timing;
    pend.exp_warn = res.warnings;
    if (opt.tamper) opt.tamper(pend.unit, pend.exp_out, pend.exp);
    pend.computed = true;
  }

  void mismatch(const std::string& what, int64_t index = -1, uint32_t tb = 0, uint32_t rb = 0) {
    Mismatch m;
    m.unit = kUnitName[pend.unit];
    m.command = shadow[pend.unit]->describe(pend.cmd) + " started in cycle " + std::to_string(pend.t0);
    m.what = what;
    m.index = index, m.tlm_bits = tb, m.rtl_bits = rb;
    m.tlm_cycles = pend.exp.cycles;
    m.rtl_cycles = last.timing.cycles;
    mismatched = true;
    set_fault("lockstep (RTL vs TLM) " + m.str());
  }

  void check_command() {
    if (!opt.lockstep || !pend.checkable) return;
    if (!pend.computed) {
      mismatch("the RTL finished before the TLM model had all its streams");
      return;
    }
    const auto& e = pend.exp_out;
    const auto& r = pend.rtl_out;
    for (size_t i = 0; i + 4 <= std::min(e.size(), r.size()); i += 4) {
      uint32_t a, b;
      std::memcpy(&a, &e[i], 4), std::memcpy(&b, &r[i], 4);
      if (a != b) return mismatch("result bits differ", static_cast<int64_t>(i / 4), a, b);
    }
    if (e.size() != r.size())
      return mismatch("result lengths differ (tlm " + std::to_string(e.size()) + " bytes, rtl " +
                      std::to_string(r.size()) + ")");
    const bool wr_t = pend.exp_warn & reg::ST_W_RANGE, wr_r = last.warnings & reg::ST_W_RANGE;
    if (wr_t != wr_r)
      return mismatch(std::string("W_RANGE differs (tlm ") + (wr_t ? "1" : "0") + ", rtl " + (wr_r ? "1" : "0") + ")");
    for (unsigned s = 0; s < 3; ++s)
      if (pend.need[s] && pend.exp.in_last[s] != pend.rtl_in_last[s])
        return mismatch(std::string("last handshake on stream ") + kStreamName[s] + " differs (tlm cycle " +
                        std::to_string(pend.exp.in_last[s]) + ", rtl " + std::to_string(pend.rtl_in_last[s]) + ")");
    if (pend.exp.t_done != last.timing.t_done) return mismatch("CYCLES differ");
    ++n_checked;
  }

  void complete(unsigned u, Cycle t_done, bool w_range) {
    last_progress = t_done;
    if (!pend.on || pend.unit != u) {
      set_fault(std::string("the RTL ") + kUnitName[u] + " unit signalled done in cycle " + std::to_string(t_done) +
                " with no command of it running");
      return;
    }
    last = tlm::PlCommandRecord{u, kUnitName[u], pend.cmd, pend.t0, {}, 0};
    last.timing.t_done = t_done;
    last.timing.cycles = t_done - pend.t0;
    for (unsigned s = 0; s < 3; ++s) last.timing.in_last[s] = pend.rtl_in_last[s];
    last.warnings = (w_range ? reg::ST_W_RANGE : 0) | pend.tlast_warn;
    check_command();
    ++n_commands;
    pend.on = false;
    if (observer) observer(last);
  }

  // A START write in cycle t: the TLM model's verdict (before the cycle is clocked) and the
  // RTL's (its BUSY bit in the next cycle) must agree.
  uint8_t tlm_verdict(unsigned u) const {  // ERR_CODE the TLM model gives a START now (0: accept)
    const tlm::PlUnit& x = *shadow[u];
    return pend.on ? reg::ERR_BUSY : x.check(x.regs.live());
  }
  void start_written(unsigned u, Cycle t, uint8_t code, bool rtl_accepted) {
    tlm::PlUnit& x = *shadow[u];
    if (opt.lockstep && (code == 0) != rtl_accepted) {
      std::ostringstream o;
      o << "lockstep (RTL vs TLM): START of the " << kUnitName[u] << " unit with " << x.describe(x.regs.live())
        << " in cycle " << t << ": the TLM model " << (code ? "rejects it (ERR_CODE " + std::to_string(code) + ")" : "accepts it")
        << ", the RTL " << (rtl_accepted ? "accepts it" : "rejects it");
      mismatched = true;
      set_fault(o.str());
    }
    if (!rtl_accepted) {
      x.regs.reject(code ? code : reg::ERR_BAD_OP);
      return;
    }
    x.regs.accept(t);
    x.on_accept(x.regs.command());
    pend = Pending{};
    pend.on = true;
    pend.unit = u;
    pend.cmd = x.regs.command();
    pend.t0 = t;
    ++accepted;
    x.input_beats(pend.cmd, pend.need);
    last_progress = t;
  }

  std::string describe() const override {
    std::ostringstream o;
    o << "RTL PL at cycle " << cyc << " (" << n_clocked << " clocked)";
    if (pend.on) {
      o << ", " << kUnitName[pend.unit] << " busy with " << shadow[pend.unit]->describe(pend.cmd) << " since cycle "
        << pend.t0;
      for (unsigned s = 0; s < 3; ++s)
        if (pend.need[s])
          o << "; stream " << kStreamName[s] << ": "
            << (pend.consumed[s] ? "all beats taken"
                                 : src[s].active ? std::to_string(src[s].next) + "/" + std::to_string(src[s].in.beats) +
                                                       " beats taken"
                                                 : std::string("no transfer (MM2S_LENGTH not written?)"));
      o << "; stream R: "
        << (r_active ? std::to_string(r_accepted) + " beats accepted" : std::string("not armed (S2MM_LENGTH not written?)"));
    } else {
      o << ", idle";
    }
    if (halted) o << " [halted by the watchdog]";
    return o.str();
  }

  // Reads every ID/CFG register and SYS.FCLK_HZ of the design and compares them with the TLM
  // units built from the configuration (which the platform's other models follow).
  void check_config() {
    pulse_reset();
    auto rd = [&](uint32_t addr) {
      top->s_axi_araddr = addr;
      top->s_axi_arvalid = 1;
      top->eval();
      edge();
      top->s_axi_arvalid = 0;
      top->eval();
      const uint32_t v = top->s_axi_rdata;
      edge();
      return v;
    };
    std::ostringstream diff;
    for (unsigned u = 0; u < 3; ++u)
      for (uint32_t off : {reg::ID, reg::CFG0, reg::CFG1, reg::CFG2}) {
        const uint32_t want = shadow[u]->regs.read(off, 0), got = rd((u + 1) * reg::WINDOW + off);
        if (want != got)
          diff << " " << kUnitName[u] << " register 0x" << std::hex << off << ": RTL 0x" << got << ", configuration 0x"
               << want << std::dec << ";";
      }
    if (const uint32_t hz = rd(reg::SYS_FCLK_HZ); hz != static_cast<uint32_t>(cfg.pl_clock_hz + 0.5))
      diff << " SYS.FCLK_HZ: RTL " << hz << ", configuration " << static_cast<uint64_t>(cfg.pl_clock_hz + 0.5) << ";";
    if (!diff.str().empty())
      throw std::invalid_argument(
          "rtl: the Verilated PL was built with other parameters than the board configuration (rebuild rtl/top "
          "with the configuration's sizes, or use the default board):" +
          diff.str());
    pulse_reset();
  }

  // aresetn for two cycles; cycle numbering goes on (the pulse takes no kernel time, as in the
  // TLM model), SYS.TIME restarts.
  void pulse_reset() {
    for (unsigned s = 0; s < 3; ++s) set_stream_pins(s, false, 0, 0, false);
    top->m_axis_r_tready = 0;
    top->s_axi_awvalid = top->s_axi_wvalid = top->s_axi_arvalid = 0;
    top->s_axi_bready = top->s_axi_rready = 1;
    top->aresetn = 0;
    // In the waveform the two cycles are squeezed into the half cycle before cycle cyc (after
    // the last clocked cycle's rising edge): the pulse takes no kernel time.
    const uint64_t q = ps_per_cycle / 8, base = cyc * ps_per_cycle - std::min(cyc * ps_per_cycle, 4 * q);
    for (uint64_t i = 0; i < 2; ++i) {
      set_markers(false);
      top->eval();
      edge(base + 2 * i * q, base + (2 * i + 1) * q);
    }
    top->aresetn = 1;
    top->eval();
    skipped = 0;
    time_hi = 0;
  }

  // ---- RtlPl's operations

  void start() override {
    check_config();
    open_trace();
    pulse_reset();
  }
  void bind_streams(tlm::AxisSource* a, tlm::AxisSource* b, tlm::AxisSource* c, tlm::AxisSink* r) override {
    if (!r) throw std::invalid_argument("RtlPl::bind_streams: stream R (S2MM) is required");
    src_if[0] = a, src_if[1] = b, src_if[2] = c;
    sink_if = r;
  }
  void bind_irq(tlm::IrqSink* irq, unsigned line_vec, unsigned line_red, unsigned line_mmu) override {
    irq_if = irq;
    irq_line[0] = line_vec, irq_line[1] = line_red, irq_line[2] = line_mmu;
  }
  void b_transport(::tlm::tlm_generic_payload& gp, sc_time& delay) override {
    const uint64_t addr = gp.get_address();
    if (gp.get_command() == ::tlm::TLM_IGNORE_COMMAND) return gp.set_response_status(::tlm::TLM_OK_RESPONSE);
    // The transactor carries whole 32-bit words, as the TLM twin accepts (pl_top.h).
    if (gp.get_data_length() != 4 || gp.get_streaming_width() < 4)
      return gp.set_response_status(::tlm::TLM_BURST_ERROR_RESPONSE);
    if (addr % 4 || addr >= reg::TOP_BYTES) return gp.set_response_status(::tlm::TLM_ADDRESS_ERROR_RESPONSE);
    if (const unsigned char* be = gp.get_byte_enable_ptr()) {
      const unsigned n = gp.get_byte_enable_length();
      for (unsigned i = 0; i < 4; ++i)
        if (n == 0 || be[i % n] != TLM_BYTE_ENABLED) return gp.set_response_status(::tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    }
    const sc_time now = sc_core::sc_time_stamp();
    advance_to(cycle_at(now + delay));
    Model& t = *top;
    const bool wr = gp.is_write();
    uint32_t v = 0;
    if (wr) {
      std::memcpy(&v, gp.get_data_ptr(), 4);
      t.s_axi_awaddr = static_cast<uint32_t>(addr), t.s_axi_wdata = v, t.s_axi_wstrb = 0xF;
      t.s_axi_awvalid = t.s_axi_wvalid = 1;
    } else {
      t.s_axi_araddr = static_cast<uint32_t>(addr);
      t.s_axi_arvalid = 1;
    }
    t.s_axi_bready = t.s_axi_rready = 1;
    in_gp0 = true;  // marker: from the cycle VALID is driven to the handshake cycle
    const unsigned win = static_cast<unsigned>(addr / reg::WINDOW);
    const uint32_t off = static_cast<uint32_t>(addr % reg::WINDOW);
    for (unsigned i = 0;; ++i) {
      t.eval();
      if (wr ? bool(t.s_axi_awready && t.s_axi_wready) : bool(t.s_axi_arready)) break;
      if (i == kAxiLiteMaxWait) {
        t.s_axi_awvalid = t.s_axi_wvalid = t.s_axi_arvalid = 0;
        in_gp0 = false;
        std::ostringstream o;
        o << "the RTL's AXI-Lite slave did not answer an access to offset 0x" << std::hex << addr << std::dec
          << " within " << kAxiLiteMaxWait << " cycles";
        set_fault(o.str());
        return gp.set_response_status(::tlm::TLM_GENERIC_ERROR_RESPONSE);
      }
      tick();
    }
    const Cycle hs = cyc;  // the handshake cycle: the access takes effect at its end
    // TLM's verdict on a START is taken in the state before the cycle is clocked (a command
    // ending in this very cycle still makes it BUSY).
    bool is_start = false;
    uint8_t verdict = 0;
    if (wr && win > 0 && (is_start = shadow[win - 1]->regs.write(off, v))) verdict = tlm_verdict(win - 1);
    const uint64_t time_q = root().tinypynq_pl_sim__DOT__u_top__DOT__time_q;
    tick();
    in_gp0 = false;
    t.s_axi_awvalid = t.s_axi_wvalid = t.s_axi_arvalid = 0;
    t.eval();
    const unsigned resp = wr ? t.s_axi_bresp : t.s_axi_rresp;
    if (!wr) {
      v = t.s_axi_rdata;
      if (win == 0 && off == reg::SYS_TIME_LO) {  // idle cycles were not clocked: add them back
        const uint64_t full = time_q + skipped;
        v = static_cast<uint32_t>(full);
        time_hi = full >> 32;
      } else if (win == 0 && off == reg::SYS_TIME_HI) {
        v = static_cast<uint32_t>(time_hi);
      }
      std::memcpy(gp.get_data_ptr(), &v, 4);
    }
    if (is_start) start_written(win - 1, hs, verdict, (busy_bits() >> (win - 1)) & 1);
    kick_ev.notify(sc_core::SC_ZERO_TIME);
    const sc_time done = time_of(cyc);  // the response arrives in the cycle after the handshake
    delay = done > now ? done - now : sc_core::SC_ZERO_TIME;
    gp.set_response_status(resp == 0 ? ::tlm::TLM_OK_RESPONSE : ::tlm::TLM_GENERIC_ERROR_RESPONSE);
  }

  void thread() override {
    sc_core::sc_event_or_list wake;
    wake |= kick_ev;
    for (tlm::AxisSource* s : src_if)
      if (s) wake |= s->armed_event();
    if (sink_if) wake |= sink_if->armed_event();
    for (;;) {
      if (!needs_clock()) {
        sc_core::wait(wake);
        continue;
      }
      // Cycles before cycle_at(now) are past: no later access can land in them.
      advance_to(cycle_at(sc_core::sc_time_stamp()));
      if (!needs_clock()) continue;
      sc_core::wait(time_of(cyc + 1) - sc_core::sc_time_stamp());
    }
  }

  void irq_method() override {
    const sc_time now = sc_core::sc_time_stamp();
    while (!irq_q.empty() && time_of(irq_q.front().at) <= now) {
      if (irq_if) irq_if->set_irq(irq_q.front().line, irq_q.front().level);
      irq_q.pop_front();
    }
    if (!irq_q.empty()) irq_ev.notify(time_of(irq_q.front().at) - now);
  }

  void reset() override {
    advance_to(cycle_at(sc_core::sc_time_stamp()));  // SYS.TIME restarts at the kernel's cycle
    pulse_reset();
    for (auto& u : shadow) {
      u->regs.reset();
      u->on_reset();
    }
    pend = Pending{};
    for (Src& s : src) s.active = false;
    r_active = false;
    halted = false;
    last_progress = cyc;
    const bool lv[3] = {bool(top->irq_vec), bool(top->irq_red), bool(top->irq_mmu)};
    irq_q.clear();
    for (unsigned u = 0; u < 3; ++u) {
      irq_level[u] = lv[u];
      if (irq_if) irq_if->set_irq(irq_line[u], lv[u]);
    }
    kick_ev.notify(sc_core::SC_ZERO_TIME);
  }

  sc_core::sc_event& irq_event() override { return irq_ev; }
  void sync(const sc_time& t) override {
    advance_to(cycle_at(t));
    kick_ev.notify(sc_core::SC_ZERO_TIME);
  }
  uint64_t commands() const override { return n_commands; }
  uint64_t checked() const override { return n_checked; }
  uint64_t clocked() const override { return n_clocked; }
  const tlm::PlCommandRecord& last_command() const override { return last; }
  void set_observer(std::function<void(const tlm::PlCommandRecord&)> fn) override { observer = std::move(fn); }
  std::string fault() const override { return fault_text; }
};

using PlainSim = Sim<Vtinypynq_pl_sim, false>;
using TracedSim = Sim<Vtinypynq_pl_sim_fst, true>;
}  // namespace

RtlPl::RtlPl(sc_core::sc_module_name name, const BoardConfig& cfg, const RtlPlOptions& opt)
    : sc_module(name), s_axi("s_axi") {
  cfg.validate();
  if (opt.fst_path.empty() && opt.vcd_path.empty())
    impl_ = std::make_unique<PlainSim>(this, cfg, opt);
  else
    impl_ = std::make_unique<TracedSim>(this, cfg, opt);
  impl_->start();
  s_axi.register_b_transport(this, &RtlPl::b_transport);
  SC_THREAD(thread);
  SC_METHOD(irq_method);
  sensitive << impl_->irq_event();
  dont_initialize();
}

RtlPl::~RtlPl() = default;

void RtlPl::check_config(const BoardConfig& cfg) {
  cfg.validate();
  PlainSim(nullptr, cfg, RtlPlOptions{}).check_config();
}

void RtlPl::bind_streams(tlm::AxisSource* a, tlm::AxisSource* b, tlm::AxisSource* c, tlm::AxisSink* r) {
  impl_->bind_streams(a, b, c, r);
}
void RtlPl::bind_irq(tlm::IrqSink* irq, unsigned line_vec, unsigned line_red, unsigned line_mmu) {
  impl_->bind_irq(irq, line_vec, line_red, line_mmu);
}
void RtlPl::b_transport(::tlm::tlm_generic_payload& gp, sc_time& delay) { impl_->b_transport(gp, delay); }
void RtlPl::thread() { impl_->thread(); }
void RtlPl::irq_method() { impl_->irq_method(); }
void RtlPl::reset() { impl_->reset(); }
std::string RtlPl::describe() const { return impl_->describe(); }
uint64_t RtlPl::commands() const { return impl_->commands(); }
const tlm::PlCommandRecord& RtlPl::last_command() const { return impl_->last_command(); }
void RtlPl::set_command_observer(std::function<void(const tlm::PlCommandRecord&)> fn) {
  impl_->set_observer(std::move(fn));
}
std::string RtlPl::fault() const { return impl_->fault(); }
void RtlPl::sync(const sc_time& t) { impl_->sync(t); }
uint64_t RtlPl::clocked_cycles() const { return impl_->clocked(); }
uint64_t RtlPl::checked_commands() const { return impl_->checked(); }

}  // namespace tinypynq::cosim
