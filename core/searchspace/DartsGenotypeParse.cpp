// Parsing DARTS' genotype notation, flat and extended (nested per node). People paste these
// strings from logs and papers, so every error says what is wrong and at which 1-based column
// of the text as given; the error's context is the whole input.
#include <cctype>
#include <string>

#include "common/Error.h"
#include "searchspace/DartsGenotype.h"

namespace nas {

namespace {

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  DartsGenotype genotype() {
    skipSpace();
    if (pos_ == s_.size()) fail(pos_, "empty genotype; expected Genotype(normal=[...], normal_concat=[...], ...)");
    expectWord("Genotype");
    expectChar('(');
    DartsGenotype g;
    bool seen[4] = {false, false, false, false};  // normal, normal_concat, reduce, reduce_concat
    for (int field = 0; field < 4; ++field) {
      if (field > 0) {
        skipSpace();
        if (peek() == ')') {
          std::string missing;
          const char* names[4] = {"normal", "normal_concat", "reduce", "reduce_concat"};
          for (int i = 0; i < 4; ++i)
            if (!seen[i]) missing += std::string(missing.empty() ? "" : ", ") + names[i];
          fail(pos_, "missing field(s) " + missing);
        }
        expectChar(',');
      }
      skipSpace();
      const size_t at = pos_;
      const std::string key = identifier("a field name (normal, normal_concat, reduce, reduce_concat)");
      int which = -1;
      if (key == "normal") which = 0;
      else if (key == "normal_concat") which = 1;
      else if (key == "reduce") which = 2;
      else if (key == "reduce_concat") which = 3;
      else fail(at, "unknown field '" + key + "'; expected normal, normal_concat, reduce or reduce_concat");
      if (seen[which]) fail(at, "field '" + key + "' given twice");
      seen[which] = true;
      expectChar('=');
      DartsCell& cell = which < 2 ? g.normal : g.reduce;
      if (which % 2 == 0) cellList(cell, key);
      else cell.concat = concatList(key);
    }
    skipSpace();
    if (pos_ < s_.size() && s_[pos_] == ',') {  // a trailing comma before ')', as Python allows
      ++pos_;
      skipSpace();
    }
    expectChar(')');
    skipSpace();
    if (pos_ != s_.size()) fail(pos_, "unexpected " + found() + " after the closing ')'");
    return g;
  }

 private:
  // The flat list (2 pairs per node) or the nested list (one list per node, >= 1 pair each).
  void cellList(DartsCell& cell, const std::string& key) {
    skipSpace();
    const size_t open = pos_;
    expectChar('[');
    skipSpace();
    if (peek() == '[') {  // extended form
      for (int k = 0; k < kDartsNumIntermediate; ++k) {
        if (k > 0) {
          skipSpace();
          if (peek() == ']')
            fail(pos_, key + ": expected 4 node lists, found " + std::to_string(k));
          expectChar(',');
        }
        skipSpace();
        const size_t nodeOpen = pos_;
        expectChar('[');
        skipSpace();
        if (peek() == ']') fail(nodeOpen, key + ": node " + std::to_string(k + 2) + " has no input");
        while (true) {
          cell.nodes[static_cast<size_t>(k)].push_back(pair(k + 2, key));
          skipSpace();
          if (peek() == ',') {
            ++pos_;
            continue;
          }
          expectChar(']');
          break;
        }
      }
      skipSpace();
      if (peek() == ',') fail(pos_, key + ": more than 4 node lists");
      expectChar(']');
      return;
    }
    // Flat form: exactly 8 pairs, node k + 2 takes pairs 2k and 2k + 1.
    int count = 0;
    if (peek() == ']') fail(pos_, key + ": expected 8 (op, input) pairs, found none");
    while (true) {
      const int node = 2 + count / 2;
      if (count == 2 * kDartsNumIntermediate)
        fail(pos_, key + ": more than 8 (op, input) pairs; use one list per node for other input counts");
      cell.nodes[static_cast<size_t>(count / 2)].push_back(pair(node, key));
      ++count;
      skipSpace();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        if (count != 2 * kDartsNumIntermediate)
          fail(pos_, key + ": expected 8 (op, input) pairs, found " + std::to_string(count) + " (list opened at column " +
                         std::to_string(open + 1) + ")");
        ++pos_;
        return;
      }
      expectChar(']');
    }
  }

  // ('op', input) for intermediate node `node`.
  DartsConnection pair(int node, const std::string& key) {
    skipSpace();
    expectChar('(');
    skipSpace();
    const size_t opAt = pos_;
    const std::string name = quoted();
    DartsConnection c;
    try {
      c.op = dartsOpFromName(name);
    } catch (const Error& e) {
      fail(opAt, key + ": " + e.message());
    }
    expectChar(',');
    skipSpace();
    const size_t inAt = pos_;
    const long v = number();
    if (v >= node)
      fail(inAt, key + ": input " + std::to_string(v) + " of node " + std::to_string(node) + " must be below " +
                     std::to_string(node) + " (an earlier node)");
    c.input = static_cast<int>(v);
    expectChar(')');
    return c;
  }

  // [2, 3, 4, 5] or range(2, 6).
  std::vector<int> concatList(const std::string& key) {
    skipSpace();
    std::vector<int> out;
    auto add = [&](long v, size_t at) {
      if (v < 2 || v >= 2 + kDartsNumIntermediate)
        fail(at, key + ": node " + std::to_string(v) + " outside 2..5");
      for (int x : out)
        if (x == v) fail(at, key + ": node " + std::to_string(v) + " listed twice");
      out.push_back(static_cast<int>(v));
    };
    if (peek() == 'r') {
      expectWord("range");
      expectChar('(');
      skipSpace();
      const size_t aAt = pos_;
      const long a = number();
      expectChar(',');
      skipSpace();
      const size_t bAt = pos_;
      const long b = number();
      expectChar(')');
      if (b <= a) fail(bAt, key + ": empty range");
      for (long v = a; v < b; ++v) add(v, v == a ? aAt : bAt);
      return out;
    }
    expectChar('[');
    skipSpace();
    if (peek() == ']') fail(pos_, key + ": empty list; expected nodes such as [2, 3, 4, 5]");
    while (true) {
      skipSpace();
      const size_t at = pos_;
      add(number(), at);
      skipSpace();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      expectChar(']');
      return out;
    }
  }

  std::string quoted() {
    const char q = peek();
    if (q != '\'' && q != '"') fail(pos_, "expected a quoted op name, found " + found());
    const size_t start = ++pos_;
    while (pos_ < s_.size() && s_[pos_] != q) ++pos_;
    if (pos_ == s_.size()) fail(start - 1, "unterminated quote");
    return std::string(s_.substr(start, pos_++ - start));
  }

  long number() {
    if (pos_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[pos_])))
      fail(pos_, "expected a node number, found " + found());
    long v = 0;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
      v = v * 10 + (s_[pos_++] - '0');
      if (v > 1000) fail(pos_, "number too large");
    }
    return v;
  }

  std::string identifier(const std::string& what) {
    const size_t start = pos_;
    while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_')) ++pos_;
    if (pos_ == start) fail(start, "expected " + what + ", found " + found());
    return std::string(s_.substr(start, pos_ - start));
  }

  void expectWord(const std::string& word) {
    skipSpace();
    const size_t at = pos_;
    if (s_.substr(pos_, word.size()) != word) fail(at, "expected '" + word + "', found " + found());
    pos_ += word.size();
  }

  void expectChar(char c) {
    skipSpace();
    if (peek() != c) fail(pos_, std::string("expected '") + c + "', found " + found());
    ++pos_;
  }

  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  std::string found() const { return pos_ < s_.size() ? std::string("'") + s_[pos_] + "'" : "the end of the text"; }
  void skipSpace() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  [[noreturn]] void fail(size_t at, const std::string& message) const {
    throw Error(ErrorCode::ParseError, "column " + std::to_string(at + 1) + ": " + message, std::string(s_));
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

DartsGenotype DartsGenotype::parse(std::string_view text) { return Parser(text).genotype(); }

}  // namespace nas
