// Running PL programs (executor.h): the PS half of every step, in program order.
#include "runtime/pynq/executor.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <type_traits>

#include "base/check.h"
#include "tensor/core/shape.h"

#if defined(__x86_64__)
#include <immintrin.h>  // the transpose blocks (target attribute, not -mavx512f)
#endif

namespace tinypynq::pynq {

namespace {
constexpr uint32_t kPlTrue = 0x3F80'0000;

// dst[r * dst_ld + c] = src[c * src_ld + r] for r < R, c < C, as 32-bit words (bits copied, NaN
// payloads included): 16x16 register blocks on AVX-512 hosts, else 16 rows at a time.
inline void transpose32_scalar(const uint32_t* src, int64_t src_ld, uint32_t* dst, int64_t dst_ld, int64_t R,
                               int64_t C) {
  constexpr int64_t kRows = 16;  // 16 rows at a time read one run of src per c
  for (int64_t r0 = 0; r0 < R; r0 += kRows) {
    const int64_t rows = R - r0 < kRows ? R - r0 : kRows;
    for (int64_t c = 0; c < C; ++c) {
      const uint32_t* s = src + c * src_ld + r0;
      for (int64_t rr = 0; rr < rows; ++rr) dst[(r0 + rr) * dst_ld + c] = s[rr];
    }
  }
}
#if defined(__x86_64__)
// GCC 12 flags the "undefined" source operand of its own unpack intrinsics (avx512fintrin.h,
// _mm512_undefined_epi32) as maybe-uninitialized: a false positive of the header, silenced here only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
// One 16x16 block: out row j (dst + j * dst_ld) = column j of the 16 src rows.
__attribute__((target("avx512f"), always_inline)) inline void block16(const uint32_t* src, int64_t src_ld,
                                                                       uint32_t* dst, int64_t dst_ld) {
  __m512i a[16], b[16];  // unrolled: all in registers (a loop over the arrays spills them, 5x slower)
  #pragma GCC unroll 16
  for (int i = 0; i < 16; ++i) a[i] = _mm512_loadu_si512(src + i * src_ld);
  #pragma GCC unroll 16
  for (int i = 0; i < 16; i += 2) {
    b[i] = _mm512_unpacklo_epi32(a[i], a[i + 1]);
    b[i + 1] = _mm512_unpackhi_epi32(a[i], a[i + 1]);
  }
  #pragma GCC unroll 16
  for (int i = 0; i < 16; i += 4) {
    a[i] = _mm512_unpacklo_epi64(b[i], b[i + 2]);
    a[i + 1] = _mm512_unpackhi_epi64(b[i], b[i + 2]);
    a[i + 2] = _mm512_unpacklo_epi64(b[i + 1], b[i + 3]);
    a[i + 3] = _mm512_unpackhi_epi64(b[i + 1], b[i + 3]);
  }
  // 32- and 64-bit unpacks within 128-bit lanes, then two rounds of 128-bit lane shuffles
  // (checked against transpose32_scalar on the model tests' shapes and odd sizes).
  #pragma GCC unroll 16
  for (int q = 0; q < 2; ++q)
#pragma GCC unroll 16
    for (int p = 0; p < 4; ++p) {
      b[8 * q + p] = _mm512_shuffle_i32x4(a[8 * q + p], a[8 * q + 4 + p], 0x88);      // lanes 0,2 | 0,2
      b[8 * q + 4 + p] = _mm512_shuffle_i32x4(a[8 * q + p], a[8 * q + 4 + p], 0xDD);  // lanes 1,3 | 1,3
    }
  #pragma GCC unroll 16
  for (int p = 0; p < 8; ++p) {
    const __m512i lo = _mm512_shuffle_i32x4(b[p], b[8 + p], 0x88);
    const __m512i hi = _mm512_shuffle_i32x4(b[p], b[8 + p], 0xDD);
    // lo: column p of the 16 rows, hi: column p + 8
    _mm512_storeu_si512(dst + p * dst_ld, lo);
    _mm512_storeu_si512(dst + (p + 8) * dst_ld, hi);
  }
}
__attribute__((target("avx512f"))) inline void transpose32_avx512(const uint32_t* src, int64_t src_ld,
                                                                   uint32_t* dst, int64_t dst_ld, int64_t R,
                                                                   int64_t C) {
  const int64_t R16 = R & ~int64_t{15}, C16 = C & ~int64_t{15};
  for (int64_t r0 = 0; r0 < R16; r0 += 16)
    for (int64_t c0 = 0; c0 < C16; c0 += 16) block16(src + c0 * src_ld + r0, src_ld, dst + r0 * dst_ld + c0, dst_ld);
  if (C16 < C) transpose32_scalar(src + C16 * src_ld, src_ld, dst + C16, dst_ld, R16, C - C16);
  if (R16 < R) transpose32_scalar(src + R16, src_ld, dst + R16 * dst_ld, dst_ld, R - R16, C);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif
inline void transpose32(const uint32_t* src, int64_t src_ld, uint32_t* dst, int64_t dst_ld, int64_t R, int64_t C) {
#if defined(__x86_64__)
  static const bool avx512 = __builtin_cpu_supports("avx512f");
  if (avx512) return transpose32_avx512(src, src_ld, dst, dst_ld, R, C);
#endif
  transpose32_scalar(src, src_ld, dst, dst_ld, R, C);
}

template <class T> T* at(const Stream& s) {
  return reinterpret_cast<T*>(static_cast<uint8_t*>(s.blk->mem.virt) + s.off);
}

uint32_t scalar_bits(const Buffer& b, int64_t elem, DType as) {
  const uint8_t* p = static_cast<const uint8_t*>(b.data) + elem * itemsize(b.dtype);
  double value;
  if (b.dtype == DType::f32) { float f; std::memcpy(&f, p, 4); value = f; }
  else if (b.dtype == DType::i32) { int32_t x; std::memcpy(&x, p, 4); value = x; }
  else value = *p;
  return as == DType::f32       ? std::bit_cast<uint32_t>(static_cast<float>(value))
         : as == DType::boolean ? (value != 0 ? kPlTrue : 0)
                                : static_cast<uint32_t>(static_cast<int32_t>(value));
}

// The PS packing of gemm operand `which` into dst[b], one row-major [rows][cols] matrix per
// batch (the bits of the buffer: pure data movement). A plain strided f32 load (the usual case:
// weights, activations and their transposes) is copied row by row, or transposed in blocks of
// 16 rows, straight from the tensor; anything else is evaluated and copied.
void pack_gemm_operand(const Kernel& k, const analysis::GemmShape& g, int which, float* const* dst, size_t ndst,
                       size_t dst_floats) {
  const KNode& n = k.nodes[k.nodes.back().src[which]];
  const int64_t R = which == 0 ? g.M : g.K, C = which == 0 ? g.K : g.N;
  const bool plain = n.op == Op::LOAD && k.bufs[n.buf]->dtype == DType::f32 &&
                     dst_floats == static_cast<size_t>(R * C) && ndst == static_cast<size_t>(g.Bt);
  analysis::GemmOperand op;
  if (!(plain && analysis::gemm_direct(k, g, which, op))) {
    // Packed: one batch is evaluated straight into its DMA buffer (what gemm_operand computes
    // into op.packed, without the zero-filled temp and the copy).
    const analysis::GemmPack plan = analysis::gemm_pack_plan(k, g, which, false);
    if (ndst == 1 && g.Bt == 1 && static_cast<size_t>(prod(plan.shape)) == dst_floats) {
      analysis::eval_node(plan.nodes, k.bufs, plan.shape, plan.node, dst[0]);
      return;
    }
    analysis::gemm_operand(k, g, which, false, op);
  }
  if (!op.packed.empty() || op.base == nullptr) {
    for (size_t b = 0; b < ndst; ++b) std::memcpy(dst[b], op.packed.data() + b * dst_floats, 4 * dst_floats);
    return;
  }
  for (size_t b = 0; b < ndst; ++b) {
    const float* src = op.base + op.batch_off[b];
    float* out = dst[b];
    if (!op.trans) {
      for (int64_t r = 0; r < R; ++r) std::memcpy(out + r * C, src + r * op.ld, 4 * static_cast<size_t>(C));
      continue;
    }
    // Element (r, c) is src[c * ld + r].
    transpose32(reinterpret_cast<const uint32_t*>(src), op.ld, reinterpret_cast<uint32_t*>(out), C, R, C);
  }
}

// analysis::gemm_scatter (C, [batch][M][N], into the output's own dim order) for the layouts a
// copy does: after merging dims, one contiguous run, rows of runs, or a 2-D transpose. False:
// the general walk is needed.
bool scatter_fast(const Kernel& k, const analysis::GemmShape& g, const float* tmp) {
  const Shape ostr = contiguous_strides(k.out_shape);
  std::vector<std::pair<int64_t, int64_t>> d;  // (size, output stride), outermost first
  for (int cls : {analysis::kGemmB, analysis::kGemmM, analysis::kGemmN})
    for (int x : g.dims[cls]) {
      const int64_t n = k.full_shape[x], st = ostr[x];
      if (n == 1) continue;
      if (!d.empty() && d.back().second == st * n) d.back() = {d.back().first * n, st};
      else d.emplace_back(n, st);
    }
  auto* out = static_cast<uint32_t*>(k.bufs[0]->data);
  const auto* src = reinterpret_cast<const uint32_t*>(tmp);
  if (d.empty() || (d.size() == 1 && d[0].second == 1)) {
    std::memcpy(out, src, 4 * static_cast<size_t>(d.empty() ? 1 : d[0].first));
    return true;
  }
  // Two dims, or three with an outer one walked as a loop (conv outputs: batch, pixels, channels).
  if (d.size() != 2 && d.size() != 3) return false;
  const auto [Bn, sB] = d.size() == 3 ? d[0] : std::pair<int64_t, int64_t>{1, 0};
  const auto [R, sR] = d[d.size() - 2];
  const auto [C, sC] = d[d.size() - 1];
  if (sC != 1 && sR != 1) return false;
  for (int64_t b = 0; b < Bn; ++b) {
    uint32_t* o = out + b * sB;
    const uint32_t* sb = src + b * R * C;
    if (sC == 1)  // rows of C words, ld sR
      for (int64_t r = 0; r < R; ++r) std::memcpy(o + r * sR, sb + r * C, 4 * static_cast<size_t>(C));
    else  // out[c * sC + r] = src[r * C + c]
      transpose32(sb, C, o, sC, C, R);
  }
  return true;
}
}  // namespace

DdrBlock* ddr_block(const Buffer& b) { return static_cast<DdrBlock*>(b.owner.get()); }
Stream whole(const Buffer& b) { return Stream{ddr_block(b), 0, b.nbytes()}; }

namespace {
// The kernel buffers node `root` of `nodes` loads (its subtree): what a PS step evaluating it reads.
std::vector<int> loads_of(const std::vector<KNode>& nodes, int root) {
  std::vector<char> seen(nodes.size(), 0);
  std::vector<int> todo{root}, bufs;
  while (!todo.empty()) {
    const int i = todo.back();
    todo.pop_back();
    if (seen[i]) continue;
    seen[i] = 1;
    if (nodes[i].op == Op::LOAD && std::find(bufs.begin(), bufs.end(), nodes[i].buf) == bufs.end())
      bufs.push_back(nodes[i].buf);
    for (int j : nodes[i].src) todo.push_back(j);
  }
  return bufs;
}
}  // namespace

struct ProgramRunner::Ctx {
  const Program& p;
  const Kernel& k;
  std::vector<std::shared_ptr<DdrBlock>> temps;
  std::vector<uint32_t> slots;
};

Stream ProgramRunner::stream(const Ctx& c, const MemRef& m) const {
  if (m.kind == MemRef::kNone) return Stream{};
  DdrBlock* blk = m.kind == MemRef::kKernel ? ddr_block(*c.k.bufs[m.index]) : c.temps[m.index].get();
  return Stream{blk, m.off, m.bytes};
}

bool ProgramRunner::run(const Program& p, const Kernel& k, KernelRecord* rec) {
  Ctx c{p, k, {}, std::vector<uint32_t>(p.scalar_slots, 0)};
  c.temps.reserve(p.temps.size());
  for (size_t bytes : p.temps) c.temps.push_back(alloc_(bytes));
  bool w_range = false;
  if (rec) rec->ps_packed += static_cast<int>(p.ps_packed.size());
  ex_.count_ps_packed(p.ps_packed.size());
  for (const Step& st : p.steps) {
    std::visit(
        [&](const auto& s) {
          using S = std::decay_t<decltype(s)>;
          if constexpr (std::is_same_v<S, Command>) {
            UnitCmd u;
            u.unit = s.unit, u.op = s.op;
            for (int i = 0; i < 3; ++i) {
              u.size[i] = s.size[i];
              u.scalar[i] = s.scalar_slot[i] >= 0 ? c.slots[s.scalar_slot[i]] : s.scalar[i];
              u.in[i] = stream(c, s.in[i]);
              u.view[i] = s.view[i];
            }
            u.out = stream(c, s.out);
            u.out_view = s.out_view;
            for (int i = 0; i < 4; ++i) {  // a queued command keeps its temporaries alive (step 4)
              const MemRef& m = i < 3 ? s.in[i] : s.out;
              if (m.kind == MemRef::kTemp) u.keep[i] = c.temps[m.index];
              else if (m.kind == MemRef::kKernel) u.keep[i] = c.k.bufs[m.index];
            }
            u.kernel = &p.kernel;
            const PlExec::Result r = ex_.run(u);
            w_range |= r.w_range;
            if (rec) {
              rec->commands += 1;
              rec->pl_cycles += r.cycles;
              rec->unit_cycles[static_cast<int>(u.unit)] += r.cycles;
              for (int i = 0; i < 3; ++i)
                rec->dma_bytes += !u.in[i].blk ? 0 : u.view[i] ? 4 * u.view[i]->elems() : u.in[i].bytes;
              rec->dma_bytes += u.out_view ? 4 * u.out_view->elems() : u.out.bytes;
            }
          } else if constexpr (std::is_same_v<S, Pack>) {
            const std::vector<KNode>& nodes = s.nodes < 0 ? k.nodes : p.node_sets[s.nodes];
            const Stream d = stream(c, s.dst);
            const int64_t n = prod(s.shape);
            for (int b : loads_of(nodes, s.node)) ex_.cpu_reads(whole(*k.bufs[b]));
            ex_.cpu_writes(d);
            auto* w = at<uint32_t>(d);
            analysis::eval_node(nodes, k.bufs, s.shape, s.node, w);
            if (s.dtype == DType::boolean)
              for (int64_t j = 0; j < n; ++j) w[j] = w[j] ? kPlTrue : 0;
            ex_.cpu(Phase::kPsPack, cost_.copy_seconds(4 * static_cast<size_t>(n) + n * itemsize(s.dtype)),
                    "pack operand");
          } else if constexpr (std::is_same_v<S, ReadScalar>) {
            const Buffer& b = *k.bufs[s.buf];
            ex_.cpu_reads(Stream{ddr_block(b), s.elem * itemsize(b.dtype), itemsize(b.dtype)});
            ex_.cpu(Phase::kPsPack, 50e-9, "read scalar");
            c.slots[s.slot] = scalar_bits(*k.bufs[s.buf], s.elem, s.as);
          } else if constexpr (std::is_same_v<S, GemmPack>) {
            for (int b : loads_of(k.nodes, k.nodes.back().src[s.which])) ex_.cpu_reads(whole(*k.bufs[b]));
            size_t bytes = 0;
            std::vector<float*> dst(s.dst.size());
            for (size_t bi = 0; bi < s.dst.size(); ++bi) {
              const Stream d = stream(c, s.dst[bi]);
              bytes = d.bytes;
              ex_.cpu_writes(d);
              dst[bi] = at<float>(d);
            }
            pack_gemm_operand(k, *p.gemm, s.which, dst.data(), dst.size(), bytes / 4);
            ex_.cpu(Phase::kPsPack, cost_.copy_seconds(2 * bytes * s.dst.size()), "pack operand");
          } else if constexpr (std::is_same_v<S, CopyTile>) {
            const Stream src = stream(c, s.src), d = stream(c, s.dst);
            for (int64_t r = 0; r < s.rows; ++r)
              ex_.cpu_reads(Stream{src.blk, src.off + 4 * static_cast<size_t>((s.r0 + r) * s.ld + s.c0),
                                   4 * static_cast<size_t>(s.cols)});
            ex_.cpu_writes(Stream{d.blk, d.off, 4 * static_cast<size_t>(s.rows * s.cols)});
            const float* from = at<const float>(src);
            float* to = at<float>(d);
            for (int64_t r = 0; r < s.rows; ++r)
              std::memcpy(to + r * s.cols, from + (s.r0 + r) * s.ld + s.c0, 4 * static_cast<size_t>(s.cols));
            ex_.cpu(Phase::kPsPack, cost_.copy_seconds(8 * static_cast<size_t>(s.rows * s.cols)), "pack tile");
          } else if constexpr (std::is_same_v<S, ScatterTile>) {
            const Stream src = stream(c, s.src), d = stream(c, s.dst);
            ex_.cpu_reads(Stream{src.blk, src.off, 4 * static_cast<size_t>(s.rows * s.cols)});
            for (int64_t r = 0; r < s.rows; ++r)
              ex_.cpu_writes(Stream{d.blk, d.off + 4 * static_cast<size_t>(r * s.ld + s.n0), 4 * static_cast<size_t>(s.cols)});
            const float* from = at<const float>(src);
            float* to = at<float>(d);
            for (int64_t r = 0; r < s.rows; ++r)
              std::memcpy(to + r * s.ld + s.n0, from + r * s.cols, 4 * static_cast<size_t>(s.cols));
            ex_.cpu(Phase::kPsPack, cost_.copy_seconds(8 * static_cast<size_t>(s.rows * s.cols)), "scatter tile");
          } else if constexpr (std::is_same_v<S, Copy>) {
            const Stream src = stream(c, s.src), d = stream(c, s.dst);
            ex_.cpu_reads(Stream{src.blk, src.off, d.bytes});
            ex_.cpu_writes(d);
            std::memcpy(at<uint8_t>(d), at<const uint8_t>(src), d.bytes);
            ex_.cpu(Phase::kPsPack, cost_.copy_seconds(2 * d.bytes));
          } else if constexpr (std::is_same_v<S, GemmScatter>) {
            const Stream src = stream(c, s.src);
            ex_.cpu_reads(src);
            ex_.cpu_writes(whole(*k.bufs[0]));
            if (!scatter_fast(k, *p.gemm, at<const float>(src))) analysis::gemm_scatter(k, *p.gemm, at<const float>(src));
            const analysis::GemmShape& g = *p.gemm;
            ex_.cpu(Phase::kPsPack, cost_.copy_seconds(8 * static_cast<size_t>(g.Bt * g.M * g.N)));
          } else if constexpr (std::is_same_v<S, Narrow>) {
            // bool (PL 1.0f) and uint8 outputs: the PS narrows the PL's 32-bit words.
            if (!s.scalar) {
              const Stream src = stream(c, s.src);
              ex_.cpu_reads(Stream{src.blk, src.off, 4 * static_cast<size_t>(s.n)});
            }
            ex_.cpu_writes(Stream{ddr_block(*k.bufs[0]), 0, static_cast<size_t>(s.n)});
            const uint32_t* src = s.scalar ? nullptr : at<const uint32_t>(stream(c, s.src));
            const uint32_t bits = s.slot >= 0 ? c.slots[s.slot] : s.bits;
            auto* dst = static_cast<uint8_t*>(k.bufs[0]->data);
            for (int64_t i = 0; i < s.n; ++i) {
              const uint32_t x = s.scalar ? bits : src[i];
              dst[i] = s.from_int ? static_cast<uint8_t>(x) : static_cast<uint8_t>((x & 0x7FFF'FFFF) != 0);
            }
            ex_.cpu(Phase::kPsPack, cost_.copy_seconds(5 * static_cast<size_t>(s.n)), "narrow output");
          }
        },
        st);
  }
  return w_range;
}

}  // namespace tinypynq::pynq
