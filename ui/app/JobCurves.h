#pragma once
// Keeps the Curves tab in step with the jobs: the curves of the jobs selected in the Jobs
// panel, each labelled "#id title", and each job's outcome, so that a job that stopped (done,
// failed, cancelled) is no longer shown as "waiting for its first points".
#include <QList>

namespace nas::ui {

class CurveView;
class JobListModel;

// Labels and outcomes of `ids`, then shows their curves.
void showJobCurves(const JobListModel& jobs, CurveView& curves, const QList<qint64>& ids);
// Job `id`'s outcome as the model has it now (a queued, running or interrupted job: running).
void updateJobCurveOutcome(const JobListModel& jobs, CurveView& curves, qint64 id);

}  // namespace nas::ui
