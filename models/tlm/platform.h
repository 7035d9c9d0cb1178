// SPDX-License-Identifier: MIT
// tinypynq — the PYNQ-Z2 as SystemC modules, wired as docs/hw-spec.md §1-§2 draws it:
// ps7 (GP0 master, HP0-3, DDR, IRQ_F2P) -> GP0 interconnect -> DMA0/1/2 registers and the PL
// (SYS, vector, reduce, matmul); DMA0 MM2S/S2MM on HP0, DMA1 MM2S on HP1, DMA2 MM2S on HP2;
// streams A, B, C from the MM2S channels into the PL router, stream R to DMA0 S2MM.
// With pl_version 2 (docs/pl-v2.md) the view readers VR0/VR1/VR2 (GP0 0x4007_0000, HP0/HP1/
// HP2) produce streams A, B, C instead and the view writer VW (GP0 0x4007_1000, HP0) takes
// stream R (docs/pl-v2.md step 3): no AXI DMA is built.
//
// The PL is a PlBlock made by a factory: the TLM models ("tlm") or the Verilated RTL ("rtl",
// cosim/rtl_pl.h). SystemC elaborates once per process, so every kind declared before the
// first use is built at that first use, all in one kernel:
//
//   Platform::declare("tlm", cfg, make_tlm_pl);   // before any platform is used
//   Platform& p = Platform::get("tlm");           // builds every declared platform
//   p.gp0(payload, delay);                        // a CPU access to a PL register
//   uint8_t* ddr = p.ps7().ddr(phys);
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/board_config.h"
#include "models/tlm/pl_block.h"
#include "models/tlm/pl_factory.h"
#include "models/tlm/ps7.h"

namespace tinypynq::vp {

class AxiDma;
class ViewReaders;
class ViewWriter;
class CmdQueue;

std::unique_ptr<PlBlock> make_tlm_pl(const char* name, const BoardConfig& cfg);  // PlTop

class Platform {
 public:
  // Declares a platform kind. Again with the same kind: the configuration must be the same.
  // After the platforms were built, a new kind cannot be added (throws, saying so).
  static void declare(const std::string& kind, const BoardConfig& cfg, PlFactory pl);
  static Platform& get(const std::string& kind);  // builds all declared kinds on first use
  static bool built();
  static std::vector<Platform*> all();             // the built platforms

  const std::string& kind() const { return kind_; }
  Ps7& ps7() { return *ps7_; }
  AxiDma& dma(int i) { return *dma_[i]; }          // v1 only: v2 has no DMA
  bool has_dma(int i) const { return dma_[i] != nullptr; }
  bool has_cmd_queue() const { return cq_ != nullptr; }
  ViewReaders* readers() { return vr_.get(); }      // v2; nullptr for pl_version 1
  ViewWriter* writer() { return vw_.get(); }        // v2 (stream R); nullptr for pl_version 1
  CmdQueue* queue() { return cq_.get(); }           // v2 (the command queue); nullptr for pl_version 1
  PlBlock& pl() { return *pl_; }
  void gp0(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void reset_pl();                    // aresetn of the PL and the DMAs
  uint64_t pl_cycles() const;         // simulated FCLK0 cycles so far (the shared kernel's)
  std::string describe_stall() const; // which channel/unit is waiting for what (hang reports)
  const BoardConfig& config() const { return cfg_; }
  uint64_t trace_seen[4] = {0, 0, 0, 0};  // DMA transfers already handed to a trace sink

 private:
  Platform(const std::string& kind, const BoardConfig& cfg, const PlFactory& pl);
  std::string kind_;
  BoardConfig cfg_;
  std::unique_ptr<Ps7> ps7_;
  std::unique_ptr<Gp0Interconnect> ic_;
  std::unique_ptr<AxiDma> dma_[3];
  std::unique_ptr<ViewReaders> vr_;
  std::unique_ptr<ViewWriter> vw_;
  std::unique_ptr<CmdQueue> cq_;
  std::unique_ptr<PlBlock> pl_;
};

}  // namespace tinypynq::vp
