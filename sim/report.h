// Traces, profiles and reports of runs on pynq targets (docs/traces.md).
//
//   Instrument& in = instrument();                 // `--trace FILE` sets in.trace_path
//   in.begin("tlm", {{"command", "train"}, {"model", "mlp"}, {"batch", 16}});
//   for (int64_t s = 0; s < n; ++s) { in.step_begin(s); ...one step...; in.step_end(); }
//   in.end();        // writes the trace atomically; per-step table with a trace or DEBUG>=2
//
//   run_report("run.json", "plots", true, "");     // `tinypynq report run.json --out plots --png`
//   run_report("new.json", "", false, "ref.json"); // also: what changed against ref.json (exit 2)
//
// With TINYPYNQ_DEBUG=2 on a pynq target every kernel also prints a profile line (kernel, op,
// shape, target, PL cycles, predicted us, GFLOP/s, GB/s, share of the roofline) after the
// scheduler's own line. Nothing is installed on the device when neither is asked for.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace tinypynq::sim {

class Instrument {
 public:
  std::string trace_path;  // where end() writes the trace; empty: no trace

  // Starts recording on `target` if a trace or the profile is wanted and the target is a pynq
  // device; `meta` goes to the trace's otherData (with the board and the tool added).
  void begin(const std::string& target, nlohmann::json meta);
  void step_begin(int64_t step);
  void step_end();
  // Stops recording; writes the trace and, when `print`, says so and prints the per-step table
  // (stderr). Idempotent. Returns the trace's size in bytes (0 without a trace).
  size_t end(bool print = true);
  bool recording() const { return rec_ != nullptr; }
  size_t slices() const;

  ~Instrument();

 private:
  struct Recorder;
  std::unique_ptr<Recorder> rec_;
};
Instrument& instrument();

// `tinypynq report`: validates the trace, prints the summary and writes
// <out_dir>/<stem>.roofline.svg and <stem>.steps.svg (out_dir empty: next to the trace), and
// PNGs of them with rsvg-convert when `png` is set. With `compare_to`, lists what differs from
// that trace's summary and returns 2 when anything does. Throws tinypynq::Error on a bad trace.
int run_report(const std::string& trace_file, const std::string& out_dir, bool png, const std::string& compare_to);

// A PL command's name in traces (hw-spec §6): unit 0/1/2 and its OP register -> "vector EXP2",
// "reduce MAX", "matmul LOADW". The same names in run traces and cosim traces.
const std::string& pl_command_name(int unit, uint32_t op);

}  // namespace tinypynq::sim
