// Resize (opset 10+) and Upsample (opset 7-9): nearest and (bi/tri)linear, separable per axis.
// Source positions are computed on the host from the static shapes; whole-number nearest
// upsampling becomes a broadcast (no gather), the rest gathers and blends along each axis.
#include <cmath>

#include "frontends/onnx/onnx_internal.h"
#include "tensor/tensor_ext.h"

namespace tinypynq::onnx {

namespace {
struct Plan {
  std::string mode, coord, nearest;
};

// The source coordinate of output index o (ONNX Resize, coordinate_transformation_mode).
double src_coord(const Plan& p, int64_t o, int64_t in, int64_t out, double scale) {
  if (p.coord == "half_pixel") return (o + 0.5) / scale - 0.5;
  if (p.coord == "pytorch_half_pixel") return static_cast<double>(in) * scale > 1 ? (o + 0.5) / scale - 0.5 : 0.0;
  // ONNX uses the unrounded output length in * scale here (it differs from `out` for scales).
  const double len = static_cast<double>(in) * scale;
  (void)out;
  if (p.coord == "align_corners") return len > 1 ? static_cast<double>(o) * (in - 1) / (len - 1) : 0.0;
  return o / scale;  // asymmetric
}

int64_t nearest_index(const Plan& p, double x) {
  double r;
  if (p.nearest == "floor") r = std::floor(x);
  else if (p.nearest == "ceil") r = std::ceil(x);
  else if (p.nearest == "round_prefer_ceil") r = std::floor(x + 0.5);
  else r = std::ceil(x - 0.5);  // round_prefer_floor
  return static_cast<int64_t>(r);
}

Tensor resize_axis(const NodeCtx& c, const Tensor& x, size_t ax, int64_t out, double scale, const Plan& p) {
  const int64_t in = x.shape()[ax];
  if (out == in && scale == 1.0) return x;
  if (in == 0 || out <= 0) c.fail("cannot resize an axis of size " + std::to_string(in) + " to " + std::to_string(out));
  const int64_t a = static_cast<int64_t>(ax);
  if (p.mode == "nearest") {
    std::vector<int32_t> idx(out);
    bool repeat = out % in == 0;
    const int64_t k = repeat ? out / in : 0;
    for (int64_t o = 0; o < out; ++o) {
      int64_t i = std::clamp<int64_t>(nearest_index(p, src_coord(p, o, in, out, scale)), 0, in - 1);
      idx[o] = static_cast<int32_t>(i);
      repeat &= i == o / std::max<int64_t>(k, 1);
    }
    if (repeat) {  // each input repeated k times: a broadcast
      Shape s = x.shape(), e = x.shape(), r = x.shape();
      s.insert(s.begin() + a + 1, 1);
      e.insert(e.begin() + a + 1, k);
      r[ax] = out;
      return x.reshape(s).expand(e).reshape(r);
    }
    return ops::gather(x, a, Tensor::from_data(idx, {out}, x.device().name()));
  }
  std::vector<int32_t> i0(out), i1(out);
  std::vector<float> w(out);
  for (int64_t o = 0; o < out; ++o) {
    double s = std::clamp(src_coord(p, o, in, out, scale), 0.0, static_cast<double>(in - 1));
    int64_t f = static_cast<int64_t>(std::floor(s));
    i0[o] = static_cast<int32_t>(f);
    i1[o] = static_cast<int32_t>(std::min(f + 1, in - 1));
    w[o] = static_cast<float>(s - f);
  }
  const std::string dev = x.device().name();
  Shape ws(x.ndim(), 1);
  ws[ax] = out;
  Tensor wt = Tensor::from_data(w, {out}, dev).reshape(ws);
  Tensor x0 = ops::gather(x, a, Tensor::from_data(i0, {out}, dev)), x1 = ops::gather(x, a, Tensor::from_data(i1, {out}, dev));
  return x0 + (x1 - x0) * wt;
}

void resize(NodeCtx& c, const std::vector<double>& scales_in, const std::vector<int64_t>& sizes, const Plan& p) {
  const Tensor& x = c.x(0);
  if (x.dtype() != DType::f32 && p.mode != "nearest") c.fail("linear resize needs a float input");
  const size_t r = x.ndim();
  std::vector<double> scales = scales_in;
  std::vector<int64_t> out(r);
  if (!sizes.empty()) {
    if (sizes.size() != r) c.fail("sizes needs one value per dimension");
    scales.resize(r);
    for (size_t i = 0; i < r; ++i) {
      out[i] = sizes[i];
      scales[i] = x.shape()[i] ? static_cast<double>(sizes[i]) / static_cast<double>(x.shape()[i]) : 1.0;
    }
  } else {
    if (scales.size() != r) c.fail("scales needs one value per dimension");
    for (size_t i = 0; i < r; ++i) {
      if (!(scales[i] > 0) || scales[i] > 1e6) c.fail("scales must be positive");
      out[i] = static_cast<int64_t>(std::floor(static_cast<double>(x.shape()[i]) * scales[i]));
    }
  }
  Shape os(out.begin(), out.end());
  check_shape(os, c.where());
  Tensor y = x;
  for (size_t i = 0; i < r; ++i) y = resize_axis(c, y, i, out[i], scales[i], p);
  c.same(y);
}

void check_modes(const NodeCtx& c) {
  std::string m = c.s("mode", "nearest");
  if (m != "nearest" && m != "linear") c.fail("attribute 'mode' value '" + m + "' is not supported (nearest, linear)");
  std::string t = c.s("coordinate_transformation_mode", "half_pixel");
  if (t != "half_pixel" && t != "pytorch_half_pixel" && t != "align_corners" && t != "asymmetric")
    c.fail("attribute 'coordinate_transformation_mode' value '" + t + "' is not supported");
  std::string n = c.s("nearest_mode", "round_prefer_floor");
  if (n != "round_prefer_floor" && n != "round_prefer_ceil" && n != "floor" && n != "ceil")
    c.fail("attribute 'nearest_mode' value '" + n + "' is not supported");
  if (c.i("exclude_outside", 0) != 0) c.fail("attribute 'exclude_outside' = 1 is not supported");
}
}  // namespace

void register_resize_ops(OpTable& t) {
  t["Resize"] = OpDef{{"mode", "coordinate_transformation_mode", "nearest_mode", "cubic_coeff_a", "exclude_outside",
                       "extrapolation_value"},
                      [](NodeCtx& c) {
                        Plan p{c.s("mode", "nearest"), c.s("coordinate_transformation_mode", "half_pixel"),
                               c.s("nearest_mode", "round_prefer_floor")};
                        if (c.opset < 11) p.coord = "asymmetric";
                        std::vector<double> scales;
                        std::vector<int64_t> sizes;
                        const size_t si = c.opset < 11 ? 1 : 2;
                        if (c.has_in(si) && c.x(si).numel() > 0)
                          for (float f : c.in_floats(si)) scales.push_back(f);
                        if (c.opset >= 11 && c.has_in(3) && c.v(3).t.numel() > 0) sizes = c.in_ints(3);
                        if (scales.empty() && sizes.empty()) c.fail("needs scales or sizes");
                        resize(c, scales, sizes, p);
                      },
                      check_modes};
  t["Upsample"] = OpDef{{"mode", "scales"},
                        [](NodeCtx& c) {
                          Plan p{c.s("mode", "nearest"), "asymmetric", "floor"};
                          std::vector<double> scales;
                          if (c.opset < 9) for (float f : c.floats("scales")) scales.push_back(f);
                          else for (float f : c.in_floats(1)) scales.push_back(f);
                          resize(c, scales, {}, p);
                        },
                        check_modes};
}

}  // namespace tinypynq::onnx
