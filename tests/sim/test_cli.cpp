// The tinypynq program, run as a user would: exit codes, messages, JSON output.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

#include "tests/support/run_cli.h"

namespace {

using Result = CliResult;
Result run(const std::string& args) { return run_cli(args); }

}  // namespace

TEST(Cli, UnknownTargetListsValidOnes) {
  Result r = run("train --target nope --steps 1");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("unknown target 'nope'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("valid targets: cpu"), std::string::npos) << r.out;
}

TEST(Cli, UnknownModelAndBadNumbers) {
  Result r = run("train --model resnet --steps 1 --data /nonexistent");
  EXPECT_EQ(r.code, 1);
  r = run("train --epochs 0");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("--epochs or --steps must be positive"), std::string::npos) << r.out;
  r = run("train --batch x");
  EXPECT_NE(r.code, 0);
  r = run("frobnicate");
  EXPECT_NE(r.code, 0);
}

TEST(Cli, MissingDatasetNamesPathAndSetup) {
  Result r = run("train --steps 1 --data /nonexistent/fmnist");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("/nonexistent/fmnist"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("scripts/setup.sh"), std::string::npos) << r.out;
}

TEST(Cli, InfoListsTargetsAndModels) {
  Result r = run("info");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("targets: cpu"), std::string::npos);
  EXPECT_NE(r.out.find("mlp, cnn"), std::string::npos);
}

TEST(Cli, ShortTrainPrintsJsonAndSaves) {
  if (!have_dataset()) GTEST_SKIP() << "Fashion-MNIST not installed";
  std::string save = (std::filesystem::temp_directory_path() / "tinypynq_cli_test.safetensors").string();
  Result r = run("train --model mlp --target cpu --steps 30 --json --seed 3 --save " + save);
  ASSERT_EQ(r.code, 0) << r.out;
  for (const char* key : {"\"model\": \"mlp\"", "\"target\": \"cpu\"", "\"steps\": 30", "\"test_accuracy\"",
                          "\"final_loss\"", "\"wall_seconds\"", "\"step_seconds_median\"", "\"epochs\""})
    EXPECT_NE(r.out.find(key), std::string::npos) << key << " missing in " << r.out;
  auto acc = std::stod(r.out.substr(r.out.find("\"test_accuracy\": ") + 17));
  EXPECT_GT(acc, 0.5);  // 30 Adam steps already get well past chance (0.1)
  EXPECT_TRUE(std::filesystem::exists(save));
  std::filesystem::remove(save);
}

TEST(Cli, BenchPrintsFigures) {
  Result r = run("bench mlp-step --steps 3 --warmup 1 --json");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\"median_ms\""), std::string::npos) << r.out;
}

TEST(Cli, TlmTrainPredictsBoardTime) {
  if (!have_dataset()) GTEST_SKIP() << "Fashion-MNIST not installed";
  Result r = run("info");
  if (r.out.find("tlm") == std::string::npos) GTEST_SKIP() << "built without SystemC";
  r = run("train --target tlm --steps 3 --json --seed 1");
  ASSERT_EQ(r.code, 0) << r.out;
  ASSERT_EQ(r.out.find("SystemC"), std::string::npos) << "no SystemC banner in JSON output: " << r.out;
  for (const char* key : {"\"target\": \"tlm\"", "\"predicted_board_seconds\"", "\"predicted_a9_only_seconds\"",
                          "\"phases\"", "\"pl_matmul\"", "\"ps_fallback\"", "\"dma\"", "\"pl_commands\""})
    EXPECT_NE(r.out.find(key), std::string::npos) << key << " missing in " << r.out;
  r = run("train --target tlm --steps 2");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("predicted PYNQ-Z2 time"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("A9 only"), std::string::npos) << r.out;
}

TEST(Cli, BadBoardConfigIsRejectedWithTheKey) {
  const auto dir = std::filesystem::temp_directory_path();
  auto write = [&](const char* name, const char* text) {
    std::string p = (dir / name).string();
    FILE* f = std::fopen(p.c_str(), "w");
    std::fputs(text, f);
    std::fclose(f);
    return p;
  };
  std::string unknown = write("tp_board_unknown.json", "{\"pl_clok_hz\": 1e8}");
  Result r = run("info --board " + unknown);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("pl_clok_hz"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("pl_clock_hz"), std::string::npos) << "suggests the right key: " << r.out;
  std::string neg = write("tp_board_neg.json", "{\"pl_clock_hz\": -5}");
  r = run("info --board " + neg);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("pl_clock_hz"), std::string::npos) << r.out;
  std::string big = write("tp_board_big.json", "{\"mm_rows\": 16, \"mm_cols\": 16}");
  r = run("info --board " + big);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("DSP48E1"), std::string::npos) << r.out;
  std::string ok = write("tp_board_ok.json", "{\"mm_rows\": 8}");
  r = run("info --board " + ok);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\"mm_rows\": 8"), std::string::npos) << r.out;
  for (auto& p : {unknown, neg, big, ok}) std::filesystem::remove(p);
}

namespace {
// A board config {"pl_version": 2} in a directory of its own (removed by the caller): the path.
struct V2Board {
  explicit V2Board(const std::string& tag)
      : dir(std::filesystem::temp_directory_path() / ("tinypynq_cli_" + tag + "_" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(dir);
    std::FILE* f = std::fopen(path.c_str(), "w");
    std::fputs(R"({"pl_version": 2})", f);
    std::fclose(f);
  }
  ~V2Board() { std::filesystem::remove_all(dir); }
  std::filesystem::path dir;
  std::string path = (dir / "v2.json").string();
};
// train on tlm and rtl with the board config: the same losses and predicted board time, every
// rtl command checked in lockstep. Returns the rtl run.
Result rtl_equals_tlm(const std::string& board, const std::string& args) {
  const Result t = run("--board " + board + " train --target tlm" + args);
  const Result r = run("--board " + board + " train --target rtl" + args);
  EXPECT_EQ(t.code, 0) << t.out;
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(json_field(r.out, "losses"), json_field(t.out, "losses"));
  EXPECT_EQ(json_field(r.out, "predicted_board_seconds"), json_field(t.out, "predicted_board_seconds"));
  EXPECT_EQ(json_field(r.out, "checked"), json_field(r.out, "commands")) << "every command checked: " << r.out;
  EXPECT_GT(std::atoi(json_field(r.out, "checked").c_str()), 0) << r.out;
  return r;
}
}  // namespace

// The issue's acceptance run: the same training steps on the Verilated PL give exactly the
// losses (and the predicted board time) of the TLM models; the CNN too.
TEST(Cli, RtlTrainGivesTlmLosses) {
  if (!have_dataset()) GTEST_SKIP() << "Fashion-MNIST not installed";
  if (run("info").out.find("rtl") == std::string::npos) GTEST_SKIP() << "built without the rtl target";
  const std::string args = " --model mlp --steps 3 --batch 16 --test-samples 0 --json --seed 2";
  const Result t = run("train --target tlm" + args), r = run("train --target rtl" + args);
  ASSERT_EQ(t.code, 0) << t.out;
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\"target\": \"rtl\""), std::string::npos) << r.out;
  EXPECT_EQ(json_field(r.out, "losses"), json_field(t.out, "losses"));
  const std::string l = json_field(r.out, "losses");
  EXPECT_EQ(std::count(l.begin(), l.end(), ','), 2) << "three losses: " << l;
  EXPECT_EQ(json_field(r.out, "predicted_board_seconds"), json_field(t.out, "predicted_board_seconds"));
  EXPECT_EQ(json_field(r.out, "test_accuracy"), "null") << "--test-samples 0 skips the evaluation";
  // The CNN (convolutions as matmuls, pooling, more reduce commands): one step.
  const std::string cnn = " --model cnn --steps 1 --batch 4 --test-samples 0 --json";
  const Result tc = run("train --target tlm" + cnn), rc = run("train --target rtl" + cnn);
  ASSERT_EQ(tc.code, 0) << tc.out;
  ASSERT_EQ(rc.code, 0) << rc.out;
  EXPECT_EQ(json_field(rc.out, "losses"), json_field(tc.out, "losses"));
  EXPECT_EQ(json_field(rc.out, "predicted_board_seconds"), json_field(tc.out, "predicted_board_seconds"));
}

// pl_version 2 on rtl (docs/pl-v2.md "v2 on the rtl target"): the same steps give tlm's losses
// and predicted time exactly, every command checked in lockstep.
TEST(Cli, RtlPlVersion2GivesTlmFigures) {
  if (!have_dataset()) GTEST_SKIP() << "Fashion-MNIST not installed";
  if (run("info").out.find("rtl") == std::string::npos) GTEST_SKIP() << "built without the rtl target";
  const V2Board v2b("v2r");
  const std::string& board = v2b.path;
  rtl_equals_tlm(board, " --model mlp --steps 3 --batch 16 --test-samples 0 --json --seed 2");
}

// The v2 training PL (base/pynq_z2_v2_training.json: SFU DIV/RECIP + SQRT, no VR2, no reduce unit)
// has its own Verilated model: on rtl it gives tlm's losses and predicted time exactly, every
// command checked, its reductions and other SFU ops on the PS as on tlm.
TEST(Cli, RtlTrainingPlGivesTlmFigures) {
  if (!have_dataset()) GTEST_SKIP() << "Fashion-MNIST not installed";
  if (run("info").out.find("rtl") == std::string::npos) GTEST_SKIP() << "built without the rtl target";
  const std::string board = std::string(TINYPYNQ_SOURCE_DIR) + "/base/pynq_z2_v2_training.json";
  const Result r = rtl_equals_tlm(board, " --model mlp --steps 2 --batch 16 --test-samples 0 --json --seed 2");
  EXPECT_EQ(json_field(r.out, "reduce"), "0") << "no reduce unit in this build: " << r.out;
}

// --rtl-writer (docs/pl-v2.md "The RTL writer on the rtl target"): the view writer in RTL too, the
// TLM writer its twin. The losses are tlm's; every command's result transfer is compared with
// the twin (R's handshakes, every burst, the words in DDR, the end cycle), every command checked.
// Asked for where it cannot be (pl_version 1, a waveform), it is refused with a clear error.
TEST(Cli, RtlWriterIsCheckedAgainstTheTlmWriter) {
  if (!have_dataset()) GTEST_SKIP() << "Fashion-MNIST not installed";
  if (run("info").out.find("rtl") == std::string::npos) GTEST_SKIP() << "built without the rtl target";
  const V2Board v2b("vw");
  const std::filesystem::path& dir = v2b.dir;
  const std::string& board = v2b.path;
  const std::string args = " --model mlp --steps 2 --batch 16 --test-samples 0 --json --seed 2";
  const Result t = run("--board " + board + " train --target tlm" + args);
  const Result r = run("--board " + board + " --rtl-writer train --target rtl" + args);
  ASSERT_EQ(t.code, 0) << t.out;
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(json_field(r.out, "losses"), json_field(t.out, "losses"));
  // tlm plans the writer's back-pressure on R with the unit (and the readers behind it): the RTL
  // writer's stalls give tlm's predicted time exactly, and nothing is later than the TLM plan.
  EXPECT_EQ(json_field(r.out, "predicted_board_seconds"), json_field(t.out, "predicted_board_seconds"));
  EXPECT_EQ(json_field(r.out, "reader_fills_late"), "0") << r.out;
  EXPECT_EQ(json_field(r.out, "reader_beats_late"), "0") << r.out;
  const int commands = std::atoi(json_field(r.out, "commands").c_str());
  EXPECT_GT(commands, 0) << r.out;
  EXPECT_EQ(std::atoi(json_field(r.out, "checked").c_str()), commands) << r.out;
  EXPECT_EQ(std::atoi(json_field(r.out, "writer_transfers").c_str()), commands) << "one result transfer per command: " << r.out;
  EXPECT_GT(std::atoi(json_field(r.out, "writer_bursts").c_str()), commands) << r.out;
  const Result v1 = run("--rtl-writer train --target rtl" + args);
  EXPECT_EQ(v1.code, 1) << v1.out;
  EXPECT_NE(v1.out.find("needs pl_version 2"), std::string::npos) << v1.out;
  const Result w = run("--board " + board + " --rtl-writer train --target rtl --fst " + (dir / "x.fst").string() + args);
  EXPECT_EQ(w.code, 1) << w.out;
  EXPECT_NE(w.out.find("no waveform with the RTL view writer"), std::string::npos) << w.out;
}

// --rtl-queue (docs/pl-v2.md "The RTL queue on the rtl target"): the board's v2 PL, the writer
// and the command queue in RTL too, their TLM models the twins. tlm's losses and predicted time,
// every command checked, every entry's fetch, register accesses and record compared. Asked for
// where it cannot be (pl_version 1, the training PL's build), it is refused with the reason.
TEST(Cli, RtlQueueGivesTlmFigures) {
  if (!have_dataset()) GTEST_SKIP() << "Fashion-MNIST not installed";
  if (run("info").out.find("rtl") == std::string::npos) GTEST_SKIP() << "built without the rtl target";
  const V2Board v2b("cq");
  const std::string& board = v2b.path;
  const std::string args = " --model mlp --steps 2 --batch 16 --test-samples 0 --json --seed 2";
  const Result t = run("--board " + board + " train --target tlm" + args);
  const Result r = run("--board " + board + " --rtl-queue train --target rtl" + args);
  ASSERT_EQ(t.code, 0) << t.out;
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(json_field(r.out, "losses"), json_field(t.out, "losses"));
  EXPECT_EQ(json_field(r.out, "predicted_board_seconds"), json_field(t.out, "predicted_board_seconds"));
  const int commands = std::atoi(json_field(r.out, "commands").c_str());
  EXPECT_GT(commands, 0) << r.out;
  EXPECT_EQ(std::atoi(json_field(r.out, "checked").c_str()), commands) << r.out;
  EXPECT_EQ(std::atoi(json_field(r.out, "queue_fetches").c_str()), commands) << "one entry per command: " << r.out;
  EXPECT_EQ(std::atoi(json_field(r.out, "queue_record_words").c_str()), 2 * commands) << r.out;
  EXPECT_GT(std::atoi(json_field(r.out, "queue_accesses").c_str()), 10 * commands) << r.out;
  EXPECT_EQ(std::atoi(json_field(r.out, "writer_transfers").c_str()), commands) << r.out;
  const Result v1 = run("--rtl-queue train --target rtl" + args);
  EXPECT_EQ(v1.code, 1) << v1.out;
  EXPECT_NE(v1.out.find("queue (--rtl-queue) needs pl_version 2"), std::string::npos) << v1.out;
  const Result tr = run("--board " + std::string(TINYPYNQ_SOURCE_DIR) + "/base/pynq_z2_v2_training.json --rtl-queue train --target rtl" + args);
  EXPECT_EQ(tr.code, 1) << tr.out;
  EXPECT_NE(tr.out.find("drop --rtl-writer, --rtl-queue"), std::string::npos) << tr.out;
}

// A board the Verilated PL was not built for is refused on rtl with the register that differs,
// exit status 1 (it used to end in std::terminate: the models throw std::invalid_argument).
// pl_version 2 (docs/pl-v2.md): tlm and rtl run it; the board driver maps v2's windows and checks
// SYS.VERSION 2.x (runtime/board), so on a machine without the board it stops where v1 does, at
// the missing device, with the driver's advice (not at a refusal of the PL version).
TEST(Cli, PlVersion2RunsOnEveryTarget) {
  const V2Board v2b("v2");
  const std::string& board = v2b.path;
  const std::string info = run("info").out;
  for (const char* target : {"board"}) {
    if (info.find(target) == std::string::npos) continue;
    const Result r = run("--board " + board + " bench mlp-step --target " + std::string(target) +
                         " --batch 4 --steps 1 --warmup 0");
    const Result v1 = run(std::string("bench mlp-step --target ") + target + " --batch 4 --steps 1 --warmup 0");
    EXPECT_EQ(r.code, v1.code) << target << ": " << r.out;
    if (v1.code != 0) {
      EXPECT_NE(r.out.find("board: "), std::string::npos) << target << ": " << r.out;
      EXPECT_EQ(r.out.find("runs the v1 PL only"), std::string::npos) << target << ": " << r.out;
    }
  }
  for (const char* target : {"tlm", "rtl"}) {
    if (info.find(target) == std::string::npos) continue;
    const Result r = run("--board " + board + " bench mlp-step --target " + std::string(target) +
                         " --batch 4 --steps 1 --warmup 0");
    EXPECT_EQ(r.code, 0) << target << " runs pl_version 2: " << r.out;
  }
}

// pl_version 2 on tlm (docs/pl-v2.md "v2 step 2"): the view readers stream the operands v1's
// PS packed, into the same units: the issue's MLP run gives v1's losses exactly, the CNN too;
// the JSON counts what the PS still packs, and a trace of a v2 run works (no MM2S channels).
TEST(Cli, TlmPlVersion2TrainsWithV1Losses) {
  if (!have_dataset()) GTEST_SKIP() << "Fashion-MNIST not installed";
  if (run("info").out.find("tlm") == std::string::npos) GTEST_SKIP() << "built without the tlm target";
  const V2Board v2b("v2t");
  const std::filesystem::path& dir = v2b.dir;
  const std::string& board = v2b.path;
  const std::string trace = (dir / "v2.trace.json").string();
  const std::string mlp = " train --model mlp --target tlm --steps 3 --test-samples 0 --json";
  const Result v1 = run(mlp), v2 = run("--board " + board + mlp + " --trace " + trace);
  ASSERT_EQ(v1.code, 0) << v1.out;
  ASSERT_EQ(v2.code, 0) << v2.out;
  EXPECT_EQ(json_field(v1.out, "losses"), "[2.29466414, 2.22247744, 2.11203027]");
  EXPECT_EQ(json_field(v2.out, "losses"), json_field(v1.out, "losses"));
  EXPECT_EQ(json_field(v1.out, "ps_packed_operands"), "0") << "v1 reports none: it packs every view";
  // The MLP's transposed A operands whose K exceeds the line buffer stay packed (pl-v2.md).
  EXPECT_GT(std::atoi(json_field(v2.out, "ps_packed_operands").c_str()), 0) << v2.out;
  EXPECT_NE(json_field(v2.out, "predicted_board_seconds"), json_field(v1.out, "predicted_board_seconds"))
      << "the readers change the time, not the results";
  ASSERT_TRUE(std::filesystem::exists(trace));
  EXPECT_GT(std::filesystem::file_size(trace), 1000u);
  const std::string cnn = " train --model cnn --target tlm --steps 1 --batch 8 --test-samples 0 --json";
  const Result c1 = run(cnn), c2 = run("--board " + board + cnn);
  ASSERT_EQ(c1.code, 0) << c1.out;
  ASSERT_EQ(c2.code, 0) << c2.out;
  EXPECT_EQ(json_field(c2.out, "losses"), json_field(c1.out, "losses"));
}

TEST(Cli, RtlRefusesABoardTheRtlWasNotBuiltFor) {
  if (!have_dataset()) GTEST_SKIP() << "Fashion-MNIST not installed";
  if (run("info").out.find("rtl") == std::string::npos) GTEST_SKIP() << "built without the rtl target";
  const auto dir = std::filesystem::temp_directory_path() / ("tinypynq_cli_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string board = (dir / "mm8.json").string();
  std::FILE* f = std::fopen(board.c_str(), "w");
  std::fputs(R"({"mm_rows": 8})", f);
  std::fclose(f);
  const Result r = run("--board " + board + " train --target rtl --steps 1 --batch 4 --test-samples 0");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("error: rtl: the Verilated PL was built with other parameters than the board configuration"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("matmul register"), std::string::npos) << r.out;
  std::filesystem::remove_all(dir);
}

// `cosim --unit view_reader|view_writer|cmd_queue`: pl_version 2's blocks against their reference
// models (cosim/block_cosim.h) from the CLI, text and JSON; waveform options are refused.
TEST(Cli, CosimOfTheDataMovers) {
  if (run("info").out.find("rtl") == std::string::npos) GTEST_SKIP() << "built without the Verilated PL";
  for (const char* unit : {"view_reader", "view_writer", "cmd_queue"}) {
    const bool rings = std::string(unit) == "cmd_queue";
    const std::string n = rings ? "12" : "40";
    const Result t = run(std::string("cosim --unit ") + unit + " --count " + n + " --seed 7");
    ASSERT_EQ(t.code, 0) << t.out;
    EXPECT_NE(t.out.find(n + (rings ? " rings" : " descriptors") + " compared, " + n + " bit- and cycle-exact (100%)"),
              std::string::npos)
        << t.out;
    const Result j = run(std::string("cosim --unit ") + unit + " --count " + n + " --seed 7 --json");
    ASSERT_EQ(j.code, 0) << j.out;
    EXPECT_EQ(json_field(j.out, "compared"), n) << j.out;
    EXPECT_EQ(json_field(j.out, "bit_exact"), n) << j.out;
    EXPECT_EQ(json_field(j.out, "first_mismatch"), "null") << j.out;
    const Result w = run(std::string("cosim --unit ") + unit + " --count 2 --fst /tmp/x.fst");
    EXPECT_EQ(w.code, 1) << w.out;
    EXPECT_NE(w.out.find("--fst, --vcd and --trace are for the units"), std::string::npos) << w.out;
  }
}
