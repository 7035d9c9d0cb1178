#include "sim/prediction.h"

#include <cstdio>
#include <sstream>

namespace tinypynq::sim {

using pynq::Phase;

Prediction Prediction::take(Device& d, int64_t steps) {
  Prediction p;
  pynq::pynq_finish(d);  // queued PL work (pl_version 2) is part of the prediction
  if (pynq::PynqStats* s = pynq::pynq_stats(d)) {
    p.valid = true;
    p.s = *s;
    p.steps = steps;
  }
  return p;
}

std::string Prediction::table() const {
  if (!valid) return "";
  std::ostringstream o;
  char line[160];
  const double per = steps > 0 ? 1.0 / static_cast<double>(steps) : 1.0;
  std::snprintf(line, sizeof line, "predicted PYNQ-Z2 time%s:\n  %-12s %12s %12s %7s\n",
                steps > 0 ? " of the training steps" : "", "phase", "total s", steps > 0 ? "per step ms" : "", "share");
  o << line;
  for (int i = 0; i < static_cast<int>(Phase::kCount); ++i) {
    const double t = s.phase[i];
    std::snprintf(line, sizeof line, "  %-12s %12.4f %12.3f %6.1f%%\n", pynq::phase_name(static_cast<Phase>(i)), t,
                  t * per * 1e3, s.board_seconds > 0 ? 100.0 * t / s.board_seconds : 0.0);
    o << line;
  }
  std::snprintf(line, sizeof line, "  %-12s %12.4f %12.3f\n", "board total", s.board_seconds, s.board_seconds * per * 1e3);
  o << line;
  std::snprintf(line, sizeof line, "  %-12s %12.4f %12.3f   -> PL speed-up %.2fx\n", "A9 only", s.a9_only_seconds,
                s.a9_only_seconds * per * 1e3, s.board_seconds > 0 ? s.a9_only_seconds / s.board_seconds : 0.0);
  o << line;
  std::snprintf(line, sizeof line,
                "  kernels: %lld on the PL, %lld on the PS; commands: %llu vector, %llu reduce, %llu matmul; "
                "DMA %.1f MB\n",
                (long long)s.pl_kernels, (long long)s.fallback_kernels, (unsigned long long)s.commands[0],
                (unsigned long long)s.commands[1], (unsigned long long)s.commands[2], s.dma_bytes / 1e6);
  o << line;
  return o.str();
}

std::string Prediction::json_fields() const {
  if (!valid) return "";
  std::ostringstream o;
  o.precision(6);
  o << "\"predicted_board_seconds\": " << s.board_seconds << ", \"predicted_a9_only_seconds\": " << s.a9_only_seconds
    << ", \"predicted_speedup\": " << (s.board_seconds > 0 ? s.a9_only_seconds / s.board_seconds : 0.0)
    << ", \"phases\": {";
  for (int i = 0; i < static_cast<int>(Phase::kCount); ++i)
    o << (i ? ", " : "") << "\"" << pynq::phase_name(static_cast<Phase>(i)) << "\": " << s.phase[i];
  o << "}, \"pl_commands\": {\"vector\": " << s.commands[0] << ", \"reduce\": " << s.commands[1]
    << ", \"matmul\": " << s.commands[2] << "}, \"pl_cycles\": {\"vector\": " << s.pl_cycles[0]
    << ", \"reduce\": " << s.pl_cycles[1] << ", \"matmul\": " << s.pl_cycles[2] << "}, \"pl_kernels\": " << s.pl_kernels
    << ", \"fallback_kernels\": " << s.fallback_kernels << ", \"dma_bytes\": " << s.dma_bytes
    << ", \"ps_packed_operands\": " << s.ps_packed_operands;  // pl_version 2: operands no descriptor says
  if (s.pl_hidden_seconds > 0) o << ", \"pl_hidden_seconds\": " << s.pl_hidden_seconds;  // v2 queue: PL time behind PS work
  const pynq::FaultStats& f = s.faults;
  o << ", \"faults\": {\"detected\": " << f.detected() << ", \"pl_faults\": " << f.pl_faults
    << ", \"recovered\": {\"ps_recompute\": " << f.ps_recomputes << ", \"irq_poll\": " << f.lost_irqs
    << ", \"status_reread\": " << f.status_rereads << "}}";
  return o.str();
}

}  // namespace tinypynq::sim
