// Internal to the pynq device: lowering one scheduled kernel to unit commands (see the
// comment at the top of pynq_device.h). Returns false when the PL cannot run the kernel; the
// device then computes it on the PS.
#pragma once
#include <memory>
#include <vector>

#include "tensor/kernel.h"
#include "tensor/pynq/pl_exec.h"

namespace tinypynq::pynq {

class Lowering {
 public:
  Lowering(PlExec& ex, const PsCost& cost, const BoardConfig& cfg) : ex_(ex), cost_(cost), cfg_(cfg) {}
  // Checks, then runs the kernel on the PL. false: not supported, nothing was done.
  bool run(const Kernel& k, KernelRecord* rec);
  bool w_range() const { return w_range_; }

 private:
  enum class Repr { kF32, kI32, kBool };  // PL encodings: binary32, int32, PL bool (1.0f / +0)
  struct Val {
    bool scalar = false;
    uint32_t bits = 0;
    Stream s;
    Repr repr = Repr::kF32;
  };
  bool supported_ew(const std::vector<KNode>& nodes, int root) const;
  Val lower_ew(const Kernel& k, const std::vector<KNode>& nodes, const Shape& shape, int root, const Stream* dst);
  Val load(const Kernel& k, const std::vector<KNode>& nodes, const Shape& shape, int i);
  Val pack(const Kernel& k, const std::vector<KNode>& nodes, const Shape& shape, int i);
  Stream materialize(const Val& v, int64_t n);  // a scalar becomes a filled stream
  bool run_elementwise(const Kernel& k);
  bool run_reduce(const Kernel& k);
  bool run_matmul(const Kernel& k);
  void store_converted(const Kernel& k, const Val& v);  // bool/u8 outputs: the PS converts
  Stream temp(size_t bytes);
  Stream whole(const Buffer& b, size_t elem_off, size_t bytes);
  void vec(uint32_t op, const Val* a, const Val* b, const Val* c, const Stream& out, int64_t n);
  void unit(const UnitCmd& c);

  PlExec& ex_;
  const PsCost& cost_;
  const BoardConfig& cfg_;
  std::vector<std::shared_ptr<DdrBlock>> temps_;
  KernelRecord* rec_ = nullptr;
  bool w_range_ = false;

 public:
  std::shared_ptr<DdrBlock> (*alloc_block)(void* ctx, size_t bytes) = nullptr;  // set by the device
  void* alloc_ctx = nullptr;
};

DdrBlock* ddr_block(const Buffer& b);  // the DDR block of a pynq buffer

}  // namespace tinypynq::pynq
