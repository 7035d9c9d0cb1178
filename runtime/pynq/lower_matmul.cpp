// Lowering matmul-shaped kernels to the matmul unit (hw-spec §6.3): C[M][N] = A[M][K] W[K][N]
// per batch, tiled to the unit's limits. Over N: a weight tile holds K * ceil(Nt / C) <= WDEPTH
// words and Nt <= NMAX columns (a column tile of W is packed by the PS, the output tile is
// scattered back by the PS). Over K (> KMAX): partial products added by vector ADD (this
// changes the summation order, deterministically). Over M: commands reuse the loaded tile
// (LOADW = 0) while M*K and M*Nt stay within one DMA transfer.
#include <algorithm>

#include "base/check.h"
#include "runtime/pynq/lower.h"
#include "runtime/pynq/regmap.h"
#include "runtime/pynq/view_desc.h"

namespace tinypynq::pynq {

bool ProgramBuilder::matmul_gemm(std::shared_ptr<analysis::GemmShape> g, bool swapped) {
  const KNode& root = k_.nodes.back();
  const int64_t Bt = g->Bt, M = g->M, N = g->N, K = g->K;
  // The kernel node of operand `which` (0: A, 1: B) of the product g describes.
  auto src = [&](int which) { return root.src[swapped ? 1 - which : which]; };
  TP_ASSERT(!swapped || v2(), "pynq lowering: the transposed product is a pl_version 2 lowering");
  const int64_t C = cfg_.mm_cols, R = cfg_.mm_rows;
  const int64_t Kt_max = std::min<int64_t>(cfg_.mm_kmax, cfg_.mm_wdepth);
  int64_t Kt = std::min(K, Kt_max);
  // pl_version 2: K tiles that are boxes of the operand views (whole images of the conv weight
  // gradients' N.OH.OW), so the readers stream them; this changes the partial sums against v1
  // (docs/pl-v2.md step 5). Only when a view would be read: packed operands tile anywhere.
  if (v2() && Kt < K) {
    bool any_view = false;
    for (int w : {0, 1}) {
      const KNode& n = k_.nodes[src(w)];
      any_view |= n.op == Op::LOAD && k_.bufs[n.buf]->dtype == DType::f32;
    }
    if (any_view) Kt = box_k_tile(*g, Kt);
  }
  int64_t Nt = std::min<int64_t>({N, cfg_.mm_nmax, (cfg_.mm_wdepth / Kt) * C});
  TP_ASSERT(Nt >= 1 && Kt >= 1);
  p_.gemm = g;

  // Operands as [Bt][M][K] and [Bt][K][N] row-major DDR buffers: in place when the view
  // already is that (and 8-byte aligned), else packed by the PS.
  auto operand = [&](int which, int64_t rows, int64_t cols, std::vector<MemRef>& per_batch) {
    analysis::GemmOperand op;
    analysis::gemm_operand(k_, *g, which, true, op);
    const KNode& n = k_.nodes[src(which)];
    bool direct = op.packed.empty() && !op.trans && (op.ld == cols || rows == 1) && n.op == Op::LOAD;
    if (direct) {
      const Buffer& b = *k_.bufs[n.buf];
      for (int64_t bi = 0; bi < Bt; ++bi) {
        const int64_t elem = (op.base - static_cast<const float*>(b.data)) + op.batch_off[bi];
        direct &= (elem * 4) % 8 == 0;
        per_batch.push_back(whole(n.buf, static_cast<size_t>(elem), static_cast<size_t>(4 * rows * cols)));
      }
      if (direct) return;
      per_batch.clear();
    }
    const size_t bytes = 4 * static_cast<size_t>(rows * cols);
    for (int64_t bi = 0; bi < Bt; ++bi) per_batch.push_back(temp(bytes));  // each 8-byte aligned
    step(GemmPack{which, per_batch});
  };
  // pl_version 2: each command's operand tile is a view (a box of the operand's tracker) that
  // VR_i walks, so no GemmPack or CopyTile; the PS packs only an operand no view says.
  const int64_t kMax = reg::kMaxElems;
  auto m_chunk = [&](int64_t kt, int64_t nt) { return std::max<int64_t>(R, std::min(kMax / kt, kMax / nt) / R * R); };
  struct OpView {
    bool on = false;                   // the tiles are views
    bool packed = false;               // ... of the GemmPack temps (one [rows][cols] per batch)
    ShapeTracker st;                   // node: gemm_operand_view; packed: contiguous {rows, cols}
    int nb = 0, nr = 0, nc = 0;        // dims of the batch, row and column groups in st
  };
  OpView views[3];  // A, W, and (pl_version 2) the output in gemm order
  // The box of batch bi, rows [r0, r0 + rr), cols [c0, c0 + cc) of operand `which` as a view.
  auto tile = [&](int which, int64_t bi, int64_t r0, int64_t rr, int64_t c0, int64_t cc,
                  std::string* why = nullptr) -> std::optional<pl::ViewDesc> {
    const OpView& o = views[which];
    const Shape& sh = o.st.shape();
    std::vector<std::pair<int64_t, int64_t>> bounds(sh.size());
    for (size_t d = 0; d < sh.size(); ++d) bounds[d] = {0, sh[d]};
    const bool box = (o.packed || flat_range_box(sh, 0, o.nb, bi, 1, bounds)) &&
                     flat_range_box(sh, o.nb, o.nr, r0, rr, bounds) &&
                     flat_range_box(sh, o.nb + o.nr, o.nc, c0, cc, bounds);
    if (!box) {
      if (why) *why = "its tile of rows " + std::to_string(r0) + "+" + std::to_string(rr) + ", cols " + std::to_string(c0) +
                      "+" + std::to_string(cc) + " is not one box of the view " + shape_str(sh);
      return std::nullopt;
    }
    ViewDescResult r = describe_view(o.st.shrink(bounds), DType::f32);
    if (why) *why = r.why;
    return r.desc;
  };
  // Every tile the loops below ask for: why one is not a view the reader streams well, or "".
  auto all_tiles = [&](int which) -> std::string {
    std::string why;
    auto bad = [&](const std::optional<pl::ViewDesc>& d) -> std::string { return !d ? why : reader_slower(*d); };
    for (int64_t bi = 0; bi < Bt; ++bi)
      for (int64_t k0 = 0; k0 < K; k0 += Kt) {
        const int64_t kt = std::min(Kt, K - k0);
        for (int64_t n0 = 0; n0 < N; n0 += Nt) {
          const int64_t nt = std::min(Nt, N - n0), mc = m_chunk(kt, nt);
          if (which == 1)
            if (std::string w = bad(tile(1, bi, k0, kt, n0, nt, &why)); !w.empty()) return w;
          if (which == 0)
            for (int64_t m0 = 0; m0 < M; m0 += mc)
              if (std::string w = bad(tile(0, bi, m0, std::min(mc, M - m0), k0, kt, &why)); !w.empty()) return w;
        }
      }
    return "";
  };
  auto operand_v2 = [&](int which, int64_t rows, int64_t cols, std::vector<MemRef>& per_batch) {
    const KNode& n = k_.nodes[src(which)];
    OpView& o = views[which];
    o.on = true;
    std::string why;
    if (n.op == Op::LOAD && k_.bufs[n.buf]->dtype == DType::f32) {
      o.st = gemm_operand_view(k_, *g, which, n);
      o.nb = static_cast<int>(g->dims[analysis::kGemmB].size());
      o.nr = static_cast<int>(g->dims[which == 0 ? analysis::kGemmM : analysis::kGemmK].size());
      o.nc = static_cast<int>(g->dims[which == 0 ? analysis::kGemmK : analysis::kGemmN].size());
      const ViewDescResult r = describe_view(o.st, DType::f32);
      why = r.why;
      // A transposed W whose column tile exceeds the line buffer: narrower N tiles (each output
      // column is computed as before, so the bits are v1's), as docs/pl-v2.md asks.
      // The widest tile (in steps of C, at most 64 lines) whose lines each fill once: with 4
      // fills in flight and FIFO reuse, fewer than 64 columns fit (pl::plan: 48 of a 784-row
      // transpose fill every line once, 56..64 twice).
      if (r.desc && which == 1 && Nt > static_cast<int64_t>(pl::vr::kLines)) {
        const std::optional<pl::ViewDesc> t = tile(1, 0, 0, std::min(Kt, K), 0, Nt);
        if (t && !line_thrash(*t).empty()) {
          int64_t fit = C;
          for (int64_t w = pl::vr::kLines / C * C; w > C; w -= C) {
            const std::optional<pl::ViewDesc> tw = tile(1, 0, 0, std::min(Kt, K), 0, w);
            if (tw && fills_per_element(*tw) * (pl::vr::kLineBytes / 4) <= 1.1) {
              fit = w;
              break;
            }
          }
          Nt = fit;
        }
      }
      // N tiles that straddle an outer column dimension (im2col columns (N, OH, OW) in tiles of
      // NMAX) are no box: tiles of whole inner blocks instead (same bits: columns independent).
      if (r.desc && which == 1 && !all_tiles(1).empty()) {
        const Shape& sh = o.st.shape();
        int64_t best = 0, P = 1;
        for (int t = o.nb + o.nr + o.nc - 1; t >= o.nb + o.nr; --t) {
          for (int64_t c = 1; c <= sh[t]; ++c)
            if (sh[t] % c == 0 && c * P <= Nt) best = std::max(best, c * P);
          P *= sh[t];
        }
        if (4 * best >= Nt) Nt = best;  // (much narrower tiles would cost more than the PS pack)
      }
      if (r.desc) why = all_tiles(which);
      if (r.desc && why.empty()) {
        per_batch.assign(Bt, whole(n.buf, 0, k_.bufs[n.buf]->nbytes()));
        return;
      }
    } else if (n.op != Op::LOAD && supported_ew(k_.nodes, src(which))) {
      // An elementwise expression (the fused ReLU of a layer's input): the vector unit
      // evaluates it in the [batch][rows][cols] layout into a temp the reader streams whole.
      Shape sh;
      const int set = gemm_layout_set(*g, which, src(which), &sh);
      const Val v = lower_ew(p_.node_sets[set], set, sh, src(which), nullptr);
      if (!v.scalar && !v.view && v.repr == Repr::kF32) {
        o.packed = true;
        o.st = ShapeTracker::contiguous({rows, cols});
        o.nb = 0, o.nr = 1, o.nc = 1;
        const size_t bytes = 4 * static_cast<size_t>(rows * cols);
        for (int64_t bi = 0; bi < Bt; ++bi) per_batch.push_back(v.s.at(bi * bytes, bytes));
        return;
      }
      why = "an expression the vector unit does not produce as f32 words";
    } else {
      why = n.op == Op::LOAD ? std::string(dtype_name(k_.bufs[n.buf]->dtype)) + " elements"
                             : std::string("an expression (") + op_name(n.op) + "), not a view";
    }
    packed_on_ps(std::string("gemm operand ") + (which == 0 ? "A" : "B"), why);
    o.packed = true;
    o.st = ShapeTracker::contiguous({rows, cols});
    o.nb = 0, o.nr = 1, o.nc = 1;
    const size_t bytes = 4 * static_cast<size_t>(rows * cols);
    if (swapped) {  // GemmPack packs the kernel's src[which]: the layout's own node set instead
      Shape sh;
      const int set = gemm_layout_set(*g, which, src(which), &sh);
      const MemRef all = temp(bytes * static_cast<size_t>(Bt));
      step(Pack{set, sh, src(which), DType::f32, all});
      for (int64_t bi = 0; bi < Bt; ++bi) per_batch.push_back(all.at(bi * bytes, bytes));
      return;
    }
    for (int64_t bi = 0; bi < Bt; ++bi) per_batch.push_back(temp(bytes));
    step(GemmPack{which, per_batch});
  };
  std::vector<MemRef> As, Ws;
  if (v2()) {  // W first: its view may narrow the N tiles A's M chunks depend on
    operand_v2(1, K, N, Ws);
    operand_v2(0, M, K, As);
  } else {
    operand(0, M, K, As);
    operand(1, K, N, Ws);
  }

  // pl_version 2 (docs/pl-v2.md step 3): where v1 scatters the result (an output in another
  // order, N tiles, an odd-sized batch), each command's output tile is a box of the output's
  // view in gemm order that the view writer writes in place: no ScatterTile, Copy or
  // GemmScatter. Only with one K tile (partial sums of several go through a temp and a vector
  // ADD) and when the writer's bursts cost less than the PS's scatter.
  // The output in gemm order (B, M, N dims) as views[2], for result views.
  auto set_out_view = [&] {
    OpView& o = views[2];
    std::vector<int> order;
    for (int c : {analysis::kGemmB, analysis::kGemmM, analysis::kGemmN})
      for (int d : g->dims[c]) order.push_back(d);
    const Shape& os = k_.out_shape;
    std::vector<std::pair<int64_t, int64_t>> pin(os.size());
    for (size_t d = 0; d < os.size(); ++d) {
      const bool used = std::find(order.begin(), order.end(), static_cast<int>(d)) != order.end();
      pin[d] = {0, used ? os[d] : 1};
      if (!used) order.push_back(static_cast<int>(d));
    }
    o.on = true;
    o.st = ShapeTracker::contiguous(os).shrink(pin).permute(order);
    o.nb = static_cast<int>(g->dims[analysis::kGemmB].size());
    o.nr = static_cast<int>(g->dims[analysis::kGemmM].size());
    o.nc = static_cast<int>(g->dims[analysis::kGemmN].size());
  };
  const bool out_views = v2() && Kt >= K && (!g->out_in_order || Nt < N || (M * N) % 2) && [&] {
    set_out_view();
    double writer_s = 0, ps_s = 0;
    for (int64_t bi = 0; bi < Bt; ++bi)
      for (int64_t n0 = 0; n0 < N; n0 += Nt) {
        const int64_t nt = std::min(Nt, N - n0), mc = m_chunk(K, nt);
        for (int64_t m0 = 0; m0 < M; m0 += mc) {
          const std::optional<pl::ViewDesc> d = tile(2, bi, m0, std::min(mc, M - m0), n0, nt);
          if (!d) return false;
          writer_s += writer_extra_seconds(*d, 1);  // stream A is read while the result is written
          const double n = static_cast<double>(d->elems());
          ps_s += 8 * n / cfg_.a9_memcpy_bytes_per_s + 4 * n / cfg_.cache_flush_bytes_per_s;
        }
      }
    return writer_s < ps_s;
  }();
  // pl_version 2 (docs/pl-v2.md step 5): with several K tiles the partial sums still go
  // through [M][N] temps and vector ADDs; the last ADD of each batch writes the sum through
  // the output's view (VW) instead of the PS's Copy / GemmScatter, when that costs less.
  const int64_t kVecMax = (reg::kMaxElems / 2) * 2;
  const bool add_view = v2() && !out_views && Kt < K && (!g->out_in_order || (M * N) % 2) && M * N <= kVecMax && [&] {
    set_out_view();
    double writer_s = 0, ps_s = 0;
    for (int64_t bi = 0; bi < Bt; ++bi) {
      const std::optional<pl::ViewDesc> d = tile(2, bi, 0, M, 0, N);
      if (!d) return false;
      writer_s += writer_extra_seconds(*d, 2);  // streams A and B are read while it is written
      const double n = static_cast<double>(d->elems());
      ps_s += 8 * n / cfg_.a9_memcpy_bytes_per_s + 4 * n / cfg_.cache_flush_bytes_per_s;
    }
    return writer_s < ps_s;
  }();
  const MemRef out = out_views          ? whole(0, 0, k_.bufs[0]->nbytes())
                     : g->out_in_order ? whole(0, 0, 4 * static_cast<size_t>(Bt * M * N))
                                       : temp(4 * static_cast<size_t>(Bt * M * N));
  // PS: a [rows][cols] sub-matrix of a row-major matrix with `ld` columns, into a temp.
  auto sub = [&](const MemRef& src, int64_t ld, int64_t r0, int64_t c0, int64_t rows, int64_t cols) {
    MemRef s = temp(4 * static_cast<size_t>(rows * cols));
    step(CopyTile{src, s, ld, r0, c0, rows, cols});
    return s;
  };
  for (int64_t bi = 0; bi < Bt; ++bi) {
    const MemRef dest = out_views ? out : out.at(static_cast<size_t>(4 * bi * M * N), static_cast<size_t>(4 * M * N));
    // The S2MM needs an 8-byte aligned destination (DRE off): odd-sized batches go via a temp.
    const MemRef Cb = out_views || dest.off % 8 == 0 ? dest : temp(dest.bytes);
    for (int64_t k0 = 0; k0 < K; k0 += Kt) {
      const int64_t kt = std::min(Kt, K - k0);
      // Partial products of a K tile after the first go to a temp and are added on the PL.
      const MemRef acc = k0 == 0 ? Cb : temp(4 * static_cast<size_t>(M * N));
      const MemRef A = v2() || kt == K ? As[bi] : sub(As[bi], K, 0, k0, M, kt);
      for (int64_t n0 = 0; n0 < N; n0 += Nt) {
        const int64_t nt = std::min(Nt, N - n0);
        MemRef W = v2()     ? Ws[bi]
                   : nt == N ? Ws[bi].at(static_cast<size_t>(4 * k0 * N), static_cast<size_t>(4 * kt * N))
                             : sub(Ws[bi], N, k0, n0, kt, nt);
        if (!v2() && W.off % 8) W = sub(Ws[bi], N, k0, n0, kt, nt);
        const MemRef O = out_views || nt == N ? acc : temp(4 * static_cast<size_t>(M * nt));
        // M chunks: whole blocks of R rows (even), each within one DMA transfer.
        const int64_t mc = m_chunk(kt, nt);
        for (int64_t m0 = 0; m0 < M; m0 += mc) {
          const int64_t mr = std::min(mc, M - m0);
          Command c;
          c.unit = Unit::kMatmul;
          c.op = m0 == 0 ? 1 : 0;  // LOADW on the first chunk of each tile
          c.size[0] = static_cast<uint32_t>(mr);
          c.size[1] = static_cast<uint32_t>(kt);
          c.size[2] = static_cast<uint32_t>(nt);
          if (v2()) {  // all_tiles() checked every box
            c.in[0] = A, c.view[0] = tile(0, bi, m0, mr, k0, kt);
            if (m0 == 0) c.in[1] = W, c.view[1] = tile(1, bi, k0, kt, n0, nt);
            TP_ASSERT(c.view[0] && (m0 || c.view[1]), "pynq lowering: a gemm tile that is not a view");
          } else {
            c.in[0] = A.at(static_cast<size_t>(4 * m0 * kt), static_cast<size_t>(4 * mr * kt));
            if (m0 == 0) c.in[1] = W;
          }
          if (out_views) {  // the whole output buffer, written through the tile's box
            c.out = out, c.out_view = tile(2, bi, m0, mr, n0, nt);
            TP_ASSERT(c.out_view, "pynq lowering: a gemm output tile that is not a view");
          } else {
            c.out = O.at(static_cast<size_t>(4 * m0 * nt), static_cast<size_t>(4 * mr * nt));
          }
          step(c);
        }
        if (!out_views && nt != N) step(ScatterTile{O, acc, N, n0, M, nt});  // the column tile into [M][N] (PS)
      }
      if (k0 != 0 && add_view && k0 + kt >= K) {  // the last sum, into the output's view
        Command c;
        c.unit = Unit::kVector;
        c.op = reg::V_ADD;
        c.size[0] = static_cast<uint32_t>(M * N);
        c.in[0] = Cb, c.in[1] = acc;
        c.out = whole(0, 0, k_.bufs[0]->nbytes());
        c.out_view = tile(2, bi, 0, M, 0, N);
        TP_ASSERT(c.out_view, "pynq lowering: a gemm result that is not a view");
        step(c);
      } else if (k0 != 0) {
        Val a, b;
        a.s = Cb, b.s = acc;
        vec(reg::V_ADD, &a, &b, nullptr, Cb, M * N);
      }
    }
    if (!out_views && !add_view && !Cb.same_block(dest)) step(Copy{Cb, dest});
  }
  if (!out_views && !add_view && !g->out_in_order) step(GemmScatter{out});
  return true;
}

}  // namespace tinypynq::pynq
