// SPDX-License-Identifier: MIT
// tinypynq — what the platform needs from "the PL": the AXI4-Lite slave on GP0, the streams
// A, B, C and R, the interrupt lines, reset, and a record of each command. Two
// implementations: PlTop (the TLM models, models/tlm/pl_top.h) and RtlPl (the Verilated RTL
// behind pin-level transactors, cosim/rtl_pl.h). The platform (platform.h) is assembled the
// same way around either, so the DMA, DDR and PS models are shared and one program runs on both.
//
//   std::unique_ptr<PlBlock> pl = factory("tinypynq_pl", cfg);
//   interconnect.m_axi_pl.bind(pl->socket());
//   pl->bind_streams(&dma0.mm2s(), &dma1.mm2s(), &dma2.mm2s(), &dma0.s2mm());
#pragma once

#include <systemc>
#include <tlm>

#include <cstdint>
#include <functional>
#include <string>

#include "models/fp/pl_stream.h"
#include "models/tlm/axis.h"
#include "models/tlm/pl_regs.h"

namespace tinypynq::vp {

// One command as it ran (for traces and the prediction report).
struct PlCommandRecord {
  unsigned unit = 0;          // 0 vector, 1 reduce, 2 matmul (ROUTE - 1)
  const char* unit_name = "";
  UnitCommand cmd;
  Cycle t0 = 0;
  pl::CmdTiming timing;       // t_done, CYCLES, last handshake on A, B, C
  uint32_t warnings = 0;      // ST_W_RANGE | ST_W_TLAST
};

class PlBlock {
 public:
  virtual ~PlBlock() = default;
  virtual tlm::tlm_target_socket<>& socket() = 0;  // s_axi: offsets inside 0x4003_0000..
  // Streams A, B, C (MM2S sources; null = not connected) and R (the S2MM sink, required).
  virtual void bind_streams(AxisSource* a, AxisSource* b, AxisSource* c, AxisSink* r) = 0;
  virtual void bind_irq(IrqSink* irq, unsigned line_vec, unsigned line_red, unsigned line_mmu) = 0;
  virtual void reset() = 0;                 // aresetn; call between sc_start()s
  virtual std::string describe() const = 0; // state in one line: for hang reports
  virtual uint64_t commands() const = 0;    // commands completed (timing known)
  virtual const PlCommandRecord& last_command() const = 0;
  // Called once per command when its timing is known: trace writers.
  virtual void set_command_observer(std::function<void(const PlCommandRecord&)> fn) = 0;
  // A fault the simulation found that the program must not run past (the RTL's lockstep
  // checker: the first TLM/RTL difference); empty when all is well.
  virtual std::string fault() const { return {}; }
  // A GP0 access to any slave is about to happen at time t: a PL that is clocked cycle by
  // cycle catches up to it first, so that what the access observes (a DMA's status, say)
  // includes every handshake the PL made before that cycle.
  virtual void sync(const sc_core::sc_time& t) { (void)t; }
  // A PL clocked cycle by cycle (the RTL) cannot be accessed ahead of the kernel's time while
  // other initiators (the command queue's sequencer, pl_version 2) reach it in kernel time: the
  // PS runs the kernel up to its own time before each GP0 access instead of annotating it.
  virtual bool clocked() const { return false; }

  // pl_version 2 with the view readers inside the PL (cosim::RtlPl of a v2 board; null for PlTop,
  // whose readers are TLM modules): the slave of GP0's VR window (offsets 0 .. 0xFFF), and the
  // readers' twins (platform.cpp): the TLM readers' registers behind vr_twin(), their HP masters
  // through hp_twin(i) (so the PL sees the HP port's answer to each transfer) and this PL's HP
  // masters hp_master(i) to the PS7's S_AXI_HP<i>.
  virtual tlm::tlm_target_socket<>* vr_socket() { return nullptr; }
  virtual tlm::tlm_initiator_socket<>* vr_twin() { return nullptr; }
  virtual tlm::tlm_target_socket<>* hp_twin(unsigned i) { (void)i; return nullptr; }
  virtual tlm::tlm_initiator_socket<>* hp_master(unsigned i) { (void)i; return nullptr; }
  // The view writer in the PL (the same v2 top): GP0's VW window, the TLM writer's registers
  // behind vw_twin() and its HP master through vw_hp_twin() (its data writes are the PL's
  // expectation; the RTL writes DDR).
  virtual tlm::tlm_target_socket<>* vw_socket() { return nullptr; }
  virtual tlm::tlm_initiator_socket<>* vw_twin() { return nullptr; }
  virtual tlm::tlm_target_socket<>* vw_hp_twin() { return nullptr; }
  // The command queue in the PL (the board's v2 top, tinypynq_pl_top_v2_cq): GP0's CQ window, the
  // TLM queue's registers behind cq_twin(), the targets of its register master (cq_regs_twin: its
  // accesses are the PL's expectation, not bus traffic) and of its HP master (cq_hp_twin), and
  // this PL's HP3 master cq_hp_master() to the PS7's S_AXI_HP3.
  virtual tlm::tlm_target_socket<>* cq_socket() { return nullptr; }
  virtual tlm::tlm_initiator_socket<>* cq_twin() { return nullptr; }
  virtual tlm::tlm_target_socket<>* cq_regs_twin() { return nullptr; }
  virtual tlm::tlm_target_socket<>* cq_hp_twin() { return nullptr; }
  virtual tlm::tlm_initiator_socket<>* cq_hp_master() { return nullptr; }
};

}  // namespace tinypynq::vp
