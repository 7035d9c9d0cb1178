#include "tensor/device.h"

#include <map>
#include <mutex>

#include "tensor/cpu/cpu_device.h"

namespace tinypynq {

namespace {
struct Registry {
  std::map<std::string, std::function<std::unique_ptr<Device>()>> factories;
  std::map<std::string, std::unique_ptr<Device>> live;
  std::string default_name = "cpu";
  std::mutex mu;
};
Registry& reg() {
  static Registry r;
  static const bool cpu_registered = (r.factories["cpu"] = make_cpu_device, true);  // always present
  (void)cpu_registered;
  return r;
}
}  // namespace

void register_device(const std::string& name, std::function<std::unique_ptr<Device>()> factory) {
  std::lock_guard<std::mutex> g(reg().mu);
  reg().factories[name] = std::move(factory);
}

namespace {
// cpu (the reference every target is checked against) first, then the others by name.
std::vector<std::string> names_locked() {
  std::vector<std::string> r;
  if (reg().factories.count("cpu")) r.push_back("cpu");
  for (auto& [n, f] : reg().factories)
    if (n != "cpu") r.push_back(n);
  return r;
}
}  // namespace

std::vector<std::string> device_names() {
  std::lock_guard<std::mutex> g(reg().mu);
  return names_locked();
}

Device& device(const std::string& name) {
  std::lock_guard<std::mutex> g(reg().mu);
  auto& r = reg();
  if (auto it = r.live.find(name); it != r.live.end()) return *it->second;
  auto f = r.factories.find(name);
  if (f == r.factories.end()) {
    std::string valid;
    for (auto& n : names_locked()) valid += (valid.empty() ? "" : ", ") + n;
    TP_CHECK(false, "unknown target '", name, "'; valid targets: ", valid);
  }
  return *(r.live[name] = f->second());
}

const std::string& default_device() { return reg().default_name; }
void set_default_device(const std::string& name) {
  device(name);  // validates
  reg().default_name = name;
}

}  // namespace tinypynq
