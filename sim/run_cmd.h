// `tinypynq run MODEL.onnx`: runs an ONNX model on a target with inputs from files (or random
// ones), optionally checks the outputs, writes them as .npy and predicts board time per op.
//   sim::RunOptions o; o.model = "mlp.onnx"; o.target = "tlm"; o.inputs_dir = "test_data_set_0";
//   o.check = true;  int status = sim::run_onnx(o);   // 0 ok, 3 on an output mismatch
#pragma once
#include <string>
#include <vector>

namespace CLI { class App; }

namespace tinypynq::sim {

struct RunOptions {
  std::string model;
  std::string target = "cpu";
  std::vector<std::string> inputs;   // NAME=FILE (.npy or .pb)
  std::string inputs_dir;            // ONNX test layout: input_N.pb (and output_N.pb for --check)
  bool check = false;
  double rtol = 1e-3, atol = 1e-5;
  std::string out_dir;               // writes NAME.npy per output
  bool json = false;
  bool fused = false;                // one lazy graph (no per-node realization)
  uint64_t seed = 0;
};

CLI::App* add_run_command(CLI::App& app, RunOptions& o);  // o.target's default is set by the caller
// Returns the exit status: 0, or 3 when --check finds a mismatch. Throws tinypynq::Error on bad input.
int run_onnx(const RunOptions& o);

}  // namespace tinypynq::sim
