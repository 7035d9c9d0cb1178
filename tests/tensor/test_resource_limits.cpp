// Tensors that cannot exist are refused with a message naming the limit, before anything is
// allocated or half-computed: element counts past int64, host arrays larger than the
// machine's memory, and (on tlm) buffers larger than the emulated board's DDR.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "tensor/core/memory.h"
#include "tensor/device.h"
#include "tests/tensor/tensor_test_util.h"

namespace tinypynq::test {
namespace {

constexpr int64_t k2_32 = int64_t{1} << 32;

TEST(ResourceLimits, ElementCountsPastInt64AreErrors) {
  EXPECT_THAT(error_of([] { prod({k2_32, k2_32}); }), HasSubstr("more elements than an int64 can count"));
  EXPECT_THAT(error_of([] { Tensor::zeros({k2_32, k2_32, 4}); }), HasSubstr("more elements than an int64 can count"));
  EXPECT_THAT(error_of([] { Tensor::ones({k2_32}).reshape({k2_32, 1}).expand({k2_32, k2_32}); }),
              HasSubstr("more elements than an int64 can count"));
  EXPECT_THAT(error_of([] { Tensor::rand({k2_32, k2_32}); }), HasSubstr("more elements than an int64 can count"));
  EXPECT_THAT(error_of([] { Tensor::eye(int64_t{1} << 31); }), HasSubstr("eye: shape (2147483648, 2147483648) is too large"));
  EXPECT_THAT(error_of([] { Tensor::arange(0, 1e30); }), HasSubstr("arange: 1e+30 elements are too many"));
  EXPECT_THAT(error_of([] { Tensor::arange(0, INFINITY); }), HasSubstr("must be finite"));
  EXPECT_THAT(error_of([] { Tensor::rand({-3, 2}); }), HasSubstr("negative dimension"));
}

TEST(ResourceLimits, HostArraysLargerThanMemoryAreRefusedBeforeAllocating) {
  const uint64_t mem = host_memory_bytes();
  if (mem == 0) GTEST_SKIP() << "the host's memory size is unknown here";
  const int64_t n = static_cast<int64_t>(std::min<uint64_t>(mem, uint64_t{1} << 50));  // > mem / 4 floats
  EXPECT_THAT(error_of([&] { Tensor::rand({n}); }), HasSubstr("more than this machine's memory"));
  EXPECT_THAT(error_of([&] { Tensor::randn({n, 2}); }), HasSubstr("more than this machine's memory"));
  // A lazy tensor is only a graph; realizing it on cpu would allocate it: refused there.
  const int64_t side = int64_t{1} << 20;  // (2^20)^2 floats = 4 TiB
  Tensor big = Tensor::ones({side}).reshape({side, 1}).expand({side, side}).contiguous();
  if (uint64_t{4} << 40 > mem) {
    EXPECT_THAT(error_of([&] { big.realize(); }), HasSubstr("cpu: a tensor buffer needs"));
  }
  // The process is fine afterwards.
  expect_values(Tensor::ones({3}) * 2.f, {2, 2, 2});
}

// The emulated board has 512 MB of DDR; the DMA region for tensors is part of it.
TEST(ResourceLimits, TensorsLargerThanTheEmulatedDdrAreRefusedOnTlm) {
  const auto names = device_names();
  if (std::find(names.begin(), names.end(), "tlm") == names.end()) GTEST_SKIP() << "built without SystemC";
  // 640 MiB of float32: more than the whole DDR.
  Tensor t = Tensor::full({160 << 20}, 1.0, DType::f32, "tlm") * 2.f;
  const std::string e = error_of([&] { t.realize(); });
  EXPECT_THAT(e, HasSubstr("does not fit the emulated DDR"));
  EXPECT_THAT(e, HasSubstr("671088640 bytes (640 MiB)"));
  EXPECT_THAT(e, HasSubstr("ddr_bytes in the board config"));
  // Nothing is left allocated: the same device still runs what fits.
  Tensor s = Tensor::from_data({1.f, 2.f, 3.f}, {3}, "tlm");
  expect_values(s * 2.f, {2, 4, 6});
}

}  // namespace
}  // namespace tinypynq::test
