// SPDX-License-Identifier: MIT
// tinypynq — enable-gated delay line: q_o = d_i of Depth enabled cycles earlier (Depth >= 1).
// One flat vector (yosys 0.23 reads no multi-dimensional packed arrays). Used by the reduce and
// matmul units to align tags and data with the floating-point pipelines.
module tp_pipe #(
  parameter int unsigned Width = 32,
  parameter int unsigned Depth = 1
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             en_i,
  input  logic [Width-1:0] d_i,
  output logic [Width-1:0] q_o
);

  if (Depth == 1) begin : g_one
    logic [Width-1:0] q;
    always_ff @(posedge clk_i) begin
      if (!rst_ni) q <= '0;
      else if (en_i) q <= d_i;
    end
    assign q_o = q;
  end else begin : g_line
    logic [Width*Depth-1:0] q;
    always_ff @(posedge clk_i) begin
      if (!rst_ni) q <= '0;
      else if (en_i) q <= {q[Width*(Depth-1)-1:0], d_i};
    end
    assign q_o = q[Width*Depth-1 -: Width];
  end

endmodule
