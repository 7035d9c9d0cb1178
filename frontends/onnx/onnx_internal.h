// Internals of the ONNX frontend shared by the loader and the op files (not installed).
#pragma once
#include <onnx/onnx_pb.h>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "frontends/onnx/onnx_model.h"

namespace tinypynq::onnx {

// Bounds that keep a hostile model from exhausting memory or time before it fails.
constexpr size_t kMaxRank = 16;
constexpr int64_t kMaxElements = int64_t{1} << 28;  // per tensor (1 GiB of float32)

const char* onnx_type_name(int32_t t);
Elem check_elem(int32_t t, const std::string& what);
HostArray make_array(Elem e, const Shape& s);
void check_shape(const Shape& s, const std::string& what);
void check_array(const HostArray& a, const std::string& what);
HostArray from_proto(const ::onnx::TensorProto& t, const std::string& dir, const std::string& what);

// A value flowing through the graph: the tensor it computes in and its ONNX element type.
// Initialisers and Constant outputs also keep their exact host values (`host`): int64 index
// values such as INT64_MAX slice ends are read from there and need not fit int32; their tensor
// is then left undefined and `err` says why, for the ops that need it as a tensor.
struct Val {
  Tensor t;
  Elem elem = Elem::FLOAT;
  std::shared_ptr<const HostArray> host;
  std::string err;
  bool defined() const { return t.defined() || host != nullptr; }
};
Val host_val(HostArray a, const std::string& what);  // tensor on the cpu when representable

// What an op implementation sees of its node.
struct NodeCtx {
  const ::onnx::NodeProto& node;
  int64_t opset;
  std::string dev;               // where results are computed
  std::vector<const Val*> in;    // nullptr for an omitted optional input
  std::vector<Val> out;          // filled by the op (size = node outputs)

  std::string where() const;     // "node 'name' (Op)"
  [[noreturn]] void fail(const std::string& msg) const;
  const ::onnx::AttributeProto* attr(const std::string& name) const;
  bool has(const std::string& name) const { return attr(name) != nullptr; }
  int64_t i(const std::string& name, int64_t def) const;
  float f(const std::string& name, float def) const;
  std::string s(const std::string& name, const std::string& def) const;
  std::vector<int64_t> ints(const std::string& name, std::vector<int64_t> def = {}) const;
  std::vector<float> floats(const std::string& name) const;

  size_t n_in() const { return in.size(); }
  bool has_in(size_t k) const { return k < in.size() && in[k] != nullptr && in[k]->defined(); }
  const Val& v(size_t k) const;              // required input k
  const Tensor& x(size_t k) const { return v(k).t; }
  std::vector<int64_t> in_ints(size_t k) const;   // a small integer input read on the host
  std::vector<float> in_floats(size_t k) const;
  void set(size_t k, Tensor t, Elem e) { out.at(k) = Val{std::move(t), e}; }
  void set(Tensor t, Elem e) { set(0, std::move(t), e); }
  void same(Tensor t) { set(0, std::move(t), v(0).elem); }  // output type = input 0's
  // An optional extra output is only computed when the graph uses it.
  bool wants(size_t k) const { return k < out.size() && k < static_cast<size_t>(node.output_size()) && !node.output(k).empty(); }
};

// One supported op: allowed attribute names, an optional load-time check of the attribute
// values, and the implementation.
struct OpDef {
  std::set<std::string> attrs;
  std::function<void(NodeCtx&)> run;
  std::function<void(const NodeCtx&)> check;  // may be empty
  int min_opset = 1;
};
using OpTable = std::map<std::string, OpDef>;
const OpTable& op_table();
void register_math_ops(OpTable& t);
void register_nn_ops(OpTable& t);
void register_shape_ops(OpTable& t);

// Helpers shared by the op files.
Tensor bcast(const Tensor& a, const Shape& s);  // numpy broadcasting to s
Shape bcast_shape(const Shape& a, const Shape& b, const NodeCtx& c);
Tensor to_dev(const Tensor& t, const std::string& dev);  // copies across devices
Tensor const_like(const Tensor& ref, double v);          // scalar of ref's dtype/device
Tensor full_of(const Shape& s, double v, DType d, const std::string& dev);
Tensor cast_to(const Tensor& t, Elem e, const NodeCtx& c);  // ONNX Cast semantics
void set_max_elements(int64_t n);  // fuzzing: a smaller per-tensor bound than kMaxElements
int64_t norm_ax(const NodeCtx& c, int64_t axis, size_t rank, const char* what = "axis");

}  // namespace tinypynq::onnx
