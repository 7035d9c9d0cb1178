// SPDX-License-Identifier: MIT
// tinypynq — FDIV of docs/hw-spec.md §5.4 (also RECIP = FDIV(1.0, x)), 28 registers:
//   1 unpack, flush, specials, pre-normalise (quotient in [1, 2))
//   2..27 radix-2 restoring recurrence, one quotient bit per stage (26 bits: 1 integer,
//         23 fraction, guard, round)
//   28 round to nearest even with sticky (remainder != 0), pack, flush after rounding
// Bit-exact with models/fp soft::div. y_o = FDIV(a, b) of the operands 28 enabled cycles earlier.
module tp_vec_div
(
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        en_i,
  input  logic [31:0] a_i,
  input  logic [31:0] b_i,
  output logic [31:0] y_o
);


  localparam int unsigned Steps = 26;

  // ---------------------------------------------------------------- stage 1
  // special kinds: 0 none, 1 NaN, 2 signed inf, 3 signed zero
  logic [1:0]        kind0;
  logic              s0;
  logic signed [9:0] e0;
  logic [23:0]       d0;
  logic [24:0]       r0;
  always_comb begin
    logic [31:0] fa, fb;
    logic        za, zb, ia, ib;
    fa = tp_vec_pkg::ftz(a_i);
    fb = tp_vec_pkg::ftz(b_i);
    za = (fa[30:0] == 31'd0);
    zb = (fb[30:0] == 31'd0);
    ia = tp_vec_pkg::is_inf(fa);
    ib = tp_vec_pkg::is_inf(fb);
    s0 = fa[31] ^ fb[31];
    d0 = {1'b1, fb[22:0]};
    if ({1'b1, fa[22:0]} < {1'b1, fb[22:0]}) begin
      r0 = {1'b1, fa[22:0], 1'b0};
      e0 = $signed({2'b00, fa[30:23]}) - $signed({2'b00, fb[30:23]}) + 10'sd126;
    end else begin
      r0 = {1'b0, 1'b1, fa[22:0]};
      e0 = $signed({2'b00, fa[30:23]}) - $signed({2'b00, fb[30:23]}) + 10'sd127;
    end
    if (tp_vec_pkg::is_nan(fa) || tp_vec_pkg::is_nan(fb)) begin
      kind0 = 2'd1;
    end else if (ia) begin
      kind0 = ib ? 2'd1 : 2'd2;
    end else if (ib) begin
      kind0 = 2'd3;
    end else if (zb) begin
      kind0 = za ? 2'd1 : 2'd2;
    end else if (za) begin
      kind0 = 2'd3;
    end else begin
      kind0 = 2'd0;
    end
  end

  // ---------------------------------------------------------------- stages 1..27 (registers)
  // g_stage[0]: stage 1; g_stage[i]: recurrence step i, one quotient bit per step:
  // q := 2q + (r >= d); r := 2 (r - d) or 2r. Each stage has its own narrow registers.
  for (genvar i = 0; i <= Steps; i++) begin : g_stage
    logic [1:0]        kind_q;
    logic              s_q;
    logic signed [9:0] e_q;
    logic [23:0]       d_q;
    logic [24:0]       r_q;
    logic [25:0]       q_q;
    logic [1:0]        kind_d;
    logic              s_d;
    logic signed [9:0] e_d;
    logic [23:0]       d_d;
    logic [24:0]       r_d;
    logic [25:0]       q_d;
    logic              unused_q;
    assign unused_q = q_q[25];          // only the last stage's top bit is read
    if (i == 0) begin : g_first
      assign kind_d = kind0;
      assign s_d    = s0;
      assign e_d    = e0;
      assign d_d    = d0;
      assign r_d    = r0;
      assign q_d    = 26'd0;
    end else begin : g_step
      // one subtractor: its borrow is the comparison
      logic        ge;
      logic [25:0] diff;
      assign diff   = {1'b0, g_stage[i-1].r_q} - {2'b00, g_stage[i-1].d_q};
      assign ge     = !diff[25];
      assign kind_d = g_stage[i-1].kind_q;
      assign s_d    = g_stage[i-1].s_q;
      assign e_d    = g_stage[i-1].e_q;
      assign d_d    = g_stage[i-1].d_q;
      // branch-free select (masks: faster to simulate, same logic)
      assign r_d    = (g_stage[i-1].r_q ^ ((g_stage[i-1].r_q ^ diff[24:0]) & {25{ge}})) << 1;
      assign q_d    = {g_stage[i-1].q_q[24:0], ge};
    end
    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        kind_q <= 2'd0;
        s_q    <= 1'b0;
        e_q    <= 10'sd0;
        d_q    <= 24'd0;
        r_q    <= 25'd0;
        q_q    <= 26'd0;
      end else if (en_i) begin
        kind_q <= kind_d;
        s_q    <= s_d;
        e_q    <= e_d;
        d_q    <= d_d;
        r_q    <= r_d;
        q_q    <= q_d;
      end
    end
  end

  // ---------------------------------------------------------------- stage 28: round, pack
  logic [31:0] res;
  always_comb begin
    unique case (g_stage[Steps].kind_q)
      2'd1:    res = tp_vec_pkg::QNaN;
      2'd2:    res = {g_stage[Steps].s_q, 8'hFF, 23'd0};
      2'd3:    res = {g_stage[Steps].s_q, 31'd0};
      default: res = tp_vec_pkg::round_pack(g_stage[Steps].s_q, g_stage[Steps].e_q, g_stage[Steps].q_q[25:2], g_stage[Steps].q_q[1],
                                g_stage[Steps].q_q[0] | (g_stage[Steps].r_q != 25'd0));
    endcase
  end

  logic unused_d;
  assign unused_d = ^g_stage[Steps].d_q;   // the divisor is not needed after the last step

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      y_o <= 32'd0;
    end else if (en_i) begin
      y_o <= res;
    end
  end

endmodule
