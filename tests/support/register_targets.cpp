// Linked into test executables that run the shared op suite: registers every target this
// build has through the one registration point (runtime/targets.h), so TINYPYNQ_TEST_TARGETS
// can name them and the default "every registered device" includes them.
#include "runtime/targets.h"

namespace {
const bool registered = [] {
  tinypynq::runtime::register_targets(tinypynq::BoardConfig::defaults());
  return true;
}();
}  // namespace
