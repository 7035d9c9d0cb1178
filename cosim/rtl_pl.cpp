// SPDX-License-Identifier: MIT
// The Verilated headers come first: with SystemC already included they would take this for a
// SystemC (--sc) model and call ::sc_time_stamp(). Their generated structs are not -Wpedantic
// clean.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#include "Vtinypynq_pl_sim.h"
#include "Vtinypynq_pl_sim_fst.h"
#include "Vtinypynq_pl_sim_v2.h"
#include "Vtinypynq_pl_sim_v2_fst.h"
#include "Vtinypynq_pl_sim_v2_vw.h"
#include "Vtinypynq_pl_sim_v2_cq.h"
#ifdef TINYPYNQ_RTL_V2_TRAINING_MODEL
#include "Vtinypynq_pl_sim_v2_train.h"
#endif
#include "verilated.h"
#include "verilated_fst_c.h"
#pragma GCC diagnostic pop

#include "cosim/rtl_pl.h"
#include "cosim/rtl_pl_impl.h"

#include <algorithm>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "cosim/pl_clock.h"
#include "models/tlm/hp_ext.h"

namespace tinypynq::cosim {

using sc_core::sc_time;
namespace reg = vp::pl_reg;

namespace {
template <class M, bool kTraced, bool kVw = false, bool kCq = false>
struct ModelOf final : Model {
  explicit ModelOf(bool trace) : ctx(std::make_unique<VerilatedContext>()) {
    ctx->traceEverOn(trace);
    m = std::make_unique<M>(ctx.get(), "TOP");
  }
  ~ModelOf() override {
    // Verilator 5.006 unregisters a model's scopes from the thread's current context, not the
    // model's: with several contexts in a process (one per rtl platform) that may be another,
    // already destroyed one. Make it this model's before the model goes.
    Verilated::threadContextp(ctx.get());
    m->final();
    m.reset();
  }
  PlSimPins pins() override {
    PlSimPins p = pl_sim_pins(*m);
    p.vw_inside = kVw;
    p.cq_inside = kCq;
    return p;
  }
  void* get() override { return m.get(); }
  PlClock::EvalFn eval_fn() const override {
    return [](void* x) { static_cast<M*>(x)->eval(); };
  }
  void attach(VerilatedFstC& f) override {
    if constexpr (kTraced) m->trace(&f, 99);
  }
  std::unique_ptr<VerilatedContext> ctx;  // declared before the model: destroyed after it
  std::unique_ptr<M> m;
};
// The v2 training PL (base/pynq_z2_v2_training.json): its own model, when built.
bool training_pl(const BoardConfig& c) {
#ifdef TINYPYNQ_RTL_V2_TRAINING_MODEL
  return c.pl_version >= 2 && c.sfu_datapaths() == TINYPYNQ_SFU_DPS_TRAINING_MASK && !c.stream_c() && !c.reduce_unit;
#else
  (void)c;
  return false;
#endif
}
}  // namespace

// pl_version 2: the v2 top (rtl/sim/tinypynq_pl_sim_v2.sv), the readers inside (and the writer;
// and the queue: the board's top). A per-model build other than the training PL gets the full
// model, which check_config refuses naming the registers that differ.
std::unique_ptr<Model> make_model(bool traced, const BoardConfig& cfg, const RtlPlOptions& opt) {
  const bool v2 = cfg.pl_version >= 2, vw = opt.rtl_writer || opt.rtl_queue;
#ifdef TINYPYNQ_RTL_V2_TRAINING_MODEL
  if (training_pl(cfg)) {
    if (vw || traced)
      throw std::invalid_argument("rtl: the v2 training PL's model is built without the RTL writer and queue and "
                                  "untraced (rtl/sim/CMakeLists.txt tinypynq_rtl_sim_v2_train): drop --rtl-writer, "
                                  "--rtl-queue and --fst/--vcd");
    return std::make_unique<ModelOf<Vtinypynq_pl_sim_v2_train, false>>(false);
  }
#endif
  if (vw && !v2)
    throw std::invalid_argument(std::string("rtl: the RTL view writer") + (opt.rtl_queue ? " and queue (--rtl-queue)" : " (--rtl-writer)") +
                                " needs pl_version 2");
  // the board's v2 PL (the writer and the queue inside), traced: --fst/--vcd work with it
  if (opt.rtl_queue) return std::make_unique<ModelOf<Vtinypynq_pl_sim_v2_cq, true, true, true>>(traced);
  if (vw && traced)
    throw std::invalid_argument("rtl: no waveform with the RTL view writer (--rtl-writer): its model is built "
                                "untraced (rtl/sim/CMakeLists.txt tinypynq_rtl_sim_v2_vw); drop --fst/--vcd, or "
                                "use --rtl-queue (the writer and the queue in RTL, traced)");
  if (vw) return std::make_unique<ModelOf<Vtinypynq_pl_sim_v2_vw, false, true>>(false);
  if (v2 && traced) return std::make_unique<ModelOf<Vtinypynq_pl_sim_v2_fst, true>>(true);
  if (v2) return std::make_unique<ModelOf<Vtinypynq_pl_sim_v2, false>>(false);
  if (traced) return std::make_unique<ModelOf<Vtinypynq_pl_sim_fst, true>>(true);
  return std::make_unique<ModelOf<Vtinypynq_pl_sim, false>>(false);
}

void RtlPl::Impl::b_transport(tlm::tlm_generic_payload& gp, sc_time& delay) {
  const uint64_t addr = gp.get_address();
  if (gp.get_command() == tlm::TLM_IGNORE_COMMAND) return gp.set_response_status(tlm::TLM_OK_RESPONSE);
  // The transactor carries whole 32-bit words, as the TLM twin accepts (pl_top.h).
  if (gp.get_data_length() != 4 || gp.get_streaming_width() < 4)
    return gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
  const bool vr_win = c.pins.v2() && addr >= kVrOffset && addr < kVrOffset + hw::win::VR_SIZE;
  const bool vw_win = c.pins.with_vw() && addr >= kVwOffset && addr < kVwOffset + hw::win::VW_SIZE;
  const bool cq_win = c.pins.with_cq() && addr >= kCqOffset && addr < kCqOffset + hw::win::CQ_SIZE;
  if (addr % 4 || (addr >= reg::TOP_BYTES && !vr_win && !vw_win && !cq_win))
    return gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
  if (const unsigned char* be = gp.get_byte_enable_ptr()) {
    const unsigned n = gp.get_byte_enable_length();
    for (unsigned i = 0; i < 4; ++i)
      if (n == 0 || be[i % n] != TLM_BYTE_ENABLED) return gp.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
  }
  const sc_time now = sc_core::sc_time_stamp();
  c.advance_to(c.cycle_at(now + delay));
  AxiLiteMaster& gp0 = c.gp0;
  const bool wr = gp.is_write();
  uint32_t v = 0;
  if (wr) {
    std::memcpy(&v, gp.get_data_ptr(), 4);
    gp0.begin_write(static_cast<uint32_t>(addr), v);
  } else {
    gp0.begin_read(static_cast<uint32_t>(addr));
  }
  c.in_gp0 = true;  // marker: from the cycle VALID is driven to the handshake cycle
  const unsigned win = static_cast<unsigned>(addr / reg::WINDOW);
  const uint32_t off = static_cast<uint32_t>(addr % reg::WINDOW);
  for (unsigned i = 0;; ++i) {
    c.eval();
    if (gp0.handshake()) break;
    if (i == kAxiLiteMaxWait || !gp0.error().empty()) {
      gp0.end();
      c.in_gp0 = false;
      std::ostringstream o;
      o << "the RTL's AXI-Lite slave did not answer an access to offset 0x" << std::hex << addr << std::dec
        << " within " << kAxiLiteMaxWait << " cycles";
      c.set_fault(gp0.error().empty() ? o.str() : gp0.error());
      return gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    }
    c.tick();
  }
  const Cycle hs = c.cyc;  // the handshake cycle: the access takes effect at its end
  // TLM's verdict on a START is taken in the state before the cycle is clocked.
  const UnitStart start = wr ? unit_write(win, off, v) : UnitStart{};
  const uint64_t time_now = *c.pins.mon_time;
  c.tick();
  c.in_gp0 = false;
  gp0.end();
  c.eval();
  const AxiLiteMaster::Response r = gp0.response();  // in the cycle after the handshake
  if (!r.valid) c.set_fault(gp0.error());
  if (!wr) {
    v = r.data;
    if (win == 0 && off == reg::SYS_TIME_LO) {  // idle cycles were not clocked: add them back
      const uint64_t full = time_now + c.skipped;
      v = static_cast<uint32_t>(full);
      c.time_hi = full >> 32;
    } else if (win == 0 && off == reg::SYS_TIME_HI) {
      v = static_cast<uint32_t>(c.time_hi);
    }
    std::memcpy(gp.get_data_ptr(), &v, 4);
  }
  unit_started(start, hs);
  kick_ev.notify(sc_core::SC_ZERO_TIME);
  const sc_time done = c.time_of(c.cyc);  // the response arrives in the cycle after the handshake
  delay = done > now ? done - now : sc_core::SC_ZERO_TIME;
  gp.set_response_status(r.valid && r.resp == 0 ? tlm::TLM_OK_RESPONSE : tlm::TLM_GENERIC_ERROR_RESPONSE);
}

void RtlPl::Impl::thread() {
  sc_core::sc_event_or_list wake;
  wake |= kick_ev;
  for (vp::AxisSource* s : c.src_if)
    if (s) wake |= s->armed_event();
  if (c.sink_if) wake |= c.sink_if->armed_event();
  for (;;) {
    if (!c.needs_clock()) {
      sc_core::wait(wake);
      continue;
    }
    // Cycles before cycle_at(now) are past: no later access can land in them.
    c.advance_to(c.cycle_at(sc_core::sc_time_stamp()));
    if (!c.needs_clock()) continue;
    sc_core::wait(c.time_of(c.cyc + 1) - sc_core::sc_time_stamp());
  }
}

// An access annotated ahead of the kernel's time (the command queue's sequencer issues a
// burst of register writes from one SystemC time, each with its cycle as the delay) is
// synchronised first: the design is clocked cycle by cycle and exchanges beats with TLM
// blocks (the view writer on R, the readers' twins) that act in kernel time, so clocking it
// ahead of the kernel would show it their state of an earlier time. A thread waits out the
// delay (TLM-2.0 LT: b_transport may wait); a method cannot and keeps the annotation.
void sync_to_kernel(sc_time& delay) {
  if (delay == sc_core::SC_ZERO_TIME) return;
  if (sc_core::sc_get_current_process_handle().proc_kind() != sc_core::SC_THREAD_PROC_) return;
  sc_core::wait(delay);
  delay = sc_core::SC_ZERO_TIME;
}

// GP0's VR and VW windows (offsets 0 .. 0xFFF): the TLM twin takes the same access in the same
// cycle (after the design has been clocked up to it, so the twin has seen every handshake before
// it), then the RTL; the PS gets the RTL's answer, and a read that differs is a lockstep mismatch.
void RtlPl::vr_b_transport(tlm::tlm_generic_payload& gp, sc_time& delay) {
  impl_->twin_access(*vr_twin_, kVrOffset, hw::win::VR_SIZE, gp, delay);
}
void RtlPl::vw_b_transport(tlm::tlm_generic_payload& gp, sc_time& delay) {
  impl_->twin_access(*vw_twin_, kVwOffset, hw::win::VW_SIZE, gp, delay);
  // a START the twin took: the RTL writer's transfer begins in the same cycle (W beats count anew)
  if (impl_->c.vw.twin_started()) impl_->c.vw.bridge.begin_transfer();
}
void RtlPl::Impl::twin_access(tlm::tlm_initiator_socket<>& twin, uint64_t win_off, uint64_t win_size,
                              tlm::tlm_generic_payload& gp, sc_time& delay) {
  const uint64_t a = gp.get_address();
  if (gp.get_command() == tlm::TLM_IGNORE_COMMAND) return gp.set_response_status(tlm::TLM_OK_RESPONSE);
  if (gp.get_data_length() != 4 || gp.get_streaming_width() < 4) return gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
  if (a % 4 || a >= win_size) return gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
  sync_to_kernel(delay);
  c.advance_to(c.cycle_at(sc_core::sc_time_stamp() + delay));
  uint32_t twin_v = 0;
  if (gp.is_write()) std::memcpy(&twin_v, gp.get_data_ptr(), 4);
  twin_v = twin_word(twin, gp.get_command(), a, twin_v, delay);
  gp.set_address(win_off + a);
  b_transport(gp, delay);
  gp.set_address(a);
  if (gp.is_read() && gp.get_response_status() == tlm::TLM_OK_RESPONSE) {
    uint32_t v;
    std::memcpy(&v, gp.get_data_ptr(), 4);
    if (v != twin_v) {
      std::ostringstream o;
      if (win_off == kVrOffset)
        o << "VR" << a / hw::win::VR_INSTANCE_STRIDE << " register 0x" << std::hex << a % hw::win::VR_INSTANCE_STRIDE;
      else
        o << (win_off == kVwOffset ? "VW" : "CQ") << " register 0x" << std::hex << a;
      o << " read in cycle " << std::dec << c.cyc - 1 << ": TLM 0x" << std::hex << twin_v << ", RTL 0x" << v;
      c.ls.reader_mismatch(o.str());
    }
  }
}


RtlPl::RtlPl(sc_core::sc_module_name name, const BoardConfig& cfg, const RtlPlOptions& opt)
    : sc_module(name), s_axi("s_axi") {
  cfg.validate();
  impl_ = std::make_unique<Impl>(this->name(), cfg, opt);
  impl_->start();
  s_axi.register_b_transport(this, &RtlPl::b_transport);
  if (cfg.pl_version >= 2) {
    vr_s_ = std::make_unique<tlm_utils::simple_target_socket<RtlPl>>("s_axi_vr");
    vr_s_->register_b_transport(this, &RtlPl::vr_b_transport);
    vr_twin_ = std::make_unique<tlm_utils::simple_initiator_socket<RtlPl>>("m_vr_twin");
    for (int i = 0; i < 3; ++i) {
      const std::string n = std::to_string(i);
      hp_twin_s_[i] = std::make_unique<tlm_utils::simple_target_socket_tagged<RtlPl>>(("s_hp_twin" + n).c_str());
      hp_twin_s_[i]->register_b_transport(this, &RtlPl::hp_b_transport, i);
      hp_twin_s_[i]->register_get_direct_mem_ptr(this, &RtlPl::hp_dmi, i);
      hp_twin_s_[i]->register_transport_dbg(this, &RtlPl::hp_dbg, i);
      hp_m_[i] = std::make_unique<tlm_utils::simple_initiator_socket<RtlPl>>(("m_axi_hp" + n).c_str());
    }
    if (impl_->c.pins.with_vw()) {
      vw_s_ = std::make_unique<tlm_utils::simple_target_socket<RtlPl>>("s_axi_vw");
      vw_s_->register_b_transport(this, &RtlPl::vw_b_transport);
      vw_twin_ = std::make_unique<tlm_utils::simple_initiator_socket<RtlPl>>("m_vw_twin");
      vw_hp_s_ = std::make_unique<tlm_utils::simple_target_socket<RtlPl>>("s_hp_vw_twin");
      vw_hp_s_->register_b_transport(this, &RtlPl::vw_hp_b_transport);
      impl_->c.vw.ask_port = [this](uint64_t aw0) { return impl_->c.vw.ask_hp(*hp_m_[0], aw0); };
      impl_->c.vw.tamper = opt.tamper_writer;
    }
    if (impl_->c.pins.with_cq()) make_cq_sockets();
  }
  SC_THREAD(thread);
  SC_METHOD(irq_method);
  sensitive << impl_->c.irq.event();
  dont_initialize();
}

RtlPl::~RtlPl() = default;

void RtlPl::check_config(const BoardConfig& cfg) {
  cfg.validate();
  Impl("rtl", cfg, RtlPlOptions{}).c.check_config();
}

void RtlPl::bind_streams(vp::AxisSource* a, vp::AxisSource* b, vp::AxisSource* c, vp::AxisSink* r) {
  if (!r) throw std::invalid_argument("RtlPl::bind_streams: stream R (S2MM) is required");
  impl_->c.src_if[0] = a, impl_->c.src_if[1] = b, impl_->c.src_if[2] = c;
  if (impl_->c.pins.v2())
    for (unsigned s = 0; s < 3; ++s)
      if (!dynamic_cast<const vp::ViewReader*>(impl_->c.src_if[s]))
        throw std::invalid_argument("RtlPl: with pl_version 2 streams A, B, C must be the TLM view readers (the twins)");
  for (unsigned s = 0; s < 3; ++s) impl_->c.vr_if[s] = dynamic_cast<const vp::ViewReader*>(impl_->c.src_if[s]);
  impl_->c.sink_if = r;
  if (impl_->c.vw.active()) {
    impl_->c.vw.twin = dynamic_cast<vp::ViewWriter*>(r);
    if (!impl_->c.vw.twin) throw std::invalid_argument("RtlPl: with pl_version 2 stream R must be the TLM view writer (the twin)");
    impl_->c.vw.reset();
  }
}
void RtlPl::bind_irq(vp::IrqSink* irq, unsigned line_vec, unsigned line_red, unsigned line_mmu) {
  impl_->c.irq.bind(irq, {line_vec, line_red, line_mmu, hw::irq::VW,
                          impl_->c.pins.with_cq() ? static_cast<unsigned>(hw::irq::CQ) : IrqPins::kNoLine});
}
void RtlPl::b_transport(tlm::tlm_generic_payload& gp, sc_time& delay) {
  sync_to_kernel(delay);
  impl_->b_transport(gp, delay);
}
void RtlPl::thread() { impl_->thread(); }
void RtlPl::irq_method() { impl_->c.irq.deliver(); }
void RtlPl::reset() { impl_->reset(); }
std::string RtlPl::describe() const { return impl_->c.describe(); }
uint64_t RtlPl::commands() const { return impl_->c.ls.completed(); }
const vp::PlCommandRecord& RtlPl::last_command() const { return impl_->c.ls.last(); }
void RtlPl::set_command_observer(std::function<void(const vp::PlCommandRecord&)> fn) {
  impl_->c.observer = std::move(fn);
}
std::string RtlPl::fault() const { return impl_->c.fault_text; }
void RtlPl::sync(const sc_time& t) { impl_->sync(t); }
uint64_t RtlPl::clocked_cycles() const { return impl_->c.n_clocked; }
uint64_t RtlPl::checked_commands() const { return impl_->c.ls.checked(); }
uint64_t RtlPl::reader_fills() const { return impl_->c.v2_stats.fills; }
uint64_t RtlPl::reader_fills_late() const { return impl_->c.v2_stats.fills_late; }
uint64_t RtlPl::reader_beats() const { return impl_->c.v2_stats.beats; }
uint64_t RtlPl::reader_beats_late() const { return impl_->c.v2_stats.beats_late; }
uint64_t RtlPl::writer_transfers() const { return impl_->c.vw.stats.transfers; }
uint64_t RtlPl::writer_bursts() const { return impl_->c.vw.stats.bursts; }
uint64_t RtlPl::writer_beats() const { return impl_->c.vw.stats.beats; }
uint64_t RtlPl::queue_accesses() const { return impl_->c.cq.stats.accesses; }
uint64_t RtlPl::queue_fetches() const { return impl_->c.cq.stats.fetches; }
uint64_t RtlPl::queue_record_words() const { return impl_->c.cq.stats.record_words; }
uint64_t RtlPl::queue_fetch_timing_differs() const { return impl_->c.cq.stats.fetch_timing_differs; }

}  // namespace tinypynq::cosim
