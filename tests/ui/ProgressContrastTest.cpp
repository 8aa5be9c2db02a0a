// The Jobs table's progress bars keep their text readable on every status's bar colour
// (issue 21: white text on the pale grey of a cancelled job's bar).

#include <gtest/gtest.h>

#include "widgets/ProgressBarDelegate.h"

using nas::ui::JobDisplayStatus;
using nas::ui::ProgressBarDelegate;

TEST(ProgressBarDelegate, TextContrastsWithEveryBar) {
  for (JobDisplayStatus s : {JobDisplayStatus::Queued, JobDisplayStatus::Running, JobDisplayStatus::Done,
                             JobDisplayStatus::Failed, JobDisplayStatus::Cancelled, JobDisplayStatus::Interrupted,
                             JobDisplayStatus::Cancelling}) {
    const QColor bar = ProgressBarDelegate::barColor(s);
    const double ratio = ProgressBarDelegate::contrastRatio(ProgressBarDelegate::textOn(bar), bar);
    EXPECT_GE(ratio, 3.0) << "status " << static_cast<int>(s) << " bar " << bar.name().toStdString();
  }
}
