// SPDX-License-Identifier: MIT
// Seeded random commands for co-simulation (cosim.h).
#include <vector>

#include "cosim/cosim.h"
#include "models/fp/pl_units.h"

namespace tinypynq::cosim {

uint32_t CommandGen::value() {
  const uint64_t r = rng_();
  const uint32_t sign = static_cast<uint32_t>(r & 1) << 31;
  const uint32_t man = static_cast<uint32_t>(r >> 8) & 0x7FFFFFu;
  switch ((r >> 1) % 16) {
    case 0: return sign;                                                         // ±0
    case 1: return sign | (man ? man : 1u);                                      // subnormal
    case 2: return sign | 0x7F800000u;                                           // ±inf
    case 3: return sign | 0x7F800000u | (man ? man : 1u);                        // NaN (any payload)
    case 4: return sign | (static_cast<uint32_t>(1 + (r >> 40) % 8) << 23) | man;    // tiny normal
    case 5: return sign | (static_cast<uint32_t>(246 + (r >> 40) % 9) << 23) | man;  // huge
    case 6: return sign | 0x00800000u;                                           // 2^-126
    case 7: return static_cast<uint32_t>(static_cast<int32_t>((r >> 32) % 2001) - 1000);  // small ints
    default: return sign | (static_cast<uint32_t>(118 + (r >> 40) % 20) << 23) | man;   // ordinary
  }
}

pl::BeatSchedule CommandGen::schedule(bool output) {
  pl::BeatSchedule s;
  const uint64_t r = rng_();
  s.start = (r % 4 == 0) ? 0 : 1 + r % (output ? 60 : 30);
  switch ((r >> 8) % 5) {
    case 0: s.num = 1, s.den = 1; break;                                  // one beat per cycle
    case 1: s.num = 3, s.den = 2; break;                                  // DDR shared by 3 streams
    case 2: s.num = 1 + static_cast<uint32_t>((r >> 16) % 4), s.den = 1; break;  // slow
    default: s.num = 1, s.den = 1; break;
  }
  if ((r >> 24) % 3 == 0) {  // S2MM-like bursts with idle cycles
    s.burst_beats = 16;
    s.burst_gap = static_cast<uint32_t>((r >> 32) % 8);
  }
  return s;
}

Command CommandGen::next(Unit u) {
  Command c;
  c.unit = u;
  auto size = [&](uint32_t small_max, uint32_t big_max) -> uint32_t {
    switch (rng_() % 6) {
      case 0: return 1;                                  // one element (a partial beat)
      case 1: return 2;                                  // exactly one beat
      case 2: return 3;                                  // partial last beat
      case 3: return 1 + static_cast<uint32_t>(rng_() % big_max);
      default: return 1 + static_cast<uint32_t>(rng_() % small_max);
    }
  };
  auto fill = [&](int s, uint64_t n) {
    c.in[s].resize(n);
    for (auto& v : c.in[s]) v = value();
    c.sched[s] = schedule(false);
  };
  if (u == Unit::kVector) {
    std::vector<uint32_t> ops;
    for (uint32_t code = 0; code < 64; ++code)
      if (pl::vec_op_info(code)) ops.push_back(code);
    const uint32_t code = ops[rng_() % ops.size()];
    const pl::VecOpInfo* info = pl::vec_op_info(code);
    const uint32_t n = size(80, 1500);
    c.op = code;
    c.size[0] = n;
    for (int s = 0; s < info->arity; ++s) {
      if (rng_() % 5 == 0) {  // a scalar operand (register), stream unused
        c.op |= 0x100u << s;
        c.scalar[s] = value();
      } else {
        fill(s, n);
      }
    }
    if (info->op == pl::VecOp::SIN || info->op == pl::VecOp::MOD)  // mostly in range, sometimes not
      for (auto& v : c.in[0]) if (rng_() % 8) v &= 0xC7FFFFFFu;
  } else if (u == Unit::kReduce) {
    c.op = rng_() % 2;
    c.size[0] = size(12, 60);
    c.size[1] = size(40, 300);
    fill(0, static_cast<uint64_t>(c.size[0]) * c.size[1]);
  } else {
    const bool reuse = tile_k_ && rng_() % 4 == 0;
    const uint32_t m = size(9, 20);
    const uint32_t k = reuse ? tile_k_ : size(24, 70);
    const uint32_t n = reuse ? tile_n_ : size(24, 70);
    c.op = reuse ? 0 : 1;
    c.size[0] = m, c.size[1] = k, c.size[2] = n;
    fill(0, static_cast<uint64_t>(m) * k);
    for (auto& v : c.in[0]) if (rng_() % 4) v = 0x3F000000u | (static_cast<uint32_t>(rng_()) & 0x807FFFFFu);
    if (!reuse) {
      fill(1, static_cast<uint64_t>(k) * n);
      tile_k_ = k, tile_n_ = n;
    }
  }
  c.out = schedule(true);
  return c;
}

}  // namespace tinypynq::cosim
