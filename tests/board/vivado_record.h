// Shared by the dry runs of hw/vivado/build_bitstream.tcl (test_vivado_tcl.cpp: pl_version 1,
// test_vivado_tcl_v2.cpp: pl_version 2): a scratch directory, the run under the stubs of
// hw/vivado/stub_vivado.tcl (its JSON record), and the record's number formats.
#pragma once
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>

namespace tinypynq::vivado_test {

namespace fs = std::filesystem;
using nlohmann::json;

inline const fs::path kSrc = TINYPYNQ_SOURCE_DIR;

struct Tmp {
  fs::path dir;
  Tmp() {
    std::random_device rd;
    dir = fs::temp_directory_path() / ("tinypynq_tcl_" + std::to_string(rd()));
    fs::create_directories(dir);
  }
  ~Tmp() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

// Runs the script under the stubs; returns the record (throws with tclsh's output on failure).
inline json dry_run(const fs::path& script, const Tmp& t, const std::string& args = "") {
  const fs::path rec = t.dir / "record.json", log = t.dir / "tclsh.log";
  const std::string cmd = std::string(TINYPYNQ_TCLSH) + " '" + (kSrc / "hw/vivado/stub_vivado.tcl").string() + "' '" +
                          rec.string() + "' '" + script.string() + "' '" + (t.dir / "out").string() + "' " + args + " > '" +
                          log.string() + "' 2>&1";
  const int rc = std::system(cmd.c_str());
  std::ifstream l(log);
  std::stringstream out;
  out << l.rdbuf();
  if (rc != 0) throw std::runtime_error("tclsh failed: " + out.str());
  std::ifstream f(rec);
  return json::parse(f);
}

inline uint64_t parse_size(const std::string& s) {  // "0x40000000", "64K", "512M"
  size_t pos = 0;
  uint64_t v = std::stoull(s, &pos, 0);
  if (pos < s.size()) v <<= (s[pos] == 'K' ? 10 : s[pos] == 'M' ? 20 : s[pos] == 'G' ? 30 : 0);
  return v;
}

inline std::string hex(uint64_t v) {
  std::ostringstream o;
  o << "0x" << std::hex << v;
  return o.str();
}

}  // namespace tinypynq::vivado_test
