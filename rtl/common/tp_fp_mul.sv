// SPDX-License-Identifier: MIT
// tinypynq — binary32 multiplier FMUL of docs/hw-spec.md §4.1/§4.2, 3 pipeline registers (L_M = 3).
//
//   y_o = FMUL(a, b) of the operands presented 3 enabled cycles earlier: inputs flushed, exact
//   24x24-bit significand product, IEEE RNE with the subnormal format, then flush after rounding
//   (a product in [2^-126 - 2^-150, 2^-126) rounds up to 2^-126 and is kept), overflow -> ±inf,
//   0 x inf -> canonical NaN 0x7FC0_0000.  Same algorithm as models/fp soft::mul.
//
// Stages (every register advances only when en_i = 1):
//   1 unpack, flush, specials, 24x24 product (DSP48E1 pair), exponent sum
//   2 normalise (product in [2^46, 2^48): one-bit shift), guard and sticky
//   3 round to nearest even, pack           -> y_o (registered)
module tp_fp_mul (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        en_i,
  input  logic [31:0] a_i,
  input  logic [31:0] b_i,
  output logic [31:0] y_o
);

  localparam logic [31:0] QNaN = 32'h7FC0_0000;

  // ---------------------------------------------------------------- stage 1
  logic [31:0] fa, fb;
  logic        nan_a, nan_b, inf_a, inf_b, zero_a, zero_b, sign;
  logic        s1_special;
  logic [31:0] s1_spec_val;
  logic [47:0] prod;
  logic signed [9:0] esum;

  always_comb begin
    fa = (a_i[30:23] == 8'd0) ? {a_i[31], 31'd0} : a_i;
    fb = (b_i[30:23] == 8'd0) ? {b_i[31], 31'd0} : b_i;
    nan_a  = (fa[30:23] == 8'hFF) && (fa[22:0] != 23'd0);
    nan_b  = (fb[30:23] == 8'hFF) && (fb[22:0] != 23'd0);
    inf_a  = (fa[30:23] == 8'hFF) && (fa[22:0] == 23'd0);
    inf_b  = (fb[30:23] == 8'hFF) && (fb[22:0] == 23'd0);
    zero_a = (fa[30:0] == 31'd0);
    zero_b = (fb[30:0] == 31'd0);
    sign   = fa[31] ^ fb[31];

    s1_special  = 1'b1;
    s1_spec_val = {sign, 31'd0};
    if (nan_a || nan_b) begin
      s1_spec_val = QNaN;
    end else if (inf_a || inf_b) begin
      s1_spec_val = (zero_a || zero_b) ? QNaN : {sign, 8'hFF, 23'd0};
    end else if (zero_a || zero_b) begin
      s1_spec_val = {sign, 31'd0};
    end else begin
      s1_special  = 1'b0;
    end
    prod = {24'd0, 1'b1, fa[22:0]} * {24'd0, 1'b1, fb[22:0]};
    esum = $signed({2'b00, fa[30:23]}) + $signed({2'b00, fb[30:23]}) - 10'sd127;
  end

  logic        s1_special_q;
  logic [31:0] s1_spec_val_q;
  logic        s1_sign_q;
  logic signed [9:0] s1_exp_q;
  logic [47:0] s1_prod_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      s1_special_q  <= 1'b0;
      s1_spec_val_q <= 32'd0;
      s1_sign_q     <= 1'b0;
      s1_exp_q      <= 10'sd0;
      s1_prod_q     <= 48'd0;
    end else if (en_i) begin
      s1_special_q  <= s1_special;
      s1_spec_val_q <= s1_spec_val;
      s1_sign_q     <= sign;
      s1_exp_q      <= esum;
      s1_prod_q     <= prod;
    end
  end

  // ---------------------------------------------------------------- stage 2: normalise
  logic [23:0] mant;
  logic        guard, sticky;
  logic signed [9:0] nexp;

  always_comb begin
    if (s1_prod_q[47]) begin
      mant   = s1_prod_q[47:24];
      guard  = s1_prod_q[23];
      sticky = |s1_prod_q[22:0];
      nexp   = s1_exp_q + 10'sd1;
    end else begin
      mant   = s1_prod_q[46:23];
      guard  = s1_prod_q[22];
      sticky = |s1_prod_q[21:0];
      nexp   = s1_exp_q;
    end
  end

  logic        s2_special_q;
  logic [31:0] s2_spec_val_q;
  logic        s2_sign_q;
  logic signed [9:0] s2_exp_q;
  logic [23:0] s2_mant_q;
  logic        s2_guard_q, s2_sticky_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      s2_special_q  <= 1'b0;
      s2_spec_val_q <= 32'd0;
      s2_sign_q     <= 1'b0;
      s2_exp_q      <= 10'sd0;
      s2_mant_q     <= 24'd0;
      s2_guard_q    <= 1'b0;
      s2_sticky_q   <= 1'b0;
    end else if (en_i) begin
      s2_special_q  <= s1_special_q;
      s2_spec_val_q <= s1_spec_val_q;
      s2_sign_q     <= s1_sign_q;
      s2_exp_q      <= nexp;
      s2_mant_q     <= mant;
      s2_guard_q    <= guard;
      s2_sticky_q   <= sticky;
    end
  end

  // ---------------------------------------------------------------- stage 3: round, pack
  logic [24:0] rnd;
  logic signed [9:0] rexp;
  logic [31:0] result;

  always_comb begin
    rnd  = {1'b0, s2_mant_q} + {24'd0, s2_guard_q & (s2_sticky_q | s2_mant_q[0])};
    rexp = s2_exp_q + (rnd[24] ? 10'sd1 : 10'sd0);
    if (s2_special_q) begin
      result = s2_spec_val_q;
    end else if (s2_exp_q < 10'sd1) begin
      // tiny: IEEE rounding on the subnormal grid (lsb 2^-149) reaches 2^-126 only from
      // [2^-126 - 2^-150, 2^-126), i.e. exponent 0 with 24 ones; else flushed to signed zero
      result = (s2_exp_q == 10'sd0 && s2_mant_q == 24'hFF_FFFF)
               ? {s2_sign_q, 8'd1, 23'd0} : {s2_sign_q, 31'd0};
    end else if (rexp >= 10'sd255) begin
      result = {s2_sign_q, 8'hFF, 23'd0};
    end else begin
      result = {s2_sign_q, rexp[7:0], rnd[24] ? rnd[23:1] : rnd[22:0]};
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      y_o <= 32'd0;
    end else if (en_i) begin
      y_o <= result;
    end
  end

endmodule
