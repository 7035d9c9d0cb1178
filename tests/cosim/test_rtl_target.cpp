// The rtl target (cosim/rtl_pl.h): programs run on the Verilated PL in the SystemC platform, every
// command checked in lockstep against the TLM unit models. Here: tensors on rtl equal tlm bit for
// bit and every command was checked; the checker reports a difference in bits or in cycles with
// unit, command, element, values and cycle counts (shown by platforms whose TLM expectation is
// deliberately altered); the watchdog names a design that stops handshaking; a board
// configuration the Verilated design was not built for is refused, naming the registers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "cosim/rtl_pl.h"
#include "hw/tp_contract.h"
#include "models/tlm/pl_top.h"
#include "models/tlm/platform.h"
#include "runtime/rtl/rtl_target.h"
#include "runtime/tlm/tlm_driver.h"
#include "tensor/device.h"
#include "runtime/pynq/pynq_device.h"
#include "tensor/tensor.h"
#include "tests/support/error_of.h"

using namespace tinypynq;
using ::testing::HasSubstr;

namespace {

bool have_training_model(const BoardConfig& c) {
  try {
    cosim::RtlPl::check_config(c);
    return true;
  } catch (const std::invalid_argument&) {
    return false;
  }
}

// Every platform is declared before the first is built (SystemC elaborates once).
void declare(const std::string& kind, cosim::RtlPlOptions o) {
  tinypynq::vp::register_platform_target(kind, BoardConfig::defaults(), [o](const char* name, const BoardConfig& c) {
    return std::unique_ptr<tinypynq::vp::PlBlock>(new cosim::RtlPl(name, c, o));
  });
}

const bool declared = [] {
  tinypynq::vp::register_tlm_target(BoardConfig::defaults());
  cosim::register_rtl_target(BoardConfig::defaults());
  cosim::RtlPlOptions bits;  // the TLM side expects a different bit in element 3 of vector results
  bits.tamper = [](unsigned unit, std::vector<uint8_t>& out, pl::CmdTiming&) {
    if (unit == 0 && out.size() >= 16) out[12] ^= 1;
  };
  declare("rtl_bits", bits);
  cosim::RtlPlOptions cycles;  // ... one cycle more for every command
  cycles.tamper = [](unsigned, std::vector<uint8_t>&, pl::CmdTiming& t) { ++t.t_done, ++t.cycles; };
  declare("rtl_cycles", cycles);
  cosim::RtlPlOptions wd;  // a watchdog too short for any real command
  wd.watchdog_cycles = 3;
  declare("rtl_watchdog", wd);
  // pl_version 2 with the RTL writer (--rtl-writer): the TLM writer's expectation altered
  BoardConfig v2 = BoardConfig::defaults();
  v2.pl_version = 2;
  auto declare_v2 = [&](const std::string& kind, cosim::RtlPlOptions o) {
    o.rtl_writer = true;
    tinypynq::vp::register_platform_target(kind, v2, [o](const char* name, const BoardConfig& c) {
      return std::unique_ptr<tinypynq::vp::PlBlock>(new cosim::RtlPl(name, c, o));
    });
  };
  declare_v2("rtl_vw", {});
  // pl_version 2 on tlm and on rtl with R to the TLM writer (the default mode)
  tinypynq::vp::register_platform_target("tlm_v2", v2, tinypynq::vp::make_tlm_pl);
  tinypynq::vp::register_platform_target("rtl_v2", v2, [](const char* name, const BoardConfig& c) {
    return std::unique_ptr<tinypynq::vp::PlBlock>(new cosim::RtlPl(name, c));
  });
  cosim::RtlPlOptions burst;  // the first burst's B one cycle later
  burst.tamper_writer = [](std::vector<pl::Burst>& b, std::vector<uint8_t>&) {
    if (!b.empty()) ++b[0].bresp;
  };
  declare_v2("rtl_vw_burst", burst);
  cosim::RtlPlOptions word;  // word 2 of the buffer different
  word.tamper_writer = [](std::vector<pl::Burst>&, std::vector<uint8_t>& image) {
    if (image.size() >= 12) image[8] ^= 1;
  };
  declare_v2("rtl_vw_word", word);
  // the board's v2 PL: the writer and the command queue in RTL (--rtl-queue)
  auto declare_cq = [&](const std::string& kind, cosim::RtlPlOptions o) {
    o.rtl_queue = true;
    tinypynq::vp::register_platform_target(kind, v2, [o](const char* name, const BoardConfig& c) {
      return std::unique_ptr<tinypynq::vp::PlBlock>(new cosim::RtlPl(name, c, o));
    });
  };
  declare_cq("rtl_cq", {});
  cosim::RtlPlOptions seq;  // the TLM sequencer expected to write SIZE0 of the vector unit one higher
  seq.tamper_queue = [](cosim::CqTwinAccess& a) {
    if (a.write && a.addr == hw::win::VEC_BASE + hw::unit::SIZE0) ++a.data;
  };
  declare_cq("rtl_cq_seq", seq);
  // the v2 training PL (base/pynq_z2_v2_training.json): its own Verilated model
  BoardConfig train = v2;
  train.vec_sfu_mod = train.vec_sfu_exp2 = train.vec_sfu_log2 = train.vec_sfu_sin = 0;
  train.vr_stream_c = 0, train.reduce_unit = 0;
  // (not in the sanitizer build, which has no model of it: the platforms are built together)
  if (have_training_model(train))
    tinypynq::vp::register_platform_target("rtl_train", train, [](const char* name, const BoardConfig& c) {
      return std::unique_ptr<tinypynq::vp::PlBlock>(new cosim::RtlPl(name, c));
    });
  return true;
}();

std::vector<uint32_t> bits_of(const Tensor& t) {
  std::vector<float> v = t.to_vector<float>();
  std::vector<uint32_t> b(v.size());
  std::memcpy(b.data(), v.data(), 4 * v.size());
  return b;
}

// A little of everything: vector (with an SFU op), reduce and a two-tile matmul.
std::vector<uint32_t> workload(const std::string& dev) {
  Tensor::manual_seed(7);
  Tensor a = Tensor::rand({40, 200}, dev), w = Tensor::rand({200, 24}, dev);
  Tensor y = (a.matmul(w) * 0.5f).sqrt().sum({1}) + a.max({1});
  return bits_of(y);
}

}  // namespace

TEST(RtlTarget, EqualsTlmBitForBitAndEveryCommandIsChecked) {
  const std::vector<uint32_t> tlm = workload("tlm");
  const cosim::RtlTargetStats s0 = cosim::rtl_target_stats();
  const std::vector<uint32_t> rtl = workload("rtl");
  const cosim::RtlTargetStats s1 = cosim::rtl_target_stats();
  EXPECT_EQ(rtl, tlm);
  const uint64_t cmds = s1.commands - s0.commands;
  EXPECT_GE(cmds, 5u) << "matmul, vector and reduce commands ran on the RTL";
  EXPECT_EQ(s1.checked - s0.checked, cmds) << "every command compared with the TLM models";
  EXPECT_GT(s1.clocked_cycles, s0.clocked_cycles);
  // The pynq device's view of the PL is the same on both targets.
  const auto* pt = pynq::pynq_stats(device("tlm"));
  const auto* pr = pynq::pynq_stats(device("rtl"));
  ASSERT_TRUE(pt && pr);
  for (int u = 0; u < 3; ++u) {
    EXPECT_EQ(pr->pl_cycles[u], pt->pl_cycles[u]) << "unit " << u;
    EXPECT_EQ(pr->commands[u], pt->commands[u]) << "unit " << u;
  }
}

TEST(RtlTarget, LockstepReportsTheFirstDifferentElement) {
  Tensor a = Tensor::from_data(std::vector<float>{1, 2, 3, 4, 5, 6}, {6}, "rtl_bits");
  Tensor b = Tensor::from_data(std::vector<float>{0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f}, {6}, "rtl_bits");
  const std::string e = error_of([&] { (a + b).realize(); });
  EXPECT_THAT(e, HasSubstr("lockstep (RTL vs TLM) first mismatch: vector unit, command ADD N=6")) << e;
  EXPECT_THAT(e, HasSubstr("result bits differ at element 3: tlm 0x40900001 (4.50000048) vs rtl 0x40900000 (4.5)"))
      << e;
  EXPECT_THAT(e, HasSubstr("cycles tlm")) << e;
}

TEST(RtlTarget, LockstepReportsDifferentCycles) {
  // The first command on the platform already differs (Tensor::rand scales on the device).
  const std::string e = error_of([&] { Tensor::rand({100}, "rtl_cycles").exp2().realize(); });
  EXPECT_THAT(e, HasSubstr("lockstep (RTL vs TLM) first mismatch: vector unit, command MUL N=100")) << e;
  EXPECT_THAT(e, HasSubstr("CYCLES differ")) << e;
  EXPECT_THAT(e, ::testing::MatchesRegex(".*cycles tlm ([0-9]+) vs rtl ([0-9]+).*")) << e;
}

TEST(RtlTarget, WatchdogNamesAStalledDesign) {
  Tensor a = Tensor::rand({64}, "rtl_watchdog");
  const std::string e = error_of([&] { a.sqrt().realize(); });
  EXPECT_THAT(e, HasSubstr("watchdog: the RTL made no stream handshake for")) << e;
  EXPECT_THAT(e, HasSubstr("vector busy with SQRT N=64")) << e;
}

// The RTL writer (--rtl-writer): results equal tlm's, every command checked; the writer checker
// reports an altered burst (index, both sides' address, beats, words and cycles) and an altered
// word of the buffer (address, both values).
TEST(RtlTarget, RtlWriterEqualsTlmAndItsCheckerReportsBurstsAndWords) {
  const std::vector<uint32_t> tlm = workload("tlm");
  EXPECT_EQ(workload("rtl_vw"), tlm);
  auto add = [](const std::string& dev) {
    Tensor::manual_seed(3);
    Tensor a = Tensor::rand({40, 64}, dev), b = Tensor::rand({40, 64}, dev);
    (a + b).to_vector<float>();  // the PS reads the result: it waits for the queue's command
  };
  const std::string eb = error_of([&] { add("rtl_vw_burst"); });
  EXPECT_THAT(eb, HasSubstr("lockstep (RTL vs TLM) VW view(")) << eb;
  EXPECT_THAT(eb, ::testing::MatchesRegex(".*burst 0: TLM 0x[0-9a-f]+ [0-9]+ beats words 0x[0-9a-f]+ AW [0-9]+ W end [0-9]+ B "
                                          "([0-9]+), RTL 0x[0-9a-f]+ [0-9]+ beats words 0x[0-9a-f]+ AW [0-9]+ W end [0-9]+ B [0-9]+.*"))
      << eb;
  const std::string ew = error_of([&] { add("rtl_vw_word"); });
  EXPECT_THAT(ew, ::testing::MatchesRegex(".*DDR word at 0x[0-9a-f]+: TLM 0x[0-9a-f]+, RTL 0x[0-9a-f]+.*")) << ew;
}

// The board's v2 PL on the rtl target (--rtl-queue): the queue's RTL runs every command from the
// ring; each of its sequencer's register-bus accesses, slot fetches and record words is compared
// with the TLM queue's.
TEST(RtlTarget, RtlQueueEqualsTlmAndEveryAccessIsCompared) {
  const std::vector<uint32_t> tlm = workload("tlm");
  EXPECT_EQ(workload("rtl_cq"), tlm);
  auto* pl = dynamic_cast<cosim::RtlPl*>(&tinypynq::vp::Platform::get("rtl_cq").pl());
  ASSERT_NE(pl, nullptr);
  EXPECT_GT(pl->commands(), 0u);
  EXPECT_EQ(pl->checked_commands(), pl->commands()) << "every command checked";
  EXPECT_GE(pl->queue_fetches(), pl->commands()) << "every entry's slot fetch compared";
  EXPECT_GT(pl->queue_accesses(), 10 * pl->commands()) << "the entries' register writes and reads";
  EXPECT_EQ(pl->queue_record_words(), 2 * pl->queue_fetches()) << "each entry's record: RESULT and CYCLES";
  EXPECT_GT(pl->writer_transfers(), 0u) << "the RTL writer ran too";
}

// ... and a difference is reported with the access, the address, both values and the cycle.
TEST(RtlTarget, LockstepReportsTheQueuesFirstDifferentAccess) {
  const std::string e = error_of([&] {
    Tensor::manual_seed(3);
    (Tensor::rand({40, 64}, "rtl_cq_seq") + Tensor::rand({40, 64}, "rtl_cq_seq")).to_vector<float>();
  });
  EXPECT_THAT(e, ::testing::MatchesRegex(".*lockstep \\(RTL vs TLM\\) command queue: the TLM sequencer wrote 0x4004000c = "
                                         "0xa01 in cycle [0-9]+, the RTL's wrote 0x4004000c = 0xa00 in cycle [0-9]+.*"))
      << e;
}

// A result written as a transpose wider than the view writer's buffer: the writer holds R back
// (tlm plans it with the unit: R's handshakes later than its offers), and the rtl target in both
// modes (R's TREADY pins following the TLM writer's plan; the RTL writer itself) gives tlm's
// bits and every unit's cycles, every command checked strictly.
TEST(RtlTarget, AWriterThatHoldsRBackGivesTlmCyclesInBothModes) {
  auto run = [](const std::string& dev) {
    Tensor::manual_seed(11);
    Tensor a = Tensor::rand({96, 130}, dev), b = Tensor::rand({96, 130}, dev);
    return bits_of((a + b).transpose().contiguous());
  };
  pl::BeatLog log;
  auto* top = dynamic_cast<tinypynq::vp::PlTop*>(&tinypynq::vp::Platform::get("tlm_v2").pl());
  ASSERT_NE(top, nullptr);
  uint64_t held = 0, beats = 0;
  top->set_command_observer([&](const tinypynq::vp::PlCommandRecord&) {
    for (size_t j = 0; j < log.out.size(); ++j) held += log.out[j] - log.out_valid[j];
    beats += log.out.size();
  });
  top->set_beat_log(&log);
  const std::vector<uint32_t> tlm = run("tlm_v2");
  top->set_beat_log(nullptr);
  top->set_command_observer(nullptr);
  EXPECT_GT(beats, 0u);
  EXPECT_GT(held, beats / 10) << "R held back by the writer (cycles over " << beats << " beats)";
  EXPECT_EQ(run("rtl_v2"), tlm);
  EXPECT_EQ(run("rtl_vw"), tlm);
  for (const char* kind : {"rtl_v2", "rtl_vw"}) {
    auto* pl = dynamic_cast<cosim::RtlPl*>(&tinypynq::vp::Platform::get(kind).pl());
    ASSERT_NE(pl, nullptr) << kind;
    EXPECT_GT(pl->commands(), 0u) << kind;
    EXPECT_EQ(pl->checked_commands(), pl->commands()) << kind << ": every command checked";
    EXPECT_EQ(pl->reader_fills_late(), 0u) << kind;
  }
  const auto* pt = pynq::pynq_stats(device("tlm_v2"));
  const auto* pd = pynq::pynq_stats(device("rtl_v2"));
  const auto* pw = pynq::pynq_stats(device("rtl_vw"));
  ASSERT_TRUE(pt && pd && pw);
  for (int u = 0; u < 3; ++u) {
    EXPECT_EQ(pd->pl_cycles[u], pt->pl_cycles[u]) << "unit " << u << ", R to the TLM writer";
    EXPECT_EQ(pw->pl_cycles[u], pt->pl_cycles[u]) << "unit " << u << ", the RTL writer";
  }
}

// The training PL's absent parts on the RTL, register by register, in lockstep with the TLM
// models: CFG0 says what is built; a START of an opcode in an absent SFU datapath, of a
// 3-operand opcode reading C from a stream (no VR2) and of any reduce command (no reduce unit)
// ends in ERR BAD_OP, not BUSY, as the TLM model's verdict (the lockstep compares it).
TEST(RtlTarget, TrainingPlRejectsWhatItDoesNotBuildWithBadOp) {
  namespace reg = tinypynq::vp::pl_reg;
  const std::vector<std::string> devs = device_names();
  if (std::find(devs.begin(), devs.end(), "rtl_train") == devs.end())
    GTEST_SKIP() << "this build has no Verilated model of the training PL (the sanitizer build)";
  Tensor::rand({8}, "rtl_train").realize();  // builds the platforms
  tinypynq::vp::Platform& p = tinypynq::vp::Platform::get("rtl_train");
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  auto access = [&](bool write, uint32_t win, uint32_t off, uint32_t v) {
    tlm::tlm_generic_payload gp;
    gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    gp.set_address(hw::win::PL_TOP_BASE + win + off);
    gp.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
    gp.set_data_length(4);
    gp.set_streaming_width(4);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    p.gp0(gp, delay);
    EXPECT_EQ(gp.get_response_status(), tlm::TLM_OK_RESPONSE) << std::hex << win + off;
    return v;
  };
  const uint32_t cfg0 = access(false, reg::VEC_BASE, reg::CFG0, 0);
  EXPECT_EQ(hw::vec::CFG0_SFU_DPS.get(cfg0), 0x03u) << "DIV/RECIP and SQRT";
  EXPECT_EQ(hw::vec::CFG0_STREAM_C.get(cfg0), 0u);
  EXPECT_EQ(hw::red::CFG0_BUILT.get(access(false, reg::RED_BASE, reg::CFG0, 0)), 0u);
  auto start = [&](uint32_t win, uint32_t op, uint32_t n0, uint32_t n1) {
    access(true, win, reg::OP, op);
    access(true, win, reg::SIZE0, n0);
    access(true, win, reg::SIZE1, n1);
    access(true, win, reg::CTRL, reg::CTRL_START);
    const uint32_t st = access(false, win, reg::STATUS, 0);
    access(true, win, reg::STATUS, reg::ST_ERR | reg::ST_DONE);  // W1C
    return st;
  };
  auto bad_op = [](uint32_t st) {
    return (st & (reg::ST_ERR | reg::ST_BUSY)) == reg::ST_ERR &&
           hw::unit::STATUS_ERR_CODE.get(st) == reg::ERR_BAD_OP;
  };
  const hw::OpcodeInfo* three = nullptr;
  for (const hw::OpcodeInfo& o : hw::kOpcodes)
    if (o.unit == hw::Unit::kVector && o.arity == 3 && !three) three = &o;
  ASSERT_TRUE(three);
  EXPECT_TRUE(bad_op(start(reg::VEC_BASE, 0x13 /* EXP2 */, 4, 0))) << "EXP2: no such SFU datapath";
  EXPECT_TRUE(bad_op(start(reg::VEC_BASE, three->value, 4, 0))) << three->name << " with C from a stream";
  EXPECT_TRUE(bad_op(start(reg::RED_BASE, 0, 2, 8))) << "no reduce unit";
  EXPECT_EQ(p.pl().fault(), "") << "the RTL's verdicts are the TLM models'";
}

TEST(RtlTarget, ConfigurationTheDesignWasNotBuiltForIsRefused) {
  EXPECT_NO_THROW(cosim::RtlPl::check_config(BoardConfig::defaults()));
  BoardConfig c = BoardConfig::defaults();
  c.mm_kmax = 1024;
  c.pl_clock_hz = 125e6;
  try {
    cosim::RtlPl::check_config(c);
    FAIL() << "accepted a configuration the design was not built for";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("matmul register 0x3c: RTL 0x4000800, configuration 0x4000400")) << e.what();
    EXPECT_THAT(e.what(), HasSubstr("SYS.FCLK_HZ: RTL 100000000, configuration 125000000")) << e.what();
  }
}

// The Verilated PL has every SFU datapath and stream C; a configuration without the third
// reader (vr_stream_c = 0) is refused with STREAM_C named.
TEST(RtlTarget, ConfigurationWithoutStreamCIsRefused) {
  BoardConfig c = BoardConfig::defaults();
  c.pl_version = 2, c.vr_stream_c = 0;
  try {
    cosim::RtlPl::check_config(c);
    FAIL() << "accepted a configuration without stream C";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("vector register 0x34: RTL 0x7f0102, configuration 0x3f0102 (CFG0.STREAM_C: RTL 1, "
                                    "the configuration's vr_stream_c 0)"))
        << e.what();
  }
}

// The Verilated PL has every SFU datapath; a training build's configuration (vec_sfu_* = 0) is
// refused with the datapaths of both sides named.
TEST(RtlTarget, ConfigurationWithOtherSfuDatapathsIsRefused) {
  BoardConfig c = BoardConfig::defaults();
  c.vec_sfu_mod = c.vec_sfu_exp2 = c.vec_sfu_log2 = c.vec_sfu_sin = 0;
  try {
    cosim::RtlPl::check_config(c);
    FAIL() << "accepted SFU datapaths the design was not built with";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("vector register 0x34: RTL 0x7f0102, configuration 0x430102")) << e.what();
    EXPECT_THAT(e.what(), HasSubstr("(CFG0.SFU_DPS, the SFU datapaths: RTL DIV SQRT MOD EXP2 LOG2 SIN; the "
                                    "configuration's vec_sfu_* keys DIV SQRT)"))
        << e.what();
  }
}
