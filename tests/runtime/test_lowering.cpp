// Lowering kernels to PL programs, checked as values: no driver, no SystemC. Kernels come from
// real graphs run on the cpu device (a kernel observer hands each one over).
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "runtime/pynq/lower_cache.h"
#include "runtime/pynq/program.h"
#include "tensor/schedule.h"
#include "tensor/tensor.h"

namespace tinypynq::pynq {
namespace {

template <class F> std::vector<Kernel> kernels_of(F&& f) {
  std::vector<Kernel> ks;
  add_kernel_observer([&](const Kernel& k, double) { ks.push_back(k); });
  f();
  clear_kernel_observers();
  return ks;
}

Tensor ramp(const Shape& s) {
  std::vector<float> v(prod(s));
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i % 7) - 3.f;
  return Tensor::from_data(v, s);
}

template <class S> int count(const Program& p) {
  int n = 0;
  for (const Step& s : p.steps) n += std::holds_alternative<S>(s);
  return n;
}

const BoardConfig& cfg() {
  static const BoardConfig c = BoardConfig::defaults();
  return c;
}

TEST(Lowering, ElementwiseChainIsOneVectorCommandPerAluNode) {
  Tensor a = ramp({4, 6}), b = ramp({4, 6}), c = ramp({4, 6});
  auto ks = kernels_of([&] { ((a + b) * c).realize(); });
  ASSERT_EQ(ks.size(), 1u);
  const std::optional<Program> p = lower(ks[0], cfg());
  ASSERT_TRUE(p);
  EXPECT_EQ(p->str(), R"(program E_ADD_MUL: 2 steps, 2 commands
  t0 = temp 96 B
  0 vector op=0x1 size=24 a=buf1[0:96] b=buf2[0:96] -> t0[0:96]
  1 vector op=0x3 size=24 a=t0[0:96] b=buf3[0:96] -> buf0[0:96]
)");
}


TEST(Lowering, ScalarsGoToRegistersAndBroadcastRowsArePacked) {
  Tensor a = ramp({4, 6}), row = ramp({6}), one = ramp({1});
  auto ks = kernels_of([&] { (a * 2.f + row + one.expand({4, 6})).realize(); });
  ASSERT_EQ(ks.size(), 1u);
  const std::optional<Program> p = lower(ks[0], cfg());
  ASSERT_TRUE(p);
  EXPECT_EQ(count<Command>(*p), 3);     // MUL by a register constant, ADD row, ADD scalar
  EXPECT_EQ(count<Pack>(*p), 1);        // the row broadcast over 4 rows: the PS gathers it
  EXPECT_EQ(count<ReadScalar>(*p), 1);  // the stride-0 element: read once into a register
  EXPECT_EQ(p->str(), R"(program E_MUL_ADD_ADD: 5 steps, 3 commands
  t0 = temp 96 B
  t1 = temp 96 B
  t2 = temp 96 B
  0 vector op=0x203 size=24 a=buf1[0:96] b=0x40000000 -> t0[0:96]
  1 ps pack n3 (4, 6) float32 -> t1[0:96]
  2 vector op=0x1 size=24 a=t0[0:96] b=t1[0:96] -> t2[0:96]
  3 ps read s0 = buf3[0] as float32
  4 vector op=0x201 size=24 a=t2[0:96] b=s0 -> buf0[0:96]
)");
}

TEST(Lowering, ReduceIsElementwisePartThenReduceCommands) {
  Tensor a = ramp({6, 10}), b = ramp({6, 10});
  auto ks = kernels_of([&] { (a * b).sum({1}).realize(); });
  ASSERT_EQ(ks.size(), 1u);
  const std::optional<Program> p = lower(ks[0], cfg());
  ASSERT_TRUE(p);
  EXPECT_EQ(p->str(), R"(program r_SUM_MUL: 2 steps, 2 commands
  t0 = temp 240 B
  0 vector op=0x3 size=60 a=buf1[0:240] b=buf2[0:240] -> t0[0:240]
  1 reduce op=0x0 size=6,10 a=t0[0:240] -> buf0[0:24]
)");
}

TEST(Lowering, ReduceOverLeadingAxisEvaluatesReorderedView) {
  Tensor a = ramp({6, 10});
  auto ks = kernels_of([&] { a.sum({0}).realize(); });
  ASSERT_EQ(ks.size(), 1u);
  const std::optional<Program> p = lower(ks[0], cfg());
  ASSERT_TRUE(p);
  ASSERT_EQ(count<Pack>(*p), 1);  // the transposed walk is gathered by the PS
  EXPECT_EQ(std::get<Pack>(p->steps[0]).nodes, 0);  // ... over the reordered node set
  EXPECT_EQ(std::get<Command>(p->steps.back()).unit, Unit::kReduce);
}

TEST(Lowering, MatmulTilesOverKAndN) {
  BoardConfig c = BoardConfig::defaults();
  c.mm_wdepth = 64, c.mm_kmax = 16, c.mm_nmax = 8;  // K = 20 -> 16 + 4, N = 12 -> 8 + 4
  Tensor x = ramp({6, 20}), w = ramp({20, 12});
  auto ks = kernels_of([&] { x.matmul(w).realize(); });
  ASSERT_EQ(ks.size(), 1u);
  const std::optional<Program> p = lower(ks[0], c);
  ASSERT_TRUE(p);
  int mm = 0, vec = 0;
  for (const Step& s : p->steps)
    if (auto* cmd = std::get_if<Command>(&s)) {
      if (cmd->unit == Unit::kMatmul) {
        ++mm;
        EXPECT_EQ(cmd->size[0], 6u);
        EXPECT_TRUE(cmd->size[1] == 16u || cmd->size[1] == 4u);
        EXPECT_TRUE(cmd->size[2] == 8u || cmd->size[2] == 4u);
        EXPECT_EQ(cmd->op, 1u);  // every tile loads its weights (one M chunk)
      } else {
        ++vec;
      }
    }
  EXPECT_EQ(mm, 4);                     // 2 K tiles x 2 N tiles
  EXPECT_EQ(vec, 1);                    // the second K tile's partial sums added on the PL
  EXPECT_EQ(count<CopyTile>(*p), 6);    // A's two K slices, W's four tiles
  EXPECT_EQ(count<ScatterTile>(*p), 4); // every N tile scattered into the [M][N] result
  // With the default (large) unit the same product is one command, operands in place.
  const std::optional<Program> q = lower(ks[0], cfg());
  ASSERT_TRUE(q);
  EXPECT_EQ(q->str(), R"(program r_SUM_MUL: 1 steps, 1 commands
  0 matmul op=0x1 size=6,20,12 a=buf1[0:480] b=buf2[0:960] -> buf0[0:288]
)");
}

TEST(Lowering, TransposedOperandIsPackedForTheArray) {
  Tensor x = ramp({6, 20}), w = ramp({12, 20});
  auto ks = kernels_of([&] { x.matmul(w.T()).realize(); });
  ASSERT_EQ(ks.size(), 1u);
  const std::optional<Program> p = lower(ks[0], cfg());
  ASSERT_TRUE(p);
  ASSERT_EQ(count<GemmPack>(*p), 1);
  EXPECT_EQ(std::get<GemmPack>(p->steps[0]).which, 1);  // W^T is not row-major [K][N]
}

TEST(Lowering, ConvolutionBecomesGemmOverPackedWindows) {
  Tensor x = ramp({2, 3, 6, 6}), w = ramp({4, 3, 3, 3});
  auto ks = kernels_of([&] { x.conv2d(w).realize(); });
  ASSERT_FALSE(ks.empty());
  int gemms = 0;
  for (const Kernel& k : ks) {
    const std::optional<Program> p = lower(k, cfg());
    ASSERT_TRUE(p) << k.name();
    bool has_mm = false;
    for (const Step& s : p->steps)
      if (auto* cmd = std::get_if<Command>(&s)) has_mm |= cmd->unit == Unit::kMatmul;
    if (has_mm) {
      ++gemms;
      EXPECT_GE(count<GemmPack>(*p) + count<Pack>(*p), 1) << p->str();  // im2col windows: PS packing
    }
  }
  EXPECT_EQ(gemms, 1);
}

TEST(Lowering, IntegerDivisionFallsBackToThePs) {
  Tensor a = Tensor::from_data(std::vector<int32_t>{7, 8, 9, 10}, {4});
  Tensor b = Tensor::from_data(std::vector<int32_t>{2, 3, 4, 5}, {4});
  auto ks = kernels_of([&] { (a / b).realize(); });
  ASSERT_EQ(ks.size(), 1u);
  EXPECT_FALSE(lower(ks[0], cfg()).has_value());
}

// A PL built without the EXP2 datapath (vec_sfu_exp2 = 0) rejects the opcode: the kernel
// that needs it is not lowered (it runs on the PS); one that needs only SQRT still is.
TEST(Lowering, KernelsNeedingAnAbsentSfuDatapathFallBackToThePs) {
  Tensor a = ramp({4, 6}), b = ramp({4, 6});
  auto ke = kernels_of([&] { (a + b).exp().realize(); });
  auto ks = kernels_of([&] { (a * a + b * b).sqrt().realize(); });
  ASSERT_EQ(ke.size(), 1u);
  ASSERT_EQ(ks.size(), 1u);
  BoardConfig train = cfg();
  train.vec_sfu_exp2 = train.vec_sfu_log2 = train.vec_sfu_sin = train.vec_sfu_mod = 0;
  EXPECT_TRUE(lower(ke[0], cfg()).has_value());
  EXPECT_FALSE(lower(ke[0], train).has_value());
  const std::optional<Program> p = lower(ks[0], train);
  ASSERT_TRUE(p);
  EXPECT_NE(p->str().find("op=0x12"), std::string::npos) << p->str();  // SQRT on the PL
}

// A v2 PL without the third reader (vr_stream_c = 0) has no stream C: a WHERE whose false
// value is a tensor runs on the PS, one whose false value is a constant (SCALAR_C) stays on the
// PL, as does everything with two operands.
TEST(Lowering, WhereReadingATensorAsCFallsBackWithoutStreamC) {
  Tensor a = ramp({4, 6}), b = ramp({4, 6}), c = ramp({4, 6});
  auto kt = kernels_of([&] { (a < b).where(a, c).realize(); });
  auto kc = kernels_of([&] { (a < b).where(a, a.full_like(0)).realize(); });
  auto k2 = kernels_of([&] { (a * b + c).realize(); });
  ASSERT_EQ(kt.size(), 1u);
  ASSERT_EQ(kc.size(), 1u);
  ASSERT_EQ(k2.size(), 1u);
  BoardConfig v2 = cfg();
  v2.pl_version = 2;
  BoardConfig noc = v2;
  noc.vr_stream_c = 0;
  EXPECT_TRUE(lower(kt[0], v2).has_value());
  EXPECT_FALSE(lower(kt[0], noc).has_value());
  const std::optional<Program> p = lower(kc[0], noc);
  ASSERT_TRUE(p);
  EXPECT_NE(p->str().find("op=0x40a"), std::string::npos) << p->str();  // WHERE, C_SCALAR
  EXPECT_TRUE(lower(k2[0], noc).has_value());
}

// A PL built without the reduce unit (reduce_unit = 0): a row sum is not lowered (the PS runs
// it), a matmul still is.
TEST(Lowering, ReductionsRunOnThePsWithoutTheReduceUnit) {
  Tensor a = ramp({4, 6}), w = ramp({6, 8});
  auto ks = kernels_of([&] { a.sum({1}).realize(); });
  auto km = kernels_of([&] { a.matmul(w).realize(); });
  ASSERT_EQ(ks.size(), 1u);
  ASSERT_EQ(km.size(), 1u);
  BoardConfig none = cfg();
  none.reduce_unit = 0;
  EXPECT_TRUE(lower(ks[0], cfg()).has_value());
  EXPECT_FALSE(lower(ks[0], none).has_value());
  EXPECT_TRUE(lower(km[0], none).has_value());
}

TEST(Lowering, ProgramsAreValues) {
  Tensor a = ramp({4, 6}), b = ramp({4, 6});
  auto k1 = kernels_of([&] { (a + b).exp().realize(); });
  auto k2 = kernels_of([&] { (a + b).exp().realize(); });
  ASSERT_EQ(k1.size(), 1u);
  ASSERT_EQ(k2.size(), 1u);
  const Program p1 = *lower(k1[0], cfg()), p2 = *lower(k2[0], cfg());
  EXPECT_EQ(p1, p2);  // the same structure lowers to the same program
  auto k3 = kernels_of([&] { (a - b).exp().realize(); });
  EXPECT_FALSE(p1 == *lower(k3[0], cfg()));
}

TEST(LowerCache, ReusesTheProgramOfTheSameStructureOnly) {
  Tensor a = ramp({4, 6}), b = ramp({4, 6}), c = ramp({4, 6}), d = ramp({4, 6});
  auto k1 = kernels_of([&] { ((a + b) * 2.f).exp().realize(); });
  auto k2 = kernels_of([&] { ((c + d) * 2.f).exp().realize(); });    // other buffers, same structure
  auto k3 = kernels_of([&] { ((a + b) * 3.f).exp().realize(); });    // another constant
  auto k4 = kernels_of([&] { ((a + a) * 2.f).exp().realize(); });    // one buffer read twice
  auto k5 = kernels_of([&] { (a + b).sum({1}).realize(); });  // a reduce
  ASSERT_EQ(k1.size(), 1u);
  LowerCache cache(cfg());
  EXPECT_EQ(*cache.get(k1[0]), *lower(k1[0], cfg()));
  EXPECT_EQ(cache.misses(), 1);
  EXPECT_EQ(*cache.get(k2[0]), *lower(k2[0], cfg()));
  EXPECT_EQ(cache.hits(), 1);
  for (const auto* ks : {&k3, &k4, &k5}) {
    ASSERT_EQ(ks->size(), 1u);
    const std::optional<Program>& p = cache.get((*ks)[0]);
    ASSERT_TRUE(p);
    EXPECT_EQ(*p, *lower((*ks)[0], cfg()));
  }
  EXPECT_EQ(cache.hits(), 1);
  EXPECT_EQ(cache.misses(), 4);
  std::vector<int64_t> key1, key3, c1, c3;
  LowerCache::key_of(k1[0], key1, c1);
  LowerCache::key_of(k3[0], key3, c3);
  EXPECT_EQ(key1, key3);  // one structure, two constants
  EXPECT_NE(c1, c3);
  // Back to the first constant: lowered again, still the right program.
  EXPECT_EQ(*cache.get(k1[0]), *lower(k1[0], cfg()));
  EXPECT_EQ(cache.misses(), 5);
  EXPECT_FALSE(*lower(k1[0], cfg()) == *lower(k3[0], cfg()));  // the constant is in a register
  // A kernel the PL cannot run is remembered as such.
  Tensor i = Tensor::from_data(std::vector<int32_t>{7, 8, 9, 10}, {4});
  Tensor j = Tensor::from_data(std::vector<int32_t>{2, 3, 4, 5}, {4});
  auto k6 = kernels_of([&] { (i / j).realize(); });
  ASSERT_EQ(k6.size(), 1u);
  EXPECT_FALSE(cache.get(k6[0]).has_value());
  EXPECT_FALSE(cache.get(k6[0]).has_value());
  EXPECT_EQ(cache.hits(), 2);
  EXPECT_EQ(cache.misses(), 6);
}

}  // namespace
}  // namespace tinypynq::pynq
