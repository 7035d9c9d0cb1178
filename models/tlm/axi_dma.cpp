// SPDX-License-Identifier: MIT
// tinypynq — AXI DMA v7.1 (PG021) direct register mode model. See axi_dma.h and docs/axi-dma.md.
#include "models/tlm/axi_dma.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace tinypynq::vp {

using namespace dma_reg;
using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;
using tlm::tlm_generic_payload;
using tlm::tlm_response_status;

AxiDmaParams AxiDmaParams::from(const BoardConfig& cfg) {
  AxiDmaParams p;
  p.length_width = cfg.dma_length_width;
  p.data_bytes = cfg.dma_data_bytes;
  p.burst_beats = cfg.dma_burst_beats;
  p.mm2s_latency = cfg.dma_mm2s_latency;
  p.s2mm_latency = cfg.dma_s2mm_latency;
  p.s2mm_burst_gap = cfg.dma_s2mm_burst_gap;
  p.start_cycles = cfg.dma_start_cycles;
  p.clock_period = sc_time(1.0 / cfg.pl_clock_hz, sc_core::SC_SEC);
  return p;
}

// ---------------------------------------------------------------------------------------------
// Channel registers

void AxiDma::Channel::reset() {
  rs = ioc_en = dly_en = err_en = keyhole = cyclic = false;
  irq_threshold = 1;
  irq_delay = 0;
  halted = true;  // PG021: Halted resets to 1, Idle to 0 ("0 prior to initial transfer")
  idle = ioc_irq = err_irq = false;
  err_bits = 0;
  addr = length = xfer_addr = xfer_len = 0;
  busy = false;
  ++gen;  // timed actions of the interrupted transfer are dropped
}

uint32_t AxiDma::Channel::dmacr() const {
  if (!present) return 0;
  return (rs ? CR_RS : 0) | CR_RSVD1 | (keyhole ? CR_KEYHOLE : 0) | (cyclic ? CR_CYCLIC : 0) |
         (ioc_en ? CR_IOC_IRQEN : 0) | (dly_en ? CR_DLY_IRQEN : 0) | (err_en ? CR_ERR_IRQEN : 0) |
         (uint32_t(irq_threshold) << CR_THRESH_SHIFT) | (uint32_t(irq_delay) << CR_DELAY_SHIFT);
}

uint32_t AxiDma::Channel::dmasr() const {
  if (!present) return 0;
  // SGIncld (bit 3) = C_INCLUDE_SG = 0; the SG coalescing status fields (31:16) are not built.
  return (halted ? SR_HALTED : 0) | (idle ? SR_IDLE : 0) | err_bits | (ioc_irq ? SR_IOC_IRQ : 0) |
         (err_irq ? SR_ERR_IRQ : 0);
}

// ---------------------------------------------------------------------------------------------
// Module

AxiDma::AxiDma(sc_core::sc_module_name name, const AxiDmaParams& params, bool has_mm2s,
               bool has_s2mm, IrqSink* irq, int mm2s_introut, int s2mm_introut)
    : sc_module(name),
      s_axi_lite("s_axi_lite"),
      m_axi_mm2s("m_axi_mm2s"),
      m_axi_s2mm("m_axi_s2mm"),
      m_p(params),
      m_irq(irq),
      m_mm2s(*this, has_mm2s, false, mm2s_introut),
      m_s2mm(*this, has_s2mm, true, s2mm_introut) {
  const auto& p = m_p;
  const bool pow2 = p.data_bytes && !(p.data_bytes & (p.data_bytes - 1));
  if (!pow2 || p.data_bytes > 128 || p.length_width < 8 || p.length_width > 26 ||
      p.burst_beats < 1 || p.mm2s_latency < 1 || p.clock_period == SC_ZERO_TIME)
    SC_REPORT_ERROR(this->name(), "invalid AxiDmaParams (data_bytes a power of two <= 128, "
                                  "length_width 8..26, burst_beats >= 1, mm2s_latency >= 1, "
                                  "clock_period > 0)");
  s_axi_lite.register_b_transport(this, &AxiDma::b_transport);
  SC_METHOD(wake);
  sensitive << m_wake;
  dont_initialize();
}

void AxiDma::end_of_elaboration() {
  // A present channel without an HP port would fail only at its first transfer; say it now.
  if (m_mm2s.present && m_axi_mm2s.size() == 0)
    SC_REPORT_ERROR(name(), "m_axi_mm2s is not bound (the MM2S channel is present)");
  if (m_s2mm.present && m_axi_s2mm.size() == 0)
    SC_REPORT_ERROR(name(), "m_axi_s2mm is not bound (the S2MM channel is present)");
}

Cycle AxiDma::cycle_ceil(const sc_time& t) const {
  const auto p = m_p.clock_period.value();
  return (t.value() + p - 1) / p;  // a write inside a cycle takes effect at its end
}

sc_time AxiDma::time_of(Cycle c) const {
  return sc_time::from_value(c * m_p.clock_period.value());
}

// ---------------------------------------------------------------------------------------------
// Timed actions: every state change is applied at its own simulated time by one SC_METHOD, so
// a temporally decoupled PS can post writes ahead and reads see a consistent state.

void AxiDma::schedule(const sc_time& at, Action a) {
  const sc_time now = sc_core::sc_time_stamp();
  a.t = std::max(at, now);
  a.seq = m_seq++;
  // Few actions are pending at once: a sorted vector beats a tree of nodes.
  auto pos = std::lower_bound(m_actions.begin(), m_actions.end(), a, [](const Action& e, const Action& x) {
    return e.t != x.t ? e.t > x.t : e.seq > x.seq;
  });
  const sc_time dt = a.t - now;
  m_actions.insert(pos, a);
  m_wake.notify(dt);  // keeps the earlier of this and a pending notification
}

void AxiDma::schedule_cycle(Channel& ch, Cycle c, Action a) {
  a.ch = &ch;
  a.gen = ch.gen;
  a.c = c;
  schedule(time_of(c), a);
}

void AxiDma::apply(const Action& a) {
  if (a.ch && a.gen != a.ch->gen) return;  // the transfer was reset
  switch (a.kind) {
    case Action::kWrite: write_reg(a.a, uint32_t(a.b), a.c); break;
    case Action::kArm: m_s2mm.arm(a.c); break;
    case Action::kIssue: m_mm2s.issue(a.c); break;
    case Action::kFail: fail(*a.ch, a.a, a.c); break;
    case Action::kDoneMm2s: complete(*a.ch, a.c, a.ch->xfer_len); break;
    case Action::kDoneS2mm:
      a.ch->length = uint32_t(a.b);  // S2MM_LENGTH reads the bytes actually written
      complete(*a.ch, a.c, a.b);
      break;
  }
}

void AxiDma::run_due() {
  const sc_time now = sc_core::sc_time_stamp();
  while (!m_actions.empty() && m_actions.back().t <= now) {
    const Action a = m_actions.back();
    m_actions.pop_back();
    apply(a);  // may schedule more actions, at now or later
  }
  update_irqs();
  if (!m_actions.empty()) m_wake.notify(m_actions.back().t - now);
}

void AxiDma::wake() { run_due(); }

bool AxiDma::s2mm_ioc_due(sc_time* at) const {
  for (auto it = m_actions.rbegin(); it != m_actions.rend(); ++it) {  // earliest first
    const Action& a = *it;
    if (a.ch && a.gen != a.ch->gen) continue;  // dropped when due
    if (a.kind == Action::kWrite) return false;  // a posted DMACR/DMASR write may reset or clear
    if (a.ch != &m_s2mm) continue;  // MM2S actions leave S2MM's IOC_Irq and Err_Irq alone
    if (a.kind != Action::kDoneS2mm) return false;  // an arm (may fail) or an error first
    *at = a.t;
    return true;
  }
  return false;
}

void AxiDma::update_irqs() {
  for (Channel* ch : {static_cast<Channel*>(&m_mm2s), static_cast<Channel*>(&m_s2mm)}) {
    const bool level = ch->present && ch->irq_wanted();
    if (level == ch->irq_level) continue;
    ch->irq_level = level;
    if (m_irq && ch->irq_line >= 0) m_irq->set_irq(unsigned(ch->irq_line), level);
  }
}

// ---------------------------------------------------------------------------------------------
// AXI-Lite register window

void AxiDma::b_transport(tlm_generic_payload& gp, sc_time& delay) {
  const sc_time effect = sc_core::sc_time_stamp() + delay;  // write takes effect here
  delay += m_p.clock_period * double(m_p.reg_access_cycles);
  const auto cmd = gp.get_command();
  const uint64_t off = gp.get_address();
  const unsigned sw = gp.get_streaming_width();
  if (cmd == tlm::TLM_IGNORE_COMMAND) {
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
  } else if (off >= WINDOW_BYTES || off % 4) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
  } else if (gp.get_data_length() != 4 || (sw != 0 && sw != 4)) {
    gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);  // AXI-Lite: 32-bit only
  } else if (gp.get_byte_enable_ptr()) {
    gp.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
  } else if (cmd == tlm::TLM_READ_COMMAND) {
    run_due();  // the initiator syncs before reading: apply everything up to now
    const uint32_t v = read_reg(uint32_t(off));
    std::memcpy(gp.get_data_ptr(), &v, 4);
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
  } else {
    uint32_t v;
    std::memcpy(&v, gp.get_data_ptr(), 4);
    Action w;
    w.kind = Action::kWrite, w.a = uint32_t(off), w.b = v, w.c = cycle_ceil(effect);
    schedule(effect, w);
    if (effect <= sc_core::sc_time_stamp()) run_due();
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
  }
}

uint32_t AxiDma::read_reg(uint32_t off) const {
  const Mm2s& m = m_mm2s;
  const S2mm& s = m_s2mm;
  switch (off) {
    case MM2S_DMACR: return m.dmacr();
    case MM2S_DMASR: return m.dmasr();
    case MM2S_SA: return m.present ? m.addr : 0;
    case MM2S_LENGTH: return m.present ? m.length : 0;
    case S2MM_DMACR: return s.dmacr();
    case S2MM_DMASR: return s.dmasr();
    case S2MM_DA: return s.present ? s.addr : 0;
    case S2MM_LENGTH: return s.present ? s.length : 0;
    default: return 0;  // *_MSB (32-bit addressing), reserved and unmapped offsets
  }
}

void AxiDma::write_reg(uint32_t off, uint32_t v, Cycle tw) {
  const bool s2mm = off >= S2MM_DMACR;
  Channel& ch = s2mm ? static_cast<Channel&>(m_s2mm) : static_cast<Channel&>(m_mm2s);
  if (!ch.present) return;  // an absent channel's registers read 0 and ignore writes
  switch (off) {
    case MM2S_DMACR: case S2MM_DMACR: write_dmacr(ch, v); break;
    case MM2S_DMASR: case S2MM_DMASR:
      // W1C interrupt bits; Halted, Idle and the error bits are read-only.
      if (v & SR_IOC_IRQ) ch.ioc_irq = false;
      if (v & SR_ERR_IRQ) ch.err_irq = false;
      break;
    case MM2S_SA: case S2MM_DA: ch.addr = v; break;
    case MM2S_LENGTH: case S2MM_LENGTH: write_length(ch, v, tw); break;
    default: break;
  }
}

void AxiDma::write_dmacr(Channel& ch, uint32_t v) {
  if (v & CR_RESET) {  // either channel's Reset resets the whole core (PG021)
    soft_reset();
    return;
  }
  ch.ioc_en = v & CR_IOC_IRQEN;
  ch.dly_en = v & CR_DLY_IRQEN;  // stored; the delay interrupt is scatter-gather only
  ch.err_en = v & CR_ERR_IRQEN;
  ch.keyhole = v & CR_KEYHOLE;   // stored, not modelled: our design never sets it
  ch.cyclic = v & CR_CYCLIC;     // scatter-gather only
  const uint8_t thr = uint8_t(v >> CR_THRESH_SHIFT);
  ch.irq_threshold = thr ? thr : 1;  // a threshold of 0 is stored as 1 (PG021)
  ch.irq_delay = uint8_t(v >> CR_DELAY_SHIFT);
  // An error clears RS of both channels and holds it at 0 until a reset (the IP's run/stop
  // clear includes the other channel's error).
  const bool rs = (v & CR_RS) && !m_mm2s.err_bits && !m_s2mm.err_bits;
  if (rs && !ch.rs) {
    ch.rs = true;
    ch.halted = false;  // Idle stays 0 until the first transfer completes
  } else if (!rs && ch.rs) {
    ch.rs = false;
    if (!ch.busy) halt(ch);  // else: halts when the current transfer completes
  }
}

void AxiDma::write_length(Channel& ch, uint32_t v, Cycle tw) {
  ch.length = v & uint32_t((uint64_t(1) << m_p.length_width) - 1);
  // Only a non-zero write to a running channel with no transfer in flight starts one; the
  // value is stored in every case (PG021; the IP's length write enable needs a non-zero value
  // and its state machine needs RS = 1 and no queued command).
  if (ch.length == 0 || !ch.rs || ch.busy) return;
  ch.busy = true;
  ch.idle = false;
  ch.xfer_addr = ch.addr;
  ch.xfer_len = ch.length;
  ch.times.length_write = tw;
  ch.times.addr = ch.times.first_beat = ch.times.last_beat = ch.times.done = 0;
  ch.times.bytes = ch.length;
  const Cycle t1 = tw + m_p.start_cycles;
  if (ch.is_s2mm)
    schedule_cycle(ch, t1, Action{.kind = Action::kArm});
  else
    schedule_cycle(ch, t1, Action{.kind = Action::kIssue});
}

void AxiDma::soft_reset() {
  for (Channel* ch : {static_cast<Channel*>(&m_mm2s), static_cast<Channel*>(&m_s2mm)})
    if (ch->present) ch->reset();
  m_mm2s.disarm();
  m_s2mm.disarm();
}

void AxiDma::halt(Channel& ch) {
  ch.halted = true;
  ch.idle = false;  // PG021: Idle is 0 when the channel is halted
}

void AxiDma::complete(Channel& ch, Cycle t, uint64_t bytes) {
  ch.busy = false;
  ch.idle = true;
  ch.ioc_irq = true;
  ch.times.done = t;
  ch.times.bytes = bytes;
  ch.times.transfers++;
  ch.times.total_bytes += bytes;
  if (!ch.rs) halt(ch);  // RS was cleared during the transfer
}

void AxiDma::fail(Channel& ch, uint32_t err, Cycle t) {
  if (!ch.err_bits) ch.err_irq = true;  // Err_Irq is set on the rising edge of "any error"
  ch.err_bits |= err;
  ch.busy = false;
  ch.rs = false;
  ch.times.done = t;
  halt(ch);
  if (&ch == &m_mm2s)
    m_mm2s.disarm();
  else
    m_s2mm.disarm();
  Channel& other = &ch == &m_mm2s ? static_cast<Channel&>(m_s2mm) : static_cast<Channel&>(m_mm2s);
  if (other.present && other.rs) {
    other.rs = false;
    if (!other.busy) halt(other);
  }
}

uint32_t AxiDma::error_bit(tlm_response_status st) {
  return st == tlm::TLM_ADDRESS_ERROR_RESPONSE ? SR_DECERR : SR_SLVERR;
}

// ---------------------------------------------------------------------------------------------
// HP port access

tlm_response_status AxiDma::hp_query(HpSocket& s, bool write, uint64_t addr, uint64_t bytes,
                                     Cycle start, HpStreamExt& ext) {
  tlm_generic_payload& gp = m_gp;
  gp.set_command(tlm::TLM_IGNORE_COMMAND);
  gp.set_address(addr);
  gp.set_data_ptr(nullptr);
  gp.set_data_length(unsigned(bytes));
  gp.set_streaming_width(unsigned(bytes));
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  ext.write = write;
  ext.start = start;
  ext.beats = beats_of(bytes);
  ext.beat_bytes = m_p.data_bytes;
  ext.burst_beats = m_p.burst_beats;
  gp.set_extension(&ext);
  sc_time d = SC_ZERO_TIME;
  s->b_transport(gp, d);
  gp.clear_extension(&ext);  // not owned by the payload
  return gp.get_response_status();
}

uint8_t* AxiDma::hp_dmi(HpSocket& s, bool write, uint64_t addr, uint64_t bytes) {
  tlm_generic_payload& gp = m_gp;
  gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  gp.set_address(addr);
  gp.set_data_length(unsigned(bytes));
  gp.set_data_ptr(nullptr);  // as a fresh payload: a DMI request carries no data
  gp.set_streaming_width(0);
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  gp.set_dmi_allowed(false);
  tlm::tlm_dmi dmi;
  if (!s->get_direct_mem_ptr(gp, dmi)) return nullptr;
  if (write ? !dmi.is_write_allowed() : !dmi.is_read_allowed()) return nullptr;
  if (dmi.get_start_address() > addr || dmi.get_end_address() < addr + bytes - 1) return nullptr;
  return dmi.get_dmi_ptr() + (addr - dmi.get_start_address());
}

tlm_response_status AxiDma::hp_copy(HpSocket& s, bool write, uint64_t addr, uint8_t* data,
                                    uint64_t bytes) {
  tlm_generic_payload& gp = m_gp;
  gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  gp.set_address(addr);
  gp.set_data_ptr(data);
  gp.set_data_length(unsigned(bytes));
  gp.set_streaming_width(unsigned(bytes));
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_time d = SC_ZERO_TIME;  // timing comes from the HpStreamExt answer, not from here
  s->b_transport(gp, d);
  return gp.get_response_status();
}

// ---------------------------------------------------------------------------------------------
// MM2S: ARVALID in cycle t_ar; one timing query, zero-copy data, then the stream is armed.

void AxiDma::Mm2s::issue(Cycle t_ar) {
  AxiDma& d = dma;
  times.addr = t_ar;
  if (xfer_addr % d.m_p.data_bytes) {  // DRE off: see docs/axi-dma.md "Unaligned addresses"
    d.fail(*this, SR_INTERR, t_ar);
    return;
  }
  HpStreamExt ext;
  tlm_response_status st = d.hp_query(d.m_axi_mm2s, false, xfer_addr, xfer_len, t_ar, ext);
  const uint8_t* data = nullptr;
  if (st == tlm::TLM_OK_RESPONSE) {
    data = d.hp_dmi(d.m_axi_mm2s, false, xfer_addr, xfer_len);
    if (!data) {
      m_buf.resize(xfer_len);
      st = d.hp_copy(d.m_axi_mm2s, false, xfer_addr, m_buf.data(), xfer_len);
      data = m_buf.data();
    }
  }
  if (st != tlm::TLM_OK_RESPONSE) {
    // The error response reaches the DMA when the first data would have.
    const Cycle te = t_ar + d.m_p.mm2s_latency;
    const uint32_t bit = error_bit(st);
    d.schedule_cycle(*this, te, Action{.kind = Action::kFail, .a = bit});
    return;
  }
  m_in.data = data;
  m_in.bytes = xfer_len;
  m_in.beats = d.beats_of(xfer_len);
  m_in.valid = ext.sched;
  // The port says when beat 0 reaches the DMA (>= t_ar + 1, the AXI minimum); the DMA adds its
  // own pipeline so that the ideal memory gives TVALID exactly mm2s_latency after ARVALID.
  m_in.valid.start = std::max<Cycle>(ext.sched.start, t_ar + 1) + (d.m_p.mm2s_latency - 1);
  times.first_beat = m_in.valid.at(0);
  m_armed = true;
  m_armed_ev.notify(SC_ZERO_TIME);
}

void AxiDma::Mm2s::take_all(Cycle last_cycle) {
  if (!m_armed) {
    SC_REPORT_WARNING(dma.name(), "MM2S take_all() with no armed transfer (after a reset?)");
    return;
  }
  m_armed = false;
  const Cycle earliest = m_in.valid.at(m_in.beats - 1);
  if (last_cycle < earliest)
    SC_REPORT_WARNING(dma.name(), "MM2S take_all(): TLAST taken before it was valid");
  const Cycle end = std::max({last_cycle, earliest, dma.cycle_last()});
  times.last_beat = end;
  dma.schedule_cycle(*this, end, Action{.kind = Action::kDoneMm2s});
}

// ---------------------------------------------------------------------------------------------
// S2MM burst timing (axi_dma.h)

Cycle s2mm_write_last(const pl::BeatSchedule& ready, Cycle shift, const pl::BeatSchedule& hp, uint64_t nw,
                      uint64_t B, Cycle aw_delay, bool walk) {
  auto h = [&](uint64_t j) { return Cycle(ready.at(j)) + shift; };
  // Burst k's start candidates grow by >= B per burst (ready: B + gap, port: >= B when it needs
  // at least a cycle per beat), so max(candidates, end of burst k-1) is the candidates' max.
  const bool closed = !walk && B >= 1 && !ready.tabled() && ready.num == 1 && ready.den == 1 &&
                      ready.burst_beats == B && !hp.tabled() && hp.den >= 1 && hp.num >= hp.den &&
                      hp.burst_beats == 0;
  if (closed) {
    const uint64_t full = nw / B, rem = nw % B;
    Cycle end = 0;
    if (full) end = std::max(h(full * B - 1) + aw_delay + 1, Cycle(hp.at((full - 1) * B))) + B;
    if (rem) end = std::max({h(nw - 1) + aw_delay + 1, end, Cycle(hp.at(full * B))}) + rem;
    return end - 1;
  }
  // W beats of burst k start after its AW, after the previous burst, and when the port takes
  // them; one pass per burst, not per beat.
  Cycle end = 0;
  pl::BeatStepper rs(ready, B - 1, B), port(hp, 0, B);  // h(last beat), hp.at(first beat)
  for (uint64_t first = 0; first < nw; first += B, rs.next(), port.next()) {
    const uint64_t lastb = std::min(first + B, nw) - 1;
    const Cycle hl = lastb == first + B - 1 ? Cycle(rs.value()) + shift : h(lastb);
    const Cycle st = std::max({hl + aw_delay + 1, end, Cycle(port.value())});
    end = st + (lastb - first + 1);
  }
  return end - 1;
}

// ---------------------------------------------------------------------------------------------
// S2MM: TREADY from t_arm on, one beat per cycle with s2mm_burst_gap idle cycles per burst.

void AxiDma::S2mm::arm(Cycle t_arm) {
  const auto& p = dma.m_p;
  if (xfer_addr % p.data_bytes) {
    dma.fail(*this, SR_INTERR, t_arm);
    return;
  }
  m_ready = pl::BeatSchedule{t_arm, 1, 1, p.burst_beats, p.s2mm_burst_gap};
  m_armed = true;
  m_armed_ev.notify(SC_ZERO_TIME);
}

// The packet fits S2MM_LENGTH and the port gives DMI for it: put() would copy it there whole
// (the HP port refuses only addresses outside the DDR, where there is no DMI either).
uint8_t* AxiDma::S2mm::direct(uint64_t bytes) {
  if (!m_armed || bytes == 0 || bytes > xfer_len) return nullptr;
  return dma.hp_dmi(dma.m_axi_s2mm, true, xfer_addr, bytes);
}

Cycle AxiDma::S2mm::put(const uint8_t* data, uint64_t bytes, Cycle last_cycle) {
  AxiDma& d = dma;
  const auto& p = d.m_p;
  if (!m_armed) {
    SC_REPORT_WARNING(d.name(), "S2MM put() with no armed transfer (after a reset?): dropped");
    return last_cycle;
  }
  m_armed = false;
  const uint64_t n = std::max<uint64_t>(1, d.beats_of(bytes));  // stream beats of the packet
  const Cycle last = std::max({last_cycle, m_ready.at(n - 1), d.cycle_last()});
  // Only TLAST's cycle is reported, so the earlier handshakes are estimated as "the producer
  // kept pace with TREADY and ended at TLAST": exact for a producer that is always valid or
  // starts late and then keeps up; within [TREADY bound, TLAST - (n-1-j)] otherwise.
  const Cycle shift = last - m_ready.at(n - 1);
  auto h = [&](uint64_t j) { return Cycle(m_ready.at(j)) + shift; };
  const uint64_t wbytes = std::min<uint64_t>(bytes, xfer_len);  // never past the buffer
  uint32_t err = bytes > xfer_len ? SR_INTERR : 0;  // packet longer than S2MM_LENGTH
  const uint64_t nw = d.beats_of(wbytes);
  const uint64_t B = p.burst_beats;
  // Store-and-forward per burst: a burst's AWVALID follows its last beat by aw_delay, chosen so
  // that a full first burst at one beat per cycle gives first TVALID -> AWVALID = s2mm_latency.
  const Cycle aw_delay = p.s2mm_latency > B - 1 ? p.s2mm_latency - (B - 1) : 1;
  times.first_beat = h(0);
  Cycle aw0 = last + aw_delay, wlast = last + aw_delay, resp = 1;
  tlm_response_status st = tlm::TLM_OK_RESPONSE;
  if (nw) {
    aw0 = h(std::min(B, nw) - 1) + aw_delay;
    HpStreamExt ext;
    st = d.hp_query(d.m_axi_s2mm, true, xfer_addr, wbytes, aw0, ext);
    pl::BeatSchedule hp{aw0 + 1, 1, 1, 0, 0};  // ideal port: only for an error's timing
    if (st == tlm::TLM_OK_RESPONSE) {
      hp = ext.sched;
      if (ext.done > ext.sched.at(nw - 1)) resp = ext.done - ext.sched.at(nw - 1);
      // The data lands in DDR now, before the simulated cycles of the writes (zero copy).
      if (uint8_t* dst = d.hp_dmi(d.m_axi_s2mm, true, xfer_addr, wbytes)) {
        if (dst != data) std::memcpy(dst, data, wbytes);  // == data: computed in place (direct())
      }
      else
        st = d.hp_copy(d.m_axi_s2mm, true, xfer_addr, const_cast<uint8_t*>(data), wbytes);
    }
    wlast = s2mm_write_last(m_ready, shift, hp, nw, B, aw_delay);
  }
  if (st != tlm::TLM_OK_RESPONSE) err = error_bit(st);
  const Cycle done = wlast + resp;  // BVALID of the last burst
  times.addr = aw0;
  times.last_beat = wlast;
  if (err) {
    d.schedule_cycle(*this, done, Action{.kind = Action::kFail, .a = err});
  } else {
    d.schedule_cycle(*this, done, Action{.kind = Action::kDoneS2mm, .b = wbytes});
  }
  return last_cycle;  // TREADY is the closed-form ready(): the producer is not held
}

}  // namespace tinypynq::vp
