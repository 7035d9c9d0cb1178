// SPDX-License-Identifier: MIT
// tinypynq — BoardConfig: defaults, JSON load/save and validation (see board_config.h and
// docs/board-config.md, which cites the source of every default).
#include "base/board_config.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <string_view>
#include <vector>

// Header-only (no .cpp, no tensor library link): TP_CHECK throws tinypynq::Error.
#include "base/check.h"
#include "hw/tp_contract.h"

namespace tinypynq {
namespace {

// ------------------------------------------------------------------------------------------
// The key table: one row per field, in declaration order (the order of to_json()).

enum class Kind { Double, Unsigned, U64 };

// What a double field must be; also phrases the expectation in messages.
enum class Rule {
  Positive,     // > 0 (clocks, bandwidths, rates)
  NonNegative,  // >= 0 (latencies)
  Fraction,     // in (0, 1]
  Any,          // integer fields: range checked separately
};

struct Field {
  const char* name;
  Kind kind;
  double BoardConfig::*d = nullptr;
  unsigned BoardConfig::*u = nullptr;
  uint64_t BoardConfig::*u64 = nullptr;
  const char* unit;  // "Hz", "bytes/s", "ns", "clocks", "bytes", ...
  Rule rule = Rule::Any;
};

constexpr Field dbl(const char* n, double BoardConfig::*p, const char* unit, Rule r) {
  return Field{n, Kind::Double, p, nullptr, nullptr, unit, r};
}
constexpr Field uns(const char* n, unsigned BoardConfig::*p, const char* unit) {
  return Field{n, Kind::Unsigned, nullptr, p, nullptr, unit, Rule::Any};
}
constexpr Field u64(const char* n, uint64_t BoardConfig::*p, const char* unit) {
  return Field{n, Kind::U64, nullptr, nullptr, p, unit, Rule::Any};
}

using B = BoardConfig;
const std::array kFields = {
    dbl("pl_clock_hz", &B::pl_clock_hz, "Hz", Rule::Positive),
    dbl("ps_clock_hz", &B::ps_clock_hz, "Hz", Rule::Positive),
    u64("ddr_bytes", &B::ddr_bytes, "bytes"),
    dbl("ddr_peak_bytes_per_s", &B::ddr_peak_bytes_per_s, "bytes/s", Rule::Positive),
    dbl("ddr_efficiency", &B::ddr_efficiency, "", Rule::Fraction),
    dbl("ddr_read_latency_ns", &B::ddr_read_latency_ns, "ns", Rule::NonNegative),
    dbl("ddr_write_latency_ns", &B::ddr_write_latency_ns, "ns", Rule::NonNegative),
    dbl("hp_clock_hz", &B::hp_clock_hz, "Hz", Rule::Positive),
    uns("hp_data_bytes", &B::hp_data_bytes, "bytes"),
    dbl("gp0_write_ns", &B::gp0_write_ns, "ns", Rule::NonNegative),
    dbl("gp0_read_ns", &B::gp0_read_ns, "ns", Rule::NonNegative),
    uns("dma_length_width", &B::dma_length_width, "bits"),
    uns("dma_data_bytes", &B::dma_data_bytes, "bytes"),
    uns("dma_burst_beats", &B::dma_burst_beats, "beats"),
    uns("dma_mm2s_latency", &B::dma_mm2s_latency, "clocks"),
    uns("dma_s2mm_latency", &B::dma_s2mm_latency, "clocks"),
    uns("dma_s2mm_burst_gap", &B::dma_s2mm_burst_gap, "clocks"),
    uns("dma_start_cycles", &B::dma_start_cycles, "clocks"),
    uns("pl_version", &B::pl_version, ""),
    uns("mm_rows", &B::mm_rows, "PEs"),
    uns("mm_cols", &B::mm_cols, "PEs"),
    uns("mm_wdepth", &B::mm_wdepth, "words"),
    uns("mm_kmax", &B::mm_kmax, "elements"),
    uns("mm_nmax", &B::mm_nmax, "elements"),
    uns("vec_sfu_div", &B::vec_sfu_div, ""),
    uns("vec_sfu_sqrt", &B::vec_sfu_sqrt, ""),
    uns("vec_sfu_mod", &B::vec_sfu_mod, ""),
    uns("vec_sfu_exp2", &B::vec_sfu_exp2, ""),
    uns("vec_sfu_log2", &B::vec_sfu_log2, ""),
    uns("vec_sfu_sin", &B::vec_sfu_sin, ""),
    uns("vr_stream_c", &B::vr_stream_c, ""),
    uns("reduce_unit", &B::reduce_unit, ""),
    dbl("a9_flops_per_cycle", &B::a9_flops_per_cycle, "flop/cycle", Rule::Positive),
    dbl("a9_transcendental_cycles", &B::a9_transcendental_cycles, "cycles", Rule::Positive),
    dbl("a9_memcpy_bytes_per_s", &B::a9_memcpy_bytes_per_s, "bytes/s", Rule::Positive),
    dbl("a9_stream_bytes_per_s", &B::a9_stream_bytes_per_s, "bytes/s", Rule::Positive),
    dbl("cache_flush_bytes_per_s", &B::cache_flush_bytes_per_s, "bytes/s", Rule::Positive),
    dbl("cache_invalidate_bytes_per_s", &B::cache_invalidate_bytes_per_s, "bytes/s", Rule::Positive),
    dbl("driver_call_ns", &B::driver_call_ns, "ns", Rule::NonNegative),
    dbl("irq_latency_ns", &B::irq_latency_ns, "ns", Rule::NonNegative),
    dbl("poll_interval_ns", &B::poll_interval_ns, "ns", Rule::NonNegative),
};

// The vec_sfu_* keys in the contract's datapath order (bit i = hw::kSfuDatapaths[i]); the
// static_asserts keep the names here and in hw/pl_contract.json the same.
struct SfuKey {
  const char* name;
  unsigned BoardConfig::*member;
  const char* datapath;
};
constexpr std::array<SfuKey, hw::kNumSfuDatapaths> kSfuKeys = {{
    {"vec_sfu_div", &B::vec_sfu_div, "DIV/RECIP"},
    {"vec_sfu_sqrt", &B::vec_sfu_sqrt, "SQRT"},
    {"vec_sfu_mod", &B::vec_sfu_mod, "MOD"},
    {"vec_sfu_exp2", &B::vec_sfu_exp2, "EXP2"},
    {"vec_sfu_log2", &B::vec_sfu_log2, "LOG2"},
    {"vec_sfu_sin", &B::vec_sfu_sin, "SIN"},
}};
constexpr bool sfu_keys_match_contract() {
  for (int i = 0; i < hw::kNumSfuDatapaths; ++i)
    if (std::string_view(kSfuKeys[i].name) != hw::kSfuDatapaths[i].config_key ||
        hw::kSfuDatapaths[i].bit != static_cast<uint32_t>(i))
      return false;
  return true;
}
static_assert(sfu_keys_match_contract(), "vec_sfu_* keys differ from hw/pl_contract.json sfu_datapaths");

// ------------------------------------------------------------------------------------------
// Formatting helpers.

std::string prefix(const std::string& origin) {
  return origin.empty() ? "board config: " : "board config " + origin + ": ";
}

// Shortest decimal form that reads back as the same double ("-5", "0.1", "1e+08").
std::string fmt(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// A JSON value as the user wrote it, with its type when it is not a number.
std::string describe(const nlohmann::ordered_json& j) {
  std::string text = j.dump();
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  if (j.is_number()) return text;
  if (j.is_boolean()) return "boolean " + text;
  if (j.is_null()) return "null";
  return std::string(j.type_name()) + " " + text;
}

std::string with_unit(const Field& f) {
  return *f.unit ? std::string(" (") + f.unit + ")" : std::string();
}

// Levenshtein distance, for "did you mean".
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string suggestion(const std::string& key) {
  std::string lower = key;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::replace(lower.begin(), lower.end(), '-', '_');
  const Field* best = nullptr;
  size_t best_d = std::numeric_limits<size_t>::max();
  for (const Field& f : kFields) {
    size_t d = edit_distance(lower, f.name);
    if (d < best_d) best_d = d, best = &f;
  }
  // Close enough to be the same key misspelt: a few edits, or a small part of the name.
  const size_t limit = std::max<size_t>(3, std::string_view(best->name).size() / 3);
  if (best_d <= limit) return std::string("; did you mean \"") + best->name + "\"?";
  return "; the keys are listed in docs/board-config.md (`tinypynq info` prints them all)";
}

const Field* find_field(const std::string& key) {
  for (const Field& f : kFields)
    if (key == f.name) return &f;
  return nullptr;
}

// ------------------------------------------------------------------------------------------
// Reading one value.

void read_value(BoardConfig& cfg, const Field& f, const nlohmann::ordered_json& j, const std::string& origin) {
  const std::string head = prefix(origin) + "\"" + f.name + "\" must be ";
  if (f.kind == Kind::Double) {
    TP_CHECK(j.is_number(), head, "a number", with_unit(f), ", got ", describe(j));
    cfg.*f.d = j.get<double>();
    return;
  }
  // Integer field: a JSON integer, or a float with an integral value (1e8, 4.0).
  const uint64_t max = f.kind == Kind::U64 ? std::numeric_limits<uint64_t>::max()
                                           : std::numeric_limits<unsigned>::max();
  TP_CHECK(j.is_number(), head, "a non-negative integer", with_unit(f), ", got ", describe(j));
  uint64_t v = 0;
  if (j.is_number_unsigned()) {
    v = j.get<uint64_t>();
  } else if (j.is_number_integer()) {
    const int64_t s = j.get<int64_t>();
    TP_CHECK(s >= 0, head, "a non-negative integer", with_unit(f), ", got ", s);
    v = static_cast<uint64_t>(s);
  } else {
    const double d = j.get<double>();
    TP_CHECK(std::isfinite(d) && d == std::floor(d), head, "an integer", with_unit(f), ", got ",
             fmt(d));
    TP_CHECK(d >= 0, head, "a non-negative integer", with_unit(f), ", got ", fmt(d));
    // 2^64 is exactly representable; every double below it converts exactly.
    TP_CHECK(d < 18446744073709551616.0, head, "an integer at most ", max, ", got ", fmt(d));
    v = static_cast<uint64_t>(d);
  }
  TP_CHECK(v <= max, head, "an integer at most ", max, with_unit(f), ", got ", v);
  if (f.kind == Kind::U64)
    cfg.*f.u64 = v;
  else
    cfg.*f.u = static_cast<unsigned>(v);
}

// ------------------------------------------------------------------------------------------
// Validation.

uint64_t sat_mul(uint64_t a, uint64_t b) {
  if (a != 0 && b > std::numeric_limits<uint64_t>::max() / a) return std::numeric_limits<uint64_t>::max();
  return a * b;
}
uint64_t sat_add(uint64_t a, uint64_t b) {
  return a > std::numeric_limits<uint64_t>::max() - b ? std::numeric_limits<uint64_t>::max() : a + b;
}
uint64_t ceil_div(uint64_t a, uint64_t b) { return a / b + (a % b != 0); }
bool is_pow2(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }
// A resource count for a message (saturated counts come from absurd sizes).
std::string count(uint64_t v) {
  return v == std::numeric_limits<uint64_t>::max() ? std::string("more than 10^19") : std::to_string(v);
}

template <size_t N>
bool one_of(unsigned v, const std::array<unsigned, N>& set) {
  return std::find(set.begin(), set.end(), v) != set.end();
}
template <size_t N>
std::string list(const std::array<unsigned, N>& set) {
  std::string s = "{";
  for (size_t i = 0; i < N; ++i) s += (i ? ", " : "") + std::to_string(set[i]);
  return s + "}";
}

void validate_impl(const BoardConfig& c, const std::string& origin) {
  const std::string p = prefix(origin);

  // Doubles: finite, and positive / non-negative / a fraction as their rule says.
  for (const Field& f : kFields) {
    if (f.kind != Kind::Double) continue;
    const double v = c.*f.d;
    const std::string head = p + "\"" + f.name + "\" must be ";
    switch (f.rule) {
      case Rule::Positive:
        TP_CHECK(std::isfinite(v) && v > 0, head, "a positive number of ", f.unit, ", got ", fmt(v));
        break;
      case Rule::NonNegative:
        TP_CHECK(std::isfinite(v) && v >= 0, head, "a non-negative number of ", f.unit, ", got ",
                 fmt(v));
        break;
      case Rule::Fraction:
        TP_CHECK(std::isfinite(v) && v > 0 && v <= 1, head,
                 "a fraction in (0, 1] (sustained / peak), got ", fmt(v));
        break;
      case Rule::Any:
        break;
    }
  }

  TP_CHECK(is_pow2(c.ddr_bytes) && c.ddr_bytes >= (1ull << 20) && c.ddr_bytes <= (1ull << 30), p,
           "\"ddr_bytes\" must be a power of two between 1 MiB (1048576) and 1 GiB (1073741824), got ",
           c.ddr_bytes);

  static constexpr std::array<unsigned, 2> kHpBytes = {4, 8};
  TP_CHECK(c.pl_version == 1 || c.pl_version == 2, p,
           "\"pl_version\" must be 1 (hw-spec 1.x) or 2 (v2 data movement, docs/pl-v2.md), got ", c.pl_version);
  TP_CHECK(one_of(c.hp_data_bytes, kHpBytes), p,
           "\"hp_data_bytes\" must be 4 or 8 (S_AXI_HP ports are 32 or 64 bits wide, UG585), got ",
           c.hp_data_bytes);

  TP_CHECK(c.dma_length_width >= 8 && c.dma_length_width <= 26, p,
           "\"dma_length_width\" must be between 8 and 26 bits (PG021 c_sg_length_width), got ",
           c.dma_length_width);
  static constexpr std::array<unsigned, 6> kDmaBytes = {4, 8, 16, 32, 64, 128};
  TP_CHECK(one_of(c.dma_data_bytes, kDmaBytes), p, "\"dma_data_bytes\" must be one of ",
           list(kDmaBytes), " (PG021 data widths 32..1024 bits, in bytes), got ", c.dma_data_bytes);
  static constexpr std::array<unsigned, 8> kBursts = {2, 4, 8, 16, 32, 64, 128, 256};
  TP_CHECK(one_of(c.dma_burst_beats, kBursts), p, "\"dma_burst_beats\" must be one of ",
           list(kBursts), " (PG021 max burst size), got ", c.dma_burst_beats);

  TP_CHECK(c.mm_rows >= 2 && c.mm_rows % 2 == 0, p,
           "\"mm_rows\" must be even and at least 2 (hw-spec §6.3: a block of R rows must fill "
           "whole 64-bit beats), got ",
           c.mm_rows);
  TP_CHECK(c.mm_cols >= 1, p, "\"mm_cols\" must be at least 1, got ", c.mm_cols);
  TP_CHECK(c.mm_wdepth >= 1, p, "\"mm_wdepth\" must be at least 1 word, got ", c.mm_wdepth);
  TP_CHECK(c.mm_kmax >= 1, p, "\"mm_kmax\" must be at least 1, got ", c.mm_kmax);
  TP_CHECK(c.mm_nmax >= 1, p, "\"mm_nmax\" must be at least 1, got ", c.mm_nmax);

  for (const SfuKey& k : kSfuKeys)
    TP_CHECK(c.*k.member <= 1, p, "\"", k.name, "\" must be 1 (the SFU's ", k.datapath,
             " datapath is built into the PL) or 0 (not built: its opcodes run on the PS), got ", c.*k.member);
  TP_CHECK(c.vr_stream_c <= 1, p,
           "\"vr_stream_c\" must be 1 (the view reader VR2 of stream C is built) or 0 (not built: kernels "
           "whose WHERE reads a third tensor run on the PS), got ", c.vr_stream_c);
  TP_CHECK(c.reduce_unit <= 1, p,
           "\"reduce_unit\" must be 1 (the reduce unit is built into the PL) or 0 (not built: reductions run on "
           "the PS), got ", c.reduce_unit);
  TP_CHECK(c.vr_stream_c == 1 || c.pl_version == 2, p,
           "\"vr_stream_c\" = 0 needs \"pl_version\" 2 (with pl_version 1 stream C is DMA2's), got pl_version ",
           c.pl_version);

  TP_CHECK(c.poll_interval_ns >= c.gp0_read_ns, p, "\"poll_interval_ns\" must be at least ",
           "\"gp0_read_ns\" (", fmt(c.gp0_read_ns), " ns): each poll is one STATUS read, got ",
           fmt(c.poll_interval_ns));

  const BoardConfig::PlResources r = c.pl_resources();
  TP_CHECK(r.dsp48 <= BoardConfig::kXc7z020Dsp48, p, "\"mm_rows\" x \"mm_cols\" = ", c.mm_rows, "x",
           c.mm_cols, ": matmul ", c.mm_rows, "x", c.mm_cols, " needs ", count(r.dsp48),
           " DSP48E1 (2 per PE + 42 for the vector unit), the XC7Z020 has ",
           BoardConfig::kXc7z020Dsp48);
  TP_CHECK(r.bram36 <= BoardConfig::kXc7z020Bram36, p, "\"mm_rows\"=", c.mm_rows,
           ", \"mm_cols\"=", c.mm_cols, ", \"mm_wdepth\"=", c.mm_wdepth, ", \"mm_kmax\"=", c.mm_kmax,
           ", \"mm_nmax\"=", c.mm_nmax, ": the PL design needs ", count(r.bram36), " BRAM36 (WBUF ",
           count(r.bram36_wbuf), " + ABUF ", count(r.bram36_abuf), " + OBUF ", count(r.bram36_obuf), " + DMAs ",
           r.bram36_dma, "), the XC7Z020 has ", BoardConfig::kXc7z020Bram36);
}

// Line and column (1-based) of byte offset `pos` (nlohmann's parse_error::byte counts from 1).
std::pair<size_t, size_t> line_col(const std::string& text, size_t pos) {
  size_t line = 1, col = 1;
  const size_t end = std::min(pos == 0 ? 0 : pos - 1, text.size());
  for (size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') ++line, col = 1;
    else ++col;
  }
  return {line, col};
}

// nlohmann's what() without the "[json.exception.parse_error.101] " tag and, for parse errors,
// without its own "parse error at line L, column C: " (we report the position from e.byte).
std::string strip_tag(const char* what) {
  std::string s = what;
  if (s.rfind("[json.exception.", 0) == 0) {
    const size_t close = s.find("] ");
    if (close != std::string::npos) s = s.substr(close + 2);
  }
  if (s.rfind("parse error", 0) == 0) {
    const size_t colon = s.find(": ");
    if (colon != std::string::npos) s = s.substr(colon + 2);
  }
  return s;
}

}  // namespace

// ------------------------------------------------------------------------------------------

BoardConfig BoardConfig::defaults() { return BoardConfig{}; }

uint32_t BoardConfig::sfu_datapaths() const {
  uint32_t m = 0;
  for (size_t i = 0; i < kSfuKeys.size(); ++i)
    if (this->*kSfuKeys[i].member) m |= 1u << i;
  return m;
}

bool BoardConfig::vec_opcode_built(uint32_t opcode) const {
  if (!hw::find_opcode(hw::Unit::kVector, opcode)) return false;
  const uint32_t need = hw::sfu_datapath_of(opcode);
  return (need & sfu_datapaths()) == need;
}

BoardConfig::PlResources BoardConfig::pl_resources() const {
  PlResources r;
  const uint64_t R = mm_rows, C = mm_cols;
  r.dsp48 = sat_add(sat_mul(2, sat_mul(R, C)), 42);
  constexpr uint64_t kWords = 1024;  // one BRAM36 = 1024 x 32-bit words
  if (C == 0) {  // invalid, reported by validate(); avoid the division below
    r.bram36 = std::numeric_limits<uint64_t>::max();
    return r;
  }
  r.bram36_wbuf = sat_mul(C, ceil_div(mm_wdepth, kWords));
  r.bram36_abuf = sat_mul(R, ceil_div(sat_mul(2, mm_kmax), kWords));
  const uint64_t obuf_words = ceil_div(sat_mul(sat_mul(2, R), mm_nmax), C);
  r.bram36_obuf = sat_mul(C, ceil_div(obuf_words, kWords));
  r.bram36_dma = 2 + 2 + 2;
  r.bram36 = sat_add(sat_add(sat_add(r.bram36_wbuf, r.bram36_abuf), r.bram36_obuf), r.bram36_dma);
  return r;
}

void BoardConfig::validate() const { validate_impl(*this, ""); }

BoardConfig BoardConfig::from_json(const std::string& text, const std::string& origin) {
  const std::string p = prefix(origin);

  // Parse, remembering the top-level keys to reject duplicates (nlohmann keeps the last one).
  std::set<std::string> seen;
  std::string duplicate;
  using Json = nlohmann::ordered_json;  // ordered: errors come in the file's order
  auto on_event = [&](int depth, Json::parse_event_t ev, Json& parsed) {
    if (ev == Json::parse_event_t::key && depth == 1 && duplicate.empty()) {
      const std::string key = parsed.get<std::string>();
      if (!seen.insert(key).second) duplicate = key;
    }
    return true;
  };
  Json j;
  try {
    j = Json::parse(text, on_event, /*allow_exceptions=*/true, /*ignore_comments=*/true);
  } catch (const nlohmann::json::parse_error& e) {
    const auto [line, col] = line_col(text, e.byte);
    throw Error(p + "invalid JSON at line " + std::to_string(line) + ", column " + std::to_string(col) +
                ": " + strip_tag(e.what()));
  } catch (const nlohmann::json::exception& e) {  // e.g. a number too large for a double
    throw Error(p + "invalid JSON: " + strip_tag(e.what()));
  }

  TP_CHECK(j.is_object(), p,
           "expected a JSON object of keys and values such as {\"pl_clock_hz\": 125e6, \"mm_rows\": 8}, got ",
           describe(j));
  TP_CHECK(duplicate.empty(), p, "key \"", duplicate, "\" is given twice");

  BoardConfig cfg = defaults();
  for (const auto& [key, value] : j.items()) {
    const Field* f = find_field(key);
    TP_CHECK(f != nullptr, p, "unknown key \"", key, "\"", suggestion(key));
    read_value(cfg, *f, value, origin);
  }
  validate_impl(cfg, origin);
  return cfg;
}

BoardConfig BoardConfig::load_file(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  TP_CHECK(!fs::is_directory(path, ec), "board config ", path, ": is a directory, expected a JSON file");
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    throw Error("board config " + path + ": cannot open the file (" +
                (err ? std::strerror(err) : "unknown error") + ")");
  }
  std::ostringstream text;
  text << in.rdbuf();
  TP_CHECK(!in.bad(), "board config ", path, ": read error");
  return from_json(text.str(), path);
}

std::string BoardConfig::to_json() const {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const Field& f : kFields) {
    switch (f.kind) {
      case Kind::Double: j[f.name] = this->*f.d; break;
      case Kind::Unsigned: j[f.name] = this->*f.u; break;
      case Kind::U64: j[f.name] = this->*f.u64; break;
    }
  }
  return j.dump(2) + "\n";
}

}  // namespace tinypynq
