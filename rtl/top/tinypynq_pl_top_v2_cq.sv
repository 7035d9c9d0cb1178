// SPDX-License-Identifier: MIT
// tinypynq — the pl_version 2 PL with its command queue (docs/pl-v2.md "The command queue in the PL
// top"): tinypynq_pl_top_v2 (the units, the view readers VR0..2, the view writer VW) and the queue
// CQ (rtl/cq), the PL a v2 board runs. GP0's window CQ goes to the queue's register block; the
// rest of GP0 and the queue's sequencer share the PL's register bus through tp_axil_arbiter; the
// queue reads ring slots and writes result records on HP3, ends each command on VW's STATUS, and
// interrupts on IRQ_F2P[IRQ_CQ].
//
//   offset (from WIN_PL_TOP_BASE)          slave
//   the CQ window (WIN_CQ_BASE ..)         the queue's registers (GP0 only: an entry cannot
//                                          program the queue, its sequencer refuses the window)
//   anything else                          tinypynq_pl_top_v2's decode, through the arbiter
//
// GP0's own timing is unchanged (the arbiter and this decode are combinational; hw-spec §7); a
// GP0 access to the PL's registers while the sequencer holds the bus waits for its response.
// One response is outstanding per direction on GP0, as in tinypynq_pl_top_v2.
module tinypynq_pl_top_v2_cq #(
  parameter int unsigned MmRows   = 4,
  parameter int unsigned MmCols   = 4,
  parameter int unsigned MmWDepth = 16384,
  parameter int unsigned MmKMax   = 2048,
  parameter int unsigned MmNMax   = 1024,
  parameter int unsigned FclkHz   = tp_contract_pkg::SYS_FCLK_HZ_RESET,
  parameter logic [32:0] DdrBytes = 33'h0_2000_0000,
  parameter int unsigned VrBeatFifoDepth = tp_contract_pkg::VR_BEAT_FIFO,
  parameter logic [tp_contract_pkg::SFU_DP_W-1:0] SfuDps = tp_contract_pkg::SFU_DP_ALL,
  parameter bit          StreamC  = 1'b1,
  parameter bit          WithRed  = 1'b1
) (
  input  logic        aclk,
  input  logic        aresetn,
  // AXI4-Lite slave (GP0 through the interconnect): PL_TOP_BASE .. the end of the CQ window
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
  // AXI master to the PS7 S_AXI_HP3 port (64-bit): the queue's slot reads and result records
  output logic [31:0] m_axi_hp3_araddr,
  output logic [7:0]  m_axi_hp3_arlen,
  output logic [2:0]  m_axi_hp3_arsize,
  output logic [1:0]  m_axi_hp3_arburst,
  output logic        m_axi_hp3_arvalid,
  input  logic        m_axi_hp3_arready,
  input  logic [63:0] m_axi_hp3_rdata,
  input  logic [1:0]  m_axi_hp3_rresp,
  input  logic        m_axi_hp3_rlast,
  input  logic        m_axi_hp3_rvalid,
  output logic        m_axi_hp3_rready,
  output logic [31:0] m_axi_hp3_awaddr,
  output logic [7:0]  m_axi_hp3_awlen,
  output logic [2:0]  m_axi_hp3_awsize,
  output logic [1:0]  m_axi_hp3_awburst,
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
  // IRQ_F2P[15:0] (the contract's lines)
  output logic [15:0] irq_f2p

);

  localparam logic [31:0] CqOff  = tp_contract_pkg::WIN_CQ_BASE - tp_contract_pkg::WIN_PL_TOP_BASE;
  localparam logic [31:0] CqSize = tp_contract_pkg::WIN_CQ_SIZE;

  function automatic logic in_cq(input logic [18:0] a);
    in_cq = 32'(a) >= CqOff && 32'(a) < CqOff + CqSize;
  endfunction

  // ------------------------------------------------------------------ GP0: CQ window or the bus
  logic cq_awvalid, cq_awready, cq_wvalid, cq_wready, cq_bvalid, cq_arvalid, cq_arready, cq_rvalid;
  logic [1:0]  cq_bresp, cq_rresp;
  logic [31:0] cq_rdata;
  logic g_awvalid, g_awready, g_wvalid, g_wready, g_bvalid, g_arvalid, g_arready, g_rvalid;
  logic [1:0]  g_bresp, g_rresp;
  logic [31:0] g_rdata;
  // an access handshaken and its response not yet taken (registered, so that GP0's gating does
  // not loop through the arbiter's grant): no new access is passed meanwhile
  logic b_pending, r_pending, b_out_q, b_out_d, r_out_q, r_out_d, w_cq, r_cq;
  assign b_pending = b_out_q;
  assign r_pending = r_out_q;
  always_comb begin
    b_out_d = b_out_q;
    if (s_axi_awvalid && s_axi_awready) b_out_d = 1'b1;
    if (s_axi_bvalid && s_axi_bready) b_out_d = 1'b0;
    r_out_d = r_out_q;
    if (s_axi_arvalid && s_axi_arready) r_out_d = 1'b1;
    if (s_axi_rvalid && s_axi_rready) r_out_d = 1'b0;
  end
  always_ff @(posedge aclk) begin
    if (!aresetn) begin
      b_out_q <= 1'b0;
      r_out_q <= 1'b0;
    end else begin
      b_out_q <= b_out_d;
      r_out_q <= r_out_d;
    end
  end
  assign w_cq = in_cq(s_axi_awaddr);
  assign r_cq = in_cq(s_axi_araddr);
  assign cq_awvalid = s_axi_awvalid && w_cq && !b_pending;
  assign cq_wvalid  = s_axi_wvalid && w_cq && !b_pending;
  assign g_awvalid  = s_axi_awvalid && !w_cq && !b_pending;
  assign g_wvalid   = s_axi_wvalid && !w_cq && !b_pending;
  assign cq_arvalid = s_axi_arvalid && r_cq && !r_pending;
  assign g_arvalid  = s_axi_arvalid && !r_cq && !r_pending;
  assign s_axi_awready = cq_awready || g_awready;
  assign s_axi_wready  = cq_wready || g_wready;
  assign s_axi_bvalid  = cq_bvalid || g_bvalid;
  assign s_axi_bresp   = cq_bvalid ? cq_bresp : g_bresp;
  assign s_axi_arready = cq_arready || g_arready;
  assign s_axi_rvalid  = cq_rvalid || g_rvalid;
  assign s_axi_rresp   = cq_rvalid ? cq_rresp : g_rresp;
  assign s_axi_rdata   = cq_rvalid ? cq_rdata : g_rdata;

  // ------------------------------------------------------------------ the register bus
  logic [31:0] q_awaddr, q_wdata, q_araddr, q_rdata;
  logic [3:0]  q_wstrb;
  logic [1:0]  q_bresp, q_rresp;
  logic q_awvalid, q_awready, q_wvalid, q_wready, q_bvalid, q_bready, q_arvalid, q_arready,
        q_rvalid, q_rready;
  logic [18:0] m_awaddr, m_araddr;
  logic [31:0] m_wdata, m_rdata;
  logic [3:0]  m_wstrb;
  logic [1:0]  m_bresp, m_rresp;
  logic m_awvalid, m_awready, m_wvalid, m_wready, m_bvalid, m_bready, m_arvalid, m_arready,
        m_rvalid, m_rready;
  // the sequencer's absolute GP0 addresses, inside the top's window (it writes only the VR, VW
  // and unit windows: tp_cmd_queue's writable())
  logic [31:0] q_awoff, q_aroff;
  assign q_awoff = q_awaddr - tp_contract_pkg::WIN_PL_TOP_BASE;
  assign q_aroff = q_araddr - tp_contract_pkg::WIN_PL_TOP_BASE;
  logic unused_off;
  assign unused_off = ^{q_awoff[31:19], q_aroff[31:19]};

  tp_axil_arbiter #(.AddrW (19)) u_arb (
    .clk_i        (aclk),
    .rst_ni       (aresetn),
    .s0_awaddr_i  (s_axi_awaddr),
    .s0_awvalid_i (g_awvalid),
    .s0_awready_o (g_awready),
    .s0_wdata_i   (s_axi_wdata),
    .s0_wstrb_i   (s_axi_wstrb),
    .s0_wvalid_i  (g_wvalid),
    .s0_wready_o  (g_wready),
    .s0_bresp_o   (g_bresp),
    .s0_bvalid_o  (g_bvalid),
    .s0_bready_i  (s_axi_bready),
    .s0_araddr_i  (s_axi_araddr),
    .s0_arvalid_i (g_arvalid),
    .s0_arready_o (g_arready),
    .s0_rdata_o   (g_rdata),
    .s0_rresp_o   (g_rresp),
    .s0_rvalid_o  (g_rvalid),
    .s0_rready_i  (s_axi_rready),
    .s1_awaddr_i  (q_awoff[18:0]),
    .s1_awvalid_i (q_awvalid),
    .s1_awready_o (q_awready),
    .s1_wdata_i   (q_wdata),
    .s1_wstrb_i   (q_wstrb),
    .s1_wvalid_i  (q_wvalid),
    .s1_wready_o  (q_wready),
    .s1_bresp_o   (q_bresp),
    .s1_bvalid_o  (q_bvalid),
    .s1_bready_i  (q_bready),
    .s1_araddr_i  (q_aroff[18:0]),
    .s1_arvalid_i (q_arvalid),
    .s1_arready_o (q_arready),
    .s1_rdata_o   (q_rdata),
    .s1_rresp_o   (q_rresp),
    .s1_rvalid_o  (q_rvalid),
    .s1_rready_i  (q_rready),
    .m_awaddr_o   (m_awaddr),
    .m_awvalid_o  (m_awvalid),
    .m_awready_i  (m_awready),
    .m_wdata_o    (m_wdata),
    .m_wstrb_o    (m_wstrb),
    .m_wvalid_o   (m_wvalid),
    .m_wready_i   (m_wready),
    .m_bresp_i    (m_bresp),
    .m_bvalid_i   (m_bvalid),
    .m_bready_o   (m_bready),
    .m_araddr_o   (m_araddr),
    .m_arvalid_o  (m_arvalid),
    .m_arready_i  (m_arready),
    .m_rdata_i    (m_rdata),
    .m_rresp_i    (m_rresp),
    .m_rvalid_i   (m_rvalid),
    .m_rready_o   (m_rready)
  );

  // ------------------------------------------------------------------ the v2 PL
  logic [7:0]  vw_status;
  logic [15:0] irq_pl;
  logic [63:0] r_tdata_unused;
  logic [7:0]  r_tkeep_unused;
  logic        r_tvalid_unused, r_tlast_unused;

  tinypynq_pl_top_v2 #(
    .MmRows (MmRows), .MmCols (MmCols), .MmWDepth (MmWDepth), .MmKMax (MmKMax), .MmNMax (MmNMax),
    .FclkHz (FclkHz), .DdrBytes (DdrBytes), .VrBeatFifoDepth (VrBeatFifoDepth), .SfuDps (SfuDps),
    .StreamC (StreamC), .WithRed (WithRed), .WithVw (1'b1)
  ) u_pl (
    .aclk           (aclk),
    .aresetn        (aresetn),
    .s_axi_awaddr   (m_awaddr),
    .s_axi_awvalid  (m_awvalid),
    .s_axi_awready  (m_awready),
    .s_axi_wdata    (m_wdata),
    .s_axi_wstrb    (m_wstrb),
    .s_axi_wvalid   (m_wvalid),
    .s_axi_wready   (m_wready),
    .s_axi_bresp    (m_bresp),
    .s_axi_bvalid   (m_bvalid),
    .s_axi_bready   (m_bready),
    .s_axi_araddr   (m_araddr),
    .s_axi_arvalid  (m_arvalid),
    .s_axi_arready  (m_arready),
    .s_axi_rdata    (m_rdata),
    .s_axi_rresp    (m_rresp),
    .s_axi_rvalid   (m_rvalid),
    .s_axi_rready   (m_rready),
    .m_axi_hp0_araddr  (m_axi_hp0_araddr),
    .m_axi_hp0_arlen   (m_axi_hp0_arlen),
    .m_axi_hp0_arsize  (m_axi_hp0_arsize),
    .m_axi_hp0_arburst (m_axi_hp0_arburst),
    .m_axi_hp0_arvalid (m_axi_hp0_arvalid),
    .m_axi_hp0_arready (m_axi_hp0_arready),
    .m_axi_hp0_rdata   (m_axi_hp0_rdata),
    .m_axi_hp0_rresp   (m_axi_hp0_rresp),
    .m_axi_hp0_rlast   (m_axi_hp0_rlast),
    .m_axi_hp0_rvalid  (m_axi_hp0_rvalid),
    .m_axi_hp0_rready  (m_axi_hp0_rready),
    .m_axi_hp1_araddr  (m_axi_hp1_araddr),
    .m_axi_hp1_arlen   (m_axi_hp1_arlen),
    .m_axi_hp1_arsize  (m_axi_hp1_arsize),
    .m_axi_hp1_arburst (m_axi_hp1_arburst),
    .m_axi_hp1_arvalid (m_axi_hp1_arvalid),
    .m_axi_hp1_arready (m_axi_hp1_arready),
    .m_axi_hp1_rdata   (m_axi_hp1_rdata),
    .m_axi_hp1_rresp   (m_axi_hp1_rresp),
    .m_axi_hp1_rlast   (m_axi_hp1_rlast),
    .m_axi_hp1_rvalid  (m_axi_hp1_rvalid),
    .m_axi_hp1_rready  (m_axi_hp1_rready),
    .m_axi_hp2_araddr  (m_axi_hp2_araddr),
    .m_axi_hp2_arlen   (m_axi_hp2_arlen),
    .m_axi_hp2_arsize  (m_axi_hp2_arsize),
    .m_axi_hp2_arburst (m_axi_hp2_arburst),
    .m_axi_hp2_arvalid (m_axi_hp2_arvalid),
    .m_axi_hp2_arready (m_axi_hp2_arready),
    .m_axi_hp2_rdata   (m_axi_hp2_rdata),
    .m_axi_hp2_rresp   (m_axi_hp2_rresp),
    .m_axi_hp2_rlast   (m_axi_hp2_rlast),
    .m_axi_hp2_rvalid  (m_axi_hp2_rvalid),
    .m_axi_hp2_rready  (m_axi_hp2_rready),
    .m_axi_hp0_awaddr  (m_axi_hp0_awaddr),
    .m_axi_hp0_awlen   (m_axi_hp0_awlen),
    .m_axi_hp0_awsize  (m_axi_hp0_awsize),
    .m_axi_hp0_awburst (m_axi_hp0_awburst),
    .m_axi_hp0_awvalid (m_axi_hp0_awvalid),
    .m_axi_hp0_awready (m_axi_hp0_awready),
    .m_axi_hp0_wdata   (m_axi_hp0_wdata),
    .m_axi_hp0_wstrb   (m_axi_hp0_wstrb),
    .m_axi_hp0_wlast   (m_axi_hp0_wlast),
    .m_axi_hp0_wvalid  (m_axi_hp0_wvalid),
    .m_axi_hp0_wready  (m_axi_hp0_wready),
    .m_axi_hp0_bresp   (m_axi_hp0_bresp),
    .m_axi_hp0_bvalid  (m_axi_hp0_bvalid),
    .m_axi_hp0_bready  (m_axi_hp0_bready),
    .m_axis_r_tdata (r_tdata_unused),
    .m_axis_r_tkeep (r_tkeep_unused),
    .m_axis_r_tvalid(r_tvalid_unused),
    .m_axis_r_tready(1'b0),
    .m_axis_r_tlast (r_tlast_unused),
    .vw_status_o    (vw_status),
    .irq_f2p        (irq_pl)
  );
  logic unused_r;
  assign unused_r = ^{r_tdata_unused, r_tkeep_unused, r_tvalid_unused, r_tlast_unused};

  // ------------------------------------------------------------------ the command queue
  logic irq_cq;
  tp_cmd_queue #(.DdrBytes (DdrBytes)) u_cq (
    .clk_i           (aclk),
    .rst_ni          (aresetn),
    .s_axi_awaddr_i  (s_axi_awaddr[11:0]),
    .s_axi_awvalid_i (cq_awvalid),
    .s_axi_awready_o (cq_awready),
    .s_axi_wdata_i   (s_axi_wdata),
    .s_axi_wstrb_i   (s_axi_wstrb),
    .s_axi_wvalid_i  (cq_wvalid),
    .s_axi_wready_o  (cq_wready),
    .s_axi_bresp_o   (cq_bresp),
    .s_axi_bvalid_o  (cq_bvalid),
    .s_axi_bready_i  (s_axi_bready),
    .s_axi_araddr_i  (s_axi_araddr[11:0]),
    .s_axi_arvalid_i (cq_arvalid),
    .s_axi_arready_o (cq_arready),
    .s_axi_rdata_o   (cq_rdata),
    .s_axi_rresp_o   (cq_rresp),
    .s_axi_rvalid_o  (cq_rvalid),
    .s_axi_rready_i  (s_axi_rready),
    .m_axi_araddr_o  (m_axi_hp3_araddr),
    .m_axi_arlen_o   (m_axi_hp3_arlen),
    .m_axi_arsize_o  (m_axi_hp3_arsize),
    .m_axi_arburst_o (m_axi_hp3_arburst),
    .m_axi_arvalid_o (m_axi_hp3_arvalid),
    .m_axi_arready_i (m_axi_hp3_arready),
    .m_axi_rdata_i   (m_axi_hp3_rdata),
    .m_axi_rresp_i   (m_axi_hp3_rresp),
    .m_axi_rlast_i   (m_axi_hp3_rlast),
    .m_axi_rvalid_i  (m_axi_hp3_rvalid),
    .m_axi_rready_o  (m_axi_hp3_rready),
    .m_axi_awaddr_o  (m_axi_hp3_awaddr),
    .m_axi_awlen_o   (m_axi_hp3_awlen),
    .m_axi_awsize_o  (m_axi_hp3_awsize),
    .m_axi_awburst_o (m_axi_hp3_awburst),
    .m_axi_awvalid_o (m_axi_hp3_awvalid),
    .m_axi_awready_i (m_axi_hp3_awready),
    .m_axi_wdata_o   (m_axi_hp3_wdata),
    .m_axi_wstrb_o   (m_axi_hp3_wstrb),
    .m_axi_wlast_o   (m_axi_hp3_wlast),
    .m_axi_wvalid_o  (m_axi_hp3_wvalid),
    .m_axi_wready_i  (m_axi_hp3_wready),
    .m_axi_bresp_i   (m_axi_hp3_bresp),
    .m_axi_bvalid_i  (m_axi_hp3_bvalid),
    .m_axi_bready_o  (m_axi_hp3_bready),
    .m_reg_awaddr_o  (q_awaddr),
    .m_reg_awvalid_o (q_awvalid),
    .m_reg_awready_i (q_awready),
    .m_reg_wdata_o   (q_wdata),
    .m_reg_wstrb_o   (q_wstrb),
    .m_reg_wvalid_o  (q_wvalid),
    .m_reg_wready_i  (q_wready),
    .m_reg_bresp_i   (q_bresp),
    .m_reg_bvalid_i  (q_bvalid),
    .m_reg_bready_o  (q_bready),
    .m_reg_araddr_o  (q_araddr),
    .m_reg_arvalid_o (q_arvalid),
    .m_reg_arready_i (q_arready),
    .m_reg_rdata_i   (q_rdata),
    .m_reg_rresp_i   (q_rresp),
    .m_reg_rvalid_i  (q_rvalid),
    .m_reg_rready_o  (q_rready),
    .vw_status_i     (vw_status),
    .irq_o           (irq_cq)
  );

  always_comb begin
    irq_f2p = irq_pl;
    irq_f2p[tp_contract_pkg::IRQ_CQ] = irq_cq;
  end

endmodule
