#include "runtime/pynq/pynq_device.h"

#include <cstdio>
#include <cstring>
#include <deque>
#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

#include "base/check.h"
#include "runtime/pynq/executor.h"
#include "runtime/pynq/fault_driver.h"
#include "runtime/pynq/lower_cache.h"
#include "runtime/pynq/program.h"
#include "tensor/schedule.h"

#include <iostream>

namespace tinypynq::pynq {

namespace {

class PynqDevice final : public Device {
 public:
  PynqDevice(std::string name, std::unique_ptr<Driver> drv, const BoardConfig& cfg)
      : name_(std::move(name)), drv_(std::move(drv)), cfg_(cfg), cost_(cfg),
        ex_(*drv_, stats_, cost_, WaitMode::kPoll), runner_(ex_, cost_, [this](size_t n) { return block(n); }) {
    ex_.init();
    // Queue errors found after a kernel returned (docs/pl-v2.md step 4): the kernels whose
    // entries did not run are recomputed on the PS, in order.
    ex_.set_recover([this](uint64_t lost) { recover(lost); });
    stats_.reset();  // set-up is not part of any measured work
  }
  const std::string& name() const override { return name_; }

  std::shared_ptr<DdrBlock> block(size_t bytes) {
    auto blk = std::make_shared<DdrBlock>();
    // Whole lines (kCacheLineBytes divides 64): no cache line is shared by two blocks, so
    // maintaining one never touches another's bytes (docs/pynq-runtime.md).
    blk->mem = drv_->alloc((std::max<size_t>(bytes, 8) + 63) / 64 * 64, 64);
    return blk;
  }

  BufferPtr alloc(DType dtype, int64_t numel) override {
    auto b = std::make_shared<Buffer>();
    b->device = this, b->dtype = dtype, b->numel = numel;
    auto blk = block(b->nbytes());
    b->data = blk->mem.virt;
    b->owner = blk;
    return b;
  }
  void copyin(Buffer& dst, const void* src, size_t n) override {
    const double t0 = drv_->now();
    ex_.cpu_writes(Stream{ddr_block(dst), 0, n});
    const double cache_s = drv_->now() - t0;
    ex_.mark();
    std::memcpy(dst.data, src, n);
    stats_.board_seconds += cache_s + ex_.cpu(Phase::kPsCopy, cost_.copy_seconds(n), "copyin");
    charge_a9_only(cost_.copy_seconds(n));
  }
  void copyout(const Buffer& src, void* dst, size_t n) override {
    const double t0 = drv_->now();
    ex_.cpu_reads(Stream{ddr_block(src), 0, n});  // what the PL wrote is invalidated only now
    const double cache_s = drv_->now() - t0;
    ex_.mark();
    std::memcpy(dst, src.data, n);
    stats_.board_seconds += cache_s + ex_.cpu(Phase::kPsCopy, cost_.copy_seconds(n), "copyout");
    charge_a9_only(cost_.copy_seconds(n));
  }
  bool supports(const Kernel&) const override { return true; }  // the PS runs what the PL cannot

  void run(const Kernel& k) override {
    for (auto& b : k.bufs)
      TP_ASSERT(b->device == this, "pynq: kernel ", k.name(), " reads a buffer of device ",
                b->device ? b->device->name() : "?");
    const double t0 = drv_->now();
    ex_.mark();
    KernelRecord rec;
    rec.name = k.name();
    rec.flops = k.flops();
    rec.a9_seconds = cost_.kernel_seconds(k);
    stats_.a9_only_seconds += rec.a9_seconds;
    const std::optional<Program>& prog = lower_.get(k);  // lowered once per kernel structure
    if (prog && debug_level() >= 4) std::cerr << prog->str();
    bool on_pl = prog.has_value();
    ex_.begin_kernel();
    try {
      if (on_pl && runner_.run(*prog, k, &rec)) {  // MOD/SIN beyond the PL's exact range: the PS recomputes
        ++stats_.range_recomputes;
        on_pl = false;
      }
    } catch (const PlFault& e) {
      // The PL failed a command and PlExec has reset it: the kernel's inputs are untouched (a
      // program writes only its temporaries and the output), so the PS recomputes it and the
      // run goes on with correct results. The time already spent on the PL stays charged.
      ++stats_.faults.pl_faults;
      ++stats_.faults.ps_recomputes;
      stats_.faults.log.push_back(detail::cat(name_, ": kernel ", k.name(), ": ", e.what(),
                                              "; PL reset, kernel recomputed on the PS"));
      std::fprintf(stderr, "tinypynq: %s\n", stats_.faults.log.back().c_str());
      on_pl = false;
    }
    if (on_pl && ex_.enqueued() > ex_.completed()) {  // commands of it still queued: keep the kernel
      while (!inflight_.empty() && inflight_.front().last < ex_.completed()) inflight_.pop_front();
      inflight_.push_back({k, ex_.enqueued() - 1, rec.a9_seconds});
    }
    if (on_pl) {
      ++stats_.pl_kernels;
    } else {
      ++stats_.fallback_kernels;
      rec.fallback = true;
      fallback(k, rec.a9_seconds);
    }
    ex_.settle();  // the board: the rest of the kernel's time is the runtime's own
    rec.seconds = drv_->now() - t0;
    stats_.board_seconds += rec.seconds;
    if (ex_.sink()) emit_kernel(k, rec, t0);
    if (stats_.record_kernels) stats_.kernels.push_back(std::move(rec));
  }

  PynqStats stats_;
  void finish() {
    const double t0 = drv_->now();
    ex_.finish();
    inflight_.clear();
    stats_.board_seconds += drv_->now() - t0;
  }
  void set_sink(PynqEventSink* s) { ex_.set_sink(s); }
  void set_wait_mode(WaitMode m) { ex_.set_wait_mode(m); }
  double now() { return drv_->now(); }

 private:
  // The host-side kernel as one slice over the PS time it took, with what the profile needs.
  void emit_kernel(const Kernel& k, const KernelRecord& rec, double t0) {
    PynqEvent e;
    e.track = Track::kKernel;
    e.cat = "kernel";
    e.name = rec.name;
    e.t_start = t0, e.t_end = t0 + rec.seconds;
    e.args.reserve(12);
    int top = -1;  // the unit with most cycles: the roofline the kernel is held against
    for (int u = 0; u < 3; ++u)
      if (rec.unit_cycles[u] && (top < 0 || rec.unit_cycles[u] > rec.unit_cycles[top])) top = u;
    e.str("shape", shape_str(k.full_shape)).str("target", name_);
    e.str("unit", rec.fallback ? "ps" : top >= 0 ? hw::kUnits[top].name : "none");
    e.num("flops", static_cast<double>(rec.flops)).num("dma_bytes", static_cast<double>(rec.dma_bytes));
    e.num("commands", rec.commands).num("pl_cycles", static_cast<double>(rec.pl_cycles));
    for (int u = 0; u < 3; ++u)
      if (rec.unit_cycles[u]) e.num(u == 0 ? "cycles_vector" : u == 1 ? "cycles_reduce" : "cycles_matmul",
                                    static_cast<double>(rec.unit_cycles[u]));
    e.num("a9_s", rec.a9_seconds);
    if (rec.ps_packed) e.num("ps_packed", rec.ps_packed);  // pl_version 2: operands no view says
    ex_.sink()->on_event(std::move(e));
  }
  void charge_a9_only(double s) { stats_.a9_only_seconds += s; }
  // Kernels whose last queued entry is >= lost did not (all) run: recompute them on the PS in
  // order (they write only their temporaries and outputs; their inputs are what earlier kernels,
  // done or recomputed here, left).
  void recover(uint64_t lost) {
    for (const InFlight& f : inflight_) {
      if (f.last < lost) continue;
      ++stats_.faults.ps_recomputes;
      stats_.faults.log.push_back(detail::cat(name_, ": kernel ", f.k.name(), ": its queued commands were lost ",
                                              "(entry #", lost, " failed); recomputed on the PS"));
      ++stats_.fallback_kernels;
      fallback(f.k, f.a9_seconds);
    }
    inflight_.clear();
  }
  struct InFlight { Kernel k; uint64_t last; double a9_seconds; };
  std::deque<InFlight> inflight_;
  void fallback(const Kernel& k, double seconds) {
    // The A9 computes the kernel in place in DDR (its cached view) with NEON, which always
    // flushes subnormals (ARM NEON has no gradual underflow): on an x86 host the cpu reference
    // code runs with DAZ/FTZ set to match, so PS and PL results follow the same §4.1 rule.
    for (size_t i = 1; i < k.bufs.size(); ++i) ex_.cpu_reads(whole(*k.bufs[i]));
    ex_.cpu_writes(whole(*k.bufs[0]));
#if defined(__SSE2__)
    const unsigned csr = _mm_getcsr();
    _mm_setcsr(csr | 0x8040);  // FTZ (bit 15) | DAZ (bit 6)
    try {
      device("cpu").run(k);
    } catch (...) {
      _mm_setcsr(csr);
      throw;
    }
    _mm_setcsr(csr);
#elif defined(__arm__) && defined(__ARM_FP)
    // The board: the cpu code's scalar VFP arithmetic flushes like NEON with FPSCR.FZ (bit 24).
    uint32_t fpscr;
    asm volatile("vmrs %0, fpscr" : "=r"(fpscr));
    asm volatile("vmsr fpscr, %0" : : "r"(fpscr | (1u << 24)));
    try {
      device("cpu").run(k);
    } catch (...) {
      asm volatile("vmsr fpscr, %0" : : "r"(fpscr));
      throw;
    }
    asm volatile("vmsr fpscr, %0" : : "r"(fpscr));
#else
    device("cpu").run(k);
#endif
    // Integer-based libm routines (fmodf) ignore DAZ: flush what they leave subnormal.
    if (k.out_dtype == DType::f32) {
      auto* o = static_cast<uint32_t*>(k.bufs[0]->data);
      for (int64_t i = 0, n = k.bufs[0]->numel; i < n; ++i)
        if ((o[i] & 0x7F80'0000u) == 0) o[i] &= 0x8000'0000u;
    }
    ex_.cpu(Phase::kPsFallback, seconds);
  }

  std::string name_;
  std::unique_ptr<Driver> drv_;
  BoardConfig cfg_;
  PsCost cost_;
  LowerCache lower_{cfg_};
  PlExec ex_;
  ProgramRunner runner_;
};

}  // namespace

std::unique_ptr<Device> make_pynq_device(const std::string& name, std::unique_ptr<Driver> driver,
                                         const BoardConfig& cfg) {
  std::vector<FaultSpec> faults = fault_plan(name);
  // The faults hit v1's DMA and unit registers (fault_driver.h); pl_version 2 moves commands
  // through the command queue's ring and the view writer, where none of them would land: refused
  // rather than a run that reports no fault.
  TP_CHECK(faults.empty() || cfg.pl_version < 2, "--inject-fault on ", name, ": the faults (dma-error, unit-hang, ",
           "lost-irq, bad-status) are injected at pl_version 1's DMA and unit registers; this board has pl_version ",
           cfg.pl_version, ", whose commands go through the command queue and the view writer, where they are not ",
           "injected (a bad view descriptor is its tested failure: docs/pl-v2.md \"Bad descriptors\"). Use a board ",
           "with pl_version 1");
  if (!faults.empty()) driver = make_fault_driver(std::move(driver), std::move(faults));
  return std::make_unique<PynqDevice>(name, std::move(driver), cfg);
}

void pynq_finish(Device& d) {
  if (auto* p = dynamic_cast<PynqDevice*>(&d)) p->finish();
}

PynqStats* pynq_stats(Device& d) {
  auto* p = dynamic_cast<PynqDevice*>(&d);
  return p ? &p->stats_ : nullptr;
}

void set_wait_mode(Device& d, WaitMode m) {
  if (auto* p = dynamic_cast<PynqDevice*>(&d)) p->set_wait_mode(m);
}

void set_event_sink(Device& d, PynqEventSink* sink) {
  if (auto* p = dynamic_cast<PynqDevice*>(&d)) p->set_sink(sink);
}

double pynq_now(Device& d) {
  auto* p = dynamic_cast<PynqDevice*>(&d);
  return p ? p->now() : 0.0;
}

}  // namespace tinypynq::pynq
