#include "sim/targets.h"

#include "tensor/core/check.h"

#ifdef TINYPYNQ_HAVE_TLM
#include "models/tlm/tlm_driver.h"
#endif
#ifdef TINYPYNQ_HAVE_RTL
#include "cosim/rtl_target.h"
#endif

namespace tinypynq::sim {

namespace {
BoardConfig g_cfg = BoardConfig::defaults();
}

void register_targets(const std::string& board_file, const std::string& rtl_fst, unsigned rtl_fst_depth) {
  if (!board_file.empty()) g_cfg = BoardConfig::load_file(board_file);
#ifdef TINYPYNQ_HAVE_TLM
  tlm::register_tlm_target(g_cfg);
#endif
#ifdef TINYPYNQ_HAVE_RTL
  cosim::RtlTargetOptions ro;
  ro.fst_path = rtl_fst;
  ro.fst_depth = rtl_fst_depth;
  cosim::register_rtl_target(g_cfg, ro);
#else
  TP_CHECK(rtl_fst.empty(), "--fst: this build has no rtl target (Verilator and SystemC are needed)");
  (void)rtl_fst_depth;
#endif
}

const BoardConfig& board_config() { return g_cfg; }

bool have_rtl() {
#ifdef TINYPYNQ_HAVE_RTL
  return true;
#else
  return false;
#endif
}

bool have_tlm() {
#ifdef TINYPYNQ_HAVE_TLM
  return true;
#else
  return false;
#endif
}

std::string default_target() { return have_tlm() ? "tlm" : "cpu"; }

}  // namespace tinypynq::sim
