// NodeCtx, the op table and helpers shared by the op files.
#include <cmath>
#include <cstring>
#include <limits>

#include "frontends/onnx/onnx_internal.h"
#include "tensor/device.h"

namespace tinypynq::onnx {

std::string NodeCtx::where() const {
  return "node '" + node.name() + "' (" + node.op_type() + ")";
}
void NodeCtx::fail(const std::string& msg) const { throw Error(where() + ": " + msg); }

const ::onnx::AttributeProto* NodeCtx::attr(const std::string& name) const {
  for (const auto& a : node.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}
int64_t NodeCtx::i(const std::string& name, int64_t def) const {
  auto* a = attr(name);
  if (!a) return def;
  if (a->type() != ::onnx::AttributeProto::INT) fail("attribute '" + name + "' must be an int");
  return a->i();
}
float NodeCtx::f(const std::string& name, float def) const {
  auto* a = attr(name);
  if (!a) return def;
  if (a->type() == ::onnx::AttributeProto::INT) return static_cast<float>(a->i());
  if (a->type() != ::onnx::AttributeProto::FLOAT) fail("attribute '" + name + "' must be a float");
  return a->f();
}
std::string NodeCtx::s(const std::string& name, const std::string& def) const {
  auto* a = attr(name);
  if (!a) return def;
  if (a->type() != ::onnx::AttributeProto::STRING) fail("attribute '" + name + "' must be a string");
  return a->s();
}
std::vector<int64_t> NodeCtx::ints(const std::string& name, std::vector<int64_t> def) const {
  auto* a = attr(name);
  if (!a) return def;
  if (a->type() != ::onnx::AttributeProto::INTS) fail("attribute '" + name + "' must be a list of ints");
  if (static_cast<size_t>(a->ints_size()) > 4 * kMaxRank) fail("attribute '" + name + "' is too long");
  return {a->ints().begin(), a->ints().end()};
}
std::vector<float> NodeCtx::floats(const std::string& name) const {
  auto* a = attr(name);
  if (!a) return {};
  if (a->type() != ::onnx::AttributeProto::FLOATS) fail("attribute '" + name + "' must be a list of floats");
  return {a->floats().begin(), a->floats().end()};
}
const Val& NodeCtx::v(size_t k) const {
  if (!has_in(k)) fail("input " + std::to_string(k) + " is required");
  const Val& r = *in[k];
  if (!r.t.defined()) fail("input " + std::to_string(k) + ": " + r.err);
  return r;
}
std::vector<int64_t> NodeCtx::in_ints(size_t k) const {
  if (!has_in(k)) fail("input " + std::to_string(k) + " is required");
  const Val& r = *in[k];
  if (compute_dtype(r.elem) != DType::i32) fail("input " + std::to_string(k) + " must be an integer tensor, got " + elem_name(r.elem));
  if (r.host) {
    if (r.host->numel() > (int64_t{1} << 20)) fail("input " + std::to_string(k) + " is too large for a host-side index list");
    std::vector<int64_t> out;
    std::vector<double> d = r.host->as_double();
    const uint8_t* p = r.host->data.data();
    for (int64_t i = 0; i < r.host->numel(); ++i) {
      if (r.host->elem == Elem::INT64) {
        int64_t v;
        std::memcpy(&v, p + 8 * i, 8);
        out.push_back(v);
      } else {
        out.push_back(static_cast<int64_t>(d[i]));
      }
    }
    return out;
  }
  if (r.t.numel() > (int64_t{1} << 20)) fail("input " + std::to_string(k) + " is too large for a host-side index list");
  std::vector<int32_t> v = r.t.to_vector<int32_t>();
  return {v.begin(), v.end()};
}
std::vector<float> NodeCtx::in_floats(size_t k) const {
  const Tensor& t = x(k);
  return t.dtype() == DType::f32 ? t.to_vector<float>() : t.tolist();
}

Val host_val(HostArray a, const std::string& what) {
  Val v;
  v.elem = a.elem;
  auto h = std::make_shared<HostArray>(std::move(a));
  try {
    v.t = to_tensor(*h, "cpu", what);
  } catch (const Error& e) {
    v.err = e.what();
  }
  v.host = std::move(h);
  return v;
}

Tensor to_dev(const Tensor& t, const std::string& dev) {
  if (t.device().name() == dev) return t;
  switch (t.dtype()) {
    case DType::f32: return Tensor::from_data(t.to_vector<float>(), t.shape(), dev);
    case DType::i32: return Tensor::from_data(t.to_vector<int32_t>(), t.shape(), dev);
    default: {
      std::vector<uint8_t> b = t.to_vector<uint8_t>();
      return Tensor::from_bytes(b.data(), t.dtype(), t.shape(), dev);
    }
  }
}

Tensor const_like(const Tensor& ref, double v) { return ref.scalar_like(v); }
Tensor full_of(const Shape& s, double v, DType d, const std::string& dev) { return Tensor::full(s, v, d, dev); }

Tensor bcast(const Tensor& a, const Shape& s) {
  if (a.shape() == s) return a;
  Shape p(s.size() - a.ndim(), 1);
  p.insert(p.end(), a.shape().begin(), a.shape().end());
  return a.reshape(p).expand(s);
}

Shape bcast_shape(const Shape& a, const Shape& b, const NodeCtx& c) {
  size_t n = std::max(a.size(), b.size());
  Shape r(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t x = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t y = i < n - b.size() ? 1 : b[i - (n - b.size())];
    if (!(x == y || x == 1 || y == 1)) c.fail("shapes " + shape_str(a) + " and " + shape_str(b) + " do not broadcast");
    r[i] = x == 1 ? y : x;
  }
  return r;
}

int64_t norm_ax(const NodeCtx& c, int64_t axis, size_t rank, const char* what) {
  const int64_t r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r)
    c.fail(std::string(what) + " " + std::to_string(axis) + " is out of range for rank " + std::to_string(r));
  return axis < 0 ? axis + r : axis;
}

// Cast with ONNX semantics on the compute dtypes: float -> int truncates, narrow ints wrap.
Tensor cast_to(const Tensor& t, Elem e, const NodeCtx& c) {
  const DType d = compute_dtype(e);
  Tensor r;
  if (d == DType::boolean) r = t.dtype() == DType::boolean ? t : t.ne(t.scalar_like(0));
  else if (t.dtype() == DType::boolean) r = t.cast(DType::i32).cast(d);
  else r = t.cast(d);
  if (d == DType::i32 && t.dtype() == DType::f32) {
    // Float values outside int32 have no defined conversion: refuse them rather than guess.
    Tensor a = t.abs();
    Tensor bad = a.ge(a.scalar_like(2147483648.0)).maximum(t.ne(t));
    if (bad.cast(DType::i32).max().to_vector<int32_t>()[0])
      c.fail(std::string("Cast to ") + elem_name(e) + ": a value is NaN or outside the int32 range tinypynq computes in");
  }
  auto wrap = [&](int64_t bits, bool is_signed) {
    const double m = std::ldexp(1.0, static_cast<int>(bits));
    Tensor mm = r.scalar_like(m);
    Tensor u = r.mod(mm);
    u = Tensor::where(u.lt(u.scalar_like(0)), u + mm, u);
    if (is_signed) u = Tensor::where(u.ge(u.scalar_like(m / 2)), u - mm, u);
    return u;
  };
  switch (e) {
    case Elem::UINT8: return wrap(8, false);
    case Elem::INT8: return wrap(8, true);
    case Elem::UINT16: return wrap(16, false);
    case Elem::INT16: return wrap(16, true);
    default: return r;
  }
}

const OpTable& op_table() {
  static const OpTable t = [] {
    OpTable r;
    register_math_ops(r);
    register_nn_ops(r);
    register_shape_ops(r);
    return r;
  }();
  return t;
}

}  // namespace tinypynq::onnx
