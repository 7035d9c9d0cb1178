// Faults survived (issue: reliability): a DMA decode error, a unit that never starts, a lost
// interrupt and a corrupt status read, injected on a chosen unit command of a training run. The
// runtime must name what failed, recover (reset + PS recompute, a poll, a re-read), count it in
// the JSON, and the run must go on with the losses of a clean run.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/run_cli.h"

namespace {

using ::testing::HasSubstr;

std::vector<double> losses(const std::string& out) {
  std::string a = json_field(out, "losses");
  std::vector<double> v;
  for (char& c : a)
    if (c == '[' || c == ']' || c == ',') c = ' ';
  std::istringstream in(a);
  for (double x; in >> x;) v.push_back(x);
  return v;
}

const std::string kTrain = "train --model mlp --steps 3 --batch 16 --test-samples 0 --json";

const CliResult& clean(const std::string& target) {
  static const CliResult tlm = run_cli(kTrain + " --target " + target);
  return tlm;
}

void expect_same_losses(const CliResult& faulty, const CliResult& ref) {
  const std::vector<double> a = losses(faulty.out), b = losses(ref.out);
  ASSERT_EQ(a.size(), 3u) << faulty.out;
  ASSERT_EQ(b.size(), 3u) << ref.out;
  // A kernel recomputed on the PS rounds like the cpu reference (hw-spec §9 bounds): close, not
  // necessarily the same bits.
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-5 * std::fabs(b[i])) << "step " << i;
}

TEST(Faults, DmaDecodeErrorIsRecoveredOnThePs) {
  if (!have_dataset()) GTEST_SKIP() << "Fashion-MNIST not installed";
  const CliResult r = run_cli(kTrain + " --target tlm --inject-fault dma-error@150");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("DMA0 S2MM error on a vector command"));
  EXPECT_THAT(r.out, HasSubstr("DecErr"));
  EXPECT_THAT(r.out, HasSubstr("PL reset, kernel recomputed on the PS"));
  EXPECT_EQ(json_field(r.out, "detected"), "1");
  EXPECT_EQ(json_field(r.out, "ps_recompute"), "1");
  expect_same_losses(r, clean("tlm"));
}

TEST(Faults, HungUnitIsDetectedResetAndRecomputed) {
  if (!have_dataset()) GTEST_SKIP() << "Fashion-MNIST not installed";
  const CliResult r = run_cli(kTrain + " --target tlm --inject-fault unit-hang@150");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("command did not complete"));
  EXPECT_THAT(r.out, HasSubstr("can make no more progress"));
  EXPECT_EQ(json_field(r.out, "pl_faults"), "1");
  EXPECT_EQ(json_field(r.out, "ps_recompute"), "1");
  // The emulation sees the hang at once; a board's driver polls until its 10 s timeout, and the
  // prediction charges that wait.
  EXPECT_GT(std::stod(json_field(r.out, "predicted_board_seconds")),
            std::stod(json_field(clean("tlm").out, "predicted_board_seconds")) + 9.9);
  expect_same_losses(r, clean("tlm"));
}

TEST(Faults, LostInterruptIsFoundByPolling) {
  if (!have_dataset()) GTEST_SKIP() << "Fashion-MNIST not installed";
  const CliResult r = run_cli(kTrain + " --target tlm --wait irq --inject-fault lost-irq@150");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(json_field(r.out, "irq_poll"), "1");
  EXPECT_EQ(json_field(r.out, "pl_faults"), "0");  // nothing to redo: the command had finished
  // The PS slept until its interrupt timeout: the prediction shows what the lost edge cost.
  EXPECT_GT(std::stod(json_field(r.out, "predicted_board_seconds")),
            std::stod(json_field(clean("tlm").out, "predicted_board_seconds")) + 0.4);
  expect_same_losses(r, clean("tlm"));
}

TEST(Faults, CorruptStatusReadIsReadAgain) {
  if (!have_dataset()) GTEST_SKIP() << "Fashion-MNIST not installed";
  const CliResult r = run_cli(kTrain + " --target tlm --inject-fault bad-status@150");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(json_field(r.out, "status_reread"), "1");
  EXPECT_EQ(json_field(r.out, "pl_faults"), "0");
  const std::vector<double> a = losses(r.out), b = losses(clean("tlm").out);
  EXPECT_EQ(a, b);  // nothing was recomputed: the same bits
}

TEST(Faults, EveryKindInOneRunAndOnTheRtlTarget) {
  if (!have_dataset()) GTEST_SKIP() << "Fashion-MNIST not installed";
  const CliResult r = run_cli(kTrain + " --target tlm --wait irq "
                              "--inject-fault dma-error@100,unit-hang@150,lost-irq@200,bad-status@250");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(json_field(r.out, "detected"), "4");
  expect_same_losses(r, clean("tlm"));
#ifdef TINYPYNQ_TEST_RTL
  // rtl gives tlm's losses bit for bit (lockstep), so the clean reference can run on tlm.
  const std::string args = "train --model mlp --steps 1 --batch 4 --test-samples 0 --json";
  const CliResult ref = run_cli(args + " --target tlm");
  const CliResult f = run_cli(args + " --target rtl --inject-fault dma-error@40,unit-hang@60");
  ASSERT_EQ(f.code, 0) << f.out;
  EXPECT_EQ(json_field(f.out, "ps_recompute"), "2");
  const std::vector<double> a = losses(f.out), b = losses(ref.out);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_NEAR(a[0], b[0], 1e-5 * std::fabs(b[0]));
#endif
}

TEST(Faults, BadFaultSpecsAreRejectedWithTheEntry) {
  CliResult r = run_cli(kTrain + " --target tlm --inject-fault dma-err@3");
  EXPECT_NE(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("unknown kind \"dma-err\""));
  r = run_cli(kTrain + " --target tlm --inject-fault unit-hang@0");
  EXPECT_NE(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("not a command number >= 1"));
  r = run_cli(kTrain + " --target cpu --inject-fault unit-hang@3");
  EXPECT_NE(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("is not a pynq target"));
}

// The faults hit v1's DMA and unit registers; on pl_version 2 (the command queue and the view
// writer) none would land, so the run is refused instead of reporting no fault.
TEST(Faults, PlVersion2RefusesInjectedFaultsItCannotLand) {
  const std::string board = (std::filesystem::temp_directory_path() / "tinypynq_faults_v2.json").string();
  {
    std::ofstream f(board);
    f << "{\"pl_version\": 2}\n";
  }
  for (const char* kind : {"dma-error@2", "unit-hang@2", "bad-status@2"}) {
    const CliResult r = run_cli("--board " + board + " " + kTrain + " --target tlm --inject-fault " + kind);
    EXPECT_EQ(r.code, 1) << kind << ": " << r.out;
    EXPECT_THAT(r.out, HasSubstr("this board has pl_version 2")) << kind;
    EXPECT_THAT(r.out, HasSubstr("Use a board with pl_version 1")) << kind;
  }
  std::filesystem::remove(board);
}

}  // namespace
