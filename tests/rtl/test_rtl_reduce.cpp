// SPDX-License-Identifier: MIT
// The reduce unit RTL (rtl/reduce/tp_red_unit.sv), Verilated and driven cycle by cycle:
// result bits = pl::reduce_sum / pl::reduce_max (hw-spec §6.2), every handshake of A and R and
// CYCLES = pl::PipelineModel (§8.2, stepped in lockstep with the same stream inputs) and
// pl::time_reduce_exact (per-beat handshake cycles for BeatSchedule-shaped streams).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <random>
#include <vector>

#include "Vtp_red_unit.h"
#include "cosim/ports.h"
#include "models/fp/pl_float.h"
#include "models/fp/pl_stream.h"
#include "models/fp/pl_timing.h"
#include "models/fp/pl_units.h"
#include "verilated.h"

namespace pl = tinypynq::pl;
namespace cosim = tinypynq::cosim;

namespace {

// Operand values: ordinary numbers of mixed magnitude plus every special class.
uint32_t random_value(std::mt19937_64& rng, bool specials) {
  std::uniform_int_distribution<int> kind(0, 99);
  const int k = kind(rng);
  const uint32_t sign = (rng() & 1) ? 0x80000000u : 0u;
  if (specials) {
    if (k < 3) return sign;                                             // ±0
    if (k < 6) return sign | static_cast<uint32_t>(rng() & 0x7FFFFF);   // subnormal
    if (k < 8) return sign | 0x7F800000u;                               // ±inf
    if (k < 10) return 0x7F800001u | static_cast<uint32_t>(rng() & 0x7FFFFF) | sign;  // NaN
    if (k < 13) return sign | 0x00800000u | static_cast<uint32_t>(rng() & 0x7FFFFF);  // tiny
    if (k < 15) return sign | (0xFEu << 23) | static_cast<uint32_t>(rng() & 0x7FFFFF); // huge
  }
  const uint32_t e = 127 - 10 + static_cast<uint32_t>(rng() % 21);
  return sign | (e << 23) | static_cast<uint32_t>(rng() & 0x7FFFFF);
}

struct RedCmd {
  uint32_t rows, len;
  bool max;
};

// Drives the Verilated unit through the co-simulation's transactors (cosim/axis.h). Input
// stream A: beat i may be presented from arrival(i) on (and after the handshake of beat i-1);
// R TREADY from ready(t). Times relative to t0.
class RedBench {
 public:
  RedBench() : a_(cosim::unit_in(m_, 0), "A"), r_(cosim::unit_out(m_), "R") {
    m_.clk_i = 0;
    m_.rst_ni = 0;
    m_.start_i = 0;
    a_.idle();
    r_.reset();
    for (int i = 0; i < 3; ++i) tick();
    m_.rst_ni = 1;
    tick();
  }
  ~RedBench() { m_.final(); }

  void tick() {
    m_.clk_i = 1;
    m_.eval();
    m_.clk_i = 0;
    m_.eval();
    ++cycles_;
  }
  uint64_t total_cycles() const { return cycles_; }

  // Runs one command; checks against PipelineModel in lockstep. Returns CYCLES (t_done - t0).
  uint64_t run(const RedCmd& c, const std::vector<uint32_t>& x,
               const std::function<uint64_t(uint64_t)>& arrival,
               const std::function<bool(uint64_t)>& ready, std::vector<uint32_t>& out,
               pl::BeatLog* log = nullptr) {
    const uint64_t n = uint64_t{c.rows} * c.len, nb = (n + 1) / 2;
    const uint64_t nb_out = (c.rows + 1) / 2;
    pl::PipelineModel model(pl::kReduceLatency, 1, pl::reduce_tokens(c.rows, c.len), 1);
    // cycle t0: no transfer yet, TREADY low
    m_.start_i = 1;
    m_.op_i = c.max ? 1u : 0u;
    m_.size0_i = c.rows;
    m_.size1_i = c.len;
    a_.clear();
    r_.disarm();
    a_.drive(0);
    r_.drive(0);
    m_.eval();
    EXPECT_EQ(m_.busy_o, 0);
    tick();
    m_.start_i = 0;
    // The transfer: lane 1 of a partial last beat and TDATA while TVALID is low carry junk,
    // which the unit must ignore.
    std::vector<uint32_t> data(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(n));
    if (n % 2) data.push_back(0x12345678u);
    std::vector<uint64_t> at(nb);
    for (uint64_t i = 0; i < nb; ++i) at[i] = arrival(i);
    a_.set_idle_data(0xABCDABCDABCDABCDull);
    a_.load_at(reinterpret_cast<const uint8_t*>(data.data()), 4 * data.size(), &at);
    r_.arm([&ready](uint64_t t, uint64_t) { return ready(t); });
    out.assign(2 * nb_out, 0xDEADBEEFu);
    uint64_t taken = 0, outs = 0;
    if (log) log->clear();
    for (uint64_t t = 1; t < 100000000; ++t) {
      a_.drive(t);
      r_.drive(t);
      m_.eval();
      pl::PipelineModel::Inputs in;
      in.valid[0] = a_.valid();
      in.out_ready = r_.ready();
      const auto o = model.step(in);
      EXPECT_EQ(m_.busy_o, 1) << "cycle " << t;
      EXPECT_EQ(bool(m_.s_axis_a_tready_o), o.tready[0]) << "A TREADY, cycle t0+" << t;
      EXPECT_EQ(bool(m_.m_axis_r_tvalid_o), o.out_valid) << "R TVALID, cycle t0+" << t;
      if (::testing::Test::HasFailure()) return 0;
      if (a_.sample()) {
        ++taken;
        if (log) log->in[0].push_back(t);
      }
      if (r_.sample(t) != cosim::PinAxisSink::kNone) {
        EXPECT_LT(outs, nb_out);
        const bool last = outs == nb_out - 1;
        const bool partial = last && (c.rows % 2);
        EXPECT_EQ(bool(m_.m_axis_r_tlast_o), last) << "beat " << outs;
        EXPECT_EQ(m_.m_axis_r_tkeep_o, partial ? 0x0F : 0xFF) << "beat " << outs;
        out[2 * outs] = static_cast<uint32_t>(m_.m_axis_r_tdata_o);
        out[2 * outs + 1] = static_cast<uint32_t>(m_.m_axis_r_tdata_o >> 32);
        if (partial) {
          EXPECT_EQ(out[2 * outs + 1], 0u);
        }
        EXPECT_EQ(o.out_token, static_cast<int64_t>(outs));
        ++outs;
        if (log) log->out.push_back(t);
      }
      EXPECT_TRUE(r_.violation().empty()) << r_.violation();
      EXPECT_EQ(bool(m_.done_o), o.last) << "cycle " << t;
      EXPECT_EQ(m_.w_tlast_o, 0);
      tick();
      if (o.last) {
        a_.clear();
        a_.idle();
        m_.eval();
        EXPECT_EQ(m_.busy_o, 0);
        EXPECT_EQ(taken, nb);
        out.resize(c.rows);
        return t;
      }
    }
    ADD_FAILURE() << "command did not finish";
    return 0;
  }

  Vtp_red_unit m_;
  cosim::PinAxisSource a_;
  cosim::PinAxisSink r_;

 private:
  uint64_t cycles_ = 0;
};

std::vector<uint32_t> reference(const RedCmd& c, const std::vector<uint32_t>& x) {
  std::vector<uint32_t> r(c.rows);
  for (uint32_t i = 0; i < c.rows; ++i)
    r[i] = c.max ? pl::reduce_max(&x[uint64_t{i} * c.len], c.len)
                 : pl::reduce_sum(&x[uint64_t{i} * c.len], c.len);
  return r;
}

void expect_bits(const std::vector<uint32_t>& got, const std::vector<uint32_t>& want,
                 const RedCmd& c) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    ASSERT_EQ(got[i], want[i]) << (c.max ? "MAX" : "SUM") << " ROWS=" << c.rows << " L=" << c.len
                               << " row " << i << std::hex << " got 0x" << got[i] << " want 0x"
                               << want[i];
}

}  // namespace

TEST(RtlReduce, IdealFormulaAndWorkedExamples) {
  RedBench b;
  std::mt19937_64 rng(1);
  // hw-spec §8.4: ceil(ROWS*L/2) + 24; worked examples 25, 29, 664
  const RedCmd cmds[] = {{1, 1, false}, {3, 3, false}, {128, 10, false}, {5, 1, true},
                         {2, 9, false}, {7, 17, true}, {1, 1000, false}};
  for (const RedCmd& c : cmds) {
    std::vector<uint32_t> x(uint64_t{c.rows} * c.len), out;
    for (auto& v : x) v = random_value(rng, false);
    const uint64_t cyc = b.run(c, x, [](uint64_t) { return 0; }, [](uint64_t) { return true; }, out);
    EXPECT_EQ(cyc, pl::reduce_cycles_ideal(c.rows, c.len)) << c.rows << "x" << c.len;
    expect_bits(out, reference(c, x), c);
  }
}

// Runs command c on input x: beat i arrives from t0 with a random gap before it with
// probability gap_pct %, R is ready in each of the first `ready_cycles` cycles with
// probability 100 - stall_pct % (always after them).
void run_with_gaps(RedBench& b, const RedCmd& c, const std::vector<uint32_t>& x, std::mt19937_64& rng, uint64_t t0,
                   int gap_pct, int stall_pct, size_t ready_cycles, std::vector<uint32_t>& out) {
  std::vector<uint64_t> arr((x.size() + 1) / 2);
  uint64_t t = t0;
  for (auto& a : arr) {
    while (static_cast<int>(rng() % 100) < gap_pct) ++t;
    a = t++;
  }
  std::vector<uint8_t> rdy(ready_cycles);
  for (auto& r : rdy) r = static_cast<int>(rng() % 100) >= stall_pct;
  b.run(c, x, [&](uint64_t k) { return arr[k]; }, [&](uint64_t tt) { return tt >= rdy.size() || rdy[tt]; }, out);
}

TEST(RtlReduce, RandomCommandsWithGapsAndStalls) {
  RedBench b;
  std::mt19937_64 rng(42);
  int commands = 0;
  for (int it = 0; it < 160; ++it) {
    RedCmd c;
    const int shape = it % 4;
    c.len = shape == 0 ? 1 : shape == 1 ? 1 + rng() % 9 : shape == 2 ? 1 + rng() % 40 : 1 + rng() % 200;
    c.rows = 1 + rng() % (shape == 3 ? 6 : 40);
    c.max = rng() & 1;
    std::vector<uint32_t> x(uint64_t{c.rows} * c.len), out;
    const bool specials = (it % 3) != 0;
    for (auto& v : x) v = random_value(rng, specials);
    // arrival times with random gaps, R ready with random stall density
    const int gap_pct = static_cast<int>(rng() % 60), stall_pct = static_cast<int>(rng() % 60);
    const uint64_t t0 = rng() % 5;
    run_with_gaps(b, c, x, rng, t0, gap_pct, stall_pct, 200000, out);
    if (HasFailure()) {
      ADD_FAILURE() << "command " << it << ": " << (c.max ? "MAX" : "SUM") << " ROWS=" << c.rows
                    << " L=" << c.len;
      return;
    }
    expect_bits(out, reference(c, x), c);
    ++commands;
  }
  EXPECT_EQ(commands, 160);
}

// Every L from 1 to 40 with both ops (the tree schedule depends on L mod 8, on L < 8 / L > 8
// and on whether a row ends in lane 0 or 1), with and without gaps and output stalls.
TEST(RtlReduce, EveryRowLengthUpTo40) {
  RedBench b;
  std::mt19937_64 rng(4040);
  int commands = 0;
  for (uint32_t len = 1; len <= 40; ++len) {
    for (int variant = 0; variant < 4; ++variant) {
      const RedCmd c{static_cast<uint32_t>(variant == 0 ? 1 + rng() % 3 : 3 + rng() % 14), len,
                     (variant & 1) != 0};
      std::vector<uint32_t> x(uint64_t{c.rows} * c.len), out;
      for (auto& v : x) v = random_value(rng, variant >= 2);
      // variant 0/1: back-to-back input, R always ready; 2/3: random gaps and stalls
      const int gap_pct = variant < 2 ? 0 : static_cast<int>(rng() % 60);
      const int stall_pct = variant < 2 ? 0 : static_cast<int>(rng() % 60);
      run_with_gaps(b, c, x, rng, 0, gap_pct, stall_pct, 20000, out);
      if (HasFailure()) {
        ADD_FAILURE() << (c.max ? "MAX" : "SUM") << " ROWS=" << c.rows << " L=" << c.len;
        return;
      }
      expect_bits(out, reference(c, x), c);
      ++commands;
    }
  }
  EXPECT_EQ(commands, 160);
}

TEST(RtlReduce, PerBeatHandshakesEqualTimeReduce) {
  RedBench b;
  std::mt19937_64 rng(7);
  for (int it = 0; it < 30; ++it) {
    const RedCmd c{static_cast<uint32_t>(1 + rng() % 20), static_cast<uint32_t>(1 + rng() % 30),
                   bool(rng() & 1)};
    pl::BeatSchedule a{.start = 1 + rng() % 6, .num = static_cast<uint32_t>(1 + rng() % 3),
                       .den = static_cast<uint32_t>(1 + rng() % 2),
                       .burst_beats = static_cast<uint32_t>(rng() % 8),
                       .burst_gap = static_cast<uint32_t>(rng() % 5)};
    pl::BeatSchedule r{.start = 1 + rng() % 40, .num = static_cast<uint32_t>(1 + rng() % 3),
                       .den = 1, .burst_beats = static_cast<uint32_t>(rng() % 5),
                       .burst_gap = static_cast<uint32_t>(rng() % 7)};
    std::vector<uint32_t> x(uint64_t{c.rows} * c.len), out;
    for (auto& v : x) v = random_value(rng, true);
    pl::BeatLog got;  // run() appends each R handshake: got.out.size() = beats accepted so far
    const uint64_t cyc = b.run(
        c, x, [&](uint64_t i) { return a.at(i); },
        [&](uint64_t t) { return t >= r.at(got.out.size()); }, out, &got);
    ASSERT_FALSE(HasFailure());
    pl::BeatLog want;
    const pl::CmdTiming tm = pl::time_reduce_exact(c.rows, c.len, 0, a, r, &want);
    EXPECT_EQ(cyc, tm.cycles);
    EXPECT_EQ(got.in[0], want.in[0]);
    EXPECT_EQ(got.out, want.out);
    expect_bits(out, reference(c, x), c);
  }
}

TEST(RtlReduce, TlastWarningAndSpeed) {
  RedBench b;
  // TLAST early on beat 0 of a 2-beat command and missing on the last: two pulses
  b.m_.start_i = 1;
  b.m_.op_i = 0;
  b.m_.size0_i = 2;
  b.m_.size1_i = 2;
  b.tick();
  b.m_.start_i = 0;
  // Two one-beat packets on the source: the first with TLAST (early), the second without.
  const std::vector<uint32_t> ones(2, 0x3F800000u);
  const auto* bytes = reinterpret_cast<const uint8_t*>(ones.data());
  b.a_.load(bytes, 8);
  b.r_.arm();
  int warns = 0, packets = 1;
  for (uint64_t t = 0; t < 60 && b.m_.busy_o; ++t) {
    if (packets == 1 && b.a_.finished()) b.a_.load(bytes, 8, nullptr, /*flip_tlast=*/0), ++packets;
    b.a_.drive(t);
    b.r_.drive(t);
    b.m_.eval();
    b.a_.sample();
    warns += b.m_.w_tlast_o;
    if (b.m_.m_axis_r_tvalid_o) {
      EXPECT_EQ(b.m_.m_axis_r_tdata_o, 0x4000000040000000ull);
    }
    b.r_.sample(t);
    b.tick();
  }
  EXPECT_TRUE(b.a_.finished());
  EXPECT_EQ(warns, 2);
  EXPECT_EQ(b.m_.busy_o, 0);
  // speed: one long SUM, ideal streams
  const RedCmd c{64, 4000, false};
  std::vector<uint32_t> x(uint64_t{c.rows} * c.len), out;
  std::mt19937_64 rng(3);
  for (auto& v : x) v = random_value(rng, false);
  const uint64_t c0 = b.total_cycles();
  const auto t0 = std::chrono::steady_clock::now();
  const uint64_t cyc = b.run(c, x, [](uint64_t) { return 0; }, [](uint64_t) { return true; }, out);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(cyc, pl::reduce_cycles_ideal(c.rows, c.len));
  expect_bits(out, reference(c, x), c);
  std::printf("reduce RTL: %llu cycles in %.3f s = %.2f M cycles/s (with lockstep checks)\n",
              static_cast<unsigned long long>(b.total_cycles() - c0), s,
              (b.total_cycles() - c0) / s / 1e6);
}

// Raw Verilator speed of the unit (no checks): a long SUM, stream always valid, R always ready.
TEST(RtlReduce, RawSpeed) {
  RedBench b;
  b.m_.start_i = 1;
  b.m_.op_i = 0;
  b.m_.size0_i = 1000;
  b.m_.size1_i = 1000;
  b.tick();
  b.m_.start_i = 0;
  b.m_.s_axis_a_tvalid_i = 1;
  b.m_.s_axis_a_tdata_i = 0x3F8000003F800000ull;
  b.m_.m_axis_r_tready_i = 1;
  const int n = 300000;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) b.tick();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(b.m_.busy_o, 1);
  std::printf("reduce RTL raw: %.2f M cycles/s\n", n / s / 1e6);
}
