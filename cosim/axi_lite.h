// SPDX-License-Identifier: MIT
// tinypynq co-simulation — a pin-level AXI4-Lite master transactor (32-bit data) for a
// Verilated design clocked by hand. The caller owns the clock (it clocks the rest of the
// design, the streams, in the same cycles); the master drives the request, sees the
// handshake and reads the response:
//
//   AxiLiteMaster gp0(top_axil(top));                 // cosim/ports.h
//   gp0.idle();                                        // VALIDs low, BREADY/RREADY high
//   gp0.begin_write(0x10040, 1);                       // AWVALID + WVALID from this cycle
//   for (unsigned i = 0; ; ++i) {
//     top.eval();
//     if (gp0.handshake()) break;                      // AW and W accepted in this cycle
//     if (!gp0.error().empty() || i == max_wait) fail(gp0.error());
//     clock_one_cycle();
//   }
//   clock_one_cycle();                                 // the handshake cycle
//   gp0.end();  top.eval();
//   AxiLiteMaster::Response r = gp0.response();        // BRESP in the cycle after it
//
// The master issues AW and W together and needs the slave to take both in one cycle
// (tp_axil_slave does); a slave that takes one without the other is reported by error(). The
// response is expected in the cycle after the handshake, as the TLM twin times it (hw-spec §7):
// a later or missing BVALID/RVALID is reported by response().
#pragma once

#include <cstdint>
#include <sstream>
#include <string>

namespace tinypynq::cosim {

// The pins of an AXI4-Lite slave port, as pointers into a Verilated model (IData = uint32_t
// for the address and data, CData = uint8_t for the rest).
struct AxiLitePins {
  uint32_t* awaddr = nullptr;
  uint8_t *awvalid = nullptr, *awready = nullptr;
  uint32_t* wdata = nullptr;
  uint8_t *wstrb = nullptr, *wvalid = nullptr, *wready = nullptr;
  uint8_t *bresp = nullptr, *bvalid = nullptr, *bready = nullptr;
  uint32_t* araddr = nullptr;
  uint8_t *arvalid = nullptr, *arready = nullptr;
  uint32_t* rdata = nullptr;
  uint8_t *rresp = nullptr, *rvalid = nullptr, *rready = nullptr;
};

class AxiLiteMaster {
 public:
  explicit AxiLiteMaster(AxiLitePins p) : p_(p) {}

  struct Response {
    bool valid = false;  // BVALID / RVALID in the response cycle
    unsigned resp = 0;   // BRESP / RRESP (0 OKAY, 2 SLVERR, 3 DECERR)
    uint32_t data = 0;   // RDATA (reads)
  };

  // No request: VALIDs low; the master always takes a response (BREADY, RREADY high).
  void idle() {
    *p_.awvalid = *p_.wvalid = *p_.arvalid = 0;
    *p_.bready = *p_.rready = 1;
    write_ = false;
  }
  void begin_write(uint32_t addr, uint32_t data, uint8_t strb = 0xF) {
    *p_.awaddr = addr, *p_.wdata = data, *p_.wstrb = strb;
    *p_.awvalid = *p_.wvalid = 1;
    *p_.bready = *p_.rready = 1;
    write_ = true, addr_ = addr, error_.clear();
  }
  void begin_read(uint32_t addr) {
    *p_.araddr = addr;
    *p_.arvalid = 1;
    *p_.bready = *p_.rready = 1;
    write_ = false, addr_ = addr, error_.clear();
  }
  // After the evaluation of a cycle with the request on the pins: the slave takes it in this
  // cycle (writes: AWREADY and WREADY together).
  bool handshake() {
    if (!write_) return *p_.arready;
    const bool aw = *p_.awready, w = *p_.wready;
    if (aw != w && error_.empty()) {
      std::ostringstream o;
      o << "AXI-Lite write to 0x" << std::hex << addr_ << ": the slave raised " << (aw ? "AWREADY" : "WREADY")
        << " without " << (aw ? "WREADY" : "AWREADY") << " (this master needs both in one cycle)";
      error_ = o.str();
    }
    return aw && w;
  }
  // After the handshake cycle's clock edge: the request's VALIDs low.
  void end() { *p_.awvalid = *p_.wvalid = *p_.arvalid = 0; }
  // After the evaluation of the cycle after the handshake: the response on the pins. A missing
  // BVALID/RVALID there is a slave slower than the contract: error() says so.
  Response response() {
    Response r;
    r.valid = write_ ? *p_.bvalid : *p_.rvalid;
    r.resp = write_ ? *p_.bresp : *p_.rresp;
    if (!write_) r.data = *p_.rdata;
    if (!r.valid && error_.empty()) {
      std::ostringstream o;
      o << "AXI-Lite " << (write_ ? "write to" : "read of") << " 0x" << std::hex << addr_ << ": no "
        << (write_ ? "BVALID" : "RVALID") << " in the cycle after the handshake (hw-spec §7: one cycle)";
      error_ = o.str();
    }
    return r;
  }
  bool is_write() const { return write_; }
  const std::string& error() const { return error_; }  // the first protocol problem of this access

 private:
  AxiLitePins p_;
  bool write_ = false;
  uint32_t addr_ = 0;
  std::string error_;
};

}  // namespace tinypynq::cosim
