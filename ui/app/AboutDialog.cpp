#include "app/AboutDialog.h"

#include <QApplication>
#include <QClipboard>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QTabWidget>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

namespace nas::ui {

namespace {

QString jsonString(const nas::Json& j, const char* key, const QString& fallback) {
  if (!j.is_object() || !j.contains(key)) return fallback;
  const nas::Json& v = j.at(key);
  if (v.is_string()) return QString::fromStdString(v.get<std::string>());
  if (v.is_null()) return fallback;
  return QString::fromStdString(v.dump());
}

QString helpHtml() {
  return QObject::tr(R"(
<h3>Getting started</h3>
<p>NAS Studio keeps everything in one <b>workspace</b> file (<code>*.nasdb</code>): jobs, metric curves,
architectures, evaluations and checkpoints. Open or create one with <b>File ▸ Open Workspace…</b> (Ctrl+O) or
<b>File ▸ New Workspace…</b> (Ctrl+N); the last one is reopened on start.</p>
<h3>A first look</h3>
<p>In an empty workspace, <b>Job ▸ Fill With the Demo</b> (or <code>nasstudio-cli demo</code>) runs a few small
real jobs, about 3 minutes on 2 cores, so that every tab below has something to show.</p>
<h3>Running jobs</h3>
<ol>
<li><b>Job ▸ New Job…</b> (Ctrl+J) lists the available methods: training from scratch, the tabular search on the
shipped NAS-Bench-201 table, the latency profile, and the methods of installed plugins. Their parameters form is
built from the method's schema; hover a field for its help, invalid values, missing files and malformed
architecture strings are refused before the job is created.</li>
<li>Each job runs in its own worker process (<code>nasstudio-cli run-job</code>), so a crash never takes the
window down. Progress, stage and elapsed time show in the <b>Jobs</b> panel; its <b>Details</b> tab shows a
failed job's whole error, its <b>Log</b> tab what the worker wrote.</li>
<li><b>Cancel</b> stops a job cleanly and keeps its checkpoint; <b>Start / Resume</b> continues a cancelled or
interrupted job from there. A job whose worker disappeared (killed, machine rebooted) shows as
<i>interrupted</i>. A failed job would fail again as it is: fix the cause and start a new job (or
<code>nasstudio-cli jobs resume</code> it).</li>
<li>Jobs started from the command line (<code>nasstudio-cli run --detach</code> with a
<code>nasstudio-cli worker</code>, or <code>nasstudio-cli run-job</code>) appear here too: the window reads the
workspace every half second.</li>
</ol>
<h3>Curves</h3>
<p>Select one or more jobs in the Jobs panel to plot their metric series in the <b>Curves</b> tab. Choose series
with <b>Series</b>; drag to pan, scroll to zoom. New points keep coming without resetting your zoom;
<b>Fit</b> (or a double-click) follows the data again. Series logged once per epoch get the epoch axis on top,
aligned with the step axis. <b>Export…</b> writes PNG, SVG or PDF.</p>
<h3>Search Results</h3>
<p>The scatter (Pareto front of any two metrics), the architecture table and the cell view read the evaluations
that jobs write to the workspace and refresh as new ones arrive. Pick a <b>Dataset</b> or a <b>Job</b> above
the scatter so that accuracies of different datasets are not mixed; the table's text filter filters the plot
too. Click a point or a row to draw the architecture; select two to compare them.</p>
<h3>Generate</h3>
<p>For a job with a trained generator (SGNAS): move the constraint sliders and the generator proposes an
architecture meeting them at once, with its costs and estimated accuracy; <b>Pin</b> keeps one, two pins can be
compared. From the command line: <code>nasstudio-cli sgnas</code>.</p>
<h3>Latency</h3>
<p>Device profiles of this machine: lookup tables of measured op latencies (a <b>latency-profile</b> job, or
<code>nasstudio-cli latency profile --space nb201</code>) and their validation on whole networks, predicted
against measured (<code>nasstudio-cli latency validate --space nb201</code>).</p>
<h3>Search Progress</h3>
<p>For a search job that works in rounds (AG-Net, NAS-LID): the latent map of the architectures it tried, by
round (use the round slider), and its Pareto front. Click a point to open it in Search Results.</p>
<h3>Heat Maps</h3>
<p>For a job whose samples carry grids (DARTS and EnTranNAS edges by ops, RepNAS layers by branches, NAS-LID
similarities): the architecture weights as heat maps, epoch by epoch, with the derived cells drawn beside them.</p>
<h3>Keyboard</h3>
<table cellspacing="4">
<tr><td><b>Ctrl+N</b></td><td>New workspace</td><td width="24"></td><td><b>Ctrl+J</b></td><td>New job</td></tr>
<tr><td><b>Ctrl+O</b></td><td>Open workspace</td><td></td><td><b>Ctrl+R</b></td><td>Start / resume selected job</td></tr>
<tr><td><b>Ctrl+Q</b></td><td>Quit</td><td></td><td><b>Ctrl+.</b></td><td>Cancel selected job</td></tr>
<tr><td><b>F1</b></td><td>This help</td><td></td><td><b>Ctrl+F</b></td><td>Fit curves</td></tr>
</table>
)");
}

}  // namespace

AboutDialog::AboutDialog(const nas::Json& info, const QString& workspacePath, QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("NAS Studio Help"));
  setObjectName(QStringLiteral("aboutDialog"));

  // Header: icon, name, one-line description.
  auto* icon = new QLabel(this);
  icon->setPixmap(QIcon(QStringLiteral(":/nas/icons/app.svg")).pixmap(64, 64));
  auto* name = new QLabel(this);
  name->setText(QStringLiteral("<span style='font-size:17pt; font-weight:600'>NAS Studio</span>"
                               "&nbsp;&nbsp;<span style='color:#6b7684'>%1</span>")
                    .arg(QApplication::applicationVersion().toHtmlEscaped()));
  auto* tagline = new QLabel(tr("A desktop workbench for neural architecture search: run training and search "
                                "jobs, watch their curves, and inspect, compare and export the architectures "
                                "they find."),
                             this);
  tagline->setWordWrap(true);
  tagline->setStyleSheet(QStringLiteral("color: #4a5563;"));
  auto* headText = new QVBoxLayout;
  headText->addWidget(name);
  headText->addWidget(tagline);
  auto* head = new QHBoxLayout;
  head->addWidget(icon, 0, Qt::AlignTop);
  head->addSpacing(8);
  head->addLayout(headText, 1);

  // Facts.
  const QString libtorch = jsonString(info, "libtorch", tr("unknown"));
  QString devices = tr("unknown");
  if (info.is_object() && info.contains("devices") && info["devices"].is_array()) {
    QStringList d;
    for (const auto& v : info["devices"]) d << QString::fromStdString(v.is_string() ? v.get<std::string>() : v.dump());
    devices = d.join(QStringLiteral(", "));
  }
  QString methods;
  if (info.is_object() && info.contains("methods") && info["methods"].is_array()) {
    QStringList m;
    for (const auto& v : info["methods"]) m << QString::fromStdString(v.is_string() ? v.get<std::string>() : v.dump());
    methods = m.join(QStringLiteral(", "));
  }
  QString plugins = tr("none");
  if (info.is_object() && info.contains("plugins") && info["plugins"].is_array() && !info["plugins"].empty()) {
    QStringList p;
    for (const auto& v : info["plugins"]) {
      QString n = QString::fromStdString(v.value("name", std::string("?")));
      if (!v.value("loaded", true)) n += tr(" (not loaded: %1)").arg(QString::fromStdString(v.value("error", std::string())));
      p << n;
    }
    plugins = p.join(QStringLiteral(", "));
  }
  const QString settingsFile = QSettings().fileName();
  struct Row {
    QString key, value;
    bool path;
  };
  const QList<Row> rows = {
      {tr("NAS Studio"), QApplication::applicationVersion(), false},
      {tr("Engine"), jsonString(info, "version", tr("unknown")), false},
      {tr("Qt"), tr("%1 (built with %2)").arg(QString::fromLatin1(qVersion()), QStringLiteral(QT_VERSION_STR)), false},
      {tr("LibTorch"), libtorch, false},
      {tr("Compute devices"), devices, false},
      {tr("Torch threads"), jsonString(info, "threads", tr("unknown")), false},
      {tr("Methods"), methods, false},
      {tr("Plugins"), plugins, false},
      {tr("Workspace"), workspacePath.isEmpty() ? tr("none open") : QDir::toNativeSeparators(workspacePath), true},
      {tr("Settings"), QDir::toNativeSeparators(settingsFile), true},
  };
  QString html = QStringLiteral("<table cellspacing='6'>");
  for (const Row& r : rows) {
    QString value = r.value.toHtmlEscaped();
    if (r.path && QFileInfo(r.value).isAbsolute())
      value = QStringLiteral("<a href='%1'>%2</a>")
                  .arg(QUrl::fromLocalFile(QFileInfo(r.value).absolutePath()).toString(), value);
    html += QStringLiteral("<tr><td style='color:#6b7684; padding-right:12px' valign='top'>%1</td><td>%2</td></tr>")
                .arg(r.key.toHtmlEscaped(), value);
    facts_ += r.key + QStringLiteral(": ") + r.value + QLatin1Char('\n');
  }
  html += QStringLiteral("</table><p style='color:#6b7684'>") +
          tr("Plots by QCustomPlot (GPL). Graph layout by Graphviz. Licensed under the terms in the packaging "
             "folder.") +
          QStringLiteral("</p>");

  tabs_ = new QTabWidget(this);
  auto* help = new QTextBrowser(tabs_);
  help->setObjectName(QStringLiteral("helpText"));
  help->setHtml(helpHtml());
  help->setOpenExternalLinks(true);
  help->setFrameShape(QFrame::NoFrame);
  auto* about = new QTextBrowser(tabs_);
  about->setObjectName(QStringLiteral("aboutText"));
  about->setHtml(html);
  about->setOpenLinks(false);
  about->setFrameShape(QFrame::NoFrame);
  connect(about, &QTextBrowser::anchorClicked, this, [](const QUrl& url) { QDesktopServices::openUrl(url); });
  tabs_->addTab(help, tr("Getting Started"));
  tabs_->addTab(about, tr("About"));

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  QPushButton* copy = buttons->addButton(tr("Copy Versions"), QDialogButtonBox::ActionRole);
  connect(copy, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(facts_); });
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(head);
  layout->addSpacing(6);
  layout->addWidget(tabs_, 1);
  layout->addWidget(buttons);
  resize(720, 600);
}

}  // namespace nas::ui
