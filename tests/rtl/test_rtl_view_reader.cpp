// SPDX-License-Identifier: MIT
// Co-simulation of the RTL view reader (rtl/vr/tp_view_reader.sv), Verilated and driven cycle by
// cycle, against its reference model (models/fp/view_reader.h): per descriptor, every streamed
// word = pl::gather, every beat's valid cycle = pl::plan's beat_valid, every fill's address,
// beats and issue cycle = pl::plan's fills, STATUS / ERR_CODE / ERR_INFO / ELEMS / LINES =
// pl::check and the plan. The HP slave answers each burst with the reference's timing
// (a_f = max(i_f + lat, a_{f-1}) + n * cpb: the fill's last R beat in cycle a_f - 1, so the line
// is in the buffer in cycle a_f) from a DDR byte array; the stream consumer is always ready.
// Descriptors: the generator of tests/models/test_view_reader_tlm.cpp (ranks 1..6, strides
// 0 / negative / permuted / arbitrary, masks, 4 KB crossings, length 1, buffers at the end of
// DDR) plus bad descriptors of every code. TINYPYNQ_VR_COSIM_COUNT sets the number (default 300).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>

#include "cosim/block_cosim.h"
#include "cosim/vr_bench.h"

namespace pl = tinypynq::pl;
namespace vr = tinypynq::pl::vr;
using namespace tinypynq::cosim::vrbench;

namespace {

unsigned count_from_env(unsigned dflt) {
  const char* e = std::getenv("TINYPYNQ_VR_COSIM_COUNT");
  return e ? static_cast<unsigned>(std::strtoul(e, nullptr, 10)) : dflt;
}

TEST(RtlViewReader, RandomDescriptorsAreBitAndCycleExact) {
  // The loop is the library's (`tinypynq cosim --unit view_reader` runs the same).
  const unsigned n = count_from_env(300);
  const tinypynq::cosim::BlockCosimReport r = tinypynq::cosim::cosim_view_reader(n, 20261204);
  ASSERT_EQ(r.first_mismatch, "");
  EXPECT_EQ(r.compared, n);
  EXPECT_EQ(r.exact, n);
  EXPECT_GT(r.accepted, n / 2);
  for (uint32_t e = vr::kBadRank; e <= vr::kBadMask; ++e) EXPECT_GT(r.codes[e], 0u) << "no descriptor with ERR_CODE " << e;
  std::printf("[rtl view reader] %u descriptors: %u accepted (%llu fills, %llu beats, all bit- and cycle-exact), %u rejected "
              "(codes 1..6: %u %u %u %u %u %u, STATUS and ERR_INFO exact)\n",
              r.compared, r.accepted, static_cast<unsigned long long>(r.transfers),
              static_cast<unsigned long long>(r.beats), r.rejected, r.codes[1], r.codes[2], r.codes[3], r.codes[4],
              r.codes[5], r.codes[6]);
}

// Back-pressure on AR and on the stream: the same words and the same fills (addresses, beats:
// hits and misses depend on the view only), the AXI and stream assertions of the RTL hold.
TEST(RtlViewReader, BackPressureKeepsWordsAndFills) {
  auto ddr = std::make_unique<Ddr>();
  Bench b(ddr->p);
  std::mt19937 g(99);
  unsigned done = 0;
  for (unsigned i = 0; done < count_from_env(300) / 3; ++i) {
    const pl::ViewDesc d = random_view(g, kDdr);
    if (!pl::check(d, kDdr).ok()) continue;
    b.timing = {1 + g() % 30, 1 + static_cast<uint32_t>(g() % 2)};
    b.ar_stall_pct = 10 + g() % 60, b.t_stall_pct = g() % 90;
    ASSERT_EQ(cosim_one(b, *ddr, d), "") << "descriptor " << i << " (ARREADY low " << b.ar_stall_pct
                                         << " %, TREADY low " << b.t_stall_pct << " %)";
    ++done;
  }
}

// A consumer that lags (TREADY low 0 .. 95 % of the cycles, the HP port always ready): pl::plan
// given the consumer's handshakes is cycle-exact: every fill's issue cycle, and every beat valid
// from max(beat_valid, previous handshake + 1) (slots are reused after their last reader was
// handed over; the plan stage stays VR_BEAT_FIFO beats ahead of the stream).
TEST(RtlViewReader, ALaggingConsumerIsCycleExactWithItsHandshakes) {
  auto ddr = std::make_unique<Ddr>();
  Bench b(ddr->p);
  std::mt19937 g(4242);
  unsigned done = 0, moved = 0;
  for (unsigned i = 0; done < count_from_env(300) / 3; ++i) {
    pl::ViewDesc d = random_view(g, kDdr);
    if (!pl::check(d, kDdr).ok()) continue;
    d.base &= 0xFFFF'FFFFu, d.limit &= 0xFFFF'FFFFu;
    d.offset = static_cast<int32_t>(static_cast<uint32_t>(d.offset));
    ddr->fill(d.base, d.base + d.limit, static_cast<uint32_t>(d.base * 2654435761u + d.limit));
    b.timing = {1 + g() % 30, 1 + static_cast<uint32_t>(g() % 2)};
    b.ar_stall_pct = 0, b.t_stall_pct = i % 4 == 0 ? 95 : g() % 90;
    b.program(d);
    b.clear_log();
    b.reset_slave_log();
    const uint64_t t0 = b.wr(vr::CTRL, vr::CTRL_START);
    const pl::ReadPlan free_run = pl::plan(d, t0, b.timing);
    b.run_transfer(free_run.beat_valid.back() * 40 + 100000);
    ASSERT_EQ(b.beat_cycle.size(), free_run.beat_valid.size()) << d.str();
    const pl::ReadPlan p = pl::plan(d, t0, b.timing, &b.beat_cycle);
    ASSERT_EQ(p.fills.size(), b.fills.size()) << d.str();
    for (size_t f = 0; f < p.fills.size(); ++f) {
      ASSERT_EQ(b.fills[f].addr, p.fills[f].addr) << d.str() << " fill " << f;
      ASSERT_EQ(b.fills[f].issue - t0, p.fills[f].issue - t0) << d.str() << " fill " << f << " (TREADY low "
                                                              << b.t_stall_pct << " %)";
      moved += p.fills[f].issue != free_run.fills[f].issue;
    }
    for (size_t k = 0; k < p.beat_valid.size(); ++k) {
      const uint64_t want = k ? std::max(p.beat_valid[k], b.beat_cycle[k - 1] + 1) : p.beat_valid[k];
      ASSERT_EQ(b.beat_valid_since[k] - t0, want - t0) << d.str() << " beat " << k << " (TREADY low "
                                                       << b.t_stall_pct << " %)";
    }
    ASSERT_EQ(b.rd(vr::STATUS), vr::ST_DONE);
    b.wr(vr::STATUS, vr::ST_DONE);
    ++done;
  }
  EXPECT_GT(moved, 0u) << "no case where the lagging consumer moved a fill";
  std::printf("[rtl view reader] %u descriptors with a lagging consumer: fills and beats cycle-exact with pl::plan "
              "given the handshakes (%u fills later than with a ready consumer)\n", done, moved);
}

// START while BUSY: ERR_CODE 7 (BUSY), ERR_INFO 0xF, vr_err; the running transfer goes on exactly.
// A reset in the middle of a transfer: the next one is exact.
TEST(RtlViewReader, StartWhileBusyAndResetRecovery) {
  auto ddr = std::make_unique<Ddr>();
  Bench b(ddr->p);
  pl::ViewDesc d;
  d.base = 0x10'0000, d.limit = 64 * 48 * 4, d.rank = 2;
  d.shape[0] = 48, d.stride[0] = 1, d.shape[1] = 64, d.stride[1] = 48;  // a transpose
  d.full_mask();
  ddr->fill(d.base, d.base + d.limit, 5);
  b.program(d);
  b.clear_log();
  b.reset_slave_log();
  const uint64_t t0 = b.wr(vr::CTRL, vr::CTRL_START);
  b.wr(vr::CTRL, vr::CTRL_START);  // while BUSY
  EXPECT_EQ(b.rd(vr::STATUS), vr::ST_BUSY | vr::ST_ERR | vr::kBusy << 4);
  EXPECT_EQ(b.rd(vr::ERR_INFO), vr::kNoDim);
  EXPECT_TRUE(b.m_.vr_err_o);
  const pl::ReadPlan p = pl::plan(d, t0, b.timing);
  b.run_transfer(p.beat_valid.back() + 100);
  std::vector<uint32_t> w(d.elems());
  pl::gather(d, ddr->p, w.data());
  ASSERT_EQ(b.beat_cycle.size(), p.beat_valid.size());
  for (size_t i = 0; i < p.beat_valid.size(); ++i) {
    ASSERT_EQ(b.beat_cycle[i], p.beat_valid[i]) << "beat " << i;
    ASSERT_EQ(b.beats[i], static_cast<uint64_t>(w[2 * i + 1]) << 32 | w[2 * i]) << "beat " << i;
  }
  EXPECT_EQ(b.rd(vr::STATUS), vr::ST_DONE | vr::ST_ERR | vr::kBusy << 4);
  b.wr(vr::STATUS, vr::ST_DONE | vr::ST_ERR);
  EXPECT_EQ(b.rd(vr::STATUS), 0u);
  EXPECT_FALSE(b.m_.vr_err_o);
  // reset in the middle of a transfer (fills in flight, beats planned), then the same view
  b.clear_log();
  b.reset_slave_log();
  b.wr(vr::CTRL, vr::CTRL_START);
  b.run_transfer(b.now() + 300);
  b.reset();
  EXPECT_EQ(b.rd(vr::STATUS), 0u);
  EXPECT_EQ(b.rd(vr::RANK), 0u) << "registers reset to 0";
  EXPECT_EQ(cosim_one(b, *ddr, d), "");
}

}  // namespace
