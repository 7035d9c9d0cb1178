// SPDX-License-Identifier: MIT
#include "cosim/block_cosim.h"

#include <chrono>
#include <memory>
#include <random>
#include <sstream>
#include <string>

#include "cosim/cq_bench.h"
#include "cosim/vr_bench.h"
#include "cosim/vw_bench.h"

namespace tinypynq::cosim {

namespace {
double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

std::string BlockCosimReport::str() const {
  std::ostringstream o;
  const bool rings = block == "cmd_queue";
  o << "cosim " << block << ", seed " << seed << ": " << compared << (rings ? " rings" : " descriptors") << " compared, "
    << exact << " bit- and cycle-exact (" << (compared ? 100.0 * exact / compared : 0.0) << "%); ";
  if (!rings) o << accepted << " accepted, " << rejected << " rejected; ";
  for (size_t i = 0; i < counts.size(); ++i) o << (i ? ", " : "") << counts[i].second << " " << counts[i].first;
  o << (rings ? "; errors by code" : "; rejected by code");
  bool any = false;
  for (unsigned c = 1; c < 16; ++c)
    if (codes[c]) o << " " << c << ":" << codes[c], any = true;
  if (!any) o << " none";
  if (!first_mismatch.empty()) o << "\nfirst mismatch: " << first_mismatch;
  return o.str();
}

// The loop of tests/rtl/test_rtl_view_reader.cpp's random test (its seed 20261204 gives the
// figures recorded in docs/pl-v2.md).
BlockCosimReport cosim_view_reader(unsigned count, uint64_t seed) {
  using namespace vrbench;
  const auto t0 = std::chrono::steady_clock::now();
  BlockCosimReport r;
  r.block = "view_reader", r.seed = seed;
  auto ddr = std::make_unique<Ddr>();
  Bench b(ddr->p);
  std::mt19937 g(static_cast<uint32_t>(seed));
  for (unsigned i = 0; r.compared < count; ++i) {
    pl::ViewDesc d = random_view(g, kDdr);
    if (!pl::check(d, kDdr).ok()) continue;
    if (i % 5 == 4) d = break_view(d, g);
    // the port's timing: the bus model's nominal latency, slower ports now and then
    b.timing = {i % 3 == 0 ? 11u : 1 + g() % 48, i % 4 == 3 ? static_cast<uint32_t>(2 + g() % 3) : 1u};
    const pl::DescCheck c = pl::check(d, kDdr);
    ++r.codes[c.err & 15];
    const std::string why = cosim_one(b, *ddr, d);
    ++r.compared;
    if (!why.empty()) {
      std::ostringstream o;
      o << "descriptor " << r.compared - 1 << " (latency " << b.timing.latency << ", " << b.timing.cycles_per_beat
        << " cycles/beat): " << why;
      r.first_mismatch = o.str();
      break;
    }
    ++r.exact;
    if (c.ok()) {
      ++r.accepted;
      r.transfers += b.fills.size(), r.beats += b.beats.size();
    } else {
      ++r.rejected;
    }
  }
  r.counts = {{"fills", r.transfers}, {"beats", r.beats}};
  r.seconds = since(t0);
  return r;
}

// The loop of tests/rtl/test_rtl_view_writer.cpp's random test.
BlockCosimReport cosim_view_writer(unsigned count, uint64_t seed) {
  using namespace vwbench;
  using testgen::break_view;
  using testgen::random_write_view;
  const auto t0 = std::chrono::steady_clock::now();
  BlockCosimReport r;
  r.block = "view_writer", r.seed = seed;
  auto ddr = std::make_unique<Ddr>();
  Bench b(ddr->p);
  std::mt19937 g(static_cast<uint32_t>(seed));
  uint64_t conflicts = 0;  // plan_write's line-index conflict flushes (the generator makes some)
  for (unsigned i = 0; r.compared < count; ++i) {
    Case cs;
    cs.d = random_write_view(g, kDdr, i % 25 == 24, true);  // with line-index conflicts
    if (i % 25 != 24 && !pl::check_write(cs.d, kDdr).ok()) continue;
    if (i % 5 == 4 && i % 25 != 24) cs.d = break_view(cs.d, g, kDdr);
    cs.producer = g() % 3;
    cs.beats_delta = g() % 12 == 0 ? (g() % 2 ? 1 : -1) * static_cast<int64_t>(1 + g() % 3) : 0;
    b.timing = random_timing(g, i);
    const pl::DescCheck c = pl::check_write(cs.d, kDdr);
    ++r.codes[c.err & 15];
    uint64_t bursts = 0;
    const std::string why = cosim_one(b, *ddr, cs, g, &bursts, &conflicts);
    ++r.compared;
    if (!why.empty()) {
      std::ostringstream o;
      o << "descriptor " << r.compared - 1 << " (write latency " << b.timing.write_latency << ", "
        << b.timing.cpb_milli << "/1000 cycles per beat, producer " << cs.producer << ", packet " << cs.beats_delta
        << " beats off): " << why;
      r.first_mismatch = o.str();
      break;
    }
    ++r.exact;
    if (c.ok()) {
      ++r.accepted;
      r.transfers += bursts, r.beats += b.accept.size();
    } else {
      ++r.rejected;
    }
  }
  r.counts = {{"bursts", r.transfers}, {"beats", r.beats}, {"line-index conflict flushes", conflicts}};
  r.seconds = since(t0);
  return r;
}

// The loop of tests/rtl/test_rtl_cmd_queue.cpp's random test (seed 20261204 there).
BlockCosimReport cosim_cmd_queue(unsigned count, uint64_t seed) {
  using namespace cqbench;
  const auto t_wall = std::chrono::steady_clock::now();
  BlockCosimReport r;
  r.block = "cmd_queue", r.seed = seed;
  Bench b;
  std::mt19937 g(static_cast<uint32_t>(seed));
  Stats st;
  for (unsigned i = 0; i < count && r.first_mismatch.empty(); ++i) {
    Case c = make_case(g, i);
    const uint64_t t0 = b.now();
    if (c.reset_at != kNever) c.reset_at = t0 + 60 + g() % 600;
    Bench::Obs o = b.run(c, g);
    std::string m = check(c, o, st, c.reset_at);
    const Expect x = reference(c, o.avail, o.enable_at);
    if (m.empty() && c.reset_at == kNever && !c.bp && !c.bad_ring) {  // the final registers
      const uint32_t status = b.rd_now(cq::STATUS);
      const uint32_t comp = b.rd_now(cq::COMPLETED), head = b.rd_now(cq::HEAD);
      const uint32_t want_code = x.err_at != kNever ? x.err_code : 0;
      if (cq::STATUS_ERR_CODE.get(status) != want_code || comp != x.completion.size() || head != (comp & (c.slots - 1)))
        m = "final STATUS 0x" + std::to_string(status) + " COMPLETED " + std::to_string(comp) + " HEAD " +
            std::to_string(head) + ", want code " + std::to_string(want_code) + " completed " +
            std::to_string(x.completion.size());
      if (m.empty() && x.err_at != kNever) {
        const uint32_t idx = b.rd_now(cq::ERR_INDEX), info = b.rd_now(cq::ERR_INFO);
        if (idx != x.err_index || info != x.err_info)
          m = "ERR_INDEX " + std::to_string(idx) + " ERR_INFO " + std::to_string(info) + ", want " +
              std::to_string(x.err_index) + " " + std::to_string(x.err_info);
        ++st.errs[x.err_code];
      }
    }
    if (m.empty() && c.bad_ring) {
      const uint32_t status = b.rd_now(cq::STATUS);
      if (cq::STATUS_ERR_CODE.get(status) != cq::ERR_BAD_RING) m = "BAD_RING not reported: STATUS " + std::to_string(status);
      else if (c.bad_ring == 2 && b.rd_now(cq::ERR_INFO) != c.slots) m = "BAD_RING ERR_INFO not the TAIL written";
      ++st.errs[cq::ERR_BAD_RING];
    }
    if (m.empty() && c.bp) {  // back-pressure: the same values, and the same final state
      const uint32_t comp = b.rd_now(cq::COMPLETED);
      if (comp != x.completion.size())
        m = "back-pressure: COMPLETED " + std::to_string(comp) + ", want " + std::to_string(x.completion.size());
      ++st.bp;
    }
    // every case ends with a PL reset (the PS's recovery); a reset case then runs a fresh ring exact
    b.hard_reset();
    if (m.empty() && c.reset_at != kNever) {
      ++st.resets;
      if (b.rd_now(cq::STATUS) != cq::STATUS_REACHED.mask || b.rd_now(cq::COMPLETED) != 0 || b.rd_now(cq::CTRL) != 0)
        m = "after the reset: registers not cleared";
      Case c2 = make_case(g, 0);
      c2.reset_at = kNever;
      Bench::Obs o2 = b.run(c2, g);
      if (m.empty()) m = check(c2, o2, st);
      if (m.empty() && b.rd_now(cq::COMPLETED) != reference(c2, o2.avail, o2.enable_at).completion.size())
        m = "after the reset: COMPLETED differs";
      b.hard_reset();
    }
    ++st.cases, st.entries += c.e.size(), st.cycles += b.now() - t0;
    ++r.compared;
    if (m.empty()) {
      ++r.exact;
    } else {
      r.first_mismatch = "ring " + std::to_string(i) + " (" + std::to_string(c.e.size()) + " entries, slots " +
                         std::to_string(c.slots) + (c.bp ? ", back-pressure" : "") +
                         (c.reset_at != kNever ? ", reset" : "") + "): " + m;
    }
  }
  for (unsigned e = 1; e < 8; ++e) r.codes[e] = static_cast<unsigned>(st.errs[e]);
  r.transfers = st.entries, r.beats = st.writes;
  r.counts = {{"entries", st.entries}, {"register writes", st.writes}, {"records", st.records}, {"polls", st.polls},
              {"cycles", st.cycles}, {"rings with back-pressure", st.bp}, {"resets in flight", st.resets}};
  r.seconds = since(t_wall);
  return r;
}

}  // namespace tinypynq::cosim
