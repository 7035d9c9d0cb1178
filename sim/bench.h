// `tinypynq bench`: benchmarks that print figures (never timed tests).
//   tinypynq bench mlp-step --batch 128 --steps 200
//   tinypynq bench tlm-vs-cpu --model cnn --steps 5
#pragma once
#include <CLI/CLI.hpp>
#include <string>

namespace tinypynq::sim {

struct BenchOptions {
  std::string what = "mlp-step";
  std::string target = "cpu";
  std::string model = "mlp";  // tlm-vs-cpu
  int64_t batch = 128;
  int64_t steps = 200;
  int64_t warmup = 20;
  bool json = false;
};

void add_bench_options(CLI::App* c, BenchOptions& o);
int run_bench(const BenchOptions& o);

}  // namespace tinypynq::sim
