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

namespace tinypynq::pynq {

bool ProgramBuilder::matmul() {
  auto g = std::make_shared<analysis::GemmShape>();
  if (!analysis::match_gemm(k_, g.get())) return false;
  const KNode& root = k_.nodes.back();
  for (int s : root.src)
    if (k_.nodes[s].dtype != DType::f32) return false;
  const int64_t Bt = g->Bt, M = g->M, N = g->N, K = g->K;
  if (Bt * M * N * K == 0) return false;  // empty: the reduce path / PS handles identities
  // Only real matrix products go to the array: a batch of dot products or matrix-vector
  // products (M or N = 1, e.g. a loss's one-hot sum) runs better as MUL + reduce, one command
  // each instead of one matmul command per batch element.
  if (M < 2 || N < 2) return false;
  const int64_t C = cfg_.mm_cols, R = cfg_.mm_rows;
  const int64_t Kt_max = std::min<int64_t>(cfg_.mm_kmax, cfg_.mm_wdepth);
  const int64_t Kt = std::min(K, Kt_max);
  const int64_t Nt = std::min<int64_t>({N, cfg_.mm_nmax, (cfg_.mm_wdepth / Kt) * C});
  TP_ASSERT(Nt >= 1 && Kt >= 1);
  p_.gemm = g;

  // Operands as [Bt][M][K] and [Bt][K][N] row-major DDR buffers: in place when the view
  // already is that (and 8-byte aligned), else packed by the PS.
  auto operand = [&](int which, int64_t rows, int64_t cols, std::vector<MemRef>& per_batch) {
    analysis::GemmOperand op;
    analysis::gemm_operand(k_, *g, which, true, op);
    const KNode& n = k_.nodes[root.src[which]];
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
  std::vector<MemRef> As, Ws;
  operand(0, M, K, As);
  operand(1, K, N, Ws);

  const MemRef out = g->out_in_order ? whole(0, 0, 4 * static_cast<size_t>(Bt * M * N))
                                     : temp(4 * static_cast<size_t>(Bt * M * N));
  // PS: a [rows][cols] sub-matrix of a row-major matrix with `ld` columns, into a temp.
  auto sub = [&](const MemRef& src, int64_t ld, int64_t r0, int64_t c0, int64_t rows, int64_t cols) {
    MemRef s = temp(4 * static_cast<size_t>(rows * cols));
    step(CopyTile{src, s, ld, r0, c0, rows, cols});
    return s;
  };
  const int64_t kMax = reg::kMaxElems;
  for (int64_t bi = 0; bi < Bt; ++bi) {
    const MemRef dest = out.at(static_cast<size_t>(4 * bi * M * N), static_cast<size_t>(4 * M * N));
    // The S2MM needs an 8-byte aligned destination (DRE off): odd-sized batches go via a temp.
    const MemRef Cb = dest.off % 8 == 0 ? dest : temp(dest.bytes);
    for (int64_t k0 = 0; k0 < K; k0 += Kt) {
      const int64_t kt = std::min(Kt, K - k0);
      // Partial products of a K tile after the first go to a temp and are added on the PL.
      const MemRef acc = k0 == 0 ? Cb : temp(4 * static_cast<size_t>(M * N));
      const MemRef A = kt == K ? As[bi] : sub(As[bi], K, 0, k0, M, kt);
      for (int64_t n0 = 0; n0 < N; n0 += Nt) {
        const int64_t nt = std::min(Nt, N - n0);
        MemRef W = nt == N ? Ws[bi].at(static_cast<size_t>(4 * k0 * N), static_cast<size_t>(4 * kt * N))
                           : sub(Ws[bi], N, k0, n0, kt, nt);
        if (W.off % 8) W = sub(Ws[bi], N, k0, n0, kt, nt);
        const MemRef O = nt == N ? acc : temp(4 * static_cast<size_t>(M * nt));
        // M chunks: whole blocks of R rows (even), each within one DMA transfer.
        const int64_t mc = std::max<int64_t>(R, std::min(kMax / kt, kMax / nt) / R * R);
        for (int64_t m0 = 0; m0 < M; m0 += mc) {
          const int64_t mr = std::min(mc, M - m0);
          Command c;
          c.unit = Unit::kMatmul;
          c.op = m0 == 0 ? 1 : 0;  // LOADW on the first chunk of each tile
          c.size[0] = static_cast<uint32_t>(mr);
          c.size[1] = static_cast<uint32_t>(kt);
          c.size[2] = static_cast<uint32_t>(nt);
          c.in[0] = A.at(static_cast<size_t>(4 * m0 * kt), static_cast<size_t>(4 * mr * kt));
          if (m0 == 0) c.in[1] = W;
          c.out = O.at(static_cast<size_t>(4 * m0 * nt), static_cast<size_t>(4 * mr * nt));
          step(c);
        }
        if (nt != N) step(ScatterTile{O, acc, N, n0, M, nt});  // the column tile into [M][N] (PS)
      }
      if (k0 != 0) {
        Val a, b;
        a.s = Cb, b.s = acc;
        vec(reg::V_ADD, &a, &b, nullptr, Cb, M * N);
      }
    }
    if (!Cb.same_block(dest)) step(Copy{Cb, dest});
  }
  if (!g->out_in_order) step(GemmScatter{out});
  return true;
}

}  // namespace tinypynq::pynq
