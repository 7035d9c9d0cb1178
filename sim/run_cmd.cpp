#include "sim/run_cmd.h"

#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <sstream>

#include "frontends/onnx/onnx_model.h"
#include "sim/prediction.h"
#include "sim/report.h"
#include "tensor/device.h"

namespace tinypynq::sim {

CLI::App* add_run_command(CLI::App& app, RunOptions& o) {
  auto* c = app.add_subcommand("run", "run an ONNX model on a target (docs/onnx.md)");
  c->add_option("model", o.model, "the .onnx file (external data files next to it are read)")->required();
  c->add_option("--target", o.target, "where ops run")->capture_default_str();
  c->add_option("--input", o.inputs, "NAME=FILE: an input from a .npy or TensorProto .pb file (repeatable)");
  c->add_option("--inputs", o.inputs_dir, "a folder in the ONNX test layout: input_N.pb (output_N.pb for --check)");
  c->add_flag("--check", o.check, "compare the outputs with output_N.pb in the --inputs folder; exit 3 on a mismatch");
  c->add_option("--rtol", o.rtol, "relative tolerance of --check")->capture_default_str();
  c->add_option("--atol", o.atol, "absolute tolerance of --check")->capture_default_str();
  c->add_option("--out", o.out_dir, "write every output as OUT/NAME.npy");
  c->add_flag("--json", o.json, "print one JSON object with the results");
  c->add_flag("--fused", o.fused, "run the graph as one lazy computation (fuses across ONNX nodes; no per-op times)");
  c->add_option("--seed", o.seed, "seed of the random inputs made when none are given")->capture_default_str();
  c->add_option("--trace", instrument().trace_path, "write a Chrome/Perfetto trace of the run (pynq targets)");
  return c;
}

namespace {
bool is_dir(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
bool exists(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}
std::string safe_name(const std::string& n) {
  std::string r;
  for (char ch : n) r += (std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.') ? ch : '_';
  return r.empty() ? "output" : r;
}
struct NodeTime {
  std::string op, name;
  double board = 0, a9 = 0;
  int64_t pl = 0, ps = 0, count = 1;
};
std::string jstr(const std::string& s) { return nlohmann::json(s).dump(); }
}  // namespace

int run_onnx(const RunOptions& o) {
  device(o.target);  // validates the name first
  onnx::Model m = onnx::load_model(o.model);
  std::map<std::string, onnx::HostArray> in;
  std::vector<std::string> sources(m.inputs().size(), "random");
  for (const auto& spec : o.inputs) {
    auto eq = spec.find('=');
    TP_CHECK(eq != std::string::npos && eq > 0, "--input expects NAME=FILE, got '", spec, "'");
    const std::string name = spec.substr(0, eq), file = spec.substr(eq + 1);
    bool found = false;
    for (size_t i = 0; i < m.inputs().size(); ++i)
      if (m.inputs()[i].name == name) found = true, sources[i] = file;
    TP_CHECK(found, "--input ", name, ": the model has no input of that name");
    in[name] = onnx::load_tensor_file(file);
  }
  if (!o.inputs_dir.empty()) {
    TP_CHECK(is_dir(o.inputs_dir), "--inputs '", o.inputs_dir, "' is not a folder");
    for (size_t i = 0; i < m.inputs().size(); ++i) {
      const auto& vi = m.inputs()[i];
      if (in.count(vi.name)) continue;
      std::string f = o.inputs_dir + "/input_" + std::to_string(i) + ".pb";
      if (!exists(f)) f = o.inputs_dir + "/" + vi.name + ".npy";
      TP_CHECK(exists(f), "--inputs: no input_", i, ".pb or ", vi.name, ".npy for input '", vi.name, "' in ", o.inputs_dir);
      in[vi.name] = onnx::load_tensor_file(f);
      sources[i] = f;
    }
  }
  for (size_t i = 0; i < m.inputs().size(); ++i)
    if (!in.count(m.inputs()[i].name)) in[m.inputs()[i].name] = onnx::random_input(m.inputs()[i], o.seed + i);
  TP_CHECK(!o.check || !o.inputs_dir.empty(), "--check compares with output_N.pb files: give the folder with --inputs");

  Device& dev = device(o.target);
  pynq::PynqStats* ps = pynq::pynq_stats(dev);
  std::map<std::string, Tensor> tin;
  for (const auto& vi : m.inputs()) {
    TP_CHECK(in.at(vi.name).elem == vi.elem, "input '", vi.name, "' is ", onnx::elem_name(in.at(vi.name).elem),
             ", the model declares ", onnx::elem_name(vi.elem));
    tin[vi.name] = onnx::to_tensor(in.at(vi.name), o.target, "input '" + vi.name + "'");
    tin[vi.name].realize();  // the upload is not part of the model's time
  }
  if (ps) ps->reset();
  Instrument& ins = instrument();
  ins.begin(o.target, {{"command", "run"}, {"model", o.model}});
  ins.step_begin(0);
  std::vector<NodeTime> per;
  const auto ops = m.node_ops(), names = m.node_names();
  onnx::Model::NodeHook hook;
  if (!o.fused && ps) {
    hook = [&](size_t ni, const std::vector<Tensor>& outs) {
      const double b0 = ps->board_seconds, a0 = ps->a9_only_seconds;
      const int64_t p0 = ps->pl_kernels, f0 = ps->fallback_kernels;
      Tensor::realize_all(outs);
      per.push_back({ops[ni], names[ni], ps->board_seconds - b0, ps->a9_only_seconds - a0, ps->pl_kernels - p0,
                     ps->fallback_kernels - f0});
    };
  }
  auto t0 = std::chrono::steady_clock::now();
  auto outs = m.run_tensors(tin, o.target, hook);
  std::vector<Tensor> all;
  for (auto& [k, t] : outs) all.push_back(t);
  Tensor::realize_all(all);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ins.step_end();
  ins.end(!o.json);
  Prediction pred = Prediction::take(dev, 0);

  std::map<std::string, onnx::HostArray> res;
  for (const auto& vi : m.outputs()) res[vi.name] = onnx::from_tensor(outs.at(vi.name), vi.elem);
  if (!o.out_dir.empty()) {
    ::mkdir(o.out_dir.c_str(), 0755);
    TP_CHECK(is_dir(o.out_dir), "--out '", o.out_dir, "' is not a folder and cannot be created");
    for (const auto& [k, a] : res) onnx::save_npy(o.out_dir + "/" + safe_name(k) + ".npy", a);
  }
  int status = 0;
  std::vector<std::string> checks;
  if (o.check) {
    for (size_t i = 0; i < m.outputs().size(); ++i) {
      const auto& vi = m.outputs()[i];
      const std::string f = o.inputs_dir + "/output_" + std::to_string(i) + ".pb";
      onnx::HostArray want = onnx::load_tensor_file(exists(f) ? f : o.inputs_dir + "/" + vi.name + ".npy");
      std::string why;
      bool ok = onnx::allclose(res.at(vi.name), want, o.rtol, o.atol, &why);
      if (!ok) status = 3;
      checks.push_back(vi.name + (ok ? ": ok" : ": MISMATCH " + why));
    }
  }

  if (o.json) {
    std::ostringstream s;
    s << "{\"model\": " << jstr(o.model) << ", \"target\": \"" << o.target << "\", \"opset\": " << m.opset()
      << ", \"nodes\": " << m.num_nodes() << ", \"wall_seconds\": " << wall << ", \"outputs\": {";
    bool first = true;
    for (const auto& vi : m.outputs()) {
      const auto& a = res.at(vi.name);
      s << (first ? "" : ", ") << jstr(vi.name) << ": {\"dtype\": \"" << onnx::elem_name(a.elem)
        << "\", \"shape\": [";
      for (size_t i = 0; i < a.shape.size(); ++i) s << (i ? ", " : "") << a.shape[i];
      s << "]}";
      first = false;
    }
    s << "}";
    if (o.check) {
      s << ", \"check\": {\"passed\": " << (status == 0 ? "true" : "false") << ", \"rtol\": " << o.rtol
        << ", \"atol\": " << o.atol << ", \"results\": [";
      for (size_t i = 0; i < checks.size(); ++i) s << (i ? ", " : "") << jstr(checks[i]);
      s << "]}";
    }
    if (pred.valid) {
      s << ", " << pred.json_fields();
      if (!per.empty()) {
        s << ", \"per_node\": [";
        for (size_t i = 0; i < per.size(); ++i)
          s << (i ? ", " : "") << "{\"op\": \"" << per[i].op << "\", \"name\": " << jstr(per[i].name)
            << ", \"board_seconds\": " << per[i].board << ", \"a9_only_seconds\": " << per[i].a9
            << ", \"pl_kernels\": " << per[i].pl << ", \"ps_kernels\": " << per[i].ps << "}";
        s << "]";
      }
    }
    s << "}";
    std::printf("%s\n", s.str().c_str());
    return status;
  }
  std::printf("model %s (opset %lld, %zu nodes, %s) on %s: %.3f s wall\n", o.model.c_str(), (long long)m.opset(),
              m.num_nodes(), m.producer().empty() ? "unknown producer" : m.producer().c_str(), o.target.c_str(), wall);
  for (size_t i = 0; i < m.inputs().size(); ++i)
    std::printf("  input  %-20s %-8s %s  (%s)\n", m.inputs()[i].name.c_str(), onnx::elem_name(m.inputs()[i].elem),
                shape_str(in.at(m.inputs()[i].name).shape).c_str(), sources[i].c_str());
  for (const auto& vi : m.outputs()) {
    const auto& a = res.at(vi.name);
    std::vector<double> v = a.as_double();
    std::string head;
    for (size_t i = 0; i < v.size() && i < 6; ++i) {
      char b[32];
      std::snprintf(b, sizeof b, "%s%.6g", i ? " " : "", v[i]);
      head += b;
    }
    std::printf("  output %-20s %-8s %s  [%s%s]\n", vi.name.c_str(), onnx::elem_name(a.elem), shape_str(a.shape).c_str(),
                head.c_str(), v.size() > 6 ? " ..." : "");
  }
  if (!per.empty()) {
    // Per ONNX node when the graph is small, else per op type (the sum is the same).
    std::vector<NodeTime> rows;
    if (per.size() <= 40) {
      rows = per;
    } else {
      std::map<std::string, NodeTime> by;
      for (auto& p : per) {
        auto [it, fresh] = by.try_emplace(p.op, p);
        if (!fresh) it->second.board += p.board, it->second.a9 += p.a9, it->second.pl += p.pl, it->second.ps += p.ps, ++it->second.count;
      }
      for (auto& [k, v] : by) {
        rows.push_back(v);
        rows.back().name = std::to_string(v.count) + " node" + (v.count > 1 ? "s" : "");
      }
    }
    double total = 0;
    for (auto& p : per) total += p.board;
    std::printf("predicted PYNQ-Z2 time per ONNX %s:\n  %-22s %-28s %10s %10s %6s %4s %4s\n", per.size() <= 40 ? "node" : "op",
                "op", "node", "board ms", "A9 ms", "share", "PL", "PS");
    for (auto& r : rows)
      std::printf("  %-22s %-28.28s %10.4f %10.4f %5.1f%% %4lld %4lld\n", r.op.c_str(), r.name.c_str(), r.board * 1e3,
                  r.a9 * 1e3, total > 0 ? 100 * r.board / total : 0.0, (long long)r.pl, (long long)r.ps);
  }
  if (pred.valid) std::printf("%s", pred.table().c_str());
  if (!o.out_dir.empty()) std::printf("outputs written to %s/\n", o.out_dir.c_str());
  for (auto& c : checks) std::printf("check %s\n", c.c_str());
  if (o.check) std::printf("check %s (rtol %g, atol %g)\n", status ? "FAILED" : "passed", o.rtol, o.atol);
  return status;
}

}  // namespace tinypynq::sim
