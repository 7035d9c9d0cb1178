// SPDX-License-Identifier: MIT
// tinypynq — every latency, bandwidth and size of the emulated PYNQ-Z2 in one place.
//
// The defaults are the board as docs/hw-spec.md and docs/board-config.md describe it (each
// value's source is cited there; values marked "estimate" there are not from a datasheet). A
// JSON file can override any subset of the keys: a flat object whose keys are exactly the field
// names below, e.g. {"pl_clock_hz": 125e6, "mm_rows": 8}. Unknown keys (with a suggestion),
// duplicate keys, wrong types, fractional or negative values for integer fields, zero or
// negative clocks and bandwidths, and PL designs larger than the XC7Z020 are rejected with a
// message naming the origin, the key, the value and what was expected.
//
//   BoardConfig cfg = BoardConfig::defaults();
//   BoardConfig cfg = BoardConfig::load_file("my_board.json");   // throws tinypynq::Error
//   std::string json = cfg.to_json();                              // full, canonical form
//
// base/pynq_z2.json is defaults().to_json(), checked by tests/models/test_board_config.
// Pure C++20 (no SystemC): the pynq runtime's PS cost model reads it too.
#pragma once

#include <cstdint>
#include <string>

namespace tinypynq {

struct BoardConfig {
  // ---- clocks
  double pl_clock_hz = 100e6;   // FCLK0 (PYNQ overlays; hw-spec §2.1)
  double ps_clock_hz = 650e6;   // Cortex-A9 (XC7Z020-1 on the PYNQ-Z1/Z2)

  // ---- DDR3 (shared by the CPUs and the HP ports)
  uint64_t ddr_bytes = 512ull << 20;    // power of two, 1 MiB .. 1 GiB
  double ddr_peak_bytes_per_s = 2.1e9;  // 16 bit x 1050 MT/s
  double ddr_efficiency = 0.75;         // sustained / peak (UG585 §22.3.2: "approximately 75%")
  double ddr_read_latency_ns = 110;     // HP read: address to first data at the port (estimate)
  double ddr_write_latency_ns = 90;     // HP write: last data to write response (estimate)

  // ---- HP ports (S_AXI_HP0..3)
  double hp_clock_hz = 100e6;           // clocked from FCLK0 in the overlay
  unsigned hp_data_bytes = 8;           // 64-bit (4 = 32-bit mode); UG585

  // ---- GP0 (PS -> PL registers)
  double gp0_write_ns = 60;             // a posted 32-bit store to the PL, as seen by the A9 (estimate)
  double gp0_read_ns = 180;             // an uncached 32-bit load from the PL, round trip (estimate)

  // ---- AXI DMA (PG021), one set for the three instances
  unsigned dma_length_width = 26;       // c_sg_length_width: LENGTH register bits, 8..26
  unsigned dma_data_bytes = 8;          // memory-map and stream data width: 4,8,..,128 bytes
  unsigned dma_burst_beats = 16;        // c_m_axi_mm2s_burst_size: 2,4,..,256
  unsigned dma_mm2s_latency = 6;        // m_axi_mm2s_arvalid -> m_axis_mm2s_tvalid (PG021)
  unsigned dma_s2mm_latency = 39;       // s_axis_s2mm_tvalid -> m_axi_s2mm_awvalid (PG021)
  unsigned dma_s2mm_burst_gap = 5;      // idle TREADY clocks per S2MM burst (fits PG021's 298.59 MB/s)
  unsigned dma_start_cycles = 10;       // LENGTH write -> ARVALID/AWVALID-side start (estimate, PG021/PG022)

  // ---- PL units (hw-spec §6); the RTL parameters
  // ---- PL design generation: 1 = hw-spec 1.x (AXI DMA streams); 2 = v2 data movement (view
  // readers on streams A/B/C, docs/pl-v2.md). The default stays 1 until every target has v2.
  unsigned pl_version = 1;
  unsigned mm_rows = 4, mm_cols = 4;    // systolic array R x C (R even)
  unsigned mm_wdepth = 16384;           // words per weight bank
  unsigned mm_kmax = 2048, mm_nmax = 1024;
  // SFU datapaths built into the PL (hw/pl_contract.json sfu_datapaths; 1 = built, 0 = not): an
  // opcode whose datapath is absent is rejected with BAD_OP and its kernels run on the PS. A
  // per-model choice: training needs DIV/RECIP and SQRT (Adam); EXP2/LOG2 (softmax) are few
  // elements per step. EXP2, LOG2 and SIN share the Horner chain.
  unsigned vec_sfu_div = 1, vec_sfu_sqrt = 1, vec_sfu_mod = 1;
  unsigned vec_sfu_exp2 = 1, vec_sfu_log2 = 1, vec_sfu_sin = 1;
  // pl_version 2: 1 = the third view reader VR2 (stream C) is built; 0 = not (a per-model choice:
  // only WHERE with a C that is not a constant needs it; such kernels run on the PS, and VEC
  // rejects an opcode whose C is a stream with BAD_OP). v1 always has stream C (DMA2).
  unsigned vr_stream_c = 1;
  // 1 = the reduce unit is built; 0 = not (a per-model choice, ~7 k LUT: reductions that are not
  // matmuls run on the PS; RED CFG0.BUILT = 0 and every RED START is rejected with BAD_OP).
  unsigned reduce_unit = 1;

  // ---- PS cost model (Cortex-A9 + NEON), used for fallback ops and the A9-only estimate
  double a9_flops_per_cycle = 4;        // peak: VMLA.F32 on Q regs, 2 lanes/cycle x 2 flop (mul+add);
                                        // separate VMUL/VADD reach half of this
  double a9_transcendental_cycles = 20; // per element for exp/log/sin/sqrt/div (estimate)
  double a9_memcpy_bytes_per_s = 600e6; // sustained memcpy/packing bandwidth, cached (estimate)
  double a9_stream_bytes_per_s = 1.0e9; // bytes read+written by an op streaming from DDR (estimate)
  double cache_flush_bytes_per_s = 1.5e9;       // clean D-cache by VA range (estimate)
  double cache_invalidate_bytes_per_s = 3.0e9;  // invalidate by VA range (estimate)
  double driver_call_ns = 1000;         // per PL command: runtime bookkeeping on the A9 (estimate)
  double irq_latency_ns = 5000;         // IRQ to the waiting thread, Linux UIO (estimate)
  double poll_interval_ns = 200;        // one STATUS read per poll; must be >= gp0_read_ns

  static BoardConfig defaults();
  static BoardConfig from_json(const std::string& text, const std::string& origin = "<json>");
  static BoardConfig load_file(const std::string& path);
  std::string to_json() const;  // every key, declaration order, 2-space indent, ends with '\n'
  void validate() const;        // throws tinypynq::Error naming the key

  // The XC7Z020 resources the PL design needs (hw-spec §6.3, §10), as validate() checks them:
  //   DSP48E1 = 2·R·C (matmul PEs) + 42 (vector unit)                     <= 220
  //   BRAM36  = WBUF C·⌈WDEPTH/1024⌉ + ABUF R·⌈2·KMAX/1024⌉
  //           + OBUF C·⌈⌈2·R·NMAX/C⌉/1024⌉ + 6 (three AXI DMAs, 2 each)  <= 140
  struct PlResources {
    uint64_t dsp48 = 0;
    uint64_t bram36 = 0, bram36_wbuf = 0, bram36_abuf = 0, bram36_obuf = 0, bram36_dma = 0;
  };
  PlResources pl_resources() const;
  // The vec_sfu_* keys as the RTL parameter SfuDps / CFG0.SFU_DPS (bit i = sfu_datapaths[i]).
  uint32_t sfu_datapaths() const;
  // Whether this PL has vector opcode `opcode` (defined, and its SFU datapath built).
  bool vec_opcode_built(uint32_t opcode) const;
  // Whether this PL has stream C (CFG0.STREAM_C): pl_version 1, or vr_stream_c.
  bool stream_c() const { return pl_version < 2 || vr_stream_c != 0; }
  static constexpr uint64_t kXc7z020Dsp48 = 220;
  static constexpr uint64_t kXc7z020Bram36 = 140;
};

}  // namespace tinypynq
