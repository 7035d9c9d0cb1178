// The pl_version 2 lowering without PS packs (docs/pl-v2.md "v2 step 5") on the tlm platform:
// the results' bits on tlm_v2 (pl_version 2) against tlm (pl_version 1) and against a host
// emulation of the unit's summation order. Links the tlm and tlm_v2 targets.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/pynq/pynq_device.h"
#include "tensor/device.h"
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
// A PL fault would be recovered by recomputing on the PS (the same bits): none may happen.
void expect_no_pl_fault() {
  const pynq::PynqStats* s = pynq::pynq_stats(device("tlm_v2"));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->faults.pl_faults, 0) << (s->faults.log.empty() ? "" : s->faults.log.back());
}
std::vector<uint32_t> bits(const Tensor& t) {
  std::vector<uint32_t> b;
  for (float f : t.to_vector<float>()) b.push_back(std::bit_cast<uint32_t>(f));
  return b;
}

// The MLP's two weight-gradient products and the fused-ReLU forward product: v2 computes the
// transposed product or evaluates the ReLU on the vector unit; the same bits as v1.
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
  expect_no_pl_fault();
}

// dW[co][kh][kw] of a 3x3 conv (pad 1) over 6 images of 20x20: K = 2400 in tiles. Each tile
// is a sequential FADD(FMUL) chain from -0.0 (hw-spec §6.3), the tiles' sums then added in
// order by vector ADDs. v1 cuts K at 2048 (+352); v2 at whole images, 2000 (+400).
float emulate(const std::vector<float>& xp, const std::vector<float>& y, int co, int kh, int kw, int tile) {
  float total = 0;
  for (int k0 = 0; k0 < 2400; k0 += tile) {
    float acc = -0.0f;
    for (int k = k0; k < std::min(2400, k0 + tile); ++k) {
      const int n = k / 400, oh = k % 400 / 20, ow = k % 20;
      const float a = xp[(n * 22 + oh + kh) * 22 + ow + kw], b = y[((n * 4 + co) * 20 + oh) * 20 + ow];
      acc = acc + a * b;
    }
    total = k0 == 0 ? acc : total + acc;
  }
  return total;
}

TEST(LoweringV2Tlm, ConvWeightGradientSumsWholeImagesPerKTile) {
  const std::vector<float> x = randn({6, 1, 20, 20}, 5), w = randn({4, 1, 3, 3}, 6), y = randn({6, 4, 20, 20}, 7);
  std::vector<float> xp(6 * 22 * 22, 0.f);  // the padded input the windows read
  for (int n = 0; n < 6; ++n)
    for (int i = 0; i < 20; ++i)
      for (int j = 0; j < 20; ++j) xp[(n * 22 + i + 1) * 22 + j + 1] = x[(n * 20 + i) * 20 + j];
  std::vector<uint32_t> got[2];
  const char* devs[2] = {"tlm", "tlm_v2"};
  for (int d = 0; d < 2; ++d) {
    Tensor X = on(x, {6, 1, 20, 20}, devs[d]), W = on(w, {4, 1, 3, 3}, devs[d]).requires_grad_(),
           Y = on(y, {6, 4, 20, 20}, devs[d]);
    (X.conv2d(W, Tensor(), 1, 1) * Y).sum().backward();
    got[d] = bits(W.grad());
  }
  ASSERT_EQ(got[0].size(), 36u);
  int differ = 0;
  for (int co = 0; co < 4; ++co)
    for (int kh = 0; kh < 3; ++kh)
      for (int kw = 0; kw < 3; ++kw) {
        const int i = (co * 3 + kh) * 3 + kw;
        EXPECT_EQ(got[0][i], std::bit_cast<uint32_t>(emulate(xp, y, co, kh, kw, 2048))) << "v1, element " << i;
        EXPECT_EQ(got[1][i], std::bit_cast<uint32_t>(emulate(xp, y, co, kh, kw, 2000))) << "v2, element " << i;
        differ += got[0][i] != got[1][i];
      }
  EXPECT_GT(differ, 0) << "the K tiles do change the partial sums here";
  expect_no_pl_fault();
  std::printf("[v2 K tiles] conv weight gradient: %d of 36 elements differ from v1 in their bits\n", differ);
}

// The same with 4 input channels (M = ci.kh.kw = 36, N = co = 8): the lowering keeps the product
// as matched and its last vector ADD writes dW (co, ci, kh, kw) through the output's view
// (test_lowering_v2 MultiKTileResultIsWrittenByTheLastAdd): the words land where v1's
// GemmScatter put them, with v2's K tiles' sums.
TEST(LoweringV2Tlm, LastAddWritesTheConvWeightGradientThroughItsView) {
  const std::vector<float> x = randn({24, 4, 10, 10}, 8), w = randn({8, 4, 3, 3}, 9), y = randn({24, 8, 10, 10}, 10);
  std::vector<float> xp(24 * 4 * 12 * 12, 0.f);
  for (int n = 0; n < 24; ++n)
    for (int c = 0; c < 4; ++c)
      for (int i = 0; i < 10; ++i)
        for (int j = 0; j < 10; ++j) xp[((n * 4 + c) * 12 + i + 1) * 12 + j + 1] = x[((n * 4 + c) * 10 + i) * 10 + j];
  Tensor X = on(x, {24, 4, 10, 10}, "tlm_v2"), W = on(w, {8, 4, 3, 3}, "tlm_v2").requires_grad_(),
         Y = on(y, {24, 8, 10, 10}, "tlm_v2");
  (X.conv2d(W, Tensor(), 1, 1) * Y).sum().backward();
  const std::vector<uint32_t> got = bits(W.grad());
  expect_no_pl_fault();
  ASSERT_EQ(got.size(), 8u * 36u);
  for (int co = 0; co < 8; ++co)
    for (int ci = 0; ci < 4; ++ci)
      for (int kh = 0; kh < 3; ++kh)
        for (int kw = 0; kw < 3; ++kw) {
          float total = 0;  // K = 2400 = (n, oh, ow) in tiles of 20 images (2000), then 400
          for (int k0 = 0; k0 < 2400; k0 += 2000) {
            float acc = -0.0f;
            for (int k = k0; k < std::min(2400, k0 + 2000); ++k) {
              const int n = k / 100, oh = k % 100 / 10, ow = k % 10;
              acc = acc + xp[((n * 4 + ci) * 12 + oh + kh) * 12 + ow + kw] * y[((n * 8 + co) * 10 + oh) * 10 + ow];
            }
            total = k0 == 0 ? acc : total + acc;
          }
          const int i = ((co * 4 + ci) * 3 + kh) * 3 + kw;
          ASSERT_EQ(got[i], std::bit_cast<uint32_t>(total)) << "element " << i;
        }
}

// The CNN's conv2 input gradient (col2im through the de-interleaved copy on tlm_v2): the
// words are copied bit for bit and summed in the same order, so tlm's bits.
TEST(LoweringV2Tlm, Col2imFromTheDeinterleavedCopyKeepsV1Bits) {
  const std::vector<float> x = randn({128, 16, 14, 14}, 11), w = randn({32, 16, 3, 3}, 12),
                           y = randn({128, 32, 14, 14}, 13);
  std::vector<uint32_t> g[2];
  const char* devs[2] = {"tlm", "tlm_v2"};
  for (int d = 0; d < 2; ++d) {
    Tensor X = on(x, {128, 16, 14, 14}, devs[d]).requires_grad_(), W = on(w, {32, 16, 3, 3}, devs[d]),
           Y = on(y, {128, 32, 14, 14}, devs[d]);
    (X.conv2d(W, Tensor(), 1, 1) * Y).sum().backward();
    g[d] = bits(X.grad());
  }
  ASSERT_EQ(g[0].size(), 128u * 16 * 14 * 14);
  EXPECT_TRUE(g[0] == g[1]) << "dX differs between tlm_v2 and tlm";
  expect_no_pl_fault();
}

}  // namespace
}  // namespace tinypynq
