#include "sim/calibrate_cmd.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>
#if defined(__ARM_NEON)
#include <arm_neon.h>
#endif

#include "base/check.h"
#include "runtime/pynq/pl_exec.h"
#include "runtime/pynq/regmap.h"
#ifdef TINYPYNQ_HAVE_TLM
#include "runtime/tlm/tlm_driver.h"
#endif
#ifdef TINYPYNQ_HAVE_BOARD
#include "runtime/board/board_driver.h"
#endif

namespace tinypynq::sim {

namespace reg = pynq::reg;
using pynq::Driver;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Wraps the driver under test: counts register accesses and the time spent inside the driver,
// so what is left of a command's time is the runtime's own work. `spin` replaces wait() by the
// finest possible polling (back-to-back reads), the reference for the IRQ latency.
class Probe final : public Driver {
 public:
  explicit Probe(Driver& d) : d_(d) {}
  const char* name() const override { return d_.name(); }
  uint32_t read32(uint64_t a) override { return timed([&] { ++reads; return d_.read32(a); }); }
  void write32(uint64_t a, uint32_t v) override { timed([&] { ++writes; d_.write32(a, v); return 0; }); }
  pynq::DmaBuffer alloc(size_t n, size_t al) override { return d_.alloc(n, al); }
  void flush(const pynq::DmaBuffer& b, size_t o, size_t n) override { timed([&] { d_.flush(b, o, n); return 0; }); }
  void invalidate(const pynq::DmaBuffer& b, size_t o, size_t n) override {
    timed([&] { d_.invalidate(b, o, n); return 0; });
  }
  uint32_t wait(uint64_t a, uint32_t m, int irq, pynq::WaitMode mode, double to) override {
    wait_start = d_.now();
    const uint32_t v = timed([&] {
      if (!spin) return d_.wait(a, m, irq, mode, to);
      d_.cpu_work(spin_offset);  // shifts the polling grid against the command's completion
      for (;;) {
        const uint32_t x = d_.read32(a);
        if (x & m) return x;
        TP_CHECK(d_.now() - wait_start < to, "calibrate: timeout polling register 0x", std::hex, a);
      }
    });
    wait_end = d_.now();
    return v;
  }
  void reset_pl() override { d_.reset_pl(); }
  double now() override { return d_.now(); }
  void cpu_work(double s) override { d_.cpu_work(s); }

  uint64_t reads = 0, writes = 0;
  double inside = 0, wait_start = 0, wait_end = 0;
  bool spin = false;
  double spin_offset = 0;

 private:
  template <class F> uint32_t timed(F&& f) {
    const double t = d_.now();
    const uint32_t v = f();
    inside += d_.now() - t;
    return v;
  }
  Driver& d_;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? kNaN : v[v.size() / 2];
}

// Least-squares line y = a + b x; returns {a, b}.
std::pair<double, double> fit(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (size_t i = 0; i < x.size(); ++i) sx += x[i], sy += y[i], sxx += x[i] * x[i], sxy += x[i] * y[i];
  const double b = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  return {(sy - b * sx) / n, b};
}

// Advances the PS clock by `s`: simulated time on emulated targets, a busy wait on the board.
void pass(Driver& d, double s) {
  const double t0 = d.now();
  while (d.now() - t0 < s) d.cpu_work(s / 8);
}

struct Cmd {  // one vector/reduce/matmul command on fresh DDR blocks
  pynq::UnitCmd c;
  std::vector<std::shared_ptr<pynq::DdrBlock>> blocks;
};
std::shared_ptr<pynq::DdrBlock> block(Driver& d, size_t bytes) {
  auto b = std::make_shared<pynq::DdrBlock>();
  b->mem = d.alloc(bytes, 64);
  return b;
}

// V_COPY of n words (stream A -> R), input filled with a pattern.
Cmd copy_cmd(Driver& d, uint32_t n) {
  Cmd m;
  m.c.unit = pynq::Unit::kVector;
  m.c.op = reg::V_COPY;
  m.c.size[0] = n;
  const size_t bytes = 4 * static_cast<size_t>(n);
  auto in = block(d, bytes), out = block(d, bytes);
  auto* p = static_cast<uint32_t*>(in->mem.virt);
  for (uint32_t i = 0; i < n; ++i) p[i] = 0x3F80'0000u + i * 2654435761u % 0x0080'0000u;  // normal floats
  d.flush(in->mem, 0, bytes);  // the CPU wrote it: clean before the PL reads (PlExec tracks only its own)
  m.c.in[0] = {in.get(), 0, bytes};
  m.c.out = {out.get(), 0, bytes};
  m.blocks = {in, out};
  return m;
}

}  // namespace

Calibration calibrate(Driver& drv, const BoardConfig& in, bool wall_clock, bool quick) {
  Calibration cal;
  cal.cfg = in;
  BoardConfig& out = cal.cfg;
  const auto row = [&](const std::string& key, double measured, double configured, const char* unit,
                       const std::string& how, bool write) { cal.rows.push_back({key, measured, configured, unit, how, write}); };
  const int reps = quick ? 200 : 2000;
  Probe d(drv);

  // ---- the PL must be ours before anything else is trusted
  const uint32_t id = d.read32(reg::kSys + reg::SYS_ID);
  TP_CHECK(id == reg::kSysId, "calibrate: SYS_ID reads 0x", std::hex, id, ", expected 0x", reg::kSysId,
           " (load the tinypynq bitstream first: tinypynq board load tinypynq.bit)");

  // ---- GP0: back-to-back 32-bit writes to a scratch register, reads of SYS_ID
  {
    const double t0 = drv.now();
    for (int i = 0; i < reps; ++i) drv.write32(reg::kVec + reg::SCALAR_A, static_cast<uint32_t>(i));
    out.gp0_write_ns = (drv.now() - t0) / reps * 1e9;
    row("gp0_write_ns", out.gp0_write_ns, in.gp0_write_ns, "ns", "mean of back-to-back SCALAR_A writes", true);
    const double t1 = drv.now();
    for (int i = 0; i < reps; ++i) (void)drv.read32(reg::kSys + reg::SYS_ID);
    out.gp0_read_ns = (drv.now() - t1) / reps * 1e9;
    row("gp0_read_ns", out.gp0_read_ns, in.gp0_read_ns, "ns", "mean of back-to-back SYS_ID reads", true);
  }

  // ---- FCLK0 from the SYS time counter over an interval of PS time
  {
    const auto time = [&] {
      const uint32_t lo = drv.read32(reg::kSys + reg::SYS_TIME_LO);
      return (static_cast<uint64_t>(drv.read32(reg::kSys + reg::SYS_TIME_HI)) << 32) | lo;
    };
    const double t0 = drv.now();
    const uint64_t c0 = time();
    pass(drv, wall_clock ? 0.05 : 2e-3);
    const double t1 = drv.now();
    const uint64_t c1 = time();
    out.pl_clock_hz = static_cast<double>(c1 - c0) / (t1 - t0);
    row("pl_clock_hz", out.pl_clock_hz, in.pl_clock_hz, "Hz", "SYS_TIME cycles over PS time", true);
  }

  // ---- cache maintenance: time against size, the slope is the rate
  {
    const size_t max = quick ? (256u << 10) : (2u << 20);
    pynq::DmaBuffer b = drv.alloc(max, 64);
    std::vector<double> x, yf, yi;
    for (size_t n = 4096; n <= max; n *= 2) {
      std::vector<double> tf, ti;
      for (int r = 0; r < 5; ++r) {
        double t = drv.now();
        drv.flush(b, 0, n);
        tf.push_back(drv.now() - t);
        t = drv.now();
        drv.invalidate(b, 0, n);
        ti.push_back(drv.now() - t);
      }
      x.push_back(static_cast<double>(n)), yf.push_back(median(tf)), yi.push_back(median(ti));
    }
    out.cache_flush_bytes_per_s = 1 / fit(x, yf).second;
    out.cache_invalidate_bytes_per_s = 1 / fit(x, yi).second;
    row("cache_flush_bytes_per_s", out.cache_flush_bytes_per_s, in.cache_flush_bytes_per_s, "B/s",
        "slope of clean time over 4 KiB.." + std::to_string(max >> 10) + " KiB", true);
    row("cache_invalidate_bytes_per_s", out.cache_invalidate_bytes_per_s, in.cache_invalidate_bytes_per_s, "B/s",
        "slope of invalidate time over the same sizes", true);
  }

  // ---- commands through the runtime's executor: per-command overhead, DMA copy time vs size
  pynq::PynqStats stats;
  pynq::PsCost cost(in);  // the runtime charges driver_call_ns from the config it is given
  pynq::PlExec ex(d, stats, cost, pynq::WaitMode::kPoll);
  // pl_version 2: each command programmed and waited for (not queued), so that a run's wait and
  // the unit's CYCLES are this command's, as on v1
  ex.set_queue(false);
  ex.init();
  {
    std::vector<double> overhead;
    for (int r = 0; r < (quick ? 5 : 21); ++r) {
      Cmd m = copy_cmd(drv, 64);
      d.inside = 0;
      const double t0 = drv.now();
      ex.run(m.c);
      overhead.push_back(drv.now() - t0 - d.inside);
    }
    out.driver_call_ns = median(overhead) * 1e9;
    row("driver_call_ns", out.driver_call_ns, in.driver_call_ns, "ns",
        "command time outside the driver's calls (V_COPY of 64 words)", true);
  }
  {
    std::vector<double> x, y;
    for (uint32_t n = 1024; n <= (quick ? 16384u : 262144u); n *= 4) {
      Cmd m = copy_cmd(drv, n);
      const auto r = ex.run(m.c);
      const double wait = d.wait_end - d.wait_start;
      ex.cpu_reads(m.c.out);  // invalidate the PL's result before the CPU compares it
      TP_CHECK(std::memcmp(m.blocks[0]->mem.virt, m.blocks[1]->mem.virt, 4 * static_cast<size_t>(n)) == 0,
               "calibrate: V_COPY of ", n, " words did not copy its input bit-exactly: the PL or the cache "
               "maintenance is broken");
      x.push_back(8.0 * n), y.push_back(wait);  // bytes read + written
      row("dma_copy_" + std::to_string(4 * n / 1024) + "KiB_us", wait * 1e6, kNaN, "us",
          (in.pl_version >= 2 ? "V_COPY wait (VR0 + unit + VW), " : "V_COPY wait (MM2S + unit + S2MM), ") + std::to_string(r.cycles) + " unit cycles", false);
    }
    const auto [a, b] = fit(x, y);
    row("dma_copy_bytes_per_s", 1 / b, kNaN, "B/s", "slope over the sizes above (bytes in + out)", false);
    row("dma_copy_latency_us", a * 1e6, kNaN, "us", "intercept: start to first data + write-back", false);
  }
  // ---- IRQ latency: interrupt wait minus the finest polling of the same command
  try {
    std::vector<double> spin;
    const double step = out.gp0_read_ns * 1e-9 / 16;
    for (int j = 0; j < 16; ++j) {
      Cmd m = copy_cmd(drv, 256);
      d.spin_offset = j * step;  // staggered polling grids (emulated PS; real jitter on the board)
      d.spin = true;
      ex.run(m.c);
      d.spin = false;
      spin.push_back(d.wait_end - d.wait_start);
    }
    // the same executor sleeping on the interrupt (a second one would program the PL again)
    ex.set_wait_mode(pynq::WaitMode::kIrq);
    std::vector<double> irq;
    for (int j = 0; j < 5; ++j) {
      Cmd m = copy_cmd(drv, 256);
      ex.run(m.c);
      irq.push_back(d.wait_end - d.wait_start);
    }
    ex.set_wait_mode(pynq::WaitMode::kPoll);
    // The spin's last read sees the result at most a fraction of a read after it lands.
    const double first_seen = *std::min_element(spin.begin(), spin.end());
    out.irq_latency_ns = (median(irq) - first_seen) * 1e9;
    row("irq_latency_ns", out.irq_latency_ns, in.irq_latency_ns, "ns", "IRQ wait - finest polling, V_COPY 256", true);
  } catch (const Error& e) {
    ex.set_wait_mode(pynq::WaitMode::kPoll);
    row("irq_latency_ns", kNaN, in.irq_latency_ns, "ns", std::string("not measured: ") + e.what(), false);
  }
  // ---- each unit's cycles on reference commands (compare with tlm: `calibrate --target tlm`)
  {
    Cmd m = copy_cmd(drv, 4096);
    m.c.op = reg::V_EXP2;
    row("vector_exp2_4096_cycles", static_cast<double>(ex.run(m.c).cycles), kNaN, "cycles", "VEC EXP2, 4096 words", false);
    m.c.op = reg::V_ADD;
    m.c.in[1] = m.c.in[0];
    row("vector_add_4096_cycles", static_cast<double>(ex.run(m.c).cycles), kNaN, "cycles", "VEC ADD, 4096 words", false);
  }

  // ---- the A9 itself (wall clock): only on the board
  if (!wall_clock) {
    for (const char* k : {"a9_memcpy_bytes_per_s", "a9_flops_per_cycle", "a9_transcendental_cycles", "a9_stream_bytes_per_s"})
      row(k, kNaN, kNaN, "", "kept: the emulated A9 is the cost table (nothing to time on tlm)", false);
  } else {
    using clk = std::chrono::steady_clock;
    const auto secs = [](clk::time_point t) { return std::chrono::duration<double>(clk::now() - t).count(); };
    {
      std::vector<char> a(8u << 20, 1), b(8u << 20);
      const auto t = clk::now();
      for (int r = 0; r < 4; ++r) std::memcpy(b.data(), a.data(), a.size()), a[r] = b[r + 1];
      out.a9_memcpy_bytes_per_s = 4.0 * a.size() / secs(t);
      row("a9_memcpy_bytes_per_s", out.a9_memcpy_bytes_per_s, in.a9_memcpy_bytes_per_s, "B/s", "memcpy of 8 MiB", true);
    }
    {
      const long iters = quick ? 1'000'000 : 10'000'000;
      float sink = 0;
      const auto t = clk::now();
#if defined(__ARM_NEON)
      float32x4_t acc[8];
      for (auto& v : acc) v = vdupq_n_f32(0.f);
      const float32x4_t x = vdupq_n_f32(1.0001f), y = vdupq_n_f32(0.9999f);
      for (long i = 0; i < iters; ++i)
        for (auto& v : acc) v = vmlaq_f32(v, x, y);
      for (auto& v : acc) sink += vgetq_lane_f32(v, 0);
      const double flops = 8.0 * 4 * 2 * iters;
#else
      float acc[32] = {};
      for (long i = 0; i < iters; ++i)
        for (float& v : acc) v = v * 0.9999f + 1.0001f;
      for (float v : acc) sink += v;
      const double flops = 32.0 * 2 * iters;
#endif
      out.a9_flops_per_cycle = flops / secs(t) / in.ps_clock_hz;
      row("a9_flops_per_cycle", out.a9_flops_per_cycle, in.a9_flops_per_cycle, "flop/cycle",
          "NEON VMLA.F32 q-register chains at ps_clock_hz (" + std::to_string(sink > 0) + ")", true);
    }
    {
      std::vector<float> v(1 << 16, 0.5f);
      const auto t = clk::now();
      for (int r = 0; r < 8; ++r)
        for (float& f : v) f = std::exp(f) * 0.25f;
      out.a9_transcendental_cycles = secs(t) * in.ps_clock_hz / (8.0 * v.size());
      row("a9_transcendental_cycles", out.a9_transcendental_cycles, in.a9_transcendental_cycles, "cycles/elem",
          "expf over 64 Ki floats at ps_clock_hz", true);
    }
    {
      std::vector<float> a(4u << 20, 1.f), b(4u << 20, 2.f);
      const auto t = clk::now();
      for (int r = 0; r < 4; ++r)
        for (size_t i = 0; i < a.size(); ++i) b[i] = a[i] * 1.5f + b[i] * 0.5f;
      out.a9_stream_bytes_per_s = 4.0 * a.size() * 12 / secs(t);  // 2 reads + 1 write of 4 B
      row("a9_stream_bytes_per_s", out.a9_stream_bytes_per_s, in.a9_stream_bytes_per_s, "B/s",
          "b = 1.5a + 0.5b over 16 MiB arrays", true);
    }
  }
  // Keep the config loadable: the poll interval must stay >= a read.
  out.poll_interval_ns = std::max(out.poll_interval_ns, out.gp0_read_ns);
  out.validate();
  return cal;
}

std::string Calibration::table() const {
  std::string s;
  char line[400];
  std::snprintf(line, sizeof line, "%-30s %14s %14s %8s  %s\n", "key", "measured", "config", "ratio", "how");
  s += line;
  for (const CalRow& r : rows) {
    const double ratio = r.measured / r.configured;
    std::snprintf(line, sizeof line, "%-30s %14.6g %14.6g %8s  %s%s [%s]\n", r.key.c_str(), r.measured, r.configured,
                  std::isfinite(ratio) ? (std::to_string(ratio).substr(0, 6)).c_str() : "-", r.written ? "* " : "",
                  r.how.c_str(), r.unit.c_str());
    s += line;
  }
  s += "(* written to the board config)\n";
  return s;
}

std::string Calibration::to_json() const {
  nlohmann::json j;
  j["rows"] = nlohmann::json::array();
  for (const CalRow& r : rows) {
    nlohmann::json x{{"key", r.key}, {"unit", r.unit}, {"how", r.how}, {"written", r.written}};
    x["measured"] = std::isfinite(r.measured) ? nlohmann::json(r.measured) : nlohmann::json(nullptr);
    x["configured"] = std::isfinite(r.configured) ? nlohmann::json(r.configured) : nlohmann::json(nullptr);
    j["rows"].push_back(x);
  }
  j["config"] = nlohmann::json::parse(cfg.to_json());
  return j.dump(2);
}

CLI::App* add_calibrate_command(CLI::App& app, CalibrateOptions& o) {
  auto* c = app.add_subcommand("calibrate", "measure what the prediction assumes and write a board config with the values");
  c->add_option("--target", o.target, "board (the real PYNQ-Z2, as root) or tlm (self-test: recovers the config)")
      ->check(CLI::IsMember({"board", "tlm"}))
      ->capture_default_str();
  c->add_option("--out", o.out, "write the board config with the measured values here (atomically)");
  c->add_flag("--json", o.json, "print the measurements as JSON");
  c->add_flag("--quick", o.quick, "fewer repetitions and sizes (seconds instead of tens of seconds on tlm)");
  c->add_option("--udmabuf", o.udmabuf, "board: the u-dma-buf device to allocate from")->capture_default_str();
  return c;
}

int run_calibrate(const CalibrateOptions& o, const BoardConfig& cfg) {
  std::unique_ptr<Driver> d;
  if (o.target == "tlm") {
#ifdef TINYPYNQ_HAVE_TLM
    d = vp::make_tlm_driver(cfg);
#else
    TP_CHECK(false, "calibrate --target tlm: this build has no tlm target (SystemC was not found)");
#endif
  } else {
#ifdef TINYPYNQ_HAVE_BOARD
    board::BoardOptions bo;
    bo.udmabuf_name = o.udmabuf;
    d = board::make_board_driver(bo, cfg);
#else
    TP_CHECK(false, "calibrate --target board: this build has no board driver (Linux only)");
#endif
  }
  const Calibration c = calibrate(*d, cfg, o.target == "board", o.quick);
  if (o.json)
    std::printf("%s\n", c.to_json().c_str());
  else
    std::printf("calibrate on %s:\n%s", o.target.c_str(), c.table().c_str());
  if (!o.out.empty()) {
    namespace fs = std::filesystem;
    const fs::path dst(o.out), tmp = dst.string() + ".tmp";
    {
      std::ofstream f(tmp);
      TP_CHECK(f, "calibrate: cannot write ", tmp.string());
      f << c.cfg.to_json();
      f.close();
      TP_CHECK(f, "calibrate: writing ", tmp.string(), " failed (disk full?)");
    }
    std::error_code ec;
    fs::rename(tmp, dst, ec);
    TP_CHECK(!ec, "calibrate: renaming ", tmp.string(), " to ", dst.string(), " failed: ", ec.message());
    if (!o.json) std::printf("board config written to %s (use it with --board %s)\n", o.out.c_str(), o.out.c_str());
  }
  return 0;
}

}  // namespace tinypynq::sim
