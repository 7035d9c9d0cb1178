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

bool try_gemm(const Kernel& k) {
  GemmShape g;
  if (!match_gemm(k, &g)) return false;
  const int64_t Bt = g.Bt, M = g.M, N = g.N, K = g.K;
  if (M * N * K < 8192 || K < 4 || (M < 4 && N < 4)) return false;
  GemmOperand A, B;
  gemm_operand(k, g, 0, true, A);
  gemm_operand(k, g, 1, true, B);
  // Output: direct when the out layout is already [batch][M][N].
  std::vector<float> tmp;
  float* C = static_cast<float*>(k.bufs[0]->data);
  if (!g.out_in_order) tmp.resize(Bt * M * N), C = tmp.data();
  for (int64_t b = 0; b < Bt; ++b)
    cblas_sgemm(CblasRowMajor, A.trans ? CblasTrans : CblasNoTrans, B.trans ? CblasTrans : CblasNoTrans, (int)M,
                (int)N, (int)K, 1.f, A.base + A.batch_off[b], (int)A.ld, B.base + B.batch_off[b], (int)B.ld, 0.f,
                C + b * M * N, (int)N);
  if (!g.out_in_order) gemm_scatter(k, g, tmp.data());
  return true;
}

}  // namespace tinypynq::cpu
