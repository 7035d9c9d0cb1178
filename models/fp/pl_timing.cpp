// SPDX-License-Identifier: MIT
#include "models/fp/pl_timing.h"

#include <utility>

namespace tinypynq::pl {

PipelineModel::PipelineModel(unsigned latency, unsigned ii, std::vector<int64_t> tokens,
                             unsigned streams)
    : p_(latency), ii_(ii), streams_(streams), tokens_(std::move(tokens)), slots_(latency, -1) {
  for (int64_t t : tokens_)
    if (t > last_token_) last_token_ = t;
}

PipelineModel::Outputs PipelineModel::step(const Inputs& in) {
  Outputs o;
  if (done_) return o;
  ++cycle_;
  const int64_t head = slots_[p_ - 1];
  o.out_valid = head >= 0;
  o.out_token = head;
  const bool en = !o.out_valid || in.out_ready;
  const bool can_take = en && taken_ < tokens_.size() && (ii_ == 1 || !phi_);
  bool all_valid = true;
  for (unsigned s = 0; s < streams_; ++s) all_valid = all_valid && in.valid[s];
  for (unsigned s = 0; s < streams_; ++s) {
    bool others = true;
    for (unsigned u = 0; u < streams_; ++u)
      if (u != s) others = others && in.valid[u];
    o.tready[s] = can_take && others;
  }
  o.take = can_take && all_valid;
  o.out_handshake = o.out_valid && in.out_ready;
  if (o.out_handshake && head == last_token_) {
    o.last = true;
    done_ = true;
  }
  if (en) {
    for (unsigned k = p_ - 1; k > 0; --k) slots_[k] = slots_[k - 1];
    slots_[0] = o.take ? tokens_[taken_] : -1;
    if (ii_ == 2) phi_ = o.take;
  }
  if (o.take) ++taken_;
  return o;
}

std::vector<int64_t> reduce_tokens(uint64_t rows, uint64_t len) {
  const uint64_t nb_in = (rows * len + 1) / 2, nb_out = (rows + 1) / 2;
  std::vector<int64_t> t(nb_in, -1);
  for (uint64_t b = 0; b < nb_out; ++b) {
    const uint64_t row = (2 * b + 1 < rows) ? 2 * b + 1 : rows - 1;
    const uint64_t last_elem = (row + 1) * len - 1;
    t[last_elem / 2] = static_cast<int64_t>(b);
  }
  return t;
}

}  // namespace tinypynq::pl
