// SPDX-License-Identifier: MIT
// Tests of the event-driven timing engine (models/fp/pl_stream.h) against the normative cycle
// models of docs/hw-spec.md: §8.2 as pl::PipelineModel stepped per cycle, §8.3 as a literal
// cycle-stepped state machine written below, the ideal formulas and the worked examples of §8.4.
// Every comparison covers CYCLES and the handshake cycle of every beat on every stream.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

#include "models/fp/pl_stream.h"
#include "models/fp/pl_timing.h"
#include "models/fp/pl_units.h"

namespace pl = tinypynq::pl;
using pl::BeatLog;
using pl::BeatSchedule;
using pl::VecOp;

namespace {

constexpr uint64_t kNever = ~uint64_t{0};

// ---- references -------------------------------------------------------------------------------
struct Ref {
  uint64_t cycles = 0;
  BeatLog log;
};

// §8.2 stepped per cycle: PipelineModel with the stream semantics of beat_schedule.h.
Ref ref_pipe(unsigned p, unsigned ii, const std::vector<int64_t>& tokens, uint64_t t0,
             const BeatSchedule* const in[3], const BeatSchedule& out) {
  unsigned idx[3], ns = 0;
  for (unsigned s = 0; s < 3; ++s)
    if (in[s]) idx[ns++] = s;
  pl::PipelineModel m(p, ii, tokens, ns);
  Ref r;
  uint64_t taken = 0, outs = 0;
  for (uint64_t t = t0 + 1; !m.done(); ++t) {
    pl::PipelineModel::Inputs x;
    for (unsigned s = 0; s < ns; ++s)
      x.valid[s] = taken < tokens.size() && t >= in[idx[s]]->at(taken);
    x.out_ready = t >= out.at(outs);
    const auto o = m.step(x);
    if (o.take) {
      for (unsigned s = 0; s < ns; ++s) r.log.in[idx[s]].push_back(t);
      ++taken;
    }
    if (o.out_handshake) {
      r.log.out.push_back(t);
      ++outs;
    }
    if (t > t0 + 100000000) ADD_FAILURE() << "reference did not finish";
  }
  r.cycles = m.cycles();
  return r;
}

std::vector<int64_t> iota_tokens(uint64_t nb) {
  std::vector<int64_t> t(nb);
  for (uint64_t i = 0; i < nb; ++i) t[i] = static_cast<int64_t>(i);
  return t;
}

// §8.3 read literally and stepped one cycle at a time: every unit of the block schedule checks
// its start condition in every cycle (no max() formulas), every stream handshakes per beat.
Ref ref_matmul(uint64_t m, uint64_t k, uint64_t n, bool load_w, const pl::MatmulConfig& cfg,
               uint64_t t0, const BeatSchedule& a, const BeatSchedule* w, const BeatSchedule& out) {
  const uint64_t R = cfg.rows, nblk = (m + R - 1) / R;
  const uint64_t tc = uint64_t{cfg.passes(uint32_t(n))} * cfg.pass_cycles(uint32_t(k));
  const uint64_t dmm = cfg.drain(), nbw = (k * n + 1) / 2;
  auto rows = [&](uint64_t b) { return std::min(R, m - b * R); };
  std::vector<uint64_t> le(nblk, kNever), cs(nblk, kNever), ce(nblk, kNever), se(nblk, kNever);
  uint64_t we = load_w ? kNever : t0, wtaken = 0;
  uint64_t ab = 0, ab_taken = 0, a_idx = 0;   // A loader: block, beats of it taken, global beat
  uint64_t cb = 0;                            // next block to start computing
  uint64_t sb = 0, sb_beat = 0, o_idx = 0;    // store: block, beat in block, global beat
  bool store_on = false;
  auto known_lt = [](uint64_t x, uint64_t t) { return x != kNever && x < t; };
  Ref r;
  for (uint64_t t = t0 + 1; sb < nblk; ++t) {
    if (load_w && wtaken < nbw && t >= w->at(wtaken)) {  // B.TREADY = 1 until NBW taken
      r.log.in[1].push_back(t);
      if (++wtaken == nbw) we = t;
    }
    if (ab < nblk) {  // A window of block ab open?
      bool open = ab == 0 || known_lt(le[ab - 1], t);
      if (ab >= 2) open = open && cs[ab - 2] != kNever && t >= cs[ab - 2] + tc;
      if (open && t >= a.at(a_idx)) {
        r.log.in[0].push_back(t);
        ++a_idx;
        if (++ab_taken == (rows(ab) * k + 1) / 2) {
          le[ab++] = t;
          ab_taken = 0;
        }
      }
    }
    if (cb < nblk) {  // compute of block cb starts?
      bool go = known_lt(le[cb], t) && known_lt(we, t);
      if (cb >= 1) go = go && cs[cb - 1] != kNever && t >= cs[cb - 1] + tc;
      if (cb >= 2) go = go && known_lt(se[cb - 2], t);
      if (go) {
        cs[cb] = t;
        ce[cb] = t + tc + dmm - 1;
        ++cb;
      }
    }
    if (!store_on && known_lt(ce[sb], t) && (sb == 0 || known_lt(se[sb - 1], t))) store_on = true;
    if (store_on && t >= out.at(o_idx)) {  // beat valid: from ss_b, then after each handshake
      r.log.out.push_back(t);
      ++o_idx;
      if (++sb_beat == (rows(sb) * n + 1) / 2) {
        se[sb++] = t;
        sb_beat = 0;
        store_on = false;
      }
    }
    if (t > t0 + 100000000) {
      ADD_FAILURE() << "matmul reference did not finish";
      break;
    }
  }
  r.cycles = se[nblk - 1] - t0;
  return r;
}

// ---- random schedules -------------------------------------------------------------------------
class Rng {
 public:
  explicit Rng(uint64_t seed) : g_(seed) {}
  uint64_t below(uint64_t n) { return g_() % n; }
  bool chance(unsigned percent) { return below(100) < percent; }
  // Random DMA-like schedule around t0: early or late start, rate num/den >= 1, optional bursts;
  // now and then a long idle stretch before the first beat.
  BeatSchedule sched(uint64_t t0) {
    BeatSchedule s;
    s.start = t0 + below(300);
    if (chance(30)) s.start = t0 > 50 ? t0 - below(50) : 0;
    if (chance(5)) s.start += 5000 + below(20000);
    s.den = 1 + static_cast<uint32_t>(below(4));
    s.num = s.den + static_cast<uint32_t>(chance(30) ? 0 : below(3 * s.den + 1));
    if (chance(50)) {
      s.burst_beats = 1 + static_cast<uint32_t>(below(20));
      s.burst_gap = static_cast<uint32_t>(below(13));
    }
    return s;
  }

 private:
  std::mt19937_64 g_;
};

void expect_same(const pl::CmdTiming& got, const BeatLog& log, const Ref& ref, uint64_t t0,
                 const char* what, int trial) {
  ASSERT_EQ(got.cycles, ref.cycles) << what << " trial " << trial;
  ASSERT_EQ(got.t_done, t0 + ref.cycles) << what << " trial " << trial;
  for (unsigned s = 0; s < 3; ++s) {
    ASSERT_EQ(log.in[s], ref.log.in[s]) << what << " stream " << s << " trial " << trial;
    ASSERT_EQ(got.in_last[s], ref.log.in[s].empty() ? 0 : ref.log.in[s].back()) << what;
  }
  ASSERT_EQ(log.out, ref.log.out) << what << " trial " << trial;
}

const BeatSchedule kIdeal{};  // every beat valid/ready from cycle 0

std::vector<VecOp> all_ops() {
  std::vector<VecOp> ops;
  for (uint32_t c = 0; c < 64; ++c)
    if (const pl::VecOpInfo* i = pl::vec_op_info(c)) ops.push_back(i->op);
  return ops;
}

}  // namespace

// ---- (a) vector and reduce against PipelineModel ---------------------------------------------
TEST(PlStream, VectorMatchesPipelineModel) {
  Rng g(1);
  const auto ops = all_ops();
  ASSERT_EQ(ops.size(), 36u);
  for (int trial = 0; trial < 3000; ++trial) {
    const VecOp op = ops[trial % ops.size()];
    const pl::VecOpInfo* info = pl::vec_op_info(static_cast<uint32_t>(op));
    const uint64_t n = g.chance(10) ? 1 + g.below(4) : 1 + g.below(g.chance(10) ? 3000 : 200);
    const uint64_t t0 = g.below(2000);
    BeatSchedule s[3];
    const BeatSchedule* in[3] = {nullptr, nullptr, nullptr};
    const bool fill = g.chance(8);
    for (unsigned k = 0; k < info->arity; ++k) {
      s[k] = g.sched(t0);
      if (!fill && !g.chance(25)) in[k] = &s[k];
    }
    const BeatSchedule out = g.chance(15) ? kIdeal : g.sched(t0 + info->latency);
    BeatLog log;
    const auto got = pl::time_vector(op, n, t0, in, out, &log);
    const Ref ref = ref_pipe(info->latency, info->ii, iota_tokens((n + 1) / 2), t0, in, out);
    ASSERT_NO_FATAL_FAILURE(expect_same(got, log, ref, t0, info->name, trial));
    // the log is optional and does not change the result
    const auto quiet = pl::time_vector(op, n, t0, in, out);
    ASSERT_EQ(quiet.cycles, got.cycles);
  }
}

TEST(PlStream, ReduceMatchesPipelineModel) {
  Rng g(2);
  for (int trial = 0; trial < 3000; ++trial) {
    const uint64_t rows = 1 + g.below(g.chance(20) ? 300 : 12);
    const uint64_t len = g.chance(25) ? 1 : 1 + g.below(g.chance(20) ? 200 : 20);
    const uint64_t t0 = g.below(2000);
    const BeatSchedule a = g.chance(10) ? kIdeal : g.sched(t0);
    const BeatSchedule out = g.chance(15) ? kIdeal : g.sched(t0 + 24);
    BeatLog log;
    const auto got = pl::time_reduce(rows, len, t0, a, out, &log);
    const BeatSchedule* in[3] = {&a, nullptr, nullptr};
    const Ref ref = ref_pipe(pl::kReduceLatency, 1, pl::reduce_tokens(rows, len), t0, in, out);
    ASSERT_NO_FATAL_FAILURE(expect_same(got, log, ref, t0, "reduce", trial));
    ASSERT_EQ(log.out.size(), (rows + 1) / 2);
  }
}

// ---- (b) matmul against the literal §8.3 -----------------------------------------------------
TEST(PlStream, MatmulMatchesCycleSteppedSchedule) {
  Rng g(3);
  const pl::MatmulConfig cfg;
  for (int trial = 0; trial < 1500; ++trial) {
    const uint64_t m = 1 + g.below(g.chance(20) ? 40 : 11);  // often not a multiple of R
    const uint64_t k = 1 + g.below(g.chance(30) ? 3 : (g.chance(20) ? 150 : 40));  // K < R too
    const uint64_t n = 1 + g.below(g.chance(30) ? 70 : 20);  // N > 16: several passes
    const bool load_w = g.chance(60);
    const uint64_t t0 = g.below(2000);
    const BeatSchedule a = g.chance(10) ? kIdeal : g.sched(t0);
    const BeatSchedule w = g.chance(10) ? kIdeal : g.sched(t0);
    const BeatSchedule out = g.chance(15) ? kIdeal : g.sched(t0 + 40);
    BeatLog log;
    const auto got = pl::time_matmul(m, k, n, load_w, cfg, t0, a, &w, out, &log);
    const Ref ref = ref_matmul(m, k, n, load_w, cfg, t0, a, load_w ? &w : nullptr, out);
    ASSERT_NO_FATAL_FAILURE(expect_same(got, log, ref, t0, "matmul", trial));
  }
  // other array shapes (R must be even)
  for (const pl::MatmulConfig c : {pl::MatmulConfig{2, 2}, pl::MatmulConfig{8, 4},
                                   pl::MatmulConfig{6, 3}}) {
    for (int trial = 0; trial < 200; ++trial) {
      const uint64_t m = 1 + g.below(30), k = 1 + g.below(30), n = 1 + g.below(60);
      const uint64_t t0 = g.below(100);
      const BeatSchedule a = g.sched(t0), w = g.sched(t0), out = g.sched(t0);
      BeatLog log;
      const auto got = pl::time_matmul(m, k, n, true, c, t0, a, &w, out, &log);
      ASSERT_NO_FATAL_FAILURE(
          expect_same(got, log, ref_matmul(m, k, n, true, c, t0, a, &w, out), t0, "RxC", trial));
    }
  }
}

// ---- (c) ideal formulas and the worked examples of §8.4 ---------------------------------------
TEST(PlStream, IdealFormulas) {
  const BeatSchedule* none[3] = {nullptr, nullptr, nullptr};
  for (const VecOp op : all_ops()) {
    const pl::VecOpInfo* info = pl::vec_op_info(static_cast<uint32_t>(op));
    const BeatSchedule* in[3] = {&kIdeal, &kIdeal, &kIdeal};
    for (uint64_t n : {1u, 2u, 3u, 4u, 5u, 999u, 1000u, 12345u}) {
      const uint64_t t0 = 777;
      const uint64_t ideal = pl::vector_cycles_ideal(op, n);
      EXPECT_EQ(pl::time_vector(op, n, t0, in, kIdeal).cycles, ideal) << info->name << n;
      EXPECT_EQ(pl::time_vector(op, n, t0, none, kIdeal).cycles, ideal) << info->name << n;
      EXPECT_EQ(ideal, 1 + info->ii * ((n + 1) / 2 - 1) + info->latency);
    }
  }
  for (uint64_t rows : {1u, 2u, 3u, 7u, 128u, 1000u})
    for (uint64_t len : {1u, 2u, 3u, 8u, 10u, 33u, 784u}) {
      const auto t = pl::time_reduce(rows, len, 5, kIdeal, kIdeal);
      EXPECT_EQ(t.cycles, pl::reduce_cycles_ideal(rows, len)) << rows << "x" << len;
      EXPECT_EQ(t.cycles, (rows * len + 1) / 2 + 24);
    }
  const pl::MatmulConfig cfg;
  for (uint64_t m : {1u, 3u, 4u, 5u, 8u, 33u})
    for (uint64_t k : {1u, 3u, 4u, 9u, 100u})
      for (uint64_t n : {1u, 15u, 16u, 17u, 64u, 1024u})
        for (bool lw : {false, true})
          EXPECT_EQ(pl::time_matmul(m, k, n, lw, cfg, 9, kIdeal, &kIdeal, kIdeal).cycles,
                    pl::matmul_cycles_ideal(m, k, n, lw, cfg))
              << m << "x" << k << "x" << n << " " << lw;
}

TEST(PlStream, SpecWorkedExamples) {  // the table of hw-spec §8.4, literally
  const BeatSchedule* ab[3] = {&kIdeal, &kIdeal, nullptr};
  const BeatSchedule* a[3] = {&kIdeal, nullptr, nullptr};
  const pl::MatmulConfig c;
  auto vec = [&](VecOp op, uint64_t n) {
    return pl::time_vector(op, n, 0, op == VecOp::ADD ? ab : a, kIdeal).cycles;
  };
  auto mm = [&](uint64_t m, uint64_t k, uint64_t n, bool w) {
    return pl::time_matmul(m, k, n, w, c, 0, kIdeal, &kIdeal, kIdeal).cycles;
  };
  EXPECT_EQ(vec(VecOp::ADD, 1), 7u);
  EXPECT_EQ(vec(VecOp::ADD, 2), 7u);
  EXPECT_EQ(vec(VecOp::ADD, 3), 8u);
  EXPECT_EQ(vec(VecOp::ADD, 1000), 506u);
  EXPECT_EQ(vec(VecOp::EXP2, 1), 53u);
  EXPECT_EQ(vec(VecOp::EXP2, 1000), 1051u);
  EXPECT_EQ(vec(VecOp::ADD, 1000000), 500006u);
  EXPECT_EQ(vec(VecOp::EXP2, 1000000), 1000051u);
  EXPECT_EQ(pl::time_reduce(1, 1, 0, kIdeal, kIdeal).cycles, 25u);
  EXPECT_EQ(pl::time_reduce(3, 3, 0, kIdeal, kIdeal).cycles, 29u);
  EXPECT_EQ(pl::time_reduce(128, 10, 0, kIdeal, kIdeal).cycles, 664u);
  EXPECT_EQ(mm(1, 1, 1, true), 51u);
  EXPECT_EQ(mm(4, 8, 16, true), 161u);
  EXPECT_EQ(mm(32, 784, 64, true), 125601u);
  EXPECT_EQ(mm(32, 784, 64, false), 102081u);
  EXPECT_EQ(mm(8, 1, 1024, true), 5665u);
}

// §8.5: with R always ready, a_i = max(a_(i-1) + II, v_i) and t_done = a_last + P; every R stall
// cycle (TVALID = 1, TREADY = 0) adds one cycle.
TEST(PlStream, StallRules) {
  Rng g(4);
  for (int trial = 0; trial < 500; ++trial) {
    const VecOp op = trial % 2 ? VecOp::SQRT : VecOp::MULACC;
    const pl::VecOpInfo* info = pl::vec_op_info(static_cast<uint32_t>(op));
    const uint64_t n = 1 + g.below(400), t0 = g.below(100);
    BeatSchedule s = g.sched(t0);
    const BeatSchedule* in[3] = {&s, &s, &s};
    BeatLog log;
    const auto t = pl::time_vector(op, n, t0, in, kIdeal, &log);
    uint64_t prev = 0;
    for (uint64_t i = 0; i < (n + 1) / 2; ++i) {
      prev = i == 0 ? std::max(t0 + 1, s.at(0)) : std::max(prev + info->ii, s.at(i));
      ASSERT_EQ(log.in[0][i], prev);
    }
    ASSERT_EQ(t.t_done, prev + info->latency);
    // R accepts beat j from cycle 3j: once R is the bottleneck every output waits for it (the
    // stalls freeze the whole pipeline, so the inputs never run ahead by more than P beats).
    const BeatSchedule slow{.start = 0, .num = 3, .den = 1};
    const BeatSchedule* ideal_in[3] = {&kIdeal, &kIdeal, &kIdeal};
    const auto u = pl::time_vector(VecOp::ADD, 2 * n, 0, ideal_in, slow);
    ASSERT_EQ(u.t_done, std::max<uint64_t>(6 + n, 3 * (n - 1)));
  }
}

// ---- (d) edge sizes ---------------------------------------------------------------------------
TEST(PlStream, EdgeSizes) {
  const BeatSchedule* a[3] = {&kIdeal, nullptr, nullptr};
  BeatLog log;
  // 1 element: one partial beat; exactly one beat; partial last beat
  EXPECT_EQ(pl::time_vector(VecOp::COPY, 1, 10, a, kIdeal, &log).t_done, 10u + 1 + 3);
  EXPECT_EQ(log.in[0], (std::vector<uint64_t>{11}));
  EXPECT_EQ(log.out, (std::vector<uint64_t>{14}));
  EXPECT_TRUE(log.in[1].empty() && log.in[2].empty());
  EXPECT_EQ(pl::time_vector(VecOp::COPY, 2, 10, a, kIdeal, &log).cycles, 4u);
  EXPECT_EQ(pl::time_vector(VecOp::COPY, 3, 10, a, kIdeal, &log).cycles, 5u);
  EXPECT_EQ(log.out, (std::vector<uint64_t>{14, 15}));
  // reduce: L = 1 (two rows end in one beat), one row across many beats, odd rows
  EXPECT_EQ(pl::time_reduce(2, 1, 0, kIdeal, kIdeal, &log).cycles, 25u);
  EXPECT_EQ(log.out.size(), 1u);
  EXPECT_EQ(pl::time_reduce(1, 100, 0, kIdeal, kIdeal, &log).cycles, 50u + 24);
  EXPECT_EQ(pl::time_reduce(5, 1, 0, kIdeal, kIdeal, &log).cycles, 3u + 24);
  EXPECT_EQ(log.out, (std::vector<uint64_t>{25, 26, 27}));
  // matmul: one tile (1 block, 1 pass), many blocks, several passes, K < R
  const pl::MatmulConfig c;
  EXPECT_EQ(pl::time_matmul(4, 4, 16, true, c, 0, kIdeal, &kIdeal, kIdeal, &log).cycles,
            32u + 16 + 33 + 32);  // max(NBA_0, NBW) + T_C + D_MM + NBO
  EXPECT_EQ(log.in[0].size(), 8u);
  EXPECT_EQ(log.in[1].size(), 32u);
  EXPECT_EQ(log.out.size(), 32u);
  EXPECT_EQ(pl::time_matmul(64, 8, 40, false, c, 0, kIdeal, nullptr, kIdeal, &log).cycles,
            pl::matmul_cycles_ideal(64, 8, 40, false));
  EXPECT_TRUE(log.in[1].empty());
  EXPECT_EQ(pl::time_matmul(3, 1, 1, false, c, 0, kIdeal, nullptr, kIdeal).cycles,
            2u + 16 + 33 + 2);  // K < R: T_pass = L_A * R
}

// Idle stretches cost nothing: a stream that starts 10^12 cycles late is one jump.
TEST(PlStream, LongIdleIsJumped) {
  const BeatSchedule late{.start = 1000000000000ull};
  const BeatSchedule* a[3] = {&late, nullptr, nullptr};
  const auto t = pl::time_vector(VecOp::EXP2, 3, 0, a, kIdeal);
  EXPECT_EQ(t.t_done, 1000000000000ull + 2 + 52);
  const BeatSchedule late_out{.start = 2000000000000ull, .num = 1000000, .den = 1};
  const auto u = pl::time_reduce(4, 4, 0, kIdeal, late_out);
  EXPECT_EQ(u.t_done, 2000000000000ull + 1000000);
  const auto v = pl::time_matmul(8, 8, 8, true, {}, 0, late, &late, late_out);
  EXPECT_EQ(v.in_last[0], 1000000000000ull + 31);
}

// ---- per-beat table mode (BeatSchedule::table, a v2 view reader's valid_at) --------------------
// Irregular increasing tables (runs of one beat per cycle, stalls of up to a few hundred cycles,
// as a reader with line misses), against the same references; the memoised forms must give the
// same results (they bypass the memo: two tables with one start are different commands).
static std::vector<uint64_t> random_table(Rng& g, uint64_t t0, uint64_t beats) {
  std::vector<uint64_t> t(beats);
  uint64_t c = t0 + g.below(100);
  for (uint64_t i = 0; i < beats; ++i) {
    c += g.chance(70) ? 1 : 1 + g.below(g.chance(10) ? 400 : 20);
    t[i] = c;
  }
  return t;
}
static BeatSchedule tabled(const std::vector<uint64_t>& t) {
  return BeatSchedule{.start = t.front(), .table = t.data(), .table_beats = t.size()};
}

TEST(PlStream, TabledSchedulesMatchTheReferences) {
  Rng g(77);
  const auto ops = all_ops();
  for (int trial = 0; trial < 600; ++trial) {
    const VecOp op = ops[trial % ops.size()];
    const pl::VecOpInfo* info = pl::vec_op_info(static_cast<uint32_t>(op));
    const uint64_t n = 1 + g.below(g.chance(10) ? 2000 : 150), nb = (n + 1) / 2, t0 = g.below(2000);
    std::vector<uint64_t> tab[3];
    BeatSchedule s[3];
    const BeatSchedule* in[3] = {nullptr, nullptr, nullptr};
    for (unsigned k = 0; k < info->arity; ++k) {
      if (g.chance(60)) tab[k] = random_table(g, t0, nb), s[k] = tabled(tab[k]);
      else s[k] = g.sched(t0);
      if (!g.chance(20)) in[k] = &s[k];
    }
    const BeatSchedule out = g.chance(30) ? kIdeal : g.sched(t0 + info->latency);
    BeatLog log;
    const auto got = pl::time_vector(op, n, t0, in, out, &log);
    const Ref ref = ref_pipe(info->latency, info->ii, iota_tokens(nb), t0, in, out);
    ASSERT_NO_FATAL_FAILURE(expect_same(got, log, ref, t0, info->name, trial));
    ASSERT_EQ(pl::time_vector(op, n, t0, in, out).t_done, got.t_done) << trial;
  }
  for (int trial = 0; trial < 300; ++trial) {
    const uint64_t rows = 1 + g.below(40), len = 1 + g.below(40), t0 = g.below(2000);
    const std::vector<uint64_t> tab = random_table(g, t0, (rows * len + 1) / 2);
    const BeatSchedule a = tabled(tab), out = g.chance(30) ? kIdeal : g.sched(t0 + 24);
    BeatLog log;
    const auto got = pl::time_reduce(rows, len, t0, a, out, &log);
    const BeatSchedule* in[3] = {&a, nullptr, nullptr};
    const Ref ref = ref_pipe(pl::kReduceLatency, 1, pl::reduce_tokens(rows, len), t0, in, out);
    ASSERT_NO_FATAL_FAILURE(expect_same(got, log, ref, t0, "reduce", trial));
    ASSERT_EQ(pl::time_reduce(rows, len, t0, a, out).t_done, got.t_done) << trial;
  }
  const pl::MatmulConfig cfg;
  for (int trial = 0; trial < 200; ++trial) {
    const uint64_t m = 1 + g.below(40), k = 1 + g.below(cfg.kmax < 40 ? cfg.kmax : 40),
                   n = 1 + g.below(cfg.nmax < 40 ? cfg.nmax : 40), t0 = g.below(2000);
    const bool load_w = !g.chance(20);
    const std::vector<uint64_t> ta = random_table(g, t0, (m * k + 1) / 2), tw = random_table(g, t0, (k * n + 1) / 2);
    const BeatSchedule a = g.chance(80) ? tabled(ta) : g.sched(t0), w = g.chance(60) ? tabled(tw) : g.sched(t0);
    const BeatSchedule out = g.chance(30) ? kIdeal : g.sched(t0 + 40);
    BeatLog log;
    const auto got = pl::time_matmul(m, k, n, load_w, cfg, t0, a, &w, out, &log);
    const Ref ref = ref_matmul(m, k, n, load_w, cfg, t0, a, &w, out);
    ASSERT_NO_FATAL_FAILURE(expect_same(got, log, ref, t0, "matmul", trial));
    ASSERT_EQ(pl::time_matmul(m, k, n, load_w, cfg, t0, a, &w, out).t_done, got.t_done) << trial;
  }
}

TEST(PlStream, TabledCommandsBypassTheMemo) {
  // Same sizes, same t0, same start and closed-form fields: only the tables differ.
  std::vector<uint64_t> fast(64), slow(64);
  for (uint64_t i = 0; i < 64; ++i) fast[i] = 10 + i, slow[i] = 10 + 7 * i;
  const BeatSchedule f = tabled(fast), s = tabled(slow);
  const BeatSchedule* inf[3] = {&f, nullptr, nullptr};
  const BeatSchedule* ins[3] = {&s, nullptr, nullptr};
  const unsigned p = pl::vec_op_info(static_cast<uint32_t>(VecOp::COPY))->latency;
  EXPECT_EQ(pl::time_vector(VecOp::COPY, 128, 0, inf, kIdeal).t_done, 10 + 63 + p);
  EXPECT_EQ(pl::time_vector(VecOp::COPY, 128, 0, ins, kIdeal).t_done, 10 + 7 * 63 + p);
  EXPECT_EQ(pl::time_reduce(1, 128, 0, f, kIdeal).t_done, 10 + 63 + pl::kReduceLatency);
  EXPECT_EQ(pl::time_reduce(1, 128, 0, s, kIdeal).t_done, 10 + 7 * 63 + pl::kReduceLatency);
  EXPECT_EQ(pl::time_matmul(8, 16, 8, true, {}, 0, f, &kIdeal, kIdeal).in_last[0], 10 + 63u);
  EXPECT_EQ(pl::time_matmul(8, 16, 8, true, {}, 0, s, &kIdeal, kIdeal).in_last[0], 10 + 7 * 63u);
}

TEST(PlStream, TabledCursorAndStepperEqualAt) {
  Rng g(9);
  for (int trial = 0; trial < 100; ++trial) {
    const std::vector<uint64_t> t = random_table(g, g.below(1000), 1 + g.below(300));
    const BeatSchedule s = tabled(t);
    pl::ScheduleCursor c(s);
    for (uint64_t i = 0; i < t.size() + 5; ++i, c.next()) ASSERT_EQ(c.cur(), s.at(i)) << trial << " " << i;
    ASSERT_EQ(s.at(t.size() - 1), t.back());
    ASSERT_EQ(s.at(t.size() + 2), t.back() + 3) << "one beat per cycle past the table";
    const uint64_t i0 = g.below(t.size()), step = 1 + g.below(20);
    pl::BeatStepper st(s, i0, step);
    for (uint64_t i = i0; i < t.size() + 40; i += step, st.next()) ASSERT_EQ(st.value(), s.at(i)) << trial;
  }
}

TEST(PlStream, CursorEqualsAt) {
  Rng g(5);
  for (int trial = 0; trial < 200; ++trial) {
    const BeatSchedule s = g.sched(g.below(1000));
    pl::ScheduleCursor c(s);
    for (uint64_t i = 0; i < 500; ++i, c.next()) ASSERT_EQ(c.cur(), s.at(i)) << trial << " " << i;
  }
}

// Speed figure (printed): realistic DMA-like schedules, no log.
TEST(PlStream, Speed) {
  using clk = std::chrono::steady_clock;
  const BeatSchedule a{.start = 20, .num = 5, .den = 4, .burst_beats = 16, .burst_gap = 2};
  const BeatSchedule b{.start = 25, .num = 4, .den = 3};
  const BeatSchedule r{.start = 40, .burst_beats = 16, .burst_gap = 5};
  const BeatSchedule* in[3] = {&a, &b, nullptr};
  auto ns_per_beat = [](clk::duration d, double beats) {
    return std::chrono::duration<double, std::nano>(d).count() / beats;
  };
  auto t = clk::now();
  uint64_t sink = 0;
  for (int i = 0; i < 10; ++i) sink += pl::time_vector(VecOp::ADD, 1000000, 1, in, r).cycles;
  const double vec = ns_per_beat(clk::now() - t, 10 * 500000.0 * 3);  // A, B and R beats
  t = clk::now();
  for (int i = 0; i < 10; ++i) sink += pl::time_reduce(1000, 1000, 1, a, r).cycles;
  const double red = ns_per_beat(clk::now() - t, 10 * (500000.0 + 500));
  t = clk::now();
  for (int i = 0; i < 10; ++i)
    sink += pl::time_matmul(256, 784, 128, true, {}, 1, a, &b, r).cycles;
  const double mm = ns_per_beat(clk::now() - t, 10 * (256 * 784 + 784 * 128 + 256 * 128) / 2.0);
  std::printf("[ speed    ] ns per beat: vector %.2f, reduce %.2f, matmul %.2f (sink %llu)\n",
              vec, red, mm, static_cast<unsigned long long>(sink % 10));
  EXPECT_LT(vec, 100.0);  // generous: only catches an accidental per-cycle loop
}

// time_vector/time_reduce remember commands by their schedules relative to t0; a repeated or
// shifted command must give exactly what the memo-free evaluation gives.
TEST(PlStream, MemoEqualsExactEvaluationUnderShifts) {
  using namespace tinypynq::pl;
  std::mt19937_64 g(77);
  for (int iter = 0; iter < 400; ++iter) {
    const uint64_t t0 = 1000 + g() % 100000, n = 1 + g() % 300;
    BeatSchedule in0{t0 - 50 + g() % 100, 1 + static_cast<uint32_t>(g() % 3), 1, static_cast<uint32_t>(g() % 2 ? 16 : 0),
                     static_cast<uint32_t>(g() % 4)};
    BeatSchedule in1 = in0;
    in1.start += g() % 7;
    BeatSchedule out{t0 + g() % 40, 1, 1, 16, static_cast<uint32_t>(g() % 6)};
    const BeatSchedule* ins[3] = {&in0, &in1, nullptr};
    const VecOp op = (g() % 2) ? VecOp::ADD : VecOp::EXP2;
    for (uint64_t shift : {0ull, 12345ull, 0ull}) {  // first call fills the memo, then hits
      BeatSchedule a = in0, b = in1, o = out;
      a.start += shift, b.start += shift, o.start += shift;
      const BeatSchedule* sh[3] = {&a, &b, nullptr};
      const CmdTiming m = time_vector(op, n, t0 + shift, sh, o);
      const CmdTiming e = time_vector_exact(op, n, t0 + shift, sh, o);
      ASSERT_EQ(m.t_done, e.t_done) << iter;
      ASSERT_EQ(m.cycles, e.cycles) << iter;
      for (int s = 0; s < 3; ++s) ASSERT_EQ(m.in_last[s], e.in_last[s]) << iter << " stream " << s;
      const uint64_t rows = 1 + n % 9, len = 1 + n / 9;
      const CmdTiming rm = time_reduce(rows, len, t0 + shift, a, o);
      const CmdTiming re = time_reduce_exact(rows, len, t0 + shift, a, o);
      ASSERT_EQ(rm.t_done, re.t_done) << iter;
      ASSERT_EQ(rm.in_last[0], re.in_last[0]) << iter;
      const bool lw = iter % 2;
      const CmdTiming mm = time_matmul(rows, len, 1 + n % 40, lw, MatmulConfig{}, t0 + shift, a, &b, o);
      const CmdTiming me = time_matmul_exact(rows, len, 1 + n % 40, lw, MatmulConfig{}, t0 + shift, a, &b, o);
      ASSERT_EQ(mm.t_done, me.t_done) << iter;
      ASSERT_EQ(mm.in_last[0], me.in_last[0]) << iter;
      ASSERT_EQ(mm.in_last[1], me.in_last[1]) << iter;
    }
    (void)ins;
  }
}
