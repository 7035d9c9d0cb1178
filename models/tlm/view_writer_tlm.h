// SPDX-License-Identifier: MIT
// tinypynq — the v2 view writer VW (docs/pl-v2.md "v2 step 3") as a TLM-2.0 module: the
// register block on GP0 (window VW of hw/pl_contract.json), an HP write master, and the
// AXI-Stream sink of stream R, whose packet it writes through its view. It replaces DMA0's
// S2MM channel in the pl_version 2 platform.
//
//   ViewWriter vw("view_writer", ViewWriterParams::from(board_cfg), &ps7, hw::irq::VW);
//   gp0_interconnect.m_axi_vw.bind(vw.s_axi_lite);   // window 0x4007_1000, offsets
//   vw.m_axi_hp.bind(ps7.hp[0]->s_axi);               // HP0
//   pl.bind_streams(&vr.reader(0), &vr.reader(1), &vr.reader(2), &vw);
//   // the PS: BASE, LIMIT, OFFSET, RANK, SHAPE/STRIDE/MLO/MHI_d, then CTRL.START (| IRQ_EN),
//   // then the unit; it waits for STATUS.DONE | ERR (or IRQ_F2P[7]).
//
// Transaction level, beat-exact: START validates the descriptor (pl::check_write; a bad one
// sets ERR in cycle t0 + RANK' + 2 and R is never accepted). The unit is given ready(j) =
// t0 + RANK' + 2 + j and hands R over whole with put(); the writer takes the earlier
// handshakes as S2MM does (the producer kept pace and ended at TLAST), plans the write buffer
// and the bursts with pl::plan_write against the HP port's answer (its DDR share and write
// response latency), checks every burst (AxiWriteChecker), scatters the words through DMI and
// sets DONE (or ERR LENGTH / OUT_OF_BOUNDS) in the plan's done cycle. No event per beat.
//
// Register conventions are the readers' (whole aligned 32-bit accesses, every byte enabled;
// access annotated with delay d takes effect in cycle ceil((now + d) / period)). START while
// BUSY: ERR with ERR_CODE 7 (BUSY), the running transfer goes on. W1C of ERR clears ERR,
// ERR_CODE and ERR_INFO. Registers reset to 0.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "base/board_config.h"
#include "models/fp/view_writer.h"
#include "models/tlm/axi_write_check.h"
#include "models/tlm/axis.h"
#include "models/tlm/hp_ext.h"

namespace tinypynq::vp {

struct ViewWriterParams {
  sc_core::sc_time clock_period{10, sc_core::SC_NS};  // FCLK0 (pl_clock_hz)
  uint64_t ddr_bytes = 512ull << 20;
  // Last W beat -> B response in cycles when the port is not asked (no bursts): ceil of
  // ddr_write_latency_ns * f_PL, the bus model's figure (ps7.cpp). With bursts, the port's
  // answer is used.
  uint64_t write_latency_cycles = 8;
  unsigned reg_access_cycles = 1;  // AXI-Lite response after the handshake, as the readers'
  static ViewWriterParams from(const BoardConfig& cfg);
};

struct ViewWriterTimes {
  Cycle start = 0;          // the START write's cycle t0
  Cycle last_beat = 0;      // the packet's last handshake (a_last)
  Cycle done = 0;           // DONE (or ERR) set
  uint64_t bursts = 0;      // BURSTS
  uint64_t ddr_bytes = 0;   // bytes of those bursts' beats
  uint64_t elems = 0;       // elements of the packet taken
  uint64_t transfers = 0;   // completed transfers since construction
  uint64_t starts = 0;      // STARTs taken (not refused as BUSY) since construction
  Cycle first_beat = 0;     // the packet's first handshake
  Cycle last_write = 0;     // the last W beat (the last handshake when nothing is written)
};

class ViewWriter : public sc_core::sc_module, public AxisSink {
 public:
  tlm_utils::simple_target_socket<ViewWriter> s_axi_lite;   // offsets inside VW (0 .. 0xFFF)
  tlm_utils::simple_initiator_socket<ViewWriter> m_axi_hp;  // to S_AXI_HP0

  SC_HAS_PROCESS(ViewWriter);
  ViewWriter(sc_core::sc_module_name name, const ViewWriterParams& p, IrqSink* irq = nullptr, int irq_line = -1);

  // AxisSink: stream R.
  bool armed() const override { return armed_; }
  pl::BeatSchedule ready() const override { return ready_; }
  const sc_core::sc_event& armed_event() const override { return armed_ev_; }
  Cycle put(const uint8_t* data, uint64_t bytes, Cycle last_cycle) override;  // a_last of pl::plan_write
  // The packet with the cycle each beat was first presented (h_j of pl::plan_write), for a
  // producer whose beats are not back to back: the rtl target's twin, fed from the RTL's R.
  Cycle put_beats(const uint8_t* data, uint64_t bytes, const std::vector<uint64_t>& h) override;
  // The write buffer's back-pressure on R (docs/pl-v2.md step 3, "TREADY"): the plan of the beats
  // offered in cycles `presented` (the port asked without reserving it), and when it accepts a
  // beat later than `handshakes`, ready() becomes its per-beat accept cycles.
  bool replans() const override { return armed_; }
  bool replan(const std::vector<uint64_t>& presented, const std::vector<uint64_t>& handshakes) override;

  void reset();  // aresetn: registers to 0, the transfer dropped, the interrupt low
  // The rtl target's twin: the RTL writer drives IRQ_F2P[VW], this model no line.
  void detach_irq() { irq_ = nullptr; }
  // VW's done/err wires (the command queue's end of a command, docs/pl-v2.md step 4): notified
  // in the cycle STATUS.DONE or STATUS.ERR is set.
  const sc_core::sc_event& status_event() const { return status_ev_; }

  const pl::WritePlan& last_plan() const { return plan_; }
  const ViewWriterTimes& times() const { return times_; }
  // Called when a transfer's timing is known (the packet taken): traces.
  void set_transfer_observer(std::function<void(const ViewWriterTimes&)> fn) { observer_ = std::move(fn); }
  // The HP port's answer to a write question for `beats` beats (HpStreamExt): W rate, B latency.
  static pl::WriterTiming port_timing(const HpStreamExt& ext, uint64_t beats);
  const AxiWriteChecker& write_checker() const { return checker_; }
  uint64_t hp_transactions() const { return hp_transactions_; }
  pl::ViewDesc descriptor() const;
  std::string describe() const;

 private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  uint32_t read_reg(uint32_t off, Cycle t);
  void write_reg(uint32_t off, uint32_t v, Cycle t);
  void start(Cycle t0);
  void fail_at(uint32_t code, uint32_t dim, Cycle at);
  void finish_at(Cycle at);  // DONE (an accepted transfer) in cycle `at`
  Cycle take(const uint8_t* data, uint64_t bytes, const std::vector<uint64_t>& h);
  // plan_write of h with the HP port's answer for its first AW; false: the port refused the range.
  // reserve: the transfer is made (put_beats); else a question (replan), its plan kept for put.
  bool plan(const std::vector<uint64_t>& h, bool reserve, pl::WritePlan& out);
  bool ask_port(HpStreamExt& ext);  // a timing question on HP (TLM_IGNORE_COMMAND); false: refused
  bool write_words(const pl::ViewDesc& d, const uint32_t* words, uint64_t n);
  void catch_up(Cycle t);
  void update_irq();
  void tick();  // SC_METHOD on tick_ev_: state due now, then the interrupt
  void notify_at(Cycle c);
  Cycle cycle_at(const sc_core::sc_time& t) const;
  sc_core::sc_time time_of(Cycle c) const;

  const ViewWriterParams p_;
  IrqSink* irq_;
  const int irq_line_;
  bool irq_level_ = false;
  // Registers
  uint32_t base_ = 0, limit_ = 0, offset_ = 0, rank_ = 0, elems_ = 0, bursts_ = 0;
  uint32_t dim_[pl::vw::kMaxRank][4] = {};  // SHAPE, STRIDE, MLO, MHI
  bool irq_en_ = false, done_ = false, err_ = false;
  uint32_t err_code_ = 0, err_info_ = 0;
  // Transfer
  static constexpr Cycle kNever = std::numeric_limits<Cycle>::max();
  bool busy_ = false;
  Cycle busy_until_ = kNever;  // BUSY ends (DONE or ERR shows) in this cycle
  bool ok_at_end_ = false;     // the transfer ends with DONE (not a pending error)
  Cycle err_at_ = kNever;      // a pending error shows in this cycle
  uint32_t pending_code_ = 0, pending_info_ = 0;
  bool armed_ = false;
  Cycle t0_ = 0;
  pl::ViewDesc desc_;          // the accepted descriptor (registers may change while BUSY)
  pl::BeatSchedule ready_;
  std::vector<uint64_t> ready_tab_;  // ready_'s table after a replan() (the plan's accepts)
  bool cached_ = false;              // replan()'s last plan, of offers cached_h_ at rate cached_wt_
  std::vector<uint64_t> cached_h_;
  uint64_t cached_aw0_ = 0;
  pl::WriterTiming cached_wt_;
  pl::WritePlan cached_plan_;
  pl::WritePlan plan_;
  std::function<void(const ViewWriterTimes&)> observer_;
  ViewWriterTimes times_;
  AxiWriteChecker checker_;
  uint64_t hp_transactions_ = 0;
  sc_core::sc_event armed_ev_, tick_ev_, status_ev_;
};

}  // namespace tinypynq::vp
