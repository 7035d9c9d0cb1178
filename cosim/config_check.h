// SPDX-License-Identifier: MIT
// tinypynq co-simulation — does the Verilated PL match the board configuration? Its ID/CFG
// registers (unit sizes, hw-spec §5) and SYS.FCLK_HZ, read through the design's own AXI-Lite
// port, against what the TLM unit models built from the configuration report (the platform's
// other models follow the configuration, so a difference would make every prediction wrong).
//
//   check_design_config(cfg, lockstep, [&](uint32_t addr) { return axil_read(addr); });
#pragma once

#include <cstdint>
#include <functional>

#include "base/board_config.h"

namespace tinypynq::cosim {

class Lockstep;

// Throws std::invalid_argument naming each register that differs (RTL value, configuration
// value) and how to fix it.
void check_design_config(const BoardConfig& cfg, Lockstep& units, const std::function<uint32_t(uint32_t)>& read);

}  // namespace tinypynq::cosim
