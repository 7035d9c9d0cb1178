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

#include "runtime/pynq/cost_model.h"
#include "runtime/driver.h"
#include "runtime/pynq/program.h"
#include "runtime/pynq/pynq_device.h"

namespace tinypynq::pynq {

// What Buffer::owner points to for buffers of a pynq device.
struct DdrBlock {
  DmaBuffer mem;
  bool dirty = false;  // the CPU wrote it since the last clean: flush before the PL reads it
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
      : drv_(drv), st_(stats), cost_(cost), mode_(mode) {}
  void init();  // identify the PL, reset and start the DMAs

  struct Result { uint64_t cycles = 0; bool w_range = false; };
  // Runs one command; on any error the PL is reset and re-initialised before the error is
  // rethrown, so the next command starts from a clean PL.
  Result run(const UnitCmd& c);

  // CPU work the runtime does itself, charged to the A9 and to a phase. `what` names the
  // trace slice (a static string; default: the phase).
  void cpu(Phase p, double seconds, const char* what = nullptr);
  // Runs f and books the PS time it took (driver calls advance it) to phase p.
  template <class F> void timed(Phase p, F&& f) {
    const double t = drv_.now();
    f();
    st_.phase[static_cast<int>(p)] += drv_.now() - t;
  }
  Driver& driver() { return drv_; }
  void set_wait_mode(WaitMode m) { mode_ = m; }
  WaitMode wait_mode() const { return mode_; }
  // Trace events of every later command and CPU action (nullptr: off).
  void set_sink(PynqEventSink* s) { sink_ = s; }
  PynqEventSink* sink() const { return sink_; }

 private:
  Result run_once(const UnitCmd& c);
  uint32_t wait_result(int unit);
  struct CmdTimes { double cache0, drv0, wait0, wait1, end, busy; uint64_t cycles; };
  void emit_command(const UnitCmd& c, const CmdTimes& t);
  Driver& drv_;
  PynqStats& st_;
  const PsCost& cost_;
  WaitMode mode_;
  PynqEventSink* sink_ = nullptr;
};

}  // namespace tinypynq::pynq
