// SPDX-License-Identifier: MIT
// tinypynq — protocol assertions on an AXI write master's AW/W/B channels (simulation only: the
// body is empty under SYNTHESIS), shared by the PL's write masters (the view writer VW first).
// Rules (AMBA AXI, ARM IHI 0022; HP ports are 64-bit, AXI3 bursts of at most 16 beats):
//   * AWVALID held with a stable AWADDR/AWLEN until AWREADY; WVALID held with stable
//     WDATA/WSTRB/WLAST until WREADY (A3.2.1);
//   * INCR bursts of AWSIZE 3 (8-byte aligned address), AWLEN <= 15, no 4 KB crossing (A3.4.1);
//   * WLAST exactly on beat AWLEN of its burst; the first and the last beat enable a byte;
//   * this project's masters issue W only for a burst whose AW has been handshaken (the same
//     cycle counts): a W beat with no such burst is an error, as is a B with no burst whose
//     last W beat has been handshaken.
module tp_axi_wr_check #(
  parameter Name = "axi write master",          // for messages (untyped: yosys 0.23 has no string type)
  parameter int unsigned MaxBursts = 256      // AW handshaken, W not finished
) (
  input logic        clk_i,
  input logic        rst_ni,
  input logic [31:0] awaddr_i,
  input logic [7:0]  awlen_i,
  input logic [2:0]  awsize_i,
  input logic [1:0]  awburst_i,
  input logic        awvalid_i,
  input logic        awready_i,
  input logic [63:0] wdata_i,
  input logic [7:0]  wstrb_i,
  input logic        wlast_i,
  input logic        wvalid_i,
  input logic        wready_i,
  input logic        bvalid_i,
  input logic        bready_i
);

`ifndef SYNTHESIS
  logic        aw_stall_prev, w_stall_prev;
  logic [31:0] awaddr_prev;
  logic [7:0]  awlen_prev;
  logic [63:0] wdata_prev;
  logic [7:0]  wstrb_prev;
  logic        wlast_prev;
  logic [7:0]  len_q [MaxBursts];
  int unsigned aw_n, w_n, b_n, beat;   // bursts AW-handshaken, W-finished, B-answered
  logic        aw_hs, w_hs, b_hs;
  logic [7:0]  cur_len;
  assign aw_hs = awvalid_i && awready_i;
  assign w_hs  = wvalid_i && wready_i;
  assign b_hs  = bvalid_i && bready_i;
  assign cur_len = (aw_n == w_n) ? awlen_i : len_q[w_n % MaxBursts];

  always_ff @(posedge clk_i) begin
    aw_stall_prev <= rst_ni && awvalid_i && !awready_i;
    w_stall_prev  <= rst_ni && wvalid_i && !wready_i;
    awaddr_prev <= awaddr_i;
    awlen_prev  <= awlen_i;
    wdata_prev  <= wdata_i;
    wstrb_prev  <= wstrb_i;
    wlast_prev  <= wlast_i;
    if (!rst_ni) begin
      aw_n <= 0; w_n <= 0; b_n <= 0; beat <= 0;
    end else begin
      if (awvalid_i) begin
        assert ({1'b0, awaddr_i[11:0]} + 13'({awlen_i, 3'b000}) + 13'd8 <= 13'h1000)
          else $error("%s: AW burst at %h (AWLEN %0d) crosses a 4 KB boundary", Name, awaddr_i, awlen_i);
        assert (awlen_i <= 8'd15 && awaddr_i[2:0] == 3'b000 && awsize_i == 3'd3 && awburst_i == 2'b01)
          else $error("%s: AW burst not INCR, 8-byte, 1..16 beats (%h, AWLEN %0d)", Name, awaddr_i, awlen_i);
      end
      if (aw_stall_prev) begin
        assert (awvalid_i && awaddr_i == awaddr_prev && awlen_i == awlen_prev)
          else $error("%s: AW changed while stalled", Name);
      end
      if (w_stall_prev) begin
        assert (wvalid_i && wdata_i == wdata_prev && wstrb_i == wstrb_prev && wlast_i == wlast_prev)
          else $error("%s: W changed while stalled", Name);
      end
      if (aw_hs) len_q[aw_n % MaxBursts] <= awlen_i;
      if (w_hs) begin
        assert (w_n < aw_n || (w_n == aw_n && aw_hs)) else $error("%s: W beat before its AW", Name);
        assert (wlast_i == (beat == int'(cur_len)))
          else $error("%s: WLAST %0d on beat %0d of a burst of AWLEN %0d", Name, wlast_i, beat, cur_len);
        if (beat == 0 || wlast_i) begin
          assert (wstrb_i != 8'h00) else $error("%s: first or last W beat without a byte", Name);
        end
        beat <= wlast_i ? 0 : beat + 1;
      end
      if (b_hs) begin
        assert (b_n < w_n) else $error("%s: B response with no finished burst", Name);
      end
      assert (aw_n - w_n <= MaxBursts) else $error("%s: more than %0d bursts waiting for W", Name, MaxBursts);
      aw_n <= aw_n + (aw_hs ? 1 : 0);
      w_n  <= w_n + ((w_hs && wlast_i) ? 1 : 0);
      b_n  <= b_n + (b_hs ? 1 : 0);
    end
  end
`else
  logic unused_ok;
  assign unused_ok = ^{clk_i, rst_ni, awaddr_i, awlen_i, awsize_i, awburst_i, awvalid_i, awready_i, wdata_i,
                       wstrb_i, wlast_i, wvalid_i, wready_i, bvalid_i, bready_i};
`endif

endmodule
