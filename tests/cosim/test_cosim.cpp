// Co-simulation (cosim/): the Verilated units against their TLM twins on seeded random command
// streams, and the checker itself: it must name the first difference, and a hung unit must be
// caught by the watchdog instead of hanging the test.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cosim/cosim.h"
#include "models/fp/pl_float.h"

using namespace tinypynq;
using ::testing::HasSubstr;

namespace {
cosim::Session& session() {
  static cosim::Session s;
  return s;
}
}  // namespace

TEST(Cosim, RandomCommandsAreBitAndCycleExact) {
  for (cosim::Unit u : {cosim::Unit::kVector, cosim::Unit::kReduce, cosim::Unit::kMatmul}) {
    cosim::CommandGen gen(42 + static_cast<int>(u));
    for (int i = 0; i < 150; ++i) {
      const cosim::Command c = gen.next(u);
      const cosim::Outcome tlm = session().run_tlm(c), rtl = session().run_rtl(c);
      auto m = cosim::compare(c, tlm, rtl);
      ASSERT_FALSE(m) << m->str();
    }
  }
}

TEST(Cosim, CheckerNamesTheFirstDifference) {
  cosim::CommandGen gen(7);
  cosim::Command c = gen.next(cosim::Unit::kReduce);
  cosim::Outcome tlm = session().run_tlm(c), rtl = session().run_rtl(c);
  ASSERT_FALSE(cosim::compare(c, tlm, rtl));
  rtl.out.back() ^= 1u;  // one ULP in the last element
  auto m = cosim::compare(c, tlm, rtl);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->index, static_cast<int64_t>(rtl.out.size()) - 1);
  EXPECT_EQ(m->rtl_bits ^ m->tlm_bits, 1u);
  EXPECT_THAT(m->str(), HasSubstr("reduce unit"));
  EXPECT_THAT(m->str(), HasSubstr("element"));
  rtl.out.back() ^= 1u;
  rtl.cycles += 1;
  m = cosim::compare(c, tlm, rtl);
  ASSERT_TRUE(m);
  EXPECT_THAT(m->str(), HasSubstr("CYCLES differ"));
}

TEST(Cosim, HungUnitIsCaughtByTheWatchdog) {
  // A vector ADD of 10 elements whose stream A carries only 2 beats: the unit waits for the
  // third beat forever, as it would on the board with a too-short MM2S transfer.
  cosim::Command c;
  c.unit = cosim::Unit::kVector;
  c.op = 0x01;  // ADD
  c.size[0] = 10;
  c.in[0].assign(4, pl::bits(1.0f));
  c.in[1].assign(10, pl::bits(2.0f));
  const cosim::Outcome rtl = session().run_rtl(c);
  EXPECT_TRUE(rtl.hung);
  EXPECT_THAT(rtl.hang_reason, HasSubstr("stream A 2/2"));
  cosim::Outcome expected;
  expected.out.assign(10, pl::bits(3.0f));
  auto m = cosim::compare(c, expected, rtl);
  ASSERT_TRUE(m);
  EXPECT_THAT(m->str(), HasSubstr("did not finish"));
  // The watchdog resets the unit: the next command runs normally.
  c.in[0].assign(10, pl::bits(1.0f));
  const cosim::Outcome again = session().run_rtl(c);
  ASSERT_FALSE(again.hung) << again.hang_reason;
  EXPECT_EQ(again.out, expected.out);
}

TEST(Cosim, ProtocolViolationOfTheUnitIsAMismatch) {
  cosim::CommandGen gen(9);
  const cosim::Command c = gen.next(cosim::Unit::kVector);
  const cosim::Outcome tlm = session().run_tlm(c);
  cosim::Outcome rtl = session().run_rtl(c);
  ASSERT_FALSE(cosim::compare(c, tlm, rtl));
  EXPECT_TRUE(rtl.protocol_error.empty()) << rtl.protocol_error;
  // What the R sink transactor reports for a unit that withdraws a beat (tests/cosim/test_transactors).
  rtl.protocol_error = "AXI-Stream protocol violation on R in cycle 12: TVALID dropped before the handshake";
  auto m = cosim::compare(c, tlm, rtl);
  ASSERT_TRUE(m);
  EXPECT_THAT(m->str(), HasSubstr("vector unit"));
  EXPECT_THAT(m->str(), HasSubstr("TVALID dropped before the handshake"));
}
