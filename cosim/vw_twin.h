// SPDX-License-Identifier: MIT
// tinypynq co-simulation — the RTL view writer on the rtl target (pl_version 2) and its TLM twin:
// the writer (rtl/vw, inside the v2 top) writes DDR through HpWriteBridge; the TLM writer
// (models/tlm/view_writer_tlm.h) takes the same GP0 accesses (RtlPl's VW window) and the same
// packet (stream R as the RTL's monitors show it, with each beat's first presented cycle), and
// its plan is the expectation:
//
//   VwTwin w(pins);  w.twin = &tlm_writer;  w.ask_port = [..](aw0) { return hp0's answer; };
//   each cycle t: w.drive(t); eval; w.sample(t, ls, fault);
//   RtlPl's VW window, after the twin took a START: if (w.twin_started()) w.bridge.begin_transfer();
//
// Checked, the first difference becoming a lockstep mismatch (Lockstep::reader_mismatch):
//  * R's last beat: the RTL writer's TLAST handshake = the twin's a_last (put_beats' answer);
//  * the end of the transfer: the cycle VW's BUSY falls = the twin's DONE/ERR cycle;
//  * every burst (address, beats, WSTRB words, AW, last W + 1, B) = the twin's plan, in order;
//  * the words in DDR over the buffer = the twin's image of it (its data writes are captured by
//    RtlPl instead of landing in DDR; its reads see the RTL's writes).
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "cosim/axis.h"
#include "cosim/lockstep.h"
#include "cosim/ports.h"
#include "models/tlm/hp_ext.h"
#include "models/tlm/view_writer_tlm.h"

namespace tinypynq::cosim {

class VwTwin {
 public:
  explicit VwTwin(const PlSimPins& pins) : bridge(pins.hpw, "HP0 (VW)"), pins_(pins) {}

  HpWriteBridge bridge;
  vp::ViewWriter* twin = nullptr;
  std::function<pl::WriterTiming(uint64_t aw0)> ask_port;  // the HP port's rate from cycle aw0
  // tests of the checker: alters the twin's bursts and image before they are compared
  std::function<void(std::vector<pl::Burst>&, std::vector<uint8_t>&)> tamper;
  struct Stats {
    uint64_t transfers = 0, bursts = 0, beats = 0;  // compared, all equal
  } stats;

  bool active() const { return pins_.with_vw(); }
  void drive(uint64_t t) { bridge.drive(t); }
  bool busy() const { return bridge.busy() || *pins_.mon_vw_busy; }
  uint64_t r_beats() const { return r_h_.size(); }
  // The twin accepted a START since the last call (a new transfer; a START while BUSY is not).
  bool twin_started() {
    if (!twin || twin->times().starts == starts_seen_) return false;
    starts_seen_ = twin->times().starts;
    return true;
  }
  // The twin's data write over [lo, lo + n) (RtlPl's HP socket of the twin).
  void capture(uint64_t lo, const uint8_t* data, uint64_t n) {
    image_lo_ = lo;
    image_.assign(data, data + n);
    has_image_ = true;
  }

  // The RTL writer's first AW of a transfer in cycle aw0: the HP port's rate then, without counting
  // the transfer as in flight (its twin does when it has the packet; ps7.cpp's share counts the
  // transfers in flight in a cycle, whenever asked).
  pl::WriterTiming ask_hp(tlm::tlm_initiator_socket<>& hp, uint64_t aw0) {
    if (!bridge.has_ddr()) {
      tlm::tlm_generic_payload q;
      q.set_command(tlm::TLM_WRITE_COMMAND);
      q.set_address(0);
      tlm::tlm_dmi dmi;
      if (hp->get_direct_mem_ptr(q, dmi) && dmi.get_start_address() == 0 && dmi.is_write_allowed())
        bridge.set_ddr(dmi.get_dmi_ptr(), dmi.get_end_address() + 1);
    }
    vp::HpStreamExt ext;
    ext.write = true, ext.start = aw0, ext.beats = 1, ext.beat_bytes = 8, ext.reserve = false;
    tlm::tlm_generic_payload gp;
    gp.set_command(tlm::TLM_IGNORE_COMMAND);
    gp.set_address(bridge.bursts().empty() ? 0 : bridge.bursts().front().addr);
    gp.set_data_length(8);
    gp.set_extension(&ext);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    hp->b_transport(gp, delay);
    gp.clear_extension(&ext);
    if (gp.get_response_status() != tlm::TLM_OK_RESPONSE) return bridge.timing();
    return vp::ViewWriter::port_timing(ext, 1);
  }

  void sample(uint64_t t, Lockstep& ls, const std::function<void(const std::string&)>& fault) {
    if (bridge.sample(t) && ask_port) bridge.set_timing(ask_port(bridge.aw0()));
    if (!bridge.error().empty()) fault(bridge.error());
    const bool v = *pins_.mon_r_tvalid, hs = *pins_.mon_r_hs;
    r_offer_.sample(t, v, hs);
    if (hs) r_beat(t, ls, fault);
    maybe_compare(ls);
    const bool b = *pins_.mon_vw_busy;
    if (busy_prev_ && !b) end_of_transfer(t, ls);
    busy_prev_ = b;
  }
  void reset() {
    bridge.reset();
    r_bytes_.clear(), r_h_.clear();
    r_offer_.reset();
    busy_prev_ = has_image_ = put_ = checked_ = false;
    if (twin) starts_seen_ = twin->times().starts;
  }

 private:
  void r_beat(uint64_t t, Lockstep& ls, const std::function<void(const std::string&)>& fault) {
    if (!twin || !twin->armed()) {
      fault("stream R: the RTL view writer took a beat in cycle " + std::to_string(t) +
            " while its TLM twin has no accepted descriptor");
      return;
    }
    const uint8_t keep = *pins_.mon_r_tkeep;
    unsigned n = 0;
    while (n < 8 && (keep >> n & 1)) ++n;
    uint8_t b[8];
    const uint64_t d = *pins_.mon_r_tdata;
    std::memcpy(b, &d, 8);
    r_bytes_.insert(r_bytes_.end(), b, b + n);
    ls.result_bytes(b, n);
    r_h_.push_back(r_offer_.since());
    ++stats.beats;
    if (!*pins_.mon_r_tlast) return;
    const uint64_t a = twin->put_beats(r_bytes_.data(), r_bytes_.size(), r_h_);
    if (a != t) {
      std::ostringstream o;
      o << "VW " << twin->descriptor().str() << ": R's last beat (" << r_h_.size() << " beats) taken in cycle " << t
        << " by the RTL writer, in cycle " << a << " by the TLM writer";
      ls.reader_mismatch(o.str());
    }
    ls.sink_took_last(a);
    r_bytes_.clear(), r_h_.clear();
    put_ = true;
  }

  // The bursts and the words, as soon as the RTL has had every B response the twin planned (so
  // a difference is a fault before the PS sees the transfer's end), else when BUSY falls.
  void compare_bursts(Lockstep& ls) {
    checked_ = true;
    std::vector<pl::Burst> want = twin->last_plan().bursts;
    if (tamper) tamper(want, image_);
    const std::vector<pl::Burst>& got = bridge.bursts();
    std::ostringstream o;
    for (size_t k = 0; k < std::max(want.size(), got.size()) && o.str().empty(); ++k) {
      if (k >= want.size() || k >= got.size()) {
        o << want.size() << " bursts planned by the TLM writer, " << got.size() << " made by the RTL";
        break;
      }
      const pl::Burst &w = want[k], &g = got[k];
      if (w.addr != g.addr || w.beats != g.beats || w.words != g.words || w.aw != g.aw || w.wend != g.wend ||
          w.bresp != g.bresp)
        o << "burst " << k << ": TLM " << str(w) << ", RTL " << str(g);
    }
    if (o.str().empty() && has_image_) image_check(o);
    if (o.str().empty()) ++stats.transfers, stats.bursts += got.size();
    else ls.reader_mismatch("VW " + twin->descriptor().str() + ": " + o.str());
  }
  void maybe_compare(Lockstep& ls) {
    if (twin && put_ && !checked_ && !bridge.busy() && bridge.bursts().size() >= twin->last_plan().bursts.size())
      compare_bursts(ls);
  }
  void end_of_transfer(uint64_t t, Lockstep& ls) {
    if (!twin) return;
    if (twin->times().done != t) {
      std::ostringstream o;
      o << "VW " << twin->descriptor().str() << ": the transfer ends (BUSY falls) in cycle " << t << " on the RTL, in cycle "
        << twin->times().done << " on the TLM writer";
      ls.reader_mismatch(o.str());
    } else if (put_ && !checked_) {
      compare_bursts(ls);
    }
    put_ = has_image_ = checked_ = false;
  }
  void image_check(std::ostringstream& o) const {
    const uint8_t* m = bridge.ddr();
    if (!m) return;
    for (uint64_t i = 0; i + 4 <= image_.size(); i += 4)
      if (std::memcmp(m + image_lo_ + i, image_.data() + i, 4) != 0) {
        uint32_t w, g;
        std::memcpy(&w, image_.data() + i, 4);
        std::memcpy(&g, m + image_lo_ + i, 4);
        o << "DDR word at 0x" << std::hex << image_lo_ + i << ": TLM 0x" << w << ", RTL 0x" << g;
        return;
      }
  }
  static std::string str(const pl::Burst& b) {
    std::ostringstream o;
    o << "0x" << std::hex << b.addr << std::dec << " " << b.beats << " beats words 0x" << std::hex << b.words
      << std::dec << " AW " << b.aw << " W end " << b.wend << " B " << b.bresp;
    return o.str();
  }

  PlSimPins pins_;
  std::vector<uint8_t> r_bytes_;
  std::vector<uint64_t> r_h_;
  ValidSince r_offer_;  // R's offers into the RTL writer
  bool busy_prev_ = false, has_image_ = false, put_ = false, checked_ = false;
  uint64_t starts_seen_ = 0, image_lo_ = 0;
  std::vector<uint8_t> image_;
};

}  // namespace tinypynq::cosim
