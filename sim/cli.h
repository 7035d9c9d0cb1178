// Pieces of the command line shared by main() and the CLI fuzzer (tests/fuzz/fuzz_cli.cpp):
// the train options, the list of targets, and how a parse error is reported.
//   CLI::App app;  sim::TrainOptions o;  bool json = false;  cosim::WaveOptions w;
//   sim::add_train_options(app.add_subcommand("train"), o, json, w);
//   try { app.parse(argc, argv); } catch (const CLI::ParseError& e) { return sim::parse_error_exit(app, e); }
#pragma once
#include <CLI/CLI.hpp>
#include <string>

#include "cosim/wave_options.h"
#include "runtime/targets.h"
#include "sim/train.h"

namespace tinypynq::sim {

std::string targets_list();  // "cpu, tlm, rtl": every target this build has
void add_train_options(CLI::App* c, TrainOptions& o, bool& json, cosim::WaveOptions& waves);
// The usage line of the subcommand the parse stopped in (the whole program when none).
std::string usage_of(const CLI::App& app);
// --help and --version print and return 0; a command-line error prints the message and a
// usage line to stderr and returns 2 (the convention for usage errors).
int parse_error_exit(CLI::App& app, const CLI::ParseError& e);

}  // namespace tinypynq::sim
