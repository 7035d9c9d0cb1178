// SPDX-License-Identifier: MIT
// tinypynq — LOG2 of docs/hw-spec.md §5.2 (pl::log2), 48 registers (with the shared Horner
// chain between chain_v_o and chain_q_i):
//   R1      flush, specials, j = x[22:16], e, m (in [0.75, 1.5)), m_hi, m_lo := FSUB(m, m_hi),
//           table C_j/T_hi_j/T_lo_j
//   R2      hi := FADD(I2F(e), T_hi_j)
//   R2-R4   a := FMUL(m_hi, C_j)
//   R5      b := FSUB(a, 1.0)
//   R6-R8   d := FMUL(m_lo, C_j)
//           m_lo, b and hi are exact operations (§5.2): they are computed by bit manipulation
//           (fixed point, leading-one detection, shift), which gives the same bits as the
//           FSUB/FADD without a floating-point adder each; registers pad them to the schedule.
//   R9-R12  r := FADD(b, d)                                               -> chain_v_o
//   R13-R33 Horner chain, stages 4..6: g := FADD(FMUL(g, r), L2 L1 L0), g0 = L3 -> chain_q_i
//   R34-R36 FMUL(r, g)
//   R37-R40 y  := FADD(r, FMUL(r, g))
//   R41-R44 lo := FADD(T_lo_j, y)
//   R45-R48 result := FADD(hi, lo)   (specials selected at the output)
module tp_vec_log2
(
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        en_i,
  input  logic [31:0] x_i,
  output logic [31:0] chain_v_o,   // r, valid in R12
  input  logic [31:0] chain_q_i,   // g, R33
  output logic [31:0] y_o          // R48
);


  // Appendix A: {C_j, T_hi_j, T_lo_j} at [96j +: 96] (a flat vector: yosys 0.23 reads no
  // multi-dimensional packed arrays)
  localparam logic [128*96-1:0] Log2Rom = {
    {32'h3F800000, 32'h00000000, 32'h00000000},  // 127
    {32'h3F80C000, 32'hBC0A2000, 32'h35F97EDA},  // 126
    {32'h3F814000, 32'hBC65C000, 32'h361E2A17},  // 125
    {32'h3F81C000, 32'hBCA08000, 32'h35D0F32F},  // 124
    {32'h3F825000, 32'hBCD3A000, 32'h35C42A81},  // 123
    {32'h3F82D000, 32'hBD007000, 32'h34672458},  // 122
    {32'h3F835000, 32'hBD16F800, 32'hB63EB3E8},  // 121
    {32'h3F83E000, 32'hBD304000, 32'h3627E081},  // 120
    {32'h3F846000, 32'hBD469800, 32'hB60B0854},  // 119
    {32'h3F84F000, 32'hBD5FA800, 32'hB546FDC9},  // 118
    {32'h3F858000, 32'hBD78A000, 32'h366CF99B},  // 117
    {32'h3F860000, 32'hBD875800, 32'hB6627E8A},  // 116
    {32'h3F869000, 32'hBD93BC00, 32'h365EE081},  // 115
    {32'h3F872000, 32'hBDA00C00, 32'hB643ED81},  // 114
    {32'h3F87B000, 32'hBDAC5400, 32'h351C240F},  // 113
    {32'h3F884000, 32'hBDB88C00, 32'hB5DC3B5F},  // 112
    {32'h3F88D000, 32'hBDC4B800, 32'hB6111770},  // 111
    {32'h3F896000, 32'hBDD0D800, 32'hB59EDDB8},  // 110
    {32'h3F8A0000, 32'hBDDE4400, 32'h3676FD49},  // 109
    {32'h3F8A9000, 32'hBDEA4800, 32'h360C09D2},  // 108
    {32'h3F8B2000, 32'hBDF64000, 32'h35B9489B},  // 107
    {32'h3F8BC000, 32'hBE01BE00, 32'hB6513C79},  // 106
    {32'h3F8C5000, 32'hBE07AE00, 32'hB3157BB9},  // 105
    {32'h3F8CF000, 32'hBE0E3E00, 32'hB65F99D1},  // 104
    {32'h3F8D9000, 32'hBE14C800, 32'hB599BE69},  // 103
    {32'h3F8E3000, 32'hBE1B4A00, 32'hB5B5D92D},  // 102
    {32'h3F8EC000, 32'hBE212000, 32'h35E3D3ED},  // 101
    {32'h3F8F6000, 32'hBE279400, 32'h3560982D},  // 100
    {32'h3F901000, 32'hBE2EA400, 32'hB66E3BF0},  //  99
    {32'h3F90B000, 32'hBE350A00, 32'hB50B3B12},  //  98
    {32'h3F915000, 32'hBE3B6800, 32'hB5919BC0},  //  97
    {32'h3F91F000, 32'hBE41C000, 32'h361044E8},  //  96
    {32'h3F92A000, 32'hBE48B000, 32'hB664EDDB},  //  95
    {32'h3F934000, 32'hBE4EFA00, 32'h35E7973F},  //  94
    {32'h3F93F000, 32'hBE55DC00, 32'h364D0751},  //  93
    {32'h3F94A000, 32'hBE5CB400, 32'hB62EC477},  //  92
    {32'h3F955000, 32'hBE638600, 32'hB4972431},  //  91
    {32'h3F95F000, 32'hBE69B200, 32'h352ACF91},  //  90
    {32'h3F96B000, 32'hBE711000, 32'hB660017B},  //  89
    {32'h3F976000, 32'hBE77CA00, 32'hB5DC90F6},  //  88
    {32'h3F981000, 32'hBE7E7C00, 32'hB53DE97C},  //  87
    {32'h3F98C000, 32'hBE829300, 32'hB5566EAC},  //  86
    {32'h3F998000, 32'hBE863100, 32'hB6175543},  //  85
    {32'h3F9A3000, 32'hBE897E00, 32'hB62C9391},  //  84
    {32'h3F9AF000, 32'hBE8D1400, 32'h35304F38},  //  83
    {32'h3F9BB000, 32'hBE90A500, 32'hB4F4E3D7},  //  82
    {32'h3F9C7000, 32'hBE943200, 32'h35BB1ACA},  //  81
    {32'h3F9D3000, 32'hBE97BA00, 32'hB5E9D952},  //  80
    {32'h3F9DF000, 32'hBE9B3E00, 32'hB62B3A29},  //  79
    {32'h3F9EB000, 32'hBE9EBE00, 32'hB5B47B14},  //  78
    {32'h3F9F7000, 32'hBEA23A00, 32'h35D2E4C8},  //  77
    {32'h3FA04000, 32'hBEA5FB00, 32'h337245EA},  //  76
    {32'h3FA10000, 32'hBEA96E00, 32'h3500ECDA},  //  75
    {32'h3FA1D000, 32'hBEAD2600, 32'h35AD6BF2},  //  74
    {32'h3FA2A000, 32'hBEB0D900, 32'h34B22F5E},  //  73
    {32'h3FA37000, 32'hBEB48700, 32'hB63969CA},  //  72
    {32'h3FA44000, 32'hBEB83100, 32'hB541455B},  //  71
    {32'h3FA51000, 32'hBEBBD600, 32'hB5CC1C24},  //  70
    {32'h3FA5F000, 32'hBEBFBE00, 32'h34A8B8DC},  //  69
    {32'h3FA6C000, 32'hBEC35A00, 32'h364DFA92},  //  68
    {32'h3FA7A000, 32'hBEC73700, 32'hB6083EA9},  //  67
    {32'h3FA88000, 32'hBECB1000, 32'h35DF5B18},  //  66
    {32'h3FA95000, 32'hBECE9D00, 32'hB650ED69},  //  65
    {32'h3FAA4000, 32'hBED2B200, 32'h365D122D},  //  64
    {32'h3F2B2000, 32'h3F14C280, 32'h34E9258A},  //  63
    {32'h3F2C0000, 32'h3F12E080, 32'hB63F7388},  //  62
    {32'h3F2CF000, 32'h3F10DE80, 32'hB606D563},  //  61
    {32'h3F2DD000, 32'h3F0F0100, 32'h3646C471},  //  60
    {32'h3F2EC000, 32'h3F0D0480, 32'h35C1488F},  //  59
    {32'h3F2FB000, 32'h3F0B0A80, 32'h365D143C},  //  58
    {32'h3F30A000, 32'h3F091380, 32'h34F35A3D},  //  57
    {32'h3F31A000, 32'h3F06FD80, 32'h366EC155},  //  56
    {32'h3F329000, 32'h3F050C00, 32'h34ADBA8B},  //  55
    {32'h3F339000, 32'h3F02FC00, 32'h3202F981},  //  54
    {32'h3F349000, 32'h3F00EF00, 32'hB5B3BCDD},  //  53
    {32'h3F359000, 32'h3EFDC900, 32'h366567CA},  //  52
    {32'h3F369000, 32'h3EF9BB00, 32'hB5C4937F},  //  51
    {32'h3F379000, 32'h3EF5B200, 32'hB5A21327},  //  50
    {32'h3F38A000, 32'h3EF16E00, 32'h366CF350},  //  49
    {32'h3F39A000, 32'h3EED7100, 32'h33220C66},  //  48
    {32'h3F3AB000, 32'h3EE93A00, 32'hB6106E68},  //  47
    {32'h3F3BD000, 32'h3EE4CA00, 32'hB6438202},  //  46
    {32'h3F3CE000, 32'h3EE09F00, 32'hB588C0FA},  //  45
    {32'h3F3DF000, 32'h3EDC7A00, 32'h354A7E30},  //  44
    {32'h3F3F1000, 32'h3ED81D00, 32'h364354F5},  //  43
    {32'h3F403000, 32'h3ED3C700, 32'h35E18939},  //  42
    {32'h3F415000, 32'h3ECF7800, 32'hB66C4094},  //  41
    {32'h3F428000, 32'h3ECAF100, 32'h3679B51F},  //  40
    {32'h3F43A000, 32'h3EC6AF00, 32'hB5606011},  //  39
    {32'h3F44D000, 32'h3EC23600, 32'h3679AEBB},  //  38
    {32'h3F460000, 32'h3EBDC500, 32'hB47D30D5},  //  37
    {32'h3F473000, 32'h3EB95A00, 32'h36013B85},  //  36
    {32'h3F487000, 32'h3EB4BB00, 32'h361146A8},  //  35
    {32'h3F49A000, 32'h3EB05E00, 32'h360DDA18},  //  34
    {32'h3F4AE000, 32'h3EABCE00, 32'hB65E7433},  //  33
    {32'h3F4C3000, 32'h3EA70A00, 32'h359283A9},  //  32
    {32'h3F4D7000, 32'h3EA28800, 32'h34DCCB9E},  //  31
    {32'h3F4EC000, 32'h3E9DD400, 32'hB5D3807C},  //  30
    {32'h3F501000, 32'h3E992700, 32'h359D803A},  //  29
    {32'h3F516000, 32'h3E948200, 32'h34A03E91},  //  28
    {32'h3F52C000, 32'h3E8FAC00, 32'h360973C8},  //  27
    {32'h3F541000, 32'h3E8B1600, 32'h360A7C8A},  //  26
    {32'h3F558000, 32'h3E861900, 32'hB5EA2402},  //  25
    {32'h3F56E000, 32'h3E815B00, 32'hB5A50130},  //  24
    {32'h3F585000, 32'h3E78DC00, 32'h332DABFA},  //  23
    {32'h3F59C000, 32'h3E6F1400, 32'hB674477C},  //  22
    {32'h3F5B3000, 32'h3E655A00, 32'h36104003},  //  21
    {32'h3F5CB000, 32'h3E5B4800, 32'hB64611BE},  //  20
    {32'h3F5E2000, 32'h3E51B000, 32'hB575AF53},  //  19
    {32'h3F5FB000, 32'h3E475400, 32'h363BDF46},  //  18
    {32'h3F613000, 32'h3E3D7600, 32'hB6630B01},  //  17
    {32'h3F62C000, 32'h3E333E00, 32'h338270B9},  //  16
    {32'h3F646000, 32'h3E28B200, 32'hB6236487},  //  15
    {32'h3F65F000, 32'h3E1E9E00, 32'h3623DED2},  //  14
    {32'h3F679000, 32'h3E143800, 32'hB63535C5},  //  13
    {32'h3F694000, 32'h3E097E00, 32'hB6485578},  //  12
    {32'h3F6AE000, 32'h3DFE7800, 32'hB5E03EBD},  //  11
    {32'h3F6C9000, 32'h3DE95000, 32'h349EE80B},  //  10
    {32'h3F6E5000, 32'h3DD38800, 32'h3623D1F3},  //   9
    {32'h3F701000, 32'h3DBDEC00, 32'hB5CE91A5},  //   8
    {32'h3F71D000, 32'h3DA87400, 32'h3626B4C7},  //   7
    {32'h3F73A000, 32'h3D926400, 32'h35F54442},  //   6
    {32'h3F757000, 32'h3D790000, 32'hB6428044},  //   5
    {32'h3F775000, 32'h3D4C0800, 32'hB676144D},  //   4
    {32'h3F793000, 32'h3D1F6000, 32'h36137F85},  //   3
    {32'h3F7B2000, 32'h3CE34000, 32'hB61C2DD5},  //   2
    {32'h3F7D1000, 32'h3C886000, 32'h3637706C},  //   1
    {32'h3F800000, 32'h00000000, 32'h00000000}   //   0
  };

  // ---------------------------------------------------------------- exact operations
  // (leading ones and signs known by construction leave some argument bits unused)
  /* verilator lint_off UNUSEDSIGNAL */
  // m_lo = FSUB(m, m_hi) = (low 12 fraction bits of m) * 2^(e(m) - 150), m > 0
  function automatic logic [31:0] exact_mlo(input logic [31:0] m);
    logic [11:0] low;
    logic [4:0]  p;
    logic [23:0] sh;
    low = m[11:0];
    p   = tp_vec_pkg::msb32({20'd0, low});
    sh  = {12'd0, low} << (5'd23 - p);
    exact_mlo = (low == 12'd0) ? 32'd0 : {1'b0, 8'(m[30:23] - 8'd23 + {3'd0, p}), sh[22:0]};
  endfunction

  // b = FSUB(a, 1.0) for a in [0.5, 2): a >= 1: b = frac(a) * 2^-23;
  // a < 1 (exponent 126): b = -(2^23 - frac(a)) * 2^-24
  function automatic logic [31:0] exact_am1(input logic [31:0] a);
    logic        neg;
    logic [23:0] g, sh;
    logic [4:0]  p;
    neg = (a[30:23] != 8'd127);
    g   = neg ? (24'h80_0000 - {1'b0, a[22:0]}) : {1'b0, a[22:0]};
    p   = tp_vec_pkg::msb32({8'd0, g});
    sh  = g << (5'd23 - p);
    exact_am1 = (g == 24'd0) ? 32'd0
              : {neg, 8'((neg ? 8'd103 : 8'd104) + {3'd0, p}), sh[22:0]};
  endfunction

  // hi = FADD(I2F(e), T_hi) in fixed point with 17 fraction bits (T_hi is a multiple of 2^-17
  // with |T_hi| < 1, |hi| <= 128): h = e * 2^17 + T_hi * 2^17 (|h| <= 2^24), converted exactly
  function automatic logic [31:0] exact_hi(input logic [9:0] e, input logic [31:0] t);
    logic [23:0] tm;
    logic [24:0] sh;
    logic [26:0] tfix, h, mag;
    logic [4:0]  p;
    tm   = {1'b1, t[22:0]} >> 5'(8'd133 - t[30:23]);
    tfix = (t[30:23] == 8'd0) ? 27'd0 : {3'd0, tm};
    h    = ({{17{e[9]}}, e} << 17) + (t[31] ? (27'd0 - tfix) : tfix);
    mag  = h[26] ? (27'd0 - h) : h;
    p    = tp_vec_pkg::msb32({7'd0, mag[24:0]});
    sh   = mag[24:0] << (5'd24 - p);
    exact_hi = (h == 27'd0) ? 32'd0 : {h[26], 8'(8'd110 + {3'd0, p}), sh[23:1]};
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */

  // ---------------------------------------------------------------- R1
  // kinds: 0 compute, 1 NaN, 2 -inf (x = ±0), 3 +inf
  logic [31:0] x0, m0;
  logic [1:0]  kind0;
  logic [6:0]  j0;
  logic signed [9:0] e0;
  always_comb begin
    x0 = tp_vec_pkg::ftz(x_i);
    if (tp_vec_pkg::is_nan(x0)) begin
      kind0 = 2'd1;
    end else if (x0[30:0] == 31'd0) begin
      kind0 = 2'd2;
    end else if (x0[31]) begin
      kind0 = 2'd1;                 // x < 0, including -inf
    end else if (tp_vec_pkg::is_inf(x0)) begin
      kind0 = 2'd3;
    end else begin
      kind0 = 2'd0;
    end
    j0 = x0[22:16];
    if (j0[6]) begin
      m0 = {9'h07E, x0[22:0]};      // 0x3F000000 | F: m in [0.75, 1)
      e0 = $signed({2'b00, x0[30:23]}) - 10'sd126;
    end else begin
      m0 = {9'h07F, x0[22:0]};      // 0x3F800000 | F: m in [1, 1.5)
      e0 = $signed({2'b00, x0[30:23]}) - 10'sd127;
    end
  end

  logic [31:0] mlo1_q, mhi1_q, c1_q, thi1_q, tlo1_q;
  logic [9:0]  e1_q;
  logic [1:0]  kind1_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      mlo1_q  <= 32'd0;
      mhi1_q  <= 32'd0;
      c1_q    <= 32'd0;
      thi1_q  <= 32'd0;
      tlo1_q  <= 32'd0;
      e1_q    <= 10'd0;
      kind1_q <= 2'd0;
    end else if (en_i) begin
      mlo1_q  <= exact_mlo(m0);
      mhi1_q  <= m0 & 32'hFFFF_F000;
      {c1_q, thi1_q, tlo1_q} <= Log2Rom[96*j0 +: 96];
      e1_q    <= e0;
      kind1_q <= kind0;
    end
  end

  // ---------------------------------------------------------------- R2-R8
  logic [31:0] mlo5, a4, b8, c5, d8, hi2_q, b5_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      hi2_q <= 32'd0;
      b5_q  <= 32'd0;
    end else if (en_i) begin
      hi2_q <= exact_hi(e1_q, thi1_q);       // R2
      b5_q  <= exact_am1(a4);                // R5
    end
  end

  tp_delay #(.Width(32), .Depth(4)) u_mlo_delay (   // m_lo to R5
    .clk_i, .rst_ni, .en_i, .d_i (mlo1_q), .q_o (mlo5)
  );
  tp_fp_mul u_a (                   // a = FMUL(m_hi, C), R2-R4
    .clk_i, .rst_ni, .en_i,
    .a_i (mhi1_q), .b_i (c1_q), .y_o (a4)
  );
  tp_delay #(.Width(32), .Depth(4)) u_c_delay (
    .clk_i, .rst_ni, .en_i, .d_i (c1_q), .q_o (c5)
  );
  tp_delay #(.Width(32), .Depth(3)) u_b_delay (     // b to R8
    .clk_i, .rst_ni, .en_i, .d_i (b5_q), .q_o (b8)
  );
  tp_fp_mul u_d (                   // d = FMUL(m_lo, C), R6-R8
    .clk_i, .rst_ni, .en_i,
    .a_i (mlo5), .b_i (c5), .y_o (d8)
  );
  tp_fp_add u_r (                   // r = FADD(b, d), R9-R12
    .clk_i, .rst_ni, .en_i,
    .a_i (b8), .b_i (d8), .y_o (chain_v_o)
  );

  // ---------------------------------------------------------------- R34-R48
  logic [31:0] r33, r36, rg36, y40, tlo40, lo44, hi44;
  tp_delay #(.Width(32), .Depth(21)) u_r_d21 (
    .clk_i, .rst_ni, .en_i, .d_i (chain_v_o), .q_o (r33)
  );
  tp_delay #(.Width(32), .Depth(3)) u_r_d3 (
    .clk_i, .rst_ni, .en_i, .d_i (r33), .q_o (r36)
  );
  tp_fp_mul u_rg (                  // FMUL(r, g), R34-R36
    .clk_i, .rst_ni, .en_i,
    .a_i (r33), .b_i (chain_q_i), .y_o (rg36)
  );
  tp_fp_add u_y (                   // y = FADD(r, FMUL(r, g)), R37-R40
    .clk_i, .rst_ni, .en_i,
    .a_i (r36), .b_i (rg36), .y_o (y40)
  );
  tp_delay #(.Width(32), .Depth(39)) u_tlo_delay (
    .clk_i, .rst_ni, .en_i, .d_i (tlo1_q), .q_o (tlo40)
  );
  tp_fp_add u_lo (                  // lo = FADD(T_lo, y), R41-R44
    .clk_i, .rst_ni, .en_i,
    .a_i (tlo40), .b_i (y40), .y_o (lo44)
  );
  tp_delay #(.Width(32), .Depth(42)) u_hi_delay (    // hi from R2 to R44
    .clk_i, .rst_ni, .en_i, .d_i (hi2_q), .q_o (hi44)
  );
  logic [31:0] sum48;
  tp_fp_add u_sum (                 // result = FADD(hi, lo), R45-R48
    .clk_i, .rst_ni, .en_i,
    .a_i (hi44), .b_i (lo44), .y_o (sum48)
  );

  logic [1:0] kind48;
  tp_delay #(.Width(2), .Depth(47)) u_kind_delay (
    .clk_i, .rst_ni, .en_i, .d_i (kind1_q), .q_o (kind48)
  );

  always_comb begin
    unique case (kind48)
      2'd1:    y_o = tp_vec_pkg::QNaN;
      2'd2:    y_o = tp_vec_pkg::NegInf;
      2'd3:    y_o = tp_vec_pkg::PosInf;
      default: y_o = sum48;
    endcase
  end

endmodule
