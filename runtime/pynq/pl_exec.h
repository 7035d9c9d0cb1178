// Internal to the pynq device: DDR blocks behind Buffers, and issuing one unit command through
// the driver with the programming sequence of docs/hw-spec.md §7.2, timing every step into
// the phases of PynqStats.
//
//   PlExec ex(driver, stats, cost, WaitMode::kPoll);  ex.init();
//   UnitCmd c;  c.unit = Unit::kVector;  c.op = reg::V_ADD;  c.size[0] = n;  c.in[0] = a; ...
//   PlExec::Result r = ex.run(c);             // r.cycles: the unit's CYCLES register
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "runtime/pynq/cache.h"
#include "runtime/pynq/cmd_queue.h"
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
  // Owners of the blocks of in[0..2] and out: a queued command (pl_version 2, step 4) keeps
  // them alive until it completed, so their DDR is not handed out again while the PL uses it.
  std::shared_ptr<void> keep[4];
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

  // cycles: the unit's CYCLES register; 0 for a command left in the queue (pl_version 2, step 4),
  // whose cycles are counted when it completes.
  struct Result { uint64_t cycles = 0; bool w_range = false; };
  // Runs one command; on any error the PL is reset and re-initialised before the error is
  // rethrown, so the next command starts from a clean PL.
  Result run(const UnitCmd& c);

  // The command queue (pl_version 2, docs/pl-v2.md step 4; pl_exec_cq.cpp). With it run()
  // enqueues the command and returns; cpu_reads/cpu_writes first wait for the queued entries
  // their range depends on; finish() waits for every entry. A queue error found by a wait is
  // reported (PlFault text as for a direct command), the PL reset, and `recover` called with
  // the first entry that did not run: it recomputes on the PS the kernels whose entries were
  // lost, except the current one (begin_kernel), for which the wait throws the PlFault.
  bool queued() const { return v2() && queue_on_; }
  // On by default for pl_version 2 (TINYPYNQ_CQ=0 turns it off: programmed and waited for per
  // command, as in step 3); takes effect at the next init().
  void set_queue(bool on) { queue_pref_ = on; }
  void finish();
  void set_recover(std::function<void(uint64_t first_lost)> f) { recover_ = std::move(f); }
  void begin_kernel() { kernel_seq_ = next_seq_; }
  uint64_t enqueued() const { return next_seq_; }  // entries so far (the next one's number)
  uint64_t completed() const { return done_seq_; } // entries known complete

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
  std::string stream_fault_text(const UnitCmd& c);
  std::string writer_fault_text(const UnitCmd& c, uint32_t vw_status, uint32_t vw_err_info);
  void cache_for(const UnitCmd& c);  // step 1 of a command: clean the operands, the result's lines out
  void program_unit(const UnitCmd& c);  // OP, SIZEs, SCALARs (not START)
  // Register writes of a command: to GP0, or into the entry being built (queue).
  void reg_write(uint64_t a, uint32_t v) {
    if (cq_writes_) cq_writes_->push_back({static_cast<uint32_t>(a), v});
    else drv_.write32(a, v);
  }
  // pl_exec_cq.cpp
  void queue_init();
  Result enqueue(const UnitCmd& c);
  void wait_seq(uint64_t n, const char* why);
  void wait_range(const Stream& s, bool write);
  std::vector<std::pair<int, double>> retire(uint64_t done, double waited);
  void slice(Phase p, const char* name, double t0, double t1);  // a PS trace slice (sink_ set)
  void queue_fault(uint32_t status, const std::string& hang);  // throws unless `recover` took it
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
  // The command queue (pl_exec_cq.cpp)
  struct Pending { QueueEntry e; UnitCmd cmd; std::string kernel; };
  bool queue_on_ = true, queue_pref_ = true;
  DmaBuffer ring_;
  uint32_t ring_slots_ = 0, cq_ctrl_ = 0;
  uint64_t next_seq_ = 0, done_seq_ = 0, seq_base_ = 0;  // seq_base_: next_seq_ at the last PL reset
  uint64_t kernel_seq_ = 0;
  std::deque<Pending> pending_;
  DepTracker deps_;
  std::vector<std::pair<uint32_t, uint32_t>>* cq_writes_ = nullptr;
  std::function<void(uint64_t)> recover_;
};

}  // namespace tinypynq::pynq
