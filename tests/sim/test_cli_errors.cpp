// The tinypynq program's conventions as a user meets them: --version, command-line errors
// (exit status 2, the message and a usage line), board configurations on the tlm target, and
// every `tinypynq <command>` the documentation shows being a real command.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "tests/support/run_cli.h"

namespace fs = std::filesystem;

namespace {

fs::path scratch() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  fs::path d = fs::temp_directory_path() / (std::string("tinypynq_cli_") + info->name());
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

bool have_tlm() { return run_cli("info").out.find("tlm") != std::string::npos; }

}  // namespace

TEST(CliConventions, VersionPrintsTheProjectVersion) {
  const CliResult r = run_cli("--version");
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, std::string("tinypynq ") + TINYPYNQ_VERSION + "\n");
}

TEST(CliConventions, ParseErrorsExit2WithTheMessageAndAUsageLine) {
  struct Case {
    const char* args;
    const char* message;
    const char* usage;
  } cases[] = {
      {"train --batch x", "Could not convert: --batch = x", "usage: tinypynq [--board FILE] train [OPTIONS]"},
      {"train --nope", "--nope", "usage: tinypynq [--board FILE] train [OPTIONS]"},
      {"train --test-samples -3", "--test-samples", "usage: tinypynq [--board FILE] train"},
      {"frobnicate", "frobnicate", "usage: tinypynq [--help] [--version] [--board FILE] [train|info|bench"},
      {"--board", "--board", "usage: tinypynq [--help]"},
      {"--board /nonexistent.json info", "/nonexistent.json", "usage: tinypynq"},
      {"bench nope", "nope", "usage: tinypynq [--board FILE] bench [OPTIONS]"},
      {"report", "trace", "usage: tinypynq [--board FILE] report [OPTIONS]"},
  };
  for (const Case& c : cases) {
    const CliResult r = run_cli(c.args);
    EXPECT_EQ(r.code, 2) << c.args << ": " << r.out;
    EXPECT_EQ(r.out.rfind("error: ", 0), 0u) << c.args << ": " << r.out;
    EXPECT_NE(r.out.find(c.message), std::string::npos) << c.args << ": " << r.out;
    EXPECT_NE(r.out.find(c.usage), std::string::npos) << c.args << ": " << r.out;
  }
  // Help is not an error.
  EXPECT_EQ(run_cli("--help").code, 0);
  EXPECT_EQ(run_cli("train --help").code, 0);
  // Values that parse but cannot be used are errors of the run (exit 1), named.
  const CliResult r = run_cli("train --steps 1 --lr inf");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("--lr must be a positive finite number"), std::string::npos) << r.out;
  const CliResult e = run_cli("train --epochs 99999999999999");
  EXPECT_EQ(e.code, 1) << e.out;
  EXPECT_NE(e.out.find("--epochs 99999999999999 is more than"), std::string::npos) << e.out;
}

// Unit sizes and the PL clock are the tlm platform's to model: every valid configuration runs
// there (the rtl target alone is bound to what its Verilated PL was built with).
TEST(CliConventions, TlmRunsBoardsWithOtherUnitSizesAndClocks) {
  if (!have_dataset()) GTEST_SKIP() << "Fashion-MNIST not installed";
  if (!have_tlm()) GTEST_SKIP() << "built without SystemC";
  const fs::path dir = scratch();
  std::string pl_matmul_default;
  for (const char* cfg : {"{}", "{\"mm_rows\": 8}", "{\"pl_clock_hz\": 125e6}", "{\"mm_rows\": 2, \"pl_clock_hz\": 150e6}"}) {
    std::ofstream(dir / "board.json") << cfg;
    const CliResult r = run_cli("--board " + (dir / "board.json").string() +
                                " train --target tlm --steps 1 --batch 16 --test-samples 0 --json");
    ASSERT_EQ(r.code, 0) << cfg << ": " << r.out;
    const std::string m = json_field(r.out, "pl_matmul");
    if (std::string(cfg) == "{}") pl_matmul_default = m;
    else EXPECT_NE(m, pl_matmul_default) << cfg << ": the configuration must change the matmul time";
  }
}

// Every command line a document shows (`tinypynq <command> ...` in a code block or inline code)
// names a command this build has or one the documents say is coming with a build option.
TEST(CliConventions, DocumentedCommandsExist) {
  std::set<std::string> commands;
  const std::string help = run_cli("--help").out;
  const std::regex sub_re(R"(\n  ([a-z]+)\s)");
  for (std::sregex_iterator it(help.begin(), help.end(), sub_re), end; it != end; ++it) commands.insert((*it)[1]);
  ASSERT_TRUE(commands.count("train") && commands.count("info")) << help;
  // Built only with SystemC + Verilator (cosim) or with libonnx (run): accepted in the documents
  // when this build lacks them.
  for (const char* optional : {"cosim", "run"}) commands.insert(optional);
  std::vector<fs::path> docs{fs::path(TINYPYNQ_SOURCE_DIR) / "README.md"};
  for (const auto& e : fs::recursive_directory_iterator(fs::path(TINYPYNQ_SOURCE_DIR) / "docs"))
    if (e.path().extension() == ".md") docs.push_back(e.path());
  const std::regex cmd_re(R"((?:^|[`$]\s*|\n\s*)tinypynq\s+(?:--board\s+\S+\s+)?([a-z][a-z-]*)\b)");
  int seen = 0;
  for (const fs::path& d : docs) {
    std::ifstream f(d);
    std::stringstream ss;
    ss << f.rdbuf();
    const std::string text = ss.str();
    for (std::sregex_iterator it(text.begin(), text.end(), cmd_re), end; it != end; ++it) {
      ++seen;
      EXPECT_TRUE(commands.count((*it)[1])) << d.filename() << " shows `tinypynq " << (*it)[1]
                                            << "`, which is not a command (commands: " << help << ")";
    }
  }
  EXPECT_GT(seen, 5) << "the documents show tinypynq commands; the pattern must find them";
}

// A batch the emulated DDR cannot hold is refused with the limit named, and the run leaves no
// partial output behind (no trace, no weights).
TEST(CliConventions, ABatchTooLargeForTheEmulatedDdrLeavesNoPartialFiles) {
  if (!have_dataset()) GTEST_SKIP() << "Fashion-MNIST not installed";
  if (!have_tlm()) GTEST_SKIP() << "built without SystemC";
  const fs::path dir = scratch();
  const fs::path trace = dir / "t.json", weights = dir / "w.safetensors";
  const CliResult r = run_cli("train --model cnn --target tlm --batch 30000 --steps 1 --test-samples 0 --trace " +
                              trace.string() + " --save " + weights.string());
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("does not fit the emulated DDR"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(trace));
  EXPECT_FALSE(fs::exists(weights));
  for (const auto& e : fs::directory_iterator(dir)) ADD_FAILURE() << "left behind: " << e.path();
}
