// SPDX-License-Identifier: MIT
// BoardConfig: defaults, JSON round trip, subset overrides, and every rejection with the content
// of its message (origin, key, value, expectation).
#include "base/board_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "base/check.h"

#ifndef TINYPYNQ_SOURCE_DIR
#error "TINYPYNQ_SOURCE_DIR must be defined (tests/models/CMakeLists.txt)"
#endif

namespace tinypynq {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The message of the tinypynq::Error that `from_json(text, "my.json")` throws ("" if none).
std::string error_of(const std::string& text) {
  try {
    BoardConfig::from_json(text, "my.json");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

std::string validate_error(const BoardConfig& c) {
  try {
    c.validate();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

bool same(const BoardConfig& a, const BoardConfig& b) { return a.to_json() == b.to_json(); }

TEST(BoardConfig, DefaultsValidate) {
  const BoardConfig c = BoardConfig::defaults();
  EXPECT_NO_THROW(c.validate());
  EXPECT_EQ(c.pl_clock_hz, 100e6);
  EXPECT_EQ(c.ps_clock_hz, 650e6);
  EXPECT_EQ(c.ddr_bytes, 512ull << 20);
  EXPECT_EQ(c.dma_mm2s_latency, 6u);
  EXPECT_EQ(c.dma_s2mm_latency, 39u);
  EXPECT_EQ(c.mm_rows, 4u);
  EXPECT_EQ(c.mm_cols, 4u);
}

TEST(BoardConfig, DefaultResourcesMatchHwSpec) {
  // hw-spec §10: 32 DSP for the 4x4 array + 42 for the vector unit; matmul buffers 64 + 16 + 8.
  const auto r = BoardConfig::defaults().pl_resources();
  EXPECT_EQ(r.dsp48, 74u);
  EXPECT_EQ(r.bram36_wbuf, 64u);
  EXPECT_EQ(r.bram36_abuf, 16u);
  EXPECT_EQ(r.bram36_obuf, 8u);
  EXPECT_EQ(r.bram36_dma, 6u);
  EXPECT_EQ(r.bram36, 94u);
}

TEST(BoardConfig, ToJsonHasEveryKeyInDeclarationOrder) {
  const std::string j = BoardConfig::defaults().to_json();
  EXPECT_EQ(j.front(), '{');
  EXPECT_EQ(j.back(), '\n');
  const char* keys[] = {"pl_clock_hz", "ps_clock_hz", "ddr_bytes", "ddr_peak_bytes_per_s",
                        "ddr_efficiency", "ddr_read_latency_ns", "ddr_write_latency_ns",
                        "hp_clock_hz", "hp_data_bytes", "gp0_write_ns", "gp0_read_ns",
                        "dma_length_width", "dma_data_bytes", "dma_burst_beats",
                        "dma_mm2s_latency", "dma_s2mm_latency", "dma_s2mm_burst_gap",
                        "dma_start_cycles", "mm_rows", "mm_cols", "mm_wdepth", "mm_kmax",
                        "mm_nmax", "a9_flops_per_cycle", "a9_transcendental_cycles",
                        "a9_memcpy_bytes_per_s", "a9_stream_bytes_per_s",
                        "cache_flush_bytes_per_s", "cache_invalidate_bytes_per_s",
                        "driver_call_ns", "irq_latency_ns", "poll_interval_ns"};
  size_t pos = 0;
  for (const char* k : keys) {
    const size_t at = j.find(std::string("\"") + k + "\":");
    ASSERT_NE(at, std::string::npos) << k;
    EXPECT_GT(at, pos) << k << " out of order";
    pos = at;
  }
  // Integer fields are written as integers, not 512.0.
  EXPECT_THAT(j, HasSubstr("\"ddr_bytes\": 536870912,"));
  EXPECT_THAT(j, HasSubstr("\"mm_rows\": 4,"));
}

TEST(BoardConfig, RoundTrip) {
  const BoardConfig d = BoardConfig::defaults();
  EXPECT_TRUE(same(BoardConfig::from_json(d.to_json()), d));

  BoardConfig c = d;  // every field changed, awkward doubles included
  c.pl_clock_hz = 142.857e6;
  c.ps_clock_hz = 666.666666e6;
  c.ddr_bytes = 1ull << 30;
  c.ddr_peak_bytes_per_s = 4.264e9;
  c.ddr_efficiency = 0.1;
  c.ddr_read_latency_ns = 0;
  c.ddr_write_latency_ns = 1.0 / 3.0;
  c.hp_clock_hz = 150e6;
  c.hp_data_bytes = 4;
  c.gp0_write_ns = 12.5;
  c.gp0_read_ns = 250;
  c.dma_length_width = 23;
  c.dma_data_bytes = 4;
  c.dma_burst_beats = 256;
  c.dma_mm2s_latency = 7;
  c.dma_s2mm_latency = 40;
  c.dma_s2mm_burst_gap = 0;
  c.dma_start_cycles = 3;
  c.mm_rows = 8;
  c.mm_cols = 2;
  c.mm_wdepth = 8192;
  c.mm_kmax = 1024;
  c.mm_nmax = 512;
  c.a9_flops_per_cycle = 2;
  c.a9_transcendental_cycles = 55.5;
  c.a9_memcpy_bytes_per_s = 3e8;
  c.a9_stream_bytes_per_s = 7e8;
  c.cache_flush_bytes_per_s = 9e8;
  c.cache_invalidate_bytes_per_s = 1.1e9;
  c.driver_call_ns = 2000;
  c.irq_latency_ns = 20000;
  c.poll_interval_ns = 250;
  ASSERT_NO_THROW(c.validate());
  const BoardConfig back = BoardConfig::from_json(c.to_json());
  EXPECT_EQ(back.to_json(), c.to_json());
  EXPECT_EQ(back.ddr_write_latency_ns, 1.0 / 3.0);  // bit-exact double round trip
  EXPECT_EQ(back.ps_clock_hz, 666.666666e6);
  EXPECT_EQ(back.mm_rows, 8u);
}

TEST(BoardConfig, SubsetOverride) {
  const BoardConfig c = BoardConfig::from_json(R"({"pl_clock_hz": 125e6, "mm_rows": 8})");
  EXPECT_EQ(c.pl_clock_hz, 125e6);
  EXPECT_EQ(c.mm_rows, 8u);
  BoardConfig expect = BoardConfig::defaults();
  expect.pl_clock_hz = 125e6;
  expect.mm_rows = 8;
  EXPECT_TRUE(same(c, expect));
  EXPECT_TRUE(same(BoardConfig::from_json("{}"), BoardConfig::defaults()));
}

TEST(BoardConfig, IntegerFieldsAcceptIntegralFloats) {
  const BoardConfig c =
      BoardConfig::from_json(R"({"mm_rows": 8.0, "ddr_bytes": 2.68435456e8, "dma_mm2s_latency": 1e1})");
  EXPECT_EQ(c.mm_rows, 8u);
  EXPECT_EQ(c.ddr_bytes, 256ull << 20);
  EXPECT_EQ(c.dma_mm2s_latency, 10u);
}

TEST(BoardConfig, DoubleFieldsAcceptIntegers) {
  EXPECT_EQ(BoardConfig::from_json(R"({"pl_clock_hz": 50000000})").pl_clock_hz, 50e6);
}

TEST(BoardConfig, CommentsAreAllowed) {
  const BoardConfig c = BoardConfig::from_json("{\n  // faster PL\n  \"pl_clock_hz\": 150e6 /* MHz */\n}");
  EXPECT_EQ(c.pl_clock_hz, 150e6);
}

TEST(BoardConfig, ErrorNamesOriginKeyValueAndExpectation) {
  const std::string m = error_of(R"({"pl_clock_hz": -5})");
  EXPECT_EQ(m, "board config my.json: \"pl_clock_hz\" must be a positive number of Hz, got -5");
}

TEST(BoardConfig, RejectsUnknownKeyWithSuggestion) {
  std::string m = error_of(R"({"pl_clk_hz": 1e8})");
  EXPECT_THAT(m, HasSubstr("board config my.json"));
  EXPECT_THAT(m, HasSubstr("unknown key \"pl_clk_hz\""));
  EXPECT_THAT(m, HasSubstr("did you mean \"pl_clock_hz\"?"));

  m = error_of(R"({"MM_ROWS": 8})");
  EXPECT_THAT(m, HasSubstr("did you mean \"mm_rows\"?"));
  m = error_of(R"({"dma-s2mm-latency": 8})");
  EXPECT_THAT(m, HasSubstr("did you mean \"dma_s2mm_latency\"?"));

  m = error_of(R"({"frobnicate": 1})");
  EXPECT_THAT(m, HasSubstr("unknown key \"frobnicate\""));
  EXPECT_THAT(m, Not(HasSubstr("did you mean")));
  EXPECT_THAT(m, HasSubstr("docs/board-config.md"));
}

TEST(BoardConfig, RejectsSectionsBecauseTheObjectIsFlat) {
  const std::string m = error_of(R"({"clocks": {"pl_clock_hz": 1e8}})");
  EXPECT_THAT(m, HasSubstr("unknown key \"clocks\""));
}

TEST(BoardConfig, RejectsDuplicateKeys) {
  const std::string m = error_of(R"({"mm_rows": 4, "mm_rows": 8})");
  EXPECT_THAT(m, HasSubstr("board config my.json: key \"mm_rows\" is given twice"));
}

TEST(BoardConfig, RejectsWrongJsonTypes) {
  std::string m = error_of(R"({"pl_clock_hz": "100e6"})");
  EXPECT_THAT(m, HasSubstr("\"pl_clock_hz\" must be a number (Hz)"));
  EXPECT_THAT(m, HasSubstr("got string \"100e6\""));

  m = error_of(R"({"ddr_efficiency": true})");
  EXPECT_THAT(m, HasSubstr("\"ddr_efficiency\" must be a number"));
  EXPECT_THAT(m, HasSubstr("got boolean true"));

  m = error_of(R"({"gp0_read_ns": null})");
  EXPECT_THAT(m, HasSubstr("\"gp0_read_ns\" must be a number (ns), got null"));

  m = error_of(R"({"mm_rows": "8"})");
  EXPECT_THAT(m, HasSubstr("\"mm_rows\" must be a non-negative integer (PEs), got string \"8\""));

  m = error_of(R"({"mm_cols": [4]})");
  EXPECT_THAT(m, HasSubstr("\"mm_cols\" must be a non-negative integer"));
  EXPECT_THAT(m, HasSubstr("got array [4]"));
}

TEST(BoardConfig, RejectsFractionalAndNegativeIntegers) {
  std::string m = error_of(R"({"mm_rows": 2.5})");
  EXPECT_THAT(m, HasSubstr("board config my.json: \"mm_rows\" must be an integer (PEs), got 2.5"));

  m = error_of(R"({"dma_s2mm_latency": -3})");
  EXPECT_THAT(m, HasSubstr("\"dma_s2mm_latency\" must be a non-negative integer (clocks), got -3"));

  m = error_of(R"({"dma_mm2s_latency": -2.0})");
  EXPECT_THAT(m, HasSubstr("\"dma_mm2s_latency\" must be a non-negative integer (clocks), got -2"));

  m = error_of(R"({"mm_kmax": 4294967296})");
  EXPECT_THAT(m, HasSubstr("\"mm_kmax\" must be an integer at most 4294967295"));
  EXPECT_THAT(m, HasSubstr("got 4294967296"));

  m = error_of(R"({"ddr_bytes": 1e30})");
  EXPECT_THAT(m, HasSubstr("\"ddr_bytes\" must be an integer at most 18446744073709551615"));
}

TEST(BoardConfig, RejectsSyntaxErrorsWithLineAndColumn) {
  std::string m = error_of("{\n  \"pl_clock_hz\": 1e8,\n  \"mm_rows\" 8\n}");
  EXPECT_THAT(m, HasSubstr("board config my.json: invalid JSON at line 3, column 13"));
  EXPECT_THAT(m, HasSubstr("syntax error"));

  m = error_of("{\"pl_clock_hz\": 1e8,}");
  EXPECT_THAT(m, HasSubstr("invalid JSON at line 1"));

  m = error_of("");
  EXPECT_THAT(m, HasSubstr("board config my.json: invalid JSON"));

  m = error_of(R"({"pl_clock_hz": 1e999})");
  EXPECT_THAT(m, HasSubstr("board config my.json: invalid JSON"));
  EXPECT_THAT(m, HasSubstr("1e999"));
}

TEST(BoardConfig, RejectsNonObjects) {
  std::string m = error_of("[1, 2]");
  EXPECT_THAT(m, HasSubstr("expected a JSON object"));
  EXPECT_THAT(m, HasSubstr("got array [1,2]"));
  EXPECT_THAT(error_of("42"), HasSubstr("expected a JSON object"));
}

TEST(BoardConfig, RejectsNonPositiveClocksBandwidthsRates) {
  for (const char* key : {"pl_clock_hz", "ps_clock_hz", "hp_clock_hz"}) {
    const std::string m = error_of(std::string("{\"") + key + "\": 0}");
    EXPECT_THAT(m, HasSubstr(std::string("\"") + key + "\" must be a positive number of Hz, got 0"));
  }
  for (const char* key : {"ddr_peak_bytes_per_s", "a9_memcpy_bytes_per_s", "a9_stream_bytes_per_s",
                          "cache_flush_bytes_per_s", "cache_invalidate_bytes_per_s"}) {
    const std::string m = error_of(std::string("{\"") + key + "\": -1e9}");
    EXPECT_THAT(m,
                HasSubstr(std::string("\"") + key + "\" must be a positive number of bytes/s, got -1e+09"));
  }
  EXPECT_THAT(error_of(R"({"a9_flops_per_cycle": 0})"),
              HasSubstr("\"a9_flops_per_cycle\" must be a positive number of flop/cycle, got 0"));
  EXPECT_THAT(error_of(R"({"a9_transcendental_cycles": -1})"),
              HasSubstr("\"a9_transcendental_cycles\" must be a positive number of cycles, got -1"));
}

TEST(BoardConfig, LatenciesMayBeZeroButNotNegative) {
  EXPECT_NO_THROW(BoardConfig::from_json(R"({"ddr_read_latency_ns": 0, "irq_latency_ns": 0})"));
  EXPECT_THAT(error_of(R"({"irq_latency_ns": -1})"),
              HasSubstr("\"irq_latency_ns\" must be a non-negative number of ns, got -1"));
  EXPECT_THAT(error_of(R"({"gp0_write_ns": -0.5})"),
              HasSubstr("\"gp0_write_ns\" must be a non-negative number of ns, got -0.5"));
}

TEST(BoardConfig, RejectsPollFasterThanOneRead) {
  const std::string m = error_of(R"({"gp0_read_ns": 300})");
  EXPECT_THAT(m, HasSubstr("\"poll_interval_ns\" must be at least \"gp0_read_ns\" (300 ns)"));
  EXPECT_THAT(m, HasSubstr("got 200"));
  EXPECT_NO_THROW(BoardConfig::from_json(R"({"gp0_read_ns": 300, "poll_interval_ns": 300})"));
}

TEST(BoardConfig, RejectsDdrEfficiencyOutsideUnitInterval) {
  EXPECT_THAT(error_of(R"({"ddr_efficiency": 0})"),
              HasSubstr("\"ddr_efficiency\" must be a fraction in (0, 1]"));
  EXPECT_THAT(error_of(R"({"ddr_efficiency": 1.5})"), HasSubstr("got 1.5"));
  EXPECT_THAT(error_of(R"({"ddr_efficiency": -0.2})"), HasSubstr("got -0.2"));
  EXPECT_NO_THROW(BoardConfig::from_json(R"({"ddr_efficiency": 1})"));
}

TEST(BoardConfig, RejectsDmaLengthWidthOutsideRange) {
  EXPECT_THAT(error_of(R"({"dma_length_width": 7})"),
              HasSubstr("\"dma_length_width\" must be between 8 and 26 bits"));
  EXPECT_THAT(error_of(R"({"dma_length_width": 27})"), HasSubstr("got 27"));
  EXPECT_NO_THROW(BoardConfig::from_json(R"({"dma_length_width": 8})"));
  EXPECT_NO_THROW(BoardConfig::from_json(R"({"dma_length_width": 26})"));
}

TEST(BoardConfig, RejectsDmaDataWidthNotInPg021) {
  const std::string m = error_of(R"({"dma_data_bytes": 12})");
  EXPECT_THAT(m, HasSubstr("\"dma_data_bytes\" must be one of {4, 8, 16, 32, 64, 128}"));
  EXPECT_THAT(m, HasSubstr("got 12"));
  for (unsigned b : {4u, 8u, 16u, 32u, 64u, 128u})
    EXPECT_NO_THROW(BoardConfig::from_json("{\"dma_data_bytes\": " + std::to_string(b) + "}")) << b;
  EXPECT_THAT(error_of(R"({"dma_data_bytes": 256})"), HasSubstr("got 256"));
}

TEST(BoardConfig, RejectsDmaBurstNotInPg021) {
  const std::string m = error_of(R"({"dma_burst_beats": 1})");
  EXPECT_THAT(m, HasSubstr("\"dma_burst_beats\" must be one of {2, 4, 8, 16, 32, 64, 128, 256}"));
  EXPECT_THAT(m, HasSubstr("got 1"));
  EXPECT_THAT(error_of(R"({"dma_burst_beats": 24})"), HasSubstr("got 24"));
  EXPECT_THAT(error_of(R"({"dma_burst_beats": 512})"), HasSubstr("got 512"));
}

TEST(BoardConfig, RejectsHpWidth) {
  EXPECT_THAT(error_of(R"({"hp_data_bytes": 16})"),
              HasSubstr("\"hp_data_bytes\" must be 4 or 8 (S_AXI_HP ports are 32 or 64 bits wide"));
}

TEST(BoardConfig, PlVersionIsOneOrTwo) {
  EXPECT_EQ(BoardConfig::defaults().pl_version, 1u);
  EXPECT_EQ(BoardConfig::from_json(R"({"pl_version": 2})").pl_version, 2u);
  EXPECT_THAT(error_of(R"({"pl_version": 3})"), HasSubstr("\"pl_version\" must be 1 (hw-spec 1.x) or 2"));
  EXPECT_THAT(error_of(R"({"pl_version": 0})"), HasSubstr("got 0"));
}

TEST(BoardConfig, RejectsOddOrZeroRows) {
  std::string m = error_of(R"({"mm_rows": 3})");
  EXPECT_THAT(m, HasSubstr("\"mm_rows\" must be even and at least 2"));
  EXPECT_THAT(m, HasSubstr("hw-spec §6.3"));
  EXPECT_THAT(m, HasSubstr("got 3"));
  EXPECT_THAT(error_of(R"({"mm_rows": 0})"), HasSubstr("got 0"));
  EXPECT_THAT(error_of(R"({"mm_cols": 0})"), HasSubstr("\"mm_cols\" must be at least 1, got 0"));
  EXPECT_THAT(error_of(R"({"mm_wdepth": 0})"), HasSubstr("\"mm_wdepth\" must be at least 1"));
  EXPECT_THAT(error_of(R"({"mm_kmax": 0})"), HasSubstr("\"mm_kmax\" must be at least 1"));
  EXPECT_THAT(error_of(R"({"mm_nmax": 0})"), HasSubstr("\"mm_nmax\" must be at least 1"));
}

TEST(BoardConfig, RejectsTooManyDsp) {
  const std::string m = error_of(R"({"mm_rows": 16, "mm_cols": 16})");
  EXPECT_THAT(m, HasSubstr("board config my.json: \"mm_rows\" x \"mm_cols\" = 16x16"));
  EXPECT_THAT(m, HasSubstr("matmul 16x16 needs 554 DSP48E1"));
  EXPECT_THAT(m, HasSubstr("the XC7Z020 has 220"));
  // 2*R*C + 42 <= 220  <=>  R*C <= 89: 8x11 (218) fits the DSPs, 8x12 (234) does not.
  EXPECT_NO_THROW(BoardConfig::from_json(R"({"mm_rows": 8, "mm_cols": 11, "mm_wdepth": 4096})"));
  EXPECT_THAT(error_of(R"({"mm_rows": 8, "mm_cols": 12, "mm_wdepth": 4096})"),
              HasSubstr("needs 234 DSP48E1"));
  // Absurd sizes saturate instead of overflowing.
  const std::string huge = error_of(R"({"mm_rows": 4294967294, "mm_cols": 4294967295})");
  EXPECT_THAT(huge, HasSubstr("needs more than 10^19 DSP48E1"));
  EXPECT_THAT(huge, HasSubstr("the XC7Z020 has 220"));
}

TEST(BoardConfig, RejectsTooManyBram) {
  // WBUF 4 x ceil(40000/1024)=40 -> 160, ABUF 16, OBUF 8, DMAs 6: 190 > 140.
  std::string m = error_of(R"({"mm_wdepth": 40000})");
  EXPECT_THAT(m, HasSubstr("\"mm_wdepth\"=40000"));
  EXPECT_THAT(m, HasSubstr("the PL design needs 190 BRAM36 (WBUF 160 + ABUF 16 + OBUF 8 + DMAs 6)"));
  EXPECT_THAT(m, HasSubstr("the XC7Z020 has 140"));

  // Exactly at the limit: WBUF 4 x 27 = 108 + 16 + 8 + 6 = 138; 4 x 28 = 112 -> 142.
  EXPECT_NO_THROW(BoardConfig::from_json(R"({"mm_wdepth": 27648})"));
  EXPECT_THAT(error_of(R"({"mm_wdepth": 27649})"), HasSubstr("needs 142 BRAM36"));

  // ABUF: R banks x ceil(2*KMAX/1024): 4 x 16 = 64 -> 64 + 64 + 8 + 6 = 142.
  EXPECT_THAT(error_of(R"({"mm_kmax": 8192})"), HasSubstr("ABUF 64"));
  // OBUF: C banks x ceil(ceil(2*R*NMAX/C)/1024): 4 x ceil(2*4*8192/4 / 1024) = 4 x 16 = 64.
  EXPECT_THAT(error_of(R"({"mm_nmax": 8192})"), HasSubstr("OBUF 64"));
}

TEST(BoardConfig, ObufRoundsUpPerBank) {
  // R=2, C=3, NMAX=1000: 2*2*1000/3 = 1333.3 -> 1334 words per bank -> 2 BRAM36 per bank.
  BoardConfig c = BoardConfig::defaults();
  c.mm_rows = 2;
  c.mm_cols = 3;
  c.mm_nmax = 1000;
  c.mm_kmax = 100;      // ABUF 2 x ceil(200/1024) = 2
  c.mm_wdepth = 1025;   // WBUF 3 x 2 = 6
  const auto r = c.pl_resources();
  EXPECT_EQ(r.bram36_obuf, 6u);
  EXPECT_EQ(r.bram36_abuf, 2u);
  EXPECT_EQ(r.bram36_wbuf, 6u);
  EXPECT_EQ(r.bram36, 6u + 2u + 6u + 6u);
  EXPECT_EQ(r.dsp48, 2u * 2u * 3u + 42u);
}

TEST(BoardConfig, RejectsDdrSizeNotPowerOfTwoOrOutOfRange) {
  std::string m = error_of(R"({"ddr_bytes": 500000000})");
  EXPECT_THAT(m, HasSubstr("\"ddr_bytes\" must be a power of two between 1 MiB (1048576) and 1 GiB"));
  EXPECT_THAT(m, HasSubstr("got 500000000"));
  EXPECT_THAT(error_of(R"({"ddr_bytes": 524288})"), HasSubstr("got 524288"));
  EXPECT_THAT(error_of(R"({"ddr_bytes": 2147483648})"), HasSubstr("got 2147483648"));
  EXPECT_NO_THROW(BoardConfig::from_json(R"({"ddr_bytes": 1048576})"));
  EXPECT_NO_THROW(BoardConfig::from_json(R"({"ddr_bytes": 1073741824})"));
}

TEST(BoardConfig, ValidateWithoutOriginAndNonFiniteValues) {
  BoardConfig c = BoardConfig::defaults();
  c.ps_clock_hz = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(validate_error(c), "board config: \"ps_clock_hz\" must be a positive number of Hz, got nan");
  c = BoardConfig::defaults();
  c.ddr_read_latency_ns = std::numeric_limits<double>::infinity();
  EXPECT_THAT(validate_error(c), HasSubstr("\"ddr_read_latency_ns\" must be a non-negative number of ns, got inf"));
}

TEST(BoardConfig, DefaultOriginIsNamed) {
  try {
    BoardConfig::from_json(R"({"mm_rows": 5})");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("board config <json>: \"mm_rows\""));
  }
}

class BoardConfigFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tp_board_cfg_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const auto p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  std::filesystem::path dir_;
};

TEST_F(BoardConfigFile, LoadsAFile) {
  const std::string path = write("fast.json", R"({"pl_clock_hz": 150e6})");
  EXPECT_EQ(BoardConfig::load_file(path).pl_clock_hz, 150e6);
}

TEST_F(BoardConfigFile, MessagesNameTheFile) {
  const std::string path = write("bad.json", "{\n  \"pl_clock_hz\": -5\n}\n");
  try {
    BoardConfig::load_file(path);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "board config " + path + ": \"pl_clock_hz\" must be a positive number of Hz, got -5");
  }
}

TEST_F(BoardConfigFile, MissingFile) {
  const std::string path = (dir_ / "nope.json").string();
  try {
    BoardConfig::load_file(path);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("board config " + path + ": cannot open the file"));
    EXPECT_THAT(std::string(e.what()), HasSubstr("No such file or directory"));
  }
}

TEST_F(BoardConfigFile, DirectoryIsNotAFile) {
  try {
    BoardConfig::load_file(dir_.string());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("is a directory, expected a JSON file"));
  }
}

TEST_F(BoardConfigFile, SavedJsonLoadsBack) {
  BoardConfig c = BoardConfig::defaults();
  c.mm_rows = 8;
  c.irq_latency_ns = 12345.5;
  const std::string path = write("saved.json", c.to_json());
  EXPECT_EQ(BoardConfig::load_file(path).to_json(), c.to_json());
}

// base/pynq_z2.json is the defaults written out; it must never drift from the code.
// After changing a default, replace the file with the expected content this test prints on
// failure (BoardConfig::defaults().to_json()).
TEST(BoardConfigShippedFile, PynqZ2JsonEqualsDefaults) {
  const std::string path = std::string(TINYPYNQ_SOURCE_DIR) + "/base/pynq_z2.json";
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "cannot open " << path;
  std::ostringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), BoardConfig::defaults().to_json())
      << path << " differs from BoardConfig::defaults().to_json(); expected content:\n"
      << BoardConfig::defaults().to_json();
  EXPECT_TRUE(same(BoardConfig::load_file(path), BoardConfig::defaults()));
}


TEST(BoardConfig, SfuDatapathKeys) {
  EXPECT_EQ(BoardConfig::defaults().sfu_datapaths(), 0x3Fu);
  const BoardConfig c = BoardConfig::from_json(
      R"({"vec_sfu_mod": 0, "vec_sfu_exp2": 0, "vec_sfu_log2": 0, "vec_sfu_sin": 0})");
  EXPECT_EQ(c.sfu_datapaths(), 0x03u);  // DIV/RECIP and SQRT
  EXPECT_TRUE(c.vec_opcode_built(0x04));   // DIV
  EXPECT_TRUE(c.vec_opcode_built(0x11));   // RECIP
  EXPECT_TRUE(c.vec_opcode_built(0x12));   // SQRT
  EXPECT_FALSE(c.vec_opcode_built(0x13));  // EXP2
  EXPECT_FALSE(c.vec_opcode_built(0x06));  // MOD
  EXPECT_TRUE(c.vec_opcode_built(0x01));   // ADD: not an SFU opcode
  EXPECT_FALSE(c.vec_opcode_built(0x3F));  // undefined everywhere
  EXPECT_NE(c.to_json().find("\"vec_sfu_exp2\": 0"), std::string::npos);
  EXPECT_EQ(BoardConfig::from_json(c.to_json()).sfu_datapaths(), 0x03u);
  EXPECT_EQ(error_of(R"({"reduce_unit": 3})"),
            "board config my.json: \"reduce_unit\" must be 1 (the reduce unit is built into the PL) or 0 (not built: "
            "reductions run on the PS), got 3");
  EXPECT_TRUE(BoardConfig::defaults().stream_c());
  const BoardConfig two = BoardConfig::from_json(R"({"pl_version": 2, "vr_stream_c": 0})");
  EXPECT_FALSE(two.stream_c());
  EXPECT_FALSE(BoardConfig::from_json(two.to_json()).stream_c());
  EXPECT_EQ(error_of(R"({"pl_version": 2, "vr_stream_c": 2})"),
            "board config my.json: \"vr_stream_c\" must be 1 (the view reader VR2 of stream C is built) or 0 (not "
            "built: kernels whose WHERE reads a third tensor run on the PS), got 2");
  EXPECT_EQ(error_of(R"({"vr_stream_c": 0})"),
            "board config my.json: \"vr_stream_c\" = 0 needs \"pl_version\" 2 (with pl_version 1 stream C is DMA2's), "
            "got pl_version 1");
  EXPECT_EQ(error_of(R"({"vec_sfu_sin": 2})"),
            "board config my.json: \"vec_sfu_sin\" must be 1 (the SFU's SIN datapath is built into the PL) or 0 "
            "(not built: its opcodes run on the PS), got 2");
}

// base/pynq_z2_v2_training.json: the v2 training PL of docs/pl-v2.md "Fit steps 2-6" (the one
// that fits the XC7Z020 with margin): loads, validates and makes those choices.
TEST(BoardConfigShippedFile, V2TrainingPlIsTheFitBuild) {
  const BoardConfig c = BoardConfig::load_file(std::string(TINYPYNQ_SOURCE_DIR) + "/base/pynq_z2_v2_training.json");
  EXPECT_EQ(c.pl_version, 2u);
  EXPECT_EQ(c.sfu_datapaths(), 0x03u);  // DIV/RECIP and SQRT
  EXPECT_FALSE(c.stream_c());
  EXPECT_EQ(c.reduce_unit, 0u);
  EXPECT_EQ(c.mm_rows, BoardConfig::defaults().mm_rows);  // everything else the board's defaults
}

}  // namespace
}  // namespace tinypynq
