// ONNX import: loads an ONNX model (opsets up to 17) through Debian's libonnx (protobuf schema,
// checker, shape inference) and runs it on the Tensor API, so cpu, tlm, rtl and board all run it.
//
//   using namespace tinypynq;
//   onnx::Model m = onnx::load_model("mlp.onnx");          // throws tinypynq::Error when unsupported
//   onnx::HostArray x = onnx::random_input(m.inputs()[0], /*seed=*/0);
//   std::map<std::string, onnx::HostArray> y = m.run({{m.inputs()[0].name, x}}, "tlm");
//   onnx::save_npy("y.npy", y.at(m.outputs()[0].name));
//
// Every unsupported op or attribute fails in load_model, naming the node, the op and the
// attribute. Integer tensors compute as int32 (values outside int32 fail with an error), float64
// as float32; outputs come back in the declared ONNX element type.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace tinypynq::onnx {

// ONNX element types tinypynq accepts (values of TensorProto.DataType).
enum class Elem : int32_t {
  FLOAT = 1, UINT8 = 2, INT8 = 3, UINT16 = 4, INT16 = 5, INT32 = 6, INT64 = 7,
  BOOL = 9, DOUBLE = 11, UINT32 = 12, UINT64 = 13,
};
const char* elem_name(Elem e);   // "float32", "int64", ... (numpy spelling)
size_t elem_size(Elem e);        // bytes per element
bool elem_supported(int32_t onnx_type);
DType compute_dtype(Elem e);     // the Tensor dtype it computes in: f32, i32 or boolean

// A host-side n-d array in an ONNX element type: model inputs/outputs, .npy and .pb files.
struct HostArray {
  Elem elem = Elem::FLOAT;
  Shape shape;
  std::vector<uint8_t> data;  // row-major little-endian, prod(shape) * elem_size(elem) bytes
  int64_t numel() const { return prod(shape); }
  std::vector<double> as_double() const;  // every element widened (for comparisons)
};

// Tensor <-> HostArray. to_tensor narrows (int64 -> int32 with a range check naming `what`).
Tensor to_tensor(const HostArray& a, const std::string& device = "", const std::string& what = "tensor");
HostArray from_tensor(const Tensor& t, Elem elem);

struct ValueInfo {
  std::string name;
  Elem elem = Elem::FLOAT;
  Shape shape;                        // -1 for a dimension the model leaves symbolic/unknown
  std::vector<std::string> dim_names; // the symbolic names ("" when fixed)
};

struct ModelImpl;
class Model {
 public:
  Model();
  ~Model();
  Model(Model&&) noexcept;
  Model& operator=(Model&&) noexcept;

  const std::vector<ValueInfo>& inputs() const;   // graph inputs that are not initialisers
  const std::vector<ValueInfo>& outputs() const;
  int64_t opset() const;                          // the default-domain opset
  std::string producer() const;                   // "pytorch 1.13.1", ...
  std::vector<std::string> node_summary() const;  // "Gemm /fc1/Gemm", one per node, in run order
  size_t num_nodes() const;

  // Runs on `device` ("" = default). Every graph input must be given, with its declared element
  // type and a shape matching the declared one (symbolic dims take any size). Returns every graph
  // output by name. Limits (elements per tensor, total work) guard against hostile models.
  std::map<std::string, HostArray> run(const std::map<std::string, HostArray>& inputs,
                                       const std::string& device = "") const;
  // The same on tensors already on the device (outputs stay lazy until read). `after_node`, when
  // set, is called after each node with its index in node_summary() and its output tensors
  // (e.g. to realize them one node at a time and attribute predicted time to ONNX ops).
  using NodeHook = std::function<void(size_t node, const std::vector<Tensor>& outputs)>;
  std::map<std::string, Tensor> run_tensors(const std::map<std::string, Tensor>& inputs,
                                            const std::string& device = "", const NodeHook& after_node = {}) const;
  std::vector<std::string> node_ops() const;      // op type per node, in run order
  std::vector<std::string> node_names() const;    // node name ("" when unnamed) per node

 private:
  std::unique_ptr<ModelImpl> impl_;
  friend Model load_model_from_memory(const void*, size_t);
  friend Model load_model(const std::string&);
};

// Parses, checks (onnx::checker, shape inference) and validates every node. load_model reads
// external data files (TensorProto.data_location = EXTERNAL) relative to the model's folder;
// load_model_from_memory rejects external data (it has no folder). Safe on untrusted bytes:
// every problem is a tinypynq::Error.
Model load_model(const std::string& path);
Model load_model_from_memory(const void* data, size_t size);

// Tensor files: ONNX TensorProto (.pb, the ONNX test layout) and NumPy .npy (v1-3, C order).
HostArray load_tensor_pb(const std::string& path);
HostArray load_npy(const std::string& path);
void save_npy(const std::string& path, const HostArray& a);   // atomic (temp file + rename)
HostArray load_tensor_file(const std::string& path);          // by extension: .npy or .pb

// Random input for `v` (symbolic dims = 1): floats uniform in [-1, 1), ints in [0, 10), bools.
HostArray random_input(const ValueInfo& v, uint64_t seed);

// Elementwise |a - b| <= atol + rtol * |b| (NaN equals NaN); on failure `why` names the first
// mismatch (index, values) or the shape/type difference.
bool allclose(const HostArray& a, const HostArray& b, double rtol, double atol, std::string* why = nullptr);

}  // namespace tinypynq::onnx
