// `tinypynq calibrate`: micro-benchmarks, through the one driver API, of what the prediction
// assumes, and a board config (docs/board-config.md) with the measured values written in.
//
//   tinypynq calibrate --target board --out pynq_z2_measured.json   # on the board, as root
//   tinypynq --board pynq_z2_measured.json train --target tlm        # predictions from them
//   tinypynq calibrate --target tlm      # recovers the config's own constants (the self-test)
//
// Measured through the driver on any target: GP0 register write and read latency, FCLK0
// against the SYS time counter, cache clean/invalidate rates, the per-command overhead of the
// runtime, the IRQ latency (interrupt wait vs the finest polling), DMA copy time against size
// and each unit's cycles on reference commands (reported, with a bit-exact check of the copy).
// On the board only (wall clock on the A9): memcpy, NEON multiply-accumulate, transcendental
// and streaming rates. On tlm those are the cost table itself (nothing to time): kept.
#pragma once
#include <string>
#include <vector>

#include "base/board_config.h"
#include "runtime/driver.h"

namespace CLI {
class App;
}

namespace tinypynq::sim {

struct CalRow {
  std::string key;        // a BoardConfig key, or a measurement that is only reported
  double measured = 0;    // in the key's unit
  double configured = 0;  // the input config's value (NaN for report-only rows)
  std::string unit, how;
  bool written = false;   // went into the output config
};
struct Calibration {
  BoardConfig cfg;  // the input with the measured keys replaced
  std::vector<CalRow> rows;
  std::string table() const;
  std::string to_json() const;  // {"target":..., "rows":[...], "config":{...}}
};

// Runs every micro-benchmark on `d`; `wall_clock` is true for the board (A9 rates are timed).
Calibration calibrate(pynq::Driver& d, const BoardConfig& in, bool wall_clock, bool quick = false);

struct CalibrateOptions {
  std::string target = "tlm", out;
  bool json = false, quick = false;
  std::string udmabuf = "udmabuf0";
};
CLI::App* add_calibrate_command(CLI::App& app, CalibrateOptions& o);
int run_calibrate(const CalibrateOptions& o, const BoardConfig& cfg);

}  // namespace tinypynq::sim
