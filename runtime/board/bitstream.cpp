#include "runtime/board/bitstream.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "base/check.h"

namespace tinypynq::board {

namespace fs = std::filesystem;

BitFile parse_bit(const std::vector<uint8_t>& b, const std::string& origin) {
  size_t p = 0;
  const auto need = [&](size_t n, const char* what) {
    TP_CHECK(p + n <= b.size(), "bitstream ", origin, ": truncated in ", what, " at byte ", p, " of ", b.size(),
             " (is this a Vivado .bit file? write_bitstream makes one)");
  };
  const auto u16 = [&](const char* what) {
    need(2, what);
    const unsigned v = (b[p] << 8) | b[p + 1];
    p += 2;
    return v;
  };
  // Field 1: a 9-byte magic, then a 2-byte length 1 before the first key.
  const unsigned l1 = u16("the header");
  TP_CHECK(l1 == 9, "bitstream ", origin, ": not a Xilinx .bit file (first field length ", l1,
           ", expected 9); a raw .bin cannot be parsed, pass the .bit Vivado wrote");
  need(9, "the header");
  p += 9;
  TP_CHECK(u16("the header") == 1, "bitstream ", origin, ": not a Xilinx .bit file (no key field after the magic)");
  BitFile r;
  for (;;) {
    need(1, "a field key");
    const char key = static_cast<char>(b[p++]);
    if (key == 'e') {
      need(4, "the data length");
      const uint32_t n = (uint32_t{b[p]} << 24) | (uint32_t{b[p + 1]} << 16) | (uint32_t{b[p + 2]} << 8) | b[p + 3];
      p += 4;
      need(n, "the configuration data");
      TP_CHECK(n % 4 == 0 && n > 0, "bitstream ", origin, ": configuration data of ", n,
               " bytes is not a whole number of 32-bit words");
      r.data.assign(b.begin() + static_cast<long>(p), b.begin() + static_cast<long>(p + n));
      break;
    }
    TP_CHECK(key >= 'a' && key <= 'd', "bitstream ", origin, ": unknown header field '", key, "' at byte ", p - 1);
    const unsigned n = u16("a header field");
    need(n, "a header field");
    std::string s(b.begin() + static_cast<long>(p), b.begin() + static_cast<long>(p + n));
    p += n;
    while (!s.empty() && s.back() == '\0') s.pop_back();
    (key == 'a' ? r.design : key == 'b' ? r.part : key == 'c' ? r.date : r.time) = s;
  }
  // Every configuration stream has the sync word 0xAA995566 near its start (UG470 table 5-11).
  bool sync = false;
  for (size_t i = 0; i + 4 <= r.data.size() && i < 256 && !sync; ++i)
    sync = r.data[i] == 0xAA && r.data[i + 1] == 0x99 && r.data[i + 2] == 0x55 && r.data[i + 3] == 0x66;
  TP_CHECK(sync, "bitstream ", origin, ": no sync word 0xAA995566 in the configuration data (corrupt file?)");
  return r;
}

std::vector<uint8_t> bit_to_bin(const BitFile& b) {
  std::vector<uint8_t> o(b.data.size());
  for (size_t i = 0; i < o.size(); i += 4)
    for (int k = 0; k < 4; ++k) o[i + k] = b.data[i + 3 - k];
  return o;
}

namespace {
void write_attr(const fs::path& p, const std::string& v) {
  std::ofstream f(p);
  TP_CHECK(f, "board load: cannot open ", p.string(), " for writing: ",
           errno == EACCES ? "permission denied; run with sudo" : std::strerror(errno),
           " (is this a Zynq Linux with the FPGA manager? PYNQ images have /sys/class/fpga_manager/fpga0)");
  f << v;
  f.flush();
  TP_CHECK(f, "board load: writing '", v, "' to ", p.string(), " failed: ", std::strerror(errno),
           " (the kernel log, dmesg | tail, says why)");
}
}  // namespace

LoadResult load_bitstream(const std::string& bit_path, const FpgaManagerOptions& o) {
  std::ifstream in(bit_path, std::ios::binary);
  TP_CHECK(in, "board load: cannot read ", bit_path, ": ", std::strerror(errno));
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const BitFile bit = parse_bit(bytes, bit_path);
  TP_CHECK(o.part.empty() || bit.part == o.part, "board load: ", bit_path, " was built for part '", bit.part,
           "', this board is '", o.part, "' (build it with hw/vivado/build_bitstream.tcl for the PYNQ-Z2)");
  TP_CHECK(!o.require_root || ::geteuid() == 0,
           "board load: loading a bitstream writes to /lib/firmware and the FPGA manager: run it with sudo");
  const fs::path mgr(o.manager);
  TP_CHECK(fs::exists(mgr / "firmware"), "board load: ", (mgr / "firmware").string(),
           " does not exist: this kernel has no FPGA manager for the PL (PYNQ images have fpga0)");
  const std::vector<uint8_t> bin = bit_to_bin(bit);
  const std::string name = fs::path(bit_path).stem().string() + ".bin";
  const fs::path dst = fs::path(o.firmware_dir) / name, tmp = fs::path(o.firmware_dir) / ("." + name + ".tmp");
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    TP_CHECK(f, "board load: cannot write ", tmp.string(), ": ",
             errno == EACCES ? "permission denied; run with sudo" : std::strerror(errno));
    f.write(reinterpret_cast<const char*>(bin.data()), static_cast<std::streamsize>(bin.size()));
    f.close();
    TP_CHECK(f, "board load: writing ", tmp.string(), " failed (disk full?)");
  }
  std::error_code ec;
  fs::rename(tmp, dst, ec);
  TP_CHECK(!ec, "board load: renaming ", tmp.string(), " to ", dst.string(), " failed: ", ec.message());
  write_attr(mgr / "flags", "0");  // 0: a full bitstream, not a partial one
  write_attr(mgr / "firmware", name);
  LoadResult r{dst.string(), bit.design, bit.part, "", bin.size()};
  std::ifstream st(mgr / "state");
  if (st) std::getline(st, r.state);
  TP_CHECK(!st || r.state == "operating", "board load: the FPGA manager reports state '", r.state,
           "' after loading ", name, ", expected 'operating' (dmesg | tail says why)");
  return r;
}

}  // namespace tinypynq::board
