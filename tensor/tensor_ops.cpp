// Tensor ops composed from the first-class ops: elementwise math with broadcasting,
// reductions and movement.
#include <algorithm>
#include <cmath>

#include "tensor/function.h"

namespace tinypynq {

namespace {
constexpr double kLn2 = 0.69314718055994530942;

Tensor un(std::shared_ptr<Function> f, const Tensor& x) { return apply_fn(std::move(f), {x}); }

// Transcendentals on integer tensors compute in float, as PyTorch promotes.
Tensor as_float(const Tensor& x) { return x.dtype() == DType::f32 ? x : x.cast(DType::f32); }

Shape broadcast_shape(const Shape& a, const Shape& b, const char* what) {
  size_t n = std::max(a.size(), b.size());
  Shape r(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t x = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t y = i < n - b.size() ? 1 : b[i - (n - b.size())];
    TP_CHECK(x == y || x == 1 || y == 1, what, ": shapes ", shape_str(a), " and ", shape_str(b),
             " cannot be broadcast (dimension ", i, ": ", x, " vs ", y, ")");
    r[i] = x == 1 ? y : x;
  }
  return r;
}

Tensor broadcast_to(const Tensor& x, const Shape& s) {
  if (x.shape() == s) return x;
  Shape padded(s.size() - x.ndim(), 1);
  padded.insert(padded.end(), x.shape().begin(), x.shape().end());
  return x.reshape(padded).expand(s);
}

Tensor binop(Op op, const Tensor& a, const Tensor& b, const char* what) {
  TP_CHECK(a.dtype() == b.dtype(), what, ": dtype mismatch, ", dtype_name(a.dtype()), " vs ", dtype_name(b.dtype()),
           " (cast one side with .cast())");
  if (op != Op::CMPEQ && op != Op::CMPLT && op != Op::MAX) {
    TP_CHECK(a.dtype() != DType::boolean, what, " is not defined on bool tensors (cast to int32 or float32 first)");
    // Kernels compute uint8 as int32 (docs/tensor.md: arithmetic is f32/i32), so a fused result
    // would not wrap while a stored one would: arithmetic needs an explicit cast.
    TP_CHECK(a.dtype() != DType::u8, what, " is not defined on uint8 tensors (cast to int32 or float32 first)");
  }
  Shape s = broadcast_shape(a.shape(), b.shape(), what);
  if (op == Op::CMPLT || op == Op::CMPEQ) {  // bool results are not differentiable (as in PyTorch)
    NoGrad ng;
    return apply_fn(fn::binary(op), {broadcast_to(a, s), broadcast_to(b, s)});
  }
  return apply_fn(fn::binary(op), {broadcast_to(a, s), broadcast_to(b, s)});
}

std::vector<int> norm_axes(const std::vector<int64_t>& axes, size_t nd) {
  std::vector<int> r;
  if (nd == 0) {  // a 0-d tensor: axis 0/-1 name the value itself, reducing over nothing
    for (auto a : axes) check_scalar_axis(a);
    TP_CHECK(axes.size() <= 1, "an axis appears twice in the reduction axes (0 and -1 are the one axis of a 0-d tensor)");
    return r;
  }
  if (axes.empty())
    for (size_t i = 0; i < nd; ++i) r.push_back(static_cast<int>(i));
  for (auto a : axes) r.push_back(norm_axis(a, nd));
  std::sort(r.begin(), r.end());
  TP_CHECK(std::adjacent_find(r.begin(), r.end()) == r.end(), "an axis appears twice in the reduction axes");
  return r;
}

Shape drop_axes(const Shape& s, const std::vector<int>& axes) {
  Shape r;
  for (size_t i = 0; i < s.size(); ++i)
    if (std::find(axes.begin(), axes.end(), (int)i) == axes.end()) r.push_back(s[i]);
  return r;
}

Tensor reduce(Op op, const Tensor& x, const std::vector<int64_t>& axes_in, bool keepdim) {
  std::vector<int> axes = norm_axes(axes_in, x.ndim());
  Tensor src = x;
  if (op == Op::SUM && (x.dtype() == DType::boolean || x.dtype() == DType::u8)) src = x.cast(DType::i32);
  if (op == Op::RMAX && x.dtype() == DType::boolean) src = x.cast(DType::i32);
  for (int a : axes)
    TP_CHECK(x.shape()[a] > 0 || op == Op::SUM, "max/min over an empty axis ", a, " of shape ", shape_str(x.shape()),
             " has no identity");
  // No axes only happens on a 0-d tensor (axis 0/-1 or none): the reduction is the value itself.
  Tensor r = axes.empty() ? src : apply_fn(fn::reduce(op, axes), {src});
  if (op == Op::RMAX && x.dtype() == DType::boolean) r = r.cast(DType::boolean);  // max of bool is bool (any)
  return keepdim ? r : r.reshape(drop_axes(x.shape(), axes));
}
}  // namespace

Tensor Tensor::scalar_like(double v) const { return Tensor::full({}, v, dtype(), device().name()); }

// ---- elementwise
Tensor Tensor::cast(DType d) const {
  if (d == dtype()) return *this;
  // Integer and bool results are not differentiable (as in PyTorch): no graph edge, so a
  // gradient is neither passed through nor truncated to an integer on the way back.
  if (!is_float(d)) return Tensor(lb_cast(lazy(), d));
  return un(fn::cast(d), *this);
}
Tensor Tensor::contiguous() const { return un(fn::contiguous(), *this); }
Tensor Tensor::neg() const {
  TP_CHECK(dtype() != DType::boolean, "neg is not defined on bool tensors (use logical_not)");
  TP_CHECK(dtype() != DType::u8, "neg is not defined on uint8 tensors (cast to int32 or float32 first)");
  return un(fn::neg(), *this);
}
Tensor Tensor::exp() const { return un(fn::exp(), as_float(*this)); }
Tensor Tensor::exp2() const { return as_float(*this).mul(scalar_like(kLn2).cast(DType::f32)).exp(); }
Tensor Tensor::log() const { return un(fn::log(), as_float(*this)); }
Tensor Tensor::log2() const { return as_float(*this).log() / static_cast<float>(kLn2); }
Tensor Tensor::sin() const { return un(fn::sin(), as_float(*this)); }
Tensor Tensor::cos() const { return (static_cast<float>(M_PI / 2) - as_float(*this)).sin(); }
Tensor Tensor::tan() const { return sin() / cos(); }
Tensor Tensor::sqrt() const { return un(fn::sqrt(), as_float(*this)); }
Tensor Tensor::rsqrt() const { return sqrt().reciprocal(); }
Tensor Tensor::reciprocal() const { return un(fn::reciprocal(), as_float(*this)); }
Tensor Tensor::relu() const { return un(fn::relu(), as_float(*this)); }
Tensor Tensor::leaky_relu(float s) const { return relu() - (-*this).relu() * s; }
Tensor Tensor::sigmoid() const { return un(fn::sigmoid(), as_float(*this)); }
Tensor Tensor::tanh() const { return (*this * 2.f).sigmoid() * 2.f - 1.f; }
Tensor Tensor::gelu() const {
  const float k = static_cast<float>(std::sqrt(2.0 / M_PI));
  return 0.5f * *this * (1.f + (k * (*this + 0.044715f * *this * *this * *this)).tanh());
}
Tensor Tensor::silu() const { return *this * sigmoid(); }
Tensor Tensor::softplus() const {  // log(1 + e^x) = max(x, 0) + log(1 + e^-|x|), stable for large |x|
  return relu() + (1.f + (-abs()).exp()).log();
}
Tensor Tensor::abs() const { return relu() + (-*this).relu(); }
Tensor Tensor::sign() const {
  Tensor z = scalar_like(0);
  return gt(z).cast(dtype()) - lt(z).cast(dtype());
}
Tensor Tensor::clip(float lo, float hi) const {
  TP_CHECK(lo <= hi, "clip: low ", lo, " is greater than high ", hi);
  return maximum(scalar_like(lo)).minimum(scalar_like(hi));
}
Tensor Tensor::pow(float e) const {
  if (e == 0) return ones_like();
  if (e == 1) return *this;
  if (e == 2) return *this * *this;
  if (e == 0.5f) return sqrt();
  if (e == -1) return reciprocal();
  // |x|^e, with the sign of x restored for odd integer exponents; NaN for negative x otherwise.
  Tensor x = as_float(*this);
  Tensor mag = (x.abs().log() * e).exp();
  if (std::floor(e) != e) return Tensor::where(x.lt(x.scalar_like(0)), x.full_like(NAN), mag);
  if (std::fmod(std::fabs(e), 2.f) == 1.f) return mag * Tensor::where(x.lt(x.scalar_like(0)), x.full_like(-1), x.full_like(1));
  return mag;
}

Tensor Tensor::add(const Tensor& o) const { return binop(Op::ADD, *this, o, "add"); }
Tensor Tensor::sub(const Tensor& o) const { return binop(Op::SUB, *this, o, "sub"); }
Tensor Tensor::mul(const Tensor& o) const { return binop(Op::MUL, *this, o, "mul"); }
Tensor Tensor::div(const Tensor& o) const { return binop(Op::DIV, *this, o, "div"); }
Tensor Tensor::mod(const Tensor& o) const { return binop(Op::MOD, *this, o, "mod"); }
Tensor Tensor::maximum(const Tensor& o) const { return binop(Op::MAX, *this, o, "maximum"); }
Tensor Tensor::minimum(const Tensor& o) const {
  if (dtype() == DType::boolean) return logical_not().maximum(o.logical_not()).logical_not();
  return -((-*this).maximum(-o));
}
Tensor Tensor::lt(const Tensor& o) const { return binop(Op::CMPLT, *this, o, "lt"); }
Tensor Tensor::gt(const Tensor& o) const { return binop(Op::CMPLT, o, *this, "gt"); }
Tensor Tensor::eq(const Tensor& o) const { return binop(Op::CMPEQ, *this, o, "eq"); }
Tensor Tensor::ne(const Tensor& o) const { return eq(o).logical_not(); }
Tensor Tensor::le(const Tensor& o) const { return gt(o).logical_not(); }
Tensor Tensor::ge(const Tensor& o) const { return lt(o).logical_not(); }
Tensor Tensor::logical_not() const {
  TP_CHECK(dtype() == DType::boolean, "logical_not needs a bool tensor, got ", dtype_name(dtype()));
  return eq(scalar_like(0));
}
Tensor Tensor::where(const Tensor& c, const Tensor& a, const Tensor& b) {
  TP_CHECK(c.dtype() == DType::boolean, "where: condition must be bool, got ", dtype_name(c.dtype()),
           " (compare first, e.g. x.gt(0))");
  TP_CHECK(a.dtype() == b.dtype(), "where: branch dtypes differ, ", dtype_name(a.dtype()), " vs ", dtype_name(b.dtype()));
  Shape s = broadcast_shape(broadcast_shape(c.shape(), a.shape(), "where"), b.shape(), "where");
  return apply_fn(fn::where(), {broadcast_to(c, s), broadcast_to(a, s), broadcast_to(b, s)});
}

Tensor operator+(const Tensor& a, const Tensor& b) { return a.add(b); }
Tensor operator-(const Tensor& a, const Tensor& b) { return a.sub(b); }
Tensor operator*(const Tensor& a, const Tensor& b) { return a.mul(b); }
Tensor operator/(const Tensor& a, const Tensor& b) { return a.div(b); }
Tensor operator+(const Tensor& a, float b) { return a.add(a.scalar_like(b)); }
Tensor operator-(const Tensor& a, float b) { return a.sub(a.scalar_like(b)); }
Tensor operator*(const Tensor& a, float b) { return a.mul(a.scalar_like(b)); }
Tensor operator/(const Tensor& a, float b) { return a.div(a.scalar_like(b)); }
Tensor operator+(float a, const Tensor& b) { return b.scalar_like(a).add(b); }
Tensor operator-(float a, const Tensor& b) { return b.scalar_like(a).sub(b); }
Tensor operator*(float a, const Tensor& b) { return b.scalar_like(a).mul(b); }
Tensor operator/(float a, const Tensor& b) { return b.scalar_like(a).div(b); }
Tensor operator<(const Tensor& a, const Tensor& b) { return a.lt(b); }
Tensor operator>(const Tensor& a, const Tensor& b) { return a.gt(b); }
Tensor operator<(const Tensor& a, float b) { return a.lt(a.scalar_like(b)); }
Tensor operator>(const Tensor& a, float b) { return a.gt(a.scalar_like(b)); }

// ---- reductions
Tensor Tensor::sum(std::vector<int64_t> axes, bool keepdim) const { return reduce(Op::SUM, *this, axes, keepdim); }
Tensor Tensor::max(std::vector<int64_t> axes, bool keepdim) const { return reduce(Op::RMAX, *this, axes, keepdim); }
Tensor Tensor::min(std::vector<int64_t> axes, bool keepdim) const {
  if (dtype() == DType::boolean) return logical_not().max(axes, keepdim).logical_not();
  return -((-*this).max(axes, keepdim));
}
Tensor Tensor::mean(std::vector<int64_t> axes, bool keepdim) const {
  std::vector<int> ax = norm_axes(axes, ndim());
  int64_t n = 1;
  for (int a : ax) n *= shape()[a];
  Tensor s = as_float(*this).sum(axes, keepdim);
  return n == 0 ? s * NAN : s / static_cast<float>(n);
}
Tensor Tensor::var(std::vector<int64_t> axes, bool keepdim, int64_t correction) const {
  std::vector<int> ax = norm_axes(axes, ndim());
  int64_t n = 1;
  for (int a : ax) n *= shape()[a];
  Tensor d = as_float(*this) - mean(axes, true);
  return (d * d).sum(axes, keepdim) / static_cast<float>(std::max<int64_t>(0, n - correction));
}
Tensor Tensor::std(std::vector<int64_t> axes, bool keepdim, int64_t correction) const {
  return var(std::move(axes), keepdim, correction).sqrt();
}
Tensor Tensor::argmax(int64_t axis, bool keepdim) const {
  if (ndim() == 0) {  // the only index of a 0-d tensor (as in PyTorch)
    check_scalar_axis(axis);
    return Tensor::full({}, 0, DType::i32, device().name());
  }
  // First index of the maximum: max over (x == max) * (n - i), then n - that.
  int ax = norm_axis(axis, ndim());
  int64_t n = shape()[ax];
  TP_CHECK(n > 0, "argmax over an empty axis");
  Shape s(ndim(), 1);
  s[ax] = n;
  Tensor idx = Tensor::arange(static_cast<double>(n), 0, -1, DType::i32, device().name()).reshape(s);
  Tensor hit = eq(max({axis}, true));
  if (dtype() == DType::f32) hit = hit.maximum(ne(*this));  // NaN is the maximum (as in PyTorch)
  Tensor m = hit.cast(DType::i32) * idx;
  return scalar_like(0).cast(DType::i32).full_like(n) - m.max({axis}, keepdim);
}
Tensor Tensor::argmin(int64_t axis, bool keepdim) const {
  if (dtype() == DType::boolean) return logical_not().argmax(axis, keepdim);
  return (-*this).argmax(axis, keepdim);
}
Tensor Tensor::softmax(int64_t axis) const {
  Tensor m = *this - max({axis}, true).detach();
  Tensor e = m.exp();
  return e / e.sum({axis}, true);
}
Tensor Tensor::log_softmax(int64_t axis) const {
  Tensor m = *this - max({axis}, true).detach();
  return m - m.exp().sum({axis}, true).log();
}
Tensor Tensor::logsumexp(int64_t axis, bool keepdim) const {
  Tensor mx = max({axis}, true).detach();
  Tensor r = (*this - mx).exp().sum({axis}, true).log() + mx;
  return keepdim ? r : r.squeeze(axis);
}

// ---- movement
Tensor Tensor::reshape(Shape s) const {
  int infer = -1;
  int64_t known = 1;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == -1) {
      TP_CHECK(infer < 0, "reshape to ", shape_str(s), ": only one dimension can be -1");
      infer = static_cast<int>(i);
    } else {
      TP_CHECK(s[i] >= 0, "reshape to ", shape_str(s), ": invalid dimension ", s[i]);
      known *= s[i];
    }
  }
  if (infer >= 0) {
    TP_CHECK(known != 0 && numel() % known == 0, "cannot reshape ", shape_str(shape()), " to ", shape_str(s));
    s[infer] = numel() / known;
  }
  TP_CHECK(prod(s) == numel(), "cannot reshape a tensor of shape ", shape_str(shape()), " (", numel(),
           " elements) to ", shape_str(s), " (", prod(s), " elements)");
  if (s == shape()) return *this;
  return un(fn::reshape(s), *this);
}
Tensor Tensor::permute(std::vector<int64_t> order) const {
  TP_CHECK(order.size() == ndim(), "permute: got ", order.size(), " axes for a tensor with ", ndim(), " dimensions");
  std::vector<int> o;
  std::vector<bool> seen(ndim(), false);
  for (auto a : order) {
    int n = norm_axis(a, ndim());
    TP_CHECK(!seen[n], "permute: axis ", a, " appears twice");
    seen[n] = true;
    o.push_back(n);
  }
  bool ident = true;
  for (size_t i = 0; i < o.size(); ++i) ident &= o[i] == (int)i;
  return ident ? *this : un(fn::permute(o), *this);
}
Tensor Tensor::expand(Shape s) const {
  TP_CHECK(s.size() >= ndim(), "expand: target ", shape_str(s), " has fewer dimensions than ", shape_str(shape()));
  Tensor x = *this;
  if (s.size() > ndim()) {
    Shape p(s.size() - ndim(), 1);
    p.insert(p.end(), shape().begin(), shape().end());
    x = reshape(p);
  }
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == -1) s[i] = x.shape()[i];
    TP_CHECK(s[i] == x.shape()[i] || x.shape()[i] == 1, "cannot expand shape ", shape_str(shape()), " to ",
             shape_str(s), " (only size-1 dimensions expand)");
  }
  (void)prod(s);  // the element count must fit in int64
  return s == x.shape() ? x : un(fn::expand(s), x);
}
Tensor Tensor::pad(const std::vector<std::pair<int64_t, int64_t>>& p_in, float value) const {
  TP_CHECK(p_in.size() <= ndim(), "pad: ", p_in.size(), " pairs for a tensor with ", ndim(), " dimensions");
  // Pairs apply to the leading axes; missing ones mean no padding.
  std::vector<std::pair<int64_t, int64_t>> p(p_in);
  p.resize(ndim(), {0, 0});
  bool neg = false;
  for (auto& [a, b] : p) neg |= a < 0 || b < 0;
  Tensor x = *this;
  if (neg) {  // negative padding crops
    std::vector<std::pair<int64_t, int64_t>> b;
    for (size_t i = 0; i < ndim(); ++i) {
      int64_t lo = std::max<int64_t>(0, -p[i].first), hi = shape()[i] - std::max<int64_t>(0, -p[i].second);
      TP_CHECK(lo <= hi, "pad: negative padding removes more than axis ", i, " holds");
      b.push_back({lo, hi});
      p[i] = {std::max<int64_t>(0, p[i].first), std::max<int64_t>(0, p[i].second)};
    }
    x = x.shrink(b);
  }
  Tensor r = un(fn::pad(p), x);
  if (value == 0) return r;
  Tensor mask = Tensor(lb_pad(lb_const(device(), DType::boolean, 1, x.shape()), p));
  return Tensor::where(mask, r, r.scalar_like(value));
}
Tensor Tensor::shrink(const std::vector<std::pair<int64_t, int64_t>>& b) const {
  TP_CHECK(b.size() == ndim(), "shrink: ", b.size(), " bounds for a tensor with ", ndim(), " dimensions");
  bool same = true;
  for (size_t i = 0; i < ndim(); ++i) {
    TP_CHECK(0 <= b[i].first && b[i].first <= b[i].second && b[i].second <= shape()[i], "shrink: bounds [",
             b[i].first, ", ", b[i].second, ") do not fit axis ", i, " of size ", shape()[i]);
    same &= b[i].first == 0 && b[i].second == shape()[i];
  }
  return same ? *this : un(fn::shrink(b), *this);
}
Tensor Tensor::flip(std::vector<int64_t> axes) const {
  if (ndim() == 0) {
    for (auto a : axes) check_scalar_axis(a);
    return *this;
  }
  std::vector<bool> f(ndim(), false);
  for (auto a : axes) {
    const int n = norm_axis(a, ndim());
    TP_CHECK(!f[n], "flip: axis ", a, " appears twice");
    f[n] = true;
  }
  return un(fn::flip(f), *this);
}
Tensor Tensor::transpose(int64_t a, int64_t b) const {
  if (ndim() == 0) {  // PyTorch: transposing a 0-d tensor over 0/-1 returns it
    check_scalar_axis(a), check_scalar_axis(b);
    return *this;
  }
  std::vector<int64_t> o(ndim());
  for (size_t i = 0; i < ndim(); ++i) o[i] = static_cast<int64_t>(i);
  std::swap(o[norm_axis(a, ndim())], o[norm_axis(b, ndim())]);
  return permute(o);
}
Tensor Tensor::flatten(int64_t start, int64_t end) const {
  if (ndim() == 0) {
    check_scalar_axis(start), check_scalar_axis(end);
    return reshape({1});
  }
  int s = norm_axis(start, ndim()), e = norm_axis(end, ndim());
  TP_CHECK(s <= e, "flatten: start axis ", start, " is after end axis ", end);
  Shape r(shape().begin(), shape().begin() + s);
  int64_t m = 1;
  for (int i = s; i <= e; ++i) m *= shape()[i];
  r.push_back(m);
  r.insert(r.end(), shape().begin() + e + 1, shape().end());
  return reshape(r);
}
Tensor Tensor::squeeze(int64_t axis) const {
  if (ndim() == 0) {
    check_scalar_axis(axis);
    return *this;
  }
  int a = norm_axis(axis, ndim());
  if (shape()[a] != 1) return *this;
  Shape s = shape();
  s.erase(s.begin() + a);
  return reshape(s);
}
Tensor Tensor::squeeze() const {
  Shape s;
  for (auto d : shape()) if (d != 1) s.push_back(d);
  return reshape(s);
}
Tensor Tensor::unsqueeze(int64_t axis) const {
  int a = norm_axis(axis, ndim() + 1);
  Shape s = shape();
  s.insert(s.begin() + a, 1);
  return reshape(s);
}
Tensor Tensor::slice(const std::vector<Range>& ranges) const {
  TP_CHECK(ranges.size() <= ndim(), "slice: ", ranges.size(), " ranges for a tensor with ", ndim(), " dimensions");
  Tensor x = *this;
  auto full_bounds = [](const Tensor& t) {
    std::vector<std::pair<int64_t, int64_t>> bb;
    for (auto d : t.shape()) bb.push_back({0, d});
    return bb;
  };
  for (size_t i = 0; i < ranges.size(); ++i) {
    const Range r = ranges[i];
    const int64_t n = shape()[i], D = Range::kDefault;
    TP_CHECK(r.step != 0, "slice: step must be non-zero on axis ", i);
    auto norm = [&](int64_t v, int64_t lo, int64_t hi) { return std::clamp(v < 0 ? v + n : v, lo, hi); };
    // Python semantics: the elements a, a+step, ... stopping before b.
    int64_t lo, hi, step = r.step;
    if (step > 0) {
      lo = r.start == D ? 0 : norm(r.start, 0, n);
      hi = std::max(lo, r.stop == D ? n : norm(r.stop, 0, n));
    } else {
      int64_t a = r.start == D ? n - 1 : norm(r.start, -1, n - 1);
      int64_t b = r.stop == D ? -1 : norm(r.stop, -1, n - 1);
      lo = b + 1, hi = std::max(lo, a + 1);
    }
    auto bounds = full_bounds(x);
    bounds[i] = {lo, hi};
    x = x.shrink(bounds);
    if (step < 0) x = x.flip({static_cast<int64_t>(i)}), step = -step;
    if (step > 1) {
      int64_t len = hi - lo, cnt = (len + step - 1) / step;
      // Pad to cnt*step, split into (cnt, step), keep the first of each group.
      std::vector<std::pair<int64_t, int64_t>> p(x.ndim(), {0, 0});
      p[i] = {0, cnt * step - len};
      x = x.pad(p);
      Shape s = x.shape();
      s[i] = cnt;
      s.insert(s.begin() + i + 1, step);
      x = x.reshape(s);
      auto bb = full_bounds(x);
      bb[i + 1] = {0, 1};
      x = x.shrink(bb).squeeze(static_cast<int64_t>(i + 1));
    }
  }
  return x;
}
Tensor Tensor::operator[](int64_t i) const {
  TP_CHECK(ndim() > 0, "cannot index a 0-d tensor");
  int64_t n = shape()[0];
  TP_CHECK(i >= -n && i < n, "index ", i, " is out of range for axis 0 of size ", n);
  if (i < 0) i += n;
  return slice({Range{i, i + 1, 1}}).squeeze(0);
}
Tensor Tensor::repeat(const std::vector<int64_t>& reps) const {
  TP_CHECK(reps.size() >= ndim(), "repeat: need at least ", ndim(), " repetition counts");
  Tensor x = reshape([&] { Shape s(reps.size() - ndim(), 1); s.insert(s.end(), shape().begin(), shape().end()); return s; }());
  Shape up, ex, fin;
  for (size_t i = 0; i < reps.size(); ++i) {
    up.push_back(1), up.push_back(x.shape()[i]);
    ex.push_back(reps[i]), ex.push_back(x.shape()[i]);
    fin.push_back(reps[i] * x.shape()[i]);
  }
  return x.reshape(up).expand(ex).reshape(fin);
}
Tensor Tensor::cat(const std::vector<Tensor>& ts, int64_t axis) {
  TP_CHECK(!ts.empty(), "cat needs at least one tensor");
  for (auto& t : ts)
    TP_CHECK(t.ndim() > 0, "cat: a 0-d tensor cannot be concatenated (use stack, or unsqueeze it first)");
  int a = norm_axis(axis, ts[0].ndim());
  int64_t total = 0;
  for (auto& t : ts) {
    TP_CHECK(t.ndim() == ts[0].ndim(), "cat: tensors have different ranks ", shape_str(t.shape()), " and ",
             shape_str(ts[0].shape()));
    for (size_t d = 0; d < t.ndim(); ++d)
      TP_CHECK((int)d == a || t.shape()[d] == ts[0].shape()[d], "cat: shapes ", shape_str(ts[0].shape()), " and ",
               shape_str(t.shape()), " differ outside axis ", a);
    TP_CHECK(t.dtype() == ts[0].dtype(), "cat: dtype mismatch ", dtype_name(ts[0].dtype()), " vs ", dtype_name(t.dtype()));
    total += t.shape()[a];
  }
  // Each piece is padded to the full length along the axis; the padded pieces are summed.
  Tensor r;
  int64_t off = 0;
  for (auto& t : ts) {
    std::vector<std::pair<int64_t, int64_t>> p(t.ndim(), {0, 0});
    p[a] = {off, total - off - t.shape()[a]};
    off += t.shape()[a];
    Tensor x = t.dtype() == DType::boolean ? t.cast(DType::i32) : t;
    x = x.pad(p);
    r = r.defined() ? r + x : x;
  }
  return ts[0].dtype() == DType::boolean ? r.cast(DType::boolean) : r;
}
Tensor Tensor::stack(const std::vector<Tensor>& ts, int64_t axis) {
  TP_CHECK(!ts.empty(), "stack needs at least one tensor");
  std::vector<Tensor> u;
  for (auto& t : ts) {
    TP_CHECK(t.shape() == ts[0].shape(), "stack: shapes differ, ", shape_str(ts[0].shape()), " vs ", shape_str(t.shape()));
    u.push_back(t.unsqueeze(axis));
  }
  return cat(u, axis);
}

}  // namespace tinypynq
