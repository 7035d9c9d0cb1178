# Builds the tinypynq PL for the PYNQ-Z2 (project mode, block design) and writes
# <out>/tinypynq.bit and <out>/tinypynq.hwh.
#   vivado -mode batch -source hw/vivado/build_bitstream.tcl -tclargs <out_dir> [jobs] [pl_version] [training]
# pl_version 1 (the default): the v1 PL below. 2: the v2 PL with its command queue
# (rtl/top/tinypynq_pl_top_v2_cq.sv, docs/pl-v2.md): no AXI DMA; GP0 -> interconnect -> the PL's
# one AXI4-Lite slave (PL_TOP, VR, VW and CQ windows); the PL masters S_AXI_HP0 (VR0 reads, VW
# writes), HP1 (VR1), HP2 (VR2, when built), HP3 (the queue's slots and records); the PL's
# IRQ_F2P[15:0] ORed into IRQ_F2P[0]. "training" (v2 only): the parameters of
# base/pynq_z2_v2_training.json (SFU DIV/RECIP + SQRT, no VR2, no reduce unit), the build that fits.
# Checked without Vivado: tests/board/test_vivado_tcl.cpp runs this under tclsh with the stub
# commands of hw/vivado/stub_vivado.tcl and compares the recorded design with the PL contract
# (addresses, ranges, port widths, IP properties). Not run with Vivado here: see docs/board.md.
#
# The design (docs/hw-spec.md §2): processing_system7 with the PYNQ-Z2 board preset; M_AXI_GP0
# -> AXI interconnect -> the three AXI DMAs' register ports and the PL's AXI4-Lite slaves; DMA0
# (MM2S stream A, S2MM stream R) on S_AXI_HP0, DMA1 (MM2S stream B) on HP1, DMA2 (MM2S stream C)
# on HP2, all 64-bit; FCLK0 clocks everything; every interrupt source is ORed into IRQ_F2P[0],
# the one line PYNQ images expose as a UIO device (fabric@40000000; runtime/board/board_driver.h).

set tp_script_dir [file dirname [file normalize [info script]]]
set tp_root [file normalize [file join $tp_script_dir .. ..]]
set tp_out [expr {[llength $argv] > 0 ? [file normalize [lindex $argv 0]] : [file join [pwd] tinypynq_pl]}]
set tp_jobs [expr {[llength $argv] > 1 ? [lindex $argv 1] : 2}]
set tp_pl_version [expr {[llength $argv] > 2 ? [lindex $argv 2] : 1}]
set tp_training [expr {[llength $argv] > 3 && [lindex $argv 3] eq "training"}]
if {$tp_pl_version ni {1 2}} { error "tinypynq: pl_version must be 1 or 2, got '$tp_pl_version'" }
if {$tp_training && $tp_pl_version != 2} { error "tinypynq: 'training' is a pl_version 2 build" }

# ---- the PL contract (hw/pl_contract.json; tensor/pynq/regmap.h, models/config/pynq_z2.json)
set tp_part       xc7z020clg400-1
set tp_board_part tul.com.tw:pynq-z2:part0:1.0
set tp_fclk0_mhz  100
set tp_hp_width   64
set tp_dma_width  64
set tp_dma_burst  16
set tp_dma_lenw   26
set tp_ddr_range  512M
set tp_pl_top_base 0x40030000  ;# PL_TOP_BASE: the PL tops decode offsets from here
# name    base        range  (a power of two, the base a multiple of it: Xilinx AR 66717; the
# interconnect passes the address unchanged and a slave keeps the bits below its range). The PL
# top's windows SYS, VEC, RED, MMU (0x40030000 + 256K, PL_TOP) fit no such segment, so the v1
# wrapper has three slaves; its *_TOP_OFF parameters are each segment's base - PL_TOP_BASE.
set tp_windows {
  dma0    0x40000000  64K
  dma1    0x40010000  64K
  dma2    0x40020000  64K
  sys     0x40030000  64K
  vecred  0x40040000  128K
  mmu     0x40060000  64K
}
# SFU_DPS: the SFU datapaths (bit i = sfu_datapaths[i]; 63 = all, 3 = the training build DIV/RECIP + SQRT);
# WITH_RED: the reduce unit (board config reduce_unit)
array set tp_pl_params {MM_ROWS 4 MM_COLS 4 MM_WDEPTH 16384 MM_KMAX 2048 MM_NMAX 1024 FCLK_HZ 100000000 SFU_DPS 63 WITH_RED 1}
# pl_version 2: one PL segment over PL_TOP, VR, VW and CQ (the PL decodes them itself:
# tinypynq_pl_top_v2_cq's 19 address bits). A segment's range is a power of two and its base a
# multiple of it (AR 66717: the interconnect decodes base/mask and passes the address unchanged,
# the slave keeps the bits below the range), so it starts at 0x40000000, below PL_TOP (v2 has no
# DMA windows); GP0_TOP_OFF tells the wrapper where PL_TOP lies in it. STREAM_C: VR2 (vr_stream_c)
set tp_v2_pl_window {pl 0x40000000 512K}
if {$tp_pl_version == 2} {
  set tp_pl_params(STREAM_C) 1
  set tp_pl_params(GP0_TOP_OFF) [expr {$tp_pl_top_base - [lindex $tp_v2_pl_window 1]}]
  if {$tp_training} { array set tp_pl_params {SFU_DPS 3 WITH_RED 0 STREAM_C 0} }
}

# ---- project and sources
file mkdir $tp_out
create_project -force tinypynq [file join $tp_out proj] -part $tp_part
set_property board_part $tp_board_part [current_project]
set tp_rtl {}
set tp_rtl_dirs [expr {$tp_pl_version == 2 ? {common vector reduce matmul vr vw cq top} : {common vector reduce matmul top}}]
foreach d $tp_rtl_dirs {
  foreach f [lsort [glob -nocomplain [file join $tp_root rtl $d *.sv]]] { lappend tp_rtl $f }
}
add_files -norecurse $tp_rtl
set_property file_type SystemVerilog [get_files *.sv]
set tp_wrapper [expr {$tp_pl_version == 2 ? "tinypynq_pl_wrapper_v2" : "tinypynq_pl_wrapper"}]
add_files -norecurse [file join $tp_script_dir $tp_wrapper.v]
set_property verilog_define {TP_WITH_VEC} [current_fileset]
update_compile_order -fileset sources_1

# ---- block design
create_bd_design tinypynq
set ps [create_bd_cell -type ip -vlnv xilinx.com:ip:processing_system7:5.5 ps7]
apply_bd_automation -rule xilinx.com:bd_rule:processing_system7 \
  -config {make_external "FIXED_IO, DDR" apply_board_preset "1" Master "Disable" Slave "Disable"} $ps
set_property -dict [list \
  CONFIG.PCW_USE_M_AXI_GP0 {1} \
  CONFIG.PCW_USE_S_AXI_HP0 {1} CONFIG.PCW_S_AXI_HP0_DATA_WIDTH $tp_hp_width \
  CONFIG.PCW_USE_S_AXI_HP1 {1} CONFIG.PCW_S_AXI_HP1_DATA_WIDTH $tp_hp_width \
  CONFIG.PCW_USE_S_AXI_HP2 {1} CONFIG.PCW_S_AXI_HP2_DATA_WIDTH $tp_hp_width \
  CONFIG.PCW_EN_CLK0_PORT {1} CONFIG.PCW_FPGA0_PERIPHERAL_FREQMHZ $tp_fclk0_mhz \
  CONFIG.PCW_EN_RST0_PORT {1} \
  CONFIG.PCW_USE_FABRIC_INTERRUPT {1} CONFIG.PCW_IRQ_F2P_INTR {1} \
] $ps

set rst [create_bd_cell -type ip -vlnv xilinx.com:ip:proc_sys_reset:5.0 rst_fclk0]

if {$tp_pl_version == 2} {
  # the v2 block design (no DMA; the PL masters the HP ports): hw/vivado/build_bitstream_v2.tcl
  source [file join $tp_script_dir build_bitstream_v2.tcl]
} else {
  # AXI DMAs (PG021) in simple (register direct) mode; only DMA0 has S2MM (stream R).
  foreach {name s2mm} {dma0 1 dma1 0 dma2 0} {
    set c [create_bd_cell -type ip -vlnv xilinx.com:ip:axi_dma:7.1 $name]
    set_property -dict [list \
      CONFIG.c_include_sg {0} CONFIG.c_sg_length_width $tp_dma_lenw CONFIG.c_addr_width {32} \
      CONFIG.c_include_mm2s {1} CONFIG.c_m_axi_mm2s_data_width $tp_dma_width \
      CONFIG.c_m_axis_mm2s_tdata_width $tp_dma_width CONFIG.c_mm2s_burst_size $tp_dma_burst \
      CONFIG.c_include_s2mm $s2mm CONFIG.c_m_axi_s2mm_data_width $tp_dma_width \
      CONFIG.c_s_axis_s2mm_tdata_width $tp_dma_width CONFIG.c_s2mm_burst_size $tp_dma_burst \
    ] $c
  }

  # The PL top (SystemVerilog) through its Verilog wrapper, with the contract's unit sizes.
  set pl [create_bd_cell -type module -reference tinypynq_pl_wrapper pl]
  foreach {name base range} $tp_windows {
    if {$name in {sys vecred mmu}} {
      set tp_pl_params([string toupper $name]_TOP_OFF) [expr {$base - $tp_pl_top_base}]
    }
  }
  set tp_pl_dict {}
  foreach k [lsort [array names tp_pl_params]] { lappend tp_pl_dict CONFIG.$k $tp_pl_params($k) }
  set_property -dict $tp_pl_dict $pl

  # GP0 -> register ports
  set gp [create_bd_cell -type ip -vlnv xilinx.com:ip:axi_interconnect:2.1 gp0_ic]
  set_property -dict [list CONFIG.NUM_SI {1} CONFIG.NUM_MI {6}] $gp
  connect_bd_intf_net [get_bd_intf_pins ps7/M_AXI_GP0] [get_bd_intf_pins gp0_ic/S00_AXI]
  connect_bd_intf_net [get_bd_intf_pins gp0_ic/M00_AXI] [get_bd_intf_pins dma0/S_AXI_LITE]
  connect_bd_intf_net [get_bd_intf_pins gp0_ic/M01_AXI] [get_bd_intf_pins dma1/S_AXI_LITE]
  connect_bd_intf_net [get_bd_intf_pins gp0_ic/M02_AXI] [get_bd_intf_pins dma2/S_AXI_LITE]
  connect_bd_intf_net [get_bd_intf_pins gp0_ic/M03_AXI] [get_bd_intf_pins pl/s_axi_sys]
  connect_bd_intf_net [get_bd_intf_pins gp0_ic/M04_AXI] [get_bd_intf_pins pl/s_axi_vecred]
  connect_bd_intf_net [get_bd_intf_pins gp0_ic/M05_AXI] [get_bd_intf_pins pl/s_axi_mmu]

  # DMA masters -> HP ports (DMA0's two masters share HP0 through an interconnect)
  set hp0 [create_bd_cell -type ip -vlnv xilinx.com:ip:axi_interconnect:2.1 hp0_ic]
  set_property -dict [list CONFIG.NUM_SI {2} CONFIG.NUM_MI {1}] $hp0
  connect_bd_intf_net [get_bd_intf_pins dma0/M_AXI_MM2S] [get_bd_intf_pins hp0_ic/S00_AXI]
  connect_bd_intf_net [get_bd_intf_pins dma0/M_AXI_S2MM] [get_bd_intf_pins hp0_ic/S01_AXI]
  connect_bd_intf_net [get_bd_intf_pins hp0_ic/M00_AXI] [get_bd_intf_pins ps7/S_AXI_HP0]
  connect_bd_intf_net [get_bd_intf_pins dma1/M_AXI_MM2S] [get_bd_intf_pins ps7/S_AXI_HP1]
  connect_bd_intf_net [get_bd_intf_pins dma2/M_AXI_MM2S] [get_bd_intf_pins ps7/S_AXI_HP2]

  # Streams (hw-spec §3): A, B, C into the PL, R back to DDR
  connect_bd_intf_net [get_bd_intf_pins dma0/M_AXIS_MM2S] [get_bd_intf_pins pl/s_axis_a]
  connect_bd_intf_net [get_bd_intf_pins dma1/M_AXIS_MM2S] [get_bd_intf_pins pl/s_axis_b]
  connect_bd_intf_net [get_bd_intf_pins dma2/M_AXIS_MM2S] [get_bd_intf_pins pl/s_axis_c]
  connect_bd_intf_net [get_bd_intf_pins pl/m_axis_r] [get_bd_intf_pins dma0/S_AXIS_S2MM]

  # FCLK0 and its reset everywhere
  set clk_pins {
    ps7/M_AXI_GP0_ACLK ps7/S_AXI_HP0_ACLK ps7/S_AXI_HP1_ACLK ps7/S_AXI_HP2_ACLK rst_fclk0/slowest_sync_clk
    dma0/s_axi_lite_aclk dma0/m_axi_mm2s_aclk dma0/m_axi_s2mm_aclk dma1/s_axi_lite_aclk dma1/m_axi_mm2s_aclk
    dma2/s_axi_lite_aclk dma2/m_axi_mm2s_aclk pl/aclk
    gp0_ic/ACLK gp0_ic/S00_ACLK gp0_ic/M00_ACLK gp0_ic/M01_ACLK gp0_ic/M02_ACLK gp0_ic/M03_ACLK
    gp0_ic/M04_ACLK gp0_ic/M05_ACLK
    hp0_ic/ACLK hp0_ic/S00_ACLK hp0_ic/S01_ACLK hp0_ic/M00_ACLK
  }
  connect_bd_net [get_bd_pins ps7/FCLK_CLK0] {*}[lmap p $clk_pins {get_bd_pins $p}]
  connect_bd_net [get_bd_pins ps7/FCLK_RESET0_N] [get_bd_pins rst_fclk0/ext_reset_in]
  connect_bd_net [get_bd_pins rst_fclk0/interconnect_aresetn] [get_bd_pins gp0_ic/ARESETN] [get_bd_pins hp0_ic/ARESETN]
  set rst_pins {
    dma0/axi_resetn dma1/axi_resetn dma2/axi_resetn pl/aresetn
    gp0_ic/S00_ARESETN gp0_ic/M00_ARESETN gp0_ic/M01_ARESETN gp0_ic/M02_ARESETN gp0_ic/M03_ARESETN
    gp0_ic/M04_ARESETN gp0_ic/M05_ARESETN
    hp0_ic/S00_ARESETN hp0_ic/S01_ARESETN hp0_ic/M00_ARESETN
  }
  connect_bd_net [get_bd_pins rst_fclk0/peripheral_aresetn] {*}[lmap p $rst_pins {get_bd_pins $p}]

  # Interrupts: the seven sources of hw-spec §2.5, in its line order, ORed into IRQ_F2P[0].
  set irq_src {dma0/mm2s_introut dma0/s2mm_introut dma1/mm2s_introut dma2/mm2s_introut pl/irq_vec pl/irq_red pl/irq_mmu}
  set cat [create_bd_cell -type ip -vlnv xilinx.com:ip:xlconcat:2.1 irq_concat]
  set_property -dict [list CONFIG.NUM_PORTS [llength $irq_src]] $cat
  set i 0
  foreach s $irq_src {
    connect_bd_net [get_bd_pins $s] [get_bd_pins irq_concat/In$i]
    incr i
  }
  set or [create_bd_cell -type ip -vlnv xilinx.com:ip:util_reduced_logic:2.0 irq_or]
  set_property -dict [list CONFIG.C_OPERATION {or} CONFIG.C_SIZE [llength $irq_src]] $or
  connect_bd_net [get_bd_pins irq_concat/dout] [get_bd_pins irq_or/Op1]
  connect_bd_net [get_bd_pins irq_or/Res] [get_bd_pins ps7/IRQ_F2P]

  # ---- addresses of the contract
  set seg_of {dma0 dma0/S_AXI_LITE/Reg dma1 dma1/S_AXI_LITE/Reg dma2 dma2/S_AXI_LITE/Reg
              sys pl/s_axi_sys/reg0 vecred pl/s_axi_vecred/reg0 mmu pl/s_axi_mmu/reg0}
  array set seg $seg_of
  foreach {name base range} $tp_windows {
    assign_bd_address -target_address_space [get_bd_addr_spaces ps7/Data] -offset $base -range $range \
      [get_bd_addr_segs $seg($name)]
  }
  foreach {space hp} {dma0/Data_MM2S HP0 dma0/Data_S2MM HP0 dma1/Data_MM2S HP1 dma2/Data_MM2S HP2} {
    assign_bd_address -target_address_space [get_bd_addr_spaces $space] -offset 0x00000000 -range $tp_ddr_range \
      [get_bd_addr_segs ps7/S_AXI_$hp/${hp}_DDR_LOWOCM]
  }
}

validate_bd_design
save_bd_design

# ---- synthesis, implementation, bitstream; the .hwh PYNQ reads comes from the block design
set bd [get_files tinypynq.bd]
generate_target all $bd
set wrapper [make_wrapper -files $bd -top]
add_files -norecurse $wrapper
set_property top tinypynq_wrapper [current_fileset]
update_compile_order -fileset sources_1
launch_runs impl_1 -to_step write_bitstream -jobs $tp_jobs
wait_on_run impl_1
if {[get_property PROGRESS [get_runs impl_1]] ne "100%"} {
  error "tinypynq: implementation did not finish: see [file join $tp_out proj tinypynq.runs impl_1 runme.log]"
}
set tp_bit [lindex [glob -nocomplain [file join $tp_out proj tinypynq.runs impl_1 *.bit]] 0]
set tp_hwh [lindex [glob -nocomplain [file join $tp_out proj tinypynq.gen sources_1 bd tinypynq hw_handoff tinypynq.hwh] \
                                     [file join $tp_out proj tinypynq.srcs sources_1 bd tinypynq hw_handoff tinypynq.hwh]] 0]
if {$tp_bit eq "" || $tp_hwh eq ""} { error "tinypynq: no bitstream or .hwh under [file join $tp_out proj]" }
file copy -force $tp_bit [file join $tp_out tinypynq.bit]
file copy -force $tp_hwh [file join $tp_out tinypynq.hwh]
puts "tinypynq: wrote [file join $tp_out tinypynq.bit] and [file join $tp_out tinypynq.hwh]"
