// The v2 view reader's reference model (models/fp/view_reader.h) against docs/pl-v2.md "v2 step
// 2": what it streams, the fills it issues (AXI rules), when beats can be valid, and the error
// of every kind of bad descriptor. Pure C++ (label models).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <vector>

#include "models/fp/view_reader.h"

namespace tinypynq::pl {
namespace {

constexpr uint64_t kDdr = 1 << 20;  // a 1 MiB DDR for the tests

struct Mem {
  std::vector<uint8_t> ddr = std::vector<uint8_t>(kDdr);
  Mem() {
    for (size_t i = 0; i < ddr.size() / 4; ++i) {
      const uint32_t v = static_cast<uint32_t>(i);
      std::memcpy(&ddr[4 * i], &v, 4);  // word i holds i
    }
  }
  uint32_t word(uint64_t addr) const {
    uint32_t v;
    std::memcpy(&v, &ddr[addr], 4);
    return v;
  }
};

ViewDesc view(uint64_t base, uint64_t limit, std::vector<uint32_t> shape, std::vector<int32_t> strides, int64_t off = 0) {
  ViewDesc d;
  d.base = base, d.limit = limit, d.offset = off, d.rank = static_cast<unsigned>(shape.size());
  for (size_t k = 0; k < shape.size(); ++k) d.shape[k] = shape[k], d.stride[k] = strides[k];
  d.full_mask();
  return d;
}

// The naive meaning of a descriptor: one index computation per element.
std::vector<uint32_t> reference(const ViewDesc& d, const Mem& m) {
  std::vector<uint32_t> out;
  std::vector<uint32_t> idx(d.rank, 0);
  for (uint64_t e = 0; e < d.elems(); ++e) {
    uint64_t rem = e;
    bool valid = true;
    int64_t off = d.offset;
    for (int k = static_cast<int>(d.rank) - 1; k >= 0; --k) {
      idx[k] = static_cast<uint32_t>(rem % d.shape[k]);
      rem /= d.shape[k];
      valid &= idx[k] >= d.mlo[k] && idx[k] < d.mhi[k];
      off += static_cast<int64_t>(idx[k]) * d.stride[k];
    }
    out.push_back(valid ? m.word(d.base + 4 * off) : d.pad);
  }
  return out;
}

std::vector<uint32_t> gathered(const ViewDesc& d, const Mem& m) {
  std::vector<uint32_t> out(d.elems());
  gather(d, m.ddr.data(), out.data());
  return out;
}

// Every fill obeys the AXI rules and stays in the buffer's beats; beats are in order and each
// valid element's word arrived (in some fill) before its beat is valid.
void check_plan(const ViewDesc& d, const ReadPlan& p) {
  const uint64_t lo = d.base & ~7ull, hi = (d.base + d.limit + 7) & ~7ull;
  for (size_t i = 0; i < p.fills.size(); ++i) {
    const Fill& f = p.fills[i];
    ASSERT_EQ(f.addr % 8, 0u);
    ASSERT_GE(f.beats, 1u);
    ASSERT_LE(f.beats, 16u);
    ASSERT_EQ(f.addr / 4096, (f.addr + 8ull * f.beats - 1) / 4096) << "fill " << i << " crosses a 4 KB boundary";
    ASSERT_GE(f.addr, lo);
    ASSERT_LE(f.addr + 8ull * f.beats, hi) << "fill " << i << " reads outside the buffer";
    ASSERT_GT(f.arrive, f.issue);
    if (i) {
      ASSERT_GT(f.issue, p.fills[i - 1].issue) << "one address phase per cycle";
    }
    if (i >= vr::kMaxFills) {
      ASSERT_GE(f.issue, p.fills[i - vr::kMaxFills].arrive) << "at most 4 fills in flight";
    }
  }
  ASSERT_EQ(p.beat_valid.size(), (d.elems() + 1) / 2);
  for (size_t b = 1; b < p.beat_valid.size(); ++b) ASSERT_GT(p.beat_valid[b], p.beat_valid[b - 1]);
  std::vector<uint32_t> idx(d.rank, 0);
  for (uint64_t e = 0; e < d.elems(); ++e) {
    uint64_t rem = e;
    bool valid = true;
    int64_t off = d.offset;
    for (int k = static_cast<int>(d.rank) - 1; k >= 0; --k) {
      idx[k] = static_cast<uint32_t>(rem % d.shape[k]);
      rem /= d.shape[k];
      valid &= idx[k] >= d.mlo[k] && idx[k] < d.mhi[k];
      off += static_cast<int64_t>(idx[k]) * d.stride[k];
    }
    if (!valid) continue;
    const uint64_t a = d.base + 4 * off;
    bool covered = false;
    for (const Fill& f : p.fills) covered |= a >= f.addr && a + 4 <= f.addr + 8ull * f.beats && f.arrive < p.beat_valid[e / 2];
    ASSERT_TRUE(covered) << "element " << e << " at 0x" << std::hex << a << " streamed before its data arrived";
  }
}

// The names the models and the runtime use are the generated contract's (hw/pl_contract.json).
TEST(ViewReader, RegisterNamesAreTheContracts) {
  EXPECT_EQ(vr::kWindow, hw::win::VR_BASE);
  EXPECT_EQ(vr::kWindow + vr::kReaderStride * 2 + vr::DIM0 + vr::DIM_BYTES * 5 + vr::D_MHI,
            0x4007'0200u + 0x40 + 0x50 + 0xC);
  EXPECT_EQ(vr::kMaxRank, 6u);
  EXPECT_EQ(vr::kNoDim, 0xFu);
  EXPECT_EQ(vr::kOutOfBounds, 4u);
  EXPECT_STREQ(vr::err_name(vr::kBadMask), "BAD_MASK");
  EXPECT_EQ(vr::kLines * vr::kLineBytes, 8192u);
}

TEST(ViewReader, ContiguousRowIsWholeLinesAtOneBeatPerCycle) {
  Mem m;
  const ViewDesc d = view(0x1000, 4096, {1024}, {1});
  ASSERT_TRUE(check(d, kDdr).ok());
  EXPECT_EQ(gathered(d, m), reference(d, m));
  const ReadPlan p = plan(d, 100, {});
  check_plan(d, p);
  EXPECT_EQ(p.fills.size(), 32u);  // 4096 B / 128 B
  for (const Fill& f : p.fills) EXPECT_EQ(f.beats, 16u);
  EXPECT_EQ(p.ddr_bytes(), 4096u);
  // First beat after validation (rank + 2), the latency and one line; then the port's rate.
  EXPECT_EQ(p.beat_valid[0], 100 + 3 + 11 + 16 + 1);
  EXPECT_EQ(p.beat_valid.back() - p.beat_valid[0], 511 + 0u) << "512 beats, one per cycle once streaming";
}

TEST(ViewReader, TransposeFetchesEveryLineOnceWhenTheInnerExtentFits) {
  Mem m;  // M[48][64] row-major, read as M^T: shape (64, 48), strides (1, 64)
  const ViewDesc d = view(0x2000, 48 * 64 * 4, {64, 48}, {1, 64});
  ASSERT_TRUE(check(d, kDdr).ok());
  EXPECT_EQ(gathered(d, m), reference(d, m));
  const ReadPlan p = plan(d, 0, {});
  check_plan(d, p);
  EXPECT_EQ(p.fills.size(), 96u) << "48 rows x 2 lines, each fetched once";
  EXPECT_EQ(p.ddr_bytes(), 48u * 64 * 4);
}

TEST(ViewReader, LinesSharingAnIndexEntryMissEvenWhileInTheBuffer) {
  // Two rows read interleaved, shape (4, 2), strides (1, R): with R words = 64 KB the two lines
  // share a line-index entry (vr::index_of: the low 9 bits of the line number), so each element
  // finds the other row's line in the entry and misses (8 fills although both lines stay in
  // the 64-slot buffer); with R = 32 KB they do not (2 fills).
  Mem m;
  const uint32_t w64k = vr::kIndexEntries * vr::kLineBytes / 4;
  ASSERT_EQ(vr::index_of(0x2000 / vr::kLineBytes), vr::index_of((0x2000 + 4ull * w64k) / vr::kLineBytes));
  for (const uint32_t r : {w64k, w64k / 2}) {
    const ViewDesc d = view(0x2000, 4ull * (r + 4), {4, 2}, {1, static_cast<int32_t>(r)});
    ASSERT_TRUE(check(d, kDdr).ok()) << d.str();
    EXPECT_EQ(gathered(d, m), reference(d, m));
    const ReadPlan p = plan(d, 0, {});
    check_plan(d, p);
    EXPECT_EQ(p.fills.size(), r == w64k ? 8u : 2u) << d.str();
  }
}

TEST(ViewReader, BroadcastStrideZeroReadsTheRowOnce) {
  Mem m;  // a bias row of 10 broadcast over 128 rows
  const ViewDesc d = view(0x3000, 40, {128, 10}, {0, 1});
  EXPECT_EQ(gathered(d, m), reference(d, m));
  const ReadPlan p = plan(d, 0, {});
  check_plan(d, p);
  ASSERT_EQ(p.fills.size(), 1u);
  EXPECT_EQ(p.fills[0].beats, 5u) << "clipped to the buffer: 40 bytes";
}

TEST(ViewReader, NegativeStrideFlips) {
  Mem m;
  const ViewDesc d = view(0x4000, 400, {100}, {-1}, 99);
  ASSERT_TRUE(check(d, kDdr).ok());
  const std::vector<uint32_t> got = gathered(d, m);
  EXPECT_EQ(got.front(), 0x4000 / 4 + 99);
  EXPECT_EQ(got.back(), 0x4000 / 4);
  EXPECT_EQ(got, reference(d, m));
  const ReadPlan p = plan(d, 0, {});
  check_plan(d, p);
  EXPECT_EQ(p.fills.size(), 4u);
}

TEST(ViewReader, MaskedElementsArePadAndCostNoRead) {
  Mem m;  // a row of 4 padded by one on each side (conv padding): offset -1, valid 1:5
  ViewDesc d = view(0x5000, 16, {6}, {1}, -1);
  d.mlo[0] = 1, d.mhi[0] = 5, d.pad = 0xDEAD'BEEF;
  ASSERT_TRUE(check(d, kDdr).ok()) << check(d, kDdr).why << ": only valid elements must be in bounds";
  const uint32_t w = 0x5000 / 4;
  EXPECT_EQ(gathered(d, m), (std::vector<uint32_t>{0xDEAD'BEEF, w, w + 1, w + 2, w + 3, 0xDEAD'BEEF}));
  EXPECT_EQ(gathered(d, m), reference(d, m));
  check_plan(d, plan(d, 0, {}));
  ViewDesc empty = d;
  empty.mlo[0] = empty.mhi[0] = 3;
  EXPECT_TRUE(check(empty, kDdr).ok());
  EXPECT_EQ(gathered(empty, m), std::vector<uint32_t>(6, 0xDEAD'BEEF));
  EXPECT_TRUE(plan(empty, 0, {}).fills.empty());
}

TEST(ViewReader, Im2colWindowIsRank6AndReusesLines) {
  Mem m;  // NCHW input (2, 1, 8, 8), 3x3 windows, stride 1.
  // Padding by one: the padded image (2, 10, 10) is a view with offset -9 whose rows and
  // columns 1:9 are valid, the rest PAD (the lowering's pad pass reads this, docs/pl-v2.md).
  ViewDesc d = view(0x8000, 2 * 64 * 4, {2, 10, 10}, {64, 8, 1}, -9);
  d.mlo[1] = 1, d.mhi[1] = 9, d.mlo[2] = 1, d.mhi[2] = 9;
  ASSERT_TRUE(check(d, kDdr).ok()) << check(d, kDdr).why;
  EXPECT_EQ(gathered(d, m), reference(d, m));
  check_plan(d, plan(d, 0, {}));
  // The unpadded windows (valid everywhere): rank 6, each input line fetched once.
  const ViewDesc w = view(0x8000, 2 * 64 * 4, {2, 6, 6, 1, 3, 3}, {64, 8, 1, 64, 8, 1});
  ASSERT_TRUE(check(w, kDdr).ok());
  EXPECT_EQ(gathered(w, m), reference(w, m));
  const ReadPlan p = plan(w, 0, {});
  check_plan(w, p);
  EXPECT_EQ(p.ddr_bytes(), 2u * 64 * 4) << "every byte of the input once";
}

TEST(ViewReader, FillsNeverCrossA4KBoundary) {
  Mem m;
  const ViewDesc d = view(0x0FC0, 256, {64}, {1});  // 64 bytes before the boundary at 0x1000
  const ReadPlan p = plan(d, 0, {});
  check_plan(d, p);
  ASSERT_EQ(p.fills.size(), 3u);
  EXPECT_EQ(p.fills[0].addr, 0x0FC0u);
  EXPECT_EQ(p.fills[0].beats, 8u);
  EXPECT_EQ(p.fills[1].addr, 0x1000u);
  EXPECT_EQ(p.fills[1].beats, 16u);
  EXPECT_EQ(p.fills[2].addr, 0x1080u);
  EXPECT_EQ(p.fills[2].beats, 8u);
  EXPECT_EQ(gathered(d, m), reference(d, m));
}

TEST(ViewReader, LengthOneAndTheMaximumLength) {
  Mem m;
  const ViewDesc one = view(0x6004, 4, {1}, {1});
  ASSERT_TRUE(check(one, kDdr).ok());
  EXPECT_EQ(gathered(one, m), reference(one, m));
  const ReadPlan p1 = plan(one, 0, {});
  check_plan(one, p1);
  ASSERT_EQ(p1.fills.size(), 1u);
  EXPECT_EQ(p1.fills[0].beats, 1u);
  EXPECT_EQ(p1.beat_valid.size(), 1u);
  ViewDesc max = view(0x6000, 4, {static_cast<uint32_t>(vr::kMaxElems)}, {0});  // one word broadcast
  ASSERT_TRUE(check(max, kDdr).ok());
  const ReadPlan pm = plan(max, 0, {});
  EXPECT_EQ(pm.fills.size(), 1u);
  EXPECT_EQ(pm.beat_valid.size(), (vr::kMaxElems + 1) / 2);
  EXPECT_EQ(pm.beat_valid.back() - pm.beat_valid.front(), pm.beat_valid.size() - 1);
  max.shape[0] += 1, max.full_mask();
  EXPECT_EQ(check(max, kDdr).err, vr::kOverflow);
}

TEST(ViewReader, BadDescriptorsGetTheirErrorCode) {
  const ViewDesc ok = view(0x1000, 64, {4, 4}, {4, 1});
  ASSERT_TRUE(check(ok, kDdr).ok());
  auto err = [](const ViewDesc& d) { return check(d, kDdr); };
  ViewDesc d = ok;
  d.rank = 0;
  EXPECT_EQ(err(d).err, vr::kBadRank);
  d.rank = 7;
  EXPECT_EQ(err(d).err, vr::kBadRank);
  d = ok, d.shape[1] = 0, d.mhi[1] = 0;
  EXPECT_EQ(err(d).err, vr::kZeroLength);
  EXPECT_EQ(err(d).dim, 1u);
  d = ok, d.base = 0x1002;
  EXPECT_EQ(err(d).err, vr::kMisaligned);
  d = ok, d.limit = 62;
  EXPECT_EQ(err(d).err, vr::kMisaligned);
  d = ok, d.offset = 1;  // the last element is one word past the buffer
  EXPECT_EQ(err(d).err, vr::kOutOfBounds);
  EXPECT_NE(err(d).why.find("outside the buffer"), std::string::npos) << err(d).why;
  d = ok, d.offset = -1;
  EXPECT_EQ(err(d).err, vr::kOutOfBounds);
  d = ok, d.stride[0] = -4;  // flipped rows without the offset that makes them land in the buffer
  EXPECT_EQ(err(d).err, vr::kOutOfBounds);
  d.offset = 12;
  EXPECT_TRUE(err(d).ok());
  d = ok, d.base = kDdr - 32;  // the buffer itself reaches beyond DDR
  EXPECT_EQ(err(d).err, vr::kOutOfBounds);
  EXPECT_NE(err(d).why.find("beyond DDR"), std::string::npos);
  d = ok, d.stride[0] = 0x7FFF'FFFF;
  EXPECT_EQ(err(d).err, vr::kOverflow);
  d = view(0, 4, {65536, 65536, 65536, 65536, 65536, 65536}, {0, 0, 0, 0, 0, 0});
  EXPECT_EQ(err(d).err, vr::kOverflow) << "the element count saturates instead of wrapping";
  d = ok, d.mlo[0] = 3, d.mhi[0] = 2;
  EXPECT_EQ(err(d).err, vr::kBadMask);
  EXPECT_EQ(err(d).dim, 0u);
  d = ok, d.mhi[1] = 5;
  EXPECT_EQ(err(d).err, vr::kBadMask);
  EXPECT_STREQ(vr::err_name(vr::kOutOfBounds), "OUT_OF_BOUNDS");
  EXPECT_EQ(ok.str(), "view(shape=(4, 4), strides=(4, 1), offset=0, mask=(0:4, 0:4), base=0x1000, limit=64)");
}

// Random descriptors: what passes check() streams the naive meaning with a valid plan; the
// bounds check agrees with enumerating the valid elements.
TEST(ViewReader, RandomDescriptorsMatchTheNaiveMeaning) {
  Mem m;
  std::mt19937 rng(11);
  int passed = 0;
  for (int it = 0; it < 3000; ++it) {
    ViewDesc d;
    d.rank = 1 + rng() % 6;
    d.base = 0x4000 + 4 * (rng() % 64);
    d.limit = 4 * (1 + rng() % 2048);
    d.pad = rng();
    for (unsigned k = 0; k < d.rank; ++k) {
      d.shape[k] = 1 + rng() % 5;
      d.stride[k] = static_cast<int32_t>(rng() % 81) - 40;
      d.mlo[k] = rng() % 3 == 0 ? rng() % d.shape[k] : 0;
      d.mhi[k] = rng() % 3 == 0 ? d.mlo[k] + rng() % (d.shape[k] - d.mlo[k] + 1) : d.shape[k];
    }
    d.offset = static_cast<int64_t>(rng() % 1024) - 128;
    const DescCheck c = check(d, kDdr);
    // Enumerate the valid elements' offsets.
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    std::vector<uint32_t> idx(d.rank, 0);
    for (uint64_t e = 0; e < d.elems(); ++e) {
      uint64_t rem = e;
      bool valid = true;
      int64_t off = d.offset;
      for (int k = static_cast<int>(d.rank) - 1; k >= 0; --k) {
        idx[k] = static_cast<uint32_t>(rem % d.shape[k]);
        rem /= d.shape[k];
        valid &= idx[k] >= d.mlo[k] && idx[k] < d.mhi[k];
        off += static_cast<int64_t>(idx[k]) * d.stride[k];
      }
      if (valid) lo = std::min(lo, off), hi = std::max(hi, off);
    }
    const bool in_bounds = lo == INT64_MAX || (lo >= 0 && static_cast<uint64_t>(hi + 1) * 4 <= d.limit);
    ASSERT_EQ(c.ok(), in_bounds) << d.str() << ": " << c.why;
    if (!c.ok()) {
      ASSERT_EQ(c.err, vr::kOutOfBounds) << d.str();
      continue;
    }
    ++passed;
    ASSERT_EQ(gathered(d, m), reference(d, m)) << d.str();
    check_plan(d, plan(d, rng() % 1000, {rng() % 40, 1 + static_cast<uint32_t>(rng() % 3)}));
    if (::testing::Test::HasFatalFailure()) return;
  }
  EXPECT_GT(passed, 500) << "the generator must produce enough valid descriptors";
}

}  // namespace
}  // namespace tinypynq::pl
