// BLAS path of the cpu device for matmul-shaped kernels. A reduce kernel SUM_K(A * B) where
// the A subtree does not depend on some output dims (N) and the B subtree not on others (M)
// is C[b][m][n] = sum_k A[b][m][k] B[b][k][n]. Operands that are plain strided loads are
// passed to sgemm in place (with a transpose flag); anything else is packed first by
// evaluating its subtree over (batch, M, K) or (batch, K, N).
#include <cblas.h>

#include <algorithm>

#include "tensor/cpu/cpu_eval.h"
#include "tensor/kernel_analysis.h"

namespace tinypynq::cpu {

using namespace analysis;

namespace {

// Whether the output's dims are in [batch][N][M] order.
bool out_in_order_transposed(const GemmShape& g) {
  int last = -1;
  for (int c : {kGemmB, kGemmN, kGemmM})
    for (int d : g.dims[c]) {
      if (d < last) return false;
      last = d;
    }
  return true;
}

// When the output's dims are neither [batch][M][N] nor [batch][N][M] (a convolution: (b, cout,
// y, x) with M = (b, y, x)), leading output dims become batch dims of a loop of smaller
// products until the rest is in one of the two orders, so no scatter is needed. An operand
// that does not depend on a new batch dim is simply reused (batch offset 0).
void batch_leading_dims(const Kernel& k, GemmShape& g) {
  std::vector<std::pair<int, int>> out;  // (dim, class) in output order
  for (int c : {kGemmB, kGemmM, kGemmN})
    for (int d : g.dims[c]) out.push_back({d, c});
  std::sort(out.begin(), out.end());
  size_t need = 0;  // the existing batch dims must stay leading
  for (size_t i = 0; i < out.size(); ++i)
    if (out[i].second == kGemmB) need = i + 1;
  for (size_t p = need; p + 2 <= out.size(); ++p) {
    int changes = 0;
    for (size_t i = p + 1; i < out.size(); ++i) changes += out[i].second != out[i - 1].second;
    if (changes != 1) continue;  // the rest must be M... N... or N... M...
    g.dims[kGemmB].clear(), g.dims[kGemmM].clear(), g.dims[kGemmN].clear();
    int64_t sz[3] = {1, 1, 1};
    for (size_t i = 0; i < out.size(); ++i) {
      const int c = i < p ? kGemmB : out[i].second;
      g.dims[c].push_back(out[i].first);
      sz[c] *= k.full_shape[out[i].first];
    }
    g.Bt = sz[kGemmB], g.M = sz[kGemmM], g.N = sz[kGemmN];
    g.out_in_order = out[p].second == kGemmM;
    return;
  }
}

}  // namespace

bool try_gemm(const Kernel& k) {
  GemmShape g;
  if (!match_gemm(k, &g)) return false;
  if (g.M * g.N * g.K < 8192 || g.K < 4 || (g.M < 4 && g.N < 4)) return false;
  if (!g.out_in_order && !out_in_order_transposed(g)) batch_leading_dims(k, g);
  const int64_t Bt = g.Bt, M = g.M, N = g.N, K = g.K;
  GemmOperand A, B;
  gemm_operand(k, g, 0, true, A, true);
  gemm_operand(k, g, 1, true, B, true);
  float* C = static_cast<float*>(k.bufs[0]->data);
  if (!g.out_in_order && out_in_order_transposed(g)) {
    // The output is [batch][N][M]: C^T = B^T A^T written in place (a weight gradient, where
    // the scatter of a temporary C would cost as much as the product).
    for (int64_t b = 0; b < Bt; ++b)
      cblas_sgemm(CblasRowMajor, B.trans ? CblasNoTrans : CblasTrans, A.trans ? CblasNoTrans : CblasTrans, (int)N,
                  (int)M, (int)K, 1.f, B.base + B.batch_off[b], (int)B.ld, A.base + A.batch_off[b], (int)A.ld, 0.f,
                  C + b * M * N, (int)M);
    return true;
  }
  // Output: direct when the out layout is already [batch][M][N].
  std::vector<float> tmp;
  if (!g.out_in_order) tmp.resize(Bt * M * N), C = tmp.data();
  for (int64_t b = 0; b < Bt; ++b)
    cblas_sgemm(CblasRowMajor, A.trans ? CblasTrans : CblasNoTrans, B.trans ? CblasTrans : CblasNoTrans, (int)M,
                (int)N, (int)K, 1.f, A.base + A.batch_off[b], (int)A.ld, B.base + B.batch_off[b], (int)B.ld, 0.f,
                C + b * M * N, (int)N);
  if (!g.out_in_order) gemm_scatter(k, g, tmp.data());
  return true;
}

}  // namespace tinypynq::cpu
