#include "traces/summary.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "base/check.h"

namespace tinypynq::traces {

using nlohmann::json;

namespace {

double arg(const Event& e, const char* key) {
  auto it = e.args.find(key);
  return it != e.args.end() && it->is_number() ? it->get<double>() : 0.0;
}
std::string sarg(const Event& e, const char* key) {
  auto it = e.args.find(key);
  return it != e.args.end() && it->is_string() ? it->get<std::string>() : "";
}
int unit_index(const std::string& u) {
  for (int i = 0; i < 3; ++i)
    if (u == kUnitNames[i]) return i;
  return -1;
}
std::string fmt(const char* f, double a, double b = 0, double c = 0, double d = 0) {
  char buf[256];
  std::snprintf(buf, sizeof buf, f, a, b, c, d);
  return buf;
}

}  // namespace

double StepStat::board() const {
  double b = 0;
  for (double p : phase) b += p;
  return b;
}

Summary summarize(const Trace& t) {
  Summary s;
  s.meta = t.other;
  s.roof = Roofline::from_json(t.other.contains("board") ? t.other["board"] : json::object());
  std::map<std::pair<int64_t, int64_t>, int> ids;  // (pid, tid) -> schema track, by names
  for (auto& [key, thread] : t.thread_names) {
    auto p = t.process_names.find(key.first);
    const int id = p == t.process_names.end() ? -1 : track_by_names(p->second, thread);
    if (id >= 0) ids[key] = id;
  }
  TP_CHECK(!ids.empty() || t.other.value("command", json()) != "cosim",
           "this is a `tinypynq cosim --trace` timeline (RTL units vs TLM twins, command by command): open it in "
           "ui.perfetto.dev; `report` summarises the traces of training runs");
  TP_CHECK(!ids.empty(), "the trace has none of tinypynq's tracks (process and thread names of docs/traces.md): "
                         "was it written by `tinypynq ... --trace`?");
  auto track_of = [&](const Event& e) {
    auto it = ids.find({e.pid, e.tid});
    return e.ph == 'X' && it != ids.end() ? it->second : -1;
  };
  for (const Event& e : t.events)
    if (track_of(e) == kTrackSteps)
      s.steps.push_back({static_cast<int64_t>(arg(e, "step")), e.ts * 1e-6, (e.ts + e.dur) * 1e-6, {}, 0});
  std::sort(s.steps.begin(), s.steps.end(), [](auto& a, auto& b) { return a.t0 < b.t0; });
  auto step_of = [&](double ts) -> StepStat* {  // the step whose [t0, t1) holds ts
    auto it = std::upper_bound(s.steps.begin(), s.steps.end(), ts, [](double v, auto& st) { return v < st.t0; });
    if (it == s.steps.begin()) return nullptr;
    --it;
    return ts < it->t1 ? &*it : nullptr;
  };
  std::map<std::string, KernelStat> kernels;
  for (const Event& e : t.events) {
    const int id = track_of(e);
    if (id < 0) continue;
    const double dur = e.dur * 1e-6;
    TrackStat& ts = s.tracks[id];
    ++ts.slices;
    if (e.cat != "wait") ts.busy_s += dur;
    StepStat* st = step_of(e.ts * 1e-6);
    auto add = [&](int phase, double v) {
      s.phase[phase] += v;
      if (st) st->phase[phase] += v;
    };
    if (id == kTrackPs) {
      if (int p = phase_index(e.cat); p >= 0) {
        add(p, dur);
      } else if (e.cat == "wait") {  // inside a ps_driver slice: the PL's busy time and the DMA's rest
        add(phase_index("ps_driver"), -dur);
        add(phase_index("dma"), arg(e, "dma_s"));
        if (int u = unit_index(sarg(e, "unit")); u >= 0) add(phase_index("pl_vector") + u, arg(e, "unit_s"));
      }
    } else if (id == kTrackKernels) {
      const std::string shape = sarg(e, "shape");
      KernelStat& k = kernels[e.name + " " + shape];
      k.name = e.name, k.shape = shape, k.unit = sarg(e, "unit"), k.target = sarg(e, "target");
      ++k.count;
      k.cycles += static_cast<uint64_t>(arg(e, "pl_cycles"));
      k.seconds += dur;
      k.flops += arg(e, "flops");
      k.bytes += arg(e, "dma_bytes");
      k.a9_seconds += arg(e, "a9_s");
      s.a9_only_s += arg(e, "a9_s");
      if (st) st->a9_only += arg(e, "a9_s");
    } else if (id >= kTrackVector) {
      ++s.unit_commands[id - kTrackVector];
      s.unit_cycles[id - kTrackVector] += static_cast<uint64_t>(arg(e, "cycles"));
    } else if (id >= kTrackDma0Mm2s) {
      s.dma_bytes[id - kTrackDma0Mm2s] += arg(e, "bytes");
    }
  }
  // The A9-only estimate also moves the same data in and out (pynq_device.h).
  const int copy = phase_index("ps_copy");
  s.a9_only_s += s.phase[copy];
  for (StepStat& st : s.steps) st.a9_only += st.phase[copy];
  for (double p : s.phase) s.board_s += p;
  for (auto& [key, k] : kernels) s.kernels.push_back(k);
  std::stable_sort(s.kernels.begin(), s.kernels.end(), [](auto& a, auto& b) { return a.seconds > b.seconds; });
  return s;
}

std::vector<std::string> compare(const Summary& ref, const Summary& now, double tol) {
  std::vector<std::string> d;
  for (const char* k : {"command", "target", "model", "batch", "steps", "seed", "board"}) {
    const json a = ref.meta.value(k, json()), b = now.meta.value(k, json());
    if (a != b) d.push_back(std::string("run parameter ") + k + ": reference " + a.dump() + ", now " + b.dump());
  }
  auto differs = [&](double a, double b) { return std::fabs(a - b) > tol * std::max(std::fabs(a), std::fabs(b)) + 1e-15; };
  auto time = [&](const std::string& what, double a, double b) {
    if (differs(a, b))
      d.push_back(what + ": reference " + fmt("%.3f us, now %.3f us (%+.3f%%)", a * 1e6, b * 1e6,
                                                a ? 100.0 * (b - a) / a : 100.0));
  };
  for (int i = 0; i < kNumTracks; ++i)
    if (ref.tracks[i].slices != now.tracks[i].slices)
      d.push_back(std::string("track ") + track_info(i).thread + ": " + std::to_string(ref.tracks[i].slices) +
                  " slices in the reference, " + std::to_string(now.tracks[i].slices) + " now");
  for (int i = 0; i < kNumPhases; ++i) time(std::string("phase ") + kPhaseNames[i], ref.phase[i], now.phase[i]);
  time("predicted board time", ref.board_s, now.board_s);
  time("A9-only estimate", ref.a9_only_s, now.a9_only_s);
  for (int u = 0; u < 3; ++u) {
    if (ref.unit_commands[u] != now.unit_commands[u])
      d.push_back(std::string(kUnitNames[u]) + " unit commands: reference " + std::to_string(ref.unit_commands[u]) +
                  ", now " + std::to_string(now.unit_commands[u]));
    if (ref.unit_cycles[u] != now.unit_cycles[u])
      d.push_back(std::string(kUnitNames[u]) + " unit cycles: reference " + std::to_string(ref.unit_cycles[u]) +
                  ", now " + std::to_string(now.unit_cycles[u]) +
                  fmt(" (%+.3f%%)", ref.unit_cycles[u] ? 100.0 * (double(now.unit_cycles[u]) - double(ref.unit_cycles[u])) /
                                                             double(ref.unit_cycles[u])
                                                       : 100.0));
  }
  for (int c = 0; c < 4; ++c)
    if (ref.dma_bytes[c] != now.dma_bytes[c])
      d.push_back(std::string(track_info(kTrackDma0Mm2s + c).short_name) + fmt(" bytes: reference %.0f, now %.0f", ref.dma_bytes[c], now.dma_bytes[c]));
  if (ref.steps.size() != now.steps.size())
    d.push_back("steps: " + std::to_string(ref.steps.size()) + " in the reference, " + std::to_string(now.steps.size()) + " now");
  else
    for (size_t i = 0; i < ref.steps.size(); ++i) time("step " + std::to_string(i) + " board time", ref.steps[i].board(), now.steps[i].board());
  return d;
}

std::string steps_table(const std::vector<StepStat>& steps, size_t max_rows) {
  if (steps.empty()) return "";
  std::string o = "per-step predicted PYNQ-Z2 time (ms):\n";
  char b[256];
  std::snprintf(b, sizeof b, "  %5s %9s %8s %8s %8s %8s %8s %8s %9s %8s\n", "step", "board", "PS", "DMA", "vector",
                "reduce", "matmul", "fallback", "A9 only", "speed-up");
  o += b;
  auto row = [&](const std::string& label, const StepStat& s, double n) {
    double ps = 0;
    for (int i = 0; i < 4; ++i) ps += s.phase[i];  // driver, cache, copy, pack
    const double board = s.board();
    std::snprintf(b, sizeof b, "  %5s %9.3f %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f %9.3f %7.2fx\n", label.c_str(),
                  board / n * 1e3, ps / n * 1e3, s.phase[5] / n * 1e3, s.phase[6] / n * 1e3, s.phase[7] / n * 1e3,
                  s.phase[8] / n * 1e3, s.phase[4] / n * 1e3, s.a9_only / n * 1e3, board > 0 ? s.a9_only / board : 0);
    o += b;
  };
  StepStat mean;
  for (size_t i = 0; i < steps.size(); ++i) {
    for (int p = 0; p < kNumPhases; ++p) mean.phase[p] += steps[i].phase[p];
    mean.a9_only += steps[i].a9_only;
    if (steps.size() <= max_rows || i < max_rows - 3 || i + 3 >= steps.size()) row(std::to_string(steps[i].step), steps[i], 1);
    else if (i == max_rows - 3) o += "    ...\n";
  }
  row("mean", mean, static_cast<double>(steps.size()));
  return o;
}

std::string summary_table(const Summary& s, size_t top) {
  std::string o;
  const json& m = s.meta;
  const double n = s.steps.empty() ? 1.0 : static_cast<double>(s.steps.size());
  o += "run: " + m.value("command", std::string("?")) + ", model " + m.value("model", std::string("?")) + " on " +
       m.value("target", std::string("?")) + ", batch " + m.value("batch", json()).dump() + ", " +
       std::to_string(s.steps.size()) + " traced step(s), seed " + m.value("seed", json()).dump() + "\n";
  o += "predicted PYNQ-Z2 time (from the trace):\n";
  char b[256];
  std::snprintf(b, sizeof b, "  %-12s %12s %12s %7s\n", "phase", "total ms", "per step ms", "share");
  o += b;
  for (int i = 0; i < kNumPhases; ++i) {
    std::snprintf(b, sizeof b, "  %-12s %12.4f %12.4f %6.1f%%\n", kPhaseNames[i], s.phase[i] * 1e3, s.phase[i] / n * 1e3,
                  s.board_s > 0 ? 100.0 * s.phase[i] / s.board_s : 0.0);
    o += b;
  }
  std::snprintf(b, sizeof b, "  %-12s %12.4f %12.4f\n", "board total", s.board_s * 1e3, s.board_s / n * 1e3);
  o += b;
  std::snprintf(b, sizeof b, "  %-12s %12.4f %12.4f   -> speed-up %.2fx over the A9 alone\n", "A9 only",
                s.a9_only_s * 1e3, s.a9_only_s / n * 1e3, s.board_s > 0 ? s.a9_only_s / s.board_s : 0.0);
  o += b;
  o += "PL units:        commands       cycles   busy ms\n";
  for (int u = 0; u < 3; ++u) {
    std::snprintf(b, sizeof b, "  %-12s %11llu %12llu %9.4f\n", kUnitNames[u], (unsigned long long)s.unit_commands[u],
                  (unsigned long long)s.unit_cycles[u], s.tracks[kTrackVector + u].busy_s * 1e3);
    o += b;
  }
  o += "DMA channels:   transfers           MB   busy ms\n";
  for (int c = 0; c < 4; ++c) {
    std::snprintf(b, sizeof b, "  %-12s %11lld %12.3f %9.4f\n", track_info(kTrackDma0Mm2s + c).short_name,
                  (long long)s.tracks[kTrackDma0Mm2s + c].slices, s.dma_bytes[c] * 1e-6,
                  s.tracks[kTrackDma0Mm2s + c].busy_s * 1e3);
    o += b;
  }
  std::snprintf(b, sizeof b, "kernels (top %zu of %zu by predicted time; roof = share of the attainable roofline):\n",
                std::min(top, s.kernels.size()), s.kernels.size());
  o += b;
  std::snprintf(b, sizeof b, "  %-28s %-16s %-6s %5s %9s %9s %8s %7s %6s\n", "kernel", "shape", "op", "calls", "total ms",
                "A9 ms", "GFLOP/s", "GB/s", "roof");
  o += b;
  for (size_t i = 0; i < s.kernels.size() && i < top; ++i) {
    const KernelStat& k = s.kernels[i];
    std::snprintf(b, sizeof b, "  %-28.28s %-16.16s %-6s %5lld %9.4f %9.4f %8.4f %7.3f %5.1f%%\n", k.name.c_str(),
                  k.shape.c_str(), k.unit.c_str(), (long long)k.count, k.seconds * 1e3, k.a9_seconds * 1e3, k.gflops(),
                  k.gbs(), 100.0 * k.roof_share(s.roof));
    o += b;
  }
  o += steps_table(s.steps);
  return o;
}

}  // namespace tinypynq::traces
