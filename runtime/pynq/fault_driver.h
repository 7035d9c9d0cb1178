// Fault injection at the driver API: a Driver that wraps another and, on the unit command it
// is told, makes the PL fail the way real hardware can. The faults are real ones for the
// platform below: a decode error comes from the emulated interconnect, a hung unit is a unit
// that was never started, so the runtime sees exactly what it would see on a board.
//
//   set_fault_plan("tlm", parse_faults("dma-error@3,unit-hang@10"));  // before first use
//   Tensor y = (x * 2).exp();  y.realize();   // command 3 fails; the runtime recovers
//   pynq_stats(device("tlm"))->faults         // what was detected and how it was recovered
//
// Kinds (N counts unit commands from 1, set-up excluded):
//   dma-error@N   the result transfer of command N targets an address outside DDR: the
//                 interconnect answers DECERR, S2MM reports it (PG021 DMASR.DMADecErr)
//   unit-hang@N   command N's CTRL.START write is lost: the DMAs are armed, the unit never runs
//   lost-irq@N    the interrupt of command N never reaches the PS (waiting in irq mode: the
//                 wait times out although the PL finished)
//   bad-status@N  the first read of command N's STATUS register returns garbage
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "runtime/driver.h"

namespace tinypynq::pynq {

struct FaultSpec {
  enum Kind { kDmaError, kUnitHang, kLostIrq, kBadStatus };
  Kind kind = kDmaError;
  int64_t at = 1;  // the unit command it hits (1-based)
};
const char* fault_name(FaultSpec::Kind k);  // "dma-error", ...

// "kind@N[,kind@N...]"; throws tinypynq::Error naming the bad entry and the valid kinds.
std::vector<FaultSpec> parse_faults(const std::string& spec);

std::unique_ptr<Driver> make_fault_driver(std::unique_ptr<Driver> inner, std::vector<FaultSpec> faults);

// Faults for the device `target` (tlm, rtl, ...), applied when that device is created.
void set_fault_plan(const std::string& target, std::vector<FaultSpec> faults);
std::vector<FaultSpec> fault_plan(const std::string& target);

}  // namespace tinypynq::pynq
