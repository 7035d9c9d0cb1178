// Linked into the op suite's executable: a second tlm platform, "tlm_v2", with pl_version 2
// (the view readers and writer, docs/pl-v2.md), and with the rtl target built, "rtl_v2" (the same
// platform with the Verilated PL, docs/pl-v2.md "v2 on the rtl target") and "rtl_v2_vw" (its
// view writer in RTL too, "The RTL writer on the rtl target"), so the suite runs every
// case on them and compares their bits with tlm's (test_op_suite.cpp). Declared before any
// platform is built (static init).
#ifdef TINYPYNQ_HAVE_TLM
#include "runtime/tlm/tlm_driver.h"
#include "models/tlm/platform.h"
#ifdef TINYPYNQ_HAVE_RTL
#include "cosim/rtl_pl.h"
#endif

namespace {
const bool registered = [] {
  tinypynq::BoardConfig cfg = tinypynq::BoardConfig::defaults();
  cfg.pl_version = 2;
  tinypynq::vp::register_platform_target("tlm_v2", cfg, tinypynq::vp::make_tlm_pl);
#ifdef TINYPYNQ_HAVE_RTL
  tinypynq::vp::register_platform_target("rtl_v2", cfg, [](const char* name, const tinypynq::BoardConfig& c) {
    return std::unique_ptr<tinypynq::vp::PlBlock>(new tinypynq::cosim::RtlPl(name, c));
  });
  // ... and with the view writer in RTL too (--rtl-writer, cosim/vw_twin.h)
  tinypynq::vp::register_platform_target("rtl_v2_vw", cfg, [](const char* name, const tinypynq::BoardConfig& c) {
    tinypynq::cosim::RtlPlOptions o;
    o.rtl_writer = true;
    return std::unique_ptr<tinypynq::vp::PlBlock>(new tinypynq::cosim::RtlPl(name, c, o));
  });
#endif
  return true;
}();
}  // namespace
#endif
