// The v2 view writer's TLM module (models/tlm/view_writer_tlm.h) in the pl_version 2 platform,
// programmed over GP0 as the PS does (docs/pl-v2.md "v2 step 3"): random descriptors whose
// words land where a naive reference puts them and whose bursts and DONE cycle are
// pl::plan_write's; every bad-descriptor code (no HP access, R never accepted), BUSY, LENGTH,
// the interrupt, reset; a vector unit fed by the readers writing its result transposed through
// VW; the write-burst checker's rules.
#include <gtest/gtest.h>

#include <systemc>
#include <tlm>

#include <cstring>
#include <random>
#include <vector>

#include "base/board_config.h"
#include "hw/tp_contract.h"
#include "models/fp/view_writer.h"
#include "models/tlm/platform.h"
#include "models/tlm/view_reader_tlm.h"
#include "models/tlm/view_writer_tlm.h"

namespace {

using namespace tinypynq;
using namespace tinypynq::vp;
namespace vw = tinypynq::pl::vw;
namespace vr = tinypynq::pl::vr;
using sc_core::sc_time;

struct Harness {
  Platform& p;
  ViewWriter& w;
  Harness()
      : p((Platform::declare("tlm", [] { BoardConfig c = BoardConfig::defaults(); c.pl_version = 2; return c; }(),
                             make_tlm_pl),
           Platform::get("tlm"))),
        w(*p.writer()) {}
  tlm::tlm_response_status access(tlm::tlm_command cmd, uint64_t addr, uint32_t& v) {
    uint8_t buf[4];
    std::memcpy(buf, &v, 4);
    tlm::tlm_generic_payload gp;
    gp.set_command(cmd), gp.set_address(addr), gp.set_data_ptr(buf), gp.set_data_length(4), gp.set_streaming_width(4);
    sc_time d = sc_core::SC_ZERO_TIME;
    p.gp0(gp, d);
    std::memcpy(&v, buf, 4);
    return gp.get_response_status();
  }
  void wr(uint64_t a, uint32_t v) { ASSERT_EQ(access(tlm::TLM_WRITE_COMMAND, a, v), tlm::TLM_OK_RESPONSE) << std::hex << a; }
  uint32_t rd(uint64_t a) {
    uint32_t v = 0;
    EXPECT_EQ(access(tlm::TLM_READ_COMMAND, a, v), tlm::TLM_OK_RESPONSE);
    return v;
  }
  void program(const pl::ViewDesc& d, uint32_t ctrl = vw::CTRL_START) {
    wr(vw::kWindow + vw::BASE, static_cast<uint32_t>(d.base)), wr(vw::kWindow + vw::LIMIT, static_cast<uint32_t>(d.limit));
    wr(vw::kWindow + vw::OFFSET, static_cast<uint32_t>(d.offset)), wr(vw::kWindow + vw::RANK, d.rank);
    for (unsigned k = 0; k < vw::kMaxRank; ++k) {
      const uint64_t o = vw::kWindow + vw::DIM0 + vw::DIM_BYTES * k;
      wr(o + vw::D_SHAPE, d.shape[k]), wr(o + vw::D_STRIDE, static_cast<uint32_t>(d.stride[k]));
      wr(o + vw::D_MLO, d.mlo[k]), wr(o + vw::D_MHI, d.mhi[k]);
    }
    wr(vw::kWindow + vw::CTRL, ctrl);
  }
  uint32_t status() { return rd(vw::kWindow + vw::STATUS); }
  Cycle now() const { return p.pl_cycles(); }
  void run(uint64_t cycles) { sc_core::sc_start(p.ps7().pl_period() * static_cast<double>(cycles)); }
  void run_to(Cycle c) {
    if (c > now()) run(c - now());
  }
  uint8_t* ddr() { return p.ps7().ddr(0); }
};

Harness& H() {
  static Harness* h = new Harness;  // never destroyed: SystemC objects outlive the tests
  return *h;
}

class ViewWriterTlm : public ::testing::Test {
 protected:
  Harness& h = H();
  void SetUp() override { h.p.reset_pl(), h.run(5); }
};

pl::ViewDesc view(uint64_t base, uint64_t limit, std::vector<uint32_t> shape, std::vector<int32_t> strides, int64_t off = 0) {
  pl::ViewDesc d;
  d.base = base, d.limit = limit, d.offset = off, d.rank = static_cast<unsigned>(shape.size());
  for (size_t k = 0; k < shape.size(); ++k) d.shape[k] = shape[k], d.stride[k] = strides[k];
  d.full_mask();
  return d;
}

// Where element e lands by one index computation per element (-1: masked).
int64_t naive_addr(const pl::ViewDesc& d, uint64_t e) {
  bool valid = true;
  int64_t off = d.offset;
  for (int k = static_cast<int>(d.rank) - 1; k >= 0; --k) {
    const uint32_t i = static_cast<uint32_t>(e % d.shape[k]);
    e /= d.shape[k];
    valid &= i >= d.mlo[k] && i < d.mhi[k];
    off += static_cast<int64_t>(i) * d.stride[k];
  }
  return valid ? static_cast<int64_t>(d.base + 4 * off) : -1;
}

// The producer of R: presents every beat as soon as VW is ready and ends at TLAST.
void produce(Harness& h, const std::vector<uint32_t>& words) {
  ASSERT_TRUE(h.w.armed());
  const uint64_t n = std::max<uint64_t>(1, (words.size() + 1) / 2);
  h.run_to(h.w.ready().at(0));
  h.w.put(reinterpret_cast<const uint8_t*>(words.data()), 4 * words.size(), h.w.ready().at(n - 1));
}

TEST_F(ViewWriterTlm, RandomDescriptorsLandWhereTheNaiveReferenceSaysAtPlanWriteTimes) {
  std::mt19937_64 rng(3);
  auto U = [&](uint64_t lo, uint64_t hi) { return std::uniform_int_distribution<uint64_t>(lo, hi)(rng); };
  const uint64_t ddr_bytes = h.p.config().ddr_bytes;
  const uint64_t lat = ViewWriterParams::from(h.p.config()).write_latency_cycles;
  int tested = 0;
  for (int it = 0; it < 300; ++it) {
    pl::ViewDesc d;
    d.rank = static_cast<unsigned>(U(1, 4));
    int64_t lo = 0, hi = 0;
    for (unsigned k = 0; k < d.rank; ++k) {
      d.shape[k] = static_cast<uint32_t>(U(1, it % 9 == 0 ? 1 : 16));
      const int kind = static_cast<int>(U(0, 3));
      d.stride[k] = kind == 0 ? 1 : kind == 1 ? static_cast<int32_t>(U(1, 700)) : kind == 2 ? -static_cast<int32_t>(U(1, 40))
                                                                                             : static_cast<int32_t>(U(2, 9));
      if (d.shape[k] == 1 && U(0, 1)) d.stride[k] = 0;
      const int64_t a = int64_t{d.stride[k]} * (d.shape[k] - 1);
      lo += std::min<int64_t>(0, a), hi += std::max<int64_t>(0, a);
    }
    d.full_mask();
    if (U(0, 3) == 0)
      for (unsigned k = 0; k < d.rank; ++k)
        d.mlo[k] = static_cast<uint32_t>(U(0, d.shape[k] / 2)), d.mhi[k] = static_cast<uint32_t>(U(d.mlo[k], d.shape[k]));
    d.offset = -lo + static_cast<int64_t>(U(0, 3));
    d.limit = 4 * static_cast<uint64_t>(hi - lo + 4 + U(0, 3));
    const int where = static_cast<int>(U(0, 2));  // next to a 4 KB boundary, anywhere, at the end of DDR
    d.base = where == 0 ? 0x40'0000 + 4096 * U(1, 64) - 4 * U(0, 40) : where == 1 ? 0x80'0000 + 4 * U(0, 1 << 18)
                                                                                   : ddr_bytes - d.limit;
    if (!pl::check_write(d, ddr_bytes).ok()) continue;  // only BROADCAST is possible here
    ++tested;
    SCOPED_TRACE(d.str());
    // DDR around the buffer holds a pattern; the reference applies the writes to a copy.
    const uint64_t span_lo = d.base & ~127ull, span_hi = std::min<uint64_t>(ddr_bytes, (d.base + d.limit + 255) & ~127ull);
    for (uint64_t a = span_lo; a < span_hi; ++a) h.ddr()[a] = static_cast<uint8_t>(a * 7 + it);
    std::vector<uint8_t> want(h.ddr() + span_lo, h.ddr() + span_hi);
    std::vector<uint32_t> words(d.elems());
    for (auto& x : words) x = static_cast<uint32_t>(rng());
    for (uint64_t e = 0; e < words.size(); ++e)
      if (const int64_t a = naive_addr(d, e); a >= 0) std::memcpy(&want[a - span_lo], &words[e], 4);
    const uint64_t hp0 = h.w.hp_transactions();
    const Cycle t0 = h.now();
    h.program(d);
    const Cycle t_start = h.w.times().start;
    EXPECT_GE(t_start, t0);
    produce(h, words);
    const pl::WritePlan& p = h.w.last_plan();
    std::vector<uint64_t> hh(std::max<uint64_t>(1, (words.size() + 1) / 2));
    for (uint64_t j = 0; j < hh.size(); ++j) hh[j] = pl::write_ready(d, t_start, j);
    const pl::WritePlan ref = pl::plan_write(d, t_start, hh, {lat, 1000});
    ASSERT_EQ(p.bursts.size(), ref.bursts.size());
    for (size_t k = 0; k < ref.bursts.size(); ++k) {
      ASSERT_EQ(p.bursts[k].addr, ref.bursts[k].addr);
      ASSERT_EQ(p.bursts[k].words, ref.bursts[k].words);
      ASSERT_EQ(p.bursts[k].aw, ref.bursts[k].aw);
      ASSERT_EQ(p.bursts[k].bresp, ref.bursts[k].bresp);
    }
    ASSERT_EQ(p.done, ref.done);
    if (p.done > h.now() + 1) {
      h.run_to(p.done - 1);
      EXPECT_EQ(h.status() & (vw::ST_BUSY | vw::ST_DONE), vw::ST_BUSY) << "busy until the last B response";
    }
    h.run_to(p.done);
    EXPECT_EQ(h.status(), vw::ST_DONE);
    EXPECT_EQ(h.rd(vw::kWindow + vw::BURSTS), p.bursts.size());
    EXPECT_EQ(h.rd(vw::kWindow + vw::ELEMS), d.elems());
    ASSERT_EQ(std::memcmp(want.data(), h.ddr() + span_lo, want.size()), 0) << "words written where the view says";
    EXPECT_EQ(h.w.hp_transactions() - hp0, p.bursts.empty() ? 0u : 3u)
        << "the port's rate asked, the transfer reserved, one DMI request";
    h.wr(vw::kWindow + vw::STATUS, vw::ST_DONE);
    h.run(3);
  }
  EXPECT_GT(tested, 200);
  EXPECT_EQ(h.w.write_checker().violations(), 0u);
  EXPECT_GT(h.w.write_checker().checked(), 1000u);
}

TEST_F(ViewWriterTlm, EveryBadDescriptorIsRejectedWithoutTouchingDdrOrR) {
  const pl::ViewDesc ok = view(0x50'0000, 4 * 64, {8, 8}, {8, 1});
  struct Case { const char* what; pl::ViewDesc d; uint32_t code, dim; };
  std::vector<Case> cases;
  pl::ViewDesc d = ok; d.rank = 0; cases.push_back({"rank 0", d, vw::kBadRank, vw::kNoDim});
  d = ok; d.rank = 7; cases.push_back({"rank 7", d, vw::kBadRank, vw::kNoDim});
  d = ok; d.shape[1] = 0; cases.push_back({"shape 0", d, vw::kZeroLength, 1});
  d = ok; d.base += 2; cases.push_back({"misaligned", d, vw::kMisaligned, vw::kNoDim});
  d = ok; d.limit -= 4; cases.push_back({"outside the buffer", d, vw::kOutOfBounds, vw::kNoDim});
  d = ok; d.base = h.p.config().ddr_bytes - 128; cases.push_back({"out of DDR", d, vw::kOutOfBounds, vw::kNoDim});
  d = ok; d.stride[0] = 0x7FFFFFFF; cases.push_back({"stride overflow", d, vw::kOverflow, vw::kNoDim});
  d = ok; d.mhi[1] = 9; cases.push_back({"mask", d, vw::kBadMask, 1});
  d = ok; d.stride[0] = 0; cases.push_back({"broadcast", d, vw::kBroadcast, 0});
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    h.p.reset_pl();
    h.run(3);
    const uint64_t hp0 = h.w.hp_transactions();
    h.program(c.d);
    const Cycle t0 = h.w.times().start;
    EXPECT_FALSE(h.w.armed()) << "R is not accepted";
    h.run_to(t0 + std::min(c.d.rank, 6u) + 1);
    EXPECT_EQ(h.status(), vw::ST_BUSY) << "validating";
    h.run(2);
    const uint32_t st = h.status();
    EXPECT_EQ(st & (vw::ST_ERR | vw::ST_DONE | vw::ST_BUSY), vw::ST_ERR);
    EXPECT_EQ(vw::err_code(st), c.code) << vw::err_name(vw::err_code(st));
    EXPECT_EQ(h.rd(vw::kWindow + vw::ERR_INFO), c.dim);
    EXPECT_EQ(h.w.hp_transactions(), hp0) << "no HP access";
    h.wr(vw::kWindow + vw::STATUS, vw::ST_ERR);  // W1C
    EXPECT_EQ(h.status(), 0u);
    EXPECT_EQ(h.rd(vw::kWindow + vw::ERR_INFO), 0u);
  }
}

TEST_F(ViewWriterTlm, BusyLengthInterruptAndReset) {
  const pl::ViewDesc d = view(0x50'0000, 4 * 64, {64}, {1});
  // START while BUSY: ERR 7, the running transfer goes on and ends DONE.
  h.program(d, vw::CTRL_START | vw::CTRL_IRQ_EN);
  h.wr(vw::kWindow + vw::CTRL, vw::CTRL_START | vw::CTRL_IRQ_EN);
  h.run(2);
  EXPECT_EQ(vw::err_code(h.status()), vw::kBusy);
  EXPECT_TRUE(h.p.ps7().irq(hw::irq::VW)) << "ERR raises the interrupt";
  h.wr(vw::kWindow + vw::STATUS, vw::ST_ERR);
  h.run(1);
  EXPECT_FALSE(h.p.ps7().irq(hw::irq::VW));
  std::vector<uint32_t> words(64, 0x3F800000u);
  produce(h, words);
  h.run_to(h.w.last_plan().done);
  EXPECT_EQ(h.status(), vw::ST_DONE);
  EXPECT_TRUE(h.p.ps7().irq(hw::irq::VW)) << "DONE with IRQ_EN";
  h.wr(vw::kWindow + vw::STATUS, vw::ST_DONE);
  h.run(1);
  EXPECT_FALSE(h.p.ps7().irq(hw::irq::VW));
  // A packet of 3 beats for 64 elements: the 6 words land, then ERR LENGTH at completion.
  std::memset(h.ddr() + d.base, 0, d.limit);
  h.program(d);
  words.assign(6, 7u);
  produce(h, words);
  h.run_to(h.w.last_plan().done);
  EXPECT_EQ(vw::err_code(h.status()), vw::kLength);
  uint32_t got[8];
  std::memcpy(got, h.ddr() + d.base, sizeof got);
  EXPECT_EQ(got[5], 7u);
  EXPECT_EQ(got[6], 0u);
  // Reset while armed: registers 0, R no longer accepted.
  h.program(d);
  EXPECT_TRUE(h.w.armed());
  h.p.reset_pl();
  EXPECT_FALSE(h.w.armed());
  EXPECT_EQ(h.rd(vw::kWindow + vw::BASE), 0u);
  EXPECT_EQ(h.status(), 0u);
}

// The whole v2 data path: VR0/VR1 stream a and b, the vector unit adds, VW writes the (16, 24)
// sum transposed into a (24, 16) buffer; the PS reads it back.
TEST_F(ViewWriterTlm, VectorResultWrittenTransposedThroughTheWriter) {
  const uint32_t R = 16, C = 24, n = R * C;
  const uint64_t a = 0x60'0000, b = 0x61'0000, out = 0x62'0000;
  for (uint32_t i = 0; i < n; ++i) {
    const float x = static_cast<float>(i), y = 0.5f * static_cast<float>(i);
    std::memcpy(h.ddr() + a + 4 * i, &x, 4), std::memcpy(h.ddr() + b + 4 * i, &y, 4);
  }
  std::memset(h.ddr() + out, 0xFF, 4 * n);
  auto reader = [&](unsigned i, uint64_t base) {
    const uint64_t w0 = vr::kWindow + vr::kReaderStride * i;
    h.wr(w0 + vr::BASE, static_cast<uint32_t>(base)), h.wr(w0 + vr::LIMIT, 4 * n), h.wr(w0 + vr::OFFSET, 0);
    h.wr(w0 + vr::RANK, 1), h.wr(w0 + vr::DIM0 + vr::D_SHAPE, n), h.wr(w0 + vr::DIM0 + vr::D_STRIDE, 1);
    h.wr(w0 + vr::DIM0 + vr::D_MLO, 0), h.wr(w0 + vr::DIM0 + vr::D_MHI, n), h.wr(w0 + vr::CTRL, vr::CTRL_START);
  };
  h.program(view(out, 4 * n, {R, C}, {1, static_cast<int32_t>(R)}));  // element (r, c) to out[c][r]
  reader(0, a), reader(1, b);
  h.wr(hw::win::VEC_BASE + hw::unit::OP, static_cast<uint32_t>(hw::VecOp::ADD));
  h.wr(hw::win::VEC_BASE + hw::unit::SIZE0, n);
  h.wr(hw::win::VEC_BASE + hw::unit::CTRL, hw::unit::CTRL_START.mask);
  h.run(4000);
  EXPECT_EQ(h.rd(hw::win::VEC_BASE + hw::unit::STATUS), hw::unit::STATUS_DONE.mask);
  EXPECT_EQ(h.status(), vw::ST_DONE);
  EXPECT_EQ(h.rd(vw::kWindow + vw::BURSTS), C / 2) << "12 lines (two 16-word rows each), all in the buffer at once";
  for (uint32_t r = 0; r < R; ++r)
    for (uint32_t c = 0; c < C; ++c) {
      float got;
      std::memcpy(&got, h.ddr() + out + 4 * (c * R + r), 4);
      ASSERT_EQ(got, 1.5f * static_cast<float>(r * C + c)) << r << "," << c;
    }
}

TEST(AxiWriteChecker, FlagsEveryRule) {
  AxiWriteChecker c;
  const uint64_t base = 0x1004, limit = 0x1ff8, ddr = 1 << 20;
  auto burst = [](uint64_t a, uint32_t n, uint32_t words) { pl::Burst b; b.addr = a, b.beats = n, b.words = words; return b; };
  EXPECT_FALSE(c.check(burst(0x1080, 16, 0xFFFFFFFF), base, limit, ddr));
  EXPECT_FALSE(c.check(burst(0x1000, 1, 0x2), base, limit, ddr)) << "the second word of a beat";
  EXPECT_TRUE(c.check(burst(0x1000, 1, 0x1), base, limit, ddr)) << "a byte before BASE";
  EXPECT_TRUE(c.check(burst(0x1084, 1, 0x1), base, limit, ddr)) << "misaligned";
  EXPECT_TRUE(c.check(burst(0x1080, 0, 0), base, limit, ddr)) << "0 beats";
  EXPECT_TRUE(c.check(burst(0x1080, 17, 0x1), base, limit, ddr)) << "17 beats";
  EXPECT_TRUE(c.check(burst(0x1FC0, 16, 0xFFFFFFFF), base, 0x4000, ddr)) << "4 KB crossing";
  EXPECT_TRUE(c.check(burst(0x1080, 2, 0x3), base, limit, ddr)) << "last beat without a strobe";
  EXPECT_TRUE(c.check(burst(0x1080, 2, 0x30), base, limit, ddr)) << "a strobe past the burst";
  EXPECT_TRUE(c.check(burst(ddr - 8, 2, 0x9), 0, ddr, ddr)) << "past the end of DDR";
  EXPECT_TRUE(c.check(burst(0x2ff8, 1, 0x3), base, limit, ddr)) << "past BASE + LIMIT";
  EXPECT_EQ(c.violations(), 9u);
  EXPECT_EQ(c.checked(), 11u);
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
