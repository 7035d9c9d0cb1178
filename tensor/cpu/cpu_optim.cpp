#include "tensor/cpu/cpu_optim.h"

#include <cmath>

namespace tinypynq::cpu {

void adam_update(const AdamConsts& c, int64_t n, const float* p, const float* g, const float* m, const float* v,
                 float* p_out, float* m_out, float* v_out) {
  // Branches hoisted: the common case (no weight decay) is one vectorizable loop.
  if (!c.use_l2 && !c.use_decay) {
    for (int64_t i = 0; i < n; ++i) {
      const float gi = g[i];
      const float mi = m[i] * c.b1 + gi * c.one_minus_b1;
      const float vi = v[i] * c.b2 + gi * gi * c.one_minus_b2;
      m_out[i] = mi, v_out[i] = vi;
      p_out[i] = p[i] - mi * c.step_size / (std::sqrt(vi) / c.c2s + c.eps);
    }
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    float gi = g[i], pi = p[i];
    if (c.use_l2) gi = gi + pi * c.l2;
    if (c.use_decay) pi = pi * c.decay;
    const float mi = m[i] * c.b1 + gi * c.one_minus_b1;
    const float vi = v[i] * c.b2 + gi * gi * c.one_minus_b2;
    m_out[i] = mi, v_out[i] = vi;
    p_out[i] = pi - mi * c.step_size / (std::sqrt(vi) / c.c2s + c.eps);
  }
}

void sgd_update(const SgdConsts& c, int64_t n, const float* p, const float* g, const float* b, float* p_out,
                float* b_out) {
  for (int64_t i = 0; i < n; ++i) {
    float gi = g[i];
    if (c.use_wd) gi = gi + p[i] * c.wd;
    if (c.use_momentum) {
      const float bi = b[i] * c.momentum + gi;
      b_out[i] = bi;
      gi = c.nesterov ? gi + bi * c.momentum : bi;
    }
    p_out[i] = p[i] - gi * c.lr;
  }
}

}  // namespace tinypynq::cpu
