// The cpu device: the reference implementation of every first-class op, at native speed.
//   Device& cpu = device("cpu");
//   set_cpu_threads(2);   // large elementwise/reduce kernels on 2 threads (same bits)
#pragma once
#include <memory>

#include "tensor/device.h"

namespace tinypynq {
std::unique_ptr<Device> make_cpu_device();
// Threads for the interpreter's large kernels (BLAS has its own: OPENBLAS_NUM_THREADS). The
// default comes from TINYPYNQ_CPU_THREADS, else OPENBLAS_NUM_THREADS, else 1. Results do not
// depend on it: each output is computed by one thread, in the same order.
int cpu_threads();
void set_cpu_threads(int n);  // 1..16
// OpenBLAS's kernel set ("Haswell", "Cooperlake", ...): OPENBLAS_CORETYPE when set, else its
// own detection. It sets the cpu target's speed (docs/tensor.md: AVX-512 kernels vs Haswell's).
const char* blas_core_name();
}  // namespace tinypynq
