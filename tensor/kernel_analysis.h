// Kernel analysis shared by every device: the shape facts a device needs to map a scheduled
// kernel onto its hardware (a BLAS call, a PL unit). The cpu device (the reference) and the
// pynq lowering both use these; nothing here depends on a device.
//
//   analysis::GemmShape g;
//   if (analysis::match_gemm(k, &g)) { /* C[Bt][M][N] = A[Bt][M][K] * B[Bt][K][N] */ }
//   std::vector<KNode> nodes;  int64_t L;
//   Shape s = analysis::reduce_innermost(k, nodes, &L);   // every output: a run of L indices
//   analysis::eval_node(nodes, k.bufs, s, i, dst);         // node i's values, row-major
#pragma once
#include <cstdint>
#include <vector>

#include "tensor/kernel.h"

namespace tinypynq::analysis {

// A reduce kernel's nodes with the reduce axes moved innermost (every output is then a run of
// `*red` consecutive indices of the returned iteration shape).
Shape reduce_innermost(const Kernel& k, std::vector<KNode>& nodes, int64_t* red);

// Matmul-shaped kernels: a reduce SUM_K(A * B) where the A subtree does not depend on some
// output dims (N) and the B subtree not on others (M) is C[b][m][n] = sum_k A[b][m][k] B[b][k][n].
enum GemmDim { kGemmB, kGemmM, kGemmN, kGemmK, kGemmOne };
struct GemmShape {
  int64_t Bt = 1, M = 1, N = 1, K = 1;
  std::vector<int> dims[5];   // full_shape dims of each class (GemmDim)
  bool out_in_order = true;   // the output layout is already [batch][M][N]
};
bool match_gemm(const Kernel& k, GemmShape* g);  // shape test only, any size

// Operand `which` (0 = A as [M][K], 1 = B as [K][N]) per batch: in place (a plain strided
// load, possibly transposed) when allow_direct, else packed row-major into `packed`.
struct GemmOperand {
  const float* base = nullptr;
  std::vector<float> packed;
  bool trans = false;
  int64_t ld = 0;
  std::vector<int64_t> batch_off;  // per batch index, element offset from base
};
// The in-place case alone: false (op untouched) when the operand needs packing.
bool gemm_direct(const Kernel& k, const GemmShape& g, int which, GemmOperand& op);
// may_transpose: a packed operand may be stored transposed (op.trans, ld = rows) when its loads
// then walk longer contiguous runs (im2col); callers that read op.packed as row-major leave it false.
void gemm_operand(const Kernel& k, const GemmShape& g, int which, bool allow_direct, GemmOperand& op,
                  bool may_transpose = false);
// How gemm_operand packs operand `which`: the subtree rooted at nodes[node], evaluated over the
// row-major iteration `shape` (batch, rows, cols, then pinned unit dims; rows and cols swapped
// when trans), gives the packed operand, batch_stride floats per batch, leading dimension ld.
struct GemmPack {
  std::vector<KNode> nodes;
  Shape shape;
  int node = -1;
  bool trans = false;
  int64_t ld = 0, batch_stride = 0;
};
GemmPack gemm_pack_plan(const Kernel& k, const GemmShape& g, int which, bool may_transpose);
// Writes C given as [batch][M][N] into k.bufs[0] in the output's own dim order.
void gemm_scatter(const Kernel& k, const GemmShape& g, const float* c);

// The values of node `node` of `nodes` over the row-major iteration `shape` (views resolved,
// padding and casts applied as the cpu reference does): prod(shape) 4-byte words (float for
// f32 nodes, int32 otherwise, bool/u8 as 0/1) written to dst.
void eval_node(const std::vector<KNode>& nodes, const std::vector<BufferPtr>& bufs, const Shape& shape, int node,
               void* dst);

}  // namespace tinypynq::analysis
