#include "sim/cosim_cmd.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/report.h"
#include "runtime/targets.h"
#include "base/check.h"
#include "hw/tp_contract.h"
#include "traces/cosim_trace.h"
#ifdef TINYPYNQ_HAVE_COSIM
#include "cosim/cosim.h"
#include "cosim/waveform.h"
#endif
#ifdef TINYPYNQ_HAVE_BLOCK_COSIM
#include "cosim/block_cosim.h"
#endif

namespace tinypynq::sim {

CLI::App* add_cosim_command(CLI::App& app, CosimOptions& o) {
  auto* c = app.add_subcommand("cosim", "random commands through the RTL units and their TLM twins: bits and cycles");
  std::vector<std::string> names;
  for (const hw::UnitInfo& u : hw::kUnits) names.push_back(u.name);
  names.push_back("all");
  // pl_version 2's data movers (docs/pl-v2.md): the RTL against the reference models
  names.push_back("view_reader");
  names.push_back("view_writer");
  names.push_back("cmd_queue");
  c->add_option("--unit", o.unit,
                "one unit of the contract (vector, reduce, matmul), all (the three units), or one of pl_version 2's "
                "blocks: view_reader, view_writer (random descriptors: --count of them), cmd_queue (random rings)")
      ->check(CLI::IsMember(names))
      ->capture_default_str();
  c->add_option("--count", o.count, "commands in total (round-robin over the units with --unit all)")
      ->check(CLI::Range(int64_t{1}, int64_t{100'000'000}))
      ->capture_default_str();
  c->add_option("--seed", o.seed, "seed of the command generator")->capture_default_str();
  c->add_flag("--json", o.json, "print one JSON object");
  c->add_option("--fst", o.waves.fst_path, "write waveforms (one FST file per unit: NAME.vector.fst, ...; GTKWave)");
  c->add_option("--vcd", o.waves.vcd_path, "write the waveforms as VCD (one file per unit: NAME.vector.vcd, ...)");
  c->add_option("--trace", o.trace,
                "write a Perfetto/Chrome timeline (JSON) of the commands: a track per unit and side (\"vector rtl\", "
                "\"vector tlm\"), each unit's commands end to end in simulated PL cycles at FCLK0, args per command, "
                "the first mismatch marked (docs/traces.md)");
  c->fallthrough();  // --board (the FCLK0 of the trace) also after the subcommand
  return c;
}

namespace {
// `--unit view_reader|view_writer|cmd_queue`: random descriptors (rings) through the Verilated block against its
// reference model (cosim/block_cosim.h); waveforms and traces are the units' only.
int run_block_cosim(const CosimOptions& o) {
#ifdef TINYPYNQ_HAVE_BLOCK_COSIM
  TP_CHECK(o.waves.fst_path.empty() && o.waves.vcd_path.empty() && o.trace.empty(), "cosim --unit ", o.unit,
           ": --fst, --vcd and --trace are for the units (vector, reduce, matmul); the v2 blocks' benches have none");
  const unsigned n = static_cast<unsigned>(o.count);
  const cosim::BlockCosimReport r = o.unit == "view_reader"   ? cosim::cosim_view_reader(n, o.seed)
                                    : o.unit == "view_writer" ? cosim::cosim_view_writer(n, o.seed)
                                                              : cosim::cosim_cmd_queue(n, o.seed);
  if (o.json) {
    std::string codes, counts;
    for (unsigned c = 1; c < 16; ++c)
      if (r.codes[c]) codes += (codes.empty() ? "\"" : ", \"") + std::to_string(c) + "\": " + std::to_string(r.codes[c]);
    for (const auto& [name, n] : r.counts) {
      std::string key = name;
      for (char& ch : key) ch = ch == ' ' || ch == '-' ? '_' : ch;
      counts += ", \"" + key + "\": " + std::to_string(n);
    }
    // the units' layout ("key": value), so the same readers parse both
    std::printf("{\"unit\": \"%s\", \"seed\": %llu, \"compared\": %u, \"bit_exact\": %u, \"cycle_exact\": %u, "
                "\"accepted\": %u, \"rejected\": %u%s, \"by_code\": {%s}, \"wall_seconds\": %.4g, "
                "\"first_mismatch\": %s}\n",
                o.unit.c_str(), (unsigned long long)o.seed, r.compared, r.exact, r.exact, r.accepted, r.rejected,
                counts.c_str(), codes.c_str(), r.seconds,
                r.first_mismatch.empty() ? "null" : nlohmann::json(r.first_mismatch).dump().c_str());
  } else {
    std::printf("%s\n", r.str().c_str());
  }
  return r.first_mismatch.empty() ? 0 : 1;
#else
  throw Error(detail::cat("cosim --unit ", o.unit, ": this build has no Verilated v2 blocks (rtl/vr, rtl/vw, rtl/cq)"));
#endif
}
}  // namespace

int run_cosim(const CosimOptions& o) {
  if (o.unit == "view_reader" || o.unit == "view_writer" || o.unit == "cmd_queue") return run_block_cosim(o);
#ifdef TINYPYNQ_HAVE_COSIM
  using Clock = std::chrono::steady_clock;
  std::vector<cosim::Unit> units;
  for (const hw::UnitInfo& u : hw::kUnits)
    if (o.unit == u.name || o.unit == "all") units.push_back(u.unit);
  std::optional<traces::CosimTrace> trace;
  if (!o.trace.empty()) {
    std::vector<int> ids;
    for (cosim::Unit u : units) ids.push_back(static_cast<int>(u));
    trace.emplace(ids, runtime::board_config().pl_clock_hz);
  }
  auto session_ptr = std::make_unique<cosim::Session>(o.waves);
  cosim::Session& session = *session_ptr;
  cosim::CommandGen gen(o.seed);
  int64_t compared = 0, bit_exact = 0, cycle_exact = 0;
  double rtl_s = 0, tlm_s = 0;
  uint64_t cycles = 0;
  std::optional<cosim::Mismatch> first;
  for (int64_t i = 0; i < o.count; ++i) {
    const cosim::Command c = gen.next(units[static_cast<size_t>(i) % units.size()]);
    auto t0 = Clock::now();
    const cosim::Outcome tlm = session.run_tlm(c);
    auto t1 = Clock::now();
    const cosim::Outcome rtl = session.run_rtl(c);
    auto t2 = Clock::now();
    tlm_s += std::chrono::duration<double>(t1 - t0).count();
    rtl_s += std::chrono::duration<double>(t2 - t1).count();
    cycles += tlm.cycles;
    ++compared;
    const bool bits = !rtl.hung && rtl.out == tlm.out && rtl.w_range == tlm.w_range;
    bit_exact += bits;
    cycle_exact += !rtl.hung && rtl.cycles == tlm.cycles;
    bool first_here = false;
    if (!first) {
      first = cosim::compare(c, tlm, rtl);
      first_here = first.has_value();
      if (first) first->command = "#" + std::to_string(i) + " (" + c.str() + ")";
    }
    if (trace) {
      traces::CosimCommand t;
      t.index = i;
      t.unit = static_cast<int>(c.unit);
      t.name = pl_command_name(t.unit, c.op);
      t.command = c.str();
      t.op = c.op;
      for (int k = 0; k < 3; ++k) t.size[k] = c.size[k];
      t.rtl_cycles = rtl.cycles, t.tlm_cycles = tlm.cycles;
      t.bit_exact = bits;
      t.cycle_exact = !rtl.hung && rtl.cycles == tlm.cycles;
      if (rtl.hung) t.rtl_hung = rtl.hang_reason;
      if (first_here) t.mismatch = first->str();
      trace->add(t);
    }
  }
  if (trace) {
    const size_t bytes = trace->write(
        o.trace, {{"command", "cosim"}, {"unit", o.unit}, {"seed", o.seed}, {"count", o.count}, {"compared", compared},
                  {"bit_exact", bit_exact}, {"cycle_exact", cycle_exact},
                  {"first_mismatch", first ? nlohmann::json(first->str()) : nlohmann::json(nullptr)}});
    std::fprintf(stderr, "trace: %zu slices, %.1f KB written to %s (open in ui.perfetto.dev or speedscope)\n",
                 trace->slices(), bytes / 1024.0, o.trace.c_str());
  }
  const double rtl_cps = rtl_s > 0 ? session.rtl_cycles() / rtl_s : 0;
  session.finish_waveforms();  // --vcd: converted here (an error is reported, exit status 1)
  session_ptr.reset();
  const double tlm_cps = tlm_s > 0 ? cycles / tlm_s : 0;
  if (o.json) {
    std::printf("{\"unit\": \"%s\", \"seed\": %llu, \"compared\": %lld, \"bit_exact\": %lld, \"cycle_exact\": %lld, "
                "\"rtl_cycles_per_second\": %.4g, \"tlm_cycles_per_second\": %.4g, \"first_mismatch\": %s}\n",
                o.unit.c_str(), (unsigned long long)o.seed, (long long)compared, (long long)bit_exact,
                (long long)cycle_exact, rtl_cps, tlm_cps,
                first ? nlohmann::json(first->str()).dump().c_str() : "null");  // escaped
  } else {
    std::printf("cosim %s, seed %llu: %lld commands compared, %lld bit-exact (%.2f%%), %lld cycle-exact (%.2f%%)\n",
                o.unit.c_str(), (unsigned long long)o.seed, (long long)compared, (long long)bit_exact,
                100.0 * bit_exact / compared, (long long)cycle_exact, 100.0 * cycle_exact / compared);
    std::printf("simulated PL cycles per second: rtl %.3g, tlm %.3g (tlm/rtl %.0fx)\n", rtl_cps, tlm_cps,
                rtl_cps > 0 ? tlm_cps / rtl_cps : 0.0);
    if (first) std::printf("%s\n", first->str().c_str());
    if (!o.waves.fst_path.empty()) std::printf("waveforms: %s (one file per unit)\n", o.waves.fst_path.c_str());
    if (!o.waves.vcd_path.empty()) std::printf("waveforms: %s (one VCD file per unit)\n", o.waves.vcd_path.c_str());
  }
  return first ? 1 : 0;
#else
  (void)o;
  throw Error("cosim: this build has no Verilated units (Verilator not found at configure time)");
#endif
}

}  // namespace tinypynq::sim
