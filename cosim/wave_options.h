// SPDX-License-Identifier: MIT
// tinypynq — which waveforms of the Verilated PL to write: the one options type of the rtl
// target (whole run, cosim/rtl_pl.h), the `cosim` command (one file per unit, cosim/cosim.h)
// and the CLI's --fst/--vcd/--fst-depth. Plain C++: usable in builds without Verilator.
//
//   cosim::WaveOptions w{.fst_path = "run.fst"};               // FST (GTKWave, Surfer)
//   cosim::WaveOptions v{.vcd_path = "run.vcd", .depth = 2};   // VCD only: recorded as FST,
//   v.recorded_fst() == "run.vcd.tmp.fst";                     // converted when closed
#pragma once

#include <string>

namespace tinypynq::cosim {

struct WaveOptions {
  std::string fst_path;  // FST waveform (empty: none)
  std::string vcd_path;  // VCD waveform (empty: none); recorded as FST and converted at the end
  // Levels of the design in the waveform: 1 the pins (and the rtl target's TLM-side markers),
  // 2 also the top's own signals, 3 also the units' ports and registers, ...; 0 all.
  unsigned depth = 0;

  bool enabled() const { return !fst_path.empty() || !vcd_path.empty(); }
  // The FST file the simulation writes: fst_path, or a temporary next to the VCD (removed
  // after the conversion) when only a VCD was asked for; empty when none.
  std::string recorded_fst() const { return !fst_path.empty() || vcd_path.empty() ? fst_path : vcd_path + ".tmp.fst"; }
  bool fst_is_temporary() const { return fst_path.empty() && !vcd_path.empty(); }
};

}  // namespace tinypynq::cosim
