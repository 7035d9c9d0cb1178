// SPDX-License-Identifier: MIT
// tinypynq — Xilinx AXI DMA v7.1 (PG021) in direct register ("simple") mode: register-accurate,
// beat-exact stream timing, one HP transaction per transfer, no SystemC event per beat.
//
//   AxiDma dma0("dma0", AxiDmaParams::from(board_cfg), /*has_mm2s=*/true, /*has_s2mm=*/true,
//               &ps7_irq, /*mm2s_introut=*/0, /*s2mm_introut=*/1);
//   gp0_router.init_socket.bind(dma0.s_axi_lite);  // carries window OFFSETS 0x0000..0xFFFF
//   dma0.m_axi_mm2s.bind(ps7.hp0);  // HP port target: answers HpStreamExt, grants DMI
//   dma0.m_axi_s2mm.bind(ps7.hp0);  // (a multi-passthrough target can serve both sockets)
//   vector_unit.connect(dma0.mm2s() /*stream A*/, dma0.s2mm() /*stream R*/);
//
// The PS programs it exactly as the board (docs/hw-spec.md §7): DMACR.RS = 1, SA/DA, then
// LENGTH last. The stream consumer gets the whole transfer from mm2s().peek() and reports its
// last handshake with take_all(); the producer of stream R paces itself by s2mm().ready() and
// hands the whole packet over with put(). docs/axi-dma.md: register semantics with PG021
// quotes, the timing model, how PG021's latency/throughput figures are reproduced.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <functional>
#include <map>
#include <utility>
#include <vector>

#include "base/board_config.h"
#include "hw/tp_contract.h"
#include "models/tlm/axis.h"
#include "models/tlm/hp_ext.h"

namespace tinypynq::vp {

// Build-time parameters of one instance (the Vivado IP customisation plus our timing figures).
struct AxiDmaParams {
  unsigned length_width = 26;     // c_sg_length_width: LENGTH bits (8..26)
  unsigned data_bytes = 8;        // memory-map = stream data width in bytes (4 or 8 here)
  unsigned burst_beats = 16;      // max burst length
  unsigned mm2s_latency = 6;      // ARVALID -> first TVALID with an ideal memory (PG021)
  unsigned s2mm_latency = 39;     // first TVALID -> first AWVALID (PG021)
  unsigned s2mm_burst_gap = 5;    // TREADY low cycles after every burst of the S2MM stream
  unsigned start_cycles = 10;     // LENGTH write -> ARVALID (MM2S) / first TREADY (S2MM)
  unsigned reg_access_cycles = 1; // AXI-Lite slave latency annotated on every s_axi_lite access
  sc_core::sc_time clock_period{10, sc_core::SC_NS};  // FCLK0

  static AxiDmaParams from(const BoardConfig& cfg);   // dma_* fields and pl_clock_hz
};

// Register map (PG021 "Direct Register Mode Register Address Map") and bit positions, under the
// names the model uses; every value comes from the generated contract (hw/tp_contract.h).
namespace dma_reg {
inline constexpr uint32_t MM2S_DMACR = hw::dma::MM2S_DMACR, MM2S_DMASR = hw::dma::MM2S_DMASR,
                          MM2S_SA = hw::dma::MM2S_SA, MM2S_SA_MSB = hw::dma::MM2S_SA_MSB,
                          MM2S_LENGTH = hw::dma::MM2S_LENGTH, S2MM_DMACR = hw::dma::S2MM_DMACR,
                          S2MM_DMASR = hw::dma::S2MM_DMASR, S2MM_DA = hw::dma::S2MM_DA,
                          S2MM_DA_MSB = hw::dma::S2MM_DA_MSB, S2MM_LENGTH = hw::dma::S2MM_LENGTH;
inline constexpr uint32_t WINDOW_BYTES = static_cast<uint32_t>(hw::win::DMA0_SIZE);
// DMACR
inline constexpr uint32_t CR_RS = hw::dma::DMACR_RS.mask, CR_RSVD1 = hw::dma::DMACR_RSVD1.mask,
                          CR_RESET = hw::dma::DMACR_RESET.mask, CR_KEYHOLE = hw::dma::DMACR_KEYHOLE.mask,
                          CR_CYCLIC = hw::dma::DMACR_CYCLIC.mask, CR_IOC_IRQEN = hw::dma::DMACR_IOC_IRQEN.mask,
                          CR_DLY_IRQEN = hw::dma::DMACR_DLY_IRQEN.mask, CR_ERR_IRQEN = hw::dma::DMACR_ERR_IRQEN.mask;
inline constexpr unsigned CR_THRESH_SHIFT = hw::dma::DMACR_IRQTHRESHOLD.shift,
                          CR_DELAY_SHIFT = hw::dma::DMACR_IRQDELAY.shift;
// DMASR
inline constexpr uint32_t SR_HALTED = hw::dma::DMASR_HALTED.mask, SR_IDLE = hw::dma::DMASR_IDLE.mask,
                          SR_SGINCLD = hw::dma::DMASR_SGINCLD.mask, SR_INTERR = hw::dma::DMASR_DMAINTERR.mask,
                          SR_SLVERR = hw::dma::DMASR_DMASLVERR.mask, SR_DECERR = hw::dma::DMASR_DMADECERR.mask,
                          SR_IOC_IRQ = hw::dma::DMASR_IOC_IRQ.mask, SR_DLY_IRQ = hw::dma::DMASR_DLY_IRQ.mask,
                          SR_ERR_IRQ = hw::dma::DMASR_ERR_IRQ.mask;
inline constexpr uint32_t CR_RESET_VALUE = hw::dma::MM2S_DMACR_RESET;  // IRQThreshold = 1, bit 1 reads 1
inline constexpr uint32_t SR_RESET_VALUE = hw::dma::MM2S_DMASR_RESET;  // Halted
static_assert(hw::dma::S2MM_DMACR_RESET == CR_RESET_VALUE && hw::dma::S2MM_DMASR_RESET == SR_RESET_VALUE,
              "both channels reset alike");
}  // namespace dma_reg

// When the last transfer of a channel did what, in FCLK0 cycles (for traces, tests, prediction).
struct DmaTransferTimes {
  Cycle length_write = 0;  // the LENGTH write took effect
  Cycle addr = 0;          // MM2S: first ARVALID; S2MM: first AWVALID
  Cycle first_beat = 0;    // MM2S: first TVALID; S2MM: first stream handshake (estimated)
  Cycle last_beat = 0;     // MM2S: TLAST handshake; S2MM: last WLAST
  Cycle done = 0;          // IOC_Irq (or the error bit) set
  uint64_t bytes = 0;      // MM2S: LENGTH; S2MM: bytes written to DDR
  uint64_t transfers = 0;  // completed transfers since construction (soft reset keeps it)
  uint64_t total_bytes = 0;
};

// The cycle of the last W beat (WLAST) of an S2MM write of nw beats in bursts of B: burst k
// starts after its last stream handshake (ready.at(kB + B - 1) + shift, or the packet's last
// beat) + aw_delay + 1, after the previous burst and when the HP port takes beat kB
// (hp.at(kB)); its beats then move one per cycle. With the schedules the DMA and the HP port
// give (ready one beat per cycle in bursts of B, port at least a cycle per beat), each burst
// starts no earlier than the previous one ended, so only the last full burst and the tail need
// evaluating: that closed form is used when the schedules allow it, else one pass per burst
// (walk = true forces the pass; the tests compare the two).
Cycle s2mm_write_last(const pl::BeatSchedule& ready, Cycle shift, const pl::BeatSchedule& hp, uint64_t nw,
                      uint64_t B, Cycle aw_delay, bool walk = false);

class AxiDma : public sc_core::sc_module {
 public:
  // The master sockets are the "optional" flavour so that an absent channel (DMA1/DMA2 have
  // no S2MM) needs no binding; a present channel's socket must be bound (checked at the end of
  // elaboration).
  using HpSocket = tlm_utils::simple_initiator_socket_optional<AxiDma>;
  tlm_utils::simple_target_socket<AxiDma> s_axi_lite;  // 32-bit register window (offsets)
  HpSocket m_axi_mm2s;                                   // to an HP port
  HpSocket m_axi_s2mm;                                   // to an HP port

  SC_HAS_PROCESS(AxiDma);

  AxiDma(sc_core::sc_module_name name, const AxiDmaParams& params, bool has_mm2s, bool has_s2mm,
         IrqSink* irq = nullptr, int mm2s_introut = -1, int s2mm_introut = -1);

  AxisSource& mm2s() { return m_mm2s; }
  AxisSink& s2mm() { return m_s2mm; }
  const DmaTransferTimes& mm2s_times() const { return m_mm2s.times; }
  const DmaTransferTimes& s2mm_times() const { return m_s2mm.times; }
  const AxiDmaParams& params() const { return m_p; }
  Cycle cycle_now() const { return cycle_ceil(sc_core::sc_time_stamp()); }
  // The last cycle that may still be reported as a stream's last handshake: a producer clocked
  // cycle by cycle (the rtl target's transactor) evaluates cycle c at the end of it, when the
  // kernel is already at cycle c + 1; the DMA then records c and acts at once.
  Cycle cycle_last() const { const Cycle c = cycle_now(); return c ? c - 1 : 0; }
  // When S2MM_DMASR.IOC_Irq will be set, if that is decided already: the channel's completion
  // is scheduled (its packet was put()) and no action that could set IOC_Irq or Err_Irq, or
  // reset the channel, comes before it (no pending arm, error or posted register write). Then
  // nothing sets either bit earlier: a poll of the status may skip the reads in between.
  bool s2mm_ioc_due(sc_core::sc_time* at) const;

 private:
  // Register state of one channel (PG021 DMACR/DMASR fields) and its transfer bookkeeping.
  struct Channel {
    Channel(AxiDma& dma, bool present, bool s2mm, int irq_line)
        : dma(dma), present(present), is_s2mm(s2mm), irq_line(irq_line) {}
    AxiDma& dma;
    const bool present, is_s2mm;
    const int irq_line;
    bool irq_level = false;
    // DMACR
    bool rs = false, ioc_en = false, dly_en = false, err_en = false, keyhole = false,
         cyclic = false;
    uint8_t irq_threshold = 1, irq_delay = 0;
    // DMASR
    bool halted = true, idle = false, ioc_irq = false, err_irq = false;
    uint32_t err_bits = 0;  // SR_INTERR | SR_SLVERR | SR_DECERR, sticky until reset
    uint32_t addr = 0, length = 0;  // SA/DA and LENGTH as the registers read
    uint32_t xfer_addr = 0, xfer_len = 0;  // captured by the starting LENGTH write
    bool busy = false;      // a LENGTH write was accepted and the transfer has not ended
    uint64_t gen = 0;       // bumped by soft reset: actions of older transfers are dropped
    DmaTransferTimes times;

    void reset();
    uint32_t dmacr() const;
    uint32_t dmasr() const;
    bool irq_wanted() const { return (ioc_irq && ioc_en) || (err_irq && err_en); }
  };

  class Mm2s : public Channel, public AxisSource {
   public:
    using Channel::Channel;
    const char* stream_name() const override { return dma.name(); }
    bool armed() const override { return m_armed; }
    const StreamIn& peek() const override { return m_in; }
    const sc_core::sc_event& armed_event() const override { return m_armed_ev; }
    void take_all(Cycle last_cycle) override;
    void issue(Cycle t_ar);  // ARVALID: ask the HP port, map the data, arm the stream
    void disarm() { m_armed = false; }

   private:
    bool m_armed = false;
    StreamIn m_in;
    std::vector<uint8_t> m_buf;  // data when the HP port refuses DMI
    sc_core::sc_event m_armed_ev;
  };

  class S2mm : public Channel, public AxisSink {
   public:
    using Channel::Channel;
    bool armed() const override { return m_armed; }
    pl::BeatSchedule ready() const override { return m_ready; }
    const sc_core::sc_event& armed_event() const override { return m_armed_ev; }
    Cycle put(const uint8_t* data, uint64_t bytes, Cycle last_cycle) override;  // last_cycle
    uint8_t* direct(uint64_t bytes) override;
    void arm(Cycle t_arm);
    void disarm() { m_armed = false; }

   private:
    bool m_armed = false;
    pl::BeatSchedule m_ready;
    sc_core::sc_event m_armed_ev;
  };

  // Timed state changes (register writes, starts, completions, errors) in time order, as plain
  // records (no closure allocated per register write or transfer event).
  struct Action {
    enum Kind : uint8_t { kWrite, kArm, kIssue, kFail, kDoneMm2s, kDoneS2mm };
    sc_core::sc_time t;
    uint64_t seq = 0;
    Kind kind = kWrite;
    Channel* ch = nullptr;  // a transfer's action: dropped when ch->gen has moved on (reset)
    uint64_t gen = 0;
    uint32_t a = 0;         // kWrite: register offset; kFail: error bit
    uint64_t b = 0;         // kWrite: value; kDoneS2mm: bytes written
    Cycle c = 0;            // the cycle it acts in (kWrite: the write's cycle)
  };
  void schedule(const sc_core::sc_time& at, Action a);
  void schedule_cycle(Channel& ch, Cycle c, Action a);  // dropped on reset
  void apply(const Action& a);
  void run_due();
  void wake();  // SC_METHOD on m_wake
  void end_of_elaboration() override;

  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  uint32_t read_reg(uint32_t off) const;
  void write_reg(uint32_t off, uint32_t v, Cycle tw);
  void write_dmacr(Channel& ch, uint32_t v);
  void write_length(Channel& ch, uint32_t v, Cycle tw);
  void soft_reset();
  void halt(Channel& ch);
  void complete(Channel& ch, Cycle t, uint64_t bytes);
  void fail(Channel& ch, uint32_t err, Cycle t);
  void update_irqs();

  // HP port access: the timing query and the data (DMI, or a plain transaction).
  tlm::tlm_response_status hp_query(HpSocket& s, bool write, uint64_t addr, uint64_t bytes,
                                      Cycle start, HpStreamExt& ext);
  uint8_t* hp_dmi(HpSocket& s, bool write, uint64_t addr, uint64_t bytes);
  tlm::tlm_response_status hp_copy(HpSocket& s, bool write, uint64_t addr, uint8_t* data,
                                     uint64_t bytes);
  static uint32_t error_bit(tlm::tlm_response_status st);

  Cycle cycle_ceil(const sc_core::sc_time& t) const;
  sc_core::sc_time time_of(Cycle c) const;
  uint64_t beats_of(uint64_t bytes) const { return (bytes + m_p.data_bytes - 1) / m_p.data_bytes; }

  const AxiDmaParams m_p;
  IrqSink* const m_irq;
  Mm2s m_mm2s;
  S2mm m_s2mm;
  tlm::tlm_generic_payload m_gp;  // HP port queries and accesses (each sets what it uses)
  std::vector<Action> m_actions;  // by (t, seq), latest first: the next one is at the back
  uint64_t m_seq = 0;
  sc_core::sc_event m_wake;
};

}  // namespace tinypynq::vp
