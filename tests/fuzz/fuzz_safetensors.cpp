// libFuzzer target: the safetensors reader (tensor/io/safetensors.h) on arbitrary files.
// Anything but a tinypynq::Error (a crash, a sanitizer report, another exception) is a finding.
#include <cstdint>
#include <map>
#include <string>

#include "base/check.h"
#include "tensor/io/safetensors.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tinypynq;
  const std::string path = fuzz::input_file(data, size, ".safetensors");
  try {
    std::map<std::string, std::string> meta;
    const auto tensors = io::load_safetensors(path, meta);
    // What was accepted must be consistent: its bytes are shape x dtype size.
    for (const auto& [name, t] : tensors) {
      uint64_t n = io::st_dtype_size(t.dtype);
      for (int64_t d : t.shape) n *= static_cast<uint64_t>(d);
      if (n != t.data.size()) __builtin_trap();
    }
  } catch (const Error&) {
  }
  return 0;
}
