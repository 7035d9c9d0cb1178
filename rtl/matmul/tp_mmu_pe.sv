// SPDX-License-Identifier: MIT
// tinypynq — one processing element of the matmul unit's output-stationary systolic array
// (docs/hw-spec.md §6.3). A and its control move right one PE per cycle, W moves down one PE
// per cycle. Each cycle: one FMUL (tp_fp_mul, 3 stages) and one FADD (tp_fp_add, 4 stages)
// whose output loops back as the accumulator operand: the four strips s = 0..3 (L_A = 4)
// rotate every cycle, so the FADD result emerging in the cycle a strip's next product arrives
// is exactly that strip's accumulator (acc := FADD(acc, FMUL(a, w)), acc = -0 at k = 0). The
// final value of strip s (control `last`) is captured into cap_o[32s +: 32], where the
// unit's readout picks it up while the next pass runs.
module tp_mmu_pe (
  input  logic         clk_i,
  input  logic         rst_ni,
  input  logic [31:0]  a_i,
  input  logic [4:0]   ctl_i,    // {valid, first k, last k, strip s[1:0]}
  input  logic [31:0]  w_i,
  output logic [31:0]  a_o,
  output logic [4:0]   ctl_o,
  output logic [31:0]  w_o,
  output logic [127:0] cap_o,    // final accumulators of strips 0..3
  output logic         cap0_o    // strip 0's final is captured at the end of this cycle
);

  localparam logic [31:0] NegZero = 32'h8000_0000;

  logic [31:0] a_q, w_q, prod, acc;
  logic [4:0]  ctl_q, ctl_m;
  logic [3:0]  ctl_a;   // {valid, last, s}

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      a_q   <= 32'd0;
      w_q   <= 32'd0;
      ctl_q <= 5'd0;
    end else begin
      a_q   <= a_i;
      w_q   <= w_i;
      ctl_q <= ctl_i;
    end
  end
  assign a_o   = a_q;
  assign w_o   = w_q;
  assign ctl_o = ctl_q;

  tp_fp_mul u_mul (
    .clk_i (clk_i), .rst_ni (rst_ni), .en_i (1'b1), .a_i (a_q), .b_i (w_q), .y_o (prod)
  );
  tp_pipe #(.Width(5), .Depth(3)) u_ctl_m (
    .clk_i (clk_i), .rst_ni (rst_ni), .en_i (1'b1), .d_i (ctl_q), .q_o (ctl_m)
  );

  logic [31:0] acc_in;
  assign acc_in = ctl_m[3] ? NegZero : acc;
  tp_fp_add u_add (
    .clk_i (clk_i), .rst_ni (rst_ni), .en_i (1'b1), .a_i (acc_in), .b_i (prod), .y_o (acc)
  );
  tp_pipe #(.Width(4), .Depth(4)) u_ctl_a (
    .clk_i (clk_i), .rst_ni (rst_ni), .en_i (1'b1), .d_i ({ctl_m[4], ctl_m[2:0]}), .q_o (ctl_a)
  );

  // one register per strip with its own enable (no indexed write: that synthesizes to shifters)
  for (genvar s = 0; s < 4; s++) begin : g_cap
    logic [31:0] cap_q;
    always_ff @(posedge clk_i) begin
      if (!rst_ni) cap_q <= 32'd0;
      else if (ctl_a[3] && ctl_a[2] && ctl_a[1:0] == 2'(s)) cap_q <= acc;
    end
    assign cap_o[32 * s +: 32] = cap_q;
  end
  assign cap0_o = ctl_a[3] && ctl_a[2] && ctl_a[1:0] == 2'd0;

endmodule
