// SPDX-License-Identifier: MIT
#include "models/tlm/ps7.h"

#include <sys/mman.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#include "hw/tp_contract.h"
#include "models/fp/view_reader.h"
#include "models/tlm/hp_ext.h"

namespace tinypynq::vp {

using sc_core::sc_time;
using sc_core::SC_SEC;

Ps7::Ps7(sc_core::sc_module_name name, const BoardConfig& cfg)
    : sc_module(name), m_axi_gp0("m_axi_gp0"), cfg_(cfg), period_(1.0 / cfg.pl_clock_hz, SC_SEC) {
  for (int i = 0; i < kHpPorts; ++i) {
    hp_own_[i] = std::make_unique<HpPort>(("s_axi_hp" + std::to_string(i)).c_str(), *this, i);
    hp[i] = hp_own_[i].get();
  }
  // 512 MiB of address space; pages are only backed once touched.
  void* p = mmap(nullptr, cfg_.ddr_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) throw std::runtime_error("ps7: cannot reserve " + std::to_string(cfg_.ddr_bytes) + " bytes of DDR");
  mem_ = static_cast<uint8_t*>(p);
}

Ps7::~Ps7() { munmap(mem_, cfg_.ddr_bytes); }

HpPort::HpPort(sc_core::sc_module_name name, Ps7& ps, int index) : sc_module(name), s_axi("s_axi"), ps_(ps), index_(index) {
  s_axi.register_b_transport(this, &HpPort::b_transport);
  s_axi.register_get_direct_mem_ptr(this, &HpPort::get_dmi);
  s_axi.register_transport_dbg(this, &HpPort::transport_dbg);
}
void HpPort::b_transport(int, tlm::tlm_generic_payload& gp, sc_time& delay) { ps_.hp_b_transport(index_, gp, delay); }
bool HpPort::get_dmi(int, tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi) { return ps_.hp_get_dmi(index_, gp, dmi); }
unsigned HpPort::transport_dbg(int, tlm::tlm_generic_payload& gp) { return ps_.hp_transport_dbg(index_, gp); }

void Ps7::set_irq(unsigned line, bool level) {
  const uint32_t bit = 1u << line;
  const bool old = irq_ & bit;
  if (old == level) return;
  irq_ = level ? (irq_ | bit) : (irq_ & ~bit);
  if (level) rise_[line] = sc_core::sc_time_stamp();
  irq_ev_.notify(sc_core::SC_ZERO_TIME);
}

void Ps7::hp_b_transport(int port, tlm::tlm_generic_payload& gp, sc_time& delay) {
  const uint64_t addr = gp.get_address(), len = gp.get_data_length();
  if (addr >= cfg_.ddr_bytes || len > cfg_.ddr_bytes - addr) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  if (auto* ext = gp.get_extension<HpStreamExt>()) {
    // Rate of this transfer: the HP port moves 8 bytes per PL cycle; the DDR's sustained
    // bandwidth is shared equally with the transfers in flight in its first cycle (begun by
    // then, not ended): the answer does not depend on when, or in which order, it is asked.
    const double pl_hz = cfg_.pl_clock_hz;
    const double port_bpc = cfg_.hp_data_bytes * cfg_.hp_clock_hz / pl_hz;
    const double ddr_bpc = cfg_.ddr_peak_bytes_per_s * cfg_.ddr_efficiency / pl_hz;
    const uint64_t s0 = ext->start;
    busy_.erase(std::remove_if(busy_.begin(), busy_.end(), [&](const Busy& b) { return b.end + kShareHorizon <= s0; }),
                busy_.end());
    const auto others = std::count_if(busy_.begin(), busy_.end(), [&](const Busy& b) { return b.start <= s0 && s0 < b.end; });
    const double share = ddr_bpc / static_cast<double>(others + 1);
    const double bpc = std::min(port_bpc, share);
    const double cpb = std::max(1.0, ext->beat_bytes / bpc);  // cycles per beat, at least one
    const double lat_ns = ext->write ? 0.0 : cfg_.ddr_read_latency_ns;
    ext->sched.start = ext->start + static_cast<uint64_t>(std::ceil(lat_ns * 1e-9 * pl_hz));
    ext->sched.den = 1000;
    ext->sched.num = static_cast<uint32_t>(std::ceil(cpb * 1000.0));
    ext->sched.burst_beats = 0;
    ext->sched.burst_gap = 0;
    const uint64_t last = ext->beats ? ext->sched.at(ext->beats - 1) : ext->sched.start;
    ext->done = last + (ext->write ? static_cast<uint64_t>(std::ceil(cfg_.ddr_write_latency_ns * 1e-9 * pl_hz)) : 0);
    if (ext->reserve) {
      busy_.push_back({s0, last});
      hp_bytes_[port] += len;
    }
    gp.set_dmi_allowed(true);
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  if (gp.get_byte_enable_ptr()) {
    gp.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return;
  }
  if (gp.is_read()) std::memcpy(gp.get_data_ptr(), mem_ + addr, len);
  else if (gp.is_write()) std::memcpy(mem_ + addr, gp.get_data_ptr(), len);
  delay += period_ * static_cast<double>((len + 7) / 8);
  hp_bytes_[port] += len;
  gp.set_dmi_allowed(true);
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

bool Ps7::hp_get_dmi(int, tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi) {
  if (gp.get_address() >= cfg_.ddr_bytes) return false;
  dmi.set_dmi_ptr(mem_);
  dmi.set_start_address(0);
  dmi.set_end_address(cfg_.ddr_bytes - 1);
  dmi.allow_read_write();
  dmi.set_read_latency(period_);
  dmi.set_write_latency(period_);
  return true;
}

unsigned Ps7::hp_transport_dbg(int, tlm::tlm_generic_payload& gp) {
  const uint64_t addr = gp.get_address();
  if (addr >= cfg_.ddr_bytes) return 0;
  const unsigned n = static_cast<unsigned>(std::min<uint64_t>(gp.get_data_length(), cfg_.ddr_bytes - addr));
  if (gp.is_read()) std::memcpy(gp.get_data_ptr(), mem_ + addr, n);
  else if (gp.is_write()) std::memcpy(mem_ + addr, gp.get_data_ptr(), n);
  return n;
}

// ---------------------------------------------------------------- GP0 interconnect

Gp0Interconnect::Gp0Interconnect(sc_core::sc_module_name name)
    : sc_module(name), s_axi("s_axi"), m_axi_pl("m_axi_pl"), s_axi_pl("s_axi_pl") {
  s_axi.register_b_transport(this, &Gp0Interconnect::b_transport);
  s_axi_pl.register_b_transport(this, &Gp0Interconnect::b_transport_pl);
}

void Gp0Interconnect::b_transport_pl(tlm::tlm_generic_payload& gp, sc_time& delay) {
  const uint64_t a = gp.get_address();
  if (a >= hw::win::CQ_BASE && a < hw::win::CQ_BASE + hw::win::CQ_SIZE) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  b_transport(gp, delay);
}

void Gp0Interconnect::b_transport(tlm::tlm_generic_payload& gp, sc_time& delay) {
  const uint64_t a = gp.get_address();
  // The contract's windows (hw-spec §2.2): DMA0..2, then the PL top (SYS and the units).
  constexpr uint64_t kDmaBase[3] = {hw::win::DMA0_BASE, hw::win::DMA1_BASE, hw::win::DMA2_BASE};
  constexpr uint64_t kDmaSize[3] = {hw::win::DMA0_SIZE, hw::win::DMA1_SIZE, hw::win::DMA2_SIZE};
  constexpr uint64_t kPlBase = hw::win::PL_TOP_BASE, kPlEnd = hw::win::PL_TOP_BASE + hw::win::PL_TOP_SIZE;
  int dma = -1;
  for (int i = 0; i < 3; ++i)
    if (a >= kDmaBase[i] && a < kDmaBase[i] + kDmaSize[i]) dma = i;
  // The view readers' window (v2); its offsets live with the reader model until they move
  // into the contract (models/fp/view_reader.h).
  constexpr uint64_t kVrBase = pl::vr::kWindow, kVrEnd = pl::vr::kWindow + pl::vr::kWindowBytes;
  if (dma >= 0 && m_axi_dma[dma].size() == 0) dma = -1;
  if (dma >= 0) {
    gp.set_address(a - kDmaBase[dma]);
    m_axi_dma[dma]->b_transport(gp, delay);
  } else if (a >= kPlBase && a < kPlEnd) {
    gp.set_address(a - kPlBase);
    m_axi_pl->b_transport(gp, delay);
  } else if (a >= kVrBase && a < kVrEnd && m_axi_vr.size() != 0) {
    gp.set_address(a - kVrBase);
    m_axi_vr->b_transport(gp, delay);
  } else if (a >= hw::win::VW_BASE && a < hw::win::VW_BASE + hw::win::VW_SIZE && m_axi_vw.size() != 0) {
    gp.set_address(a - hw::win::VW_BASE);
    m_axi_vw->b_transport(gp, delay);
  } else if (a >= hw::win::CQ_BASE && a < hw::win::CQ_BASE + hw::win::CQ_SIZE && m_axi_cq.size() != 0) {
    gp.set_address(a - hw::win::CQ_BASE);
    m_axi_cq->b_transport(gp, delay);
  } else {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  gp.set_address(a);
}

}  // namespace tinypynq::vp
