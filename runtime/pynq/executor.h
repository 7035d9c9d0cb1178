// Internal to the pynq device: runs a Program (program.h) for one kernel. Temporaries come from
// the device's DDR allocator, symbolic memory becomes DDR streams, PS steps run on the host
// and are charged to the A9 by the cost model, unit commands go to PlExec.
//
//   ProgramRunner run(ex, cost, [&](size_t n) { return device.block(n); });
//   bool w_range = run.run(program, kernel, &record);
#pragma once
#include <functional>
#include <memory>
#include <vector>

#include "runtime/pynq/pl_exec.h"
#include "runtime/pynq/program.h"

namespace tinypynq::pynq {

class ProgramRunner {
 public:
  using Alloc = std::function<std::shared_ptr<DdrBlock>(size_t bytes)>;
  ProgramRunner(PlExec& ex, const PsCost& cost, Alloc alloc) : ex_(ex), cost_(cost), alloc_(std::move(alloc)) {}
  // Runs every step in order. Returns true when a unit flagged W_RANGE (an operand outside the
  // PL's exact range: the caller recomputes the kernel on the PS). Errors propagate (PlExec has
  // reset the PL already).
  bool run(const Program& p, const Kernel& k, KernelRecord* rec);

 private:
  struct Ctx;
  Stream stream(const Ctx& c, const MemRef& m) const;
  PlExec& ex_;
  const PsCost& cost_;
  Alloc alloc_;
};

DdrBlock* ddr_block(const Buffer& b);  // the DDR block of a pynq buffer
Stream whole(const Buffer& b);         // all of its bytes

}  // namespace tinypynq::pynq
