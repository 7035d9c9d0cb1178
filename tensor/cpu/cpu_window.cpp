// Pooling-shaped kernels of the cpu device: fast paths that compute exactly what the general
// interpreter computes (same float operations in the same order per output), in an order that
// walks memory in long runs.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <numeric>

#include "tensor/cpu/cpu_eval.h"
#include "tensor/cpu/cpu_parallel.h"

namespace tinypynq::cpu {

namespace {
std::atomic<bool>& fast_flag() {
  static std::atomic<bool> on{true};
  return on;
}
std::atomic<int64_t>& hits() {
  static std::atomic<int64_t> n{0};
  return n;
}
// The reduce MAX of run_reduce's accumulate: NaN if either is NaN, else the later value when
// larger (a tie keeps the earlier one, which matters for +0 and -0).
inline float fmax_nan(float a, float v) {
  return (a != a || v != v) ? std::numeric_limits<float>::quiet_NaN() : (v > a ? v : a);
}
}  // namespace

bool fast_paths_enabled() { return fast_flag().load(std::memory_order_relaxed); }
void set_fast_paths(bool on) { fast_flag().store(on); }
int64_t fast_path_kernels() { return hits().load(); }

// A window reduce (max_pool2d, avg_pool2d: reduce dims r_i that sit behind their output dims
// o_i in memory) in reduce_innermost's order (..., oy, ox, ky, kx) reads 2-word runs; in the
// interleaved order (..., oy, ky, ox, kx) the same loads are whole rows (a non-overlapping
// 2x2 pool of a contiguous map: one contiguous run). A block holds whole units (below) and
// each output folds its window from it in row-major window order, starting from the identity,
// as accumulate() and accumulate_sum() do for short runs: the same bits.
bool try_window_reduce(const Kernel& k, const std::vector<KNode>& nodes, const Shape& shape, int64_t red) {
  if (!fast_paths_enabled()) return false;
  const bool sum = k.reduce_op == Op::SUM;
  if (nodes.back().dtype != DType::f32 || k.out_dtype != DType::f32) return false;
  if (sum && red >= 32) return false;  // long sums take accumulate_sum's four lanes
  const size_t R = k.reduce_axes.size(), nd = shape.size();
  if (R == 0 || nd < 2 * R || red < 2) return false;
  const size_t lead = nd - 2 * R;
  std::vector<int> order(lead);
  std::iota(order.begin(), order.end(), 0);
  for (size_t i = 0; i < R; ++i) order.push_back(static_cast<int>(lead + i)), order.push_back(static_cast<int>(lead + R + i));
  // A unit is one index of the dims before r_1 in the interleaved order (the leading dims and
  // o_1): (r_1, o_2, r_2, ..., o_R, r_R), which holds prod(o_2..o_R) whole windows.
  int64_t unit = 1;
  for (size_t d = 1; d < 2 * R; ++d) unit *= shape[order[lead + d]];
  if (unit > kBlock) return false;
  // Only when it helps: the single-view loads must walk fewer (longer) runs interleaved.
  std::vector<KNode> in = nodes;
  size_t before = 0, after = 0;
  for (auto& n : in) {
    if (n.op != Op::LOAD && n.op != Op::CONST) continue;
    const bool single = n.st.single_strided();
    if (single) before += StridedWalk(n.st.top()).size.size();
    n.st = n.st.permute(order);
    if (single) after += StridedWalk(n.st.top()).size.size();
  }
  if (after >= before) return false;
  hits()++;
  Shape ishape;
  for (int d : order) ishape.push_back(shape[d]);
  // Positions in a unit of each output's window start and of each window offset.
  std::vector<int64_t> istride(2 * R, 0);  // of D = (o_1, r_1, ..., o_R, r_R); o_1's is unused
  for (int64_t st = 1, j = static_cast<int64_t>(2 * R); j-- > 1;) istride[j] = st, st *= ishape[lead + j];
  const int64_t opu = unit / red;
  std::vector<int32_t> obase(opu), woff(red);
  for (int64_t o = 0; o < opu; ++o) {
    int64_t rem = o, pos = 0;
    for (size_t i = R; i-- > 1;) pos += (rem % shape[lead + i]) * istride[2 * i], rem /= shape[lead + i];
    obase[o] = static_cast<int32_t>(pos);
  }
  for (int64_t w = 0; w < red; ++w) {
    int64_t rem = w, pos = 0;
    for (size_t i = R; i-- > 0;) pos += (rem % shape[lead + R + i]) * istride[2 * i + 1], rem /= shape[lead + R + i];
    woff[w] = static_cast<int32_t>(pos);
  }
  // Outputs of a unit at a uniform stride (one dim o_2, as in 2-D pooling): so, else 0.
  int64_t so = opu > 1 ? obase[1] : 1;
  for (int64_t q = 0; q < opu && so; ++q) so = obase[q] == q * so ? so : 0;
  const int64_t units = prod(shape) / unit, per_block = kBlock / unit;
  auto* out = static_cast<float*>(k.bufs[0]->data);
  parallel_chunks(units, std::max<int64_t>(1, kMinPerThread / unit), [&](int64_t g0, int64_t g1) {
    EvalProgram p(in, k.bufs, ishape);
    double dacc[kBlock];
    for (int64_t g = g0; g < g1; g += per_block) {
      const int64_t ng = std::min(per_block, g1 - g);
      const auto* v = static_cast<const float*>(p.eval_block(g * unit, ng * unit));
      float* o = out + g * opu;
      for (int64_t j = 0; j < ng; ++j, v += unit, o += opu) {
        // Window offset by window offset over all outputs of the unit (each output's values
        // still fold in window order), so that the loop over outputs vectorizes.
        if (sum) {
          for (int64_t q = 0; q < opu; ++q) dacc[q] = 0.0;
          for (int64_t w = 0; w < red; ++w) {
            const float* x = v + woff[w];
            if (so) for (int64_t q = 0; q < opu; ++q) dacc[q] += x[q * so];
            else for (int64_t q = 0; q < opu; ++q) dacc[q] += x[obase[q]];
          }
          for (int64_t q = 0; q < opu; ++q) o[q] = static_cast<float>(dacc[q]);
        } else {
          for (int64_t q = 0; q < opu; ++q) o[q] = -std::numeric_limits<float>::infinity();
          for (int64_t w = 0; w < red; ++w) {
            const float* x = v + woff[w];
            if (so == 2) for (int64_t q = 0; q < opu; ++q) o[q] = fmax_nan(o[q], x[2 * q]);
            else if (so) for (int64_t q = 0; q < opu; ++q) o[q] = fmax_nan(o[q], x[q * so]);
            else for (int64_t q = 0; q < opu; ++q) o[q] = fmax_nan(o[q], x[obase[q]]);
          }
        }
      }
    }
  });
  return true;
}

}  // namespace tinypynq::cpu
