// SPDX-License-Identifier: MIT
// tinypynq — FSQRT of docs/hw-spec.md §5.4, 28 registers:
//   1 unpack, flush, specials, make the exponent even (significand doubled if needed)
//   2..27 restoring square-root recurrence, one root bit per stage (26 root bits of
//         M = m * 2^27, root in [2^25, 2^26))
//   28 round to nearest even with sticky (remainder != 0), pack
// Bit-exact with models/fp soft::sqrt. y_o = FSQRT(a) of the operand 28 enabled cycles earlier.
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
  // special kinds: 0 none, 1 NaN, 2 the (flushed) operand itself (±0, +inf)
  logic [1:0]  kind0;
  logic [31:0] fa;
  logic [7:0]  e0;
  logic [51:0] op0;
  always_comb begin
    logic [24:0] m;
    fa = tp_vec_pkg::ftz(a_i);
    // e = fa.e - 127; if e is odd (fa.e even) the significand is doubled and e decremented;
    // result exponent = e / 2 + 127 = (fa.e + 127 - odd) / 2
    if (fa[23] == 1'b0) begin
      m  = {1'b1, fa[22:0], 1'b0};
      e0 = 8'(({1'b0, fa[30:23]} + 9'd126) >> 1);
    end else begin
      m  = {1'b0, 1'b1, fa[22:0]};
      e0 = 8'(({1'b0, fa[30:23]} + 9'd127) >> 1);
    end
    op0 = {m, 27'd0};
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
  // g_stage[0]: stage 1; g_stage[i]: recurrence step i with Bit = 2^(52 - 2i):
  //   if op >= res + Bit: op -= res + Bit; res = res / 2 + Bit; else res = res / 2
  for (genvar i = 0; i <= Steps; i++) begin : g_stage
    logic [1:0]  kind_q, kind_d;
    logic [31:0] spec_q, spec_d;
    logic [7:0]  e_q, e_d;
    logic [51:0] op_q, op_d;
    logic [51:0] res_q, res_d;
    if (i == 0) begin : g_first
      assign kind_d = kind0;
      assign spec_d = fa;
      assign e_d    = e0;
      assign op_d   = op0;
      assign res_d  = 52'd0;
    end else begin : g_step
      localparam logic [51:0] Bit = 52'd1 << (52 - 2 * i);
      logic [51:0] t;
      logic        ge;
      assign t      = g_stage[i-1].res_q + Bit;
      assign ge     = (g_stage[i-1].op_q >= t);
      assign kind_d = g_stage[i-1].kind_q;
      assign spec_d = g_stage[i-1].spec_q;
      assign e_d    = g_stage[i-1].e_q;
      // branch-free form (masks instead of selects: faster to simulate, same logic)
      assign op_d   = g_stage[i-1].op_q - (t & {52{ge}});
      assign res_d  = (g_stage[i-1].res_q >> 1) + (Bit & {52{ge}});
    end
    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        kind_q <= 2'd0;
        spec_q <= 32'd0;
        e_q    <= 8'd0;
        op_q   <= 52'd0;
        res_q  <= 52'd0;
      end else if (en_i) begin
        kind_q <= kind_d;
        spec_q <= spec_d;
        e_q    <= e_d;
        op_q   <= op_d;
        res_q  <= res_d;
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
                                g_stage[Steps].res_q[25:2], g_stage[Steps].res_q[1],
                                g_stage[Steps].res_q[0] | (g_stage[Steps].op_q != 52'd0));
    endcase
  end

  logic unused_res;
  assign unused_res = ^g_stage[Steps].res_q[51:26];   // the root has 26 bits

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      y_o <= 32'd0;
    end else if (en_i) begin
      y_o <= res;
    end
  end

endmodule
