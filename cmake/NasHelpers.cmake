# Small helpers shared by the CMake files of the project.

# The warnings every target of ours compiles with.
function(nas_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
endfunction()

# A core room that uses LibTorch: link torch and reuse one precompiled header,
# because parsing torch/torch.h costs ~12 s per translation unit on a 2-core machine.
function(nas_use_torch target)
  target_link_libraries(${target} PUBLIC ${TORCH_LIBRARIES})
  target_include_directories(${target} SYSTEM PUBLIC ${TORCH_INCLUDE_DIRS})
  target_compile_options(${target} PUBLIC ${TORCH_CXX_FLAGS_LIST})
  target_precompile_headers(${target} PRIVATE "${PROJECT_SOURCE_DIR}/core/nn/TorchPch.h")
endfunction()
