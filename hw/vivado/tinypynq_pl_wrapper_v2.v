// Thin Verilog wrapper of the pl_version 2 PL with its command queue (rtl/top/tinypynq_pl_top_v2_cq.sv,
// docs/pl-v2.md "The command queue in the PL top") for hw/vivado/build_bitstream.tcl with the
// argument v2: a block-design module reference cannot have a SystemVerilog top. The X_INTERFACE
// attributes let the block design see one AXI4-Lite slave (GP0: the PL top, VR, VW and CQ
// windows), four AXI masters (HP0: VR0 reads and VW writes; HP1: VR1; HP2: VR2; HP3: the queue's
// slots and records; 64-bit, INCR, at most 16 beats: AXI3-sized), the clock and the reset, and
// IRQ_F2P[15:0] of the contract (the script ORs them into the PS's IRQ_F2P[0]).
//
// GP0 addressing: the interconnect forwards a GP0 address unchanged and the slave keeps the bits
// below its segment's range, so the segment must be a power of two with its base a multiple of it
// (Xilinx AR 66717) and the slave sees address - base. The contract's PL windows (PL_TOP at
// 0x4003_0000 to the end of CQ) fit no such segment starting at PL_TOP, so the script maps
// 0x4000_0000 + 512K (the v1 DMA windows are unused in v2) and GP0_TOP_OFF (PL_TOP_BASE minus the
// segment's base) turns its offsets into the top's, which count from PL_TOP_BASE. The segment's
// first 0x3_0000 bytes wrap to top offsets past CQ: the top's unmapped rest (reads 0, OKAY).
module tinypynq_pl_wrapper_v2 #(
  parameter MM_ROWS   = 4,
  parameter MM_COLS   = 4,
  parameter MM_WDEPTH = 16384,
  parameter MM_KMAX   = 2048,
  parameter MM_NMAX   = 1024,
  parameter FCLK_HZ   = 100000000,
  parameter SFU_DPS   = 63,         // SFU datapaths built (hw/pl_contract.json sfu_datapaths; 63 = all)
  parameter STREAM_C  = 1,          // the third view reader VR2 (board config vr_stream_c)
  parameter WITH_RED  = 1,          // the reduce unit (board config reduce_unit)
  parameter GP0_TOP_OFF = 196608    // PL_TOP_BASE - the s_axi segment's base (0x4003_0000 - 0x4000_0000)
) (
  (* X_INTERFACE_INFO = "xilinx.com:signal:clock:1.0 aclk CLK" *)
  (* X_INTERFACE_PARAMETER = "ASSOCIATED_BUSIF s_axi:m_axi_hp0:m_axi_hp1:m_axi_hp2:m_axi_hp3, ASSOCIATED_RESET aresetn" *)
  input  wire        aclk,
  (* X_INTERFACE_INFO = "xilinx.com:signal:reset:1.0 aresetn RST" *)
  (* X_INTERFACE_PARAMETER = "POLARITY ACTIVE_LOW" *)
  input  wire        aresetn,
  (* X_INTERFACE_PARAMETER = "PROTOCOL AXI4LITE, DATA_WIDTH 32, ADDR_WIDTH 19" *)
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi AWADDR" *) input  wire [18:0]  s_axi_awaddr,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi AWVALID" *) input  wire         s_axi_awvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi AWREADY" *) output wire         s_axi_awready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi WDATA" *) input  wire [31:0]  s_axi_wdata,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi WSTRB" *) input  wire [3:0]   s_axi_wstrb,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi WVALID" *) input  wire         s_axi_wvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi WREADY" *) output wire         s_axi_wready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi BRESP" *) output wire [1:0]   s_axi_bresp,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi BVALID" *) output wire         s_axi_bvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi BREADY" *) input  wire         s_axi_bready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi ARADDR" *) input  wire [18:0]  s_axi_araddr,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi ARVALID" *) input  wire         s_axi_arvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi ARREADY" *) output wire         s_axi_arready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi RDATA" *) output wire [31:0]  s_axi_rdata,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi RRESP" *) output wire [1:0]   s_axi_rresp,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi RVALID" *) output wire         s_axi_rvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi RREADY" *) input  wire         s_axi_rready,
  (* X_INTERFACE_PARAMETER = "PROTOCOL AXI4, DATA_WIDTH 64, ADDR_WIDTH 32, READ_WRITE_MODE READ_WRITE, MAX_BURST_LENGTH 16" *)
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp0 ARADDR" *) output wire [31:0]  m_axi_hp0_araddr,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp0 ARLEN" *) output wire [7:0]   m_axi_hp0_arlen,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp0 ARSIZE" *) output wire [2:0]   m_axi_hp0_arsize,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp0 ARBURST" *) output wire [1:0]   m_axi_hp0_arburst,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp0 ARVALID" *) output wire         m_axi_hp0_arvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp0 ARREADY" *) input  wire         m_axi_hp0_arready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp0 RDATA" *) input  wire [63:0]  m_axi_hp0_rdata,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp0 RRESP" *) input  wire [1:0]   m_axi_hp0_rresp,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp0 RLAST" *) input  wire         m_axi_hp0_rlast,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp0 RVALID" *) input  wire         m_axi_hp0_rvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp0 RREADY" *) output wire         m_axi_hp0_rready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp0 AWADDR" *) output wire [31:0]  m_axi_hp0_awaddr,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp0 AWLEN" *) output wire [7:0]   m_axi_hp0_awlen,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp0 AWSIZE" *) output wire [2:0]   m_axi_hp0_awsize,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp0 AWBURST" *) output wire [1:0]   m_axi_hp0_awburst,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp0 AWVALID" *) output wire         m_axi_hp0_awvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp0 AWREADY" *) input  wire         m_axi_hp0_awready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp0 WDATA" *) output wire [63:0]  m_axi_hp0_wdata,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp0 WSTRB" *) output wire [7:0]   m_axi_hp0_wstrb,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp0 WLAST" *) output wire         m_axi_hp0_wlast,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp0 WVALID" *) output wire         m_axi_hp0_wvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp0 WREADY" *) input  wire         m_axi_hp0_wready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp0 BRESP" *) input  wire [1:0]   m_axi_hp0_bresp,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp0 BVALID" *) input  wire         m_axi_hp0_bvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp0 BREADY" *) output wire         m_axi_hp0_bready,
  (* X_INTERFACE_PARAMETER = "PROTOCOL AXI4, DATA_WIDTH 64, ADDR_WIDTH 32, READ_WRITE_MODE READ_ONLY, MAX_BURST_LENGTH 16" *)
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp1 ARADDR" *) output wire [31:0]  m_axi_hp1_araddr,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp1 ARLEN" *) output wire [7:0]   m_axi_hp1_arlen,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp1 ARSIZE" *) output wire [2:0]   m_axi_hp1_arsize,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp1 ARBURST" *) output wire [1:0]   m_axi_hp1_arburst,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp1 ARVALID" *) output wire         m_axi_hp1_arvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp1 ARREADY" *) input  wire         m_axi_hp1_arready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp1 RDATA" *) input  wire [63:0]  m_axi_hp1_rdata,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp1 RRESP" *) input  wire [1:0]   m_axi_hp1_rresp,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp1 RLAST" *) input  wire         m_axi_hp1_rlast,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp1 RVALID" *) input  wire         m_axi_hp1_rvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp1 RREADY" *) output wire         m_axi_hp1_rready,
  (* X_INTERFACE_PARAMETER = "PROTOCOL AXI4, DATA_WIDTH 64, ADDR_WIDTH 32, READ_WRITE_MODE READ_ONLY, MAX_BURST_LENGTH 16" *)
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp2 ARADDR" *) output wire [31:0]  m_axi_hp2_araddr,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp2 ARLEN" *) output wire [7:0]   m_axi_hp2_arlen,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp2 ARSIZE" *) output wire [2:0]   m_axi_hp2_arsize,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp2 ARBURST" *) output wire [1:0]   m_axi_hp2_arburst,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp2 ARVALID" *) output wire         m_axi_hp2_arvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp2 ARREADY" *) input  wire         m_axi_hp2_arready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp2 RDATA" *) input  wire [63:0]  m_axi_hp2_rdata,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp2 RRESP" *) input  wire [1:0]   m_axi_hp2_rresp,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp2 RLAST" *) input  wire         m_axi_hp2_rlast,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp2 RVALID" *) input  wire         m_axi_hp2_rvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp2 RREADY" *) output wire         m_axi_hp2_rready,
  (* X_INTERFACE_PARAMETER = "PROTOCOL AXI4, DATA_WIDTH 64, ADDR_WIDTH 32, READ_WRITE_MODE READ_WRITE, MAX_BURST_LENGTH 16" *)
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp3 ARADDR" *) output wire [31:0]  m_axi_hp3_araddr,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp3 ARLEN" *) output wire [7:0]   m_axi_hp3_arlen,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp3 ARSIZE" *) output wire [2:0]   m_axi_hp3_arsize,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp3 ARBURST" *) output wire [1:0]   m_axi_hp3_arburst,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp3 ARVALID" *) output wire         m_axi_hp3_arvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp3 ARREADY" *) input  wire         m_axi_hp3_arready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp3 RDATA" *) input  wire [63:0]  m_axi_hp3_rdata,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp3 RRESP" *) input  wire [1:0]   m_axi_hp3_rresp,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp3 RLAST" *) input  wire         m_axi_hp3_rlast,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp3 RVALID" *) input  wire         m_axi_hp3_rvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp3 RREADY" *) output wire         m_axi_hp3_rready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp3 AWADDR" *) output wire [31:0]  m_axi_hp3_awaddr,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp3 AWLEN" *) output wire [7:0]   m_axi_hp3_awlen,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp3 AWSIZE" *) output wire [2:0]   m_axi_hp3_awsize,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp3 AWBURST" *) output wire [1:0]   m_axi_hp3_awburst,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp3 AWVALID" *) output wire         m_axi_hp3_awvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp3 AWREADY" *) input  wire         m_axi_hp3_awready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp3 WDATA" *) output wire [63:0]  m_axi_hp3_wdata,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp3 WSTRB" *) output wire [7:0]   m_axi_hp3_wstrb,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp3 WLAST" *) output wire         m_axi_hp3_wlast,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp3 WVALID" *) output wire         m_axi_hp3_wvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp3 WREADY" *) input  wire         m_axi_hp3_wready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp3 BRESP" *) input  wire [1:0]   m_axi_hp3_bresp,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp3 BVALID" *) input  wire         m_axi_hp3_bvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi_hp3 BREADY" *) output wire         m_axi_hp3_bready,
  (* X_INTERFACE_INFO = "xilinx.com:signal:interrupt:1.0 irq_f2p INTERRUPT" *)
  (* X_INTERFACE_PARAMETER = "SENSITIVITY LEVEL_HIGH" *)
  output wire [15:0] irq_f2p
);
  wire [18:0] top_awaddr = s_axi_awaddr - GP0_TOP_OFF[18:0];
  wire [18:0] top_araddr = s_axi_araddr - GP0_TOP_OFF[18:0];
  tinypynq_pl_top_v2_cq #(
    .MmRows(MM_ROWS), .MmCols(MM_COLS), .MmWDepth(MM_WDEPTH), .MmKMax(MM_KMAX), .MmNMax(MM_NMAX),
    .FclkHz(FCLK_HZ), .SfuDps(SFU_DPS[5:0]), .StreamC(STREAM_C[0]), .WithRed(WITH_RED[0])
  ) u_top (
    .aclk(aclk), .aresetn(aresetn), .s_axi_awaddr(top_awaddr), .s_axi_awvalid(s_axi_awvalid),
    .s_axi_awready(s_axi_awready), .s_axi_wdata(s_axi_wdata), .s_axi_wstrb(s_axi_wstrb),
    .s_axi_wvalid(s_axi_wvalid), .s_axi_wready(s_axi_wready), .s_axi_bresp(s_axi_bresp),
    .s_axi_bvalid(s_axi_bvalid), .s_axi_bready(s_axi_bready), .s_axi_araddr(top_araddr),
    .s_axi_arvalid(s_axi_arvalid), .s_axi_arready(s_axi_arready), .s_axi_rdata(s_axi_rdata),
    .s_axi_rresp(s_axi_rresp), .s_axi_rvalid(s_axi_rvalid), .s_axi_rready(s_axi_rready),
    .m_axi_hp0_araddr(m_axi_hp0_araddr), .m_axi_hp0_arlen(m_axi_hp0_arlen),
    .m_axi_hp0_arsize(m_axi_hp0_arsize), .m_axi_hp0_arburst(m_axi_hp0_arburst),
    .m_axi_hp0_arvalid(m_axi_hp0_arvalid), .m_axi_hp0_arready(m_axi_hp0_arready),
    .m_axi_hp0_rdata(m_axi_hp0_rdata), .m_axi_hp0_rresp(m_axi_hp0_rresp), .m_axi_hp0_rlast(m_axi_hp0_rlast),
    .m_axi_hp0_rvalid(m_axi_hp0_rvalid), .m_axi_hp0_rready(m_axi_hp0_rready),
    .m_axi_hp0_awaddr(m_axi_hp0_awaddr), .m_axi_hp0_awlen(m_axi_hp0_awlen),
    .m_axi_hp0_awsize(m_axi_hp0_awsize), .m_axi_hp0_awburst(m_axi_hp0_awburst),
    .m_axi_hp0_awvalid(m_axi_hp0_awvalid), .m_axi_hp0_awready(m_axi_hp0_awready),
    .m_axi_hp0_wdata(m_axi_hp0_wdata), .m_axi_hp0_wstrb(m_axi_hp0_wstrb), .m_axi_hp0_wlast(m_axi_hp0_wlast),
    .m_axi_hp0_wvalid(m_axi_hp0_wvalid), .m_axi_hp0_wready(m_axi_hp0_wready),
    .m_axi_hp0_bresp(m_axi_hp0_bresp), .m_axi_hp0_bvalid(m_axi_hp0_bvalid),
    .m_axi_hp0_bready(m_axi_hp0_bready), .m_axi_hp1_araddr(m_axi_hp1_araddr),
    .m_axi_hp1_arlen(m_axi_hp1_arlen), .m_axi_hp1_arsize(m_axi_hp1_arsize),
    .m_axi_hp1_arburst(m_axi_hp1_arburst), .m_axi_hp1_arvalid(m_axi_hp1_arvalid),
    .m_axi_hp1_arready(m_axi_hp1_arready), .m_axi_hp1_rdata(m_axi_hp1_rdata),
    .m_axi_hp1_rresp(m_axi_hp1_rresp), .m_axi_hp1_rlast(m_axi_hp1_rlast), .m_axi_hp1_rvalid(m_axi_hp1_rvalid),
    .m_axi_hp1_rready(m_axi_hp1_rready), .m_axi_hp2_araddr(m_axi_hp2_araddr),
    .m_axi_hp2_arlen(m_axi_hp2_arlen), .m_axi_hp2_arsize(m_axi_hp2_arsize),
    .m_axi_hp2_arburst(m_axi_hp2_arburst), .m_axi_hp2_arvalid(m_axi_hp2_arvalid),
    .m_axi_hp2_arready(m_axi_hp2_arready), .m_axi_hp2_rdata(m_axi_hp2_rdata),
    .m_axi_hp2_rresp(m_axi_hp2_rresp), .m_axi_hp2_rlast(m_axi_hp2_rlast), .m_axi_hp2_rvalid(m_axi_hp2_rvalid),
    .m_axi_hp2_rready(m_axi_hp2_rready), .m_axi_hp3_araddr(m_axi_hp3_araddr),
    .m_axi_hp3_arlen(m_axi_hp3_arlen), .m_axi_hp3_arsize(m_axi_hp3_arsize),
    .m_axi_hp3_arburst(m_axi_hp3_arburst), .m_axi_hp3_arvalid(m_axi_hp3_arvalid),
    .m_axi_hp3_arready(m_axi_hp3_arready), .m_axi_hp3_rdata(m_axi_hp3_rdata),
    .m_axi_hp3_rresp(m_axi_hp3_rresp), .m_axi_hp3_rlast(m_axi_hp3_rlast), .m_axi_hp3_rvalid(m_axi_hp3_rvalid),
    .m_axi_hp3_rready(m_axi_hp3_rready), .m_axi_hp3_awaddr(m_axi_hp3_awaddr),
    .m_axi_hp3_awlen(m_axi_hp3_awlen), .m_axi_hp3_awsize(m_axi_hp3_awsize),
    .m_axi_hp3_awburst(m_axi_hp3_awburst), .m_axi_hp3_awvalid(m_axi_hp3_awvalid),
    .m_axi_hp3_awready(m_axi_hp3_awready), .m_axi_hp3_wdata(m_axi_hp3_wdata),
    .m_axi_hp3_wstrb(m_axi_hp3_wstrb), .m_axi_hp3_wlast(m_axi_hp3_wlast), .m_axi_hp3_wvalid(m_axi_hp3_wvalid),
    .m_axi_hp3_wready(m_axi_hp3_wready), .m_axi_hp3_bresp(m_axi_hp3_bresp),
    .m_axi_hp3_bvalid(m_axi_hp3_bvalid), .m_axi_hp3_bready(m_axi_hp3_bready), .irq_f2p(irq_f2p)
  );
endmodule
