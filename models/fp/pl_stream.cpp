// SPDX-License-Identifier: MIT
#include "models/fp/pl_stream.h"

#include <iterator>
#include <unordered_map>

#include <algorithm>
#include <stdexcept>
#include <type_traits>

namespace tinypynq::pl {

namespace {

// ---- §8.2, event by event ----------------------------------------------------------------------
// The global-enable pipeline seen in "enabled cycles": number the cycles with en = 1 after t0 as
// v = 1, 2, ... A token taken in enabled cycle v shifts once per enabled cycle and is in S_P
// after v + P - 1, so its output handshake is enabled cycle v + P (while S_P holds a token,
// en = TREADY: the next enabled cycle is exactly the handshake). The cycles with en = 0 are the
// stall cycles just before an output handshake, so with S = stall cycles so far, enabled cycle v
// is real cycle t0 + v + S, and output j handshakes in max(t0 + w_j + S, out.at(j)), adding the
// difference to S. Input beat i is taken in the first enabled cycle v >= v_(i-1) + II whose real
// cycle is >= max_s sched_s.at(i). Merging the two event streams in order of v costs O(1) per
// beat; idle stretches are jumped over in one step.

constexpr unsigned kRing = 64;  // pending outputs <= P tokens in flight; P <= 52 (§6.1), 24 (§6.2)

// NS (streamed inputs) and LOG are template parameters: the per-beat loop is the whole cost of
// a command's timing, and fixed trip counts and no log tests make it about twice as fast.
template <unsigned NS, bool LOG, class Carries>
CmdTiming run_pipe_n(unsigned p, unsigned ii, uint64_t nb_in, Carries carries, uint64_t t0,
                     const unsigned idx[3], const BeatSchedule* const in[3],
                     const BeatSchedule& out, BeatLog* log) {
  ScheduleCursor cur[NS > 0 ? NS : 1] = {};
  for (unsigned s = 0; s < NS; ++s) cur[s] = ScheduleCursor(*in[idx[s]]);
  ScheduleCursor oc(out);
  uint64_t ring[kRing];  // enabled cycle of each pending output handshake (increasing)
  unsigned head = 0, tail = 0;  // ring[head..tail) pending, indices mod kRing
  uint64_t stalls = 0, v = 0, a = 0, h = 0;

  auto emit = [&] {
    const uint64_t nominal = t0 + ring[head++ % kRing] + stalls;
    h = std::max(nominal, oc.cur());
    stalls += h - nominal;
    oc.next();
    if constexpr (LOG) log->out.push_back(h), log->out_valid.push_back(nominal);
  };

  for (uint64_t i = 0; i < nb_in; ++i) {
    uint64_t vv = (i == 0) ? 1 : v + ii;
    uint64_t valid = 0;  // first cycle in which beat i is valid on every streamed operand
    for (unsigned s = 0; s < NS; ++s) valid = std::max(valid, cur[s].cur());
    for (;;) {
      while (head != tail && ring[head % kRing] <= vv) emit();
      const uint64_t c = t0 + vv + stalls;
      if (c >= valid) break;
      const uint64_t gap = valid - c;
      if (head != tail && ring[head % kRing] <= vv + gap) {
        vv = ring[head % kRing];  // an output handshake comes first and may stall: re-evaluate
      } else {
        vv += gap;  // nothing happens until the beat is valid
        break;
      }
    }
    v = vv;
    a = t0 + v + stalls;
    for (unsigned s = 0; s < NS; ++s) {
      cur[s].next();
      if constexpr (LOG) log->in[idx[s]].push_back(a);
    }
    if (carries(i)) ring[tail++ % kRing] = v + p;
  }
  while (head != tail) emit();
  CmdTiming r;
  for (unsigned s = 0; s < NS; ++s) r.in_last[idx[s]] = a;
  r.t_done = h;
  r.cycles = h - t0;
  return r;
}

template <class Carries>
CmdTiming run_pipe(unsigned p, unsigned ii, uint64_t nb_in, Carries carries, uint64_t t0,
                   const BeatSchedule* const in[3], const BeatSchedule& out, BeatLog* log) {
  if (p == 0 || p >= kRing) throw std::invalid_argument("pl::time_*: latency out of range");
  unsigned idx[3] = {0, 0, 0}, ns = 0;
  for (unsigned s = 0; s < 3; ++s)
    if (in[s]) idx[ns++] = s;
  auto go = [&](auto ns_c, auto log_c) {
    return run_pipe_n<decltype(ns_c)::value, decltype(log_c)::value>(p, ii, nb_in, carries, t0,
                                                                     idx, in, out, log);
  };
  using F = std::false_type;
  using T = std::true_type;
  using std::integral_constant;
  switch (ns * 2 + (log != nullptr)) {
    case 0: return go(integral_constant<unsigned, 0>{}, F{});
    case 1: return go(integral_constant<unsigned, 0>{}, T{});
    case 2: return go(integral_constant<unsigned, 1>{}, F{});
    case 3: return go(integral_constant<unsigned, 1>{}, T{});
    case 4: return go(integral_constant<unsigned, 2>{}, F{});
    case 5: return go(integral_constant<unsigned, 2>{}, T{});
    case 6: return go(integral_constant<unsigned, 3>{}, F{});
    default: return go(integral_constant<unsigned, 3>{}, T{});
  }
}

}  // namespace

namespace {
// Memo of command timings. The recurrences are shift-invariant (moving t0 and every schedule
// by the same number of cycles moves every handshake by it), so a command is identified by its
// sizes and its schedules relative to t0. Training repeats the same commands every step, so
// most evaluations become one hash lookup. Not used when a BeatLog is requested.
struct MemoKey {
  uint64_t w[18] = {};
  bool operator==(const MemoKey& o) const { return std::equal(std::begin(w), std::end(w), std::begin(o.w)); }
};
struct MemoHash {
  size_t operator()(const MemoKey& k) const {
    uint64_t h = 1469598103934665603ull;
    for (uint64_t x : k.w) h = (h ^ x) * 1099511628211ull;
    return static_cast<size_t>(h);
  }
};
struct MemoVal {
  uint64_t done;
  uint64_t last[3];
  bool has[3];
};
void put_sched(MemoKey& k, int at, const BeatSchedule* s, uint64_t t0) {
  if (!s) return;
  k.w[at] = (s->start - t0) ^ (uint64_t{1} << 63);  // wraps for starts before t0: still unique
  k.w[at + 1] = (uint64_t{s->num} << 32) | s->den;
  k.w[at + 2] = (uint64_t{s->burst_beats} << 32) | s->burst_gap | (uint64_t{1} << 31);
}
template <class F>
CmdTiming memo(MemoKey key, uint64_t t0, F compute) {
  thread_local std::unordered_map<MemoKey, MemoVal, MemoHash> cache;
  if (auto it = cache.find(key); it != cache.end()) {
    CmdTiming r;
    r.t_done = t0 + it->second.done;
    r.cycles = it->second.done;
    for (int s = 0; s < 3; ++s) r.in_last[s] = it->second.has[s] ? t0 + it->second.last[s] : 0;
    return r;
  }
  const CmdTiming r = compute();
  MemoVal v{r.t_done - t0, {0, 0, 0}, {false, false, false}};
  for (int s = 0; s < 3; ++s)
    if (r.in_last[s]) v.has[s] = true, v.last[s] = r.in_last[s] - t0;
  if (cache.size() > 65536) cache.clear();  // bounded: a new working set refills it
  cache.emplace(key, v);
  return r;
}
}  // namespace

CmdTiming time_vector(VecOp op, uint64_t n, uint64_t t0, const BeatSchedule* const in[3],
                      const BeatSchedule& out, BeatLog* log) {
  const VecOpInfo* info = vec_op_info(static_cast<uint32_t>(op));
  bool tabled = out.tabled();
  for (unsigned s = 0; s < 3; ++s) tabled = tabled || (info && s < info->arity && in[s] && in[s]->tabled());
  if (log || tabled) return time_vector_exact(op, n, t0, in, out, log);
  MemoKey k;
  k.w[0] = 1, k.w[1] = static_cast<uint64_t>(op), k.w[2] = n;
  for (unsigned s = 0; s < 3; ++s)
    if (info && s < info->arity) put_sched(k, 3 + 3 * s, in[s], t0);
  put_sched(k, 12, &out, t0);
  return memo(k, t0, [&] { return time_vector_exact(op, n, t0, in, out, nullptr); });
}

CmdTiming time_reduce(uint64_t rows, uint64_t len, uint64_t t0, const BeatSchedule& a,
                      const BeatSchedule& out, BeatLog* log) {
  if (log || a.tabled() || out.tabled()) return time_reduce_exact(rows, len, t0, a, out, log);
  MemoKey k;
  k.w[0] = 2, k.w[1] = rows, k.w[2] = len;
  put_sched(k, 3, &a, t0);
  put_sched(k, 12, &out, t0);
  return memo(k, t0, [&] { return time_reduce_exact(rows, len, t0, a, out, nullptr); });
}

CmdTiming time_vector_exact(VecOp op, uint64_t n, uint64_t t0, const BeatSchedule* const in[3],
                            const BeatSchedule& out, BeatLog* log) {
  const VecOpInfo* info = vec_op_info(static_cast<uint32_t>(op));
  if (!info || n == 0) throw std::invalid_argument("pl::time_vector: bad opcode or n = 0");
  const uint64_t nb = (n + 1) / 2;
  const BeatSchedule* used[3] = {nullptr, nullptr, nullptr};
  for (unsigned s = 0; s < info->arity; ++s) used[s] = in[s];  // operands the op lacks: ignored
  if (log) {
    log->clear();
    for (unsigned s = 0; s < 3; ++s)
      if (used[s]) log->in[s].reserve(nb);
    log->out.reserve(nb);
    log->out_valid.reserve(nb);
  }
  return run_pipe(info->latency, info->ii, nb, [](uint64_t) { return true; }, t0, used, out,
                  log);
}

CmdTiming time_reduce_exact(uint64_t rows, uint64_t len, uint64_t t0, const BeatSchedule& a,
                            const BeatSchedule& out, BeatLog* log) {
  if (rows == 0 || len == 0) throw std::invalid_argument("pl::time_reduce: empty command");
  // Output beat b (rows 2b, 2b+1) rides on the input beat holding the last element of row
  // min(2b+1, rows-1) (§8.2); those beats increase with b, so one counter finds them in order.
  uint64_t b = 0;
  auto carrier = [&](uint64_t ob) {
    const uint64_t row = std::min(2 * ob + 1, rows - 1);
    return ((row + 1) * len - 1) / 2;
  };
  uint64_t next = carrier(0);
  const uint64_t nb_out = (rows + 1) / 2;
  auto carries = [&](uint64_t i) {
    if (i != next) return false;
    if (++b < nb_out) next = carrier(b);
    return true;
  };
  const BeatSchedule* in[3] = {&a, nullptr, nullptr};
  const uint64_t nb_in = (rows * len + 1) / 2;
  if (log) {
    log->clear();
    log->in[0].reserve(nb_in);
    log->out.reserve(nb_out);
    log->out_valid.reserve(nb_out);
  }
  return run_pipe(kReduceLatency, 1, nb_in, carries, t0, in, out, log);
}

// ---- §8.3: the block recurrence is already per beat; evaluated once, in block order ----------
CmdTiming time_matmul(uint64_t m, uint64_t k, uint64_t n, bool load_w, const MatmulConfig& cfg,
                      uint64_t t0, const BeatSchedule& a, const BeatSchedule* w,
                      const BeatSchedule& out, BeatLog* log) {
  if (log || a.tabled() || out.tabled() || (load_w && w && w->tabled()))
    return time_matmul_exact(m, k, n, load_w, cfg, t0, a, w, out, log);
  MemoKey key;
  key.w[0] = 3 | (uint64_t{load_w} << 8), key.w[1] = m, key.w[2] = k;
  put_sched(key, 3, &a, t0);
  if (load_w) put_sched(key, 6, w, t0);
  key.w[9] = n;
  key.w[10] = (uint64_t{cfg.rows} << 48) | (uint64_t{cfg.cols} << 32) | (uint64_t{cfg.fadd_lat} << 16) | cfg.fmul_lat;
  key.w[11] = (uint64_t{cfg.wdepth} << 32) | (uint64_t{cfg.kmax} << 16) | cfg.nmax;
  put_sched(key, 12, &out, t0);
  return memo(key, t0, [&] { return time_matmul_exact(m, k, n, load_w, cfg, t0, a, w, out, nullptr); });
}

CmdTiming time_matmul_exact(uint64_t m, uint64_t k, uint64_t n, bool load_w, const MatmulConfig& cfg,
                            uint64_t t0, const BeatSchedule& a, const BeatSchedule* w,
                            const BeatSchedule& out, BeatLog* log) {
  if (m == 0 || k == 0 || n == 0 || (load_w && !w))
    throw std::invalid_argument("pl::time_matmul: empty command or missing W schedule");
  const uint64_t R = cfg.rows;
  const uint64_t nblk = (m + R - 1) / R;
  const uint64_t tc = uint64_t{cfg.passes(static_cast<uint32_t>(n))} *
                      cfg.pass_cycles(static_cast<uint32_t>(k));
  const uint64_t dmm = cfg.drain();
  if (log) {
    log->clear();
    log->in[0].reserve((m * k + 1) / 2);
    log->out.reserve((m * n + 1) / 2 + nblk);
    log->out_valid.reserve((m * n + 1) / 2 + nblk);
  }
  CmdTiming r;
  // W: B.TREADY = 1 from t0 + 1 until NBW beats are taken; nothing else touches stream B.
  uint64_t we = t0;
  if (load_w) {
    if (log) log->in[1].reserve((k * n + 1) / 2);
    ScheduleCursor wc(*w);
    for (uint64_t i = 0, nbw = (k * n + 1) / 2; i < nbw; ++i, wc.next()) {
      we = std::max(we + 1, wc.cur());
      if (log) log->in[1].push_back(we);
    }
    r.in_last[1] = we;
  }
  ScheduleCursor ac(a), oc(out);
  // Block b-1 and b-2 values of le, cs, se (0 = "no such block": every max() term vanishes
  // because all real values are > t0 >= 0).
  uint64_t le1 = 0, cs1 = 0, cs2 = 0, se1 = 0, se2 = 0;
  for (uint64_t b = 0; b < nblk; ++b) {
    const uint64_t rows_b = std::min(R, m - b * R);
    const uint64_t nba = (rows_b * k + 1) / 2, nbo = (rows_b * n + 1) / 2;
    uint64_t ls = (b == 0) ? t0 + 1 : le1 + 1;
    if (b >= 2) ls = std::max(ls, cs2 + tc);
    uint64_t h = ls - 1;
    for (uint64_t i = 0; i < nba; ++i, ac.next()) {
      h = std::max(h + 1, ac.cur());
      if (log) log->in[0].push_back(h);
    }
    const uint64_t le = h;
    uint64_t cs = std::max(le + 1, we + 1);
    if (b >= 1) cs = std::max(cs, cs1 + tc);
    if (b >= 2) cs = std::max(cs, se2 + 1);
    const uint64_t ce = cs + tc + dmm - 1;
    h = std::max(ce + 1, b >= 1 ? se1 + 1 : 0) - 1;  // output beat 0 valid from ss_b
    for (uint64_t j = 0; j < nbo; ++j, oc.next()) {
      if (log) log->out_valid.push_back(h + 1);
      h = std::max(h + 1, oc.cur());
      if (log) log->out.push_back(h);
    }
    le1 = le;
    cs2 = cs1;
    cs1 = cs;
    se2 = se1;
    se1 = h;
  }
  r.in_last[0] = le1;
  r.t_done = se1;
  r.cycles = r.t_done - t0;
  return r;
}

}  // namespace tinypynq::pl
