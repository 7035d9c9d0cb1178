// SPDX-License-Identifier: MIT
// tinypynq — AXI4-Lite slave (32-bit data, 18-bit byte address) with the timing of
// docs/hw-spec.md §7:
//   * write: AWREADY and WREADY are asserted together, combinationally, in a cycle where
//     AWVALID and WVALID are both 1 and no write response is pending (BVALID = 0); the write
//     takes effect at the end of that cycle (wr_o = 1 in it); BVALID follows in the next cycle
//     and stays until BREADY. So at most one write every two cycles.
//   * read: ARREADY is asserted when ARVALID = 1 and no read response is pending (RVALID = 0);
//     RDATA is the register value in that AR handshake cycle (rd_o = 1, rd_data_i sampled),
//     returned with RVALID in the next cycle.
//   * whole-word accesses only (the conventions of the TLM twin): a write with WSTRB != 4'hF or
//     an unaligned address is ignored and answered SLVERR; an unaligned read returns 0, SLVERR.
module tp_axil_slave (
  input  logic        clk_i,
  input  logic        rst_ni,
  // AXI4-Lite
  input  logic [17:0] awaddr_i,
  input  logic        awvalid_i,
  output logic        awready_o,
  input  logic [31:0] wdata_i,
  input  logic [3:0]  wstrb_i,
  input  logic        wvalid_i,
  output logic        wready_o,
  output logic [1:0]  bresp_o,
  output logic        bvalid_o,
  input  logic        bready_i,
  input  logic [17:0] araddr_i,
  input  logic        arvalid_i,
  output logic        arready_o,
  output logic [31:0] rdata_o,
  output logic [1:0]  rresp_o,
  output logic        rvalid_o,
  input  logic        rready_i,
  // register interface
  output logic        wr_o,        // a write takes effect at the end of this cycle
  output logic [17:0] wr_addr_o,
  output logic [31:0] wr_data_o,
  output logic        rd_o,        // AR handshake: rd_data_i is sampled in this cycle
  output logic [17:0] rd_addr_o,
  input  logic [31:0] rd_data_i
);

  localparam logic [1:0] RespOkay = 2'b00, RespSlvErr = 2'b10;

  logic       bvalid_q, rvalid_q;
  logic [1:0] bresp_q, rresp_q;
  logic [31:0] rdata_q;

  logic aw_hs, ar_hs, wr_ok, rd_ok;
  assign aw_hs = awvalid_i && wvalid_i && !bvalid_q;
  assign ar_hs = arvalid_i && !rvalid_q;
  assign wr_ok = (wstrb_i == 4'hF) && (awaddr_i[1:0] == 2'b00);
  assign rd_ok = (araddr_i[1:0] == 2'b00);

  assign awready_o = aw_hs;
  assign wready_o  = aw_hs;
  assign arready_o = ar_hs;
  assign bvalid_o  = bvalid_q;
  assign bresp_o   = bresp_q;
  assign rvalid_o  = rvalid_q;
  assign rresp_o   = rresp_q;
  assign rdata_o   = rdata_q;

  assign wr_o      = aw_hs && wr_ok;
  assign wr_addr_o = awaddr_i;
  assign wr_data_o = wdata_i;
  assign rd_o      = ar_hs && rd_ok;
  assign rd_addr_o = araddr_i;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      bvalid_q <= 1'b0;
      bresp_q  <= RespOkay;
      rvalid_q <= 1'b0;
      rresp_q  <= RespOkay;
      rdata_q  <= 32'd0;
    end else begin
      if (aw_hs) begin
        bvalid_q <= 1'b1;
        bresp_q  <= wr_ok ? RespOkay : RespSlvErr;
      end else if (bready_i) begin
        bvalid_q <= 1'b0;
      end
      if (ar_hs) begin
        rvalid_q <= 1'b1;
        rresp_q  <= rd_ok ? RespOkay : RespSlvErr;
        rdata_q  <= rd_ok ? rd_data_i : 32'd0;
      end else if (rready_i) begin
        rvalid_q <= 1'b0;
      end
    end
  end

`ifndef SYNTHESIS
  // AXI handshake rules on the slave outputs: a response is held until accepted, unchanged.
  logic [1:0]  bresp_prev;
  logic [31:0] rdata_prev;
  logic        b_stall_prev, r_stall_prev;
  always_ff @(posedge clk_i) begin
    b_stall_prev <= rst_ni && bvalid_o && !bready_i;
    r_stall_prev <= rst_ni && rvalid_o && !rready_i;
    bresp_prev   <= bresp_o;
    rdata_prev   <= rdata_o;
    if (rst_ni && b_stall_prev) begin
      assert (bvalid_o && bresp_o == bresp_prev) else $error("AXI-Lite: B changed while stalled");
    end
    if (rst_ni && r_stall_prev) begin
      assert (rvalid_o && rdata_o == rdata_prev) else $error("AXI-Lite: R changed while stalled");
    end
  end
`endif

endmodule
