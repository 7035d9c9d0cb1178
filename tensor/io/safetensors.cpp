#include "tensor/io/safetensors.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <cstdint>
#include <filesystem>
#include <fstream>

#include "base/check.h"
#include "tensor/io/json_header.h"

namespace tinypynq::io {
namespace {

using detail::JsonValue;

// Same limit as the reference Rust implementation: a header is metadata, never bulk data.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;

std::string shape_str(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

// Byte size implied by shape and dtype; throws on negative dims or overflow.
uint64_t expected_bytes(const StTensor& t, const std::string& file, const std::string& name) {
  uint64_t n = st_dtype_size(t.dtype);
  for (const int64_t d : t.shape) {
    TP_CHECK(d >= 0, "safetensors file '", file, "': tensor '", name, "' has negative dimension in shape ",
             shape_str(t.shape));
    TP_CHECK(!__builtin_mul_overflow(n, static_cast<uint64_t>(d), &n), "safetensors file '", file,
             "': tensor '", name, "' shape ", shape_str(t.shape), " overflows 64 bits");
  }
  return n;
}

void check_bool_bytes(const StTensor& t, const std::string& file, const std::string& name) {
  if (t.dtype != StDtype::BOOL) return;
  for (const uint8_t b : t.data)
    TP_CHECK(b <= 1, "safetensors file '", file, "': BOOL tensor '", name, "' holds byte ", int{b},
             ", expected 0 or 1");
}

// ---------------------------------------------------------------- writing

// Removes the temp file unless the rename went through, whatever throws in between.
struct TmpFile {
  std::string path;
  int fd = -1;
  bool keep = false;
  ~TmpFile() {
    if (fd >= 0) ::close(fd);
    if (!keep) ::unlink(path.c_str());
  }
};

void write_all(int fd, const void* p, std::size_t n, const std::string& path, const std::string& tmp) {
  const auto* b = static_cast<const uint8_t*>(p);
  while (n > 0) {
    const ssize_t w = ::write(fd, b, n);
    if (w < 0 && errno == EINTR) continue;
    TP_CHECK(w > 0, "cannot write safetensors file '", path, "' (writing '", tmp, "'): ", std::strerror(errno));
    b += w;
    n -= static_cast<std::size_t>(w);
  }
}

std::string build_header(const std::map<std::string, StTensor>& tensors,
                         const std::map<std::string, std::string>& metadata, const std::string& path) {
  std::string h = "{";
  if (!metadata.empty()) {
    h += "\"__metadata__\":{";
    bool first = true;
    for (const auto& [k, v] : metadata) {
      TP_CHECK(detail::is_valid_utf8(k) && detail::is_valid_utf8(v), "safetensors file '", path,
               "': metadata entry '", k, "' is not valid UTF-8");
      h += (first ? "" : ",") + detail::json_quote(k) + ":" + detail::json_quote(v);
      first = false;
    }
    h += "}";
  }
  uint64_t offset = 0;
  for (const auto& [name, t] : tensors) {
    TP_CHECK(name != "__metadata__", "safetensors file '", path, "': '__metadata__' cannot name a tensor");
    TP_CHECK(detail::is_valid_utf8(name), "safetensors file '", path, "': tensor name is not valid UTF-8");
    const uint64_t bytes = expected_bytes(t, path, name);
    TP_CHECK(bytes == t.data.size(), "safetensors file '", path, "': tensor '", name, "' has shape ",
             shape_str(t.shape), " and dtype ", st_dtype_name(t.dtype), " (", bytes, " bytes) but holds ",
             t.data.size(), " bytes");
    check_bool_bytes(t, path, name);
    if (h.size() > 1) h += ",";
    h += detail::json_quote(name) + ":{\"dtype\":\"" + st_dtype_name(t.dtype) + "\",\"shape\":" +
         shape_str(t.shape) + ",\"data_offsets\":[" + std::to_string(offset) + "," +
         std::to_string(offset + bytes) + "]}";
    offset += bytes;
  }
  h += "}";
  // Pad so the data buffer starts 8-byte aligned (8-byte length prefix + header).
  h.append((8 - h.size() % 8) % 8, ' ');
  return h;
}

// ---------------------------------------------------------------- reading

struct Entry {
  std::string name;
  uint64_t begin, end;
};

uint64_t get_uint(const JsonValue& v, const std::string& file, const std::string& name, const char* field) {
  TP_CHECK(v.kind == JsonValue::Integer, "safetensors file '", file, "': tensor '", name, "': ", field,
           " must hold non-negative integers");
  return v.integer;
}

StDtype parse_dtype(const JsonValue& v, const std::string& file, const std::string& name) {
  TP_CHECK(v.kind == JsonValue::String, "safetensors file '", file, "': tensor '", name,
           "': dtype must be a string");
  for (const StDtype dt : {StDtype::F32, StDtype::I32, StDtype::U8, StDtype::BOOL, StDtype::F64, StDtype::F16,
                           StDtype::BF16, StDtype::I64, StDtype::I16, StDtype::I8})
    if (v.str == st_dtype_name(dt)) return dt;
  TP_CHECK(false, "safetensors file '", file, "': tensor '", name, "' has unsupported dtype '", v.str,
           "' (supported: F32, F64, F16, BF16, I64, I32, I16, I8, U8, BOOL)");
  return StDtype::F32;
}

// Parses one tensor entry; fills t's dtype/shape and returns its data_offsets.
Entry parse_entry(const JsonValue& v, const std::string& file, const std::string& name, StTensor& t,
                  uint64_t buffer_size) {
  TP_CHECK(v.kind == JsonValue::Object, "safetensors file '", file, "': entry '", name,
           "' must be an object with dtype, shape and data_offsets");
  const JsonValue *dtype = nullptr, *shape = nullptr, *offsets = nullptr;
  for (std::size_t i = 0; i < v.keys.size(); ++i) {
    const std::string& k = v.keys[i];
    if (k == "dtype") dtype = &v.items[i];
    else if (k == "shape") shape = &v.items[i];
    else if (k == "data_offsets") offsets = &v.items[i];
    else TP_CHECK(false, "safetensors file '", file, "': tensor '", name, "' has unknown field '", k, "'");
  }
  TP_CHECK(dtype && shape && offsets, "safetensors file '", file, "': tensor '", name,
           "' is missing dtype, shape or data_offsets");
  t.dtype = parse_dtype(*dtype, file, name);
  TP_CHECK(shape->kind == JsonValue::Array, "safetensors file '", file, "': tensor '", name,
           "': shape must be a list");
  for (const JsonValue& d : shape->items) {
    const uint64_t x = get_uint(d, file, name, "shape");
    TP_CHECK(x <= static_cast<uint64_t>(INT64_MAX), "safetensors file '", file, "': tensor '", name,
             "': dimension ", x, " is too large");
    t.shape.push_back(static_cast<int64_t>(x));
  }
  TP_CHECK(offsets->kind == JsonValue::Array && offsets->items.size() == 2, "safetensors file '", file,
           "': tensor '", name, "': data_offsets must be a list [begin, end]");
  Entry e{name, get_uint(offsets->items[0], file, name, "data_offsets"),
          get_uint(offsets->items[1], file, name, "data_offsets")};
  TP_CHECK(e.begin <= e.end && e.end <= buffer_size, "safetensors file '", file, "': tensor '", name,
           "' data_offsets [", e.begin, ",", e.end, "] are out of range for the ", buffer_size,
           "-byte data buffer");
  const uint64_t bytes = expected_bytes(t, file, name);
  TP_CHECK(bytes == e.end - e.begin, "safetensors file '", file, "': tensor '", name, "' has shape ",
           shape_str(t.shape), " and dtype ", st_dtype_name(t.dtype), " (", bytes,
           " bytes) but data_offsets [", e.begin, ",", e.end, "] span ", e.end - e.begin, " bytes");
  return e;
}

// The data buffer must be tiled exactly by the tensors: no overlap, no holes, nothing left over.
void check_coverage(std::vector<Entry> entries, uint64_t buffer_size, const std::string& file) {
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.begin != b.begin ? a.begin < b.begin : a.end < b.end; });
  uint64_t cursor = 0;
  const Entry* prev = nullptr;
  for (const Entry& e : entries) {
    TP_CHECK(e.begin >= cursor, "safetensors file '", file, "': tensors '", prev ? prev->name : "", "' and '",
             e.name, "' overlap in the data buffer");
    TP_CHECK(e.begin == cursor, "safetensors file '", file, "': data buffer bytes [", cursor, ",", e.begin,
             ") belong to no tensor (hole before '", e.name, "')");
    cursor = e.end;
    prev = &e;
  }
  TP_CHECK(cursor == buffer_size, "safetensors file '", file, "': data buffer bytes [", cursor, ",",
           buffer_size, ") belong to no tensor (trailing bytes not covered by data_offsets)");
}

}  // namespace

const char* st_dtype_name(StDtype dt) {
  switch (dt) {
    case StDtype::F32: return "F32";
    case StDtype::I32: return "I32";
    case StDtype::U8: return "U8";
    case StDtype::BOOL: return "BOOL";
    case StDtype::F64: return "F64";
    case StDtype::F16: return "F16";
    case StDtype::BF16: return "BF16";
    case StDtype::I64: return "I64";
    case StDtype::I16: return "I16";
    case StDtype::I8: return "I8";
  }
  return "?";
}

std::size_t st_dtype_size(StDtype dt) {
  switch (dt) {
    case StDtype::F64: case StDtype::I64: return 8;
    case StDtype::F32: case StDtype::I32: return 4;
    case StDtype::F16: case StDtype::BF16: case StDtype::I16: return 2;
    default: return 1;
  }
}

void save_safetensors(const std::string& path, const std::map<std::string, StTensor>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  const std::string header = build_header(tensors, metadata, path);  // validates before touching disk
  uint8_t len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<uint8_t>(uint64_t{header.size()} >> (8 * i));

  TmpFile tmp{path + ".tmp." + std::to_string(::getpid())};
  tmp.fd = ::open(tmp.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (tmp.fd < 0) {
    const int err = errno;
    tmp.keep = true;  // nothing of ours to remove (and it may be someone else's file or directory)
    TP_CHECK(false, "cannot write safetensors file '", path, "' (creating '", tmp.path, "'): ", std::strerror(err));
  }
  write_all(tmp.fd, len, sizeof len, path, tmp.path);
  write_all(tmp.fd, header.data(), header.size(), path, tmp.path);
  for (const auto& [name, t] : tensors) write_all(tmp.fd, t.data.data(), t.data.size(), path, tmp.path);
  TP_CHECK(::fsync(tmp.fd) == 0, "cannot write safetensors file '", path, "' (fsync of '", tmp.path, "'): ",
           std::strerror(errno));
  const int fd = tmp.fd;
  tmp.fd = -1;
  TP_CHECK(::close(fd) == 0, "cannot write safetensors file '", path, "' (closing '", tmp.path, "'): ",
           std::strerror(errno));
  TP_CHECK(::rename(tmp.path.c_str(), path.c_str()) == 0, "cannot write safetensors file '", path,
           "' (renaming '", tmp.path, "'): ", std::strerror(errno));
  tmp.keep = true;
  // Make the rename itself durable; best effort, since some filesystems refuse fsync on a directory.
  const auto slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
}

std::map<std::string, StTensor> load_safetensors(const std::string& path,
                                                 std::map<std::string, std::string>& metadata) {
  std::error_code ec;
  TP_CHECK(std::filesystem::exists(path, ec), "safetensors file not found: '", path, "'");
  TP_CHECK(!std::filesystem::is_directory(path, ec), "cannot open safetensors file '", path, "': it is a directory");
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  TP_CHECK(in.is_open(), "cannot open safetensors file '", path, "': ", std::strerror(errno));
  const auto file_size = static_cast<uint64_t>(in.tellg());
  in.seekg(0);
  TP_CHECK(file_size >= 8, "safetensors file '", path, "' is ", file_size,
           " bytes, too short for the 8-byte header length");
  uint8_t len[8];
  in.read(reinterpret_cast<char*>(len), 8);
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | len[i];
  TP_CHECK(header_len <= kMaxHeaderBytes, "safetensors file '", path, "': header length ", header_len,
           " exceeds the 100 MB limit");
  TP_CHECK(header_len <= file_size - 8, "safetensors file '", path, "': header length ", header_len,
           " exceeds the file size (", file_size, " bytes)");
  std::string header(header_len, '\0');
  in.read(header.data(), static_cast<std::streamsize>(header_len));
  const uint64_t buffer_size = file_size - 8 - header_len;
  std::vector<uint8_t> buffer(buffer_size);
  in.read(reinterpret_cast<char*>(buffer.data()), static_cast<std::streamsize>(buffer_size));
  TP_CHECK(in.good(), "cannot read safetensors file '", path, "': read failed");

  const JsonValue root = detail::parse_json_header(header, path);
  std::map<std::string, StTensor> out;
  std::vector<Entry> entries;
  metadata.clear();
  for (std::size_t i = 0; i < root.keys.size(); ++i) {
    const std::string& name = root.keys[i];
    const JsonValue& v = root.items[i];
    if (name == "__metadata__") {
      TP_CHECK(v.kind == JsonValue::Object, "safetensors file '", path, "': __metadata__ must be an object");
      for (std::size_t k = 0; k < v.keys.size(); ++k) {
        TP_CHECK(v.items[k].kind == JsonValue::String, "safetensors file '", path, "': __metadata__ entry '",
                 v.keys[k], "' must be a string");
        metadata[v.keys[k]] = v.items[k].str;
      }
      continue;
    }
    StTensor t;
    entries.push_back(parse_entry(v, path, name, t, buffer_size));
    t.data.assign(buffer.begin() + static_cast<std::ptrdiff_t>(entries.back().begin),
                  buffer.begin() + static_cast<std::ptrdiff_t>(entries.back().end));
    check_bool_bytes(t, path, name);
    out.emplace(name, std::move(t));
  }
  check_coverage(std::move(entries), buffer_size, path);
  return out;
}

std::map<std::string, StTensor> load_safetensors(const std::string& path) {
  std::map<std::string, std::string> metadata;
  return load_safetensors(path, metadata);
}

}  // namespace tinypynq::io
