// PlExec's pl_version 2 half (pl_exec.h, docs/pl-v2.md "v2 step 2"): the view readers VR0..2
// take the place of the MM2S channels. Each operand stream is a descriptor (its BASE/LIMIT the
// operand's buffer range) written over GP0 to VR_i and started before the unit; a unit that
// ends a command with ERR 4 (STREAM) had a reader reject its descriptor.
#include <algorithm>
#include <sstream>

#include "runtime/pynq/pl_exec.h"
#include "runtime/pynq/regmap.h"

namespace tinypynq::pynq {

namespace vr = pl::vr;

namespace {
uint64_t vr_base(int i) { return vr::kWindow + vr::kReaderStride * static_cast<uint64_t>(i); }
constexpr const char* kOperand[3] = {"A", "B", "C"};
}  // namespace

pl::ViewDesc PlExec::reader_view(const UnitCmd& c, int i) const {
  pl::ViewDesc d;
  if (c.view[i]) {
    d = *c.view[i];
  } else {  // a contiguous stream: its words in order
    d.rank = 1;
    d.shape[0] = static_cast<uint32_t>(c.in[i].bytes / 4);
    d.stride[0] = 1;
    d.full_mask();
  }
  d.base = c.in[i].phys();
  d.limit = c.in[i].bytes;
  return d;
}

bool PlExec::footprint(const pl::ViewDesc& d, uint64_t* lo, uint64_t* bytes) {
  // The reader's own bound (docs/pl-v2.md "Bad descriptors"): over the valid box, the lowest
  // and highest element each dimension can contribute.
  int64_t a = d.offset, b = d.offset;
  for (unsigned k = 0; k < d.rank && k < vr::kMaxRank; ++k) {
    if (d.mlo[k] >= d.mhi[k]) return false;  // an empty box reads nothing
    const int64_t s = d.stride[k], x = s * d.mlo[k], y = s * (static_cast<int64_t>(d.mhi[k]) - 1);
    a += std::min(x, y), b += std::max(x, y);
  }
  if (a < 0) return false;  // not a legal view: the reader rejects it, there is nothing to clean
  *lo = d.base + 4 * static_cast<uint64_t>(a);
  *bytes = 4 * static_cast<uint64_t>(b - a + 1);
  return true;
}

void PlExec::program_readers(const UnitCmd& c) {
  for (int i = 2; i >= 0; --i) {
    if (!c.in[i].blk) continue;
    const pl::ViewDesc d = reader_view(c, i);
    VrShadow& sh = vr_[i];
    auto put = [&](uint32_t off, uint32_t v) {
      if (sh.valid && sh.r[off / 4] == v) return;  // registers keep their value between commands
      reg_write(vr_base(i) + off, v);
      sh.r[off / 4] = v;
    };
    put(vr::BASE, static_cast<uint32_t>(d.base));
    put(vr::LIMIT, static_cast<uint32_t>(d.limit));
    put(vr::OFFSET, static_cast<uint32_t>(static_cast<int32_t>(d.offset)));
    put(vr::RANK, d.rank);
    put(vr::PAD, d.pad);
    for (unsigned k = 0; k < d.rank && k < vr::kMaxRank; ++k) {
      const uint32_t r = vr::DIM0 + vr::DIM_BYTES * k;
      put(r + vr::D_SHAPE, d.shape[k]);
      put(r + vr::D_STRIDE, static_cast<uint32_t>(d.stride[k]));
      put(r + vr::D_MLO, d.mlo[k]);
      put(r + vr::D_MHI, d.mhi[k]);
    }
    sh.valid = true;
    reg_write(vr_base(i) + vr::CTRL, vr::CTRL_START);
    st_.dma_bytes += 4 * d.elems();
  }
}

std::string PlExec::reader_status() {
  std::ostringstream o;
  for (int i = 0; i < 3; ++i) o << (i ? ", " : "") << "VR" << i << " 0x" << std::hex << drv_.read32(vr_base(i) + vr::STATUS);
  return o.str();
}

void PlExec::stream_fault(const UnitCmd& c) { throw PlFault(stream_fault_text(c)); }

std::string PlExec::stream_fault_text(const UnitCmd& c) {
  const int u = static_cast<int>(c.unit);
  std::ostringstream o;
  o << "pynq: kernel " << (c.kernel ? *c.kernel : std::string("?")) << ": the " << hw::kUnits[u].name
    << " command ended with ERR_CODE 4 (STREAM): ";
  bool named = false;
  for (int i = 0; i < 3; ++i) {
    if (!c.in[i].blk) continue;
    const uint32_t st = drv_.read32(vr_base(i) + vr::STATUS);
    if (!(st & vr::ST_ERR)) continue;
    const uint32_t code = vr::err_code(st), info = drv_.read32(vr_base(i) + vr::ERR_INFO) & 0xF;
    const pl::ViewDesc d = reader_view(c, i);
    // The host's copy of the reader's check says what was wrong and what was expected.
    const pl::DescCheck why = pl::check(d, cost_.config().ddr_bytes);
    o << (named ? "; " : "") << "operand " << kOperand[i] << " (VR" << i << ") rejected its descriptor: ERR_CODE "
      << code << " " << vr::err_name(code);
    if (info != vr::kNoDim) o << " in dimension " << info;
    if (!why.ok()) o << " (" << why.why << ")";
    o << ", view " << d.str();
    named = true;
  }
  if (!named) o << "no reader reports an error (" << reader_status() << ")";
  return o.str();
}

}  // namespace tinypynq::pynq
