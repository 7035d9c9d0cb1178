// SPDX-License-Identifier: MIT
// Tests of the PL top and its units (models/tlm/pl_top.h) against docs/hw-spec.md §6-§8: the
// registers, every error code, result bits against models/fp, CYCLES against the §8.4 formulas
// and against the timing engine (models/fp/pl_stream.h) with non-ideal stream schedules, the
// interrupt levels, temporal decoupling and hangs. SystemC elaborates once per process, so one
// harness (mock DMA streams, an IRQ recorder, a decoupled register initiator) serves every test.
#include <gtest/gtest.h>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string_view>
#include <tuple>
#include <vector>

#include "models/fp/pl_float.h"
#include "models/fp/pl_stream.h"
#include "models/fp/pl_units.h"
#include "models/tlm/pl_reduce.h"
#include "models/tlm/pl_top.h"
#include "models/tlm/pl_vector.h"

namespace {

using namespace tinypynq::vp;
using namespace tinypynq::vp::pl_reg;
namespace pl = tinypynq::pl;
using pl::BeatSchedule;
using sc_core::sc_time;

const sc_time T(10, sc_core::SC_NS);  // FCLK0 = 100 MHz (BoardConfig default)
constexpr uint32_t kUnitBase[3] = {VEC_BASE, RED_BASE, MMU_BASE};

Cycle now_cycle() { return sc_core::sc_time_stamp().value() / T.value(); }

// An MM2S channel: one transfer of host words with a chosen beat schedule.
struct MockSource : AxisSource {
  explicit MockSource(const char* n) : name(n) {}
  const char* stream_name() const override { return name; }
  bool armed() const override { return on; }
  const StreamIn& peek() const override { return in; }
  const sc_core::sc_event& armed_event() const override { return ev; }
  void take_all(Cycle c) override { on = false, last = c, ++takes; }
  void arm(std::vector<uint32_t> w, BeatSchedule s, uint64_t bytes = ~uint64_t{0}) {
    words = std::move(w);
    in.data = reinterpret_cast<const uint8_t*>(words.data());
    in.bytes = bytes == ~uint64_t{0} ? 4 * words.size() : bytes;
    in.beats = (in.bytes + 7) / 8;
    in.valid = s;
    on = true;
    ev.notify(sc_core::SC_ZERO_TIME);
  }
  const char* name;
  bool on = false;
  StreamIn in;
  sc_core::sc_event ev;
  std::vector<uint32_t> words;
  Cycle last = 0;
  int takes = 0;
};

// The S2MM channel: accepts beat j from ready.at(j); records the packet.
struct MockSink : AxisSink {
  bool armed() const override { return on; }
  BeatSchedule ready() const override { return sched; }
  const sc_core::sc_event& armed_event() const override { return ev; }
  Cycle put(const uint8_t* d, uint64_t bytes, Cycle c) override {
    got.resize(bytes / 4);
    std::memcpy(got.data(), d, bytes);
    on = false, last = c, ++puts;
    return c;  // TREADY is ready(): no back-pressure
  }
  void arm(BeatSchedule s) { sched = s, on = true, ev.notify(sc_core::SC_ZERO_TIME); }
  bool on = false;
  BeatSchedule sched;
  sc_core::sc_event ev;
  std::vector<uint32_t> got;
  Cycle last = 0;
  int puts = 0;
};

struct IrqRecorder : IrqSink {
  bool level[8] = {};
  std::vector<std::tuple<Cycle, unsigned, bool>> log;
  void set_irq(unsigned line, bool l) override { level[line] = l, log.emplace_back(now_cycle(), line, l); }
};

// The A9 as the tlm driver plays it: ahead of the kernel, writes annotated, reads synced.
struct Cpu : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Cpu> socket{"socket"};
  sc_time t_ps = sc_core::SC_ZERO_TIME;
  explicit Cpu(sc_core::sc_module_name n) : sc_module(n) {}
  tlm::tlm_response_status access(bool write, uint32_t addr, uint32_t& v, unsigned len = 4,
                                    unsigned char* be = nullptr, sc_time* out_delay = nullptr) {
    uint8_t buf[8] = {};
    std::memcpy(buf, &v, 4);
    tlm::tlm_generic_payload gp;
    gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    gp.set_address(addr), gp.set_data_ptr(buf), gp.set_data_length(len);
    gp.set_streaming_width(len), gp.set_byte_enable_ptr(be), gp.set_byte_enable_length(be ? 4 : 0);
    sc_time d = t_ps > sc_core::sc_time_stamp() ? t_ps - sc_core::sc_time_stamp() : sc_core::SC_ZERO_TIME;
    socket->b_transport(gp, d);
    if (out_delay) *out_delay = d;
    std::memcpy(&v, buf, 4);
    t_ps += T;  // one access per cycle keeps the cycle arithmetic of the tests simple
    return gp.get_response_status();
  }
  Cycle wr(uint32_t addr, uint32_t v) {  // returns the cycle the write takes effect in
    const Cycle c = t_ps.value() / T.value();
    EXPECT_EQ(access(true, addr, v), tlm::TLM_OK_RESPONSE) << std::hex << addr;
    return c;
  }
  uint32_t rd(uint32_t addr) {
    sync();
    uint32_t v = 0;
    EXPECT_EQ(access(false, addr, v), tlm::TLM_OK_RESPONSE) << std::hex << addr;
    return v;
  }
  void sync() {
    if (t_ps > sc_core::sc_time_stamp()) sc_core::sc_start(t_ps - sc_core::sc_time_stamp());
  }
  void run_out() {  // run the kernel until nothing is pending; the CPU waits for it
    sync();
    if (sc_core::sc_pending_activity()) sc_core::sc_start();
    if (t_ps < sc_core::sc_time_stamp()) t_ps = sc_core::sc_time_stamp();
  }
  Cycle cycle() const { return t_ps.value() / T.value(); }
  void idle(uint64_t cycles) { t_ps += T * double(cycles); }
};

struct Harness {
  tinypynq::BoardConfig cfg;  // in-class defaults: 100 MHz, 4x4 array, WDEPTH 16384
  PlTop pl{"pl", cfg};
  Cpu cpu{"cpu"};
  MockSource src[3] = {MockSource("A"), MockSource("B"), MockSource("C")};
  MockSink r;
  IrqRecorder irq;
  Harness() {
    cpu.socket.bind(pl.s_axi);
    pl.bind_streams(&src[0], &src[1], &src[2], &r);
    pl.bind_irq(&irq);
  }
};

Harness& H() {
  static Harness* h = new Harness;  // never destroyed: SystemC objects outlive the tests
  return *h;
}

// Random operands biased to the interesting classes (zeros, subnormals, inf, NaN, ints).
std::vector<uint32_t> operands(std::mt19937_64& g, uint64_t n) {
  static const uint32_t special[] = {0, 0x80000000u, 1, 0x807FFFFFu, 0x7F800000u, 0xFF800000u,
                                     0x7FC00000u, 0x7FA00001u, 0x3F800000u, 0x47800001u, 2, 31};
  std::vector<uint32_t> v(n);
  for (auto& x : v) {
    const uint64_t r = g();
    x = r % 8 == 0 ? special[(r >> 8) % std::size(special)]
                   : (r % 8 == 1 ? static_cast<uint32_t>(r >> 32) : pl::bits(float(int(r >> 40) % 2000) / 16.f));
  }
  return v;
}

const BeatSchedule kIdeal{};  // valid / ready from cycle 0

class PlTopTest : public ::testing::Test {
 protected:
  Harness& h = H();
  Cpu& cpu = h.cpu;
  void SetUp() override { cpu.run_out(); }
  uint32_t rd(unsigned unit, uint32_t off) { return cpu.rd(kUnitBase[unit] + off); }
  Cycle program(unsigned unit, uint32_t op, std::vector<uint32_t> size, std::vector<uint32_t> sc = {},
                bool irq_en = false) {
    cpu.wr(kUnitBase[unit] + OP, op);
    for (size_t i = 0; i < size.size(); ++i) cpu.wr(kUnitBase[unit] + SIZE0 + 4 * uint32_t(i), size[i]);
    for (size_t i = 0; i < sc.size(); ++i) cpu.wr(kUnitBase[unit] + SCALAR_A + 4 * uint32_t(i), sc[i]);
    return cpu.wr(kUnitBase[unit] + CTRL, CTRL_START | (irq_en ? CTRL_IRQ_EN : 0));
  }
  // Run a started command to completion; checks DONE and returns CYCLES.
  uint64_t finish(unsigned unit) {
    cpu.run_out();
    const uint32_t st = rd(unit, STATUS);
    EXPECT_EQ(st & (ST_BUSY | ST_DONE | ST_ERR), ST_DONE) << std::hex << st << " " << h.pl.describe();
    const uint64_t lo = rd(unit, CYCLES_LO);
    return lo | uint64_t{rd(unit, CYCLES_HI)} << 32;
  }
  uint8_t err_of(unsigned unit) {
    const uint32_t st = rd(unit, STATUS);
    cpu.wr(kUnitBase[unit] + STATUS, ST_ERR);  // W1C: clears ERR and ERR_CODE
    EXPECT_EQ(rd(unit, STATUS) & (ST_ERR | 0xF0u), 0u);
    return (st & ST_ERR) ? uint8_t((st >> ST_ERR_CODE_SHIFT) & 0xF) : 0;
  }
  BeatSchedule at(uint64_t delay, uint32_t num = 1, uint32_t den = 1) {
    return BeatSchedule{cpu.cycle() + delay, num, den};
  }
};

}  // namespace

// ---- registers -------------------------------------------------------------------------------
TEST_F(PlTopTest, ResetValuesAndIds) {  // first test: nothing has run yet
  EXPECT_EQ(cpu.rd(SYS_BASE + SYS_ID), 0x5450594Eu);
  EXPECT_EQ(cpu.rd(SYS_BASE + SYS_VERSION), 0x00010000u);
  EXPECT_EQ(cpu.rd(SYS_BASE + SYS_ROUTE), 0u);
  EXPECT_EQ(cpu.rd(SYS_BASE + SYS_BUSY), 0u);
  EXPECT_EQ(cpu.rd(SYS_BASE + SYS_FCLK_HZ), 100000000u);
  const Cycle c = cpu.cycle();
  EXPECT_EQ(cpu.rd(SYS_BASE + SYS_TIME_LO), c);
  EXPECT_EQ(cpu.rd(SYS_BASE + SYS_TIME_HI), 0u);
  const uint32_t id[3] = {0x56454331u, 0x52454431u, 0x4D4D5531u};
  // VEC CFG0: STREAM_C, SFU_DPS 0x3F (every SFU datapath), SFUS 1, LANES 2; RED: BUILT, LATENCY 24
  const uint32_t cfg[3][3] = {{0x7F0102, 0, 0}, {0x118, 0, 0}, {0x00340404, 16384, 0x04000800}};
  for (unsigned u = 0; u < 3; ++u) {
    for (uint32_t off : {CTRL, STATUS, OP, SIZE0, SIZE1, SIZE2, CYCLES_LO, CYCLES_HI, SCALAR_A,
                         SCALAR_B, SCALAR_C})
      EXPECT_EQ(rd(u, off), 0u) << u << " " << off;
    EXPECT_EQ(rd(u, ID), id[u]);
    for (unsigned k = 0; k < 3; ++k) EXPECT_EQ(rd(u, CFG0 + 4 * k), cfg[u][k]) << u << " " << k;
  }
}

TEST_F(PlTopTest, RegisterAccessRules) {
  cpu.wr(VEC_BASE + OP, 0x12345678), cpu.wr(VEC_BASE + SIZE2, 7), cpu.wr(VEC_BASE + SCALAR_C, 9);
  EXPECT_EQ(rd(0, OP), 0x12345678u);
  EXPECT_EQ(rd(0, SIZE2), 7u);
  EXPECT_EQ(rd(0, SCALAR_C), 9u);
  cpu.wr(RED_BASE + SCALAR_A, 5), cpu.wr(MMU_BASE + ID, 0), cpu.wr(MMU_BASE + 0x40, 1);
  cpu.wr(SYS_BASE + SYS_ROUTE, 3), cpu.wr(VEC_BASE + CTRL, CTRL_IRQ_EN);
  EXPECT_EQ(rd(1, SCALAR_A), 0u);  // scalars are vector only
  EXPECT_EQ(rd(2, ID), 0x4D4D5531u);
  EXPECT_EQ(rd(2, 0x40), 0u);
  EXPECT_EQ(cpu.rd(MMU_BASE + 0xFFFC), 0u);
  EXPECT_EQ(cpu.rd(SYS_BASE + SYS_ROUTE), 0u);
  EXPECT_EQ(rd(0, CTRL), CTRL_IRQ_EN);  // START reads 0
  cpu.wr(VEC_BASE + CTRL, 0), cpu.wr(VEC_BASE + OP, 0);
  cpu.sync();
  uint32_t v = 0;
  unsigned char be_part[4] = {0xFF, 0xFF, 0, 0}, be_full[4] = {0xFF, 0xFF, 0xFF, 0xFF};
  EXPECT_EQ(cpu.access(false, VEC_BASE + OP, v, 1), tlm::TLM_BURST_ERROR_RESPONSE);
  EXPECT_EQ(cpu.access(false, VEC_BASE + OP, v, 8), tlm::TLM_BURST_ERROR_RESPONSE);
  EXPECT_EQ(cpu.access(true, VEC_BASE + OP + 2, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(cpu.access(false, TOP_BYTES, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(cpu.access(true, VEC_BASE + OP, v, 4, be_part), tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
  sc_time d;
  cpu.sync();  // no lead: the returned delay is the slave's own
  EXPECT_EQ(cpu.access(true, VEC_BASE + OP, v, 4, be_full, &d), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(d, T);  // the AXI-Lite response one cycle after the handshake
}

// ---- START checks (§7.2) ---------------------------------------------------------------------
TEST_F(PlTopTest, EveryErrorCode) {
  // A good command first, so that DONE = 1 shows a rejected START changes nothing but ERR.
  h.src[0].arm(std::vector<uint32_t>(4, 0), kIdeal);
  h.r.arm(kIdeal);
  program(0, 0x10, {4});  // NEG
  finish(0);
  struct Bad { unsigned unit; uint32_t op; uint32_t s0, s1, s2; uint8_t code; };
  const Bad cases[] = {
      {0, 0x00, 1, 0, 0, ERR_BAD_OP},      {0, 0x3F, 1, 0, 0, ERR_BAD_OP},
      {0, 0x17, 0, 0, 0, ERR_BAD_OP},      {0, 0x01, 0, 0, 0, ERR_BAD_SIZE},
      {0, 0x01, 16777216, 0, 0, ERR_BAD_SIZE},
      {1, 0, 0, 5, 0, ERR_BAD_SIZE},       {1, 1, 5, 0, 0, ERR_BAD_SIZE},
      {1, 0, 4097, 4096, 0, ERR_BAD_SIZE}, {1, 0xFE, 0xFFFFFFFF, 0xFFFFFFFF, 0, ERR_BAD_SIZE},
      {2, 0, 4, 8, 16, ERR_BAD_SIZE},      // LOADW = 0 with no tile loaded
      {2, 1, 0, 8, 16, ERR_BAD_SIZE},      {2, 1, 4, 0, 16, ERR_BAD_SIZE},
      {2, 1, 4, 8, 0, ERR_BAD_SIZE},       {2, 1, 4, 2049, 1, ERR_BAD_SIZE},
      {2, 1, 4, 1, 1025, ERR_BAD_SIZE},    {2, 1, 4, 2048, 33, ERR_BAD_SIZE},  // K*ceil(N/C) > WDEPTH
      {2, 1, 8193, 2048, 1, ERR_BAD_SIZE}, {2, 1, 16385, 1, 1024, ERR_BAD_SIZE},  // M*K, M*N
  };
  for (const Bad& b : cases) {
    program(b.unit, b.op, {b.s0, b.s1, b.s2});
    EXPECT_EQ(err_of(b.unit), b.code) << b.unit << " op " << b.op << " " << b.s0 << "x" << b.s1 << "x" << b.s2;
    EXPECT_EQ(cpu.rd(SYS_BASE + SYS_ROUTE), 1u);  // rejected: route unchanged
  }
  EXPECT_EQ(rd(0, STATUS), ST_DONE);
  EXPECT_EQ(rd(2, STATUS) & ST_DONE, 0u);
  // BUSY: a command waits for its output stream; START of any unit is rejected meanwhile.
  h.src[0].arm(std::vector<uint32_t>(8, 0), kIdeal);
  program(1, 0, {2, 4});
  cpu.run_out();
  EXPECT_EQ(rd(1, STATUS), ST_BUSY);
  program(0, 0x01, {4});
  EXPECT_EQ(err_of(0), ERR_BUSY);
  program(1, 0, {2, 4});
  EXPECT_EQ(err_of(1), ERR_BUSY);
  EXPECT_EQ(rd(1, STATUS), ST_BUSY);
  EXPECT_EQ(cpu.rd(SYS_BASE + SYS_BUSY), 2u);
  h.r.arm(at(5));
  finish(1);
  EXPECT_EQ(cpu.rd(SYS_BASE + SYS_BUSY), 0u);
  cpu.wr(VEC_BASE + STATUS, ST_DONE), cpu.wr(RED_BASE + STATUS, ST_DONE);
  EXPECT_EQ(rd(0, STATUS), 0u);
}

// ---- result bits (models/fp) and CYCLES (pl_stream) ------------------------------------------
TEST_F(PlTopTest, VectorEveryOpcodeBitExact) {
  std::mt19937_64 g(1);
  for (uint32_t code = 0; code < 64; ++code) {
    const pl::VecOpInfo* info = pl::vec_op_info(code);
    if (!info) continue;
    const uint64_t n = 37 + g() % 40;  // odd sizes: a partial last beat
    std::vector<uint32_t> x[3];
    BeatSchedule s[3];
    const BeatSchedule* sp[3] = {nullptr, nullptr, nullptr};
    for (unsigned k = 0; k < info->arity; ++k) {
      x[k] = operands(g, n);
      s[k] = at(g() % 20, 1 + g() % 3, 1 + g() % 2);
      sp[k] = &s[k];
      h.src[k].arm(x[k], s[k]);
    }
    const BeatSchedule out{cpu.cycle() + 30, 1, 1, 16, 5};
    h.r.arm(out);
    const Cycle t0 = program(0, code, {uint32_t(n)});
    const uint64_t cycles = finish(0);
    std::vector<uint32_t> want(n);
    bool range = false;
    pl::vec_apply_n(info->op, x[0].empty() ? nullptr : x[0].data(), x[1].empty() ? nullptr : x[1].data(),
                    x[2].empty() ? nullptr : x[2].data(), 0, 0, 0, want.data(), n, &range);
    EXPECT_EQ(h.r.got, want) << info->name;
    EXPECT_EQ(bool(rd(0, STATUS) & ST_W_RANGE), range) << info->name;
    const pl::CmdTiming tm = pl::time_vector(info->op, n, t0, sp, out);
    EXPECT_EQ(cycles, tm.cycles) << info->name;
    EXPECT_EQ(h.r.last, tm.t_done);
    for (unsigned k = 0; k < info->arity; ++k) EXPECT_EQ(h.src[k].last, tm.in_last[k]) << info->name;
    cpu.wr(VEC_BASE + STATUS, ST_DONE | ST_W_RANGE);
  }
}

TEST_F(PlTopTest, VectorScalarsAndFill) {
  std::mt19937_64 g(2);
  const uint32_t sa = pl::bits(1.5f), sb = pl::bits(-2.25f), sc = pl::bits(0.125f);
  for (uint32_t flags = 0; flags < 8; ++flags) {  // MULACC with every scalar combination
    const uint64_t n = 1 + g() % 9;
    std::vector<uint32_t> x[3];
    const int takes[3] = {h.src[0].takes, h.src[1].takes, h.src[2].takes};
    for (unsigned k = 0; k < 3; ++k)
      if (!(flags >> k & 1)) h.src[k].arm(x[k] = operands(g, n), kIdeal);
    h.r.arm(kIdeal);
    program(0, uint32_t(pl::VecOp::MULACC) | flags << 8, {uint32_t(n)}, {sa, sb, sc});
    const uint64_t cycles = finish(0);
    std::vector<uint32_t> want(n);
    pl::vec_apply_n(pl::VecOp::MULACC, x[0].empty() ? nullptr : x[0].data(),
                    x[1].empty() ? nullptr : x[1].data(), x[2].empty() ? nullptr : x[2].data(), sa, sb,
                    sc, want.data(), n);
    EXPECT_EQ(h.r.got, want) << flags;
    EXPECT_EQ(cycles, pl::vector_cycles_ideal(pl::VecOp::MULACC, n)) << flags;  // a fill too
    for (unsigned k = 0; k < 3; ++k) EXPECT_EQ(h.src[k].takes - takes[k], (flags >> k & 1) ? 0 : 1);
  }
  // Flags of operands the op lacks are ignored; SIN's W_RANGE comes from the datapath.
  h.src[0].arm({pl::bits(1e6f), pl::bits(0.5f), 0}, kIdeal);
  h.r.arm(kIdeal);
  program(0, uint32_t(pl::VecOp::SIN) | VEC_B_SCALAR | VEC_C_SCALAR, {3});
  finish(0);
  EXPECT_EQ(h.r.got[0], pl::kQNaN);
  EXPECT_EQ(h.r.got[1], pl::sin(pl::bits(0.5f)));
  EXPECT_EQ(rd(0, STATUS), ST_DONE | ST_W_RANGE);
  cpu.wr(VEC_BASE + STATUS, ST_W_RANGE);
  EXPECT_EQ(rd(0, STATUS), ST_DONE);
}

TEST_F(PlTopTest, ReduceRowsAcrossLanes) {
  std::mt19937_64 g(3);
  for (const auto& [rows, len] : std::vector<std::pair<uint32_t, uint32_t>>{
           {1, 1}, {2, 1}, {5, 1}, {3, 3}, {7, 5}, {4, 8}, {9, 17}, {33, 100}}) {
    for (uint32_t op : {0u, RED_MAX}) {
      const std::vector<uint32_t> x = operands(g, uint64_t{rows} * len);
      const BeatSchedule a = at(g() % 9, 3, 2), out = at(25 + g() % 9, 2, 1);
      h.src[0].arm(x, a);
      h.r.arm(out);
      const Cycle t0 = program(1, op | 0xF0, {rows, len});  // OP bits other than 0 ignored
      const uint64_t cycles = finish(1);
      std::vector<uint32_t> want(rows);
      for (uint32_t r = 0; r < rows; ++r)
        want[r] = op ? pl::reduce_max(&x[r * len], len) : pl::reduce_sum(&x[r * len], len);
      EXPECT_EQ(h.r.got, want) << rows << "x" << len << " op " << op;
      const pl::CmdTiming tm = pl::time_reduce(rows, len, t0, a, out);
      EXPECT_EQ(cycles, tm.cycles);
      EXPECT_EQ(h.src[0].last, tm.in_last[0]);
    }
  }
}

TEST_F(PlTopTest, MatmulBlocksPassesAndTileReuse) {
  std::mt19937_64 g(4);
  const pl::MatmulConfig mc;
  const uint32_t K = 7, N = 40;  // 3 passes of 16 columns, K > R
  const std::vector<uint32_t> w = operands(g, K * N);
  for (const auto& [m, loadw] : std::vector<std::pair<uint32_t, bool>>{{10, true}, {5, false}, {1, false}, {13, true}}) {
    const std::vector<uint32_t> a = operands(g, uint64_t{m} * K);
    const BeatSchedule sa = at(g() % 30, 5, 4), sw = at(g() % 30, 4, 3), out = at(40, 1, 1);
    h.src[0].arm(a, sa);
    if (loadw) h.src[1].arm(w, sw);
    else h.src[1].arm(std::vector<uint32_t>(K * N, 0x7F800000u), sw);  // must not be used
    h.r.arm(out);
    const int btakes = h.src[1].takes;
    const Cycle t0 = program(2, loadw ? MMU_LOADW : 0, {m, K, N});
    const uint64_t cycles = finish(2);
    std::vector<uint32_t> want(uint64_t{m} * N);
    pl::matmul(a.data(), w.data(), want.data(), m, K, N);
    EXPECT_EQ(h.r.got, want) << m << " " << loadw;
    const pl::CmdTiming tm = pl::time_matmul(m, K, N, loadw, mc, t0, sa, &sw, out);
    EXPECT_EQ(cycles, tm.cycles);
    EXPECT_EQ(h.src[1].takes - btakes, loadw ? 1 : 0);
    if (loadw) {
      EXPECT_EQ(h.src[1].last, tm.in_last[1]);
    }
    h.src[1].on = false;
  }
  program(2, 0, {4, K, N - 1});  // tile reuse needs the same K and N
  EXPECT_EQ(err_of(2), ERR_BAD_SIZE);
  program(2, 0, {4, K + 1, N});
  EXPECT_EQ(err_of(2), ERR_BAD_SIZE);
}

// The worked examples of §8.4 and the edge sizes, through registers and streams.
TEST_F(PlTopTest, IdealCyclesEdgeSizes) {
  auto vec = [&](pl::VecOp op, uint32_t n) {
    const unsigned ar = pl::vec_op_info(uint32_t(op))->arity;
    for (unsigned k = 0; k < ar; ++k) h.src[k].arm(std::vector<uint32_t>(n, 0), kIdeal);
    h.r.arm(kIdeal);
    program(0, uint32_t(op), {n});
    return finish(0);
  };
  auto red = [&](uint32_t rows, uint32_t len) {
    h.src[0].arm(std::vector<uint32_t>(rows * len, 0), kIdeal);
    h.r.arm(kIdeal);
    program(1, 0, {rows, len});
    return finish(1);
  };
  auto mm = [&](uint32_t m, uint32_t k, uint32_t n, bool lw) {
    h.src[0].arm(std::vector<uint32_t>(m * k, 0), kIdeal);
    if (lw) h.src[1].arm(std::vector<uint32_t>(k * n, 0), kIdeal);
    h.r.arm(kIdeal);
    program(2, lw, {m, k, n});
    return finish(2);
  };
  EXPECT_EQ(vec(pl::VecOp::ADD, 1), 7u);  // one partial beat
  EXPECT_EQ(vec(pl::VecOp::ADD, 2), 7u);  // exactly one beat
  EXPECT_EQ(vec(pl::VecOp::ADD, 3), 8u);  // partial last beat
  EXPECT_EQ(vec(pl::VecOp::ADD, 1000), 506u);
  EXPECT_EQ(vec(pl::VecOp::EXP2, 1), 53u);
  EXPECT_EQ(vec(pl::VecOp::EXP2, 1000), 1051u);
  EXPECT_EQ(vec(pl::VecOp::ADD, 1000000), 500006u);
  EXPECT_EQ(red(1, 1), 25u);
  EXPECT_EQ(red(3, 3), 29u);
  EXPECT_EQ(red(128, 10), 664u);
  EXPECT_EQ(mm(1, 1, 1, true), 51u);
  EXPECT_EQ(mm(4, 8, 16, true), 161u);  // one tile: one block, one pass
  EXPECT_EQ(mm(32, 784, 64, true), 125601u);
  EXPECT_EQ(mm(32, 784, 64, false), 102081u);
  EXPECT_EQ(mm(8, 1, 1024, true), 5665u);
  EXPECT_EQ(mm(64, 8, 40, true), pl::matmul_cycles_ideal(64, 8, 40, true));  // many tiles
  EXPECT_EQ(mm(3, 2, 5, true), pl::matmul_cycles_ideal(3, 2, 5, true));      // M < R, K < R
}

// Random commands with DMA-like schedules: CYCLES, t_done and every beat equal the engine's.
TEST_F(PlTopTest, CyclesEqualEngineWithRealSchedules) {
  std::mt19937_64 g(5);
  auto sched = [&](uint64_t lead) {
    BeatSchedule s = at(lead + g() % 40, 1 + g() % 4, 1 + g() % 2);
    if (g() % 2) s.burst_beats = 1 + g() % 16, s.burst_gap = g() % 6;
    return s;
  };
  pl::BeatLog log;
  h.pl.set_beat_log(&log);
  for (int trial = 0; trial < 150; ++trial) {
    const unsigned unit = trial % 3;
    const uint32_t a = 1 + g() % 60, b = 1 + g() % 50, c = 1 + g() % 40;
    BeatSchedule s[3] = {sched(0), sched(0), sched(0)};
    const BeatSchedule out = sched(10);
    h.r.arm(out);
    pl::BeatLog want;
    pl::CmdTiming tm;
    Cycle t0;
    if (unit == 0) {
      const pl::VecOp op = trial % 2 ? pl::VecOp::WHERE : pl::VecOp::DIV;
      for (unsigned k = 0; k < pl::vec_op_info(uint32_t(op))->arity; ++k) h.src[k].arm(operands(g, a), s[k]);
      t0 = program(0, uint32_t(op), {a});
      const BeatSchedule* sp[3] = {&s[0], &s[1], op == pl::VecOp::WHERE ? &s[2] : nullptr};
      tm = pl::time_vector(op, a, t0, sp, out, &want);
    } else if (unit == 1) {
      h.src[0].arm(operands(g, uint64_t{a} * b), s[0]);
      t0 = program(1, 0, {a, b});
      tm = pl::time_reduce(a, b, t0, s[0], out, &want);
    } else {
      h.src[0].arm(operands(g, uint64_t{a} * c), s[0]);
      h.src[1].arm(operands(g, uint64_t{c} * b), s[1]);
      t0 = program(2, MMU_LOADW, {a, c, b});
      tm = pl::time_matmul(a, c, b, true, {}, t0, s[0], &s[1], out, &want);
    }
    EXPECT_EQ(finish(unit), tm.cycles) << trial;
    EXPECT_EQ(h.pl.last_command().timing.t_done, tm.t_done);
    for (unsigned k = 0; k < 3; ++k) EXPECT_EQ(log.in[k], want.in[k]) << trial << " " << k;
    EXPECT_EQ(log.out, want.out) << trial;
  }
  h.pl.set_beat_log(nullptr);
}

// ---- running state, interrupts, decoupling ---------------------------------------------------
TEST_F(PlTopTest, BusyCyclesAndRouteWhileRunning) {
  h.src[0].arm(std::vector<uint32_t>(6, 0), kIdeal);
  h.r.arm(at(1000));  // S2MM ready only 1000 cycles from now: the unit waits with TVALID = 1
  const Cycle t0 = program(1, RED_MAX, {3, 2});
  cpu.idle(100);
  EXPECT_EQ(rd(1, STATUS), ST_BUSY);
  const Cycle t = cpu.cycle();
  EXPECT_EQ(rd(1, CYCLES_LO), t - t0);  // the elapsed count in the cycle of the read
  EXPECT_EQ(rd(1, CYCLES_HI), 0u);
  EXPECT_EQ(cpu.rd(SYS_BASE + SYS_BUSY), 2u);
  EXPECT_EQ(cpu.rd(SYS_BASE + SYS_ROUTE), 2u);
  EXPECT_EQ(finish(1), h.r.last - t0);
  EXPECT_EQ(h.r.last, h.r.sched.at(1));  // output beats 0 and 1 as soon as R is ready
  // CYCLES and TIME above 2^32: one jump, no per-cycle cost.
  h.src[0].arm(std::vector<uint32_t>(2, 0), at((uint64_t{1} << 32) + 12345));
  h.r.arm(kIdeal);
  const Cycle t1 = program(0, uint32_t(pl::VecOp::COPY), {2});
  EXPECT_EQ(finish(0), h.src[0].in.valid.start + 3 - t1);  // one beat, P = 3
  EXPECT_EQ(rd(0, CYCLES_HI), 1u);
  cpu.rd(SYS_BASE + SYS_TIME_LO);
  EXPECT_EQ(cpu.rd(SYS_BASE + SYS_TIME_HI), uint32_t(cpu.cycle() >> 32));
  EXPECT_GE(cpu.cycle() >> 32, 1u);
}

TEST_F(PlTopTest, InterruptLevels) {
  auto one = [&](unsigned unit, bool irq_en) {
    h.src[0].arm(std::vector<uint32_t>(4, 0), kIdeal);
    if (unit == 2) h.src[1].arm(std::vector<uint32_t>(4, 0), kIdeal);
    h.r.arm(kIdeal);
    h.irq.log.clear();
    program(unit, unit == 0 ? uint32_t(pl::VecOp::COPY) : 1u, unit == 0 ? std::vector<uint32_t>{4} : std::vector<uint32_t>{2, 2, 2}, {}, irq_en);
    finish(unit);
  };
  for (unsigned u = 0; u < 3; ++u) {
    one(u, true);
    ASSERT_EQ(h.irq.log.size(), 1u);
    EXPECT_EQ(h.irq.log[0], std::make_tuple(h.r.last + 1, 4 + u, true));  // DONE from t_done + 1
    cpu.wr(kUnitBase[u] + STATUS, ST_DONE);  // W1C lowers the level
    cpu.run_out();
    EXPECT_FALSE(h.irq.level[4 + u]);
    one(u, false);
    EXPECT_TRUE(h.irq.log.empty());
    cpu.wr(kUnitBase[u] + CTRL, CTRL_IRQ_EN);  // DONE & IRQ_EN: enabling afterwards raises it
    cpu.run_out();
    EXPECT_TRUE(h.irq.level[4 + u]);
    cpu.wr(kUnitBase[u] + CTRL, 0);
    cpu.run_out();
    EXPECT_FALSE(h.irq.level[4 + u]);
  }
}

TEST_F(PlTopTest, StreamsArmedAfterStart) {
  const Cycle t0 = program(0, uint32_t(pl::VecOp::ADD), {10});
  cpu.idle(50);
  cpu.run_out();
  EXPECT_EQ(rd(0, STATUS), ST_BUSY);
  EXPECT_NE(h.pl.describe().find("waiting for a transfer on stream A"), std::string::npos) << h.pl.describe();
  const BeatSchedule a = at(6), b = at(9, 2, 1), r = at(12);
  h.src[0].arm(std::vector<uint32_t>(10, pl::bits(1.f)), a);
  h.src[1].arm(std::vector<uint32_t>(10, pl::bits(2.f)), b);
  h.r.arm(r);
  const BeatSchedule* sp[3] = {&a, &b, nullptr};
  EXPECT_EQ(finish(0), pl::time_vector(pl::VecOp::ADD, 10, t0, sp, r).cycles);  // includes the wait
  EXPECT_EQ(h.r.got, std::vector<uint32_t>(10, pl::bits(3.f)));
}

TEST_F(PlTopTest, DecoupledInitiatorSeesCyclesNotKernelTime) {
  h.src[0].arm(std::vector<uint32_t>(200, 0), kIdeal);
  h.r.arm(kIdeal);
  const Cycle t0 = program(0, uint32_t(pl::VecOp::NEG), {200});  // t_done = t0 + 103
  cpu.sync();  // the thread ran at t0 and knows t_done; the kernel stays at t0 + 1
  const Cycle t_done = t0 + pl::vector_cycles_ideal(pl::VecOp::NEG, 200);
  // The CPU runs ahead without syncing: a START annotated into cycle t_done is still BUSY ...
  cpu.t_ps = T * double(t_done - 4);
  EXPECT_EQ(program(2, 0, {1, 1, 1}), t_done);
  // ... a later one is accepted, although the kernel has not reached t_done yet.
  h.src[0].arm({pl::bits(4.f)}, kIdeal);
  const Cycle t1 = program(1, 0, {1, 1});
  EXPECT_GT(t1, t_done);
  EXPECT_LT(now_cycle(), t_done);
  cpu.run_out();
  h.r.arm(kIdeal);  // R was consumed by the NEG command; the SUM waits for it
  cpu.run_out();
  EXPECT_EQ(rd(0, STATUS), ST_DONE);
  EXPECT_EQ(rd(0, CYCLES_LO), t_done - t0);
  EXPECT_EQ(rd(1, STATUS), ST_DONE);
  EXPECT_EQ(err_of(2), ERR_BUSY);
  EXPECT_EQ(h.r.got, std::vector<uint32_t>{pl::bits(4.f)});
}

// ---- malformed transfers, hangs, reset -------------------------------------------------------
TEST_F(PlTopTest, TransferLongerThanCommand) {
  h.src[0].arm({1, 2, 3, 4, 5, 6}, kIdeal);  // 3 beats for a 2-beat command
  h.r.arm(kIdeal);
  const Cycle t0 = program(0, uint32_t(pl::VecOp::IADD) | VEC_B_SCALAR, {3}, {0, 10, 0});
  EXPECT_EQ(finish(0), 5u);
  EXPECT_EQ(rd(0, STATUS), ST_DONE | ST_W_TLAST);
  EXPECT_EQ(h.r.got, (std::vector<uint32_t>{11, 12, 13}));
  EXPECT_EQ(h.src[0].last, t0 + 2);  // taken at the last beat used; the extra beat is dropped
  // Same beats, fewer bytes (LENGTH not a multiple of 8): no warning, missing bytes read 0.
  h.src[0].arm({1, 2, 3, 4}, kIdeal, 12);
  h.r.arm(kIdeal);
  program(0, uint32_t(pl::VecOp::IADD) | VEC_B_SCALAR, {4}, {0, 10, 0});
  finish(0);
  EXPECT_EQ(rd(0, STATUS), ST_DONE);
  EXPECT_EQ(h.r.got, (std::vector<uint32_t>{11, 12, 13, 10}));
}

TEST_F(PlTopTest, ShortTransferHangsUntilReset) {
  h.src[0].arm({1, 2}, kIdeal);  // 1 beat; MAX of 2 x 3 needs 3
  h.r.arm(kIdeal);
  h.irq.log.clear();
  const int puts = h.r.puts;
  program(1, RED_MAX, {2, 3}, {}, true);
  cpu.idle(10000);
  cpu.run_out();
  EXPECT_FALSE(sc_core::sc_pending_activity());  // what the platform's hang detection sees
  EXPECT_EQ(rd(1, STATUS), ST_BUSY | ST_W_TLAST);
  EXPECT_TRUE(h.src[0].on);  // nothing taken, nothing put
  EXPECT_EQ(h.r.puts, puts);
  const std::string d = h.pl.describe();
  EXPECT_NE(d.find("stream A (DMA0 MM2S) transfer has 1 beats, MAX ROWS=2 L=3 needs 3"), std::string::npos) << d;
  h.pl.reset();
  cpu.run_out();
  EXPECT_EQ(cpu.rd(SYS_BASE + SYS_ROUTE), 0u);
  EXPECT_EQ(cpu.rd(SYS_BASE + SYS_BUSY), 0u);
  for (uint32_t off : {CTRL, STATUS, OP, SIZE0, SIZE1, CYCLES_LO}) EXPECT_EQ(rd(1, off), 0u) << off;
  EXPECT_TRUE(h.irq.log.empty());
  // The PL works again; the matmul tile is forgotten (aresetn).
  h.src[0].arm({1, 2, 3, 4, 5, 6}, kIdeal);
  program(1, RED_MAX, {2, 3});
  EXPECT_EQ(finish(1), 3u + 24);
  program(2, 0, {4, 7, 40});
  EXPECT_EQ(err_of(2), ERR_BAD_SIZE);
}

// ---- speed (printed) -------------------------------------------------------------------------
TEST_F(PlTopTest, Speed) {
  using clk = std::chrono::steady_clock;
  const int cmds = 2000;
  std::vector<uint32_t> x(64, pl::bits(1.f));
  auto t = clk::now();
  for (int i = 0; i < cmds; ++i) {
    h.src[0].arm(x, at(10, 5, 4));
    h.src[1].arm(x, at(12, 4, 3));
    h.r.arm(BeatSchedule{cpu.cycle() + 20, 1, 1, 16, 5});
    program(0, uint32_t(pl::VecOp::ADD), {64});
    finish(0);
  }
  const double us_per_cmd = std::chrono::duration<double, std::micro>(clk::now() - t).count() / cmds;
  const uint32_t n = 4000000;
  h.src[0].arm(std::vector<uint32_t>(n, pl::bits(1.f)), at(10, 5, 4));
  h.src[1].arm(std::vector<uint32_t>(n, pl::bits(2.f)), at(12, 4, 3));
  h.r.arm(BeatSchedule{cpu.cycle() + 20, 1, 1, 16, 5});
  t = clk::now();  // from START to DONE read: datapath, timing, the sink's copy of the packet
  program(0, uint32_t(pl::VecOp::ADD), {n});
  const uint64_t cycles = finish(0);
  const double ns_per_elem = std::chrono::duration<double, std::nano>(clk::now() - t).count() / n;
  std::printf("[ speed    ] PlTop: %.2f us per small command (ADD N=64, 8 register accesses, "
              "complete flow); ADD N=4M: %.2f ns per element, %.0f simulated cycles per second\n",
              us_per_cmd, ns_per_elem, double(cycles) / (ns_per_elem * n * 1e-9));
  EXPECT_EQ(h.r.got.size(), n);
}

int sc_main(int argc, char* argv[]) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}

// ---- a PL built without some SFU datapaths (hw/pl_contract.json sfu_datapaths) ---------------
TEST(PlVectorSfuDatapaths, AbsentDatapathsOpcodesAreBadOpAndCfg0SaysWhichAreBuilt) {
  namespace hw = tinypynq::hw;
  uint32_t dps = 0;  // DIV/RECIP and SQRT only: a training PL (bits from the contract)
  for (const hw::SfuDatapath& d : hw::kSfuDatapaths)
    if (std::string_view(d.name) == "DIV" || std::string_view(d.name) == "SQRT") dps |= 1u << d.bit;
  ASSERT_EQ(dps, 0x03u);
  PlVector trimmed(dps), full;
  EXPECT_EQ(trimmed.regs.read(CFG0, 0), 0x00430102u);  // STREAM_C [22], SFU_DPS [21:16], SFUS 1, LANES 2
  EXPECT_EQ(full.regs.read(CFG0, 0), 0x007F0102u);
  for (const hw::OpcodeInfo& o : hw::kOpcodes) {
    if (o.unit != hw::Unit::kVector) continue;
    UnitCommand c;
    c.op = o.value;
    c.size[0] = 4;
    const bool built = (hw::sfu_datapath_of(o.value) & ~dps) == 0;
    EXPECT_EQ(trimmed.check(c), built ? 0 : ERR_BAD_OP) << o.name;
    EXPECT_EQ(full.check(c), 0) << o.name;
  }
  // the opcodes the contract puts in the absent datapaths, by name
  for (uint32_t op : {0x06u /*MOD*/, 0x13u /*EXP2*/, 0x14u /*LOG2*/, 0x15u /*SIN*/}) {
    UnitCommand c;
    c.op = op;
    c.size[0] = 1;
    EXPECT_EQ(trimmed.check(c), ERR_BAD_OP) << op;
  }
}

// ---- a PL without stream C (v2 without the reader VR2: vr_stream_c = 0) --------------------
TEST(PlVectorStreamC, OpcodesReadingCFromAStreamAreBadOpWithoutIt) {
  namespace hw = tinypynq::hw;
  PlVector noc(hw::kSfuDpAll, false), full;
  EXPECT_EQ(noc.regs.read(CFG0, 0), 0x003F0102u);  // STREAM_C [22] = 0
  for (const hw::OpcodeInfo& o : hw::kOpcodes) {
    if (o.unit != hw::Unit::kVector) continue;
    for (uint32_t c_scalar : {0u, 1u}) {
      UnitCommand c;
      c.op = o.value | c_scalar * hw::vec::OP_C_SCALAR.mask;
      c.size[0] = 4;
      const bool reads_c = o.arity == 3 && !c_scalar;
      EXPECT_EQ(noc.check(c), reads_c ? ERR_BAD_OP : 0) << o.name << " C_SCALAR " << c_scalar;
      EXPECT_EQ(full.check(c), 0) << o.name;
    }
  }
}

// ---- a PL without the reduce unit (reduce_unit = 0) -------------------------------------------
TEST(PlReduceBuilt, EveryStartIsBadOpWithoutTheUnit) {
  PlReduce none(false), red;
  EXPECT_EQ(none.regs.read(CFG0, 0), 24u);   // BUILT [8] = 0, LATENCY 24
  EXPECT_EQ(red.regs.read(CFG0, 0), 0x118u);
  for (uint32_t op : {0u, 1u}) {
    UnitCommand c;
    c.op = op;
    c.size[0] = 2, c.size[1] = 8;
    EXPECT_EQ(none.check(c), ERR_BAD_OP) << op;
    EXPECT_EQ(red.check(c), 0) << op;
  }
}
