// `tinypynq calibrate --target tlm` must recover the constants of the board config it runs
// with (within 2%): the default config and one with other values. Each run is its own process
// (SystemC elaborates one platform per process).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "sim/calibrate_cmd.h"
#include "support/run_cli.h"
#ifdef TINYPYNQ_HAVE_TLM
#include "runtime/tlm/tlm_driver.h"
#endif

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Tmp {
  fs::path dir;
  Tmp() {
    std::random_device rd;
    dir = fs::temp_directory_path() / ("tinypynq_cal_" + std::to_string(rd()));
    fs::create_directories(dir);
  }
  ~Tmp() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

const char* kRecovered[] = {"gp0_write_ns", "gp0_read_ns", "pl_clock_hz", "cache_flush_bytes_per_s",
                            "cache_invalidate_bytes_per_s", "driver_call_ns", "irq_latency_ns"};

json load(const fs::path& p) {
  std::ifstream f(p);
  return json::parse(f);
}

void expect_recovers(const std::string& board_arg, const json& want) {
  if (run_cli("info").out.find("tlm") == std::string::npos) GTEST_SKIP() << "built without the tlm target";
  Tmp t;
  const fs::path out = t.dir / "measured.json";
  const CliResult r = run_cli(board_arg + " calibrate --target tlm --quick --out " + out.string());
  ASSERT_EQ(r.code, 0) << r.out;
  const json got = load(out);
  for (const char* k : kRecovered) {
    const double w = want[k].get<double>(), g = got[k].get<double>();
    EXPECT_NEAR(g / w, 1.0, 0.02) << k << ": measured " << g << ", config " << w << "\n" << r.out;
  }
  // Keys calibrate does not measure on tlm are kept as they were.
  for (auto& [k, v] : want.items()) {
    if (std::find(std::begin(kRecovered), std::end(kRecovered), k) == std::end(kRecovered)) {
      EXPECT_EQ(got[k], v) << k;
    }
  }
}

TEST(Calibrate, TlmRecoversTheDefaultConfig) {
  Tmp t;
  const CliResult r = run_cli("info --config");
  ASSERT_EQ(r.code, 0) << r.out;
  const json def = json::parse(r.out.substr(r.out.find('{')));
  expect_recovers("", def);
}

TEST(Calibrate, TlmRecoversAConfigWithOtherValues) {
  Tmp t;
  const CliResult r = run_cli("info --config");
  ASSERT_EQ(r.code, 0) << r.out;
  json cfg = json::parse(r.out.substr(r.out.find('{')));
  cfg["gp0_write_ns"] = 95.0;
  cfg["gp0_read_ns"] = 260.0;
  // pl_clock_hz stays: the rtl target's Verilated PL has FCLK_HZ built in and refuses another.
  cfg["cache_flush_bytes_per_s"] = 0.9e9;
  cfg["cache_invalidate_bytes_per_s"] = 2.2e9;
  cfg["driver_call_ns"] = 2500.0;
  cfg["irq_latency_ns"] = 8000.0;
  cfg["poll_interval_ns"] = 300.0;
  const fs::path p = t.dir / "other.json";
  std::ofstream(p) << cfg.dump(2);
  expect_recovers("--board " + p.string(), cfg);
}

// The v2 PL (view readers and writer, no DMA): calibrate runs each command programmed and waited
// for (not queued) and recovers the config too (it used to stop with SIGFPE in PlExec::enqueue:
// a second executor for the interrupt measurement was never initialised).
TEST(Calibrate, TlmRecoversAV2Config) {
  Tmp t;
  const CliResult r = run_cli("info --config");
  ASSERT_EQ(r.code, 0) << r.out;
  json cfg = json::parse(r.out.substr(r.out.find('{')));
  cfg["pl_version"] = 2;
  cfg["driver_call_ns"] = 1700.0;
  const fs::path p = t.dir / "v2.json";
  std::ofstream(p) << cfg.dump(2);
  expect_recovers("--board " + p.string(), cfg);
}

// In-process, on the tlm driver alone (the CLI registers the rtl target too, whose Verilated PL
// has FCLK_HZ built in): another PL clock is recovered as well.
TEST(Calibrate, TlmRecoversAnotherPlClock) {
#ifdef TINYPYNQ_HAVE_TLM
  tinypynq::BoardConfig cfg = tinypynq::BoardConfig::defaults();
  cfg.pl_clock_hz = 125e6;
  cfg.hp_clock_hz = 125e6;
  cfg.gp0_read_ns = 140;
  cfg.poll_interval_ns = 150;
  auto d = tinypynq::vp::make_tlm_driver(cfg);
  const tinypynq::sim::Calibration c = tinypynq::sim::calibrate(*d, cfg, false, true);
  EXPECT_NEAR(c.cfg.pl_clock_hz / 125e6, 1.0, 0.02) << c.table();
  EXPECT_NEAR(c.cfg.gp0_read_ns / 140, 1.0, 0.02) << c.table();
  EXPECT_NEAR(c.cfg.irq_latency_ns / cfg.irq_latency_ns, 1.0, 0.02) << c.table();
  EXPECT_NEAR(c.cfg.driver_call_ns / cfg.driver_call_ns, 1.0, 0.02) << c.table();
#else
  GTEST_SKIP() << "built without the tlm target";
#endif
}

TEST(Calibrate, BadTargetAndMissingBoardSayWhy) {
  CliResult r = run_cli("calibrate --target gpu");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("--target"), std::string::npos) << r.out;
  // No board here: the board target explains what is missing instead of crashing.
  r = run_cli("calibrate --target board --udmabuf udmabuf_none");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("error: board:"), std::string::npos) << r.out;
  r = run_cli("board check --udmabuf udmabuf_none");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("error: board:"), std::string::npos) << r.out;
  r = run_cli("board load /nonexistent/tinypynq.bit");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("cannot read /nonexistent/tinypynq.bit"), std::string::npos) << r.out;
  r = run_cli("board");  // a subcommand is required
  EXPECT_NE(r.code, 0) << r.out;
}

}  // namespace
