// The New Job dialog shows an estimated run time with its basis (issue 21: it gave none, and the
// default SGNAS job ran 15-20 minutes unannounced): from a finished job of the method in the
// workspace when there is one, scaled by the work of the parameters; else from the method's
// reference speed, said as such.

#include <gtest/gtest.h>

#include "engine/Engine.h"
#include "forms/NewJobDialog.h"
#include "forms/ParamForm.h"

#include <QRegularExpression>

TEST(NewJobEstimate, ScalesAFinishedJobOfTheMethodAndSaysSo) {
  nas::Engine engine(false);
  nas::ui::NewJobDialog dialog(engine.methods());
  ASSERT_TRUE(dialog.selectMethod(QStringLiteral("train")));
  QString error;
  ASSERT_TRUE(dialog.form()->setValues(nas::Json{{"epochs", 1}, {"train_limit", 2000}}, &error)) << error.toStdString();

  // Nothing finished here: the method's reference speed, named as such.
  dialog.setPastJobs({});
  EXPECT_TRUE(dialog.estimateText().contains(QStringLiteral("Estimated run time: about"))) << dialog.estimateText().toStdString();
  EXPECT_TRUE(dialog.estimateText().contains(QStringLiteral("reference speed"))) << dialog.estimateText().toStdString();

  // A finished train job of the same parameters but 2 epochs took 80 s: this one is about half.
  nas::JobRecord past;
  past.id = 12;
  past.method = "train";
  nas::Json params = dialog.spec().at("params");
  params["epochs"] = 2;
  past.specJson = nas::Json{{"method", "train"}, {"params", params}}.dump();
  past.status = nas::JobStatus::Done;
  past.attempts = 1;
  past.startedAt = 1000;
  past.finishedAt = 1080;
  dialog.setPastJobs({past});
  const QString text = dialog.estimateText();
  EXPECT_TRUE(text.contains(QStringLiteral("from job 12's speed"))) << text.toStdString();
  // 1 epoch of 1,800 training images is a bit over half the 2-epoch run (the test set is
  // evaluated once either way): 40..60 s, rounded to 5 s.
  const QRegularExpressionMatch m = QRegularExpression(QStringLiteral("about (\\d+) s")).match(text);
  ASSERT_TRUE(m.hasMatch()) << text.toStdString();
  EXPECT_GE(m.captured(1).toInt(), 40);
  EXPECT_LE(m.captured(1).toInt(), 60);
}
