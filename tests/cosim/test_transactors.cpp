// The pin-level transactors of cosim/ (axis.h, axi_lite.h) on a hand-driven "design": plain
// variables stand in for a Verilated model's ports, so each protocol rule can be broken on
// purpose. The source presents beats on its schedule and holds them until TREADY; the sink
// follows its ready schedule, collects TKEEP-trimmed bytes up to TLAST, and reports a design
// that drops TVALID or changes TDATA before the handshake; the AXI-Lite master reports a slave
// that splits AW and W or answers late. Plain C++: runs in every build.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "cosim/axi_lite.h"
#include "cosim/axis.h"

using namespace tinypynq;
using namespace tinypynq::cosim;
using ::testing::HasSubstr;

namespace {

struct Port {  // one AXI-Stream port's wires
  uint8_t tvalid = 0, tkeep = 0, tlast = 0, tready = 0;
  uint64_t tdata = 0;
  AxisPins pins() { return {&tvalid, &tdata, &tkeep, &tlast, &tready}; }
};

struct Lite {  // an AXI-Lite port's wires
  uint32_t awaddr = 0, wdata = 0, araddr = 0, rdata = 0;
  uint8_t awvalid = 0, awready = 0, wstrb = 0, wvalid = 0, wready = 0, bresp = 0, bvalid = 0, bready = 0;
  uint8_t arvalid = 0, arready = 0, rresp = 0, rvalid = 0, rready = 0;
  AxiLitePins pins() {
    AxiLitePins p;
    p.awaddr = &awaddr, p.awvalid = &awvalid, p.awready = &awready, p.wdata = &wdata, p.wstrb = &wstrb;
    p.wvalid = &wvalid, p.wready = &wready, p.bresp = &bresp, p.bvalid = &bvalid, p.bready = &bready;
    p.araddr = &araddr, p.arvalid = &arvalid, p.arready = &arready, p.rdata = &rdata, p.rresp = &rresp;
    p.rvalid = &rvalid, p.rready = &rready;
    return p;
  }
};

}  // namespace

TEST(AxisSource, PresentsBeatsOnScheduleAndHoldsThemUntilReady) {
  Port p;
  PinAxisSource src(p.pins(), "A");
  std::vector<uint8_t> bytes(20);
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(i + 1);
  const pl::BeatSchedule sched{.start = 2, .num = 1, .den = 1};  // beat i from cycle 2 + i
  src.load(bytes.data(), bytes.size(), &sched);
  EXPECT_EQ(src.beats(), 3u);
  // The design is ready only in cycles 3 and 6..
  std::vector<uint64_t> handshake_cycles;
  for (Cycle t = 0; t < 12 && src.active(); ++t) {
    src.drive(t);
    if (t < 2) {
      EXPECT_EQ(p.tvalid, 0) << t;
    }
    p.tready = (t == 3 || t >= 6);
    if (p.tvalid) {
      const uint64_t i = src.sent();
      uint64_t want = 0;
      std::memcpy(&want, bytes.data() + 8 * i, std::min<size_t>(8, bytes.size() - 8 * i));
      EXPECT_EQ(p.tdata, want) << "beat " << i;
      EXPECT_EQ(p.tkeep, i == 2 ? 0x0F : 0xFF) << "TKEEP trims the last beat";
      EXPECT_EQ(p.tlast, i == 2);
    }
    if (src.sample()) handshake_cycles.push_back(t);
  }
  EXPECT_EQ(handshake_cycles, (std::vector<uint64_t>{3, 6, 7}));
  EXPECT_TRUE(src.finished());
  src.drive(8);
  EXPECT_EQ(p.tvalid, 0) << "no packet: TVALID low";
}

TEST(AxisSource, ExplicitArrivalsAndAFlippedTlast) {
  Port p;
  PinAxisSource src(p.pins(), "A");
  std::vector<uint32_t> words(6, 7);
  const std::vector<uint64_t> arrival{0, 5, 5};
  src.load_at(reinterpret_cast<const uint8_t*>(words.data()), 24, &arrival, /*flip_tlast=*/0);
  p.tready = 1;
  std::vector<std::pair<Cycle, bool>> beats;  // cycle, TLAST
  for (Cycle t = 0; t < 10; ++t) {
    src.drive(t);
    const bool last = p.tlast;
    if (src.sample()) beats.emplace_back(t, last);
  }
  EXPECT_EQ(beats, (std::vector<std::pair<Cycle, bool>>{{0, true}, {5, false}, {6, true}}));
}

TEST(AxisSink, FollowsItsReadyScheduleAndCollectsTheBytes) {
  Port p;
  PinAxisSink sink(p.pins(), "R");
  const pl::BeatSchedule ready{.start = 1, .num = 2, .den = 1};  // beat j can go from cycle 1 + 2j
  sink.arm(&ready);
  // The design offers beat 0 (8 bytes) from cycle 0 and beat 1 (4 bytes, TLAST) right after.
  const uint64_t beat[2] = {0x0807060504030201ull, 0x0C0B0A09ull};
  unsigned next = 0;
  std::vector<Cycle> at;
  PinAxisSink::Event last = PinAxisSink::kNone;
  for (Cycle t = 0; t < 10 && next < 2; ++t) {
    sink.drive(t);
    p.tvalid = 1, p.tdata = beat[next], p.tkeep = next ? 0x0F : 0xFF, p.tlast = next == 1;
    last = sink.sample(t);
    if (last != PinAxisSink::kNone) at.push_back(t), ++next;
  }
  EXPECT_EQ(at, (std::vector<Cycle>{1, 3}));
  EXPECT_EQ(last, PinAxisSink::kLast);
  EXPECT_EQ(sink.bytes(), (std::vector<uint8_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
  EXPECT_FALSE(sink.armed()) << "TLAST ends the packet";
  EXPECT_TRUE(sink.violation().empty()) << sink.violation();
}

TEST(AxisSink, ReportsTvalidDroppedWithoutTready) {
  Port p;
  PinAxisSink sink(p.pins(), "R (DMA0 S2MM)");
  sink.arm([](Cycle t, uint64_t) { return t >= 5; });  // stalls until cycle 5
  for (Cycle t = 0; t < 4; ++t) {
    sink.drive(t);
    p.tvalid = t >= 1 && t <= 2;  // offered in cycles 1 and 2, withdrawn in 3: illegal
    p.tdata = 42, p.tkeep = 0xFF, p.tlast = 1;
    EXPECT_EQ(sink.sample(t), PinAxisSink::kNone);
    EXPECT_EQ(sink.new_violation(), t == 3) << t;
  }
  EXPECT_THAT(sink.violation(), HasSubstr("AXI-Stream protocol violation on R (DMA0 S2MM) in cycle 3: TVALID dropped "
                                          "before the handshake (TVALID high without TREADY since cycle 1)"));
  EXPECT_FALSE(sink.new_violation()) << "reported once";
}

TEST(AxisSink, ReportsDataChangedBeforeTheHandshakeButNotALegalStall) {
  Port p;
  PinAxisSink sink(p.pins(), "R");
  sink.arm([](Cycle t, uint64_t) { return t >= 3; });
  for (Cycle t = 0; t < 4; ++t) {  // legal: held from cycle 0 until the handshake in cycle 3
    sink.drive(t);
    p.tvalid = 1, p.tdata = 7, p.tkeep = 0xFF, p.tlast = 0;
    sink.sample(t);
  }
  EXPECT_TRUE(sink.violation().empty()) << sink.violation();
  EXPECT_EQ(sink.accepted(), 1u);
  sink.arm([](Cycle t, uint64_t) { return t >= 9; });
  for (Cycle t = 4; t < 7; ++t) {
    sink.drive(t);
    p.tvalid = 1, p.tdata = t == 6 ? 8 : 7;  // changes in cycle 6 while TREADY is low
    sink.sample(t);
  }
  EXPECT_THAT(sink.violation(), HasSubstr("in cycle 6: TDATA changed before the handshake"));
}

TEST(AxiLiteMaster, WriteAndReadWithTheResponseInTheNextCycle) {
  Lite l;
  AxiLiteMaster m(l.pins());
  m.idle();
  EXPECT_EQ(l.bready, 1);
  EXPECT_EQ(l.rready, 1);
  m.begin_write(0x10040, 0xABCD);
  EXPECT_EQ(l.awvalid, 1);
  EXPECT_EQ(l.wvalid, 1);
  EXPECT_EQ(l.awaddr, 0x10040u);
  EXPECT_EQ(l.wdata, 0xABCDu);
  EXPECT_EQ(l.wstrb, 0xF);
  EXPECT_FALSE(m.handshake());
  l.awready = l.wready = 1;
  EXPECT_TRUE(m.handshake());
  m.end();
  EXPECT_EQ(l.awvalid, 0);
  l.bvalid = 1, l.bresp = 2;  // SLVERR
  const AxiLiteMaster::Response w = m.response();
  EXPECT_TRUE(w.valid);
  EXPECT_EQ(w.resp, 2u);
  EXPECT_TRUE(m.error().empty()) << m.error();
  m.begin_read(0x14);
  l.arready = 1;
  EXPECT_TRUE(m.handshake());
  m.end();
  l.rvalid = 1, l.rdata = 0x5450594E, l.rresp = 0;
  const AxiLiteMaster::Response r = m.response();
  EXPECT_EQ(r.data, 0x5450594Eu);
}

TEST(AxiLiteMaster, ReportsASplitWriteHandshakeAndALateResponse) {
  Lite l;
  AxiLiteMaster m(l.pins());
  m.idle();
  m.begin_write(0x20000, 1);
  l.awready = 1, l.wready = 0;
  EXPECT_FALSE(m.handshake());
  EXPECT_THAT(m.error(), HasSubstr("AXI-Lite write to 0x20000: the slave raised AWREADY without WREADY"));
  m.begin_read(0x8);
  EXPECT_TRUE(m.error().empty()) << "a new access starts clean";
  l.arready = 1;
  EXPECT_TRUE(m.handshake());
  m.end();
  l.rvalid = 0;
  EXPECT_FALSE(m.response().valid);
  EXPECT_THAT(m.error(), HasSubstr("AXI-Lite read of 0x8: no RVALID in the cycle after the handshake"));
}
