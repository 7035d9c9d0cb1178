#include "tensor/nn.h"

#include <cmath>
#include <cstring>

#include <chrono>
#include <cstdio>

#include "tensor/cpu/cpu_eval.h"  // fast_paths_enabled: tests compare the fused updates with the graph
#include "tensor/cpu/cpu_optim.h"
#include "tensor/io/safetensors.h"
#include "tensor/schedule.h"

namespace tinypynq::nn {

std::vector<Tensor> Module::parameters() const {
  std::vector<Tensor> r;
  for (auto& [n, t] : named_parameters()) r.push_back(t);
  return r;
}

NamedTensors Module::state_dict() const {
  NamedTensors r = named_parameters();
  for (auto& b : named_buffers()) r.push_back(b);
  return r;
}

NamedTensors prefixed(const std::string& prefix, const NamedTensors& t) {
  NamedTensors r;
  for (auto& [n, x] : t) r.push_back({prefix + n, x});
  return r;
}

// PyTorch's default init: kaiming_uniform(a=sqrt(5)) = U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
static Tensor init_uniform(const Shape& s, int64_t fan_in) {
  float b = 1.f / std::sqrt(static_cast<float>(std::max<int64_t>(fan_in, 1)));
  return Tensor::uniform(s, -b, b).requires_grad_();
}

Linear::Linear(int64_t in, int64_t out, bool use_bias) {
  TP_CHECK(in > 0 && out > 0, "Linear(", in, ", ", out, "): sizes must be positive");
  weight = init_uniform({out, in}, in);
  if (use_bias) bias = init_uniform({out}, in);
}
NamedTensors Linear::named_parameters() const {
  NamedTensors r{{"weight", weight}};
  if (bias.defined()) r.push_back({"bias", bias});
  return r;
}

Conv2d::Conv2d(int64_t cin, int64_t cout, int64_t k, int64_t s, int64_t p, int64_t d, bool use_bias)
    : stride(s), padding(p), dilation(d) {
  TP_CHECK(cin > 0 && cout > 0 && k > 0, "Conv2d(", cin, ", ", cout, ", ", k, "): sizes must be positive");
  weight = init_uniform({cout, cin, k, k}, cin * k * k);
  if (use_bias) bias = init_uniform({cout}, cin * k * k);
}
NamedTensors Conv2d::named_parameters() const {
  NamedTensors r{{"weight", weight}};
  if (bias.defined()) r.push_back({"bias", bias});
  return r;
}

BatchNorm2d::BatchNorm2d(int64_t c, float e, float m) : eps(e), momentum(m) {
  weight = Tensor::ones({c}).contiguous().realize().detach().requires_grad_();
  bias = Tensor::zeros({c}).contiguous().realize().detach().requires_grad_();
  running_mean = Tensor::zeros({c}).contiguous().realize();
  running_var = Tensor::ones({c}).contiguous().realize();
  num_batches_tracked = Tensor::zeros({}, DType::i32).contiguous().realize();
}
Tensor BatchNorm2d::operator()(const Tensor& x) {
  TP_CHECK(x.ndim() == 4 && x.shape()[1] == weight.shape()[0], "BatchNorm2d(", weight.shape()[0],
           ") expects (N, ", weight.shape()[0], ", H, W) input, got ", shape_str(x.shape()));
  const Shape cs{1, weight.shape()[0], 1, 1};
  Tensor mean, var;
  if (training) {
    mean = x.mean({0, 2, 3}, true);
    var = (x - mean).square().mean({0, 2, 3}, true);  // biased, for normalisation
    int64_t n = x.numel() / weight.shape()[0];
    NoGrad ng;
    Tensor unbiased = var.detach().reshape({-1}) * (static_cast<float>(n) / static_cast<float>(std::max<int64_t>(n - 1, 1)));
    running_mean.assign(((1 - momentum) * running_mean + momentum * mean.detach().reshape({-1})).realize());
    running_var.assign(((1 - momentum) * running_var + momentum * unbiased).realize());
    num_batches_tracked.assign((num_batches_tracked + num_batches_tracked.scalar_like(1)).realize());
  } else {
    mean = running_mean.reshape(cs);
    var = running_var.reshape(cs);
  }
  return (x - mean) * (var + eps).rsqrt() * weight.reshape(cs) + bias.reshape(cs);
}
NamedTensors BatchNorm2d::named_parameters() const { return {{"weight", weight}, {"bias", bias}}; }
NamedTensors BatchNorm2d::named_buffers() const {
  return {{"running_mean", running_mean}, {"running_var", running_var}, {"num_batches_tracked", num_batches_tracked}};
}

LayerNorm::LayerNorm(Shape s, float e) : normalized_shape(std::move(s)), eps(e) {
  weight = Tensor::ones(normalized_shape).contiguous().realize().detach().requires_grad_();
  bias = Tensor::zeros(normalized_shape).contiguous().realize().detach().requires_grad_();
}
Tensor LayerNorm::operator()(const Tensor& x) const {
  const size_t k = normalized_shape.size();
  TP_CHECK(x.ndim() >= k && Shape(x.shape().end() - k, x.shape().end()) == normalized_shape, "LayerNorm",
           shape_str(normalized_shape), " does not match the trailing dims of input ", shape_str(x.shape()));
  std::vector<int64_t> axes;
  for (size_t i = 0; i < k; ++i) axes.push_back(-static_cast<int64_t>(i) - 1);
  return x.layernorm(axes, eps) * weight + bias;
}
NamedTensors LayerNorm::named_parameters() const { return {{"weight", weight}, {"bias", bias}}; }

Dropout::Dropout(float prob) : p(prob) { TP_CHECK(p >= 0 && p < 1, "Dropout probability must be in [0, 1), got ", p); }

// ---- optimizers
Optimizer::Optimizer(std::vector<Tensor> params, float l) : lr(l), params_(std::move(params)) {
  TP_CHECK(!params_.empty(), "optimizer got no parameters");
  TP_CHECK(lr >= 0 && std::isfinite(lr), "learning rate must be a finite number >= 0, got ", lr);
  for (auto& p : params_) TP_CHECK(p.requires_grad(), "optimizer parameter ", p.str(), " does not require grad");
}
void Optimizer::zero_grad() {
  for (auto& p : params_) p.zero_grad();
}
void Optimizer::apply(std::vector<std::pair<Tensor, Tensor>> updates) {
  std::vector<Tensor> news;
  for (auto& [t, v] : updates) news.push_back(v);
  Tensor::realize_all(news);
  for (auto& [t, v] : updates) t.assign(v);
}

// ---- fused updates on the cpu device: one loop per parameter (cpu/cpu_optim.h) where the
// graph would be up to three kernels, each a pass over the parameter's memory. The loops do
// the graph's float operations in its order, so the bits are the same. Other devices run the
// graph: its kernels are what they emulate and measure.
namespace {

bool all_on_cpu(const std::vector<Tensor>& ps) {
  for (auto& p : ps)
    if (p.device().name() != "cpu" || p.dtype() != DType::f32) return false;
  return true;
}

// Realizes every tensor contiguously in one schedule; returns their element pointers.
std::vector<float*> contiguous_data(std::vector<Tensor>& ts) {
  for (auto& t : ts) t = t.contiguous();
  Tensor::realize_all(ts);
  std::vector<float*> r;
  for (auto& t : ts) {
    BufferPtr b = realized_contiguous(t.lazy());
    r.push_back(static_cast<float*>(b->data));
  }
  return r;
}

struct FusedKernel {  // counts and, at TINYPYNQ_DEBUG >= 2, prints a fused update like a kernel
  const char* name;
  Shape shape;
  std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
  ~FusedKernel() {
    stats().kernels_run++;
    if (debug_level() >= 2) {
      const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::fprintf(stderr, "  kernel %-40s %-22s %-5s %9.1f us\n", name, shape_str(shape).c_str(), "cpu", dt * 1e6);
    }
  }
};

Tensor fresh_like(const Tensor& t) {
  return Tensor(lb_from_buffer(t.device().alloc(DType::f32, t.numel()), t.shape()));
}

}  // namespace

SGD::SGD(std::vector<Tensor> params, float l, float mom, float wd, bool nesterov)
    : Optimizer(std::move(params), l), momentum_(mom), wd_(wd), nesterov_(nesterov) {
  TP_CHECK(mom >= 0 && wd >= 0, "SGD: momentum and weight_decay must be >= 0");
  TP_CHECK(!nesterov || mom > 0, "SGD: nesterov needs momentum > 0");
}
void SGD::step() {
  NoGrad ng;
  if (buf_.empty() && momentum_ > 0)
    for (auto& p : params_) buf_.push_back(p.zeros_like().contiguous().realize());
  if (all_on_cpu(params_) && cpu::fast_paths_enabled()) return step_fused();
  std::vector<std::pair<Tensor, Tensor>> up;
  for (size_t i = 0; i < params_.size(); ++i) {
    Tensor p = params_[i], g = p.grad();
    if (!g.defined()) continue;
    if (wd_ > 0) g = g + p.detach() * wd_;
    if (momentum_ > 0) {
      Tensor b = buf_[i] * momentum_ + g;
      up.push_back({buf_[i], b});
      g = nesterov_ ? g + b * momentum_ : b;
    }
    up.push_back({p, p.detach() - g * lr});
  }
  apply(std::move(up));
}
void SGD::step_fused() {
  std::vector<size_t> idx;
  std::vector<Tensor> in;  // per parameter: p, g[, b]
  for (size_t i = 0; i < params_.size(); ++i) {
    Tensor g = params_[i].grad();
    if (!g.defined()) continue;
    idx.push_back(i);
    in.push_back(params_[i].detach()), in.push_back(g);
    if (momentum_ > 0) in.push_back(buf_[i]);
  }
  const size_t per = momentum_ > 0 ? 3 : 2;
  const std::vector<float*> d = contiguous_data(in);
  cpu::SgdConsts c{lr, momentum_, wd_, wd_ > 0, momentum_ > 0, nesterov_};
  for (size_t j = 0; j < idx.size(); ++j) {
    Tensor& p = params_[idx[j]];
    FusedKernel fk{"fused_sgd", p.shape()};
    Tensor po = fresh_like(p), bo;
    if (momentum_ > 0) bo = fresh_like(p);
    float* pod = static_cast<float*>(po.lazy()->base()->realized->data);
    float* bod = momentum_ > 0 ? static_cast<float*>(bo.lazy()->base()->realized->data) : nullptr;
    cpu::sgd_update(c, p.numel(), d[per * j], d[per * j + 1], momentum_ > 0 ? d[per * j + 2] : nullptr, pod, bod);
    if (momentum_ > 0) buf_[idx[j]].assign(bo);
    p.assign(po);
  }
}

NamedTensors SGD::state() const {
  NamedTensors r;
  for (size_t i = 0; i < buf_.size(); ++i) r.push_back({std::to_string(i) + ".momentum_buffer", buf_[i]});
  return r;
}

Adam::Adam(std::vector<Tensor> params, float l, float b1, float b2, float eps, float wd)
    : Optimizer(std::move(params), l), b1_(b1), b2_(b2), eps_(eps), wd_(wd) {
  TP_CHECK(b1 >= 0 && b1 < 1 && b2 >= 0 && b2 < 1, "Adam: betas must be in [0, 1), got (", b1, ", ", b2, ")");
  TP_CHECK(eps >= 0 && wd >= 0, "Adam: eps and weight_decay must be >= 0");
  for (auto& p : params_) {
    m_.push_back(p.zeros_like().contiguous().realize());
    v_.push_back(p.zeros_like().contiguous().realize());
  }
}
void Adam::step() {
  NoGrad ng;
  ++t_;
  // Bias corrections folded into two scalars, as torch.optim.Adam does.
  const float c1 = 1.f - static_cast<float>(std::pow(b1_, t_)), c2 = 1.f - static_cast<float>(std::pow(b2_, t_));
  const float step_size = lr / c1, c2s = std::sqrt(c2);
  if (all_on_cpu(params_) && cpu::fast_paths_enabled()) return step_fused(step_size, c2s);
  std::vector<std::pair<Tensor, Tensor>> up;
  for (size_t i = 0; i < params_.size(); ++i) {
    Tensor p = params_[i].detach(), g = params_[i].grad();
    if (!g.defined()) continue;
    if (wd_ > 0 && !decoupled_) g = g + p * wd_;
    if (wd_ > 0 && decoupled_) p = p * (1.f - lr * wd_);
    Tensor m = m_[i] * b1_ + g * (1.f - b1_);
    Tensor v = v_[i] * b2_ + g * g * (1.f - b2_);
    up.push_back({m_[i], m});
    up.push_back({v_[i], v});
    up.push_back({params_[i], p - m * step_size / (v.sqrt() / c2s + eps_)});
  }
  apply(std::move(up));
}
void Adam::step_fused(float step_size, float c2s) {
  std::vector<size_t> idx;
  std::vector<Tensor> in;  // per parameter: p, g, m, v
  for (size_t i = 0; i < params_.size(); ++i) {
    Tensor g = params_[i].grad();
    if (!g.defined()) continue;
    idx.push_back(i);
    in.push_back(params_[i].detach()), in.push_back(g), in.push_back(m_[i]), in.push_back(v_[i]);
  }
  const std::vector<float*> d = contiguous_data(in);
  cpu::AdamConsts c{b1_, 1.f - b1_, b2_, 1.f - b2_, step_size, c2s, eps_};
  c.use_l2 = wd_ > 0 && !decoupled_, c.l2 = wd_;
  c.use_decay = wd_ > 0 && decoupled_, c.decay = 1.f - lr * wd_;
  for (size_t j = 0; j < idx.size(); ++j) {
    const size_t i = idx[j];
    Tensor& p = params_[i];
    FusedKernel fk{"fused_adam", p.shape()};
    Tensor po = fresh_like(p), mo = fresh_like(p), vo = fresh_like(p);
    auto data = [](const Tensor& t) { return static_cast<float*>(t.lazy()->base()->realized->data); };
    cpu::adam_update(c, p.numel(), d[4 * j], d[4 * j + 1], d[4 * j + 2], d[4 * j + 3], data(po), data(mo), data(vo));
    m_[i].assign(mo), v_[i].assign(vo), p.assign(po);
  }
}

NamedTensors Adam::state() const {
  NamedTensors r;
  for (size_t i = 0; i < m_.size(); ++i) {
    r.push_back({std::to_string(i) + ".exp_avg", m_[i]});
    r.push_back({std::to_string(i) + ".exp_avg_sq", v_[i]});
  }
  return r;
}

AdamW::AdamW(std::vector<Tensor> params, float l, float b1, float b2, float eps, float wd)
    : Adam(std::move(params), l, b1, b2, eps, wd) {
  decoupled_ = true;
}

// ---- state
static io::StDtype to_st(DType d) {
  switch (d) {
    case DType::f32: return io::StDtype::F32;
    case DType::i32: return io::StDtype::I32;
    case DType::u8: return io::StDtype::U8;
    case DType::boolean: return io::StDtype::BOOL;
  }
  return io::StDtype::F32;
}

void save_state(const std::string& path, const NamedTensors& tensors, const std::map<std::string, std::string>& meta) {
  std::map<std::string, io::StTensor> out;
  for (auto& [name, t] : tensors) {
    TP_CHECK(!out.count(name), "save_state: duplicate tensor name '", name, "'");
    io::StTensor st;
    st.dtype = to_st(t.dtype());
    st.shape = t.shape();
    st.data.resize(t.numel() * itemsize(t.dtype()));
    BufferPtr b = realized_contiguous(t.lazy());
    if (!st.data.empty()) t.device().copyout(*b, st.data.data(), st.data.size());
    out.emplace(name, std::move(st));
  }
  io::save_safetensors(path, out, meta);
}

// PyTorch writes float16/bfloat16/float64 weights and int64 counters: widen or narrow them to
// the model's dtype (integers with a range check), so its files load as they are.
static std::vector<uint8_t> convert_state(const io::StTensor& st, DType to, const std::string& path, const std::string& name) {
  const size_t n = static_cast<size_t>(prod(Shape(st.shape)));
  const uint8_t* p = st.data.data();
  auto rd = [&](auto v, size_t i) { std::memcpy(&v, p + i * sizeof v, sizeof v); return v; };
  std::vector<uint8_t> out(n * itemsize(to));
  if (to == DType::f32) {
    auto half = [](uint16_t h) {  // IEEE binary16 -> float, subnormals and inf/NaN included
      const uint32_t s = (h >> 15) & 1, e = (h >> 10) & 31, m = h & 1023;
      float v = e == 0 ? std::ldexp(static_cast<float>(m), -24) : e == 31 ? (m ? NAN : INFINITY)
                                                                        : std::ldexp(static_cast<float>(m | 1024), static_cast<int>(e) - 25);
      return s ? -v : v;
    };
    for (size_t i = 0; i < n; ++i) {
      float v;
      switch (st.dtype) {
        case io::StDtype::F64: v = static_cast<float>(rd(double{}, i)); break;
        case io::StDtype::F16: v = half(rd(uint16_t{}, i)); break;
        case io::StDtype::BF16: {
          uint32_t b = static_cast<uint32_t>(rd(uint16_t{}, i)) << 16;
          std::memcpy(&v, &b, 4);
          break;
        }
        default: TP_CHECK(false, path, ": tensor '", name, "' is ", io::st_dtype_name(st.dtype), ", the model expects F32");
      }
      std::memcpy(out.data() + 4 * i, &v, 4);
    }
    return out;
  }
  TP_CHECK(to == DType::i32, path, ": tensor '", name, "' is ", io::st_dtype_name(st.dtype), ", the model expects ",
           io::st_dtype_name(to_st(to)));
  for (size_t i = 0; i < n; ++i) {
    int64_t v;
    switch (st.dtype) {
      case io::StDtype::I64: v = rd(int64_t{}, i); break;
      case io::StDtype::I16: v = rd(int16_t{}, i); break;
      case io::StDtype::I8: v = rd(int8_t{}, i); break;
      case io::StDtype::U8: v = rd(uint8_t{}, i); break;
      default: TP_CHECK(false, path, ": tensor '", name, "' is ", io::st_dtype_name(st.dtype), ", the model expects I32");
    }
    TP_CHECK(v >= INT32_MIN && v <= INT32_MAX, path, ": tensor '", name, "' holds ", v, ", outside the int32 range");
    const int32_t w = static_cast<int32_t>(v);
    std::memcpy(out.data() + 4 * i, &w, 4);
  }
  return out;
}

void load_state(const std::string& path, const NamedTensors& into, bool strict) {
  auto file = io::load_safetensors(path);
  for (auto& [name, t] : into) {
    auto it = file.find(name);
    TP_CHECK(it != file.end() || !strict, path, ": tensor '", name, "' is missing from the file");
    if (it == file.end()) continue;
    const io::StTensor& st = it->second;
    TP_CHECK(Shape(st.shape) == t.shape(), path, ": tensor '", name, "' has shape ", shape_str(st.shape),
             ", the model expects ", shape_str(t.shape()));
    std::vector<uint8_t> conv;
    const uint8_t* bytes = st.data.data();
    if (st.dtype != to_st(t.dtype())) {
      conv = convert_state(st, t.dtype(), path, name);
      bytes = conv.data();
    }
    Tensor v = Tensor::from_bytes(bytes, t.dtype(), t.shape(), t.device().name());
    Tensor(t).assign(v);
  }
  if (strict)
    for (auto& [name, st] : file) {
      bool known = false;
      for (auto& [n, t] : into) known |= n == name;
      TP_CHECK(known, path, ": unexpected tensor '", name, "' (the model has no such parameter)");
    }
}

}  // namespace tinypynq::nn
