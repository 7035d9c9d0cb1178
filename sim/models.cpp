#include "sim/models.h"

namespace tinypynq::sim {

namespace {

struct Mlp final : Model {
  nn::Linear l1{784, 128}, l2{128, 10};
  Tensor forward(const Tensor& x) override { return l2(l1(x.reshape({x.shape()[0], 784})).relu()); }
  Shape input_shape(int64_t b) const override { return {b, 784}; }
  nn::NamedTensors named_parameters() const override {
    auto r = nn::prefixed("l1.", l1.named_parameters());
    for (auto& p : nn::prefixed("l2.", l2.named_parameters())) r.push_back(p);
    return r;
  }
};

struct Cnn final : Model {
  nn::Conv2d c1{1, 8, 5, 1, 2}, c2{8, 16, 5};
  nn::Linear l1{16 * 5 * 5, 64}, l2{64, 10};
  Tensor forward(const Tensor& x) override {
    Tensor h = c1(x.reshape({x.shape()[0], 1, 28, 28})).relu().max_pool2d(2);  // (B, 8, 14, 14)
    h = c2(h).relu().max_pool2d(2);                                             // (B, 16, 5, 5)
    return l2(l1(h.flatten(1)).relu());
  }
  Shape input_shape(int64_t b) const override { return {b, 1, 28, 28}; }
  nn::NamedTensors named_parameters() const override {
    nn::NamedTensors r;
    for (auto& [pre, ps] : {std::pair{"c1.", c1.named_parameters()}, {"c2.", c2.named_parameters()},
                            {"l1.", l1.named_parameters()}, {"l2.", l2.named_parameters()}})
      for (auto& p : nn::prefixed(pre, ps)) r.push_back(p);
    return r;
  }
};

}  // namespace

const char* model_names() { return "mlp, cnn"; }

std::unique_ptr<Model> make_model(const std::string& name) {
  if (name == "mlp") return std::make_unique<Mlp>();
  if (name == "cnn") return std::make_unique<Cnn>();
  TP_CHECK(false, "unknown model '", name, "'; valid models: ", model_names());
  return nullptr;
}

}  // namespace tinypynq::sim
