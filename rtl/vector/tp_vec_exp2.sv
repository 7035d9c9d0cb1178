// SPDX-License-Identifier: MIT
// tinypynq — EXP2 of docs/hw-spec.md §5.1 (pl::exp2), 49 registers (with the shared Horner
// chain, which the SFU connects between chain_v_o and chain_q_i):
//   R1     flush, clamps (NaN, x >= 128, x < -126), nf := RNDEVEN(x)
//   R2     n := integer value of nf
//   R3-R6  f := FSUB(x, nf)                                  -> chain_v_o (variable f)
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
  logic [31:0] x1_q, nf1_q;
  logic [1:0]  kind1_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      x1_q    <= 32'd0;
      nf1_q   <= 32'd0;
      kind1_q <= 2'd0;
    end else if (en_i) begin
      x1_q    <= x0;
      nf1_q   <= tp_vec_pkg::roundeven(x0);
      kind1_q <= kind0;
    end
  end

  // ---------------------------------------------------------------- R2: n = int(nf)
  logic [8:0] nabs;
  always_comb begin
    logic [23:0] m;
    m    = {1'b1, nf1_q[22:0]};
    // nf is integral with |nf| <= 128 here: exponent 127..134 (or 0)
    nabs = (nf1_q[30:23] < 8'd127) ? 9'd0 : 9'(m >> 5'(8'd150 - nf1_q[30:23]));
  end

  logic [31:0] x2_q, nf2_q;
  logic [8:0]  n2_q;
  logic [1:0]  kind2_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      x2_q    <= 32'd0;
      nf2_q   <= 32'd0;
      n2_q    <= 9'd0;
      kind2_q <= 2'd0;
    end else if (en_i) begin
      x2_q    <= x1_q;
      nf2_q   <= nf1_q;
      n2_q    <= nf1_q[31] ? (9'd0 - nabs) : nabs;
      kind2_q <= kind1_q;
    end
  end

  // ---------------------------------------------------------------- R3-R6: f = FSUB(x, nf)
  tp_fp_add u_fsub (
    .clk_i, .rst_ni, .en_i,
    .a_i (x2_q),
    .b_i (nf2_q ^ 32'h8000_0000),
    .y_o (chain_v_o)
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
