// SPDX-License-Identifier: MIT
// tinypynq — the v2 view readers as TLM-2.0 modules (view_reader_tlm.h, docs/pl-v2.md).
#include "models/tlm/axi_lite_check.h"
#include "models/tlm/view_reader_tlm.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "models/tlm/hp_ext.h"

namespace tinypynq::vp {

using sc_core::sc_time;
namespace vr = pl::vr;

ViewReaderParams ViewReaderParams::from(const BoardConfig& cfg) {
  ViewReaderParams p;
  p.clock_period = sc_time(1.0 / cfg.pl_clock_hz, sc_core::SC_SEC);
  p.ddr_bytes = cfg.ddr_bytes;
  p.readers = cfg.stream_c() ? pl::vr::kReaders : pl::vr::kReaders - 1;
  // The same rounding as the HP port's answer (ps7.cpp): latency = ceil(ns * f_PL).
  p.read_latency_cycles = static_cast<uint64_t>(std::ceil(cfg.ddr_read_latency_ns * 1e-9 * cfg.pl_clock_hz));
  return p;
}

ViewReader::ViewReader(sc_core::sc_module_name name, const ViewReaderParams& p, const char* stream)
    : sc_module(name), s_axi_lite("s_axi_lite"), m_axi_hp("m_axi_hp"), p_(p), stream_(stream) {
  s_axi_lite.register_b_transport(this, &ViewReader::b_transport);
  SC_METHOD(err_method);
  sensitive << err_check_ev_;
  dont_initialize();
}

Cycle ViewReader::cycle_at(const sc_time& t) const {
  const auto per = p_.clock_period.value();
  return (t.value() + per - 1) / per;  // an access inside a cycle takes effect at its end
}
sc_time ViewReader::time_of(Cycle c) const { return sc_time::from_value(c * p_.clock_period.value()); }

pl::ViewDesc ViewReader::descriptor() const {
  pl::ViewDesc d;
  d.base = base_, d.limit = limit_, d.offset = static_cast<int32_t>(offset_), d.rank = rank_, d.pad = pad_;
  for (unsigned k = 0; k < vr::kMaxRank; ++k) {
    d.shape[k] = dim_[k][0], d.stride[k] = static_cast<int32_t>(dim_[k][1]);
    d.mlo[k] = dim_[k][2], d.mhi[k] = dim_[k][3];
  }
  return d;
}

void ViewReader::reset() {
  base_ = limit_ = offset_ = rank_ = pad_ = elems_ = lines_ = 0;
  std::memset(dim_, 0, sizeof dim_);
  done_ = err_ = busy_ = accepted_ = armed_ = false;
  err_code_ = err_info_ = pending_code_ = pending_info_ = 0;
  busy_until_ = err_at_ = kNever;
  if (err_level_) err_ev_.notify(sc_core::SC_ZERO_TIME);
  err_level_ = false;
}

void ViewReader::catch_up(Cycle t) {
  if (err_at_ <= t) {
    err_ = true, err_code_ = pending_code_, err_info_ = pending_info_;
    err_level_ = true, err_rise_ = err_at_;
    err_at_ = kNever;
  }
  if (busy_ && busy_until_ <= t) {
    busy_ = false;
    done_ = accepted_;  // an accepted transfer was taken (a rejected one only sets ERR)
  }
}

void ViewReader::err_method() {
  catch_up(cycle_at(sc_core::sc_time_stamp()));
  err_ev_.notify(sc_core::SC_ZERO_TIME);  // vr_err rose (or a reader of it re-checks)
  armed_ev_.notify(sc_core::SC_ZERO_TIME);  // a unit waiting for this stream sees failed()
}

// ---- registers ------------------------------------------------------------------------------

void ViewReader::b_transport(tlm::tlm_generic_payload& gp, sc_time& delay) {
  if (gp.get_command() == tlm::TLM_IGNORE_COMMAND) return gp.set_response_status(tlm::TLM_OK_RESPONSE);
  if (const auto st = lite_check(gp, vr::kReaderStride); st != tlm::TLM_OK_RESPONSE) return gp.set_response_status(st);
  const Cycle t = cycle_at(sc_core::sc_time_stamp() + delay);
  const uint32_t off = static_cast<uint32_t>(gp.get_address());
  uint32_t v = 0;
  if (gp.is_read()) {
    v = read_reg(off, t);
    std::memcpy(gp.get_data_ptr(), &v, 4);
  } else if (gp.is_write()) {
    std::memcpy(&v, gp.get_data_ptr(), 4);
    write_reg(off, v, t);
  }
  delay += p_.clock_period * static_cast<double>(p_.reg_access_cycles);
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

uint32_t ViewReader::read_reg(uint32_t off, Cycle t) {
  catch_up(t);
  if (off >= vr::DIM0 && off < vr::DIM0 + vr::DIM_BYTES * vr::kMaxRank)
    return dim_[(off - vr::DIM0) / vr::DIM_BYTES][(off - vr::DIM0) % vr::DIM_BYTES / 4];
  switch (off) {
    case vr::STATUS:
      return (busy_ ? vr::ST_BUSY : 0) | (done_ ? vr::ST_DONE : 0) | (err_ ? vr::ST_ERR : 0) | (err_code_ & 0xF) << 4;
    case vr::BASE: return base_;
    case vr::LIMIT: return limit_;
    case vr::OFFSET: return offset_;
    case vr::RANK: return rank_;
    case vr::PAD: return pad_;
    case vr::ELEMS: return elems_;
    case vr::LINES: return lines_;
    case vr::ERR_INFO: return err_info_;
    default: return 0;  // CTRL is write-only
  }
}

void ViewReader::write_reg(uint32_t off, uint32_t v, Cycle t) {
  catch_up(t);
  if (off >= vr::DIM0 && off < vr::DIM0 + vr::DIM_BYTES * vr::kMaxRank) {
    dim_[(off - vr::DIM0) / vr::DIM_BYTES][(off - vr::DIM0) % vr::DIM_BYTES / 4] = v;
    return;
  }
  switch (off) {
    case vr::CTRL:
      if (v & vr::CTRL_START) start(t);
      break;
    case vr::STATUS:  // W1C
      if (v & vr::ST_DONE) done_ = false;
      if (v & vr::ST_ERR) {
        err_ = false, err_code_ = err_info_ = 0;
        if (err_level_) err_ev_.notify(sc_core::SC_ZERO_TIME);
        err_level_ = false;
      }
      break;
    case vr::BASE: base_ = v; break;
    case vr::LIMIT: limit_ = v; break;
    case vr::OFFSET: offset_ = v; break;
    case vr::RANK: rank_ = v; break;
    case vr::PAD: pad_ = v; break;
    default: break;  // read-only or unmapped
  }
}

// ---- a transfer -----------------------------------------------------------------------------

void ViewReader::fail(uint32_t code, uint32_t dim, Cycle at) {
  pending_code_ = code, pending_info_ = dim, err_at_ = at;
  const sc_time when = time_of(at), now = sc_core::sc_time_stamp();
  err_check_ev_.notify(when > now ? when - now : sc_core::SC_ZERO_TIME);
}

void ViewReader::start(Cycle t0) {
  if (busy_) return fail(vr::kBusy, vr::kNoDim, t0 + 1);  // the running transfer goes on
  const pl::ViewDesc d = descriptor();
  const Cycle t_valid = t0 + std::min<uint32_t>(rank_, vr::kMaxRank) + 2;  // validation: pl::plan's t0 + RANK + 2
  busy_ = true, done_ = false, accepted_ = false;
  times_.start = t0;
  const pl::DescCheck c = pl::check(d, p_.ddr_bytes);
  if (!c.ok()) {  // before any DDR access
    busy_until_ = times_.done = t_valid;
    return fail(c.err, c.dim, t_valid);
  }
  elems_ = static_cast<uint32_t>(d.elems());
  // The plan with the bus model's nominal latency at one beat per cycle, then the HP port's
  // answer for this transfer (its DDR share may make beats slower, ps7.cpp); replanned only
  // when the answer differs.
  pl::ReaderTiming rt{p_.read_latency_cycles, 1};
  plan_ = pl::plan(d, t0, rt);
  if (!plan_.fills.empty()) {
    uint64_t beats = 0;
    for (const pl::Fill& f : plan_.fills) beats += f.beats;
    const uint64_t lo = d.base & ~7ull, hi = std::min<uint64_t>((d.base + d.limit + 7) & ~7ull, p_.ddr_bytes);
    HpStreamExt ext;
    ext.write = false, ext.start = plan_.fills.front().issue, ext.beats = beats, ext.beat_bytes = 8;
    tlm::tlm_generic_payload gp;
    gp.set_command(tlm::TLM_IGNORE_COMMAND);
    gp.set_address(lo);
    gp.set_data_length(static_cast<unsigned>(hi - lo));  // the buffer's beats (what the fills may touch)
    gp.set_extension(&ext);
    sc_time delay = sc_core::SC_ZERO_TIME;
    ++hp_transactions_;
    m_axi_hp->b_transport(gp, delay);
    gp.clear_extension(&ext);
    if (gp.get_response_status() != tlm::TLM_OK_RESPONSE) {  // DECERR/SLVERR from the port
      busy_until_ = times_.done = t_valid;
      return fail(vr::kOutOfBounds, vr::kNoDim, t_valid);
    }
    const pl::ReaderTiming got{ext.sched.start - ext.start,
                               std::max<uint32_t>(1, (ext.sched.num + ext.sched.den / 2) / ext.sched.den)};
    if (got.latency != rt.latency || got.cycles_per_beat != rt.cycles_per_beat) plan_ = pl::plan(d, t0, got);
    rt = got;
  }
  desc_ = d, plan_t0_ = t0, plan_rt_ = rt, replanned_ = false;
  for (const pl::Fill& f : plan_.fills)
    if (auto why = checker_.check(f, d.base, d.limit, p_.ddr_bytes)) SC_REPORT_ERROR(name(), why->c_str());
  if (!gather(d)) {
    busy_until_ = times_.done = t_valid;
    return fail(vr::kOutOfBounds, vr::kNoDim, t_valid);
  }
  lines_ = static_cast<uint32_t>(plan_.fills.size());
  times_.fills = lines_, times_.ddr_bytes = plan_.ddr_bytes(), ++times_.transfers;
  busy_until_ = kNever;
  accepted_ = true;
  in_ = StreamIn{};
  in_.data = reinterpret_cast<const uint8_t*>(words_.data());
  in_.bytes = 4ull * elems_;
  in_.beats = plan_.beat_valid.size();
  // Per-beat mode: the unit timing engine takes beat b no earlier than beat_valid[b]
  // (start/num/den stay the lower bound: beats are >= 1 cycle apart).
  in_.valid = pl::BeatSchedule{.start = plan_.beat_valid.front(), .num = 1, .den = 1,
                               .table = plan_.beat_valid.data(), .table_beats = plan_.beat_valid.size()};
  in_.valid_at = plan_.beat_valid.data();
  armed_ = true;
  const sc_time when = time_of(t0), now = sc_core::sc_time_stamp();
  armed_ev_.notify(when > now ? when - now : sc_core::SC_ZERO_TIME);
}

bool ViewReader::replan(const std::vector<uint64_t>& handshakes) {
  if (!armed_ || handshakes.size() != plan_.beat_valid.size()) return false;
  // a consumer that took every beat when it was valid changes nothing
  bool lagged = false;
  for (size_t b = 0; b < handshakes.size() && !lagged; ++b) lagged = handshakes[b] > plan_.beat_valid[b];
  if (!lagged) return false;
  pl::ReadPlan p = pl::plan(desc_, plan_t0_, plan_rt_, &handshakes);
  // the fills may move without moving a beat (the rtl target's lockstep compares them too)
  for (size_t f = 0; f < p.fills.size() && f < plan_.fills.size(); ++f)
    plan_.fills[f].issue = p.fills[f].issue, plan_.fills[f].arrive = p.fills[f].arrive;
  if (p.beat_valid == plan_.beat_valid) return false;
  // in place: peek()'s table points into it
  std::copy(p.beat_valid.begin(), p.beat_valid.end(), plan_.beat_valid.begin());
  if (!replanned_) ++replans_changed_, replanned_ = true;
  return true;
}

// The view's words, read through the HP port: DMI when granted over the buffer's beats, else
// one read transaction of them. Returns false when the port refuses.
bool ViewReader::gather(const pl::ViewDesc& d) {
  words_.resize(d.elems());
  const uint64_t lo = d.base & ~7ull, hi = std::min<uint64_t>((d.base + d.limit + 7) & ~7ull, p_.ddr_bytes);
  if (plan_.fills.empty()) {  // an empty valid box: every element is PAD, no DDR access
    std::fill(words_.begin(), words_.end(), d.pad);
    return true;
  }
  pl::ViewDesc rel = d;  // the descriptor relative to the first byte we hold
  rel.base = d.base - lo;
  tlm::tlm_generic_payload gp;
  gp.set_command(tlm::TLM_READ_COMMAND);
  gp.set_address(lo);
  tlm::tlm_dmi dmi;
  ++hp_transactions_;
  if (m_axi_hp->get_direct_mem_ptr(gp, dmi) && dmi.is_read_allowed() && dmi.get_start_address() <= lo &&
      dmi.get_end_address() + 1 >= hi) {
    pl::gather(rel, dmi.get_dmi_ptr() + (lo - dmi.get_start_address()), words_.data());
    return true;
  }
  std::vector<uint8_t> buf(hi - lo);
  gp.set_data_ptr(buf.data());
  gp.set_data_length(static_cast<unsigned>(buf.size()));
  gp.set_streaming_width(static_cast<unsigned>(buf.size()));
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_time delay = sc_core::SC_ZERO_TIME;
  ++hp_transactions_;
  m_axi_hp->b_transport(gp, delay);
  if (gp.get_response_status() != tlm::TLM_OK_RESPONSE) return false;
  pl::gather(rel, buf.data(), words_.data());
  return true;
}

void ViewReader::take_all(Cycle last_cycle) {
  if (!armed_) {
    SC_REPORT_WARNING(name(), "take_all() with no armed transfer (after a reset?)");
    return;
  }
  if (last_cycle < plan_.beat_valid.back()) SC_REPORT_WARNING(name(), "take_all(): TLAST taken before it was valid");
  armed_ = false;
  // DONE in the cycle after the last handshake; a consumer that reports a cycle already past
  // (clocked cycle by cycle) is clamped to now, as the DMA model does.
  busy_until_ = times_.done = std::max(last_cycle + 1, cycle_at(sc_core::sc_time_stamp()));
  times_.first_beat = plan_.beat_valid.front(), times_.last_beat = last_cycle;
  if (observer_) observer_(times_);
}

std::string ViewReader::describe() const {
  std::string s = std::string(name()) + " (stream " + stream_ + "): ";
  if (armed_) return s + "streaming " + std::to_string(in_.beats) + " beats of " + descriptor().str();
  if (busy_) return s + "busy";
  return s + (err_ ? std::string("ERR ") + vr::err_name(err_code_) : std::string("idle"));
}

// ---- the window of three readers ------------------------------------------------------------

ViewReaders::ViewReaders(sc_core::sc_module_name name, const ViewReaderParams& p)
    : sc_module(name), s_axi_lite("s_axi_lite"), built_(std::min(p.readers, kReaders)) {
  static const char* const kNames[kReaders] = {"vr0", "vr1", "vr2"};
  static const char* const kStreams[kReaders] = {"A", "B", "C"};
  s_axi_lite.register_b_transport(this, &ViewReaders::b_transport);
  for (unsigned i = 0; i < kReaders; ++i) {
    r_[i] = std::make_unique<ViewReader>(kNames[i], p, kStreams[i]);
    m_[i].bind(r_[i]->s_axi_lite);
  }
}

void ViewReaders::reset() {
  for (auto& r : r_) r->reset();
}

std::string ViewReaders::describe() const {
  std::string s;
  for (unsigned i = 0; i < built_; ++i) s += (s.empty() ? "" : "; ") + r_[i]->describe();
  return s;
}

void ViewReaders::b_transport(tlm::tlm_generic_payload& gp, sc_time& delay) {
  const uint64_t a = gp.get_address();
  if (gp.get_command() != tlm::TLM_IGNORE_COMMAND)
    if (const auto st = lite_check(gp, kWindowBytes); st != tlm::TLM_OK_RESPONSE) return gp.set_response_status(st);
  const uint64_t i = a / vr::kReaderStride;
  if (i >= built_) {  // unmapped inside the window (or a reader not built): reads 0, writes ignored (OKAY)
    if (gp.is_read()) std::memset(gp.get_data_ptr(), 0, 4);
    delay += r_[0]->clock_period();
    return gp.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  gp.set_address(a % vr::kReaderStride);
  m_[i]->b_transport(gp, delay);
  gp.set_address(a);
}

}  // namespace tinypynq::vp
