#include "runtime/targets.h"

#include <cstdlib>

#include "base/check.h"

#ifdef TINYPYNQ_HAVE_TLM
#include "runtime/tlm/tlm_driver.h"
#endif
#ifdef TINYPYNQ_HAVE_RTL
#include "runtime/rtl/rtl_target.h"
#endif
#ifdef TINYPYNQ_HAVE_BOARD
#include "runtime/board/board_driver.h"
#endif

namespace tinypynq::runtime {

namespace {
BoardConfig g_cfg = BoardConfig::defaults();
}

void register_targets(const std::string& board_file, const cosim::WaveOptions& waves, bool rtl_writer,
                      bool rtl_queue) {
  register_targets(board_file.empty() ? BoardConfig::defaults() : BoardConfig::load_file(board_file), waves,
                   rtl_writer, rtl_queue);
}

void register_targets(const BoardConfig& cfg, const cosim::WaveOptions& waves, bool rtl_writer, bool rtl_queue) {
  g_cfg = cfg;
#ifdef TINYPYNQ_HAVE_BOARD
  // The real PYNQ-Z2: opened (and checked) on first use of device("board"), so listing it
  // costs nothing where there is no board.
  board::register_board_target(g_cfg);
#endif
#ifdef TINYPYNQ_HAVE_TLM
  vp::register_tlm_target(g_cfg);
#endif
#ifdef TINYPYNQ_HAVE_RTL
  cosim::RtlTargetOptions ro;
  ro.waves = waves;
  const char* env = std::getenv("TINYPYNQ_RTL_WRITER");
  ro.rtl_writer = rtl_writer || (env && std::string(env) == "1");
  const char* env_q = std::getenv("TINYPYNQ_RTL_QUEUE");
  ro.rtl_queue = rtl_queue || (env_q && std::string(env_q) == "1");
  cosim::register_rtl_target(g_cfg, ro);
#else
  TP_CHECK(!rtl_writer, "--rtl-writer: this build has no rtl target (Verilator and SystemC are needed)");
  TP_CHECK(!rtl_queue, "--rtl-queue: this build has no rtl target (Verilator and SystemC are needed)");
  TP_CHECK(!waves.enabled(),
           "--fst/--vcd: this build has no rtl target (Verilator and SystemC are needed)");
#endif
}

const BoardConfig& board_config() { return g_cfg; }

RtlLockstep rtl_lockstep() {
  RtlLockstep l;
#ifdef TINYPYNQ_HAVE_RTL
  const cosim::RtlTargetStats s = cosim::rtl_target_stats();
  l.valid = s.commands > 0 || s.clocked_cycles > 0;
  l.commands = s.commands, l.checked = s.checked, l.clocked_cycles = s.clocked_cycles;
  l.reader_fills = s.reader_fills, l.reader_fills_late = s.reader_fills_late;
  l.reader_beats = s.reader_beats, l.reader_beats_late = s.reader_beats_late;
  l.writer_transfers = s.writer_transfers, l.writer_bursts = s.writer_bursts, l.writer_beats = s.writer_beats;
  l.queue_accesses = s.queue_accesses, l.queue_fetches = s.queue_fetches, l.queue_record_words = s.queue_record_words;
  l.queue_fetch_timing_differs = s.queue_fetch_timing_differs;
#endif
  return l;
}

bool have_rtl() {
#ifdef TINYPYNQ_HAVE_RTL
  return true;
#else
  return false;
#endif
}

bool have_tlm() {
#ifdef TINYPYNQ_HAVE_TLM
  return true;
#else
  return false;
#endif
}

std::string default_target() { return have_tlm() ? "tlm" : "cpu"; }

}  // namespace tinypynq::runtime
