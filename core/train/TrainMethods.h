#pragma once
// Registers the built-in training methods ("train": an NAS-Bench-201 cell trained from
// scratch) with the engine's registry. No torch types here: the engine includes it.
namespace nas {

class MethodRegistry;

void registerTrainMethods(MethodRegistry& registry);

}  // namespace nas
