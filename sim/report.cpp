#include "sim/report.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "models/fp/pl_units.h"
#include "runtime/targets.h"
#include "runtime/pynq/pynq_device.h"
#include "sim/measured_vs_predicted.h"
#include "tensor/schedule.h"
#include "traces/roofline.h"
#include "traces/summary.h"
#include "traces/svg.h"
#include "traces/trace_writer.h"
#ifdef TINYPYNQ_HAVE_TLM
#include "runtime/tlm/tlm_driver.h"
#endif

namespace tinypynq::sim {

using nlohmann::json;
namespace tr = traces;
static_assert(static_cast<int>(pynq::Track::kCount) == tr::kNumTracks, "pynq::Track and the trace schema differ");

// "vector" + op 0x13 -> "vector EXP2": the names of hw-spec §6, made once per (unit, opcode).
const std::string& pl_command_name(int unit, uint32_t op) {
  static std::string names[3][64];
  std::string& n = names[unit][op & 0x3F];
  if (n.empty()) {
    const pl::VecOpInfo* i = pl::vec_op_info(op & 0x3F);
    n = unit == 1 ? ((op & 1) ? "reduce MAX" : "reduce SUM")
        : unit == 2 ? ((op & 1) ? "matmul LOADW" : "matmul")
                    : std::string("vector ") + (i ? i->name : "?");
  }
  return n;
}

namespace {

// Seconds go out to the picosecond, so that sums of them print short.
double ps_round(double s) { return std::round(s * 1e12) / 1e12; }

// The pending profile line is printed by the kernel observer, after the scheduler's own line.
tr::KernelPoint g_pending;
bool g_has_pending = false;

}  // namespace

struct Instrument::Recorder final : pynq::PynqEventSink {
  Device* dev = nullptr;
  std::unique_ptr<tr::TraceWriter> writer;  // null: profile/table only
  bool profile = false;
  tr::Roofline roof;
  double origin = 0;  // PS time of begin(): the trace starts at 0
  std::vector<tr::StepStat> steps;
  pynq::PynqStats at_step, at_begin;
  int64_t step = -1;
  double step_t0 = 0;
  tr::Args args_;
  int ids[7] = {};  // counter and series names, interned once: 4 channels, "MB/s", DDR, "% of peak"

  void start_trace() {
    writer = std::make_unique<tr::TraceWriter>();
    for (int ch = 0; ch < 4; ++ch) ids[ch] = writer->name_id(tr::dma_bandwidth_counter(tr::kTrackDma0Mm2s + ch));
    ids[4] = writer->name_id("MB/s");
    ids[5] = writer->name_id(tr::kCounterDdrUtil);
    ids[6] = writer->name_id("% of peak");
  }

  int64_t ns(double t) const { return tr::TraceWriter::to_ns(t - origin); }

  void on_event(pynq::PynqEvent&& e) override {
    if (profile && e.track == pynq::Track::kKernel) {
      g_pending = {};
      g_pending.name = e.name;
      for (const auto& a : e.args) {
        const std::string_view k = a.key;
        if (k == "shape") g_pending.shape = a.str;
        else if (k == "unit") g_pending.unit = a.str;
        else if (k == "target") g_pending.target = a.str;
        else if (k == "pl_cycles") g_pending.cycles = static_cast<uint64_t>(a.num);
        else if (k == "flops") g_pending.flops = a.num;
        else if (k == "dma_bytes") g_pending.bytes = a.num;
      }
      g_pending.seconds = e.t_end - e.t_start;
      g_has_pending = true;
    }
    if (!writer) return;
    const int track = static_cast<int>(e.track);
    const bool dma = e.track >= pynq::Track::kDma0Mm2s && e.track <= pynq::Track::kDma2Mm2s;
    const std::string_view cat = e.cat;
    // One pass over the args: they go to the slice (DMA: only the bytes), and the few that
    // name the slice or feed the counters are picked up on the way.
    tr::Args& args = args_;  // reused: keeps its buffer
    args.clear();
    double op = 0, bytes = 0, t0 = e.t_start, t1 = e.t_end;
    for (const auto& a : e.args) {
      const std::string_view key = a.key;
      if (a.is_str) {
        args.str(key, a.str);
        continue;
      }
      if (key == "op") op = a.num;
      else if (key == "bytes") bytes = a.num;
      else if (key == "first_beat_s") t0 = a.num;
      else if (key == "last_beat_s") t1 = a.num;
      if (!dma || key == "bytes") args.num(key, key.size() > 2 && key.substr(key.size() - 2) == "_s" ? ps_round(a.num) : a.num);
    }
    std::string_view name = e.name;
    if (e.track == pynq::Track::kPs && cat == "ps_driver") {  // a command: "vector" + op
      const int u = name == "vector" ? 0 : name == "reduce" ? 1 : 2;
      name = pl_command_name(u, static_cast<uint32_t>(op));
    } else if (track >= tr::kTrackVector) {
      name = pl_command_name(track - tr::kTrackVector, static_cast<uint32_t>(op));
    }
    if (dma) {
      // Counters: the channel's rate while its beats move, and the DDR share of all DMA traffic.
      if (t1 > t0 && bytes > 0) {
        const double rate = bytes / (t1 - t0);
        const int ch = track - tr::kTrackDma0Mm2s;
        writer->rate(ids[ch], ids[4], ns(t0), ns(t1), rate * 1e-6);
        writer->rate(ids[5], ids[6], ns(t0), ns(t1), 100.0 * rate / (roof.ddr_peak_gbs * 1e9));
      }
      args.num("first_beat_us", ns(t0) / 1000.0).num("last_beat_us", ns(t1) / 1000.0);
    }
    writer->slice(track, name, cat, ns(e.t_start), ns(e.t_end), args);
  }
};

Instrument& instrument() {
  static Instrument in;
  return in;
}

Instrument::~Instrument() = default;

size_t Instrument::slices() const { return rec_ && rec_->writer ? rec_->writer->slices() : 0; }

void Instrument::begin(const std::string& target, json meta) {
  end(false);
  Device& d = device(target);
  pynq::PynqStats* st = pynq::pynq_stats(d);
  const bool profile = debug_level() >= 2;
  TP_CHECK(st || trace_path.empty(), "--trace: target '", target,
           "' has no PL to trace (traces show the emulated board: use a pynq target such as tlm)");
  if (!st || (trace_path.empty() && !profile)) return;
  rec_ = std::make_unique<Recorder>();
  rec_->dev = &d;
  rec_->profile = profile;
  rec_->roof = tr::Roofline::from(runtime::board_config());
  rec_->origin = pynq::pynq_now(d);
  rec_->at_begin = *st;
  if (!trace_path.empty()) {
    rec_->start_trace();
    meta["tool"] = "tinypynq";
    meta["target"] = target;
    meta["board"] = tr::Roofline::board_json(runtime::board_config());
    meta["time"] = "simulated board time in microseconds since the first traced step (docs/traces.md)";
    for (auto& [k, v] : meta.items()) rec_->writer->meta(k, v);
  }
  static bool observer = false;  // one observer for the process; it prints only while profiling
  if (!observer) {
    observer = true;
    add_kernel_observer([](const Kernel&, double) {
      if (!g_has_pending) return;
      g_has_pending = false;
      Instrument& in = instrument();
      if (in.rec_) std::fputs(tr::profile_line(g_pending, in.rec_->roof).c_str(), stderr);
    });
  }
  if (profile) std::fputs(tr::profile_header().c_str(), stderr);
  pynq::set_event_sink(d, rec_.get());
#ifdef TINYPYNQ_HAVE_TLM
  if (target == "tlm" || target == "rtl") tlm::set_event_sink(rec_.get());  // the platform targets
#endif
}

void Instrument::step_begin(int64_t step) {
  if (!rec_) return;
  rec_->step = step;
  rec_->step_t0 = pynq::pynq_now(*rec_->dev);
  rec_->at_step = *pynq::pynq_stats(*rec_->dev);
}

void Instrument::step_end() {
  if (!rec_ || rec_->step < 0) return;
  const pynq::PynqStats& now = *pynq::pynq_stats(*rec_->dev);
  tr::StepStat s;
  s.step = rec_->step;
  for (int p = 0; p < tr::kNumPhases; ++p) s.phase[p] = now.phase[p] - rec_->at_step.phase[p];
  s.a9_only = now.a9_only_seconds - rec_->at_step.a9_only_seconds;
  rec_->steps.push_back(s);
  const double t1 = pynq::pynq_now(*rec_->dev);
  if (rec_->writer)
    rec_->writer->slice(tr::kTrackSteps, "step " + std::to_string(rec_->step), "step", rec_->ns(rec_->step_t0),
                        rec_->ns(t1), tr::Args().num("step", static_cast<double>(rec_->step)));
  rec_->step = -1;
}

size_t Instrument::end(bool print) {
  if (!rec_) return 0;
  std::unique_ptr<Recorder> r = std::move(rec_);
  pynq::set_event_sink(*r->dev, nullptr);
#ifdef TINYPYNQ_HAVE_TLM
  tlm::set_event_sink(nullptr);
#endif
  g_has_pending = false;
  size_t bytes = 0;
  if (r->writer) {
    // The prediction of the traced work, as PynqStats has it: tests check the trace adds up to it.
    const pynq::PynqStats& st = *pynq::pynq_stats(*r->dev);
    json stats = {{"board_s", ps_round(st.board_seconds - r->at_begin.board_seconds)},
                  {"a9_only_s", ps_round(st.a9_only_seconds - r->at_begin.a9_only_seconds)}};
    for (int p = 0; p < tr::kNumPhases; ++p) stats[tr::kPhaseNames[p]] = ps_round(st.phase[p] - r->at_begin.phase[p]);
    r->writer->meta("prediction", stats);
    bytes = r->writer->write_atomic(trace_path);
    if (print)
      std::fprintf(stderr, "trace: %zu slices, %.1f KB written to %s (open in ui.perfetto.dev or speedscope; "
                 "`tinypynq report %s`)\n", r->writer->slices(), bytes / 1024.0, trace_path.c_str(), trace_path.c_str());
  }
  if (print && (r->writer || r->profile)) std::fputs(tr::steps_table(r->steps).c_str(), stderr);
  return bytes;
}

int run_report(const std::string& trace_file, const std::string& out_dir, bool png, const std::string& compare_to) {
  namespace fs = std::filesystem;
  const tr::Trace trace = tr::read_trace(trace_file);
  const tr::Summary s = tr::summarize(trace);
  std::fputs(tr::summary_table(s).c_str(), stdout);
  const fs::path dir = out_dir.empty() ? fs::path(trace_file).parent_path() : fs::path(out_dir);
  if (!dir.empty()) fs::create_directories(dir);
  const std::string stem = fs::path(trace_file).stem().string();
  const std::string files[3] = {(dir / (stem + ".roofline.svg")).string(), (dir / (stem + ".steps.svg")).string(),
                                (dir / (stem + ".timeline.svg")).string()};
  tr::write_text_file(files[0], tr::roofline_svg(s));
  tr::write_text_file(files[1], tr::steps_svg(s));
  tr::write_text_file(files[2], tr::timeline_svg(trace, s, 0));
  for (const std::string& f : files) std::printf("wrote %s\n", f.c_str());
  if (png) {
    if (std::system("command -v rsvg-convert >/dev/null 2>&1") != 0) {
      std::fprintf(stderr, "report: --png needs rsvg-convert (Debian package librsvg2-bin); SVGs only\n");
      return 0;
    }
    for (const std::string& f : files) {
      const std::string out = f.substr(0, f.size() - 4) + ".png";
      const std::string cmd = "rsvg-convert -b white -o '" + out + "' '" + f + "'";
      TP_CHECK(f.find('\'') == std::string::npos && std::system(cmd.c_str()) == 0, "report: rsvg-convert failed on ", f);
      std::printf("wrote %s\n", out.c_str());
    }
  }
  if (!compare_to.empty()) {
    const tr::Summary ref = tr::summarize(tr::read_trace(compare_to));
    std::fputs(measured_vs_predicted(s, ref).c_str(), stdout);
    const std::vector<std::string> d = tr::compare(ref, s);
    std::printf("against %s: %s\n", compare_to.c_str(), d.empty() ? "the same timing" : "differences");
    for (const std::string& line : d) std::printf("  %s\n", line.c_str());
    return d.empty() ? 0 : 2;
  }
  return 0;
}

}  // namespace tinypynq::sim
