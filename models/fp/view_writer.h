// SPDX-License-Identifier: MIT
// tinypynq — the v2 view writer (docs/pl-v2.md "v2 step 3"): reference model of what VW does
// with a write descriptor — validation and its error codes, where each element of stream R
// lands, the aligned write bursts its write buffer issues and the cycle each beat is taken and
// the transfer is DONE. Pure C++, no SystemC: the TLM module and the RTL writer's cosim are
// held against it. The descriptor is the reader's pl::ViewDesc (PAD unused).
//
//   pl::ViewDesc d;                                    // write a (48, 64) result transposed
//   d.base = out; d.limit = 64 * 48 * 4; d.rank = 2;  // into a (64, 48) row-major buffer
//   d.shape[0] = 48; d.stride[0] = 1; d.shape[1] = 64; d.stride[1] = 48; d.full_mask();
//   pl::DescCheck c = pl::check_write(d, ddr_bytes);  // c.err == 0, or vw::kBroadcast, ...
//   pl::scatter(d, words, n, ddr);                    // element i to the word index i addresses
//   pl::WritePlan p = pl::plan_write(d, t0, h, {});   // h[j]: cycle beat j is presented
#pragma once

#include <cstdint>
#include <vector>

#include "hw/tp_contract.h"
#include "models/fp/view_reader.h"

namespace tinypynq::pl {

// Registers, error codes and sizes of VW (hw/pl_contract.json: window VW, block view_writer).
namespace vw {
inline constexpr uint64_t kWindow = hw::win::VW_BASE;
inline constexpr uint32_t kWindowBytes = static_cast<uint32_t>(hw::win::VW_SIZE);
inline constexpr uint32_t CTRL = hw::vw::CTRL, STATUS = hw::vw::STATUS, BASE = hw::vw::BASE, LIMIT = hw::vw::LIMIT,
                          OFFSET = hw::vw::OFFSET, RANK = hw::vw::RANK, ELEMS = hw::vw::ELEMS,
                          BURSTS = hw::vw::BURSTS, ERR_INFO = hw::vw::ERR_INFO;
inline constexpr uint32_t DIM0 = hw::vw::DIM, DIM_BYTES = hw::vw::DIM_BYTES;
inline constexpr uint32_t D_SHAPE = hw::vw::DIM_SHAPE, D_STRIDE = hw::vw::DIM_STRIDE, D_MLO = hw::vw::DIM_MLO,
                          D_MHI = hw::vw::DIM_MHI;
inline constexpr uint32_t CTRL_START = hw::vw::CTRL_START.mask, CTRL_IRQ_EN = hw::vw::CTRL_IRQ_EN.mask;
inline constexpr uint32_t ST_BUSY = hw::vw::STATUS_BUSY.mask, ST_DONE = hw::vw::STATUS_DONE.mask,
                          ST_ERR = hw::vw::STATUS_ERR.mask;
inline constexpr uint32_t err_code(uint32_t status) { return hw::vw::STATUS_ERR_CODE.get(status); }
enum Err : uint32_t {
  kOk = hw::vw::ERR_OK, kBadRank = hw::vw::ERR_BAD_RANK, kZeroLength = hw::vw::ERR_ZERO_LENGTH,
  kMisaligned = hw::vw::ERR_MISALIGNED, kOutOfBounds = hw::vw::ERR_OUT_OF_BOUNDS, kOverflow = hw::vw::ERR_OVERFLOW,
  kBadMask = hw::vw::ERR_BAD_MASK, kBusy = hw::vw::ERR_BUSY, kBroadcast = hw::vw::ERR_BROADCAST,
  kLength = hw::vw::ERR_LENGTH,
};
// The reader's checks keep their codes (the same numbers in both blocks).
static_assert(uint32_t{kBadRank} == vr::kBadRank && uint32_t{kZeroLength} == vr::kZeroLength &&
              uint32_t{kMisaligned} == vr::kMisaligned && uint32_t{kOutOfBounds} == vr::kOutOfBounds &&
              uint32_t{kOverflow} == vr::kOverflow && uint32_t{kBadMask} == vr::kBadMask && uint32_t{kBusy} == vr::kBusy);
inline const char* err_name(uint32_t code) { return hw::vw::err_name(code); }
inline constexpr unsigned kMaxRank = hw::vw::DIM_COUNT;
inline constexpr uint32_t kLineBytes = hw::limits::VR_LINE_BYTES;  // a line: one 16-beat AXI3 burst
inline constexpr uint32_t kLineWords = kLineBytes / 4;
inline constexpr unsigned kLines = hw::limits::VW_BUFFER_LINES;    // write buffer: 8 KB
inline constexpr unsigned kIndexEntries = hw::limits::VW_INDEX_ENTRIES;  // line index ("Timing")
// The line index's entry for a line number n (byte address / 128): (n ^ n >> b) mod 2^b with
// b = log2(VW_INDEX_ENTRIES). Not the reader's plain modulo (pl::vr::index_of): result views
// that step over samples of a batch put lines 8 KB apart (2048-word samples), which a modulo
// of 512 lines folds onto 8 entries (CNN tlm 1.644 -> 1.854 s); the fold spreads them.
inline constexpr unsigned index_of(uint64_t line) {
  static_assert((kIndexEntries & (kIndexEntries - 1)) == 0, "VW_INDEX_ENTRIES must be a power of 2");
  constexpr unsigned bits = __builtin_ctz(kIndexEntries);
  return static_cast<unsigned>((line ^ (line >> bits)) & (kIndexEntries - 1));
}
inline constexpr uint32_t kNoDim = hw::vw::ERR_INFO_DIM.mask >> hw::vw::ERR_INFO_DIM.shift;
}  // namespace vw

// The START-time validation of docs/pl-v2.md step 3: the reader's checks, BROADCAST after
// BAD_MASK.
DescCheck check_write(const ViewDesc& d, uint64_t ddr_bytes);

// Writes the packet's first min(n, elems()) words to the words their indices address (`ddr` =
// the byte at physical address 0); masked elements are dropped, a later element of the same
// word wins. The descriptor must pass check_write().
void scatter(const ViewDesc& d, const uint32_t* words, uint64_t n, uint8_t* ddr);

struct WriterTiming {
  uint64_t write_latency = 8;    // last W beat -> B response, cycles (ddr_write_latency_ns * f_PL)
  // The port's (or the DDR share's) rate in 1/1000 cycles per beat (the HP port model's unit,
  // ps7.cpp): W beat i of the transfer (counted over all its bursts) moves no earlier than
  // aw_0 + 1 + floor(i * cpb_milli / 1000).
  uint32_t cpb_milli = 1000;
};
struct Burst {                   // one AXI3 INCR write burst of 64-bit beats inside one line
  uint64_t addr = 0;             // 8-byte aligned
  uint32_t beats = 0;            // 1 .. 16
  uint32_t words = 0;            // bit w: word w of the burst (from addr) is written (WSTRB)
  uint64_t decide = 0, aw = 0, wend = 0, bresp = 0;  // flush decision, AWVALID, after last W, B
  uint8_t strb(uint32_t beat) const {  // WSTRB of beat `beat`
    return static_cast<uint8_t>(((words >> (2 * beat)) & 1 ? 0x0F : 0) | ((words >> (2 * beat + 1)) & 1 ? 0xF0 : 0));
  }
};
struct WritePlan {
  std::vector<Burst> bursts;
  std::vector<uint64_t> accept;  // a_j: the cycle beat j of the packet is handshaken
  uint64_t done = 0;             // DONE (or a completion ERR) is set in this cycle
  uint64_t conflict_flushes = 0; // flushes of a line whose index entry another line took
  uint64_t ddr_bytes() const;    // bytes of the bursts' beats
};
// First cycle beat j can be accepted when START was in cycle t0: t0 + RANK' + 2 + j.
uint64_t write_ready(const ViewDesc& d, uint64_t t0, uint64_t j);
// The bursts and the beat handshakes for a packet whose beat j the producer presents in cycle
// h[j] (h.size() beats, >= 1; elements beyond elems() are dropped). Normative: the recurrence of
// docs/pl-v2.md "v2 step 3", Timing. The descriptor must pass check_write().
WritePlan plan_write(const ViewDesc& d, uint64_t t0, const std::vector<uint64_t>& h, const WriterTiming& t);
// The cycle of the plan's first AW (it does not depend on the port's timing: no burst is before
// it), or 0 when the plan has no burst: the cycle a writer asks its HP port about, computed
// only up to that burst.
uint64_t first_aw(const ViewDesc& d, uint64_t t0, const std::vector<uint64_t>& h);

}  // namespace tinypynq::pl
