// The Vivado script hw/vivado/build_bitstream.tcl, dry-run under tclsh with the stub commands of
// hw/vivado/stub_vivado.tcl, against the PL contract (hw/pl_contract.json; regmap.h in a tree
// without it): register windows and ranges, HP ports, interrupt lines, the DMA length width,
// DMA/HP widths, burst and length width, FCLK0, DDR range and unit sizes (the board config
// defaults, base/pynq_z2.json), stream and HP wiring, the interrupt lines (hw-spec
// §2.5, ORed into IRQ_F2P[0]). The same check must fail on a copy of the script with one
// address or width changed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

#include "base/board_config.h"
#include "runtime/pynq/regmap.h"
#include "tests/board/vivado_record.h"

namespace reg = tinypynq::pynq::reg;

namespace {

using namespace tinypynq::vivado_test;

// What the script must implement: hw/pl_contract.json when the tree has it, else regmap.h.
struct Contract {
  std::string origin;
  struct Win { std::string seg; uint64_t base, range; };
  std::vector<Win> windows;                                 // PS Data space -> the DMAs' register segments
  uint64_t pl_top = 0, pl_top_size = 0;                     // PL_TOP: the PL's segments must tile it
  std::vector<std::pair<std::string, std::string>> dma_hp;  // DMA address space -> HP port
  std::vector<std::pair<int, std::string>> irqs;            // IRQ line -> source pin
  uint64_t dma_length_bits = 0;
};

Contract contract() {
  Contract c;
  if (!fs::exists(kContract)) {
    c.origin = "runtime/pynq/regmap.h";
    c.windows = {{"dma0/S_AXI_LITE/Reg", reg::kDma0, 0x1'0000}, {"dma1/S_AXI_LITE/Reg", reg::kDma1, 0x1'0000},
                 {"dma2/S_AXI_LITE/Reg", reg::kDma2, 0x1'0000}};
    c.pl_top = reg::kSys, c.pl_top_size = reg::kMmu + 0x1'0000 - reg::kSys;
    c.dma_hp = {{"dma0/Data_MM2S", "HP0"}, {"dma0/Data_S2MM", "HP0"}, {"dma1/Data_MM2S", "HP1"}, {"dma2/Data_MM2S", "HP2"}};
    c.irqs = {{reg::kIrqDma0Mm2s, "dma0/mm2s_introut"}, {reg::kIrqDma0S2mm, "dma0/s2mm_introut"},
              {reg::kIrqDma1Mm2s, "dma1/mm2s_introut"}, {reg::kIrqDma2Mm2s, "dma2/mm2s_introut"},
              {reg::kIrqVec, "pl/irq_vec"}, {reg::kIrqRed, "pl/irq_red"}, {reg::kIrqMmu, "pl/irq_mmu"}};
    c.dma_length_bits = tinypynq::BoardConfig::defaults().dma_length_width;
    return c;
  }
  c.origin = "hw/pl_contract.json";
  const json j = load_contract();
  for (const ContractWindow& w : contract_windows(j)) {
    if (w.name.rfind("DMA", 0) == 0) {
      const std::string d = "dma" + w.name.substr(3);
      c.windows.push_back({d + "/S_AXI_LITE/Reg", w.base, w.size});
      c.dma_hp.push_back({d + "/Data_MM2S", w.hp_port});
      if (d == "dma0") c.dma_hp.push_back({d + "/Data_S2MM", w.hp_port});
    } else if (w.name == "PL_TOP") {
      c.pl_top = w.base, c.pl_top_size = w.size;
    }
  }
  for (const ContractIrq& q : contract_irqs(j)) {
    std::string n = q.name, src;
    // This is the pl_version 1 bitstream (test_vivado_tcl_v2 checks the v2 one): VW's line (the pl_version 2
    // view writer, docs/pl-v2.md step 3) has no source in it.
    if (n == "VW" || n == "CQ") continue;  // and the command queue's (step 4)
    if (n.rfind("DMA", 0) == 0) {
      src = "dma" + n.substr(3, 1) + "/" + (n.find("S2MM") != std::string::npos ? "s2mm" : "mm2s") + "_introut";
    } else {
      for (char& ch : n) ch = static_cast<char>(std::tolower(ch));
      src = "pl/irq_" + n;
    }
    c.irqs.push_back({q.line, src});
  }
  c.dma_length_bits = contract_limit(j, "DMA_LENGTH_BITS", 0);
  return c;
}

// Everything in the record that differs from the contract, one line each.
std::vector<std::string> check(const json& r) {
  const tinypynq::BoardConfig cfg = tinypynq::BoardConfig::defaults();
  const Contract ct = contract();
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
    expect(got == std::to_string(v), cell + " CONFIG." + k + " = " + got + ", contract " + std::to_string(v));
  };

  expect(r["project"]["part"] == "xc7z020clg400-1", "part " + r["project"]["part"].dump());
  expect(r["project"]["board_part"] == "tul.com.tw:pynq-z2:part0:1.0", "board_part " + r["project"]["board_part"].dump());
  expect(r["top"] == "tinypynq_wrapper", "top " + r["top"].dump());

  // Register windows: PS Data space -> the DMAs' and the PL's register segments.
  expect(ct.windows.size() == 3 && ct.pl_top_size > 0, ct.origin + ": expected 3 DMA windows and PL_TOP");
  std::map<std::string, json> by_seg;
  for (const json& a : r["addresses"]) by_seg[a["space"].get<std::string>() + " " + a["seg"].get<std::string>()] = a;
  for (const Contract::Win& w : ct.windows) {
    const auto it = by_seg.find("ps7/Data " + w.seg);
    if (it == by_seg.end()) {
      bad.push_back(w.seg + " has no address in ps7/Data");
      continue;
    }
    const uint64_t off = parse_size(it->second["offset"]), range = parse_size(it->second["range"]);
    expect(off == w.base, w.seg + " at " + hex(off) + ", contract " + hex(w.base));
    expect(range == w.range, w.seg + " range " + hex(range) + ", contract " + hex(w.range));
  }
  // The PL's AXI4-Lite slaves (pl/<intf>/reg0) tile PL_TOP exactly, each telling the wrapper its
  // offset inside it (CONFIG.<INTF>_TOP_OFF: the top decodes offsets from PL_TOP_BASE). The stubs
  // already refused a segment that is not aligned to its power-of-two range or not 2^ADDR_WIDTH.
  std::vector<std::pair<uint64_t, uint64_t>> pl_segs;
  for (const json& a : r["addresses"]) {
    const std::string sg = a["seg"];
    if (a["space"] != "ps7/Data" || sg.rfind("pl/", 0) != 0) continue;
    const uint64_t off = parse_size(a["offset"]), range = parse_size(a["range"]);
    pl_segs.push_back({off, range});
    std::string port = sg.substr(3, sg.rfind('/') - 3);  // s_axi_sys
    port = port.substr(port.find('_', 2) + 1);
    for (char& ch : port) ch = static_cast<char>(std::toupper(ch));
    prop_is("pl", port + "_TOP_OFF", off - ct.pl_top);
  }
  std::sort(pl_segs.begin(), pl_segs.end());
  uint64_t at = ct.pl_top;
  std::string tiles;
  for (auto [off, range] : pl_segs) {
    tiles += " " + hex(off) + "+" + hex(range);
    if (off == at) at += range;
  }
  expect(!pl_segs.empty() && at == ct.pl_top + ct.pl_top_size && pl_segs.front().first == ct.pl_top &&
             pl_segs.back().first + pl_segs.back().second == at,
         "the PL's GP0 segments" + tiles + " do not tile PL_TOP (" + hex(ct.pl_top) + " + " + hex(ct.pl_top_size) + ")");
  // The PL top spans SYS, VEC, RED, MMU in 64 KiB steps (hw-spec §7).
  expect(reg::kVec == reg::kSys + 0x1'0000 && reg::kRed == reg::kVec + 0x1'0000 && reg::kMmu == reg::kRed + 0x1'0000,
         "regmap.h: SYS/VEC/RED/MMU are not consecutive 64 KiB windows (the PL top decodes them so)");
  // DMA masters see DDR from 0 through their HP port.
  for (const auto& [space, hp] : ct.dma_hp) {
    const std::string key = space + " ps7/S_AXI_" + hp + "/" + hp + "_DDR_LOWOCM";
    const auto it = by_seg.find(key);
    if (it == by_seg.end()) {
      bad.push_back(space + " has no DDR segment through S_AXI_" + hp);
      continue;
    }
    expect(parse_size(it->second["offset"]) == 0, key + " offset " + it->second["offset"].get<std::string>());
    expect(parse_size(it->second["range"]) == cfg.ddr_bytes, key + " range " + it->second["range"].get<std::string>() +
                                                                  ", contract " + hex(cfg.ddr_bytes));
  }

  // IP properties
  prop_is("ps7", "PCW_USE_M_AXI_GP0", 1);
  for (int i = 0; i < 3; ++i) {
    prop_is("ps7", "PCW_USE_S_AXI_HP" + std::to_string(i), 1);
    prop_is("ps7", "PCW_S_AXI_HP" + std::to_string(i) + "_DATA_WIDTH", 8 * cfg.hp_data_bytes);
  }
  prop_is("ps7", "PCW_FPGA0_PERIPHERAL_FREQMHZ", static_cast<uint64_t>(cfg.pl_clock_hz / 1e6));
  prop_is("ps7", "PCW_USE_FABRIC_INTERRUPT", 1);
  prop_is("ps7", "PCW_IRQ_F2P_INTR", 1);
  for (const char* d : {"dma0", "dma1", "dma2"}) {
    expect(r["cells"].contains(d) && r["cells"][d]["vlnv"] == "xilinx.com:ip:axi_dma:7.1", std::string(d) + " is not AXI DMA 7.1");
    prop_is(d, "c_include_sg", 0);
    prop_is(d, "c_sg_length_width", ct.dma_length_bits);
    prop_is(d, "c_addr_width", 32);
    prop_is(d, "c_include_mm2s", 1);
    prop_is(d, "c_m_axi_mm2s_data_width", 8 * cfg.dma_data_bytes);
    prop_is(d, "c_m_axis_mm2s_tdata_width", 8 * cfg.dma_data_bytes);
    prop_is(d, "c_mm2s_burst_size", cfg.dma_burst_beats);
    prop_is(d, "c_include_s2mm", std::string(d) == "dma0" ? 1 : 0);
  }
  prop_is("dma0", "c_m_axi_s2mm_data_width", 8 * cfg.dma_data_bytes);
  prop_is("dma0", "c_s_axis_s2mm_tdata_width", 8 * cfg.dma_data_bytes);
  prop_is("dma0", "c_s2mm_burst_size", cfg.dma_burst_beats);
  expect(r["cells"].contains("pl") && r["cells"]["pl"]["reference"] == "tinypynq_pl_wrapper", "pl is not tinypynq_pl_wrapper");
  prop_is("pl", "MM_ROWS", cfg.mm_rows);
  prop_is("pl", "MM_COLS", cfg.mm_cols);
  prop_is("pl", "MM_WDEPTH", cfg.mm_wdepth);
  prop_is("pl", "MM_KMAX", cfg.mm_kmax);
  prop_is("pl", "MM_NMAX", cfg.mm_nmax);
  prop_is("pl", "FCLK_HZ", static_cast<uint64_t>(cfg.pl_clock_hz));
  prop_is("pl", "SFU_DPS", cfg.sfu_datapaths());
  prop_is("pl", "WITH_RED", cfg.reduce_unit);

  // Interface wiring: interconnect cells (*_ic) pass through; what reaches what.
  std::map<std::string, std::set<std::string>> adj;
  for (const json& n : r["intf_nets"]) {
    const std::string a = n[0], b = n[1];
    adj[a].insert(b), adj[b].insert(a);
  }
  std::map<std::string, std::vector<std::string>> ic_pins;
  for (auto& [pin, _] : adj)
    if (pin.find("_ic/") != std::string::npos) ic_pins[pin.substr(0, pin.find('/'))].push_back(pin);
  const auto reaches = [&](const std::string& from) {
    std::set<std::string> seen{from};
    std::vector<std::string> todo{from};
    while (!todo.empty()) {
      const std::string p = todo.back();
      todo.pop_back();
      std::vector<std::string> next(adj[p].begin(), adj[p].end());
      if (p.find("_ic/") != std::string::npos)
        for (const auto& q : ic_pins[p.substr(0, p.find('/'))]) next.push_back(q);
      for (const auto& q : next)
        if (seen.insert(q).second) todo.push_back(q);
    }
    return seen;
  };
  const std::pair<const char*, const char*> direct[] = {{"dma0/M_AXIS_MM2S", "pl/s_axis_a"}, {"dma1/M_AXIS_MM2S", "pl/s_axis_b"},
                                                        {"dma2/M_AXIS_MM2S", "pl/s_axis_c"}, {"pl/m_axis_r", "dma0/S_AXIS_S2MM"}};
  for (auto [a, b] : direct) expect(adj[a].count(b) == 1, std::string("stream ") + a + " -> " + b + " not connected");
  const auto gp = reaches("ps7/M_AXI_GP0");
  for (const char* s : {"dma0/S_AXI_LITE", "dma1/S_AXI_LITE", "dma2/S_AXI_LITE", "pl/s_axi_sys", "pl/s_axi_vecred", "pl/s_axi_mmu"})
    expect(gp.count(s) == 1, std::string("GP0 does not reach ") + s);
  for (const auto& [space, port] : ct.dma_hp) {  // dmaN/Data_MM2S -> master dmaN/M_AXI_MM2S
    const std::string m = space.substr(0, space.find('/')) + "/M_AXI_" + space.substr(space.find('_') + 1);
    const int hp = port.back() - '0';
    const auto r2 = reaches(m);
    for (int i = 0; i < 4; ++i) {
      const bool got = r2.count("ps7/S_AXI_HP" + std::to_string(i)) == 1;
      expect(got == (i == hp), m + (got ? " reaches" : " does not reach") + " S_AXI_HP" + std::to_string(i));
    }
  }

  // Signal nets: FCLK0 clocks the PL side, the reset block drives aresetn, interrupts in the
  // hw-spec §2.5 line order into the OR feeding IRQ_F2P[0].
  std::map<std::string, std::set<std::string>> net_of;  // driver -> loads
  for (const json& n : r["nets"])
    for (size_t i = 1; i < n.size(); ++i) net_of[n[0]].insert(n[i].get<std::string>());
  for (const char* p : {"pl/aclk", "dma0/m_axi_mm2s_aclk", "dma0/m_axi_s2mm_aclk", "dma1/m_axi_mm2s_aclk",
                        "dma2/m_axi_mm2s_aclk", "ps7/S_AXI_HP0_ACLK", "ps7/S_AXI_HP1_ACLK", "ps7/S_AXI_HP2_ACLK",
                        "ps7/M_AXI_GP0_ACLK"})
    expect(net_of["ps7/FCLK_CLK0"].count(p) == 1, std::string(p) + " is not on FCLK0");
  expect(net_of["rst_fclk0/peripheral_aresetn"].count("pl/aresetn") == 1, "pl/aresetn is not driven by the FCLK0 reset");
  expect(net_of["ps7/FCLK_RESET0_N"].count("rst_fclk0/ext_reset_in") == 1,
         "FCLK_RESET0_N (the SLCR's FPGA_RST_CTRL bit 0) does not reset the PL");
  for (const auto& [line, src] : ct.irqs)
    expect(net_of[src].count("irq_concat/In" + std::to_string(line)) == 1,
           src + " is not on irq_concat/In" + std::to_string(line));
  prop_is("irq_concat", "NUM_PORTS", ct.irqs.size());
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

TEST(VivadoTcl, DryRunMatchesTheContract) {
  Tmp t;
  const json r = dry_run(kSrc / "hw/vivado/build_bitstream.tcl", t);
  const auto bad = check(r);
  EXPECT_TRUE(bad.empty()) << "against " << contract().origin << ":\n" << joined(bad);
  EXPECT_TRUE(fs::exists(t.dir / "out" / "tinypynq.bit"));
  EXPECT_TRUE(fs::exists(t.dir / "out" / "tinypynq.hwh"));
  EXPECT_EQ(r["project"]["verilog_define"], "TP_WITH_VEC");  // the vector unit is in the bitstream
}

// A copy of the script with `from` replaced by `to` (which must occur exactly once).
fs::path mutate(const Tmp& t, const std::string& from, const std::string& to) {
  std::ifstream f(kSrc / "hw/vivado/build_bitstream.tcl");
  std::stringstream ss;
  ss << f.rdbuf();
  std::string s = ss.str();
  const size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  EXPECT_EQ(s.find(from, at + 1), std::string::npos) << from;
  s.replace(at, from.size(), to);
  // The copy lives elsewhere: point it back at the source tree.
  const std::string dir_line = "set tp_script_dir [file dirname [file normalize [info script]]]";
  s.replace(s.find(dir_line), dir_line.size(), "set tp_script_dir {" + (kSrc / "hw/vivado").string() + "}");
  const fs::path p = t.dir / "mutated.tcl";
  std::ofstream(p) << s;
  return p;
}

TEST(VivadoTcl, CheckFailsWhenTheScriptDiffersFromTheContract) {
  struct Case { const char* from; const char* to; const char* expect; };
  const Case cases[] = {
      {"dma2    0x40020000  64K", "dma2    0x40080000  64K", "dma2/S_AXI_LITE/Reg at 0x40080000, contract 0x40020000"},
      {"mmu     0x40060000  64K", "mmu     0x40070000  64K",
       "the PL's GP0 segments 0x40030000+0x10000 0x40040000+0x20000 0x40070000+0x10000 do not tile PL_TOP"},
      {"set tp_pl_top_base 0x40030000", "set tp_pl_top_base 0x40020000", "pl CONFIG.SYS_TOP_OFF = 65536, contract 0"},
      {"set tp_dma_width  64", "set tp_dma_width  32", "dma1 CONFIG.c_m_axi_mm2s_data_width = 32, contract 64"},
      {"set tp_fclk0_mhz  100", "set tp_fclk0_mhz  125", "PCW_FPGA0_PERIPHERAL_FREQMHZ = 125, contract 100"},
      {"[get_bd_intf_pins pl/s_axis_b]", "[get_bd_intf_pins pl/s_axis_c]", "stream dma1/M_AXIS_MM2S -> pl/s_axis_b not connected"},
      {"dma1/M_AXI_MM2S] [get_bd_intf_pins ps7/S_AXI_HP1]", "dma1/M_AXI_MM2S] [get_bd_intf_pins ps7/S_AXI_HP3]",
       "dma1/M_AXI_MM2S does not reach S_AXI_HP1"},
      {"dma0/mm2s_introut dma0/s2mm_introut", "dma0/s2mm_introut dma0/mm2s_introut", "dma0/s2mm_introut is not on irq_concat/In1"},
  };
  for (const Case& c : cases) {
    Tmp t;
    const auto bad = check(dry_run(mutate(t, c.from, c.to), t));
    EXPECT_NE(joined(bad).find(c.expect), std::string::npos) << "changing '" << c.from << "' -> '" << c.to
                                                             << "' was not caught; mismatches:\n" << joined(bad);
  }
}

// Vivado's address rules (AR 66717) are the stubs': the script's segments obey them, a copy that
// breaks one is refused with the reason.
TEST(VivadoTcl, StubsRejectSegmentsVivadoWouldNot) {
  struct Case { const char* from; const char* to; const char* expect; };
  const Case cases[] = {
      {"sys     0x40030000  64K", "sys     0x40030000  128K", "offset 0x40030000 is not a multiple of its range 128K"},
      {"vecred  0x40040000  128K", "vecred  0x40040000  96K", "range 96K is not a power of two"},
      {"vecred  0x40040000  128K", "vecred  0x40040000  256K", "range 256K is not 2^ADDR_WIDTH (17 bits) of s_axi_vecred"},
      {"dma2    0x40020000  64K", "dma2    0x40030000  64K", "overlaps"},
  };
  for (const Case& c : cases) {
    Tmp t;
    try {
      dry_run(mutate(t, c.from, c.to), t);
      ADD_FAILURE() << "'" << c.to << "' was accepted";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(c.expect), std::string::npos) << e.what();
    }
  }
}

TEST(VivadoTcl, StubsRejectPinsTheWrapperDoesNotHave) {
  Tmp t;
  try {
    dry_run(mutate(t, "[get_bd_intf_pins pl/m_axis_r]", "[get_bd_intf_pins pl/m_axis_q]"), t);
    FAIL() << "a pin the Verilog wrapper does not have was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("tinypynq_pl_wrapper has no interface m_axis_q"), std::string::npos) << e.what();
  }
}

}  // namespace
