// The translation unit that makes the project's one precompiled header of torch/torch.h
// (core/nn/TorchPch.h, force-included by the build; see nas_add_torch_pch_target in
// cmake/NasHelpers.cmake). Nothing else is here.
