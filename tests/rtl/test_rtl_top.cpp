// SPDX-License-Identifier: MIT
// The PL top (rtl/top/tinypynq_pl_top.sv), Verilated and driven through its AXI4-Lite slave and
// streams like the block design would: AXI-Lite timing of hw-spec §7, SYS/unit register reset
// values, IDs and CFG, W1C, every ERR code, BUSY rejection, ROUTE, CYCLES and TIME latching,
// IRQ levels, and reduce/matmul commands end to end (bits vs models/fp, CYCLES vs §8).
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "Vtinypynq_pl_top.h"
#include "cosim/ports.h"
#include "models/fp/pl_float.h"
#include "models/fp/pl_units.h"
#include "verilated.h"

namespace pl = tinypynq::pl;
namespace cosim = tinypynq::cosim;

namespace {

constexpr uint32_t SYS = 0x00000, VEC = 0x10000, RED = 0x20000, MMU = 0x30000;
constexpr uint32_t CTRL = 0x00, STATUS = 0x04, OP = 0x08, SIZE0 = 0x0C, SIZE1 = 0x10, SIZE2 = 0x14,
                   CYC_LO = 0x18, CYC_HI = 0x1C, SCALAR_A = 0x20, ID = 0x30, CFG0 = 0x34,
                   CFG1 = 0x38, CFG2 = 0x3C;
constexpr uint32_t ST_BUSY = 1, ST_DONE = 2, ST_ERR = 4, ST_W_TLAST = 1u << 9;

// The top driven through the co-simulation's transactors (cosim/axi_lite.h, cosim/axis.h), in
// absolute cycles from the end of reset.
class TopBench {
 public:
  TopBench()
      : gp0_(cosim::top_axil(t_)),
        src_{{cosim::top_in(t_, 0), "A"}, {cosim::top_in(t_, 1), "B"}, {cosim::top_in(t_, 2), "C"}},
        r_(cosim::top_out(t_), "R") {
    t_.aclk = 0;
    t_.aresetn = 0;
    gp0_.idle();
    t_.s_axi_wstrb = 0xF;
    for (int i = 0; i < 3; ++i) tick();
    t_.aresetn = 1;
    cycle_ = 0;  // first cycle after reset = cycle 0 (SYS.TIME reads 0 in it)
  }
  ~TopBench() { t_.final(); }

  // One cycle: drive the stream sources/sink, evaluate, record handshakes, clock edge. R takes
  // a beat whenever r_ready_ (re-armed after each TLAST).
  void tick() {
    if (!r_.armed()) r_.arm([this](uint64_t, uint64_t) { return r_ready_; });
    for (auto& s : src_) s.drive(cycle_);
    r_.drive(cycle_);
    t_.eval();
    for (auto& s : src_) s.sample();
    if (const auto ev = r_.sample(cycle_); ev != cosim::PinAxisSink::kNone) {
      const uint8_t* b;
      const unsigned n = r_.last_bytes(&b);
      for (unsigned i = 0; i + 4 <= n; i += 4) out_.push_back(b[i] | b[i + 1] << 8 | b[i + 2] << 16 | uint32_t{b[i + 3]} << 24);
      if (ev == cosim::PinAxisSink::kLast) last_out_cycle_ = cycle_;
    }
    EXPECT_TRUE(r_.violation().empty()) << r_.violation();
    t_.aclk = 1;
    t_.eval();
    t_.aclk = 0;
    t_.eval();
    ++cycle_;
  }

  // AXI-Lite write; returns the cycle of the AW+W handshake. Checks §7 timing.
  uint64_t write(uint32_t addr, uint32_t data, uint32_t strb = 0xF, uint32_t* resp = nullptr) {
    gp0_.begin_write(addr, data, static_cast<uint8_t>(strb));
    t_.eval();
    for (int i = 0; i < 10 && !gp0_.handshake(); ++i) tick();
    EXPECT_TRUE(gp0_.handshake()) << "AWREADY and WREADY together " << gp0_.error();
    const uint64_t hs = cycle_;
    tick();
    gp0_.end();
    t_.eval();
    const cosim::AxiLiteMaster::Response r = gp0_.response();
    EXPECT_TRUE(r.valid) << "BVALID in the cycle after the handshake";
    if (resp) *resp = r.resp;
    else EXPECT_EQ(r.resp, 0u);
    tick();  // B handshake (BREADY = 1)
    t_.s_axi_wstrb = 0xF;
    return hs;
  }
  uint32_t read(uint32_t addr, uint64_t* ar_cycle = nullptr, uint32_t* resp = nullptr) {
    gp0_.begin_read(addr);
    t_.eval();
    for (int i = 0; i < 10 && !gp0_.handshake(); ++i) tick();
    EXPECT_TRUE(gp0_.handshake());
    if (ar_cycle) *ar_cycle = cycle_;
    tick();
    gp0_.end();
    t_.eval();
    const cosim::AxiLiteMaster::Response r = gp0_.response();
    EXPECT_TRUE(r.valid) << "RVALID in the cycle after AR";
    if (resp) *resp = r.resp;
    tick();
    return r.data;
  }
  // A DMA transfer on stream s from cycle from_cycle: full beats (an odd count is padded with a
  // zero lane, TKEEP all ones), back to back after each handshake.
  void feed(int s, const std::vector<uint32_t>& elems, uint64_t from_cycle = 0) {
    feed_[s] = elems;
    if (elems.size() % 2) feed_[s].push_back(0u);
    sched_[s] = pl::BeatSchedule{.start = from_cycle};
    src_[s].load(reinterpret_cast<const uint8_t*>(feed_[s].data()), 4 * feed_[s].size(), &sched_[s]);
  }
  uint64_t pending(int s) const { return src_[s].beats() - src_[s].sent(); }  // beats not taken
  bool wait_idle(uint32_t unit, int max = 200000) {
    for (int i = 0; i < max; ++i) {
      if (!(read(unit + STATUS) & ST_BUSY)) return true;
    }
    return false;
  }

  Vtinypynq_pl_top t_;
  cosim::AxiLiteMaster gp0_;
  cosim::PinAxisSource src_[3];
  cosim::PinAxisSink r_;
  std::vector<uint32_t> feed_[3];
  pl::BeatSchedule sched_[3];
  uint64_t cycle_ = 0;
  bool r_ready_ = true;
  std::vector<uint32_t> out_;
  uint64_t last_out_cycle_ = 0;
};

std::vector<uint32_t> randoms(std::mt19937_64& rng, size_t n) {
  std::vector<uint32_t> v(n);
  for (auto& x : v) x = ((127 - 6 + rng() % 13) << 23) | (rng() & 0x7FFFFF) | ((rng() & 1) << 31);
  return v;
}

}  // namespace

TEST(RtlTop, ResetValuesIdsAndAxiLiteTiming) {
  TopBench b;
  EXPECT_EQ(b.read(SYS + 0x00), 0x5450594Eu);
  EXPECT_EQ(b.read(SYS + 0x04), 0x00010000u);
  EXPECT_EQ(b.read(SYS + 0x08), 0u);   // ROUTE none
  EXPECT_EQ(b.read(SYS + 0x0C), 0u);   // BUSY
  EXPECT_EQ(b.read(SYS + 0x10), 100000000u);
  EXPECT_EQ(b.read(SYS + 0x18), 0u);   // TIME_HI
  uint64_t c1 = 0, c2 = 0;
  const uint32_t t1 = b.read(SYS + 0x14, &c1), t2 = b.read(SYS + 0x14, &c2);
  EXPECT_EQ(t1, c1) << "TIME_LO = cycles since reset in the AR cycle";
  EXPECT_EQ(t2 - t1, c2 - c1);
  EXPECT_EQ(b.read(SYS + 0x18), 0u);
  EXPECT_EQ(b.read(SYS + 0x40), 0u);   // unmapped
  const uint32_t ids[3] = {0x56454331u, 0x52454431u, 0x4D4D5531u};
  // VEC CFG0: LANES 2, SFUS 1, SFU_DPS [21:16] = 0x3F (every SFU datapath: the default SfuDps),
  // STREAM_C [22] = 1
  // RED CFG0: LATENCY 24, BUILT [8]
  const uint32_t cfg0[3] = {0x0102u | 0x3Fu << 16 | 1u << 22, 24u | 1u << 8, 4u | 4u << 8 | 4u << 16 | 3u << 20};
  const uint32_t cfg1[3] = {0u, 0u, 16384u}, cfg2[3] = {0u, 0u, 2048u | 1024u << 16};
  const uint32_t base[3] = {VEC, RED, MMU};
  for (int u = 0; u < 3; ++u) {
    EXPECT_EQ(b.read(base[u] + ID), ids[u]);
    EXPECT_EQ(b.read(base[u] + CFG0), cfg0[u]);
    EXPECT_EQ(b.read(base[u] + CFG1), cfg1[u]);
    EXPECT_EQ(b.read(base[u] + CFG2), cfg2[u]);
    for (uint32_t off : {CTRL, STATUS, OP, SIZE0, SIZE1, SIZE2, CYC_LO, CYC_HI, SCALAR_A, 0x2Cu, 0x100u})
      EXPECT_EQ(b.read(base[u] + off), 0u) << "unit " << u << " offset " << off;
    // R/W registers
    b.write(base[u] + OP, 0x1234u);
    b.write(base[u] + SIZE2, 77u);
    b.write(base[u] + SCALAR_A, 0xCAFEu);
    b.write(base[u] + ID, 1u);  // RO: ignored
    EXPECT_EQ(b.read(base[u] + OP), 0x1234u);
    EXPECT_EQ(b.read(base[u] + SIZE2), 77u);
    EXPECT_EQ(b.read(base[u] + SCALAR_A), u == 0 ? 0xCAFEu : 0u);  // scalars: vector only
    EXPECT_EQ(b.read(base[u] + ID), ids[u]);
    b.write(base[u] + CTRL, 2u);  // IRQ_EN, no START
    EXPECT_EQ(b.read(base[u] + CTRL), 2u);
    EXPECT_EQ(b.read(base[u] + STATUS), 0u);
  }
  // partial strobes and unaligned addresses: SLVERR, no effect
  uint32_t resp = 0;
  b.write(RED + OP, 0xFFu, 0x3, &resp);
  EXPECT_EQ(resp, 2u);
  EXPECT_EQ(b.read(RED + OP), 0x1234u);
  b.write(RED + OP + 1, 0xFFu, 0xF, &resp);
  EXPECT_EQ(resp, 2u);
  b.read(RED + OP + 2, nullptr, &resp);
  EXPECT_EQ(resp, 2u);
  // one write every two cycles: AW+W handshake, BVALID next cycle, next handshake after it
  b.t_.s_axi_awaddr = RED + SIZE0;
  b.t_.s_axi_wdata = 5;
  b.t_.s_axi_awvalid = b.t_.s_axi_wvalid = 1;
  b.t_.s_axi_awvalid = 1;
  b.t_.eval();
  EXPECT_TRUE(b.t_.s_axi_awready && b.t_.s_axi_wready && !b.t_.s_axi_bvalid);
  b.tick();
  b.t_.eval();
  EXPECT_TRUE(b.t_.s_axi_bvalid);
  EXPECT_FALSE(b.t_.s_axi_awready) << "no handshake while a response is pending";
  b.tick();
  b.t_.eval();
  EXPECT_TRUE(b.t_.s_axi_awready);
  b.t_.s_axi_awvalid = b.t_.s_axi_wvalid = 0;
  b.tick();
  b.tick();
  // only AW valid (no W): no handshake
  b.t_.s_axi_awvalid = 1;
  b.t_.eval();
  EXPECT_FALSE(b.t_.s_axi_awready);
  b.t_.s_axi_awvalid = 0;
  b.tick();
  EXPECT_EQ(b.read(RED + SIZE0), 5u);
}

TEST(RtlTop, ErrorCodesW1cAndBusy) {
  TopBench b;
  auto start_err = [&](uint32_t unit) {
    b.write(unit + CTRL, 1);
    const uint32_t st = b.read(unit + STATUS);
    EXPECT_EQ(st & (ST_BUSY | ST_DONE), 0u);
    b.write(unit + STATUS, ST_ERR);  // W1C: ERR and ERR_CODE go together
    EXPECT_EQ(b.read(unit + STATUS), 0u);
    return (st & ST_ERR) ? (st >> 4) & 0xF : 0u;
  };
  // reduce: BAD_SIZE for ROWS = 0, L = 0, ROWS*L > 16,777,215
  b.write(RED + SIZE0, 0); b.write(RED + SIZE1, 4);
  EXPECT_EQ(start_err(RED), 2u);
  b.write(RED + SIZE0, 4); b.write(RED + SIZE1, 0);
  EXPECT_EQ(start_err(RED), 2u);
  b.write(RED + SIZE0, 4097); b.write(RED + SIZE1, 4096);
  EXPECT_EQ(start_err(RED), 2u);
  b.write(RED + SIZE0, 1u << 24); b.write(RED + SIZE1, 1);
  EXPECT_EQ(start_err(RED), 2u);
  // matmul: no tile yet (LOADW = 0), K > KMAX, N > NMAX, K*ceil(N/C) > WDEPTH, M*K too large
  b.write(MMU + OP, 0); b.write(MMU + SIZE0, 4); b.write(MMU + SIZE1, 4); b.write(MMU + SIZE2, 4);
  EXPECT_EQ(start_err(MMU), 2u);
  b.write(MMU + OP, 1);
  b.write(MMU + SIZE1, 2049);
  EXPECT_EQ(start_err(MMU), 2u);
  b.write(MMU + SIZE1, 4); b.write(MMU + SIZE2, 1025);
  EXPECT_EQ(start_err(MMU), 2u);
  b.write(MMU + SIZE1, 65); b.write(MMU + SIZE2, 1024);  // 65 * 256 > 16384
  EXPECT_EQ(start_err(MMU), 2u);
  b.write(MMU + SIZE1, 2048); b.write(MMU + SIZE2, 4); b.write(MMU + SIZE0, 8193);  // M*K > max
  EXPECT_EQ(start_err(MMU), 2u);
  b.write(MMU + SIZE0, 0);
  EXPECT_EQ(start_err(MMU), 2u);
#ifndef TINYPYNQ_RTL_TOP_WITH_VEC
  b.write(VEC + OP, 1); b.write(VEC + SIZE0, 4);
  EXPECT_EQ(start_err(VEC), 1u);  // built without the vector unit: every START is BAD_OP
#else
  b.write(VEC + OP, 0x3F); b.write(VEC + SIZE0, 4);
  EXPECT_EQ(start_err(VEC), 1u);
  b.write(VEC + OP, 0x01); b.write(VEC + SIZE0, 0);
  EXPECT_EQ(start_err(VEC), 2u);
#endif
  // BUSY: a reduce command waiting for its stream, then STARTs of every unit are rejected
  b.write(RED + OP, 0); b.write(RED + SIZE0, 2); b.write(RED + SIZE1, 2);
  b.write(RED + CTRL, 1);
  EXPECT_EQ(b.read(SYS + 0x08), 2u);  // ROUTE reduce
  EXPECT_EQ(b.read(SYS + 0x0C), 2u);  // BUSY bit 1
  EXPECT_EQ(b.read(RED + STATUS), ST_BUSY);
  b.write(MMU + OP, 1); b.write(MMU + SIZE0, 4); b.write(MMU + SIZE1, 4); b.write(MMU + SIZE2, 4);
  EXPECT_EQ(start_err(MMU), 3u);
  b.write(RED + CTRL, 1);
  EXPECT_EQ(b.read(RED + STATUS), ST_BUSY | ST_ERR | (3u << 4));
  EXPECT_EQ(start_err(VEC), 3u);
  // the stream arrives: the command completes, DONE; ERR of the rejected START stays until W1C
  b.feed(0, {0x3F800000u, 0x40000000u, 0x40400000u, 0x40800000u});
  ASSERT_TRUE(b.wait_idle(RED));
  EXPECT_EQ(b.read(RED + STATUS), ST_DONE | ST_ERR | (3u << 4));
  ASSERT_EQ(b.out_.size(), 2u);
  EXPECT_EQ(b.out_[0], 0x40400000u);  // 1 + 2
  EXPECT_EQ(b.out_[1], 0x40E00000u);  // 3 + 4
  b.write(RED + STATUS, ST_DONE);
  EXPECT_EQ(b.read(RED + STATUS), ST_ERR | (3u << 4));
  b.write(RED + STATUS, ST_ERR);
  EXPECT_EQ(b.read(RED + STATUS), 0u);
  EXPECT_EQ(b.read(SYS + 0x08), 2u);  // ROUTE stays until another START is accepted
  // an accepted START clears ERR: reject (BAD_SIZE) then accept
  b.write(RED + SIZE0, 0);
  b.write(RED + CTRL, 1);
  EXPECT_EQ(b.read(RED + STATUS), ST_ERR | (2u << 4));
  b.write(RED + SIZE0, 1); b.write(RED + SIZE1, 1);
  b.feed(0, {0x80000001u});  // a subnormal: flushed to -0
  b.out_.clear();
  b.write(RED + CTRL, 1);
  ASSERT_TRUE(b.wait_idle(RED));
  EXPECT_EQ(b.read(RED + STATUS), ST_DONE);
  ASSERT_EQ(b.out_.size(), 1u);
  EXPECT_EQ(b.out_[0], 0x80000000u);
}

TEST(RtlTop, ReduceEndToEndCyclesIrqAndTlast) {
  TopBench b;
  std::mt19937_64 rng(9);
  const uint32_t rows = 13, len = 11;
  const auto x = randoms(rng, rows * len);
  b.write(RED + OP, 1);  // MAX
  b.write(RED + SIZE0, rows);
  b.write(RED + SIZE1, len);
  b.feed(0, x);  // DMA started before START: data waits at the router
  EXPECT_FALSE(b.t_.irq_red);
  const uint64_t t0 = b.write(RED + CTRL, 1 | 2);  // START, IRQ_EN
  // CYCLES while busy = t - t0 in the AR cycle
  uint64_t ar = 0;
  const uint32_t c_busy = b.read(RED + CYC_LO, &ar);
  EXPECT_EQ(c_busy, ar - t0);
  EXPECT_EQ(b.read(RED + CYC_HI), 0u);
  ASSERT_TRUE(b.wait_idle(RED));
  const uint64_t t_done = b.last_out_cycle_;
  EXPECT_EQ(b.read(RED + CYC_LO), t_done - t0);
  EXPECT_EQ(t_done - t0, pl::reduce_cycles_ideal(rows, len) + 0) << "ideal streams: §8.4";
  EXPECT_EQ(b.read(RED + STATUS), ST_DONE);
  EXPECT_TRUE(b.t_.irq_red);
  EXPECT_FALSE(b.t_.irq_mmu);
  ASSERT_EQ(b.out_.size(), rows);
  for (uint32_t r = 0; r < rows; ++r) EXPECT_EQ(b.out_[r], pl::reduce_max(&x[r * len], len));
  b.write(RED + STATUS, ST_DONE);  // W1C drops the interrupt
  EXPECT_FALSE(b.t_.irq_red);
  // a transfer one beat short of TLAST placement: W_TLAST
  b.out_.clear();
  b.write(RED + OP, 0);
  b.write(RED + SIZE0, 2);
  b.write(RED + SIZE1, 3);
  b.feed(0, {0x3F800000u, 0x3F800000u, 0x3F800000u, 0x3F800000u, 0x3F800000u, 0x3F800000u,
             0x3F800000u, 0x3F800000u});  // 4 beats, the unit takes 3: TLAST missing on beat 2
  b.write(RED + CTRL, 1);
  ASSERT_TRUE(b.wait_idle(RED));
  EXPECT_EQ(b.read(RED + STATUS), ST_DONE | ST_W_TLAST);
  EXPECT_EQ(b.out_, (std::vector<uint32_t>{0x40400000u, 0x40400000u}));
  b.write(RED + STATUS, ST_W_TLAST);
  EXPECT_EQ(b.read(RED + STATUS), ST_DONE);
  b.src_[0].clear();  // the transfer is abandoned
}

TEST(RtlTop, MatmulEndToEndWithTileReuse) {
  TopBench b;
  std::mt19937_64 rng(11);
  const uint32_t m = 6, k = 5, n = 19;
  const auto w = randoms(rng, k * n);
  for (int cmd = 0; cmd < 2; ++cmd) {
    const uint32_t mm = cmd ? m + 3 : m;
    const auto a = randoms(rng, mm * k);
    b.out_.clear();
    b.write(MMU + OP, cmd == 0 ? 1 : 0);
    b.write(MMU + SIZE0, mm);
    b.write(MMU + SIZE1, k);
    b.write(MMU + SIZE2, n);
    if (cmd == 0) b.feed(1, w);
    b.feed(0, a);
    const uint64_t t0 = b.write(MMU + CTRL, 1);
    EXPECT_EQ(b.read(SYS + 0x08), 3u);
    EXPECT_EQ(b.read(SYS + 0x0C), 4u);
    ASSERT_TRUE(b.wait_idle(MMU));
    EXPECT_EQ(b.read(MMU + STATUS), ST_DONE);
    EXPECT_EQ(b.read(MMU + CYC_LO), b.last_out_cycle_ - t0);
    // streams are ideal except that AXI-Lite polling does not disturb them: §8.4
    EXPECT_EQ(b.last_out_cycle_ - t0, pl::matmul_cycles_ideal(mm, k, n, cmd == 0));
    std::vector<uint32_t> ref(mm * n);
    pl::matmul(a.data(), w.data(), ref.data(), mm, k, n);
    EXPECT_EQ(b.out_, ref);
  }
  // reuse with other K/N: BAD_SIZE
  b.write(MMU + OP, 0);
  b.write(MMU + SIZE2, n + 1);
  b.write(MMU + CTRL, 1);
  EXPECT_EQ(b.read(MMU + STATUS), ST_DONE | ST_ERR | (2u << 4));
}

TEST(RtlTop, ResetMidCommandAndRouteIsolation) {
  TopBench b;
  // matmul waiting for A: the other streams are not taken (route = matmul, B not needed)
  b.write(MMU + OP, 1); b.write(MMU + SIZE0, 2); b.write(MMU + SIZE1, 2); b.write(MMU + SIZE2, 2);
  b.feed(2, {1, 2, 3, 4});  // stream C: never taken by the matmul
  b.write(MMU + CTRL, 1);
  for (int i = 0; i < 20; ++i) b.tick();
  EXPECT_EQ(b.pending(2), 2u);
  EXPECT_EQ(b.read(MMU + STATUS), ST_BUSY);
  // aresetn: everything back to reset values, the tile forgotten
  b.t_.aresetn = 0;
  b.tick();
  b.tick();
  b.t_.aresetn = 1;
  EXPECT_EQ(b.read(MMU + STATUS), 0u);
  EXPECT_EQ(b.read(SYS + 0x08), 0u);
  EXPECT_EQ(b.read(MMU + OP), 0u);
}

#ifdef TINYPYNQ_RTL_TOP_WITH_VEC
TEST(RtlTop, VectorEndToEnd) {
  TopBench b;
  std::mt19937_64 rng(13);
  const uint32_t n = 9;
  const auto a = randoms(rng, n), c = randoms(rng, n);
  b.write(VEC + OP, 0x01);  // ADD
  b.write(VEC + SIZE0, n);
  b.feed(0, a);
  b.feed(1, c);
  b.feed(2, {7, 7});  // stream C: not used by ADD, must not be taken
  const uint64_t t0 = b.write(VEC + CTRL, 1);
  EXPECT_EQ(b.read(SYS + 0x08), 1u);
  ASSERT_TRUE(b.wait_idle(VEC));
  EXPECT_EQ(b.read(VEC + STATUS), ST_DONE);
  EXPECT_EQ(b.last_out_cycle_ - t0, pl::vector_cycles_ideal(pl::VecOp::ADD, n));
  EXPECT_EQ(b.read(VEC + CYC_LO), b.last_out_cycle_ - t0);
  ASSERT_EQ(b.out_.size(), n);
  for (uint32_t i = 0; i < n; ++i) EXPECT_EQ(b.out_[i], pl::vec_apply(pl::VecOp::ADD, a[i], c[i], 0));
  EXPECT_EQ(b.pending(2), 1u);
}
#endif
