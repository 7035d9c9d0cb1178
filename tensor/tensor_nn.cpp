// Functional nn ops composed from first-class and movement ops: matmul, conv2d, pooling,
// normalisation, dropout and losses.
#include <algorithm>
#include <cmath>

#include "tensor/function.h"

namespace tinypynq {

Tensor Tensor::matmul(const Tensor& w) const {
  const size_t n1 = ndim(), n2 = w.ndim();
  TP_CHECK(n1 > 0 && n2 > 0, "matmul needs tensors with at least 1 dimension, got ", shape_str(shape()), " and ",
           shape_str(w.shape()));
  const int64_t k2 = w.shape()[n2 >= 2 ? n2 - 2 : 0];
  TP_CHECK(shape().back() == k2, "matmul: shapes ", shape_str(shape()), " and ", shape_str(w.shape()),
           " are not aligned (", shape().back(), " != ", k2, ")");
  TP_CHECK(dtype() == w.dtype(), "matmul: dtype mismatch, ", dtype_name(dtype()), " vs ", dtype_name(w.dtype()));
  // x: (..., n, 1, k) * w: (..., 1, m, k) summed over k, as tinygrad's dot.
  const size_t one = std::min<size_t>({n1 - 1, n2 - 1, 1});
  Shape xs(shape().begin(), shape().end() - 1);
  xs.insert(xs.end(), one, 1);
  xs.push_back(shape().back());
  Shape ws(w.shape().begin(), w.shape().end() - std::min<size_t>(n2, 2));
  ws.insert(ws.end(), one, 1);
  ws.insert(ws.end(), w.shape().end() - std::min<size_t>(n2, 2), w.shape().end());
  Tensor wt = w.reshape(ws).transpose(-1, -static_cast<int64_t>(std::min<size_t>(n2, 2)));
  return (reshape(xs) * wt).sum({-1});
}

Tensor Tensor::linear(const Tensor& w, const Tensor& b) const {
  TP_CHECK(w.ndim() == 2, "linear: weight must be 2-D (out, in), got ", shape_str(w.shape()));
  Tensor y = matmul(w.T());
  return b.defined() ? y + b : y;
}

namespace {
Tensor pool_movement(const Tensor& self, const std::vector<int64_t>& k, const std::vector<int64_t>& s,
                     const std::vector<int64_t>& d);

// Stride-1 windows with a direct backward: the input gradient is the sum, over window
// positions, of the output gradient's slice for that position padded into place. The
// movement-op derivation would sum over the repeat axes of the pool trick instead, which reads
// a masked three-view stack for every element; this reads prod(k) single masked views.
struct Pool1 final : Function {
  std::vector<int64_t> k, d;
  Shape in;
  Pool1(std::vector<int64_t> kk, std::vector<int64_t> dd) : k(std::move(kk)), d(std::move(dd)) {}
  const char* name() const override { return "Pool"; }
  LB forward(const std::vector<LB>& x) override {
    in = x[0]->shape();
    NoGrad ng;
    return pool_movement(Tensor(x[0]), k, std::vector<int64_t>(k.size(), 1), d).lazy();
  }
  std::vector<LB> backward(const LB& g) override {
    const size_t nk = k.size(), nn = in.size() - nk;
    const Shape& gs = g->shape();  // (..., o_1..o_n, k_1..k_n)
    std::vector<int64_t> w(nk, 0);
    LB acc;
    for (bool more = true; more;) {
      std::vector<std::pair<int64_t, int64_t>> b;
      for (size_t i = 0; i < gs.size(); ++i) b.push_back({0, gs[i]});
      for (size_t j = 0; j < nk; ++j) b[nn + nk + j] = {w[j], w[j] + 1};
      LB t = lb_reshape(lb_shrink(g, b), Shape(gs.begin(), gs.begin() + nn + nk));
      std::vector<std::pair<int64_t, int64_t>> p(nn, {0, 0});
      for (size_t j = 0; j < nk; ++j) {
        int64_t o = gs[nn + j], before = w[j] * d[j];
        p.push_back({before, in[nn + j] - o - before});
      }
      t = lb_pad(t, p);
      acc = acc ? lb_alu(Op::ADD, {acc, t}) : t;
      more = false;
      for (size_t j = nk; j-- > 0;) {
        if (++w[j] < k[j]) { more = true; break; }
        w[j] = 0;
      }
    }
    return {acc};
  }
};
}  // namespace

Tensor Tensor::pool(const std::vector<int64_t>& k, const std::vector<int64_t>& s, const std::vector<int64_t>& d) const {
  TP_CHECK(k.size() == s.size() && k.size() == d.size(), "pool: kernel, stride and dilation need one entry per window dim");
  bool unit_stride = true, overlap = false;
  for (size_t j = 0; j < k.size(); ++j) unit_stride &= s[j] == 1, overlap |= k[j] > 1 || d[j] != 1;
  // Pool1::forward runs pool_movement, which validates the arguments.
  if (unit_stride && overlap && requires_grad()) return apply_fn(std::make_shared<Pool1>(k, d), {*this});
  return pool_movement(*this, k, s, d);
}

namespace {
Tensor pool_movement(const Tensor& self, const std::vector<int64_t>& k, const std::vector<int64_t>& s,
                     const std::vector<int64_t>& d) {
  const Tensor& t = self;
  auto shape = [&]() -> const Shape& { return t.shape(); };
  auto ndim = [&]() { return t.ndim(); };
  auto reshape = [&](const Shape& x) { return t.reshape(x); };
  const size_t nk = k.size();
  TP_CHECK(ndim() >= nk, "pool: ", nk, " window dims on a tensor of shape ", shape_str(shape()));
  const Shape noop(shape().begin(), shape().end() - nk);
  const Shape in(shape().end() - nk, shape().end());
  Shape o(nk);
  for (size_t j = 0; j < nk; ++j) {
    TP_CHECK(k[j] > 0 && s[j] > 0 && d[j] > 0, "pool: kernel, stride and dilation must be positive");
    TP_CHECK(in[j] >= d[j] * (k[j] - 1) + 1, "pool: window ", k[j], " (dilation ", d[j], ") is larger than input size ",
             in[j]);
    o[j] = (in[j] - d[j] * (k[j] - 1) - 1) / s[j] + 1;
  }
  auto cat_shape = [&](std::initializer_list<Shape> parts) {
    Shape r = noop;
    for (auto& p : parts) r.insert(r.end(), p.begin(), p.end());
    return r;
  };
  auto bounds = [&](const Tensor& t, const std::vector<std::pair<int64_t, int64_t>>& tail) {
    std::vector<std::pair<int64_t, int64_t>> b;
    for (auto v : noop) b.push_back({0, v});
    b.insert(b.end(), tail.begin(), tail.end());
    (void)t;
    return b;
  };
  const size_t nn = noop.size();
  std::vector<int64_t> perm;
  for (size_t i = 0; i < nn; ++i) perm.push_back(static_cast<int64_t>(i));
  bool overlap = false;
  for (size_t j = 0; j < nk; ++j) overlap |= k[j] > s[j] || d[j] != 1;
  if (!overlap) {
    // Non-overlapping windows: crop or pad to o*s, split into (o, s), keep the first k of each.
    Tensor x = t;
    std::vector<std::pair<int64_t, int64_t>> p(ndim(), {0, 0}), cr;
    for (size_t j = 0; j < nk; ++j) {
      p[nn + j] = {0, std::max<int64_t>(0, o[j] * s[j] - in[j])};
      cr.push_back({0, o[j] * s[j]});
    }
    x = x.pad(p).shrink(bounds(x, cr));
    Shape sp;
    std::vector<std::pair<int64_t, int64_t>> b2;
    for (size_t j = 0; j < nk; ++j) sp.push_back(o[j]), sp.push_back(s[j]), b2.push_back({0, o[j]}), b2.push_back({0, k[j]});
    x = x.reshape(cat_shape({sp})).shrink(bounds(x, b2));
    for (size_t j = 0; j < nk; ++j) perm.push_back(static_cast<int64_t>(nn + 2 * j));
    for (size_t j = 0; j < nk; ++j) perm.push_back(static_cast<int64_t>(nn + 2 * j + 1));
    return x.permute(perm);
  }
  // Overlapping windows (tinygrad's trick): repeat each row e times so that consecutive
  // windows sit (i + d) apart, then stride through the repetition with reshapes and crops.
  Shape e(nk), up, ex, merged;
  for (size_t j = 0; j < nk; ++j) {
    e[j] = (k[j] * (in[j] + d[j]) + in[j] - 1) / in[j];
    up.push_back(1), up.push_back(in[j]);
    ex.push_back(e[j]), ex.push_back(in[j]);
    merged.push_back(e[j] * in[j]);
  }
  Tensor x = reshape(cat_shape({up})).expand(cat_shape({ex})).reshape(cat_shape({merged}));
  std::vector<std::pair<int64_t, int64_t>> b1, b2, b3;
  Shape s1, s2, s3;
  for (size_t j = 0; j < nk; ++j) {
    b1.push_back({0, k[j] * (in[j] + d[j])});
    s1.push_back(k[j]), s1.push_back(in[j] + d[j]);
    b2.push_back({0, k[j]}), b2.push_back({0, o[j] * s[j]});
    s2.push_back(k[j]), s2.push_back(o[j]), s2.push_back(s[j]);
    b3.push_back({0, k[j]}), b3.push_back({0, o[j]}), b3.push_back({0, 1});
    s3.push_back(k[j]), s3.push_back(o[j]);
  }
  x = x.shrink(bounds(x, b1)).reshape(cat_shape({s1}));
  x = x.shrink(bounds(x, b2)).reshape(cat_shape({s2}));
  x = x.shrink(bounds(x, b3)).reshape(cat_shape({s3}));
  for (size_t j = 0; j < nk; ++j) perm.push_back(static_cast<int64_t>(nn + 2 * j + 1));
  for (size_t j = 0; j < nk; ++j) perm.push_back(static_cast<int64_t>(nn + 2 * j));
  return x.permute(perm);
}

}  // namespace

Tensor Tensor::conv2d(const Tensor& w, const Tensor& b, int64_t stride, int64_t padding, int64_t dilation) const {
  TP_CHECK(ndim() == 4, "conv2d: input must be (N, C, H, W), got ", shape_str(shape()));
  TP_CHECK(w.ndim() == 4, "conv2d: weight must be (Cout, Cin, KH, KW), got ", shape_str(w.shape()));
  TP_CHECK(w.shape()[1] == shape()[1], "conv2d: input has ", shape()[1], " channels, weight expects ", w.shape()[1]);
  TP_CHECK(stride > 0 && padding >= 0 && dilation > 0, "conv2d: stride and dilation must be > 0 and padding >= 0");
  const int64_t bs = shape()[0], cin = shape()[1], cout = w.shape()[0], kh = w.shape()[2], kw = w.shape()[3];
  // Padding is materialised: windows over a plain buffer merge into one strided view,
  // which the devices read far faster than a view stack with a mask.
  Tensor x = padding ? pad({{0, 0}, {0, 0}, {padding, padding}, {padding, padding}}).contiguous() : *this;
  x = x.pool({kh, kw}, {stride, stride}, {dilation, dilation});  // (bs, cin, oy, ox, kh, kw)
  const int64_t oy = x.shape()[2], ox = x.shape()[3];
  x = x.reshape({bs, 1, cin, oy, ox, kh, kw}).expand({bs, cout, cin, oy, ox, kh, kw}).permute({0, 1, 3, 4, 2, 5, 6});
  Tensor r = (x * w.reshape({1, cout, 1, 1, cin, kh, kw})).sum({-3, -2, -1});
  return b.defined() ? r + b.reshape({1, cout, 1, 1}) : r;
}

// k x k windows over the last two dims after padding them with `value` (stride -1 means k).
static Tensor pool2d_windows(const Tensor& t, int64_t k, int64_t stride, int64_t padding, float value) {
  if (stride < 0) stride = k;
  std::vector<std::pair<int64_t, int64_t>> p(t.ndim(), {0, 0});
  p[t.ndim() - 2] = p[t.ndim() - 1] = {padding, padding};
  Tensor x = padding ? t.pad(p, value) : t;
  return x.pool({k, k}, {stride, stride}, {1, 1});
}

Tensor Tensor::max_pool2d(int64_t k, int64_t stride, int64_t padding) const {
  TP_CHECK(ndim() >= 2, "max_pool2d needs at least 2 dims, got ", shape_str(shape()));
  return pool2d_windows(*this, k, stride, padding, -INFINITY).max({-2, -1});
}

Tensor Tensor::avg_pool2d(int64_t k, int64_t stride, int64_t padding) const {
  TP_CHECK(ndim() >= 2, "avg_pool2d needs at least 2 dims, got ", shape_str(shape()));
  return pool2d_windows(*this, k, stride, padding, 0.f).mean({-2, -1});
}

Tensor Tensor::dropout(float p, bool training) const {
  TP_CHECK(p >= 0 && p < 1, "dropout probability must be in [0, 1), got ", p);
  if (!training || p == 0) return *this;
  Tensor keep = Tensor::rand(shape(), device().name()).ge(Tensor::full({}, p, DType::f32, device().name()));
  return Tensor::where(keep, *this * (1.f / (1.f - p)), zeros_like());
}

Tensor Tensor::layernorm(std::vector<int64_t> axes, float eps) const {
  Tensor y = *this - mean(axes, true);
  return y * (y.square().mean(axes, true) + eps).rsqrt();
}

Tensor Tensor::one_hot(int64_t classes) const {
  TP_CHECK(dtype() == DType::i32 || dtype() == DType::u8, "one_hot needs integer labels, got ", dtype_name(dtype()));
  Tensor l = dtype() == DType::i32 ? *this : cast(DType::i32);
  Shape s(ndim() + 1, 1);
  s.back() = classes;
  Tensor r = Tensor::arange(0, static_cast<double>(classes), 1, DType::i32, device().name()).reshape(s);
  return l.unsqueeze(-1).eq(r).cast(DType::f32);
}

Tensor Tensor::sparse_categorical_crossentropy(const Tensor& labels, float smoothing) const {
  TP_CHECK(ndim() == 2, "sparse_categorical_crossentropy: logits must be (batch, classes), got ", shape_str(shape()));
  TP_CHECK(labels.ndim() == 1 && labels.shape()[0] == shape()[0], "sparse_categorical_crossentropy: labels must be (",
           shape()[0], ",), got ", shape_str(labels.shape()));
  TP_CHECK(labels.dtype() == DType::i32 || labels.dtype() == DType::u8, "labels must be int32 or uint8, got ",
           dtype_name(labels.dtype()));
  const int64_t C = shape()[1];
  for (int32_t v : labels.cast(DType::i32).to_vector<int32_t>())
    TP_CHECK(v >= 0 && v < C, "label ", v, " is out of range for ", C, " classes");
  Tensor logp = log_softmax(-1);
  Tensor nll = -(logp * labels.one_hot(C)).sum({-1}).mean();
  if (smoothing == 0) return nll;
  return nll * (1 - smoothing) + (-logp.mean({-1})).mean() * smoothing;
}

Tensor Tensor::binary_crossentropy(const Tensor& t) const {
  TP_CHECK(t.shape() == shape(), "binary_crossentropy: target shape ", shape_str(t.shape()), " != ", shape_str(shape()));
  // Logs are clamped at -100 as PyTorch does, so a saturated prediction gives a finite loss.
  Tensor lo = scalar_like(-100);
  return (-(t * log().maximum(lo) + (1.f - t) * (1.f - *this).log().maximum(lo))).mean();
}

Tensor Tensor::binary_crossentropy_logits(const Tensor& t) const {
  TP_CHECK(t.shape() == shape(), "binary_crossentropy_logits: target shape ", shape_str(t.shape()), " != ",
           shape_str(shape()));
  return (relu() - *this * t + (1.f + (-abs()).exp()).log()).mean();
}

Tensor Tensor::mse_loss(const Tensor& t) const {
  TP_CHECK(t.shape() == shape(), "mse_loss: target shape ", shape_str(t.shape()), " != ", shape_str(shape()));
  return (*this - t).square().mean();
}

}  // namespace tinypynq
