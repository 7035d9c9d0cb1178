#include "sim/board_cmd.h"

#include <CLI/CLI.hpp>
#include <cstdio>

#include "base/check.h"
#include "runtime/pynq/regmap.h"
#ifdef TINYPYNQ_HAVE_BOARD
#include "runtime/board/bitstream.h"
#include "runtime/board/board_driver.h"
#endif

namespace tinypynq::sim {

CLI::App* add_board_command(CLI::App& app, BoardCmdOptions& o) {
  auto* b = app.add_subcommand("board", "the real PYNQ-Z2: load a bitstream, check the PL (docs/board.md)");
  b->require_subcommand(1);
  o.load = b->add_subcommand("load", "convert a .bit to the byte-swapped .bin and load it through the FPGA manager");
  o.load->add_option("bit", o.bit, "the bitstream Vivado wrote (hw/vivado/build_bitstream.tcl)")->required();
  o.load->add_option("--manager", o.manager, "FPGA manager sysfs directory")->capture_default_str();
  o.load->add_option("--firmware-dir", o.firmware_dir, "where the .bin goes (the FPGA manager loads from here)")
      ->capture_default_str();
  o.load->add_option("--part", o.part, "refuse a bitstream for another part ('' accepts any)")->capture_default_str();
  o.check = b->add_subcommand("check", "open the board: PL ID/version against this runtime, FCLK0, u-dma-buf");
  o.check->add_option("--udmabuf", o.udmabuf, "the u-dma-buf device")->capture_default_str();
  return b;
}

int run_board_command(const BoardCmdOptions& o, const BoardConfig& cfg) {
#ifdef TINYPYNQ_HAVE_BOARD
  if (*o.load) {
    board::FpgaManagerOptions fo;
    fo.manager = o.manager, fo.firmware_dir = o.firmware_dir, fo.part = o.part;
    const board::LoadResult r = board::load_bitstream(o.bit, fo);
    std::printf("loaded %s (design %s, part %s, %zu bytes as %s): FPGA manager state %s\n", o.bit.c_str(),
                r.design.c_str(), r.part.c_str(), r.bin_bytes, r.bin_path.c_str(),
                r.state.empty() ? "(not reported)" : r.state.c_str());
    std::printf("next: sudo ./tinypynq board check   (the FPGA manager does not set FCLK0; check measures it)\n");
    return 0;
  }
  board::BoardOptions bo;
  bo.udmabuf_name = o.udmabuf;
  auto d = board::make_board_driver(bo, cfg);  // checks SYS_ID and the version
  const double f = d->measure_pl_clock(0.05);
  const auto s = d->stats();
  std::printf("PL: tinypynq design, version 0x%08x\n", d->read32(pynq::reg::kSys + pynq::reg::SYS_VERSION));
  std::printf("FCLK0: %.3f MHz measured with the SYS time counter (board config: %.3f MHz)\n", f / 1e6,
              cfg.pl_clock_hz / 1e6);
  std::printf("u-dma-buf %s: %llu bytes at 0x%08llx\n", o.udmabuf.c_str(), (unsigned long long)s.udmabuf_bytes,
              (unsigned long long)s.udmabuf_phys);
  d->check_pl_clock(cfg.pl_clock_hz, 0.02, 0.05);
  std::printf("ok\n");
  return 0;
#else
  (void)o, (void)cfg;
  TP_CHECK(false, "tinypynq board: this build has no board driver (Linux only)");
  return 1;
#endif
}

}  // namespace tinypynq::sim
