// SPDX-License-Identifier: MIT
// tinypynq — the v2 view writer as a TLM-2.0 module (view_writer_tlm.h, docs/pl-v2.md step 3).
#include "models/tlm/axi_lite_check.h"
#include "models/tlm/view_writer_tlm.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "models/tlm/hp_ext.h"

namespace tinypynq::vp {

using sc_core::sc_time;
namespace vw = pl::vw;

ViewWriterParams ViewWriterParams::from(const BoardConfig& cfg) {
  ViewWriterParams p;
  p.clock_period = sc_time(1.0 / cfg.pl_clock_hz, sc_core::SC_SEC);
  p.ddr_bytes = cfg.ddr_bytes;
  // The HP port's rounding (ps7.cpp): latency = ceil(ns * f_PL).
  p.write_latency_cycles = static_cast<uint64_t>(std::ceil(cfg.ddr_write_latency_ns * 1e-9 * cfg.pl_clock_hz));
  return p;
}

namespace {
// The AXI-Lite conventions of the PL top, the DMA and the readers.
}  // namespace

ViewWriter::ViewWriter(sc_core::sc_module_name name, const ViewWriterParams& p, IrqSink* irq, int irq_line)
    : sc_module(name), s_axi_lite("s_axi_lite"), m_axi_hp("m_axi_hp"), p_(p), irq_(irq), irq_line_(irq_line) {
  s_axi_lite.register_b_transport(this, &ViewWriter::b_transport);
  SC_METHOD(tick);
  sensitive << tick_ev_;
  dont_initialize();
}

Cycle ViewWriter::cycle_at(const sc_time& t) const {
  const auto per = p_.clock_period.value();
  return (t.value() + per - 1) / per;
}
sc_time ViewWriter::time_of(Cycle c) const { return sc_time::from_value(c * p_.clock_period.value()); }

void ViewWriter::notify_at(Cycle c) {
  const sc_time when = time_of(c), now = sc_core::sc_time_stamp();
  tick_ev_.notify(when > now ? when - now : sc_core::SC_ZERO_TIME);
}

pl::ViewDesc ViewWriter::descriptor() const {
  pl::ViewDesc d;
  d.base = base_, d.limit = limit_, d.offset = static_cast<int32_t>(offset_), d.rank = rank_;
  for (unsigned k = 0; k < vw::kMaxRank; ++k) {
    d.shape[k] = dim_[k][0], d.stride[k] = static_cast<int32_t>(dim_[k][1]);
    d.mlo[k] = dim_[k][2], d.mhi[k] = dim_[k][3];
  }
  return d;
}

void ViewWriter::reset() {
  base_ = limit_ = offset_ = rank_ = elems_ = bursts_ = 0;
  std::memset(dim_, 0, sizeof dim_);
  irq_en_ = done_ = err_ = busy_ = armed_ = ok_at_end_ = cached_ = false;
  err_code_ = err_info_ = pending_code_ = pending_info_ = 0;
  busy_until_ = err_at_ = kNever;
  update_irq();
}

void ViewWriter::catch_up(Cycle t) {
  if (err_at_ <= t) {
    err_ = true, err_code_ = pending_code_, err_info_ = pending_info_;
    err_at_ = kNever;
  }
  if (busy_ && busy_until_ <= t) {
    busy_ = false;
    done_ = ok_at_end_;
  }
  update_irq();  // the level follows DONE | ERR as soon as they are due
}

void ViewWriter::update_irq() {
  const bool level = irq_en_ && (done_ || err_);
  if (level == irq_level_) return;
  irq_level_ = level;
  if (irq_ && irq_line_ >= 0) irq_->set_irq(static_cast<unsigned>(irq_line_), level);
}

void ViewWriter::tick() {
  const bool was = done_ || err_;
  catch_up(cycle_at(sc_core::sc_time_stamp()));
  if ((done_ || err_) && !was) status_ev_.notify(sc_core::SC_ZERO_TIME);
}

// ---- registers ------------------------------------------------------------------------------

void ViewWriter::b_transport(tlm::tlm_generic_payload& gp, sc_time& delay) {
  if (gp.get_command() == tlm::TLM_IGNORE_COMMAND) return gp.set_response_status(tlm::TLM_OK_RESPONSE);
  if (const auto st = lite_check(gp, vw::kWindowBytes); st != tlm::TLM_OK_RESPONSE) return gp.set_response_status(st);
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

uint32_t ViewWriter::read_reg(uint32_t off, Cycle t) {
  catch_up(t);
  if (off >= vw::DIM0 && off < vw::DIM0 + vw::DIM_BYTES * vw::kMaxRank)
    return dim_[(off - vw::DIM0) / vw::DIM_BYTES][(off - vw::DIM0) % vw::DIM_BYTES / 4];
  switch (off) {
    case vw::CTRL: return irq_en_ ? vw::CTRL_IRQ_EN : 0;  // START reads 0
    case vw::STATUS:
      return (busy_ ? vw::ST_BUSY : 0) | (done_ ? vw::ST_DONE : 0) | (err_ ? vw::ST_ERR : 0) |
             hw::vw::STATUS_ERR_CODE.put(err_code_);
    case vw::BASE: return base_;
    case vw::LIMIT: return limit_;
    case vw::OFFSET: return offset_;
    case vw::RANK: return rank_;
    case vw::ELEMS: return elems_;
    case vw::BURSTS: return bursts_;
    case vw::ERR_INFO: return err_info_;
    default: return 0;
  }
}

void ViewWriter::write_reg(uint32_t off, uint32_t v, Cycle t) {
  catch_up(t);
  if (off >= vw::DIM0 && off < vw::DIM0 + vw::DIM_BYTES * vw::kMaxRank) {
    dim_[(off - vw::DIM0) / vw::DIM_BYTES][(off - vw::DIM0) % vw::DIM_BYTES / 4] = v;
    return;
  }
  switch (off) {
    case vw::CTRL:
      irq_en_ = v & vw::CTRL_IRQ_EN;
      if (v & vw::CTRL_START) start(t);
      update_irq();
      break;
    case vw::STATUS:  // W1C
      if (v & vw::ST_DONE) done_ = false;
      if (v & vw::ST_ERR) err_ = false, err_code_ = err_info_ = 0;
      update_irq();
      break;
    case vw::BASE: base_ = v; break;
    case vw::LIMIT: limit_ = v; break;
    case vw::OFFSET: offset_ = v; break;
    case vw::RANK: rank_ = v; break;
    default: break;  // read-only or unmapped
  }
}

// The port's fractional rate is kept (rounding 1.5 cycles per beat up to 2 would halve a write
// that shares DDR with two readers); the latency is from the last beat's cycle to B.
pl::WriterTiming ViewWriter::port_timing(const HpStreamExt& ext, uint64_t beats) {
  return {ext.done - ext.sched.at(beats - 1),
          std::max<uint32_t>(1000, static_cast<uint32_t>((uint64_t{ext.sched.num} * 1000 + ext.sched.den - 1) /
                                                         ext.sched.den))};
}

// ---- a transfer -----------------------------------------------------------------------------

void ViewWriter::fail_at(uint32_t code, uint32_t dim, Cycle at) {
  pending_code_ = code, pending_info_ = dim, err_at_ = at;
  notify_at(at);
}

void ViewWriter::finish_at(Cycle at) {
  busy_until_ = times_.done = at;
  ok_at_end_ = true;
  notify_at(at);
}

void ViewWriter::start(Cycle t0) {
  if (busy_) return fail_at(vw::kBusy, vw::kNoDim, t0 + 1);  // the running transfer goes on
  const pl::ViewDesc d = descriptor();
  const Cycle t_r = pl::write_ready(d, t0, 0);
  busy_ = true, done_ = false, ok_at_end_ = false, armed_ = false, cached_ = false;
  t0_ = times_.start = t0;
  ++times_.starts;
  const pl::DescCheck c = pl::check_write(d, p_.ddr_bytes);
  if (!c.ok()) {  // R is not accepted: the unit waits until the PS resets the PL
    busy_until_ = times_.done = t_r;
    return fail_at(c.err, c.dim, t_r);
  }
  desc_ = d;
  elems_ = static_cast<uint32_t>(d.elems());
  busy_until_ = kNever;
  ready_ = pl::BeatSchedule{.start = t_r, .num = 1, .den = 1};
  armed_ = true;
  const sc_time when = time_of(t0), now = sc_core::sc_time_stamp();
  armed_ev_.notify(when > now ? when - now : sc_core::SC_ZERO_TIME);
}

Cycle ViewWriter::put(const uint8_t* data, uint64_t bytes, Cycle last_cycle) {
  if (!armed_) {
    SC_REPORT_WARNING(name(), "put() on stream R with no accepted descriptor (after a reset?): dropped");
    return last_cycle;
  }
  armed_ = false;
  const uint64_t n = std::max<uint64_t>(1, (bytes + 7) / 8);
  const Cycle now = cycle_at(sc_core::sc_time_stamp());
  const Cycle last = std::max({last_cycle, ready_.at(n - 1), now ? now - 1 : 0});
  // Only TLAST's cycle is reported: the earlier handshakes as "kept pace, ended at TLAST".
  std::vector<uint64_t> h(n);
  for (uint64_t j = 0; j < n; ++j) h[j] = ready_.at(j) + (last - ready_.at(n - 1));
  return take(data, bytes, h);
}

Cycle ViewWriter::put_beats(const uint8_t* data, uint64_t bytes, const std::vector<uint64_t>& h) {
  if (!armed_ || h.empty()) {
    SC_REPORT_WARNING(name(), "put_beats() on stream R with no accepted descriptor (after a reset?): dropped");
    return h.empty() ? 0 : h.back();
  }
  armed_ = false;
  return take(data, bytes, h);
}

// The plan's first AW does not depend on the port's answer (no burst before it), so the port is
// asked about the transfer from that cycle: the rate it had then (ps7.cpp counts the transfers
// in flight in that cycle, whenever it is asked), as the RTL writer's port asks it live.
bool ViewWriter::plan(const std::vector<uint64_t>& h, bool reserve, pl::WritePlan& out) {
  const pl::ViewDesc& d = desc_;
  const pl::WriterTiming none{p_.write_latency_cycles, 1000};
  const bool again = reserve && cached_ && h == cached_h_;  // put_beats() of replan()'s last offers
  const uint64_t aw0 = again ? cached_aw0_ : pl::first_aw(d, t0_, h);
  // The port's rate from aw0 (one beat asked about: the rate and the write latency do not depend
  // on the asker's length), then, when the transfer is made, the transfer itself as in flight.
  HpStreamExt ext;
  ext.write = true, ext.start = aw0, ext.beats = 1, ext.beat_bytes = 8, ext.reserve = false;
  if (aw0 == 0 || !ask_port(ext)) {  // no burst (the port is not asked), or a range it refuses
    cached_ = false;
    out = pl::plan_write(d, t0_, h, none);
    return aw0 == 0;
  }
  const pl::WriterTiming wt = port_timing(ext, 1);
  if (again && wt.write_latency == cached_wt_.write_latency && wt.cpb_milli == cached_wt_.cpb_milli)
    out = std::move(cached_plan_);
  else
    out = pl::plan_write(d, t0_, h, wt);
  cached_ = false;
  if (!reserve) {  // replan(): put_beats() of the same offers (the fixed point's last pass) reuses it
    cached_ = true, cached_h_ = h, cached_aw0_ = aw0, cached_wt_ = wt, cached_plan_ = out;
    return true;
  }
  // The reservation is a second question: its length (the plan's beats) needs the rate asked
  // above. Asked once with the cached plan's length, a changed rate would reserve a stale length.
  uint64_t beats = 0;
  for (const pl::Burst& b : out.bursts) beats += b.beats;
  ext = HpStreamExt{};
  ext.write = true, ext.start = aw0, ext.beats = beats, ext.beat_bytes = 8;
  return ask_port(ext);
}

bool ViewWriter::ask_port(HpStreamExt& ext) {
  const uint64_t lo = desc_.base & ~7ull, hi = std::min<uint64_t>((desc_.base + desc_.limit + 7) & ~7ull, p_.ddr_bytes);
  tlm::tlm_generic_payload gp;
  gp.set_command(tlm::TLM_IGNORE_COMMAND);
  gp.set_address(lo);
  gp.set_data_length(static_cast<unsigned>(hi - lo));
  gp.set_extension(&ext);
  sc_time delay = sc_core::SC_ZERO_TIME;
  ++hp_transactions_;
  m_axi_hp->b_transport(gp, delay);
  gp.clear_extension(&ext);
  return gp.get_response_status() == tlm::TLM_OK_RESPONSE;
}

bool ViewWriter::replan(const std::vector<uint64_t>& presented, const std::vector<uint64_t>& handshakes) {
  if (!armed_ || presented.empty()) return false;
  pl::WritePlan p;
  if (!plan(presented, false, p)) return false;  // ends in ERR OUT_OF_BOUNDS at put(): no stall to model
  if (p.accept == handshakes) return false;
  ready_tab_ = std::move(p.accept);
  ready_ = pl::BeatSchedule{.start = ready_tab_.front(), .table = ready_tab_.data(), .table_beats = ready_tab_.size()};
  return true;
}

Cycle ViewWriter::take(const uint8_t* data, uint64_t bytes, const std::vector<uint64_t>& h) {
  const pl::ViewDesc& d = desc_;
  const uint64_t n = h.size();
  uint32_t code = plan(h, true, plan_) ? vw::kOk : vw::kOutOfBounds;
  for (const pl::Burst& b : plan_.bursts)
    if (auto why = checker_.check(b, d.base, d.limit, p_.ddr_bytes)) SC_REPORT_ERROR(name(), why->c_str());
  const uint64_t n_words = std::min<uint64_t>(d.elems(), bytes / 4);
  std::vector<uint32_t> words(n_words);
  if (n_words) std::memcpy(words.data(), data, 4 * n_words);
  if (code == vw::kOk && !write_words(d, words.data(), n_words)) code = vw::kOutOfBounds;
  if (code == vw::kOk && n != (d.elems() + 1) / 2) code = vw::kLength;
  bursts_ = static_cast<uint32_t>(plan_.bursts.size());
  times_.last_beat = plan_.accept.back();
  times_.bursts = bursts_, times_.ddr_bytes = plan_.ddr_bytes(), times_.elems = n_words;
  times_.first_beat = plan_.accept.front();
  times_.last_write = plan_.accept.back();  // nothing written: the last handshake
  if (!plan_.bursts.empty()) {
    times_.last_write = 0;
    for (const pl::Burst& b : plan_.bursts) times_.last_write = std::max(times_.last_write, b.wend - 1);
  }
  ++times_.transfers;
  if (code != vw::kOk) {
    busy_until_ = times_.done = plan_.done;
    ok_at_end_ = false;
    fail_at(code, vw::kNoDim, plan_.done);
    if (observer_) observer_(times_);
    return plan_.accept.back();
  }
  finish_at(plan_.done);
  if (observer_) observer_(times_);
  // The write buffer's back-pressure (a_j > h_j: misses waiting for flushes) holds the producer:
  // its last handshake is a_last, as the RTL writer's TREADY makes it.
  return plan_.accept.back();
}

// The words land in DDR now, before the simulated cycles of the bursts (zero copy, as the
// DMA's S2MM): DMI over the buffer's beats, else a read-modify-write of them.
bool ViewWriter::write_words(const pl::ViewDesc& d, const uint32_t* words, uint64_t n) {
  if (plan_.bursts.empty()) return true;
  const uint64_t lo = d.base & ~7ull, hi = std::min<uint64_t>((d.base + d.limit + 7) & ~7ull, p_.ddr_bytes);
  pl::ViewDesc rel = d;
  rel.base = d.base - lo;
  tlm::tlm_generic_payload gp;
  gp.set_command(tlm::TLM_WRITE_COMMAND);
  gp.set_address(lo);
  tlm::tlm_dmi dmi;
  ++hp_transactions_;
  if (m_axi_hp->get_direct_mem_ptr(gp, dmi) && dmi.is_write_allowed() && dmi.get_start_address() <= lo &&
      dmi.get_end_address() + 1 >= hi) {
    pl::scatter(rel, words, n, dmi.get_dmi_ptr() + (lo - dmi.get_start_address()));
    return true;
  }
  std::vector<uint8_t> buf(hi - lo);
  for (tlm::tlm_command cmd : {tlm::TLM_READ_COMMAND, tlm::TLM_WRITE_COMMAND}) {
    if (cmd == tlm::TLM_WRITE_COMMAND) pl::scatter(rel, words, n, buf.data());
    gp.set_command(cmd);
    gp.set_data_ptr(buf.data());
    gp.set_data_length(static_cast<unsigned>(buf.size()));
    gp.set_streaming_width(static_cast<unsigned>(buf.size()));
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_time delay = sc_core::SC_ZERO_TIME;
    ++hp_transactions_;
    m_axi_hp->b_transport(gp, delay);
    if (gp.get_response_status() != tlm::TLM_OK_RESPONSE) return false;
  }
  return true;
}

std::string ViewWriter::describe() const {
  std::string s = std::string(name()) + " (stream R): ";
  if (armed_) return s + "waiting for R (" + std::to_string(elems_) + " elements) into " + desc_.str();
  if (busy_) return s + "busy until cycle " + (busy_until_ == kNever ? std::string("?") : std::to_string(busy_until_));
  return s + (err_ ? std::string("ERR ") + vw::err_name(err_code_) : std::string("idle")) + " (last transfer: " +
         std::to_string(times_.bursts) + " bursts, last beat " + std::to_string(times_.last_beat) + ", done " +
         std::to_string(times_.done) + ")";
}

}  // namespace tinypynq::vp
