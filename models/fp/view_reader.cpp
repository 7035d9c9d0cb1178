// SPDX-License-Identifier: MIT
// tinypynq — the v2 view reader's reference model (view_reader.h, docs/pl-v2.md).
#include "models/fp/view_reader.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <sstream>

namespace tinypynq::pl {

namespace {
// x + y saturated to the int64 range (32-bit targets such as the A9 have no 128-bit integers).
int64_t sat_add(int64_t x, int64_t y) {
  int64_t r;
  if (__builtin_add_overflow(x, y, &r)) return y > 0 ? INT64_MAX : INT64_MIN;
  return r;
}
}  // namespace

void ViewDesc::full_mask() {
  for (unsigned d = 0; d < vr::kMaxRank; ++d) mlo[d] = 0, mhi[d] = shape[d];
}

uint64_t ViewDesc::elems() const {
  uint64_t n = 1;  // saturates above 2^32 (six 32-bit extents would overflow 64 bits)
  for (unsigned d = 0; d < std::min(rank, vr::kMaxRank); ++d) n = std::min<uint64_t>(n * shape[d], 1ull << 32);
  return n;
}

std::string ViewDesc::str() const {
  std::ostringstream o;
  const unsigned r = std::min(rank, vr::kMaxRank);
  auto list = [&](auto&& f) {
    o << '(';
    for (unsigned d = 0; d < r; ++d) o << (d ? ", " : "") << f(d);
    o << (r == 1 ? ",)" : ")");
  };
  o << "view(shape=";
  list([&](unsigned d) { return static_cast<int64_t>(shape[d]); });
  o << ", strides=";
  list([&](unsigned d) { return static_cast<int64_t>(stride[d]); });
  o << ", offset=" << offset << ", mask=";
  list([&](unsigned d) { return std::to_string(mlo[d]) + ":" + std::to_string(mhi[d]); });
  o << ", base=0x" << std::hex << base << std::dec << ", limit=" << limit << ")";
  return o.str();
}

DescCheck check(const ViewDesc& d, uint64_t ddr_bytes) {
  auto fail = [](uint32_t err, uint32_t dim, std::string why) { return DescCheck{err, dim, std::move(why)}; };
  if (d.rank == 0 || d.rank > vr::kMaxRank)
    return fail(vr::kBadRank, vr::kNoDim, "RANK " + std::to_string(d.rank) + ", expected 1.." + std::to_string(vr::kMaxRank));
  for (unsigned k = 0; k < d.rank; ++k)
    if (d.shape[k] == 0) return fail(vr::kZeroLength, k, "SHAPE_" + std::to_string(k) + " is 0, expected >= 1");
  if (d.base % 4 || d.limit % 4)
    return fail(vr::kMisaligned, vr::kNoDim,
                "BASE 0x" + [&] { std::ostringstream o; o << std::hex << d.base; return o.str(); }() + " and LIMIT " +
                    std::to_string(d.limit) + " must be multiples of 4 (32-bit elements)");
  for (unsigned k = 0; k < d.rank; ++k)
    if (d.mlo[k] > d.mhi[k] || d.mhi[k] > d.shape[k])
      return fail(vr::kBadMask, k,
                  "mask " + std::to_string(d.mlo[k]) + ":" + std::to_string(d.mhi[k]) + " of dimension " +
                      std::to_string(k) + ", expected MLO <= MHI <= SHAPE = " + std::to_string(d.shape[k]));
  if (d.elems() > vr::kMaxElems)
    return fail(vr::kOverflow, vr::kNoDim,
                std::to_string(d.elems()) + " elements, more than the stream limit " + std::to_string(vr::kMaxElems));
  // The valid box's lowest and highest element offsets (an empty box reads nothing).
  // Each product of a 32-bit stride and a 32-bit index fits 64 bits; their sum may not, so it
  // saturates (anything that large is an overflow below either way).
  bool empty = false;
  int64_t lo = d.offset, hi = d.offset;
  for (unsigned k = 0; k < d.rank; ++k) {
    if (d.mlo[k] == d.mhi[k]) { empty = true; continue; }
    const int64_t a = static_cast<int64_t>(d.stride[k]) * d.mlo[k];
    const int64_t b = static_cast<int64_t>(d.stride[k]) * (static_cast<int64_t>(d.mhi[k]) - 1);
    lo = sat_add(lo, std::min(a, b)), hi = sat_add(hi, std::max(a, b));
  }
  lo = std::clamp<int64_t>(lo, INT64_MIN / 8, INT64_MAX / 8);
  hi = std::clamp<int64_t>(hi, INT64_MIN / 8, INT64_MAX / 8);
  constexpr int64_t kI32Min = std::numeric_limits<int32_t>::min(), kI32Max = std::numeric_limits<int32_t>::max();
  if (d.offset < kI32Min || d.offset > kI32Max || lo < kI32Min || hi > kI32Max)
    return fail(vr::kOverflow, vr::kNoDim,
                "element offsets " + std::to_string(lo) + ".." + std::to_string(hi) + " overflow the signed 32-bit range");
  if (d.base + d.limit > ddr_bytes || d.base + d.limit < d.base)
    return fail(vr::kOutOfBounds, vr::kNoDim,
                "buffer [BASE, BASE + LIMIT) ends at " + std::to_string(d.base + d.limit) + ", beyond DDR (" +
                    std::to_string(ddr_bytes) + " bytes)");
  if (!empty && (lo < 0 || static_cast<uint64_t>(hi + 1) * 4 > d.limit))
    return fail(vr::kOutOfBounds, vr::kNoDim,
                "elements " + std::to_string(lo) + ".." + std::to_string(hi) + " reach bytes " + std::to_string(4 * lo) +
                    ".." + std::to_string(4 * hi + 3) + ", outside the buffer's " + std::to_string(d.limit) + " bytes");
  return {};
}

namespace {
// walk() whose callback returns nothing: every element.
template <class F> void walk(const ViewDesc& d, F&& f) {
  detail::walk(d, [&](uint64_t e, bool valid, int64_t off) {
    f(e, valid, off);
    return true;
  });
}
}  // namespace

void gather(const ViewDesc& d, const uint8_t* ddr, uint32_t* out) {
  walk(d, [&](uint64_t e, bool valid, int64_t off) {
    if (valid) std::memcpy(&out[e], ddr + d.base + 4 * off, 4);
    else out[e] = d.pad;
  });
}

uint64_t ReadPlan::ddr_bytes() const {
  uint64_t n = 0;
  for (const Fill& f : fills) n += 8ull * f.beats;
  return n;
}

ReadPlan plan(const ViewDesc& d, uint64_t t0, const ReaderTiming& t, const std::vector<uint64_t>* handshakes) {
  ReadPlan p;
  const uint64_t n = d.elems(), beats = (n + 1) / 2;
  p.beat_valid.resize(beats);
  const std::vector<uint64_t>* hs = handshakes && handshakes->size() == beats ? handshakes : nullptr;
  // when beat k was handed over, and when it was valid (its table entry, or later while the
  // consumer held the one before it)
  auto handed = [&](uint64_t k) { return hs ? (*hs)[k] : p.beat_valid[k]; };
  auto valid_at = [&](uint64_t k) { return hs && k ? std::max(p.beat_valid[k], (*hs)[k - 1] + 1) : p.beat_valid[k]; };
  struct Slot {
    uint64_t line = ~0ull;
    int64_t last_beat = -1;  // the last beat that reads it
    size_t fill = 0;
  };
  std::vector<Slot> slots(vr::kLines);
  // The line index: entry index_of(line) names the slot of the line filled last with that entry
  // (a lookup hits when that slot still holds the line; another line of the same entry filled
  // since makes it miss, even if the line is still in some slot).
  std::vector<unsigned> index(vr::kIndexEntries, 0);
  auto lookup = [&](uint64_t line) -> int {
    const unsigned s = index[vr::index_of(line / vr::kLineBytes)];
    return slots[s].line == line ? static_cast<int>(s) : -1;
  };
  unsigned next = 0;                              // FIFO replacement pointer
  uint64_t plan_c = t0 + d.rank + 2;              // the plan stage's cycle (after validation)
  uint64_t need = 0;                              // latest arrival the current beat waits for
  uint64_t prev_out = 0;
  const uint64_t lo_b = d.base & ~7ull, hi_b = (d.base + d.limit + 7) & ~7ull;  // the buffer's beats
  auto finish_beat = [&](uint64_t b) {
    const uint64_t out = std::max({b ? prev_out + 1 : 0, plan_c + 1, need + 1});
    p.beat_valid[b] = prev_out = out;
    need = 0;
    ++plan_c;  // one beat per cycle
  };
  walk(d, [&](uint64_t e, bool valid, int64_t off) {
    const uint64_t b = e / 2;
    // the beat FIFO: beat b is planned once beat b - VR_BEAT_FIFO has left it (was loaded)
    if (e % 2 == 0 && b >= vr::kBeatFifo) plan_c = std::max(plan_c, valid_at(b - vr::kBeatFifo) + 1);
    if (valid) {
      const uint64_t addr = d.base + 4 * static_cast<uint64_t>(off), line = addr & ~uint64_t{vr::kLineBytes - 1};
      int hit = lookup(line);
      if (hit < 0) {
        // A miss: the oldest slot not read by this beat; it must be streamed out already.
        unsigned s = next;
        while (slots[s].last_beat == static_cast<int64_t>(b)) s = (s + 1) % vr::kLines;
        next = (s + 1) % vr::kLines;
        Slot& sl = slots[s];
        uint64_t issue = plan_c;
        if (sl.last_beat >= 0) issue = std::max(issue, handed(static_cast<uint64_t>(sl.last_beat)) + 1);
        if (!p.fills.empty()) issue = std::max(issue, p.fills.back().issue + 1);
        if (p.fills.size() >= vr::kMaxFills) issue = std::max(issue, p.fills[p.fills.size() - vr::kMaxFills].arrive);
        Fill f;
        f.addr = std::max(line, lo_b);
        f.beats = static_cast<uint32_t>((std::min(line + vr::kLineBytes, hi_b) - f.addr) / 8);
        f.issue = issue;
        f.arrive = std::max(issue + t.latency, p.fills.empty() ? 0 : p.fills.back().arrive) +
                   static_cast<uint64_t>(f.beats) * t.cycles_per_beat;
        plan_c = issue;
        sl.line = line, sl.fill = p.fills.size();
        index[vr::index_of(line / vr::kLineBytes)] = s;
        p.fills.push_back(f);
        hit = static_cast<int>(s);
      }
      Slot& sl = slots[static_cast<unsigned>(hit)];
      sl.last_beat = static_cast<int64_t>(b);
      need = std::max(need, p.fills[sl.fill].arrive);
    }
    if (e % 2 == 1 || e + 1 == n) finish_beat(b);
  });
  return p;
}

}  // namespace tinypynq::pl
