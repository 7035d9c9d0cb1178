// Shared by the dry runs of hw/vivado/build_bitstream.tcl (test_vivado_tcl.cpp: pl_version 1,
// test_vivado_tcl_v2.cpp: pl_version 2): a scratch directory, the run under the stubs of
// hw/vivado/stub_vivado.tcl (its JSON record), the record's number formats, and the reading of the PL
// contract (hw/pl_contract.json) both check against.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

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

// ---- hw/pl_contract.json: what each test reads of it; the interpretation (which windows a bitstream has) is
// the test's own.

inline const fs::path kContract = kSrc / "hw/pl_contract.json";

inline json load_contract() {
  std::ifstream f(kContract);
  return json::parse(f);
}

// The contract writes addresses and sizes as strings ("0x40030000").
inline uint64_t contract_num(const json& v) { return std::stoull(v.get<std::string>(), nullptr, 0); }

// A top-level entry of "windows" (PL_TOP's children are not listed).
struct ContractWindow {
  std::string name;
  uint64_t base = 0, size = 0;
  std::string hp_port;           // "HP3", "HP0..HP2" (one per instance), "" for null
  std::vector<int> pl_versions;  // empty when the window does not say
  bool in_pl_version(int v) const { return std::find(pl_versions.begin(), pl_versions.end(), v) != pl_versions.end(); }
};

inline std::vector<ContractWindow> contract_windows(const json& j) {
  std::vector<ContractWindow> out;
  for (const json& w : j["windows"]) {
    ContractWindow x{w["name"].get<std::string>(), contract_num(w["base"]), contract_num(w["size"]), {}, {}};
    if (w.contains("hp_port") && w["hp_port"].is_string()) x.hp_port = w["hp_port"].get<std::string>();
    if (w.contains("pl_versions"))
      for (const json& v : w["pl_versions"]) x.pl_versions.push_back(v.get<int>());
    out.push_back(std::move(x));
  }
  return out;
}

struct ContractIrq {
  std::string name;
  int line = 0;  // IRQ_F2P bit (hw-spec §2.5)
};

inline std::vector<ContractIrq> contract_irqs(const json& j) {
  std::vector<ContractIrq> out;
  for (const json& q : j["irqs"]) out.push_back({q["name"].get<std::string>(), q["line"].get<int>()});
  return out;
}

// The "limits" entry called name, or fallback when there is none.
inline uint64_t contract_limit(const json& j, const std::string& name, uint64_t fallback) {
  for (const json& l : j["limits"])
    if (l["name"] == name) return l["value"].get<uint64_t>();
  return fallback;
}

}  // namespace tinypynq::vivado_test
