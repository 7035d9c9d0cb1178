// SPDX-License-Identifier: MIT
// tinypynq — the Zynq-7000 processing system as the PL sees it: DDR3 behind four S_AXI_HP
// ports, the M_AXI_GP0 master the CPU uses for PL registers, and IRQ_F2P.
//
//   Ps7 ps("ps7", cfg);
//   ps.m_axi_gp0.bind(interconnect.s_axi);      // CPU -> PL registers
//   dma0.m_axi_mm2s.bind(ps.s_axi_hp[0]);       // PL DMA -> DDR
//   uint8_t* p = ps.ddr(phys);                  // the CPU's (and DMI's) view of DDR
//
// DDR timing (hp_ext.h): a DMA asks once per transfer; the answer is a beat schedule with the
// read/write latency of the DDR controller and a rate limited by the HP port (64 bit per PL
// cycle) and by an equal share of the sustained DDR bandwidth among the transfers in flight
// at its start (docs/board-config.md: ddr_peak_bytes_per_s x ddr_efficiency). Data moves by
// DMI (zero copy); plain reads/writes are served too. Addresses outside DDR get
// TLM_ADDRESS_ERROR_RESPONSE (the interconnect's DECERR).
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "base/board_config.h"
#include "models/tlm/axis.h"

namespace tinypynq::vp {

class Ps7;

// One S_AXI_HP port; several AXI masters may bind to it (through the PL's interconnect).
class HpPort : public sc_core::sc_module {
 public:
  // HP3 is unused by pl_version 1 (v2: the command queue): zero bindings are allowed.
  tlm_utils::multi_passthrough_target_socket<HpPort, 32, tlm::tlm_base_protocol_types, 0, sc_core::SC_ZERO_OR_MORE_BOUND> s_axi;
  HpPort(sc_core::sc_module_name name, Ps7& ps, int index);

 private:
  void b_transport(int, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  bool get_dmi(int, tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi);
  unsigned transport_dbg(int, tlm::tlm_generic_payload& gp);
  Ps7& ps_;
  int index_;
};

class Ps7 : public sc_core::sc_module, public IrqSink {
 public:
  static constexpr int kHpPorts = 4;
  tlm_utils::simple_initiator_socket<Ps7> m_axi_gp0;
  HpPort* hp[kHpPorts];  // bind masters to hp[i]->s_axi

  Ps7(sc_core::sc_module_name name, const BoardConfig& cfg);
  ~Ps7() override;

  uint8_t* ddr(uint64_t phys) { return mem_ + phys; }
  uint64_t ddr_bytes() const { return cfg_.ddr_bytes; }
  sc_core::sc_time pl_period() const { return period_; }

  // IRQ_F2P: level per line, the time of its last rising edge, and an event on every change.
  void set_irq(unsigned line, bool level) override;
  bool irq(unsigned line) const { return (irq_ >> line) & 1u; }
  sc_core::sc_time irq_rise_time(unsigned line) const { return rise_[line]; }
  const sc_core::sc_event& irq_event() const { return irq_ev_; }

  // DDR bytes moved by the HP ports (for utilisation figures).
  uint64_t hp_bytes(int port) const { return hp_bytes_[port]; }

 private:
  friend class HpPort;
  void hp_b_transport(int port, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  bool hp_get_dmi(int port, tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi);
  unsigned hp_transport_dbg(int port, tlm::tlm_generic_payload& gp);

  BoardConfig cfg_;
  sc_core::sc_time period_;
  uint8_t* mem_ = nullptr;
  uint32_t irq_ = 0;
  sc_core::sc_time rise_[16];
  sc_core::sc_event irq_ev_;
  std::unique_ptr<HpPort> hp_own_[kHpPorts];
  uint64_t hp_bytes_[kHpPorts] = {0, 0, 0, 0};
  // DDR transfers (first, last beat cycle) asked about with HpStreamExt::reserve, for the
  // bandwidth share; kept for kShareHorizon cycles after their end, as a writer may ask about a
  // cycle already past (view_writer_tlm.cpp: its first AW, known when the packet is taken).
  struct Busy {
    uint64_t start, end;
  };
  static constexpr uint64_t kShareHorizon = 1ull << 24;
  std::vector<Busy> busy_;
};

// M_AXI_GP0 address decoding (hw-spec §2.2): DMA0/1/2 register windows and the PL top's
// 256 KiB window; addresses are passed on relative to each window. Elsewhere: DECERR.
// pl_version 2 (docs/pl-v2.md) drops DMA1/DMA2 and adds the view readers' window at
// 0x4007_0000: a window whose socket is unbound answers DECERR, as an unmapped address does.
class Gp0Interconnect : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Gp0Interconnect> s_axi;
  tlm_utils::simple_initiator_socket_optional<Gp0Interconnect> m_axi_dma[3];
  tlm_utils::simple_initiator_socket<Gp0Interconnect> m_axi_pl;
  tlm_utils::simple_initiator_socket_optional<Gp0Interconnect> m_axi_vr;  // VR0..2 (v2)
  tlm_utils::simple_initiator_socket_optional<Gp0Interconnect> m_axi_vw;  // VW (v2)
  tlm_utils::simple_initiator_socket_optional<Gp0Interconnect> m_axi_cq;  // CQ (v2)
  // The PL's own master on the register bus (v2: the command queue's sequencer). The same
  // decode as GP0's; the CQ window is not reachable from it (an entry cannot program the queue).
  tlm_utils::simple_target_socket_optional<Gp0Interconnect> s_axi_pl;

  explicit Gp0Interconnect(sc_core::sc_module_name name);

 private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void b_transport_pl(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
};

}  // namespace tinypynq::vp
