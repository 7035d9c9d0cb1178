#include "sim/cli.h"

#include <cstdio>

#include "sim/nets.h"
#include "sim/report.h"
#include "tensor/device.h"

namespace tinypynq::sim {

std::string targets_list() {
  std::string r;
  for (auto& n : device_names()) r += (r.empty() ? "" : ", ") + n;
  if (runtime::have_tlm() && r.find("tlm") == std::string::npos) r += ", tlm";
  if (runtime::have_rtl() && r.find("rtl") == std::string::npos) r += ", rtl";
  return r;
}

void add_train_options(CLI::App* c, TrainOptions& o, bool& json, cosim::WaveOptions& waves, std::string& faults,
                       std::string& wait) {
  c->add_option("--model", o.model, std::string("model to train: ") + model_names())->capture_default_str();
  c->add_option("--target", o.target, "where ops run: " + targets_list())->capture_default_str();
  c->add_option("--epochs", o.epochs, "passes over the training set")->capture_default_str();
  c->add_option("--steps", o.steps, "stop after N steps (overrides --epochs)");
  c->add_option("--batch", o.batch, "batch size")->capture_default_str();
  c->add_option("--lr", o.lr, "Adam learning rate")->capture_default_str();
  c->add_option("--seed", o.seed, "seed for init, shuffling and dropout")->capture_default_str();
  c->add_option("--data", o.data_dir, "Fashion-MNIST directory (default $TINYPYNQ_DATA or the Debian package)");
  c->add_option("--save", o.save, "write the trained weights to this safetensors file");
  c->add_option("--load", o.load, "start from these safetensors weights (resume or fine-tune; PyTorch names work)");
  c->add_flag("--json", json, "print one JSON object with the results");
  c->add_option("--trace", instrument().trace_path,
                "write a Chrome/Perfetto trace of the training steps (pynq targets; docs/traces.md)");
  c->add_option("--test-samples", o.test_samples,
                "evaluate on the first N test images (default all; 0 skips the evaluation, e.g. on rtl)")
      ->check(CLI::NonNegativeNumber);
  c->add_option("--inject-fault", faults,
                "pynq targets: make the PL fail, kind@N[,kind@N...] with kind dma-error, unit-hang, lost-irq "
                "(needs --wait irq) or bad-status and N the unit command it hits; the runtime recovers "
                "and the JSON counts it (docs/pynq-runtime.md)");
  c->add_option("--wait", wait, "pynq targets: wait for each command by polling or on its interrupt")
      ->check(CLI::IsMember({"poll", "irq"}))
      ->capture_default_str();
  c->add_option("--fst", waves.fst_path,
                "rtl target: write an FST waveform of the Verilated PL with the TLM-side markers for the whole run "
                "(GTKWave; large: use --fst-depth 1 or 2 and few steps; docs/traces.md)");
  c->add_option("--vcd", waves.vcd_path,
                "rtl target: the same waveform as VCD (recorded as FST, converted at exit; several times larger)");
  c->add_option("--fst-depth", waves.depth,
                "levels of the design in the --fst/--vcd waveform: 1 pins and markers, 2 also the top's registers, "
                "3 also the units' ports, ...; 0 all")
      ->capture_default_str();
}

std::string usage_of(const CLI::App& app) {
  std::string sub, subs;
  for (const CLI::App* c : app.get_subcommands()) sub = c->get_name();
  for (const CLI::App* c : app.get_subcommands([](const CLI::App*) { return true; }))
    subs += (subs.empty() ? "" : "|") + c->get_name();
  const std::string prog = "tinypynq";  // not argv[0], which may be a long path
  if (!sub.empty())
    return "usage: " + prog + " [--board FILE] " + sub + " [OPTIONS]   (" + prog + " " + sub + " --help lists them)";
  return "usage: " + prog + " [--help] [--version] [--board FILE] [" + subs + "] [OPTIONS]   (" + prog + " --help)";
}

int parse_error_exit(CLI::App& app, const CLI::ParseError& e) {
  if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version: printed, success
  std::fprintf(stderr, "error: %s\n%s\n", e.what(), usage_of(app).c_str());
  return 2;
}

}  // namespace tinypynq::sim
