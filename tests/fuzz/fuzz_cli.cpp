// libFuzzer target: the command line's options, numbers above all, through the same option
// definitions as `tinypynq train` and `tinypynq bench`, and train's checks (sim/cli.h), without running
// anything. The input is the argument list, one argument per line. A parse error (CLI11) or a
// tinypynq::Error is a clean refusal; anything else is a finding.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/bench.h"
#include "sim/cli.h"
#include "base/check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tinypynq;
  if (size > 4096) return 0;
  std::vector<std::string> args{"tinypynq"};
  std::string cur;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == '\n') args.push_back(cur), cur.clear();
    else cur += static_cast<char>(data[i]);
  }
  if (!cur.empty()) args.push_back(cur);
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());

  CLI::App app{"tinypynq"};
  app.require_subcommand(0, 1);
  sim::TrainOptions t;
  bool json = false;
  cosim::WaveOptions waves;
  std::string faults, wait;
  CLI::App* train = app.add_subcommand("train", "train");
  sim::add_train_options(train, t, json, waves, faults, wait);
  sim::BenchOptions b;
  CLI::App* bench = app.add_subcommand("bench", "bench");
  sim::add_bench_options(bench, b);
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError&) {
    sim::usage_of(app);
    return 0;
  }
  try {
    if (*train) sim::check_train_options(t);
  } catch (const Error&) {
  }
  return 0;
}
