// SPDX-License-Identifier: MIT
// tinypynq co-simulation — the interrupt pins of a Verilated PL (IRQ_F2P) into the SystemC
// platform: a level change seen after a clocked cycle is applied to the PS's IrqSink at the
// kernel time of the cycle it shows in (the design may run ahead of the kernel: temporal
// decoupling), from an SC_METHOD sensitive to event().
//
//   IrqPins irq(period);
//   irq.bind(ps_irq, {4, 5, 6, 7, IrqPins::kNoLine});
//   SC_METHOD(irq_method); sensitive << irq.event(); dont_initialize();   // calls irq.deliver()
//   after each clocked cycle: irq.sample({top.irq_vec, top.irq_red, top.irq_mmu, vw, cq}, next_cycle);
#pragma once

#include <systemc>

#include <array>
#include <deque>

#include "models/tlm/axis.h"

namespace tinypynq::cosim {

class IrqPins {
 public:
  // vector, reduce, matmul, the view writer (v2), the command queue (v2 with the queue in RTL)
  using Levels = std::array<bool, 5>;
  static constexpr unsigned kNoLine = ~0u;  // a source this PL does not drive (its TLM model does)
  explicit IrqPins(sc_core::sc_time period) : period_(period) {}

  void bind(vp::IrqSink* sink, std::array<unsigned, 5> lines) { sink_ = sink, lines_ = lines; }
  sc_core::sc_event& event() { return ev_; }

  // The pins as cycle `at` begins (after the edge that ended cycle at - 1).
  void sample(const Levels& now, uint64_t at) {
    for (unsigned u = 0; u < 5; ++u)
      if (now[u] != level_[u] && lines_[u] != kNoLine) {
        level_[u] = now[u];
        if (q_.empty()) {
          const sc_core::sc_time t = time_of(at), k = sc_core::sc_time_stamp();
          ev_.notify(t > k ? t - k : sc_core::SC_ZERO_TIME);
        }
        q_.push_back({at, lines_[u], now[u]});
      }
  }
  // The SC_METHOD's body: every change due by now.
  void deliver() {
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    while (!q_.empty() && time_of(q_.front().at) <= now) {
      if (sink_) sink_->set_irq(q_.front().line, q_.front().level);
      q_.pop_front();
    }
    if (!q_.empty()) ev_.notify(time_of(q_.front().at) - now);
  }
  // aresetn: the levels after reset, applied at once; pending changes dropped.
  void reset(const Levels& now) {
    q_.clear();
    for (unsigned u = 0; u < 5; ++u) {
      level_[u] = now[u];
      if (sink_ && lines_[u] != kNoLine) sink_->set_irq(lines_[u], now[u]);
    }
  }

 private:
  struct Change {
    uint64_t at;
    unsigned line;
    bool level;
  };
  sc_core::sc_time time_of(uint64_t c) const { return sc_core::sc_time::from_value(c * period_.value()); }
  sc_core::sc_time period_;
  vp::IrqSink* sink_ = nullptr;
  std::array<unsigned, 5> lines_{4, 5, 6, 7, kNoLine};
  Levels level_{false, false, false, false, false};
  std::deque<Change> q_;
  sc_core::sc_event ev_;
};

}  // namespace tinypynq::cosim
