// SPDX-License-Identifier: MIT
// tinypynq co-simulation — the port structs of the transactors (axis.h, axi_lite.h) for the
// Verilated models, templated on the model type so that one definition serves every unit and
// both tops (the plain and the traced Verilation of rtl/sim/tinypynq_pl_sim.sv, the bare
// tinypynq_pl_top of tests/rtl):
//
//   Vtp_vec_unit m;
//   PinAxisSource a(unit_in(m, 0), "A"), b(unit_in(m, 1), "B");   // streams A, B
//   PinAxisSink r(unit_out(m), "R");
//   Vtinypynq_pl_sim top;
//   PinAxisSource sa(top_in(top, 0), "A (DMA0 MM2S)");
//   AxiLiteMaster gp0(top_axil(top));
//
// A stream the model does not have (stream C of the reduce unit) gives a struct of nulls:
// has_pins() is false and the transactor must not be driven.
#pragma once

#include "cosim/axi_hp_bridge.h"
#include "cosim/axi_hp_write_bridge.h"
#include "cosim/axi_lite.h"
#include "cosim/axis.h"

namespace tinypynq::cosim {

inline bool has_pins(const AxisPins& p) { return p.tvalid != nullptr; }

// A unit's input stream s (0 A, 1 B, 2 C): s_axis_*_t{valid,data,last}_i, s_axis_*_tready_o.
template <class M>
AxisPins unit_in(M& m, unsigned s) {
  if (s == 0) return {&m.s_axis_a_tvalid_i, &m.s_axis_a_tdata_i, nullptr, &m.s_axis_a_tlast_i, &m.s_axis_a_tready_o};
  if constexpr (requires { m.s_axis_b_tvalid_i; })
    if (s == 1) return {&m.s_axis_b_tvalid_i, &m.s_axis_b_tdata_i, nullptr, &m.s_axis_b_tlast_i, &m.s_axis_b_tready_o};
  if constexpr (requires { m.s_axis_c_tvalid_i; })
    if (s == 2) return {&m.s_axis_c_tvalid_i, &m.s_axis_c_tdata_i, nullptr, &m.s_axis_c_tlast_i, &m.s_axis_c_tready_o};
  return {};
}
// A unit's result stream R.
template <class M>
AxisPins unit_out(M& m) {
  return {&m.m_axis_r_tvalid_o, &m.m_axis_r_tdata_o, &m.m_axis_r_tkeep_o, &m.m_axis_r_tlast_o, &m.m_axis_r_tready_i};
}

// The PL top's input stream s (0 A, 1 B, 2 C: DMA0..2 MM2S), with TKEEP.
template <class M>
AxisPins top_in(M& m, unsigned s) {
  if (s == 0) return {&m.s_axis_a_tvalid, &m.s_axis_a_tdata, &m.s_axis_a_tkeep, &m.s_axis_a_tlast, &m.s_axis_a_tready};
  if (s == 1) return {&m.s_axis_b_tvalid, &m.s_axis_b_tdata, &m.s_axis_b_tkeep, &m.s_axis_b_tlast, &m.s_axis_b_tready};
  if (s == 2) return {&m.s_axis_c_tvalid, &m.s_axis_c_tdata, &m.s_axis_c_tkeep, &m.s_axis_c_tlast, &m.s_axis_c_tready};
  return {};
}
// The PL top's result stream R (DMA0 S2MM).
template <class M>
AxisPins top_out(M& m) {
  return {&m.m_axis_r_tvalid, &m.m_axis_r_tdata, &m.m_axis_r_tkeep, &m.m_axis_r_tlast, &m.m_axis_r_tready};
}
// The PL top's AXI4-Lite slave (GP0).
template <class M>
AxiLitePins top_axil(M& m) {
  AxiLitePins p;
  p.awaddr = &m.s_axi_awaddr, p.awvalid = &m.s_axi_awvalid, p.awready = &m.s_axi_awready;
  p.wdata = &m.s_axi_wdata, p.wstrb = &m.s_axi_wstrb, p.wvalid = &m.s_axi_wvalid, p.wready = &m.s_axi_wready;
  p.bresp = &m.s_axi_bresp, p.bvalid = &m.s_axi_bvalid, p.bready = &m.s_axi_bready;
  p.araddr = &m.s_axi_araddr, p.arvalid = &m.s_axi_arvalid, p.arready = &m.s_axi_arready;
  p.rdata = &m.s_axi_rdata, p.rresp = &m.s_axi_rresp, p.rvalid = &m.s_axi_rvalid, p.rready = &m.s_axi_rready;
  return p;
}

// Every pin of the rtl target's model (rtl/sim/tinypynq_pl_sim.sv: tinypynq_pl_top's ports, the
// TLM-side marker inputs, the monitor outputs) for code that is not templated on the model.
struct PlSimPins {
  uint8_t *aclk = nullptr, *aresetn = nullptr;
  uint8_t* irq[3] = {nullptr, nullptr, nullptr};  // irq_vec, irq_red, irq_mmu
  // monitor outputs: per-unit busy, done, W_RANGE (bit u), SYS.TIME
  uint8_t *mon_busy = nullptr, *mon_done = nullptr, *mon_w_range = nullptr;
  uint64_t* mon_time = nullptr;
  // marker inputs (the waveform's TLM side)
  uint8_t *tlm_cmd_unit = nullptr, *tlm_exp_done = nullptr, *tlm_dma_armed = nullptr, *tlm_gp0_access = nullptr,
          *tlm_mismatch = nullptr;
  uint32_t *tlm_cmd_seq = nullptr, *tlm_cmd_op = nullptr;
  uint8_t* in_err = nullptr;  // s_axis_err: bit s = the source of stream s failed (vr_err)
  AxiLitePins axil;
  AxisPins in[3];  // v1: the top's stream inputs; v2: none (the readers are inside)
  AxisPins out;
  // pl_version 2 (rtl/sim/tinypynq_pl_sim_v2.sv; null in v1): the readers' HP ports, IRQ_F2P,
  // and the monitors of the readers' streams into the units and of their activity.
  AxiReadPins hp[3];
  uint16_t* irq_f2p = nullptr;
  uint8_t *mon_in_tvalid = nullptr, *mon_in_hs = nullptr, *mon_vr_active = nullptr;
  uint64_t* mon_in_tdata[3] = {nullptr, nullptr, nullptr};
  // the view writer inside (its HP0 write channels; stream R into it and its BUSY as monitors)
  AxiWritePins hpw;
  uint8_t *mon_r_tvalid = nullptr, *mon_r_hs = nullptr, *mon_r_tkeep = nullptr, *mon_r_tlast = nullptr,
          *mon_vw_busy = nullptr;
  uint64_t* mon_r_tdata = nullptr;
  // the command queue inside (tinypynq_pl_sim_v2 with TP_SIM_V2_CQ): HP3 (slots, records), its
  // work, its accesses on the register bus (AW+W or AR handshakes, R handshakes with the data)
  AxiReadPins hp3;
  AxiWritePins hp3w;
  uint8_t *mon_cq_busy = nullptr, *mon_rb_wr = nullptr, *mon_rb_rd = nullptr, *mon_rb_r = nullptr;
  uint32_t *mon_rb_waddr = nullptr, *mon_rb_wdata = nullptr, *mon_rb_raddr = nullptr, *mon_rb_rdata = nullptr;
  bool v2() const { return hp[0].araddr != nullptr; }
  bool vw_inside = false;  // the model has the view writer (tinypynq_pl_sim_v2 with TP_SIM_V2_VW)
  bool cq_inside = false;  // ... and the command queue (TP_SIM_V2_CQ; implies the writer)
  bool with_vw() const { return vw_inside || cq_inside; }
  bool with_cq() const { return cq_inside; }
};
template <class M>
AxiReadPins hp_read_pins(M& m, unsigned i) {
  if (i == 0) return {&m.m_axi_hp0_araddr, &m.m_axi_hp0_arlen, &m.m_axi_hp0_arvalid, &m.m_axi_hp0_arready,
                      &m.m_axi_hp0_rdata, &m.m_axi_hp0_rresp, &m.m_axi_hp0_rlast, &m.m_axi_hp0_rvalid,
                      &m.m_axi_hp0_rready};
  if (i == 1) return {&m.m_axi_hp1_araddr, &m.m_axi_hp1_arlen, &m.m_axi_hp1_arvalid, &m.m_axi_hp1_arready,
                      &m.m_axi_hp1_rdata, &m.m_axi_hp1_rresp, &m.m_axi_hp1_rlast, &m.m_axi_hp1_rvalid,
                      &m.m_axi_hp1_rready};
  return {&m.m_axi_hp2_araddr, &m.m_axi_hp2_arlen, &m.m_axi_hp2_arvalid, &m.m_axi_hp2_arready,
          &m.m_axi_hp2_rdata, &m.m_axi_hp2_rresp, &m.m_axi_hp2_rlast, &m.m_axi_hp2_rvalid, &m.m_axi_hp2_rready};
}
template <class M>
PlSimPins pl_sim_pins(M& m) {
  PlSimPins p;
  p.aclk = &m.aclk, p.aresetn = &m.aresetn;
  p.mon_busy = &m.mon_busy_o, p.mon_done = &m.mon_done_o, p.mon_w_range = &m.mon_w_range_o, p.mon_time = &m.mon_time_o;
  p.tlm_cmd_unit = &m.tlm_cmd_unit_i, p.tlm_exp_done = &m.tlm_exp_done_i, p.tlm_dma_armed = &m.tlm_dma_armed_i;
  p.tlm_gp0_access = &m.tlm_gp0_access_i, p.tlm_mismatch = &m.tlm_mismatch_i;
  p.tlm_cmd_seq = &m.tlm_cmd_seq_i, p.tlm_cmd_op = &m.tlm_cmd_op_i;
  p.axil = top_axil(m);
  p.out = top_out(m);
  if constexpr (requires { m.m_axi_hp0_araddr; }) {  // tinypynq_pl_sim_v2
    for (unsigned i = 0; i < 3; ++i) p.hp[i] = hp_read_pins(m, i);
    p.irq_f2p = &m.irq_f2p;
    p.mon_in_tvalid = &m.mon_in_tvalid_o, p.mon_in_hs = &m.mon_in_hs_o, p.mon_vr_active = &m.mon_vr_active_o;
    p.mon_in_tdata[0] = &m.mon_in0_tdata_o, p.mon_in_tdata[1] = &m.mon_in1_tdata_o;
    p.mon_in_tdata[2] = &m.mon_in2_tdata_o;
    p.hpw = {&m.m_axi_hp0_awaddr, &m.m_axi_hp0_awlen, &m.m_axi_hp0_awvalid, &m.m_axi_hp0_awready,
             &m.m_axi_hp0_wdata,  &m.m_axi_hp0_wstrb, &m.m_axi_hp0_wlast,   &m.m_axi_hp0_wvalid,
             &m.m_axi_hp0_wready, &m.m_axi_hp0_bresp, &m.m_axi_hp0_bvalid,  &m.m_axi_hp0_bready};
    p.mon_r_tvalid = &m.mon_r_tvalid_o, p.mon_r_hs = &m.mon_r_hs_o, p.mon_r_tdata = &m.mon_r_tdata_o;
    p.mon_r_tkeep = &m.mon_r_tkeep_o, p.mon_r_tlast = &m.mon_r_tlast_o, p.mon_vw_busy = &m.mon_vw_busy_o;
    if constexpr (requires { m.m_axi_hp3_araddr; }) {
      p.hp3 = {&m.m_axi_hp3_araddr, &m.m_axi_hp3_arlen, &m.m_axi_hp3_arvalid, &m.m_axi_hp3_arready,
               &m.m_axi_hp3_rdata,  &m.m_axi_hp3_rresp, &m.m_axi_hp3_rlast,   &m.m_axi_hp3_rvalid,
               &m.m_axi_hp3_rready};
      p.hp3w = {&m.m_axi_hp3_awaddr, &m.m_axi_hp3_awlen, &m.m_axi_hp3_awvalid, &m.m_axi_hp3_awready,
                &m.m_axi_hp3_wdata,  &m.m_axi_hp3_wstrb, &m.m_axi_hp3_wlast,   &m.m_axi_hp3_wvalid,
                &m.m_axi_hp3_wready, &m.m_axi_hp3_bresp, &m.m_axi_hp3_bvalid,  &m.m_axi_hp3_bready};
      p.mon_cq_busy = &m.mon_cq_busy_o, p.mon_rb_wr = &m.mon_rb_wr_o, p.mon_rb_rd = &m.mon_rb_rd_o;
      p.mon_rb_r = &m.mon_rb_r_o, p.mon_rb_waddr = &m.mon_rb_waddr_o, p.mon_rb_wdata = &m.mon_rb_wdata_o;
      p.mon_rb_raddr = &m.mon_rb_raddr_o, p.mon_rb_rdata = &m.mon_rb_rdata_o;
    }
    return p;
  } else {
    p.irq[0] = &m.irq_vec, p.irq[1] = &m.irq_red, p.irq[2] = &m.irq_mmu;
    p.in_err = &m.s_axis_err;
    for (unsigned s = 0; s < 3; ++s) p.in[s] = top_in(m, s);
    return p;
  }
}

}  // namespace tinypynq::cosim
