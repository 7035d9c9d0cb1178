// SPDX-License-Identifier: MIT
#include "models/tlm/pl_top.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "models/tlm/pl_matmul.h"
#include "models/tlm/pl_reduce.h"
#include "models/tlm/pl_vector.h"

namespace tinypynq::vp {

using namespace pl_reg;
using sc_core::sc_time;

namespace {
const char* const kStream[3] = {"A (DMA0 MM2S)", "B (DMA1 MM2S)", "C (DMA2 MM2S)"};

sc_time period_of(double hz) {
  if (!(hz > 0)) throw std::invalid_argument("PlTop: pl_clock_hz must be > 0");
  return sc_time(1.0 / hz, sc_core::SC_SEC);
}
}  // namespace

PlTop::PlTop(sc_core::sc_module_name name, const BoardConfig& cfg)
    : sc_module(name),
      s_axi("s_axi"),
      period_(period_of(cfg.pl_clock_hz)),
      fclk_hz_(static_cast<uint32_t>(std::llround(cfg.pl_clock_hz))),
      version_(sys_version(cfg.pl_version)),
      vec_(std::make_unique<PlVector>(cfg.sfu_datapaths(), cfg.stream_c())),
      red_(std::make_unique<PlReduce>(cfg.reduce_unit != 0)),
      mmu_(std::make_unique<PlMatmul>(matmul_config(cfg))),
      units_{vec_.get(), red_.get(), mmu_.get()} {
  s_axi.register_b_transport(this, &PlTop::b_transport);
  SC_THREAD(thread);
  SC_METHOD(irq_method);
  sensitive << irq_ev_;
  dont_initialize();
}

PlTop::~PlTop() = default;

void PlTop::bind_streams(AxisSource* a, AxisSource* b, AxisSource* c, AxisSink* r) {
  if (!r) throw std::invalid_argument("PlTop::bind_streams: stream R (S2MM) is required");
  src_[0] = a;
  src_[1] = b;
  src_[2] = c;
  sink_ = r;
}

void PlTop::bind_irq(IrqSink* irq, unsigned line_vec, unsigned line_red, unsigned line_mmu) {
  irq_ = irq;
  irq_line_[0] = line_vec;
  irq_line_[1] = line_red;
  irq_line_[2] = line_mmu;
}

Cycle PlTop::cycle_at(const sc_time& t) const {
  const auto p = period_.value();
  return (t.value() + p - 1) / p;  // an access inside a cycle takes effect at its end
}

sc_time PlTop::time_of(Cycle c) const { return sc_time::from_value(c * period_.value()); }

// ---- register slave ---------------------------------------------------------------------------

namespace {
// The unit whose register window holds this offset inside PL_TOP, or -1 (SYS, or unmapped).
constexpr int unit_at(uint32_t off) {
  for (const hw::UnitInfo& u : hw::kUnits)
    if (off / WINDOW == (u.base - hw::win::PL_TOP_BASE) / WINDOW) return static_cast<int>(u.unit);
  return -1;
}
static_assert(unit_at(VEC_BASE) == 0 && unit_at(RED_BASE) == 1 && unit_at(MMU_BASE) == 2 && unit_at(SYS_BASE) == -1,
              "units_[] is indexed by the contract's unit id");
}  // namespace

void PlTop::b_transport(tlm::tlm_generic_payload& gp, sc_time& delay) {
  const uint64_t addr = gp.get_address();
  if (gp.get_command() == tlm::TLM_IGNORE_COMMAND) {
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  if (gp.get_data_length() != 4 || gp.get_streaming_width() < 4)
    return gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
  if (addr % 4 || addr >= TOP_BYTES)
    return gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
  if (const unsigned char* be = gp.get_byte_enable_ptr()) {
    const unsigned n = gp.get_byte_enable_length();
    for (unsigned i = 0; i < 4; ++i)
      if (n == 0 || be[i % n] != TLM_BYTE_ENABLED)
        return gp.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
  }
  const Cycle t = cycle_at(sc_core::sc_time_stamp() + delay);
  for (PlUnit* u : units_) u->regs.catch_up(t);  // completions due by cycle t
  const int unit = unit_at(static_cast<uint32_t>(addr));
  const uint32_t off = static_cast<uint32_t>(addr % WINDOW);
  uint32_t v = 0;
  if (gp.is_read()) {
    v = unit >= 0 ? units_[unit]->regs.read(off, t) : addr / WINDOW == SYS_BASE / WINDOW ? sys_read(off, t) : 0;
    std::memcpy(gp.get_data_ptr(), &v, 4);
  } else if (unit >= 0) {  // SYS is read-only
    std::memcpy(&v, gp.get_data_ptr(), 4);
    if (units_[unit]->regs.write(off, v)) start(static_cast<unsigned>(unit), t);
    if (off == CTRL || off == STATUS)  // DONE/IRQ_EN may have changed: the level follows then
      irq_ev_.notify(delay);
  }
  delay += period_;
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

uint32_t PlTop::sys_read(uint32_t off, Cycle t) {
  switch (off) {
    case SYS_ID: return SYS_ID_VALUE;
    case SYS_VERSION: return version_;
    case SYS_ROUTE: return route_;
    case SYS_BUSY: {
      uint32_t b = 0;
      for (unsigned i = 0; i < 3; ++i) b |= units_[i]->regs.busy_at(t) ? 1u << i : 0u;  // bit = unit id
      return b;
    }
    case SYS_FCLK_HZ: return fclk_hz_;
    case SYS_TIME_LO: {  // cycles since the last reset (§7.1)
      const Cycle n = t - time_base_;
      time_hi_ = static_cast<uint32_t>(n >> 32);
      return static_cast<uint32_t>(n);
    }
    case SYS_TIME_HI: return time_hi_;
    default: return 0;
  }
}

// START in cycle t0 (§7.2): BUSY if any unit is busy, then the unit's own checks.
void PlTop::start(unsigned unit, Cycle t0) {
  PlUnit& u = *units_[unit];
  for (PlUnit* x : units_)
    if (x->regs.running()) return u.regs.reject(ERR_BUSY);
  if (const uint8_t code = u.check(u.regs.live())) return u.regs.reject(code);
  u.regs.accept(t0);
  u.on_accept(u.regs.command());
  route_ = unit + 1;
  active_ = unit;
  pending_ = true;
  waiting_.clear();
  // The thread may compute the whole command as soon as its streams are armed, even before
  // t0 in kernel time: every handshake it derives is after t0 anyway.
  const sc_time at = time_of(t0), now = sc_core::sc_time_stamp();
  cmd_ev_.notify(at > now ? at - now : sc_core::SC_ZERO_TIME);
}

void PlTop::reset() {
  for (PlUnit* u : units_) {
    u->regs.reset();
    u->on_reset();
  }
  route_ = 0;
  pending_ = false;
  time_hi_ = 0;
  time_base_ = cycle_at(sc_core::sc_time_stamp());  // SYS.TIME reads 0 in this cycle
  waiting_.clear();
  ++gen_;
  reset_ev_.notify(sc_core::SC_ZERO_TIME);
  update_irqs();
}

// ---- the command thread -----------------------------------------------------------------------

void PlTop::thread() {
  for (;;) {
    while (!pending_) wait(cmd_ev_);
    pending_ = false;
    execute(active_);
  }
}

bool PlTop::wait_for(const sc_core::sc_event& ev) {
  const uint64_t g = gen_;
  wait(ev | reset_ev_);
  return g == gen_;
}

bool PlTop::wait_until(Cycle c) {
  const sc_time at = time_of(c), now = sc_core::sc_time_stamp();
  if (at <= now) return true;
  const uint64_t g = gen_;
  wait(at - now, reset_ev_);
  return g == gen_;
}

void PlTop::hang(const std::string& why) {
  waiting_ = why + " (the command cannot finish; reset() recovers)";
  SC_REPORT_WARNING(name(), waiting_.c_str());
  const uint64_t g = gen_;
  while (g == gen_) wait(reset_ev_);
}

void PlTop::execute(unsigned ui) {
  PlUnit& u = *units_[ui];
  const UnitCommand cmd = u.regs.command();
  const Cycle t0 = u.regs.t0();
  uint64_t need[3];
  u.input_beats(cmd, need);
  const StreamIn* in[3] = {nullptr, nullptr, nullptr};
  uint32_t warn = 0;
  for (unsigned s = 0; s < 3; ++s) {
    if (!need[s]) continue;
    if (!src_[s]) return hang(std::string("stream ") + kStream[s] + " is not connected");
    while (!src_[s]->armed()) {
      if (src_[s]->failed()) return stream_error(u, s);
      waiting_ = std::string("waiting for a transfer on stream ") + kStream[s];
      if (!wait_for(src_[s]->armed_event())) return;
    }
    in[s] = &src_[s]->peek();
    if (in[s]->beats != need[s]) warn |= ST_W_TLAST;  // TLAST early or late (§3)
    if (in[s]->beats < need[s]) {
      u.regs.warn(warn);
      return hang("stream " + std::string(kStream[s]) + " transfer has " +
                  std::to_string(in[s]->beats) + " beats, " + u.describe(cmd) + " needs " +
                  std::to_string(need[s]));
    }
  }
  for (unsigned s = 0; s < 3; ++s)
    if (need[s] && src_[s]->failed()) return stream_error(u, s);
  while (!sink_->armed()) {
    waiting_ = "waiting for stream R (DMA0 S2MM) to be armed";
    if (!wait_for(sink_->armed_event())) return;
  }
  u.direct_output(sink_, in);
  AxisSource* src[3] = {nullptr, nullptr, nullptr};
  for (unsigned s = 0; s < 3; ++s)
    if (need[s]) src[s] = src_[s];
  // A sink that back-pressures R from the unit's offers (the view writer, docs/pl-v2.md step 3,
  // "TREADY") is planned with the unit to a fixed point and given each beat's offer cycle.
  const bool sink_plans = sink_->replans();
  pl::BeatLog own;
  pl::BeatLog* lg = log_ ? log_ : sink_plans ? &own : nullptr;
  UnitResult res = run_with_sources(u, cmd, t0, in, src, sink_, sink_->ready(), lg);
  u.direct_output(nullptr, nullptr);
  u.regs.warn(warn | res.warnings);
  // The unit ends with its last R handshake (the sink's answer: the same cycle once planned
  // together; later than the unit's own schedule for a sink that only reports it).
  const Cycle t_done = std::max(res.timing.t_done, sink_plans ? sink_->put_beats(res.out, res.out_bytes, lg->out_valid)
                                                              : sink_->put(res.out, res.out_bytes, res.timing.t_done));
  res.timing.t_done = t_done, res.timing.cycles = t_done - t0;
  u.regs.finish_at(t_done);
  for (unsigned s = 0; s < 3; ++s)
    if (need[s]) src_[s]->take_all(res.timing.in_last[s]);
  last_ = PlCommandRecord{ui, u.name(), cmd, t0, res.timing, warn | res.warnings};
  ++commands_;
  if (observer_) observer_(last_);
  waiting_ = "running until cycle " + std::to_string(t_done);
  if (!wait_until(t_done + 1)) return;
  u.regs.catch_up(t_done + 1);
  waiting_.clear();
  update_irqs();
}

// docs/pl-v2.md "Bad descriptors": a reader feeding the command raised vr_err (seen in this
// cycle). The unit drives one beat with TLAST on R, in the first cycle after it that R accepts
// (the S2MM channel completes a short packet, PG021), and ends the command: ERR with
// ERR_CODE STREAM now, DONE (and its interrupt) after the beat. Nothing is taken from the
// inputs; the runtime resets the PL after an error.
void PlTop::stream_error(PlUnit& u, unsigned s) {
  const Cycle t_err = std::max(cycle_at(sc_core::sc_time_stamp()), u.regs.t0() + 1);
  u.regs.reject(ERR_STREAM);
  while (!sink_->armed()) {
    waiting_ = std::string("stream ") + kStream[s] + " failed; waiting for stream R to be armed for the TLAST beat";
    if (!wait_for(sink_->armed_event())) return;
  }
  const Cycle t_beat = std::max(t_err + 1, sink_->ready().at(0));
  static constexpr uint8_t kBeat[8] = {};
  const Cycle t_end = std::max(t_beat, sink_->put(kBeat, sizeof kBeat, t_beat));
  u.regs.finish_at(t_end);
  waiting_ = std::string("ending on stream ") + kStream[s] + "'s error in cycle " + std::to_string(t_end);
  if (!wait_until(t_end + 1)) return;
  u.regs.catch_up(t_end + 1);
  waiting_.clear();
  update_irqs();
}

// ---- interrupts -------------------------------------------------------------------------------

void PlTop::irq_method() {
  for (PlUnit* u : units_) u->regs.catch_up(cycle_at(sc_core::sc_time_stamp()));
  update_irqs();
}

void PlTop::update_irqs() {
  for (unsigned i = 0; i < 3; ++i) {
    const bool level = units_[i]->regs.irq_level();
    if (level != irq_sent_[i] && irq_) irq_->set_irq(irq_line_[i], level);
    irq_sent_[i] = level;
  }
}

std::string PlTop::describe() const {
  std::string s = std::string("PL: route ") + (route_ ? hw::kUnits[route_ - 1].name : "none");
  for (const PlUnit* u : units_)
    if (u->regs.running())
      return s + ", " + u->name() + " busy with " + u->describe(u->regs.command()) +
             " since cycle " + std::to_string(u->regs.t0()) +
             (waiting_.empty() ? std::string(", starting") : ", " + waiting_);
  s += ", idle";
  if (commands_)
    s += "; last command " + std::string(last_.unit_name) + " " +
         units_[last_.unit]->describe(last_.cmd) + " CYCLES=" + std::to_string(last_.timing.cycles);
  return s;
}

}  // namespace tinypynq::vp
