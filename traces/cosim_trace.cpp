#include "traces/cosim_trace.h"

#include <cmath>

#include "base/check.h"
#include "traces/schema.h"

namespace tinypynq::traces {

std::vector<TrackSpec> CosimTrace::tracks(const std::vector<int>& units) {
  std::vector<TrackSpec> t;
  for (int u : units) {
    TP_CHECK(u >= 0 && u < 3, "cosim trace: no unit ", u, " (0 vector, 1 reduce, 2 matmul)");
    const std::string n = kUnitNames[u];
    // pid by unit, so a unit keeps its place whichever units the run has.
    t.push_back({u + 1, 1, n + " unit (FCLK0)", n + " rtl"});
    t.push_back({u + 1, 2, n + " unit (FCLK0)", n + " tlm"});
  }
  return t;
}

CosimTrace::CosimTrace(const std::vector<int>& units, double pl_clock_hz) : hz_(pl_clock_hz), w_(tracks(units)) {
  TP_CHECK(pl_clock_hz > 0, "cosim trace: the PL clock must be positive, got ", pl_clock_hz, " Hz");
  for (size_t i = 0; i < units.size(); ++i)
    track_[units[i]][0] = static_cast<int>(2 * i), track_[units[i]][1] = static_cast<int>(2 * i + 1);
}

// From the cycle count since 0, not by adding rounded durations: no drift at clocks whose
// period is not a whole number of nanoseconds.
int64_t CosimTrace::ns(uint64_t cycles) const { return std::llround(static_cast<double>(cycles) * 1e9 / hz_); }

void CosimTrace::add(const CosimCommand& c) {
  TP_CHECK(c.unit >= 0 && c.unit < 3 && track_[c.unit][0] >= 0, "cosim trace: unit ", c.unit,
           " is not one of the traced units");
  Args a;
  for (int side = 0; side < 2; ++side) {
    const uint64_t cycles = side == 0 ? c.rtl_cycles : c.tlm_cycles, other = side == 0 ? c.tlm_cycles : c.rtl_cycles;
    uint64_t& at = at_[c.unit][side];
    a.clear();
    a.num("index", static_cast<double>(c.index)).str("command", c.command);
    a.num("op", c.op).num("size0", c.size[0]).num("size1", c.size[1]).num("size2", c.size[2]);
    a.num("cycles", static_cast<double>(cycles)).num("t0_cycle", static_cast<double>(at));
    a.flag("bit_exact", c.bit_exact).flag("cycle_exact", c.cycle_exact);
    if (!c.cycle_exact) a.num("other_side_cycles", static_cast<double>(other));
    if (side == 0 && !c.rtl_hung.empty()) a.str("hung", c.rtl_hung);
    const int track = track_[c.unit][side];
    w_.slice(track, c.name, side == 0 ? "rtl" : "tlm", ns(at), ns(at + cycles), a);
    if (side == 0 && !c.mismatch.empty()) {
      a.clear();
      w_.instant(track, "first mismatch", "mismatch", ns(at), a.num("index", static_cast<double>(c.index)).str("what", c.mismatch));
    }
    at += cycles;
  }
}

size_t CosimTrace::write(const std::string& path, const nlohmann::json& meta) {
  for (const auto& [k, v] : meta.items()) w_.meta(k, v);
  w_.meta("tool", "tinypynq");
  w_.meta("pl_clock_hz", hz_);
  w_.meta("time", "simulated PL cycles at FCLK0 (pl_clock_hz) in microseconds; on each track the unit's commands "
                  "one after the other from 0 (docs/traces.md)");
  return w_.write_atomic(path);
}

}  // namespace tinypynq::traces
