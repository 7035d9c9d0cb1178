#include "sim/bench.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "sim/models.h"
#include "tensor/schedule.h"

namespace tinypynq::sim {

void add_bench_options(CLI::App* c, BenchOptions& o) {
  c->add_option("what", o.what, "benchmark: mlp-step (one Adam training step of the 784-128-10 MLP)")
      ->check(CLI::IsMember({"mlp-step"}))
      ->capture_default_str();
  c->add_option("--target", o.target, "target")->capture_default_str();
  c->add_option("--batch", o.batch, "batch size")->capture_default_str();
  c->add_option("--steps", o.steps, "timed steps")->capture_default_str();
  c->add_option("--warmup", o.warmup, "untimed steps first")->capture_default_str();
  c->add_flag("--json", o.json, "print one JSON object");
}

// Same step as `train` on synthetic data (the data pipeline is not what is measured).
int run_bench(const BenchOptions& o) {
  TP_CHECK(o.batch > 0 && o.steps > 0 && o.warmup >= 0, "bench: --batch and --steps must be positive");
  device(o.target);
  Tensor::manual_seed(0);
  auto model = make_model("mlp");
  nn::Adam opt(model->parameters(), 1e-3f);
  Tensor x = Tensor::rand({o.batch, 784}, o.target).realize();
  std::vector<int32_t> yv(o.batch);
  for (int64_t i = 0; i < o.batch; ++i) yv[i] = static_cast<int32_t>(i % 10);
  Tensor y = Tensor::from_data(yv, {o.batch}, o.target);
  std::vector<double> times;
  int64_t kernels = 0;
  for (int64_t s = 0; s < o.warmup + o.steps; ++s) {
    int64_t k0 = stats().kernels_run;
    auto t0 = std::chrono::steady_clock::now();
    Tensor loss = model->forward(x).sparse_categorical_crossentropy(y);
    opt.zero_grad();
    loss.realize();
    loss.backward();
    opt.step();
    loss.item();
    double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (s >= o.warmup) times.push_back(dt);
    kernels = stats().kernels_run - k0;
  }
  std::sort(times.begin(), times.end());
  double med = times[times.size() / 2], p10 = times[times.size() / 10], p90 = times[times.size() * 9 / 10];
  if (o.json)
    std::printf("{\"bench\": \"mlp-step\", \"target\": \"%s\", \"batch\": %lld, \"median_ms\": %.4f, \"p10_ms\": %.4f, "
                "\"p90_ms\": %.4f, \"kernels_per_step\": %lld}\n",
                o.target.c_str(), (long long)o.batch, med * 1e3, p10 * 1e3, p90 * 1e3, (long long)kernels);
  else
    std::printf("mlp-step (784-128-10, Adam, batch %lld) on %s: median %.3f ms  p10 %.3f  p90 %.3f  (%lld kernels/step)\n",
                (long long)o.batch, o.target.c_str(), med * 1e3, p10 * 1e3, p90 * 1e3, (long long)kernels);
  return 0;
}

}  // namespace tinypynq::sim
