// The ONNX frontend from the user's side: exported PyTorch models match PyTorch on cpu and tlm,
// malformed or unsupported models fail with an Error naming the problem, tensor files round-trip.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "frontends/onnx/onnx_model.h"
#include "tensor/device.h"

void register_test_targets();

namespace tinypynq {
namespace {

namespace fs = std::filesystem;
const std::string kModels = TINYPYNQ_ONNX_MODELS;

struct Env : ::testing::Environment {
  void SetUp() override { register_test_targets(); }
};
const auto* env = ::testing::AddGlobalTestEnvironment(new Env);

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// ---------------------------------------------------------------- exported models vs PyTorch

struct Tol { double rtol, atol; };
void check_model(const std::string& name, const std::string& target, Tol tol) {
  const std::string dir = kModels + "/" + name;
  onnx::Model m = onnx::load_model(dir + "/model.onnx");
  auto in = onnx::load_tensor_pb(dir + "/test_data_set_0/input_0.pb");
  auto want = onnx::load_tensor_pb(dir + "/test_data_set_0/output_0.pb");
  auto out = m.run({{m.inputs()[0].name, in}}, target);
  std::string why;
  EXPECT_TRUE(onnx::allclose(out.at(m.outputs()[0].name), want, tol.rtol, tol.atol, &why)) << name << " on " << target << ": " << why;
}

// cpu: float32 throughout, PyTorch's reference is float32 too (different summation order).
TEST(OnnxModels, MatchPyTorchOnCpu) {
  for (const char* n : {"mlp", "cnn", "resblock", "transformer"}) check_model(n, "cpu", {1e-4, 1e-5});
}

// tlm: the PL datapath's transcendentals are within the hw-spec ULP bounds; accumulated through
// a model they stay within 1e-3 relative.
TEST(OnnxModels, MatchPyTorchOnTlm) {
  bool have = false;
  for (auto& d : device_names()) have |= d == "tlm";
  if (!have) GTEST_SKIP() << "no tlm target in this build";
  for (const char* n : {"mlp", "cnn", "resblock", "transformer"}) check_model(n, "tlm", {1e-3, 1e-4});
}

// ---------------------------------------------------------------- building models by hand

struct G {
  ::onnx::ModelProto m;
  ::onnx::GraphProto* g;
  G(int64_t opset = 13) {
    m.set_ir_version(8);
    auto* o = m.add_opset_import();
    o->set_domain("");
    o->set_version(opset);
    g = m.mutable_graph();
    g->set_name("g");
  }
  void io(bool input, const std::string& name, int elem, Shape s) {
    auto* v = input ? g->add_input() : g->add_output();
    v->set_name(name);
    auto* t = v->mutable_type()->mutable_tensor_type();
    t->set_elem_type(elem);
    auto* sh = t->mutable_shape();
    for (auto d : s) sh->add_dim()->set_dim_value(d);
  }
  ::onnx::NodeProto* node(const std::string& op, std::vector<std::string> in, std::vector<std::string> out,
                          const std::string& name = "") {
    auto* n = g->add_node();
    n->set_op_type(op);
    n->set_name(name.empty() ? op + "_" + std::to_string(g->node_size()) : name);
    for (auto& i : in) n->add_input(i);
    for (auto& o : out) n->add_output(o);
    return n;
  }
  void init(const std::string& name, Shape s, std::vector<float> v) {
    auto* t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(1);
    for (auto d : s) t->add_dims(d);
    for (float f : v) t->add_float_data(f);
  }
  std::string bytes() const { return m.SerializeAsString(); }
  onnx::Model load() const {
    std::string b = bytes();
    return onnx::load_model_from_memory(b.data(), b.size());
  }
};

G add_model() {
  G g;
  g.io(true, "x", 1, {2, 3});
  g.io(false, "y", 1, {2, 3});
  g.init("b", {3}, {1, 2, 3});
  g.node("Add", {"x", "b"}, {"y"}, "add_bias");
  return g;
}

TEST(OnnxLoad, RunsAHandBuiltModel) {
  onnx::Model m = add_model().load();
  ASSERT_EQ(m.inputs().size(), 1u);  // the initialiser is not an input
  onnx::HostArray x = onnx::random_input(m.inputs()[0], 3);
  auto y = m.run({{"x", x}}, "cpu").at("y").as_double();
  auto xv = x.as_double();
  for (size_t i = 0; i < 6; ++i) EXPECT_FLOAT_EQ(y[i], static_cast<float>(xv[i]) + static_cast<float>(i % 3 + 1));
}

TEST(OnnxLoad, MalformedBytesFailCleanly) {
  std::string b = add_model().bytes();
  for (size_t n : {size_t{1}, b.size() / 3, b.size() / 2, b.size() - 3})
    EXPECT_NE(error_of([&] { onnx::load_model_from_memory(b.data(), n); }), "(no error)") << "truncated to " << n;
  std::string junk(256, '\xff');
  EXPECT_NE(error_of([&] { onnx::load_model_from_memory(junk.data(), junk.size()); }).find("not a valid ONNX model"),
            std::string::npos);
  EXPECT_NE(error_of([&] { onnx::load_model_from_memory(b.data(), 0); }).find("empty"), std::string::npos);
  EXPECT_NE(error_of([] { onnx::load_model("/nonexistent/model.onnx"); }).find("cannot open"), std::string::npos);
}

TEST(OnnxLoad, MissingInitialiserIsNamed) {
  G g;
  g.io(true, "x", 1, {2});
  g.io(false, "y", 1, {2});
  g.node("Mul", {"x", "w"}, {"y"}, "scale");
  std::string e = error_of([&] { g.load(); });
  EXPECT_NE(e.find("'w'"), std::string::npos) << e;
}

TEST(OnnxLoad, CycleIsRejected) {
  G g;
  g.io(true, "x", 1, {2});
  g.io(false, "y", 1, {2});
  g.node("Add", {"x", "b"}, {"a"}, "n1");
  g.node("Relu", {"a"}, {"b"}, "n2");
  g.node("Identity", {"b"}, {"y"}, "n3");
  std::string e = error_of([&] { g.load(); });
  EXPECT_NE(e, "(no error)");
  EXPECT_TRUE(e.find("cycle") != std::string::npos || e.find("topolog") != std::string::npos) << e;
}

TEST(OnnxLoad, WrongTypesAndShapesFailAtLoad) {
  G g;  // float + int64: the checker / shape inference refuse it
  g.io(true, "x", 1, {2});
  g.io(true, "i", 7, {2});
  g.io(false, "y", 1, {2});
  g.node("Add", {"x", "i"}, {"y"}, "mixed");
  EXPECT_NE(error_of([&] { g.load(); }), "(no error)");
  G h;  // (2, 3) @ (4, 5)
  h.io(true, "a", 1, {2, 3});
  h.io(true, "b", 1, {4, 5});
  h.io(false, "y", 1, {2, 5});
  h.node("MatMul", {"a", "b"}, {"y"}, "mm");
  std::string e = error_of([&] { h.load(); });
  EXPECT_NE(e.find("shape inference"), std::string::npos) << e;
}

TEST(OnnxLoad, UnsupportedOpAndAttributeAreNamed) {
  G g;
  g.io(true, "x", 1, {2, 3, 3});
  g.io(false, "y", 1, {2});
  g.node("Hardmax", {"x"}, {"h"}, "hm");
  g.node("Det", {"h"}, {"y"}, "determinant");
  std::string e = error_of([&] { g.load(); });
  EXPECT_NE(e.find("node 'determinant' (Det)"), std::string::npos) << e;
  EXPECT_NE(e.find("op Det is not supported"), std::string::npos) << e;
  G h;
  h.io(true, "x", 1, {1, 1, 4, 4});
  h.io(false, "y", 1, {1, 1, 2, 2});
  auto* n = h.node("MaxPool", {"x"}, {"y"}, "pool1");
  auto* a = n->add_attribute();
  a->set_name("kernel_shape");
  a->set_type(::onnx::AttributeProto::INTS);
  a->add_ints(2), a->add_ints(2);
  a = n->add_attribute();
  a->set_name("strides");
  a->set_type(::onnx::AttributeProto::INTS);
  a->add_ints(2), a->add_ints(2);
  a = n->add_attribute();
  a->set_name("storage_order");
  a->set_type(::onnx::AttributeProto::INT);
  a->set_i(1);
  e = error_of([&] { h.load(); });
  EXPECT_NE(e.find("node 'pool1' (MaxPool)"), std::string::npos) << e;
  EXPECT_NE(e.find("storage_order"), std::string::npos) << e;
}

TEST(OnnxRun, InputsAreChecked) {
  onnx::Model m = add_model().load();
  onnx::HostArray bad = onnx::random_input({"x", onnx::Elem::FLOAT, {3, 2}, {"", ""}}, 0);
  EXPECT_NE(error_of([&] { m.run({{"x", bad}}, "cpu"); }).find("does not match"), std::string::npos);
  onnx::HostArray i64 = onnx::random_input({"x", onnx::Elem::INT64, {2, 3}, {"", ""}}, 0);
  EXPECT_NE(error_of([&] { m.run({{"x", i64}}, "cpu"); }).find("int64"), std::string::npos);
  EXPECT_NE(error_of([&] { m.run({}, "cpu"); }).find("'x' was not given"), std::string::npos);
  EXPECT_NE(error_of([&] { m.run({{"z", bad}}, "cpu"); }).find("not an input"), std::string::npos);
}

TEST(OnnxRun, Int64IsNarrowedWithARangeCheck) {
  G g;
  g.io(true, "i", 7, {2});
  g.io(false, "y", 7, {2});
  g.node("Neg", {"i"}, {"y"}, "neg");
  onnx::Model m = g.load();
  onnx::HostArray a = onnx::random_input(m.inputs()[0], 0);
  int64_t v[2] = {int64_t{1} << 40, 5};
  std::memcpy(a.data.data(), v, 16);
  EXPECT_NE(error_of([&] { m.run({{"i", a}}, "cpu"); }).find("int32 range"), std::string::npos);
  v[0] = -7;
  std::memcpy(a.data.data(), v, 16);
  auto y = m.run({{"i", a}}, "cpu").at("y");
  EXPECT_EQ(y.elem, onnx::Elem::INT64);
  EXPECT_EQ(y.as_double(), (std::vector<double>{7, -5}));
}

TEST(OnnxLoad, ExternalDataNextToTheModel) {
  const fs::path dir = fs::temp_directory_path() / ("tp_onnx_ext_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  G g;
  g.io(true, "x", 1, {3});
  g.io(false, "y", 1, {3});
  auto* t = g.g->add_initializer();
  t->set_name("w");
  t->set_data_type(1);
  t->add_dims(3);
  t->set_data_location(::onnx::TensorProto::EXTERNAL);
  auto* kv = t->add_external_data();
  kv->set_key("location");
  kv->set_value("weights.bin");
  g.node("Mul", {"x", "w"}, {"y"}, "scale");
  float w[3] = {2, 3, 4};
  std::ofstream(dir / "weights.bin", std::ios::binary).write(reinterpret_cast<char*>(w), sizeof w);
  std::ofstream(dir / "model.onnx", std::ios::binary) << g.bytes();
  onnx::Model m = onnx::load_model((dir / "model.onnx").string());
  onnx::HostArray x = onnx::random_input(m.inputs()[0], 1);
  auto y = m.run({{"x", x}}, "cpu").at("y").as_double();
  auto xv = x.as_double();
  for (int i = 0; i < 3; ++i) EXPECT_FLOAT_EQ(y[i], static_cast<float>(xv[i]) * w[i]);
  // From memory there is no folder to read it from; a short file is an error too.
  std::string b = g.bytes();
  EXPECT_NE(error_of([&] { onnx::load_model_from_memory(b.data(), b.size()); }).find("external"), std::string::npos);
  std::ofstream(dir / "weights.bin", std::ios::binary).write(reinterpret_cast<char*>(w), 8);
  EXPECT_NE(error_of([&] { onnx::load_model((dir / "model.onnx").string()); }), "(no error)");
  fs::remove_all(dir);
}

TEST(OnnxFiles, NpyRoundTripAndErrors) {
  const std::string p = (fs::temp_directory_path() / ("tp_npy_" + std::to_string(::getpid()) + ".npy")).string();
  for (onnx::Elem e : {onnx::Elem::FLOAT, onnx::Elem::INT64, onnx::Elem::BOOL, onnx::Elem::DOUBLE, onnx::Elem::UINT8}) {
    onnx::HostArray a = onnx::random_input({"a", e, {2, 3, 1}, {"", "", ""}}, 4);
    onnx::save_npy(p, a);
    onnx::HostArray b = onnx::load_npy(p);
    EXPECT_EQ(b.elem, a.elem);
    EXPECT_EQ(b.shape, a.shape);
    EXPECT_EQ(b.data, a.data);
  }
  {
    const std::string h = "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }\n";
    std::ofstream f(p, std::ios::binary);
    f << "\x93NUMPY" << '\x01' << '\x00' << static_cast<char>(h.size()) << '\x00' << h << "short";
  }
  EXPECT_NE(error_of([&] { onnx::load_npy(p); }).find("needs 16 data bytes"), std::string::npos);
  {
    std::ofstream f(p, std::ios::binary);
    f << "garbage";
  }
  EXPECT_NE(error_of([&] { onnx::load_npy(p); }).find("not a .npy file"), std::string::npos);
  std::remove(p.c_str());
}

}  // namespace
}  // namespace tinypynq
