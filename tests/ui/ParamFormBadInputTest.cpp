// GUI form values in the bad-input matrix (issue 19): hostile values handed to a ParamForm
// (as a saved job's spec or a copied one fills it) on every editor kind. Each must be refused
// with a message naming the field, leave that editor as it was, and never let the form hand
// out a parameter object the schema rejects. ParamFormTest.cpp has the first cases (out of
// range, not an integer, not a choice, unknown key, typed text out of range, emptied field).
#include <gtest/gtest.h>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QSpinBox>
#include <cmath>
#include <limits>

#include "forms/ParamForm.h"
#include "jobs/ParamSchema.h"

using nas::Json;
using nas::ParamSpec;
using nas::ParamType;

namespace {

nas::ParamSchema hostileSchema() {
  nas::ParamSchema s;
  auto add = [&s](const char* name, const char* label, ParamType type, Json def, double min = 0, double max = 0) {
    ParamSpec p;
    p.name = name;
    p.label = label;
    p.type = type;
    p.defaultValue = std::move(def);
    if (max > min) {
      p.min = min;
      p.max = max;
    }
    if (type == ParamType::Choice) p.choices = {"fashion-mnist", "synthetic"};
    s.add(p);
  };
  add("epochs", "Epochs", ParamType::Int, 10, 1, 1000);
  add("lr", "Learning rate", ParamType::Float, 0.1, 0.0, 10.0);
  add("augment", "Augment", ParamType::Bool, true);
  add("dataset", "Dataset", ParamType::Choice, "fashion-mnist");
  add("data_dir", "Data folder", ParamType::Path, "");
  add("arch", "Architecture", ParamType::String, "");
  return s;
}

}  // namespace

TEST(ParamFormBadInput, HostileValuesAreRefusedByName) {
  nas::ui::ParamForm form;
  form.setSchema(hostileSchema());
  ASSERT_TRUE(form.isValid()) << form.errorText().toStdString();
  const double inf = std::numeric_limits<double>::infinity();
  struct Bad {
    const char* key;
    const char* label;
    Json value;
  };
  const std::vector<Bad> cases = {
      {"epochs", "Epochs", Json(std::numeric_limits<std::int64_t>::max())},
      {"epochs", "Epochs", Json(-std::numeric_limits<std::int64_t>::max())},
      {"epochs", "Epochs", Json(1e300)},
      {"epochs", "Epochs", Json(std::nan(""))},
      {"epochs", "Epochs", Json("12")},
      {"epochs", "Epochs", Json(true)},
      {"epochs", "Epochs", Json(nullptr)},
      {"epochs", "Epochs", Json::array({1, 2})},
      {"epochs", "Epochs", Json::object({{"value", 3}})},
      {"lr", "Learning rate", Json(inf)},
      {"lr", "Learning rate", Json(-inf)},
      {"lr", "Learning rate", Json(std::nan(""))},
      {"lr", "Learning rate", Json(1e308)},
      {"lr", "Learning rate", Json("0.1; DROP TABLE jobs")},
      {"augment", "Augment", Json("yes")},
      {"augment", "Augment", Json(2)},
      {"dataset", "Dataset", Json("../../etc/passwd")},
      {"dataset", "Dataset", Json("FASHION-MNIST")},
      {"dataset", "Dataset", Json(std::string("fashion-mnist\0x", 15))},
      {"dataset", "Dataset", Json(3)},
      {"data_dir", "Data folder", Json(42)},
      {"data_dir", "Data folder", Json::array()},
      {"arch", "Architecture", Json(1.5)},
      {"arch", "Architecture", Json::object()},
  };
  int n = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.key) + " = " + c.value.dump(-1, ' ', false, Json::error_handler_t::replace));
    const Json before = form.values();
    QString error;
    EXPECT_FALSE(form.setValues(Json{{c.key, c.value}}, &error));
    EXPECT_TRUE(error.contains(QString::fromUtf8(c.label))) << error.toStdString();
    EXPECT_LT(error.size(), 2000);
    EXPECT_EQ(form.values(), before) << "the editor took part of the value";
    auto p = form.params();
    ASSERT_TRUE(p.has_value()) << form.errorText().toStdString();
    EXPECT_NO_THROW(form.schema().resolve(*p));
    ++n;
  }
  // Long and odd text in free-text fields is the user's to give; it must stay exactly as given
  // (no truncation) and pass the schema, or be refused by name.
  const std::string longPath = "/tmp/" + std::string(100000, 'p');
  const std::string odd = "\xff\xfe\xc3\x28 |x~0|";  // not UTF-8
  for (const auto& [key, value] : {std::pair<const char*, std::string>{"data_dir", longPath}, {"arch", odd}}) {
    QString error;
    const bool taken = form.setValues(Json{{key, value}}, &error);
    // Taken or refused, the form never hands out what the schema rejects, and says why not.
    if (auto p = form.params()) {
      EXPECT_NO_THROW(form.schema().resolve(*p));
    } else {
      EXPECT_FALSE(form.errorText().isEmpty() && error.isEmpty()) << key << " made the form invalid without a word";
    }
    if (!taken) EXPECT_FALSE(error.isEmpty());
    form.resetToDefaults();
    ++n;
  }
  std::cout << "[ bad GUI form values ] " << n << " cases\n";
}
