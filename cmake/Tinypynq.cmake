# Helper functions for tinypynq targets. Included by the top-level CMakeLists.txt.
#
#   tinypynq_add_library(tinypynq_io SOURCES a.cpp b.cpp DEPS ZLIB::ZLIB)
#   tinypynq_add_test(test_io SOURCES t.cpp LIBS tinypynq_io LABELS "io;fast")
#   tinypynq_no_fp_contract(my_model_target)
#
# Global settings (C++20, warnings, sanitizers, include root = repo root) are applied in the
# top-level CMakeLists.txt, so targets created with plain add_library() get them too; these
# helpers only remove boilerplate and keep argument checking strict.
#
#   tinypynq_add_model(tinypynq_tlm_dma SOURCES axi_dma.cpp DEPS tinypynq_base)
#   tinypynq_verilate(tinypynq_rtl_vec TOP tp_vec_unit SOURCES rtl/vector/tp_vec_unit.sv ...)
#   tinypynq_add_rtl_lint(tp_vec_unit SOURCES ...)   # ctest: verilator --lint-only -Wall

include_guard(GLOBAL)

# Rejects stray or misspelled keywords instead of silently dropping them.
function(_tinypynq_check_args fn)
  if(ARGN)
    message(FATAL_ERROR "${fn}: unexpected arguments: ${ARGN}")
  endif()
endfunction()

# tinypynq_add_library(<name> SOURCES <src>... [DEPS <target>...])
# Static library (INTERFACE when no SOURCES are given); DEPS are linked PUBLIC.
function(tinypynq_add_library name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "" "SOURCES;DEPS")
  _tinypynq_check_args(tinypynq_add_library ${ARG_UNPARSED_ARGUMENTS})
  if(ARG_SOURCES)
    add_library(${name} STATIC ${ARG_SOURCES})
    target_link_libraries(${name} PUBLIC ${ARG_DEPS})
    target_compile_features(${name} PUBLIC cxx_std_20)
  else()
    add_library(${name} INTERFACE)
    target_link_libraries(${name} INTERFACE ${ARG_DEPS})
    target_compile_features(${name} INTERFACE cxx_std_20)
  endif()
endfunction()

# tinypynq_add_test(<name> SOURCES <src>... [LIBS <target>...] [LABELS <label>...])
# One GoogleTest executable; each TEST() becomes its own ctest test carrying LABELS, so
# `ctest -L io` selects by layer. Discovery runs at test time (PRE_TEST) rather than as a
# post-build step, which keeps incremental builds fast.
function(tinypynq_add_test name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "" "SOURCES;LIBS;LABELS")
  _tinypynq_check_args(tinypynq_add_test ${ARG_UNPARSED_ARGUMENTS})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "tinypynq_add_test(${name}): SOURCES is required")
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest_main GTest::gmock)
  gtest_discover_tests(${name}
    DISCOVERY_MODE PRE_TEST
    DISCOVERY_TIMEOUT 30
    WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}"
    TEST_LIST ${name}_TESTS)
  # Labels are applied by a ctest include file that runs after discovery, because
  # gtest_discover_tests(PROPERTIES LABELS "a;b") splits a multi-label list into bogus
  # property names (CMake 3.25).
  if(ARG_LABELS)
    set(label_file "${CMAKE_CURRENT_BINARY_DIR}/${name}_labels.cmake")
    file(WRITE "${label_file}"
      "if(${name}_TESTS)\n"
      "  set_tests_properties(\${${name}_TESTS} PROPERTIES LABELS \"${ARG_LABELS}\")\n"
      "endif()\n")
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${label_file}")
  endif()
endfunction()

# Model code (the C++ twins of PL datapaths) must round exactly like the RTL: no fused
# multiply-add created behind our back.
function(tinypynq_no_fp_contract target)
  target_compile_options(${target} PRIVATE $<$<CXX_COMPILER_ID:GNU,Clang,AppleClang>:-ffp-contract=off>)
endfunction()

# tinypynq_add_model(<name> SOURCES <src>... [DEPS <target>...])
# A library that includes SystemC (TLM-2.0 models, the drivers on them): links SystemC,
# compiled without FP contraction (the models must round like the RTL). Every source and every
# dependency must exist: a renamed file or a missing target is a configure error, not a
# silently smaller build.
function(tinypynq_add_model name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "" "SOURCES;DEPS")
  _tinypynq_check_args(tinypynq_add_model ${ARG_UNPARSED_ARGUMENTS})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "tinypynq_add_model(${name}): SOURCES is required")
  endif()
  foreach(s IN LISTS ARG_SOURCES)
    if(NOT EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/${s}")
      message(FATAL_ERROR "tinypynq_add_model(${name}): source ${CMAKE_CURRENT_SOURCE_DIR}/${s} does not exist")
    endif()
  endforeach()
  foreach(d IN LISTS ARG_DEPS)
    if(NOT TARGET ${d})
      message(FATAL_ERROR "tinypynq_add_model(${name}): dependency ${d} is not a target")
    endif()
  endforeach()
  add_library(${name} STATIC ${ARG_SOURCES})
  # SystemC headers are not warning-clean under -Wpedantic: include them as system headers.
  target_link_libraries(${name} PUBLIC PkgConfig::SYSTEMC ${ARG_DEPS})
  target_compile_features(${name} PUBLIC cxx_std_20)
  tinypynq_no_fp_contract(${name})
endfunction()

# tinypynq_verilate(<lib> TOP <module> SOURCES <sv>... [TRACE] [PREFIX <class>] [INCLUDE_DIRS <dir>...]
#                   [ARGS <arg>...])
# A static library holding the Verilator --cc model of <module> (class V<module>, or <class>),
# built with assertions on (the handshake checks of the RTL). TRACE adds FST tracing (--fst):
# the model is then 5-13 % slower even with tracing off, so the rtl target has both kinds.
# Generated C++ is not warning-clean: it is compiled without the project's warnings.
function(tinypynq_verilate lib)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "TRACE" "TOP;PREFIX" "SOURCES;INCLUDE_DIRS;ARGS")
  _tinypynq_check_args(tinypynq_verilate ${ARG_UNPARSED_ARGUMENTS})
  if(NOT ARG_TOP OR NOT ARG_SOURCES)
    message(FATAL_ERROR "tinypynq_verilate(${lib}): TOP and SOURCES are required")
  endif()
  add_library(${lib} STATIC)
  set(trace_args "")
  if(ARG_TRACE)
    set(trace_args TRACE_FST)
  endif()
  if(NOT ARG_PREFIX)
    set(ARG_PREFIX V${ARG_TOP})
  endif()
  verilate(${lib} SOURCES ${ARG_SOURCES} TOP_MODULE ${ARG_TOP} PREFIX ${ARG_PREFIX}
           INCLUDE_DIRS ${ARG_INCLUDE_DIRS} ${trace_args}
           VERILATOR_ARGS --assert -Wall -Wno-fatal -O3 --x-assign fast --x-initial fast ${ARG_ARGS})
  target_compile_options(${lib} PRIVATE -w)
  target_compile_features(${lib} PUBLIC cxx_std_20)
endfunction()

# tinypynq_add_rtl_lint(<name> SOURCES <sv>... [TOP <module>] [ARGS <arg>...])
# A ctest (labels rtl;lint) running `verilator --lint-only -Wall` on the sources: the RTL must
# stay lint-clean. ARGS go to verilator before the sources (+define+..., -G<param>=<value>).
function(tinypynq_add_rtl_lint name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "TOP" "SOURCES;ARGS")
  _tinypynq_check_args(tinypynq_add_rtl_lint ${ARG_UNPARSED_ARGUMENTS})
  set(top_arg "")
  if(ARG_TOP)
    set(top_arg --top-module ${ARG_TOP})
  endif()
  add_test(NAME lint_${name}
           COMMAND ${VERILATOR_BIN} --lint-only -Wall ${ARG_ARGS} ${top_arg} ${ARG_SOURCES})
  set_tests_properties(lint_${name} PROPERTIES LABELS "rtl;lint")
endfunction()
