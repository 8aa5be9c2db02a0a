#pragma once
// Registers the built-in search methods (the tabular benchmark search, ...) with the
// engine's method registry. Called once by the Engine.

namespace nas {

class MethodRegistry;
class QueryStrategyRegistry;

// The search methods run the strategies of `strategies` (the engine's) by name.
void registerSearchMethods(MethodRegistry& registry, const QueryStrategyRegistry& strategies);

}  // namespace nas
