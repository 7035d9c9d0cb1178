// SPDX-License-Identifier: MIT
// tinypynq — the pl_version 2 PL top (docs/pl-v2.md "v2 on the rtl target"): tinypynq_pl_top (SYS,
// the unit register blocks, the stream router, the units; unchanged) with the three view readers
// VR0..2 (rtl/vr) in place of the DMAs' MM2S channels, each on its own HP read port (VR_i on
// HP_i, the contract's windows), and one AXI4-Lite slave decoding the contract's windows:
//
//   offset (from WIN_PL_TOP_BASE)      slave
//   0x00000 .. WIN_PL_TOP_SIZE - 1     tinypynq_pl_top (SYS, VEC, RED, MMU)
//   VR window + 0x100 * i, i < 3       VR_i's register block
//   the rest of the VR window          reads 0, writes ignored, OKAY (the TLM model's answer)
//   the VW window (WithVw)             VW's register block
//
// Stream R: with WithVw (define TP_V2_WITH_VW; the synthesised configuration) the view writer VW
// (rtl/vw) takes it inside and writes on HP0's write channels (VR0 reads on HP0's read channels),
// its interrupt on IRQ_F2P[VW]; without it (the rtl target today, which has no AXI write bridge
// yet) R leaves the top as in v1, for the TLM writer (models/tlm/view_writer_tlm.h), and the
// HP0 write channels and the VW window are idle (the window answers as unmapped). The readers'
// vr_err end the
// routed unit's command with ERR STREAM (tinypynq_pl_top's s_axis_err). IRQ_F2P carries the
// unit interrupts at the contract's lines (tp_contract_pkg::IRQ_*); the DMA lines are 0.
//
// The decode is combinational: AXI-Lite timing is tinypynq_pl_top's (hw-spec §7: the handshake
// in the cycle VALID is seen, the response in the next). A new access is not passed to any
// slave while a response of another is pending, so one response is outstanding per direction.
module tinypynq_pl_top_v2 #(
  parameter int unsigned MmRows   = 4,
  parameter int unsigned MmCols   = 4,
  parameter int unsigned MmWDepth = 16384,
  parameter int unsigned MmKMax   = 2048,
  parameter int unsigned MmNMax   = 1024,
  parameter int unsigned FclkHz   = tp_contract_pkg::SYS_FCLK_HZ_RESET,
  parameter logic [32:0] DdrBytes = 33'h0_2000_0000,
  parameter int unsigned VrBeatFifoDepth = tp_contract_pkg::VR_BEAT_FIFO,
  // SFU datapaths of the vector unit (tinypynq_pl_top; a PL build chooses them per model)
  parameter logic [tp_contract_pkg::SFU_DP_W-1:0] SfuDps = tp_contract_pkg::SFU_DP_ALL,
  // the third reader VR2 (stream C) is built; 0: a per-model build without it (board config
  // vr_stream_c): VR2's window answers as unmapped, HP2 is idle, the vector unit rejects an
  // opcode whose C is a stream with BAD_OP (tinypynq_pl_top StreamC, VEC CFG0.STREAM_C)
  parameter bit          StreamC  = 1'b1,
  // the reduce unit (tinypynq_pl_top WithRed; board config reduce_unit)
  parameter bit          WithRed  = 1'b1,
`ifdef TP_V2_WITH_VW
  parameter bit          WithVw   = 1'b1
`else
  parameter bit          WithVw   = 1'b0
`endif
) (
  input  logic        aclk,
  input  logic        aresetn,
  // AXI4-Lite slave (GP0 through the interconnect): PL_TOP_BASE .. the end of the VR window
  input  logic [18:0] s_axi_awaddr,
  input  logic        s_axi_awvalid,
  output logic        s_axi_awready,
  input  logic [31:0] s_axi_wdata,
  input  logic [3:0]  s_axi_wstrb,
  input  logic        s_axi_wvalid,
  output logic        s_axi_wready,
  output logic [1:0]  s_axi_bresp,
  output logic        s_axi_bvalid,
  input  logic        s_axi_bready,
  input  logic [18:0] s_axi_araddr,
  input  logic        s_axi_arvalid,
  output logic        s_axi_arready,
  output logic [31:0] s_axi_rdata,
  output logic [1:0]  s_axi_rresp,
  output logic        s_axi_rvalid,
  input  logic        s_axi_rready,
  // AXI read masters to the PS7 S_AXI_HP0..2 ports (64-bit, INCR, 1..16 beats): HPi is VR_i's
  output logic [31:0] m_axi_hp0_araddr,
  output logic [7:0]  m_axi_hp0_arlen,
  output logic [2:0]  m_axi_hp0_arsize,
  output logic [1:0]  m_axi_hp0_arburst,
  output logic        m_axi_hp0_arvalid,
  input  logic        m_axi_hp0_arready,
  input  logic [63:0] m_axi_hp0_rdata,
  input  logic [1:0]  m_axi_hp0_rresp,
  input  logic        m_axi_hp0_rlast,
  input  logic        m_axi_hp0_rvalid,
  output logic        m_axi_hp0_rready,
  output logic [31:0] m_axi_hp1_araddr,
  output logic [7:0]  m_axi_hp1_arlen,
  output logic [2:0]  m_axi_hp1_arsize,
  output logic [1:0]  m_axi_hp1_arburst,
  output logic        m_axi_hp1_arvalid,
  input  logic        m_axi_hp1_arready,
  input  logic [63:0] m_axi_hp1_rdata,
  input  logic [1:0]  m_axi_hp1_rresp,
  input  logic        m_axi_hp1_rlast,
  input  logic        m_axi_hp1_rvalid,
  output logic        m_axi_hp1_rready,
  output logic [31:0] m_axi_hp2_araddr,
  output logic [7:0]  m_axi_hp2_arlen,
  output logic [2:0]  m_axi_hp2_arsize,
  output logic [1:0]  m_axi_hp2_arburst,
  output logic        m_axi_hp2_arvalid,
  input  logic        m_axi_hp2_arready,
  input  logic [63:0] m_axi_hp2_rdata,
  input  logic [1:0]  m_axi_hp2_rresp,
  input  logic        m_axi_hp2_rlast,
  input  logic        m_axi_hp2_rvalid,
  output logic        m_axi_hp2_rready,
  // the view writer's AXI write master to S_AXI_HP0 (64-bit, INCR, 1..16 beats; WithVw)
  output logic [31:0] m_axi_hp0_awaddr,
  output logic [7:0]  m_axi_hp0_awlen,
  output logic [2:0]  m_axi_hp0_awsize,
  output logic [1:0]  m_axi_hp0_awburst,
  output logic        m_axi_hp0_awvalid,
  input  logic        m_axi_hp0_awready,
  output logic [63:0] m_axi_hp0_wdata,
  output logic [7:0]  m_axi_hp0_wstrb,
  output logic        m_axi_hp0_wlast,
  output logic        m_axi_hp0_wvalid,
  input  logic        m_axi_hp0_wready,
  input  logic [1:0]  m_axi_hp0_bresp,
  input  logic        m_axi_hp0_bvalid,
  output logic        m_axi_hp0_bready,
  // stream R (to the TLM view writer; idle with WithVw)
  output logic [63:0] m_axis_r_tdata,
  output logic [7:0]  m_axis_r_tkeep,
  output logic        m_axis_r_tvalid,
  input  logic        m_axis_r_tready,
  output logic        m_axis_r_tlast,
  // VW's STATUS[7:0] (0 without WithVw): the command queue's end of a command (tinypynq_pl_top_v2_cq)
  output logic [7:0]  vw_status_o,
  // IRQ_F2P[15:0] (the contract's lines)
  output logic [15:0] irq_f2p
);

  localparam int unsigned NumVr = tp_contract_pkg::WIN_VR_INSTANCES;  // 3
  localparam int unsigned NumSlaves = NumVr + 3;  // 0 top, 1..3 VR_i, 4 VW, 5 the unmapped rest
  localparam int unsigned SlaveVw = NumVr + 1;
  localparam int unsigned NumVrBuilt = StreamC ? NumVr : NumVr - 1;
  localparam logic [31:0] TopSize = tp_contract_pkg::WIN_PL_TOP_SIZE;
  localparam logic [31:0] VrOff = tp_contract_pkg::WIN_VR_BASE - tp_contract_pkg::WIN_PL_TOP_BASE;
  localparam logic [31:0] VrSize = tp_contract_pkg::WIN_VR_SIZE;
  localparam logic [31:0] VrStride = tp_contract_pkg::WIN_VR_INSTANCE_STRIDE;
  localparam logic [31:0] VwOff = tp_contract_pkg::WIN_VW_BASE - tp_contract_pkg::WIN_PL_TOP_BASE;
  localparam logic [31:0] VwSize = tp_contract_pkg::WIN_VW_SIZE;
  // The port's 19 address bits reach the end of the VR window (VrOff + VrSize <= 2^19, checked
  // by tests/rtl/test_rtl_top_v2.cpp against the contract).

  // ------------------------------------------------------------------ AXI-Lite decode
  function automatic logic [2:0] slave_of(input logic [18:0] a);
    logic [31:0] off, k;
    off = 32'(a);
    k   = (off - VrOff) / VrStride;
    if (off < TopSize) slave_of = 3'd0;
    else if (off >= VrOff && off < VrOff + VrSize && k < NumVrBuilt) slave_of = 3'(1 + k);
    else if (WithVw && off >= VwOff && off < VwOff + VwSize) slave_of = 3'(SlaveVw);
    else slave_of = 3'(NumSlaves - 1);
  endfunction

  logic [2:0] sel_w, sel_r;
  assign sel_w = slave_of(s_axi_awaddr);
  assign sel_r = slave_of(s_axi_araddr);

  logic [NumSlaves-1:0] awvalid_s, awready_s, wvalid_s, wready_s, bvalid_s, arvalid_s, arready_s,
                        rvalid_s;
  logic [2*NumSlaves-1:0]  bresp_s, rresp_s;
  logic [32*NumSlaves-1:0] rdata_s;
  logic b_pending, r_pending;
  assign b_pending = |bvalid_s;
  assign r_pending = |rvalid_s;

  always_comb begin
    s_axi_bresp = 2'b00;
    s_axi_rresp = 2'b00;
    s_axi_rdata = 32'd0;
    for (int k = 0; k < NumSlaves; k++) begin
      awvalid_s[k] = s_axi_awvalid && sel_w == 3'(k) && !b_pending;
      wvalid_s[k]  = s_axi_wvalid && sel_w == 3'(k) && !b_pending;
      arvalid_s[k] = s_axi_arvalid && sel_r == 3'(k) && !r_pending;
      if (bvalid_s[k]) s_axi_bresp = bresp_s[2 * k +: 2];
      if (rvalid_s[k]) begin
        s_axi_rresp = rresp_s[2 * k +: 2];
        s_axi_rdata = rdata_s[32 * k +: 32];
      end
    end
  end
  assign s_axi_awready = |awready_s;
  assign s_axi_wready  = |wready_s;
  assign s_axi_bvalid  = b_pending;
  assign s_axi_arready = |arready_s;
  assign s_axi_rvalid  = r_pending;

  // ------------------------------------------------------------------ the v1 top
  logic [63:0] vr_tdata [NumVr];
  logic [7:0]  vr_tkeep [NumVr];
  logic [NumVr-1:0] vr_tvalid, vr_tready, vr_tlast, vr_err;
  logic irq_vec, irq_red, irq_mmu, irq_vw;
  logic [63:0] r_tdata;
  logic [7:0]  r_tkeep;
  logic        r_tvalid, r_tready, r_tlast;

  tinypynq_pl_top #(
    .MmRows (MmRows), .MmCols (MmCols), .MmWDepth (MmWDepth), .MmKMax (MmKMax), .MmNMax (MmNMax),
    .FclkHz (FclkHz), .SfuDps (SfuDps), .StreamC (StreamC), .WithRed (WithRed),
    .Version (tp_contract_pkg::SYS_VERSION_V2)
  ) u_top (
    .aclk            (aclk),
    .aresetn         (aresetn),
    .s_axi_awaddr    (s_axi_awaddr[17:0]),
    .s_axi_awvalid   (awvalid_s[0]),
    .s_axi_awready   (awready_s[0]),
    .s_axi_wdata     (s_axi_wdata),
    .s_axi_wstrb     (s_axi_wstrb),
    .s_axi_wvalid    (wvalid_s[0]),
    .s_axi_wready    (wready_s[0]),
    .s_axi_bresp     (bresp_s[1:0]),
    .s_axi_bvalid    (bvalid_s[0]),
    .s_axi_bready    (s_axi_bready),
    .s_axi_araddr    (s_axi_araddr[17:0]),
    .s_axi_arvalid   (arvalid_s[0]),
    .s_axi_arready   (arready_s[0]),
    .s_axi_rdata     (rdata_s[31:0]),
    .s_axi_rresp     (rresp_s[1:0]),
    .s_axi_rvalid    (rvalid_s[0]),
    .s_axi_rready    (s_axi_rready),
    .s_axis_a_tdata  (vr_tdata[0]),
    .s_axis_a_tkeep  (vr_tkeep[0]),
    .s_axis_a_tvalid (vr_tvalid[0]),
    .s_axis_a_tready (vr_tready[0]),
    .s_axis_a_tlast  (vr_tlast[0]),
    .s_axis_b_tdata  (vr_tdata[1]),
    .s_axis_b_tkeep  (vr_tkeep[1]),
    .s_axis_b_tvalid (vr_tvalid[1]),
    .s_axis_b_tready (vr_tready[1]),
    .s_axis_b_tlast  (vr_tlast[1]),
    .s_axis_c_tdata  (vr_tdata[2]),
    .s_axis_c_tkeep  (vr_tkeep[2]),
    .s_axis_c_tvalid (vr_tvalid[2]),
    .s_axis_c_tready (vr_tready[2]),
    .s_axis_c_tlast  (vr_tlast[2]),
    .s_axis_err      (vr_err),
    .m_axis_r_tdata  (r_tdata),
    .m_axis_r_tkeep  (r_tkeep),
    .m_axis_r_tvalid (r_tvalid),
    .m_axis_r_tready (r_tready),
    .m_axis_r_tlast  (r_tlast),
    .irq_vec         (irq_vec),
    .irq_red         (irq_red),
    .irq_mmu         (irq_mmu)
  );

  // ------------------------------------------------------------------ HP ports (VR_i on HP_i)
  logic [31:0] hp_araddr [NumVr];
  logic [7:0]  hp_arlen [NumVr];
  logic [2:0]  hp_arsize [NumVr];
  logic [1:0]  hp_arburst [NumVr];
  logic [63:0] hp_rdata [NumVr];
  logic [1:0]  hp_rresp [NumVr];
  logic [NumVr-1:0] hp_arvalid, hp_arready, hp_rlast, hp_rvalid, hp_rready;
  assign m_axi_hp0_araddr  = hp_araddr[0];
  assign m_axi_hp0_arlen   = hp_arlen[0];
  assign m_axi_hp0_arsize  = hp_arsize[0];
  assign m_axi_hp0_arburst = hp_arburst[0];
  assign m_axi_hp0_arvalid = hp_arvalid[0];
  assign m_axi_hp0_rready  = hp_rready[0];
  assign hp_arready[0] = m_axi_hp0_arready;
  assign hp_rdata[0]   = m_axi_hp0_rdata;
  assign hp_rresp[0]   = m_axi_hp0_rresp;
  assign hp_rlast[0]   = m_axi_hp0_rlast;
  assign hp_rvalid[0]  = m_axi_hp0_rvalid;
  assign m_axi_hp1_araddr  = hp_araddr[1];
  assign m_axi_hp1_arlen   = hp_arlen[1];
  assign m_axi_hp1_arsize  = hp_arsize[1];
  assign m_axi_hp1_arburst = hp_arburst[1];
  assign m_axi_hp1_arvalid = hp_arvalid[1];
  assign m_axi_hp1_rready  = hp_rready[1];
  assign hp_arready[1] = m_axi_hp1_arready;
  assign hp_rdata[1]   = m_axi_hp1_rdata;
  assign hp_rresp[1]   = m_axi_hp1_rresp;
  assign hp_rlast[1]   = m_axi_hp1_rlast;
  assign hp_rvalid[1]  = m_axi_hp1_rvalid;
  assign m_axi_hp2_araddr  = hp_araddr[2];
  assign m_axi_hp2_arlen   = hp_arlen[2];
  assign m_axi_hp2_arsize  = hp_arsize[2];
  assign m_axi_hp2_arburst = hp_arburst[2];
  assign m_axi_hp2_arvalid = hp_arvalid[2];
  assign m_axi_hp2_rready  = hp_rready[2];
  assign hp_arready[2] = m_axi_hp2_arready;
  assign hp_rdata[2]   = m_axi_hp2_rdata;
  assign hp_rresp[2]   = m_axi_hp2_rresp;
  assign hp_rlast[2]   = m_axi_hp2_rlast;
  assign hp_rvalid[2]  = m_axi_hp2_rvalid;

  // ------------------------------------------------------------------ the view readers
  for (genvar i = 0; i < NumVr; i++) begin : g_vr
   if (i < NumVrBuilt) begin : g_on
    tp_view_reader #(.DdrBytes (DdrBytes), .BeatFifoDepth (VrBeatFifoDepth)) u_vr (
      .clk_i           (aclk),
      .rst_ni          (aresetn),
      .s_axi_awaddr_i  (s_axi_awaddr[17:0]),
      .s_axi_awvalid_i (awvalid_s[1 + i]),
      .s_axi_awready_o (awready_s[1 + i]),
      .s_axi_wdata_i   (s_axi_wdata),
      .s_axi_wstrb_i   (s_axi_wstrb),
      .s_axi_wvalid_i  (wvalid_s[1 + i]),
      .s_axi_wready_o  (wready_s[1 + i]),
      .s_axi_bresp_o   (bresp_s[2 * (1 + i) +: 2]),
      .s_axi_bvalid_o  (bvalid_s[1 + i]),
      .s_axi_bready_i  (s_axi_bready),
      .s_axi_araddr_i  (s_axi_araddr[17:0]),
      .s_axi_arvalid_i (arvalid_s[1 + i]),
      .s_axi_arready_o (arready_s[1 + i]),
      .s_axi_rdata_o   (rdata_s[32 * (1 + i) +: 32]),
      .s_axi_rresp_o   (rresp_s[2 * (1 + i) +: 2]),
      .s_axi_rvalid_o  (rvalid_s[1 + i]),
      .s_axi_rready_i  (s_axi_rready),
      .m_axi_araddr_o  (hp_araddr[i]),
      .m_axi_arlen_o   (hp_arlen[i]),
      .m_axi_arsize_o  (hp_arsize[i]),
      .m_axi_arburst_o (hp_arburst[i]),
      .m_axi_arvalid_o (hp_arvalid[i]),
      .m_axi_arready_i (hp_arready[i]),
      .m_axi_rdata_i   (hp_rdata[i]),
      .m_axi_rresp_i   (hp_rresp[i]),
      .m_axi_rlast_i   (hp_rlast[i]),
      .m_axi_rvalid_i  (hp_rvalid[i]),
      .m_axi_rready_o  (hp_rready[i]),
      .m_axis_tdata_o  (vr_tdata[i]),
      .m_axis_tkeep_o  (vr_tkeep[i]),
      .m_axis_tlast_o  (vr_tlast[i]),
      .m_axis_tvalid_o (vr_tvalid[i]),
      .m_axis_tready_i (vr_tready[i]),
      .vr_err_o        (vr_err[i])
    );
   end else begin : g_off   // not built: its slave is never selected, its stream never valid
    assign {awready_s[1 + i], wready_s[1 + i], bvalid_s[1 + i], arready_s[1 + i], rvalid_s[1 + i]} = '0;
    assign bresp_s[2 * (1 + i) +: 2] = 2'b00;
    assign rresp_s[2 * (1 + i) +: 2] = 2'b00;
    assign rdata_s[32 * (1 + i) +: 32] = 32'd0;
    assign hp_araddr[i] = 32'd0;
    assign hp_arlen[i] = 8'd0;
    assign hp_arsize[i] = 3'd0;
    assign hp_arburst[i] = 2'd0;
    assign {hp_arvalid[i], hp_rready[i]} = 2'b00;
    assign vr_tdata[i] = 64'd0;
    assign vr_tkeep[i] = 8'd0;
    assign {vr_tlast[i], vr_tvalid[i], vr_err[i]} = 3'b000;
    logic unused_vr;
    assign unused_vr = ^{hp_arready[i], hp_rdata[i], hp_rresp[i], hp_rlast[i], hp_rvalid[i], vr_tready[i]};
   end
  end

  // ------------------------------------------------------------------ the view writer (WithVw)
  if (WithVw) begin : g_vw
    logic vw_err, vw_busy, vw_stall;
    tp_view_writer #(.DdrBytes (DdrBytes)) u_vw (
      .clk_i           (aclk),
      .rst_ni          (aresetn),
      .s_axi_awaddr_i  (s_axi_awaddr[17:0]),
      .s_axi_awvalid_i (awvalid_s[SlaveVw]),
      .s_axi_awready_o (awready_s[SlaveVw]),
      .s_axi_wdata_i   (s_axi_wdata),
      .s_axi_wstrb_i   (s_axi_wstrb),
      .s_axi_wvalid_i  (wvalid_s[SlaveVw]),
      .s_axi_wready_o  (wready_s[SlaveVw]),
      .s_axi_bresp_o   (bresp_s[2 * SlaveVw +: 2]),
      .s_axi_bvalid_o  (bvalid_s[SlaveVw]),
      .s_axi_bready_i  (s_axi_bready),
      .s_axi_araddr_i  (s_axi_araddr[17:0]),
      .s_axi_arvalid_i (arvalid_s[SlaveVw]),
      .s_axi_arready_o (arready_s[SlaveVw]),
      .s_axi_rdata_o   (rdata_s[32 * SlaveVw +: 32]),
      .s_axi_rresp_o   (rresp_s[2 * SlaveVw +: 2]),
      .s_axi_rvalid_o  (rvalid_s[SlaveVw]),
      .s_axi_rready_i  (s_axi_rready),
      .s_axis_tdata_i  (r_tdata),
      .s_axis_tkeep_i  (r_tkeep),
      .s_axis_tlast_i  (r_tlast),
      .s_axis_tvalid_i (r_tvalid),
      .s_axis_tready_o (r_tready),
      .m_axi_awaddr_o  (m_axi_hp0_awaddr),
      .m_axi_awlen_o   (m_axi_hp0_awlen),
      .m_axi_awsize_o  (m_axi_hp0_awsize),
      .m_axi_awburst_o (m_axi_hp0_awburst),
      .m_axi_awvalid_o (m_axi_hp0_awvalid),
      .m_axi_awready_i (m_axi_hp0_awready),
      .m_axi_wdata_o   (m_axi_hp0_wdata),
      .m_axi_wstrb_o   (m_axi_hp0_wstrb),
      .m_axi_wlast_o   (m_axi_hp0_wlast),
      .m_axi_wvalid_o  (m_axi_hp0_wvalid),
      .m_axi_wready_i  (m_axi_hp0_wready),
      .m_axi_bresp_i   (m_axi_hp0_bresp),
      .m_axi_bvalid_i  (m_axi_hp0_bvalid),
      .m_axi_bready_o  (m_axi_hp0_bready),
      .irq_o           (irq_vw),
      .vw_err_o        (vw_err),
      .status_o        (vw_status_o),
      .mon_busy_o      (vw_busy),
      .mon_stall_o     (vw_stall)
    );
    assign m_axis_r_tdata  = 64'd0;
    assign m_axis_r_tkeep  = 8'd0;
    assign m_axis_r_tvalid = 1'b0;
    assign m_axis_r_tlast  = 1'b0;
    logic unused_vw;
    assign unused_vw = ^{vw_err, vw_busy, vw_stall, m_axis_r_tready};
  end else begin : g_no_vw
    assign m_axis_r_tdata  = r_tdata;
    assign m_axis_r_tkeep  = r_tkeep;
    assign m_axis_r_tvalid = r_tvalid;
    assign m_axis_r_tlast  = r_tlast;
    assign r_tready        = m_axis_r_tready;
    assign irq_vw          = 1'b0;
    assign vw_status_o     = 8'd0;
    assign m_axi_hp0_awaddr  = 32'd0;
    assign m_axi_hp0_awlen   = 8'd0;
    assign m_axi_hp0_awsize  = 3'd0;
    assign m_axi_hp0_awburst = 2'd0;
    assign m_axi_hp0_awvalid = 1'b0;
    assign m_axi_hp0_wdata   = 64'd0;
    assign m_axi_hp0_wstrb   = 8'd0;
    assign m_axi_hp0_wlast   = 1'b0;
    assign m_axi_hp0_wvalid  = 1'b0;
    assign m_axi_hp0_bready  = 1'b1;
    // the VW window answers as unmapped: no slave selects it
    assign awready_s[SlaveVw] = 1'b0;
    assign wready_s[SlaveVw]  = 1'b0;
    assign bvalid_s[SlaveVw]  = 1'b0;
    assign bresp_s[2 * SlaveVw +: 2] = 2'b00;
    assign arready_s[SlaveVw] = 1'b0;
    assign rvalid_s[SlaveVw]  = 1'b0;
    assign rresp_s[2 * SlaveVw +: 2] = 2'b00;
    assign rdata_s[32 * SlaveVw +: 32] = 32'd0;
    logic unused_no_vw;
    assign unused_no_vw = ^{m_axi_hp0_awready, m_axi_hp0_wready, m_axi_hp0_bresp, m_axi_hp0_bvalid,
                            awvalid_s[SlaveVw], wvalid_s[SlaveVw], arvalid_s[SlaveVw]};
  end

  // ------------------------------------------------------------------ the unmapped rest
  // Reads 0, writes ignored, OKAY for whole words (tp_axil_slave's SLVERR otherwise).
  localparam int unsigned Nul = NumSlaves - 1;
  logic        nul_wr, nul_rd;
  logic [17:0] nul_wr_addr, nul_rd_addr;
  logic [31:0] nul_wr_data;
  tp_axil_slave u_unmapped (
    .clk_i     (aclk),
    .rst_ni    (aresetn),
    .awaddr_i  (s_axi_awaddr[17:0]),
    .awvalid_i (awvalid_s[Nul]),
    .awready_o (awready_s[Nul]),
    .wdata_i   (s_axi_wdata),
    .wstrb_i   (s_axi_wstrb),
    .wvalid_i  (wvalid_s[Nul]),
    .wready_o  (wready_s[Nul]),
    .bresp_o   (bresp_s[2 * Nul +: 2]),
    .bvalid_o  (bvalid_s[Nul]),
    .bready_i  (s_axi_bready),
    .araddr_i  (s_axi_araddr[17:0]),
    .arvalid_i (arvalid_s[Nul]),
    .arready_o (arready_s[Nul]),
    .rdata_o   (rdata_s[32 * Nul +: 32]),
    .rresp_o   (rresp_s[2 * Nul +: 2]),
    .rvalid_o  (rvalid_s[Nul]),
    .rready_i  (s_axi_rready),
    .wr_o      (nul_wr),
    .wr_addr_o (nul_wr_addr),
    .wr_data_o (nul_wr_data),
    .rd_o      (nul_rd),
    .rd_addr_o (nul_rd_addr),
    .rd_data_i (32'd0)
  );

  // ------------------------------------------------------------------ interrupts
  always_comb begin
    irq_f2p = 16'd0;
    irq_f2p[tp_contract_pkg::IRQ_VEC] = irq_vec;
    irq_f2p[tp_contract_pkg::IRQ_RED] = irq_red;
    irq_f2p[tp_contract_pkg::IRQ_MMU] = irq_mmu;
    irq_f2p[tp_contract_pkg::IRQ_VW]  = irq_vw;
  end

  logic unused;
  assign unused = ^{nul_wr, nul_wr_addr, nul_wr_data, nul_rd, nul_rd_addr};

endmodule
