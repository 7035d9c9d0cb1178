// ONNX backend node tests (Debian's libonnx-testdata) against an expected-pass list.
//   onnx_conformance --data /usr/share/libonnx-testdata/data/node --target cpu
//                    --expected tests/onnx/expected_pass.txt [--sample 40] [--write-passing FILE]
// Each test runs in a forked child (a crash or a hang fails that test, not the run). Exit status 1
// when a listed test fails or an unlisted one passes (both are printed by name).
#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "frontends/onnx/onnx_internal.h"
#include "tensor/device.h"

using namespace tinypynq;
namespace tpo = tinypynq::onnx;  // ::onnx is the protobuf schema

namespace {
std::vector<std::string> list_dir(const std::string& d, const std::string& prefix) {
  std::vector<std::string> r;
  if (DIR* dir = opendir(d.c_str())) {
    while (dirent* e = readdir(dir)) {
      std::string n = e->d_name;
      if (n.rfind(prefix, 0) == 0) r.push_back(n);
    }
    closedir(dir);
  }
  std::sort(r.begin(), r.end());
  return r;
}

// Runs one test; returns "" on success, else the reason.
std::string run_one(const std::string& dir, const std::string& target, double rtol, double atol) {
  try {
    tpo::Model m = tpo::load_model(dir + "/model.onnx");
    const std::string ds = dir + "/test_data_set_0";
    std::map<std::string, tpo::HostArray> in;
    for (size_t i = 0; i < m.inputs().size(); ++i)
      in[m.inputs()[i].name] = tpo::load_tensor_pb(ds + "/input_" + std::to_string(i) + ".pb");
    auto out = m.run(in, target);
    for (size_t i = 0; i < m.outputs().size(); ++i) {
      tpo::HostArray want = tpo::load_tensor_pb(ds + "/output_" + std::to_string(i) + ".pb");
      std::string why;
      if (!tpo::allclose(out.at(m.outputs()[i].name), want, rtol, atol, &why))
        return "output " + std::to_string(i) + " ('" + m.outputs()[i].name + "'): " + why;
    }
    return "";
  } catch (const std::exception& e) {
    return e.what();
  }
}

std::string run_isolated(const std::string& dir, const std::string& target, double rtol, double atol, int timeout) {
  int fd[2];
  if (pipe(fd) != 0) return "pipe failed";
  pid_t pid = fork();
  if (pid == 0) {
    close(fd[0]);
    alarm(static_cast<unsigned>(timeout));
    std::string r = run_one(dir, target, rtol, atol);
    if (r.empty()) r = "OK";
    (void)!write(fd[1], r.data(), r.size());
    close(fd[1]);
    _exit(0);
  }
  close(fd[1]);
  std::string r;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd[0], buf, sizeof buf)) > 0) r.append(buf, static_cast<size_t>(n));
  close(fd[0]);
  int st = 0;
  waitpid(pid, &st, 0);
  if (WIFSIGNALED(st)) return std::string("crashed with signal ") + strsignal(WTERMSIG(st)) + (WTERMSIG(st) == SIGALRM ? " (timeout)" : "");
  if (r == "OK") return "";
  return r.empty() ? "no result" : r;
}
}  // namespace

void register_test_targets();

int main(int argc, char** argv) {
  std::string data = "/usr/share/libonnx-testdata/data/node", target = "cpu", expected, write_passing;
  int sample = 0, timeout = 60;
  double rtol = 1e-3, atol = 1e-7;  // the ONNX backend test defaults
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) { std::fprintf(stderr, "%s needs a value\n", a.c_str()); std::exit(2); }
      return argv[++i];
    };
    if (a == "--data") data = next();
    else if (a == "--target") target = next();
    else if (a == "--expected") expected = next();
    else if (a == "--write-passing") write_passing = next();
    else if (a == "--sample") sample = std::stoi(next());
    else if (a == "--timeout") timeout = std::stoi(next());
    else if (a == "--rtol") rtol = std::stod(next());
    else if (a == "--atol") atol = std::stod(next());
    else if (a == "-v") verbose = true;
    else if (a == "--list-ops") {  // the supported-ops table of docs/onnx.md
      for (const auto& [name, def] : tpo::op_table()) {
        std::string at;
        for (const auto& x : def.attrs) at += (at.empty() ? "" : ", ") + x;
        std::printf("| %s | %s |\n", name.c_str(), at.empty() ? "-" : at.c_str());
      }
      return 0;
    }
    else { std::fprintf(stderr, "unknown argument %s\n", a.c_str()); return 2; }
  }
  register_test_targets();
  std::set<std::string> listed;
  if (!expected.empty()) {
    std::ifstream f(expected);
    if (!f) { std::fprintf(stderr, "cannot read %s\n", expected.c_str()); return 2; }
    for (std::string l; std::getline(f, l);)
      if (!l.empty() && l[0] != '#') listed.insert(l);
  }
  std::vector<std::string> tests = list_dir(data, "test_");
  if (tests.empty()) { std::fprintf(stderr, "no tests under %s\n", data.c_str()); return 2; }
  if (sample > 0) {  // an even spread over the listed tests (bounded time on slow targets)
    std::vector<std::string> l(listed.begin(), listed.end()), s;
    for (int k = 0; k < sample && !l.empty(); ++k) s.push_back(l[k * l.size() / sample]);
    s.erase(std::unique(s.begin(), s.end()), s.end());
    tests = s;
  }
  std::vector<std::string> pass, regress, fresh;
  for (const auto& t : tests) {
    std::string why = run_isolated(data + "/" + t, target, rtol, atol, timeout);
    const bool ok = why.empty(), in_list = listed.count(t) > 0;
    if (ok) pass.push_back(t);
    if (!ok && in_list) regress.push_back(t + ": " + why);
    if (ok && !in_list && !expected.empty()) fresh.push_back(t);
    if (verbose) std::printf("%s %s%s%s\n", ok ? "PASS" : "FAIL", t.c_str(), ok ? "" : ": ", why.substr(0, 300).c_str());
  }
  std::printf("onnx node tests on %s: %zu of %zu pass (rtol %g, atol %g)\n", target.c_str(), pass.size(), tests.size(), rtol, atol);
  if (!write_passing.empty()) {
    std::ofstream f(write_passing);
    f << "# ONNX node tests (libonnx-testdata 1.12) that pass on cpu; regenerate with\n"
         "# onnx_conformance --write-passing tests/onnx/expected_pass.txt\n";
    for (auto& p : pass) f << p << "\n";
  }
  for (auto& r : regress) std::printf("REGRESSION (listed, fails): %s\n", r.c_str());
  for (auto& n : fresh) std::printf("NEW PASS (not listed): %s\n", n.c_str());
  if (!expected.empty()) std::printf("%zu listed tests fail, %zu unlisted tests pass\n", regress.size(), fresh.size());
  return regress.empty() && fresh.empty() ? 0 : 1;
}
