// SPDX-License-Identifier: MIT
// The bench of the view reader's co-simulation (cosim/block_cosim.cpp, tests/rtl/
// test_rtl_view_reader.cpp): the RTL view reader (rtl/vr/tp_view_reader.sv), Verilated and driven
// cycle by cycle, against its reference model (models/fp/view_reader.h). Per descriptor, every
// streamed word = pl::gather, every beat's valid cycle = pl::plan's beat_valid, every fill's
// address, beats and issue cycle = pl::plan's fills, STATUS / ERR_CODE / ERR_INFO / ELEMS / LINES
// = pl::check and the plan. The HP slave answers each burst with the reference's timing
// (a_f = max(i_f + lat, a_{f-1}) + n * cpb: the fill's last R beat in cycle a_f - 1, so the line
// is in the buffer in cycle a_f) from a DDR byte array; the stream consumer is always ready
// unless the bench is told to stall (then only words and fills are compared).
//
//   auto ddr = std::make_unique<vrbench::Ddr>();
//   vrbench::Bench b(ddr->p);
//   std::mt19937 g(seed);
//   pl::ViewDesc d = vrbench::random_view(g, vrbench::kDdr);
//   std::string why = vrbench::cosim_one(b, *ddr, d);   // "" or the first difference
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "Vtp_view_reader.h"
#include "cosim/view_gen.h"
#include "models/fp/view_reader.h"
#include "verilated.h"

namespace tinypynq::cosim::vrbench {

namespace pl = tinypynq::pl;
namespace vr = tinypynq::pl::vr;

constexpr uint64_t kDdr = 512ull << 20;  // the RTL's DdrBytes default

struct Ddr {
  uint8_t* p = static_cast<uint8_t*>(std::calloc(kDdr, 1));  // pages are touched only where filled
  ~Ddr() { std::free(p); }
  void fill(uint64_t lo, uint64_t hi, uint32_t seed) {
    std::mt19937 g(seed);
    for (uint64_t a = lo & ~3ull; a + 4 <= std::min(hi, kDdr); a += 4) {
      const uint32_t v = g();
      std::memcpy(p + a, &v, 4);
    }
  }
};

struct GotFill {
  uint64_t addr, beats, issue, arrive;
};

class Bench {
 public:
  explicit Bench(const uint8_t* ddr) : ddr_(ddr) {
    m_.clk_i = 0;
    m_.rst_ni = 0;
    idle_inputs();
    for (int i = 0; i < 3; ++i) tick();
    m_.rst_ni = 1;
    tick();
  }
  ~Bench() { m_.final(); }
  uint64_t now() const { return cycle_; }
  pl::ReaderTiming timing{11, 1};
  // Back-pressure (0: always ready): the chance per cycle that ARREADY / TREADY are low. With it
  // the slave times each fill from its AR handshake, and only words and fills are compared.
  unsigned ar_stall_pct = 0, t_stall_pct = 0;
  std::mt19937 stall_rng{7};

  // One AXI-Lite write; returns the cycle it takes effect in (its handshake cycle).
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
    tick();  // B taken (BREADY = 1)
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
    wr(vr::BASE, static_cast<uint32_t>(d.base));
    wr(vr::LIMIT, static_cast<uint32_t>(d.limit));
    wr(vr::OFFSET, static_cast<uint32_t>(d.offset));
    wr(vr::RANK, d.rank);
    wr(vr::PAD, d.pad);
    for (unsigned k = 0; k < vr::kMaxRank; ++k) {
      const uint32_t a = vr::DIM0 + vr::DIM_BYTES * k;
      wr(a + vr::D_SHAPE, d.shape[k]);
      wr(a + vr::D_STRIDE, static_cast<uint32_t>(d.stride[k]));
      wr(a + vr::D_MLO, d.mlo[k]);
      wr(a + vr::D_MHI, d.mhi[k]);
    }
  }
  // Runs cycles until `until` (exclusive) or until the last beat; records fills and beats.
  void run_transfer(uint64_t until) {
    while (cycle_ < until && !saw_last_) tick();
  }
  void clear_log() {
    fills.clear(), beats.clear(), beat_cycle.clear(), beat_keep.clear(), beat_last.clear();
    beat_valid_since.clear();
    saw_last_ = false, ar_hold_ = false, valid_pending_ = false;
  }
  std::vector<GotFill> fills;
  std::vector<uint64_t> beats;       // 64-bit beats as streamed
  std::vector<uint64_t> beat_cycle;  // their handshake cycles (= first valid with a ready consumer)
  std::vector<uint64_t> beat_valid_since;  // the cycle each beat's TVALID rose
  std::vector<uint8_t> beat_keep;
  std::vector<uint8_t> beat_last;
  // A context of its own (declared first: destroyed after the model): the program may hold
  // other Verilated models (the CLI does), and the default context is not this bench's.
  std::unique_ptr<VerilatedContext> ctx_ = std::make_unique<VerilatedContext>();
  Vtp_view_reader m_{ctx_.get(), "tp_view_reader"};

 private:
  void idle_inputs() {
    m_.s_axi_awaddr_i = 0, m_.s_axi_awvalid_i = 0, m_.s_axi_wdata_i = 0, m_.s_axi_wstrb_i = 0;
    m_.s_axi_wvalid_i = 0, m_.s_axi_bready_i = 1, m_.s_axi_araddr_i = 0, m_.s_axi_arvalid_i = 0;
    m_.s_axi_rready_i = 1;
    m_.m_axi_arready_i = 1, m_.m_axi_rvalid_i = 0, m_.m_axi_rdata_i = 0, m_.m_axi_rlast_i = 0, m_.m_axi_rresp_i = 0;
    m_.m_axis_tready_i = 1;
  }
  // Drives the HP slave's R channel for this cycle, then evaluates the combinational outputs.
  void settle() {
    m_.m_axi_rvalid_i = 0, m_.m_axi_rlast_i = 0;
    // R beat of an outstanding fill due in this cycle
    while (rf_ < fills.size()) {
      const GotFill& f = fills[rf_];
      const uint64_t first = f.arrive - 1 - (f.beats - 1) * timing.cycles_per_beat;
      const uint64_t due = first + rb_ * timing.cycles_per_beat;
      if (due == cycle_) {
        uint64_t v;
        std::memcpy(&v, ddr_ + f.addr + 8 * rb_, 8);
        m_.m_axi_rdata_i = v;
        m_.m_axi_rvalid_i = 1;
        m_.m_axi_rlast_i = rb_ + 1 == f.beats;
      }
      break;
    }
    m_.eval();
  }
  void tick() {
    settle();
    // observe this cycle's handshakes
    if (m_.m_axi_arvalid_o && m_.m_axi_arready_i) {
      GotFill f{m_.m_axi_araddr_o, static_cast<uint64_t>(m_.m_axi_arlen_o) + 1u, ar_hold_ ? ar_first_ : cycle_, 0};
      const uint64_t prev = fills.empty() ? 0 : fills.back().arrive;
      f.arrive = std::max(cycle_ + timing.latency, prev) + f.beats * timing.cycles_per_beat;
      fills.push_back(f);
      ar_hold_ = false;
    } else if (m_.m_axi_arvalid_o && !ar_hold_) {
      ar_hold_ = true, ar_first_ = cycle_;
    }
    if (m_.m_axi_rvalid_i && m_.m_axi_rready_o) {
      if (++rb_ == fills[rf_].beats) rb_ = 0, ++rf_;
    }
    if (m_.m_axis_tvalid_o && !valid_pending_) valid_pending_ = true, valid_since_ = cycle_;
    if (m_.m_axis_tvalid_o && m_.m_axis_tready_i) {
      beat_valid_since.push_back(valid_since_);
      valid_pending_ = false;
      beats.push_back(m_.m_axis_tdata_o);
      beat_cycle.push_back(cycle_);
      beat_keep.push_back(m_.m_axis_tkeep_o);
      beat_last.push_back(m_.m_axis_tlast_o);
      if (m_.m_axis_tlast_o) saw_last_ = true;
    }
    m_.clk_i = 1;
    m_.eval();
    m_.clk_i = 0;
    m_.eval();
    ++cycle_;
    m_.m_axi_arready_i = ar_stall_pct == 0 || stall_rng() % 100 >= ar_stall_pct;
    m_.m_axis_tready_i = t_stall_pct == 0 || stall_rng() % 100 >= t_stall_pct;
  }
  const uint8_t* ddr_;
  uint64_t cycle_ = 0;
  size_t rf_ = 0;
  uint64_t rb_ = 0;
  bool saw_last_ = false, ar_hold_ = false, valid_pending_ = false;
  uint64_t ar_first_ = 0, valid_since_ = 0;

 public:
  void reset_slave_log() { rf_ = 0, rb_ = 0; }
  // rst_ni low for 3 cycles (the HP slave drops what was in flight, as the PS7 reset does)
  void reset() {
    m_.rst_ni = 0;
    idle_inputs();
    fills.clear(), reset_slave_log();
    for (int i = 0; i < 3; ++i) tick();
    m_.rst_ni = 1;
    tick();
  }
};

// The shared generators (cosim/view_gen.h) with the line-index conflicts, and bad descriptors
// for this bench's DDR.
inline pl::ViewDesc random_view(std::mt19937& g, uint64_t ddr) { return testgen::random_view(g, ddr, pl::vr::kIndexEntries); }
inline pl::ViewDesc break_view(pl::ViewDesc d, std::mt19937& g) { return testgen::break_view(d, g, kDdr); }

inline std::string hex(uint64_t v) {
  std::ostringstream o;
  o << "0x" << std::hex << v;
  return o.str();
}

// Runs one descriptor through the RTL; returns "" or the first mismatch.
inline std::string cosim_one(Bench& b, Ddr& ddr, pl::ViewDesc d) {
  // What the registers hold (32-bit): the reference sees the same descriptor as the RTL.
  d.base &= 0xFFFF'FFFFu, d.limit &= 0xFFFF'FFFFu;
  d.offset = static_cast<int32_t>(static_cast<uint32_t>(d.offset));
  const pl::DescCheck c = pl::check(d, kDdr);
  if (c.ok()) ddr.fill(d.base, d.base + d.limit, static_cast<uint32_t>(d.base * 2654435761u + d.limit));
  b.program(d);
  b.clear_log();
  b.reset_slave_log();
  const uint64_t t0 = b.wr(vr::CTRL, vr::CTRL_START);
  const bool timed = b.ar_stall_pct == 0 && b.t_stall_pct == 0;
  const std::string what = d.str();
  auto bad = [&](const std::string& s) { return what + ": " + s; };
  if (!c.ok()) {
    b.run_transfer(b.now() + 20);
    const uint32_t st = b.rd(vr::STATUS), info = b.rd(vr::ERR_INFO);
    const uint32_t want_st = vr::ST_ERR | c.err << 4;
    if (st != want_st) return bad("STATUS " + hex(st) + ", reference " + hex(want_st) + " (" + c.why + ")");
    if (info != c.dim) return bad("ERR_INFO " + hex(info) + ", reference " + hex(c.dim));
    if (!b.fills.empty() || !b.beats.empty()) return bad("a rejected descriptor read DDR or streamed");
    if (!b.m_.vr_err_o) return bad("vr_err_o low after a rejected descriptor");
    b.wr(vr::STATUS, vr::ST_ERR);
    if (b.rd(vr::STATUS) != 0 || b.m_.vr_err_o) return bad("ERR not cleared by W1C");
    return "";
  }
  const pl::ReadPlan p = pl::plan(d, t0, b.timing);
  std::vector<uint32_t> words(d.elems());
  pl::gather(d, ddr.p, words.data());
  b.run_transfer(timed ? p.beat_valid.back() + 4000 : p.beat_valid.back() * 8 + 100000);
  uint64_t fill_at = UINT64_MAX, beat_at = UINT64_MAX;
  const std::string fill_why = [&]() -> std::string {
  for (size_t f = 0; f < std::max(p.fills.size(), b.fills.size()); ++f) {
    if (f >= p.fills.size()) return fill_at = f < p.fills.size() ? p.fills[f].issue : b.fills[f].issue, bad("fill " + std::to_string(f) + " at " + hex(b.fills[f].addr) + " cycle " +
                                        std::to_string(b.fills[f].issue) + ": the reference has only " +
                                        std::to_string(p.fills.size()));
    if (f >= b.fills.size()) return fill_at = f < p.fills.size() ? p.fills[f].issue : b.fills[f].issue, bad("fill " + std::to_string(f) + " missing: reference " + hex(p.fills[f].addr) +
                                        " x" + std::to_string(p.fills[f].beats) + " issued in " +
                                        std::to_string(p.fills[f].issue));
    const GotFill& g = b.fills[f];
    const pl::Fill& w = p.fills[f];
    if (g.addr != w.addr || g.beats != w.beats || (timed && g.issue != w.issue))
      return fill_at = f < p.fills.size() ? p.fills[f].issue : b.fills[f].issue, bad("fill " + std::to_string(f) + ": RTL " + hex(g.addr) + " x" + std::to_string(g.beats) + " in cycle " +
                 std::to_string(g.issue - t0) + ", reference " + hex(w.addr) + " x" + std::to_string(w.beats) +
                 " in cycle " + std::to_string(w.issue - t0) + " (cycles from t0)");
  }
    return "";
  }();
  const std::string beat_why = [&]() -> std::string {
  const size_t nb = p.beat_valid.size();
  for (size_t i = 0; i < std::max(nb, b.beats.size()); ++i) {
    if (i >= b.beats.size()) return beat_at = i < nb ? p.beat_valid[i] : b.beat_cycle[i], bad("beat " + std::to_string(i) + " never streamed (reference cycle " +
                                        std::to_string(p.beat_valid[i] - t0) + ")");
    if (i >= nb) return beat_at = i < nb ? p.beat_valid[i] : b.beat_cycle[i], bad("extra beat " + std::to_string(i));
    const uint32_t w0 = words[2 * i], w1 = 2 * i + 1 < words.size() ? words[2 * i + 1] : 0;
    const uint64_t want = static_cast<uint64_t>(w1) << 32 | w0;
    if (b.beats[i] != want || (timed && b.beat_cycle[i] != p.beat_valid[i]))
      return beat_at = i < nb ? p.beat_valid[i] : b.beat_cycle[i], bad("beat " + std::to_string(i) + " (elements " + std::to_string(2 * i) + ", " + std::to_string(2 * i + 1) +
                 "): RTL " + hex(b.beats[i]) + " in cycle " + std::to_string(b.beat_cycle[i] - t0) + ", reference " +
                 hex(want) + " in cycle " + std::to_string(p.beat_valid[i] - t0) + " (cycles from t0)");
    const uint8_t keep = 2 * i + 1 < words.size() ? 0xFF : 0x0F;
    if (b.beat_keep[i] != keep || b.beat_last[i] != (i + 1 == nb))
      return beat_at = i < nb ? p.beat_valid[i] : b.beat_cycle[i], bad("beat " + std::to_string(i) + ": TKEEP " + hex(b.beat_keep[i]) + " TLAST " +
                 std::to_string(b.beat_last[i]) + ", expected " + hex(keep) + " " + std::to_string(i + 1 == nb));
  }
    return "";
  }();
  if (std::getenv("TINYPYNQ_VR_COSIM_DEBUG") && (!fill_why.empty() || !beat_why.empty())) {
    for (size_t f = 0; f < std::min(p.fills.size(), b.fills.size()); ++f)
      std::printf("fill %zu: ref %llx x%u issue %llu arrive %llu | rtl %llx x%llu issue %llu arrive %llu\n", f,
                  (unsigned long long)p.fills[f].addr, p.fills[f].beats, (unsigned long long)(p.fills[f].issue - t0),
                  (unsigned long long)(p.fills[f].arrive - t0), (unsigned long long)b.fills[f].addr,
                  (unsigned long long)b.fills[f].beats, (unsigned long long)(b.fills[f].issue - t0),
                  (unsigned long long)(b.fills[f].arrive - t0));
    for (size_t i = 0; i < std::min(p.beat_valid.size(), b.beat_cycle.size()); ++i)
      std::printf("beat %zu: ref %llu rtl %llu\n", i, (unsigned long long)(p.beat_valid[i] - t0),
                  (unsigned long long)(b.beat_cycle[i] - t0));
  }
  // the first mismatch in time
  if (!fill_why.empty() && (beat_why.empty() || fill_at <= beat_at)) return fill_why;
  if (!beat_why.empty()) return beat_why;
  const uint32_t st = b.rd(vr::STATUS);
  if (st != vr::ST_DONE) return bad("STATUS " + hex(st) + " after the transfer, expected DONE");
  if (b.rd(vr::ELEMS) != d.elems()) return bad("ELEMS " + std::to_string(b.rd(vr::ELEMS)));
  if (b.rd(vr::LINES) != p.fills.size())
    return bad("LINES " + std::to_string(b.rd(vr::LINES)) + ", reference " + std::to_string(p.fills.size()));
  b.wr(vr::STATUS, vr::ST_DONE);
  if (b.rd(vr::STATUS) != 0) return bad("DONE not cleared by W1C");
  return "";
}

}  // namespace tinypynq::cosim::vrbench
