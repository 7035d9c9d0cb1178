// Kernel views as v2 view-reader descriptors (runtime/pynq/view_desc.h): normalisation, what
// one descriptor cannot say, and — for the lowering's v1 programs of an MLP and a CNN training
// step — which PS packing steps the readers take over (printed; docs/pl-v2.md quotes it).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <random>
#include <algorithm>
#include <vector>

#include "runtime/pynq/program.h"
#include "models/fp/view_writer.h"
#include "runtime/pynq/view_desc.h"
#include "tensor/schedule.h"
#include "tensor/tensor.h"

namespace tinypynq::pynq {
namespace {

TEST(ViewDesc, ContiguousDimsMergeToOneRun) {
  const ViewDescResult r = describe_view(ShapeTracker::contiguous({2, 3, 1, 4, 5, 6, 7, 8}), DType::f32);
  ASSERT_TRUE(r.desc) << r.why;
  EXPECT_EQ(r.desc->rank, 1u);
  EXPECT_EQ(r.desc->shape[0], 2u * 3 * 4 * 5 * 6 * 7 * 8);
  EXPECT_EQ(r.desc->stride[0], 1);
}

TEST(ViewDesc, TransposeBroadcastFlipAndPadding) {
  const ShapeTracker base = ShapeTracker::contiguous({4, 6});
  ViewDescResult t = describe_view(base.permute({1, 0}), DType::f32);
  ASSERT_TRUE(t.desc);
  EXPECT_EQ(t.desc->str(), "view(shape=(6, 4), strides=(1, 6), offset=0, mask=(0:6, 0:4), base=0x0, limit=0)");
  ViewDescResult b = describe_view(ShapeTracker::contiguous({1, 6}).expand({5, 6}), DType::f32);
  ASSERT_TRUE(b.desc);
  EXPECT_EQ(b.desc->str(), "view(shape=(5, 6), strides=(0, 1), offset=0, mask=(0:5, 0:6), base=0x0, limit=0)");
  ViewDescResult f = describe_view(base.flip({false, true}), DType::i32);
  ASSERT_TRUE(f.desc);
  EXPECT_EQ(f.desc->str(), "view(shape=(4, 6), strides=(6, -1), offset=5, mask=(0:4, 0:6), base=0x0, limit=0)");
  ViewDescResult p = describe_view(base.pad({{1, 1}, {0, 2}}), DType::f32);
  ASSERT_TRUE(p.desc);
  EXPECT_EQ(p.desc->str(), "view(shape=(6, 8), strides=(6, 1), offset=-6, mask=(1:5, 0:6), base=0x0, limit=0)");
  // The padded view read through the reference model gives the padded tensor.
  pl::ViewDesc d = *p.desc;
  d.base = 0, d.limit = 4 * 24;
  ASSERT_TRUE(pl::check(d, 1 << 20).ok()) << pl::check(d, 1 << 20).why;
  std::vector<uint8_t> ddr(96);
  for (uint32_t i = 0; i < 24; ++i) std::memcpy(&ddr[4 * i], &i, 4);
  std::vector<uint32_t> out(48);
  pl::gather(d, ddr.data(), out.data());
  EXPECT_EQ(out[0], 0u);               // padding row
  EXPECT_EQ(out[8], 0u);               // row 1 = source row 0
  EXPECT_EQ(out[8 + 5], 5u);
  EXPECT_EQ(out[8 + 6], 0u);           // right padding
  EXPECT_EQ(out[4 * 8 + 5], 23u);
}

// A row-major reshape on top of a view that cannot merge with it streams the lower view's
// elements in its own row-major order: one descriptor (the max-pool backward's mask, a
// (N, C, 14, 14) over (N, C, 7, 2, 7, 2)).
TEST(ViewDesc, ARowMajorReshapeOnTopIsTheViewBelow) {
  const ShapeTracker t = ShapeTracker::contiguous({4, 6}).permute({1, 0}).reshape({24});
  ASSERT_EQ(t.views().size(), 2u);
  ViewDescResult r = describe_view(t, DType::f32);
  ASSERT_TRUE(r.desc) << r.why;
  EXPECT_EQ(r.desc->str(), "view(shape=(6, 4), strides=(1, 6), offset=0, mask=(0:6, 0:4), base=0x0, limit=0)");
  // The pool's shape: (2, 3, 4, 4) read as (2, 3, 2, 2, 2, 2) with the two inner pairs swapped.
  const ShapeTracker pool =
      ShapeTracker::contiguous({2, 3, 4, 4}).reshape({2, 3, 2, 2, 2, 2}).permute({0, 1, 2, 4, 3, 5}).reshape({2, 3, 4, 4});
  ASSERT_EQ(pool.views().size(), 2u);
  r = describe_view(pool, DType::f32);
  ASSERT_TRUE(r.desc) << r.why;
  pl::ViewDesc d = *r.desc;
  d.base = 0, d.limit = 4 * 96;
  ASSERT_TRUE(pl::check(d, 1 << 20).ok());
  std::vector<uint8_t> ddr(4 * 96);
  for (uint32_t i = 0; i < 96; ++i) std::memcpy(&ddr[4 * i], &i, 4);
  std::vector<uint32_t> out(96);
  pl::gather(d, ddr.data(), out.data());
  for (int64_t e = 0; e < 96; ++e) EXPECT_EQ(out[e], static_cast<uint32_t>(pool.index(e).first)) << "element " << e;
}

TEST(ViewDesc, WhatOneDescriptorCannotSay) {
  // A reshape of a transpose, transposed again: the top view is no row-major reshape.
  const ShapeTracker two = ShapeTracker::contiguous({4, 6}).permute({1, 0}).reshape({2, 12}).permute({1, 0});
  ASSERT_EQ(two.views().size(), 2u);
  EXPECT_FALSE(describe_view(two, DType::f32).desc);
  EXPECT_NE(describe_view(two, DType::f32).why.find("2 views"), std::string::npos);
  EXPECT_NE(describe_view(ShapeTracker::contiguous({8}), DType::u8).why.find("32-bit"), std::string::npos);
  // Rank 7 after merging: every dimension permuted so none merge.
  ShapeTracker r7 = ShapeTracker::contiguous({2, 2, 2, 2, 2, 2, 2}).permute({6, 5, 4, 3, 2, 1, 0});
  const ViewDescResult r = describe_view(r7, DType::f32);
  EXPECT_FALSE(r.desc);
  EXPECT_NE(r.why.find("rank 7"), std::string::npos) << r.why;
}

// Random movement-op chains on a buffer: every view describe_view accepts streams, through the
// reader's reference model, exactly what the ShapeTracker says.
TEST(ViewDesc, RandomViewsStreamWhatTheShapeTrackerSays) {
  std::mt19937 rng(5);
  int accepted = 0, multi = 0;
  for (int it = 0; it < 2000; ++it) {
    Shape s;
    const int nd = 1 + static_cast<int>(rng() % 4);
    for (int d = 0; d < nd; ++d) s.push_back(1 + rng() % 4);
    ShapeTracker st = ShapeTracker::contiguous(s);
    const int64_t numel = prod(s);
    for (int step = 0; step < 4; ++step) {
      const Shape cur = st.shape();
      const size_t n = cur.size();
      switch (rng() % 5) {
        case 0: {  // permute
          std::vector<int> o(n);
          for (size_t i = 0; i < n; ++i) o[i] = static_cast<int>(i);
          std::shuffle(o.begin(), o.end(), rng);
          st = st.permute(o);
          break;
        }
        case 1: {  // pad
          std::vector<std::pair<int64_t, int64_t>> p(n);
          for (auto& x : p) x = {rng() % 2, rng() % 2};
          st = st.pad(p);
          break;
        }
        case 2: {  // shrink
          std::vector<std::pair<int64_t, int64_t>> b(n);
          for (size_t i = 0; i < n; ++i) {
            const int64_t lo = rng() % cur[i];
            b[i] = {lo, lo + 1 + static_cast<int64_t>(rng() % (cur[i] - lo))};
          }
          st = st.shrink(b);
          break;
        }
        case 3: {  // flip
          std::vector<bool> f(n);
          for (size_t i = 0; i < n; ++i) f[i] = rng() % 2;
          st = st.flip(f);
          break;
        }
        default: {  // expand a size-1 dim, or reshape to one dim
          Shape e = cur;
          bool any = false;
          for (auto& x : e)
            if (x == 1 && rng() % 2) x = 3, any = true;
          st = any ? st.expand(e) : st.reshape({prod(cur)});
        }
      }
    }
    const ViewDescResult r = describe_view(st, DType::f32);
    if (!r.desc) {
      multi += st.views().size() > 1;
      ASSERT_FALSE(r.why.empty());
      continue;
    }
    ++accepted;
    pl::ViewDesc d = *r.desc;
    d.base = 64, d.limit = 4 * static_cast<uint64_t>(numel);
    const pl::DescCheck c = pl::check(d, 1 << 20);
    ASSERT_TRUE(c.ok()) << st.str() << " -> " << d.str() << ": " << c.why;
    std::vector<uint8_t> ddr(64 + 4 * numel);
    for (uint32_t i = 0; i < numel; ++i) {
      const uint32_t v = 1000 + i;
      std::memcpy(&ddr[64 + 4 * i], &v, 4);
    }
    ASSERT_EQ(d.elems(), static_cast<uint64_t>(st.numel()));
    std::vector<uint32_t> out(d.elems());
    pl::gather(d, ddr.data(), out.data());
    for (int64_t e = 0; e < st.numel(); ++e) {
      const auto [off, valid] = st.index(e);
      ASSERT_EQ(out[e], valid ? 1000 + static_cast<uint32_t>(off) : 0u) << st.str() << " -> " << d.str() << " element " << e;
    }
  }
  std::printf("[views] %d of 2000 random views accepted, %d rejected as several views\n", accepted, multi);
  EXPECT_GT(accepted, 1000);
}

template <class F> std::vector<Kernel> kernels_of(F&& f) {
  std::vector<Kernel> ks;
  add_kernel_observer([&](const Kernel& k, double) { ks.push_back(k); });
  f();
  clear_kernel_observers();
  return ks;
}

PackCensus census(const std::vector<Kernel>& ks) {
  PackCensus all;
  const BoardConfig cfg = BoardConfig::defaults();
  for (const Kernel& k : ks) {
    const std::optional<Program> p = lower(k, cfg);
    if (!p) continue;
    PackCensus c = ps_steps_expressible(*p, k);
    all.steps += c.steps, all.expressible += c.expressible, all.bytes += c.bytes,
        all.expressible_bytes += c.expressible_bytes;
    for (auto& w : c.reasons) all.reasons.push_back(std::move(w));
  }
  return all;
}

void print(const char* what, const PackCensus& c) {
  std::printf("[census] %s: %d of %d PS packing steps expressible as views, %zu of %zu bytes (%.1f%%)\n", what,
              c.expressible, c.steps, c.expressible_bytes, c.bytes, c.bytes ? 100.0 * c.expressible_bytes / c.bytes : 0.0);
  for (size_t i = 0; i < c.reasons.size() && i < 8; ++i) std::printf("[census]   stays on the PS: %s\n", c.reasons[i].c_str());
}

TEST(ViewDesc, MlpTrainingStepPackingIsAllViews) {
  Tensor::manual_seed(1);
  Tensor x = Tensor::randn({32, 64}), w1 = Tensor::randn({48, 64}).requires_grad_(),
         b1 = Tensor::zeros({48}).requires_grad_(), w2 = Tensor::randn({10, 48}).requires_grad_(),
         b2 = Tensor::zeros({10}).requires_grad_();
  Tensor y = Tensor::from_data(std::vector<int32_t>(32, 3), {32});
  const auto ks = kernels_of([&] {
    Tensor loss = x.linear(w1, b1).relu().linear(w2, b2).sparse_categorical_crossentropy(y);
    loss.backward();
    Tensor::realize_all({loss, w1.grad(), b1.grad(), w2.grad(), b2.grad()});
  });
  const PackCensus c = census(ks);
  print("MLP step (32x64 -> 48 -> 10)", c);
  EXPECT_GT(c.steps, 0) << "v1 packs something in an MLP step";
  EXPECT_EQ(c.expressible, c.steps) << "every v1 packing step of the MLP is one view";
}

TEST(ViewDesc, CnnTrainingStepCensus) {
  Tensor::manual_seed(2);
  Tensor x = Tensor::randn({4, 1, 12, 12}), w = Tensor::randn({6, 1, 3, 3}).requires_grad_(),
         b = Tensor::zeros({6}).requires_grad_(), wf = Tensor::randn({10, 6 * 6 * 6}).requires_grad_();
  Tensor y = Tensor::from_data(std::vector<int32_t>(4, 1), {4});
  const auto ks = kernels_of([&] {
    Tensor h = x.conv2d(w, b, 1, 1).relu().max_pool2d(2);
    Tensor loss = h.reshape({4, 6 * 6 * 6}).linear(wf).sparse_categorical_crossentropy(y);
    loss.backward();
    Tensor::realize_all({loss, w.grad(), b.grad(), wf.grad()});
  });
  const PackCensus c = census(ks);
  print("CNN step (conv 3x3 pad 1, pool, linear)", c);
  EXPECT_GT(c.steps, 0);
  EXPECT_GT(c.expressible_bytes, 0u);
}

// The pl_version 2 lowering: which PS packing is left (every Pack / GemmPack has its reason in
// Program::ps_packed, no CopyTile at all), and every command's view passes the reader's check
// placed on its buffer.
struct V2Left {
  int kernels = 0, commands = 0, views = 0, packs = 0, copy_tiles = 0, v1_packs = 0;
  int out_views = 0, scatters = 0, v1_scatters = 0;  // result views (step 3); ScatterTile, GemmScatter, Copy
  std::vector<std::string> why;
};
V2Left lower_v2(const std::vector<Kernel>& ks) {
  V2Left r;
  BoardConfig v2 = BoardConfig::defaults();
  v2.pl_version = 2;
  for (const Kernel& k : ks) {
    const std::optional<Program> p = lower(k, v2), p1 = lower(k, BoardConfig::defaults());
    EXPECT_EQ(p.has_value(), p1.has_value()) << k.name() << ": v2 runs on the PL what v1 does";
    if (!p) continue;
    ++r.kernels;
    EXPECT_TRUE(p1->ps_packed.empty()) << "v1 reports nothing";
    auto scatter = [](const Step& st) {
      return std::holds_alternative<ScatterTile>(st) || std::holds_alternative<GemmScatter>(st) ||
             std::holds_alternative<Copy>(st);
    };
    for (const Step& st : p1->steps) {
      r.v1_packs += std::holds_alternative<Pack>(st) || std::holds_alternative<GemmPack>(st) ||
                    std::holds_alternative<CopyTile>(st);
      r.v1_scatters += scatter(st);
    }
    int packs = 0;
    for (const Step& st : p->steps) {
      packs += std::holds_alternative<Pack>(st) || std::holds_alternative<GemmPack>(st);
      r.copy_tiles += std::holds_alternative<CopyTile>(st);
      r.scatters += scatter(st);
      const Command* c = std::get_if<Command>(&st);
      if (!c) continue;
      ++r.commands;
      if (c->out_view) {  // the writer's own check (docs/pl-v2.md step 3) on the result's buffer
        ++r.out_views;
        pl::ViewDesc d = *c->out_view;
        d.base = 4096, d.limit = c->out.bytes;
        const pl::DescCheck chk = pl::check_write(d, 1 << 30);
        EXPECT_TRUE(chk.ok()) << k.name() << ": result " << d.str() << ": " << chk.why;
      }
      for (int i = 0; i < 3; ++i) {
        if (!c->view[i]) continue;
        ++r.views;
        pl::ViewDesc d = *c->view[i];
        d.base = 4096, d.limit = c->in[i].bytes;
        const pl::DescCheck chk = pl::check(d, 1 << 30);
        EXPECT_TRUE(chk.ok()) << k.name() << ": " << d.str() << ": " << chk.why;
      }
    }
    EXPECT_EQ(packs, static_cast<int>(p->ps_packed.size())) << k.name() << ": every PS pack has its reason\n" << p->str();
    r.packs += packs;
    for (const std::string& w : p->ps_packed) r.why.push_back(k.name() + ": " + w);
  }
  std::printf("[v2] %d kernels, %d commands, %d operand views, %d result views; PS packs %d (v1: %d packing steps), "
              "tile copies %d, scatters %d (v1: %d)\n",
              r.kernels, r.commands, r.views, r.out_views, r.packs, r.v1_packs, r.copy_tiles, r.scatters, r.v1_scatters);
  for (size_t i = 0; i < r.why.size() && i < 8; ++i) std::printf("[v2]   packed on the PS: %s\n", r.why[i].c_str());
  return r;
}

TEST(ViewDescV2, MlpTrainingStepPacksNothingOnThePs) {
  Tensor::manual_seed(1);
  Tensor x = Tensor::randn({32, 64}), w1 = Tensor::randn({48, 64}).requires_grad_(),
         b1 = Tensor::zeros({48}).requires_grad_(), w2 = Tensor::randn({10, 48}).requires_grad_(),
         b2 = Tensor::zeros({10}).requires_grad_();
  Tensor y = Tensor::from_data(std::vector<int32_t>(32, 3), {32});
  const auto ks = kernels_of([&] {
    Tensor loss = x.linear(w1, b1).relu().linear(w2, b2).sparse_categorical_crossentropy(y);
    loss.backward();
    Tensor::realize_all({loss, w1.grad(), b1.grad(), w2.grad(), b2.grad()});
  });
  const V2Left r = lower_v2(ks);
  EXPECT_GT(r.v1_packs, 0);
  EXPECT_GT(r.views, 0);
  EXPECT_EQ(r.packs, 0);
  EXPECT_EQ(r.copy_tiles, 0);
  EXPECT_GT(r.v1_scatters, 0);
  // The weight gradients' transposed results: the transposed product (docs/pl-v2.md step 5)
  // writes them in order, so neither a PS scatter nor a result view is needed.
  EXPECT_EQ(r.scatters, 0);
}

TEST(ViewDescV2, CnnTrainingStepKeepsOnlyWhatNoViewSays) {
  Tensor::manual_seed(2);
  Tensor x = Tensor::randn({4, 1, 12, 12}), w = Tensor::randn({6, 1, 3, 3}).requires_grad_(),
         b = Tensor::zeros({6}).requires_grad_(), wf = Tensor::randn({10, 6 * 6 * 6}).requires_grad_();
  Tensor y = Tensor::from_data(std::vector<int32_t>(4, 1), {4});
  const auto ks = kernels_of([&] {
    Tensor h = x.conv2d(w, b, 1, 1).relu().max_pool2d(2);
    Tensor loss = h.reshape({4, 6 * 6 * 6}).linear(wf).sparse_categorical_crossentropy(y);
    loss.backward();
    Tensor::realize_all({loss, w.grad(), b.grad(), wf.grad()});
  });
  const V2Left r = lower_v2(ks);
  EXPECT_LT(r.packs, r.v1_packs);
  EXPECT_EQ(r.packs, 0) << "the max-pool mask's reshape is one view (step 5); at this size the col2im views stream";
  EXPECT_EQ(r.copy_tiles, 0);
  for (const std::string& w : r.why) EXPECT_FALSE(w.empty());
}

// Flattened ranges as boxes: the matmul lowering's tiles of multi-dimensional operands.
TEST(ViewDescV2, FlatRangeBox) {
  std::vector<std::pair<int64_t, int64_t>> b(4);
  // dims 1..2 of (7, 3, 4, 5): rows [4, 8) of the 12 = index 1 of dim 1, all of dim 2
  ASSERT_TRUE(flat_range_box({7, 3, 4, 5}, 1, 2, 4, 4, b));
  EXPECT_EQ(b[1], (std::pair<int64_t, int64_t>{1, 2}));
  EXPECT_EQ(b[2], (std::pair<int64_t, int64_t>{0, 4}));
  ASSERT_TRUE(flat_range_box({7, 3, 4, 5}, 1, 2, 5, 2, b));  // within one row of dim 2
  EXPECT_EQ(b[1], (std::pair<int64_t, int64_t>{1, 2}));
  EXPECT_EQ(b[2], (std::pair<int64_t, int64_t>{1, 3}));
  ASSERT_TRUE(flat_range_box({7, 3, 4, 5}, 1, 2, 0, 12, b));  // all of it
  EXPECT_EQ(b[1], (std::pair<int64_t, int64_t>{0, 3}));
  EXPECT_FALSE(flat_range_box({7, 3, 4, 5}, 1, 2, 2, 4, b)) << "straddles two rows of dim 2 partly";
  EXPECT_TRUE(flat_range_box({7, 3, 4, 5}, 0, 0, 0, 1, b)) << "an empty group: one element";
  EXPECT_FALSE(flat_range_box({7, 3, 4, 5}, 0, 0, 1, 1, b));
  // Through a tracker: the box of a transposed matrix's rows 2..3 is a view of those rows.
  const ShapeTracker t = ShapeTracker::contiguous({6, 4}).permute({1, 0});  // (4, 6)
  std::vector<std::pair<int64_t, int64_t>> bb = {{0, 4}, {0, 6}};
  ASSERT_TRUE(flat_range_box(t.shape(), 0, 1, 2, 2, bb));
  const ViewDescResult r = describe_view(t.shrink(bb), DType::f32);
  ASSERT_TRUE(r.desc);
  EXPECT_EQ(r.desc->str(), "view(shape=(2, 6), strides=(1, 4), offset=2, mask=(0:2, 0:6), base=0x0, limit=0)");
}

}  // namespace
}  // namespace tinypynq::pynq
