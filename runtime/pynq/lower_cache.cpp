#include "runtime/pynq/lower_cache.h"

#include <bit>
#include <cstdlib>
#include <cstring>

#include "base/check.h"

namespace tinypynq::pynq {

namespace {
// Bounds the memory of a run whose kernels keep changing shape (varying batch sizes): when
// full, the cache starts over.
constexpr size_t kMaxEntries = 4096;

void put_shape(std::vector<int64_t>& key, const Shape& s) {
  key.push_back(static_cast<int64_t>(s.size()));
  key.insert(key.end(), s.begin(), s.end());
}

uint64_t hash_of(const std::vector<int64_t>& key) {
  uint64_t h = 0xcbf29ce484222325ull ^ key.size();
  for (int64_t v : key) {
    h ^= static_cast<uint64_t>(v);
    h *= 0x100000001b3ull;
    h ^= h >> 29;
  }
  return h;
}
}  // namespace

LowerCache::LowerCache(const BoardConfig& cfg) : cfg_(cfg), mode_(Mode::kOn) {
  if (const char* e = std::getenv("TINYPYNQ_LOWER_CACHE")) {
    if (std::strcmp(e, "0") == 0) mode_ = Mode::kOff;
    else if (std::strcmp(e, "check") == 0) mode_ = Mode::kCheck;
  }
}

void LowerCache::key_of(const Kernel& k, std::vector<int64_t>& key, std::vector<int64_t>& consts) {
  key.clear();
  consts.clear();
  key.push_back(static_cast<int64_t>(k.reduce_op));
  key.push_back(static_cast<int64_t>(k.out_dtype));
  put_shape(key, k.full_shape);
  put_shape(key, k.out_shape);
  key.push_back(static_cast<int64_t>(k.reduce_axes.size()));
  key.insert(key.end(), k.reduce_axes.begin(), k.reduce_axes.end());
  // Buffers: dtype, size, and which earlier buffer it is (the aliasing lower() resolves).
  key.push_back(static_cast<int64_t>(k.bufs.size()));
  for (size_t i = 0; i < k.bufs.size(); ++i) {
    const Buffer& b = *k.bufs[i];
    int64_t same = -1;
    for (size_t j = 0; j < i && same < 0; ++j)
      if (k.bufs[j] == k.bufs[i] || (k.bufs[j]->owner && k.bufs[j]->owner == b.owner)) same = static_cast<int64_t>(j);
    key.push_back(static_cast<int64_t>(b.dtype));
    key.push_back(b.numel);
    key.push_back(same);
  }
  key.push_back(static_cast<int64_t>(k.nodes.size()));
  for (const KNode& n : k.nodes) {
    key.push_back(static_cast<int64_t>(n.op));
    key.push_back(static_cast<int64_t>(n.dtype));
    key.push_back(n.buf);
    if (n.op == Op::CONST) consts.push_back(std::bit_cast<int64_t>(n.value));  // by their bits
    key.push_back(static_cast<int64_t>(n.src.size()));
    key.insert(key.end(), n.src.begin(), n.src.end());
    key.push_back(static_cast<int64_t>(n.st.views().size()));
    for (const View& v : n.st.views()) {
      put_shape(key, v.shape);
      put_shape(key, v.strides);
      key.push_back(v.offset);
      key.push_back(static_cast<int64_t>(v.mask.size()));
      for (const auto& [lo, hi] : v.mask) key.push_back(lo), key.push_back(hi);
    }
  }
}

const std::optional<Program>& LowerCache::get(const Kernel& k) {
  if (mode_ == Mode::kOff) {
    uncached_ = lower(k, cfg_);
    return uncached_;
  }
  key_of(k, key_, consts_);
  const uint64_t h = hash_of(key_);
  auto [lo, hi] = map_.equal_range(h);
  for (auto it = lo; it != hi; ++it) {
    if (it->second.key != key_) continue;
    if (it->second.consts != consts_) {  // the same structure with other constants: lower again
      ++misses_;
      it->second.consts = consts_;
      it->second.program = lower(k, cfg_);
      return it->second.program;
    }
    ++hits_;
    if (mode_ == Mode::kCheck) {
      const std::optional<Program> fresh = lower(k, cfg_);
      const bool same = fresh.has_value() == it->second.program.has_value() && (!fresh || *fresh == *it->second.program);
      TP_CHECK(same, "pynq: the cached PL program of kernel ", k.name(), " differs from lowering it again:\ncached:\n",
               it->second.program ? it->second.program->str() : "(PS)\n", "lowered now:\n",
               fresh ? fresh->str() : "(PS)\n", "(the lowering cache's key misses something lower() reads: "
               "runtime/pynq/lower_cache.cpp)");
    }
    return it->second.program;
  }
  ++misses_;
  if (map_.size() >= kMaxEntries) map_.clear();
  auto it = map_.emplace(h, Entry{key_, consts_, lower(k, cfg_)});
  return it->second.program;
}

}  // namespace tinypynq::pynq
