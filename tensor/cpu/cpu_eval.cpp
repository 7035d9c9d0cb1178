#include "tensor/cpu/cpu_eval.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

namespace tinypynq::cpu {

StridedWalk::StridedWalk(const View& v) : StridedWalk(v.shape, v.strides, v.offset) {}

StridedWalk::StridedWalk(const Shape& shape, const Shape& strides, int64_t off) : offset(off) {
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 1) continue;
    if (!size.empty() && stride.back() == strides[i] * shape[i]) {
      size.back() *= shape[i];
      stride.back() = strides[i];
    } else {
      size.push_back(shape[i]);
      stride.push_back(strides[i]);
    }
  }
  if (size.empty()) size.push_back(1), stride.push_back(1);
}

void StridedWalk::offsets(int64_t start, int64_t n, int64_t* out) const {
  const size_t L = size.size() - 1;
  int64_t idx[16];
  TP_ASSERT(size.size() <= 16);
  int64_t cur = offset, rem = start;
  for (size_t d = L + 1; d-- > 0;) {
    idx[d] = rem % size[d];
    rem /= size[d];
    cur += idx[d] * stride[d];
  }
  const int64_t s = stride[L];
  int64_t k = 0;
  while (k < n) {
    int64_t run = std::min(n - k, size[L] - idx[L]);
    for (int64_t r = 0; r < run; ++r) out[k + r] = cur + r * s;
    k += run;
    cur += run * s;
    idx[L] += run;
    if (idx[L] == size[L]) {
      idx[L] = 0;
      cur -= size[L] * s;
      for (size_t d = L; d-- > 0;) {
        cur += stride[d];
        if (++idx[d] < size[d]) break;
        idx[d] = 0;
        cur -= size[d] * stride[d];
      }
    }
  }
}

int64_t StridedWalk::run_offset(int64_t start, int64_t n) const {
  const size_t L = size.size() - 1;
  if (stride[L] != 1 || size[L] < n) return -1;
  int64_t cur = offset, rem = start;
  const int64_t i = rem % size[L];
  if (i + n > size[L]) return -1;
  cur += i, rem /= size[L];
  for (size_t d = L; d-- > 0;) cur += (rem % size[d]) * stride[d], rem /= size[d];
  return cur;
}

void StridedWalk::gather32(const uint32_t* base, int64_t start, int64_t n, uint32_t* out) const {
  const size_t L = size.size() - 1;
  int64_t idx[16];
  TP_ASSERT(size.size() <= 16);
  int64_t cur = offset, rem = start;
  for (size_t d = L + 1; d-- > 0;) {
    idx[d] = rem % size[d];
    rem /= size[d];
    cur += idx[d] * stride[d];
  }
  const int64_t s = stride[L];
  int64_t k = 0;
  // Short innermost runs (pooling windows: 2, conv rows: 3): whole rows of the two innermost
  // dims at once, with the inner length a compile-time constant.
  // W, H and a unit innermost stride are compile-time where they are common (2x2 and 3x3
  // windows), so that a window row is one or two plain moves rather than a loop.
  using I2 = std::integral_constant<int64_t, 2>;
  using I3 = std::integral_constant<int64_t, 3>;
  using I4 = std::integral_constant<int64_t, 4>;
  using I0 = std::integral_constant<int64_t, 0>;  // H known at run time only
  auto rows2d = [&](auto width, auto unit) {
    constexpr int64_t W = decltype(width)::value;
    constexpr bool U = decltype(unit)::value;
    const int64_t rows = std::min(size[L - 1] - idx[L - 1], (n - k) / W);
    const int64_t s1 = stride[L - 1];
    for (int64_t r = 0; r < rows; ++r) {
      const uint32_t* src = base + cur + r * s1;
      uint32_t* dst = out + k + r * W;
      for (int64_t j = 0; j < W; ++j) dst[j] = src[U ? j : j * s];
    }
    return rows;
  };
  // Whole planes of the three innermost dims when the two inner ones are small (a 2x2 pooling
  // window, a 3x3 conv window): one loop nest per run of planes, not one odometer step per row.
  auto planes3d = [&](auto width, auto height, auto unit) {
    constexpr int64_t W = decltype(width)::value, HC = decltype(height)::value;
    constexpr bool U = decltype(unit)::value;
    const int64_t H = HC ? HC : size[L - 1], plane = W * H;
    const int64_t planes = std::min(size[L - 2] - idx[L - 2], (n - k) / plane);
    const int64_t s1 = stride[L - 1], s2 = stride[L - 2];
    for (int64_t p = 0; p < planes; ++p)
      for (int64_t r = 0; r < H; ++r) {
        const uint32_t* src = base + cur + p * s2 + r * s1;
        uint32_t* dst = out + k + p * plane + r * W;
        for (int64_t j = 0; j < W; ++j) dst[j] = src[U ? j : j * s];
      }
    return planes;
  };
  auto planes_any = [&](auto unit) {
    const int64_t w = size[L], h = size[L - 1];
    if (w == 2) return h == 2 ? planes3d(I2{}, I2{}, unit) : planes3d(I2{}, I0{}, unit);
    if (w == 3) return h == 3 ? planes3d(I3{}, I3{}, unit) : planes3d(I3{}, I0{}, unit);
    return planes3d(I4{}, I0{}, unit);
  };
  auto rows_any = [&](auto unit) {
    const int64_t w = size[L];
    return w == 2 ? rows2d(I2{}, unit) : w == 3 ? rows2d(I3{}, unit) : rows2d(I4{}, unit);
  };
  using Yes = std::true_type;
  using No = std::false_type;
  while (k < n) {
    if (L >= 2 && idx[L] == 0 && idx[L - 1] == 0 && size[L] <= 4 && size[L] >= 2 && size[L - 1] <= 8) {
      const int64_t planes = s == 1 ? planes_any(Yes{}) : planes_any(No{});
      if (planes > 0) {
        k += planes * size[L] * size[L - 1];
        cur += planes * stride[L - 2];
        idx[L - 2] += planes;
        if (idx[L - 2] == size[L - 2]) {
          idx[L - 2] = 0;
          cur -= size[L - 2] * stride[L - 2];
          for (size_t d = L - 2; d-- > 0;) {
            cur += stride[d];
            if (++idx[d] < size[d]) break;
            idx[d] = 0;
            cur -= size[d] * stride[d];
          }
        }
        continue;
      }
    }
    if (L >= 1 && idx[L] == 0 && size[L] <= 4 && size[L] >= 2) {
      const int64_t rows = s == 1 ? rows_any(Yes{}) : rows_any(No{});
      if (rows > 0) {
        k += rows * size[L];
        cur += rows * stride[L - 1];
        idx[L - 1] += rows;
        if (idx[L - 1] == size[L - 1]) {
          idx[L - 1] = 0;
          cur -= size[L - 1] * stride[L - 1];
          for (size_t d = L - 1; d-- > 0;) {
            cur += stride[d];
            if (++idx[d] < size[d]) break;
            idx[d] = 0;
            cur -= size[d] * stride[d];
          }
        }
        continue;
      }
    }
    if (L >= 1 && s == 1 && idx[L] == 0 && size[L] <= 64) {
      // Short contiguous rows (im2col: 14-word rows of a padded map): whole rows of the two
      // innermost dims, each copied inline in 4-word pieces (a memcpy call and an odometer
      // step per row cost more than the row).
      const int64_t W = size[L], s1 = stride[L - 1];
      const int64_t rows = std::min(size[L - 1] - idx[L - 1], (n - k) / W);
      if (rows > 0) {
        for (int64_t r = 0; r < rows; ++r) {
          const uint32_t* src = base + cur + r * s1;
          uint32_t* dst = out + k + r * W;
          int64_t j = 0;
          for (; j + 4 <= W; j += 4) std::memcpy(dst + j, src + j, 16);
          for (; j < W; ++j) dst[j] = src[j];
        }
        k += rows * W;
        cur += rows * s1;
        idx[L - 1] += rows;
        if (idx[L - 1] == size[L - 1]) {
          idx[L - 1] = 0;
          cur -= size[L - 1] * s1;
          for (size_t d = L - 1; d-- > 0;) {
            cur += stride[d];
            if (++idx[d] < size[d]) break;
            idx[d] = 0;
            cur -= size[d] * stride[d];
          }
        }
        continue;
      }
    }
    const int64_t run = std::min(n - k, size[L] - idx[L]);
    const uint32_t* src = base + cur;
    uint32_t* dst = out + k;
    if (s == 1) std::memcpy(dst, src, run * 4);
    else if (s == 0) std::fill_n(dst, run, *src);
    else for (int64_t r = 0; r < run; ++r) dst[r] = src[r * s];
    k += run;
    cur += run * s;
    idx[L] += run;
    if (idx[L] == size[L]) {
      idx[L] = 0;
      cur -= size[L] * s;
      for (size_t d = L; d-- > 0;) {
        cur += stride[d];
        if (++idx[d] < size[d]) break;
        idx[d] = 0;
        cur -= size[d] * stride[d];
      }
    }
  }
}

GeneralWalk::GeneralWalk(const ShapeTracker& st) {
  auto dims_of = [](const View& v) {
    std::vector<Dim> d;
    for (size_t i = 0; i < v.shape.size(); ++i) {
      auto m = v.mask.empty() ? std::pair<int64_t, int64_t>{0, v.shape[i]} : v.mask[i];
      d.push_back({v.shape[i], v.strides[i], m.first, m.second});
    }
    if (d.empty()) d.push_back({1, 0, 0, 1});
    return d;
  };
  const auto& vs = st.views();
  top_ = dims_of(vs.back());
  top_offset_ = vs.back().offset;
  top_masked_ = !vs.back().mask.empty();
  for (size_t i = vs.size() - 1; i-- > 0;) {
    const View& v = vs[i];
    lower_.push_back({dims_of(v), v.offset, !v.mask.empty(), prod(v.shape) < (int64_t{1} << 31)});
  }
}

void GeneralWalk::offsets(int64_t start, int64_t n, int64_t* out, uint8_t* valid) const {
  const size_t nd = top_.size();
  int64_t idx[24];
  TP_ASSERT(nd <= 24);
  int64_t cur = top_offset_, rem = start;
  for (size_t d = nd; d-- > 0;) {
    idx[d] = rem % top_[d].size;
    rem /= top_[d].size;
    cur += idx[d] * top_[d].stride;
  }
  if (lower_.empty()) {
    // One masked view (padding, conv windows): along the innermost dim the outer dims'
    // validity is constant, so it is tested once per run instead of once per element.
    const size_t L = nd - 1;
    const Dim& in = top_[L];
    int64_t k = 0;
    while (k < n) {
      const int64_t run = std::min(n - k, in.size - idx[L]);
      bool outer = true;
      for (size_t d = 0; d < L; ++d) outer &= idx[d] >= top_[d].lo && idx[d] < top_[d].hi;
      const int64_t lo = outer ? std::max<int64_t>(in.lo - idx[L], 0) : run;
      const int64_t hi = outer ? std::min<int64_t>(in.hi - idx[L], run) : run;
      for (int64_t r = 0; r < run; ++r) {
        const bool ok = r >= lo && r < hi;
        out[k + r] = ok ? cur + r * in.stride : 0;
        valid[k + r] = ok;
      }
      k += run;
      cur += run * in.stride;
      idx[L] += run;
      if (idx[L] == in.size) {
        idx[L] = 0;
        cur -= in.size * in.stride;
        for (size_t d = L; d-- > 0;) {
          cur += top_[d].stride;
          if (++idx[d] < top_[d].size) break;
          idx[d] = 0;
          cur -= top_[d].size * top_[d].stride;
        }
      }
    }
    return;
  }
  for (int64_t k = 0; k < n; ++k) {
    bool ok = true;
    if (top_masked_)
      for (size_t d = 0; d < nd; ++d) ok &= idx[d] >= top_[d].lo && idx[d] < top_[d].hi;
    int64_t flat = cur;
    for (const Lower& l : lower_) {
      if (!ok) break;
      int64_t off = l.offset;
      if (l.small) {
        uint32_t r = static_cast<uint32_t>(flat);
        for (size_t d = l.dims.size(); d-- > 0;) {
          const Dim& dm = l.dims[d];
          uint32_t sz = static_cast<uint32_t>(dm.size), i = r % sz;
          r /= sz;
          ok &= !l.masked || (i >= dm.lo && i < dm.hi);
          off += static_cast<int64_t>(i) * dm.stride;
        }
      } else {
        int64_t r = flat;
        for (size_t d = l.dims.size(); d-- > 0;) {
          const Dim& dm = l.dims[d];
          int64_t i = r % dm.size;
          r /= dm.size;
          ok &= !l.masked || (i >= dm.lo && i < dm.hi);
          off += i * dm.stride;
        }
      }
      flat = off;
    }
    out[k] = ok ? flat : 0;
    valid[k] = ok;
    // advance the top odometer
    size_t d = nd - 1;
    cur += top_[d].stride;
    while (++idx[d] == top_[d].size && d > 0) {
      cur -= top_[d].size * top_[d].stride;
      idx[d] = 0;
      --d;
      cur += top_[d].stride;
    }
  }
}

void GeneralWalk::gather32(const uint32_t* base, int64_t start, int64_t n, uint32_t* out) const {
  // One masked view (a padded gradient slice, col2im): per innermost run, zeros outside the
  // mask's valid range and a strided copy inside; the same words the offsets path reads.
  TP_DASSERT(lower_.empty());
  const size_t nd = top_.size(), L = nd - 1;
  int64_t idx[24];
  TP_ASSERT(nd <= 24);
  int64_t cur = top_offset_, rem = start;
  for (size_t d = nd; d-- > 0;) {
    idx[d] = rem % top_[d].size;
    rem /= top_[d].size;
    cur += idx[d] * top_[d].stride;
  }
  const Dim& in = top_[L];
  int64_t k = 0;
  while (k < n) {
    const int64_t run = std::min(n - k, in.size - idx[L]);
    bool outer = true;
    for (size_t d = 0; d < L; ++d) outer &= idx[d] >= top_[d].lo && idx[d] < top_[d].hi;
    const int64_t lo = outer ? std::clamp<int64_t>(in.lo - idx[L], 0, run) : run;
    const int64_t hi = outer ? std::clamp<int64_t>(in.hi - idx[L], lo, run) : run;
    uint32_t* dst = out + k;
    std::fill(dst, dst + lo, 0u);
    const uint32_t* src = base + cur;
    if (in.stride == 1) std::memcpy(dst + lo, src + lo, 4 * static_cast<size_t>(hi - lo));
    else for (int64_t r = lo; r < hi; ++r) dst[r] = src[r * in.stride];
    std::fill(dst + hi, dst + run, 0u);
    k += run;
    cur += run * in.stride;
    idx[L] += run;
    if (idx[L] == in.size) {
      idx[L] = 0;
      cur -= in.size * in.stride;
      for (size_t d = L; d-- > 0;) {
        cur += top_[d].stride;
        if (++idx[d] < top_[d].size) break;
        idx[d] = 0;
        cur -= top_[d].size * top_[d].stride;
      }
    }
  }
}

// The one strided view that a tracker's offsets come from, if there is one: a single unmasked
// view, or a stack whose upper views are all plain row-major reshapes (flat index in, the same
// flat index out) over an unmasked bottom view, such as a pooling gradient read back in the
// input's shape. Null when the stack needs the general walk.
const View* strided_bottom(const ShapeTracker& st) {
  const auto& vs = st.views();
  if (!vs[0].mask.empty()) return nullptr;
  for (size_t i = 1; i < vs.size(); ++i)
    if (!vs[i].contiguous()) return nullptr;
  return &vs[0];
}

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
