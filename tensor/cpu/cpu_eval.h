// The cpu device's kernel interpreter (internal). It evaluates a kernel's node DAG over blocks
// of kBlock consecutive row-major indices of an iteration shape: each node is one tight loop
// over the block, so the interpreter costs little more than compiled code per element.
//
//   EvalProgram p(k.nodes, k.bufs, k.full_shape);
//   const float* v = static_cast<const float*>(p.eval_block(0, 512));
#pragma once
#include <vector>

#include "tensor/kernel.h"

namespace tinypynq::cpu {

constexpr int64_t kBlock = 512;

// Hot loops (the per-node ALU loops, the pooling folds) get an AVX2 copy, chosen at load time
// where the host has it (8 lanes instead of SSE2's 4): IEEE add/mul/div/sqrt/compare give the
// same bits at any width, the transcendental functions are the same libm calls, and AVX2 alone
// has no FMA to contract to.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define TP_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define TP_CLONES
#endif


// Offsets of one strided view walked in row-major order; adjacent dims are merged when the
// strides allow it, so most loads become one or two nested runs.
struct StridedWalk {
  std::vector<int64_t> size, stride;
  int64_t offset = 0;
  explicit StridedWalk(const View& v);
  StridedWalk(const Shape& shape, const Shape& strides, int64_t offset);
  bool unit() const { return size.size() == 1 && stride[0] == 1; }  // offset + flat
  void offsets(int64_t start, int64_t n, int64_t* out) const;
  // out[i] = base[offset of start + i] for 4-byte elements: the walk and the copy in one pass.
  void gather32(const uint32_t* base, int64_t start, int64_t n, uint32_t* out) const;
  // The offset of element `start` when elements [start, start + n) are consecutive words of
  // one innermost run (unit stride), else -1.
  int64_t run_offset(int64_t start, int64_t n) const;
};

// Offsets and validity of any view stack walked in row-major order: the top view advances as
// an odometer (no division); lower views unravel with 32-bit division when sizes allow.
class GeneralWalk {
 public:
  explicit GeneralWalk(const ShapeTracker& st);
  // offsets[i] is only meaningful where valid[i] != 0.
  void offsets(int64_t start, int64_t n, int64_t* off, uint8_t* valid) const;
  bool single() const { return lower_.empty(); }  // one (masked) view
  // For single(): out[i] = the 4-byte word at offset i, or 0 where masked out.
  void gather32(const uint32_t* base, int64_t start, int64_t n, uint32_t* out) const;

 private:
  struct Dim { int64_t size, stride, lo, hi; };
  std::vector<Dim> top_;
  int64_t top_offset_;
  bool top_masked_;
  struct Lower { std::vector<Dim> dims; int64_t offset; bool masked; bool small; };
  std::vector<Lower> lower_;  // from the view below the top downwards
};

// The one strided view that a tracker's offsets come from (a single unmasked view, or one under
// plain row-major reshapes), else null.
const View* strided_bottom(const ShapeTracker& st);

class EvalProgram {
 public:
  EvalProgram(const std::vector<KNode>& nodes, const std::vector<BufferPtr>& bufs, const Shape& shape, int root = -1);
  // Values of the root node at flat indices [start, start + n), n <= kBlock; float* for f32
  // roots, int32_t* otherwise. Valid until the next call. With root_out (room for n 4-byte
  // words), the root is computed there when it is not read in place (the result then points
  // at root_out), which saves the copy into a 4-byte output.
  const void* eval_block(int64_t start, int64_t n, void* root_out = nullptr);
  DType root_dtype() const { return nodes_[root_].dtype; }

 private:
  enum class Mode { kUnit, kStrided, kGeneral, kConst, kConstMasked, kAlu, kSkip };
  struct Step {
    Mode mode;
    const KNode* node;
    const uint8_t* base = nullptr;
    std::vector<StridedWalk> walk;  // 0 or 1
    std::vector<GeneralWalk> gwalk;  // 0 or 1
  };
  const std::vector<KNode>& nodes_;
  std::vector<Step> steps_;
  int root_;
  std::vector<int32_t> scratch_;  // kBlock words per node (float or int32)
  std::vector<const void*> vals_;  // per node: its values for the current block (scratch or in place)
  std::vector<int64_t> offs_;
  std::vector<uint8_t> valid_;
  void load(const Step& s, int64_t start, int64_t n, void* out);
};

// Converts n computed values (float or int32 per `from`) into storage of dtype `to`.
void store_values(const void* vals, DType from, void* dst, DType to, int64_t n);

// Matmul-shaped reduce kernels (SUM over K of A*B, A independent of N dims, B of M dims) go
// to BLAS. Returns false when the kernel is not of that shape or too small to be worth it.
bool try_gemm(const Kernel& k);
// Tests compare products with the interpreter (double sums) by turning BLAS off (default on).
bool blas_enabled();
void set_blas(bool on);
int64_t image_split_products();  // weight-gradient products accumulated image by image so far

// Fast paths for pooling-shaped kernels (cpu_window.cpp); each computes the general path's
// values (see there for the exact claim) or returns false. `nodes`/`shape`/`red` are the
// kernel in reduce_innermost's order.
bool try_window_reduce(const Kernel& k, const std::vector<KNode>& nodes, const Shape& shape, int64_t red);
// col2im: an elementwise chain of ADDs of single (masked) views with equal strides.
bool try_shifted_sum(const Kernel& k);
// Tests compare the fast paths with the general interpreter by turning them off (default on).
bool fast_paths_enabled();
void set_fast_paths(bool on);
int64_t fast_path_kernels();  // kernels a fast path has run so far
void note_fast_path();        // counts one

}  // namespace tinypynq::cpu
