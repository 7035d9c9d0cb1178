// Lowering scheduled kernels to PL unit commands (docs/pynq-runtime.md).
#include "tensor/pynq/lower.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "tensor/core/check.h"
#include "tensor/cpu/cpu_eval.h"
#include "tensor/pynq/regmap.h"

namespace tinypynq::pynq {

using namespace reg;

namespace {
// Largest even element count of one DMA transfer: chunks stay 8-byte aligned (DRE off).
constexpr int64_t kChunk = (kMaxElems / 2) * 2;
constexpr uint32_t kPlTrue = 0x3F80'0000;

uint32_t fbits(float f) { return std::bit_cast<uint32_t>(f); }
}  // namespace

DdrBlock* ddr_block(const Buffer& b) { return static_cast<DdrBlock*>(b.owner.get()); }

Stream Lowering::temp(size_t bytes) {
  temps_.push_back(alloc_block(alloc_ctx, std::max<size_t>(bytes, 8)));
  return Stream{temps_.back().get(), 0, bytes};
}

Stream Lowering::whole(const Buffer& b, size_t elem_off, size_t bytes) {
  return Stream{ddr_block(b), elem_off * itemsize(b.dtype), bytes};
}

void Lowering::unit(const UnitCmd& c) {
  PlExec::Result r = ex_.run(c);
  w_range_ |= r.w_range;
  if (rec_) {
    rec_->commands += 1;
    rec_->pl_cycles += r.cycles;
    rec_->unit_cycles[static_cast<int>(c.unit)] += r.cycles;
    for (const Stream& s : c.in) rec_->dma_bytes += s.blk ? s.bytes : 0;
    rec_->dma_bytes += c.out.bytes;
  }
}

// One vector command per chunk of at most kChunk elements; scalar operands go to registers.
void Lowering::vec(uint32_t op, const Val* a, const Val* b, const Val* c, const Stream& out, int64_t n) {
  const Val* ops[3] = {a, b, c};
  for (int64_t s = 0; s < n; s += kChunk) {
    const int64_t len = std::min(kChunk, n - s);
    UnitCmd cmd;
    cmd.unit = Unit::kVector;
    cmd.op = op;
    cmd.size[0] = static_cast<uint32_t>(len);
    for (int i = 0; i < 3; ++i) {
      if (!ops[i]) continue;
      if (ops[i]->scalar) {
        cmd.op |= VEC_A_SCALAR << i;
        cmd.scalar[i] = ops[i]->bits;
      } else {
        cmd.in[i] = Stream{ops[i]->s.blk, ops[i]->s.off + 4 * s, 4 * static_cast<size_t>(len)};
      }
    }
    cmd.out = Stream{out.blk, out.off + 4 * s, 4 * static_cast<size_t>(len)};
    unit(cmd);
  }
}

// ---------------------------------------------------------------- elementwise graphs

static bool from_u8(DType d) { return d == DType::u8; }

bool Lowering::supported_ew(const std::vector<KNode>& nodes, int root) const {
  std::vector<char> need(nodes.size(), 0);
  need[root] = 1;
  for (int i = root; i >= 0; --i) {
    if (!need[i]) continue;
    const KNode& n = nodes[i];
    for (int s : n.src) need[s] = 1;
    if (n.op == Op::LOAD || n.op == Op::CONST) continue;
    const DType in = nodes[n.src[0]].dtype;
    const bool f = in == DType::f32, b = in == DType::boolean, i32 = in == DType::i32 || from_u8(in);
    switch (n.op) {
      case Op::EXP2: case Op::LOG2: case Op::SIN: case Op::SQRT: case Op::RECIP: case Op::DIV: case Op::MOD:
        if (!f) return false;
        break;
      case Op::NEG: case Op::ADD: case Op::SUB: case Op::MUL:
        if (b || from_u8(in)) return false;
        break;
      case Op::MAX: case Op::CMPLT: case Op::CMPEQ:
        if (from_u8(in)) return false;
        (void)i32;
        break;
      case Op::WHERE:
        if (from_u8(nodes[n.src[1]].dtype)) return false;
        break;
      case Op::CAST:
        if (n.dtype == DType::u8 || from_u8(in)) return false;  // wrap-around casts stay on the PS
        break;
      default: return false;
    }
  }
  return true;
}

Lowering::Val Lowering::pack(const Kernel& k, const std::vector<KNode>& nodes, const Shape& shape, int i) {
  // The PS evaluates the view (gather, padding, uint8/bool widening) into a DMA-able buffer.
  const int64_t n = prod(shape);
  Val v;
  v.s = temp(4 * static_cast<size_t>(n));
  const DType dt = nodes[i].dtype;
  v.repr = dt == DType::f32 ? Repr::kF32 : dt == DType::boolean ? Repr::kBool : Repr::kI32;
  cpu::EvalProgram p(nodes, k.bufs, shape, i);
  auto* dst = static_cast<uint32_t*>(v.s.blk->mem.virt);
  for (int64_t s = 0; s < n; s += cpu::kBlock) {
    const int64_t len = std::min(cpu::kBlock, n - s);
    const void* src = p.eval_block(s, len);
    std::memcpy(dst + s, src, 4 * len);
    if (v.repr == Repr::kBool)
      for (int64_t j = 0; j < len; ++j) dst[s + j] = dst[s + j] ? kPlTrue : 0;
  }
  v.s.blk->dirty = true;
  ex_.cpu(Phase::kPsPack, cost_.copy_seconds(4 * static_cast<size_t>(n) + n * itemsize(dt)), "pack operand");
  return v;
}

Lowering::Val Lowering::load(const Kernel& k, const std::vector<KNode>& nodes, const Shape& shape, int i) {
  const KNode& n = nodes[i];
  Val v;
  v.repr = n.dtype == DType::f32 ? Repr::kF32 : n.dtype == DType::boolean ? Repr::kBool : Repr::kI32;
  auto scalar_of = [&](double value) {
    v.scalar = true;
    v.bits = n.dtype == DType::f32       ? fbits(static_cast<float>(value))
             : n.dtype == DType::boolean ? (value != 0 ? kPlTrue : 0)
                                         : static_cast<uint32_t>(static_cast<int32_t>(value));
    return v;
  };
  if (n.op == Op::CONST) {
    if (!n.st.has_mask()) return scalar_of(n.value);
    return pack(k, nodes, shape, i);
  }
  const Buffer& b = *k.bufs[n.buf];
  if (n.st.single_strided()) {
    const View& view = n.st.top();
    bool broadcast = true, dense = true;
    const Shape want = contiguous_strides(shape);
    for (size_t d = 0; d < shape.size(); ++d) {
      if (shape[d] == 1) continue;
      broadcast &= view.strides[d] == 0;
      dense &= view.strides[d] == want[d];
    }
    if (broadcast) {  // one element for everything: read it once, pass it in a register
      ex_.cpu(Phase::kPsPack, 50e-9, "read scalar");
      const uint8_t* p = static_cast<const uint8_t*>(b.data) + view.offset * itemsize(b.dtype);
      if (b.dtype == DType::f32) { float f; std::memcpy(&f, p, 4); return scalar_of(f); }
      if (b.dtype == DType::i32) { int32_t x; std::memcpy(&x, p, 4); return scalar_of(x); }
      return scalar_of(*p);
    }
    if (dense && itemsize(b.dtype) == 4 && (view.offset * 4) % 8 == 0) {
      v.s = whole(b, static_cast<size_t>(view.offset), 4 * static_cast<size_t>(prod(shape)));
      return v;
    }
  }
  return pack(k, nodes, shape, i);
}

Stream Lowering::materialize(const Val& v, int64_t n) {
  if (!v.scalar) return v.s;
  Stream s = temp(4 * static_cast<size_t>(n));
  vec(V_COPY, &v, nullptr, nullptr, s, n);  // a fill: every operand scalar
  return s;
}

Lowering::Val Lowering::lower_ew(const Kernel& k, const std::vector<KNode>& nodes, const Shape& shape, int root,
                                 const Stream* dst) {
  const int64_t n = prod(shape);
  std::vector<Val> val(nodes.size());
  std::vector<char> need(nodes.size(), 0);
  need[root] = 1;
  for (int i = root; i >= 0; --i)
    if (need[i])
      for (int s : nodes[i].src) need[s] = 1;
  for (int i = 0; i <= root; ++i) {
    if (!need[i]) continue;
    const KNode& nd = nodes[i];
    if (nd.op == Op::LOAD || nd.op == Op::CONST) {
      val[i] = load(k, nodes, shape, i);
      continue;
    }
    const Val& a = val[nd.src[0]];
    const Repr in = a.repr;
    uint32_t op = 0;
    Repr out = in;
    const Val* b = nd.src.size() > 1 ? &val[nd.src[1]] : nullptr;
    const Val* c = nd.src.size() > 2 ? &val[nd.src[2]] : nullptr;
    const bool I = in == Repr::kI32;
    switch (nd.op) {
      case Op::EXP2: op = V_EXP2; break;
      case Op::LOG2: op = V_LOG2; break;
      case Op::SIN: op = V_SIN; break;
      case Op::SQRT: op = V_SQRT; break;
      case Op::RECIP: op = V_RECIP; break;
      case Op::DIV: op = V_DIV; break;
      case Op::MOD: op = V_MOD; break;
      case Op::NEG: op = I ? V_INEG : V_NEG; break;
      case Op::ADD: op = I ? V_IADD : V_ADD; break;
      case Op::SUB: op = I ? V_ISUB : V_SUB; break;
      case Op::MUL: op = I ? V_IMUL : V_MUL; break;
      case Op::MAX: op = I ? V_IMAX : V_MAX; break;
      case Op::CMPLT: op = I ? V_ICMPLT : V_CMPLT, out = Repr::kBool; break;
      case Op::CMPEQ: op = I ? V_ICMPEQ : V_CMPEQ, out = Repr::kBool; break;
      case Op::WHERE:
        out = b->repr;
        op = out == Repr::kI32 ? V_IWHERE : V_WHERE;
        break;
      case Op::CAST: {
        const DType to = nd.dtype;
        if (to == DType::f32) op = in == Repr::kI32 ? uint32_t{V_CAST_I2F} : 0u, out = Repr::kF32;
        else if (to == DType::i32) op = in == Repr::kI32 ? 0u : uint32_t{V_CAST_F2I}, out = Repr::kI32;
        else op = in == Repr::kI32 ? uint32_t{V_CAST_I2B} : in == Repr::kF32 ? uint32_t{V_CAST_F2B} : 0u, out = Repr::kBool;
        if (op == 0) {  // same encoding on the PL (bool is 1.0f): no command
          val[i] = a;
          val[i].repr = out;
          continue;
        }
        break;
      }
      default: TP_ASSERT(false, "pynq lowering: unexpected ", op_name(nd.op));
    }
    Val r;
    r.repr = out;
    const bool direct = i == root && dst &&
                        ((out == Repr::kF32 && k.out_dtype == DType::f32) ||
                         (out == Repr::kI32 && k.out_dtype == DType::i32));
    r.s = direct ? *dst : temp(4 * static_cast<size_t>(n));
    vec(op, &a, b, c, r.s, n);
    val[i] = r;
  }
  return val[root];
}

void Lowering::store_converted(const Kernel& k, const Val& v) {
  // bool (PL 1.0f) and uint8 outputs: the PS narrows the PL's 32-bit words.
  const int64_t n = prod(k.out_shape);
  auto* src = static_cast<const uint32_t*>(v.s.blk->mem.virt) + v.s.off / 4;
  auto* dst = static_cast<uint8_t*>(k.bufs[0]->data);
  for (int64_t i = 0; i < n; ++i) {
    const uint32_t x = v.scalar ? v.bits : src[i];
    dst[i] = v.repr == Repr::kI32 ? static_cast<uint8_t>(x) : static_cast<uint8_t>((x & 0x7FFF'FFFF) != 0);
  }
  ddr_block(*k.bufs[0])->dirty = true;
  ex_.cpu(Phase::kPsPack, cost_.copy_seconds(5 * static_cast<size_t>(n)), "narrow output");
}

bool Lowering::run_elementwise(const Kernel& k) {
  const int root = static_cast<int>(k.nodes.size()) - 1;
  if (prod(k.full_shape) == 0) return true;  // nothing to compute
  if (!supported_ew(k.nodes, root)) return false;
  const int64_t n = prod(k.full_shape);
  const KNode& r = k.nodes[root];
  const bool wide_out = k.out_dtype == DType::f32 || k.out_dtype == DType::i32;
  Stream out = whole(*k.bufs[0], 0, 4 * static_cast<size_t>(n));
  if (wide_out && r.op == Op::LOAD) {
    // A copy (contiguous/cast-free): the PS packs views; dense data moves through the PL bit-exactly (IADD 0).
    Val v = load(k, k.nodes, k.full_shape, root);
    if (!v.scalar && v.s.blk != out.blk) {
      Val zero;
      zero.scalar = true;
      vec(V_IADD, &v, &zero, nullptr, out, n);
    } else if (v.scalar) {
      vec(V_COPY, &v, nullptr, nullptr, out, n);
    }
    return true;
  }
  Val v = lower_ew(k, k.nodes, k.full_shape, root, wide_out ? &out : nullptr);
  if (!wide_out) {
    store_converted(k, v);
  } else if (v.scalar) {
    if (v.repr == Repr::kF32 || k.out_dtype == DType::i32) vec(V_COPY, &v, nullptr, nullptr, out, n);
  } else if (v.s.blk != out.blk || v.s.off != out.off) {
    Val zero;
    zero.scalar = true;
    vec(V_IADD, &v, &zero, nullptr, out, n);  // an alias (e.g. a no-op cast): copy the bits
  }
  return true;
}

// ---------------------------------------------------------------- reduce

bool Lowering::run_reduce(const Kernel& k) {
  if (k.out_dtype != DType::f32) return false;
  const int root = static_cast<int>(k.nodes.size()) - 1;
  if (k.nodes[root].dtype != DType::f32 || !supported_ew(k.nodes, root)) return false;
  // Reduce axes innermost: each output is then a row of L consecutive elements.
  std::vector<KNode> nodes;
  int64_t L = 1;
  const Shape shape = cpu::reduce_innermost(k, nodes, &L);
  const int64_t rows = prod(k.out_shape);
  // Empty reductions (identity results) and rows longer than one DMA transfer: the PS.
  if (L == 0 || rows == 0 || 2 * L > kChunk) return false;  // (a row pair per command keeps outputs aligned)
  Val v = lower_ew(k, nodes, shape, root, nullptr);
  Stream in = materialize(v, rows * L);
  // Rows per command: an even count keeps every chunk's output 8-byte aligned.
  int64_t per = std::max<int64_t>(2, (kChunk / L) & ~int64_t{1});
  for (int64_t r0 = 0; r0 < rows; r0 += per) {
    const int64_t nr = std::min(per, rows - r0);
    UnitCmd c;
    c.unit = Unit::kReduce;
    c.op = k.reduce_op == Op::SUM ? 0 : 1;
    c.size[0] = static_cast<uint32_t>(nr);
    c.size[1] = static_cast<uint32_t>(L);
    c.in[0] = Stream{in.blk, in.off + 4 * static_cast<size_t>(r0 * L), 4 * static_cast<size_t>(nr * L)};
    c.out = whole(*k.bufs[0], static_cast<size_t>(r0), 4 * static_cast<size_t>(nr));
    unit(c);
  }
  return true;
}

}  // namespace tinypynq::pynq
