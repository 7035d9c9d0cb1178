#include "tensor/cpu/cpu_device.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <exception>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>
#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

#include "tensor/core/memory.h"
#include "tensor/cpu/cpu_eval.h"
#include "tensor/cpu/cpu_parallel.h"
#include "tensor/kernel_analysis.h"

namespace tinypynq {

namespace {

using cpu::EvalProgram;
using cpu::kBlock;

// Threads for the interpreter's large kernels: TINYPYNQ_CPU_THREADS, else OPENBLAS_NUM_THREADS
// (so "2 threads" means 2 for BLAS and for everything else), else 1. Results do not depend on
// it: every output is computed by one thread in the same order.
int& threads_ref() {
  static int n = [] {
    const char* e = std::getenv("TINYPYNQ_CPU_THREADS");
    if (!e || !*e) e = std::getenv("OPENBLAS_NUM_THREADS");
    const int v = e ? std::atoi(e) : 1;
    return std::clamp(v, 1, 16);
  }();
  return n;
}
int threads() { return threads_ref(); }

using cpu::kMinPerThread;
using cpu::parallel_chunks;

void run_elementwise(const Kernel& k) {
  auto* out = static_cast<uint8_t*>(k.bufs[0]->data);
  const int64_t total = prod(k.full_shape), isz = itemsize(k.out_dtype);
  const int64_t blocks = (total + kBlock - 1) / kBlock;
  parallel_chunks(blocks, kMinPerThread / kBlock, [&](int64_t b0, int64_t b1) {
    EvalProgram p(k.nodes, k.bufs, k.full_shape);
    for (int64_t s = b0 * kBlock, e = std::min(total, b1 * kBlock); s < e; s += kBlock) {
      int64_t n = std::min(kBlock, e - s);
      uint8_t* dst = out + s * isz;
      const void* v = p.eval_block(s, n, isz == 4 ? dst : nullptr);
      if (v != dst) cpu::store_values(v, p.root_dtype(), dst, k.out_dtype, n);
    }
  });
}

template <typename Acc, typename V, typename F>
void accumulate(const V* v, int64_t start, int64_t n, int64_t red, Acc* acc, F f) {
  // One division per block, not per output (max-pool windows hold 4 values).
  int64_t i = 0, o = start / red, next = (o + 1) * red - start;
  while (i < n) {
    const int64_t end = std::min(n, next);
    Acc a = acc[o];
    for (; i < end; ++i) a = f(a, v[i]);
    acc[o++] = a;
    next += red;
  }
}

// Float sums: long runs are added in four double lanes, which breaks the chain of dependent
// adds (its latency bound the loop); the lanes differ from one serial double sum only by
// double rounding, far below the final rounding to float. Short runs (pooling windows) add
// serially, as before.
TP_CLONES void accumulate_sum(const float* v, int64_t start, int64_t n, int64_t red, double* acc) {
  int64_t i = 0, o = start / red, next = (o + 1) * red - start;
  while (i < n) {
    const int64_t end = std::min(n, next);
    double a = acc[o];
    if (end - i >= 32) {
      double l[4] = {0.0, 0.0, 0.0, 0.0};
      for (; i + 4 <= end; i += 4)
        for (int j = 0; j < 4; ++j) l[j] += v[i + j];
      a += (l[0] + l[1]) + (l[2] + l[3]);
    }
    for (; i < end; ++i) a += v[i];
    acc[o++] = a;
    next += red;
  }
}

// Evaluates the reduce program over the flat indices of outputs [o0, o1) (`red` each, reduce
// axes innermost) and folds them into acc with f, block by block in index order.
template <typename V, typename Acc, typename F>
void reduce_outputs(const std::vector<KNode>& nodes, const Kernel& k, const Shape& shape, int64_t red, Acc* acc,
                    F f) {
  const int64_t outn = prod(k.out_shape);
  parallel_chunks(outn, std::max<int64_t>(1, kMinPerThread / std::max<int64_t>(red, 1)), [&](int64_t o0, int64_t o1) {
    EvalProgram p(nodes, k.bufs, shape);
    for (int64_t s = o0 * red, e = o1 * red; s < e; s += kBlock) {
      const int64_t n = std::min(kBlock, e - s);
      const auto* v = static_cast<const V*>(p.eval_block(s, n));
      if constexpr (std::is_same_v<V, float> && std::is_same_v<Acc, double>) accumulate_sum(v, s, n, red, acc);
      else accumulate(v, s, n, red, acc, f);
    }
  });
}

void run_reduce(const Kernel& k) {
  // Reduce axes innermost: each output is then a run of `red` consecutive indices.
  std::vector<KNode> nodes;
  int64_t red = 1;
  const Shape shape = analysis::reduce_innermost(k, nodes, &red);
  const int64_t outn = prod(k.out_shape);
  const bool f = nodes.back().dtype == DType::f32;
  const bool sum = k.reduce_op == Op::SUM;
  if (f && cpu::try_window_reduce(k, nodes, shape, red)) return;
  if (f && sum) {
    std::vector<double> acc(outn, 0.0);  // the reference sums in double, then rounds once
    reduce_outputs<float>(nodes, k, shape, red, acc.data(), [](double a, float v) { return a + v; });
    auto* o = static_cast<float*>(k.bufs[0]->data);
    for (int64_t i = 0; i < outn; ++i) o[i] = static_cast<float>(acc[i]);
  } else if (f) {
    std::vector<float> acc(outn, -std::numeric_limits<float>::infinity());
    reduce_outputs<float>(nodes, k, shape, red, acc.data(), [](float a, float v) {
      return (a != a || v != v) ? std::numeric_limits<float>::quiet_NaN() : (v > a ? v : a);
    });
    std::memcpy(k.bufs[0]->data, acc.data(), outn * 4);
  } else {
    std::vector<int64_t> acc(outn, sum ? 0 : std::numeric_limits<int32_t>::min());
    if (sum) reduce_outputs<int32_t>(nodes, k, shape, red, acc.data(), [](int64_t a, int32_t x) { return a + x; });
    else reduce_outputs<int32_t>(nodes, k, shape, red, acc.data(), [](int64_t a, int32_t x) { return std::max<int64_t>(a, x); });
    std::vector<int32_t> o(outn);
    for (int64_t i = 0; i < outn; ++i) o[i] = static_cast<int32_t>(static_cast<uint32_t>(acc[i]));
    cpu::store_values(o.data(), DType::i32, k.bufs[0]->data, k.out_dtype, outn);
  }
}

// Freed buffers are kept for reuse by size (as tinygrad's LRU allocator): training allocates
// the same sizes every step, and fresh pages would cost a page fault per 4 KiB.
class Pool {
 public:
  void* get(size_t bytes) {
    std::lock_guard<std::mutex> g(mu_);
    auto it = free_.find(bytes);
    if (it != free_.end() && !it->second.empty()) {
      void* p = it->second.back();
      it->second.pop_back();
      cached_ -= bytes;
      return p;
    }
    return nullptr;
  }
  void put(void* p, size_t bytes) {
    std::lock_guard<std::mutex> g(mu_);
    if (cached_ + bytes > kMaxCached) return std::free(p);
    free_[bytes].push_back(p);
    cached_ += bytes;
  }
  ~Pool() {
    for (auto& [b, v] : free_)
      for (void* p : v) std::free(p);
  }

 private:
  static constexpr size_t kMaxCached = size_t{256} << 20;
  std::mutex mu_;
  std::map<size_t, std::vector<void*>> free_;
  size_t cached_ = 0;
};

class CpuDevice final : public Device {
 public:
  const std::string& name() const override { return name_; }
  BufferPtr alloc(DType dtype, int64_t numel) override {
    TP_CHECK(numel >= 0 && numel <= (int64_t{1} << 60), "cpu: a buffer of ", numel, " elements is too large");
    auto b = std::make_shared<Buffer>();
    b->device = this, b->dtype = dtype, b->numel = numel;
    size_t bytes = std::max<size_t>(64, (b->nbytes() + 63) / 64 * 64);
    check_host_alloc(bytes, "cpu: a tensor buffer");
    void* p = pool_->get(bytes);
    if (!p) p = std::aligned_alloc(64, bytes);
    TP_CHECK(p, "cpu: out of memory allocating ", bytes, " bytes");
    b->owner = std::shared_ptr<void>(p, [pool = pool_, bytes](void* q) { pool->put(q, bytes); });
    b->data = p;
    return b;
  }
  void copyin(Buffer& dst, const void* src, size_t n) override { std::memcpy(dst.data, src, n); }
  void copyout(const Buffer& src, void* dst, size_t n) override { std::memcpy(dst, src.data, n); }
  bool supports(const Kernel&) const override { return true; }
  void run(const Kernel& k) override {
    if (k.is_reduce()) {
      if (!cpu::try_gemm(k)) run_reduce(k);
    } else if (!cpu::try_shifted_sum(k)) {
      run_elementwise(k);
    }
  }

 private:
  std::string name_ = "cpu";
  std::shared_ptr<Pool> pool_ = std::make_shared<Pool>();  // outlives buffers that outlive the device
};

}  // namespace

int cpu_threads() { return threads(); }
const char* blas_core_name() { return openblas_get_corename(); }
void set_cpu_threads(int n) {
  TP_CHECK(n >= 1 && n <= 16, "set_cpu_threads: expected 1..16 threads, got ", n);
  threads_ref() = n;
}

std::unique_ptr<Device> make_cpu_device() { return std::make_unique<CpuDevice>(); }

}  // namespace tinypynq
