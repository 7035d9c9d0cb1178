// `tinypynq board load FILE.bit` and `tinypynq board check`: the bitstream flow and a health
// check of the real PYNQ-Z2 (runtime/board). docs/board.md walks through both.
//   sudo ./tinypynq board load tinypynq.bit      # .bit -> byte-swapped .bin -> fpga_manager
//   sudo ./tinypynq board check                  # SYS_ID/VERSION, FCLK0, u-dma-buf
#pragma once
#include <string>

#include "base/board_config.h"

namespace CLI {
class App;
}

namespace tinypynq::sim {

struct BoardCmdOptions {
  std::string bit, manager = "/sys/class/fpga_manager/fpga0", firmware_dir = "/lib/firmware", part = "7z020clg400";
  std::string udmabuf = "udmabuf0";
  CLI::App *load = nullptr, *check = nullptr;
};
CLI::App* add_board_command(CLI::App& app, BoardCmdOptions& o);
int run_board_command(const BoardCmdOptions& o, const BoardConfig& cfg);

}  // namespace tinypynq::sim
