// SPDX-License-Identifier: MIT
// tinypynq — vector unit package: combinational binary32 helpers of docs/hw-spec.md §4 (flush,
// canonicalise, round-and-pack, RNDEVEN, casts). Opcodes: tp_contract_pkg (hw/pl_contract.json).
// The helpers mirror models/fp/pl_float.cpp (soft:: and the bit-manipulation functions).
package tp_vec_pkg;

  // The opcodes, their (arity, II, P) table (vec_op_info) and the longest P (VEC_PMAX) are the
  // PL contract's: tp_contract_pkg, generated from hw/pl_contract.json.

  localparam logic [31:0] QNaN   = 32'h7FC0_0000;
  localparam logic [31:0] PosInf = 32'h7F80_0000;
  localparam logic [31:0] NegInf = 32'hFF80_0000;
  localparam logic [31:0] One    = 32'h3F80_0000;

  // ---- binary32 helpers ---------------------------------------------------------------------
  function automatic logic [31:0] ftz(input logic [31:0] a);
    ftz = (a[30:23] == 8'd0) ? {a[31], 31'd0} : a;
  endfunction

  // (the sign bit of the argument is not needed)
  /* verilator lint_off UNUSEDSIGNAL */
  function automatic logic is_nan(input logic [31:0] a);
    is_nan = (a[30:23] == 8'hFF) && (a[22:0] != 23'd0);
  endfunction

  function automatic logic is_inf(input logic [31:0] a);
    is_inf = (a[30:0] == 31'h7F80_0000);
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */

  // every float output: flushed, NaN only as 0x7FC0_0000
  function automatic logic [31:0] canon(input logic [31:0] a);
    canon = is_nan(a) ? QNaN : ftz(a);
  endfunction

  // Round and pack (soft::round_pack): value = 1.m[22:0] x 2^(e - 127) plus guard and sticky
  // below m[0]; IEEE RNE with the subnormal format, then flush after rounding (a value in
  // [2^-126 - 2^-150, 2^-126), i.e. e = 0 with m all ones, rounds up to 2^-126 and is kept).
  function automatic logic [31:0] round_pack(input logic s, input logic signed [9:0] e,
                                             input logic [23:0] m, input logic g,
                                             input logic st);
    logic [24:0] r;
    logic signed [9:0] re;
    logic [31:0] y;
    r  = {1'b0, m} + {24'd0, g & (st | m[0])};
    re = e + (r[24] ? 10'sd1 : 10'sd0);
    if (e < 10'sd1) begin
      y = (e == 10'sd0 && m == 24'hFF_FFFF) ? {s, 8'd1, 23'd0} : {s, 31'd0};
    end else if (re >= 10'sd255) begin
      y = {s, 8'hFF, 23'd0};
    end else begin
      y = {s, re[7:0], r[24] ? r[23:1] : r[22:0]};
    end
    round_pack = y;
  endfunction

  // Index of the most significant one of a 32-bit value (0 for 0).
  function automatic logic [4:0] msb32(input logic [31:0] v);
    // leading zeros by a logarithmic search (16, 8, 4, 2, 1); msb = 31 - lz
    logic [31:0] t;
    logic [4:0]  lz;
    t     = v;
    lz[4] = (t[31:16] == 16'd0);
    t     = lz[4] ? {t[15:0], 16'd0} : t;
    lz[3] = (t[31:24] == 8'd0);
    t     = lz[3] ? {t[23:0], 8'd0} : t;
    lz[2] = (t[31:28] == 4'd0);
    t     = lz[2] ? {t[27:0], 4'd0} : t;
    lz[1] = (t[31:30] == 2'd0);
    t     = lz[1] ? {t[29:0], 2'd0} : t;
    lz[0] = !t[31];
    msb32 = (v == 32'd0) ? 5'd0 : ~lz;
  endfunction

  // RNDEVEN (pl::roundeven): integral binary32 nearest to a, ties to even; bit manipulation.
  function automatic logic [31:0] roundeven(input logic [31:0] a);
    logic [7:0]  e;
    logic [4:0]  sh;
    logic [24:0] m, mask, half, rem, mk;
    logic [31:0] y;
    logic        up;
    e    = a[30:23];
    sh   = 5'(8'd150 - e);
    m    = {2'b01, a[22:0]};
    mask = (25'd1 << sh) - 25'd1;
    half = 25'd1 << (sh - 5'd1);
    rem  = m & mask;
    mk   = m & ~mask;
    up   = (rem > half) || ((rem == half) && ((mk & (25'd1 << sh)) != 25'd0));
    mk   = mk + (up ? (25'd1 << sh) : 25'd0);
    if (e >= 8'd150) begin
      y = a;
    end else if (e < 8'd126) begin
      y = {a[31], 31'd0};
    end else if (e == 8'd126) begin
      y = (a[22:0] == 23'd0) ? {a[31], 31'd0} : {a[31], One[30:0]};
    end else if (mk[24]) begin
      y = {a[31], e + 8'd1, 23'd0};
    end else begin
      y = {a[31], e, mk[22:0]};
    end
    roundeven = y;
  endfunction

  // CAST_I2F (soft::cast_i2f): int32 -> binary32, RNE (never subnormal).
  function automatic logic [31:0] cast_i2f(input logic [31:0] a);
    logic [31:0] u, n;
    logic [4:0]  p;
    u = a[31] ? (32'd0 - a) : a;
    p = msb32(u);
    n = u << (5'd31 - p);
    cast_i2f = (a == 32'd0) ? 32'd0
         : round_pack(a[31], $signed({5'd0, p}) + 10'sd127, n[31:8], n[7], |n[6:0]);
  endfunction

  // CAST_F2I (soft::cast_f2i): truncation toward zero, saturating, NaN -> 0.
  function automatic logic [31:0] cast_f2i(input logic [31:0] a);
    logic [31:0] f, m, v;
    logic [7:0]  e;
    logic [31:0] y;
    f = ftz(a);
    e = f[30:23];
    m = {8'd0, 1'b1, f[22:0]};
    v = (e >= 8'd150) ? (m << 5'(e - 8'd150)) : (m >> 5'(8'd150 - e));
    if (is_nan(f)) begin
      y = 32'd0;
    end else if (e < 8'd127) begin
      y = 32'd0;
    end else if (e >= 8'd158) begin
      y = f[31] ? 32'h8000_0000 : 32'h7FFF_FFFF;
    end else begin
      y = f[31] ? (32'd0 - v) : v;
    end
    cast_f2i = y;
  endfunction

endpackage
