// Waveforms of rtl runs and of cosim, as a user gets them (the tinypynq program), read back
// with the FST reader: the TLM-side markers agree with what the run reports, VCD conversion,
// and clear errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "cosim/waveform.h"
#include "tests/support/error_of.h"
#include "tests/support/run_cli.h"

using namespace tinypynq::cosim;
namespace fs = std::filesystem;

namespace {

fs::path scratch(const char* name) {
  const fs::path d = fs::temp_directory_path() / ("tinypynq_wave_" + std::to_string(::getpid())) / name;
  fs::create_directories(d);
  return d;
}

uint64_t bits(const std::string& v) { return v.empty() ? 0 : std::stoull(v, nullptr, 2); }

}  // namespace

// One MLP training step on rtl with --fst (pins and markers only) and --vcd at once: the
// markers show every command the run reports, all three units, no mismatch; the VCD is the
// same design.
TEST(Waveform, RtlRunShowsTheTlmSideMarkers) {
  if (!have_dataset()) GTEST_SKIP() << "Fashion-MNIST not installed";
  if (run_cli("info").out.find("rtl") == std::string::npos) GTEST_SKIP() << "built without the rtl target";
  const fs::path d = scratch("rtl");
  const std::string fst = (d / "run.fst").string(), vcd = (d / "run.vcd").string();
  const CliResult r = run_cli("train --model mlp --target rtl --steps 1 --batch 4 --test-samples 0 --json --fst-depth 1 --fst " +
                       fst + " --vcd " + vcd);
  ASSERT_EQ(r.code, 0) << r.out;
  // The whole run's commands (set-up included), all compared in lockstep.
  const std::string ls = r.out.substr(r.out.find("\"rtl_lockstep\": {"));
  const uint64_t commands = std::stoull(json_field(ls, "commands"));
  EXPECT_EQ(json_field(ls, "checked"), json_field(ls, "commands"));
  ASSERT_GT(commands, 10u);

  const std::vector<std::string> want = {"TOP.aclk", "TOP.tlm_cmd_unit_i", "TOP.tlm_cmd_seq_i", "TOP.tlm_exp_done_i",
                                         "TOP.tlm_mismatch_i", "TOP.tlm_dma_armed_i", "TOP.tlm_gp0_access_i"};
  const Waveform w = read_fst(fst, want);
  EXPECT_EQ(w.timescale, "1ps");
  for (const std::string& s : w.signals)  // depth 1: the pins and markers, not the design inside
    EXPECT_EQ(s.find(".u_top."), std::string::npos) << s;
  EXPECT_EQ(bits(w.changes.at("TOP.tlm_cmd_seq_i").back().second), commands);
  uint64_t done_pulses = 0;
  for (const auto& [t, v] : w.changes.at("TOP.tlm_exp_done_i")) done_pulses += v == "1";
  EXPECT_EQ(done_pulses, commands) << "one expected-done cycle per command";
  std::set<uint64_t> units;
  for (const auto& [t, v] : w.changes.at("TOP.tlm_cmd_unit_i")) units.insert(bits(v));
  EXPECT_EQ(units, (std::set<uint64_t>{0, 1, 2, 3})) << "idle, vector, reduce and matmul commands";
  for (const auto& [t, v] : w.changes.at("TOP.tlm_mismatch_i")) EXPECT_EQ(v, "0") << "at " << t << " ps";
  EXPECT_GT(w.changes.at("TOP.tlm_gp0_access_i").size(), 2 * commands) << "register accesses come and go";
  uint64_t armed = 0;
  for (const auto& [t, v] : w.changes.at("TOP.tlm_dma_armed_i")) armed |= bits(v);
  EXPECT_EQ(armed & 9u, 9u) << "MM2S A and S2MM R were armed";
  // Times only move forward, in picoseconds of kernel time (10 ns per FCLK0 cycle).
  const auto& clk = w.changes.at("TOP.aclk");
  ASSERT_GT(clk.size(), 100u);
  EXPECT_TRUE(std::is_sorted(clk.begin(), clk.end(), [](auto& a, auto& b) { return a.first < b.first; }));

  std::ifstream v(vcd);
  ASSERT_TRUE(v.good()) << vcd;
  std::string text((std::istreambuf_iterator<char>(v)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.rfind("$date", 0), 0u);
  EXPECT_NE(text.find("$timescale\n\t1ps\n$end"), std::string::npos);
  EXPECT_NE(text.find(" tlm_cmd_unit_i [1:0] $end"), std::string::npos);
  EXPECT_NE(text.find("$enddefinitions"), std::string::npos);
  EXPECT_FALSE(fs::exists(vcd + ".tmp")) << "written atomically";
  fs::remove_all(d.parent_path());
}

// The board's v2 PL (--rtl-queue: the readers, the writer and the command queue in RTL) with
// --fst: the queue's HP3 fetches and records, its register-bus accesses and the writer's HP0
// writes are in the waveform, and at depth 4 the queue's own registers (TOP.<wrapper>.u_top.u_cq).
TEST(Waveform, RtlQueueRunShowsTheQueueAndTheWriter) {
  if (!have_dataset()) GTEST_SKIP() << "Fashion-MNIST not installed";
  if (run_cli("info").out.find("rtl") == std::string::npos) GTEST_SKIP() << "built without the rtl target";
  const fs::path d = scratch("rtlq");
  const fs::path board = d / "v2.json";
  std::ofstream(board) << R"({"pl_version": 2})";
  const std::string fst = (d / "run.fst").string();
  const CliResult r = run_cli("--board " + board.string() + " --rtl-queue train --model mlp --target rtl --steps 1 "
                              "--batch 4 --test-samples 0 --json --fst-depth 4 --fst " + fst);
  ASSERT_EQ(r.code, 0) << r.out;
  const std::string ls = r.out.substr(r.out.find("\"rtl_lockstep\": {"));
  EXPECT_EQ(json_field(ls, "checked"), json_field(ls, "commands"));
  const uint64_t fetches = std::stoull(json_field(ls, "queue_fetches"));
  ASSERT_GT(fetches, 5u);
  const std::vector<std::string> want = {"TOP.m_axi_hp3_arvalid", "TOP.m_axi_hp3_awvalid", "TOP.mon_rb_wr_o",
                                         "TOP.mon_cq_busy_o", "TOP.m_axi_hp0_awvalid", "TOP.tlm_mismatch_i"};
  const Waveform w = read_fst(fst, want);
  bool inside_cq = false;
  for (const std::string& s : w.signals) inside_cq |= s.find(".u_top.u_cq.") != std::string::npos;
  EXPECT_TRUE(inside_cq) << "the queue's registers are traced";
  uint64_t ars = 0, aws = 0, rb_writes = 0, vw_aws = 0;
  for (const auto& [t, v] : w.changes.at("TOP.m_axi_hp0_awvalid")) vw_aws += v == "1";
  EXPECT_GT(vw_aws, fetches) << "the writer's bursts on HP0";
  for (const auto& [t, v] : w.changes.at("TOP.m_axi_hp3_arvalid")) ars += v == "1";
  for (const auto& [t, v] : w.changes.at("TOP.m_axi_hp3_awvalid")) aws += v == "1";
  for (const auto& [t, v] : w.changes.at("TOP.mon_rb_wr_o")) rb_writes += v == "1";
  EXPECT_GE(ars, fetches) << "a slot fetch per entry on HP3";
  EXPECT_GE(aws, 1u) << "result records on HP3";
  EXPECT_GT(rb_writes, fetches) << "the sequencer's register writes";
  for (const auto& [t, v] : w.changes.at("TOP.tlm_mismatch_i")) EXPECT_EQ(v, "0") << "at " << t << " ps";
  fs::remove_all(d.parent_path());
}

// --vcd alone: the FST it is recorded in is removed after the conversion.
TEST(Waveform, CosimWritesOneFileAndOneVcdPerUnit) {
  if (run_cli("cosim --help").code != 0) GTEST_SKIP() << "built without the Verilated units";
  const fs::path d = scratch("cosim");
  const CliResult r = run_cli("cosim --unit reduce --count 4 --seed 3 --fst " + (d / "w.fst").string());
  ASSERT_EQ(r.code, 0) << r.out;
  for (const char* u : {"vector", "reduce", "matmul"}) {
    EXPECT_TRUE(fs::exists(d / ("w." + std::string(u) + ".fst"))) << u;
    // Written atomically: under a temporary name, renamed when complete.
    EXPECT_FALSE(fs::exists(d / ("w." + std::string(u) + ".fst.partial"))) << u;
  }
  const Waveform w = read_fst((d / "w.reduce.fst").string(), {"red.done_o"});
  EXPECT_EQ(std::count_if(w.changes.at("red.done_o").begin(), w.changes.at("red.done_o").end(),
                          [](auto& c) { return c.second == "1"; }),
            4) << "one done pulse per command";
  const CliResult v = run_cli("cosim --unit reduce --count 4 --seed 3 --vcd " + (d / "v.vcd").string());
  ASSERT_EQ(v.code, 0) << v.out;
  EXPECT_TRUE(fs::exists(d / "v.reduce.vcd"));
  EXPECT_FALSE(fs::exists(d / "v.vcd.tmp.reduce.fst")) << "the intermediate FST is removed";
  fs::remove_all(d.parent_path());
}

TEST(Waveform, BadFilesAndOptionsFailClearly) {
  const fs::path d = scratch("bad");
  auto read_error = [](const fs::path& f) { return error_of<std::invalid_argument>([&] { read_fst(f.string()); }); };
  EXPECT_NE(read_error(d / "none.fst").find("no such file"), std::string::npos);
  std::ofstream(d / "text.fst") << "this is not a waveform\n";
  EXPECT_NE(read_error(d / "text.fst").find("is not an FST file"), std::string::npos);
  EXPECT_NE(error_of<std::invalid_argument>([&] { fst_to_vcd((d / "text.fst").string(), (d / "x.vcd").string()); }).find("not an FST"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(d / "x.vcd"));
  if (run_cli("info").out.find("rtl") != std::string::npos) {
    CliResult r = run_cli("train --target tlm --steps 1 --fst " + (d / "a.fst").string());
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.out.find("--fst/--vcd record the rtl target's PL; the target is tlm"), std::string::npos) << r.out;
    r = run_cli("train --target rtl --steps 1 --fst-depth 2");
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.out.find("--fst-depth needs --fst FILE or --vcd FILE"), std::string::npos) << r.out;
    if (have_dataset()) {
      r = run_cli("train --target rtl --steps 1 --batch 4 --test-samples 0 --fst /nonexistent/dir/w.fst");
      EXPECT_EQ(r.code, 1);
      EXPECT_NE(r.out.find("cannot write the waveform /nonexistent/dir/w.fst"), std::string::npos) << r.out;
    }
  }
  fs::remove_all(d.parent_path());
}
