// SPDX-License-Identifier: MIT
#include "models/tlm/platform.h"

#include <cstdlib>
#include <string>
#include <vector>
#include <sstream>

#include "hw/tp_contract.h"
#include "models/tlm/axi_dma.h"
#include "models/tlm/cmd_queue_tlm.h"
#include "models/tlm/pl_top.h"
#include "models/tlm/view_reader_tlm.h"
#include "models/tlm/view_writer_tlm.h"
#include "base/check.h"

namespace tinypynq::vp {

namespace {
struct Declared {
  std::string kind;
  BoardConfig cfg;
  PlFactory pl;
};
std::vector<Declared>& declared() {
  static std::vector<Declared> d;
  return d;
}
std::vector<std::unique_ptr<Platform>>& platforms() {
  static std::vector<std::unique_ptr<Platform>> p;
  return p;
}
}  // namespace

std::unique_ptr<PlBlock> make_tlm_pl(const char* name, const BoardConfig& cfg) {
  return std::make_unique<PlTop>(name, cfg);
}

void Platform::declare(const std::string& kind, const BoardConfig& cfg, PlFactory pl) {
  for (const Declared& d : declared())
    if (d.kind == kind) {
      TP_CHECK(d.cfg.to_json() == cfg.to_json(), kind,
               ": the platform was already declared with another board configuration (SystemC elaborates once "
               "per process)");
      return;
    }
  TP_CHECK(platforms().empty(), "platform '", kind,
           "' declared after the simulation was built: SystemC elaborates once per process, so register every "
           "target (tlm, rtl) before the first one is used");
  declared().push_back({kind, cfg, std::move(pl)});
}

Platform& Platform::get(const std::string& kind) {
  if (platforms().empty()) {
    TP_CHECK(!declared().empty(), "no platform declared (register the tlm or rtl target first)");
    for (const Declared& d : declared()) platforms().emplace_back(new Platform(d.kind, d.cfg, d.pl));
  }
  for (auto& p : platforms())
    if (p->kind_ == kind) return *p;
  std::string built;
  for (auto& p : platforms()) built += (built.empty() ? "" : ", ") + p->kind_;
  throw Error(detail::cat("no platform '", kind, "': the simulation was built with ", built,
                          " (every target must be registered before the first one is used)"));
}

bool Platform::built() { return !platforms().empty(); }

std::vector<Platform*> Platform::all() {
  std::vector<Platform*> v;
  for (auto& p : platforms()) v.push_back(p.get());
  return v;
}

Platform::Platform(const std::string& kind, const BoardConfig& cfg, const PlFactory& pl) : kind_(kind), cfg_(cfg) {
  cfg_.validate();
  const bool v2 = cfg_.pl_version == 2;
  // SystemC prints a banner on first use unless told not to; our output may be JSON.
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  // Module names are global in SystemC: the first platform keeps the plain names (messages and
  // traces of the tlm target), later ones are prefixed with their kind.
  const std::string pre = platforms().empty() ? "" : kind + "_";
  auto nm = [&](const char* n) { return pre + n; };
  ps7_ = std::make_unique<Ps7>(nm("ps7").c_str(), cfg_);
  ic_ = std::make_unique<Gp0Interconnect>(nm("axi_interconnect_gp0").c_str());
  const AxiDmaParams dp = AxiDmaParams::from(cfg_);
  // IRQ_F2P lines of hw-spec §2.5 (the contract's irqs)
  if (!v2) {
    dma_[0] = std::make_unique<AxiDma>(nm("axi_dma_0").c_str(), dp, true, true, ps7_.get(), hw::irq::DMA0_MM2S,
                                       hw::irq::DMA0_S2MM);
    dma_[1] = std::make_unique<AxiDma>(nm("axi_dma_1").c_str(), dp, true, false, ps7_.get(), hw::irq::DMA1_MM2S, -1);
    dma_[2] = std::make_unique<AxiDma>(nm("axi_dma_2").c_str(), dp, true, false, ps7_.get(), hw::irq::DMA2_MM2S, -1);
  } else {
    vr_ = std::make_unique<ViewReaders>(nm("view_readers").c_str(), ViewReaderParams::from(cfg_));
    vw_ = std::make_unique<ViewWriter>(nm("view_writer").c_str(), ViewWriterParams::from(cfg_), ps7_.get(),
                                       static_cast<int>(hw::irq::VW));
    cq_ = std::make_unique<CmdQueue>(nm("cmd_queue").c_str(), CmdQueueParams::from(cfg_), ps7_.get(),
                                     static_cast<int>(hw::irq::CQ), vw_.get());
  }
  pl_ = pl(nm("tinypynq_pl").c_str(), cfg_);
  ps7_->m_axi_gp0.bind(ic_->s_axi);
  for (int i = 0; i < 3; ++i) {
    if (!dma_[i]) continue;
    ic_->m_axi_dma[i].bind(dma_[i]->s_axi_lite);
    dma_[i]->m_axi_mm2s.bind(ps7_->hp[i]->s_axi);
    if (i == 0) dma_[i]->m_axi_s2mm.bind(ps7_->hp[i]->s_axi);
  }
  ic_->m_axi_pl.bind(pl_->socket());
  if (v2) {  // VR_i on HP_i, where DMA0 MM2S, DMA1 and DMA2 sat in v1; VW on HP0, where S2MM sat
    if (tlm::tlm_target_socket<>* vs = pl_->vr_socket()) {
      // The readers are in the PL (the rtl target's v2 top): GP0's VR window goes there, and the
      // TLM readers become their twins, programmed by the PL and querying the HP ports through it.
      ic_->m_axi_vr.bind(*vs);
      pl_->vr_twin()->bind(vr_->s_axi_lite);
      for (unsigned i = 0; i < ViewReaders::kReaders; ++i) {
        vr_->reader(i).m_axi_hp.bind(*pl_->hp_twin(i));
        pl_->hp_master(i)->bind(ps7_->hp[i]->s_axi);
      }
    } else {
      ic_->m_axi_vr.bind(vr_->s_axi_lite);
      for (unsigned i = 0; i < ViewReaders::kReaders; ++i) vr_->reader(i).m_axi_hp.bind(ps7_->hp[i]->s_axi);
    }
    if (tlm::tlm_target_socket<>* ws = pl_->vw_socket()) {  // the writer too: its TLM model is the twin
      ic_->m_axi_vw.bind(*ws);
      pl_->vw_twin()->bind(vw_->s_axi_lite);
      vw_->m_axi_hp.bind(*pl_->vw_hp_twin());
      vw_->detach_irq();
    } else {
      ic_->m_axi_vw.bind(vw_->s_axi_lite);
      vw_->m_axi_hp.bind(ps7_->hp[0]->s_axi);
    }
    // The queue (docs/pl-v2.md step 4): its registers on GP0, its sequencer a second master on
    // the PL's register bus, its ring fetches and result records on HP3 (unused before).
    if (tlm::tlm_target_socket<>* cs = pl_->cq_socket()) {  // the queue in the PL: its TLM model is the twin
      ic_->m_axi_cq.bind(*cs);
      pl_->cq_twin()->bind(cq_->s_axi_lite);
      cq_->m_axi_regs.bind(*pl_->cq_regs_twin());
      cq_->m_axi_hp.bind(*pl_->cq_hp_twin());
      pl_->cq_hp_master()->bind(ps7_->hp[3]->s_axi);
      cq_->detach_irq();
    } else {
      ic_->m_axi_cq.bind(cq_->s_axi_lite);
      cq_->m_axi_regs.bind(ic_->s_axi_pl);
      cq_->m_axi_hp.bind(ps7_->hp[3]->s_axi);
    }
    pl_->bind_streams(&vr_->reader(0), &vr_->reader(1), &vr_->reader(2), vw_.get());
  } else {
    pl_->bind_streams(&dma_[0]->mm2s(), &dma_[1]->mm2s(), &dma_[2]->mm2s(), &dma_[0]->s2mm());
  }
  pl_->bind_irq(ps7_.get(), hw::irq::VEC, hw::irq::RED, hw::irq::MMU);
}

void Platform::gp0(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  pl_->sync(sc_core::sc_time_stamp() + delay);
  ps7_->m_axi_gp0->b_transport(gp, delay);
}

void Platform::reset_pl() {
  pl_->reset();
  if (vr_) vr_->reset();
  if (vw_) vw_->reset();
  if (cq_) cq_->reset();
  // DMACR.Reset: a soft reset of each DMA core (all channels), as the peripheral reset does.
  for (auto& port : ic_->m_axi_dma) {
    if (port.size() == 0) continue;  // v2: no DMA1/DMA2
    uint32_t v = hw::dma::DMACR_RESET.mask;
    tlm::tlm_generic_payload gp;
    gp.set_command(tlm::TLM_WRITE_COMMAND);
    gp.set_address(hw::dma::MM2S_DMACR);  // either channel's Reset resets the whole core
    gp.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
    gp.set_data_length(4);
    gp.set_streaming_width(4);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    port->b_transport(gp, delay);
  }
}

uint64_t Platform::pl_cycles() const {
  return static_cast<uint64_t>(sc_core::sc_time_stamp() / ps7_->pl_period());
}

std::string Platform::describe_stall() const {
  std::ostringstream o;
  const char* names[3] = {"A (DMA0 MM2S)", "B (DMA1 MM2S)", "C (DMA2 MM2S)"};
  if (vr_) {
    o << vr_->describe() << "; " << vw_->describe() << "; " << cq_->describe() << " (now cycle " << pl_cycles() << ")";
  } else {
    for (int i = 0; i < 3; ++i) o << "stream " << names[i] << (dma_[i]->mm2s().armed() ? " has a transfer waiting" : " idle") << "; ";
    o << "stream R (DMA0 S2MM) " << (dma_[0]->s2mm().armed() ? "armed" : "not armed (S2MM_LENGTH not written?)");
    const DmaTransferTimes& w = dma_[0]->s2mm_times();
    o << " (last S2MM transfer: LENGTH at cycle " << w.length_write << ", last WLAST " << w.last_beat << ", done "
      << w.done << ", " << w.bytes << " bytes; now cycle " << pl_cycles() << ")";
  }
  o << "; " << pl_->describe();
  return o.str();
}

}  // namespace tinypynq::vp
