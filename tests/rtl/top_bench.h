// SPDX-License-Identifier: MIT
// A cycle-by-cycle bench for a Verilated pl_version 2 PL (tinypynq_pl_top_v2, tinypynq_pl_wrapper_v2), shared by
// test_rtl_top_v2.cpp and test_rtl_top_v2_cq.cpp: the PS's AXI4-Lite accesses on s_axi_*, HP read slaves that answer
// each burst from a DDR byte array with the reference's timing (a_f = max(i_f + lat, a_{f-1}) + n * cpb), HP write
// slaves (every W beat taken, B lat_b cycles after WLAST), IRQ_F2P's rising edges. A test derives from TopBench:
//   struct Top : rtl_test::TopBench<Vtop, 1> {  // one HP read port, no write port
//     explicit Top(uint8_t* ddr) : TopBench({16, 16}) { hp_rd_[0].attach(TP_HP_READ_PINS(m_, 0), ddr, {}); reset(); }
//   };  // rtl_test::Ddr ddr; auto t = std::make_unique<Top>(ddr.p); t->wr(0x10, 1); t->rd(0x10);
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <limits>
#include <utility>
#include <vector>

namespace tinypynq::rtl_test {

// The DDR the HP slaves serve: 512 MiB, zeroed.
struct Ddr {
  static constexpr uint64_t kBytes = 512ull << 20;
  uint8_t* p = static_cast<uint8_t*>(std::calloc(kBytes, 1));
  Ddr() = default;
  Ddr(const Ddr&) = delete;
  Ddr& operator=(const Ddr&) = delete;
  ~Ddr() { std::free(p); }
  void put(uint64_t a, uint32_t w) { std::memcpy(p + a, &w, 4); }
  uint32_t get(uint64_t a) const {
    uint32_t w;
    std::memcpy(&w, p + a, 4);
    return w;
  }
};

// The pins of one HP port (the tops name them m_axi_hp<n>_*): read and write channels.
struct HpReadPins {
  uint32_t* araddr;
  uint8_t *arlen, *arvalid, *arready, *rlast, *rvalid, *rready, *rresp;
  uint64_t* rdata;
};
struct HpWritePins {
  uint32_t* awaddr;
  uint8_t *awlen, *awvalid, *awready;
  uint64_t* wdata;
  uint8_t *wstrb, *wlast, *wvalid, *wready, *bresp, *bvalid, *bready;
};

// Macros, since the port number is part of the pin's name.
#define TP_HP_READ_PINS(m, n)                                                                                      \
  ::tinypynq::rtl_test::HpReadPins {                                                                               \
    &(m).m_axi_hp##n##_araddr, &(m).m_axi_hp##n##_arlen, &(m).m_axi_hp##n##_arvalid, &(m).m_axi_hp##n##_arready,   \
        &(m).m_axi_hp##n##_rlast, &(m).m_axi_hp##n##_rvalid, &(m).m_axi_hp##n##_rready, &(m).m_axi_hp##n##_rresp,  \
        &(m).m_axi_hp##n##_rdata                                                                                   \
  }
#define TP_HP_WRITE_PINS(m, n)                                                                                     \
  ::tinypynq::rtl_test::HpWritePins {                                                                              \
    &(m).m_axi_hp##n##_awaddr, &(m).m_axi_hp##n##_awlen, &(m).m_axi_hp##n##_awvalid, &(m).m_axi_hp##n##_awready,   \
        &(m).m_axi_hp##n##_wdata, &(m).m_axi_hp##n##_wstrb, &(m).m_axi_hp##n##_wlast, &(m).m_axi_hp##n##_wvalid,   \
        &(m).m_axi_hp##n##_wready, &(m).m_axi_hp##n##_bresp, &(m).m_axi_hp##n##_bvalid, &(m).m_axi_hp##n##_bready  \
  }

// One read burst: its AR's cycle and the cycle after its last beat is due.
struct Fill {
  uint64_t addr, beats, issue, arrive;
};

// One HP read port: ARREADY always, beats of 8 bytes from DDR, one every cycles_per_beat.
class HpReadSlave {
 public:
  struct Timing {
    uint64_t latency = 11, cycles_per_beat = 1;
    // A beat not taken stays valid (as AXI wants); false: each beat is offered in its own cycle only (the exact
    // schedule, for a master that is always ready).
    bool hold = true;
  };
  void attach(const HpReadPins& p, const uint8_t* ddr, Timing t) {
    p_ = p, ddr_ = ddr, t_ = t;
    *p_.arready = 1;
  }
  // Before eval: the R beat of this cycle, if one is due.
  void drive(uint64_t cyc) {
    *p_.rvalid = 0, *p_.rlast = 0, *p_.rresp = 0;
    if (rf_ >= fills_.size()) return;
    const Fill& f = fills_[rf_];
    const uint64_t first = f.arrive - 1 - (f.beats - 1) * t_.cycles_per_beat;
    const uint64_t due = first + rb_ * t_.cycles_per_beat;
    if (t_.hold ? due <= cyc : due == cyc) {
      std::memcpy(p_.rdata, ddr_ + f.addr + 8 * rb_, 8);
      *p_.rvalid = 1;
      *p_.rlast = rb_ + 1 == f.beats;
    }
  }
  // After eval, before the edge: an AR taken becomes a fill, an R beat taken moves on.
  void sample(uint64_t cyc) {
    if (*p_.arvalid && *p_.arready) {
      Fill f{*p_.araddr, *p_.arlen + 1u, cyc, 0};
      const uint64_t prev = fills_.empty() ? 0 : fills_.back().arrive;
      f.arrive = std::max(cyc + t_.latency, prev) + f.beats * t_.cycles_per_beat;
      fills_.push_back(f), ++bursts_;
    }
    if (*p_.rvalid && *p_.rready && ++rb_ == fills_[rf_].beats) rb_ = 0, ++rf_;
  }
  void clear() { fills_.clear(), rf_ = 0, rb_ = 0; }  // the PS7 port reset drops what was in flight
  const std::vector<Fill>& fills() const { return fills_; }
  uint64_t bursts() const { return bursts_; }  // ARs taken since construction (a reset keeps the count)

 private:
  HpReadPins p_{};
  const uint8_t* ddr_ = nullptr;
  Timing t_;
  std::vector<Fill> fills_;
  size_t rf_ = 0;    // the fill being returned
  uint64_t rb_ = 0;  // its next beat
  uint64_t bursts_ = 0;
};

// One HP write port: AWREADY and WREADY always, W beats into DDR by WSTRB, B lat_b cycles after each WLAST.
class HpWriteSlave {
 public:
  void attach(const HpWritePins& p, uint8_t* ddr, unsigned port, uint64_t lat_b) {
    p_ = p, ddr_ = ddr, port_ = port, lat_b_ = lat_b;
    *p_.awready = 1, *p_.wready = 1;
  }
  void drive(uint64_t cyc) { *p_.bvalid = !b_due_.empty() && b_due_.front() <= cyc, *p_.bresp = 0; }
  void sample(uint64_t cyc) {
    if (*p_.awvalid && *p_.awready) aw_.emplace_back(*p_.awaddr, *p_.awlen + 1u), ++bursts_;
    if (*p_.wvalid && *p_.wready) {
      EXPECT_FALSE(aw_.empty()) << "HP" << port_ << ": a W beat before its AW";
      if (!aw_.empty()) {
        const uint64_t a = aw_.front().first + 8 * beat_;
        for (unsigned k = 0; k < 8; ++k)
          if (*p_.wstrb >> k & 1) ddr_[a + k] = static_cast<uint8_t>(*p_.wdata >> (8 * k));
        if (++beat_ == aw_.front().second) {
          EXPECT_TRUE(*p_.wlast) << "HP" << port_ << ": WLAST on the burst's last beat";
          aw_.pop_front(), beat_ = 0, b_due_.push_back(cyc + lat_b_);
        }
      }
    }
    if (*p_.bvalid && *p_.bready) b_due_.pop_front();
  }
  void clear() { aw_.clear(), beat_ = 0, b_due_.clear(); }
  uint64_t bursts() const { return bursts_; }  // AWs taken since construction

 private:
  HpWritePins p_{};
  uint8_t* ddr_ = nullptr;
  unsigned port_ = 0;
  uint64_t lat_b_ = 0;
  std::deque<std::pair<uint64_t, uint64_t>> aw_;  // address, beats
  uint64_t beat_ = 0;
  std::deque<uint64_t> b_due_;
  uint64_t bursts_ = 0;
};

// How many cycles wr() / rd() wait for the AW+W / AR handshake before they fail (and give up).
struct Gp0Limit {
  static constexpr uint64_t kForever = std::numeric_limits<uint64_t>::max();
  uint64_t aw = kForever, ar = kForever;
};

// The PS side and the clock of a Model with s_axi_*, aclk, aresetn and irq_f2p. A derived bench attaches its HP
// ports to hp_rd_ / hp_wr_ and then calls reset(); monitor() is its hook for pins of its own.
template <class Model, unsigned NRead, unsigned NWrite = 0>
class TopBench {
 public:
  virtual ~TopBench() { m_.final(); }

  uint64_t now() const { return cyc_; }
  uint64_t irq_rise[16] = {};  // the cycle of each IRQ_F2P line's last rising edge
  unsigned last_bresp = 0, last_rresp = 0;
  const std::vector<Fill>& fills(unsigned i) const { return hp_rd_[i].fills(); }
  bool irq(unsigned line) const { return m_.irq_f2p >> line & 1; }

  uint64_t wr(uint32_t addr, uint32_t data) {  // returns the handshake cycle (the write takes effect in it)
    m_.s_axi_awaddr = addr, m_.s_axi_wdata = data, m_.s_axi_wstrb = 0xF;
    m_.s_axi_awvalid = 1, m_.s_axi_wvalid = 1;
    uint64_t at = 0;
    for (uint64_t i = 0;; ++i) {
      settle();
      const bool hs = m_.s_axi_awready && m_.s_axi_wready;
      at = cyc_;
      tick();
      if (hs) break;
      if (i >= limit_.aw) {
        ADD_FAILURE() << "no AW handshake at 0x" << std::hex << addr;
        break;
      }
    }
    m_.s_axi_awvalid = 0, m_.s_axi_wvalid = 0;
    while (!m_.s_axi_bvalid) tick();
    last_bresp = m_.s_axi_bresp;
    tick();
    return at;
  }
  uint32_t rd(uint32_t addr, uint64_t* waited = nullptr) {  // waited: cycles ARVALID was high before the handshake
    m_.s_axi_araddr = addr, m_.s_axi_arvalid = 1;
    const uint64_t t0 = cyc_;
    for (uint64_t i = 0;; ++i) {
      settle();
      const bool hs = m_.s_axi_arready;
      tick();
      if (hs) break;
      if (i >= limit_.ar) {
        ADD_FAILURE() << "no AR handshake at 0x" << std::hex << addr;
        break;
      }
    }
    if (waited) *waited = cyc_ - 1 - t0;
    m_.s_axi_arvalid = 0;
    while (!m_.s_axi_rvalid) tick();
    const uint32_t v = m_.s_axi_rdata;
    last_rresp = m_.s_axi_rresp;
    tick();
    return v;
  }
  void idle(unsigned n) {
    for (unsigned i = 0; i < n; ++i) tick();
  }
  // aresetn low for 3 cycles (PlExec resets the PL after every error); the HP slaves drop what was in flight, as
  // the PS7 port reset does.
  void reset() {
    m_.aresetn = 0;
    for (HpReadSlave& s : hp_rd_) s.clear();
    for (HpWriteSlave& s : hp_wr_) s.clear();
    idle(3);
    m_.aresetn = 1;
    idle(1);
  }

 protected:
  explicit TopBench(Gp0Limit limit) : limit_(limit) {
    m_.aclk = 0;
    m_.s_axi_bready = 1, m_.s_axi_rready = 1;
  }
  virtual void monitor() {}  // each cycle after eval, before the rising edge

  // The slaves drive their pins, the model settles.
  void settle() {
    for (HpReadSlave& s : hp_rd_) s.drive(cyc_);
    for (HpWriteSlave& s : hp_wr_) s.drive(cyc_);
    m_.eval();
  }
  // One cycle: settle, sample the handshakes, then the rising and the falling edge.
  void tick() {
    settle();
    for (HpReadSlave& s : hp_rd_) s.sample(cyc_);
    for (HpWriteSlave& s : hp_wr_) s.sample(cyc_);
    monitor();
    for (unsigned b = 0; b < 16; ++b)
      if ((m_.irq_f2p >> b & 1) && !(irq_prev_ >> b & 1)) irq_rise[b] = cyc_;
    irq_prev_ = m_.irq_f2p;
    m_.aclk = 1;
    m_.eval();
    m_.aclk = 0;
    m_.eval();
    ++cyc_;
  }

  Model m_;
  std::array<HpReadSlave, NRead> hp_rd_;
  std::array<HpWriteSlave, NWrite> hp_wr_;

 private:
  Gp0Limit limit_;
  uint64_t cyc_ = 0;
  uint16_t irq_prev_ = 0;
};

}  // namespace tinypynq::rtl_test
