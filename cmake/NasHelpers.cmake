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
