#include <gtest/gtest.h>

#include "common/Error.h"
#include "jobs/ParamSchema.h"

using namespace nas;

namespace {
ParamSchema sampleSchema() {
  ParamSchema s;
  s.add({"epochs", ParamType::Int, 3, 1.0, 100.0, {}, "epochs", "Epochs", "passes over the data"});
  s.add({"lr", ParamType::Float, 0.1, 0.0, 10.0, {}, "", "Learning rate", ""});
  s.add({"augment", ParamType::Bool, true, {}, {}, {}, "", "", ""});
  s.add({"dataset", ParamType::Choice, "fashion-mnist", {}, {}, {"fashion-mnist", "cifar10"}, "", "", ""});
  s.add({"arch", ParamType::String, nullptr, {}, {}, {}, "", "", ""});
  return s;
}

std::string errorOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST(ParamSchema, ResolveFillsDefaults) {
  Json r = sampleSchema().resolve(Json{{"arch", "x"}});
  EXPECT_EQ(r["epochs"], 3);
  EXPECT_DOUBLE_EQ(r["lr"].get<double>(), 0.1);
  EXPECT_EQ(r["augment"], true);
  EXPECT_EQ(r["dataset"], "fashion-mnist");
  EXPECT_EQ(r["arch"], "x");
}

TEST(ParamSchema, IntegerAcceptedForFloat) {
  Json r = sampleSchema().resolve(Json{{"arch", "x"}, {"lr", 1}});
  EXPECT_TRUE(r["lr"].is_number_float());
}

TEST(ParamSchema, ErrorsNameTheParameter) {
  auto s = sampleSchema();
  EXPECT_NE(errorOf([&] { s.resolve(Json::object()); }).find("parameter 'arch'"), std::string::npos);
  std::string unknown = errorOf([&] { s.resolve(Json{{"arch", "x"}, {"epoch", 2}}); });
  EXPECT_NE(unknown.find("parameter 'epoch'"), std::string::npos);
  EXPECT_NE(unknown.find("known: epochs"), std::string::npos);
  std::string range = errorOf([&] { s.resolve(Json{{"arch", "x"}, {"epochs", 0}}); });
  EXPECT_NE(range.find("below the minimum 1"), std::string::npos) << range;
  EXPECT_NE(errorOf([&] { s.resolve(Json{{"arch", "x"}, {"epochs", 2.5}}); }).find("integer"), std::string::npos);
  EXPECT_NE(errorOf([&] { s.resolve(Json{{"arch", "x"}, {"dataset", "mnist"}}); }).find("'mnist' is not one of"),
            std::string::npos);
  EXPECT_NE(errorOf([&] { s.resolve(Json::array()); }).find("JSON object"), std::string::npos);
}

// A job stored before a parameter was replaced still resolves (its value goes to each
// replacement); giving the old name and a replacement together is refused, naming both.
TEST(ParamSchema, RenamedParameterOfAnOldJobGoesToItsReplacements) {
  ParamSchema s;
  s.add({"signal", ParamType::String, "", {}, {}, {}, "", "", ""});
  s.add({"report", ParamType::String, "test", {}, {}, {}, "", "", ""});
  s.renamed("metric", {"signal", "report"});
  const Json r = s.resolve(Json{{"metric", "valid"}});
  EXPECT_EQ(r["signal"], "valid");
  EXPECT_EQ(r["report"], "valid");
  EXPECT_FALSE(r.contains("metric"));
  EXPECT_EQ(s.resolve(Json::object())["report"], "test");
  const std::string both = errorOf([&] { s.resolve(Json{{"metric", "a"}, {"report", "b"}}); });
  EXPECT_NE(both.find("parameter 'metric'"), std::string::npos) << both;
  EXPECT_NE(both.find("'report'"), std::string::npos) << both;
  EXPECT_EQ(s.parseValue("metric", "valid"), "valid");
  EXPECT_NE(errorOf([&] { s.parseValue("metrics", "x"); }).find("unknown parameter"), std::string::npos);
}

TEST(ParamSchema, ParseValueFromText) {
  auto s = sampleSchema();
  EXPECT_EQ(s.parseValue("epochs", "7"), 7);
  EXPECT_DOUBLE_EQ(s.parseValue("lr", "0.05").get<double>(), 0.05);
  EXPECT_EQ(s.parseValue("augment", "no"), false);
  EXPECT_EQ(s.parseValue("dataset", "cifar10"), "cifar10");
  EXPECT_NE(errorOf([&] { s.parseValue("epochs", "7x"); }).find("not a valid int"), std::string::npos);
  EXPECT_NE(errorOf([&] { s.parseValue("augment", "maybe"); }).find("not true or false"), std::string::npos);
  EXPECT_NE(errorOf([&] { s.parseValue("nope", "1"); }).find("unknown parameter"), std::string::npos);
  EXPECT_NE(errorOf([&] { s.parseValue("epochs", "99999999999999999999999"); }).find("out of range"),
            std::string::npos);
}

TEST(ParamSchema, ToJsonDescribesEverySpec) {
  Json j = sampleSchema().toJson();
  ASSERT_EQ(j.size(), 5u);
  EXPECT_EQ(j[0]["name"], "epochs");
  EXPECT_EQ(j[0]["min"], 1.0);
  EXPECT_EQ(j[3]["choices"].size(), 2u);
}
