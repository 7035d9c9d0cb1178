// SPDX-License-Identifier: MIT
// tinypynq — simulation-only wrapper of tinypynq_pl_top_v2 for the `rtl` target with pl_version 2
// (cosim/rtl_pl.h, docs/pl-v2.md "v2 on the rtl target"): the top's ports, the TLM-side marker
// inputs of tinypynq_pl_sim.sv (the same meaning; tlm_dma_armed_i: [2:0] the TLM twins of VR0..2
// armed, [3] the view writer armed), and monitor outputs for the transactors and the lockstep
// checker: tinypynq_pl_sim.sv's, plus the readers' streams into the units (the lockstep compares
// every beat with the TLM readers') and their activity (a reader filling or streaming is clocked),
// and stream R into the view writer (the TLM writer, its twin, is fed from it) and VW's BUSY.
// With TP_SIM_V2_CQ (the rtl target's --rtl-queue) the top is tinypynq_pl_top_v2_cq, the PL a v2
// board runs (the view writer and the command queue inside): HP3 carries the queue's slot fetches
// and records, and the monitors show the queue's accesses on the PL's register bus (the lockstep
// compares each with its TLM twin's) and whether it has work. Without it HP3 is idle.
// Not for synthesis.
module tinypynq_pl_sim_v2 #(
  parameter int unsigned MmRows   = 4,
  parameter int unsigned MmCols   = 4,
  parameter int unsigned MmWDepth = 16384,
  parameter int unsigned MmKMax   = 2048,
  parameter int unsigned MmNMax   = 1024,
  parameter int unsigned FclkHz   = 100_000_000,
  // a per-model PL (tinypynq_pl_top_v2's; rtl/sim/CMakeLists.txt builds the training PL's)
  parameter logic [tp_contract_pkg::SFU_DP_W-1:0] SfuDps = tp_contract_pkg::SFU_DP_ALL,
  parameter bit          StreamC  = 1'b1,
  parameter bit          WithRed  = 1'b1
) (
  input  logic        aclk,
  input  logic        aresetn,
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
  output logic [63:0] m_axis_r_tdata,
  output logic [7:0]  m_axis_r_tkeep,
  output logic        m_axis_r_tvalid,
  input  logic        m_axis_r_tready,
  output logic        m_axis_r_tlast,
  // the view writer's write channels on HP0 (cosim/axi_hp_write_bridge.h; TP_SIM_V2_VW)
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
  // the command queue's HP3 (TP_SIM_V2_CQ): slot fetches and result records
  output logic [31:0] m_axi_hp3_araddr,
  output logic [7:0]  m_axi_hp3_arlen,
  output logic        m_axi_hp3_arvalid,
  input  logic        m_axi_hp3_arready,
  input  logic [63:0] m_axi_hp3_rdata,
  input  logic [1:0]  m_axi_hp3_rresp,
  input  logic        m_axi_hp3_rlast,
  input  logic        m_axi_hp3_rvalid,
  output logic        m_axi_hp3_rready,
  output logic [31:0] m_axi_hp3_awaddr,
  output logic [7:0]  m_axi_hp3_awlen,
  output logic        m_axi_hp3_awvalid,
  input  logic        m_axi_hp3_awready,
  output logic [63:0] m_axi_hp3_wdata,
  output logic [7:0]  m_axi_hp3_wstrb,
  output logic        m_axi_hp3_wlast,
  output logic        m_axi_hp3_wvalid,
  input  logic        m_axi_hp3_wready,
  input  logic [1:0]  m_axi_hp3_bresp,
  input  logic        m_axi_hp3_bvalid,
  output logic        m_axi_hp3_bready,
  output logic [15:0] irq_f2p,
  // TLM-side transaction markers (tinypynq_pl_sim.sv)
  input  logic [1:0]  tlm_cmd_unit_i,
  input  logic [31:0] tlm_cmd_seq_i,
  input  logic [31:0] tlm_cmd_op_i,
  input  logic        tlm_exp_done_i,
  input  logic [3:0]  tlm_dma_armed_i,
  input  logic        tlm_gp0_access_i,
  input  logic        tlm_mismatch_i,
  // monitor outputs
  output logic [2:0]  mon_busy_o,
  output logic [2:0]  mon_done_o,
  output logic [2:0]  mon_w_range_o,
  output logic [63:0] mon_time_o,
  output logic [2:0]  mon_in_tvalid_o,   // stream s (VR_s -> unit): TVALID
  output logic [2:0]  mon_in_hs_o,       // ... a beat handshaken in this cycle
  output logic [63:0] mon_in0_tdata_o,
  output logic [63:0] mon_in1_tdata_o,
  output logic [63:0] mon_in2_tdata_o,
  output logic [2:0]  mon_vr_active_o,   // VR_i busy or fills in flight
  // stream R (unit -> VW, inside the top): the lockstep feeds the TLM writer (the twin) from it
  output logic        mon_r_tvalid_o,
  output logic        mon_r_hs_o,
  output logic [63:0] mon_r_tdata_o,
  output logic [7:0]  mon_r_tkeep_o,
  output logic        mon_r_tlast_o,
  output logic        mon_vw_busy_o,
  output logic [7:0]  mon_vw_status_o,   // VW's STATUS[7:0] (the queue's input in the board's top)
  // the command queue (TP_SIM_V2_CQ; 0 otherwise): work to do (enabled, an entry posted and not
  // completed, no error), and its accesses on the register bus (AW+W or AR handshaken in this
  // cycle; the read's data in the cycle its R is handshaken)
  output logic        mon_cq_busy_o,
  output logic        mon_rb_wr_o,
  output logic [31:0] mon_rb_waddr_o,
  output logic [31:0] mon_rb_wdata_o,
  output logic        mon_rb_rd_o,
  output logic [31:0] mon_rb_raddr_o,
  output logic        mon_rb_r_o,
  output logic [31:0] mon_rb_rdata_o
);

  // Two builds (rtl/sim/CMakeLists.txt): with TP_SIM_V2_VW the top has its view writer (WithVw):
  // R stays inside and VW writes on HP0's write channels (the rtl target's --rtl-writer); without
  // it R leaves the top for the TLM writer and the write channels are idle.
`ifdef TP_SIM_V2_CQ
`define TP_SIM_V2_VW
`else
`ifdef TP_SIM_V2_VW
  localparam bit SimVw = 1'b1;
`else
  localparam bit SimVw = 1'b0;
`endif
`endif
`ifdef TP_SIM_V2_CQ
  // the board's PL: the v2 top (u_top.u_pl) with VW, the queue (u_top.u_cq) and the arbiter; HP3's
  // size and burst (fixed by the queue: 8 bytes, INCR) stay inside
  logic [2:0] m_axi_hp3_arsize, m_axi_hp3_awsize;
  logic [1:0] m_axi_hp3_arburst, m_axi_hp3_awburst;
  tinypynq_pl_top_v2_cq #(
    .MmRows (MmRows), .MmCols (MmCols), .MmWDepth (MmWDepth), .MmKMax (MmKMax), .MmNMax (MmNMax),
    .FclkHz (FclkHz), .SfuDps (SfuDps), .StreamC (StreamC), .WithRed (WithRed)
  ) u_top (.*);  // every port to the wrapper's port or signal of its name
  logic unused_hp3;
  assign unused_hp3 = ^{m_axi_hp3_arsize, m_axi_hp3_awsize, m_axi_hp3_arburst, m_axi_hp3_awburst};
  // R and VW's STATUS stay inside the board's top
  assign m_axis_r_tdata  = 64'd0;
  assign m_axis_r_tkeep  = 8'd0;
  assign m_axis_r_tvalid = 1'b0;
  assign m_axis_r_tlast  = 1'b0;
  assign mon_vw_status_o = u_top.vw_status;
  logic unused_r_ready;
  assign unused_r_ready = m_axis_r_tready;
`define TP_V2 u_top.u_pl
  assign mon_cq_busy_o  = u_top.u_cq.ctrl_q[tp_contract_pkg::CQ_CTRL_ENABLE_LSB] && !u_top.u_cq.err_q &&
                          u_top.u_cq.posted_q != u_top.u_cq.completed_q;
  assign mon_rb_wr_o    = u_top.q_awvalid && u_top.q_awready;
  assign mon_rb_waddr_o = u_top.q_awaddr;
  assign mon_rb_wdata_o = u_top.q_wdata;
  assign mon_rb_rd_o    = u_top.q_arvalid && u_top.q_arready;
  assign mon_rb_raddr_o = u_top.q_araddr;
  assign mon_rb_r_o     = u_top.q_rvalid && u_top.q_rready;
  assign mon_rb_rdata_o = u_top.q_rdata;
`else
  tinypynq_pl_top_v2 #(
    .MmRows (MmRows), .MmCols (MmCols), .MmWDepth (MmWDepth), .MmKMax (MmKMax), .MmNMax (MmNMax),
    .FclkHz (FclkHz), .SfuDps (SfuDps), .StreamC (StreamC), .WithRed (WithRed), .WithVw (SimVw)
  ) u_top (.vw_status_o (mon_vw_status_o), .*);

  assign m_axi_hp3_araddr  = 32'd0;
  assign m_axi_hp3_arlen   = 8'd0;
  assign m_axi_hp3_arvalid = 1'b0;
  assign m_axi_hp3_rready  = 1'b1;
  assign m_axi_hp3_awaddr  = 32'd0;
  assign m_axi_hp3_awlen   = 8'd0;
  assign m_axi_hp3_awvalid = 1'b0;
  assign m_axi_hp3_wdata   = 64'd0;
  assign m_axi_hp3_wstrb   = 8'd0;
  assign m_axi_hp3_wlast   = 1'b0;
  assign m_axi_hp3_wvalid  = 1'b0;
  assign m_axi_hp3_bready  = 1'b1;
  logic unused_hp3;
  assign unused_hp3 = ^{m_axi_hp3_arready, m_axi_hp3_rdata, m_axi_hp3_rresp, m_axi_hp3_rlast, m_axi_hp3_rvalid,
                        m_axi_hp3_awready, m_axi_hp3_wready, m_axi_hp3_bresp, m_axi_hp3_bvalid};
  assign {mon_cq_busy_o, mon_rb_wr_o, mon_rb_rd_o, mon_rb_r_o} = 4'b0000;
  assign {mon_rb_waddr_o, mon_rb_wdata_o, mon_rb_raddr_o, mon_rb_rdata_o} = 128'd0;
`define TP_V2 u_top
`endif

  // Downward hierarchical references: the top keeps its ports as synthesized.
  assign mon_busy_o      = `TP_V2.u_top.u_busy;
  assign mon_done_o      = `TP_V2.u_top.u_done;
  assign mon_w_range_o   = `TP_V2.u_top.u_w_range;
  assign mon_time_o      = `TP_V2.u_top.time_q;
  assign mon_in_tvalid_o = `TP_V2.vr_tvalid;
  assign mon_in_hs_o     = `TP_V2.vr_tvalid & `TP_V2.vr_tready;
  assign mon_in0_tdata_o = `TP_V2.vr_tdata[0];
  assign mon_in1_tdata_o = `TP_V2.vr_tdata[1];
  assign mon_in2_tdata_o = `TP_V2.vr_tdata[2];
  assign mon_vr_active_o[0] = `TP_V2.g_vr[0].g_on.u_vr.busy_q || `TP_V2.g_vr[0].g_on.u_vr.inflight_q != 3'd0;
  assign mon_vr_active_o[1] = `TP_V2.g_vr[1].g_on.u_vr.busy_q || `TP_V2.g_vr[1].g_on.u_vr.inflight_q != 3'd0;
  if (StreamC) begin : g_mon_vr2
    assign mon_vr_active_o[2] = `TP_V2.g_vr[2].g_on.u_vr.busy_q || `TP_V2.g_vr[2].g_on.u_vr.inflight_q != 3'd0;
  end else begin : g_mon_no_vr2
    assign mon_vr_active_o[2] = 1'b0;
  end

  assign mon_r_tvalid_o  = `TP_V2.r_tvalid;
  assign mon_r_hs_o      = `TP_V2.r_tvalid & `TP_V2.r_tready;
  assign mon_r_tdata_o   = `TP_V2.r_tdata;
  assign mon_r_tkeep_o   = `TP_V2.r_tkeep;
  assign mon_r_tlast_o   = `TP_V2.r_tlast;
`ifdef TP_SIM_V2_VW
  assign mon_vw_busy_o   = `TP_V2.g_vw.vw_busy;
`else
  assign mon_vw_busy_o   = 1'b0;
`endif

  logic unused_markers;
  assign unused_markers = ^{tlm_cmd_unit_i, tlm_cmd_seq_i, tlm_cmd_op_i, tlm_exp_done_i,
                            tlm_dma_armed_i, tlm_gp0_access_i, tlm_mismatch_i};

`undef TP_V2
endmodule
