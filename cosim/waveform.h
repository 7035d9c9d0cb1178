// FST waveforms of the Verilated designs after the run: VCD conversion and reading back.
// Writing happens in the models (VerilatedFstC in cosim.cpp and rtl_pl.cpp); this reads the
// files with the FST reader that Verilator ships (gtkwave's fstapi), so neither needs GTKWave.
//
//   fst_to_vcd("run.fst", "run.vcd");   // what GTKWave's fst2vcd writes; atomic
//   Waveform w = read_fst("run.fst", {"TOP.tlm_cmd_unit_i"});
//   for (auto& [t, v] : w.changes["TOP.tlm_cmd_unit_i"]) ...   // v: "01", MSB first
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace tinypynq::cosim {

struct Waveform {
  std::vector<std::string> signals;  // full dotted names ("TOP.tinypynq_pl_sim.u_top.aclk"), file order
  std::string timescale;             // "1ps"
  // For each signal asked for: every change (time in timescale units, value as '0'/'1'/'x'/'z'
  // digits, MSB first), the initial value at the first time.
  std::map<std::string, std::vector<std::pair<uint64_t, std::string>>> changes;
};

// Throws std::invalid_argument naming the file when it is missing or not an FST file, and
// naming a wanted signal that is not in it.
Waveform read_fst(const std::string& path, const std::vector<std::string>& wanted = {});

// Converts an FST file to VCD (IEEE 1364 value change dump): written to vcd_path + ".tmp" and
// renamed, so a failed conversion leaves no half file. Throws std::invalid_argument on errors.
void fst_to_vcd(const std::string& fst_path, const std::string& vcd_path);

}  // namespace tinypynq::cosim
