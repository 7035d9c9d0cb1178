// SPDX-License-Identifier: MIT
// tinypynq — vector unit of docs/hw-spec.md §6.1 with the global-enable pipeline of §8.2.
//
// A command starts with start_i (cycle t0; op_i/size_i/scalar_*_i already validated and stable
// while busy) and is busy in t0+1 .. t_done (the cycle of the handshake of the last R beat, where
// done_o pulses). The pipeline has P slots S_1 .. S_P (P of the opcode); a slot holds a token
// (one output beat: valid, last, partial). In every busy cycle:
//   out_valid = S_P full;  en = !out_valid || R.TREADY
//   can_take  = en && beats taken < NB && (II = 1 || !phi)
//   X.TREADY  = can_take && TVALID of every other streamed operand
//   take      = can_take && TVALID of every streamed operand (no stream: take = can_take)
//   if en: S_P <- ... <- S_1 <- token of the beat taken (or empty); phi <- take (II = 2)
// Datapath, as the slots (every register advances with en only):
//   S_1 input register (both lanes of A, B, C; scalars substituted)
//   lane ops: tp_vec_lane (result at S_(P-1)) -> output register S_P
//   SFU ops (II = 2): element 0 of the beat enters the SFU from S_1, element 1 from S_2 in the
//   next enabled cycle; the SFU result of element 0 is held one cycle and both are loaded into
//   S_P together (P = 1 + D + 1 + 1).
// Warnings: w_range_o (MOD d > 31, SIN |x| > 65536; sticky, final when done_o), w_tlast_o
// (input TLAST not exactly on the last beat of a streamed input, §3).
module tp_vec_unit #(
  // SFU datapaths built (tp_vec_sfu): the top rejects the opcodes of absent ones with BAD_OP
  parameter logic [tp_contract_pkg::SFU_DP_W-1:0] SfuDps = tp_contract_pkg::SFU_DP_ALL
) (
  input  logic        clk_i,
  input  logic        rst_ni,

  input  logic        start_i,
  input  logic [31:0] op_i,
  input  logic [31:0] size_i,
  input  logic [31:0] scalar_a_i,
  input  logic [31:0] scalar_b_i,
  input  logic [31:0] scalar_c_i,

  output logic        busy_o,
  output logic        done_o,
  output logic        w_range_o,
  output logic        w_tlast_o,

  input  logic [63:0] s_axis_a_tdata_i,
  input  logic        s_axis_a_tvalid_i,
  input  logic        s_axis_a_tlast_i,
  output logic        s_axis_a_tready_o,

  input  logic [63:0] s_axis_b_tdata_i,
  input  logic        s_axis_b_tvalid_i,
  input  logic        s_axis_b_tlast_i,
  output logic        s_axis_b_tready_o,

  input  logic [63:0] s_axis_c_tdata_i,
  input  logic        s_axis_c_tvalid_i,
  input  logic        s_axis_c_tlast_i,
  output logic        s_axis_c_tready_o,

  output logic [63:0] m_axis_r_tdata_o,
  output logic [7:0]  m_axis_r_tkeep_o,
  output logic        m_axis_r_tvalid_o,
  output logic        m_axis_r_tlast_o,
  input  logic        m_axis_r_tready_i
);


  // ---------------------------------------------------------------- command registers
  logic        busy_q;
  logic [5:0]  op_q;
  logic        a_str_q, b_str_q, c_str_q;  // operand streamed (not scalar, used by the op)
  logic        ii2_q;
  logic [5:0]  p_q;                        // P
  logic [23:0] nb_q;                       // input/output beats = ceil(N / 2)
  logic        odd_q;                      // N odd: the last beat is partial
  logic [23:0] taken_q;                    // input beats taken
  logic        phi_q;
  logic        w_range_q, w_tlast_q;

  logic       info_valid, info_ii2;
  logic [1:0] info_arity;
  logic [tp_contract_pkg::VEC_LAT_W-1:0] info_lat;
  assign {info_valid, info_arity, info_ii2, info_lat} = tp_contract_pkg::vec_op_info(op_i[tp_contract_pkg::VEC_OP_OPCODE_W-1:0]);

  // token slots: bit k-1 = slot S_k
  logic [tp_contract_pkg::VEC_PMAX-1:0] vld_q, last_q, part_q;

  // ---------------------------------------------------------------- handshakes (§8.2)
  logic out_valid, en, can_take, take, last_beat;
  logic ok_a, ok_b, ok_c;
  logic [5:0] ip, ipm1;

  assign ip        = p_q - 6'd1;                // index of S_P
  assign ipm1      = p_q - 6'd2;                // index of S_(P-1)
  assign out_valid = busy_q && vld_q[ip];
  assign en        = busy_q && (!out_valid || m_axis_r_tready_i);
  assign can_take  = en && (taken_q != nb_q) && (!ii2_q || !phi_q);
  assign ok_a      = !a_str_q || s_axis_a_tvalid_i;
  assign ok_b      = !b_str_q || s_axis_b_tvalid_i;
  assign ok_c      = !c_str_q || s_axis_c_tvalid_i;
  assign take      = can_take && ok_a && ok_b && ok_c;
  assign last_beat = (taken_q == nb_q - 24'd1);

  assign s_axis_a_tready_o = a_str_q && can_take && ok_b && ok_c;
  assign s_axis_b_tready_o = b_str_q && can_take && ok_a && ok_c;
  assign s_axis_c_tready_o = c_str_q && can_take && ok_a && ok_b;

  logic done;
  assign done = out_valid && m_axis_r_tready_i && last_q[ip];

  logic tlast_err;
  assign tlast_err = take && ((a_str_q && (s_axis_a_tlast_i != last_beat)) ||
                              (b_str_q && (s_axis_b_tlast_i != last_beat)) ||
                              (c_str_q && (s_axis_c_tlast_i != last_beat)));

  // ---------------------------------------------------------------- control registers
  logic range_now;   // range warning of the token entering S_P

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      busy_q    <= 1'b0;
      op_q      <= 6'd0;
      a_str_q   <= 1'b0;
      b_str_q   <= 1'b0;
      c_str_q   <= 1'b0;
      ii2_q     <= 1'b0;
      p_q       <= 6'd3;
      nb_q      <= 24'd0;
      odd_q     <= 1'b0;
      taken_q   <= 24'd0;
      phi_q     <= 1'b0;
      w_range_q <= 1'b0;
      w_tlast_q <= 1'b0;
      vld_q     <= '0;
      last_q    <= '0;
      part_q    <= '0;
    end else if (start_i && !busy_q) begin
      busy_q    <= 1'b1;
      op_q      <= op_i[5:0];
      a_str_q   <= !op_i[8];
      b_str_q   <= (info_arity >= 2'd2) && !op_i[9];
      c_str_q   <= (info_arity == 2'd3) && !op_i[10];
      ii2_q     <= info_ii2;
      p_q       <= info_lat;
      nb_q      <= 24'((size_i + 32'd1) >> 1);
      odd_q     <= size_i[0];
      taken_q   <= 24'd0;
      phi_q     <= 1'b0;
      w_range_q <= 1'b0;
      w_tlast_q <= 1'b0;
      vld_q     <= '0;
      last_q    <= '0;
      part_q    <= '0;
    end else begin
      if (done) busy_q <= 1'b0;
      if (take) taken_q <= taken_q + 24'd1;
      if (tlast_err) w_tlast_q <= 1'b1;
      if (en) begin
        vld_q  <= {vld_q[tp_contract_pkg::VEC_PMAX-2:0], take};
        last_q <= {last_q[tp_contract_pkg::VEC_PMAX-2:0], take && last_beat};
        part_q <= {part_q[tp_contract_pkg::VEC_PMAX-2:0], take && last_beat && odd_q};
        if (ii2_q) phi_q <= take;
        if (vld_q[ipm1] && range_now) w_range_q <= 1'b1;
      end
    end
  end

  // ---------------------------------------------------------------- S_1: input register
  logic [31:0] a0_q, a1_q, b0_q, b1_q, c0_q, c1_q;
  logic [31:0] a1_s2_q, b1_s2_q;       // lane 1 of A, B in S_2 (second SFU element)

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      a0_q    <= 32'd0;
      a1_q    <= 32'd0;
      b0_q    <= 32'd0;
      b1_q    <= 32'd0;
      c0_q    <= 32'd0;
      c1_q    <= 32'd0;
      a1_s2_q <= 32'd0;
      b1_s2_q <= 32'd0;
    end else if (en) begin
      a0_q    <= a_str_q ? s_axis_a_tdata_i[31:0]  : scalar_a_i;
      a1_q    <= a_str_q ? s_axis_a_tdata_i[63:32] : scalar_a_i;
      b0_q    <= b_str_q ? s_axis_b_tdata_i[31:0]  : scalar_b_i;
      b1_q    <= b_str_q ? s_axis_b_tdata_i[63:32] : scalar_b_i;
      c0_q    <= c_str_q ? s_axis_c_tdata_i[31:0]  : scalar_c_i;
      c1_q    <= c_str_q ? s_axis_c_tdata_i[63:32] : scalar_c_i;
      a1_s2_q <= a1_q;
      b1_s2_q <= b1_q;
    end
  end

  // ---------------------------------------------------------------- lanes
  logic [31:0] lane0_res, lane1_res;

  tp_vec_lane u_lane0 (
    .clk_i, .rst_ni,
    .en_i  (en),
    .op_i  (op_q),
    .a_i   (a0_q),
    .b_i   (b0_q),
    .c_i   (c0_q),
    .res_o (lane0_res)
  );

  tp_vec_lane u_lane1 (
    .clk_i, .rst_ni,
    .en_i  (en),
    .op_i  (op_q),
    .a_i   (a1_q),
    .b_i   (b1_q),
    .c_i   (c1_q),
    .res_o (lane1_res)
  );

  // ---------------------------------------------------------------- SFU (II = 2)
  logic        sfu_sel0;
  logic [31:0] sfu_x, sfu_y, sfu_res, hold0_q;
  logic        sfu_range, hold0_range_q;

  assign sfu_sel0 = vld_q[0];          // S_1 holds a beat: its element 0; else S_2's element 1
  assign sfu_x    = sfu_sel0 ? a0_q : a1_s2_q;
  assign sfu_y    = sfu_sel0 ? b0_q : b1_s2_q;

  tp_vec_sfu #(.SfuDps (SfuDps)) u_sfu (
    .clk_i, .rst_ni,
    .en_i    (en),
    .op_i    (op_q),
    .x_i     (sfu_x),
    .y_i     (sfu_y),
    .res_o   (sfu_res),
    .range_o (sfu_range)
  );

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      hold0_q       <= 32'd0;
      hold0_range_q <= 1'b0;
    end else if (en) begin
      hold0_q       <= sfu_res;
      hold0_range_q <= sfu_range;
    end
  end

  // ---------------------------------------------------------------- S_P: output register
  logic [31:0] res0, res1;
  logic        part_in;
  always_comb begin
    part_in = part_q[ipm1];
    if (ii2_q) begin
      res0      = hold0_q;
      res1      = sfu_res;
      range_now = hold0_range_q || (sfu_range && !part_in);
    end else begin
      res0      = lane0_res;
      res1      = lane1_res;
      range_now = 1'b0;
    end
  end

  logic [63:0] out_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      out_q <= 64'd0;
    end else if (en) begin
      out_q <= {part_in ? 32'd0 : res1, res0};
    end
  end

  // ---------------------------------------------------------------- outputs
  assign busy_o            = busy_q;
  assign done_o            = done;
  assign w_range_o         = w_range_q;
  assign w_tlast_o         = w_tlast_q;
  assign m_axis_r_tvalid_o = out_valid;
  assign m_axis_r_tdata_o  = out_q;
  assign m_axis_r_tkeep_o  = part_q[ip] ? 8'h0F : 8'hFF;
  assign m_axis_r_tlast_o  = out_valid && last_q[ip];

  logic unused_op;
  assign unused_op = ^{op_i[31:11], op_i[7:6], size_i[31:25], info_valid};

  // ---------------------------------------------------------------- protocol assertions
`ifndef SYNTHESIS
  // R (this unit is the master): TVALID held until TREADY, payload stable while stalled
  logic        r_stall_q;
  logic [63:0] r_data_q;
  logic [7:0]  r_keep_q;
  logic        r_last_q;
  // inputs (the DMAs are the masters): the same rules, checked as assumptions on the stimulus
  // while busy only (the stream router may take a waiting beat away when the route changes,
  // which only happens while no unit is busy)
  logic [2:0]  in_stall_q;
  logic [63:0] in_data_q [3];
  logic [2:0]  in_last_q;

  always_ff @(posedge clk_i) begin
    r_stall_q  <= rst_ni && m_axis_r_tvalid_o && !m_axis_r_tready_i;
    r_data_q   <= m_axis_r_tdata_o;
    r_keep_q   <= m_axis_r_tkeep_o;
    r_last_q   <= m_axis_r_tlast_o;
    in_stall_q <= {rst_ni && busy_q && s_axis_c_tvalid_i && !s_axis_c_tready_o,
                   rst_ni && busy_q && s_axis_b_tvalid_i && !s_axis_b_tready_o,
                   rst_ni && busy_q && s_axis_a_tvalid_i && !s_axis_a_tready_o};
    in_data_q[0] <= s_axis_a_tdata_i;
    in_data_q[1] <= s_axis_b_tdata_i;
    in_data_q[2] <= s_axis_c_tdata_i;
    in_last_q  <= {s_axis_c_tlast_i, s_axis_b_tlast_i, s_axis_a_tlast_i};
  end

  // checked at the clock edge that ends each cycle, against the previous cycle
  always_ff @(posedge clk_i) begin
    if (rst_ni && r_stall_q) begin
      assert (m_axis_r_tvalid_o)
        else $error("tp_vec_unit: R TVALID dropped before TREADY");
      assert (m_axis_r_tdata_o == r_data_q && m_axis_r_tkeep_o == r_keep_q &&
              m_axis_r_tlast_o == r_last_q)
        else $error("tp_vec_unit: R payload changed while stalled");
    end
    if (rst_ni && busy_q && in_stall_q[0]) begin
      assert (s_axis_a_tvalid_i && s_axis_a_tdata_i == in_data_q[0] &&
              s_axis_a_tlast_i == in_last_q[0])
        else $error("tp_vec_unit: stream A beat withdrawn or changed while stalled");
    end
    if (rst_ni && busy_q && in_stall_q[1]) begin
      assert (s_axis_b_tvalid_i && s_axis_b_tdata_i == in_data_q[1] &&
              s_axis_b_tlast_i == in_last_q[1])
        else $error("tp_vec_unit: stream B beat withdrawn or changed while stalled");
    end
    if (rst_ni && busy_q && in_stall_q[2]) begin
      assert (s_axis_c_tvalid_i && s_axis_c_tdata_i == in_data_q[2] &&
              s_axis_c_tlast_i == in_last_q[2])
        else $error("tp_vec_unit: stream C beat withdrawn or changed while stalled");
    end
    // a unit that is not busy never asserts TREADY nor TVALID
    if (rst_ni && !busy_q) begin
      assert (!m_axis_r_tvalid_o && !s_axis_a_tready_o && !s_axis_b_tready_o &&
              !s_axis_c_tready_o)
        else $error("tp_vec_unit: handshake signal while idle");
    end
  end
`endif

endmodule
