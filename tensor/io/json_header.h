// Internal to tinypynq_io: a strict, minimal JSON reader/writer for safetensors headers.
//
//   JsonValue v = parse_json_header(text, "model.safetensors");   // throws tinypynq::Error
//   if (v.kind == JsonValue::Object) for (size_t i = 0; i < v.keys.size(); ++i) use(v.keys[i], v.items[i]);
//   std::string quoted = json_quote("fc1.weight");                 // "\"fc1.weight\""
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tinypynq::io::detail {

struct JsonValue {
  // Integer: a non-negative integer literal that fits uint64 (all a header needs);
  // Other: any other valid scalar (negative or fractional numbers, true, false, null).
  enum Kind { Object, Array, String, Integer, Other } kind = Other;
  std::string str;                // String
  uint64_t integer = 0;           // Integer
  std::vector<std::string> keys;  // Object, in file order (duplicate keys are rejected)
  std::vector<JsonValue> items;   // Object values (parallel to keys) or Array elements
};

// Parses RFC 8259 JSON that must be one object followed only by whitespace, in valid UTF-8.
// Errors name `file` and the byte offset of the problem.
JsonValue parse_json_header(std::string_view text, const std::string& file);

// A JSON string literal for s (which must be valid UTF-8), with the escapes serde_json uses.
std::string json_quote(std::string_view s);

bool is_valid_utf8(std::string_view s);

}  // namespace tinypynq::io::detail
