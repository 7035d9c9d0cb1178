// Linked into test executables that run the shared op suite: registers every target this
// build has (tlm when the SystemC models were built, rtl when the Verilated PL was too), so
// TINYPYNQ_TEST_TARGETS can name them and the default "every registered device" includes them.
#ifdef TINYPYNQ_HAVE_TLM
#include "models/config/board_config.h"
#include "models/tlm/tlm_driver.h"
#ifdef TINYPYNQ_HAVE_RTL
#include "cosim/rtl_target.h"
#endif

namespace {
const bool registered = [] {
  tinypynq::tlm::register_tlm_target(tinypynq::BoardConfig::defaults());
#ifdef TINYPYNQ_HAVE_RTL
  tinypynq::cosim::register_rtl_target(tinypynq::BoardConfig::defaults());
#endif
  return true;
}();
}  // namespace
#endif
