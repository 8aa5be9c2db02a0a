# Small helpers shared by the CMake files of the project.

# The CTest label of tests whose results depend on floating-point kernels (training, LibTorch
# outputs): packaging/test.sh runs them again with the kernels of other CPUs (ATen's and
# oneDNN's), because a machine with other vector units computes other roundings (issue 12).
set(NAS_NUMERICAL_LABEL numerical)

# The warnings every target of ours compiles with.
function(nas_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
endfunction()

# The one target that compiles the project's precompiled header of torch/torch.h
# (core/nn/TorchPch.h): parsing it costs ~12 s per translation unit on a 2-core machine.
# It defines no macros of its own (a shared library's <name>_EXPORTS would be one): GCC uses
# a precompiled header only where every macro it was made with is defined the same way.
set(NAS_TORCH_PCH_TARGET nas_torch_pch)
function(nas_add_torch_pch_target)
  add_library(${NAS_TORCH_PCH_TARGET} OBJECT "${PROJECT_SOURCE_DIR}/cmake/TorchPch.cpp")
  target_link_libraries(${NAS_TORCH_PCH_TARGET} PRIVATE ${TORCH_LIBRARIES})
  target_include_directories(${NAS_TORCH_PCH_TARGET} SYSTEM PRIVATE ${TORCH_INCLUDE_DIRS})
  target_compile_options(${NAS_TORCH_PCH_TARGET} PRIVATE ${TORCH_CXX_FLAGS_LIST})
  target_precompile_headers(${NAS_TORCH_PCH_TARGET} PRIVATE "${PROJECT_SOURCE_DIR}/core/nn/TorchPch.h")
endfunction()

# Every target that includes torch reuses that one precompiled header instead of compiling its
# own: each copy is ~700 MB of disk and ~40 s of a core, and eleven copies filled a CI
# machine's disk. GCC accepts it only under the -fpic/-fpie setting it was made with
# (-Winvalid-pch says when not), so executables compile as -fPIC like the libraries; they
# still link as PIE.
function(nas_reuse_torch_pch target)
  target_precompile_headers(${target} REUSE_FROM ${NAS_TORCH_PCH_TARGET})
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "EXECUTABLE")
    target_compile_options(${target} PRIVATE -fPIC)
  endif()
endfunction()

# The core room that uses LibTorch: link torch for itself and everything above it.
function(nas_use_torch target)
  target_link_libraries(${target} PUBLIC ${TORCH_LIBRARIES})
  target_include_directories(${target} SYSTEM PUBLIC ${TORCH_INCLUDE_DIRS})
  target_compile_options(${target} PUBLIC ${TORCH_CXX_FLAGS_LIST})
  nas_reuse_torch_pch(${target})
endfunction()

# nas_plugin_test_suite(<plugin> [DEFINITIONS <NAME=value>...]): the test executable
# test_<plugin> of a plugin, from its tests/plugins/<plugin>/CMakeLists.txt (added by
# plugins/CMakeLists.txt, after the plugin's library nas_<plugin>): every *.cpp of that folder
# linked with nas_<plugin> and GoogleTest, registered with CTest test by test, labelled
# numerical (plugin tests train). Compile definitions: NAS_CLI_PATH (the CLI tests drive the
# real executable, which loads the plugin from the build tree), NAS_<PLUGIN>_PLUGIN (the
# module's file), NAS_SOURCE_DIR, and the DEFINITIONS given. No sources: nothing is added.
function(nas_plugin_test_suite plugin)
  cmake_parse_arguments(ARG "" "" "DEFINITIONS" ${ARGN})
  include(GoogleTest)
  file(GLOB sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/*.cpp")
  if(NOT sources)
    return()
  endif()
  set(t test_${plugin})
  string(TOUPPER "${plugin}" upper)
  add_executable(${t} ${sources})
  target_link_libraries(${t} PRIVATE nas_${plugin} GTest::gtest GTest::gtest_main)
  nas_reuse_torch_pch(${t})
  nas_set_warnings(${t})
  add_dependencies(${t} ${plugin} nasstudio-cli)
  target_compile_definitions(${t} PRIVATE NAS_CLI_PATH="$<TARGET_FILE:nasstudio-cli>"
                                          NAS_${upper}_PLUGIN="$<TARGET_FILE:${plugin}>"
                                          NAS_SOURCE_DIR="${PROJECT_SOURCE_DIR}" ${ARG_DEFINITIONS})
  target_include_directories(${t} PRIVATE "${PROJECT_SOURCE_DIR}/tests")
  gtest_discover_tests(${t} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS ${NAS_NUMERICAL_LABEL}
                       ENVIRONMENT "NASSTUDIO_RESOURCES=${PROJECT_SOURCE_DIR}/resources")
endfunction()
