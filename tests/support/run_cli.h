// Test helper: the tinypynq program run as a user would (TINYPYNQ_BIN, defined by the test's
// CMake target), with its exit code and output (stdout and stderr together).
//   const CliResult r = run_cli("train --target nope");   // r.code == 1, r.out has the message
//   json_field(r.out, "losses")                          // "[2.25, 2.28]" (arrays whole)
#pragma once
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

struct CliResult {
  int code;
  std::string out;
};

inline CliResult run_cli(const std::string& args) {
  const std::string cmd = std::string(TINYPYNQ_BIN) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int st = pclose(p);
  return {WEXITSTATUS(st), out};
}

// The text of a field of the JSON the program printed ("(missing key)" when absent); the
// first occurrence of the key.
inline std::string json_field(const std::string& out, const std::string& key) {
  const size_t k = out.find("\"" + key + "\": ");
  if (k == std::string::npos) return "(missing " + key + ")";
  const size_t b = k + key.size() + 4;
  const size_t e = out[b] == '[' ? out.find(']', b) + 1 : out.find_first_of(",}", b);
  return out.substr(b, e - b);
}

inline bool have_dataset() {
  return std::filesystem::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");
}
