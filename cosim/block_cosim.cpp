// SPDX-License-Identifier: MIT
#include "cosim/block_cosim.h"

#include <chrono>
#include <memory>
#include <random>
#include <sstream>
#include <string>

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
  const bool reader = block == "view_reader";
  o << "cosim " << block << ", seed " << seed << ": " << compared << " descriptors compared, " << exact
    << " bit- and cycle-exact (" << (compared ? 100.0 * exact / compared : 0.0) << "%); " << accepted << " accepted ("
    << transfers << (reader ? " fills, " : " bursts, ") << beats << " beats), " << rejected << " rejected (codes";
  for (unsigned c = 1; c < 16; ++c)
    if (codes[c]) o << " " << c << ":" << codes[c];
  o << ")";
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
  for (unsigned i = 0; r.compared < count; ++i) {
    Case cs;
    cs.d = random_write_view(g, kDdr, i % 25 == 24);
    if (i % 25 != 24 && !pl::check_write(cs.d, kDdr).ok()) continue;
    if (i % 5 == 4 && i % 25 != 24) cs.d = break_view(cs.d, g, kDdr);
    cs.producer = g() % 3;
    cs.beats_delta = g() % 12 == 0 ? (g() % 2 ? 1 : -1) * static_cast<int64_t>(1 + g() % 3) : 0;
    b.timing = random_timing(g, i);
    const pl::DescCheck c = pl::check_write(cs.d, kDdr);
    ++r.codes[c.err & 15];
    uint64_t bursts = 0;
    const std::string why = cosim_one(b, *ddr, cs, g, &bursts);
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
  r.seconds = since(t0);
  return r;
}

}  // namespace tinypynq::cosim
