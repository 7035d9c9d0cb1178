// The board's roofline (docs/traces.md "Roofline"): peak compute of each PL unit and of the A9,
// and the bandwidth ceilings that feed them, from the board configuration (hw-spec §6, §2).
// Also formats the per-kernel profile line printed at TINYPYNQ_DEBUG=2.
//
//   Roofline r = Roofline::from(BoardConfig::defaults());
//   r.peak_gflops("matmul");                    // R*C MAC/cycle * 2 flop * FCLK0 = 3.2
//   r.attainable_gflops("vector", 0.25);        // min(peak, 0.25 flop/B * DDR sustained)
//   std::string line = profile_line(k, r);      // kernel, op, shape, target, cycles, us, GFLOP/s ...
#pragma once
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "base/board_config.h"

namespace tinypynq::traces {

struct Roofline {
  double pl_clock_hz = 100e6;
  double vector_gflops = 0, reduce_gflops = 0, matmul_gflops = 0, a9_gflops = 0;
  double ddr_peak_gbs = 0;  // DDR3 peak (16 bit x 1050 MT/s)
  double ddr_gbs = 0;       // sustained: peak x efficiency, the ceiling of PL traffic
  double hp_gbs = 0;        // one HP port (64 bit at its clock): the ceiling of a single stream
  double a9_gbs = 0;        // what an A9 op streams from DDR

  static Roofline from(const BoardConfig& cfg);
  // From the "board" object a trace carries (board_json()); missing keys take the defaults.
  static Roofline from_json(const nlohmann::json& board);
  static nlohmann::json board_json(const BoardConfig& cfg);  // the keys the roofline needs

  // unit: "vector", "reduce", "matmul", or "ps" (a kernel on the A9); anything else: 0.
  double peak_gflops(const std::string& unit) const;
  double ceiling_gbs(const std::string& unit) const { return unit == "ps" ? a9_gbs : ddr_gbs; }
  double attainable_gflops(const std::string& unit, double flop_per_byte) const;
};

// One kernel as the profile and the report see it.
struct KernelPoint {
  std::string name, shape, unit, target;
  uint64_t cycles = 0;
  double seconds = 0, flops = 0, bytes = 0;
  double gflops() const { return seconds > 0 ? flops / seconds * 1e-9 : 0; }
  double gbs() const { return seconds > 0 ? bytes / seconds * 1e-9 : 0; }
  double intensity() const { return bytes > 0 ? flops / bytes : 0; }
  double roof_share(const Roofline& r) const;  // achieved / attainable, 0..1 (0 when unknown)
};
std::string profile_header();
std::string profile_line(const KernelPoint& k, const Roofline& r);

}  // namespace tinypynq::traces
