// A PL program: what the pynq lowering makes of one scheduled kernel, as a value. Unit
// commands (the registers of hw-spec §7.2 and the streams they read and write) and the PS steps
// around them (packing views the DMA cannot stream, scattering tiles, narrowing outputs), in the
// order the executor (PlExec::run_program) performs them. A program names memory symbolically:
// kernel buffers by index, temporaries by number, so it can be built, printed and compared
// without a driver, a simulator or a board.
//
//   std::optional<Program> p = lower(kernel, BoardConfig::defaults());
//   if (!p) { /* the PS runs the kernel */ }
//   std::cout << p->str();          // also printed by TINYPYNQ_DEBUG=4 for every kernel
//   ex.run_program(*p, kernel, &record);
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/board_config.h"
#include "models/fp/view_reader.h"
#include "models/fp/view_writer.h"
#include "hw/tp_contract.h"
#include "tensor/kernel.h"
#include "tensor/kernel_analysis.h"

namespace tinypynq::pynq {

// The PL units and their names are the contract's (hw/pl_contract.json): ids 0 vector, 1 reduce,
// 2 matmul.
using Unit = hw::Unit;
using hw::unit_name;  // "vector", "reduce", "matmul"

// A byte range of a kernel buffer (Kernel::bufs index; the lowest index of that Buffer, so two
// refs to one buffer compare equal) or of a program temporary. kind kNone: stream unused.
struct MemRef {
  enum Kind : uint8_t { kNone, kKernel, kTemp };
  Kind kind = kNone;
  int index = -1;
  size_t off = 0, bytes = 0;
  bool used() const { return kind != kNone; }
  bool same_block(const MemRef& o) const { return kind == o.kind && index == o.index; }
  MemRef at(size_t offset, size_t nbytes) const { return MemRef{kind, index, off + offset, nbytes}; }
  std::string str() const;  // "buf1[0:4096]", "t2[64:128]", "-"
};

struct Command {  // one unit command
  Unit unit = Unit::kVector;
  uint32_t op = 0;
  uint32_t size[3] = {0, 0, 0};
  uint32_t scalar[3] = {0, 0, 0};
  int scalar_slot[3] = {-1, -1, -1};  // >= 0: SCALAR i is a value the PS read (ReadScalar)
  MemRef in[3];                       // streams A, B, C
  MemRef out;                         // stream R
  // pl_version 2 (docs/pl-v2.md): stream i is this view of in[i], read by view reader VR_i.
  // in[i] is the buffer range it may touch (BASE/LIMIT); OFFSET and strides are in elements
  // from in[i]'s first byte. Without a view a used stream is in[i]'s bytes, contiguous.
  std::optional<pl::ViewDesc> view[3];
  // pl_version 2 (docs/pl-v2.md step 3): stream R is written by the view writer through this
  // view of out (out is the buffer range it may touch; offset and strides in elements from
  // out's first byte). Without one VW writes out's bytes, contiguous.
  std::optional<pl::ViewDesc> out_view;
};

// PS steps. Each names what it costs the A9 (bytes copied, per the cost model) and the trace
// slice it makes.
struct Pack {         // evaluate node `node` of node set `nodes` over `shape` into dst (4-byte words)
  int nodes = 0;      // index into Program::node_sets
  Shape shape;
  int node = 0;
  DType dtype = DType::f32;  // the node's dtype: bool becomes the PL's 1.0f / +0
  MemRef dst;
};
struct ReadScalar {   // read one element of a kernel buffer into a scalar slot
  int slot = 0, buf = 0;
  int64_t elem = 0;
  DType buf_dtype = DType::f32, as = DType::f32;
};
struct GemmPack {     // gemm operand `which` packed row-major, one temp per batch
  int which = 0;
  std::vector<MemRef> dst;
};
struct CopyTile {     // dst = src[r0:r0+rows][c0:c0+cols] of a row-major matrix with ld columns
  MemRef src, dst;
  int64_t ld = 0, r0 = 0, c0 = 0, rows = 0, cols = 0;
};
struct ScatterTile {  // dst[r][n0 + c] = src[r][c] for r < rows, c < cols; dst has ld columns
  MemRef src, dst;
  int64_t ld = 0, n0 = 0, rows = 0, cols = 0;
};
struct Copy {         // dst = src (bytes of src)
  MemRef src, dst;
};
struct GemmScatter {  // the [batch][M][N] result in src into the output's own dim order
  MemRef src;
};
struct Narrow {       // the PL's 32-bit words (src, or a scalar) into a bool/uint8 output
  MemRef src;
  bool scalar = false;
  uint32_t bits = 0;
  bool from_int = false;  // int32 words (wrap to uint8) rather than PL bools
  int64_t n = 0;
  int slot = -1;          // the scalar is a value the PS read (ReadScalar)
};

using Step = std::variant<Command, Pack, ReadScalar, GemmPack, CopyTile, ScatterTile, Copy, GemmScatter, Narrow>;

struct Program {
  std::string kernel;                  // the kernel's name
  std::vector<size_t> temps;           // bytes of each temporary DDR buffer, allocated in order
  std::vector<Step> steps;
  std::vector<std::vector<KNode>> node_sets;  // node lists Pack steps evaluate (0: the kernel's)
  std::shared_ptr<analysis::GemmShape> gemm;  // for GemmPack / GemmScatter
  int scalar_slots = 0;
  // pl_version 2: one line per operand the PS still packs because no descriptor says it
  // (describe_view's reason); empty for pl_version 1, where the PS packs every view.
  std::vector<std::string> ps_packed;

  int commands() const;                // unit commands in it
  std::string str() const;             // one line per step; stable, for golden tests
  bool operator==(const Program& o) const { return str() == o.str(); }
};

// Lowers one kernel (docs/pynq-runtime.md), or nullopt when the PL cannot run it (the PS does).
std::optional<Program> lower(const Kernel& k, const BoardConfig& cfg);

}  // namespace tinypynq::pynq
