// PlExec on a pl_version 2 tlm platform (docs/pl-v2.md "v2 step 2"): operands streamed by the
// view readers from descriptors, the cache cleaned over a view's footprint, and a bad
// descriptor (out of DDR, misaligned, zero length, stride overflow) reported as a PlFault that
// names the kernel, the operand and the view, after which the reset PL runs the next command.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <memory>
#include <vector>

#include "base/board_config.h"
#include "models/tlm/platform.h"
#include "runtime/pynq/pl_exec.h"
#include "runtime/pynq/regmap.h"
#include "runtime/tlm/tlm_driver.h"
#include "tensor/schedule.h"

#ifdef TINYPYNQ_HAVE_RTL
#include "cosim/rtl_pl.h"
#endif

namespace tinypynq::pynq {
namespace {

using ::testing::HasSubstr;

BoardConfig v2_config() {
  BoardConfig c = BoardConfig::defaults();
  c.pl_version = 2;
  return c;
}

// Both platforms are declared before either is built (SystemC elaborates every declared
// platform at the first use of any): "tlm_v2", and with the rtl target "rtl_v2x" (the Verilated
// v2 top, its readers' TLM twins in lockstep).
const bool declared = [] {
  vp::Platform::declare("tlm_v2", v2_config(), vp::make_tlm_pl);
#ifdef TINYPYNQ_HAVE_RTL
  vp::Platform::declare("rtl_v2x", v2_config(), [](const char* name, const BoardConfig& c) {
    return std::unique_ptr<vp::PlBlock>(new cosim::RtlPl(name, c));
  });
  // the board's v2 PL: the writer and the queue in RTL too (--rtl-queue)
  vp::Platform::declare("rtl_v2q", v2_config(), [](const char* name, const BoardConfig& c) {
    cosim::RtlPlOptions o;
    o.rtl_queue = true;
    return std::unique_ptr<vp::PlBlock>(new cosim::RtlPl(name, c, o));
  });
#endif
  return true;
}();

struct Fixture {
  BoardConfig cfg = v2_config();
  std::unique_ptr<Driver> drv;
  PynqStats stats;
  std::unique_ptr<PsCost> cost;
  std::unique_ptr<PlExec> ex;
  explicit Fixture(const char* platform) {
    drv = vp::make_platform_driver(platform, cfg);
    cost = std::make_unique<PsCost>(cfg);
    ex = std::make_unique<PlExec>(*drv, stats, *cost, WaitMode::kPoll);
    ex->set_queue(false);  // these tests are step 3's: one command programmed and waited for (the queue: below)
    ex->init();
  }
  std::unique_ptr<DdrBlock> block(size_t bytes) {
    auto b = std::make_unique<DdrBlock>();
    b->mem = drv->alloc((bytes + 63) / 64 * 64, 64);
    return b;
  }
};

Fixture* g_current = nullptr;  // the rtl tests point it at their fixture for their duration
Fixture& fx() {
  static Fixture f("tlm_v2");
  return g_current ? *g_current : f;
}
#ifdef TINYPYNQ_HAVE_RTL
struct OnRtl {  // fx() is the rtl platform's fixture until the end of the scope
  OnRtl() {
    static Fixture f("rtl_v2x");
    g_current = &f;
  }
  ~OnRtl() { g_current = nullptr; }
};
struct OnRtlQueue {  // ... the platform with the queue's RTL
  OnRtlQueue() {
    static Fixture f("rtl_v2q");
    g_current = &f;
  }
  ~OnRtlQueue() { g_current = nullptr; }
};
#endif

// out = a^T + b for a 4x6 row-major a (read transposed by VR0) and a contiguous b (VR1).
struct TransposeAdd {
  std::unique_ptr<DdrBlock> a, b, r;
  std::vector<float> va, vb;
  UnitCmd cmd;
  std::string kernel = "E_TRANSPOSE_ADD_6_4";
  TransposeAdd() {
    Fixture& f = fx();
    a = f.block(96), b = f.block(96), r = f.block(96);
    for (int i = 0; i < 24; ++i) va.push_back(0.5f * i), vb.push_back(100.f + i);
    std::memcpy(a->mem.virt, va.data(), 96);
    std::memcpy(b->mem.virt, vb.data(), 96);
    f.ex->cpu_writes(Stream{a.get(), 0, 96});
    f.ex->cpu_writes(Stream{b.get(), 0, 96});
    cmd.unit = Unit::kVector;
    cmd.op = reg::V_ADD;
    cmd.size[0] = 24;
    cmd.in[0] = Stream{a.get(), 0, 96};
    pl::ViewDesc t;  // (6, 4) over the (4, 6) matrix: strides (1, 6)
    t.rank = 2;
    t.shape[0] = 6, t.stride[0] = 1, t.shape[1] = 4, t.stride[1] = 6;
    t.full_mask();
    cmd.view[0] = t;
    cmd.in[1] = Stream{b.get(), 0, 96};
    cmd.out = Stream{r.get(), 0, 96};
    cmd.kernel = &kernel;
  }
  void expect_result() const {
    fx().ex->cpu_reads(Stream{r.get(), 0, 96});
    const float* o = static_cast<const float*>(r->mem.virt);
    for (int i = 0; i < 6; ++i)
      for (int j = 0; j < 4; ++j) EXPECT_EQ(o[4 * i + j], va[6 * j + i] + vb[4 * i + j]) << i << "," << j;
  }
};

// The command queue (docs/pl-v2.md step 4): the same PlExec with the queue on until the end of
// the scope.
struct Queued {
  Queued() { fx().ex->set_queue(true), fx().ex->init(); }
  ~Queued() { fx().ex->set_queue(false), fx().ex->init(); }
};

TEST(PlExecV2, ReadersStreamATransposeAndAContiguousOperand) {
  TransposeAdd t;
  const uint64_t bytes0 = fx().stats.dma_bytes;
  const PlExec::Result r = fx().ex->run(t.cmd);
  EXPECT_GT(r.cycles, 0u);
  t.expect_result();
  EXPECT_EQ(fx().stats.dma_bytes - bytes0, 3u * 96) << "stream bytes: 24 words in, 24 in, 24 out";
}

// The view's footprint is cleaned (lowest to highest byte it reads), nothing invalidated: the
// CPU-dirty lines of the operand outside the view stay dirty.
TEST(PlExecV2, ACleanCoversTheViewsFootprintOnly) {
  Fixture& f = fx();
  TransposeAdd t;
  std::memset(t.a->mem.virt, 0, 96);
  f.ex->cpu_writes(Stream{t.a.get(), 0, 96});  // lines 0, 1, 2 of a are CPU-dirty
  UnitCmd c = t.cmd;
  pl::ViewDesc box;  // elements 8 .. 15: bytes 32 .. 63, line 1 only
  box.rank = 1, box.offset = 8, box.shape[0] = 8, box.stride[0] = 1;
  box.full_mask();
  c.view[0] = box;
  c.in[1] = Stream{};
  c.op = reg::V_ADD | reg::VEC_B_SCALAR;
  c.scalar[1] = 0;
  c.size[0] = 8;
  c.out = Stream{t.r.get(), 0, 32};
  const size_t inval0 = f.ex->cache().pl_written().bytes();
  f.ex->run(c);
  const uint64_t a = t.a->mem.phys;
  const RangeSet& dirty = f.ex->cache().cpu_dirty();
  EXPECT_TRUE(dirty.overlap({a + 32, a + 64}).empty()) << "the footprint was cleaned";
  EXPECT_FALSE(dirty.overlap({a, a + 32}).empty()) << "line 0 is not read: still dirty";
  EXPECT_FALSE(dirty.overlap({a + 64, a + 96}).empty()) << "line 2 is not read: still dirty";
  EXPECT_EQ(f.ex->cache().pl_written().bytes(), inval0 + 32) << "only the result is PL-written";
}

void bad_descriptors_are_named_and_the_reset_pl_runs_on() {
  Fixture& f = fx();
  struct Bad {
    const char* what;
    const char* err;
    void (*edit)(UnitCmd&, const Stream& a);
  };
  const Bad bad[] = {
      {"out of DDR", "beyond DDR",  // LIMIT 1 GiB: the buffer would end past the 512 MiB of DDR
       [](UnitCmd& c, const Stream& a) { c.in[0] = Stream{a.blk, 0, size_t{1} << 30}; }},
      {"outside the buffer", "OUT_OF_BOUNDS",
       [](UnitCmd& c, const Stream&) { c.view[0]->offset = 1 << 28; }},  // 1 GiB past its start
      {"misaligned", "MISALIGNED", [](UnitCmd& c, const Stream& a) { c.in[0] = Stream{a.blk, 2, 92}; }},
      {"zero length", "ZERO_LENGTH", [](UnitCmd& c, const Stream&) { c.view[0]->shape[1] = 0; }},
      {"stride overflow", "OVERFLOW",
       [](UnitCmd& c, const Stream&) {
         c.view[0]->shape[1] = 4, c.view[0]->stride[1] = 0x7FFF'FFFF;  // 3 * stride beyond 32 bits
       }},
  };
  for (const Bad& b : bad) {
    TransposeAdd t;
    UnitCmd c = t.cmd;
    b.edit(c, t.cmd.in[0]);
    const uint64_t commands0 = f.stats.commands[0];
    try {
      f.ex->run(c);
      ADD_FAILURE() << b.what << ": no error";
    } catch (const PlFault& e) {
      const std::string m = e.what();
      std::printf("[fault] %s: %s\n", b.what, m.c_str());
      EXPECT_THAT(m, HasSubstr("kernel E_TRANSPOSE_ADD_6_4")) << b.what;
      EXPECT_THAT(m, HasSubstr("ERR_CODE 4 (STREAM)")) << b.what;
      EXPECT_THAT(m, HasSubstr("operand A (VR0)")) << b.what;
      EXPECT_THAT(m, HasSubstr(b.err)) << b.what << ": " << m;
      EXPECT_THAT(m, HasSubstr("view(shape=")) << b.what;
    }
    EXPECT_EQ(f.stats.commands[0], commands0) << "a failed command is not counted";
    // PlExec reset the PL: the same command with its good descriptor runs correctly.
    std::memset(t.r->mem.virt, 0, 96);
    f.ex->cpu_writes(Stream{t.r.get(), 0, 96});
    f.ex->run(t.cmd);
    t.expect_result();
  }
}

TEST(PlExecV2, BadDescriptorsNameKernelOperandAndViewAndTheResetPlRunsOn) {
  bad_descriptors_are_named_and_the_reset_pl_runs_on();
}

#ifdef TINYPYNQ_HAVE_RTL
// The same on the rtl target: the Verilated readers answer every bad descriptor with the
// spec's code (their TLM twins in lockstep read the same registers), PlExec names kernel,
// operand and view, resets the PL, and the next command runs on the RTL.
TEST(PlExecV2Rtl, BadDescriptorsNameKernelOperandAndViewAndTheResetPlRunsOn) {
  OnRtl rtl;
  bad_descriptors_are_named_and_the_reset_pl_runs_on();
}
#endif

// docs/pl-v2.md step 3: the result written through a view by VW: (a^T + b) stored transposed
// (element (i, j) of the (6, 4) sum at out[j][i]), only the footprint becomes PL-written.
TEST(PlExecV2, TheWriterStoresTheResultThroughItsView) {
  TransposeAdd t;
  UnitCmd c = t.cmd;
  pl::ViewDesc w;  // (6, 4) into a (4, 6) row-major buffer: strides (1, 6)
  w.rank = 2, w.shape[0] = 6, w.stride[0] = 1, w.shape[1] = 4, w.stride[1] = 6;
  w.full_mask();
  c.out_view = w;
  std::memset(t.r->mem.virt, 0, 96);
  fx().ex->cpu_writes(Stream{t.r.get(), 0, 96});
  fx().ex->run(c);
  fx().ex->cpu_reads(Stream{t.r.get(), 0, 96});
  const float* o = static_cast<const float*>(t.r->mem.virt);
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 4; ++j) EXPECT_EQ(o[6 * j + i], t.va[6 * j + i] + t.vb[4 * i + j]) << i << "," << j;
}

// A bad result descriptor: VW rejects it (R is never accepted, the unit waits), PlExec names the
// kernel, VW and the view, and the reset PL runs the next command.
TEST(PlExecV2, BadResultViewsNameKernelAndViewAndTheResetPlRunsOn) {
  Fixture& f = fx();
  struct Bad {
    const char* what;
    const char* err;
    void (*edit)(pl::ViewDesc&);
  };
  const Bad bad[] = {
      {"outside the buffer", "OUT_OF_BOUNDS", [](pl::ViewDesc& d) { d.offset = 1; }},
      {"broadcast", "BROADCAST", [](pl::ViewDesc& d) { d.stride[0] = 0; }},
      {"zero length", "ZERO_LENGTH", [](pl::ViewDesc& d) { d.shape[1] = 0; }},
      {"stride overflow", "OVERFLOW", [](pl::ViewDesc& d) { d.stride[1] = 0x7FFF'FFFF; }},
  };
  for (const Bad& b : bad) {
    TransposeAdd t;
    UnitCmd c = t.cmd;
    pl::ViewDesc w;
    w.rank = 2, w.shape[0] = 6, w.stride[0] = 4, w.shape[1] = 4, w.stride[1] = 1;
    w.full_mask();
    b.edit(w);
    c.out_view = w;
    try {
      f.ex->run(c);
      ADD_FAILURE() << b.what << ": no error";
    } catch (const PlFault& e) {
      const std::string m = e.what();
      std::printf("[fault] %s: %s\n", b.what, m.c_str());
      EXPECT_THAT(m, HasSubstr("kernel E_TRANSPOSE_ADD_6_4")) << b.what;
      EXPECT_THAT(m, HasSubstr("result (VW) failed")) << b.what;
      EXPECT_THAT(m, HasSubstr(b.err)) << b.what << ": " << m;
      EXPECT_THAT(m, HasSubstr("view(shape=")) << b.what;
    }
    std::memset(t.r->mem.virt, 0, 96);
    f.ex->cpu_writes(Stream{t.r.get(), 0, 96});
    f.ex->run(t.cmd);
    t.expect_result();
  }
}

// In irq mode the PS sleeps until VW's interrupt (IRQ_F2P[7], CTRL.IRQ_EN): none is lost, and
// the wait ends with the writer's DONE, not a timeout.
TEST(PlExecV2, IrqModeWakesOnTheWritersInterrupt) {
  Fixture& f = fx();
  TransposeAdd t;
  const uint64_t lost0 = f.stats.faults.lost_irqs;
  f.ex->set_wait_mode(WaitMode::kIrq);
  const double t0 = f.drv->now();
  f.ex->run(t.cmd);
  const double waited = f.drv->now() - t0;
  f.ex->set_wait_mode(WaitMode::kPoll);
  t.expect_result();
  EXPECT_EQ(f.stats.faults.lost_irqs, lost0);
  EXPECT_LT(waited, 1e-3) << "no interrupt timeout (0.5 s)";
}


}  // namespace
}  // namespace tinypynq::pynq

namespace tinypynq::pynq {
namespace {

// Queued, the PS does not wait per command: five commands are enqueued in less PS time than
// the PL needs for them, the results are right once the PS reads them (the read waits for the
// entry that writes them), and the wait is booked to the units and dma.
TEST(PlExecV2Queue, CommandsRunBackToBackWhileThePsGoesOn) {
  Fixture& f = fx();
  Queued q;
  ASSERT_TRUE(f.ex->queued());
  std::vector<std::unique_ptr<TransposeAdd>> t;
  const uint64_t seq0 = f.ex->enqueued(), commands0 = f.stats.commands[0];
  const double ps0 = f.drv->now();
  for (int i = 0; i < 5; ++i) {
    t.push_back(std::make_unique<TransposeAdd>());
    const PlExec::Result r = f.ex->run(t.back()->cmd);
    EXPECT_EQ(r.cycles, 0u) << "left in the queue";
  }
  const double enqueue_s = f.drv->now() - ps0;
  EXPECT_EQ(f.ex->enqueued(), seq0 + 5);
  EXPECT_EQ(f.stats.commands[0], commands0) << "counted when they complete";
  t.back()->expect_result();  // waits for the last entry: all five are done
  EXPECT_EQ(f.ex->completed(), seq0 + 5);
  EXPECT_EQ(f.stats.commands[0], commands0 + 5);
  for (auto& x : t) x->expect_result();
  EXPECT_LT(enqueue_s, 5 * 4e-6) << "no GP0 programming and no wait per command";
}

// The batch as data: what an entry reads and writes, and that it depends on the one before it
// when it reads that one's result (TINYPYNQ_DEBUG=4 prints these lines).
TEST(PlExecV2Queue, EntriesCarryTheirReadWriteSetsAndDependencies) {
  Fixture& f = fx();
  Queued q;
  TransposeAdd t;
  f.ex->run(t.cmd);
  UnitCmd second = t.cmd;  // reads the first one's result as operand B
  second.in[1] = t.cmd.out;
  auto r2 = f.block(96);
  second.out = Stream{r2.get(), 0, 96};
  testing::internal::CaptureStderr();
  const int dbg = debug_level();
  set_debug_level(4);
  f.ex->run(second);
  set_debug_level(dbg);
  const std::string line = testing::internal::GetCapturedStderr();
  std::printf("[entry] %s", line.c_str());
  EXPECT_THAT(line, HasSubstr("vector"));
  EXPECT_THAT(line, HasSubstr("after #" + std::to_string(f.ex->enqueued() - 2))) << "RAW on the first result";
  EXPECT_THAT(line, HasSubstr("(E_TRANSPOSE_ADD_6_4)"));
  f.ex->finish();
  const float* o = static_cast<const float*>(r2->mem.virt);
  f.ex->cpu_reads(Stream{r2.get(), 0, 96});
  const float* a = static_cast<const float*>(t.r->mem.virt);
  for (int i = 0; i < 24; ++i) EXPECT_EQ(o[i], static_cast<const float*>(t.a->mem.virt)[(i % 4) * 6 + i / 4] + a[i]);
}

// A bad descriptor in the middle of a batch: the queue stops at that entry; the wait reports
// the kernel, the operand and the view, the PL is reset, and the next batch runs.
void bad_descriptor_mid_batch() {
  Fixture& f = fx();
  Queued q;
  TransposeAdd t0, t1, t2;
  UnitCmd bad = t1.cmd;
  bad.view[0]->shape[1] = 4, bad.view[0]->stride[1] = 0x7FFF'FFFF;  // stride overflow
  std::string k1 = "E_BAD_MIDDLE";
  bad.kernel = &k1;
  const uint64_t commands0 = f.stats.commands[0];
  f.ex->run(t0.cmd);
  f.ex->run(bad);
  f.ex->run(t2.cmd);
  try {
    f.ex->finish();
    ADD_FAILURE() << "no error";
  } catch (const PlFault& e) {
    const std::string m = e.what();
    std::printf("[fault] %s\n", m.c_str());
    EXPECT_THAT(m, HasSubstr("command queue stopped at entry"));
    EXPECT_THAT(m, HasSubstr("COMMAND"));
    EXPECT_THAT(m, HasSubstr("kernel E_BAD_MIDDLE"));
    EXPECT_THAT(m, HasSubstr("operand A (VR0)"));
    EXPECT_THAT(m, HasSubstr("OVERFLOW"));
    EXPECT_THAT(m, HasSubstr("view(shape="));
  }
  EXPECT_EQ(f.stats.commands[0], commands0 + 1) << "the entry before the bad one completed";
  t0.expect_result();
  // The reset PL runs the next batch.
  std::memset(t2.r->mem.virt, 0, 96);
  f.ex->cpu_writes(Stream{t2.r.get(), 0, 96});
  f.ex->run(t1.cmd);
  f.ex->run(t2.cmd);
  t1.expect_result();
  t2.expect_result();
}


TEST(PlExecV2Queue, ABadDescriptorMidBatchNamesKernelOperandViewAndTheNextBatchRuns) {
  bad_descriptor_mid_batch();
}

#ifdef TINYPYNQ_HAVE_RTL
// The same on the rtl target, through the queue: the sequencer programs the Verilated reader,
// its error ends the batch, and the PL after the reset runs the next batch on the RTL.
TEST(PlExecV2QueueRtl, ABadDescriptorMidBatchNamesKernelOperandViewAndTheNextBatchRuns) {
  OnRtl rtl;
  bad_descriptor_mid_batch();
}
// ... and with the queue's RTL (--rtl-queue): the RTL sequencer programs the reader, the queue
// stops at the entry (its error compared with the TLM queue's through the CQ registers the PS
// reads), and after the reset the RTL queue runs the next batch.
TEST(PlExecV2QueueRtlQueue, ABadDescriptorMidBatchNamesKernelOperandViewAndTheNextBatchRuns) {
  OnRtlQueue rtl;
  bad_descriptor_mid_batch();
}
#endif

// A queue error found by a later PS read (docs/pl-v2.md step 4 "Errors"): the entries of
// earlier kernels that did not run are handed to `recover` (the device recomputes those kernels
// on the PS) and the read goes on; when the running kernel lost entries, the wait throws too.
TEST(PlExecV2Queue, LostEntriesOfEarlierKernelsAreRecoveredAndTheCurrentKernelThrows) {
  Fixture& f = fx();
  Queued q;
  std::vector<uint64_t> lost;
  f.ex->set_recover([&](uint64_t n) { lost.push_back(n); });
  TransposeAdd t0, t1, t2;
  UnitCmd bad = t1.cmd;
  bad.view[0]->shape[1] = 0;  // ZERO_LENGTH
  const int64_t faults0 = f.stats.faults.pl_faults;
  f.ex->begin_kernel();  // "kernel 1": the good command and the bad one
  f.ex->run(t0.cmd);
  const uint64_t bad_seq = f.ex->enqueued();
  f.ex->run(bad);
  f.ex->begin_kernel();  // "kernel 2": reads kernel 1's first result, then its own command
  t0.expect_result();    // entry 0 ran: no wait on the error yet
  f.ex->run(t2.cmd);
  EXPECT_NO_THROW(f.ex->cpu_reads(Stream{t1.r.get(), 0, 96})) << "kernel 1's loss is recovered, not thrown";
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_EQ(lost[0], bad_seq);
  EXPECT_EQ(f.stats.faults.pl_faults, faults0 + 1);
  EXPECT_THAT(f.stats.faults.log.back(), HasSubstr("ZERO_LENGTH"));
  EXPECT_THAT(f.stats.faults.log.back(), HasSubstr("operand A (VR0)"));
  // Kernel 2's command was dropped with the queue: had kernel 2 been running when the error
  // showed, the wait would throw. Now: a kernel whose own entry fails.
  f.ex->begin_kernel();
  f.ex->run(bad);
  EXPECT_THROW(f.ex->finish(), PlFault);
  EXPECT_EQ(lost.size(), 2u);
  f.ex->set_recover(nullptr);
  f.ex->run(t2.cmd);
  t2.expect_result();
}

// irq mode: the PS sleeps on IRQ_F2P[8] (REACHED with CTRL.REACHED_EN) instead of polling, and
// the interrupt is not lost.
TEST(PlExecV2Queue, IrqModeSleepsOnReached) {
  Fixture& f = fx();
  Queued q;
  f.ex->set_wait_mode(WaitMode::kIrq);
  const int64_t lost0 = f.stats.faults.lost_irqs;
  TransposeAdd a, b;
  f.ex->run(a.cmd);
  f.ex->run(b.cmd);
  b.expect_result();
  a.expect_result();
  f.ex->set_wait_mode(WaitMode::kPoll);
  EXPECT_EQ(f.stats.faults.lost_irqs, lost0);
}
}  // namespace
}  // namespace tinypynq::pynq
