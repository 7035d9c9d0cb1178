# ctest script (tests/install/CMakeLists.txt): install, then build and run the consumer twice.
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(OUT "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${PREFIX}" "${WORK}")
run("cmake --install" ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${PREFIX}")
foreach(f bin/tinypynq lib/cmake/tinypynq/tinypynqConfig.cmake lib/cmake/tinypynq/tinypynqConfigVersion.cmake
          lib/pkgconfig/tinypynq.pc include/tinypynq/tensor/tensor.h)
  if(NOT EXISTS "${PREFIX}/${f}")
    message(FATAL_ERROR "not installed: ${PREFIX}/${f}")
  endif()
endforeach()
run("installed tinypynq --version" "${PREFIX}/bin/tinypynq" --version)
message("installed CLI: ${OUT}")

# find_package(tinypynq) from an outside project; the same compiler and flags (sanitizers).
run("configure the consumer" ${CMAKE_COMMAND} -S "${SRC}" -B "${WORK}/cmake" -G "${GENERATOR}"
    "-DCMAKE_PREFIX_PATH=${PREFIX}" "-DCMAKE_CXX_COMPILER=${CXX}" "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}")
run("build the consumer" ${CMAKE_COMMAND} --build "${WORK}/cmake")
run("run the consumer" "${WORK}/cmake/consumer")
message("consumer (cmake): ${OUT}")

# pkg-config: one compiler command line.
if(NOT PKG_CONFIG)
  message(FATAL_ERROR "pkg-config not found: cannot check tinypynq.pc")
endif()
set(ENV{PKG_CONFIG_PATH} "${PREFIX}/lib/pkgconfig")
run("pkg-config" ${PKG_CONFIG} --cflags --libs tinypynq)
string(STRIP "${OUT}" flags)
separate_arguments(flags UNIX_COMMAND "${flags}")
separate_arguments(cxx_flags UNIX_COMMAND "${CXX_FLAGS}")
run("compile with pkg-config flags" "${CXX}" ${cxx_flags} "${SRC}/main.cpp" -o "${WORK}/consumer_pc" ${flags})
run("run the pkg-config consumer" "${WORK}/consumer_pc")
message("consumer (pkg-config): ${OUT}")
