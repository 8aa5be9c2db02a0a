#pragma once
// The contents of the Jobs dock: a tool bar (new, start/resume, cancel, delete), the job table
// (JobListModel through a sort proxy, progress drawn by ProgressBarDelegate) and, beside it,
// the selected job's details (parameters, result, error) and its log: the lines its worker wrote
// into the workspace (WorkspaceWatcher::logPolled), for any job, wherever it was started, plus
// this window's own notes (appendLog).

#include <QHash>
#include <QList>
#include <QStringList>
#include <QWidget>
#include <vector>

#include "store/Records.h"

class QAction;
class QLabel;
class QPlainTextEdit;
class QSortFilterProxyModel;
class QSplitter;
class QTabWidget;
class QTableView;
class QTextBrowser;
class QTimer;
class QToolBar;

namespace nas::ui {

class JobListModel;

class JobsPanel : public QWidget {
  Q_OBJECT

 public:
  explicit JobsPanel(JobListModel* model, QWidget* parent = nullptr);

  QTableView* table() const { return table_; }
  QToolBar* toolBar() const { return toolBar_; }
  QSplitter* splitter() const { return splitter_; }
  void setActions(const QList<QAction*>& toolbarActions, const QList<QAction*>& contextActions);

  QList<qint64> selectedJobIds() const;  // in table order
  qint64 currentJobId() const;
  void selectJob(qint64 id);

  void appendLog(qint64 id, const QString& line);
  // Lines read from the workspace's job log, stamped with the time the worker wrote them.
  void appendLogLines(const std::vector<nas::JobLogLine>& lines);
  QStringList log(qint64 id) const { return logs_.value(id); }
  void clearLogs();

 Q_SIGNALS:
  void selectionChanged(const QList<qint64>& ids);
  void jobActivated(qint64 id);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void refreshDetails();
  void scheduleDetails();
  void updateEmptyHint();

  JobListModel* model_;
  QSortFilterProxyModel* proxy_ = nullptr;
  QToolBar* toolBar_ = nullptr;
  QTableView* table_ = nullptr;
  QSplitter* splitter_ = nullptr;
  QTabWidget* detailTabs_ = nullptr;
  QTextBrowser* details_ = nullptr;
  QPlainTextEdit* logView_ = nullptr;
  QLabel* emptyHint_ = nullptr;
  QTimer* detailsTimer_ = nullptr;
  QHash<qint64, QStringList> logs_;
  qint64 shownLogJob_ = -1;
};

}  // namespace nas::ui
