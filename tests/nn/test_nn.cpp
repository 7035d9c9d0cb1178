// nn layers, optimizers and state files, checked against hand-computed values.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tensor/nn.h"

using namespace tinypynq;
namespace fs = std::filesystem;

static std::string tmp_path(const std::string& name) {
  return (fs::temp_directory_path() / ("tinypynq_nn_" + std::to_string(::getpid()) + "_" + name)).string();
}

TEST(Linear, ForwardIsXWtPlusBAndInitIsBounded) {
  Tensor::manual_seed(1);
  nn::Linear l(4, 3);
  auto w = l.weight.tolist(), b = l.bias.tolist();
  for (float v : w) EXPECT_LE(std::fabs(v), 0.5f);  // 1/sqrt(4)
  Tensor x = Tensor::from_data({1.f, 2.f, 3.f, 4.f, -1.f, 0.f, 1.f, 2.f}, {2, 4});
  auto y = l(x).tolist();
  const float xs[2][4] = {{1, 2, 3, 4}, {-1, 0, 1, 2}};
  for (int i = 0; i < 2; ++i)
    for (int o = 0; o < 3; ++o) {
      float r = b[o];
      for (int k = 0; k < 4; ++k) r += xs[i][k] * w[o * 4 + k];
      EXPECT_NEAR(y[i * 3 + o], r, 1e-5f);
    }
  EXPECT_EQ(l.parameters().size(), 2u);
}

TEST(Optim, SgdPlainMomentumNesterov) {
  const float lr = 0.1f, mom = 0.9f;
  for (int mode = 0; mode < 3; ++mode) {
    Tensor p = Tensor::from_data({1.f, -2.f}, {2}).requires_grad_();
    nn::SGD opt({p}, lr, mode ? mom : 0.f, 0.f, mode == 2);
    double pv[2] = {1, -2}, buf[2] = {0, 0};
    const double c[2] = {3, -1};
    for (int step = 0; step < 3; ++step) {
      opt.zero_grad();
      (p * Tensor::from_data({3.f, -1.f}, {2})).sum().backward();  // grad = c
      opt.step();
      for (int i = 0; i < 2; ++i) {
        double g = c[i];
        if (mode) buf[i] = mom * buf[i] + g, g = mode == 2 ? c[i] + mom * buf[i] : buf[i];
        pv[i] -= lr * g;
      }
    }
    auto r = p.tolist();
    EXPECT_NEAR(r[0], pv[0], 1e-5) << "mode " << mode;
    EXPECT_NEAR(r[1], pv[1], 1e-5) << "mode " << mode;
  }
}

TEST(Optim, AdamAndAdamWMatchTheFormulas) {
  for (bool decoupled : {false, true}) {
    const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.1;
    Tensor p = Tensor::from_data({0.5f, -1.5f}, {2}).requires_grad_();
    std::unique_ptr<nn::Optimizer> opt;
    if (decoupled) opt = std::make_unique<nn::AdamW>(std::vector<Tensor>{p}, lr, b1, b2, eps, wd);
    else opt = std::make_unique<nn::Adam>(std::vector<Tensor>{p}, lr, b1, b2, eps, wd);
    double pv[2] = {0.5, -1.5}, m[2] = {0, 0}, v[2] = {0, 0};
    for (int t = 1; t <= 4; ++t) {
      opt->zero_grad();
      p.square().sum().backward();  // grad = 2p
      opt->step();
      for (int i = 0; i < 2; ++i) {
        double g = 2 * pv[i];
        if (!decoupled) g += wd * pv[i];
        else pv[i] *= 1 - lr * wd;
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * g * g;
        double mh = m[i] / (1 - std::pow(b1, t)), vh = v[i] / (1 - std::pow(b2, t));
        pv[i] -= lr * mh / (std::sqrt(vh) + eps);
      }
    }
    auto r = p.tolist();
    EXPECT_NEAR(r[0], pv[0], 2e-5) << (decoupled ? "AdamW" : "Adam");
    EXPECT_NEAR(r[1], pv[1], 2e-5) << (decoupled ? "AdamW" : "Adam");
  }
}

TEST(Optim, RejectsBadHyperparameters) {
  Tensor p = Tensor::zeros({2}).contiguous().realize().detach().requires_grad_();
  EXPECT_THROW(nn::Adam({p}, 1e-3f, 1.5f), Error);
  EXPECT_THROW(nn::SGD({p}, -1.f), Error);
  EXPECT_THROW(nn::SGD({Tensor::zeros({2})}, 0.1f), Error);  // not requiring grad
}

TEST(BatchNorm2d, NormalisesPerChannelAndTracksRunningStats) {
  Tensor::manual_seed(3);
  nn::BatchNorm2d bn(2, 1e-5f, 0.1f);
  Tensor x = Tensor::randn({4, 2, 3, 3}) * 3.f + 5.f;
  x.realize();
  auto y = bn(x);
  auto m = y.mean({0, 2, 3}).tolist(), v = y.var({0, 2, 3}, false, 0).tolist();
  for (int c = 0; c < 2; ++c) {
    EXPECT_NEAR(m[c], 0, 1e-4);
    EXPECT_NEAR(v[c], 1, 1e-3);
  }
  auto xm = x.mean({0, 2, 3}).tolist(), xv = x.var({0, 2, 3}, false, 1).tolist();
  auto rm = bn.running_mean.tolist(), rv = bn.running_var.tolist();
  for (int c = 0; c < 2; ++c) {
    EXPECT_NEAR(rm[c], 0.1 * xm[c], 1e-4);
    EXPECT_NEAR(rv[c], 0.9 + 0.1 * xv[c], 1e-3);
  }
  EXPECT_EQ(bn.num_batches_tracked.to_vector<int32_t>()[0], 1);
  bn.eval();
  auto ye = bn(x).tolist(), xs = x.tolist();
  EXPECT_NEAR(ye[0], (xs[0] - rm[0]) / std::sqrt(rv[0] + 1e-5f), 1e-4);
  EXPECT_THROW(bn(Tensor::zeros({1, 3, 2, 2})), Error);
}

TEST(LayerNormAndDropout, Values) {
  nn::LayerNorm ln({4});
  auto y = ln(Tensor::from_data({1.f, 2.f, 3.f, 4.f}, {1, 4})).tolist();
  const float sd = std::sqrt(1.25f + 1e-5f);
  EXPECT_NEAR(y[0], -1.5f / sd, 1e-5);
  EXPECT_NEAR(y[3], 1.5f / sd, 1e-5);
  Tensor::manual_seed(7);
  nn::Dropout d(0.25f);
  Tensor x = Tensor::ones({10000});
  auto v = d(x).tolist();
  int zeros = 0;
  for (float f : v) {
    zeros += f == 0;
    if (f != 0) {
      EXPECT_FLOAT_EQ(f, 1 / 0.75f);
    }
  }
  EXPECT_NEAR(zeros / 10000.0, 0.25, 0.02);
  d.eval();
  EXPECT_EQ(d(x).tolist(), x.tolist());
  EXPECT_THROW(nn::Dropout(1.0f), Error);
}

TEST(State, RoundTripAndErrors) {
  Tensor::manual_seed(5);
  nn::Linear a(3, 2), b(3, 2);
  nn::BatchNorm2d bn(2);
  std::string path = tmp_path("state.safetensors");
  auto sd = nn::prefixed("fc.", a.state_dict());
  for (auto& t : nn::prefixed("bn.", bn.state_dict())) sd.push_back(t);
  nn::save_state(path, sd, {{"note", "test"}});
  auto sd2 = nn::prefixed("fc.", b.state_dict());
  nn::BatchNorm2d bn2(2);
  for (auto& t : nn::prefixed("bn.", bn2.state_dict())) sd2.push_back(t);
  EXPECT_NE(a.weight.tolist(), b.weight.tolist());
  nn::load_state(path, sd2);
  EXPECT_EQ(a.weight.tolist(), b.weight.tolist());
  EXPECT_EQ(a.bias.tolist(), b.bias.tolist());
  EXPECT_TRUE(b.weight.requires_grad());
  // Shape mismatch, missing and unexpected names are named in the error.
  nn::Linear c(4, 2);
  try {
    nn::load_state(path, nn::prefixed("fc.", c.state_dict()), false);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("fc.weight"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("shape"), std::string::npos);
  }
  try {
    nn::load_state(path, nn::prefixed("fc.", a.state_dict()), true);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("unexpected tensor"), std::string::npos) << e.what();
  }
  // A truncated file is rejected with a message naming it.
  {
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
  }
  try {
    nn::load_state(path, sd2);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  fs::remove(path);
}

// A small model learns a separable synthetic task; the same seed gives the same losses.
static std::vector<float> train_toy(uint64_t seed) {
  Tensor::manual_seed(seed);
  nn::Linear l1(2, 16), l2(16, 2);
  std::vector<Tensor> ps = l1.parameters();
  for (auto& p : l2.parameters()) ps.push_back(p);
  nn::Adam opt(ps, 0.05f);
  Tensor x = Tensor::randn({64, 2}).realize();
  Tensor y = (x.sum({1}) > 0.f).cast(DType::i32).realize();
  std::vector<float> losses;
  for (int i = 0; i < 60; ++i) {
    Tensor loss = l2(l1(x).relu()).sparse_categorical_crossentropy(y);
    opt.zero_grad();
    loss.backward();
    opt.step();
    losses.push_back(loss.item());
  }
  return losses;
}

TEST(Training, ConvergesAndIsDeterministic) {
  auto a = train_toy(11), b = train_toy(11);
  EXPECT_EQ(a, b);
  EXPECT_LT(a.back(), a.front() * 0.2f);
}

TEST(Losses, BinaryCrossEntropyClampsLogLikePyTorch) {
  // p = 0 for a positive target: log(0) is clamped at -100, so the loss is finite.
  Tensor p = Tensor::from_data({0.f, 1.f}, {2}), t = Tensor::from_data({1.f, 0.f}, {2});
  EXPECT_FLOAT_EQ(p.binary_crossentropy(t).item(), 100.f);
}
