#include "runtime/pynq/pl_exec.h"

#include <algorithm>
#include <sstream>

#include "base/check.h"
#include "runtime/pynq/regmap.h"

namespace tinypynq::pynq {

namespace {
constexpr uint64_t kMm2sDma[3] = {reg::kDma0, reg::kDma1, reg::kDma2};  // streams A, B, C
constexpr double kTimeoutS = 10.0;  // simulated seconds; the longest legal command is ~0.2 s
// Waiting for an interrupt: how long the PS sleeps before it polls the status itself (a lost
// interrupt costs this much; every legal command finishes well within it).
constexpr double kIrqTimeoutS = 0.5;
}  // namespace

#define PL_CHECK(cond, ...)                                                         \
  do {                                                                              \
    if (!(cond)) throw ::tinypynq::pynq::PlFault(::tinypynq::detail::cat(__VA_ARGS__)); \
  } while (0)

// The result of the command on unit u: S2MM's status once IOC (or an error) is set. A wait that
// times out is a PL fault; in irq mode the PS first polls once, since the PL may have finished
// and only the interrupt was lost.
// pl_version 2: VW's STATUS once DONE or ERR is set.
uint32_t PlExec::wait_result(int u) {
  const uint64_t sr = v2() ? pl::vw::kWindow + pl::vw::STATUS : reg::kDma0 + reg::S2MM_DMASR;
  const uint32_t mask = v2() ? pl::vw::ST_DONE | pl::vw::ST_ERR : reg::DMASR_IOC | reg::DMASR_ERR_IRQ;
  const int irq = v2() ? static_cast<int>(hw::irq::VW) : reg::kIrqDma0S2mm;
  try {
    return drv_.wait(sr, mask, irq, mode_, mode_ == WaitMode::kIrq ? kIrqTimeoutS : kTimeoutS);
  } catch (const DriverTimeout& e) {
    if (mode_ == WaitMode::kIrq) {
      const uint32_t v = drv_.read32(sr);
      if (v & mask) {
        ++st_.faults.lost_irqs;
        st_.faults.log.push_back(detail::cat(hw::kUnits[u].name, ": ", e.what(), v2() ? "; VW STATUS" : "; S2MM_DMASR",
                                             " polled 0x", std::hex, v,
                                             ": the command had finished"));
        return v;
      }
    }
    if (v2())
      throw PlFault(detail::cat("pynq: ", hw::kUnits[u].name, " command did not complete: ", e.what(),
                                " (view reader STATUS: ", reader_status(), "; VW STATUS 0x", std::hex,
                                drv_.read32(pl::vw::kWindow + pl::vw::STATUS), ")"));
    std::ostringstream mm2s;
    for (int i = 0; i < 3; ++i) mm2s << (i ? ", " : "") << "0x" << std::hex << drv_.read32(kMm2sDma[i] + reg::MM2S_DMASR);
    throw PlFault(detail::cat("pynq: ", hw::kUnits[u].name, " command did not complete: ", e.what(),
                              " (MM2S_DMASR of DMA0-2: ", mm2s.str(), ")"));
  }
}

double PlExec::cpu(Phase p, double seconds, const char* what) {
  double t0 = drv_.now();
  if (wall_) {
    seconds = std::max(0.0, t0 - mark_);
    t0 = mark_;
    mark_ += seconds;
  }
  if (sink_) {
    PynqEvent e;
    e.track = Track::kPs;
    e.cat = phase_name(p);
    e.name = what ? what : phase_name(p);
    e.t_start = t0;
    e.t_end = e.t_start + seconds;
    sink_->on_event(std::move(e));
  }
  drv_.cpu_work(seconds);
  st_.phase[static_cast<int>(p)] += seconds;
  return seconds;
}

void PlExec::init() {
  timed(Phase::kPsDriver, [&] {
    const uint32_t id = drv_.read32(reg::kSys + reg::SYS_ID);
    TP_CHECK(id == reg::kSysId, "pynq: no tinypynq PL at 0x", std::hex, reg::kSys, ": SYS.ID reads 0x", id,
             ", expected 0x", reg::kSysId, " (is the overlay loaded?)");
    const uint32_t ver = drv_.read32(reg::kSys + reg::SYS_VERSION);
    const uint32_t want = reg::sys_version(v2() ? 2 : 1);
    TP_CHECK(ver >> 16 == want >> 16, "pynq: the PL reads SYS.VERSION 0x", std::hex, ver, std::dec, " (PL version ",
             ver >> 16, "), but the board configuration selects pl_version ", want >> 16,
             ": load the bitstream built for it (hw/vivado/build_bitstream.tcl <out> <jobs> ", want >> 16,
             ") or use the board configuration of the loaded PL");
    if (v2()) {  // no DMA: the readers and the writer reset with the PL, every register to 0
      // (hw/pl_contract.json), so the shadows are exact as all zeros; a shadow that was only
      // dropped would keep stale values of the dimensions a later command does not write.
      for (VrShadow* v : {&vr_[0], &vr_[1], &vr_[2], &vw_}) *v = VrShadow{true, {}};
      queue_init();  // pl_exec_cq.cpp: the ring, programmed again after every reset
    } else {
      for (uint64_t dma : kMm2sDma) {
        drv_.write32(dma + reg::MM2S_DMACR, reg::DMACR_RESET);
        drv_.write32(dma + reg::MM2S_DMACR, reg::DMACR_RS);
      }
      drv_.write32(reg::kDma0 + reg::S2MM_DMACR, reg::DMACR_RS | reg::DMACR_IOC_IRQEN | reg::DMACR_ERR_IRQEN);
    }
  });
}

PlExec::Result PlExec::run(const UnitCmd& c) {
  if (queued()) return enqueue(c);  // pl_exec_cq.cpp: errors surface where the PS waits
  try {
    return run_once(c);
  } catch (...) {
    drv_.reset_pl();
    init();
    throw;
  }
}

PlExec::Result PlExec::run_once(const UnitCmd& c) {
  const int u = static_cast<int>(c.unit);
  const uint64_t base = hw::kUnits[u].base;
  const double t_cache0 = sink_ ? drv_.now() : 0;
  cache_for(c);
  const double t_drv0 = sink_ ? drv_.now() : 0;
  double t_wait0 = 0, t_wait1 = 0;
  uint32_t status = 0, s2mm = 0, vw_info = 0;
  uint64_t cycles = 0;
  timed(Phase::kPsDriver, [&] {
    drv_.cpu_work(cost_.config().driver_call_ns * 1e-9);
    // 2. unit registers
    program_unit(c);
    // 3. result channel first, 4. operand channels C, B, A, 5. START
    if (v2()) {
      program_writer(c);   // pl_exec_vw.cpp: the result's descriptor to VW, started
      program_readers(c);  // pl_exec_vr.cpp: descriptors to VR2, VR1, VR0, each started
    } else {
      drv_.write32(reg::kDma0 + reg::S2MM_DA, static_cast<uint32_t>(c.out.phys()));
      drv_.write32(reg::kDma0 + reg::S2MM_LENGTH, static_cast<uint32_t>(c.out.bytes));
      for (int i = 2; i >= 0; --i) {
        if (!c.in[i].blk) continue;
        drv_.write32(kMm2sDma[i] + reg::MM2S_SA, static_cast<uint32_t>(c.in[i].phys()));
        drv_.write32(kMm2sDma[i] + reg::MM2S_LENGTH, static_cast<uint32_t>(c.in[i].bytes));
        st_.dma_bytes += c.in[i].bytes;
      }
    }
    st_.dma_bytes += c.out.bytes;
    drv_.write32(base + reg::CTRL, reg::CTRL_START);
    // 6. wait for the result in DDR
    t_wait0 = drv_.now();
    s2mm = wait_result(u);
    t_wait1 = drv_.now();
    if (v2() && (s2mm & pl::vw::ST_ERR)) vw_info = drv_.read32(pl::vw::kWindow + pl::vw::ERR_INFO);  // before W1C clears it
    if (v2()) drv_.write32(pl::vw::kWindow + pl::vw::STATUS, pl::vw::ST_DONE | pl::vw::ST_ERR);  // W1C
    else drv_.write32(reg::kDma0 + reg::S2MM_DMASR, reg::DMASR_IOC | reg::DMASR_ERR_IRQ);
    status = drv_.read32(base + reg::STATUS);
    if ((status & reg::ST_ERR) || !(status & reg::ST_DONE)) {
      // A status that contradicts the completed transfer: read it once more before calling it
      // an error, so one corrupted read does not cost a reset.
      const uint32_t again = drv_.read32(base + reg::STATUS);
      if (again != status && (again & reg::ST_DONE) && !(again & reg::ST_ERR)) {
        ++st_.faults.status_rereads;
        st_.faults.log.push_back(detail::cat(hw::kUnits[u].name, " STATUS read 0x", std::hex, status, ", re-read 0x", again,
                                             ": the first read was corrupt"));
      }
      status = again;
    }
    cycles = drv_.read32(base + reg::CYCLES_LO);
    cycles |= static_cast<uint64_t>(drv_.read32(base + reg::CYCLES_HI)) << 32;
  });
  if (v2() && (status & reg::ST_ERR) && reg::err_code(status) == static_cast<uint32_t>(hw::ErrCode::STREAM))
    stream_fault(c);  // a reader rejected its descriptor: name it (PlFault; run() resets the PL)
  if (v2() && (s2mm & pl::vw::ST_ERR)) writer_fault(c, s2mm, vw_info);  // VW rejected or failed its transfer
  PL_CHECK(v2() || !(s2mm & reg::DMASR_ERRORS), "pynq: DMA0 S2MM error on a ", hw::kUnits[u].name, " command: S2MM_DMASR = 0x",
           std::hex, s2mm, " (DMAIntErr/SlvErr/DecErr = bits 4/5/6), destination 0x", c.out.phys(), ", ", std::dec,
           c.out.bytes, " bytes");
  PL_CHECK(!(status & reg::ST_ERR), "pynq: ", hw::kUnits[u].name, " unit rejected command op=0x", std::hex, c.op,
           std::dec, " sizes ", c.size[0], "x", c.size[1], "x", c.size[2], ": ERR_CODE ", reg::err_code(status),
           " (1 BAD_OP, 2 BAD_SIZE, 3 BUSY)");
  PL_CHECK(status & reg::ST_DONE, "pynq: ", hw::kUnits[u].name, " unit not DONE after its result arrived (STATUS 0x",
           std::hex, status, ")");
  // Clear DONE (W1C) so the next command's wait cannot see a stale completion.
  timed(Phase::kPsDriver, [&] { drv_.write32(base + reg::STATUS, reg::ST_DONE | reg::ST_W_RANGE | reg::ST_W_TLAST); });
  // Split the wait into unit busy time and the DMA time around it.
  const double pl = static_cast<double>(cycles) / cost_.config().pl_clock_hz;
  const double waited = t_wait1 - t_wait0;
  const double busy = std::min(pl, waited);
  st_.phase[static_cast<int>(Phase::kPsDriver)] -= waited;
  st_.phase[static_cast<int>(Phase::kPlVector) + u] += busy;
  st_.phase[static_cast<int>(Phase::kDma)] += waited - busy;
  st_.commands[u] += 1;
  st_.pl_cycles[u] += cycles;
  if (sink_) emit_command(c, {t_cache0, t_drv0, t_wait0, t_wait1, drv_.now(), busy, cycles});
  return {cycles, (status & reg::ST_W_RANGE) != 0};
}

// PS slices of one command: cache maintenance, then the driver's part (register writes, the
// status reads, clearing DONE) with the wait for the result nested in it. The wait carries how
// the phases split it (unit busy time vs DMA), so a trace adds up to the same phases as PynqStats.
void PlExec::emit_command(const UnitCmd& c, const CmdTimes& t) {
  const int u = static_cast<int>(c.unit);
  PynqEvent cache;
  cache.track = Track::kPs;
  cache.cat = phase_name(Phase::kPsCache);
  cache.name = "clean/inval";  // <= 15 chars: no allocation (SSO)
  cache.t_start = t.cache0, cache.t_end = t.drv0;
  sink_->on_event(std::move(cache));
  PynqEvent cmd;
  cmd.track = Track::kPs;
  cmd.cat = phase_name(Phase::kPsDriver);
  cmd.name = hw::kUnits[u].name;
  cmd.t_start = t.drv0, cmd.t_end = t.end;
  cmd.args.reserve(4);
  cmd.num("op", c.op);  // the sizes are on the unit's slice
  double in_bytes = 0;
  for (const Stream& s : c.in) in_bytes += s.blk ? static_cast<double>(s.bytes) : 0.0;
  cmd.num("in_bytes", in_bytes).num("out_bytes", static_cast<double>(c.out.bytes));
  cmd.num("cycles", static_cast<double>(t.cycles));
  sink_->on_event(std::move(cmd));
  PynqEvent w;
  w.track = Track::kPs;
  w.cat = "wait";
  w.name = v2() ? "wait (VW DONE)" : "wait (S2MM IOC)";
  w.t_start = t.wait0, w.t_end = t.wait1;
  w.args.reserve(3);
  w.str("unit", hw::kUnits[u].name).num("unit_s", t.busy).num("dma_s", (t.wait1 - t.wait0) - t.busy);
  sink_->on_event(std::move(w));
}

}  // namespace tinypynq::pynq

namespace tinypynq::pynq {

void PlExec::cache_for(const UnitCmd& c) {
  // Step 1: cache maintenance, lazily (cache.h): clean the lines of the operands the CPU wrote since
  // the PL last read them; the destination's dirty lines leave the cache. Invalidating what the
  // PL writes waits until the CPU reads it (cpu_reads).
  timed(Phase::kPsCache, [&] {
    for (int i = 0; i < 3; ++i) {
      const Stream& s = c.in[i];
      if (!s.blk) continue;
      if (!v2() || !c.view[i]) {
        apply(*s.blk, cache_.pl_reads(s.phys(), s.bytes));
        continue;
      }
      // A view: clean what the reader can touch, lowest to highest byte (nothing to invalidate).
      uint64_t lo = 0, bytes = 0;
      if (footprint(reader_view(c, i), &lo, &bytes) && lo >= s.phys() && lo + bytes <= s.phys() + s.bytes)
        apply(*s.blk, cache_.pl_reads(lo, bytes));
    }
    // The result: its lines leave the cache over what VW can write (the view's footprint).
    uint64_t lo = c.out.phys(), bytes = c.out.bytes;
    if (v2() && c.out_view && !footprint(writer_view(c), &lo, &bytes)) bytes = 0;  // an empty box writes nothing
    if (bytes) apply(*c.out.blk, cache_.pl_writes(lo, bytes));
  });
}

void PlExec::program_unit(const UnitCmd& c) {
  const uint64_t base = hw::kUnits[static_cast<int>(c.unit)].base;
  reg_write(base + reg::OP, c.op);
  reg_write(base + reg::SIZE0, c.size[0]);
  if (c.unit != Unit::kVector) reg_write(base + reg::SIZE1, c.size[1]);
  if (c.unit == Unit::kMatmul) reg_write(base + reg::SIZE2, c.size[2]);
  if (c.unit == Unit::kVector)
    for (int i = 0; i < 3; ++i)
      if (!c.in[i].blk) reg_write(base + reg::SCALAR_A + 4 * i, c.scalar[i]);
}

}  // namespace tinypynq::pynq
