// The cpu device: the reference implementation of every first-class op, at native speed.
//   Device& cpu = device("cpu");
#pragma once
#include <memory>

#include "tensor/device.h"

namespace tinypynq {
std::unique_ptr<Device> make_cpu_device();
}
