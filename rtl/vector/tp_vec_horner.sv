// SPDX-License-Identifier: MIT
// tinypynq — the SFU's shared Horner chain (docs/hw-spec.md §5, §10): Steps stages of
//   q_k := FADD(FMUL(q_(k-1), v), c_k)          (FMUL 3 + FADD 4 = 7 registers per stage)
// used by EXP2 (enters at stage 1: q_0 = E6, v = f, c = E5 E4 E3 E2 E1 1.0), SIN (enters at
// stage 3: q = S5, v = s, c = S4 S3 S2 S1) and LOG2 (enters at stage 4: q = L3, v = r,
// c = L2 L1 L0). The command's opcode selects entry_i and the constants (stable while busy).
// q_o = chain output = input presented 7 * (Steps - entry_i + 1) enabled cycles earlier.
module tp_vec_horner #(
  parameter int unsigned Steps = 6
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   en_i,
  input  logic [2:0]             entry_i,   // stage (1..Steps) at which q0_i/v_i enter
  input  logic [31:0]            q0_i,      // leading coefficient
  input  logic [31:0]            v_i,       // the polynomial variable
  input  logic [Steps*32-1:0]    c_i,       // c_i[32(k-1) +: 32]: constant added in stage k
  output logic [31:0]            q_o
);

  // q_out/v_out of stage k at bits [32k +: 32]; [0 +: 32] = the inputs
  logic [(Steps+1)*32-1:0] q_out, v_out;
  assign q_out[31:0] = q0_i;
  assign v_out[31:0] = v_i;

  for (genvar k = 1; k <= Steps; k++) begin : g_stage
    logic [31:0] q_in, v_in, m, v_m;
    logic        enter;
    assign enter = (entry_i == 3'(k));
    assign q_in  = enter ? q0_i : q_out[32*(k-1) +: 32];
    assign v_in  = enter ? v_i  : v_out[32*(k-1) +: 32];

    tp_fp_mul u_mul (
      .clk_i, .rst_ni, .en_i,
      .a_i (q_in),
      .b_i (v_in),
      .y_o (m)
    );
    tp_delay #(.Width(32), .Depth(3)) u_v_m (
      .clk_i, .rst_ni, .en_i,
      .d_i (v_in),
      .q_o (v_m)
    );
    tp_fp_add u_add (
      .clk_i, .rst_ni, .en_i,
      .a_i (m),
      .b_i (c_i[32*(k-1) +: 32]),
      .y_o (q_out[32*k +: 32])
    );
    if (k < Steps) begin : g_vdelay
      tp_delay #(.Width(32), .Depth(4)) u_v_a (
        .clk_i, .rst_ni, .en_i,
        .d_i (v_m),
        .q_o (v_out[32*k +: 32])
      );
    end else begin : g_vlast
      assign v_out[32*k +: 32] = v_m;   // not used after the last stage
    end
  end

  assign q_o = q_out[32*Steps +: 32];

  logic unused_v;
  assign unused_v = ^v_out[32*Steps +: 32];

endmodule
