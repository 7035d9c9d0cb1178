#include "tensor/cpu/cpu_device.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <mutex>

#include "tensor/core/memory.h"
#include "tensor/cpu/cpu_eval.h"
#include "tensor/kernel_analysis.h"

namespace tinypynq {

namespace {

using cpu::EvalProgram;
using cpu::kBlock;

void run_elementwise(const Kernel& k) {
  EvalProgram p(k.nodes, k.bufs, k.full_shape);
  auto* out = static_cast<uint8_t*>(k.bufs[0]->data);
  const int64_t total = prod(k.full_shape), isz = itemsize(k.out_dtype);
  for (int64_t s = 0; s < total; s += kBlock) {
    int64_t n = std::min(kBlock, total - s);
    cpu::store_values(p.eval_block(s, n), p.root_dtype(), out + s * isz, k.out_dtype, n);
  }
}

template <typename Acc, typename V, typename F>
void accumulate(const V* v, int64_t start, int64_t n, int64_t red, Acc* acc, F f) {
  int64_t i = 0;
  while (i < n) {
    int64_t flat = start + i, o = flat / red, end = std::min(n, (o + 1) * red - start);
    Acc a = acc[o];
    for (; i < end; ++i) a = f(a, v[i]);
    acc[o] = a;
  }
}

void run_reduce(const Kernel& k) {
  // Reduce axes innermost: each output is then a run of `red` consecutive indices.
  std::vector<KNode> nodes;
  int64_t red = 1;
  const Shape shape = analysis::reduce_innermost(k, nodes, &red);
  const int64_t outn = prod(k.out_shape), total = prod(shape);
  EvalProgram p(nodes, k.bufs, shape);
  const bool f = p.root_dtype() == DType::f32;
  const bool sum = k.reduce_op == Op::SUM;
  if (f && sum) {
    std::vector<double> acc(outn, 0.0);  // the reference sums in double, then rounds once
    for (int64_t s = 0; s < total; s += kBlock) {
      int64_t n = std::min(kBlock, total - s);
      accumulate(static_cast<const float*>(p.eval_block(s, n)), s, n, red, acc.data(),
                 [](double a, float v) { return a + v; });
    }
    auto* o = static_cast<float*>(k.bufs[0]->data);
    for (int64_t i = 0; i < outn; ++i) o[i] = static_cast<float>(acc[i]);
  } else if (f) {
    std::vector<float> acc(outn, -std::numeric_limits<float>::infinity());
    for (int64_t s = 0; s < total; s += kBlock) {
      int64_t n = std::min(kBlock, total - s);
      accumulate(static_cast<const float*>(p.eval_block(s, n)), s, n, red, acc.data(), [](float a, float v) {
        return (a != a || v != v) ? std::numeric_limits<float>::quiet_NaN() : (v > a ? v : a);
      });
    }
    std::memcpy(k.bufs[0]->data, acc.data(), outn * 4);
  } else {
    std::vector<int64_t> acc(outn, sum ? 0 : std::numeric_limits<int32_t>::min());
    for (int64_t s = 0; s < total; s += kBlock) {
      int64_t n = std::min(kBlock, total - s);
      auto* v = static_cast<const int32_t*>(p.eval_block(s, n));
      if (sum) accumulate(v, s, n, red, acc.data(), [](int64_t a, int32_t x) { return a + x; });
      else accumulate(v, s, n, red, acc.data(), [](int64_t a, int32_t x) { return std::max<int64_t>(a, x); });
    }
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
    } else {
      run_elementwise(k);
    }
  }

 private:
  std::string name_ = "cpu";
  std::shared_ptr<Pool> pool_ = std::make_shared<Pool>();  // outlives buffers that outlive the device
};

}  // namespace

std::unique_ptr<Device> make_cpu_device() { return std::make_unique<CpuDevice>(); }

}  // namespace tinypynq
