// Kernel analysis (tensor/kernel_analysis.h): gemm matching, operand packing and scatter,
// reduce axes moved innermost, node evaluation. Built on the cpu interpreter's walkers.
#include "tensor/kernel_analysis.h"

#include <algorithm>
#include <cstring>

#include "tensor/cpu/cpu_eval.h"

namespace tinypynq::analysis {

using cpu::EvalProgram;
using cpu::kBlock;
using cpu::StridedWalk;

Shape reduce_innermost(const Kernel& k, std::vector<KNode>& nodes, int64_t* red) {
  const size_t nd = k.full_shape.size();
  std::vector<int> order;
  std::vector<bool> is_red(nd, false);
  for (int a : k.reduce_axes) is_red[a] = true;
  for (size_t d = 0; d < nd; ++d)
    if (!is_red[d]) order.push_back(static_cast<int>(d));
  for (int a : k.reduce_axes) order.push_back(a);
  Shape shape;
  for (int d : order) shape.push_back(k.full_shape[d]);
  nodes = k.nodes;
  for (auto& n : nodes)
    if (n.op == Op::LOAD || n.op == Op::CONST) n.st = n.st.permute(order);
  *red = 1;
  for (int a : k.reduce_axes) *red *= k.full_shape[a];
  return shape;
}

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

bool gemm_direct(const Kernel& k, const GemmShape& g, int which, GemmOperand& op) {
  const auto& dims = g.dims;
  const KNode& n = k.nodes[k.nodes.back().src[which]];
  if (n.op != Op::LOAD || !n.st.single_strided()) return false;
  const std::vector<int>& rows = which == 0 ? dims[kGemmM] : dims[kGemmK];
  const std::vector<int>& cols = which == 0 ? dims[kGemmK] : dims[kGemmN];
  const int64_t R = which == 0 ? g.M : g.K, C = which == 0 ? g.K : g.N;
  const View& v = n.st.top();
  Group gr = group_of(v, rows), gc = group_of(v, cols);
  if (!gr.ok || !gc.ok) return false;
  if (gr.size == 1) gr.stride = std::max<int64_t>(C, 1);
  if (gc.size == 1) gc.stride = 1;
  bool direct = false;
  if (gc.stride == 1 && gr.stride >= C) op.trans = false, op.ld = gr.stride, direct = true;
  else if (gr.stride == 1 && gc.stride >= R) op.trans = true, op.ld = gc.stride, direct = true;
  else if (C == 1) op.trans = false, op.ld = std::max<int64_t>(gr.stride, 1), direct = gr.stride >= 1;
  if (!direct) return false;
  op.base = static_cast<const float*>(k.bufs[n.buf]->data);
  Shape bs, bst;
  for (int d : dims[kGemmB]) bs.push_back(v.shape[d]), bst.push_back(v.strides[d]);
  StridedWalk w(bs, bst, v.offset);
  op.batch_off.resize(g.Bt);
  w.offsets(0, g.Bt, op.batch_off.data());
  return true;
}

void gemm_operand(const Kernel& k, const GemmShape& g, int which, bool allow_direct, GemmOperand& op,
                  bool may_transpose) {
  if (allow_direct && gemm_direct(k, g, which, op)) return;
  GemmPack plan = gemm_pack_plan(k, g, which, may_transpose);
  const int64_t total = prod(plan.shape);
  op.packed.resize(total);
  EvalProgram p(plan.nodes, k.bufs, plan.shape, plan.node);
  for (int64_t s = 0; s < total; s += kBlock) {
    int64_t len = std::min(kBlock, total - s);
    std::copy_n(static_cast<const float*>(p.eval_block(s, len)), len, op.packed.data() + s);
  }
  op.base = op.packed.data();
  op.trans = plan.trans;
  op.ld = plan.ld;
  op.batch_off.resize(g.Bt);
  for (int64_t b = 0; b < g.Bt; ++b) op.batch_off[b] = b * plan.batch_stride;
}

GemmPack gemm_pack_plan(const Kernel& k, const GemmShape& g, int which, bool may_transpose) {
  // Pack: evaluate the subtree over (batch, rows, cols), or (batch, cols, rows) when allowed
  // and that walks longer runs (im2col: output pixels are contiguous, a window row is 3
  // wide); dims the subtree ignores are pinned to 0.
  const size_t nd = k.full_shape.size();
  const auto& dims = g.dims;
  const int srcn = k.nodes.back().src[which];
  const std::vector<int>& rows = which == 0 ? dims[kGemmM] : dims[kGemmK];
  const std::vector<int>& cols = which == 0 ? dims[kGemmK] : dims[kGemmN];
  const int64_t R = which == 0 ? g.M : g.K, C = which == 0 ? g.K : g.N;
  GemmPack plan;
  plan.node = srcn;
  plan.trans = may_transpose && run_score(k, srcn, rows) > run_score(k, srcn, cols);
  plan.ld = plan.trans ? R : C;
  plan.batch_stride = R * C;
  std::vector<int> order;
  for (int d : dims[kGemmB]) order.push_back(d);
  for (int d : plan.trans ? cols : rows) order.push_back(d);
  for (int d : plan.trans ? rows : cols) order.push_back(d);
  std::vector<std::pair<int64_t, int64_t>> pin(nd);
  for (size_t d = 0; d < nd; ++d) {
    bool used = std::find(order.begin(), order.end(), (int)d) != order.end();
    pin[d] = {0, used ? k.full_shape[d] : 1};
    if (!used) order.push_back(static_cast<int>(d));
  }
  plan.nodes = k.nodes;
  for (auto& x : plan.nodes)
    if (x.op == Op::LOAD || x.op == Op::CONST) x.st = x.st.shrink(pin).permute(order);
  for (int d : order) plan.shape.push_back(pin[d].second);
  return plan;
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

void eval_node(const std::vector<KNode>& nodes, const std::vector<BufferPtr>& bufs, const Shape& shape, int node,
               void* dst) {
  EvalProgram p(nodes, bufs, shape, node);
  const int64_t n = prod(shape);
  auto* d = static_cast<uint8_t*>(dst);
  for (int64_t s = 0; s < n; s += kBlock) {
    const int64_t len = std::min(kBlock, n - s);
    std::memcpy(d + 4 * s, p.eval_block(s, len), 4 * static_cast<size_t>(len));
  }
}

}  // namespace tinypynq::analysis
