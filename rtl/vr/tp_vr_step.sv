// SPDX-License-Identifier: MIT
// tinypynq — one step of the view reader's odometer (docs/pl-v2.md "Descriptor"): for the
// element at index (idx_d) with element offset off, whether it is valid (every d < RANK:
// MLO_d <= idx_d < MHI_d) and the next element's index and offset in row-major order
// (dimension RANK-1 innermost: off += STRIDE_d; on a wrap off -= STRIDE_d * (SHAPE_d - 1),
// precomputed per dimension as back_i). Indices are 24 bits (an accepted view has at most
// VR_MAX_ELEMS = 2^24 - 1 elements); offsets wrap modulo 2^32, exact for every valid element
// (its offset lies in the buffer, checked at START). Purely combinational.
module tp_vr_step (
  input  logic [2:0]       rank_i,   // 1 .. 6 (an accepted descriptor)
  input  logic [24*6-1:0]  shape_i,  // SHAPE_d[23:0]
  input  logic [32*6-1:0]  stride_i, // STRIDE_d
  input  logic [32*6-1:0]  back_i,   // STRIDE_d * (SHAPE_d - 1), modulo 2^32
  input  logic [24*6-1:0]  mlo_i,
  input  logic [24*6-1:0]  mhi_i,
  input  logic [24*6-1:0]  idx_i,
  input  logic [31:0]      off_i,
  output logic             valid_o,
  output logic [24*6-1:0]  idx_o,
  output logic [31:0]      off_o
);

  always_comb begin
    logic carry;
    valid_o = 1'b1;
    idx_o   = idx_i;
    off_o   = off_i;
    carry   = 1'b1;
    for (int k = 5; k >= 0; k--) begin
      if ({29'd0, rank_i} > k) begin
        if (idx_i[24*k +: 24] < mlo_i[24*k +: 24] || idx_i[24*k +: 24] >= mhi_i[24*k +: 24]) valid_o = 1'b0;
        if (carry) begin
          if (idx_i[24*k +: 24] + 24'd1 < shape_i[24*k +: 24]) begin
            idx_o[24*k +: 24] = idx_i[24*k +: 24] + 24'd1;
            off_o = off_o + stride_i[32*k +: 32];
            carry = 1'b0;
          end else begin
            idx_o[24*k +: 24] = 24'd0;
            off_o = off_o - back_i[32*k +: 32];
          end
        end
      end
    end
  end

endmodule
