// tinypynq: train models on the cpu reference or the emulated PYNQ-Z2 (tlm), predicting board time.
//   tinypynq                          # the main job: a short training run on tlm + prediction
//   tinypynq train --model cnn --epochs 3 --json
//   tinypynq bench mlp-step
//   tinypynq train --target tlm --steps 2 --trace run.json && tinypynq report run.json --out plots
//   tinypynq info
#include <CLI/CLI.hpp>
#include <cstdio>

#include "sim/bench.h"
#include "sim/board_cmd.h"
#include "sim/calibrate_cmd.h"
#include "sim/cli.h"
#include "sim/cosim_cmd.h"
#include "sim/eval_cmd.h"
#include "sim/nets.h"
#include "sim/report.h"
#include "runtime/pynq/fault_driver.h"
#include "runtime/pynq/pynq_device.h"
#ifdef TINYPYNQ_HAVE_ONNX
#include "sim/run_cmd.h"
#endif
#include "runtime/targets.h"
#include "sim/train.h"
#include "tensor/cpu/cpu_device.h"
#include "tensor/device.h"

using namespace tinypynq;

static cosim::WaveOptions g_waves;  // --fst, --vcd, --fst-depth: waveforms of the rtl target's PL

static int run_train(const sim::TrainOptions& o, bool json) {
  sim::TrainOptions opt = o;
  if (!opt.inject_faults.empty() || opt.wait != "poll") {
    if (!opt.inject_faults.empty()) pynq::set_fault_plan(opt.target, pynq::parse_faults(opt.inject_faults));
    Device& d = device(opt.target);
    TP_CHECK(pynq::pynq_stats(d), "--inject-fault/--wait: target ", opt.target,
             " is not a pynq target (they apply to tlm, rtl and board)");
    if (opt.wait == "irq") pynq::set_wait_mode(d, pynq::WaitMode::kIrq);
  }
  opt.progress = !json;
  sim::TrainResult r = sim::train(opt);
  if (json) {
    std::printf("%s\n", sim::to_json(opt, r).c_str());
  } else {
    std::printf("model %s on %s: %lld steps (%.2f epochs), final loss %.4f\n", opt.model.c_str(), opt.target.c_str(),
                (long long)r.steps, r.epochs, r.final_loss);
    if (r.test_samples)
      std::printf("test accuracy %.4f (%lld images)  ", r.test_accuracy, (long long)r.test_samples);
    else
      std::printf("test set not evaluated  ");
    std::printf("wall %.2f s  median step %.3f ms\n", r.wall_seconds, r.step_seconds_median * 1e3);
    if (r.prediction.valid) std::printf("%s", r.prediction.table().c_str());
    if (const runtime::RtlLockstep l = runtime::rtl_lockstep(); opt.target == "rtl" && l.valid)
      std::printf("rtl: %llu commands run by the Verilated PL (set-up included), %llu of them compared with the TLM models "
                  "in lockstep: equal in bits and cycles; %llu cycles clocked\n",
                  (unsigned long long)l.commands, (unsigned long long)l.checked, (unsigned long long)l.clocked_cycles);
    if (!opt.save.empty()) std::printf("weights saved to %s\n", opt.save.c_str());
  }
  return 0;
}

int main(int argc, char** argv) {
  CLI::App app{"tinypynq: a tinygrad-style tensor framework for the PYNQ-Z2 and its emulation"};
  app.require_subcommand(0, 1);
  app.set_version_flag("--version", std::string("tinypynq ") + TINYPYNQ_VERSION);
  sim::TrainOptions train_opts;
  train_opts.target = runtime::default_target();
  bool json = false;
  std::string board_file;
  bool rtl_writer = false;
  app.add_flag("--rtl-writer", rtl_writer,
               "rtl target, pl_version 2: the view writer in RTL too (its TLM model the lockstep twin; "
               "no waveform; docs/pl-v2.md \"The RTL writer on the rtl target\")");
  bool rtl_queue = false;
  app.add_flag("--rtl-queue", rtl_queue,
               "rtl target, pl_version 2: the board's PL, the view writer and the command queue in RTL too "
               "(their TLM models the lockstep twins; --fst/--vcd work; docs/pl-v2.md \"The RTL queue on the rtl target\")");
  app.add_option("--board", board_file, "board config JSON (docs/board-config.md); default: the PYNQ-Z2")
      ->check(CLI::ExistingFile);
  auto* train = app.add_subcommand("train", "train a model on Fashion-MNIST and evaluate on the test set");
  sim::add_train_options(train, train_opts, json, g_waves);
  auto* info = app.add_subcommand("info", "list targets and models (and the board config with --board)");
  bool info_board = false;
  info->add_flag("--config", info_board, "print the effective board configuration");
  sim::BenchOptions bench_opts;
  auto* bench = app.add_subcommand("bench", "benchmarks that print figures");
  sim::add_bench_options(bench, bench_opts);
  sim::CosimOptions cosim_opts;
  auto* cosim = sim::add_cosim_command(app, cosim_opts);
  auto* report = app.add_subcommand("report", "summarise a trace (--trace FILE) and plot its roofline and steps as SVG");
  std::string report_file, report_out, report_ref;
  bool report_png = false;
  report->add_option("trace", report_file, "trace JSON written by --trace")->required();
  report->add_option("--out", report_out, "directory for the SVG files (default: next to the trace)");
  report->add_flag("--png", report_png, "also render PNGs with rsvg-convert (Debian librsvg2-bin)");
  report->add_option("--compare", report_ref, "a reference trace: list what changed (exit status 2 if anything did)");
  sim::EvalOptions eval_opts;
  eval_opts.target = runtime::default_target();
  auto* eval = sim::add_eval_command(app, eval_opts);
  eval->fallthrough();
#ifdef TINYPYNQ_HAVE_ONNX
  sim::RunOptions run_opts;
  run_opts.target = runtime::default_target();
  auto* run = sim::add_run_command(app, run_opts);
  run->fallthrough();
#endif
  sim::CalibrateOptions cal_opts;
  auto* calibrate = sim::add_calibrate_command(app, cal_opts);
  sim::BoardCmdOptions board_opts;
  auto* board = sim::add_board_command(app, board_opts);
  // --board works before or after the subcommand.
  for (auto* sub : {train, info, bench, report, calibrate}) sub->fallthrough();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return sim::parse_error_exit(app, e);
  }
  try {
    const bool waves = g_waves.enabled();
    TP_CHECK(!waves || train_opts.target == "rtl", "--fst/--vcd record the rtl target's PL; the target is ",
             train_opts.target);
    TP_CHECK(g_waves.depth == 0 || waves, "--fst-depth needs --fst FILE or --vcd FILE");
    runtime::register_targets(board_file, g_waves, rtl_writer, rtl_queue);
    if (*train) return run_train(train_opts, json);
    if (*info) {
      std::printf("targets: %s\nmodels: %s\n", sim::targets_list().c_str(), sim::model_names());
      std::printf("blas: OpenBLAS %s kernels\n", tinypynq::blas_core_name());
      if (!board_file.empty() || info_board) std::printf("board config:\n%s", runtime::board_config().to_json().c_str());
      return 0;
    }
    if (*bench) return sim::run_bench(bench_opts);
    if (*eval) return sim::run_eval(eval_opts);
#ifdef TINYPYNQ_HAVE_ONNX
    if (*run) return sim::run_onnx(run_opts);
#endif
    if (*cosim) return sim::run_cosim(cosim_opts);
    if (*report) return sim::run_report(report_file, report_out, report_png, report_ref);
    if (*calibrate) return sim::run_calibrate(cal_opts, runtime::board_config());
    if (*board) return sim::run_board_command(board_opts, runtime::board_config());
    // The main job: a short run of the default model.
    // One epoch of the MLP on the emulated board (a few seconds), then accuracy and prediction.
    sim::TrainOptions o;
    o.target = runtime::default_target();
    o.epochs = 1;
    std::printf("tinypynq: training %s on %s for 1 epoch (run `tinypynq --help` for options)\n", o.model.c_str(),
                o.target.c_str());
    std::fflush(stdout);
    return run_train(o, false);
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {  // the models and cosim report bad input as std::invalid_argument
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
