// Parsing the benchmark's cell string |op~0|+|op~0|op~1|+|op~0|op~1|op~2|.
// People type and paste these strings, so every error says what is wrong and where: a
// 1-based column counted in the text as given (leading whitespace included), or the node
// group and input. The context of every error is the whole input.
#include <cctype>
#include <string>
#include <vector>

#include "common/Error.h"
#include "searchspace/Nb201Cell.h"

namespace nas {

namespace {

// A piece of the input together with where it starts in the original text (0-based).
struct Piece {
  std::string_view text;
  size_t pos;
};

std::vector<Piece> split(Piece whole, char sep) {
  std::vector<Piece> parts;
  size_t start = 0;
  for (size_t i = 0; i <= whole.text.size(); ++i) {
    if (i == whole.text.size() || whole.text[i] == sep) {
      parts.push_back({whole.text.substr(start, i - start), whole.pos + start});
      start = i + 1;
    }
  }
  return parts;
}

[[noreturn]] void fail(std::string_view input, const std::string& message) {
  throw Error(ErrorCode::ParseError, message, std::string(input));
}

std::string column(size_t pos) { return "column " + std::to_string(pos + 1) + ": "; }

std::string quoted(char c) { return std::string("'") + c + "'"; }

}  // namespace

Nb201Cell Nb201Cell::parse(std::string_view input) {
  size_t begin = 0, end = input.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(input[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(input[end - 1]))) --end;
  if (begin == end) fail(input, "empty architecture string; expected |op~0|+|op~0|op~1|+|op~0|op~1|op~2|");

  const auto groups = split({input.substr(begin, end - begin), begin}, '+');
  if (groups.size() != kNb201NumNodes - 1)
    fail(input, "expected 3 node groups separated by '+', found " + std::to_string(groups.size()));

  std::array<Nb201Op, kNb201NumEdges> ops{};
  int edge = 0;
  for (int node = 1; node < kNb201NumNodes; ++node) {
    const Piece& g = groups[node - 1];
    const std::string nodeName = "node " + std::to_string(node);
    if (g.text.empty()) fail(input, column(g.pos) + nodeName + " group is empty");
    if (g.text.front() != '|')
      fail(input, column(g.pos) + "expected '|' to open " + nodeName + " group, found " + quoted(g.text.front()));
    if (g.text.size() < 2)
      fail(input, column(g.pos) + "expected '|' to close " + nodeName + " group, found nothing after the opening '|'");
    if (g.text.back() != '|')
      fail(input, column(g.pos + g.text.size() - 1) + "expected '|' to close " + nodeName + " group, found " +
                      quoted(g.text.back()));

    // Between the outer bars: "op~0|op~1"; "||" is a group with no inputs at all.
    Piece inner{g.text.substr(1, g.text.size() - 2), g.pos + 1};
    std::vector<Piece> inputs = inner.text.empty() ? std::vector<Piece>{} : split(inner, '|');
    if (static_cast<int>(inputs.size()) != node)
      fail(input, nodeName + ": expected " + std::to_string(node) + " input" + (node > 1 ? "s" : "") + ", found " +
                      std::to_string(inputs.size()));

    for (int src = 0; src < node; ++src, ++edge) {
      const Piece& in = inputs[src];
      if (in.text.empty()) fail(input, column(in.pos) + nodeName + " input " + std::to_string(src) + " is empty");
      const size_t tilde = in.text.find('~');
      if (tilde == std::string_view::npos)
        fail(input, column(in.pos) + "'" + std::string(in.text) + "' lacks its source node '~" +
                        std::to_string(src) + "'");
      const std::string_view opName = in.text.substr(0, tilde);
      const std::string_view source = in.text.substr(tilde + 1);
      const std::string expected = std::to_string(src);
      try {
        ops[edge] = nb201OpFromName(opName);
      } catch (const Error& e) {
        fail(input, column(in.pos) + e.message());
      }
      if (source != expected)
        fail(input, nodeName + " input " + expected + ": source '~" + std::string(source) + "' should be '~" +
                        expected + "'");
    }
  }
  return Nb201Cell(ops);
}

}  // namespace nas
