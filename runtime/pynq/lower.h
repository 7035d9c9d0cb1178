// Internal to the pynq runtime: the builder that turns one scheduled kernel into a Program
// (program.h). It decides everything from the kernel's structure and the board config; it
// reads no tensor data and talks to no driver. Callers use lower() (program.h):
//
//   std::optional<Program> p = ProgramBuilder(kernel, cfg).build();   // == lower(kernel, cfg)
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "runtime/pynq/program.h"

namespace tinypynq::pynq {

class ProgramBuilder {
 public:
  ProgramBuilder(const Kernel& k, const BoardConfig& cfg);
  std::optional<Program> build();

 private:
  enum class Repr { kF32, kI32, kBool };  // PL encodings: binary32, int32, PL bool (1.0f / +0)
  struct Val {
    bool scalar = false;
    uint32_t bits = 0;
    int slot = -1;  // a scalar the PS reads at run time (ReadScalar)
    MemRef s;
    std::optional<pl::ViewDesc> view;  // pl_version 2: s is the whole buffer, the reader walks this
    Repr repr = Repr::kF32;
  };
  static uint32_t sfu_opcode(Op op);
  bool supported_ew(const std::vector<KNode>& nodes, int root) const;
  Val lower_ew(const std::vector<KNode>& nodes, int set, const Shape& shape, int root, const MemRef* dst);
  Val load(const std::vector<KNode>& nodes, int set, const Shape& shape, int i);
  Val pack(const std::vector<KNode>& nodes, int set, const Shape& shape, int i);
  bool v2() const { return cfg_.pl_version >= 2; }
  void packed_on_ps(const std::string& what, const std::string& why);  // pl_version 2: say so
  // pl_version 2: why the PS packs this view in less time than the reader streams it, or "".
  std::string reader_slower(const pl::ViewDesc& d) const;
  // pl_version 2: the view writer's time beyond the unit's output rate for this result view
  // (docs/pl-v2.md step 3), to weigh against a PS scatter.
  double writer_extra_seconds(const pl::ViewDesc& d, int readers) const;
  // pl_version 2: view d of node i read from a copy of its buffer de-interleaved on the PL
  // (one vector copy through VW, shared by the kernel's views of that buffer), when its
  // strides share a factor s and that beats the PS pack; nullopt otherwise.
  std::optional<Val> deinterleaved(const std::vector<KNode>& nodes, int i, const pl::ViewDesc& d, const Shape& shape);
  MemRef materialize(const Val& v, int64_t n);  // a scalar becomes a filled stream
  bool elementwise();
  bool reduce();
  bool matmul();  // lower_matmul_choice.cpp: which orientation of the product (pl_version 2)
  // lower_matmul.cpp: the product as `g` says, tiled; swapped: g is the transposed product
  // C^T = B^T A^T (operand 0 is the kernel's src[1], M and N exchanged; pl_version 2).
  bool matmul_gemm(std::shared_ptr<analysis::GemmShape> g, bool swapped);
  // lower_matmul_choice.cpp: the gemm operand `which` of g as a node set whose leaves walk the
  // [batch][rows][cols] layout (analysis::gemm_pack_plan, for the swapped product too); its
  // iteration shape in *shape. Returns the set's index in Program::node_sets.
  int gemm_layout_set(const analysis::GemmShape& g, int which, int node, Shape* shape);
  // pl_version 2: the K tile of the product when v1's (KMAX) tiles are no boxes of the operand
  // views: the widest run of whole inner K blocks (docs/pl-v2.md step 5), else kt.
  int64_t box_k_tile(const analysis::GemmShape& g, int64_t kt) const;
  // pl_version 2: the predicted seconds of a program's PL commands (ideal cycles, the readers'
  // and the writer's extra time) and PS steps (packs, scatters, cleans): the orientation choice.
  double estimate_seconds(const Program& p) const;
  void narrow(const Val& v);  // bool/u8 outputs: the PS converts
  MemRef temp(size_t bytes);
  MemRef whole(int buf, size_t elem_off, size_t bytes) const;
  void vec(uint32_t op, const Val* a, const Val* b, const Val* c, const MemRef& out, int64_t n);
  template <class S> void step(S&& s) { p_.steps.emplace_back(std::forward<S>(s)); }

  const Kernel& k_;
  const BoardConfig& cfg_;
  std::vector<int> canon_;  // kernel buffer index -> lowest index of the same buffer
  std::map<std::pair<int, int64_t>, MemRef> deint_;  // (buffer, s) -> its de-interleaved copy
  Program p_;
};

}  // namespace tinypynq::pynq
