// The built-in search methods, registered by the Engine.
#include "search/SearchMethods.h"

#include <memory>

#include "jobs/Method.h"
#include "search/TabularSearchMethod.h"

namespace nas {

void registerSearchMethods(MethodRegistry& registry, const QueryStrategyRegistry& strategies) {
  registry.add(std::make_unique<TabularSearchMethod>(strategies));
}

}  // namespace nas
