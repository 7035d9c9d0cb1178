// A fake PYNQ-Z2 for the board driver's tests: a sparse file standing in for /dev/mem (the PL
// windows and the SLCR at their physical offsets), a file standing in for /dev/udmabuf0 and a
// fake sysfs tree with the u-dma-buf attributes. The test reads and writes "registers" through
// its own mapping of the same file, as the PL would.
#pragma once
#define _FILE_OFFSET_BITS 64
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "runtime/board/board_driver.h"
#include "runtime/pynq/regmap.h"

namespace tinypynq::board::test {

namespace fs = std::filesystem;

inline std::string slurp(const fs::path& p) {
  std::ifstream f(p);
  std::string s;
  std::getline(f, s);
  return s;
}
inline void put(const fs::path& p, const std::string& s) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << s;
}

class FakeBoard {
 public:
  static constexpr uint64_t kUdmabufPhys = 0x1F00'0000, kUdmabufBytes = 1 << 20;
  static constexpr uint64_t kPlBytes = 0x8'0000;  // DMA0 (0x4000_0000) to past CQ (0x4007_2FFF)

  // pl_version: the PL whose SYS.VERSION the fake reads (1, or 2: the v2 PL's windows VR, VW, CQ too).
  explicit FakeBoard(unsigned pl_version = 1) {
    std::random_device rd;
    dir = fs::temp_directory_path() / ("tinypynq_board_" + std::to_string(::getpid()) + "_" + std::to_string(rd()));
    fs::create_directories(dir / "dev");
    mem = dir / "mem";
    {
      std::ofstream(mem).flush();
    }
    fs::resize_file(mem, 0xF800'1000);  // sparse: up to the end of the SLCR page
    std::ofstream(dir / "dev" / "udmabuf0").flush();
    fs::resize_file(dir / "dev" / "udmabuf0", kUdmabufBytes);
    const fs::path s = dir / "sys" / "u-dma-buf" / "udmabuf0";
    put(s / "phys_addr", "0x1f000000\n");
    put(s / "size", std::to_string(kUdmabufBytes) + "\n");
    put(s / "sync_for_device", "0\n");
    put(s / "sync_for_cpu", "0\n");
    fd_ = ::open(mem.c_str(), O_RDWR);
    pl_ = static_cast<volatile uint32_t*>(
        ::mmap(nullptr, kPlBytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, static_cast<off_t>(pynq::reg::kDma0)));
    slcr_ = static_cast<volatile uint32_t*>(
        ::mmap(nullptr, 0x1000, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, static_cast<off_t>(0xF800'0000)));
    set(pynq::reg::kSys + pynq::reg::SYS_ID, pynq::reg::kSysId);
    set(pynq::reg::kSys + pynq::reg::SYS_VERSION, pynq::reg::sys_version(pl_version));
    set_build(BoardConfig::defaults());
  }
  ~FakeBoard() {
    ::munmap(const_cast<uint32_t*>(pl_), kPlBytes);
    ::munmap(const_cast<uint32_t*>(slcr_), 0x1000);
    ::close(fd_);
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  BoardOptions options() const {
    BoardOptions o;
    o.mem_path = mem.string();
    o.dev_dir = (dir / "dev").string();
    o.udmabuf_sysfs = (dir / "sys" / "u-dma-buf").string();
    o.uio_sysfs = (dir / "sys" / "uio").string();
    o.require_root = false;
    return o;
  }
  // The units' CFG registers of a bitstream built for c (what the RTL reports; hw-spec §7).
  void set_build(const BoardConfig& c) {
    namespace reg = pynq::reg;
    set(reg::kVec + hw::unit::CFG0, hw::vec::CFG0_SFU_DPS.put(c.sfu_datapaths()) |
                                        hw::vec::CFG0_STREAM_C.put(c.stream_c() ? 1 : 0) |
                                        hw::vec::CFG0_LANES.put(hw::vec::CFG0_LANES_VALUE));
    set(reg::kRed + hw::unit::CFG0, hw::red::CFG0_BUILT.put(c.reduce_unit ? 1 : 0));
    set(reg::kMmu + hw::unit::CFG0, hw::mmu::CFG0_ROWS.put(c.mm_rows) | hw::mmu::CFG0_COLS.put(c.mm_cols));
    set(reg::kMmu + hw::unit::CFG1, c.mm_wdepth);
    set(reg::kMmu + hw::unit::CFG2, hw::mmu::CFG2_KMAX.put(c.mm_kmax) | hw::mmu::CFG2_NMAX.put(c.mm_nmax));
  }
  // PL register at physical address `addr` (in the PL windows), as the PL sees it.
  volatile uint32_t& at(uint64_t addr) { return pl_[(addr - pynq::reg::kDma0) / 4]; }
  void set(uint64_t addr, uint32_t v) { at(addr) = v; }
  uint32_t slcr(uint32_t off) const { return slcr_[off / 4]; }
  void set_slcr(uint32_t off, uint32_t v) { slcr_[off / 4] = v; }
  std::string sync_attr(const char* which) const { return slurp(dir / "sys" / "u-dma-buf" / "udmabuf0" / which); }

  fs::path dir, mem;

 private:
  int fd_ = -1;
  volatile uint32_t* pl_ = nullptr;
  volatile uint32_t* slcr_ = nullptr;
};

}  // namespace tinypynq::board::test
