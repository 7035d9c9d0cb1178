#include "traces/schema.h"

#include <string_view>

namespace tinypynq::traces {

namespace {
// pids group the tracks in the viewers: host, PS, DMA, PL (top to bottom).
constexpr TrackInfo kTracks[kNumTracks] = {
    {1, 1, "host (tinypynq)", "training steps", "steps"},
    {1, 2, "host (tinypynq)", "kernels", "kernels"},
    {2, 1, "PS (Cortex-A9)", "A9 runtime", "PS"},
    {3, 1, "AXI DMA / HP ports", "DMA0 MM2S (stream A, HP0)", "DMA0 MM2S"},
    {3, 2, "AXI DMA / HP ports", "DMA0 S2MM (stream R, HP0)", "DMA0 S2MM"},
    {3, 3, "AXI DMA / HP ports", "DMA1 MM2S (stream B, HP1)", "DMA1 MM2S"},
    {3, 4, "AXI DMA / HP ports", "DMA2 MM2S (stream C, HP2)", "DMA2 MM2S"},
    {4, 1, "PL units (FCLK0)", "vector unit", "vector"},
    {4, 2, "PL units (FCLK0)", "reduce unit", "reduce"},
    {4, 3, "PL units (FCLK0)", "matmul unit", "matmul"},
};
constexpr bool unit_tracks_match_the_contract() {
  for (int u = 0; u < hw::kNumUnits; ++u)
    if (std::string_view(kTracks[kTrackVector + u].short_name) != hw::kUnits[u].name) return false;
  return kTrackVector + hw::kNumUnits == kNumTracks;
}
static_assert(unit_tracks_match_the_contract(), "the PL unit tracks are the contract's units, in id order");
}  // namespace

const TrackInfo& track_info(int id) { return kTracks[id]; }

int track_by_names(const std::string& process, const std::string& thread) {
  for (int i = 0; i < kNumTracks; ++i)
    if (process == kTracks[i].process && thread == kTracks[i].thread) return i;
  return -1;
}

std::string dma_bandwidth_counter(int dma_track) { return std::string(kTracks[dma_track].short_name) + " bandwidth"; }

int phase_index(const std::string& name) {
  for (int i = 0; i < kNumPhases; ++i)
    if (name == kPhaseNames[i]) return i;
  return -1;
}

}  // namespace tinypynq::traces
