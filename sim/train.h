// Training and evaluation on Fashion-MNIST, shared by `tinypynq train` and the benchmarks.
//   TrainOptions o; o.model = "mlp"; o.epochs = 1;
//   TrainResult r = train(o);  // r.test_accuracy
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sim/prediction.h"

namespace tinypynq::sim {

struct TrainOptions {
  std::string model = "mlp";
  std::string target = "cpu";  // the CLI defaults to sim::default_target()
  int64_t epochs = 1;
  int64_t steps = 0;  // > 0: stop after this many steps (overrides epochs)
  int64_t batch = 128;
  float lr = 1e-3f;
  uint64_t seed = 0;
  std::string data_dir;  // empty: $TINYPYNQ_DATA or the Debian package
  std::string save;      // safetensors path, or empty
  std::string load;      // safetensors weights to start from (resume or fine-tune), or empty
  bool progress = true;  // progress bar on stderr
  int64_t test_samples = -1;  // test images evaluated: -1 all, 0 none (slow targets: rtl)
};

struct TrainResult {
  int64_t steps = 0;
  double epochs = 0;
  double test_accuracy = 0;  // over test_samples images (NaN when none were evaluated)
  int64_t test_samples = 0;
  double final_loss = 0;
  double wall_seconds = 0;
  double step_seconds_median = 0;
  std::vector<float> losses;
  Prediction prediction;  // of the training steps, on pynq targets
};

// Throws tinypynq::Error naming the option when a value cannot be trained with (train() calls
// it before loading anything).
constexpr int64_t kMaxEpochs = 1000000;
void check_train_options(const TrainOptions& o);
TrainResult train(const TrainOptions& o);

// Accuracy of `model` on the first `samples` test images (-1: all) of Fashion-MNIST on `target`.
struct Model;
struct EvalResult {
  double accuracy = 0;
  int64_t samples = 0;
  double wall_seconds = 0;
  Prediction prediction;  // of the evaluation, on pynq targets
};
EvalResult evaluate_test_set(Model& model, const std::string& target, const std::string& data_dir, int64_t samples);
std::string to_json(const TrainOptions& o, const TrainResult& r);

}  // namespace tinypynq::sim
