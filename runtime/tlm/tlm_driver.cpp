// SPDX-License-Identifier: MIT
#include "runtime/tlm/tlm_driver.h"

#include <cmath>
#include <cstdlib>
#include <functional>
#include <iterator>
#include <map>
#include <mutex>
#include <vector>

#include "models/fp/pl_units.h"
#include "models/tlm/axi_dma.h"
#include "models/tlm/pl_top.h"
#include "models/tlm/platform.h"
#include "models/tlm/view_reader_tlm.h"
#include "models/tlm/view_writer_tlm.h"
#include "base/check.h"
#include "tensor/device.h"
#include "runtime/pynq/pynq_device.h"

namespace tinypynq::vp {

using sc_core::sc_time;
using sc_core::SC_SEC;

namespace {

// ---- trace events (set_event_sink)
pynq::PynqEventSink* g_sink = nullptr;

// A command's name in traces: "EXP2", "SUM", "MATMUL LOADW" (the OP fields of the contract).
std::string op_label(unsigned unit, uint32_t op) {
  const auto u = static_cast<hw::Unit>(unit);
  if (u == hw::Unit::kReduce) return hw::find_opcode(u, hw::red::OP_MAX.get(op))->name;
  if (u == hw::Unit::kMatmul) return hw::mmu::OP_LOADW.get(op) ? "MATMUL LOADW" : "MATMUL";
  const hw::OpcodeInfo* info = hw::find_opcode(u, hw::vec::OP_OPCODE.get(op));
  return info ? info->name : "BAD_OP";
}

void emit_command(const PlCommandRecord& r, double period) {
  pynq::PynqEvent e;
  e.track = static_cast<pynq::Track>(static_cast<int>(pynq::Track::kVector) + static_cast<int>(r.unit));
  e.cat = "cmd";
  e.name = op_label(r.unit, r.cmd.op);
  e.t_start = static_cast<double>(r.t0) * period;
  e.t_end = static_cast<double>(r.timing.t_done) * period;
  e.args.reserve(7);
  e.num("op", r.cmd.op).num("size0", r.cmd.size[0]).num("size1", r.cmd.size[1]).num("size2", r.cmd.size[2]);
  e.num("cycles", static_cast<double>(r.timing.cycles)).num("t0_cycle", static_cast<double>(r.t0));
  if (r.warnings) e.num("warnings", r.warnings);
  g_sink->on_event(std::move(e));
}

const DmaTransferTimes& channel_times(Platform& p, int ch) {
  return ch == 1 ? p.dma(0).s2mm_times() : p.dma(ch == 0 ? 0 : ch - 1).mm2s_times();
}
// pl_version 2 has no DMA (the view readers stream A, B, C and the view writer takes R; their
// transfers are traced as they end: observe_views).
bool has_channel(Platform& p, int ch) {
  (void)ch;
  return !p.readers();
}

// One transfer on the track of channel ch (pynq::Track order: DMA0 MM2S, DMA0 S2MM, DMA1 MM2S,
// DMA2 MM2S), from its programming to its DONE, with the bytes moved between its first and last
// beat (the bandwidth counters use these). pl_version 2's view readers and writer go on the
// tracks of the DMA channels whose streams and HP ports they took over (A: VR0 on HP0, R: VW on
// HP0, B: VR1, C: VR2).
void emit_stream_transfer(int ch, const char* name, Cycle start, Cycle done, uint64_t bytes, Cycle first, Cycle last,
                          double period) {
  pynq::PynqEvent e;
  e.track = static_cast<pynq::Track>(static_cast<int>(pynq::Track::kDma0Mm2s) + ch);
  e.cat = "dma";
  e.name = name;
  e.t_start = static_cast<double>(start) * period;
  e.t_end = static_cast<double>(done) * period;
  e.args.reserve(3);
  e.num("bytes", static_cast<double>(bytes));
  e.num("first_beat_s", static_cast<double>(first) * period);
  e.num("last_beat_s", static_cast<double>(last + 1) * period);
  g_sink->on_event(std::move(e));
}

// pl_version 1: the DMA channels' transfers that ended since the last call.
void emit_transfers(Platform& p) {
  static const char* const kName[4] = {"MM2S A", "S2MM R", "MM2S B", "MM2S C"};
  const double period = 1.0 / p.config().pl_clock_hz;
  for (int ch = 0; ch < 4; ++ch) {
    if (!has_channel(p, ch)) continue;
    const DmaTransferTimes& t = channel_times(p, ch);
    if (t.transfers == p.trace_seen[ch]) continue;
    p.trace_seen[ch] = t.transfers;
    emit_stream_transfer(ch, kName[ch], t.length_write, t.done, t.bytes, t.first_beat, t.last_beat, period);
  }
}

void observe_views(Platform& p, bool on) {
  if (!p.readers()) return;
  const double period = 1.0 / p.config().pl_clock_hz;
  static const char* const kName[3] = {"VR0 A", "VR1 B", "VR2 C"};
  static constexpr int kChannel[3] = {0, 2, 3};
  for (unsigned i = 0; i < 3; ++i)
    p.readers()->reader(i).set_transfer_observer(
        on ? std::function<void(const ViewReaderTimes&)>([i, period](const ViewReaderTimes& t) {
          if (g_sink) emit_stream_transfer(kChannel[i], kName[i], t.start, t.done, t.ddr_bytes, t.first_beat, t.last_beat, period);
        })
           : nullptr);
  p.writer()->set_transfer_observer(on ? std::function<void(const ViewWriterTimes&)>([period](const ViewWriterTimes& t) {
    if (g_sink) emit_stream_transfer(1, "VW R", t.start, t.done, t.ddr_bytes, t.first_beat, t.last_write, period);
  })
                                       : nullptr);
}

// Contiguous buffers from a region of the emulated DDR (the u-dma-buf/CMA region on a board):
// first fit over address-ordered free ranges, merged with their neighbours when freed, so
// training's changing buffer sizes do not fragment the region.
class DdrAllocator {
 public:
  DdrAllocator(uint64_t base, uint64_t end) : base_(base), end_(end) { free_[base] = end - base; }
  uint64_t get(size_t bytes) {
    std::lock_guard<std::mutex> g(mu_);
    for (auto it = free_.begin(); it != free_.end(); ++it) {
      if (it->second < bytes) continue;
      const uint64_t a = it->first, left = it->second - bytes;
      free_.erase(it);
      if (left) free_[a + bytes] = left;
      in_use_ += bytes;
      return a;
    }
    uint64_t largest = 0;
    for (auto& [a, n] : free_) largest = std::max<uint64_t>(largest, n);
    auto mib = [](uint64_t b) { return std::to_string((b + (1 << 19)) >> 20); };
    throw Error(detail::cat("tlm: a buffer of ", bytes, " bytes (", mib(bytes), " MiB) does not fit the emulated DDR: ",
                            "emulated DDR exhausted (", in_use_, " bytes in use, largest free block ", largest,
                            ", region of ", (end_ - base_) >> 20, " MiB for DMA buffers of the board's ",
                            end_ >> 20, " MiB; ddr_bytes in the board config); use a smaller batch or tensor"));
  }
  void put(uint64_t a, size_t bytes) {
    std::lock_guard<std::mutex> g(mu_);
    in_use_ -= bytes;
    auto next = free_.lower_bound(a);
    if (next != free_.end() && a + bytes == next->first) {  // merge with the range after
      bytes += next->second;
      next = free_.erase(next);
    }
    if (next != free_.begin()) {  // merge with the range before
      auto prev = std::prev(next);
      if (prev->first + prev->second == a) {
        prev->second += bytes;
        return;
      }
    }
    free_[a] = bytes;
  }

 private:
  std::mutex mu_;
  uint64_t base_, end_, in_use_ = 0;
  std::map<uint64_t, uint64_t> free_;  // address -> bytes
};

// The PS of one platform. Platforms of several kinds (tlm, rtl) share the SystemC kernel and
// its time: when another platform's driver has moved the kernel past this PS's time, this PS
// resumes at the kernel's time and the gap is kept out of now() (offset_), so each driver's
// PS time counts only its own work.
class TlmDriver final : public pynq::Driver {
 public:
  TlmDriver(Platform& p, const BoardConfig& cfg)
      : p_(p), cfg_(cfg), alloc_(std::make_shared<DdrAllocator>(kDmaRegion, cfg.ddr_bytes)),
        read_(cfg.gp0_read_ns * 1e-9, SC_SEC), write_(cfg.gp0_write_ns * 1e-9, SC_SEC),
        poll_(cfg.poll_interval_ns * 1e-9, SC_SEC) {
    t_ps_ = offset_ = sc_core::sc_time_stamp();
  }
  const char* name() const override { return p_.kind().c_str(); }

  uint32_t read32(uint64_t addr) override {
    sync();
    uint32_t v = 0;
    access(addr, &v, tlm::TLM_READ_COMMAND);
    t_ps_ += read_;
    return v;
  }
  void write32(uint64_t addr, uint32_t value) override {
    access(addr, &value, tlm::TLM_WRITE_COMMAND);
    t_ps_ += write_;
  }

  pynq::DmaBuffer alloc(size_t bytes, size_t align) override {
    TP_CHECK(align && (align & (align - 1)) == 0 && align <= 4096, "tlm: alignment ", align,
             " must be a power of two <= 4096");
    const size_t rounded = (std::max<size_t>(bytes, 1) + 4095) / 4096 * 4096;  // page granular, as CMA
    const uint64_t phys = alloc_->get(rounded);
    pynq::DmaBuffer b;
    b.phys = phys;
    b.virt = p_.ps7().ddr(phys);
    b.bytes = bytes;
    b.owner = std::shared_ptr<void>(b.virt, [a = alloc_, phys, rounded](void*) { a->put(phys, rounded); });
    return b;
  }
  void flush(const pynq::DmaBuffer&, size_t, size_t bytes) override {
    cpu_work(bytes / cfg_.cache_flush_bytes_per_s);
  }
  void invalidate(const pynq::DmaBuffer&, size_t, size_t bytes) override {
    cpu_work(bytes / cfg_.cache_invalidate_bytes_per_s);
  }

  uint32_t wait(uint64_t addr, uint32_t mask, int irq, pynq::WaitMode mode, double timeout_s) override {
    const uint32_t v = wait_for(addr, mask, irq, mode, timeout_s);
    check_fault();
    if (g_sink) emit_transfers(p_);
    return v;
  }
  uint32_t wait_for(uint64_t addr, uint32_t mask, int irq, pynq::WaitMode mode, double timeout_s) {
    const sc_time start = t_ps_, limit = t_ps_ + sc_time(timeout_s, SC_SEC);
    for (;;) {
      if (mode == pynq::WaitMode::kIrq) {
        sync();
        while (!p_.ps7().irq(irq)) step_or_hang(addr, limit);
        t_ps_ = std::max(t_ps_, p_.ps7().irq_rise_time(irq) + sc_time(cfg_.irq_latency_ns * 1e-9, SC_SEC));
      }
      catch_up_kernel();
      const sc_time r = t_ps_;  // this poll's read
      const uint32_t v = read32(addr);
      if (v & mask) return v;
      if (mode == pynq::WaitMode::kIrq) continue;
      // Poll: the PS reads every (read + poll interval). Reads before the simulation's next
      // event cannot see a change, so jump to the first read at or after it, charging the
      // skipped reads' time as well: a platform with an event every cycle (rtl), which makes
      // every read, lands on the same read times. (The read above happened before the
      // simulation caught up with the PS; look again before calling it a hang.)
      sync_if_due();
      const sc_time iter = poll_ + read_;
      if (!sc_core::sc_pending_activity()) {  // the next read, on the same grid, decides
        t_ps_ = r + iter;
        const uint32_t again = read32(addr);
        if (again & mask) return again;
        hang(addr, again, limit);
      }
      // Once the platform knows when the bit gets set, the reads at the events before it are
      // skipped: none of them could see the bit, and the grid lands on the same read.
      sc_time due;
      const sc_time next = status_due(addr, mask, &due) ? due
                                                        : sc_core::sc_time_stamp() + sc_core::sc_time_to_pending_activity();
      const double k = next > r ? std::ceil((next - r) / iter) : 1.0;
      t_ps_ = r + iter * std::max(1.0, k);
      if (t_ps_ > limit)
        throw pynq::DriverTimeout(detail::cat("tlm: timeout after ", (t_ps_ - start).to_seconds(),
                                              " s waiting for bits 0x", std::hex, mask, " of register 0x", addr,
                                              " (last value 0x", v, ")"));
    }
  }

  void reset_pl() override {
    sync();
    p_.reset_pl();
    t_ps_ += sc_time(1e-6, SC_SEC);  // the reset pulse and the SLCR writes, about a microsecond
  }

  double now() override { return (t_ps_ - offset_ + unsimulated_).to_seconds(); }
  void cpu_work(double seconds) override { t_ps_ += sc_time(seconds, SC_SEC); }

 private:
  static constexpr uint64_t kDmaRegion = 64ull << 20;  // below: the Linux kernel and user space

  void sync() {
    catch_up_kernel();
    const sc_time now = sc_core::sc_time_stamp();
    if (t_ps_ > now) sc_core::sc_start(t_ps_ - now);
  }
  // sync() when something is due by the PS time. Otherwise running the kernel would only move
  // its clock: nothing the poll loop looks at (pending activity, the next event's time) changes,
  // and the next access syncs anyway. Saves one sc_start per poll on sparse (tlm) platforms.
  void sync_if_due() {
    catch_up_kernel();
    const sc_time now = sc_core::sc_time_stamp();
    if (t_ps_ <= now) return;
    if (!sc_core::sc_pending_activity() || now + sc_core::sc_time_to_pending_activity() > t_ps_) return;
    sc_core::sc_start(t_ps_ - now);
  }
  // Resuming after another platform moved the kernel: start at the next whole microsecond, a
  // common multiple of every clock period in the models (PL 100 MHz, HP 150 MHz, DDR, A9), so
  // the run is the same as from time 0, only shifted (the same cycles, the same prediction).
  void catch_up_kernel() {
    const sc_time now = sc_core::sc_time_stamp();
    if (t_ps_ >= now) return;
    const sc_time us(1, sc_core::SC_US);
    const sc_time resume = us * std::ceil(now / us);
    offset_ += resume - t_ps_;
    t_ps_ = resume;
  }
  // When the polled status register shows `mask`, if the platform has decided it already (v1:
  // S2MM_DMASR.IOC_Irq once the result packet is in, axi_dma.h s2mm_ioc_due); else false.
  bool status_due(uint64_t addr, uint32_t mask, sc_time* at) {
    if (!p_.has_dma(0) || addr != hw::win::DMA0_BASE + hw::dma::S2MM_DMASR || !(mask & hw::dma::DMASR_IOC_IRQ.mask))
      return false;
    return p_.dma(0).s2mm_ioc_due(at);
  }
  void check_fault() {
    const std::string f = p_.pl().fault();
    if (!f.empty()) throw Error(detail::cat(p_.kind(), ": ", f));
  }
  void step_or_hang(uint64_t addr, const sc_time& limit) {
    if (!sc_core::sc_pending_activity()) hang(addr, 0, limit);
    sc_core::sc_start(sc_core::sc_time_to_pending_activity());
    if (sc_core::sc_time_stamp() > limit)
      throw pynq::DriverTimeout(detail::cat("tlm: timeout waiting for an interrupt (register 0x", std::hex, addr, ")"));
  }
  // A PL that can make no more progress is found at once here, but the board's driver only
  // learns it when its wait times out: the rest of the wait is charged to now() (unsimulated_),
  // so a hung unit's predicted cost is the timeout a board would spend
  // (runtime/board/board_driver.cpp). It is not simulated: nothing can change in it, and a
  // clocked platform (rtl) would spend ~1e9 cycles on it.
  [[noreturn]] void hang(uint64_t addr, uint32_t v, const sc_time& deadline) {
    check_fault();
    if (deadline > t_ps_) unsimulated_ += deadline - t_ps_;
    throw pynq::DriverTimeout(detail::cat(p_.kind(), ": the PL can make no more progress while the PS waits on register 0x",
                                          std::hex, addr, " (value 0x", v, "): ", p_.describe_stall()));
  }
  void access(uint64_t addr, uint32_t* v, tlm::tlm_command cmd) {
    if (p_.pl().clocked() || p_.has_cmd_queue())
      sync();  // the RTL: no access ahead of the kernel (PlBlock::clocked)
    else
      catch_up_kernel();
    tlm::tlm_generic_payload& gp = gp_;  // one payload for every access: no allocation per access
    gp.set_command(cmd);
    gp.set_address(addr);
    gp.set_data_ptr(reinterpret_cast<unsigned char*>(v));
    gp.set_data_length(4);
    gp.set_streaming_width(4);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_time delay = t_ps_ > sc_core::sc_time_stamp() ? t_ps_ - sc_core::sc_time_stamp() : sc_core::SC_ZERO_TIME;
    p_.gp0(gp, delay);
    TP_CHECK(gp.is_response_ok(), "tlm: GP0 ", cmd == tlm::TLM_READ_COMMAND ? "read" : "write", " at 0x",
             std::hex, addr, " failed: ", gp.get_response_string(), " (hw-spec §2.2 address map)");
  }

  Platform& p_;
  BoardConfig cfg_;
  std::shared_ptr<DdrAllocator> alloc_;
  const sc_time read_, write_, poll_;  // GP0 read and write, poll interval (built once: sc_time(double) costs)
  sc_time t_ps_;
  sc_time offset_;  // kernel time spent by other platforms' drivers (see the class comment)
  sc_time unsimulated_;  // PS time waiting on a hung PL, charged but not simulated (hang)
  tlm::tlm_generic_payload gp_;  // GP0 accesses (access() sets every field it uses)
};

}  // namespace

std::unique_ptr<pynq::Driver> make_platform_driver(const std::string& kind, const BoardConfig& cfg) {
  // pl_version 2 (the view readers, models/tlm/view_reader_tlm.h) is driven by the runtime's v2
  // lowering (commands carry descriptors, PlExec programs VR0..2 and VW), on tlm and rtl alike.
  return std::make_unique<TlmDriver>(Platform::get(kind), cfg);
}

std::unique_ptr<pynq::Driver> make_tlm_driver(const BoardConfig& cfg) {
  Platform::declare("tlm", cfg, make_tlm_pl);
  return make_platform_driver("tlm", cfg);
}

void register_platform_target(const std::string& kind, const BoardConfig& cfg, PlFactory pl) {
  Platform::declare(kind, cfg, std::move(pl));
  register_device(kind, [kind, cfg] { return pynq::make_pynq_device(kind, make_platform_driver(kind, cfg), cfg); });
}

void register_tlm_target(const BoardConfig& cfg) { register_platform_target("tlm", cfg, make_tlm_pl); }

uint64_t tlm_pl_cycles() {
  return Platform::built() ? Platform::all().front()->pl_cycles() : 0;
}

void set_event_sink(pynq::PynqEventSink* sink) {
  g_sink = sink;
  // Platforms are built with the first device on them; none yet means nothing to observe.
  for (Platform* pp : Platform::all()) {
    Platform& p = *pp;
    for (int ch = 0; ch < 4; ++ch)
      if (has_channel(p, ch)) p.trace_seen[ch] = channel_times(p, ch).transfers;  // only later transfers
    observe_views(p, sink != nullptr);
    if (!sink) {
      p.pl().set_command_observer(nullptr);
      continue;
    }
    const double period = 1.0 / p.config().pl_clock_hz;
    p.pl().set_command_observer([period](const PlCommandRecord& r) {
      if (g_sink) emit_command(r, period);
    });
  }
}

}  // namespace tinypynq::vp

// libsystemc.so brings a main() that calls sc_main(); our programs have their own main() and
// elaborate the platform on first use, so this is never called but must exist to link.
int sc_main(int, char*[]) { return 0; }
