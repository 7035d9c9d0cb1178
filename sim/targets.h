// Registers every target this build has: cpu (always), tlm (when built with SystemC), rtl (when
// the Verilated PL and SystemC were built).
//   sim::register_targets("");              // default board
//   sim::register_targets("my_board.json"); // a board config file (docs/board-config.md)
#pragma once
#include <string>

#include "models/config/board_config.h"

namespace tinypynq::sim {

// rtl_fst: FST waveform of the rtl target's PL for the whole run (empty: none); rtl_fst_depth:
// levels of the design in it (0 all; cosim::RtlPlOptions::fst_depth).
void register_targets(const std::string& board_file, const std::string& rtl_fst = "", unsigned rtl_fst_depth = 0);
const BoardConfig& board_config();  // the configuration in use
bool have_tlm();
bool have_rtl();
std::string default_target();       // "tlm" when built, else "cpu"

}  // namespace tinypynq::sim
