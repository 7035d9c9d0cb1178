#include "tensor/lazy.h"

#include <algorithm>

namespace tinypynq {

static LB make_base(Op op, DType dt, Device* dev, const Shape& shape) {
  auto b = std::make_shared<LazyBuffer>();
  b->op = op, b->dtype = dt, b->device = dev;
  b->st = ShapeTracker::contiguous(shape);
  return b;
}

LB lb_from_buffer(BufferPtr buf, const Shape& shape) {
  TP_ASSERT(prod(shape) == buf->numel);
  LB b = make_base(Op::LOAD, buf->dtype, buf->device, shape);
  b->realized = std::move(buf);
  return b;
}

LB lb_from_data(Device& dev, DType dtype, const Shape& shape, const void* data) {
  BufferPtr buf = dev.alloc(dtype, prod(shape));
  if (buf->nbytes()) dev.copyin(*buf, data, buf->nbytes());
  return lb_from_buffer(std::move(buf), shape);
}

LB lb_const(Device& dev, DType dtype, double value, const Shape& shape) {
  LB c = make_base(Op::CONST, dtype, &dev, {});
  c->value = value;
  return lb_expand(lb_reshape(c, Shape(shape.size(), 1)), shape);
}

LB lb_alu(Op op, const std::vector<LB>& srcs, DType out) {
  TP_ASSERT(!srcs.empty() && is_elementwise(op));
  for (auto& s : srcs) {
    TP_ASSERT(s->shape() == srcs[0]->shape(), op_name(op), ": ", shape_str(s->shape()), " vs ",
              shape_str(srcs[0]->shape()));
    TP_ASSERT(s->base()->device == srcs[0]->base()->device);
  }
  LB b = make_base(op, out, srcs[0]->base()->device, srcs[0]->shape());
  b->srcs = srcs;
  return b;
}

LB lb_alu(Op op, const std::vector<LB>& srcs) {
  DType out = (op == Op::CMPLT || op == Op::CMPEQ) ? DType::boolean : srcs.back()->base()->dtype;
  return lb_alu(op, srcs, out);
}

LB lb_cast(const LB& x, DType dtype) {
  if (x->base()->dtype == dtype) return x;
  return lb_alu(Op::CAST, {x}, dtype);
}

LB lb_reduce(Op op, const LB& x, std::vector<int> axes) {
  TP_ASSERT(is_reduce(op));
  Shape s = x->shape();
  std::sort(axes.begin(), axes.end());
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  std::vector<int> real;
  for (int a : axes)
    if (s[a] != 1) real.push_back(a), s[a] = 1;
  if (real.empty()) return x;
  LB b = make_base(op, x->base()->dtype, x->base()->device, s);
  b->srcs = {x};
  b->axes = real;
  return b;
}

LB lb_contiguous(const LB& x) {
  if (x->is_base() || (x->st.contiguous() && x->numel() == x->base()->st.numel())) return x;
  LB b = make_base(Op::CONTIGUOUS, x->base()->dtype, x->base()->device, x->shape());
  b->srcs = {x};
  return b;
}

static LB make_view(const LB& x, ShapeTracker st) {
  LazyBuffer* base = x->base();
  if (st.contiguous() && st.shape() == base->shape()) return x->is_base() ? x : x->view_of;
  auto v = std::make_shared<LazyBuffer>();
  v->view_of = x->is_base() ? x : x->view_of;
  v->st = std::move(st);
  v->dtype = base->dtype;
  v->device = base->device;
  return v;
}

LB lb_reshape(const LB& x, const Shape& s) { return s == x->shape() ? x : make_view(x, x->st.reshape(s)); }
LB lb_permute(const LB& x, const std::vector<int>& o) { return make_view(x, x->st.permute(o)); }
LB lb_expand(const LB& x, const Shape& s) { return s == x->shape() ? x : make_view(x, x->st.expand(s)); }
LB lb_pad(const LB& x, const std::vector<std::pair<int64_t, int64_t>>& p) { return make_view(x, x->st.pad(p)); }
LB lb_shrink(const LB& x, const std::vector<std::pair<int64_t, int64_t>>& b) {
  return make_view(x, x->st.shrink(b));
}
LB lb_flip(const LB& x, const std::vector<bool>& a) { return make_view(x, x->st.flip(a)); }

BufferPtr realized_contiguous(const LB& x) {
  LB c = lb_contiguous(x);
  realize({c});
  return c->base()->realized;
}

}  // namespace tinypynq
