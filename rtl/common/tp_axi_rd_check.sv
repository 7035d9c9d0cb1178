// SPDX-License-Identifier: MIT
// tinypynq — protocol assertions on an AXI read master's AR/R channels (simulation only: the body
// is empty under SYNTHESIS), the read-side twin of tp_axi_wr_check. Rules (AMBA AXI, ARM IHI
// 0022; HP ports are 64-bit AXI3, bursts of at most 16 beats):
//   * ARVALID held with a stable ARADDR/ARLEN until ARREADY (A3.2.1);
//   * INCR bursts of ARSIZE 3 (8-byte aligned address), ARLEN <= 15, no 4 KB crossing (A3.4.1);
//   * an R beat only while a burst is outstanding, RLAST exactly on its beat ARLEN.
module tp_axi_rd_check #(
  parameter Name = "axi read master",          // for messages (untyped: yosys 0.23 has no string type)
  parameter int unsigned MaxBursts = 64        // AR handshaken, RLAST not yet seen
) (
  input logic        clk_i,
  input logic        rst_ni,
  input logic [31:0] araddr_i,
  input logic [7:0]  arlen_i,
  input logic [2:0]  arsize_i,
  input logic [1:0]  arburst_i,
  input logic        arvalid_i,
  input logic        arready_i,
  input logic        rlast_i,
  input logic        rvalid_i,
  input logic        rready_i
);

`ifndef SYNTHESIS
  logic        ar_stall_prev;
  logic [31:0] araddr_prev;
  logic [7:0]  arlen_prev;
  logic [7:0]  len_q [MaxBursts];
  int unsigned ar_n, r_n, beat;    // bursts AR-handshaken, bursts finished (RLAST)
  logic        ar_hs, r_hs;
  logic [7:0]  cur_len;
  assign ar_hs   = arvalid_i && arready_i;
  assign r_hs    = rvalid_i && rready_i;
  assign cur_len = len_q[r_n % MaxBursts];

  always_ff @(posedge clk_i) begin
    ar_stall_prev <= rst_ni && arvalid_i && !arready_i;
    araddr_prev   <= araddr_i;
    arlen_prev    <= arlen_i;
    if (!rst_ni) begin
      ar_n <= 0; r_n <= 0; beat <= 0;
    end else begin
      if (arvalid_i) begin
        assert ({1'b0, araddr_i[11:0]} + 13'({arlen_i, 3'b000}) + 13'd8 <= 13'h1000)
          else $error("%s: AR burst at %h (ARLEN %0d) crosses a 4 KB boundary", Name, araddr_i, arlen_i);
        assert (arlen_i <= 8'd15 && araddr_i[2:0] == 3'b000 && arsize_i == 3'd3 && arburst_i == 2'b01)
          else $error("%s: AR burst not INCR, 8-byte, 1..16 beats (%h, ARLEN %0d)", Name, araddr_i, arlen_i);
      end
      if (ar_stall_prev) begin
        assert (arvalid_i && araddr_i == araddr_prev && arlen_i == arlen_prev)
          else $error("%s: AR changed while stalled", Name);
      end
      if (ar_hs) len_q[ar_n % MaxBursts] <= arlen_i;
      if (r_hs) begin
        assert (r_n < ar_n) else $error("%s: R beat with no burst outstanding", Name);
        assert (rlast_i == (beat == int'(cur_len)))
          else $error("%s: RLAST %0d on beat %0d of a burst of ARLEN %0d", Name, rlast_i, beat, cur_len);
        beat <= rlast_i ? 0 : beat + 1;
      end
      assert (ar_n - r_n <= MaxBursts) else $error("%s: more than %0d bursts outstanding", Name, MaxBursts);
      ar_n <= ar_n + (ar_hs ? 1 : 0);
      r_n  <= r_n + ((r_hs && rlast_i) ? 1 : 0);
    end
  end
`else
  logic unused_ok;
  assign unused_ok = ^{clk_i, rst_ni, araddr_i, arlen_i, arsize_i, arburst_i, arvalid_i, arready_i,
                       rlast_i, rvalid_i, rready_i};
`endif

endmodule
