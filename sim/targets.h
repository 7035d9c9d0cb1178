// Registers every target this build has: cpu (always), tlm (when built with SystemC).
//   sim::register_targets("");              // default board
//   sim::register_targets("my_board.json"); // a board config file (docs/board-config.md)
#pragma once
#include <string>

#include "models/config/board_config.h"

namespace tinypynq::sim {

void register_targets(const std::string& board_file);
const BoardConfig& board_config();  // the configuration in use
bool have_tlm();
std::string default_target();       // "tlm" when built, else "cpu"

}  // namespace tinypynq::sim
