// SPDX-License-Identifier: MIT
// tinypynq — one step of the view reader's odometer (docs/pl-v2.md "Descriptor"): from the
// element at index (idx_d), element offset off and per-dimension mask flags inm_d
// (MLO_d <= idx_d < MHI_d), whether the element is valid and the next element's index, offset
// and flags in row-major order (dimension 5 innermost; dimensions >= RANK are unused: they
// always wrap and are always in the mask, so they behave as extents of 1).
// Area (why it is written this way): the mask flags are carried from element to element and
// change only where an index steps onto MLO_d or MHI_d (two equality compares of the
// incremented index instead of two magnitude compares of every index), and the offset takes
// one adder: incrementing dimension j while every inner dimension wraps changes the offset by
// the precomputed delta_j = STRIDE_j - sum_{k>j} STRIDE_k (SHAPE_k - 1) (tp_vr_check), so the
// step adds one of six deltas (one-hot select) instead of chaining six adders.
// Indices are 24 bits (an accepted view has at most VR_MAX_ELEMS = 2^24 - 1 elements); offsets
// wrap modulo 2^32, exact for every valid element (its offset lies in the buffer, checked at
// START). Purely combinational.
module tp_vr_step (
  input  logic [5:0]       unused_i, // dimension d >= RANK
  input  logic [24*6-1:0]  shape_i,  // SHAPE_d[23:0]
  input  logic [24*6-1:0]  mlo_i,    // MLO_d[23:0]
  input  logic [24*6-1:0]  mhi_i,    // MHI_d[23:0]
  input  logic [5:0]       inm0_i,   // the mask flag of index 0: MLO_d = 0 < MHI_d (unused: 1)
  input  logic [32*6-1:0]  delta_i,  // delta_d (above), modulo 2^32
  input  logic [24*6-1:0]  idx_i,
  input  logic [31:0]      off_i,
  input  logic [5:0]       inm_i,
  output logic             valid_o,  // the element idx_i is inside the mask
  output logic [24*6-1:0]  idx_o,
  output logic [31:0]      off_o,
  output logic [5:0]       inm_o
);

  always_comb begin
    logic        carry, wrap;
    logic [23:0] ni;
    logic [31:0] dsel;
    valid_o = &inm_i;
    idx_o   = idx_i;
    inm_o   = inm_i;
    carry   = 1'b1;
    dsel    = 32'd0;
    for (int k = 5; k >= 0; k--) begin
      ni = idx_i[24*k +: 24] + 24'd1;
      wrap = unused_i[k] || ni == shape_i[24*k +: 24];
      if (carry && wrap) begin           // wraps: the carry goes on outwards
        idx_o[24*k +: 24] = 24'd0;
        inm_o[k] = inm0_i[k];
      end else if (carry) begin          // the dimension that steps
        idx_o[24*k +: 24] = ni;
        // MHI first: an empty mask (MLO = MHI) never turns valid
        if (ni == mhi_i[24*k +: 24]) inm_o[k] = 1'b0;
        else if (ni == mlo_i[24*k +: 24]) inm_o[k] = 1'b1;
      end
      dsel = dsel | ({32{carry && !wrap}} & delta_i[32*k +: 32]);   // one-hot: an OR, no chain
      carry = carry && wrap;
    end
    off_o = off_i + dsel;
  end

endmodule
