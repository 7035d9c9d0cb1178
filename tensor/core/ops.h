// The first-class ops: the only computations a device has to implement. Everything else in
// the frontend (relu, softmax, conv2d, ...) is composed from these.
//   if (is_binary(Op::ADD)) ...;  const char* n = op_name(Op::EXP2);
#pragma once
#include <cstdint>

namespace tinypynq {

enum class Op : uint8_t {
  // leaves
  LOAD,   // read a realized buffer through a ShapeTracker
  CONST,  // a scalar constant broadcast through a ShapeTracker (masked elements read 0)
  // unary
  EXP2, LOG2, SIN, SQRT, RECIP, NEG, CAST,
  // binary
  ADD, SUB, MUL, DIV, MAX, MOD, CMPLT, CMPEQ,
  // ternary
  WHERE,
  // reduce
  SUM, RMAX,
  // copy a view into a fresh contiguous buffer
  CONTIGUOUS,
};

constexpr bool is_unary(Op o) { return o >= Op::EXP2 && o <= Op::CAST; }
constexpr bool is_binary(Op o) { return o >= Op::ADD && o <= Op::CMPEQ; }
constexpr bool is_ternary(Op o) { return o == Op::WHERE; }
constexpr bool is_elementwise(Op o) { return is_unary(o) || is_binary(o) || is_ternary(o); }
constexpr bool is_reduce(Op o) { return o == Op::SUM || o == Op::RMAX; }

inline const char* op_name(Op o) {
  static const char* names[] = {"LOAD", "CONST", "EXP2", "LOG2", "SIN",   "SQRT",  "RECIP",
                                "NEG",  "CAST",  "ADD",  "SUB",  "MUL",   "DIV",   "MAX",
                                "MOD",  "CMPLT", "CMPEQ", "WHERE", "SUM", "MAX", "CONTIGUOUS"};
  return names[static_cast<int>(o)];
}

}  // namespace tinypynq
