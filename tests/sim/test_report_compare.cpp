// `tinypynq report RUN.json --compare PREDICTED.json`: measured against predicted per phase and
// per kernel. Two tlm traces of the same training steps under different board configs stand
// in for a board trace and its prediction.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <regex>

#include "support/run_cli.h"

namespace fs = std::filesystem;

namespace {

// The ratio column of the row whose first column is `name`.
double ratio_of(const std::string& out, const std::string& name) {
  std::smatch m;
  const std::regex re("\\n  " + name + " +([0-9.]+) +([0-9.]+) +([0-9.]+)");
  const size_t at = out.find("measured (");  // the report's own summary table comes first
  if (at == std::string::npos) return -1;
  const std::string table = out.substr(at);
  if (!std::regex_search(table, m, re)) return -1;
  return std::stod(m[3]);
}

TEST(ReportCompare, MeasuredVsPredictedPerPhaseAndKernel) {
  if (!have_dataset()) GTEST_SKIP() << "Fashion-MNIST not installed";
  if (run_cli("info").out.find("tlm") == std::string::npos) GTEST_SKIP() << "built without the tlm target";
  std::random_device rd;
  const fs::path dir = fs::temp_directory_path() / ("tinypynq_cmp_" + std::to_string(rd()));
  fs::create_directories(dir);
  const fs::path slow = dir / "slow.json", a = dir / "predicted.json", b = dir / "measured.json";
  // Slower GP0 writes and driver bookkeeping, slower cache cleaning; the PL is the same.
  std::ofstream(slow) << R"({"gp0_write_ns": 120.0, "driver_call_ns": 3000.0, "cache_flush_bytes_per_s": 0.75e9})";
  const std::string train = " train --target tlm --steps 1 --batch 8 --test-samples 0 --trace ";
  ASSERT_EQ(run_cli(train + a.string()).code, 0);
  ASSERT_EQ(run_cli("--board " + slow.string() + train + b.string()).code, 0);
  const CliResult r = run_cli("report " + b.string() + " --compare " + a.string() + " --out " + dir.string());
  EXPECT_EQ(r.code, 2) << r.out;  // the timing differs
  EXPECT_NE(r.out.find("measured (tlm) vs predicted (tlm)"), std::string::npos) << r.out;
  EXPECT_GT(ratio_of(r.out, "ps_driver"), 1.5) << r.out;
  EXPECT_GT(ratio_of(r.out, "ps_cache"), 1.1) << r.out;
  EXPECT_NEAR(ratio_of(r.out, "ps_pack"), 1.0, 1e-3) << r.out;
  EXPECT_NEAR(ratio_of(r.out, "pl_matmul"), 1.0, 0.01) << r.out;
  EXPECT_GT(ratio_of(r.out, "total \\(board time\\)"), 1.0) << r.out;
  // Kernels matched by name and shape, with their call counts in both traces.
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\\n  r_SUM_MUL \\([0-9, ]+\\) +[0-9.]+ +[0-9.]+ +[0-9.]+ 2/2"))) << r.out;
  // The same trace against itself: ratios of 1 and exit status 0.
  const CliResult same = run_cli("report " + a.string() + " --compare " + a.string() + " --out " + dir.string());
  EXPECT_EQ(same.code, 0) << same.out;
  EXPECT_NEAR(ratio_of(same.out, "total \\(board time\\)"), 1.0, 1e-9) << same.out;
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace
