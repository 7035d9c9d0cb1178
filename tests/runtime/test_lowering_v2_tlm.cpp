// The pl_version 2 lowering without PS packs (docs/pl-v2.md "v2 step 5") on the tlm platform:
// the results' bits on tlm_v2 (pl_version 2) against tlm (pl_version 1) and against a host
// emulation of the unit's summation order. Links the tlm and tlm_v2 targets.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace tinypynq {
namespace {

std::vector<float> randn(const Shape& s, uint64_t seed) {
  Tensor::manual_seed(seed);
  return Tensor::randn(s).to_vector<float>();
}
Tensor on(const std::vector<float>& v, const Shape& s, const std::string& dev) {
  return Tensor::from_bytes(v.data(), DType::f32, s, dev);
}
std::vector<uint32_t> bits(const Tensor& t) {
  std::vector<uint32_t> b;
  for (float f : t.to_vector<float>()) b.push_back(std::bit_cast<uint32_t>(f));
  return b;
}

// The MLP's two weight-gradient products and the fused-ReLU forward product: v2 computes the
// transposed products and evaluates the ReLU on the vector unit; the same bits as v1.
TEST(LoweringV2Tlm, TransposedProductsAndPlReluKeepV1Bits) {
  const std::vector<float> x = randn({128, 300}, 1), w = randn({64, 300}, 2), y = randn({128, 64}, 3),
                           w2 = randn({10, 64}, 4);
  std::vector<uint32_t> res[2][3];
  const char* devs[2] = {"tlm", "tlm_v2"};
  for (int d = 0; d < 2; ++d) {
    Tensor X = on(x, {128, 300}, devs[d]), W = on(w, {64, 300}, devs[d]).requires_grad_(),
           Y = on(y, {128, 64}, devs[d]), W2 = on(w2, {10, 64}, devs[d]).requires_grad_();
    Tensor h = X.linear(W);
    Tensor out = h.relu().linear(W2);
    ((out * 0.5f).sum() + (h * Y).sum()).backward();
    res[d][0] = bits(out), res[d][1] = bits(W.grad()), res[d][2] = bits(W2.grad());
  }
  EXPECT_EQ(res[1][0], res[0][0]) << "relu(h) . W2^T: the ReLU on the vector unit";
  EXPECT_EQ(res[1][1], res[0][1]) << "dW = (X^T . dH)^T computed as dH^T . X";
  EXPECT_EQ(res[1][2], res[0][2]) << "dW2 = dOut^T . relu(h)";
}

}  // namespace
}  // namespace tinypynq
