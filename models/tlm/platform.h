// SPDX-License-Identifier: MIT
// tinypynq — the PYNQ-Z2 as SystemC modules, wired as docs/hw-spec.md §1-§2 draws it:
// ps7 (GP0 master, HP0-3, DDR, IRQ_F2P) -> GP0 interconnect -> DMA0/1/2 registers and the PL
// top (SYS, vector, reduce, matmul); DMA0 MM2S/S2MM on HP0, DMA1 MM2S on HP1, DMA2 MM2S on
// HP2; streams A, B, C from the MM2S channels into the PL router, stream R to DMA0 S2MM.
//
//   Platform& p = Platform::instance(cfg);     // elaborated once per process (SystemC rule)
//   p.gp0(payload, delay);                      // a CPU access to a PL register
//   uint8_t* ddr = p.ps7().ddr(phys);
#pragma once

#include <memory>
#include <string>

#include "models/config/board_config.h"
#include "models/tlm/ps7.h"

namespace tinypynq::tlm {

class AxiDma;
class PlTop;

class Platform {
 public:
  static Platform& instance(const BoardConfig& cfg);  // throws on a second, different config
  static bool exists();
  static Platform& instance_unchecked();

  Ps7& ps7() { return *ps7_; }
  AxiDma& dma(int i) { return *dma_[i]; }
  PlTop& pl() { return *pl_; }
  void gp0(::tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void reset_pl();                    // aresetn of the PL top and the DMAs
  uint64_t pl_cycles() const;         // simulated FCLK0 cycles so far
  std::string describe_stall() const; // which channel/unit is waiting for what (hang reports)
  const BoardConfig& config() const { return cfg_; }

 private:
  explicit Platform(const BoardConfig& cfg);
  BoardConfig cfg_;
  std::unique_ptr<Ps7> ps7_;
  std::unique_ptr<Gp0Interconnect> ic_;
  std::unique_ptr<AxiDma> dma_[3];
  std::unique_ptr<PlTop> pl_;
};

}  // namespace tinypynq::tlm
