// SPDX-License-Identifier: MIT
// tinypynq — FSQRT of docs/hw-spec.md §5.4, 28 registers:
//   1 unpack, flush, specials, make the exponent even (significand doubled if needed)
//   2..27 restoring square-root recurrence, one root bit per stage: the 26-bit integer root of
//         M = m * 2^27 (root in [2^25, 2^26)) and whether M - root^2 is nonzero
//   28 round to nearest even with sticky (remainder != 0), pack
// Bit-exact with models/fp soft::sqrt (the same integer root and remainder; this form keeps a
// 27-bit partial remainder and brings down two radicand bits per step instead of soft::sqrt's
// 52-bit words). y_o = FSQRT(a) of the operand 28 enabled cycles earlier.
module tp_vec_sqrt
(
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        en_i,
  input  logic [31:0] a_i,
  output logic [31:0] y_o
);


  localparam int unsigned Steps = 26;

  // ---------------------------------------------------------------- stage 1
  // ---------------------------------------------------------------- stage 1
  // special kinds: 0 none, 1 NaN, 2 the (flushed) operand itself (±0, +inf)
  logic [1:0]  kind0;
  logic [31:0] fa;
  logic [7:0]  e0;
  logic [24:0] m0;
  always_comb begin
    fa = tp_vec_pkg::ftz(a_i);
    // e = fa.e - 127; if e is odd (fa.e even) the significand is doubled and e decremented;
    // result exponent = e / 2 + 127 = (fa.e + 127 - odd) / 2
    if (fa[23] == 1'b0) begin
      m0 = {1'b1, fa[22:0], 1'b0};
      e0 = 8'(({1'b0, fa[30:23]} + 9'd126) >> 1);
    end else begin
      m0 = {1'b0, 1'b1, fa[22:0]};
      e0 = 8'(({1'b0, fa[30:23]} + 9'd127) >> 1);
    end
    if (tp_vec_pkg::is_nan(fa)) begin
      kind0 = 2'd1;
    end else if (fa[30:0] == 31'd0) begin
      kind0 = 2'd2;                    // sqrt(±0) = ±0
    end else if (fa[31]) begin
      kind0 = 2'd1;                    // negative, including -inf
    end else if (tp_vec_pkg::is_inf(fa)) begin
      kind0 = 2'd2;                    // +inf
    end else begin
      kind0 = 2'd0;
    end
  end

  // ---------------------------------------------------------------- stages 1..27 (registers)
  // g_stage[0]: stage 1; g_stage[i]: step i brings down radicand bits M[53-2i : 52-2i]
  // (M = m << 27: only the first 13 pairs hold bits of m; pair i = m[26-2i : 25-2i]) and decides root bit 26 - i:
  //   t := 4 rem + pair;  if t >= 4 root + 1: rem := t - (4 root + 1), root := 2 root + 1
  //                       else rem := t, root := 2 root
  for (genvar i = 0; i <= Steps; i++) begin : g_stage
    logic [1:0]  kind_q, kind_d;
    logic [31:0] spec_q, spec_d;
    logic [7:0]  e_q, e_d;
    logic [24:0] m_q, m_d;       // significand (radicand bits still to come)
    logic [26:0] rem_q, rem_d;   // partial remainder (<= 2 root)
    logic [25:0] root_q, root_d;
    if (i == 0) begin : g_first
      assign kind_d = kind0;
      assign spec_d = fa;
      assign e_d    = e0;
      assign m_d    = m0;
      assign rem_d  = 27'd0;
      assign root_d = 26'd0;
    end else begin : g_step
      logic [1:0]  pair;
      logic [28:0] t, trial;
      logic [29:0] diff;
      logic        ge;
      if (i <= 12) begin : g_bits2              // both bits from m: m[26-2i : 25-2i]
        assign pair = g_stage[i-1].m_q[26-2*i -: 2];
      end else if (i == 13) begin : g_bit1      // m[0] and the first appended zero
        assign pair = {g_stage[i-1].m_q[0], 1'b0};
      end else begin : g_zero
        assign pair = 2'b00;
      end
      assign t      = {g_stage[i-1].rem_q, pair};
      assign trial  = {1'b0, g_stage[i-1].root_q, 2'b01};
      // one subtractor: its borrow is the comparison; branch-free select (masks)
      assign diff   = {1'b0, t} - {1'b0, trial};
      assign ge     = !diff[29];
      assign rem_d  = 27'(t ^ ((t ^ diff[28:0]) & {29{ge}}));
      assign root_d = {g_stage[i-1].root_q[24:0], ge};
      assign kind_d = g_stage[i-1].kind_q;
      assign spec_d = g_stage[i-1].spec_q;
      assign e_d    = g_stage[i-1].e_q;
      assign m_d    = g_stage[i-1].m_q;
    end
    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        kind_q <= 2'd0;
        spec_q <= 32'd0;
        e_q    <= 8'd0;
        m_q    <= 25'd0;
        rem_q  <= 27'd0;
        root_q <= 26'd0;
      end else if (en_i) begin
        kind_q <= kind_d;
        spec_q <= spec_d;
        e_q    <= e_d;
        m_q    <= m_d;
        rem_q  <= rem_d;
        root_q <= root_d;
      end
    end
  end

  // ---------------------------------------------------------------- stage 28: round, pack
  logic [31:0] res;
  always_comb begin
    unique case (g_stage[Steps].kind_q)
      2'd1:    res = tp_vec_pkg::QNaN;
      2'd2:    res = g_stage[Steps].spec_q;
      default: res = tp_vec_pkg::round_pack(1'b0, $signed({2'b00, g_stage[Steps].e_q}),
                                g_stage[Steps].root_q[25:2], g_stage[Steps].root_q[1],
                                g_stage[Steps].root_q[0] | (g_stage[Steps].rem_q != 27'd0));
    endcase
  end

  logic unused_m;
  assign unused_m = ^g_stage[Steps].m_q;   // all radicand bits are down after step 13

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      y_o <= 32'd0;
    end else if (en_i) begin
      y_o <= res;
    end
  end

endmodule
