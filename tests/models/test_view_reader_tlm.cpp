// The v2 view readers' TLM module (models/tlm/view_reader_tlm.h) inside the pl_version 2
// platform, programmed over GP0 as the PS would: the words each reader streams equal the naive
// meaning of the descriptor, every beat's valid cycle equals pl::plan's (docs/pl-v2.md "Line
// buffer and timing"), bad descriptors get the spec's STATUS/ERR_CODE/ERR_INFO with no DDR
// access, START while BUSY is refused, and the PL recovers by reset. A second platform kind with
// pl_version 1 is built in the same kernel to check that v1's address map is unchanged.
#include <gtest/gtest.h>

#include <systemc>
#include <tlm>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "base/board_config.h"
#include "hw/tp_contract.h"
#include "models/fp/pl_timing.h"
#include "models/fp/pl_units.h"
#include "cosim/view_gen.h"
#include "models/fp/view_reader.h"
#include "models/tlm/axi_dma.h"
#include "models/tlm/platform.h"
#include "models/tlm/view_reader_tlm.h"
#include "models/tlm/view_writer_tlm.h"

namespace {

using namespace tinypynq;
using namespace tinypynq::vp;
namespace vr = tinypynq::pl::vr;
using sc_core::sc_time;

BoardConfig v2_config() {
  BoardConfig c = BoardConfig::defaults();
  c.pl_version = 2;
  return c;
}
BoardConfig noc_config() {
  BoardConfig c = v2_config();
  c.vr_stream_c = 0;
  return c;
}

// Stands in for the PL unit on one stream: takes every beat as soon as it is valid (the
// consumer pl::plan assumes), or holds the transfer when told to.
struct Consumer : sc_core::sc_module {
  ViewReader& src;
  bool hold = false;
  std::vector<uint32_t> got;
  std::vector<uint64_t> valid;
  Cycle last = 0;
  unsigned transfers = 0;
  SC_HAS_PROCESS(Consumer);
  Consumer(sc_core::sc_module_name n, ViewReader& s) : sc_module(n), src(s) { SC_THREAD(run); }
  void run() {
    for (;;) {
      wait(src.armed_event());
      if (!src.armed() || hold) continue;
      take();
    }
  }
  void take() {
    const StreamIn& in = src.peek();
    got.resize(in.bytes / 4);
    std::memcpy(got.data(), in.data, in.bytes);
    valid.assign(in.valid_at, in.valid_at + in.beats);
    Cycle h = 0;
    for (uint64_t i = 0; i < in.beats; ++i) h = std::max<Cycle>(in.valid_at[i], i ? h + 1 : 0);
    ++transfers;
    src.take_all(last = h);
  }
};

struct Harness {
  Platform& p;
  Platform& v1;
  Platform& noc;  // v2 without the third reader (vr_stream_c = 0)
  ViewReaders& vr;
  std::unique_ptr<Consumer> c[3];
  Harness()
      : p((Platform::declare("tlm", v2_config(), make_tlm_pl), Platform::declare("v1", BoardConfig::defaults(), make_tlm_pl),
           Platform::declare("noc", noc_config(), make_tlm_pl), Platform::get("tlm"))),
        v1(Platform::get("v1")),
        noc(Platform::get("noc")),
        vr(*p.readers()) {
    for (unsigned i = 0; i < 3; ++i) c[i] = std::make_unique<Consumer>(("consumer" + std::to_string(i)).c_str(), vr.reader(i));
  }
  tlm::tlm_response_status access(Platform& pf, tlm::tlm_command cmd, uint64_t addr, uint32_t& v, unsigned len = 4) {
    uint8_t buf[8] = {};
    std::memcpy(buf, &v, 4);
    tlm::tlm_generic_payload gp;
    gp.set_command(cmd), gp.set_address(addr), gp.set_data_ptr(buf), gp.set_data_length(len), gp.set_streaming_width(len);
    sc_time d = sc_core::SC_ZERO_TIME;
    pf.gp0(gp, d);
    std::memcpy(&v, buf, 4);
    return gp.get_response_status();
  }
  void wr(unsigned i, uint32_t off, uint32_t v) {
    ASSERT_EQ(access(p, tlm::TLM_WRITE_COMMAND, vr::kWindow + vr::kReaderStride * i + off, v), tlm::TLM_OK_RESPONSE);
  }
  uint32_t rd(unsigned i, uint32_t off) {
    uint32_t v = 0;
    EXPECT_EQ(access(p, tlm::TLM_READ_COMMAND, vr::kWindow + vr::kReaderStride * i + off, v), tlm::TLM_OK_RESPONSE);
    return v;
  }
  // The PS programs a descriptor (the order does not matter; START last).
  void program(unsigned i, const pl::ViewDesc& d) {
    wr(i, vr::BASE, static_cast<uint32_t>(d.base)), wr(i, vr::LIMIT, static_cast<uint32_t>(d.limit));
    wr(i, vr::OFFSET, static_cast<uint32_t>(d.offset)), wr(i, vr::RANK, d.rank), wr(i, vr::PAD, d.pad);
    for (unsigned k = 0; k < vr::kMaxRank; ++k) {
      const uint32_t o = vr::DIM0 + vr::DIM_BYTES * k;
      wr(i, o + vr::D_SHAPE, d.shape[k]), wr(i, o + vr::D_STRIDE, static_cast<uint32_t>(d.stride[k]));
      wr(i, o + vr::D_MLO, d.mlo[k]), wr(i, o + vr::D_MHI, d.mhi[k]);
    }
  }
  // The view writer takes R contiguously into `words` words at `base` (S2MM's place in v2).
  void program_writer(uint64_t base, uint32_t words) {
    namespace vw = pl::vw;
    auto w = [&](uint32_t off, uint32_t v) {
      ASSERT_EQ(access(p, tlm::TLM_WRITE_COMMAND, vw::kWindow + off, v), tlm::TLM_OK_RESPONSE);
    };
    w(vw::BASE, static_cast<uint32_t>(base)), w(vw::LIMIT, 4 * words), w(vw::OFFSET, 0), w(vw::RANK, 1);
    w(vw::DIM0 + vw::D_SHAPE, words), w(vw::DIM0 + vw::D_STRIDE, 1), w(vw::DIM0 + vw::D_MLO, 0);
    w(vw::DIM0 + vw::D_MHI, words), w(vw::CTRL, vw::CTRL_START);
  }
  Cycle now() const { return p.pl_cycles(); }
  void run(uint64_t cycles) { sc_core::sc_start(p.ps7().pl_period() * static_cast<double>(cycles)); }
};

Harness& H() {
  static Harness* h = new Harness;  // never destroyed: SystemC objects outlive the tests
  return *h;
}

// The naive meaning of a descriptor: one index computation per element.
std::vector<uint32_t> reference(const pl::ViewDesc& d, const uint8_t* ddr) {
  std::vector<uint32_t> out;
  uint32_t idx[vr::kMaxRank] = {};
  for (uint64_t e = 0; e < d.elems(); ++e) {
    uint64_t rem = e;
    bool valid = true;
    int64_t off = d.offset;
    for (int k = static_cast<int>(d.rank) - 1; k >= 0; --k) {
      idx[k] = static_cast<uint32_t>(rem % d.shape[k]), rem /= d.shape[k];
      valid &= idx[k] >= d.mlo[k] && idx[k] < d.mhi[k];
      off += static_cast<int64_t>(idx[k]) * d.stride[k];
    }
    uint32_t v = d.pad;
    if (valid) std::memcpy(&v, ddr + d.base + 4 * off, 4);
    out.push_back(v);
  }
  return out;
}

class ViewReaderTlm : public ::testing::Test {
 protected:
  Harness& h = H();
  const uint64_t ddr = h.p.config().ddr_bytes;
  // The HP read latency the bus model charges (ps7.cpp: ceil(ddr_read_latency_ns * f_PL)).
  const pl::ReaderTiming timing{
      static_cast<uint64_t>(std::ceil(h.p.config().ddr_read_latency_ns * 1e-9 * h.p.config().pl_clock_hz)), 1};
  void SetUp() override {
    h.p.reset_pl();
    h.run(200);  // past every earlier transfer's DDR time: the port's share is the whole DDR
    for (auto& c : h.c) c->hold = false;
  }
  void fill(uint64_t lo, uint64_t hi, uint32_t seed) {  // random words over [lo, hi)
    std::mt19937 g(seed);
    for (uint64_t a = lo & ~3ull; a + 4 <= std::min(hi, ddr); a += 4) {
      const uint32_t v = g();
      std::memcpy(h.p.ps7().ddr(a), &v, 4);
    }
  }
  // Programs d on reader i, starts it, runs until the consumer took it; checks words, beat
  // times, fills and the registers.
  void stream_and_check(unsigned i, const pl::ViewDesc& d, const std::string& what) {
    const unsigned before = h.c[i]->transfers;
    h.program(i, d);
    const Cycle t0 = h.now();
    h.wr(i, vr::CTRL, vr::CTRL_START);
    const pl::ReadPlan want = pl::plan(d, t0, timing);
    const uint64_t end = want.beat_valid.back() + 2;
    h.run(end - h.now());
    ASSERT_EQ(h.c[i]->transfers, before + 1) << what;
    const uint32_t st = h.rd(i, vr::STATUS);
    ASSERT_EQ(st, vr::ST_DONE) << what << ": STATUS 0x" << std::hex << st;
    ASSERT_EQ(h.c[i]->got, reference(d, h.p.ps7().ddr(0))) << what;
    ASSERT_EQ(h.c[i]->valid, want.beat_valid) << what;
    const pl::ReadPlan& got = h.vr.reader(i).last_plan();
    ASSERT_EQ(got.fills.size(), want.fills.size()) << what;
    for (size_t f = 0; f < want.fills.size(); ++f)
      ASSERT_TRUE(got.fills[f].addr == want.fills[f].addr && got.fills[f].beats == want.fills[f].beats &&
                  got.fills[f].issue == want.fills[f].issue && got.fills[f].arrive == want.fills[f].arrive)
          << what << ": fill " << f;
    ASSERT_EQ(h.rd(i, vr::LINES), want.fills.size()) << what;
    ASSERT_EQ(h.rd(i, vr::ELEMS), d.elems()) << what;
    ASSERT_EQ(h.vr.reader(i).fill_checker().violations(), 0u);
    h.wr(i, vr::STATUS, vr::ST_DONE);  // W1C
    ASSERT_EQ(h.rd(i, vr::STATUS), 0u);
  }
};

// The generator shared with the RTL cosim (cosim/view_gen.h): ranks 1..6, strides 0 /
// negative / permuted / arbitrary, masks, buffers next to 4 KB boundaries and at the end of DDR.
using tinypynq::testgen::random_view;

TEST_F(ViewReaderTlm, RandomDescriptorsStreamTheViewAtThePlannedBeats) {
  std::mt19937 g(20261204);
  unsigned n = 0, crossings = 0, at_end = 0, masked = 0, negative = 0, broadcast = 0, length1 = 0;
  while (n < 2000) {
    const pl::ViewDesc d = random_view(g, ddr);
    if (!pl::check(d, ddr).ok()) continue;
    fill(d.base, d.base + d.limit, static_cast<uint32_t>(g()));
    const unsigned i = n % 3;  // VR0, VR1, VR2 in turn
    stream_and_check(i, d, "descriptor " + std::to_string(n) + " on VR" + std::to_string(i) + ": " + d.str());
    if (HasFatalFailure()) return;
    for (const pl::Fill& f : h.vr.reader(i).last_plan().fills) crossings += (f.addr & 4095) + 8 * f.beats == 4096;
    at_end += d.base + d.limit == ddr, length1 += d.elems() == 1;
    for (unsigned k = 0; k < d.rank; ++k)
      masked += d.mlo[k] > 0 || d.mhi[k] < d.shape[k], negative += d.stride[k] < 0, broadcast += d.stride[k] == 0 && d.shape[k] > 1;
    ++n;
  }
  // The mix the generator is meant to produce (so a change to it cannot quietly drop a case).
  EXPECT_GT(crossings, 100u);
  EXPECT_GT(at_end, 200u);
  EXPECT_GT(masked, 200u);
  EXPECT_GT(negative, 200u);
  EXPECT_GT(broadcast, 100u);
  EXPECT_GT(length1, 5u);
  std::printf("[view reader tlm] 2000 descriptors: %u fills ending at a 4 KB boundary, %u buffers at the end of DDR, "
              "%u masked / %u negative / %u broadcast dimensions, %u of length 1\n",
              crossings, at_end, masked, negative, broadcast, length1);
}

TEST_F(ViewReaderTlm, SpecialCases) {
  auto v = [&](uint64_t base, uint64_t limit, std::vector<uint32_t> shape, std::vector<int32_t> st, int64_t off) {
    pl::ViewDesc d;
    d.base = base, d.limit = limit, d.offset = off, d.rank = static_cast<unsigned>(shape.size());
    for (size_t k = 0; k < shape.size(); ++k) d.shape[k] = shape[k], d.stride[k] = st[k];
    d.full_mask();
    return d;
  };
  fill(0x10'0000, 0x20'0000, 1);
  fill(ddr - 0x10'0000, ddr, 2);
  stream_and_check(0, v(0x10'0ffc, 4, {1}, {1}, 0), "one element just below a 4 KB boundary");
  stream_and_check(1, v(ddr - 4, 4, {1}, {1}, 0), "the last word of DDR");
  stream_and_check(2, v(0x10'0000, 64 * 48 * 4, {48, 64}, {1, 48}, 0), "a transpose (pl-v2.md's example)");
  stream_and_check(0, v(0x10'0000, 128 * 4, {64, 128}, {0, 1}, 0), "a stride-0 broadcast of a row");
  stream_and_check(1, v(0x10'0000, 1000 * 4, {1000}, {-1}, 999), "a flip");
  pl::ViewDesc empty = v(0x10'0000, 400, {10, 10}, {10, 1}, 0);
  empty.mhi[1] = 0, empty.pad = 0xDEAD'BEEF;
  const uint64_t hp = h.vr.reader(2).hp_transactions();
  stream_and_check(2, empty, "an empty valid box: all PAD");
  EXPECT_EQ(h.vr.reader(2).hp_transactions(), hp) << "no DDR access for an all-PAD view";
  pl::ViewDesc pad = v(0x10'0000, 30 * 30 * 4, {32, 32}, {30, 1}, -31);  // a padded 30x30 image
  pad.mlo[0] = pad.mlo[1] = 1, pad.mhi[0] = pad.mhi[1] = 31;
  stream_and_check(0, pad, "a padded image (masked rank 2)");
}

TEST_F(ViewReaderTlm, MaximumLength) {  // 2^24 - 1 elements: the stream's limit
  const uint64_t n = vr::kMaxElems, base = ddr - 4 * n - 4096;
  pl::ViewDesc d;
  d.base = base, d.limit = 4 * n, d.rank = 2, d.shape[0] = 4095, d.shape[1] = 4097, d.stride[0] = 4097, d.stride[1] = 1;
  d.full_mask();
  ASSERT_EQ(d.elems(), n);
  fill(d.base, d.base + d.limit, 3);
  stream_and_check(1, d, "2^24 - 1 contiguous elements");
  d.shape[1] = 4098;  // one row more than the limit
  EXPECT_EQ(pl::check(d, ddr).err, vr::kOverflow);
}

// Every code of the spec's table: STATUS.ERR, ERR_CODE, ERR_INFO as pl::check says, BUSY
// during validation only, vr_err raised, DONE not set, no HP access at all.
TEST_F(ViewReaderTlm, BadDescriptorsAreRejectedBeforeAnyRead) {
  auto good = [&] {
    pl::ViewDesc d;
    d.base = 0x20'0000, d.limit = 4 * 64, d.rank = 2, d.shape[0] = 8, d.shape[1] = 8, d.stride[0] = 8, d.stride[1] = 1;
    d.full_mask();
    return d;
  };
  struct Case { const char* what; uint32_t code, info; pl::ViewDesc d; };
  std::vector<Case> cases;
  auto add = [&](const char* what, uint32_t code, uint32_t info, auto&& edit) {
    pl::ViewDesc d = good();
    edit(d);
    cases.push_back({what, code, info, d});
  };
  add("RANK 0", vr::kBadRank, vr::kNoDim, [](pl::ViewDesc& d) { d.rank = 0; });
  add("RANK 7", vr::kBadRank, vr::kNoDim, [](pl::ViewDesc& d) { d.rank = 7; });
  add("SHAPE_1 0", vr::kZeroLength, 1, [](pl::ViewDesc& d) { d.shape[1] = 0, d.mhi[1] = 0; });
  add("BASE not a multiple of 4", vr::kMisaligned, vr::kNoDim, [](pl::ViewDesc& d) { d.base += 2; });
  add("LIMIT not a multiple of 4", vr::kMisaligned, vr::kNoDim, [](pl::ViewDesc& d) { d.limit += 1; });
  add("element past LIMIT", vr::kOutOfBounds, vr::kNoDim, [](pl::ViewDesc& d) { d.limit -= 4; });
  add("negative element", vr::kOutOfBounds, vr::kNoDim, [](pl::ViewDesc& d) { d.stride[1] = -1; });
  add("buffer beyond DDR", vr::kOutOfBounds, vr::kNoDim, [&](pl::ViewDesc& d) { d.base = ddr - 128; });
  add("more than 2^24 - 1 elements", vr::kOverflow, vr::kNoDim,
      [](pl::ViewDesc& d) { d.rank = 3, d.shape[2] = 1u << 20, d.stride[2] = 0, d.mhi[2] = d.shape[2]; });
  add("stride overflow", vr::kOverflow, vr::kNoDim, [](pl::ViewDesc& d) { d.stride[0] = 0x7FFF'FFFF; });
  add("MLO > MHI", vr::kBadMask, 0, [](pl::ViewDesc& d) { d.mlo[0] = 5, d.mhi[0] = 4; });
  add("MHI > SHAPE", vr::kBadMask, 1, [](pl::ViewDesc& d) { d.mhi[1] = 9; });
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    ASSERT_EQ(pl::check(c.d, ddr).err, c.code) << "the reference model disagrees with the case";
    ASSERT_EQ(pl::check(c.d, ddr).dim, c.info);
    for (unsigned i = 0; i < 3; ++i) {
      ViewReader& r = h.vr.reader(i);
      const uint64_t hp = r.hp_transactions(), bytes = h.p.ps7().hp_bytes(static_cast<int>(i));
      h.program(i, c.d);
      const Cycle t0 = h.now();
      h.wr(i, vr::CTRL, vr::CTRL_START);
      EXPECT_EQ(h.rd(i, vr::STATUS), vr::ST_BUSY) << "validating";
      h.run(std::min(c.d.rank, vr::kMaxRank) + 3);
      const uint32_t st = h.rd(i, vr::STATUS);
      EXPECT_EQ(st, vr::ST_ERR | c.code << 4) << "t0 " << t0 << ", STATUS 0x" << std::hex << st;
      EXPECT_EQ(vr::err_code(st), c.code) << vr::err_name(vr::err_code(st));
      EXPECT_EQ(h.rd(i, vr::ERR_INFO), c.info);
      EXPECT_TRUE(r.vr_err());
      EXPECT_FALSE(r.armed());
      EXPECT_EQ(r.hp_transactions(), hp) << "a DDR access for a bad descriptor";
      EXPECT_EQ(h.p.ps7().hp_bytes(static_cast<int>(i)), bytes);
      h.wr(i, vr::STATUS, vr::ST_ERR);  // W1C clears ERR, ERR_CODE, ERR_INFO and vr_err
      EXPECT_EQ(h.rd(i, vr::STATUS), 0u);
      EXPECT_EQ(h.rd(i, vr::ERR_INFO), 0u);
      EXPECT_FALSE(r.vr_err());
    }
  }
}

TEST_F(ViewReaderTlm, StartWhileBusyIsRefusedAndTheTransferGoesOn) {
  pl::ViewDesc d;
  d.base = 0x30'0000, d.limit = 4 * 300, d.rank = 1, d.shape[0] = 300, d.stride[0] = 1;
  d.full_mask();
  fill(d.base, d.base + d.limit, 4);
  h.c[1]->hold = true;
  h.program(1, d);
  h.wr(1, vr::CTRL, vr::CTRL_START);
  h.run(5);
  ASSERT_TRUE(h.vr.reader(1).armed());
  h.wr(1, vr::CTRL, vr::CTRL_START);
  h.run(2);
  EXPECT_EQ(h.rd(1, vr::STATUS), vr::ST_BUSY | vr::ST_ERR | vr::kBusy << 4);
  EXPECT_TRUE(h.vr.reader(1).vr_err());
  EXPECT_TRUE(h.vr.reader(1).armed()) << "the running transfer is kept";
  h.c[1]->take();
  h.run(h.c[1]->last + 2 - h.now());
  EXPECT_EQ(h.rd(1, vr::STATUS), vr::ST_DONE | vr::ST_ERR | vr::kBusy << 4);
  EXPECT_EQ(h.c[1]->got, reference(d, h.p.ps7().ddr(0)));
}

TEST_F(ViewReaderTlm, ResetRecoversAndTheNextDescriptorWorks) {
  pl::ViewDesc d;
  d.base = 0x40'0000, d.limit = 4 * 256, d.rank = 2, d.shape[0] = 16, d.shape[1] = 16, d.stride[0] = 1, d.stride[1] = 16;
  d.full_mask();
  fill(d.base, d.base + d.limit, 5);
  h.c[2]->hold = true;
  h.program(2, d);
  h.wr(2, vr::CTRL, vr::CTRL_START);
  h.run(3);
  ASSERT_TRUE(h.vr.reader(2).armed());
  pl::ViewDesc bad = d;
  bad.rank = 0;
  h.program(0, bad);
  h.wr(0, vr::CTRL, vr::CTRL_START);
  h.run(5);
  ASSERT_TRUE(h.vr.reader(0).vr_err());
  h.p.reset_pl();  // aresetn, as PlExec does after an error
  for (unsigned i = 0; i < 3; ++i) {
    EXPECT_EQ(h.rd(i, vr::STATUS), 0u);
    EXPECT_EQ(h.rd(i, vr::RANK), 0u) << "registers reset to 0";
    EXPECT_FALSE(h.vr.reader(i).armed());
    EXPECT_FALSE(h.vr.reader(i).vr_err());
  }
  h.c[2]->hold = false;
  h.run(200);
  stream_and_check(2, d, "after reset");
  stream_and_check(0, d, "after reset, the reader that failed");
}

TEST_F(ViewReaderTlm, RegisterWindowAndAddressMap) {
  uint32_t v = 0x1234;
  EXPECT_EQ(h.access(h.p, tlm::TLM_WRITE_COMMAND, vr::kWindow + vr::PAD, v), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(h.rd(0, vr::PAD), 0x1234u);
  EXPECT_EQ(h.rd(1, vr::PAD), 0u) << "readers have their own registers";
  v = 0;
  EXPECT_EQ(h.access(h.p, tlm::TLM_READ_COMMAND, vr::kWindow + 0x300, v), tlm::TLM_OK_RESPONSE) << "unmapped reads 0";
  EXPECT_EQ(v, 0u);
  EXPECT_EQ(h.access(h.p, tlm::TLM_READ_COMMAND, vr::kWindow + 2, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(h.access(h.p, tlm::TLM_READ_COMMAND, vr::kWindow, v, 8), tlm::TLM_BURST_ERROR_RESPONSE);
  // The view writer's window follows the readers' (docs/pl-v2.md step 3); past it, DECERR.
  EXPECT_EQ(vr::kWindow + vr::kWindowBytes, pl::vw::kWindow);
  EXPECT_EQ(h.access(h.p, tlm::TLM_READ_COMMAND, pl::vw::kWindow + pl::vw::STATUS, v), tlm::TLM_OK_RESPONSE);
  // The command queue's window follows the writer's (step 4); past it, DECERR.
  EXPECT_EQ(pl::vw::kWindow + pl::vw::kWindowBytes, hw::win::CQ_BASE);
  EXPECT_EQ(h.access(h.p, tlm::TLM_READ_COMMAND, hw::win::CQ_BASE + hw::cq::STATUS, v), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(h.access(h.p, tlm::TLM_READ_COMMAND, hw::win::CQ_BASE + hw::win::CQ_SIZE, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(h.access(h.v1, tlm::TLM_READ_COMMAND, hw::win::CQ_BASE, v), tlm::TLM_ADDRESS_ERROR_RESPONSE) << "v1: no queue";
  // v2: the DMAs are gone (DECERR); v1: unchanged, and no reader or writer window.
  EXPECT_EQ(h.access(h.p, tlm::TLM_READ_COMMAND, 0x4001'0004, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(h.access(h.p, tlm::TLM_READ_COMMAND, 0x4000'0034, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_FALSE(h.p.has_dma(0));
  EXPECT_FALSE(h.p.has_dma(1));
  EXPECT_EQ(h.access(h.v1, tlm::TLM_READ_COMMAND, pl::vw::kWindow, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(h.v1.writer(), nullptr);
  EXPECT_EQ(h.access(h.v1, tlm::TLM_READ_COMMAND, 0x4001'0004, v), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(v, dma_reg::SR_RESET_VALUE);
  EXPECT_EQ(h.access(h.v1, tlm::TLM_READ_COMMAND, vr::kWindow, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(h.v1.readers(), nullptr);
}

// A v2 PL built without the reader of stream C (vr_stream_c = 0): VR2's registers are unmapped
// (read 0, writes ignored, as in the RTL top with StreamC = 0), VR0 and VR1 are there, and VEC
// CFG0.STREAM_C says so.
TEST_F(ViewReaderTlm, WithoutStreamCTheThirdReadersWindowIsUnmapped) {
  const uint64_t vr2 = vr::kWindow + 2 * vr::kReaderStride, vr1 = vr::kWindow + vr::kReaderStride;
  uint32_t v = 0x1234;
  EXPECT_EQ(h.access(h.noc, tlm::TLM_WRITE_COMMAND, vr2 + vr::PAD, v), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(h.access(h.noc, tlm::TLM_READ_COMMAND, vr2 + vr::PAD, v), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(v, 0u) << "VR2 is not built";
  v = 0x5678;
  EXPECT_EQ(h.access(h.noc, tlm::TLM_WRITE_COMMAND, vr1 + vr::PAD, v), tlm::TLM_OK_RESPONSE);
  v = 0;
  EXPECT_EQ(h.access(h.noc, tlm::TLM_READ_COMMAND, vr1 + vr::PAD, v), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(v, 0x5678u);
  const uint64_t cfg0 = hw::win::VEC_BASE + hw::unit::CFG0;
  EXPECT_EQ(h.access(h.noc, tlm::TLM_READ_COMMAND, cfg0, v), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(hw::vec::CFG0_STREAM_C.get(v), 0u);
  EXPECT_EQ(h.access(h.p, tlm::TLM_READ_COMMAND, cfg0, v), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(hw::vec::CFG0_STREAM_C.get(v), 1u);
  EXPECT_EQ(h.noc.readers()->describe().find("vr2"), std::string::npos) << h.noc.readers()->describe();
}

// docs/pl-v2.md "Bad descriptors": vr_err ends the unit's command with ERR_CODE STREAM and one
// TLAST beat on R, whether the reader fails before the unit's START or while the unit waits.
TEST_F(ViewReaderTlm, VrErrEndsTheUnitsCommandWithStreamError) {
  for (auto& c : h.c) c->hold = true;  // the vector unit consumes the streams here
  auto w = [&](uint64_t a, uint32_t v) { ASSERT_EQ(h.access(h.p, tlm::TLM_WRITE_COMMAND, a, v), tlm::TLM_OK_RESPONSE); };
  auto r = [&](uint64_t a) { uint32_t v = 0; EXPECT_EQ(h.access(h.p, tlm::TLM_READ_COMMAND, a, v), tlm::TLM_OK_RESPONSE); return v; };
  pl::ViewDesc a;
  a.base = 0x50'0000, a.limit = 4 * 64, a.rank = 1, a.shape[0] = 64, a.stride[0] = 1;
  a.full_mask();
  pl::ViewDesc bad = a;
  bad.limit = 4 * 63;  // OUT_OF_BOUNDS
  const uint64_t vec = hw::win::VEC_BASE;
  const uint32_t kStream = static_cast<uint32_t>(hw::ErrCode::STREAM);
  for (bool reader_first : {true, false}) {
    SCOPED_TRACE(reader_first ? "the reader fails before the unit's START" : "the reader fails while the unit waits");
    h.p.reset_pl();
    h.run(10);
    h.program_writer(0x60'0000, 64);
    w(vec + hw::unit::OP, static_cast<uint32_t>(hw::VecOp::ADD));
    w(vec + hw::unit::SIZE0, 64);
    h.program(0, a);
    h.wr(0, vr::CTRL, vr::CTRL_START);
    if (reader_first) h.program(1, bad), h.wr(1, vr::CTRL, vr::CTRL_START), h.run(10);
    w(vec + hw::unit::CTRL, hw::unit::CTRL_START.mask);
    h.run(20);
    if (!reader_first) {
      EXPECT_EQ(r(vec + hw::unit::STATUS), hw::unit::STATUS_BUSY.mask) << "waiting for stream B";
      h.program(1, bad), h.wr(1, vr::CTRL, vr::CTRL_START);
    }
    h.run(40);
    EXPECT_EQ(r(vec + hw::unit::STATUS),
              hw::unit::STATUS_DONE.mask | hw::unit::STATUS_ERR.mask | hw::unit::STATUS_ERR_CODE.put(kStream));
    EXPECT_EQ(vr::err_code(h.rd(1, vr::STATUS)), vr::kOutOfBounds);
    const uint32_t vws = r(pl::vw::kWindow + pl::vw::STATUS);
    EXPECT_TRUE(vws & pl::vw::ST_ERR) << "VW took the one TLAST beat";
    EXPECT_EQ(pl::vw::err_code(vws), pl::vw::kLength) << "one beat, not 32";
    EXPECT_EQ(h.p.writer()->times().elems, 2u);
    EXPECT_TRUE(h.vr.reader(0).armed()) << "nothing taken from stream A";
  }
  h.p.reset_pl();  // as PlExec after an error; the next test starts clean
}

// docs/pl-v2.md "Line buffer and timing": a unit fed by view readers takes input beat i no
// earlier than the reader's valid_at[i] (the per-beat table of pl::BeatSchedule), not the
// closed-form lower bound. Stream A is a transpose whose inner stride is one line per element
// over 128 lines (> the 64-line buffer): every element misses, the beats come irregularly and
// slowly. The unit's CYCLES must equal an independent computation over valid_at (a reference
// loop: beat i taken at max(previous take + II, valid_at of every stream), output P cycles
// later, and the cycle-stepped pl::PipelineModel), and exceed what the lower bound predicts.
TEST_F(ViewReaderTlm, UnitFedByReadersTakesBeatsAtTheirValidCycles) {
  for (auto& c : h.c) c->hold = true;  // the units consume the streams here
  auto w = [&](uint64_t a, uint32_t v) { ASSERT_EQ(h.access(h.p, tlm::TLM_WRITE_COMMAND, a, v), tlm::TLM_OK_RESPONSE); };
  auto r = [&](uint64_t a) { uint32_t v = 0; EXPECT_EQ(h.access(h.p, tlm::TLM_READ_COMMAND, a, v), tlm::TLM_OK_RESPONSE); return v; };
  const uint32_t kRows = 32, kCols = 128, n = kRows * kCols;
  pl::ViewDesc at;  // the transpose of a 128 x 32 row-major matrix: [32, 128], strides [1, 32]
  at.base = 0x50'0000, at.limit = 4 * n, at.rank = 2;
  at.shape[0] = kRows, at.shape[1] = kCols, at.stride[0] = 1, at.stride[1] = kRows;
  at.full_mask();
  pl::ViewDesc b;  // contiguous: streams fast
  b.base = 0x58'0000, b.limit = 4 * n, b.rank = 1, b.shape[0] = n, b.stride[0] = 1;
  b.full_mask();
  fill(at.base, at.base + at.limit, 7), fill(b.base, b.base + b.limit, 8);
  struct Case { const char* what; uint64_t unit; unsigned streams; unsigned ii, p; std::vector<int64_t> tokens; };
  const pl::VecOpInfo* add = pl::vec_op_info(static_cast<uint32_t>(hw::VecOp::ADD));
  ASSERT_NE(add, nullptr);
  std::vector<int64_t> vec_tokens((n + 1) / 2);
  for (size_t i = 0; i < vec_tokens.size(); ++i) vec_tokens[i] = static_cast<int64_t>(i);
  const Case cases[] = {
      {"vector ADD, A transposed, B contiguous", hw::win::VEC_BASE, 2, add->ii, add->latency, vec_tokens},
      {"reduce SUM 32 rows x 128, A transposed", hw::win::RED_BASE, 1, 1, pl::kReduceLatency, pl::reduce_tokens(kRows, kCols)},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.what);
    h.p.reset_pl();
    h.run(200);
    const bool vec = k.unit == hw::win::VEC_BASE;
    const uint32_t out_words = vec ? n : kRows;
    h.program_writer(0x60'0000, out_words);
    if (vec) {
      w(k.unit + hw::unit::OP, static_cast<uint32_t>(hw::VecOp::ADD));
      w(k.unit + hw::unit::SIZE0, n);
    } else {
      w(k.unit + hw::unit::OP, 0);  // SUM
      w(k.unit + hw::unit::SIZE0, kRows);
      w(k.unit + hw::unit::SIZE1, kCols);
    }
    h.program(0, at), h.wr(0, vr::CTRL, vr::CTRL_START);
    if (vec) h.program(1, b), h.wr(1, vr::CTRL, vr::CTRL_START);
    const Cycle t0 = h.now();
    w(k.unit + hw::unit::CTRL, hw::unit::CTRL_START.mask);
    const std::vector<uint64_t> va = h.vr.reader(0).last_plan().beat_valid;
    const std::vector<uint64_t> vb = vec ? h.vr.reader(1).last_plan().beat_valid : std::vector<uint64_t>{};
    ASSERT_EQ(va.size(), k.tokens.size());
    ASSERT_GT(h.vr.reader(0).last_plan().fills.size(), n / 2) << "the transpose misses on (almost) every element";
    // The reference loop over valid_at: the output side never stalls here (input beats are many
    // cycles apart), so the last output handshakes P cycles after its input beat.
    auto reference = [&](bool lower_bound) {
      uint64_t take = t0;
      for (size_t i = 0; i < va.size(); ++i) {
        uint64_t v = lower_bound ? va.front() + i : va[i];
        if (vec) v = std::max<uint64_t>(v, lower_bound ? vb.front() + i : vb[i]);
        take = std::max<uint64_t>(i ? take + k.ii : t0 + 1, v);
      }
      return take + k.p - t0;
    };
    const uint64_t want = reference(false), lower = reference(true);
    // The same from the per-cycle pipeline of hw-spec §8.2 (pl_timing.h), R always ready.
    pl::PipelineModel m(k.p, k.ii, k.tokens, k.streams);
    std::vector<std::vector<uint64_t>> arrival(k.streams);
    for (size_t i = 0; i < va.size(); ++i) {
      arrival[0].push_back(va[i] - t0);
      if (vec) arrival[1].push_back(vb[i] - t0);
    }
    EXPECT_EQ(pl::run_pipeline(m, arrival, [](uint64_t) { return true; }), want);
    h.run(va.back() + k.p + 200 - h.now());
    ASSERT_EQ(r(k.unit + hw::unit::STATUS), hw::unit::STATUS_DONE.mask);
    const uint64_t cycles = r(k.unit + hw::unit::CYCLES_LO) | (uint64_t{r(k.unit + hw::unit::CYCLES_HI)} << 32);
    EXPECT_EQ(cycles, want) << "the unit's CYCLES from the readers' valid_at";
    EXPECT_GT(cycles, lower + 1000) << "the lower bound alone would finish much earlier (" << lower << ")";
    EXPECT_TRUE(r(pl::vw::kWindow + pl::vw::STATUS) & pl::vw::ST_DONE);
    EXPECT_FALSE(h.vr.reader(0).armed()) << "stream A taken";
  }
  h.p.reset_pl();
}

TEST(AxiFillChecker, FlagsEveryRule) {
  AxiFillChecker c;
  const uint64_t base = 0x1000, limit = 0x2000, ddr = 1 << 20;
  auto fill = [](uint64_t a, uint32_t n) { pl::Fill f; f.addr = a, f.beats = n; return f; };
  EXPECT_FALSE(c.check(fill(0x1000, 16), base, limit, ddr));
  EXPECT_FALSE(c.check(fill(0x2f80, 16), base, limit, ddr));
  EXPECT_TRUE(c.check(fill(0x1004, 4), base, limit, ddr));   // misaligned
  EXPECT_TRUE(c.check(fill(0x1000, 17), base, limit, ddr));  // too long
  EXPECT_TRUE(c.check(fill(0x1000, 0), base, limit, ddr));   // empty
  EXPECT_TRUE(c.check(fill(0x1fc0, 16), base, limit, ddr));  // crosses 0x2000
  EXPECT_TRUE(c.check(fill(0x0ff8, 1), base, limit, ddr));   // before BASE
  EXPECT_TRUE(c.check(fill(0x3000, 1), base, limit, ddr));   // past BASE + LIMIT
  EXPECT_FALSE(c.check(fill(0x1000, 1), 0x1004, 4, ddr)) << "the beat holding a 4-aligned BASE";
  EXPECT_TRUE(c.check(fill(ddr - 8, 2), ddr - 8, 16, ddr));  // past DDR
  EXPECT_EQ(c.checked(), 10u);
  EXPECT_EQ(c.violations(), 7u);
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
