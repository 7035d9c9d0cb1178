// SPDX-License-Identifier: MIT
#include "cosim/lockstep.h"

#include <algorithm>
#include <cstring>
#include <sstream>

#include "cosim/cosim.h"
#include "models/tlm/pl_matmul.h"
#include "models/tlm/pl_reduce.h"
#include "models/tlm/pl_vector.h"

namespace tinypynq::cosim {

namespace reg = vp::pl_reg;

const char* rtl_stream_name(unsigned s, unsigned pl_version) {
  static const char* const kV1[3] = {"A (DMA0 MM2S)", "B (DMA1 MM2S)", "C (DMA2 MM2S)"};
  static const char* const kV2[3] = {"A (VR0)", "B (VR1)", "C (VR2)"};
  return (pl_version >= 2 ? kV2 : kV1)[s % 3];
}

Lockstep::Lockstep(const BoardConfig& cfg, Options opt, Fault fault)
    : pl_version_(cfg.pl_version), opt_(std::move(opt)), fault_(std::move(fault)) {
  shadow_[0] = std::make_unique<vp::PlVector>(cfg.sfu_datapaths(), cfg.stream_c());
  shadow_[1] = std::make_unique<vp::PlReduce>(cfg.reduce_unit != 0);
  shadow_[2] = std::make_unique<vp::PlMatmul>(vp::matmul_config(cfg));
}
Lockstep::~Lockstep() = default;

uint8_t Lockstep::verdict(unsigned u) const {
  const vp::PlUnit& x = *shadow_[u];
  return p_.on ? reg::ERR_BUSY : x.check(x.regs.live());
}

void Lockstep::start(unsigned u, Cycle t, uint8_t code, bool rtl_accepted) {
  vp::PlUnit& x = *shadow_[u];
  if (opt_.enabled && (code == 0) != rtl_accepted) {
    std::ostringstream o;
    o << "lockstep (RTL vs TLM): START of the " << hw::kUnits[u].name << " unit with " << x.describe(x.regs.live())
      << " in cycle " << t << ": the TLM model "
      << (code ? "rejects it (ERR_CODE " + std::to_string(code) + ")" : "accepts it") << ", the RTL "
      << (rtl_accepted ? "accepts it" : "rejects it");
    mismatched_ = true;
    fault_(o.str());
  }
  if (!rtl_accepted) {
    x.regs.reject(code ? code : reg::ERR_BAD_OP);
    return;
  }
  x.regs.accept(t);
  x.on_accept(x.regs.command());
  p_ = Pending{};
  p_.on = true;
  p_.unit = u;
  p_.cmd = x.regs.command();
  p_.t0 = t;
  ++accepted_;
  x.input_beats(p_.cmd, p_.need);
}

std::string Lockstep::describe_running() const { return shadow_[p_.unit]->describe(p_.cmd); }

bool Lockstep::capture(const vp::StreamIn* const fresh_in[3], const pl::BeatSchedule* fresh_r,
                       vp::AxisSource* const src[3], vp::AxisSink* sink) {
  if (!opt_.enabled || !p_.on || p_.computed || !p_.checkable) return false;
  for (unsigned s = 0; s < 3; ++s)
    if (p_.need[s] && !p_.have_in[s] && fresh_in[s]) p_.in[s] = *fresh_in[s], p_.have_in[s] = true;
  if (!p_.have_r && fresh_r) p_.r = *fresh_r, p_.have_r = true;
  for (unsigned s = 0; s < 3; ++s)
    if (p_.need[s] && !p_.have_in[s]) return false;
  if (!p_.have_r) return false;
  const vp::StreamIn* in[3] = {nullptr, nullptr, nullptr};
  for (unsigned s = 0; s < 3; ++s) {
    if (!p_.need[s]) continue;
    if (p_.in[s].beats != p_.need[s]) p_.tlast_warn = reg::ST_W_TLAST;
    if (p_.in[s].beats < p_.need[s]) {  // the TLM unit would wait for ever: nothing to compare
      p_.checkable = false;
      return false;
    }
    in[s] = &p_.in[s];
  }
  vp::AxisSource* sources[3] = {nullptr, nullptr, nullptr};
  for (unsigned s = 0; s < 3; ++s)
    if (src && p_.need[s]) sources[s] = src[s];
  const vp::UnitResult res = vp::run_with_sources(*shadow_[p_.unit], p_.cmd, p_.t0, in, sources, sink, p_.r, nullptr);
  p_.exp_out.assign(res.out, res.out + res.out_bytes);
  p_.exp = res.timing;
  p_.exp_warn = res.warnings;
  if (opt_.tamper) opt_.tamper(p_.unit, p_.exp_out, p_.exp);
  p_.computed = true;
  return true;
}

void Lockstep::stream_failed(unsigned s, Cycle t) {
  if (!p_.on || !p_.need[s] || p_.failed || p_.computed) return;
  p_.failed = true;
  p_.t_fail = t;
}

void Lockstep::reader_mismatch(const std::string& what) {
  if (!opt_.enabled || mismatched_) return;
  mismatched_ = true;
  fault_("lockstep (RTL vs TLM) " + what +
         (p_.on ? std::string(" (feeding the ") + hw::kUnits[p_.unit].name + " command " + describe_running() +
                      " started in cycle " + std::to_string(p_.t0) + ")"
                : std::string()));
}

void Lockstep::beat_taken(unsigned s, Cycle t) {
  if (p_.on && p_.need[s] && ++p_.taken[s] == p_.need[s]) p_.consumed[s] = true, p_.rtl_in_last[s] = t;
}

void Lockstep::mismatch(const std::string& what, int64_t index, uint32_t tb, uint32_t rb) {
  Mismatch m;
  m.unit = hw::kUnits[p_.unit].name;
  m.command = shadow_[p_.unit]->describe(p_.cmd) + " started in cycle " + std::to_string(p_.t0);
  m.what = what;
  m.index = index, m.tlm_bits = tb, m.rtl_bits = rb;
  m.tlm_cycles = expected_done() - p_.t0;
  m.rtl_cycles = last_.timing.cycles;
  mismatched_ = true;
  fault_("lockstep (RTL vs TLM) " + m.str());
}

void Lockstep::compare() {
  if (!opt_.enabled || !p_.checkable) return;
  if (p_.failed) {  // models/tlm/pl_top.cpp stream_error(): ERR STREAM, one zero beat with TLAST
    p_.exp_out.assign(8, 0);
    const Cycle t_err = std::max(p_.t_fail, p_.t0 + 1);
    p_.exp.t_done = std::max(t_err + 1, p_.have_r ? p_.r.at(0) : t_err + 1);
    p_.exp.cycles = p_.exp.t_done - p_.t0;
    p_.computed = true;
    if (p_.rtl_out != p_.exp_out)
      return mismatch("a command ended on a stream error: R is not one zero beat (" + std::to_string(p_.rtl_out.size()) +
                      " bytes)");
    if (p_.exp.t_done != last_.timing.t_done) return mismatch("CYCLES of a command ended on a stream error differ");
    ++checked_;
    return;
  }
  if (!p_.computed) return mismatch("the RTL finished before the TLM model had all its streams");
  const auto& e = p_.exp_out;
  const auto& r = p_.rtl_out;
  for (size_t i = 0; i + 4 <= std::min(e.size(), r.size()); i += 4) {
    uint32_t a, b;
    std::memcpy(&a, &e[i], 4), std::memcpy(&b, &r[i], 4);
    if (a != b) return mismatch("result bits differ", static_cast<int64_t>(i / 4), a, b);
  }
  if (e.size() != r.size())
    return mismatch("result lengths differ (tlm " + std::to_string(e.size()) + " bytes, rtl " +
                    std::to_string(r.size()) + ")");
  const bool wr_t = p_.exp_warn & reg::ST_W_RANGE, wr_r = last_.warnings & reg::ST_W_RANGE;
  if (wr_t != wr_r)
    return mismatch(std::string("W_RANGE differs (tlm ") + (wr_t ? "1" : "0") + ", rtl " + (wr_r ? "1" : "0") + ")");
  for (unsigned s = 0; s < 3; ++s)
    if (p_.need[s] && p_.exp.in_last[s] != p_.rtl_in_last[s])
      return mismatch(std::string("last handshake on stream ") + rtl_stream_name(s, pl_version_) + " differs (tlm cycle " +
                      std::to_string(p_.exp.in_last[s]) + ", rtl " + std::to_string(p_.rtl_in_last[s]) + ")");
  if (expected_done() != last_.timing.t_done) return mismatch("CYCLES differ");
  ++checked_;
}

const vp::PlCommandRecord* Lockstep::done(unsigned u, Cycle t_done, bool w_range) {
  if (!p_.on || p_.unit != u) {
    fault_(std::string("the RTL ") + hw::kUnits[u].name + " unit signalled done in cycle " + std::to_string(t_done) +
           " with no command of it running");
    return nullptr;
  }
  last_ = vp::PlCommandRecord{u, hw::kUnits[u].name, p_.cmd, p_.t0, {}, 0};
  last_.timing.t_done = t_done;
  last_.timing.cycles = t_done - p_.t0;
  for (unsigned s = 0; s < 3; ++s) last_.timing.in_last[s] = p_.rtl_in_last[s];
  last_.warnings = (w_range ? reg::ST_W_RANGE : 0) | p_.tlast_warn;
  compare();
  if (p_.sink_last > last_.timing.t_done) {
    last_.timing.t_done = p_.sink_last;
    last_.timing.cycles = p_.sink_last - p_.t0;
  }
  ++completed_;
  p_.on = false;
  return &last_;
}

void Lockstep::reset() {
  for (auto& u : shadow_) {
    u->regs.reset();
    u->on_reset();
  }
  p_ = Pending{};
}

}  // namespace tinypynq::cosim
