// SPDX-License-Identifier: MIT
// Shared by the view reader's and writer's co-simulations (cosim/block_cosim, tests/rtl): random view
// descriptors (docs/pl-v2.md "Descriptor") and bad ones.
//   std::mt19937 g(seed);
//   pl::ViewDesc d = testgen::random_view(g, ddr_bytes);   // ranks 1..6, strides 0 / negative /
//                                                          // permuted / arbitrary, masks, buffers
//                                                          // next to 4 KB boundaries and at the end of DDR
//   if (bad) d = testgen::break_view(d, g, ddr_bytes);     // one of the error table's ways
// random_view is the generator of tests/models/test_view_reader_tlm.cpp; the sequences a seed
// gives are part of the tests' recorded figures, so change it only with them.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>

#include "models/fp/view_reader.h"
#include "models/fp/view_writer.h"

namespace tinypynq::testgen {

namespace pl = tinypynq::pl;
namespace vr = tinypynq::pl::vr;

// conflict_lines != 0: now and then strides of a multiple of that many lines (give or take one)
// that make line-index conflicts: pl::vr::kIndexEntries for the reader's (pl::vr::index_of),
// pl::vw::kIndexEntries + 1 for the writer's fold (pl::vw::index_of).
inline pl::ViewDesc random_view(std::mt19937& g, uint64_t ddr, uint64_t conflict_lines = 0) {
  auto U = [&](uint64_t lo, uint64_t hi) { return std::uniform_int_distribution<uint64_t>(lo, hi)(g); };
  pl::ViewDesc d;
  d.rank = static_cast<unsigned>(U(1, 6));
  const uint64_t budget = U(0, 9) == 0 ? 20000 : 1200;
  uint64_t n = 1;
  for (unsigned k = 0; k < d.rank; ++k) {
    const uint64_t room = std::max<uint64_t>(1, budget / n);
    d.shape[k] = static_cast<uint32_t>(U(0, 3) == 0 ? 1 : U(1, std::min<uint64_t>(room, k + 1 == d.rank ? room : 40)));
    n *= d.shape[k];
  }
  unsigned perm[vr::kMaxRank] = {0, 1, 2, 3, 4, 5};
  std::shuffle(perm, perm + d.rank, g);
  int64_t s = 1;
  for (int j = static_cast<int>(d.rank) - 1; j >= 0; --j) d.stride[perm[j]] = static_cast<int32_t>(s), s *= d.shape[perm[j]];
  for (unsigned k = 0; k < d.rank; ++k) {
    const uint64_t r = U(0, 9);
    if (r == 0) d.stride[k] = 0;
    else if (r == 1) d.stride[k] = -d.stride[k];
    else if (r == 2) d.stride[k] = static_cast<int32_t>(U(0, 600)) - 300;
    // lines that often share line-index entries, so misses of lines still in the buffer (the
    // reader) or flushes of the line an entry held (the writer) occur
    else if (r == 3 && conflict_lines)
      d.stride[k] = static_cast<int32_t>((conflict_lines * pl::vr::kLineBytes / 4) * U(1, 3) + U(0, 64)) - 32;
  }
  d.full_mask();
  if (U(0, 2) == 0)
    for (unsigned k = 0; k < d.rank; ++k) {
      const uint32_t a = static_cast<uint32_t>(U(0, d.shape[k])), b = static_cast<uint32_t>(U(0, d.shape[k]));
      d.mlo[k] = std::min(a, b), d.mhi[k] = std::max(a, b);
      if (U(0, 3)) d.mlo[k] = 0, d.mhi[k] = d.shape[k] - (U(0, 1) ? 0 : d.shape[k] / 2);
    }
  d.pad = static_cast<uint32_t>(g());
  int64_t lo = 0, hi = 0;
  for (unsigned k = 0; k < d.rank; ++k) {
    const int64_t e = static_cast<int64_t>(d.stride[k]) * (d.shape[k] - 1);
    lo += std::min<int64_t>(0, e), hi += std::max<int64_t>(0, e);
  }
  const int64_t slack_lo = static_cast<int64_t>(U(0, 40)), slack_hi = static_cast<int64_t>(U(0, 40));
  d.offset = slack_lo - lo;
  d.limit = 4 * static_cast<uint64_t>(hi - lo + 1 + slack_lo + slack_hi);
  const uint64_t place = U(0, 3);
  if (place == 0) d.base = ddr - d.limit;
  else if (place == 1) d.base = (U(1, 2000) << 12) - 4 * U(0, 64);
  else d.base = 4 * U(0, (ddr - d.limit) / 4 / 2);
  return d;
}

// A bad descriptor: a valid one broken in one of the ways of the error table.
inline pl::ViewDesc break_view(pl::ViewDesc d, std::mt19937& g, uint64_t ddr) {
  auto U = [&](uint64_t lo, uint64_t hi) { return std::uniform_int_distribution<uint64_t>(lo, hi)(g); };
  const unsigned k = static_cast<unsigned>(U(0, d.rank - 1));
  switch (U(0, 9)) {
    case 0: d.rank = U(0, 1) ? 0 : static_cast<unsigned>(U(7, 40)); break;
    case 1: d.shape[k] = 0; break;
    case 2: if (U(0, 1)) d.base += 2; else d.limit += 1 + U(0, 2); break;
    case 3: d.limit = 4 * U(0, d.limit / 8); break;                      // outside the buffer
    case 4: d.base = ddr - 4 * U(0, 8); break;                          // beyond DDR
    case 5: d.stride[k] = U(0, 1) ? INT32_MAX : INT32_MIN; if (d.shape[k] == 1) d.shape[k] = 3, d.mhi[k] = 3; break;
    case 6: d.mlo[k] = d.mhi[k] + 1; break;                              // MLO > MHI
    case 7: d.mhi[k] = d.shape[k] + 1; break;                            // MHI > SHAPE
    case 8: d.shape[0] = 1u << 13, d.shape[d.rank - 1] = 1u << 12, d.rank = std::max(d.rank, 2u); break;  // > VR_MAX_ELEMS
    default: d.offset = -1 - static_cast<int64_t>(U(0, 100)); break;     // below the buffer
  }
  return d;
}

// A view to write (the writer rejects STRIDE_d = 0 with SHAPE_d > 1 as BROADCAST): random_view
// with such strides replaced by +-1 (the buffer grown to hold the view, moved down when it would
// end beyond DDR), unless keep_broadcast. index_conflicts: random_view's conflict strides for
// the writer's line index (lines N + 1 apart share an entry of the fold whenever the line number's
// low and high halves have as many trailing ones).
inline pl::ViewDesc random_write_view(std::mt19937& g, uint64_t ddr, bool keep_broadcast = false,
                                      bool index_conflicts = false) {
  pl::ViewDesc d = random_view(g, ddr, index_conflicts ? pl::vw::kIndexEntries + 1 : 0);
  if (keep_broadcast) return d;
  auto span = [&](int64_t& lo, int64_t& hi) {
    lo = 0, hi = 0;
    for (unsigned k = 0; k < d.rank; ++k) {
      const int64_t e = static_cast<int64_t>(d.stride[k]) * (d.shape[k] - 1);
      lo += std::min<int64_t>(0, e), hi += std::max<int64_t>(0, e);
    }
  };
  int64_t lo0, hi0, lo1, hi1;
  span(lo0, hi0);
  const int64_t slack_lo = d.offset + lo0, slack_hi = static_cast<int64_t>(d.limit / 4) - (hi0 - lo0 + 1) - slack_lo;
  for (unsigned k = 0; k < d.rank; ++k)
    if (d.stride[k] == 0 && d.shape[k] > 1) d.stride[k] = g() % 2 ? 1 : -1;
  span(lo1, hi1);
  d.offset = slack_lo - lo1;
  d.limit = 4 * static_cast<uint64_t>(hi1 - lo1 + 1 + slack_lo + slack_hi);
  if (d.base + d.limit > ddr) d.base = ddr - d.limit;
  return d;
}

}  // namespace tinypynq::testgen
