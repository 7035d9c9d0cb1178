// A Kernel is what the scheduler hands a device: a small DAG of first-class ops evaluated over
// an iteration space `full_shape`, optionally reduced over `reduce_axes`, stored contiguously
// into buffer 0 with shape `out_shape`. Buffers 1.. are inputs read by LOAD nodes.
//
//   for (auto& n : k.nodes) if (n.op == Op::LOAD) use(k.bufs[n.buf], n.st);
//   // root value = k.nodes.back(); if k.reduce_op is SUM/RMAX it is reduced over reduce_axes.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "tensor/core/dtype.h"
#include "tensor/core/ops.h"
#include "tensor/core/shape_tracker.h"

namespace tinypynq {

class Device;

// Device memory. `data` is host-addressable memory for devices that have it (cpu, and the
// emulated DDR of the tlm/rtl platforms); devices may keep their own handle alongside.
struct Buffer {
  Device* device = nullptr;
  DType dtype = DType::f32;
  int64_t numel = 0;
  void* data = nullptr;
  std::shared_ptr<void> owner;  // keeps the allocation alive
  size_t nbytes() const { return static_cast<size_t>(numel) * itemsize(dtype); }
};
using BufferPtr = std::shared_ptr<Buffer>;

struct KNode {
  Op op;
  DType dtype;
  std::vector<int> src;  // indices of earlier nodes
  int buf = -1;          // LOAD: index into Kernel::bufs
  ShapeTracker st;       // LOAD/CONST: maps full_shape index -> buffer offset
  double value = 0;      // CONST
};

struct Kernel {
  std::vector<KNode> nodes;      // topologically ordered; nodes.back() is the value stored
  Shape full_shape;              // iteration space
  Op reduce_op = Op::LOAD;       // SUM or RMAX when this is a reduce kernel, else LOAD
  std::vector<int> reduce_axes;  // axes of full_shape reduced (size 1 in out_shape)
  Shape out_shape;
  DType out_dtype = DType::f32;
  std::vector<BufferPtr> bufs;   // bufs[0] is the output

  bool is_reduce() const { return reduce_op != Op::LOAD; }
  std::string name() const;      // e.g. "r_SUM_MUL (128, 10, 784)"
  std::string str() const;       // full dump for debugging
  int64_t flops() const;         // ALU ops executed, for profiles
};

}  // namespace tinypynq
