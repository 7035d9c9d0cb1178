// SPDX-License-Identifier: MIT
// The bench of the command queue's co-simulation (cosim/block_cosim.cpp, tests/rtl/
// test_rtl_cmd_queue.cpp). Co-simulation of the RTL command queue (rtl/cq/tp_cmd_queue.sv), Verilated and driven cycle by
// cycle, against the spec's timing (docs/pl-v2.md "v2 step 4", "Timing (normative ...)"): the
// recurrences test_cmd_queue_tlm checks on the TLM block (models/tlm/cmd_queue_tlm.cpp),
//   f_e = max(avail_e, s_{e-1}), h_e = f_e + lat + 16 cpb, r_e = h_e + 1 + lat + (B_e - 16) cpb,
//   s_e = max(r_e, end_{e-1} + 1), write i in s_e + 1 + 2i, u_e = s_e + 1 + 2 NWRITES,
//   end_e = d_e + 8, the record in end_e + 1, b_e = end_e + 2 + lat_w, COMPLETED in b_e + 1,
// with the error rules of the RTL header (the TLM's, see docs/pl-v2.md "Done in step 4: the RTL
// queue"). The bench plays the PS (AXI-Lite: ring set-up, doorbells at random times, a poll of
// COMPLETED / STATUS whenever it is idle), the HP3 port (a_f = max(i_f + lat, a_{f-1}) + n cpb,
// the last R beat in a_f - 1, as test_rtl_view_reader's; B lat_w cycles after the record), the
// PL's register bus (AW/W and AR accepted at once, the response the next cycle, as
// tp_axil_slave) and VW (its STATUS DONE or ERR d_e cycles after the unit check). Per case it
// compares every register write's cycle, address and data, every sequencer read's cycle and
// address, every record's cycle, address and data, every poll's value in its cycle, the IRQ
// level in every cycle and the final STATUS / COMPLETED / HEAD / ERR_INDEX / ERR_INFO.
// `tinypynq cosim --unit cmd_queue` and the test run the same loop (cosim_cmd_queue).
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

#include "Vtp_cmd_queue.h"
#include "cosim/cq_cases.h"
#include "hw/tp_contract.h"
#include "verilated.h"

namespace tinypynq::cosim::cqbench {

namespace cq = tinypynq::hw::cq;
namespace lim = tinypynq::hw::limits;
namespace win = tinypynq::hw::win;
namespace unit = tinypynq::hw::unit;
namespace vw = tinypynq::hw::vw;

class Bench {
 public:
  Bench() {
    mem_.assign(kMem, 0);
    m_.clk_i = 0;
    hard_reset();
  }
  ~Bench() { m_.final(); }

  struct Obs {
    std::vector<Ev> writes, reads, records, polls;  // polls: addr = offset, data = value
    std::vector<uint64_t> doorbell;                 // TAIL handshakes
    std::vector<uint8_t> irq;                       // per cycle from the case's start
    uint64_t enable_at = kNever, start = 0;
    std::vector<uint64_t> avail;                    // per entry
  };

  // Runs one case; returns the observations (cycles absolute).
  Obs run(const Case& c, std::mt19937& rng) {
    Obs o;
    o.start = cycle_;
    clear_slaves();
    bp_ = c.bp;
    lat_w_ = c.lat_w;
    case_ = &c;
    run_n_ = 0, phase_ = 0, vw_on_ = kNever;
    fetch_n_ = 0;
    ops_.clear();
    uint32_t base = c.ring_base, slots = c.slots;
    if (c.bad_ring == 1) base += 64;
    push_w(cq::RING_BASE, base);
    push_w(cq::RING_SLOTS, slots);
    push_w(cq::WAIT, c.wait);
    push_w(cq::CTRL, c.ctrl, &o.enable_at);
    if (c.bad_ring == 2) push_w(cq::TAIL, slots, nullptr);
    uint32_t posted = 0, tail = 0;
    size_t chunk = 0;
    uint64_t next_db = cycle_ + (c.gaps.empty() ? 0 : c.gaps[0]);
    o.avail.assign(c.e.size(), kNever);
    uint64_t err_seen = kNever;
    const uint64_t limit = cycle_ + 200000;
    while (cycle_ < limit) {
      if (cycle_ == c.reset_at) break;
      // the PS: the next doorbell when its time has come and the ring has room
      if (!c.bad_ring && chunk < c.chunks.size() && ops_.empty() && cycle_ >= next_db && err_seen == kNever) {
        const uint32_t k = c.chunks[chunk];
        if (posted + k - completed_ <= slots - 1) {
          for (uint32_t j = 0; j < k; ++j) put_slot(c, posted + j);
          tail = (tail + k) & (slots - 1);
          const uint32_t first = posted;
          posted += k;
          push_w(cq::TAIL, tail, nullptr, first, k, &o);
          ++chunk;
          next_db = kNever;
        }
      }
      if (ops_.empty()) {  // idle: poll
        poll_toggle_ ^= 1;
        push_r(poll_toggle_ ? cq::COMPLETED : cq::STATUS);
      }
      step(o);
      if (next_db == kNever && chunk < c.chunks.size() && !tail_pending_) next_db = cycle_ + c.gaps[chunk];
      if (err_seen == kNever && last_status_err_) err_seen = cycle_;
      const bool all_done = chunk == c.chunks.size() && completed_ == posted && !tail_pending_;
      if ((all_done || c.bad_ring) && ops_.empty() && cycle_ > o.start + 50 && settle_count_++ > 40) break;
      if (err_seen != kNever && cycle_ > err_seen + 60 && ops_.empty()) break;
      if (!all_done) settle_count_ = 0;
    }
    settle_count_ = 0;
    (void)rng;
    return o;
  }

  uint32_t rd_now(uint32_t off) {  // a read outside a case (final registers)
    push_r(off);
    Obs o;
    while (!ops_.empty()) step(o);
    return o.polls.back().data;
  }
  void hard_reset() {
    m_.rst_ni = 0;
    idle_inputs();
    for (int i = 0; i < 3; ++i) clock();
    m_.rst_ni = 1;
    clock();
    clear_slaves();
    ops_.clear();
    completed_ = 0;
  }
  uint64_t now() const { return cycle_; }
  uint64_t assertions_ok() const { return 1; }
  std::vector<uint8_t> mem_;

 private:
  struct Op {
    bool write;
    uint32_t off, data;
    uint64_t* at;
    uint32_t first, count;  // a doorbell: the entries it posts
    Bench::Obs* obs;
  };
  void push_w(uint32_t off, uint32_t v, uint64_t* at = nullptr, uint32_t first = 0, uint32_t count = 0, Obs* o = nullptr) {
    ops_.push_back({true, off, v, at, first, count, o});
    if (off == cq::TAIL) tail_pending_ = true;
  }
  void push_r(uint32_t off) { ops_.push_back({false, off, 0, nullptr, 0, 0, nullptr}); }

  void put_slot(const Case& c, uint32_t n) {
    const Entry& e = c.e[n];
    uint8_t* p = &mem_[c.ring_base + (n & (c.slots - 1)) * lim::CQ_SLOT_BYTES];
    uint32_t w[4] = {e.header(), n, 0, 0};
    std::memcpy(p, w, 16);
    for (size_t i = 0; i < e.w.size() && i < lim::CQ_MAX_WRITES; ++i) {
      std::memcpy(p + 16 + 8 * i, &e.w[i].first, 4);
      std::memcpy(p + 20 + 8 * i, &e.w[i].second, 4);
    }
  }
  void idle_inputs() {
    m_.s_axi_awvalid_i = 0, m_.s_axi_wvalid_i = 0, m_.s_axi_arvalid_i = 0, m_.s_axi_bready_i = 1, m_.s_axi_rready_i = 1;
    m_.s_axi_wstrb_i = 0xF;
    m_.m_axi_arready_i = 1, m_.m_axi_rvalid_i = 0, m_.m_axi_rlast_i = 0, m_.m_axi_rresp_i = 0, m_.m_axi_rdata_i = 0;
    m_.m_axi_awready_i = 1, m_.m_axi_wready_i = 1, m_.m_axi_bvalid_i = 0, m_.m_axi_bresp_i = 0;
    m_.m_reg_awready_i = 0, m_.m_reg_wready_i = 0, m_.m_reg_bvalid_i = 0, m_.m_reg_bresp_i = 0;
    m_.m_reg_arready_i = 0, m_.m_reg_rvalid_i = 0, m_.m_reg_rdata_i = 0, m_.m_reg_rresp_i = 0;
    m_.vw_status_i = 0;
  }
  void clear_slaves() {
    bursts_.clear(), cpb_.clear(), rb_ = 0, prev_arrive_ = 0;
    bq_.clear(), aw_seen_ = kNever, w_seen_ = kNever, rec_addr_ = 0, rec_data_ = 0;
    reg_b_at_ = kNever, reg_r_at_ = kNever, op_state_ = 0;
    tail_pending_ = false, last_status_err_ = false;
    idle_inputs();
  }
  void clock() {
    m_.clk_i = 1;
    m_.eval();
    m_.clk_i = 0;
    m_.eval();
    ++cycle_;
  }
  bool chance(unsigned pct) { return bp_ && rng_() % 100 < pct; }

  struct Burst {
    uint32_t addr, beats;
    uint64_t arrive;
    bool err;
  };

  void step(Obs& o) {
    // -- drive this cycle's registered slave outputs
    m_.m_axi_rvalid_i = 0, m_.m_axi_rlast_i = 0, m_.m_axi_rresp_i = 0;
    if (!bursts_.empty()) {
      const Burst& b = bursts_.front();
      const uint64_t first = b.arrive - 1 - (b.beats - 1) * cpb_of_(b);
      if (cycle_ == first + rb_ * cpb_of_(b)) {
        uint64_t v;
        std::memcpy(&v, &mem_[b.addr + 8 * rb_], 8);
        m_.m_axi_rdata_i = v, m_.m_axi_rvalid_i = 1, m_.m_axi_rlast_i = rb_ + 1 == b.beats;
        m_.m_axi_rresp_i = b.err ? 2 : 0;
      }
    }
    m_.m_axi_bvalid_i = !bq_.empty() && bq_.front() <= cycle_;
    m_.m_reg_bvalid_i = reg_b_at_ <= cycle_;
    m_.m_reg_rvalid_i = reg_r_at_ <= cycle_;
    m_.m_reg_rdata_i = reg_rdata_;
    m_.vw_status_i = vw_on_ <= cycle_ ? vw_val_ : 0;
    // the PS's AXI-Lite master
    if (!ops_.empty() && op_state_ == 0) {
      const Op& op = ops_.front();
      if (op.write) m_.s_axi_awaddr_i = op.off, m_.s_axi_wdata_i = op.data, m_.s_axi_awvalid_i = 1, m_.s_axi_wvalid_i = 1;
      else m_.s_axi_araddr_i = op.off, m_.s_axi_arvalid_i = 1;
    }
    m_.m_axi_arready_i = !chance(30);
    m_.m_axi_awready_i = !chance(30);
    m_.eval();
    // W no earlier than its AW (the rule tp_axi_wr_check holds the project's masters to)
    m_.m_axi_wready_i = (aw_seen_ != kNever || (m_.m_axi_awvalid_o && m_.m_axi_awready_i)) && !chance(30);
    // -- combinational readies of the register bus (tp_axil_slave's rule)
    const bool reg_w_ok = !chance(30), reg_r_ok = !chance(30);
    m_.m_reg_awready_i = m_.m_reg_awvalid_o && m_.m_reg_wvalid_o && reg_b_at_ == kNever && reg_w_ok;
    m_.m_reg_wready_i = m_.m_reg_awready_i;
    m_.m_reg_arready_i = m_.m_reg_arvalid_o && reg_r_at_ == kNever && reg_r_ok;
    m_.eval();
    // -- observe this cycle's handshakes
    if (!ops_.empty()) {
      Op& op = ops_.front();
      if (op_state_ == 0 && op.write && m_.s_axi_awready_o) {
        if (op.at) *op.at = cycle_;
        if (op.off == cq::TAIL && op.obs) {
          o.doorbell.push_back(cycle_);
          for (uint32_t j = 0; j < op.count; ++j) op.obs->avail[op.first + j] = cycle_;
        }
        op_state_ = 1;
      } else if (op_state_ == 0 && !op.write && m_.s_axi_arready_o) {
        op_state_ = 2, poll_at_ = cycle_;
      } else if (op_state_ == 1 && m_.s_axi_bvalid_o) {
        if (op.off == cq::TAIL) tail_pending_ = false;
        op_state_ = 3;
      } else if (op_state_ == 2 && m_.s_axi_rvalid_o) {
        o.polls.push_back({poll_at_, op.off, m_.s_axi_rdata_o});
        if (op.off == cq::STATUS) last_status_err_ = m_.s_axi_rdata_o & cq::STATUS_ERR.mask;
        op_state_ = 3;
      }
    }
    if (m_.m_axi_arvalid_o && m_.m_axi_arready_i) {
      const uint32_t a = m_.m_axi_araddr_o, beats = m_.m_axi_arlen_o + 1u;
      if ((a - case_->ring_base) % lim::CQ_SLOT_BYTES == 0) {  // a slot's first line: the entry's port timing
        cur_fetch_ = fetch_n_ < case_->e.size() ? &case_->e[fetch_n_] : nullptr;
        ++fetch_n_;
      }
      const uint32_t lat = cur_fetch_ ? cur_fetch_->lat : 11, cpb = cur_fetch_ ? cur_fetch_->cpb : 1;
      const uint64_t arrive = std::max(cycle_ + lat, prev_arrive_) + uint64_t{beats} * cpb;
      prev_arrive_ = arrive;
      bursts_.push_back({a, beats, arrive, cur_fetch_ && cur_fetch_->fetch_err});
      cpb_.push_back(cpb);
    }
    if (trace_ && (m_.m_axi_arvalid_o || m_.m_axi_rvalid_i || m_.m_reg_awvalid_o || m_.m_reg_arvalid_o))
      std::printf("  %llu: ar %d/%d %x len %d  r %d last %d  regaw %d %x regar %d\n", (unsigned long long)cycle_, m_.m_axi_arvalid_o,
                  m_.m_axi_arready_i, m_.m_axi_araddr_o, m_.m_axi_arlen_o, m_.m_axi_rvalid_i, m_.m_axi_rlast_i, m_.m_reg_awvalid_o,
                  m_.m_reg_awaddr_o, m_.m_reg_arvalid_o);
    if (m_.m_axi_rvalid_i && m_.m_axi_rready_o) {
      if (++rb_ == bursts_.front().beats) rb_ = 0, bursts_.pop_front(), cpb_.pop_front();
    }
    if (m_.m_axi_awvalid_o && m_.m_axi_awready_i) aw_seen_ = cycle_, rec_addr_ = m_.m_axi_awaddr_o;
    if (m_.m_axi_wvalid_o && m_.m_axi_wready_i) w_seen_ = cycle_, rec_data_ = m_.m_axi_wdata_o;
    if (aw_seen_ != kNever && w_seen_ != kNever) {
      const uint64_t hs = std::max(aw_seen_, w_seen_);
      o.records.push_back({hs, rec_addr_, rec_data_});
      std::memcpy(&mem_[rec_addr_], &rec_data_, 8);
      uint64_t b = hs + 1 + lat_w_ + (bp_ ? rng_() % 4 : 0);
      if (!bq_.empty()) b = std::max(b, bq_.back() + 1);
      bq_.push_back(b);
      aw_seen_ = w_seen_ = kNever;
    }
    if (m_.m_axi_bvalid_i && m_.m_axi_bready_o) {
      bq_.pop_front();
      completions_pending_.push_back(cycle_ + 1);
    }
    if (m_.m_reg_awready_i) {
      const uint32_t a = m_.m_reg_awaddr_o, v = m_.m_reg_wdata_o;
      o.writes.push_back({cycle_, a, v});
      reg_b_at_ = cycle_ + 1 + (bp_ ? rng_() % 3 : 0);
      if (a == win::VW_BASE + vw::STATUS && phase_ == 2) vw_on_ = kNever, ++run_n_, phase_ = 0;  // the W1C, not an entry's own write
    }
    if (m_.m_reg_bvalid_i && m_.m_reg_bready_o) reg_b_at_ = kNever;
    if (m_.m_reg_arready_i) {
      const uint32_t a = m_.m_reg_araddr_o;
      o.reads.push_back({cycle_, a, 0});
      const Entry* e = run_n_ < case_->e.size() ? &case_->e[run_n_] : nullptr;
      reg_rdata_ = 0;
      if (e && (a & 0xFFFF) == unit::STATUS) {
        if (phase_ == 0) {  // the unit check
          reg_rdata_ = e->unit_err ? (unit::STATUS_ERR.mask | unit::STATUS_ERR_CODE.put(1)) : unit::STATUS_BUSY.mask;
          phase_ = 1;
          vw_on_ = cycle_ + 2 + e->vw_delay, vw_val_ = e->vws();
        } else {
          reg_rdata_ = e->ust_final();
        }
      } else if (e && (a & 0xFFFF) == unit::CYCLES_LO) {
        reg_rdata_ = e->cycles;
        phase_ = 2;
        if (e->cmd_err_unit || e->cmd_err_vw) ++run_n_, phase_ = 0;  // no W1C writes follow
      }
      reg_r_at_ = cycle_ + 1 + (bp_ ? rng_() % 3 : 0);
    }
    if (m_.m_reg_rvalid_i && m_.m_reg_rready_o) reg_r_at_ = kNever;
    o.irq.push_back(m_.irq_o);
    clock();
    // the PS master's next state
    if (!ops_.empty()) {
      if (op_state_ == 1 || op_state_ == 2) m_.s_axi_awvalid_i = 0, m_.s_axi_wvalid_i = 0, m_.s_axi_arvalid_i = 0;
      if (op_state_ == 3) {
        ops_.pop_front(), op_state_ = 0;
        m_.s_axi_awvalid_i = 0, m_.s_axi_wvalid_i = 0, m_.s_axi_arvalid_i = 0;
      }
    }
    while (!completions_pending_.empty() && completions_pending_.front() <= cycle_) {
      completions_pending_.pop_front();
      ++completed_;
    }
  }
  uint32_t cpb_of_(const Burst&) const { return cpb_.front(); }

  // A context of its own (declared first: destroyed after the model): the program may hold
  // other Verilated models (the CLI does), and the default context is not this bench's.
  std::unique_ptr<VerilatedContext> ctx_ = std::make_unique<VerilatedContext>();
  Vtp_cmd_queue m_{ctx_.get(), "tp_cmd_queue"};
  bool trace_ = std::getenv("CQ_TRACE") != nullptr;
  uint64_t cycle_ = 0;
  std::mt19937 rng_{99};
  bool bp_ = false;
  uint32_t lat_w_ = 8;
  const Case* case_ = nullptr;
  std::deque<Burst> bursts_;
  std::deque<uint32_t> cpb_;
  uint32_t rb_ = 0;
  uint64_t prev_arrive_ = 0;
  size_t fetch_n_ = 0;
  const Entry* cur_fetch_ = nullptr;
  std::deque<uint64_t> bq_, completions_pending_;
  uint64_t aw_seen_ = kNever, w_seen_ = kNever;
  uint32_t rec_addr_ = 0;
  uint64_t rec_data_ = 0;
  uint64_t reg_b_at_ = kNever, reg_r_at_ = kNever;
  uint32_t reg_rdata_ = 0;
  size_t run_n_ = 0;
  int phase_ = 0;
  uint64_t vw_on_ = kNever;
  uint32_t vw_val_ = 0;
  std::deque<Op> ops_;
  int op_state_ = 0;
  uint64_t poll_at_ = 0;
  int poll_toggle_ = 0;
  bool tail_pending_ = false, last_status_err_ = false;
  int settle_count_ = 0;
  uint64_t completed_ = 0;  // completions seen by the bench (B + 1): the PS's view of COMPLETED
};


struct Stats {
  uint64_t cases = 0, entries = 0, writes = 0, records = 0, polls = 0, cycles = 0, bp = 0, resets = 0, errs[8] = {};
};

// Compares a case's observations with the reference; returns "" or the first mismatch.
inline std::string check(const Case& c, const Bench::Obs& o, Stats& st, uint64_t until = kNever) {
  const Expect x = reference(c, o.avail, o.enable_at);
  auto cmp = [&](const char* what, const std::vector<Ev>& got, const std::vector<Ev>& want) -> std::string {
    std::vector<Ev> w;
    for (const Ev& e : want) if (e.cycle < until) w.push_back(e);
    std::vector<Ev> g2;
    for (const Ev& e : got) if (e.cycle < until) g2.push_back(e);
    for (size_t i = 0; i < std::max(w.size(), g2.size()); ++i) {
      if (i >= g2.size()) return std::string(what) + " #" + std::to_string(i) + ": missing, want " + str(w[i]);
      if (i >= w.size()) return std::string(what) + " #" + std::to_string(i) + ": extra " + str(g2[i]);
      Ev a = g2[i], b = w[i];
      if (c.bp) a.cycle = b.cycle = 0;
      if (what[0] == 'r' && what[1] == 'e' && what[2] == 'a') a.data = b.data = 0;
      if (!(a == b) && std::getenv("CQ_DEBUG"))
        for (size_t j = (i > 3 ? i - 3 : 0); j < std::min({i + 4, g2.size(), w.size()}); ++j)
          std::printf("    %zu: got %s want %s\n", j, str(g2[j]).c_str(), str(w[j]).c_str());
      if (!(a == b)) return std::string(what) + " #" + std::to_string(i) + ": got " + str(g2[i]) + ", want " + str(w[i]);
    }
    return "";
  };
  std::string m;
  if (!(m = cmp("register write", o.writes, x.writes)).empty()) return m;
  if (!(m = cmp("reads", o.reads, x.reads)).empty()) return m;
  if (!(m = cmp("record", o.records, x.records)).empty()) return m;
  st.writes += x.writes.size(), st.records += x.records.size();
  if (c.bp) return "";
  // polls and the IRQ level, cycle by cycle
  auto completed_at = [&](uint64_t t) {
    uint32_t k = 0;
    for (uint64_t v : x.completion) k += v <= t;
    return k;
  };
  auto posted_at = [&](uint64_t t) {
    uint32_t k = 0;
    for (uint64_t a : o.avail) k += a != kNever && a + 1 <= t;
    return k;
  };
  const uint64_t err_at = c.bad_ring ? (o.doorbell.empty() && c.bad_ring == 2 ? kNever : kNever) : x.err_at;
  if (c.bad_ring) return "";  // checked by the final registers
  for (const Ev& p : o.polls) {
    if (p.cycle >= until) break;
    const uint64_t t = p.cycle;
    const uint32_t comp = completed_at(t);
    const bool err = t >= err_at, batch = std::any_of(x.batch.begin(), x.batch.end(), [&](uint64_t b) { return b <= t; });
    const bool reached = static_cast<int32_t>(comp - c.wait) >= 0;
    uint32_t want = 0;
    if (p.addr == cq::COMPLETED) want = comp;
    else
      want = (!err && posted_at(t) != comp ? cq::STATUS_BUSY.mask : 0) | (batch ? cq::STATUS_BATCH.mask : 0) |
             (err ? cq::STATUS_ERR.mask | cq::STATUS_ERR_CODE.put(x.err_code) : 0) | (reached ? cq::STATUS_REACHED.mask : 0);
    if (p.data != want) {
      std::ostringstream s;
      s << "poll of 0x" << std::hex << p.addr << " in cycle " << std::dec << t << " (" << t - o.start << " into the case): got 0x"
        << std::hex << p.data << ", want 0x" << want;
      return s.str();
    }
    ++st.polls;
  }
  const uint64_t ctrl_at = o.enable_at == kNever ? kNever : o.enable_at + 1;
  for (size_t i = 0; i < o.irq.size(); ++i) {
    const uint64_t t = o.start + i;
    if (t >= until) break;
    const bool on = t >= ctrl_at;
    const uint32_t comp = completed_at(t);
    const bool err = t >= err_at, batch = std::any_of(x.batch.begin(), x.batch.end(), [&](uint64_t b) { return b <= t; });
    const bool reached = static_cast<int32_t>(comp - (t >= ctrl_at - 1 ? c.wait : 0)) >= 0;
    const bool want = on && (((c.ctrl & cq::CTRL_IRQ_EN.mask) && (batch || err)) || ((c.ctrl & cq::CTRL_REACHED_EN.mask) && reached));
    if (o.irq[i] != want) return "irq in cycle " + std::to_string(t) + " (" + std::to_string(i) + " into the case): got " +
                                 std::to_string(o.irq[i]) + ", want " + std::to_string(want);
  }
  return "";
}

}  // namespace tinypynq::cosim::cqbench
