// SPDX-License-Identifier: MIT
// tinypynq — the v2 command queue CQ (docs/pl-v2.md "v2 step 4"; the TLM twin is
// models/tlm/cmd_queue_tlm.cpp): the register block of window CQ (tp_contract_pkg::CQ_*) on an
// AXI-Lite slave, a fetcher that reads ring slots on HP3 (AXI3 reads, one entry ahead of the
// running one), the sequencer, an AXI4-Lite master on the PL's register bus that replays an
// entry's (ADDR, DATA) pairs into VR0..2, VW and a unit, waits for VW's done/err, reads the
// unit's STATUS and CYCLES_LO, clears the blocks' DONE, and writes the result record (words 2
// and 3 of the slot, one 64-bit beat) back on HP3; COMPLETED counts an entry at its B response.
//
// Timing (the spec's, "Timing (normative ...)"; a register write takes effect in its AXI-Lite
// handshake cycle t, i.e. the registers change at the end of t):
//   * doorbell: the first fetch's ARVALID is high in t_d itself (combinational from the TAIL or
//     CTRL.ENABLE write, f_e = t_d), a fetched-ahead entry's in s_{e-1} (the cycle its
//     predecessor starts); the slot's first line is one 16-beat burst; the rest is fetched in
//     bursts of <= 16 beats issued on consecutive cycles from h_e + 1 (h_e = the cycle after the
//     line's last R beat: the header is read in h_e), so with a port of latency lat and cpb
//     cycles per beat the last beat lands in r_e - 1, r_e = h_e + 1 + lat + (B_e - 16) cpb;
//   * s_e = max(r_e, end_{e-1} + 1): the header is checked in s_e; write i's AW/W handshake in
//     s_e + 1 + 2i (the next access is issued in the cycle after the previous response), the
//     unit's STATUS read in u_e = s_e + 1 + 2 NWRITES;
//   * d_e = the first cycle in the wait (from u_e + 2) with VW's STATUS showing DONE or ERR;
//     reads of the unit's STATUS and CYCLES_LO in d_e + 2, d_e + 4, the W1C writes in d_e + 6,
//     d_e + 8 (skipped after a command error, the cycles kept), end_e = d_e + 8, the record's
//     AW/W in end_e + 1, COMPLETED / BATCH / ERR (COMMAND) at the end of its B cycle b_e.
// Errors become visible (STATUS.ERR) in: BAD_RING the cycle after the write; BAD_ENTRY and
// FETCH s_e + 1; BAD_ADDR the cycle write i would have been issued in (decided with the
// previous response); UNIT u_e + 2 (the read's R in u_e + 1); COMMAND b_e + 1.
module tp_cmd_queue #(
  parameter logic [32:0] DdrBytes = 33'h0_2000_0000   // the ring must lie below (BAD_RING)
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  // AXI-Lite slave: window CQ (offsets 0 .. 0xFFF)
  input  logic [11:0] s_axi_awaddr_i,
  input  logic        s_axi_awvalid_i,
  output logic        s_axi_awready_o,
  input  logic [31:0] s_axi_wdata_i,
  input  logic [3:0]  s_axi_wstrb_i,
  input  logic        s_axi_wvalid_i,
  output logic        s_axi_wready_o,
  output logic [1:0]  s_axi_bresp_o,
  output logic        s_axi_bvalid_o,
  input  logic        s_axi_bready_i,
  input  logic [11:0] s_axi_araddr_i,
  input  logic        s_axi_arvalid_i,
  output logic        s_axi_arready_o,
  output logic [31:0] s_axi_rdata_o,
  output logic [1:0]  s_axi_rresp_o,
  output logic        s_axi_rvalid_o,
  input  logic        s_axi_rready_i,
  // AXI master on HP3 (64-bit): slot reads, result records
  output logic [31:0] m_axi_araddr_o,
  output logic [7:0]  m_axi_arlen_o,
  output logic [2:0]  m_axi_arsize_o,
  output logic [1:0]  m_axi_arburst_o,
  output logic        m_axi_arvalid_o,
  input  logic        m_axi_arready_i,
  input  logic [63:0] m_axi_rdata_i,
  input  logic [1:0]  m_axi_rresp_i,
  input  logic        m_axi_rlast_i,
  input  logic        m_axi_rvalid_i,
  output logic        m_axi_rready_o,
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
  // AXI4-Lite master on the PL's register bus (absolute GP0 addresses)
  output logic [31:0] m_reg_awaddr_o,
  output logic        m_reg_awvalid_o,
  input  logic        m_reg_awready_i,
  output logic [31:0] m_reg_wdata_o,
  output logic [3:0]  m_reg_wstrb_o,
  output logic        m_reg_wvalid_o,
  input  logic        m_reg_wready_i,
  input  logic [1:0]  m_reg_bresp_i,
  input  logic        m_reg_bvalid_i,
  output logic        m_reg_bready_o,
  output logic [31:0] m_reg_araddr_o,
  output logic        m_reg_arvalid_o,
  input  logic        m_reg_arready_i,
  input  logic [31:0] m_reg_rdata_i,
  input  logic [1:0]  m_reg_rresp_i,
  input  logic        m_reg_rvalid_i,
  output logic        m_reg_rready_o,
  // VW's STATUS (its done/err wires are bits DONE and ERR): ends a command
  input  logic [7:0]  vw_status_i,
  output logic        irq_o         // IRQ_F2P[tp_contract_pkg::IRQ_CQ]
);

  localparam int unsigned LineBeats = tp_contract_pkg::VR_LINE_BYTES / 8;        // 16: the slot's first burst
  localparam int unsigned SlotBeats = tp_contract_pkg::CQ_SLOT_BYTES / 8;        // 256
  localparam int unsigned HdrBeats  = tp_contract_pkg::CQ_HEADER_WORDS / 2;      // 2
  localparam int unsigned RecDepth  = 8;                        // records waiting for B

  // ---- register front ------------------------------------------------------------------
  logic        wr, rd;
  logic [17:0] wr_addr, rd_addr;
  logic [31:0] wr_data, rd_data;
  tp_axil_slave u_slave (
    .clk_i, .rst_ni,
    .awaddr_i({6'd0, s_axi_awaddr_i}), .awvalid_i(s_axi_awvalid_i), .awready_o(s_axi_awready_o),
    .wdata_i(s_axi_wdata_i), .wstrb_i(s_axi_wstrb_i), .wvalid_i(s_axi_wvalid_i), .wready_o(s_axi_wready_o),
    .bresp_o(s_axi_bresp_o), .bvalid_o(s_axi_bvalid_o), .bready_i(s_axi_bready_i),
    .araddr_i({6'd0, s_axi_araddr_i}), .arvalid_i(s_axi_arvalid_i), .arready_o(s_axi_arready_o),
    .rdata_o(s_axi_rdata_o), .rresp_o(s_axi_rresp_o), .rvalid_o(s_axi_rvalid_o), .rready_i(s_axi_rready_i),
    .wr_o(wr), .wr_addr_o(wr_addr), .wr_data_o(wr_data), .rd_o(rd), .rd_addr_o(rd_addr), .rd_data_i(rd_data));

  logic [2:0]  ctrl_q;
  logic [31:0] ring_base_q, ring_slots_q, tail_q, wait_q, posted_q, completed_q;
  logic        batch_q, err_q;
  logic [3:0]  err_code_q;
  logic [31:0] err_index_q, err_info_q;

  logic        wr_ctrl, wr_status, wr_tail;
  assign wr_ctrl   = wr && wr_addr[11:0] == tp_contract_pkg::CQ_CTRL[11:0];
  assign wr_status = wr && wr_addr[11:0] == tp_contract_pkg::CQ_STATUS[11:0];
  assign wr_tail   = wr && wr_addr[11:0] == tp_contract_pkg::CQ_TAIL[11:0];

  logic [31:0] slot_mask;
  assign slot_mask = ring_slots_q - 32'd1;
  // the ring a CTRL.ENABLE write checks (BAD_RING)
  logic ring_ok;
  assign ring_ok = ring_base_q[10:0] == 11'd0 && (ring_slots_q & slot_mask) == 32'd0 &&
                   ring_slots_q >= 32'd2 && ring_slots_q <= tp_contract_pkg::CQ_MAX_SLOTS &&
                   {1'b0, ring_base_q} + {ring_slots_q[21:0], 11'd0} <= DdrBytes;
  logic enable_rise, enable_bad, tail_ok, tail_bad;
  assign enable_rise = wr_ctrl && !ctrl_q[tp_contract_pkg::CQ_CTRL_ENABLE_LSB] && wr_data[tp_contract_pkg::CQ_CTRL_ENABLE_LSB];
  assign enable_bad  = enable_rise && !ring_ok;
  assign tail_ok     = wr_tail && ring_slots_q != 32'd0 && wr_data < ring_slots_q;
  assign tail_bad    = wr_tail && !tail_ok;

  logic [31:0] since_wait;
  logic        reached_w;   // STATUS.REACHED: (COMPLETED - WAIT) as a signed number >= 0
  assign since_wait = completed_q - wait_q;
  assign reached_w  = !since_wait[31];

  always_comb begin
    rd_data = 32'd0;
    unique case (rd_addr[11:0])
      tp_contract_pkg::CQ_CTRL[11:0]:       rd_data = {29'd0, ctrl_q};
      tp_contract_pkg::CQ_STATUS[11:0]: begin
        rd_data[tp_contract_pkg::CQ_STATUS_BUSY_LSB]    = !err_q && posted_q != completed_q;
        rd_data[tp_contract_pkg::CQ_STATUS_BATCH_LSB]   = batch_q;
        rd_data[tp_contract_pkg::CQ_STATUS_ERR_LSB]     = err_q;
        rd_data[tp_contract_pkg::CQ_STATUS_REACHED_LSB] = reached_w;
        rd_data[tp_contract_pkg::CQ_STATUS_ERR_CODE_LSB +: tp_contract_pkg::CQ_STATUS_ERR_CODE_W] = err_code_q;
      end
      tp_contract_pkg::CQ_RING_BASE[11:0]:  rd_data = ring_base_q;
      tp_contract_pkg::CQ_RING_SLOTS[11:0]: rd_data = ring_slots_q;
      tp_contract_pkg::CQ_TAIL[11:0]:       rd_data = tail_q;
      tp_contract_pkg::CQ_HEAD[11:0]:       rd_data = ring_slots_q != 32'd0 ? (completed_q & slot_mask) : 32'd0;
      tp_contract_pkg::CQ_COMPLETED[11:0]:  rd_data = completed_q;
      tp_contract_pkg::CQ_ERR_INDEX[11:0]:  rd_data = err_index_q;
      tp_contract_pkg::CQ_ERR_INFO[11:0]:   rd_data = err_info_q;
      tp_contract_pkg::CQ_WAIT[11:0]:       rd_data = wait_q;
      default:             rd_data = 32'd0;
    endcase
  end
  logic unused_rd;
  assign unused_rd = ^{rd, rd_addr[17:12], wr_addr[17:12], since_wait[30:0]};

  assign irq_o = (ctrl_q[tp_contract_pkg::CQ_CTRL_IRQ_EN_LSB] && (batch_q || err_q)) ||
                 (ctrl_q[tp_contract_pkg::CQ_CTRL_REACHED_EN_LSB] && reached_w);

  // ---- the fetcher ---------------------------------------------------------------------
  typedef enum logic [2:0] {F_IDLE, F_LINE, F_GAP, F_REST, F_READY} fstate_e;
  fstate_e     fst_q;
  logic [31:0] fseq_q;                 // entries whose fetch has begun
  logic        fbuf_q;                 // the buffer half of the entry being fetched
  logic [8:0]  fbeat_q;                // its beats received
  logic [8:0]  fbeats_q;               // its beats in all (B_e), from the header
  logic [31:0] fhdr_q;                 // its HEADER word
  logic        ferr_q;                 // an R beat came with SLVERR/DECERR
  logic        ar_hold_q;              // a registered AR (a stalled line or a rest burst)
  logic [31:0] araddr_q;
  logic [7:0]  arlen_q;
  logic [8:0]  ar_left_q;              // rest beats not yet requested

  logic [63:0] buf_q [2*SlotBeats];    // two slots: the running entry and the one fetched ahead
  logic        stop;                   // no entry starts or is fetched any more
  logic        consume;                // the sequencer starts the fetched entry in this cycle
  logic        arrived;                // the fetched entry is complete in this cycle (r_e reached)
  logic        one_line;                  // B_e <= 16 (known in F_GAP)
  logic [8:0]  hdr_beats;
  logic [7:0]  hdr_nw;
  assign hdr_nw    = fhdr_q[tp_contract_pkg::CQ_HEADER_NWRITES_LSB +: tp_contract_pkg::CQ_HEADER_NWRITES_W];
  assign hdr_beats = 9'(HdrBeats) + ((hdr_nw > 8'(tp_contract_pkg::CQ_MAX_WRITES)) ? 9'(tp_contract_pkg::CQ_MAX_WRITES) : {1'b0, hdr_nw});
  assign one_line     = hdr_beats <= 9'(LineBeats);
  assign arrived   = fst_q == F_READY || (fst_q == F_GAP && one_line);

  logic enable_now, more, line_issue;
  assign enable_now = ctrl_q[tp_contract_pkg::CQ_CTRL_ENABLE_LSB] || (enable_rise && ring_ok);
  assign more       = posted_q != fseq_q || (tail_ok && wr_data != tail_q);
  assign line_issue = !stop && enable_now && more && (fst_q == F_IDLE || consume) && !ar_hold_q;

  logic [31:0] line_addr;
  assign line_addr = ring_base_q + ((fseq_q & slot_mask) << 11);

  assign m_axi_arvalid_o = line_issue || ar_hold_q;
  assign m_axi_araddr_o  = ar_hold_q ? araddr_q : line_addr;
  assign m_axi_arlen_o   = ar_hold_q ? arlen_q : 8'(LineBeats - 1);
  assign m_axi_arsize_o  = 3'd3;
  assign m_axi_arburst_o = 2'b01;
  assign m_axi_rready_o  = 1'b1;   // the slot buffer always has room

  logic r_hs;
  assign r_hs = m_axi_rvalid_i && m_axi_rready_o;

  always_ff @(posedge clk_i) begin
    if (r_hs && fbeat_q < 9'(SlotBeats)) buf_q[{fbuf_q, fbeat_q[7:0]}] <= m_axi_rdata_i;
  end

  logic [8:0] rest_len;   // beats of the next rest burst
  always_comb begin
    rest_len = (ar_left_q > 9'd16) ? 9'd16 : ar_left_q;
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      fst_q <= F_IDLE; fseq_q <= 32'd0; fbuf_q <= 1'b0; fbeat_q <= 9'd0; fbeats_q <= 9'd0;
      fhdr_q <= 32'd0; ferr_q <= 1'b0; ar_hold_q <= 1'b0; araddr_q <= 32'd0; arlen_q <= 8'd0;
      ar_left_q <= 9'd0;
    end else begin
      if (r_hs) begin
        fbeat_q <= fbeat_q + 9'd1;
        if (fbeat_q == 9'd0) fhdr_q <= m_axi_rdata_i[31:0];
        if (m_axi_rresp_i != 2'b00) ferr_q <= 1'b1;
      end
      if (ar_hold_q && m_axi_arready_i) begin
        if (fst_q == F_REST && ar_left_q != 9'd0) begin   // the next rest burst, the next cycle
          araddr_q  <= araddr_q + ((32'(arlen_q) + 32'd1) << 3);
          arlen_q   <= 8'(rest_len - 9'd1);
          ar_left_q <= ar_left_q - rest_len;
        end else begin
          ar_hold_q <= 1'b0;
        end
      end
      unique case (fst_q)
        F_LINE: if (r_hs && fbeat_q == 9'(LineBeats - 1)) fst_q <= F_GAP;
        F_GAP: begin   // h_e: the header is known
          fbeats_q <= hdr_beats;
          if (!one_line) begin
            fst_q     <= F_REST;
            ar_hold_q <= 1'b1;
            araddr_q  <= araddr_q + 32'(tp_contract_pkg::VR_LINE_BYTES);
            arlen_q   <= 8'(((hdr_beats - 9'(LineBeats)) > 9'd16 ? 9'd16 : (hdr_beats - 9'(LineBeats))) - 9'd1);
            ar_left_q <= (hdr_beats - 9'(LineBeats)) > 9'd16 ? hdr_beats - 9'(LineBeats) - 9'd16 : 9'd0;
          end else if (!consume) begin
            fst_q <= F_READY;
          end
        end
        F_REST: if (r_hs && fbeat_q + 9'd1 == fbeats_q) fst_q <= F_READY;
        default: ;
      endcase
      if (consume && !line_issue) fst_q <= F_IDLE;
      if (line_issue) begin
        fst_q   <= F_LINE;
        fseq_q  <= fseq_q + 32'd1;
        fbuf_q  <= fseq_q[0];
        fbeat_q <= 9'd0;
        ferr_q  <= 1'b0;
        araddr_q <= line_addr;
        arlen_q  <= 8'(LineBeats - 1);
        if (!m_axi_arready_i) ar_hold_q <= 1'b1;
      end
    end
  end

  // ---- the sequencer -------------------------------------------------------------------
  typedef enum logic [3:0] {R_IDLE, R_WR, R_UCHK, R_WAIT, R_GAP, R_RUST, R_RCYC, R_WUST, R_WVWS,
                            R_SKIP, R_REC, R_STOP} rstate_e;
  rstate_e     rst_q;
  logic        rbuf_q;
  logic [31:0] rhdr_q, rseq_q;         // the running entry's header and number
  logic [7:0]  wi_q;                   // the write in flight
  logic [1:0]  skip_q;
  logic [7:0]  vws_q;
  logic [31:0] ust_q, cyc_q;
  logic        cmd_err_q;
  // AXI-Lite master registers
  logic        aw_q, w_q, ar_q, b_pend_q;
  logic [31:0] maddr_q, mdata_q, raddr_q;

  logic [1:0]  unit;
  logic [31:0] unit_base;
  assign unit = rhdr_q[tp_contract_pkg::CQ_HEADER_UNIT_LSB +: tp_contract_pkg::CQ_HEADER_UNIT_W];
  always_comb begin
    unique case (unit)
      2'(tp_contract_pkg::UNIT_REDUCE): unit_base = tp_contract_pkg::WIN_RED_BASE;
      2'(tp_contract_pkg::UNIT_MATMUL): unit_base = tp_contract_pkg::WIN_MMU_BASE;
      default:         unit_base = tp_contract_pkg::WIN_VEC_BASE;
    endcase
  end

  // the pair the next decision reads: pair 0 when the entry starts, else pair wi + 1
  logic [7:0]  pidx;
  logic        pbuf;
  logic [63:0] pair;
  assign pidx = (rst_q == R_IDLE) ? 8'd0 : wi_q + 8'd1;
  assign pbuf = (rst_q == R_IDLE) ? fbuf_q : rbuf_q;
  assign pair = buf_q[{pbuf, 8'(HdrBeats) + pidx}];

  function automatic logic writable(input logic [31:0] a);
    writable = a[1:0] == 2'b00 &&
               ((a >= tp_contract_pkg::WIN_VR_BASE  && a - tp_contract_pkg::WIN_VR_BASE  < tp_contract_pkg::WIN_VR_SIZE)  ||
                (a >= tp_contract_pkg::WIN_VW_BASE  && a - tp_contract_pkg::WIN_VW_BASE  < tp_contract_pkg::WIN_VW_SIZE)  ||
                (a >= tp_contract_pkg::WIN_VEC_BASE && a - tp_contract_pkg::WIN_VEC_BASE < tp_contract_pkg::WIN_VEC_SIZE) ||
                (a >= tp_contract_pkg::WIN_RED_BASE && a - tp_contract_pkg::WIN_RED_BASE < tp_contract_pkg::WIN_RED_SIZE) ||
                (a >= tp_contract_pkg::WIN_MMU_BASE && a - tp_contract_pkg::WIN_MMU_BASE < tp_contract_pkg::WIN_MMU_SIZE));
  endfunction

  logic start_ok;   // the header of the entry starting now is good
  logic [7:0] f_nw;
  assign f_nw = fhdr_q[tp_contract_pkg::CQ_HEADER_NWRITES_LSB +: tp_contract_pkg::CQ_HEADER_NWRITES_W];
  assign start_ok = f_nw != 8'd0 && f_nw <= 8'(tp_contract_pkg::CQ_MAX_WRITES) &&
                    32'(fhdr_q[tp_contract_pkg::CQ_HEADER_UNIT_LSB +: tp_contract_pkg::CQ_HEADER_UNIT_W]) < tp_contract_pkg::NUM_UNITS;
  assign consume = rst_q == R_IDLE && !stop && arrived;

  logic aw_hs, w_hs, b_hs, ar_hs, rr_hs;
  assign aw_hs = m_reg_awvalid_o && m_reg_awready_i;
  assign w_hs  = m_reg_wvalid_o && m_reg_wready_i;
  assign b_hs  = m_reg_bvalid_i && m_reg_bready_o;
  assign ar_hs = m_reg_arvalid_o && m_reg_arready_i;
  assign rr_hs = m_reg_rvalid_i && m_reg_rready_o;
  // no outstanding access: a new one waits for the previous write's B (back-pressure only)
  assign m_reg_awvalid_o = aw_q && !b_pend_q;
  assign m_reg_wvalid_o  = w_q && !b_pend_q;
  assign m_reg_awaddr_o  = maddr_q;
  assign m_reg_wdata_o   = mdata_q;
  assign m_reg_wstrb_o   = 4'hF;
  assign m_reg_bready_o  = 1'b1;
  assign m_reg_arvalid_o = ar_q && !b_pend_q;
  assign m_reg_araddr_o  = raddr_q;
  assign m_reg_rready_o  = 1'b1;

  // the write in flight finishes: its B (a B while its AW/W are still waiting is the previous
  // write's, late under back-pressure: the gate above holds the new AW/W until it came)
  logic wr_fin;
  assign wr_fin = b_hs && !aw_q && !w_q;

  // ---- result records on HP3 -------------------------------------------------------------
  logic        rec_aw_q, rec_w_q;
  logic [31:0] rec_addr_q;
  logic [63:0] rec_data_q;
  logic [RecDepth-1:0] rec_irq_q, rec_err_q;   // per outstanding record, oldest in bit 0
  logic [3:0]  rec_n_q;
  logic        rec_push, rec_push_irq, rec_push_err;
  logic [31:0] pend_index_q, pend_info_q;      // a COMMAND error's, committed at its B
  logic        rec_free;
  logic [2:0]  rec_idx;   // where a pushed record goes (after this cycle's pop)
  assign rec_idx = 3'(rec_n_q - (hb_hs ? 4'd1 : 4'd0));
  assign rec_free = !rec_aw_q && !rec_w_q && rec_n_q < 4'(RecDepth);

  assign m_axi_awvalid_o = rec_aw_q;
  assign m_axi_awaddr_o  = rec_addr_q;
  assign m_axi_awlen_o   = 8'd0;
  assign m_axi_awsize_o  = 3'd3;
  assign m_axi_awburst_o = 2'b01;
  assign m_axi_wvalid_o  = rec_w_q;
  assign m_axi_wdata_o   = rec_data_q;
  assign m_axi_wstrb_o   = 8'hFF;
  assign m_axi_wlast_o   = 1'b1;
  assign m_axi_bready_o  = 1'b1;
  logic hb_hs;
  assign hb_hs = m_axi_bvalid_i && m_axi_bready_o;
  logic unused_resp;
  assign unused_resp = ^{m_axi_bresp_i, m_reg_bresp_i, m_reg_rresp_i, m_axi_rlast_i};

  logic [31:0] result;
  assign result = (32'(ust_q[15:0]) << tp_contract_pkg::CQ_RESULT_UNIT_STATUS_LSB) |
                  (32'(vws_q) << tp_contract_pkg::CQ_RESULT_VW_STATUS_LSB) | (32'd1 << tp_contract_pkg::CQ_RESULT_VALID_LSB);

  // failures detected by the sequencer (visible in the next cycle)
  logic        fail;
  logic [3:0]  fail_code;
  logic [31:0] fail_info, fail_index;
  assign fail_index = rseq_q & slot_mask;   // overridden at a start (the entry being started)

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      rst_q <= R_IDLE; rbuf_q <= 1'b0; rhdr_q <= 32'd0; rseq_q <= 32'd0; wi_q <= 8'd0; skip_q <= 2'd0;
      vws_q <= 8'd0; ust_q <= 32'd0; cyc_q <= 32'd0; cmd_err_q <= 1'b0;
      aw_q <= 1'b0; w_q <= 1'b0; ar_q <= 1'b0; b_pend_q <= 1'b0;
      maddr_q <= 32'd0; mdata_q <= 32'd0; raddr_q <= 32'd0;
    end else begin
      if (aw_hs) aw_q <= 1'b0;
      if (w_hs) w_q <= 1'b0;
      if (ar_hs) ar_q <= 1'b0;
      // a write whose AW and W are both through waits for its B before the next access
      if ((aw_q || w_q) && (aw_hs || !aw_q) && (w_hs || !w_q)) b_pend_q <= 1'b1;
      else if (b_hs) b_pend_q <= 1'b0;
      unique case (rst_q)
        R_IDLE: if (consume) begin   // s_e
          rbuf_q <= fbuf_q;
          rhdr_q <= fhdr_q;
          rseq_q <= fseq_q - 32'd1;
          wi_q   <= 8'd0;
          if (ferr_q || !start_ok) begin
            rst_q <= R_STOP;
          end else if (!writable(pair[31:0])) begin
            rst_q <= R_STOP;
          end else begin
            rst_q <= R_WR;
            aw_q <= 1'b1; w_q <= 1'b1; maddr_q <= pair[31:0]; mdata_q <= pair[63:32];
          end
        end
        R_WR: if (wr_fin) begin
          if (wi_q + 8'd1 == rhdr_q[tp_contract_pkg::CQ_HEADER_NWRITES_LSB +: tp_contract_pkg::CQ_HEADER_NWRITES_W]) begin
            rst_q <= R_UCHK;
            ar_q <= 1'b1; raddr_q <= unit_base + 32'(tp_contract_pkg::UNIT_STATUS);
          end else if (!writable(pair[31:0])) begin
            rst_q <= R_STOP;
          end else begin
            wi_q <= wi_q + 8'd1;
            aw_q <= 1'b1; w_q <= 1'b1; maddr_q <= pair[31:0]; mdata_q <= pair[63:32];
          end
        end
        R_UCHK: if (rr_hs) rst_q <= m_reg_rdata_i[tp_contract_pkg::UNIT_STATUS_ERR_LSB] ? R_STOP : R_WAIT;
        R_WAIT: if (vw_status_i[tp_contract_pkg::VW_STATUS_DONE_LSB] || vw_status_i[tp_contract_pkg::VW_STATUS_ERR_LSB]) begin   // d_e
          vws_q <= vw_status_i;
          rst_q <= R_GAP;
        end
        R_GAP: begin   // the VW STATUS access's second cycle in the spec's accounting
          rst_q <= R_RUST;
          ar_q <= 1'b1; raddr_q <= unit_base + 32'(tp_contract_pkg::UNIT_STATUS);
        end
        R_RUST: if (rr_hs) begin
          ust_q <= m_reg_rdata_i;
          rst_q <= R_RCYC;
          ar_q <= 1'b1; raddr_q <= unit_base + 32'(tp_contract_pkg::UNIT_CYCLES_LO);
        end
        R_RCYC: if (rr_hs) begin
          cyc_q <= m_reg_rdata_i;
          cmd_err_q <= ust_q[tp_contract_pkg::UNIT_STATUS_ERR_LSB] || vws_q[tp_contract_pkg::VW_STATUS_ERR_LSB];
          if (ust_q[tp_contract_pkg::UNIT_STATUS_ERR_LSB] || vws_q[tp_contract_pkg::VW_STATUS_ERR_LSB]) begin
            rst_q <= R_SKIP; skip_q <= 2'd2;   // the blocks keep an error's STATUS for the PS
          end else begin
            rst_q <= R_WUST;
            aw_q <= 1'b1; w_q <= 1'b1; maddr_q <= unit_base + 32'(tp_contract_pkg::UNIT_STATUS);
            mdata_q <= (32'd1 << tp_contract_pkg::UNIT_STATUS_DONE_LSB) | (32'd1 << tp_contract_pkg::UNIT_STATUS_W_RANGE_LSB) |
                       (32'd1 << tp_contract_pkg::UNIT_STATUS_W_TLAST_LSB);
          end
        end
        R_WUST: if (wr_fin) begin
          rst_q <= R_WVWS;
          aw_q <= 1'b1; w_q <= 1'b1; maddr_q <= tp_contract_pkg::WIN_VW_BASE + 32'(tp_contract_pkg::VW_STATUS);
          mdata_q <= (32'd1 << tp_contract_pkg::VW_STATUS_DONE_LSB) | (32'd1 << tp_contract_pkg::VW_STATUS_ERR_LSB);
        end
        R_WVWS: if ((aw_hs || !aw_q) && (w_hs || !w_q)) begin   // end_e
          rst_q <= rec_free ? R_IDLE : R_REC;
        end
        R_SKIP: if (skip_q == 2'd0) rst_q <= rec_free ? R_STOP : R_REC;   // end_e
                else skip_q <= skip_q - 2'd1;
        R_REC: if (rec_free) rst_q <= cmd_err_q ? R_STOP : R_IDLE;
        default: ;
      endcase
    end
  end

  // the record leaves at end_e + 1 (or when the channel frees)
  logic rec_go;
  assign rec_go = ((rst_q == R_WVWS && (aw_hs || !aw_q) && (w_hs || !w_q)) ||
                   (rst_q == R_SKIP && skip_q == 2'd0) || rst_q == R_REC) && rec_free;
  assign rec_push = rec_go;
  assign rec_push_irq = rhdr_q[tp_contract_pkg::CQ_HEADER_IRQ_LSB];
  assign rec_push_err = cmd_err_q;

  // sequencer failures (visible in the next cycle)
  always_comb begin
    fail = 1'b0; fail_code = tp_contract_pkg::CQ_ERR_OK; fail_info = 32'd0;
    unique case (rst_q)
      R_IDLE: if (consume) begin
        if (ferr_q) begin
          fail = 1'b1; fail_code = tp_contract_pkg::CQ_ERR_FETCH;
        end else if (!start_ok) begin
          fail = 1'b1; fail_code = tp_contract_pkg::CQ_ERR_BAD_ENTRY; fail_info = fhdr_q;
        end else if (!writable(pair[31:0])) begin
          fail = 1'b1; fail_code = tp_contract_pkg::CQ_ERR_BAD_ADDR; fail_info = 32'd0;
        end
      end
      R_WR: if (wr_fin && wi_q + 8'd1 != rhdr_q[tp_contract_pkg::CQ_HEADER_NWRITES_LSB +: tp_contract_pkg::CQ_HEADER_NWRITES_W] &&
                !writable(pair[31:0])) begin
        fail = 1'b1; fail_code = tp_contract_pkg::CQ_ERR_BAD_ADDR; fail_info = 32'(wi_q) + 32'd1;
      end
      R_UCHK: if (rr_hs && m_reg_rdata_i[tp_contract_pkg::UNIT_STATUS_ERR_LSB]) begin
        fail = 1'b1; fail_code = tp_contract_pkg::CQ_ERR_UNIT; fail_info = m_reg_rdata_i;
      end
      default: ;
    endcase
  end
  logic [31:0] start_index;
  assign start_index = (fseq_q - 32'd1) & slot_mask;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      rec_aw_q <= 1'b0; rec_w_q <= 1'b0; rec_addr_q <= 32'd0; rec_data_q <= 64'd0;
      rec_irq_q <= '0; rec_err_q <= '0; rec_n_q <= 4'd0; pend_index_q <= 32'd0; pend_info_q <= 32'd0;
    end else begin
      if (m_axi_awvalid_o && m_axi_awready_i) rec_aw_q <= 1'b0;
      if (m_axi_wvalid_o && m_axi_wready_i) rec_w_q <= 1'b0;
      if (rec_push) begin
        rec_aw_q   <= 1'b1;
        rec_w_q    <= 1'b1;
        rec_addr_q <= ring_base_q + ((rseq_q & slot_mask) << 11) + 32'd8;   // words 2, 3
        rec_data_q <= {cyc_q, result};
        if (cmd_err_q) begin
          pend_index_q <= rseq_q & slot_mask;
          pend_info_q  <= result;
        end
      end
      // the FIFO of records waiting for their B: push at the top, pop from bit 0
      if (hb_hs) begin
        rec_irq_q <= rec_irq_q >> 1;
        rec_err_q <= rec_err_q >> 1;
      end
      if (rec_push) begin
        rec_irq_q[rec_idx] <= rec_push_irq;
        rec_err_q[rec_idx] <= rec_push_err;
      end
      rec_n_q <= rec_n_q + (rec_push ? 4'd1 : 4'd0) - (hb_hs ? 4'd1 : 4'd0);
    end
  end

  // the stop: an error seen, or the sequencer stopped at an entry
  assign stop = err_q || rst_q == R_STOP || rst_q == R_SKIP || (rst_q == R_REC && cmd_err_q);

  // ---- registers -------------------------------------------------------------------------
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      ctrl_q <= 3'd0; ring_base_q <= 32'd0; ring_slots_q <= 32'd0; tail_q <= 32'd0; wait_q <= 32'd0;
      posted_q <= 32'd0; completed_q <= 32'd0; batch_q <= 1'b0; err_q <= 1'b0; err_code_q <= 4'd0;
      err_index_q <= 32'd0; err_info_q <= 32'd0;
    end else begin
      if (wr_ctrl) ctrl_q <= wr_data[2:0];
      if (wr && wr_addr[11:0] == tp_contract_pkg::CQ_RING_BASE[11:0]) ring_base_q <= wr_data;
      if (wr && wr_addr[11:0] == tp_contract_pkg::CQ_RING_SLOTS[11:0]) ring_slots_q <= wr_data;
      if (wr && wr_addr[11:0] == tp_contract_pkg::CQ_WAIT[11:0]) wait_q <= wr_data;
      if (wr_status && wr_data[tp_contract_pkg::CQ_STATUS_BATCH_LSB]) batch_q <= 1'b0;
      if (tail_ok) begin
        posted_q <= posted_q + ((wr_data - tail_q) & slot_mask);
        tail_q   <= wr_data;
      end
      if (hb_hs) begin
        if (rec_err_q[0]) begin
          err_q <= 1'b1; err_code_q <= tp_contract_pkg::CQ_ERR_COMMAND; err_index_q <= pend_index_q; err_info_q <= pend_info_q;
        end else begin
          completed_q <= completed_q + 32'd1;
          if (rec_irq_q[0]) batch_q <= 1'b1;
        end
      end
      if (fail) begin
        err_q <= 1'b1; err_code_q <= fail_code; err_info_q <= fail_info;
        err_index_q <= (rst_q == R_IDLE) ? start_index : fail_index;
      end
      if (enable_bad || tail_bad) begin
        err_q <= 1'b1; err_code_q <= tp_contract_pkg::CQ_ERR_BAD_RING; err_info_q <= tail_bad ? wr_data : 32'd0;
        err_index_q <= ring_slots_q != 32'd0 ? (completed_q & slot_mask) : 32'd0;
      end
    end
  end

`ifndef SYNTHESIS
  tp_axi_rd_check #(.Name("cq HP3 read")) u_rd_check (
    .clk_i, .rst_ni, .araddr_i(m_axi_araddr_o), .arlen_i(m_axi_arlen_o), .arsize_i(m_axi_arsize_o),
    .arburst_i(m_axi_arburst_o), .arvalid_i(m_axi_arvalid_o), .arready_i(m_axi_arready_i),
    .rlast_i(m_axi_rlast_i), .rvalid_i(m_axi_rvalid_i), .rready_i(m_axi_rready_o));
  tp_axi_wr_check #(.Name("cq HP3 write")) u_wr_check (
    .clk_i, .rst_ni, .awaddr_i(m_axi_awaddr_o), .awlen_i(m_axi_awlen_o), .awsize_i(m_axi_awsize_o),
    .awburst_i(m_axi_awburst_o), .awvalid_i(m_axi_awvalid_o), .awready_i(m_axi_awready_i),
    .wdata_i(m_axi_wdata_o), .wstrb_i(m_axi_wstrb_o), .wlast_i(m_axi_wlast_o), .wvalid_i(m_axi_wvalid_o),
    .wready_i(m_axi_wready_i), .bvalid_i(m_axi_bvalid_i), .bready_i(m_axi_bready_o));
  // the register-bus master: valid held with a stable payload until ready; one access at a time
  logic reg_aw_stall, reg_w_stall, reg_ar_stall;
  logic [31:0] reg_awaddr_prev, reg_wdata_prev, reg_araddr_prev;
  always_ff @(posedge clk_i) begin
    reg_aw_stall <= rst_ni && m_reg_awvalid_o && !m_reg_awready_i;
    reg_w_stall  <= rst_ni && m_reg_wvalid_o && !m_reg_wready_i;
    reg_ar_stall <= rst_ni && m_reg_arvalid_o && !m_reg_arready_i;
    reg_awaddr_prev <= m_reg_awaddr_o;
    reg_wdata_prev  <= m_reg_wdata_o;
    reg_araddr_prev <= m_reg_araddr_o;
    if (rst_ni) begin
      if (reg_aw_stall) assert (m_reg_awvalid_o && m_reg_awaddr_o == reg_awaddr_prev) else $error("cq reg bus: AW changed while stalled");
      if (reg_w_stall) assert (m_reg_wvalid_o && m_reg_wdata_o == reg_wdata_prev) else $error("cq reg bus: W changed while stalled");
      if (reg_ar_stall) assert (m_reg_arvalid_o && m_reg_araddr_o == reg_araddr_prev) else $error("cq reg bus: AR changed while stalled");
      assert (!(m_reg_arvalid_o && (m_reg_awvalid_o || m_reg_wvalid_o))) else $error("cq reg bus: a read and a write at once");
      if (m_reg_awvalid_o) assert (writable(m_reg_awaddr_o)) else $error("cq reg bus: a write outside VR, VW and the units");
      if (r_hs) assert (fst_q == F_LINE || fst_q == F_REST || fst_q == F_GAP || fst_q == F_READY || fst_q == F_IDLE)
        else $error("cq: R beat in a bad state");
      assert (rec_n_q <= 4'(RecDepth)) else $error("cq: record FIFO overflow");
      if (hb_hs) assert (rec_n_q != 4'd0) else $error("cq HP3: B with no record outstanding");
    end
  end
`endif

endmodule
