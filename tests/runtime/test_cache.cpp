// Lazy cache maintenance (runtime/pynq/cache.h, docs/pynq-runtime.md "Cache maintenance"): the
// tracker's rules against a line-by-line reference model, and the ranges the pynq device cleans
// and invalidates for real programs, recorded by a fake driver (no SystemC, no PL: the fake
// answers every command with DONE and computes nothing, so only the maintenance is checked).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "runtime/pynq/cache.h"
#include "runtime/pynq/executor.h"
#include "runtime/pynq/pynq_device.h"
#include "runtime/pynq/regmap.h"
#include "tensor/lazy.h"
#include "tensor/tensor.h"

namespace tinypynq::pynq {
namespace {

std::vector<Range> R(std::initializer_list<Range> r) { return r; }

TEST(RangeSet, AddMergesAndRemoveSplits) {
  RangeSet s;
  s.add({0, 32});
  s.add({64, 96});
  s.add({32, 64});  // touching both: one range
  EXPECT_EQ(s.ranges(), R({{0, 96}}));
  s.remove({16, 48});
  EXPECT_EQ(s.ranges(), R({{0, 16}, {48, 96}}));
  EXPECT_EQ(s.overlap({8, 64}), R({{8, 16}, {48, 64}}));
  s.add({200, 300});
  s.remove({0, 1000});
  EXPECT_TRUE(s.empty());
  s.add({5, 5});  // empty ranges are ignored
  EXPECT_TRUE(s.empty());
}

TEST(RangeSet, RandomAddsAndRemovesMatchABitmap) {
  // Against a byte map: the set stays sorted, disjoint and merged (no two ranges touch), and
  // overlap() gives exactly the marked bytes inside the query.
  RangeSet s;
  std::vector<char> bit(512, 0);
  uint64_t x = 12345;
  auto rnd = [&](uint64_t n) { x ^= x << 13, x ^= x >> 7, x ^= x << 17; return x % n; };
  for (int it = 0; it < 20000; ++it) {
    const uint64_t lo = rnd(500), hi = lo + rnd(it % 5 ? 12 : 60);
    const Range r{lo, std::min<uint64_t>(hi, 512)};
    if (rnd(2)) {
      s.add(r);
      for (uint64_t i = r.lo; i < r.hi; ++i) bit[i] = 1;
    } else {
      s.remove(r);
      for (uint64_t i = r.lo; i < r.hi; ++i) bit[i] = 0;
    }
    std::vector<Range> want;
    for (uint64_t i = 0; i < bit.size(); ++i)
      if (bit[i]) {
        if (!want.empty() && want.back().hi == i) ++want.back().hi;
        else want.push_back({i, i + 1});
      }
    ASSERT_EQ(s.ranges(), want) << "step " << it;
    const uint64_t qlo = rnd(512), qhi = std::min<uint64_t>(512, qlo + rnd(100));
    std::vector<Range> in;
    for (const Range& w : want)
      if (std::max(w.lo, qlo) < std::min(w.hi, qhi)) in.push_back({std::max(w.lo, qlo), std::min(w.hi, qhi)});
    ASSERT_EQ(s.overlap({qlo, qhi}), in) << "step " << it;
  }
}

TEST(CacheTracker, CpuWritesAreCleanedOnceOnlyWhereThePlReads) {
  CacheTracker t(32);
  EXPECT_TRUE(t.cpu_writes(0x1000, 100).clean.empty());  // copyin: nothing yet
  EXPECT_EQ(t.cpu_dirty().ranges(), R({{0x1000, 0x1080}}));
  EXPECT_EQ(t.pl_reads(0x1000, 64).clean, R({{0x1000, 0x1040}}));
  EXPECT_TRUE(t.pl_reads(0x1000, 64).clean.empty());  // read again: already clean
  EXPECT_EQ(t.pl_reads(0x1000, 100).clean, R({{0x1040, 0x1080}}));
  EXPECT_TRUE(t.cpu_dirty().empty());
}

TEST(CacheTracker, PlWriteOverDirtyLinesDiscardsCoveredLinesAndCleansEdges) {
  CacheTracker t(32);
  t.cpu_writes(0x2000, 256);
  const CacheOps o = t.pl_writes(0x2010, 0x80);  // [0x2010, 0x2090): partial, 3 full, partial
  EXPECT_EQ(o.clean, R({{0x2000, 0x2020}, {0x2080, 0x20A0}}));
  EXPECT_EQ(o.invalidate, R({{0x2020, 0x2080}}));
  EXPECT_EQ(t.pl_written().ranges(), R({{0x2000, 0x20A0}}));
  EXPECT_EQ(t.cpu_dirty().ranges(), R({{0x20A0, 0x2100}}));
}

TEST(CacheTracker, PlWritesAreInvalidatedWhenTheCpuFirstReadsThem) {
  CacheTracker t(32);
  const CacheOps w = t.pl_writes(0x2000, 0x100);
  EXPECT_TRUE(w.clean.empty() && w.invalidate.empty());  // nothing dirty: nothing before the transfer
  EXPECT_EQ(t.cpu_reads(0x2000, 0x40).invalidate, R({{0x2000, 0x2040}}));
  EXPECT_TRUE(t.cpu_reads(0x2000, 0x40).invalidate.empty());  // coherent now
  EXPECT_TRUE(t.pl_reads(0x2000, 0x100).clean.empty());       // the PL reading its own output: nothing
  EXPECT_EQ(t.cpu_reads(0x2000, 0x100).invalidate, R({{0x2040, 0x2100}}));
}

TEST(CacheTracker, CpuPartialWriteOfPlLinesInvalidatesOnlyTheEdges) {
  CacheTracker t(32);
  t.pl_writes(0x3000, 0x100);
  EXPECT_EQ(t.cpu_writes(0x3008, 0x40).invalidate, R({{0x3000, 0x3020}, {0x3040, 0x3060}}));
  EXPECT_EQ(t.cpu_dirty().ranges(), R({{0x3000, 0x3060}}));
  EXPECT_EQ(t.pl_written().ranges(), R({{0x3060, 0x3100}}));
  t.pl_writes(0x4000, 32);
  EXPECT_EQ(t.cpu_writes(0x4004, 4).invalidate, R({{0x4000, 0x4020}}));  // one line, once
  t.pl_writes(0x5000, 64);
  EXPECT_TRUE(t.cpu_writes(0x5000, 64).invalidate.empty());  // whole lines overwritten: nothing
}

TEST(CacheTracker, RejectsABadLineSize) { EXPECT_THROW(CacheTracker(48), Error); }

// Every access against a per-line reference model of the rules.
TEST(CacheTracker, MatchesALineByLineModelOnRandomAccesses) {
  enum S : char { kClean, kDirty, kPl };
  constexpr uint64_t kLine = 32, kLines = 64;
  std::mt19937 rng(7);
  CacheTracker t(kLine);
  std::vector<S> ref(kLines, kClean);
  auto lines_of = [&](const std::vector<Range>& v) {
    std::vector<uint64_t> out;
    for (const Range& r : v) {
      EXPECT_EQ(r.lo % kLine, 0u);
      EXPECT_EQ(r.hi % kLine, 0u);
      for (uint64_t a = r.lo; a < r.hi; a += kLine) out.push_back(a / kLine);
    }
    std::sort(out.begin(), out.end());
    EXPECT_TRUE(std::adjacent_find(out.begin(), out.end()) == out.end()) << "a line maintained twice";
    return out;
  };
  for (int it = 0; it < 20000; ++it) {
    const int kind = static_cast<int>(rng() % 4);
    const uint64_t addr = rng() % (kLines * kLine - 1);
    const uint64_t bytes = 1 + rng() % std::min<uint64_t>(kLines * kLine - addr, 200);
    std::vector<uint64_t> clean, inval;
    const uint64_t l0 = addr / kLine, l1 = (addr + bytes - 1) / kLine;
    for (uint64_t l = l0; l <= l1; ++l) {
      const bool full = addr <= l * kLine && addr + bytes >= (l + 1) * kLine;
      S& s = ref[l];
      if (kind == 0) {  // PL reads
        if (s == kDirty) clean.push_back(l), s = kClean;
      } else if (kind == 1) {  // PL writes
        if (s == kDirty) (full ? inval : clean).push_back(l);
        s = kPl;
      } else if (kind == 2) {  // CPU reads
        if (s == kPl) inval.push_back(l), s = kClean;
      } else {  // CPU writes
        if (s == kPl && !full) inval.push_back(l);
        s = kDirty;
      }
    }
    const CacheOps o = kind == 0 ? t.pl_reads(addr, bytes)
                       : kind == 1 ? t.pl_writes(addr, bytes)
                       : kind == 2 ? t.cpu_reads(addr, bytes)
                                   : t.cpu_writes(addr, bytes);
    ASSERT_EQ(lines_of(o.clean), clean) << "access " << it << " kind " << kind;
    ASSERT_EQ(lines_of(o.invalidate), inval) << "access " << it << " kind " << kind;
  }
  std::vector<uint64_t> dirty, pl;
  for (uint64_t l = 0; l < kLines; ++l) {
    if (ref[l] == kDirty) dirty.push_back(l);
    if (ref[l] == kPl) pl.push_back(l);
  }
  EXPECT_EQ(lines_of(t.cpu_dirty().ranges()), dirty);
  EXPECT_EQ(lines_of(t.pl_written().ranges()), pl);
}

// ---- the pynq device on a recording fake driver

class FakeDriver final : public Driver {
 public:
  struct Op {
    char kind;  // 'c' clean, 'i' invalidate
    uint64_t lo, hi;
    bool operator==(const Op& o) const { return kind == o.kind && lo == o.lo && hi == o.hi; }
  };
  std::vector<Op> ops;

  const char* name() const override { return "fake"; }
  uint32_t read32(uint64_t a) override {
    if (a == reg::kSys + reg::SYS_ID) return reg::kSysId;
    if (a == reg::kSys + reg::SYS_VERSION) return reg::kVersion;
    if (a >= reg::kVec && (a & 0xFFFF) == reg::STATUS) return reg::ST_DONE;
    return 0;
  }
  void write32(uint64_t, uint32_t) override {}
  DmaBuffer alloc(size_t bytes, size_t align) override {
    const size_t n = (bytes + 4095) / 4096 * 4096;
    DmaBuffer b;
    b.phys = next_;
    next_ += n;
    b.virt = std::aligned_alloc(std::max<size_t>(align, 64), n);
    b.bytes = bytes;
    b.owner = std::shared_ptr<void>(b.virt, [](void* p) { std::free(p); });
    return b;
  }
  void flush(const DmaBuffer& b, size_t off, size_t n) override { ops.push_back({'c', b.phys + off, b.phys + off + n}); }
  void invalidate(const DmaBuffer& b, size_t off, size_t n) override {
    ops.push_back({'i', b.phys + off, b.phys + off + n});
  }
  uint32_t wait(uint64_t, uint32_t, int, WaitMode, double) override { return reg::DMASR_IOC; }
  void reset_pl() override {}
  double now() override { return t_; }
  void cpu_work(double s) override { t_ += s; }

 private:
  uint64_t next_ = 0x1000'0000;
  double t_ = 0;
};

FakeDriver* g_fake = nullptr;

Device& fake() {
  static bool registered = [] {
    register_device("fake_cache", [] {
      auto d = std::make_unique<FakeDriver>();
      g_fake = d.get();
      return make_pynq_device("fake_cache", std::move(d), BoardConfig::defaults());
    });
    return true;
  }();
  (void)registered;
  return device("fake_cache");
}

Range range_of(const Tensor& t) {
  const Buffer& b = *t.lazy()->base()->realized;
  const uint64_t p = ddr_block(b)->mem.phys;
  return {p, p + (b.nbytes() + 31) / 32 * 32};
}
std::vector<FakeDriver::Op> take() {
  std::vector<FakeDriver::Op> o;
  o.swap(g_fake->ops);
  return o;
}
using Ops = std::vector<FakeDriver::Op>;

TEST(LazyCache, ElementwiseCleansEachInputOnceAndInvalidatesTheOutputOnlyAtCopyout) {
  fake();
  std::vector<float> v(24, 1.f);
  Tensor a = Tensor::from_data(v, {4, 6}, "fake_cache"), b = Tensor::from_data(v, {4, 6}, "fake_cache"),
         c = Tensor::from_data(v, {4, 6}, "fake_cache");
  take();  // copyin: no maintenance at all
  Tensor y = ((a + b) * c).realize();  // two commands, the intermediate in a temp
  const Range ra = range_of(a), rb = range_of(b), rc = range_of(c), ry = range_of(y);
  Ops got = take();
  std::sort(got.begin(), got.end(), [](const auto& x, const auto& z) { return x.lo < z.lo; });
  EXPECT_EQ(got, (Ops{{'c', ra.lo, ra.hi}, {'c', rb.lo, rb.hi}, {'c', rc.lo, rc.hi}}))
      << "the temp is neither cleaned nor invalidated; the output is not invalidated yet";
  Tensor z = (a + b).realize();
  EXPECT_TRUE(take().empty()) << "a and b are clean already";
  (void)y.tolist();
  EXPECT_EQ(take(), (Ops{{'i', ry.lo, ry.hi}}));
  (void)y.tolist();
  EXPECT_TRUE(take().empty()) << "read twice: invalidated once";
  (void)z;
}

TEST(LazyCache, FallbackInvalidatesWhatItReadsAndThePlCleansWhatItWrote) {
  fake();
  std::vector<int32_t> v(40, 3);
  Tensor a = Tensor::from_data(v, {40}, "fake_cache"), b = Tensor::from_data(v, {40}, "fake_cache");
  Tensor s = (a + b).realize();  // PL (IADD)
  take();
  Tensor q = s.mod(b).realize();  // integer MOD: the A9 runs it, reading s and b
  const Range rs = range_of(s), rq = range_of(q);
  EXPECT_EQ(take(), (Ops{{'i', rs.lo, rs.hi}})) << "only s was PL-written; b is coherent; q is the CPU's";
  Tensor r = (q + b).realize();
  EXPECT_EQ(take(), (Ops{{'c', rq.lo, rq.hi}})) << "the fallback's output is cleaned when the PL reads it";
  (void)r;
}

TEST(LazyCache, MatmulMaintainsEveryLineAtMostOncePerDirection) {
  fake();
  std::vector<float> v(64 * 48, 0.5f);
  Tensor x = Tensor::from_data(v, {64, 48}, "fake_cache"), w = Tensor::from_data(v, {48, 64}, "fake_cache");
  take();
  Tensor y = x.matmul(w.T().contiguous().T()).realize();
  (void)y.tolist();
  const Ops got = take();
  // The copy of w.T is packed by the PS (it reads w: no clean), the gemm packs that copy again
  // (CPU reads of a CPU-written temp: nothing) and streams x. Every line of x is cleaned exactly
  // once, w never, y invalidated exactly once (at tolist); no line is maintained twice.
  std::map<uint64_t, int> cleans, invals;
  for (const auto& o : got)
    for (uint64_t a = o.lo; a < o.hi; a += 32) ++(o.kind == 'c' ? cleans : invals)[a];
  const Range rx = range_of(x), rw = range_of(w);
  for (uint64_t a = rx.lo; a < rx.hi; a += 32) EXPECT_EQ(cleans.count(a), 1u) << "line 0x" << std::hex << a;
  for (uint64_t a = rw.lo; a < rw.hi; a += 32) EXPECT_EQ(cleans.count(a), 0u) << "line 0x" << std::hex << a;
  const Range ry = range_of(y);
  for (uint64_t a = ry.lo; a < ry.hi; a += 32) EXPECT_EQ(invals.count(a), 1u) << "line 0x" << std::hex << a;
  for (const auto& [a, n] : cleans) EXPECT_EQ(n, 1) << "line 0x" << std::hex << a << " cleaned twice";
  for (const auto& [a, n] : invals) EXPECT_EQ(n, 1) << "line 0x" << std::hex << a << " invalidated twice";
}

}  // namespace
}  // namespace tinypynq::pynq
