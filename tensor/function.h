// Autograd internals: a Function is one differentiable first-class op (or movement op) with a
// forward on lazy buffers and a backward that returns lazy gradient buffers. The frontend
// composes everything else from these, so gradients come for free.
//
//   Tensor y = apply_fn(std::make_shared<fn::Mul>(), {a, b});
#pragma once
#include <memory>
#include <vector>

#include "tensor/tensor.h"

namespace tinypynq {

struct TensorImpl {
  LB lb;
  bool requires_grad = false;
  std::shared_ptr<TensorImpl> grad;
  std::shared_ptr<Function> ctx;  // the op that produced this tensor, while a graph is kept
};

struct Function {
  std::vector<std::shared_ptr<TensorImpl>> parents;
  std::vector<bool> needs_grad;
  virtual ~Function() = default;
  virtual const char* name() const = 0;
  virtual LB forward(const std::vector<LB>& in) = 0;
  // One gradient per input; entries may be null where needs_grad is false.
  virtual std::vector<LB> backward(const LB& g) = 0;
};

Tensor apply_fn(std::shared_ptr<Function> f, const std::vector<Tensor>& inputs);

namespace fn {
// Factories for every differentiable primitive; arguments beyond the inputs configure it.
std::shared_ptr<Function> contiguous();
std::shared_ptr<Function> cast(DType to);
std::shared_ptr<Function> neg();
std::shared_ptr<Function> reciprocal();
std::shared_ptr<Function> sin();
std::shared_ptr<Function> relu();
std::shared_ptr<Function> log();
std::shared_ptr<Function> exp();
std::shared_ptr<Function> sqrt();
std::shared_ptr<Function> sigmoid();
std::shared_ptr<Function> binary(Op op);  // ADD SUB MUL DIV MAX MOD CMPLT CMPEQ
std::shared_ptr<Function> where();
std::shared_ptr<Function> reduce(Op op, std::vector<int> axes);  // keepdim shape
std::shared_ptr<Function> reshape(Shape s);
std::shared_ptr<Function> permute(std::vector<int> order);
std::shared_ptr<Function> expand(Shape s);
std::shared_ptr<Function> pad(std::vector<std::pair<int64_t, int64_t>> p);
std::shared_ptr<Function> shrink(std::vector<std::pair<int64_t, int64_t>> b);
std::shared_ptr<Function> flip(std::vector<bool> axes);
}  // namespace fn

}  // namespace tinypynq
