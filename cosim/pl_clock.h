// SPDX-License-Identifier: MIT
// tinypynq co-simulation — the rtl target's Verilated PL clocked cycle by cycle in kernel time
// (cosim/rtl_pl.h is the SystemC module around it): the stream transactors fed from the DMA
// models, the lockstep checker, the IRQ pins, the watchdog, the waveform, idle-cycle skipping.
// Not templated on the model: it drives the model through its pins (ports.h PlSimPins) and an
// eval function, so it is compiled once for the plain and the traced Verilation.
//
//   PlClock c(name, cfg, opt, pl_sim_pins(model), &model, [](void* m) { static_cast<M*>(m)->eval(); });
//   c.bind_streams(a, b, c_, r);  c.check_config();  c.pulse_reset();
//   c.advance_to(c.cycle_at(now));   // clocks every busy cycle before now, skips idle ones
//
// Cycle c of the design is kernel time [c*T, (c+1)*T) (T = 1 / FCLK0). In the waveform its
// inputs change at c*T with aclk low and the rising edge that ends it is drawn at c*T + T/2;
// cycles that are not clocked (idle) leave a gap.
#pragma once

#include <systemc>

#include <functional>
#include <string>

#include "base/board_config.h"
#include "cosim/cq_twin.h"
#include "cosim/fst_writer.h"
#include "cosim/irq.h"
#include "cosim/lockstep.h"
#include "cosim/ports.h"
#include "cosim/rtl_pl.h"
#include "cosim/vw_twin.h"
#include "cosim/watchdog.h"
#include "hw/tp_contract.h"
#include "models/tlm/axi_fill_check.h"
#include "models/tlm/view_reader_tlm.h"

namespace tinypynq::cosim {

struct PlClock {
  using EvalFn = void (*)(void* model);
  PlClock(std::string owner, const BoardConfig& cfg, const RtlPlOptions& opt, PlSimPins pins, void* model, EvalFn eval);

  std::string owner;  // for SC_REPORT_WARNING
  BoardConfig cfg;
  RtlPlOptions opt;
  sc_core::sc_time period;
  uint64_t ps_per_cycle = 10'000;
  PlSimPins pins;
  void* model;
  EvalFn eval_fn;
  Lockstep ls;
  AxiLiteMaster gp0;
  PinAxisSource xa[3];
  PinAxisSink xr;
  // pl_version 2 (pins.v2()): the readers' HP ports bridged to the DDR model, their AXI rules,
  // and the readers' streams (inside the design) followed through the monitor outputs.
  HpReadBridge hp[3];
  vp::AxiFillChecker fill_check;
  VwTwin vw;  // the view writer inside (pins.with_vw()): its HP0 bridge and its TLM twin
  CqTwin cq;  // the command queue inside (pins.with_cq()): its HP3 bridges and its TLM twin's accesses
  uint64_t v2_sent[3] = {0, 0, 0};   // beats of the current transfer handshaken
  size_t v2_fill[3] = {0, 0, 0};     // fills of the current transfer seen
  ValidSince v2_offer[3];  // the readers' beats into the units
  Cycle v2_last_hs[3] = {0, 0, 0};
  struct ReaderStats {  // compared with the TLM twins (all equal, or later where allowed)
    uint64_t fills = 0, fills_late = 0, beats = 0, beats_late = 0;
  } v2_stats;
  IrqPins irq;
  Watchdog wd;
  FstWriter fst;  // the traced model only
  bool gap_marked = false;  // the markers were dumped at the start of the current gap

  vp::AxisSource* src_if[3] = {nullptr, nullptr, nullptr};
  vp::AxisSink* sink_if = nullptr;
  const vp::ViewReader* vr_if[3] = {nullptr, nullptr, nullptr};  // pl_version 2: src_if as readers (vr_err)
  uint8_t err_bits = 0;  // s_axis_err driven in the last cycle
  Cycle err_since[3] = {0, 0, 0};
  struct Src {  // the MM2S transfer the transactor presents
    bool active = false;
    vp::StreamIn in;
  } src[3];
  pl::BeatSchedule r_ready;  // the S2MM transfer's ready schedule

  Cycle cyc = 0;           // the next cycle to evaluate (kernel cycle numbering)
  uint64_t n_clocked = 0;  // cycles evaluated
  uint64_t skipped = 0;    // idle cycles not evaluated since the last reset (SYS.TIME)
  uint64_t time_hi = 0;    // corrected SYS.TIME_HI latched by a TIME_LO read
  bool halted = false;     // the watchdog fired: no more clocking until reset
  std::string fault_text;
  std::function<void(const vp::PlCommandRecord&)> observer;
  bool in_gp0 = false;  // marker: a GP0 access is on the AXI-Lite port

  void eval() { eval_fn(model); }
  uint8_t busy_bits() const { return *pins.mon_busy & 7; }
  uint64_t beats_sent(unsigned s) const { return pins.v2() ? v2_sent[s] : xa[s].sent(); }
  sc_core::sc_time time_of(Cycle c) const { return sc_core::sc_time::from_value(c * period.value()); }
  Cycle cycle_at(const sc_core::sc_time& t) const {
    const auto p = period.value();
    return (t.value() + p - 1) / p;
  }
  IrqPins::Levels irq_levels() const {
    if (pins.irq_f2p)
      return {bool(*pins.irq_f2p >> hw::irq::VEC & 1), bool(*pins.irq_f2p >> hw::irq::RED & 1),
              bool(*pins.irq_f2p >> hw::irq::MMU & 1), bool(*pins.irq_f2p >> hw::irq::VW & 1),
              bool(*pins.irq_f2p >> hw::irq::CQ & 1)};
    return {bool(*pins.irq[0]), bool(*pins.irq[1]), bool(*pins.irq[2]), false, false};
  }

  // waveform: opens opt.waves with attach (the traced model's trace()); after check_config()
  void open_trace(const std::function<void(VerilatedFstC&)>& attach);
  void edge(uint64_t t_lo, uint64_t t_hi);  // the rising edge; dumps the cycle at t_lo, t_hi
  void edge() { edge(cyc * ps_per_cycle, cyc * ps_per_cycle + ps_per_cycle / 2); }
  void mark_gap();
  void set_markers(bool exp_done, bool query_dma = true);

  // clocking
  void pick_up_transfers();
  bool r_fresh() const {  // R's sink is armed and has taken no beat yet: r_ready is its schedule
    return vw.active() ? sink_if && sink_if->armed() && vw.r_beats() == 0 : xr.armed() && xr.accepted() == 0;
  }
  void v2_streams(Cycle t);  // after the evaluation of cycle t: the readers' beats and fills
  void r_last(Cycle t);      // R's TLAST handshake in cycle t: the TLM sink's put
  void tick();  // one cycle: streams, evaluation, handshakes, edge, done pulses, IRQs
  bool quiescent() const {
    if (pins.v2() && ((*pins.mon_vr_active & 7) || hp[0].busy() || hp[1].busy() || hp[2].busy())) return false;
    if (vw.active() && vw.busy()) return false;
    if (cq.active() && cq.busy()) return false;
    return !busy_bits() && !(pins.out.tvalid && *pins.out.tvalid) && !*pins.axil.bvalid && !*pins.axil.rvalid;
  }
  void advance_to(Cycle t);  // evaluate every cycle before t (idle ones are skipped)
  bool waiting_for_ps() const;
  bool needs_clock() const;
  void watchdog();
  void set_fault(const std::string& f);
  void complete(unsigned u, Cycle t_done, bool w_range);
  std::string describe() const;
  void pulse_reset();   // aresetn for two cycles; no kernel time; SYS.TIME restarts
  void check_config();  // config_check.h through the AXI-Lite master
  void reset_state();   // after a pulse: the checker, the transfers, the IRQ levels
};

}  // namespace tinypynq::cosim
