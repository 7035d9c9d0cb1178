// The v2 view writer's reference model (models/fp/view_writer.h) against docs/pl-v2.md "v2 step
// 3": where every element lands (a naive one-index-per-element reference), the write bursts
// (AXI rules, WSTRB, against a second, naive implementation of the normative recurrence), when
// beats are taken and DONE is set, and the error of every kind of bad descriptor. Pure C++.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "models/fp/view_writer.h"

namespace tinypynq::pl {
namespace {

constexpr uint64_t kDdr = 1 << 20;

ViewDesc view(uint64_t base, uint64_t limit, std::vector<uint32_t> shape, std::vector<int32_t> strides, int64_t off = 0) {
  ViewDesc d;
  d.base = base, d.limit = limit, d.offset = off, d.rank = static_cast<unsigned>(shape.size());
  for (size_t k = 0; k < shape.size(); ++k) d.shape[k] = shape[k], d.stride[k] = strides[k];
  d.full_mask();
  return d;
}

// Element e's word address (valid) by one index computation per element; -1: masked.
int64_t naive_addr(const ViewDesc& d, uint64_t e) {
  bool valid = true;
  int64_t off = d.offset;
  for (int k = static_cast<int>(d.rank) - 1; k >= 0; --k) {
    const uint32_t i = static_cast<uint32_t>(e % d.shape[k]);
    e /= d.shape[k];
    valid &= i >= d.mlo[k] && i < d.mhi[k];
    off += static_cast<int64_t>(i) * d.stride[k];
  }
  return valid ? static_cast<int64_t>(d.base + 4 * off) : -1;
}

void naive_scatter(const ViewDesc& d, const uint32_t* w, uint64_t n, std::vector<uint8_t>& ddr) {
  for (uint64_t e = 0; e < std::min(n, d.elems()); ++e)
    if (const int64_t a = naive_addr(d, e); a >= 0) std::memcpy(&ddr[a], &w[e], 4);
}

// The recurrence of the spec, written out directly: slots as a plain array searched linearly.
WritePlan naive_plan(const ViewDesc& d, uint64_t t0, const std::vector<uint64_t>& h, const WriterTiming& t) {
  WritePlan p;
  const unsigned L = vw::kLines;
  std::vector<int64_t> line(L, -1);
  std::vector<uint32_t> mask(L, 0);
  std::vector<uint64_t> freeat(L, 0);
  unsigned ring = 0;
  const uint64_t tr = t0 + std::min(d.rank, 6u) + 2, take = std::min<uint64_t>(d.elems(), 2 * h.size());
  auto flush = [&](unsigned s, uint64_t c) {
    uint32_t w0 = 99, w1 = 0;
    for (uint32_t w = 0; w < 32; ++w)
      if (mask[s] >> w & 1) w0 = std::min(w0, w), w1 = w;
    Burst b;
    b.addr = static_cast<uint64_t>(line[s]) + 8 * (w0 / 2);
    b.beats = w1 / 2 - w0 / 2 + 1;
    for (uint32_t w = (w0 / 2) * 2; w <= w1; ++w)
      if (mask[s] >> w & 1) b.words |= 1u << (w - (w0 / 2) * 2);
    b.decide = c;
    uint64_t prev_aw = 0, prev_wend = 0, before = 0;
    for (const Burst& x : p.bursts) before += x.beats;
    if (!p.bursts.empty()) prev_aw = p.bursts.back().aw + 1, prev_wend = p.bursts.back().wend;
    b.aw = std::max(c + 1, prev_aw);
    const uint64_t first_w = (p.bursts.empty() ? b.aw : p.bursts.front().aw) + 1;
    // Each W beat: after the previous one, and no earlier than the port's rate allows.
    uint64_t t_beat = std::max(b.aw + 1, prev_wend);
    for (uint32_t i = 0; i < b.beats; ++i) {
      const uint64_t at_rate = first_w + (before + i) * t.cpb_milli / 1000;
      t_beat = std::max(t_beat, at_rate);
      ++t_beat;
    }
    b.wend = t_beat;
    b.bresp = b.wend - 1 + t.write_latency;
    p.bursts.push_back(b);
    line[s] = -1, mask[s] = 0, freeat[s] = b.wend;
  };
  uint64_t prev = 0;  // the last merge cycle
  for (uint64_t j = 0; j < h.size(); ++j) {
    const uint64_t pj = std::max({h[j], tr + j, j ? prev + 1 : 0});
    std::vector<int64_t> beat_addr;
    uint64_t a = pj;
    std::vector<unsigned> used, orphans;
    for (uint64_t e = 2 * j; e < std::min(2 * j + 2, take); ++e) {
      const int64_t addr = naive_addr(d, e);
      if (addr < 0) continue;
      beat_addr.push_back(addr / 8);
      const int64_t ln = addr / 128 * 128;
      // The line index as the spec states it, without an index: the buffer holds at most one
      // line per entry (line number mod VW_INDEX_ENTRIES); a miss whose entry another line holds
      // flushes that line and takes its slot, or, when this beat wrote that slot, takes the
      // ring's slot and flushes the other line after the beat's last merge.
      auto entry = [](int64_t l) { return vw::index_of(static_cast<uint64_t>(l) / 128); };
      unsigned s = L, other = L;
      for (unsigned x = 0; x < L; ++x) {
        if (line[x] == ln) s = x;
        else if (line[x] >= 0 && entry(line[x]) == entry(ln)) other = x;
      }
      if (s == L && other != L && std::find(used.begin(), used.end(), other) == used.end()) {
        s = other;
        flush(s, pj);
        a = std::max(a, freeat[s]);
        line[s] = ln;
      } else if (s == L) {
        if (other != L) orphans.push_back(other);
        s = ring;
        if (std::find(used.begin(), used.end(), s) != used.end()) s = (s + 1) % L;
        ring = (s + 1) % L;
        if (line[s] >= 0) flush(s, pj);
        a = std::max(a, freeat[s]);
        line[s] = ln;
      }
      mask[s] |= 1u << ((addr - ln) / 4);
      if (std::find(used.begin(), used.end(), s) == used.end()) used.push_back(s);
    }
    p.accept.push_back(a);
    // two elements into two 64-bit beats of the buffer: the second merges a cycle later
    prev = a + (beat_addr.size() == 2 && beat_addr[0] != beat_addr[1] ? 1 : 0);
    for (unsigned s : used) {
      if (line[s] < 0) continue;
      bool full = true;
      for (uint32_t w = 0; w < 32; ++w) {
        const uint64_t wa = static_cast<uint64_t>(line[s]) + 4 * w;
        if (wa >= d.base && wa < d.base + d.limit && !(mask[s] >> w & 1)) full = false;
      }
      if (full || std::find(orphans.begin(), orphans.end(), s) != orphans.end()) flush(s, prev);
    }
  }
  for (unsigned i = 0; i < L; ++i)  // the rest, in ring order from the next slot to take
    if (line[(ring + i) % L] >= 0) flush((ring + i) % L, prev);
  p.done = prev + 1;
  for (const Burst& b : p.bursts) p.done = std::max(p.done, b.bresp + 1);
  return p;
}

// The AXI rules of the spec on every burst, and WSTRB covering exactly the words written.
void check_bursts(const ViewDesc& d, const WritePlan& p, uint64_t n) {
  std::set<uint64_t> strobed, written;
  for (uint64_t e = 0; e < std::min(n, d.elems()); ++e)
    if (const int64_t a = naive_addr(d, e); a >= 0) written.insert(static_cast<uint64_t>(a));
  for (const Burst& b : p.bursts) {
    ASSERT_EQ(b.addr % 8, 0u);
    ASSERT_GE(b.beats, 1u);
    ASSERT_LE(b.beats, 16u);
    ASSERT_EQ(b.addr / 4096, (b.addr + 8 * b.beats - 1) / 4096) << "a burst crosses 4 KB";
    ASSERT_NE(b.strb(0), 0) << "first beat without a byte";
    ASSERT_NE(b.strb(b.beats - 1), 0) << "last beat without a byte";
    ASSERT_EQ(b.beats == 16 ? 0u : b.words >> (2 * b.beats), 0u) << "a strobe past the burst";
    for (uint32_t w = 0; w < 2 * b.beats; ++w)
      if (b.words >> w & 1) {
        const uint64_t a = b.addr + 4 * w;
        ASSERT_GE(a, d.base);
        ASSERT_LT(a, d.base + d.limit);
        ASSERT_LE(a + 4, kDdr);
        strobed.insert(a);
      }
    ASSERT_LT(b.decide, b.aw);
    ASSERT_LT(b.aw, b.wend);
  }
  EXPECT_EQ(strobed, written);
  for (size_t k = 1; k < p.bursts.size(); ++k) ASSERT_GT(p.bursts[k].aw, p.bursts[k - 1].aw);
}

std::vector<uint64_t> always_valid(const ViewDesc& d, uint64_t t0) {
  std::vector<uint64_t> h((d.elems() + 1) / 2);
  for (uint64_t j = 0; j < h.size(); ++j) h[j] = write_ready(d, t0, j);
  return h;
}

void expect_same(const WritePlan& a, const WritePlan& b) {
  ASSERT_EQ(a.bursts.size(), b.bursts.size());
  for (size_t k = 0; k < a.bursts.size(); ++k) {
    const Burst &x = a.bursts[k], &y = b.bursts[k];
    ASSERT_EQ(x.addr, y.addr) << "burst " << k;
    ASSERT_EQ(x.beats, y.beats) << "burst " << k;
    ASSERT_EQ(x.words, y.words) << "burst " << k;
    ASSERT_EQ(x.aw, y.aw) << "burst " << k;
    ASSERT_EQ(x.wend, y.wend) << "burst " << k;
    ASSERT_EQ(x.bresp, y.bresp) << "burst " << k;
  }
  ASSERT_EQ(a.accept, b.accept);
  ASSERT_EQ(a.done, b.done);
}

TEST(ViewWriter, ContiguousResultIsFullBurstsOnePerLine) {
  const ViewDesc d = view(0x1000, 4 * 256, {256}, {1});  // 8 lines
  ASSERT_TRUE(check_write(d, kDdr).ok());
  const WritePlan p = plan_write(d, 100, always_valid(d, 100), {8, 1000});
  ASSERT_EQ(p.bursts.size(), 8u);
  for (size_t k = 0; k < 8; ++k) {
    EXPECT_EQ(p.bursts[k].addr, 0x1000 + 128 * k);
    EXPECT_EQ(p.bursts[k].beats, 16u);
    EXPECT_EQ(p.bursts[k].words, 0xFFFFFFFFu);
  }
  // Line 0 is full when beat 15 is taken (cycle 100 + 1 + 2 + 15): AW the cycle after, W
  // beats from the cycle after that; the last line's B response ends the transfer.
  EXPECT_EQ(p.bursts[0].decide, 118u);
  EXPECT_EQ(p.bursts[0].aw, 119u);
  EXPECT_EQ(p.bursts[0].wend, 120u + 16);
  EXPECT_EQ(p.accept.back(), 103u + 127);
  EXPECT_EQ(p.bursts[7].aw, 103u + 127 + 1);
  EXPECT_EQ(p.done, p.bursts[7].wend - 1 + 8 + 1);
  expect_same(p, naive_plan(d, 100, always_valid(d, 100), {8, 1000}));
}

TEST(ViewWriter, TransposeWithinTheBufferCoalescesAndBeyondItWritesSingleWords) {
  // (32, 48) written transposed into (48, 32): 48 lines, all fit the 64-line buffer.
  ViewDesc d = view(0x2000, 4 * 48 * 32, {32, 48}, {1, 32});
  ASSERT_TRUE(check_write(d, kDdr).ok());
  WritePlan p = plan_write(d, 0, always_valid(d, 0), {});
  EXPECT_EQ(p.bursts.size(), 48u);
  check_bursts(d, p, d.elems());
  // (32, 128) into (128, 32): 128 lines > 64 slots: every element evicts a one-word line.
  d = view(0x4000, 4 * 128 * 32, {32, 128}, {1, 32});
  p = plan_write(d, 0, always_valid(d, 0), {});
  EXPECT_EQ(p.bursts.size(), 32u * 128);
  check_bursts(d, p, d.elems());
  expect_same(p, naive_plan(d, 0, always_valid(d, 0), {}));
  EXPECT_GT(p.accept.back(), always_valid(d, 0).back()) << "the writer stalls the stream";
}

// Two lines of one index entry written element by element in turn: each miss flushes the other
// line (the buffer holds one line per entry), so every element is a one-word burst, and the plan
// is the linear-search formulation's. Lines 32 and 32 + 513: 32 ^ 0 = 33 ^ 1.
TEST(ViewWriter, TwoLinesOfOneIndexEntryInterleavedFlushEachOther) {
  const int32_t apart = (vw::kIndexEntries + 1) * vw::kLineBytes / 4;  // words
  ASSERT_EQ(vw::index_of(0x1000 / 128), vw::index_of(0x1000 / 128 + vw::kIndexEntries + 1));
  const ViewDesc d = view(0x1000, 4 * (apart + 32), {32, 2}, {1, apart});
  ASSERT_TRUE(check_write(d, kDdr).ok());
  const WritePlan p = plan_write(d, 0, always_valid(d, 0), {});
  EXPECT_EQ(p.bursts.size(), 64u);
  EXPECT_EQ(p.conflict_flushes, 63u);  // all but the last element's line
  check_bursts(d, p, d.elems());
  expect_same(p, naive_plan(d, 0, always_valid(d, 0), {}));
  // 64 lines 8 KB apart, as the rows of a batch of 2048-word samples: 64 entries (a plain
  // modulo of the line number would give them 8)
  std::set<unsigned> entries;
  for (uint64_t k = 0; k < vw::kLines; ++k) entries.insert(vw::index_of(0x1000 / 128 + 64 * k));
  EXPECT_EQ(entries.size(), vw::kLines);
  // one line apart instead: two index entries, two full-line bursts
  const ViewDesc n = view(0x1000, 4 * 64, {32, 2}, {1, 32});
  EXPECT_EQ(plan_write(n, 0, always_valid(n, 0), {}).bursts.size(), 2u);
}

TEST(ViewWriter, PartialLinesUseWstrbAndNeverTouchOtherWords) {
  // Every other word of a buffer that starts and ends inside lines.
  const ViewDesc d = view(0x3000 + 12, 4 * 77, {38}, {2});
  ASSERT_TRUE(check_write(d, kDdr).ok());
  const WritePlan p = plan_write(d, 5, always_valid(d, 5), {});
  check_bursts(d, p, d.elems());
  EXPECT_EQ(p.bursts.front().strb(0), 0xF0);  // BASE = line + 12: the second word of beat 1
  std::vector<uint8_t> ddr(kDdr, 0xAA), ref(kDdr, 0xAA);
  std::vector<uint32_t> w(38);
  for (uint32_t i = 0; i < 38; ++i) w[i] = 1000 + i;
  scatter(d, w.data(), w.size(), ddr.data());
  naive_scatter(d, w.data(), w.size(), ref);
  EXPECT_EQ(ddr, ref);
}

TEST(ViewWriter, LengthOneAndTheEndOfDdr) {
  ViewDesc d = view(kDdr - 4, 4, {1}, {1});
  ASSERT_TRUE(check_write(d, kDdr).ok());
  WritePlan p = plan_write(d, 10, always_valid(d, 10), {3, 1000});
  ASSERT_EQ(p.bursts.size(), 1u);
  EXPECT_EQ(p.bursts[0].addr, kDdr - 8);
  EXPECT_EQ(p.bursts[0].strb(0), 0xF0);
  EXPECT_EQ(p.accept[0], 13u);
  EXPECT_EQ(p.bursts[0].aw, 14u);
  EXPECT_EQ(p.done, 15u + 1 - 1 + 3 + 1);
  check_bursts(d, p, 1);
  d.limit = 8;  // past the end of DDR
  EXPECT_EQ(check_write(d, kDdr).err, vw::kOutOfBounds);
}

TEST(ViewWriter, EveryMaskedElementIsDroppedAndNothingIsWritten) {
  ViewDesc d = view(0x1000, 4 * 64, {8, 8}, {8, 1});
  d.mlo[0] = d.mhi[0] = 3;
  ASSERT_TRUE(check_write(d, kDdr).ok());
  const WritePlan p = plan_write(d, 0, always_valid(d, 0), {});
  EXPECT_TRUE(p.bursts.empty());
  EXPECT_EQ(p.done, p.accept.back() + 1);
}

TEST(ViewWriter, ShortAndLongPacketsWriteWhatArrivedUpToElems) {
  const ViewDesc d = view(0x1000, 4 * 40, {40}, {1});
  std::vector<uint64_t> h = always_valid(d, 0);
  h.resize(5);  // 10 elements
  WritePlan p = plan_write(d, 0, h, {});
  check_bursts(d, p, 10);
  EXPECT_EQ(p.accept.size(), 5u);
  h = always_valid(d, 0);
  h.push_back(h.back() + 1), h.push_back(h.back() + 1);  // 2 beats too many: dropped
  p = plan_write(d, 0, h, {});
  check_bursts(d, p, 40);
  EXPECT_EQ(p.accept.size(), 22u);
}

TEST(ViewWriter, EveryBadDescriptorHasItsCode) {
  const ViewDesc ok = view(0x1000, 4 * 64, {8, 8}, {8, 1});
  ASSERT_TRUE(check_write(ok, kDdr).ok());
  ViewDesc d = ok;
  d.rank = 0;
  EXPECT_EQ(check_write(d, kDdr).err, vw::kBadRank);
  d.rank = 7;
  EXPECT_EQ(check_write(d, kDdr).err, vw::kBadRank);
  d = ok, d.shape[1] = 0;
  EXPECT_EQ(check_write(d, kDdr).err, vw::kZeroLength);
  EXPECT_EQ(check_write(d, kDdr).dim, 1u);
  d = ok, d.base += 2;
  EXPECT_EQ(check_write(d, kDdr).err, vw::kMisaligned);
  d = ok, d.limit -= 4;
  EXPECT_EQ(check_write(d, kDdr).err, vw::kOutOfBounds);
  d = ok, d.offset = -1;
  EXPECT_EQ(check_write(d, kDdr).err, vw::kOutOfBounds);
  d = ok, d.stride[0] = 0x7FFFFFFF;
  EXPECT_EQ(check_write(d, kDdr).err, vw::kOverflow);
  d = ok, d.mhi[0] = 9;
  EXPECT_EQ(check_write(d, kDdr).err, vw::kBadMask);
  d = ok, d.stride[0] = 0;
  const DescCheck c = check_write(d, kDdr);
  EXPECT_EQ(c.err, vw::kBroadcast);
  EXPECT_EQ(c.dim, 0u);
  EXPECT_NE(c.why.find("STRIDE_0 is 0"), std::string::npos) << c.why;
  d.mlo[1] = d.mhi[1] = 0;  // nothing is written: no broadcast
  EXPECT_TRUE(check_write(d, kDdr).ok());
  d = ok, d.stride[0] = 0, d.mhi[0] = 9;  // BAD_MASK comes first
  EXPECT_EQ(check_write(d, kDdr).err, vw::kBadMask);
  d = ok, d.stride[0] = 0, d.limit = kDdr;  // BROADCAST before OUT_OF_BOUNDS
  EXPECT_EQ(check_write(d, kDdr).err, vw::kBroadcast);
}

TEST(ViewWriter, RandomDescriptorsAgainstTheNaiveReference) {
  std::mt19937_64 rng(14);
  auto U = [&](uint64_t lo, uint64_t hi) { return std::uniform_int_distribution<uint64_t>(lo, hi)(rng); };
  int tested = 0;
  uint64_t conflicts = 0;  // line-index conflict flushes (the 64 KB strides)
  for (int it = 0; it < 600; ++it) {
    ViewDesc d;
    d.rank = static_cast<unsigned>(U(1, 4));
    int64_t lo = 0, hi = 0;
    for (unsigned k = 0; k < d.rank; ++k) {
      d.shape[k] = static_cast<uint32_t>(U(1, it % 7 == 0 ? 1 : 12));
      const int kind = static_cast<int>(U(0, 3));
      d.stride[k] = kind == 0 ? 1 : kind == 1 ? static_cast<int32_t>(U(1, 300)) : kind == 2 ? -static_cast<int32_t>(U(1, 40))
                                                                                             : static_cast<int32_t>(U(1, 8));
      if (d.shape[k] == 1 && U(0, 1)) d.stride[k] = 0;
    }
    // Now and then one dimension whose lines are 513 apart (give or take one): they often share
    // line-index entries (pl::vw::index_of).
    if (U(0, 4) == 0) {
      const unsigned k = static_cast<unsigned>(U(0, d.rank - 1));
      d.shape[k] = static_cast<uint32_t>(U(2, 3));
      d.stride[k] = static_cast<int32_t>((vw::kIndexEntries + 1) * vw::kLineBytes / 4 + U(0, 64)) - 32;
    }
    d.full_mask();
    if (U(0, 3) == 0)
      for (unsigned k = 0; k < d.rank; ++k) d.mlo[k] = static_cast<uint32_t>(U(0, d.shape[k] / 2)), d.mhi[k] = static_cast<uint32_t>(U(d.mlo[k], d.shape[k]));
    for (unsigned k = 0; k < d.rank; ++k) {
      const int64_t a = int64_t{d.stride[k]} * (d.shape[k] - 1);
      lo += std::min<int64_t>(0, a), hi += std::max<int64_t>(0, a);
    }
    d.offset = -lo + static_cast<int64_t>(U(0, 3));
    d.limit = 4 * static_cast<uint64_t>(hi - lo + 4 + U(0, 5));
    // Bases next to 4 KB boundaries and at the end of DDR.
    const int where = static_cast<int>(U(0, 2));
    d.base = where == 0 ? 4096 * U(1, 100) - 4 * U(0, 40) : where == 1 ? 4 * U(0, 60000) : kDdr - d.limit;
    const DescCheck c = check_write(d, kDdr);
    if (!c.ok()) {
      ASSERT_EQ(c.err, vw::kBroadcast) << d.str() << ": " << c.why;  // the generator avoids the others
      continue;
    }
    ++tested;
    std::vector<uint32_t> w(d.elems());
    for (auto& x : w) x = static_cast<uint32_t>(rng());
    std::vector<uint8_t> ddr(kDdr, 0x5A), ref(kDdr, 0x5A);
    scatter(d, w.data(), w.size(), ddr.data());
    naive_scatter(d, w.data(), w.size(), ref);
    ASSERT_EQ(ddr, ref) << d.str();
    // A producer that sometimes lags, a port that sometimes takes 2 cycles per beat.
    std::vector<uint64_t> h = always_valid(d, 50);
    uint64_t lag = 0;
    for (auto& x : h) x += (lag += U(0, 1) * U(0, 3));
    const WriterTiming t{U(1, 20), static_cast<uint32_t>(U(0, 1) ? 1000 : U(1000, 2500))};
    const WritePlan p = plan_write(d, 50, h, t);
    check_bursts(d, p, d.elems());
    expect_same(p, naive_plan(d, 50, h, t));
    conflicts += p.conflict_flushes;
    for (size_t j = 0; j < h.size(); ++j) ASSERT_GE(p.accept[j], h[j]);
  }
  EXPECT_GT(tested, 400);
  EXPECT_GT(conflicts, 0u);
}

}  // namespace
}  // namespace tinypynq::pl
