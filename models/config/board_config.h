// SPDX-License-Identifier: MIT
// tinypynq — every latency, bandwidth and size of the emulated PYNQ-Z2 in one place.
//
// The defaults are the board as docs/hw-spec.md and docs/board-config.md describe it (each
// value's source is cited there and in board_config.cpp). A JSON file can override any subset;
// unknown keys, wrong types, negative or zero clocks and units larger than the XC7Z020 are
// rejected with a message naming the key, the value and what was expected.
//
//   BoardConfig cfg = BoardConfig::defaults();
//   BoardConfig cfg = BoardConfig::load_file("my_board.json");   // throws tinypynq::Error
//   std::string json = cfg.to_json();                              // full, canonical form
//
// Pure C++20 (no SystemC): the pynq runtime's PS cost model reads it too.
#pragma once

#include <cstdint>
#include <string>

namespace tinypynq {

struct BoardConfig {
  // ---- clocks
  double pl_clock_hz = 100e6;   // FCLK0
  double ps_clock_hz = 650e6;   // Cortex-A9 (PYNQ-Z2 -1 speed grade)

  // ---- DDR3 (shared by the CPUs and the HP ports)
  uint64_t ddr_bytes = 512ull << 20;
  double ddr_peak_bytes_per_s = 2.1e9;  // 16 bit x 1050 MT/s
  double ddr_efficiency = 0.75;         // sustained / peak for streaming bursts
  double ddr_read_latency_ns = 110;     // HP read: address to first data at the port
  double ddr_write_latency_ns = 90;     // HP write: last data to write response

  // ---- HP ports (S_AXI_HP0..3), 64-bit
  double hp_clock_hz = 100e6;           // clocked from FCLK0 in the overlay
  unsigned hp_data_bytes = 8;

  // ---- GP0 (PS -> PL registers)
  double gp0_write_ns = 60;             // a posted 32-bit store to the PL, as seen by the A9
  double gp0_read_ns = 180;             // an uncached 32-bit load from the PL (round trip)

  // ---- AXI DMA (PG021), one set for the three instances
  unsigned dma_length_width = 26;       // c_sg_length_width: LENGTH register bits
  unsigned dma_data_bytes = 8;          // memory-map and stream data width
  unsigned dma_burst_beats = 16;        // c_m_axi_mm2s_burst_size
  unsigned dma_mm2s_latency = 6;        // clocks from ARVALID to first TVALID (PG021 latency table)
  unsigned dma_s2mm_latency = 39;       // clocks from first TVALID to first AWVALID... (PG021)
  unsigned dma_s2mm_burst_gap = 5;      // idle TREADY clocks per S2MM burst (fits PG021's 299 MB/s)
  unsigned dma_start_cycles = 1;        // LENGTH write to ARVALID

  // ---- PL units (hw-spec §6); the RTL parameters
  unsigned mm_rows = 4, mm_cols = 4;    // systolic array R x C
  unsigned mm_wdepth = 16384;           // words per weight bank
  unsigned mm_kmax = 2048, mm_nmax = 1024;

  // ---- PS cost model (Cortex-A9 + NEON), used for fallback ops and the A9-only estimate
  double a9_flops_per_cycle = 4;        // NEON 4 x fp32 per cycle (VMLA counted as 1 op per lane)
  double a9_transcendental_cycles = 20; // per element for exp/log/sin/sqrt/div on NEON
  double a9_memcpy_bytes_per_s = 600e6; // sustained memcpy/packing bandwidth
  double a9_stream_bytes_per_s = 1.0e9; // bytes read+written by an op streaming from DDR
  double cache_flush_bytes_per_s = 1.5e9;       // clean D-cache by VA range
  double cache_invalidate_bytes_per_s = 3.0e9;  // invalidate by VA range
  double driver_call_ns = 1000;         // per PL command: runtime bookkeeping on the A9
  double irq_latency_ns = 5000;         // IRQ to the waiting thread (Linux UIO)
  double poll_interval_ns = 200;        // one STATUS read per poll (>= gp0_read_ns)

  static BoardConfig defaults();
  static BoardConfig from_json(const std::string& text, const std::string& origin = "<json>");
  static BoardConfig load_file(const std::string& path);
  std::string to_json() const;
  void validate() const;  // throws tinypynq::Error naming the key
};

}  // namespace tinypynq
