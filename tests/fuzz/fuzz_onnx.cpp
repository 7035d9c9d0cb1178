// libFuzzer entry for the ONNX loader: arbitrary bytes -> load_model_from_memory; a model that
// loads is run on the cpu with random inputs of its shapes (bounded sizes). Every rejection must
// be a tinypynq::Error; a crash, a sanitizer report or another exception is a finding.
//   clang++ -fsanitize=fuzzer,address ... tests/fuzz/fuzz_onnx.cpp -o fuzz_onnx
//   ./fuzz_onnx -max_len=65536 tests/fuzz/corpus/fuzz_onnx
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "frontends/onnx/onnx_internal.h"

using namespace tinypynq;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool init = [] {
    onnx::set_max_elements(int64_t{1} << 16);  // keep hostile shapes cheap
    return true;
  }();
  (void)init;
  try {
    onnx::Model m = onnx::load_model_from_memory(data, size);
    std::map<std::string, onnx::HostArray> in;
    int64_t total = 0;
    for (const auto& vi : m.inputs()) {
      onnx::HostArray a = onnx::random_input(vi, 1);
      total += a.numel();
      if (total > (int64_t{1} << 16)) return 0;  // too big to run quickly: loading was the test
      in[vi.name] = std::move(a);
    }
    if (m.num_nodes() > 256) return 0;
    m.run(in, "cpu");
  } catch (const Error&) {
    // the expected outcome for malformed input
  }
  return 0;
}
