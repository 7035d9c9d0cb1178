#include "traces/roofline.h"

#include <algorithm>
#include <cstdio>

namespace tinypynq::traces {

Roofline Roofline::from(const BoardConfig& c) {
  Roofline r;
  r.pl_clock_hz = c.pl_clock_hz;
  // hw-spec §6.1/§6.2: two elements per cycle (one beat), one ALU op each.
  r.vector_gflops = 2 * c.pl_clock_hz * 1e-9;
  r.reduce_gflops = 2 * c.pl_clock_hz * 1e-9;
  // hw-spec §6.3: R x C PEs, one MAC (2 flop) per cycle each.
  r.matmul_gflops = 2.0 * c.mm_rows * c.mm_cols * c.pl_clock_hz * 1e-9;
  r.a9_gflops = c.a9_flops_per_cycle * c.ps_clock_hz * 1e-9;
  r.ddr_peak_gbs = c.ddr_peak_bytes_per_s * 1e-9;
  r.ddr_gbs = c.ddr_peak_bytes_per_s * c.ddr_efficiency * 1e-9;
  r.hp_gbs = c.hp_data_bytes * c.hp_clock_hz * 1e-9;
  r.a9_gbs = c.a9_stream_bytes_per_s * 1e-9;
  return r;
}

nlohmann::json Roofline::board_json(const BoardConfig& c) {
  return {{"pl_clock_hz", c.pl_clock_hz},
          {"ps_clock_hz", c.ps_clock_hz},
          {"mm_rows", c.mm_rows},
          {"mm_cols", c.mm_cols},
          {"ddr_peak_bytes_per_s", c.ddr_peak_bytes_per_s},
          {"ddr_efficiency", c.ddr_efficiency},
          {"hp_clock_hz", c.hp_clock_hz},
          {"hp_data_bytes", c.hp_data_bytes},
          {"a9_flops_per_cycle", c.a9_flops_per_cycle},
          {"a9_stream_bytes_per_s", c.a9_stream_bytes_per_s}};
}

Roofline Roofline::from_json(const nlohmann::json& b) {
  BoardConfig c = BoardConfig::defaults();
  if (b.is_object()) {
    auto num = [&](const char* k, double& v) {
      if (b.contains(k) && b[k].is_number()) v = b[k].get<double>();
    };
    auto uns = [&](const char* k, unsigned& v) {
      if (b.contains(k) && b[k].is_number_unsigned()) v = b[k].get<unsigned>();
    };
    num("pl_clock_hz", c.pl_clock_hz), num("ps_clock_hz", c.ps_clock_hz);
    uns("mm_rows", c.mm_rows), uns("mm_cols", c.mm_cols);
    num("ddr_peak_bytes_per_s", c.ddr_peak_bytes_per_s), num("ddr_efficiency", c.ddr_efficiency);
    num("hp_clock_hz", c.hp_clock_hz), uns("hp_data_bytes", c.hp_data_bytes);
    num("a9_flops_per_cycle", c.a9_flops_per_cycle), num("a9_stream_bytes_per_s", c.a9_stream_bytes_per_s);
  }
  return from(c);
}

double Roofline::peak_gflops(const std::string& unit) const {
  if (unit == "vector") return vector_gflops;
  if (unit == "reduce") return reduce_gflops;
  if (unit == "matmul") return matmul_gflops;
  if (unit == "ps") return a9_gflops;
  return 0;
}

double Roofline::attainable_gflops(const std::string& unit, double flop_per_byte) const {
  const double peak = peak_gflops(unit);
  return flop_per_byte > 0 ? std::min(peak, flop_per_byte * ceiling_gbs(unit)) : peak;
}

double KernelPoint::roof_share(const Roofline& r) const {
  const double a = r.attainable_gflops(unit, intensity());
  return a > 0 ? gflops() / a : 0;
}

std::string profile_header() {
  char b[256];
  std::snprintf(b, sizeof b, "  %-28s %-16s %-6s %-6s %10s %10s %8s %7s %6s\n", "pynq kernel", "shape", "op",
                "target", "PL cycles", "pred us", "GFLOP/s", "GB/s", "roof");
  return b;
}

std::string profile_line(const KernelPoint& k, const Roofline& r) {
  char b[320];
  std::snprintf(b, sizeof b, "  %-28.28s %-16.16s %-6s %-6s %10llu %10.2f %8.4f %7.3f %5.1f%%\n", k.name.c_str(),
                k.shape.c_str(), k.unit.c_str(), k.target.c_str(), static_cast<unsigned long long>(k.cycles),
                k.seconds * 1e6, k.gflops(), k.gbs(), 100.0 * k.roof_share(r));
  return b;
}

}  // namespace tinypynq::traces
