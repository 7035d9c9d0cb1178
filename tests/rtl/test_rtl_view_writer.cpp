// SPDX-License-Identifier: MIT
// Co-simulation of the RTL view writer (rtl/vw/tp_view_writer.sv) against pl::check_write /
// pl::scatter / pl::plan_write (the bench: cosim/vw_bench.h): random descriptors (every fifth
// broken, every code 1..8; some packets short or long: LENGTH), producers that keep pace, lag
// or start late, HP ports of any write latency and fractional rate — all bit- and cycle-exact;
// back-pressure on AWREADY / WREADY / B (the same words and bursts); START while BUSY, reset
// with bursts in flight, SLVERR, length 1 at the end of DDR and the maximum length.
// TINYPYNQ_VW_COSIM_COUNT sets the number of random descriptors (default 300).
#include <gtest/gtest.h>

#include "cosim/block_cosim.h"
#include "cosim/vw_bench.h"

namespace {

using namespace tinypynq::cosim::vwbench;
using tinypynq::testgen::break_view;
using tinypynq::testgen::random_write_view;

TEST(RtlViewWriter, RandomDescriptorsAreBitAndCycleExact) {
  // The loop is the library's (`tinypynq cosim --unit view_writer` runs the same).
  const unsigned n = count_from_env(300);
  const tinypynq::cosim::BlockCosimReport r = tinypynq::cosim::cosim_view_writer(n, 20261204);
  ASSERT_EQ(r.first_mismatch, "");
  EXPECT_EQ(r.compared, n);
  EXPECT_EQ(r.exact, n);
  EXPECT_GT(r.accepted, n / 2);
  ASSERT_EQ(r.counts.size(), 3u);
  EXPECT_GT(r.counts[2].second, 0u) << "no line-index conflicts among the descriptors";
  for (uint32_t e = vw::kBadRank; e <= vw::kBroadcast; ++e)
    if (e != vw::kBusy) {
      EXPECT_GT(r.codes[e], 0u) << "no descriptor with ERR_CODE " << e;
    }
  std::printf("[rtl view writer] %u descriptors: %u accepted (%llu bursts, %llu beats, all bit- and cycle-exact), "
              "%u rejected (codes 1..6, 8: %u %u %u %u %u %u %u, STATUS, ERR_INFO and cycle exact), "
              "%llu line-index conflict flushes\n",
              r.compared, r.accepted, static_cast<unsigned long long>(r.transfers),
              static_cast<unsigned long long>(r.beats), r.rejected, r.codes[1], r.codes[2], r.codes[3], r.codes[4],
              r.codes[5], r.codes[6], r.codes[8], static_cast<unsigned long long>(r.counts[2].second));
}

// Back-pressure on AW, W and B: the same words and the same bursts (which lines, beats and words
// are flushed depends on the view only), the AXI assertions of the RTL hold.
TEST(RtlViewWriter, BackPressureKeepsWordsAndBursts) {
  auto ddr = std::make_unique<Ddr>();
  Bench b(ddr->p);
  std::mt19937 g(99);
  unsigned done = 0;
  for (unsigned i = 0; done < count_from_env(300) / 3; ++i) {
    Case cs;
    cs.d = random_write_view(g, kDdr, false, true);
    if (!pl::check_write(cs.d, kDdr).ok()) continue;
    cs.producer = g() % 3;
    b.timing = random_timing(g, i);
    b.aw_stall_pct = 10 + g() % 60, b.w_stall_pct = g() % 60, b.b_delay_max = g() % 30;
    ASSERT_EQ(cosim_one(b, *ddr, cs, g), "") << "descriptor " << i << " (AWREADY low " << b.aw_stall_pct
                                             << " %, WREADY low " << b.w_stall_pct << " %, B up to "
                                             << b.b_delay_max << " cycles late)";
    ++done;
  }
}

pl::ViewDesc view(uint64_t base, uint64_t limit, std::vector<uint32_t> shape, std::vector<int32_t> strides, int64_t off = 0) {
  pl::ViewDesc d;
  d.base = base, d.limit = limit, d.offset = off, d.rank = static_cast<unsigned>(shape.size());
  for (size_t k = 0; k < shape.size(); ++k) d.shape[k] = shape[k], d.stride[k] = strides[k];
  d.full_mask();
  return d;
}

// Transposes inside and beyond the buffer, aliasing (the later element wins), an empty mask,
// length 1 at the end of DDR, the DDR share of two readers (1.52 cycles per beat).
TEST(RtlViewWriter, TransposesAliasingAndEdges) {
  auto ddr = std::make_unique<Ddr>();
  Bench b(ddr->p);
  std::mt19937 g(5);
  std::vector<pl::ViewDesc> ds = {
      view(0x10'0000, 48 * 64 * 4, {48, 64}, {1, 48}),        // 48 lines per column: coalesces
      view(0x20'0000, 128 * 784 * 4, {784, 128}, {1, 784}),   // thrashes: single-word bursts
      view(0x30'0F80, 4 * 9, {3, 3}, {2, 1}),                 // aliasing, across 4 KB
      view(kDdr - 4, 4, {1}, {1}),                            // length 1 at the end of DDR
      view(0x40'0000, 4 * 1000, {1000}, {-1}, 999),           // a flip
  };
  pl::ViewDesc empty = view(0x50'0000, 4 * 64, {8, 8}, {8, 1});
  empty.mlo[1] = empty.mhi[1] = 3;
  ds.push_back(empty);
  for (uint32_t cpb : {1000u, 1520u})
    for (const pl::ViewDesc& d : ds) {
      b.timing = {8, cpb};
      Case cs;
      cs.d = d;
      ASSERT_EQ(cosim_one(b, *ddr, cs, g), "") << "cpb " << cpb;
      if (d.shape[0] == 784) {
        EXPECT_GT(b.stalled_r_, 0u) << "the thrashing transpose stalls R";
      }
    }
}

// START while BUSY: ERR 7 with ERR_INFO 0xF in the next cycle, the running transfer goes on
// exactly. SLVERR on B: ERR OUT_OF_BOUNDS at completion. A reset with bursts in flight, then the
// same view exact.
TEST(RtlViewWriter, StartWhileBusySlaveErrorAndResetRecovery) {
  auto ddr = std::make_unique<Ddr>();
  Bench b(ddr->p);
  std::mt19937 g(11);
  const pl::ViewDesc d = view(0x10'0000, 48 * 64 * 4, {48, 64}, {1, 48});
  b.program(d);
  const uint64_t n = d.elems() / 2;
  std::vector<uint64_t> beats(n), gs(n, b.now());
  for (auto& x : beats) x = static_cast<uint64_t>(g()) << 32 | g();
  b.set_packet(beats, std::vector<uint8_t>(n, 0xFF), gs);
  const uint64_t t0 = b.wr(vw::CTRL, vw::CTRL_START | vw::CTRL_IRQ_EN);
  b.wr(vw::CTRL, vw::CTRL_START | vw::CTRL_IRQ_EN);  // while BUSY
  EXPECT_EQ(b.irq_at, t0 + 2 + 1) << "ERR BUSY in the cycle after the second START (written 2 cycles after t0)";
  EXPECT_EQ(b.rd(vw::STATUS), vw::ST_BUSY | vw::ST_ERR | vw::kBusy << 4);
  EXPECT_EQ(b.rd(vw::ERR_INFO), vw::kNoDim);
  EXPECT_TRUE(b.m_.vw_err_o);
  const pl::WritePlan p = pl::plan_write(d, t0, gs, b.timing);
  b.run_to(p.done + 100);
  ASSERT_EQ(b.accept, p.accept);
  ASSERT_EQ(b.bursts.size(), p.bursts.size());
  for (size_t k = 0; k < p.bursts.size(); ++k) ASSERT_EQ(b.bursts[k].aw, p.bursts[k].aw) << "burst " << k;
  EXPECT_EQ(b.rd(vw::STATUS), vw::ST_DONE | vw::ST_ERR | vw::kBusy << 4);
  b.wr(vw::STATUS, vw::ST_DONE | vw::ST_ERR);
  EXPECT_EQ(b.rd(vw::STATUS), 0u);
  // SLVERR
  b.slverr = true;
  Case cs;
  cs.d = d;
  EXPECT_EQ(cosim_one(b, *ddr, cs, g), "");
  b.slverr = false;
  // a reset in the middle of a transfer, then the same view
  b.program(d);
  b.set_packet(beats, std::vector<uint8_t>(n, 0xFF), std::vector<uint64_t>(n, b.now()));
  b.wr(vw::CTRL, vw::CTRL_START);
  while (b.bursts.size() < 3 && b.now() < t0 + 100000) b.run_for(1);
  EXPECT_EQ(b.bursts.size(), 3u) << "bursts in flight at the reset";
  EXPECT_TRUE(b.m_.mon_busy_o);
  b.reset();
  EXPECT_EQ(b.rd(vw::STATUS), 0u);
  EXPECT_EQ(b.rd(vw::RANK), 0u) << "registers reset to 0";
  EXPECT_EQ(cosim_one(b, *ddr, cs, g), "");
}

// The longest packet: VR_MAX_ELEMS (2^24 - 1) contiguous elements, the last beat partial.
TEST(RtlViewWriter, MaximumLength) {
  auto ddr = std::make_unique<Ddr>();
  Bench b(ddr->p);
  std::mt19937 g(3);
  Case cs;
  cs.d = view(0x0100'0000, 4ull * tinypynq::pl::vr::kMaxElems, {tinypynq::pl::vr::kMaxElems}, {1});
  ASSERT_TRUE(pl::check_write(cs.d, kDdr).ok());
  ASSERT_EQ(cosim_one(b, *ddr, cs, g), "");
  EXPECT_EQ(b.bursts.size(), (cs.d.limit + 127) / 128);
}

}  // namespace
