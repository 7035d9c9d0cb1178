// SPDX-License-Identifier: MIT
// tinypynq co-simulation — the watchdog of a Verilated design clocked by hand: a busy design
// that makes no progress (no stream handshake, no command event) for more than `limit` cycles
// is hung; the harness reports how far each stream got and stops clocking it (or resets it).
//
//   Watchdog wd(20'000'000);
//   wd.progress(t);                          // a handshake or a command event in cycle t
//   if (busy && wd.expired(t)) fault("watchdog: no handshake for " + std::to_string(wd.quiet(t)) + ...);
#pragma once

#include <cstdint>

namespace tinypynq::cosim {

class Watchdog {
 public:
  explicit Watchdog(uint64_t limit) : limit_(limit) {}
  void progress(uint64_t t) { last_ = t; }
  uint64_t last_progress() const { return last_; }
  uint64_t quiet(uint64_t now) const { return now - last_; }  // cycles without progress
  bool expired(uint64_t now) const { return quiet(now) > limit_; }
  uint64_t limit() const { return limit_; }

 private:
  uint64_t limit_;
  uint64_t last_ = 0;
};

}  // namespace tinypynq::cosim
