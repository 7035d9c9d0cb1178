// First-fit sub-allocator over one contiguous region (a u-dma-buf buffer): aligned blocks,
// freed blocks merge with their neighbours. Offsets only: the caller adds the base addresses.
//
//   SubAlloc a(64 << 20);
//   uint64_t off = a.get(4096, 64);   // throws tinypynq::Error when no free range fits
//   a.put(off);
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "base/check.h"

namespace tinypynq::board {

class SubAlloc {
 public:
  explicit SubAlloc(uint64_t bytes, std::string what = "region") : bytes_(bytes), what_(std::move(what)) {
    if (bytes) free_[0] = bytes;
  }
  uint64_t get(uint64_t bytes, uint64_t align) {
    TP_CHECK(align && (align & (align - 1)) == 0, "board: alignment ", align, " is not a power of two");
    TP_CHECK(bytes > 0, "board: zero-byte allocation");
    for (auto it = free_.begin(); it != free_.end(); ++it) {
      const uint64_t start = it->first, len = it->second;
      const uint64_t off = (start + align - 1) & ~(align - 1);
      if (off + bytes > start + len) continue;
      free_.erase(it);
      if (off > start) free_[start] = off - start;
      if (off + bytes < start + len) free_[off + bytes] = start + len - (off + bytes);
      used_[off] = bytes;
      in_use_ += bytes;
      return off;
    }
    TP_CHECK(false, "board: ", what_, " exhausted: ", bytes, " bytes (alignment ", align, ") requested, ", in_use_,
             " of ", bytes_, " in use, largest free range ", largest_free(),
             " bytes; reload u-dma-buf with a larger buffer (e.g. sudo rmmod u-dma-buf; sudo insmod u-dma-buf.ko "
             "udmabuf0=", 2 * bytes_, ")");
    return 0;
  }
  void put(uint64_t off) {
    auto u = used_.find(off);
    TP_ASSERT(u != used_.end(), "board: freeing an offset that was not allocated");
    uint64_t start = off, len = u->second;
    in_use_ -= len;
    used_.erase(u);
    auto next = free_.lower_bound(start);
    if (next != free_.end() && next->first == start + len) {
      len += next->second;
      next = free_.erase(next);
    }
    if (next != free_.begin()) {
      auto prev = std::prev(next);
      if (prev->first + prev->second == start) {
        start = prev->first;
        len += prev->second;
        free_.erase(prev);
      }
    }
    free_[start] = len;
  }
  uint64_t in_use() const { return in_use_; }
  uint64_t largest_free() const {
    uint64_t m = 0;
    for (auto& [s, l] : free_) m = l > m ? l : m;
    return m;
  }
  size_t free_ranges() const { return free_.size(); }

 private:
  uint64_t bytes_;
  std::string what_;
  std::map<uint64_t, uint64_t> free_, used_;  // offset -> bytes
  uint64_t in_use_ = 0;
};

}  // namespace tinypynq::board
