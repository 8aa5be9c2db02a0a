#pragma once
// Precompiled header of every core room and test that uses LibTorch: parsing torch/torch.h
// costs ~12 s per translation unit on a 2-core machine, so it is parsed once per build
// (cmake/NasHelpers.cmake: nas_torch_pch compiles it, every target with torch reuses it).
#include <torch/torch.h>
