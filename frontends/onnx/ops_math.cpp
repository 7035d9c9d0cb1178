// Elementwise, comparison, logic, reduction and cast ops.
#include <cmath>

#include "frontends/onnx/onnx_internal.h"
#include "tensor/tensor_ext.h"

namespace tinypynq::onnx {

namespace {
using Fn = std::function<void(NodeCtx&)>;

bool is_f(const Tensor& t) { return t.dtype() == DType::f32; }
Tensor f32(const Tensor& t) { return is_f(t) ? t : t.cast(DType::f32); }

void add(OpTable& t, const std::string& name, std::set<std::string> attrs, Fn run,
         std::function<void(const NodeCtx&)> check = {}) {
  t[name] = OpDef{std::move(attrs), std::move(run), std::move(check)};
}

// A float-only unary op: integer inputs are rejected as ONNX's type constraints do.
void unary_f(OpTable& t, const std::string& name, std::function<Tensor(const Tensor&)> f, std::set<std::string> attrs = {}) {
  add(t, name, std::move(attrs), [f](NodeCtx& c) {
    if (!is_f(c.x(0))) c.fail(std::string("input must be a float tensor, got ") + elem_name(c.v(0).elem));
    c.same(f(c.x(0)));
  });
}

void binary(OpTable& t, const std::string& name, std::function<Tensor(const Tensor&, const Tensor&)> f, bool boolean_out = false) {
  add(t, name, {}, [f, boolean_out](NodeCtx& c) {
    const Tensor &a = c.x(0), &b = c.x(1);
    if (a.dtype() != b.dtype())
      c.fail(std::string("operand types differ: ") + elem_name(c.v(0).elem) + " and " + elem_name(c.v(1).elem));
    Shape s = bcast_shape(a.shape(), b.shape(), c);
    Tensor r = f(bcast(a, s), bcast(b, s));
    if (boolean_out) c.set(r, Elem::BOOL);
    else c.same(r);
  });
}

// Max/Min/Sum/Mean take any number of inputs with multidirectional broadcasting.
void variadic(OpTable& t, const std::string& name, std::function<Tensor(const Tensor&, const Tensor&)> f, bool mean = false) {
  add(t, name, {}, [f, mean](NodeCtx& c) {
    if (c.n_in() == 0) c.fail("needs at least one input");
    Tensor r = c.x(0);
    for (size_t k = 1; k < c.n_in(); ++k) {
      Shape s = bcast_shape(r.shape(), c.x(k).shape(), c);
      if (c.x(k).dtype() != r.dtype()) c.fail("input types differ");
      r = f(bcast(r, s), bcast(c.x(k), s));
    }
    if (mean) r = r / static_cast<float>(c.n_in());
    c.same(r);
  });
}

Tensor land(const Tensor& a, const Tensor& b) { return Tensor::where(a, b, a); }
Tensor lor(const Tensor& a, const Tensor& b) { return Tensor::where(a, a, b); }
Tensor bool_in(const NodeCtx& c, size_t k) {
  if (c.x(k).dtype() != DType::boolean) c.fail("input " + std::to_string(k) + " must be bool");
  return c.x(k);
}

Tensor pow_t(const NodeCtx& c) {
  Tensor x = c.x(0), y = c.x(1);
  Shape s = bcast_shape(x.shape(), y.shape(), c);
  Tensor xf = bcast(f32(x), s), yf = bcast(f32(y), s);
  Tensor mag = (xf.abs().log() * yf).exp();
  // x < 0: defined for integer exponents only; the sign flips for odd ones. 0^y: 0 (y > 0), 1 (y = 0).
  Tensor yi = ops::floor(yf).eq(yf);
  Tensor odd = yf.mod(yf.scalar_like(2)).abs().eq(yf.scalar_like(1));
  Tensor neg = xf.lt(xf.scalar_like(0));
  Tensor r = Tensor::where(neg, Tensor::where(yi, Tensor::where(odd, -mag, mag), mag.full_like(NAN)), mag);
  r = Tensor::where(yf.eq(yf.scalar_like(0)), r.ones_like(), r);
  if (!is_f(x)) r = ops::round_even(r).cast(DType::i32);
  return r;
}

// Reduction axes: the `axes` attribute, or (ReduceSum >= 13, all others >= 18) input 1.
std::vector<int64_t> reduce_axes(const NodeCtx& c, size_t rank, bool& noop) {
  std::vector<int64_t> axes;
  if (c.has_in(1)) axes = c.in_ints(1);
  else axes = c.ints("axes");
  noop = axes.empty() && c.i("noop_with_empty_axes", 0);
  for (auto& a : axes) a = norm_ax(c, a, rank);
  if (axes.empty())
    for (size_t i = 0; i < rank; ++i) axes.push_back(static_cast<int64_t>(i));
  return axes;
}

void reduce(OpTable& t, const std::string& name, std::function<Tensor(const Tensor&, const std::vector<int64_t>&, bool)> f) {
  add(t, name, {"axes", "keepdims", "noop_with_empty_axes"}, [f](NodeCtx& c) {
    bool noop = false;
    const Tensor& x = c.x(0);
    auto axes = reduce_axes(c, x.ndim(), noop);
    if (noop) return c.same(x);
    bool keep = c.i("keepdims", 1) != 0;
    c.same(f(x, axes, keep));
  });
}

// Product: |x| through exp(sum(log|x|)), the sign from the count of negatives, 0 if any is 0.
Tensor prod_reduce(const Tensor& x_in, const std::vector<int64_t>& ax, bool keep) {
  Tensor x = f32(x_in);
  Tensor mag = (x.abs().log().sum(ax, keep)).exp();
  Tensor nneg = x.lt(x.scalar_like(0)).cast(DType::i32).sum(ax, keep);
  Tensor odd = nneg.mod(nneg.scalar_like(2)).eq(nneg.scalar_like(1));
  Tensor zero = x.eq(x.scalar_like(0)).max(ax, keep);
  Tensor r = Tensor::where(zero, mag.zeros_like(), Tensor::where(odd, -mag, mag));
  return is_f(x_in) ? r : ops::round_even(r).cast(DType::i32);
}

Tensor arg_reduce(const NodeCtx& c, bool is_max) {
  const Tensor& x = c.x(0);
  int64_t ax = norm_ax(c, c.i("axis", 0), x.ndim());
  bool keep = c.i("keepdims", 1) != 0, last = c.i("select_last_index", 0) != 0;
  Tensor src = is_max ? x : (x.dtype() == DType::boolean ? x.logical_not() : -x);
  if (!last) return src.argmax(ax, keep);
  const int64_t n = x.shape()[ax];
  Tensor r = src.flip({ax}).argmax(ax, keep);
  return r.scalar_like(static_cast<double>(n - 1)) - r;
}
}  // namespace

void register_math_ops(OpTable& t) {
  // ---- arithmetic
  binary(t, "Add", [](const Tensor& a, const Tensor& b) { return a + b; });
  binary(t, "Sub", [](const Tensor& a, const Tensor& b) { return a - b; });
  binary(t, "Mul", [](const Tensor& a, const Tensor& b) { return a * b; });
  binary(t, "Div", [](const Tensor& a, const Tensor& b) { return a / b; });
  add(t, "Mod", {"fmod"}, [](NodeCtx& c) {
    const Tensor &a0 = c.x(0), &b0 = c.x(1);
    if (a0.dtype() != b0.dtype()) c.fail("operand types differ");
    Shape s = bcast_shape(a0.shape(), b0.shape(), c);
    Tensor a = bcast(a0, s), b = bcast(b0, s);
    Tensor r = a.mod(b);  // C semantics: the sign of the dividend
    if (!c.i("fmod", 0)) {
      if (is_f(a)) c.fail("fmod=0 is only defined for integer inputs (ONNX)");
      Tensor z = r.scalar_like(0);
      Tensor fix = Tensor::where(r.ne(z), r.lt(z).ne(b.lt(z)), r.ne(z));
      r = Tensor::where(fix, r + b, r);
    }
    c.same(r);
  });
  add(t, "Pow", {}, [](NodeCtx& c) { c.same(pow_t(c)); });
  variadic(t, "Max", [](const Tensor& a, const Tensor& b) { return a.maximum(b); });
  variadic(t, "Min", [](const Tensor& a, const Tensor& b) { return a.minimum(b); });
  variadic(t, "Sum", [](const Tensor& a, const Tensor& b) { return a + b; });
  variadic(t, "Mean", [](const Tensor& a, const Tensor& b) { return a + b; }, true);
  add(t, "Neg", {}, [](NodeCtx& c) { c.same(-c.x(0)); });
  add(t, "Abs", {}, [](NodeCtx& c) { c.same(c.x(0).abs()); });
  add(t, "Sign", {}, [](NodeCtx& c) { c.same(c.x(0).sign()); });
  add(t, "Identity", {}, [](NodeCtx& c) { c.same(c.x(0)); });
  add(t, "Reciprocal", {}, [](NodeCtx& c) { c.same(c.x(0).reciprocal()); });
  unary_f(t, "Exp", [](const Tensor& x) { return x.exp(); });
  unary_f(t, "Log", [](const Tensor& x) { return x.log(); });
  unary_f(t, "Sqrt", [](const Tensor& x) { return x.sqrt(); });
  unary_f(t, "Sin", [](const Tensor& x) { return x.sin(); });
  unary_f(t, "Cos", [](const Tensor& x) { return x.cos(); });
  unary_f(t, "Tan", [](const Tensor& x) { return x.tan(); });
  unary_f(t, "Asin", ops::asin);
  unary_f(t, "Acos", ops::acos);
  unary_f(t, "Atan", ops::atan);
  unary_f(t, "Sinh", ops::sinh);
  unary_f(t, "Cosh", ops::cosh);
  unary_f(t, "Asinh", ops::asinh);
  unary_f(t, "Acosh", ops::acosh);
  unary_f(t, "Atanh", ops::atanh);
  unary_f(t, "Erf", ops::erf);
  unary_f(t, "Floor", ops::floor);
  unary_f(t, "Ceil", ops::ceil);
  unary_f(t, "Round", ops::round_even);
  add(t, "IsNaN", {}, [](NodeCtx& c) { c.set(c.x(0).ne(c.x(0)), Elem::BOOL); });
  add(t, "IsInf", {"detect_negative", "detect_positive"}, [](NodeCtx& c) {
    const Tensor& x = c.x(0);
    Tensor pos = x.eq(x.scalar_like(INFINITY)), neg = x.eq(x.scalar_like(-INFINITY));
    bool dn = c.i("detect_negative", 1), dp = c.i("detect_positive", 1);
    Tensor f = Tensor::full(x.shape(), 0, DType::boolean, x.device().name());
    c.set(dn && dp ? lor(pos, neg) : dp ? pos : dn ? neg : f, Elem::BOOL);
  });

  // ---- comparison and logic
  binary(t, "Equal", [](const Tensor& a, const Tensor& b) { return a.eq(b); }, true);
  binary(t, "Less", [](const Tensor& a, const Tensor& b) { return a.lt(b); }, true);
  binary(t, "LessOrEqual", [](const Tensor& a, const Tensor& b) { return a.le(b); }, true);
  binary(t, "Greater", [](const Tensor& a, const Tensor& b) { return a.gt(b); }, true);
  binary(t, "GreaterOrEqual", [](const Tensor& a, const Tensor& b) { return a.ge(b); }, true);
  add(t, "Not", {}, [](NodeCtx& c) { c.same(bool_in(c, 0).logical_not()); });
  for (const char* n : {"And", "Or", "Xor"}) {
    std::string op = n;
    add(t, op, {}, [op](NodeCtx& c) {
      Tensor a = bool_in(c, 0), b = bool_in(c, 1);
      Shape s = bcast_shape(a.shape(), b.shape(), c);
      a = bcast(a, s), b = bcast(b, s);
      c.set(op == "And" ? land(a, b) : op == "Or" ? lor(a, b) : a.ne(b), Elem::BOOL);
    });
  }
  add(t, "Where", {}, [](NodeCtx& c) {
    if (c.x(0).dtype() != DType::boolean) c.fail("condition must be bool");
    if (c.x(1).dtype() != c.x(2).dtype()) c.fail("branch types differ");
    c.set(Tensor::where(c.x(0), c.x(1), c.x(2)), c.v(1).elem);
  });

  // ---- casts
  add(t, "Cast", {"to"}, [](NodeCtx& c) {
    Elem e = check_elem(static_cast<int32_t>(c.i("to", 0)), c.where() + " 'to'");
    c.set(cast_to(c.x(0), e, c), e);
  }, [](const NodeCtx& c) { check_elem(static_cast<int32_t>(c.i("to", 0)), c.where() + ": attribute 'to'"); });
  add(t, "CastLike", {}, [](NodeCtx& c) {
    Elem e = c.v(1).elem;
    c.set(cast_to(c.x(0), e, c), e);
  });

  // ---- reductions
  reduce(t, "ReduceSum", [](const Tensor& x, const std::vector<int64_t>& a, bool k) { return x.sum(a, k); });
  reduce(t, "ReduceMean", [](const Tensor& x, const std::vector<int64_t>& a, bool k) { return x.mean(a, k); });
  reduce(t, "ReduceMax", [](const Tensor& x, const std::vector<int64_t>& a, bool k) { return x.max(a, k); });
  reduce(t, "ReduceMin", [](const Tensor& x, const std::vector<int64_t>& a, bool k) { return x.min(a, k); });
  reduce(t, "ReduceProd", prod_reduce);
  reduce(t, "ReduceSumSquare", [](const Tensor& x, const std::vector<int64_t>& a, bool k) { return (x * x).sum(a, k); });
  reduce(t, "ReduceL1", [](const Tensor& x, const std::vector<int64_t>& a, bool k) { return x.abs().sum(a, k); });
  reduce(t, "ReduceL2", [](const Tensor& x, const std::vector<int64_t>& a, bool k) {
    Tensor r = f32(x * x).sum(a, k).sqrt();
    return is_f(x) ? r : ops::round_even(r).cast(DType::i32);
  });
  reduce(t, "ReduceLogSum", [](const Tensor& x, const std::vector<int64_t>& a, bool k) { return f32(x).sum(a, k).log(); });
  reduce(t, "ReduceLogSumExp", [](const Tensor& x_in, const std::vector<int64_t>& a, bool k) {
    Tensor x = f32(x_in);
    Tensor m = x.max(a, true).detach();
    Tensor r = (x - m).exp().sum(a, true).log() + m;
    if (!k) {
      Shape s;
      for (size_t i = 0; i < x.ndim(); ++i)
        if (std::find(a.begin(), a.end(), static_cast<int64_t>(i)) == a.end()) s.push_back(x.shape()[i]);
      r = r.reshape(s);
    }
    return r;
  });
  add(t, "ArgMax", {"axis", "keepdims", "select_last_index"}, [](NodeCtx& c) { c.set(arg_reduce(c, true), Elem::INT64); });
  add(t, "ArgMin", {"axis", "keepdims", "select_last_index"}, [](NodeCtx& c) { c.set(arg_reduce(c, false), Elem::INT64); });
}

}  // namespace tinypynq::onnx
