// Lowering scheduled kernels to PL programs (docs/pynq-runtime.md): elementwise DAGs and
// reduces here, matmul-shaped kernels in lower_matmul.cpp.
#include "runtime/pynq/lower.h"

#include <algorithm>
#include <cmath>
#include <bit>
#include <numeric>
#include <sstream>

#include "base/check.h"
#include "models/fp/view_writer.h"
#include "runtime/pynq/regmap.h"
#include "runtime/pynq/view_desc.h"

namespace tinypynq::pynq {

using namespace reg;

namespace {
// Largest even element count of one DMA transfer: chunks stay 8-byte aligned (DRE off).
constexpr int64_t kChunk = (kMaxElems / 2) * 2;
constexpr uint32_t kPlTrue = 0x3F80'0000;

uint32_t fbits(float f) { return std::bit_cast<uint32_t>(f); }
bool from_u8(DType d) { return d == DType::u8; }
}  // namespace

std::optional<Program> lower(const Kernel& k, const BoardConfig& cfg) { return ProgramBuilder(k, cfg).build(); }

ProgramBuilder::ProgramBuilder(const Kernel& k, const BoardConfig& cfg) : k_(k), cfg_(cfg) {
  canon_.resize(k.bufs.size());
  for (size_t i = 0; i < k.bufs.size(); ++i) {
    canon_[i] = static_cast<int>(i);
    for (size_t j = 0; j < i; ++j)
      if (k.bufs[j] == k.bufs[i] || (k.bufs[j]->owner && k.bufs[j]->owner == k.bufs[i]->owner)) {
        canon_[i] = static_cast<int>(j);
        break;
      }
  }
  p_.kernel = k.name();
}

std::optional<Program> ProgramBuilder::build() {
  bool ok;
  if (!k_.is_reduce()) ok = elementwise();
  else ok = matmul() || reduce();
  if (!ok) return std::nullopt;
  return std::move(p_);
}

MemRef ProgramBuilder::temp(size_t bytes) {
  p_.temps.push_back(std::max<size_t>(bytes, 8));
  return MemRef{MemRef::kTemp, static_cast<int>(p_.temps.size()) - 1, 0, bytes};
}

MemRef ProgramBuilder::whole(int buf, size_t elem_off, size_t bytes) const {
  return MemRef{MemRef::kKernel, canon_[buf], elem_off * itemsize(k_.bufs[buf]->dtype), bytes};
}

// One vector command per chunk of at most kChunk elements; scalar operands go to registers.
void ProgramBuilder::vec(uint32_t op, const Val* a, const Val* b, const Val* c, const MemRef& out, int64_t n) {
  const Val* ops[3] = {a, b, c};
  for (int64_t s = 0; s < n; s += kChunk) {
    const int64_t len = std::min(kChunk, n - s);
    const size_t bytes = 4 * static_cast<size_t>(len);
    Command cmd;
    cmd.unit = Unit::kVector;
    cmd.op = op;
    cmd.size[0] = static_cast<uint32_t>(len);
    for (int i = 0; i < 3; ++i) {
      if (!ops[i]) continue;
      if (ops[i]->scalar) {
        cmd.op |= VEC_A_SCALAR << i;
        cmd.scalar[i] = ops[i]->bits;
        cmd.scalar_slot[i] = ops[i]->slot;
      } else if (i == 2 && !cfg_.stream_c()) {
        TP_ASSERT(false, "pynq lowering: operand C of ", k_.name(), " is a stream on a PL without stream C");
      } else if (ops[i]->view) {  // one command: load() keeps views within one stream
        TP_ASSERT(len == n && ops[i]->view->elems() == static_cast<uint64_t>(n), "pynq lowering: a view of ",
                  ops[i]->view->elems(), " elements in a ", n, "-element vector command");
        cmd.in[i] = ops[i]->s;
        cmd.view[i] = ops[i]->view;
      } else {
        cmd.in[i] = ops[i]->s.at(4 * static_cast<size_t>(s), bytes);
      }
    }
    cmd.out = out.at(4 * static_cast<size_t>(s), bytes);
    step(cmd);
  }
}

// ---------------------------------------------------------------- elementwise graphs

// The vector opcode of an SFU op (f32 operands).
uint32_t ProgramBuilder::sfu_opcode(Op op) {
  switch (op) {
    case Op::EXP2: return V_EXP2;
    case Op::LOG2: return V_LOG2;
    case Op::SIN: return V_SIN;
    case Op::SQRT: return V_SQRT;
    case Op::RECIP: return V_RECIP;
    case Op::DIV: return V_DIV;
    case Op::MOD: return V_MOD;
    default: TP_ASSERT(false, "pynq lowering: ", op_name(op), " is not an SFU op");
  }
  return 0;
}

bool ProgramBuilder::supported_ew(const std::vector<KNode>& nodes, int root) const {
  std::vector<char> need(nodes.size(), 0);
  need[root] = 1;
  for (int i = root; i >= 0; --i) {
    if (!need[i]) continue;
    const KNode& n = nodes[i];
    for (int s : n.src) need[s] = 1;
    if (n.op == Op::LOAD || n.op == Op::CONST) continue;
    const DType in = nodes[n.src[0]].dtype;
    const bool f = in == DType::f32, b = in == DType::boolean;
    switch (n.op) {
      case Op::EXP2: case Op::LOG2: case Op::SIN: case Op::SQRT: case Op::RECIP: case Op::DIV: case Op::MOD:
        // f32 only; and this PL must have the op's SFU datapath (the vec_sfu_* keys): a PL built
        // without it rejects the opcode (BAD_OP), so the kernel runs on the PS.
        if (!f || !cfg_.vec_opcode_built(sfu_opcode(n.op))) return false;
        break;
      case Op::NEG: case Op::ADD: case Op::SUB: case Op::MUL:
        if (b || from_u8(in)) return false;
        break;
      case Op::MAX: case Op::CMPLT: case Op::CMPEQ:
        if (from_u8(in)) return false;
        break;
      case Op::WHERE:
        if (from_u8(nodes[n.src[1]].dtype)) return false;
        // a PL without stream C (vr_stream_c = 0) takes the false value only as SCALAR_C: an
        // unmasked constant (anything else would be a stream, BAD_OP there): else the PS runs it
        if (!cfg_.stream_c() && !(nodes[n.src[2]].op == Op::CONST && !nodes[n.src[2]].st.has_mask())) return false;
        break;
      case Op::CAST:
        if (n.dtype == DType::u8 || from_u8(in)) return false;  // wrap-around casts stay on the PS
        break;
      default: return false;
    }
  }
  return true;
}

std::string ProgramBuilder::reader_slower(const pl::ViewDesc& d) const {
  // The reader's extra time: each line fill holds the HP port for 16 beats (a cycle each at
  // f_PL), against the unit's 2 elements per cycle that a contiguous stream keeps up with.
  // The PS's: the pack (8 bytes moved per element, the cost table's memcpy rate) and the
  // clean of the packed temp. Latency is hidden by the reader's 4 fills in flight.
  const double n = static_cast<double>(d.elems()), fills = fills_per_element(d) * n;
  const double reader_s = std::max(0.0, 16.0 * fills - n / 2) / cfg_.pl_clock_hz;
  const double ps_s = 8 * n / cfg_.a9_memcpy_bytes_per_s + 4 * n / cfg_.cache_flush_bytes_per_s;
  if (reader_s <= ps_s) return "";
  std::ostringstream o;
  o.precision(3);
  o << "the reader would fetch " << fills / n << " lines per element (" << reader_s * 1e6
    << " us beyond the unit's rate; the PS packs it in " << ps_s * 1e6 << " us)";
  return o.str();
}

double ProgramBuilder::writer_extra_seconds(const pl::ViewDesc& d, int readers) const {
  // The view writer's time beyond one beat per cycle (the unit's output rate), from the write
  // plan (pl::plan_write) of the tile with a producer that keeps pace and the HP port's rate
  // when `readers` view readers stream at the same time (the bus model's equal DDR share,
  // ps7.cpp); a large tile is judged by a prefix of its outer dimension (~64K elements), scaled.
  pl::ViewDesc p = d;
  double scale = 1;
  const uint64_t n = d.elems(), kPrefix = 1 << 16;
  if (n > kPrefix && d.shape[0] > 1) {
    p.shape[0] = static_cast<uint32_t>(std::max<uint64_t>(1, d.shape[0] * kPrefix / n));
    p.mhi[0] = std::min(p.mhi[0], p.shape[0]);
    p.mlo[0] = std::min(p.mlo[0], p.mhi[0]);
    scale = static_cast<double>(n) / static_cast<double>(p.elems());
  }
  std::vector<uint64_t> h((p.elems() + 1) / 2);
  for (uint64_t j = 0; j < h.size(); ++j) h[j] = pl::write_ready(p, 0, j);
  const uint64_t lat = static_cast<uint64_t>(std::ceil(cfg_.ddr_write_latency_ns * 1e-9 * cfg_.pl_clock_hz));
  const double port_bpc = cfg_.hp_data_bytes * cfg_.hp_clock_hz / cfg_.pl_clock_hz;
  const double ddr_bpc = cfg_.ddr_peak_bytes_per_s * cfg_.ddr_efficiency / cfg_.pl_clock_hz / (1 + readers);
  const double cpb = std::max(1.0, 8.0 / std::min(port_bpc, ddr_bpc));
  const pl::WritePlan w = pl::plan_write(p, 0, h, {lat, static_cast<uint32_t>(std::ceil(cpb * 1000.0))});
  const double extra = static_cast<double>(w.done - h.back());
  return std::max(0.0, extra) * scale / cfg_.pl_clock_hz;
}

void ProgramBuilder::packed_on_ps(const std::string& what, const std::string& why) {
  if (v2()) p_.ps_packed.push_back(what + ": " + why);
}

ProgramBuilder::Val ProgramBuilder::pack(const std::vector<KNode>& nodes, int set, const Shape& shape, int i) {
  // The PS evaluates the view (gather, padding, uint8/bool widening) into a DMA-able buffer.
  const DType dt = nodes[i].dtype;
  Val v;
  v.s = temp(4 * static_cast<size_t>(prod(shape)));
  v.repr = dt == DType::f32 ? Repr::kF32 : dt == DType::boolean ? Repr::kBool : Repr::kI32;
  step(Pack{set, shape, i, dt, v.s});
  return v;
}

ProgramBuilder::Val ProgramBuilder::load(const std::vector<KNode>& nodes, int set, const Shape& shape, int i) {
  const KNode& n = nodes[i];
  Val v;
  v.repr = n.dtype == DType::f32 ? Repr::kF32 : n.dtype == DType::boolean ? Repr::kBool : Repr::kI32;
  if (n.op == Op::CONST) {
    if (n.st.has_mask()) {
      packed_on_ps("n" + std::to_string(i) + " (a masked constant)", "no buffer for a reader to read");
      return pack(nodes, set, shape, i);
    }
    v.scalar = true;
    v.bits = n.dtype == DType::f32       ? fbits(static_cast<float>(n.value))
             : n.dtype == DType::boolean ? (n.value != 0 ? kPlTrue : 0)
                                         : static_cast<uint32_t>(static_cast<int32_t>(n.value));
    return v;
  }
  const Buffer& b = *k_.bufs[n.buf];
  if (n.st.single_strided()) {
    const View& view = n.st.top();
    bool broadcast = true, dense = true;
    const Shape want = contiguous_strides(shape);
    for (size_t d = 0; d < shape.size(); ++d) {
      if (shape[d] == 1) continue;
      broadcast &= view.strides[d] == 0;
      dense &= view.strides[d] == want[d];
    }
    if (broadcast) {  // one element for everything: the PS reads it once, a register carries it
      v.scalar = true;
      v.slot = p_.scalar_slots++;
      step(ReadScalar{v.slot, n.buf, view.offset, b.dtype, n.dtype});
      return v;
    }
    if (dense && itemsize(b.dtype) == 4 && (view.offset * 4) % 8 == 0) {
      v.s = whole(n.buf, static_cast<size_t>(view.offset), 4 * static_cast<size_t>(prod(shape)));
      return v;
    }
  }
  if (v2()) {  // the view reader walks the view itself (docs/pl-v2.md): no PS pack
    const std::string what = "n" + std::to_string(i) + " (buf" + std::to_string(n.buf) + ")";
    const int64_t elems = prod(shape);
    ViewDescResult r = describe_view(n.st, b.dtype);
    if (r.desc && elems > kChunk / 4) r = {std::nullopt, std::to_string(elems) + " elements: more than one stream"};
    // Reading the output's own buffer in another order while S2MM writes it would race.
    if (r.desc && canon_[n.buf] == canon_[0]) r = {std::nullopt, "a view of the kernel's output buffer"};
    if (r.desc)
      if (std::string t = reader_slower(*r.desc); !t.empty()) {
        if (std::optional<Val> dv = deinterleaved(nodes, i, *r.desc, shape)) return *dv;
        r = {std::nullopt, t};
      }
    if (r.desc) {
      v.s = whole(n.buf, 0, b.nbytes());
      v.view = r.desc;
      return v;
    }
    packed_on_ps(what, r.why);
  }
  return pack(nodes, set, shape, i);
}

std::optional<ProgramBuilder::Val> ProgramBuilder::deinterleaved(const std::vector<KNode>& nodes, int i,
                                                                  const pl::ViewDesc& d, const Shape& shape) {
  // Every stride of the view a multiple of s (the col2im views of a conv's input gradient:
  // stride 9 into the (N, C, OH, OW, 3, 3) column buffer): the view reads one plane of the
  // buffer de-interleaved by s, P_r[j] = buf[j * s + r]. One vector copy (IADD 0, bit-exact)
  // reads the buffer contiguously and writes the s planes through VW (s lines in the write
  // buffer per step, full bursts); each such view then reads its plane at unit stride/s.
  const KNode& n = nodes[i];
  const Buffer& b = *k_.bufs[n.buf];
  if (itemsize(b.dtype) != 4) return std::nullopt;
  int64_t s = 0;
  for (unsigned k = 0; k < d.rank; ++k)
    if (d.shape[k] > 1) s = std::gcd(s, static_cast<int64_t>(d.stride[k] < 0 ? -int64_t{d.stride[k]} : d.stride[k]));
  const int64_t S = static_cast<int64_t>(b.nbytes() / 4);
  if (s < 2 || s > static_cast<int64_t>(pl::vw::kLines) / 2 || S % s || S > kChunk) return std::nullopt;
  const int64_t P = S / s, r = ((d.offset % s) + s) % s;
  pl::ViewDesc v = d;
  v.offset = r * P + (d.offset - r) / s;
  for (unsigned k = 0; k < v.rank; ++k) v.stride[k] = static_cast<int32_t>(d.stride[k] / s);
  if (!reader_slower(v).empty()) return std::nullopt;
  pl::ViewDesc w;  // the copy's result: element (j, r) of buf viewed (P, s) to word r * P + j
  w.rank = 2, w.shape[0] = static_cast<uint32_t>(P), w.shape[1] = static_cast<uint32_t>(s);
  w.stride[0] = 1, w.stride[1] = static_cast<int32_t>(P);
  w.full_mask();
  const std::pair<int, int64_t> key{canon_[n.buf], s};
  auto it = deint_.find(key);
  if (it == deint_.end()) {
    // Worth it when the views of this buffer the kernel reads cost the PS more to pack than
    // the copy costs the PL (its S / 2 cycles and the writer's extra time).
    int views = 0;
    for (const KNode& x : nodes)
      views += x.op == Op::LOAD && canon_[x.buf] == canon_[n.buf];
    const double e = static_cast<double>(prod(shape));
    const double ps_s = views * (8 * e / cfg_.a9_memcpy_bytes_per_s + 4 * e / cfg_.cache_flush_bytes_per_s);
    const double pl_s = static_cast<double>(S) / 2 / cfg_.pl_clock_hz + writer_extra_seconds(w, 1);
    if (!(pl_s < ps_s)) return std::nullopt;
    Command c;
    c.unit = Unit::kVector;
    c.op = V_IADD | (VEC_A_SCALAR << 1);  // + 0 (B a scalar): the words unchanged
    c.size[0] = static_cast<uint32_t>(S);
    c.in[0] = whole(n.buf, 0, 4 * static_cast<size_t>(S));
    c.out = temp(4 * static_cast<size_t>(S));
    c.out_view = w;
    step(c);
    it = deint_.emplace(key, c.out).first;
  }
  Val out;
  out.repr = n.dtype == DType::f32 ? Repr::kF32 : n.dtype == DType::boolean ? Repr::kBool : Repr::kI32;
  out.s = it->second;
  out.view = v;
  return out;
}

MemRef ProgramBuilder::materialize(const Val& v, int64_t n) {
  if (!v.scalar) return v.s;
  MemRef s = temp(4 * static_cast<size_t>(n));
  vec(V_COPY, &v, nullptr, nullptr, s, n);  // a fill: every operand scalar
  return s;
}

ProgramBuilder::Val ProgramBuilder::lower_ew(const std::vector<KNode>& nodes, int set, const Shape& shape, int root,
                                             const MemRef* dst) {
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
      val[i] = load(nodes, set, shape, i);
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
      case Op::EXP2: case Op::LOG2: case Op::SIN: case Op::SQRT: case Op::RECIP: case Op::DIV: case Op::MOD:
        op = sfu_opcode(nd.op);
        break;
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
                        ((out == Repr::kF32 && k_.out_dtype == DType::f32) ||
                         (out == Repr::kI32 && k_.out_dtype == DType::i32));
    r.s = direct ? *dst : temp(4 * static_cast<size_t>(n));
    vec(op, &a, b, c, r.s, n);
    val[i] = r;
  }
  return val[root];
}

void ProgramBuilder::narrow(const Val& v) {
  step(Narrow{v.s, v.scalar, v.bits, v.repr == Repr::kI32, prod(k_.out_shape), v.slot});
}

bool ProgramBuilder::elementwise() {
  const int root = static_cast<int>(k_.nodes.size()) - 1;
  if (prod(k_.full_shape) == 0) return true;  // nothing to compute: an empty program
  if (!supported_ew(k_.nodes, root)) return false;
  const int64_t n = prod(k_.full_shape);
  const KNode& r = k_.nodes[root];
  const bool wide_out = k_.out_dtype == DType::f32 || k_.out_dtype == DType::i32;
  const MemRef out = whole(0, 0, 4 * static_cast<size_t>(n));
  Val zero;
  zero.scalar = true;
  if (wide_out && r.op == Op::LOAD) {
    // A copy: the PS packs views; dense data moves through the PL bit-exactly (IADD 0).
    Val v = load(k_.nodes, -1, k_.full_shape, root);
    if (!v.scalar && (v.view || !v.s.same_block(out))) vec(V_IADD, &v, &zero, nullptr, out, n);
    else if (v.scalar) vec(V_COPY, &v, nullptr, nullptr, out, n);
    return true;
  }
  Val v = lower_ew(k_.nodes, -1, k_.full_shape, root, wide_out ? &out : nullptr);
  if (!wide_out) {
    narrow(v);
  } else if (v.scalar) {
    if (v.repr == Repr::kF32 || k_.out_dtype == DType::i32) vec(V_COPY, &v, nullptr, nullptr, out, n);
  } else if (v.view || !v.s.same_block(out) || v.s.off != out.off) {
    vec(V_IADD, &v, &zero, nullptr, out, n);  // an alias (e.g. a no-op cast): copy the bits
  }
  return true;
}

// ---------------------------------------------------------------- reduce

bool ProgramBuilder::reduce() {
  // a PL built without the reduce unit (reduce_unit = 0) rejects RED STARTs: the PS reduces
  if (k_.out_dtype != DType::f32 || !cfg_.reduce_unit) return false;
  const int root = static_cast<int>(k_.nodes.size()) - 1;
  if (k_.nodes[root].dtype != DType::f32 || !supported_ew(k_.nodes, root)) return false;
  // Reduce axes innermost: each output is then a row of L consecutive elements.
  std::vector<KNode> nodes;
  int64_t L = 1;
  const Shape shape = analysis::reduce_innermost(k_, nodes, &L);
  const int64_t rows = prod(k_.out_shape);
  // Empty reductions (identity results) and rows longer than one DMA transfer: the PS.
  if (L == 0 || rows == 0 || 2 * L > kChunk) return false;  // (a row pair per command keeps outputs aligned)
  p_.node_sets.push_back(nodes);
  const int set = static_cast<int>(p_.node_sets.size()) - 1;
  Val v = lower_ew(p_.node_sets[set], set, shape, root, nullptr);
  const MemRef in = materialize(v, rows * L);
  // Rows per command: an even count keeps every chunk's output 8-byte aligned.
  const int64_t per = std::max<int64_t>(2, (kChunk / L) & ~int64_t{1});
  // A view (pl_version 2) is read whole by one command: load() keeps it within kChunk / 4.
  TP_ASSERT(!v.view || rows <= per, "pynq lowering: a reduce over a view in more than one command");
  for (int64_t r0 = 0; r0 < rows; r0 += per) {
    const int64_t nr = std::min(per, rows - r0);
    Command c;
    c.unit = Unit::kReduce;
    c.op = k_.reduce_op == Op::SUM ? 0 : 1;
    c.size[0] = static_cast<uint32_t>(nr);
    c.size[1] = static_cast<uint32_t>(L);
    c.in[0] = v.view ? in : in.at(4 * static_cast<size_t>(r0 * L), 4 * static_cast<size_t>(nr * L));
    c.view[0] = v.view;
    c.out = whole(0, static_cast<size_t>(r0), 4 * static_cast<size_t>(nr));
    step(c);
  }
  return true;
}

}  // namespace tinypynq::pynq
