#include "jobs/JobsPanel.h"

#include <QAction>
#include <QDateTime>
#include <QEvent>
#include <QFontDatabase>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QTextOption>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>
#include <algorithm>

#include "common/Json.h"
#include "models/JobListModel.h"
#include "models/MetricDisplay.h"
#include "widgets/Plural.h"
#include "widgets/ProgressBarDelegate.h"

namespace nas::ui {

namespace {

constexpr int kMaxLogLines = 2000;

QString valueHtml(const nas::Json& v) {
  if (v.is_string()) return QString::fromStdString(v.get<std::string>()).toHtmlEscaped();
  if (v.is_number_float()) return QLocale().toString(v.get<double>(), 'g', 6);
  if (v.is_boolean()) return v.get<bool>() ? QObject::tr("yes") : QObject::tr("no");
  QString s = QString::fromStdString(v.dump());
  if (s.size() > 160) s = s.left(157) + QStringLiteral("…");
  return s.toHtmlEscaped();
}

QString objectTable(const nas::Json& obj) {
  QString html = QStringLiteral("<table cellspacing='0' cellpadding='2'>");
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    const QString key = QString::fromStdString(it.key());
    QString value = valueHtml(it.value());
    // Accuracy in percent, as every view shows it (a stored fraction only).
    if (isAccuracyMetric(key) && it.value().is_number()) {
      const double v = it.value().get<double>();
      if (v >= 0.0 && v <= 1.0) value = QLocale().toString(100.0 * v, 'f', 2) + QStringLiteral(" %");
    }
    html += QStringLiteral("<tr><td style='color:#6b7684; padding-right:14px'>%1</td><td>%2</td></tr>")
                .arg(key.toHtmlEscaped(), value);
  }
  return html + QStringLiteral("</table>");
}

}  // namespace

JobsPanel::JobsPanel(JobListModel* model, QWidget* parent) : QWidget(parent), model_(model) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);

  toolBar_ = new QToolBar(this);
  toolBar_->setObjectName(QStringLiteral("jobsToolBar"));
  toolBar_->setIconSize(QSize(18, 18));
  toolBar_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  layout->addWidget(toolBar_);

  proxy_ = new QSortFilterProxyModel(this);
  proxy_->setSourceModel(model_);
  proxy_->setSortRole(JobListModel::SortRole);
  proxy_->setDynamicSortFilter(true);

  table_ = new QTableView(this);
  table_->setObjectName(QStringLiteral("jobsTable"));
  table_->setModel(proxy_);
  table_->setItemDelegateForColumn(JobListModel::ProgressColumn,
                                   new ProgressBarDelegate(JobListModel::ProgressRole, JobListModel::StatusRole, table_));
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  table_->setAlternatingRowColors(true);
  table_->setSortingEnabled(true);
  table_->sortByColumn(JobListModel::IdColumn, Qt::DescendingOrder);
  table_->setShowGrid(false);
  table_->setWordWrap(false);
  table_->setContextMenuPolicy(Qt::ActionsContextMenu);
  table_->verticalHeader()->hide();
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 12);
  QHeaderView* h = table_->horizontalHeader();
  h->setHighlightSections(false);
  h->setStretchLastSection(true);
  h->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
  // Narrow enough that ID..Started fit beside the details at 1024 px; Finished, Error and Worker
  // follow (the error is in full in the details).
  h->resizeSection(JobListModel::IdColumn, 44);
  h->resizeSection(JobListModel::MethodColumn, 110);
  h->resizeSection(JobListModel::StatusColumn, 96);
  h->resizeSection(JobListModel::ProgressColumn, 160);
  h->resizeSection(JobListModel::ElapsedColumn, 92);
  h->resizeSection(JobListModel::StartedColumn, 104);
  h->resizeSection(JobListModel::FinishedColumn, 104);
  table_->viewport()->installEventFilter(this);

  emptyHint_ = new QLabel(table_->viewport());
  emptyHint_->setAlignment(Qt::AlignCenter);
  emptyHint_->setWordWrap(true);
  emptyHint_->setStyleSheet(QStringLiteral("color: palette(mid); padding: 12px;"));
  emptyHint_->setText(tr("No jobs in this workspace yet.\nClick New Job to train a network or run a search,\nor "
                         "Job \u25b8 Fill With the Demo to see every tab at work (about 3 minutes)."));
  emptyHint_->setAttribute(Qt::WA_TransparentForMouseEvents);

  details_ = new QTextBrowser(this);
  details_->setObjectName(QStringLiteral("jobDetails"));
  details_->setFrameShape(QFrame::NoFrame);
  details_->setOpenLinks(false);
  // A path or an architecture string has no spaces to break at: break it anywhere rather than
  // push the pane's text out sideways (issue 21).
  details_->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
  details_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  logView_ = new QPlainTextEdit(this);
  logView_->setObjectName(QStringLiteral("jobLog"));
  logView_->setReadOnly(true);
  logView_->setFrameShape(QFrame::NoFrame);
  // Log lines (errors, paths) wrap at the pane's width: the pane is narrow beside the table.
  logView_->setLineWrapMode(QPlainTextEdit::WidgetWidth);
  logView_->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
  logView_->setMaximumBlockCount(kMaxLogLines);
  QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
  mono.setPointSizeF(std::max(8.0, font().pointSizeF() - 1));
  logView_->setFont(mono);
  detailTabs_ = new QTabWidget(this);
  detailTabs_->setDocumentMode(true);
  detailTabs_->addTab(details_, tr("Details"));
  detailTabs_->addTab(logView_, tr("Log"));

  splitter_ = new QSplitter(Qt::Horizontal, this);
  splitter_->setObjectName(QStringLiteral("jobsSplitter"));
  splitter_->addWidget(table_);
  splitter_->addWidget(detailTabs_);
  // The details get 3/8 and at least 320 px: parameters and results are read there in full.
  splitter_->setStretchFactor(0, 5);
  splitter_->setStretchFactor(1, 3);
  detailTabs_->setMinimumWidth(320);
  splitter_->setSizes({625, 375});
  splitter_->setChildrenCollapsible(false);
  layout->addWidget(splitter_, 1);

  detailsTimer_ = new QTimer(this);
  detailsTimer_->setSingleShot(true);
  detailsTimer_->setInterval(250);
  connect(detailsTimer_, &QTimer::timeout, this, &JobsPanel::refreshDetails);

  connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
    Q_EMIT selectionChanged(selectedJobIds());
    refreshDetails();
  });
  connect(table_, &QTableView::doubleClicked, this, [this](const QModelIndex& idx) {
    Q_EMIT jobActivated(idx.data(JobListModel::JobIdRole).toLongLong());
  });
  connect(model_, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex& tl, const QModelIndex& br) {
    const int row = model_->rowOf(currentJobId());
    if (row >= tl.row() && row <= br.row()) scheduleDetails();
  });
  connect(model_, &QAbstractItemModel::rowsInserted, this, &JobsPanel::updateEmptyHint);
  connect(model_, &QAbstractItemModel::rowsRemoved, this, &JobsPanel::updateEmptyHint);
  connect(model_, &QAbstractItemModel::modelReset, this, &JobsPanel::updateEmptyHint);
  updateEmptyHint();
  refreshDetails();
}

void JobsPanel::setActions(const QList<QAction*>& toolbarActions, const QList<QAction*>& contextActions) {
  toolBar_->clear();
  for (QAction* a : toolbarActions) {
    if (a)
      toolBar_->addAction(a);
    else
      toolBar_->addSeparator();
  }
  for (QAction* a : table_->actions()) table_->removeAction(a);
  for (QAction* a : contextActions) {
    if (a) {
      table_->addAction(a);
    } else {
      auto* sep = new QAction(table_);
      sep->setSeparator(true);
      table_->addAction(sep);
    }
  }
}

QList<qint64> JobsPanel::selectedJobIds() const {
  QList<qint64> ids;
  const QModelIndexList rows = table_->selectionModel()->selectedRows();
  QList<QModelIndex> sorted = rows;
  std::sort(sorted.begin(), sorted.end(), [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
  for (const QModelIndex& idx : sorted) ids << idx.data(JobListModel::JobIdRole).toLongLong();
  return ids;
}

qint64 JobsPanel::currentJobId() const {
  const QList<qint64> ids = selectedJobIds();
  if (ids.size() == 1) return ids.first();
  QModelIndex cur = table_->currentIndex();
  if (ids.isEmpty() || !cur.isValid()) return ids.isEmpty() ? 0 : ids.first();
  return cur.data(JobListModel::JobIdRole).toLongLong();
}

void JobsPanel::selectJob(qint64 id) {
  const int row = model_->rowOf(id);
  if (row < 0) return;
  const QModelIndex idx = proxy_->mapFromSource(model_->index(row, 0));
  table_->selectionModel()->select(idx, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  table_->selectionModel()->setCurrentIndex(idx, QItemSelectionModel::NoUpdate);
  table_->scrollTo(idx);
}

void JobsPanel::appendLog(qint64 id, const QString& line) {
  QStringList& lines = logs_[id];
  const QString stamped = QLocale().toString(QTime::currentTime(), QStringLiteral("HH:mm:ss  ")) + line;
  lines << stamped;
  if (lines.size() > kMaxLogLines) lines.erase(lines.begin(), lines.begin() + (lines.size() - kMaxLogLines));
  if (id == shownLogJob_) {
    QScrollBar* sb = logView_->verticalScrollBar();
    const bool atEnd = sb->value() >= sb->maximum() - 2;
    logView_->appendPlainText(stamped);
    if (atEnd) sb->setValue(sb->maximum());
  }
}

void JobsPanel::appendLogLines(const std::vector<nas::JobLogLine>& lines) {
  for (const nas::JobLogLine& l : lines) {
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(l.at * 1000.0));
    const QString stamped =
        QLocale().toString(at.time(), QStringLiteral("HH:mm:ss  ")) + QString::fromStdString(l.line);
    QStringList& kept = logs_[l.jobId];
    kept << stamped;
    if (kept.size() > kMaxLogLines) kept.erase(kept.begin(), kept.begin() + (kept.size() - kMaxLogLines));
    if (l.jobId == shownLogJob_) {
      QScrollBar* sb = logView_->verticalScrollBar();
      const bool atEnd = sb->value() >= sb->maximum() - 2;
      logView_->appendPlainText(stamped);
      if (atEnd) sb->setValue(sb->maximum());
    }
  }
}

void JobsPanel::clearLogs() {
  logs_.clear();
  shownLogJob_ = -1;
  logView_->clear();
}

void JobsPanel::scheduleDetails() {
  if (!detailsTimer_->isActive()) detailsTimer_->start();
}

void JobsPanel::refreshDetails() {
  const QList<qint64> ids = selectedJobIds();
  const qint64 id = currentJobId();
  const nas::JobRecord* r = id ? model_->job(id) : nullptr;
  if (!r) {
    details_->setHtml(QStringLiteral("<p style='color:#8a93a0'>%1</p>")
                          .arg(tr("Select a job to see its parameters, result and log. Select several to "
                                  "overlay their curves.")));
    if (shownLogJob_ != 0) {
      logView_->clear();
      shownLogJob_ = 0;
    }
    return;
  }
  const JobDisplayStatus st = model_->displayStatus(id);
  QString html = QStringLiteral("<h3 style='margin:2px 0'>%1 <span style='color:#8a93a0; font-weight:normal'>"
                                "#%2</span></h3>")
                     .arg(QString::fromStdString(r->method).toHtmlEscaped())
                     .arg(id);
  html += QStringLiteral("<p style='margin:2px 0'><span style='color:%1'>●</span> %2")
              .arg(jobDisplayStatusColor(st).name(), jobDisplayStatusName(st));
  const int row = model_->rowOf(id);
  const QString stage = model_->index(row, 0).data(JobListModel::StageRole).toString();
  if (!stage.isEmpty() && stage != jobDisplayStatusName(st)) html += QStringLiteral(" · ") + stage.toHtmlEscaped();
  if (ids.size() > 1) html += QStringLiteral(" <span style='color:#8a93a0'>(%1)</span>").arg(tr("%1 selected").arg(plural(ids.size(), tr("job"), tr("jobs"))));
  html += QStringLiteral("</p>");
  if (st == JobDisplayStatus::Interrupted)
    html += QStringLiteral("<p style='color:#9a5b00'>%1</p>")
                .arg(tr("The worker of this job is gone (crashed or killed). Start / Resume continues it from its "
                        "last checkpoint."));
  if (!r->error.empty())
    html += QStringLiteral("<p style='color:#a4281d; white-space:pre-wrap'><b>%1</b> %2</p>")
                .arg(tr("Error:"), QString::fromStdString(r->error).toHtmlEscaped());
  const nas::Json spec = nas::Json::parse(r->specJson, nullptr, false);
  if (!spec.is_discarded() && spec.is_object() && spec.contains("params") && spec["params"].is_object() &&
      !spec["params"].empty())
    html += QStringLiteral("<h4 style='margin:8px 0 2px 0'>%1</h4>").arg(tr("Parameters")) + objectTable(spec["params"]);
  const nas::Json result = nas::Json::parse(r->resultJson.empty() ? std::string("{}") : r->resultJson, nullptr, false);
  if (!result.is_discarded() && result.is_object() && !result.empty())
    html += QStringLiteral("<h4 style='margin:8px 0 2px 0'>%1</h4>").arg(tr("Result")) + objectTable(result);
  auto when = [](double t) {
    return t > 0 ? QLocale().toString(QDateTime::fromSecsSinceEpoch(static_cast<qint64>(t)), QLocale::ShortFormat)
                 : QStringLiteral("—");
  };
  const QString started = r->attempts > 1 ? tr("started %1 · run %2 started %3")
                                               .arg(when(r->firstStartedAt > 0 ? r->firstStartedAt : r->startedAt))
                                               .arg(r->attempts)
                                               .arg(when(r->startedAt))
                                         : tr("started %1").arg(when(r->startedAt));
  html += QStringLiteral("<p style='color:#8a93a0; margin-top:8px'>%1 %2 · %3%4</p>")
              .arg(tr("Created"), when(r->createdAt), started,
                   !r->worker.empty() ? QStringLiteral(" · worker %1").arg(QString::fromStdString(r->worker))
                   : r->pid > 0       ? QStringLiteral(" · pid %1").arg(r->pid)
                                      : QString());
  const int scroll = details_->verticalScrollBar()->value();
  details_->setHtml(html);
  details_->verticalScrollBar()->setValue(scroll);

  if (shownLogJob_ != id) {
    shownLogJob_ = id;
    const QStringList lines = logs_.value(id);
    logView_->setPlainText(lines.isEmpty() ? QString() : lines.join(QLatin1Char('\n')));
    if (lines.isEmpty())
      logView_->setPlaceholderText(tr("The job's log appears here as its worker writes it into the workspace."));
    logView_->verticalScrollBar()->setValue(logView_->verticalScrollBar()->maximum());
  }
}

void JobsPanel::updateEmptyHint() {
  emptyHint_->setVisible(model_->rowCount() == 0);
  emptyHint_->setGeometry(table_->viewport()->rect());
}

bool JobsPanel::eventFilter(QObject* watched, QEvent* event) {
  if (watched == table_->viewport() && event->type() == QEvent::Resize) emptyHint_->setGeometry(table_->viewport()->rect());
  return QWidget::eventFilter(watched, event);
}

}  // namespace nas::ui
