// SPDX-License-Identifier: MIT
#include "cosim/cosim.h"

#include <cstdio>
#include <sstream>
#include <stdexcept>

#include <algorithm>
#include <cstring>

#include "Vtp_mmu_unit.h"
#include "Vtp_red_unit.h"
#include "Vtp_vec_unit.h"
#include "models/fp/pl_float.h"
#include "models/fp/pl_stream.h"
#include "models/fp/pl_units.h"
#include "cosim/fst_writer.h"
#include "cosim/ports.h"
#include "cosim/watchdog.h"
#include "verilated.h"
#include "verilated_fst_c.h"

namespace tinypynq::cosim {

std::string Command::str() const {
  std::ostringstream o;
  o << unit_name(unit) << " ";
  if (unit == Unit::kVector) {
    const pl::VecOpInfo* i = pl::vec_op_info(op & 0x3F);
    o << (i ? i->name : "?") << " N=" << size[0];
    for (int s = 0; s < 3; ++s)
      if (op & (0x100u << s)) o << " " << char('A' + s) << "=scalar";
  } else if (unit == Unit::kReduce) {
    o << ((op & 1) ? "MAX" : "SUM") << " ROWS=" << size[0] << " L=" << size[1];
  } else {
    o << "MATMUL " << size[0] << "x" << size[1] << "x" << size[2] << ((op & 1) ? " LOADW" : "");
  }
  return o.str();
}

std::string Mismatch::str() const {
  std::ostringstream o;
  o << "first mismatch: " << unit << " unit, command " << command << ": " << what;
  if (index >= 0) {
    char b[160];
    std::snprintf(b, sizeof b, " at element %lld: tlm 0x%08X (%.9g) vs rtl 0x%08X (%.9g)", static_cast<long long>(index),
                  tlm_bits, pl::from_bits(tlm_bits), rtl_bits, pl::from_bits(rtl_bits));
    o << b;
  }
  o << "; cycles tlm " << tlm_cycles << " vs rtl " << rtl_cycles;
  return o.str();
}

std::optional<Mismatch> compare(const Command& c, const Outcome& tlm, const Outcome& rtl) {
  Mismatch m;
  m.unit = unit_name(c.unit);
  m.command = c.str();
  m.tlm_cycles = tlm.cycles, m.rtl_cycles = rtl.cycles;
  if (rtl.hung) {
    m.what = "the RTL did not finish (" + rtl.hang_reason + ")";
    return m;
  }
  if (!rtl.protocol_error.empty()) {
    m.what = rtl.protocol_error;
    return m;
  }
  if (tlm.out.size() != rtl.out.size()) {
    m.what = "result lengths differ (" + std::to_string(tlm.out.size()) + " vs " + std::to_string(rtl.out.size()) + ")";
    return m;
  }
  for (size_t i = 0; i < tlm.out.size(); ++i)
    if (tlm.out[i] != rtl.out[i]) {
      m.what = "result bits differ";
      m.index = static_cast<int64_t>(i), m.tlm_bits = tlm.out[i], m.rtl_bits = rtl.out[i];
      return m;
    }
  if (tlm.w_range != rtl.w_range) {
    m.what = std::string("W_RANGE differs (tlm ") + (tlm.w_range ? "1" : "0") + ", rtl " + (rtl.w_range ? "1" : "0") + ")";
    return m;
  }
  if (tlm.cycles != rtl.cycles) {
    m.what = "CYCLES differ";
    return m;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------- the RTL side

namespace {

constexpr uint64_t kWatchdogSlack = 200'000;  // cycles beyond the slowest legal finish

// One Verilated unit with its stream transactors and its waveform.
template <class M>
struct Dut {
  std::unique_ptr<M> m;
  PinAxisSource src[3];
  PinAxisSink r;
  FstWriter fst;
  uint64_t time = 0;
  Dut(VerilatedContext* ctx, const char* name, const WaveOptions& waves)
      : m(std::make_unique<M>(ctx, name)),
        src{{unit_in(*m, 0), "A"}, {unit_in(*m, 1), "B"}, {unit_in(*m, 2), "C"}},
        r(unit_out(*m), "R") {
    try {
      fst.open(waves, [this](VerilatedFstC& f) { m->trace(&f, 99); });
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("cosim: ") + e.what());
    }
    m->clk_i = 0;
    m->start_i = 0;
    reset();
  }
  ~Dut() {
    fst.close();
    m->final();
  }
  void reset() {  // rst_ni low for three cycles, as the board's aresetn would
    for (PinAxisSource& s : src) s.clear(), s.idle();
    r.reset();
    m->rst_ni = 0;
    for (int i = 0; i < 3; ++i) tick();
    m->rst_ni = 1;
    tick();
  }
  void dump() {
    fst.dump(time);
    time += 5000;  // half a cycle of 10 ns (FCLK0 at 100 MHz) in the waveform's picoseconds
  }
  // One cycle: its inputs are applied; the design's low phase with them (combinational outputs
  // such as done_o as the caller reads them), then the rising edge that ends the cycle.
  void tick() {
    m->eval();
    dump();
    m->clk_i = 1;
    m->eval();
    dump();
    m->clk_i = 0;
  }
};

// Drives one command through a Verilated unit with the command's stream timing (cycles from
// START: t0 = 0).
template <class M>
Outcome drive(Dut<M>& d, const Command& c, uint64_t n_out, uint64_t* sim_cycles) {
  M& m = *d.m;
  unsigned used[3], n_used = 0;
  for (unsigned s = 0; s < 3; ++s)
    if (!c.in[s].empty()) {
      d.src[s].load(reinterpret_cast<const uint8_t*>(c.in[s].data()), 4 * c.in[s].size(), &c.sched[s]);
      used[n_used++] = s;
    }
  d.r.arm(&c.out);
  // cycle t0: START
  m.start_i = 1;
  m.op_i = c.op;
  if constexpr (requires { m.size_i; }) {
    m.size_i = c.size[0];
    m.scalar_a_i = c.scalar[0], m.scalar_b_i = c.scalar[1], m.scalar_c_i = c.scalar[2];
  } else {
    m.size0_i = c.size[0], m.size1_i = c.size[1];
    if constexpr (requires { m.size2_i; }) m.size2_i = c.size[2];
  }
  // Generous bound: every input beat and output beat at its latest plus the longest pipeline.
  uint64_t bound = c.out.at((n_out + 1) / 2) + kWatchdogSlack, in_beats = 0;
  for (unsigned k = 0; k < n_used; ++k) {
    const PinAxisSource& x = d.src[used[k]];
    bound = std::max(bound, c.sched[used[k]].at(x.beats()) + kWatchdogSlack);
    in_beats += x.beats();
  }
  Watchdog wd(bound + 8 * (n_out + in_beats));
  Outcome o;
  o.out.reserve(n_out);
  for (uint64_t t = 0;; ++t) {
    for (unsigned k = 0; k < n_used; ++k) d.src[used[k]].drive(t);
    d.r.drive(t);
    m.eval();
    for (unsigned k = 0; k < n_used; ++k) d.src[used[k]].sample();
    d.r.sample(t);
    if (d.r.new_violation() && o.protocol_error.empty()) o.protocol_error = d.r.violation();
    const bool done = t > 0 && m.done_o;
    o.w_range = m.w_range_o;
    d.tick();
    if (t == 0) m.start_i = 0;
    if (done) {
      const std::vector<uint8_t>& b = d.r.bytes();
      o.out.resize(std::min<uint64_t>(n_out, b.size() / 4));
      std::memcpy(o.out.data(), b.data(), 4 * o.out.size());
      o.cycles = t;
      *sim_cycles += t + 1;
      for (unsigned k = 0; k < n_used; ++k) d.src[used[k]].clear();
      d.r.disarm();
      return o;
    }
    if (wd.expired(t)) {
      o.hung = true;
      std::ostringstream r;
      r << "watchdog after " << t << " cycles: " << d.r.accepted() << " of " << (n_out + 1) / 2 << " output beats";
      for (unsigned k = 0; k < n_used; ++k)
        r << ", stream " << char('A' + used[k]) << " " << d.src[used[k]].sent() << "/" << d.src[used[k]].beats()
          << " beats taken";
      o.hang_reason = r.str();
      *sim_cycles += t + 1;
      // Recover as the board would: reset the unit (aresetn), so the next command starts clean.
      m.start_i = 0;
      d.reset();
      return o;
    }
  }
}

uint64_t out_elems(const Command& c) {
  if (c.unit == Unit::kVector) return c.size[0];
  if (c.unit == Unit::kReduce) return c.size[0];
  return static_cast<uint64_t>(c.size[0]) * c.size[2];
}

}  // namespace

std::string unit_wave_path(const std::string& p, Unit u) {
  if (p.empty()) return p;
  const auto dot = p.rfind('.');
  const std::string unit = unit_name(u);
  return dot == std::string::npos || p.find('/', dot) != std::string::npos
             ? p + "." + unit
             : p.substr(0, dot) + "." + unit + p.substr(dot);
}

// The waveform options of one unit's files.
WaveOptions unit_waves(const WaveOptions& w, Unit u) {
  return {unit_wave_path(w.fst_path, u), unit_wave_path(w.vcd_path, u), w.depth};
}

struct Session::Impl {
  // One context for the three models (Verilator 5: a context is one simulation).
  static VerilatedContext* make_context(bool trace) {
    auto* c = new VerilatedContext;
    c->traceEverOn(trace);
    return c;
  }
  explicit Impl(const WaveOptions& w)
      : ctx(make_context(w.enabled())),
        vec(ctx.get(), "vec", unit_waves(w, Unit::kVector)),
        red(ctx.get(), "red", unit_waves(w, Unit::kReduce)),
        mmu(ctx.get(), "mmu", unit_waves(w, Unit::kMatmul)) {}
  std::unique_ptr<VerilatedContext> ctx;  // declared first: destroyed after the models
  Dut<Vtp_vec_unit> vec;
  Dut<Vtp_red_unit> red;
  Dut<Vtp_mmu_unit> mmu;
};

Session::Session(const WaveOptions& waves) { impl_ = std::make_unique<Impl>(waves); }
Session::~Session() = default;

void Session::finish_waveforms() {
  impl_->vec.fst.finish();
  impl_->red.fst.finish();
  impl_->mmu.fst.finish();
}

Outcome Session::run_rtl(const Command& c) {
  const uint64_t n = out_elems(c);
  switch (c.unit) {
    case Unit::kVector: return drive(impl_->vec, c, n, &rtl_cycles_);
    case Unit::kReduce: return drive(impl_->red, c, n, &rtl_cycles_);
    default: return drive(impl_->mmu, c, n, &rtl_cycles_);
  }
}

// ---------------------------------------------------------------- the TLM side

Outcome Session::run_tlm(const Command& c) {
  Outcome o;
  const pl::BeatSchedule* ins[3] = {nullptr, nullptr, nullptr};
  for (int s = 0; s < 3; ++s)
    if (!c.in[s].empty()) ins[s] = &c.sched[s];
  if (c.unit == Unit::kVector) {
    const auto op = static_cast<pl::VecOp>(c.op & 0x3F);
    const uint64_t n = c.size[0];
    o.out.resize(n);
    pl::vec_apply_n(op, ins[0] ? c.in[0].data() : nullptr, ins[1] ? c.in[1].data() : nullptr,
                    ins[2] ? c.in[2].data() : nullptr, c.scalar[0], c.scalar[1], c.scalar[2], o.out.data(), n,
                    &o.w_range);
    o.cycles = pl::time_vector_exact(op, n, 0, ins, c.out).cycles;
  } else if (c.unit == Unit::kReduce) {
    const uint64_t rows = c.size[0], len = c.size[1];
    o.out.resize(rows);
    for (uint64_t r = 0; r < rows; ++r)
      o.out[r] = (c.op & 1) ? pl::reduce_max(c.in[0].data() + r * len, len) : pl::reduce_sum(c.in[0].data() + r * len, len);
    o.cycles = pl::time_reduce_exact(rows, len, 0, c.sched[0], c.out).cycles;
  } else {
    const uint32_t m = c.size[0], k = c.size[1], n = c.size[2];
    const bool loadw = c.op & 1;
    if (loadw) tlm_weights_ = c.in[1], tlm_wk_ = k, tlm_wn_ = n;
    if (tlm_wk_ != k || tlm_wn_ != n) throw std::logic_error("cosim: LOADW=0 command with no matching tile");
    o.out.resize(static_cast<size_t>(m) * n);
    pl::matmul(c.in[0].data(), tlm_weights_.data(), o.out.data(), m, k, n);
    o.cycles = pl::time_matmul_exact(m, k, n, loadw, pl::MatmulConfig{}, 0, c.sched[0], loadw ? &c.sched[1] : nullptr,
                                     c.out)
                   .cycles;
  }
  return o;
}

}  // namespace tinypynq::cosim
