// SPDX-License-Identifier: MIT
// tinypynq — enable-gated delay line: q_o = d_i of Depth enabled cycles earlier (Depth >= 1
// registers; Depth = 0 is a wire). Used to align operands with the floating-point pipelines.
module tp_delay #(
  parameter int unsigned Width = 32,
  parameter int unsigned Depth = 1
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             en_i,
  input  logic [Width-1:0] d_i,
  output logic [Width-1:0] q_o
);

  if (Depth == 0) begin : g_wire
    assign q_o = d_i;
    // en_i, clk_i and rst_ni are unused in this configuration
    logic unused;
    assign unused = ^{clk_i, rst_ni, en_i};
  end else if (Depth == 1) begin : g_one
    logic [Width-1:0] q;
    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        q <= '0;
      end else if (en_i) begin
        q <= d_i;
      end
    end
    assign q_o = q;
  end else begin : g_line
    // one flat vector (yosys 0.23 reads no multi-dimensional packed arrays)
    logic [Depth*Width-1:0] q;
    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        q <= '0;
      end else if (en_i) begin
        q <= {q[(Depth-1)*Width-1:0], d_i};
      end
    end
    assign q_o = q[Depth*Width-1 -: Width];
  end

endmodule
