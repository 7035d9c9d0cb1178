// SPDX-License-Identifier: MIT
// tinypynq — EXP2 of docs/hw-spec.md §5.1 (pl::exp2), 49 registers (with the shared Horner
// chain, which the SFU connects between chain_v_o and chain_q_i):
//   R1     flush, clamps (NaN, x >= 128, x < -126)
//   R2     nf := RNDEVEN(x), n := its integer value, f := FSUB(x, nf): all three from one
//          fixed-point view of x (|x| < 128: X = |x| * 2^24 is an integer of 31 bits). f is
//          exact (|f| <= 0.5), so this bit manipulation gives the FSUB's bits without a
//          floating-point adder.
//   R3-R6  (registers)                                       -> chain_v_o (variable f)
//   R7-R48 Horner chain, 6 stages: q := FADD(FMUL(q, f), E5 .. E1, 1.0), q0 = E6 -> chain_q_i = p
//   R49    result := bits(p) + (n << 23), or the clamp value
module tp_vec_exp2
(
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        en_i,
  input  logic [31:0] x_i,
  output logic [31:0] chain_v_o,   // f, valid in R6
  input  logic [31:0] chain_q_i,   // p = 2^f, R48
  output logic [31:0] y_o          // R49
);


  // kinds: 0 compute, 1 NaN, 2 +inf, 3 +0
  logic [31:0] x0;
  logic [1:0]  kind0;
  always_comb begin
    x0 = tp_vec_pkg::ftz(x_i);
    if (tp_vec_pkg::is_nan(x0)) begin
      kind0 = 2'd1;
    end else if (!x0[31] && x0[30:0] >= 31'h4300_0000) begin      // x >= 128 (incl. +inf)
      kind0 = 2'd2;
    end else if (x0[31] && x0[30:0] > 31'h42FC_0000) begin        // x < -126 (incl. -inf)
      kind0 = 2'd3;
    end else begin
      kind0 = 2'd0;
    end
  end

  // ---------------------------------------------------------------- R1
  logic [31:0] x1_q;
  logic [1:0]  kind1_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      x1_q    <= 32'd0;
      kind1_q <= 2'd0;
    end else if (en_i) begin
      x1_q    <= x0;
      kind1_q <= kind0;
    end
  end

  // ---------------------------------------------------------------- R2: n, f
  // |x| < 0.5: nf = ±0, n = 0, f = x (+0 for x = ±0). Otherwise (exponent 126..133 when not
  // clamped) X = M << (ex - 126) holds |x| with 24 fraction bits: nf = int(X) rounded to even
  // by the fraction, f = ±(fraction or fraction - 1), sign of x inverted if rounded up.
  logic [30:0] xfix;
  logic [23:0] frac, fmag;
  logic        up;
  logic [4:0]  fp;
  logic [7:0]  nabs;
  logic [31:0] f;
  always_comb begin
    xfix = {7'd0, 1'b1, x1_q[22:0]} << 3'(x1_q[30:23] - 8'd126);
    frac = xfix[23:0];
    up   = frac[23] && ((frac[22:0] != 23'd0) || xfix[24]);
    fmag = up ? (24'd0 - frac) : frac;             // 2^24 - frac (<= 2^23) when rounded up
    fp   = tp_vec_pkg::msb32({8'd0, fmag});
    nabs = {1'b0, xfix[30:24]} + {7'd0, up};
    if (x1_q[30:23] < 8'd126) begin
      nabs = 8'd0;
      f    = (x1_q[30:0] == 31'd0) ? 32'd0 : x1_q;
    end else if (fmag == 24'd0) begin
      f    = 32'd0;                                // x integral: x - nf = +0
    end else begin
      f    = {x1_q[31] ^ up, 8'(8'd103 + {3'd0, fp}), 23'(fmag << (5'd23 - fp))};
    end
  end

  logic [31:0] f2_q;
  logic [8:0]  n2_q;
  logic [1:0]  kind2_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      f2_q    <= 32'd0;
      n2_q    <= 9'd0;
      kind2_q <= 2'd0;
    end else if (en_i) begin
      f2_q    <= f;
      n2_q    <= x1_q[31] ? (9'd0 - {1'b0, nabs}) : {1'b0, nabs};
      kind2_q <= kind1_q;
    end
  end

  // ---------------------------------------------------------------- R3-R6: f travels to R6
  tp_delay #(.Width(32), .Depth(4)) u_f_delay (
    .clk_i, .rst_ni, .en_i,
    .d_i (f2_q),
    .q_o (chain_v_o)
  );

  // n and the kind travel alongside to R48
  logic [8:0] n48;
  logic [1:0] kind48;
  tp_delay #(.Width(11), .Depth(46)) u_n_delay (
    .clk_i, .rst_ni, .en_i,
    .d_i ({kind2_q, n2_q}),
    .q_o ({kind48, n48})
  );

  // ---------------------------------------------------------------- R49: scale
  logic [31:0] res;
  always_comb begin
    unique case (kind48)
      2'd1:    res = tp_vec_pkg::QNaN;
      2'd2:    res = tp_vec_pkg::PosInf;
      2'd3:    res = 32'd0;
      default: res = chain_q_i + (32'($signed(n48)) << 23);
    endcase
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      y_o <= 32'd0;
    end else if (en_i) begin
      y_o <= res;
    end
  end

endmodule
