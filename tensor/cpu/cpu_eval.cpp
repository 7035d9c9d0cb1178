#include "tensor/cpu/cpu_eval.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

namespace tinypynq::cpu {

EvalProgram::EvalProgram(const std::vector<KNode>& nodes, const std::vector<BufferPtr>& bufs, const Shape& shape,
                         int root)
    : nodes_(nodes), root_(root < 0 ? static_cast<int>(nodes.size()) - 1 : root) {
  std::vector<bool> need(nodes.size(), false);
  need[root_] = true;
  for (int i = root_; i >= 0; --i)
    if (need[i])
      for (int s : nodes[i].src) need[s] = true;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const KNode& n = nodes[i];
    Step s{Mode::kSkip, &n, nullptr, {}};
    if (!need[i]) {
    } else if (n.op == Op::LOAD) {
      TP_ASSERT(n.st.shape() == shape, shape_str(n.st.shape()), " vs ", shape_str(shape));
      s.base = static_cast<const uint8_t*>(bufs[n.buf]->data);
      if (const View* v = strided_bottom(n.st)) {
        s.walk.emplace_back(*v);
        s.mode = s.walk[0].unit() ? Mode::kUnit : Mode::kStrided;
      } else {
        s.mode = Mode::kGeneral;
        s.gwalk.emplace_back(n.st);
      }
    } else if (n.op == Op::CONST) {
      s.mode = n.st.has_mask() ? Mode::kConstMasked : Mode::kConst;
      if (s.mode == Mode::kConstMasked) s.gwalk.emplace_back(n.st);
    } else {
      s.mode = Mode::kAlu;
    }
    steps_.push_back(std::move(s));
  }
  scratch_.resize(nodes.size() * kBlock);
  offs_.resize(kBlock);
  valid_.resize(kBlock);
  vals_.resize(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    vals_[i] = scratch_.data() + i * kBlock;
    if (steps_[i].mode != Mode::kConst) continue;  // constants are filled once, not per block
    const KNode& n = nodes[i];
    if (n.dtype == DType::f32) std::fill_n(reinterpret_cast<float*>(scratch_.data() + i * kBlock), kBlock, static_cast<float>(n.value));
    else std::fill_n(scratch_.data() + i * kBlock, kBlock, static_cast<int32_t>(n.value));
  }
}

template <typename T>
static void gather(const uint8_t* base, DType dt, const int64_t* off, int64_t n, T* out) {
  switch (dt) {
    case DType::f32: { auto p = reinterpret_cast<const float*>(base); for (int64_t i = 0; i < n; ++i) out[i] = static_cast<T>(p[off[i]]); break; }
    case DType::i32: { auto p = reinterpret_cast<const int32_t*>(base); for (int64_t i = 0; i < n; ++i) out[i] = static_cast<T>(p[off[i]]); break; }
    case DType::boolean:
    case DType::u8: for (int64_t i = 0; i < n; ++i) out[i] = static_cast<T>(base[off[i]]); break;
  }
}

void EvalProgram::load(const Step& s, int64_t start, int64_t n, void* out) {
  const KNode& node = *s.node;
  const bool f = node.dtype == DType::f32;
  if (s.mode == Mode::kUnit) {
    int64_t o = s.walk[0].offset + start;
    if (f) { std::memcpy(out, s.base + o * 4, n * 4); return; }
    if (node.dtype == DType::i32) { std::memcpy(out, s.base + o * 4, n * 4); return; }
    auto* d = static_cast<int32_t*>(out);
    for (int64_t i = 0; i < n; ++i) d[i] = s.base[o + i];
    return;
  }
  if (s.mode == Mode::kStrided) {
    if (node.dtype == DType::f32 || node.dtype == DType::i32) {
      s.walk[0].gather32(reinterpret_cast<const uint32_t*>(s.base), start, n, static_cast<uint32_t*>(out));
      return;
    }
    s.walk[0].offsets(start, n, offs_.data());
    if (f) gather(s.base, node.dtype, offs_.data(), n, static_cast<float*>(out));
    else gather(s.base, node.dtype, offs_.data(), n, static_cast<int32_t*>(out));
    return;
  }
  // General: a stack of views and/or a mask; invalid elements read 0.
  if (s.gwalk[0].single() && (node.dtype == DType::f32 || node.dtype == DType::i32)) {
    s.gwalk[0].gather32(reinterpret_cast<const uint32_t*>(s.base), start, n, static_cast<uint32_t*>(out));
    return;
  }
  s.gwalk[0].offsets(start, n, offs_.data(), valid_.data());
  for (int64_t i = 0; i < n; ++i) {
    const int64_t o = offs_[i];
    const bool valid = valid_[i];
    if (f) static_cast<float*>(out)[i] = valid ? reinterpret_cast<const float*>(s.base)[o] : 0.f;
    else if (!valid) static_cast<int32_t*>(out)[i] = 0;
    else if (node.dtype == DType::i32) static_cast<int32_t*>(out)[i] = reinterpret_cast<const int32_t*>(s.base)[o];
    else static_cast<int32_t*>(out)[i] = s.base[o];
  }
}

static inline int32_t f2i(float x) {
  // Truncate toward zero, saturating; NaN -> 0. (C leaves out-of-range casts undefined.)
  if (!(x == x)) return 0;
  if (x >= 2147483648.f) return std::numeric_limits<int32_t>::max();
  if (x <= -2147483648.f) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(x);
}

TP_CLONES static void cast_block(const void* in, DType from, void* out, DType to, int64_t n) {
  if (from == DType::f32) {
    auto a = static_cast<const float*>(in);
    auto o = static_cast<int32_t*>(out);
    if (to == DType::f32) std::memcpy(out, in, n * 4);
    else if (to == DType::boolean) for (int64_t i = 0; i < n; ++i) o[i] = a[i] != 0.f;
    else if (to == DType::u8) for (int64_t i = 0; i < n; ++i) o[i] = static_cast<uint8_t>(f2i(a[i]));
    else for (int64_t i = 0; i < n; ++i) o[i] = f2i(a[i]);
    return;
  }
  auto a = static_cast<const int32_t*>(in);
  if (to == DType::f32) {
    auto o = static_cast<float*>(out);
    for (int64_t i = 0; i < n; ++i) o[i] = static_cast<float>(a[i]);
    return;
  }
  auto o = static_cast<int32_t*>(out);
  if (to == DType::boolean) for (int64_t i = 0; i < n; ++i) o[i] = a[i] != 0;
  else if (to == DType::u8) for (int64_t i = 0; i < n; ++i) o[i] = static_cast<uint8_t>(a[i]);
  else std::memcpy(out, in, n * 4);
}

static inline float fmax_nan(float a, float b) { return (a != a || b != b) ? std::numeric_limits<float>::quiet_NaN() : (a > b ? a : b); }

TP_CLONES static void alu_f(Op op, const float* a, const float* b, const float* c, void* outv, int64_t n) {
  float* o = static_cast<float*>(outv);
  int32_t* oi = static_cast<int32_t*>(outv);
  switch (op) {
    case Op::EXP2: for (int64_t i = 0; i < n; ++i) o[i] = std::exp2(a[i]); break;
    case Op::LOG2: for (int64_t i = 0; i < n; ++i) o[i] = std::log2(a[i]); break;
    case Op::SIN: for (int64_t i = 0; i < n; ++i) o[i] = std::sin(a[i]); break;
    case Op::SQRT: for (int64_t i = 0; i < n; ++i) o[i] = std::sqrt(a[i]); break;
    case Op::RECIP: for (int64_t i = 0; i < n; ++i) o[i] = 1.f / a[i]; break;
    case Op::NEG: for (int64_t i = 0; i < n; ++i) o[i] = -a[i]; break;
    case Op::ADD: for (int64_t i = 0; i < n; ++i) o[i] = a[i] + b[i]; break;
    case Op::SUB: for (int64_t i = 0; i < n; ++i) o[i] = a[i] - b[i]; break;
    case Op::MUL: for (int64_t i = 0; i < n; ++i) o[i] = a[i] * b[i]; break;
    case Op::DIV: for (int64_t i = 0; i < n; ++i) o[i] = a[i] / b[i]; break;
    case Op::MAX: for (int64_t i = 0; i < n; ++i) o[i] = fmax_nan(a[i], b[i]); break;
    case Op::MOD: for (int64_t i = 0; i < n; ++i) o[i] = std::fmod(a[i], b[i]); break;
    case Op::CMPLT: for (int64_t i = 0; i < n; ++i) oi[i] = a[i] < b[i]; break;
    case Op::CMPEQ: for (int64_t i = 0; i < n; ++i) oi[i] = a[i] == b[i]; break;
    default: TP_ASSERT(false, "float ", op_name(op));
  }
  (void)c;
}

TP_CLONES static void alu_i(Op op, const int32_t* a, const int32_t* b, int32_t* o, int64_t n) {
  // Integer arithmetic wraps (two's complement); x / 0 and x % 0 give 0 instead of trapping.
  auto u = [](int32_t v) { return static_cast<uint32_t>(v); };
  switch (op) {
    case Op::NEG: for (int64_t i = 0; i < n; ++i) o[i] = static_cast<int32_t>(0u - u(a[i])); break;
    case Op::ADD: for (int64_t i = 0; i < n; ++i) o[i] = static_cast<int32_t>(u(a[i]) + u(b[i])); break;
    case Op::SUB: for (int64_t i = 0; i < n; ++i) o[i] = static_cast<int32_t>(u(a[i]) - u(b[i])); break;
    case Op::MUL: for (int64_t i = 0; i < n; ++i) o[i] = static_cast<int32_t>(u(a[i]) * u(b[i])); break;
    case Op::DIV:
      for (int64_t i = 0; i < n; ++i)
        o[i] = b[i] == 0 ? 0 : (b[i] == -1 ? static_cast<int32_t>(0u - u(a[i])) : a[i] / b[i]);
      break;
    case Op::MOD: for (int64_t i = 0; i < n; ++i) o[i] = (b[i] == 0 || b[i] == -1) ? 0 : a[i] % b[i]; break;
    case Op::MAX: for (int64_t i = 0; i < n; ++i) o[i] = a[i] > b[i] ? a[i] : b[i]; break;
    case Op::CMPLT: for (int64_t i = 0; i < n; ++i) o[i] = a[i] < b[i]; break;
    case Op::CMPEQ: for (int64_t i = 0; i < n; ++i) o[i] = a[i] == b[i]; break;
    default: TP_ASSERT(false, "integer ", op_name(op), " (the frontend casts to float first)");
  }
}

const void* EvalProgram::eval_block(int64_t start, int64_t n, void* root_out) {
  TP_DASSERT(n <= kBlock);
  for (size_t i = 0; i < steps_.size(); ++i) {
    const Step& s = steps_[i];
    if (s.mode == Mode::kSkip) continue;
    void* out = scratch_.data() + i * kBlock;
    if (s.mode != Mode::kConst) {
      if (root_out && static_cast<int>(i) == root_) out = root_out;
      vals_[i] = out;  // a unit load read in place overrides this below
    }
    const KNode& node = *s.node;
    const bool f = node.dtype == DType::f32;
    switch (s.mode) {
      case Mode::kUnit:
        if (itemsize(node.dtype) == 4) {  // read in place: no copy
          vals_[i] = s.base + (s.walk[0].offset + start) * 4;
          break;
        }
        [[fallthrough]];
      case Mode::kStrided:
        if (s.mode == Mode::kStrided && itemsize(node.dtype) == 4) {
          // A block inside one contiguous run (a bias gradient's 784-word rows) is read in place.
          const int64_t o = s.walk[0].run_offset(start, n);
          if (o >= 0) {
            vals_[i] = s.base + o * 4;
            break;
          }
        }
        [[fallthrough]];
      case Mode::kGeneral: load(s, start, n, out); break;
      case Mode::kConst: break;
      case Mode::kConstMasked:
        s.gwalk[0].offsets(start, n, offs_.data(), valid_.data());
        for (int64_t j = 0; j < n; ++j) {
          bool valid = valid_[j];
          if (f) static_cast<float*>(out)[j] = valid ? static_cast<float>(node.value) : 0.f;
          else static_cast<int32_t*>(out)[j] = valid ? static_cast<int32_t>(node.value) : 0;
        }
        break;
      case Mode::kAlu: {
        auto src = [&](int k) -> const void* { return vals_[node.src[k]]; };
        DType in = nodes_[node.src[0]].dtype;
        if (node.op == Op::CAST) {
          cast_block(src(0), in, out, node.dtype, n);
        } else if (node.op == Op::WHERE) {
          auto c = static_cast<const int32_t*>(src(0));
          auto a = static_cast<const int32_t*>(src(1));  // bit copies: works for float and int
          auto b = static_cast<const int32_t*>(src(2));
          auto o = static_cast<int32_t*>(out);
          for (int64_t j = 0; j < n; ++j) o[j] = c[j] ? a[j] : b[j];
        } else if (in == DType::f32) {
          alu_f(node.op, static_cast<const float*>(src(0)),
                node.src.size() > 1 ? static_cast<const float*>(src(1)) : nullptr, nullptr, out, n);
        } else {
          alu_i(node.op, static_cast<const int32_t*>(src(0)),
                node.src.size() > 1 ? static_cast<const int32_t*>(src(1)) : nullptr, static_cast<int32_t*>(out), n);
        }
        break;
      }
      case Mode::kSkip: break;
    }
  }
  return vals_[root_];
}

void store_values(const void* vals, DType from, void* dst, DType to, int64_t n) {
  if (to == DType::f32 || to == DType::i32) {
    std::memcpy(dst, vals, n * 4);
    return;
  }
  (void)from;
  auto v = static_cast<const int32_t*>(vals);
  auto d = static_cast<uint8_t*>(dst);
  for (int64_t i = 0; i < n; ++i) d[i] = static_cast<uint8_t>(v[i]);
}

}  // namespace tinypynq::cpu
