# libFuzzer targets (tests/fuzz/, docs/reliability.md).
#
#   cmake -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DTINYPYNQ_FUZZ=ON -DTINYPYNQ_SANITIZE="address;undefined" \
#         -DTINYPYNQ_WITH_SYSTEMC=OFF -DTINYPYNQ_WITH_VERILATOR=OFF
#   cmake --build build-fuzz --target fuzz_safetensors
#   build-fuzz/tests/fuzz/fuzz_safetensors tests/fuzz/corpus/fuzz_safetensors -max_total_time=600
#
#   tinypynq_add_fuzzer(fuzz_safetensors SOURCES fuzz_safetensors.cpp DEPS tinypynq_io)
#
# Every fuzzer also gets a `<name>_replay` program, built by every compiler with the tests,
# that runs LLVMFuzzerTestOneInput on each file of tests/fuzz/corpus/<name> and
# tests/fuzz/crashers/<name> (ctest `fuzz_replay_<name>`, labels fuzz;fast): the corpora and
# the inputs that once crashed are regression tests without clang.
include_guard(GLOBAL)

option(TINYPYNQ_FUZZ "Build the libFuzzer targets (needs clang)" OFF)
if(TINYPYNQ_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "TINYPYNQ_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  # Coverage feedback from every library the fuzzers reach, not only from their own sources.
  add_compile_options(-fsanitize=fuzzer-no-link)
  add_link_options(-fsanitize=fuzzer-no-link)
endif()

set(TINYPYNQ_FUZZ_DIR "${PROJECT_SOURCE_DIR}/tests/fuzz" CACHE INTERNAL "")

# tinypynq_add_fuzzer(<name> SOURCES <src>... [DEPS <target>...])
function(tinypynq_add_fuzzer name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "" "SOURCES;DEPS")
  _tinypynq_check_args(tinypynq_add_fuzzer ${ARG_UNPARSED_ARGUMENTS})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "tinypynq_add_fuzzer(${name}): SOURCES is required")
  endif()
  if(NOT IS_DIRECTORY "${TINYPYNQ_FUZZ_DIR}/corpus/${name}")
    message(FATAL_ERROR "tinypynq_add_fuzzer(${name}): no corpus at tests/fuzz/corpus/${name}")
  endif()
  if(TINYPYNQ_FUZZ)
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE ${ARG_DEPS})
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  endif()
  if(TINYPYNQ_BUILD_TESTS)
    add_executable(${name}_replay ${ARG_SOURCES} "${TINYPYNQ_FUZZ_DIR}/replay_main.cpp")
    target_link_libraries(${name}_replay PRIVATE ${ARG_DEPS})
    add_test(NAME fuzz_replay_${name}
             COMMAND ${name}_replay "${TINYPYNQ_FUZZ_DIR}/corpus/${name}" "${TINYPYNQ_FUZZ_DIR}/crashers/${name}")
    set_tests_properties(fuzz_replay_${name} PROPERTIES LABELS "fuzz;fast" TIMEOUT 300)
  endif()
endfunction()
