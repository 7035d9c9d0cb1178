// SPDX-License-Identifier: MIT
// tinypynq — the v2 view reader VR_i (docs/pl-v2.md "v2 step 2"): AXI4-Lite register block,
// START validation (pl::check's codes and order, ERR_INFO), an AXI read master on a 64-bit HP
// port filling a 64-line buffer with FIFO replacement, and an AXI-Stream master of the view's
// 32-bit elements, two per 64-bit beat (element 2j in lane 0, TKEEP 0x0F and lane 1 = 0 on a
// partial last beat, TLAST on the last beat). Cycle-exact with pl::plan (models/fp/view_reader):
//
//   t0            the AXI-Lite write of CTRL.START takes effect (its W handshake cycle)
//   t0+1..t0+R    validation, one dimension per cycle (R = RANK): zero length, mask, element
//                 count, the valid box's lowest/highest offsets, the odometer's wrap amounts
//   t0+R+1        the verdict (ERR set at its end) and, when accepted, the plan stage's first
//                 decision. The plan stage decides in cycle c what pl::plan does in its cycle
//                 c+1: a fill decided in c has ARVALID from c+1 (= pl::plan's issue cycle); a
//                 beat decided in c is in the beat FIFO in c+1 (= pl::plan's plan_c) and on the
//                 stream from c+2 at the earliest.
//   a fill's last R beat in cycle x: the line is in the buffer in x+1 (= pl::plan's arrive)
//                 and a beat reading it is valid from x+2.
//
// The plan stage walks two elements per cycle; a miss takes the FIFO slot `next` (the one after
// it when `next` holds this beat's other element), issues when the beat that last read the slot
// has been handed over, the AR channel is free and fewer than VR_MAX_FILLS fills are in flight.
// The plan stage stalls while BeatFifoDepth beats are planned but not loaded (pl::plan models
// it: VR_BEAT_FIFO; with a consumer that lags, pl::plan takes its handshakes). Deviation from
// pl::plan (documented): it reads the descriptor registers live (they must not be written while
// BUSY). RRESP is not checked.
// Area (docs/pl-v2.md "RTL reader, area"): the line buffer is block RAM (two copies, one per
// element of a beat, each with one write and one registered read port: the read is issued in
// the cycle a beat is loaded, so the beat's words come out of the BRAM's output register in
// the cycle the beat is valid, the timing of an asynchronous read into a data register); the
// per-slot "last reader" beat numbers are distributed RAM (two banks and a live-value bit per
// slot, since a beat can name two slots) read only at the two slots a miss can take; the
// validation (tp_vr_check) walks inwards-out so the odometer (tp_vr_step) adds one delta.
module tp_view_reader #(
  parameter logic [32:0] DdrBytes = 33'h0_2000_0000,   // 512 MB: BASE + LIMIT must not exceed it
  parameter int unsigned BeatFifoDepth = tp_contract_pkg::VR_BEAT_FIFO  // planned, not yet loaded beats (power of 2)
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  // AXI4-Lite slave (the reader's 256-byte window; address bits above 7 are ignored)
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
  // AXI read master (HP port, 64-bit, INCR bursts of 1..16 beats)
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
  // AXI-Stream master (stream A/B/C of a unit)
  output logic [63:0] m_axis_tdata_o,
  output logic [7:0]  m_axis_tkeep_o,
  output logic        m_axis_tlast_o,
  output logic        m_axis_tvalid_o,
  input  logic        m_axis_tready_i,
  // a bad descriptor (STATUS.ERR, level until W1C or reset)
  output logic        vr_err_o
);

  localparam int unsigned Lines = tp_contract_pkg::VR_BUFFER_LINES;   // 64
  localparam int unsigned MaxFills = tp_contract_pkg::VR_MAX_FILLS;   // 4
  localparam int unsigned Dims = tp_contract_pkg::VR_DIM_COUNT;       // 6
  localparam int unsigned FifoAw = $clog2(BeatFifoDepth);
  localparam logic [3:0] NoDim = 4'hF;
  // Tags are line numbers within DDR: every line filled holds a valid element, which lies in
  // [BASE, BASE + LIMIT) and so below DdrBytes (OUT_OF_BOUNDS otherwise): 22 bits for 512 MB.
  localparam int unsigned TagW = $clog2(DdrBytes) - 7;
  localparam int unsigned IdxN = tp_contract_pkg::VR_INDEX_ENTRIES;   // 512
  localparam int unsigned IdxW = $clog2(IdxN);

  // ---- AXI4-Lite slave and the register block ------------------------------------------------
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

  logic [31:0] base_q, limit_q, offset_q, rank_q, pad_q, elems_q, lines_q;
  logic [32*Dims-1:0] shape_q, stride_q, mlo_q, mhi_q;
  logic        busy_q, done_q, err_q;
  logic [3:0]  err_code_q, err_info_q;

  logic [7:0] wa, ra;
  assign wa = wr_addr[7:0];
  assign ra = rd_addr[7:0];
  localparam logic [7:0] DimLo = 8'(tp_contract_pkg::VR_DIM);
  localparam logic [7:0] DimHi = 8'(32'(tp_contract_pkg::VR_DIM) + Dims * tp_contract_pkg::VR_DIM_BYTES);
  logic       w_dim, r_dim;
  logic [2:0] w_d, r_d;
  assign w_dim = wa >= DimLo && wa < DimHi;
  assign r_dim = ra >= DimLo && ra < DimHi;
  assign w_d = 3'((wa - DimLo) >> 4);
  assign r_d = 3'((ra - DimLo) >> 4);

  logic start_wr, start_go, start_busy, w1c_done, w1c_err;
  assign start_wr   = wr && wa == 8'(tp_contract_pkg::VR_CTRL) && wr_data[tp_contract_pkg::VR_CTRL_START_LSB];
  assign start_go   = start_wr && !busy_q;
  assign start_busy = start_wr && busy_q;
  assign w1c_done   = wr && wa == 8'(tp_contract_pkg::VR_STATUS) && wr_data[tp_contract_pkg::VR_STATUS_DONE_LSB];
  assign w1c_err    = wr && wa == 8'(tp_contract_pkg::VR_STATUS) && wr_data[tp_contract_pkg::VR_STATUS_ERR_LSB];

  logic [31:0] status;
  always_comb begin
    status = 32'd0;
    status[tp_contract_pkg::VR_STATUS_BUSY_LSB] = busy_q;
    status[tp_contract_pkg::VR_STATUS_DONE_LSB] = done_q;
    status[tp_contract_pkg::VR_STATUS_ERR_LSB]  = err_q;
    status[tp_contract_pkg::VR_STATUS_ERR_CODE_LSB +: 4] = err_code_q;
  end

  always_comb begin
    rd_data = 32'd0;
    if (r_dim) begin
      unique case (ra[3:0])
        4'(tp_contract_pkg::VR_DIM_SHAPE):  rd_data = shape_q[32*r_d +: 32];
        4'(tp_contract_pkg::VR_DIM_STRIDE): rd_data = stride_q[32*r_d +: 32];
        4'(tp_contract_pkg::VR_DIM_MLO):    rd_data = mlo_q[32*r_d +: 32];
        4'(tp_contract_pkg::VR_DIM_MHI):    rd_data = mhi_q[32*r_d +: 32];
        default:                            rd_data = 32'd0;
      endcase
    end else begin
      unique case (ra)
        8'(tp_contract_pkg::VR_STATUS):   rd_data = status;
        8'(tp_contract_pkg::VR_BASE):     rd_data = base_q;
        8'(tp_contract_pkg::VR_LIMIT):    rd_data = limit_q;
        8'(tp_contract_pkg::VR_OFFSET):   rd_data = offset_q;
        8'(tp_contract_pkg::VR_RANK):     rd_data = rank_q;
        8'(tp_contract_pkg::VR_PAD):      rd_data = pad_q;
        8'(tp_contract_pkg::VR_ELEMS):    rd_data = elems_q;
        8'(tp_contract_pkg::VR_LINES):    rd_data = lines_q;
        8'(tp_contract_pkg::VR_ERR_INFO): rd_data = {28'd0, err_info_q};
        default:                          rd_data = 32'd0;   // CTRL is write-only
      endcase
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      base_q   <= tp_contract_pkg::VR_BASE_RESET;
      limit_q  <= tp_contract_pkg::VR_LIMIT_RESET;
      offset_q <= tp_contract_pkg::VR_OFFSET_RESET;
      rank_q   <= tp_contract_pkg::VR_RANK_RESET;
      pad_q    <= tp_contract_pkg::VR_PAD_RESET;
      shape_q  <= '0;
      stride_q <= '0;
      mlo_q    <= '0;
      mhi_q    <= '0;
    end else if (wr) begin
      if (w_dim) begin
        for (int d = 0; d < Dims; d++) begin   // decoded per dimension (no variable part-select)
          if (w_d == 3'(d)) begin
            if (wa[3:0] == 4'(tp_contract_pkg::VR_DIM_SHAPE))  shape_q[32*d +: 32]  <= wr_data;
            if (wa[3:0] == 4'(tp_contract_pkg::VR_DIM_STRIDE)) stride_q[32*d +: 32] <= wr_data;
            if (wa[3:0] == 4'(tp_contract_pkg::VR_DIM_MLO))    mlo_q[32*d +: 32]    <= wr_data;
            if (wa[3:0] == 4'(tp_contract_pkg::VR_DIM_MHI))    mhi_q[32*d +: 32]    <= wr_data;
          end
        end
      end else begin
        unique case (wa)
          8'(tp_contract_pkg::VR_BASE):   base_q   <= wr_data;
          8'(tp_contract_pkg::VR_LIMIT):  limit_q  <= wr_data;
          8'(tp_contract_pkg::VR_OFFSET): offset_q <= wr_data;
          8'(tp_contract_pkg::VR_RANK):   rank_q   <= wr_data;
          8'(tp_contract_pkg::VR_PAD):    pad_q    <= wr_data;
          default: ;   // CTRL, STATUS (below), read-only or unmapped
        endcase
      end
    end
  end

  // ---- validation (tp_vr_check): one dimension per cycle, RANK-1 first ---------------------------
  typedef enum logic [1:0] {SIdle, SVal, SCheck, SRun} state_e;
  state_e state_q;
  logic [2:0]  k_q;              // dimension validated in this cycle
  logic [2:0]  nd;               // dimensions to validate
  assign nd = (rank_q == 32'd0 || rank_q > Dims) ? 3'd0 : rank_q[2:0];

  logic [31:0] v_shape, v_stride, v_mlo, v_mhi;
  assign v_shape  = shape_q[32*k_q +: 32];
  assign v_stride = stride_q[32*k_q +: 32];
  assign v_mlo    = mlo_q[32*k_q +: 32];
  assign v_mhi    = mhi_q[32*k_q +: 32];
  logic [3:0]  chk_code, chk_info;
  logic [23:0] nel;
  logic [32*Dims-1:0] delta;
  logic [Dims-1:0]    inm0;
  tp_vr_check #(.DdrBytes(DdrBytes)) u_check (
    .clk_i, .rst_ni, .start_i(start_go), .val_i(state_q == SVal), .k_i(k_q),
    .rank_i(rank_q), .base_i(base_q), .limit_i(limit_q), .offset_i(offset_q),
    .shape_i(v_shape), .stride_i(v_stride), .mlo_i(v_mlo), .mhi_i(v_mhi),
    .code_o(chk_code), .info_o(chk_info), .elems_o(nel), .delta_o(delta), .inm0_o(inm0));
  logic accept;
  assign accept = state_q == SCheck && chk_code == tp_contract_pkg::VR_ERR_OK;
  logic [32:0] buf_end;
  assign buf_end = {1'b0, base_q} + {1'b0, limit_q};

  // ---- plan stage: odometer, tags, fills ----------------------------------------------------------
  logic [24*Dims-1:0] sh24, ml24, mh24, idx_q, idx1, idx2;
  logic [31:0] off_q, off1, off2;
  logic [Dims-1:0] unused, inm_q, inm_in, inm1, inm2;
  logic        val0, val1;
  always_comb begin
    for (int k = 0; k < Dims; k++) begin
      sh24[24*k +: 24] = shape_q[32*k +: 24];
      ml24[24*k +: 24] = mlo_q[32*k +: 24];
      mh24[24*k +: 24] = mhi_q[32*k +: 24];
      unused[k] = 3'(k) >= rank_q[2:0];
    end
  end
  // the first element's mask flags come from the validation (its cycle is the verdict's)
  assign inm_in = state_q == SCheck ? inm0 : inm_q;
  tp_vr_step u_step0 (.unused_i(unused), .shape_i(sh24), .mlo_i(ml24), .mhi_i(mh24), .inm0_i(inm0),
                      .delta_i(delta), .idx_i(idx_q), .off_i(off_q), .inm_i(inm_in),
                      .valid_o(val0), .idx_o(idx1), .off_o(off1), .inm_o(inm1));
  tp_vr_step u_step1 (.unused_i(unused), .shape_i(sh24), .mlo_i(ml24), .mhi_i(mh24), .inm0_i(inm0),
                      .delta_i(delta), .idx_i(idx1), .off_i(off1), .inm_i(inm1),
                      .valid_o(val1), .idx_o(idx2), .off_o(off2), .inm_o(inm2));

  logic        plan_act;        // the plan stage decides in this cycle
  logic        planning_q;      // beats left to plan
  logic [23:0] beat_q, nbeats;  // the beat being planned; beats of the view
  logic        e0_done_q;       // element 0 of beat_q has its fill (element 1 waits for one)
  logic [5:0]  e0_slot_q;
  assign nbeats = 24'(({1'b0, nel} + 25'd1) >> 1);

  logic        has1, v0, v1, last_beat;
  assign last_beat = beat_q == nbeats - 24'd1;
  assign has1 = !(last_beat && nel[0]);
  assign v0 = val0;
  assign v1 = has1 && val1;
  logic [31:0] addr0, addr1;
  assign addr0 = base_q + (off_q << 2);
  assign addr1 = base_q + (off1 << 2);
  logic [TagW-1:0] line0, line1;
  assign line0 = addr0[TagW+6:7];
  assign line1 = addr1[TagW+6:7];

  // Lookup (docs/pl-v2.md "Line buffer and timing"): the line index (distributed RAM, entry
  // pl::vr::index_of(line), VR_INDEX_ENTRIES of them) names the slot its line was last filled into; the element hits when
  // that slot still holds the line (its tag, distributed RAM, and its valid bit). Two reads of
  // each RAM per cycle, one per element: this replaces a 64-slot CAM (two ports of 64 tag
  // comparators, 3 k LUT) at the price of the misses the index's conflicts cause.
  logic [TagW-1:0]     tag_mem [Lines];
  logic [5:0]          idx_mem [IdxN];
  logic [Lines-1:0]    tagv_q, rdy_q;
  logic [5:0]          next_q;
  logic [IdxW-1:0]     h0, h1;
  logic [5:0]          m0_slot, m1_slot;
  logic                hit0, hit1;
  assign h0 = line0[IdxW-1:0];   // pl::vr::index_of: the low bits of the line number
  assign h1 = line1[IdxW-1:0];
  assign m0_slot = idx_mem[h0];
  assign m1_slot = idx_mem[h1];
  assign hit0 = tagv_q[m0_slot] && tag_mem[m0_slot] == line0;
  assign hit1 = tagv_q[m1_slot] && tag_mem[m1_slot] == line1;

  // fills in flight, and whether a slot's last reader has been handed over
  logic [2:0]  inflight_q;
  logic [23:0] beats_out_q;
  logic        t_hs, r_hs, r_last_hs, ar_free;
  assign t_hs      = m_axis_tvalid_o && m_axis_tready_i;
  assign r_hs      = m_axi_rvalid_i && m_axi_rready_o;
  assign r_last_hs = r_hs && m_axi_rlast_i;
  assign ar_free   = !m_axi_arvalid_o || m_axi_arready_i;
  logic [23:0] beats_out_now;
  logic [2:0]  inflight_now;
  assign beats_out_now = beats_out_q + 24'(t_hs);
  assign inflight_now  = inflight_q - 3'(r_last_hs);
  logic fifo_full;

  // Whether the beat that last read slot s has been handed over (or s holds no line), asked
  // only for the two slots a miss can take (next_q, next_q + 1). The last reader's beat number
  // lives in distributed RAM: a committed beat writes it for both its elements' slots (one bank
  // each, the same value), and lvt_q[s] says which bank wrote slot s last. A slot's number is
  // written when the beat that takes it commits, before the slot can be `next` again.
  logic [23:0]      lb0_mem [Lines];
  logic [23:0]      lb1_mem [Lines];
  logic [Lines-1:0] lvt_q;
  logic             lb_we0, lb_we1;
  logic [5:0]       nxt1;
  logic [23:0]      lb_n0, lb_n1;
  logic             free_n0, free_n1;
  assign nxt1  = next_q + 6'd1;
  assign lb_n0 = lvt_q[next_q] ? lb1_mem[next_q] : lb0_mem[next_q];
  assign lb_n1 = lvt_q[nxt1] ? lb1_mem[nxt1] : lb0_mem[nxt1];
  assign free_n0 = !tagv_q[next_q] || beats_out_now > lb_n0;
  assign free_n1 = !tagv_q[nxt1] || beats_out_now > lb_n1;

  logic        can_fill;         // the AR channel and the fill limit allow a fill decided now
  assign can_fill = ar_free && inflight_now < 3'(MaxFills);

  // the decision of this cycle
  logic        alloc, commit, e0_defer;
  logic [5:0]  a_slot;           // the slot a fill takes
  logic [TagW-1:0] a_line;
  logic [5:0]  c_slot0, c_slot1; // the slots of the committed beat's elements
  logic [5:0]  s1_pick;
  logic        free_s1;
  always_comb begin
    alloc = 1'b0;
    commit = 1'b0;
    e0_defer = 1'b0;
    a_slot = next_q;
    a_line = line0;
    c_slot0 = m0_slot;
    c_slot1 = m1_slot;
    s1_pick = next_q;
    free_s1 = free_n0;
    if (v0 && (e0_done_q ? e0_slot_q : m0_slot) == next_q) begin
      s1_pick = nxt1;
      free_s1 = free_n1;
    end
    if (plan_act) begin
      if (!e0_done_q && v0 && !hit0) begin
        // element 0 misses: slot `next` (no slot holds this beat yet)
        if (free_n0 && can_fill) begin
          alloc = 1'b1;
          a_slot = next_q;
          a_line = line0;
          c_slot0 = next_q;
          if (v1 && line1 == line0) begin
            commit = 1'b1;
            c_slot1 = next_q;
          end else if (v1 && !(hit1 && m1_slot != next_q && h1 != h0)) begin
            // element 1 misses once element 0's fill has taken slot `next` and its index entry
            e0_defer = 1'b1;         // element 1 misses too: its fill from the next cycle
          end else begin
            commit = 1'b1;
          end
        end
      end else begin
        c_slot0 = e0_done_q ? e0_slot_q : m0_slot;
        if (v1 && !hit1) begin
          if (free_s1 && can_fill) begin
            alloc = 1'b1;
            a_slot = s1_pick;
            a_line = line1;
            c_slot1 = s1_pick;
            commit = 1'b1;
          end
        end else begin
          commit = 1'b1;
        end
      end
    end
  end

  // the fill's burst: the line clipped to the buffer's beats [BASE & ~7, (BASE + LIMIT + 7) & ~7).
  // Every line filled holds a valid element, so it lies between the buffer's first and last
  // line: only those two lines are clipped (two equality compares, no magnitude compares).
  logic [32:0] hi_b, hi_m1;
  assign hi_b  = (buf_end + 33'd7) & ~33'd7;
  assign hi_m1 = hi_b - 33'd1;
  logic [3:0] f_first;
  logic [4:0] f_stop, f_beats;
  assign f_first = a_line == base_q[TagW+6:7] ? base_q[6:3] : 4'd0;
  assign f_stop  = a_line == hi_m1[TagW+6:7] ? {1'b0, hi_m1[6:3]} + 5'd1 : 5'd16;
  assign f_beats = f_stop - {1'b0, f_first};
  logic [31:0] f_addr;
  assign f_addr = 32'({a_line, f_first, 3'b000});

  // fills in flight: slot and next beat position in its line
  logic [6*MaxFills-1:0] ff_slot_q;
  logic [4*MaxFills-1:0] ff_pos_q;
  logic [1:0] ff_wp_q, ff_rp_q;
  logic [3:0] r_pos_q;           // position of the next R beat in its line
  logic       r_first_q;         // the next R beat is the first of its fill

  // ---- line buffer: two block-RAM copies, element 0 reads one, element 1 the other ----------
  logic [63:0] mem0 [Lines*16];
  logic [63:0] mem1 [Lines*16];
  logic [5:0]  r_slot;
  logic [3:0]  r_pos;
  assign r_slot = ff_slot_q[6*ff_rp_q +: 6];
  assign r_pos  = r_first_q ? ff_pos_q[4*ff_rp_q +: 4] : r_pos_q;
  always_ff @(posedge clk_i) begin
    if (r_hs) begin
      mem0[{r_slot, r_pos}] <= m_axi_rdata_i;
      mem1[{r_slot, r_pos}] <= m_axi_rdata_i;
    end
  end

  // ---- beat FIFO (plan -> stream) -------------------------------------------------------------------
  // entry: {last, has1, v1, slot1, word1, v0, slot0, word0}
  localparam int unsigned EntryW = 1 + 1 + 1 + 6 + 5 + 1 + 6 + 5;
  logic [EntryW-1:0] fifo_q [BeatFifoDepth];
  logic [FifoAw:0]   fw_q, fr_q;
  logic [EntryW-1:0] push_e, head;
  assign fifo_full = (fw_q - fr_q) == (FifoAw + 1)'(BeatFifoDepth);
  assign push_e = {last_beat, has1, v1, c_slot1, addr1[6:2], v0, c_slot0, addr0[6:2]};
  assign head = fifo_q[fr_q[FifoAw-1:0]];
  logic h_v0, h_v1, h_has1, h_last;
  logic [5:0] h_s0, h_s1;
  logic [4:0] h_w0, h_w1;
  assign {h_last, h_has1, h_v1, h_s1, h_w1, h_v0, h_s0, h_w0} = head;
  logic head_ok, out_load;
  assign head_ok  = fw_q != fr_q && (!h_v0 || rdy_q[h_s0]) && (!h_v1 || rdy_q[h_s1]);
  assign out_load = head_ok && (!m_axis_tvalid_o || m_axis_tready_i);
  // Registered reads in the cycle the beat is loaded (out_load): a slot is rewritten only after
  // its last reader has been handed over, so no read meets a write to its line. The output
  // registers hold while the stream stalls (no read without out_load): TDATA stays stable.
  logic [63:0] q0_q, q1_q;
  always_ff @(posedge clk_i) begin
    if (out_load) begin
      q0_q <= mem0[{h_s0, h_w0[4:1]}];
      q1_q <= mem1[{h_s1, h_w1[4:1]}];
    end
  end
  logic o_v0, o_v1, o_has1, o_w0, o_w1;   // how the loaded beat's words are picked
  logic [31:0] e0w, e1w;
  assign e0w = !o_v0 ? pad_q : (o_w0 ? q0_q[63:32] : q0_q[31:0]);
  assign e1w = !o_has1 ? 32'd0 : !o_v1 ? pad_q : (o_w1 ? q1_q[63:32] : q1_q[31:0]);

  assign plan_act = (accept || (state_q == SRun && planning_q)) && !fifo_full;

  logic        tvalid_q, tlast_q;
  logic [7:0]  tkeep_q;
  assign m_axis_tvalid_o = tvalid_q;
  assign m_axis_tdata_o  = {e1w, e0w};
  assign m_axis_tkeep_o  = tkeep_q;
  assign m_axis_tlast_o  = tlast_q;

  logic        arvalid_q;
  logic [31:0] araddr_q;
  logic [7:0]  arlen_q;
  assign m_axi_arvalid_o = arvalid_q;
  assign m_axi_araddr_o  = araddr_q;
  assign m_axi_arlen_o   = arlen_q;
  assign m_axi_arsize_o  = 3'd3;
  assign m_axi_arburst_o = 2'b01;
  assign m_axi_rready_o  = 1'b1;
  assign vr_err_o = err_q;

  // the tag and the index entry of a fill (no reset: tagv_q says which tags are live)
  always_ff @(posedge clk_i) begin
    if (alloc) begin
      tag_mem[a_slot] <= a_line;
      idx_mem[a_line[IdxW-1:0]] <= a_slot;
    end
  end

  // last readers: both elements' slots of a committed beat (one bank each; the same slot once)
  assign lb_we0 = commit && v0;
  assign lb_we1 = commit && v1 && !(v0 && c_slot1 == c_slot0);
  always_ff @(posedge clk_i) begin
    if (lb_we0) lb0_mem[c_slot0] <= beat_q;
    if (lb_we1) lb1_mem[c_slot1] <= beat_q;
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= SIdle;
      busy_q <= 1'b0; done_q <= 1'b0; err_q <= 1'b0;
      err_code_q <= 4'd0; err_info_q <= 4'd0;
      elems_q <= tp_contract_pkg::VR_ELEMS_RESET;
      lines_q <= tp_contract_pkg::VR_LINES_RESET;
      k_q <= 3'd0;
      idx_q <= '0; off_q <= '0; inm_q <= '1;
      planning_q <= 1'b0; beat_q <= '0; e0_done_q <= 1'b0; e0_slot_q <= '0;
      tagv_q <= '0; rdy_q <= '0; lvt_q <= '0; next_q <= '0;
      inflight_q <= '0; beats_out_q <= '0;
      ff_wp_q <= '0; ff_rp_q <= '0; r_pos_q <= '0; r_first_q <= 1'b1;
      ff_slot_q <= '0; ff_pos_q <= '0;
      fw_q <= '0; fr_q <= '0;
      tvalid_q <= 1'b0; tlast_q <= 1'b0; tkeep_q <= '0;
      o_v0 <= 1'b0; o_v1 <= 1'b0; o_has1 <= 1'b0; o_w0 <= 1'b0; o_w1 <= 1'b0;
      arvalid_q <= 1'b0; araddr_q <= '0; arlen_q <= '0;
    end else begin
      // STATUS W1C (a verdict or START-while-BUSY of this cycle wins below)
      if (w1c_done) done_q <= 1'b0;
      if (w1c_err) begin
        err_q <= 1'b0; err_code_q <= 4'd0; err_info_q <= 4'd0;
      end
      if (start_busy) begin   // the running transfer goes on
        err_q <= 1'b1; err_code_q <= tp_contract_pkg::VR_ERR_BUSY; err_info_q <= NoDim;
      end
      unique case (state_q)
        SIdle: ;
        SVal: begin
          k_q <= k_q - 3'd1;
          if (k_q == 3'd0) state_q <= SCheck;
        end
        SCheck: begin
          if (accept) begin
            state_q <= SRun;
            planning_q <= 1'b1;
            inm_q <= inm0;         // element 0's flags (a commit below moves on)
            elems_q <= {8'd0, nel};
            lines_q <= '0;
          end else begin
            state_q <= SIdle;
            busy_q <= 1'b0;
            err_q <= 1'b1; err_code_q <= chk_code; err_info_q <= chk_info;
          end
        end
        SRun: ;
        default: state_q <= SIdle;
      endcase
      if (start_go) begin
        state_q <= nd == 3'd0 ? SCheck : SVal;
        busy_q <= 1'b1; done_q <= 1'b0;
        k_q <= nd - 3'd1;
        idx_q <= '0; off_q <= offset_q;
        beat_q <= '0; e0_done_q <= 1'b0;
        tagv_q <= '0; next_q <= '0; beats_out_q <= '0;
      end

      // plan stage
      // per-slot decoded writes (a variable part-select write would be a barrel shifter)
      for (int s = 0; s < Lines; s++) begin
        if (alloc && a_slot == 6'(s)) tagv_q[s] <= 1'b1;
        if (lb_we1 && c_slot1 == 6'(s)) lvt_q[s] <= 1'b1;
        else if (lb_we0 && c_slot0 == 6'(s)) lvt_q[s] <= 1'b0;
        if (alloc && a_slot == 6'(s)) rdy_q[s] <= 1'b0;
        else if (r_hs && m_axi_rlast_i && r_slot == 6'(s)) rdy_q[s] <= 1'b1;
      end
      if (alloc) begin
        next_q <= a_slot + 6'd1;
        arvalid_q <= 1'b1;
        araddr_q <= f_addr;
        arlen_q <= {3'd0, f_beats - 5'd1};
        for (int i = 0; i < MaxFills; i++)
          if (ff_wp_q == 2'(i)) begin
            ff_slot_q[6*i +: 6] <= a_slot;
            ff_pos_q[4*i +: 4] <= f_addr[6:3];
          end
        ff_wp_q <= ff_wp_q + 2'd1;
        lines_q <= (accept ? 32'd0 : lines_q) + 32'd1;
      end else if (m_axi_arready_i) begin
        arvalid_q <= 1'b0;
      end
      if (e0_defer) begin
        e0_done_q <= 1'b1;
        e0_slot_q <= a_slot;
      end
      if (commit) begin
        fifo_q[fw_q[FifoAw-1:0]] <= push_e;
        fw_q <= fw_q + 1'b1;
        idx_q <= idx2;
        off_q <= off2;
        inm_q <= inm2;
        beat_q <= beat_q + 24'd1;
        e0_done_q <= 1'b0;
        if (last_beat) planning_q <= 1'b0;
      end
      inflight_q <= inflight_q + 3'(alloc) - 3'(r_last_hs);

      // R beats into the line buffer
      if (r_hs) begin
        r_pos_q <= r_pos + 4'd1;
        r_first_q <= m_axi_rlast_i;
        if (m_axi_rlast_i) ff_rp_q <= ff_rp_q + 2'd1;
      end

      // stream stage
      if (out_load) begin
        tvalid_q <= 1'b1;
        o_v0 <= h_v0; o_v1 <= h_v1; o_has1 <= h_has1; o_w0 <= h_w0[0]; o_w1 <= h_w1[0];
        tkeep_q <= h_has1 ? 8'hFF : 8'h0F;
        tlast_q <= h_last;
        fr_q <= fr_q + 1'b1;
      end else if (m_axis_tready_i) begin
        tvalid_q <= 1'b0;
      end
      if (t_hs) begin
        beats_out_q <= beats_out_q + 24'd1;
        if (m_axis_tlast_o) begin
          state_q <= SIdle;
          busy_q <= 1'b0;
          done_q <= 1'b1;
        end
      end
    end
  end

  logic unused_bits;
  assign unused_bits = ^{m_axi_rresp_i, rd, wr_addr[17:8], rd_addr[17:8], addr0[1:0], addr1[1:0], addr0[31:TagW+7], addr1[31:TagW+7], hi_m1[32:TagW+7], hi_m1[2:0]};

`ifndef SYNTHESIS
  // AXI read: no burst crosses a 4 KB boundary, ARVALID held until ARREADY with a stable
  // payload, 1..16 beats, 8-byte aligned; no R beat without a fill in flight. Stream: TVALID
  // held until TREADY with a stable payload.
  logic        ar_stall_prev, t_stall_prev;
  logic [31:0] araddr_prev;
  logic [7:0]  arlen_prev;
  logic [63:0] tdata_prev;
  logic        tlast_prev;
  always_ff @(posedge clk_i) begin
    ar_stall_prev <= rst_ni && m_axi_arvalid_o && !m_axi_arready_i;
    t_stall_prev  <= rst_ni && m_axis_tvalid_o && !m_axis_tready_i;
    araddr_prev <= m_axi_araddr_o;
    arlen_prev  <= m_axi_arlen_o;
    tdata_prev  <= m_axis_tdata_o;
    tlast_prev  <= m_axis_tlast_o;
    if (rst_ni && m_axi_arvalid_o) begin
      assert ({1'b0, m_axi_araddr_o[11:0]} + 13'({m_axi_arlen_o, 3'b000}) + 13'd8 <= 13'h1000)
        else $error("view reader: AR burst crosses a 4 KB boundary");
      assert (m_axi_arlen_o <= 8'd15 && m_axi_araddr_o[2:0] == 3'b000)
        else $error("view reader: AR burst longer than 16 beats or unaligned");
    end
    if (rst_ni && ar_stall_prev) begin
      assert (m_axi_arvalid_o && m_axi_araddr_o == araddr_prev && m_axi_arlen_o == arlen_prev)
        else $error("view reader: AR changed while stalled");
    end
    if (rst_ni && r_hs) begin
      assert (inflight_q != 3'd0) else $error("view reader: R beat with no fill in flight");
    end
    if (rst_ni && t_stall_prev) begin
      assert (m_axis_tvalid_o && m_axis_tdata_o == tdata_prev && m_axis_tlast_o == tlast_prev)
        else $error("view reader: stream beat changed while stalled");
    end
    if (rst_ni) begin
      assert (inflight_q <= 3'(MaxFills)) else $error("view reader: more than VR_MAX_FILLS fills in flight");
    end
  end
`endif

endmodule
