// BLAS path of the cpu device for matmul-shaped kernels. A reduce kernel SUM_K(A * B) where
// the A subtree does not depend on some output dims (N) and the B subtree not on others (M)
// is C[b][m][n] = sum_k A[b][m][k] B[b][k][n]. Operands that are plain strided loads are
// passed to sgemm in place (with a transpose flag); anything else is packed first by
// evaluating its subtree over (batch, M, K) or (batch, K, N).
#include <cblas.h>

#include <algorithm>

#include "tensor/cpu/cpu_eval.h"

namespace tinypynq::cpu {

namespace {

struct Group {
  int64_t size = 1, stride = 0;
  bool ok = true;  // mergeable into one strided dim with positive stride
};

Group group_of(const View& v, const std::vector<int>& dims) {
  Group g;
  int64_t prev_stride = 0, prev_size = 0;
  bool first = true;
  for (int d : dims) {
    if (v.shape[d] == 1) continue;
    if (v.strides[d] <= 0) g.ok = false;
    if (!first && prev_stride != v.strides[d] * v.shape[d]) g.ok = false;
    prev_stride = v.strides[d], prev_size = v.shape[d], first = false;
    g.size *= v.shape[d];
    g.stride = v.strides[d];
  }
  (void)prev_size;
  return g;
}

}  // namespace

bool match_gemm(const Kernel& k, GemmShape* g) {
  if (!k.is_reduce() || k.reduce_op != Op::SUM || k.out_dtype != DType::f32) return false;
  const KNode& root = k.nodes.back();
  if (root.op != Op::MUL || root.dtype != DType::f32) return false;
  const size_t nd = k.full_shape.size();
  if (nd > 60) return false;

  std::vector<uint64_t> dep(k.nodes.size(), 0);
  for (size_t i = 0; i < k.nodes.size(); ++i) {
    const KNode& n = k.nodes[i];
    if (n.op == Op::LOAD || n.op == Op::CONST) {
      for (size_t d = 0; d < nd; ++d)
        if (k.full_shape[d] > 1 && n.st.depends_on(d)) dep[i] |= 1ull << d;
    } else {
      for (int s : n.src) dep[i] |= dep[s];
    }
  }
  const uint64_t da = dep[root.src[0]], db = dep[root.src[1]];
  auto& dims = g->dims;
  for (auto& v : dims) v.clear();
  int64_t sz[5] = {1, 1, 1, 1, 1};
  for (size_t d = 0; d < nd; ++d) {
    uint64_t bit = 1ull << d;
    bool red = std::find(k.reduce_axes.begin(), k.reduce_axes.end(), (int)d) != k.reduce_axes.end();
    int c = k.full_shape[d] == 1 ? kGemmOne : red ? kGemmK : (da & db & bit) ? kGemmB : (db & bit) ? kGemmN : kGemmM;
    dims[c].push_back(static_cast<int>(d));
    sz[c] *= k.full_shape[d];
  }
  g->Bt = sz[kGemmB], g->M = sz[kGemmM], g->N = sz[kGemmN], g->K = sz[kGemmK];
  bool in_order = true;
  int last = -1;
  for (int c : {kGemmB, kGemmM, kGemmN})
    for (int d : dims[c]) in_order &= d > last, last = d;
  g->out_in_order = in_order;
  return true;
}

namespace {

// How long the contiguous runs of the loads under node `root` are when `dims` is walked
// innermost: the size of the group's last non-unit dim where a load has stride +-1 there.
int64_t run_score(const Kernel& k, int root, const std::vector<int>& dims) {
  std::vector<bool> need(k.nodes.size(), false);
  need[root] = true;
  int64_t score = 0;
  for (int i = root; i >= 0; --i) {
    if (!need[i]) continue;
    const KNode& n = k.nodes[i];
    for (int s : n.src) need[s] = true;
    if (n.op != Op::LOAD || !n.st.single_strided()) continue;
    const View& v = n.st.top();
    for (size_t j = dims.size(); j-- > 0;) {
      const int d = dims[j];
      if (v.shape[d] == 1) continue;
      if (v.strides[d] == 1 || v.strides[d] == -1) score += v.shape[d];
      break;
    }
  }
  return score;
}

}  // namespace

void gemm_operand(const Kernel& k, const GemmShape& g, int which, bool allow_direct, GemmOperand& op,
                  bool may_transpose) {
  const KNode& root = k.nodes.back();
  const size_t nd = k.full_shape.size();
  const auto& dims = g.dims;
  const int64_t Bt = g.Bt, M = g.M, N = g.N, K = g.K;
  {
    const int srcn = root.src[which];
    const KNode& n = k.nodes[srcn];
    const std::vector<int>& rows = which == 0 ? dims[kGemmM] : dims[kGemmK];
    const std::vector<int>& cols = which == 0 ? dims[kGemmK] : dims[kGemmN];
    const int64_t R = which == 0 ? M : K, C = which == 0 ? K : N;
    if (allow_direct && n.op == Op::LOAD && n.st.single_strided()) {
      const View& v = n.st.top();
      Group gr = group_of(v, rows), gc = group_of(v, cols);
      if (gr.ok && gc.ok) {
        if (gr.size == 1) gr.stride = std::max<int64_t>(C, 1);
        if (gc.size == 1) gc.stride = 1;
        bool direct = false;
        if (gc.stride == 1 && gr.stride >= C) op.trans = false, op.ld = gr.stride, direct = true;
        else if (gr.stride == 1 && gc.stride >= R) op.trans = true, op.ld = gc.stride, direct = true;
        else if (C == 1) op.trans = false, op.ld = std::max<int64_t>(gr.stride, 1), direct = gr.stride >= 1;
        if (direct) {
          op.base = static_cast<const float*>(k.bufs[n.buf]->data);
          Shape bs, bst;
          for (int d : dims[kGemmB]) bs.push_back(v.shape[d]), bst.push_back(v.strides[d]);
          StridedWalk w(bs, bst, v.offset);
          op.batch_off.resize(Bt);
          w.offsets(0, Bt, op.batch_off.data());
          return;
        }
      }
    }
    // Pack: evaluate the subtree over (batch, rows, cols), or (batch, cols, rows) when that
    // walks longer runs (im2col: output pixels are contiguous, a window row is 3 wide);
    // dims the subtree ignores are pinned to 0.
    const bool tpack = may_transpose && run_score(k, srcn, rows) > run_score(k, srcn, cols);
    std::vector<int> order;
    for (int d : dims[kGemmB]) order.push_back(d);
    for (int d : tpack ? cols : rows) order.push_back(d);
    for (int d : tpack ? rows : cols) order.push_back(d);
    std::vector<std::pair<int64_t, int64_t>> pin(nd);
    Shape shape;
    for (size_t d = 0; d < nd; ++d) {
      bool used = std::find(order.begin(), order.end(), (int)d) != order.end();
      pin[d] = {0, used ? k.full_shape[d] : 1};
      if (!used) order.push_back(static_cast<int>(d));
    }
    std::vector<KNode> nodes = k.nodes;
    for (auto& x : nodes)
      if (x.op == Op::LOAD || x.op == Op::CONST) x.st = x.st.shrink(pin).permute(order);
    for (int d : order) shape.push_back(pin[d].second);
    EvalProgram p(nodes, k.bufs, shape, srcn);
    const int64_t total = Bt * R * C;
    op.packed.resize(total);
    for (int64_t s = 0; s < total; s += kBlock) {
      int64_t len = std::min(kBlock, total - s);
      std::copy_n(static_cast<const float*>(p.eval_block(s, len)), len, op.packed.data() + s);
    }
    op.base = op.packed.data();
    op.trans = tpack;
    op.ld = tpack ? R : C;
    op.batch_off.resize(Bt);
    for (int64_t b = 0; b < Bt; ++b) op.batch_off[b] = b * R * C;
  }
}

void gemm_scatter(const Kernel& k, const GemmShape& g, const float* tmp) {
  // Scatter C (batch, M, N dims) into the output's own dim order.
  float* out = static_cast<float*>(k.bufs[0]->data);
  const int64_t Bt = g.Bt, M = g.M, N = g.N;
  {
    Shape ostr = contiguous_strides(k.out_shape), cs, cst;
    for (int c : {kGemmB, kGemmM, kGemmN})
      for (int d : g.dims[c]) cs.push_back(k.full_shape[d]), cst.push_back(ostr[d]);
    StridedWalk w(cs, cst, 0);
    std::vector<int64_t> offs(kBlock);
    const int64_t total = Bt * M * N;
    for (int64_t s = 0; s < total; s += kBlock) {
      int64_t len = std::min(kBlock, total - s);
      w.offsets(s, len, offs.data());
      for (int64_t i = 0; i < len; ++i) out[offs[i]] = tmp[s + i];
    }
  }
}

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
    int changes = 0, first = out[p].second;
    for (size_t i = p + 1; i < out.size(); ++i) changes += out[i].second != out[i - 1].second;
    bool mixed = false;
    for (size_t i = p; i < out.size(); ++i) mixed |= out[i].second == kGemmB;
    if (mixed || changes != 1) continue;
    g.dims[kGemmB].clear(), g.dims[kGemmM].clear(), g.dims[kGemmN].clear();
    int64_t sz[3] = {1, 1, 1};
    for (size_t i = 0; i < out.size(); ++i) {
      const int c = i < p ? kGemmB : out[i].second;
      g.dims[c].push_back(out[i].first);
      sz[c] *= k.full_shape[out[i].first];
    }
    g.Bt = sz[kGemmB], g.M = sz[kGemmM], g.N = sz[kGemmN];
    g.out_in_order = first == kGemmM;
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
