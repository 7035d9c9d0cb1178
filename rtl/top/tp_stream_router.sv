// SPDX-License-Identifier: MIT
// tinypynq — stream router of docs/hw-spec.md §2.4: streams A, B, C (DMA MM2S -> unit) and R
// (unit -> DMA S2MM) connect to the unit selected by route_i (0 none, 1 vector, 2 reduce,
// 3 matmul); combinational, zero latency. Unselected units see TVALID = 0 (and TREADY = 0 on
// R); with route none the DMAs see TREADY = 0 and TVALID = 0 on R. TDATA and TLAST of the
// inputs go to every unit unchanged (the top wires them), only the handshakes are switched.
// Vectors are flat (yosys 0.23): unit u (0 vector, 1 reduce, 2 matmul), stream s (0 A, 1 B,
// 2 C) is bit 3u+s of the input handshakes; R of unit u is tdata[64u +: 64], tkeep[8u +: 8].
module tp_stream_router (
  input  logic [1:0]   route_i,
  // DMA side
  input  logic [2:0]   in_tvalid_i,
  output logic [2:0]   in_tready_o,
  output logic [63:0]  r_tdata_o,
  output logic [7:0]   r_tkeep_o,
  output logic         r_tvalid_o,
  output logic         r_tlast_o,
  input  logic         r_tready_i,
  // unit side
  output logic [8:0]   u_in_tvalid_o,
  input  logic [8:0]   u_in_tready_i,
  input  logic [191:0] u_r_tdata_i,
  input  logic [23:0]  u_r_tkeep_i,
  input  logic [2:0]   u_r_tvalid_i,
  input  logic [2:0]   u_r_tlast_i,
  output logic [2:0]   u_r_tready_o
);

  always_comb begin
    in_tready_o = 3'b000;
    r_tdata_o   = 64'd0;
    r_tkeep_o   = 8'd0;
    r_tvalid_o  = 1'b0;
    r_tlast_o   = 1'b0;
    for (int u = 0; u < 3; u++) begin
      u_in_tvalid_o[3 * u +: 3] = (route_i == 2'(u + 1)) ? in_tvalid_i : 3'b000;
      u_r_tready_o[u]           = (route_i == 2'(u + 1)) && r_tready_i;
      if (route_i == 2'(u + 1)) begin
        in_tready_o = u_in_tready_i[3 * u +: 3];
        r_tdata_o   = u_r_tdata_i[64 * u +: 64];
        r_tkeep_o   = u_r_tkeep_i[8 * u +: 8];
        r_tvalid_o  = u_r_tvalid_i[u];
        r_tlast_o   = u_r_tlast_i[u];
      end
    end
  end

endmodule
