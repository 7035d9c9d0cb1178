// Printing PL programs (program.h): one line per step, stable across runs (golden tests).
#include "runtime/pynq/program.h"

#include <sstream>
#include <type_traits>

#include "runtime/pynq/regmap.h"

namespace tinypynq::pynq {

std::string MemRef::str() const {
  if (kind == kNone) return "-";
  std::ostringstream o;
  o << (kind == kKernel ? "buf" : "t") << index << '[' << off << ':' << off + bytes << ']';
  return o.str();
}

int Program::commands() const {
  int n = 0;
  for (const Step& s : steps) n += std::holds_alternative<Command>(s);
  return n;
}

namespace {
std::string hex(uint32_t v) {
  std::ostringstream o;
  o << "0x" << std::hex << v;
  return o.str();
}

void print(std::ostream& o, const Command& c) {
  o << unit_name(c.unit) << " op=" << hex(c.op) << " size=" << c.size[0];
  if (c.unit != Unit::kVector) o << ',' << c.size[1];
  if (c.unit == Unit::kMatmul) o << ',' << c.size[2];
  for (int i = 0; i < 3; ++i) {
    const char name = static_cast<char>('a' + i);
    if (c.scalar_slot[i] >= 0) o << ' ' << name << "=s" << c.scalar_slot[i];
    else if (c.unit == Unit::kVector && (c.op & (reg::VEC_A_SCALAR << i))) o << ' ' << name << '=' << hex(c.scalar[i]);
    else if (c.in[i].used()) {
      o << ' ' << name << '=' << c.in[i].str();
      if (c.view[i]) o << ' ' << c.view[i]->str();  // base/limit are placed at run time
    }
  }
  o << " -> " << c.out.str();
  if (c.out_view) o << ' ' << c.out_view->str();  // (without it two programs differing there compared equal)
}
}  // namespace

std::string Program::str() const {
  std::ostringstream o;
  o << "program " << kernel << ": " << steps.size() << " steps, " << commands() << " commands\n";
  for (size_t i = 0; i < temps.size(); ++i) o << "  t" << i << " = temp " << temps[i] << " B\n";
  for (size_t i = 0; i < steps.size(); ++i) {
    o << "  " << i << ' ';
    std::visit(
        [&](const auto& s) {
          using S = std::decay_t<decltype(s)>;
          if constexpr (std::is_same_v<S, Command>) print(o, s);
          else if constexpr (std::is_same_v<S, Pack>)
            o << "ps pack n" << s.node << (s.nodes >= 0 ? " (reordered)" : "") << ' ' << shape_str(s.shape) << ' '
              << dtype_name(s.dtype) << " -> " << s.dst.str();
          else if constexpr (std::is_same_v<S, ReadScalar>)
            o << "ps read s" << s.slot << " = buf" << s.buf << '[' << s.elem << "] as " << dtype_name(s.as);
          else if constexpr (std::is_same_v<S, GemmPack>) {
            o << "ps gemm-pack " << (s.which == 0 ? 'A' : 'B') << " ->";
            for (const MemRef& m : s.dst) o << ' ' << m.str();
          } else if constexpr (std::is_same_v<S, CopyTile>)
            o << "ps tile " << s.src.str() << " ld=" << s.ld << " at " << s.r0 << ',' << s.c0 << ' ' << s.rows << 'x'
              << s.cols << " -> " << s.dst.str();
          else if constexpr (std::is_same_v<S, ScatterTile>)
            o << "ps scatter " << s.src.str() << ' ' << s.rows << 'x' << s.cols << " -> " << s.dst.str()
              << " ld=" << s.ld << " col " << s.n0;
          else if constexpr (std::is_same_v<S, Copy>)
            o << "ps copy " << s.src.str() << " -> " << s.dst.str();
          else if constexpr (std::is_same_v<S, GemmScatter>)
            o << "ps gemm-scatter " << s.src.str() << " -> buf0";
          else if constexpr (std::is_same_v<S, Narrow>) {
            o << "ps narrow ";
            if (s.slot >= 0) o << 's' << s.slot;
            else if (s.scalar) o << hex(s.bits);
            else o << s.src.str();
            o << (s.from_int ? " int32" : " bool") << " x" << s.n << " -> buf0";
          }
        },
        steps[i]);
    o << '\n';
  }
  for (const std::string& w : ps_packed) o << "  ps-packed: " << w << '\n';
  return o.str();
}

}  // namespace tinypynq::pynq
