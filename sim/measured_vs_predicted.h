// Measured against predicted: two trace summaries side by side, per phase and per kernel
// (`tinypynq report board.json --compare tlm.json`). The first is the run under study (on the
// board: measured times), the second the reference (on tlm: the prediction).
//
//   std::fputs(measured_vs_predicted(summarize(read_trace("board.json")),
//                                    summarize(read_trace("tlm.json"))).c_str(), stdout);
#pragma once
#include <string>

#include "traces/summary.h"

namespace tinypynq::sim {

// Kernels are matched by name and shape; a kernel only in one trace shows "-" for the other.
// Ratio = measured / predicted. At most `top_kernels` kernels, the largest predicted first.
std::string measured_vs_predicted(const traces::Summary& measured, const traces::Summary& predicted,
                                  size_t top_kernels = 20);

}  // namespace tinypynq::sim
