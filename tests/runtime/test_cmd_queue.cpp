// The PS half of the v2 command queue as data (runtime/pynq/cmd_queue.h, docs/pl-v2.md step 4),
// without a driver or a simulator: an entry's slot words are the contract's layout, the
// dependency tracker names the entry a PS read or write must wait for (RAW, WAR, WAW) and
// forgets retired ones, and an entry prints its read/write sets and dependencies.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/check.h"
#include "hw/tp_contract.h"
#include "runtime/pynq/cmd_queue.h"

namespace tinypynq::pynq {
namespace {

namespace cq = hw::cq;

QueueEntry entry(uint64_t seq, std::vector<Range> reads, Range write) {
  QueueEntry e;
  e.seq = seq, e.unit = 2, e.kernel = "r_MATMUL";
  e.writes = {{0x4007'1008, 0x1000'0000}, {0x4006'0000 + 0x00, 1}};
  e.reads = std::move(reads), e.write = write;
  return e;
}

TEST(CmdQueueData, EncodeIsTheContractsSlotLayout) {
  QueueEntry e = entry(0x1'0000'0007, {}, {});
  e.irq = true;
  const std::vector<uint32_t> w = encode(e);
  ASSERT_EQ(w.size(), hw::limits::CQ_HEADER_WORDS + 4);
  EXPECT_EQ(cq::HEADER_NWRITES.get(w[0]), 2u);
  EXPECT_EQ(cq::HEADER_UNIT.get(w[0]), 2u);
  EXPECT_EQ(cq::HEADER_IRQ.get(w[0]), 1u);
  EXPECT_EQ(w[1], 7u) << "TAG: the sequence number's low word";
  EXPECT_EQ(w[2], 0u) << "RESULT: written back by the PL";
  EXPECT_EQ(w[3], 0u);
  EXPECT_EQ(w[4], 0x4007'1008u);
  EXPECT_EQ(w[5], 0x1000'0000u);
  EXPECT_EQ(w[6], 0x4006'0000u);
  EXPECT_EQ(w[7], 1u);
  QueueEntry empty = entry(1, {}, {});
  empty.writes.clear();
  EXPECT_THROW(encode(empty), Error);
  QueueEntry big = entry(2, {}, {});
  big.writes.assign(hw::limits::CQ_MAX_WRITES + 1, {0x4004'0000, 0});
  EXPECT_THROW(encode(big), Error);
  big.writes.pop_back();
  EXPECT_EQ(encode(big).size() * 4, hw::limits::CQ_SLOT_BYTES) << "the largest entry fills its slot exactly";
}

TEST(CmdQueueData, TheTrackerNamesTheLastEntryAPsStepDependsOn) {
  DepTracker d;
  const QueueEntry a = entry(10, {{0x1000, 0x2000}}, {0x8000, 0x9000});  // reads x, writes y
  const QueueEntry b = entry(11, {{0x8000, 0x8800}}, {0xA000, 0xB000});  // reads y (RAW on a), writes z
  EXPECT_TRUE(d.deps_of(a).empty());
  d.add(a);
  EXPECT_EQ(d.deps_of(b), std::vector<uint64_t>{10});
  d.add(b);
  const QueueEntry c = entry(12, {}, {0x1800, 0x1900});  // writes into x: WAR on a
  EXPECT_EQ(d.deps_of(c), std::vector<uint64_t>{10});
  const QueueEntry c2 = entry(12, {{0xA000, 0xA004}}, {0x8000, 0x8004});  // RAW on b, WAW on a and WAR on b
  EXPECT_EQ(d.deps_of(c2), (std::vector<uint64_t>{11}));
  // PS steps
  EXPECT_EQ(d.before_cpu_read(0x8100, 4), 10) << "y is written by a";
  EXPECT_EQ(d.before_cpu_read(0xA0F0, 64), 11) << "z is written by b";
  EXPECT_EQ(d.before_cpu_read(0x1000, 0x1000), -1) << "x is only read by the PL: the CPU may read it";
  EXPECT_EQ(d.before_cpu_write(0x1000, 4), 10) << "but not overwrite it before a read it";
  EXPECT_EQ(d.before_cpu_write(0x8000, 4), 11) << "y: written by a, read by b";
  EXPECT_EQ(d.before_cpu_write(0x9000, 0x1000), -1) << "[0x9000, 0xA000) is touched by no entry";
  EXPECT_EQ(d.before_cpu_write(0x9000, 0), -1);
  d.retire(11);  // a completed
  EXPECT_EQ(d.before_cpu_write(0x1000, 4), -1);
  EXPECT_EQ(d.before_cpu_write(0x8000, 4), 11);
  d.retire(12);
  EXPECT_EQ(d.size(), 0u);
}

TEST(CmdQueueData, AnEntryPrintsItsSetsAndDependencies) {
  QueueEntry e = entry(5, {{0x1000, 0x1100}}, {0x2000, 0x2040});
  e.after = {3, 4};
  EXPECT_EQ(e.str(), "cq #5 matmul 2 writes reads [0x1000+256] writes [0x2000+64] after #3 #4 (r_MATMUL)");
}

}  // namespace
}  // namespace tinypynq::pynq
