// Host arrays: ONNX element types, TensorProto and .npy files, conversion to and from Tensor.
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>

#include "frontends/onnx/onnx_internal.h"
#include "tensor/io/npy.h"

namespace tinypynq::onnx {

const char* elem_name(Elem e) {
  switch (e) {
    case Elem::FLOAT: return "float32";
    case Elem::UINT8: return "uint8";
    case Elem::INT8: return "int8";
    case Elem::UINT16: return "uint16";
    case Elem::INT16: return "int16";
    case Elem::INT32: return "int32";
    case Elem::INT64: return "int64";
    case Elem::BOOL: return "bool";
    case Elem::DOUBLE: return "float64";
    case Elem::UINT32: return "uint32";
    case Elem::UINT64: return "uint64";
  }
  return "?";
}

size_t elem_size(Elem e) {
  switch (e) {
    case Elem::UINT8: case Elem::INT8: case Elem::BOOL: return 1;
    case Elem::UINT16: case Elem::INT16: return 2;
    case Elem::FLOAT: case Elem::INT32: case Elem::UINT32: return 4;
    case Elem::INT64: case Elem::DOUBLE: case Elem::UINT64: return 8;
  }
  return 0;
}

bool elem_supported(int32_t t) {
  switch (t) {
    case 1: case 2: case 3: case 4: case 5: case 6: case 7: case 9: case 11: case 12: case 13: return true;
    default: return false;
  }
}

const char* onnx_type_name(int32_t t) {
  static const char* n[] = {"UNDEFINED", "FLOAT", "UINT8",  "INT8",   "UINT16",    "INT16",     "INT32",
                            "INT64",     "STRING", "BOOL",  "FLOAT16", "DOUBLE",   "UINT32",    "UINT64",
                            "COMPLEX64", "COMPLEX128", "BFLOAT16"};
  return t >= 0 && t < 17 ? n[t] : "unknown";
}

Elem check_elem(int32_t t, const std::string& what) {
  TP_CHECK(elem_supported(t), what, ": element type ", onnx_type_name(t), " (", t,
           ") is not supported (supported: float, double, bool, int8/16/32/64, uint8/16/32/64)");
  return static_cast<Elem>(t);
}

DType compute_dtype(Elem e) {
  if (e == Elem::FLOAT || e == Elem::DOUBLE) return DType::f32;
  if (e == Elem::BOOL) return DType::boolean;
  return DType::i32;
}

namespace {
template <typename T> T rd(const uint8_t* p) { T v; std::memcpy(&v, p, sizeof v); return v; }
template <typename T> void wr(uint8_t* p, T v) { std::memcpy(p, &v, sizeof v); }

double get(const HostArray& a, int64_t i) {
  const uint8_t* p = a.data.data() + i * elem_size(a.elem);
  switch (a.elem) {
    case Elem::FLOAT: return rd<float>(p);
    case Elem::DOUBLE: return rd<double>(p);
    case Elem::UINT8: return rd<uint8_t>(p);
    case Elem::INT8: return rd<int8_t>(p);
    case Elem::UINT16: return rd<uint16_t>(p);
    case Elem::INT16: return rd<int16_t>(p);
    case Elem::INT32: return rd<int32_t>(p);
    case Elem::UINT32: return rd<uint32_t>(p);
    case Elem::INT64: return static_cast<double>(rd<int64_t>(p));
    case Elem::UINT64: return static_cast<double>(rd<uint64_t>(p));
    case Elem::BOOL: return rd<uint8_t>(p) ? 1 : 0;
  }
  return 0;
}
int64_t get_int(const HostArray& a, int64_t i, const std::string& what) {
  const uint8_t* p = a.data.data() + i * elem_size(a.elem);
  if (a.elem == Elem::INT64) return rd<int64_t>(p);
  if (a.elem == Elem::UINT64) {
    uint64_t v = rd<uint64_t>(p);
    TP_CHECK(v <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()), what, ": uint64 value ", v,
             " is out of the int32 range tinypynq computes in");
    return static_cast<int64_t>(v);
  }
  return static_cast<int64_t>(get(a, i));
}
void put(HostArray& a, int64_t i, double v) {
  uint8_t* p = a.data.data() + i * elem_size(a.elem);
  switch (a.elem) {
    case Elem::FLOAT: wr<float>(p, static_cast<float>(v)); break;
    case Elem::DOUBLE: wr<double>(p, v); break;
    case Elem::UINT8: wr<uint8_t>(p, static_cast<uint8_t>(static_cast<int64_t>(v))); break;
    case Elem::INT8: wr<int8_t>(p, static_cast<int8_t>(static_cast<int64_t>(v))); break;
    case Elem::UINT16: wr<uint16_t>(p, static_cast<uint16_t>(static_cast<int64_t>(v))); break;
    case Elem::INT16: wr<int16_t>(p, static_cast<int16_t>(static_cast<int64_t>(v))); break;
    case Elem::INT32: wr<int32_t>(p, static_cast<int32_t>(v)); break;
    case Elem::UINT32: wr<uint32_t>(p, static_cast<uint32_t>(static_cast<int64_t>(v))); break;
    case Elem::INT64: wr<int64_t>(p, static_cast<int64_t>(v)); break;
    case Elem::UINT64: wr<uint64_t>(p, static_cast<uint64_t>(static_cast<int64_t>(v))); break;
    case Elem::BOOL: wr<uint8_t>(p, v != 0); break;
  }
}
}  // namespace

std::vector<double> HostArray::as_double() const {
  std::vector<double> r(static_cast<size_t>(numel()));
  for (int64_t i = 0; i < numel(); ++i) r[i] = get(*this, i);
  return r;
}

HostArray make_array(Elem e, const Shape& s) {
  HostArray a;
  a.elem = e;
  a.shape = s;
  a.data.assign(static_cast<size_t>(prod(s)) * elem_size(e), 0);
  return a;
}

void check_array(const HostArray& a, const std::string& what) {
  check_shape(a.shape, what);
  TP_CHECK(a.data.size() == static_cast<size_t>(a.numel()) * elem_size(a.elem), what, ": shape ", shape_str(a.shape),
           " of ", elem_name(a.elem), " needs ", a.numel() * static_cast<int64_t>(elem_size(a.elem)), " bytes, got ",
           a.data.size());
}

void check_shape(const Shape& s, const std::string& what) {
  TP_CHECK(s.size() <= kMaxRank, what, ": rank ", s.size(), " exceeds the limit of ", kMaxRank);
  int64_t n = 1;
  for (int64_t d : s) {
    TP_CHECK(d >= 0, what, ": negative dimension ", d, " in shape ", shape_str(s));
    TP_CHECK(d == 0 || n <= kMaxElements / d, what, ": shape ", shape_str(s), " exceeds the limit of ", kMaxElements,
             " elements per tensor");
    n *= d;
  }
}

Tensor to_tensor(const HostArray& a, const std::string& dev, const std::string& what) {
  check_array(a, what);
  const int64_t n = a.numel();
  switch (compute_dtype(a.elem)) {
    case DType::f32: {
      if (a.elem == Elem::FLOAT) return Tensor::from_bytes(a.data.data(), DType::f32, a.shape, dev);
      std::vector<float> v(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) v[i] = static_cast<float>(get(a, i));
      return Tensor::from_data(v, a.shape, dev);
    }
    case DType::boolean: return Tensor::from_bytes(a.data.data(), DType::boolean, a.shape, dev);
    default: {
      if (a.elem == Elem::INT32) return Tensor::from_bytes(a.data.data(), DType::i32, a.shape, dev);
      std::vector<int32_t> v(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) {
        int64_t x = get_int(a, i, what);
        TP_CHECK(x >= std::numeric_limits<int32_t>::min() && x <= std::numeric_limits<int32_t>::max(), what, ": ",
                 elem_name(a.elem), " value ", x, " at index ", i,
                 " is outside the int32 range tinypynq computes integers in");
        v[i] = static_cast<int32_t>(x);
      }
      return Tensor::from_data(v, a.shape, dev);
    }
  }
}

HostArray from_tensor(const Tensor& t, Elem e) {
  HostArray a = make_array(e, t.shape());
  const int64_t n = a.numel();
  if (t.dtype() == DType::f32) {
    std::vector<float> v = t.to_vector<float>();
    if (e == Elem::FLOAT) std::memcpy(a.data.data(), v.data(), v.size() * 4);
    else for (int64_t i = 0; i < n; ++i) put(a, i, v[i]);
  } else if (t.dtype() == DType::i32) {
    std::vector<int32_t> v = t.to_vector<int32_t>();
    for (int64_t i = 0; i < n; ++i) put(a, i, v[i]);
  } else {
    std::vector<uint8_t> v = t.cast(DType::i32).cast(DType::u8).to_vector<uint8_t>();
    for (int64_t i = 0; i < n; ++i) put(a, i, v[i]);
  }
  return a;
}

// ---------------------------------------------------------------- TensorProto

HostArray from_proto(const ::onnx::TensorProto& t, const std::string& dir, const std::string& what_in) {
  const std::string what = what_in + (t.name().empty() ? "" : " '" + t.name() + "'");
  Elem e = check_elem(t.data_type(), what);
  TP_CHECK(!t.has_segment(), what, ": segmented tensors are not supported");
  Shape s(t.dims().begin(), t.dims().end());
  check_shape(s, what);
  HostArray a = make_array(e, s);
  const int64_t n = a.numel();
  const size_t bytes = a.data.size();
  if (t.data_location() == ::onnx::TensorProto::EXTERNAL) {
    TP_CHECK(!dir.empty(), what, ": external data needs the model's folder (load the model from a file)");
    std::string location;
    int64_t offset = 0, length = -1;
    for (const auto& kv : t.external_data()) {
      if (kv.key() == "location") location = kv.value();
      else if (kv.key() == "offset" || kv.key() == "length") {
        char* end = nullptr;
        long long v = std::strtoll(kv.value().c_str(), &end, 10);
        TP_CHECK(end && *end == 0 && v >= 0, what, ": external data ", kv.key(), " '", kv.value(), "' is not a number");
        (kv.key() == "offset" ? offset : length) = v;
      }
    }
    TP_CHECK(!location.empty(), what, ": external data without a location");
    TP_CHECK(location[0] != '/' && location.find("..") == std::string::npos, what, ": external data location '",
             location, "' must be a relative path inside the model's folder");
    const std::string file = dir + "/" + location;
    std::ifstream f(file, std::ios::binary);
    TP_CHECK(f.good(), what, ": cannot open external data file '", file, "'");
    f.seekg(0, std::ios::end);
    const int64_t fsize = static_cast<int64_t>(f.tellg());
    if (length < 0) length = static_cast<int64_t>(bytes);
    TP_CHECK(length == static_cast<int64_t>(bytes), what, ": external data length ", length, " but shape ",
             shape_str(s), " of ", elem_name(e), " needs ", bytes, " bytes");
    TP_CHECK(offset <= fsize && length <= fsize - offset, what, ": external data [", offset, ", ", offset + length,
             ") lies beyond the end of '", file, "' (", fsize, " bytes)");
    f.seekg(offset);
    f.read(reinterpret_cast<char*>(a.data.data()), length);
    TP_CHECK(f.good(), what, ": cannot read external data from '", file, "'");
    return a;
  }
  if (t.has_raw_data()) {
    TP_CHECK(t.raw_data().size() == bytes, what, ": raw_data holds ", t.raw_data().size(), " bytes, shape ",
             shape_str(s), " of ", elem_name(e), " needs ", bytes);
    std::memcpy(a.data.data(), t.raw_data().data(), bytes);
    if (e == Elem::BOOL) for (auto& b : a.data) b = b != 0;
    return a;
  }
  auto need = [&](int64_t got, const char* field) {
    TP_CHECK(got == n, what, ": ", field, " holds ", got, " values, shape ", shape_str(s), " needs ", n);
  };
  switch (e) {
    case Elem::FLOAT: need(t.float_data_size(), "float_data"); for (int64_t i = 0; i < n; ++i) put(a, i, t.float_data(i)); break;
    case Elem::DOUBLE: need(t.double_data_size(), "double_data"); for (int64_t i = 0; i < n; ++i) put(a, i, t.double_data(i)); break;
    case Elem::INT64: need(t.int64_data_size(), "int64_data");
      for (int64_t i = 0; i < n; ++i) wr<int64_t>(a.data.data() + 8 * i, t.int64_data(i));
      break;
    case Elem::UINT32: case Elem::UINT64: need(t.uint64_data_size(), "uint64_data");
      for (int64_t i = 0; i < n; ++i) {
        if (e == Elem::UINT64) wr<uint64_t>(a.data.data() + 8 * i, t.uint64_data(i));
        else put(a, i, static_cast<double>(t.uint64_data(i)));
      }
      break;
    default: need(t.int32_data_size(), "int32_data"); for (int64_t i = 0; i < n; ++i) put(a, i, t.int32_data(i)); break;
  }
  return a;
}

HostArray load_tensor_pb(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  TP_CHECK(f.good(), "cannot open TensorProto file '", path, "'");
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  ::onnx::TensorProto t;
  TP_CHECK(bytes.size() < (size_t{1} << 31) && t.ParseFromString(bytes), "'", path,
           "' is not a valid ONNX TensorProto file");
  std::string dir = path.find('/') == std::string::npos ? "." : path.substr(0, path.rfind('/'));
  return from_proto(t, dir, "'" + path + "'");
}

namespace {
struct NpyMap { Elem e; const char* descr; };
const NpyMap kNpy[] = {{Elem::FLOAT, "<f4"}, {Elem::DOUBLE, "<f8"}, {Elem::INT64, "<i8"}, {Elem::INT32, "<i4"},
                       {Elem::INT16, "<i2"}, {Elem::INT8, "|i1"},   {Elem::UINT8, "|u1"}, {Elem::UINT16, "<u2"},
                       {Elem::UINT32, "<u4"}, {Elem::UINT64, "<u8"}, {Elem::BOOL, "|b1"}};
}  // namespace

HostArray load_npy(const std::string& path) {
  io::NpyArray n = io::load_npy(path);
  for (auto& m : kNpy)
    if (n.descr == m.descr) {
      HostArray a;
      a.elem = m.e;
      a.shape = n.shape;
      a.data = std::move(n.data);
      check_array(a, "'" + path + "'");
      return a;
    }
  TP_CHECK(false, "'", path, "': unsupported .npy dtype ", n.descr);
  return {};
}

void save_npy(const std::string& path, const HostArray& a) {
  io::NpyArray n;
  for (auto& m : kNpy)
    if (m.e == a.elem) n.descr = m.descr;
  n.shape = a.shape;
  n.data = a.data;
  io::save_npy(path, n);
}

HostArray load_tensor_file(const std::string& path) {
  auto ends = [&](const char* x) {
    size_t k = std::strlen(x);
    return path.size() >= k && path.compare(path.size() - k, k, x) == 0;
  };
  if (ends(".npy")) return load_npy(path);
  if (ends(".pb")) return load_tensor_pb(path);
  TP_CHECK(false, "input file '", path, "': expected a .npy or a TensorProto .pb file");
  return {};
}

HostArray random_input(const ValueInfo& v, uint64_t seed) {
  Shape s = v.shape;
  for (auto& d : s) if (d < 0) d = 1;
  HostArray a = make_array(v.elem, s);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uf(-1, 1);
  std::uniform_int_distribution<int> ui(0, 9);
  for (int64_t i = 0; i < a.numel(); ++i) {
    if (compute_dtype(v.elem) == DType::f32) put(a, i, uf(rng));
    else if (v.elem == Elem::BOOL) put(a, i, ui(rng) & 1);
    else put(a, i, ui(rng));
  }
  return a;
}

bool allclose(const HostArray& a, const HostArray& b, double rtol, double atol, std::string* why) {
  auto fail = [&](const std::string& m) { if (why) *why = m; return false; };
  if (a.shape != b.shape) return fail("shape " + shape_str(a.shape) + " vs expected " + shape_str(b.shape));
  const bool fa = compute_dtype(a.elem) == DType::f32, fb = compute_dtype(b.elem) == DType::f32;
  if (fa != fb || (a.elem == Elem::BOOL) != (b.elem == Elem::BOOL))
    return fail(std::string("element type ") + elem_name(a.elem) + " vs expected " + elem_name(b.elem));
  for (int64_t i = 0; i < a.numel(); ++i) {
    double x = get(a, i), y = get(b, i);
    if (std::isnan(x) && std::isnan(y)) continue;
    if (x == y) continue;  // equal infinities
    if (!(std::fabs(x - y) <= atol + rtol * std::fabs(y))) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "index %lld: %.9g vs expected %.9g (|diff| %.3g > atol %.3g + rtol %.3g * |expected|)",
                    (long long)i, x, y, std::fabs(x - y), atol, rtol);
      return fail(buf);
    }
  }
  return true;
}

}  // namespace tinypynq::onnx
