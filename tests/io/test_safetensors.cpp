#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "tensor/io/safetensors.h"
#include "tests/io/test_util.h"

namespace tinypynq::io {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

using test::read_bytes;
using test::TempDir;

template <typename T>
StTensor make(StDtype dt, std::vector<int64_t> shape, const std::vector<T>& values) {
  StTensor t{dt, std::move(shape), std::vector<uint8_t>(values.size() * sizeof(T))};
  if (!values.empty()) std::memcpy(t.data.data(), values.data(), t.data.size());
  return t;
}

void expect_same(const StTensor& a, const StTensor& b) {
  EXPECT_EQ(a.dtype, b.dtype);
  EXPECT_EQ(a.shape, b.shape);
  EXPECT_EQ(a.data, b.data);
}

// A safetensors file written by hand: u64 LE header length (or `len_override`), header, data.
void write_raw(const std::string& path, const std::string& header, size_t data_bytes,
               uint64_t len_override = UINT64_MAX, std::vector<uint8_t> data = {}) {
  const uint64_t len = len_override == UINT64_MAX ? header.size() : len_override;
  std::vector<uint8_t> bytes;
  for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<uint8_t>(len >> (8 * i)));
  bytes.insert(bytes.end(), header.begin(), header.end());
  if (data.empty()) data.assign(data_bytes, 0);
  bytes.insert(bytes.end(), data.begin(), data.end());
  test::write_bytes(path, bytes);
}

size_t count_tmp_files(const TempDir& dir) {
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    if (e.path().filename().string().find(".tmp.") != std::string::npos) ++n;
  return n;
}

TEST(Safetensors, RoundTripAllDtypes) {
  TempDir dir;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::map<std::string, StTensor> in{
      {"f32", make<float>(StDtype::F32, {2, 3}, {1.5f, -0.0f, nan, 3e38f, -1e-40f, 7.f})},
      {"i32", make<int32_t>(StDtype::I32, {4}, {0, -1, INT32_MIN, INT32_MAX})},
      {"u8", make<uint8_t>(StDtype::U8, {3, 1}, {0, 128, 255})},
      {"bool", make<uint8_t>(StDtype::BOOL, {2}, {1, 0})},
      {"scalar", make<float>(StDtype::F32, {}, {42.f})},
  };
  save_safetensors(dir / "m.safetensors", in);
  const auto out = load_safetensors(dir / "m.safetensors");
  ASSERT_EQ(out.size(), in.size());
  for (const auto& [name, t] : in) expect_same(out.at(name), t);
}

TEST(Safetensors, EmptyTensorsAndEmptyFile) {
  TempDir dir;
  std::map<std::string, StTensor> in{{"e0", make<float>(StDtype::F32, {0}, {})},
                                     {"e1", make<int32_t>(StDtype::I32, {2, 0, 3}, {})},
                                     {"x", make<uint8_t>(StDtype::U8, {1}, {9})}};
  save_safetensors(dir / "e.safetensors", in);
  const auto out = load_safetensors(dir / "e.safetensors");
  for (const auto& [name, t] : in) expect_same(out.at(name), t);

  save_safetensors(dir / "none.safetensors", {});
  EXPECT_EQ(read_bytes(dir / "none.safetensors").size(), 16u);  // length + "{}" padded to 8
  EXPECT_TRUE(load_safetensors(dir / "none.safetensors").empty());
}

TEST(Safetensors, MetadataRoundTrip) {
  TempDir dir;
  const std::map<std::string, std::string> meta{{"format", "pt"}, {"note", "quote \" slash \\ nl \n µ"}};
  save_safetensors(dir / "m.safetensors", {{"w", make<float>(StDtype::F32, {1}, {1.f})}}, meta);
  std::map<std::string, std::string> got;
  load_safetensors(dir / "m.safetensors", got);
  EXPECT_EQ(got, meta);
  save_safetensors(dir / "n.safetensors", {{"w", make<float>(StDtype::F32, {1}, {1.f})}});
  load_safetensors(dir / "n.safetensors", got);
  EXPECT_TRUE(got.empty());
}

// The exact bytes the reference implementation writes for one tensor: compact JSON with
// dtype/shape/data_offsets in that order, space padding to 8 bytes, data right after.
TEST(Safetensors, ByteExactLayout) {
  TempDir dir;
  save_safetensors(dir / "a.safetensors", {{"a", make<float>(StDtype::F32, {2}, {1.f, 2.f})}});
  std::string header = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  header.append((8 - header.size() % 8) % 8, ' ');
  std::string expect(8, '\0');
  expect[0] = static_cast<char>(header.size());
  expect += header + std::string("\x00\x00\x80\x3f\x00\x00\x00\x40", 8);  // 1.0f, 2.0f little-endian
  const auto got = read_bytes(dir / "a.safetensors");
  EXPECT_EQ(std::string(got.begin(), got.end()), expect);
}

TEST(Safetensors, TensorsStoredInKeyOrder) {
  TempDir dir;
  save_safetensors(dir / "k.safetensors", {{"b", make<uint8_t>(StDtype::U8, {1}, {0xBB})},
                                           {"a", make<uint8_t>(StDtype::U8, {1}, {0xAA})}});
  const auto bytes = read_bytes(dir / "k.safetensors");
  ASSERT_GE(bytes.size(), 2u);
  EXPECT_EQ(bytes[bytes.size() - 2], 0xAA);
  EXPECT_EQ(bytes.back(), 0xBB);
}

TEST(Safetensors, SaveRejectsInvalidTensors) {
  TempDir dir;
  const std::string p = dir / "bad.safetensors";
  EXPECT_THAT(error_of([&] { save_safetensors(p, {{"w", make<float>(StDtype::F32, {3}, {1.f, 2.f})}}); }),
              AllOf(HasSubstr(p), HasSubstr("'w'"), HasSubstr("12 bytes"), HasSubstr("holds 8")));
  EXPECT_THAT(error_of([&] { save_safetensors(p, {{"w", make<float>(StDtype::F32, {-1}, {})}}); }),
              HasSubstr("negative dimension"));
  EXPECT_THAT(error_of([&] { save_safetensors(p, {{"__metadata__", make<float>(StDtype::F32, {}, {1.f})}}); }),
              HasSubstr("cannot name a tensor"));
  EXPECT_THAT(error_of([&] { save_safetensors(p, {{"b", make<uint8_t>(StDtype::BOOL, {1}, {2})}}); }),
              HasSubstr("expected 0 or 1"));
  EXPECT_FALSE(std::filesystem::exists(p));
  EXPECT_EQ(count_tmp_files(dir), 0u);
}

TEST(Safetensors, AtomicWriteReplacesAndLeavesNoTemp) {
  TempDir dir;
  const std::string p = dir / "m.safetensors";
  save_safetensors(p, {{"v", make<int32_t>(StDtype::I32, {1}, {1})}});
  save_safetensors(p, {{"v", make<int32_t>(StDtype::I32, {1}, {2})}});
  EXPECT_EQ(load_safetensors(p).at("v").data[0], 2);
  EXPECT_EQ(count_tmp_files(dir), 0u);
}

TEST(Safetensors, FailedWriteKeepsOldFile) {
  TempDir dir;
  const std::string p = dir / "m.safetensors";
  save_safetensors(p, {{"v", make<int32_t>(StDtype::I32, {1}, {7})}});
  const auto old = read_bytes(p);

  // Invalid tensor: rejected before the disk is touched.
  error_of([&] { save_safetensors(p, {{"v", make<int32_t>(StDtype::I32, {2}, {1})}}); });
  EXPECT_EQ(read_bytes(p), old);

  // A write that fails half-way (file size limit; works even as root): old file intact.
  const auto big = make<float>(StDtype::F32, {1 << 16}, std::vector<float>(1 << 16, 1.f));
  auto* const old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
  rlimit small = saved;
  small.rlim_cur = 4096;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  const std::string msg = error_of([&] { save_safetensors(p, {{"v", big}}); });
  setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, old_handler);
  EXPECT_THAT(msg, AllOf(HasSubstr(p), HasSubstr("cannot write")));
  EXPECT_EQ(read_bytes(p), old);
  EXPECT_EQ(count_tmp_files(dir), 0u);

  // Rename onto a non-empty directory fails: the temp file is removed.
  std::filesystem::create_directories(dir.path() / "d" / "x");
  EXPECT_THAT(error_of([&] { save_safetensors(dir / "d", {{"v", big}}); }), HasSubstr("renaming"));
  EXPECT_EQ(count_tmp_files(dir), 0u);

  // Parent directory missing.
  EXPECT_THAT(error_of([&] { save_safetensors(dir / "nodir/m.safetensors", {}); }),
              AllOf(HasSubstr("creating"), HasSubstr("No such file")));
}

TEST(Safetensors, ReadOnlyDirectoryKeepsOldFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions (covered by FailedWriteKeepsOldFile)";
  TempDir dir;
  const std::string p = dir / "m.safetensors";
  save_safetensors(p, {{"v", make<int32_t>(StDtype::I32, {1}, {7})}});
  const auto old = read_bytes(p);
  ::chmod(dir.path().c_str(), 0555);
  const std::string msg = error_of([&] { save_safetensors(p, {{"v", make<int32_t>(StDtype::I32, {1}, {8})}}); });
  ::chmod(dir.path().c_str(), 0755);
  EXPECT_THAT(msg, HasSubstr("Permission denied"));
  EXPECT_EQ(read_bytes(p), old);
}

// ---------------------------------------------------------------- malformed input

struct BadCase {
  const char* name;
  std::string header;
  size_t data_bytes;
  std::vector<const char*> words;  // all must appear in the error message
  uint64_t len_override = UINT64_MAX;
};

TEST(Safetensors, RejectsMalformedFiles) {
  const std::string a8 = R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})";
  const std::vector<BadCase> cases{
      {"header_too_long", "{}", 0, {"header length", "exceeds the file size"}, 1000},
      {"header_over_100mb", "{}", 0, {"100 MB"}, 100'000'001},
      {"not_an_object", "[1]", 0, {"malformed JSON", "must start with '{'"}},
      {"empty_header", "", 0, {"malformed JSON"}},
      {"missing_value", R"({"a":})", 0, {"malformed JSON", "expected a JSON value"}},
      {"trailing_comma", "{" + a8 + ",}", 8, {"malformed JSON", "string key"}},
      {"junk_after", "{" + a8 + "} x", 8, {"malformed JSON", "after the header object"}},
      {"unterminated", R"({"a)", 0, {"malformed JSON", "unterminated string"}},
      {"bad_escape", R"({"a\q":1})", 0, {"malformed JSON", "unknown escape"}},
      {"leading_zero", R"({"a":{"dtype":"U8","shape":[01],"data_offsets":[0,1]}})", 1, {"leading zero"}},
      {"duplicate_key", "{" + a8 + "," + a8 + "}", 8, {"duplicate key"}},
      {"bad_utf8", "{\"\xff\":1}", 0, {"not valid UTF-8"}},
      {"deep_nesting", "{\"a\":" + std::string(100, '[') + std::string(100, ']') + "}", 0, {"nesting"}},
      {"not_entry_object", R"({"a":1})", 0, {"'a'", "must be an object"}},
      {"unknown_dtype", R"({"a":{"dtype":"C64","shape":[2],"data_offsets":[0,4]}})", 4,
       {"unsupported dtype 'C64'", "F32, F64, F16, BF16, I64"}},
      {"unknown_field", R"({"a":{"dtype":"F32","shape":[],"data_offsets":[0,4],"x":1}})", 4, {"unknown field 'x'"}},
      {"missing_field", R"({"a":{"dtype":"F32","shape":[1]}})", 4, {"missing"}},
      {"negative_dim", R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", 4, {"non-negative integers"}},
      {"fractional_dim", R"({"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}})", 4, {"non-negative integers"}},
      {"three_offsets", R"({"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1,2]}})", 2, {"[begin, end]"}},
      {"offsets_out_of_range", R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 8, {"out of range"}},
      {"offsets_reversed", R"({"a":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}})", 4, {"out of range"}},
      {"size_mismatch", R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8, {"12 bytes", "span 8"}},
      {"overlap",
       R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
       12, {"'a' and 'b' overlap"}},
      {"hole",
       R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})",
       12, {"[4,8)", "belong to no tensor"}},
      {"not_covering", R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", 8, {"[4,8)", "trailing"}},
      {"metadata_not_string", R"({"__metadata__":{"k":1}})", 0, {"__metadata__", "must be a string"}},
      {"bool_value", R"({"a":{"dtype":"BOOL","shape":[1],"data_offsets":[0,1]}})", 0, {"expected 0 or 1"}},
  };
  TempDir dir;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string p = dir / (std::string(c.name) + ".safetensors");
    std::vector<uint8_t> data;
    if (std::string(c.name) == "bool_value") data = {2};
    write_raw(p, c.header, c.data_bytes, c.len_override, data);
    const std::string msg = error_of([&] { load_safetensors(p); });
    EXPECT_THAT(msg, HasSubstr(p));
    for (const char* w : c.words) EXPECT_THAT(msg, HasSubstr(w));
  }
}

TEST(Safetensors, RejectsShortOrMissingFiles) {
  TempDir dir;
  test::write_bytes(dir / "short", {1, 2, 3});
  EXPECT_THAT(error_of([&] { load_safetensors(dir / "short"); }), AllOf(HasSubstr(dir / "short"), HasSubstr("too short")));
  EXPECT_THAT(error_of([&] { load_safetensors(dir / "absent"); }), AllOf(HasSubstr(dir / "absent"), HasSubstr("not found")));
  EXPECT_THAT(error_of([&] { load_safetensors(dir.path().string()); }), HasSubstr("directory"));
}

TEST(Safetensors, AcceptsEscapesAndOtherOffsetOrder) {
  TempDir dir;
  // Data of "b" placed before "a", unicode escapes in names: both legal per the format.
  const std::string h =
      R"({"b\u00b5\ud83d\ude00":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},)"
      R"( "a" : {"shape":[1],"dtype":"U8","data_offsets":[1,2]} }   )";
  write_raw(dir / "x", h, 0, UINT64_MAX, {5, 6});
  const auto t = load_safetensors(dir / "x");
  EXPECT_EQ(t.at("a").data, std::vector<uint8_t>{6});
  EXPECT_EQ(t.at("b\xc2\xb5\xf0\x9f\x98\x80").data, std::vector<uint8_t>{5});
}

// Cross-check with the Python reference implementation when it happens to be installed
// (Debian 12 does not package it, so this usually skips).
TEST(Safetensors, PythonReferenceReadsOurFiles) {
  if (std::system("python3 -c 'import safetensors.numpy' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "python3 module safetensors not installed";
  TempDir dir;
  save_safetensors(dir / "m.safetensors",
                   {{"w", make<float>(StDtype::F32, {2}, {1.f, 2.f})}, {"u", make<uint8_t>(StDtype::U8, {1}, {3})}},
                   {{"k", "v"}});
  const std::string cmd = "python3 -c \"from safetensors.numpy import load_file as l; d=l('" +
                          (dir / "m.safetensors") + "'); assert d['w'].tolist()==[1.0,2.0] and d['u'].tolist()==[3]\"";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
}

}  // namespace
}  // namespace tinypynq::io
