// Internal to the pynq device: DDR blocks behind Buffers, and issuing one unit command through
// the driver with the programming sequence of docs/hw-spec.md §7.2, timing every step into
// the phases of PynqStats.
//
//   PlExec ex(driver, stats, cost, WaitMode::kPoll);  ex.init();
//   UnitCmd c;  c.unit = Unit::kVector;  c.op = reg::V_ADD;  c.size[0] = n;  c.in[0] = a; ...
//   PlExec::Result r = ex.run(c);             // r.cycles: the unit's CYCLES register
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "runtime/pynq/cache.h"
#include "runtime/pynq/cost_model.h"
#include "runtime/driver.h"
#include "runtime/pynq/program.h"
#include "runtime/pynq/pynq_device.h"

namespace tinypynq::pynq {

// What Buffer::owner points to for buffers of a pynq device.
// Its cache state is kept by the PlExec's CacheTracker, by physical address.
struct DdrBlock {
  DmaBuffer mem;
};

struct Stream {  // a byte range of a DDR block that a DMA streams; blk == nullptr: not used
  DdrBlock* blk = nullptr;
  size_t off = 0, bytes = 0;
  uint64_t phys() const { return blk->mem.phys + off; }
};

struct UnitCmd {  // a Command with its memory resolved to DDR streams
  Unit unit = Unit::kVector;
  uint32_t op = 0;
  uint32_t size[3] = {0, 0, 0};
  uint32_t scalar[3] = {0, 0, 0};
  Stream in[3];  // streams A, B, C
  Stream out;    // stream R
  // pl_version 2: stream i is this view of in[i] (BASE = in[i].phys(), LIMIT = in[i].bytes,
  // docs/pl-v2.md); without one VR_i streams in[i]'s bytes as a rank-1 view.
  std::optional<pl::ViewDesc> view[3];
  // pl_version 2: stream R is written by the view writer VW through this view of out (BASE =
  // out.phys(), LIMIT = out.bytes, docs/pl-v2.md step 3); without one VW writes out's bytes
  // as a rank-1 view.
  std::optional<pl::ViewDesc> out_view;
  const std::string* kernel = nullptr;  // for error messages
};

// A command the PL failed: a DMA error, a unit error code, a unit that never finished, a status
// that stayed inconsistent. PlExec has reset the PL when this reaches the caller; the device
// recomputes the kernel on the PS. (Other errors, e.g. a lockstep mismatch, are not PlFaults.)
class PlFault : public Error {
 public:
  using Error::Error;
};

class PlExec {
 public:
  PlExec(Driver& drv, PynqStats& stats, const PsCost& cost, WaitMode mode)
      : drv_(drv), st_(stats), cost_(cost), mode_(mode), wall_(drv.wall_clock()) {}
  void init();  // identify the PL, reset and start the DMAs

  struct Result { uint64_t cycles = 0; bool w_range = false; };
  // Runs one command; on any error the PL is reset and re-initialised before the error is
  // rethrown, so the next command starts from a clean PL.
  Result run(const UnitCmd& c);

  // Lazy cache maintenance (cache.h, docs/pynq-runtime.md): call before the CPU reads or writes
  // a range of a DDR block; does what the tracker says, charged to ps_cache. Commands do their
  // own (the PL reads and writes) in run().
  void cpu_reads(const Stream& s);
  void cpu_writes(const Stream& s);
  const CacheTracker& cache() const { return cache_; }

  // CPU work the runtime does itself, charged to the A9 and to a phase; returns the seconds
  // booked. `what` names the trace slice (a static string; default: the phase). On a
  // wall-clock driver (the board) the work has just been done: what is booked is the time
  // since the last mark, measured, instead of `seconds`.
  double cpu(Phase p, double seconds, const char* what = nullptr);
  // Runs f and books the PS time it took (driver calls advance it) to phase p. On a wall-clock
  // driver the runtime's own time since the last mark goes to ps_driver first.
  template <class F> void timed(Phase p, F&& f) {
    if (wall_) settle();
    const double t = drv_.now();
    f();
    const double e = drv_.now();
    st_.phase[static_cast<int>(p)] += e - t;
    if (wall_) mark_ = e;
  }
  // Wall-clock drivers: the PS work booked next starts now (a kernel's or a copy's start).
  void mark() {
    if (wall_) mark_ = drv_.now();
  }
  // Wall-clock drivers: books the time since the last mark to ps_driver (runtime bookkeeping).
  void settle() {
    if (wall_) cpu(Phase::kPsDriver, 0, "runtime");
  }
  Driver& driver() { return drv_; }
  void count_ps_packed(size_t n) { st_.ps_packed_operands += static_cast<int64_t>(n); }
  void set_wait_mode(WaitMode m) { mode_ = m; }
  WaitMode wait_mode() const { return mode_; }
  // Trace events of every later command and CPU action (nullptr: off).
  void set_sink(PynqEventSink* s) { sink_ = s; }
  PynqEventSink* sink() const { return sink_; }

 private:
  Result run_once(const UnitCmd& c);
  bool v2() const { return cost_.config().pl_version >= 2; }
  // pl_version 2 (pl_exec_vr.cpp): the descriptor VR_i streams for operand i; programming the
  // readers (registers unchanged since the last command are not written again); the bytes of
  // the view's footprint (lowest to highest word it reads); a unit ERR 4 (STREAM) as a PlFault
  // naming the kernel, the operand and the view.
  pl::ViewDesc reader_view(const UnitCmd& c, int i) const;
  void program_readers(const UnitCmd& c);
  static bool footprint(const pl::ViewDesc& d, uint64_t* lo, uint64_t* bytes);
  [[noreturn]] void stream_fault(const UnitCmd& c);
  // The view writer (pl_exec_vw.cpp): the descriptor VW writes R through, programming it (a
  // shadow as for the readers), and a VW ERR as a PlFault naming the kernel and the view.
  pl::ViewDesc writer_view(const UnitCmd& c) const;
  void program_writer(const UnitCmd& c);
  [[noreturn]] void writer_fault(const UnitCmd& c, uint32_t vw_status, uint32_t vw_err_info);
  std::string reader_status();
  void apply(const DdrBlock& b, const CacheOps& o);
  void cache_step(const DdrBlock& b, const CacheOps& o, const char* what);
  uint32_t wait_result(int unit);
  struct CmdTimes { double cache0, drv0, wait0, wait1, end, busy; uint64_t cycles; };
  void emit_command(const UnitCmd& c, const CmdTimes& t);
  Driver& drv_;
  PynqStats& st_;
  const PsCost& cost_;
  WaitMode mode_;
  PynqEventSink* sink_ = nullptr;
  CacheTracker cache_{kCacheLineBytes};
  bool wall_ = false;
  double mark_ = 0;
  // What VR_i's registers hold (pl_version 2), valid after the first full write since init().
  struct VrShadow { bool valid = false; uint32_t r[0x100 / 4] = {}; };
  VrShadow vr_[3];
  VrShadow vw_;  // VW's (0x100 bytes cover its registers and DIM array)
};

}  // namespace tinypynq::pynq
