// SPDX-License-Identifier: MIT
// The matmul unit RTL (rtl/matmul/tp_mmu_unit.sv, default R = C = 4), Verilated and driven cycle
// by cycle: result bits = pl::matmul (hw-spec §6.3), every handshake on A, B and R and CYCLES =
// pl::time_matmul_exact (§8.3 block schedule) for random BeatSchedule stream timing.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

#include "Vtp_mmu_unit.h"
#include "cosim/ports.h"
#include "models/fp/pl_float.h"
#include "models/fp/pl_stream.h"
#include "models/fp/pl_units.h"
#include "verilated.h"

namespace pl = tinypynq::pl;
namespace cosim = tinypynq::cosim;

namespace {

uint32_t random_value(std::mt19937_64& rng, bool specials) {
  const int k = static_cast<int>(rng() % 100);
  const uint32_t sign = (rng() & 1) ? 0x80000000u : 0u;
  if (specials) {
    if (k < 3) return sign;
    if (k < 6) return sign | static_cast<uint32_t>(rng() & 0x7FFFFF);
    if (k < 7) return sign | 0x7F800000u;
    if (k < 8) return 0x7F800001u | static_cast<uint32_t>(rng() & 0x7FFFFF) | sign;
    if (k < 11) return sign | ((1 + static_cast<uint32_t>(rng() % 30)) << 23) |
                       static_cast<uint32_t>(rng() & 0x7FFFFF);  // tiny: products underflow
    if (k < 13) return sign | ((220 + static_cast<uint32_t>(rng() % 30)) << 23);  // huge
  }
  const uint32_t e = 127 - 8 + static_cast<uint32_t>(rng() % 17);
  return sign | (e << 23) | static_cast<uint32_t>(rng() & 0x7FFFFF);
}

struct MmCmd {
  uint32_t m, k, n;
  bool loadw;
};

class MmBench {
 public:
  MmBench() : a_(cosim::unit_in(m_, 0), "A"), w_(cosim::unit_in(m_, 1), "B"), r_(cosim::unit_out(m_), "R") {
    m_.clk_i = 0;
    m_.rst_ni = 0;
    m_.start_i = 0;
    a_.idle();
    w_.idle();
    r_.reset();
    for (int i = 0; i < 3; ++i) tick();
    m_.rst_ni = 1;
    tick();
  }
  ~MmBench() { m_.final(); }
  void tick() {
    m_.clk_i = 1;
    m_.eval();
    m_.clk_i = 0;
    m_.eval();
    ++cycles_;
  }
  uint64_t total_cycles() const { return cycles_; }

  // One command with stream A from schedule a, B (if LOADW) from w, R ready from r
  // (TREADY(t) = t >= r.at(beats accepted)), through the co-simulation's transactors
  // (cosim/axis.h). Times relative to t0. Returns CYCLES.
  uint64_t run(const MmCmd& c, const std::vector<uint32_t>& a, const std::vector<uint32_t>& w,
               const pl::BeatSchedule& sa, const pl::BeatSchedule& sw, const pl::BeatSchedule& sr,
               std::vector<uint32_t>& out, pl::BeatLog& log) {
    const uint64_t nba = (uint64_t{c.m} * c.k + 1) / 2, nbw = c.loadw ? (uint64_t{c.k} * c.n + 1) / 2 : 0;
    const uint64_t nbo = (uint64_t{c.m} * c.n + 1) / 2;
    m_.start_i = 1;
    m_.op_i = c.loadw ? 1u : 0u;
    m_.size0_i = c.m;
    m_.size1_i = c.k;
    m_.size2_i = c.n;
    a_.clear(), w_.clear(), r_.disarm();
    a_.drive(0), w_.drive(0), r_.drive(0);
    m_.eval();
    tick();
    m_.start_i = 0;
    log.clear();
    out.assign(2 * nbo, 0xDEADBEEFu);
    // Junk in lane 1 of a partial last beat and on TDATA while TVALID is low: ignored by the unit.
    const std::vector<uint32_t> da = padded(a, uint64_t{c.m} * c.k), dw = padded(w, c.loadw ? uint64_t{c.k} * c.n : 0);
    a_.set_idle_data(0x5555555555555555ull);
    w_.set_idle_data(0x6666666666666666ull);
    a_.load(reinterpret_cast<const uint8_t*>(da.data()), 4 * da.size(), &sa);
    if (nbw) w_.load(reinterpret_cast<const uint8_t*>(dw.data()), 4 * dw.size(), &sw);
    r_.arm(&sr);
    uint64_t ta = 0, tw = 0, to = 0;
    for (uint64_t t = 1; t < 50000000; ++t) {
      a_.drive(t), w_.drive(t), r_.drive(t);
      m_.eval();
      EXPECT_EQ(m_.busy_o, 1);
      if (!c.loadw) {
        EXPECT_EQ(m_.s_axis_b_tready_o, 0);
      }
      EXPECT_EQ(m_.w_tlast_o, 0) << "cycle " << t;
      if (a_.sample()) {
        ++ta;
        log.in[0].push_back(t);
      }
      if (w_.sample()) {
        ++tw;
        log.in[1].push_back(t);
      }
      bool done = false;
      if (r_.sample(t) != cosim::PinAxisSink::kNone) {
        EXPECT_LT(to, nbo);
        if (to >= nbo) return 0;
        const bool last = to == nbo - 1;
        const bool partial = last && (uint64_t{c.m} * c.n) % 2;
        EXPECT_EQ(bool(m_.m_axis_r_tlast_o), last) << "beat " << to;
        EXPECT_EQ(m_.m_axis_r_tkeep_o, partial ? 0x0F : 0xFF) << "beat " << to;
        out[2 * to] = static_cast<uint32_t>(m_.m_axis_r_tdata_o);
        out[2 * to + 1] = static_cast<uint32_t>(m_.m_axis_r_tdata_o >> 32);
        log.out.push_back(t);
        ++to;
        done = last;
        EXPECT_EQ(bool(m_.done_o), last);
      } else {
        EXPECT_EQ(m_.done_o, 0);
      }
      tick();
      if (::testing::Test::HasFailure()) return 0;
      if (done) {
        m_.eval();
        EXPECT_EQ(m_.busy_o, 0);
        EXPECT_EQ(ta, nba);
        EXPECT_EQ(tw, nbw);
        out.resize(uint64_t{c.m} * c.n);
        return t;
      }
    }
    ADD_FAILURE() << "command did not finish";
    return 0;
  }

  Vtp_mmu_unit m_;
  cosim::PinAxisSource a_, w_;
  cosim::PinAxisSink r_;

 private:
  // The first n elements of v, with junk in lane 1 of a partial last beat.
  static std::vector<uint32_t> padded(const std::vector<uint32_t>& v, uint64_t n) {
    std::vector<uint32_t> d(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n));
    if (n % 2) d.push_back(0x0BADF00Du);
    return d;
  }
  uint64_t cycles_ = 0;
};

struct Checker {
  MmBench& b;
  std::vector<uint32_t> w;  // the tile in WBUF
  uint32_t wk = 0, wn = 0;

  // Runs c; checks bits, every handshake and CYCLES against the models. Returns CYCLES.
  uint64_t check(const MmCmd& c, std::mt19937_64& rng, bool specials, const pl::BeatSchedule& sa,
                 const pl::BeatSchedule& sw, const pl::BeatSchedule& sr) {
    std::vector<uint32_t> a(uint64_t{c.m} * c.k), out;
    for (auto& v : a) v = random_value(rng, specials);
    if (c.loadw) {
      w.resize(uint64_t{c.k} * c.n);
      for (auto& v : w) v = random_value(rng, specials);
      wk = c.k;
      wn = c.n;
    }
    pl::BeatLog got, want;
    const uint64_t cyc = b.run(c, a, w, sa, sw, sr, out, got);
    if (::testing::Test::HasFailure()) return 0;
    const pl::CmdTiming tm = pl::time_matmul_exact(c.m, c.k, c.n, c.loadw, pl::MatmulConfig{}, 0, sa,
                                                   c.loadw ? &sw : nullptr, sr, &want);
    EXPECT_EQ(cyc, tm.cycles) << c.m << "x" << c.k << "x" << c.n << (c.loadw ? " LOADW" : "");
    EXPECT_EQ(got.in[0], want.in[0]) << "A handshakes";
    EXPECT_EQ(got.in[1], want.in[1]) << "B handshakes";
    EXPECT_EQ(got.out, want.out) << "R handshakes";
    std::vector<uint32_t> ref(uint64_t{c.m} * c.n);
    pl::matmul(a.data(), w.data(), ref.data(), c.m, c.k, c.n);
    for (size_t i = 0; i < ref.size(); ++i) {
      EXPECT_EQ(out[i], ref[i]) << c.m << "x" << c.k << "x" << c.n << " element " << i << std::hex
                                << " got 0x" << out[i] << " want 0x" << ref[i];
      if (out[i] != ref[i]) break;
    }
    return cyc;
  }
};

const pl::BeatSchedule kIdeal{.start = 0};

}  // namespace

TEST(RtlMatmul, WorkedExamplesIdeal) {
  MmBench b;
  Checker ck{b};
  std::mt19937_64 rng(1);
  // hw-spec §8.4 worked examples (small ones): 1x1x1 LOADW = 51, 4x8x16 LOADW = 161
  EXPECT_EQ(ck.check({1, 1, 1, true}, rng, false, kIdeal, kIdeal, kIdeal), 51u);
  EXPECT_EQ(ck.check({4, 8, 16, true}, rng, false, kIdeal, kIdeal, kIdeal), 161u);
  EXPECT_EQ(ck.check({8, 1, 1024, true}, rng, false, kIdeal, kIdeal, kIdeal), 5665u);
  for (const MmCmd& c : {MmCmd{6, 3, 5, true}, MmCmd{9, 2, 33, true}, MmCmd{13, 7, 17, true},
                         MmCmd{4, 4, 4, true}}) {
    EXPECT_EQ(ck.check(c, rng, false, kIdeal, kIdeal, kIdeal),
              pl::matmul_cycles_ideal(c.m, c.k, c.n, c.loadw));
  }
}

TEST(RtlMatmul, ShapesReuseAndRandomStreams) {
  MmBench b;
  Checker ck{b};
  std::mt19937_64 rng(2026);
  int commands = 0;
  for (int it = 0; it < 150; ++it) {
    MmCmd c;
    const bool reuse = it % 3 == 2;  // LOADW = 0: the previous tile (same K, N)
    c.loadw = !reuse;
    c.k = reuse ? ck.wk : 1 + static_cast<uint32_t>(rng() % (it % 4 == 0 ? 3 : 24));
    c.n = reuse ? ck.wn : 1 + static_cast<uint32_t>(rng() % (it % 5 == 0 ? 70 : 20));
    c.m = 1 + static_cast<uint32_t>(rng() % 22);
    const bool ideal = it % 7 == 0;
    auto sched = [&](uint64_t max_start) {
      return pl::BeatSchedule{.start = 1 + rng() % max_start,
                              .num = static_cast<uint32_t>(1 + rng() % 3),
                              .den = static_cast<uint32_t>(1 + rng() % 2),
                              .burst_beats = static_cast<uint32_t>(rng() % 9),
                              .burst_gap = static_cast<uint32_t>(rng() % 6)};
    };
    const pl::BeatSchedule sa = ideal ? kIdeal : sched(20), sw = ideal ? kIdeal : sched(20),
                           sr = ideal ? kIdeal : sched(120);
    ck.check(c, rng, it % 2 == 1, sa, sw, sr);
    if (HasFailure()) {
      ADD_FAILURE() << "command " << it << ": " << c.m << "x" << c.k << "x" << c.n
                    << (c.loadw ? " LOADW" : "");
      return;
    }
    ++commands;
  }
  EXPECT_EQ(commands, 150);
}

TEST(RtlMatmul, ComputeBoundAndSpeed) {
  MmBench b;
  Checker ck{b};
  std::mt19937_64 rng(5);
  const uint64_t c0 = b.total_cycles();
  const auto t0 = std::chrono::steady_clock::now();
  ck.check({24, 64, 40, true}, rng, false, kIdeal, kIdeal, kIdeal);
  ck.check({30, 64, 40, false}, rng, true, kIdeal, kIdeal, kIdeal);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("matmul RTL 4x4: %llu cycles in %.3f s = %.2f M cycles/s (with checks)\n",
              static_cast<unsigned long long>(b.total_cycles() - c0), s,
              (b.total_cycles() - c0) / s / 1e6);
}

// Raw Verilator speed of the 4x4 unit (no checks): a long compute-bound command, streams always
// valid, R always ready.
TEST(RtlMatmul, RawSpeed) {
  MmBench b;
  b.m_.start_i = 1;
  b.m_.op_i = 1;
  b.m_.size0_i = 4000;
  b.m_.size1_i = 64;
  b.m_.size2_i = 64;
  b.tick();
  b.m_.start_i = 0;
  b.m_.s_axis_a_tvalid_i = 1;
  b.m_.s_axis_b_tvalid_i = 1;
  b.m_.s_axis_a_tdata_i = 0x3F8000003F800000ull;
  b.m_.s_axis_b_tdata_i = 0x3F8000003F800000ull;
  b.m_.m_axis_r_tready_i = 1;
  const int n = 300000;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) b.tick();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(b.m_.busy_o, 1);
  std::printf("matmul RTL 4x4 raw: %.2f M cycles/s\n", n / s / 1e6);
}
