// The one driver API of the pynq runtime (architecture.md invariant 1): 32-bit register access at
// physical addresses, physically contiguous buffers, cache maintenance, waiting for the PL.
// Three implementations: the tlm platform (runtime/tlm/tlm_driver), the rtl platform, and the
// board (/dev/mem + u-dma-buf). Everything here is what /dev/mem + u-dma-buf can provide.
//
//   Driver& drv = ...;
//   DmaBuffer b = drv.alloc(4096);             // b.virt for the CPU, b.phys for the DMA
//   std::memcpy(b.virt, src, 4096);  drv.flush(b, 0, 4096);
//   drv.write32(0x40000018, b.phys);  drv.write32(0x40000028, 4096);   // DMA0 MM2S
//   drv.wait(0x40000034, 1u << 12, /*irq=*/1, WaitMode::kIrq, 1.0);
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "base/check.h"

namespace tinypynq::pynq {

// What Driver::wait throws when the PL does not answer: the timeout passed, or an emulated PL
// can make no more progress. The runtime treats it as a PL fault (reset, then recover); every
// other error from a driver (a lockstep mismatch, a bus error on a register) propagates.
class DriverTimeout : public Error {
 public:
  using Error::Error;
};

struct DmaBuffer {
  uint64_t phys = 0;             // bus address the DMA uses (within DDR)
  void* virt = nullptr;          // the CPU's (cached) view of the same memory
  size_t bytes = 0;
  std::shared_ptr<void> owner;   // frees the allocation when the last copy goes away
};

enum class WaitMode { kPoll, kIrq };

class Driver {
 public:
  virtual ~Driver() = default;
  virtual const char* name() const = 0;

  virtual uint32_t read32(uint64_t addr) = 0;
  virtual void write32(uint64_t addr, uint32_t value) = 0;

  // Physically contiguous, `align`-aligned memory in DDR. Throws when DDR is exhausted.
  virtual DmaBuffer alloc(size_t bytes, size_t align = 64) = 0;
  // D-cache maintenance by address range: clean before the PL reads what the CPU wrote,
  // invalidate before the CPU reads what the PL wrote.
  virtual void flush(const DmaBuffer& b, size_t offset, size_t bytes) = 0;
  virtual void invalidate(const DmaBuffer& b, size_t offset, size_t bytes) = 0;

  // Waits until (read32(addr) & mask) != 0: by polling the register, or by sleeping on the
  // interrupt line IRQ_F2P[irq] and then reading it once. Returns the last value read.
  // Throws DriverTimeout naming the register and its value after `timeout_s` seconds
  // (simulated seconds on emulated targets), or at once when an emulated PL can make no more
  // progress (a hung unit or a DMA that was never started).
  virtual uint32_t wait(uint64_t addr, uint32_t mask, int irq, WaitMode mode, double timeout_s) = 0;

  // Resets the PL (FCLK_RESET0 through the SLCR's FPGA_RST_CTRL on the board; aresetn of the
  // models on emulated targets): every unit and DMA returns to its reset state. The runtime
  // uses it to recover after an error or a hung command, then programs the DMAs again.
  virtual void reset_pl() = 0;

  // PS time: the board's wall clock, or the emulated PS's simulated time. The runtime charges
  // CPU work it does itself (packing, fallback ops) with cpu_work(); the board ignores it
  // because real time passes by itself.
  virtual double now() = 0;
  virtual void cpu_work(double seconds) = 0;
};

}  // namespace tinypynq::pynq
