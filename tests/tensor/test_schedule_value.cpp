// schedule() as a value (printable, comparable, run later) and the schedule cache of realize():
// a hit runs the very kernels a fresh schedule would, with this graph's buffers and constants.
#include <bit>
#include <random>

#include "tensor/cpu/cpu_device.h"
#include "tensor/nn.h"
#include "tensor/schedule.h"
#include "tests/tensor/tensor_test_util.h"

namespace tinypynq::test {
namespace {

Tensor rnd(const Shape& s, uint64_t seed) {
  std::mt19937_64 r(seed);
  std::vector<float> v(prod(s));
  for (auto& x : v) x = std::uniform_real_distribution<float>(-1, 1)(r);
  return Tensor::from_data(v, s);
}

// Restores the cache setting of the process whatever a test does.
struct CacheGuard {
  bool was = schedule_cache_enabled();
  ~CacheGuard() { set_schedule_cache(was); }
};

TEST(ScheduleValue, ListsKernelsWithoutRunning) {
  Tensor a = rnd({4, 5}, 1), b = rnd({5, 3}, 2);
  Tensor y = (a.matmul(b) + 1.f).relu().sum();
  const int64_t before = stats().kernels_run;
  Schedule s = schedule({y.lazy()});
  EXPECT_EQ(stats().kernels_run, before);
  ASSERT_EQ(s.size(), 2u);  // the matmul, then relu(. + 1) fused into the sum
  EXPECT_TRUE(s[0].is_reduce());
  EXPECT_FALSE(y.lazy()->is_realized());
  const std::string text = s.to_string();
  EXPECT_NE(text.find("schedule: 2 kernel(s)"), std::string::npos) << text;
  EXPECT_NE(text.find("r_SUM_MUL"), std::string::npos) << text;
  EXPECT_NE(text.find("out b"), std::string::npos) << text;
  run(std::move(s));
  EXPECT_EQ(stats().kernels_run, before + 2);
  ASSERT_TRUE(y.lazy()->is_realized());
  float want = 0;
  auto av = a.tolist(), bv = b.tolist();
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 3; ++j) {
      float acc = 0;
      for (int k = 0; k < 5; ++k) acc += av[i * 5 + k] * bv[k * 3 + j];
      want += std::max(acc + 1.f, 0.f);
    }
  EXPECT_NEAR(y.item(), want, 1e-4);
}

TEST(ScheduleValue, EqualForTheSameStructureOnly) {
  Tensor a = rnd({8, 3}, 1), b = rnd({8, 3}, 2), c = rnd({8, 3}, 3);
  Schedule s1 = schedule({((a + b) * 2.f).exp().lazy()});
  Schedule s2 = schedule({((a + c) * 2.f).exp().lazy()});  // other memory, same pattern
  EXPECT_EQ(s1, s2);
  EXPECT_NE(s1, schedule({((a + b) * 3.f).exp().lazy()}));  // another constant
  EXPECT_NE(s1, schedule({((a + a) * 2.f).exp().lazy()}));  // one input buffer read twice
  EXPECT_NE(s1, schedule({((a + b) * 2.f).log().lazy()}));
  EXPECT_NE(s1, schedule({((a + b.flip({0})) * 2.f).exp().lazy()}));
  EXPECT_EQ(schedule({a.lazy()}).size(), 0u);  // realized already: nothing to do
}

TEST(ScheduleValue, RunTwiceRunsOnce) {
  Tensor a = rnd({6}, 1);
  Tensor y = a.exp();
  Schedule s = schedule({y.lazy()});
  Schedule copy = s;
  run(std::move(s));
  const int64_t n = stats().kernels_run;
  run(copy);  // its output is realized already
  EXPECT_EQ(stats().kernels_run, n);
}

TEST(ScheduleValue, ConstantTargetGetsAKernel) {
  Tensor z = Tensor::full({3}, 2.5f, DType::f32);
  Schedule s = schedule({z.lazy()});
  EXPECT_EQ(s.size(), 1u);
  run(std::move(s));
  expect_values(z.tolist(), {2.5f, 2.5f, 2.5f}, 0, 0);
}

// The same training step with the cache on and off: identical losses and weights, bit for bit,
// and from the second step on every realize() is a hit.
std::vector<float> train(bool cache, int64_t* hits) {
  CacheGuard g;
  set_schedule_cache(cache);
  clear_schedule_cache();
  Tensor::manual_seed(3);
  nn::Linear l1(12, 7), l2(7, 3);
  std::vector<Tensor> ps = l1.parameters();
  for (auto& p : l2.parameters()) ps.push_back(p);
  nn::Adam opt(ps, 1e-2f);
  Tensor x = rnd({5, 12}, 9);
  Tensor y = Tensor::from_data(std::vector<int32_t>{0, 1, 2, 1, 0}, {5});
  std::vector<float> out;
  const int64_t h0 = stats().cache_hits;
  for (int s = 0; s < 6; ++s) {
    Tensor loss = l2(l1(x).relu()).sparse_categorical_crossentropy(y);
    opt.zero_grad();
    loss.backward();
    opt.step();
    out.push_back(loss.item());
  }
  for (float v : l1.weight.tolist()) out.push_back(v);
  *hits = stats().cache_hits - h0;
  return out;
}

TEST(ScheduleCache, TrainingStepsAreHitsAndBitIdentical) {
  int64_t hits_on = 0, hits_off = 0;
  const std::vector<float> on = train(true, &hits_on), off = train(false, &hits_off);
  EXPECT_EQ(hits_off, 0);
  EXPECT_GE(hits_on, 5 * 2);  // steps 2..6: at least the loss and the update are hits
  ASSERT_EQ(on.size(), off.size());
  for (size_t i = 0; i < on.size(); ++i) EXPECT_EQ(on[i], off[i]) << i;
}

TEST(ScheduleCache, NewConstantValuesAreUsedOnAHit) {
  CacheGuard g;
  set_schedule_cache(true);
  Tensor a = rnd({16}, 4);
  const auto av = a.tolist();
  for (float c : {1.f, -2.f, 0.5f}) {
    Tensor y = (a * c + c).realize();
    auto yv = y.tolist();
    for (size_t i = 0; i < av.size(); ++i) EXPECT_EQ(yv[i], av[i] * c + c);
  }
}

TEST(ScheduleCache, DifferentStructureIsAMiss) {
  CacheGuard g;
  set_schedule_cache(true);
  clear_schedule_cache();
  Tensor a = rnd({4, 4}, 1);
  const int64_t h0 = stats().cache_hits;
  a.exp().realize();
  a.T().exp().realize();  // another view: another key
  EXPECT_EQ(stats().cache_hits, h0);
  Tensor b = rnd({4, 4}, 2);
  Tensor r = b.exp().realize();  // same structure as the first, other buffer
  EXPECT_EQ(stats().cache_hits, h0 + 1);
  auto bv = b.tolist(), rv = r.tolist();
  for (size_t i = 0; i < bv.size(); ++i) EXPECT_FLOAT_EQ(rv[i], std::exp(bv[i]));
}

}  // namespace
}  // namespace tinypynq::test

namespace tinypynq::test {
namespace {

// Splitting the interpreter's kernels over threads changes no bit (elementwise, a reduce over
// the inner and over the outer axis, a masked view).
TEST(CpuThreads, SameBitsOnOneAndTwoThreads) {
  const int was = cpu_threads();
  Tensor a = rnd({256, 700}, 5), b = rnd({700}, 6);
  auto run = [&] {
    std::vector<std::vector<float>> r;
    r.push_back(((a * b).exp() + 1.f).tolist());
    r.push_back((a * b).sum({1}).tolist());
    r.push_back(a.sum({0}).tolist());
    r.push_back(a.max({1}).tolist());
    r.push_back(a.pad({{1, 1}, {2, 0}}).sqrt().tolist());
    return r;
  };
  set_cpu_threads(1);
  const auto one = run();
  set_cpu_threads(2);
  const auto two = run();
  set_cpu_threads(was);
  ASSERT_EQ(one.size(), two.size());
  for (size_t i = 0; i < one.size(); ++i) {
    ASSERT_EQ(one[i].size(), two[i].size());
    for (size_t j = 0; j < one[i].size(); ++j)
      ASSERT_EQ(std::bit_cast<uint32_t>(one[i][j]), std::bit_cast<uint32_t>(two[i][j])) << i << " " << j;
  }
  EXPECT_THROW(set_cpu_threads(0), Error);
}

}  // namespace
}  // namespace tinypynq::test
