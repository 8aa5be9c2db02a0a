// NamedRegistry: the one registry implementation behind methods, latency spaces and query
// strategies (issue 13, item 5).
#include <gtest/gtest.h>

#include "FakeMethods.h"
#include "jobs/Method.h"
#include "plugin/NamedRegistry.h"

using namespace nas;

namespace {
struct Thing {
  int value = 0;
};

std::string messageOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}
}  // namespace

TEST(NamedRegistry, RefusesDuplicatesEmptyNamesAndNullItems) {
  NamedRegistry<Thing> r("gadget");
  r.add("b", std::make_unique<Thing>(Thing{2}));
  r.add("a", std::make_unique<Thing>(Thing{1}));
  const std::string dup = messageOf([&] { r.add("b", std::make_unique<Thing>(Thing{3})); });
  EXPECT_NE(dup.find("already registered"), std::string::npos) << dup;
  EXPECT_NE(dup.find("gadget 'b'"), std::string::npos) << dup;
  EXPECT_EQ(r.get("b").value, 2) << "the first registration must stay";
  EXPECT_THROW(r.add("", std::make_unique<Thing>()), Error);
  EXPECT_THROW(r.add("c", nullptr), Error);
  EXPECT_EQ(r.size(), 2u);
}

TEST(NamedRegistry, NamesSortedOrInOrderAndUnknownNamesListTheKnown) {
  NamedRegistry<Thing> r("gadget");
  r.add("zeta", std::make_unique<Thing>(Thing{1}));
  r.add("alpha", std::make_unique<Thing>(Thing{2}));
  EXPECT_EQ(r.names(), (std::vector<std::string>{"alpha", "zeta"}));
  EXPECT_EQ(r.namesInOrder(), (std::vector<std::string>{"zeta", "alpha"}));
  ASSERT_EQ(r.all().size(), 2u);
  EXPECT_EQ(r.all()[0]->value, 2);
  EXPECT_EQ(r.find("beta"), nullptr);
  const std::string unknown = messageOf([&] { r.get("beta"); });
  EXPECT_NE(unknown.find("unknown gadget; known: alpha, zeta"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("gadget 'beta'"), std::string::npos) << unknown;
}

TEST(NamedRegistry, RemoveTakesBackARegistration) {
  NamedRegistry<Thing> r("gadget");
  r.add("a", std::make_unique<Thing>());
  EXPECT_TRUE(r.remove("a"));
  EXPECT_FALSE(r.remove("a"));
  EXPECT_FALSE(r.contains("a"));
  r.add("a", std::make_unique<Thing>(Thing{5}));  // the name is free again
  EXPECT_EQ(r.get("a").value, 5);
}

TEST(NamedRegistry, MethodRegistryRegistersUnderTheMethodsOwnName) {
  MethodRegistry methods;
  methods.add(std::make_unique<test::CountingMethod>());
  ASSERT_NE(methods.find("count"), nullptr);
  EXPECT_THROW(methods.add(std::make_unique<test::CountingMethod>()), Error);
  EXPECT_THROW(methods.add(std::unique_ptr<Method>()), Error);
  const std::string unknown = messageOf([&] { methods.get("nope"); });
  EXPECT_NE(unknown.find("unknown method; known: count"), std::string::npos) << unknown;
}
