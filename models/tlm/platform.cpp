// SPDX-License-Identifier: MIT
#include "models/tlm/platform.h"

#include <cstdlib>
#include <sstream>

#include "models/tlm/axi_dma.h"
#include "models/tlm/pl_top.h"
#include "tensor/core/check.h"

namespace tinypynq::tlm {

namespace {
std::unique_ptr<Platform> g_platform;
}

Platform& Platform::instance(const BoardConfig& cfg) {
  if (!g_platform) {
    g_platform.reset(new Platform(cfg));
  } else {
    TP_CHECK(g_platform->cfg_.to_json() == cfg.to_json(),
             "tlm: the platform was already built with another board configuration (SystemC elaborates once per "
             "process)");
  }
  return *g_platform;
}
bool Platform::exists() { return g_platform != nullptr; }
Platform& Platform::instance_unchecked() { return *g_platform; }

Platform::Platform(const BoardConfig& cfg) : cfg_(cfg) {
  cfg_.validate();
  // SystemC prints a banner on first use unless told not to; our output may be JSON.
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  ps7_ = std::make_unique<Ps7>("ps7", cfg_);
  ic_ = std::make_unique<Gp0Interconnect>("axi_interconnect_gp0");
  const AxiDmaParams dp = AxiDmaParams::from(cfg_);
  dma_[0] = std::make_unique<AxiDma>("axi_dma_0", dp, true, true, ps7_.get(), 0, 1);
  dma_[1] = std::make_unique<AxiDma>("axi_dma_1", dp, true, false, ps7_.get(), 2, -1);
  dma_[2] = std::make_unique<AxiDma>("axi_dma_2", dp, true, false, ps7_.get(), 3, -1);
  pl_ = std::make_unique<PlTop>("tinypynq_pl", cfg_);
  ps7_->m_axi_gp0.bind(ic_->s_axi);
  for (int i = 0; i < 3; ++i) {
    ic_->m_axi_dma[i].bind(dma_[i]->s_axi_lite);
    dma_[i]->m_axi_mm2s.bind(ps7_->hp[i]->s_axi);
    dma_[i]->m_axi_s2mm.bind(ps7_->hp[i]->s_axi);
  }
  ic_->m_axi_pl.bind(pl_->s_axi);
  pl_->bind_streams(&dma_[0]->mm2s(), &dma_[1]->mm2s(), &dma_[2]->mm2s(), &dma_[0]->s2mm());
  pl_->bind_irq(ps7_.get(), 4, 5, 6);
}

void Platform::gp0(::tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) { ps7_->m_axi_gp0->b_transport(gp, delay); }

void Platform::reset_pl() {
  pl_->reset();
  // DMACR.Reset: a soft reset of each DMA core (all channels), as the peripheral reset does.
  for (auto& port : ic_->m_axi_dma) {
    uint32_t v = 4;  // DMACR.Reset
    ::tlm::tlm_generic_payload gp;
    gp.set_command(::tlm::TLM_WRITE_COMMAND);
    gp.set_address(0x00);
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
  for (int i = 0; i < 3; ++i) o << "stream " << names[i] << (dma_[i]->mm2s().armed() ? " has a transfer waiting" : " idle") << "; ";
  o << "stream R (DMA0 S2MM) " << (dma_[0]->s2mm().armed() ? "armed" : "not armed (S2MM_LENGTH not written?)");
  const DmaTransferTimes& w = dma_[0]->s2mm_times();
  o << " (last S2MM transfer: LENGTH at cycle " << w.length_write << ", last WLAST " << w.last_beat << ", done "
    << w.done << ", " << w.bytes << " bytes; now cycle " << pl_cycles() << ")";
  o << "; " << pl_->describe();
  return o.str();
}

}  // namespace tinypynq::tlm
