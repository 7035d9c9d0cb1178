// `tinypynq ... --trace`, `tinypynq report` and the TINYPYNQ_DEBUG=2 profile as a user runs
// them on the tlm target, and the reference traces of traces/reference: a change of timing
// must be noticed (and explained when the reference is regenerated).
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/check.h"
#include "traces/summary.h"
#include "traces/trace_reader.h"

using namespace tinypynq;
using namespace tinypynq::traces;
namespace fs = std::filesystem;

namespace {

struct Result {
  int code;
  std::string out;
};

Result run(const std::string& args, const std::string& env = "") {
  const std::string cmd = env + " " + TINYPYNQ_BIN + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  return {WEXITSTATUS(pclose(p)), out};
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// A fresh directory per test (tests run in parallel under ctest -j).
fs::path scratch() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  fs::path d = fs::temp_directory_path() / (std::string("tinypynq_traces_") + info->name());
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// The reference run (traces/reference/regenerate.sh runs the same command).
const char* kReferenceArgs = "bench mlp-step --target tlm --batch 16 --steps 2 --warmup 0";

fs::path fresh_trace(const fs::path& dir, const std::string& name = "run.json") {
  const fs::path p = dir / name;
  Result r = run(std::string(kReferenceArgs) + " --trace " + p.string());
  EXPECT_EQ(r.code, 0) << r.out;
  return p;
}

}  // namespace

TEST(TraceRun, BenchTraceIsValidCompleteAndAddsUpToThePrediction) {
  const fs::path dir = scratch();
  const Trace t = read_trace(fresh_trace(dir).string());  // throws on any format problem
  const Summary s = summarize(t);
  EXPECT_EQ(s.steps.size(), 2u);
  for (int id : {kTrackKernels, kTrackPs, kTrackDma0Mm2s, kTrackDma0S2mm, kTrackDma1Mm2s, kTrackVector, kTrackReduce,
                 kTrackMatmul})
    EXPECT_GT(s.tracks[id].slices, 0) << "no slices on " << track_info(id).thread;
  int counters[2] = {0, 0};
  for (const Event& e : t.events) {
    counters[0] += e.ph == 'C' && e.name == dma_bandwidth_counter(kTrackDma0Mm2s);
    counters[1] += e.ph == 'C' && e.name == kCounterDdrUtil;
  }
  EXPECT_GT(counters[0], 0);
  EXPECT_GT(counters[1], 0);
  // The trace adds up to PynqStats' prediction of the same steps (within the ns rounding).
  const auto& pred = t.other.at("prediction");
  for (int p = 0; p < kNumPhases; ++p)
    EXPECT_NEAR(s.phase[p], pred.at(kPhaseNames[p]).get<double>(), 2e-6 * s.board_s) << kPhaseNames[p];
  EXPECT_NEAR(s.board_s, pred.at("board_s").get<double>(), 1e-6 * s.board_s);
  EXPECT_NEAR(s.a9_only_s, pred.at("a9_only_s").get<double>(), 1e-6 * s.a9_only_s);
  // Kernels carry what the profile needs; unit slices carry the op and CYCLES.
  const KernelStat& top = s.kernels.at(0);
  EXPECT_EQ(top.name, "r_SUM_MUL");
  EXPECT_EQ(top.shape, "(16, 128, 784)");
  EXPECT_EQ(top.unit, "matmul");
  EXPECT_GT(top.cycles, 0u);
  EXPECT_GT(top.flops, 0);
  EXPECT_GT(s.unit_cycles[2], 0u);
  EXPECT_EQ(t.other.at("target"), "tlm");
}

TEST(TraceRun, SameSeedGivesTheSameFileByteForByte) {
  const fs::path dir = scratch();
  const std::string a = slurp(fresh_trace(dir, "a.json")), b = slurp(fresh_trace(dir, "b.json"));
  EXPECT_GT(a.size(), 1000u);
  EXPECT_TRUE(a == b) << "two runs with the same seed wrote different traces";
}

TEST(TraceRun, TrainTracesItsSteps) {
  if (!fs::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")) GTEST_SKIP() << "no Fashion-MNIST";
  const fs::path p = scratch() / "train.json";
  Result r = run("train --target tlm --steps 1 --batch 16 --trace " + p.string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("per-step predicted PYNQ-Z2 time"), std::string::npos) << r.out;
  const Summary s = summarize(read_trace(p.string()));
  EXPECT_EQ(s.steps.size(), 1u);
  EXPECT_EQ(s.meta.at("command"), "train");
  EXPECT_GT(s.phase[phase_index("ps_copy")], 0) << "the batch is copied in during the step";
}

// pl_version 2: the view readers' and the view writer's transfers are traced on the tracks of the
// DMA channels whose streams and HP ports they took over (VR0 A, VW R, VR1 B), each with the
// bytes its fills or bursts moved; the summary counts them as it counts the DMAs'.
TEST(TraceRun, PlVersion2TracesTheViewTransfers) {
  if (!fs::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")) GTEST_SKIP() << "no Fashion-MNIST";
  const fs::path dir = scratch();
  {
    std::ofstream f(dir / "v2.json");
    f << "{\"pl_version\": 2}\n";
  }
  const fs::path p = dir / "v2trace.json";
  Result r = run("--board " + (dir / "v2.json").string() + " train --target tlm --steps 1 --batch 16 --test-samples 0 --trace " +
                 p.string());
  ASSERT_EQ(r.code, 0) << r.out;
  const Summary s = summarize(read_trace(p.string()));
  for (int ch : {0, 1, 2}) {  // A, R, B (the MLP reads no stream C)
    EXPECT_GT(s.tracks[kTrackDma0Mm2s + ch].slices, 10) << track_info(kTrackDma0Mm2s + ch).short_name;
    EXPECT_GT(s.dma_bytes[ch], 0) << track_info(kTrackDma0Mm2s + ch).short_name;
  }
  const nlohmann::json t = nlohmann::json::parse(slurp(p));
  int vw = 0;
  for (const auto& e : t["traceEvents"]) {
    if (e.value("cat", "") != "dma") continue;
    const std::string n = e["name"];
    EXPECT_TRUE(n == "VR0 A" || n == "VR1 B" || n == "VR2 C" || n == "VW R") << n;
    vw += n == "VW R";
    const double ts = e["ts"], end = ts + e["dur"].get<double>();
    const double first = e["args"]["first_beat_us"], last = e["args"]["last_beat_us"];
    EXPECT_LE(ts, first + 1e-6) << n;
    EXPECT_LE(first, last) << n;
    EXPECT_LE(last, end + 1e-6) << n;
  }
  EXPECT_GT(vw, 10);
}

// The CNN at batch 128 has kernels far longer than their start time: its trace must pass
// `report` (it used to fail: "overlaps the end of an enclosing slice"). About 15 s.
TEST(TraceRun, CnnTraceAtBatch128PassesReport) {
  if (!fs::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")) GTEST_SKIP() << "no Fashion-MNIST";
  const fs::path dir = scratch();
  const fs::path p = dir / "cnn.json";
  Result r = run("train --model cnn --target tlm --steps 2 --test-samples 0 --trace " + p.string());
  ASSERT_EQ(r.code, 0) << r.out;
  r = run("report " + p.string() + " --out " + dir.string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("board total"), std::string::npos) << r.out;
  const Summary s = summarize(read_trace(p.string()));
  EXPECT_EQ(s.steps.size(), 2u);
  EXPECT_EQ(s.meta.at("model"), "cnn");
}

// `tinypynq cosim --trace`: the real RTL units and TLM twins (tests/traces/test_trace_format.cpp
// checks the layout on made-up outcomes, with a mismatch).
TEST(TraceRun, CosimTraceIsValidWithCommandsEndToEndInPlCycles) {
#ifndef TINYPYNQ_TEST_COSIM
  GTEST_SKIP() << "this build has no Verilated units (no `tinypynq cosim`)";
#else
  const fs::path dir = scratch();
  // FCLK0 at 50 MHz: 20 ns per cycle, so the conversion shows (the default is 100 MHz).
  { std::ofstream(dir / "board.json") << R"({"pl_clock_hz": 50e6})"; }
  const fs::path p = dir / "cosim.json";
  Result r = run("cosim --unit all --count 24 --seed 3 --trace " + p.string() + " --board " + (dir / "board.json").string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("trace: 48 slices"), std::string::npos) << r.out;
  const Trace t = read_trace(p.string());  // the project's validator: throws on any problem
  EXPECT_EQ(t.other.at("command"), "cosim");
  EXPECT_EQ(t.other.at("seed"), 3);
  EXPECT_EQ(t.other.at("pl_clock_hz"), 50e6);
  EXPECT_EQ(t.other.at("compared"), 24);
  EXPECT_TRUE(t.other.at("first_mismatch").is_null());
  int tracks = 0;
  for (const char* unit : {"vector", "reduce", "matmul"})
    for (const char* side : {"rtl", "tlm"}) {
      ++tracks;
      std::vector<const Event*> s;
      for (const Event& e : t.events)
        if (e.ph == 'X' && t.thread_names.at({e.pid, e.tid}) == std::string(unit) + " " + side) s.push_back(&e);
      ASSERT_EQ(s.size(), 8u) << unit << " " << side << ": 24 commands round-robin over 3 units";
      uint64_t at = 0;
      for (const Event* e : s) {
        EXPECT_EQ(e->name.rfind(unit, 0), 0u) << e->name;
        EXPECT_EQ(e->cat, side);
        const uint64_t cycles = e->args.at("cycles").get<uint64_t>();
        EXPECT_EQ(e->args.at("t0_cycle").get<uint64_t>(), at);
        EXPECT_NEAR(e->ts, at * 0.02, 1e-9) << "command i starts where i-1 ended, at 20 ns per cycle";
        EXPECT_NEAR(e->dur, cycles * 0.02, 1e-9);
        EXPECT_EQ(e->args.at("bit_exact"), true);
        EXPECT_EQ(e->args.at("cycle_exact"), true);
        for (const char* k : {"index", "command", "op", "size0", "size1", "size2"}) EXPECT_TRUE(e->args.contains(k)) << k;
        at += cycles;
      }
    }
  EXPECT_EQ(t.thread_names.size(), static_cast<size_t>(tracks));
  // The same seed writes the same bytes; `report` says what the file is instead of failing on it.
  const fs::path q = dir / "again.json";
  ASSERT_EQ(run("cosim --unit all --count 24 --seed 3 --trace " + q.string() + " --board " +
                (dir / "board.json").string()).code, 0);
  EXPECT_TRUE(slurp(p) == slurp(q));
  Result rep = run("report " + p.string());
  EXPECT_EQ(rep.code, 1);
  EXPECT_NE(rep.out.find("cosim --trace"), std::string::npos) << rep.out;
  // A path that cannot be written fails naming it, and leaves no temp file behind.
  Result bad = run("cosim --unit vector --count 2 --trace " + (dir / "no/such/dir/c.json").string());
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.out.find("no/such/dir/c.json"), std::string::npos) << bad.out;
#endif
}

TEST(TraceRun, TraceNeedsAPynqTarget) {
  Result r = run("bench mlp-step --target cpu --steps 1 --warmup 0 --trace " + (scratch() / "x.json").string());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("--trace: target 'cpu' has no PL to trace"), std::string::npos) << r.out;
}

TEST(TraceRun, ReportPrintsTheSummaryAndWritesSvgs) {
  const fs::path dir = scratch();
  const fs::path trace = fresh_trace(dir);
  Result r = run("report " + trace.string() + " --out " + (dir / "plots").string());
  ASSERT_EQ(r.code, 0) << r.out;
  for (const char* want : {"pl_matmul", "board total", "A9 only", "speed-up", "DMA0 S2MM", "r_SUM_MUL", "per-step"})
    EXPECT_NE(r.out.find(want), std::string::npos) << want << "\n" << r.out;
  for (const char* f : {"run.roofline.svg", "run.steps.svg", "run.timeline.svg"}) {
    const std::string svg = slurp(dir / "plots" / f);
    EXPECT_EQ(svg.rfind("<svg", 0), 0u) << f;
    EXPECT_NE(svg.find("</svg>"), std::string::npos) << f;
  }
}

TEST(TraceRun, ReportRejectsBrokenTracesWithAClearMessage) {
  const fs::path dir = scratch();
  const std::string good = slurp(fresh_trace(dir));
  std::ofstream(dir / "truncated.json") << good.substr(0, good.size() * 2 / 3);
  std::ofstream(dir / "bad.json") << R"({"traceEvents":[{"ph":"X","name":"a","pid":1,"tid":1,"ts":0,"dur":-3}]})";
  std::ofstream(dir / "foreign.json") << R"({"traceEvents":[{"ph":"X","name":"a","pid":1,"tid":1,"ts":0,"dur":3}]})";
  struct Case {
    const char* file;
    const char* message;
  } cases[] = {{"truncated.json", "not valid JSON (truncated or corrupted?)"},
               {"bad.json", "not a valid trace (1 problem):\n  event #0 (ph X, \"a\") has dur -3 (must be >= 0)"},
               {"foreign.json", "none of tinypynq's tracks"},
               {"missing.json", "cannot open trace file"}};
  for (const Case& c : cases) {
    Result r = run("report " + (dir / c.file).string() + " --out " + dir.string());
    EXPECT_EQ(r.code, 1) << c.file << ": " << r.out;
    EXPECT_NE(r.out.find(std::string("error: ")), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(c.message), std::string::npos) << c.file << ": " << r.out;
  }
}

TEST(TraceRun, Debug2PrintsTheKernelProfileAndTheStepTable) {
  Result r = run("bench mlp-step --target tlm --batch 16 --steps 1 --warmup 0", "TINYPYNQ_DEBUG=2");
  ASSERT_EQ(r.code, 0) << r.out;
  for (const char* want : {"pynq kernel", "PL cycles", "pred us", "GFLOP/s", "GB/s", "roof", "per-step predicted"})
    EXPECT_NE(r.out.find(want), std::string::npos) << want << "\n" << r.out;
  // A profile line of the first layer's matmul: name, shape, unit, target, then the figures.
  const size_t at = r.out.find("  r_SUM_MUL                    (16, 128, 784)   matmul tlm");
  ASSERT_NE(at, std::string::npos) << r.out;
  EXPECT_NE(r.out.substr(at, r.out.find('\n', at) - at).find('%'), std::string::npos);
}

// traces/reference/mlp_b16_2steps.json: regenerate with traces/reference/regenerate.sh when a
// timing change is intended, and say why in the commit.
TEST(ReferenceTrace, FreshRunMatchesTheStoredSummary) {
  const fs::path ref = fs::path(TINYPYNQ_SOURCE_DIR) / "traces/reference/mlp_b16_2steps.json";
  ASSERT_TRUE(fs::exists(ref)) << ref;
  EXPECT_LT(fs::file_size(ref), 500u * 1024) << "keep reference traces small";
  const Summary want = summarize(read_trace(ref.string()));
  const Summary got = summarize(read_trace(fresh_trace(scratch()).string()));
  const std::vector<std::string> diffs = compare(want, got);
  std::string msg;
  for (const auto& d : diffs) msg += "  " + d + "\n";
  EXPECT_TRUE(diffs.empty()) << "the timing of `tinypynq " << kReferenceArgs << "` changed against " << ref << ":\n"
                             << msg
                             << "If the change is intended, regenerate the reference with "
                                "`bash traces/reference/regenerate.sh <build-dir>` and explain it in the commit.";
}
