// SPDX-License-Identifier: MIT
// Tests of the AXI DMA model (models/tlm/axi_dma.h) against PG021's register semantics and
// latency/throughput figures. SystemC allows one elaboration per process, so one harness (three
// DMAs, a memory playing the HP ports, register masters, stream stubs playing the PL unit) is
// built on first use; every test soft-resets the DMAs and runs simulated time forward.
#include <gtest/gtest.h>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>

#include <cstdio>
#include <cstring>
#include <tuple>
#include <vector>

#include "models/tlm/axi_dma.h"

namespace {

using namespace tinypynq::vp;
using namespace tinypynq::vp::dma_reg;
using sc_core::sc_time;
using sc_core::SC_NS;
using tinypynq::pl::BeatSchedule;

const sc_time T(10, SC_NS);  // FCLK0 = 100 MHz
const Cycle S = AxiDmaParams{}.start_cycles;  // LENGTH write -> ARVALID / first TREADY

// The HP ports and DDR: ideal timing (AXI minimum plus configurable latency), DMI, DECERR past
// its end, SLVERR in a chosen range.
struct TestMemory : sc_core::sc_module {
  tlm_utils::multi_passthrough_target_socket<TestMemory> socket{"socket"};
  std::vector<uint8_t> mem = std::vector<uint8_t>(1 << 20);
  bool dmi = true;
  unsigned read_latency = 0, write_latency = 0;  // cycles beyond the AXI minimum
  uint64_t slverr_lo = 0, slverr_hi = 0;         // [lo, hi) answers SLVERR
  unsigned queries = 0, reads = 0, writes = 0;
  HpStreamExt last;  // the last timing query, as answered

  explicit TestMemory(sc_core::sc_module_name n) : sc_module(n) {
    socket.register_b_transport(this, &TestMemory::b_transport);
    socket.register_get_direct_mem_ptr(this, &TestMemory::get_dmi);
  }
  void b_transport(int, tlm::tlm_generic_payload& gp, sc_time&) {
    const uint64_t a = gp.get_address(), n = gp.get_data_length();
    auto* x = gp.get_extension<HpStreamExt>();
    queries += x != nullptr;
    if (a + n > mem.size()) return gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    if (a < slverr_hi && a + n > slverr_lo)
      return gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    if (gp.is_read()) ++reads, std::memcpy(gp.get_data_ptr(), &mem[a], n);
    if (gp.is_write()) ++writes, std::memcpy(&mem[a], gp.get_data_ptr(), n);
    if (x) {
      // Read: R beat 0 in the cycle after ARVALID; write: W beats accepted from AWVALID on,
      // BVALID the cycle after the last one.
      x->sched = BeatSchedule{x->write ? x->start : x->start + 1 + read_latency, 1, 1};
      x->done = x->write ? x->sched.at(x->beats - 1) + 1 + write_latency : 0;
      last = *x;
    }
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  bool get_dmi(int, tlm::tlm_generic_payload& gp, tlm::tlm_dmi& d) {
    const uint64_t a = gp.get_address();
    if (!dmi || a >= mem.size() || (a >= slverr_lo && a < slverr_hi)) return false;
    const uint64_t lo = a < slverr_lo ? 0 : slverr_hi;
    const uint64_t hi = a < slverr_lo ? slverr_lo - 1 : mem.size() - 1;
    d.set_dmi_ptr(mem.data() + lo);
    d.set_start_address(lo);
    d.set_end_address(hi);
    d.allow_read_write();
    return true;
  }
};

struct IrqRecorder : IrqSink {
  bool level[8] = {};
  std::vector<std::tuple<uint64_t, unsigned, bool>> log;  // (cycle, line, level)
  void set_irq(unsigned line, bool l) override {
    level[line] = l;
    log.emplace_back(sc_core::sc_time_stamp().value() / T.value(), line, l);
  }
};

// The PS side of GP0: 32-bit register accesses with time annotation.
struct RegMaster : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<RegMaster> socket{"socket"};
  sc_time last_delay;
  explicit RegMaster(sc_core::sc_module_name n) : sc_module(n) {}
  tlm::tlm_response_status access(tlm::tlm_command cmd, uint64_t off, uint32_t& v,
                                  unsigned len = 4, unsigned char* be = nullptr,
                                  sc_time d = sc_core::SC_ZERO_TIME) {
    uint8_t buf[8] = {};
    std::memcpy(buf, &v, 4);
    tlm::tlm_generic_payload gp;
    gp.set_command(cmd), gp.set_address(off), gp.set_data_ptr(buf), gp.set_data_length(len);
    gp.set_streaming_width(len), gp.set_byte_enable_ptr(be), gp.set_byte_enable_length(be ? 4 : 0);
    socket->b_transport(gp, d);
    last_delay = d;
    std::memcpy(&v, buf, 4);
    return gp.get_response_status();
  }
  uint32_t rd(uint32_t off) {
    uint32_t v = 0;
    EXPECT_EQ(access(tlm::TLM_READ_COMMAND, off, v), tlm::TLM_OK_RESPONSE);
    return v;
  }
  void wr(uint32_t off, uint32_t v, sc_time d = sc_core::SC_ZERO_TIME) {
    EXPECT_EQ(access(tlm::TLM_WRITE_COMMAND, off, v, 4, nullptr, d), tlm::TLM_OK_RESPONSE);
  }
};

// The PL unit reading a stream: takes every beat as soon as it is valid.
struct Consumer : sc_core::sc_module {
  AxisSource& src;
  bool auto_take = true;
  std::vector<uint8_t> got;
  Cycle first = 0, last = 0;
  unsigned transfers = 0;
  SC_HAS_PROCESS(Consumer);
  Consumer(sc_core::sc_module_name n, AxisSource& s) : sc_module(n), src(s) { SC_THREAD(run); }
  void run() {
    for (;;) {
      wait(src.armed_event());
      if (!src.armed() || !auto_take) continue;
      const StreamIn& in = src.peek();
      got.assign(in.data, in.data + in.bytes);
      Cycle h = first = in.valid.at(0);
      for (uint64_t i = 1; i < in.beats; ++i) h = std::max<Cycle>(in.valid.at(i), h + 1);
      ++transfers;
      src.take_all(last = h);
    }
  }
};

// The PL unit writing stream R: TVALID always, so beat j moves when TREADY allows.
struct Producer : sc_core::sc_module {
  AxisSink& sink;
  std::vector<uint8_t> packet;  // empty: the producer stays silent
  unsigned bytes_per_beat = 8;
  Cycle first = 0, last = 0;
  SC_HAS_PROCESS(Producer);
  Producer(sc_core::sc_module_name n, AxisSink& s) : sc_module(n), sink(s) { SC_THREAD(run); }
  void run() {
    for (;;) {
      wait(sink.armed_event());
      if (!sink.armed() || packet.empty()) continue;
      const BeatSchedule r = sink.ready();
      const uint64_t n = (packet.size() + bytes_per_beat - 1) / bytes_per_beat;
      Cycle h = first = r.at(0);
      for (uint64_t j = 1; j < n; ++j) h = std::max<Cycle>(r.at(j), h + 1);
      sink.put(packet.data(), packet.size(), last = h);
    }
  }
};

struct Harness {
  TestMemory mem{"mem"};
  IrqRecorder irq;
  AxiDma dma0{"dma0", AxiDmaParams{}, true, true, &irq, 0, 1};  // DMA0: A and R
  AxiDma dma1{"dma1", AxiDmaParams{}, true, false, &irq, 2, -1};  // DMA1: MM2S only
  // PG021's performance configuration: 32-bit data, no interrupts wired.
  AxiDma dma32{"dma32", [] { AxiDmaParams p; p.data_bytes = 4; return p; }(), true, true};
  RegMaster m0{"m0"}, m1{"m1"}, m32{"m32"};
  Consumer c0{"c0", dma0.mm2s()}, c1{"c1", dma1.mm2s()}, c32{"c32", dma32.mm2s()};
  Producer p0{"p0", dma0.s2mm()}, p32{"p32", dma32.s2mm()};
  Harness() {
    for (AxiDma* d : {&dma0, &dma1, &dma32}) d->m_axi_mm2s.bind(mem.socket);
    dma0.m_axi_s2mm.bind(mem.socket);
    dma32.m_axi_s2mm.bind(mem.socket);  // dma1 has no S2MM: its socket stays unbound
    m0.socket.bind(dma0.s_axi_lite);
    m1.socket.bind(dma1.s_axi_lite);
    m32.socket.bind(dma32.s_axi_lite);
    p32.bytes_per_beat = 4;
  }
};

Harness& H() {
  static Harness* h = new Harness;  // never destroyed: SystemC objects outlive sc_main
  return *h;
}

void run(uint64_t cycles) { sc_core::sc_start(T * double(cycles)); }
Cycle now() { return sc_core::sc_time_stamp().value() / T.value(); }

class AxiDmaTest : public ::testing::Test {
 protected:
  Harness& h = H();
  void SetUp() override {
    for (RegMaster* m : {&h.m0, &h.m1, &h.m32}) m->wr(MM2S_DMACR, CR_RESET);
    run(2);
    h.mem.dmi = true;
    h.mem.read_latency = h.mem.write_latency = h.mem.queries = h.mem.reads = h.mem.writes = 0;
    h.mem.slverr_lo = h.mem.slverr_hi = 0;
    for (size_t i = 0; i < h.mem.mem.size(); ++i) h.mem.mem[i] = uint8_t(i * 7 + 1);
    for (Consumer* c : {&h.c0, &h.c1, &h.c32}) c->auto_take = true, c->transfers = 0;
    h.p0.packet.clear(), h.p32.packet.clear(), h.irq.log.clear();
  }
  std::vector<uint8_t> bytes_at(uint64_t a, uint64_t n) {
    return {h.mem.mem.begin() + long(a), h.mem.mem.begin() + long(a + n)};
  }
  // Program a channel as the runtime does: DMACR, SA/DA, LENGTH last; returns LENGTH's cycle.
  Cycle start(RegMaster& m, uint32_t cr_off, uint32_t addr, uint32_t len, uint32_t cr) {
    m.wr(cr_off, cr), m.wr(cr_off + MM2S_SA, addr), m.wr(cr_off + MM2S_LENGTH, len);
    return now();
  }
  Cycle start_mm2s(RegMaster& m, uint32_t sa, uint32_t len, uint32_t cr = CR_RS) {
    return start(m, MM2S_DMACR, sa, len, cr);
  }
  Cycle start_s2mm(RegMaster& m, uint32_t da, uint32_t len, uint32_t cr = CR_RS) {
    return start(m, S2MM_DMACR, da, len, cr);
  }
};

TEST_F(AxiDmaTest, ResetValuesAndSoftResetRestoresThem) {
  auto expect_reset = [&] {
    for (uint32_t base : {MM2S_DMACR, S2MM_DMACR}) {
      EXPECT_EQ(h.m0.rd(base), CR_RESET_VALUE);  // RS 0, bit 1 reads 1, IRQThreshold 1
      EXPECT_EQ(h.m0.rd(base + 4), SR_RESET_VALUE);  // Halted 1, Idle 0, SGIncld 0
    }
    for (uint32_t off : {MM2S_SA, MM2S_SA_MSB, MM2S_LENGTH, S2MM_DA, S2MM_DA_MSB, S2MM_LENGTH})
      EXPECT_EQ(h.m0.rd(off), 0u) << off;
  };
  expect_reset();
  h.m0.wr(MM2S_DMACR, CR_RS | CR_IOC_IRQEN | (7u << 16));
  h.m0.wr(MM2S_SA, 0x1230);
  h.m0.wr(S2MM_DA, 0x4560);
  h.m0.wr(S2MM_LENGTH, 77);  // halted: stored, starts nothing
  h.m0.wr(S2MM_DMACR, CR_RESET);  // either channel's Reset resets the whole DMA
  expect_reset();
  EXPECT_EQ(h.m0.rd(S2MM_DMACR) & CR_RESET, 0u);  // self-clearing
}

TEST_F(AxiDmaTest, RegisterWindowAccessRules) {
  for (uint32_t off : {0x08u, 0x0Cu, 0x10u, 0x14u, 0x20u, 0x24u, 0x2Cu, 0x38u, 0x3Cu, 0x40u,
                       0x44u, 0x50u, 0x54u, 0x5Cu, 0x100u, 0xFFFCu}) {
    h.m0.wr(off, 0xFFFF'FFFF);  // unmapped: OKAY, ignored
    EXPECT_EQ(h.m0.rd(off), 0u) << off;
  }
  h.m0.wr(MM2S_SA_MSB, 0x1234);  // 32-bit addressing: MSB reads 0
  EXPECT_EQ(h.m0.rd(MM2S_SA_MSB), 0u);
  EXPECT_EQ(h.m0.rd(MM2S_DMACR), CR_RESET_VALUE);
  EXPECT_EQ(h.m0.last_delay, T);  // reg_access_cycles = 1
  uint32_t v = 0;
  unsigned char be[4] = {0xFF, 0xFF, 0, 0};
  EXPECT_EQ(h.m0.access(tlm::TLM_READ_COMMAND, 0x10000, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(h.m0.access(tlm::TLM_READ_COMMAND, 0x2, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(h.m0.access(tlm::TLM_READ_COMMAND, 0x0, v, 8), tlm::TLM_BURST_ERROR_RESPONSE);
  EXPECT_EQ(h.m0.access(tlm::TLM_WRITE_COMMAND, 0x0, v, 2), tlm::TLM_BURST_ERROR_RESPONSE);
  EXPECT_EQ(h.m0.access(tlm::TLM_WRITE_COMMAND, 0x0, v, 4, be),
            tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
}

TEST_F(AxiDmaTest, DmacrBitsAndRunStop) {
  for (uint32_t cr : {MM2S_DMACR, S2MM_DMACR}) {
    const uint32_t rw = CR_RS | CR_KEYHOLE | CR_CYCLIC | CR_IOC_IRQEN | CR_DLY_IRQEN |
                        CR_ERR_IRQEN | (5u << 16) | (0x20u << 24);
    h.m0.wr(cr, rw | 0x0FE0u | 0x8000u);  // reserved bits 11:5 and 15 do not stick
    EXPECT_EQ(h.m0.rd(cr), rw | CR_RSVD1);
    EXPECT_EQ(h.m0.rd(cr + 4), 0u);  // RS = 1: Halted 0; Idle 0 before the first transfer
    h.m0.wr(cr, 0);
    EXPECT_EQ(h.m0.rd(cr), CR_RSVD1 | (1u << 16));  // IRQThreshold written 0 reads 1
    EXPECT_EQ(h.m0.rd(cr + 4), SR_HALTED);          // RS = 0 with nothing in flight: halted
  }
}

TEST_F(AxiDmaTest, WritesTakeEffectAtTheirAnnotatedTime) {
  h.m0.wr(MM2S_DMACR, CR_RS, T * 5.0);  // decoupled PS: 5 cycles ahead
  run(4);
  EXPECT_EQ(h.m0.rd(MM2S_DMASR), SR_HALTED);
  run(1);
  EXPECT_EQ(h.m0.rd(MM2S_DMASR), 0u);
  h.m0.wr(MM2S_SA, 0x100);
  const Cycle tw = now() + 3;
  h.m0.wr(MM2S_LENGTH, 64, T * 3.0);
  run(S + 10);
  EXPECT_EQ(h.mem.last.start, tw + S);  // ARVALID = LENGTH write + start_cycles
}

TEST_F(AxiDmaTest, Mm2sTransferDataTimingAndIoc) {
  const auto want = bytes_at(0x1000, 1000);
  const Cycle tw = start_mm2s(h.m0, 0x1000, 1000);
  const Cycle tar = tw + S, tv = tar + 6, tlast = tv + 124;  // 125 beats, one per cycle
  run(tlast - 1 - now());
  EXPECT_EQ(h.m0.rd(MM2S_DMASR), 0u);  // running, not idle
  run(1);
  EXPECT_EQ(h.m0.rd(MM2S_DMASR), SR_IDLE | SR_IOC_IRQ);
  EXPECT_EQ(h.c0.got, want);
  EXPECT_EQ(h.c0.first, tv);
  EXPECT_EQ(h.c0.last, tlast);
  const DmaTransferTimes& t = h.dma0.mm2s_times();
  EXPECT_EQ(std::tie(t.length_write, t.addr, t.first_beat, t.last_beat, t.done),
            std::make_tuple(tw, tar, tv, tlast, tlast));
  EXPECT_EQ(h.mem.queries, 1u);  // one timing question, data by DMI: no per-beat traffic
  EXPECT_EQ(h.mem.reads, 0u);
  EXPECT_FALSE(h.mem.last.write);
  EXPECT_EQ(h.mem.last.beats, 125u);
  EXPECT_EQ(h.mem.last.beat_bytes, 8u);
  EXPECT_EQ(h.mem.last.burst_beats, 16u);
  EXPECT_EQ(h.m0.rd(MM2S_LENGTH), 1000u);
  h.m0.wr(MM2S_DMASR, 0xFFFF'FFFF);  // W1C IOC; Idle and the rest are read-only
  EXPECT_EQ(h.m0.rd(MM2S_DMASR), SR_IDLE);
  h.m0.wr(MM2S_LENGTH, 16);  // the next transfer clears Idle
  EXPECT_EQ(h.m0.rd(MM2S_DMASR), 0u);
}

TEST_F(AxiDmaTest, WithoutDmiOnePlainTransactionAndMemoryLatency) {
  h.mem.dmi = false;
  h.mem.read_latency = 10;
  const auto want = bytes_at(0x2000, 24);
  const Cycle tw = start_mm2s(h.m0, 0x2000, 24);
  h.p0.packet.assign(40, 0x5A);
  start_s2mm(h.m0, 0x6000, 64);
  run(100);
  EXPECT_EQ(h.c0.got, want);
  EXPECT_EQ(h.c0.first, tw + S + 6 + 10);  // the port's latency adds to the DMA's
  EXPECT_EQ(bytes_at(0x6000, 40), h.p0.packet);
  EXPECT_EQ(h.m0.rd(S2MM_LENGTH), 40u);
  EXPECT_EQ(h.mem.reads, 1u);  // one plain read into the channel's buffer
  EXPECT_EQ(h.mem.writes, 1u);
  EXPECT_EQ(h.m0.rd(MM2S_DMASR), SR_IDLE | SR_IOC_IRQ);
}

TEST_F(AxiDmaTest, LengthIsWrittenLastMaskedAndIgnoredWhileBusy) {
  const auto want = bytes_at(0x3000, 64);
  h.c0.auto_take = false;
  start_mm2s(h.m0, 0x3000, 0xFC00'0040);  // bits above length_width (26) are dropped
  h.m0.wr(MM2S_SA, 0x5000, T);            // after LENGTH: not this transfer's address
  h.m0.wr(MM2S_LENGTH, 128, T * 2.0);     // busy: stored, starts nothing
  run(S + 5);
  ASSERT_TRUE(h.dma0.mm2s().armed());
  const StreamIn& in = h.dma0.mm2s().peek();
  EXPECT_EQ(in.bytes, 64u);
  EXPECT_EQ(std::vector<uint8_t>(in.data, in.data + 64), want);
  EXPECT_EQ(h.m0.rd(MM2S_LENGTH), 128u);
  h.dma0.mm2s().take_all(in.valid.at(in.beats - 1));
  run(S + 20);
  EXPECT_EQ(h.mem.queries, 1u);
  EXPECT_EQ(h.m0.rd(MM2S_DMASR), SR_IDLE | SR_IOC_IRQ);
}

TEST_F(AxiDmaTest, LengthWhileHaltedAndZeroLengthHaveNoEffect) {
  h.m0.wr(MM2S_SA, 0x100);
  h.m0.wr(MM2S_LENGTH, 64);  // RS = 0: halted
  run(S + 20);
  EXPECT_EQ(h.mem.queries, 0u);
  EXPECT_EQ(h.m0.rd(MM2S_LENGTH), 64u);
  h.m0.wr(MM2S_DMACR, CR_RS);  // running again needs a new LENGTH write
  run(S + 20);
  EXPECT_EQ(h.mem.queries, 0u);
  h.m0.wr(MM2S_LENGTH, 0);            // zero: stored, no transfer, no error (PG021)
  h.m0.wr(MM2S_LENGTH, 0x0400'0000);  // only bit 26: masked to zero
  run(S + 20);
  EXPECT_EQ(h.mem.queries, 0u);
  EXPECT_EQ(h.m0.rd(MM2S_DMASR), 0u);
  EXPECT_EQ(h.m0.rd(MM2S_LENGTH), 0u);
}

TEST_F(AxiDmaTest, Mm2sDecodeErrorHaltsBothChannelsUntilReset) {
  h.m0.wr(S2MM_DMACR, CR_RS);
  const Cycle tw = start_mm2s(h.m0, uint32_t(h.mem.mem.size()), 64);
  run(tw + S + 6 - 1 - now());  // the DECERR response arrives when data would have
  EXPECT_EQ(h.m0.rd(MM2S_DMASR), 0u);
  run(1);
  EXPECT_EQ(h.m0.rd(MM2S_DMASR), SR_HALTED | SR_DECERR | SR_ERR_IRQ);
  EXPECT_EQ(h.m0.rd(MM2S_DMACR) & CR_RS, 0u);
  EXPECT_EQ(h.m0.rd(S2MM_DMACR) & CR_RS, 0u);  // an error halts the whole DMA
  EXPECT_EQ(h.m0.rd(S2MM_DMASR), SR_HALTED);
  EXPECT_EQ(h.c0.transfers, 0u);
  h.m0.wr(MM2S_DMACR, CR_RS);  // refused while an error is latched
  h.m0.wr(MM2S_DMASR, SR_ERR_IRQ);  // W1C: Err_Irq clears, the error bit stays
  EXPECT_EQ(h.m0.rd(MM2S_DMASR), SR_HALTED | SR_DECERR);
  EXPECT_EQ(h.m0.rd(MM2S_DMACR) & CR_RS, 0u);
  h.m0.wr(MM2S_DMACR, CR_RESET);
  EXPECT_EQ(h.m0.rd(MM2S_DMASR), SR_RESET_VALUE);
}

TEST_F(AxiDmaTest, SlaveDecodeAndAlignmentErrors) {
  h.mem.slverr_lo = 0x8000;
  h.mem.slverr_hi = 0x8100;
  start_mm2s(h.m0, 0x7F00, 0x200);
  run(S + 20);
  EXPECT_EQ(h.m0.rd(MM2S_DMASR), SR_HALTED | SR_SLVERR | SR_ERR_IRQ);
  h.m0.wr(MM2S_DMACR, CR_RESET);
  start_mm2s(h.m0, 0x1004, 64);  // not 8-byte aligned, DRE off
  run(S + 20);
  EXPECT_EQ(h.m0.rd(MM2S_DMASR), SR_HALTED | SR_INTERR | SR_ERR_IRQ);
  EXPECT_EQ(h.mem.queries, 1u);  // the unaligned command never reached the port
  h.m0.wr(MM2S_DMACR, CR_RESET);
  start_s2mm(h.m0, 0x2002, 64);
  run(S + 20);
  EXPECT_EQ(h.m0.rd(S2MM_DMASR), SR_HALTED | SR_INTERR | SR_ERR_IRQ);
  h.m0.wr(MM2S_DMACR, CR_RESET);
  h.p0.packet.assign(64, 1);
  h.m0.wr(MM2S_DMACR, CR_RS);
  start_s2mm(h.m0, uint32_t(h.mem.mem.size() - 32), 64);  // runs past the end of DDR
  run(100);
  EXPECT_EQ(h.m0.rd(S2MM_DMASR), SR_HALTED | SR_DECERR | SR_ERR_IRQ);
  EXPECT_EQ(h.m0.rd(MM2S_DMASR), SR_HALTED);
}

TEST_F(AxiDmaTest, S2mmShortPacketLengthReadback) {
  std::vector<uint8_t> pkt(100);
  for (size_t i = 0; i < pkt.size(); ++i) pkt[i] = uint8_t(0xA0 ^ i);
  h.p0.packet = pkt;
  const auto after = bytes_at(0x4000 + 100, 64);
  const Cycle tw = start_s2mm(h.m0, 0x4000, 4096);
  const Cycle ta = tw + S;              // first TREADY
  const Cycle aw = ta + 12 + 24;        // 13 beats < one burst: AWVALID after TLAST
  const Cycle wlast = aw + 1 + 12, done = wlast + 1;
  run(done - 1 - now());
  EXPECT_EQ(h.m0.rd(S2MM_DMASR), 0u);
  EXPECT_EQ(h.m0.rd(S2MM_LENGTH), 4096u);
  run(1);
  EXPECT_EQ(h.m0.rd(S2MM_DMASR), SR_IDLE | SR_IOC_IRQ);
  EXPECT_EQ(h.m0.rd(S2MM_LENGTH), 100u);  // bytes actually written
  EXPECT_EQ(bytes_at(0x4000, 100), pkt);
  EXPECT_EQ(bytes_at(0x4000 + 100, 64), after);  // nothing past the packet
  const DmaTransferTimes& t = h.dma0.s2mm_times();
  EXPECT_EQ(std::tie(t.first_beat, t.addr, t.last_beat, t.done),
            std::make_tuple(ta, aw, wlast, done));
  EXPECT_EQ(h.p0.last, ta + 12);
  EXPECT_TRUE(h.mem.last.write);
  EXPECT_EQ(h.mem.last.start, aw);
  EXPECT_EQ(h.mem.last.beats, 13u);
  EXPECT_EQ(h.mem.queries, 1u);
  EXPECT_EQ(h.mem.writes, 0u);
}

TEST_F(AxiDmaTest, S2mmIocDueIsWhenIocIsSet) {
  // The poll shortcut of the tlm driver (s2mm_ioc_due): unknown while the channel is not yet
  // armed, the completion's time once the packet is in, unknown behind a posted register write
  // or ahead of an error.
  sc_time at;
  h.p0.packet.assign(100, 0x5A);
  const Cycle tw = start_s2mm(h.m0, 0x4000, 4096);
  EXPECT_FALSE(h.dma0.s2mm_ioc_due(&at));  // the arm is pending, no packet yet
  const Cycle done = tw + S + 12 + 24 + 1 + 12 + 1;  // as S2mmShortPacketLengthReadback
  run(S + 1);
  ASSERT_TRUE(h.dma0.s2mm_ioc_due(&at));
  EXPECT_EQ(at, T * double(done));
  h.m0.wr(S2MM_DMACR, CR_RS, T * 5.0);  // posted: applies in 5 cycles, before the completion
  EXPECT_FALSE(h.dma0.s2mm_ioc_due(&at));
  run(done - 1 - now());
  EXPECT_TRUE(h.dma0.s2mm_ioc_due(&at));
  EXPECT_EQ(h.m0.rd(S2MM_DMASR) & SR_IOC_IRQ, 0u);
  run(1);
  EXPECT_EQ(h.m0.rd(S2MM_DMASR) & SR_IOC_IRQ, SR_IOC_IRQ);
  EXPECT_FALSE(h.dma0.s2mm_ioc_due(&at));  // nothing pending
  h.m0.wr(S2MM_DMASR, SR_IOC_IRQ);
  h.p0.packet.assign(100, 0x3C);  // longer than LENGTH: an error, not IOC
  start_s2mm(h.m0, 0x4000, 64);
  run(S + 1);
  EXPECT_FALSE(h.dma0.s2mm_ioc_due(&at));
  run(100);
  EXPECT_EQ(h.m0.rd(S2MM_DMASR) & (SR_IOC_IRQ | SR_ERR_IRQ), SR_ERR_IRQ);
}

TEST_F(AxiDmaTest, S2mmPacketLongerThanLengthIsInternalError) {
  h.p0.packet.assign(100, 0x3C);
  const auto after = bytes_at(0x4000 + 64, 64);
  start_s2mm(h.m0, 0x4000, 64);
  run(100);
  EXPECT_EQ(h.m0.rd(S2MM_DMASR), SR_HALTED | SR_INTERR | SR_ERR_IRQ);
  EXPECT_EQ(bytes_at(0x4000, 64), std::vector<uint8_t>(64, 0x3C));  // the buffer, no more
  EXPECT_EQ(bytes_at(0x4000 + 64, 64), after);
  EXPECT_EQ(h.m0.rd(S2MM_LENGTH), 64u);
}

TEST_F(AxiDmaTest, InterruptLinesFollowIrqAndEnable) {
  const Cycle tw = start_mm2s(h.m0, 0x100, 64, CR_RS | CR_IOC_IRQEN);
  run(S + 30);
  ASSERT_EQ(h.irq.log.size(), 1u);
  EXPECT_EQ(h.irq.log[0], std::make_tuple(uint64_t(tw + S + 6 + 7), 0u, true));
  h.m0.wr(MM2S_DMASR, SR_IOC_IRQ);
  EXPECT_FALSE(h.irq.level[0]);
  h.m0.wr(MM2S_DMACR, CR_RS);  // IOC without its enable: no interrupt
  h.m0.wr(MM2S_LENGTH, 64);
  run(S + 30);
  EXPECT_EQ(h.m0.rd(MM2S_DMASR), SR_IDLE | SR_IOC_IRQ);
  EXPECT_FALSE(h.irq.level[0]);
  h.m0.wr(MM2S_DMACR, CR_RS | CR_IOC_IRQEN);  // enabling with IOC pending raises it
  EXPECT_TRUE(h.irq.level[0]);
  h.m0.wr(S2MM_DMACR, CR_RS | CR_ERR_IRQEN);  // error interrupt on S2MM (line 1)
  start_s2mm(h.m0, 0x2004, 64, CR_RS | CR_ERR_IRQEN);
  run(S + 10);
  EXPECT_TRUE(h.irq.level[1]);
  h.m0.wr(S2MM_DMASR, SR_ERR_IRQ);
  EXPECT_FALSE(h.irq.level[1]);
  h.m0.wr(MM2S_DMACR, CR_RESET);  // reset drops every line
  EXPECT_FALSE(h.irq.level[0]);
}

TEST_F(AxiDmaTest, RunStopClearedDuringTransferHaltsAfterIt) {
  h.c0.auto_take = false;
  start_mm2s(h.m0, 0x100, 256);
  run(S + 5);
  ASSERT_TRUE(h.dma0.mm2s().armed());
  h.m0.wr(MM2S_DMACR, 0);
  EXPECT_EQ(h.m0.rd(MM2S_DMASR), 0u);  // still running the transfer
  const StreamIn& in = h.dma0.mm2s().peek();
  h.dma0.mm2s().take_all(in.valid.at(in.beats - 1) + 3);
  run(60);
  EXPECT_EQ(h.m0.rd(MM2S_DMASR), SR_HALTED | SR_IOC_IRQ);  // completed, then halted
  h.m0.wr(MM2S_LENGTH, 64);
  run(S + 20);
  EXPECT_EQ(h.mem.queries, 1u);
}

TEST_F(AxiDmaTest, Mm2sOnlyInstance) {
  for (uint32_t off : {S2MM_DMACR, S2MM_DMASR, S2MM_DA, S2MM_LENGTH}) {
    h.m1.wr(off, off == S2MM_DMACR ? CR_RS | CR_RESET : 0x40);
    EXPECT_EQ(h.m1.rd(off), 0u) << off;
  }
  EXPECT_FALSE(h.dma1.s2mm().armed());
  const auto want = bytes_at(0x800, 48);
  start_mm2s(h.m1, 0x800, 48, CR_RS | CR_IOC_IRQEN);
  run(S + 30);
  EXPECT_EQ(h.c1.got, want);
  EXPECT_TRUE(h.irq.level[2]);
  EXPECT_EQ(h.m1.rd(MM2S_DMASR), SR_IDLE | SR_IOC_IRQ);
}

TEST_F(AxiDmaTest, SoftResetMidTransfer) {
  h.c0.auto_take = false;
  h.m0.wr(MM2S_DMACR, CR_RS | CR_IOC_IRQEN);
  start_mm2s(h.m0, 0x100, 256, CR_RS | CR_IOC_IRQEN);
  start_s2mm(h.m0, 0x9000, 256);
  run(S + 5);
  ASSERT_TRUE(h.dma0.mm2s().armed());
  ASSERT_TRUE(h.dma0.s2mm().armed());
  const StreamIn in = h.dma0.mm2s().peek();
  const auto before = bytes_at(0x9000, 64);
  h.m0.wr(S2MM_DMACR, CR_RESET);
  EXPECT_FALSE(h.dma0.mm2s().armed());
  EXPECT_FALSE(h.dma0.s2mm().armed());
  EXPECT_EQ(h.m0.rd(MM2S_DMACR), CR_RESET_VALUE);
  // The unit finishing late changes nothing (the IP drops it too).
  h.dma0.mm2s().take_all(in.valid.at(in.beats - 1));
  std::vector<uint8_t> pkt(64, 0x77);
  h.dma0.s2mm().put(pkt.data(), pkt.size(), now() + 10);
  run(100);
  EXPECT_EQ(h.m0.rd(MM2S_DMASR), SR_RESET_VALUE);
  EXPECT_EQ(h.m0.rd(S2MM_DMASR), SR_RESET_VALUE);
  EXPECT_EQ(bytes_at(0x9000, 64), before);
  EXPECT_FALSE(h.irq.level[0]);
  // A reset in the cycle after LENGTH, before ARVALID, cancels the start.
  const unsigned q = h.mem.queries;
  start_mm2s(h.m0, 0x100, 64);
  h.m0.wr(MM2S_DMACR, CR_RESET);
  run(S + 20);
  EXPECT_EQ(h.mem.queries, q);
}

TEST_F(AxiDmaTest, LargeTransfersCostOneHpTransactionEach) {
  const uint32_t n = 1u << 20;  // the whole test memory: 131,072 beats each way
  const Cycle tw = start_mm2s(h.m0, 0, n);
  run(n / 8 + 20);
  EXPECT_EQ(h.dma0.mm2s_times().done, tw + S + 6 + n / 8 - 1);
  EXPECT_EQ(h.c0.got.size(), n);
  h.p0.packet.assign(n, 0x11);
  start_s2mm(h.m0, 0, n);
  run(n / 8 * 2);
  EXPECT_EQ(h.m0.rd(S2MM_LENGTH), n);
  EXPECT_EQ(h.mem.queries, 2u);
  EXPECT_EQ(h.mem.reads + h.mem.writes, 0u);
}

TEST_F(AxiDmaTest, Pg021LatencyAndThroughput) {
  // PG021 "Performance": 10,000 bytes, 100 MHz, 32-bit. MM2S throughput is measured from the
  // first ARVALID to TLAST, S2MM from the first TVALID to the last WLAST (both inclusive).
  const double bytes = 10000, ns = T.to_seconds() * 1e9;
  const Cycle tw = start_mm2s(h.m32, 0x0, 10000);
  run(3000);
  const DmaTransferTimes& m = h.dma32.mm2s_times();
  ASSERT_EQ(h.c32.transfers, 1u);
  EXPECT_EQ(m.addr, tw + S);
  const double mm2s_lat = double(m.first_beat - m.addr);
  const double mm2s_mbs = bytes / (double(h.c32.last - m.addr + 1) * ns) * 1e3;
  h.p32.packet.assign(10000, 0xC3);
  start_s2mm(h.m32, 0x10000, 10000);
  run(4000);
  const DmaTransferTimes& s = h.dma32.s2mm_times();
  ASSERT_EQ(h.m32.rd(S2MM_LENGTH), 10000u);
  EXPECT_EQ(h.mem.last.start, s.addr);
  const double s2mm_lat = double(s.addr - h.p32.first);
  const double s2mm_mbs = bytes / (double(s.last_beat - h.p32.first + 1) * ns) * 1e3;
  std::printf("PG021 figures (model vs PG021):\n"
              "  MM2S ARVALID -> first TVALID : %.0f clocks (6)\n"
              "  S2MM first TVALID -> AWVALID : %.0f clocks (39)\n"
              "  MM2S throughput              : %.2f MB/s (399.04)\n"
              "  S2MM throughput              : %.2f MB/s (298.59)\n",
              mm2s_lat, s2mm_lat, mm2s_mbs, s2mm_mbs);
  EXPECT_EQ(mm2s_lat, 6);
  EXPECT_EQ(s2mm_lat, 39);
  EXPECT_NEAR(mm2s_mbs, 399.04, 399.04 * 0.05);
  EXPECT_NEAR(s2mm_mbs, 298.59, 298.59 * 0.05);
}

TEST_F(AxiDmaTest, ParamsFromBoardConfig) {
  tinypynq::BoardConfig cfg;  // in-class defaults
  cfg.dma_data_bytes = 4;
  cfg.pl_clock_hz = 125e6;
  const AxiDmaParams p = AxiDmaParams::from(cfg);
  EXPECT_EQ(std::tie(p.data_bytes, p.length_width, p.burst_beats, p.mm2s_latency, p.s2mm_latency,
                     p.s2mm_burst_gap, p.start_cycles),
            std::tie(cfg.dma_data_bytes, cfg.dma_length_width, cfg.dma_burst_beats,
                     cfg.dma_mm2s_latency, cfg.dma_s2mm_latency, cfg.dma_s2mm_burst_gap,
                     cfg.dma_start_cycles));
  EXPECT_EQ(p.clock_period, sc_time(8, SC_NS));
}

TEST(S2mmWriteLast, ClosedFormEqualsBurstWalk) {
  // The closed form of the S2MM burst timing against the pass over every burst: packets of
  // 1 .. a few thousand beats, late and early producers (shift), HP ports faster and slower
  // than a beat per cycle, and schedules outside the closed form's conditions (walked either way).
  uint64_t x = 88172645463325252ull;
  auto rnd = [&](uint64_t n) { x ^= x << 13, x ^= x >> 7, x ^= x << 17; return x % n; };
  for (int it = 0; it < 20000; ++it) {
    const uint64_t B = 1 + rnd(32), nw = 1 + rnd(it % 10 ? 300 : 5000);
    const BeatSchedule ready{rnd(1000), 1, 1, static_cast<uint32_t>(B), static_cast<uint32_t>(rnd(8))};
    BeatSchedule hp{rnd(2000), static_cast<uint32_t>(1000 + rnd(3000)), 1000, 0, 0};
    if (it % 7 == 0) hp.num = 1, hp.den = 1;          // ideal port
    if (it % 11 == 0) hp.num = 500;                   // faster than a beat per cycle: walked
    if (it % 13 == 0) hp.burst_beats = 4, hp.burst_gap = 3;  // bursts: walked
    const Cycle shift = rnd(3) ? rnd(500) : 0, aw = 1 + rnd(40);
    ASSERT_EQ(s2mm_write_last(ready, shift, hp, nw, B, aw), s2mm_write_last(ready, shift, hp, nw, B, aw, true))
        << "it " << it << " B " << B << " nw " << nw;
  }
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
