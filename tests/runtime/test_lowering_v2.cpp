// The pl_version 2 lowering without PS packs (docs/pl-v2.md "v2 step 5"), checked as values:
// no driver, no SystemC. Each case lowers a kernel of a real graph (run on the cpu device) for
// pl_version 1 and 2 and checks what v2 does instead of v1's PS steps.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "models/fp/view_reader.h"
#include "models/fp/view_writer.h"
#include "runtime/pynq/program.h"
#include "runtime/pynq/regmap.h"
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

template <class S> int count(const Program& p) {
  int n = 0;
  for (const Step& s : p.steps) n += std::holds_alternative<S>(s);
  return n;
}

BoardConfig v2cfg() {
  BoardConfig c = BoardConfig::defaults();
  c.pl_version = 2;
  return c;
}

// The matmul kernel whose output has `out_elems` elements.
const Kernel* gemm_kernel(const std::vector<Kernel>& ks, int64_t out_elems) {
  for (const Kernel& k : ks) {
    analysis::GemmShape g;
    if (k.is_reduce() && prod(k.out_shape) == out_elems && analysis::match_gemm(k, &g)) return &k;
  }
  return nullptr;
}

// Every view passes the reader's (or the writer's) check on its buffer, every PS pack has its
// reason, and no scatter is left.
void expect_views_ok(const Program& p) {
  int packs = 0;
  for (const Step& st : p.steps) {
    packs += std::holds_alternative<Pack>(st) || std::holds_alternative<GemmPack>(st);
    EXPECT_FALSE(std::holds_alternative<CopyTile>(st));
    const Command* c = std::get_if<Command>(&st);
    if (!c) continue;
    for (int i = 0; i < 3; ++i) {
      if (!c->view[i]) continue;
      pl::ViewDesc d = *c->view[i];
      d.base = 4096, d.limit = c->in[i].bytes;
      EXPECT_TRUE(pl::check(d, 1 << 30).ok()) << p.kernel << ": " << d.str();
    }
  }
  EXPECT_EQ(packs, static_cast<int>(p.ps_packed.size())) << p.str();
}

// The MLP's first-layer weight gradient: dW = dY^T . X with A = X^T (K = batch rows of 300
// columns: one line per element, beyond the 64-line buffer). v1 packs A and scatters the
// [300][64] result into (64, 300); v2 runs C^T = dY^T . X: B' = X is read in place, the result
// is in the output's order, and only the small 128 x 64 transpose dY^T is left to the PS.
TEST(LoweringV2, WeightGradientRunsAsTheTransposedProduct) {
  Tensor::manual_seed(3);
  Tensor x = Tensor::randn({128, 300}), w = Tensor::randn({64, 300}).requires_grad_(), y = Tensor::randn({128, 64});
  const auto ks = kernels_of([&] {
    (x.linear(w) * y).sum().backward();
    w.grad().realize();
  });
  const Kernel* k = gemm_kernel(ks, 64 * 300);
  ASSERT_TRUE(k);
  const std::optional<Program> p1 = lower(*k, BoardConfig::defaults()), p2 = lower(*k, v2cfg());
  ASSERT_TRUE(p1 && p2);
  ASSERT_GE(count<GemmPack>(*p1), 1) << p1->str();
  EXPECT_EQ(std::get<GemmPack>(p1->steps[0]).which, 0) << "v1 packs the transposed A\n" << p1->str();
  EXPECT_EQ(count<GemmScatter>(*p1) + count<ScatterTile>(*p1), 1) << p1->str();
  EXPECT_EQ(count<GemmScatter>(*p2) + count<ScatterTile>(*p2) + count<Copy>(*p2), 0) << p2->str();
  int mm = 0;
  for (const Step& s : p2->steps)
    if (const Command* c = std::get_if<Command>(&s); c && c->unit == Unit::kMatmul) {
      ++mm;
      EXPECT_EQ(c->size[0], 64u) << "M' = the output's rows (N of the product as matched)";
      EXPECT_EQ(c->size[1], 128u);
      EXPECT_FALSE(c->out_view) << "the transposed product's result is in the output's order";
      ASSERT_TRUE(c->view[1]);
      EXPECT_EQ(c->in[1].kind, MemRef::kKernel) << "X is read in place";
    }
  EXPECT_GE(mm, 1);
  // What is left on the PS is the 128 x 64 transpose of dY (here the 1 * y of the sum's
  // gradient, evaluated on the vector unit from that packed leaf), said as such.
  ASSERT_LE(p2->ps_packed.size(), 1u) << p2->str();
  for (const std::string& w : p2->ps_packed) EXPECT_NE(w.find("lines per element"), std::string::npos) << p2->str();
  expect_views_ok(*p2);
}

// A product whose A is the fused ReLU of a buffer (the MLP's second layer): an expression no
// descriptor says. v1 (and step 3) evaluated it on the PS; v2 evaluates it on the vector unit
// into a temp in the [M][K] layout, which the matmul's reader streams.
TEST(LoweringV2, FusedReluOperandIsEvaluatedByTheVectorUnit) {
  Tensor::manual_seed(4);
  Tensor h = Tensor::randn({32, 48}), w = Tensor::randn({10, 48});
  const auto ks = kernels_of([&] { h.relu().linear(w).realize(); });
  const Kernel* k = gemm_kernel(ks, 32 * 10);
  ASSERT_TRUE(k);
  const std::optional<Program> p1 = lower(*k, BoardConfig::defaults()), p2 = lower(*k, v2cfg());
  ASSERT_TRUE(p1 && p2);
  ASSERT_GE(count<GemmPack>(*p1), 1) << p1->str();
  EXPECT_EQ(std::get<GemmPack>(p1->steps[0]).which, 0) << "v1 evaluates the ReLU on the PS\n" << p1->str();
  EXPECT_EQ(count<GemmPack>(*p2) + count<Pack>(*p2), 0) << p2->str();
  EXPECT_TRUE(p2->ps_packed.empty()) << p2->str();
  bool max_first = false;
  for (const Step& s : p2->steps)
    if (const Command* c = std::get_if<Command>(&s)) {
      if (c->unit == Unit::kVector) max_first = (c->op & 0xFF) == (reg::V_MAX & 0xFF) && c->size[0] == 32 * 48;
      if (c->unit == Unit::kMatmul) {
        EXPECT_TRUE(max_first) << "the MAX runs before the product\n" << p2->str();
      }
    }
  expect_views_ok(*p2);
}

// A conv weight gradient with K = N.OH.OW = 6 x 400 > KMAX (2048): v1's K tiles (2048 + 352)
// cut an image, so no box of the windows' view; v2 takes K tiles of whole images (5 x 400 =
// 2000, then 400), which the readers stream (different partial sums: docs/pl-v2.md step 5).
TEST(LoweringV2, ConvWeightGradientKTilesAreWholeImages) {
  Tensor::manual_seed(5);
  Tensor x = Tensor::randn({6, 1, 20, 20}), w = Tensor::randn({4, 1, 3, 3}).requires_grad_(),
         y = Tensor::randn({6, 4, 20, 20});
  const auto ks = kernels_of([&] {
    (x.conv2d(w, Tensor(), 1, 1) * y).sum().backward();
    w.grad().realize();
  });
  const Kernel* k = gemm_kernel(ks, 4 * 9);
  ASSERT_TRUE(k);
  const std::optional<Program> p1 = lower(*k, BoardConfig::defaults()), p2 = lower(*k, v2cfg());
  ASSERT_TRUE(p1 && p2);
  std::vector<uint32_t> k1, k2;
  for (const Step& s : p1->steps)
    if (const Command* c = std::get_if<Command>(&s); c && c->unit == Unit::kMatmul) k1.push_back(c->size[1]);
  for (const Step& s : p2->steps)
    if (const Command* c = std::get_if<Command>(&s); c && c->unit == Unit::kMatmul) k2.push_back(c->size[1]);
  EXPECT_EQ(k1, (std::vector<uint32_t>{2048, 352}));
  EXPECT_EQ(k2, (std::vector<uint32_t>{2000, 400}));
  // v1 scatters the [kh.kw][co] result into dW (co, 1, kh, kw) on the PS; v2 computes the
  // transposed product (in dW's order) here, or writes the last sum through dW's view.
  EXPECT_EQ(count<GemmScatter>(*p1), 1) << p1->str();
  EXPECT_EQ(count<GemmScatter>(*p2) + count<Copy>(*p2) + count<ScatterTile>(*p2), 0) << p2->str();
  EXPECT_EQ(count<GemmPack>(*p2) + count<Pack>(*p2), 0) << p2->str();
  EXPECT_TRUE(p2->ps_packed.empty()) << p2->str();
  expect_views_ok(*p2);
}

// What test_lowering_v2_tlm runs on tlm_v2: a conv weight gradient (24 images, 4 -> 8
// channels, 10x10) kept as matched, its last ADD through dW's view.
TEST(LoweringV2, SmallConvWeightGradientTakesTheLastAddView) {
  Tensor::manual_seed(7);
  Tensor x = Tensor::randn({24, 4, 10, 10}), w = Tensor::randn({8, 4, 3, 3}).requires_grad_(),
         y = Tensor::randn({24, 8, 10, 10});
  const auto ks = kernels_of([&] {
    (x.conv2d(w, Tensor(), 1, 1) * y).sum().backward();
    w.grad().realize();
  });
  const Kernel* k = gemm_kernel(ks, 8 * 36);
  ASSERT_TRUE(k);
  const std::optional<Program> p2 = lower(*k, v2cfg());
  ASSERT_TRUE(p2);
  const Command* last = nullptr;
  for (const Step& s : p2->steps)
    if (const Command* c = std::get_if<Command>(&s)) last = c;
  ASSERT_TRUE(last && last->op == reg::V_ADD && last->out_view) << p2->str();
  EXPECT_EQ(count<GemmScatter>(*p2), 0);
}

// The CNN's second conv weight gradient (K = 128.14.14 in 13 tiles of 10 images, result
// [ci.kh.kw][co] against dW (co, ci, kh, kw)): the partial sums go through temps and vector
// ADDs, and the last ADD writes dW through its view (VW) instead of v1's PS GemmScatter.
TEST(LoweringV2, MultiKTileResultIsWrittenByTheLastAdd) {
  Tensor::manual_seed(6);
  Tensor x = Tensor::randn({128, 16, 14, 14}), w = Tensor::randn({32, 16, 3, 3}).requires_grad_(),
         y = Tensor::randn({128, 32, 14, 14});
  const auto ks = kernels_of([&] {
    (x.conv2d(w, Tensor(), 1, 1) * y).sum().backward();
    w.grad().realize();
  });
  const Kernel* k = gemm_kernel(ks, 32 * 16 * 9);
  ASSERT_TRUE(k);
  const std::optional<Program> p1 = lower(*k, BoardConfig::defaults()), p2 = lower(*k, v2cfg());
  ASSERT_TRUE(p1 && p2);
  EXPECT_EQ(count<GemmScatter>(*p1), 1) << p1->str();
  EXPECT_EQ(count<GemmScatter>(*p2) + count<Copy>(*p2) + count<ScatterTile>(*p2), 0) << p2->str();
  int adds = 0, matmuls = 0;
  const Command* last = nullptr;
  for (const Step& s : p2->steps)
    if (const Command* c = std::get_if<Command>(&s)) {
      last = c;
      adds += c->unit == Unit::kVector && c->op == reg::V_ADD;  // (the other: dY = 1 * y, on the PL)
      matmuls += c->unit == Unit::kMatmul;
      if (c->unit == Unit::kMatmul) {
        EXPECT_EQ(c->size[1] % 196, 0u) << "K tiles of whole 14x14 images";
      }
    }
  EXPECT_EQ(matmuls, 13) << "25088 = 12 x 1960 + 1568";
  EXPECT_EQ(adds, 12);
  ASSERT_TRUE(last && last->unit == Unit::kVector && last->out_view) << p2->str();
  EXPECT_EQ(last->size[0], 144u * 32u);
  pl::ViewDesc d = *last->out_view;
  d.base = 4096, d.limit = last->out.bytes;
  EXPECT_TRUE(pl::check_write(d, 1 << 30).ok()) << d.str();
  EXPECT_EQ(d.str(), "view(shape=(144, 32), strides=(1, 144), offset=0, mask=(0:144, 0:32), base=0x1000, limit=18432)");
  expect_views_ok(*p2);
}

// The CNN's col2im: dXpad (128, 16, 16, 16) as the sum of 9 shifted stride-9 views of the column
// buffer (128, 16, 14, 14, 3, 3). Each view fetches ~0.2 lines per element (the whole buffer
// once per view) and v1 / step 3 packed all nine on the PS; v2 de-interleaves the buffer once
// on the PL (a vector copy written through VW into 9 planes) and reads each view's plane.
TEST(LoweringV2, Col2imViewsReadADeinterleavedCopy) {
  Tensor::manual_seed(8);
  Tensor x = Tensor::randn({128, 16, 14, 14}).requires_grad_(), w = Tensor::randn({32, 16, 3, 3}),
         y = Tensor::randn({128, 32, 14, 14});
  const auto ks = kernels_of([&] {
    (x.conv2d(w, Tensor(), 1, 1) * y).sum().backward();
    x.grad().realize();
  });
  const Kernel* k = nullptr;
  for (const Kernel& kk : ks) {
    int loads = 0;
    for (const KNode& n : kk.nodes) loads += n.op == Op::LOAD;
    if (!kk.is_reduce() && loads == 9 && prod(kk.out_shape) == 128 * 16 * 16 * 16) k = &kk;
  }
  ASSERT_TRUE(k);
  const std::optional<Program> p1 = lower(*k, BoardConfig::defaults()), p2 = lower(*k, v2cfg());
  ASSERT_TRUE(p1 && p2);
  EXPECT_EQ(count<Pack>(*p1), 9) << p1->str();
  EXPECT_EQ(count<Pack>(*p2), 0) << p2->str();
  EXPECT_TRUE(p2->ps_packed.empty()) << p2->str();
  const Command* first = std::get_if<Command>(&p2->steps.at(0));
  ASSERT_TRUE(first && first->unit == Unit::kVector && first->out_view) << p2->str();
  const int64_t S = 128 * 16 * 14 * 14 * 9, P = S / 9;
  EXPECT_EQ(first->size[0], static_cast<uint32_t>(S));
  EXPECT_EQ(first->out_view->str(), "view(shape=(" + std::to_string(P) + ", 9), strides=(1, " + std::to_string(P) +
                                        "), offset=0, mask=(0:" + std::to_string(P) + ", 0:9), base=0x0, limit=0)");
  int planes = 0;
  for (const Step& st : p2->steps)
    if (const Command* c = std::get_if<Command>(&st))
      for (int i = 0; i < 3; ++i)
        if (c->view[i] && c->in[i].same_block(first->out)) {
          ++planes;
          EXPECT_EQ(c->view[i]->stride[c->view[i]->rank - 1], 1) << "a plane's row is contiguous: " << c->view[i]->str();
        }
  EXPECT_EQ(planes, 9) << p2->str();
  expect_views_ok(*p2);
}

}  // namespace
}  // namespace tinypynq::pynq
