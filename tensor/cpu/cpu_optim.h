// Fused optimizer updates of the cpu device: one pass over a parameter's memory instead of the
// three kernels (m, v, then p) that the graph of an Adam step schedules. Each element goes
// through exactly the float operations, in the order, that those kernels perform, so the
// results are the same bits (the file is compiled without FP contraction).
//
//   cpu::AdamConsts c{b1, 1 - b1, b2, 1 - b2, lr / c1, sqrt(c2), eps, 0, 1};
//   cpu::adam_update(c, n, p, g, m, v, p_out, m_out, v_out);
#pragma once
#include <cstdint>

namespace tinypynq::cpu {

struct AdamConsts {
  float b1, one_minus_b1, b2, one_minus_b2, step_size, c2s, eps;
  float l2 = 0;        // > 0: g += p * l2 first (Adam's weight_decay)
  float decay = 1;     // != 1: p *= decay first (AdamW's decoupled weight decay)
  bool use_l2 = false, use_decay = false;
};
// m' = m b1 + g (1 - b1); v' = v b2 + g g (1 - b2); p' = p - m' step / (sqrt(v') / c2s + eps).
void adam_update(const AdamConsts& c, int64_t n, const float* p, const float* g, const float* m, const float* v,
                 float* p_out, float* m_out, float* v_out);

struct SgdConsts {
  float lr, momentum = 0, wd = 0;
  bool use_wd = false, use_momentum = false, nesterov = false;
};
// g' = g + p wd; b' = b momentum + g'; p' = p - (nesterov ? g' + b' momentum : b') lr (or g' lr).
void sgd_update(const SgdConsts& c, int64_t n, const float* p, const float* g, const float* b, float* p_out,
                float* b_out);

}  // namespace tinypynq::cpu
