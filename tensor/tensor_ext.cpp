// Composed ops beyond the core API (tensor_ext.h): special functions, indexing, N-d conv/pool.
#include "tensor/tensor_ext.h"

#include <algorithm>
#include <cmath>

namespace tinypynq::ops {

namespace {
Tensor as_f(const Tensor& x) { return x.dtype() == DType::f32 ? x : x.cast(DType::f32); }
Tensor sc(const Tensor& ref, double v) { return ref.scalar_like(v); }
// Polynomial by Horner's rule with float coefficients.
Tensor horner(const Tensor& t, std::initializer_list<double> c) {
  Tensor r;
  for (double k : c) r = r.defined() ? r * t + static_cast<float>(k) : t.full_like(k);
  return r;
}
// Moves `axis` to the last position.
std::vector<int64_t> to_last(size_t nd, int ax) {
  std::vector<int64_t> p;
  for (size_t i = 0; i < nd; ++i) if ((int)i != ax) p.push_back(static_cast<int64_t>(i));
  p.push_back(ax);
  return p;
}
std::vector<int64_t> inverse(const std::vector<int64_t>& p) {
  std::vector<int64_t> r(p.size());
  for (size_t i = 0; i < p.size(); ++i) r[p[i]] = static_cast<int64_t>(i);
  return r;
}
Tensor normalise_indices(const Tensor& idx, int64_t n, const char* what) {
  TP_CHECK(idx.dtype() == DType::i32, what, ": indices must be int32, got ", dtype_name(idx.dtype()));
  for (int32_t v : idx.to_vector<int32_t>())
    TP_CHECK(v >= -n && v < n, what, ": index ", v, " is out of range for an axis of size ", n);
  Tensor zero = sc(idx, 0), nn = sc(idx, n);
  return Tensor::where(idx.lt(zero), idx + nn, idx);
}
}  // namespace

Tensor erf(const Tensor& x_in) {
  Tensor x = as_f(x_in);
  Tensor a = x.abs();
  Tensor t = (1.f + 0.3275911f * a).reciprocal();
  Tensor p = horner(t, {1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592}) * t;
  Tensor y = 1.f - p * (-(a * a)).exp();
  return Tensor::where(x.lt(sc(x, 0)), -y, y);
}

Tensor atan(const Tensor& x_in) {
  Tensor x = as_f(x_in);
  Tensor a = x.abs();
  // atan(a) = pi/2 - atan(1/a) for a > 1; then atan(u) = pi/4 + atan((u-1)/(u+1)) for u > tan(pi/8).
  Tensor big = a.gt(sc(a, 1));
  Tensor u = Tensor::where(big, a.maximum(sc(a, 1)).reciprocal(), a);
  Tensor mid = u.gt(sc(u, 0.41421356237));
  Tensor v = Tensor::where(mid, (u - 1.f) / (u + 1.f), u);
  Tensor v2 = v * v;
  Tensor s = v * horner(v2, {-1.0 / 15, 1.0 / 13, -1.0 / 11, 1.0 / 9, -1.0 / 7, 1.0 / 5, -1.0 / 3, 1.0});
  Tensor r = Tensor::where(mid, s + static_cast<float>(M_PI / 4), s);
  r = Tensor::where(big, static_cast<float>(M_PI / 2) - r, r);
  return Tensor::where(x.lt(sc(x, 0)), -r, r);
}
Tensor asin(const Tensor& x_in) {
  Tensor x = as_f(x_in);
  Tensor c = (1.f - x * x).sqrt();  // asin x = atan(x / sqrt(1 - x^2)), +-pi/2 at |x| = 1
  Tensor r = atan(x / c.maximum(sc(c, 1e-30)));
  return Tensor::where(c.eq(sc(c, 0)), x * static_cast<float>(M_PI / 2), r);
}
Tensor acos(const Tensor& x) { return static_cast<float>(M_PI / 2) - asin(x); }
Tensor sinh(const Tensor& x_in) { Tensor x = as_f(x_in); return (x.exp() - (-x).exp()) * 0.5f; }
Tensor cosh(const Tensor& x_in) { Tensor x = as_f(x_in); return (x.exp() + (-x).exp()) * 0.5f; }
Tensor asinh(const Tensor& x_in) {
  Tensor x = as_f(x_in), a = x.abs();
  Tensor r = (a + (a * a + 1.f).sqrt()).log();
  return Tensor::where(x.lt(sc(x, 0)), -r, r);
}
Tensor acosh(const Tensor& x_in) { Tensor x = as_f(x_in); return (x + (x * x - 1.f).sqrt()).log(); }
Tensor atanh(const Tensor& x_in) { Tensor x = as_f(x_in); return ((1.f + x) / (1.f - x)).log() * 0.5f; }

Tensor floor(const Tensor& x_in) {
  Tensor x = as_f(x_in);
  Tensor fin = x.abs().lt(sc(x, INFINITY));
  Tensor xs = Tensor::where(fin, x, x.zeros_like());  // fmod(inf, 1) is NaN
  Tensor t = xs - xs.mod(sc(xs, 1));                   // truncation (fmod keeps the sign of x)
  Tensor f = Tensor::where(t.gt(xs), t - 1.f, t);
  return Tensor::where(fin, f, x).detach();
}
Tensor ceil(const Tensor& x) { return -floor(-as_f(x)); }
Tensor round_even(const Tensor& x_in) {
  Tensor x = as_f(x_in);
  Tensor r = floor(x + 0.5f);
  Tensor tie = (r - x).eq(sc(x, 0.5));
  Tensor odd = r.mod(sc(r, 2)).ne(sc(r, 0));
  Tensor fin = x.abs().lt(sc(x, 8388608.0));  // 2^23: every float beyond is an integer
  Tensor down = Tensor::where(tie, odd, tie);  // tie and odd: the even neighbour is below
  return Tensor::where(fin, Tensor::where(down, r - 1.f, r), x).detach();
}

Tensor gather(const Tensor& x, int64_t axis, const Tensor& idx_in) {
  TP_CHECK(x.ndim() > 0, "gather: cannot index a 0-d tensor");
  const int ax = norm_axis(axis, x.ndim());
  const int64_t n = x.shape()[ax];
  Tensor idx = normalise_indices(idx_in, n, "gather");
  // One-hot selection: (pre..., idx..., post..., n) summed over n, so the gradient is a scatter-add.
  const size_t nd = x.ndim(), ni = idx.ndim();
  std::vector<int64_t> perm = to_last(nd, ax);
  Tensor xp = x.permute(perm);  // (pre..., post..., n)
  Shape xs;
  for (int i = 0; i < ax; ++i) xs.push_back(x.shape()[i]);
  for (size_t i = 0; i < ni; ++i) xs.push_back(1);
  for (size_t i = ax + 1; i < nd; ++i) xs.push_back(x.shape()[i]);
  xs.push_back(n);
  xp = xp.reshape(xs);
  Shape ms;
  for (int i = 0; i < ax; ++i) ms.push_back(1);
  for (auto d : idx.shape()) ms.push_back(d);
  for (size_t i = ax + 1; i < nd; ++i) ms.push_back(1);
  ms.push_back(1);
  Shape ar(ms.size(), 1);
  ar.back() = n;
  Tensor mask = idx.reshape(ms).eq(Tensor::arange(0, static_cast<double>(n), 1, DType::i32, idx.device().name()).reshape(ar));
  Shape full = ms;
  for (size_t i = 0; i < full.size(); ++i) full[i] = std::max(ms[i], xs[i]);
  Tensor sel = Tensor::where(mask.expand(full), xp.expand(full), xp.scalar_like(0).reshape(Shape(full.size(), 1)).expand(full));
  if (x.dtype() == DType::boolean) return sel.cast(DType::i32).sum({-1}).cast(DType::boolean);
  return sel.sum({-1});
}

Tensor gather_elements(const Tensor& x, int64_t axis, const Tensor& idx_in) {
  TP_CHECK(x.ndim() > 0 && idx_in.ndim() == x.ndim(), "gather_elements: indices must have the rank of the data (",
           x.ndim(), "), got ", shape_str(idx_in.shape()));
  const int ax = norm_axis(axis, x.ndim());
  const int64_t n = x.shape()[ax];
  Tensor idx = normalise_indices(idx_in, n, "gather_elements");
  std::vector<std::pair<int64_t, int64_t>> crop;
  for (size_t i = 0; i < x.ndim(); ++i) {
    TP_CHECK((int)i == ax || idx.shape()[i] <= x.shape()[i], "gather_elements: index shape ", shape_str(idx.shape()),
             " exceeds the data shape ", shape_str(x.shape()), " outside axis ", ax);
    crop.push_back({0, (int)i == ax ? n : idx.shape()[i]});
  }
  std::vector<int64_t> perm = to_last(x.ndim(), ax);
  Tensor xp = x.shrink(crop).permute(perm).unsqueeze(-2);  // (..., 1, n)
  Tensor ip = idx.permute(perm).unsqueeze(-1);              // (..., k, 1)
  Shape ar(ip.ndim(), 1);
  ar.back() = n;
  Tensor mask = ip.eq(Tensor::arange(0, static_cast<double>(n), 1, DType::i32, idx.device().name()).reshape(ar));
  Shape full = ip.shape();
  full.back() = n;
  Tensor xe = xp.expand(full);
  Tensor src = x.dtype() == DType::boolean ? xe.cast(DType::i32) : xe;
  Tensor r = Tensor::where(mask.expand(full), src, src.zeros_like()).sum({-1}).permute(inverse(perm));
  return x.dtype() == DType::boolean ? r.cast(DType::boolean) : r;
}

Tensor tril_mask(int64_t rows, int64_t cols, int64_t k, bool upper, const std::string& dev) {
  Tensor i = Tensor::arange(0, static_cast<double>(rows), 1, DType::i32, dev).reshape({rows, 1});
  Tensor j = Tensor::arange(0, static_cast<double>(cols), 1, DType::i32, dev).reshape({1, cols});
  Tensor d = j - i;  // keep j - i <= k (lower) or j - i >= k (upper)
  Tensor kk = d.scalar_like(static_cast<double>(k));
  return upper ? d.ge(kk) : d.le(kk);
}

Tensor cumsum(const Tensor& x, int64_t axis, bool exclusive, bool reverse) {
  TP_CHECK(x.dtype() == DType::f32 || x.dtype() == DType::i32, "cumsum needs float32 or int32, got ", dtype_name(x.dtype()));
  if (x.ndim() == 0) return exclusive ? x.zeros_like() : x;
  const int ax = norm_axis(axis, x.ndim());
  const int64_t n = x.shape()[ax];
  std::vector<int64_t> perm = to_last(x.ndim(), ax);
  Tensor xp = x.permute(perm).unsqueeze(-2);  // (..., 1, n): output i sums inputs j where mask(i, j)
  Tensor m = tril_mask(n, n, reverse ? (exclusive ? 1 : 0) : (exclusive ? -1 : 0), reverse, x.device().name());
  Shape full = xp.shape();
  full[full.size() - 2] = n;
  Shape ms(full.size(), 1);
  ms[ms.size() - 2] = n, ms.back() = n;
  Tensor r = Tensor::where(m.reshape(ms).expand(full), xp.expand(full), xp.zeros_like().expand(full)).sum({-1});
  return r.permute(inverse(perm));
}

std::vector<Tensor> split(const Tensor& x, int64_t axis, const std::vector<int64_t>& sizes) {
  const int ax = norm_axis(axis, x.ndim());
  int64_t total = 0;
  for (auto s : sizes) {
    TP_CHECK(s >= 0, "split: negative size ", s);
    total += s;
  }
  TP_CHECK(total == x.shape()[ax], "split: sizes add up to ", total, ", axis ", ax, " has ", x.shape()[ax]);
  std::vector<Tensor> r;
  int64_t off = 0;
  for (auto s : sizes) {
    std::vector<std::pair<int64_t, int64_t>> b;
    for (size_t i = 0; i < x.ndim(); ++i) b.push_back({0, x.shape()[i]});
    b[ax] = {off, off + s};
    r.push_back(x.shrink(b));
    off += s;
  }
  return r;
}

namespace {
std::vector<int64_t> or_fill(const std::vector<int64_t>& v, size_t n, int64_t def, const char* what) {
  if (v.empty()) return std::vector<int64_t>(n, def);
  TP_CHECK(v.size() == n, what, ": expected ", n, " values, got ", v.size());
  return v;
}
}  // namespace

Tensor conv(const Tensor& x_in, const Tensor& w, const Tensor& b, const ConvParams& p) {
  TP_CHECK(w.ndim() >= 3, "conv: weight must be (Cout, Cin/groups, *kernel), got ", shape_str(w.shape()));
  const size_t nk = w.ndim() - 2;
  TP_CHECK(x_in.ndim() == nk + 2, "conv: input must be (N, C, ", nk, " spatial dims), got ", shape_str(x_in.shape()));
  const int64_t g = p.groups, N = x_in.shape()[0], C = x_in.shape()[1], Co = w.shape()[0], Cg = w.shape()[1];
  TP_CHECK(g > 0 && C % g == 0 && Co % g == 0, "conv: groups ", g, " must divide input channels ", C,
           " and output channels ", Co);
  TP_CHECK(Cg == C / g, "conv: input has ", C, " channels in ", g, " groups, weight expects ", Cg, " per group");
  auto st = or_fill(p.strides, nk, 1, "conv strides"), dl = or_fill(p.dilations, nk, 1, "conv dilations");
  auto pd = or_fill(p.pads, 2 * nk, 0, "conv pads");
  for (size_t j = 0; j < nk; ++j) TP_CHECK(st[j] > 0 && dl[j] > 0, "conv: strides and dilations must be positive");
  Shape k(w.shape().begin() + 2, w.shape().end());
  bool sym = nk == 2 && g == 1 && st[0] == st[1] && dl[0] == dl[1];
  for (size_t j = 0; j < 2 * nk; ++j) sym &= pd[j] == pd[0] && pd[j] >= 0;
  if (sym) return x_in.conv2d(w, b, st[0], pd[0], dl[0]);  // the path the pynq lowering knows best
  std::vector<std::pair<int64_t, int64_t>> pads(2, {0, 0});
  bool any = false;
  for (size_t j = 0; j < nk; ++j) pads.push_back({pd[j], pd[nk + j]}), any |= pd[j] || pd[nk + j];
  Tensor x = any ? x_in.pad(pads).contiguous() : x_in;
  x = x.pool(k, st, dl);  // (N, C, o..., k...)
  Shape o(x.shape().begin() + 2, x.shape().begin() + 2 + nk);
  Shape s1{N, g, 1, Cg};
  s1.insert(s1.end(), o.begin(), o.end());
  s1.insert(s1.end(), k.begin(), k.end());
  Shape s2 = s1;
  s2[2] = Co / g;
  x = x.reshape(s1).expand(s2);
  std::vector<int64_t> perm{0, 1, 2};
  for (size_t j = 0; j < nk; ++j) perm.push_back(static_cast<int64_t>(4 + j));
  perm.push_back(3);
  for (size_t j = 0; j < nk; ++j) perm.push_back(static_cast<int64_t>(4 + nk + j));
  x = x.permute(perm);  // (N, g, Co/g, o..., Cg, k...)
  Shape ws{1, g, Co / g};
  ws.insert(ws.end(), nk, 1);
  ws.push_back(Cg);
  ws.insert(ws.end(), k.begin(), k.end());
  std::vector<int64_t> red;
  for (size_t j = 0; j <= nk; ++j) red.push_back(-1 - static_cast<int64_t>(j));
  Tensor r = (x * w.reshape(ws)).sum(red);
  Shape rs{N, Co};
  rs.insert(rs.end(), o.begin(), o.end());
  r = r.reshape(rs);
  if (!b.defined()) return r;
  Shape bs{1, Co};
  bs.insert(bs.end(), nk, 1);
  return r + b.reshape(bs);
}

Tensor conv_transpose(const Tensor& x_in, const Tensor& w, const Tensor& b, const ConvParams& p) {
  TP_CHECK(w.ndim() >= 3, "conv_transpose: weight must be (Cin, Cout/groups, *kernel), got ", shape_str(w.shape()));
  const size_t nk = w.ndim() - 2;
  TP_CHECK(x_in.ndim() == nk + 2, "conv_transpose: input must be (N, C, ", nk, " spatial dims), got ",
           shape_str(x_in.shape()));
  const int64_t g = p.groups, C = x_in.shape()[1], Cog = w.shape()[1];
  TP_CHECK(g > 0 && C % g == 0 && w.shape()[0] == C, "conv_transpose: weight has ", w.shape()[0],
           " input channels, the input ", C, " (groups ", g, ")");
  auto st = or_fill(p.strides, nk, 1, "conv_transpose strides"), dl = or_fill(p.dilations, nk, 1, "conv_transpose dilations");
  auto pd = or_fill(p.pads, 2 * nk, 0, "conv_transpose pads");
  auto op = or_fill(p.output_padding, nk, 0, "conv_transpose output_padding");
  Tensor x = x_in;
  for (size_t j = 0; j < nk; ++j) {  // zero insertion: stride s becomes s-1 zeros between inputs
    TP_CHECK(st[j] > 0 && dl[j] > 0, "conv_transpose: strides and dilations must be positive");
    if (st[j] == 1) continue;
    const int64_t ax = 2 + static_cast<int64_t>(j), L = x.shape()[ax];
    Shape s = x.shape();
    s.insert(s.begin() + ax + 1, 1);
    std::vector<std::pair<int64_t, int64_t>> pp(s.size(), {0, 0});
    pp[ax + 1] = {0, st[j] - 1};
    Tensor y = x.reshape(s).pad(pp);
    Shape m = x.shape();
    m[ax] = L * st[j];
    y = y.reshape(m);
    std::vector<std::pair<int64_t, int64_t>> bb;
    for (auto d : m) bb.push_back({0, d});
    bb[ax] = {0, (L - 1) * st[j] + 1};
    x = y.shrink(bb);
  }
  ConvParams q;
  q.groups = g;
  q.dilations = dl;
  q.pads.resize(2 * nk);
  for (size_t j = 0; j < nk; ++j) {
    const int64_t full = dl[j] * (w.shape()[2 + j] - 1);
    q.pads[j] = full - pd[j];
    q.pads[nk + j] = full - pd[nk + j] + op[j];
  }
  Shape k(w.shape().begin() + 2, w.shape().end());
  Shape s1{g, C / g, Cog};
  s1.insert(s1.end(), k.begin(), k.end());
  std::vector<int64_t> perm{0, 2, 1};
  std::vector<int64_t> flip;
  for (size_t j = 0; j < nk; ++j) perm.push_back(static_cast<int64_t>(3 + j)), flip.push_back(static_cast<int64_t>(2 + j));
  Shape s2{g * Cog, C / g};
  s2.insert(s2.end(), k.begin(), k.end());
  Tensor wt = w.reshape(s1).permute(perm).reshape(s2).flip(flip);
  // Negative pads (pads larger than the kernel reach) crop: pad() handles them.
  bool neg = false;
  for (auto v : q.pads) neg |= v < 0;
  if (neg) {
    std::vector<std::pair<int64_t, int64_t>> pp(2, {0, 0});
    for (size_t j = 0; j < nk; ++j) pp.push_back({q.pads[j], q.pads[nk + j]});
    x = x.pad(pp);
    std::fill(q.pads.begin(), q.pads.end(), 0);
  }
  return conv(x, wt, b, q);
}

namespace {
// Pads for the pooled dims (explicit pads, plus the extra end padding ceil_mode needs) and the
// output sizes.
struct PoolPlan {
  std::vector<std::pair<int64_t, int64_t>> pads, extra;
  std::vector<int64_t> k, s, d;
};
PoolPlan plan(const Tensor& x, const PoolParams& p) {
  const size_t nk = p.kernel.size();
  TP_CHECK(nk > 0 && x.ndim() >= nk, "pool: ", nk, " kernel dims for input ", shape_str(x.shape()));
  PoolPlan r;
  r.k = p.kernel;
  r.s = or_fill(p.strides, nk, 1, "pool strides");
  r.d = or_fill(p.dilations, nk, 1, "pool dilations");
  auto pd = or_fill(p.pads, 2 * nk, 0, "pool pads");
  r.pads.assign(x.ndim() - nk, {0, 0});
  r.extra.assign(x.ndim() - nk, {0, 0});
  for (size_t j = 0; j < nk; ++j) {
    const int64_t in = x.shape()[x.ndim() - nk + j], span = r.d[j] * (r.k[j] - 1) + 1;
    TP_CHECK(r.k[j] > 0 && r.s[j] > 0 && r.d[j] > 0, "pool: kernel, strides and dilations must be positive");
    TP_CHECK(pd[j] >= 0 && pd[nk + j] >= 0, "pool: pads must be non-negative");
    const int64_t padded = in + pd[j] + pd[nk + j];
    TP_CHECK(padded >= span, "pool: window ", span, " is larger than the padded input ", padded);
    int64_t o = (padded - span) / r.s[j] + 1, extra = 0;
    if (p.ceil_mode) {
      int64_t oc = (padded - span + r.s[j] - 1) / r.s[j] + 1;
      if ((oc - 1) * r.s[j] >= in + pd[j]) --oc;  // a window starting in the end padding is dropped
      extra = std::max<int64_t>(0, (oc - 1) * r.s[j] + span - padded);
      o = oc;
    }
    (void)o;
    r.pads.push_back({pd[j], pd[nk + j]});
    r.extra.push_back({0, extra});
  }
  return r;
}
}  // namespace

Tensor max_pool(const Tensor& x, const PoolParams& p) {
  PoolPlan pl = plan(x, p);
  std::vector<std::pair<int64_t, int64_t>> all = pl.pads;
  for (size_t i = 0; i < all.size(); ++i) all[i].second += pl.extra[i].second;
  const double lowest = x.dtype() == DType::f32 ? -INFINITY : -2147483648.0;
  Tensor xp = x.pad(all, static_cast<float>(lowest));
  std::vector<int64_t> red;
  for (size_t j = 0; j < pl.k.size(); ++j) red.push_back(-1 - static_cast<int64_t>(j));
  return xp.pool(pl.k, pl.s, pl.d).max(red);
}

Tensor avg_pool(const Tensor& x_in, const PoolParams& p) {
  Tensor x = as_f(x_in);
  PoolPlan pl = plan(x, p);
  const size_t nk = pl.k.size();
  std::vector<int64_t> red;
  for (size_t j = 0; j < nk; ++j) red.push_back(-1 - static_cast<int64_t>(j));
  std::vector<std::pair<int64_t, int64_t>> all = pl.pads;
  for (size_t i = 0; i < all.size(); ++i) all[i].second += pl.extra[i].second;
  Tensor sum = x.pad(all).pool(pl.k, pl.s, pl.d).sum(red);
  // Divisor per output position: the window's positions inside the input (and inside the
  // explicit padding when count_include_pad), never the ceil_mode overhang.
  Shape sp(x.shape().end() - nk, x.shape().end());
  std::vector<std::pair<int64_t, int64_t>> pe(pl.pads.end() - nk, pl.pads.end()), ex(pl.extra.end() - nk, pl.extra.end());
  Tensor ones = Tensor::ones(sp, DType::f32, x.device().name());
  Tensor cnt = p.count_include_pad ? ones.pad(pe, 1.f) : ones.pad(pe);
  cnt = cnt.pad(ex).pool(pl.k, pl.s, pl.d).sum(red);
  return sum / cnt;
}

}  // namespace tinypynq::ops
