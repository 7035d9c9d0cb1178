// A ShapeTracker maps an index in a (logical) shape to an offset in a flat buffer, through a
// stack of strided views. Movement ops only change the top view; when a reshape cannot be
// expressed as strides of the top view a new view is pushed (the old top's offsets are then
// read as flat indices into the view below). A view may carry a mask: elements outside it read 0.
//
//   ShapeTracker st = ShapeTracker::contiguous({2, 3});
//   st = st.permute({1, 0});            // (3, 2), strides (1, 3)
//   auto [off, valid] = st.index(4);    // element [2][0] -> offset 2
#pragma once
#include <utility>
#include <vector>

#include "tensor/core/shape.h"

namespace tinypynq {

struct View {
  Shape shape, strides;
  int64_t offset = 0;
  std::vector<std::pair<int64_t, int64_t>> mask;  // empty: every element valid; else [lo, hi) per dim

  static View make(Shape shape, Shape strides, int64_t offset, std::vector<std::pair<int64_t, int64_t>> mask);
  bool contiguous() const;  // row-major, offset 0, no mask
  bool operator==(const View& o) const {
    return shape == o.shape && strides == o.strides && offset == o.offset && mask == o.mask;
  }
};

class ShapeTracker {
 public:
  static ShapeTracker contiguous(const Shape& shape);
  const Shape& shape() const { return views_.back().shape; }
  const std::vector<View>& views() const { return views_; }
  const View& top() const { return views_.back(); }
  size_t ndim() const { return shape().size(); }
  int64_t numel() const { return prod(shape()); }
  bool contiguous() const { return views_.size() == 1 && views_[0].contiguous(); }
  // True when a single unmasked view: offsets are offset + sum(idx * stride).
  bool single_strided() const { return views_.size() == 1 && views_[0].mask.empty(); }
  bool has_mask() const;
  // Whether the mapping changes along dim (stride or mask): false means a broadcast dim.
  bool depends_on(size_t dim) const;

  ShapeTracker reshape(const Shape& s) const;
  ShapeTracker permute(const std::vector<int>& order) const;
  ShapeTracker expand(const Shape& s) const;
  ShapeTracker pad(const std::vector<std::pair<int64_t, int64_t>>& p) const;
  ShapeTracker shrink(const std::vector<std::pair<int64_t, int64_t>>& bounds) const;
  ShapeTracker flip(const std::vector<bool>& axes) const;
  // Composition: this tracker reads from a buffer whose layout is `below`'s logical shape.
  ShapeTracker on_top_of(const ShapeTracker& below) const;

  // Offset of the element at row-major flat index `flat`, and whether it is valid (unmasked).
  std::pair<int64_t, bool> index(int64_t flat) const;
  std::string str() const;
  bool operator==(const ShapeTracker& o) const { return views_ == o.views_; }

 private:
  void simplify();  // merges the top view into the one below while that stays exact
  std::vector<View> views_;
};

}  // namespace tinypynq
