// SPDX-License-Identifier: MIT
// tinypynq — simulation-only wrapper of tinypynq_pl_top for the `rtl` target (cosim/rtl_pl.h).
// It has the exact ports of the top plus marker inputs that the transactors drive from the
// TLM side of the platform, so a waveform of an rtl run (`--fst`) shows what the SystemC
// platform and the lockstep checker were doing beside the pins (docs/traces.md, "Waveforms of
// rtl runs"). Nothing reads the markers: the design behaves exactly as the bare top. Not for
// synthesis (rtl/synth reads tinypynq_pl_top).
//
// Markers (each valid for the cycle it is presented in, like any other input):
//   tlm_cmd_unit_i    command the lockstep checker is tracking: 0 none, 1 vector, 2 reduce,
//                     3 matmul (from the cycle after its START handshake to its done cycle)
//   tlm_cmd_seq_i     number of commands the RTL has accepted (1 for the first); holds the
//                     current command's number while tlm_cmd_unit_i != 0
//   tlm_cmd_op_i      that command's OP register value
//   tlm_exp_done_i    1 in the cycle the TLM unit model says the command ends (its t_done);
//                     with a cycle-exact RTL it coincides with the unit's done pulse
//   tlm_dma_armed_i   transfers armed on the DMA models: [0] MM2S A, [1] MM2S B, [2] MM2S C,
//                     [3] S2MM R
//   tlm_gp0_access_i  1 while a GP0 access (a PS register read or write) is on the AXI-Lite
//                     port, from the cycle its VALID is driven to the response cycle
//   tlm_mismatch_i    sticky 1 from the cycle after the lockstep checker found a difference
//
// Monitor outputs (as ibex's tracing top exposes its RVFI signals): what the transactors and the
// lockstep checker read from inside the top, so that the C++ side uses ports, never the
// mangled names of internal signals. Combinational views of the top's signals in the cycle
// being evaluated:
//   mon_busy_o        per unit (bit 0 vector, 1 reduce, 2 matmul): a command is running
//                     (1 from the cycle after its START was accepted to its done cycle)
//   mon_done_o        per unit: the command ends in this cycle (its t_done)
//   mon_w_range_o     per unit: with done, the command's ST.W_RANGE
//   mon_time_o        SYS.TIME: cycles since the last aresetn (a free-running counter)
module tinypynq_pl_sim #(
  parameter int unsigned MmRows   = 4,
  parameter int unsigned MmCols   = 4,
  parameter int unsigned MmWDepth = 16384,
  parameter int unsigned MmKMax   = 2048,
  parameter int unsigned MmNMax   = 1024,
  parameter int unsigned FclkHz   = 100_000_000
) (
  input  logic        aclk,
  input  logic        aresetn,
  // AXI4-Lite slave (GP0 through the interconnect)
  input  logic [17:0] s_axi_awaddr,
  input  logic        s_axi_awvalid,
  output logic        s_axi_awready,
  input  logic [31:0] s_axi_wdata,
  input  logic [3:0]  s_axi_wstrb,
  input  logic        s_axi_wvalid,
  output logic        s_axi_wready,
  output logic [1:0]  s_axi_bresp,
  output logic        s_axi_bvalid,
  input  logic        s_axi_bready,
  input  logic [17:0] s_axi_araddr,
  input  logic        s_axi_arvalid,
  output logic        s_axi_arready,
  output logic [31:0] s_axi_rdata,
  output logic [1:0]  s_axi_rresp,
  output logic        s_axi_rvalid,
  input  logic        s_axi_rready,
  // stream A (DMA0 MM2S)
  input  logic [63:0] s_axis_a_tdata,
  input  logic [7:0]  s_axis_a_tkeep,
  input  logic        s_axis_a_tvalid,
  output logic        s_axis_a_tready,
  input  logic        s_axis_a_tlast,
  // stream B (DMA1 MM2S)
  input  logic [63:0] s_axis_b_tdata,
  input  logic [7:0]  s_axis_b_tkeep,
  input  logic        s_axis_b_tvalid,
  output logic        s_axis_b_tready,
  input  logic        s_axis_b_tlast,
  // stream C (DMA2 MM2S)
  input  logic [63:0] s_axis_c_tdata,
  input  logic [7:0]  s_axis_c_tkeep,
  input  logic        s_axis_c_tvalid,
  output logic        s_axis_c_tready,
  input  logic        s_axis_c_tlast,
  // the sources of A, B, C failed (pl_version 2: the TLM view readers' vr_err)
  input  logic [2:0]  s_axis_err,
  // stream R (DMA0 S2MM)
  output logic [63:0] m_axis_r_tdata,
  output logic [7:0]  m_axis_r_tkeep,
  output logic        m_axis_r_tvalid,
  input  logic        m_axis_r_tready,
  output logic        m_axis_r_tlast,
  // interrupts (IRQ_F2P[4], [5], [6])
  output logic        irq_vec,
  output logic        irq_red,
  output logic        irq_mmu,
  // TLM-side transaction markers (see above)
  input  logic [1:0]  tlm_cmd_unit_i,
  input  logic [31:0] tlm_cmd_seq_i,
  input  logic [31:0] tlm_cmd_op_i,
  input  logic        tlm_exp_done_i,
  input  logic [3:0]  tlm_dma_armed_i,
  input  logic        tlm_gp0_access_i,
  input  logic        tlm_mismatch_i,
  // monitor outputs (see above)
  output logic [2:0]  mon_busy_o,
  output logic [2:0]  mon_done_o,
  output logic [2:0]  mon_w_range_o,
  output logic [63:0] mon_time_o
);

  tinypynq_pl_top #(
    .MmRows   (MmRows),
    .MmCols   (MmCols),
    .MmWDepth (MmWDepth),
    .MmKMax   (MmKMax),
    .MmNMax   (MmNMax),
    .FclkHz   (FclkHz)
  ) u_top (
    .aclk            (aclk),
    .aresetn         (aresetn),
    .s_axi_awaddr    (s_axi_awaddr),
    .s_axi_awvalid   (s_axi_awvalid),
    .s_axi_awready   (s_axi_awready),
    .s_axi_wdata     (s_axi_wdata),
    .s_axi_wstrb     (s_axi_wstrb),
    .s_axi_wvalid    (s_axi_wvalid),
    .s_axi_wready    (s_axi_wready),
    .s_axi_bresp     (s_axi_bresp),
    .s_axi_bvalid    (s_axi_bvalid),
    .s_axi_bready    (s_axi_bready),
    .s_axi_araddr    (s_axi_araddr),
    .s_axi_arvalid   (s_axi_arvalid),
    .s_axi_arready   (s_axi_arready),
    .s_axi_rdata     (s_axi_rdata),
    .s_axi_rresp     (s_axi_rresp),
    .s_axi_rvalid    (s_axi_rvalid),
    .s_axi_rready    (s_axi_rready),
    .s_axis_a_tdata  (s_axis_a_tdata),
    .s_axis_a_tkeep  (s_axis_a_tkeep),
    .s_axis_a_tvalid (s_axis_a_tvalid),
    .s_axis_a_tready (s_axis_a_tready),
    .s_axis_a_tlast  (s_axis_a_tlast),
    .s_axis_b_tdata  (s_axis_b_tdata),
    .s_axis_b_tkeep  (s_axis_b_tkeep),
    .s_axis_b_tvalid (s_axis_b_tvalid),
    .s_axis_b_tready (s_axis_b_tready),
    .s_axis_b_tlast  (s_axis_b_tlast),
    .s_axis_c_tdata  (s_axis_c_tdata),
    .s_axis_c_tkeep  (s_axis_c_tkeep),
    .s_axis_c_tvalid (s_axis_c_tvalid),
    .s_axis_c_tready (s_axis_c_tready),
    .s_axis_c_tlast  (s_axis_c_tlast),
    .s_axis_err      (s_axis_err),
    .m_axis_r_tdata  (m_axis_r_tdata),
    .m_axis_r_tkeep  (m_axis_r_tkeep),
    .m_axis_r_tvalid (m_axis_r_tvalid),
    .m_axis_r_tready (m_axis_r_tready),
    .m_axis_r_tlast  (m_axis_r_tlast),
    .irq_vec         (irq_vec),
    .irq_red         (irq_red),
    .irq_mmu         (irq_mmu)
  );

  // Downward hierarchical references: the top keeps its ports as synthesized.
  assign mon_busy_o    = u_top.u_busy;
  assign mon_done_o    = u_top.u_done;
  assign mon_w_range_o = u_top.u_w_range;
  assign mon_time_o    = u_top.time_q;

  // The markers only have to exist (as ports they are in every waveform); nothing reads them.
  logic unused_markers;
  assign unused_markers = ^{tlm_cmd_unit_i, tlm_cmd_seq_i, tlm_cmd_op_i, tlm_exp_done_i,
                            tlm_dma_armed_i, tlm_gp0_access_i, tlm_mismatch_i};

endmodule
