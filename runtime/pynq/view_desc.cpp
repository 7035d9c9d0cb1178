// Kernel views as view-reader descriptors (view_desc.h).
#include "runtime/pynq/view_desc.h"

#include <algorithm>
#include <limits>
#include <type_traits>

#include "tensor/kernel_analysis.h"

namespace tinypynq::pynq {

namespace {
bool fits_i32(int64_t v) {
  return v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max();
}
}  // namespace

ViewDescResult describe_view(const ShapeTracker& st, DType dtype) {
  ViewDescResult r;
  if (itemsize(dtype) != 4) {
    r.why = std::string(dtype_name(dtype)) + " elements: the reader streams 32-bit words (the PS widens them)";
    return r;
  }
  // A view that is a plain row-major reshape of the one below it (contiguous, offset 0, no
  // mask, as many elements) streams the same elements in the same order as the one below walked
  // row-major: the max-pool backward's (N, C, 14, 14) over (N, C, 7, 2, 7, 2). Drop it.
  const std::vector<View>& vs = st.views();
  size_t top = vs.size() - 1;
  while (top > 0 && vs[top].contiguous() && prod(vs[top].shape) == prod(vs[top - 1].shape)) --top;
  if (top != 0) {
    r.why = std::to_string(top + 1) + " views (a reshape of a non-contiguous view): one descriptor is one view";
    return r;
  }
  const View& v = vs[0];
  struct Dim { int64_t shape, stride, lo, hi; };
  std::vector<Dim> dims;
  for (size_t d = 0; d < v.shape.size(); ++d) {
    const int64_t lo = v.mask.empty() ? 0 : v.mask[d].first, hi = v.mask.empty() ? v.shape[d] : v.mask[d].second;
    if (v.shape[d] == 1 && lo == 0 && hi == 1) continue;  // a size-1 dimension moves nothing
    Dim x{v.shape[d], v.strides[d], lo, hi};
    if (!dims.empty()) {
      Dim& o = dims.back();  // merge into the outer neighbour when the pair is one run
      const bool full = o.lo == 0 && o.hi == o.shape && x.lo == 0 && x.hi == x.shape;
      if (full && o.stride == x.stride * x.shape) {
        o = Dim{o.shape * x.shape, x.stride, 0, o.shape * x.shape};
        continue;
      }
    }
    dims.push_back(x);
  }
  if (dims.empty()) dims.push_back({1, 0, 0, 1});
  // A masked-out whole view (any empty dimension) reads nothing: still one descriptor.
  if (dims.size() > pl::vr::kMaxRank) {
    r.why = "rank " + std::to_string(dims.size()) + " after merging, the reader walks at most " +
            std::to_string(pl::vr::kMaxRank);
    return r;
  }
  pl::ViewDesc d;
  d.rank = static_cast<unsigned>(dims.size());
  d.offset = v.offset;
  if (!fits_i32(v.offset)) {
    r.why = "offset " + std::to_string(v.offset) + " beyond the signed 32-bit OFFSET register";
    return r;
  }
  for (size_t k = 0; k < dims.size(); ++k) {
    if (!fits_i32(dims[k].stride) || dims[k].shape > std::numeric_limits<uint32_t>::max()) {
      r.why = "dimension " + std::to_string(k) + " (shape " + std::to_string(dims[k].shape) + ", stride " +
              std::to_string(dims[k].stride) + ") beyond the 32-bit registers";
      return r;
    }
    d.shape[k] = static_cast<uint32_t>(dims[k].shape);
    d.stride[k] = static_cast<int32_t>(dims[k].stride);
    d.mlo[k] = static_cast<uint32_t>(dims[k].lo);
    d.mhi[k] = static_cast<uint32_t>(dims[k].hi);
  }
  r.desc = d;
  return r;
}

std::string line_thrash(const pl::ViewDesc& d) {
  if (d.rank == 0) return "";
  const unsigned in = d.rank - 1;
  const int64_t stride = d.stride[in] < 0 ? -static_cast<int64_t>(d.stride[in]) : d.stride[in];
  const uint32_t words_per_line = pl::vr::kLineBytes / 4;
  const uint64_t outer = d.elems() / d.shape[in];
  if (stride < words_per_line || d.shape[in] <= pl::vr::kLines || outer < 2) return "";
  return "a transposed read: inner extent " + std::to_string(d.shape[in]) + " at stride " + std::to_string(stride) +
         " exceeds the reader's " + std::to_string(pl::vr::kLines) + "-line buffer (one 128-byte line per element)";
}

double fills_per_element(const pl::ViewDesc& v) {
  pl::ViewDesc d = v;
  constexpr uint64_t kBudget = 32768;
  for (unsigned k = 0; k < d.rank; ++k) {  // keep whole inner blocks: the prefix is a view of its own
    uint64_t inner = 1;
    for (unsigned j = k + 1; j < d.rank; ++j) inner *= d.shape[j];
    const uint32_t keep = inner >= kBudget ? 1u : static_cast<uint32_t>(std::min<uint64_t>(d.shape[k], kBudget / inner));
    d.shape[k] = std::max(1u, keep);
    d.mlo[k] = std::min(d.mlo[k], d.shape[k]), d.mhi[k] = std::min(d.mhi[k], d.shape[k]);
    if (inner < kBudget) break;
  }
  // Place it: the lowest valid element at a line-aligned base's first word at the earliest.
  int64_t lo = d.offset, hi = d.offset;
  for (unsigned k = 0; k < d.rank; ++k) {
    if (d.mlo[k] == d.mhi[k]) return 0;  // all padding: no DDR read at all
    const int64_t a = static_cast<int64_t>(d.stride[k]) * d.mlo[k], b = static_cast<int64_t>(d.stride[k]) * (d.mhi[k] - 1);
    lo += std::min(a, b), hi += std::max(a, b);
  }
  d.offset -= lo;  // elements now from 0 to hi - lo
  d.base = 0;
  d.limit = 4 * static_cast<uint64_t>(hi - lo + 1);
  if (!pl::check(d, uint64_t{1} << 40).ok()) return 1;  // (not expected: the caller's view passed)
  const pl::ReadPlan p = pl::plan(d, 0, {});
  return static_cast<double>(p.fills.size()) / static_cast<double>(d.elems());
}

// The same shrink/permute as analysis::gemm_operand's packing path.
ShapeTracker gemm_operand_view(const Kernel& k, const analysis::GemmShape& g, int which, const KNode& n) {
  const auto& dims = g.dims;
  const std::vector<int>& rows = which == 0 ? dims[analysis::kGemmM] : dims[analysis::kGemmK];
  const std::vector<int>& cols = which == 0 ? dims[analysis::kGemmK] : dims[analysis::kGemmN];
  std::vector<int> order;
  for (int d : dims[analysis::kGemmB]) order.push_back(d);
  for (int d : rows) order.push_back(d);
  for (int d : cols) order.push_back(d);
  const size_t nd = k.full_shape.size();
  std::vector<std::pair<int64_t, int64_t>> pin(nd);
  for (size_t d = 0; d < nd; ++d) {
    const bool used = std::find(order.begin(), order.end(), static_cast<int>(d)) != order.end();
    pin[d] = {0, used ? k.full_shape[d] : 1};
    if (!used) order.push_back(static_cast<int>(d));
  }
  return n.st.shrink(pin).permute(order);
}

bool flat_range_box(const Shape& shape, int first, int count, int64_t a, int64_t len,
                    std::vector<std::pair<int64_t, int64_t>>& bounds) {
  if (count == 0) return a == 0 && len == 1;
  // Find the dimension t the range runs along: the dims inside t are covered whole (P divides
  // a and len), the dims outside t are one index each.
  int64_t P = 1;
  for (int t = first + count - 1; t >= first; --t) {
    const int64_t s = shape[t];
    if (a % P == 0 && len % P == 0) {
      const int64_t q = a / P, within = q % s;
      if (within + len / P <= s) {
        for (int d = t + 1; d < first + count; ++d) bounds[d] = {0, shape[d]};
        bounds[t] = {within, within + len / P};
        int64_t r = q / s;
        for (int d = t - 1; d >= first; --d) {
          bounds[d] = {r % shape[d], r % shape[d] + 1};
          r /= shape[d];
        }
        return r == 0;
      }
    }
    P *= s;
  }
  return false;
}

PackCensus ps_steps_expressible(const Program& p, const Kernel& k) {
  PackCensus c;
  auto count = [&](size_t bytes, const ViewDescResult& r, const std::string& what) {
    ++c.steps;
    c.bytes += bytes;
    if (r.desc) ++c.expressible, c.expressible_bytes += bytes;
    else c.reasons.push_back(k.name() + ": " + what + ": " + r.why);
  };
  for (const Step& st : p.steps) {
    std::visit(
        [&](const auto& s) {
          using S = std::decay_t<decltype(s)>;
          if constexpr (std::is_same_v<S, Pack>) {
            const std::vector<KNode>& nodes = s.nodes < 0 ? k.nodes : p.node_sets[s.nodes];
            const KNode& n = nodes[s.node];
            const size_t bytes = 4 * static_cast<size_t>(prod(s.shape));
            if (n.op == Op::LOAD) count(bytes, describe_view(n.st, k.bufs[n.buf]->dtype), "pack");
            else if (n.op == Op::CONST) count(bytes, describe_view(n.st, DType::f32), "pack (masked constant)");
            else count(bytes, {std::nullopt, std::string("an expression (") + op_name(n.op) + "), not a view"}, "pack");
          } else if constexpr (std::is_same_v<S, GemmPack>) {
            const KNode& n = k.nodes[k.nodes.back().src[s.which]];
            size_t bytes = 0;
            for (const MemRef& m : s.dst) bytes += m.bytes;
            if (n.op != Op::LOAD) {
              count(bytes, {std::nullopt, std::string("an expression (") + op_name(n.op) + "), not a view"}, "gemm pack");
            } else {
              count(bytes, describe_view(gemm_operand_view(k, *p.gemm, s.which, n), k.bufs[n.buf]->dtype),
                    "gemm pack");
            }
          } else if constexpr (std::is_same_v<S, CopyTile>) {
            // rows x cols of a row-major matrix with ld columns: always one rank-2 view.
            ShapeTracker t = ShapeTracker::contiguous({s.rows, s.ld});
            t = t.shrink({{0, s.rows}, {s.c0, s.c0 + s.cols}});
            count(4 * static_cast<size_t>(s.rows * s.cols), describe_view(t, DType::f32), "tile copy");
          }
        },
        st);
  }
  return c;
}

}  // namespace tinypynq::pynq
