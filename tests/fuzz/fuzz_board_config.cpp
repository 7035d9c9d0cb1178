// libFuzzer target: board configuration JSON (models/config/board_config.h), as --board reads
// it. What is accepted must validate, and write out and read back to the same configuration.
#include <cstdint>
#include <string>

#include "base/board_config.h"
#include "base/check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tinypynq;
  const std::string text(reinterpret_cast<const char*>(data), size);
  BoardConfig c;
  try {
    c = BoardConfig::from_json(text, "<fuzz>");
  } catch (const Error&) {
    return 0;
  }
  c.validate();  // accepted means valid: a throw here escapes and is reported
  const std::string out = c.to_json();
  if (BoardConfig::from_json(out, "<round trip>").to_json() != out) __builtin_trap();
  return 0;
}
