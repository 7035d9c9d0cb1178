// The shared, target-independent op suite (after ggml's test-backend-ops and tinygrad's DEV=):
// every op case is written once as data, and test_op_suite.cpp runs each case on every target
// named in TINYPYNQ_TEST_TARGETS (comma list; default: every registered device), comparing the
// result against the same case on "cpu" within the case's tolerance. On "cpu" itself the case
// is also checked against its host reference (computed in double), when it has one.
//
//   OpCase c{"add_bcast", {F({3, 1}), F({1, 4})}, [](const In& x) { return x[0] + x[1]; }};
//   c.ref = elementwise([](const std::vector<double>& v) { return v[0] + v[1]; });
//
// Tolerances: a float element passes when its ULP distance is <= ulps or |a - b| <= atol.
// ULP distance treats NaN == NaN (any payload) and +0 == -0. Non-float outputs are exact.
#pragma once
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace tinypynq::test {

// Distance in units in the last place; 0 for NaN vs NaN and +0 vs -0, INT64_MAX for NaN vs number.
int64_t ulp_distance(float a, float b);

// A host array: the bytes of one tensor (f32 as float, i32 as int32, bool/u8 as uint8).
struct HostArray {
  DType dtype = DType::f32;
  Shape shape;
  std::vector<float> f;
  std::vector<int32_t> i;
  std::vector<uint8_t> u;
  int64_t numel() const { return prod(shape); }
  double at(int64_t k) const;  // value as double, any dtype
};

// How one input is generated: `specials` fill the first elements (in order), the rest come
// from `gen` with a per-case seed.
struct InputSpec {
  Shape shape;
  DType dtype = DType::f32;
  std::function<double(std::mt19937_64&)> gen;
  std::vector<double> specials;
};
InputSpec F(Shape s, double lo = -3, double hi = 3, std::vector<double> specials = {});
InputSpec I(Shape s, int32_t lo = -20, int32_t hi = 20, std::vector<double> specials = {});
InputSpec Bool(Shape s, std::vector<double> specials = {});
InputSpec U8(Shape s, std::vector<double> specials = {});
// Values whose magnitude lies in [lo, hi] with a random sign (away from 0 for kinks).
InputSpec Fsigned(Shape s, double lo, double hi, std::vector<double> specials = {});

using In = std::vector<Tensor>;
using Ref = std::function<std::vector<double>(const std::vector<HostArray>&)>;

struct OpCase {
  std::string name;
  std::vector<InputSpec> inputs;
  std::function<Tensor(const In&)> build;
  int64_t ulps = 0;     // allowed distance of a target's float result from cpu's (0: bit-exact)
  double atol = 0;      // ... or absolute difference (for results that cancel towards 0)
  Ref ref = nullptr;    // optional host reference (double) for the cpu result
  int64_t ref_ulps = 0;
  double ref_atol = 0;
  // On targets with the PL's numerics (hw-spec §4: flush-to-zero, canonical NaN, specified
  // EXP2/LOG2/SIN, fixed summation orders) the cpu reference runs on flushed inputs and its
  // result is flushed (hw-spec §9 metric); these override ulps/atol there when >= 0.
  int64_t pl_ulps = -1;
  double pl_atol = -1;
};

// A host reference for element-wise ops whose inputs all have the output's shape.
Ref elementwise(std::function<double(const std::vector<double>&)> f);

// The whole table: elementwise and first-class cases (op_cases.cpp) plus reduce, movement
// and nn cases (op_cases_nn.cpp).
const std::vector<OpCase>& op_cases();
void add_nn_cases(std::vector<OpCase>& v);

// Inputs of a case, generated reproducibly from its name.
std::vector<HostArray> make_inputs(const OpCase& c);
// Uploads inputs to `target`, builds the case, realizes it and reads the result back.
HostArray run_case(const OpCase& c, const std::vector<HostArray>& inputs, const std::string& target);
HostArray read_back(const Tensor& t);

// Targets from TINYPYNQ_TEST_TARGETS, else every registered device (which includes "cpu").
std::vector<std::string> test_targets();

}  // namespace tinypynq::test
