# Install rules: `cmake --install build --prefix P` puts the libraries, the public headers, the
# `tinypynq` CLI, a CMake package (tinypynqConfig.cmake, version file, namespaced targets) and
# a pkg-config file under P. A project outside the tree then uses:
#
#   find_package(tinypynq 0.1 REQUIRED)            # CMAKE_PREFIX_PATH=P
#   target_link_libraries(app PRIVATE tinypynq::tensor)
#
#   c++ -std=c++20 app.cpp $(pkg-config --cflags --libs tinypynq)   # PKG_CONFIG_PATH=P/lib/pkgconfig
#
# Headers keep the repository's layout under include/tinypynq (#include "tensor/tensor.h").
# Included last by the top-level CMakeLists.txt, when every target exists.
include_guard(GLOBAL)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(TINYPYNQ_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/tinypynq" CACHE STRING
    "Where tinypynqConfig.cmake is installed (relative to the prefix)")

# Library target -> exported name (tinypynq::<name>). Only what exists in this build: the
# SystemC models and the tlm driver exist with SystemC. The Verilated PL (rtl/, cosim/, the rtl
# target) is not a library users link: it is inside the installed CLI.
# Dependencies before dependents (the pkg-config link line is this order reversed).
set(_tp_export
  tinypynq_blas blas
  tinypynq_hw hw
  tinypynq_base base
  tinypynq_io io
  tinypynq_plfp plfp
  tinypynq_tensor tensor
  tinypynq_runtime runtime
  tinypynq_traces traces
  tinypynq_onnx onnx
  tinypynq_tlm_dma tlm_dma
  tinypynq_tlm_pl tlm_pl
  tinypynq_tlm tlm
  tinypynq_runtime_tlm runtime_tlm)
set(_tp_targets "")
set(_tp_pc_libs "")
while(_tp_export)
  list(POP_FRONT _tp_export tgt name)
  if(NOT TARGET ${tgt})
    continue()
  endif()
  list(APPEND _tp_targets ${tgt})
  set_target_properties(${tgt} PROPERTIES EXPORT_NAME ${name})
  get_target_property(_type ${tgt} TYPE)
  if(_type STREQUAL "INTERFACE_LIBRARY")
    target_include_directories(${tgt} INTERFACE $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/tinypynq>)
  else()
    target_include_directories(${tgt} PUBLIC $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/tinypynq>)
    # Static libraries: pkg-config users need every one, dependents first.
    list(PREPEND _tp_pc_libs "-l${tgt}")
  endif()
  if(NOT TARGET tinypynq::${name})
    add_library(tinypynq::${name} ALIAS ${tgt})
  endif()
endwhile()

install(TARGETS ${_tp_targets} EXPORT tinypynqTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tinypynq)
if(TARGET tinypynq)
  install(TARGETS tinypynq RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

# Public headers: every header of the library folders (tests and tools are not installed).
foreach(dir base tensor runtime/pynq frontends models/fp traces)
  if(IS_DIRECTORY "${PROJECT_SOURCE_DIR}/${dir}")
    install(DIRECTORY "${PROJECT_SOURCE_DIR}/${dir}/" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/tinypynq/${dir}"
            FILES_MATCHING PATTERN "*.h" PATTERN "*.hpp" PATTERN "test*" EXCLUDE PATTERN "tools" EXCLUDE)
  endif()
endforeach()
install(FILES "${PROJECT_SOURCE_DIR}/runtime/driver.h" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/tinypynq/runtime")
# The generated PL contract (hw/tp_contract.h) and the contract itself.
install(FILES "${TINYPYNQ_CONTRACT_H}" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/tinypynq/hw")
install(FILES "${TINYPYNQ_CONTRACT_JSON}" DESTINATION "${CMAKE_INSTALL_DATADIR}/tinypynq")
if(TARGET tinypynq_runtime_tlm)
  install(DIRECTORY "${PROJECT_SOURCE_DIR}/models/tlm/" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/tinypynq/models/tlm"
          FILES_MATCHING PATTERN "*.h")
  install(DIRECTORY "${PROJECT_SOURCE_DIR}/runtime/tlm/" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/tinypynq/runtime/tlm"
          FILES_MATCHING PATTERN "*.h")
endif()
install(FILES "${PROJECT_SOURCE_DIR}/base/pynq_z2.json" DESTINATION "${CMAKE_INSTALL_DATADIR}/tinypynq")

install(EXPORT tinypynqTargets NAMESPACE tinypynq:: DESTINATION "${TINYPYNQ_INSTALL_CMAKEDIR}")
set(TINYPYNQ_INSTALLED_TLM OFF)
if(TARGET tinypynq_runtime_tlm)
  set(TINYPYNQ_INSTALLED_TLM ON)
endif()
configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/tinypynqConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/tinypynqConfig.cmake" INSTALL_DESTINATION "${TINYPYNQ_INSTALL_CMAKEDIR}")
write_basic_package_version_file("${PROJECT_BINARY_DIR}/tinypynqConfigVersion.cmake"
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/tinypynqConfig.cmake" "${PROJECT_BINARY_DIR}/tinypynqConfigVersion.cmake"
        DESTINATION "${TINYPYNQ_INSTALL_CMAKEDIR}")

# pkg-config: the static libraries in link order, then the system libraries they need.
list(JOIN _tp_pc_libs " " TINYPYNQ_PC_LIBS)
get_filename_component(_tp_blas_dir "${TINYPYNQ_OPENBLAS_LIBRARY}" DIRECTORY)
set(TINYPYNQ_PC_SYSLIBS "-L${_tp_blas_dir} -lopenblas -lpthread")
set(TINYPYNQ_PC_CFLAGS "-I${TINYPYNQ_CBLAS_INCLUDE_DIR}")
set(TINYPYNQ_PC_REQUIRES "zlib nlohmann_json")
if(TINYPYNQ_INSTALLED_TLM)
  string(APPEND TINYPYNQ_PC_REQUIRES " systemc")
  string(APPEND TINYPYNQ_PC_CFLAGS " -DSC_CPLUSPLUS=201703L")
endif()
file(RELATIVE_PATH TINYPYNQ_PC_UP "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
configure_file("${PROJECT_SOURCE_DIR}/cmake/tinypynq.pc.in" "${PROJECT_BINARY_DIR}/tinypynq.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/tinypynq.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
