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
#include <cstring>
#include <memory>
#include <random>
#include <utility>
#include <vector>

#include "Vtinypynq_pl_wrapper_v2.h"
#include "hw/tp_contract.h"
#include "models/fp/pl_float.h"
#include "models/fp/view_reader.h"
#include "models/fp/view_writer.h"
#include "tests/rtl/top_bench.h"
#include "verilated.h"

namespace pl = tinypynq::pl;
namespace vr = tinypynq::pl::vr;
namespace vw = tinypynq::pl::vw;
namespace hw = tinypynq::hw;
namespace cq = tinypynq::hw::cq;
namespace rtl_test = tinypynq::rtl_test;

namespace {

// GP0 as the wrapper's s_axi sees it: the block design maps one segment from GP0_BASE (512K,
// aligned to its range; hw/vivado/build_bitstream.tcl), whose offsets the wrapper turns into the
// top's (GP0_TOP_OFF = PL_TOP_BASE - GP0_BASE).
constexpr uint32_t off(uint64_t gp0) { return static_cast<uint32_t>(gp0 - hw::win::GP0_BASE); }
constexpr uint32_t kCq = off(hw::win::CQ_BASE);
constexpr uint32_t vr_abs(unsigned i) { return static_cast<uint32_t>(hw::win::VR_BASE) + hw::win::VR_INSTANCE_STRIDE * i; }

using rtl_test::Ddr;

// The wrapper on the bench: four HP read slaves (a beat not taken stays valid), HP0 (VW) and HP3 (the queue's
// records) write slaves, GP0 offsets from GP0_BASE.
class TopCq : public rtl_test::TopBench<Vtinypynq_pl_wrapper_v2, 4, 2> {
 public:
  explicit TopCq(uint8_t* ddr) : TopBench({.aw = 100001, .ar = 100001}) {
    const rtl_test::HpReadSlave::Timing rt{kLat, kCpb, /*hold=*/true};
    hp_rd_[0].attach(TP_HP_READ_PINS(m_, 0), ddr, rt);
    hp_rd_[1].attach(TP_HP_READ_PINS(m_, 1), ddr, rt);
    hp_rd_[2].attach(TP_HP_READ_PINS(m_, 2), ddr, rt);
    hp_rd_[3].attach(TP_HP_READ_PINS(m_, 3), ddr, rt);
    hp_wr_[0].attach(TP_HP_WRITE_PINS(m_, 0), ddr, 0, kLatW);
    hp_wr_[1].attach(TP_HP_WRITE_PINS(m_, 3), ddr, 3, kLatW);
    reset();
  }

  static constexpr uint64_t kLat = 11, kCpb = 1, kLatW = 8;
  uint64_t hp3_reads() const { return hp_rd_[3].bursts(); }
  uint64_t hp3_writes() const { return hp_wr_[1].bursts(); }
  uint64_t hp0_writes() const { return hp_wr_[0].bursts(); }
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
  EXPECT_EQ(t.hp3_writes(), 3u) << "one record per entry on HP3";
  EXPECT_GE(t.hp3_reads(), 3u) << "the slots are fetched on HP3";
  EXPECT_GT(t.hp0_writes(), 0u) << "VW writes on HP0";
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
