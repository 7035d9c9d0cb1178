// What a tinypynq trace says, in numbers (docs/traces.md "Summary"): slices and busy time per
// track, the predicted board time per phase (the same split as PynqStats), commands and cycles
// per PL unit, a breakdown per training step and per kernel. The report prints it; the
// reference test compares it with the one of a stored trace.
//
//   Summary s = summarize(read_trace("run.json"));
//   std::fputs(summary_table(s).c_str(), stdout);
//   for (auto& diff : compare(reference, s)) std::puts(diff.c_str());   // empty: same timing
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "traces/roofline.h"
#include "traces/schema.h"
#include "traces/trace_reader.h"

namespace tinypynq::traces {

struct StepStat {
  int64_t step = 0;
  double t0 = 0, t1 = 0;                 // seconds
  std::array<double, kNumPhases> phase{};  // seconds
  double a9_only = 0;
  double board() const;
};

struct TrackStat {
  int64_t slices = 0;
  double busy_s = 0;  // summed durations (nested slices of the PS count inside their parent)
};

struct KernelStat : KernelPoint {  // summed over the calls of one kernel name + shape
  int64_t count = 0;
  double a9_seconds = 0;
};

struct Summary {
  nlohmann::json meta = nlohmann::json::object();  // the trace's otherData
  Roofline roof;
  std::array<TrackStat, kNumTracks> tracks{};
  std::array<double, kNumPhases> phase{};  // seconds
  double board_s = 0, a9_only_s = 0;
  uint64_t unit_commands[3] = {0, 0, 0}, unit_cycles[3] = {0, 0, 0};
  double dma_bytes[4] = {0, 0, 0, 0};      // per DMA track, in track order
  std::vector<StepStat> steps;
  std::vector<KernelStat> kernels;         // most predicted time first
};

// Throws tinypynq::Error when the trace has none of tinypynq's tracks.
Summary summarize(const Trace& t);
// Differences that matter (track slice counts, phase totals, unit cycles, DMA bytes, steps),
// each naming the quantity, both values and the change; empty when the timing is the same.
std::vector<std::string> compare(const Summary& ref, const Summary& now, double rel_tol = 1e-9);

std::string summary_table(const Summary& s, size_t top_kernels = 12);
std::string steps_table(const std::vector<StepStat>& steps, size_t max_rows = 20);

}  // namespace tinypynq::traces
