// SPDX-License-Identifier: MIT
// tinypynq — SIN of docs/hw-spec.md §5.3 (pl::sin), 47 registers (with the shared Horner
// chain between chain_v_o and chain_q_i):
//   R1-R3   FMUL(x, INV_PI)
//   R4      k := RNDEVEN(.)
//   R5-R9   exact fixed-point reduction: K = |k|, X = |x| * 2^88 (R5); K * PI_FIX (R6);
//           D = X - K * PI_FIX, |D| (R7); leading one, normalise (R8); RNE to 24 bits, pack (R9)
//           -> r (= x when k = ±0)
//   R10-R12 s := FMUL(r, r)                                          -> chain_v_o
//   R13-R40 Horner chain, stages 3..6: q := FADD(FMUL(q, s), S4 S3 S2 S1), q0 = S5 -> chain_q_i
//           (in parallel R13-R15: r3 := FMUL(r, s))
//   R41-R43 FMUL(r3, q)
//   R44-R47 y := FADD(r, FMUL(r3, q)); the output inverts the sign if k is odd, and selects the
//           specials (NaN/inf -> NaN, ±0 -> x, |x| > 65536 -> NaN with range_o = 1)
module tp_vec_sin
(
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        en_i,
  input  logic [31:0] x_i,
  output logic [31:0] chain_v_o,   // s, valid in R12
  input  logic [31:0] chain_q_i,   // q, R40
  output logic [31:0] y_o,         // R47
  output logic        range_o
);


  localparam logic [31:0] InvPi  = 32'h3EA2_F983;
  localparam logic [89:0] PiFix  = 90'h3243F6A_8885A308_D313198A;   // round(pi * 2^88)

  // ---------------------------------------------------------------- specials (input)
  // kinds: 0 compute, 1 NaN, 2 x (±0), 3 NaN and W_RANGE
  logic [31:0] x0;
  logic [1:0]  kind0;
  always_comb begin
    x0 = tp_vec_pkg::ftz(x_i);
    if (tp_vec_pkg::is_nan(x0) || tp_vec_pkg::is_inf(x0)) begin
      kind0 = 2'd1;
    end else if (x0[30:0] == 31'd0) begin
      kind0 = 2'd2;
    end else if (x0[30:0] > 31'h4780_0000) begin
      kind0 = 2'd3;
    end else begin
      kind0 = 2'd0;
    end
  end

  // ---------------------------------------------------------------- R1-R4: k
  logic [31:0] kx3, x4;
  tp_fp_mul u_kx (
    .clk_i, .rst_ni, .en_i,
    .a_i (x_i), .b_i (InvPi), .y_o (kx3)
  );
  tp_delay #(.Width(32), .Depth(4)) u_x4 (
    .clk_i, .rst_ni, .en_i, .d_i (x0), .q_o (x4)
  );

  logic [31:0] k4_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      k4_q <= 32'd0;
    end else if (en_i) begin
      k4_q <= tp_vec_pkg::roundeven(kx3);
    end
  end

  logic unused_ksign;
  assign unused_ksign = k4_q[31];   // K = |k|; the sign of r comes from x and D

  // ---------------------------------------------------------------- R5: K, X, parity
  logic [23:0]  km;
  logic [14:0]  kint;
  logic         kpar, kzero;
  logic [106:0] xfix;
  always_comb begin
    km    = {1'b1, k4_q[22:0]};
    // |k| <= 20861 when computed (exponent 127..141); other values only reach special outputs
    kint  = 15'(km >> 5'(8'd150 - k4_q[30:23]));
    // parity of the integer k (0 for |k| < 1 and |k| >= 2^24)
    kpar  = (k4_q[30:23] >= 8'd127) && (k4_q[30:23] <= 8'd150) && kint[0];
    kzero = (k4_q[30:0] == 31'd0);
    // X = M << (ex - 62) = |x| * 2^88 (ex in 127..143 when k != 0)
    xfix  = {83'd0, 1'b1, x4[22:0]} << 7'(x4[30:23] - 8'd62);
  end

  logic [14:0]  k5_q;
  logic [106:0] x5_q;
  logic [31:0]  xs5_q;
  logic         kzero5_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      k5_q     <= 15'd0;
      x5_q     <= '0;
      xs5_q    <= 32'd0;
      kzero5_q <= 1'b0;
    end else if (en_i) begin
      k5_q     <= kint;
      x5_q     <= xfix;
      xs5_q    <= x4;
      kzero5_q <= kzero;
    end
  end

  // ---------------------------------------------------------------- R6: K * PI_FIX
  logic [106:0] kp6_q, x6_q;
  logic [31:0]  xs6_q;
  logic         kzero6_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      kp6_q    <= '0;
      x6_q     <= '0;
      xs6_q    <= 32'd0;
      kzero6_q <= 1'b0;
    end else if (en_i) begin
      kp6_q    <= {92'd0, k5_q} * {17'd0, PiFix};
      x6_q     <= x5_q;
      xs6_q    <= xs5_q;
      kzero6_q <= kzero5_q;
    end
  end

  // ---------------------------------------------------------------- R7: D = X - K * PI_FIX
  // two subtractors; the borrow of X - K * PI_FIX is the comparison
  logic [107:0] dxk, dkx;
  assign dxk = {1'b0, x6_q} - {1'b0, kp6_q};
  assign dkx = {1'b0, kp6_q} - {1'b0, x6_q};
  logic unused_dkx;
  assign unused_dkx = dkx[107];
  logic [106:0] d7_q;
  logic         sgn7_q, kzero7_q;
  logic [31:0]  xs7_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      d7_q     <= '0;
      sgn7_q   <= 1'b0;
      xs7_q    <= 32'd0;
      kzero7_q <= 1'b0;
    end else if (en_i) begin
      d7_q     <= dxk[107] ? dkx[106:0] : dxk[106:0];
      sgn7_q   <= xs6_q[31] ^ dxk[107];
      xs7_q    <= xs6_q;
      kzero7_q <= kzero6_q;
    end
  end

  // ---------------------------------------------------------------- R8: normalise
  // leading one of |D| (D != 0 when computed) by a logarithmic shifter over 128 bits
  logic [127:0] nsh;
  logic [6:0]   lz7;
  always_comb begin
    nsh    = {21'd0, d7_q};
    lz7[6] = (nsh[127:64] == 64'd0);
    nsh    = lz7[6] ? {nsh[63:0], 64'd0} : nsh;
    lz7[5] = (nsh[127:96] == 32'd0);
    nsh    = lz7[5] ? {nsh[95:0], 32'd0} : nsh;
    lz7[4] = (nsh[127:112] == 16'd0);
    nsh    = lz7[4] ? {nsh[111:0], 16'd0} : nsh;
    lz7[3] = (nsh[127:120] == 8'd0);
    nsh    = lz7[3] ? {nsh[119:0], 8'd0} : nsh;
    lz7[2] = (nsh[127:124] == 4'd0);
    nsh    = lz7[2] ? {nsh[123:0], 4'd0} : nsh;
    lz7[1] = (nsh[127:126] == 2'd0);
    nsh    = lz7[1] ? {nsh[125:0], 2'd0} : nsh;
    lz7[0] = !nsh[127];
    nsh    = lz7[0] ? {nsh[126:0], 1'b0} : nsh;
  end

  logic [106:0] n8_q;
  logic [6:0]   p8_q;
  logic         sgn8_q, kzero8_q;
  logic [31:0]  xs8_q;
  logic         unused_nsh;
  assign unused_nsh = ^nsh[20:0];
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      n8_q     <= '0;
      p8_q     <= 7'd0;
      sgn8_q   <= 1'b0;
      xs8_q    <= 32'd0;
      kzero8_q <= 1'b0;
    end else if (en_i) begin
      n8_q     <= nsh[127:21];               // leading one at bit 106
      p8_q     <= 7'd127 - lz7;              // index of the leading one of |D|
      sgn8_q   <= sgn7_q;
      xs8_q    <= xs7_q;
      kzero8_q <= kzero7_q;
    end
  end

  // ---------------------------------------------------------------- R9: round, pack r
  logic [24:0] keep;
  logic [7:0]  rexp;
  logic [31:0] r;
  always_comb begin
    keep = {1'b0, n8_q[106:83]} + {24'd0, n8_q[82] & ((|n8_q[81:0]) | n8_q[83])};
    // exponent field 127 + p - 88 (+1 on a rounding carry)
    rexp = 8'(p8_q) + 8'd39 + (keep[24] ? 8'd1 : 8'd0);
    r    = kzero8_q ? xs8_q : {sgn8_q, rexp, keep[24] ? keep[23:1] : keep[22:0]};
  end

  logic [31:0] r9_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      r9_q <= 32'd0;
    end else if (en_i) begin
      r9_q <= r;
    end
  end

  // ---------------------------------------------------------------- R10-R47
  logic [31:0] r12, r3_15, r3_40, r43, rq43, y47;
  tp_fp_mul u_s (                   // s = FMUL(r, r), R10-R12
    .clk_i, .rst_ni, .en_i,
    .a_i (r9_q), .b_i (r9_q), .y_o (chain_v_o)
  );
  tp_delay #(.Width(32), .Depth(3)) u_r12 (
    .clk_i, .rst_ni, .en_i, .d_i (r9_q), .q_o (r12)
  );
  tp_fp_mul u_r3 (                  // r3 = FMUL(r, s), R13-R15
    .clk_i, .rst_ni, .en_i,
    .a_i (r12), .b_i (chain_v_o), .y_o (r3_15)
  );
  tp_delay #(.Width(32), .Depth(25)) u_r3_40 (
    .clk_i, .rst_ni, .en_i, .d_i (r3_15), .q_o (r3_40)
  );
  tp_delay #(.Width(32), .Depth(31)) u_r43 (
    .clk_i, .rst_ni, .en_i, .d_i (r12), .q_o (r43)
  );
  tp_fp_mul u_rq (                  // FMUL(r3, q), R41-R43
    .clk_i, .rst_ni, .en_i,
    .a_i (r3_40), .b_i (chain_q_i), .y_o (rq43)
  );
  tp_fp_add u_y (                   // y = FADD(r, FMUL(r3, q)), R44-R47
    .clk_i, .rst_ni, .en_i,
    .a_i (r43), .b_i (rq43), .y_o (y47)
  );

  // kind (from the input), x and the parity of k (from R4) travel to R47
  logic [1:0]  kind47;
  logic        kpar47;
  logic [31:0] x47;
  tp_delay #(.Width(34), .Depth(47)) u_kind_delay (
    .clk_i, .rst_ni, .en_i, .d_i ({kind0, x0}), .q_o ({kind47, x47})
  );
  tp_delay #(.Width(1), .Depth(43)) u_par_delay (
    .clk_i, .rst_ni, .en_i, .d_i (kpar), .q_o (kpar47)
  );

  always_comb begin
    unique case (kind47)
      2'd1, 2'd3: y_o = tp_vec_pkg::QNaN;
      2'd2:       y_o = x47;
      default:    y_o = y47 ^ {kpar47, 31'd0};
    endcase
    range_o = (kind47 == 2'd3);
  end

endmodule
