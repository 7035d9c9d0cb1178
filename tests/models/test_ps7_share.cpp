// The HP ports' DDR share (models/tlm/ps7.cpp): a transfer's rate is the port's, or the DDR's
// sustained bandwidth shared equally with the transfers in flight in its first cycle (begun by
// then, not yet ended), whenever and in whatever order the question is asked. A question with
// HpStreamExt::reserve = false is answered but not counted. The rtl target relies on this: the
// RTL writer's bridge asks live in the cycle of its first AW, its TLM twin asks later.
#include <gtest/gtest.h>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <algorithm>
#include <cmath>

#include "base/board_config.h"
#include "models/tlm/hp_ext.h"
#include "models/tlm/ps7.h"

namespace {

using namespace tinypynq;
using namespace tinypynq::vp;

struct Asker : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Asker> socket{"socket"};
  explicit Asker(sc_core::sc_module_name n) : sc_module(n) {}
  // The port's cycles per beat (x1000) for a transfer of `beats` beats from cycle `start`.
  HpStreamExt ask(uint64_t start, uint64_t beats, bool reserve, bool write = false) {
    HpStreamExt ext;
    ext.write = write, ext.start = start, ext.beats = beats, ext.beat_bytes = 8, ext.reserve = reserve;
    tlm::tlm_generic_payload gp;
    gp.set_command(tlm::TLM_IGNORE_COMMAND);
    gp.set_address(0x10'0000);
    gp.set_data_length(static_cast<unsigned>(8 * beats));
    gp.set_extension(&ext);
    sc_core::sc_time d = sc_core::SC_ZERO_TIME;
    socket->b_transport(gp, d);
    gp.clear_extension(&ext);
    EXPECT_EQ(gp.get_response_status(), tlm::TLM_OK_RESPONSE);
    return ext;
  }
};

struct NoGp0 : sc_core::sc_module {  // the PS's GP0 master must be bound; nothing is asked of it
  tlm_utils::simple_target_socket<NoGp0> socket{"socket"};
  explicit NoGp0(sc_core::sc_module_name n) : sc_module(n) { socket.register_b_transport(this, &NoGp0::b); }
  void b(tlm::tlm_generic_payload& gp, sc_core::sc_time&) { gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE); }
};

struct Bench {
  BoardConfig cfg = BoardConfig::defaults();
  Ps7 ps{"ps", cfg};
  Asker a{"asker"};
  NoGp0 gp0{"gp0"};
  Bench() {
    a.socket.bind(ps.hp[0]->s_axi);
    ps.m_axi_gp0.bind(gp0.socket);
    sc_core::sc_start(sc_core::SC_ZERO_TIME);  // elaboration completes the bindings
  }
  // The rate with k other transfers in flight, from the board's figures (ps7.cpp's rule).
  uint32_t num_with(unsigned k) const {
    const double port = cfg.hp_data_bytes * cfg.hp_clock_hz / cfg.pl_clock_hz;
    const double ddr = cfg.ddr_peak_bytes_per_s * cfg.ddr_efficiency / cfg.pl_clock_hz;
    return static_cast<uint32_t>(std::ceil(std::max(1.0, 8.0 / std::min(port, ddr / (k + 1))) * 1000.0));
  }
};

Bench& bench() {
  static Bench* b = new Bench;  // never destroyed: SystemC objects outlive the tests
  return *b;
}

// (The two tests share the port's record of transfers: the second asks before cycle 500, where
// the first one's transfers have not begun.)
TEST(Ps7Share, TransfersInFlightInTheFirstCycleShareTheDdrWhateverTheOrderOfQuestions) {
  Bench& b = bench();
  ASSERT_LT(b.num_with(0), b.num_with(1)) << "two transfers must be DDR-bound on this board for the test to mean anything";
  ASSERT_LT(b.num_with(1), b.num_with(2));
  // A: from cycle 1000, alone.
  const HpStreamExt a = b.a.ask(1000, 4000, true);
  EXPECT_EQ(a.sched.num, b.num_with(0));
  EXPECT_EQ(a.sched.den, 1000u);
  const uint64_t a_end = a.sched.at(4000 - 1);
  // A question inside A, not reserved: A is in flight there; asked twice, the same answer.
  EXPECT_EQ(b.a.ask(2000, 100, false).sched.num, b.num_with(1));
  EXPECT_EQ(b.a.ask(2000, 100, false).sched.num, b.num_with(1)) << "an unreserved question is not counted";
  // B reserved after A but beginning before it: in B's first cycle A has not begun.
  const HpStreamExt bb = b.a.ask(500, 100'000, true);
  EXPECT_EQ(bb.sched.num, b.num_with(0)) << "A begins later: not in flight in B's first cycle";
  // Now a transfer from 2000 sees both; one from 700 only B; one from A's end only B (A ended).
  EXPECT_EQ(b.a.ask(2000, 10, false).sched.num, b.num_with(2));
  EXPECT_EQ(b.a.ask(700, 10, false).sched.num, b.num_with(1));
  EXPECT_EQ(b.a.ask(a_end, 10, false).sched.num, b.num_with(1)) << "a transfer is in flight until its last beat";
  EXPECT_EQ(b.a.ask(a_end - 1, 10, false).sched.num, b.num_with(2));
  // Before either began: alone.
  EXPECT_EQ(b.a.ask(10, 10, false).sched.num, b.num_with(0));
}

TEST(Ps7Share, AWriteIsAnsweredWithItsResponseLatencyWhateverItsLength) {
  Bench& b = bench();
  const HpStreamExt one = b.a.ask(100, 1, false, true), many = b.a.ask(100, 500, false, true);
  EXPECT_EQ(one.sched.num, many.sched.num) << "the rate does not depend on the asker's length";
  EXPECT_EQ(one.done - one.sched.at(0), many.done - many.sched.at(499)) << "last W beat -> B: one latency";
  EXPECT_EQ(one.done - one.sched.at(0),
            static_cast<uint64_t>(std::ceil(b.cfg.ddr_write_latency_ns * 1e-9 * b.cfg.pl_clock_hz)));
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
