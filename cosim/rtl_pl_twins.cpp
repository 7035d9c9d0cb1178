// SPDX-License-Identifier: MIT
// RtlPl's TLM twins' traffic (rtl_pl_impl.h): the readers' and the writer's HP masters, and with
// --rtl-queue (the board's v2 PL) the command queue's registers, register master and HP master.
#include <algorithm>
#include <cstring>
#include <sstream>
#include <utility>

#include "cosim/rtl_pl_impl.h"
#include "models/tlm/cmd_queue_tlm.h"
#include "models/tlm/hp_ext.h"
#include "models/tlm/pl_regs.h"

namespace tinypynq::cosim {

using sc_core::sc_time;
namespace reg = vp::pl_reg;

namespace {
// The HP port's answer to a read's timing question as the TLM readers round it (view_reader_tlm.cpp):
// latency, whole cycles per beat.
pl::ReaderTiming reader_timing(const vp::HpStreamExt& ext) {
  return {ext.sched.start - ext.start, std::max<uint32_t>(1, (ext.sched.num + ext.sched.den / 2) / ext.sched.den)};
}
// The DDR model behind an HP master socket (its DMI grant from address 0), or null.
std::pair<uint8_t*, uint64_t> ddr_of(tlm::tlm_initiator_socket<>& m) {
  tlm::tlm_generic_payload q;
  q.set_command(tlm::TLM_READ_COMMAND);
  q.set_address(0);
  tlm::tlm_dmi dmi;
  if (m->get_direct_mem_ptr(q, dmi) && dmi.get_start_address() == 0)
    return {dmi.get_dmi_ptr(), dmi.get_end_address() + 1};
  return {nullptr, 0};
}
}  // namespace

// The TLM readers' HP accesses pass through to the PS7 port; the answer to a transfer's timing
// query (HpStreamExt: its latency and DDR share) is what the bridge of that port then gives the
// RTL reader's bursts, and the DMI grant is the bridge's view of DDR.
void RtlPl::hp_b_transport(int i, tlm::tlm_generic_payload& gp, sc_time& delay) {
  (*hp_m_[i])->b_transport(gp, delay);
  auto* ext = gp.get_extension<vp::HpStreamExt>();
  if (!ext || gp.get_response_status() != tlm::TLM_OK_RESPONSE) return;
  HpReadBridge& b = impl_->c.hp[i];
  b.set_timing(reader_timing(*ext));
  if (const auto [mem, bytes] = ddr_of(*hp_m_[i]); mem) b.set_ddr(mem, bytes);
}
// The TLM writer's HP master (the twin of the RTL writer): its timing questions go to HP0 (the
// reservation of its transfer, as on the tlm target), its reads see DDR (with the RTL's writes),
// its data write is kept as the expectation of the buffer instead of landing in DDR, and it gets
// no DMI, so that it writes through b_transport.
void RtlPl::vw_hp_b_transport(tlm::tlm_generic_payload& gp, sc_time& delay) {
  if (gp.get_extension<vp::HpStreamExt>() || !gp.is_write()) return (*hp_m_[0])->b_transport(gp, delay);
  impl_->c.vw.capture(gp.get_address(), gp.get_data_ptr(), gp.get_data_length());
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}
bool RtlPl::hp_dmi(int i, tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi) {
  return (*hp_m_[i])->get_direct_mem_ptr(gp, dmi);
}
unsigned RtlPl::hp_dbg(int i, tlm::tlm_generic_payload& gp) { return (*hp_m_[i])->transport_dbg(gp); }

void RtlPl::make_cq_sockets() {
  cq_s_ = std::make_unique<tlm_utils::simple_target_socket<RtlPl>>("s_axi_cq");
  cq_s_->register_b_transport(this, &RtlPl::cq_b_transport);
  cq_twin_ = std::make_unique<tlm_utils::simple_initiator_socket<RtlPl>>("m_cq_twin");
  cq_regs_s_ = std::make_unique<tlm_utils::simple_target_socket<RtlPl>>("s_cq_regs_twin");
  cq_regs_s_->register_b_transport(this, &RtlPl::cq_regs_b_transport);
  cq_hp_s_ = std::make_unique<tlm_utils::simple_target_socket<RtlPl>>("s_hp_cq_twin");
  cq_hp_s_->register_b_transport(this, &RtlPl::cq_hp_b_transport);
  cq_hp_s_->register_get_direct_mem_ptr(this, &RtlPl::cq_hp_dmi);
  cq_hp_s_->register_transport_dbg(this, &RtlPl::cq_hp_dbg);
  hp3_m_ = std::make_unique<tlm_utils::simple_initiator_socket<RtlPl>>("m_axi_hp3");
  PlClock& c = impl_->c;
  // a record's B comes the queue's write latency after its W beat (the TLM queue's timing)
  c.cq.wr.set_timing({vp::CmdQueueParams::from(c.cfg).write_latency_cycles, 1000});
  // The RTL's slot fetch in cycle t: HP3's latency and rate for a transfer from t, asked without
  // reserving DDR bandwidth (the TLM queue's own query of the same fetch reserves it, as on tlm).
  c.cq.ask_port = [this](uint64_t addr, Cycle t) {
    PlClock& pc = impl_->c;
    if (!pc.cq.wr.has_ddr())
      if (const auto [mem, bytes] = ddr_of(*hp3_m_); mem) pc.cq.rd.set_ddr(mem, bytes), pc.cq.wr.set_ddr(mem, bytes);
    vp::HpStreamExt ext;
    ext.write = false, ext.start = t, ext.beats = hw::limits::VR_LINE_BYTES / 8, ext.beat_bytes = 8, ext.reserve = false;
    tlm::tlm_generic_payload q;
    q.set_command(tlm::TLM_IGNORE_COMMAND);
    q.set_address(addr);
    q.set_data_length(hw::limits::CQ_SLOT_BYTES);
    q.set_extension(&ext);
    sc_time d = sc_core::SC_ZERO_TIME;
    (*hp3_m_)->b_transport(q, d);
    q.clear_extension(&ext);
    return reader_timing(ext);
  };
}

void RtlPl::cq_b_transport(tlm::tlm_generic_payload& gp, sc_time& delay) {
  impl_->twin_access(*cq_twin_, kCqOffset, hw::win::CQ_SIZE, gp, delay);
}

// VW's STATUS, which the TLM sequencer reads to see the writer's done/err wires (a modelling
// shortcut: the RTL sequencer watches the wires and makes no access), is the TLM writer's.
namespace {
bool vw_wires(uint64_t a, bool write) { return !write && a == hw::win::VW_BASE + hw::vw::STATUS; }
}  // namespace

// The TLM sequencer's access, annotated to its cycle t: expected of the RTL sequencer at once
// (a PS access may clock the design up to t first), then done in t (Impl::seq_access).
void RtlPl::cq_regs_b_transport(tlm::tlm_generic_payload& gp, sc_time& delay) {
  PlClock& c = impl_->c;
  const Cycle t = c.cycle_at(sc_core::sc_time_stamp() + delay);
  const uint64_t a = gp.get_address();
  uint32_t v = 0;
  if (gp.is_write()) std::memcpy(&v, gp.get_data_ptr(), 4);
  if (!vw_wires(a, gp.is_write())) {
    CqTwin::Access want{t, gp.is_write(), static_cast<uint32_t>(a), v};
    if (c.opt.tamper_queue) c.opt.tamper_queue(want);
    c.cq.expect(want);
  }
  sync_to_kernel(delay);
  impl_->seq_access(gp, t, vr_twin_.get(), vw_twin_.get());
  impl_->kick_ev.notify(sc_core::SC_ZERO_TIME);
}

void RtlPl::Impl::seq_access(tlm::tlm_generic_payload& gp, Cycle t, tlm::tlm_initiator_socket<>* vr_twin,
                             tlm::tlm_initiator_socket<>* vw_twin) {
  const uint64_t a = gp.get_address();
  const bool wr = gp.is_write();
  uint32_t v = 0;
  if (wr) std::memcpy(&v, gp.get_data_ptr(), 4);
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
  c.advance_to(t);
  // the TLM side first (the readers' and the writer's registers; a unit's in the lockstep shadow)
  tlm::tlm_initiator_socket<>* twin = nullptr;
  uint64_t base = 0;
  if (a >= hw::win::VR_BASE && a < hw::win::VR_BASE + hw::win::VR_SIZE) twin = vr_twin, base = hw::win::VR_BASE;
  if (a >= hw::win::VW_BASE && a < hw::win::VW_BASE + hw::win::VW_SIZE) twin = vw_twin, base = hw::win::VW_BASE;
  uint32_t twin_v = v;
  if (twin) {
    const sc_time now = sc_core::sc_time_stamp(), at = c.time_of(t);
    twin_v = twin_word(*twin, gp.get_command(), a - base, v, at > now ? at - now : sc_core::SC_ZERO_TIME);
  }
  if (vw_wires(a, wr)) return std::memcpy(gp.get_data_ptr(), &twin_v, 4), void();
  UnitStart start;
  if (wr && !twin && a >= hw::win::PL_TOP_BASE && a < hw::win::PL_TOP_BASE + reg::TOP_BYTES) {
    const uint64_t off = a - hw::win::PL_TOP_BASE;
    start = unit_write(static_cast<unsigned>(off / reg::WINDOW), static_cast<uint32_t>(off % reg::WINDOW), v);
  }
  if (c.cyc == t) {  // cycle t: the RTL sequencer's access is compared in it (CqTwin::sample)
    c.tick();
    c.watchdog();
  }
  c.cq.missing(t, c.ls);
  if (twin == vw_twin && wr && c.vw.twin_started()) c.vw.bridge.begin_transfer();
  unit_started(start, t);
  if (wr) return;
  // the read's data: the RTL's R, in the cycle after the AR (the register slaves' timing)
  uint32_t r = 0;
  c.eval();
  if (c.cyc == t + 1 && *c.pins.mon_rb_r) {
    r = *c.pins.mon_rb_rdata;
  } else if (!c.cq.read_data(t + 1, &r)) {
    std::ostringstream o;
    o << "command queue: no R in cycle " << t + 1 << " for the RTL sequencer's read of 0x" << std::hex << a;
    c.ls.reader_mismatch(o.str());
  }
  if (twin && r != twin_v) {
    std::ostringstream o;
    o << "command queue: register 0x" << std::hex << a << " read in cycle " << std::dec << t << ": TLM 0x" << std::hex
      << twin_v << ", RTL 0x" << r;
    c.ls.reader_mismatch(o.str());
  }
  std::memcpy(gp.get_data_ptr(), &r, 4);
}

// The TLM queue's HP master: its slot reads and record writes go to DDR (DMI, as on tlm); its
// timing query for a fetch goes to HP3 (and reserves the DDR share, as on tlm) and is compared
// with the RTL's fetch (CqTwin::twin_fetch).
void RtlPl::cq_hp_b_transport(tlm::tlm_generic_payload& gp, sc_time& delay) {
  (*hp3_m_)->b_transport(gp, delay);
  auto* ext = gp.get_extension<vp::HpStreamExt>();
  if (!ext || gp.get_response_status() != tlm::TLM_OK_RESPONSE) return;
  impl_->c.cq.twin_fetch(gp.get_address(), ext->start, reader_timing(*ext), impl_->c.ls);
}
bool RtlPl::cq_hp_dmi(tlm::tlm_generic_payload& gp, tlm::tlm_dmi& dmi) { return (*hp3_m_)->get_direct_mem_ptr(gp, dmi); }
unsigned RtlPl::cq_hp_dbg(tlm::tlm_generic_payload& gp) { return (*hp3_m_)->transport_dbg(gp); }

}  // namespace tinypynq::cosim
