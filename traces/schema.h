// The layout of a tinypynq trace (docs/traces.md): which process/thread carries what, and the
// categories that make the per-phase sums. Writers (sim/report.cpp) and readers (summary.cpp)
// both use this table, so a track is found by its names, never by a number in the file.
//
//   const TrackInfo& t = track_info(kTrackPs);   // pid 2 "PS (Cortex-A9)", tid 1 "A9 runtime"
//   int id = track_by_names("PL units (FCLK0)", "matmul unit");   // kTrackMatmul, or -1
#pragma once
#include <string>

#include "hw/tp_contract.h"

namespace tinypynq::traces {

// In the order of pynq::Track (sim/report.cpp relies on it).
enum TrackId : int {
  kTrackSteps, kTrackKernels, kTrackPs,
  kTrackDma0Mm2s, kTrackDma0S2mm, kTrackDma1Mm2s, kTrackDma2Mm2s,
  kTrackVector, kTrackReduce, kTrackMatmul,
  kNumTracks
};

struct TrackInfo {
  int pid, tid;
  const char* process;
  const char* thread;
  const char* short_name;  // in tables: "PS", "DMA0 MM2S", "vector", ...
};
const TrackInfo& track_info(int id);
int track_by_names(const std::string& process, const std::string& thread);  // -1: not ours

// The phases of the prediction (pynq::Phase order), as slice categories and summary keys: the
// PL contract's list (hw/pl_contract.json).
inline constexpr int kNumPhases = hw::kNumPhases;
inline constexpr const auto& kPhaseNames = hw::kPhaseNames;
int phase_index(const std::string& name);  // -1: not a phase

// The PL units by id (the contract's names).
inline constexpr const char* kUnitNames[hw::kNumUnits] = {hw::kUnits[0].name, hw::kUnits[1].name, hw::kUnits[2].name};

// Counters (process "AXI DMA / HP ports"), one track each: a DMA channel's bandwidth while its
// beats move, "DMA0 MM2S bandwidth" (series "MB/s"), and all DMA traffic as a share of the DDR peak.
std::string dma_bandwidth_counter(int dma_track);
inline constexpr const char* kCounterDdrUtil = "DDR utilisation by the DMAs";

}  // namespace tinypynq::traces
