// Physical addresses and register fields of the PL design, as the runtime programs it
// (docs/hw-spec.md §2.2, §7; AXI DMA registers from PG021). The TLM and RTL models define the
// same map on their side; the platform tests check that the two agree.
#pragma once
#include <cstdint>

namespace tinypynq::pynq::reg {

constexpr uint64_t kDma0 = 0x4000'0000, kDma1 = 0x4001'0000, kDma2 = 0x4002'0000;
constexpr uint64_t kSys = 0x4003'0000, kVec = 0x4004'0000, kRed = 0x4005'0000, kMmu = 0x4006'0000;

// AXI DMA (PG021, simple mode)
constexpr uint32_t MM2S_DMACR = 0x00, MM2S_DMASR = 0x04, MM2S_SA = 0x18, MM2S_LENGTH = 0x28;
constexpr uint32_t S2MM_DMACR = 0x30, S2MM_DMASR = 0x34, S2MM_DA = 0x48, S2MM_LENGTH = 0x58;
constexpr uint32_t DMACR_RS = 1u << 0, DMACR_RESET = 1u << 2, DMACR_IOC_IRQEN = 1u << 12,
                   DMACR_ERR_IRQEN = 1u << 14;
constexpr uint32_t DMASR_HALTED = 1u << 0, DMASR_IDLE = 1u << 1, DMASR_INTERR = 1u << 4,
                   DMASR_SLVERR = 1u << 5, DMASR_DECERR = 1u << 6, DMASR_IOC = 1u << 12,
                   DMASR_ERR_IRQ = 1u << 14;
constexpr uint32_t DMASR_ERRORS = DMASR_INTERR | DMASR_SLVERR | DMASR_DECERR;

// SYS
constexpr uint32_t SYS_ID = 0x00, SYS_VERSION = 0x04, SYS_ROUTE = 0x08, SYS_BUSY = 0x0C, SYS_FCLK_HZ = 0x10,
                   SYS_TIME_LO = 0x14, SYS_TIME_HI = 0x18;
constexpr uint32_t kSysId = 0x5450'594E, kVersion = 0x0001'0000;

// common unit block
constexpr uint32_t CTRL = 0x00, STATUS = 0x04, OP = 0x08, SIZE0 = 0x0C, SIZE1 = 0x10, SIZE2 = 0x14,
                   CYCLES_LO = 0x18, CYCLES_HI = 0x1C, SCALAR_A = 0x20, SCALAR_B = 0x24,
                   SCALAR_C = 0x28, UNIT_ID = 0x30, CFG0 = 0x34, CFG1 = 0x38, CFG2 = 0x3C;
constexpr uint32_t CTRL_START = 1u << 0, CTRL_IRQ_EN = 1u << 1;
constexpr uint32_t ST_BUSY = 1u << 0, ST_DONE = 1u << 1, ST_ERR = 1u << 2, ST_W_RANGE = 1u << 8,
                   ST_W_TLAST = 1u << 9;
constexpr uint32_t err_code(uint32_t status) { return (status >> 4) & 0xF; }
constexpr uint32_t VEC_A_SCALAR = 1u << 8, VEC_B_SCALAR = 1u << 9, VEC_C_SCALAR = 1u << 10;

// IRQ_F2P lines (hw-spec §2.5)
constexpr int kIrqDma0Mm2s = 0, kIrqDma0S2mm = 1, kIrqDma1Mm2s = 2, kIrqDma2Mm2s = 3, kIrqVec = 4,
              kIrqRed = 5, kIrqMmu = 6;

// Vector opcodes (hw-spec §6.1)
enum VecOpcode : uint32_t {
  V_ADD = 0x01, V_SUB = 0x02, V_MUL = 0x03, V_DIV = 0x04, V_MAX = 0x05, V_MOD = 0x06,
  V_CMPLT = 0x07, V_CMPEQ = 0x08, V_CMPNE = 0x09, V_WHERE = 0x0A, V_MULACC = 0x0B,
  V_NEG = 0x10, V_RECIP = 0x11, V_SQRT = 0x12, V_EXP2 = 0x13, V_LOG2 = 0x14, V_SIN = 0x15,
  V_COPY = 0x16, V_CAST_F2I = 0x18, V_CAST_I2F = 0x19, V_CAST_F2B = 0x1A, V_CAST_I2B = 0x1B,
  V_IADD = 0x21, V_ISUB = 0x22, V_IMUL = 0x23, V_IMAX = 0x25, V_ICMPLT = 0x27, V_ICMPEQ = 0x28,
  V_ICMPNE = 0x29, V_IWHERE = 0x2A, V_INEG = 0x31,
};

// Limits (hw-spec §6)
constexpr uint64_t kMaxElems = 16'777'215;  // floor((2^26 - 1) / 4): DMA length limit

}  // namespace tinypynq::pynq::reg
