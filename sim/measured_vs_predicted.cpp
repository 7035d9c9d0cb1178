#include "sim/measured_vs_predicted.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace tinypynq::sim {

namespace {
std::string target_of(const traces::Summary& s) {
  return s.meta.contains("target") && s.meta["target"].is_string() ? s.meta["target"].get<std::string>() : "?";
}
void line(std::string& out, const char* fmt, const std::string& name, double m, double p, bool have_m, bool have_p,
          const std::string& extra = "") {
  char b[320], ms[32] = "-", ps[32] = "-", rs[32] = "-";
  if (have_m) std::snprintf(ms, sizeof ms, "%.3f", m * 1e3);
  if (have_p) std::snprintf(ps, sizeof ps, "%.3f", p * 1e3);
  if (have_m && have_p && p > 0) std::snprintf(rs, sizeof rs, "%.3f", m / p);
  std::snprintf(b, sizeof b, fmt, name.c_str(), ms, ps, rs, extra.c_str());
  std::string l = b;
  while (l.size() > 1 && l[l.size() - 2] == ' ') l.erase(l.size() - 2, 1);  // no trailing blanks
  out += l;
}
}  // namespace

std::string measured_vs_predicted(const traces::Summary& m, const traces::Summary& p, size_t top_kernels) {
  std::string out = "measured (" + target_of(m) + ") vs predicted (" + target_of(p) + "), milliseconds; ratio = measured/predicted\n";
  const char* row = "  %-34s %12s %12s %8s %s\n";
  char head[200];
  std::snprintf(head, sizeof head, "  %-34s %12s %12s %8s\n", "phase", "measured", "predicted", "ratio");
  out += head;
  for (int i = 0; i < traces::kNumPhases; ++i) line(out, row, traces::kPhaseNames[i], m.phase[i], p.phase[i], true, true);
  line(out, row, "total (board time)", m.board_s, p.board_s, true, true);
  line(out, row, "A9 alone (cost model)", m.a9_only_s, p.a9_only_s, true, true);
  // Kernels by name + shape.
  struct Pair { const traces::KernelStat *m = nullptr, *p = nullptr; };
  std::map<std::string, Pair> by;
  for (const auto& k : m.kernels) by[k.name + " " + k.shape].m = &k;
  for (const auto& k : p.kernels) by[k.name + " " + k.shape].p = &k;
  std::vector<std::pair<std::string, Pair>> ks(by.begin(), by.end());
  std::sort(ks.begin(), ks.end(), [](const auto& a, const auto& b) {
    const double x = a.second.p ? a.second.p->seconds : a.second.m->seconds;
    const double y = b.second.p ? b.second.p->seconds : b.second.m->seconds;
    return x != y ? x > y : a.first < b.first;
  });
  std::snprintf(head, sizeof head, row, "kernel (name shape)", "measured", "predicted", "ratio", "calls");
  out += head;
  for (size_t i = 0; i < ks.size() && i < top_kernels; ++i) {
    const Pair& q = ks[i].second;
    const std::string calls = std::to_string(q.m ? q.m->count : 0) + "/" + std::to_string(q.p ? q.p->count : 0);
    line(out, row, ks[i].first.substr(0, 34), q.m ? q.m->seconds : 0, q.p ? q.p->seconds : 0, q.m, q.p, calls);
  }
  if (ks.size() > top_kernels) out += "  ... " + std::to_string(ks.size() - top_kernels) + " more kernels\n";
  return out;
}

}  // namespace tinypynq::sim
