// LazyBuffer: a node of the lazy graph. A *base* holds an op and its sources (or, once
// realized, a device buffer); a *view* is a base seen through a ShapeTracker. Movement ops
// make views and never copy; the scheduler (schedule.h) turns bases into kernels.
//
//   LB a = lb_from_data(dev, DType::f32, {2, 3}, host_ptr);
//   LB b = lb_alu(Op::EXP2, {lb_permute(a, {1, 0})});   // lazy, nothing runs yet
//   realize({b});                                         // schedules and runs one kernel
#pragma once
#include <memory>
#include <vector>

#include "tensor/device.h"

namespace tinypynq {

struct LazyBuffer;
using LB = std::shared_ptr<LazyBuffer>;

struct LazyBuffer {
  // --- base part (meaningful when view_of == nullptr)
  Op op = Op::LOAD;
  DType dtype = DType::f32;
  Device* device = nullptr;
  std::vector<LB> srcs;
  std::vector<int> axes;  // reduce axes
  double value = 0;       // CONST
  BufferPtr realized;
  // --- view part
  LB view_of;             // the base this views, or null for a base
  ShapeTracker st;        // maps this node's shape onto its base's contiguous layout

  const Shape& shape() const { return st.shape(); }
  bool is_base() const { return view_of == nullptr; }
  LazyBuffer* base() { return view_of ? view_of.get() : this; }
  const LazyBuffer* base() const { return view_of ? view_of.get() : this; }
  bool is_realized() const { return base()->realized != nullptr; }
  int64_t numel() const { return st.numel(); }
};

LB lb_from_data(Device& dev, DType dtype, const Shape& shape, const void* data);
LB lb_from_buffer(BufferPtr buf, const Shape& shape);
LB lb_const(Device& dev, DType dtype, double value, const Shape& shape);
LB lb_alu(Op op, const std::vector<LB>& srcs, DType out_dtype);
LB lb_alu(Op op, const std::vector<LB>& srcs);  // dtype: bool for comparisons, else srcs.back()'s
LB lb_cast(const LB& x, DType dtype);
LB lb_reduce(Op op, const LB& x, std::vector<int> axes);
LB lb_contiguous(const LB& x);

LB lb_reshape(const LB& x, const Shape& s);
LB lb_permute(const LB& x, const std::vector<int>& order);
LB lb_expand(const LB& x, const Shape& s);
LB lb_pad(const LB& x, const std::vector<std::pair<int64_t, int64_t>>& p);
LB lb_shrink(const LB& x, const std::vector<std::pair<int64_t, int64_t>>& b);
LB lb_flip(const LB& x, const std::vector<bool>& axes);

// Realizes the targets' bases (schedules kernels and runs them on their device).
void realize(const std::vector<LB>& targets);
// A realized, contiguous buffer holding x's elements in row-major order.
BufferPtr realized_contiguous(const LB& x);

}  // namespace tinypynq
