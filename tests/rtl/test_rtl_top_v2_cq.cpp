// SPDX-License-Identifier: MIT
// The pl_version 2 PL with its command queue (rtl/top/tinypynq_pl_top_v2_cq.sv: the PL a v2 board
// runs), Verilated with the training PL's parameters and driven cycle by cycle: the PS on GP0,
// four HP slaves from one DDR byte array (reads: a_f = max(i_f + lat, a_{f-1}) + n * cpb, as
// test_rtl_top_v2.cpp; writes: every W beat taken, B lat_w cycles after WLAST). The queue's own
// timing is checked by its block cosim (test_rtl_cmd_queue) and the units' and readers' by
// test_rtl_top_v2; this is the integration: GP0's decode of the CQ window, the arbiter that lets
// the sequencer and GP0 share the register bus, HP3, VW's STATUS ending each command, IRQ_F2P[CQ].
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <random>
#include <utility>
#include <vector>

#include "Vtinypynq_pl_wrapper_v2.h"
#include "hw/tp_contract.h"
#include "models/fp/pl_float.h"
#include "models/fp/view_reader.h"
#include "models/fp/view_writer.h"
#include "verilated.h"

namespace pl = tinypynq::pl;
namespace vr = tinypynq::pl::vr;
namespace vw = tinypynq::pl::vw;
namespace hw = tinypynq::hw;
namespace cq = tinypynq::hw::cq;

namespace {

constexpr uint64_t kDdr = 512ull << 20;
// GP0 as the wrapper's s_axi sees it: the block design maps one segment from GP0_BASE (512K,
// aligned to its range; hw/vivado/build_bitstream.tcl), whose offsets the wrapper turns into the
// top's (GP0_TOP_OFF = PL_TOP_BASE - GP0_BASE).
constexpr uint32_t off(uint64_t gp0) { return static_cast<uint32_t>(gp0 - hw::win::GP0_BASE); }
constexpr uint32_t kCq = off(hw::win::CQ_BASE);
constexpr uint32_t vr_abs(unsigned i) { return static_cast<uint32_t>(hw::win::VR_BASE) + hw::win::VR_INSTANCE_STRIDE * i; }

struct ReadPins {
  uint32_t* araddr;
  uint8_t *arlen, *arvalid, *arready, *rlast, *rvalid, *rready, *rresp;
  uint64_t* rdata;
};
struct WritePins {
  uint32_t* awaddr;
  uint8_t *awlen, *awvalid, *awready;
  uint64_t* wdata;
  uint8_t *wstrb, *wlast, *wvalid, *wready, *bresp, *bvalid, *bready;
};

#define TP_READ_PINS(n)                                                                                            \
  ReadPins {                                                                                                       \
    &m_.m_axi_hp##n##_araddr, &m_.m_axi_hp##n##_arlen, &m_.m_axi_hp##n##_arvalid, &m_.m_axi_hp##n##_arready,       \
        &m_.m_axi_hp##n##_rlast, &m_.m_axi_hp##n##_rvalid, &m_.m_axi_hp##n##_rready, &m_.m_axi_hp##n##_rresp,      \
        &m_.m_axi_hp##n##_rdata                                                                                    \
  }
#define TP_WRITE_PINS(n)                                                                                           \
  WritePins {                                                                                                      \
    &m_.m_axi_hp##n##_awaddr, &m_.m_axi_hp##n##_awlen, &m_.m_axi_hp##n##_awvalid, &m_.m_axi_hp##n##_awready,       \
        &m_.m_axi_hp##n##_wdata, &m_.m_axi_hp##n##_wstrb, &m_.m_axi_hp##n##_wlast, &m_.m_axi_hp##n##_wvalid,       \
        &m_.m_axi_hp##n##_wready, &m_.m_axi_hp##n##_bresp, &m_.m_axi_hp##n##_bvalid, &m_.m_axi_hp##n##_bready      \
  }

class TopCq {
 public:
  explicit TopCq(uint8_t* ddr) : ddr_(ddr) {
    rp_[0] = TP_READ_PINS(0), rp_[1] = TP_READ_PINS(1), rp_[2] = TP_READ_PINS(2), rp_[3] = TP_READ_PINS(3);
    wp_[0] = TP_WRITE_PINS(0), wp_[1] = TP_WRITE_PINS(3);
    m_.aclk = 0;
    m_.s_axi_bready = 1, m_.s_axi_rready = 1;
    for (ReadPins& p : rp_) *p.arready = 1;
    for (WritePins& p : wp_) *p.awready = 1, *p.wready = 1;
    reset();
  }
  ~TopCq() { m_.final(); }

  static constexpr uint64_t kLat = 11, kCpb = 1, kLatW = 8;
  uint64_t now() const { return cyc_; }
  uint64_t irq_rise[16] = {};
  uint64_t hp3_reads = 0, hp3_writes = 0, hp0_writes = 0;
  unsigned last_bresp = 0, last_rresp = 0;

  uint64_t wr(uint32_t addr, uint32_t data) {  // GP0 offset from PL_TOP_BASE; the handshake cycle
    m_.s_axi_awaddr = addr, m_.s_axi_wdata = data, m_.s_axi_wstrb = 0xF;
    m_.s_axi_awvalid = 1, m_.s_axi_wvalid = 1;
    uint64_t at = 0;
    for (unsigned i = 0;; ++i) {
      settle();
      const bool hs = m_.s_axi_awready && m_.s_axi_wready;
      at = cyc_;
      tick();
      if (hs) break;
      if (i > 100000) {
        ADD_FAILURE() << "no AW handshake at 0x" << std::hex << addr;
        break;
      }
    }
    m_.s_axi_awvalid = 0, m_.s_axi_wvalid = 0;
    while (!m_.s_axi_bvalid) tick();
    last_bresp = m_.s_axi_bresp;
    tick();
    return at;
  }
  uint32_t rd(uint32_t addr, uint64_t* waited = nullptr) {
    m_.s_axi_araddr = addr, m_.s_axi_arvalid = 1;
    const uint64_t t0 = cyc_;
    for (unsigned i = 0;; ++i) {
      settle();
      const bool hs = m_.s_axi_arready;
      tick();
      if (hs) break;
      if (i > 100000) {
        ADD_FAILURE() << "no AR handshake at 0x" << std::hex << addr;
        break;
      }
    }
    if (waited) *waited = cyc_ - 1 - t0;
    m_.s_axi_arvalid = 0;
    while (!m_.s_axi_rvalid) tick();
    const uint32_t v = m_.s_axi_rdata;
    last_rresp = m_.s_axi_rresp;
    tick();
    return v;
  }
  void idle(unsigned n) {
    for (unsigned i = 0; i < n; ++i) tick();
  }
  // aresetn low for 3 cycles; the HP slaves drop what was in flight, as the PS7 port reset does.
  void reset() {
    m_.aresetn = 0;
    for (auto& f : fills_) f.clear();
    for (unsigned i = 0; i < 4; ++i) rf_[i] = rb_[i] = 0;
    for (auto& w : wr_) w = WriteSide{};
    idle(3);
    m_.aresetn = 1;
    idle(1);
  }
  bool irq(unsigned line) const { return m_.irq_f2p >> line & 1; }

 private:
  struct Fill {
    uint64_t addr, beats, arrive;
  };
  struct WriteSide {
    std::deque<std::pair<uint64_t, uint64_t>> aw;  // address, beats
    uint64_t beat = 0;
    std::deque<uint64_t> b_due;
  };
  void settle() {
    for (unsigned i = 0; i < 4; ++i) {
      ReadPins& p = rp_[i];
      *p.rvalid = 0, *p.rlast = 0, *p.rresp = 0;
      if (rf_[i] < fills_[i].size()) {
        const Fill& f = fills_[i][rf_[i]];
        const uint64_t first = f.arrive - 1 - (f.beats - 1) * kCpb;
        if (first + rb_[i] * kCpb <= cyc_) {
          std::memcpy(p.rdata, ddr_ + f.addr + 8 * rb_[i], 8);
          *p.rvalid = 1;
          *p.rlast = rb_[i] + 1 == f.beats;
        }
      }
    }
    for (unsigned j = 0; j < 2; ++j) *wp_[j].bvalid = !wr_[j].b_due.empty() && wr_[j].b_due.front() <= cyc_, *wp_[j].bresp = 0;
    m_.eval();
  }
  void tick() {
    settle();
    for (unsigned i = 0; i < 4; ++i) {
      ReadPins& p = rp_[i];
      if (*p.arvalid && *p.arready) {
        Fill f{*p.araddr, *p.arlen + 1u, 0};
        const uint64_t prev = fills_[i].empty() ? 0 : fills_[i].back().arrive;
        f.arrive = std::max(cyc_ + kLat, prev) + f.beats * kCpb;
        fills_[i].push_back(f);
        if (i == 3) ++hp3_reads;
      }
      if (*p.rvalid && *p.rready && ++rb_[i] == fills_[i][rf_[i]].beats) rb_[i] = 0, ++rf_[i];
    }
    for (unsigned j = 0; j < 2; ++j) {
      WritePins& p = wp_[j];
      WriteSide& w = wr_[j];
      if (*p.awvalid && *p.awready) w.aw.emplace_back(*p.awaddr, *p.awlen + 1u), ++(j ? hp3_writes : hp0_writes);
      if (*p.wvalid && *p.wready) {
        EXPECT_FALSE(w.aw.empty()) << "HP" << (j ? 3 : 0) << ": a W beat before its AW";
        if (!w.aw.empty()) {
          const uint64_t a = w.aw.front().first + 8 * w.beat;
          for (unsigned k = 0; k < 8; ++k)
            if (*p.wstrb >> k & 1) ddr_[a + k] = static_cast<uint8_t>(*p.wdata >> (8 * k));
          if (++w.beat == w.aw.front().second) {
            EXPECT_TRUE(*p.wlast) << "HP" << (j ? 3 : 0) << ": WLAST on the burst's last beat";
            w.aw.pop_front(), w.beat = 0, w.b_due.push_back(cyc_ + kLatW);
          }
        }
      }
      if (*p.bvalid && *p.bready) w.b_due.pop_front();
    }
    for (unsigned b = 0; b < 16; ++b)
      if ((m_.irq_f2p >> b & 1) && !(irq_prev_ >> b & 1)) irq_rise[b] = cyc_;
    irq_prev_ = m_.irq_f2p;
    m_.aclk = 1;
    m_.eval();
    m_.aclk = 0;
    m_.eval();
    ++cyc_;
  }
  Vtinypynq_pl_wrapper_v2 m_;
  uint8_t* ddr_;
  ReadPins rp_[4];
  WritePins wp_[2];  // HP0 (VW), HP3 (the queue's records)
  std::vector<Fill> fills_[4];
  size_t rf_[4] = {0, 0, 0, 0};
  uint64_t rb_[4] = {0, 0, 0, 0};
  WriteSide wr_[2];
  uint64_t cyc_ = 0;
  uint16_t irq_prev_ = 0;
};

struct Ddr {
  uint8_t* p = static_cast<uint8_t*>(std::calloc(kDdr, 1));
  ~Ddr() { std::free(p); }
  void put(uint64_t a, uint32_t w) { std::memcpy(p + a, &w, 4); }
  uint32_t get(uint64_t a) const {
    uint32_t w;
    std::memcpy(&w, p + a, 4);
    return w;
  }
};

pl::ViewDesc view2(uint32_t base, uint32_t limit, uint32_t rows, uint32_t cols, int32_t s0, int32_t s1) {
  pl::ViewDesc d;
  d.base = base, d.limit = limit, d.rank = 2;
  d.shape[0] = rows, d.shape[1] = cols, d.stride[0] = s0, d.stride[1] = s1;
  d.full_mask();
  return d;
}

using Writes = std::vector<std::pair<uint32_t, uint32_t>>;

void reader_writes(Writes& w, unsigned i, const pl::ViewDesc& d) {
  const uint32_t b = vr_abs(i);
  w.push_back({b + vr::BASE, static_cast<uint32_t>(d.base)});
  w.push_back({b + vr::LIMIT, static_cast<uint32_t>(d.limit)});
  w.push_back({b + vr::OFFSET, static_cast<uint32_t>(d.offset)});
  w.push_back({b + vr::RANK, d.rank});
  w.push_back({b + vr::PAD, d.pad});
  for (unsigned k = 0; k < d.rank; ++k) {
    const uint32_t r = b + vr::DIM0 + vr::DIM_BYTES * k;
    w.push_back({r + vr::D_SHAPE, d.shape[k]}), w.push_back({r + vr::D_STRIDE, static_cast<uint32_t>(d.stride[k])});
    w.push_back({r + vr::D_MLO, d.mlo[k]}), w.push_back({r + vr::D_MHI, d.mhi[k]});
  }
  w.push_back({b + vr::CTRL, vr::CTRL_START});
}
void writer_writes(Writes& w, const pl::ViewDesc& d) {
  const uint32_t b = static_cast<uint32_t>(vw::kWindow);
  w.push_back({b + vw::BASE, static_cast<uint32_t>(d.base)});
  w.push_back({b + vw::LIMIT, static_cast<uint32_t>(d.limit)});
  w.push_back({b + vw::OFFSET, static_cast<uint32_t>(d.offset)});
  w.push_back({b + vw::RANK, d.rank});
  for (unsigned k = 0; k < d.rank; ++k) {
    const uint32_t r = b + vw::DIM0 + vw::DIM_BYTES * k;
    w.push_back({r + vw::D_SHAPE, d.shape[k]}), w.push_back({r + vw::D_STRIDE, static_cast<uint32_t>(d.stride[k])});
    w.push_back({r + vw::D_MLO, d.mlo[k]}), w.push_back({r + vw::D_MHI, d.mhi[k]});
  }
  w.push_back({b + vw::CTRL, vw::CTRL_START});
}
// A vector command: A (VR0) op B (VR1) into the view out (VW).
Writes vector_entry(hw::VecOp op, const pl::ViewDesc& a, const pl::ViewDesc& b, const pl::ViewDesc& out) {
  Writes w;
  writer_writes(w, out);
  reader_writes(w, 1, b);
  reader_writes(w, 0, a);
  const uint32_t vec = static_cast<uint32_t>(hw::win::VEC_BASE);
  w.push_back({vec + hw::unit::OP, static_cast<uint32_t>(op)});
  w.push_back({vec + hw::unit::SIZE0, static_cast<uint32_t>(out.elems())});
  w.push_back({vec + hw::unit::CTRL, hw::unit::CTRL_START.mask});
  return w;
}

constexpr uint32_t kRing = 0x0100'0000u, kSlots = 8;

void put_entry(Ddr& ddr, unsigned slot, unsigned unit, bool irq, const Writes& w) {
  const uint64_t s = kRing + hw::limits::CQ_SLOT_BYTES * slot;
  ddr.put(s, cq::HEADER_NWRITES.put(static_cast<uint32_t>(w.size())) | cq::HEADER_UNIT.put(unit) |
                 (irq ? cq::HEADER_IRQ.mask : 0u));
  ddr.put(s + 4, 0x7A60u + slot);  // TAG
  ddr.put(s + 8, 0), ddr.put(s + 12, 0);
  for (size_t i = 0; i < w.size(); ++i) ddr.put(s + 16 + 8 * i, w[i].first), ddr.put(s + 20 + 8 * i, w[i].second);
}

void start_ring(TopCq& t, uint32_t tail) {
  t.wr(kCq + cq::RING_BASE, kRing);
  t.wr(kCq + cq::RING_SLOTS, kSlots);
  t.wr(kCq + cq::CTRL, cq::CTRL_ENABLE.mask | cq::CTRL_IRQ_EN.mask);
  t.wr(kCq + cq::TAIL, tail);
}

// Polls COMPLETED (and STATUS.ERR) until n entries are done or the limit; false on timeout.
bool wait_completed(TopCq& t, uint32_t n, uint64_t limit) {
  while (t.now() < limit) {
    if (t.rd(kCq + cq::COMPLETED) >= n) return true;
    if (t.rd(kCq + cq::STATUS) & cq::STATUS_ERR.mask) return false;
    t.idle(64);
  }
  return false;
}

void fill_floats(Ddr& ddr, uint32_t base, uint32_t n, std::mt19937& g) {
  std::uniform_real_distribution<float> u(1.f, 2.f);
  for (uint32_t i = 0; i < n; ++i) {
    const float v = u(g);
    uint32_t w;
    std::memcpy(&w, &v, 4);
    ddr.put(base + 4ull * i, w);
  }
}

}  // namespace

static_assert(hw::win::CQ_BASE + hw::win::CQ_SIZE - hw::win::GP0_BASE <= (1u << 19),
              "the wrapper's 19-bit GP0 segment reaches the CQ window");
static_assert(hw::win::PL_TOP_BASE - hw::win::GP0_BASE == 196608, "tinypynq_pl_wrapper_v2's default GP0_TOP_OFF");

// GP0 reaches the queue's registers (its window) and the PL's (through the arbiter) alike.
TEST(RtlTopV2Cq, Gp0DecodesTheQueueWindowAndThePlsWindows) {
  Ddr ddr;
  auto top = std::make_unique<TopCq>(ddr.p);
  TopCq& t = *top;
  t.wr(kCq + cq::RING_BASE, kRing);
  EXPECT_EQ(t.last_bresp, 0u);
  t.wr(kCq + cq::RING_SLOTS, kSlots);
  EXPECT_EQ(t.rd(kCq + cq::RING_BASE), kRing);
  EXPECT_EQ(t.rd(kCq + cq::RING_SLOTS), kSlots);
  EXPECT_EQ(t.rd(off(hw::win::SYS_BASE) + hw::sys::ID), hw::sys::ID_RESET);
  EXPECT_EQ(t.rd(off(hw::win::MMU_BASE) + hw::unit::ID), hw::mmu::ID_VALUE);
  // SYS.VERSION 2.0: the major version is the PL version, which the runtime and the board check
  EXPECT_EQ(t.rd(off(hw::win::SYS_BASE) + hw::sys::VERSION), hw::limits::SYS_VERSION_V2);
  // the segment's first 192K (v1's DMA windows, none in v2) wrap to the top's unmapped rest
  EXPECT_EQ(t.rd(off(hw::win::DMA0_BASE)), 0u);
  EXPECT_EQ(t.last_rresp, 0u);
  EXPECT_EQ(t.rd(off(hw::win::VEC_BASE) + hw::unit::ID), hw::vec::ID_VALUE);
  t.wr(off(vr_abs(1)) + vr::BASE, 0x4000u);
  EXPECT_EQ(t.rd(off(vr_abs(1)) + vr::BASE), 0x4000u);
  t.wr(off(vw::kWindow) + vw::BASE, 0x8000u);
  EXPECT_EQ(t.rd(off(vw::kWindow) + vw::BASE), 0x8000u);
  EXPECT_EQ(t.rd(kCq + cq::COMPLETED), 0u);
  EXPECT_FALSE(t.irq(hw::irq::CQ));
}

// Three vector commands from the ring (a transposed A, a broadcast B, written through VW; the
// last entry ends a batch): the results in DDR bit for bit, each record written back on HP3 with
// the unit's and VW's DONE, COMPLETED and HEAD, STATUS.BATCH and IRQ_F2P[CQ]. Meanwhile the PS
// reads SYS.ID on GP0: it shares the register bus with the sequencer and gets its answer.
TEST(RtlTopV2Cq, TheQueueRunsABatchOfVectorCommandsFromDdr) {
  Ddr ddr;
  std::mt19937 g(11);
  const uint32_t rows = 24, cols = 40, n = rows * cols;
  const uint32_t abase = 0x0010'0F00u, bbase = 0x0020'0000u, obase = 0x0030'0000u;
  fill_floats(ddr, abase, n, g);
  fill_floats(ddr, bbase, cols, g);
  const pl::ViewDesc a = view2(abase, 4 * n, rows, cols, 1, static_cast<int32_t>(rows));  // transposed
  const pl::ViewDesc b = view2(bbase, 4 * cols, rows, cols, 0, 1);                         // broadcast row
  const hw::VecOp ops[3] = {hw::VecOp::ADD, hw::VecOp::MUL, hw::VecOp::SUB};
  pl::ViewDesc out[3];
  for (unsigned e = 0; e < 3; ++e) {
    out[e] = view2(obase + 0x10000u * e, 4 * n, rows, cols, static_cast<int32_t>(cols), 1);
    put_entry(ddr, e, static_cast<unsigned>(hw::Unit::kVector), e == 2, vector_entry(ops[e], a, b, out[e]));
  }
  auto top = std::make_unique<TopCq>(ddr.p);
  TopCq& t = *top;
  start_ring(t, 3);
  // GP0 reads (SYS.ID) and writes (to the unmapped rest of the VR window: ignored, OKAY) while the
  // sequencer replays the entries' writes. The sequencer has priority (its spec timing holds
  // whatever the PS does), so a GP0 access waits at most for the rest of an entry's writes.
  uint64_t waited = 0, max_rd_wait = 0, max_wr_wait = 0, wr_waits = 0;
  for (unsigned i = 0; i < 60; ++i) {
    EXPECT_EQ(t.rd(off(hw::win::SYS_BASE) + hw::sys::ID, &waited), hw::sys::ID_RESET) << "read " << i;
    max_rd_wait = std::max(max_rd_wait, waited);
    const uint64_t asked = t.now();
    const uint64_t at = t.wr(off(vr_abs(3)) + vr::BASE, 0xDEAD0000u + i);
    EXPECT_EQ(t.last_bresp, 0u);
    max_wr_wait = std::max(max_wr_wait, at - asked);
    wr_waits += at != asked;
  }
  ASSERT_TRUE(wait_completed(t, 3, t.now() + 2'000'000)) << "STATUS 0x" << std::hex << t.rd(kCq + cq::STATUS);
  const uint64_t entry_writes = vector_entry(ops[0], a, b, out[0]).size();
  EXPECT_LE(max_rd_wait, 2u) << "the sequencer's reads are single accesses";
  EXPECT_LE(max_wr_wait, hw::limits::CQ_WRITE_CYCLES * entry_writes) << "at most one entry's writes";
  EXPECT_GT(wr_waits, 0u) << "the PS's writes met the sequencer's (the arbiter was exercised)";
  std::vector<uint32_t> wa(n), wb(n);
  pl::gather(a, ddr.p, wa.data());
  pl::gather(b, ddr.p, wb.data());
  for (unsigned e = 0; e < 3; ++e)
    for (uint32_t i = 0; i < n; ++i) {
      const uint32_t want = ops[e] == hw::VecOp::ADD   ? pl::add(wa[i], wb[i])
                            : ops[e] == hw::VecOp::MUL ? pl::mul(wa[i], wb[i])
                                                       : pl::sub(wa[i], wb[i]);
      ASSERT_EQ(ddr.get(out[e].base + 4ull * i), want) << "entry " << e << " element " << i;
    }
  for (unsigned e = 0; e < 3; ++e) {
    const uint64_t s = kRing + hw::limits::CQ_SLOT_BYTES * e;
    const uint32_t res = ddr.get(s + 8), cycles = ddr.get(s + 12);
    EXPECT_TRUE(res & cq::RESULT_VALID.mask) << "entry " << e << std::hex << " RESULT 0x" << res;
    const uint32_t ust = cq::RESULT_UNIT_STATUS.get(res), vst = cq::RESULT_VW_STATUS.get(res);
    EXPECT_TRUE(ust & hw::unit::STATUS_DONE.mask) << "entry " << e << std::hex << " unit STATUS 0x" << ust;
    EXPECT_FALSE(ust & hw::unit::STATUS_ERR.mask) << "entry " << e << std::hex << " unit STATUS 0x" << ust;
    EXPECT_TRUE(vst & vw::ST_DONE) << "entry " << e << std::hex << " VW STATUS 0x" << vst;
    EXPECT_GE(cycles, n / 2) << "entry " << e << ": the unit's CYCLES (at least a beat per two elements)";
    EXPECT_EQ(ddr.get(s + 4), 0x7A60u + e) << "the TAG is the PS's";
  }
  EXPECT_EQ(t.rd(kCq + cq::HEAD), 3u);
  const uint32_t st = t.rd(kCq + cq::STATUS);
  EXPECT_TRUE(st & cq::STATUS_BATCH.mask) << std::hex << st;
  EXPECT_FALSE(st & cq::STATUS_ERR.mask) << std::hex << st;
  EXPECT_TRUE(t.irq(hw::irq::CQ)) << "IRQ_F2P[CQ] with BATCH and CTRL.IRQ_EN";
  EXPECT_EQ(t.hp3_writes, 3u) << "one record per entry on HP3";
  EXPECT_GE(t.hp3_reads, 3u) << "the slots are fetched on HP3";
  EXPECT_GT(t.hp0_writes, 0u) << "VW writes on HP0";
  t.wr(kCq + cq::STATUS, cq::STATUS_BATCH.mask);  // W1C
  EXPECT_FALSE(t.rd(kCq + cq::STATUS) & cq::STATUS_BATCH.mask);
  t.idle(2);
  EXPECT_FALSE(t.irq(hw::irq::CQ));
}

// An entry that writes SYS (not an entry's window) stops the queue with BAD_ADDR naming the write;
// nothing after it runs; an aresetn (PlExec's recovery) clears the queue, and the next ring runs.
TEST(RtlTopV2Cq, ABadEntryStopsTheQueueAndResetRecovers) {
  Ddr ddr;
  std::mt19937 g(5);
  const uint32_t n = 64, abase = 0x0010'0000u, obase = 0x0030'0000u;
  fill_floats(ddr, abase, n, g);
  const pl::ViewDesc a = view2(abase, 4 * n, 8, 8, 8, 1), o = view2(obase, 4 * n, 8, 8, 8, 1);
  Writes bad = vector_entry(hw::VecOp::ADD, a, a, o);
  bad.insert(bad.begin() + 2, {static_cast<uint32_t>(hw::win::SYS_BASE) + hw::sys::ID, 1u});
  put_entry(ddr, 0, static_cast<unsigned>(hw::Unit::kVector), false, bad);
  auto top = std::make_unique<TopCq>(ddr.p);
  TopCq& t = *top;
  start_ring(t, 1);
  EXPECT_FALSE(wait_completed(t, 1, t.now() + 100'000));
  const uint32_t st = t.rd(kCq + cq::STATUS);
  ASSERT_TRUE(st & cq::STATUS_ERR.mask) << std::hex << st;
  EXPECT_EQ(cq::STATUS_ERR_CODE.get(st), cq::ERR_BAD_ADDR) << cq::err_name(cq::STATUS_ERR_CODE.get(st));
  EXPECT_EQ(t.rd(kCq + cq::ERR_INDEX), 0u);
  EXPECT_EQ(t.rd(kCq + cq::ERR_INFO), 2u) << "the index of the bad write";
  EXPECT_EQ(t.rd(kCq + cq::COMPLETED), 0u);
  EXPECT_TRUE(t.irq(hw::irq::CQ)) << "IRQ_F2P[CQ] with ERR and CTRL.IRQ_EN";
  EXPECT_EQ(ddr.get(obase), 0u) << "the entry's command never ran";
  t.reset();
  EXPECT_EQ(t.rd(kCq + cq::STATUS) & ~cq::STATUS_REACHED.mask, 0u) << "ERR cleared (REACHED: COMPLETED 0 >= WAIT 0)";
  EXPECT_EQ(t.rd(kCq + cq::HEAD), 0u);
  put_entry(ddr, 0, static_cast<unsigned>(hw::Unit::kVector), false, vector_entry(hw::VecOp::ADD, a, a, o));
  start_ring(t, 1);
  ASSERT_TRUE(wait_completed(t, 1, t.now() + 200'000));
  std::vector<uint32_t> wa(n);
  pl::gather(a, ddr.p, wa.data());
  for (uint32_t i = 0; i < n; ++i) ASSERT_EQ(ddr.get(obase + 4ull * i), pl::add(wa[i], wa[i])) << "element " << i;
}
