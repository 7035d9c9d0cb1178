// SPDX-License-Identifier: MIT
// tinypynq — the v2 view writer's reference model (view_writer.h, docs/pl-v2.md step 3).
#include "models/fp/view_writer.h"

#include <algorithm>
#include <cstring>

namespace tinypynq::pl {

DescCheck check_write(const ViewDesc& d, uint64_t ddr_bytes) {
  DescCheck c = check(d, ddr_bytes);
  // The reader's order up to BAD_MASK, then BROADCAST, then OVERFLOW and OUT_OF_BOUNDS.
  if (c.err == vr::kBadRank || c.err == vr::kZeroLength || c.err == vr::kMisaligned || c.err == vr::kBadMask) return c;
  bool empty = false;
  for (unsigned k = 0; k < d.rank; ++k) empty = empty || d.mlo[k] == d.mhi[k];
  for (unsigned k = 0; k < d.rank && !empty; ++k)
    if (d.stride[k] == 0 && d.shape[k] > 1)
      return DescCheck{vw::kBroadcast, k,
                       "STRIDE_" + std::to_string(k) + " is 0 with SHAPE_" + std::to_string(k) + " = " +
                           std::to_string(d.shape[k]) + ": several elements to one word, expected a stride != 0 "
                           "(a write cannot broadcast)"};
  return c;
}

void scatter(const ViewDesc& d, const uint32_t* words, uint64_t n, uint8_t* ddr) {
  detail::walk(d, [&](uint64_t e, bool valid, int64_t off) {
    if (e >= n) return false;
    if (valid) std::memcpy(ddr + d.base + 4 * off, &words[e], 4);
    return true;
  });
}

uint64_t WritePlan::ddr_bytes() const {
  uint64_t b = 0;
  for (const Burst& x : bursts) b += 8ull * x.beats;
  return b;
}

uint64_t write_ready(const ViewDesc& d, uint64_t t0, uint64_t j) {
  return t0 + std::min<unsigned>(d.rank, vw::kMaxRank) + 2 + j;
}

namespace {
// first_only: stop at the first burst (first_aw()); the rest of the plan is then not filled in.
WritePlan plan_impl(const ViewDesc& d, uint64_t t0, const std::vector<uint64_t>& h, const WriterTiming& t,
                    bool first_only) {
  WritePlan p;
  const uint64_t n_take = std::min<uint64_t>(d.elems(), 2 * h.size());  // elements written or dropped
  p.accept.assign(first_only ? 0 : h.size(), 0);
  struct Slot {
    uint64_t line = ~0ull;  // ~0: empty
    uint32_t mask = 0;      // words written since it was taken
    uint64_t free_at = 0;   // the cycle after its last flush's last W beat
  };
  std::vector<Slot> slots(vw::kLines);
  // The line index (docs/pl-v2.md step 3, "Write buffer"): entry index_of(line) names the slot
  // the last line with that entry was taken into. Invariant: a line in the buffer is in the slot
  // its entry names, so a lookup is one entry and one tag (the RTL's two RAM reads), and no line
  // is in two slots (which would let a later full copy reach DDR before an older partial one).
  std::vector<unsigned> index(vw::kIndexEntries, 0);
  auto entry = [](uint64_t line) { return vw::index_of(line / vw::kLineBytes); };
  unsigned next = 0;
  const uint64_t lo = d.base, hi = d.base + d.limit;
  uint64_t port0 = 0, wbeats = 0;  // the first W beat's earliest cycle; W beats so far
  // The words of a line inside [BASE, BASE + LIMIT): a line is full when all are written.
  auto needed = [&](uint64_t line) {
    uint32_t m = 0;
    for (uint32_t w = 0; w < vw::kLineWords; ++w)
      if (line + 4 * w >= lo && line + 4 * w < hi) m |= 1u << w;
    return m;
  };
  auto flush = [&](unsigned s, uint64_t c) {
    Slot& sl = slots[s];
    const uint32_t w0 = static_cast<uint32_t>(__builtin_ctz(sl.mask)), w1 = 31u - __builtin_clz(sl.mask);
    Burst b;
    b.addr = sl.line + 8ull * (w0 / 2);
    b.beats = w1 / 2 - w0 / 2 + 1;
    b.words = sl.mask >> (w0 / 2 * 2);
    b.decide = c;
    const Burst* prev = p.bursts.empty() ? nullptr : &p.bursts.back();
    b.aw = std::max(c + 1, prev ? prev->aw + 1 : 0);
    if (!prev) port0 = b.aw + 1;
    // The port's rate over the transfer's W beats: beat i no earlier than port0 + i * cpb.
    auto port = [&](uint64_t i) { return port0 + i * t.cpb_milli / 1000; };
    const uint64_t ws = std::max({b.aw + 1, prev ? prev->wend : 0, port(wbeats)});
    b.wend = std::max(ws + b.beats, port(wbeats + b.beats - 1) + 1);
    wbeats += b.beats;
    b.bresp = b.wend - 1 + t.write_latency;
    p.bursts.push_back(b);
    sl.line = ~0ull, sl.mask = 0, sl.free_at = b.wend;
  };
  uint64_t prev_a = 0, next_p = 0;  // the last handshake; the first cycle the next beat can be taken
  // The taken elements, beat by beat (a beat holds elements 2j and 2j + 1).
  std::vector<std::pair<bool, int64_t>> beat(2);
  unsigned in_beat = 0;
  uint64_t j = 0;
  auto finish_beat = [&]() {
    const uint64_t pj = std::max({h[j], write_ready(d, t0, j), next_p});
    uint64_t a = pj;
    unsigned used[2];
    unsigned n_used = 0;
    bool orphan = false;  // element 0's slot lost its index entry to element 1's line
    for (unsigned k = 0; k < in_beat; ++k) {
      if (!beat[k].first) continue;
      const uint64_t addr = d.base + 4 * static_cast<uint64_t>(beat[k].second);
      const uint64_t line = addr & ~uint64_t{vw::kLineBytes - 1};
      const unsigned e = entry(line), c = index[e];
      unsigned s = c;
      if (slots[c].line != line) {
        // A miss. If the entry's slot holds another line of the same entry (a conflict), that
        // line is flushed: in p_j, and its slot taken, unless this beat wrote the slot (then
        // after the beat's last merge, below).
        const bool conflict = slots[c].line != ~0ull && entry(slots[c].line) == e;
        const bool wrote_c = n_used && used[0] == c;
        if (conflict && !wrote_c) {
          flush(c, pj);
          ++p.conflict_flushes;
        } else {
          s = next;
          while (n_used && used[0] == s) s = (s + 1) % vw::kLines;  // never a slot this beat wrote
          next = (s + 1) % vw::kLines;
          if (slots[s].line != ~0ull) flush(s, pj);
          orphan = orphan || conflict;
          p.conflict_flushes += conflict ? 1 : 0;
        }
        a = std::max(a, slots[s].free_at);
        slots[s].line = line;
        index[e] = s;
      }
      slots[s].mask |= 1u << ((addr - line) / 4);
      if (!(n_used && used[n_used - 1] == s)) used[n_used++] = s;
    }
    // One buffer write per cycle: two valid elements in two different 64-bit beats of the
    // buffer merge in a and a + 1, and the full lines are decided after the second.
    bool two = in_beat == 2 && beat[0].first && beat[1].first;
    if (two) {
      const uint64_t b0 = (d.base + 4 * static_cast<uint64_t>(beat[0].second)) >> 3;
      two = b0 != (d.base + 4 * static_cast<uint64_t>(beat[1].second)) >> 3;
    }
    const uint64_t m = a + (two ? 1 : 0);
    if (!first_only) p.accept[j] = a;
    prev_a = a;
    next_p = m + 1;
    for (unsigned k = 0; k < n_used; ++k) {
      Slot& sl = slots[used[k]];
      if (sl.line != ~0ull && ((sl.mask & needed(sl.line)) == needed(sl.line) || (k == 0 && orphan)))
        flush(used[k], m);
    }
    in_beat = 0;
    ++j;
  };
  detail::walk(d, [&](uint64_t idx, bool valid, int64_t off) {
    if (idx >= n_take || (first_only && !p.bursts.empty())) return false;
    beat[in_beat++] = {valid, off};
    if (in_beat == 2 || idx + 1 == n_take) finish_beat();
    return true;
  });
  if (first_only && !p.bursts.empty()) return p;
  // Beats past the elements (a long packet, or a last beat holding only dropped lanes) are
  // taken one per cycle and dropped.
  for (; j < h.size(); ++j) {
    prev_a = std::max({h[j], write_ready(d, t0, j), next_p});
    if (!first_only) p.accept[j] = prev_a;
    next_p = prev_a + 1;
  }
  const uint64_t a_last = h.empty() ? write_ready(d, t0, 0) : next_p - 1;  // the last merge
  // The slots still holding lines, in ring order from `next` (the slot the next miss would
  // take): the RTL's rotating priority encoder. Oldest-first differs only for a slot skipped by
  // the ring (its line was hit by the other element of the beat that took the slot after it).
  for (unsigned i = 0; i < vw::kLines; ++i) {
    const unsigned s = (next + i) % vw::kLines;
    if (slots[s].line != ~0ull) flush(s, a_last);
    if (first_only && !p.bursts.empty()) return p;
  }
  p.done = a_last + 1;
  for (const Burst& b : p.bursts) p.done = std::max(p.done, b.bresp + 1);
  return p;
}
}  // namespace

WritePlan plan_write(const ViewDesc& d, uint64_t t0, const std::vector<uint64_t>& h, const WriterTiming& t) {
  return plan_impl(d, t0, h, t, false);
}

uint64_t first_aw(const ViewDesc& d, uint64_t t0, const std::vector<uint64_t>& h) {
  const WritePlan p = plan_impl(d, t0, h, WriterTiming{}, true);
  return p.bursts.empty() ? 0 : p.bursts.front().aw;
}

}  // namespace tinypynq::pl
