// SPDX-License-Identifier: MIT
// tinypynq — the view writer's START validation (docs/pl-v2.md "v2 step 3", Bad descriptors):
// pl::check_write's codes in its order (BAD_RANK, ZERO_LENGTH, MISALIGNED, BAD_MASK, BROADCAST,
// OVERFLOW, OUT_OF_BOUNDS) with ERR_INFO, one dimension per cycle (R' = min(RANK, 6) cycles
// after start_i; code_o is the verdict once last_o has been seen), and the odometer's wrap
// amounts STRIDE_d * (SHAPE_d - 1) for rtl/vr's tp_vr_step. Products are as narrow as the
// verdict allows: an accepted view has fewer than 2^24 elements, so every SHAPE_d, MLO_d and
// MHI_d that reaches the offset check is below 2^24 (the element count saturates at 2^24).
module tp_vw_check #(
  parameter logic [32:0] DdrBytes = 33'h0_2000_0000
) (
  input  logic             clk_i,
  input  logic             start_i,    // START accepted (not BUSY): the registers are the descriptor
  input  logic             step_i,     // validate dimension k (k = 0, 1, ... from start_i)
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
  output logic [3:0]       code_o,
  output logic [3:0]       info_o,
  output logic [24:0]      elems_o,    // product of the extents, saturated at 2^24
  output logic [32*6-1:0]  back_o
);

  localparam logic [3:0] NoDim = 4'hF;
  logic        rank_bad;
  logic [2:0]  nd, k_q;
  assign rank_bad = rank_i == 32'd0 || rank_i > 32'd6;
  assign nd = rank_i == 32'd0 ? 3'd0 : rank_i > 32'd6 ? 3'd6 : rank_i[2:0];   // R' = min(RANK, 6)
  assign none_o = nd == 3'd0;
  assign last_o = k_q + 3'd1 >= nd;

  logic        zl_q, bm_q, bc_q, empty_q;
  logic [2:0]  zl_dim_q, bm_dim_q, bc_dim_q;
  logic [24:0] prod_q;
  logic signed [59:0] lo_q, hi_q;
  logic [32*6-1:0] back_q;

  logic [31:0] v_shape, v_stride, v_mlo, v_mhi;
  assign v_shape  = shape_i[32*k_q +: 32];
  assign v_stride = stride_i[32*k_q +: 32];
  assign v_mlo    = mlo_i[32*k_q +: 32];
  assign v_mhi    = mhi_i[32*k_q +: 32];
  logic [47:0] v_prod;
  logic [24:0] v_prod_sat;
  assign v_prod = prod_q[23:0] * v_shape[23:0];
  assign v_prod_sat = (prod_q[24] || v_shape[31:24] != 8'd0 || v_prod[47:24] != 24'd0) ? 25'h100_0000
                                                                                          : {1'b0, v_prod[23:0]};
  logic signed [57:0] v_a, v_b;
  logic signed [25:0] v_mhi1;
  assign v_mhi1 = $signed({2'b00, v_mhi[23:0]}) - 26'sd1;
  logic signed [59:0] v_min, v_max;
  assign v_a = 58'($signed(v_stride) * $signed({1'b0, v_mlo[23:0]}));
  assign v_b = 58'($signed(v_stride) * v_mhi1);
  assign v_min = v_a < v_b ? 60'(v_a) : 60'(v_b);
  assign v_max = v_a < v_b ? 60'(v_b) : 60'(v_a);
  logic [31:0] v_back;
  assign v_back = v_stride * ({8'd0, v_shape[23:0]} - 32'd1);

  logic [32:0] buf_end;
  assign buf_end = {1'b0, base_i} + {1'b0, limit_i};
  always_comb begin
    code_o = tp_contract_pkg::VW_ERR_OK;
    info_o = NoDim;
    if (rank_bad) begin
      code_o = tp_contract_pkg::VW_ERR_BAD_RANK;
    end else if (zl_q) begin
      code_o = tp_contract_pkg::VW_ERR_ZERO_LENGTH;
      info_o = {1'b0, zl_dim_q};
    end else if (base_i[1:0] != 2'b00 || limit_i[1:0] != 2'b00) begin
      code_o = tp_contract_pkg::VW_ERR_MISALIGNED;
    end else if (bm_q) begin
      code_o = tp_contract_pkg::VW_ERR_BAD_MASK;
      info_o = {1'b0, bm_dim_q};
    end else if (bc_q && !empty_q) begin
      code_o = tp_contract_pkg::VW_ERR_BROADCAST;
      info_o = {1'b0, bc_dim_q};
    end else if (prod_q > 25'(tp_contract_pkg::VR_MAX_ELEMS)) begin
      code_o = tp_contract_pkg::VW_ERR_OVERFLOW;
    end else if (lo_q < -60'sd2147483648 || hi_q > 60'sd2147483647) begin
      code_o = tp_contract_pkg::VW_ERR_OVERFLOW;
    end else if (buf_end > DdrBytes) begin
      code_o = tp_contract_pkg::VW_ERR_OUT_OF_BOUNDS;
    end else if (!empty_q && (lo_q < 0 || ((hi_q + 60'sd1) <<< 2) > $signed({28'd0, limit_i}))) begin
      code_o = tp_contract_pkg::VW_ERR_OUT_OF_BOUNDS;
    end
  end
  assign elems_o = prod_q;
  assign back_o = back_q;

  always_ff @(posedge clk_i) begin
    if (start_i) begin
      k_q <= 3'd0; zl_q <= 1'b0; bm_q <= 1'b0; bc_q <= 1'b0; empty_q <= 1'b0;
      zl_dim_q <= 3'd0; bm_dim_q <= 3'd0; bc_dim_q <= 3'd0;
      prod_q <= 25'd1;
      lo_q <= 60'($signed(offset_i)); hi_q <= 60'($signed(offset_i));
    end else if (step_i) begin
      if (!zl_q && v_shape == 32'd0) begin zl_q <= 1'b1; zl_dim_q <= k_q; end
      if (!bm_q && (v_mlo > v_mhi || v_mhi > v_shape)) begin bm_q <= 1'b1; bm_dim_q <= k_q; end
      if (!bc_q && v_stride == 32'd0 && v_shape > 32'd1) begin bc_q <= 1'b1; bc_dim_q <= k_q; end
      prod_q <= v_prod_sat;
      if (v_mlo == v_mhi) empty_q <= 1'b1;
      else begin
        lo_q <= lo_q + v_min;
        hi_q <= hi_q + v_max;
      end
      for (int k = 0; k < 6; k++)
        if (k_q == 3'(k)) back_q[32*k +: 32] <= v_back;
      k_q <= k_q + 3'd1;
    end
  end

  logic unused_bits;
  assign unused_bits = ^{v_mlo[31:24], v_mhi[31:24]};

endmodule
