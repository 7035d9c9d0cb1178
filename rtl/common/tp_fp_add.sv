// SPDX-License-Identifier: MIT
// tinypynq — binary32 adder FADD of docs/hw-spec.md §4.1/§4.2, 4 pipeline registers (L_A = 4).
//
//   y_o = FADD(a, b) of the operands presented 4 enabled cycles earlier: inputs flushed
//   (subnormal -> signed zero), IEEE RNE, result flushed after rounding (only exact subnormal
//   sums exist for addition, so a tiny sum is always flushed), canonical NaN 0x7FC0_0000,
//   x + (-x) = +0, (-0) + (-0) = -0.  Same algorithm as models/fp soft::add with a 27-bit
//   datapath (24 significand bits + guard, round, sticky).
//
// Stages (every register advances only when en_i = 1):
//   1 unpack, flush, specials, magnitude swap, exponent difference
//   2 align (shift right with sticky jam), add/subtract
//   3 leading-one detection, normalise
//   4 round to nearest even, pack          -> y_o (registered)
module tp_fp_add (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        en_i,
  input  logic [31:0] a_i,
  input  logic [31:0] b_i,
  output logic [31:0] y_o
);

  localparam logic [31:0] QNaN = 32'h7FC0_0000;

  // ---------------------------------------------------------------- stage 1 (combinational)
  // Special results travel as a 2-bit kind (the sign in the sign register); an operand that is
  // zero (and not both) goes through the datapath with significand 0, which adds exactly.
  localparam logic [1:0] KNone = 2'd0, KNaN = 2'd1, KInf = 2'd2, KZero = 2'd3;
  logic [31:0] fa, fb;
  logic        nan_a, nan_b, inf_a, inf_b, zero_a, zero_b;
  logic        swap;
  logic [31:0] x, y;            // |x| >= |y|
  logic [1:0]  kind;
  logic        sign;

  always_comb begin
    fa = (a_i[30:23] == 8'd0) ? {a_i[31], 31'd0} : a_i;
    fb = (b_i[30:23] == 8'd0) ? {b_i[31], 31'd0} : b_i;
    nan_a  = (fa[30:23] == 8'hFF) && (fa[22:0] != 23'd0);
    nan_b  = (fb[30:23] == 8'hFF) && (fb[22:0] != 23'd0);
    inf_a  = (fa[30:23] == 8'hFF) && (fa[22:0] == 23'd0);
    inf_b  = (fb[30:23] == 8'hFF) && (fb[22:0] == 23'd0);
    zero_a = (fa[30:23] == 8'd0);
    zero_b = (fb[30:23] == 8'd0);
    // no swap on equal magnitudes (x = a), as soft::add
    swap = (fa[30:0] < fb[30:0]);
    x    = swap ? fb : fa;
    y    = swap ? fa : fb;
    // an infinity is the larger magnitude, so its sign is x's
    if (nan_a || nan_b || (inf_a && inf_b && (fa[31] != fb[31]))) begin
      kind = KNaN;
    end else if (inf_a || inf_b) begin
      kind = KInf;
    end else if (zero_a && zero_b) begin
      kind = KZero;                 // -0 only for (-0) + (-0)
    end else begin
      kind = KNone;
    end
    sign = (kind == KZero) ? (fa[31] & fb[31]) : x[31];
  end

  logic [1:0]  s1_kind_q;
  logic        s1_sign_q, s1_sub_q;
  logic [7:0]  s1_exp_q, s1_diff_q;
  logic [23:0] s1_mx_q, s1_my_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      s1_kind_q <= KNone;
      s1_sign_q <= 1'b0;
      s1_sub_q  <= 1'b0;
      s1_exp_q  <= 8'd0;
      s1_diff_q <= 8'd0;
      s1_mx_q   <= 24'd0;
      s1_my_q   <= 24'd0;
    end else if (en_i) begin
      s1_kind_q <= kind;
      s1_sign_q <= sign;
      s1_sub_q  <= x[31] ^ y[31];
      s1_exp_q  <= x[30:23];
      s1_diff_q <= x[30:23] - y[30:23];
      s1_mx_q   <= {1'b1, x[22:0]};
      s1_my_q   <= {y[30:23] != 8'd0, y[22:0]};   // a zero y adds nothing
    end
  end

  // ---------------------------------------------------------------- stage 2: align, add
  logic [26:0] al_a, al_b;
  logic [26:0] al_full;
  logic [27:0] sum;

  // (m << 3) >> d with every shifted-out bit ORed into bit 0; d >= 27 leaves only the sticky.
  function automatic logic [26:0] shr_jam27(input logic [26:0] v, input logic [7:0] d);
    logic [26:0] r;
    logic [26:0] mask;
    if (d >= 8'd27) begin
      r = {26'd0, |v};
    end else begin
      mask = ~(27'h7FF_FFFF << d[4:0]);
      r = (v >> d[4:0]) | {26'd0, |(v & mask)};
    end
    shr_jam27 = r;
  endfunction

  always_comb begin
    al_a    = {s1_mx_q, 3'b000};
    al_full = {s1_my_q, 3'b000};
    al_b    = shr_jam27(al_full, s1_diff_q);
    // one adder: a - b = a + ~b + 1
    sum     = {1'b0, al_a} + ({1'b0, al_b} ^ {28{s1_sub_q}}) + {27'd0, s1_sub_q};
  end

  logic [1:0]  s2_kind_q;
  logic        s2_sign_q;
  logic [7:0]  s2_exp_q;
  logic [27:0] s2_sum_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      s2_kind_q     <= KNone;
      s2_sign_q     <= 1'b0;
      s2_exp_q      <= 8'd0;
      s2_sum_q      <= 28'd0;
    end else if (en_i) begin
      s2_kind_q     <= s1_kind_q;
      s2_sign_q     <= s1_sign_q;
      s2_exp_q      <= s1_exp_q;
      s2_sum_q      <= sum;
    end
  end

  // ---------------------------------------------------------------- stage 3: normalise
  logic [4:0]  lz;         // leading zeros of the 28-bit sum (don't care when zero)
  logic        sum_zero;
  logic [31:0] sh;
  logic [27:0] norm;
  logic signed [9:0] nexp;

  // leading-zero count and normalisation in one logarithmic shifter (16, 8, 4, 2, 1)
  always_comb begin
    sh    = {s2_sum_q, 4'b0000};
    lz[4] = (sh[31:16] == 16'd0);
    sh    = lz[4] ? {sh[15:0], 16'd0} : sh;
    lz[3] = (sh[31:24] == 8'd0);
    sh    = lz[3] ? {sh[23:0], 8'd0} : sh;
    lz[2] = (sh[31:28] == 4'd0);
    sh    = lz[2] ? {sh[27:0], 4'd0} : sh;
    lz[1] = (sh[31:30] == 2'd0);
    sh    = lz[1] ? {sh[29:0], 2'd0} : sh;
    lz[0] = !sh[31];
    sh    = lz[0] ? {sh[30:0], 1'b0} : sh;
    sum_zero = (s2_sum_q == 28'd0);
    norm     = sh[31:4];         // leading one at bit 27
    // leading one of A at bit 26 <-> exponent s2_exp_q
    nexp     = $signed({2'b00, s2_exp_q}) + 10'sd1 - $signed({5'd0, lz});
  end

  logic [1:0]  s3_kind_q;
  logic        s3_sign_q;
  logic        s3_zero_q;
  logic signed [9:0] s3_exp_q;
  logic [23:0] s3_mant_q;
  logic        s3_guard_q, s3_sticky_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      s3_kind_q     <= KNone;
      s3_sign_q     <= 1'b0;
      s3_zero_q     <= 1'b0;
      s3_exp_q      <= 10'sd0;
      s3_mant_q     <= 24'd0;
      s3_guard_q    <= 1'b0;
      s3_sticky_q   <= 1'b0;
    end else if (en_i) begin
      s3_kind_q     <= s2_kind_q;
      s3_sign_q     <= s2_sign_q;
      s3_zero_q     <= sum_zero;
      s3_exp_q      <= nexp;
      s3_mant_q     <= norm[27:4];
      s3_guard_q    <= norm[3];
      s3_sticky_q   <= |norm[2:0];
    end
  end

  // ---------------------------------------------------------------- stage 4: round, pack
  logic [24:0] rnd;
  logic signed [9:0] rexp;
  logic [31:0] result;

  always_comb begin
    rnd  = {1'b0, s3_mant_q} + {24'd0, s3_guard_q & (s3_sticky_q | s3_mant_q[0])};
    rexp = s3_exp_q + (rnd[24] ? 10'sd1 : 10'sd0);
    if (s3_kind_q == KNaN) begin
      result = QNaN;
    end else if (s3_kind_q == KInf) begin
      result = {s3_sign_q, 8'hFF, 23'd0};
    end else if (s3_kind_q == KZero) begin
      result = {s3_sign_q, 31'd0};
    end else if (s3_zero_q) begin
      result = 32'd0;                                  // exact cancellation: +0
    end else if (s3_exp_q < 10'sd1) begin
      // tiny: IEEE rounding on the subnormal grid (lsb 2^-149) reaches 2^-126 only from
      // [2^-126 - 2^-150, 2^-126), i.e. exponent 0 with 24 ones; else flushed to signed zero.
      // (Unreachable for sums of normal operands, which are exact on the 2^-149 grid.)
      result = (s3_exp_q == 10'sd0 && s3_mant_q == 24'hFF_FFFF)
               ? {s3_sign_q, 8'd1, 23'd0} : {s3_sign_q, 31'd0};
    end else if (rexp >= 10'sd255) begin
      result = {s3_sign_q, 8'hFF, 23'd0};
    end else begin
      result = {s3_sign_q, rexp[7:0], rnd[24] ? rnd[23:1] : rnd[22:0]};
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
