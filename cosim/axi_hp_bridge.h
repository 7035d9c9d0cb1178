// SPDX-License-Identifier: MIT
// tinypynq co-simulation — the AXI read-master-to-HP-port bridge of the rtl target with
// pl_version 2 (docs/pl-v2.md "v2 on the rtl target"): a Verilated view reader's AR/R pins on one
// side, the platform's HP port and DDR model on the other. Plain C++ (no Verilator, no SystemC):
// it works on pointers into the model's ports, as axis.h does.
//
//   HpReadBridge b(pins, "HP1");
//   b.set_ddr(dmi_ptr, ddr_bytes);                // the DDR model's memory (DMI of the HP socket)
//   b.set_timing({latency, cycles_per_beat});     // the HP port's answer to this transfer's query
//   each cycle t: b.drive(t); model.eval(); if (auto f = b.sample(t)) check(*f); clock edge;
//
// Timing: ARREADY is always high; a burst of n beats whose AR handshake is in cycle i arrives
// (its last beat in the reader's buffer) in a = max(i + lat, a_prev) + n * cpb, its beats on R
// in a - 1 - (n - 1 - k) * cpb for k = 0 .. n-1: the recurrence of docs/pl-v2.md "Line buffer and
// timing", with lat and cpb what the HP port model (ps7.cpp) gives the TLM reader for the same
// transfer, so the RTL sees the DDR timing tlm uses. The AXI rules are checked apart
// (models/tlm/axi_fill_check.h), by the caller.
#pragma once

#include <cstdint>
#include <cstring>
#include <deque>
#include <optional>
#include <string>

#include "models/fp/view_reader.h"

namespace tinypynq::cosim {

// The read channels of one AXI master port (CData = uint8_t, IData = uint32_t, QData = uint64_t).
struct AxiReadPins {
  uint32_t* araddr = nullptr;
  uint8_t *arlen = nullptr, *arvalid = nullptr, *arready = nullptr;
  uint64_t* rdata = nullptr;
  uint8_t *rresp = nullptr, *rlast = nullptr, *rvalid = nullptr, *rready = nullptr;
};

class HpReadBridge {
 public:
  HpReadBridge(AxiReadPins p, std::string name) : p_(p), name_(std::move(name)) {}

  void set_ddr(const uint8_t* mem, uint64_t bytes) { mem_ = mem, bytes_ = bytes; }
  void set_timing(const pl::ReaderTiming& t) { t_ = t; }
  const pl::ReaderTiming& timing() const { return t_; }

  // Before the design is evaluated for cycle t: ARREADY, and the R beat due in t (if any).
  void drive(uint64_t t) {
    *p_.arready = 1;
    *p_.rvalid = 0, *p_.rlast = 0, *p_.rresp = 0, *p_.rdata = 0;
    if (q_.empty()) return;
    const pl::Fill& f = q_.front();
    if (f.arrive - 1 - (f.beats - 1 - beat_) * t_.cycles_per_beat != t) return;
    const uint64_t a = f.addr + 8 * beat_;
    uint64_t v = 0;
    if (mem_ && a + 8 <= bytes_) std::memcpy(&v, mem_ + a, 8);
    *p_.rdata = v, *p_.rvalid = 1, *p_.rlast = beat_ + 1 == f.beats;
  }
  // After the evaluation of cycle t: the burst whose AR was handshaken in t, if any. An R beat
  // the design did not take (RREADY low) is an error: the reader always takes its fills.
  std::optional<pl::Fill> sample(uint64_t t) {
    if (*p_.rvalid) {
      if (!*p_.rready && error_.empty())
        error_ = name_ + ": RREADY low for a beat in cycle " + std::to_string(t) + " (the reader must take every fill)";
      if (++beat_ == q_.front().beats) beat_ = 0, q_.pop_front();
    }
    if (!(*p_.arvalid && *p_.arready)) return std::nullopt;
    pl::Fill f;
    f.addr = *p_.araddr, f.beats = *p_.arlen + 1u, f.issue = t;
    f.arrive = std::max(t + t_.latency, last_arrive_) + f.beats * t_.cycles_per_beat;
    last_arrive_ = f.arrive;
    q_.push_back(f);
    ++fills_;
    return f;
  }
  void reset() { q_.clear(), beat_ = 0, last_arrive_ = 0; }  // aresetn: what was in flight is dropped
  bool busy() const { return !q_.empty(); }
  uint64_t fills() const { return fills_; }
  const std::string& error() const { return error_; }
  const std::string& name() const { return name_; }

 private:
  AxiReadPins p_;
  std::string name_;
  const uint8_t* mem_ = nullptr;
  uint64_t bytes_ = 0;
  pl::ReaderTiming t_{11, 1};
  std::deque<pl::Fill> q_;
  uint32_t beat_ = 0;
  uint64_t last_arrive_ = 0, fills_ = 0;
  std::string error_;
};

}  // namespace tinypynq::cosim
