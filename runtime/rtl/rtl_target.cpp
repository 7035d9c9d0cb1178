// SPDX-License-Identifier: MIT
#include "runtime/rtl/rtl_target.h"

#include "cosim/rtl_pl.h"
#include "models/tlm/platform.h"
#include "runtime/tlm/tlm_driver.h"

namespace tinypynq::cosim {

void register_rtl_target(const BoardConfig& cfg, const RtlTargetOptions& opt) {
  RtlPlOptions o;
  o.waves = opt.waves;
  o.lockstep = opt.lockstep;
  tlm::register_platform_target("rtl", cfg, [o](const char* name, const BoardConfig& c) {
    return std::unique_ptr<tlm::PlBlock>(new RtlPl(name, c, o));
  });
}

RtlTargetStats rtl_target_stats() {
  RtlTargetStats s;
  for (tlm::Platform* p : tlm::Platform::all())
    if (p->kind() == "rtl")
      if (auto* r = dynamic_cast<RtlPl*>(&p->pl())) {
        s.commands = r->commands();
        s.checked = r->checked_commands();
        s.clocked_cycles = r->clocked_cycles();
      }
  return s;
}

}  // namespace tinypynq::cosim
