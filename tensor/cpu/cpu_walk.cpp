// The cpu interpreter's view walks (internal): offsets and 4-byte gathers of strided and
// masked views in row-major order (declared in cpu_eval.h).
#include <algorithm>
#include <cstring>
#include <type_traits>

#include "tensor/cpu/cpu_eval.h"

namespace tinypynq::cpu {

namespace {

// The odometer step every walk shares: dimension D has moved on by `count` whole steps (the
// caller copied them); carry into the outer dimensions when D wraps. idx/cur are the walk's
// position (per-dimension index and element offset).
inline void advance(const Shape& size, const Shape& stride, int64_t* idx, int64_t& cur, size_t D,
                    int64_t count) {
  cur += count * stride[D];
  idx[D] += count;
  if (idx[D] < size[D]) return;
  idx[D] = 0;
  cur -= size[D] * stride[D];
  for (size_t d = D; d-- > 0;) {
    cur += stride[d];
    if (++idx[d] < size[d]) break;
    idx[d] = 0;
    cur -= size[d] * stride[d];
  }
}

}  // namespace

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
    advance(size, stride, idx, cur, L, run);
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
        advance(size, stride, idx, cur, L - 2, planes);
        continue;
      }
    }
    if (L >= 1 && idx[L] == 0 && size[L] <= 4 && size[L] >= 2) {
      const int64_t rows = s == 1 ? rows_any(Yes{}) : rows_any(No{});
      if (rows > 0) {
        k += rows * size[L];
        advance(size, stride, idx, cur, L - 1, rows);
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
        advance(size, stride, idx, cur, L - 1, rows);
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
    advance(size, stride, idx, cur, L, run);
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

}  // namespace tinypynq::cpu
