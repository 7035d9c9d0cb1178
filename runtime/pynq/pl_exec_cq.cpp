// PlExec's command queue (pl_exec.h, docs/pl-v2.md "v2 step 4"): with pl_version 2 a command
// is not programmed over GP0 and waited for; its register writes (the same ones, in the same
// order, the shadows skipping what the blocks already hold) go into a ring slot in DDR, one
// GP0 write (TAIL) rings the doorbell, and the PS goes on. The PS waits (WAIT, then
// STATUS.REACHED) only where a PS step reads what a queued entry writes, or writes what one
// reads or writes, where the ring is full, and at the end (finish). A wait retires every entry
// it covers: their result records give the cycles, and the wait is split into the units'
// busy time (newest entries first) and `dma`; unit time the PS did not wait for is hidden
// behind PS work (PynqStats::pl_hidden_seconds).
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>

#include "base/check.h"
#include "runtime/pynq/pl_exec.h"
#include "runtime/pynq/regmap.h"
#include "tensor/schedule.h"

namespace tinypynq::pynq {

namespace cq = hw::cq;
namespace lim = hw::limits;

namespace {
constexpr uint64_t kCq = hw::win::CQ_BASE;
constexpr uint32_t kRingSlots = 64;     // 128 KB of DDR; a training step's batches fit many times
constexpr double kTimeoutS = 10.0;      // simulated seconds for a whole batch
constexpr double kIrqTimeoutS = 0.5;
bool queue_enabled() {
  const char* e = std::getenv("TINYPYNQ_CQ");  // 0: program and wait per command, as in step 3
  return !(e && std::strcmp(e, "0") == 0);
}
}  // namespace

void PlExec::queue_init() {
  queue_on_ = queue_pref_ && queue_enabled();
  pending_.clear();
  deps_.clear();
  done_seq_ = next_seq_;
  if (!queue_on_) return;
  // The PL counts from its last reset (0 then); an idle queue left enabled (the queue turned
  // off and on again) goes on from its COMPLETED, so that slot and WAIT agree with TAIL.
  seq_base_ = next_seq_ - drv_.read32(kCq + cq::COMPLETED);
  if (!ring_.virt) {
    ring_slots_ = kRingSlots;
    ring_ = drv_.alloc(size_t{kRingSlots} * lim::CQ_SLOT_BYTES, lim::CQ_SLOT_BYTES);
  }
  drv_.write32(kCq + cq::RING_BASE, static_cast<uint32_t>(ring_.phys));
  drv_.write32(kCq + cq::RING_SLOTS, ring_slots_);
  cq_ctrl_ = cq::CTRL_ENABLE.mask | (mode_ == WaitMode::kIrq ? cq::CTRL_REACHED_EN.mask : 0);
  drv_.write32(kCq + cq::CTRL, cq_ctrl_);
}

PlExec::Result PlExec::enqueue(const UnitCmd& c) {
  TP_CHECK(ring_slots_ > 0, "pynq: PlExec::run before init(): the command queue's ring is not set up");
  if (next_seq_ - done_seq_ >= ring_slots_ - 1) wait_seq(next_seq_ - (ring_slots_ - 1), "ring full");
  const int u = static_cast<int>(c.unit);
  Pending p;
  p.cmd = c;
  p.kernel = c.kernel ? *c.kernel : std::string("?");
  p.cmd.kernel = nullptr;  // the string lives in p.kernel (set again when it is read)
  QueueEntry& e = p.e;
  e.seq = next_seq_;
  e.unit = static_cast<unsigned>(u);
  e.kernel = p.kernel;
  const double t_cache0 = drv_.now();
  cache_for(c);  // as for a direct command: the PL reads DDR once the entry runs
  slice(Phase::kPsCache, "clean/inval", t_cache0, drv_.now());
  for (int i = 0; i < 3; ++i) {
    if (!c.in[i].blk) continue;
    uint64_t lo = c.in[i].phys(), bytes = c.in[i].bytes;
    if (c.view[i] && !footprint(reader_view(c, i), &lo, &bytes)) bytes = 0;
    if (bytes) e.reads.push_back(Range{lo, lo + bytes});
  }
  {
    uint64_t lo = c.out.phys(), bytes = c.out.bytes;
    if (c.out_view && !footprint(writer_view(c), &lo, &bytes)) bytes = 0;
    e.write = Range{lo, lo + bytes};
  }
  e.after = deps_.deps_of(e);
  const double t_drv0 = drv_.now();
  timed(Phase::kPsDriver, [&] {
    drv_.cpu_work(cost_.config().driver_call_ns * 1e-9);
    cq_writes_ = &e.writes;
    program_unit(c);
    program_writer(c);
    program_readers(c);
    reg_write(hw::kUnits[u].base + reg::CTRL, reg::CTRL_START);
    cq_writes_ = nullptr;
    st_.dma_bytes += c.out.bytes;
    // The slot: stores into the cached ring, cleaned, then the doorbell.
    const std::vector<uint32_t> w = encode(e);
    const size_t off = static_cast<size_t>((e.seq - seq_base_) % ring_slots_) * lim::CQ_SLOT_BYTES;
    std::memcpy(static_cast<uint8_t*>(ring_.virt) + off, w.data(), 4 * w.size());
    drv_.cpu_work(cost_.copy_seconds(4 * w.size()));
    drv_.flush(ring_, off, (4 * w.size() + kCacheLineBytes - 1) / kCacheLineBytes * kCacheLineBytes);
    drv_.write32(kCq + cq::TAIL, static_cast<uint32_t>((e.seq - seq_base_ + 1) % ring_slots_));
  });
  slice(Phase::kPsDriver, hw::kUnits[u].name, t_drv0, drv_.now());
  if (debug_level() >= 4) std::cerr << e.str() << "\n";
  deps_.add(e);
  ++next_seq_;
  const bool w_range_op = c.unit == Unit::kVector && [&] {
    const hw::OpcodeInfo* info = hw::find_opcode(Unit::kVector, hw::vec::OP_OPCODE.get(c.op));
    return info && (info->flags & hw::kFlagWRange);
  }();
  const uint64_t seq = e.seq;
  pending_.push_back(std::move(p));
  if (!w_range_op) return {0, false};
  // MOD/SIN: the runtime needs STATUS.W_RANGE now (the kernel is recomputed on the PS when set).
  const size_t off = static_cast<size_t>((seq - seq_base_) % ring_slots_) * lim::CQ_SLOT_BYTES;
  wait_seq(seq, "W_RANGE");
  uint32_t rec[2];
  std::memcpy(rec, static_cast<const uint8_t*>(ring_.virt) + off + 8, 8);
  return {rec[1], (cq::RESULT_UNIT_STATUS.get(rec[0]) & reg::ST_W_RANGE) != 0};
}

void PlExec::wait_range(const Stream& s, bool write) {
  if (pending_.empty()) return;
  const int64_t n = write ? deps_.before_cpu_write(s.phys(), s.bytes) : deps_.before_cpu_read(s.phys(), s.bytes);
  if (n >= 0) wait_seq(static_cast<uint64_t>(n), write ? "PS write" : "PS read");
}

void PlExec::finish() {
  if (queued() && next_seq_ > done_seq_) wait_seq(next_seq_ - 1, "finish");
}

void PlExec::wait_seq(uint64_t n, const char* why) {
  if (n < done_seq_) return;
  double t0 = 0, t1 = 0;
  uint32_t st = 0, completed = 0;
  std::string hang;
  const double tw0 = drv_.now();
  timed(Phase::kPsDriver, [&] {
    // irq mode sleeps on REACHED's interrupt (the wait mode may have changed since init)
    const uint32_t ctrl = cq::CTRL_ENABLE.mask | (mode_ == WaitMode::kIrq ? cq::CTRL_REACHED_EN.mask : 0);
    if (ctrl != cq_ctrl_) drv_.write32(kCq + cq::CTRL, cq_ctrl_ = ctrl);
    drv_.write32(kCq + cq::WAIT, static_cast<uint32_t>(n - seq_base_ + 1));
    t0 = drv_.now();
    try {
      st = drv_.wait(kCq + cq::STATUS, cq::STATUS_REACHED.mask | cq::STATUS_ERR.mask, static_cast<int>(hw::irq::CQ),
                     mode_, mode_ == WaitMode::kIrq ? kIrqTimeoutS : kTimeoutS);
    } catch (const DriverTimeout& e) {
      st = drv_.read32(kCq + cq::STATUS);
      if (mode_ == WaitMode::kIrq && (st & (cq::STATUS_REACHED.mask | cq::STATUS_ERR.mask))) {
        ++st_.faults.lost_irqs;
        st_.faults.log.push_back(detail::cat("command queue: ", e.what(), "; STATUS polled 0x", std::hex, st));
      } else {
        hang = e.what();
      }
    }
    t1 = drv_.now();
    completed = drv_.read32(kCq + cq::COMPLETED);
  });
  const double tw1 = drv_.now();
  if (debug_level() >= 4)
    std::cerr << "cq wait #" << n << " (" << why << "): entries " << done_seq_ << " .. " << seq_base_ + completed - 1
              << " done, " << (t1 - t0) * 1e6 << " us\n";
  const std::vector<std::pair<int, double>> split = retire(seq_base_ + completed, t1 - t0);
  if (sink_) {  // a ps_driver slice with the wait inside, one "wait" per unit (traces/summary.cpp)
    slice(Phase::kPsDriver, "cq wait", tw0, tw1);
    double busy = 0;
    for (const auto& x : split) busy += x.second;
    double t = t0;
    for (size_t i = 0; i < split.size(); ++i) {
      PynqEvent w;
      w.track = Track::kPs;
      w.cat = "wait";
      w.name = "wait (CQ REACHED)";
      const double dma = i == 0 ? (t1 - t0) - busy : 0.0;
      w.t_start = t, w.t_end = t + split[i].second + dma;
      t = w.t_end;
      w.str("unit", hw::kUnits[split[i].first].name).num("unit_s", split[i].second).num("dma_s", dma);
      sink_->on_event(std::move(w));
    }
  }
  if (!hang.empty() || (st & cq::STATUS_ERR.mask)) queue_fault(st, hang);  // resets the PL; may throw
}

void PlExec::slice(Phase p, const char* name, double t0, double t1) {
  if (!sink_ || t1 <= t0) return;
  PynqEvent e;
  e.track = Track::kPs;
  e.cat = phase_name(p);
  e.name = name;
  e.t_start = t0, e.t_end = t1;
  sink_->on_event(std::move(e));
}

// Entries < done completed: their records, the statistics, the wait's split (unit, seconds of
// the wait charged to its busy time), one per unit that got some.
std::vector<std::pair<int, double>> PlExec::retire(uint64_t done, double waited) {
  double busy_total = 0;
  std::vector<std::pair<int, double>> busy;  // (unit, seconds), oldest first
  const double tr0 = drv_.now();
  while (!pending_.empty() && pending_.front().e.seq < done) {
    const Pending& p = pending_.front();
    const size_t off = static_cast<size_t>((p.e.seq - seq_base_) % ring_slots_) * lim::CQ_SLOT_BYTES;
    timed(Phase::kPsCache, [&] { drv_.invalidate(ring_, off, kCacheLineBytes); });  // the PL wrote the record
    uint32_t rec[2];
    std::memcpy(rec, static_cast<const uint8_t*>(ring_.virt) + off + 8, 8);
    const int u = static_cast<int>(p.e.unit);
    st_.commands[u] += 1;
    st_.pl_cycles[u] += rec[1];
    const double s = static_cast<double>(rec[1]) / cost_.config().pl_clock_hz;
    busy.push_back({u, s});
    busy_total += s;
    pending_.pop_front();
  }
  slice(Phase::kPsCache, "invalidate records", tr0, drv_.now());
  done_seq_ = std::max(done_seq_, done);
  deps_.retire(done_seq_);
  // The wait (booked to ps_driver by timed) is the PL's: unit busy time of the newest entries
  // first (they ran last, up to the end of the wait), the rest the data movers and the queue.
  st_.phase[static_cast<int>(Phase::kPsDriver)] -= waited;
  double left = waited;
  double per_unit[3] = {0, 0, 0};
  for (auto it = busy.rbegin(); it != busy.rend() && left > 0; ++it) {
    const double b = std::min(left, it->second);
    st_.phase[static_cast<int>(Phase::kPlVector) + it->first] += b;
    per_unit[it->first] += b;
    left -= b;
  }
  st_.phase[static_cast<int>(Phase::kDma)] += left;
  st_.pl_hidden_seconds += busy_total - (waited - left);
  std::vector<std::pair<int, double>> split;
  for (int u = 0; u < 3; ++u)
    if (per_unit[u] > 0) split.push_back({u, per_unit[u]});
  if (split.empty() && waited > 0) split.push_back({0, 0.0});  // the wait is all dma
  return split;
}

// Returns (after the reset and recover) when only earlier kernels lost entries; else throws.
void PlExec::queue_fault(uint32_t st, const std::string& hang) {
  const uint64_t lost = done_seq_;  // the first entry that did not complete
  std::ostringstream o;
  const Pending* p = pending_.empty() ? nullptr : &pending_.front();
  if (!hang.empty()) {
    o << "pynq: command queue did not complete entry #" << lost << ": " << hang;
  } else {
    const uint32_t code = cq::STATUS_ERR_CODE.get(st), info = drv_.read32(kCq + cq::ERR_INFO);
    o << "pynq: command queue stopped at entry #" << lost << " (slot " << drv_.read32(kCq + cq::ERR_INDEX)
      << "): ERR_CODE " << code << " " << cq::err_name(code);
    if (p && code == cq::ERR_COMMAND) {
      UnitCmd c = p->cmd;
      c.kernel = &p->kernel;
      const uint32_t ust = cq::RESULT_UNIT_STATUS.get(info), vws = cq::RESULT_VW_STATUS.get(info);
      if ((ust & reg::ST_ERR) && reg::err_code(ust) == static_cast<uint32_t>(hw::ErrCode::STREAM))
        o << ": " << stream_fault_text(c);
      else if (vws & pl::vw::ST_ERR)
        o << ": " << writer_fault_text(c, vws, drv_.read32(pl::vw::kWindow + pl::vw::ERR_INFO));
      else
        o << ": " << hw::kUnits[p->e.unit].name << " STATUS 0x" << std::hex << ust;
    } else if (p && code == cq::ERR_UNIT) {
      o << ": kernel " << p->kernel << ": the " << hw::kUnits[p->e.unit].name << " unit rejected command op=0x"
        << std::hex << p->cmd.op << std::dec << ": ERR_CODE " << reg::err_code(info) << " (1 BAD_OP, 2 BAD_SIZE, 3 BUSY)";
    } else if (p) {
      o << " (ERR_INFO 0x" << std::hex << info << std::dec << "), entry " << p->e.str();
    }
  }
  const std::string msg = o.str();
  const bool current = lost >= kernel_seq_;  // the running kernel lost entries: it recomputes itself
  drv_.reset_pl();
  init();  // the ring again; every pending entry is dropped (the kernels are recomputed on the PS)
  if (recover_) recover_(lost);
  if (current || !recover_) throw PlFault(msg);
  ++st_.faults.pl_faults;
  st_.faults.log.push_back(msg + "; PL reset, the queued kernels recomputed on the PS");
  std::fprintf(stderr, "tinypynq: %s\n", st_.faults.log.back().c_str());
}

}  // namespace tinypynq::pynq
