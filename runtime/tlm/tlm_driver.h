// SPDX-License-Identifier: MIT
// tinypynq — the driver API (runtime/driver.h) implemented on the SystemC platform, and the
// `tlm` target built from it.
//
//   register_tlm_target(BoardConfig::defaults());   // device("tlm") now runs on the models
//   Tensor t = Tensor::rand({1024}, "tlm");
//
// The host program plays the A9: it keeps its own PS time, ahead of the SystemC kernel
// (temporal decoupling). Register writes are sent with that time as annotated delay; before a
// register read, and while waiting, the simulation runs up to the PS time. Buffers live in the
// emulated DDR and the host sees them directly (DMI): no copies.
#pragma once

#include <memory>
#include <string>

#include "base/board_config.h"
#include "models/tlm/pl_factory.h"
#include "runtime/driver.h"

namespace tinypynq::pynq {
class PynqEventSink;
}

namespace tinypynq::vp {

std::unique_ptr<pynq::Driver> make_tlm_driver(const BoardConfig& cfg);  // declares "tlm" if needed
// A driver on the platform of this kind (declared with Platform::declare or
// register_platform_target); the first one builds every declared platform.
std::unique_ptr<pynq::Driver> make_platform_driver(const std::string& kind, const BoardConfig& cfg);
// Declares the platform `kind` with this PL and registers the device of that name on it.
void register_platform_target(const std::string& kind, const BoardConfig& cfg, PlFactory pl);
// Registers the device "tlm" (a pynq device on make_tlm_driver). SystemC elaborates once per
// process, so the first configuration used is the one of the whole run; registering again with
// a different configuration after the platform exists throws.
void register_tlm_target(const BoardConfig& cfg);

// Simulated PL cycles so far, in the kernel all platforms share (cycles-per-second figures).
uint64_t tlm_pl_cycles();

// Trace events of the platform (docs/traces.md): one slice per PL command on its unit's track
// (t0 .. t_done, CYCLES) and one per DMA transfer on its channel's track (LENGTH write .. IOC),
// in simulated seconds on the PS clock's origin. Transfers are handed over when the driver's
// wait for a command returns. nullptr turns them off (the default: no observer installed).
void set_event_sink(pynq::PynqEventSink* sink);

}  // namespace tinypynq::vp
