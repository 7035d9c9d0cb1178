// The tinypynq program, run as a user would: exit codes, messages, JSON output.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

namespace {

struct Result {
  int code;
  std::string out;
};

Result run(const std::string& args) {
  std::string cmd = std::string(TINYPYNQ_BIN) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int st = pclose(p);
  return {WEXITSTATUS(st), out};
}

bool have_dataset() { return std::filesystem::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"); }

}  // namespace

TEST(Cli, UnknownTargetListsValidOnes) {
  Result r = run("train --target nope --steps 1");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("unknown target 'nope'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("valid targets: cpu"), std::string::npos) << r.out;
}

TEST(Cli, UnknownModelAndBadNumbers) {
  Result r = run("train --model resnet --steps 1 --data /nonexistent");
  EXPECT_EQ(r.code, 1);
  r = run("train --epochs 0");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("--epochs or --steps must be positive"), std::string::npos) << r.out;
  r = run("train --batch x");
  EXPECT_NE(r.code, 0);
  r = run("frobnicate");
  EXPECT_NE(r.code, 0);
}

TEST(Cli, MissingDatasetNamesPathAndSetup) {
  Result r = run("train --steps 1 --data /nonexistent/fmnist");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("/nonexistent/fmnist"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("scripts/setup.sh"), std::string::npos) << r.out;
}

TEST(Cli, InfoListsTargetsAndModels) {
  Result r = run("info");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("targets: cpu"), std::string::npos);
  EXPECT_NE(r.out.find("mlp, cnn"), std::string::npos);
}

TEST(Cli, ShortTrainPrintsJsonAndSaves) {
  if (!have_dataset()) GTEST_SKIP() << "Fashion-MNIST not installed";
  std::string save = (std::filesystem::temp_directory_path() / "tinypynq_cli_test.safetensors").string();
  Result r = run("train --model mlp --steps 30 --json --seed 3 --save " + save);
  ASSERT_EQ(r.code, 0) << r.out;
  for (const char* key : {"\"model\": \"mlp\"", "\"target\": \"cpu\"", "\"steps\": 30", "\"test_accuracy\"",
                          "\"final_loss\"", "\"wall_seconds\"", "\"step_seconds_median\"", "\"epochs\""})
    EXPECT_NE(r.out.find(key), std::string::npos) << key << " missing in " << r.out;
  auto acc = std::stod(r.out.substr(r.out.find("\"test_accuracy\": ") + 17));
  EXPECT_GT(acc, 0.5);  // 30 Adam steps already get well past chance (0.1)
  EXPECT_TRUE(std::filesystem::exists(save));
  std::filesystem::remove(save);
}

TEST(Cli, BenchPrintsFigures) {
  Result r = run("bench mlp-step --steps 3 --warmup 1 --json");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\"median_ms\""), std::string::npos) << r.out;
}
