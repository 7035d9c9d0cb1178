// SPDX-License-Identifier: MIT
// The generated C++ contract (hw/tp_contract.h) against hw/pl_contract.json read independently
// with nlohmann: every window, register, field, unit, opcode, error, interrupt, limit and phase,
// plus the named constants the code uses, so a generator bug cannot hide behind itself.
#include <gtest/gtest.h>

#include <bit>

#include <cstdint>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hw/tp_contract.h"

namespace hw = tinypynq::hw;
using nlohmann::json;

namespace {

const json& contract() {
  static const json j = [] {
    std::ifstream f(TINYPYNQ_CONTRACT_JSON_PATH);
    if (!f) throw std::runtime_error("cannot open " TINYPYNQ_CONTRACT_JSON_PATH);
    return json::parse(f);
  }();
  return j;
}

uint64_t num(const json& v) {
  if (v.is_string()) return std::stoull(v.get<std::string>(), nullptr, 0);
  return v.get<uint64_t>();
}

// "7:4" -> {4, 4}; "8" -> {8, 1}
std::pair<unsigned, unsigned> bits(const std::string& b) {
  const auto c = b.find(':');
  const unsigned msb = std::stoul(b.substr(0, c));
  const unsigned lsb = c == std::string::npos ? msb : std::stoul(b.substr(c + 1));
  return {lsb, msb - lsb + 1};
}

const char* access_name(hw::Access a) {
  switch (a) {
    case hw::Access::kRW: return "RW";
    case hw::Access::kRO: return "RO";
    case hw::Access::kW1C: return "W1C";
    case hw::Access::kWO: return "WO";
  }
  return "?";
}

void flatten_windows(const json& list, const char* parent, std::vector<std::pair<json, std::string>>& out) {
  for (const json& w : list) {
    out.push_back({w, parent ? parent : ""});
    if (w.contains("children")) flatten_windows(w["children"], w["name"].get_ref<const std::string&>().c_str(), out);
  }
}

const hw::FieldInfo* find_field(const std::string& owner, const std::string& name) {
  for (const hw::FieldInfo& f : hw::kFields)
    if (owner == f.owner && name == f.name) return &f;
  return nullptr;
}

void expect_fields(const json& fields, const std::string& owner, int& count) {
  for (const json& f : fields) {
    const std::string name = f["name"];
    const hw::FieldInfo* g = find_field(owner, name);
    ASSERT_NE(g, nullptr) << owner << "." << name << " missing from kFields";
    const auto [lsb, width] = bits(f["bits"]);
    EXPECT_EQ(g->field.shift, lsb) << owner << "." << name;
    EXPECT_EQ(g->field.width, width) << owner << "." << name;
    const uint32_t mask = static_cast<uint32_t>(((width >= 32 ? 0ull : 1ull << width) - 1) << lsb);
    EXPECT_EQ(g->field.mask, width >= 32 ? 0xFFFF'FFFFu : mask) << owner << "." << name;
    EXPECT_EQ(access_name(g->access), f["access"].get<std::string>()) << owner << "." << name;
    EXPECT_EQ(g->has_value, f.contains("value")) << owner << "." << name;
    if (f.contains("value")) {
      EXPECT_EQ(g->value, num(f["value"])) << owner << "." << name;
    }
    ++count;
  }
}

}  // namespace

TEST(HwContract, VersionsMatchTheJson) {
  EXPECT_EQ(hw::kSchemaVersion, contract()["schema_version"].get<int>());
  EXPECT_EQ(std::string(hw::kHwSpecVersion), contract()["hw_spec_version"].get<std::string>());
  // SYS.VERSION holds the same major.minor
  const std::string v = contract()["hw_spec_version"];
  const uint32_t major = std::stoul(v.substr(0, v.find('.'))), minor = std::stoul(v.substr(v.find('.') + 1));
  EXPECT_EQ(hw::sys::VERSION_RESET, major << 16 | minor);
  EXPECT_EQ(hw::sys::VERSION_MAJOR.get(hw::sys::VERSION_RESET), major);
}

TEST(HwContract, EveryWindowMatches) {
  std::vector<std::pair<json, std::string>> ws;
  flatten_windows(contract()["windows"], nullptr, ws);
  ASSERT_EQ(static_cast<size_t>(hw::kNumWindows), ws.size());
  for (size_t i = 0; i < ws.size(); ++i) {
    const json& w = ws[i].first;
    const hw::WindowInfo& g = hw::kWindows[i];
    EXPECT_EQ(std::string(g.name), w["name"].get<std::string>());
    EXPECT_EQ(g.base, num(w["base"])) << g.name;
    EXPECT_EQ(g.size, num(w["size"])) << g.name;
    EXPECT_EQ(std::string(g.parent ? g.parent : ""), ws[i].second) << g.name;
    EXPECT_EQ(std::string(g.block ? g.block : ""), w["block"].is_null() ? "" : w["block"].get<std::string>());
  }
  EXPECT_EQ(hw::win::GP0_BASE, num(contract()["gp0"]["base"]));
  // the named constants the code uses
  EXPECT_EQ(hw::win::DMA0_BASE, 0x4000'0000u);
  EXPECT_EQ(hw::win::DMA1_BASE, num(ws[1].first["base"]));
  EXPECT_EQ(hw::win::PL_TOP_BASE, num(ws[3].first["base"]));
  EXPECT_EQ(hw::win::VEC_OFFSET, hw::win::VEC_BASE - hw::win::PL_TOP_BASE);
  EXPECT_EQ(hw::win::MMU_BASE + hw::win::MMU_SIZE, hw::win::PL_TOP_BASE + hw::win::PL_TOP_SIZE);
}

TEST(HwContract, EveryRegisterAndFieldMatches) {
  int regs = 0, fields = 0;
  for (const auto& [bname, b] : contract()["blocks"].items()) {
    const json layouts = b.value("layouts", json::object());  // a named copy: items() must not outlive it
    for (const auto& [lname, lf] : layouts.items()) expect_fields(lf, bname + "." + lname, fields);
    for (const json& r : b["registers"]) {
      const std::string name = r["name"];
      const hw::RegisterInfo* g = nullptr;
      for (const hw::RegisterInfo& x : hw::kRegisters)
        if (bname == x.block && name == x.name) g = &x;
      ASSERT_NE(g, nullptr) << bname << "." << name << " missing from kRegisters";
      EXPECT_EQ(g->offset, num(r["offset"])) << bname << "." << name;
      EXPECT_EQ(access_name(g->access), r["access"].get<std::string>()) << bname << "." << name;
      const bool per_unit = r["reset"] == "per unit";
      EXPECT_EQ(g->per_unit_reset, per_unit) << bname << "." << name;
      if (!per_unit) {
        EXPECT_EQ(g->reset, num(r["reset"])) << bname << "." << name;
      }
      if (r.contains("fields")) expect_fields(r["fields"], bname + "." + name, fields);
      ++regs;
    }
  }
  for (const json& u : contract()["units"])
    for (const auto& [rname, fl] : u["fields"].items()) expect_fields(fl, u["name"].get<std::string>() + "." + rname, fields);
  EXPECT_EQ(regs, hw::kNumRegisters);
  EXPECT_EQ(fields, hw::kNumFields);

  // named constants: offsets, resets and fields the runtime, the models and the tests use
  EXPECT_EQ(hw::dma::MM2S_DMACR, 0x00u);
  EXPECT_EQ(hw::dma::MM2S_SA, 0x18u);
  EXPECT_EQ(hw::dma::MM2S_LENGTH, 0x28u);
  EXPECT_EQ(hw::dma::S2MM_DMASR, 0x34u);
  EXPECT_EQ(hw::dma::S2MM_DA, 0x48u);
  EXPECT_EQ(hw::dma::S2MM_LENGTH, 0x58u);
  EXPECT_EQ(hw::dma::MM2S_DMACR_RESET, 0x0001'0002u);
  EXPECT_EQ(hw::dma::DMASR_IOC_IRQ.mask, 1u << 12);
  EXPECT_EQ(hw::dma::DMACR_IRQTHRESHOLD.shift, 16);
  EXPECT_EQ(hw::sys::ID_RESET, 0x5450'594Eu);
  EXPECT_EQ(hw::sys::TIME_HI, 0x18u);
  EXPECT_EQ(hw::unit::STATUS, 0x04u);
  EXPECT_EQ(hw::unit::CYCLES_LO, 0x18u);
  EXPECT_EQ(hw::unit::SCALAR_C, 0x28u);
  EXPECT_EQ(hw::unit::CFG2, 0x3Cu);
  EXPECT_EQ(hw::unit::STATUS_ERR_CODE.mask, 0xF0u);
  EXPECT_EQ(hw::unit::STATUS_ERR_CODE.put(3), 0x30u);
  EXPECT_EQ(hw::unit::STATUS_ERR_CODE.get(0x2F6u), 0xFu);
  EXPECT_EQ(hw::unit::CTRL_START.mask, 1u);
  EXPECT_EQ(hw::vec::OP_OPCODE.mask, 0x3Fu);
  EXPECT_EQ(hw::vec::OP_B_SCALAR.mask, 1u << 9);
  EXPECT_EQ(hw::vec::CFG0_LANES_VALUE, 2u);
  EXPECT_EQ(hw::vec::CFG0_SFUS_VALUE, 1u);
  EXPECT_EQ(hw::vec::CFG0_SFU_DPS.mask, 0x3F0000u);
  EXPECT_EQ(hw::red::CFG0_LATENCY_VALUE, 24u);
  EXPECT_EQ(hw::red::CFG0_BUILT.mask, 0x100u);
  EXPECT_EQ(hw::mmu::CFG2_NMAX.shift, 16);
}

// Every SFU opcode is in exactly one datapath; no other opcode is in any.
TEST(HwContract, SfuDatapathsCoverTheSfuOpcodes) {
  const json& ds = contract()["sfu_datapaths"];
  ASSERT_EQ(ds.size(), static_cast<size_t>(hw::kNumSfuDatapaths));
  EXPECT_EQ(hw::kSfuDpAll, (1u << hw::kNumSfuDatapaths) - 1);
  for (int i = 0; i < hw::kNumSfuDatapaths; ++i) {
    EXPECT_EQ(ds[i]["name"], hw::kSfuDatapaths[i].name);
    EXPECT_EQ(ds[i]["config_key"], hw::kSfuDatapaths[i].config_key);
    EXPECT_EQ(hw::kSfuDatapaths[i].bit, static_cast<uint32_t>(i));
  }
  for (const hw::OpcodeInfo& o : hw::kOpcodes) {
    if (o.unit != hw::Unit::kVector) continue;
    const uint32_t dp = hw::sfu_datapath_of(o.value);
    if (o.flags & hw::kFlagSfu) {
      EXPECT_EQ(std::popcount(dp), 1) << o.name;
    } else {
      EXPECT_EQ(dp, 0u) << o.name;
    }
  }
  EXPECT_EQ(hw::sfu_datapath_of(0x11), 1u << 0);  // RECIP: the divider
  EXPECT_EQ(hw::sfu_datapath_of(0x13), 1u << 3);  // EXP2
}

TEST(HwContract, EveryUnitMatches) {
  const json& us = contract()["units"];
  ASSERT_EQ(us.size(), static_cast<size_t>(hw::kNumUnits));
  std::map<std::string, int> irq, phase;
  for (const json& q : contract()["irqs"]) irq[q["name"]] = q["line"];
  int i = 0;
  for (const json& p : contract()["phases"]) phase[p["name"]] = i++;
  for (const json& u : us) {
    const hw::UnitInfo& g = hw::kUnits[u["id"].get<int>()];
    EXPECT_EQ(static_cast<int>(g.unit), u["id"].get<int>());
    EXPECT_EQ(std::string(g.name), u["name"].get<std::string>());
    EXPECT_EQ(std::string(g.short_name), u["short"].get<std::string>());
    EXPECT_EQ(g.id_value, num(u["id_value"])) << g.name;
    EXPECT_EQ(g.irq, irq.at(u["irq"])) << g.name;
    EXPECT_EQ(g.phase, phase.at(u["phase"])) << g.name;
    EXPECT_EQ(g.scalars, u["scalars"].get<bool>()) << g.name;
    EXPECT_EQ(g.num_sizes, static_cast<int>(u["sizes"].size())) << g.name;
    for (const hw::WindowInfo& w : hw::kWindows) {
      if (u["window"] == w.name) {
        EXPECT_EQ(g.base, w.base) << g.name;
      }
    }
  }
  EXPECT_STREQ(hw::unit_name(hw::Unit::kReduce), "reduce");
  EXPECT_EQ(hw::vec::ID_VALUE, 0x5645'4331u);
  EXPECT_EQ(hw::mmu::ID_VALUE, hw::kUnits[2].id_value);
}

TEST(HwContract, EveryOpcodeMatches) {
  const json& ops = contract()["opcodes"];
  ASSERT_EQ(ops.size(), static_cast<size_t>(hw::kNumOpcodes));
  std::vector<std::string> flag_names;
  for (const auto& [k, v] : contract()["opcode_flags"].items()) flag_names.push_back(k);
  std::map<std::string, hw::Unit> units;
  for (const hw::UnitInfo& u : hw::kUnits) units[u.name] = u.unit;
  for (const json& o : ops) {
    const std::string name = o["name"];
    const hw::OpcodeInfo* g = hw::find_opcode(units.at(o["unit"]), static_cast<uint32_t>(num(o["value"])));
    ASSERT_NE(g, nullptr) << name;
    EXPECT_EQ(std::string(g->name), name);
    EXPECT_EQ(g->arity, o["operands"].size()) << name;
    for (size_t k = 0; k < o["operands"].size(); ++k)
      EXPECT_EQ(hw::kOperandNames[static_cast<int>(g->operand[k])], o["operands"][k].get<std::string>()) << name;
    EXPECT_EQ(hw::kOperandNames[static_cast<int>(g->result)], o["result"].get<std::string>()) << name;
    EXPECT_EQ(g->ii, o.value("ii", 0)) << name;
    EXPECT_EQ(g->latency, o.value("latency", 0)) << name;
    uint32_t flags = 0;
    for (const json& f : o["flags"])
      for (size_t k = 0; k < flag_names.size(); ++k)
        if (f == flag_names[k]) flags |= 1u << k;
    EXPECT_EQ(g->flags, flags) << name;
  }
  // the enums the code uses carry the same values
  EXPECT_EQ(static_cast<uint32_t>(hw::VecOp::ADD), 0x01u);
  EXPECT_EQ(static_cast<uint32_t>(hw::VecOp::EXP2), 0x13u);
  EXPECT_EQ(static_cast<uint32_t>(hw::VecOp::INEG), 0x31u);
  EXPECT_EQ(static_cast<uint32_t>(hw::RedOp::MAX), 1u);
  EXPECT_EQ(static_cast<uint32_t>(hw::MmuOp::MATMUL_LOADW), 1u);
  EXPECT_EQ(hw::find_opcode(hw::Unit::kVector, 0x00), nullptr);
  EXPECT_EQ(hw::find_opcode(hw::Unit::kVector, 0x3F), nullptr);
  EXPECT_EQ(hw::find_opcode(hw::Unit::kVector, 0x13)->flags & hw::kFlagSfu, hw::kFlagSfu);
}

TEST(HwContract, ErrorsIrqsLimitsAndPhasesMatch) {
  for (const json& e : contract()["errors"]) EXPECT_EQ(hw::err_code_name(e["value"]), e["name"].get<std::string>());
  EXPECT_EQ(static_cast<int>(hw::ErrCode::BAD_SIZE), 2);
  EXPECT_STREQ(hw::err_code_name(9), "?");
  std::map<std::string, int> irq;
  for (const json& q : contract()["irqs"]) irq[q["name"]] = q["line"];
  EXPECT_EQ(hw::irq::DMA0_MM2S, irq.at("DMA0_MM2S"));
  EXPECT_EQ(hw::irq::DMA0_S2MM, irq.at("DMA0_S2MM"));
  EXPECT_EQ(hw::irq::DMA1_MM2S, irq.at("DMA1_MM2S"));
  EXPECT_EQ(hw::irq::DMA2_MM2S, irq.at("DMA2_MM2S"));
  EXPECT_EQ(hw::irq::VEC, irq.at("VEC"));
  EXPECT_EQ(hw::irq::RED, irq.at("RED"));
  EXPECT_EQ(hw::irq::MMU, irq.at("MMU"));
  EXPECT_EQ(hw::irq::VW, irq.at("VW"));
  EXPECT_EQ(hw::irq::CQ, irq.at("CQ"));
  EXPECT_EQ(irq.size(), 9u);
  for (const json& l : contract()["limits"]) {
    if (l["name"] == "MAX_STREAM_ELEMS") {
      EXPECT_EQ(hw::limits::MAX_STREAM_ELEMS, num(l["value"]));
    } else if (l["name"] == "DMA_LENGTH_BITS") {
      EXPECT_EQ(hw::limits::DMA_LENGTH_BITS, num(l["value"]));
    } else if (l["name"] == "VR_LINE_BYTES") {
      EXPECT_EQ(hw::limits::VR_LINE_BYTES, num(l["value"]));
    } else if (l["name"] == "VR_BUFFER_LINES") {
      EXPECT_EQ(hw::limits::VR_BUFFER_LINES, num(l["value"]));
    } else if (l["name"] == "VR_MAX_FILLS") {
      EXPECT_EQ(hw::limits::VR_MAX_FILLS, num(l["value"]));
    } else if (l["name"] == "VR_BEAT_FIFO") {
      EXPECT_EQ(hw::limits::VR_BEAT_FIFO, num(l["value"]));
    } else if (l["name"] == "VR_INDEX_ENTRIES") {
      EXPECT_EQ(hw::limits::VR_INDEX_ENTRIES, num(l["value"]));
    } else if (l["name"] == "VR_MAX_ELEMS") {
      EXPECT_EQ(hw::limits::VR_MAX_ELEMS, num(l["value"]));
    } else if (l["name"] == "VW_BUFFER_LINES") {
      EXPECT_EQ(hw::limits::VW_BUFFER_LINES, num(l["value"]));
    } else if (l["name"] == "VW_INDEX_ENTRIES") {
      EXPECT_EQ(hw::limits::VW_INDEX_ENTRIES, num(l["value"]));
    } else if (l["name"] == "CQ_SLOT_BYTES") {
      EXPECT_EQ(hw::limits::CQ_SLOT_BYTES, num(l["value"]));
    } else if (l["name"] == "CQ_HEADER_WORDS") {
      EXPECT_EQ(hw::limits::CQ_HEADER_WORDS, num(l["value"]));
    } else if (l["name"] == "CQ_MAX_WRITES") {
      EXPECT_EQ(hw::limits::CQ_MAX_WRITES, num(l["value"]));
    } else if (l["name"] == "CQ_MAX_SLOTS") {
      EXPECT_EQ(hw::limits::CQ_MAX_SLOTS, num(l["value"]));
    } else if (l["name"] == "CQ_WRITE_CYCLES") {
      EXPECT_EQ(hw::limits::CQ_WRITE_CYCLES, num(l["value"]));
    } else if (l["name"] == "SYS_VERSION_V2") {
      EXPECT_EQ(hw::limits::SYS_VERSION_V2, num(l["value"]));
      // the major version is the PL version; v1's reset value is 1.0
      EXPECT_EQ(hw::sys::VERSION_MAJOR.get(static_cast<uint32_t>(hw::limits::SYS_VERSION_V2)), 2u);
      EXPECT_EQ(hw::sys::VERSION_MAJOR.get(hw::sys::VERSION_RESET), 1u);
    } else {
      ADD_FAILURE() << "limit " << l["name"] << " has no named constant checked here";
    }
  }
  EXPECT_EQ(hw::limits::MAX_STREAM_ELEMS, ((1u << hw::limits::DMA_LENGTH_BITS) - 1) / 4);
  const json& ps = contract()["phases"];
  ASSERT_EQ(ps.size(), static_cast<size_t>(hw::kNumPhases));
  ASSERT_EQ(static_cast<int>(hw::Phase::kCount), hw::kNumPhases);
  for (int i = 0; i < hw::kNumPhases; ++i) EXPECT_EQ(std::string(hw::kPhaseNames[i]), ps[i]["name"].get<std::string>());
  EXPECT_STREQ(hw::phase_name(hw::Phase::kPsDriver), "ps_driver");
  EXPECT_STREQ(hw::phase_name(hw::Phase::kPlMatmul), "pl_matmul");
}

namespace {
// The view readers of pl_version 2: the window with instances, the DIM register array and the
// block's own error codes (test_view_reader checks that pl::vr's names are these).
TEST(HwContract, ViewReaderWindowArrayAndErrorsMatch) {
  const json* vr = nullptr;
  for (const json& w : contract()["windows"])
    if (w["name"] == "VR") vr = &w;
  ASSERT_NE(vr, nullptr);
  EXPECT_EQ(hw::win::VR_BASE, num((*vr)["base"]));
  EXPECT_EQ(hw::win::VR_INSTANCES, (*vr)["instances"].get<uint32_t>());
  EXPECT_EQ(hw::win::VR_INSTANCE_STRIDE, num((*vr)["instance_stride"]));
  const hw::WindowInfo* g = nullptr;
  for (const hw::WindowInfo& w : hw::kWindows) {
    if (std::string(w.name) == "VR") g = &w;
    // The DMAs exist only in v1, the readers and the writer only in v2, everything else in both
    const std::string n = w.name;
    const uint8_t want = (n == "VR" || n == "VW" || n == "CQ") ? 2 : (n == "DMA0" || n == "DMA1" || n == "DMA2") ? 1 : 3;
    EXPECT_EQ(w.pl_versions, want) << n;
  }
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->instances, 3);
  EXPECT_EQ(g->instance_stride, 0x100u);
  const json& b = contract()["blocks"]["view_reader"];
  const json& dim = b["arrays"][0];
  EXPECT_EQ(hw::vr::DIM, num(dim["offset"]));
  EXPECT_EQ(hw::vr::DIM_COUNT, dim["count"].get<uint32_t>());
  EXPECT_EQ(hw::vr::DIM_BYTES, num(dim["stride"]));
  const uint32_t el[] = {hw::vr::DIM_SHAPE, hw::vr::DIM_STRIDE, hw::vr::DIM_MLO, hw::vr::DIM_MHI};
  ASSERT_EQ(dim["registers"].size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(el[i], num(dim["registers"][i]["offset"])) << i;
  // the last element of the array stays inside one reader's 0x100 bytes
  EXPECT_LE(hw::vr::DIM + hw::vr::DIM_BYTES * (hw::vr::DIM_COUNT - 1) + hw::vr::DIM_MHI + 4, hw::win::VR_INSTANCE_STRIDE);
  for (const json& e : b["errors"]) EXPECT_EQ(hw::vr::err_name(e["value"]), e["name"].get<std::string>());
  EXPECT_STREQ(hw::vr::err_name(12), "UNKNOWN");
  EXPECT_EQ(hw::vr::STATUS_ERR_CODE.get(0x50u), hw::vr::ERR_OVERFLOW);
}
}  // namespace

TEST(HwContract, ViewWriterWindowArrayAndErrorsMatch) {
  const json* vw = nullptr;
  for (const json& w : contract()["windows"])
    if (w["name"] == "VW") vw = &w;
  ASSERT_NE(vw, nullptr);
  EXPECT_EQ(hw::win::VW_BASE, num((*vw)["base"]));
  EXPECT_EQ(hw::win::VW_SIZE, num((*vw)["size"]));
  const json& b = contract()["blocks"]["view_writer"];
  const json& dim = b["arrays"][0];
  EXPECT_EQ(hw::vw::DIM, num(dim["offset"]));
  EXPECT_EQ(hw::vw::DIM_COUNT, dim["count"].get<uint32_t>());
  EXPECT_EQ(hw::vw::DIM_BYTES, num(dim["stride"]));
  for (const json& e : b["errors"]) EXPECT_EQ(hw::vw::err_name(e["value"]), e["name"].get<std::string>());
  EXPECT_EQ(hw::vw::ERR_BROADCAST, 8u);
  EXPECT_EQ(hw::irq::VW, 7u);
  EXPECT_EQ(hw::limits::VW_BUFFER_LINES, 64u);
}

// The command queue of pl_version 2 (docs/pl-v2.md step 4): window, IRQ line, the entry's
// layout in DDR and the slot arithmetic the sequencer and the runtime share.
TEST(HwContract, CommandQueueWindowEntryAndErrorsMatch) {
  const json* cq = nullptr;
  for (const json& w : contract()["windows"])
    if (w["name"] == "CQ") cq = &w;
  ASSERT_NE(cq, nullptr);
  EXPECT_EQ(hw::win::CQ_BASE, num((*cq)["base"]));
  EXPECT_EQ(hw::win::CQ_SIZE, num((*cq)["size"]));
  const json& b = contract()["blocks"]["cmd_queue"];
  for (const json& e : b["errors"]) EXPECT_EQ(hw::cq::err_name(e["value"]), e["name"].get<std::string>());
  EXPECT_EQ(hw::irq::CQ, 8u);
  // A slot is the header words and CQ_MAX_WRITES (ADDR, DATA) pairs, exactly.
  EXPECT_EQ(hw::limits::CQ_SLOT_BYTES, 4 * hw::limits::CQ_HEADER_WORDS + 8 * hw::limits::CQ_MAX_WRITES);
  EXPECT_GE(hw::cq::HEADER_NWRITES.mask >> hw::cq::HEADER_NWRITES.shift, hw::limits::CQ_MAX_WRITES);
  EXPECT_EQ(hw::cq::HEADER_UNIT.get(hw::cq::HEADER_UNIT.put(2)), 2u);
  EXPECT_EQ(hw::cq::RESULT_VALID.mask, 0x8000'0000u);
}
