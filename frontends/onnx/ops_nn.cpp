// Neural-network ops: Gemm/MatMul, Conv/ConvTranspose, pooling, normalisation, softmax family,
// activations, Dropout.
#include <cmath>

#include "frontends/onnx/onnx_internal.h"
#include "tensor/tensor_ext.h"

namespace tinypynq::onnx {

namespace {
using Fn = std::function<void(NodeCtx&)>;
void add(OpTable& t, const std::string& name, std::set<std::string> attrs, Fn run,
         std::function<void(const NodeCtx&)> check = {}) {
  t[name] = OpDef{std::move(attrs), std::move(run), std::move(check)};
}
const Tensor& fin(const NodeCtx& c, size_t k) {
  if (c.x(k).dtype() != DType::f32) c.fail("input " + std::to_string(k) + " must be a float tensor");
  return c.x(k);
}
void act(OpTable& t, const std::string& name, std::set<std::string> attrs, std::function<Tensor(const NodeCtx&, const Tensor&)> f) {
  add(t, name, std::move(attrs), [f](NodeCtx& c) { c.same(f(c, fin(c, 0))); });
}

// auto_pad (NOTSET, VALID, SAME_UPPER, SAME_LOWER) into explicit begin/end pads.
std::vector<int64_t> resolve_pads(const NodeCtx& c, const Shape& in, const std::vector<int64_t>& k,
                                  const std::vector<int64_t>& st, const std::vector<int64_t>& dl) {
  const size_t nk = k.size();
  std::string ap = c.s("auto_pad", "NOTSET");
  std::vector<int64_t> pads = c.ints("pads");
  if (ap == "NOTSET") {
    if (pads.empty()) pads.assign(2 * nk, 0);
    if (pads.size() != 2 * nk) c.fail("pads needs " + std::to_string(2 * nk) + " values");
    return pads;
  }
  pads.assign(2 * nk, 0);
  if (ap == "VALID") return pads;
  for (size_t j = 0; j < nk; ++j) {
    const int64_t L = in[in.size() - nk + j], o = (L + st[j] - 1) / st[j];
    const int64_t total = std::max<int64_t>(0, (o - 1) * st[j] + dl[j] * (k[j] - 1) + 1 - L);
    const int64_t small = total / 2, big = total - small;
    pads[j] = ap == "SAME_UPPER" ? small : big;
    pads[nk + j] = ap == "SAME_UPPER" ? big : small;
  }
  return pads;
}
void check_auto_pad(const NodeCtx& c) {
  std::string ap = c.s("auto_pad", "NOTSET");
  if (ap != "NOTSET" && ap != "VALID" && ap != "SAME_UPPER" && ap != "SAME_LOWER")
    c.fail("attribute 'auto_pad' value '" + ap + "' is not supported (NOTSET, VALID, SAME_UPPER, SAME_LOWER)");
}
std::vector<int64_t> ones_or(const NodeCtx& c, const char* name, size_t n) {
  auto v = c.ints(name);
  if (v.empty()) v.assign(n, 1);
  if (v.size() != n) c.fail(std::string("attribute '") + name + "' needs " + std::to_string(n) + " values");
  return v;
}

void conv_op(NodeCtx& c, bool transpose) {
  const Tensor &x = fin(c, 0), &w = fin(c, 1);
  if (w.ndim() < 3 || x.ndim() != w.ndim()) c.fail("input " + shape_str(x.shape()) + " and weight " + shape_str(w.shape()) + " ranks do not match");
  const size_t nk = w.ndim() - 2;
  Shape k(w.shape().begin() + 2, w.shape().end());
  auto ks = c.ints("kernel_shape");
  if (!ks.empty() && Shape(ks) != k) c.fail("kernel_shape " + shape_str(ks) + " does not match the weight " + shape_str(w.shape()));
  ops::ConvParams p;
  p.groups = c.i("group", 1);
  p.strides = ones_or(c, "strides", nk);
  p.dilations = ones_or(c, "dilations", nk);
  Tensor b = c.has_in(2) ? fin(c, 2) : Tensor();
  if (!transpose) {
    p.pads = resolve_pads(c, x.shape(), k, p.strides, p.dilations);
    return c.same(ops::conv(x, w, b, p));
  }
  p.output_padding = c.ints("output_padding");
  if (p.output_padding.empty()) p.output_padding.assign(nk, 0);
  const int64_t cout = w.shape()[1] * p.groups;
  (void)cout;
  auto out_shape = c.ints("output_shape");
  std::string ap = c.s("auto_pad", "NOTSET");
  std::vector<int64_t> pads = c.ints("pads");
  if (pads.empty()) pads.assign(2 * nk, 0);
  if (!out_shape.empty() || ap == "SAME_UPPER" || ap == "SAME_LOWER") {
    if (out_shape.size() > nk) out_shape.erase(out_shape.begin(), out_shape.end() - nk);
    for (size_t j = 0; j < nk; ++j) {
      const int64_t L = x.shape()[2 + j];
      const int64_t want = out_shape.empty() ? L * p.strides[j] : out_shape[j];
      const int64_t total = p.strides[j] * (L - 1) + p.output_padding[j] + ((k[j] - 1) * p.dilations[j] + 1) - want;
      if (total < 0) {  // a larger output_shape than the kernel reaches: extra zeros at the end
        pads[j] = 0, pads[nk + j] = 0;
        p.output_padding[j] -= total;
        continue;
      }
      const bool lower = ap == "SAME_LOWER";
      pads[j] = lower ? total - total / 2 : total / 2;
      pads[nk + j] = total - pads[j];
    }
  } else if (ap == "VALID") {
    pads.assign(2 * nk, 0);
  }
  if (pads.size() != 2 * nk) c.fail("pads needs " + std::to_string(2 * nk) + " values");
  p.pads = pads;
  c.same(ops::conv_transpose(x, w, b, p));
}

void pool_op(NodeCtx& c, bool is_max) {
  const Tensor& x = c.x(0);
  auto k = c.ints("kernel_shape");
  if (k.empty()) c.fail("attribute 'kernel_shape' is required");
  if (x.ndim() != k.size() + 2) c.fail("input " + shape_str(x.shape()) + " does not have " + std::to_string(k.size()) + " spatial dims");
  ops::PoolParams p;
  p.kernel = k;
  p.strides = ones_or(c, "strides", k.size());
  p.dilations = ones_or(c, "dilations", k.size());
  p.pads = resolve_pads(c, x.shape(), k, p.strides, p.dilations);
  p.ceil_mode = c.i("ceil_mode", 0) != 0;
  p.count_include_pad = c.i("count_include_pad", 0) != 0;
  c.same(is_max ? ops::max_pool(x, p) : ops::avg_pool(x, p));
}

// Softmax-like ops before opset 13 flatten to 2-D at `axis` (default 1); from 13 they work on one
// axis (default -1).
Tensor softmax_like(const NodeCtx& c, const std::function<Tensor(const Tensor&, int64_t)>& f) {
  const Tensor& x = fin(c, 0);
  if (x.ndim() == 0) c.fail("input must have at least one dimension");
  if (c.opset >= 13) return f(x, norm_ax(c, c.i("axis", -1), x.ndim()));
  int64_t ax = norm_ax(c, c.i("axis", 1), x.ndim());
  const Shape s2{prod(Shape(x.shape().begin(), x.shape().begin() + ax)), prod(Shape(x.shape().begin() + ax, x.shape().end()))};
  return f(x.reshape(s2), 1).reshape(x.shape());
}
Tensor hardmax(const Tensor& x, int64_t ax) {
  const int64_t n = x.shape()[ax];
  Tensor i = x.argmax(ax, true);
  Shape s(x.ndim(), 1);
  s[ax] = n;
  return i.eq(Tensor::arange(0, static_cast<double>(n), 1, DType::i32, x.device().name()).reshape(s)).cast(DType::f32);
}
// NegativeLogLikelihoodLoss on log-probabilities (N, C, d...) and targets (N, d...): the target
// class is selected by a one-hot mask, so ignore_index may lie outside [0, C).
Tensor nll(const NodeCtx& c, const Tensor& lp, const Tensor& target, const Tensor& weight) {
  if (lp.ndim() < 2) c.fail("input must be (N, C, ...)");
  if (target.dtype() != DType::i32) c.fail("target must be an integer tensor");
  Shape ts = lp.shape();
  ts.erase(ts.begin() + 1);
  if (target.shape() != ts) c.fail("target shape " + shape_str(target.shape()) + " does not match input " + shape_str(lp.shape()));
  const int64_t C = lp.shape()[1];
  Shape cs(lp.ndim(), 1);
  cs[1] = C;
  Tensor mask = target.unsqueeze(1).eq(Tensor::arange(0, static_cast<double>(C), 1, DType::i32, lp.device().name()).reshape(cs));
  Tensor picked = -Tensor::where(mask, lp, lp.zeros_like()).sum({1});
  Tensor w = weight.defined() ? Tensor::where(mask, bcast(weight.reshape(cs), mask.shape()), lp.zeros_like()).sum({1})
                              : mask.cast(DType::f32).sum({1});
  if (c.has("ignore_index")) {
    Tensor ign = target.eq(target.scalar_like(static_cast<double>(c.i("ignore_index", 0))));
    w = Tensor::where(ign, w.zeros_like(), w);
  }
  Tensor loss = picked * w;
  const std::string red = c.s("reduction", "mean");
  if (red == "none") return loss;
  if (red == "sum") return loss.sum();
  return loss.sum() / w.sum();
}
void check_reduction(const NodeCtx& c) {
  std::string r = c.s("reduction", "mean");
  if (r != "none" && r != "sum" && r != "mean") c.fail("attribute 'reduction' value '" + r + "' is not supported");
}
}  // namespace

void register_nn_ops(OpTable& t) {
  add(t, "NegativeLogLikelihoodLoss", {"ignore_index", "reduction"}, [](NodeCtx& c) {
    c.same(nll(c, fin(c, 0), c.x(1), c.has_in(2) ? c.x(2) : Tensor()));
  }, check_reduction);
  add(t, "SoftmaxCrossEntropyLoss", {"ignore_index", "reduction"}, [](NodeCtx& c) {
    Tensor lp = fin(c, 0).log_softmax(1);
    c.same(nll(c, lp, c.x(1), c.has_in(2) ? c.x(2) : Tensor()));
    if (c.wants(1)) c.set(1, lp, c.v(0).elem);
  }, check_reduction);
  add(t, "MatMul", {}, [](NodeCtx& c) {
    if (c.x(0).dtype() != c.x(1).dtype()) c.fail("operand types differ");
    c.same(c.x(0).matmul(c.x(1)));
  });
  add(t, "Gemm", {"alpha", "beta", "transA", "transB"}, [](NodeCtx& c) {
    Tensor a = c.x(0), b = c.x(1);
    if (a.ndim() != 2 || b.ndim() != 2) c.fail("A and B must be 2-D, got " + shape_str(a.shape()) + " and " + shape_str(b.shape()));
    if (c.i("transA", 0)) a = a.T();
    if (c.i("transB", 0)) b = b.T();
    Tensor y = a.matmul(b);
    const float alpha = c.f("alpha", 1), beta = c.f("beta", 1);
    if (alpha != 1) y = y * alpha;
    if (c.has_in(2) && beta != 0) {
      Tensor cc = c.x(2);
      y = y + (beta == 1 ? cc : cc * beta);
    }
    c.same(y);
  });
  add(t, "Conv", {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"},
      [](NodeCtx& c) { conv_op(c, false); }, check_auto_pad);
  add(t, "ConvTranspose", {"auto_pad", "dilations", "group", "kernel_shape", "output_padding", "output_shape", "pads", "strides"},
      [](NodeCtx& c) { conv_op(c, true); }, check_auto_pad);
  add(t, "MaxPool", {"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides"},
      [](NodeCtx& c) {
        if (c.wants(1)) c.fail("the Indices output is not supported");
        pool_op(c, true);
      },
      [](const NodeCtx& c) {
        check_auto_pad(c);
        if (c.i("storage_order", 0) != 0) c.fail("attribute 'storage_order' = 1 (column-major indices) is not supported");
        if (c.wants(1)) c.fail("output 'Indices' is not supported");
      });
  add(t, "AveragePool", {"auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides"},
      [](NodeCtx& c) { pool_op(c, false); }, check_auto_pad);
  add(t, "GlobalAveragePool", {}, [](NodeCtx& c) {
    const Tensor& x = fin(c, 0);
    std::vector<int64_t> ax;
    for (size_t i = 2; i < x.ndim(); ++i) ax.push_back(static_cast<int64_t>(i));
    c.same(ax.empty() ? x : x.mean(ax, true));
  });
  add(t, "GlobalMaxPool", {}, [](NodeCtx& c) {
    const Tensor& x = fin(c, 0);
    std::vector<int64_t> ax;
    for (size_t i = 2; i < x.ndim(); ++i) ax.push_back(static_cast<int64_t>(i));
    c.same(ax.empty() ? x : x.max(ax, true));
  });
  add(t, "BatchNormalization", {"epsilon", "momentum", "spatial", "training_mode", "is_test", "consumed_inputs"},
      [](NodeCtx& c) {
        const Tensor& x = fin(c, 0);
        if (x.ndim() < 2) c.fail("input must be (N, C, ...)");
        Shape s(x.ndim(), 1);
        s[1] = x.shape()[1];
        auto r = [&](size_t k) {
          if (c.x(k).numel() != s[1]) c.fail("input " + std::to_string(k) + " must hold " + std::to_string(s[1]) + " values");
          return c.x(k).reshape(s);
        };
        Tensor y = (x - r(3)) * (r(4) + c.f("epsilon", 1e-5f)).rsqrt() * r(1) + r(2);
        c.same(y);
      },
      [](const NodeCtx& c) {
        if (c.i("training_mode", 0)) c.fail("attribute 'training_mode' = 1 is not supported (inference only)");
        if (c.i("spatial", 1) != 1) c.fail("attribute 'spatial' = 0 is not supported");
        for (size_t k = 1; k < 5; ++k)
          if (c.wants(k)) c.fail("training outputs (running mean/var) are not supported");
      });
  add(t, "InstanceNormalization", {"epsilon"}, [](NodeCtx& c) {
    const Tensor& x = fin(c, 0);
    if (x.ndim() < 3) c.fail("input must be (N, C, spatial...)");
    std::vector<int64_t> ax;
    for (size_t i = 2; i < x.ndim(); ++i) ax.push_back(static_cast<int64_t>(i));
    Shape s(x.ndim(), 1);
    s[1] = x.shape()[1];
    Tensor y = x.layernorm(ax, c.f("epsilon", 1e-5f));
    c.same(y * c.x(1).reshape(s) + c.x(2).reshape(s));
  });
  add(t, "LayerNormalization", {"axis", "epsilon", "stash_type"}, [](NodeCtx& c) {
    const Tensor& x = fin(c, 0);
    const int64_t a = norm_ax(c, c.i("axis", -1), x.ndim());
    std::vector<int64_t> ax;
    for (int64_t i = a; i < static_cast<int64_t>(x.ndim()); ++i) ax.push_back(i);
    Tensor mean = x.mean(ax, true);
    Tensor d = x - mean;
    Tensor inv = ((d * d).mean(ax, true) + c.f("epsilon", 1e-5f)).rsqrt();
    Tensor y = d * inv * c.x(1);
    if (c.has_in(2)) y = y + c.x(2);
    c.same(y);
    if (c.wants(1)) c.set(1, mean, c.v(0).elem);
    if (c.wants(2)) c.set(2, inv, c.v(0).elem);
  }, [](const NodeCtx& c) {
    if (c.i("stash_type", 1) != 1) c.fail("attribute 'stash_type' other than 1 (float32) is not supported");
  });
  add(t, "MeanVarianceNormalization", {"axes"}, [](NodeCtx& c) {
    const Tensor& x = fin(c, 0);
    auto ax = c.ints("axes", {0, 2, 3});
    for (auto& a : ax) a = norm_ax(c, a, x.ndim());
    Tensor d = x - x.mean(ax, true);
    c.same(d * ((d * d).mean(ax, true)).rsqrt());
  });
  add(t, "LRN", {"alpha", "beta", "bias", "size"}, [](NodeCtx& c) {
    const Tensor& x = fin(c, 0);
    const int64_t n = c.i("size", 0);
    if (n <= 0 || x.ndim() < 2) c.fail("attribute 'size' must be positive and the input (N, C, ...)");
    std::vector<int64_t> perm{0};
    for (size_t i = 2; i < x.ndim(); ++i) perm.push_back(static_cast<int64_t>(i));
    perm.push_back(1);
    std::vector<int64_t> inv(perm.size());
    for (size_t i = 0; i < perm.size(); ++i) inv[perm[i]] = static_cast<int64_t>(i);
    Tensor sq = (x * x).permute(perm);
    std::vector<std::pair<int64_t, int64_t>> p(sq.ndim(), {0, 0});
    p.back() = {(n - 1) / 2, n - 1 - (n - 1) / 2};
    Tensor s = sq.pad(p).pool({n}, {1}, {1}).sum({-1}).permute(inv);
    Tensor den = (s * (c.f("alpha", 1e-4f) / static_cast<float>(n)) + c.f("bias", 1.f)).pow(c.f("beta", 0.75f));
    c.same(x / den);
  });
  add(t, "Softmax", {"axis"}, [](NodeCtx& c) { c.same(softmax_like(c, [](const Tensor& x, int64_t a) { return x.softmax(a); })); });
  add(t, "LogSoftmax", {"axis"}, [](NodeCtx& c) { c.same(softmax_like(c, [](const Tensor& x, int64_t a) { return x.log_softmax(a); })); });
  add(t, "Hardmax", {"axis"}, [](NodeCtx& c) { c.same(softmax_like(c, hardmax)); });
  add(t, "Dropout", {"ratio", "seed", "is_test"}, [](NodeCtx& c) {
    if (c.has_in(2)) {
      auto tm = c.in_floats(2);
      if (!tm.empty() && tm[0] != 0) c.fail("training_mode = true is not supported (inference only)");
    }
    c.same(c.x(0));
    if (c.wants(1)) c.set(1, Tensor::full(c.x(0).shape(), 1, DType::boolean, c.x(0).device().name()), Elem::BOOL);
  });

  // ---- activations
  act(t, "Relu", {}, [](const NodeCtx&, const Tensor& x) { return x.relu(); });
  act(t, "LeakyRelu", {"alpha"}, [](const NodeCtx& c, const Tensor& x) { return x.leaky_relu(c.f("alpha", 0.01f)); });
  act(t, "Sigmoid", {}, [](const NodeCtx&, const Tensor& x) { return x.sigmoid(); });
  act(t, "Tanh", {}, [](const NodeCtx&, const Tensor& x) { return x.tanh(); });
  act(t, "Softplus", {}, [](const NodeCtx&, const Tensor& x) { return x.softplus(); });
  act(t, "Softsign", {}, [](const NodeCtx&, const Tensor& x) { return x / (x.abs() + 1.f); });
  act(t, "Elu", {"alpha"}, [](const NodeCtx& c, const Tensor& x) {
    return Tensor::where(x.lt(x.scalar_like(0)), (x.exp() - 1.f) * c.f("alpha", 1.f), x);
  });
  act(t, "Celu", {"alpha"}, [](const NodeCtx& c, const Tensor& x) {
    const float a = c.f("alpha", 1.f);
    return x.relu() + ((x / a).exp() - 1.f).minimum(x.scalar_like(0)) * a;
  });
  act(t, "Selu", {"alpha", "gamma"}, [](const NodeCtx& c, const Tensor& x) {
    const float a = c.f("alpha", 1.67326319f), g = c.f("gamma", 1.05070102f);
    return Tensor::where(x.gt(x.scalar_like(0)), x * g, (x.exp() - 1.f) * (a * g));
  });
  act(t, "HardSigmoid", {"alpha", "beta"}, [](const NodeCtx& c, const Tensor& x) {
    return (x * c.f("alpha", 0.2f) + c.f("beta", 0.5f)).clip(0, 1);
  });
  act(t, "HardSwish", {}, [](const NodeCtx&, const Tensor& x) { return x * (x * (1.f / 6) + 0.5f).clip(0, 1); });
  act(t, "ThresholdedRelu", {"alpha"}, [](const NodeCtx& c, const Tensor& x) {
    return Tensor::where(x.gt(x.scalar_like(c.f("alpha", 1.f))), x, x.zeros_like());
  });
  act(t, "Shrink", {"bias", "lambd"}, [](const NodeCtx& c, const Tensor& x) {
    const float b = c.f("bias", 0.f), l = c.f("lambd", 0.5f);
    return Tensor::where(x.lt(x.scalar_like(-l)), x + b, Tensor::where(x.gt(x.scalar_like(l)), x - b, x.zeros_like()));
  });
  add(t, "PRelu", {}, [](NodeCtx& c) {
    const Tensor &x = fin(c, 0), &s = c.x(1);
    Shape sh = bcast_shape(x.shape(), s.shape(), c);
    c.same(Tensor::where(x.lt(x.scalar_like(0)), bcast(x, sh) * bcast(s, sh), bcast(x, sh)));
  });
  add(t, "Clip", {"min", "max"}, [](NodeCtx& c) {
    Tensor x = c.x(0);
    if (c.opset < 11) {
      if (c.has("min")) x = x.maximum(x.scalar_like(c.f("min", 0)));
      if (c.has("max")) x = x.minimum(x.scalar_like(c.f("max", 0)));
    } else {
      if (c.has_in(1)) x = x.maximum(bcast(c.x(1).reshape({}), {}));
      if (c.has_in(2)) x = x.minimum(bcast(c.x(2).reshape({}), {}));
    }
    c.same(x);
  });
}

}  // namespace tinypynq::onnx
