// Tensor: the user-facing, lazy, autograd-capable n-d array (tinygrad / PyTorch style).
// Operations build a graph; values are computed when read (tolist, item) or on realize().
//
//   Tensor::manual_seed(0);
//   Tensor x = Tensor::randn({4, 3}), w = Tensor::randn({3, 2}).requires_grad_();
//   Tensor loss = (x.matmul(w).relu() - 1.f).square().mean();
//   loss.backward();                       // w.grad() now holds dloss/dw
//   std::vector<float> g = w.grad().tolist();
#pragma once
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "tensor/lazy.h"

namespace tinypynq {

struct TensorImpl;
struct Function;

// Python-style slice for Tensor::slice: [start, stop) with step; negative values count from the end.
// Range{} is the whole axis; Range{2, 5}, Range{kDefault, kDefault, -1} (reversed) and so on.
struct Range {
  static constexpr int64_t kDefault = std::numeric_limits<int64_t>::min();
  int64_t start = kDefault, stop = kDefault, step = 1;
};

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(LB lb, bool requires_grad = false);

  // ---- creation (device "" means the default device)
  static Tensor from_data(const std::vector<float>& v, const Shape& shape, const std::string& dev = "");
  static Tensor from_data(const std::vector<int32_t>& v, const Shape& shape, const std::string& dev = "");
  // Braced lists: {1.f, 2.f} makes float32, {1, 2} makes int32 (as torch.tensor does).
  static Tensor from_data(std::initializer_list<float> v, const Shape& shape, const std::string& dev = "") {
    return from_data(std::vector<float>(v), shape, dev);
  }
  static Tensor from_data(std::initializer_list<int32_t> v, const Shape& shape, const std::string& dev = "") {
    return from_data(std::vector<int32_t>(v), shape, dev);
  }
  static Tensor from_bytes(const void* data, DType dtype, const Shape& shape, const std::string& dev = "");
  static Tensor scalar(float v, const std::string& dev = "");
  static Tensor full(const Shape& shape, double value, DType dtype = DType::f32, const std::string& dev = "");
  static Tensor zeros(const Shape& shape, DType dtype = DType::f32, const std::string& dev = "");
  static Tensor ones(const Shape& shape, DType dtype = DType::f32, const std::string& dev = "");
  static Tensor arange(double start, double stop, double step = 1, DType dtype = DType::f32, const std::string& dev = "");
  static Tensor arange(int64_t n, DType dtype = DType::f32) { return arange(0, static_cast<double>(n), 1, dtype); }
  static Tensor eye(int64_t n, const std::string& dev = "");
  static Tensor rand(const Shape& shape, const std::string& dev = "");   // uniform [0, 1)
  static Tensor randn(const Shape& shape, const std::string& dev = "");  // standard normal
  static Tensor uniform(const Shape& shape, float low, float high, const std::string& dev = "");
  static void manual_seed(uint64_t seed);
  Tensor zeros_like() const { return full_like(0); }
  Tensor ones_like() const { return full_like(1); }
  Tensor full_like(double v) const { return full(shape(), v, dtype(), device().name()); }

  // ---- info
  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const;
  int64_t size(int64_t axis) const;
  size_t ndim() const { return shape().size(); }
  int64_t numel() const { return prod(shape()); }
  DType dtype() const;
  Device& device() const;
  const LB& lazy() const;
  std::string str() const;  // "Tensor(shape=(2, 3), dtype=float32, device=cpu)"

  // ---- autograd
  bool requires_grad() const;
  Tensor& requires_grad_(bool on = true);
  Tensor grad() const;  // undefined Tensor when none
  void set_grad(const Tensor& g);
  void zero_grad();
  void backward();      // from a 1-element tensor
  Tensor detach() const;

  // ---- realization and data
  Tensor& realize();
  static void realize_all(const std::vector<Tensor>& ts);
  std::vector<float> tolist() const;  // any dtype, converted to float
  template <typename T> std::vector<T> to_vector() const;  // T must match dtype (float, int32_t, uint8_t)
  float item() const;
  void assign(const Tensor& other);   // replaces this tensor's value (same shape and dtype)

  // ---- elementwise
  Tensor cast(DType d) const;
  Tensor contiguous() const;
  Tensor operator-() const { return neg(); }
  Tensor neg() const;
  Tensor exp() const;
  Tensor exp2() const;
  Tensor log() const;
  Tensor log2() const;
  Tensor sin() const;
  Tensor cos() const;
  Tensor tan() const;
  Tensor sqrt() const;
  Tensor rsqrt() const;
  Tensor reciprocal() const;
  Tensor square() const { return mul(*this); }
  Tensor relu() const;
  Tensor leaky_relu(float slope = 0.01f) const;
  Tensor sigmoid() const;
  Tensor tanh() const;
  Tensor gelu() const;
  Tensor silu() const;
  Tensor softplus() const;
  Tensor abs() const;
  Tensor sign() const;
  Tensor clip(float lo, float hi) const;
  Tensor pow(float e) const;

  Tensor add(const Tensor& o) const;
  Tensor sub(const Tensor& o) const;
  Tensor mul(const Tensor& o) const;
  Tensor div(const Tensor& o) const;
  Tensor mod(const Tensor& o) const;
  Tensor maximum(const Tensor& o) const;
  Tensor minimum(const Tensor& o) const;
  Tensor lt(const Tensor& o) const;
  Tensor gt(const Tensor& o) const;
  Tensor le(const Tensor& o) const;
  Tensor ge(const Tensor& o) const;
  Tensor eq(const Tensor& o) const;
  Tensor ne(const Tensor& o) const;
  Tensor logical_not() const;
  static Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);
  Tensor where(const Tensor& a, const Tensor& b) const { return where(*this, a, b); }
  // A scalar operand takes this tensor's dtype and device.
  Tensor scalar_like(double v) const;

  // ---- reductions (empty axes = all axes; negative axes count from the end)
  Tensor sum(std::vector<int64_t> axes = {}, bool keepdim = false) const;
  Tensor max(std::vector<int64_t> axes = {}, bool keepdim = false) const;
  Tensor min(std::vector<int64_t> axes = {}, bool keepdim = false) const;
  Tensor mean(std::vector<int64_t> axes = {}, bool keepdim = false) const;
  Tensor var(std::vector<int64_t> axes = {}, bool keepdim = false, int64_t correction = 1) const;
  Tensor std(std::vector<int64_t> axes = {}, bool keepdim = false, int64_t correction = 1) const;
  Tensor argmax(int64_t axis, bool keepdim = false) const;
  Tensor argmin(int64_t axis, bool keepdim = false) const;
  Tensor softmax(int64_t axis = -1) const;
  Tensor log_softmax(int64_t axis = -1) const;
  Tensor logsumexp(int64_t axis = -1, bool keepdim = false) const;

  // ---- movement (views; no data is copied)
  Tensor reshape(Shape s) const;  // one dim may be -1
  Tensor view(Shape s) const { return reshape(std::move(s)); }
  Tensor permute(std::vector<int64_t> order) const;
  Tensor expand(Shape s) const;   // -1 keeps a dim
  Tensor pad(const std::vector<std::pair<int64_t, int64_t>>& p, float value = 0) const;
  Tensor shrink(const std::vector<std::pair<int64_t, int64_t>>& bounds) const;
  Tensor flip(std::vector<int64_t> axes) const;
  Tensor transpose(int64_t a = -2, int64_t b = -1) const;
  Tensor T() const { return ndim() < 2 ? *this : transpose(); }  // 0-d and 1-d: itself (as in PyTorch)
  Tensor flatten(int64_t start = 0, int64_t end = -1) const;
  Tensor squeeze(int64_t axis) const;
  Tensor squeeze() const;
  Tensor unsqueeze(int64_t axis) const;
  Tensor slice(const std::vector<Range>& ranges) const;  // per leading axis
  Tensor operator[](int64_t i) const;                     // index axis 0, dropping it
  Tensor repeat(const std::vector<int64_t>& reps) const;
  static Tensor cat(const std::vector<Tensor>& ts, int64_t axis = 0);
  static Tensor stack(const std::vector<Tensor>& ts, int64_t axis = 0);

  // ---- linear algebra and nn functional
  Tensor matmul(const Tensor& w) const;
  Tensor dot(const Tensor& w) const { return matmul(w); }
  Tensor linear(const Tensor& w, const Tensor& b = Tensor()) const;  // x @ w.T + b, w is (out, in)
  Tensor conv2d(const Tensor& w, const Tensor& b = Tensor(), int64_t stride = 1, int64_t padding = 0,
                int64_t dilation = 1) const;
  Tensor max_pool2d(int64_t kernel = 2, int64_t stride = -1, int64_t padding = 0) const;
  Tensor avg_pool2d(int64_t kernel = 2, int64_t stride = -1, int64_t padding = 0) const;
  // Sliding windows over the last len(k) dims: (..., o_1..o_n, k_1..k_n).
  Tensor pool(const std::vector<int64_t>& k, const std::vector<int64_t>& stride, const std::vector<int64_t>& dilation) const;
  Tensor dropout(float p, bool training = true) const;
  Tensor layernorm(std::vector<int64_t> axes = {-1}, float eps = 1e-5f) const;
  Tensor one_hot(int64_t classes) const;  // int tensor -> float (.., classes)

  // ---- losses (mean over the batch)
  Tensor sparse_categorical_crossentropy(const Tensor& labels, float label_smoothing = 0.f) const;
  Tensor binary_crossentropy(const Tensor& target) const;
  Tensor binary_crossentropy_logits(const Tensor& target) const;
  Tensor mse_loss(const Tensor& target) const;

  std::shared_ptr<TensorImpl> impl() const { return impl_; }

 private:
  std::shared_ptr<TensorImpl> impl_;
  friend struct Function;
  friend Tensor apply_fn(std::shared_ptr<Function> f, const std::vector<Tensor>& inputs);
};

Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator+(const Tensor& a, float b);
Tensor operator-(const Tensor& a, float b);
Tensor operator*(const Tensor& a, float b);
Tensor operator/(const Tensor& a, float b);
Tensor operator+(float a, const Tensor& b);
Tensor operator-(float a, const Tensor& b);
Tensor operator*(float a, const Tensor& b);
Tensor operator/(float a, const Tensor& b);
Tensor operator<(const Tensor& a, const Tensor& b);
Tensor operator>(const Tensor& a, const Tensor& b);
Tensor operator<(const Tensor& a, float b);
Tensor operator>(const Tensor& a, float b);

// Gradient tracking is off inside a NoGrad scope (like torch.no_grad()).
struct NoGrad {
  NoGrad();
  ~NoGrad();
  NoGrad(const NoGrad&) = delete;
  NoGrad& operator=(const NoGrad&) = delete;
 private:
  bool prev_;
};
bool grad_enabled();

// Host RNG shared by rand/randn/dropout/init: one seed, reproducible runs.
uint64_t next_random_u64();

}  // namespace tinypynq
