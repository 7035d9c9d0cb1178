// SPDX-License-Identifier: MIT
// tinypynq — the v2 view writer VW (docs/pl-v2.md "v2 step 3"): AXI4-Lite register block,
// START validation (pl::check_write's codes and order, ERR_INFO), an AXI-Stream sink of stream R
// (64-bit beats, element 2j in lane 0, TLAST), a 64-line write buffer with FIFO (ring)
// allocation and a 32-bit word mask per line, and an AXI write master on a 64-bit HP port: one
// aligned INCR burst per flushed line from its first to its last written beat, WSTRB = the
// words written. Cycle-exact with pl::plan_write (models/fp/view_writer):
//
//   t0              the AXI-Lite write of CTRL.START takes effect (its W handshake cycle)
//   t0+1..t0+R'     validation, one dimension per cycle (R' = min(RANK, 6))
//   t0+R'+1         the verdict; ERR (a bad descriptor) or TREADY-able from t_r = t0+R'+2
//   p_j             the first cycle beat j is presented (TVALID) from m_{j-1}+1 on: its
//                   elements are looked up; a miss takes the ring slot `next` (the one after
//                   when `next` holds this beat's other element); a slot holding a line is
//                   flushed (decided in p_j); TREADY waits until every slot taken is free
//                   (its last flush's last W beat handshaken): a_j = the handshake
//   a_j (, a_j+1)   the elements merge (mask, data), element 1 a cycle later when it lies in
//                   another 64-bit beat of the buffer; then (m_j) a line whose every word
//                   inside [BASE, BASE+LIMIT) is written is flushed, and beat j+1 can be taken
//   after TLAST     the slots still holding lines are flushed in ring order from `next`
//   a burst decided in c has AWVALID from c+1 (after the bursts decided before it), its first
//   W beat valid from the cycle after its AW handshake; DONE (or ERR LENGTH / OUT_OF_BOUNDS)
//   is set in the cycle after the last B response (after a_last when nothing was written).
//
// TREADY is the write buffer's: the recurrence's free(j) is back-pressure on R, so a producer
// that presents beat j in h_j is taken in a_j = max(h_j, m_{j-1}+1, free(j)) exactly, where
// m_j = a_j, or a_j + 1 when the beat's two elements lie in two 64-bit beats of the buffer
// (one buffer write per cycle: element 1 merges in a_j + 1).
// Deviations (documented): the descriptor registers are read live (not written while BUSY);
// BURSTS counts from the verdict (the TLM sets it when the packet arrives).
module tp_view_writer #(
  parameter logic [32:0] DdrBytes = 33'h0_2000_0000   // 512 MB: BASE + LIMIT must not exceed it
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  // AXI4-Lite slave (the 4 KB window VW)
  input  logic [17:0] s_axi_awaddr_i,
  input  logic        s_axi_awvalid_i,
  output logic        s_axi_awready_o,
  input  logic [31:0] s_axi_wdata_i,
  input  logic [3:0]  s_axi_wstrb_i,
  input  logic        s_axi_wvalid_i,
  output logic        s_axi_wready_o,
  output logic [1:0]  s_axi_bresp_o,
  output logic        s_axi_bvalid_o,
  input  logic        s_axi_bready_i,
  input  logic [17:0] s_axi_araddr_i,
  input  logic        s_axi_arvalid_i,
  output logic        s_axi_arready_o,
  output logic [31:0] s_axi_rdata_o,
  output logic [1:0]  s_axi_rresp_o,
  output logic        s_axi_rvalid_o,
  input  logic        s_axi_rready_i,
  // AXI-Stream sink (stream R of a unit)
  input  logic [63:0] s_axis_tdata_i,
  input  logic [7:0]  s_axis_tkeep_i,
  input  logic        s_axis_tlast_i,
  input  logic        s_axis_tvalid_i,
  output logic        s_axis_tready_o,
  // AXI write master (HP port, 64-bit, INCR bursts of 1..16 beats)
  output logic [31:0] m_axi_awaddr_o,
  output logic [7:0]  m_axi_awlen_o,
  output logic [2:0]  m_axi_awsize_o,
  output logic [1:0]  m_axi_awburst_o,
  output logic        m_axi_awvalid_o,
  input  logic        m_axi_awready_i,
  output logic [63:0] m_axi_wdata_o,
  output logic [7:0]  m_axi_wstrb_o,
  output logic        m_axi_wlast_o,
  output logic        m_axi_wvalid_o,
  input  logic        m_axi_wready_i,
  input  logic [1:0]  m_axi_bresp_i,
  input  logic        m_axi_bvalid_i,
  output logic        m_axi_bready_o,
  // IRQ_F2P[7] = (DONE | ERR) & IRQ_EN; ERR; monitors: BUSY, the buffer is stalling R
  output logic        irq_o,
  output logic        vw_err_o,
  output logic [7:0]  status_o,     // STATUS[7:0] (BUSY, DONE, ERR, ERR_CODE): the queue's end of a command
  output logic        mon_busy_o,
  output logic        mon_stall_o
);

  localparam int unsigned Lines = tp_contract_pkg::VW_BUFFER_LINES;   // 64
  localparam int unsigned Dims  = tp_contract_pkg::VW_DIM_COUNT;      // 6
  localparam logic [3:0]  NoDim = 4'hF;

  // ---- AXI4-Lite slave and the register block ----------------------------------------------------
  logic        wr, rd;
  logic [17:0] wr_addr, rd_addr;
  logic [31:0] wr_data, rd_data;
  tp_axil_slave u_axil (
    .clk_i, .rst_ni,
    .awaddr_i(s_axi_awaddr_i), .awvalid_i(s_axi_awvalid_i), .awready_o(s_axi_awready_o),
    .wdata_i(s_axi_wdata_i), .wstrb_i(s_axi_wstrb_i), .wvalid_i(s_axi_wvalid_i), .wready_o(s_axi_wready_o),
    .bresp_o(s_axi_bresp_o), .bvalid_o(s_axi_bvalid_o), .bready_i(s_axi_bready_i),
    .araddr_i(s_axi_araddr_i), .arvalid_i(s_axi_arvalid_i), .arready_o(s_axi_arready_o),
    .rdata_o(s_axi_rdata_o), .rresp_o(s_axi_rresp_o), .rvalid_o(s_axi_rvalid_o), .rready_i(s_axi_rready_i),
    .wr_o(wr), .wr_addr_o(wr_addr), .wr_data_o(wr_data),
    .rd_o(rd), .rd_addr_o(rd_addr), .rd_data_i(rd_data)
  );

  logic [31:0] base_q, limit_q, offset_q, rank_q, elems_q, bursts_q;
  logic [32*Dims-1:0] shape_q, stride_q, mlo_q, mhi_q;
  logic        busy_q, done_q, err_q, irq_en_q;
  logic [3:0]  err_code_q, err_info_q;

  logic [11:0] wa, ra;
  assign wa = wr_addr[11:0];
  assign ra = rd_addr[11:0];
  localparam logic [11:0] DimLo = 12'(tp_contract_pkg::VW_DIM);
  localparam logic [11:0] DimHi = 12'(32'(tp_contract_pkg::VW_DIM) + Dims * tp_contract_pkg::VW_DIM_BYTES);
  logic       w_dim, r_dim;
  logic [2:0] w_d, r_d;
  assign w_dim = wa >= DimLo && wa < DimHi;
  assign r_dim = ra >= DimLo && ra < DimHi;
  assign w_d = 3'((wa - DimLo) >> 4);
  assign r_d = 3'((ra - DimLo) >> 4);

  logic w_ctrl, start_wr, start_go, start_busy, w1c_done, w1c_err;
  assign w_ctrl     = wr && wa == 12'(tp_contract_pkg::VW_CTRL);
  assign start_wr   = w_ctrl && wr_data[tp_contract_pkg::VW_CTRL_START_LSB];
  assign start_go   = start_wr && !busy_q;
  assign start_busy = start_wr && busy_q;
  assign w1c_done   = wr && wa == 12'(tp_contract_pkg::VW_STATUS) && wr_data[tp_contract_pkg::VW_STATUS_DONE_LSB];
  assign w1c_err    = wr && wa == 12'(tp_contract_pkg::VW_STATUS) && wr_data[tp_contract_pkg::VW_STATUS_ERR_LSB];

  logic [31:0] status, ctrl;
  always_comb begin
    status = 32'd0;
    status[tp_contract_pkg::VW_STATUS_BUSY_LSB] = busy_q;
    status[tp_contract_pkg::VW_STATUS_DONE_LSB] = done_q;
    status[tp_contract_pkg::VW_STATUS_ERR_LSB]  = err_q;
    status[tp_contract_pkg::VW_STATUS_ERR_CODE_LSB +: 4] = err_code_q;
    ctrl = 32'd0;
    ctrl[tp_contract_pkg::VW_CTRL_IRQ_EN_LSB] = irq_en_q;   // START reads 0
  end

  always_comb begin
    rd_data = 32'd0;
    if (r_dim) begin
      unique case (ra[3:0])
        4'(tp_contract_pkg::VW_DIM_SHAPE):  rd_data = shape_q[32*r_d +: 32];
        4'(tp_contract_pkg::VW_DIM_STRIDE): rd_data = stride_q[32*r_d +: 32];
        4'(tp_contract_pkg::VW_DIM_MLO):    rd_data = mlo_q[32*r_d +: 32];
        4'(tp_contract_pkg::VW_DIM_MHI):    rd_data = mhi_q[32*r_d +: 32];
        default:                            rd_data = 32'd0;
      endcase
    end else begin
      unique case (ra)
        12'(tp_contract_pkg::VW_CTRL):     rd_data = ctrl;
        12'(tp_contract_pkg::VW_STATUS):   rd_data = status;
        12'(tp_contract_pkg::VW_BASE):     rd_data = base_q;
        12'(tp_contract_pkg::VW_LIMIT):    rd_data = limit_q;
        12'(tp_contract_pkg::VW_OFFSET):   rd_data = offset_q;
        12'(tp_contract_pkg::VW_RANK):     rd_data = rank_q;
        12'(tp_contract_pkg::VW_ELEMS):    rd_data = elems_q;
        12'(tp_contract_pkg::VW_BURSTS):   rd_data = bursts_q;
        12'(tp_contract_pkg::VW_ERR_INFO): rd_data = {28'd0, err_info_q};
        default:                           rd_data = 32'd0;
      endcase
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      base_q   <= tp_contract_pkg::VW_BASE_RESET;
      limit_q  <= tp_contract_pkg::VW_LIMIT_RESET;
      offset_q <= tp_contract_pkg::VW_OFFSET_RESET;
      rank_q   <= tp_contract_pkg::VW_RANK_RESET;
      irq_en_q <= tp_contract_pkg::VW_CTRL_RESET[tp_contract_pkg::VW_CTRL_IRQ_EN_LSB];
      shape_q  <= '0;
      stride_q <= '0;
      mlo_q    <= '0;
      mhi_q    <= '0;
    end else if (wr) begin
      if (w_dim) begin
        for (int d = 0; d < Dims; d++) begin   // decoded per dimension (no variable part-select)
          if (w_d == 3'(d)) begin
            if (wa[3:0] == 4'(tp_contract_pkg::VW_DIM_SHAPE))  shape_q[32*d +: 32]  <= wr_data;
            if (wa[3:0] == 4'(tp_contract_pkg::VW_DIM_STRIDE)) stride_q[32*d +: 32] <= wr_data;
            if (wa[3:0] == 4'(tp_contract_pkg::VW_DIM_MLO))    mlo_q[32*d +: 32]    <= wr_data;
            if (wa[3:0] == 4'(tp_contract_pkg::VW_DIM_MHI))    mhi_q[32*d +: 32]    <= wr_data;
          end
        end
      end else begin
        unique case (wa)
          12'(tp_contract_pkg::VW_CTRL):   irq_en_q <= wr_data[tp_contract_pkg::VW_CTRL_IRQ_EN_LSB];
          12'(tp_contract_pkg::VW_BASE):   base_q   <= wr_data;
          12'(tp_contract_pkg::VW_LIMIT):  limit_q  <= wr_data;
          12'(tp_contract_pkg::VW_OFFSET): offset_q <= wr_data;
          12'(tp_contract_pkg::VW_RANK):   rank_q   <= wr_data;
          default: ;   // STATUS (below), read-only or unmapped
        endcase
      end
    end
  end

  // ---- validation -------------------------------------------------------------------------------
  typedef enum logic [1:0] {SIdle, SVal, SCheck, SRun} state_e;
  state_e state_q;
  logic [3:0]  chk_code, chk_info;
  logic [23:0] nel;
  logic [32*Dims-1:0] delta;
  logic [Dims-1:0] inm0;
  logic        val_none, val_last;
  tp_vw_check #(.DdrBytes(DdrBytes)) u_check (
    .clk_i, .rst_ni, .start_i(start_go), .step_i(state_q == SVal), .base_i(base_q), .limit_i(limit_q),
    .offset_i(offset_q), .rank_i(rank_q), .shape_i(shape_q), .stride_i(stride_q), .mlo_i(mlo_q), .mhi_i(mhi_q),
    .none_o(val_none), .last_o(val_last), .code_o(chk_code), .info_o(chk_info), .elems_o(nel), .delta_o(delta),
    .inm0_o(inm0));
  logic accept;
  assign accept = state_q == SCheck && chk_code == tp_contract_pkg::VW_ERR_OK;

  // ---- write buffer, AW, W ------------------------------------------------------------------------
  logic        aw_hs, wdone, fin, aw_load, w_idle;
  logic [5:0]  aw_slot, wdone_slot;
  logic [3:0]  aw_fb, aw_lb, fin_code;
  logic [9:0]  bwa, rd_addr_w;
  logic [1:0]  bwe, rd_mask;
  logic [63:0] bwd;
  tp_vw_buf #(.Lines(Lines)) u_buf (
    .clk_i, .rst_ni, .start_i(start_go), .accept_i(accept), .run_i(state_q == SRun), .nel_i({1'b0, nel}),
    .base_i(base_q), .limit_i(limit_q), .offset_i(offset_q), .rank_i(rank_q[2:0]), .shape_i(shape_q),
    .mlo_i(mlo_q), .mhi_i(mhi_q), .delta_i(delta), .inm0_i(inm0),
    .tdata_i(s_axis_tdata_i), .tlast_i(s_axis_tlast_i), .tvalid_i(s_axis_tvalid_i), .tready_o(s_axis_tready_o),
    .awaddr_o(m_axi_awaddr_o), .awlen_o(m_axi_awlen_o), .awvalid_o(m_axi_awvalid_o), .awready_i(m_axi_awready_i),
    .aw_hs_o(aw_hs), .aw_slot_o(aw_slot), .aw_fb_o(aw_fb), .aw_lb_o(aw_lb),
    .we_o(bwe), .wa_o(bwa), .wd_o(bwd), .rd_addr_i(rd_addr_w), .rd_mask_o(rd_mask), .wdone_i(wdone), .wdone_slot_i(wdone_slot),
    .bvalid_i(m_axi_bvalid_i), .bresp_i(m_axi_bresp_i), .fin_o(fin), .fin_code_o(fin_code), .aw_load_o(aw_load));
  tp_vw_wchan #(.Lines(Lines)) u_wchan (
    .clk_i, .rst_ni, .aw_hs_i(aw_hs), .aw_slot_i(aw_slot), .aw_fb_i(aw_fb), .aw_lb_i(aw_lb),
    .we_i(bwe), .wa_i(bwa), .wd_i(bwd), .rd_addr_o(rd_addr_w), .rd_mask_i(rd_mask),
    .wdata_o(m_axi_wdata_o), .wstrb_o(m_axi_wstrb_o), .wlast_o(m_axi_wlast_o), .wvalid_o(m_axi_wvalid_o),
    .wready_i(m_axi_wready_i), .wdone_o(wdone), .wdone_slot_o(wdone_slot), .idle_o(w_idle));
  assign m_axi_awsize_o  = 3'd3;
  assign m_axi_awburst_o = 2'b01;
  assign m_axi_bready_o  = 1'b1;

  assign irq_o       = irq_en_q && (done_q || err_q);
  assign vw_err_o    = err_q;
  assign status_o    = status[7:0];
  assign mon_busy_o  = busy_q;
  assign mon_stall_o = state_q == SRun && s_axis_tvalid_i && !s_axis_tready_o;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= SIdle;
      busy_q <= 1'b0; done_q <= 1'b0; err_q <= 1'b0;
      err_code_q <= 4'd0; err_info_q <= 4'd0;
      elems_q <= tp_contract_pkg::VW_ELEMS_RESET;
      bursts_q <= tp_contract_pkg::VW_BURSTS_RESET;
    end else begin
      // STATUS W1C (a verdict, a completion or START-while-BUSY of this cycle wins below)
      if (w1c_done) done_q <= 1'b0;
      if (w1c_err) begin
        err_q <= 1'b0; err_code_q <= 4'd0; err_info_q <= 4'd0;
      end
      if (start_busy) begin   // the running transfer goes on
        err_q <= 1'b1; err_code_q <= tp_contract_pkg::VW_ERR_BUSY; err_info_q <= NoDim;
      end
      unique case (state_q)
        SIdle: ;
        SVal: if (val_last) state_q <= SCheck;
        SCheck: begin
          if (accept) begin
            state_q <= SRun;
            elems_q <= {8'd0, nel};
            bursts_q <= '0;
          end else begin   // R is not accepted: the PS resets the PL
            state_q <= SIdle;
            busy_q <= 1'b0;
            err_q <= 1'b1; err_code_q <= chk_code; err_info_q <= chk_info;
          end
        end
        SRun: begin
          if (aw_load) bursts_q <= bursts_q + 32'd1;
          if (fin) begin
            state_q <= SIdle;
            busy_q <= 1'b0;
            if (fin_code == tp_contract_pkg::VW_ERR_OK) done_q <= 1'b1;
            else begin
              err_q <= 1'b1; err_code_q <= fin_code; err_info_q <= NoDim;
            end
          end
        end
        default: state_q <= SIdle;
      endcase
      if (start_go) begin
        state_q <= val_none ? SCheck : SVal;
        busy_q <= 1'b1; done_q <= 1'b0;
      end
    end
  end

  logic unused_bits;
  assign unused_bits = ^{rd, wr_addr[17:12], rd_addr[17:12], s_axis_tkeep_i, w_idle, rank_q[31:3]};

  tp_axi_wr_check #(.Name("view writer")) u_axi_check (
    .clk_i, .rst_ni, .awaddr_i(m_axi_awaddr_o), .awlen_i(m_axi_awlen_o), .awsize_i(m_axi_awsize_o),
    .awburst_i(m_axi_awburst_o), .awvalid_i(m_axi_awvalid_o), .awready_i(m_axi_awready_i),
    .wdata_i(m_axi_wdata_o), .wstrb_i(m_axi_wstrb_o), .wlast_i(m_axi_wlast_o), .wvalid_i(m_axi_wvalid_o),
    .wready_i(m_axi_wready_i), .bvalid_i(m_axi_bvalid_i), .bready_i(m_axi_bready_o));

endmodule
