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
// The outputs of nu units (unit values and opu outputs each): window offset by window offset
// over a unit's outputs (each output's values still fold in window order), so that the loop
// over outputs vectorizes. Outputs are so apart (0: at obase[q]).
TP_CLONES void fold_units(bool sum, const float* v, float* o, double* dacc, int64_t nu, int64_t unit, int64_t opu,
                          int64_t red, int64_t so, const int32_t* obase, const int32_t* woff) {
  for (int64_t j = 0; j < nu; ++j, v += unit, o += opu) {
    if (sum) {
      for (int64_t q = 0; q < opu; ++q) dacc[q] = 0.0;
      for (int64_t w = 0; w < red; ++w) {
        const float* x = v + woff[w];
        if (so) for (int64_t q = 0; q < opu; ++q) dacc[q] += x[q * so];
        else for (int64_t q = 0; q < opu; ++q) dacc[q] += x[obase[q]];
      }
      for (int64_t q = 0; q < opu; ++q) o[q] = static_cast<float>(dacc[q]);
      continue;
    }
    for (int64_t q = 0; q < opu; ++q) o[q] = -std::numeric_limits<float>::infinity();
    for (int64_t w = 0; w < red; ++w) {
      const float* x = v + woff[w];
      if (so == 2) for (int64_t q = 0; q < opu; ++q) o[q] = fmax_nan(o[q], x[2 * q]);
      else if (so == 4) for (int64_t q = 0; q < opu; ++q) o[q] = fmax_nan(o[q], x[4 * q]);
      else if (so) for (int64_t q = 0; q < opu; ++q) o[q] = fmax_nan(o[q], x[q * so]);
      else for (int64_t q = 0; q < opu; ++q) o[q] = fmax_nan(o[q], x[obase[q]]);
    }
  }
}

// One term of a shifted sum over a Y x X plane: o = (first ? 0 : o) + (valid ? s : +0.f), where
// rows [ylo, yhi) and columns [xlo, xhi) are valid.
TP_CLONES void add_plane(float* o, const float* s, int64_t Y, int64_t X, int64_t sy, int64_t sx, int64_t ylo,
                         int64_t yhi, int64_t xlo, int64_t xhi, bool first) {
  for (int64_t y = 0; y < Y; ++y, o += X, s += sy) {
    const bool in = y >= ylo && y < yhi;
    const int64_t lo = in ? xlo : X, hi = in ? xhi : X;
    if (first) {
      for (int64_t x = 0; x < lo; ++x) o[x] = 0.f;
      if (sx == 1) for (int64_t x = lo; x < hi; ++x) o[x] = s[x];
      else for (int64_t x = lo; x < hi; ++x) o[x] = s[x * sx];
      for (int64_t x = hi; x < X; ++x) o[x] = 0.f;
      continue;
    }
    for (int64_t x = 0; x < lo; ++x) o[x] += 0.f;
    if (sx == 1) for (int64_t x = lo; x < hi; ++x) o[x] += s[x];
    else if (sx == 9) for (int64_t x = lo; x < hi; ++x) o[x] += s[x * 9];  // 3x3 col2im
    else for (int64_t x = lo; x < hi; ++x) o[x] += s[x * sx];
    for (int64_t x = hi; x < X; ++x) o[x] += 0.f;
  }
}
}  // namespace

bool fast_paths_enabled() { return fast_flag().load(std::memory_order_relaxed); }
void set_fast_paths(bool on) { fast_flag().store(on); }
int64_t fast_path_kernels() { return hits().load(); }
void note_fast_path() { hits()++; }

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
  // Interleaved when that helps: the single-view loads then walk fewer (longer) runs.
  std::vector<KNode> in = nodes;
  size_t before = 0, after = 0;
  for (auto& n : in) {
    if (n.op != Op::LOAD && n.op != Op::CONST) continue;
    const bool single = n.st.single_strided();
    if (single) before += StridedWalk(n.st.top()).size.size();
    n.st = n.st.permute(order);
    if (single) after += StridedWalk(n.st.top()).size.size();
  }
  Shape ishape;
  std::vector<int32_t> obase, woff(red);
  const bool interleaved = after < before && unit <= kBlock;
  if (interleaved) {
    for (int d : order) ishape.push_back(shape[d]);
    // Positions in a unit of each output's window start and of each window offset.
    std::vector<int64_t> istride(2 * R, 0);  // of D = (o_1, r_1, ..., o_R, r_R); o_1's is unused
    for (int64_t st = 1, j = static_cast<int64_t>(2 * R); j-- > 1;) istride[j] = st, st *= ishape[lead + j];
    obase.resize(unit / red);
    for (int64_t o = 0; o < unit / red; ++o) {
      int64_t rem = o, pos = 0;
      for (size_t i = R; i-- > 1;) pos += (rem % shape[lead + i]) * istride[2 * i], rem /= shape[lead + i];
      obase[o] = static_cast<int32_t>(pos);
    }
    for (int64_t w = 0; w < red; ++w) {
      int64_t rem = w, pos = 0;
      for (size_t i = R; i-- > 0;) pos += (rem % shape[lead + R + i]) * istride[2 * i + 1], rem /= shape[lead + R + i];
      woff[w] = static_cast<int32_t>(pos);
    }
  } else {
    // reduce_innermost's own order (the mask count of a max-pool backward: contiguous 2x2
    // windows) still gains from folding a block's outputs side by side: a unit is one output.
    if (red > 8) return false;
    in = nodes, ishape = shape, unit = red, obase = {0};
    std::iota(woff.begin(), woff.end(), 0);
  }
  hits()++;
  const int64_t opu = unit / red;
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
      // In reduce_innermost's order a block's outputs are all red apart: one run of them.
      if (!interleaved) fold_units(sum, v, o, dacc, 1, ng * unit, ng * opu, red, red, obase.data(), woff.data());
      else fold_units(sum, v, o, dacc, ng, unit, opu, red, so, obase.data(), woff.data());
    }
  });
  return true;
}

}  // namespace tinypynq::cpu

namespace tinypynq::cpu {

namespace {
// The terms t_0, t_1, ... of a left-leaning chain ((t_0 + t_1) + t_2) + ... of ADDs rooted at
// node r, each a float LOAD; false if the kernel is anything else.
bool add_chain(const std::vector<KNode>& nodes, int r, std::vector<int>& terms) {
  const KNode& n = nodes[r];
  if (n.op == Op::LOAD) return n.dtype == DType::f32 && (terms.push_back(r), true);
  if (n.op != Op::ADD || n.dtype != DType::f32 || n.src.size() != 2) return false;
  if (!add_chain(nodes, n.src[0], terms)) return false;
  const KNode& b = nodes[n.src[1]];
  if (b.op != Op::LOAD || b.dtype != DType::f32) return false;
  terms.push_back(n.src[1]);
  return true;
}
// A load's single view: its one view, or a crop (a row-major box: the shrink of a padded
// gradient back to the input's size) over one masked view, folded into that view.
bool single_view(const ShapeTracker& st, View& out) {
  const auto& vs = st.views();
  if (vs.size() == 1) return out = vs[0], true;
  if (vs.size() != 2 || !vs[1].mask.empty()) return false;
  const View &top = vs[1], &bot = vs[0];
  const size_t nd = bot.shape.size();
  if (top.shape.size() != nd) return false;
  int64_t rem = top.offset, st_ = 1;
  std::vector<int64_t> origin(nd);
  for (size_t d = nd; d-- > 0;) {
    if (top.shape[d] > 1 && top.strides[d] != st_) return false;
    origin[d] = rem % bot.shape[d], rem /= bot.shape[d];
    if (origin[d] + top.shape[d] > bot.shape[d]) return false;
    st_ *= bot.shape[d];
  }
  if (rem != 0) return false;
  out.shape = top.shape, out.strides = bot.strides, out.offset = bot.offset, out.mask.clear();
  for (size_t d = 0; d < nd; ++d) {
    out.offset += origin[d] * bot.strides[d];
    if (!bot.mask.empty()) out.mask.push_back({bot.mask[d].first - origin[d], bot.mask[d].second - origin[d]});
  }
  return true;
}
}  // namespace

// col2im (a convolution's input gradient: the sum of kh*kw shifted, padded views of the
// products) is an elementwise kernel ((t_0 + t_1) + t_2) + ... of single (masked) views. The
// interpreter walks each view run by run (a 16-wide row: one mask test and odometer step per
// run and view); here each 2-D plane of the output takes every term in order, with the mask
// reduced to a row and a column range per plane. Masked-out elements add +0.f exactly as the
// interpreter's zero-filled loads do (so -0 + masked turns into +0 alike): the same bits.
bool try_shifted_sum(const Kernel& k) {
  if (!fast_paths_enabled() || k.is_reduce() || k.out_dtype != DType::f32) return false;
  const size_t nd = k.full_shape.size();
  if (nd < 2) return false;
  std::vector<int> terms;
  if (!add_chain(k.nodes, static_cast<int>(k.nodes.size()) - 1, terms)) return false;
  std::vector<View> views(terms.size());
  for (size_t i = 0; i < terms.size(); ++i)
    if (!single_view(k.nodes[terms[i]].st, views[i]) || views[i].strides != views[0].strides) return false;
  // A single term (or two) only gains when masked: a padded copy (conv2d's materialised padding).
  bool masked = false;
  for (const View& v : views) masked |= !v.mask.empty();
  if (terms.size() < 3 && !masked) return false;
  const int64_t Y = k.full_shape[nd - 2], X = k.full_shape[nd - 1], plane = Y * X;
  if (plane == 0 || X < 4) return false;  // narrow rows: nothing gained over the interpreter
  const Shape& strides = views[0].strides;
  const int64_t sy = strides[nd - 2], sx = strides[nd - 1], planes = prod(k.full_shape) / plane;
  auto* out = static_cast<float*>(k.bufs[0]->data);
  hits()++;
  parallel_chunks(planes, std::max<int64_t>(1, kMinPerThread / plane), [&](int64_t p0, int64_t p1) {
    std::vector<int64_t> idx(nd - 2, 0);
    for (int64_t p = p0; p < p1; ++p) {
      for (int64_t rem = p, d = static_cast<int64_t>(nd) - 3; d >= 0; --d) idx[d] = rem % k.full_shape[d], rem /= k.full_shape[d];
      float* o = out + p * plane;
      for (size_t ti = 0; ti < terms.size(); ++ti) {
        const KNode& n = k.nodes[terms[ti]];
        const View& v = views[ti];
        int64_t ylo = 0, yhi = Y, xlo = 0, xhi = X, base = v.offset;
        bool ok = true;
        for (size_t d = 0; d + 2 < nd; ++d) {
          if (!v.mask.empty()) ok &= idx[d] >= v.mask[d].first && idx[d] < v.mask[d].second;
          base += idx[d] * v.strides[d];
        }
        if (!v.mask.empty()) {
          ylo = std::clamp<int64_t>(v.mask[nd - 2].first, 0, Y), yhi = std::clamp<int64_t>(v.mask[nd - 2].second, ylo, Y);
          xlo = std::clamp<int64_t>(v.mask[nd - 1].first, 0, X), xhi = std::clamp<int64_t>(v.mask[nd - 1].second, xlo, X);
        }
        if (!ok) ylo = yhi = 0;
        const float* src = static_cast<const float*>(k.bufs[n.buf]->data) + base;
        add_plane(o, src, Y, X, sy, sx, ylo, yhi, xlo, xhi, ti == 0);
      }
    }
  });
  return true;
}

}  // namespace tinypynq::cpu
