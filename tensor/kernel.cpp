#include "tensor/kernel.h"

namespace tinypynq {

std::string Kernel::name() const {
  std::string r = is_reduce() ? std::string("r_") + (reduce_op == Op::SUM ? "SUM" : "MAX") : "E";
  int alu = 0;
  for (auto& n : nodes)
    if (is_elementwise(n.op) && alu++ < 4) r += std::string("_") + op_name(n.op);
  if (alu > 4) r += "_+" + std::to_string(alu - 4);
  if (!is_reduce() && alu == 0) r += "_COPY";
  return r;
}

std::string Kernel::str() const {
  std::string r = name() + " full=" + shape_str(full_shape) + " out=" + shape_str(out_shape) + "\n";
  for (size_t i = 0; i < nodes.size(); ++i) {
    auto& n = nodes[i];
    r += "  %" + std::to_string(i) + " = " + op_name(n.op) + "." + dtype_name(n.dtype);
    for (int s : n.src) r += " %" + std::to_string(s);
    if (n.op == Op::LOAD) r += " buf" + std::to_string(n.buf) + " " + n.st.str();
    if (n.op == Op::CONST) r += " " + std::to_string(n.value) + " " + n.st.str();
    r += "\n";
  }
  return r;
}

int64_t Kernel::flops() const {
  int64_t alu = 0;
  for (auto& n : nodes) alu += is_elementwise(n.op) && n.op != Op::CAST;
  return alu * prod(full_shape) + (is_reduce() ? prod(full_shape) - prod(out_shape) : 0);
}

}  // namespace tinypynq
