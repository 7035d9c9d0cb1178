#include "runtime/pynq/cost_model.h"

#include <algorithm>

namespace tinypynq::pynq {

double PsCost::kernel_seconds(const Kernel& k) const {
  const double elems = static_cast<double>(prod(k.full_shape));
  double simple = 0, trans = 0;
  for (const KNode& n : k.nodes) {
    switch (n.op) {
      case Op::EXP2: case Op::LOG2: case Op::SIN: case Op::SQRT: case Op::RECIP: case Op::DIV:
      case Op::MOD:
        trans += elems;
        break;
      case Op::LOAD: case Op::CONST: case Op::CAST: break;
      default: simple += elems;
    }
  }
  if (k.is_reduce()) simple += elems;  // one add/max per reduced element
  // a9_flops_per_cycle is the NEON peak with multiply-accumulate (VMLA: 2 lanes x 2 flop per
  // cycle); a multiply-add chain (matmul) reaches it, separate element ops only half of it.
  const bool mac = k.is_reduce() && k.reduce_op == Op::SUM && k.nodes.back().op == Op::MUL;
  const double rate = mac ? c_.a9_flops_per_cycle : c_.a9_flops_per_cycle / 2;
  const double hz = c_.ps_clock_hz;
  const double compute = simple / (rate * hz) + trans * c_.a9_transcendental_cycles / hz;
  double bytes = static_cast<double>(k.bufs[0]->nbytes());
  for (size_t i = 1; i < k.bufs.size(); ++i) bytes += static_cast<double>(k.bufs[i]->nbytes());
  return std::max(compute, bytes / c_.a9_stream_bytes_per_s);
}

}  // namespace tinypynq::pynq
