# The pl_version 2 block design, sourced by build_bitstream.tcl (pl_version 2) after the PS7
# (cell ps7, $ps) and the reset block (rst_fclk0) exist; build_bitstream.tcl then validates,
# assigns nothing more and builds. The design (docs/pl-v2.md "The command queue in the PL top"):
#   M_AXI_GP0 -> gp0_ic (AXI3 -> AXI4-Lite, 1 -> 1) -> pl/s_axi: PL_TOP, VR, VW and CQ, decoded by the PL
#   pl/m_axi_hp0 -> S_AXI_HP0 (VR0 reads, VW writes)   pl/m_axi_hp1 -> S_AXI_HP1 (VR1)
#   pl/m_axi_hp2 -> S_AXI_HP2 (VR2; only when STREAM_C) pl/m_axi_hp3 -> S_AXI_HP3 (CQ slots, records)
#   pl/irq_f2p[15:0] (the contract's lines: VEC, RED, MMU, VW, CQ) ORed into IRQ_F2P[0]
# The PL's masters issue INCR bursts of at most 16 beats of 64 bits (AXI3-sized, the HP ports'
# limit), so they connect to the AXI3 HP ports directly.

set tp_hp_ports [expr {$tp_pl_params(STREAM_C) ? {0 1 2 3} : {0 1 3}}]
set tp_ps_hp {}
foreach i {0 1 2 3} {
  set on [expr {$i in $tp_hp_ports}]
  lappend tp_ps_hp CONFIG.PCW_USE_S_AXI_HP$i $on
  if {$on} { lappend tp_ps_hp CONFIG.PCW_S_AXI_HP${i}_DATA_WIDTH $tp_hp_width }
}
set_property -dict $tp_ps_hp $ps

# The PL top (SystemVerilog) through its Verilog wrapper, with the board config's parameters.
set pl [create_bd_cell -type module -reference tinypynq_pl_wrapper_v2 pl]
set tp_pl_dict {}
foreach k [lsort [array names tp_pl_params]] { lappend tp_pl_dict CONFIG.$k $tp_pl_params($k) }
set_property -dict $tp_pl_dict $pl

# GP0 -> the PL's register slave (the interconnect converts AXI3 to AXI4-Lite)
set gp [create_bd_cell -type ip -vlnv xilinx.com:ip:axi_interconnect:2.1 gp0_ic]
set_property -dict [list CONFIG.NUM_SI {1} CONFIG.NUM_MI {1}] $gp
connect_bd_intf_net [get_bd_intf_pins ps7/M_AXI_GP0] [get_bd_intf_pins gp0_ic/S00_AXI]
connect_bd_intf_net [get_bd_intf_pins gp0_ic/M00_AXI] [get_bd_intf_pins pl/s_axi]

# The PL's masters -> HP ports
foreach i $tp_hp_ports {
  connect_bd_intf_net [get_bd_intf_pins pl/m_axi_hp$i] [get_bd_intf_pins ps7/S_AXI_HP$i]
}

# FCLK0 and its reset everywhere
set clk_pins {ps7/M_AXI_GP0_ACLK rst_fclk0/slowest_sync_clk pl/aclk gp0_ic/ACLK gp0_ic/S00_ACLK gp0_ic/M00_ACLK}
foreach i $tp_hp_ports { lappend clk_pins ps7/S_AXI_HP${i}_ACLK }
connect_bd_net [get_bd_pins ps7/FCLK_CLK0] {*}[lmap p $clk_pins {get_bd_pins $p}]
connect_bd_net [get_bd_pins ps7/FCLK_RESET0_N] [get_bd_pins rst_fclk0/ext_reset_in]
connect_bd_net [get_bd_pins rst_fclk0/interconnect_aresetn] [get_bd_pins gp0_ic/ARESETN]
set rst_pins {pl/aresetn gp0_ic/S00_ARESETN gp0_ic/M00_ARESETN}
connect_bd_net [get_bd_pins rst_fclk0/peripheral_aresetn] {*}[lmap p $rst_pins {get_bd_pins $p}]

# Interrupts: the PL's IRQ_F2P[15:0] (lines of hw/pl_contract.json irqs) ORed into IRQ_F2P[0],
# the one line a PYNQ image exposes as a UIO device, as for v1.
set or [create_bd_cell -type ip -vlnv xilinx.com:ip:util_reduced_logic:2.0 irq_or]
set_property -dict [list CONFIG.C_OPERATION {or} CONFIG.C_SIZE 16] $or
connect_bd_net [get_bd_pins pl/irq_f2p] [get_bd_pins irq_or/Op1]
connect_bd_net [get_bd_pins irq_or/Res] [get_bd_pins ps7/IRQ_F2P]

# ---- addresses of the contract: the PL's window for the PS, DDR from 0 for each PL master
foreach {name base range} $tp_v2_pl_window {
  assign_bd_address -target_address_space [get_bd_addr_spaces ps7/Data] -offset $base -range $range \
    [get_bd_addr_segs pl/s_axi/reg0]
}
foreach i $tp_hp_ports {
  assign_bd_address -target_address_space [get_bd_addr_spaces pl/m_axi_hp$i] -offset 0x00000000 \
    -range $tp_ddr_range [get_bd_addr_segs ps7/S_AXI_HP$i/HP${i}_DDR_LOWOCM]
}
