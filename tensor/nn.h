// Neural-network layers, optimizers and state (de)serialisation.
//
//   nn::Linear fc(784, 10);
//   nn::Adam opt(fc.parameters(), 1e-3f);
//   Tensor loss = fc(x).sparse_categorical_crossentropy(y);
//   opt.zero_grad(); loss.backward(); opt.step();
//   nn::save_state("model.safetensors", fc.state_dict());
#pragma once
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "tensor/tensor.h"

namespace tinypynq::nn {

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

// A layer lists its tensors by name; parameters are the ones gradients flow to, buffers
// (running statistics) are saved but not optimized.
struct Module {
  virtual ~Module() = default;
  virtual NamedTensors named_parameters() const = 0;
  virtual NamedTensors named_buffers() const { return {}; }
  virtual void train(bool on = true) { training = on; }
  void eval() { train(false); }
  std::vector<Tensor> parameters() const;
  NamedTensors state_dict() const;  // parameters then buffers
  bool training = true;
};

struct Linear : Module {
  Tensor weight, bias;  // (out, in), (out,)
  Linear(int64_t in, int64_t out, bool use_bias = true);
  Tensor operator()(const Tensor& x) const { return x.linear(weight, bias); }
  NamedTensors named_parameters() const override;
};

struct Conv2d : Module {
  Tensor weight, bias;  // (cout, cin, kh, kw), (cout,)
  int64_t stride, padding, dilation;
  Conv2d(int64_t cin, int64_t cout, int64_t kernel, int64_t stride = 1, int64_t padding = 0, int64_t dilation = 1,
         bool use_bias = true);
  Tensor operator()(const Tensor& x) const { return x.conv2d(weight, bias, stride, padding, dilation); }
  NamedTensors named_parameters() const override;
};

struct BatchNorm2d : Module {
  Tensor weight, bias, running_mean, running_var, num_batches_tracked;
  float eps, momentum;
  explicit BatchNorm2d(int64_t channels, float eps = 1e-5f, float momentum = 0.1f);
  Tensor operator()(const Tensor& x);  // updates the running statistics when training
  NamedTensors named_parameters() const override;
  NamedTensors named_buffers() const override;
};

struct LayerNorm : Module {
  Tensor weight, bias;
  Shape normalized_shape;
  float eps;
  explicit LayerNorm(Shape normalized_shape, float eps = 1e-5f);
  Tensor operator()(const Tensor& x) const;
  NamedTensors named_parameters() const override;
};

struct Dropout : Module {
  float p;
  explicit Dropout(float p = 0.5f);
  Tensor operator()(const Tensor& x) const { return x.dropout(p, training); }
  NamedTensors named_parameters() const override { return {}; }
};

// Prefixes every name: "fc1." + "weight".
NamedTensors prefixed(const std::string& prefix, const NamedTensors& t);

// ---- optimizers: step() realizes every update of a step in one schedule.
class Optimizer {
 public:
  Optimizer(std::vector<Tensor> params, float lr);
  virtual ~Optimizer() = default;
  void zero_grad();
  virtual void step() = 0;
  float lr;
  // Optimizer state tensors (for saving/inspection), e.g. "0.m" for Adam's first moment.
  virtual NamedTensors state() const { return {}; }

 protected:
  std::vector<Tensor> params_;
  void apply(std::vector<std::pair<Tensor, Tensor>> updates);  // (target, new value) pairs
};

class SGD : public Optimizer {
 public:
  SGD(std::vector<Tensor> params, float lr, float momentum = 0, float weight_decay = 0, bool nesterov = false);
  void step() override;
  NamedTensors state() const override;

 private:
  float momentum_, wd_;
  bool nesterov_;
  std::vector<Tensor> buf_;
  void step_fused();
};

class Adam : public Optimizer {
 public:
  // weight_decay is L2 added to the gradient (torch.optim.Adam); AdamW decouples it.
  Adam(std::vector<Tensor> params, float lr = 1e-3f, float b1 = 0.9f, float b2 = 0.999f, float eps = 1e-8f,
       float weight_decay = 0);
  void step() override;
  NamedTensors state() const override;
  int64_t steps() const { return t_; }

 protected:
  float b1_, b2_, eps_, wd_;
  bool decoupled_ = false;
  int64_t t_ = 0;
  std::vector<Tensor> m_, v_;
  void step_fused(float step_size, float c2s);
};

class AdamW : public Adam {
 public:
  AdamW(std::vector<Tensor> params, float lr = 1e-3f, float b1 = 0.9f, float b2 = 0.999f, float eps = 1e-8f,
        float weight_decay = 0.01f);
};

// ---- state: safetensors files (readable by PyTorch's safetensors), written atomically.
void save_state(const std::string& path, const NamedTensors& tensors,
                const std::map<std::string, std::string>& metadata = {});
// Loads into existing tensors (matching names, shapes and dtypes), or throws naming the problem.
void load_state(const std::string& path, const NamedTensors& into, bool strict = true);

}  // namespace tinypynq::nn
