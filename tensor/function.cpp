#include "tensor/function.h"

#include <cmath>

namespace tinypynq {

namespace {

constexpr double kLn2 = 0.69314718055994530942;

LB cst(const LB& like, double v) { return lb_const(*like->base()->device, like->base()->dtype, v, like->shape()); }
LB e(Op op, std::initializer_list<LB> s) { return lb_alu(op, s); }

// Sums g over the axes where `shape` has size 1 but g does not (undoing a broadcast).
LB sum_to(const LB& g, const Shape& shape) {
  std::vector<int> axes;
  for (size_t i = 0; i < shape.size(); ++i)
    if (shape[i] == 1 && g->shape()[i] != 1) axes.push_back(static_cast<int>(i));
  return axes.empty() ? g : lb_reduce(Op::SUM, g, axes);
}

#define TP_FN(cls, nm)                                  \
  struct cls final : Function {                         \
    const char* name() const override { return nm; }

struct Contiguous final : Function {
  const char* name() const override { return "Contiguous"; }
  LB forward(const std::vector<LB>& in) override { return lb_contiguous(in[0]); }
  std::vector<LB> backward(const LB& g) override { return {g}; }
};

TP_FN(Cast, "Cast")
  DType to, from = DType::f32;
  explicit Cast(DType t) : to(t) {}
  LB forward(const std::vector<LB>& in) override { from = in[0]->base()->dtype; return lb_cast(in[0], to); }
  std::vector<LB> backward(const LB& g) override { return {lb_cast(g, from)}; }
};

TP_FN(Neg, "Neg")
  LB forward(const std::vector<LB>& in) override { return e(Op::NEG, {in[0]}); }
  std::vector<LB> backward(const LB& g) override { return {e(Op::NEG, {g})}; }
};

TP_FN(Reciprocal, "Reciprocal")
  LB ret;
  LB forward(const std::vector<LB>& in) override { return ret = e(Op::RECIP, {in[0]}); }
  std::vector<LB> backward(const LB& g) override { return {e(Op::NEG, {e(Op::MUL, {e(Op::MUL, {ret, ret}), g})})}; }
};

TP_FN(Sin, "Sin")
  LB x;
  LB forward(const std::vector<LB>& in) override { x = in[0]; return e(Op::SIN, {x}); }
  std::vector<LB> backward(const LB& g) override {  // cos(x) = sin(pi/2 - x)
    return {e(Op::MUL, {e(Op::SIN, {e(Op::SUB, {cst(x, M_PI / 2), x})}), g})};
  }
};

TP_FN(Relu, "Relu")
  LB ret;
  LB forward(const std::vector<LB>& in) override { return ret = e(Op::MAX, {in[0], cst(in[0], 0)}); }
  std::vector<LB> backward(const LB& g) override {
    return {e(Op::MUL, {lb_cast(e(Op::CMPLT, {cst(ret, 0), ret}), DType::f32), g})};
  }
};

TP_FN(Log, "Log")
  LB x;
  LB forward(const std::vector<LB>& in) override { x = in[0]; return e(Op::MUL, {e(Op::LOG2, {x}), cst(x, kLn2)}); }
  std::vector<LB> backward(const LB& g) override { return {e(Op::DIV, {g, x})}; }
};

TP_FN(Exp, "Exp")
  LB ret;
  LB forward(const std::vector<LB>& in) override {
    return ret = e(Op::EXP2, {e(Op::MUL, {in[0], cst(in[0], 1 / kLn2)})});
  }
  std::vector<LB> backward(const LB& g) override { return {e(Op::MUL, {ret, g})}; }
};

TP_FN(Sqrt, "Sqrt")
  LB ret;
  LB forward(const std::vector<LB>& in) override { return ret = e(Op::SQRT, {in[0]}); }
  std::vector<LB> backward(const LB& g) override { return {e(Op::DIV, {g, e(Op::MUL, {ret, cst(ret, 2)})})}; }
};

TP_FN(Sigmoid, "Sigmoid")
  LB ret;
  LB forward(const std::vector<LB>& in) override {
    LB x = in[0];
    return ret = e(Op::RECIP, {e(Op::ADD, {cst(x, 1), e(Op::EXP2, {e(Op::MUL, {x, cst(x, -1 / kLn2)})})})});
  }
  std::vector<LB> backward(const LB& g) override {
    return {e(Op::MUL, {e(Op::MUL, {ret, e(Op::SUB, {cst(ret, 1), ret})}), g})};
  }
};

TP_FN(Binary, "Binary")
  Op op;
  LB a, b;
  explicit Binary(Op o) : op(o) {}
  LB forward(const std::vector<LB>& in) override {
    a = in[0], b = in[1];
    return lb_alu(op, {a, b});
  }
  std::vector<LB> backward(const LB& g) override {
    switch (op) {
      case Op::ADD: return {g, g};
      case Op::SUB: return {g, e(Op::NEG, {g})};
      case Op::MUL: return {needs_grad[0] ? e(Op::MUL, {b, g}) : nullptr, needs_grad[1] ? e(Op::MUL, {a, g}) : nullptr};
      case Op::DIV:
        return {needs_grad[0] ? e(Op::DIV, {g, b}) : nullptr,
                needs_grad[1] ? e(Op::NEG, {e(Op::DIV, {e(Op::MUL, {g, a}), e(Op::MUL, {b, b})})}) : nullptr};
      case Op::MAX: {
        // Ties split the gradient evenly, as tinygrad does.
        LB gt = lb_cast(e(Op::CMPLT, {b, a}), DType::f32), eq = lb_cast(e(Op::CMPEQ, {a, b}), DType::f32);
        LB half = e(Op::MUL, {eq, cst(eq, 0.5)});
        LB wa = e(Op::ADD, {gt, half});
        return {e(Op::MUL, {wa, g}), e(Op::MUL, {e(Op::SUB, {cst(wa, 1), wa}), g})};
      }
      case Op::MOD: return {g, nullptr};
      default: return {nullptr, nullptr};  // comparisons have no gradient
    }
  }
};

TP_FN(Where, "Where")
  LB c;
  LB forward(const std::vector<LB>& in) override { c = in[0]; return e(Op::WHERE, {in[0], in[1], in[2]}); }
  std::vector<LB> backward(const LB& g) override {
    LB z = cst(g, 0);
    return {nullptr, needs_grad[1] ? e(Op::WHERE, {c, g, z}) : nullptr,
            needs_grad[2] ? e(Op::WHERE, {c, z, g}) : nullptr};
  }
};

TP_FN(Reduce, "Reduce")
  Op op;
  std::vector<int> axes;
  LB x, ret;
  Reduce(Op o, std::vector<int> a) : op(o), axes(std::move(a)) {}
  LB forward(const std::vector<LB>& in) override {
    x = in[0];
    return ret = lb_reduce(op, x, axes);
  }
  std::vector<LB> backward(const LB& g) override {
    if (op == Op::SUM) return {lb_expand(g, x->shape())};
    // MAX: the gradient goes to the maxima, shared evenly between ties.
    LB mask = lb_cast(e(Op::CMPEQ, {x, lb_expand(ret, x->shape())}), DType::f32);
    LB cnt = lb_expand(lb_reduce(Op::SUM, mask, axes), x->shape());
    return {e(Op::MUL, {e(Op::DIV, {mask, cnt}), lb_expand(g, x->shape())})};
  }
};

TP_FN(Reshape, "Reshape")
  Shape to, from;
  explicit Reshape(Shape s) : to(std::move(s)) {}
  LB forward(const std::vector<LB>& in) override { from = in[0]->shape(); return lb_reshape(in[0], to); }
  std::vector<LB> backward(const LB& g) override { return {lb_reshape(g, from)}; }
};

TP_FN(Permute, "Permute")
  std::vector<int> order;
  explicit Permute(std::vector<int> o) : order(std::move(o)) {}
  LB forward(const std::vector<LB>& in) override { return lb_permute(in[0], order); }
  std::vector<LB> backward(const LB& g) override {
    std::vector<int> inv(order.size());
    for (size_t i = 0; i < order.size(); ++i) inv[order[i]] = static_cast<int>(i);
    return {lb_permute(g, inv)};
  }
};

TP_FN(Expand, "Expand")
  Shape to, from;
  explicit Expand(Shape s) : to(std::move(s)) {}
  LB forward(const std::vector<LB>& in) override { from = in[0]->shape(); return lb_expand(in[0], to); }
  std::vector<LB> backward(const LB& g) override { return {sum_to(g, from)}; }
};

TP_FN(Pad, "Pad")
  std::vector<std::pair<int64_t, int64_t>> p;
  Shape from;
  explicit Pad(std::vector<std::pair<int64_t, int64_t>> x) : p(std::move(x)) {}
  LB forward(const std::vector<LB>& in) override { from = in[0]->shape(); return lb_pad(in[0], p); }
  std::vector<LB> backward(const LB& g) override {
    std::vector<std::pair<int64_t, int64_t>> b;
    for (size_t i = 0; i < p.size(); ++i) b.push_back({p[i].first, p[i].first + from[i]});
    return {lb_shrink(g, b)};
  }
};

TP_FN(Shrink, "Shrink")
  std::vector<std::pair<int64_t, int64_t>> b;
  Shape from;
  explicit Shrink(std::vector<std::pair<int64_t, int64_t>> x) : b(std::move(x)) {}
  LB forward(const std::vector<LB>& in) override { from = in[0]->shape(); return lb_shrink(in[0], b); }
  std::vector<LB> backward(const LB& g) override {
    std::vector<std::pair<int64_t, int64_t>> p;
    for (size_t i = 0; i < b.size(); ++i) p.push_back({b[i].first, from[i] - b[i].second});
    return {lb_pad(g, p)};
  }
};

TP_FN(Flip, "Flip")
  std::vector<bool> axes;
  explicit Flip(std::vector<bool> a) : axes(std::move(a)) {}
  LB forward(const std::vector<LB>& in) override { return lb_flip(in[0], axes); }
  std::vector<LB> backward(const LB& g) override { return {lb_flip(g, axes)}; }
};

}  // namespace

namespace fn {
std::shared_ptr<Function> contiguous() { return std::make_shared<Contiguous>(); }
std::shared_ptr<Function> cast(DType to) { return std::make_shared<Cast>(to); }
std::shared_ptr<Function> neg() { return std::make_shared<Neg>(); }
std::shared_ptr<Function> reciprocal() { return std::make_shared<Reciprocal>(); }
std::shared_ptr<Function> sin() { return std::make_shared<Sin>(); }
std::shared_ptr<Function> relu() { return std::make_shared<Relu>(); }
std::shared_ptr<Function> log() { return std::make_shared<Log>(); }
std::shared_ptr<Function> exp() { return std::make_shared<Exp>(); }
std::shared_ptr<Function> sqrt() { return std::make_shared<Sqrt>(); }
std::shared_ptr<Function> sigmoid() { return std::make_shared<Sigmoid>(); }
std::shared_ptr<Function> binary(Op op) { return std::make_shared<Binary>(op); }
std::shared_ptr<Function> where() { return std::make_shared<Where>(); }
std::shared_ptr<Function> reduce(Op op, std::vector<int> axes) { return std::make_shared<Reduce>(op, std::move(axes)); }
std::shared_ptr<Function> reshape(Shape s) { return std::make_shared<Reshape>(std::move(s)); }
std::shared_ptr<Function> permute(std::vector<int> o) { return std::make_shared<Permute>(std::move(o)); }
std::shared_ptr<Function> expand(Shape s) { return std::make_shared<Expand>(std::move(s)); }
std::shared_ptr<Function> pad(std::vector<std::pair<int64_t, int64_t>> p) { return std::make_shared<Pad>(std::move(p)); }
std::shared_ptr<Function> shrink(std::vector<std::pair<int64_t, int64_t>> b) { return std::make_shared<Shrink>(std::move(b)); }
std::shared_ptr<Function> flip(std::vector<bool> a) { return std::make_shared<Flip>(std::move(a)); }
}  // namespace fn

}  // namespace tinypynq
