// SPDX-License-Identifier: MIT
// tinypynq — MOD (fmodf semantics) of docs/hw-spec.md §4.4/§5.5, 36 registers:
//   1 unpack, flush, specials, exponent difference d = e(a) - e(b), range check (d > 31)
//   2 (register)
//   3..34 exact restoring remainder on the significands, step i active when i <= d:
//         r := 2r (i > 0); if r >= Mb: r := r - Mb
//   35 leading-one detection and normalisation
//   36 pack (exact; flushed if subnormal; ±0 with the sign of a if r = 0)
// Bit-exact with models/fp soft::mod. y_o/range_o = MOD(a, b) of the operands 36 enabled cycles
// earlier; range_o = 1 when d > 31 (result ±0, STATUS.W_RANGE).
module tp_vec_mod
(
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        en_i,
  input  logic [31:0] a_i,
  input  logic [31:0] b_i,
  output logic [31:0] y_o,
  output logic        range_o
);


  localparam int unsigned Steps = 32;

  // ---------------------------------------------------------------- stage 1
  // kinds: 0 compute, 1 NaN, 2 result = a (flushed), 3 out of range (±0, W_RANGE)
  logic [1:0]  kind0;
  logic [31:0] fa, fb;
  logic [8:0]  d9;
  always_comb begin
    fa = tp_vec_pkg::ftz(a_i);
    fb = tp_vec_pkg::ftz(b_i);
    d9 = {1'b0, fa[30:23]} - {1'b0, fb[30:23]};
    if (tp_vec_pkg::is_nan(fa) || tp_vec_pkg::is_nan(fb) || tp_vec_pkg::is_inf(fa) || (fb[30:0] == 31'd0)) begin
      kind0 = 2'd1;
    end else if ((fa[30:0] == 31'd0) || tp_vec_pkg::is_inf(fb) || (fa[30:0] < fb[30:0])) begin
      kind0 = 2'd2;
    end else if (d9 > 9'd31) begin   // |a| >= |b| here, so d9 >= 0
      kind0 = 2'd3;
    end else begin
      kind0 = 2'd0;
    end
  end

  // ---------------------------------------------------------------- stages 1..34
  // g_stage[0]: stage 1 (unpack), g_stage[1]: stage 2 (register), g_stage[i + 2]: remainder
  // step i = 0..31 (active when i <= d): r := 2r (i > 0); if r >= Mb: r := r - Mb
  for (genvar g = 0; g < Steps + 2; g++) begin : g_stage
    logic [1:0]  kind_q, kind_d;
    logic [31:0] a_q, a_d;      // flushed dividend (sign, pass-through value)
    logic [7:0]  eb_q, eb_d;    // exponent of b
    logic [4:0]  d_q, d_d;      // exponent difference (0..31 when computed)
    logic [23:0] mb_q, mb_d;    // significand of b
    logic [24:0] r_q, r_d;      // partial remainder
    if (g == 0) begin : g_first
      assign kind_d = kind0;
      assign a_d    = fa;
      assign eb_d   = fb[30:23];
      assign d_d    = d9[4:0];
      assign mb_d   = {1'b1, fb[22:0]};
      assign r_d    = {2'b01, fa[22:0]};
    end else begin : g_next
      assign kind_d = g_stage[g-1].kind_q;
      assign a_d    = g_stage[g-1].a_q;
      assign eb_d   = g_stage[g-1].eb_q;
      assign d_d    = g_stage[g-1].d_q;
      assign mb_d   = g_stage[g-1].mb_q;
      if (g == 1) begin : g_reg
        assign r_d = g_stage[g-1].r_q;
      end else if (g == 2) begin : g_step0
        // step 0: no shift, always active
        logic ge;
        assign ge  = (g_stage[g-1].r_q >= {1'b0, g_stage[g-1].mb_q});
        assign r_d = g_stage[g-1].r_q - ({1'b0, g_stage[g-1].mb_q} & {25{ge}});
      end else begin : g_step
        localparam logic [4:0] I = 5'(g - 2);
        // branch-free form (masks instead of selects: faster to simulate, same logic)
        logic        act, ge;
        logic [24:0] r2;
        assign act = (I <= g_stage[g-1].d_q);
        assign r2  = g_stage[g-1].r_q << act;
        assign ge  = act & (r2 >= {1'b0, g_stage[g-1].mb_q});
        assign r_d = r2 - ({1'b0, g_stage[g-1].mb_q} & {25{ge}});
      end
    end
    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        kind_q <= 2'd0;
        a_q    <= 32'd0;
        eb_q   <= 8'd0;
        d_q    <= 5'd0;
        mb_q   <= 24'd0;
        r_q    <= 25'd0;
      end else if (en_i) begin
        kind_q <= kind_d;
        a_q    <= a_d;
        eb_q   <= eb_d;
        d_q    <= d_d;
        mb_q   <= mb_d;
        r_q    <= r_d;
      end
    end
  end

  // ---------------------------------------------------------------- stage 35: normalise
  localparam int unsigned Last = Steps + 1;
  logic [1:0]  n_kind_q;
  logic [31:0] n_a_q;
  logic signed [9:0] n_e_q;
  logic [23:0] n_m_q;
  logic        n_zero_q;

  // the exponent difference and b's significand are not needed after the recurrence
  logic unused_norm;
  assign unused_norm = ^{g_stage[Last].d_q, g_stage[Last].mb_q, g_stage[Last].r_q[24]};

  logic [23:0] nr;
  logic [4:0]  np;
  always_comb begin
    nr = g_stage[Last].r_q[23:0];     // r < Mb < 2^24
    np = tp_vec_pkg::msb32({8'd0, nr});
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      n_kind_q <= 2'd0;
      n_a_q    <= 32'd0;
      n_e_q    <= 10'sd0;
      n_m_q    <= 24'd0;
      n_zero_q <= 1'b0;
    end else if (en_i) begin
      n_kind_q <= g_stage[Last].kind_q;
      n_a_q    <= g_stage[Last].a_q;
      n_e_q    <= $signed({2'b00, g_stage[Last].eb_q}) + $signed({5'd0, np}) - 10'sd23;
      n_m_q    <= nr << (5'd23 - np);
      n_zero_q <= (nr == 24'd0);
    end
  end

  // ---------------------------------------------------------------- stage 36: pack
  logic [31:0] res;
  always_comb begin
    unique case (n_kind_q)
      2'd1:    res = tp_vec_pkg::QNaN;
      2'd2:    res = n_a_q;
      2'd3:    res = {n_a_q[31], 31'd0};
      default: res = n_zero_q ? {n_a_q[31], 31'd0}
                              : tp_vec_pkg::round_pack(n_a_q[31], n_e_q, n_m_q, 1'b0, 1'b0);
    endcase
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      y_o     <= 32'd0;
      range_o <= 1'b0;
    end else if (en_i) begin
      y_o     <= res;
      range_o <= (n_kind_q == 2'd3);
    end
  end

endmodule
