// SPDX-License-Identifier: MIT
// tinypynq — the v2 view reader (docs/pl-v2.md "v2 step 2"): reference model of what a VR
// does with a view descriptor — validation and its error codes, the elements it streams, the
// 128-byte line fills it issues to its HP port and the cycle each beat can be valid. Pure C++,
// no SystemC: the TLM module and the RTL reader's cosim are held against it.
//
//   pl::ViewDesc d;                      // a (64, 48) row-major f32 matrix read transposed
//   d.base = 0x1000'0000; d.limit = 64 * 48 * 4; d.rank = 2;
//   d.shape[0] = 48; d.stride[0] = 1; d.shape[1] = 64; d.stride[1] = 48;
//   d.full_mask();
//   pl::DescCheck c = pl::check(d, ddr_bytes);      // c.err == 0, or vr::kOutOfBounds, ...
//   pl::gather(d, ddr, out);                         // 48 * 64 words, row-major over shape
//   pl::ReadPlan p = pl::plan(d, /*t0=*/100, {});    // p.fills, p.beat_valid[b]
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hw/tp_contract.h"

namespace tinypynq::pl {

// Registers, error codes and sizes of VR_i: names of the generated contract
// (hw/pl_contract.json: window VR, block view_reader, limits VR_*), kept under the names the
// models and the runtime use.
namespace vr {
inline constexpr uint64_t kWindow = hw::win::VR_BASE;
inline constexpr uint32_t kReaderStride = hw::win::VR_INSTANCE_STRIDE;
inline constexpr uint32_t kWindowBytes = static_cast<uint32_t>(hw::win::VR_SIZE);  // 4 KB: Vivado's AXI-Lite minimum
inline constexpr unsigned kReaders = hw::win::VR_INSTANCES;  // VR0..2: streams A, B, C
inline constexpr uint32_t CTRL = hw::vr::CTRL, STATUS = hw::vr::STATUS, BASE = hw::vr::BASE, LIMIT = hw::vr::LIMIT,
                          OFFSET = hw::vr::OFFSET, RANK = hw::vr::RANK, PAD = hw::vr::PAD, ELEMS = hw::vr::ELEMS,
                          LINES = hw::vr::LINES, ERR_INFO = hw::vr::ERR_INFO;
inline constexpr uint32_t DIM0 = hw::vr::DIM, DIM_BYTES = hw::vr::DIM_BYTES;  // dimension d at DIM0 + DIM_BYTES * d:
inline constexpr uint32_t D_SHAPE = hw::vr::DIM_SHAPE, D_STRIDE = hw::vr::DIM_STRIDE, D_MLO = hw::vr::DIM_MLO,
                          D_MHI = hw::vr::DIM_MHI;
inline constexpr uint32_t CTRL_START = hw::vr::CTRL_START.mask;
inline constexpr uint32_t ST_BUSY = hw::vr::STATUS_BUSY.mask, ST_DONE = hw::vr::STATUS_DONE.mask,
                          ST_ERR = hw::vr::STATUS_ERR.mask;
inline constexpr uint32_t err_code(uint32_t status) { return hw::vr::STATUS_ERR_CODE.get(status); }
enum Err : uint32_t {
  kOk = hw::vr::ERR_OK, kBadRank = hw::vr::ERR_BAD_RANK, kZeroLength = hw::vr::ERR_ZERO_LENGTH,
  kMisaligned = hw::vr::ERR_MISALIGNED, kOutOfBounds = hw::vr::ERR_OUT_OF_BOUNDS, kOverflow = hw::vr::ERR_OVERFLOW,
  kBadMask = hw::vr::ERR_BAD_MASK, kBusy = hw::vr::ERR_BUSY,
};
inline const char* err_name(uint32_t code) { return hw::vr::err_name(code); }  // "OUT_OF_BOUNDS", ...
inline constexpr unsigned kMaxRank = hw::vr::DIM_COUNT;
inline constexpr uint32_t kLineBytes = hw::limits::VR_LINE_BYTES;  // one AXI3 burst of 16 x 64 bit (HP port maximum)
inline constexpr unsigned kLines = hw::limits::VR_BUFFER_LINES;    // line buffer: 8 KB, 2 BRAM36
inline constexpr unsigned kMaxFills = hw::limits::VR_MAX_FILLS;    // fills in flight
inline constexpr unsigned kBeatFifo = hw::limits::VR_BEAT_FIFO;    // beats planned ahead of the stream
inline constexpr unsigned kIndexEntries = hw::limits::VR_INDEX_ENTRIES;  // line index (docs/pl-v2.md)
// The line index's entry for a line number (byte address / 128): its low log2(VR_INDEX_ENTRIES)
// bits (docs/pl-v2.md "Line buffer and timing"). Lines 64 KB apart share an entry; an XOR fold
// of the higher bits was tried and lost (it scatters the MLP's 24.5-line column stride into
// conflicts that a plain modulo avoids; the v2 figures moved from 0.1009 to 0.1097 s).
inline constexpr unsigned index_of(uint64_t line) {
  static_assert((kIndexEntries & (kIndexEntries - 1)) == 0, "VR_INDEX_ENTRIES must be a power of 2");
  return static_cast<unsigned>(line & (kIndexEntries - 1));
}
inline constexpr uint64_t kMaxElems = hw::limits::VR_MAX_ELEMS;
inline constexpr uint32_t kNoDim = hw::vr::ERR_INFO_DIM.mask >> hw::vr::ERR_INFO_DIM.shift;  // ERR_INFO: not one dimension
}  // namespace vr

// A view descriptor as the registers hold it. Dimension 0 is the outermost.
struct ViewDesc {
  uint64_t base = 0;     // byte address of the buffer
  uint64_t limit = 0;    // bytes of the buffer
  int64_t offset = 0;    // elements (the register is signed 32-bit)
  unsigned rank = 1;
  uint32_t pad = 0;
  uint32_t shape[vr::kMaxRank] = {1, 1, 1, 1, 1, 1};
  int32_t stride[vr::kMaxRank] = {0, 0, 0, 0, 0, 0};
  uint32_t mlo[vr::kMaxRank] = {0, 0, 0, 0, 0, 0};
  uint32_t mhi[vr::kMaxRank] = {1, 1, 1, 1, 1, 1};

  void full_mask();            // every element valid: MLO = 0, MHI = SHAPE
  uint64_t elems() const;      // prod(shape[0 .. rank))
  std::string str() const;     // "view(shape=(48, 64), strides=(1, 48), offset=0, mask=..., base=0x.., limit=..)"
};

struct DescCheck {
  uint32_t err = vr::kOk;
  uint32_t dim = vr::kNoDim;  // ERR_INFO
  std::string why;            // for messages: what was wrong and what was expected
  bool ok() const { return err == vr::kOk; }
};
// The START-time validation of docs/pl-v2.md, in its order; ddr_bytes: the DDR size.
DescCheck check(const ViewDesc& d, uint64_t ddr_bytes);

namespace detail {
// Calls f(element index, valid, element offset) for every element of the view in stream order
// (an odometer, innermost dimension first). The descriptor must pass check().
template <class F> void walk(const ViewDesc& d, F&& f) {
  const unsigned r = d.rank;
  uint32_t idx[vr::kMaxRank] = {};
  int64_t off = d.offset;
  unsigned invalid = 0;  // dimensions whose index is outside its mask
  for (unsigned k = 0; k < r; ++k) invalid += idx[k] < d.mlo[k] || idx[k] >= d.mhi[k];
  const uint64_t n = d.elems();
  for (uint64_t e = 0; e < n; ++e) {
    if (!f(e, invalid == 0, off)) return;
    for (int k = static_cast<int>(r) - 1; k >= 0; --k) {
      const bool was = idx[k] < d.mlo[k] || idx[k] >= d.mhi[k];
      off += d.stride[k];
      if (++idx[k] < d.shape[k]) {
        invalid += (idx[k] < d.mlo[k] || idx[k] >= d.mhi[k]) - was;
        break;
      }
      off -= static_cast<int64_t>(d.stride[k]) * d.shape[k];
      idx[k] = 0;
      invalid += (0 < d.mlo[k] || 0 >= d.mhi[k]) - was;
    }
  }
}
}  // namespace detail

// The view's words in stream order (elems() of them) from DDR (`ddr` = the byte at physical
// address 0). The descriptor must pass check().
void gather(const ViewDesc& d, const uint8_t* ddr, uint32_t* out);

struct ReaderTiming {
  uint64_t latency = 11;       // HP read: ARVALID to first data, cycles (ddr_read_latency_ns * f_PL)
  uint32_t cycles_per_beat = 1;  // the port's (or the DDR share's) rate
};
struct Fill {                  // one AXI3 INCR burst of 64-bit beats
  uint64_t addr = 0;           // 8-byte aligned
  uint32_t beats = 0;          // 1 .. 16, never crossing a 4 KB boundary
  uint64_t issue = 0, arrive = 0;  // ARVALID cycle; cycle its last beat is in the line buffer
};
struct ReadPlan {
  std::vector<Fill> fills;
  std::vector<uint64_t> beat_valid;  // first cycle stream beat b (elements 2b, 2b+1) can be valid
  uint64_t ddr_bytes() const;        // bytes read from DDR
};
// The fills and the beat schedule when validation starts in cycle t0 (the descriptor must pass
// check()). Normative: the recurrence of docs/pl-v2.md "Line buffer and timing".
// handshakes: the consumer's handshake cycle of every beat (nullptr: a consumer that takes each
// beat when it is valid). A slot is reused only after the beat that last read it was handed over,
// and the plan stage stays at most VR_BEAT_FIFO beats ahead of the stream, so a consumer that
// lags delays the fills and the beats after them; beat_valid[b] stays the first cycle beat b
// could be valid were the consumer ready (it is valid from max(beat_valid[b], handshake of b-1
// + 1)). Since beat b's entry depends only on the handshakes of earlier beats, plan() with the
// handshakes that a consumer made against an earlier plan converges (models/tlm/pl_top.cpp).
ReadPlan plan(const ViewDesc& d, uint64_t t0, const ReaderTiming& t,
              const std::vector<uint64_t>* handshakes = nullptr);

}  // namespace tinypynq::pl
