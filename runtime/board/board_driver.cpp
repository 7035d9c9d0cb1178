// 64-bit file offsets: /dev/mem offsets are physical addresses (the SLCR at 0xF8000000 is past
// 2^31), also on 32-bit armhf.
#define _FILE_OFFSET_BITS 64
#include "runtime/board/board_driver.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "runtime/board/sub_alloc.h"
#include "base/check.h"
#include "runtime/pynq/pynq_device.h"
#include "runtime/pynq/regmap.h"

namespace tinypynq::board {

namespace fs = std::filesystem;
namespace reg = pynq::reg;

namespace {

constexpr uint64_t kSlcrBytes = 0x1000;
constexpr uint32_t SLCR_LOCK = 0x004, SLCR_UNLOCK = 0x008, FPGA_RST_CTRL = 0x240;
constexpr uint32_t kLockKey = 0x767B, kUnlockKey = 0xDF0D, kFclkReset0 = 1u << 0;
constexpr uint64_t kCacheLine = 32;  // Cortex-A9 L1/L2 line

std::string errno_text() { return std::strerror(errno); }

// Advice for a failed open(), by errno.
std::string open_advice(const std::string& path, const std::string& what_it_is, const std::string& fix) {
  if (errno == ENOENT) return "board: " + path + " does not exist (" + what_it_is + "): " + fix;
  if (errno == EACCES || errno == EPERM)
    return "board: permission denied opening " + path + " (" + what_it_is +
           "): the board driver needs root; run it with sudo (e.g. sudo ./tinypynq ...)";
  return "board: cannot open " + path + " (" + what_it_is + "): " + errno_text();
}

struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& o) noexcept : fd(o.fd) { o.fd = -1; }
  Fd& operator=(Fd&& o) noexcept {
    std::swap(fd, o.fd);
    return *this;
  }
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

struct Mapping {
  void* p = MAP_FAILED;
  size_t bytes = 0;
  Mapping() = default;
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping() {
    if (p != MAP_FAILED) ::munmap(p, bytes);
  }
};

std::string read_attr(const fs::path& p, const std::string& fix) {
  std::ifstream f(p);
  TP_CHECK(f, "board: cannot read ", p.string(), ": ", fix);
  std::string s;
  std::getline(f, s);
  TP_CHECK(!s.empty(), "board: ", p.string(), " is empty: ", fix);
  return s;
}

uint64_t parse_u64(const std::string& s, const fs::path& p) {
  errno = 0;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(s.c_str(), &end, 0);  // "0x..." or decimal
  TP_CHECK(errno == 0 && end != s.c_str() && (*end == 0 || *end == '\n' || *end == ' '), "board: ", p.string(),
           " holds '", s, "', expected a number (is this a u-dma-buf device?)");
  return v;
}

class Board final : public BoardDriver {
 public:
  Board(const BoardOptions& o, const BoardConfig& cfg) : o_(o), cfg_(cfg) {
    if (o_.pl_windows.empty()) o_.pl_windows = default_pl_windows(cfg_);
    if (o_.require_root && ::geteuid() != 0)
      TP_CHECK(false, "board: not running as root: the board driver maps PL registers through ", o_.mem_path,
               " and needs root; run it with sudo (e.g. sudo ./tinypynq train --target board)");
    open_mem();
    open_udmabuf();
    if (o_.check_pl) check_pl();
    if (o_.check_clock) check_pl_clock(cfg_.pl_clock_hz, o_.clock_tolerance, o_.clock_measure_s);
  }

  const char* name() const override { return "board"; }

  uint32_t read32(uint64_t addr) override { return *reg_ptr(addr); }
  void write32(uint64_t addr, uint32_t value) override { *reg_ptr(addr) = value; }

  pynq::DmaBuffer alloc(size_t bytes, size_t align) override {
    TP_CHECK(align <= 4096, "board: alignment ", align, " must be <= 4096");
    // Cache-line granular: a sync of one buffer never touches a line of its neighbour.
    const uint64_t rounded = (std::max<uint64_t>(bytes, 1) + kCacheLine - 1) / kCacheLine * kCacheLine;
    const uint64_t off = alloc_->get(rounded, std::max<uint64_t>(align, kCacheLine));
    pynq::DmaBuffer b;
    b.phys = ub_phys_ + off;
    b.virt = static_cast<char*>(ub_map_.p) + off;
    b.bytes = bytes;
    b.owner = std::shared_ptr<void>(b.virt, [a = alloc_, off](void*) { a->put(off); });
    return b;
  }

  // Clean (to device) now. Invalidate now too (sync_for_cpu, from-device): the runtime calls it
  // after the transfer, right before the CPU reads what the PL wrote, and before a transfer only
  // for dirty lines the PL overwrites completely (docs/pynq-runtime.md "Cache maintenance"); on
  // ARMv7 both are the same invalidate by range (arch_sync_dma_for_cpu -> v7_dma_inv_range).
  void flush(const pynq::DmaBuffer& b, size_t offset, size_t bytes) override {
    sync(o_sync_dev_, b, offset, bytes, 1);
    ++st_.sync_for_device;
  }
  void invalidate(const pynq::DmaBuffer& b, size_t offset, size_t bytes) override {
    sync(o_sync_cpu_, b, offset, bytes, 2);
    ++st_.sync_for_cpu;
  }

  uint32_t wait(uint64_t addr, uint32_t mask, int irq, pynq::WaitMode mode, double timeout_s) override {
    TP_CHECK(irq >= 0 && irq < 16, "board: IRQ_F2P line ", irq, " out of range 0..15");
    const double t0 = now(), deadline = t0 + timeout_s;
    uint32_t v = 0;
    if (mode == pynq::WaitMode::kPoll) {
      for (uint64_t n = 0;; ++n) {
        v = read32(addr);
        if (v & mask) break;
        if ((n & 63) == 63 && now() > deadline) timeout(addr, mask, v, timeout_s);
      }
    } else {
      v = wait_irq(addr, mask, deadline, timeout_s);
    }
    return v;
  }

  void reset_pl() override {
    volatile uint32_t* slcr = static_cast<volatile uint32_t*>(slcr_map_.p);
    slcr[SLCR_UNLOCK / 4] = kUnlockKey;
    slcr[FPGA_RST_CTRL / 4] = slcr[FPGA_RST_CTRL / 4] | kFclkReset0;
    // FCLK_RESET0 drives the PL's aresetn through the processing_system7 block: a few PL clocks
    // are enough; 1 us is 100 of them at 100 MHz.
    std::this_thread::sleep_for(std::chrono::microseconds(1));
    slcr[FPGA_RST_CTRL / 4] = slcr[FPGA_RST_CTRL / 4] & ~kFclkReset0;
    slcr[SLCR_LOCK / 4] = kLockKey;
  }

  double now() override {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  }
  void cpu_work(double) override {}  // real time passes by itself
  bool wall_clock() const override { return true; }

  void check_pl() override {
    const uint64_t sys = reg::kSys;
    const uint32_t id = read32(sys + reg::SYS_ID);
    TP_CHECK(id == reg::kSysId, "board: the PL at 0x", std::hex, sys, " is not a tinypynq design: SYS_ID reads 0x",
             id, ", expected 0x", reg::kSysId,
             "; load the tinypynq bitstream first (sudo ./tinypynq board load tinypynq.bit, docs/board.md)");
    const uint32_t ver = read32(sys + reg::SYS_VERSION);
    const uint32_t want = reg::sys_version(cfg_.pl_version);
    TP_CHECK(ver >> 16 == want >> 16, "board: the loaded bitstream implements PL contract version ", ver >> 16, ".",
             ver & 0xFFFF, ", the board configuration (\"pl_version\": ", cfg_.pl_version, ") needs ", want >> 16,
             ".x; load the bitstream built for it (vivado -mode batch -source hw/vivado/build_bitstream.tcl -tclargs "
             "out/ 4 ", cfg_.pl_version, cfg_.pl_version >= 2 ? " [training]" : "",
             "; sudo ./tinypynq board load out/tinypynq.bit) or pass the board configuration of the loaded one");
    check_build();
  }

  double measure_pl_clock(double seconds) override {
    const auto time = [&] {
      // HI is latched when LO is read (hw-spec §7.1): read LO first.
      const uint32_t lo = read32(reg::kSys + reg::SYS_TIME_LO);
      return (static_cast<uint64_t>(read32(reg::kSys + reg::SYS_TIME_HI)) << 32) | lo;
    };
    const double t0 = now();
    const uint64_t c0 = time();
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    const uint64_t c1 = time();
    const double t1 = now();
    return static_cast<double>(c1 - c0) / (t1 - t0);
  }

  void check_pl_clock(double expected_hz, double tolerance, double seconds) override {
    const double f = measure_pl_clock(seconds);
    TP_CHECK(f > 0, "board: the PL's SYS time counter does not count: FCLK0 is stopped or the PL is held in reset "
                    "(check SLCR FPGA0_CLK_CTRL 0xF8000170 and FPGA_RST_CTRL 0xF8000240)");
    TP_CHECK(std::abs(f / expected_hz - 1) <= tolerance, "board: the PL clock measures ", f / 1e6,
             " MHz with the SYS time counter, the board config says ", expected_hz / 1e6,
             " MHz: the FPGA manager does not set FCLK0; set it (PYNQ: Overlay(...).download() sets it from the .hwh; "
             "or write SLCR FPGA0_CLK_CTRL 0xF8000170) or pass a board config with pl_clock_hz = ", f);
  }

  Stats stats() const override {
    Stats s = st_;
    s.udmabuf_phys = ub_phys_;
    s.udmabuf_bytes = ub_bytes_;
    s.allocated_bytes = alloc_->in_use();
    return s;
  }

 private:
  // The build parameters the PL reports in its units' CFG registers (hw-spec §7: the SFU datapaths,
  // stream C, the reduce unit, the matmul sizes) against the board config: a bitstream built for
  // other parameters would reject commands (BAD_OP, BAD_SIZE) or run them with other timing than
  // predicted, so it is refused at open with every field that differs.
  void check_build() {
    std::ostringstream diff;
    const auto field = [&](uint64_t unit, const char* uname, uint32_t off, const char* reg_name, const hw::Field& f,
                           const char* fname, uint32_t want, const char* key) {
      const uint32_t got = f.get(read32(unit + off));
      if (got != f.get(f.put(want)))
        diff << " " << uname << " " << reg_name << "." << fname << " reads " << got << ", the configuration's " << key
             << " means " << f.get(f.put(want)) << ";";
    };
    field(reg::kVec, "VEC", hw::unit::CFG0, "CFG0", hw::vec::CFG0_SFU_DPS, "SFU_DPS", cfg_.sfu_datapaths(), "vec_sfu_*");
    field(reg::kVec, "VEC", hw::unit::CFG0, "CFG0", hw::vec::CFG0_STREAM_C, "STREAM_C", cfg_.stream_c() ? 1 : 0,
          "vr_stream_c");
    field(reg::kRed, "RED", hw::unit::CFG0, "CFG0", hw::red::CFG0_BUILT, "BUILT", cfg_.reduce_unit ? 1 : 0, "reduce_unit");
    field(reg::kMmu, "MMU", hw::unit::CFG0, "CFG0", hw::mmu::CFG0_ROWS, "ROWS", cfg_.mm_rows, "mm_rows");
    field(reg::kMmu, "MMU", hw::unit::CFG0, "CFG0", hw::mmu::CFG0_COLS, "COLS", cfg_.mm_cols, "mm_cols");
    field(reg::kMmu, "MMU", hw::unit::CFG1, "CFG1", hw::mmu::CFG1_WDEPTH, "WDEPTH", cfg_.mm_wdepth, "mm_wdepth");
    field(reg::kMmu, "MMU", hw::unit::CFG2, "CFG2", hw::mmu::CFG2_KMAX, "KMAX", cfg_.mm_kmax, "mm_kmax");
    field(reg::kMmu, "MMU", hw::unit::CFG2, "CFG2", hw::mmu::CFG2_NMAX, "NMAX", cfg_.mm_nmax, "mm_nmax");
    TP_CHECK(diff.str().empty(), "board: the loaded bitstream was built for another board configuration:", diff.str(),
             " load the bitstream built for this one (hw/vivado/build_bitstream.tcl; its 'training' build is "
             "base/pynq_z2_v2_training.json's) or pass the configuration the bitstream was built for (--board)");
  }

  struct Win {
    Window w;
    std::unique_ptr<Mapping> m;
  };

  void open_mem() {
    Fd fd(::open(o_.mem_path.c_str(), O_RDWR | O_SYNC));
    TP_CHECK(fd.fd >= 0, open_advice(o_.mem_path, "physical memory, for the PL registers",
                                     "set BoardOptions::mem_path (this is not a Zynq Linux?)"));
    for (const Window& w : o_.pl_windows) wins_.push_back({w, map(fd.fd, w.phys, w.bytes, o_.mem_path)});
    slcr_map_.p = map_raw(fd.fd, o_.slcr_base, kSlcrBytes, o_.mem_path);
    slcr_map_.bytes = kSlcrBytes;
  }

  static void* map_raw(int fd, uint64_t phys, uint64_t bytes, const std::string& path) {
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, static_cast<off_t>(phys));
    TP_CHECK(p != MAP_FAILED, "board: mmap of ", path, " at 0x", std::hex, phys, std::dec, " (", bytes,
             " bytes) failed: ", errno_text(), errno == EPERM ? " (a kernel with CONFIG_STRICT_DEVMEM refuses "
             "this range; PYNQ images allow it)" : "");
    return p;
  }
  static std::unique_ptr<Mapping> map(int fd, uint64_t phys, uint64_t bytes, const std::string& path) {
    auto m = std::make_unique<Mapping>();
    m->p = map_raw(fd, phys, bytes, path);
    m->bytes = bytes;
    return m;
  }

  void open_udmabuf() {
    const std::string fix = "load u-dma-buf with a buffer (sudo insmod u-dma-buf.ko udmabuf0=67108864; docs/board.md) "
                            "or set BoardOptions::udmabuf_name";
    const fs::path dev = fs::path(o_.dev_dir) / o_.udmabuf_name;
    const fs::path sys = fs::path(o_.udmabuf_sysfs) / o_.udmabuf_name;
    TP_CHECK(fs::exists(sys), "board: ", sys.string(), " does not exist (the u-dma-buf driver's attributes): ", fix);
    ub_phys_ = parse_u64(read_attr(sys / "phys_addr", fix), sys / "phys_addr");
    ub_bytes_ = parse_u64(read_attr(sys / "size", fix), sys / "size");
    TP_CHECK(ub_bytes_ >= 4096, "board: ", (sys / "size").string(), " says ", ub_bytes_, " bytes: ", fix);
    TP_CHECK(ub_phys_ + ub_bytes_ <= (1ull << 32), "board: u-dma-buf at 0x", std::hex, ub_phys_,
             " is beyond the 32-bit DMA address range");
    // No O_SYNC: a cached mapping, kept coherent with explicit syncs on exact ranges.
    ub_fd_ = Fd(::open(dev.c_str(), O_RDWR));
    TP_CHECK(ub_fd_.fd >= 0, open_advice(dev.string(), "the u-dma-buf DMA buffer", fix));
    ub_map_.p = ::mmap(nullptr, ub_bytes_, PROT_READ | PROT_WRITE, MAP_SHARED, ub_fd_.fd, 0);
    TP_CHECK(ub_map_.p != MAP_FAILED, "board: mmap of ", dev.string(), " (", ub_bytes_, " bytes) failed: ",
             errno_text());
    ub_map_.bytes = ub_bytes_;
    alloc_ = std::make_shared<SubAlloc>(ub_bytes_, "u-dma-buf " + o_.udmabuf_name);
    for (auto [fd, attr] : {std::pair{&o_sync_dev_, "sync_for_device"}, std::pair{&o_sync_cpu_, "sync_for_cpu"}}) {
      *fd = Fd(::open((sys / attr).c_str(), O_WRONLY));
      TP_CHECK(fd->fd >= 0, open_advice((sys / attr).string(), "u-dma-buf cache sync",
                                        "u-dma-buf v3 or newer is needed (its sync_for_device/sync_for_cpu)"));
    }
  }

  // u-dma-buf's sync command (one write: offset in bits 63..32, size in 31..4, direction in
  // 3..2, bit 0 = do it). The range is widened to whole cache lines, as the kernel would.
  void sync(const Fd& attr, const pynq::DmaBuffer& b, size_t offset, size_t bytes, unsigned dir) {
    if (bytes == 0) return;
    TP_CHECK(offset + bytes <= b.bytes, "board: sync of bytes [", offset, ", ", offset + bytes,
             ") outside a buffer of ", b.bytes, " bytes");
    TP_CHECK(b.phys >= ub_phys_ && b.phys + b.bytes <= ub_phys_ + ub_bytes_,
             "board: sync of a buffer that is not in ", o_.udmabuf_name);
    const uint64_t lo = (b.phys - ub_phys_ + offset) & ~(kCacheLine - 1);
    const uint64_t hi = std::min<uint64_t>((b.phys - ub_phys_ + offset + bytes + kCacheLine - 1) & ~(kCacheLine - 1),
                                           ub_bytes_);
    char cmd[32];
    const int n = std::snprintf(cmd, sizeof cmd, "0x%08X%08X\n", static_cast<unsigned>(lo),
                                static_cast<unsigned>(((hi - lo) & 0xFFFFFFF0u) | (dir << 2) | 1u));
    const ssize_t w = ::pwrite(attr.fd, cmd, static_cast<size_t>(n), 0);
    TP_CHECK(w == n, "board: u-dma-buf sync (", cmd, ") failed: ", errno_text());
  }

  volatile uint32_t* reg_ptr(uint64_t addr) {
    TP_CHECK((addr & 3) == 0, "board: register address 0x", std::hex, addr, " is not 32-bit aligned");
    for (const Win& w : wins_)
      if (addr >= w.w.phys && addr + 4 <= w.w.phys + w.w.bytes)
        return reinterpret_cast<volatile uint32_t*>(static_cast<char*>(w.m->p) + (addr - w.w.phys));
    TP_CHECK(false, "board: register address 0x", std::hex, addr, " is outside the mapped PL windows (",
             wins_.size(), " windows from 0x", wins_.empty() ? 0 : wins_.front().w.phys, ")");
    return nullptr;
  }

  std::string find_uio() {
    if (!o_.uio_path.empty()) return o_.uio_path;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(o_.uio_sysfs, ec)) {
      std::ifstream f(e.path() / "name");
      std::string n;
      if (f && std::getline(f, n) && n == o_.uio_name) return (fs::path(o_.dev_dir) / e.path().filename()).string();
    }
    TP_CHECK(false, "board: no UIO device named '", o_.uio_name, "' under ", o_.uio_sysfs,
             ": PYNQ images expose fabric@40000000 (IRQ_F2P[0]) through generic-uio; without it use polling "
             "(the default) or add a device-tree overlay with a generic-uio node on IRQ_F2P[0] (hw/vivado/README.md)");
    return {};
  }

  // generic-uio: write(1) unmasks the line, read() blocks until it fires (then it is masked
  // again). Unmask before looking at the register, so an IRQ between the look and the sleep is
  // not lost; a wake-up whose register bits are not set yet just goes round again.
  uint32_t wait_irq(uint64_t addr, uint32_t mask, double deadline, double timeout_s) {
    if (uio_.fd < 0) {
      const std::string path = find_uio();
      uio_ = Fd(::open(path.c_str(), O_RDWR));
      TP_CHECK(uio_.fd >= 0, open_advice(path, "the PL interrupt (UIO)", "check /sys/class/uio/uio*/name"));
    }
    ++st_.irq_waits;
    for (;;) {
      const uint32_t one = 1;
      TP_CHECK(::write(uio_.fd, &one, 4) == 4, "board: enabling the UIO interrupt failed: ", errno_text());
      const uint32_t v = read32(addr);
      if (v & mask) return v;
      const double left = deadline - now();
      if (left <= 0) timeout(addr, mask, v, timeout_s);
      pollfd p{uio_.fd, POLLIN, 0};
      const int r = ::poll(&p, 1, static_cast<int>(left * 1e3) + 1);
      TP_CHECK(r >= 0 || errno == EINTR, "board: poll on the UIO device failed: ", errno_text());
      if (r > 0) {
        uint32_t count = 0;
        TP_CHECK(::read(uio_.fd, &count, 4) == 4, "board: reading the UIO device failed: ", errno_text());
        ++st_.irq_wakeups;
      }
    }
  }

  // DriverTimeout: the runtime treats it as a PL fault (reset the PL, then recover).
  [[noreturn]] void timeout(uint64_t addr, uint32_t mask, uint32_t v, double timeout_s) {
    throw pynq::DriverTimeout(detail::cat(
        "board: timeout after ", timeout_s, " s waiting for bits 0x", std::hex, mask, " of register 0x", addr,
        " (last value 0x", v, "): the PL did not finish; check that the loaded bitstream is this runtime's "
        "(tinypynq board load) and that FCLK0 runs (tinypynq calibrate --target board)"));
  }

  BoardOptions o_;
  BoardConfig cfg_;
  std::vector<Win> wins_;
  Mapping slcr_map_, ub_map_;
  Fd ub_fd_, o_sync_dev_, o_sync_cpu_, uio_;
  uint64_t ub_phys_ = 0, ub_bytes_ = 0;
  std::shared_ptr<SubAlloc> alloc_;
  Stats st_;
};

}  // namespace

std::vector<Window> default_pl_windows(const BoardConfig& cfg) {
  std::vector<Window> w;
  if (cfg.pl_version < 2)
    for (uint64_t base : {reg::kDma0, reg::kDma1, reg::kDma2}) w.push_back({base, 0x1'0000});
  for (uint64_t base : {reg::kSys, reg::kVec, reg::kRed, reg::kMmu}) w.push_back({base, 0x1'0000});
  if (cfg.pl_version >= 2)  // the view readers, the writer and the command queue (4 KiB each)
    for (auto [base, bytes] : {std::pair{hw::win::VR_BASE, hw::win::VR_SIZE}, {hw::win::VW_BASE, hw::win::VW_SIZE},
                               {hw::win::CQ_BASE, hw::win::CQ_SIZE}})
      w.push_back({base, bytes});
  return w;
}

std::unique_ptr<BoardDriver> make_board_driver(const BoardOptions& o, const BoardConfig& cfg) {
  cfg.validate();
  return std::make_unique<Board>(o, cfg);
}

void register_board_target(const BoardConfig& cfg, const BoardOptions& o) {
  register_device("board", [cfg, o] { return pynq::make_pynq_device("board", make_board_driver(o, cfg), cfg); });
}

}  // namespace tinypynq::board
