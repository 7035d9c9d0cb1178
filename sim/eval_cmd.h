// `tinypynq eval`: accuracy of saved weights (safetensors, e.g. from `train --save` or PyTorch)
// on the Fashion-MNIST test set.
//   sim::EvalOptions o; o.model = "cnn"; o.load = "cnn.safetensors"; int rc = sim::run_eval(o);
#pragma once
#include <cstdint>
#include <string>

namespace CLI { class App; }

namespace tinypynq::sim {

struct EvalOptions {
  std::string model = "mlp";
  std::string load;            // required
  std::string target = "cpu";
  std::string data_dir;
  int64_t test_samples = -1;   // -1: all 10000
  bool json = false;
};

CLI::App* add_eval_command(CLI::App& app, EvalOptions& o);
int run_eval(const EvalOptions& o);

}  // namespace tinypynq::sim
