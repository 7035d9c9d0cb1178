#include "cosim/waveform.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <unordered_map>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#include "gtkwave/fstapi.h"
#pragma GCC diagnostic pop

namespace tinypynq::cosim {

namespace {
struct Reader {
  void* ctx;
  explicit Reader(const std::string& path) : ctx(nullptr) {
    if (!std::filesystem::is_regular_file(path))
      throw std::invalid_argument("waveform: no such file: " + path);
    ctx = fstReaderOpen(path.c_str());
    if (!ctx) throw std::invalid_argument("waveform: " + path + " is not an FST file (truncated or another format?)");
  }
  ~Reader() {
    if (ctx) fstReaderClose(ctx);
  }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;
};

std::string timescale_of(void* ctx) {
  // FST stores the timescale as a power of ten: -12 is 1ps, -10 is 100ps.
  static const char* const kUnit[] = {"s", "ms", "us", "ns", "ps", "fs"};
  const int e = fstReaderGetTimescale(ctx);
  const int k = e >= 0 ? 0 : (2 - e) / 3;
  if (e > 2 || k > 5) return "1e" + std::to_string(e) + "s";
  const int m = e + 3 * k;  // 0, 1 or 2
  return (m == 0 ? "1" : m == 1 ? "10" : "100") + std::string(kUnit[k]);
}
}  // namespace

Waveform read_fst(const std::string& path, const std::vector<std::string>& wanted) {
  Reader r(path);
  Waveform w;
  w.timescale = timescale_of(r.ctx);
  std::vector<std::string> scope;
  std::unordered_map<std::string, fstHandle> handle;
  while (fstHier* h = fstReaderIterateHier(r.ctx)) {
    if (h->htyp == FST_HT_SCOPE) {
      scope.emplace_back(h->u.scope.name, h->u.scope.name_length);
    } else if (h->htyp == FST_HT_UPSCOPE) {
      if (!scope.empty()) scope.pop_back();
    } else if (h->htyp == FST_HT_VAR) {
      std::string name;
      for (const std::string& s : scope) name += s + ".";
      name.append(h->u.var.name, h->u.var.name_length);
      if (const auto sp = name.find(' '); sp != std::string::npos) name.resize(sp);  // "x [3:0]"
      w.signals.push_back(name);
      handle.emplace(name, h->u.var.handle);
    }
  }
  if (wanted.empty()) return w;
  std::unordered_map<fstHandle, std::vector<std::string>> names_of;
  fstReaderClrFacProcessMaskAll(r.ctx);
  for (const std::string& n : wanted) {
    const auto it = handle.find(n);
    if (it == handle.end()) throw std::invalid_argument("waveform: " + path + " has no signal " + n);
    names_of[it->second].push_back(n);
    fstReaderSetFacProcessMask(r.ctx, it->second);
    w.changes[n];
  }
  struct Ctx {
    Waveform* w;
    std::unordered_map<fstHandle, std::vector<std::string>>* names_of;
  } c{&w, &names_of};
  fstReaderIterBlocks(
      r.ctx,
      [](void* p, uint64_t t, fstHandle f, const unsigned char* v) {
        auto& cc = *static_cast<Ctx*>(p);
        for (const std::string& n : (*cc.names_of)[f]) cc.w->changes[n].emplace_back(t, reinterpret_cast<const char*>(v));
      },
      &c, nullptr);
  return w;
}

void fst_to_vcd(const std::string& fst_path, const std::string& vcd_path) {
  Reader r(fst_path);
  const std::string tmp = vcd_path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "w");
  if (!f) throw std::invalid_argument("waveform: cannot write " + tmp);
  // The reader writes the VCD header from the hierarchy, then every change: what fst2vcd does.
  const bool ok = fstReaderProcessHier(r.ctx, f) != 0;
  fstReaderSetFacProcessMaskAll(r.ctx);
  const bool ok2 = ok && fstReaderIterBlocks(r.ctx, nullptr, nullptr, f) != 0;
  const bool closed = std::fclose(f) == 0;
  if (!ok2 || !closed) {
    std::remove(tmp.c_str());
    throw std::invalid_argument("waveform: converting " + fst_path + " to VCD failed (disk full?)");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, vcd_path, ec);
  if (ec) {
    std::remove(tmp.c_str());
    throw std::invalid_argument("waveform: cannot write " + vcd_path + ": " + ec.message());
  }
}

}  // namespace tinypynq::cosim
