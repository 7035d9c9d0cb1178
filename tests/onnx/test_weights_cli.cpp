// Weights in and out (safetensors written the way PyTorch's safetensors does, `eval`,
// `train --load`) and the `run` command, from the user's side.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "frontends/onnx/onnx_model.h"
#include "sim/nets.h"
#include "tensor/nn.h"
#include "tests/support/run_cli.h"

namespace tinypynq {
namespace {

const std::string kModels = TINYPYNQ_ONNX_MODELS;
namespace fs = std::filesystem;

// The PyTorch CNN's state_dict, loaded into tinypynq's cnn, gives PyTorch's outputs: the names
// and the weight layouts (Conv2d (out, in, kh, kw), Linear (out, in)) agree.
void check_cnn_weights(const std::string& file, double rtol, double atol) {
  auto m = sim::make_model("cnn");
  nn::load_state(file, m->state_dict());
  onnx::HostArray x = onnx::load_tensor_pb(kModels + "/cnn/test_data_set_0/input_0.pb");
  onnx::HostArray want = onnx::load_tensor_pb(kModels + "/cnn/test_data_set_0/output_0.pb");
  NoGrad ng;
  m->eval();
  Tensor y = m->forward(onnx::to_tensor(x, "cpu"));
  std::string why;
  EXPECT_TRUE(onnx::allclose(onnx::from_tensor(y, onnx::Elem::FLOAT), want, rtol, atol, &why)) << file << ": " << why;
}

TEST(Weights, PyTorchSafetensorsLoad) {
  check_cnn_weights(kModels + "/cnn/weights.safetensors", 1e-4, 1e-5);
  check_cnn_weights(kModels + "/cnn/weights_fp16.safetensors", 2e-2, 2e-2);  // float16 rounding of the weights
}

TEST(Weights, Int64CounterNarrowed) {
  nn::BatchNorm2d bn(4);
  nn::load_state(kModels + "/batchnorm.safetensors", bn.state_dict());
  EXPECT_EQ(bn.num_batches_tracked.cast(DType::i32).to_vector<int32_t>()[0], 7);
  for (float v : bn.running_var.tolist()) EXPECT_GE(v, 0.5f);
  nn::BatchNorm2d wrong(3);
  try {
    nn::load_state(kModels + "/batchnorm.safetensors", wrong.state_dict());
    FAIL() << "a shape mismatch must fail";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("has shape (4,)"), std::string::npos) << e.what();
  }
}

TEST(Cli, EvalAndTrainLoad) {
  if (!have_dataset()) GTEST_SKIP() << "Fashion-MNIST is not installed";
  const std::string w = kModels + "/cnn/weights.safetensors";
  CliResult r = run_cli("eval --model cnn --load " + w + " --target cpu --test-samples 200 --json");
  ASSERT_EQ(r.code, 0) << r.out;
  const double acc = std::stod(json_field(r.out, "test_accuracy"));
  EXPECT_GE(acc, 0.0);
  EXPECT_LE(acc, 0.35);  // untrained PyTorch init: near chance
  r = run_cli("eval --model mlp --load " + w + " --target cpu");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("l1.weight"), std::string::npos) << r.out;
  const std::string saved = (fs::temp_directory_path() / ("tp_tl_" + std::to_string(::getpid()) + ".safetensors")).string();
  r = run_cli("train --model cnn --target cpu --steps 30 --batch 32 --load " + w + " --save " + saved + " --test-samples 200 --json");
  ASSERT_EQ(r.code, 0) << r.out;
  r = run_cli("eval --model cnn --load " + saved + " --target cpu --test-samples 200 --json");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_GT(std::stod(json_field(r.out, "test_accuracy")), acc + 0.2) << "fine-tuning from the loaded weights did not learn";
  fs::remove(saved);
}

TEST(Cli, RunChecksAndWritesOutputs) {
  const std::string d = kModels + "/resblock";
  CliResult r = run_cli("run " + d + "/model.onnx --target cpu --inputs " + d + "/test_data_set_0 --check --json");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(json_field(r.out, "passed"), "true");
  // A wrong reference: exit 3 with the mismatch named.
  const fs::path tmp = fs::temp_directory_path() / ("tp_run_" + std::to_string(::getpid()));
  fs::create_directories(tmp);
  fs::copy_file(d + "/test_data_set_0/input_0.pb", tmp / "input_0.pb");
  fs::copy_file(kModels + "/cnn/test_data_set_0/input_0.pb", tmp / "output_0.pb");
  r = run_cli("run " + d + "/model.onnx --target cpu --inputs " + tmp.string() + " --check");
  EXPECT_EQ(r.code, 3) << r.out;
  EXPECT_NE(r.out.find("MISMATCH"), std::string::npos) << r.out;
  // Random inputs and --out: NAME.npy per output.
  r = run_cli("run " + kModels + "/transformer/model.onnx --target cpu --out " + (tmp / "out").string());
  ASSERT_EQ(r.code, 0) << r.out;
  onnx::HostArray y = onnx::load_npy((tmp / "out" / "output.npy").string());
  EXPECT_EQ(y.shape, (Shape{6, 2, 32}));
  // Bad input: a clear message and exit 1.
  r = run_cli("run " + d + "/model.onnx --target cpu --input nope=" + d + "/test_data_set_0/input_0.pb");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("no input of that name"), std::string::npos) << r.out;
  r = run_cli("run " + (tmp / "input_0.pb").string() + " --target cpu");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("not a valid ONNX model"), std::string::npos) << r.out;
  fs::remove_all(tmp);
}

TEST(Cli, RunOnTlmPrintsPerOpPrediction) {
  CliResult info = run_cli("info");
  if (info.out.find("tlm") == std::string::npos) GTEST_SKIP() << "no tlm target";
  const std::string d = kModels + "/cnn";
  CliResult r = run_cli("run " + d + "/model.onnx --target tlm --inputs " + d + "/test_data_set_0 --check --rtol 1e-3 --atol 1e-4");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("predicted PYNQ-Z2 time per ONNX node"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Conv "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("board total"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace tinypynq
