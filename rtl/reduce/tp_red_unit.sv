// SPDX-License-Identifier: MIT
// tinypynq — reduce unit of docs/hw-spec.md §6.2 (SUM / MAX over rows of L elements streamed
// row-major on A, two results per output beat on R), timed by the global-enable pipeline of
// §8.2 with P_RED = 24: an input beat taken in enabled cycle c carries its output token (if
// any) to the output register S_24 in enabled cycle c + 24; an output stall (TVALID and not
// TREADY) freezes the whole unit, input acceptance included.
//
// SUM datapath (order of §6.2, decides the bits): element i of a row goes to partial i mod 8.
// The first element of each partial (i < 8) is FADD(-0, x) = canon(x), taken from a 4-stage
// canon line; later ones are FADD(P_j, x) on the partial's own 4-stage tp_fp_add, whose
// previous result for that partial is exactly 4 enabled cycles old (or parked in acc_j). Both
// results appear at stage 5; a partial's row-final result goes to fin[row parity][j]
// (double-buffered: row r+2 cannot write before row r's pairs have read), readable at stage 6.
// Tree, 5 tp_fp_add instead of 7: a level-1 pair k = (P_2k, P_2k+1) is added as soon as both
// partials are final, at stage 6 of the beat holding the later of their last elements (the
// "completion"; rule in the lane metadata below). A beat holds two elements, and one beat can
// complete two pairs: the last beat of an odd row for odd L (L = 9: positions 7 and 8 complete
// pairs 3 and 0), so level 1 has two adders, one per pair class k mod 2 (those two pairs are
// adjacent, hence of different classes; every other beat completes at most one pair). Results
// reach stage 10 and wait in hold_q[k] until the row's last beat reaches stage 10 (or bypass
// it when they complete in that beat). Levels 2 (one adder per quad, both quads can complete
// in the last beat) and 3 then run as before: last beat stage 6 -> 10 -> 14 -> 18. Absent
// operands are -0 (FADD(x, -0) = x for canonical x): a pair whose P_2k+1 is masked (j >= L)
// is issued as FADD(P_2k, -0), a pair with no partial (2k >= L) enters level 2 as -0.
// MAX: running max at stage 1, issued at the row's last beat as pair 0 = FADD(max, -0) with
// the other pairs -0, so it arrives at stage 18 too.
// L = 1: both lanes end a row; the results canon(x) go through a 17-stage line to stage 18.
// Stage 18 pairs rows 2b and 2b+1 into output beat b; stages 19..24 carry it to S_24.
module tp_red_unit (
  input  logic        clk_i,
  input  logic        rst_ni,
  // command (start_i: 1-cycle pulse in the cycle t0 of an accepted START)
  input  logic        start_i,
  input  logic [31:0] op_i,      // bit 0: 0 SUM, 1 MAX
  input  logic [31:0] size0_i,   // ROWS
  input  logic [31:0] size1_i,   // L
  output logic        busy_o,    // t0+1 .. t_done
  output logic        done_o,    // pulse in t_done (handshake of the last output beat)
  output logic        w_range_o, // never (reduce has no range warning)
  output logic        w_tlast_o, // pulse: input TLAST wrong on a taken beat
  // stream A
  input  logic [63:0] s_axis_a_tdata_i,
  input  logic        s_axis_a_tvalid_i,
  input  logic        s_axis_a_tlast_i,
  output logic        s_axis_a_tready_o,
  // stream R
  output logic [63:0] m_axis_r_tdata_o,
  output logic [7:0]  m_axis_r_tkeep_o,
  output logic        m_axis_r_tvalid_o,
  output logic        m_axis_r_tlast_o,
  input  logic        m_axis_r_tready_i
);

  localparam logic [31:0] QNaN = 32'h7FC0_0000, NegZero = 32'h8000_0000;

  // (no `return`: yosys 0.23 does not accept it)
  function automatic logic [31:0] fp_canon(input logic [31:0] x);
    if (x[30:23] == 8'd0) fp_canon = {x[31], 31'd0};
    else if (x[30:23] == 8'hFF && x[22:0] != 23'd0) fp_canon = QNaN;
    else fp_canon = x;
  endfunction

  // MAX of §4.3 (NaN-propagating, -0 < +0, result = one flushed operand)
  function automatic logic [31:0] fp_max(input logic [31:0] a, input logic [31:0] b);
    logic [31:0] fa, fb, ka, kb;
    fa = fp_canon(a);
    fb = fp_canon(b);
    ka = fa[31] ? {1'b0, ~fa[30:0]} : {1'b1, fa[30:0]};
    kb = fb[31] ? {1'b0, ~fb[30:0]} : {1'b1, fb[30:0]};
    if (fa == QNaN || fb == QNaN) fp_max = QNaN;
    else fp_max = (kb > ka) ? fb : fa;
  endfunction

  // ------------------------------------------------------------------ command and control
  logic        busy_q, all_taken_q, max_q, l1_q;
  logic [23:0] rows_m1_q, len_m1_q, len_q, row_q, pos_q;
  logic [7:0]  lmask_q;  // partial j receives elements (j < L)

  logic out_v, en, can_take, take, out_hs;
  logic o_last;

  assign out_v    = m_axis_r_tvalid_o;
  assign en       = !out_v || m_axis_r_tready_i;
  assign can_take = busy_q && en && !all_taken_q;
  assign take     = can_take && s_axis_a_tvalid_i;
  assign out_hs   = out_v && m_axis_r_tready_i;
  assign s_axis_a_tready_o = can_take;

  // lane metadata of the beat at the input
  logic [23:0] pos0, pos1, row1;
  logic        end0, end1, lastrow0, lastrow1, last0, v1, last1, lastbeat;
  logic        first0, first1, fin0, fin1, cp0, cp1;
  always_comb begin
    pos0     = pos_q;
    end0     = (pos0 == len_m1_q);
    lastrow0 = (row_q == rows_m1_q);
    last0    = end0 && lastrow0;
    pos1     = end0 ? 24'd0 : pos0 + 24'd1;
    row1     = end0 ? row_q + 24'd1 : row_q;
    v1       = !last0;
    end1     = (pos1 == len_m1_q);
    lastrow1 = (row1 == rows_m1_q);
    last1    = v1 && end1 && lastrow1;
    lastbeat = last0 || last1;
    first0   = (pos0 < 24'd8);
    first1   = (pos1 < 24'd8);
    fin0     = ({1'b0, pos0} + 25'd8 >= {1'b0, len_q});
    fin1     = ({1'b0, pos1} + 25'd8 >= {1'b0, len_q});
    // the element completes pair j/2 (j = pos mod 8): odd j when the partner's last element
    // (pos-1) is final too, even j only at the row's end, when the partner's last element was
    // pos-7 (L >= 8) or the partner is masked (L = pos+1 < 8)
    cp0      = pos0[0] ? ({1'b0, pos0} + 25'd7 >= {1'b0, len_q}) : end0;
    cp1      = pos1[0] ? ({1'b0, pos1} + 25'd7 >= {1'b0, len_q}) : end1;
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      busy_q      <= 1'b0;
      all_taken_q <= 1'b1;
      max_q       <= 1'b0;
      l1_q        <= 1'b0;
      rows_m1_q   <= 24'd0;
      len_m1_q    <= 24'd0;
      len_q       <= 24'd0;
      lmask_q     <= 8'd0;
      row_q       <= 24'd0;
      pos_q       <= 24'd0;
    end else if (start_i) begin
      busy_q      <= 1'b1;
      all_taken_q <= 1'b0;
      max_q       <= op_i[0];
      l1_q        <= (size1_i[23:0] == 24'd1);
      rows_m1_q   <= size0_i[23:0] - 24'd1;
      len_m1_q    <= size1_i[23:0] - 24'd1;
      len_q       <= size1_i[23:0];
      for (int j = 0; j < 8; j++) lmask_q[j] <= (size1_i[23:0] > 24'(j));
      row_q       <= 24'd0;
      pos_q       <= 24'd0;
    end else begin
      if (take) begin
        pos_q <= end1 ? 24'd0 : pos1 + 24'd1;
        row_q <= end1 ? row1 + 24'd1 : row1;
        if (lastbeat) all_taken_q <= 1'b1;
      end
      if (out_hs && o_last) busy_q <= 1'b0;
    end
  end

  assign busy_o    = busy_q;
  assign done_o    = out_hs && o_last;
  assign w_range_o = 1'b0;
  assign w_tlast_o = take && (s_axis_a_tlast_i != lastbeat);

  // ------------------------------------------------------------------ stage 1
  logic        s1_v, s1_v1, s1_first0, s1_first1, s1_fin0, s1_fin1, s1_end0, s1_end1;
  logic        s1_par0, s1_par1, s1_lastrow0, s1_lastrow1, s1_last, s1_start0, s1_cp0, s1_cp1;
  logic [2:0]  s1_j0, s1_j1;
  logic [31:0] s1_x0, s1_x1;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      {s1_v, s1_v1, s1_first0, s1_first1, s1_fin0, s1_fin1, s1_end0, s1_end1} <= 8'd0;
      {s1_par0, s1_par1, s1_lastrow0, s1_lastrow1, s1_last, s1_start0, s1_cp0, s1_cp1} <= 8'd0;
      {s1_j0, s1_j1, s1_x0, s1_x1} <= 70'd0;
    end else if (en) begin
      s1_v        <= take;
      s1_v1       <= take && v1;
      s1_first0   <= first0;
      s1_first1   <= first1;
      s1_fin0     <= fin0;
      s1_fin1     <= fin1;
      s1_end0     <= end0;
      s1_end1     <= end1;
      s1_par0     <= row_q[0];
      s1_par1     <= row1[0];
      s1_lastrow0 <= lastrow0;
      s1_lastrow1 <= lastrow1;
      s1_last     <= lastbeat;
      s1_start0   <= (pos0 == 24'd0);
      s1_cp0      <= cp0;
      s1_cp1      <= cp1;
      s1_j0       <= pos0[2:0];
      s1_j1       <= pos1[2:0];
      s1_x0       <= s_axis_a_tdata_i[31:0];
      s1_x1       <= s_axis_a_tdata_i[63:32];
    end
  end

  // ------------------------------------------------------------------ MAX (stage 1)
  logic [31:0] accm_q, m0, m1, mres;
  assign m0   = s1_start0 ? fp_canon(s1_x0) : fp_max(accm_q, s1_x0);
  assign m1   = s1_end0 ? fp_canon(s1_x1) : fp_max(m0, s1_x1);
  assign mres = s1_end0 ? m0 : m1;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) accm_q <= 32'd0;
    else if (en && s1_v) accm_q <= s1_v1 ? m1 : m0;
  end

  // ------------------------------------------------------------------ canon lines (stage 1 -> 5)
  // per lane: {valid, final, parity, partial[2:0], canon(x)}
  logic [37:0] cl_in0, cl_in1, cl_out0, cl_out1;
  assign cl_in0 = {s1_v && s1_first0, s1_fin0, s1_par0, s1_j0, fp_canon(s1_x0)};
  assign cl_in1 = {s1_v1 && s1_first1, s1_fin1, s1_par1, s1_j1, fp_canon(s1_x1)};
  tp_pipe #(.Width(38), .Depth(4)) u_cl0 (
    .clk_i (clk_i), .rst_ni (rst_ni), .en_i (en), .d_i (cl_in0), .q_o (cl_out0)
  );
  tp_pipe #(.Width(38), .Depth(4)) u_cl1 (
    .clk_i (clk_i), .rst_ni (rst_ni), .en_i (en), .d_i (cl_in1), .q_o (cl_out1)
  );

  // ------------------------------------------------------------------ 8 partial accumulators
  logic [255:0] fin0_all, fin1_all;   // row-final partials of even / odd rows, 8 x 32 bits

  for (genvar j = 0; j < 8; j++) begin : g_part
    logic        use0, use1, iss;
    logic [31:0] x, acc_q, bypass, y, fin0_q, fin1_q;
    logic [2:0]  tag_in, tag_out;   // {valid, final, parity}
    logic        nf_fadd, nf_c0, nf_c1, f_fadd, f_c0, f_c1;

    assign use0 = s1_v && s1_j0 == 3'(j) && !s1_first0;
    assign use1 = s1_v1 && s1_j1 == 3'(j) && !s1_first1;
    assign iss  = use0 || use1;
    assign x    = use0 ? s1_x0 : s1_x1;

    // results appearing at stage 5 for this partial
    assign nf_fadd = tag_out[2] && !tag_out[1];
    assign f_fadd  = tag_out[2] && tag_out[1];
    assign nf_c0   = cl_out0[37] && !cl_out0[36] && cl_out0[34:32] == 3'(j);
    assign nf_c1   = cl_out1[37] && !cl_out1[36] && cl_out1[34:32] == 3'(j);
    assign f_c0    = cl_out0[37] && cl_out0[36] && cl_out0[34:32] == 3'(j);
    assign f_c1    = cl_out1[37] && cl_out1[36] && cl_out1[34:32] == 3'(j);

    always_comb begin
      bypass = acc_q;
      if (nf_fadd) bypass = y;
      else if (nf_c0) bypass = cl_out0[31:0];
      else if (nf_c1) bypass = cl_out1[31:0];
    end

    tp_fp_add u_acc (
      .clk_i (clk_i), .rst_ni (rst_ni), .en_i (en), .a_i (bypass), .b_i (x), .y_o (y)
    );
    assign tag_in = {iss, use0 ? s1_fin0 : s1_fin1, use0 ? s1_par0 : s1_par1};
    tp_pipe #(.Width(3), .Depth(4)) u_tag (
      .clk_i (clk_i), .rst_ni (rst_ni), .en_i (en), .d_i (tag_in), .q_o (tag_out)
    );

    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        acc_q  <= 32'd0;
        fin0_q <= 32'd0;
        fin1_q <= 32'd0;
      end else if (en) begin
        if (nf_fadd || nf_c0 || nf_c1) acc_q <= bypass;
        if (f_fadd && !tag_out[0]) fin0_q <= y;
        if (f_fadd && tag_out[0]) fin1_q <= y;
        if (f_c0 && !cl_out0[35]) fin0_q <= cl_out0[31:0];
        if (f_c0 && cl_out0[35]) fin1_q <= cl_out0[31:0];
        if (f_c1 && !cl_out1[35]) fin0_q <= cl_out1[31:0];
        if (f_c1 && cl_out1[35]) fin1_q <= cl_out1[31:0];
      end
    end
    assign fin0_all[32 * j +: 32] = fin0_q;
    assign fin1_all[32 * j +: 32] = fin1_q;

`ifndef SYNTHESIS
    // one result per partial register and cycle (the hazard-freedom argument of §6.2)
    always_ff @(posedge clk_i) begin
      if (rst_ni && en) begin
        assert (32'(nf_fadd) + 32'(nf_c0) + 32'(nf_c1) <= 1) else $error("partial %0d: two live results", j);
        assert (!(f_fadd && f_c0 && tag_out[0] == cl_out0[35])) else $error("partial %0d: fin clash", j);
        assert (!(f_fadd && f_c1 && tag_out[0] == cl_out1[35])) else $error("partial %0d: fin clash", j);
        assert (!(f_c0 && f_c1 && cl_out0[35] == cl_out1[35])) else $error("partial %0d: fin clash", j);
      end
    end
`endif
  end

  // ------------------------------------------------------------------ row-end tag (stage 1 -> 6)
  // {valid, parity, last row, MAX result}
  logic        rowend;
  logic [34:0] rt_in, rt6;
  assign rowend = s1_v && (s1_end0 || (s1_v1 && s1_end1));
  assign rt_in  = {rowend, s1_end0 ? s1_par0 : s1_par1,
                   s1_end0 ? s1_lastrow0 : s1_lastrow1, mres};
  tp_pipe #(.Width(35), .Depth(5)) u_rt (
    .clk_i (clk_i), .rst_ni (rst_ni), .en_i (en), .d_i (rt_in), .q_o (rt6)
  );

  // ------------------------------------------------------------------ level 1 (stage 6 -> 10)
  // per lane: {completes a pair, parity, pair index}; L = 1 has its own path, MAX its own issue
  logic [7:0] ct_in, ct6;
  logic       sum_rows;
  assign sum_rows = !max_q && !l1_q;
  assign ct_in = {s1_v1 && s1_cp1 && sum_rows, s1_par1, s1_j1[2:1],
                  s1_v && s1_cp0 && sum_rows, s1_par0, s1_j0[2:1]};
  tp_pipe #(.Width(8), .Depth(5)) u_ct (
    .clk_i (clk_i), .rst_ni (rst_ni), .en_i (en), .d_i (ct_in), .q_o (ct6)
  );

  // adder c adds pairs c and c+2 (kh = pair index bit 1); its tag {valid, kh} rides along
  logic [1:0]  l1_iss, l1_v10, l1_kh10;
  logic [63:0] l1_y;
  for (genvar c = 0; c < 2; c++) begin : g_l1
    logic        sel0, sel1, miss, par, kh, mb;
    logic [31:0] pa, pb;
    logic [1:0]  tag10;
    assign sel0 = ct6[3] && ct6[0] == 1'(c);
    assign sel1 = ct6[7] && ct6[4] == 1'(c);
    assign miss = (c == 0) && max_q && rt6[34];
    assign par  = sel0 ? ct6[2] : ct6[6];
    assign kh   = sel0 ? ct6[1] : ct6[5];
    // P_2k and P_2k+1 of the completing row (k = 2 kh + c)
    assign pa   = par ? (kh ? fin1_all[64 * c + 128 +: 32] : fin1_all[64 * c +: 32])
                      : (kh ? fin0_all[64 * c + 128 +: 32] : fin0_all[64 * c +: 32]);
    assign pb   = par ? (kh ? fin1_all[64 * c + 160 +: 32] : fin1_all[64 * c + 32 +: 32])
                      : (kh ? fin0_all[64 * c + 160 +: 32] : fin0_all[64 * c + 32 +: 32]);
    assign mb   = kh ? lmask_q[2 * c + 5] : lmask_q[2 * c + 1];
    assign l1_iss[c] = sel0 || sel1 || miss;
    tp_fp_add u_add (
      .clk_i (clk_i), .rst_ni (rst_ni), .en_i (en), .a_i (miss ? rt6[31:0] : pa),
      .b_i ((miss || !mb) ? NegZero : pb), .y_o (l1_y[32 * c +: 32])
    );
    tp_pipe #(.Width(2), .Depth(4)) u_tag (
      .clk_i (clk_i), .rst_ni (rst_ni), .en_i (en), .d_i ({l1_iss[c], kh && !miss}), .q_o (tag10)
    );
    assign l1_v10[c]  = tag10[1];
    assign l1_kh10[c] = tag10[0];
`ifndef SYNTHESIS
    // the schedule argument of the header: at most one issue per level-1 adder and beat
    always_ff @(posedge clk_i) begin
      if (rst_ni && en) assert (32'(sel0) + 32'(sel1) + 32'(miss) <= 1)
        else $error("level-1 adder %0d: two issues in one beat", c);
    end
`endif
  end

  // ------------------------------------------------------------------ hold (stage 10)
  // Pair results wait for the row's last beat. No per-row copy is needed: pairs of row r+1
  // complete only in beats after row r's last one (the straddling beat's row-(r+1) element is
  // position 0, which completes nothing for L >= 2), so they write after row r has read.
  logic [127:0] hold_q, pv;
  logic [3:0]   l1_hit;
  logic [2:0]   rt10;   // {valid, parity, last row}
  tp_pipe #(.Width(3), .Depth(4)) u_rt10 (
    .clk_i (clk_i), .rst_ni (rst_ni), .en_i (en), .d_i (rt6[34:32]), .q_o (rt10)
  );
  for (genvar k = 0; k < 4; k++) begin : g_hold
    logic pm;   // pair k has a partial (MAX: pair 0 only)
    assign l1_hit[k] = l1_v10[k % 2] && l1_kh10[k % 2] == 1'(k / 2);
    assign pm = max_q ? (k == 0) : lmask_q[2 * k];
    assign pv[32 * k +: 32] = !pm ? NegZero : l1_hit[k] ? l1_y[32 * (k % 2) +: 32]
                                                        : hold_q[32 * k +: 32];
    always_ff @(posedge clk_i) begin
      if (!rst_ni) hold_q[32 * k +: 32] <= 32'd0;
      else if (en && l1_hit[k]) hold_q[32 * k +: 32] <= l1_y[32 * (k % 2) +: 32];
    end
  end

`ifndef SYNTHESIS
  // hold_q[k] is written once per row and read (or bypassed) by that row's last beat at stage
  // 10: a second write before that read, or a real pair that never completed, is a bug. Levels
  // 2 and 3 issue only at a row's last beat, at most one per beat (L >= 2), by construction.
  logic [3:0] pend_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) pend_q <= 4'd0;
    else if (en) begin
      for (int k = 0; k < 4; k++) begin
        if (rt10[2]) begin
          assert (!(l1_hit[k] && pend_q[k])) else $error("pair %0d: completed twice", k);
          if (!l1_q && (max_q ? k == 0 : lmask_q[2 * k]))
            assert (l1_hit[k] || (pend_q[k] && !max_q)) else $error("pair %0d: missing", k);
          pend_q[k] <= 1'b0;
        end else if (l1_hit[k]) begin
          assert (!pend_q[k]) else $error("pair %0d: hold overwritten before use", k);
          pend_q[k] <= 1'b1;
        end
      end
    end
  end
`endif

  // ------------------------------------------------------------------ levels 2 and 3 (10 -> 18)
  logic [63:0]  t2;
  logic [31:0]  t3;
  for (genvar i = 0; i < 2; i++) begin : g_t2
    tp_fp_add u_add (
      .clk_i (clk_i), .rst_ni (rst_ni), .en_i (en), .a_i (pv[64 * i +: 32]),
      .b_i (pv[64 * i + 32 +: 32]), .y_o (t2[32 * i +: 32])
    );
  end
  tp_fp_add u_t3 (
    .clk_i (clk_i), .rst_ni (rst_ni), .en_i (en), .a_i (t2[31:0]), .b_i (t2[63:32]), .y_o (t3)
  );

  logic [2:0] rt18;   // {valid, parity, last row}
  tp_pipe #(.Width(3), .Depth(8)) u_rt18 (
    .clk_i (clk_i), .rst_ni (rst_ni), .en_i (en), .d_i (rt10), .q_o (rt18)
  );

  // ------------------------------------------------------------------ L = 1 (stage 1 -> 18)
  // {valid, lane 1 valid, last, lane 1, lane 0}
  logic [66:0] l1_in, l1_18;
  assign l1_in = {s1_v, s1_v1, s1_last, s1_v1 ? fp_canon(s1_x1) : 32'd0, fp_canon(s1_x0)};
  tp_pipe #(.Width(67), .Depth(17)) u_l1 (
    .clk_i (clk_i), .rst_ni (rst_ni), .en_i (en), .d_i (l1_in), .q_o (l1_18)
  );

  // ------------------------------------------------------------------ stage 18: pair rows
  logic [31:0] lo_q;
  logic        b18_v, b18_last, b18_full;
  logic [63:0] b18_data;
  always_comb begin
    b18_v    = 1'b0;
    b18_last = 1'b0;
    b18_full = 1'b1;
    b18_data = 64'd0;
    if (l1_q) begin
      b18_v    = l1_18[66];
      b18_full = l1_18[65];
      b18_last = l1_18[64];
      b18_data = l1_18[63:0];
    end else if (rt18[2]) begin
      if (rt18[1]) begin            // odd row: completes the beat
        b18_v    = 1'b1;
        b18_last = rt18[0];
        b18_data = {t3, lo_q};
      end else if (rt18[0]) begin   // even last row: half beat
        b18_v    = 1'b1;
        b18_last = 1'b1;
        b18_full = 1'b0;
        b18_data = {32'd0, t3};
      end
    end
  end
  always_ff @(posedge clk_i) begin
    if (!rst_ni) lo_q <= 32'd0;
    else if (en && !l1_q && rt18[2] && !rt18[1]) lo_q <= t3;
  end

  // ------------------------------------------------------------------ stages 19..24 -> S_24
  logic [66:0] o24;   // {valid, last, full, data}
  tp_pipe #(.Width(67), .Depth(6)) u_out (
    .clk_i (clk_i), .rst_ni (rst_ni), .en_i (en), .d_i ({b18_v, b18_last, b18_full, b18_data}),
    .q_o (o24)
  );
  assign o_last            = o24[65];
  assign m_axis_r_tvalid_o = o24[66];
  assign m_axis_r_tlast_o  = o24[65];
  assign m_axis_r_tkeep_o  = o24[64] ? 8'hFF : 8'h0F;
  assign m_axis_r_tdata_o  = o24[63:0];

  logic unused;
  assign unused = ^{op_i[31:1], size0_i[31:24], size1_i[31:24], s1_end1, s1_last};

`ifndef SYNTHESIS
  // stream handshake rules: R holds TVALID and its data until TREADY
  logic        r_stall_q;
  logic [72:0] r_prev_q;
  always_ff @(posedge clk_i) begin
    r_stall_q <= rst_ni && m_axis_r_tvalid_o && !m_axis_r_tready_i;
    r_prev_q  <= {m_axis_r_tlast_o, m_axis_r_tkeep_o, m_axis_r_tdata_o};
    if (rst_ni && r_stall_q) begin
      assert (m_axis_r_tvalid_o) else $error("reduce: R TVALID dropped before TREADY");
      assert ({m_axis_r_tlast_o, m_axis_r_tkeep_o, m_axis_r_tdata_o} == r_prev_q)
        else $error("reduce: R data changed while stalled");
    end
    if (rst_ni && !busy_q) begin
      assert (!s_axis_a_tready_o && !m_axis_r_tvalid_o) else $error("reduce: stream activity while idle");
    end
  end
`endif

endmodule
