// A kernel operand as a v2 view-reader descriptor (docs/pl-v2.md "v2 step 2"), or why the PL
// cannot read it and the PS must pack it. The lowering for pl_version 2 uses this in place of
// Pack / GemmPack / CopyTile; `ps_steps_expressible` measures, for a v1 program, which PS packing
// steps the readers would take over.
//
//   ViewDescResult r = describe_view(node.st, node.dtype);
//   if (r.desc) { r.desc->base = phys; r.desc->limit = bytes; }   // the reader streams it
//   else std::cerr << r.why;                                       // "2 views (a reshape of ...)"
#pragma once
#include <optional>
#include <string>

#include "models/fp/view_reader.h"
#include "runtime/pynq/program.h"
#include "tensor/core/shape_tracker.h"

namespace tinypynq::pynq {

struct ViewDescResult {
  std::optional<pl::ViewDesc> desc;  // base and limit left 0: the caller places the buffer
  std::string why;                   // when not expressible: what the reader cannot do
};

// The view normalised as the reader takes it: size-1 dimensions dropped, contiguous (and
// stride-0) neighbours merged, the mask per dimension. Not expressible: several views, rank > 6
// after merging, 1-byte elements (bool/uint8 storage), strides or offsets beyond 32 bits.
ViewDescResult describe_view(const ShapeTracker& st, DType dtype);

// For each PS step of a v1 program that the v2 readers would replace: Pack of a single LOAD
// (or a masked constant), GemmPack of a LOAD operand, CopyTile. Scatters, narrowing and Copy
// stay on the PS (results stay contiguous in step 2). Bytes are those the PS would have packed.
struct PackCensus {
  int steps = 0, expressible = 0;
  size_t bytes = 0, expressible_bytes = 0;
  std::vector<std::string> reasons;  // one per step that stays on the PS
};
PackCensus ps_steps_expressible(const Program& p, const Kernel& k);

}  // namespace tinypynq::pynq
