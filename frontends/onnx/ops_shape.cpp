// Shape and movement ops, constants and indexing.
#include <climits>
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

// An int64 host result (shapes, sizes) as a value.
Val ints_val(const std::vector<int64_t>& v, const Shape& s) {
  HostArray a = make_array(Elem::INT64, s);
  std::memcpy(a.data.data(), v.data(), v.size() * 8);
  return host_val(std::move(a), "shape value");
}

std::vector<int64_t> axes_of(const NodeCtx& c, size_t input, const char* attr) {
  if (c.opset >= 13 && c.has_in(input)) return c.in_ints(input);
  return c.ints(attr);
}

Shape checked(const NodeCtx& c, Shape s) {
  check_shape(s, c.where());
  return s;
}

// Slice with ONNX clamping of starts/ends (INT64_MAX and friends are common).
Tensor slice_axes(const NodeCtx& c, Tensor x, const std::vector<int64_t>& st, const std::vector<int64_t>& en,
                  std::vector<int64_t> axes, std::vector<int64_t> steps) {
  if (st.size() != en.size()) c.fail("starts and ends differ in length");
  if (axes.empty()) for (size_t i = 0; i < st.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  if (steps.empty()) steps.assign(st.size(), 1);
  if (axes.size() != st.size() || steps.size() != st.size()) c.fail("starts, ends, axes and steps differ in length");
  std::vector<Range> r(x.ndim());
  std::vector<bool> seen(x.ndim(), false);
  for (size_t i = 0; i < st.size(); ++i) {
    const int64_t a = norm_ax(c, axes[i], x.ndim());
    if (seen[a]) c.fail("axis " + std::to_string(a) + " is sliced twice");
    seen[a] = true;
    const int64_t n = x.shape()[a], step = steps[i];
    if (step == 0) c.fail("step must not be 0");
    auto clampv = [&](int64_t v, int64_t lo, int64_t hi) {
      if (v < 0) v = v < -n ? -n - 1 : v;  // keep the sign so Range resolves it as Python does
      return std::clamp<int64_t>(v, lo, hi);
    };
    int64_t s = st[i], e = en[i];
    if (step > 0) {
      s = s < 0 ? std::max<int64_t>(0, s + n) : std::min(s, n);
      e = e < 0 ? std::max<int64_t>(0, e + n) : std::min(e, n);
      r[a] = Range{s, std::max(s, e), step};
    } else {
      s = s < 0 ? std::max<int64_t>(-1, s + n) : std::min(s, n - 1);
      e = e < 0 ? std::max<int64_t>(-1, e + n) : std::min(e, n - 1);
      if (s <= e) {
        r[a] = Range{0, 0, 1};
      } else {
        // Python's slice would read e = -1 as "the last"; pass the exclusive stop explicitly.
        r[a] = Range{s, e < 0 ? Range::kDefault : e, step};
      }
      (void)clampv;
    }
  }
  return x.slice(r);
}

Tensor pad_mode(const NodeCtx& c, Tensor x, const std::vector<int64_t>& pads, const std::string& mode, double value) {
  const size_t nd = x.ndim();
  if (pads.size() != 2 * nd) c.fail("pads needs " + std::to_string(2 * nd) + " values for rank " + std::to_string(nd));
  if (mode == "constant") {
    std::vector<std::pair<int64_t, int64_t>> p;
    for (size_t i = 0; i < nd; ++i) p.push_back({pads[i], pads[nd + i]});
    if (x.dtype() == DType::boolean) return x.cast(DType::i32).pad(p, static_cast<float>(value)).cast(DType::boolean);
    return x.pad(p, static_cast<float>(value));
  }
  for (size_t i = 0; i < nd; ++i) {
    int64_t lo = pads[i], hi = pads[nd + i];
    if (lo < 0 || hi < 0) c.fail("negative pads are only supported in constant mode");
    if (!lo && !hi) continue;
    const int64_t n = x.shape()[i], ax = static_cast<int64_t>(i);
    if (mode == "reflect" && (lo >= n || hi >= n)) c.fail("reflect padding must be smaller than the axis");
    if (n == 0) c.fail("cannot " + mode + "-pad an empty axis");
    auto part = [&](int64_t a, int64_t b) {
      std::vector<std::pair<int64_t, int64_t>> bb;
      for (auto d : x.shape()) bb.push_back({0, d});
      bb[i] = {a, b};
      return x.shrink(bb);
    };
    std::vector<Tensor> parts;
    if (lo) {
      if (mode == "edge") {
        Shape s = x.shape();
        s[i] = lo;
        parts.push_back(part(0, 1).expand(s));
      } else {
        parts.push_back(part(1, lo + 1).flip({ax}));
      }
    }
    parts.push_back(x);
    if (hi) {
      if (mode == "edge") {
        Shape s = x.shape();
        s[i] = hi;
        parts.push_back(part(n - 1, n).expand(s));
      } else {
        parts.push_back(part(n - 1 - hi, n - 1).flip({ax}));
      }
    }
    x = Tensor::cat(parts, ax);
  }
  return x;
}
}  // namespace

void register_shape_ops(OpTable& t) {
  add(t, "Constant", {"value", "value_float", "value_floats", "value_int", "value_ints"}, [](NodeCtx& c) {
    if (auto* a = c.attr("value")) return void(c.out[0] = host_val(from_proto(a->t(), "", c.where()), c.where()));
    HostArray h;
    if (c.has("value_float")) {
      h = make_array(Elem::FLOAT, {});
      float v = c.f("value_float", 0);
      std::memcpy(h.data.data(), &v, 4);
    } else if (c.has("value_floats")) {
      auto v = c.floats("value_floats");
      h = make_array(Elem::FLOAT, {static_cast<int64_t>(v.size())});
      std::memcpy(h.data.data(), v.data(), 4 * v.size());
    } else if (c.has("value_int")) {
      h = make_array(Elem::INT64, {});
      int64_t v = c.i("value_int", 0);
      std::memcpy(h.data.data(), &v, 8);
    } else if (c.has("value_ints")) {
      auto v = c.ints("value_ints");
      h = make_array(Elem::INT64, {static_cast<int64_t>(v.size())});
      std::memcpy(h.data.data(), v.data(), 8 * v.size());
    } else {
      c.fail("needs one of the attributes value, value_float(s), value_int(s)");
    }
    c.out[0] = host_val(std::move(h), c.where());
  }, [](const NodeCtx& c) {
    if (auto* a = c.attr("value")) from_proto(a->t(), "", c.where());  // types and sizes checked at load
  });
  add(t, "ConstantOfShape", {"value"}, [](NodeCtx& c) {
    Shape s = checked(c, c.in_ints(0));
    Elem e = Elem::FLOAT;
    double v = 0;
    if (auto* a = c.attr("value")) {
      HostArray h = from_proto(a->t(), "", c.where());
      if (h.numel() != 1) c.fail("attribute 'value' must hold one element");
      e = h.elem;
      v = h.as_double()[0];
      if (compute_dtype(e) == DType::i32 && std::fabs(v) > INT32_MAX) c.fail("value is outside the int32 range");
    }
    c.set(Tensor::full(s, v, compute_dtype(e), c.dev), e);
  });
  add(t, "Shape", {"start", "end"}, [](NodeCtx& c) {
    const Shape& s = c.x(0).shape();
    const int64_t r = static_cast<int64_t>(s.size());
    int64_t a = c.i("start", 0), b = c.i("end", r);
    if (a < 0) a += r;
    if (b < 0) b += r;
    a = std::clamp<int64_t>(a, 0, r), b = std::clamp<int64_t>(b, 0, r);
    std::vector<int64_t> v(s.begin() + a, s.begin() + std::max(a, b));
    c.out[0] = ints_val(v, {static_cast<int64_t>(v.size())});
  });
  add(t, "Size", {}, [](NodeCtx& c) { c.out[0] = ints_val({c.x(0).numel()}, {}); });
  add(t, "Reshape", {"allowzero"}, [](NodeCtx& c) {
    const Tensor& x = c.x(0);
    std::vector<int64_t> s = c.in_ints(1);
    const bool allowzero = c.i("allowzero", 0) != 0;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == 0 && !allowzero) {
        if (i >= x.ndim()) c.fail("shape entry 0 at position " + std::to_string(i) + " has no input dimension to copy");
        s[i] = x.shape()[i];
      }
      if (s[i] < -1) c.fail("invalid shape entry " + std::to_string(s[i]));
    }
    c.same(x.reshape(s));
  });
  add(t, "Flatten", {"axis"}, [](NodeCtx& c) {
    const Tensor& x = c.x(0);
    int64_t a = c.i("axis", 1);
    a = a < 0 ? a + static_cast<int64_t>(x.ndim()) : a;
    if (a < 0 || a > static_cast<int64_t>(x.ndim())) c.fail("axis is out of range");
    c.same(x.reshape({prod(Shape(x.shape().begin(), x.shape().begin() + a)), prod(Shape(x.shape().begin() + a, x.shape().end()))}));
  });
  add(t, "Transpose", {"perm"}, [](NodeCtx& c) {
    const Tensor& x = c.x(0);
    auto p = c.ints("perm");
    if (p.empty()) for (size_t i = x.ndim(); i-- > 0;) p.push_back(static_cast<int64_t>(i));
    c.same(x.permute(p));
  });
  add(t, "Squeeze", {"axes"}, [](NodeCtx& c) {
    const Tensor& x = c.x(0);
    auto axes = axes_of(c, 1, "axes");
    if (axes.empty()) return c.same(x.squeeze());
    std::vector<bool> drop(x.ndim(), false);
    for (auto a : axes) {
      int64_t n = norm_ax(c, a, x.ndim());
      if (x.shape()[n] != 1) c.fail("cannot squeeze axis " + std::to_string(n) + " of size " + std::to_string(x.shape()[n]));
      drop[n] = true;
    }
    Shape s;
    for (size_t i = 0; i < x.ndim(); ++i) if (!drop[i]) s.push_back(x.shape()[i]);
    c.same(x.reshape(s));
  });
  add(t, "Unsqueeze", {"axes"}, [](NodeCtx& c) {
    const Tensor& x = c.x(0);
    auto axes = axes_of(c, 1, "axes");
    const size_t r = x.ndim() + axes.size();
    std::vector<bool> ins(r, false);
    for (auto a : axes) {
      int64_t n = norm_ax(c, a, r);
      if (ins[n]) c.fail("axis repeated");
      ins[n] = true;
    }
    Shape s;
    size_t k = 0;
    for (size_t i = 0; i < r; ++i) s.push_back(ins[i] ? 1 : x.shape()[k++]);
    c.same(x.reshape(s));
  });
  add(t, "Concat", {"axis"}, [](NodeCtx& c) {
    std::vector<Tensor> ts;
    for (size_t k = 0; k < c.n_in(); ++k)
      if (c.has_in(k)) ts.push_back(c.x(k));
    if (ts.empty()) c.fail("needs at least one input");
    int64_t a = norm_ax(c, c.i("axis", 0), ts[0].ndim());
    // ONNX allows empty pieces; cat needs at least one non-empty one to pad into.
    std::vector<Tensor> keep;
    for (auto& x : ts) if (x.numel() > 0 || ts.size() == 1) keep.push_back(x);
    if (keep.empty()) {
      Shape s = ts[0].shape();
      s[a] = 0;
      for (auto& x : ts) if (x.ndim() != s.size()) c.fail("ranks differ");
      return c.same(Tensor::zeros(s, ts[0].dtype(), c.dev));
    }
    c.same(Tensor::cat(keep, a));
  }, [](const NodeCtx& c) { if (!c.has("axis")) c.fail("attribute 'axis' is required"); });
  add(t, "Split", {"axis", "split", "num_outputs"}, [](NodeCtx& c) {
    const Tensor& x = c.x(0);
    int64_t a = norm_ax(c, c.i("axis", 0), x.ndim());
    std::vector<int64_t> sizes = c.opset >= 13 ? (c.has_in(1) ? c.in_ints(1) : std::vector<int64_t>{}) : c.ints("split");
    const int64_t n = static_cast<int64_t>(c.out.size()), L = x.shape()[a];
    if (sizes.empty()) {
      if (L % n) c.fail("axis of size " + std::to_string(L) + " does not split into " + std::to_string(n) + " equal parts");
      sizes.assign(n, L / n);
    }
    if (static_cast<int64_t>(sizes.size()) != n) c.fail("split sizes and outputs differ in number");
    auto parts = ops::split(x, a, sizes);
    for (size_t k = 0; k < parts.size(); ++k) c.set(k, parts[k], c.v(0).elem);
  });
  add(t, "Slice", {"starts", "ends", "axes"}, [](NodeCtx& c) {
    if (c.opset < 10) return c.same(slice_axes(c, c.x(0), c.ints("starts"), c.ints("ends"), c.ints("axes"), {}));
    c.same(slice_axes(c, c.x(0), c.in_ints(1), c.in_ints(2), c.has_in(3) ? c.in_ints(3) : std::vector<int64_t>{},
                      c.has_in(4) ? c.in_ints(4) : std::vector<int64_t>{}));
  });
  add(t, "Gather", {"axis"}, [](NodeCtx& c) {
    const Tensor& x = c.x(0);
    if (x.ndim() == 0) c.fail("data must have at least one dimension");
    int64_t a = norm_ax(c, c.i("axis", 0), x.ndim());
    c.same(ops::gather(x, a, c.x(1)));
  });
  add(t, "GatherElements", {"axis"}, [](NodeCtx& c) {
    const Tensor& x = c.x(0);
    if (x.ndim() == 0) c.fail("data must have at least one dimension");
    c.same(ops::gather_elements(x, norm_ax(c, c.i("axis", 0), x.ndim()), c.x(1)));
  });
  add(t, "Expand", {}, [](NodeCtx& c) {
    const Tensor& x = c.x(0);
    Shape s = bcast_shape(x.shape(), checked(c, c.in_ints(1)), c);
    c.same(bcast(x, s));
  });
  add(t, "Tile", {}, [](NodeCtx& c) {
    const Tensor& x = c.x(0);
    auto r = c.in_ints(1);
    if (r.size() != x.ndim()) c.fail("repeats needs one value per dimension");
    Shape out = x.shape();
    for (size_t i = 0; i < r.size(); ++i) {
      if (r[i] < 0) c.fail("negative repeat");
      out[i] *= r[i];
    }
    checked(c, out);
    c.same(x.repeat(r));
  });
  add(t, "Pad", {"mode", "pads", "value"}, [](NodeCtx& c) {
    std::string mode = c.s("mode", "constant");
    if (c.opset < 11) return c.same(pad_mode(c, c.x(0), c.ints("pads"), mode, c.f("value", 0)));
    double v = 0;
    if (c.has_in(2)) {
      auto f = c.in_floats(2);
      if (f.size() != 1) c.fail("constant_value must be a scalar");
      v = f[0];
    }
    c.same(pad_mode(c, c.x(0), c.in_ints(1), mode, v));
  }, [](const NodeCtx& c) {
    std::string m = c.s("mode", "constant");
    if (m != "constant" && m != "reflect" && m != "edge") c.fail("attribute 'mode' value '" + m + "' is not supported (constant, reflect, edge)");
  });
  add(t, "Range", {}, [](NodeCtx& c) {
    auto a = c.in_floats(0), b = c.in_floats(1), d = c.in_floats(2);
    if (a.size() != 1 || b.size() != 1 || d.size() != 1) c.fail("start, limit and delta must be scalars");
    if (d[0] == 0) c.fail("delta must not be 0");
    double n = std::ceil((static_cast<double>(b[0]) - a[0]) / d[0]);
    if (n > static_cast<double>(kMaxElements)) c.fail("the range is too long");
    n = std::max(0.0, n);
    const DType dt = c.x(0).dtype();
    if (dt == DType::f32) {
      std::vector<float> v;
      for (int64_t i = 0; i < static_cast<int64_t>(n); ++i) v.push_back(static_cast<float>(a[0] + i * static_cast<double>(d[0])));
      c.same(Tensor::from_data(v, {static_cast<int64_t>(v.size())}, c.dev));
    } else {
      std::vector<int32_t> v;
      for (int64_t i = 0; i < static_cast<int64_t>(n); ++i) v.push_back(static_cast<int32_t>(a[0] + i * d[0]));
      c.same(Tensor::from_data(v, {static_cast<int64_t>(v.size())}, c.dev));
    }
  });
  add(t, "CumSum", {"exclusive", "reverse"}, [](NodeCtx& c) {
    auto ax = c.in_ints(1);
    if (ax.size() != 1) c.fail("axis must be a scalar");
    c.same(ops::cumsum(c.x(0), norm_ax(c, ax[0], c.x(0).ndim()), c.i("exclusive", 0), c.i("reverse", 0)));
  });
  add(t, "Trilu", {"upper"}, [](NodeCtx& c) {
    const Tensor& x = c.x(0);
    if (x.ndim() < 2) c.fail("input must have at least 2 dimensions");
    int64_t k = 0;
    if (c.has_in(1)) {
      auto kv = c.in_ints(1);
      if (kv.size() != 1) c.fail("k must be a scalar");
      k = std::clamp<int64_t>(kv[0], -INT32_MAX, INT32_MAX);
    }
    const int64_t R = x.shape()[x.ndim() - 2], C = x.shape()[x.ndim() - 1];
    Tensor m = ops::tril_mask(R, C, k, c.i("upper", 1) != 0, x.device().name());
    Tensor z = x.dtype() == DType::boolean ? x.logical_not().logical_not().ne(x) : x.zeros_like();
    c.same(Tensor::where(bcast(m, x.shape()), x, z));
  });
  add(t, "OneHot", {"axis"}, [](NodeCtx& c) {
    const Tensor& idx = c.x(0);
    auto dv = c.in_floats(1);
    if (dv.size() != 1 || dv[0] < 1 || dv[0] > kMaxElements) c.fail("depth must be a positive scalar");
    const int64_t depth = static_cast<int64_t>(dv[0]);
    const Tensor& vals = c.x(2);
    if (vals.numel() != 2) c.fail("values must hold [off, on]");
    Tensor i = idx.dtype() == DType::f32 ? idx.cast(DType::i32) : idx;
    i = Tensor::where(i.lt(i.scalar_like(0)), i + i.scalar_like(static_cast<double>(depth)), i);
    const int64_t r = static_cast<int64_t>(idx.ndim()) + 1;
    int64_t a = norm_ax(c, c.i("axis", -1), r);
    Shape s(r, 1);
    s[a] = depth;
    Tensor hot = i.unsqueeze(a).eq(Tensor::arange(0, static_cast<double>(depth), 1, DType::i32, c.dev).reshape(s));
    Tensor off = vals[0], on = vals[1];
    c.set(Tensor::where(hot, on, off), c.v(2).elem);
  });
  add(t, "EyeLike", {"dtype", "k"}, [](NodeCtx& c) {
    const Tensor& x = c.x(0);
    if (x.ndim() != 2) c.fail("input must be 2-D");
    Elem e = c.has("dtype") ? check_elem(static_cast<int32_t>(c.i("dtype", 1)), c.where()) : c.v(0).elem;
    Tensor m = ops::tril_mask(x.shape()[0], x.shape()[1], c.i("k", 0), true, c.dev);
    Tensor m2 = ops::tril_mask(x.shape()[0], x.shape()[1], c.i("k", 0), false, c.dev);
    c.set(cast_to(Tensor::where(m, m2, m), e, c), e);
  });
  for (const char* n : {"DepthToSpace", "SpaceToDepth"}) {
    const bool d2s = std::string(n) == "DepthToSpace";
    add(t, n, {"blocksize", "mode"}, [d2s](NodeCtx& c) {
      const Tensor& x = c.x(0);
      if (x.ndim() != 4) c.fail("input must be (N, C, H, W)");
      const int64_t b = c.i("blocksize", 0), N = x.shape()[0], C = x.shape()[1], H = x.shape()[2], W = x.shape()[3];
      if (b <= 0) c.fail("blocksize must be positive");
      if (d2s) {
        if (C % (b * b)) c.fail("channels are not divisible by blocksize^2");
        const bool crd = c.s("mode", "DCR") == "CRD";
        Tensor y = crd ? x.reshape({N, C / (b * b), b, b, H, W}).permute({0, 1, 4, 2, 5, 3})
                       : x.reshape({N, b, b, C / (b * b), H, W}).permute({0, 3, 4, 1, 5, 2});
        c.same(y.reshape({N, C / (b * b), H * b, W * b}));
      } else {
        if (H % b || W % b) c.fail("height and width must be divisible by blocksize");
        Tensor y = x.reshape({N, C, H / b, b, W / b, b}).permute({0, 3, 5, 1, 2, 4});
        c.same(y.reshape({N, C * b * b, H / b, W / b}));
      }
    }, [](const NodeCtx& c) {
      std::string m = c.s("mode", "DCR");
      if (m != "DCR" && m != "CRD") c.fail("attribute 'mode' must be DCR or CRD");
    });
  }
}

}  // namespace tinypynq::onnx
