// SPDX-License-Identifier: MIT
// tinypynq — the PL top level of docs/hw-spec.md §2.4 with the ports a Vivado block design
// connects: one AXI4-Lite slave (256 KiB window: SYS 0x00000, VEC 0x10000, RED 0x20000,
// MMU 0x30000; §7), streams A, B, C in and R out (§3), and the unit interrupts (§2.5).
// Inside: the SYS registers (§7.1), the three unit register blocks with START validation
// (§7.2: BUSY first, then the unit's BAD_OP / BAD_SIZE), the stream router (§2.4), the reduce
// and matmul units and, when compiled with +define+TP_WITH_VEC, the vector unit. Without that
// define (while rtl/vector is not built) the VEC registers still exist but every VEC START is
// rejected with ERR_CODE = BAD_OP. The RTL twin of models/tlm/pl_top.cpp.
//
// s_axis_err (pl_version 2, tinypynq_pl_top_v2.sv: the view readers' vr_err of A, B, C; 0 in
// v1): a stream the running command reads failed. The unit's command ends as docs/pl-v2.md "Bad
// descriptors" says and models/tlm/pl_top.cpp stream_error() does: in the first cycle c >= t0+1
// with the error, ERR with ERR_CODE STREAM; the unit is held in reset from c+1 (nothing more is
// taken from its inputs) and the top drives one zero beat with TLAST on R, in the first cycle
// after c that R accepts (t_end); BUSY until t_end, DONE from t_end+1.
//
// Clock aclk (FCLK0), synchronous active-low reset aresetn. SYS.TIME counts cycles since the
// last cycle with aresetn = 0 (it reads 0 in the first cycle after reset).
module tinypynq_pl_top #(
  parameter int unsigned MmRows   = 4,      // matmul R (even)
  parameter int unsigned MmCols   = 4,      // matmul C (power of two)
  parameter int unsigned MmWDepth = 16384,  // words per weight bank
  parameter int unsigned MmKMax   = 2048,
  parameter int unsigned MmNMax   = 1024,
  parameter int unsigned FclkHz   = tp_contract_pkg::SYS_FCLK_HZ_RESET,
  // SFU datapaths of the vector unit (bit tp_contract_pkg::SFU_DP_*; VEC CFG0.SFU_DPS)
  parameter logic [tp_contract_pkg::SFU_DP_W-1:0] SfuDps = tp_contract_pkg::SFU_DP_ALL,
  // stream C exists (VEC CFG0.STREAM_C; v2 without the reader VR2: 0, and a vector opcode whose
  // C is a stream is rejected with BAD_OP)
  parameter bit StreamC = 1'b1,
  // the reduce unit is built (RED CFG0.BUILT); 0: a per-model build without it (board config
  // reduce_unit = 0): every RED START is rejected with BAD_OP
  parameter bit WithRed = 1'b1,
  // SYS.VERSION: its major version is the PL version (tinypynq_pl_top_v2 passes SYS_VERSION_V2)
  parameter logic [31:0] Version = tp_contract_pkg::SYS_VERSION_RESET
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
  // the sources of streams A, B, C failed (pl_version 2: vr_err of VR0..2; tie to 0 in v1)
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
  output logic        irq_mmu
);

  localparam int unsigned ColsLog2 = $clog2(MmCols);
  // The PL contract (tp_contract_pkg, generated from hw/pl_contract.json): limits, error codes,
  // IDs, CFG fields, the defined vector opcodes and the window of each unit inside this slave.
  localparam logic [31:0] MaxElems = tp_contract_pkg::MAX_STREAM_ELEMS;  // floor((2^26 - 1) / 4), §6.1
  localparam logic [3:0] ErrBadOp = tp_contract_pkg::ERR_BAD_OP, ErrBadSize = tp_contract_pkg::ERR_BAD_SIZE,
                         ErrBusy = tp_contract_pkg::ERR_BUSY, ErrStream = tp_contract_pkg::ERR_STREAM;
  localparam logic [31:0] VecId = tp_contract_pkg::VEC_ID_VALUE, RedId = tp_contract_pkg::RED_ID_VALUE,
                          MmuId = tp_contract_pkg::MMU_ID_VALUE;
  // VEC CFG0: LANES, SFUS and the SFU datapaths this build has (SFU_DPS, the drivers read it)
  // (the package's per-field *_VALUE constants are field values, not yet shifted into place)
  localparam logic [31:0] VecCfg0 = (tp_contract_pkg::VEC_CFG0_LANES_VALUE << tp_contract_pkg::VEC_CFG0_LANES_LSB) |
                                    (tp_contract_pkg::VEC_CFG0_SFUS_VALUE << tp_contract_pkg::VEC_CFG0_SFUS_LSB) |
                                    (32'(SfuDps) << tp_contract_pkg::VEC_CFG0_SFU_DPS_LSB) |
                                    (32'(StreamC) << tp_contract_pkg::VEC_CFG0_STREAM_C_LSB);
  // MMU CFG0: R, C, L_A = 4 (tp_fp_add), L_M = 3 (tp_fp_mul); CFG2: KMAX, NMAX
  localparam logic [31:0] MmuCfg0 = (MmRows << tp_contract_pkg::MMU_CFG0_ROWS_LSB) |
                                    (MmCols << tp_contract_pkg::MMU_CFG0_COLS_LSB) |
                                    (4 << tp_contract_pkg::MMU_CFG0_FADD_LAT_LSB) |
                                    (3 << tp_contract_pkg::MMU_CFG0_FMUL_LAT_LSB);
  localparam logic [31:0] MmuCfg2 = ((MmKMax & 32'hFFFF) << tp_contract_pkg::MMU_CFG2_KMAX_LSB) |
                                    (MmNMax << tp_contract_pkg::MMU_CFG2_NMAX_LSB);
  // vector opcodes (§6.1) this build runs: bit i set <=> opcode i is defined and, for an SFU
  // opcode, its datapath is built (an absent one is rejected with BAD_OP like an undefined one)
  localparam logic [63:0] VecOpMask = tp_contract_pkg::vec_opcode_available(SfuDps);
  // window index (address bits [17:16]) of SYS and of unit u = 0 vector, 1 reduce, 2 matmul
  localparam logic [1:0] SysWin = 2'(tp_contract_pkg::WIN_SYS_INDEX);
  localparam logic [5:0] UnitWin = {2'(tp_contract_pkg::WIN_MMU_INDEX), 2'(tp_contract_pkg::WIN_RED_INDEX),
                                    2'(tp_contract_pkg::WIN_VEC_INDEX)};

  // ------------------------------------------------------------------ AXI4-Lite slave
  logic        wr, rd;
  logic [17:0] wr_addr, rd_addr;
  logic [31:0] wr_data, rd_data;

  tp_axil_slave u_axil (
    .clk_i     (aclk),
    .rst_ni    (aresetn),
    .awaddr_i  (s_axi_awaddr),
    .awvalid_i (s_axi_awvalid),
    .awready_o (s_axi_awready),
    .wdata_i   (s_axi_wdata),
    .wstrb_i   (s_axi_wstrb),
    .wvalid_i  (s_axi_wvalid),
    .wready_o  (s_axi_wready),
    .bresp_o   (s_axi_bresp),
    .bvalid_o  (s_axi_bvalid),
    .bready_i  (s_axi_bready),
    .araddr_i  (s_axi_araddr),
    .arvalid_i (s_axi_arvalid),
    .arready_o (s_axi_arready),
    .rdata_o   (s_axi_rdata),
    .rresp_o   (s_axi_rresp),
    .rvalid_o  (s_axi_rvalid),
    .rready_i  (s_axi_rready),
    .wr_o      (wr),
    .wr_addr_o (wr_addr),
    .wr_data_o (wr_data),
    .rd_o      (rd),
    .rd_addr_o (rd_addr),
    .rd_data_i (rd_data)
  );

  // ------------------------------------------------------------------ unit register blocks
  // index u: 0 vector, 1 reduce, 2 matmul (window u + 1, ROUTE u + 1)
  logic [2:0]  u_wr, u_rd, u_start_req, u_accept, u_reject;
  logic [2:0]  u_w_tlast, u_irq;
  // u_busy, u_done, u_w_range and time_q are also the monitor outputs of the simulation
  // wrapper rtl/sim/tinypynq_pl_sim.sv (the co-simulation's lockstep checker reads them there).
  logic [2:0]  u_busy;
  logic [2:0]  u_done;
  logic [2:0]  u_w_range;
  // the units' own outputs (u_busy/u_done/u_w_range/u_w_tlast are these, or the stream-error end)
  logic [2:0]  unit_busy, unit_done, unit_w_range, unit_w_tlast, unit_rst_n;
  logic [2:0]  abort_now, abort_q;  // per unit: its command ends on a stream error (now, ending)
  logic [31:0] vec_rd_data, red_rd_data, mmu_rd_data;
  logic [31:0] vec_op, vec_size0, red_op, red_size0, red_size1, mmu_op, mmu_size0, mmu_size1,
               mmu_size2;
  logic [31:0] vec_size1_unused, vec_size2_unused, red_size2_unused;
  logic [11:0] u_code;   // 4 bits per unit
  logic [31:0]      vec_sa, vec_sb, vec_sc;

  for (genvar u = 0; u < 3; u++) begin : g_win
    assign u_wr[u] = wr && (wr_addr[17:16] == UnitWin[2 * u +: 2]);
    assign u_rd[u] = rd && (rd_addr[17:16] == UnitWin[2 * u +: 2]);
  end

  tp_unit_regs #(.Id(VecId), .Cfg0(VecCfg0), .HasScalars(1'b1)) u_vec_regs (
    .clk_i (aclk), .rst_ni (aresetn),
    .wr_i (u_wr[0]), .wr_off_i (wr_addr[15:0]), .wr_data_i (wr_data),
    .rd_i (u_rd[0]), .rd_off_i (rd_addr[15:0]), .rd_data_o (vec_rd_data),
    .start_req_o (u_start_req[0]), .accept_i (u_accept[0]), .reject_i (u_reject[0]),
    .reject_code_i (u_code[3:0]),
    .op_o (vec_op), .size0_o (vec_size0), .size1_o (vec_size1_unused),
    .size2_o (vec_size2_unused),
    .scalar_a_o (vec_sa), .scalar_b_o (vec_sb), .scalar_c_o (vec_sc),
    .busy_i (u_busy[0]), .done_i (u_done[0]), .w_range_i (u_w_range[0]),
    .w_tlast_i (u_w_tlast[0]), .irq_o (u_irq[0])
  );

  /* verilator lint_off PINCONNECTEMPTY */
  localparam logic [31:0] RedCfg0 = (tp_contract_pkg::RED_CFG0_LATENCY_VALUE << tp_contract_pkg::RED_CFG0_LATENCY_LSB) |
                                    (32'(WithRed) << tp_contract_pkg::RED_CFG0_BUILT_LSB);
  tp_unit_regs #(.Id(RedId), .Cfg0(RedCfg0)) u_red_regs (
    .clk_i (aclk), .rst_ni (aresetn),
    .wr_i (u_wr[1]), .wr_off_i (wr_addr[15:0]), .wr_data_i (wr_data),
    .rd_i (u_rd[1]), .rd_off_i (rd_addr[15:0]), .rd_data_o (red_rd_data),
    .start_req_o (u_start_req[1]), .accept_i (u_accept[1]), .reject_i (u_reject[1]),
    .reject_code_i (u_code[7:4]),
    .op_o (red_op), .size0_o (red_size0), .size1_o (red_size1), .size2_o (red_size2_unused),
    .scalar_a_o (), .scalar_b_o (), .scalar_c_o (),
    .busy_i (u_busy[1]), .done_i (u_done[1]), .w_range_i (u_w_range[1]),
    .w_tlast_i (u_w_tlast[1]), .irq_o (u_irq[1])
  );

  tp_unit_regs #(.Id(MmuId), .Cfg0(MmuCfg0), .Cfg1(32'(MmWDepth)), .Cfg2(MmuCfg2)) u_mmu_regs (
    .clk_i (aclk), .rst_ni (aresetn),
    .wr_i (u_wr[2]), .wr_off_i (wr_addr[15:0]), .wr_data_i (wr_data),
    .rd_i (u_rd[2]), .rd_off_i (rd_addr[15:0]), .rd_data_o (mmu_rd_data),
    .start_req_o (u_start_req[2]), .accept_i (u_accept[2]), .reject_i (u_reject[2]),
    .reject_code_i (u_code[11:8]),
    .op_o (mmu_op), .size0_o (mmu_size0), .size1_o (mmu_size1), .size2_o (mmu_size2),
    .scalar_a_o (), .scalar_b_o (), .scalar_c_o (),
    .busy_i (u_busy[2]), .done_i (u_done[2]), .w_range_i (u_w_range[2]),
    .w_tlast_i (u_w_tlast[2]), .irq_o (u_irq[2])
  );
  /* verilator lint_on PINCONNECTEMPTY */

  assign irq_vec = u_irq[0];
  assign irq_red = u_irq[1];
  assign irq_mmu = u_irq[2];

  // ------------------------------------------------------------------ START validation
  // Size products are registered every cycle from the live registers: a START write comes at
  // least two cycles after the last SIZE write (one write per two cycles, tp_axil_slave), so
  // the registered checks always describe the sizes the START sees.
  logic red_big_q, mm_mk_big_q, mm_mn_big_q, mm_wd_big_q;
  logic [47:0] red_prod;
  logic [35:0] mm_mk_prod, mm_mn_prod;
  logic [22:0] mm_wd_prod;
  logic [10:0] mm_ncols;   // ceil(N / C) for N <= 1024 (11 bits)

  assign red_prod   = red_size0[23:0] * red_size1[23:0];
  assign mm_mk_prod = mmu_size0[23:0] * mmu_size1[11:0];
  assign mm_mn_prod = mmu_size0[23:0] * mmu_size2[11:0];
  assign mm_ncols   = 11'((mmu_size2[11:0] + 12'(MmCols - 1)) >> ColsLog2);
  assign mm_wd_prod = mmu_size1[11:0] * mm_ncols;

  always_ff @(posedge aclk) begin
    if (!aresetn) begin
      red_big_q   <= 1'b0;
      mm_mk_big_q <= 1'b0;
      mm_mn_big_q <= 1'b0;
      mm_wd_big_q <= 1'b0;
    end else begin
      red_big_q   <= (red_prod > 48'(MaxElems));
      mm_mk_big_q <= (mm_mk_prod > 36'(MaxElems));
      mm_mn_big_q <= (mm_mn_prod > 36'(MaxElems));
      mm_wd_big_q <= (mm_wd_prod > 23'(MmWDepth));
    end
  end

  // matmul weight tile (§6.3 LOADW = 0 reuse): set by an accepted LOADW START
  logic        tile_q;
  logic [31:0] tile_k_q, tile_n_q;

  logic [3:0] chk_vec, chk_red, chk_mmu;  // ERR_CODE of a START now, 0 = accept
  always_comb begin
    // vector
    chk_vec = 4'd0;
`ifdef TP_WITH_VEC
    if (!VecOpMask[vec_op[tp_contract_pkg::VEC_OP_OPCODE_W-1:0]] || (!StreamC && uses_vec[2])) chk_vec = ErrBadOp;
    else if (vec_size0 == 32'd0 || vec_size0 > MaxElems) chk_vec = ErrBadSize;
`else
    chk_vec = ErrBadOp;
`endif
    // reduce: OP[0] selects SUM/MAX, other bits ignored (no BAD_OP)
    chk_red = 4'd0;
    if (!WithRed) chk_red = ErrBadOp;
    else if (red_size0 == 32'd0 || red_size1 == 32'd0 || red_size0 > MaxElems ||
        red_size1 > MaxElems || red_big_q) chk_red = ErrBadSize;
    // matmul: OP[0] = LOADW
    chk_mmu = 4'd0;
    if (mmu_size0 == 32'd0 || mmu_size1 == 32'd0 || mmu_size2 == 32'd0 ||
        mmu_size1 > 32'(MmKMax) || mmu_size2 > 32'(MmNMax) || mmu_size0 > MaxElems ||
        mm_mk_big_q || mm_mn_big_q || mm_wd_big_q ||
        (!mmu_op[tp_contract_pkg::MMU_OP_LOADW_LSB] && (!tile_q || mmu_size1 != tile_k_q ||
                                                        mmu_size2 != tile_n_q)))
      chk_mmu = ErrBadSize;
  end

  logic any_busy;
  assign any_busy = |u_busy;
  logic [11:0] chk_all;
  assign chk_all = {chk_mmu, chk_red, chk_vec};
  always_comb begin
    for (int u = 0; u < 3; u++) begin
      u_accept[u]        = u_start_req[u] && !any_busy && chk_all[4 * u +: 4] == 4'd0;
      u_reject[u]        = (u_start_req[u] && (any_busy || chk_all[4 * u +: 4] != 4'd0)) || abort_now[u];
      u_code[4 * u +: 4] = abort_now[u] ? ErrStream : any_busy ? ErrBusy : chk_all[4 * u +: 4];
    end
  end

  logic [1:0] route_q;
  always_ff @(posedge aclk) begin
    if (!aresetn) begin
      route_q  <= 2'd0;
      tile_q   <= 1'b0;
      tile_k_q <= 32'd0;
      tile_n_q <= 32'd0;
    end else begin
      for (int u = 0; u < 3; u++) begin
        if (u_accept[u]) route_q <= 2'(u + 1);
      end
      if (u_accept[2] && mmu_op[tp_contract_pkg::MMU_OP_LOADW_LSB]) begin
        tile_q   <= 1'b1;
        tile_k_q <= mmu_size1;
        tile_n_q <= mmu_size2;
      end
    end
  end

  // ------------------------------------------------------------------ stream errors
  // uses_q: the streams the accepted command reads (the TLM units' input_beats != 0): vector A,
  // B, C up to the opcode's arity unless the operand is a scalar; reduce A; matmul A, and B
  // with LOADW.
  logic [9:0] vec_info;
  logic [1:0] vec_arity;
  logic [2:0] uses_vec, uses_q;
  logic       abort_end;
  assign vec_info  = tp_contract_pkg::vec_op_info(vec_op[tp_contract_pkg::VEC_OP_OPCODE_W-1:0]);
  assign vec_arity = vec_info[8:7];
  assign uses_vec  = {vec_arity == 2'd3 && !vec_op[tp_contract_pkg::VEC_OP_C_SCALAR_LSB],
                      vec_arity >= 2'd2 && !vec_op[tp_contract_pkg::VEC_OP_B_SCALAR_LSB],
                      !vec_op[tp_contract_pkg::VEC_OP_A_SCALAR_LSB]};
  // the routed unit is running and a stream it reads failed: the command ends (one cycle)
  for (genvar u = 0; u < 3; u++) begin : g_abort
    assign abort_now[u]  = unit_busy[u] && route_q == 2'(u + 1) && abort_q == 3'b000 &&
                           (uses_q & s_axis_err) != 3'b000;
    assign unit_rst_n[u] = aresetn && !abort_q[u];
    assign u_busy[u]     = unit_busy[u] || abort_q[u];
    assign u_done[u]     = abort_q[u] ? abort_end : unit_done[u];
    assign u_w_range[u]  = unit_w_range[u] && !abort_q[u];
    assign u_w_tlast[u]  = unit_w_tlast[u] && !abort_q[u];
  end
  // the TLAST beat of the ended command is handshaken on R (t_end)
  assign abort_end = abort_q != 3'b000 && m_axis_r_tready;

  always_ff @(posedge aclk) begin
    if (!aresetn) begin
      uses_q  <= 3'b000;
      abort_q <= 3'b000;
    end else begin
      if (u_accept[0]) uses_q <= uses_vec;
      if (u_accept[1]) uses_q <= 3'b001;
      if (u_accept[2]) uses_q <= {1'b0, mmu_op[tp_contract_pkg::MMU_OP_LOADW_LSB], 1'b1};
      if (abort_now != 3'b000) abort_q <= abort_now;
      else if (abort_end) abort_q <= 3'b000;
    end
  end

  // ------------------------------------------------------------------ SYS registers
  logic [63:0] time_q;
  logic [31:0] time_hi_q, sys_rd_data;
  always_ff @(posedge aclk) begin
    if (!aresetn) begin
      time_q    <= 64'd0;
      time_hi_q <= 32'd0;
    end else begin
      time_q <= time_q + 64'd1;
      if (rd && rd_addr[17:16] == SysWin && rd_addr[15:0] == tp_contract_pkg::SYS_TIME_LO)
        time_hi_q <= time_q[63:32];
    end
  end

  always_comb begin
    unique case (rd_addr[15:0])
      tp_contract_pkg::SYS_ID:      sys_rd_data = tp_contract_pkg::SYS_ID_RESET;       // "TPYN"
      tp_contract_pkg::SYS_VERSION: sys_rd_data = Version;  // this spec (1.0) or v2's (2.0)
      tp_contract_pkg::SYS_ROUTE:   sys_rd_data = {30'd0, route_q};                    // unit id + 1
      tp_contract_pkg::SYS_BUSY:    sys_rd_data = {29'd0, u_busy};                     // bit = unit id
      tp_contract_pkg::SYS_FCLK_HZ: sys_rd_data = 32'(FclkHz);
      tp_contract_pkg::SYS_TIME_LO: sys_rd_data = time_q[31:0];
      tp_contract_pkg::SYS_TIME_HI: sys_rd_data = time_hi_q;
      default: sys_rd_data = 32'd0;
    endcase
  end

  always_comb begin
    unique case (rd_addr[17:16])
      SysWin:            rd_data = sys_rd_data;
      UnitWin[1:0]:      rd_data = vec_rd_data;
      UnitWin[3:2]:      rd_data = red_rd_data;
      default:           rd_data = mmu_rd_data;
    endcase
  end

  // ------------------------------------------------------------------ stream router
  logic [8:0]   ui_tvalid, ui_tready;   // unit u, stream s: bit 3u+s
  logic [191:0] ur_tdata, unit_r_tdata;               // unit u: [64u +: 64]
  logic [23:0]  ur_tkeep, unit_r_tkeep;
  logic [2:0]   ur_tvalid, ur_tlast, ur_tready, unit_r_tvalid, unit_r_tlast, unit_r_tready;
  logic [2:0]   in_tready;
  logic [8:0]   unit_in_tready;

  // A unit whose command ends on a stream error: one zero beat with TLAST (all bytes kept) in
  // place of its R, nothing taken from its inputs.
  for (genvar u = 0; u < 3; u++) begin : g_abort_r
    assign ur_tdata[64 * u +: 64]  = abort_q[u] ? 64'd0 : unit_r_tdata[64 * u +: 64];
    assign ur_tkeep[8 * u +: 8]    = abort_q[u] ? 8'hFF : unit_r_tkeep[8 * u +: 8];
    assign ur_tvalid[u]            = abort_q[u] || unit_r_tvalid[u];
    assign ur_tlast[u]             = abort_q[u] || unit_r_tlast[u];
    assign unit_r_tready[u]        = ur_tready[u] && !abort_q[u];
    assign ui_tready[3 * u +: 3]   = abort_q[u] ? 3'b000 : unit_in_tready[3 * u +: 3];
  end

  tp_stream_router u_router (
    .route_i       (route_q),
    .in_tvalid_i   ({s_axis_c_tvalid, s_axis_b_tvalid, s_axis_a_tvalid}),
    .in_tready_o   (in_tready),
    .r_tdata_o     (m_axis_r_tdata),
    .r_tkeep_o     (m_axis_r_tkeep),
    .r_tvalid_o    (m_axis_r_tvalid),
    .r_tlast_o     (m_axis_r_tlast),
    .r_tready_i    (m_axis_r_tready),
    .u_in_tvalid_o (ui_tvalid),
    .u_in_tready_i (ui_tready),
    .u_r_tdata_i   (ur_tdata),
    .u_r_tkeep_i   (ur_tkeep),
    .u_r_tvalid_i  (ur_tvalid),
    .u_r_tlast_i   (ur_tlast),
    .u_r_tready_o  (ur_tready)
  );
  assign s_axis_a_tready = in_tready[0];
  assign s_axis_b_tready = in_tready[1];
  assign s_axis_c_tready = in_tready[2];

  // ------------------------------------------------------------------ units
`ifdef TP_WITH_VEC
  tp_vec_unit #(.SfuDps (SfuDps)) u_vec (
    .clk_i              (aclk),
    .rst_ni             (unit_rst_n[0]),
    .start_i            (u_accept[0]),
    .op_i               (vec_op),
    .size_i             (vec_size0),
    .scalar_a_i         (vec_sa),
    .scalar_b_i         (vec_sb),
    .scalar_c_i         (vec_sc),
    .busy_o             (unit_busy[0]),
    .done_o             (unit_done[0]),
    .w_range_o          (unit_w_range[0]),
    .w_tlast_o          (unit_w_tlast[0]),
    .s_axis_a_tdata_i   (s_axis_a_tdata),
    .s_axis_a_tvalid_i  (ui_tvalid[0]),
    .s_axis_a_tlast_i   (s_axis_a_tlast),
    .s_axis_a_tready_o  (unit_in_tready[0]),
    .s_axis_b_tdata_i   (s_axis_b_tdata),
    .s_axis_b_tvalid_i  (ui_tvalid[1]),
    .s_axis_b_tlast_i   (s_axis_b_tlast),
    .s_axis_b_tready_o  (unit_in_tready[1]),
    .s_axis_c_tdata_i   (s_axis_c_tdata),
    .s_axis_c_tvalid_i  (ui_tvalid[2]),
    .s_axis_c_tlast_i   (s_axis_c_tlast),
    .s_axis_c_tready_o  (unit_in_tready[2]),
    .m_axis_r_tdata_o   (unit_r_tdata[63:0]),
    .m_axis_r_tkeep_o   (unit_r_tkeep[7:0]),
    .m_axis_r_tvalid_o  (unit_r_tvalid[0]),
    .m_axis_r_tlast_o   (unit_r_tlast[0]),
    .m_axis_r_tready_i  (unit_r_tready[0])
  );
`else
  assign unit_busy[0]    = 1'b0;
  assign unit_done[0]    = 1'b0;
  assign unit_w_range[0] = 1'b0;
  assign unit_w_tlast[0] = 1'b0;
  assign unit_in_tready[2:0] = 3'b000;
  assign unit_r_tdata[63:0]  = 64'd0;
  assign unit_r_tkeep[7:0]   = 8'd0;
  assign unit_r_tvalid[0]    = 1'b0;
  assign unit_r_tlast[0]     = 1'b0;
`endif

  if (WithRed) begin : g_red
  tp_red_unit u_red (
    .clk_i             (aclk),
    .rst_ni            (unit_rst_n[1]),
    .start_i           (u_accept[1]),
    .op_i              (red_op),
    .size0_i           (red_size0),
    .size1_i           (red_size1),
    .busy_o            (unit_busy[1]),
    .done_o            (unit_done[1]),
    .w_range_o         (unit_w_range[1]),
    .w_tlast_o         (unit_w_tlast[1]),
    .s_axis_a_tdata_i  (s_axis_a_tdata),
    .s_axis_a_tvalid_i (ui_tvalid[3]),
    .s_axis_a_tlast_i  (s_axis_a_tlast),
    .s_axis_a_tready_o (unit_in_tready[3]),
    .m_axis_r_tdata_o  (unit_r_tdata[127:64]),
    .m_axis_r_tkeep_o  (unit_r_tkeep[15:8]),
    .m_axis_r_tvalid_o (unit_r_tvalid[1]),
    .m_axis_r_tlast_o  (unit_r_tlast[1]),
    .m_axis_r_tready_i (unit_r_tready[1])
  );
  end else begin : g_no_red   // never started (BAD_OP): idle, no stream taken or produced
    assign {unit_busy[1], unit_done[1], unit_w_range[1], unit_w_tlast[1], unit_in_tready[3]} = 5'd0;
    assign unit_r_tdata[127:64] = 64'd0;
    assign unit_r_tkeep[15:8]   = 8'd0;
    assign {unit_r_tvalid[1], unit_r_tlast[1]} = 2'b00;
    logic unused_red;
    assign unused_red = ^{unit_rst_n[1], u_accept[1], red_op, ui_tvalid[3], unit_r_tready[1]};
  end
  assign unit_in_tready[5:4] = 2'b00;

  tp_mmu_unit #(
    .Rows (MmRows), .Cols (MmCols), .WDepth (MmWDepth), .KMax (MmKMax), .NMax (MmNMax)
  ) u_mmu (
    .clk_i             (aclk),
    .rst_ni            (unit_rst_n[2]),
    .start_i           (u_accept[2]),
    .op_i              (mmu_op),
    .size0_i           (mmu_size0),
    .size1_i           (mmu_size1),
    .size2_i           (mmu_size2),
    .busy_o            (unit_busy[2]),
    .done_o            (unit_done[2]),
    .w_range_o         (unit_w_range[2]),
    .w_tlast_o         (unit_w_tlast[2]),
    .s_axis_a_tdata_i  (s_axis_a_tdata),
    .s_axis_a_tvalid_i (ui_tvalid[6]),
    .s_axis_a_tlast_i  (s_axis_a_tlast),
    .s_axis_a_tready_o (unit_in_tready[6]),
    .s_axis_b_tdata_i  (s_axis_b_tdata),
    .s_axis_b_tvalid_i (ui_tvalid[7]),
    .s_axis_b_tlast_i  (s_axis_b_tlast),
    .s_axis_b_tready_o (unit_in_tready[7]),
    .m_axis_r_tdata_o  (unit_r_tdata[191:128]),
    .m_axis_r_tkeep_o  (unit_r_tkeep[23:16]),
    .m_axis_r_tvalid_o (unit_r_tvalid[2]),
    .m_axis_r_tlast_o  (unit_r_tlast[2]),
    .m_axis_r_tready_i (unit_r_tready[2])
  );
  assign unit_in_tready[8] = 1'b0;

  // inputs the PL does not use: TKEEP of the input streams (§3), sizes a unit does not have
  logic unused;
  assign unused = ^{s_axis_a_tkeep, s_axis_b_tkeep, s_axis_c_tkeep, vec_size1_unused,
                    vec_size2_unused, red_size2_unused, ui_tvalid[5:4], ui_tvalid[8],
`ifndef TP_WITH_VEC
                    vec_sa, vec_sb, vec_sc, vec_size0, ui_tvalid[2:0],
                    s_axis_c_tdata, s_axis_c_tlast, VecOpMask, unit_r_tready[0],
`endif
                    vec_info[9], vec_info[6:0], wr_addr[1:0]};

endmodule
