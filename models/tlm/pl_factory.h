// SPDX-License-Identifier: MIT
// tinypynq — how a platform kind makes its PL (pl_block.h), without SystemC headers, so that
// code above the driver layer (sim/, tests) can register targets.
#pragma once

#include <functional>
#include <memory>

#include "base/board_config.h"

namespace tinypynq::vp {

class PlBlock;
using PlFactory = std::function<std::unique_ptr<PlBlock>(const char* name, const BoardConfig& cfg)>;

}  // namespace tinypynq::vp
