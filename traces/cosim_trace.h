// The timeline of `tinypynq cosim --trace FILE.json` (docs/traces.md): the random commands as
// the RTL units and their TLM twins ran them, in simulated PL cycles at FCLK0. One process per
// unit, one thread per side ("vector rtl", "vector tlm"); on each, the unit's commands one after
// the other from 0 (command i starts where i-1 ended on that track), so where CYCLES differ the
// two sides drift apart visibly. The run's first mismatch is an instant on the rtl track, at
// the start of its command. Written by TraceWriter: same format, validator and atomic write as
// a run's trace.
//
//   CosimTrace t({0, 2}, 100e6);             // vector and matmul units, FCLK0 at 100 MHz
//   CosimCommand c;  c.unit = 0;  c.name = "vector EXP2";  c.rtl_cycles = c.tlm_cycles = 37; ...
//   t.add(c);
//   t.write("cosim.json", {{"seed", 1}});    // otherData: the run, the clock, what time means
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "traces/trace_writer.h"

namespace tinypynq::traces {

struct CosimCommand {
  int64_t index = 0;            // in the run (the generator's order)
  int unit = 0;                 // 0 vector, 1 reduce, 2 matmul (kUnitNames)
  std::string name;             // the slice: "vector EXP2", "reduce SUM", "matmul LOADW"
  std::string command;          // the generator's description: opcode, sizes, streams, timing
  uint32_t op = 0;              // OP register
  uint32_t size[3] = {0, 0, 0}; // SIZE0..2
  uint64_t rtl_cycles = 0, tlm_cycles = 0;  // CYCLES of each side
  bool bit_exact = true, cycle_exact = true;
  std::string rtl_hung;         // the watchdog's reason when the RTL did not finish
  std::string mismatch;         // set on the run's first mismatch: what differs (cosim::Mismatch::str())
};

class CosimTrace {
 public:
  // units: which units the run exercises (their tracks, in this order); FCLK0 converts cycles.
  CosimTrace(const std::vector<int>& units, double pl_clock_hz);
  void add(const CosimCommand& c);
  // Writes atomically; `meta` goes to otherData with the clock and the meaning of time.
  size_t write(const std::string& path, const nlohmann::json& meta);
  size_t slices() const { return w_.slices(); }

 private:
  static std::vector<TrackSpec> tracks(const std::vector<int>& units);
  int64_t ns(uint64_t cycles) const;  // cycles since 0 -> nanoseconds at FCLK0, rounded
  double hz_;
  TraceWriter w_;
  int track_[3][2] = {{-1, -1}, {-1, -1}, {-1, -1}};  // [unit][0 rtl, 1 tlm] -> track
  uint64_t at_[3][2] = {};                            // cycles laid out so far per track
};

}  // namespace tinypynq::traces
