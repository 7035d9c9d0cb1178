// SPDX-License-Identifier: MIT
// tinypynq — the view writer's W channel (docs/pl-v2.md "v2 step 3"): the write buffer's data
// and the W beats of the bursts whose AW has been handshaken, in AW order, one beat per cycle.
//
// Data: two 1024 x 32 block RAMs (lane 0 / lane 1 of a 64-bit beat, rtl/matmul's tp_sdp_ram),
// one write per cycle (the writer merges a stream beat whose two elements lie in two beats of
// the buffer in two cycles, docs/pl-v2.md Timing) with a write enable per lane. A W beat is read from the RAMs in the cycle before it is valid (registered read):
// a burst whose AW is handshaken in cycle aw has its first W beat valid from aw + 1 (the AW
// FIFO is bypassed when empty), later beats back to back while WREADY allows.
module tp_vw_wchan #(
  parameter int unsigned Lines = 64
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  // an AW handshake: the burst's slot and first/last beat in its line
  input  logic        aw_hs_i,
  input  logic [5:0]  aw_slot_i,
  input  logic [3:0]  aw_fb_i,
  input  logic [3:0]  aw_lb_i,
  // the buffer write of this cycle: {slot, beat}, a write enable and a word per lane
  input  logic [1:0]  we_i,
  input  logic [9:0]  wa_i,
  input  logic [63:0] wd_i,
  // the W beat read in this cycle: its {slot, beat}; the writer answers with its words' mask
  // (combinationally, from its mask RAM)
  output logic [9:0]  rd_addr_o,
  input  logic [1:0]  rd_mask_i,
  // AXI W
  output logic [63:0] wdata_o,
  output logic [7:0]  wstrb_o,
  output logic        wlast_o,
  output logic        wvalid_o,
  input  logic        wready_i,
  // the last W beat of a burst was handshaken in this cycle: its slot is free from the next
  output logic        wdone_o,
  output logic [5:0]  wdone_slot_o,
  output logic        idle_o           // no burst waiting for W beats
);

  localparam int unsigned Aw = $clog2(Lines);   // AW FIFO: at most one burst per slot

  // ---- AW FIFO (distributed RAM) --------------------------------------------------------------
  logic [13:0] awf_q [Lines];
  logic [Aw:0] wp_q, rp_q;
  logic        awf_empty;
  logic [13:0] head;
  assign awf_empty = wp_q == rp_q;
  assign head = awf_empty ? {aw_slot_i, aw_fb_i, aw_lb_i} : awf_q[rp_q[Aw-1:0]];
  always_ff @(posedge clk_i) begin
    if (aw_hs_i) awf_q[wp_q[Aw-1:0]] <= {aw_slot_i, aw_fb_i, aw_lb_i};
  end

  logic       src_valid;
  logic [5:0] src_slot;
  logic [3:0] src_fb, src_lb, pos_q, beat;
  assign src_valid = !awf_empty || aw_hs_i;
  assign {src_slot, src_fb, src_lb} = head;
  assign beat = src_fb + pos_q;

  logic wvalid_q, wlast_q, w_hs, load;
  logic [5:0] wslot_q;
  logic [1:0] wmask_q;
  assign w_hs = wvalid_q && wready_i;
  assign load = src_valid && (!wvalid_q || wready_i);
  assign rd_addr_o = {src_slot, beat};

  // ---- the buffer's RAMs ----------------------------------------------------------------------
  logic [31:0] q0, q1;
  tp_sdp_ram #(.Width(32), .Depth(16 * Lines)) u_lane0 (
    .clk_i, .we_i(we_i[0]), .waddr_i(wa_i), .wdata_i(wd_i[31:0]), .re_i(load), .raddr_i(rd_addr_o), .rdata_o(q0));
  tp_sdp_ram #(.Width(32), .Depth(16 * Lines)) u_lane1 (
    .clk_i, .we_i(we_i[1]), .waddr_i(wa_i), .wdata_i(wd_i[63:32]), .re_i(load), .raddr_i(rd_addr_o), .rdata_o(q1));

  assign wdata_o  = {q1, q0};
  assign wstrb_o  = {{4{wmask_q[1]}}, {4{wmask_q[0]}}};
  assign wlast_o  = wlast_q;
  assign wvalid_o = wvalid_q;
  assign wdone_o  = w_hs && wlast_q;
  assign wdone_slot_o = wslot_q;
  assign idle_o   = awf_empty && !wvalid_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      wp_q <= '0; rp_q <= '0; pos_q <= '0;
      wvalid_q <= 1'b0; wlast_q <= 1'b0; wslot_q <= '0; wmask_q <= '0;
    end else begin
      if (aw_hs_i) wp_q <= wp_q + 1'b1;
      if (load) begin
        wvalid_q <= 1'b1;
        wlast_q  <= beat == src_lb;
        wslot_q  <= src_slot;
        wmask_q  <= rd_mask_i;
        if (beat == src_lb) begin
          pos_q <= '0;
          rp_q  <= rp_q + 1'b1;     // an empty FIFO bypassed: the entry pushed now is skipped
        end else begin
          pos_q <= pos_q + 4'd1;
        end
      end else if (wready_i) begin
        wvalid_q <= 1'b0;
      end
    end
  end

endmodule
