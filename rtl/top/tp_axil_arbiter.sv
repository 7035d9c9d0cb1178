// SPDX-License-Identifier: MIT
// tinypynq — a two-master AXI4-Lite arbiter (docs/pl-v2.md "The command queue in the PL top"):
// GP0 (master 0, the PS) and the command queue's sequencer (master 1) share the PL's register
// bus. Writes and reads are arbitrated separately, one access outstanding per direction.
//
// Zero latency: while a direction is free the grant is combinational, so a lone master sees the
// slave's own timing (hw-spec §7: the handshake in the cycle VALID is seen,
// the response in the next). The grant is locked from the first cycle a master is granted until
// its response handshake (B or R), so the slave never sees VALID switch masters before its
// handshake (AMBA AXI4-Lite, ARM IHI 0022E A3.2.1: once VALID is asserted it stays until the
// handshake, with its payload unchanged). The other master waits, its VALID held.
//
// Master 1 has priority whenever both ask: the command queue's timing (docs/pl-v2.md, one
// access every CQ_WRITE_CYCLES, the TLM twin's) then holds whatever the PS does, and a GP0 access
// to the PL's registers waits at most for the rest of one entry's writes (CQ_MAX_WRITES x
// CQ_WRITE_CYCLES cycles, about 5 us): the sequencer issues its next access in the cycle after a
// response, and between entries it waits for the command. The v2 runtime only polls the CQ
// window while the queue runs, which does not pass through here.
module tp_axil_arbiter #(
  parameter int unsigned AddrW = 19
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  // master 0 (GP0)
  input  logic [AddrW-1:0] s0_awaddr_i,
  input  logic             s0_awvalid_i,
  output logic             s0_awready_o,
  input  logic [31:0]      s0_wdata_i,
  input  logic [3:0]       s0_wstrb_i,
  input  logic             s0_wvalid_i,
  output logic             s0_wready_o,
  output logic [1:0]       s0_bresp_o,
  output logic             s0_bvalid_o,
  input  logic             s0_bready_i,
  input  logic [AddrW-1:0] s0_araddr_i,
  input  logic             s0_arvalid_i,
  output logic             s0_arready_o,
  output logic [31:0]      s0_rdata_o,
  output logic [1:0]       s0_rresp_o,
  output logic             s0_rvalid_o,
  input  logic             s0_rready_i,
  // master 1 (the command queue's register master)
  input  logic [AddrW-1:0] s1_awaddr_i,
  input  logic             s1_awvalid_i,
  output logic             s1_awready_o,
  input  logic [31:0]      s1_wdata_i,
  input  logic [3:0]       s1_wstrb_i,
  input  logic             s1_wvalid_i,
  output logic             s1_wready_o,
  output logic [1:0]       s1_bresp_o,
  output logic             s1_bvalid_o,
  input  logic             s1_bready_i,
  input  logic [AddrW-1:0] s1_araddr_i,
  input  logic             s1_arvalid_i,
  output logic             s1_arready_o,
  output logic [31:0]      s1_rdata_o,
  output logic [1:0]       s1_rresp_o,
  output logic             s1_rvalid_o,
  input  logic             s1_rready_i,
  // the shared slave (the register decode)
  output logic [AddrW-1:0] m_awaddr_o,
  output logic             m_awvalid_o,
  input  logic             m_awready_i,
  output logic [31:0]      m_wdata_o,
  output logic [3:0]       m_wstrb_o,
  output logic             m_wvalid_o,
  input  logic             m_wready_i,
  input  logic [1:0]       m_bresp_i,
  input  logic             m_bvalid_i,
  output logic             m_bready_o,
  output logic [AddrW-1:0] m_araddr_o,
  output logic             m_arvalid_o,
  input  logic             m_arready_i,
  input  logic [31:0]      m_rdata_i,
  input  logic [1:0]       m_rresp_i,
  input  logic             m_rvalid_i,
  output logic             m_rready_o
);

  // ---- writes: AW, W and B follow one grant; reads: AR and R follow another
  logic w_gnt, w_lock_q, r_gnt, r_lock_q;
  tp_axil_arb_lock u_w (
    .clk_i, .rst_ni, .req0_i (s0_awvalid_i), .req1_i (s1_awvalid_i), .done_i (m_bvalid_i && m_bready_o),
    .gnt_o (w_gnt), .locked_o (w_lock_q)
  );
  tp_axil_arb_lock u_r (
    .clk_i, .rst_ni, .req0_i (s0_arvalid_i), .req1_i (s1_arvalid_i), .done_i (m_rvalid_i && m_rready_o),
    .gnt_o (r_gnt), .locked_o (r_lock_q)
  );

  assign m_awaddr_o   = w_gnt ? s1_awaddr_i : s0_awaddr_i;
  assign m_awvalid_o  = w_gnt ? s1_awvalid_i : s0_awvalid_i;
  assign m_wdata_o    = w_gnt ? s1_wdata_i : s0_wdata_i;
  assign m_wstrb_o    = w_gnt ? s1_wstrb_i : s0_wstrb_i;
  assign m_wvalid_o   = w_gnt ? s1_wvalid_i : s0_wvalid_i;
  assign m_bready_o   = w_gnt ? s1_bready_i : s0_bready_i;
  assign s0_awready_o = !w_gnt && m_awready_i;
  assign s1_awready_o = w_gnt && m_awready_i;
  assign s0_wready_o  = !w_gnt && m_wready_i;
  assign s1_wready_o  = w_gnt && m_wready_i;
  assign s0_bvalid_o  = !w_gnt && w_lock_q && m_bvalid_i;
  assign s1_bvalid_o  = w_gnt && w_lock_q && m_bvalid_i;
  assign s0_bresp_o   = m_bresp_i;
  assign s1_bresp_o   = m_bresp_i;

  assign m_araddr_o   = r_gnt ? s1_araddr_i : s0_araddr_i;
  assign m_arvalid_o  = r_gnt ? s1_arvalid_i : s0_arvalid_i;
  assign m_rready_o   = r_gnt ? s1_rready_i : s0_rready_i;
  assign s0_arready_o = !r_gnt && m_arready_i;
  assign s1_arready_o = r_gnt && m_arready_i;
  assign s0_rvalid_o  = !r_gnt && r_lock_q && m_rvalid_i;
  assign s1_rvalid_o  = r_gnt && r_lock_q && m_rvalid_i;
  assign s0_rdata_o   = m_rdata_i;
  assign s1_rdata_o   = m_rdata_i;
  assign s0_rresp_o   = m_rresp_i;
  assign s1_rresp_o   = m_rresp_i;

endmodule
