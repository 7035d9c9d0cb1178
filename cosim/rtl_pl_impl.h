// SPDX-License-Identifier: MIT
// tinypynq co-simulation — RtlPl's implementation, shared by its sources (rtl_pl.cpp: the model,
// GP0, the clocking thread; rtl_pl_twins.cpp: the TLM twins' HP traffic and the command queue's
// twin). Private to cosim/.
#pragma once

#include <systemc>
#include <tlm>

#include <memory>

#include "cosim/pl_clock.h"
#include "cosim/rtl_pl.h"
#include "hw/tp_contract.h"

class VerilatedFstC;

namespace tinypynq::cosim {

constexpr unsigned kAxiLiteMaxWait = 16;  // cycles an access may wait for its handshake
// The VR, VW and CQ windows inside the v2 top's AXI-Lite port (offsets from PL_TOP_BASE).
constexpr uint64_t kVrOffset = hw::win::VR_BASE - hw::win::PL_TOP_BASE;
constexpr uint64_t kVwOffset = hw::win::VW_BASE - hw::win::PL_TOP_BASE;
constexpr uint64_t kCqOffset = hw::win::CQ_BASE - hw::win::PL_TOP_BASE;

// The model: the PL top inside a simulation wrapper (rtl/sim/tinypynq_pl_sim.sv, _v2.sv: TLM-side
// marker inputs for the waveform, monitor outputs for the checker), Verilated in several builds
// (rtl/sim/CMakeLists.txt: plain for speed, since tracing code costs 5-13 % even when off; traced
// for --fst; v2 with the writer, with the queue, the training PL). Everything else is written
// once (pl_clock.h).
struct Model {
  virtual ~Model() = default;
  virtual PlSimPins pins() = 0;
  virtual void* get() = 0;
  virtual PlClock::EvalFn eval_fn() const = 0;
  virtual void attach(VerilatedFstC& f) = 0;
};
std::unique_ptr<Model> make_model(bool traced, const BoardConfig& cfg, const RtlPlOptions& opt);

// (rtl_pl.cpp)
void sync_to_kernel(sc_core::sc_time& delay);

// The SystemC side of RtlPl: GP0 accesses, the clocking thread, reset.
struct RtlPl::Impl {
  Impl(const char* name, const BoardConfig& cfg, const RtlPlOptions& opt)
      : model(make_model(opt.waves.enabled(), cfg, opt)),
        c(name, cfg, opt, model->pins(), model->get(), model->eval_fn()) {}
  ~Impl() { c.fst.close(); }  // before the model goes

  std::unique_ptr<Model> model;
  PlClock c;
  sc_core::sc_event kick_ev;

  void start() {
    c.check_config();
    if (c.opt.waves.enabled()) c.open_trace([this](VerilatedFstC& f) { model->attach(f); });
    c.pulse_reset();
  }

  // A GP0 access annotated to cycle t: VALID from cycle t, the design clocked to the handshake,
  // the response of the next cycle; one cycle added to the delay, as the TLM twin does (§7).
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);

  // Keeps the design at the kernel's time while it is busy; sleeps while it is idle.
  void thread();

  // GP0's VR, VW and CQ windows: the TLM twin takes the access, then the RTL (rtl_pl.cpp).
  void twin_access(tlm::tlm_initiator_socket<>& twin, uint64_t win_off, uint64_t win_size,
                   tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  // --rtl-queue (rtl_pl_twins.cpp): the TLM sequencer's access in cycle t, already expected of the
  // RTL's (CqTwin::expect): given to the TLM twins as a GP0 access is (the readers' and the
  // writer's registers, a unit window to the lockstep's shadow), then cycle t is clocked.
  void seq_access(tlm::tlm_generic_payload& gp, Cycle t, tlm::tlm_initiator_socket<>* vr_twin,
                  tlm::tlm_initiator_socket<>* vw_twin);

  void reset() {
    c.advance_to(c.cycle_at(sc_core::sc_time_stamp()));  // SYS.TIME restarts at the kernel's cycle
    c.pulse_reset();
    c.reset_state();
    kick_ev.notify(sc_core::SC_ZERO_TIME);
  }
  // A write to a unit's window (win 1..3 of PL_TOP) that is a START: the TLM shadow's verdict,
  // taken before the cycle is clocked; then, after it, the RTL's answer (BUSY in the next cycle).
  struct UnitStart {
    bool on = false;
    unsigned unit = 0;
    uint8_t verdict = 0;
  };
  UnitStart unit_write(unsigned win, uint32_t off, uint32_t v) {
    UnitStart s;
    if (win > 0 && win <= 3 && (s.on = c.ls.write(win - 1, off, v))) s.unit = win - 1, s.verdict = c.ls.verdict(win - 1);
    return s;
  }
  void unit_started(const UnitStart& s, Cycle t) {
    if (!s.on) return;
    const bool accepted = (c.busy_bits() >> s.unit) & 1;
    c.ls.start(s.unit, t, s.verdict, accepted);
    if (accepted) c.wd.progress(t);
  }
  // The same 32-bit access to a TLM twin's registers (offset inside its window), taking effect
  // `delay` from now; the twin's data (written, or read).
  static uint32_t twin_word(tlm::tlm_initiator_socket<>& twin, tlm::tlm_command cmd, uint64_t off, uint32_t v,
                            sc_core::sc_time delay) {
    tlm::tlm_generic_payload q;
    q.set_command(cmd);
    q.set_address(off);
    q.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
    q.set_data_length(4);
    q.set_streaming_width(4);
    q.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    twin->b_transport(q, delay);
    return v;
  }
  void sync(const sc_core::sc_time& t) {
    c.advance_to(c.cycle_at(t));
    kick_ev.notify(sc_core::SC_ZERO_TIME);
  }
};

}  // namespace tinypynq::cosim
