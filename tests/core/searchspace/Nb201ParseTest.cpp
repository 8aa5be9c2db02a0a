// Every malformed cell string fails with a ParseError that says what and where.
#include <gtest/gtest.h>

#include <string>

#include "common/Error.h"
#include "searchspace/Nb201Cell.h"

using namespace nas;

namespace {

// Parses `text`, expecting a ParseError whose message contains every fragment.
void expectParseError(const std::string& text, std::initializer_list<const char*> fragments) {
  try {
    Nb201Cell::parse(text);
    ADD_FAILURE() << "parsed without error: " << text;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::ParseError) << text;
    EXPECT_EQ(e.context(), text);
    for (const char* f : fragments) EXPECT_NE(e.message().find(f), std::string::npos) << e.message();
  }
}

}  // namespace

TEST(Nb201Parse, EmptyOrBlank) {
  expectParseError("", {"empty architecture string"});
  expectParseError("   \t ", {"empty architecture string"});
}

TEST(Nb201Parse, WrongNumberOfGroups) {
  expectParseError("|none~0|+|none~0|none~1|", {"expected 3 node groups separated by '+', found 2"});
  expectParseError("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|+|none~0|",
                   {"expected 3 node groups", "found 4"});
  expectParseError("nor_conv_3x3", {"found 1"});
}

TEST(Nb201Parse, WrongNumberOfInputs) {
  expectParseError("|none~0|+|none~0|none~1|none~2|+|none~0|none~1|none~2|", {"node 2: expected 2 inputs, found 3"});
  expectParseError("|none~0|none~1|+|none~0|none~1|+|none~0|none~1|none~2|", {"node 1: expected 1 input, found 2"});
  expectParseError("||+|none~0|none~1|+|none~0|none~1|none~2|", {"node 1: expected 1 input, found 0"});
}

TEST(Nb201Parse, UnknownOperationGivesItsColumn) {
  // "|none~0|+|" is 10 characters: conv9 starts in column 11.
  expectParseError("|none~0|+|conv9~0|none~1|+|none~0|none~1|none~2|",
                   {"column 11: unknown operation 'conv9'", "nor_conv_3x3"});
  // Columns count leading whitespace of the text as given.
  expectParseError("  |Conv~0|+|none~0|none~1|+|none~0|none~1|none~2|", {"column 4: unknown operation 'Conv'"});
}

TEST(Nb201Parse, WrongSourceNode) {
  expectParseError("|none~0|+|none~0|none~1|+|none~0|none~2|none~2|", {"node 3 input 1: source '~2' should be '~1'"});
  expectParseError("|none~1|+|none~0|none~1|+|none~0|none~1|none~2|", {"node 1 input 0: source '~1' should be '~0'"});
  expectParseError("|none~|+|none~0|none~1|+|none~0|none~1|none~2|", {"source '~' should be '~0'"});
}

TEST(Nb201Parse, MissingBarsAndSeparators) {
  expectParseError("none~0|+|none~0|none~1|+|none~0|none~1|none~2|",
                   {"column 1: expected '|' to open node 1 group, found 'n'"});
  expectParseError("|none~0+|none~0|none~1|+|none~0|none~1|none~2|",
                   {"column 7: expected '|' to close node 1 group, found '0'"});
  expectParseError("|none~0|+|none~0|none~1|+|none~0|none~1|none~2",
                   {"expected '|' to close node 3 group, found '2'"});
  expectParseError("|none~0|++|none~0|none~1|+|none~0|none~1|none~2|", {"found 4"});
  expectParseError("|none~0|++|none~0|none~1|none~2|", {"column 10: node 2 group is empty"});
  expectParseError("|none~0|+|+|none~0|none~1|none~2|",
                   {"column 10: expected '|' to close node 2 group, found nothing after the opening '|'"});
  expectParseError("|none~0|+|none~0||none~1|+|none~0|none~1|none~2|", {"node 2: expected 2 inputs, found 3"});
  expectParseError("|none~0|+|none~0|none1|+|none~0|none~1|none~2|",
                   {"column 18: 'none1' lacks its source node '~1'"});
  expectParseError("|none~0|+|none~0|~1|+|none~0|none~1|none~2|", {"column 18: unknown operation ''"});
  expectParseError("|", {"expected 3 node groups separated by '+', found 1"});
}

TEST(Nb201Parse, InnerWhitespaceIsNotIgnored) {
  expectParseError("|none~0| + |none~0|none~1|+|none~0|none~1|none~2|", {"expected '|' to close node 1 group"});
}
