// SPDX-License-Identifier: MIT
// tinypynq — the v2 command queue as a TLM-2.0 module (cmd_queue_tlm.h, docs/pl-v2.md step 4).
#include "models/tlm/axi_lite_check.h"
#include "models/tlm/cmd_queue_tlm.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "models/tlm/hp_ext.h"
#include "models/tlm/view_writer_tlm.h"

namespace tinypynq::vp {

using sc_core::sc_time;
namespace cq = hw::cq;
namespace lim = hw::limits;

CmdQueueParams CmdQueueParams::from(const BoardConfig& cfg) {
  CmdQueueParams p;
  p.clock_period = sc_time(1.0 / cfg.pl_clock_hz, sc_core::SC_SEC);
  p.ddr_bytes = cfg.ddr_bytes;
  p.write_latency_cycles = static_cast<uint64_t>(std::ceil(cfg.ddr_write_latency_ns * 1e-9 * cfg.pl_clock_hz));
  return p;
}

namespace {
// The windows an entry may write (docs/pl-v2.md step 4, BAD_ADDR): the readers, the writer and
// the units of the PL top (not SYS, not the queue itself).
bool writable(uint64_t a) {
  auto in = [a](uint64_t base, uint64_t size) { return a >= base && a < base + size; };
  if (a % 4) return false;
  if (in(hw::win::VR_BASE, hw::win::VR_SIZE) || in(hw::win::VW_BASE, hw::win::VW_SIZE)) return true;
  for (const hw::UnitInfo& u : hw::kUnits)
    if (in(u.base, hw::win::VEC_SIZE)) return true;
  return false;
}
bool pow2(uint32_t v) { return v && !(v & (v - 1)); }
}  // namespace

CmdQueue::CmdQueue(sc_core::sc_module_name name, const CmdQueueParams& p, IrqSink* irq, int irq_line, ViewWriter* vw)
    : sc_module(name), s_axi_lite("s_axi_lite"), m_axi_regs("m_axi_regs"), m_axi_hp("m_axi_hp"), p_(p), irq_(irq),
      irq_line_(irq_line), vw_(vw) {
  s_axi_lite.register_b_transport(this, &CmdQueue::b_transport);
  SC_THREAD(thread);
  SC_METHOD(tick);
  sensitive << tick_ev_;
  dont_initialize();
}

Cycle CmdQueue::cycle_at(const sc_time& t) const {
  const auto per = p_.clock_period.value();
  return (t.value() + per - 1) / per;
}
sc_time CmdQueue::time_of(Cycle c) const { return sc_time::from_value(c * p_.clock_period.value()); }
void CmdQueue::notify_at(Cycle c) {
  const sc_time when = time_of(c), now = sc_core::sc_time_stamp();
  tick_ev_.notify(when > now ? when - now : sc_core::SC_ZERO_TIME);
}

void CmdQueue::reset() {
  ctrl_ = ring_base_ = ring_slots_ = tail_ = wait_ = 0;
  batch_ = err_ = stopped_ = false;
  err_code_ = err_index_ = err_info_ = pend_code_ = pend_index_ = pend_info_ = 0;
  posted_ = completed_ = started_ = 0;
  posted_at_.clear(), complete_at_.clear(), batch_at_.clear();
  err_at_ = kNever;
  ++gen_;
  reset_ev_.notify(sc_core::SC_ZERO_TIME);
  update_irq();
}

void CmdQueue::catch_up(Cycle t) {
  while (!complete_at_.empty() && complete_at_.front().first <= t) {
    completed_ = complete_at_.front().second;
    complete_at_.pop_front();
  }
  while (!batch_at_.empty() && batch_at_.front() <= t) batch_ = true, batch_at_.pop_front();
  if (err_at_ <= t) {
    err_ = true, err_code_ = pend_code_, err_index_ = pend_index_, err_info_ = pend_info_;
    err_at_ = kNever;
  }
  update_irq();
}

void CmdQueue::update_irq() {
  const bool level = ((ctrl_ & cq::CTRL_IRQ_EN.mask) && (batch_ || err_)) || ((ctrl_ & cq::CTRL_REACHED_EN.mask) && reached());
  if (level == irq_level_) return;
  irq_level_ = level;
  if (irq_ && irq_line_ >= 0) irq_->set_irq(static_cast<unsigned>(irq_line_), level);
}

void CmdQueue::tick() { catch_up(cycle_at(sc_core::sc_time_stamp())); }

// ---- registers (GP0) --------------------------------------------------------------------------

void CmdQueue::b_transport(tlm::tlm_generic_payload& gp, sc_time& delay) {
  if (gp.get_command() == tlm::TLM_IGNORE_COMMAND) return gp.set_response_status(tlm::TLM_OK_RESPONSE);
  if (const auto st = lite_check(gp, hw::win::CQ_SIZE); st != tlm::TLM_OK_RESPONSE) return gp.set_response_status(st);
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

uint32_t CmdQueue::read_reg(uint32_t off, Cycle t) {
  catch_up(t);
  switch (off) {
    case cq::CTRL: return ctrl_;
    case cq::STATUS:
      return (!err_ && posted_ > completed_ ? cq::STATUS_BUSY.mask : 0) | (batch_ ? cq::STATUS_BATCH.mask : 0) |
             (err_ ? cq::STATUS_ERR.mask : 0) | (reached() ? cq::STATUS_REACHED.mask : 0) | cq::STATUS_ERR_CODE.put(err_code_);
    case cq::RING_BASE: return ring_base_;
    case cq::RING_SLOTS: return ring_slots_;
    case cq::TAIL: return tail_;
    case cq::HEAD: return ring_slots_ ? static_cast<uint32_t>(completed_ & (ring_slots_ - 1)) : 0;
    case cq::COMPLETED: return static_cast<uint32_t>(completed_);
    case cq::ERR_INDEX: return err_index_;
    case cq::ERR_INFO: return err_info_;
    case cq::WAIT: return wait_;
    default: return 0;
  }
}

void CmdQueue::write_reg(uint32_t off, uint32_t v, Cycle t) {
  catch_up(t);
  switch (off) {
    case cq::CTRL: {
      const bool was = ctrl_ & cq::CTRL_ENABLE.mask;
      ctrl_ = v & (cq::CTRL_ENABLE.mask | cq::CTRL_IRQ_EN.mask | cq::CTRL_REACHED_EN.mask);
      if (!was && (ctrl_ & cq::CTRL_ENABLE.mask)) {
        const bool ok = (ring_base_ % lim::CQ_SLOT_BYTES) == 0 && pow2(ring_slots_) && ring_slots_ >= 2 &&
                        ring_slots_ <= lim::CQ_MAX_SLOTS &&
                        uint64_t{ring_base_} + uint64_t{ring_slots_} * lim::CQ_SLOT_BYTES <= p_.ddr_bytes;
        if (!ok) fail(cq::ERR_BAD_RING, completed_, 0, t + 1);
        posted_at_.push_back({t, posted_});
        const sc_time when = time_of(t), now = sc_core::sc_time_stamp();
        doorbell_ev_.notify(when > now ? when - now : sc_core::SC_ZERO_TIME);
      }
      update_irq();
      break;
    }
    case cq::STATUS:  // W1C: BATCH only (ERR clears with a reset)
      if (v & cq::STATUS_BATCH.mask) batch_ = false;
      update_irq();
      break;
    case cq::WAIT:
      wait_ = v;
      update_irq();
      break;
    case cq::RING_BASE: ring_base_ = v; break;
    case cq::RING_SLOTS: ring_slots_ = v; break;
    case cq::TAIL: {
      if (!ring_slots_ || v >= ring_slots_) {
        fail(cq::ERR_BAD_RING, completed_, v, t + 1);
        break;
      }
      posted_ += (v - tail_) & (ring_slots_ - 1);  // the entries the doorbell adds
      tail_ = v;
      posted_at_.push_back({t, posted_});
      const sc_time when = time_of(t), now = sc_core::sc_time_stamp();
      doorbell_ev_.notify(when > now ? when - now : sc_core::SC_ZERO_TIME);
      break;
    }
    default: break;  // read-only or unmapped
  }
}

// ---- the sequencer ----------------------------------------------------------------------------

Cycle CmdQueue::avail_cycle(uint64_t n) const {
  for (const auto& [c, count] : posted_at_)
    if (count > n) return c;
  return kNever;
}

void CmdQueue::fail(uint32_t code, uint64_t n, uint32_t info, Cycle at) {
  stopped_ = true;
  pend_code_ = code, pend_info_ = info, err_at_ = at;
  pend_index_ = ring_slots_ ? static_cast<uint32_t>(n & (ring_slots_ - 1)) : 0;
  notify_at(at);
}

bool CmdQueue::wait_until(Cycle c) {
  const sc_time at = time_of(c), now = sc_core::sc_time_stamp();
  if (at <= now) return true;
  const uint64_t g = gen_;
  wait(at - now, reset_ev_);
  return g == gen_;
}

uint32_t CmdQueue::bus(tlm::tlm_command cmd, uint64_t addr, uint32_t v, Cycle c, bool* ok) {
  tlm::tlm_generic_payload& gp = bus_gp_;
  gp.set_command(cmd);
  gp.set_address(addr);
  gp.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
  gp.set_data_length(4);
  gp.set_streaming_width(4);
  gp.set_byte_enable_ptr(nullptr);
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  const sc_time at = time_of(c), now = sc_core::sc_time_stamp();
  sc_time delay = at > now ? at - now : sc_core::SC_ZERO_TIME;
  m_axi_regs->b_transport(gp, delay);
  *ok = gp.is_response_ok();
  return v;
}

uint32_t* CmdQueue::slot_words(uint64_t n) {
  const uint64_t a = uint64_t{ring_base_} + (n & (ring_slots_ - 1)) * lim::CQ_SLOT_BYTES;
  tlm::tlm_generic_payload gp;
  gp.set_command(tlm::TLM_READ_COMMAND);
  gp.set_address(a);
  tlm::tlm_dmi dmi;
  ++hp_transactions_;
  if (!m_axi_hp->get_direct_mem_ptr(gp, dmi) || !dmi.is_read_allowed() || dmi.get_start_address() > a ||
      dmi.get_end_address() + 1 < a + lim::CQ_SLOT_BYTES)
    return nullptr;
  return reinterpret_cast<uint32_t*>(dmi.get_dmi_ptr() + (a - dmi.get_start_address()));
}

// The arrival of entry n's last needed beat, its fetch issued in cycle f (spec: h_e, r_e).
Cycle CmdQueue::fetch_timing(uint64_t n, Cycle f, uint32_t* nwrites, bool* ok) {
  *ok = false;
  const uint32_t* w = slot_words(n);
  if (!w) return f + 1;
  *nwrites = cq::HEADER_NWRITES.get(w[0]);
  const uint64_t beats = lim::CQ_HEADER_WORDS / 2 + std::min<uint32_t>(*nwrites, lim::CQ_MAX_WRITES);  // 8 bytes each
  const uint64_t line = lim::VR_LINE_BYTES / 8;  // the first line, always fetched whole
  HpStreamExt ext;
  ext.write = false, ext.start = f, ext.beats = std::max(beats, line), ext.beat_bytes = 8;
  tlm::tlm_generic_payload gp;
  gp.set_command(tlm::TLM_IGNORE_COMMAND);
  gp.set_address(uint64_t{ring_base_} + (n & (ring_slots_ - 1)) * lim::CQ_SLOT_BYTES);
  gp.set_data_length(lim::CQ_SLOT_BYTES);
  gp.set_extension(&ext);
  sc_time delay = sc_core::SC_ZERO_TIME;
  ++hp_transactions_;
  m_axi_hp->b_transport(gp, delay);
  gp.clear_extension(&ext);
  if (gp.get_response_status() != tlm::TLM_OK_RESPONSE) return f + 1;
  *ok = true;
  const uint64_t lat = ext.sched.start - ext.start;
  const uint64_t cpb = std::max<uint64_t>(1, (ext.sched.num + ext.sched.den / 2) / ext.sched.den);  // as the readers
  const Cycle h = f + lat + line * cpb;
  return beats > line ? h + 1 + lat + (beats - line) * cpb : h;
}

void CmdQueue::thread() {
  Cycle prev_start = 0, prev_end = 0;
  bool have_prev = false;
  for (;;) {
    const uint64_t g = gen_;
    while (g == gen_ && (stopped_ || !(ctrl_ & cq::CTRL_ENABLE.mask) || avail_cycle(started_) == kNever))
      wait(doorbell_ev_ | reset_ev_);
    if (g != gen_) {
      have_prev = false;
      continue;
    }
    const uint64_t n = started_++;
    // Records that post no entry from n on (count <= n) are done with; the one that posted n is
    // kept (until 8 Dec 2026 it was dropped as soon as a later doorbell had come, so entry n's
    // fetch was timed from the later doorbell: the RTL queue's lockstep on the rtl target found it).
    while (!posted_at_.empty() && posted_at_.front().second <= n && posted_at_.size() > 1) posted_at_.pop_front();
    const Cycle avail = avail_cycle(n) == kNever ? cycle_at(sc_core::sc_time_stamp()) : avail_cycle(n);
    const Cycle f = std::max(avail, have_prev ? prev_start : 0);  // one entry fetched ahead of the running one
    CmdQueueEntryTimes e;
    e.seq = n, e.slot = static_cast<uint32_t>(n & (ring_slots_ - 1)), e.fetch = f;
    bool ok = false;
    uint32_t nw = 0;
    e.arrive = fetch_timing(n, f, &nw, &ok);
    if (!ok) {
      fail(cq::ERR_FETCH, n, 0, e.arrive);
      log_.push_back(e);
      continue;
    }
    e.start = std::max(e.arrive, have_prev ? prev_end + 1 : 0);
    e.writes = nw;
    prev_start = e.start, have_prev = true;
    const uint32_t* w = slot_words(n);
    const uint32_t head = w[0];
    const unsigned unit = cq::HEADER_UNIT.get(head);
    if (nw == 0 || nw > lim::CQ_MAX_WRITES || unit >= hw::kNumUnits) {
      fail(cq::ERR_BAD_ENTRY, n, head, e.start + 1);  // checked in s_e, STATUS.ERR from s_e + 1 (the RTL's register)
      log_.push_back(e);
      continue;
    }
    // Copy the writes first: the PS may reuse the slot once the entry completes.
    std::vector<uint32_t> pairs(w + lim::CQ_HEADER_WORDS, w + lim::CQ_HEADER_WORDS + 2 * nw);
    const unsigned W = p_.access_cycles;
    bool bad = false;
    for (uint32_t i = 0; i < nw && !bad; ++i) {
      const Cycle c = e.start + 1 + W * i;
      bool wok = writable(pairs[2 * i]);
      if (wok) bus(tlm::TLM_WRITE_COMMAND, pairs[2 * i], pairs[2 * i + 1], c, &wok);
      if (!wok) fail(cq::ERR_BAD_ADDR, n, i, c), bad = true;
    }
    if (bad) {
      log_.push_back(e);
      continue;
    }
    const uint64_t ubase = hw::kUnits[unit].base;
    e.unit_check = e.start + 1 + W * nw;
    bool rok = true;
    const uint32_t ust0 = bus(tlm::TLM_READ_COMMAND, ubase + hw::unit::STATUS, 0, e.unit_check, &rok);
    if (hw::unit::STATUS_ERR.get(ust0)) {
      fail(cq::ERR_UNIT, n, ust0, e.unit_check + W);  // the read's R in u_e + 1, STATUS.ERR from u_e + 2
      log_.push_back(e);
      continue;
    }
    // VW's done/err wires end the command (its STATUS in the cycle they rise).
    if (!wait_until(e.unit_check)) continue;
    uint32_t vws = 0;
    for (;;) {
      const Cycle now = std::max(cycle_at(sc_core::sc_time_stamp()), e.unit_check);
      vws = bus(tlm::TLM_READ_COMMAND, hw::win::VW_BASE + hw::vw::STATUS, 0, now, &rok);
      if (vws & (hw::vw::STATUS_DONE.mask | hw::vw::STATUS_ERR.mask)) {
        e.vw_done = now;
        break;
      }
      const uint64_t gg = gen_;
      wait(vw_->status_event() | reset_ev_);
      if (gg != gen_) break;
    }
    if (g != gen_) continue;
    const Cycle d = e.vw_done;
    const uint32_t ust = bus(tlm::TLM_READ_COMMAND, ubase + hw::unit::STATUS, 0, d + W, &rok);
    const uint32_t cycles = bus(tlm::TLM_READ_COMMAND, ubase + hw::unit::CYCLES_LO, 0, d + 2 * W, &rok);
    const bool cmd_err = hw::unit::STATUS_ERR.get(ust) || (vws & hw::vw::STATUS_ERR.mask);
    if (!cmd_err) {  // the blocks keep an error's STATUS for the PS
      bus(tlm::TLM_WRITE_COMMAND, ubase + hw::unit::STATUS,
          hw::unit::STATUS_DONE.mask | hw::unit::STATUS_W_RANGE.mask | hw::unit::STATUS_W_TLAST.mask, d + 3 * W, &rok);
      bus(tlm::TLM_WRITE_COMMAND, hw::win::VW_BASE + hw::vw::STATUS, hw::vw::STATUS_DONE.mask | hw::vw::STATUS_ERR.mask,
          d + 4 * W, &rok);
    }
    e.end = d + 4 * W;
    prev_end = e.end;
    // The result record (words 2 and 3: one beat on HP3); the words land now, as VW's do.
    const uint32_t result = cq::RESULT_UNIT_STATUS.put(ust) | cq::RESULT_VW_STATUS.put(vws & 0xFF) | cq::RESULT_VALID.mask;
    if (uint32_t* slot = slot_words(n)) slot[2] = result, slot[3] = cycles;
    const Cycle b = e.end + 2 + p_.write_latency_cycles;
    e.completed = b + 1;
    log_.push_back(e);
    if (cmd_err) {
      fail(cq::ERR_COMMAND, n, result, b + 1);
      continue;
    }
    complete_at_.push_back({b + 1, n + 1});
    if (cq::HEADER_IRQ.get(head)) batch_at_.push_back(b + 1);
    notify_at(b + 1);
  }
}

std::string CmdQueue::describe() const {
  std::string s = std::string(name()) + ": ";
  if (err_ || stopped_) return s + "stopped (ERR " + cq::err_name(err_ ? err_code_ : pend_code_) + " at slot " +
                               std::to_string(err_ ? err_index_ : pend_index_) + ")";
  return s + std::to_string(posted_) + " posted, " + std::to_string(started_) + " started, " +
         std::to_string(completed_) + " completed";
}

}  // namespace tinypynq::vp
