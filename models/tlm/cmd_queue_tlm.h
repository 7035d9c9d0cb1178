// SPDX-License-Identifier: MIT
// tinypynq — the v2 command queue CQ (docs/pl-v2.md "v2 step 4") as a TLM-2.0 module: the
// register block on GP0 (window CQ of hw/pl_contract.json), an HP3 master that fetches ring
// slots from DDR and writes each entry's result record back, and the sequencer, an AXI4-Lite
// master on the PL's register bus that replays an entry's register writes into VR0..2, VW and
// a unit, then waits for the command (VW's done/err wires) before the next entry.
//
//   CmdQueue cq("cmd_queue", CmdQueueParams::from(cfg), &ps7, hw::irq::CQ, &vw);
//   gp0_interconnect.m_axi_cq.bind(cq.s_axi_lite);   // window 0x4007_2000, offsets
//   cq.m_axi_regs.bind(gp0_interconnect.s_axi_pl);   // the PL's register bus (absolute GP0 addresses)
//   cq.m_axi_hp.bind(ps7.hp[3]->s_axi);               // HP3
//   // the PS: RING_BASE, RING_SLOTS, CTRL.ENABLE (| IRQ_EN); per entry: the slot in DDR, then TAIL.
//
// Timing is the spec's ("Timing (normative ...)"): every cycle the sequencer acts in is
// computed from the doorbell, the HP3 port's answer for each fetch (latency and DDR share),
// CQ_WRITE_CYCLES per register access, and VW's completion cycle. There is no event per write:
// the sequencer's accesses carry their cycle as an annotated delay; it waits (in simulated
// time) only for an entry's start, its unit check and VW's completion. COMPLETED, HEAD, BATCH
// and ERR change in their cycles (a read at cycle t sees the state of t).
//
// Register conventions are the readers' (whole aligned 32-bit accesses, every byte enabled, an
// access annotated with delay d takes effect in cycle ceil((now + d) / period)). Registers
// reset to 0; reset() (aresetn) abandons the running entry.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <deque>
#include <limits>
#include <string>
#include <vector>

#include "base/board_config.h"
#include "hw/tp_contract.h"
#include "models/tlm/axis.h"

namespace tinypynq::vp {

class ViewWriter;

struct CmdQueueParams {
  sc_core::sc_time clock_period{10, sc_core::SC_NS};  // FCLK0 (pl_clock_hz)
  uint64_t ddr_bytes = 512ull << 20;
  // One sequencer access on the PL's AXI4-Lite bus (the contract's CQ_WRITE_CYCLES: AW and W
  // in one cycle, B in the next, no outstanding accesses; AMBA AXI4-Lite, ARM IHI 0022E B1).
  unsigned access_cycles = hw::limits::CQ_WRITE_CYCLES;
  // The write-back's B latency in cycles: ceil(ddr_write_latency_ns * f_PL), the bus model's
  // figure (ps7.cpp, docs/board-config.md), as VW's.
  uint64_t write_latency_cycles = 8;
  unsigned reg_access_cycles = 1;  // AXI-Lite response after the handshake, as the other blocks'
  static CmdQueueParams from(const BoardConfig& cfg);
};

// One entry as the sequencer ran it (tests, traces).
struct CmdQueueEntryTimes {
  uint64_t seq = 0;      // entries started since reset (this one's number)
  uint32_t slot = 0;
  Cycle fetch = 0, arrive = 0, start = 0, unit_check = 0, vw_done = 0, end = 0, completed = 0;
  uint32_t writes = 0;
};

class CmdQueue : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<CmdQueue> s_axi_lite;     // offsets inside CQ (0 .. 0xFFF)
  tlm_utils::simple_initiator_socket<CmdQueue> m_axi_regs;  // the PL's register bus: GP0 addresses
  tlm_utils::simple_initiator_socket<CmdQueue> m_axi_hp;    // to S_AXI_HP3

  SC_HAS_PROCESS(CmdQueue);
  // vw: the writer whose done/err wires end a command (status_event()).
  CmdQueue(sc_core::sc_module_name name, const CmdQueueParams& p, IrqSink* irq, int irq_line, ViewWriter* vw);

  void reset();  // aresetn: registers to 0, the running entry abandoned, the interrupt low
  void detach_irq() { irq_ = nullptr; }  // a twin (the rtl target's RTL queue drives the line)
  const std::vector<CmdQueueEntryTimes>& log() const { return log_; }  // every entry completed or failed
  uint64_t hp_transactions() const { return hp_transactions_; }
  std::string describe() const;

 private:
  static constexpr Cycle kNever = std::numeric_limits<Cycle>::max();
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  uint32_t read_reg(uint32_t off, Cycle t);
  void write_reg(uint32_t off, uint32_t v, Cycle t);
  void catch_up(Cycle t);
  void update_irq();
  bool reached() const { return static_cast<int32_t>(static_cast<uint32_t>(completed_) - wait_) >= 0; }
  void tick();
  void notify_at(Cycle c);
  void thread();
  bool run_entry(uint64_t n, Cycle fetch_at);  // false: stopped (error or reset)
  Cycle fetch_timing(uint64_t n, Cycle f, uint32_t* nwrites, bool* ok);
  bool wait_until(Cycle c);  // false: reset
  uint32_t bus(tlm::tlm_command cmd, uint64_t addr, uint32_t v, Cycle c, bool* ok);
  void fail(uint32_t code, uint64_t n, uint32_t info, Cycle at);
  Cycle avail_cycle(uint64_t n) const;  // kNever: not posted yet
  uint32_t* slot_words(uint64_t n);     // the slot of entry n in DDR (DMI), nullptr if refused
  Cycle cycle_at(const sc_core::sc_time& t) const;
  sc_core::sc_time time_of(Cycle c) const;

  const CmdQueueParams p_;
  IrqSink* irq_;
  const int irq_line_;
  ViewWriter* const vw_;
  bool irq_level_ = false;
  // Registers
  uint32_t ctrl_ = 0, ring_base_ = 0, ring_slots_ = 0, tail_ = 0, wait_ = 0;
  bool batch_ = false, err_ = false;
  uint32_t err_code_ = 0, err_index_ = 0, err_info_ = 0;
  // Entries posted (TAIL moves) and completed, as (cycle, count since reset) in cycle order.
  uint64_t posted_ = 0;
  std::deque<std::pair<Cycle, uint64_t>> posted_at_;
  uint64_t completed_ = 0;                          // as of the last catch_up
  std::deque<std::pair<Cycle, uint64_t>> complete_at_;  // pending completions
  std::deque<Cycle> batch_at_;                      // pending BATCH sets
  Cycle err_at_ = kNever;
  uint32_t pend_code_ = 0, pend_index_ = 0, pend_info_ = 0;
  uint64_t started_ = 0;  // entries the sequencer took (the next one's number)
  uint64_t gen_ = 0;      // bumped by reset()
  bool stopped_ = false;
  std::vector<CmdQueueEntryTimes> log_;
  uint64_t hp_transactions_ = 0;
  tlm::tlm_generic_payload bus_gp_;
  sc_core::sc_event doorbell_ev_, reset_ev_, tick_ev_;
};

}  // namespace tinypynq::vp
