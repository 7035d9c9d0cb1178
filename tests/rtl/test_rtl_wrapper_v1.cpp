// The v1 Vivado wrapper (hw/vivado/tinypynq_pl_wrapper.v), Verilated: GP0 reaches the PL top
// through three slaves, because an AXI segment must be a power of two aligned to its range
// (Xilinx AR 66717) and the top's windows (0x4003_0000 + 256K) are not. Each slave is driven as
// the block design's interconnect drives it, with the GP0 address bits below its segment's range
// (hw/vivado/build_bitstream.tcl: SYS 0x4003_0000 + 64K, VEC + RED 0x4004_0000 + 128K, MMU
// 0x4006_0000 + 64K), and must reach the right register; the joins keep the top's timing for a
// lone access and serve accesses on two slaves at once one after the other.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>

#include "Vtinypynq_pl_wrapper.h"
#include "hw/tp_contract.h"
#include "verilated.h"

namespace hw = tinypynq::hw;

namespace {

// The segments of the block design (build_bitstream.tcl tp_windows), as the wrapper's ports see them.
struct Seg {
  uint64_t base, range;
};
constexpr Seg kSys{0x4003'0000, 0x1'0000}, kVecRed{0x4004'0000, 0x2'0000}, kMmu{0x4006'0000, 0x1'0000};
static_assert(kSys.base == hw::win::SYS_BASE && kVecRed.base == hw::win::VEC_BASE && kMmu.base == hw::win::MMU_BASE);
static_assert(hw::win::RED_BASE < kVecRed.base + kVecRed.range && kMmu.base + kMmu.range == hw::win::PL_TOP_BASE + hw::win::PL_TOP_SIZE);

// One AXI4-Lite slave port of the wrapper, by pin.
struct Port {
  uint32_t* awaddr32 = nullptr;  // 17-bit port
  uint16_t* awaddr16 = nullptr;  // 16-bit ports
  uint32_t* araddr32 = nullptr;
  uint16_t* araddr16 = nullptr;
  uint8_t *awvalid, *awready, *wvalid, *wready, *wstrb, *bvalid, *bready, *bresp, *arvalid, *arready, *rvalid, *rready, *rresp;
  uint32_t *wdata, *rdata;
  Seg seg;
  void set_aw(uint64_t a) { awaddr32 ? *awaddr32 = uint32_t(a - seg.base) : *awaddr16 = uint16_t(a - seg.base); }
  void set_ar(uint64_t a) { araddr32 ? *araddr32 = uint32_t(a - seg.base) : *araddr16 = uint16_t(a - seg.base); }
};
#define TP_PORT(m, p, w, s)                                                                                         \
  Port {                                                                                                            \
    w == 32 ? reinterpret_cast<uint32_t*>(&m.p##_awaddr) : nullptr,                                                 \
        w == 16 ? reinterpret_cast<uint16_t*>(&m.p##_awaddr) : nullptr,                                             \
        w == 32 ? reinterpret_cast<uint32_t*>(&m.p##_araddr) : nullptr,                                             \
        w == 16 ? reinterpret_cast<uint16_t*>(&m.p##_araddr) : nullptr, &m.p##_awvalid, &m.p##_awready,             \
        &m.p##_wvalid, &m.p##_wready, &m.p##_wstrb, &m.p##_bvalid, &m.p##_bready, &m.p##_bresp, &m.p##_arvalid,     \
        &m.p##_arready, &m.p##_rvalid, &m.p##_rready, &m.p##_rresp, &m.p##_wdata, &m.p##_rdata, s                   \
  }

class Bench {
 public:
  Bench() {
    ports_[0] = TP_PORT(m_, s_axi_sys, 16, kSys);
    ports_[1] = TP_PORT(m_, s_axi_vecred, 32, kVecRed);
    ports_[2] = TP_PORT(m_, s_axi_mmu, 16, kMmu);
    static_assert(sizeof(m_.s_axi_sys_awaddr) == 2 && sizeof(m_.s_axi_vecred_awaddr) == 4 && sizeof(m_.s_axi_mmu_awaddr) == 2);
    for (Port& p : ports_) *p.bready = 1, *p.rready = 1, *p.wstrb = 0xF;
    m_.m_axis_r_tready = 1;
    m_.aresetn = 0;
    for (int i = 0; i < 3; ++i) tick();
    m_.aresetn = 1;
  }
  ~Bench() { m_.final(); }
  void tick() {
    m_.aclk = 0, m_.eval();
    m_.aclk = 1, m_.eval();
    m_.aclk = 0, m_.eval();
    ++cyc_;
  }
  Port& port_of(uint64_t a) {
    for (Port& p : ports_)
      if (a >= p.seg.base && a < p.seg.base + p.seg.range) return p;
    ADD_FAILURE() << "no segment for 0x" << std::hex << a;
    return ports_[0];
  }
  // A read through the slave whose segment holds `a`; the cycles from ARVALID to RVALID.
  uint32_t read(uint64_t a, unsigned* cycles = nullptr, unsigned* resp = nullptr) {
    Port& p = port_of(a);
    p.set_ar(a), *p.arvalid = 1;
    const uint64_t t0 = cyc_;
    for (int i = 0; i < 100; ++i) {
      m_.eval();
      const bool hs = *p.arready;
      tick();
      if (hs) break;
    }
    *p.arvalid = 0;
    for (int i = 0; i < 100 && (m_.eval(), !*p.rvalid); ++i) tick();
    EXPECT_TRUE(*p.rvalid) << "no R for 0x" << std::hex << a;
    if (cycles) *cycles = unsigned(cyc_ - t0);
    if (resp) *resp = *p.rresp;
    const uint32_t v = *p.rdata;
    tick();
    return v;
  }
  unsigned write(uint64_t a, uint32_t v) {
    Port& p = port_of(a);
    p.set_aw(a), *p.wdata = v, *p.awvalid = 1, *p.wvalid = 1;
    for (int i = 0; i < 100; ++i) {
      m_.eval();
      const bool hs = *p.awready && *p.wready;
      tick();
      if (hs) break;
    }
    *p.awvalid = 0, *p.wvalid = 0;
    for (int i = 0; i < 100 && (m_.eval(), !*p.bvalid); ++i) tick();
    EXPECT_TRUE(*p.bvalid) << "no B for 0x" << std::hex << a;
    const unsigned r = *p.bresp;
    tick();
    return r;
  }
  Vtinypynq_pl_wrapper m_;
  Port ports_[3];
  uint64_t cyc_ = 0;
};

}  // namespace

TEST(RtlWrapperV1, EachGp0SegmentReachesItsWindows) {
  auto b = std::make_unique<Bench>();
  EXPECT_EQ(b->read(hw::win::SYS_BASE + hw::sys::ID), hw::sys::ID_RESET);
  EXPECT_EQ(b->read(hw::win::SYS_BASE + hw::sys::FCLK_HZ), hw::sys::FCLK_HZ_RESET);
  EXPECT_EQ(b->read(hw::win::VEC_BASE + hw::unit::ID), hw::vec::ID_VALUE);
  EXPECT_EQ(b->read(hw::win::RED_BASE + hw::unit::ID), hw::red::ID_VALUE);
  EXPECT_EQ(b->read(hw::win::MMU_BASE + hw::unit::ID), hw::mmu::ID_VALUE);
  // writes land in the window of their address, not in a neighbour's
  EXPECT_EQ(b->write(hw::win::VEC_BASE + hw::unit::SIZE0, 11), 0u);
  EXPECT_EQ(b->write(hw::win::RED_BASE + hw::unit::SIZE0, 22), 0u);
  EXPECT_EQ(b->write(hw::win::MMU_BASE + hw::unit::SIZE0, 33), 0u);
  EXPECT_EQ(b->read(hw::win::VEC_BASE + hw::unit::SIZE0), 11u);
  EXPECT_EQ(b->read(hw::win::RED_BASE + hw::unit::SIZE0), 22u);
  EXPECT_EQ(b->read(hw::win::MMU_BASE + hw::unit::SIZE0), 33u);
}

// hw-spec §7: R in the cycle after the AR handshake, which is the cycle ARVALID is seen.
TEST(RtlWrapperV1, ALoneAccessKeepsTheTopsTiming) {
  auto b = std::make_unique<Bench>();
  for (uint64_t a : {hw::win::SYS_BASE, hw::win::RED_BASE, hw::win::MMU_BASE}) {
    unsigned cycles = 0;
    b->read(a + hw::unit::ID, &cycles);
    EXPECT_EQ(cycles, 1u) << std::hex << a;
  }
}

// Reads on the SYS and MMU slaves asserted in the same cycle: both answered, one after the other.
TEST(RtlWrapperV1, AccessesOnTwoSlavesAtOnceAreServedInTurn) {
  auto b = std::make_unique<Bench>();
  Port& s = b->ports_[0];
  Port& m = b->ports_[2];
  s.set_ar(hw::win::SYS_BASE + hw::sys::ID), m.set_ar(hw::win::MMU_BASE + hw::unit::ID);
  *s.arvalid = 1, *m.arvalid = 1;
  uint32_t got_s = 0, got_m = 0;
  bool have_s = false, have_m = false;
  for (int i = 0; i < 20 && !(have_s && have_m); ++i) {
    b->m_.eval();
    const bool hs_s = *s.arvalid && *s.arready, hs_m = *m.arvalid && *m.arready;
    if (*s.rvalid) got_s = *s.rdata, have_s = true;
    if (*m.rvalid) got_m = *m.rdata, have_m = true;
    b->tick();
    if (hs_s) *s.arvalid = 0;
    if (hs_m) *m.arvalid = 0;
  }
  EXPECT_TRUE(have_s && have_m);
  EXPECT_EQ(got_s, hw::sys::ID_RESET);
  EXPECT_EQ(got_m, hw::mmu::ID_VALUE);
}
