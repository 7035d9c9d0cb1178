// Finite-difference gradient checking. The output of f is contracted with fixed random
// weights (so every output element gets a distinct cotangent), backward() gives the analytic
// gradient of every input, and central differences of the same contraction, evaluated on the
// host in double from float32 forward passes, give the numerical one.
//
//   gradcheck("mul_bcast", [](const In& x) { return x[0] * x[1]; },
//             {rnd({3, 1}), rnd({1, 4})});
//   gradcheck("ce", [&](const In& x) { return x[0].sparse_categorical_crossentropy(labels); },
//             {rnd({4, 5})});
#pragma once
#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "tests/tensor/tensor_test_util.h"

namespace tinypynq::test {

struct GInput {
  Shape shape;
  std::vector<float> v;
  bool diff = true;  // false: passed to f as a constant, not checked
};

// Uniform values in [lo, hi); with away > 0, magnitudes in [away, hi] with random signs
// (keeps inputs off kinks at 0 such as relu and abs).
inline GInput rnd(Shape s, float lo = -2, float hi = 2, uint64_t seed = 1, float away = 0) {
  std::mt19937_64 r(seed * 0x9e3779b97f4a7c15ull + prod(s));
  GInput g{s, {}, true};
  for (int64_t i = 0; i < prod(s); ++i) {
    if (away > 0) {
      float m = std::uniform_real_distribution<float>(away, hi)(r);
      g.v.push_back((r() & 1) ? m : -m);
    } else {
      g.v.push_back(std::uniform_real_distribution<float>(lo, hi)(r));
    }
  }
  return g;
}
// Distinct values spaced >= `gap` apart, shuffled (no ties for max/min/argmax-like ops).
inline GInput distinct(Shape s, float gap = 0.25f, uint64_t seed = 2) {
  std::vector<float> v(prod(s));
  for (size_t i = 0; i < v.size(); ++i) v[i] = gap * (static_cast<float>(i) - v.size() / 2.f);
  std::shuffle(v.begin(), v.end(), std::mt19937_64(seed));
  return {s, v, true};
}
inline GInput constant(GInput g) { g.diff = false; return g; }

struct GradTol {
  double rtol = 2e-2, atol = 1e-3, eps = 1e-2;
  int64_t max_checks = 96;  // elements probed per input (spread evenly) to bound run time
};

inline void gradcheck(const std::string& what, const std::function<Tensor(const std::vector<Tensor>&)>& f,
                      const std::vector<GInput>& in, GradTol tol = {}) {
  SCOPED_TRACE(what);
  auto make = [&](const std::vector<std::vector<float>>& vals, bool grad) {
    std::vector<Tensor> ts;
    for (size_t i = 0; i < in.size(); ++i) {
      ts.push_back(Tensor::from_data(vals[i], in[i].shape));
      if (grad && in[i].diff) ts.back().requires_grad_();
    }
    return ts;
  };
  std::vector<std::vector<float>> vals;
  for (auto& g : in) vals.push_back(g.v);

  // analytic
  std::vector<Tensor> leaves = make(vals, true);
  Tensor out = f(leaves);
  ASSERT_EQ(out.dtype(), DType::f32);
  std::mt19937_64 r(1234);
  std::vector<float> w(out.numel());
  for (auto& x : w) x = std::uniform_real_distribution<float>(0.5f, 1.5f)(r) * ((r() & 1) ? 1.f : -1.f);
  Tensor loss = (out * Tensor::from_data(w, out.shape())).sum();
  loss.backward();

  auto eval = [&](const std::vector<std::vector<float>>& v) {
    NoGrad ng;
    std::vector<float> o = f(make(v, false)).tolist();
    double s = 0;
    for (size_t k = 0; k < o.size(); ++k) s += static_cast<double>(o[k]) * w[k];
    return s;
  };
  for (size_t i = 0; i < in.size(); ++i) {
    if (!in[i].diff) continue;
    Tensor g = leaves[i].grad();
    ASSERT_TRUE(g.defined()) << "input " << i << " got no gradient";
    ASSERT_EQ(g.shape(), in[i].shape) << "input " << i;
    std::vector<float> ga = g.tolist();
    const int64_t n = static_cast<int64_t>(ga.size());
    const int64_t step = std::max<int64_t>(1, n / tol.max_checks);
    int bad = 0;
    for (int64_t j = 0; j < n; j += step) {
      const float x0 = vals[i][j];
      const float h = static_cast<float>(tol.eps * std::max(1.f, std::fabs(x0)));
      vals[i][j] = x0 + h;
      const double hp = static_cast<double>(vals[i][j]) - x0, lp = eval(vals);
      vals[i][j] = x0 - h;
      const double hm = x0 - static_cast<double>(vals[i][j]), lm = eval(vals);
      vals[i][j] = x0;
      const double num = (lp - lm) / (hp + hm), ana = ga[j];
      if (std::fabs(ana - num) > tol.atol + tol.rtol * std::max(std::fabs(ana), std::fabs(num)) && bad++ < 5)
        ADD_FAILURE() << what << ": input " << i << " element " << j << " (x = " << x0 << "): analytic " << ana
                      << ", numerical " << num;
    }
  }
}

}  // namespace tinypynq::test
