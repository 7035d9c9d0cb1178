// SPDX-License-Identifier: MIT
// tinypynq — simple dual-port RAM (one write port, one read port with enable and a registered
// output that holds while re_i = 0), the template Vivado and yosys map to block RAM. No reset:
// the contents persist (WBUF keeps its weight tile across commands, hw-spec §6.3).
module tp_sdp_ram #(
  parameter int unsigned Width = 32,
  parameter int unsigned Depth = 1024,
  localparam int unsigned Aw   = $clog2(Depth)
) (
  input  logic             clk_i,
  input  logic             we_i,
  input  logic [Aw-1:0]    waddr_i,
  input  logic [Width-1:0] wdata_i,
  input  logic             re_i,
  input  logic [Aw-1:0]    raddr_i,
  output logic [Width-1:0] rdata_o
);

  logic [Width-1:0] mem [Depth];
  logic [Width-1:0] rdata_q;

  always_ff @(posedge clk_i) begin
    if (we_i) mem[waddr_i] <= wdata_i;
  end
  always_ff @(posedge clk_i) begin
    if (re_i) rdata_q <= mem[raddr_i];
  end
  assign rdata_o = rdata_q;

endmodule
