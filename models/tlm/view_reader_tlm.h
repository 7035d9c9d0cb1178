// SPDX-License-Identifier: MIT
// tinypynq — the v2 view readers VR0/VR1/VR2 (docs/pl-v2.md "v2 step 2") as TLM-2.0 modules:
// the register block on GP0, one HP read master each, and the AXI-Stream source of operand
// streams A, B, C, whose every beat's valid cycle is the reference model's (pl::plan).
//
//   ViewReaders vr("view_readers", ViewReaderParams::from(board_cfg));
//   gp0_interconnect.m_axi_vr.bind(vr.s_axi_lite);   // window 0x4007_0000, OFFSETS; VR_i at 0x100 * i
//   for (int i = 0; i < 3; ++i) vr.reader(i).m_axi_hp.bind(ps7.hp[i]->s_axi);   // HP0, HP1, HP2
//   pl.bind_streams(&vr.reader(0), &vr.reader(1), &vr.reader(2), &dma0.s2mm());
//   // the PS: BASE, LIMIT, OFFSET, RANK, PAD, SHAPE/STRIDE/MLO/MHI_d, then CTRL.START;
//   // the unit: peek() (data, per-beat valid_at), take_all(last cycle); STATUS.DONE follows.
//
// Transaction level, beat-exact: START validates the descriptor (pl::check, the spec's error
// table, before any DDR access), asks the HP port once for the transfer's timing (latency and
// rate: the bus model's ddr_read_latency_ns and DDR share), plans every line fill and beat
// with pl::plan, checks every fill against the AXI rules (AxiFillChecker), gathers the view's
// words from DDR (DMI, else one read of the buffer's beats) and arms the stream. There is no
// SystemC event per beat or per fill.
//
// Register conventions are the PL top's and the DMA's: whole 32-bit accesses only
// (TLM_BURST_ERROR_RESPONSE otherwise), all byte enables (TLM_BYTE_ENABLE_ERROR_RESPONSE),
// aligned offsets inside the window (TLM_ADDRESS_ERROR_RESPONSE); unmapped offsets read 0. An
// access annotated with delay d takes effect in cycle ceil((now + d) / period); b_transport
// never waits and adds reg_access_cycles to d.
//
// State in cycles (read back by STATUS in the cycle of the read): a START accepted in cycle t0
// is BUSY from t0 until the consumer's last handshake; DONE is set in the cycle after it. A bad
// descriptor is BUSY until t0 + RANK' + 2 (validation, RANK' = min(RANK, 6)), then ERR with
// ERR_CODE and ERR_INFO; vr_err() rises in that cycle (err_event()). START while BUSY sets ERR
// with ERR_CODE 7 (BUSY) and vr_err; the running transfer goes on. Writing 1 to ERR clears
// ERR, ERR_CODE, ERR_INFO and vr_err. Register reset values are 0 (a START of an unprogrammed
// reader fails BAD_RANK).
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "base/board_config.h"
#include "models/fp/view_reader.h"
#include "models/tlm/axi_fill_check.h"
#include "models/tlm/axis.h"

namespace tinypynq::vp {

struct ViewReaderParams {
  sc_core::sc_time clock_period{10, sc_core::SC_NS};  // FCLK0 (pl_clock_hz)
  uint64_t ddr_bytes = 512ull << 20;                  // buffers must end inside DDR (OUT_OF_BOUNDS)
  // The HP read latency in cycles when the port is not asked (no fills): ceil of
  // ddr_read_latency_ns * f_PL, the bus model's figure (ps7.cpp, docs/board-config.md). With
  // fills, the HP port's answer is used (the same figure, plus its DDR share).
  uint64_t read_latency_cycles = 11;
  unsigned reg_access_cycles = 1;  // AXI-Lite response after the handshake, as the PL top's (hw-spec §7)
  // Readers built: VR0 .. VR(readers - 1); 2 without stream C (vr_stream_c = 0): VR2's registers
  // are then unmapped (read 0, writes ignored), as in the RTL top
  unsigned readers = pl::vr::kReaders;
  static ViewReaderParams from(const BoardConfig& cfg);
};

// What the last transfer did (tests, traces, profiles).
struct ViewReaderTimes {
  Cycle start = 0;          // the START write's cycle t0
  Cycle done = 0;           // DONE (or ERR) set
  uint64_t fills = 0;       // LINES
  uint64_t ddr_bytes = 0;   // bytes of those fills
  uint64_t transfers = 0;   // accepted STARTs since construction
  Cycle first_beat = 0;     // the stream's first valid beat
  Cycle last_beat = 0;      // the consumer's last handshake (take_all)
};

class ViewReader : public sc_core::sc_module, public AxisSource {
 public:
  tlm_utils::simple_target_socket<ViewReader> s_axi_lite;     // offsets inside VR_i (0 .. 0xFF)
  tlm_utils::simple_initiator_socket<ViewReader> m_axi_hp;    // to S_AXI_HP<i>

  SC_HAS_PROCESS(ViewReader);
  ViewReader(sc_core::sc_module_name name, const ViewReaderParams& p, const char* stream);

  // AxisSource: stream A, B or C. peek().valid_at[b] is beat b's first valid cycle.
  const char* stream_name() const override { return stream_; }
  bool armed() const override { return armed_; }
  const StreamIn& peek() const override { return in_; }
  const sc_core::sc_event& armed_event() const override { return armed_ev_; }
  void take_all(Cycle last_cycle) override;
  bool failed() const override { return vr_err() && err_rise_ <= cycle_at(sc_core::sc_time_stamp()); }
  // pl::plan with the consumer's handshakes: slots are reused after their last reader was handed
  // over, the beat FIFO bounds the look-ahead (the RTL's behaviour with a unit that lags).
  bool replans() const override { return true; }
  bool replan(const std::vector<uint64_t>& handshakes) override;
  uint64_t replans_changed() const { return replans_changed_; }  // transfers whose table moved

  // vr_err: the reader found an error; the unit reading this stream ends its command (ERR 4).
  bool vr_err() const { return err_level_; }
  const sc_core::sc_event& err_event() const { return err_ev_; }
  // vr_err as its pin shows it in cycle t, also ahead of the kernel's time (a consumer clocked
  // cycle by cycle, cosim/pl_clock.h, may evaluate cycles before the error's method has run).
  bool err_in_cycle(Cycle t) const { return (err_level_ && err_rise_ <= t) || err_at_ <= t; }

  void reset();  // aresetn: registers to 0, the transfer dropped, vr_err low

  const pl::ReadPlan& last_plan() const { return plan_; }
  const ViewReaderTimes& times() const { return times_; }
  // Called when a transfer ends (the consumer took its last beat): traces.
  void set_transfer_observer(std::function<void(const ViewReaderTimes&)> fn) { observer_ = std::move(fn); }
  const AxiFillChecker& fill_checker() const { return checker_; }
  uint64_t hp_transactions() const { return hp_transactions_; }  // queries, reads, DMI requests
  pl::ViewDesc descriptor() const;  // as the registers hold it now
  std::string describe() const;     // one line, for hang reports
  sc_core::sc_time clock_period() const { return p_.clock_period; }

 private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  uint32_t read_reg(uint32_t off, Cycle t);
  void write_reg(uint32_t off, uint32_t v, Cycle t);
  void start(Cycle t0);
  void fail(uint32_t code, uint32_t dim, Cycle at);
  bool gather(const pl::ViewDesc& d);
  void catch_up(Cycle t);  // state changes due by cycle t
  Cycle cycle_at(const sc_core::sc_time& t) const;
  sc_core::sc_time time_of(Cycle c) const;
  void err_method();  // vr_err rises: wakes a unit waiting on the stream

  const ViewReaderParams p_;
  const char* const stream_;
  // the accepted transfer's descriptor, START cycle and port timing (replan)
  pl::ViewDesc desc_;
  Cycle plan_t0_ = 0;
  pl::ReaderTiming plan_rt_;
  uint64_t replans_changed_ = 0;
  bool replanned_ = false;
  // Registers
  uint32_t base_ = 0, limit_ = 0, offset_ = 0, rank_ = 0, pad_ = 0, elems_ = 0, lines_ = 0;
  uint32_t dim_[pl::vr::kMaxRank][4] = {};  // SHAPE, STRIDE, MLO, MHI
  bool done_ = false, err_ = false;
  uint32_t err_code_ = 0, err_info_ = 0;
  // Transfer
  static constexpr Cycle kNever = std::numeric_limits<Cycle>::max();
  bool busy_ = false;
  bool accepted_ = false;           // the busy transfer passed validation (DONE follows it)
  Cycle busy_until_ = kNever;       // DONE in this cycle (kNever: the consumer has not taken it)
  Cycle err_at_ = kNever;           // a pending error shows in this cycle
  uint32_t pending_code_ = 0, pending_info_ = 0;
  bool armed_ = false, err_level_ = false;
  Cycle err_rise_ = 0;              // the cycle vr_err rose
  StreamIn in_;
  std::vector<uint32_t> words_;
  pl::ReadPlan plan_;
  std::function<void(const ViewReaderTimes&)> observer_;
  ViewReaderTimes times_;
  AxiFillChecker checker_;
  uint64_t hp_transactions_ = 0;
  sc_core::sc_event armed_ev_, err_ev_, err_check_ev_;
};

// The three readers behind one GP0 window: VR_i at offset 0x100 * i.
class ViewReaders : public sc_core::sc_module {
 public:
  static constexpr unsigned kReaders = pl::vr::kReaders;  // the contract's VR instances
  static constexpr uint64_t kWindowBytes = pl::vr::kWindowBytes;
  tlm_utils::simple_target_socket<ViewReaders> s_axi_lite;

  ViewReaders(sc_core::sc_module_name name, const ViewReaderParams& p);
  ViewReader& reader(unsigned i) { return *r_[i]; }
  const ViewReader& reader(unsigned i) const { return *r_[i]; }
  void reset();
  std::string describe() const;

 private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  unsigned built_;  // ViewReaderParams::readers
  std::unique_ptr<ViewReader> r_[kReaders];
  tlm_utils::simple_initiator_socket<ViewReaders> m_[kReaders];
};

}  // namespace tinypynq::vp
