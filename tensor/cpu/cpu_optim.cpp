#include "tensor/cpu/cpu_optim.h"

#include <cmath>

#include "tensor/cpu/cpu_eval.h"
#include "tensor/cpu/cpu_parallel.h"

namespace tinypynq::cpu {

namespace {
// One chunk of the update; AVX2 where the host has it (same bits: no FMA, IEEE sqrt and div).
// The constants are locals and the outputs fresh buffers (restrict): otherwise a store through
// a float* could change c's fields, and the loop would neither hoist them nor vectorize.
TP_CLONES void adam_chunk(const AdamConsts& cr, int64_t n, const float* __restrict p, const float* __restrict g,
                          const float* __restrict m, const float* __restrict v, float* __restrict p_out,
                          float* __restrict m_out, float* __restrict v_out) {
  const float b1 = cr.b1, ob1 = cr.one_minus_b1, b2 = cr.b2, ob2 = cr.one_minus_b2, step = cr.step_size;
  const float c2s = cr.c2s, eps = cr.eps, l2 = cr.l2, decay = cr.decay;
  // Branches hoisted: the common case (no weight decay) is one vectorizable loop.
  if (!cr.use_l2 && !cr.use_decay) {
    for (int64_t i = 0; i < n; ++i) {
      const float gi = g[i];
      const float mi = m[i] * b1 + gi * ob1;
      const float vi = v[i] * b2 + gi * gi * ob2;
      m_out[i] = mi, v_out[i] = vi;
      p_out[i] = p[i] - mi * step / (std::sqrt(vi) / c2s + eps);
    }
    return;
  }
  const bool use_l2 = cr.use_l2, use_decay = cr.use_decay;
  for (int64_t i = 0; i < n; ++i) {
    float gi = g[i], pi = p[i];
    if (use_l2) gi = gi + pi * l2;
    if (use_decay) pi = pi * decay;
    const float mi = m[i] * b1 + gi * ob1;
    const float vi = v[i] * b2 + gi * gi * ob2;
    m_out[i] = mi, v_out[i] = vi;
    p_out[i] = pi - mi * step / (std::sqrt(vi) / c2s + eps);
  }
}
}  // namespace

void adam_update(const AdamConsts& c, int64_t n, const float* p, const float* g, const float* m, const float* v,
                 float* p_out, float* m_out, float* v_out) {
  // Split over cpu_threads() for large parameters: every element is independent.
  parallel_chunks(n, kMinPerThread, [&](int64_t s, int64_t e) {
    adam_chunk(c, e - s, p + s, g + s, m + s, v + s, p_out + s, m_out + s, v_out + s);
  });
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
