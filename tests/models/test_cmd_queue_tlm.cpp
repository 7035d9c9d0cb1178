// The v2 command queue's TLM module (models/tlm/cmd_queue_tlm.h) in the pl_version 2 platform
// (docs/pl-v2.md "v2 step 4"): entries written into the DDR ring as the PS does, one doorbell,
// the sequencer programming the readers, the writer and the vector unit back to back at the
// spec's cycles; results bit-identical to the same commands programmed over GP0; the batch
// interrupt, a ring that wraps, and every queue error stopping at its entry, after which a
// reset PL runs the next batch.
#include <gtest/gtest.h>

#include <systemc>
#include <tlm>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "base/board_config.h"
#include "hw/tp_contract.h"
#include "models/tlm/cmd_queue_tlm.h"
#include "models/tlm/platform.h"
#include "models/tlm/view_writer_tlm.h"

namespace {

using namespace tinypynq;
using namespace tinypynq::vp;
namespace cq = hw::cq;
namespace lim = hw::limits;
using sc_core::sc_time;

struct Harness {
  BoardConfig cfg = [] { BoardConfig c = BoardConfig::defaults(); c.pl_version = 2; return c; }();
  Platform& p;
  Harness() : p((Platform::declare("tlm", cfg, make_tlm_pl), Platform::get("tlm"))) {}
  tlm::tlm_response_status access(tlm::tlm_command cmd, uint64_t addr, uint32_t& v) {
    uint8_t buf[4];
    std::memcpy(buf, &v, 4);
    tlm::tlm_generic_payload gp;
    gp.set_command(cmd), gp.set_address(addr), gp.set_data_ptr(buf), gp.set_data_length(4), gp.set_streaming_width(4);
    sc_time d = sc_core::SC_ZERO_TIME;
    p.gp0(gp, d);
    std::memcpy(&v, buf, 4);
    return gp.get_response_status();
  }
  void wr(uint64_t a, uint32_t v) { ASSERT_EQ(access(tlm::TLM_WRITE_COMMAND, a, v), tlm::TLM_OK_RESPONSE) << std::hex << a; }
  uint32_t rd(uint64_t a) {
    uint32_t v = 0;
    EXPECT_EQ(access(tlm::TLM_READ_COMMAND, a, v), tlm::TLM_OK_RESPONSE);
    return v;
  }
  Cycle now() const { return p.pl_cycles(); }
  void run(uint64_t cycles) { sc_core::sc_start(p.ps7().pl_period() * static_cast<double>(cycles)); }
  uint8_t* ddr(uint64_t a) { return p.ps7().ddr(a); }
};

Harness& H() {
  static Harness* h = new Harness;  // never destroyed: SystemC objects outlive the tests
  return *h;
}

constexpr uint64_t kRing = 0x80'0000;  // a multiple of CQ_SLOT_BYTES
constexpr uint64_t kCq = hw::win::CQ_BASE;

// One entry: its register writes in the order PlExec programs a v2 command (VW, VR2..0, unit).
struct Entry {
  std::vector<std::pair<uint32_t, uint32_t>> w;
  unsigned unit = 0;
  bool irq = false;
  void rank1(uint64_t window, uint64_t base, uint32_t n) {
    for (auto [off, v] : {std::pair<uint32_t, uint32_t>{hw::vr::BASE, static_cast<uint32_t>(base)}, {hw::vr::LIMIT, 4 * n},
                          {hw::vr::OFFSET, 0}, {hw::vr::RANK, 1}, {hw::vr::DIM + hw::vr::DIM_SHAPE, n},
                          {hw::vr::DIM + hw::vr::DIM_STRIDE, 1}, {hw::vr::DIM + hw::vr::DIM_MLO, 0},
                          {hw::vr::DIM + hw::vr::DIM_MHI, n}, {hw::vr::CTRL, 1}})
      w.push_back({static_cast<uint32_t>(window + off), v});
  }
};
// out = a + b over n floats, every stream contiguous.
Entry add(uint64_t a, uint64_t b, uint64_t out, uint32_t n) {
  Entry e;
  e.rank1(hw::win::VW_BASE, out, n);
  e.rank1(hw::win::VR_BASE + hw::win::VR_INSTANCE_STRIDE, b, n);
  e.rank1(hw::win::VR_BASE, a, n);
  e.w.push_back({static_cast<uint32_t>(hw::win::VEC_BASE + hw::unit::OP), static_cast<uint32_t>(hw::VecOp::ADD)});
  e.w.push_back({static_cast<uint32_t>(hw::win::VEC_BASE + hw::unit::SIZE0), n});
  e.w.push_back({static_cast<uint32_t>(hw::win::VEC_BASE + hw::unit::CTRL), hw::unit::CTRL_START.mask});
  return e;
}
void put_slot(Harness& h, uint32_t slot, const Entry& e) {
  auto* w = reinterpret_cast<uint32_t*>(h.ddr(kRing + uint64_t{slot} * lim::CQ_SLOT_BYTES));
  w[0] = cq::HEADER_NWRITES.put(static_cast<uint32_t>(e.w.size())) | cq::HEADER_UNIT.put(e.unit) |
         (e.irq ? cq::HEADER_IRQ.mask : 0);
  w[1] = slot, w[2] = 0, w[3] = 0;
  for (size_t i = 0; i < e.w.size(); ++i) w[4 + 2 * i] = e.w[i].first, w[5 + 2 * i] = e.w[i].second;
}
void fill(Harness& h, uint64_t a, uint32_t n, float scale) {
  for (uint32_t i = 0; i < n; ++i) {
    const float x = scale * static_cast<float>(i) + 0.25f;
    std::memcpy(h.ddr(a + 4 * i), &x, 4);
  }
}
float at(Harness& h, uint64_t a, uint32_t i) {
  float x;
  std::memcpy(&x, h.ddr(a + 4 * i), 4);
  return x;
}

class CmdQueueTlm : public ::testing::Test {
 protected:
  Harness& h = H();
  void SetUp() override {
    h.p.reset_pl(), h.run(5);
    h.wr(kCq + cq::RING_BASE, static_cast<uint32_t>(kRing));
    h.wr(kCq + cq::RING_SLOTS, 8);
    h.wr(kCq + cq::CTRL, cq::CTRL_ENABLE.mask);
  }
  uint64_t logged() const { return h.p.queue()->log().size(); }
};

TEST_F(CmdQueueTlm, EntriesRunBackToBackAtTheSpecsCycles) {
  const uint32_t sizes[5] = {64, 1000, 7, 333, 2048};
  const uint64_t log0 = logged();
  std::vector<uint64_t> outs;
  for (uint32_t i = 0; i < 5; ++i) {
    const uint64_t a = 0x100'0000 + 0x10'0000 * i, b = a + 0x4'0000, out = a + 0x8'0000;
    fill(h, a, sizes[i], 1.0f + i), fill(h, b, sizes[i], -0.5f);
    std::memset(h.ddr(out), 0xEE, 4 * sizes[i] + 8);
    put_slot(h, i, add(a, b, out, sizes[i]));
    outs.push_back(out);
  }
  const Cycle t_d = h.now();  // the TAIL write takes effect in this cycle
  h.wr(kCq + cq::TAIL, 5);
  EXPECT_TRUE(h.rd(kCq + cq::STATUS) & cq::STATUS_BUSY.mask);
  h.run(20000);
  EXPECT_EQ(h.rd(kCq + cq::COMPLETED), 5u);
  EXPECT_EQ(h.rd(kCq + cq::HEAD), 5u);
  EXPECT_EQ(h.rd(kCq + cq::STATUS), cq::STATUS_REACHED.mask) << "idle, no error, no batch (no entry asked for it); WAIT 0 reached";
  h.wr(kCq + cq::WAIT, 6);
  EXPECT_EQ(h.rd(kCq + cq::STATUS), 0u) << "COMPLETED 5 has not reached WAIT 6";
  h.wr(kCq + cq::WAIT, 5);
  EXPECT_EQ(h.rd(kCq + cq::STATUS), cq::STATUS_REACHED.mask);
  for (uint32_t i = 0; i < 5; ++i) {
    const uint64_t a = 0x100'0000 + 0x10'0000 * i, b = a + 0x4'0000;
    for (uint32_t j = 0; j < sizes[i]; ++j) ASSERT_EQ(at(h, outs[i], j), at(h, a, j) + at(h, b, j)) << i << "," << j;
    uint32_t beyond;
    std::memcpy(&beyond, h.ddr(outs[i] + 4 * sizes[i]), 4);
    EXPECT_EQ(beyond, 0xEEEE'EEEEu) << "nothing written beyond the result";
    const auto* slot = reinterpret_cast<const uint32_t*>(h.ddr(kRing + uint64_t{i} * lim::CQ_SLOT_BYTES));
    EXPECT_EQ(slot[2], cq::RESULT_VALID.mask | cq::RESULT_UNIT_STATUS.put(hw::unit::STATUS_DONE.mask) |
                           cq::RESULT_VW_STATUS.put(hw::vw::STATUS_DONE.mask)) << i;
    EXPECT_GT(slot[3], sizes[i] / 2) << "CYCLES of the command: at least one per beat";
  }
  // The spec's recurrences, entry by entry (docs/pl-v2.md step 4 "Timing").
  const auto& log = h.p.queue()->log();
  ASSERT_EQ(log.size(), log0 + 5);
  const uint64_t lat = static_cast<uint64_t>(std::ceil(h.cfg.ddr_read_latency_ns * 1e-9 * h.cfg.pl_clock_hz));
  const uint64_t lat_w = static_cast<uint64_t>(std::ceil(h.cfg.ddr_write_latency_ns * 1e-9 * h.cfg.pl_clock_hz));
  const unsigned W = lim::CQ_WRITE_CYCLES;
  for (size_t k = 0; k < 5; ++k) {
    const CmdQueueEntryTimes& e = log[log0 + k];
    if (getenv("CQ_PRINT"))
      printf("entry %zu: fetch %llu arrive %llu start %llu check %llu vw_done %llu end %llu completed %llu\n", k,
             (unsigned long long)e.fetch, (unsigned long long)e.arrive, (unsigned long long)e.start,
             (unsigned long long)e.unit_check, (unsigned long long)e.vw_done, (unsigned long long)e.end,
             (unsigned long long)e.completed);
    EXPECT_EQ(e.writes, 30u);
    const uint64_t beats = 2 + e.writes;  // 16 header bytes, 8 per write
    if (k == 0) {
      EXPECT_EQ(e.fetch, t_d);
      EXPECT_EQ(e.arrive, t_d + lat + 16 + 1 + lat + (beats - 16)) << "header line, then the rest; nothing shares DDR";
      EXPECT_EQ(e.start, e.arrive);
    } else {
      const CmdQueueEntryTimes& p = log[log0 + k - 1];
      EXPECT_EQ(e.fetch, p.start) << "fetched one entry ahead";
      EXPECT_EQ(e.start, std::max(e.arrive, p.end + 1)) << k;
      EXPECT_EQ(e.start, p.end + 1) << "the fetch was hidden behind the previous command";
    }
    EXPECT_EQ(e.unit_check, e.start + 1 + W * e.writes);
    EXPECT_GT(e.vw_done, e.unit_check);
    EXPECT_EQ(e.end, e.vw_done + 4 * W);
    EXPECT_EQ(e.completed, e.end + 2 + lat_w + 1);
  }
  EXPECT_EQ(log.back().vw_done, h.p.writer()->times().done) << "the last command ends when VW's DONE shows";
}

// One doorbell per entry, each rung while the first entry runs (the runtime's way: it posts each
// command as it lowers it): entry k is fetched when it is posted or when entry k - 1 starts,
// whichever is later, also when later doorbells came before the sequencer took it (until 8 Dec
// 2026 the model timed such a fetch from the next doorbell; the RTL queue's lockstep found it).
TEST_F(CmdQueueTlm, AnEntryIsFetchedFromItsOwnDoorbell) {
  const uint32_t n = 2048;
  const uint64_t log0 = logged();
  std::vector<Cycle> rung;
  for (uint32_t i = 0; i < 3; ++i) {
    const uint64_t a = 0x100'0000 + 0x10'0000 * i, b = a + 0x4'0000, out = a + 0x8'0000;
    fill(h, a, n, 1.0f), fill(h, b, n, 2.0f);
    put_slot(h, i, add(a, b, out, n));
  }
  for (uint32_t i = 0; i < 3; ++i) {
    rung.push_back(h.now());
    h.wr(kCq + cq::TAIL, i + 1);
    h.run(200);  // the first entry's command (2048 elements) runs far longer than this
  }
  h.run(40000);
  EXPECT_EQ(h.rd(kCq + cq::COMPLETED), 3u);
  const auto& log = h.p.queue()->log();
  ASSERT_EQ(log.size(), log0 + 3);
  for (size_t k = 1; k < 3; ++k) {
    const CmdQueueEntryTimes& e = log[log0 + k];
    EXPECT_EQ(e.fetch, std::max(rung[k], log[log0 + k - 1].start)) << "entry " << k << " posted in cycle " << rung[k];
  }
  EXPECT_EQ(log[log0 + 1].fetch, rung[1]) << "posted after entry 0 started, before later doorbells were handled";
}

TEST_F(CmdQueueTlm, BatchInterruptOnTheMarkedEntryAndARingThatWraps) {
  h.wr(kCq + cq::CTRL, cq::CTRL_ENABLE.mask | cq::CTRL_IRQ_EN.mask);
  const uint32_t n = 40;
  const uint64_t a = 0x200'0000, b = a + 0x1000;
  fill(h, a, n, 2.0f), fill(h, b, n, 3.0f);
  uint32_t tail = 0, posted = 0;
  for (uint32_t round = 0; round < 3; ++round) {  // 3 batches of 5 through 8 slots: the ring wraps
    for (uint32_t i = 0; i < 5; ++i, ++posted) {
      Entry e = add(a, b, 0x210'0000 + 0x1000 * posted, n);
      e.irq = i == 4;  // the batch's last entry
      put_slot(h, tail, e);
      tail = (tail + 1) % 8;
    }
    h.wr(kCq + cq::TAIL, tail);
    h.run(50);
    EXPECT_FALSE(h.p.ps7().irq(hw::irq::CQ)) << "not before the batch's last entry";
    h.run(20000);
    EXPECT_TRUE(h.p.ps7().irq(hw::irq::CQ)) << round;
    EXPECT_EQ(h.rd(kCq + cq::COMPLETED), posted);
    EXPECT_EQ(h.rd(kCq + cq::HEAD), tail);
    EXPECT_EQ(h.p.ps7().irq_rise_time(hw::irq::CQ), h.p.ps7().pl_period() * static_cast<double>(h.p.queue()->log().back().completed));
    h.wr(kCq + cq::STATUS, cq::STATUS_BATCH.mask);  // W1C
    h.run(2);
    EXPECT_FALSE(h.p.ps7().irq(hw::irq::CQ));
  }
  for (uint32_t k = 0; k < posted; ++k)
    for (uint32_t j = 0; j < n; ++j) ASSERT_EQ(at(h, 0x210'0000 + 0x1000 * k, j), at(h, a, j) + at(h, b, j));
}

// The PS's wait: WAIT = n + 1, then REACHED (and with REACHED_EN the interrupt) in the cycle
// entry n's completion counts, however many entries that retires.
TEST_F(CmdQueueTlm, ReachedRisesWhenTheAwaitedEntryCompletes) {
  h.wr(kCq + cq::CTRL, cq::CTRL_ENABLE.mask | cq::CTRL_REACHED_EN.mask);
  const uint32_t n = 64;
  const uint64_t a = 0x500'0000, b = a + 0x1000;
  fill(h, a, n, 1.0f), fill(h, b, n, 2.0f);
  for (uint32_t i = 0; i < 4; ++i) put_slot(h, i, add(a, b, 0x510'0000 + 0x1000 * i, n));
  h.wr(kCq + cq::WAIT, 3);  // entry 2
  EXPECT_FALSE(h.p.ps7().irq(hw::irq::CQ));
  h.wr(kCq + cq::TAIL, 4);
  h.run(20000);
  EXPECT_TRUE(h.p.ps7().irq(hw::irq::CQ));
  const auto& log = h.p.queue()->log();
  const Cycle third = log[log.size() - 2].completed;
  EXPECT_EQ(h.p.ps7().irq_rise_time(hw::irq::CQ), h.p.ps7().pl_period() * static_cast<double>(third));
  h.wr(kCq + cq::WAIT, 5);
  h.run(2);
  EXPECT_FALSE(h.p.ps7().irq(hw::irq::CQ)) << "COMPLETED 4 < WAIT 5";
}

// A bad descriptor in the middle of a batch: the queue stops there (ERR COMMAND, its slot),
// the reader and the unit keep their error for the PS, the later entries do not run; a reset
// PL runs the next batch.
TEST_F(CmdQueueTlm, ABadEntryStopsTheQueueAtItsIndexAndTheResetPlRunsTheNextBatch) {
  const uint32_t n = 100;
  const uint64_t a = 0x300'0000, b = a + 0x1000;
  fill(h, a, n, 1.0f), fill(h, b, n, 1.0f);
  for (uint32_t i = 0; i < 4; ++i) {
    std::memset(h.ddr(0x310'0000 + 0x1000 * i), 0xEE, 4 * n);
    Entry e = add(a, b, 0x310'0000 + 0x1000 * i, n);
    if (i == 2)  // VR0's BASE misaligned: ERR_CODE MISALIGNED, the unit ends with STREAM
      for (auto& [addr, v] : e.w)
        if (addr == hw::win::VR_BASE + hw::vr::BASE) v += 2;
    put_slot(h, i, e);
  }
  h.wr(kCq + cq::TAIL, 4);
  h.run(20000);
  const uint32_t st = h.rd(kCq + cq::STATUS);
  EXPECT_TRUE(st & cq::STATUS_ERR.mask);
  EXPECT_EQ(cq::STATUS_ERR_CODE.get(st), cq::ERR_COMMAND);
  EXPECT_EQ(h.rd(kCq + cq::ERR_INDEX), 2u);
  EXPECT_EQ(h.rd(kCq + cq::COMPLETED), 2u);
  const uint32_t info = h.rd(kCq + cq::ERR_INFO);
  EXPECT_EQ(hw::unit::STATUS_ERR_CODE.get(cq::RESULT_UNIT_STATUS.get(info)), static_cast<uint32_t>(hw::ErrCode::STREAM));
  const uint32_t vr0 = h.rd(hw::win::VR_BASE + hw::vr::STATUS);
  EXPECT_EQ(hw::vr::STATUS_ERR_CODE.get(vr0), hw::vr::ERR_MISALIGNED) << "the reader keeps its error for the PS";
  EXPECT_EQ(at(h, 0x310'0000 + 0x1000 * 1, 5), 2 * at(h, a, 5)) << "entry 1 ran";
  uint32_t untouched;
  std::memcpy(&untouched, h.ddr(0x310'0000 + 0x1000 * 3), 4);
  EXPECT_EQ(untouched, 0xEEEE'EEEEu) << "entry 3 did not run";
  // The PS resets the PL, programs the ring again, and the next batch runs.
  h.p.reset_pl();
  h.run(2);
  EXPECT_EQ(h.rd(kCq + cq::STATUS), cq::STATUS_REACHED.mask) << "reset: no error, COMPLETED 0 = WAIT 0";
  h.wr(kCq + cq::RING_BASE, static_cast<uint32_t>(kRing)), h.wr(kCq + cq::RING_SLOTS, 8);
  h.wr(kCq + cq::CTRL, cq::CTRL_ENABLE.mask);
  put_slot(h, 0, add(a, b, 0x310'0000 + 0x1000 * 3, n));
  h.wr(kCq + cq::TAIL, 1);
  h.run(5000);
  EXPECT_EQ(h.rd(kCq + cq::COMPLETED), 1u);
  EXPECT_EQ(at(h, 0x310'0000 + 0x1000 * 3, 7), 2 * at(h, a, 7));
}

TEST_F(CmdQueueTlm, EveryQueueErrorNamesItsEntry) {
  struct Case { const char* what; Entry e; uint32_t code, info; };
  Entry empty;
  Entry to_sys = add(0x400'0000, 0x400'1000, 0x400'2000, 8);
  to_sys.w.insert(to_sys.w.begin() + 3, {static_cast<uint32_t>(hw::win::SYS_BASE), 0});  // write 3: SYS is not writable
  Entry to_cq = add(0x400'0000, 0x400'1000, 0x400'2000, 8);
  to_cq.w.insert(to_cq.w.begin(), {static_cast<uint32_t>(kCq + cq::TAIL), 0});
  Entry misaligned = add(0x400'0000, 0x400'1000, 0x400'2000, 8);
  misaligned.w[5].first += 2;
  Entry bad_unit = add(0x400'0000, 0x400'1000, 0x400'2000, 8);
  bad_unit.unit = 3;
  Entry bad_op = add(0x400'0000, 0x400'1000, 0x400'2000, 8);
  bad_op.w[bad_op.w.size() - 3].second = 0x3F;  // no such opcode: the unit rejects START
  const Case cases[] = {
      {"no writes", empty, cq::ERR_BAD_ENTRY, 0},
      {"a write to SYS", to_sys, cq::ERR_BAD_ADDR, 3},
      {"a write to the queue itself", to_cq, cq::ERR_BAD_ADDR, 0},
      {"a misaligned address", misaligned, cq::ERR_BAD_ADDR, 5},
      {"unit 3", bad_unit, cq::ERR_BAD_ENTRY, 0},
      {"an undefined opcode", bad_op, cq::ERR_UNIT, 0},
  };
  for (const Case& c : cases) {
    SetUp();
    put_slot(h, 0, add(0x400'0000, 0x400'1000, 0x400'2000, 8));
    put_slot(h, 1, c.e);
    h.wr(kCq + cq::TAIL, 2);
    h.run(5000);
    const uint32_t st = h.rd(kCq + cq::STATUS);
    EXPECT_EQ(cq::STATUS_ERR_CODE.get(st), c.code) << c.what;
    EXPECT_EQ(h.rd(kCq + cq::ERR_INDEX), 1u) << c.what;
    EXPECT_EQ(h.rd(kCq + cq::COMPLETED), 1u) << c.what;
    if (c.code == cq::ERR_BAD_ADDR) {
      EXPECT_EQ(h.rd(kCq + cq::ERR_INFO), c.info) << c.what;
    }
    if (c.code == cq::ERR_UNIT) {
      EXPECT_EQ(hw::unit::STATUS_ERR_CODE.get(h.rd(kCq + cq::ERR_INFO)), static_cast<uint32_t>(hw::ErrCode::BAD_OP)) << c.what;
    }
  }
  // A ring the queue cannot use, and a TAIL outside it.
  h.p.reset_pl(), h.run(2);
  h.wr(kCq + cq::RING_BASE, static_cast<uint32_t>(kRing + 64)), h.wr(kCq + cq::RING_SLOTS, 8);
  h.wr(kCq + cq::CTRL, cq::CTRL_ENABLE.mask);
  h.run(3);
  EXPECT_EQ(cq::STATUS_ERR_CODE.get(h.rd(kCq + cq::STATUS)), cq::ERR_BAD_RING);
  SetUp();
  h.wr(kCq + cq::TAIL, 8);
  h.run(3);
  EXPECT_EQ(cq::STATUS_ERR_CODE.get(h.rd(kCq + cq::STATUS)), cq::ERR_BAD_RING);
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
