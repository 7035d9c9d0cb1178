// Registers every target of this build for the ONNX test programs.
#include "sim/targets.h"

void register_test_targets() { tinypynq::sim::register_targets(""); }
