// GraphForm <-> JSON.
#include "searchspace/GraphFormJson.h"

#include <climits>
#include <cstdint>
#include <type_traits>

#include "common/Error.h"

namespace nas {
namespace {

template <typename T>
T field(const Json& obj, const char* key, const char* where) {
  if (!obj.is_object() || !obj.contains(key))
    throw Error(ErrorCode::ParseError, std::string("missing field '") + key + "'", where);
  if constexpr (std::is_same_v<T, int>) {
    // get<int>() of 1e30 or 2^40 is an out-of-range conversion (undefined for a float), not an
    // exception: only whole numbers within int pass (found by fuzzing).
    const Json& v = obj.at(key);
    const bool fits = (v.is_number_integer() && !v.is_number_unsigned() && v.get<std::int64_t>() >= INT_MIN &&
                       v.get<std::int64_t>() <= INT_MAX) ||
                      (v.is_number_unsigned() && v.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT_MAX));
    if (!fits) throw Error(ErrorCode::ParseError, std::string("field '") + key + "' is not a whole number in range", where);
  }
  try {
    return obj.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw Error(ErrorCode::ParseError, std::string("field '") + key + "' has the wrong type", where);
  }
}

}  // namespace

Json graphFormToJson(const GraphForm& g) {
  Json nodes = Json::array();
  for (const auto& n : g.nodes) nodes.push_back({{"id", n.id}, {"label", n.label}, {"role", n.role}});
  Json edges = Json::array();
  for (const auto& e : g.edges) {
    Json edge{{"from", e.from}, {"to", e.to}, {"op", e.op}, {"label", e.label}, {"active", e.active}};
    if (e.weighted()) edge["weight"] = e.weight;  // absent: unweighted (older readers ignore it)
    edges.push_back(std::move(edge));
  }
  return {{"space", g.space}, {"nodes", nodes}, {"edges", edges}};
}

GraphForm graphFormFromJson(const Json& j) {
  GraphForm g;
  g.space = field<std::string>(j, "space", "graph");
  for (const auto& n : field<Json>(j, "nodes", "graph")) {
    GraphNode node;
    node.id = field<int>(n, "id", "graph node");
    node.label = field<std::string>(n, "label", "graph node");
    node.role = field<std::string>(n, "role", "graph node");
    g.nodes.push_back(node);
  }
  for (const auto& e : field<Json>(j, "edges", "graph")) {
    GraphEdge edge;
    edge.from = field<int>(e, "from", "graph edge");
    edge.to = field<int>(e, "to", "graph edge");
    edge.op = field<std::string>(e, "op", "graph edge");
    edge.label = field<std::string>(e, "label", "graph edge");
    edge.active = field<bool>(e, "active", "graph edge");
    if (e.contains("weight")) {
      const double w = field<double>(e, "weight", "graph edge");
      if (!(w >= 0 && w <= 1))  // NaN fails too
        throw Error(ErrorCode::ParseError, "field 'weight' must be within [0, 1], got " + std::to_string(w), "graph edge");
      edge.weight = w;
    }
    g.edges.push_back(edge);
  }
  return g;
}

}  // namespace nas
