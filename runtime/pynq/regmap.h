// The PL's addresses and register fields under the names the runtime uses (docs/hw-spec.md §2.2,
// §7). Every value comes from the generated contract (hw/pl_contract.json -> hw/tp_contract.h);
// nothing is defined here. New code can use tinypynq::hw directly.
//
//   drv.write32(reg::kDma0 + reg::S2MM_LENGTH, bytes);
//   if (status & reg::ST_ERR) ... reg::err_code(status) ...
#pragma once
#include <cstdint>

#include "hw/tp_contract.h"

namespace tinypynq::pynq::reg {

inline constexpr uint64_t kDma0 = hw::win::DMA0_BASE, kDma1 = hw::win::DMA1_BASE, kDma2 = hw::win::DMA2_BASE;
inline constexpr uint64_t kSys = hw::win::SYS_BASE, kVec = hw::win::VEC_BASE, kRed = hw::win::RED_BASE,
                          kMmu = hw::win::MMU_BASE;

// AXI DMA (PG021, simple mode)
inline constexpr uint32_t MM2S_DMACR = hw::dma::MM2S_DMACR, MM2S_DMASR = hw::dma::MM2S_DMASR,
                          MM2S_SA = hw::dma::MM2S_SA, MM2S_LENGTH = hw::dma::MM2S_LENGTH;
inline constexpr uint32_t S2MM_DMACR = hw::dma::S2MM_DMACR, S2MM_DMASR = hw::dma::S2MM_DMASR,
                          S2MM_DA = hw::dma::S2MM_DA, S2MM_LENGTH = hw::dma::S2MM_LENGTH;
inline constexpr uint32_t DMACR_RS = hw::dma::DMACR_RS.mask, DMACR_RESET = hw::dma::DMACR_RESET.mask,
                          DMACR_IOC_IRQEN = hw::dma::DMACR_IOC_IRQEN.mask,
                          DMACR_ERR_IRQEN = hw::dma::DMACR_ERR_IRQEN.mask;
inline constexpr uint32_t DMASR_HALTED = hw::dma::DMASR_HALTED.mask, DMASR_IDLE = hw::dma::DMASR_IDLE.mask,
                          DMASR_INTERR = hw::dma::DMASR_DMAINTERR.mask, DMASR_SLVERR = hw::dma::DMASR_DMASLVERR.mask,
                          DMASR_DECERR = hw::dma::DMASR_DMADECERR.mask, DMASR_IOC = hw::dma::DMASR_IOC_IRQ.mask,
                          DMASR_ERR_IRQ = hw::dma::DMASR_ERR_IRQ.mask;
inline constexpr uint32_t DMASR_ERRORS = DMASR_INTERR | DMASR_SLVERR | DMASR_DECERR;

// SYS
inline constexpr uint32_t SYS_ID = hw::sys::ID, SYS_VERSION = hw::sys::VERSION, SYS_ROUTE = hw::sys::ROUTE,
                          SYS_BUSY = hw::sys::BUSY, SYS_FCLK_HZ = hw::sys::FCLK_HZ, SYS_TIME_LO = hw::sys::TIME_LO,
                          SYS_TIME_HI = hw::sys::TIME_HI;
inline constexpr uint32_t kSysId = hw::sys::ID_RESET, kVersion = hw::sys::VERSION_RESET;
// SYS.VERSION a PL of the board config's pl_version reads (its major version is pl_version; a
// different minor version is compatible).
constexpr uint32_t sys_version(unsigned pl_version) {
  return pl_version >= 2 ? static_cast<uint32_t>(hw::limits::SYS_VERSION_V2) : kVersion;
}

// common unit block
inline constexpr uint32_t CTRL = hw::unit::CTRL, STATUS = hw::unit::STATUS, OP = hw::unit::OP,
                          SIZE0 = hw::unit::SIZE0, SIZE1 = hw::unit::SIZE1, SIZE2 = hw::unit::SIZE2,
                          CYCLES_LO = hw::unit::CYCLES_LO, CYCLES_HI = hw::unit::CYCLES_HI,
                          SCALAR_A = hw::unit::SCALAR_A, SCALAR_B = hw::unit::SCALAR_B,
                          SCALAR_C = hw::unit::SCALAR_C, UNIT_ID = hw::unit::ID, CFG0 = hw::unit::CFG0,
                          CFG1 = hw::unit::CFG1, CFG2 = hw::unit::CFG2;
inline constexpr uint32_t CTRL_START = hw::unit::CTRL_START.mask, CTRL_IRQ_EN = hw::unit::CTRL_IRQ_EN.mask;
inline constexpr uint32_t ST_BUSY = hw::unit::STATUS_BUSY.mask, ST_DONE = hw::unit::STATUS_DONE.mask,
                          ST_ERR = hw::unit::STATUS_ERR.mask, ST_W_RANGE = hw::unit::STATUS_W_RANGE.mask,
                          ST_W_TLAST = hw::unit::STATUS_W_TLAST.mask;
constexpr uint32_t err_code(uint32_t status) { return hw::unit::STATUS_ERR_CODE.get(status); }
inline constexpr uint32_t VEC_A_SCALAR = hw::vec::OP_A_SCALAR.mask, VEC_B_SCALAR = hw::vec::OP_B_SCALAR.mask,
                          VEC_C_SCALAR = hw::vec::OP_C_SCALAR.mask;

// IRQ_F2P lines (hw-spec §2.5)
inline constexpr int kIrqDma0Mm2s = hw::irq::DMA0_MM2S, kIrqDma0S2mm = hw::irq::DMA0_S2MM,
                     kIrqDma1Mm2s = hw::irq::DMA1_MM2S, kIrqDma2Mm2s = hw::irq::DMA2_MM2S, kIrqVec = hw::irq::VEC,
                     kIrqRed = hw::irq::RED, kIrqMmu = hw::irq::MMU;

// Vector opcodes (hw-spec §6.1) as the plain integers the lowering composes OP words from.
#define TP_REG_VOP(n) inline constexpr uint32_t V_##n = static_cast<uint32_t>(hw::VecOp::n);
TP_REG_VOP(ADD) TP_REG_VOP(SUB) TP_REG_VOP(MUL) TP_REG_VOP(DIV) TP_REG_VOP(MAX) TP_REG_VOP(MOD)
TP_REG_VOP(CMPLT) TP_REG_VOP(CMPEQ) TP_REG_VOP(CMPNE) TP_REG_VOP(WHERE) TP_REG_VOP(MULACC)
TP_REG_VOP(NEG) TP_REG_VOP(RECIP) TP_REG_VOP(SQRT) TP_REG_VOP(EXP2) TP_REG_VOP(LOG2) TP_REG_VOP(SIN)
TP_REG_VOP(COPY) TP_REG_VOP(CAST_F2I) TP_REG_VOP(CAST_I2F) TP_REG_VOP(CAST_F2B) TP_REG_VOP(CAST_I2B)
TP_REG_VOP(IADD) TP_REG_VOP(ISUB) TP_REG_VOP(IMUL) TP_REG_VOP(IMAX) TP_REG_VOP(ICMPLT) TP_REG_VOP(ICMPEQ)
TP_REG_VOP(ICMPNE) TP_REG_VOP(IWHERE) TP_REG_VOP(INEG)
#undef TP_REG_VOP

// Limits (hw-spec §6)
inline constexpr uint64_t kMaxElems = hw::limits::MAX_STREAM_ELEMS;  // DMA length limit / 4

}  // namespace tinypynq::pynq::reg
