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
//   1 magnitude swap, exponent difference, specials; alignment shift by 16 and 8 (with sticky)
//   2 alignment shift by 4, 2, 1 (with sticky), add/subtract
//   3 leading-zero count, normalise, exponent; specials and flushes forced into the packed
//     {exponent - 1, fraction} word, round-up bit
//   4 one 31-bit add: packed + 2^23 (the hidden one, making the exponent field right) + round
//     bit; a rounding carry out of the fraction moves into the exponent field, and out of
//     exponent 254 gives exactly +-inf                                    -> y_o (registered)
//
// Flushed operands and special classes need no separate path: a zero y is masked out of the
// alignment, and (+-0) + (+-0) has x = 0 with exponent 0, so its sum 1.0 * 2^0 is tiny and
// flushes to the signed zero computed in stage 1.  With every register in reset the pipeline
// holds flushed +0 results, so y_o stays 0 after reset until the first operands arrive, as in
// the previous version of this adder.
module tp_fp_add (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        en_i,
  input  logic [31:0] a_i,
  input  logic [31:0] b_i,
  output logic [31:0] y_o
);

  // ---------------------------------------------------------------- stage 1 (combinational)
  logic        swap;
  logic [30:0] x, y;            // |x| >= |y| (magnitudes; flushing does not change the order)
  logic        sx;              // sign of x
  logic        sub, x_max, nan, sign;
  logic [7:0]  diff;
  logic [26:0] al1;             // {1, y fraction, 000} >> (diff & 24)
  logic        st1;             // bits shifted out of al1

  always_comb begin
    // no swap on equal magnitudes (x = a), as soft::add
    swap  = (a_i[30:0] < b_i[30:0]);
    x     = swap ? b_i[30:0] : a_i[30:0];
    y     = swap ? a_i[30:0] : b_i[30:0];
    sx    = swap ? b_i[31] : a_i[31];
    sub   = a_i[31] ^ b_i[31];
    x_max = (x[30:23] == 8'hFF);
    // a NaN or an infinity is the larger magnitude: NaN if x is NaN, or inf - inf
    nan   = x_max && ((x[22:0] != 23'd0) || ((y[30:23] == 8'hFF) && sub));
    // x = 0 means both are zero: -0 only for (-0) + (-0); NaN is positive (0x7FC0_0000)
    sign  = nan ? 1'b0 : (x[30:23] == 8'd0) ? (a_i[31] & b_i[31]) : sx;
    diff  = x[30:23] - y[30:23];
    // The two coarse alignment levels sit here, after the swap: yosys merges them with the
    // y multiplexer, which costs fewer LUTs than the same levels behind the register.
    al1   = {1'b1, y[22:0], 3'b000};
    st1   = diff[4] && (al1[15:0] != 16'd0);
    if (diff[4]) al1 = {16'd0, al1[26:16]};
    st1   = st1 || (diff[3] && (al1[7:0] != 8'd0));
    if (diff[3]) al1 = {8'd0, al1[26:8]};
  end

  logic        s1_sign_q, s1_sub_q, s1_nan_q, s1_inf_q, s1_yz_q, s1_far_q, s1_st_q;
  logic [7:0]  s1_exp_q;
  logic [2:0]  s1_dlo_q;
  logic [22:0] s1_mx_q;
  logic [26:0] s1_al_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      s1_sign_q <= 1'b0;
      s1_sub_q  <= 1'b0;
      s1_nan_q  <= 1'b0;
      s1_inf_q  <= 1'b0;
      s1_yz_q   <= 1'b1;
      s1_far_q  <= 1'b0;
      s1_st_q   <= 1'b0;
      s1_exp_q  <= 8'd0;
      s1_dlo_q  <= 3'd0;
      s1_mx_q   <= 23'd0;
      s1_al_q   <= 27'd0;
    end else if (en_i) begin
      s1_sign_q <= sign;
      s1_sub_q  <= sub;
      s1_nan_q  <= nan;
      s1_inf_q  <= x_max;             // (NaN wins over inf in stage 3)
      s1_yz_q   <= (y[30:23] == 8'd0);
      s1_far_q  <= (diff[7:5] != 3'd0);
      s1_st_q   <= st1;
      s1_exp_q  <= x[30:23];
      s1_dlo_q  <= diff[2:0];
      s1_mx_q   <= x[22:0];
      s1_al_q   <= al1;
    end
  end

  // ---------------------------------------------------------------- stage 2: align, add
  logic [26:0] al, al_b;
  logic        st;
  logic [27:0] sum;

  always_comb begin
    // (m << 3) >> diff with every shifted-out bit ORed into bit 0 (sticky jam)
    al = s1_al_q;
    st = s1_st_q;
    if (s1_dlo_q[2]) begin st = st || (al[3:0] != 4'd0); al = {4'd0, al[26:4]}; end
    if (s1_dlo_q[1]) begin st = st || (al[1:0] != 2'd0); al = {2'd0, al[26:2]}; end
    if (s1_dlo_q[0]) begin st = st || al[0];             al = {1'd0, al[26:1]}; end
    // diff >= 32 leaves only the sticky; a zero (flushed) y adds nothing
    if (s1_far_q || s1_yz_q) al_b = {26'd0, !s1_yz_q};
    else                     al_b = {al[26:1], al[0] | st};
    // one adder: a - b = a + ~b + 1
    sum = {2'b01, s1_mx_q, 3'b000} + ({1'b0, al_b} ^ {28{s1_sub_q}}) + {27'd0, s1_sub_q};
  end

  logic        s2_sign_q, s2_nan_q, s2_inf_q;
  logic [7:0]  s2_exp_q;
  logic [27:0] s2_sum_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      s2_sign_q <= 1'b0;
      s2_nan_q  <= 1'b0;
      s2_inf_q  <= 1'b0;
      s2_exp_q  <= 8'd0;
      s2_sum_q  <= 28'd0;
    end else if (en_i) begin
      s2_sign_q <= s1_sign_q;
      s2_nan_q  <= s1_nan_q;
      s2_inf_q  <= s1_inf_q;
      s2_exp_q  <= s1_exp_q;
      s2_sum_q  <= sum;
    end
  end

  // ---------------------------------------------------------------- stage 3: normalise, force
  logic [4:0]  lz;         // leading zeros of the 28-bit sum (31 when zero)
  logic [27:0] norm;
  logic        zero, sticky, tiny, ovf, finf, rnd;
  logic [8:0]  em1;        // biased result exponent - 1 (bit 8: negative, i.e. tiny)
  logic [30:0] packed_m1;  // result magnitude - 2^23

  always_comb begin
    // a separate priority encoder and barrel shifter map to fewer LUTs than a shifter that
    // tests each level on its own output
    lz = 5'd31;
    for (int i = 0; i < 28; i++) if (s2_sum_q[i]) lz = 5'(27 - i);
    norm = s2_sum_q;
    if (lz[4]) norm = {norm[11:0], 16'd0};
    if (lz[3]) norm = {norm[19:0], 8'd0};
    if (lz[2]) norm = {norm[23:0], 4'd0};
    if (lz[1]) norm = {norm[25:0], 2'd0};
    if (lz[0]) norm = {norm[26:0], 1'd0};
    zero = !norm[27];
    // Sticky = |norm[2:0], taken from the sum: a shift by lz >= 3 happens only for exponent
    // differences <= 1, where sum[1:0] = 0.
    sticky = s2_sum_q[27] ? (s2_sum_q[2:0] != 3'd0)
           : s2_sum_q[26] ? (s2_sum_q[1:0] != 2'd0) : s2_sum_q[0];
    // leading one of A at bit 26 <-> exponent s2_exp_q, so the exponent is s2_exp_q + 1 - lz
    em1  = {1'b0, s2_exp_q} - {4'd0, lz};
    // tiny (exponent <= 0): exact for sums of normal operands, flushed to signed zero
    tiny = em1[8];
    // exponent 255 before rounding only from a carry out of exponent 254
    ovf  = s2_sum_q[27] && (s2_exp_q == 8'd254);
    finf = s2_inf_q || s2_nan_q || ovf;
    rnd  = norm[3] && (sticky || norm[4]) && !finf && !tiny && !zero;
    if (finf)             packed_m1 = {8'hFE, s2_nan_q, 22'd0};    // inf / 0x7FC0_0000
    else if (tiny || zero) packed_m1 = {8'hFF, 23'd0};             // + 2^23 wraps to 0
    else                  packed_m1 = {em1[7:0], norm[26:4]};
  end

  logic        s3_sign_q, s3_rnd_q;
  logic [30:0] s3_packed_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      s3_sign_q   <= 1'b0;
      s3_rnd_q    <= 1'b0;
      s3_packed_q <= {8'hFF, 23'd0};   // y = +0, as the other stages' reset values give
    end else if (en_i) begin
      s3_sign_q   <= s2_sign_q && !(zero && !finf);   // exact cancellation: +0
      s3_rnd_q    <= rnd;
      s3_packed_q <= packed_m1;
    end
  end

  // ---------------------------------------------------------------- stage 4: round, pack
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      y_o <= 32'd0;
    end else if (en_i) begin
      y_o <= {s3_sign_q, s3_packed_q + {8'd1, 23'd0} + {30'd0, s3_rnd_q}};
    end
  end

endmodule
