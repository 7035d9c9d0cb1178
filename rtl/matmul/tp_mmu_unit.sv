// SPDX-License-Identifier: MIT
// tinypynq — matmul unit of docs/hw-spec.md §6.3: C (M x N) = A (M x K) · W (K x N), binary32,
// every output the sequential dot product acc := FADD(acc, FMUL(a, w)) from acc = -0
// (pl::dot), on an R x C output-stationary systolic array of tp_mmu_pe with BRAM buffers, timed
// by the block schedule of §8.3 implemented literally:
//   W load   B.TREADY from t0+1 until ceil(K*N/2) beats (LOADW); wready from we+1
//   A load   block b into ABUF half b&1 when that half is free (block b-2's compute window
//            over) and block b-1 is loaded; A.TREADY while loading
//   compute  cs_b = first cycle with block b loaded, wready, the array idle and OBUF half b&1
//            free (store of b-2 done); window of T_C = NP * L_A * max(K, R) cycles
//   drain    OBUF half b&1 is readable from ce_b + 1 = cs_b + T_C + D_MM (countdown); the
//            datapath's last OBUF write is earlier (asserted)
//   store    block after block, TVALID from max(ce_b + 1, se_(b-1) + 1), one beat per cycle
// Buffers (tp_sdp_ram, one write and one read port each; split so that the two elements of a
// stream beat never hit the same RAM):
//   WBUF  C x 2 RAMs of WDepth/2: W[k][n] -> column n mod C, address k*ceil(N/C) + n/C, RAM
//         parity = address bit 0 (consecutive elements of a beat differ in column or parity)
//   ABUF  R x 2 RAMs of KMax: A[m0+r][k] -> row r, RAM parity k bit 0, word {half, k/2}
//   OBUF  C x 2 RAMs of R*NMax/C: C[m0+r][n] -> column n mod C, address r*ceil(N/C) + n/C,
//         parity = address bit 0, word {half, address/2}
// Array: PE(r,c) in pass p owns output row r, columns n = p*C*L_A + s*C + c (strips s = 0..3);
// the controller issues (k outer, s inner) one address per cycle; A (with control) enters row
// r after r cycles of skew and moves right, W enters column c after c cycles and moves down.
// A strip's final accumulator is captured in the PE 9 + r + c cycles after its issue; column c's
// readout starts the cycle after PE(0,c)'s strip-0 capture and writes one value per cycle
// (order r, s) to OBUF column c while the next pass runs (T_pass >= R*L_A).
module tp_mmu_unit #(
  parameter int unsigned Rows   = 4,      // R, even
  parameter int unsigned Cols   = 4,      // C, power of two >= 2
  parameter int unsigned WDepth = 16384,  // words per weight bank (power of two)
  parameter int unsigned KMax   = 2048,   // power of two
  parameter int unsigned NMax   = 1024    // R*NMax/C a power of two
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        start_i,    // 1-cycle pulse in cycle t0 of an accepted START
  input  logic [31:0] op_i,       // bit 0: LOADW
  input  logic [31:0] size0_i,    // M
  input  logic [31:0] size1_i,    // K
  input  logic [31:0] size2_i,    // N
  output logic        busy_o,     // t0+1 .. t_done
  output logic        done_o,     // pulse in t_done
  output logic        w_range_o,  // never
  output logic        w_tlast_o,  // pulse: TLAST wrong on a taken A or B beat
  input  logic [63:0] s_axis_a_tdata_i,
  input  logic        s_axis_a_tvalid_i,
  input  logic        s_axis_a_tlast_i,
  output logic        s_axis_a_tready_o,
  input  logic [63:0] s_axis_b_tdata_i,
  input  logic        s_axis_b_tvalid_i,
  input  logic        s_axis_b_tlast_i,
  output logic        s_axis_b_tready_o,
  output logic [63:0] m_axis_r_tdata_o,
  output logic [7:0]  m_axis_r_tkeep_o,
  output logic        m_axis_r_tvalid_o,
  output logic        m_axis_r_tlast_o,
  input  logic        m_axis_r_tready_i
);

  localparam int unsigned La   = 4;  // FADD latency = strips per PE
  localparam int unsigned Lm   = 3;  // FMUL latency
  localparam int unsigned Dmm  = Rows + Cols + Lm + La + Rows * La + 2;
  localparam int unsigned Cl2  = $clog2(Cols);
  localparam int unsigned Wa   = $clog2(WDepth);            // WBUF address bits
  localparam int unsigned Ka   = $clog2(KMax);              // ABUF word bits ({half, k/2})
  localparam int unsigned Oa   = $clog2(Rows * NMax / Cols); // OBUF word bits ({half, addr/2})
  localparam int unsigned CapD = 9;   // issue -> strip capture in PE(0,0)
  localparam int unsigned RecD = CapD + Cols - 1;  // readout record line (tap CapD + c)

  // ------------------------------------------------------------------ command
  logic        busy_q, loadw_q;
  logic [15:0] k_q, n_q, nc_q, kr_q;   // K, N, ceil(N/C), max(K, R)
  logic [7:0]  np_m1_q;                 // passes - 1
  logic [24:0] m_q;

  // ------------------------------------------------------------------ W load (stream B)
  logic        wready_q;
  logic [15:0] wk_q, wn_q;
  logic [23:0] wbase_q;
  logic [15:0] wk1, wn1;
  logic [23:0] wbase1, waddr0, waddr1;
  logic        wlast0, wv1, wlast1, wlast, w_hs;

  always_comb begin
    wlast0 = (wk_q == k_q - 16'd1) && (wn_q == n_q - 16'd1);
    if (wn_q == n_q - 16'd1) begin
      wk1 = wk_q + 16'd1;
      wn1 = 16'd0;
      wbase1 = wbase_q + 24'(nc_q);
    end else begin
      wk1 = wk_q;
      wn1 = wn_q + 16'd1;
      wbase1 = wbase_q;
    end
    wv1    = !wlast0;
    wlast1 = wv1 && (wk1 == k_q - 16'd1) && (wn1 == n_q - 16'd1);
    wlast  = wlast0 || wlast1;
    waddr0 = wbase_q + (24'(wn_q) >> Cl2);
    waddr1 = wbase1 + (24'(wn1) >> Cl2);
  end
  assign s_axis_b_tready_o = busy_q && !wready_q;
  assign w_hs = s_axis_b_tready_o && s_axis_b_tvalid_i;

  // ------------------------------------------------------------------ A load (stream A)
  logic [1:0]  afull_q;
  logic        ahalf_q;
  logic [24:0] arows_left_q;
  logic [15:0] ar_q, ak_q, arows, ar1, ak1;
  logic        alast0, av1, alast1, ablast, a_hs;

  always_comb begin
    arows  = (arows_left_q > 25'(Rows)) ? 16'(Rows) : 16'(arows_left_q);
    alast0 = (ar_q == arows - 16'd1) && (ak_q == k_q - 16'd1);
    if (ak_q == k_q - 16'd1) begin
      ar1 = ar_q + 16'd1;
      ak1 = 16'd0;
    end else begin
      ar1 = ar_q;
      ak1 = ak_q + 16'd1;
    end
    av1    = !alast0;
    alast1 = av1 && (ar1 == arows - 16'd1) && (ak1 == k_q - 16'd1);
    ablast = alast0 || alast1;
  end
  assign s_axis_a_tready_o = busy_q && arows_left_q != 25'd0 && !afull_q[ahalf_q];
  assign a_hs = s_axis_a_tready_o && s_axis_a_tvalid_i;

  assign w_tlast_o = (w_hs && (s_axis_b_tlast_i != wlast)) ||
                     (a_hs && (s_axis_a_tlast_i != (ablast && arows_left_q <= 25'(Rows))));

  // ------------------------------------------------------------------ compute controller
  logic [1:0]  obusy_q, oready_q, dact_q, oready_nx;
  logic [31:0] dcnt_q;   // countdown of half h: [16h +: 16]
  logic        cact_q, chalf_q;
  logic [24:0] crows_left_q;
  logic [15:0] ck_q, cs_q, cp_q, ck, cs, cp, crows;
  logic [23:0] ckbase_q, ckbase;
  logic        c_start, c_iss, c_mac, c_wend, c_passend;

  assign c_start = busy_q && !cact_q && crows_left_q != 25'd0 && afull_q[chalf_q] && wready_q &&
                   !obusy_q[chalf_q];
  assign c_iss   = cact_q || c_start;
  always_comb begin
    if (c_start) begin
      ck = 16'd0;
      cs = 16'd0;
      cp = 16'd0;
      ckbase = 24'd0;
    end else begin
      ck = ck_q;
      cs = cs_q;
      cp = cp_q;
      ckbase = ckbase_q;
    end
    crows     = (crows_left_q > 25'(Rows)) ? 16'(Rows) : 16'(crows_left_q);
    c_mac     = c_iss && ck < k_q;
    c_passend = c_iss && ck == kr_q - 16'd1 && cs == 16'(La - 1);
    c_wend    = c_passend && cp == 16'(np_m1_q);
  end

  for (genvar h = 0; h < 2; h++) begin : g_half
    assign oready_nx[h] = oready_q[h] || (dact_q[h] && dcnt_q[16 * h +: 16] == 16'd1);
  end

  // ------------------------------------------------------------------ store controller
  logic        st_v_q, st_blast_q, st_tlast_q, st_v1_q, st_ohalf_q, st_inblk_q, shalf_q;
  logic [24:0] srows_left_q;
  logic [15:0] sr_q, sn_q, srows, sr1, sn1;
  logic [23:0] srow_q, srow1, saddr0, saddr1;
  logic        slast0, sv1, slast1, sblast, s_hs, s_need, s_rd, s_newblk;
  logic [Cl2:0] ssel0_q, ssel1_q, ssel0, ssel1;   // {column, parity} of each lane

  assign s_hs   = st_v_q && m_axis_r_tready_i;
  assign s_need = !st_v_q || s_hs;
  // read the next beat of the current block, or beat 0 of the next block when its OBUF half
  // is ready in the next cycle
  assign s_newblk = !st_inblk_q && srows_left_q != 25'd0 && oready_nx[shalf_q];
  assign s_rd     = busy_q && s_need && (st_inblk_q || s_newblk);
  always_comb begin
    srows  = (srows_left_q > 25'(Rows)) ? 16'(Rows) : 16'(srows_left_q);
    slast0 = (sr_q == srows - 16'd1) && (sn_q == n_q - 16'd1);
    if (sn_q == n_q - 16'd1) begin
      sr1 = sr_q + 16'd1;
      sn1 = 16'd0;
      srow1 = srow_q + 24'(nc_q);
    end else begin
      sr1 = sr_q;
      sn1 = sn_q + 16'd1;
      srow1 = srow_q;
    end
    sv1    = !slast0;
    slast1 = sv1 && (sr1 == srows - 16'd1) && (sn1 == n_q - 16'd1);
    sblast = slast0 || slast1;
    saddr0 = srow_q + (24'(sn_q) >> Cl2);
    saddr1 = srow1 + (24'(sn1) >> Cl2);
    ssel0  = {sn_q[Cl2-1:0], saddr0[0]};
    ssel1  = {sn1[Cl2-1:0], saddr1[0]};
  end

  // ------------------------------------------------------------------ state
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      busy_q <= 1'b0;
      loadw_q <= 1'b0;
      k_q <= 16'd0;
      n_q <= 16'd0;
      nc_q <= 16'd0;
      kr_q <= 16'd0;
      np_m1_q <= 8'd0;
      m_q <= 25'd0;
      wready_q <= 1'b1;
      wk_q <= 16'd0;
      wn_q <= 16'd0;
      wbase_q <= 24'd0;
      afull_q <= 2'b00;
      ahalf_q <= 1'b0;
      arows_left_q <= 25'd0;
      ar_q <= 16'd0;
      ak_q <= 16'd0;
      obusy_q <= 2'b00;
      oready_q <= 2'b00;
      dact_q <= 2'b00;
      dcnt_q <= 32'd0;
      cact_q <= 1'b0;
      chalf_q <= 1'b0;
      crows_left_q <= 25'd0;
      ck_q <= 16'd0;
      cs_q <= 16'd0;
      cp_q <= 16'd0;
      ckbase_q <= 24'd0;
      st_v_q <= 1'b0;
      st_blast_q <= 1'b0;
      st_tlast_q <= 1'b0;
      st_v1_q <= 1'b0;
      st_ohalf_q <= 1'b0;
      st_inblk_q <= 1'b0;
      shalf_q <= 1'b0;
      srows_left_q <= 25'd0;
      sr_q <= 16'd0;
      sn_q <= 16'd0;
      srow_q <= 24'd0;
      ssel0_q <= '0;
      ssel1_q <= '0;
    end else if (start_i) begin
      busy_q <= 1'b1;
      loadw_q <= op_i[0];
      k_q <= size1_i[15:0];
      n_q <= size2_i[15:0];
      nc_q <= (size2_i[15:0] + 16'(Cols - 1)) >> Cl2;
      kr_q <= (size1_i[15:0] > 16'(Rows)) ? size1_i[15:0] : 16'(Rows);
      np_m1_q <= 8'((size2_i[15:0] - 16'd1) >> (Cl2 + 2));
      m_q <= {1'b0, size0_i[23:0]};
      wready_q <= !op_i[0];
      wk_q <= 16'd0;
      wn_q <= 16'd0;
      wbase_q <= 24'd0;
      afull_q <= 2'b00;
      ahalf_q <= 1'b0;
      arows_left_q <= {1'b0, size0_i[23:0]};
      ar_q <= 16'd0;
      ak_q <= 16'd0;
      obusy_q <= 2'b00;
      oready_q <= 2'b00;
      dact_q <= 2'b00;
      cact_q <= 1'b0;
      chalf_q <= 1'b0;
      crows_left_q <= {1'b0, size0_i[23:0]};
      st_v_q <= 1'b0;
      st_inblk_q <= 1'b0;
      shalf_q <= 1'b0;
      srows_left_q <= {1'b0, size0_i[23:0]};
      sr_q <= 16'd0;
      sn_q <= 16'd0;
      srow_q <= 24'd0;
    end else begin
      // W load
      if (w_hs) begin
        if (wlast) begin
          wready_q <= 1'b1;
        end else if (wn1 == n_q - 16'd1) begin
          wk_q <= wk1 + 16'd1;
          wn_q <= 16'd0;
          wbase_q <= wbase1 + 24'(nc_q);
        end else begin
          wk_q <= wk1;
          wn_q <= wn1 + 16'd1;
          wbase_q <= wbase1;
        end
      end
      // A load
      if (a_hs) begin
        if (ablast) begin
          ahalf_q <= !ahalf_q;
          arows_left_q <= (arows_left_q > 25'(Rows)) ? arows_left_q - 25'(Rows) : 25'd0;
          ar_q <= 16'd0;
          ak_q <= 16'd0;
        end else if (ak1 == k_q - 16'd1) begin
          ar_q <= ar1 + 16'd1;
          ak_q <= 16'd0;
        end else begin
          ar_q <= ar1;
          ak_q <= ak1 + 16'd1;
        end
      end
      // ABUF half full: set at the block's last A beat, freed at the end of its compute window
      for (int h = 0; h < 2; h++) begin
        if (a_hs && ablast && ahalf_q == 1'(h)) afull_q[h] <= 1'b1;
        if (c_wend && chalf_q == 1'(h)) afull_q[h] <= 1'b0;
      end
      // compute
      if (c_iss) begin
        if (c_wend) begin
          cact_q <= 1'b0;
          chalf_q <= !chalf_q;
          crows_left_q <= (crows_left_q > 25'(Rows)) ? crows_left_q - 25'(Rows) : 25'd0;
        end else begin
          cact_q <= 1'b1;
        end
        if (cs == 16'(La - 1)) begin
          cs_q <= 16'd0;
          if (c_passend) begin
            ck_q <= 16'd0;
            ckbase_q <= 24'd0;
            cp_q <= cp + 16'd1;
          end else begin
            ck_q <= ck + 16'd1;
            ckbase_q <= ckbase + 24'(nc_q);
            cp_q <= cp;
          end
        end else begin
          cs_q <= cs + 16'd1;
          ck_q <= ck;
          ckbase_q <= ckbase;
          cp_q <= cp;
        end
      end
      // OBUF halves: busy from cs_b to se_b; readable from ce_b + 1 (D_MM countdown)
      for (int h = 0; h < 2; h++) begin
        if (c_start && chalf_q == 1'(h)) obusy_q[h] <= 1'b1;
        if (c_wend && chalf_q == 1'(h)) begin
          dact_q[h] <= 1'b1;
          dcnt_q[16 * h +: 16] <= 16'(Dmm);
        end else if (dact_q[h]) begin
          dcnt_q[16 * h +: 16] <= dcnt_q[16 * h +: 16] - 16'd1;
          if (dcnt_q[16 * h +: 16] == 16'd1) begin
            dact_q[h] <= 1'b0;
            oready_q[h] <= 1'b1;
          end
        end
        if (s_hs && st_blast_q && st_ohalf_q == 1'(h)) begin
          obusy_q[h] <= 1'b0;
          oready_q[h] <= 1'b0;
        end
      end
      // store
      if (s_rd) begin
        st_v_q     <= 1'b1;
        st_blast_q <= sblast;
        st_tlast_q <= sblast && srows_left_q <= 25'(Rows);
        st_v1_q    <= sv1;
        st_ohalf_q <= shalf_q;
        ssel0_q    <= ssel0;
        ssel1_q    <= ssel1;
        if (sblast) begin
          st_inblk_q <= 1'b0;
          shalf_q <= !shalf_q;
          srows_left_q <= (srows_left_q > 25'(Rows)) ? srows_left_q - 25'(Rows) : 25'd0;
          sr_q <= 16'd0;
          sn_q <= 16'd0;
          srow_q <= 24'd0;
        end else begin
          st_inblk_q <= 1'b1;
          if (sn1 == n_q - 16'd1) begin
            sr_q <= sr1 + 16'd1;
            sn_q <= 16'd0;
            srow_q <= srow1 + 24'(nc_q);
          end else begin
            sr_q <= sr1;
            sn_q <= sn1 + 16'd1;
            srow_q <= srow1;
          end
        end
      end else if (s_hs) begin
        st_v_q <= 1'b0;
      end
      if (s_hs && st_tlast_q) busy_q <= 1'b0;
    end
  end

  assign busy_o    = busy_q;
  assign done_o    = s_hs && st_tlast_q;
  assign w_range_o = 1'b0;

  // ------------------------------------------------------------------ WBUF
  logic [Cols*64-1:0] wb_dout;     // column c, parity p: [64c + 32p +: 32]
  logic [Wa-2:0]      wb_raddr;
  logic               wb_par_q;
  logic [23:0]        wb_rd_full;
  assign wb_rd_full = ckbase + (24'(cp) << 2) + 24'(cs);
  assign wb_raddr   = wb_rd_full[Wa-1:1];

  for (genvar c = 0; c < Cols; c++) begin : g_wbuf
    for (genvar p = 0; p < 2; p++) begin : g_par
      logic          we, u0, u1;
      logic [Wa-2:0] wa;
      logic [31:0]   wd;
      assign u0 = w_hs && wn_q[Cl2-1:0] == Cl2'(c) && waddr0[0] == 1'(p);
      assign u1 = w_hs && wv1 && wn1[Cl2-1:0] == Cl2'(c) && waddr1[0] == 1'(p);
      assign we = u0 || u1;
      assign wa = u0 ? waddr0[Wa-1:1] : waddr1[Wa-1:1];
      assign wd = u0 ? s_axis_b_tdata_i[31:0] : s_axis_b_tdata_i[63:32];
      tp_sdp_ram #(.Width(32), .Depth(WDepth / 2)) u_ram (
        .clk_i (clk_i), .we_i (we), .waddr_i (wa), .wdata_i (wd),
        .re_i (c_iss), .raddr_i (wb_raddr), .rdata_o (wb_dout[64 * c + 32 * p +: 32])
      );
`ifndef SYNTHESIS
      always_ff @(posedge clk_i) begin
        if (rst_ni) assert (!(u0 && u1)) else $error("WBUF: two writes to one RAM");
      end
`endif
    end
  end

  // ------------------------------------------------------------------ ABUF
  logic [Rows*64-1:0] ab_dout;     // row r, parity p: [64r + 32p +: 32]
  logic [Ka-1:0]      ab_raddr;
  logic               ab_par_q;
  assign ab_raddr = {chalf_q, ck[Ka-1:1]};

  for (genvar r = 0; r < Rows; r++) begin : g_abuf
    for (genvar p = 0; p < 2; p++) begin : g_par
      logic          we, u0, u1;
      logic [Ka-1:0] wa;
      logic [31:0]   wd;
      assign u0 = a_hs && ar_q == 16'(r) && ak_q[0] == 1'(p);
      assign u1 = a_hs && av1 && ar1 == 16'(r) && ak1[0] == 1'(p);
      assign we = u0 || u1;
      assign wa = u0 ? {ahalf_q, ak_q[Ka-1:1]} : {ahalf_q, ak1[Ka-1:1]};
      assign wd = u0 ? s_axis_a_tdata_i[31:0] : s_axis_a_tdata_i[63:32];
      tp_sdp_ram #(.Width(32), .Depth(KMax)) u_ram (
        .clk_i (clk_i), .we_i (we), .waddr_i (wa), .wdata_i (wd),
        .re_i (c_iss), .raddr_i (ab_raddr), .rdata_o (ab_dout[64 * r + 32 * p +: 32])
      );
`ifndef SYNTHESIS
      always_ff @(posedge clk_i) begin
        if (rst_ni) assert (!(u0 && u1)) else $error("ABUF: two writes to one RAM");
      end
`endif
    end
  end

  // ------------------------------------------------------------------ array feed (cycle t+1)
  logic [4:0] ctl_d1;   // {valid, first, last, s}
  logic [4:0] ctl_in;
  assign ctl_in = {c_mac, ck == 16'd0, ck == k_q - 16'd1, cs[1:0]};
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      ctl_d1   <= 5'd0;
      wb_par_q <= 1'b0;
      ab_par_q <= 1'b0;
    end else begin
      ctl_d1   <= ctl_in;
      wb_par_q <= wb_rd_full[0];
      ab_par_q <= ck[0];
    end
  end

  // systolic interconnect: a/ctl move right (index r*(Cols+1)+c), w moves down (r*Cols+c)
  logic [Rows*(Cols+1)*32-1:0] a_bus;
  logic [Rows*(Cols+1)*5-1:0]  ctl_bus;
  logic [(Rows+1)*Cols*32-1:0] w_bus;
  logic [Rows*Cols*128-1:0]    caps;
  logic [Cols-1:0]             cap0_top;

  for (genvar r = 0; r < Rows; r++) begin : g_askew
    logic [36:0] a_row, a_sk;
    assign a_row = {ctl_d1, ab_par_q ? ab_dout[64 * r + 32 +: 32] : ab_dout[64 * r +: 32]};
    if (r == 0) begin : g_wire
      assign a_sk = a_row;
    end else begin : g_dly
      tp_pipe #(.Width(37), .Depth(r)) u_skew (
        .clk_i (clk_i), .rst_ni (rst_ni), .en_i (1'b1), .d_i (a_row), .q_o (a_sk)
      );
    end
    assign a_bus[32 * (r * (Cols + 1)) +: 32]  = a_sk[31:0];
    assign ctl_bus[5 * (r * (Cols + 1)) +: 5]  = a_sk[36:32];
  end
  for (genvar c = 0; c < Cols; c++) begin : g_wskew
    logic [31:0] w_col, w_sk;
    assign w_col = wb_par_q ? wb_dout[64 * c + 32 +: 32] : wb_dout[64 * c +: 32];
    if (c == 0) begin : g_wire
      assign w_sk = w_col;
    end else begin : g_dly
      tp_pipe #(.Width(32), .Depth(c)) u_skew (
        .clk_i (clk_i), .rst_ni (rst_ni), .en_i (1'b1), .d_i (w_col), .q_o (w_sk)
      );
    end
    assign w_bus[32 * c +: 32] = w_sk;
  end

  for (genvar r = 0; r < Rows; r++) begin : g_row
    for (genvar c = 0; c < Cols; c++) begin : g_col
      logic cap0;
      tp_mmu_pe u_pe (
        .clk_i  (clk_i),
        .rst_ni (rst_ni),
        .a_i    (a_bus[32 * (r * (Cols + 1) + c) +: 32]),
        .ctl_i  (ctl_bus[5 * (r * (Cols + 1) + c) +: 5]),
        .w_i    (w_bus[32 * (r * Cols + c) +: 32]),
        .a_o    (a_bus[32 * (r * (Cols + 1) + c + 1) +: 32]),
        .ctl_o  (ctl_bus[5 * (r * (Cols + 1) + c + 1) +: 5]),
        .w_o    (w_bus[32 * ((r + 1) * Cols + c) +: 32]),
        .cap_o  (caps[128 * (r * Cols + c) +: 128]),
        .cap0_o (cap0)
      );
      if (r == 0) begin : g_top
        assign cap0_top[c] = cap0;
      end else begin : g_inner
        logic unused_cap0;
        assign unused_cap0 = cap0;
      end
    end
  end

  // ------------------------------------------------------------------ readout records
  // {valid, half, rows of the block, pass p}, emitted at the issue of (k = K-1, s = 0)
  localparam int unsigned RecW = 1 + 1 + 16 + 8;
  logic [RecW-1:0]      rec_in;
  logic [RecW*RecD-1:0] rec_sr;   // stage i (1..RecD) at [RecW*(i-1) +: RecW]
  assign rec_in = {c_mac && ck == k_q - 16'd1 && cs == 16'd0, chalf_q, crows, cp[7:0]};
  always_ff @(posedge clk_i) begin
    if (!rst_ni) rec_sr <= '0;
    else rec_sr <= {rec_sr[RecW*(RecD-1)-1:0], rec_in};
  end

  // ------------------------------------------------------------------ readout -> OBUF
  logic [Cols*64-1:0] ob_dout;    // column c, parity p: [64c + 32p +: 32]
  logic [Oa-1:0]      ob_raddr0, ob_raddr1;
  logic [Cols*2-1:0]  ob_re;
  logic [1:0]         ob_wr_half;  // half written by some column this cycle (assertion)
  logic [Cols-1:0]    ob_wr_any;

  for (genvar c = 0; c < Cols; c++) begin : g_ro
    logic [RecW-1:0] tap;
    logic            act_q, half_q, we_q, wpar_q;
    logic [15:0]     rows_q, r_q, s_q, q, n_col;
    logic [7:0]      p_q;
    logic [23:0]     rowoff_q, addr;
    logic            unused_addr;
    assign unused_addr = ^addr[23:Oa];
    logic [Oa-1:0]   wa_q;
    logic [31:0]     wd_q;
    // the record delayed CapD + c cycles: PE(0,c) captures strip 0 in this cycle, the readout
    // of this column runs in the R*L_A cycles after it
    assign tap = rec_sr[RecW * (CapD + c - 1) +: RecW];
    // this column's R*L_A capture registers, value (r, s) selected by a plain mux
    logic [31:0] cap_sel;
    always_comb begin
      cap_sel = 32'd0;
      for (int r = 0; r < Rows; r++) begin
        for (int s = 0; s < La; s++) begin
          if (r_q[7:0] == 8'(r) && s_q[1:0] == 2'(s)) cap_sel = caps[128 * (r * Cols + c) + 32 * s +: 32];
        end
      end
    end
    assign q     = 16'(p_q) * 16'(La) + s_q;
    assign n_col = (q << Cl2) | 16'(c);
    assign addr  = rowoff_q + 24'(q);
    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        act_q <= 1'b0;
        half_q <= 1'b0;
        rows_q <= 16'd0;
        p_q <= 8'd0;
        r_q <= 16'd0;
        s_q <= 16'd0;
        rowoff_q <= 24'd0;
        we_q <= 1'b0;
        wpar_q <= 1'b0;
        wa_q <= '0;
        wd_q <= 32'd0;
      end else begin
        we_q   <= act_q && r_q < rows_q && n_col < n_q;
        wpar_q <= addr[0];
        wa_q   <= {half_q, addr[Oa-1:1]};
        wd_q   <= cap_sel;
        if (tap[RecW-1]) begin
          act_q    <= 1'b1;
          half_q   <= tap[RecW-2];
          rows_q   <= tap[23:8];
          p_q      <= tap[7:0];
          r_q      <= 16'd0;
          s_q      <= 16'd0;
          rowoff_q <= 24'd0;
        end else if (act_q) begin
          if (s_q == 16'(La - 1)) begin
            s_q <= 16'd0;
            r_q <= r_q + 16'd1;
            rowoff_q <= rowoff_q + 24'(nc_q);
            if (r_q == 16'(Rows - 1)) act_q <= 1'b0;
          end else begin
            s_q <= s_q + 16'd1;
          end
        end
      end
    end
    for (genvar p = 0; p < 2; p++) begin : g_par
      logic [Oa-1:0] ra;
      assign ra = (ssel0[Cl2:1] == Cl2'(c) && ssel0[0] == 1'(p)) ? ob_raddr0 : ob_raddr1;
      tp_sdp_ram #(.Width(32), .Depth(1 << Oa)) u_ram (
        .clk_i (clk_i), .we_i (we_q && wpar_q == 1'(p)), .waddr_i (wa_q), .wdata_i (wd_q),
        .re_i (ob_re[2 * c + p]), .raddr_i (ra), .rdata_o (ob_dout[64 * c + 32 * p +: 32])
      );
    end
    assign ob_wr_any[c] = we_q;
`ifndef SYNTHESIS
    always_ff @(posedge clk_i) begin
      if (rst_ni) begin
        // the readout record arrives exactly when PE(0,c) captures strip 0 of the last k
        assert (tap[RecW-1] == cap0_top[c]) else $error("matmul: readout misaligned, column %0d", c);
        assert (!(tap[RecW-1] && act_q && !(r_q == 16'(Rows - 1) && s_q == 16'(La - 1)))) else $error("matmul: readout overrun, column %0d", c);
        // the datapath's OBUF writes end before the block is readable (ce_b + 1)
        if (we_q) begin
          assert (obusy_q[wa_q[Oa-1]] && !oready_nx[wa_q[Oa-1]]) else $error("matmul: OBUF write after ce_b");
        end
      end
    end
`endif
  end
  assign ob_wr_half = 2'b00;

  // store reads: lanes 0 and 1 hit different RAMs (column or parity differs)
  assign ob_raddr0 = {shalf_q, saddr0[Oa-1:1]};
  assign ob_raddr1 = {shalf_q, saddr1[Oa-1:1]};
  always_comb begin
    for (int i = 0; i < 2 * Cols; i++) begin
      ob_re[i] = s_rd && ((32'(ssel0) == i) || (sv1 && 32'(ssel1) == i));
    end
  end

  logic [31:0] lane0, lane1;
  assign lane0 = ob_dout[32 * ssel0_q +: 32];
  assign lane1 = st_v1_q ? ob_dout[32 * ssel1_q +: 32] : 32'd0;
  assign m_axis_r_tdata_o  = {lane1, lane0};
  assign m_axis_r_tkeep_o  = st_v1_q ? 8'hFF : 8'h0F;
  assign m_axis_r_tvalid_o = st_v_q;
  assign m_axis_r_tlast_o  = st_tlast_q;

  logic unused;
  assign unused = ^{op_i[31:1], size0_i[31:24], size1_i[31:16], size2_i[31:16], m_q, ob_wr_half,
                    ob_wr_any, ctl_bus, a_bus, w_bus, wb_rd_full[23:Wa], loadw_q,
                    waddr0[23:Wa], waddr1[23:Wa], saddr0[23:Oa], saddr1[23:Oa]};

`ifndef SYNTHESIS
  // stream handshake rules: R holds TVALID and its data until TREADY
  logic        r_stall_q;
  logic [72:0] r_prev_q;
  always_ff @(posedge clk_i) begin
    r_stall_q <= rst_ni && m_axis_r_tvalid_o && !m_axis_r_tready_i;
    r_prev_q  <= {m_axis_r_tlast_o, m_axis_r_tkeep_o, m_axis_r_tdata_o};
    if (rst_ni && r_stall_q) begin
      assert (m_axis_r_tvalid_o) else $error("matmul: R TVALID dropped before TREADY");
      assert ({m_axis_r_tlast_o, m_axis_r_tkeep_o, m_axis_r_tdata_o} == r_prev_q)
        else $error("matmul: R data changed while stalled");
    end
  end
`endif

endmodule
