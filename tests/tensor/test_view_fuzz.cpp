// Random chains of movement ops (reshape, permute, expand, pad, shrink, flip, strided slices)
// checked against a plain host implementation. Each chain's result is read three ways: a
// contiguous copy (tolist), a fused element-wise kernel reading through the view, and a
// reduce kernel reading through the view. This exercises the ShapeTracker's view stacking
// (reshapes of padded / permuted / expanded views) and the masks, and the backward of every
// movement op along the chain.
#include <algorithm>
#include <functional>
#include <random>
#include <sstream>

#include "tests/tensor/tensor_test_util.h"

namespace tinypynq::test {
namespace {

struct Nd {
  Shape shape;
  std::vector<float> v;
};

// Builds an array of shape s where element idx takes src(idx) (nullopt -> fill).
Nd remap(const Shape& s, const std::function<std::pair<bool, float>(const Shape&)>& src) {
  Nd r{s, {}};
  Shape idx(s.size(), 0);
  for (int64_t k = 0; k < prod(s); ++k) {
    int64_t rem = k;
    for (size_t d = s.size(); d-- > 0;) idx[d] = rem % s[d], rem /= s[d];
    r.v.push_back(src(idx).second);
  }
  return r;
}
float at(const Nd& a, const Shape& idx) {
  int64_t off = 0;
  for (size_t d = 0; d < idx.size(); ++d) off = off * a.shape[d] + idx[d];
  return a.v[off];
}

struct Chain {
  Tensor t;
  Nd ref;
  std::string log;
};

void step(Chain& c, std::mt19937_64& r) {
  auto rnd = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(r); };
  const Shape s = c.ref.shape;
  const size_t nd = s.size();
  std::ostringstream log;
  switch (rnd(0, 7)) {
    case 0: {  // reshape: split a dim into two factors, merge two adjacent dims, or add a 1
      Shape n = s;
      int64_t a = rnd(0, static_cast<int64_t>(nd) - 1);
      int kind = static_cast<int>(rnd(0, 2));
      if (kind == 0 && n[a] % 2 == 0 && n[a] > 0) n[a] /= 2, n.insert(n.begin() + a + 1, 2);
      else if (kind == 1 && a + 1 < static_cast<int64_t>(nd)) n[a] *= n[a + 1], n.erase(n.begin() + a + 1);
      else if (nd < 5) n.insert(n.begin() + a, 1);
      c.t = c.t.reshape(n);
      c.ref = Nd{n, c.ref.v};
      log << "reshape" << shape_str(n);
      break;
    }
    case 1: {  // permute
      std::vector<int64_t> o(nd);
      for (size_t i = 0; i < nd; ++i) o[i] = static_cast<int64_t>(i);
      std::shuffle(o.begin(), o.end(), r);
      Shape n;
      for (auto i : o) n.push_back(s[i]);
      Nd src = c.ref;
      c.ref = remap(n, [&](const Shape& idx) {
        Shape si(nd);
        for (size_t i = 0; i < nd; ++i) si[o[i]] = idx[i];
        return std::pair{true, at(src, si)};
      });
      c.t = c.t.permute(o);
      log << "permute(" << shape_str(Shape(o.begin(), o.end())) << ")";
      break;
    }
    case 2: {  // expand every size-1 dim to 3 (or prepend a dim of 2)
      Shape n = s;
      bool any = false;
      for (auto& d : n) if (d == 1) d = 3, any = true;
      if (!any) n.insert(n.begin(), 2);
      if (prod(n) > 3000) return;
      Nd src = c.ref;
      const size_t off = n.size() - nd;
      c.ref = remap(n, [&](const Shape& idx) {
        Shape si(nd);
        for (size_t i = 0; i < nd; ++i) si[i] = s[i] == 1 ? 0 : idx[i + off];
        return std::pair{true, at(src, si)};
      });
      c.t = c.t.expand(n);
      log << "expand" << shape_str(n);
      break;
    }
    case 3:
    case 4: {  // pad (possibly with a value) or shrink one axis
      int64_t a = rnd(0, static_cast<int64_t>(nd) - 1);
      std::vector<std::pair<int64_t, int64_t>> p(nd, {0, 0});
      Shape n = s;
      Nd src = c.ref;
      if (rnd(0, 1) == 0) {
        p[a] = {rnd(0, 2), rnd(0, 2)};
        n[a] += p[a].first + p[a].second;
        if (prod(n) > 3000) return;
        const float val = rnd(0, 1) ? 0.f : -7.f;
        c.ref = remap(n, [&](const Shape& idx) {
          Shape si = idx;
          si[a] -= p[a].first;
          if (si[a] < 0 || si[a] >= s[a]) return std::pair{false, val};
          return std::pair{true, at(src, si)};
        });
        c.t = c.t.pad(p, val);
        log << "pad(axis " << a << ", " << p[a].first << ", " << p[a].second << ", value " << val << ")";
      } else {
        std::vector<std::pair<int64_t, int64_t>> b;
        for (auto d : s) b.push_back({0, d});
        int64_t lo = rnd(0, s[a]), hi = rnd(lo, s[a]);
        if (hi - lo == 0 && rnd(0, 3)) return;  // empty results now and then
        b[a] = {lo, hi};
        n[a] = hi - lo;
        c.ref = remap(n, [&](const Shape& idx) {
          Shape si = idx;
          si[a] += lo;
          return std::pair{true, at(src, si)};
        });
        c.t = c.t.shrink(b);
        log << "shrink(axis " << a << ", " << lo << ", " << hi << ")";
      }
      break;
    }
    case 5: {  // flip a random axis
      int64_t a = rnd(0, static_cast<int64_t>(nd) - 1);
      Nd src = c.ref;
      c.ref = remap(s, [&](const Shape& idx) {
        Shape si = idx;
        si[a] = s[a] - 1 - idx[a];
        return std::pair{true, at(src, si)};
      });
      c.t = c.t.flip({a});
      log << "flip(" << a << ")";
      break;
    }
    default: {  // strided slice on axis 0 (step in {-3..3} \ {0})
      int64_t st = rnd(1, 3) * (rnd(0, 1) ? 1 : -1);
      std::vector<int64_t> keep;
      if (st > 0) for (int64_t i = 0; i < s[0]; i += st) keep.push_back(i);
      else for (int64_t i = s[0] - 1; i >= 0; i += st) keep.push_back(i);
      Shape n = s;
      n[0] = static_cast<int64_t>(keep.size());
      Nd src = c.ref;
      c.ref = remap(n, [&](const Shape& idx) {
        Shape si = idx;
        si[0] = keep[idx[0]];
        return std::pair{true, at(src, si)};
      });
      c.t = c.t.slice({Range{Range::kDefault, Range::kDefault, st}});
      log << "slice(step " << st << ")";
      break;
    }
  }
  c.log += log.str() + " ";
}

TEST(ViewFuzz, RandomMovementChainsMatchHostReference) {
  std::mt19937_64 r(2024);
  for (int iter = 0; iter < 400; ++iter) {
    Shape s;
    const int64_t rank = std::uniform_int_distribution<int64_t>(1, 3)(r);
    for (int64_t i = 0; i < rank; ++i) s.push_back(std::uniform_int_distribution<int64_t>(1, 4)(r));
    std::vector<float> v(prod(s));
    for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i + 1);
    Tensor leaf = Tensor::from_data(v, s).requires_grad_();
    Chain c{leaf, Nd{s, v}, shape_str(s) + ": "};
    const int len = std::uniform_int_distribution<int>(1, 10)(r);
    for (int k = 0; k < len; ++k) step(c, r);
    SCOPED_TRACE(c.log);
    ASSERT_EQ(shape_str(c.t.shape()), shape_str(c.ref.shape));
    expect_values(c.t.tolist(), c.ref.v, 0, 0, "copy");
    std::vector<float> w;
    for (float x : c.ref.v) w.push_back(x * 2 + 1);
    expect_values((c.t * 2.f + 1.f).tolist(), w, 0, 0, "fused elementwise");
    const int64_t ax = std::uniform_int_distribution<int64_t>(0, c.ref.shape.size() - 1)(r);
    Shape rs = c.ref.shape;
    rs[ax] = 1;
    Nd red = remap(rs, [&](const Shape& idx) {
      Shape si = idx;
      float acc = 0;
      for (si[ax] = 0; si[ax] < c.ref.shape[ax]; ++si[ax]) acc += at(c.ref, si);
      return std::pair{true, acc};
    });
    expect_values(c.t.sum({ax}, true).tolist(), red.v, 0, 0, "sum over axis " + std::to_string(ax));
    // Backward through the chain: element values are 1-based source ids (padding is 0 or -7),
    // so the gradient of sum(t * W) w.r.t. the source is the sum of W over each id's copies.
    std::vector<float> wv(c.ref.v.size()), want(v.size(), 0.f);
    for (size_t k = 0; k < wv.size(); ++k) {
      wv[k] = static_cast<float>(k % 5) - 2.f;
      if (c.ref.v[k] >= 1) want[static_cast<size_t>(c.ref.v[k]) - 1] += wv[k];
    }
    (c.t * Tensor::from_data(wv, c.ref.shape)).sum().backward();
    ASSERT_TRUE(leaf.grad().defined());
    expect_values(leaf.grad().tolist(), want, 0, 0, "gradient");
    if (HasFailure()) break;  // one chain's log is enough to debug
  }
}

}  // namespace
}  // namespace tinypynq::test
