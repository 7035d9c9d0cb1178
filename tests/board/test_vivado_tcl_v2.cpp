// The Vivado script's pl_version 2 design (hw/vivado/build_bitstream.tcl <out> <jobs> 2
// [training], which sources build_bitstream_v2.tcl), dry-run under tclsh with the stubs of
// hw/vivado/stub_vivado.tcl, against the PL contract (hw/pl_contract.json) and the board config
// it builds (`{"pl_version": 2}`, base/pynq_z2_v2_training.json): no AXI DMA; the PL top with the
// command queue (tinypynq_pl_wrapper_v2) and its parameters; one PS segment covering every
// pl_version 2 window the PL decodes; each window's HP port mastered by the PL and nothing else;
// DDR from 0 on each; the contract's interrupt lines out of the PL ORed into IRQ_F2P[0]; FCLK0.
// The check must fail on a copy of the script with a window range or an HP port changed.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <vector>

#include "base/board_config.h"
#include "tests/board/vivado_record.h"

namespace {

using namespace tinypynq::vivado_test;
using tinypynq::BoardConfig;

struct V2Contract {
  struct Win { std::string name; uint64_t base, size; std::vector<int> hp; };
  std::vector<Win> windows;  // PL_TOP and every pl_version 2 window
  int max_irq_line = 0;
};

V2Contract contract_v2(bool stream_c) {
  const json j = load_contract();
  V2Contract c;
  for (const ContractWindow& w : contract_windows(j)) {
    if (w.name != "PL_TOP" && !w.in_pl_version(2)) continue;
    V2Contract::Win x{w.name, w.base, w.size, {}};
    if (!w.hp_port.empty()) {  // "HP3", or "HP0..HP2": one per instance
      const std::string& hp = w.hp_port;
      const int lo = hp[2] - '0', hi = hp.size() > 3 ? hp.back() - '0' : lo;
      for (int i = lo; i <= hi; ++i)
        if (stream_c || w.name != "VR" || i != 2) x.hp.push_back(i);  // VR2 (stream C) built or not
    }
    c.windows.push_back(x);
  }
  for (const ContractIrq& q : contract_irqs(j)) c.max_irq_line = std::max(c.max_irq_line, q.line);
  return c;
}

std::vector<std::string> check_v2(const json& r, const BoardConfig& cfg) {
  const V2Contract ct = contract_v2(cfg.stream_c());
  std::vector<std::string> bad;
  const auto expect = [&](bool ok, const std::string& what) {
    if (!ok) bad.push_back(what);
  };
  const auto prop = [&](const std::string& cell, const std::string& k) -> std::string {
    if (!r["cells"].contains(cell)) return "<no cell " + cell + ">";
    const json& p = r["cells"][cell]["props"];
    return p.contains("CONFIG." + k) ? p["CONFIG." + k].get<std::string>() : "<unset>";
  };
  const auto prop_is = [&](const std::string& cell, const std::string& k, uint64_t v) {
    const std::string got = prop(cell, k);
    expect(got == std::to_string(v), cell + " CONFIG." + k + " = " + got + ", expected " + std::to_string(v));
  };
  expect(r["top"] == "tinypynq_wrapper", "top " + r["top"].dump());
  for (const char* d : {"dma0", "dma1", "dma2"}) expect(!r["cells"].contains(d), std::string(d) + ": pl_version 2 has no AXI DMA");
  const std::string files = r["files"].dump();
  for (const char* f : {"rtl/cq/tp_cmd_queue.sv", "rtl/top/tinypynq_pl_top_v2_cq.sv", "rtl/top/tp_axil_arbiter.sv", "rtl/top/tp_axil_arb_lock.sv",
                        "rtl/vr/tp_view_reader.sv", "rtl/vw/tp_view_writer.sv", "hw/vivado/tinypynq_pl_wrapper_v2.v"})
    expect(files.find(f) != std::string::npos, std::string(f) + " is not in the project");

  // the PL and its parameters (the board config it builds)
  expect(r["cells"].contains("pl") && r["cells"]["pl"]["reference"] == "tinypynq_pl_wrapper_v2",
         "pl is not tinypynq_pl_wrapper_v2");
  prop_is("pl", "MM_ROWS", cfg.mm_rows);
  prop_is("pl", "MM_COLS", cfg.mm_cols);
  prop_is("pl", "MM_WDEPTH", cfg.mm_wdepth);
  prop_is("pl", "MM_KMAX", cfg.mm_kmax);
  prop_is("pl", "MM_NMAX", cfg.mm_nmax);
  prop_is("pl", "FCLK_HZ", static_cast<uint64_t>(cfg.pl_clock_hz));
  prop_is("pl", "SFU_DPS", cfg.sfu_datapaths());
  prop_is("pl", "WITH_RED", cfg.reduce_unit);
  prop_is("pl", "STREAM_C", cfg.stream_c() ? 1 : 0);

  // one PS segment from PL_TOP covering every v2 window (the PL decodes them itself)
  std::map<std::string, json> by_seg;
  for (const json& a : r["addresses"]) by_seg[a["space"].get<std::string>() + " " + a["seg"].get<std::string>()] = a;
  const auto seg = by_seg.find("ps7/Data pl/s_axi/reg0");
  if (seg == by_seg.end()) {
    bad.push_back("pl/s_axi/reg0 has no address in ps7/Data");
  } else {
    const uint64_t off = parse_size(seg->second["offset"]), range = parse_size(seg->second["range"]);
    expect((range & (range - 1)) == 0, "pl/s_axi/reg0 range " + hex(range) + " is not a power of two");
    expect(range <= (1ull << 19), "pl/s_axi/reg0 range " + hex(range) + " is beyond the PL's 19 address bits");
    // the wrapper turns the segment's offsets into the top's (from PL_TOP_BASE)
    for (const V2Contract::Win& w : ct.windows)
      if (w.name == "PL_TOP") prop_is("pl", "GP0_TOP_OFF", w.base - off);
    for (const V2Contract::Win& w : ct.windows)
      expect(w.base >= off && w.base + w.size <= off + range,
             "window " + w.name + " (" + hex(w.base) + " + " + hex(w.size) + ") is outside pl/s_axi/reg0 (" + hex(off) +
                 " + " + hex(range) + ")");
  }
  // HP ports: each one a window names is on, 64-bit, mastered by the PL, DDR from 0; the others off
  std::set<int> hp;
  for (const V2Contract::Win& w : ct.windows) hp.insert(w.hp.begin(), w.hp.end());
  std::map<std::string, std::set<std::string>> adj;
  for (const json& n : r["intf_nets"]) {
    const std::string a = n[0], b = n[1];
    adj[a].insert(b), adj[b].insert(a);
  }
  for (int i = 0; i < 4; ++i) {
    const std::string p = "ps7/S_AXI_HP" + std::to_string(i), m = "pl/m_axi_hp" + std::to_string(i);
    const bool on = hp.count(i) != 0;
    prop_is("ps7", "PCW_USE_S_AXI_HP" + std::to_string(i), on ? 1 : 0);
    if (!on) {
      expect(adj[p].empty(), p + " is connected but no window uses it");
      continue;
    }
    prop_is("ps7", "PCW_S_AXI_HP" + std::to_string(i) + "_DATA_WIDTH", 8 * cfg.hp_data_bytes);
    expect(adj[m] == std::set<std::string>{p}, m + " does not reach " + p + " (and only it)");
    const auto d = by_seg.find(m + " " + p + "/HP" + std::to_string(i) + "_DDR_LOWOCM");
    if (d == by_seg.end()) {
      bad.push_back(m + " has no DDR segment through " + p);
      continue;
    }
    expect(parse_size(d->second["offset"]) == 0, m + " DDR offset " + d->second["offset"].get<std::string>());
    expect(parse_size(d->second["range"]) == cfg.ddr_bytes, m + " DDR range " + d->second["range"].get<std::string>());
  }
  // GP0 -> (interconnect) -> the PL's slave
  bool gp = false;
  for (const std::string& q : adj["ps7/M_AXI_GP0"])
    if (q.find("_ic/") != std::string::npos)
      for (const auto& [pin, peers] : adj)
        if (pin.rfind(q.substr(0, q.find('/')) + "/", 0) == 0 && peers.count("pl/s_axi")) gp = true;
  expect(gp || adj["ps7/M_AXI_GP0"].count("pl/s_axi"), "GP0 does not reach pl/s_axi");
  // nets: FCLK0, the reset, the interrupts
  std::map<std::string, std::set<std::string>> net_of;
  for (const json& n : r["nets"])
    for (size_t i = 1; i < n.size(); ++i) net_of[n[0]].insert(n[i].get<std::string>());
  expect(net_of["ps7/FCLK_CLK0"].count("pl/aclk") == 1, "pl/aclk is not on FCLK0");
  for (int i : hp)
    expect(net_of["ps7/FCLK_CLK0"].count("ps7/S_AXI_HP" + std::to_string(i) + "_ACLK") == 1,
           "S_AXI_HP" + std::to_string(i) + "_ACLK is not on FCLK0");
  expect(net_of["rst_fclk0/peripheral_aresetn"].count("pl/aresetn") == 1, "pl/aresetn is not driven by the FCLK0 reset");
  expect(net_of["pl/irq_f2p"].count("irq_or/Op1") == 1, "pl/irq_f2p is not ORed");
  const std::string size = prop("irq_or", "C_SIZE");
  expect(size != "<unset>" && size.find('<') == std::string::npos && std::stoi(size) > ct.max_irq_line,
         "irq_or C_SIZE " + size + " does not reach the contract's line " + std::to_string(ct.max_irq_line));
  expect(prop("irq_or", "C_OPERATION") == "or", "irq_or is not an OR");
  expect(net_of["irq_or/Res"].count("ps7/IRQ_F2P") == 1, "the ORed interrupt does not reach IRQ_F2P[0]");
  expect(!r["runs"].empty() && r["runs"][0].dump().find("write_bitstream") != std::string::npos, "no write_bitstream run");
  return bad;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (auto& x : v) s += "  " + x + "\n";
  return s;
}

const BoardConfig& v2_general() {
  static const BoardConfig c = BoardConfig::from_json(R"({"pl_version": 2})");
  return c;
}
const BoardConfig& v2_training() {
  static const BoardConfig c = BoardConfig::load_file((kSrc / "base/pynq_z2_v2_training.json").string());
  return c;
}

TEST(VivadoTclV2, DryRunMatchesTheContractAndTheGeneralV2Board) {
  Tmp t;
  const json r = dry_run(kSrc / "hw/vivado/build_bitstream.tcl", t, "2 2");
  const auto bad = check_v2(r, v2_general());
  EXPECT_TRUE(bad.empty()) << joined(bad);
  EXPECT_TRUE(fs::exists(t.dir / "out" / "tinypynq.bit"));
  EXPECT_EQ(r["project"]["verilog_define"], "TP_WITH_VEC");
}

TEST(VivadoTclV2, TrainingBuildMatchesTheTrainingBoardConfig) {
  Tmp t;
  const json r = dry_run(kSrc / "hw/vivado/build_bitstream.tcl", t, "2 2 training");
  const auto bad = check_v2(r, v2_training());
  EXPECT_TRUE(bad.empty()) << joined(bad);
  // ... and it is not the general build: the check tells them apart
  EXPECT_FALSE(check_v2(r, v2_general()).empty());
}

TEST(VivadoTclV2, BadArgumentsAreRefusedWithTheReason) {
  Tmp t;
  try {
    dry_run(kSrc / "hw/vivado/build_bitstream.tcl", t, "2 3");
    FAIL() << "pl_version 3 was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("pl_version must be 1 or 2, got '3'"), std::string::npos) << e.what();
  }
  Tmp t2;
  try {
    dry_run(kSrc / "hw/vivado/build_bitstream.tcl", t2, "2 1 training");
    FAIL() << "training with pl_version 1 was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("'training' is a pl_version 2 build"), std::string::npos) << e.what();
  }
}

// A copy of build_bitstream_v2.tcl with `from` replaced by `to` (exactly once), sourced by a copy
// of build_bitstream.tcl pointed at it.
fs::path mutate_v2(const Tmp& t, const std::string& file, const std::string& from, const std::string& to) {
  const auto read = [](const fs::path& p) {
    std::ifstream f(p);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  };
  std::string main = read(kSrc / "hw/vivado/build_bitstream.tcl"), v2 = read(kSrc / "hw/vivado/build_bitstream_v2.tcl");
  std::string& s = file == "v2" ? v2 : main;
  const size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  EXPECT_EQ(s.find(from, at + 1), std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  const std::string dir_line = "set tp_script_dir [file dirname [file normalize [info script]]]";
  main.replace(main.find(dir_line), dir_line.size(), "set tp_script_dir {" + (kSrc / "hw/vivado").string() + "}");
  const std::string src_line = "source [file join $tp_script_dir build_bitstream_v2.tcl]";
  main.replace(main.find(src_line), src_line.size(), "source {" + (t.dir / "v2.tcl").string() + "}");
  std::ofstream(t.dir / "v2.tcl") << v2;
  const fs::path p = t.dir / "mutated.tcl";
  std::ofstream(p) << main;
  return p;
}

TEST(VivadoTclV2, CheckFailsWhenTheScriptDiffersFromTheContract) {
  struct Case { const char* file; const char* from; const char* to; const char* expect; };
  const Case cases[] = {
      {"main", "set tp_v2_pl_window {pl 0x40000000 512K}", "set tp_v2_pl_window {pl 0x40080000 512K}",
       "window PL_TOP (0x40030000 + 0x40000) is outside pl/s_axi/reg0"},
      {"main", "set tp_pl_top_base 0x40030000", "set tp_pl_top_base 0x40020000", "pl CONFIG.GP0_TOP_OFF = 131072, expected 196608"},
      {"v2", "[get_bd_intf_pins pl/m_axi_hp$i] [get_bd_intf_pins ps7/S_AXI_HP$i]",
       "[get_bd_intf_pins pl/m_axi_hp$i] [get_bd_intf_pins ps7/S_AXI_HP[expr {3 - $i}]]",
       "pl/m_axi_hp3 does not reach ps7/S_AXI_HP3"},
      {"v2", "CONFIG.C_SIZE 16", "CONFIG.C_SIZE 8", "irq_or C_SIZE 8 does not reach the contract's line"},
      {"main", "set tp_pl_params(STREAM_C) 1", "set tp_pl_params(STREAM_C) 0", "pl CONFIG.STREAM_C = 0, expected 1"},
  };
  for (const Case& c : cases) {
    Tmp t;
    const auto bad = check_v2(dry_run(mutate_v2(t, c.file, c.from, c.to), t, "2 2"), v2_general());
    EXPECT_NE(joined(bad).find(c.expect), std::string::npos) << "changing '" << c.from << "' -> '" << c.to
                                                             << "' was not caught; mismatches:\n" << joined(bad);
  }
}

// The segment the script had before (0x40030000 + 512K) breaks Vivado's rule (AR 66717): refused.
TEST(VivadoTclV2, StubsRejectAMisalignedPlSegment) {
  Tmp t;
  try {
    dry_run(mutate_v2(t, "main", "set tp_v2_pl_window {pl 0x40000000 512K}", "set tp_v2_pl_window {pl 0x40030000 512K}"), t,
            "2 2");
    FAIL() << "a segment whose base is not a multiple of its range was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("offset 0x40030000 is not a multiple of its range 512K"), std::string::npos)
        << e.what();
  }
}

}  // namespace
