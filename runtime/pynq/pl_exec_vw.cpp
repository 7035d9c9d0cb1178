// PlExec's view writer (pl_exec.h, docs/pl-v2.md "v2 step 3"): with pl_version 2 the result
// stream R goes to VW instead of DMA0 S2MM. The descriptor (BASE/LIMIT the result's buffer
// range) is written over GP0 and started before the readers and the unit; the PS then waits for
// VW's DONE (its last write response). A VW ERR names the kernel and the view.
#include <sstream>

#include "runtime/pynq/pl_exec.h"
#include "runtime/pynq/regmap.h"

namespace tinypynq::pynq {

namespace vw = pl::vw;

pl::ViewDesc PlExec::writer_view(const UnitCmd& c) const {
  pl::ViewDesc d;
  if (c.out_view) {
    d = *c.out_view;
  } else {  // a contiguous result: its words in order
    d.rank = 1;
    d.shape[0] = static_cast<uint32_t>(c.out.bytes / 4);
    d.stride[0] = 1;
    d.full_mask();
  }
  d.base = c.out.phys();
  d.limit = c.out.bytes;
  return d;
}

void PlExec::program_writer(const UnitCmd& c) {
  const pl::ViewDesc d = writer_view(c);
  auto put = [&](uint32_t off, uint32_t v) {
    if (vw_.valid && vw_.r[off / 4] == v) return;  // registers keep their value between commands
    reg_write(vw::kWindow + off, v);
    vw_.r[off / 4] = v;
  };
  put(vw::BASE, static_cast<uint32_t>(d.base));
  put(vw::LIMIT, static_cast<uint32_t>(d.limit));
  put(vw::OFFSET, static_cast<uint32_t>(static_cast<int32_t>(d.offset)));
  put(vw::RANK, d.rank);
  for (unsigned k = 0; k < d.rank && k < vw::kMaxRank; ++k) {
    const uint32_t r = vw::DIM0 + vw::DIM_BYTES * k;
    put(r + vw::D_SHAPE, d.shape[k]);
    put(r + vw::D_STRIDE, static_cast<uint32_t>(d.stride[k]));
    put(r + vw::D_MLO, d.mlo[k]);
    put(r + vw::D_MHI, d.mhi[k]);
  }
  vw_.valid = true;
  // Queued, the sequencer waits on VW's done/err wires: no interrupt of VW's own.
  reg_write(vw::kWindow + vw::CTRL, vw::CTRL_START | (mode_ == WaitMode::kIrq && !queued() ? vw::CTRL_IRQ_EN : 0));
}

void PlExec::writer_fault(const UnitCmd& c, uint32_t st, uint32_t err_info) {
  throw PlFault(writer_fault_text(c, st, err_info));
}

std::string PlExec::writer_fault_text(const UnitCmd& c, uint32_t st, uint32_t err_info) {
  const int u = static_cast<int>(c.unit);
  const uint32_t code = vw::err_code(st), info = hw::vw::ERR_INFO_DIM.get(err_info);
  const pl::ViewDesc d = writer_view(c);
  std::ostringstream o;
  o << "pynq: kernel " << (c.kernel ? *c.kernel : std::string("?")) << ": the " << hw::kUnits[u].name
    << " command's result (VW) failed: ERR_CODE " << code << " " << vw::err_name(code);
  if (info != vw::kNoDim) o << " in dimension " << info;
  // The host's copy of the writer's check says what was wrong and what was expected.
  const pl::DescCheck why = pl::check_write(d, cost_.config().ddr_bytes);
  if (!why.ok()) o << " (" << why.why << ")";
  else if (code == vw::kLength) o << " (stream R's packet was not " << (d.elems() + 1) / 2 << " beats)";
  o << ", view " << d.str();
  return o.str();
}

}  // namespace tinypynq::pynq
