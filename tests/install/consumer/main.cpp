// Uses the installed headers and libraries as an application would: a small autograd step on
// the cpu device and the board configuration. Prints one line the test compares.
#include <cstdio>

#include "tensor/tensor.h"

using tinypynq::Tensor;

int main() {
  Tensor x = Tensor::from_data({1.f, 2.f, 3.f, 4.f}, {2, 2});
  Tensor w = Tensor::from_data({0.5f, -1.f, 2.f, 0.f}, {2, 2}).requires_grad_();
  Tensor loss = x.matmul(w).relu().sum();
  loss.backward();
  const std::vector<float> g = w.grad().tolist();
  std::printf("loss %g grad %g %g %g %g\n", loss.item(), g[0], g[1], g[2], g[3]);
  return 0;
}
