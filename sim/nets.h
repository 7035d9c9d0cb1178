// The neural nets the CLI trains on Fashion-MNIST (sim/nets.*; the board models are in models/).
//   auto m = make_model("mlp");  Tensor logits = m->forward(x);  // x: (B, 784) or (B, 1, 28, 28)
#pragma once
#include <memory>
#include <string>

#include "tensor/nn.h"

namespace tinypynq::sim {

struct Model : nn::Module {
  virtual Tensor forward(const Tensor& x) = 0;
  virtual Shape input_shape(int64_t batch) const = 0;
};

// "mlp": 784-128-10 with ReLU. "cnn": conv3(16)-pool-conv3(32)-pool-fc10, ReLU after each conv.
std::unique_ptr<Model> make_model(const std::string& name);
const char* model_names();  // for help and errors: "mlp, cnn"

}  // namespace tinypynq::sim
