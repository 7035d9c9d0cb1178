// The op-suite infrastructure and its element-wise cases: every first-class op applied
// directly on the lazy graph (what a device must implement) and the composed element-wise ops
// of the frontend. Reduce, movement and nn cases are in op_cases_nn.cpp.
#include "tests/tensor/op_cases.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>

#include "tensor/device.h"
#include "tensor/lazy.h"

namespace tinypynq::test {

int64_t ulp_distance(float a, float b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b) ? 0 : std::numeric_limits<int64_t>::max();
  auto ordered = [](float x) {  // monotonic map of float bits onto integers; +0 and -0 both map to 0
    int32_t i = std::bit_cast<int32_t>(x);
    return i < 0 ? static_cast<int64_t>(std::numeric_limits<int32_t>::min()) - i : static_cast<int64_t>(i);
  };
  int64_t d = ordered(a) - ordered(b);
  return d < 0 ? -d : d;
}

double HostArray::at(int64_t k) const {
  switch (dtype) {
    case DType::f32: return f[k];
    case DType::i32: return i[k];
    default: return u[k];
  }
}

InputSpec F(Shape s, double lo, double hi, std::vector<double> sp) {
  return {std::move(s), DType::f32, [=](std::mt19937_64& r) { return std::uniform_real_distribution<double>(lo, hi)(r); },
          std::move(sp)};
}
InputSpec Fsigned(Shape s, double lo, double hi, std::vector<double> sp) {
  return {std::move(s), DType::f32,
          [=](std::mt19937_64& r) {
            double m = std::uniform_real_distribution<double>(lo, hi)(r);
            return (r() & 1) ? m : -m;
          },
          std::move(sp)};
}
InputSpec I(Shape s, int32_t lo, int32_t hi, std::vector<double> sp) {
  return {std::move(s), DType::i32, [=](std::mt19937_64& r) { return std::uniform_int_distribution<int32_t>(lo, hi)(r); },
          std::move(sp)};
}
InputSpec Bool(Shape s, std::vector<double> sp) {
  return {std::move(s), DType::boolean, [](std::mt19937_64& r) { return static_cast<double>(r() & 1); }, std::move(sp)};
}
InputSpec U8(Shape s, std::vector<double> sp) {
  return {std::move(s), DType::u8, [](std::mt19937_64& r) { return static_cast<double>(r() & 255); }, std::move(sp)};
}

Ref elementwise(std::function<double(const std::vector<double>&)> f) {
  return [f](const std::vector<HostArray>& in) {
    std::vector<double> out(in[0].numel()), args(in.size());
    for (auto& a : in)
      if (a.shape != in[0].shape) { ADD_FAILURE() << "elementwise ref needs equal input shapes"; return out; }
    for (int64_t k = 0; k < in[0].numel(); ++k) {
      for (size_t j = 0; j < in.size(); ++j) args[j] = in[j].at(k);
      out[k] = f(args);
    }
    return out;
  };
}

std::vector<HostArray> make_inputs(const OpCase& c) {
  std::vector<HostArray> r;
  uint64_t seed = 1469598103934665603ull;  // FNV-1a of the name: the same inputs on every platform
  for (unsigned char ch : c.name) seed = (seed ^ ch) * 1099511628211ull;
  for (size_t n = 0; n < c.inputs.size(); ++n) {
    const InputSpec& s = c.inputs[n];
    std::mt19937_64 rng(seed + 7919 * n);
    HostArray h;
    h.dtype = s.dtype, h.shape = s.shape;
    const int64_t cnt = prod(s.shape);
    for (int64_t k = 0; k < cnt; ++k) {
      double v = k < static_cast<int64_t>(s.specials.size()) ? s.specials[k] : s.gen(rng);
      if (s.dtype == DType::f32) h.f.push_back(static_cast<float>(v));
      else if (s.dtype == DType::i32) h.i.push_back(static_cast<int32_t>(v));
      else h.u.push_back(static_cast<uint8_t>(v));
    }
    r.push_back(std::move(h));
  }
  return r;
}

HostArray read_back(const Tensor& t) {
  HostArray h;
  h.dtype = t.dtype(), h.shape = t.shape();
  if (h.dtype == DType::f32) h.f = t.to_vector<float>();
  else if (h.dtype == DType::i32) h.i = t.to_vector<int32_t>();
  else h.u = t.to_vector<uint8_t>();
  return h;
}

HostArray run_case(const OpCase& c, const std::vector<HostArray>& inputs, const std::string& target) {
  In ts;
  for (auto& h : inputs) {
    const void* p = h.dtype == DType::f32 ? static_cast<const void*>(h.f.data())
                    : h.dtype == DType::i32 ? static_cast<const void*>(h.i.data())
                                            : static_cast<const void*>(h.u.data());
    ts.push_back(Tensor::from_bytes(p, h.dtype, h.shape, target));
  }
  Tensor out = c.build(ts);
  EXPECT_EQ(out.device().name(), target) << c.name << ": result landed on another device";
  out.realize();
  return read_back(out);
}

std::vector<std::string> test_targets() {
  std::vector<std::string> r;
  if (const char* e = std::getenv("TINYPYNQ_TEST_TARGETS"); e && *e) {
    std::stringstream ss(e);
    for (std::string t; std::getline(ss, t, ',');)
      if (!t.empty()) r.push_back(t);
    return r;
  }
  // Every registered device ("cpu" always, so the suite runs on every build), except the real
  // board: it needs the hardware, so it runs only when named.
  for (const std::string& d : device_names())
    if (d != "board") r.push_back(d);
  return r;
}

// ------------------------------------------------------------------------ the cases
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double imax = 2147483647.0, imin = -2147483648.0;

// First-class ops straight on the lazy graph: exactly what a device is asked to run.
Tensor fco(Op op, const In& x) {
  std::vector<LB> l;
  for (auto& t : x) l.push_back(t.lazy());
  return Tensor(lb_alu(op, l));
}
Tensor fco_cast(const Tensor& x, DType d) { return Tensor(lb_cast(x.lazy(), d)); }
double f32(double v) { return static_cast<float>(v); }
double wrap32(int64_t v) { return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(v))); }
double trunc_sat(double x) {
  if (std::isnan(x)) return 0;
  return x >= 2147483648.0 ? imax : x <= imin ? imin : std::trunc(x);
}

// Paired specials for binary float ops: 0/0, x/0, inf-inf, overflow, tiny, NaN, signs.
const std::vector<double> kA = {0, -0.0, inf, -inf, inf, nan, 1, 3e38, 1e-38, -1e-38, 1e-45, 7, -7, 5.5, -5.5, 0, -0.0, 2};
const std::vector<double> kB = {-0.0, 0, inf, inf, -inf, 2, nan, 3e38, 1e-38, 1e-38, 2, 0, 2, -2, 2, 0, 3, 1e-30};
// Paired specials for int32 ops: wrap-around, division by 0 and -1, signs.
const std::vector<double> kIA = {imax, imin, imin, imin, 7, -7, 7, -7, 0, 5, 65536, 46341, -1};
const std::vector<double> kIB = {1, -1, 1, 0, 2, 2, -2, -2, 3, 0, 65536, 46341, imin};
const std::vector<double> kUnary = {0, -0.0, inf, -inf, nan, 1, -1, 3e38, -3e38, 1e-38, 1e-45, 0.5};

using V = const std::vector<double>&;

void add_fco_cases(std::vector<OpCase>& v) {
  const Shape s{4, 37};  // not a multiple of any SIMD width
  auto un = [&](const char* n, Op op, InputSpec in, std::function<double(double)> f, int64_t ru) {
    const bool is_f = in.dtype == DType::f32;
    v.push_back({n, {std::move(in)}, [op](const In& x) { return fco(op, x); }, 0, 0,
                 elementwise([f, is_f](V a) { return is_f ? f32(f(a[0])) : f(a[0]); }), ru, 0});
  };
  un("fco_EXP2", Op::EXP2, F(s, -20, 20, {0, -0.0, inf, -inf, nan, 1, -1, 10, 127.99, 128, -126, -149, -150, 0.5}),
     [](double x) { return std::exp2(x); }, 1);
  v.back().pl_ulps = 2;  // hw-spec §9: 1 ULP vs correctly rounded, + 1 for libm's exp2f on cpu
  un("fco_LOG2", Op::LOG2, F(s, 1e-3, 1e3, {0, -0.0, -1, inf, -inf, nan, 1, 2, 8, 0.5, 1e-38, 1e-45, 3e38}),
     [](double x) { return std::log2(x); }, 1);
  v.back().pl_ulps = 2;
  un("fco_SIN", Op::SIN, F(s, -10, 10, {0, -0.0, inf, -inf, nan, 3.14159265, -1.5707963, 100, -1000, 1e-30}),
     [](double x) { return std::sin(x); }, 1);
  v.back().pl_ulps = 3;  // hw-spec §9: 2 ULP for |x| <= 65536, + 1 for libm's sinf
  un("fco_SQRT", Op::SQRT, F(s, 0, 100, {0, -0.0, -1, inf, -inf, nan, 1, 2, 4, 1e-38, 1e-45, 3e38}),
     [](double x) { return std::sqrt(x); }, 0);
  un("fco_RECIP", Op::RECIP, F(s, -10, 10, {0, -0.0, inf, -inf, nan, 1, -1, 3, 3e38, 1e-38, 1e-45}),
     [](double x) { return 1.0 / x; }, 0);
  un("fco_NEG", Op::NEG, F(s, -10, 10, kUnary), [](double x) { return -x; }, 0);
  un("fco_NEG_i32", Op::NEG, I(s, -1000, 1000, {imax, imin, 0, -1}),
     [](double x) { return wrap32(-static_cast<int64_t>(x)); }, 0);

  auto bin = [&](const char* n, Op op, InputSpec a, InputSpec b, std::function<double(double, double)> f) {
    v.push_back({n, {std::move(a), std::move(b)}, [op](const In& x) { return fco(op, x); }, 0, 0,
                 elementwise([f](V x) { return f(x[0], x[1]); }), 0, 0});
  };
  auto cmp = [](bool r) { return r ? 1.0 : 0.0; };
  bin("fco_ADD", Op::ADD, F(s, -10, 10, kA), F(s, -10, 10, kB), [](double a, double b) { return f32(a + b); });
  bin("fco_SUB", Op::SUB, F(s, -10, 10, kA), F(s, -10, 10, kB), [](double a, double b) { return f32(a - b); });
  bin("fco_MUL", Op::MUL, F(s, -10, 10, kA), F(s, -10, 10, kB), [](double a, double b) { return f32(a * b); });
  bin("fco_DIV", Op::DIV, F(s, -10, 10, kA), F(s, -10, 10, kB), [](double a, double b) { return f32(a / b); });
  bin("fco_MAX", Op::MAX, F(s, -10, 10, kA), F(s, -10, 10, kB),
      [](double a, double b) { return std::isnan(a) || std::isnan(b) ? nan : std::max(a, b); });
  bin("fco_MOD", Op::MOD, F(s, -10, 10, kA), F(s, -10, 10, kB), [](double a, double b) { return std::fmod(a, b); });
  bin("fco_CMPLT", Op::CMPLT, F(s, -3, 3, kA), F(s, -3, 3, kB), [=](double a, double b) { return cmp(a < b); });
  bin("fco_CMPEQ", Op::CMPEQ, F(s, -1, 1, kA), F(s, -1, 1, kB), [=](double a, double b) { return cmp(a == b); });
  // Integer arithmetic wraps (two's complement); x / 0 and x % 0 are 0; % takes the dividend's sign.
  auto i64 = [](double x) { return static_cast<int64_t>(x); };
  bin("fco_ADD_i32", Op::ADD, I(s, -100, 100, kIA), I(s, -100, 100, kIB), [=](double a, double b) { return wrap32(i64(a) + i64(b)); });
  bin("fco_SUB_i32", Op::SUB, I(s, -100, 100, kIA), I(s, -100, 100, kIB), [=](double a, double b) { return wrap32(i64(a) - i64(b)); });
  bin("fco_MUL_i32", Op::MUL, I(s, -100, 100, kIA), I(s, -100, 100, kIB), [=](double a, double b) { return wrap32(i64(a) * i64(b)); });
  bin("fco_DIV_i32", Op::DIV, I(s, -100, 100, kIA), I(s, -9, 9, kIB),
      [=](double a, double b) { return b == 0 ? 0 : wrap32(i64(a) / i64(b)); });
  bin("fco_MOD_i32", Op::MOD, I(s, -100, 100, kIA), I(s, -9, 9, kIB),
      [=](double a, double b) { return b == 0 ? 0 : wrap32(i64(a) % i64(b)); });
  bin("fco_MAX_i32", Op::MAX, I(s, -100, 100, kIA), I(s, -100, 100, kIB), [](double a, double b) { return std::max(a, b); });
  bin("fco_CMPLT_i32", Op::CMPLT, I(s, -3, 3, kIA), I(s, -3, 3, kIB), [=](double a, double b) { return cmp(a < b); });
  bin("fco_CMPEQ_i32", Op::CMPEQ, I(s, -3, 3, kIA), I(s, -3, 3, kIB), [=](double a, double b) { return cmp(a == b); });

  v.push_back({"fco_WHERE", {Bool(s), F(s, -5, 5, {nan, -0.0, inf}), F(s, -5, 5, {1, nan, -inf})},
               [](const In& x) { return fco(Op::WHERE, x); }, 0, 0,
               elementwise([](V a) { return a[0] != 0 ? a[1] : a[2]; })});
  v.push_back({"fco_WHERE_i32", {Bool(s), I(s), I(s)}, [](const In& x) { return fco(Op::WHERE, x); }, 0, 0,
               elementwise([](V a) { return a[0] != 0 ? a[1] : a[2]; })});

  // Reduce and copy first-class ops straight on the graph (keepdim shapes).
  v.push_back({"fco_SUM", {F({5, 6, 7}, -2, 2, {inf, 1})}, [](const In& x) { return Tensor(lb_reduce(Op::SUM, x[0].lazy(), {0, 2})); },
               8, 1e-5});
  v.push_back({"fco_RMAX", {F({5, 6, 7}, -2, 2, {nan, 1, -inf})},
               [](const In& x) { return Tensor(lb_reduce(Op::RMAX, x[0].lazy(), {1})); }});
  v.push_back({"fco_SUM_i32", {I({4, 9}, -1000, 1000, {imax, 1})}, [](const In& x) { return Tensor(lb_reduce(Op::SUM, x[0].lazy(), {1})); }});
  v.push_back({"fco_RMAX_i32", {I({4, 9}, -1000, 1000, {imin})}, [](const In& x) { return Tensor(lb_reduce(Op::RMAX, x[0].lazy(), {0})); }});
  v.push_back({"fco_CONTIGUOUS", {F({3, 4, 5})},
               [](const In& x) { return Tensor(lb_contiguous(lb_permute(x[0].lazy(), {2, 0, 1}))); }});

  // CAST: float -> int truncates toward 0 and saturates, NaN -> 0; -> bool is (x != 0).
  auto cast = [&](const char* n, InputSpec in, DType to, std::function<double(double)> f) {
    v.push_back({n, {std::move(in)}, [to](const In& x) { return fco_cast(x[0], to); }, 0, 0,
                 elementwise([f](V a) { return f(a[0]); })});
  };
  cast("fco_CAST_f32_i32", F(s, -1e3, 1e3, {0.5, -0.5, 1.9999, -2.7, 3e9, -3e9, nan, inf, -inf, 2147483520.0, imin, -0.0}),
       DType::i32, trunc_sat);
  cast("fco_CAST_i32_f32", I(s, -100000, 100000, {16777217, -16777217, imax, imin, 0}), DType::f32, f32);
  cast("fco_CAST_f32_bool", F(s, -2, 2, {0, -0.0, nan, inf, 1e-45}), DType::boolean, [](double x) { return x != 0 ? 1.0 : 0.0; });
  cast("fco_CAST_bool_f32", Bool(s), DType::f32, [](double x) { return x; });
  cast("fco_CAST_i32_bool", I(s, -2, 2, {0, imin}), DType::boolean, [](double x) { return x != 0 ? 1.0 : 0.0; });
  cast("fco_CAST_u8_f32", U8(s, {0, 255}), DType::f32, [](double x) { return x; });
  cast("fco_CAST_f32_u8", F(s, 0, 255.99, {0, 255.5, 0.99}), DType::u8, [](double x) { return std::trunc(x); });
  cast("fco_CAST_i32_u8", I(s, -1000, 1000, {256, -1, 255}), DType::u8,
       [](double x) { return static_cast<double>(static_cast<uint8_t>(static_cast<int32_t>(x))); });
}

void add_composed_elementwise(std::vector<OpCase>& v) {
  const Shape s{3, 29};
  // name, input, op, reference, (target ulps, target atol), (ref ulps, ref atol)
  auto un = [&](const char* n, InputSpec in, std::function<Tensor(const Tensor&)> op, std::function<double(double)> f,
                int64_t ulps, double atol, int64_t ru, double ra) {
    v.push_back({n, {std::move(in)}, [op](const In& x) { return op(x[0]); }, ulps, atol,
                 f ? elementwise([f](V a) { return f(a[0]); }) : Ref(nullptr), ru, ra});
  };
  un("exp", F(s, -10, 10, {0, -0.0, inf, -inf, nan, 1, 88, 89, -87, -104, -110}), [](auto& x) { return x.exp(); },
     [](double x) { return std::exp(x); }, 2, 0, 64, 1e-44);  // exp(x) = EXP2(x * log2(e)): error grows with |x|
  un("exp2", F(s, -10, 10, {0, 1, 3, -1, 10, 127, 128, -126, inf, -inf, nan}), [](auto& x) { return x.exp2(); },
     [](double x) { return std::exp2(x); }, 2, 0, 16, 1e-44);
  un("log", F(s, 1e-3, 100, {0, -0.0, -1, inf, -inf, nan, 1, 2.718281828, 1e-38, 1e-45, 3e38}),
     [](auto& x) { return x.log(); }, [](double x) { return std::log(x); }, 2, 0, 2, 0);
  un("log2", F(s, 1e-3, 100, {0, -1, inf, nan, 1, 2, 8, 0.5, 1024, 1e-38}), [](auto& x) { return x.log2(); },
     [](double x) { return std::log2(x); }, 2, 0, 4, 0);
  un("sin", F(s, -10, 10, {0, -0.0, inf, nan, 3.14159265}), [](auto& x) { return x.sin(); },
     [](double x) { return std::sin(x); }, 1, 0, 1, 0);
  un("cos", F(s, -10, 10, {0, nan, 3.14159265, 1.5707963}), [](auto& x) { return x.cos(); },
     [](double x) { return std::cos(x); }, 2, 1e-6, 4, 2e-6);
  un("tan", F(s, -1.2, 1.2, {0, nan}), [](auto& x) { return x.tan(); }, [](double x) { return std::tan(x); }, 4, 1e-6, 16, 1e-6);
  un("sqrt", F(s, 0, 50, {0, -1, inf, nan, 2}), [](auto& x) { return x.sqrt(); }, [](double x) { return std::sqrt(x); }, 0, 0, 0, 0);
  un("rsqrt", F(s, 1e-3, 50, {0, -1, inf, nan, 4}), [](auto& x) { return x.rsqrt(); },
     [](double x) { return 1 / std::sqrt(x); }, 1, 0, 2, 0);
  un("reciprocal", F(s, -10, 10, kUnary), [](auto& x) { return x.reciprocal(); }, [](double x) { return 1 / x; }, 0, 0, 0, 0);
  un("relu", F(s, -3, 3, kUnary), [](auto& x) { return x.relu(); },
     [](double x) { return std::isnan(x) ? nan : std::max(x, 0.0); }, 0, 0, 0, 0);
  un("leaky_relu", F(s, -3, 3, {0, inf, -inf, nan}), [](auto& x) { return x.leaky_relu(0.1f); },
     [](double x) { return x > 0 ? x : f32(0.1) * x; }, 1, 0, 2, 0);
  un("abs", F(s, -3, 3, kUnary), [](auto& x) { return x.abs(); }, [](double x) { return std::fabs(x); }, 0, 0, 0, 0);
  un("sign", F(s, -3, 3, {0, -0.0, inf, -inf, 1e-45}), [](auto& x) { return x.sign(); },
     [](double x) { return x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0; }, 0, 0, 0, 0);
  un("sigmoid", F(s, -20, 20, {0, inf, -inf, nan, 88, -88, -100, 1e-30}), [](auto& x) { return x.sigmoid(); },
     [](double x) { return 1 / (1 + std::exp(-x)); }, 4, 0, 64, 1e-30);
  un("tanh", F(s, -5, 5, {0, inf, -inf, nan, 10, -10, 50, 1e-4}), [](auto& x) { return x.tanh(); },
     [](double x) { return std::tanh(x); }, 4, 1e-7, 16, 2e-7);
  un("gelu", F(s, -6, 6, {0, 20, -20, nan, 1e-4}), [](auto& x) { return x.gelu(); },
     [](double x) { return 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x))); }, 4, 1e-7, 16, 1e-6);
  un("silu", F(s, -8, 8, {0, nan, 30, -30}), [](auto& x) { return x.silu(); },
     [](double x) { return x / (1 + std::exp(-x)); }, 4, 1e-7, 64, 1e-6);
  un("softplus", F(s, -20, 20, {0, 100, -100, nan}), [](auto& x) { return x.softplus(); },
     [](double x) { return std::max(x, 0.0) + std::log1p(std::exp(-std::fabs(x))); }, 4, 1e-7, 16, 1e-6);
  un("clip", F(s, -3, 3, {-1, 1, inf, -inf, nan}), [](auto& x) { return x.clip(-1, 1); },
     [](double x) { return std::isnan(x) ? nan : std::clamp(x, -1.0, 1.0); }, 0, 0, 0, 0);
  un("pow2", F(s, -3, 3, {0, inf, nan}), [](auto& x) { return x.pow(2); }, [](double x) { return f32(x * x); }, 0, 0, 0, 0);
  un("pow3", F(s, -3, 3, {0, -2, 2}), [](auto& x) { return x.pow(3); }, [](double x) { return x * x * x; }, 4, 1e-6, 64, 1e-6);
  un("pow1.5", F(s, -3, 3, {0, 4, -4, -0.5}), [](auto& x) { return x.pow(1.5f); },
     [](double x) { return std::pow(x, 1.5); }, 4, 1e-6, 64, 1e-6);
  un("pow-2", Fsigned(s, 0.2, 3), [](auto& x) { return x.pow(-2); }, [](double x) { return 1 / (x * x); }, 4, 0, 64, 0);
  un("pow0.5", F(s, 0, 9, {0, 4, -1}), [](auto& x) { return x.pow(0.5f); }, [](double x) { return std::sqrt(x); }, 0, 0, 0, 0);
  un("neg_0d", F({}, -3, 3), [](auto& x) { return -x; }, [](double x) { return -x; }, 0, 0, 0, 0);
  un("exp_1elem", F({1}, -3, 3), [](auto& x) { return x.exp(); }, [](double x) { return std::exp(x); }, 2, 0, 16, 0);
  un("exp_empty", F({0}), [](auto& x) { return x.exp(); }, [](double x) { return x; }, 0, 0, 0, 0);
  un("exp_empty2d", F({3, 0}), [](auto& x) { return x.exp() + 1.f; }, [](double x) { return x; }, 0, 0, 0, 0);
  un("logical_not", Bool(s), [](auto& x) { return x.logical_not(); }, [](double x) { return x == 0; }, 0, 0, 0, 0);
  un("neg_i32", I(s, -50, 50), [](auto& x) { return -x; }, [](double x) { return -x; }, 0, 0, 0, 0);
  un("exp_of_i32", I(s, -5, 5), [](auto& x) { return x.exp(); }, [](double x) { return std::exp(x); }, 2, 0, 16, 0);
  un("sqrt_of_u8", U8(s, {0, 255}), [](auto& x) { return x.sqrt(); }, [](double x) { return f32(std::sqrt(x)); }, 0, 0, 0, 0);

  auto bin = [&](const char* n, InputSpec a, InputSpec b, std::function<Tensor(const Tensor&, const Tensor&)> op,
                 std::function<double(double, double)> f, int64_t ulps = 0) {
    v.push_back({n, {std::move(a), std::move(b)}, [op](const In& x) { return op(x[0], x[1]); }, ulps, 0,
                 f ? elementwise([f](V x) { return f(x[0], x[1]); }) : Ref(nullptr), ulps, 0});
  };
  auto c = [](bool r) { return r ? 1.0 : 0.0; };
  bin("add", F(s, -5, 5, kA), F(s, -5, 5, kB), [](auto& a, auto& b) { return a + b; }, [](double a, double b) { return f32(a + b); });
  bin("sub", F(s, -5, 5, kA), F(s, -5, 5, kB), [](auto& a, auto& b) { return a - b; }, [](double a, double b) { return f32(a - b); });
  bin("mul", F(s, -5, 5, kA), F(s, -5, 5, kB), [](auto& a, auto& b) { return a * b; }, [](double a, double b) { return f32(a * b); });
  bin("div", F(s, -5, 5, kA), F(s, -5, 5, kB), [](auto& a, auto& b) { return a / b; }, [](double a, double b) { return f32(a / b); });
  bin("mod", F(s, -9, 9, kA), F(s, -4, 4, kB), [](auto& a, auto& b) { return a.mod(b); }, [](double a, double b) { return std::fmod(a, b); });
  bin("maximum", F(s, -3, 3, kA), F(s, -3, 3, kB), [](auto& a, auto& b) { return a.maximum(b); },
      [](double a, double b) { return std::isnan(a) || std::isnan(b) ? nan : std::max(a, b); });
  bin("minimum", F(s, -3, 3, kA), F(s, -3, 3, kB), [](auto& a, auto& b) { return a.minimum(b); },
      [](double a, double b) { return std::isnan(a) || std::isnan(b) ? nan : std::min(a, b); });
  bin("lt", F(s, -2, 2, kA), F(s, -2, 2, kB), [](auto& a, auto& b) { return a.lt(b); }, [=](double a, double b) { return c(a < b); });
  bin("gt", F(s, -2, 2, kA), F(s, -2, 2, kB), [](auto& a, auto& b) { return a.gt(b); }, [=](double a, double b) { return c(a > b); });
  bin("eq", F(s, -1, 1, kA), F(s, -1, 1, kB), [](auto& a, auto& b) { return a.eq(b); }, [=](double a, double b) { return c(a == b); });
  bin("ne", F(s, -1, 1, kA), F(s, -1, 1, kB), [](auto& a, auto& b) { return a.ne(b); }, [=](double a, double b) { return c(a != b); });
  // le/ge are defined as not(gt)/not(lt) (as in tinygrad), so a NaN operand gives true, unlike IEEE.
  bin("le", F(s, -2, 2, kA), F(s, -2, 2, kB), [](auto& a, auto& b) { return a.le(b); }, [=](double a, double b) { return c(!(a > b)); });
  bin("ge", F(s, -2, 2, kA), F(s, -2, 2, kB), [](auto& a, auto& b) { return a.ge(b); }, [=](double a, double b) { return c(!(a < b)); });
  bin("add_i32", I(s, -100, 100, kIA), I(s, -100, 100, kIB), [](auto& a, auto& b) { return a + b; },
      [](double a, double b) { return wrap32(static_cast<int64_t>(a) + static_cast<int64_t>(b)); });
  bin("mod_i32", I(s, -100, 100, kIA), I(s, -9, 9, kIB), [](auto& a, auto& b) { return a.mod(b); },
      [](double a, double b) { return b == 0 ? 0 : wrap32(static_cast<int64_t>(a) % static_cast<int64_t>(b)); });
  bin("div_i32", I(s, -100, 100, kIA), I(s, -9, 9, kIB), [](auto& a, auto& b) { return a / b; },
      [](double a, double b) { return b == 0 ? 0 : wrap32(static_cast<int64_t>(a) / static_cast<int64_t>(b)); });
  bin("minimum_i32", I(s), I(s), [](auto& a, auto& b) { return a.minimum(b); }, [](double a, double b) { return std::min(a, b); });
  bin("maximum_bool", Bool(s), Bool(s), [](auto& a, auto& b) { return a.maximum(b); }, [](double a, double b) { return std::max(a, b); });
  bin("minimum_bool", Bool(s), Bool(s), [](auto& a, auto& b) { return a.minimum(b); }, [](double a, double b) { return std::min(a, b); });
  bin("eq_bool", Bool(s), Bool(s), [](auto& a, auto& b) { return a.eq(b); }, [=](double a, double b) { return c(a == b); });
  // Broadcasting, scalars and 0-size shapes (no host ref: shapes differ).
  bin("add_bcast_col_row", F({3, 1}), F({1, 4}), [](auto& a, auto& b) { return a + b; }, nullptr);
  bin("mul_bcast_rank", F({2, 3, 4}), F({4}), [](auto& a, auto& b) { return a * b; }, nullptr);
  bin("div_by_0d", F({5, 2}), F({}, 1, 3), [](auto& a, auto& b) { return a / b; }, nullptr);
  bin("sub_scalar_left", F({7}), F({1}), [](auto& a, auto& b) { return 1.5f - a + b; }, nullptr);
  bin("add_empty_bcast", F({0, 3}), F({3}), [](auto& a, auto& b) { return a + b; }, nullptr);
  bin("mul_1elem_bcast", F({1, 1}), F({2, 3}), [](auto& a, auto& b) { return a * b; }, nullptr);
  bin("where_scalar_ops", F({4, 5}), F({5}), [](auto& a, auto& b) { return Tensor::where(a > b, a * 2.f, b - 1.f); }, nullptr);
  v.push_back({"where_bcast", {Bool({3, 1}), F({1, 4}), F({3, 4})}, [](const In& x) { return Tensor::where(x[0], x[1], x[2]); }});
  v.push_back({"cast_chain", {F(s, -300, 300)}, [](const In& x) { return x[0].cast(DType::i32).cast(DType::f32) * 0.5f; }});
}

}  // namespace

const std::vector<OpCase>& op_cases() {
  static const std::vector<OpCase> cases = [] {
    std::vector<OpCase> v;
    add_fco_cases(v);
    add_composed_elementwise(v);
    add_nn_cases(v);
    return v;
  }();
  return cases;
}

}  // namespace tinypynq::test
