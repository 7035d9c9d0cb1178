// SPDX-License-Identifier: MIT
// tinypynq co-simulation: the Verilated PL units (rtl/) against their TLM twins, command by
// command, bits and cycles (architecture.md invariants 2 and 3).
//
//   cosim::Session s;                                   // one Verilated model per unit
//   cosim::CommandGen gen(1);
//   cosim::Command c = gen.next(cosim::Unit::kVector);
//   cosim::Outcome rtl = s.run_rtl(c), tlm = s.run_tlm(c);
//   if (auto m = cosim::compare(c, tlm, rtl)) std::puts(m->str().c_str());
//
// A command carries its stream data and the stream timing (pl::BeatSchedule per input: when
// each beat can be valid; for R: when the S2MM can take each beat), in cycles from START
// (t0 = 0). Both sides see the same timing: the RTL through its pins, cycle by cycle; the TLM
// model through the same recurrences the TLM PL evaluates (models/fp/pl_stream) and the same
// arithmetic (models/fp). The checker (compare) is the abstract part: it does not care which
// implementation produced an outcome.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "cosim/wave_options.h"
#include "hw/tp_contract.h"
#include "models/fp/beat_schedule.h"

namespace tinypynq::cosim {

// The contract's units (hw/pl_contract.json): names and ids come from there, not from here.
using hw::Unit;
using hw::unit_name;

struct Command {
  Unit unit = Unit::kVector;
  uint32_t op = 0;                    // the unit's OP register
  uint32_t size[3] = {0, 0, 0};       // SIZE0..2
  uint32_t scalar[3] = {0, 0, 0};     // vector SCALAR_A..C
  std::vector<uint32_t> in[3];        // stream A, B, C elements (empty: not streamed)
  pl::BeatSchedule sched[3];          // first cycle each input beat can be valid
  pl::BeatSchedule out;               // first cycle R can take each beat
  std::string str() const;            // e.g. "vector EXP2 N=37 (A streamed)"
};

struct Outcome {
  std::vector<uint32_t> out;  // result elements (R stream, TKEEP-trimmed)
  uint64_t cycles = 0;        // CYCLES = t_done - t0
  bool w_range = false;
  bool hung = false;          // RTL only: the watchdog fired
  std::string hang_reason;
  std::string protocol_error; // RTL only: the unit broke the AXI-Stream rules on R (axis.h)
};

struct Mismatch {
  std::string unit, command, what;
  int64_t index = -1;          // element index (-1: not an element, e.g. cycles)
  uint32_t tlm_bits = 0, rtl_bits = 0;
  uint64_t tlm_cycles = 0, rtl_cycles = 0;
  std::string str() const;
};
// First difference between the two outcomes (a hang or a protocol violation, then bits, then
// CYCLES), or nothing.
std::optional<Mismatch> compare(const Command& c, const Outcome& tlm, const Outcome& rtl);

// Seeded random commands: every opcode, edge sizes (1 element, one beat, partial last beat,
// one tile, many tiles), special operand values (zeros, infinities, NaNs, subnormals, huge and
// tiny numbers), irregular stream timing (late starts, slow rates, burst gaps, R stalls).
// Matmul commands with LOADW = 0 reuse the K x N of the last LOADW command, as the unit requires.
class CommandGen {
 public:
  explicit CommandGen(uint64_t seed) : rng_(seed) {}
  Command next(Unit u);

 private:
  uint32_t value();                      // operand bits biased to the interesting classes
  pl::BeatSchedule schedule(bool output);
  std::mt19937_64 rng_;
  uint32_t tile_k_ = 0, tile_n_ = 0;     // last LOADW tile (0: none yet)
};

// The waveform file of one unit for a Session's fst_path: the unit's name before the
// extension ("w.fst" -> "w.vector.fst"; "w" -> "w.vector").
std::string unit_wave_path(const std::string& path, Unit u);

// Drives the Verilated units through the pin-level transactors of axis.h (the same the rtl
// target and the unit test benches use), each with a watchdog.
class Session {
 public:
  // waves: FST and/or VCD waveforms of every RTL command, one file per unit (unit_wave_path
  // of each path; none by default).
  explicit Session(const WaveOptions& waves = {});
  ~Session();
  // Closes the waveforms and writes the VCD files; throws std::invalid_argument when a VCD
  // cannot be written (the destructor only reports it on stderr).
  void finish_waveforms();
  Outcome run_rtl(const Command& c);
  Outcome run_tlm(const Command& c);
  uint64_t rtl_cycles() const { return rtl_cycles_; }  // simulated cycles so far (RTL)

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  uint64_t rtl_cycles_ = 0;
  std::vector<uint32_t> tlm_weights_;  // the TLM matmul's weight tile (LOADW = 0 reuses it)
  uint32_t tlm_wk_ = 0, tlm_wn_ = 0;
};

}  // namespace tinypynq::cosim
