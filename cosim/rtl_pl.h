// SPDX-License-Identifier: MIT
// tinypynq — the `rtl` target's PL: the Verilated top level (rtl/top/tinypynq_pl_top.sv) in the
// SystemC platform behind pin-level transactors, with a lockstep checker against the TLM unit
// models (architecture.md invariants 2 and 3).
//
//   Platform::declare("rtl", cfg, [](const char* n, const BoardConfig& c) {
//     return std::make_unique<cosim::RtlPl>(n, c); });
//
// Transactors, clocked at FCLK0 (cycle c = kernel time c / f):
//  * AXI4-Lite: a GP0 access annotated to cycle t drives AWVALID+WVALID (or ARVALID) in cycle
//    t, clocks the design until the handshake, and answers with BRESP/RDATA of the next cycle
//    (SLVERR becomes TLM_GENERIC_ERROR_RESPONSE), adding one cycle to the delay as the TLM
//    twin does (hw-spec §7).
//  * Streams A, B, C: the running MM2S transfer's bytes (DDR, through DMI) are presented beat
//    by beat, beat i from the cycle its BeatSchedule allows and after beat i-1's handshake,
//    TKEEP trimming the last beat; the TLAST handshake cycle goes back to the DMA (take_all).
//  * Stream R: TREADY follows the S2MM channel's ready schedule; the packet goes to the DMA
//    (put) in the cycle of its TLAST handshake.
//  * IRQ_F2P: the unit interrupt pins, applied to the PS at the cycle they change.
// The design is clocked cycle by cycle only while it has work: a unit busy, an AXI response
// or an R beat pending. Idle cycles are skipped (nothing in the design changes in them but
// the free-running SYS.TIME counter, whose reads are corrected by the skipped count). The
// simulation thread keeps the design at the kernel's time while it is busy; an access from the
// PS (ahead of the kernel: temporal decoupling) first clocks the design up to its own cycle.
//
// The parts, one file each: axi_lite.h and axis.h (the pin-level transactors, ports.h their
// port structs), lockstep.h (the checker against the TLM unit models: the first difference
// becomes fault(), which the driver raises at its next wait), irq.h, fst_writer.h (--fst/--vcd),
// watchdog.h (a busy unit with no handshake for `watchdog_cycles` while every stream it uses is
// armed is hung: fault() says which streams moved how far and the design is no longer clocked
// until reset()), config_check.h. The Verilated wrapper rtl/sim/tinypynq_pl_sim.sv gives the
// checker its monitor ports (per-unit busy, done, W_RANGE, SYS.TIME). A unit waiting for a
// stream that is not armed is not clocked either until something is armed, so the driver's
// hang detection sees a stalled platform, as on the tlm target.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/board_config.h"
#include "cosim/wave_options.h"
#include "models/fp/view_writer.h"
#include "models/tlm/pl_block.h"

namespace tinypynq::cosim {

// An access of the command queue's sequencer on the PL's register bus (cosim/cq_twin.h).
struct CqTwinAccess {
  uint64_t t = 0;  // cycle
  bool write = false;
  uint32_t addr = 0, data = 0;
};

struct RtlPlOptions {
  // Waveform of the whole run (the traced model; none by default): pins and TLM-side markers
  // at depth 1, ... (cosim/wave_options.h). A VCD is recorded as FST and converted at close.
  WaveOptions waves;
  bool lockstep = true;            // check every command against the TLM unit models
  // pl_version 2: the view writer in RTL too (the model tinypynq_rtl_sim_v2_vw; cosim/vw_twin.h),
  // the TLM writer its twin. Off: the TLM writer takes R from the pins (the default, whose
  // timing is the tlm target's). With it the writer's back-pressure on R stalls the RTL units,
  // which the TLM unit models do not follow (docs/pl-v2.md "The RTL writer on the rtl target").
  bool rtl_writer = false;
  // pl_version 2: the board's PL (tinypynq_pl_top_v2_cq: the writer and the command queue in RTL,
  // the model tinypynq_rtl_sim_v2_cq, traced), the TLM writer and queue their twins (cosim/
  // cq_twin.h): every access of the RTL queue's sequencer, every slot fetch and record word is
  // compared with the TLM queue's. Implies rtl_writer.
  bool rtl_queue = false;
  uint64_t watchdog_cycles = 20'000'000;  // 0.2 s at 100 MHz without a handshake
  // Tests of the checker only: alters the TLM side's expectation (result bytes, timing) of
  // each command before it is compared, to show that a difference is caught and reported.
  std::function<void(unsigned unit, std::vector<uint8_t>& out, pl::CmdTiming& timing)> tamper;
  // ... and of the TLM writer's expectation (rtl_writer): its planned bursts and its image of the
  // buffer (bytes from the buffer's first 8-byte beat) before they are compared.
  std::function<void(std::vector<pl::Burst>& bursts, std::vector<uint8_t>& image)> tamper_writer;
  // ... and of the TLM queue's expectation (rtl_queue): each access of its sequencer.
  std::function<void(CqTwinAccess& access)> tamper_queue;
};

class RtlPl : public sc_core::sc_module, public vp::PlBlock {
 public:
  tlm_utils::simple_target_socket<RtlPl> s_axi;

  SC_HAS_PROCESS(RtlPl);
  // Throws std::invalid_argument naming each register if the Verilated design's parameters
  // (ID/CFG registers, SYS.FCLK_HZ) differ from what cfg describes.
  static void check_config(const BoardConfig& cfg);
  RtlPl(sc_core::sc_module_name name, const BoardConfig& cfg, const RtlPlOptions& opt = {});
  ~RtlPl() override;

  tlm::tlm_target_socket<>& socket() override { return s_axi; }
  void bind_streams(vp::AxisSource* a, vp::AxisSource* b, vp::AxisSource* c, vp::AxisSink* r) override;
  void bind_irq(vp::IrqSink* irq, unsigned line_vec, unsigned line_red, unsigned line_mmu) override;
  void reset() override;
  std::string describe() const override;
  uint64_t commands() const override;
  const vp::PlCommandRecord& last_command() const override;
  void set_command_observer(std::function<void(const vp::PlCommandRecord&)> fn) override;
  std::string fault() const override;
  void sync(const sc_core::sc_time& t) override;  // clocks the design up to the access cycle
  bool clocked() const override { return true; }
  // pl_version 2 (the v2 top, rtl/sim/tinypynq_pl_sim_v2.sv): the readers are in the design.
  tlm::tlm_target_socket<>* vr_socket() override { return vr_s_.get(); }
  tlm::tlm_initiator_socket<>* vr_twin() override { return vr_twin_.get(); }
  tlm::tlm_target_socket<>* hp_twin(unsigned i) override { return i < 3 ? hp_twin_s_[i].get() : nullptr; }
  tlm::tlm_initiator_socket<>* hp_master(unsigned i) override { return i < 3 ? hp_m_[i].get() : nullptr; }
  // ... and the view writer: GP0's VW window, the TLM writer's registers and its HP master.
  tlm::tlm_target_socket<>* vw_socket() override { return vw_s_.get(); }
  tlm::tlm_initiator_socket<>* vw_twin() override { return vw_twin_.get(); }
  tlm::tlm_target_socket<>* vw_hp_twin() override { return vw_hp_s_.get(); }
  // ... and the command queue (rtl_queue): GP0's CQ window, the TLM queue's registers, the targets
  // of its register and HP masters, and HP3.
  tlm::tlm_target_socket<>* cq_socket() override { return cq_s_.get(); }
  tlm::tlm_initiator_socket<>* cq_twin() override { return cq_twin_.get(); }
  tlm::tlm_target_socket<>* cq_regs_twin() override { return cq_regs_s_.get(); }
  tlm::tlm_target_socket<>* cq_hp_twin() override { return cq_hp_s_.get(); }
  tlm::tlm_initiator_socket<>* cq_hp_master() override { return hp3_m_.get(); }

  uint64_t clocked_cycles() const;   // cycles the Verilated design was actually evaluated
  uint64_t checked_commands() const; // commands the lockstep checker compared (all matched)
  // pl_version 2: the RTL readers' fills and beats compared with their TLM twins, and of them
  // those later than the twin's always-ready plan (a lagging unit; see pl_clock.cpp v2_streams).
  uint64_t reader_fills() const, reader_fills_late() const, reader_beats() const, reader_beats_late() const;
  // pl_version 2: the RTL writer's transfers, bursts and R beats compared with its TLM twin's.
  uint64_t writer_transfers() const, writer_bursts() const, writer_beats() const;
  // rtl_queue: the RTL queue's register-bus accesses, slot fetches and record words compared.
  uint64_t queue_accesses() const, queue_fetches() const, queue_record_words() const;
  uint64_t queue_fetch_timing_differs() const;  // of the fetches, HP3 answered the two differently (cq_twin.h)

 // The implementation (rtl_pl.cpp: one per Verilated model, plain or traced).
  struct Impl;

 private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void vr_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void hp_b_transport(int i, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void vw_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void vw_hp_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  bool hp_dmi(int i, tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi);
  unsigned hp_dbg(int i, tlm::tlm_generic_payload& gp);
  void cq_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void cq_regs_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void cq_hp_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  bool cq_hp_dmi(tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi);
  unsigned cq_hp_dbg(tlm::tlm_generic_payload& gp);
  void make_cq_sockets();  // rtl_pl_twins.cpp
  void thread();
  void irq_method();
  std::unique_ptr<Impl> impl_;
  // pl_version 2 only (created when the board selects it, so v1 has no unbound sockets)
  std::unique_ptr<tlm_utils::simple_target_socket<RtlPl>> vr_s_;
  std::unique_ptr<tlm_utils::simple_initiator_socket<RtlPl>> vr_twin_;
  std::unique_ptr<tlm_utils::simple_target_socket_tagged<RtlPl>> hp_twin_s_[3];
  std::unique_ptr<tlm_utils::simple_initiator_socket<RtlPl>> hp_m_[3];
  std::unique_ptr<tlm_utils::simple_target_socket<RtlPl>> vw_s_, vw_hp_s_;
  std::unique_ptr<tlm_utils::simple_initiator_socket<RtlPl>> vw_twin_;
  std::unique_ptr<tlm_utils::simple_target_socket<RtlPl>> cq_s_, cq_regs_s_, cq_hp_s_;
  std::unique_ptr<tlm_utils::simple_initiator_socket<RtlPl>> cq_twin_, hp3_m_;
};

}  // namespace tinypynq::cosim
