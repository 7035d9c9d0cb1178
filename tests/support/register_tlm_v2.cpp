// Linked into the op suite's executable: a second tlm platform, "tlm_v2", with pl_version 2
// (the view readers, docs/pl-v2.md), so the suite runs every case on it and compares its bits
// with tlm's (test_op_suite.cpp). Declared before any platform is built (static init).
#ifdef TINYPYNQ_HAVE_TLM
#include "runtime/tlm/tlm_driver.h"
#include "models/tlm/platform.h"

namespace {
const bool registered = [] {
  tinypynq::BoardConfig cfg = tinypynq::BoardConfig::defaults();
  cfg.pl_version = 2;
  tinypynq::vp::register_platform_target("tlm_v2", cfg, tinypynq::vp::make_tlm_pl);
  return true;
}();
}  // namespace
#endif
