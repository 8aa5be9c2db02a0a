// ParamForm: editors generated from a schema, out-of-range and ill-typed values refused, and
// never a parameter object that ParamSchema::resolve rejects.

#include <gtest/gtest.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QTest>

#include "forms/ParamForm.h"
#include "jobs/ParamSchema.h"

using nas::Json;
using nas::ParamSpec;
using nas::ParamType;

namespace {

nas::ParamSchema schema() {
  nas::ParamSchema s;
  ParamSpec epochs;
  epochs.name = "epochs";
  epochs.type = ParamType::Int;
  epochs.defaultValue = 10;
  epochs.min = 1;
  epochs.max = 1000;
  epochs.unit = "epochs";
  epochs.label = "Epochs";
  epochs.help = "Passes over the training split.";
  s.add(epochs);
  ParamSpec lr;
  lr.name = "lr";
  lr.type = ParamType::Float;
  lr.defaultValue = 0.1;
  lr.min = 0.0;
  lr.max = 10.0;
  lr.label = "Learning rate";
  s.add(lr);
  ParamSpec wd;
  wd.name = "weight_decay";
  wd.type = ParamType::Float;
  wd.defaultValue = 5e-4;
  wd.min = 0.0;
  wd.max = 1.0;
  s.add(wd);
  ParamSpec augment;
  augment.name = "augment";
  augment.type = ParamType::Bool;
  augment.defaultValue = true;
  augment.label = "Augment";
  s.add(augment);
  ParamSpec dataset;
  dataset.name = "dataset";
  dataset.type = ParamType::Choice;
  dataset.defaultValue = "fashion-mnist";
  dataset.choices = {"fashion-mnist", "cifar10", "synthetic"};
  s.add(dataset);
  ParamSpec dir;
  dir.name = "data_dir";
  dir.type = ParamType::Path;
  dir.defaultValue = "";
  s.add(dir);
  ParamSpec tag;
  tag.name = "tag";
  tag.type = ParamType::String;  // required: no default
  tag.label = "Tag";
  s.add(tag);
  return s;
}

}  // namespace

TEST(ParamForm, BuildsEditorsFromTheSchema) {
  nas::ui::ParamForm form;
  form.setSchema(schema());
  auto* epochs = qobject_cast<QSpinBox*>(form.editor("epochs"));
  ASSERT_NE(epochs, nullptr);
  EXPECT_EQ(epochs->minimum(), 1);
  EXPECT_EQ(epochs->maximum(), 1000);
  EXPECT_EQ(epochs->value(), 10);
  EXPECT_EQ(epochs->suffix(), QStringLiteral(" epochs"));
  EXPECT_TRUE(epochs->toolTip().contains(QStringLiteral("Passes over the training split.")));
  auto* lr = qobject_cast<QDoubleSpinBox*>(form.editor("lr"));
  ASSERT_NE(lr, nullptr);
  EXPECT_DOUBLE_EQ(lr->value(), 0.1);
  EXPECT_EQ(lr->text(), QStringLiteral("0.1"));  // compact, not 0.10000000
  auto* wd = qobject_cast<QDoubleSpinBox*>(form.editor("weight_decay"));
  ASSERT_NE(wd, nullptr);
  EXPECT_DOUBLE_EQ(wd->value(), 5e-4);
  EXPECT_NE(qobject_cast<QCheckBox*>(form.editor("augment")), nullptr);
  auto* dataset = qobject_cast<QComboBox*>(form.editor("dataset"));
  ASSERT_NE(dataset, nullptr);
  EXPECT_EQ(dataset->count(), 3);
  EXPECT_EQ(dataset->currentText(), QStringLiteral("fashion-mnist"));
  EXPECT_NE(qobject_cast<QLineEdit*>(form.editor("data_dir")), nullptr);

  // The required tag is empty: invalid, and the reason names it.
  EXPECT_FALSE(form.isValid());
  QString error;
  EXPECT_FALSE(form.params(&error).has_value());
  EXPECT_TRUE(error.contains(QStringLiteral("tag"))) << error.toStdString();

  qobject_cast<QLineEdit*>(form.editor("tag"))->setText(QStringLiteral("first"));
  EXPECT_TRUE(form.isValid()) << form.errorText().toStdString();
  auto params = form.params();
  ASSERT_TRUE(params.has_value());
  EXPECT_EQ((*params)["epochs"], Json(10));
  EXPECT_EQ((*params)["tag"], Json("first"));
  EXPECT_NO_THROW(schema().resolve(*params));
}

TEST(ParamForm, RefusesOutOfRangeAndIllTypedValues) {
  nas::ui::ParamForm form;
  form.setSchema(schema());
  QString error;
  EXPECT_FALSE(form.setValues(Json{{"epochs", 5000}, {"tag", "x"}}, &error));
  EXPECT_TRUE(error.contains(QStringLiteral("Epochs"))) << error.toStdString();
  EXPECT_EQ(qobject_cast<QSpinBox*>(form.editor("epochs"))->value(), 10);  // kept, not clamped
  EXPECT_EQ(qobject_cast<QLineEdit*>(form.editor("tag"))->text(), QStringLiteral("x"));  // the valid one is taken

  EXPECT_FALSE(form.setValues(Json{{"epochs", 2.5}}, &error));         // not an integer
  EXPECT_FALSE(form.setValues(Json{{"dataset", "imagenet"}}, &error));  // not a choice
  EXPECT_FALSE(form.setValues(Json{{"lr", -1.0}}, &error));             // below the minimum
  EXPECT_FALSE(form.setValues(Json{{"no_such_param", 1}}, &error));
  EXPECT_TRUE(form.setValues(Json{{"epochs", 3}, {"lr", 0.05}, {"dataset", "synthetic"}}, &error))
      << error.toStdString();
  auto params = form.params();
  ASSERT_TRUE(params.has_value());
  EXPECT_EQ((*params)["epochs"], Json(3));
  EXPECT_EQ((*params)["dataset"], Json("synthetic"));
  EXPECT_DOUBLE_EQ((*params)["lr"].get<double>(), 0.05);
}

TEST(ParamForm, TypedOutOfRangeTextNeverYieldsARejectedSpec) {
  nas::ui::ParamForm form;
  form.setSchema(schema());
  form.setValues(Json{{"tag", "t"}});
  form.show();
  auto* epochs = qobject_cast<QSpinBox*>(form.editor("epochs"));
  ASSERT_NE(epochs, nullptr);
  epochs->setFocus();
  epochs->selectAll();
  QTest::keyClicks(epochs, QStringLiteral("5000"));
  EXPECT_LE(epochs->value(), 1000);
  // Whatever the editor holds now, the form either refuses or produces a valid object.
  if (auto p = form.params()) {
    EXPECT_NO_THROW(schema().resolve(*p));
  } else {
    EXPECT_FALSE(form.errorText().isEmpty());
  }
  // An emptied number field is invalid and says so inline.
  epochs->selectAll();
  QTest::keyClick(epochs, Qt::Key_Backspace);
  EXPECT_FALSE(form.isValid());
  EXPECT_FALSE(form.params().has_value());
  auto* errorLabel = form.findChild<QLabel*>(QStringLiteral("paramError"));
  ASSERT_NE(errorLabel, nullptr);
  EXPECT_FALSE(errorLabel->isHidden());
  EXPECT_TRUE(errorLabel->text().contains(QStringLiteral("Epochs"))) << errorLabel->text().toStdString();
  QTest::keyClicks(epochs, QStringLiteral("7"));
  EXPECT_TRUE(form.isValid()) << form.errorText().toStdString();
  EXPECT_EQ((*form.params())["epochs"], Json(7));
}
