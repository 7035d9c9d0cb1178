// SPDX-License-Identifier: MIT
#include "cosim/config_check.h"

#include <sstream>
#include <stdexcept>

#include "cosim/lockstep.h"

namespace tinypynq::cosim {

namespace reg = vp::pl_reg;

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
        constexpr hw::Field kC = hw::vec::CFG0_STREAM_C;
        if (u == static_cast<unsigned>(hw::Unit::kVector) && off == reg::CFG0 && ((want ^ got) & kC.mask))
          diff << " (CFG0.STREAM_C: RTL " << kC.get(got) << ", the configuration's vr_stream_c " << kC.get(want) << ")";
        constexpr hw::Field kR = hw::red::CFG0_BUILT;
        if (u == static_cast<unsigned>(hw::Unit::kReduce) && off == reg::CFG0 && ((want ^ got) & kR.mask))
          diff << " (CFG0.BUILT: RTL " << kR.get(got) << ", the configuration's reduce_unit " << kR.get(want) << ")";
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
