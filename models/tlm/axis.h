// SPDX-License-Identifier: MIT
// tinypynq — AXI-Stream channels between the DMA models and the PL units, at transaction level
// with beat-exact timing.
//
// A stream transfer is handed over whole: the data (in emulated DDR, through DMI) and a
// pl::BeatSchedule saying when each beat can move. The unit model runs the hw-spec §8 timing
// recurrence against it, so every beat's handshake cycle is known without one SystemC event
// per beat. The unit then reports back the cycle of its last handshake; the DMA completes at
// that cycle (MM2S: Idle/IOC; S2MM: data written, LENGTH, Idle/IOC).
//
//   // unit side, after START and once src.armed():
//   const StreamIn& in = src.peek();
//   ... compute handshakes from in.valid ...
//   src.take(beats_used, last_handshake_cycle);
//   sink.put(out_bytes, nbytes, tlast_cycle);
#pragma once

#include <systemc>

#include <cstdint>
#include <vector>

#include "models/fp/beat_schedule.h"

namespace tinypynq::vp {

using Cycle = uint64_t;  // FCLK0 cycles since reset

// One MM2S transfer as the stream's consumer sees it.
struct StreamIn {
  const uint8_t* data = nullptr;  // first byte of the transfer (DDR via DMI)
  uint64_t bytes = 0;             // MM2S_LENGTH
  uint64_t beats = 0;             // ceil(bytes / beat bytes); the last beat carries TLAST
  pl::BeatSchedule valid;         // first cycle beat i can be valid: valid.at(i)
  // A source whose beats follow no closed form (a v2 view reader, view_reader_tlm.h) gives
  // `valid` a per-beat table (BeatSchedule::table) and sets this to the same table: valid_at[i]
  // = valid.at(i) is beat i's first valid cycle, and the unit timing engine honours it per beat.
  const uint64_t* valid_at = nullptr;
};

// Implemented by an MM2S channel (a stream master): streams A, B, C.
class AxisSource {
 public:
  virtual ~AxisSource() = default;
  virtual const char* stream_name() const = 0;  // "A", "B", "C" for messages
  virtual bool armed() const = 0;               // a transfer is running and not yet consumed
  virtual const StreamIn& peek() const = 0;     // the running transfer (only when armed())
  virtual const sc_core::sc_event& armed_event() const = 0;  // notified when a transfer starts
  // The consumer took all beats of the transfer, the last (TLAST) in cycle last_cycle (>= the
  // cycle before now: a cycle-by-cycle producer reports a cycle at its end).
  virtual void take_all(Cycle last_cycle) = 0;
  // The source gave up on its transfer (v2: a view reader's vr_err, docs/pl-v2.md): the
  // consumer ends its command (unit ERR_CODE STREAM). armed_event() is notified when it rises.
  virtual bool failed() const { return false; }
  // A source whose beats depend on when the consumer takes them (a v2 view reader reuses a line
  // slot after its last reader's handshake, pl::plan) replans the running transfer from the
  // consumer's handshake cycles (one per beat); true when peek()'s valid table changed.
  virtual bool replans() const { return false; }
  virtual bool replan(const std::vector<uint64_t>& handshakes) {
    (void)handshakes;
    return false;
  }
};

// Implemented by an S2MM channel (a stream slave): stream R.
class AxisSink {
 public:
  virtual ~AxisSink() = default;
  virtual bool armed() const = 0;
  virtual pl::BeatSchedule ready() const = 0;   // first cycle beat j can be accepted
  virtual const sc_core::sc_event& armed_event() const = 0;
  // A packet of `bytes` bytes (TLAST on its last beat, presented from cycle last_cycle >= the
  // cycle before now, the earlier beats as the producer kept pace with ready()). Returns the
  // cycle the sink took the last beat: last_cycle when TREADY is ready() (AXI DMA S2MM), later
  // when the sink back-pressures R (the view writer's write buffer, docs/pl-v2.md step 3): the
  // producer's last handshake, so a unit's DONE is the RTL's.
  virtual Cycle put(const uint8_t* data, uint64_t bytes, Cycle last_cycle) = 0;
  // A sink whose TREADY depends on when the producer offers each beat (the v2 view writer: a
  // beat waits while its write buffer is full of lines still being flushed) plans the packet from
  // the producer's offers, presented[j] = first cycle beat j is valid, and the handshakes the
  // producer made under ready(): when its plan accepts some beat later than handshakes[j], ready()
  // becomes the plan's per-beat accept cycles and replan() returns true (the producer is to be
  // retimed under it, as a replanning source is: run_with_sources). Side-effect free otherwise.
  virtual bool replans() const { return false; }
  virtual bool replan(const std::vector<uint64_t>& presented, const std::vector<uint64_t>& handshakes) {
    (void)presented, (void)handshakes;
    return false;
  }
  // put() with each beat's first valid cycle (presented, as replan()'s): for a sink that replans.
  virtual Cycle put_beats(const uint8_t* data, uint64_t bytes, const std::vector<uint64_t>& presented) {
    return put(data, bytes, presented.empty() ? 0 : presented.back());
  }
  // Where put() would land a packet of `bytes` bytes, when that is host memory (DMI) taking
  // all of them: a producer may compute its result there, and put() of that pointer then
  // copies nothing. nullptr: put() a buffer of your own.
  virtual uint8_t* direct(uint64_t bytes) {
    (void)bytes;
    return nullptr;
  }
};

// Level-sensitive interrupt lines into the PS (IRQ_F2P), implemented by the ps7 model.
class IrqSink {
 public:
  virtual ~IrqSink() = default;
  virtual void set_irq(unsigned line, bool level) = 0;
};

}  // namespace tinypynq::vp
