// Composed ops beyond the core Tensor API, used by the ONNX frontend and available to C++ users:
// they are built from the first-class ops, so they run on every target and have gradients
// wherever they are differentiable.
//
//   using namespace tinypynq;
//   Tensor y = ops::erf(x);                                      // exact GELU: 0.5x(1+erf(x/sqrt2))
//   Tensor e = ops::gather(table, 0, Tensor::from_data({3, 1}, {2}));  // rows 3 and 1
//   Tensor c = ops::cumsum(x, -1);
//   ops::ConvParams p; p.pads = {0, 0, 1, 1}; p.groups = 2;     // asymmetric padding, groups
//   Tensor z = ops::conv(x, w, b, p);                            // any number of spatial dims
#pragma once
#include <cstdint>
#include <vector>

#include "tensor/tensor.h"

namespace tinypynq::ops {

// Elementwise math (float results).
Tensor erf(const Tensor& x);    // Abramowitz-Stegun 7.1.26, |error| <= 1.5e-7
Tensor atan(const Tensor& x);   // range-reduced series, |error| <= 1e-6
Tensor asin(const Tensor& x);
Tensor acos(const Tensor& x);
Tensor sinh(const Tensor& x);
Tensor cosh(const Tensor& x);
Tensor asinh(const Tensor& x);
Tensor acosh(const Tensor& x);
Tensor atanh(const Tensor& x);
Tensor floor(const Tensor& x);  // exact for every float (no int conversion); inf and NaN pass through
Tensor ceil(const Tensor& x);
Tensor round_even(const Tensor& x);  // round half to even (numpy.round, ONNX Round)

// Indexing. Indices are int32, negative ones count from the end; out-of-range ones fail with an
// error (the index tensor is read on the host to check).
Tensor gather(const Tensor& x, int64_t axis, const Tensor& idx);           // numpy.take
Tensor gather_elements(const Tensor& x, int64_t axis, const Tensor& idx);  // torch.gather
Tensor cumsum(const Tensor& x, int64_t axis, bool exclusive = false, bool reverse = false);
std::vector<Tensor> split(const Tensor& x, int64_t axis, const std::vector<int64_t>& sizes);
Tensor tril_mask(int64_t rows, int64_t cols, int64_t k, bool upper, const std::string& dev);  // bool (rows, cols)

// Convolution over the last len(kernel) dims of (N, C, *spatial) with weight (Cout, C/groups, *k).
// pads: begin values for every spatial dim, then the end values (ONNX order); empty = none.
struct ConvParams {
  std::vector<int64_t> strides, dilations, pads;  // empty = all 1 / all 1 / all 0
  int64_t groups = 1;
  std::vector<int64_t> output_padding;            // conv_transpose only
};
Tensor conv(const Tensor& x, const Tensor& w, const Tensor& b, const ConvParams& p);
// Transposed convolution (the gradient of conv): weight (Cin, Cout/groups, *k).
Tensor conv_transpose(const Tensor& x, const Tensor& w, const Tensor& b, const ConvParams& p);

// Pooling over the last len(kernel) dims, with asymmetric pads, dilation and ceil_mode.
struct PoolParams {
  std::vector<int64_t> kernel, strides, dilations, pads;
  bool ceil_mode = false;
  bool count_include_pad = false;  // average pool: padded positions count in the divisor
};
Tensor max_pool(const Tensor& x, const PoolParams& p);
Tensor avg_pool(const Tensor& x, const PoolParams& p);

}  // namespace tinypynq::ops
