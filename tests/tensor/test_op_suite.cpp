// Runs the shared op table (op_cases.h) on every target: (case x target) gtest parameters.
//   TINYPYNQ_TEST_TARGETS=tlm,rtl ./test_tensor --gtest_filter='OpSuite*'
//   TINYPYNQ_TEST_VERBOSE=1 prints the largest ULP distance seen per case (to calibrate bounds).
// On a target other than cpu each case is compared with the same case on cpu within its
// tolerance; on cpu it is compared with its host reference (when it has one) and with a second
// cpu run (bit-identical: the reference must be deterministic).
#include <gtest/gtest-spi.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <set>
#include <stdexcept>

#include "tensor/cpu/cpu_device.h"
#include "tensor/device.h"
#include "runtime/pynq/pynq_device.h"
#include "tests/tensor/op_cases.h"

namespace tinypynq::test {
namespace {

bool verbose() {
  const char* e = std::getenv("TINYPYNQ_TEST_VERBOSE");
  return e && *e && *e != '0';
}

// Compares float values within (ulps, atol); infinities must match exactly. Returns the worst
// ULP distance seen (for reporting) and records failures for up to 5 elements.
int64_t compare_f32(const std::vector<float>& got, const std::vector<float>& want, int64_t ulps, double atol,
                    const std::string& what) {
  int64_t worst = 0, bad = 0;
  for (size_t k = 0; k < got.size(); ++k) {
    const float a = got[k], b = want[k];
    int64_t d = ulp_distance(a, b);
    bool ok = d <= ulps || (std::isfinite(a) && std::isfinite(b) && std::fabs(double(a) - b) <= atol);
    if ((std::isinf(a) || std::isinf(b)) && a != b) ok = false;
    if (!std::isnan(a) || !std::isnan(b)) worst = std::max(worst, d);
    if (!ok && bad++ < 5)
      ADD_FAILURE() << what << ": element " << k << " is " << a << " (bits 0x" << std::hex
                    << std::bit_cast<uint32_t>(a) << std::dec << "), expected " << b << ": " << d
                    << " ULPs apart (allowed " << ulps << ", atol " << atol << ")";
  }
  if (bad > 5) ADD_FAILURE() << what << ": " << bad << " elements out of tolerance in total";
  return worst;
}

void compare_exact(const HostArray& got, const std::vector<double>& want, const std::string& what) {
  int bad = 0;
  for (int64_t k = 0; k < got.numel(); ++k)
    if (got.at(k) != want[k] && bad++ < 5)
      ADD_FAILURE() << what << ": element " << k << " is " << got.at(k) << ", expected " << want[k];
}

std::vector<double> values_of(const HostArray& h) {
  std::vector<double> r(h.numel());
  for (int64_t k = 0; k < h.numel(); ++k) r[k] = h.at(k);
  return r;
}

// Subnormal -> zero of the same sign (hw-spec §4.1), in place.
void flush_subnormals(std::vector<float>& v) {
  for (float& x : v)
    if (std::fpclassify(x) == FP_SUBNORMAL) x = std::signbit(x) ? -0.0f : 0.0f;
}

// Targets that compute with the PL's numerics: the pynq devices (tlm, rtl, board).
bool pl_numerics(const std::string& target) { return pynq::pynq_stats(device(target)) != nullptr; }

// Runs case c on `target` and checks it (see the top of this file).
void check_case(const OpCase& c, const std::string& target) {
  const std::vector<HostArray> inputs = make_inputs(c);
  const HostArray got = run_case(c, inputs, target);
  if (::testing::Test::HasFailure()) return;
  int64_t worst = 0;
  if (target != "cpu") {
    const bool pl = pl_numerics(target);
    std::vector<HostArray> ref_inputs = inputs;
    if (pl)
      for (auto& h : ref_inputs) flush_subnormals(h.f);
    HostArray want = run_case(c, ref_inputs, "cpu");
    if (pl) flush_subnormals(want.f);
    const int64_t ulps = pl && c.pl_ulps >= 0 ? c.pl_ulps : c.ulps;
    const double atol = pl && c.pl_atol >= 0 ? c.pl_atol : c.atol;
    ASSERT_EQ(dtype_name(got.dtype), std::string(dtype_name(want.dtype))) << c.name;
    ASSERT_EQ(shape_str(got.shape), shape_str(want.shape)) << c.name;
    if (got.dtype == DType::f32) worst = compare_f32(got.f, want.f, ulps, atol, c.name + " on " + target + " vs cpu");
    else compare_exact(got, values_of(want), c.name + " on " + target + " vs cpu");
  } else {
    const HostArray again = run_case(c, inputs, "cpu");
    ASSERT_EQ(shape_str(got.shape), shape_str(again.shape));
    if (got.dtype == DType::f32) compare_f32(got.f, again.f, 0, 0, c.name + " on cpu, run twice");
    else compare_exact(got, values_of(again), c.name + " on cpu, run twice");
    if (c.ref) {
      std::vector<double> want = c.ref(inputs);
      ASSERT_EQ(static_cast<int64_t>(want.size()), got.numel()) << c.name << ": reference size";
      if (got.dtype == DType::f32) {
        std::vector<float> wf(want.begin(), want.end());
        worst = compare_f32(got.f, wf, c.ref_ulps, c.ref_atol, c.name + " on cpu vs host reference");
      } else {
        compare_exact(got, want, c.name + " on cpu vs host reference");
      }
    }
  }
  // The rtl target is the tlm platform with the PL in RTL: its results must be tlm's, bit for
  // bit (architecture.md invariant 2; its lockstep checker compares every command on the way).
  // tlm_v2 (pl_version 2, support/register_tlm_v2.cpp) streams the same operand bits through the
  // view readers into the same units: also tlm's bits, and no PL fault on the way.
  const std::vector<std::string> devs = device_names();
  // rtl_v2 (pl_version 2 on the Verilated PL) likewise.
  const bool v2 = target == "tlm_v2" || target == "rtl_v2" || target == "rtl_v2_vw";
  if (v2) {
    const pynq::PynqStats* s = pynq::pynq_stats(device(target));
    ASSERT_TRUE(s);
    EXPECT_EQ(s->faults.pl_faults, 0) << c.name << ": " << (s->faults.log.empty() ? "" : s->faults.log.back());
  }
  if ((target == "rtl" || v2) && std::find(devs.begin(), devs.end(), "tlm") != devs.end()) {
    const HostArray twin = run_case(c, inputs, "tlm");
    ASSERT_EQ(shape_str(got.shape), shape_str(twin.shape)) << c.name;
    std::vector<uint32_t> a(got.f.size()), b(twin.f.size());
    // An integer case has no float results: memcpy from a null data() is undefined even for 0 bytes.
    if (!a.empty()) std::memcpy(a.data(), got.f.data(), a.size() * 4);
    if (!b.empty()) std::memcpy(b.data(), twin.f.data(), b.size() * 4);
    EXPECT_EQ(a, b) << c.name << ": " << target << " and tlm float results differ in their bits";
    EXPECT_EQ(got.i, twin.i) << c.name << ": " << target << " and tlm results differ";
    EXPECT_EQ(got.u, twin.u) << c.name << ": " << target << " and tlm results differ";
  }
  if (verbose()) std::printf("[ulps] %-28s %-6s worst %lld\n", c.name.c_str(), target.c_str(), (long long)worst);
}

class OpSuite : public ::testing::TestWithParam<std::tuple<size_t, std::string>> {};

TEST_P(OpSuite, MatchesReference) { check_case(op_cases()[std::get<0>(GetParam())], std::get<1>(GetParam())); }

std::vector<size_t> case_indices() {
  std::vector<size_t> r(op_cases().size());
  for (size_t i = 0; i < r.size(); ++i) r[i] = i;
  return r;
}

std::string param_name(const ::testing::TestParamInfo<OpSuite::ParamType>& info) {
  std::string n = op_cases()[std::get<0>(info.param)].name + "_" + std::get<1>(info.param);
  for (char& ch : n)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(AllTargets, OpSuite,
                         ::testing::Combine(::testing::ValuesIn(case_indices()), ::testing::ValuesIn(test_targets())),
                         param_name);

TEST(OpSuiteTable, NamesAreUniqueAndEveryFirstClassOpIsCovered) {
  std::set<std::string> names;
  for (auto& c : op_cases()) EXPECT_TRUE(names.insert(c.name).second) << "duplicate case " << c.name;
  for (const char* fco : {"EXP2", "LOG2", "SIN", "SQRT", "RECIP", "NEG", "ADD", "SUB", "MUL", "DIV", "MAX", "MOD",
                          "CMPLT", "CMPEQ", "WHERE", "SUM", "RMAX", "CONTIGUOUS"})
    EXPECT_TRUE(names.count(std::string("fco_") + fco)) << fco;
  EXPECT_TRUE(names.count("fco_CAST_f32_i32"));
}

TEST(OpSuiteTable, UlpDistance) {
  EXPECT_EQ(ulp_distance(1.f, 1.f), 0);
  EXPECT_EQ(ulp_distance(0.f, -0.f), 0);
  EXPECT_EQ(ulp_distance(NAN, -NAN), 0);
  EXPECT_EQ(ulp_distance(NAN, 1.f), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(ulp_distance(1.f, std::nextafter(1.f, 2.f)), 1);
  EXPECT_EQ(ulp_distance(-std::numeric_limits<float>::denorm_min(), std::numeric_limits<float>::denorm_min()), 2);
  EXPECT_EQ(ulp_distance(std::numeric_limits<float>::max(), INFINITY), 1);
  EXPECT_EQ(ulp_distance(-1.f, std::nextafter(-1.f, 0.f)), 1);
}

// ---- the harness itself, with stand-in targets built from a private cpu device

// A second device that is the cpu underneath; with `exp2_ulp` it returns float results of
// kernels containing EXP2 one ULP high (a stand-in for a slightly wrong accelerator).
class TwinDevice final : public Device {
 public:
  TwinDevice(std::string name, bool exp2_ulp) : name_(std::move(name)), skew_(exp2_ulp) {}
  const std::string& name() const override { return name_; }
  BufferPtr alloc(DType dtype, int64_t numel) override {
    BufferPtr b = inner_->alloc(dtype, numel);
    b->device = this;
    return b;
  }
  void copyin(Buffer& dst, const void* src, size_t n) override { inner_->copyin(dst, src, n); }
  void copyout(const Buffer& src, void* dst, size_t n) override { inner_->copyout(src, dst, n); }
  bool supports(const Kernel& k) const override { return inner_->supports(k); }
  void run(const Kernel& k) override {
    inner_->run(k);
    bool exp2 = false;
    for (auto& n : k.nodes) exp2 |= n.op == Op::EXP2;
    if (skew_ && exp2 && k.out_dtype == DType::f32) {
      float* o = static_cast<float*>(k.bufs[0]->data);
      for (int64_t i = 0; i < k.bufs[0]->numel; ++i)
        if (std::isfinite(o[i])) o[i] = std::nextafter(o[i], INFINITY);
    }
  }

 private:
  std::string name_;
  bool skew_;
  std::unique_ptr<Device> inner_ = make_cpu_device();
};

void register_twins() {
  register_device("cpu_twin", [] { return std::make_unique<TwinDevice>("cpu_twin", false); });
  register_device("cpu_exp2_ulp", [] { return std::make_unique<TwinDevice>("cpu_exp2_ulp", true); });
}

const OpCase& case_named(const std::string& n) {
  for (auto& c : op_cases())
    if (c.name == n) return c;
  throw std::runtime_error("no op case " + n);
}

TEST(OpSuiteHarness, EveryCaseRunsOnASecondTarget) {
  register_twins();
  for (auto& c : op_cases()) {
    SCOPED_TRACE(c.name);
    check_case(c, "cpu_twin");
  }
}

TEST(OpSuiteHarness, CatchesAOneUlpDeviation) {
  register_twins();
  ::testing::TestPartResultArray failures;
  {
    ::testing::ScopedFakeTestPartResultReporter capture(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &failures);
    check_case(case_named("fco_EXP2"), "cpu_exp2_ulp");  // EXP2 must be bit-exact
  }
  ASSERT_GT(failures.size(), 0);
  EXPECT_THAT(failures.GetTestPartResult(0).message(), ::testing::HasSubstr("1 ULPs apart (allowed 0"));
  check_case(case_named("exp"), "cpu_exp2_ulp");  // exp allows 2 ULPs: the same skew passes there
}

}  // namespace
}  // namespace tinypynq::test
