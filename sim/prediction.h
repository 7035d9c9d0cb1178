// The board-time prediction of a run on a pynq target (tlm, rtl, board): a snapshot of the
// device's PynqStats, printed as a table or JSON.
//   Prediction p = Prediction::take(device("tlm"), steps);
//   std::puts(p.table().c_str());   json["predicted_board_seconds"] = p.board_seconds
#pragma once
#include <string>

#include "runtime/pynq/pynq_device.h"

namespace tinypynq::sim {

struct Prediction {
  bool valid = false;
  int64_t steps = 0;
  pynq::PynqStats s;

  static Prediction take(Device& d, int64_t steps);  // invalid when d is not a pynq device
  std::string table() const;                        // human-readable, one line per phase
  std::string json_fields() const;                  // `"predicted_board_seconds": ..., ...` (no braces)
};

}  // namespace tinypynq::sim
