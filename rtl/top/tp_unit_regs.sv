// SPDX-License-Identifier: MIT
// tinypynq — the register block every PL unit shares (docs/hw-spec.md §7.2), the RTL twin of
// models/tlm/pl_regs.cpp UnitRegs. Offsets and bits come from tp_contract_pkg (hw/pl_contract.json);
// the map at the time of writing:
//   0x00 CTRL (START reads 0, IRQ_EN)    0x04 STATUS (BUSY RO, DONE/ERR/W_RANGE/W_TLAST W1C,
//   ERR_CODE RO cleared with ERR)        0x08 OP  0x0C/10/14 SIZE0..2  0x18/1C CYCLES_LO/HI
//   0x20..28 SCALAR_A..C (HasScalars)    0x30 ID  0x34..3C CFG0..2; other offsets read 0.
// A CTRL write with bit 0 = 1 raises start_req_o in that cycle; the top decides in the same
// cycle (accept_i, or reject_i with reject_code_i). Accepted (cycle t0): DONE, ERR, ERR_CODE,
// W_RANGE, W_TLAST := 0 and CYCLES := 0 at the end of t0; BUSY is the unit's busy_i
// (t0+1..t_done); done_i (cycle t_done) sets DONE from t_done+1. CYCLES reads t - t0 while busy
// (a CYCLES_LO read latches the high word into CYCLES_HI).
module tp_unit_regs #(
  parameter logic [31:0] Id         = 32'd0,
  parameter logic [31:0] Cfg0       = 32'd0,
  parameter logic [31:0] Cfg1       = 32'd0,
  parameter logic [31:0] Cfg2       = 32'd0,
  parameter bit          HasScalars = 1'b0
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  // register access (offsets inside the unit's 64 KiB window)
  input  logic        wr_i,
  input  logic [15:0] wr_off_i,
  input  logic [31:0] wr_data_i,
  input  logic        rd_i,
  input  logic [15:0] rd_off_i,
  output logic [31:0] rd_data_o,   // value of rd_off_i in this cycle (combinational)
  // START protocol with the top
  output logic        start_req_o,
  input  logic        accept_i,
  input  logic        reject_i,
  input  logic [3:0]  reject_code_i,
  // live operand registers
  output logic [31:0] op_o,
  output logic [31:0] size0_o,
  output logic [31:0] size1_o,
  output logic [31:0] size2_o,
  output logic [31:0] scalar_a_o,
  output logic [31:0] scalar_b_o,
  output logic [31:0] scalar_c_o,
  // unit status
  input  logic        busy_i,
  input  logic        done_i,
  input  logic        w_range_i,
  input  logic        w_tlast_i,
  output logic        irq_o
);

  // Offsets and field positions: the PL contract (tp_contract_pkg, from hw/pl_contract.json).
  localparam logic [15:0] OffCtrl = tp_contract_pkg::UNIT_CTRL, OffStatus = tp_contract_pkg::UNIT_STATUS,
                          OffOp = tp_contract_pkg::UNIT_OP, OffSize0 = tp_contract_pkg::UNIT_SIZE0,
                          OffSize1 = tp_contract_pkg::UNIT_SIZE1, OffSize2 = tp_contract_pkg::UNIT_SIZE2,
                          OffCyclesLo = tp_contract_pkg::UNIT_CYCLES_LO,
                          OffCyclesHi = tp_contract_pkg::UNIT_CYCLES_HI,
                          OffScalarA = tp_contract_pkg::UNIT_SCALAR_A, OffScalarB = tp_contract_pkg::UNIT_SCALAR_B,
                          OffScalarC = tp_contract_pkg::UNIT_SCALAR_C, OffId = tp_contract_pkg::UNIT_ID,
                          OffCfg0 = tp_contract_pkg::UNIT_CFG0, OffCfg1 = tp_contract_pkg::UNIT_CFG1,
                          OffCfg2 = tp_contract_pkg::UNIT_CFG2;
  localparam int unsigned BStart = tp_contract_pkg::UNIT_CTRL_START_LSB,
                          BIrqEn = tp_contract_pkg::UNIT_CTRL_IRQ_EN_LSB,
                          BBusy = tp_contract_pkg::UNIT_STATUS_BUSY_LSB,
                          BDone = tp_contract_pkg::UNIT_STATUS_DONE_LSB,
                          BErr = tp_contract_pkg::UNIT_STATUS_ERR_LSB,
                          BErrCode = tp_contract_pkg::UNIT_STATUS_ERR_CODE_LSB,
                          BWRange = tp_contract_pkg::UNIT_STATUS_W_RANGE_LSB,
                          BWTlast = tp_contract_pkg::UNIT_STATUS_W_TLAST_LSB;
  localparam int unsigned ErrCodeW = tp_contract_pkg::UNIT_STATUS_ERR_CODE_W;

  logic        irq_en_q;
  logic        done_q, err_q, w_range_q, w_tlast_q;
  logic [3:0]  err_code_q;
  logic [31:0] op_q, size0_q, size1_q, size2_q, sa_q, sb_q, sc_q;
  logic [63:0] cyc_q, cyc_now;
  logic [31:0] cyc_hi_q;

  assign cyc_now = cyc_q + {63'd0, busy_i};

  // writes
  logic wr_ctrl, wr_status;
  assign wr_ctrl     = wr_i && (wr_off_i == OffCtrl);
  assign wr_status   = wr_i && (wr_off_i == OffStatus);
  assign start_req_o = wr_ctrl && wr_data_i[BStart];

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      irq_en_q   <= 1'b0;
      done_q     <= 1'b0;
      err_q      <= 1'b0;
      err_code_q <= 4'd0;
      w_range_q  <= 1'b0;
      w_tlast_q  <= 1'b0;
      op_q       <= 32'd0;
      size0_q    <= 32'd0;
      size1_q    <= 32'd0;
      size2_q    <= 32'd0;
      sa_q       <= 32'd0;
      sb_q       <= 32'd0;
      sc_q       <= 32'd0;
      cyc_q      <= 64'd0;
      cyc_hi_q   <= 32'd0;
    end else begin
      if (wr_ctrl) irq_en_q <= wr_data_i[BIrqEn];
      if (wr_i) begin
        unique case (wr_off_i)
          OffOp:      op_q    <= wr_data_i;
          OffSize0:   size0_q <= wr_data_i;
          OffSize1:   size1_q <= wr_data_i;
          OffSize2:   size2_q <= wr_data_i;
          OffScalarA: if (HasScalars) sa_q <= wr_data_i;
          OffScalarB: if (HasScalars) sb_q <= wr_data_i;
          OffScalarC: if (HasScalars) sc_q <= wr_data_i;
          default: ;
        endcase
      end
      // STATUS: W1C, then the events of this cycle (an event wins over a clear)
      if (wr_status) begin
        if (wr_data_i[BDone]) done_q <= 1'b0;
        if (wr_data_i[BErr]) begin
          err_q      <= 1'b0;
          err_code_q <= 4'd0;
        end
        if (wr_data_i[BWRange]) w_range_q <= 1'b0;
        if (wr_data_i[BWTlast]) w_tlast_q <= 1'b0;
      end
      if (accept_i) begin
        done_q     <= 1'b0;
        err_q      <= 1'b0;
        err_code_q <= 4'd0;
        w_range_q  <= 1'b0;
        w_tlast_q  <= 1'b0;
        cyc_q      <= 64'd0;
      end else begin
        if (reject_i) begin
          err_q      <= 1'b1;
          err_code_q <= reject_code_i;
        end
        if (done_i) done_q <= 1'b1;
        if (busy_i && w_range_i) w_range_q <= 1'b1;
        if (busy_i && w_tlast_i) w_tlast_q <= 1'b1;
        if (busy_i) cyc_q <= cyc_now;
      end
      if (rd_i && rd_off_i == OffCyclesLo) cyc_hi_q <= cyc_now[63:32];
    end
  end

  // CTRL and STATUS as read: START reads 0, BUSY is the unit's, the rest are the flags.
  logic [31:0] ctrl_rd, status_rd;
  always_comb begin
    ctrl_rd                             = 32'd0;
    ctrl_rd[BIrqEn]                     = irq_en_q;
    status_rd                           = 32'd0;
    status_rd[BBusy]                    = busy_i;
    status_rd[BDone]                    = done_q;
    status_rd[BErr]                     = err_q;
    status_rd[BErrCode +: ErrCodeW]     = err_code_q;
    status_rd[BWRange]                  = w_range_q;
    status_rd[BWTlast]                  = w_tlast_q;
  end

  always_comb begin
    unique case (rd_off_i)
      OffCtrl:     rd_data_o = ctrl_rd;
      OffStatus:   rd_data_o = status_rd;
      OffOp:       rd_data_o = op_q;
      OffSize0:    rd_data_o = size0_q;
      OffSize1:    rd_data_o = size1_q;
      OffSize2:    rd_data_o = size2_q;
      OffCyclesLo: rd_data_o = cyc_now[31:0];
      OffCyclesHi: rd_data_o = cyc_hi_q;
      OffScalarA:  rd_data_o = HasScalars ? sa_q : 32'd0;
      OffScalarB:  rd_data_o = HasScalars ? sb_q : 32'd0;
      OffScalarC:  rd_data_o = HasScalars ? sc_q : 32'd0;
      OffId:       rd_data_o = Id;
      OffCfg0:     rd_data_o = Cfg0;
      OffCfg1:     rd_data_o = Cfg1;
      OffCfg2:     rd_data_o = Cfg2;
      default:     rd_data_o = 32'd0;
    endcase
  end

  assign op_o       = op_q;
  assign size0_o    = size0_q;
  assign size1_o    = size1_q;
  assign size2_o    = size2_q;
  assign scalar_a_o = sa_q;
  assign scalar_b_o = sb_q;
  assign scalar_c_o = sc_q;
  assign irq_o      = done_q && irq_en_q;

endmodule
