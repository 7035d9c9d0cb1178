// Loading (parse, check, shape inference, validation of every node) and running ONNX graphs.
#include <onnx/checker.h>
#include <onnx/shape_inference/implementation.h>

#include <climits>
#include <fstream>
#include <iterator>
#include <unordered_map>

#include "frontends/onnx/onnx_internal.h"
#include "tensor/device.h"

namespace tinypynq::onnx {

struct ModelImpl {
  ::onnx::ModelProto proto;
  int64_t opset = 0;
  std::vector<ValueInfo> inputs, outputs;
  std::map<std::string, HostArray> init;            // initialisers and Constant-free weights
  std::vector<const ::onnx::NodeProto*> order;      // topological
  mutable std::map<std::string, std::map<std::string, Val>> init_on;  // per device, converted once
};

Model::Model() = default;
Model::~Model() = default;
Model::Model(Model&&) noexcept = default;
Model& Model::operator=(Model&&) noexcept = default;
const std::vector<ValueInfo>& Model::inputs() const { return impl_->inputs; }
const std::vector<ValueInfo>& Model::outputs() const { return impl_->outputs; }
int64_t Model::opset() const { return impl_->opset; }
std::string Model::producer() const {
  return impl_->proto.producer_name() + (impl_->proto.producer_version().empty() ? "" : " " + impl_->proto.producer_version());
}
size_t Model::num_nodes() const { return impl_->order.size(); }
std::vector<std::string> Model::node_ops() const {
  std::vector<std::string> r;
  for (auto* n : impl_->order) r.push_back(n->op_type());
  return r;
}
std::vector<std::string> Model::node_names() const {
  std::vector<std::string> r;
  for (auto* n : impl_->order) r.push_back(n->name());
  return r;
}
std::vector<std::string> Model::node_summary() const {
  std::vector<std::string> r;
  for (auto* n : impl_->order) r.push_back(n->op_type() + " " + n->name());
  return r;
}

namespace {

ValueInfo value_info(const ::onnx::ValueInfoProto& v, const char* kind) {
  const std::string what = std::string(kind) + " '" + v.name() + "'";
  TP_CHECK(v.type().has_tensor_type(), what, " is not a tensor (sequences, maps and optionals are not supported)");
  const auto& tt = v.type().tensor_type();
  ValueInfo r;
  r.name = v.name();
  r.elem = check_elem(tt.elem_type(), what);
  if (tt.has_shape()) {
    TP_CHECK(static_cast<size_t>(tt.shape().dim_size()) <= kMaxRank, what, ": rank ", tt.shape().dim_size(),
             " exceeds the limit of ", kMaxRank);
    for (const auto& d : tt.shape().dim()) {
      if (d.has_dim_value()) {
        TP_CHECK(d.dim_value() >= 0 && d.dim_value() <= kMaxElements, what, ": dimension ", d.dim_value(), " is out of range");
        r.shape.push_back(d.dim_value());
        r.dim_names.push_back("");
      } else {
        r.shape.push_back(-1);
        r.dim_names.push_back(d.dim_param());
      }
    }
  }
  return r;
}

// Default-domain opset of the model; other domains' nodes are rejected per node.
int64_t default_opset(const ::onnx::ModelProto& m) {
  int64_t v = -1;
  for (const auto& o : m.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") v = o.version();
  TP_CHECK(v >= 0, "the model imports no opset of the default ONNX domain");
  TP_CHECK(v >= 1 && v <= 17, "opset ", v, " is not supported (tinypynq reads opsets up to 17)");
  return v;
}

void validate_node(const ::onnx::NodeProto& n, int64_t opset) {
  NodeCtx c{n, opset, "", {}, {}};
  TP_CHECK(n.domain().empty() || n.domain() == "ai.onnx", c.where(), ": op domain '", n.domain(),
           "' is not supported (only the default ONNX domain is)");
  const OpTable& t = op_table();
  auto it = t.find(n.op_type());
  TP_CHECK(it != t.end(), c.where(), ": op ", n.op_type(), " is not supported (docs/onnx.md lists the supported ops)");
  const OpDef& d = it->second;
  TP_CHECK(opset >= d.min_opset, c.where(), ": op ", n.op_type(), " needs opset >= ", d.min_opset);
  for (const auto& a : n.attribute())
    TP_CHECK(d.attrs.count(a.name()), c.where(), ": attribute '", a.name(), "' of op ", n.op_type(),
             " is not supported");
  if (d.check) d.check(c);
}

void build(ModelImpl& m, const std::string& dir) {
  m.opset = default_opset(m.proto);
  try {
    ::onnx::shape_inference::InferShapes(m.proto, ::onnx::OpSchemaRegistry::Instance(),
                                         ::onnx::ShapeInferenceOptions(true, 1, false));
  } catch (const std::exception& e) {
    TP_CHECK(false, "ONNX shape inference rejected the model: ", e.what());
  }
  const auto& g = m.proto.graph();
  for (const auto& t : g.initializer()) {
    TP_CHECK(!m.init.count(t.name()), "initialiser '", t.name(), "' is defined twice");
    m.init.emplace(t.name(), from_proto(t, dir, "initialiser"));
  }
  TP_CHECK(g.sparse_initializer_size() == 0, "sparse initialisers are not supported");
  std::set<std::string> known;
  for (const auto& [k, v] : m.init) known.insert(k);
  for (const auto& i : g.input()) {
    if (m.init.count(i.name())) continue;  // an initialiser with a default value: a weight
    m.inputs.push_back(value_info(i, "graph input"));
    known.insert(i.name());
  }
  for (const auto& o : g.output()) m.outputs.push_back(value_info(o, "graph output"));
  // Topological order (the standard asks for it; producers that do not get sorted here).
  std::unordered_map<std::string, int> producer;
  for (int i = 0; i < g.node_size(); ++i)
    for (const auto& o : g.node(i).output())
      if (!o.empty()) {
        TP_CHECK(!producer.count(o) && !known.count(o), "value '", o, "' is produced twice (by node ", i, ")");
        producer[o] = i;
      }
  std::vector<int> state(g.node_size(), 0);  // 0 new, 1 on the stack, 2 done
  std::vector<std::pair<int, int>> stack;    // (node, next input)
  for (int root = 0; root < g.node_size(); ++root) {
    if (state[root]) continue;
    stack.push_back({root, 0});
    state[root] = 1;
    while (!stack.empty()) {
      auto& [n, k] = stack.back();
      const auto& node = g.node(n);
      if (k < node.input_size()) {
        const std::string& name = node.input(k++);
        if (name.empty() || known.count(name)) continue;
        auto p = producer.find(name);
        TP_CHECK(p != producer.end(), "node '", node.name(), "' (", node.op_type(), ") reads '", name,
                 "', which is no graph input, initialiser or node output (a missing initialiser?)");
        TP_CHECK(state[p->second] != 1, "the graph has a cycle through value '", name, "' (node '", node.name(), "', ",
                 node.op_type(), ")");
        if (state[p->second] == 0) {
          state[p->second] = 1;
          stack.push_back({p->second, 0});
        }
        continue;
      }
      state[n] = 2;
      m.order.push_back(&node);
      stack.pop_back();
    }
  }
  for (const auto& o : m.outputs)
    TP_CHECK(known.count(o.name) || producer.count(o.name), "graph output '", o.name, "' is never produced");
  for (auto* n : m.order) validate_node(*n, m.opset);
}


}  // namespace

Model load_model_from_memory(const void* data, size_t size) {
  TP_CHECK(data || size == 0, "load_model_from_memory: null data");
  TP_CHECK(size > 0, "the ONNX model is empty");
  TP_CHECK(size < static_cast<size_t>(INT_MAX), "the ONNX model is larger than protobuf's 2 GB limit");
  auto impl = std::make_unique<ModelImpl>();
  TP_CHECK(impl->proto.ParseFromArray(data, static_cast<int>(size)),
           "not a valid ONNX model: the protobuf data is truncated or malformed (", size, " bytes)");
  for (const auto& t : impl->proto.graph().initializer())
    TP_CHECK(t.data_location() != ::onnx::TensorProto::EXTERNAL, "initialiser '", t.name(),
             "' keeps its data in an external file: load the model from its file (load_model) instead");
  try {
    ::onnx::checker::check_model(impl->proto);
  } catch (const std::exception& e) {
    TP_CHECK(false, "invalid ONNX model: ", e.what());
  }
  build(*impl, "");
  Model r;
  r.impl_ = std::move(impl);
  return r;
}

Model load_model(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  TP_CHECK(f.good(), "cannot open ONNX model '", path, "'");
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  TP_CHECK(!bytes.empty(), "ONNX model '", path, "' is empty");
  TP_CHECK(bytes.size() < static_cast<size_t>(INT_MAX), "ONNX model '", path, "' is larger than protobuf's 2 GB limit");
  auto impl = std::make_unique<ModelImpl>();
  TP_CHECK(impl->proto.ParseFromString(bytes), "'", path,
           "' is not a valid ONNX model: the protobuf data is truncated or malformed");
  const std::string dir = path.find('/') == std::string::npos ? "." : path.substr(0, path.rfind('/'));
  try {
    ::onnx::checker::check_model(path);  // the path form also checks external data locations
  } catch (const std::exception& e) {
    TP_CHECK(false, "'", path, "' is not a valid ONNX model: ", e.what());
  }
  try {
    build(*impl, dir);
  } catch (const Error& e) {
    throw Error("'" + path + "': " + e.what());
  }
  Model r;
  r.impl_ = std::move(impl);
  return r;
}

// ---------------------------------------------------------------- running

namespace {
int64_t g_max_elements = kMaxElements;
}
void set_max_elements(int64_t n) { g_max_elements = n; }

std::map<std::string, Tensor> Model::run_tensors(const std::map<std::string, Tensor>& inputs_in,
                                                 const std::string& dev_in, const NodeHook& after_node) const {
  const std::string dev = dev_in.empty() ? default_device() : dev_in;
  device(dev);  // validates the name
  const ModelImpl& m = *impl_;
  std::unordered_map<std::string, Val> env;
  auto& cache = m.init_on["cpu"];
  for (const auto& [k, a] : m.init) {
    auto it = cache.find(k);
    if (it == cache.end()) it = cache.emplace(k, host_val(a, "initialiser '" + k + "'")).first;
    env[k] = it->second;
  }
  for (const auto& [k, t] : inputs_in) {
    bool found = false;
    for (const auto& vi : m.inputs) {
      if (vi.name != k) continue;
      found = true;
      TP_CHECK(t.dtype() == compute_dtype(vi.elem), "input '", k, "': dtype ", dtype_name(t.dtype()), ", the model declares ",
               elem_name(vi.elem));
      if (!vi.shape.empty() || t.ndim() == 0) {
        bool ok = vi.shape.size() == t.ndim();
        for (size_t i = 0; ok && i < vi.shape.size(); ++i) ok = vi.shape[i] < 0 || vi.shape[i] == t.shape()[i];
        std::string want = "(";
        for (size_t i = 0; i < vi.shape.size(); ++i)
          want += (i ? ", " : "") + (vi.shape[i] < 0 ? (vi.dim_names[i].empty() ? "?" : vi.dim_names[i]) : std::to_string(vi.shape[i]));
        TP_CHECK(ok, "input '", k, "': shape ", shape_str(t.shape()), " does not match the model's ", want, ")");
      }
      env[k] = Val{t, vi.elem};
    }
    TP_CHECK(found, "'", k, "' is not an input of the model (inputs: ", [&] {
      std::string s;
      for (auto& vi : m.inputs) s += (s.empty() ? "" : ", ") + vi.name;
      return s;
    }(), ")");
  }
  for (const auto& vi : m.inputs) TP_CHECK(env.count(vi.name), "input '", vi.name, "' was not given");

  for (size_t ni = 0; ni < m.order.size(); ++ni) {
    const ::onnx::NodeProto* n = m.order[ni];
    NodeCtx c{*n, m.opset, dev, {}, {}};
    bool small_host = true;  // shape arithmetic on small host values stays on the cpu
    for (const auto& name : n->input()) {
      if (name.empty()) { c.in.push_back(nullptr); continue; }
      const Val& v = env.at(name);
      c.in.push_back(&v);
      small_host &= !v.t.defined() || (v.t.device().name() == "cpu" && v.t.numel() <= 4096);
    }
    if (small_host) c.dev = "cpu";
    c.out.resize(n->output_size());
    // Inputs on another device (weights, host-computed shapes) move to the one computing.
    std::vector<Val> moved(c.in.size());
    for (size_t k = 0; k < c.in.size(); ++k)
      if (c.in[k] && c.in[k]->t.defined() && c.in[k]->t.device().name() != c.dev) {
        moved[k] = *c.in[k];
        moved[k].t = to_dev(c.in[k]->t, c.dev);
        c.in[k] = &moved[k];
      }
    try {
      op_table().at(n->op_type()).run(c);
    } catch (const Error& e) {
      const std::string msg = e.what();
      if (msg.rfind("node '", 0) == 0) throw;
      throw Error(c.where() + ": " + msg);
    }
    for (int k = 0; k < n->output_size(); ++k) {
      if (n->output(k).empty()) continue;
      TP_CHECK(c.out[k].defined(), c.where(), ": output ", k, " ('", n->output(k), "') is not produced by tinypynq's ",
               n->op_type());
      TP_CHECK(!c.out[k].t.defined() || c.out[k].t.numel() <= g_max_elements, c.where(), ": output shape ", shape_str(c.out[k].t.shape()),
               " exceeds the limit of ", g_max_elements, " elements");
    }
    if (after_node) {
      std::vector<Tensor> outs;
      for (auto& o : c.out) if (o.t.defined()) outs.push_back(o.t);
      after_node(ni, outs);
    }
    for (int k = 0; k < n->output_size(); ++k)
      if (!n->output(k).empty()) env[n->output(k)] = std::move(c.out[k]);
  }
  std::map<std::string, Tensor> r;
  for (const auto& o : m.outputs) {
    const Val& v = env.at(o.name);
    TP_CHECK(v.t.defined(), "graph output '", o.name, "': ", v.err);
    r[o.name] = v.t.device().name() == dev ? v.t : to_dev(v.t, dev);
  }
  return r;
}

std::map<std::string, HostArray> Model::run(const std::map<std::string, HostArray>& inputs,
                                            const std::string& dev_in) const {
  const std::string dev = dev_in.empty() ? default_device() : dev_in;
  std::map<std::string, Tensor> in;
  for (const auto& [k, a] : inputs) {
    for (const auto& vi : impl_->inputs)
      if (vi.name == k)
        TP_CHECK(a.elem == vi.elem, "input '", k, "' is ", elem_name(a.elem), ", the model declares ", elem_name(vi.elem));
    in[k] = to_tensor(a, dev, "input '" + k + "'");
  }
  auto out = run_tensors(in, dev);
  std::vector<Tensor> all;
  for (auto& [k, t] : out) all.push_back(t);
  Tensor::realize_all(all);
  std::map<std::string, HostArray> r;
  for (const auto& o : impl_->outputs) r[o.name] = from_tensor(out.at(o.name), o.elem);
  return r;
}

}  // namespace tinypynq::onnx
