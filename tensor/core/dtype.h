// Element types. bool and uint8 are storage types; kernels compute them as int32.
//   DType t = DType::f32; size_t n = itemsize(t); std::string s = dtype_name(t);
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace tinypynq {

enum class DType : uint8_t { f32, i32, boolean, u8 };

constexpr size_t itemsize(DType t) { return (t == DType::f32 || t == DType::i32) ? 4 : 1; }
constexpr bool is_float(DType t) { return t == DType::f32; }
inline const char* dtype_name(DType t) {
  switch (t) {
    case DType::f32: return "float32";
    case DType::i32: return "int32";
    case DType::boolean: return "bool";
    case DType::u8: return "uint8";
  }
  return "?";
}

}  // namespace tinypynq
