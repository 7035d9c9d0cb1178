// SPDX-License-Identifier: MIT
#include "cosim/config_check.h"

#include <sstream>
#include <stdexcept>

#include "cosim/lockstep.h"

namespace tinypynq::cosim {

namespace reg = vp::pl_reg;

// One-bit CFG0 fields that say whether a part of a unit was built, and the board config key
// that chooses it (named in the message when the RTL and the configuration differ).
struct BuildFlag {
  hw::Unit unit;
  hw::Field field;
  const char* name;
  const char* key;
};
constexpr BuildFlag kBuildFlags[] = {
    {hw::Unit::kVector, hw::vec::CFG0_STREAM_C, "STREAM_C", "vr_stream_c"},
    {hw::Unit::kReduce, hw::red::CFG0_BUILT, "BUILT", "reduce_unit"},
};

void check_design_config(const BoardConfig& cfg, Lockstep& units, const std::function<uint32_t(uint32_t)>& read) {
  std::ostringstream diff;
  for (unsigned u = 0; u < 3; ++u)
    for (uint32_t off : {reg::ID, reg::CFG0, reg::CFG1, reg::CFG2}) {
      const uint32_t want = units.unit(u).regs.read(off, 0), got = read((u + 1) * reg::WINDOW + off);
      if (want != got) {
        diff << " " << hw::kUnits[u].name << " register 0x" << std::hex << off << ": RTL 0x" << got << ", configuration 0x"
             << want << std::dec;
        constexpr hw::Field kDps = hw::vec::CFG0_SFU_DPS;
        if (u == static_cast<unsigned>(hw::Unit::kVector) && off == reg::CFG0 && ((want ^ got) & kDps.mask)) {
          diff << " (CFG0.SFU_DPS, the SFU datapaths: RTL";
          for (const hw::SfuDatapath& d : hw::kSfuDatapaths)
            if ((kDps.get(got) >> d.bit) & 1) diff << " " << d.name;
          diff << "; the configuration's vec_sfu_* keys";
          for (const hw::SfuDatapath& d : hw::kSfuDatapaths)
            if ((kDps.get(want) >> d.bit) & 1) diff << " " << d.name;
          diff << ")";
        }
        for (const BuildFlag& f : kBuildFlags)
          if (u == static_cast<unsigned>(f.unit) && off == reg::CFG0 && ((want ^ got) & f.field.mask))
            diff << " (CFG0." << f.name << ": RTL " << f.field.get(got) << ", the configuration's " << f.key << " "
                 << f.field.get(want) << ")";
        diff << ";";
      }
    }
  const uint32_t want_hz = static_cast<uint32_t>(cfg.pl_clock_hz + 0.5);
  if (const uint32_t hz = read(reg::SYS_FCLK_HZ); hz != want_hz)
    diff << " SYS.FCLK_HZ: RTL " << hz << ", configuration " << static_cast<uint64_t>(cfg.pl_clock_hz + 0.5) << ";";
  if (!diff.str().empty())
    throw std::invalid_argument(
        "rtl: the Verilated PL was built with other parameters than the board configuration (rebuild rtl/top "
        "with the configuration's sizes, or use the default board):" +
        diff.str());
}

}  // namespace tinypynq::cosim
