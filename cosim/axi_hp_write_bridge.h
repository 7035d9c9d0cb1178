// SPDX-License-Identifier: MIT
// tinypynq co-simulation — the AXI write-master-to-HP-port bridge of the rtl target with
// pl_version 2: the Verilated view writer's AW/W/B pins (rtl/vw/tp_view_writer.sv inside the v2
// top) on one side, the DDR model on the other. Plain C++, on pointers into the model's ports
// (as axi_hp_bridge.h, its read twin).
//
//   HpWriteBridge b(pins, "HP0 (VW)");
//   b.set_ddr(dmi_ptr, ddr_bytes);            // writable DMI of the HP socket
//   b.begin_transfer();                       // VW accepted a START (the beats count from here)
//   each cycle t: b.drive(t); model.eval(); if (b.sample(t)) ask the port -> b.set_timing(..);
//
// Timing (the slave of cosim/vw_bench.h, which the writer's block cosim proves plan_write
// against): AWREADY is always high; W beat i of the transfer (over all its bursts) is taken from
// aw_0 + 1 + floor(i * cpb_milli / 1000), aw_0 the transfer's first AW handshake; a burst's B
// comes write_latency cycles after its last W handshake, in order, one per cycle at most. The
// rate and latency are the HP port's answer for a transfer from aw_0 (sample() returns true in
// that cycle; the caller asks the port before the next drive()). Each W beat is written to DDR
// with its strobes in its handshake cycle. The bursts are kept for the lockstep (compared with
// the TLM writer's plan when the transfer ends); the AXI rules are checked by the caller
// (models/tlm/axi_write_check.h).
#pragma once

#include <cstdint>
#include <cstring>
#include <deque>
#include <sstream>
#include <string>
#include <vector>

#include "models/fp/view_writer.h"

namespace tinypynq::cosim {

// The write channels of one AXI master port.
struct AxiWritePins {
  uint32_t* awaddr = nullptr;
  uint8_t *awlen = nullptr, *awvalid = nullptr, *awready = nullptr;
  uint64_t* wdata = nullptr;
  uint8_t *wstrb = nullptr, *wlast = nullptr, *wvalid = nullptr, *wready = nullptr;
  uint8_t *bresp = nullptr, *bvalid = nullptr, *bready = nullptr;
};

class HpWriteBridge {
 public:
  static constexpr uint64_t kNone = ~0ull;
  HpWriteBridge(AxiWritePins p, std::string name) : p_(p), name_(std::move(name)) {}

  bool has_pins() const { return p_.awaddr != nullptr; }
  void set_ddr(uint8_t* mem, uint64_t bytes) { mem_ = mem, bytes_ = bytes; }
  bool has_ddr() const { return mem_ != nullptr; }
  const uint8_t* ddr() const { return mem_; }
  void set_timing(const pl::WriterTiming& t) { t_ = t; }
  const pl::WriterTiming& timing() const { return t_; }
  // A new transfer: W beats count from its first AW; the last transfer's bursts are dropped.
  void begin_transfer() { aw0_ = kNone, w_beats_ = 0, bursts_.clear(), w_done_.clear(), wb_ = 0; }

  // Before the design is evaluated for cycle t.
  void drive(uint64_t t) {
    *p_.awready = 1;
    *p_.wready = aw0_ != kNone && t >= aw0_ + 1 + w_beats_ * t_.cpb_milli / 1000;
    *p_.bvalid = !bq_.empty() && bq_.front() <= t;
    *p_.bresp = 0;
  }
  // After the evaluation of cycle t. Returns true in the cycle of the transfer's first AW.
  bool sample(uint64_t t) {
    bool first = false;
    if (*p_.awvalid && *p_.awready) {
      pl::Burst b;
      b.addr = *p_.awaddr, b.beats = *p_.awlen + 1u, b.aw = t;
      bursts_.push_back(b);
      w_done_.push_back(0);
      if (aw0_ == kNone) aw0_ = t, first = true;
    }
    if (*p_.wvalid && *p_.wready) w_beat(t);
    if (*p_.bvalid) {
      if (!*p_.bready) fail("BREADY low for a B response in cycle " + std::to_string(t));
      bq_.pop_front();
    }
    return first;
  }
  void reset() { begin_transfer(), bq_.clear(); }  // aresetn: what was in flight is dropped
  bool busy() const { return !bq_.empty() || wb_ < bursts_.size(); }
  uint64_t aw0() const { return aw0_; }
  // The transfer's bursts as pl::plan_write states them (addr, beats, words, aw, wend, bresp).
  const std::vector<pl::Burst>& bursts() const { return bursts_; }
  uint64_t total_bursts() const { return total_bursts_; }
  const std::string& error() const { return error_; }
  const std::string& name() const { return name_; }

 private:
  void fail(const std::string& e) {
    if (error_.empty()) error_ = name_ + ": " + e;
  }
  void w_beat(uint64_t t) {
    if (wb_ >= bursts_.size()) return fail("a W beat in cycle " + std::to_string(t) + " before its AW");
    pl::Burst& b = bursts_[wb_];
    uint32_t& k = w_done_[wb_];
    const uint64_t a = b.addr + 8 * k;
    for (unsigned l = 0; l < 2; ++l) {
      const unsigned strb = (*p_.wstrb >> (4 * l)) & 0xF;
      if (strb == 0xF) {
        const uint32_t v = static_cast<uint32_t>(*p_.wdata >> (32 * l));
        if (mem_ && a + 4 * l + 4 <= bytes_) std::memcpy(mem_ + a + 4 * l, &v, 4);
        b.words |= 1u << (2 * k + l);
      } else if (strb != 0) {
        std::ostringstream o;
        o << "WSTRB 0x" << std::hex << unsigned(*p_.wstrb) << " enables part of a word in cycle " << std::dec << t;
        fail(o.str());
      }
    }
    ++w_beats_;
    if (++k < b.beats) return;
    if (!*p_.wlast) {
      std::ostringstream o;
      o << "no WLAST on the last beat of the burst at 0x" << std::hex << b.addr << std::dec << " (cycle " << t << ")";
      fail(o.str());
    }
    b.wend = t + 1;
    b.bresp = t + t_.write_latency;
    if (!bq_.empty()) b.bresp = std::max(b.bresp, bq_.back() + 1);
    bq_.push_back(b.bresp);
    ++wb_;
    ++total_bursts_;
  }

  AxiWritePins p_;
  std::string name_;
  uint8_t* mem_ = nullptr;
  uint64_t bytes_ = 0;
  pl::WriterTiming t_;
  uint64_t aw0_ = kNone, w_beats_ = 0, total_bursts_ = 0;
  std::vector<pl::Burst> bursts_;
  std::vector<uint32_t> w_done_;
  size_t wb_ = 0;  // the burst receiving W beats
  std::deque<uint64_t> bq_;
  std::string error_;
};

}  // namespace tinypynq::cosim
