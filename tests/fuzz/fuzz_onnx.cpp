// libFuzzer entry for the ONNX loader: arbitrary bytes -> load_model_from_memory; a model that
// loads is run on the cpu with random inputs of its shapes (bounded sizes). Every rejection must
// be a tinypynq::Error; a crash, a sanitizer report or another exception is a finding.
//   clang++ -fsanitize=fuzzer,address ... tests/fuzz/fuzz_onnx.cpp -o fuzz_onnx
//   ./fuzz_onnx -max_len=65536 tests/fuzz/corpus/fuzz_onnx
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "frontends/onnx/onnx_internal.h"

namespace tpo = tinypynq::onnx;  // ::onnx is the protobuf schema

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool init = [] {
    tpo::set_max_elements(int64_t{1} << 16);  // keep hostile shapes cheap
    return true;
  }();
  (void)init;
  try {
    tpo::Model m = tpo::load_model_from_memory(data, size);
    std::map<std::string, tpo::HostArray> in;
    int64_t total = 0;
    for (const auto& vi : m.inputs()) {
      int64_t n = 1;
      for (int64_t d : vi.shape) n = d <= 0 ? n : (n > (int64_t{1} << 16) / d ? (int64_t{1} << 17) : n * d);
      total += n;
      if (total > (int64_t{1} << 16)) return 0;  // too big to run quickly: loading was the test
      in[vi.name] = tpo::random_input(vi, 1);
    }
    if (m.num_nodes() > 256) return 0;
    m.run(in, "cpu");
  } catch (const tinypynq::Error&) {
    // the expected outcome for malformed input
  }
  return 0;
}
