#include "app/JobCurves.h"

#include "charts/CurveView.h"
#include "models/JobListModel.h"
#include "store/Records.h"

namespace nas::ui {

void showJobCurves(const JobListModel& jobs, CurveView& curves, const QList<qint64>& ids) {
  for (qint64 id : ids) {
    if (const nas::JobRecord* r = jobs.job(id))
      curves.setJobLabel(id, QStringLiteral("#%1 %2").arg(id).arg(QString::fromStdString(nas::jobTitle(*r))));
  }
  for (qint64 id : ids) updateJobCurveOutcome(jobs, curves, id);
  curves.setJobs(ids);
}

void updateJobCurveOutcome(const JobListModel& jobs, CurveView& curves, qint64 id) {
  const nas::JobRecord* r = jobs.job(id);
  if (!r) return;
  using O = CurveView::Outcome;
  O outcome = O::Running;
  switch (jobs.displayStatus(id)) {
    case JobDisplayStatus::Done: outcome = O::Done; break;
    case JobDisplayStatus::Failed: outcome = O::Failed; break;
    case JobDisplayStatus::Cancelled: outcome = O::Cancelled; break;
    default: break;  // queued, running, or interrupted (it may be resumed)
  }
  curves.setJobOutcome(id, outcome, QString::fromStdString(r->error));
}

}  // namespace nas::ui
