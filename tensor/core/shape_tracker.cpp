#include "tensor/core/shape_tracker.h"

#include <algorithm>
#include <cstdlib>

namespace tinypynq {

View View::make(Shape shape, Shape strides, int64_t offset, std::vector<std::pair<int64_t, int64_t>> mask) {
  View v;
  for (size_t i = 0; i < shape.size(); ++i)
    if (shape[i] == 1) strides[i] = 0;
  if (!mask.empty()) {
    bool full = true, empty = false;
    for (size_t i = 0; i < shape.size(); ++i) {
      mask[i].first = std::clamp<int64_t>(mask[i].first, 0, shape[i]);
      mask[i].second = std::clamp<int64_t>(mask[i].second, mask[i].first, shape[i]);
      full &= mask[i].first == 0 && mask[i].second == shape[i];
      empty |= mask[i].first == mask[i].second;
    }
    if (full) mask.clear();
    // A fully masked view reads nothing: canonical strides and offset keep views comparable.
    if (empty) std::fill(strides.begin(), strides.end(), 0), offset = 0;
  }
  v.shape = std::move(shape);
  v.strides = std::move(strides);
  v.offset = offset;
  v.mask = std::move(mask);
  return v;
}

bool View::contiguous() const { return offset == 0 && mask.empty() && strides == contiguous_strides(shape); }

// Merges `top` (which indexes the row-major layout of bottom's shape) into `bottom` when the
// composition is a single strided view. Each top stride is written as mixed-radix digits of
// bottom's shape; if no reachable index can carry from one digit into the next, offsets are
// linear in the top index and the merged stride is the digits dotted with bottom's strides.
// (This is what turns tinygrad's overlapping-window pool trick back into one view.)
static bool merge_views(const View& bottom, const View& top, View& out) {
  if (!bottom.mask.empty() || top.offset < 0 || prod(bottom.shape) == 0) return false;
  const size_t nb = bottom.shape.size(), nt = top.shape.size();
  Shape rowmajor(nb, 1);
  for (size_t d = nb; d-- > 1;) rowmajor[d - 1] = rowmajor[d] * bottom.shape[d];
  auto digits = [&](int64_t v, Shape& dg) {
    dg.assign(nb, 0);
    for (size_t d = 0; d < nb; ++d) dg[d] = v / rowmajor[d], v %= rowmajor[d];
    return nb == 0 || dg[0] < bottom.shape[0] || bottom.shape[0] == 0;
  };
  Shape lo, hi, dg;
  if (!digits(top.offset, lo)) return false;
  hi = lo;
  Shape nstr(nt, 0);
  for (size_t j = 0; j < nt; ++j) {
    const int64_t s = top.strides[j], n = top.shape[j];
    if (s == 0 || n <= 1) continue;
    digits(std::abs(s), dg);
    for (size_t d = 0; d < nb; ++d) {
      if (!dg[d]) continue;
      const int64_t c = s > 0 ? dg[d] : -dg[d];
      (c > 0 ? hi[d] : lo[d]) += c * (n - 1);
      nstr[j] += c * bottom.strides[d];
    }
  }
  for (size_t d = 0; d < nb; ++d)
    if (lo[d] < 0 || hi[d] >= bottom.shape[d]) return false;
  int64_t off = bottom.offset;
  Shape base;
  digits(top.offset, base);
  for (size_t d = 0; d < nb; ++d) off += base[d] * bottom.strides[d];
  // A masked-out top view reads nothing; keep its mask so validity is unchanged.
  out = View::make(top.shape, nstr, off, top.mask);
  return true;
}

void ShapeTracker::simplify() {
  View m;
  while (views_.size() >= 2 && merge_views(views_[views_.size() - 2], views_.back(), m)) {
    views_.pop_back();
    views_.back() = std::move(m);
  }
}

ShapeTracker ShapeTracker::contiguous(const Shape& shape) {
  ShapeTracker st;
  st.views_.push_back(View::make(shape, contiguous_strides(shape), 0, {}));
  return st;
}

bool ShapeTracker::has_mask() const {
  for (auto& v : views_)
    if (!v.mask.empty()) return true;
  return false;
}

bool ShapeTracker::depends_on(size_t dim) const {
  const View& v = top();
  if (v.strides[dim] != 0) return true;
  return !v.mask.empty() && (v.mask[dim].first != 0 || v.mask[dim].second != v.shape[dim]);
}

// Strides for `ns` over the same memory as (os, ostr) without copying, if possible (numpy's
// attempt_nocopy_reshape, extended to stride-0 dims). Returns false when it needs a new view.
static bool reshape_strides(const Shape& os_in, const Shape& ostr_in, const Shape& ns, Shape& nstr) {
  Shape os, ostr;
  for (size_t i = 0; i < os_in.size(); ++i)
    if (os_in[i] != 1) os.push_back(os_in[i]), ostr.push_back(ostr_in[i]);
  nstr.assign(ns.size(), 0);
  size_t oi = 0, ni = 0;
  while (ni < ns.size() && oi < os.size()) {
    if (ns[ni] == 1) { ++ni; continue; }
    size_t oj = oi + 1, nj = ni + 1;
    int64_t op = os[oi], np = ns[ni];
    while (np != op) {
      if (np < op) np *= ns[nj++];
      else op *= os[oj++];
    }
    for (size_t k = oi; k + 1 < oj; ++k)
      if (ostr[k] != ostr[k + 1] * os[k + 1]) return false;
    nstr[nj - 1] = ostr[oj - 1];
    for (size_t k = nj - 1; k > ni; --k) nstr[k - 1] = nstr[k] * ns[k];
    oi = oj, ni = nj;
  }
  return oi == os.size();
}

ShapeTracker ShapeTracker::reshape(const Shape& s) const {
  TP_CHECK(prod(s) == numel(), "cannot reshape a tensor of shape ", shape_str(shape()), " (", numel(),
           " elements) to ", shape_str(s), " (", prod(s), " elements)");
  for (auto d : s) TP_CHECK(d >= 0, "reshape to ", shape_str(s), ": negative dimension");
  if (s == shape()) return *this;
  ShapeTracker r = *this;
  View& v = r.views_.back();
  if (prod(s) == 0) {
    r.views_.back() = View::make(s, contiguous_strides(s), 0, {});
    return r;
  }
  if (v.mask.empty()) {
    Shape nstr;
    if (reshape_strides(v.shape, v.strides, s, nstr)) {
      v = View::make(s, nstr, v.offset, {});
      r.simplify();
      return r;
    }
  } else {
    // Masked: only adding or removing size-1 dims keeps the mask expressible here.
    Shape a, b;
    for (auto d : v.shape) if (d != 1) a.push_back(d);
    for (auto d : s) if (d != 1) b.push_back(d);
    if (a == b) {
      Shape nstr;
      std::vector<std::pair<int64_t, int64_t>> nmask;
      size_t oi = 0;
      bool ok = true;
      for (size_t ni = 0; ni < s.size(); ++ni) {
        if (s[ni] == 1) {
          nstr.push_back(0);
          nmask.push_back({0, 1});
          continue;
        }
        // Skip old size-1 dims; a masked-out size-1 dim would make every element invalid.
        while (v.shape[oi] == 1) ok &= v.mask[oi].second > v.mask[oi].first, ++oi;
        nstr.push_back(v.strides[oi]);
        nmask.push_back(v.mask[oi]);
        ++oi;
      }
      for (; oi < v.shape.size(); ++oi) ok &= v.mask[oi].second > v.mask[oi].first;
      if (ok) {
        v = View::make(s, nstr, v.offset, nmask);
        return r;
      }
    }
  }
  r.views_.push_back(View::make(s, contiguous_strides(s), 0, {}));
  r.simplify();
  return r;
}

ShapeTracker ShapeTracker::permute(const std::vector<int>& order) const {
  const View& v = top();
  TP_CHECK(order.size() == v.shape.size(), "permute order has ", order.size(), " axes, tensor has ",
           v.shape.size());
  std::vector<bool> seen(order.size(), false);
  Shape s, st;
  std::vector<std::pair<int64_t, int64_t>> m;
  for (int o : order) {
    TP_CHECK(o >= 0 && o < (int)order.size() && !seen[o], "permute order is not a permutation of 0..",
             order.size() - 1);
    seen[o] = true;
    s.push_back(v.shape[o]);
    st.push_back(v.strides[o]);
    if (!v.mask.empty()) m.push_back(v.mask[o]);
  }
  ShapeTracker r = *this;
  r.views_.back() = View::make(s, st, v.offset, m);
  r.simplify();
  return r;
}

ShapeTracker ShapeTracker::expand(const Shape& s) const {
  const View& v = top();
  TP_CHECK(s.size() == v.shape.size(), "cannot expand shape ", shape_str(v.shape), " to ", shape_str(s));
  Shape st = v.strides;
  auto m = v.mask;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == v.shape[i]) continue;
    TP_CHECK(v.shape[i] == 1, "cannot expand shape ", shape_str(v.shape), " to ", shape_str(s),
             ": dimension ", i, " has size ", v.shape[i], ", only size-1 dimensions expand");
    st[i] = 0;
    if (!m.empty()) m[i] = m[i].second > m[i].first ? std::pair<int64_t, int64_t>{0, s[i]} : std::pair<int64_t, int64_t>{0, 0};
  }
  ShapeTracker r = *this;
  r.views_.back() = View::make(s, st, v.offset, m);
  r.simplify();
  return r;
}

ShapeTracker ShapeTracker::pad(const std::vector<std::pair<int64_t, int64_t>>& p) const {
  const View& v = top();
  TP_CHECK(p.size() == v.shape.size(), "pad needs ", v.shape.size(), " (before, after) pairs, got ", p.size());
  Shape s = v.shape;
  int64_t off = v.offset;
  std::vector<std::pair<int64_t, int64_t>> m(s.size());
  bool any = false;
  for (size_t i = 0; i < s.size(); ++i) {
    TP_CHECK(p[i].first >= 0 && p[i].second >= 0, "pad amounts must be >= 0, got (", p[i].first, ", ",
             p[i].second, ") on axis ", i);
    any |= p[i].first || p[i].second;
    auto base = v.mask.empty() ? std::pair<int64_t, int64_t>{0, s[i]} : v.mask[i];
    m[i] = {base.first + p[i].first, base.second + p[i].first};
    off -= p[i].first * v.strides[i];
    s[i] += p[i].first + p[i].second;
  }
  if (!any) return *this;
  ShapeTracker r = *this;
  r.views_.back() = View::make(s, v.strides, off, m);
  r.simplify();
  return r;
}

ShapeTracker ShapeTracker::shrink(const std::vector<std::pair<int64_t, int64_t>>& b) const {
  const View& v = top();
  TP_CHECK(b.size() == v.shape.size(), "shrink needs ", v.shape.size(), " (begin, end) pairs, got ", b.size());
  Shape s(b.size());
  int64_t off = v.offset;
  std::vector<std::pair<int64_t, int64_t>> m;
  for (size_t i = 0; i < b.size(); ++i) {
    TP_CHECK(0 <= b[i].first && b[i].first <= b[i].second && b[i].second <= v.shape[i], "shrink bounds [",
             b[i].first, ", ", b[i].second, ") are outside axis ", i, " of size ", v.shape[i]);
    s[i] = b[i].second - b[i].first;
    off += b[i].first * v.strides[i];
    if (!v.mask.empty()) m.push_back({v.mask[i].first - b[i].first, v.mask[i].second - b[i].first});
  }
  ShapeTracker r = *this;
  r.views_.back() = View::make(s, v.strides, off, m);
  r.simplify();
  return r;
}

ShapeTracker ShapeTracker::flip(const std::vector<bool>& axes) const {
  const View& v = top();
  Shape st = v.strides;
  int64_t off = v.offset;
  auto m = v.mask;
  for (size_t i = 0; i < axes.size(); ++i) {
    if (!axes[i] || v.shape[i] == 0) continue;
    off += (v.shape[i] - 1) * st[i];
    st[i] = -st[i];
    if (!m.empty()) m[i] = {v.shape[i] - m[i].second, v.shape[i] - m[i].first};
  }
  ShapeTracker r = *this;
  r.views_.back() = View::make(v.shape, st, off, m);
  return r;
}

ShapeTracker ShapeTracker::on_top_of(const ShapeTracker& below) const {
  if (below.contiguous()) return *this;
  ShapeTracker r = below;
  if (contiguous() && shape() == below.shape()) return r;
  for (auto& v : views_) {
    r.views_.push_back(v);
    r.simplify();
  }
  return r;
}

std::pair<int64_t, bool> ShapeTracker::index(int64_t flat) const {
  for (size_t vi = views_.size(); vi-- > 0;) {
    const View& v = views_[vi];
    int64_t off = v.offset, rem = flat;
    for (size_t d = v.shape.size(); d-- > 0;) {
      int64_t i = rem % v.shape[d];
      rem /= v.shape[d];
      if (!v.mask.empty() && (i < v.mask[d].first || i >= v.mask[d].second)) return {0, false};
      off += i * v.strides[d];
    }
    flat = off;
  }
  return {flat, true};
}

std::string ShapeTracker::str() const {
  std::string r;
  for (auto& v : views_) {
    r += "View(shape=" + shape_str(v.shape) + ", strides=" + shape_str(v.strides) +
         ", offset=" + std::to_string(v.offset);
    if (!v.mask.empty()) {
      r += ", mask=(";
      for (auto& [a, b] : v.mask) r += "(" + std::to_string(a) + "," + std::to_string(b) + ")";
      r += ")";
    }
    r += ") ";
  }
  return r;
}

}  // namespace tinypynq
