// SPDX-License-Identifier: MIT
// tinypynq — executable form of the normative cycle model of docs/hw-spec.md §8.2 (vector and
// reduce units): the global-enable pipeline, stepped one PL cycle at a time. The TLM unit models
// may use it directly or check their event-driven evaluation against it; the RTL must show the
// same handshakes cycle for cycle. Pure C++20, no SystemC.
#pragma once

#include <cstdint>
#include <vector>

#include "models/fp/pl_units.h"

namespace tinypynq::pl {

class PipelineModel {
 public:
  // latency: P (P_op or kReduceLatency); ii: 1 or 2; tokens[i] = output-beat index carried by
  // input beat i, or -1 for a bubble (vector: tokens[i] = i; reduce: reduce_tokens()).
  // streams: number of streamed operands (0..3; 0 = all-scalar fill).
  PipelineModel(unsigned latency, unsigned ii, std::vector<int64_t> tokens, unsigned streams);

  struct Inputs {
    bool valid[3] = {false, false, false};  // TVALID of streamed operands 0..streams-1
    bool out_ready = true;                  // TREADY of stream R
  };
  struct Outputs {
    bool tready[3] = {false, false, false};
    bool take = false;             // all streamed operands handshake this cycle
    bool out_valid = false;        // TVALID of stream R
    bool out_handshake = false;    // TVALID && TREADY on R
    int64_t out_token = -1;        // output beat index presented on R (if out_valid)
    bool last = false;             // the handshake of the command's last output beat (t_done)
  };
  // One busy cycle (the first call is cycle t0 + 1).
  Outputs step(const Inputs& in);
  bool done() const { return done_; }
  uint64_t cycles() const { return cycle_; }  // after done(): CYCLES = t_done - t0

 private:
  unsigned p_, ii_, streams_;
  std::vector<int64_t> tokens_;
  std::vector<int64_t> slots_;  // slots_[0] = S_1 ... slots_[P-1] = S_P; -1 = empty
  uint64_t taken_ = 0;
  bool phi_ = false;
  int64_t last_token_ = -1;
  uint64_t cycle_ = 0;
  bool done_ = false;
};

// Output-beat token carried by each input beat of a reduce command (hw-spec §8.2).
std::vector<int64_t> reduce_tokens(uint64_t rows, uint64_t len);

// Run a vector or reduce command against a stream schedule: arrival[s][i] = first cycle
// (relative to t0) in which beat i of stream s could be valid (the DMA holds it); the DMA
// presents beat i from max(arrival, previous handshake + 1). out_ready(t) gives R.TREADY.
// Returns CYCLES. (A bounded loop: returns 0 if the command does not finish in max_cycles.)
template <class Ready>
uint64_t run_pipeline(PipelineModel& m, const std::vector<std::vector<uint64_t>>& arrival,
                      Ready out_ready, uint64_t max_cycles = uint64_t{1} << 32) {
  std::vector<uint64_t> next(arrival.size(), 0);
  for (uint64_t t = 1; t <= max_cycles; ++t) {
    PipelineModel::Inputs in;
    for (std::size_t s = 0; s < arrival.size() && s < 3; ++s)
      in.valid[s] = next[s] < arrival[s].size() && arrival[s][next[s]] <= t;
    in.out_ready = out_ready(t);
    const PipelineModel::Outputs o = m.step(in);
    if (o.take)
      for (auto& n : next) ++n;
    if (m.done()) return m.cycles();
  }
  return 0;
}

}  // namespace tinypynq::pl
