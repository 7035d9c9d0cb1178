// SPDX-License-Identifier: MIT
// tinypynq — the view writer's write buffer (docs/pl-v2.md "v2 step 3", Timing): the walk of the
// view (rtl/vr's tp_vr_step, two elements per cycle), 64 slots of one 128-byte line each (a tag
// in flip-flops for the lookup, its copy and the 32-bit word mask in distributed RAM, busy while
// a flush of the slot has W beats left), TREADY of stream R, the flush decisions, the AW
// channel and completion. One buffer write per cycle: a beat whose two elements lie in two
// 64-bit beats of the buffer merges element 1 in the cycle after its handshake (phase 2, R not
// taken). The order of decisions and their cycles are pl::plan_write's (see tp_view_writer.sv):
// the lookup of beat j in p_j (evictions decided then), the merge in a_j (and a_j + 1), the
// full-line flushes after the last merge, after TLAST the slots holding lines in ring order from
// `next`, one burst per cycle on AW in decision order (a queue holds those decided while AW is
// taken; two may be decided per cycle).
module tp_vw_buf #(
  parameter int unsigned Lines = 64
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             start_i,     // START accepted: a new transfer
  input  logic             accept_i,    // the verdict accepted the descriptor (cycle t_r - 1)
  input  logic             run_i,       // the transfer is running (from t_r)
  input  logic [24:0]      nel_i,       // elements of the view
  input  logic [31:0]      base_i,
  input  logic [31:0]      limit_i,
  input  logic [31:0]      offset_i,
  input  logic [2:0]       rank_i,
  input  logic [32*6-1:0]  shape_i,
  input  logic [32*6-1:0]  mlo_i,
  input  logic [32*6-1:0]  mhi_i,
  input  logic [32*6-1:0]  delta_i,     // tp_vr_step's deltas and index-0 mask flags (tp_vw_check)
  input  logic [5:0]       inm0_i,
  // stream R
  input  logic             tlast_i,
  input  logic             tvalid_i,
  output logic             tready_o,
  // AW
  output logic [31:0]      awaddr_o,
  output logic [7:0]       awlen_o,
  output logic             awvalid_o,
  input  logic             awready_i,
  // the W channel (tp_vw_wchan)
  output logic             aw_hs_o,
  output logic [5:0]       aw_slot_o,
  output logic [3:0]       aw_fb_o,
  output logic [3:0]       aw_lb_o,
  input  logic [63:0]      tdata_i,
  output logic [1:0]       we_o,        // the buffer write of this cycle (per lane)
  output logic [9:0]       wa_o,
  output logic [63:0]      wd_o,
  input  logic [9:0]       rd_addr_i,
  output logic [1:0]       rd_mask_o,
  input  logic             wdone_i,
  input  logic [5:0]       wdone_slot_i,
  // B
  input  logic             bvalid_i,
  input  logic [1:0]       bresp_i,
  // completion: in fin_o's cycle the transfer ends (DONE or ERR fin_code_o from the next)
  output logic             fin_o,
  output logic [3:0]       fin_code_o,
  output logic             aw_load_o    // a burst is decided onto AW (BURSTS counts these)
);

  // ---- the walk: the current beat's elements (registered), the next beat's first index ---------
  logic [24*6-1:0] sh24, ml24, mh24, idx_q, idx1, idx2;
  logic [31:0] off_q, off1, off2;
  logic [5:0]  unused_d, inm_q, inm, inm1, inm2;
  logic        val0, val1;
  always_comb begin
    for (int k = 0; k < 6; k++) begin
      sh24[24*k +: 24] = shape_i[32*k +: 24];
      ml24[24*k +: 24] = mlo_i[32*k +: 24];
      mh24[24*k +: 24] = mhi_i[32*k +: 24];
      unused_d[k] = 3'(k) >= rank_i;
    end
  end
  assign inm = accept_i ? inm0_i : inm_q;   // element 0's mask flags come with the verdict
  tp_vr_step u_step0 (.unused_i(unused_d), .shape_i(sh24), .mlo_i(ml24), .mhi_i(mh24), .inm0_i, .delta_i,
                      .idx_i(idx_q), .off_i(off_q), .inm_i(inm), .valid_o(val0), .idx_o(idx1), .off_o(off1),
                      .inm_o(inm1));
  tp_vr_step u_step1 (.unused_i(unused_d), .shape_i(sh24), .mlo_i(ml24), .mhi_i(mh24), .inm0_i, .delta_i,
                      .idx_i(idx1), .off_i(off1), .inm_i(inm1), .valid_o(val1), .idx_o(idx2), .off_o(off2),
                      .inm_o(inm2));

  logic [23:0] nbeats, beat_q;
  assign nbeats = 24'((nel_i + 25'd1) >> 1);
  logic [24:0] nb;
  logic        nb_in, nb_last;
  logic [31:0] addr0, addr1;
  assign nb      = accept_i ? 25'd0 : {1'b0, beat_q} + 25'd1;
  assign nb_in   = nb < {1'b0, nbeats};
  assign nb_last = nb == {1'b0, nbeats} - 25'd1;
  assign addr0   = base_i + (off_q << 2);
  assign addr1   = base_i + (off1 << 2);

  logic        c_v0, c_v1, c_last;
  logic [24:0] c_line0, c_line1;
  logic [4:0]  c_w0, c_w1;

  // ---- slots ------------------------------------------------------------------------------------------
  // The line index (docs/pl-v2.md step 3, "Write buffer"; pl::plan_write): entry
  // pl::vw::index_of(line) names the slot the last line with that entry was taken into, and a
  // line in the buffer is always in the slot its entry names. So a lookup is two distributed-RAM
  // reads and one tag comparator per element instead of 64 (the fully associative first RTL:
  // 2 x 64 comparators of 25 bits).
  localparam int unsigned IdxN = tp_contract_pkg::VW_INDEX_ENTRIES;   // 512
  localparam int unsigned IdxW = $clog2(IdxN);
  // pl::vw::index_of: the line number XOR-folded, (n ^ n >> IdxW) mod IdxN
  function automatic logic [IdxW-1:0] entry(input logic [2*IdxW-1:0] n);
    entry = n[IdxW-1:0] ^ n[2*IdxW-1:IdxW];
  endfunction
  logic [31:0]         mask_mem [Lines];   // word masks (distributed RAM: one write, four reads)
  logic [24:0]         tag_mem [Lines];    // the tags (distributed RAM: one write, three reads)
  logic [5:0]          idx_mem [IdxN];     // the line index (distributed RAM: one write, two reads)
  logic [Lines-1:0]    tagv_q, busy_q;
  logic [5:0]          next_q;

  // element 0 sees the buffer as it is; element 1 sees it after element 0's take (its entry
  // and slot), as pl::plan_write's sequential walk does
  logic [5:0]      x0, x1r, x1;
  logic [24:0]     t0, t1;
  logic [IdxW-1:0] e0, e1;
  logic            v0, v1, hit0, hit1_n, cf0, cf1, eq_e;
  assign e0   = entry(c_line0[2*IdxW-1:0]);
  assign e1   = entry(c_line1[2*IdxW-1:0]);
  assign x0   = idx_mem[e0];
  assign t0   = tag_mem[x0];
  assign v0   = tagv_q[x0];
  assign hit0 = v0 && t0 == c_line0;
  assign cf0  = v0 && entry(t0[2*IdxW-1:0]) == e0 && !hit0;   // another line of the entry
  assign eq_e = e1 == e0;
  assign x1r  = idx_mem[e1];

  // the lookup of this beat (pl::plan_write's finish_beat at p_j)
  logic       alloc0_n, alloc1_n, evict0_n, evict1_n, take0, take1, skip_n, orphan_n, fwd1, wrote1;
  logic [5:0] s0_n, s1_n, cand1, s1a, next_n;
  always_comb begin
    alloc0_n = c_v0 && !hit0;
    take0    = alloc0_n && cf0;                       // the conflicting slot itself is taken
    s0_n     = (hit0 || take0) ? x0 : next_q;
    evict0_n = alloc0_n && (take0 || tagv_q[next_q]);
    x1       = (alloc0_n && eq_e) ? s0_n : x1r;       // element 0's take wrote its entry
    fwd1     = alloc0_n && x1 == s0_n;                // ... and its slot's tag
    t1       = fwd1 ? c_line0 : tag_mem[x1];
    v1       = fwd1 || tagv_q[x1];
    hit1_n   = v1 && t1 == c_line1;
    cf1      = v1 && entry(t1[2*IdxW-1:0]) == e1 && !hit1_n;
    wrote1   = c_v0 && x1 == s0_n;                    // the conflict is the slot element 0 wrote
    alloc1_n = c_v1 && !hit1_n;
    take1    = alloc1_n && cf1 && !wrote1;
    orphan_n = alloc1_n && cf1 && wrote1;             // element 0's slot: flushed after the merge
    cand1    = (alloc0_n && !take0) ? next_q + 6'd1 : next_q;
    skip_n   = c_v0 && s0_n == cand1;                 // never the slot this beat wrote
    s1a      = skip_n ? cand1 + 6'd1 : cand1;
    s1_n     = (hit1_n || take1) ? x1 : s1a;
    evict1_n = alloc1_n && (take1 || tagv_q[s1a]);
    next_n   = (alloc1_n && !take1) ? s1a + 6'd1 : (alloc0_n && !take0) ? next_q + 6'd1 : next_q;
  end

  logic       dec_q, dq_alloc0, dq_alloc1, dq_orphan, ended_q, ph2_q;
  logic [5:0] dq_s0, dq_s1;
  logic       running, decide, acc_ok, t_hs;
  assign running = run_i && !ended_q && !ph2_q;
  assign decide  = running && tvalid_i && !dec_q;
  assign acc_ok  = dec_q ? ((!dq_alloc0 || !busy_q[dq_s0]) && (!dq_alloc1 || !busy_q[dq_s1]))
                         : ((!alloc0_n || (!evict0_n && !busy_q[s0_n])) &&
                            (!alloc1_n || (!evict1_n && !busy_q[s1_n])));
  assign tready_o = running && acc_ok;
  assign t_hs = tvalid_i && tready_o;

  logic       d_alloc0, d_alloc1;
  logic [5:0] d_s0, d_s1, next_cur;
  assign d_alloc0 = dec_q ? dq_alloc0 : alloc0_n;
  assign d_alloc1 = dec_q ? dq_alloc1 : alloc1_n;
  assign d_s0     = dec_q ? dq_s0 : s0_n;
  assign d_s1     = dec_q ? dq_s1 : s1_n;
  assign next_cur = decide ? next_n : next_q;

  // the merge: one buffer write (op) per cycle — the beat's elements in a_j when they lie in one
  // 64-bit beat of the buffer, else element 0 in a_j and element 1 in a_j + 1 (phase 2)
  logic        split, ph_v0, ph_alloc1, ph_tlast, ph_orphan0;
  logic [5:0]  ph_s0, ph_s1;
  logic [24:0] ph_line0, ph_line1;
  logic [4:0]  ph_w1;
  logic [31:0] ph_data;
  assign split = c_v0 && c_v1 && {c_line0, c_w0[4:1]} != {c_line1, c_w1[4:1]};
  logic        op, op_alloc, m_end, m_tlast;
  logic [5:0]  op_slot;
  logic [24:0] op_line;
  logic [3:0]  op_beat;
  logic [1:0]  op_we;
  logic [63:0] op_data;
  logic [31:0] op_bits, bit0, bit1, ph_bit1;
  assign bit0 = 32'd1 << c_w0;
  assign bit1 = 32'd1 << c_w1;
  assign ph_bit1 = 32'd1 << ph_w1;
  always_comb begin
    op = 1'b0; op_alloc = 1'b0; op_slot = d_s0; op_line = c_line0; op_beat = c_w0[4:1];
    op_we = 2'b00; op_data = tdata_i; op_bits = 32'd0;
    if (ph2_q) begin
      op = 1'b1; op_alloc = ph_alloc1; op_slot = ph_s1; op_line = ph_line1; op_beat = ph_w1[4:1];
      op_we = ph_w1[0] ? 2'b10 : 2'b01; op_data = {ph_data, ph_data}; op_bits = ph_bit1;
    end else if (t_hs && (c_v0 || c_v1)) begin
      op = 1'b1;
      op_alloc = c_v0 ? d_alloc0 : d_alloc1;
      op_slot  = c_v0 ? d_s0 : d_s1;
      op_line  = c_v0 ? c_line0 : c_line1;
      op_beat  = c_v0 ? c_w0[4:1] : c_w1[4:1];
      if (c_v0) begin
        op_we[c_w0[0]] = 1'b1;
        op_data[32*c_w0[0] +: 32] = tdata_i[31:0];
        op_bits = bit0;
      end
      if (c_v1 && !split) begin   // element 1 wins a word both address
        op_we[c_w1[0]] = 1'b1;
        op_data[32*c_w1[0] +: 32] = tdata_i[63:32];
        op_bits = op_bits | bit1;
      end
    end
  end
  assign m_end   = ph2_q || (t_hs && !split);          // the beat's last merge: full lines now
  assign m_tlast = ph2_q ? ph_tlast : tlast_i;

  logic [31:0] mk_op, mk_ph0, am, nm, endm1, need_op, need_ph0;
  logic [24:0] at;
  logic [5:0]  aw_slot_q;
  assign mk_op  = mask_mem[op_slot];
  assign mk_ph0 = mask_mem[ph_s0];
  assign am     = mask_mem[aw_slot_q];
  assign at     = tag_mem[aw_slot_q];
  assign nm     = (op_alloc ? 32'd0 : mk_op) | op_bits;
  assign endm1  = base_i + limit_i - 32'd4;
  // the words of a line inside [BASE, BASE + LIMIT): all but in the buffer's first and last line
  function automatic logic [31:0] need(input logic [24:0] line, input logic [31:0] lo, input logic [31:0] hi);
    logic [4:0] l, h;
    logic unused_lohi;
    unused_lohi = ^{lo[1:0], hi[1:0]};
    l = line == lo[31:7] ? lo[6:2] : 5'd0;
    h = line == hi[31:7] ? hi[6:2] : 5'd31;
    need = (32'hFFFF_FFFF << l) & (32'hFFFF_FFFF >> (5'd31 - h));
  endfunction
  assign need_op  = need(op_line, base_i, endm1);
  assign need_ph0 = need(ph_line0, base_i, endm1);
  // full lines after the beat's last merge, in the order of its elements
  logic       two_slots, full0, full1;
  logic [5:0] fs0, fs1;
  assign two_slots = ph2_q && ph_v0 && ph_s0 != ph_s1;
  assign full0 = m_end && op && (two_slots ? (&(mk_ph0 | ~need_ph0) || ph_orphan0) : &(nm | ~need_op));
  assign full1 = m_end && op && two_slots && &(nm | ~need_op);
  assign fs0   = two_slots ? ph_s0 : op_slot;
  assign fs1   = op_slot;

  // this cycle's flush decisions in order (evictions in p_j, full lines in a_j: never both)
  logic       ev0, ev1;
  logic [1:0] n_dec;
  logic [5:0] dsl0, dsl1;
  assign ev0 = decide && evict0_n;
  assign ev1 = decide && evict1_n;
  always_comb begin
    n_dec = 2'd0; dsl0 = '0; dsl1 = '0;
    if (ev0 || ev1) begin
      n_dec = 2'(ev0) + 2'(ev1);
      dsl0 = ev0 ? s0_n : s1_n;
      dsl1 = s1_n;
    end else if (full0 || full1) begin
      n_dec = 2'(full0) + 2'(full1);
      dsl0 = full0 ? fs0 : fs1;
      dsl1 = fs1;
    end
  end

  // tags after this cycle's merge; the end flush's pick (ring order from `next`)
  logic [Lines-1:0] tagv_a, hi_part, sel_v, lowest;
  logic             ended_now, pick_v;
  logic [5:0]       pick;
  always_comb begin
    tagv_a = tagv_q;
    if (op && op_alloc) tagv_a[op_slot] = 1'b1;
    if (full0) tagv_a[fs0] = 1'b0;
    if (full1) tagv_a[fs1] = 1'b0;
  end
  assign ended_now = ended_q || (m_end && m_tlast);
  assign hi_part = tagv_a & ({Lines{1'b1}} << next_cur);
  assign sel_v   = |hi_part ? hi_part : tagv_a;
  assign lowest  = sel_v & (~sel_v + 1'b1);
  always_comb begin
    pick = 6'd0;
    for (int s = 0; s < Lines; s++) pick = pick | ({6{lowest[s]}} & 6'(s));
  end
  assign pick_v = |tagv_a;

  // the burst queue (decided, not yet on AW): at most one per slot; distributed RAM in two
  // banks (even and odd entries), so the two pushes of a cycle go to different banks
  logic [5:0]  bq_even [Lines/2], bq_odd [Lines/2];
  logic [6:0]  bq_wp_q, bq_rp_q;
  logic        bq_empty, aw_free, from_bq, from_dec, from_pick, load;
  logic [5:0]  bq_head, load_slot;
  logic [1:0]  n_push;
  logic [5:0]  push0, push1;
  assign bq_empty  = bq_wp_q == bq_rp_q;
  assign bq_head   = bq_rp_q[0] ? bq_odd[bq_rp_q[5:1]] : bq_even[bq_rp_q[5:1]];
  assign aw_free   = !awvalid_o || awready_i;
  assign from_bq   = aw_free && !bq_empty;
  assign from_dec  = aw_free && bq_empty && n_dec != 2'd0;
  assign from_pick = aw_free && bq_empty && n_dec == 2'd0 && ended_now && pick_v;
  assign load      = from_bq || from_dec || from_pick;
  assign load_slot = from_bq ? bq_head : from_dec ? dsl0 : pick;
  always_comb begin
    n_push = n_dec; push0 = dsl0; push1 = dsl1;
    if (from_dec) begin
      n_push = n_dec - 2'd1; push0 = dsl1;
    end
  end
  assign aw_load_o = load;

  // AW payload of the registered slot: its line, from its first to its last written beat
  logic        awvalid_q;
  logic [4:0]  fw, lw;
  always_comb begin
    fw = 5'd0; lw = 5'd0;
    for (int w = 31; w >= 0; w--) if (am[w]) fw = 5'(w);
    for (int w = 0; w < 32; w++)  if (am[w]) lw = 5'(w);
  end
  assign awvalid_o = awvalid_q;
  assign aw_fb_o   = fw[4:1];
  assign aw_lb_o   = lw[4:1];
  assign awaddr_o  = {at, fw[4:1], 3'b000};
  assign awlen_o   = {4'd0, lw[4:1] - fw[4:1]};
  assign aw_hs_o   = awvalid_q && awready_i;
  assign aw_slot_o = aw_slot_q;

  // the buffer write, and the mask bits of the W beat being read
  assign we_o = op ? op_we : 2'b00;
  assign wa_o = {op_slot, op_beat};
  assign wd_o = op_data;
  logic [31:0] rd_m;
  assign rd_m = mask_mem[rd_addr_i[9:4]];
  assign rd_mask_o = rd_m[{rd_addr_i[3:0], 1'b0} +: 2];

  // completion
  logic [6:0] cnt_q, cnt_d;           // bursts on AW or later, B not yet answered
  logic [6:0] bq_n_d;
  logic       len_bad_q, bresp_bad_q, len_bad_d, bresp_bad_d;
  assign cnt_d  = cnt_q + 7'(load) - 7'(bvalid_i);
  assign bq_n_d = (bq_wp_q + 7'(n_push)) - (bq_rp_q + 7'(from_bq));
  assign len_bad_d   = len_bad_q || (t_hs && tlast_i && !c_last);
  assign bresp_bad_d = bresp_bad_q || (bvalid_i && bresp_i[1]);
  assign fin_o = run_i && ended_now && (tagv_a & ~(from_pick ? (Lines'(1) << pick) : '0)) == '0 &&
                 bq_n_d == 7'd0 && cnt_d == 7'd0;
  assign fin_code_o = bresp_bad_d ? tp_contract_pkg::VW_ERR_OUT_OF_BOUNDS
                    : len_bad_d   ? tp_contract_pkg::VW_ERR_LENGTH : tp_contract_pkg::VW_ERR_OK;

  logic [5:0] bq_wp1;
  assign bq_wp1 = bq_wp_q[5:0] + 6'd1;
  always_ff @(posedge clk_i) begin   // distributed RAM: no reset (a slot's mask is written when it is taken)
    if (op) mask_mem[op_slot] <= nm;
    if (op && op_alloc) tag_mem[op_slot] <= op_line;
    if (op && op_alloc) idx_mem[entry(op_line[2*IdxW-1:0])] <= op_slot;
    // entry wp takes push0, entry wp + 1 push1
    if (n_push != 2'd0 && !bq_wp_q[0]) bq_even[bq_wp_q[5:1]] <= push0;
    if (n_push != 2'd0 && bq_wp_q[0])  bq_odd[bq_wp_q[5:1]]  <= push0;
    if (n_push == 2'd2 && bq_wp_q[0])  bq_even[bq_wp1[5:1]]  <= push1;
    if (n_push == 2'd2 && !bq_wp_q[0]) bq_odd[bq_wp1[5:1]]   <= push1;
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      idx_q <= '0; off_q <= '0; inm_q <= '0; beat_q <= '0;
      c_v0 <= 1'b0; c_v1 <= 1'b0; c_last <= 1'b0; c_line0 <= '0; c_line1 <= '0; c_w0 <= '0; c_w1 <= '0;
      tagv_q <= '0; busy_q <= '0; next_q <= '0;
      ph2_q <= 1'b0; ph_v0 <= 1'b0; ph_alloc1 <= 1'b0; ph_tlast <= 1'b0; ph_s0 <= '0; ph_s1 <= '0;
      ph_line0 <= '0; ph_line1 <= '0; ph_w1 <= '0; ph_data <= '0;
      dec_q <= 1'b0; dq_alloc0 <= 1'b0; dq_alloc1 <= 1'b0; dq_orphan <= 1'b0; dq_s0 <= '0; dq_s1 <= '0;
      ended_q <= 1'b0; ph_orphan0 <= 1'b0;
      bq_wp_q <= '0; bq_rp_q <= '0; awvalid_q <= 1'b0; aw_slot_q <= '0;
      cnt_q <= '0; len_bad_q <= 1'b0; bresp_bad_q <= 1'b0;
    end else begin
      if (start_i) begin
        idx_q <= '0; off_q <= offset_i;
        tagv_q <= '0; next_q <= '0; dec_q <= 1'b0; ended_q <= 1'b0; ph2_q <= 1'b0;
        bq_wp_q <= '0; bq_rp_q <= '0; cnt_q <= '0; len_bad_q <= 1'b0; bresp_bad_q <= 1'b0;
      end else begin
        // the walk: the next beat's elements when this one is taken (beat 0 at the verdict)
        if (accept_i || t_hs) begin
          beat_q  <= nb_in ? nb[23:0] : nbeats;
          c_v0    <= nb_in && val0;
          c_v1    <= nb_in && !(nb_last && nel_i[0]) && val1;
          c_last  <= nb_last;
          c_line0 <= addr0[31:7]; c_w0 <= addr0[6:2];
          c_line1 <= addr1[31:7]; c_w1 <= addr1[6:2];
          if (nb_in) begin
            idx_q <= idx2; off_q <= off2; inm_q <= inm2;
          end
        end
        if (decide) next_q <= next_n;
        if (decide && !t_hs) begin
          dec_q <= 1'b1; dq_alloc0 <= alloc0_n; dq_alloc1 <= alloc1_n; dq_orphan <= orphan_n;
          dq_s0 <= s0_n; dq_s1 <= s1_n;
        end
        if (t_hs) dec_q <= 1'b0;
        ph2_q <= t_hs && split;
        if (t_hs) begin   // element 1 of a split beat, for phase 2
          ph_v0 <= c_v0; ph_alloc1 <= d_alloc1; ph_tlast <= tlast_i; ph_s0 <= d_s0; ph_s1 <= d_s1;
          ph_orphan0 <= dec_q ? dq_orphan : orphan_n;
          ph_line0 <= c_line0; ph_line1 <= c_line1; ph_w1 <= c_w1; ph_data <= tdata_i[63:32];
        end
        if (m_end && m_tlast) ended_q <= 1'b1;
        tagv_q <= tagv_a;
        if (from_pick) tagv_q[pick] <= 1'b0;
        for (int s = 0; s < Lines; s++) begin   // per-slot decoded writes
          if ((n_dec != 2'd0 && dsl0 == 6'(s)) || (n_dec == 2'd2 && dsl1 == 6'(s)) || (from_pick && pick == 6'(s)))
            busy_q[s] <= 1'b1;
          else if (wdone_i && wdone_slot_i == 6'(s))
            busy_q[s] <= 1'b0;
        end
        bq_wp_q <= bq_wp_q + 7'(n_push);
        if (from_bq) bq_rp_q <= bq_rp_q + 7'd1;
        cnt_q <= cnt_d;
        len_bad_q <= len_bad_d;
        bresp_bad_q <= bresp_bad_d;
      end
      if (load) begin
        awvalid_q <= 1'b1;
        aw_slot_q <= load_slot;
      end else if (awready_i) begin
        awvalid_q <= 1'b0;
      end
    end
  end

  logic unused_bits;
  assign unused_bits = ^{bresp_i[0], addr0[1:0], addr1[1:0], fw[0], lw[0], bq_wp1[0]};

`ifndef SYNTHESIS
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      // the index invariant: a line in the buffer is in the slot its entry names (and one slot)
      for (int s = 0; s < Lines; s++)
        assert (!(decide && c_v0 && tagv_q[s] && tag_mem[s] == c_line0 && !(hit0 && x0 == 6'(s))))
          else $error("view writer: line %h in slot %0d, its index entry names %0d", c_line0, s, x0);
      assert (!awvalid_o || am != 32'd0) else $error("view writer: a burst with no word written");
      assert (!(t_hs && c_v0 && c_v1 && d_alloc1 && d_s1 == d_s0)) else $error("view writer: one slot taken twice");
      assert (!(t_hs && !split && c_v0 && c_v1 && d_s1 != d_s0)) else $error("view writer: one beat of two slots");
      assert (bq_n_d <= 7'(Lines)) else $error("view writer: burst queue overflow");
    end
  end
`endif

endmodule
