// Back-pressure on stream R planned with the unit (models/tlm/pl_regs.h run_with_sources,
// AxisSink::replan): a sink whose TREADY depends on when the unit offers each beat (the v2 view
// writer's write buffer) and the unit's pipeline, which stalls under it, are solved to a fixed
// point, without a per-cycle loop. Checked against the per-cycle pipeline of hw-spec §8.2
// (pl::PipelineModel) driven by the same sink rule cycle by cycle, and, on the pl_version 2
// platform, with the real view writer: the unit's R handshakes are the writer's accept cycles.
#include <gtest/gtest.h>

#include <systemc>
#include <tlm>

#include <algorithm>
#include <cstring>
#include <tuple>
#include <utility>
#include <vector>

#include "base/board_config.h"
#include "hw/tp_contract.h"
#include "models/fp/pl_float.h"
#include "models/fp/pl_timing.h"
#include "models/fp/pl_units.h"
#include "models/fp/view_writer.h"
#include "models/tlm/pl_top.h"
#include "models/tlm/pl_matmul.h"
#include "models/tlm/pl_reduce.h"
#include "models/tlm/pl_vector.h"
#include "models/tlm/platform.h"
#include "models/tlm/view_reader_tlm.h"
#include "models/tlm/view_writer_tlm.h"

namespace {

using namespace tinypynq;
using namespace tinypynq::vp;
using pl::BeatSchedule;

// A sink with a FIFO of `depth` beats drained one beat every `drain` cycles: beat j can be taken
// in cycle t when beat j - depth has left (its drain cycle < t). Causal in the offers.
struct FifoSink : AxisSink {
  unsigned depth = 4, drain = 3;
  Cycle t_ready = 0;  // first cycle any beat can be taken
  std::vector<uint64_t> tab;
  BeatSchedule sched;
  int replans_seen = 0;
  sc_core::sc_event ev;
  bool armed() const override { return true; }
  BeatSchedule ready() const override { return sched; }
  const sc_core::sc_event& armed_event() const override { return ev; }
  Cycle put(const uint8_t*, uint64_t, Cycle c) override { return c; }
  bool replans() const override { return true; }
  // The accept cycles of offers h.
  std::vector<uint64_t> accepts(const std::vector<uint64_t>& h) const {
    std::vector<uint64_t> a(h.size()), d(h.size());
    for (size_t j = 0; j < h.size(); ++j) {
      uint64_t t = std::max<uint64_t>(h[j], t_ready);
      if (j) t = std::max(t, a[j - 1] + 1);
      if (j >= depth) t = std::max(t, d[j - depth] + 1);
      a[j] = t;
      d[j] = std::max(t + 1, j ? d[j - 1] + drain : 0);
    }
    return a;
  }
  bool replan(const std::vector<uint64_t>& presented, const std::vector<uint64_t>& handshakes) override {
    ++replans_seen;
    std::vector<uint64_t> a = accepts(presented);
    if (a == handshakes) return false;
    tab = std::move(a);
    sched = BeatSchedule{.start = tab.front(), .table = tab.data(), .table_beats = tab.size()};
    return true;
  }
};

// The per-cycle reference: hw-spec §8.2's pipeline stepped cycle by cycle, R's TREADY from the
// FIFO's occupancy in that cycle; returns CYCLES and fills each R beat's first valid and
// handshake cycles (absolute).
uint64_t per_cycle(const FifoSink& s, unsigned p, unsigned ii, const std::vector<int64_t>& tokens, unsigned streams,
                   uint64_t t0, uint64_t arrive, std::vector<uint64_t>& valid, std::vector<uint64_t>& hs) {
  const uint64_t n_beats = tokens.size();
  pl::PipelineModel m(p, ii, tokens, streams);
  std::vector<uint64_t> drain;
  uint64_t next = 0;
  int64_t n_out = 0;
  for (int64_t t : tokens) n_out = std::max(n_out, t + 1);
  valid.assign(static_cast<size_t>(n_out), 0), hs.clear();
  for (uint64_t t = t0 + 1; t < t0 + 100'000; ++t) {
    pl::PipelineModel::Inputs in;
    in.valid[0] = in.valid[1] = next < n_beats && arrive + next <= t;  // one beat per cycle from `arrive`
    uint64_t left = 0;
    for (uint64_t d : drain) left += d < t ? 1 : 0;
    in.out_ready = t >= s.t_ready && hs.size() - left < s.depth;
    const pl::PipelineModel::Outputs o = m.step(in);
    if (o.take) ++next;
    if (o.out_valid && valid[static_cast<size_t>(o.out_token)] == 0) valid[static_cast<size_t>(o.out_token)] = t;
    if (o.out_handshake) {
      hs.push_back(t);
      drain.push_back(std::max(t + 1, drain.empty() ? 0 : drain.back() + s.drain));
    }
    if (m.done()) return m.cycles();
  }
  return 0;
}

TEST(Backpressure, UnitAndSinkPlannedTogetherEqualThePerCyclePipeline) {
  const pl::VecOpInfo* add = pl::vec_op_info(static_cast<uint32_t>(hw::VecOp::ADD));
  ASSERT_NE(add, nullptr);
  PlVector u;
  for (const unsigned depth : {1u, 2u, 5u, 16u})
    for (const unsigned drain : {1u, 2u, 3u, 7u})
      for (const uint64_t n : {1ull, 2ull, 7ull, 64ull, 301ull}) {
        SCOPED_TRACE("depth " + std::to_string(depth) + " drain " + std::to_string(drain) + " n " + std::to_string(n));
        const uint64_t t0 = 1000, nb = (n + 1) / 2, arrive = t0 + 3;
        std::vector<uint32_t> a(n, 0x3F800000u), b(n, 0x40000000u);
        StreamIn in_a, in_b;
        in_a.data = reinterpret_cast<const uint8_t*>(a.data()), in_a.bytes = 4 * n, in_a.beats = nb;
        in_a.valid = BeatSchedule{.start = arrive};
        in_b = in_a, in_b.data = reinterpret_cast<const uint8_t*>(b.data());
        const StreamIn* in[3] = {&in_a, &in_b, nullptr};
        AxisSource* src[3] = {nullptr, nullptr, nullptr};
        FifoSink sink;
        sink.depth = depth, sink.drain = drain, sink.t_ready = t0 + 2;
        sink.sched = BeatSchedule{.start = sink.t_ready};
        UnitCommand c;
        c.op = static_cast<uint32_t>(hw::VecOp::ADD), c.size[0] = static_cast<uint32_t>(n);
        pl::BeatLog log;
        const UnitResult res = run_with_sources(u, c, t0, in, src, &sink, sink.ready(), &log);
        std::vector<uint64_t> valid, hs;
        std::vector<int64_t> tokens(nb);
        for (uint64_t i = 0; i < nb; ++i) tokens[i] = static_cast<int64_t>(i);
        const uint64_t want = per_cycle(sink, add->latency, add->ii, tokens, 2, t0, arrive, valid, hs);
        ASSERT_GT(want, 0u);
        EXPECT_EQ(res.timing.cycles, want);
        EXPECT_EQ(log.out, hs) << "R handshakes";
        EXPECT_EQ(log.out_valid, valid) << "R's first valid cycles";
        EXPECT_EQ(sink.accepts(log.out_valid), log.out) << "a fixed point: the sink's plan of the offers";
        for (uint32_t w : std::vector<uint32_t>(reinterpret_cast<const uint32_t*>(res.out),
                                                reinterpret_cast<const uint32_t*>(res.out) + n))
          ASSERT_EQ(w, 0x40400000u) << "1 + 2";
        if (drain > add->ii && nb > depth + 1) {
          EXPECT_GT(log.out.back(), log.out_valid.back()) << "the sink held R back";
          EXPECT_GT(sink.replans_seen, 1) << "at least one replan changed R's schedule";
        }
      }
}

// The reduce unit under the same sinks: output beats ride on the input beats that end rows.
TEST(Backpressure, ReduceUnderAFifoSinkEqualsThePerCyclePipeline) {
  PlReduce u;
  for (const unsigned depth : {1u, 3u})
    for (const unsigned drain : {2u, 9u})
      for (const auto& [rows, len] : std::vector<std::pair<uint32_t, uint32_t>>{{1, 1}, {9, 1}, {40, 3}, {64, 2}, {7, 50}}) {
        SCOPED_TRACE("depth " + std::to_string(depth) + " drain " + std::to_string(drain) + " rows " +
                     std::to_string(rows) + " len " + std::to_string(len));
        const uint64_t t0 = 500, n = uint64_t{rows} * len, arrive = t0 + 2;
        std::vector<uint32_t> a(n, 0x3F800000u);
        StreamIn in_a;
        in_a.data = reinterpret_cast<const uint8_t*>(a.data()), in_a.bytes = 4 * n, in_a.beats = (n + 1) / 2;
        in_a.valid = BeatSchedule{.start = arrive};
        const StreamIn* in[3] = {&in_a, nullptr, nullptr};
        AxisSource* src[3] = {nullptr, nullptr, nullptr};
        FifoSink sink;
        sink.depth = depth, sink.drain = drain, sink.t_ready = t0 + 1;
        sink.sched = BeatSchedule{.start = sink.t_ready};
        UnitCommand c;
        c.op = 0, c.size[0] = rows, c.size[1] = len;  // SUM
        pl::BeatLog log;
        const UnitResult res = run_with_sources(u, c, t0, in, src, &sink, sink.ready(), &log);
        std::vector<uint64_t> valid, hs;
        const uint64_t want = per_cycle(sink, pl::kReduceLatency, 1, pl::reduce_tokens(rows, len), 1, t0, arrive, valid, hs);
        ASSERT_GT(want, 0u);
        EXPECT_EQ(res.timing.cycles, want);
        EXPECT_EQ(log.out, hs);
        EXPECT_EQ(log.out_valid, valid);
        EXPECT_EQ(sink.accepts(log.out_valid), log.out);
      }
}

// The matmul unit (hw-spec §8.3: an output block's beats follow one another, each valid from the
// cycle after the previous handshake): the fixed point holds, and the stalls lengthen the command.
TEST(Backpressure, MatmulUnderAFifoSinkIsAFixedPoint) {
  BoardConfig cfg = BoardConfig::defaults();
  PlMatmul u(matmul_config(cfg));
  for (const auto& [m, k, n] : std::vector<std::tuple<uint32_t, uint32_t, uint32_t>>{{1, 1, 1}, {13, 8, 12}, {64, 30, 40}}) {
    SCOPED_TRACE("matmul " + std::to_string(m) + "x" + std::to_string(k) + "x" + std::to_string(n));
    const uint64_t t0 = 100;
    std::vector<uint32_t> a(uint64_t{m} * k, 0x3F800000u), w(uint64_t{k} * n, 0x40000000u);
    StreamIn in_a, in_w;
    in_a.data = reinterpret_cast<const uint8_t*>(a.data()), in_a.bytes = 4 * a.size(), in_a.beats = (a.size() + 1) / 2;
    in_a.valid = BeatSchedule{.start = t0 + 2};
    in_w.data = reinterpret_cast<const uint8_t*>(w.data()), in_w.bytes = 4 * w.size(), in_w.beats = (w.size() + 1) / 2;
    in_w.valid = BeatSchedule{.start = t0 + 2};
    const StreamIn* in[3] = {&in_a, &in_w, nullptr};
    AxisSource* src[3] = {nullptr, nullptr, nullptr};
    UnitCommand c;
    c.op = pl_reg::MMU_LOADW, c.size[0] = m, c.size[1] = k, c.size[2] = n;
    FifoSink free_run;
    free_run.depth = 1u << 30, free_run.drain = 1, free_run.sched = BeatSchedule{.start = t0 + 1};
    pl::BeatLog log0;
    const uint64_t free_cycles = run_with_sources(u, c, t0, in, src, &free_run, free_run.ready(), &log0).timing.cycles;
    FifoSink sink;
    sink.depth = 2, sink.drain = 6, sink.t_ready = t0 + 1, sink.sched = BeatSchedule{.start = t0 + 1};
    pl::BeatLog log;
    const UnitResult res = run_with_sources(u, c, t0, in, src, &sink, sink.ready(), &log);
    EXPECT_EQ(sink.accepts(log.out_valid), log.out) << "a fixed point";
    for (size_t j = 1; j < log.out.size(); ++j) EXPECT_GE(log.out_valid[j], log.out[j - 1] + 1) << j;
    const std::vector<uint32_t> got(reinterpret_cast<const uint32_t*>(res.out),
                                    reinterpret_cast<const uint32_t*>(res.out) + uint64_t{m} * n);
    for (uint32_t x : got) ASSERT_EQ(x, pl::bits(2.0f * static_cast<float>(k)));
    if (log.out.size() > 3) EXPECT_GT(res.timing.cycles, free_cycles) << "the drain every 6 cycles holds R back";
    else EXPECT_GE(res.timing.cycles, free_cycles);
  }
}

// A sink that never back-pressures (its plan is the unit's handshakes) costs one replan and
// no second timing pass.
TEST(Backpressure, ASinkThatKeepsPaceIsAskedOnce) {
  PlVector u;
  const uint64_t t0 = 10, n = 40;
  std::vector<uint32_t> a(n, 0), b(n, 0);
  StreamIn in_a;
  in_a.data = reinterpret_cast<const uint8_t*>(a.data()), in_a.bytes = 4 * n, in_a.beats = n / 2;
  in_a.valid = BeatSchedule{.start = t0 + 1};
  StreamIn in_b = in_a;
  in_b.data = reinterpret_cast<const uint8_t*>(b.data());
  const StreamIn* in[3] = {&in_a, &in_b, nullptr};
  AxisSource* src[3] = {nullptr, nullptr, nullptr};
  FifoSink sink;
  sink.depth = 64, sink.drain = 1;
  UnitCommand c;
  c.op = static_cast<uint32_t>(hw::VecOp::ADD), c.size[0] = n;
  pl::BeatLog log;
  run_with_sources(u, c, t0, in, src, &sink, sink.ready(), &log);
  EXPECT_EQ(sink.replans_seen, 1);
  EXPECT_EQ(log.out, log.out_valid) << "never held back";
}

// The pl_version 2 platform: a vector ADD whose result the view writer scatters as a transpose
// wider than its write buffer (100 lines open at once, 64 slots): partial lines are flushed
// word by word, the buffer fills and R is held back. The unit's R handshakes are the writer's
// accept cycles (one plan), the unit's DONE is the last of them, the words land where the view
// says, and the same command into a contiguous result finishes much earlier.
TEST(Backpressure, TheViewWriterHoldsTheUnitOnTheV2Platform) {
  BoardConfig cfg = BoardConfig::defaults();
  cfg.pl_version = 2;
  Platform::declare("bp", cfg, make_tlm_pl);
  Platform& p = Platform::get("bp");
  PlTop* top = dynamic_cast<PlTop*>(&p.pl());
  ASSERT_NE(top, nullptr);
  namespace vr = pl::vr;
  namespace vw = pl::vw;
  auto access = [&](tlm::tlm_command cmd, uint64_t addr, uint32_t& v) {
    tlm::tlm_generic_payload gp;
    uint8_t buf[4];
    std::memcpy(buf, &v, 4);
    gp.set_command(cmd), gp.set_address(addr), gp.set_data_ptr(buf), gp.set_data_length(4), gp.set_streaming_width(4);
    sc_core::sc_time d = sc_core::SC_ZERO_TIME;
    p.gp0(gp, d);
    std::memcpy(&v, buf, 4);
    return gp.get_response_status();
  };
  auto w = [&](uint64_t a, uint32_t v) { ASSERT_EQ(access(tlm::TLM_WRITE_COMMAND, a, v), tlm::TLM_OK_RESPONSE); };
  auto r = [&](uint64_t a) {
    uint32_t v = 0;
    EXPECT_EQ(access(tlm::TLM_READ_COMMAND, a, v), tlm::TLM_OK_RESPONSE);
    return v;
  };
  auto run = [&](uint64_t cycles) { sc_core::sc_start(p.ps7().pl_period() * static_cast<double>(cycles)); };
  const uint32_t kOuter = 32, kInner = 100, n = kOuter * kInner;
  const uint64_t a_base = 0x50'0000, b_base = 0x58'0000, out = 0x60'0000;
  for (uint32_t i = 0; i < n; ++i) {
    const float x = static_cast<float>(i), y = 0.5f;
    std::memcpy(p.ps7().ddr(a_base + 4 * i), &x, 4);
    std::memcpy(p.ps7().ddr(b_base + 4 * i), &y, 4);
  }
  auto reader = [&](unsigned k, uint64_t base) {
    const uint32_t o = vr::kWindow + vr::kReaderStride * k;
    w(o + vr::BASE, static_cast<uint32_t>(base)), w(o + vr::LIMIT, 4 * n), w(o + vr::OFFSET, 0), w(o + vr::RANK, 1);
    w(o + vr::PAD, 0);
    w(o + vr::DIM0 + vr::D_SHAPE, n), w(o + vr::DIM0 + vr::D_STRIDE, 1), w(o + vr::DIM0 + vr::D_MLO, 0);
    w(o + vr::DIM0 + vr::D_MHI, n);
    for (unsigned d = 1; d < vr::kMaxRank; ++d) {  // beyond RANK: the reset shape of a dimension
      const uint32_t od = o + vr::DIM0 + vr::DIM_BYTES * d;
      w(od + vr::D_SHAPE, 1), w(od + vr::D_STRIDE, 0), w(od + vr::D_MLO, 0), w(od + vr::D_MHI, 1);
    }
    w(o + vr::CTRL, vr::CTRL_START);
  };
  // transposed: R element e = (j, i) of a [kOuter, kInner] packet goes to word i * kOuter + j
  // (strides 1, kOuter): consecutive elements are kOuter words (one line) apart, so kInner = 100
  // lines are open at once in a 64-slot buffer.
  auto writer = [&](bool transposed) {
    w(vw::kWindow + vw::BASE, static_cast<uint32_t>(out)), w(vw::kWindow + vw::LIMIT, 4 * n);
    w(vw::kWindow + vw::OFFSET, 0), w(vw::kWindow + vw::RANK, transposed ? 2 : 1);
    const uint32_t shape[2] = {transposed ? kOuter : n, kInner}, stride[2] = {1, kOuter};
    for (unsigned d = 0; d < vw::kMaxRank; ++d) {
      const uint32_t od = vw::kWindow + vw::DIM0 + vw::DIM_BYTES * d;
      const bool on = d < (transposed ? 2u : 1u);
      w(od + vw::D_SHAPE, on ? shape[d] : 1), w(od + vw::D_STRIDE, on ? stride[d] : 0);
      w(od + vw::D_MLO, 0), w(od + vw::D_MHI, on ? shape[d] : 1);
    }
    w(vw::kWindow + vw::CTRL, vw::CTRL_START);
  };
  pl::BeatLog log;
  top->set_beat_log(&log);
  uint64_t cycles[2] = {0, 0};
  for (const bool transposed : {false, true}) {
    SCOPED_TRACE(transposed ? "transposed result" : "contiguous result");
    p.reset_pl();
    run(100);
    writer(transposed);
    w(hw::win::VEC_BASE + hw::unit::OP, static_cast<uint32_t>(hw::VecOp::ADD));
    w(hw::win::VEC_BASE + hw::unit::SIZE0, n);
    reader(0, a_base), reader(1, b_base);
    w(hw::win::VEC_BASE + hw::unit::CTRL, hw::unit::CTRL_START.mask);
    run(200'000);
    ASSERT_EQ(r(hw::win::VEC_BASE + hw::unit::STATUS), hw::unit::STATUS_DONE.mask) << p.describe_stall();
    ASSERT_TRUE(r(vw::kWindow + vw::STATUS) & vw::ST_DONE);
    cycles[transposed] = r(hw::win::VEC_BASE + hw::unit::CYCLES_LO);
    const pl::WritePlan& plan = p.writer()->last_plan();
    EXPECT_EQ(log.out, plan.accept) << "the unit's R handshakes are the writer's accepts";
    EXPECT_EQ(p.pl().last_command().timing.t_done, plan.accept.back());
    uint64_t held = 0;
    for (size_t j = 0; j < log.out.size(); ++j) held += log.out[j] > log.out_valid[j] ? 1 : 0;
    if (transposed) EXPECT_GT(held, log.out.size() / 4) << "R held back on many beats";
    else EXPECT_EQ(held, 0u) << "full lines: no back-pressure";
    for (uint32_t e = 0; e < n; ++e) {
      const uint32_t at = transposed ? (e % kInner) * kOuter + e / kInner : e;
      float got;
      std::memcpy(&got, p.ps7().ddr(out + 4 * at), 4);
      ASSERT_EQ(got, static_cast<float>(e) + 0.5f) << "element " << e;
    }
  }
  EXPECT_GT(cycles[1], cycles[0] + n / 2) << "the stalls lengthen the command";
  top->set_beat_log(nullptr);
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
