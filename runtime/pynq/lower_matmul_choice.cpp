// Which product the matmul unit computes (docs/pl-v2.md "v2 step 5"). With pl_version 2 a
// gemm C = A.B may also run as C^T = B^T.A^T: the same products summed over k in the same
// order (hw-spec §6.3: C[m][n] is a sequential FADD(FMUL(a, w)) chain over k, and FMUL is
// commutative), so the same bits, but the operands swap roles. That removes the PS pack of a
// transposed A whose rows exceed the reader's line buffer and the transposed write of its
// result (the MLP's first-layer weight gradient: A = X^T, 784 x 128, result [784][128] into
// (128, 784)). Both orientations are lowered; the one with the lower predicted time is kept.
// pl_version 1 lowers the product as matched, as before.
#include <algorithm>
#include <map>

#include "base/check.h"
#include "models/fp/pl_units.h"
#include "runtime/pynq/lower.h"
#include "runtime/pynq/view_desc.h"

namespace tinypynq::pynq {

namespace {
// The transposed product's shape: M and N exchanged; the output is in order when its dims in
// (batch, M', N') order are ascending (as analysis::match_gemm decides).
analysis::GemmShape transposed(const analysis::GemmShape& g) {
  analysis::GemmShape t = g;
  std::swap(t.M, t.N);
  std::swap(t.dims[analysis::kGemmM], t.dims[analysis::kGemmN]);
  bool in_order = true;
  int last = -1;
  for (int c : {analysis::kGemmB, analysis::kGemmM, analysis::kGemmN})
    for (int d : t.dims[c]) in_order &= d > last, last = d;
  t.out_in_order = in_order;
  return t;
}
}  // namespace

bool ProgramBuilder::matmul() {
  auto g = std::make_shared<analysis::GemmShape>();
  if (!analysis::match_gemm(k_, g.get())) return false;
  const KNode& root = k_.nodes.back();
  for (int s : root.src)
    if (k_.nodes[s].dtype != DType::f32) return false;
  if (g->Bt * g->M * g->N * g->K == 0) return false;  // empty: the reduce path / PS handles identities
  // Only real matrix products go to the array: a batch of dot products or matrix-vector
  // products (M or N = 1, e.g. a loss's one-hot sum) runs better as MUL + reduce, one command
  // each instead of one matmul command per batch element.
  if (g->M < 2 || g->N < 2) return false;
  if (!v2()) return matmul_gemm(g, false);
  // The builder's state is p_ and the de-interleaved copies it made (deint_ names p_'s temps):
  // both go back before the other orientation is lowered, and come with the one kept.
  const Program before = p_;
  const auto deint_before = deint_;
  if (!matmul_gemm(g, false)) return false;
  Program as_matched = std::move(p_);
  auto deint_matched = std::move(deint_);
  p_ = before, deint_ = deint_before;
  matmul_gemm(std::make_shared<analysis::GemmShape>(transposed(*g)), true);
  // Keep the transposed product only when it is predicted faster (ties: the product as matched).
  if (!(estimate_seconds(p_) < estimate_seconds(as_matched))) p_ = std::move(as_matched), deint_ = std::move(deint_matched);
  return true;
}

int ProgramBuilder::gemm_layout_set(const analysis::GemmShape& g, int which, int node, Shape* shape) {
  // analysis::gemm_pack_plan's layout (untransposed), for the node the caller names: the
  // transposed product's operand 0 is the kernel's src[1] over (batch, N, K).
  const auto& dims = g.dims;
  const std::vector<int>& rows = which == 0 ? dims[analysis::kGemmM] : dims[analysis::kGemmK];
  const std::vector<int>& cols = which == 0 ? dims[analysis::kGemmK] : dims[analysis::kGemmN];
  std::vector<int> order;
  for (int d : dims[analysis::kGemmB]) order.push_back(d);
  for (int d : rows) order.push_back(d);
  for (int d : cols) order.push_back(d);
  const size_t nd = k_.full_shape.size();
  std::vector<std::pair<int64_t, int64_t>> pin(nd);
  for (size_t d = 0; d < nd; ++d) {
    const bool used = std::find(order.begin(), order.end(), static_cast<int>(d)) != order.end();
    pin[d] = {0, used ? k_.full_shape[d] : 1};
    if (!used) order.push_back(static_cast<int>(d));
  }
  std::vector<KNode> nodes(k_.nodes.begin(), k_.nodes.begin() + node + 1);
  for (KNode& x : nodes)
    if (x.op == Op::LOAD || x.op == Op::CONST) x.st = x.st.shrink(pin).permute(order);
  shape->clear();
  for (int d : order) shape->push_back(pin[d].second);
  p_.node_sets.push_back(std::move(nodes));
  return static_cast<int>(p_.node_sets.size()) - 1;
}

int64_t ProgramBuilder::box_k_tile(const analysis::GemmShape& g, int64_t kt) const {
  // The K dims as the operand views order them (gemm_operand_view): K tiles [k0, k0 + kt) of
  // the flattened group must each be one box, or the reader cannot stream them.
  Shape ks;
  for (int d : g.dims[analysis::kGemmK]) ks.push_back(k_.full_shape[d]);
  const int count = static_cast<int>(ks.size());
  std::vector<std::pair<int64_t, int64_t>> b(ks.size());
  auto boxes = [&](int64_t t) {
    for (int64_t k0 = 0; k0 < g.K; k0 += t)
      if (!flat_range_box(ks, 0, count, k0, std::min(t, g.K - k0), b)) return false;
    return true;
  };
  if (kt >= g.K || boxes(kt)) return kt;
  // Candidates: c whole blocks of the dims inside dim t (c <= its extent), widest first.
  std::vector<int64_t> cand;
  int64_t P = 1;
  for (int t = count - 1; t >= 0; --t) {
    for (int64_t c = 1; c <= ks[t] && c * P <= kt; ++c) cand.push_back(c * P);
    P *= ks[t];
  }
  std::sort(cand.rbegin(), cand.rend());
  for (int64_t t : cand)
    if (4 * t >= kt && boxes(t)) return t;  // (much narrower tiles would cost more than the pack)
  return kt;
}

double ProgramBuilder::estimate_seconds(const Program& p) const {
  // Same rates as reader_slower / writer_extra_seconds: a PS pack or scatter moves 8 bytes per
  // element at the memcpy rate and cleans 4; a reader fill holds the port for 16 beats beyond
  // the unit's 2 elements per cycle; a unit command takes its ideal cycles (hw-spec §8).
  const double f = cfg_.pl_clock_hz;
  auto ps = [&](double bytes) { return 2 * bytes / cfg_.a9_memcpy_bytes_per_s + bytes / cfg_.cache_flush_bytes_per_s; };
  pl::MatmulConfig mm;
  mm.rows = cfg_.mm_rows, mm.cols = cfg_.mm_cols, mm.wdepth = cfg_.mm_wdepth, mm.kmax = cfg_.mm_kmax,
  mm.nmax = cfg_.mm_nmax;
  std::map<std::string, double> fills;  // per view without its offset: the tiles of one operand repeat
  auto reader = [&](pl::ViewDesc d) {
    d.offset = 0;
    const std::string key = d.str();
    auto it = fills.find(key);
    if (it == fills.end()) it = fills.emplace(key, fills_per_element(d)).first;
    const double n = static_cast<double>(d.elems());
    return std::max(0.0, 16.0 * it->second * n - n / 2) / f;
  };
  double s = 0;
  for (const Step& st : p.steps) {
    if (const Command* c = std::get_if<Command>(&st)) {
      if (c->unit == Unit::kMatmul) s += pl::matmul_cycles_ideal(c->size[0], c->size[1], c->size[2], c->op & 1, mm) / f;
      else s += (c->size[0] * (c->unit == Unit::kReduce ? c->size[1] : 1) / 2.0 + 20) / f;
      for (int i = 0; i < 3; ++i)
        if (c->view[i]) s += reader(*c->view[i]);
      if (c->out_view) s += writer_extra_seconds(*c->out_view, 1);
    } else if (const Pack* k = std::get_if<Pack>(&st)) {
      s += ps(static_cast<double>(k->dst.bytes));
    } else if (const GemmPack* k = std::get_if<GemmPack>(&st)) {
      for (const MemRef& m : k->dst) s += ps(static_cast<double>(m.bytes));
    } else if (const ScatterTile* k = std::get_if<ScatterTile>(&st)) {
      s += ps(4.0 * static_cast<double>(k->rows * k->cols));
    } else if (const Copy* k = std::get_if<Copy>(&st)) {
      s += ps(static_cast<double>(k->src.bytes));
    } else if (const GemmScatter* k = std::get_if<GemmScatter>(&st)) {
      s += ps(static_cast<double>(k->src.bytes));
    } else if (const CopyTile* k = std::get_if<CopyTile>(&st)) {
      s += ps(4.0 * static_cast<double>(k->rows * k->cols));
    }
  }
  return s;
}

}  // namespace tinypynq::pynq
