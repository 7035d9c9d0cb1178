// Lowering matmul-shaped kernels to the matmul unit (hw-spec §6.3): C[M][N] = A[M][K] W[K][N]
// per batch, tiled to the unit's limits. Over N: a weight tile holds K * ceil(Nt / C) <= WDEPTH
// words and Nt <= NMAX columns (a column tile of W is packed by the PS, the output tile is
// scattered back by the PS). Over K (> KMAX): partial products added by vector ADD (this
// changes the summation order, deterministically). Over M: commands reuse the loaded tile
// (LOADW = 0) while M*K and M*Nt stay within one DMA transfer.
#include <algorithm>
#include <cstring>

#include "tensor/core/check.h"
#include "tensor/cpu/cpu_eval.h"
#include "tensor/pynq/lower.h"
#include "tensor/pynq/regmap.h"

namespace tinypynq::pynq {

bool Lowering::run_matmul(const Kernel& k) {
  cpu::GemmShape g;
  if (!cpu::match_gemm(k, &g)) return false;
  const KNode& root = k.nodes.back();
  const int rootn = static_cast<int>(k.nodes.size()) - 1;
  for (int s : root.src)
    if (k.nodes[s].dtype != DType::f32) return false;
  (void)rootn;
  const int64_t Bt = g.Bt, M = g.M, N = g.N, K = g.K;
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

  // Operands as [Bt][M][K] and [Bt][K][N] row-major DDR buffers: in place when the view
  // already is that (and 8-byte aligned), else packed by the PS.
  auto operand = [&](int which, int64_t rows, int64_t cols, std::vector<Stream>& per_batch) {
    cpu::GemmOperand op;
    cpu::gemm_operand(k, g, which, true, op);
    const int srcn = root.src[which];
    const KNode& n = k.nodes[srcn];
    bool direct = op.packed.empty() && !op.trans && (op.ld == cols || rows == 1) && n.op == Op::LOAD;
    if (direct) {
      const Buffer& b = *k.bufs[n.buf];
      for (int64_t bi = 0; bi < Bt; ++bi) {
        const size_t byte_off = static_cast<size_t>((op.base - static_cast<const float*>(b.data)) + op.batch_off[bi]) * 4;
        direct &= byte_off % 8 == 0;
        per_batch.push_back(Stream{ddr_block(b), byte_off, static_cast<size_t>(4 * rows * cols)});
      }
      if (direct) return;
      per_batch.clear();
    }
    cpu::GemmOperand packed;
    cpu::gemm_operand(k, g, which, false, packed);
    const size_t bytes = 4 * static_cast<size_t>(rows * cols);
    for (int64_t bi = 0; bi < Bt; ++bi) {  // one buffer per batch: each starts 8-byte aligned
      Stream s = temp(bytes);
      std::memcpy(s.blk->mem.virt, packed.packed.data() + bi * rows * cols, bytes);
      s.blk->dirty = true;
      per_batch.push_back(s);
    }
    ex_.cpu(Phase::kPsPack, cost_.copy_seconds(2 * bytes * static_cast<size_t>(Bt)), "pack operand");
  };
  std::vector<Stream> As, Ws;
  operand(0, M, K, As);
  operand(1, K, N, Ws);

  Stream out = g.out_in_order ? whole(*k.bufs[0], 0, 4 * static_cast<size_t>(Bt * M * N))
                              : temp(4 * static_cast<size_t>(Bt * M * N));
  // PS helper: copy a [rows][cols] sub-matrix out of a row-major matrix with `ld` columns.
  auto sub = [&](const Stream& src, int64_t ld, int64_t r0, int64_t c0, int64_t rows, int64_t cols) {
    Stream s = temp(4 * static_cast<size_t>(rows * cols));
    auto* d = static_cast<float*>(s.blk->mem.virt);
    auto* p = reinterpret_cast<const float*>(static_cast<const uint8_t*>(src.blk->mem.virt) + src.off);
    for (int64_t r = 0; r < rows; ++r) std::memcpy(d + r * cols, p + (r0 + r) * ld + c0, 4 * cols);
    s.blk->dirty = true;
    ex_.cpu(Phase::kPsPack, cost_.copy_seconds(8 * static_cast<size_t>(rows * cols)), "pack tile");
    return s;
  };
  const int64_t kMax = reg::kMaxElems;
  for (int64_t bi = 0; bi < Bt; ++bi) {
    const Stream dest{out.blk, out.off + static_cast<size_t>(4 * bi * M * N), static_cast<size_t>(4 * M * N)};
    // The S2MM needs an 8-byte aligned destination (DRE off): odd-sized batches go via a temp.
    const Stream Cb = dest.off % 8 == 0 ? dest : temp(dest.bytes);
    for (int64_t k0 = 0; k0 < K; k0 += Kt) {
      const int64_t kt = std::min(Kt, K - k0);
      // Partial products of a K tile after the first go to a temp and are added on the PL.
      Stream acc = k0 == 0 ? Cb : temp(4 * static_cast<size_t>(M * N));
      Stream A = kt == K ? As[bi] : sub(As[bi], K, 0, k0, M, kt);
      for (int64_t n0 = 0; n0 < N; n0 += Nt) {
        const int64_t nt = std::min(Nt, N - n0);
        Stream W = nt == N ? Stream{Ws[bi].blk, Ws[bi].off + static_cast<size_t>(4 * k0 * N), static_cast<size_t>(4 * kt * N)}
                           : sub(Ws[bi], N, k0, n0, kt, nt);
        if (W.off % 8) W = sub(Ws[bi], N, k0, n0, kt, nt);
        Stream O = nt == N ? acc : temp(4 * static_cast<size_t>(M * nt));
        // M chunks: whole blocks of R rows (even), each within one DMA transfer.
        int64_t mc = std::max<int64_t>(R, std::min(kMax / kt, kMax / nt) / R * R);
        for (int64_t m0 = 0; m0 < M; m0 += mc) {
          const int64_t mr = std::min(mc, M - m0);
          UnitCmd c;
          c.unit = Unit::kMatmul;
          c.op = m0 == 0 ? 1 : 0;  // LOADW on the first chunk of each tile
          c.size[0] = static_cast<uint32_t>(mr);
          c.size[1] = static_cast<uint32_t>(kt);
          c.size[2] = static_cast<uint32_t>(nt);
          c.in[0] = Stream{A.blk, A.off + static_cast<size_t>(4 * m0 * kt), static_cast<size_t>(4 * mr * kt)};
          if (m0 == 0) c.in[1] = W;
          c.out = Stream{O.blk, O.off + static_cast<size_t>(4 * m0 * nt), static_cast<size_t>(4 * mr * nt)};
          unit(c);
        }
        if (nt != N) {  // scatter the column tile into the [M][N] result (PS)
          auto* d = reinterpret_cast<float*>(static_cast<uint8_t*>(acc.blk->mem.virt) + acc.off);
          auto* p = static_cast<const float*>(O.blk->mem.virt);
          for (int64_t r = 0; r < M; ++r) std::memcpy(d + r * N + n0, p + r * nt, 4 * nt);
          acc.blk->dirty = true;
          ex_.cpu(Phase::kPsPack, cost_.copy_seconds(8 * static_cast<size_t>(M * nt)), "scatter tile");
        }
      }
      if (k0 != 0) {
        Val a, b;
        a.s = Cb, b.s = acc;
        vec(reg::V_ADD, &a, &b, nullptr, Cb, M * N);
      }
    }
    if (Cb.blk != dest.blk) {
      std::memcpy(static_cast<uint8_t*>(dest.blk->mem.virt) + dest.off, Cb.blk->mem.virt, dest.bytes);
      dest.blk->dirty = true;
      ex_.cpu(Phase::kPsPack, cost_.copy_seconds(2 * dest.bytes));
    }
  }
  if (!g.out_in_order) {
    cpu::gemm_scatter(k, g, static_cast<const float*>(out.blk->mem.virt));
    ddr_block(*k.bufs[0])->dirty = true;
    ex_.cpu(Phase::kPsPack, cost_.copy_seconds(8 * static_cast<size_t>(Bt * M * N)));
  }
  return true;
}

bool Lowering::run(const Kernel& k, KernelRecord* rec) {
  rec_ = rec;
  w_range_ = false;
  bool ok;
  if (!k.is_reduce()) ok = run_elementwise(k);
  else ok = run_matmul(k) || run_reduce(k);
  temps_.clear();
  return ok;
}

}  // namespace tinypynq::pynq
