// SPDX-License-Identifier: MIT
// tinypynq co-simulation — waveform output of a Verilated model clocked by hand: an FST file
// (VerilatedFstC) with monotonic dump times, converted to VCD when the options ask for one
// (waveform.h), closed before the process's static objects go.
//
//   FstWriter w;
//   w.open(opts, [&](VerilatedFstC& f) { model.trace(&f, 99); },   // the traced Verilation
//          [&] { model.eval(); w.dump(end_ps); });                   // last state, at close
//   ... model.eval(); w.dump(t_ps); ...
//   w.close();   // or at exit / destruction; a failed VCD conversion is reported on stderr
//
// Platforms live until the process exits, and may have been built during static
// initialisation (the tests do): their destructors can then run after Verilator's statics are
// gone, and ~VerilatedFstC unregisters a callback from them. So an open writer is also closed by
// an atexit handler registered when the first one opens, which runs before both.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "cosim/wave_options.h"

class VerilatedFstC;

namespace tinypynq::cosim {

class FstWriter {
 public:
  FstWriter();
  ~FstWriter();
  FstWriter(const FstWriter&) = delete;
  FstWriter& operator=(const FstWriter&) = delete;

  // Opens opt.recorded_fst(); attach hooks the model in (after dumpvars is set from
  // opt.depth: levels below the model's TOP scope). Throws std::invalid_argument naming the
  // file when it cannot be written. before_close runs while the file is still open.
  void open(const WaveOptions& opt, const std::function<void(VerilatedFstC&)>& attach,
            std::function<void()> before_close = {});
  bool is_open() const { return fst_ != nullptr; }
  // Dumps the model's values at t_ps; a time not after the last dump moves 1 ps past it (a
  // reset pulse squeezed between cycles), so nothing is dropped.
  void dump(uint64_t t_ps) {
    if (fst_) dump_open(t_ps);  // inline: the untraced model calls it twice a cycle
  }
  // Closes the file; a failed VCD conversion is reported on stderr (at exit, in destructors).
  void close();
  // The same, but a failed conversion throws std::invalid_argument.
  void finish();

 private:
  void close(bool throw_errors);
  void dump_open(uint64_t t_ps);
  std::unique_ptr<VerilatedFstC> fst_;
  WaveOptions opt_;
  std::function<void()> before_close_;
  uint64_t last_ps_ = 0;
  std::string partial_;  // written here, renamed to the FST's path when complete
  bool dumped_ = false;
};

}  // namespace tinypynq::cosim
