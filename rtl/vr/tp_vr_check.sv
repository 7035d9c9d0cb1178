// SPDX-License-Identifier: MIT
// tinypynq — the view reader's START validation (docs/pl-v2.md "Bad descriptors"): one
// dimension per cycle, innermost (RANK-1) first, then the verdict with pl::check's codes in
// pl::check's order and ERR_INFO (the lowest failing dimension: a later, outer, failure
// overwrites an inner one). Every quantity it accumulates is independent of the order except
// the odometer's deltas, which is why the walk goes inwards-out: delta_d = STRIDE_d -
// sum_{k>d} STRIDE_k (SHAPE_k - 1) needs the inner dimensions' wrap amounts first (tp_vr_step).
// Widths (why they suffice): an accepted view has every SHAPE_d, MLO_d, MHI_d below 2^24
// (their product is at most VR_MAX_ELEMS = 2^24 - 1), so the extent product is 24 bits with an
// overflow flag, and the box bounds are sums of six STRIDE_d (32-bit) x index (24-bit) products
// plus OFFSET: below 2^58 in magnitude, exact in 60 bits. When an index is 2^24 or more the
// extent check (OVERFLOW, earlier in the order) already decides, so its truncation is harmless.
module tp_vr_check #(
  parameter logic [32:0] DdrBytes = 33'h0_2000_0000
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             start_i,   // START accepted: clear the accumulators
  input  logic             val_i,     // validate dimension k_i in this cycle
  input  logic [2:0]       k_i,
  input  logic [31:0]      rank_i, base_i, limit_i, offset_i,
  input  logic [31:0]      shape_i, stride_i, mlo_i, mhi_i,   // DIM[k_i]
  output logic [3:0]       code_o,    // the verdict (from the cycle after the last val_i)
  output logic [3:0]       info_o,
  output logic [23:0]      elems_o,   // the extent product (an accepted view's ELEMS)
  output logic [32*6-1:0]  delta_o,   // the odometer's deltas, modulo 2^32
  output logic [5:0]       inm0_o     // mask flag of index 0 per dimension (unused: 1)
);

  localparam int unsigned Dims = tp_contract_pkg::VR_DIM_COUNT;
  localparam logic [3:0] NoDim = 4'hF;

  logic        zl_q, bm_q, big_q, empty_q;
  logic [2:0]  zl_dim_q, bm_dim_q;
  logic [23:0] prod_q;
  logic signed [59:0] lo_q, hi_q;
  logic [31:0] acc_q;                 // sum of STRIDE_k (SHAPE_k - 1) over the dimensions done
  logic [32*Dims-1:0] delta_q;
  logic [Dims-1:0] inm0_q;

  logic [47:0] v_prod;
  logic signed [56:0] v_a, v_b;
  logic signed [59:0] v_min, v_max;
  logic [31:0] v_back;
  assign v_prod = {24'd0, prod_q} * {24'd0, shape_i[23:0]};
  assign v_a = $signed(stride_i) * $signed({1'b0, mlo_i[23:0]});
  assign v_b = $signed(stride_i) * $signed({1'b0, mhi_i[23:0] - 24'd1});
  // STRIDE >= 0: MLO gives the lowest offset (MLO <= MHI - 1 in a non-empty, well-formed mask)
  assign v_min = stride_i[31] ? 60'(v_b) : 60'(v_a);
  assign v_max = stride_i[31] ? 60'(v_a) : 60'(v_b);
  assign v_back = 32'(stride_i * {8'd0, shape_i[23:0] - 24'd1});

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      zl_q <= 1'b0; bm_q <= 1'b0; big_q <= 1'b0; empty_q <= 1'b0;
      zl_dim_q <= '0; bm_dim_q <= '0; prod_q <= 24'd1;
      lo_q <= '0; hi_q <= '0; acc_q <= '0; delta_q <= '0; inm0_q <= '1;
    end else if (start_i) begin
      zl_q <= 1'b0; bm_q <= 1'b0; big_q <= 1'b0; empty_q <= 1'b0;
      prod_q <= 24'd1;
      lo_q <= 60'($signed(offset_i)); hi_q <= 60'($signed(offset_i));
      acc_q <= '0;
      inm0_q <= '1;
    end else if (val_i) begin
      if (shape_i == 32'd0) begin zl_q <= 1'b1; zl_dim_q <= k_i; end
      if (mlo_i > mhi_i || mhi_i > shape_i) begin bm_q <= 1'b1; bm_dim_q <= k_i; end
      if (shape_i[31:24] != 8'd0 || v_prod[47:24] != 24'd0) big_q <= 1'b1;
      prod_q <= v_prod[23:0];
      if (mlo_i == mhi_i) empty_q <= 1'b1;
      else begin
        lo_q <= lo_q + v_min;
        hi_q <= hi_q + v_max;
      end
      acc_q <= acc_q + v_back;
      for (int k = 0; k < Dims; k++)
        if (k_i == 3'(k)) begin
          delta_q[32*k +: 32] <= stride_i - acc_q;
          inm0_q[k] <= mlo_i == 32'd0 && mhi_i != 32'd0;
        end
    end
  end

  logic        rank_bad;
  logic [32:0] buf_end;
  assign rank_bad = rank_i == 32'd0 || rank_i > Dims;
  assign buf_end  = {1'b0, base_i} + {1'b0, limit_i};
  always_comb begin
    code_o = tp_contract_pkg::VR_ERR_OK;
    info_o = NoDim;
    if (rank_bad) begin
      code_o = tp_contract_pkg::VR_ERR_BAD_RANK;
    end else if (zl_q) begin
      code_o = tp_contract_pkg::VR_ERR_ZERO_LENGTH;
      info_o = {1'b0, zl_dim_q};
    end else if (base_i[1:0] != 2'b00 || limit_i[1:0] != 2'b00) begin
      code_o = tp_contract_pkg::VR_ERR_MISALIGNED;
    end else if (bm_q) begin
      code_o = tp_contract_pkg::VR_ERR_BAD_MASK;
      info_o = {1'b0, bm_dim_q};
    end else if (big_q) begin
      code_o = tp_contract_pkg::VR_ERR_OVERFLOW;
    end else if (lo_q < -60'sd2147483648 || hi_q > 60'sd2147483647) begin
      code_o = tp_contract_pkg::VR_ERR_OVERFLOW;
    end else if (buf_end > DdrBytes) begin
      code_o = tp_contract_pkg::VR_ERR_OUT_OF_BOUNDS;
    end else if (!empty_q && (lo_q < 0 || {1'b0, hi_q[30:0]} >= {2'b00, limit_i[31:2]})) begin
      // hi < 2^31 here, and hi < 0 implies lo < 0: the low 31 bits decide (LIMIT is a multiple of 4)
      code_o = tp_contract_pkg::VR_ERR_OUT_OF_BOUNDS;
    end
  end
  assign elems_o = prod_q;
  assign delta_o = delta_q;
  assign inm0_o  = inm0_q;

endmodule
