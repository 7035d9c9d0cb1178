// Tensor core: creation, data access, realization and the autograd engine.
#include "tensor/tensor.h"

#include <cmath>
#include <cstring>
#include <random>
#include <unordered_map>
#include <unordered_set>

#include "tensor/core/memory.h"
#include "tensor/function.h"

namespace tinypynq {

namespace {
thread_local bool g_grad_enabled = true;
std::mt19937_64& rng() {
  static std::mt19937_64 r(0x5eed);
  return r;
}
Device& dev_of(const std::string& d) { return device(d.empty() ? default_device() : d); }
}  // namespace

NoGrad::NoGrad() : prev_(g_grad_enabled) { g_grad_enabled = false; }
NoGrad::~NoGrad() { g_grad_enabled = prev_; }
bool grad_enabled() { return g_grad_enabled; }
uint64_t next_random_u64() { return rng()(); }
void Tensor::manual_seed(uint64_t seed) { rng().seed(seed); }

Tensor::Tensor(LB lb, bool requires_grad) : impl_(std::make_shared<TensorImpl>()) {
  impl_->lb = std::move(lb);
  if (requires_grad) requires_grad_(true);
}

Tensor apply_fn(std::shared_ptr<Function> f, const std::vector<Tensor>& inputs) {
  std::vector<LB> lbs;
  bool any = false;
  f->needs_grad.resize(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    TP_CHECK(inputs[i].defined(), f->name(), ": input ", i, " is an undefined tensor");
    lbs.push_back(inputs[i].lazy());
    f->needs_grad[i] = g_grad_enabled && inputs[i].impl_->requires_grad;
    any |= f->needs_grad[i];
  }
  for (size_t i = 1; i < inputs.size(); ++i)
    TP_CHECK(&inputs[i].device() == &inputs[0].device(), f->name(), ": tensors are on different devices (",
             inputs[0].device().name(), " and ", inputs[i].device().name(), ")");
  Tensor out(f->forward(lbs));
  if (any) {
    out.impl_->requires_grad = true;
    for (auto& t : inputs) f->parents.push_back(t.impl_);
    out.impl_->ctx = std::move(f);
  }
  return out;
}

// ---- creation
Tensor Tensor::from_bytes(const void* data, DType dtype, const Shape& shape, const std::string& dev) {
  for (auto d : shape) TP_CHECK(d >= 0, "negative dimension in shape ", shape_str(shape));
  return Tensor(lb_from_data(dev_of(dev), dtype, shape, data));
}
namespace {
// Elements of a float32 host array for `shape`, refused when it cannot fit in memory.
size_t host_elements(const Shape& shape, const char* what) {
  for (auto d : shape) TP_CHECK(d >= 0, what, ": negative dimension in shape ", shape_str(shape));
  const int64_t n = prod(shape);
  TP_CHECK(n <= (int64_t{1} << 60), what, ": shape ", shape_str(shape), " is too large");
  check_host_alloc(static_cast<uint64_t>(n) * 4, what);
  return static_cast<size_t>(n);
}
}  // namespace

Tensor Tensor::from_data(const std::vector<float>& v, const Shape& shape, const std::string& dev) {
  TP_CHECK(static_cast<int64_t>(v.size()) == prod(shape), "from_data: ", v.size(), " values do not fill shape ",
           shape_str(shape), " (", prod(shape), " elements)");
  return from_bytes(v.data(), DType::f32, shape, dev);
}
Tensor Tensor::from_data(const std::vector<int32_t>& v, const Shape& shape, const std::string& dev) {
  TP_CHECK(static_cast<int64_t>(v.size()) == prod(shape), "from_data: ", v.size(), " values do not fill shape ",
           shape_str(shape), " (", prod(shape), " elements)");
  return from_bytes(v.data(), DType::i32, shape, dev);
}
Tensor Tensor::scalar(float v, const std::string& dev) { return from_data(std::vector<float>{v}, {}, dev); }
Tensor Tensor::full(const Shape& shape, double value, DType dtype, const std::string& dev) {
  for (auto d : shape) TP_CHECK(d >= 0, "negative dimension in shape ", shape_str(shape));
  (void)prod(shape);  // the element count must fit in int64
  if (dtype == DType::boolean) value = value != 0 ? 1 : 0;  // like a cast: any non-zero (or NaN) is true
  return Tensor(lb_const(dev_of(dev), dtype, value, shape));
}
Tensor Tensor::zeros(const Shape& s, DType d, const std::string& dev) { return full(s, 0, d, dev); }
Tensor Tensor::ones(const Shape& s, DType d, const std::string& dev) { return full(s, 1, d, dev); }
Tensor Tensor::arange(double start, double stop, double step, DType dtype, const std::string& dev) {
  TP_CHECK(step != 0, "arange: step must be non-zero");
  TP_CHECK(std::isfinite(start) && std::isfinite(stop) && std::isfinite(step), "arange: start ", start, ", stop ",
           stop, " and step ", step, " must be finite");
  const double count = std::max(0.0, std::ceil((stop - start) / step));
  TP_CHECK(count <= double(int64_t{1} << 40), "arange: ", count, " elements are too many");
  const int64_t n = static_cast<int64_t>(count);
  check_host_alloc(static_cast<uint64_t>(n) * 4, "arange");
  if (dtype == DType::f32) {
    std::vector<float> v(n);
    for (int64_t i = 0; i < n; ++i) v[i] = static_cast<float>(start + i * step);
    return from_data(v, {n}, dev);
  }
  TP_CHECK(dtype == DType::i32, "arange: dtype must be float32 or int32, got ", dtype_name(dtype));
  std::vector<int32_t> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = static_cast<int32_t>(start + i * step);
  return from_data(v, {n}, dev);
}
Tensor Tensor::eye(int64_t n, const std::string& dev) {
  TP_CHECK(n >= 0, "eye: size must be >= 0, got ", n);
  std::vector<float> v(host_elements({n, n}, "eye"), 0.f);
  for (int64_t i = 0; i < n; ++i) v[i * n + i] = 1.f;
  return from_data(v, {n, n}, dev);
}
Tensor Tensor::rand(const Shape& shape, const std::string& dev) {
  std::vector<float> v(host_elements(shape, "rand"));
  for (auto& x : v) x = static_cast<float>(next_random_u64() >> 40) * (1.f / 16777216.f);  // 24-bit uniform
  return from_data(v, shape, dev);
}
Tensor Tensor::randn(const Shape& shape, const std::string& dev) {
  std::vector<float> v(host_elements(shape, "randn"));
  for (size_t i = 0; i < v.size(); i += 2) {  // Box-Muller
    double u1 = (static_cast<double>(next_random_u64() >> 11) + 1.0) * 0x1.0p-53;
    double u2 = static_cast<double>(next_random_u64() >> 11) * 0x1.0p-53;
    double r = std::sqrt(-2.0 * std::log(u1));
    v[i] = static_cast<float>(r * std::cos(2 * M_PI * u2));
    if (i + 1 < v.size()) v[i + 1] = static_cast<float>(r * std::sin(2 * M_PI * u2));
  }
  return from_data(v, shape, dev);
}
Tensor Tensor::uniform(const Shape& shape, float lo, float hi, const std::string& dev) {
  std::vector<float> v(host_elements(shape, "uniform"));
  for (auto& x : v) x = lo + (hi - lo) * (static_cast<float>(next_random_u64() >> 40) * (1.f / 16777216.f));
  return from_data(v, shape, dev);
}

// ---- info
static void check_defined(const std::shared_ptr<TensorImpl>& p) {
  TP_CHECK(p != nullptr, "operation on an undefined (default-constructed) Tensor");
}
const Shape& Tensor::shape() const { check_defined(impl_); return impl_->lb->shape(); }
int64_t Tensor::size(int64_t axis) const { return shape()[norm_axis(axis, ndim())]; }
DType Tensor::dtype() const { check_defined(impl_); return impl_->lb->base()->dtype; }
Device& Tensor::device() const { check_defined(impl_); return *impl_->lb->base()->device; }
const LB& Tensor::lazy() const { check_defined(impl_); return impl_->lb; }
std::string Tensor::str() const {
  if (!impl_) return "Tensor(undefined)";
  return "Tensor(shape=" + shape_str(shape()) + ", dtype=" + dtype_name(dtype()) + ", device=" + device().name() +
         (requires_grad() ? ", requires_grad" : "") + ")";
}

// ---- autograd
bool Tensor::requires_grad() const { return impl_ && impl_->requires_grad; }
Tensor& Tensor::requires_grad_(bool on) {
  check_defined(impl_);
  TP_CHECK(!on || dtype() == DType::f32, "only float32 tensors can require gradients, this one is ",
           dtype_name(dtype()));
  impl_->requires_grad = on;
  return *this;
}
Tensor Tensor::grad() const {
  check_defined(impl_);
  Tensor g;
  g.impl_ = impl_->grad;
  return g;
}
void Tensor::set_grad(const Tensor& g) {
  check_defined(impl_);
  if (g.defined()) TP_CHECK(g.shape() == shape(), "set_grad: gradient shape ", shape_str(g.shape()),
                            " does not match tensor shape ", shape_str(shape()));
  impl_->grad = g.impl_;
}
void Tensor::zero_grad() { check_defined(impl_); impl_->grad.reset(); }
Tensor Tensor::detach() const { return Tensor(lazy()); }

void Tensor::backward() {
  check_defined(impl_);
  TP_CHECK(numel() == 1, "backward() needs a 1-element (scalar) tensor, got shape ", shape_str(shape()));
  TP_CHECK(impl_->requires_grad, "backward() on a tensor that does not require grad (no parameter in its graph)");
  // Topological order of the graph (iterative DFS: deep graphs must not overflow the stack).
  std::vector<TensorImpl*> order;
  std::unordered_set<TensorImpl*> seen;
  std::vector<std::pair<TensorImpl*, size_t>> stack{{impl_.get(), 0}};
  seen.insert(impl_.get());
  while (!stack.empty()) {
    auto& [t, i] = stack.back();
    if (t->ctx && i < t->ctx->parents.size()) {
      TensorImpl* p = t->ctx->parents[i++].get();
      if (p->requires_grad && seen.insert(p).second) stack.push_back({p, 0});
      continue;
    }
    order.push_back(t);
    stack.pop_back();
  }
  std::unordered_map<TensorImpl*, LB> grads;
  grads[impl_.get()] = lb_const(device(), DType::f32, 1.0, shape());
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    TensorImpl* t = *it;
    auto gi = grads.find(t);
    if (gi == grads.end()) continue;
    LB g = gi->second;
    if (!t->ctx) {  // a leaf: accumulate into .grad
      if (t->grad) g = lb_alu(Op::ADD, {t->grad->lb, g});
      auto gt = std::make_shared<TensorImpl>();
      gt->lb = g;
      t->grad = gt;
      continue;
    }
    std::vector<LB> gs = t->ctx->backward(g);
    for (size_t i = 0; i < gs.size(); ++i) {
      if (!gs[i] || !t->ctx->needs_grad[i]) continue;
      TensorImpl* p = t->ctx->parents[i].get();
      TP_ASSERT(gs[i]->shape() == p->lb->shape(), t->ctx->name(), " gradient shape ", shape_str(gs[i]->shape()),
                " vs ", shape_str(p->lb->shape()));
      auto [pit, fresh] = grads.try_emplace(p, gs[i]);
      if (!fresh) pit->second = lb_alu(Op::ADD, {pit->second, gs[i]});
    }
    grads.erase(gi);
  }
  // The graph is consumed (PyTorch's retain_graph=false): free what it holds.
  for (auto* t : order) t->ctx.reset();
}

// ---- realization and data
Tensor& Tensor::realize() {
  realize_all({*this});
  return *this;
}
void Tensor::realize_all(const std::vector<Tensor>& ts) {
  std::vector<LB> lbs;
  for (auto& t : ts) lbs.push_back(t.lazy());
  tinypynq::realize(lbs);
}

template <typename T>
std::vector<T> Tensor::to_vector() const {
  constexpr DType want = std::is_same_v<T, float> ? DType::f32 : std::is_same_v<T, int32_t> ? DType::i32 : DType::u8;
  TP_CHECK(dtype() == want || (want == DType::u8 && dtype() == DType::boolean), "to_vector: tensor is ",
           dtype_name(dtype()), ", requested ", dtype_name(want), " (use cast() first)");
  BufferPtr b = realized_contiguous(lazy());
  std::vector<T> out(numel());
  if (!out.empty()) device().copyout(*b, out.data(), out.size() * sizeof(T));
  return out;
}
template std::vector<float> Tensor::to_vector<float>() const;
template std::vector<int32_t> Tensor::to_vector<int32_t>() const;
template std::vector<uint8_t> Tensor::to_vector<uint8_t>() const;

std::vector<float> Tensor::tolist() const {
  if (dtype() == DType::f32) return to_vector<float>();
  return cast(DType::f32).to_vector<float>();
}

float Tensor::item() const {
  TP_CHECK(numel() == 1, "item() needs a 1-element tensor, got shape ", shape_str(shape()));
  return tolist()[0];
}

void Tensor::assign(const Tensor& o) {
  TP_CHECK(o.shape() == shape() && o.dtype() == dtype(), "assign: ", o.str(), " does not match ", str());
  impl_->lb = o.lazy();
}

}  // namespace tinypynq
