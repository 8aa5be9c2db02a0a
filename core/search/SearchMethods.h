#pragma once
// Registers the built-in search methods (the tabular benchmark search, ...) with the
// engine's method registry. Called once by the Engine.

namespace nas {

class MethodRegistry;

void registerSearchMethods(MethodRegistry& registry);

}  // namespace nas
