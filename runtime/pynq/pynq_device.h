// The pynq device: runs scheduled kernels on the PL units of docs/hw-spec.md through the one
// driver API (driver.h), and predicts board time. The same runtime serves every target that
// has the board's PL: tlm (SystemC models), rtl (Verilated units) and the board itself.
//
//   register_device("tlm", [] { return make_pynq_device("tlm", make_tlm_driver(cfg), cfg); });
//   Tensor y = (x * 2).exp();  y.realize();                    // vector commands on the PL
//   const PynqStats& s = *pynq_stats(device("tlm"));
//   s.board_seconds, s.a9_only_seconds, s.phase_seconds("pl_vector")
//
// Lowering (docs/pynq-runtime.md): an elementwise kernel becomes one vector command per ALU
// node (constants and broadcast scalars go to the SCALAR registers); a reduce kernel becomes
// the elementwise part (reduce axes moved innermost) and one reduce command; a matmul-shaped
// kernel becomes matmul commands tiled to the unit's limits. Operands the DMA cannot stream
// (non-contiguous views, uint8/bool storage, misaligned offsets) are packed by the PS first.
// Anything the PL cannot compute falls back to the PS. Every PS action is charged to the A9
// with the cost model (cost_model.h).
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/board_config.h"
#include "hw/tp_contract.h"
#include "tensor/device.h"
#include "runtime/driver.h"

namespace tinypynq::pynq {

// Phases of the predicted board time; they add up to board_seconds. The list and the names are
// the PL contract's (hw/pl_contract.json "phases"): ps_driver (GP0 register programming and status
// reads, bookkeeping), ps_cache (D-cache maintenance of DMA buffers), ps_copy (copyin/copyout),
// ps_pack (packing operands / scattering tiles), ps_fallback (work on the A9), dma (waiting for the
// PL outside unit busy time), pl_vector, pl_reduce, pl_matmul (unit busy time, CYCLES / f_PL).
using Phase = hw::Phase;
using hw::phase_name;  // "ps_driver", ..., "pl_matmul"

struct KernelRecord {  // one kernel as it ran (for profiles and traces)
  std::string name;
  bool fallback = false;
  int commands = 0;
  uint64_t pl_cycles = 0;
  uint64_t dma_bytes = 0;
  double seconds = 0;        // predicted board time of this kernel
  double a9_seconds = 0;     // the same kernel on the A9 alone
  int64_t flops = 0;
  uint64_t unit_cycles[3] = {0, 0, 0};  // vector, reduce, matmul
  int ps_packed = 0;         // pl_version 2: operands the PS still packed (Program::ps_packed)
};

// PL faults the runtime met and how it went on (docs/pynq-runtime.md, "Faults").
struct FaultStats {
  int64_t pl_faults = 0;       // commands the PL failed (DMA error, unit error, hang, ...)
  int64_t ps_recomputes = 0;   // kernels recomputed on the PS after one (the PL was reset)
  int64_t lost_irqs = 0;       // interrupts that never came, the finished command found by polling
  int64_t status_rereads = 0;  // inconsistent STATUS reads that a second read corrected
  std::vector<std::string> log;  // one line per fault: kernel, what failed, what was done
  int64_t detected() const { return pl_faults + lost_irqs + status_rereads; }
};

struct PynqStats {
  double board_seconds = 0;    // predicted, all phases
  double a9_only_seconds = 0;  // the same kernels on the A9 alone (+ the same data copies)
  std::array<double, static_cast<int>(Phase::kCount)> phase{};
  uint64_t commands[3] = {0, 0, 0};    // vector, reduce, matmul
  uint64_t pl_cycles[3] = {0, 0, 0};
  uint64_t dma_bytes = 0;
  int64_t pl_kernels = 0, fallback_kernels = 0, range_recomputes = 0;
  int64_t ps_packed_operands = 0;      // pl_version 2: operands no view descriptor says (PS-packed)
  // pl_version 2 with the command queue (docs/pl-v2.md step 4): unit busy time the PS did not
  // wait for (it ran while the PS worked); not a phase, since it is not on the board's timeline.
  double pl_hidden_seconds = 0;
  FaultStats faults;
  std::vector<KernelRecord> kernels;   // filled only when record_kernels is set
  bool record_kernels = false;

  double phase_seconds(Phase p) const { return phase[static_cast<int>(p)]; }
  void reset() {  // every figure but the faults, which count over the device's life
    bool r = record_kernels;
    FaultStats f = std::move(faults);
    *this = PynqStats{};
    record_kernels = r;
    faults = std::move(f);
  }
};

// ---- trace events (docs/traces.md). Off by default: with no sink set the runtime only tests
// one pointer per PS action, nothing is built.
//   struct Rec : PynqEventSink { void on_event(PynqEvent&& e) override { ... } } rec;
//   set_event_sink(device("tlm"), &rec);  ...  set_event_sink(device("tlm"), nullptr);
enum class Track : uint8_t {
  kStep, kKernel, kPs,                              // host loop, host kernels, the A9 runtime
  kDma0Mm2s, kDma0S2mm, kDma1Mm2s, kDma2Mm2s,       // DMA channels (streams A, R, B, C)
  kVector, kReduce, kMatmul,                        // PL units
  kCount
};
struct PynqEvent {
  struct Arg {
    std::string_view key;  // a literal: its length is known where num()/str() is inlined
    double num = 0;
    std::string str;
    bool is_str = false;
  };
  Track track = Track::kPs;
  std::string name;
  const char* cat = "";            // PS slices: the phase_name() they count to; else "kernel",
                                   // "wait" (PS waiting for the PL), "cmd", "dma", "step"
  double t_start = 0, t_end = 0;   // simulated seconds: PS time, or PL cycles / f_PL (same origin)
  std::vector<Arg> args;
  PynqEvent& num(std::string_view k, double v) { args.push_back({k, v, {}, false}); return *this; }
  PynqEvent& str(std::string_view k, std::string v) { args.push_back({k, 0, std::move(v), true}); return *this; }
};
class PynqEventSink {
 public:
  virtual ~PynqEventSink() = default;
  virtual void on_event(PynqEvent&& e) = 0;
};
// nullptr turns events off. Does nothing for a device that is not a pynq device.
void set_event_sink(Device& d, PynqEventSink* sink);
// The PS time of a pynq device (simulated seconds on emulated targets); 0 for other devices.
double pynq_now(Device& d);

std::unique_ptr<Device> make_pynq_device(const std::string& name, std::unique_ptr<Driver> driver,
                                         const BoardConfig& cfg);
// Wait for each command's result by polling (the default, as PYNQ's own DMA driver does) or by
// sleeping on its interrupt. Does nothing for a device that is not a pynq device.
void set_wait_mode(Device& d, WaitMode m);
// Waits for every PL command still queued (pl_version 2, docs/pl-v2.md step 4) and books the
// wait into board_seconds: call before reading the prediction. Nothing for other devices.
void pynq_finish(Device& d);
// The statistics of a pynq device, or nullptr when `d` is not one.
PynqStats* pynq_stats(Device& d);

}  // namespace tinypynq::pynq
