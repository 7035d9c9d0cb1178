// SPDX-License-Identifier: MIT
// tinypynq co-simulation — pin-level AXI4-Stream transactors (64-bit TDATA) for Verilated
// models clocked by hand: a source that drives a design's slave input beat by beat on a
// pl::BeatSchedule, and a sink that takes a design's master output with TREADY on a schedule
// and checks the design's side of the protocol. Plain C++ (no Verilator, no SystemC): they
// work on a port struct of pointers into the model's ports, so the same code drives a bare
// unit (tests/rtl, cosim.cpp) and the top inside the SystemC platform (rtl_pl.cpp).
//
//   PinAxisSource a(unit_in(m, 0), "A");          // cosim/ports.h builds the port structs
//   PinAxisSink r(unit_out(m), "R");
//   a.load(bytes, n_bytes, &sched);  r.arm(&ready_sched);
//   for (Cycle t = 0;; ++t) {        // one cycle:
//     a.drive(t); r.drive(t);        //   inputs for cycle t
//     m.eval();
//     a.sample(); r.sample(t);       //   handshakes of cycle t (before the edge)
//     clock_edge(m);
//   }
//
// Cycle numbering is the caller's (absolute kernel cycles in the platform, cycles from START in
// the unit benches); schedules use the same numbering.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "models/fp/beat_schedule.h"

namespace tinypynq::cosim {

using Cycle = uint64_t;
constexpr unsigned kAxisBeatBytes = 8;  // 64-bit streams (hw-spec §3)

// The pins of one AXI4-Stream port, as pointers into a Verilated model (CData = uint8_t for
// 1..8-bit ports, QData = uint64_t for TDATA). tkeep may be null (a port without TKEEP).
struct AxisPins {
  uint8_t* tvalid = nullptr;
  uint64_t* tdata = nullptr;
  uint8_t* tkeep = nullptr;
  uint8_t* tlast = nullptr;
  uint8_t* tready = nullptr;
};

// Drives a design's AXI-Stream slave input with one packet at a time. Beat i is valid from
// cycle sched.at(i) and after beat i-1's handshake (what an MM2S channel with a FIFO does);
// TKEEP trims the last beat; TLAST marks the last beat. Between packets TVALID is low and the
// other pins are 0.
// The first cycle the beat on a stream's pins has been valid (an AXI-Stream beat, once valid,
// stays valid until its handshake): sample() after each evaluated cycle. The writer's replan
// (AxisSink::put_beats) and the readers' checks compare these offers, not the handshakes.
class ValidSince {
 public:
  Cycle sample(Cycle t, bool valid, bool handshake) {
    if (valid && !held_) since_ = t;
    held_ = valid && !handshake;
    return since_;
  }
  Cycle since() const { return since_; }  // of the beat valid in the last cycle sampled
  bool held() const { return held_; }     // valid without a handshake in the last cycle sampled
  void reset() { held_ = false; }

 private:
  bool held_ = false;
  Cycle since_ = 0;
};

class PinAxisSource {
 public:
  PinAxisSource(AxisPins p, std::string name) : p_(p), name_(std::move(name)) {}

  // A new packet of `bytes` bytes from `data` (not copied: must stay valid while active()).
  // sched: earliest cycle of each beat (null: every beat at once). flip_tlast >= 0 inverts
  // TLAST on that beat (protocol tests of the design: an early or a missing TLAST).
  void load(const uint8_t* data, uint64_t bytes, const pl::BeatSchedule* sched = nullptr, int64_t flip_tlast = -1) {
    data_ = data, bytes_ = bytes, beats_ = (bytes + kAxisBeatBytes - 1) / kAxisBeatBytes;
    sched_ = sched ? *sched : pl::BeatSchedule{};
    timed_ = sched != nullptr;
    arrival_ = nullptr;
    flip_ = flip_tlast;
    next_ = 0;
    active_ = beats_ > 0;
  }
  // The same with an explicit earliest cycle per beat (arrival->size() >= beats; not copied).
  void load_at(const uint8_t* data, uint64_t bytes, const std::vector<uint64_t>* arrival, int64_t flip_tlast = -1) {
    load(data, bytes, nullptr, flip_tlast);
    arrival_ = arrival;
  }
  // What TDATA carries while TVALID is low (default 0): benches drive junk to show that the
  // design ignores it.
  void set_idle_data(uint64_t d) { idle_data_ = d; }
  // No packet (TVALID low from the next drive()).
  void clear() { active_ = false, valid_ = false, next_ = 0, beats_ = 0; }

  // Before the design is evaluated for cycle t: TVALID and the beat.
  void drive(Cycle t) {
    valid_ = active_ && next_ < beats_ && (arrival_ ? (*arrival_)[next_] <= t : !timed_ || sched_.at(next_) <= t);
    uint64_t d = idle_data_;
    uint8_t keep = 0;
    bool last = false;
    if (valid_) {
      d = 0;
      const uint64_t off = next_ * kAxisBeatBytes;
      const uint64_t n = bytes_ - off < kAxisBeatBytes ? bytes_ - off : kAxisBeatBytes;
      std::memcpy(&d, data_ + off, n);
      keep = static_cast<uint8_t>((1u << n) - 1);
      last = (next_ + 1 == beats_) != (static_cast<int64_t>(next_) == flip_);
    }
    *p_.tvalid = valid_;
    *p_.tdata = d;
    if (p_.tkeep) *p_.tkeep = keep;
    *p_.tlast = last;
  }
  // After the evaluation, before the clock edge: true if a beat was handshaken in this cycle.
  bool sample() {
    if (!(valid_ && *p_.tready)) return false;
    if (++next_ == beats_) active_ = false;
    return true;
  }
  // Pins idle (TVALID low) without forgetting the packet: reset pulses.
  void idle() {
    valid_ = false;
    if (!p_.tvalid) return;  // a stream the model does not have
    *p_.tvalid = 0, *p_.tdata = 0, *p_.tlast = 0;
    if (p_.tkeep) *p_.tkeep = 0;
  }

  bool active() const { return active_; }       // a packet with beats still to send
  bool valid() const { return valid_; }         // TVALID in the cycle last driven
  bool design_ready() const { return *p_.tready; }  // the design's TREADY (after evaluation)
  uint64_t sent() const { return next_; }       // beats handshaken of the current packet
  uint64_t beats() const { return beats_; }
  bool finished() const { return beats_ && next_ == beats_; }  // the whole packet went
  const std::string& name() const { return name_; }

 private:
  AxisPins p_;
  std::string name_;
  const uint8_t* data_ = nullptr;
  uint64_t bytes_ = 0, beats_ = 0, next_ = 0;
  pl::BeatSchedule sched_;
  const std::vector<uint64_t>* arrival_ = nullptr;
  uint64_t idle_data_ = 0;
  bool timed_ = false, active_ = false, valid_ = false;
  int64_t flip_ = -1;
};

// Takes a design's AXI-Stream master output: TREADY(t) = armed && t >= ready.at(beats accepted)
// (what an S2MM channel does); the accepted bytes (TKEEP-trimmed) are collected until TLAST.
// Checks the design's obligations (AMBA AXI4-Stream §2.2.1): once TVALID is high it stays
// high, with TDATA, TKEEP and TLAST unchanged, until the handshake. The first violation is
// kept (violation()); new_violation() is true once, in the cycle it was found.
class PinAxisSink {
 public:
  enum Event { kNone, kBeat, kLast };  // what sample() saw: no handshake, a beat, the TLAST beat

  PinAxisSink(AxisPins p, std::string name) : p_(p), name_(std::move(name)) {}

  // Accept a packet (null: TREADY from the first cycle, every cycle).
  void arm(const pl::BeatSchedule* ready = nullptr) {
    ready_ = ready ? *ready : pl::BeatSchedule{};
    timed_ = ready != nullptr;
    ready_fn_ = nullptr;
    armed_ = true;
    accepted_ = 0;
    bytes_.clear();
    presented_.clear();
  }
  // A sink that replans from the producer's offers (the TLM view writer) changed its schedule
  // after the packet was armed: TREADY follows the new one from the next cycle driven.
  void set_ready(const pl::BeatSchedule& ready) { ready_ = ready; }
  // TREADY decided by the test bench: ready(t, beats accepted so far) (stalls of any shape).
  void arm(std::function<bool(Cycle, uint64_t)> ready) {
    arm(nullptr);
    ready_fn_ = std::move(ready);
  }
  void disarm() { armed_ = false, ready_fn_ = nullptr; }
  // A reset pulse: TREADY low, and the design may drop TVALID (what was offered is forgotten).
  void reset() { offered_.reset(), rdy_ = false, *p_.tready = 0; }

  void drive(Cycle t) {
    rdy_ = armed_ && (ready_fn_ ? ready_fn_(t, accepted_) : !timed_ || t >= ready_.at(accepted_));
    *p_.tready = rdy_;
  }
  // After the evaluation of cycle t, before the clock edge.
  Event sample(Cycle t) {
    const bool pending = offered_.held();
    const bool v = *p_.tvalid;
    const uint64_t d = *p_.tdata;
    const uint8_t k = p_.tkeep ? *p_.tkeep : 0xFF;
    const bool l = *p_.tlast;
    if (pending && violation_.empty()) {
      const char* what = !v                ? "TVALID dropped"
                         : d != held_data_ ? "TDATA changed"
                         : k != held_keep_ ? "TKEEP changed"
                         : l != held_last_ ? "TLAST changed"
                                           : nullptr;
      if (what) {
        violation_ = "AXI-Stream protocol violation on " + name_ + " in cycle " + std::to_string(t) + ": " + what +
                     " before the handshake (TVALID high without TREADY since cycle " + std::to_string(offered_.since()) +
                     ")";
        fresh_ = true;
      }
    }
    const Cycle since = offered_.sample(t, v, rdy_);
    if (v && !rdy_) held_data_ = d, held_keep_ = k, held_last_ = l;
    if (!(v && rdy_)) return kNone;
    ++accepted_;
    presented_.push_back(since);
    last_data_ = d, last_keep_ = k;
    const unsigned n = static_cast<unsigned>(__builtin_popcount(k));
    const auto* b = reinterpret_cast<const uint8_t*>(&d);
    bytes_.insert(bytes_.end(), b, b + n);
    if (!l) return kBeat;
    armed_ = false;
    return kLast;
  }
  // The last accepted beat's bytes (TKEEP-trimmed): out[0..n).
  unsigned last_bytes(const uint8_t** out) const {
    *out = reinterpret_cast<const uint8_t*>(&last_data_);
    return static_cast<unsigned>(__builtin_popcount(last_keep_));
  }

  bool armed() const { return armed_; }
  bool ready() const { return rdy_; }                   // TREADY in the cycle last driven
  uint64_t accepted() const { return accepted_; }       // beats of the current packet
  const std::vector<uint8_t>& bytes() const { return bytes_; }  // the packet so far
  // The first cycle each accepted beat of the packet was valid (AxisSink::put_beats' offers).
  const std::vector<uint64_t>& presented() const { return presented_; }
  uint64_t last_data() const { return last_data_; }
  uint8_t last_keep() const { return last_keep_; }
  const std::string& violation() const { return violation_; }
  bool new_violation() { return fresh_ ? (fresh_ = false, true) : false; }
  const std::string& name() const { return name_; }

 private:
  AxisPins p_;
  std::string name_;
  pl::BeatSchedule ready_;
  std::function<bool(Cycle, uint64_t)> ready_fn_;
  bool timed_ = false, armed_ = false, rdy_ = false;
  uint64_t accepted_ = 0;
  std::vector<uint8_t> bytes_;
  std::vector<uint64_t> presented_;
  uint64_t last_data_ = 0;
  uint8_t last_keep_ = 0;
  // protocol monitor: the beat offered without TREADY in the previous cycle
  bool held_last_ = false, fresh_ = false;
  ValidSince offered_;
  uint64_t held_data_ = 0;
  uint8_t held_keep_ = 0;
  std::string violation_;
};

}  // namespace tinypynq::cosim
