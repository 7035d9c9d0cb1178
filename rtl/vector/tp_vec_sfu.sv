// SPDX-License-Identifier: MIT
// tinypynq — special-function unit of the vector unit (docs/hw-spec.md §6.1): one element per
// enabled cycle through the DIV/RECIP, SQRT, MOD, EXP2, LOG2 and SIN datapaths (EXP2, LOG2 and
// SIN share one 6-stage Horner chain). res_o/range_o = the current opcode's result of the
// element presented D enabled cycles earlier, D = P - 3:
//   DIV, RECIP, SQRT 28 · MOD 36 · EXP2 49 · LOG2 48 · SIN 47
// (the unit adds the input register, the second-element slot and the output register).
// SfuDps selects the datapaths built; an absent one's result is 0 (the Horner chain exists
// when EXP2, LOG2 or SIN does).
module tp_vec_sfu #(
  // datapaths built (bit tp_contract_pkg::SFU_DP_*): a PL build leaves out what its models run
  // on the PS (the top rejects an absent datapath's opcodes with BAD_OP, so their result
  // inputs of the select below are constant 0 and never chosen by a running command)
  parameter logic [tp_contract_pkg::SFU_DP_W-1:0] SfuDps = tp_contract_pkg::SFU_DP_ALL
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        en_i,
  input  logic [5:0]  op_i,        // stable while busy
  input  logic [31:0] x_i,         // first operand (A)
  input  logic [31:0] y_i,         // second operand (B; DIV, MOD)
  output logic [31:0] res_o,
  output logic        range_o
);

  localparam bit HasDiv   = SfuDps[tp_contract_pkg::SFU_DP_DIV];
  localparam bit HasSqrt  = SfuDps[tp_contract_pkg::SFU_DP_SQRT];
  localparam bit HasMod   = SfuDps[tp_contract_pkg::SFU_DP_MOD];
  localparam bit HasExp2  = SfuDps[tp_contract_pkg::SFU_DP_EXP2];
  localparam bit HasLog2  = SfuDps[tp_contract_pkg::SFU_DP_LOG2];
  localparam bit HasSin   = SfuDps[tp_contract_pkg::SFU_DP_SIN];
  localparam bit HasChain = HasExp2 || HasLog2 || HasSin;   // the shared Horner chain

  // ---------------------------------------------------------------- DIV / RECIP, SQRT, MOD
  logic [31:0] div_y, sqrt_y, mod_y;
  logic        mod_range;

  if (HasDiv) begin : g_div
    logic is_recip;
    assign is_recip = (op_i == tp_contract_pkg::VEC_OPCODE_RECIP);

    tp_vec_div u_div (
      .clk_i, .rst_ni, .en_i,
      .a_i (is_recip ? tp_vec_pkg::One : x_i),
      .b_i (is_recip ? x_i : y_i),
      .y_o (div_y)
    );
  end else begin : g_no_div
    assign div_y = 32'd0;
  end

  if (HasSqrt) begin : g_sqrt
    tp_vec_sqrt u_sqrt (
      .clk_i, .rst_ni, .en_i,
      .a_i (x_i),
      .y_o (sqrt_y)
    );
  end else begin : g_no_sqrt
    assign sqrt_y = 32'd0;
  end

  if (HasMod) begin : g_mod
    tp_vec_mod u_mod (
      .clk_i, .rst_ni, .en_i,
      .a_i     (x_i),
      .b_i     (y_i),
      .y_o     (mod_y),
      .range_o (mod_range)
    );
  end else begin : g_no_mod
    assign mod_y     = 32'd0;
    assign mod_range = 1'b0;
  end

  // ---------------------------------------------------------------- EXP2, LOG2, SIN + chain
  logic [31:0] exp2_y, log2_y, sin_y;
  logic        sin_range;

  if (HasChain) begin : g_chain
    // Horner constants (hw-spec §5.1-§5.3)
    localparam logic [31:0] E1 = 32'h3F31_7218, E2 = 32'h3E75_FDF0, E3 = 32'h3D63_57B6,
                            E4 = 32'h3C1D_952A, E5 = 32'h3AAF_8448, E6 = 32'h3922_09C5;
    localparam logic [31:0] L0 = 32'h3EE2_A8ED, L1 = 32'hBF38_AA3B, L2 = 32'h3EF6_3A9E,
                            L3 = 32'hBEB8_AC28;
    localparam logic [31:0] S1 = 32'hBE2A_AAAB, S2 = 32'h3C08_8888, S3 = 32'hB950_0C83,
                            S4 = 32'h3638_CB49, S5 = 32'hB2CE_D8E6;

    logic [31:0] exp2_v, log2_v, sin_v, chain_q;

    if (HasExp2) begin : g_exp2
      tp_vec_exp2 u_exp2 (
        .clk_i, .rst_ni, .en_i,
        .x_i       (x_i),
        .chain_v_o (exp2_v),
        .chain_q_i (chain_q),
        .y_o       (exp2_y)
      );
    end else begin : g_no_exp2
      assign exp2_v = 32'd0;
      assign exp2_y = 32'd0;
    end

    if (HasLog2) begin : g_log2
      tp_vec_log2 u_log2 (
        .clk_i, .rst_ni, .en_i,
        .x_i       (x_i),
        .chain_v_o (log2_v),
        .chain_q_i (chain_q),
        .y_o       (log2_y)
      );
    end else begin : g_no_log2
      assign log2_v = 32'd0;
      assign log2_y = 32'd0;
    end

    if (HasSin) begin : g_sin
      tp_vec_sin u_sin (
        .clk_i, .rst_ni, .en_i,
        .x_i       (x_i),
        .chain_v_o (sin_v),
        .chain_q_i (chain_q),
        .y_o       (sin_y),
        .range_o   (sin_range)
      );
    end else begin : g_no_sin
      assign sin_v     = 32'd0;
      assign sin_y     = 32'd0;
      assign sin_range = 1'b0;
    end

    logic [2:0]       entry;
    logic [31:0]      q0, v;
    logic [191:0]     c;   // constant of Horner stage k at [32(k-1) +: 32]
    always_comb begin
      unique case (op_i)
        tp_contract_pkg::VEC_OPCODE_LOG2: begin
          entry = 3'd4;
          q0    = L3;
          v     = log2_v;
          c     = {L0, L1, L2, 32'd0, 32'd0, 32'd0};
        end
        tp_contract_pkg::VEC_OPCODE_SIN: begin
          entry = 3'd3;
          q0    = S5;
          v     = sin_v;
          c     = {S1, S2, S3, S4, 32'd0, 32'd0};
        end
        default: begin   // EXP2
          entry = 3'd1;
          q0    = E6;
          v     = exp2_v;
          c     = {tp_vec_pkg::One, E1, E2, E3, E4, E5};
        end
      endcase
    end

    tp_vec_horner #(.Steps(6)) u_chain (
      .clk_i, .rst_ni, .en_i,
      .entry_i (entry),
      .q0_i    (q0),
      .v_i     (v),
      .c_i     (c),
      .q_o     (chain_q)
    );
  end else begin : g_no_chain
    assign exp2_y    = 32'd0;
    assign log2_y    = 32'd0;
    assign sin_y     = 32'd0;
    assign sin_range = 1'b0;
  end

  // inputs a trimmed build does not read (B only feeds DIV and MOD; no datapath: none)
  if (!HasDiv && !HasMod) begin : g_no_y
    logic unused_y;
    assign unused_y = ^y_i;
  end
  if (SfuDps == '0) begin : g_no_dp
    logic unused_in;
    assign unused_in = ^{clk_i, rst_ni, en_i, x_i};
  end

  // ---------------------------------------------------------------- result select
  always_comb begin
    range_o = 1'b0;
    unique case (op_i)
      tp_contract_pkg::VEC_OPCODE_SQRT:  res_o = sqrt_y;
      tp_contract_pkg::VEC_OPCODE_MOD:   begin res_o = mod_y; range_o = mod_range; end
      tp_contract_pkg::VEC_OPCODE_EXP2:  res_o = exp2_y;
      tp_contract_pkg::VEC_OPCODE_LOG2:  res_o = log2_y;
      tp_contract_pkg::VEC_OPCODE_SIN:   begin res_o = sin_y; range_o = sin_range; end
      default: res_o = div_y;      // DIV, RECIP
    endcase
  end

endmodule
