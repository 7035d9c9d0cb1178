// SPDX-License-Identifier: MIT
// The pl_version 2 PL top (rtl/top/tinypynq_pl_top_v2.sv), Verilated and driven cycle by cycle:
// the PS side over its one AXI-Lite port (the contract's windows), three HP slaves that answer
// each read burst with the reference's timing (a_f = max(i_f + lat, a_{f-1}) + n * cpb, as
// test_rtl_view_reader.cpp) from a DDR byte array, stream R always ready. A vector command fed
// by VR0 (a transposed view) and VR1 (a broadcast row) must give pl::gather's operands added bit
// for bit, the fills of pl::plan, the unit's CYCLES of pl::time_vector_exact over the readers'
// tables (the TLM units' timing) and IRQ_F2P[VEC]; a reader's bad descriptor must end the
// command with ERR STREAM and one zero TLAST beat in the cycle models/tlm/pl_top.cpp gives.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include "Vtinypynq_pl_top_v2.h"
#include "hw/tp_contract.h"
#include "models/fp/pl_float.h"
#include "models/fp/pl_stream.h"
#include "models/fp/view_reader.h"
#include "tests/rtl/top_bench.h"
#include "verilated.h"

namespace pl = tinypynq::pl;
namespace vr = tinypynq::pl::vr;
namespace hw = tinypynq::hw;
namespace rtl_test = tinypynq::rtl_test;

namespace {

constexpr uint32_t kVec = hw::win::VEC_BASE - hw::win::PL_TOP_BASE;
constexpr uint32_t kSys = hw::win::SYS_BASE - hw::win::PL_TOP_BASE;
constexpr uint32_t vr_base(unsigned i) {
  return static_cast<uint32_t>(hw::win::VR_BASE - hw::win::PL_TOP_BASE) + hw::win::VR_INSTANCE_STRIDE * i;
}

using rtl_test::Ddr;

// The v2 top on the bench: three HP read slaves offering each beat only in its scheduled cycle (the exact timing
// the tests assert), GP0 offsets from PL_TOP_BASE, stream R always ready and recorded.
class TopV2 : public rtl_test::TopBench<Vtinypynq_pl_top_v2, 3> {
 public:
  explicit TopV2(const uint8_t* ddr) : TopBench({.aw = 16}) {
    const rtl_test::HpReadSlave::Timing rt{timing.latency, timing.cycles_per_beat, /*hold=*/false};
    hp_rd_[0].attach(TP_HP_READ_PINS(m_, 0), ddr, rt);
    hp_rd_[1].attach(TP_HP_READ_PINS(m_, 1), ddr, rt);
    hp_rd_[2].attach(TP_HP_READ_PINS(m_, 2), ddr, rt);
    m_.m_axis_r_tready = 1;
    reset();
  }

  const pl::ReaderTiming timing{11, 1};
  std::vector<uint64_t> r_data, r_cycle;
  std::vector<uint8_t> r_last, r_keep;

  void program(unsigned i, const pl::ViewDesc& d) {
    const uint32_t b = vr_base(i);
    wr(b + vr::BASE, d.base), wr(b + vr::LIMIT, d.limit), wr(b + vr::OFFSET, static_cast<uint32_t>(d.offset));
    wr(b + vr::RANK, d.rank), wr(b + vr::PAD, d.pad);
    for (unsigned k = 0; k < vr::kMaxRank; ++k) {
      const uint32_t a = b + vr::DIM0 + vr::DIM_BYTES * k;
      wr(a + vr::D_SHAPE, d.shape[k]), wr(a + vr::D_STRIDE, static_cast<uint32_t>(d.stride[k]));
      wr(a + vr::D_MLO, d.mlo[k]), wr(a + vr::D_MHI, d.mhi[k]);
    }
  }
  void run_until_last(uint64_t limit) {
    const size_t n0 = r_last.size();
    while (now() < limit && (r_last.size() == n0 || !r_last.back())) tick();
  }

 protected:
  void monitor() override {
    if (m_.m_axis_r_tvalid && m_.m_axis_r_tready) {
      r_data.push_back(m_.m_axis_r_tdata), r_cycle.push_back(now());
      r_last.push_back(m_.m_axis_r_tlast), r_keep.push_back(m_.m_axis_r_tkeep);
    }
  }
};

pl::ViewDesc view2(uint32_t base, uint32_t limit, uint32_t rows, uint32_t cols, int32_t s0, int32_t s1) {
  pl::ViewDesc d;
  d.base = base, d.limit = limit, d.rank = 2;
  d.shape[0] = rows, d.shape[1] = cols, d.stride[0] = s0, d.stride[1] = s1;
  d.mlo[0] = d.mlo[1] = 0, d.mhi[0] = rows, d.mhi[1] = cols;
  return d;
}

}  // namespace

static_assert(hw::win::VR_BASE + hw::win::VR_SIZE - hw::win::PL_TOP_BASE <= (1u << 19) &&
                  hw::win::PL_TOP_SIZE == (1u << 18),
              "tinypynq_pl_top_v2's 19-bit AXI-Lite port decodes PL_TOP (18 bits) and the VR window above it");

// Decode: SYS and VEC through the v1 top, VR0..2 through their windows, the rest of VR reads 0.
TEST(RtlTopV2, DecodesTheContractsWindows) {
  Ddr ddr;
  auto top = std::make_unique<TopV2>(ddr.p);
  TopV2& t = *top;
  EXPECT_EQ(t.rd(kSys + hw::sys::ID), hw::sys::ID_RESET);
  EXPECT_EQ(t.rd(kVec + hw::unit::ID), hw::vec::ID_VALUE);
  for (unsigned i = 0; i < 3; ++i) {
    t.wr(vr_base(i) + vr::BASE, 0x1000u * (i + 1));
    EXPECT_EQ(t.last_bresp, 0u);
  }
  for (unsigned i = 0; i < 3; ++i) EXPECT_EQ(t.rd(vr_base(i) + vr::BASE), 0x1000u * (i + 1)) << "VR" << i;
  t.wr(vr_base(3) + vr::BASE, 0xABCD0000u);
  EXPECT_EQ(t.last_bresp, 0u) << "unmapped inside the VR window: OKAY";
  EXPECT_EQ(t.rd(vr_base(3) + vr::BASE), 0u);
  EXPECT_EQ(t.rd(vr_base(0) + vr::BASE), 0x1000u) << "the unmapped write went nowhere";
}

// ADD of a transposed 24x40 view (A, VR0) and a broadcast row (B, VR1): bits, fills, CYCLES, IRQ.
TEST(RtlTopV2, VectorAddFedByTwoReadersIsBitAndCycleExact) {
  Ddr ddr;
  std::mt19937 g(3);
  std::uniform_real_distribution<float> u(1.f, 2.f);
  const uint32_t rows = 24, cols = 40, n = rows * cols;
  const uint32_t abase = 0x0010'0F00u, bbase = 0x0020'0000u;  // A's lines cross a 4 KB boundary
  for (uint32_t i = 0; i < n; ++i) {
    const float v = u(g);
    std::memcpy(ddr.p + abase + 4 * i, &v, 4);
  }
  for (uint32_t i = 0; i < cols; ++i) {
    const float v = u(g);
    std::memcpy(ddr.p + bbase + 4 * i, &v, 4);
  }
  // A: a (cols, rows) row-major buffer read transposed; B: a row of cols repeated rows times.
  const pl::ViewDesc a = view2(abase, 4 * n, rows, cols, 1, static_cast<int32_t>(rows));
  const pl::ViewDesc b = view2(bbase, 4 * cols, rows, cols, 0, 1);
  auto top = std::make_unique<TopV2>(ddr.p);
  TopV2& t = *top;
  t.program(0, a);
  t.program(1, b);
  t.wr(kVec + hw::unit::OP, static_cast<uint32_t>(hw::VecOp::ADD));
  t.wr(kVec + hw::unit::SIZE0, n);
  const uint64_t t1 = t.wr(vr_base(1) + vr::CTRL, vr::CTRL_START);
  const uint64_t t0a = t.wr(vr_base(0) + vr::CTRL, vr::CTRL_START);
  const uint64_t t0 = t.wr(kVec + hw::unit::CTRL, hw::unit::CTRL_START.mask | hw::unit::CTRL_IRQ_EN.mask);
  t.run_until_last(t0 + 200000);
  ASSERT_FALSE(t.r_last.empty());
  ASSERT_TRUE(t.r_last.back());
  // bits
  std::vector<uint32_t> wa(n), wb(n);
  pl::gather(a, ddr.p, wa.data());
  pl::gather(b, ddr.p, wb.data());
  ASSERT_EQ(t.r_data.size(), n / 2);
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t got = static_cast<uint32_t>(t.r_data[i / 2] >> (32 * (i % 2)));
    ASSERT_EQ(got, pl::add(wa[i], wb[i])) << "element " << i;
  }
  // fills = pl::plan's
  const pl::ReadPlan pa = pl::plan(a, t0a, t.timing), pb = pl::plan(b, t1, t.timing);
  ASSERT_EQ(t.fills(0).size(), pa.fills.size());
  for (size_t f = 0; f < pa.fills.size(); ++f) {
    EXPECT_EQ(t.fills(0)[f].addr, pa.fills[f].addr) << "VR0 fill " << f;
    EXPECT_EQ(t.fills(0)[f].issue, pa.fills[f].issue) << "VR0 fill " << f;
  }
  ASSERT_EQ(t.fills(1).size(), pb.fills.size());
  EXPECT_TRUE(t.fills(2).empty());
  // CYCLES = the TLM unit's timing over the readers' per-beat tables, R always ready
  const pl::BeatSchedule sa{.start = pa.beat_valid.front(), .num = 1, .den = 1, .table = pa.beat_valid.data(),
                            .table_beats = pa.beat_valid.size()};
  const pl::BeatSchedule sb{.start = pb.beat_valid.front(), .num = 1, .den = 1, .table = pb.beat_valid.data(),
                            .table_beats = pb.beat_valid.size()};
  const pl::BeatSchedule* in[3] = {&sa, &sb, nullptr};
  const pl::CmdTiming exp = pl::time_vector_exact(pl::VecOp::ADD, n, t0, in, pl::BeatSchedule{.start = 0});
  EXPECT_EQ(t.r_cycle.back(), exp.t_done);
  t.idle(2);
  EXPECT_EQ(t.rd(kVec + hw::unit::CYCLES_LO), exp.cycles);
  const uint32_t st = t.rd(kVec + hw::unit::STATUS);
  EXPECT_TRUE(st & hw::unit::STATUS_DONE.mask) << std::hex << st;
  EXPECT_FALSE(st & hw::unit::STATUS_ERR.mask) << std::hex << st;
  EXPECT_EQ(t.irq_rise[hw::irq::VEC], exp.t_done + 1) << "IRQ_F2P[VEC] with DONE";
  EXPECT_EQ(t.rd(vr_base(0) + vr::LINES), pa.fills.size());
  EXPECT_TRUE(t.rd(vr_base(0) + vr::STATUS) & vr::ST_DONE);
}

// VR1 rejects its descriptor (RANK 0): the ADD ends with ERR STREAM and one zero TLAST beat in
// the first cycle after max(vr_err, t0 + 1) (models/tlm/pl_top.cpp stream_error()), DONE after it.
TEST(RtlTopV2, AReadersErrorEndsTheUnitsCommandWithErrStream) {
  Ddr ddr;
  auto top = std::make_unique<TopV2>(ddr.p);
  TopV2& t = *top;
  const pl::ViewDesc a = view2(0x1000, 4 * 64, 8, 8, 8, 1);
  pl::ViewDesc bad = a;
  bad.rank = 0;
  t.program(0, a);
  t.program(1, bad);
  t.wr(kVec + hw::unit::OP, static_cast<uint32_t>(hw::VecOp::ADD));
  t.wr(kVec + hw::unit::SIZE0, 64);
  const uint64_t t1 = t.wr(vr_base(1) + vr::CTRL, vr::CTRL_START);
  t.wr(vr_base(0) + vr::CTRL, vr::CTRL_START);
  const uint64_t t0 = t.wr(kVec + hw::unit::CTRL, hw::unit::CTRL_START.mask);
  const uint64_t err_rise = t1 + 0 + 2;  // validation of RANK' = 0 dimensions (pl::plan's t0 + RANK + 2)
  t.run_until_last(t0 + 1000);
  ASSERT_EQ(t.r_data.size(), 1u);
  EXPECT_EQ(t.r_data[0], 0u);
  EXPECT_EQ(t.r_keep[0], 0xFF);
  EXPECT_TRUE(t.r_last[0]);
  EXPECT_EQ(t.r_cycle[0], std::max(err_rise, t0 + 1) + 1);
  t.idle(2);
  const uint32_t st = t.rd(kVec + hw::unit::STATUS);
  EXPECT_TRUE(st & hw::unit::STATUS_ERR.mask) << std::hex << st;
  EXPECT_EQ(hw::unit::STATUS_ERR_CODE.get(st), static_cast<uint32_t>(hw::ErrCode::STREAM)) << std::hex << st;
  EXPECT_TRUE(st & hw::unit::STATUS_DONE.mask) << std::hex << st;
  EXPECT_FALSE(st & hw::unit::STATUS_BUSY.mask) << std::hex << st;
  const uint32_t vst = t.rd(vr_base(1) + vr::STATUS);
  EXPECT_EQ((vst >> 4) & 0xF, vr::kBadRank) << std::hex << vst;
  // VR0's transfer was never taken: a new START of it is rejected (BUSY) and would end the next
  // command the same way; the PS resets the PL after the error, then the command runs.
  const uint64_t t_busy = t.wr(vr_base(0) + vr::CTRL, vr::CTRL_START);
  t.idle(2);
  EXPECT_EQ((t.rd(vr_base(0) + vr::STATUS) >> 4) & 0xF, vr::kBusy) << "START at cycle " << t_busy;
  t.reset();
  t.program(0, a);
  t.program(1, a);
  t.wr(kVec + hw::unit::OP, static_cast<uint32_t>(hw::VecOp::ADD));
  t.wr(kVec + hw::unit::SIZE0, 64);
  t.wr(vr_base(1) + vr::CTRL, vr::CTRL_START);
  t.wr(vr_base(0) + vr::CTRL, vr::CTRL_START);
  t.wr(kVec + hw::unit::CTRL, hw::unit::CTRL_START.mask);
  t.run_until_last(t.now() + 10000);
  EXPECT_EQ(t.r_data.size(), 1u + 32u);
  EXPECT_FALSE(t.rd(kVec + hw::unit::STATUS) & hw::unit::STATUS_ERR.mask);
}
