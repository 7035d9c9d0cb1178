// Fault injection (fault_driver.h).
#include "runtime/pynq/fault_driver.h"

#include <map>
#include <sstream>

#include "runtime/pynq/regmap.h"

namespace tinypynq::pynq {

namespace {

constexpr const char* kNames[] = {"dma-error", "unit-hang", "lost-irq", "bad-status"};
constexpr uint32_t kOutsideDdr = 0x3FF0'0000;  // below GP0, above the 512 MB of DDR: unmapped
constexpr uint64_t kUnitBase[3] = {reg::kVec, reg::kRed, reg::kMmu};

std::map<std::string, std::vector<FaultSpec>>& plans() {
  static std::map<std::string, std::vector<FaultSpec>> m;
  return m;
}

bool is_unit_reg(uint64_t addr, uint32_t off) {
  for (uint64_t b : kUnitBase)
    if (addr == b + off) return true;
  return false;
}

class FaultDriver final : public Driver {
 public:
  FaultDriver(std::unique_ptr<Driver> inner, std::vector<FaultSpec> f) : in_(std::move(inner)), faults_(std::move(f)) {}
  const char* name() const override { return in_->name(); }

  uint32_t read32(uint64_t addr) override {
    uint32_t v = in_->read32(addr);
    if (is_unit_reg(addr, reg::STATUS) && armed(FaultSpec::kBadStatus) && !status_hit_) {
      status_hit_ = true;
      v = 0xDEAD'BEEF & ~reg::ST_DONE;  // ERR set, DONE clear: nonsense the runtime must not trust
    }
    return v;
  }
  void write32(uint64_t addr, uint32_t value) override {
    if (addr == reg::kDma0 + reg::S2MM_DA) {
      ++cmd_;  // the runtime programs the result channel first, once per unit command
      status_hit_ = false;
      if (armed(FaultSpec::kDmaError)) value = kOutsideDdr;
    }
    if (is_unit_reg(addr, reg::CTRL) && (value & reg::CTRL_START) && armed(FaultSpec::kUnitHang)) return;
    in_->write32(addr, value);
  }
  DmaBuffer alloc(size_t bytes, size_t align) override { return in_->alloc(bytes, align); }
  void flush(const DmaBuffer& b, size_t off, size_t n) override { in_->flush(b, off, n); }
  void invalidate(const DmaBuffer& b, size_t off, size_t n) override { in_->invalidate(b, off, n); }

  uint32_t wait(uint64_t addr, uint32_t mask, int irq, WaitMode mode, double timeout_s) override {
    if (mode == WaitMode::kIrq && armed(FaultSpec::kLostIrq)) {
      // The PL finishes, but the edge never reaches the GIC: the PS sleeps until its timeout.
      const double t0 = in_->now();
      in_->wait(addr, mask, irq, WaitMode::kPoll, timeout_s);
      const double left = timeout_s - (in_->now() - t0);
      if (left > 0) in_->cpu_work(left);
      throw DriverTimeout(detail::cat(name(), ": no interrupt on IRQ_F2P[", irq, "] within ", timeout_s,
                                      " s (injected lost-irq@", cmd_, ")"));
    }
    return in_->wait(addr, mask, irq, mode, timeout_s);
  }
  void reset_pl() override { in_->reset_pl(); }
  double now() override { return in_->now(); }
  void cpu_work(double s) override { in_->cpu_work(s); }

 private:
  bool armed(FaultSpec::Kind k) const {
    for (const FaultSpec& f : faults_)
      if (f.kind == k && f.at == cmd_) return true;
    return false;
  }
  std::unique_ptr<Driver> in_;
  std::vector<FaultSpec> faults_;
  int64_t cmd_ = 0;
  bool status_hit_ = false;
};

}  // namespace

const char* fault_name(FaultSpec::Kind k) { return kNames[static_cast<int>(k)]; }

std::vector<FaultSpec> parse_faults(const std::string& spec) {
  std::vector<FaultSpec> out;
  std::stringstream ss(spec);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    const size_t at = item.find('@');
    FaultSpec f;
    bool known = false;
    const std::string kind = item.substr(0, at);
    for (int k = 0; k < 4; ++k)
      if (kind == kNames[k]) f.kind = static_cast<FaultSpec::Kind>(k), known = true;
    TP_CHECK(known, "fault \"", item, "\": unknown kind \"", kind,
             "\" (expected dma-error, unit-hang, lost-irq or bad-status, as kind@N)");
    TP_CHECK(at != std::string::npos && at + 1 < item.size(), "fault \"", item,
             "\": missing the command number (expected kind@N, N >= 1)");
    const std::string n = item.substr(at + 1);
    size_t used = 0;
    long long v = 0;
    try {
      v = std::stoll(n, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    TP_CHECK(used == n.size() && v >= 1, "fault \"", item, "\": \"", n, "\" is not a command number >= 1");
    f.at = v;
    out.push_back(f);
  }
  TP_CHECK(!out.empty(), "fault plan \"", spec, "\" names no fault (expected kind@N[,kind@N...])");
  return out;
}

std::unique_ptr<Driver> make_fault_driver(std::unique_ptr<Driver> inner, std::vector<FaultSpec> faults) {
  return std::make_unique<FaultDriver>(std::move(inner), std::move(faults));
}

void set_fault_plan(const std::string& target, std::vector<FaultSpec> faults) { plans()[target] = std::move(faults); }

std::vector<FaultSpec> fault_plan(const std::string& target) {
  auto it = plans().find(target);
  return it == plans().end() ? std::vector<FaultSpec>{} : it->second;
}

}  // namespace tinypynq::pynq
