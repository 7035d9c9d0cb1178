#include "sim/targets.h"

#ifdef TINYPYNQ_HAVE_TLM
#include "models/tlm/tlm_driver.h"
#endif

namespace tinypynq::sim {

namespace {
BoardConfig g_cfg = BoardConfig::defaults();
}

void register_targets(const std::string& board_file) {
  if (!board_file.empty()) g_cfg = BoardConfig::load_file(board_file);
#ifdef TINYPYNQ_HAVE_TLM
  tlm::register_tlm_target(g_cfg);
#endif
}

const BoardConfig& board_config() { return g_cfg; }

bool have_tlm() {
#ifdef TINYPYNQ_HAVE_TLM
  return true;
#else
  return false;
#endif
}

std::string default_target() { return have_tlm() ? "tlm" : "cpu"; }

}  // namespace tinypynq::sim
