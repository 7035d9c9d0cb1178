// SPDX-License-Identifier: MIT
// The bench of the view writer's co-simulation (cosim/block_cosim.cpp, tests/rtl/test_rtl_view_writer.cpp). Co-simulation of the RTL view writer (rtl/vw/tp_view_writer.sv), Verilated and driven cycle by
// cycle, against its reference model (models/fp/view_writer.h): per descriptor, the words in DDR
// = pl::scatter over a random background (nothing else in the lines around the buffer changes),
// every burst's address, beats, WSTRB words, AW handshake, last W beat and B cycle = pl::plan_write's
// bursts, every beat's handshake on R = plan_write's accept, the interrupt (DONE | ERR) in the
// cycle plan_write's done, STATUS / ERR_CODE / ERR_INFO / ELEMS / BURSTS = pl::check_write and the
// plan; every burst also passes AxiWriteChecker (models/tlm/axi_write_check.h). The producer of R
// presents beat j from max(g_j, a_{j-1} + 1) (plan_write's h = g); the HP slave lets W beat i of
// the transfer move from aw_0 + 1 + floor(i * cpb) (the port's rate) and answers B in
// wend - 1 + lat. Descriptors: cosim/view_gen.h (ranks 1..6, 0 and negative strides,
// masks, 4 KB crossings, length 1, buffers at the end of DDR), every fifth broken.
// TINYPYNQ_VW_COSIM_COUNT sets the number (default 300).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "Vtp_view_writer.h"
#include "models/fp/view_writer.h"
#include "models/tlm/axi_write_check.h"
#include "cosim/view_gen.h"
#include "verilated.h"

namespace tinypynq::cosim::vwbench {

namespace pl = tinypynq::pl;
namespace vw = tinypynq::pl::vw;

constexpr uint64_t kDdr = 512ull << 20;  // the RTL's DdrBytes default
constexpr uint64_t kNever = ~0ull;

struct Ddr {
  uint8_t* p = static_cast<uint8_t*>(std::calloc(kDdr, 1));
  ~Ddr() { std::free(p); }
};

struct GotBurst {
  uint64_t addr = 0, beats = 0, aw = 0, wend = 0, bresp = 0;
  uint32_t words = 0;
  uint64_t w_done = 0;  // W beats handshaken
};

class Bench {
 public:
  std::string protocol_error;  // the first W-channel rule the RTL broke (WSTRB, WLAST), if any
  explicit Bench(uint8_t* ddr) : ddr_(ddr) {
    idle_inputs();
    m_.clk_i = 0, m_.rst_ni = 0;
    for (int i = 0; i < 3; ++i) tick();
    m_.rst_ni = 1;
    tick();
  }
  ~Bench() { m_.final(); }
  uint64_t now() const { return cycle_; }
  pl::WriterTiming timing{8, 1000};
  // Back-pressure (0: none): the chance per cycle that AWREADY / WREADY are low, and extra
  // cycles before a B response. Then only words and bursts are compared, not cycles.
  unsigned aw_stall_pct = 0, w_stall_pct = 0, b_delay_max = 0;
  bool slverr = false;  // answer every B with SLVERR
  std::mt19937 rng{7};

  uint64_t wr(uint32_t addr, uint32_t data) {
    m_.s_axi_awaddr_i = addr, m_.s_axi_wdata_i = data, m_.s_axi_wstrb_i = 0xF;
    m_.s_axi_awvalid_i = 1, m_.s_axi_wvalid_i = 1;
    uint64_t at = 0;
    for (;;) {
      settle();
      const bool hs = m_.s_axi_awready_o && m_.s_axi_wready_o;
      at = cycle_;
      tick();
      if (hs) break;
    }
    m_.s_axi_awvalid_i = 0, m_.s_axi_wvalid_i = 0;
    while (!m_.s_axi_bvalid_o) tick();
    tick();
    return at;
  }
  uint32_t rd(uint32_t addr) {
    m_.s_axi_araddr_i = addr, m_.s_axi_arvalid_i = 1;
    for (;;) {
      settle();
      const bool hs = m_.s_axi_arready_o;
      tick();
      if (hs) break;
    }
    m_.s_axi_arvalid_i = 0;
    while (!m_.s_axi_rvalid_o) tick();
    const uint32_t v = m_.s_axi_rdata_o;
    tick();
    return v;
  }
  void program(const pl::ViewDesc& d) {
    wr(vw::BASE, static_cast<uint32_t>(d.base));
    wr(vw::LIMIT, static_cast<uint32_t>(d.limit));
    wr(vw::OFFSET, static_cast<uint32_t>(d.offset));
    wr(vw::RANK, d.rank);
    for (unsigned k = 0; k < vw::kMaxRank; ++k) {
      const uint32_t a = vw::DIM0 + vw::DIM_BYTES * k;
      wr(a + vw::D_SHAPE, d.shape[k]);
      wr(a + vw::D_STRIDE, static_cast<uint32_t>(d.stride[k]));
      wr(a + vw::D_MLO, d.mlo[k]);
      wr(a + vw::D_MHI, d.mhi[k]);
    }
  }
  // The packet the producer will present: words (2 per beat, lane 1 = 0 on a partial beat),
  // beat j no earlier than g[j]; TLAST on the last.
  void set_packet(std::vector<uint64_t> beats, std::vector<uint8_t> keep, std::vector<uint64_t> g) {
    pk_beats_ = std::move(beats), pk_keep_ = std::move(keep), pk_g_ = std::move(g);
    next_beat_ = 0, last_hs_ = kNever;
    accept.clear(), bursts.clear(), irq_at = kNever, aw0_ = kNever, w_beats_ = 0, wb_ = 0, bq_.clear();
    stalled_r_ = 0;
  }
  // Runs until the interrupt (and every B) or `until`.
  void run_until(uint64_t until) {
    while (cycle_ < until && !(irq_at != kNever && bq_.empty() && wb_ == bursts.size())) tick();
  }
  void run_for(uint64_t n) { for (uint64_t i = 0; i < n; ++i) tick(); }
  void run_to(uint64_t c) { while (cycle_ < c) tick(); }
  void reset() {
    m_.rst_ni = 0;
    idle_inputs();
    set_packet({}, {}, {});
    for (int i = 0; i < 3; ++i) tick();
    m_.rst_ni = 1;
    tick();
  }

  std::vector<uint64_t> accept;  // R handshake cycles
  std::vector<GotBurst> bursts;
  uint64_t irq_at = kNever;      // first cycle irq_o is high
  uint64_t stalled_r_ = 0;       // cycles R was presented and not taken
  // A context of its own (declared first: destroyed after the model): the program may hold
  // other Verilated models (the CLI does), and the default context is not this bench's.
  std::unique_ptr<VerilatedContext> ctx_ = std::make_unique<VerilatedContext>();
  Vtp_view_writer m_{ctx_.get(), "tp_view_writer"};

 private:
  void idle_inputs() {
    m_.s_axi_awaddr_i = 0, m_.s_axi_awvalid_i = 0, m_.s_axi_wdata_i = 0, m_.s_axi_wstrb_i = 0;
    m_.s_axi_wvalid_i = 0, m_.s_axi_bready_i = 1, m_.s_axi_araddr_i = 0, m_.s_axi_arvalid_i = 0;
    m_.s_axi_rready_i = 1;
    m_.s_axis_tvalid_i = 0, m_.s_axis_tdata_i = 0, m_.s_axis_tkeep_i = 0, m_.s_axis_tlast_i = 0;
    m_.m_axi_awready_i = 1, m_.m_axi_wready_i = 0, m_.m_axi_bvalid_i = 0, m_.m_axi_bresp_i = 0;
  }
  // Inputs of this cycle from the producer and the HP slave, then the outputs.
  void settle() {
    const bool present = next_beat_ < pk_beats_.size() && cycle_ >= pk_g_[next_beat_] &&
                         (last_hs_ == kNever || cycle_ > last_hs_);
    m_.s_axis_tvalid_i = present;
    m_.s_axis_tdata_i = present ? pk_beats_[next_beat_] : 0;
    m_.s_axis_tkeep_i = present ? pk_keep_[next_beat_] : 0;
    m_.s_axis_tlast_i = present && next_beat_ + 1 == pk_beats_.size();
    m_.m_axi_awready_i = aw_stall_pct == 0 || rng_aw_ >= aw_stall_pct;
    const uint64_t port = aw0_ == kNever ? kNever : aw0_ + 1 + w_beats_ * timing.cpb_milli / 1000;
    m_.m_axi_wready_i = port != kNever && cycle_ >= port && (w_stall_pct == 0 || rng_w_ >= w_stall_pct);
    m_.m_axi_bvalid_i = !bq_.empty() && bq_.front() <= cycle_;
    m_.m_axi_bresp_i = slverr ? 2 : 0;
    m_.eval();
  }
  void tick() {
    settle();
    if (m_.s_axis_tvalid_i && m_.s_axis_tready_o) {
      accept.push_back(cycle_);
      last_hs_ = cycle_;
      ++next_beat_;
    } else if (m_.s_axis_tvalid_i) {
      ++stalled_r_;
    }
    if (m_.m_axi_awvalid_o && m_.m_axi_awready_i) {
      GotBurst b;
      b.addr = m_.m_axi_awaddr_o, b.beats = m_.m_axi_awlen_o + 1u, b.aw = cycle_;
      bursts.push_back(b);
      if (aw0_ == kNever) aw0_ = cycle_;
    }
    if (m_.m_axi_wvalid_o && m_.m_axi_wready_i) {
      GotBurst& b = bursts.at(wb_);
      const uint64_t a = b.addr + 8 * b.w_done;
      for (unsigned l = 0; l < 2; ++l) {
        const unsigned strb = (m_.m_axi_wstrb_o >> (4 * l)) & 0xF;
        if (strb == 0xF) {
          const uint32_t v = static_cast<uint32_t>(m_.m_axi_wdata_o >> (32 * l));
          std::memcpy(ddr_ + a + 4 * l, &v, 4);
          b.words |= 1u << (2 * b.w_done + l);
        } else if (strb != 0 && protocol_error.empty()) {
          std::ostringstream o;
          o << "WSTRB 0x" << std::hex << unsigned(m_.m_axi_wstrb_o) << " enables part of a word in cycle " << std::dec
            << cycle_;
          protocol_error = o.str();
        }
      }
      ++w_beats_;
      if (++b.w_done == b.beats) {
        if (!m_.m_axi_wlast_o && protocol_error.empty()) {
          std::ostringstream o;
          o << "no WLAST on the last beat of the burst at 0x" << std::hex << b.addr << std::dec << " (cycle " << cycle_ << ")";
          protocol_error = o.str();
        }
        b.wend = cycle_ + 1;
        b.bresp = cycle_ + timing.write_latency + (b_delay_max ? rng() % (b_delay_max + 1) : 0);
        if (!bq_.empty()) b.bresp = std::max(b.bresp, bq_.back() + 1);
        bq_.push_back(b.bresp);
        ++wb_;
      }
    }
    if (m_.m_axi_bvalid_i) bq_.pop_front();
    if (m_.irq_o && irq_at == kNever) irq_at = cycle_;
    m_.clk_i = 1;
    m_.eval();
    m_.clk_i = 0;
    m_.eval();
    ++cycle_;
    rng_aw_ = rng() % 100, rng_w_ = rng() % 100;
  }
  uint8_t* ddr_;
  uint64_t cycle_ = 0;
  std::vector<uint64_t> pk_beats_, pk_g_;
  std::vector<uint8_t> pk_keep_;
  size_t next_beat_ = 0;
  uint64_t last_hs_ = kNever, aw0_ = kNever, w_beats_ = 0;
  size_t wb_ = 0;                 // the burst receiving W beats
  std::deque<uint64_t> bq_;       // B response cycles
  unsigned rng_aw_ = 99, rng_w_ = 99;
};

inline std::string hex(uint64_t v) {
  std::ostringstream o;
  o << "0x" << std::hex << v;
  return o.str();
}

struct Case {
  pl::ViewDesc d;
  int64_t beats_delta = 0;  // packet length - ceil(ELEMS / 2) (LENGTH when != 0)
  unsigned producer = 0;    // 0: keeps pace, 1: gaps, 2: late start
};

// Runs one descriptor through the RTL; returns "" or the first mismatch.
inline std::string cosim_one(Bench& b, Ddr& ddr, Case cs, std::mt19937& g, uint64_t* n_bursts = nullptr,
                             uint64_t* n_conflicts = nullptr) {
  pl::ViewDesc& d = cs.d;
  d.base &= 0xFFFF'FFFFu, d.limit &= 0xFFFF'FFFFu;
  d.offset = static_cast<int32_t>(static_cast<uint32_t>(d.offset));
  const pl::DescCheck c = pl::check_write(d, kDdr);
  const std::string what = d.str();
  auto bad = [&](const std::string& s) { return what + ": " + s; };
  b.program(d);
  const bool timed = b.aw_stall_pct == 0 && b.w_stall_pct == 0 && b.b_delay_max == 0;
  // the region the writer may touch, with some lines around it, on a random background
  const uint64_t lo = c.ok() ? ((d.base & ~127ull) >= 256 ? (d.base & ~127ull) - 256 : 0) : 0;
  const uint64_t hi = c.ok() ? std::min<uint64_t>(kDdr, ((d.base + d.limit + 127) & ~127ull) + 256) : 0;
  for (uint64_t a = lo; a < hi; a += 4) {
    const uint32_t v = g();
    std::memcpy(ddr.p + a, &v, 4);
  }
  std::vector<uint8_t> want(ddr.p + lo, ddr.p + hi);
  const uint64_t elems = c.ok() ? d.elems() : 4;
  const uint64_t nb = std::max<int64_t>(1, static_cast<int64_t>((elems + 1) / 2) + cs.beats_delta);
  std::vector<uint32_t> words(2 * nb);
  for (auto& w : words) w = g();
  for (uint64_t e = elems; e < 2 * ((elems + 1) / 2) && e < words.size(); ++e) words[e] = 0;  // lane 1 of a partial beat
  std::vector<uint64_t> beats(nb), gsch(nb);
  std::vector<uint8_t> keep(nb, 0xFF);
  for (uint64_t j = 0; j < nb; ++j) beats[j] = static_cast<uint64_t>(words[2 * j + 1]) << 32 | words[2 * j];
  if (elems % 2 && (elems + 1) / 2 <= nb) keep[(elems + 1) / 2 - 1] = 0x0F;
  const uint32_t ctrl = vw::CTRL_START | vw::CTRL_IRQ_EN;
  // the producer's schedule relative to t0 (known when START is written: t0 = now + 1 below)
  std::vector<uint64_t> rel(nb);
  uint64_t t = cs.producer == 2 ? 5 + g() % 60 : 0;
  for (uint64_t j = 0; j < nb; ++j) {
    if (cs.producer == 1 && g() % 4 == 0) t += 1 + g() % 6;
    rel[j] = t;
    if (cs.producer != 0) ++t;
  }
  // t0 is the START write's handshake: the AXI-Lite slave takes it in the first cycle it is offered
  const uint64_t t0_guess = b.now();
  for (uint64_t j = 0; j < nb; ++j) gsch[j] = t0_guess + rel[j];
  b.set_packet(beats, keep, gsch);
  const uint64_t t0 = b.wr(vw::CTRL, ctrl);
  if (t0 != t0_guess) return bad("START took effect in cycle " + std::to_string(t0) + ", not " + std::to_string(t0_guess));
  if (!c.ok()) {
    const uint64_t t_r = pl::write_ready(d, t0, 0);
    b.run_for(40);
    const uint32_t st = b.rd(vw::STATUS), info = b.rd(vw::ERR_INFO);
    const uint32_t want_st = vw::ST_ERR | c.err << 4;
    if (st != want_st) return bad("STATUS " + hex(st) + ", reference " + hex(want_st) + " (" + c.why + ")");
    if (info != c.dim) return bad("ERR_INFO " + hex(info) + ", reference " + hex(c.dim) + " (" + c.why + ")");
    if (b.irq_at != t_r) return bad("ERR in cycle " + std::to_string(b.irq_at - t0) + " from t0, expected " + std::to_string(t_r - t0));
    if (!b.accept.empty() || !b.bursts.empty()) return bad("a rejected descriptor took R or wrote");
    if (!b.m_.vw_err_o) return bad("vw_err_o low after a rejected descriptor");
    b.wr(vw::STATUS, vw::ST_ERR);
    if (b.rd(vw::STATUS) != 0 || b.m_.vw_err_o || b.m_.irq_o) return bad("ERR not cleared by W1C");
    b.set_packet({}, {}, {});
    return "";
  }
  const pl::WritePlan p = pl::plan_write(d, t0, gsch, b.timing);
  pl::ViewDesc rel_d = d;
  rel_d.base = d.base - lo;
  pl::scatter(rel_d, words.data(), 2 * nb, want.data());
  b.run_until(timed ? p.done + 100 : p.done * 4 + 200000);
  if (n_bursts) *n_bursts += b.bursts.size();
  if (n_conflicts) *n_conflicts += p.conflict_flushes;
  tinypynq::vp::AxiWriteChecker chk;
  for (size_t k = 0; k < std::max(p.bursts.size(), b.bursts.size()); ++k) {
    if (k >= b.bursts.size())
      return bad("burst " + std::to_string(k) + " missing: reference " + hex(p.bursts[k].addr) + " x" +
                 std::to_string(p.bursts[k].beats) + " AW in cycle " + std::to_string(p.bursts[k].aw - t0));
    const GotBurst& x = b.bursts[k];
    if (k >= p.bursts.size()) return bad("extra burst " + std::to_string(k) + " at " + hex(x.addr));
    const pl::Burst& y = p.bursts[k];
    pl::Burst as{x.addr, static_cast<uint32_t>(x.beats), x.words, 0, x.aw, x.wend, x.bresp};
    if (auto why = chk.check(as, d.base, d.limit, kDdr)) return bad(*why);
    if (x.addr != y.addr || x.beats != y.beats || x.words != y.words)
      return bad("burst " + std::to_string(k) + ": RTL " + hex(x.addr) + " x" + std::to_string(x.beats) + " words " +
                 hex(x.words) + ", reference " + hex(y.addr) + " x" + std::to_string(y.beats) + " words " + hex(y.words));
    if (timed && (x.aw != y.aw || x.wend != y.wend || x.bresp != y.bresp))
      return bad("burst " + std::to_string(k) + " at " + hex(x.addr) + ": AW/wend/B in cycles " + std::to_string(x.aw - t0) +
                 "/" + std::to_string(x.wend - t0) + "/" + std::to_string(x.bresp - t0) + ", reference " +
                 std::to_string(y.aw - t0) + "/" + std::to_string(y.wend - t0) + "/" + std::to_string(y.bresp - t0) +
                 " (from t0; decided in " + std::to_string(y.decide - t0) + ")");
  }
  if (b.accept.size() != p.accept.size())
    return bad("R: " + std::to_string(b.accept.size()) + " beats taken, reference " + std::to_string(p.accept.size()));
  if (timed)
    for (size_t j = 0; j < p.accept.size(); ++j)
      if (b.accept[j] != p.accept[j])
        return bad("R beat " + std::to_string(j) + " taken in cycle " + std::to_string(b.accept[j] - t0) + ", reference " +
                   std::to_string(p.accept[j] - t0) + " (from t0; presented from " + std::to_string(gsch[j] - t0) + ")");
  if (timed && b.irq_at != p.done)
    return bad("DONE in cycle " + std::to_string(b.irq_at - t0) + ", reference " + std::to_string(p.done - t0));
  if (std::memcmp(ddr.p + lo, want.data(), hi - lo) != 0) {
    for (uint64_t a = 0; a < hi - lo; a += 4)
      if (std::memcmp(ddr.p + lo + a, want.data() + a, 4) != 0) {
        uint32_t got, ref;
        std::memcpy(&got, ddr.p + lo + a, 4), std::memcpy(&ref, want.data() + a, 4);
        return bad("DDR word at " + hex(lo + a) + ": " + hex(got) + ", reference " + hex(ref));
      }
  }
  const uint32_t code = b.slverr && !p.bursts.empty() ? vw::kOutOfBounds : nb != (elems + 1) / 2 ? vw::kLength : vw::kOk;
  const uint32_t st = b.rd(vw::STATUS);
  const uint32_t want_st = code ? (vw::ST_ERR | code << 4) : vw::ST_DONE;
  if (st != want_st) return bad("STATUS " + hex(st) + " after the transfer, expected " + hex(want_st));
  if (code && b.rd(vw::ERR_INFO) != vw::kNoDim) return bad("ERR_INFO not 0xF after a completion error");
  if (b.rd(vw::ELEMS) != d.elems()) return bad("ELEMS " + std::to_string(b.rd(vw::ELEMS)));
  if (b.rd(vw::BURSTS) != p.bursts.size())
    return bad("BURSTS " + std::to_string(b.rd(vw::BURSTS)) + ", reference " + std::to_string(p.bursts.size()));
  b.wr(vw::STATUS, vw::ST_DONE | vw::ST_ERR);
  if (b.rd(vw::STATUS) != 0 || b.m_.irq_o) return bad("DONE/ERR not cleared by W1C");
  if (!b.protocol_error.empty()) return bad("AXI write rules: " + b.protocol_error);
  return "";
}

inline unsigned count_from_env(unsigned dflt) {
  const char* e = std::getenv("TINYPYNQ_VW_COSIM_COUNT");
  return e ? static_cast<unsigned>(std::strtoul(e, nullptr, 10)) : dflt;
}

// The HP port of a random case: the nominal write latency every third case, a fractional rate
// every fourth (the random test's sequence: keep it with its recorded figures).
inline pl::WriterTiming random_timing(std::mt19937& g, unsigned i) {
  return {i % 3 == 0 ? 8u : 1 + g() % 40, i % 4 == 3 ? 1000 + static_cast<uint32_t>(g() % 3000) : 1000u};
}

}  // namespace tinypynq::cosim::vwbench
