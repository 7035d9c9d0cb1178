#include "tensor/io/npy.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>

#include "base/check.h"
#include "tensor/core/shape.h"

namespace tinypynq::io {

namespace {
const char* const kSupported = "<f4, <f8, <i8, <i4, <i2, |i1, |u1, <u2, <u4, <u8, |b1";

std::string normalise_descr(std::string d) {
  if (d.size() >= 2 && (d[0] == '=' || d[0] == '<' || d[0] == '|')) d[0] = d.substr(2) == "1" ? '|' : '<';
  return d;
}

// The header is a Python dict literal; numpy writes exactly one shape (a tuple), one descr (a
// string) and fortran_order. This parser accepts numpy's output and rejects everything else.
struct Header {
  std::string descr;
  bool fortran = false;
  std::vector<int64_t> shape;
};

void skip_ws(const std::string& s, size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t')) ++i;
}

Header parse_header(const std::string& h, const std::string& what) {
  Header r;
  bool have_descr = false, have_order = false, have_shape = false;
  size_t i = 0;
  skip_ws(h, i);
  TP_CHECK(i < h.size() && h[i] == '{', what, ": .npy header is not a dict");
  ++i;
  while (true) {
    skip_ws(h, i);
    TP_CHECK(i < h.size(), what, ": .npy header is truncated");
    if (h[i] == '}') break;
    TP_CHECK(h[i] == '\'' || h[i] == '"', what, ": .npy header key is not a string");
    const char q = h[i++];
    size_t e = h.find(q, i);
    TP_CHECK(e != std::string::npos, what, ": .npy header key is unterminated");
    std::string key = h.substr(i, e - i);
    i = e + 1;
    skip_ws(h, i);
    TP_CHECK(i < h.size() && h[i] == ':', what, ": .npy header: ':' expected after '", key, "'");
    ++i;
    skip_ws(h, i);
    TP_CHECK(i < h.size(), what, ": .npy header is truncated");
    if (key == "descr") {
      TP_CHECK(h[i] == '\'' || h[i] == '"', what, ": .npy descr must be a dtype string (structured dtypes are not supported)");
      const char q2 = h[i++];
      size_t e2 = h.find(q2, i);
      TP_CHECK(e2 != std::string::npos, what, ": .npy descr is unterminated");
      r.descr = h.substr(i, e2 - i);
      i = e2 + 1;
      have_descr = true;
    } else if (key == "fortran_order") {
      if (h.compare(i, 4, "True") == 0) r.fortran = true, i += 4;
      else if (h.compare(i, 5, "False") == 0) r.fortran = false, i += 5;
      else TP_CHECK(false, what, ": .npy fortran_order must be True or False");
      have_order = true;
    } else if (key == "shape") {
      TP_CHECK(h[i] == '(', what, ": .npy shape must be a tuple");
      ++i;
      while (true) {
        skip_ws(h, i);
        TP_CHECK(i < h.size(), what, ": .npy shape is unterminated");
        if (h[i] == ')') { ++i; break; }
        TP_CHECK(h[i] >= '0' && h[i] <= '9', what, ": .npy shape holds a non-integer");
        int64_t v = 0;
        while (i < h.size() && h[i] >= '0' && h[i] <= '9') {
          TP_CHECK(v < (std::numeric_limits<int64_t>::max() - 9) / 10, what, ": .npy dimension is too large");
          v = v * 10 + (h[i++] - '0');
        }
        if (i < h.size() && h[i] == 'L') ++i;  // Python 2 longs
        r.shape.push_back(v);
        TP_CHECK(r.shape.size() <= 32, what, ": .npy array has more than 32 dimensions");
        skip_ws(h, i);
        if (i < h.size() && h[i] == ',') ++i;
      }
      have_shape = true;
    } else {
      TP_CHECK(false, what, ": .npy header has an unknown key '", key, "'");
    }
    skip_ws(h, i);
    if (i < h.size() && h[i] == ',') ++i;
  }
  TP_CHECK(have_descr && have_order && have_shape, what, ": .npy header needs descr, fortran_order and shape");
  return r;
}
}  // namespace

size_t npy_itemsize(const std::string& d_in) {
  const std::string d = normalise_descr(d_in);
  static const char* names[] = {"<f4", "<f8", "<i8", "<i4", "<i2", "|i1", "|u1", "<u2", "<u4", "<u8", "|b1"};
  static const size_t sizes[] = {4, 8, 8, 4, 2, 1, 1, 2, 4, 8, 1};
  for (size_t i = 0; i < std::size(names); ++i)
    if (d == names[i]) return sizes[i];
  TP_CHECK(!(d.size() >= 1 && d[0] == '>'), "big-endian .npy dtype '", d_in, "' is not supported (save it little-endian)");
  TP_CHECK(false, "unsupported .npy dtype '", d_in, "' (supported: ", kSupported, ")");
  return 0;
}

NpyArray parse_npy(const void* bytes, size_t n, const std::string& what) {
  const auto* b = static_cast<const uint8_t*>(bytes);
  TP_CHECK(n >= 10 && std::memcmp(b, "\x93NUMPY", 6) == 0, what, ": not a .npy file (bad magic)");
  const int major = b[6];
  TP_CHECK(major >= 1 && major <= 3, what, ": unsupported .npy format version ", major, ".", int{b[7]});
  size_t hlen, off;
  if (major == 1) {
    hlen = b[8] | (size_t{b[9]} << 8);
    off = 10;
  } else {
    TP_CHECK(n >= 12, what, ": .npy file is truncated");
    hlen = b[8] | (size_t{b[9]} << 8) | (size_t{b[10]} << 16) | (size_t{b[11]} << 24);
    off = 12;
  }
  TP_CHECK(hlen <= n - off, what, ": .npy header length ", hlen, " exceeds the file (", n, " bytes)");
  Header h = parse_header(std::string(reinterpret_cast<const char*>(b + off), hlen), what);
  TP_CHECK(!h.fortran, what, ": Fortran-ordered .npy arrays are not supported (save with np.ascontiguousarray)");
  NpyArray a;
  a.descr = normalise_descr(h.descr);
  const size_t item = npy_itemsize(a.descr);
  a.shape = h.shape;
  uint64_t count = 1;
  for (int64_t d : a.shape) {
    TP_CHECK(d == 0 || count <= std::numeric_limits<uint64_t>::max() / static_cast<uint64_t>(d) / item, what,
             ": .npy shape ", shape_str(a.shape), " overflows");
    count *= static_cast<uint64_t>(d);
  }
  const size_t data_off = off + hlen;
  TP_CHECK(count * item == n - data_off, what, ": .npy shape ", shape_str(a.shape), " of ", a.descr, " needs ",
           count * item, " data bytes, the file holds ", n - data_off);
  a.data.assign(b + data_off, b + n);
  if (a.descr == "|b1")
    for (uint8_t v : a.data) TP_CHECK(v <= 1, what, ": bool .npy array holds byte ", int{v});
  return a;
}

NpyArray load_npy(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  TP_CHECK(f.good(), "cannot open .npy file '", path, "': ", std::strerror(errno));
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  return parse_npy(bytes.data(), bytes.size(), "'" + path + "'");
}

void save_npy(const std::string& path, const NpyArray& a) {
  const std::string descr = normalise_descr(a.descr);
  const size_t item = npy_itemsize(descr);
  TP_CHECK(static_cast<uint64_t>(prod(a.shape)) * item == a.data.size(), "save_npy '", path, "': shape ",
           shape_str(a.shape), " of ", descr, " needs ", prod(a.shape) * item, " bytes, got ", a.data.size());
  std::string shape = "(";
  for (size_t i = 0; i < a.shape.size(); ++i) shape += std::to_string(a.shape[i]) + (a.shape.size() == 1 || i + 1 < a.shape.size() ? "," : "");
  shape += ")";
  std::string h = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  // numpy pads the header with spaces and a newline so the data starts 64-byte aligned.
  const size_t total = 10 + h.size() + 1;
  h.append((64 - total % 64) % 64, ' ');
  h += '\n';
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(h.size() & 0xff);
  out += static_cast<char>((h.size() >> 8) & 0xff);
  out += h;
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  TP_CHECK(fd >= 0, "cannot write .npy file '", path, "' (creating '", tmp, "'): ", std::strerror(errno));
  auto write_all = [&](const void* p, size_t n) {
    const auto* c = static_cast<const uint8_t*>(p);
    while (n > 0) {
      ssize_t w = ::write(fd, c, n);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        const std::string err = std::strerror(errno);
        ::close(fd);
        ::unlink(tmp.c_str());
        TP_CHECK(false, "cannot write .npy file '", path, "': ", err);
      }
      c += w;
      n -= static_cast<size_t>(w);
    }
  };
  write_all(out.data(), out.size());
  write_all(a.data.data(), a.data.size());
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string err = std::strerror(errno);
    ::unlink(tmp.c_str());
    TP_CHECK(false, "cannot write .npy file '", path, "': ", err);
  }
}

}  // namespace tinypynq::io
