// The assembled tlm platform through the driver API, as the pynq runtime uses it: address map,
// one hand-programmed command per unit (bits checked against models/fp, CYCLES against the
// hw-spec formulas), errors surfacing as driver exceptions, a hung command caught, and the
// pynq device's lowering, fallback and time accounting.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <numeric>

#include "base/board_config.h"
#include "models/fp/pl_float.h"
#include "models/fp/pl_units.h"
#include "runtime/tlm/tlm_driver.h"
#include "tensor/device.h"
#include "runtime/pynq/pynq_device.h"
#include "runtime/pynq/regmap.h"
#include "tensor/tensor.h"
#include "tests/support/error_of.h"

using namespace tinypynq;
using namespace tinypynq::pynq::reg;
using ::testing::HasSubstr;

namespace {

// One driver per platform kind: "tlm" (the PL models) and, when built, "rtl" (the Verilated PL
// behind transactors, support/register_targets.cpp declares it). The Platform tests run on both.
pynq::Driver& drv(const std::string& kind = "tlm") {
  static std::map<std::string, std::unique_ptr<pynq::Driver>> drivers;
  auto& d = drivers[kind];
  if (!d) {
    d = vp::make_platform_driver(kind, BoardConfig::defaults());
    // as the runtime's init: start the DMAs
    for (uint64_t dma : {kDma0, kDma1, kDma2}) d->write32(dma + MM2S_DMACR, DMACR_RS);
    d->write32(kDma0 + S2MM_DMACR, DMACR_RS);
  }
  return *d;
}

std::vector<std::string> platform_kinds() {
#ifdef TINYPYNQ_HAVE_RTL
  return {"tlm", "rtl"};
#else
  return {"tlm"};
#endif
}

class Platform : public ::testing::TestWithParam<std::string> {
 protected:
  pynq::Driver& drv() { return ::drv(GetParam()); }
};

struct Cmd {
  pynq::DmaBuffer a, b, r;
};

// Vector ADD of n elements through the driver exactly as hw-spec §7.2 programs it.
uint64_t vec_add(pynq::Driver& d, const std::vector<float>& x, const std::vector<float>& y, std::vector<float>& out,
                 bool start_a = true, pynq::WaitMode mode = pynq::WaitMode::kPoll) {
  const size_t n = x.size(), bytes = 4 * n;
  Cmd c{d.alloc(bytes), d.alloc(bytes), d.alloc(bytes)};
  std::memcpy(c.a.virt, x.data(), bytes);
  std::memcpy(c.b.virt, y.data(), bytes);
  d.flush(c.a, 0, bytes), d.flush(c.b, 0, bytes), d.invalidate(c.r, 0, bytes);
  d.write32(kVec + OP, V_ADD);
  d.write32(kVec + SIZE0, static_cast<uint32_t>(n));
  d.write32(kDma0 + S2MM_DA, static_cast<uint32_t>(c.r.phys));
  d.write32(kDma0 + S2MM_LENGTH, static_cast<uint32_t>(bytes));
  d.write32(kDma1 + MM2S_SA, static_cast<uint32_t>(c.b.phys));
  d.write32(kDma1 + MM2S_LENGTH, static_cast<uint32_t>(bytes));
  if (start_a) {
    d.write32(kDma0 + MM2S_SA, static_cast<uint32_t>(c.a.phys));
    d.write32(kDma0 + MM2S_LENGTH, static_cast<uint32_t>(bytes));
  }
  d.write32(kVec + CTRL, CTRL_START);
  if (!start_a) {
    std::string e = error_of([&] { d.wait(kDma0 + S2MM_DMASR, DMASR_IOC, kIrqDma0S2mm, pynq::WaitMode::kPoll, 1.0); });
    EXPECT_THAT(e, HasSubstr("no more progress")) << e;
    EXPECT_THAT(e, HasSubstr("stream A")) << e;
    // The command is still alive: starting the missing stream completes it.
    d.write32(kDma0 + MM2S_SA, static_cast<uint32_t>(c.a.phys));
    d.write32(kDma0 + MM2S_LENGTH, static_cast<uint32_t>(bytes));
  }
  const uint32_t sr = d.wait(kDma0 + S2MM_DMASR, DMASR_IOC, kIrqDma0S2mm, mode, 1.0);
  EXPECT_EQ(sr & DMASR_ERRORS, 0u);
  d.write32(kDma0 + S2MM_DMASR, DMASR_IOC);
  EXPECT_EQ(d.read32(kDma0 + S2MM_LENGTH), bytes) << "S2MM_LENGTH reads back the bytes written";
  const uint32_t st = d.read32(kVec + STATUS);
  EXPECT_TRUE(st & ST_DONE) << std::hex << st;
  EXPECT_FALSE(st & ST_ERR) << std::hex << st;
  uint64_t cycles = d.read32(kVec + CYCLES_LO);
  cycles |= uint64_t{d.read32(kVec + CYCLES_HI)} << 32;
  d.write32(kVec + STATUS, ST_DONE);
  out.resize(n);
  std::memcpy(out.data(), c.r.virt, bytes);
  return cycles;
}

}  // namespace

TEST_P(Platform, AddressMapAndIds) {
  auto& d = drv();
  EXPECT_EQ(d.read32(kSys + SYS_ID), kSysId);
  EXPECT_EQ(d.read32(kSys + SYS_VERSION), kVersion);
  EXPECT_EQ(d.read32(kVec + UNIT_ID), 0x56454331u);
  EXPECT_EQ(d.read32(kRed + UNIT_ID), 0x52454431u);
  EXPECT_EQ(d.read32(kMmu + UNIT_ID), 0x4D4D5531u);
  EXPECT_EQ(d.read32(kDma0 + MM2S_DMASR) & DMASR_HALTED, 0u) << "runtime init set RS";
  // Outside every window: the interconnect answers DECERR, the driver names the address.
  std::string e = error_of([&] { d.read32(0x4100'0000); });
  EXPECT_THAT(e, HasSubstr("0x41000000")) << e;
  EXPECT_THAT(e, HasSubstr("address")) << e;
}

TEST_P(Platform, VectorAddBitsAndCycles) {
  auto& d = drv();
  for (size_t n : {1u, 2u, 3u, 1000u}) {
    std::vector<float> x(n), y(n), out;
    for (size_t i = 0; i < n; ++i) x[i] = 0.5f * i - 3, y[i] = 1.0f / (i + 1);
    const uint64_t cycles = vec_add(d, x, y, out);
    for (size_t i = 0; i < n; ++i)
      ASSERT_EQ(pl::bits(out[i]), pl::add(pl::bits(x[i]), pl::bits(y[i]))) << "n " << n << " i " << i;
    // CYCLES counts from START: the ideal formula plus the time the DMAs take to deliver.
    const uint64_t ideal = pl::vector_cycles_ideal(pl::VecOp::ADD, n);
    EXPECT_GE(cycles, ideal) << n;
    EXPECT_LE(cycles, 2 * ideal + 100) << n;  // three streams share the DDR bandwidth
  }
}

TEST_P(Platform, InterruptWaitCostsTheIrqLatency) {
  auto& d = drv();
  d.write32(kDma0 + S2MM_DMACR, DMACR_RS | DMACR_IOC_IRQEN);
  std::vector<float> x(256, 1.f), y(256, 2.f), out;
  const double t0 = d.now();
  vec_add(d, x, y, out, true, pynq::WaitMode::kPoll);
  const double poll = d.now() - t0;
  const double t1 = d.now();
  vec_add(d, x, y, out, true, pynq::WaitMode::kIrq);
  const double irq = d.now() - t1;
  for (float v : out) ASSERT_EQ(v, 3.f);
  // Same command: the interrupt path pays the IRQ-to-thread latency (5 us by default) instead
  // of the poll granularity.
  const double lat = BoardConfig::defaults().irq_latency_ns * 1e-9;
  EXPECT_GT(irq, poll + 0.5 * lat) << "poll " << poll << " s, irq " << irq << " s";
  EXPECT_LT(irq, poll + 1.5 * lat) << "poll " << poll << " s, irq " << irq << " s";
  EXPECT_FALSE(d.read32(kDma0 + S2MM_DMASR) & DMASR_IOC) << "cleared (W1C)";
  d.write32(kDma0 + S2MM_DMACR, DMACR_RS);
}

TEST_P(Platform, HungCommandIsReportedNotAHang) {
  std::vector<float> x(64, 1.f), y(64, 2.f), out;
  vec_add(drv(), x, y, out, /*start_a=*/false);
  for (float v : out) ASSERT_EQ(v, 3.f);
}

TEST_P(Platform, SysTimeCountsCyclesSinceReset) {
  auto& d = drv();
  d.reset_pl();  // + 1 us of PS time for the pulse
  for (uint64_t dma : {kDma0, kDma1, kDma2}) d.write32(dma + MM2S_DMACR, DMACR_RS);
  d.write32(kDma0 + S2MM_DMACR, DMACR_RS);
  const uint32_t t1 = d.read32(kSys + SYS_TIME_LO);
  EXPECT_EQ(d.read32(kSys + SYS_TIME_HI), 0u);
  d.cpu_work(10e-6);
  const uint32_t t2 = d.read32(kSys + SYS_TIME_LO);
  // 1 us pulse + 4 register writes, then a read: a few hundred cycles at 100 MHz.
  EXPECT_GT(t1, 100u);
  EXPECT_LT(t1, 400u);
  // 10 us of PS work plus two reads (TIME_LO, TIME_HI) at 100 MHz: the same on every target.
  EXPECT_NEAR(static_cast<double>(t2 - t1), 1000.0 + 2 * BoardConfig::defaults().gp0_read_ns / 10.0, 1.0);
}

TEST_P(Platform, DdrExhaustionIsAnError) {
  std::string e = error_of([&] { drv().alloc(size_t{1} << 30); });
  EXPECT_THAT(e, HasSubstr("DDR exhausted")) << e;
}

// ---------------------------------------------------------------- the pynq device on tlm

TEST(PynqTlm, MatmulTilesAndPrediction) {
  Device& dev = device("tlm");
  auto* s = pynq::pynq_stats(dev);
  ASSERT_NE(s, nullptr);
  s->reset();
  // 784 x 128 weights need two N tiles (hw-spec §6.3 example); K = 784 <= KMAX.
  Tensor::manual_seed(3);
  Tensor a = Tensor::rand({33, 784}, "tlm"), w = Tensor::rand({784, 128}, "tlm");
  std::vector<float> got = a.matmul(w).to_vector<float>();
  std::vector<float> av = a.to_vector<float>(), wv = w.to_vector<float>();
  for (int m = 0; m < 33; m += 8)
    for (int n = 0; n < 128; n += 9) {
      float acc = -0.0f;  // the unit's order: sequential, two roundings
      for (int k = 0; k < 784; ++k) acc = pl::from_bits(pl::add(pl::bits(acc), pl::mul(pl::bits(av[m * 784 + k]), pl::bits(wv[k * 128 + n]))));
      ASSERT_EQ(pl::bits(got[m * 128 + n]), pl::bits(acc)) << m << "," << n;
    }
  EXPECT_GE(s->commands[2], 2u) << "two N tiles";
  EXPECT_GT(s->pl_cycles[2], 0u);
  double sum = std::accumulate(s->phase.begin(), s->phase.end(), 0.0);
  EXPECT_NEAR(sum, s->board_seconds, 1e-9 + 1e-6 * s->board_seconds) << "phases add up to the prediction";
  EXPECT_GT(s->a9_only_seconds, 0);
}

TEST(PynqTlm, IntegerDivisionFallsBackToThePs) {
  Device& dev = device("tlm");
  auto* s = pynq::pynq_stats(dev);
  s->reset();
  Tensor a = Tensor::from_data(std::vector<int32_t>{7, -7, 9, 100}, {4}, "tlm");
  Tensor b = Tensor::from_data(std::vector<int32_t>{2, 2, -4, 7}, {4}, "tlm");
  std::vector<int32_t> q = Tensor(lb_alu(Op::DIV, {a.lazy(), b.lazy()})).to_vector<int32_t>();
  EXPECT_EQ(q, (std::vector<int32_t>{3, -3, -2, 14}));
  EXPECT_EQ(s->fallback_kernels, 1);
  EXPECT_GT(s->phase_seconds(pynq::Phase::kPsFallback), 0);
}

TEST(PynqTlm, SoftmaxRunsOnThePl) {
  Device& dev = device("tlm");
  auto* s = pynq::pynq_stats(dev);
  s->reset();
  Tensor x = Tensor::from_data(std::vector<float>{1, 2, 3, 4, -1, 0}, {2, 3}, "tlm");
  std::vector<float> p = x.softmax(1).to_vector<float>();
  std::vector<float> ref = Tensor::from_data(std::vector<float>{1, 2, 3, 4, -1, 0}, {2, 3}, "cpu").softmax(1).to_vector<float>();
  for (size_t i = 0; i < p.size(); ++i) EXPECT_NEAR(p[i], ref[i], 2e-7f);
  EXPECT_EQ(s->fallback_kernels, 0);
  EXPECT_GT(s->commands[0], 0u);
  EXPECT_GT(s->commands[1], 0u);
}

TEST_P(Platform, DecodeErrorThenResetRecovers) {
  auto& d = drv();
  // S2MM destination beyond the 512 MiB of DDR: the HP port answers DECERR -> DMADecErr.
  d.write32(kVec + OP, V_COPY | VEC_A_SCALAR);
  d.write32(kVec + SIZE0, 2);
  d.write32(kVec + SCALAR_A, 0x3F800000);
  d.write32(kDma0 + S2MM_DA, 0x3000'0000);
  d.write32(kDma0 + S2MM_LENGTH, 8);
  d.write32(kVec + CTRL, CTRL_START);
  const uint32_t sr = d.wait(kDma0 + S2MM_DMASR, DMASR_IOC | DMASR_ERR_IRQ, kIrqDma0S2mm, pynq::WaitMode::kPoll, 1.0);
  EXPECT_TRUE(sr & DMASR_DECERR) << std::hex << sr;
  EXPECT_TRUE(sr & DMASR_HALTED) << "an error halts the channel (PG021)";
  // Recovery as the runtime does it: reset the PL, start the DMAs again, run a command.
  d.reset_pl();
  for (uint64_t dma : {kDma0, kDma1, kDma2}) d.write32(dma + MM2S_DMACR, DMACR_RS);
  d.write32(kDma0 + S2MM_DMACR, DMACR_RS);
  std::vector<float> x(10, 1.5f), y(10, 2.f), out;
  vec_add(d, x, y, out);
  for (float v : out) EXPECT_EQ(v, 3.5f);
}

INSTANTIATE_TEST_SUITE_P(Kinds, Platform, ::testing::ValuesIn(platform_kinds()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });
