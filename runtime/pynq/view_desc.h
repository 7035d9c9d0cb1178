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
// stride-0) neighbours merged, the mask per dimension; views on top that are row-major reshapes
// of the one below (same elements, same order) dropped. Not expressible: several views, rank > 6
// after merging, 1-byte elements (bool/uint8 storage), strides or offsets beyond 32 bits.
ViewDescResult describe_view(const ShapeTracker& st, DType dtype);

// Why the reader would fetch one 128-byte line per element (docs/pl-v2.md "DDR bytes per
// view"): the innermost dimension steps a line or more (|stride| >= 32 words) over more than
// the line buffer's 64 lines, so every element misses and the next outer index fetches them
// all again (32x the view's bytes). Empty when the view does not. The lowering then splits the
// operand so the inner extent fits (matmul N tiles) or, where a split would change the unit's
// arithmetic, lets the PS pack it (cheaper: ~13 ns per element against ~70 ns per fill).
std::string line_thrash(const pl::ViewDesc& d);

// Line fills per element the reader makes for this view: the reference model's plan
// (pl::plan) of a prefix of it (whole outer indices, about 32K elements), placed at a
// 128-byte aligned base. Contiguous: 1/32; a transpose that fits the line buffer: ~1/32;
// one that does not: 1; a stride-9 col2im window: ~0.25.
double fills_per_element(const pl::ViewDesc& d);

// The tracker of gemm operand `which` (analysis::GemmShape) as the GemmPack lays it out: its
// dimensions are the batch dims, then the row dims, then the column dims (rows x cols: A is
// M x K, B is K x N), then the kernel's other dims pinned to size 1.
ShapeTracker gemm_operand_view(const Kernel& k, const analysis::GemmShape& g, int which, const KNode& n);

// Dimensions [first, first + count) of `shape`, flattened row-major: the elements [a, a + len)
// as a box, written into bounds[first .. first + count) (for ShapeTracker::shrink). False when
// the range is not one box (it straddles a row of an outer dimension it does not cover whole).
// count = 0: one element (a = 0, len = 1). The matmul lowering tiles operand views with it.
bool flat_range_box(const Shape& shape, int first, int count, int64_t a, int64_t len,
                    std::vector<std::pair<int64_t, int64_t>>& bounds);

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
