// SPDX-License-Identifier: MIT
// Tests of the Verilated vector unit (rtl/vector, docs/hw-spec.md §6.1, §8.2) and of the
// floating-point primitives (rtl/common tp_fp_add, tp_fp_mul) against the bit-exact C++
// reference in models/fp: every output element's bits against pl::vec_apply, and every cycle's
// TREADY / TVALID / handshake / TLAST / done against pl::PipelineModel stepped in lockstep,
// with random input-valid gaps and random R-ready stalls. RtlVectorSfuDivSqrt: the same checks
// on a unit whose SFU has DIV/RECIP and SQRT only (SfuDps = 6'h03, Vtp_vec_unit_div_sqrt).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "Vtp_fp_add.h"
#include "Vtp_fp_mul.h"
#include "Vtp_vec_unit.h"
#include "Vtp_vec_unit_div_sqrt.h"
#include "cosim/ports.h"
#include "models/fp/pl_float.h"
#include "models/fp/pl_stream.h"
#include "models/fp/pl_timing.h"
#include "models/fp/pl_units.h"
#include "verilated.h"

namespace pl = tinypynq::pl;
namespace cosim = tinypynq::cosim;
using pl::VecOp;

namespace {

// ---------------------------------------------------------------------------------------------
// Operand values
// ---------------------------------------------------------------------------------------------
class Gen {
 public:
  explicit Gen(uint64_t seed) : rng_(seed) {}
  uint32_t any() { return static_cast<uint32_t>(rng_()); }
  uint32_t below(uint32_t n) { return static_cast<uint32_t>(rng_() % n); }
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  // Random bits biased towards the interesting classes.
  uint32_t pick() {
    const uint32_t r = any();
    const uint32_t sign = (r & 1u) << 31;
    const uint32_t man = any() & 0x7FFFFFu;
    switch ((r >> 1) % 16) {
      case 0: return sign;                                        // ±0
      case 1: return sign | (man ? man : 1u);                     // subnormal
      case 2: return sign | 0x7F800000u;                          // ±inf
      case 3: return sign | 0x7F800000u | (man ? man : 1u);       // NaN, any payload
      case 4: return sign | ((1u + (r >> 8) % 8) << 23) | man;    // tiny normal
      case 5: return sign | ((246u + (r >> 8) % 9) << 23) | man;  // huge
      case 6: return sign | ((120u + (r >> 8) % 16) << 23) | man; // around 1
      case 7: return sign | 0x00800000u | ((r >> 9) & 1 ? 0x7FFFFFu : 0u);  // 2^-126 edge
      default: return any();
    }
  }
  // b with an exponent near a's (cancellation, rounding) or near the under/overflow of a*b, a/b
  uint32_t partner(uint32_t a) {
    const int ea = static_cast<int>((a >> 23) & 0xFF);
    int eb;
    switch (below(4)) {
      case 0: eb = ea + static_cast<int>(below(7)) - 3; break;      // close: add/sub/mod
      case 1: eb = 127 - ea + static_cast<int>(below(5)) - 2 - 126; break;  // a*b ~ 2^-126
      case 2: eb = ea + 126 + static_cast<int>(below(5)) - 2 - 127; break;  // a/b ~ 2^-126..
      default: eb = static_cast<int>(below(256)); break;
    }
    if (eb < 0) eb = 0;
    if (eb > 255) eb = 255;
    uint32_t man = any() & 0x7FFFFFu;
    if (chance(0.2)) man |= 0x7FFF00u;
    return (any() & 0x80000000u) | (static_cast<uint32_t>(eb) << 23) | man;
  }
  uint32_t value_for(VecOp op, int operand, uint32_t a_prev) {
    if (chance(0.15)) return pick();
    switch (op) {
      case VecOp::ADD: case VecOp::SUB: case VecOp::MUL: case VecOp::MULACC:
      case VecOp::DIV: case VecOp::MAX: case VecOp::CMPLT: case VecOp::CMPEQ: case VecOp::CMPNE:
        if (operand == 1 && chance(0.5)) {
          if (chance(0.2)) return a_prev ^ (chance(0.5) ? 0x80000000u : 0u);  // x - x, x == x
          return partner(a_prev);
        }
        return pick();
      case VecOp::MOD:
        if (operand == 1) {  // exponent difference e(a) - e(b) around 0 .. 40
          const int ea = static_cast<int>((a_prev >> 23) & 0xFF);
          int eb = ea - static_cast<int>(below(44)) + 2;
          if (eb < 1) eb = 1 + static_cast<int>(below(3));
          if (eb > 254) eb = 254;
          return (any() & 0x807FFFFFu) | (static_cast<uint32_t>(eb) << 23);
        }
        return pick();
      case VecOp::EXP2: {
        if (chance(0.5)) {  // uniform in [-130, 130]
          const float f = std::uniform_real_distribution<float>(-130.0f, 130.0f)(rng_);
          return chance(0.2) ? pl::bits(std::nearbyint(f)) : pl::bits(f);
        }
        return (any() & 0x80000000u) | ((100u + below(35)) << 23) | (any() & 0x7FFFFFu);
      }
      case VecOp::LOG2:
        if (chance(0.2)) return (1u + below(254)) << 23;  // powers of two
        if (chance(0.15)) {  // extreme exponents, table rows 0/63/64/127 (hi = ±128 edges)
          const uint32_t e = below(2) ? 1u + below(2) : 253u + below(2);
          const uint32_t j = (below(4) * 63u + (below(2) ? 1u : 0u)) & 0x7Fu;
          return (e << 23) | (j << 16) | (any() & 0xFFFFu);
        }
        return chance(0.9) ? (pick() & 0x7FFFFFFFu) : pick();
      case VecOp::SIN: {
        if (chance(0.25)) {  // next to k*pi
          const double k = static_cast<double>(below(20000));
          const uint32_t b = pl::bits(static_cast<float>(k * 3.14159265358979323846));
          return (b + static_cast<uint32_t>(below(5)) - 2u) ^ (chance(0.5) ? 0x80000000u : 0u);
        }
        if (chance(0.1)) return (any() & 0x80000000u) | (0x47800000u + below(3) - 1u);
        return (any() & 0x80000000u) | ((100u + below(46)) << 23) | (any() & 0x7FFFFFu);
      }
      case VecOp::CAST_F2I:
        if (chance(0.3)) return (any() & 0x80000000u) | ((155u + below(5)) << 23) | (any() & 0x7FFFFFu);
        return pick();
      case VecOp::ISHL: case VecOp::ISHR:
        if (operand == 1) return chance(0.5) ? below(40) : any();
        return any();
      case VecOp::WHERE: case VecOp::IWHERE:
        if (operand == 0) {
          switch (below(5)) {
            case 0: return 0u;
            case 1: return 0x80000000u;
            case 2: return pl::kOne;
            case 3: return 1u;
            default: return any();
          }
        }
        return pick();
      case VecOp::IADD: case VecOp::ISUB: case VecOp::IMUL: case VecOp::IMAX: case VecOp::ICMPLT:
      case VecOp::ICMPEQ: case VecOp::ICMPNE: case VecOp::IAND: case VecOp::IOR: case VecOp::IXOR:
      case VecOp::INEG: case VecOp::CAST_I2F: case VecOp::CAST_I2B:
        if (operand == 1 && chance(0.2)) return a_prev;
        if (chance(0.2)) return below(7) - 3u;
        return any();
      default:
        return pick();
    }
  }
  std::mt19937_64& rng() { return rng_; }

 private:
  std::mt19937_64 rng_;
};

// ---------------------------------------------------------------------------------------------
// Primitives: tp_fp_add / tp_fp_mul with random enable gaps
// ---------------------------------------------------------------------------------------------
// One synchronous reset, then the primitive idles with en_i = 0.
template <class M>
void reset_primitive(M& m) {
  m.clk_i = 0;
  m.rst_ni = 0;
  m.en_i = 0;
  m.eval();
  m.clk_i = 1;
  m.eval();
  m.clk_i = 0;
  m.rst_ni = 1;
  m.eval();
}

// One clock cycle with operands a, b and enable en.
template <class M>
void clock_primitive(M& m, uint32_t a, uint32_t b, bool en) {
  m.a_i = a;
  m.b_i = b;
  m.en_i = en;
  m.eval();
  m.clk_i = 1;
  m.eval();
  m.clk_i = 0;
  m.eval();
}

template <class M>
uint64_t check_primitive(unsigned latency, uint32_t (*ref)(uint32_t, uint32_t), uint64_t n,
                         uint64_t seed) {
  auto m = std::make_unique<M>();
  Gen g(seed);
  reset_primitive(*m);
  std::deque<uint32_t> expect;
  uint64_t bad = 0, checked = 0;
  for (uint64_t i = 0; i < n; ++i) {
    const uint32_t a = g.pick();
    const uint32_t b = g.chance(0.5) ? g.partner(a) : g.pick();
    const bool en = !g.chance(0.2);
    clock_primitive(*m, a, b, en);
    if (!en) continue;
    expect.push_back(ref(a, b));
    if (expect.size() > latency) expect.pop_front();
    if (expect.size() == latency) {
      ++checked;
      if (m->y_o != expect.front() && ++bad <= 5)
        ADD_FAILURE() << "got 0x" << std::hex << m->y_o << " expected 0x" << expect.front();
    }
  }
  EXPECT_EQ(bad, 0u);
  return checked;
}

TEST(RtlFpPrimitives, AddMatchesModelWithEnableGaps) {
  const uint64_t n = check_primitive<Vtp_fp_add>(4, pl::add, 400000, 11);
  std::printf("tp_fp_add: %" PRIu64 " results bit-exact\n", n);
}

TEST(RtlFpPrimitives, MulMatchesModelWithEnableGaps) {
  const uint64_t n = check_primitive<Vtp_fp_mul>(3, pl::mul, 400000, 12);
  std::printf("tp_fp_mul: %" PRIu64 " results bit-exact\n", n);
}

// Directed operand pairs through the same pipeline protocol as check_primitive (an enable gap
// every third cycle); returns the number of results compared.
template <class M>
uint64_t check_pairs(unsigned latency, uint32_t (*ref)(uint32_t, uint32_t),
                     const std::vector<std::pair<uint32_t, uint32_t>>& pairs) {
  auto m = std::make_unique<M>();
  reset_primitive(*m);
  std::deque<std::pair<uint32_t, uint32_t>> in;
  uint64_t bad = 0, checked = 0, cycle = 0;
  for (std::size_t i = 0; i < pairs.size() + latency;) {
    const bool en = (++cycle % 3) != 0;
    const auto p = i < pairs.size() ? pairs[i] : std::make_pair(0u, 0u);
    clock_primitive(*m, p.first, p.second, en);
    if (!en) continue;
    ++i;
    in.push_back(p);
    if (in.size() > latency) in.pop_front();
    if (in.size() == latency) {
      const auto q = in.front();
      const uint32_t want = checked < pairs.size() ? ref(q.first, q.second) : 0u;
      if (checked < pairs.size() && m->y_o != want && ++bad <= 10)
        ADD_FAILURE() << std::hex << "0x" << q.first << " + 0x" << q.second << ": got 0x"
                      << m->y_o << " expected 0x" << want;
      ++checked;
    }
  }
  EXPECT_EQ(bad, 0u);
  return std::min<uint64_t>(checked, pairs.size());
}

// Special operand classes the random operands reach only rarely.
TEST(RtlFpPrimitives, AddEdgeCases) {
  std::vector<uint32_t> v = {
      0x00000000u, 0x00000001u, 0x007FFFFFu, 0x00400000u,  // zero, subnormals
      0x00800000u, 0x00800001u, 0x00FFFFFFu, 0x01000000u,  // smallest normals
      0x7F800000u, 0x7F800001u, 0x7FC00000u, 0x7FFFFFFFu,  // inf, NaNs
      0x7F7FFFFFu, 0x7F7FFFFEu, 0x7F000000u, 0x7F400000u,  // largest finite
      0x3F800000u, 0x3F800001u, 0x3FFFFFFFu, 0x3F7FFFFFu,  // around 1
      0x4B7FFFFFu, 0x4B800000u, 0x33800000u, 0x34000000u};
  std::vector<uint32_t> mags;
  for (uint32_t x : v) mags.push_back(x), mags.push_back(x | 0x80000000u);
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  for (uint32_t a : mags)
    for (uint32_t b : mags) pairs.emplace_back(a, b);
  // exponent differences 0..30 with all-ones / one-bit / half-way fractions, both signs
  const uint32_t fr[] = {0x000000u, 0x000001u, 0x7FFFFFu, 0x400000u, 0x3FFFFFu, 0x000003u};
  for (uint32_t e : {1u, 2u, 24u, 100u, 127u, 200u, 253u, 254u})
    for (uint32_t d = 0; d <= 30 && d < e; ++d)
      for (uint32_t fa : fr)
        for (uint32_t fb : fr)
          for (uint32_t s = 0; s < 4; ++s) {
            const uint32_t a = ((s & 1u) << 31) | (e << 23) | fa;
            const uint32_t b = ((s >> 1) << 31) | ((e - d) << 23) | fb;
            pairs.emplace_back(a, b);
            pairs.emplace_back(b, a);
          }
  // x + (-x), and neighbours one ulp apart (full cancellation, long normalisation shifts)
  for (uint32_t e : {1u, 2u, 127u, 254u})
    for (uint32_t f : fr) {
      const uint32_t a = (e << 23) | f;
      pairs.emplace_back(a, a ^ 0x80000000u);
      pairs.emplace_back(a ^ 0x80000000u, a);
      pairs.emplace_back(a, (a + 1u) ^ 0x80000000u);
      pairs.emplace_back((a + 1u) ^ 0x80000000u, a);
    }
  const uint64_t n = check_pairs<Vtp_fp_add>(4, pl::add, pairs);
  std::printf("tp_fp_add: %" PRIu64 " directed results bit-exact\n", n);
}

// ---------------------------------------------------------------------------------------------
// Vector unit harness
// ---------------------------------------------------------------------------------------------
struct Command {
  VecOp op = VecOp::ADD;
  uint32_t n = 1;
  bool scalar[3] = {false, false, false};   // A_SCALAR, B_SCALAR, C_SCALAR
  uint32_t sval[3] = {0, 0, 0};
  std::vector<uint32_t> data[3];             // 2 * NB words per streamed operand (lane-1 junk)
  std::vector<uint64_t> arrival[3];          // per beat, relative to t0 (streamed only)
  int tlast_bad[3] = {-1, -1, -1};           // beat whose TLAST is flipped (-1: correct)
  // R.TREADY as a function of the cycle relative to t0 and of the R beats accepted so far
  std::function<bool(uint64_t, uint64_t)> ready = [](uint64_t, uint64_t) { return true; };
};

struct Result {
  uint64_t cycles = 0;
  uint64_t elements = 0;
};

// M: the Verilated tp_vec_unit (the full SFU, or a build with datapaths left out, SfuDps)
template <class M>
class VecDutT {
 public:
  VecDutT()
      : m_(std::make_unique<M>()),
        src_{{cosim::unit_in(*m_, 0), "A"}, {cosim::unit_in(*m_, 1), "B"}, {cosim::unit_in(*m_, 2), "C"}},
        r_(cosim::unit_out(*m_), "R") {
    m_->clk_i = 0;
    m_->rst_ni = 0;
    m_->start_i = 0;
    r_.reset();
    m_->eval();
    tick();
    tick();
    m_->rst_ni = 1;
    m_->eval();
  }
  M& m() { return *m_; }
  void tick() {  // rising edge ending the current cycle, then the next cycle's low phase
    m_->clk_i = 1;
    m_->eval();
    m_->clk_i = 0;
    ++cycles_;
  }
  void idle(unsigned n) {
    m_->start_i = 0;
    for (auto& s : src_) s.clear(), s.idle();
    r_.disarm();
    r_.reset();
    for (unsigned i = 0; i < n; ++i) {
      m_->eval();
      EXPECT_FALSE(m_->busy_o);
      EXPECT_FALSE(m_->m_axis_r_tvalid_o);
      tick();
    }
  }
  uint64_t total_cycles() const { return cycles_; }

  // Runs one command in lockstep with pl::PipelineModel. Returns CYCLES; adds failures.
  Result run(const Command& c);

 private:
  std::unique_ptr<M> m_;
  tinypynq::cosim::PinAxisSource src_[3];
  tinypynq::cosim::PinAxisSink r_;
  uint64_t cycles_ = 0;
};

using VecDut = VecDutT<Vtp_vec_unit>;
// SfuDps = DIV|SQRT (rtl/vector tinypynq_rtl_vector_div_sqrt): the other SFU opcodes absent
using VecDutDivSqrt = VecDutT<Vtp_vec_unit_div_sqrt>;

template <class M>
Result VecDutT<M>::run(const Command& c) {
  const pl::VecOpInfo* info = pl::vec_op_info(static_cast<uint32_t>(c.op));
  const uint64_t nb = (c.n + 1) / 2;
  bool streamed[3];
  std::vector<int> order;  // streamed operands in A, B, C order = PipelineModel stream index
  for (int s = 0; s < 3; ++s) {
    streamed[s] = s < info->arity && !c.scalar[s];
    if (streamed[s]) order.push_back(s);
  }
  // expected output
  std::vector<uint32_t> expect(c.n);
  bool range = false;
  for (uint32_t i = 0; i < c.n; ++i) {
    uint32_t v[3];
    for (int s = 0; s < 3; ++s) v[s] = streamed[s] ? c.data[s][i] : c.sval[s];
    expect[i] = pl::vec_apply(c.op, v[0], v[1], v[2], &range);
  }
  bool tlast_warn = false;
  for (int s = 0; s < 3; ++s)
    if (streamed[s] && c.tlast_bad[s] >= 0) tlast_warn = true;

  std::vector<int64_t> tokens(nb);
  for (uint64_t i = 0; i < nb; ++i) tokens[i] = static_cast<int64_t>(i);
  pl::PipelineModel model(info->latency, info->ii, tokens, static_cast<unsigned>(order.size()));

  M& m = *m_;
  const uint32_t opword = static_cast<uint32_t>(c.op) | (c.scalar[0] ? 0x100u : 0u) |
                          (c.scalar[1] ? 0x200u : 0u) | (c.scalar[2] ? 0x400u : 0u) |
                          0xF000'0000u;  // undefined bits are ignored
  // Streams through the co-simulation's transactors (cosim/axis.h): a streamed operand's beats
  // from their arrival cycles (TLAST flipped on tlast_bad); the others idle with junk on TDATA.
  for (int s = 0; s < 3; ++s) {
    src_[s].clear();
    src_[s].set_idle_data(0xDEADBEEF'00000000ull | c.n);
    if (streamed[s])
      src_[s].load_at(reinterpret_cast<const uint8_t*>(c.data[s].data()), 8 * nb, &c.arrival[s], c.tlast_bad[s]);
  }
  r_.arm(c.ready);

  // cycle t0: START
  m.start_i = 1;
  m.op_i = opword;
  m.size_i = c.n;
  m.scalar_a_i = c.sval[0];
  m.scalar_b_i = c.sval[1];
  m.scalar_c_i = c.sval[2];
  m.m_axis_r_tready_i = c.ready(0, 0);
  auto present = [&](uint64_t t) {
    for (auto& x : src_) x.drive(t);
    r_.drive(t);
  };
  present(0);
  m.eval();
  EXPECT_FALSE(m.s_axis_a_tready_o || m.s_axis_b_tready_o || m.s_axis_c_tready_o);
  EXPECT_FALSE(m.m_axis_r_tvalid_o);
  tick();
  m.start_i = 0;
  m.op_i = 0x3F;  // registered at START: later changes must not matter
  m.size_i = 0;

  Result res;
  uint64_t out_beat = 0;
  int failures = 0;
  const std::string what = std::string(info->name) + " n=" + std::to_string(c.n);
  for (uint64_t t = 1;; ++t) {
    present(t);
    const bool rdy = r_.ready();
    m.eval();
    pl::PipelineModel::Inputs in;
    for (std::size_t k = 0; k < order.size(); ++k) in.valid[k] = src_[order[k]].valid();
    in.out_ready = rdy;
    const pl::PipelineModel::Outputs o = model.step(in);

    bool ok = m.busy_o;
    for (int s = 0; s < 3; ++s) {
      bool want = false;
      for (std::size_t k = 0; k < order.size(); ++k)
        if (order[k] == s) want = o.tready[k];
      ok = ok && src_[s].design_ready() == want;
    }
    ok = ok && m.m_axis_r_tvalid_o == o.out_valid && m.done_o == o.last;
    if (!ok && failures++ < 3) {
      ADD_FAILURE() << what << " cycle t0+" << t << ": rtl busy " << int(m.busy_o) << " tready "
                    << int(m.s_axis_a_tready_o) << int(m.s_axis_b_tready_o) << int(m.s_axis_c_tready_o)
                    << " tvalid " << int(m.m_axis_r_tvalid_o) << " done " << int(m.done_o)
                    << " | model tready " << o.tready[0] << o.tready[1] << o.tready[2] << " tvalid "
                    << o.out_valid << " last " << o.last;
    }
    if (m.m_axis_r_tvalid_o && rdy) {  // R handshake: check the beat
      const uint64_t j = out_beat++;
      const bool partial = (j == nb - 1) && (c.n & 1u);
      const uint32_t lo = static_cast<uint32_t>(m.m_axis_r_tdata_o);
      const uint32_t hi = static_cast<uint32_t>(m.m_axis_r_tdata_o >> 32);
      const uint32_t e0 = expect[2 * j];
      const uint32_t e1 = partial ? 0u : expect[2 * j + 1];
      const uint8_t keep = partial ? 0x0F : 0xFF;
      if ((lo != e0 || hi != e1 || m.m_axis_r_tkeep_o != keep ||
           m.m_axis_r_tlast_o != (j == nb - 1) || static_cast<int64_t>(j) != o.out_token) &&
          failures++ < 3) {
        const uint32_t ia = 2 * j + (lo != e0 ? 0 : 1);
        ADD_FAILURE() << what << " beat " << j << " element " << ia << std::hex << ": A=0x"
                      << (streamed[0] ? c.data[0][ia] : c.sval[0]) << " B=0x"
                      << (streamed[1] ? c.data[1][ia] : c.sval[1]) << " C=0x"
                      << (streamed[2] ? c.data[2][ia] : c.sval[2]) << " rtl 0x" << lo << " 0x"
                      << hi << " expected 0x" << e0 << " 0x" << e1 << " keep 0x"
                      << int(m.m_axis_r_tkeep_o) << " last " << int(m.m_axis_r_tlast_o);
      }
    }
    for (int s : order)
      src_[s].sample();
    r_.sample(t);
    if (model.done() || m.done_o) {
      res.cycles = t;
      EXPECT_TRUE(model.done() && m.done_o) << what;
      EXPECT_EQ(out_beat, nb) << what;
      EXPECT_EQ(model.cycles(), t) << what;
      EXPECT_EQ(static_cast<bool>(m.w_range_o), range) << what;
      EXPECT_EQ(static_cast<bool>(m.w_tlast_o), tlast_warn) << what;
      for (int s : order) EXPECT_EQ(src_[s].sent(), nb) << what << " stream " << s;
      tick();
      break;
    }
    tick();
    if (t > 100'000'000 || failures > 10) {
      ADD_FAILURE() << what << ": no completion";
      break;
    }
  }
  m.eval();
  EXPECT_FALSE(m.busy_o) << what;
  EXPECT_FALSE(m.m_axis_r_tvalid_o) << what;
  // warnings stay until the next START
  EXPECT_EQ(static_cast<bool>(m.w_range_o), range) << what;
  res.elements = c.n;
  return res;
}

// ---------------------------------------------------------------------------------------------
// Random commands
// ---------------------------------------------------------------------------------------------
enum class InMode { Ideal, Gaps, Bursty, Late };
enum class OutMode { Always, Random, Bursty };

Command make_command(Gen& g, VecOp op, uint32_t n, InMode im, OutMode om, bool allow_scalar,
                     bool tlast_errors) {
  const pl::VecOpInfo* info = pl::vec_op_info(static_cast<uint32_t>(op));
  Command c;
  c.op = op;
  c.n = n;
  const uint64_t nb = (n + 1) / 2;
  for (int s = 0; s < 3; ++s) {
    c.scalar[s] = allow_scalar && g.chance(0.25);
    c.data[s].resize(2 * nb);
  }
  // values: element by element so that operand 1 can depend on operand 0
  for (uint32_t i = 0; i < 2 * nb; ++i) {
    uint32_t a = 0;
    for (int s = 0; s < 3; ++s) {
      const uint32_t v = g.value_for(op, s, a);
      if (s == 0) a = v;
      c.data[s][i] = v;
    }
  }
  for (int s = 0; s < 3; ++s) c.sval[s] = g.value_for(op, s, c.data[0][0]);
  if (n & 1u)  // lane 1 of a partial last beat is junk that must be ignored
    for (int s = 0; s < 3; ++s) c.data[s][2 * nb - 1] = g.chance(0.5) ? 0x47FFFFFFu : g.any();
  for (int s = 0; s < 3; ++s) {
    if (s >= info->arity || c.scalar[s]) continue;
    auto& a = c.arrival[s];
    a.resize(nb);
    uint64_t t = 0;
    switch (im) {
      case InMode::Ideal: break;
      case InMode::Late: t = 5 + g.below(60); break;
      default: t = g.below(4); break;
    }
    const uint32_t burst = 1 + g.below(16), gap = g.below(12);
    for (uint64_t i = 0; i < nb; ++i) {
      if (im == InMode::Gaps && g.chance(0.3)) t += 1 + g.below(6);
      if (im == InMode::Bursty && i % burst == burst - 1) t += gap;
      a[i] = t;
    }
    if (tlast_errors && g.chance(0.3)) c.tlast_bad[s] = static_cast<int>(g.below(static_cast<uint32_t>(nb)));
  }
  switch (om) {
    case OutMode::Always: break;
    case OutMode::Random: {
      const uint64_t seed = g.any();
      const uint32_t pct = 20 + g.below(70);
      c.ready = [seed, pct](uint64_t t, uint64_t) {
        uint64_t x = (t + 1) * 0x9E3779B97F4A7C15ull ^ seed;
        x ^= x >> 29;
        x *= 0xBF58476D1CE4E5B9ull;
        x ^= x >> 32;
        return x % 100 < pct;
      };
      break;
    }
    case OutMode::Bursty: {
      const uint32_t on = 1 + g.below(20), off = 1 + g.below(10);
      c.ready = [on, off](uint64_t t, uint64_t) { return t % (on + off) < on; };
      break;
    }
  }
  return c;
}

uint32_t random_size(Gen& g, uint32_t max_long) {
  switch (g.below(6)) {
    case 0: return 1;
    case 1: return 2;
    case 2: return 3 + g.below(2);
    case 3: return 5 + g.below(60);
    case 4: return 60 + g.below(400);
    default: return 1 + g.below(max_long);
  }
}

struct Stats {
  uint64_t commands = 0, elements = 0, cycles = 0;
};

template <class Dut>
Stats random_commands(Dut& dut, Gen& g, const std::vector<VecOp>& ops, unsigned count,
                      uint32_t max_long) {
  Stats st;
  for (unsigned k = 0; k < count && !::testing::Test::HasFailure(); ++k) {
    const VecOp op = ops[g.below(static_cast<uint32_t>(ops.size()))];
    const auto im = static_cast<InMode>(g.below(4));
    const auto om = static_cast<OutMode>(g.below(3));
    Command c = make_command(g, op, random_size(g, max_long), im, om, true, g.chance(0.1));
    const Result r = dut.run(c);
    st.commands++;
    st.elements += r.elements;
    st.cycles += r.cycles;
    if (g.chance(0.3)) dut.idle(1 + g.below(3));
  }
  return st;
}

const std::vector<VecOp> kLaneOps = {
    VecOp::ADD,      VecOp::SUB,      VecOp::MUL,      VecOp::MAX,      VecOp::CMPLT,
    VecOp::CMPEQ,    VecOp::CMPNE,    VecOp::WHERE,    VecOp::MULACC,   VecOp::NEG,
    VecOp::COPY,     VecOp::CAST_F2I, VecOp::CAST_I2F, VecOp::CAST_F2B, VecOp::CAST_I2B,
    VecOp::IADD,     VecOp::ISUB,     VecOp::IMUL,     VecOp::IMAX,     VecOp::ICMPLT,
    VecOp::ICMPEQ,   VecOp::ICMPNE,   VecOp::IWHERE,   VecOp::IAND,     VecOp::IOR,
    VecOp::IXOR,     VecOp::ISHL,     VecOp::ISHR,     VecOp::INEG};

// Each opcode: a long ideal command (bits, many values), then random commands with stalls.
template <class Dut = VecDut>
void exercise_op(VecOp op, uint64_t seed, uint32_t long_n, unsigned random_count,
                 uint32_t max_long = 3000) {
  Dut dut;
  Gen g(seed);
  Stats st;
  const auto t_start = std::chrono::steady_clock::now();
  {
    Command c = make_command(g, op, long_n, InMode::Ideal, OutMode::Always, false, false);
    const Result r = dut.run(c);
    EXPECT_EQ(r.cycles, pl::vector_cycles_ideal(op, long_n));
    st.commands++;
    st.elements += r.elements;
    st.cycles += r.cycles;
  }
  const Stats s2 = random_commands(dut, g, {op}, random_count, max_long);
  st.commands += s2.commands;
  st.elements += s2.elements;
  st.cycles += s2.cycles;
  const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  std::printf("%-8s %5" PRIu64 " commands, %8" PRIu64 " elements bit-exact, %8" PRIu64
              " cycles cycle-exact (%.2f Mcycles/s)\n",
              pl::vec_op_info(static_cast<uint32_t>(op))->name, st.commands, st.elements,
              st.cycles, dut.total_cycles() / sec / 1e6);
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------
TEST(RtlVector, WorkedExamplesOfSection84) {
  VecDut dut;
  Gen g(1);
  struct Ex { VecOp op; uint32_t n; uint64_t cycles; };
  for (const Ex& e : {Ex{VecOp::ADD, 1, 7}, Ex{VecOp::ADD, 2, 7}, Ex{VecOp::ADD, 3, 8},
                      Ex{VecOp::ADD, 1000, 506}, Ex{VecOp::EXP2, 1, 53}, Ex{VecOp::EXP2, 1000, 1051}}) {
    Command c = make_command(g, e.op, e.n, InMode::Ideal, OutMode::Always, false, false);
    EXPECT_EQ(dut.run(c).cycles, e.cycles) << pl::vec_op_info(static_cast<uint32_t>(e.op))->name << " " << e.n;
  }
}

TEST(RtlVector, IdealCyclesEveryOpcode) {
  VecDut dut;
  Gen g(2);
  for (uint32_t code = 0; code < 64; ++code) {
    const pl::VecOpInfo* info = pl::vec_op_info(code);
    if (!info) continue;
    for (uint32_t n : {1u, 2u, 3u, 7u, 64u}) {
      Command c = make_command(g, info->op, n, InMode::Ideal, OutMode::Always, false, false);
      EXPECT_EQ(dut.run(c).cycles, pl::vector_cycles_ideal(info->op, n)) << info->name << " " << n;
    }
  }
}

// Stall-free commands against the event-driven evaluation used by the TLM (pl::time_vector).
TEST(RtlVector, CyclesEqualTimeVectorSchedules) {
  VecDut dut;
  Gen g(3);
  for (int k = 0; k < 60; ++k) {
    const pl::VecOpInfo* info = nullptr;
    while (!info) info = pl::vec_op_info(g.below(64));
    const uint32_t n = 1 + g.below(300);
    Command c = make_command(g, info->op, n, InMode::Ideal, OutMode::Always, true, false);
    const uint64_t nb = (n + 1) / 2;
    pl::BeatSchedule sch[3];
    const pl::BeatSchedule* in[3] = {nullptr, nullptr, nullptr};
    for (int s = 0; s < 3; ++s) {
      if (c.arrival[s].empty()) continue;
      sch[s] = pl::BeatSchedule{.start = 1 + g.below(20), .num = 1 + g.below(3), .den = 1 + g.below(2),
                                .burst_beats = g.below(3) ? 0u : 8u, .burst_gap = g.below(6)};
      for (uint64_t i = 0; i < nb; ++i) c.arrival[s][i] = sch[s].at(i);
      in[s] = &sch[s];
    }
    pl::BeatSchedule out{.start = 1 + g.below(30), .num = 1 + g.below(3), .den = 1 + g.below(2),
                         .burst_beats = g.below(2) ? 0u : 16u, .burst_gap = g.below(5)};
    // R.TREADY(t) = t >= out.at(beats accepted so far)
    c.ready = [out](uint64_t t, uint64_t accepted) { return t >= out.at(accepted); };
    const pl::CmdTiming tv = pl::time_vector_exact(info->op, n, 0, in, out);
    const Result r = dut.run(c);
    EXPECT_EQ(r.cycles, tv.cycles) << info->name << " n=" << n;
  }
}

TEST(RtlVector, LaneOpsRandomStreamsAndStalls) {
  VecDut dut;
  Gen g(4);
  const auto t_start = std::chrono::steady_clock::now();
  const Stats st = random_commands(dut, g, kLaneOps, 1500, 2000);
  const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  std::printf("lane ops: %" PRIu64 " commands, %" PRIu64 " elements bit-exact, %" PRIu64
              " cycles cycle-exact, %.2f Mcycles/s\n",
              st.commands, st.elements, st.cycles, dut.total_cycles() / sec / 1e6);
}

TEST(RtlVector, LaneOpsEachOpcode) {
  uint64_t seed = 100;
  for (VecOp op : kLaneOps) exercise_op(op, seed++, 20000, 25);
}

// SFU ops: 150,000 elements in one ideal command + 60 random commands each
TEST(RtlVector, Div) { exercise_op(VecOp::DIV, 201, 150000, 60); }
TEST(RtlVector, Recip) { exercise_op(VecOp::RECIP, 202, 150000, 60); }
TEST(RtlVector, Sqrt) { exercise_op(VecOp::SQRT, 203, 150000, 60); }
TEST(RtlVector, Mod) { exercise_op(VecOp::MOD, 204, 150000, 60); }
TEST(RtlVector, Exp2) { exercise_op(VecOp::EXP2, 205, 150000, 60); }
TEST(RtlVector, Log2) { exercise_op(VecOp::LOG2, 206, 150000, 60); }
TEST(RtlVector, Sin) { exercise_op(VecOp::SIN, 207, 150000, 60); }

// Every pair (and triple) of special operands through each op in one ideal command.
template <class Dut>
void special_values(Dut& dut, const std::vector<VecOp>& ops) {
  const std::vector<uint32_t> sp = {
      0x00000000u, 0x80000000u, 0x00000001u, 0x807FFFFFu, 0x00800000u, 0x80800000u,
      0x7F7FFFFFu, 0xFF7FFFFFu, 0x7F800000u, 0xFF800000u, 0x7FC00000u, 0xFFC00001u,
      0x7F800001u, 0x3F800000u, 0xBF800000u, 0x40000000u, 0x3F000000u, 0x43000000u,
      0x42FE0000u, 0xC2FC0000u, 0xC2FC0001u, 0x42FFFFFFu, 0x47800000u, 0x47800001u,
      0xC7800000u, 0x40490FDBu, 0xC0490FDBu, 0x3FC90FDBu, 0x46A2F983u, 0x3EFFFFFFu,
      0x3F7FFFFFu, 0x3F800001u, 0x4F000000u, 0xCF000000u, 0x4EFFFFFFu, 0x00FFFFFFu};
  for (VecOp op : ops) {
    Command c;
    c.op = op;
    c.n = static_cast<uint32_t>(sp.size() * sp.size());
    const uint64_t nb = (c.n + 1) / 2;
    for (int s = 0; s < 3; ++s) {
      c.data[s].resize(2 * nb);
      c.arrival[s].assign(nb, 0);
    }
    for (std::size_t i = 0; i < sp.size(); ++i)
      for (std::size_t j = 0; j < sp.size(); ++j) {
        c.data[0][i * sp.size() + j] = sp[i];
        c.data[1][i * sp.size() + j] = sp[j];
        c.data[2][i * sp.size() + j] = sp[(i + j) % sp.size()];
      }
    dut.run(c);
  }
}

TEST(RtlVector, SfuSpecialValues) {
  VecDut dut;
  special_values(dut, {VecOp::DIV, VecOp::RECIP, VecOp::SQRT, VecOp::MOD, VecOp::EXP2, VecOp::LOG2,
                       VecOp::SIN, VecOp::ADD, VecOp::MUL, VecOp::MULACC, VecOp::MAX, VecOp::CMPLT,
                       VecOp::CAST_F2I, VecOp::CAST_I2F});
}

// The SFU built with DIV/RECIP and SQRT only (SfuDps = 6'h03, a training PL): the datapaths it
// has are bit- and cycle-exact as in the full unit (same reference, same pipeline model), and
// the lane ops are unaffected. Short: about 1,300 special-value pairs and a few thousand
// random elements per opcode.
TEST(RtlVectorSfuDivSqrt, DivRecipSqrtSpecialValues) {
  VecDutDivSqrt dut;
  special_values(dut, {VecOp::DIV, VecOp::RECIP, VecOp::SQRT, VecOp::ADD, VecOp::MULACC});
}
TEST(RtlVectorSfuDivSqrt, Div) { exercise_op<VecDutDivSqrt>(VecOp::DIV, 301, 2000, 6, 500); }
TEST(RtlVectorSfuDivSqrt, Recip) { exercise_op<VecDutDivSqrt>(VecOp::RECIP, 302, 2000, 6, 500); }
TEST(RtlVectorSfuDivSqrt, Sqrt) { exercise_op<VecDutDivSqrt>(VecOp::SQRT, 303, 2000, 6, 500); }

TEST(RtlVector, FillsAllScalar) {
  VecDut dut;
  Gen g(5);
  for (uint32_t code = 0; code < 64; ++code) {
    const pl::VecOpInfo* info = pl::vec_op_info(code);
    if (!info) continue;
    for (int k = 0; k < 3; ++k) {
      Command c = make_command(g, info->op, random_size(g, 500), InMode::Ideal,
                               k == 0 ? OutMode::Always : OutMode::Random, false, false);
      for (int s = 0; s < 3; ++s) c.scalar[s] = true;
      for (auto& a : c.arrival) a.clear();
      const Result r = dut.run(c);
      if (k == 0) {
        EXPECT_EQ(r.cycles, pl::vector_cycles_ideal(info->op, c.n)) << info->name;
      }
    }
  }
}

TEST(RtlVector, TlastWarning) {
  VecDut dut;
  Gen g(6);
  for (int k = 0; k < 40; ++k) {
    Command c = make_command(g, k % 2 ? VecOp::WHERE : VecOp::SQRT, 1 + g.below(40),
                             InMode::Gaps, OutMode::Random, k % 3 == 0, false);
    for (int s = 0; s < 3; ++s)
      if (!c.arrival[s].empty() && g.chance(0.5))
        c.tlast_bad[s] = static_cast<int>(g.below(static_cast<uint32_t>(c.arrival[s].size())));
    dut.run(c);  // checks w_tlast_o against the expected warning
  }
}

TEST(RtlVector, RangeWarnings) {
  VecDut dut;
  // the expected warning comes from pl::vec_apply
  struct Case { VecOp op; uint32_t a, b; };
  const Case cases[] = {
      {VecOp::MOD, 0x4F000000u, 0x3F800000u},  // 2^31 mod 1: d = 31, exact
      {VecOp::MOD, 0x4F7FFFFFu, 0x3FFFFFFFu},  // d = 31
      {VecOp::MOD, 0x4F800000u, 0x3F800001u},  // d = 32: W_RANGE
      {VecOp::MOD, 0x7F000000u, 0x00800000u},  // d = 253
      {VecOp::SIN, 0x47800000u, 0},            // 65536: in the domain
      {VecOp::SIN, 0x47800001u, 0},            // beyond: NaN, W_RANGE
      {VecOp::SIN, 0xC7800001u, 0},
  };
  for (const Case& cs : cases) {
    for (uint32_t n : {1u, 2u, 5u}) {
      for (uint32_t pos = 0; pos < n; ++pos) {
        Command c;
        c.op = cs.op;
        c.n = n;
        const uint64_t nb = (n + 1) / 2;
        for (int s = 0; s < 3; ++s) {
          c.data[s].assign(2 * nb, s == 0 ? 0x3F800000u : 0x40000000u);
          c.arrival[s].assign(nb, 0);
        }
        c.data[0][pos] = cs.a;
        c.data[1][pos] = cs.b;
        // a range value in the ignored lane 1 of a partial last beat must not warn
        if (n & 1u) {
          c.data[0][n] = 0x7F000000u;
          c.data[1][n] = 0x3F800001u;
        }
        dut.run(c);
      }
    }
  }
}

TEST(RtlVector, ResetInTheMiddleOfACommand) {
  VecDut dut;
  Gen g(7);
  Vtp_vec_unit& m = dut.m();
  m.start_i = 1;
  m.op_i = static_cast<uint32_t>(VecOp::EXP2);
  m.size_i = 100;
  m.s_axis_a_tvalid_i = 1;
  m.m_axis_r_tready_i = 1;
  m.eval();
  dut.tick();
  m.start_i = 0;
  for (int i = 0; i < 30; ++i) {
    m.eval();
    dut.tick();
  }
  m.rst_ni = 0;
  m.eval();
  dut.tick();
  m.rst_ni = 1;
  m.s_axis_a_tvalid_i = 0;
  m.eval();
  EXPECT_FALSE(m.busy_o);
  EXPECT_FALSE(m.m_axis_r_tvalid_o);
  dut.idle(3);
  Command c = make_command(g, VecOp::EXP2, 33, InMode::Gaps, OutMode::Random, false, false);
  dut.run(c);
}

TEST(RtlVector, MixedCommandsBackToBack) {
  VecDut dut;
  Gen g(8);
  std::vector<VecOp> all;
  for (uint32_t code = 0; code < 64; ++code)
    if (const pl::VecOpInfo* info = pl::vec_op_info(code)) all.push_back(info->op);
  const auto t_start = std::chrono::steady_clock::now();
  const Stats st = random_commands(dut, g, all, 600, 1500);
  const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  std::printf("mixed: %" PRIu64 " commands, %" PRIu64 " elements, %" PRIu64
              " cycles; Verilated model + lockstep checker %.2f Mcycles/s\n",
              st.commands, st.elements, st.cycles, dut.total_cycles() / sec / 1e6);
}

// Raw model speed: a long ideal SFU command without the checker (cycles per second).
TEST(RtlVector, ModelSpeed) {
  auto m = std::make_unique<Vtp_vec_unit>();
  m->clk_i = 0;
  m->rst_ni = 0;
  m->eval();
  m->clk_i = 1;
  m->eval();
  m->clk_i = 0;
  m->rst_ni = 1;
  const uint32_t n = 400000;
  m->start_i = 1;
  m->op_i = static_cast<uint32_t>(VecOp::SIN);
  m->size_i = n;
  m->m_axis_r_tready_i = 1;
  m->s_axis_a_tvalid_i = 1;
  m->s_axis_a_tdata_i = 0x40490FDB3F800000ull;
  const auto t0 = std::chrono::steady_clock::now();
  uint64_t cycles = 0;
  bool done = false;
  while (!done && cycles < 10 * n) {
    m->eval();
    done = m->done_o;
    m->clk_i = 1;
    m->eval();
    m->clk_i = 0;
    m->start_i = 0;
    ++cycles;
  }
  const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_TRUE(done);
  EXPECT_EQ(cycles - 1, pl::vector_cycles_ideal(VecOp::SIN, n));
  std::printf("tp_vec_unit Verilated model: %.2f M cycles/s (%" PRIu64 " cycles in %.3f s)\n",
              cycles / sec / 1e6, cycles, sec);
}

}  // namespace
