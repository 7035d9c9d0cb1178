// The device interface: every target (cpu, tlm, rtl, board) implements these five calls.
// The cpu device is the reference semantics of every first-class op.
//
//   Device& d = device("cpu");
//   BufferPtr b = d.alloc(DType::f32, 4);
//   d.copyin(*b, host, 16);  d.run(kernel);  d.copyout(*b, host, 16);
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "tensor/kernel.h"

namespace tinypynq {

class Device {
 public:
  virtual ~Device() = default;
  virtual const std::string& name() const = 0;
  virtual BufferPtr alloc(DType dtype, int64_t numel) = 0;
  virtual void copyin(Buffer& dst, const void* src, size_t nbytes) = 0;
  virtual void copyout(const Buffer& src, void* dst, size_t nbytes) = 0;
  virtual bool supports(const Kernel& k) const = 0;
  virtual void run(const Kernel& k) = 0;
};

// Registry: targets register a factory under their name; `device(name)` creates it once.
void register_device(const std::string& name, std::function<std::unique_ptr<Device>()> factory);
Device& device(const std::string& name);  // throws listing the valid names when unknown
std::vector<std::string> device_names();  // "cpu" first, then the others by name
const std::string& default_device();
void set_default_device(const std::string& name);

}  // namespace tinypynq
