// The driver API (driver.h) on a real PYNQ-Z2: PL registers through /dev/mem, DMA buffers from a
// u-dma-buf device, completion by polling or by the UIO interrupt, PL reset through the SLCR.
// Every path is an option, so the tests run it on temporary files and a fake sysfs tree
// (mmap of a regular file behaves like /dev/mem and /dev/udmabufN).
//
//   board::BoardOptions o;                        // /dev/mem, /dev/udmabuf0, UIO "fabric"
//   auto drv = board::make_board_driver(o, BoardConfig::defaults());   // checks SYS_ID/VERSION
//   pynq::DmaBuffer b = drv->alloc(4096);         // sub-allocated from /dev/udmabuf0
//   drv->flush(b, 0, 4096);                       // u-dma-buf sync_for_device on that range
//   board::register_board_target(cfg, o);         // device("board"): the pynq runtime on it
//
// Interrupts: PYNQ images expose one generic-uio node, fabric@40000000 on IRQ_F2P[0]. The PL
// (hw/vivado/build_bitstream.tcl) ORs every interrupt source into IRQ_F2P[0], so a wait on any
// IRQ_F2P line sleeps on that node and then reads the register: a wake-up for another source
// is harmless (the runtime has one command in flight and enables only the S2MM interrupt).
// Errors say what to do (run as root, insmod u-dma-buf, load the bitstream, ...); docs/board.md.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/board_config.h"
#include "runtime/driver.h"

namespace tinypynq::board {

struct Window {  // a physical range mapped from BoardOptions::mem_path (file offset = address)
  uint64_t phys = 0;
  uint64_t bytes = 0;
};

struct BoardOptions {
  std::string mem_path = "/dev/mem";
  std::vector<Window> pl_windows;            // empty: the PL's register windows (default_pl_windows)
  uint64_t slcr_base = 0xF800'0000;          // Zynq-7000 SLCR (UG585 B.28)
  std::string udmabuf_name = "udmabuf0";
  std::string dev_dir = "/dev";              // <dev_dir>/<udmabuf_name>
  std::string udmabuf_sysfs = "/sys/class/u-dma-buf";  // <...>/<name>/{phys_addr,size,sync_*}
  std::string uio_path;                      // empty: the UIO whose name is uio_name
  std::string uio_sysfs = "/sys/class/uio";  // <...>/uioN/name
  std::string uio_name = "fabric";           // PYNQ's fabric@40000000 node (IRQ_F2P[0])
  bool require_root = true;                  // refuse early, with advice, when not root
  bool check_pl = true;                      // SYS_ID/VERSION against the contract at open
  bool check_clock = false;                  // measure FCLK0 with the SYS time counter at open
  double clock_tolerance = 0.02;             // relative
  double clock_measure_s = 0.02;             // wall time of the clock measurement
};

// The board driver with the extras calibrate and the tests use.
class BoardDriver : public pynq::Driver {
 public:
  // Identifies the PL: throws unless SYS_ID is the tinypynq ID, SYS.VERSION's major version is
  // the board config's pl_version (a v1 program cannot drive a v2 PL, nor the reverse) and the
  // units' CFG registers report the config's build (SFU datapaths, stream C, the reduce unit, the
  // matmul sizes), naming every field that differs.
  virtual void check_pl() = 0;
  // FCLK0 measured against the SYS time counter over `seconds` of wall time, in Hz.
  virtual double measure_pl_clock(double seconds) = 0;
  // Throws unless measure_pl_clock is within `tolerance` of `expected_hz`.
  virtual void check_pl_clock(double expected_hz, double tolerance, double seconds) = 0;
  struct Stats {
    uint64_t sync_for_device = 0, sync_for_cpu = 0, irq_waits = 0, irq_wakeups = 0;
    uint64_t udmabuf_phys = 0, udmabuf_bytes = 0, allocated_bytes = 0;
  };
  virtual Stats stats() const = 0;
};

std::unique_ptr<BoardDriver> make_board_driver(const BoardOptions& o, const BoardConfig& cfg);

// Registers device "board": the pynq runtime on make_board_driver(o, cfg), opened on first use.
void register_board_target(const BoardConfig& cfg, const BoardOptions& o = {});

// The PL register windows of the contract for the board config's PL: pl_version 1 DMA0..2, SYS,
// VEC, RED, MMU (64 KiB each); pl_version 2 SYS, VEC, RED, MMU and the VR, VW and CQ windows
// (4 KiB each; no DMAs).
std::vector<Window> default_pl_windows(const BoardConfig& cfg);

}  // namespace tinypynq::board
