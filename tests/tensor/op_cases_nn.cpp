// Op-suite cases for reductions, movement (views), linear algebra, convolution, pooling,
// normalisation and losses. Each case runs on every target (see op_cases.h); where a host
// reference is cheap to state it is given too.
#include <algorithm>
#include <cmath>
#include <limits>

#include "tests/tensor/op_cases.h"

namespace tinypynq::test {

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr int64_t D = Range::kDefault;

// Reduction over `axes` (sorted, non-negative) of input 0: "sum", "max" or "mean".
Ref reduce_ref(std::vector<int> axes, std::string op) {
  return [axes, op](const std::vector<HostArray>& in) {
    const HostArray& x = in[0];
    Shape os = x.shape;
    int64_t cnt = 1;
    for (int a : axes) cnt *= os[a], os[a] = 1;
    std::vector<double> out(prod(os), op == "max" ? -inf : 0.0);
    const Shape ist = contiguous_strides(x.shape), ost = contiguous_strides(os);
    for (int64_t k = 0; k < x.numel(); ++k) {
      int64_t rem = k, o = 0;
      for (size_t d = 0; d < x.shape.size(); ++d) {
        int64_t i = ist[d] ? rem / ist[d] : 0;
        rem -= i * ist[d];
        o += i * ost[d];
      }
      double v = x.at(k);
      if (op == "max") out[o] = (std::isnan(v) || std::isnan(out[o])) ? nan : std::max(out[o], v);
      else out[o] += v;
    }
    if (op == "mean")
      for (auto& v : out) v /= static_cast<double>(cnt);
    return out;
  };
}

// Row-wise op on a 2-D input 0 along its last axis.
Ref rows_ref(std::function<std::vector<double>(const std::vector<double>&)> f) {
  return [f](const std::vector<HostArray>& in) {
    const int64_t R = in[0].shape[0], C = in[0].shape[1];
    std::vector<double> out;
    for (int64_t r = 0; r < R; ++r) {
      std::vector<double> row(C);
      for (int64_t c = 0; c < C; ++c) row[c] = in[0].at(r * C + c);
      for (double v : f(row)) out.push_back(v);
    }
    return out;
  };
}
std::vector<double> softmax_row(const std::vector<double>& x) {
  double m = *std::max_element(x.begin(), x.end()), s = 0;
  for (double v : x) s += std::exp(v - m);
  std::vector<double> r;
  for (double v : x) r.push_back(std::exp(v - m) / s);
  return r;
}

// C = op(A) op(B) (+ batch), where op(X) is X or X^T as stored; A is (batch?, M, K) after op.
Ref matmul_ref(int64_t Bt, int64_t M, int64_t K, int64_t N, bool ta, bool tb) {
  return [=](const std::vector<HostArray>& in) {
    std::vector<double> out(Bt * M * N, 0.0);
    for (int64_t b = 0; b < Bt; ++b)
      for (int64_t m = 0; m < M; ++m)
        for (int64_t n = 0; n < N; ++n) {
          double s = 0;
          for (int64_t k = 0; k < K; ++k)
            s += in[0].at(b * M * K + (ta ? k * M + m : m * K + k)) * in[1].at(b * K * N + (tb ? n * K + k : k * N + n));
          out[(b * M + m) * N + n] = s;
        }
    return out;
  };
}

// Direct convolution: x (N, C, H, W), w (O, C, KH, KW), optional bias input 2.
Ref conv_ref(int64_t stride, int64_t pad, int64_t dil) {
  return [=](const std::vector<HostArray>& in) {
    const Shape& xs = in[0].shape;
    const Shape& ws = in[1].shape;
    const int64_t N = xs[0], C = xs[1], H = xs[2], W = xs[3], O = ws[0], KH = ws[2], KW = ws[3];
    const int64_t OH = (H + 2 * pad - dil * (KH - 1) - 1) / stride + 1, OW = (W + 2 * pad - dil * (KW - 1) - 1) / stride + 1;
    std::vector<double> out;
    for (int64_t n = 0; n < N; ++n)
      for (int64_t o = 0; o < O; ++o)
        for (int64_t oy = 0; oy < OH; ++oy)
          for (int64_t ox = 0; ox < OW; ++ox) {
            double s = in.size() > 2 ? in[2].at(o) : 0.0;
            for (int64_t c = 0; c < C; ++c)
              for (int64_t ky = 0; ky < KH; ++ky)
                for (int64_t kx = 0; kx < KW; ++kx) {
                  int64_t y = oy * stride - pad + ky * dil, x = ox * stride - pad + kx * dil;
                  if (y < 0 || y >= H || x < 0 || x >= W) continue;
                  s += in[0].at(((n * C + c) * H + y) * W + x) * in[1].at(((o * C + c) * KH + ky) * KW + kx);
                }
            out.push_back(s);
          }
    return out;
  };
}

// Pooling over the last two dims with zero (avg) or -inf (max) padding; avg counts the padding.
Ref pool_ref(int64_t k, int64_t stride, int64_t pad, bool is_max) {
  return [=](const std::vector<HostArray>& in) {
    const Shape& xs = in[0].shape;
    const int64_t H = xs[xs.size() - 2], W = xs.back(), lead = in[0].numel() / (H * W);
    const int64_t OH = (H + 2 * pad - k) / stride + 1, OW = (W + 2 * pad - k) / stride + 1;
    std::vector<double> out;
    for (int64_t l = 0; l < lead; ++l)
      for (int64_t oy = 0; oy < OH; ++oy)
        for (int64_t ox = 0; ox < OW; ++ox) {
          double acc = is_max ? -inf : 0.0;
          for (int64_t ky = 0; ky < k; ++ky)
            for (int64_t kx = 0; kx < k; ++kx) {
              int64_t y = oy * stride - pad + ky, x = ox * stride - pad + kx;
              double v = (y < 0 || y >= H || x < 0 || x >= W) ? (is_max ? -inf : 0.0) : in[0].at((l * H + y) * W + x);
              acc = is_max ? std::max(acc, v) : acc + v;
            }
          out.push_back(is_max ? acc : acc / static_cast<double>(k * k));
        }
    return out;
  };
}

}  // namespace

void add_nn_cases(std::vector<OpCase>& v) {
  auto add = [&](std::string n, std::vector<InputSpec> in, std::function<Tensor(const In&)> f, int64_t ulps = 0,
                 double atol = 0, Ref ref = nullptr, int64_t ru = 0, double ra = 0) {
    v.push_back({std::move(n), std::move(in), std::move(f), ulps, atol, std::move(ref), ru, ra});
  };
  // ---- reductions (targets may sum in another order: ULP + small absolute slack)
  add("sum_all", {F({4, 5})}, [](const In& x) { return x[0].sum(); }, 8, 1e-5, reduce_ref({0, 1}, "sum"), 1, 0);
  add("sum_axis1", {F({4, 5})}, [](const In& x) { return x[0].sum({1}); }, 8, 1e-5, reduce_ref({1}, "sum"), 1, 0);
  add("sum_neg_axis_keepdim", {F({2, 3, 4})}, [](const In& x) { return x[0].sum({-1}, true); }, 8, 1e-5,
      reduce_ref({2}, "sum"), 1, 0);
  add("sum_axes_0_2", {F({2, 3, 4})}, [](const In& x) { return x[0].sum({0, -1}); }, 8, 1e-5, reduce_ref({0, 2}, "sum"), 1, 0);
  add("sum_long_rows", {F({3, 1000}, 0.5, 2)}, [](const In& x) { return x[0].sum({1}); }, 64, 0, reduce_ref({1}, "sum"), 1, 0);
  add("sum_specials", {F({2, 4}, -1, 1, {inf, 1, 2, 3, inf, -inf, 0, 0})}, [](const In& x) { return x[0].sum({1}); }, 0, 0,
      reduce_ref({1}, "sum"), 0, 0);
  add("sum_empty_axis", {F({0, 3})}, [](const In& x) { return x[0].sum({0}); }, 0, 0, reduce_ref({0}, "sum"));
  add("sum_empty_all", {F({2, 0})}, [](const In& x) { return x[0].sum(); });
  add("sum_0d", {F({})}, [](const In& x) { return x[0].sum(); });
  add("sum_i32", {I({3, 7}, -1000, 1000)}, [](const In& x) { return x[0].sum({1}); }, 0, 0, reduce_ref({1}, "sum"));
  add("sum_bool", {Bool({5, 6})}, [](const In& x) { return x[0].sum({0}); }, 0, 0, reduce_ref({0}, "sum"));
  add("sum_u8", {U8({4, 9})}, [](const In& x) { return x[0].sum(); }, 0, 0, reduce_ref({0, 1}, "sum"));
  add("sum_of_permuted", {F({3, 4, 5})}, [](const In& x) { return x[0].permute({2, 0, 1}).sum({1}); }, 8, 1e-5);
  add("sum_of_expanded", {F({3, 1})}, [](const In& x) { return x[0].expand({3, 6}).sum({1}); }, 8, 1e-5);
  add("sum_of_padded", {F({3, 4})}, [](const In& x) { return x[0].pad({{1, 2}, {0, 3}}).exp().sum({0}); }, 8, 1e-5);
  add("sum_of_product", {F({4, 6}), F({6})}, [](const In& x) { return (x[0] * x[1]).sum({1}); }, 8, 1e-5);
  add("max_axis1", {F({4, 7})}, [](const In& x) { return x[0].max({1}); }, 0, 0, reduce_ref({1}, "max"));
  add("max_specials", {F({3, 3}, -1, 1, {-inf, -inf, -inf, nan, 1, 2, -0.0, 0, -1})},
      [](const In& x) { return x[0].max({-1}); }, 0, 0, reduce_ref({1}, "max"));
  add("max_keepdim_neg", {F({3, 4, 2})}, [](const In& x) { return x[0].max({-2}, true); }, 0, 0, reduce_ref({1}, "max"));
  add("max_all_i32", {I({5, 5}, -1000, 1000, {-2147483648.0})}, [](const In& x) { return x[0].max(); }, 0, 0, reduce_ref({0, 1}, "max"));
  add("max_bool", {Bool({3, 4})}, [](const In& x) { return x[0].max({1}); });
  add("min_axis0", {F({4, 3})}, [](const In& x) { return x[0].min({0}); });
  add("min_i32", {I({4, 3})}, [](const In& x) { return x[0].min({1}); });
  add("mean_axis", {F({3, 8})}, [](const In& x) { return x[0].mean({-1}); }, 8, 1e-6, reduce_ref({1}, "mean"), 1, 0);
  add("mean_i32", {I({3, 8})}, [](const In& x) { return x[0].mean(); }, 8, 1e-6, reduce_ref({0, 1}, "mean"), 1, 0);
  add("var", {F({3, 8})}, [](const In& x) { return x[0].var({1}); }, 8, 1e-5);
  add("var_corr0_keepdim", {F({3, 8})}, [](const In& x) { return x[0].var({0}, true, 0); }, 8, 1e-5);
  add("std", {F({4, 6})}, [](const In& x) { return x[0].std({-1}); }, 8, 1e-5);
  add("std_all", {F({4, 6})}, [](const In& x) { return x[0].std(); }, 8, 1e-5);
  add("argmax_ties", {I({4, 6}, 0, 3)}, [](const In& x) { return x[0].cast(DType::f32).argmax(1); });
  add("argmax_neg_keepdim", {F({3, 4, 5})}, [](const In& x) { return x[0].argmax(-2, true); });
  add("argmin_ties", {I({5, 4}, 0, 2)}, [](const In& x) { return x[0].argmin(0); });
  add("softmax", {F({3, 7}, -5, 5, {1000, 999, -inf})}, [](const In& x) { return x[0].softmax(); }, 4, 1e-7,
      rows_ref(softmax_row), 16, 1e-7);
  add("softmax_axis0", {F({5, 3})}, [](const In& x) { return x[0].softmax(0); }, 4, 1e-7);
  add("log_softmax", {F({4, 6}, -5, 5, {100, -100})}, [](const In& x) { return x[0].log_softmax(); }, 4, 1e-6,
      rows_ref([](const std::vector<double>& r) {
        auto s = softmax_row(r);
        for (auto& e : s) e = std::log(e);
        return s;
      }), 16, 1e-5);
  add("logsumexp", {F({4, 6}, -5, 5, {80, 80, 80})}, [](const In& x) { return x[0].logsumexp(-1); }, 4, 1e-6,
      rows_ref([](const std::vector<double>& r) {
        double m = *std::max_element(r.begin(), r.end()), s = 0;
        for (double e : r) s += std::exp(e - m);
        return std::vector<double>{m + std::log(s)};
      }), 8, 1e-6);
  add("logsumexp_keepdim_axis0", {F({4, 3})}, [](const In& x) { return x[0].logsumexp(0, true); }, 4, 1e-6);

  add("softmax_empty_rows", {F({0, 5})}, [](const In& x) { return x[0].softmax(); });
  add("max_empty_rows", {F({0, 4})}, [](const In& x) { return x[0].max({1}); });
  add("mean_1elem_axis", {F({3, 1})}, [](const In& x) { return x[0].mean({1}); });

  // ---- movement: views, and ops applied through them
  add("permute_then_exp", {F({2, 3, 4})}, [](const In& x) { return x[0].permute({2, 0, 1}).exp(); }, 2);
  add("reshape_of_permuted", {F({3, 4})}, [](const In& x) { return x[0].permute({1, 0}).reshape({2, 6}) + 1.f; });
  add("expand_then_mul", {F({3, 1}), F({3, 5})}, [](const In& x) { return x[0].expand({3, 5}) * x[1]; });
  add("expand_0d", {F({})}, [](const In& x) { return x[0].expand({2, 3}) * 2.f; });
  add("shrink_then_add", {F({5, 6})}, [](const In& x) { return x[0].shrink({{1, 4}, {2, 6}}) + 1.f; });
  add("pad_then_exp", {F({2, 3})}, [](const In& x) { return x[0].pad({{1, 1}, {0, 2}}).exp(); }, 2);
  add("pad_value", {F({2, 3})}, [](const In& x) { return x[0].pad({{1, 0}, {1, 1}}, -2.5f); });
  add("pad_negative_crops", {F({4, 3})}, [](const In& x) { return x[0].pad({{-1, 1}, {2, -1}}); });
  add("pad_of_permuted", {F({3, 2})}, [](const In& x) { return x[0].T().pad({{0, 1}, {1, 0}}, 7.f) * 2.f; });
  add("flip_both", {F({3, 4})}, [](const In& x) { return x[0].flip({0, 1}); });
  add("flip_neg_axis_then_add", {F({2, 5}), F({5})}, [](const In& x) { return x[0].flip({-1}) + x[1]; });
  add("slice_step2", {F({7, 5})}, [](const In& x) { return x[0].slice({Range{1, 7, 2}, Range{}}); });
  add("slice_neg_step", {F({6, 5})}, [](const In& x) { return x[0].slice({Range{D, D, -1}, Range{4, 0, -2}}); });
  add("slice_neg_indices", {F({6, 5})}, [](const In& x) { return x[0].slice({Range{-3, -1}, Range{-4, D, 3}}); });
  add("slice_empty", {F({6, 5})}, [](const In& x) { return x[0].slice({Range{4, 2}}); });
  add("index_neg", {F({4, 3})}, [](const In& x) { return x[0][-1] + x[0][1]; });
  add("cat_axis0", {F({2, 3}), F({1, 3}), F({3, 3})}, [](const In& x) { return Tensor::cat({x[0], x[1], x[2]}, 0); });
  add("cat_neg_axis", {F({2, 3}), F({2, 2})}, [](const In& x) { return Tensor::cat({x[0], x[1]}, -1); });
  add("cat_with_empty", {F({2, 3}), F({2, 0})}, [](const In& x) { return Tensor::cat({x[1], x[0]}, 1); });
  add("cat_i32", {I({2}), I({3})}, [](const In& x) { return Tensor::cat({x[0], x[1]}); });
  add("cat_bool", {Bool({2, 2}), Bool({2, 1})}, [](const In& x) { return Tensor::cat({x[0], x[1]}, 1); });
  add("stack_axis0", {F({2, 3}), F({2, 3})}, [](const In& x) { return Tensor::stack({x[0], x[1]}); });
  add("stack_neg_axis", {F({2, 3}), F({2, 3}), F({2, 3})}, [](const In& x) { return Tensor::stack({x[0], x[1], x[2]}, -1); });
  add("repeat", {F({2, 3})}, [](const In& x) { return x[0].repeat({2, 1, 2}); });
  add("squeeze_unsqueeze_flatten", {F({2, 1, 3})},
      [](const In& x) { return x[0].squeeze(1).unsqueeze(0).unsqueeze(-1).flatten(1) * 3.f; });
  add("transpose_contiguous", {F({3, 4, 2})}, [](const In& x) { return x[0].transpose(0, 2).contiguous(); });
  add("contiguous_of_sliced", {F({5, 6})}, [](const In& x) { return x[0].slice({Range{1, 5, 2}, Range{D, D, -2}}).contiguous(); });

  // ---- matmul: 2-D, transposed (as stored, then .T()), batched, vectors, BLAS-sized, empty
  const int64_t mu = 16;  // target tolerance: accumulation order differs between devices
  const double ma = 1e-4;
  add("matmul_2d", {F({5, 7}), F({7, 3})}, [](const In& x) { return x[0].matmul(x[1]); }, mu, ma,
      matmul_ref(1, 5, 7, 3, false, false), 1, 1e-6);
  add("matmul_tA", {F({7, 5}), F({7, 3})}, [](const In& x) { return x[0].T().matmul(x[1]); }, mu, ma,
      matmul_ref(1, 5, 7, 3, true, false), 1, 1e-6);
  add("matmul_tB", {F({5, 7}), F({3, 7})}, [](const In& x) { return x[0].matmul(x[1].T()); }, mu, ma,
      matmul_ref(1, 5, 7, 3, false, true), 1, 1e-6);
  add("matmul_blas", {F({32, 48}), F({48, 40})}, [](const In& x) { return x[0].matmul(x[1]); }, mu, ma,
      matmul_ref(1, 32, 48, 40, false, false), 64, 1e-5);
  add("matmul_blas_tAB", {F({48, 32}), F({40, 48})}, [](const In& x) { return x[0].T().matmul(x[1].T()); }, mu, ma,
      matmul_ref(1, 32, 48, 40, true, true), 64, 1e-5);
  add("matmul_blas_packed", {F({48, 32}), F({48, 40})}, [](const In& x) { return (x[0] * 2.f).T().matmul(x[1].relu()); }, mu, ma);
  add("matmul_batched", {F({2, 3, 4}), F({2, 4, 5})}, [](const In& x) { return x[0].matmul(x[1]); }, mu, ma,
      matmul_ref(2, 3, 4, 5, false, false), 1, 1e-6);
  add("matmul_bcast_batch", {F({3, 4}), F({2, 4, 5})}, [](const In& x) { return x[0].matmul(x[1]); }, mu, ma);
  add("matmul_3d_2d", {F({2, 3, 4}), F({4, 5})}, [](const In& x) { return x[0].matmul(x[1]); }, mu, ma);
  add("matmul_vec_mat", {F({4}), F({4, 3})}, [](const In& x) { return x[0].matmul(x[1]); }, mu, ma,
      matmul_ref(1, 1, 4, 3, false, false), 1, 1e-6);
  add("matmul_mat_vec", {F({3, 4}), F({4})}, [](const In& x) { return x[0].matmul(x[1]); }, mu, ma,
      matmul_ref(1, 3, 4, 1, false, false), 1, 1e-6);
  add("matmul_dot", {F({6}), F({6})}, [](const In& x) { return x[0].dot(x[1]); }, mu, ma, matmul_ref(1, 1, 6, 1, false, false), 1, 1e-6);
  add("matmul_1x1", {F({1, 1}), F({1, 1})}, [](const In& x) { return x[0].matmul(x[1]); }, 0, 0,
      matmul_ref(1, 1, 1, 1, false, false), 0, 0);
  add("matmul_empty_M", {F({0, 3}), F({3, 4})}, [](const In& x) { return x[0].matmul(x[1]); });
  add("matmul_empty_K", {F({3, 0}), F({0, 4})}, [](const In& x) { return x[0].matmul(x[1]); }, 0, 0,
      matmul_ref(1, 3, 0, 4, false, false), 0, 0);
  add("matmul_empty_N", {F({3, 4}), F({4, 0})}, [](const In& x) { return x[0].matmul(x[1]); });
  add("linear_bias", {F({4, 6}), F({3, 6}), F({3})}, [](const In& x) { return x[0].linear(x[1], x[2]); }, mu, ma);

  // ---- convolution and pooling
  add("conv2d_basic", {F({1, 1, 5, 5}), F({1, 1, 3, 3})}, [](const In& x) { return x[0].conv2d(x[1]); }, mu, ma,
      conv_ref(1, 0, 1), 2, 1e-6);
  add("conv2d_stride2_pad1_bias", {F({2, 3, 7, 6}), F({4, 3, 3, 3}), F({4})},
      [](const In& x) { return x[0].conv2d(x[1], x[2], 2, 1); }, mu, ma, conv_ref(2, 1, 1), 2, 1e-5);
  add("conv2d_dilation2_pad2", {F({1, 2, 7, 7}), F({2, 2, 3, 3})},
      [](const In& x) { return x[0].conv2d(x[1], Tensor(), 1, 2, 2); }, mu, ma, conv_ref(1, 2, 2), 2, 1e-5);
  add("conv2d_1x1_stride3", {F({1, 4, 7, 7}), F({2, 4, 1, 1})}, [](const In& x) { return x[0].conv2d(x[1], Tensor(), 3); },
      mu, ma, conv_ref(3, 0, 1), 2, 1e-5);
  add("conv2d_nonsquare_kernel", {F({1, 2, 5, 6}), F({3, 2, 2, 3})}, [](const In& x) { return x[0].conv2d(x[1]); }, mu, ma,
      conv_ref(1, 0, 1), 2, 1e-5);
  add("conv2d_permuted_input", {F({1, 6, 5, 2}), F({2, 2, 3, 3})},
      [](const In& x) { return x[0].permute({0, 3, 1, 2}).conv2d(x[1]); }, mu, ma);
  add("conv2d_empty_batch", {F({0, 1, 4, 4}), F({2, 1, 3, 3})}, [](const In& x) { return x[0].conv2d(x[1]); });
  add("max_pool2d_k2", {F({1, 2, 6, 6})}, [](const In& x) { return x[0].max_pool2d(2); }, 0, 0, pool_ref(2, 2, 0, true));
  add("max_pool2d_odd_crop", {F({2, 5, 5})}, [](const In& x) { return x[0].max_pool2d(2); }, 0, 0, pool_ref(2, 2, 0, true));
  add("max_pool2d_k3_s1_p1", {F({1, 1, 4, 5})}, [](const In& x) { return x[0].max_pool2d(3, 1, 1); }, 0, 0, pool_ref(3, 1, 1, true));
  add("max_pool2d_k3_s2", {F({1, 2, 7, 7})}, [](const In& x) { return x[0].max_pool2d(3, 2); }, 0, 0, pool_ref(3, 2, 0, true));
  add("avg_pool2d_k2", {F({1, 2, 4, 6})}, [](const In& x) { return x[0].avg_pool2d(2); }, 2, 1e-7, pool_ref(2, 2, 0, false), 1, 1e-7);
  add("avg_pool2d_k3_s2_p1", {F({1, 1, 6, 5})}, [](const In& x) { return x[0].avg_pool2d(3, 2, 1); }, 2, 1e-7,
      pool_ref(3, 2, 1, false), 2, 1e-7);

  // ---- normalisation, misc nn and losses
  add("layernorm", {F({3, 8})}, [](const In& x) { return x[0].layernorm(); }, 8, 1e-5);
  add("layernorm_2axes", {F({2, 3, 4})}, [](const In& x) { return x[0].layernorm({-2, -1}); }, 8, 1e-5);
  add("dropout_eval", {F({3, 4})}, [](const In& x) { return x[0].dropout(0.5f, false); });
  add("one_hot", {I({6}, 0, 3)}, [](const In& x) { return x[0].one_hot(4); });
  add("one_hot_u8", {U8({2, 3}, {0, 1, 2, 3, 4, 1})}, [](const In& x) { return x[0].one_hot(5); });
  add("sparse_ce", {F({4, 5}), I({4}, 0, 4)}, [](const In& x) { return x[0].sparse_categorical_crossentropy(x[1]); }, 8, 1e-6);
  add("sparse_ce_smooth", {F({4, 5}), I({4}, 0, 4)},
      [](const In& x) { return x[0].sparse_categorical_crossentropy(x[1], 0.1f); }, 8, 1e-6);
  add("binary_ce", {F({3, 4}, 0.05, 0.95), F({3, 4}, 0, 1)}, [](const In& x) { return x[0].binary_crossentropy(x[1]); }, 8, 1e-6);
  add("binary_ce_logits", {F({3, 4}, -6, 6), F({3, 4}, 0, 1)},
      [](const In& x) { return x[0].binary_crossentropy_logits(x[1]); }, 8, 1e-6);
  add("mse", {F({3, 4}), F({3, 4})}, [](const In& x) { return x[0].mse_loss(x[1]); }, 8, 1e-6);
}

}  // namespace tinypynq::test
