// Thin Verilog wrapper of the SystemVerilog PL top (rtl/top/tinypynq_pl_top.sv): a block-design
// module reference cannot have a SystemVerilog top. The X_INTERFACE attributes let the block
// design see one AXI4-Lite slave, three AXI4-Stream slaves (A, B, C), one master (R), the
// clock with its associated busses and the active-low reset.
module tinypynq_pl_wrapper #(
  parameter MM_ROWS   = 4,
  parameter MM_COLS   = 4,
  parameter MM_WDEPTH = 16384,
  parameter MM_KMAX   = 2048,
  parameter MM_NMAX   = 1024,
  parameter FCLK_HZ   = 100000000,
  parameter SFU_DPS   = 63,         // SFU datapaths built (hw/pl_contract.json sfu_datapaths; 63 = all)
  parameter WITH_RED  = 1           // the reduce unit is built (board config reduce_unit; RED CFG0.BUILT)
) (
  (* X_INTERFACE_INFO = "xilinx.com:signal:clock:1.0 aclk CLK" *)
  (* X_INTERFACE_PARAMETER = "ASSOCIATED_BUSIF s_axi:s_axis_a:s_axis_b:s_axis_c:m_axis_r, ASSOCIATED_RESET aresetn" *)
  input  wire        aclk,
  (* X_INTERFACE_INFO = "xilinx.com:signal:reset:1.0 aresetn RST" *)
  (* X_INTERFACE_PARAMETER = "POLARITY ACTIVE_LOW" *)
  input  wire        aresetn,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi AWADDR" *)
  (* X_INTERFACE_PARAMETER = "PROTOCOL AXI4LITE, DATA_WIDTH 32, ADDR_WIDTH 18" *)
  input  wire [17:0] s_axi_awaddr,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi AWVALID" *) input  wire        s_axi_awvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi AWREADY" *) output wire        s_axi_awready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi WDATA" *)   input  wire [31:0] s_axi_wdata,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi WSTRB" *)   input  wire [3:0]  s_axi_wstrb,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi WVALID" *)  input  wire        s_axi_wvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi WREADY" *)  output wire        s_axi_wready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi BRESP" *)   output wire [1:0]  s_axi_bresp,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi BVALID" *)  output wire        s_axi_bvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi BREADY" *)  input  wire        s_axi_bready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi ARADDR" *)  input  wire [17:0] s_axi_araddr,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi ARVALID" *) input  wire        s_axi_arvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi ARREADY" *) output wire        s_axi_arready,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi RDATA" *)   output wire [31:0] s_axi_rdata,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi RRESP" *)   output wire [1:0]  s_axi_rresp,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi RVALID" *)  output wire        s_axi_rvalid,
  (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi RREADY" *)  input  wire        s_axi_rready,
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
  tinypynq_pl_top #(
    .MmRows(MM_ROWS), .MmCols(MM_COLS), .MmWDepth(MM_WDEPTH), .MmKMax(MM_KMAX), .MmNMax(MM_NMAX),
    .FclkHz(FCLK_HZ), .SfuDps(SFU_DPS[5:0]), .WithRed(WITH_RED[0])
  ) u_top (
    .aclk(aclk), .aresetn(aresetn),
    .s_axis_err(3'b000),   // pl_version 1: the AXI DMAs stream A, B, C; no view reader can fail
    .s_axi_awaddr(s_axi_awaddr), .s_axi_awvalid(s_axi_awvalid), .s_axi_awready(s_axi_awready),
    .s_axi_wdata(s_axi_wdata), .s_axi_wstrb(s_axi_wstrb), .s_axi_wvalid(s_axi_wvalid), .s_axi_wready(s_axi_wready),
    .s_axi_bresp(s_axi_bresp), .s_axi_bvalid(s_axi_bvalid), .s_axi_bready(s_axi_bready),
    .s_axi_araddr(s_axi_araddr), .s_axi_arvalid(s_axi_arvalid), .s_axi_arready(s_axi_arready),
    .s_axi_rdata(s_axi_rdata), .s_axi_rresp(s_axi_rresp), .s_axi_rvalid(s_axi_rvalid), .s_axi_rready(s_axi_rready),
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
