// SPDX-License-Identifier: MIT
#include "cosim/fst_writer.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <vector>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#include "verilated_fst_c.h"
#pragma GCC diagnostic pop

#include "cosim/waveform.h"

namespace tinypynq::cosim {

namespace {
std::vector<FstWriter*>& open_writers() {
  static auto* v = new std::vector<FstWriter*>;  // never destroyed: used from atexit and destructors
  return *v;
}
void close_all() {
  while (!open_writers().empty()) open_writers().back()->close();
}
}  // namespace

FstWriter::FstWriter() = default;
FstWriter::~FstWriter() { close(); }

void FstWriter::open(const WaveOptions& opt, const std::function<void(VerilatedFstC&)>& attach,
                     std::function<void()> before_close) {
  close();
  opt_ = opt;
  const std::string path = opt.recorded_fst();
  if (path.empty()) return;
  auto f = std::make_unique<VerilatedFstC>();
  // $dumpvars counts levels below TOP: depth 1 = TOP's own signals (the pins).
  if (opt.depth) f->dumpvars(static_cast<int>(opt.depth) + 1, "TOP");
  attach(*f);
  // Atomic: the FST grows under a temporary name and replaces `path` only once complete, so a
  // crashed or killed run never leaves a truncated waveform under the name the user asked for.
  partial_ = path + ".partial";
  f->open(partial_.c_str());
  if (!f->isOpen()) throw std::invalid_argument("cannot write the waveform " + path + " (as " + partial_ + ")");
  fst_ = std::move(f);
  before_close_ = std::move(before_close);
  dumped_ = false;
  static const bool at_exit = (std::atexit(close_all), true);
  (void)at_exit;
  open_writers().push_back(this);
}

void FstWriter::dump_open(uint64_t t_ps) {
  if (dumped_ && t_ps <= last_ps_) t_ps = last_ps_ + 1;
  fst_->dump(t_ps);
  last_ps_ = t_ps;
  dumped_ = true;
}

void FstWriter::close() { close(false); }
void FstWriter::finish() { close(true); }

void FstWriter::close(bool throw_errors) {
  if (!fst_) return;
  if (before_close_) before_close_();
  fst_->close();
  fst_.reset();
  auto& v = open_writers();
  v.erase(std::remove(v.begin(), v.end(), this), v.end());
  const std::string fst_path = opt_.recorded_fst();
  if (std::rename(partial_.c_str(), fst_path.c_str()) != 0) {
    const std::string msg = "cannot rename the waveform " + partial_ + " to " + fst_path;
    if (throw_errors) throw std::runtime_error(msg);
    std::fprintf(stderr, "waveform: %s\n", msg.c_str());
    return;
  }
  if (!opt_.vcd_path.empty()) {  // at exit or in a destructor: report, do not throw
    const std::string fst = opt_.recorded_fst();
    try {
      fst_to_vcd(fst, opt_.vcd_path);
      if (opt_.fst_is_temporary()) std::remove(fst.c_str());
    } catch (const std::exception& e) {
      if (throw_errors) throw;
      std::fprintf(stderr, "waveform: %s (the FST is kept: %s)\n", e.what(), fst.c_str());
    }
  }
}

}  // namespace tinypynq::cosim
