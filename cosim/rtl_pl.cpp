// SPDX-License-Identifier: MIT
// The Verilated headers come first: with SystemC already included they would take this for a
// SystemC (--sc) model and call ::sc_time_stamp(). Their generated structs are not -Wpedantic
// clean.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#include "Vtinypynq_pl_sim.h"
#include "Vtinypynq_pl_sim_fst.h"
#include "verilated.h"
#include "verilated_fst_c.h"
#pragma GCC diagnostic pop

#include "cosim/rtl_pl.h"

#include <algorithm>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "cosim/config_check.h"
#include "cosim/fst_writer.h"
#include "cosim/irq.h"
#include "cosim/lockstep.h"
#include "cosim/ports.h"
#include "cosim/watchdog.h"

namespace tinypynq::cosim {

using sc_core::sc_time;
namespace reg = tlm::pl_reg;

namespace {
// The model: tinypynq_pl_top inside the simulation wrapper rtl/sim/tinypynq_pl_sim.sv (TLM-side
// marker inputs for the waveform, monitor outputs for the checker). Verilated twice (rtl/sim):
// Vtinypynq_pl_sim without tracing for speed (tracing code costs 5-13 % even when off),
// Vtinypynq_pl_sim_fst with FST tracing for --fst. Sim<> below is written once for both.
constexpr unsigned kAxiLiteMaxWait = 16;     // cycles an access may wait for its handshake
constexpr uint64_t kExternalGrace = 100'000; // no handshake this long + a stream not armed: sleep
}  // namespace

// What RtlPl calls: one implementation per Verilated model (Sim<Model, traced>).
struct RtlPl::Impl {
  virtual ~Impl() = default;
  virtual void start() = 0;  // check the design's parameters, open the waveform, reset
  virtual void bind_streams(tlm::AxisSource* a, tlm::AxisSource* b, tlm::AxisSource* c, tlm::AxisSink* r) = 0;
  virtual void bind_irq(tlm::IrqSink* irq, unsigned line_vec, unsigned line_red, unsigned line_mmu) = 0;
  virtual void b_transport(::tlm::tlm_generic_payload& gp, sc_time& delay) = 0;
  virtual void thread() = 0;
  virtual sc_core::sc_event& irq_event() = 0;
  virtual void irq_method() = 0;
  virtual void reset() = 0;
  virtual void sync(const sc_time& t) = 0;
  virtual std::string describe() const = 0;
  virtual void check_config() = 0;
  virtual const Lockstep& lockstep() const = 0;
  virtual uint64_t clocked() const = 0;
  virtual void set_observer(std::function<void(const tlm::PlCommandRecord&)> fn) = 0;
  virtual std::string fault() const = 0;
};

namespace {
template <class Model, bool kTraced>
struct Sim final : RtlPl::Impl {
  Sim(RtlPl* o, const BoardConfig& c, const RtlPlOptions& op)
      : owner(o), cfg(c), opt(op), period(sc_time(1.0 / c.pl_clock_hz, sc_core::SC_SEC)),
        ctx(make_context(op.waves.enabled())), top(std::make_unique<Model>(ctx.get(), "TOP")),
        ls(c, {op.lockstep, op.tamper}, [this](const std::string& f) { set_fault(f); }), gp0(top_axil(*top)),
        xa{{top_in(*top, 0), kRtlStreamName[0]}, {top_in(*top, 1), kRtlStreamName[1]}, {top_in(*top, 2), kRtlStreamName[2]}},
        xr(top_out(*top), "R (DMA0 S2MM)"), irq(period), wd(op.watchdog_cycles) {
    ps_per_cycle = static_cast<uint64_t>(period.to_seconds() * 1e12 + 0.5);
  }
  ~Sim() override {
    fst.close();
    // Verilator 5.006 unregisters a model's scopes from the thread's current context, not the
    // model's: with several contexts in a process (one per rtl platform) that may be another,
    // already destroyed one. Make it this model's before the model goes.
    Verilated::threadContextp(ctx.get());
    top->final();
    top.reset();
  }
  static std::unique_ptr<VerilatedContext> make_context(bool trace) {
    auto c = std::make_unique<VerilatedContext>();
    c->traceEverOn(trace);
    return c;
  }

  RtlPl* owner;  // null for a bare design (check_config)
  BoardConfig cfg;
  RtlPlOptions opt;
  sc_time period;
  std::unique_ptr<VerilatedContext> ctx;  // declared before the model: destroyed after it
  std::unique_ptr<Model> top;
  Lockstep ls;
  AxiLiteMaster gp0;
  PinAxisSource xa[3];
  PinAxisSink xr;
  IrqPins irq;
  Watchdog wd;
  FstWriter fst;  // kTraced only
  bool gap_marked = false;  // the markers were dumped at the start of the current gap
  uint64_t ps_per_cycle = 10'000;

  tlm::AxisSource* src_if[3] = {nullptr, nullptr, nullptr};
  tlm::AxisSink* sink_if = nullptr;
  struct Src {  // the MM2S transfer the transactor presents
    bool active = false;
    tlm::StreamIn in;
  } src[3];
  pl::BeatSchedule r_ready;  // the S2MM transfer's ready schedule

  Cycle cyc = 0;           // the next cycle to evaluate (kernel cycle numbering)
  uint64_t n_clocked = 0;  // cycles evaluated
  uint64_t skipped = 0;    // idle cycles not evaluated since the last reset (SYS.TIME)
  uint64_t time_hi = 0;    // corrected SYS.TIME_HI latched by a TIME_LO read
  bool halted = false;     // the watchdog fired: no more clocking until reset()
  std::string fault_text;
  sc_core::sc_event kick_ev;
  std::function<void(const tlm::PlCommandRecord&)> observer;
  bool in_gp0 = false;  // marker: a GP0 access is on the AXI-Lite port

  uint8_t busy_bits() const { return top->mon_busy_o & 7; }
  sc_time time_of(Cycle c) const { return sc_time::from_value(c * period.value()); }
  Cycle cycle_at(const sc_time& t) const {
    const auto p = period.value();
    return (t.value() + p - 1) / p;
  }

  // ---- waveform (--fst, the traced model only): kernel cycle c is [c*T, (c+1)*T) in
  // picoseconds; its inputs (pins and markers) change at c*T with aclk low, the rising edge that
  // ends it is drawn at c*T + T/2. Cycles that are not clocked (idle) leave a gap.
  void open_trace() {  // after check_config(), so that its register reads are not in it
    if constexpr (kTraced) {
      try {
        // Scopes: TOP (pins and markers), TOP.tinypynq_pl_sim (the same again), .u_top, the units.
        fst.open(
            opt.waves, [this](VerilatedFstC& f) { top->trace(&f, 99); },
            [this] {  // the markers' last state (a mismatch found after the last clocked cycle)
              set_markers(false, false);
              top->eval();
              fst.dump(cyc * ps_per_cycle);
            });
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string("rtl: ") + e.what());
      }
    }
  }
  // The caller has applied and evaluated the cycle's inputs: dump them at t_lo, then the rising
  // edge that ends the cycle at t_hi, then the low phase (dumped with the next cycle's inputs).
  void edge(uint64_t t_lo, uint64_t t_hi) {
    fst.dump(t_lo);
    top->aclk = 1;
    top->eval();
    fst.dump(t_hi);
    top->aclk = 0;
    top->eval();
    gap_marked = false;
  }
  void edge() { edge(cyc * ps_per_cycle, cyc * ps_per_cycle + ps_per_cycle / 2); }
  // The first cycle not clocked: the markers as they are now, dumped at its start so that a
  // pulse does not last over the gap. The pins keep the last clocked cycle's values.
  void mark_gap() {
    if (!fst.is_open() || gap_marked) return;
    gap_marked = true;
    set_markers(false);
    top->eval();
    fst.dump(cyc * ps_per_cycle);
  }
  // The TLM-side markers of rtl/sim/tinypynq_pl_sim.sv for the cycle about to be evaluated.
  // query_dma = false keeps the last DMA state (the destructor: the DMA models may be gone).
  void set_markers(bool exp_done, bool query_dma = true) {
    Model& t = *top;
    t.tlm_cmd_unit_i = ls.busy() ? static_cast<uint8_t>(ls.running_unit() + 1) : 0;
    t.tlm_cmd_seq_i = static_cast<uint32_t>(ls.accepted());
    t.tlm_cmd_op_i = ls.busy() ? ls.running_op() : 0;
    t.tlm_exp_done_i = exp_done;
    if (query_dma) {
      uint8_t armed = 0;
      for (unsigned s = 0; s < 3; ++s)
        if (src_if[s] && src_if[s]->armed()) armed |= static_cast<uint8_t>(1u << s);
      if (sink_if && sink_if->armed()) armed |= 8;
      t.tlm_dma_armed_i = armed;
    }
    t.tlm_gp0_access_i = in_gp0;
    t.tlm_mismatch_i = ls.mismatched();
  }

  // ---- clocking

  // Transfers armed since the last look become the streams' current transfers.
  void pick_up_transfers() {
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

  // One clock cycle: present the streams, evaluate, record the handshakes, clock edge.
  void tick() {
    pick_up_transfers();
    const tlm::StreamIn* fresh[3] = {nullptr, nullptr, nullptr};
    for (unsigned s = 0; s < 3; ++s)
      if (src[s].active && xa[s].sent() == 0) fresh[s] = &src[s].in;
    ls.capture(fresh, xr.armed() && xr.accepted() == 0 ? &r_ready : nullptr);
    const Cycle t = cyc;
    for (PinAxisSource& a : xa) a.drive(t);
    xr.drive(t);
    set_markers(ls.expects_done(t));
    top->eval();
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
    const uint8_t done = top->mon_done_o & 7, w_range = top->mon_w_range_o & 7;
    edge();
    ++cyc;
    ++n_clocked;
    for (unsigned u = 0; u < 3; ++u)
      if (done >> u & 1) complete(u, t, (w_range >> u) & 1);
    irq.sample({bool(top->irq_vec), bool(top->irq_red), bool(top->irq_mmu)}, cyc);
  }

  bool quiescent() const { return !busy_bits() && !top->m_axis_r_tvalid && !top->s_axi_bvalid && !top->s_axi_rvalid; }
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
    if (!ls.busy()) return false;
    for (unsigned s = 0; s < 3; ++s)
      if (ls.need(s) && !ls.consumed(s) && !src[s].active && !(src_if[s] && src_if[s]->armed())) return true;
    return !xr.armed() && !(sink_if && sink_if->armed());
  }
  bool needs_clock() const {
    if (halted || quiescent()) return false;
    return !(waiting_for_ps() && wd.quiet(cyc) > kExternalGrace);
  }
  void watchdog() {
    if (!wd.expired(cyc) || waiting_for_ps() || !busy_bits()) return;
    std::ostringstream o;
    o << "watchdog: the RTL made no stream handshake for " << wd.quiet(cyc) << " cycles (cycle " << cyc
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
  void complete(unsigned u, Cycle t_done, bool w_range) {
    wd.progress(t_done);
    if (const tlm::PlCommandRecord* rec = ls.done(u, t_done, w_range); rec && observer) observer(*rec);
  }

  std::string describe() const override {
    std::ostringstream o;
    o << "RTL PL at cycle " << cyc << " (" << n_clocked << " clocked)";
    if (ls.busy()) {
      o << ", " << kRtlUnitName[ls.running_unit()] << " busy with " << ls.describe_running() << " since cycle "
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

  // aresetn for two cycles; cycle numbering goes on (the pulse takes no kernel time, as in the
  // TLM model), SYS.TIME restarts.
  void pulse_reset() {
    for (PinAxisSource& a : xa) a.idle();
    xr.reset();
    gp0.idle();
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

  // Reads every ID/CFG register and SYS.FCLK_HZ through the AXI-Lite master (config_check.h).
  void check_config() override {
    pulse_reset();
    std::string protocol;
    check_design_config(cfg, ls, [&](uint32_t addr) {
      gp0.begin_read(addr);
      top->eval();
      edge();
      gp0.end();
      top->eval();
      const AxiLiteMaster::Response r = gp0.response();
      if (protocol.empty()) protocol = gp0.error();
      edge();
      return r.data;
    });
    if (!protocol.empty()) throw std::invalid_argument("rtl: reading the design's ID registers: " + protocol);
    pulse_reset();
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
  void bind_irq(tlm::IrqSink* sink, unsigned line_vec, unsigned line_red, unsigned line_mmu) override {
    irq.bind(sink, {line_vec, line_red, line_mmu});
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
    const bool wr = gp.is_write();
    uint32_t v = 0;
    if (wr) {
      std::memcpy(&v, gp.get_data_ptr(), 4);
      gp0.begin_write(static_cast<uint32_t>(addr), v);
    } else {
      gp0.begin_read(static_cast<uint32_t>(addr));
    }
    in_gp0 = true;  // marker: from the cycle VALID is driven to the handshake cycle
    const unsigned win = static_cast<unsigned>(addr / reg::WINDOW);
    const uint32_t off = static_cast<uint32_t>(addr % reg::WINDOW);
    for (unsigned i = 0;; ++i) {
      top->eval();
      if (gp0.handshake()) break;
      if (i == kAxiLiteMaxWait || !gp0.error().empty()) {
        gp0.end();
        in_gp0 = false;
        std::ostringstream o;
        o << "the RTL's AXI-Lite slave did not answer an access to offset 0x" << std::hex << addr << std::dec
          << " within " << kAxiLiteMaxWait << " cycles";
        set_fault(gp0.error().empty() ? o.str() : gp0.error());
        return gp.set_response_status(::tlm::TLM_GENERIC_ERROR_RESPONSE);
      }
      tick();
    }
    const Cycle hs = cyc;  // the handshake cycle: the access takes effect at its end
    // TLM's verdict on a START is taken in the state before the cycle is clocked.
    bool is_start = false;
    uint8_t verdict = 0;
    if (wr && win > 0 && (is_start = ls.write(win - 1, off, v))) verdict = ls.verdict(win - 1);
    const uint64_t time_now = top->mon_time_o;
    tick();
    in_gp0 = false;
    gp0.end();
    top->eval();
    const AxiLiteMaster::Response r = gp0.response();  // in the cycle after the handshake
    if (!r.valid) set_fault(gp0.error());
    if (!wr) {
      v = r.data;
      if (win == 0 && off == reg::SYS_TIME_LO) {  // idle cycles were not clocked: add them back
        const uint64_t full = time_now + skipped;
        v = static_cast<uint32_t>(full);
        time_hi = full >> 32;
      } else if (win == 0 && off == reg::SYS_TIME_HI) {
        v = static_cast<uint32_t>(time_hi);
      }
      std::memcpy(gp.get_data_ptr(), &v, 4);
    }
    if (is_start) {
      const bool accepted = (busy_bits() >> (win - 1)) & 1;  // BUSY in the next cycle
      ls.start(win - 1, hs, verdict, accepted);
      if (accepted) wd.progress(hs);
    }
    kick_ev.notify(sc_core::SC_ZERO_TIME);
    const sc_time done = time_of(cyc);  // the response arrives in the cycle after the handshake
    delay = done > now ? done - now : sc_core::SC_ZERO_TIME;
    gp.set_response_status(r.valid && r.resp == 0 ? ::tlm::TLM_OK_RESPONSE : ::tlm::TLM_GENERIC_ERROR_RESPONSE);
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

  void reset() override {
    advance_to(cycle_at(sc_core::sc_time_stamp()));  // SYS.TIME restarts at the kernel's cycle
    pulse_reset();
    ls.reset();
    for (unsigned s = 0; s < 3; ++s) src[s].active = false, xa[s].clear();
    xr.disarm();
    halted = false;
    wd.progress(cyc);
    irq.reset({bool(top->irq_vec), bool(top->irq_red), bool(top->irq_mmu)});
    kick_ev.notify(sc_core::SC_ZERO_TIME);
  }

  sc_core::sc_event& irq_event() override { return irq.event(); }
  void irq_method() override { irq.deliver(); }
  void sync(const sc_time& t) override {
    advance_to(cycle_at(t));
    kick_ev.notify(sc_core::SC_ZERO_TIME);
  }
  const Lockstep& lockstep() const override { return ls; }
  uint64_t clocked() const override { return n_clocked; }
  void set_observer(std::function<void(const tlm::PlCommandRecord&)> fn) override { observer = std::move(fn); }
  std::string fault() const override { return fault_text; }
};

using PlainSim = Sim<Vtinypynq_pl_sim, false>;
using TracedSim = Sim<Vtinypynq_pl_sim_fst, true>;
}  // namespace

RtlPl::RtlPl(sc_core::sc_module_name name, const BoardConfig& cfg, const RtlPlOptions& opt)
    : sc_module(name), s_axi("s_axi") {
  cfg.validate();
  if (opt.waves.enabled())
    impl_ = std::make_unique<TracedSim>(this, cfg, opt);
  else
    impl_ = std::make_unique<PlainSim>(this, cfg, opt);
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
uint64_t RtlPl::commands() const { return impl_->lockstep().completed(); }
const tlm::PlCommandRecord& RtlPl::last_command() const { return impl_->lockstep().last(); }
void RtlPl::set_command_observer(std::function<void(const tlm::PlCommandRecord&)> fn) {
  impl_->set_observer(std::move(fn));
}
std::string RtlPl::fault() const { return impl_->fault(); }
void RtlPl::sync(const sc_time& t) { impl_->sync(t); }
uint64_t RtlPl::clocked_cycles() const { return impl_->clocked(); }
uint64_t RtlPl::checked_commands() const { return impl_->lockstep().checked(); }

}  // namespace tinypynq::cosim
