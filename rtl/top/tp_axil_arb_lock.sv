// SPDX-License-Identifier: MIT
// tinypynq — the grant of one direction (writes or reads) of tp_axil_arbiter: two requesters,
// requester 1 first; the grant is combinational while the direction is free and locked from the
// first cycle a requester is granted until its response handshake (done_i), so the slave never
// sees VALID switch masters before its handshake (AMBA AXI4-Lite, ARM IHI 0022E A3.2.1).
module tp_axil_arb_lock (
  input  logic clk_i,
  input  logic rst_ni,
  input  logic req0_i,   // AWVALID (ARVALID) of master 0
  input  logic req1_i,   // ... of master 1
  input  logic done_i,   // the response handshake (B or R) of the granted master
  output logic gnt_o,    // 1: master 1 owns the direction, 0: master 0
  output logic locked_o  // a master owns it (its response is still to come)
);
  logic lock_q, lock_d, own_q, own_d;
  always_comb begin
    gnt_o  = lock_q ? own_q : req1_i;
    lock_d = lock_q;
    own_d  = own_q;
    if (!lock_q && (req0_i || req1_i)) begin
      lock_d = 1'b1;
      own_d  = gnt_o;
    end
    if (done_i) lock_d = 1'b0;
  end
  assign locked_o = lock_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      lock_q <= 1'b0;
      own_q  <= 1'b0;
    end else begin
      lock_q <= lock_d;
      own_q  <= own_d;
    end
  end
endmodule
