# Dry run of a Vivado block-design script under plain tclsh: the Vivado commands the script uses
# are stubs that record the design (cells and their properties, interface and signal nets,
# address assignments, runs) and write it as JSON. Nothing is synthesised.
#   tclsh hw/vivado/stub_vivado.tcl <record.json> hw/vivado/build_bitstream.tcl <out_dir>
# The stubs check what they can without Vivado: a pin of a cell that was never created, a
# property or pin of the module-reference cell that its Verilog does not have, an address
# segment of an unknown cell, a second assignment of one segment, and the address editor's rules
# (a range that is not a power of two, a base that is not a multiple of its range: Xilinx AR
# 66717; two segments overlapping in one address space; a module-reference slave whose segment is
# not 2^ADDR_WIDTH of its interface, so that it would see address bits of the base): each is an error.
# tests/board/test_vivado_tcl.cpp compares the record with the PL contract.

if {[llength $argv] < 2} { puts stderr "usage: tclsh stub_vivado.tcl record.json script.tcl ?args?"; exit 2 }
set stub_record [lindex $argv 0]
set stub_script [lindex $argv 1]
set argv [lrange $argv 2 end]
set argc [llength $argv]

set R(project) {}
set R(files) {}
set R(defines) {}
set R(cells) {}       ;# name -> dict kind vlnv props
set R(intf_nets) {}
set R(nets) {}
set R(addresses) {}
set R(runs) {}
set R(top) {}
set R(bd) {}
array set module_ports {}   ;# module -> {ports intfs params}

proc stub_fail {msg} { error "stub_vivado: $msg" }

# Ports, X_INTERFACE bus names and parameters of the Verilog modules added with add_files.
proc stub_scan_verilog {path} {
  set f [open $path]; set text [read $f]; close $f
  foreach {all mod} [regexp -all -inline {module\s+(\w+)} $text] {
    set ports {}; set intfs {}; set params {}
    foreach {m dir name} [regexp -all -inline {(input|output)\s+wire\s+(?:\[[^\]]*\]\s*)?(\w+)} $text] { lappend ports $name }
    foreach {m bus} [regexp -all -inline {X_INTERFACE_INFO = "xilinx.com:interface:\w+:[\d.]+ (\w+) } $text] {
      if {$bus ni $intfs} { lappend intfs $bus }
    }
    foreach {m p} [regexp -all -inline {parameter\s+(\w+)\s*=} $text] { lappend params $p }
    set re {X_INTERFACE_PARAMETER = "[^"]*ADDR_WIDTH (\d+)[^"]*" \*\)\s*\(\* X_INTERFACE_INFO = "xilinx.com:interface:aximm:[\d.]+ (\w+) AWADDR"}
    foreach {m w bus} [regexp -all -inline $re $text] { set ::module_addrw($mod,$bus) $w }
    set ::module_ports($mod) [list $ports $intfs $params]
  }
}

proc create_project {args} {
  set part ""
  for {set i 0} {$i < [llength $args]} {incr i} {
    if {[lindex $args $i] eq "-part"} { set part [lindex $args [incr i]] }
  }
  dict set ::R(project) part $part
  return tinypynq
}
proc current_project {} { return project }
proc current_fileset {} { return sources_1 }
proc get_files {pattern} { return [list file:$pattern] }
proc add_files {args} {
  foreach a $args {
    if {[string match -* $a]} continue
    foreach f $a {
      if {[string match *.bd $f] || [string match */tinypynq_wrapper.v $f]} { lappend ::R(files) $f; continue }
      if {![file exists $f]} { stub_fail "add_files: $f does not exist" }
      lappend ::R(files) $f
      if {[string match *.v $f]} { stub_scan_verilog $f }
    }
  }
}
proc update_compile_order {args} {}
proc create_bd_design {name} { set ::R(bd) $name }
proc validate_bd_design {args} {}
proc save_bd_design {args} {}
proc generate_target {args} {}
proc apply_bd_automation {args} {
  set cfg ""
  for {set i 0} {$i < [llength $args]} {incr i} {
    if {[lindex $args $i] eq "-config"} { set cfg [lindex $args [incr i]] }
  }
  dict set ::R(project) automation $cfg
}

proc create_bd_cell {args} {
  set type ""; set vlnv ""; set ref ""; set name [lindex $args end]
  for {set i 0} {$i < [llength $args] - 1} {incr i} {
    switch -- [lindex $args $i] {
      -type { set type [lindex $args [incr i]] }
      -vlnv { set vlnv [lindex $args [incr i]] }
      -reference { set ref [lindex $args [incr i]] }
    }
  }
  if {[dict exists $::R(cells) $name]} { stub_fail "create_bd_cell: $name exists" }
  if {$type eq "module"} {
    if {![info exists ::module_ports($ref)]} { stub_fail "create_bd_cell: no Verilog module $ref among the added files" }
    dict set ::R(cells) $name [dict create kind module reference $ref props {}]
  } else {
    dict set ::R(cells) $name [dict create kind ip vlnv $vlnv props {}]
  }
  return cell:$name
}
proc get_bd_cells {name} { stub_cell $name; return cell:$name }
proc stub_cell {name} {
  if {![dict exists $::R(cells) $name]} { stub_fail "no cell $name" }
  return [dict get $::R(cells) $name]
}
proc stub_pin {path kind} {
  set parts [split $path /]
  if {[llength $parts] != 2} { stub_fail "pin $path is not cell/pin" }
  lassign $parts cell pin
  set c [stub_cell $cell]
  if {[dict get $c kind] eq "module"} {
    lassign $::module_ports([dict get $c reference]) ports intfs params
    set known [expr {$kind eq "intf" ? $intfs : $ports}]
    if {$pin ni $known} { stub_fail "[dict get $c reference] has no [expr {$kind eq {intf} ? {interface} : {port}}] $pin" }
  }
  return $path
}
proc get_bd_pins {path} { return [stub_pin $path pin] }
proc get_bd_intf_pins {path} { return [stub_pin $path intf] }
proc connect_bd_intf_net {a b} { lappend ::R(intf_nets) [list $a $b] }
proc connect_bd_net {args} { lappend ::R(nets) $args }
proc get_bd_addr_spaces {path} { stub_cell [lindex [split $path /] 0]; return $path }
proc get_bd_addr_segs {path} { stub_cell [lindex [split $path /] 0]; return $path }
# "64K", "512M", "1G", "0x40000000", "4096" -> bytes
proc stub_size {s} {
  if {[regexp {^(\d+)([KMG])$} $s -> v u]} { return [expr {$v << [dict get {K 10 M 20 G 30} $u]}] }
  return [expr {$s + 0}]
}
array set module_addrw {}   ;# module,interface -> ADDR_WIDTH of an AXI slave
proc assign_bd_address {args} {
  set space ""; set offset ""; set range ""; set seg [lindex $args end]
  for {set i 0} {$i < [llength $args] - 1} {incr i} {
    switch -- [lindex $args $i] {
      -target_address_space { set space [lindex $args [incr i]] }
      -offset { set offset [lindex $args [incr i]] }
      -range { set range [lindex $args [incr i]] }
    }
  }
  set lo [stub_size $offset]; set n [stub_size $range]
  if {$n <= 0 || ($n & ($n - 1)) != 0} { stub_fail "$seg: range $range is not a power of two" }
  if {$lo % $n != 0} {
    stub_fail "$seg: offset $offset is not a multiple of its range $range (Xilinx AR 66717: the interconnect decodes base/mask)"
  }
  foreach a $::R(addresses) {
    if {[dict get $a space] eq $space && [dict get $a seg] eq $seg} { stub_fail "$seg assigned twice in $space" }
    if {[dict get $a space] eq $space} {
      set alo [stub_size [dict get $a offset]]; set an [stub_size [dict get $a range]]
      if {$lo < $alo + $an && $alo < $lo + $n} { stub_fail "$seg at $offset + $range overlaps [dict get $a seg] in $space" }
    }
  }
  set parts [split $seg /]
  if {[llength $parts] == 3 && [dict exists $::R(cells) [lindex $parts 0]]} {
    set c [dict get $::R(cells) [lindex $parts 0]]
    if {[dict get $c kind] eq "module"} {
      set key "[dict get $c reference],[lindex $parts 1]"
      if {![info exists ::module_addrw($key)]} { stub_fail "$seg: [dict get $c reference] gives [lindex $parts 1] no ADDR_WIDTH" }
      if {$n != (1 << $::module_addrw($key))} {
        stub_fail "$seg: range $range is not 2^ADDR_WIDTH ($::module_addrw($key) bits) of [lindex $parts 1]: the slave would see bits of the base"
      }
    }
  }
  lappend ::R(addresses) [dict create space $space seg $seg offset $offset range $range]
}

proc set_property {args} {
  if {[lindex $args 0] eq "-dict"} {
    set kv [lindex $args 1]; set objs [lrange $args 2 end]
  } else {
    set kv [lrange $args 0 1]; set objs [lrange $args 2 end]
  }
  foreach obj $objs {
    if {[string match cell:* $obj]} {
      set name [string range $obj 5 end]
      set c [stub_cell $name]
      foreach {k v} $kv {
        if {[dict get $c kind] eq "module"} {
          lassign $::module_ports([dict get $c reference]) ports intfs params
          if {[string range $k 7 end] ni $params} { stub_fail "[dict get $c reference] has no parameter $k" }
        }
        dict set c props $k $v
      }
      dict set ::R(cells) $name $c
    } elseif {$obj eq "project"} {
      foreach {k v} $kv { dict set ::R(project) $k $v }
    } elseif {$obj eq "sources_1"} {
      foreach {k v} $kv { if {$k eq "top"} { set ::R(top) $v } else { dict set ::R(project) $k $v } }
    } elseif {[string match file:* $obj]} {
      foreach {k v} $kv { dict set ::R(project) "files [string range $obj 5 end] $k" $v }
    }
  }
}
proc get_property {name obj} { if {$name eq "PROGRESS"} { return "100%" }; return "" }
proc get_runs {name} { return run:$name }
proc make_wrapper {args} { return [file join $::tp_out proj tinypynq.gen sources_1 bd tinypynq hdl tinypynq_wrapper.v] }
proc launch_runs {args} {
  lappend ::R(runs) $args
  # What Vivado leaves behind, so the script's copy step runs as well.
  set impl [file join $::tp_out proj tinypynq.runs impl_1]
  set hw [file join $::tp_out proj tinypynq.gen sources_1 bd tinypynq hw_handoff]
  file mkdir $impl $hw
  set f [open [file join $impl tinypynq_wrapper.bit] w]; puts -nonewline $f "stub"; close $f
  set f [open [file join $hw tinypynq.hwh] w]; puts -nonewline $f "stub"; close $f
}
proc wait_on_run {args} {}

# ---- JSON out
proc j_str {s} { return "\"[string map {\\ \\\\ \" \\\" \n \\n \t \\t} $s]\"" }
proc j_dict {d} {
  set out {}
  dict for {k v} $d { lappend out "[j_str $k]: [j_str $v]" }
  return "{[join $out {, }]}"
}
proc j_list {l} { return "\[[join [lmap x $l {j_str $x}] {, }]\]" }

source $stub_script

set cells {}
dict for {name c} $R(cells) {
  set props [j_dict [dict get $c props]]
  set id [expr {[dict get $c kind] eq "module" ? "\"reference\": [j_str [dict get $c reference]]" : "\"vlnv\": [j_str [dict get $c vlnv]]"}]
  lappend cells "    [j_str $name]: {\"kind\": [j_str [dict get $c kind]], $id, \"props\": $props}"
}
set f [open $stub_record w]
puts $f "{"
puts $f "  \"project\": [j_dict $R(project)],"
puts $f "  \"bd\": [j_str $R(bd)], \"top\": [j_str $R(top)],"
puts $f "  \"files\": [j_list $R(files)],"
puts $f "  \"cells\": {\n[join $cells ",\n"]\n  },"
puts $f "  \"intf_nets\": \[[join [lmap n $R(intf_nets) {j_list $n}] {, }]\],"
puts $f "  \"nets\": \[[join [lmap n $R(nets) {j_list $n}] {, }]\],"
puts $f "  \"addresses\": \[[join [lmap a $R(addresses) {j_dict $a}] {, }]\],"
puts $f "  \"runs\": \[[join [lmap r $R(runs) {j_list $r}] {, }]\]"
puts $f "}"
close $f
