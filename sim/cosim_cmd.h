// `tinypynq cosim`: seeded random commands through the Verilated units and their TLM twins,
// compared bit for bit and cycle for cycle (cosim/cosim.h).
//   tinypynq cosim --unit all --count 2000 --seed 1 [--json] [--fst waves.fst] [--trace cosim.json]
//   tinypynq cosim --unit view_reader --count 2000 --seed 1 [--json]   (pl_version 2: also view_writer)
#pragma once
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "cosim/wave_options.h"

namespace tinypynq::sim {

struct CosimOptions {
  std::string unit = "all";
  int64_t count = 200;
  uint64_t seed = 1;
  bool json = false;
  cosim::WaveOptions waves;  // --fst / --vcd: one file per unit
  std::string trace;  // Perfetto/Chrome timeline of the commands (traces/cosim_trace.h)
};

CLI::App* add_cosim_command(CLI::App& app, CosimOptions& o);
int run_cosim(const CosimOptions& o);  // exit status: 0 all equal, 1 a mismatch or an error

}  // namespace tinypynq::sim
