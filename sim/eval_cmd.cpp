#include "sim/eval_cmd.h"

#include <CLI/CLI.hpp>
#include <cstdio>

#include "sim/nets.h"
#include "sim/train.h"
#include "tensor/device.h"
#include "tensor/io/safetensors.h"

namespace tinypynq::sim {

CLI::App* add_eval_command(CLI::App& app, EvalOptions& o) {
  auto* c = app.add_subcommand("eval", "accuracy of saved weights on the Fashion-MNIST test set");
  c->add_option("--model", o.model, std::string("model the weights belong to: ") + model_names())->capture_default_str();
  c->add_option("--load", o.load, "safetensors weights (train --save, or PyTorch's state_dict names)")->required();
  c->add_option("--target", o.target, "where ops run")->capture_default_str();
  c->add_option("--data", o.data_dir, "Fashion-MNIST directory (default $TINYPYNQ_DATA or the Debian package)");
  c->add_option("--test-samples", o.test_samples, "evaluate on the first N test images (default all)")
      ->check(CLI::PositiveNumber);
  c->add_flag("--json", o.json, "print one JSON object with the results");
  return c;
}

int run_eval(const EvalOptions& o) {
  device(o.target);
  std::map<std::string, std::string> meta;
  io::load_safetensors(o.load, meta);  // a clear error for a bad file before the data loads
  auto it = meta.find("model");
  TP_CHECK(it == meta.end() || it->second == o.model, o.load, ": the weights were trained for model '", it->second,
           "', not '", o.model, "' (use --model ", it == meta.end() ? "" : it->second, ")");
  set_default_device(o.target);
  auto model = make_model(o.model);
  nn::load_state(o.load, model->state_dict());
  EvalResult r = evaluate_test_set(*model, o.target, o.data_dir, o.test_samples);
  if (o.json) {
    std::printf("{\"model\": \"%s\", \"target\": \"%s\", \"test_samples\": %lld, \"test_accuracy\": %.6g, "
                "\"wall_seconds\": %.6g%s%s}\n",
                o.model.c_str(), o.target.c_str(), (long long)r.samples, r.accuracy, r.wall_seconds,
                r.prediction.valid ? ", " : "", r.prediction.valid ? r.prediction.json_fields().c_str() : "");
    return 0;
  }
  std::printf("model %s with %s on %s: test accuracy %.4f (%lld images), wall %.2f s\n", o.model.c_str(), o.load.c_str(),
              o.target.c_str(), r.accuracy, (long long)r.samples, r.wall_seconds);
  if (r.prediction.valid) std::printf("%s", r.prediction.table().c_str());
  return 0;
}

}  // namespace tinypynq::sim
