// SPDX-License-Identifier: MIT
#include "models/tlm/pl_regs.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace tinypynq::vp {

using namespace pl_reg;

uint32_t UnitRegs::read(uint32_t off, Cycle t) {
  switch (off) {
    case CTRL: return irq_en_ ? CTRL_IRQ_EN : 0u;  // START reads 0
    case STATUS: return status_ | (busy_at(t) ? ST_BUSY : 0u);
    case OP: return live_.op;
    case SIZE0: case SIZE1: case SIZE2: return live_.size[(off - SIZE0) / 4];
    case CYCLES_LO: {
      // While busy: the elapsed count t - t0 (§8.1); a read in cycle t0 itself sees 0.
      const uint64_t c = running_ ? (t > t0_ ? std::min(t, t_done_) - t0_ : 0) : cycles_;
      cycles_hi_ = static_cast<uint32_t>(c >> 32);
      return static_cast<uint32_t>(c);
    }
    case CYCLES_HI: return cycles_hi_;
    case SCALAR_A: case SCALAR_B: case SCALAR_C:
      return id_.scalars ? live_.scalar[(off - SCALAR_A) / 4] : 0u;
    case ID: return id_.id;
    case CFG0: return id_.cfg0;
    case CFG1: return id_.cfg1;
    case CFG2: return id_.cfg2;
    default: return 0;  // unmapped offsets inside the window read 0 (§2.2)
  }
}

bool UnitRegs::write(uint32_t off, uint32_t v) {
  switch (off) {
    case CTRL:
      irq_en_ = v & CTRL_IRQ_EN;
      return v & CTRL_START;
    case STATUS: {
      uint32_t clear = v & (ST_DONE | ST_W_RANGE | ST_W_TLAST);
      if (v & ST_ERR) clear |= ST_ERR | ST_ERR_CODE_MASK;  // ERR_CODE goes with ERR
      status_ &= ~clear;
      return false;
    }
    case OP: live_.op = v; return false;
    case SIZE0: case SIZE1: case SIZE2: live_.size[(off - SIZE0) / 4] = v; return false;
    case SCALAR_A: case SCALAR_B: case SCALAR_C:
      if (id_.scalars) live_.scalar[(off - SCALAR_A) / 4] = v;
      return false;
    default: return false;  // read-only or unmapped: ignored
  }
}

void UnitRegs::reset() {
  live_ = cmd_ = UnitCommand{};
  irq_en_ = false;
  status_ = 0;
  running_ = false;
  t0_ = 0;
  t_done_ = kUnknown;
  cycles_ = 0;
  cycles_hi_ = 0;
}

void UnitRegs::reject(uint8_t code) {
  status_ = (status_ & ~ST_ERR_CODE_MASK) | ST_ERR | hw::unit::STATUS_ERR_CODE.put(code);
}

void UnitRegs::accept(Cycle t0) {
  status_ = 0;  // DONE, ERR, ERR_CODE, W_RANGE, W_TLAST := 0
  cycles_ = 0;
  cmd_ = live_;
  running_ = true;
  t0_ = t0;
  t_done_ = kUnknown;
}

void UnitRegs::catch_up(Cycle t) {
  if (running_ && t_done_ != kUnknown && t > t_done_) {
    running_ = false;
    status_ |= ST_DONE;
    cycles_ = t_done_ - t0_;
  }
}

uint32_t* PlUnit::out_words(uint64_t n, std::vector<uint32_t>& own) {
  if (uint8_t* d = direct_sink_ ? direct_sink_->direct(4 * n) : nullptr) {
    const uintptr_t lo = reinterpret_cast<uintptr_t>(d), hi = lo + 4 * n;
    bool ok = lo % alignof(uint32_t) == 0;
    for (unsigned s = 0; ok && s < 3; ++s)
      if (const StreamIn* in = direct_in_[s]) {
        const uintptr_t a = reinterpret_cast<uintptr_t>(in->data);
        ok = a + in->bytes <= lo || hi <= a;  // the unit reads its inputs while it writes
      }
    if (ok) return reinterpret_cast<uint32_t*>(d);
  }
  own.resize(n);
  return own.data();
}

const uint32_t* PlUnit::words(const StreamIn& in, uint64_t n, std::vector<uint32_t>& scratch) {
  if (reinterpret_cast<uintptr_t>(in.data) % alignof(uint32_t) == 0 && in.bytes >= 4 * n)
    return reinterpret_cast<const uint32_t*>(in.data);
  // Misaligned host memory or a transfer shorter than its beats (LENGTH not a multiple of 4
  // elements' worth): the unit ignores TKEEP, the model reads the missing bytes as 0.
  scratch.assign(n, 0u);
  std::memcpy(scratch.data(), in.data, std::min<uint64_t>(in.bytes, 4 * n));
  return scratch.data();
}

UnitResult run_with_sources(PlUnit& u, const UnitCommand& c, Cycle t0, const StreamIn* const in[3],
                            AxisSource* const src[3], AxisSink* sink, const pl::BeatSchedule& r, pl::BeatLog* log) {
  bool any = false;
  for (unsigned s = 0; s < 3; ++s) any |= in[s] && src[s] && src[s]->replans();
  const bool sink_plans = sink && sink->replans();
  pl::BeatSchedule rr = sink ? sink->ready() : r;
  if (!any && !sink_plans) return u.run(c, t0, in, rr, log);
  pl::BeatLog local;
  pl::BeatLog& lg = log ? *log : local;
  lg.clear();
  UnitResult res = u.run(c, t0, in, rr, &lg);
  // Each pass moves the first beat that was late by at least one line buffer's worth of beats
  // (a reader) or one write-buffer stall (the writer): a bound far above any view's beats.
  for (unsigned pass = 0;; ++pass) {
    bool changed = false;
    for (unsigned s = 0; s < 3; ++s)
      if (in[s] && src[s] && src[s]->replans()) changed |= src[s]->replan(lg.in[s]);
    if (sink_plans && sink->replan(lg.out_valid, lg.out)) changed = true, rr = sink->ready();
    if (!changed) break;
    if (pass == 100000) throw std::logic_error(u.name() + std::string(": ") + u.describe(c) +
                                               ": the streams' plans and the unit's handshakes do not converge");
    lg.clear();
    res.timing = u.retime(c, t0, in, rr, &lg);
  }
  return res;
}

}  // namespace tinypynq::vp
