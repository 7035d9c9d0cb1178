// The board driver on a fake PYNQ-Z2 (tests/board/fake_board.h): register windows, u-dma-buf
// sub-allocation and sync ranges, polling and UIO interrupt waits with timeouts, PL reset
// through the SLCR, the contract's ID/version check, the PL clock check, and the errors for
// missing device nodes and missing permissions.
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <termios.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "fake_board.h"
#include "runtime/pynq/pl_exec.h"
#include "base/check.h"
#include "tensor/device.h"

using namespace tinypynq;
using namespace tinypynq::board;
using namespace tinypynq::board::test;
namespace reg = tinypynq::pynq::reg;

namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

std::unique_ptr<BoardDriver> open(const FakeBoard& fb) { return make_board_driver(fb.options(), BoardConfig::defaults()); }
BoardConfig v2_config() {
  BoardConfig c = BoardConfig::defaults();
  c.pl_version = 2;
  return c;
}

TEST(BoardDriver, MapsThePlRegisterWindows) {
  FakeBoard fb;
  auto d = open(fb);
  EXPECT_STREQ(d->name(), "board");
  d->write32(reg::kVec + reg::SIZE0, 1234);
  EXPECT_EQ(fb.at(reg::kVec + reg::SIZE0), 1234u);
  fb.set(reg::kDma0 + reg::S2MM_DMASR, 0x1002);
  EXPECT_EQ(d->read32(reg::kDma0 + reg::S2MM_DMASR), 0x1002u);
  fb.set(reg::kMmu + 0xFFFC, 7);  // last word of the last window
  EXPECT_EQ(d->read32(reg::kMmu + 0xFFFC), 7u);
  EXPECT_NE(error_of([&] { d->read32(reg::kMmu + 0x1'0000); }).find("outside the mapped PL windows"), std::string::npos);
  EXPECT_NE(error_of([&] { d->write32(reg::kVec + 2, 1); }).find("not 32-bit aligned"), std::string::npos);
}

// pl_version 2: no DMA windows; SYS, the units and the VR, VW and CQ windows.
TEST(BoardDriver, V2MapsTheViewReaderWriterAndQueueWindows) {
  FakeBoard fb(2);
  auto d = make_board_driver(fb.options(), v2_config());
  d->write32(hw::win::CQ_BASE + hw::cq::RING_SLOTS, 64);
  EXPECT_EQ(fb.at(hw::win::CQ_BASE + hw::cq::RING_SLOTS), 64u);
  d->write32(hw::win::VR_BASE + 2 * hw::win::VR_INSTANCE_STRIDE + hw::vr::BASE, 0x1F00'0100);
  EXPECT_EQ(fb.at(hw::win::VR_BASE + 2 * hw::win::VR_INSTANCE_STRIDE + hw::vr::BASE), 0x1F00'0100u);
  fb.set(hw::win::VW_BASE + hw::vw::STATUS, 2);
  EXPECT_EQ(d->read32(hw::win::VW_BASE + hw::vw::STATUS), 2u);
  EXPECT_EQ(d->read32(reg::kMmu + hw::unit::ID), fb.at(reg::kMmu + hw::unit::ID));
  // the v2 PL has no DMAs: their windows are not mapped (an access would be a bus error there)
  EXPECT_NE(error_of([&] { d->read32(reg::kDma0); }).find("outside the mapped PL windows"), std::string::npos);
  EXPECT_NE(error_of([&] { d->read32(hw::win::CQ_BASE + hw::win::CQ_SIZE); }).find("outside the mapped PL windows"),
            std::string::npos);
}

// SYS.VERSION's major version is the PL version: a v1 bitstream under a v2 config (or the reverse)
// is refused at open, naming both and the build to load, before a register of the other design is touched.
TEST(BoardDriver, RefusesTheBitstreamOfTheOtherPlVersion) {
  {
    FakeBoard fb(1);
    const std::string e = error_of([&] { make_board_driver(fb.options(), v2_config()); });
    EXPECT_NE(e.find("contract version 1.0"), std::string::npos) << e;
    EXPECT_NE(e.find("\"pl_version\": 2) needs 2.x"), std::string::npos) << e;
    EXPECT_NE(e.find("build_bitstream.tcl -tclargs out/ 4 2 [training]"), std::string::npos) << e;
  }
  {
    FakeBoard fb(2);
    const std::string e = error_of([&] { open(fb); });
    EXPECT_NE(e.find("contract version 2.0"), std::string::npos) << e;
    EXPECT_NE(e.find("\"pl_version\": 1) needs 1.x"), std::string::npos) << e;
  }
}

// A bitstream built for other parameters (its units' CFG registers) is refused at open, naming
// every field that differs and its board config key; the matching configuration opens it.
TEST(BoardDriver, RefusesABitstreamBuiltForAnotherConfiguration) {
  {
    FakeBoard fb;
    BoardConfig big = BoardConfig::defaults();
    big.mm_rows = 8;
    fb.set_build(big);
    const std::string e = error_of([&] { open(fb); });
    EXPECT_NE(e.find("built for another board configuration"), std::string::npos) << e;
    EXPECT_NE(e.find("MMU CFG0.ROWS reads 8, the configuration's mm_rows means 4"), std::string::npos) << e;
    EXPECT_NO_THROW(make_board_driver(fb.options(), big));
  }
  {
    FakeBoard fb(2);
    // base/pynq_z2_v2_training.json
    const BoardConfig train = BoardConfig::from_json(R"({"pl_version": 2, "vec_sfu_mod": 0, "vec_sfu_exp2": 0,
        "vec_sfu_log2": 0, "vec_sfu_sin": 0, "vr_stream_c": 0, "reduce_unit": 0})");
    fb.set_build(train);
    const std::string e = error_of([&] { make_board_driver(fb.options(), v2_config()); });
    EXPECT_NE(e.find("VEC CFG0.SFU_DPS reads 3, the configuration's vec_sfu_* means 63"), std::string::npos) << e;
    EXPECT_NE(e.find("VEC CFG0.STREAM_C reads 0, the configuration's vr_stream_c means 1"), std::string::npos) << e;
    EXPECT_NE(e.find("RED CFG0.BUILT reads 0, the configuration's reduce_unit means 1"), std::string::npos) << e;
    EXPECT_NO_THROW(make_board_driver(fb.options(), train)) << "the training PL with its configuration";
  }
}

// The v2 runtime on the board programs the command queue: the ring in the u-dma-buf, enabled.
TEST(BoardDriver, V2RuntimeProgramsTheQueueRingInTheUdmabuf) {
  FakeBoard fb(2);
  auto d = make_board_driver(fb.options(), v2_config());
  pynq::PynqStats stats;
  const pynq::PsCost cost(v2_config());
  pynq::PlExec ex(*d, stats, cost, pynq::WaitMode::kPoll);
  ex.init();
  const uint32_t base = fb.at(hw::win::CQ_BASE + hw::cq::RING_BASE);
  EXPECT_GE(base, FakeBoard::kUdmabufPhys);
  EXPECT_LT(base, FakeBoard::kUdmabufPhys + FakeBoard::kUdmabufBytes);
  EXPECT_EQ(base % hw::limits::CQ_SLOT_BYTES, 0u);
  EXPECT_GE(fb.at(hw::win::CQ_BASE + hw::cq::RING_SLOTS), 2u);
  EXPECT_TRUE(fb.at(hw::win::CQ_BASE + hw::cq::CTRL) & hw::cq::CTRL_ENABLE.mask);
  EXPECT_EQ(d->stats().allocated_bytes, fb.at(hw::win::CQ_BASE + hw::cq::RING_SLOTS) * hw::limits::CQ_SLOT_BYTES);
}

TEST(BoardDriver, RefusesABitstreamThatIsNotTheContracts) {
  FakeBoard fb;
  fb.set(reg::kSys + reg::SYS_ID, 0xDEADBEEF);
  std::string e = error_of([&] { open(fb); });
  EXPECT_NE(e.find("not a tinypynq design"), std::string::npos) << e;
  EXPECT_NE(e.find("0xdeadbeef"), std::string::npos) << e;
  EXPECT_NE(e.find("tinypynq board load"), std::string::npos) << e;
  fb.set(reg::kSys + reg::SYS_ID, reg::kSysId);
  fb.set(reg::kSys + reg::SYS_VERSION, reg::kVersion + 0x2'0000);  // a major version no config selects
  e = error_of([&] { open(fb); });
  EXPECT_NE(e.find("contract version 3.0"), std::string::npos) << e;
  EXPECT_NE(e.find("load the bitstream built for it"), std::string::npos) << e;
  fb.set(reg::kSys + reg::SYS_VERSION, reg::kVersion + 3);  // a minor revision is compatible
  EXPECT_NO_THROW(open(fb));
}

TEST(BoardDriver, MissingDeviceNodesSayWhatToDo) {
  {
    FakeBoard fb;
    fs::remove(fb.dir / "dev" / "udmabuf0");
    const std::string e = error_of([&] { open(fb); });
    EXPECT_NE(e.find("udmabuf0 does not exist"), std::string::npos) << e;
    EXPECT_NE(e.find("insmod u-dma-buf.ko"), std::string::npos) << e;
  }
  {
    FakeBoard fb;
    fs::remove_all(fb.dir / "sys" / "u-dma-buf");
    const std::string e = error_of([&] { open(fb); });
    EXPECT_NE(e.find("u-dma-buf/udmabuf0 does not exist"), std::string::npos) << e;
    EXPECT_NE(e.find("insmod u-dma-buf.ko"), std::string::npos) << e;
  }
  {
    FakeBoard fb;
    put(fb.dir / "sys" / "u-dma-buf" / "udmabuf0" / "phys_addr", "garbage\n");
    const std::string e = error_of([&] { open(fb); });
    EXPECT_NE(e.find("expected a number"), std::string::npos) << e;
  }
  {
    FakeBoard fb;
    BoardOptions o = fb.options();
    o.mem_path = (fb.dir / "no-such-mem").string();
    const std::string e = error_of([&] { make_board_driver(o, BoardConfig::defaults()); });
    EXPECT_NE(e.find("no-such-mem does not exist"), std::string::npos) << e;
  }
  {
    FakeBoard fb;
    auto d = open(fb);  // polling works without a UIO node; an interrupt wait needs one
    fb.set(reg::kDma0 + reg::S2MM_DMASR, 0);
    const std::string e = error_of([&] { d->wait(reg::kDma0 + reg::S2MM_DMASR, 1u << 12, 1, pynq::WaitMode::kIrq, 0.1); });
    EXPECT_NE(e.find("no UIO device named 'fabric'"), std::string::npos) << e;
    EXPECT_NE(e.find("polling"), std::string::npos) << e;
  }
}

// Runs f in a child process with the uid/gid of `nobody` (the test runs as root in CI) and
// returns the error message it got, through a pipe.
std::string error_as_nobody(const std::function<void()>& f) {
  int p[2];
  EXPECT_EQ(::pipe(p), 0);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(p[0]);
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(3);
    const std::string e = error_of(f);
    ssize_t w = ::write(p[1], e.data(), e.size());
    ::_exit(w == static_cast<ssize_t>(e.size()) ? 0 : 4);
  }
  ::close(p[1]);
  std::string out;
  char buf[512];
  for (ssize_t n; (n = ::read(p[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  ::close(p[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  return out;
}

TEST(BoardDriver, MissingPermissionsSayRunAsRoot) {
  FakeBoard fb;
  BoardOptions o = fb.options();
  o.require_root = true;
  std::string e = error_as_nobody([&] { make_board_driver(o, BoardConfig::defaults()); });
  EXPECT_NE(e.find("not running as root"), std::string::npos) << e;
  EXPECT_NE(e.find("sudo"), std::string::npos) << e;
  // Past the early check, the open itself fails with EACCES on a root-only node.
  fs::permissions(fb.mem, fs::perms::owner_read | fs::perms::owner_write);
  o.require_root = false;
  e = error_as_nobody([&] { make_board_driver(o, BoardConfig::defaults()); });
  EXPECT_NE(e.find("permission denied opening " + fb.mem.string()), std::string::npos) << e;
  EXPECT_NE(e.find("run it with sudo"), std::string::npos) << e;
}

TEST(BoardDriver, SubAllocatesTheUdmabuf) {
  FakeBoard fb;
  auto d = open(fb);
  std::vector<pynq::DmaBuffer> bufs;
  for (size_t n : {100, 4096, 1, 65536, 333}) bufs.push_back(d->alloc(n, 64));
  bufs.push_back(d->alloc(1000, 4096));
  EXPECT_EQ(bufs.back().phys % 4096, 0u);
  for (size_t i = 0; i < bufs.size(); ++i) {
    const auto& b = bufs[i];
    EXPECT_EQ(b.phys % 64, 0u);
    EXPECT_GE(b.phys, FakeBoard::kUdmabufPhys);
    EXPECT_LE(b.phys + b.bytes, FakeBoard::kUdmabufPhys + FakeBoard::kUdmabufBytes);
    for (size_t j = 0; j < i; ++j)  // no overlap, not even within a cache line
      EXPECT_TRUE(b.phys >= (bufs[j].phys + bufs[j].bytes + 31) / 32 * 32 || bufs[j].phys >= (b.phys + b.bytes + 31) / 32 * 32);
  }
  // The CPU's view is the u-dma-buf mapping: bytes land in the device file at phys - base.
  std::memcpy(bufs[1].virt, "tinypynq", 8);
  std::ifstream f(fb.dir / "dev" / "udmabuf0", std::ios::binary);
  f.seekg(static_cast<long>(bufs[1].phys - FakeBoard::kUdmabufPhys));
  char got[9] = {};
  f.read(got, 8);
  EXPECT_STREQ(got, "tinypynq");
  const uint64_t p3 = bufs[3].phys;
  EXPECT_EQ(d->stats().allocated_bytes, 128u + 4096 + 32 + 65536 + 352 + 1024);
  bufs.erase(bufs.begin() + 3);  // freed when the last copy goes
  EXPECT_EQ(d->alloc(65536, 64).phys, p3);  // first fit reuses the hole
  bufs.clear();
  EXPECT_EQ(d->stats().allocated_bytes, 0u);
  auto big = d->alloc(FakeBoard::kUdmabufBytes, 64);  // everything merged back into one range
  const std::string e = error_of([&] { d->alloc(64, 64); });
  EXPECT_NE(e.find("u-dma-buf udmabuf0 exhausted"), std::string::npos) << e;
  EXPECT_NE(e.find("insmod u-dma-buf.ko udmabuf0="), std::string::npos) << e;
}

// The u-dma-buf sync command written for a range: "0x<offset><size|dir<<2|1>".
std::string sync_cmd(uint64_t off, uint64_t size, unsigned dir) {
  char s[32];
  std::snprintf(s, sizeof s, "0x%08X%08X", static_cast<unsigned>(off), static_cast<unsigned>(size | dir << 2 | 1));
  return s;
}

TEST(BoardDriver, SyncsExactCacheLineRanges) {
  FakeBoard fb;
  auto d = open(fb);
  auto pad = d->alloc(64, 64);
  auto b = d->alloc(8192, 64);
  const uint64_t base = b.phys - FakeBoard::kUdmabufPhys;
  ASSERT_EQ(base % 32, 0u);
  d->flush(b, 100, 50);  // bytes 100..149 -> lines 96..159
  EXPECT_EQ(fb.sync_attr("sync_for_device"), sync_cmd(base + 96, 64, 1));
  d->flush(b, 0, 8192);
  EXPECT_EQ(fb.sync_attr("sync_for_device"), sync_cmd(base, 8192, 1));
  // Invalidate: sync_for_cpu at once (the runtime calls it after the transfer, lazily, right
  // before the CPU reads: docs/pynq-runtime.md "Cache maintenance").
  d->invalidate(b, 4096, 4000);  // 4096..8095: whole lines already
  EXPECT_EQ(fb.sync_attr("sync_for_cpu"), sync_cmd(base + 4096, 4000, 2));
  EXPECT_EQ(d->stats().sync_for_device, 2u);
  EXPECT_EQ(d->stats().sync_for_cpu, 1u);
  fb.set(reg::kDma0 + reg::S2MM_DMASR, reg::DMASR_IOC);
  d->wait(reg::kDma0 + reg::S2MM_DMASR, reg::DMASR_IOC, 1, pynq::WaitMode::kPoll, 1.0);
  EXPECT_EQ(d->stats().sync_for_cpu, 1u) << "nothing deferred to the wait";
  EXPECT_NE(error_of([&] { d->flush(b, 8000, 500); }).find("outside a buffer of 8192 bytes"), std::string::npos);
  (void)pad;
}

TEST(BoardDriver, PollingWaitReturnsAndTimesOut) {
  FakeBoard fb;
  auto d = open(fb);
  const uint64_t sr = reg::kDma0 + reg::S2MM_DMASR;
  fb.set(sr, 0);
  std::thread pl([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    fb.set(sr, reg::DMASR_IOC | reg::DMASR_IDLE);
  });
  EXPECT_EQ(d->wait(sr, reg::DMASR_IOC, 1, pynq::WaitMode::kPoll, 5.0), reg::DMASR_IOC | reg::DMASR_IDLE);
  pl.join();
  fb.set(sr, reg::DMASR_IDLE);
  const auto t0 = std::chrono::steady_clock::now();
  const std::string e = error_of([&] { d->wait(sr, reg::DMASR_IOC, 1, pynq::WaitMode::kPoll, 0.05); });
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_NE(e.find("timeout after 0.05 s"), std::string::npos) << e;
  EXPECT_NE(e.find("last value 0x2"), std::string::npos) << e;
  EXPECT_GE(took, 0.05);
  EXPECT_LT(took, 2.0);
  // The runtime recovers from DriverTimeout (a PL fault: reset, re-initialise).
  EXPECT_THROW(d->wait(sr, reg::DMASR_IOC, 1, pynq::WaitMode::kPoll, 0.01), pynq::DriverTimeout);
}

// A pty plays the generic-uio node: what the driver writes (the unmask) arrives on the master,
// and 4 bytes written to the master are an interrupt.
struct FakeUio {
  int master = -1, slave = -1;
  std::string path;
  explicit FakeUio(FakeBoard& fb) {
    char name[128];
    EXPECT_EQ(::openpty(&master, &slave, name, nullptr, nullptr), 0);
    termios t{};
    ::tcgetattr(slave, &t);
    ::cfmakeraw(&t);
    ::tcsetattr(slave, TCSANOW, &t);
    path = name;
    put(fb.dir / "sys" / "uio" / "uio4" / "name", "fabric\n");
    put(fb.dir / "sys" / "uio" / "uio0" / "name", "audio-codec-ctrl\n");
    fs::create_symlink(path, fb.dir / "dev" / "uio4");
  }
  ~FakeUio() {
    ::close(master);
    ::close(slave);
  }
  void fire() {
    const uint32_t count = 1;
    EXPECT_EQ(::write(master, &count, 4), 4);
  }
  size_t unmasks() {  // bytes the driver wrote / 4, without blocking
    size_t n = 0;
    char buf[256];
    for (;;) {
      pollfd p{master, POLLIN, 0};
      if (::poll(&p, 1, 0) <= 0) break;
      const ssize_t r = ::read(master, buf, sizeof buf);
      if (r <= 0) break;
      n += static_cast<size_t>(r);
    }
    return n / 4;
  }
};

TEST(BoardDriver, InterruptWaitSleepsOnTheFabricUio) {
  FakeBoard fb;
  FakeUio uio(fb);
  auto d = open(fb);
  const uint64_t sr = reg::kDma0 + reg::S2MM_DMASR;
  fb.set(sr, 0);
  std::thread pl([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    uio.fire();  // another source first: the register is not set yet, so the driver sleeps again
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    fb.set(sr, reg::DMASR_IOC);
    uio.fire();
  });
  EXPECT_EQ(d->wait(sr, reg::DMASR_IOC | reg::DMASR_ERR_IRQ, 1, pynq::WaitMode::kIrq, 5.0), reg::DMASR_IOC);
  pl.join();
  EXPECT_EQ(d->stats().irq_wakeups, 2u);
  EXPECT_EQ(uio.unmasks(), 3u);  // unmasked before each look at the register
  // No interrupt: the timeout, with the register named.
  fb.set(sr, 0);
  const auto t0 = std::chrono::steady_clock::now();
  const std::string e = error_of([&] { d->wait(sr, reg::DMASR_IOC, 1, pynq::WaitMode::kIrq, 0.1); });
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_NE(e.find("timeout after 0.1 s"), std::string::npos) << e;
  EXPECT_NE(e.find("register 0x40000034"), std::string::npos) << e;
  EXPECT_GE(took, 0.1);
  EXPECT_LT(took, 2.0);
}

TEST(BoardDriver, ResetPulsesFclkReset0ThroughTheSlcr) {
  FakeBoard fb;
  auto d = open(fb);
  fb.set_slcr(0x240, 0xE);  // FCLK_RESET1..3 held by someone else: left alone
  std::atomic<bool> stop{false}, saw_reset{false};
  std::thread watch([&] {
    while (!stop) saw_reset = saw_reset || (fb.slcr(0x240) & 1);
  });
  // Until the watcher has seen FCLK_RESET0 asserted once (bounded: 5 s on a loaded machine).
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!saw_reset && std::chrono::steady_clock::now() < until) d->reset_pl();
  stop = true;
  watch.join();
  EXPECT_TRUE(saw_reset) << "FPGA_RST_CTRL bit 0 was never seen set";
  EXPECT_EQ(fb.slcr(0x240), 0xEu);     // released, other bits kept
  EXPECT_EQ(fb.slcr(0x008), 0xDF0Du);  // unlocked with the key ...
  EXPECT_EQ(fb.slcr(0x004), 0x767Bu);  // ... and locked again
}

// A free-running SYS time counter at `hz`, updated by a thread from the wall clock.
struct FakeClock {
  FakeBoard& fb;
  std::atomic<bool> stop{false};
  std::thread t;
  FakeClock(FakeBoard& b, double hz) : fb(b) {
    t = std::thread([this, hz] {
      const auto t0 = std::chrono::steady_clock::now();
      while (!stop) {
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const uint64_t c = static_cast<uint64_t>(s * hz);
        fb.set(reg::kSys + reg::SYS_TIME_HI, static_cast<uint32_t>(c >> 32));
        fb.set(reg::kSys + reg::SYS_TIME_LO, static_cast<uint32_t>(c));
        std::this_thread::yield();
      }
    });
  }
  ~FakeClock() {
    stop = true;
    t.join();
  }
};

TEST(BoardDriver, ChecksThePlClockAgainstTheSysTimeCounter) {
  FakeBoard fb;
  auto d = open(fb);
  {
    // The fake counter is a thread writing a file: on a loaded machine it can lag by a
    // scheduler slice, so the interval is long and the tolerance loose (a real counter is exact).
    FakeClock clk(fb, 100e6);
    EXPECT_NEAR(d->measure_pl_clock(0.4) / 100e6, 1.0, 0.06);
    EXPECT_NO_THROW(d->check_pl_clock(100e6, 0.1, 0.4));
    const std::string e = error_of([&] { d->check_pl_clock(150e6, 0.1, 0.2); });
    EXPECT_NE(e.find("the board config says 150 MHz"), std::string::npos) << e;
    EXPECT_NE(e.find("FPGA0_CLK_CTRL"), std::string::npos) << e;
  }
  const std::string e = error_of([&] { d->check_pl_clock(100e6, 0.05, 0.02); });  // counter stopped
  EXPECT_NE(e.find("does not count"), std::string::npos) << e;
}

TEST(BoardDriver, BoardTargetOpensOnFirstUse) {
  FakeBoard fb;
  BoardOptions o = fb.options();
  o.udmabuf_name = "udmabuf7";  // not there: the device cannot be made, and says why
  register_board_target(BoardConfig::defaults(), o);
  const auto names = device_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "board"), names.end());
  const std::string e = error_of([&] { device("board"); });
  EXPECT_NE(e.find("udmabuf7 does not exist"), std::string::npos) << e;
}

}  // namespace

namespace {

// On the board the runtime's own PS work is booked as measured (wall clock), not predicted.
TEST(BoardDriver, RuntimeBooksMeasuredPsTime) {
  FakeBoard fb;
  auto d = open(fb);
  EXPECT_TRUE(d->wall_clock());
  pynq::PynqStats stats;
  const pynq::PsCost cost(BoardConfig::defaults());
  pynq::PlExec ex(*d, stats, cost, pynq::WaitMode::kPoll);
  ex.mark();
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  const double booked = ex.cpu(pynq::Phase::kPsPack, 1e-9, "pack operand");  // predicted: 1 ns
  EXPECT_GE(booked, 0.03);
  EXPECT_LT(booked, 1.0);
  EXPECT_DOUBLE_EQ(stats.phase_seconds(pynq::Phase::kPsPack), booked);
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ex.settle();  // the rest is the runtime's bookkeeping
  EXPECT_GE(stats.phase_seconds(pynq::Phase::kPsDriver), 0.01);
}

}  // namespace
