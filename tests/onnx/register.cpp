// Registers every target of this build for the ONNX test programs.
#include "runtime/targets.h"

void register_test_targets() { tinypynq::runtime::register_targets(""); }
