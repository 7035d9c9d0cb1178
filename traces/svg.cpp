#include "traces/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <map>
#include <vector>

namespace tinypynq::traces {

namespace {

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) o += c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '"' ? "&quot;" : std::string(1, c);
  return o;
}
std::string f(double v) {  // SVG coordinates: 0.1 px is plenty, and keeps the files stable
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}
std::string num_label(double v) {  // tick labels: 0.001 .. 1000 without exponents
  char b[32];
  if (v >= 1) std::snprintf(b, sizeof b, "%g", v);
  else std::snprintf(b, sizeof b, "%.*f", static_cast<int>(std::ceil(-std::log10(v) - 1e-9)), v);
  return b;
}
std::string text(double x, double y, const std::string& s, const char* extra = "") {
  return "<text x=\"" + f(x) + "\" y=\"" + f(y) + "\" " + extra + ">" + esc(s) + "</text>\n";
}
std::string line(double x1, double y1, double x2, double y2, const char* style) {
  return "<line x1=\"" + f(x1) + "\" y1=\"" + f(y1) + "\" x2=\"" + f(x2) + "\" y2=\"" + f(y2) + "\" " + style + "/>\n";
}
std::string header(int w, int h, const std::string& title) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(w) + "\" height=\"" + std::to_string(h) +
         "\" viewBox=\"0 0 " + std::to_string(w) + " " + std::to_string(h) +
         "\" font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" "
         "fill=\"white\"/>\n" + text(w / 2.0, 26, title, "text-anchor=\"middle\" font-size=\"17\" font-weight=\"bold\"");
}

std::string sarg_unit(const Event& e) {
  auto it = e.args.find("unit");
  return it != e.args.end() && it->is_string() ? it->get<std::string>() : "";
}

const char* unit_color(const std::string& u) {
  return u == "vector" ? "#1f77b4" : u == "reduce" ? "#2ca02c" : u == "matmul" ? "#d62728" : "#7f7f7f";
}
// PS phases in purples/oranges/grey, the DMA yellow, the units in the roofline's unit colours.
const char* kPhaseColor[kNumPhases] = {"#9e9ac8", "#cbc9e2", "#fdd0a2", "#fdae6b", "#969696",
                                       "#ffd92f", "#1f77b4", "#2ca02c", "#d62728"};

// Places short labels next to points without overlapping each other: tries the point's own
// height, then alternately lower and higher in steps of one line.
struct LabelPlacer {
  struct Box { double x0, y0, x1, y1; };
  std::vector<Box> used;
  double place(double x, double y, double w, double h = 12) {
    for (int k = 0; k < 12; ++k) {
      const double dy = (k % 2 ? 1 : -1) * ((k + 1) / 2) * h;
      const Box b{x, y + dy - h, x + w, y + dy};
      bool clash = false;
      for (const Box& u : used) clash |= b.x0 < u.x1 && u.x0 < b.x1 && b.y0 < u.y1 && u.y0 < b.y1;
      if (!clash) return used.push_back(b), y + dy;
    }
    return y;
  }
};

}  // namespace

std::string roofline_svg(const Summary& s, size_t labelled) {
  const Roofline& r = s.roof;
  const int W = 1000, H = 640, L = 80, R = 650, T = 50, B = 570;  // plot box; legend right of R
  // Kernels that can be placed: some flops and some DMA traffic.
  std::vector<const KernelStat*> pts;
  size_t skipped = 0;
  for (const KernelStat& k : s.kernels)
    (k.flops > 0 && k.bytes > 0 && k.seconds > 0 ? pts.push_back(&k) : void(++skipped));
  double x0 = 0.01, x1 = 100, y0 = 1e-4, y1 = 10;
  for (const KernelStat* k : pts) {
    x0 = std::min(x0, k->intensity()), x1 = std::max(x1, k->intensity());
    y0 = std::min(y0, k->gflops()), y1 = std::max(y1, k->gflops());
  }
  x0 = std::pow(10, std::floor(std::log10(x0))), x1 = std::pow(10, std::ceil(std::log10(x1)));
  y0 = std::pow(10, std::floor(std::log10(y0))), y1 = std::pow(10, std::ceil(std::log10(y1)));
  auto X = [&](double v) { return L + (R - L) * (std::log10(v) - std::log10(x0)) / (std::log10(x1) - std::log10(x0)); };
  auto Y = [&](double v) { return B - (B - T) * (std::log10(v) - std::log10(y0)) / (std::log10(y1) - std::log10(y0)); };
  std::string o = header(W, H, "PYNQ-Z2 roofline: kernels of the trace in predicted board time");
  o += "<rect x=\"" + f(L) + "\" y=\"" + f(T) + "\" width=\"" + f(R - L) + "\" height=\"" + f(B - T) +
       "\" fill=\"none\" stroke=\"#444\"/>\n";
  for (double v = x0; v <= x1 * 1.001; v *= 10) {
    o += line(X(v), T, X(v), B, "stroke=\"#e5e5e5\"");
    o += text(X(v), B + 18, num_label(v), "text-anchor=\"middle\"");
  }
  for (double v = y0; v <= y1 * 1.001; v *= 10) {
    o += line(L, Y(v), R, Y(v), "stroke=\"#e5e5e5\"");
    o += text(L - 6, Y(v) + 4, num_label(v), "text-anchor=\"end\"");
  }
  o += text((L + R) / 2.0, B + 42, "operational intensity (FLOP per byte moved by the DMAs, log)", "text-anchor=\"middle\"");
  o += "<text transform=\"translate(22," + f((T + B) / 2.0) + ") rotate(-90)\" text-anchor=\"middle\">GFLOP/s (log)</text>\n";
  // Ceilings: bandwidth diagonals, and each compute roof capped by the DDR diagonal.
  auto diag = [&](double gbs, const char* style, const std::string& label) {
    const double xa = std::max(x0, y0 / gbs), xb = std::min(x1, y1 / gbs);  // inside the box
    o += line(X(xa), Y(xa * gbs), X(xb), Y(xb * gbs), style);
    const double xl = xa * 2;  // label along the line near its lower end
    const double ang = std::atan2(Y(xl * 10 * gbs) - Y(xl * gbs), X(xl * 10) - X(xl)) * 180 / M_PI;
    o += "<text transform=\"translate(" + f(X(xl)) + "," + f(Y(xl * gbs) - 6) + ") rotate(" + f(ang) +
         ")\" font-size=\"11\" fill=\"#555\">" + esc(label) + "</text>\n";
  };
  char lab[128];
  std::snprintf(lab, sizeof lab, "DDR %.2f GB/s (%.1f x %.0f%%)", r.ddr_gbs, r.ddr_peak_gbs, 100 * r.ddr_gbs / r.ddr_peak_gbs);
  diag(r.ddr_gbs, "stroke=\"#333\" stroke-width=\"2\"", lab);
  std::snprintf(lab, sizeof lab, "one HP port %.2f GB/s", r.hp_gbs);
  diag(r.hp_gbs, "stroke=\"#888\" stroke-width=\"1.5\" stroke-dasharray=\"6,4\"", lab);
  auto roof = [&](double peak, double gbs, const char* color, const char* dash, const std::string& label, bool below) {
    const double ridge = peak / gbs;
    o += line(X(std::max(ridge, x0)), Y(peak), X(x1), Y(peak),
              (std::string("stroke=\"") + color + "\" stroke-width=\"2\" " + dash).c_str());
    o += text(R - 4, Y(peak) + (below ? 14 : -5), label,
              (std::string("text-anchor=\"end\" font-size=\"11\" fill=\"") + color + "\"").c_str());
  };
  std::snprintf(lab, sizeof lab, "matmul peak %.2f GFLOP/s", r.matmul_gflops);
  roof(r.matmul_gflops, r.ddr_gbs, unit_color("matmul"), "", lab, r.matmul_gflops < r.a9_gflops);
  std::snprintf(lab, sizeof lab, "A9 NEON peak %.2f GFLOP/s (fallback)", r.a9_gflops);
  roof(r.a9_gflops, r.a9_gbs, unit_color("ps"), "stroke-dasharray=\"3,3\"", lab, r.a9_gflops <= r.matmul_gflops);
  std::snprintf(lab, sizeof lab, "vector / reduce peak %.2f GFLOP/s (2 elem/cycle)", r.vector_gflops);
  roof(r.vector_gflops, r.ddr_gbs, unit_color("vector"), "", lab, false);
  // Kernels: area ~ share of the traced time; the biggest are numbered and listed.
  double total = 0;
  for (const KernelStat* k : pts) total += k->seconds;
  auto radius = [&](const KernelStat& k) { return 3 + 14 * std::sqrt(total > 0 ? k.seconds / total : 0); };
  for (size_t i = pts.size(); i-- > 0;) {  // pts is by time: the small ones are drawn last, on top
    const KernelStat& k = *pts[i];
    o += "<circle cx=\"" + f(X(k.intensity())) + "\" cy=\"" + f(Y(k.gflops())) + "\" r=\"" + f(radius(k)) +
         "\" fill=\"" + unit_color(k.unit) + "\" fill-opacity=\"0.55\" stroke=\"" + unit_color(k.unit) + "\"/>\n";
  }
  LabelPlacer placer;
  for (size_t i = 0; i < pts.size() && i < labelled; ++i) {
    const KernelStat& k = *pts[i];
    const double x = X(k.intensity()) + radius(k) + 2, y0l = Y(k.gflops()) + 4;
    const std::string n = std::to_string(i + 1);
    const double y = placer.place(x, y0l, 8.0 * n.size());
    if (y != y0l) o += line(x - 1, y0l - 4, x + 1, y - 4, "stroke=\"#999\"");
    o += text(x + (y != y0l ? 2 : 0), y, n, "font-size=\"11\" font-weight=\"bold\"");
  }
  // Legend: colours, then the numbered kernels.
  double ly = T + 10;
  o += text(R + 20, ly, "kernel colour: the unit with most cycles", "font-size=\"11\"");
  o += text(R + 20, ly + 14, "area: share of the traced time", "font-size=\"11\"");
  ly += 32;
  for (const char* u : {"vector", "reduce", "matmul", "ps"}) {
    o += "<circle cx=\"" + f(R + 28) + "\" cy=\"" + f(ly - 4) + "\" r=\"5\" fill=\"" + unit_color(u) + "\" fill-opacity=\"0.6\"/>\n";
    o += text(R + 40, ly, std::string(u) == "ps" ? "A9 (fallback)" : u, "font-size=\"11\"");
    ly += 16;
  }
  ly += 8;
  for (size_t i = 0; i < pts.size() && i < labelled; ++i) {
    const KernelStat& k = *pts[i];
    char b[200];
    std::snprintf(b, sizeof b, "%zu  %s %s", i + 1, k.name.c_str(), k.shape.c_str());
    o += text(R + 20, ly, b, "font-size=\"11\"");
    std::snprintf(b, sizeof b, "    %s, %lld calls, %.3f ms, %.3f GFLOP/s, %.0f%% of roof", k.unit.c_str(), (long long)k.count,
                  k.seconds * 1e3, k.gflops(), 100 * k.roof_share(r));
    o += text(R + 20, ly + 13, b, "font-size=\"10\" fill=\"#555\"");
    ly += 31;
  }
  if (skipped) o += text(R + 20, ly + 6, std::to_string(skipped) + " kernel(s) without flops or DMA traffic not shown", "font-size=\"10\" fill=\"#555\"");
  o += "</svg>\n";
  return o;
}

std::string steps_svg(const Summary& s) {
  std::vector<StepStat> steps = s.steps;
  if (steps.empty()) {  // a trace without step markers: one bar for all of it
    StepStat all;
    all.phase = s.phase, all.a9_only = s.a9_only_s;
    steps.push_back(all);
  }
  const int W = 1000, H = 560, L = 80, R = 790, T = 50, B = 480;
  double top = 0;
  for (const StepStat& st : steps) top = std::max({top, st.board(), st.a9_only});
  top = top > 0 ? top * 1e3 : 1;  // ms
  const double raw = top / 6, mag = std::pow(10, std::floor(std::log10(raw)));
  const double tick = raw / mag <= 1 ? mag : raw / mag <= 2 ? 2 * mag : raw / mag <= 5 ? 5 * mag : 10 * mag;
  const double ymax = std::ceil(top / tick) * tick;
  auto Y = [&](double ms) { return B - (B - T) * ms / ymax; };
  std::string o = header(W, H, "Predicted PYNQ-Z2 time per training step, by phase");
  for (double v = 0; v <= ymax + tick / 2; v += tick) {
    o += line(L, Y(v), R, Y(v), "stroke=\"#e5e5e5\"");
    char t[32];
    std::snprintf(t, sizeof t, "%g", v);
    o += text(L - 6, Y(v) + 4, t, "text-anchor=\"end\"");
  }
  o += "<text transform=\"translate(24," + f((T + B) / 2.0) + ") rotate(-90)\" text-anchor=\"middle\">ms per step</text>\n";
  o += text((L + R) / 2.0, B + 44, s.steps.empty() ? "whole trace (no step markers)" : "training step", "text-anchor=\"middle\"");
  const double slot = static_cast<double>(R - L) / steps.size(), bw = std::clamp(slot * 0.7, 1.0, 90.0);
  const size_t every = std::max<size_t>(1, steps.size() / 20);
  for (size_t i = 0; i < steps.size(); ++i) {
    const double x = L + slot * i + (slot - bw) / 2;
    double y = 0;
    for (int p = 0; p < kNumPhases; ++p) {
      const double h = steps[i].phase[p] * 1e3;
      if (h <= 0) continue;
      o += "<rect x=\"" + f(x) + "\" y=\"" + f(Y(y + h)) + "\" width=\"" + f(bw) + "\" height=\"" + f(Y(y) - Y(y + h)) +
           "\" fill=\"" + kPhaseColor[p] + "\"><title>" + kPhaseNames[p] + "</title></rect>\n";
      y += h;
    }
    const double a9 = steps[i].a9_only * 1e3;
    o += line(x - 2, Y(a9), x + bw + 2, Y(a9), "stroke=\"black\" stroke-width=\"2\" stroke-dasharray=\"4,2\"");
    if (steps.size() <= 12) {  // few bars: write the total on top
      char t[32];
      const double ms = steps[i].board() * 1e3;
      std::snprintf(t, sizeof t, ms >= 1 ? "%.3f ms" : "%.2g ms", ms);
      o += text(x + bw / 2, Y(std::max(y, a9)) - 8, t, "text-anchor=\"middle\" font-size=\"11\"");
    }
    if (i % every == 0 && !s.steps.empty()) o += text(x + bw / 2, B + 18, std::to_string(steps[i].step), "text-anchor=\"middle\"");
  }
  o += line(L, B, R, B, "stroke=\"#444\"");
  o += line(L, T, L, B, "stroke=\"#444\"");
  double ly = T + 10;
  for (int p = kNumPhases - 1; p >= 0; --p) {  // top of the stack first, as the bars read
    o += "<rect x=\"" + f(R + 20) + "\" y=\"" + f(ly - 10) + "\" width=\"14\" height=\"12\" fill=\"" + kPhaseColor[p] + "\"/>\n";
    o += text(R + 40, ly, kPhaseNames[p]);
    ly += 20;
  }
  o += line(R + 18, ly - 4, R + 36, ly - 4, "stroke=\"black\" stroke-width=\"2\" stroke-dasharray=\"4,2\"");
  o += text(R + 40, ly, "A9 alone (no PL)");
  StepStat mean;
  for (const StepStat& st : steps) {
    for (int p = 0; p < kNumPhases; ++p) mean.phase[p] += st.phase[p] / steps.size();
    mean.a9_only += st.a9_only / steps.size();
  }
  char b[160];
  o += text(R + 20, ly + 34, "mean per step:", "font-size=\"11\"");
  std::snprintf(b, sizeof b, "board %.3f ms", mean.board() * 1e3);
  o += text(R + 20, ly + 50, b, "font-size=\"11\"");
  std::snprintf(b, sizeof b, "A9 alone %.3f ms", mean.a9_only * 1e3);
  o += text(R + 20, ly + 66, b, "font-size=\"11\"");
  std::snprintf(b, sizeof b, "PL speed-up %.2fx", mean.board() > 0 ? mean.a9_only / mean.board() : 0.0);
  o += text(R + 20, ly + 82, b, "font-size=\"11\"");
  o += "</svg>\n";
  return o;
}

std::string timeline_svg(const Trace& t, const Summary& s, size_t step) {
  // The window: one traced step (or the whole trace without steps).
  double w0 = 1e300, w1 = -1e300;
  if (step < s.steps.size()) {
    w0 = s.steps[step].t0 * 1e6, w1 = s.steps[step].t1 * 1e6;
  } else {
    for (const Event& e : t.events) w0 = std::min(w0, e.ts), w1 = std::max(w1, e.ts + e.dur);
  }
  if (!(w1 > w0)) w0 = 0, w1 = 1;
  std::map<std::pair<int64_t, int64_t>, int> ids;  // (pid, tid) -> schema track
  for (auto& [key, thread] : t.thread_names) {
    auto p = t.process_names.find(key.first);
    if (p != t.process_names.end()) ids[key] = track_by_names(p->second, thread);
  }
  const int rows[] = {kTrackKernels, kTrackPs, kTrackDma0Mm2s, kTrackDma0S2mm, kTrackDma1Mm2s, kTrackDma2Mm2s,
                      kTrackVector, kTrackReduce, kTrackMatmul};
  const int W = 1400, L = 200, R = 1380, T = 50, RH = 34, N = 9, CH = 70;
  const int B = T + N * RH;
  auto X = [&](double us) { return L + (R - L) * (us - w0) / (w1 - w0); };
  char title[160];
  std::snprintf(title, sizeof title, "Timeline of %s (%.3f ms of simulated board time)",
                step < s.steps.size() ? ("step " + std::to_string(s.steps[step].step)).c_str() : "the trace",
                (w1 - w0) * 1e-3);
  std::string o = header(W, B + CH + 70, title);
  for (int r = 0; r < N; ++r) {
    const double y = T + r * RH;
    if (r % 2 == 0) o += "<rect x=\"" + f(L) + "\" y=\"" + f(y) + "\" width=\"" + f(R - L) + "\" height=\"" + f(RH) + "\" fill=\"#f6f6f6\"/>\n";
    o += text(L - 8, y + RH / 2.0 + 4, track_info(rows[r]).thread, "text-anchor=\"end\" font-size=\"11\"");
  }
  auto color = [&](int id, const Event& e) -> const char* {
    if (id == kTrackPs) {
      const int p = phase_index(e.cat);
      return p >= 0 ? kPhaseColor[p] : "#ffffff";
    }
    if (id >= kTrackVector) return unit_color(kUnitNames[id - kTrackVector]);
    if (id >= kTrackDma0Mm2s) return "#e6ab02";
    return unit_color(sarg_unit(e));
  };
  size_t nkernel = 0;
  for (const Event& e : t.events) {
    auto it = ids.find({e.pid, e.tid});
    if (e.ph != 'X' || it == ids.end() || e.ts + e.dur < w0 || e.ts > w1) continue;
    const int id = it->second;
    const int r = static_cast<int>(std::find(std::begin(rows), std::end(rows), id) - std::begin(rows));
    if (r >= N) continue;
    const double x0 = X(std::max(e.ts, w0)), x1 = std::max(x0 + 0.6, X(std::min(e.ts + e.dur, w1)));
    const bool wait = e.cat == "wait";  // nested in a command slice: the PS idles, drawn as a thin band
    const double y = T + r * RH + (wait ? RH * 0.62 : 4), h = wait ? RH * 0.3 : RH - 8;
    o += "<rect x=\"" + f(x0) + "\" y=\"" + f(y) + "\" width=\"" + f(x1 - x0) + "\" height=\"" + f(h) + "\" fill=\"" +
         (wait ? "#555555" : color(id, e)) + "\"" + (id == kTrackKernels ? " fill-opacity=\"" + std::string(nkernel++ % 2 ? "0.45" : "0.7") + "\"" : std::string()) +
         "><title>" + esc(e.name) + "</title></rect>\n";
    if (id == kTrackKernels && x1 - x0 > 7.0 * e.name.size())
      o += text(x0 + 3, y + h / 2 + 4, e.name, "font-size=\"10\"");
  }
  // DDR utilisation under the tracks, as the counter track shows it.
  const double cy0 = B + 12, cy1 = cy0 + CH;
  o += text(L - 8, (cy0 + cy1) / 2 + 4, "DDR utilisation", "text-anchor=\"end\" font-size=\"11\"");
  o += line(L, cy1, R, cy1, "stroke=\"#999\"");
  o += text(L - 2, cy0 + 4, "100%", "text-anchor=\"end\" font-size=\"9\" fill=\"#777\"");
  std::string path = "M" + f(L) + "," + f(cy1);
  double last = 0;
  for (const Event& e : t.events) {
    if (e.ph != 'C' || e.name != kCounterDdrUtil || e.ts < w0 || e.ts > w1) continue;
    double v = 0;
    for (auto& [k, val] : e.args.items()) v += val.is_number() ? val.get<double>() : 0;
    const double y_prev = cy1 - CH * std::min(last, 100.0) / 100, y = cy1 - CH * std::min(v, 100.0) / 100;
    path += " L" + f(X(e.ts)) + "," + f(y_prev) + " L" + f(X(e.ts)) + "," + f(y);
    last = v;
  }
  path += " L" + f(R) + "," + f(cy1 - CH * std::min(last, 100.0) / 100) + " L" + f(R) + "," + f(cy1) + " Z";
  o += "<path d=\"" + path + "\" fill=\"#e6ab02\" fill-opacity=\"0.6\" stroke=\"#b8860b\" stroke-width=\"0.5\"/>\n";
  // Time axis in ms from the window's start.
  const double span = (w1 - w0) * 1e-3, raw = span / 10, mag = std::pow(10, std::floor(std::log10(raw)));
  const double tick = raw / mag <= 1 ? mag : raw / mag <= 2 ? 2 * mag : raw / mag <= 5 ? 5 * mag : 10 * mag;
  for (double v = 0; v <= span + tick * 1e-6; v += tick) {
    const double x = X(w0 + v * 1e3);
    o += line(x, T, x, cy1, "stroke=\"#ccc\" stroke-width=\"0.5\"");
    char b[32];
    std::snprintf(b, sizeof b, "%g", v);
    o += text(x, cy1 + 16, b, "text-anchor=\"middle\" font-size=\"11\"");
  }
  o += text((L + R) / 2.0, cy1 + 36, "ms since the start of the step (PS phases coloured as in the steps plot; grey band: PS waiting for the PL)",
            "text-anchor=\"middle\"");
  o += "</svg>\n";
  return o;
}

}  // namespace tinypynq::traces
