// SPDX-License-Identifier: MIT
// tinypynq — one lane of the vector unit (docs/hw-spec.md §6.1): one FADD, one FMUL, the
// compare/select/cast/int ALU and an int multiplier. a_i/b_i/c_i come from the input register
// (slot S_1); res_o is the lane's result in slot S_(P-1) of the current opcode, i.e. the value
// the output register S_P loads at the next enabled edge:
//   P = 3: ALU (1 register)            P = 5: FMUL (3), IMUL (3)
//   P = 6: FADD (4)                    P = 9: MULACC = FADD(FMUL(a, b), c) (3 + 4)
// Every register advances only with the unit's global enable en_i.
module tp_vec_lane
(
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        en_i,
  input  logic [5:0]  op_i,      // opcode of the current command (stable while busy)
  input  logic [31:0] a_i,
  input  logic [31:0] b_i,
  input  logic [31:0] c_i,
  output logic [31:0] res_o
);


  // ---------------------------------------------------------------- ALU (P = 3)
  function automatic logic [31:0] order_key(input logic [31:0] v);
    order_key = v[31] ? ~v : (v | 32'h8000_0000);
  endfunction

  logic [31:0] fa, fb, fa0, fb0, alu;
  logic        nan_a, nan_b, lt, eq;
  logic [31:0] sel;

  always_comb begin
    fa    = tp_vec_pkg::ftz(a_i);
    fb    = tp_vec_pkg::ftz(b_i);
    nan_a = tp_vec_pkg::is_nan(a_i);
    nan_b = tp_vec_pkg::is_nan(b_i);
    // comparisons treat -0 as +0
    fa0   = (fa[30:0] == 31'd0) ? 32'd0 : fa;
    fb0   = (fb[30:0] == 31'd0) ? 32'd0 : fb;
    lt    = !nan_a && !nan_b && (order_key(fa0) < order_key(fb0));
    eq    = !nan_a && !nan_b && (fa0 == fb0);
    sel   = (a_i[30:0] != 31'd0) ? b_i : c_i;   // WHERE / IWHERE: raw bits of the condition
    unique case (op_i)
      tp_contract_pkg::VEC_OPCODE_MAX:     alu = (nan_a || nan_b) ? tp_vec_pkg::QNaN
                     : ((order_key(fa) >= order_key(fb)) ? fa : fb);
      tp_contract_pkg::VEC_OPCODE_CMPLT:   alu = lt ? tp_vec_pkg::One : 32'd0;
      tp_contract_pkg::VEC_OPCODE_CMPEQ:   alu = eq ? tp_vec_pkg::One : 32'd0;
      tp_contract_pkg::VEC_OPCODE_CMPNE:   alu = eq ? 32'd0 : tp_vec_pkg::One;
      tp_contract_pkg::VEC_OPCODE_WHERE:   alu = tp_vec_pkg::canon(sel);
      tp_contract_pkg::VEC_OPCODE_NEG:     alu = nan_a ? tp_vec_pkg::QNaN : (fa ^ 32'h8000_0000);
      tp_contract_pkg::VEC_OPCODE_COPY:    alu = tp_vec_pkg::canon(a_i);
      tp_contract_pkg::VEC_OPCODE_CAST_F2I: alu = tp_vec_pkg::cast_f2i(a_i);
      tp_contract_pkg::VEC_OPCODE_CAST_I2F: alu = tp_vec_pkg::cast_i2f(a_i);
      tp_contract_pkg::VEC_OPCODE_CAST_F2B: alu = (fa[30:0] == 31'd0) ? 32'd0 : tp_vec_pkg::One;
      tp_contract_pkg::VEC_OPCODE_CAST_I2B: alu = (a_i != 32'd0) ? tp_vec_pkg::One : 32'd0;
      tp_contract_pkg::VEC_OPCODE_IADD:    alu = a_i + b_i;
      tp_contract_pkg::VEC_OPCODE_ISUB:    alu = a_i - b_i;
      tp_contract_pkg::VEC_OPCODE_IMAX:    alu = ($signed(a_i) >= $signed(b_i)) ? a_i : b_i;
      tp_contract_pkg::VEC_OPCODE_ICMPLT:  alu = ($signed(a_i) < $signed(b_i)) ? tp_vec_pkg::One : 32'd0;
      tp_contract_pkg::VEC_OPCODE_ICMPEQ:  alu = (a_i == b_i) ? tp_vec_pkg::One : 32'd0;
      tp_contract_pkg::VEC_OPCODE_ICMPNE:  alu = (a_i != b_i) ? tp_vec_pkg::One : 32'd0;
      tp_contract_pkg::VEC_OPCODE_IWHERE:  alu = sel;
      tp_contract_pkg::VEC_OPCODE_IAND:    alu = a_i & b_i;
      tp_contract_pkg::VEC_OPCODE_IOR:     alu = a_i | b_i;
      tp_contract_pkg::VEC_OPCODE_IXOR:    alu = a_i ^ b_i;
      tp_contract_pkg::VEC_OPCODE_ISHL:    alu = a_i << b_i[4:0];
      tp_contract_pkg::VEC_OPCODE_ISHR:    alu = $unsigned($signed(a_i) >>> b_i[4:0]);
      tp_contract_pkg::VEC_OPCODE_INEG:    alu = 32'd0 - a_i;
      default:   alu = 32'd0;
    endcase
  end

  logic [31:0] alu_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      alu_q <= 32'd0;
    end else if (en_i) begin
      alu_q <= alu;
    end
  end

  // ---------------------------------------------------------------- IMUL (P = 5): 3 registers
  logic [31:0] imul_q1, imul_q2, imul_q3;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      imul_q1 <= 32'd0;
      imul_q2 <= 32'd0;
      imul_q3 <= 32'd0;
    end else if (en_i) begin
      imul_q1 <= a_i * b_i;   // low 32 bits
      imul_q2 <= imul_q1;
      imul_q3 <= imul_q2;
    end
  end

  // ---------------------------------------------------------------- FMUL, FADD, MULACC
  logic [31:0] mul_y, add_y, add_a, add_b, c_d3;
  logic        is_mulacc;

  tp_fp_mul u_fmul (
    .clk_i, .rst_ni, .en_i,
    .a_i (a_i),
    .b_i (b_i),
    .y_o (mul_y)
  );

  tp_delay #(.Width(32), .Depth(3)) u_c_delay (
    .clk_i, .rst_ni, .en_i,
    .d_i (c_i),
    .q_o (c_d3)
  );

  assign is_mulacc = (op_i == tp_contract_pkg::VEC_OPCODE_MULACC);
  // SUB = FADD(a, -b) (a NaN stays a NaN under the sign flip)
  assign add_a = is_mulacc ? mul_y : a_i;
  assign add_b = is_mulacc ? c_d3 : (b_i ^ {(op_i == tp_contract_pkg::VEC_OPCODE_SUB), 31'd0});

  tp_fp_add u_fadd (
    .clk_i, .rst_ni, .en_i,
    .a_i (add_a),
    .b_i (add_b),
    .y_o (add_y)
  );

  always_comb begin
    unique case (op_i)
      tp_contract_pkg::VEC_OPCODE_ADD, tp_contract_pkg::VEC_OPCODE_SUB, tp_contract_pkg::VEC_OPCODE_MULACC: res_o = add_y;
      tp_contract_pkg::VEC_OPCODE_MUL:                  res_o = mul_y;
      tp_contract_pkg::VEC_OPCODE_IMUL:                 res_o = imul_q3;
      default:                res_o = alu_q;
    endcase
  end

endmodule
