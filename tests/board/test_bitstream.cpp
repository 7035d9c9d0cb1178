// .bit parsing, the byte-swapped .bin, and loading through a fake FPGA manager tree.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "runtime/board/bitstream.h"
#include "base/check.h"

using namespace tinypynq;
using namespace tinypynq::board;
namespace fs = std::filesystem;

namespace {

void field(std::vector<uint8_t>& b, char key, const std::string& s) {
  b.push_back(static_cast<uint8_t>(key));
  const size_t n = s.size() + 1;
  b.push_back(static_cast<uint8_t>(n >> 8));
  b.push_back(static_cast<uint8_t>(n));
  b.insert(b.end(), s.begin(), s.end());
  b.push_back(0);
}

// A .bit as Vivado lays it out (header fields a..d, then e: length + configuration words).
std::vector<uint8_t> make_bit(const std::string& part, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> b = {0x00, 0x09, 0x0F, 0xF0, 0x0F, 0xF0, 0x0F, 0xF0, 0x0F, 0xF0, 0x00, 0x00, 0x01};
  field(b, 'a', "tinypynq_wrapper;UserID=0XFFFFFFFF;Version=2022.2");
  field(b, 'b', part);
  field(b, 'c', "2026/12/03");
  field(b, 'd', "12:00:00");
  b.push_back('e');
  const uint32_t n = static_cast<uint32_t>(data.size());
  for (int s : {24, 16, 8, 0}) b.push_back(static_cast<uint8_t>(n >> s));
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

std::vector<uint8_t> config_words() {
  std::vector<uint8_t> d(64, 0xFF);                                    // dummy words
  for (uint8_t x : {0x00, 0x00, 0x00, 0xBB, 0x11, 0x22, 0x00, 0x44}) d.push_back(x);  // bus width detect
  for (uint8_t x : {0xAA, 0x99, 0x55, 0x66}) d.push_back(x);           // sync word
  for (int i = 0; i < 32; ++i) d.push_back(static_cast<uint8_t>(i));
  return d;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

TEST(Bitstream, ParsesTheHeaderAndSwapsEveryWord) {
  const auto data = config_words();
  const BitFile b = parse_bit(make_bit("7z020clg400", data), "t.bit");
  EXPECT_EQ(b.part, "7z020clg400");
  EXPECT_EQ(b.design, "tinypynq_wrapper;UserID=0XFFFFFFFF;Version=2022.2");
  EXPECT_EQ(b.date, "2026/12/03");
  EXPECT_EQ(b.time, "12:00:00");
  EXPECT_EQ(b.data, data);
  const auto bin = bit_to_bin(b);
  ASSERT_EQ(bin.size(), data.size());
  // The sync word AA 99 55 66 becomes 66 55 99 AA in the .bin the Zynq FPGA manager reads.
  const size_t sync = 72;
  EXPECT_EQ(bin[sync], 0x66);
  EXPECT_EQ(bin[sync + 1], 0x55);
  EXPECT_EQ(bin[sync + 2], 0x99);
  EXPECT_EQ(bin[sync + 3], 0xAA);
  for (size_t i = 0; i < data.size(); ++i) EXPECT_EQ(bin[i], data[(i & ~size_t{3}) + 3 - (i & 3)]);
}

TEST(Bitstream, RejectsMalformedFiles) {
  auto bit = make_bit("7z020clg400", config_words());
  EXPECT_NE(error_of([&] { parse_bit({bit.begin(), bit.begin() + 40}, "t.bit"); }).find("truncated"), std::string::npos);
  EXPECT_NE(error_of([&] { parse_bit(bit_to_bin(parse_bit(bit)), "t.bin"); }).find("not a Xilinx .bit file"),
            std::string::npos);
  auto nosync = make_bit("7z020clg400", std::vector<uint8_t>(64, 0xFF));
  EXPECT_NE(error_of([&] { parse_bit(nosync, "t.bit"); }).find("no sync word"), std::string::npos);
  auto odd = config_words();
  odd.push_back(0);
  EXPECT_NE(error_of([&] { parse_bit(make_bit("7z020clg400", odd), "t.bit"); }).find("32-bit words"),
            std::string::npos);
}

struct FakeManager {
  fs::path dir;
  FakeManager() {
    std::random_device rd;
    dir = fs::temp_directory_path() / ("tinypynq_fpga_" + std::to_string(rd()));
    fs::create_directories(dir / "fpga0");
    fs::create_directories(dir / "firmware");
    std::ofstream(dir / "fpga0" / "flags") << "1";
    std::ofstream(dir / "fpga0" / "firmware") << "";
    std::ofstream(dir / "fpga0" / "state") << "operating\n";
  }
  ~FakeManager() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  FpgaManagerOptions options() const {
    FpgaManagerOptions o;
    o.manager = (dir / "fpga0").string();
    o.firmware_dir = (dir / "firmware").string();
    o.require_root = false;
    return o;
  }
  std::string attr(const char* a) const {
    std::ifstream f(dir / "fpga0" / a);
    std::string s;
    std::getline(f, s);
    return s;
  }
  fs::path write_bit(const std::vector<uint8_t>& b) const {
    const fs::path p = dir / "tinypynq.bit";
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), static_cast<long>(b.size()));
    return p;
  }
};

TEST(Bitstream, LoadsThroughTheFpgaManager) {
  FakeManager m;
  const auto bit = make_bit("7z020clg400", config_words());
  const LoadResult r = load_bitstream(m.write_bit(bit).string(), m.options());
  EXPECT_EQ(r.state, "operating");
  EXPECT_EQ(m.attr("flags"), "0");
  EXPECT_EQ(m.attr("firmware"), "tinypynq.bin");
  std::ifstream f(m.dir / "firmware" / "tinypynq.bin", std::ios::binary);
  const std::vector<uint8_t> got((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_EQ(got, bit_to_bin(parse_bit(bit)));
  EXPECT_FALSE(fs::exists(m.dir / "firmware" / ".tinypynq.bin.tmp"));
}

TEST(Bitstream, LoadErrorsSayWhatToDo) {
  FakeManager m;
  std::string e = error_of([&] { load_bitstream(m.write_bit(make_bit("7z010clg400", config_words())).string(), m.options()); });
  EXPECT_NE(e.find("built for part '7z010clg400'"), std::string::npos) << e;
  std::ofstream(m.dir / "fpga0" / "state") << "write error\n";
  e = error_of([&] { load_bitstream(m.write_bit(make_bit("7z020clg400", config_words())).string(), m.options()); });
  EXPECT_NE(e.find("state 'write error'"), std::string::npos) << e;
  EXPECT_NE(e.find("dmesg"), std::string::npos) << e;
  FpgaManagerOptions o = m.options();
  o.manager = (m.dir / "nope").string();
  e = error_of([&] { load_bitstream(m.write_bit(make_bit("7z020clg400", config_words())).string(), o); });
  EXPECT_NE(e.find("no FPGA manager"), std::string::npos) << e;
  e = error_of([&] { load_bitstream((m.dir / "missing.bit").string(), m.options()); });
  EXPECT_NE(e.find("cannot read"), std::string::npos) << e;
}

}  // namespace
