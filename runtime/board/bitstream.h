// Loading a bitstream on the PYNQ-Z2 through the Linux FPGA manager: Vivado's .bit is parsed
// (header fields a..e, UG470 / Xilinx answer 18843), its configuration data byte-swapped per
// 32-bit word into the .bin the Zynq FPGA manager wants, written to the firmware directory and
// loaded with /sys/class/fpga_manager/fpga0/{flags,firmware}. Paths are options (tests use a fake
// sysfs tree). The FPGA manager does not set FCLK0: see BoardDriver::check_pl_clock.
//
//   BitFile b = parse_bit(read_file("tinypynq.bit"));      // b.part == "7z020clg400"
//   load_bitstream("tinypynq.bit", {});                     // `tinypynq board load tinypynq.bit`
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace tinypynq::board {

struct BitFile {
  std::string design, part, date, time;  // header fields a, b, c, d
  std::vector<uint8_t> data;             // field e: the configuration data, as in the .bit
};
// Throws tinypynq::Error naming the file and what is malformed.
BitFile parse_bit(const std::vector<uint8_t>& bytes, const std::string& origin = "<bit>");
// The .bin of the Zynq FPGA manager: `data` with the bytes of every 32-bit word reversed.
std::vector<uint8_t> bit_to_bin(const BitFile& b);

struct FpgaManagerOptions {
  std::string manager = "/sys/class/fpga_manager/fpga0";  // flags, firmware, state
  std::string firmware_dir = "/lib/firmware";
  std::string part = "7z020clg400";  // the PYNQ-Z2's XC7Z020-1CLG400C; empty: any part
  bool require_root = true;
};
struct LoadResult {
  std::string bin_path, design, part, state;
  size_t bin_bytes = 0;
};
// Converts and loads `bit_path`; throws with what to do when the file, the part, the
// permissions or the FPGA manager's final state are wrong.
LoadResult load_bitstream(const std::string& bit_path, const FpgaManagerOptions& o);

}  // namespace tinypynq::board
