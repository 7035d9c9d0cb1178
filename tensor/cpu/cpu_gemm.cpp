// BLAS path of the cpu device for matmul-shaped kernels. A reduce kernel SUM_K(A * B) where
// the A subtree does not depend on some output dims (N) and the B subtree not on others (M)
// is C[b][m][n] = sum_k A[b][m][k] B[b][k][n]. Operands that are plain strided loads are
// passed to sgemm in place (with a transpose flag); anything else is packed first by
// evaluating its subtree over (batch, M, K) or (batch, K, N).
#include <cblas.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <type_traits>

#include "tensor/cpu/cpu_eval.h"
#include "tensor/cpu/cpu_parallel.h"
#include "tensor/kernel_analysis.h"

namespace tinypynq::cpu {

using namespace analysis;

namespace {

std::atomic<int64_t>& image_split_count() {
  static std::atomic<int64_t> n{0};
  return n;
}

std::atomic<bool>& blas_flag() {
  static std::atomic<bool> on{true};
  return on;
}

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
    int changes = 0;
    for (size_t i = p + 1; i < out.size(); ++i) changes += out[i].second != out[i - 1].second;
    if (changes != 1) continue;  // the rest must be M... N... or N... M...
    g.dims[kGemmB].clear(), g.dims[kGemmM].clear(), g.dims[kGemmN].clear();
    int64_t sz[3] = {1, 1, 1};
    for (size_t i = 0; i < out.size(); ++i) {
      const int c = i < p ? kGemmB : out[i].second;
      g.dims[c].push_back(out[i].first);
      sz[c] *= k.full_shape[out[i].first];
    }
    g.Bt = sz[kGemmB], g.M = sz[kGemmM], g.N = sz[kGemmN];
    g.out_in_order = out[p].second == kGemmM;
    return;
  }
}

// The alternative for outputs (batch..., M1..., N..., M2...) (a convolution's input gradient:
// (b, cin, y, x, ky, kx) with M = (cin, ky, kx), N = (y, x)): batch_leading_dims would batch
// over (b, cin) and run 2048 products with 9 columns, where the call overhead is most of the
// time; instead one product per image, C^T[N][M1*M2] into scratch, then runs of M2 floats
// copied into place. Each element is the same dot over K, taken by the same sgemm kernel.
// Returns M2 (0 when the output is not of that form or the one-change batching is not tiny).
int64_t split_m_dims(const Kernel& k, GemmShape& g) {
  if (!fast_paths_enabled()) return 0;
  std::vector<std::pair<int, int>> out;
  for (int c : {kGemmB, kGemmM, kGemmN})
    for (int d : g.dims[c]) out.push_back({d, c});
  std::sort(out.begin(), out.end());
  size_t need = 0;
  for (size_t i = 0; i < out.size(); ++i)
    if (out[i].second == kGemmB) need = i + 1;
  for (size_t p = need; p < out.size(); ++p) {
    // classes after p: M+ N+ M+
    size_t i = p, a, b;
    while (i < out.size() && out[i].second == kGemmM) ++i;
    a = i;
    while (i < out.size() && out[i].second == kGemmN) ++i;
    b = i;
    while (i < out.size() && out[i].second == kGemmM) ++i;
    if (i != out.size() || a == p || b == a || b == out.size()) continue;
    int64_t bt = 1, m1 = 1, n = 1, m2 = 1;
    for (size_t j = 0; j < p; ++j) bt *= k.full_shape[out[j].first];
    for (size_t j = p; j < a; ++j) m1 *= k.full_shape[out[j].first];
    for (size_t j = a; j < b; ++j) n *= k.full_shape[out[j].first];
    for (size_t j = b; j < out.size(); ++j) m2 *= k.full_shape[out[j].first];
    // Only where the one-change batching (over p..a as well) would leave m2-column products.
    if (m2 >= 16 || n < 16 || m1 * m2 < 16 || bt < 2) return 0;
    GemmShape s = g;
    s.dims[kGemmB].clear(), s.dims[kGemmM].clear(), s.dims[kGemmN].clear();
    for (size_t j = 0; j < out.size(); ++j) s.dims[j < p ? kGemmB : out[j].second].push_back(out[j].first);
    s.Bt = bt, s.M = m1 * m2, s.N = n, s.out_in_order = false;
    g = s;
    return m2;
  }
  return 0;
}

// Scratch memory reused across kernels, per thread: im2col buffers are megabytes per conv, and
// fresh ones would cost a page fault per 4 KiB plus a memset each time.
float* scratch(int slot, int64_t n) {
  thread_local std::unique_ptr<float[]> buf[3];
  thread_local int64_t cap[3] = {0, 0, 0};
  if (n > cap[slot]) {
    buf[slot].reset();
    buf[slot].reset(new float[n]);
    cap[slot] = n;
  }
  return buf[slot].get();
}

float* scratch_c(int64_t n) { return scratch(2, n); }  // a product's C before it is copied into place

// Packs operand `which` into scratch `slot`. A plain strided load (im2col of a padded input:
// one view over a contiguous buffer) is one strided copy, split over threads; any other
// subtree (a fused relu mask) is evaluated block by block. Same values as gemm_operand's.
void pack_operand(const Kernel& k, const GemmShape& g, int which, int slot, GemmOperand& op) {
  const GemmPack plan = gemm_pack_plan(k, g, which, true);
  const int64_t total = prod(plan.shape);
  float* dst = scratch(slot, total);
  const KNode& n = plan.nodes[plan.node];
  const View* v = n.op == Op::LOAD && n.dtype == DType::f32 ? strided_bottom(n.st) : nullptr;
  if (v) {
    const StridedWalk w(*v);
    const auto* base = static_cast<const uint32_t*>(k.bufs[n.buf]->data);
    parallel_chunks(total, kMinPerThread, [&](int64_t s, int64_t e) {
      w.gather32(base, s, e - s, reinterpret_cast<uint32_t*>(dst) + s);
    });
  } else {
    const int64_t blocks = (total + kBlock - 1) / kBlock;
    parallel_chunks(blocks, kMinPerThread / kBlock, [&](int64_t b0, int64_t b1) {
      EvalProgram p(plan.nodes, k.bufs, plan.shape, plan.node);
      for (int64_t s = b0 * kBlock, e = std::min(total, b1 * kBlock); s < e; s += kBlock) {
        const int64_t len = std::min(kBlock, e - s);
        std::memcpy(dst + s, p.eval_block(s, len), 4 * static_cast<size_t>(len));
      }
    });
  }
  op.base = dst;
  op.trans = plan.trans;
  op.ld = plan.ld;
  op.batch_off.resize(g.Bt);
  for (int64_t b = 0; b < g.Bt; ++b) op.batch_off[b] = b * plan.batch_stride;
}

// A batched product's strided operand (im2col) packed batch by batch, right before that
// batch's product and into per-thread scratch that stays in cache, instead of all batches up
// front (megabytes written to and read back from memory). The same words as pack_operand.
struct BatchPacker {
  bool on = false;
  int slot = 0;
  int64_t per_batch = 0;
  std::unique_ptr<StridedWalk> walk;
  const uint32_t* base = nullptr;
  // Sets `op` up (trans, ld) and returns true when operand `which` is one strided load.
  bool setup(const Kernel& k, const GemmShape& g, int which, int s, GemmOperand& op) {
    if (!fast_paths_enabled() || g.Bt < 2) return false;
    const GemmPack plan = gemm_pack_plan(k, g, which, true);
    const KNode& n = plan.nodes[plan.node];
    const View* v = n.op == Op::LOAD && n.dtype == DType::f32 ? strided_bottom(n.st) : nullptr;
    if (!v || plan.batch_stride * g.Bt != prod(plan.shape)) return false;
    on = true, slot = s, per_batch = plan.batch_stride;
    walk = std::make_unique<StridedWalk>(*v);
    base = static_cast<const uint32_t*>(k.bufs[n.buf]->data);
    op.trans = plan.trans, op.ld = plan.ld;
    op.batch_off.assign(g.Bt, 0);
    return true;
  }
  const float* operator()(const GemmOperand& op, int64_t b) const {
    if (!on) return op.base + op.batch_off[b];
    float* dst = scratch(slot, per_batch);
    walk->gather32(base, b * per_batch, per_batch, reinterpret_cast<uint32_t*>(dst));
    return dst;
  }
};

// The batch loop of small products (a conv: one per image) over cpu_threads() threads when
// each product is too small for BLAS's own threading; every product is computed whole by one
// thread, so the bits do not depend on the split.
int64_t batch_min_per(int64_t Bt, int64_t flops_each) {
  constexpr int64_t kSmall = int64_t{4} << 20;  // flops: below this OpenBLAS runs one thread
  return flops_each < kSmall ? std::max<int64_t>(1, (int64_t{1} << 20) / std::max<int64_t>(flops_each, 1)) : Bt + 1;
}
bool batches_split(int64_t Bt, int64_t flops_each) {
  return std::min<int64_t>(cpu_threads(), Bt / batch_min_per(Bt, flops_each)) > 1;
}
template <typename F>
void for_batches(int64_t Bt, int64_t flops_each, F f) {
  parallel_chunks(Bt, batch_min_per(Bt, flops_each), [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) f(b);
  });
}

// OpenBLAS is held at one thread while tinypynq's products run (restored on exit) and large
// products are split over tinypynq's own cpu_threads() instead. Two reasons: OpenBLAS's idle
// workers spin after each threaded call and, on a machine with as many cores as threads, steal
// the cores of the elementwise kernels that follow (a 2-thread CNN step took 70 ms of wall time
// and 137 ms of CPU time, against 46 ms at 1 thread); and its threaded split changes the bits
// of a product on some kernels (Haswell's), so cpu_threads() = 1 must mean one BLAS thread too.
struct BlasOneThread {
  int saved = 0;
  BlasOneThread() {
    if ((saved = openblas_get_num_threads()) != 1) openblas_set_num_threads(1);
  }
  ~BlasOneThread() {
    if (saved > 1) openblas_set_num_threads(saved);
  }
};

constexpr int64_t kRowSplitMNK = int64_t{8} << 20;  // below this one thread is as fast

// C[R][Cn] = op(X)[R][K] op(Y)[K][Cn], row-major. A large product is cut into row chunks, one
// sgemm each, and the cut depends only on the sizes, never on the thread count: OpenBLAS's
// kernels do not give the same bits for a row whatever the rows around it (Haswell kernels on
// an AMD EPYC: 96x1024x160 whole vs in three 32-row calls differ in 3758 of 15360 elements), so
// a cut that followed cpu_threads() would make results depend on it. With `parallel` the chunks
// are spread over tinypynq's threads; otherwise they run in order on this one. Chunks stay well
// above OpenBLAS's small-matrix size (M*N*K <= 1e6).
void sgemm_rows(bool tx, bool ty, int64_t R, int64_t Cn, int64_t K, const float* X, int64_t ldx, const float* Y,
                int64_t ldy, float* C, int64_t ldc, bool parallel) {
  constexpr int64_t kMinPartMNK = kRowSplitMNK / 2, kMaxChunks = 8;
  const int64_t min_rows = std::max<int64_t>(1, (kMinPartMNK + Cn * K - 1) / std::max<int64_t>(Cn * K, 1));
  const int64_t chunks =
      R * Cn * K >= kRowSplitMNK ? std::clamp<int64_t>(R / min_rows, int64_t{1}, kMaxChunks) : int64_t{1};
  const int64_t per = (R + chunks - 1) / chunks;
  auto run = [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      const int64_t r0 = c * per, r1 = std::min(R, r0 + per);
      if (r0 >= r1) continue;
      cblas_sgemm(CblasRowMajor, tx ? CblasTrans : CblasNoTrans, ty ? CblasTrans : CblasNoTrans, (int)(r1 - r0),
                  (int)Cn, (int)K, 1.f, X + (tx ? r0 : r0 * ldx), (int)ldx, Y, (int)ldy, 0.f, C + r0 * ldc,
                  (int)ldc);
    }
  };
  if (!parallel || cpu_threads() <= 1 || chunks < 2) return run(0, chunks);
  parallel_chunks(chunks, 1, run);
}

// A weight gradient (no batch dims; K = (image, y, x), with the im2col of the input as one
// operand) would pack that operand for all images at once (14 MB for the CNN's conv2) before
// one sgemm. Instead the first K dim (the image) becomes a loop: each image's slice of each
// operand is read in place or packed into per-thread scratch that stays in cache, and its
// product is accumulated into the result with beta = 1. This changes the summation order (a
// float sum over K either way; allowed on the cpu target, whose results must stay within float
// rounding, not bits). The images are cut into kGroups-at-most groups by the sizes alone; each
// group is accumulated by one thread into its own partial, and the partials are added to the
// result in group order, so the bits do not depend on cpu_threads().
struct SlicePacker {  // operand `which` of image b: in place, a strided copy or evaluated
  GemmOperand op;
  bool direct = false;
  GemmPack plan;
  std::unique_ptr<StridedWalk> walk;
  const uint32_t* base = nullptr;
  int slot = 0;
  void setup(const Kernel& k, const GemmShape& g, int which) {
    slot = which;
    if ((direct = gemm_direct(k, g, which, op))) return;
    plan = gemm_pack_plan(k, g, which, true);
    const KNode& n = plan.nodes[plan.node];
    if (const View* v = n.op == Op::LOAD && n.dtype == DType::f32 ? strided_bottom(n.st) : nullptr) {
      walk = std::make_unique<StridedWalk>(*v);
      base = static_cast<const uint32_t*>(k.bufs[n.buf]->data);
    }
    op.trans = plan.trans, op.ld = plan.ld;
  }
  bool needs_program() const { return !direct && !walk; }
  const float* get(int64_t b, EvalProgram* p) const {
    if (direct) return op.base + op.batch_off[b];
    const int64_t per = plan.batch_stride;
    float* dst = scratch(slot, per);
    if (walk) {
      walk->gather32(base, b * per, per, reinterpret_cast<uint32_t*>(dst));
      return dst;
    }
    for (int64_t s = 0; s < per; s += kBlock) {
      const int64_t len = std::min(kBlock, per - s);
      std::memcpy(dst + s, p->eval_block(b * per + s, len), 4 * static_cast<size_t>(len));
    }
    return dst;
  }
};

bool try_image_split(const Kernel& k, const GemmShape& g0) {
  if (!fast_paths_enabled() || g0.Bt != 1 || g0.dims[kGemmK].size() < 2) return false;
  const bool trans_out = !g0.out_in_order;
  if (trans_out && !out_in_order_transposed(g0)) return false;
  GemmShape g = g0;
  const int kd = g.dims[kGemmK].front();
  const int64_t nb = k.full_shape[kd];
  g.dims[kGemmK].erase(g.dims[kGemmK].begin());
  g.dims[kGemmB] = {kd};
  g.Bt = nb, g.K = g0.K / nb;
  const int64_t M = g.M, N = g.N, K = g.K;
  // Worth it when a whole-K operand would be packed (big), each image's product is a real
  // sgemm (K of at least 16 pixels), and the result is smaller than its reduction (a weight
  // gradient; a forward conv's first K dim is its input channel, not an image).
  constexpr int64_t kMinPacked = int64_t{1} << 16;  // floats of the whole-K packed operand
  GemmOperand probe;
  const bool pack_a = !gemm_direct(k, g0, 0, probe), pack_b = !gemm_direct(k, g0, 1, probe);
  const bool big = (pack_a && M * g0.K >= kMinPacked) || (pack_b && N * g0.K >= kMinPacked);
  if (nb < 2 || K < 16 || g0.K < M * N || !big) return false;
  SlicePacker pa, pb;
  pa.setup(k, g, 0), pb.setup(k, g, 1);
  if ((!pa.direct && pa.plan.batch_stride * nb != prod(pa.plan.shape)) ||
      (!pb.direct && pb.plan.batch_stride * nb != prod(pb.plan.shape)))
    return false;
  constexpr int64_t kGroups = 4;  // at most; by the sizes alone, never by cpu_threads()
  const int64_t want = std::clamp<int64_t>(nb / 2, 1, kGroups), per = (nb + want - 1) / want;
  const int64_t groups = (nb + per - 1) / per;  // none empty
  float* C = static_cast<float*>(k.bufs[0]->data);
  std::vector<float> partial(static_cast<size_t>((groups - 1) * M * N));
  const BlasOneThread blas_one;
  parallel_chunks(groups, 1, [&](int64_t g_0, int64_t g_1) {
    std::unique_ptr<EvalProgram> progs[2];  // per thread: a program's block scratch is its own
    for (const SlicePacker* p : {&pa, &pb})
      if (p->needs_program())
        progs[p->slot] = std::make_unique<EvalProgram>(p->plan.nodes, k.bufs, p->plan.shape, p->plan.node);
    for (int64_t gi = g_0; gi < g_1; ++gi) {
      float* out = gi == 0 ? C : partial.data() + (gi - 1) * M * N;
      for (int64_t b = gi * per, e = std::min(nb, (gi + 1) * per); b < e; ++b) {
        const float* a = pa.get(b, progs[0].get());
        const float* x = pb.get(b, progs[1].get());
        const float beta = b == gi * per ? 0.f : 1.f;
        if (trans_out)  // [N][M]: C^T = B^T A^T in place
          cblas_sgemm(CblasRowMajor, pb.op.trans ? CblasNoTrans : CblasTrans, pa.op.trans ? CblasNoTrans : CblasTrans,
                      (int)N, (int)M, (int)K, 1.f, x, (int)pb.op.ld, a, (int)pa.op.ld, beta, out, (int)M);
        else
          cblas_sgemm(CblasRowMajor, pa.op.trans ? CblasTrans : CblasNoTrans, pb.op.trans ? CblasTrans : CblasNoTrans,
                      (int)M, (int)N, (int)K, 1.f, a, (int)pa.op.ld, x, (int)pb.op.ld, beta, out, (int)N);
      }
    }
  });
  for (int64_t gi = 1; gi < groups; ++gi) {  // in group order, whatever thread made each
    const float* q = partial.data() + (gi - 1) * M * N;
    for (int64_t i = 0; i < M * N; ++i) C[i] += q[i];
  }
  note_fast_path();
  image_split_count()++;
  return true;
}

}  // namespace

bool blas_enabled() { return blas_flag().load(std::memory_order_relaxed); }
void set_blas(bool on) { blas_flag().store(on); }
int64_t image_split_products() { return image_split_count().load(); }

bool try_gemm(const Kernel& k) {
  if (!blas_enabled()) return false;
  GemmShape g;
  if (!match_gemm(k, &g)) return false;
  if (g.M * g.N * g.K < 8192 || g.K < 4 || (g.M < 4 && g.N < 4)) return false;
  if (try_image_split(k, g)) return true;
  int64_t m2 = 0;
  if (!g.out_in_order && !out_in_order_transposed(g) && !(m2 = split_m_dims(k, g))) batch_leading_dims(k, g);
  const int64_t Bt = g.Bt, M = g.M, N = g.N, K = g.K;
  GemmOperand A, B;
  BatchPacker pa, pb;
  const int64_t flops = 2 * M * N * K;
  // Products too large for the batch split spread their row chunks over the threads (a batch
  // split runs each product's chunks on one thread: the same cut, so the same bits).
  const bool rows_split = !batches_split(Bt, flops) && M * N * K >= kRowSplitMNK;
  if (!gemm_direct(k, g, 0, A) && (rows_split || !pa.setup(k, g, 0, 0, A))) pack_operand(k, g, 0, 0, A);
  if (!gemm_direct(k, g, 1, B) && (rows_split || !pb.setup(k, g, 1, 1, B))) pack_operand(k, g, 1, 1, B);
  float* C = static_cast<float*>(k.bufs[0]->data);
  const BlasOneThread blas_one;
  if (m2) {
    // Per batch: C^T[N][M] into per-thread scratch, then out[m1][n][m2] = C^T[n][m1 * M2 + m2].
    const int64_t m1 = M / m2;
    for_batches(Bt, flops, [&](int64_t b) {
      float* t = scratch_c(N * M);
      sgemm_rows(!B.trans, !A.trans, N, M, K, pb(B, b), B.ld, pa(A, b), A.ld, t, M, rows_split);
      float* o = C + b * M * N;
      auto place = [&](auto width) {  // runs of a compile-time width are plain moves, not calls
        constexpr int64_t w = decltype(width)::value;
        const int64_t r = w ? w : m2;
        for (int64_t i = 0; i < m1; ++i)
          for (int64_t n = 0; n < N; ++n) {
            float* d = o + (i * N + n) * r;
            const float* q = t + n * M + i * r;
            for (int64_t j = 0; j < r; ++j) d[j] = q[j];
          }
      };
      if (m2 == 9) place(std::integral_constant<int64_t, 9>{});
      else if (m2 == 4) place(std::integral_constant<int64_t, 4>{});
      else place(std::integral_constant<int64_t, 0>{});
    });
    return true;
  }
  if (!g.out_in_order && out_in_order_transposed(g)) {
    // The output is [batch][N][M]: C^T = B^T A^T written in place (a weight gradient, where
    // the scatter of a temporary C would cost as much as the product).
    for_batches(Bt, flops, [&](int64_t b) {
      sgemm_rows(!B.trans, !A.trans, N, M, K, pb(B, b), B.ld, pa(A, b), A.ld, C + b * M * N, M, rows_split);
    });
    return true;
  }
  // Output: direct when the out layout is already [batch][M][N].
  std::vector<float> tmp;
  if (!g.out_in_order) tmp.resize(Bt * M * N), C = tmp.data();
  for_batches(Bt, flops, [&](int64_t b) {
    sgemm_rows(A.trans, B.trans, M, N, K, pa(A, b), A.ld, pb(B, b), B.ld, C + b * M * N, N, rows_split);
  });
  if (!g.out_in_order) gemm_scatter(k, g, tmp.data());
  return true;
}

}  // namespace tinypynq::cpu
