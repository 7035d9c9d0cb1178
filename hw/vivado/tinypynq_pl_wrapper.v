// Thin Verilog wrapper of the SystemVerilog PL top (rtl/top/tinypynq_pl_top.sv): a block-design
// module reference cannot have a SystemVerilog top. The X_INTERFACE attributes let the block
// design see three AXI4-Lite slaves (GP0: SYS, VEC + RED, MMU), three AXI4-Stream slaves (A, B,
// C), one master (R), the clock with its associated busses and the active-low reset.
//
// GP0 addressing: the interconnect forwards a GP0 address unchanged and a slave keeps the bits
// below its segment's range, so a segment must be a power of two with its base a multiple of it
// (Xilinx AR 66717) and the slave sees address - base. The PL top's four 64 KiB windows (SYS at
// 0x4003_0000, VEC, RED, MMU) start at no such boundary of 256K, so the script maps three
// segments, SYS 64K, VEC + RED 128K (at 0x4004_0000), MMU 64K, onto three slaves; *_TOP_OFF
// (each segment's base minus PL_TOP_BASE) turns their offsets into the top's, and two
// tp_axil_arbiter merge them (zero latency for a lone access: the top's timing, hw-spec §7).
module tinypynq_pl_wrapper #(
  parameter MM_ROWS   = 4,
  parameter MM_COLS   = 4,
  parameter MM_WDEPTH = 16384,
  parameter MM_KMAX   = 2048,
  parameter MM_NMAX   = 1024,
  parameter FCLK_HZ   = 100000000,
  parameter SFU_DPS   = 63,         // SFU datapaths built (hw/pl_contract.json sfu_datapaths; 63 = all)
  parameter WITH_RED  = 1,          // the reduce unit is built (board config reduce_unit; RED CFG0.BUILT)
  parameter SYS_TOP_OFF    = 0,     // each GP0 segment's base minus PL_TOP_BASE (0x4003_0000)
  parameter VECRED_TOP_OFF = 65536,
  parameter MMU_TOP_OFF    = 196608
) (
  (* X_INTERFACE_INFO = "xilinx.com:signal:clock:1.0 aclk CLK" *)
  (* X_INTERFACE_PARAMETER = "ASSOCIATED_BUSIF s_axi_sys:s_axi_vecred:s_axi_mmu:s_axis_a:s_axis_b:s_axis_c:m_axis_r, ASSOCIATED_RESET aresetn" *)
  input  wire        aclk,
  (* X_INTERFACE_INFO = "xilinx.com:signal:reset:1.0 aresetn RST" *)
  (* X_INTERFACE_PARAMETER = "POLARITY ACTIVE_LOW" *)
  input  wire        aresetn,
  (* X_INTERFACE_PARAMETER = "PROTOCOL AXI4LITE, DATA_WIDTH 32, ADDR_WIDTH 16" *)
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_sys AWADDR" *) input  wire [15:0]  s_axi_sys_awaddr,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_sys AWVALID" *) input  wire         s_axi_sys_awvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_sys AWREADY" *) output wire         s_axi_sys_awready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_sys WDATA" *) input  wire [31:0]  s_axi_sys_wdata,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_sys WSTRB" *) input  wire [3:0]   s_axi_sys_wstrb,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_sys WVALID" *) input  wire         s_axi_sys_wvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_sys WREADY" *) output wire         s_axi_sys_wready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_sys BRESP" *) output wire [1:0]   s_axi_sys_bresp,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_sys BVALID" *) output wire         s_axi_sys_bvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_sys BREADY" *) input  wire         s_axi_sys_bready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_sys ARADDR" *) input  wire [15:0]  s_axi_sys_araddr,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_sys ARVALID" *) input  wire         s_axi_sys_arvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_sys ARREADY" *) output wire         s_axi_sys_arready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_sys RDATA" *) output wire [31:0]  s_axi_sys_rdata,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_sys RRESP" *) output wire [1:0]   s_axi_sys_rresp,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_sys RVALID" *) output wire         s_axi_sys_rvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_sys RREADY" *) input  wire         s_axi_sys_rready,
  (* X_INTERFACE_PARAMETER = "PROTOCOL AXI4LITE, DATA_WIDTH 32, ADDR_WIDTH 17" *)
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_vecred AWADDR" *) input  wire [16:0]  s_axi_vecred_awaddr,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_vecred AWVALID" *) input  wire         s_axi_vecred_awvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_vecred AWREADY" *) output wire         s_axi_vecred_awready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_vecred WDATA" *) input  wire [31:0]  s_axi_vecred_wdata,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_vecred WSTRB" *) input  wire [3:0]   s_axi_vecred_wstrb,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_vecred WVALID" *) input  wire         s_axi_vecred_wvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_vecred WREADY" *) output wire         s_axi_vecred_wready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_vecred BRESP" *) output wire [1:0]   s_axi_vecred_bresp,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_vecred BVALID" *) output wire         s_axi_vecred_bvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_vecred BREADY" *) input  wire         s_axi_vecred_bready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_vecred ARADDR" *) input  wire [16:0]  s_axi_vecred_araddr,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_vecred ARVALID" *) input  wire         s_axi_vecred_arvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_vecred ARREADY" *) output wire         s_axi_vecred_arready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_vecred RDATA" *) output wire [31:0]  s_axi_vecred_rdata,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_vecred RRESP" *) output wire [1:0]   s_axi_vecred_rresp,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_vecred RVALID" *) output wire         s_axi_vecred_rvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_vecred RREADY" *) input  wire         s_axi_vecred_rready,
  (* X_INTERFACE_PARAMETER = "PROTOCOL AXI4LITE, DATA_WIDTH 32, ADDR_WIDTH 16" *)
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_mmu AWADDR" *) input  wire [15:0]  s_axi_mmu_awaddr,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_mmu AWVALID" *) input  wire         s_axi_mmu_awvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_mmu AWREADY" *) output wire         s_axi_mmu_awready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_mmu WDATA" *) input  wire [31:0]  s_axi_mmu_wdata,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_mmu WSTRB" *) input  wire [3:0]   s_axi_mmu_wstrb,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_mmu WVALID" *) input  wire         s_axi_mmu_wvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_mmu WREADY" *) output wire         s_axi_mmu_wready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_mmu BRESP" *) output wire [1:0]   s_axi_mmu_bresp,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_mmu BVALID" *) output wire         s_axi_mmu_bvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_mmu BREADY" *) input  wire         s_axi_mmu_bready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_mmu ARADDR" *) input  wire [15:0]  s_axi_mmu_araddr,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_mmu ARVALID" *) input  wire         s_axi_mmu_arvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_mmu ARREADY" *) output wire         s_axi_mmu_arready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_mmu RDATA" *) output wire [31:0]  s_axi_mmu_rdata,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_mmu RRESP" *) output wire [1:0]   s_axi_mmu_rresp,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_mmu RVALID" *) output wire         s_axi_mmu_rvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi_mmu RREADY" *) input  wire         s_axi_mmu_rready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:axis:1.0 s_axis_a TDATA" *)  input  wire [63:0] s_axis_a_tdata,
  (* X_INTERFACE_INFO = "xilinx.com:interface:axis:1.0 s_axis_a TKEEP" *)  input  wire [7:0]  s_axis_a_tkeep,
  (* X_INTERFACE_INFO = "xilinx.com:interface:axis:1.0 s_axis_a TVALID" *) input  wire        s_axis_a_tvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:axis:1.0 s_axis_a TREADY" *) output wire        s_axis_a_tready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:axis:1.0 s_axis_a TLAST" *)  input  wire        s_axis_a_tlast,
  (* X_INTERFACE_INFO = "xilinx.com:interface:axis:1.0 s_axis_b TDATA" *)  input  wire [63:0] s_axis_b_tdata,
  (* X_INTERFACE_INFO = "xilinx.com:interface:axis:1.0 s_axis_b TKEEP" *)  input  wire [7:0]  s_axis_b_tkeep,
  (* X_INTERFACE_INFO = "xilinx.com:interface:axis:1.0 s_axis_b TVALID" *) input  wire        s_axis_b_tvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:axis:1.0 s_axis_b TREADY" *) output wire        s_axis_b_tready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:axis:1.0 s_axis_b TLAST" *)  input  wire        s_axis_b_tlast,
  (* X_INTERFACE_INFO = "xilinx.com:interface:axis:1.0 s_axis_c TDATA" *)  input  wire [63:0] s_axis_c_tdata,
  (* X_INTERFACE_INFO = "xilinx.com:interface:axis:1.0 s_axis_c TKEEP" *)  input  wire [7:0]  s_axis_c_tkeep,
  (* X_INTERFACE_INFO = "xilinx.com:interface:axis:1.0 s_axis_c TVALID" *) input  wire        s_axis_c_tvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:axis:1.0 s_axis_c TREADY" *) output wire        s_axis_c_tready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:axis:1.0 s_axis_c TLAST" *)  input  wire        s_axis_c_tlast,
  (* X_INTERFACE_INFO = "xilinx.com:interface:axis:1.0 m_axis_r TDATA" *)  output wire [63:0] m_axis_r_tdata,
  (* X_INTERFACE_INFO = "xilinx.com:interface:axis:1.0 m_axis_r TKEEP" *)  output wire [7:0]  m_axis_r_tkeep,
  (* X_INTERFACE_INFO = "xilinx.com:interface:axis:1.0 m_axis_r TVALID" *) output wire        m_axis_r_tvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:axis:1.0 m_axis_r TREADY" *) input  wire        m_axis_r_tready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:axis:1.0 m_axis_r TLAST" *)  output wire        m_axis_r_tlast,
  (* X_INTERFACE_INFO = "xilinx.com:signal:interrupt:1.0 irq_vec INTERRUPT" *)
  (* X_INTERFACE_PARAMETER = "SENSITIVITY LEVEL_HIGH" *)
  output wire        irq_vec,
  (* X_INTERFACE_INFO = "xilinx.com:signal:interrupt:1.0 irq_red INTERRUPT" *)
  (* X_INTERFACE_PARAMETER = "SENSITIVITY LEVEL_HIGH" *)
  output wire        irq_red,
  (* X_INTERFACE_INFO = "xilinx.com:signal:interrupt:1.0 irq_mmu INTERRUPT" *)
  (* X_INTERFACE_PARAMETER = "SENSITIVITY LEVEL_HIGH" *)
  output wire        irq_mmu
);
  // GP0's three slaves as one AXI4-Lite port of the top (offsets from PL_TOP_BASE)
  wire [17:0] j_awaddr, j_araddr, t_awaddr, t_araddr;
  wire [31:0] j_wdata, j_rdata, t_wdata;
  wire [3:0]  j_wstrb, t_wstrb;
  wire [1:0]  j_bresp, j_rresp;
  wire j_awvalid, j_awready, j_wvalid, j_wready, j_bvalid, j_bready, j_arvalid, j_arready, j_rvalid, j_rready;
  wire t_awvalid, t_awready, t_wvalid, t_wready, t_bvalid, t_bready, t_arvalid, t_arready, t_rvalid, t_rready;
  wire [31:0] t_rdata;
  wire [1:0]  t_bresp, t_rresp;
  tp_axil_arbiter #(.AddrW(18)) u_join_sys_vecred (
    .clk_i(aclk), .rst_ni(aresetn),
    .s0_awaddr_i({2'b00, s_axi_sys_awaddr} + SYS_TOP_OFF[17:0]), .s0_awvalid_i(s_axi_sys_awvalid),
    .s0_awready_o(s_axi_sys_awready), .s0_wdata_i(s_axi_sys_wdata), .s0_wstrb_i(s_axi_sys_wstrb),
    .s0_wvalid_i(s_axi_sys_wvalid), .s0_wready_o(s_axi_sys_wready), .s0_bresp_o(s_axi_sys_bresp),
    .s0_bvalid_o(s_axi_sys_bvalid), .s0_bready_i(s_axi_sys_bready),
    .s0_araddr_i({2'b00, s_axi_sys_araddr} + SYS_TOP_OFF[17:0]), .s0_arvalid_i(s_axi_sys_arvalid),
    .s0_arready_o(s_axi_sys_arready), .s0_rdata_o(s_axi_sys_rdata), .s0_rresp_o(s_axi_sys_rresp),
    .s0_rvalid_o(s_axi_sys_rvalid), .s0_rready_i(s_axi_sys_rready),
    .s1_awaddr_i({1'b0, s_axi_vecred_awaddr} + VECRED_TOP_OFF[17:0]), .s1_awvalid_i(s_axi_vecred_awvalid),
    .s1_awready_o(s_axi_vecred_awready), .s1_wdata_i(s_axi_vecred_wdata), .s1_wstrb_i(s_axi_vecred_wstrb),
    .s1_wvalid_i(s_axi_vecred_wvalid), .s1_wready_o(s_axi_vecred_wready), .s1_bresp_o(s_axi_vecred_bresp),
    .s1_bvalid_o(s_axi_vecred_bvalid), .s1_bready_i(s_axi_vecred_bready),
    .s1_araddr_i({1'b0, s_axi_vecred_araddr} + VECRED_TOP_OFF[17:0]), .s1_arvalid_i(s_axi_vecred_arvalid),
    .s1_arready_o(s_axi_vecred_arready), .s1_rdata_o(s_axi_vecred_rdata), .s1_rresp_o(s_axi_vecred_rresp),
    .s1_rvalid_o(s_axi_vecred_rvalid), .s1_rready_i(s_axi_vecred_rready),
    .m_awaddr_o(j_awaddr), .m_awvalid_o(j_awvalid), .m_awready_i(j_awready), .m_wdata_o(j_wdata),
    .m_wstrb_o(j_wstrb), .m_wvalid_o(j_wvalid), .m_wready_i(j_wready), .m_bresp_i(j_bresp),
    .m_bvalid_i(j_bvalid), .m_bready_o(j_bready), .m_araddr_o(j_araddr), .m_arvalid_o(j_arvalid),
    .m_arready_i(j_arready), .m_rdata_i(j_rdata), .m_rresp_i(j_rresp), .m_rvalid_i(j_rvalid), .m_rready_o(j_rready)
  );
  tp_axil_arbiter #(.AddrW(18)) u_join_mmu (
    .clk_i(aclk), .rst_ni(aresetn),
    .s0_awaddr_i(j_awaddr), .s0_awvalid_i(j_awvalid), .s0_awready_o(j_awready), .s0_wdata_i(j_wdata),
    .s0_wstrb_i(j_wstrb), .s0_wvalid_i(j_wvalid), .s0_wready_o(j_wready), .s0_bresp_o(j_bresp),
    .s0_bvalid_o(j_bvalid), .s0_bready_i(j_bready), .s0_araddr_i(j_araddr), .s0_arvalid_i(j_arvalid),
    .s0_arready_o(j_arready), .s0_rdata_o(j_rdata), .s0_rresp_o(j_rresp), .s0_rvalid_o(j_rvalid), .s0_rready_i(j_rready),
    .s1_awaddr_i({2'b00, s_axi_mmu_awaddr} + MMU_TOP_OFF[17:0]), .s1_awvalid_i(s_axi_mmu_awvalid),
    .s1_awready_o(s_axi_mmu_awready), .s1_wdata_i(s_axi_mmu_wdata), .s1_wstrb_i(s_axi_mmu_wstrb),
    .s1_wvalid_i(s_axi_mmu_wvalid), .s1_wready_o(s_axi_mmu_wready), .s1_bresp_o(s_axi_mmu_bresp),
    .s1_bvalid_o(s_axi_mmu_bvalid), .s1_bready_i(s_axi_mmu_bready),
    .s1_araddr_i({2'b00, s_axi_mmu_araddr} + MMU_TOP_OFF[17:0]), .s1_arvalid_i(s_axi_mmu_arvalid),
    .s1_arready_o(s_axi_mmu_arready), .s1_rdata_o(s_axi_mmu_rdata), .s1_rresp_o(s_axi_mmu_rresp),
    .s1_rvalid_o(s_axi_mmu_rvalid), .s1_rready_i(s_axi_mmu_rready),
    .m_awaddr_o(t_awaddr), .m_awvalid_o(t_awvalid), .m_awready_i(t_awready), .m_wdata_o(t_wdata),
    .m_wstrb_o(t_wstrb), .m_wvalid_o(t_wvalid), .m_wready_i(t_wready), .m_bresp_i(t_bresp),
    .m_bvalid_i(t_bvalid), .m_bready_o(t_bready), .m_araddr_o(t_araddr), .m_arvalid_o(t_arvalid),
    .m_arready_i(t_arready), .m_rdata_i(t_rdata), .m_rresp_i(t_rresp), .m_rvalid_i(t_rvalid), .m_rready_o(t_rready)
  );
  tinypynq_pl_top #(
    .MmRows(MM_ROWS), .MmCols(MM_COLS), .MmWDepth(MM_WDEPTH), .MmKMax(MM_KMAX), .MmNMax(MM_NMAX),
    .FclkHz(FCLK_HZ), .SfuDps(SFU_DPS[5:0]), .WithRed(WITH_RED[0])
  ) u_top (
    .aclk(aclk), .aresetn(aresetn),
    .s_axis_err(3'b000),   // pl_version 1: the AXI DMAs stream A, B, C; no view reader can fail
    .s_axi_awaddr(t_awaddr), .s_axi_awvalid(t_awvalid), .s_axi_awready(t_awready),
    .s_axi_wdata(t_wdata), .s_axi_wstrb(t_wstrb), .s_axi_wvalid(t_wvalid), .s_axi_wready(t_wready),
    .s_axi_bresp(t_bresp), .s_axi_bvalid(t_bvalid), .s_axi_bready(t_bready),
    .s_axi_araddr(t_araddr), .s_axi_arvalid(t_arvalid), .s_axi_arready(t_arready),
    .s_axi_rdata(t_rdata), .s_axi_rresp(t_rresp), .s_axi_rvalid(t_rvalid), .s_axi_rready(t_rready),
    .s_axis_a_tdata(s_axis_a_tdata), .s_axis_a_tkeep(s_axis_a_tkeep), .s_axis_a_tvalid(s_axis_a_tvalid),
    .s_axis_a_tready(s_axis_a_tready), .s_axis_a_tlast(s_axis_a_tlast),
    .s_axis_b_tdata(s_axis_b_tdata), .s_axis_b_tkeep(s_axis_b_tkeep), .s_axis_b_tvalid(s_axis_b_tvalid),
    .s_axis_b_tready(s_axis_b_tready), .s_axis_b_tlast(s_axis_b_tlast),
    .s_axis_c_tdata(s_axis_c_tdata), .s_axis_c_tkeep(s_axis_c_tkeep), .s_axis_c_tvalid(s_axis_c_tvalid),
    .s_axis_c_tready(s_axis_c_tready), .s_axis_c_tlast(s_axis_c_tlast),
    .m_axis_r_tdata(m_axis_r_tdata), .m_axis_r_tkeep(m_axis_r_tkeep), .m_axis_r_tvalid(m_axis_r_tvalid),
    .m_axis_r_tready(m_axis_r_tready), .m_axis_r_tlast(m_axis_r_tlast),
    .irq_vec(irq_vec), .irq_red(irq_red), .irq_mmu(irq_mmu)
  );
endmodule
