// SPDX-License-Identifier: MIT
// tinypynq — the view writer's START validation (docs/pl-v2.md "v2 step 3", Bad descriptors):
// the reader's checks (rtl/vr's tp_vr_check, instantiated unchanged: BAD_RANK, ZERO_LENGTH,
// MISALIGNED, BAD_MASK, OVERFLOW, OUT_OF_BOUNDS, ERR_INFO, the element count and the odometer's
// deltas and index-0 mask flags) with BROADCAST after BAD_MASK, as pl::check_write orders them.
// One dimension per cycle, innermost first (tp_vr_check's order), R' = min(RANK, 6) cycles
// after start_i, also for a bad RANK above 6 (the verdict's cycle is t0 + R' + 1 for every
// code); code_o is the verdict in the cycle after last_o's.
module tp_vw_check #(
  parameter logic [32:0] DdrBytes = 33'h0_2000_0000
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             start_i,    // START accepted (not BUSY): the registers are the descriptor
  input  logic             step_i,     // validate dimension k (R'-1, R'-2, ... 0 from start_i)
  input  logic [31:0]      base_i,
  input  logic [31:0]      limit_i,
  input  logic [31:0]      offset_i,
  input  logic [31:0]      rank_i,
  input  logic [32*6-1:0]  shape_i,
  input  logic [32*6-1:0]  stride_i,
  input  logic [32*6-1:0]  mlo_i,
  input  logic [32*6-1:0]  mhi_i,
  output logic             none_o,     // no dimension to validate (RANK = 0): verdict next cycle
  output logic             last_o,     // step_i validates the last dimension
  output logic [3:0]       code_o,     // VW_ERR_*
  output logic [3:0]       info_o,
  output logic [23:0]      elems_o,    // the extent product of an accepted view
  output logic [32*6-1:0]  delta_o,    // tp_vr_step's deltas
  output logic [5:0]       inm0_o      // tp_vr_step's mask flags of index 0
);

  localparam logic [3:0] NoDim = 4'hF;
  logic [2:0] nd, k_q;
  assign nd = rank_i == 32'd0 ? 3'd0 : rank_i > 32'd6 ? 3'd6 : rank_i[2:0];   // R'
  assign none_o = nd == 3'd0;
  assign last_o = k_q == 3'd0;

  logic [31:0] v_shape, v_stride, v_mlo, v_mhi;
  assign v_shape  = shape_i[32*k_q +: 32];
  assign v_stride = stride_i[32*k_q +: 32];
  assign v_mlo    = mlo_i[32*k_q +: 32];
  assign v_mhi    = mhi_i[32*k_q +: 32];

  logic [3:0] vr_code, vr_info;
  tp_vr_check #(.DdrBytes(DdrBytes)) u_vr (
    .clk_i, .rst_ni, .start_i, .val_i(step_i), .k_i(k_q), .rank_i, .base_i, .limit_i, .offset_i,
    .shape_i(v_shape), .stride_i(v_stride), .mlo_i(v_mlo), .mhi_i(v_mhi),
    .code_o(vr_code), .info_o(vr_info), .elems_o, .delta_o, .inm0_o);

  // BROADCAST: STRIDE_d = 0 with SHAPE_d > 1 over a non-empty mask (the lowest such d: the walk
  // goes inwards-out, so an outer one overwrites)
  logic       bc_q, empty_q;
  logic [2:0] bc_dim_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      k_q <= 3'd0; bc_q <= 1'b0; empty_q <= 1'b0; bc_dim_q <= 3'd0;
    end else if (start_i) begin
      k_q <= nd - 3'd1; bc_q <= 1'b0; empty_q <= 1'b0;
    end else if (step_i) begin
      k_q <= k_q - 3'd1;
      if (v_stride == 32'd0 && v_shape > 32'd1) begin bc_q <= 1'b1; bc_dim_q <= k_q; end
      if (v_mlo == v_mhi) empty_q <= 1'b1;
    end
  end

  // the reader's verdict in pl::check_write's order, in the writer's codes
  always_comb begin
    code_o = tp_contract_pkg::VW_ERR_OK;
    info_o = vr_info;
    unique case (vr_code)
      tp_contract_pkg::VR_ERR_OK:            code_o = tp_contract_pkg::VW_ERR_OK;
      tp_contract_pkg::VR_ERR_BAD_RANK:      code_o = tp_contract_pkg::VW_ERR_BAD_RANK;
      tp_contract_pkg::VR_ERR_ZERO_LENGTH:   code_o = tp_contract_pkg::VW_ERR_ZERO_LENGTH;
      tp_contract_pkg::VR_ERR_MISALIGNED:    code_o = tp_contract_pkg::VW_ERR_MISALIGNED;
      tp_contract_pkg::VR_ERR_OUT_OF_BOUNDS: code_o = tp_contract_pkg::VW_ERR_OUT_OF_BOUNDS;
      tp_contract_pkg::VR_ERR_OVERFLOW:      code_o = tp_contract_pkg::VW_ERR_OVERFLOW;
      tp_contract_pkg::VR_ERR_BAD_MASK:      code_o = tp_contract_pkg::VW_ERR_BAD_MASK;
      default:                               code_o = tp_contract_pkg::VW_ERR_BUSY;   // not produced
    endcase
    if (bc_q && !empty_q && vr_code != tp_contract_pkg::VR_ERR_BAD_RANK &&
        vr_code != tp_contract_pkg::VR_ERR_ZERO_LENGTH && vr_code != tp_contract_pkg::VR_ERR_MISALIGNED &&
        vr_code != tp_contract_pkg::VR_ERR_BAD_MASK) begin
      code_o = tp_contract_pkg::VW_ERR_BROADCAST;
      info_o = {1'b0, bc_dim_q};
    end
  end

  logic unused_info;
  assign unused_info = ^{NoDim};

endmodule
