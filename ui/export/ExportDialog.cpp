#include "export/ExportDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

#include "common/Error.h"
#include "engine/Engine.h"
#include "export/ExportService.h"
#include "store/Workspace.h"

namespace nas::ui {

namespace {

struct FormatItem {
  const char* name;
  const char* label;
};
constexpr FormatItem kFormats[] = {{"onnx", "ONNX (.onnx)"},
                                   {"torchscript", "TorchScript (.pt)"},
                                   {"pytorch", "PyTorch module (.py + weights .pt)"},
                                   {"json", "Genotype JSON (.json)"}};

// One line per architecture: the file name (the full path in the tooltip), weights, self-check.
QString formatSummary(const nas::ExportResult& r) {
  QStringList names;
  for (const auto& f : r.files) names << QFileInfo(QString::fromStdString(f)).fileName();
  QString line = names.join(QStringLiteral(" + "));
  if (r.format != nas::ExportFormat::Json)
    line += QStringLiteral(" \u2014 %1 weights, max |diff| %2")
                .arg(r.trainedWeights ? QStringLiteral("trained") : QStringLiteral("initialised"))
                .arg(r.maxAbsDiff.value_or(0), 0, 'g', 2);
  return line;
}

}  // namespace

ExportDialog::ExportDialog(const QString& workspacePath, const QList<qint64>& ids, QWidget* parent)
    : QDialog(parent), workspacePath_(workspacePath), ids_(ids) {
  setWindowTitle(many() ? tr("Export %1 Architectures").arg(ids.size()) : tr("Export Architecture"));
  setObjectName(QStringLiteral("exportDialog"));
  auto* layout = new QVBoxLayout(this);

  QStringList idText;
  for (int i = 0; i < ids.size() && i < 8; ++i) idText << QString::number(ids[i]);
  if (ids.size() > 8) idText << QStringLiteral("\u2026");
  what_ = new QLabel((ids.size() == 1 ? tr("Architecture %1 of %2") : tr("Architectures %1 of %2"))
                         .arg(idText.join(QStringLiteral(", ")), QFileInfo(workspacePath).fileName()),
                     this);
  what_->setWordWrap(true);
  layout->addWidget(what_);

  auto* form = new QFormLayout;
  format_ = new QComboBox(this);
  for (const auto& f : kFormats) format_->addItem(tr(f.label), QString::fromLatin1(f.name));
  form->addRow(tr("&Format:"), format_);
  auto* row = new QHBoxLayout;
  destination_ = new QLineEdit(this);
  destination_->setMinimumWidth(360);
  browse_ = new QPushButton(tr("Browse\u2026"), this);
  row->addWidget(destination_, 1);
  row->addWidget(browse_);
  form->addRow(many() ? tr("To folder:") : tr("To file:"), row);
  force_ = new QCheckBox(tr("Overwrite existing files"), this);
  form->addRow(QString(), force_);
  layout->addLayout(form);

  auto* note = new QLabel(tr("Trained weights where a job stored them, else initialised ones. Each file is "
                             "checked against the app's forward pass."),
                          this);
  note->setWordWrap(true);
  layout->addWidget(note);

  progress_ = new QProgressBar(this);
  progress_->setRange(0, static_cast<int>(ids.size()));
  progress_->setValue(0);
  progress_->setFormat(tr("%v of %m"));
  layout->addWidget(progress_);
  status_ = new QLabel(this);
  layout->addWidget(status_);
  results_ = new QListWidget(this);
  results_->setMinimumHeight(110);
  layout->addWidget(results_, 1);

  auto* buttons = new QDialogButtonBox(this);
  export_ = buttons->addButton(tr("&Export"), QDialogButtonBox::AcceptRole);
  cancel_ = buttons->addButton(tr("&Stop"), QDialogButtonBox::RejectRole);
  close_ = buttons->addButton(QDialogButtonBox::Close);
  layout->addWidget(buttons);
  cancel_->setEnabled(false);
  export_->setDefault(true);

  connect(export_, &QPushButton::clicked, this, &ExportDialog::start);
  connect(cancel_, &QPushButton::clicked, this, &ExportDialog::cancel);
  connect(close_, &QPushButton::clicked, this, &QDialog::reject);
  connect(browse_, &QPushButton::clicked, this, &ExportDialog::browse);
  connect(format_, &QComboBox::currentIndexChanged, this, &ExportDialog::onFormatChanged);
  connect(destination_, &QLineEdit::textEdited, this, [this] { destinationEdited_ = true; });
  destination_->setText(defaultDestination());
  resize(620, 420);
}

ExportDialog::~ExportDialog() {
  stop_ = true;
  if (worker_.joinable()) worker_.join();  // at most the current architecture
}

QString ExportDialog::defaultDestination() const {
  const QString folder = QFileInfo(workspacePath_).absolutePath();
  if (many()) return folder;
  const QString format = format_->currentData().toString();
  QString suffix = QString::fromLatin1(nas::exportFormatSuffix(nas::exportFormatFromName(format.toStdString())));
  return QDir(folder).filePath(QStringLiteral("arch%1%2").arg(ids_.value(0)).arg(suffix));
}

void ExportDialog::onFormatChanged() {
  if (!destinationEdited_) {
    destination_->setText(defaultDestination());
  } else if (!many()) {  // keep the user's name, change its ending
    QFileInfo f(destination_->text());
    const QString suffix = QString::fromLatin1(
        nas::exportFormatSuffix(nas::exportFormatFromName(format_->currentData().toString().toStdString())));
    destination_->setText(QDir(f.absolutePath()).filePath(f.completeBaseName() + suffix));
  }
}

void ExportDialog::browse() {
  QString chosen = many() ? QFileDialog::getExistingDirectory(this, tr("Export to Folder"), destination_->text())
                          : QFileDialog::getSaveFileName(this, tr("Export to File"), destination_->text(), QString(),
                                                         nullptr, QFileDialog::DontConfirmOverwrite);
  if (chosen.isEmpty()) return;
  destination_->setText(chosen);
  destinationEdited_ = true;
}

void ExportDialog::setRunning(bool running) {
  running_ = running;
  export_->setEnabled(!running);
  cancel_->setEnabled(running);
  close_->setEnabled(!running);
  format_->setEnabled(!running);
  destination_->setEnabled(!running);
  browse_->setEnabled(!running);
  force_->setEnabled(!running);
}

void ExportDialog::start() {
  if (running_) return;
  if (worker_.joinable()) worker_.join();
  results_->clear();
  succeeded_ = failed_ = 0;
  progress_->setValue(0);
  stop_ = false;
  setRunning(true);
  status_->setText(tr("Exporting\u2026"));
  const std::string ws = workspacePath_.toStdString();
  const std::string dest = destination_->text().toStdString();
  const nas::ExportFormat format = nas::exportFormatFromName(format_->currentData().toString().toStdString());
  const bool force = force_->isChecked(), toFolder = many();
  const QList<qint64> ids = ids_;
  worker_ = std::thread([this, ws, dest, format, force, toFolder, ids] {
    std::unique_ptr<nas::Workspace> workspace;
    std::unique_ptr<nas::Engine> engine;  // this thread's: its exporters, the plugins' included
    for (qint64 id : ids) {
      if (stop_) break;
      QString line, tip;
      bool ok = false;
      try {  // nothing may leave this thread
        if (!workspace) workspace = nas::Workspace::openForReading(ws);
        if (!engine) engine = std::make_unique<nas::Engine>();
        const nas::ArchitectureRecord arch = workspace->architecture(id);
        nas::ExportRequest req;
        req.format = format;
        req.force = force;
        req.out = toFolder ? nas::exportFileName(dest, arch, format) : dest;
        const nas::ExportResult r = nas::exportArchitecture(engine->exporters(), *workspace, arch, req);
        line = QStringLiteral("\u2713 arch %1 \u2192 ").arg(id) + formatSummary(r);
        QStringList paths;
        for (const auto& f : r.files) paths << QString::fromStdString(f);
        tip = paths.join(QLatin1Char('\n')) + QLatin1Char('\n') + QString::fromStdString(r.weights);
        ok = true;
      } catch (const std::exception& e) {
        line = QStringLiteral("\u2717 architecture %1: %2").arg(id).arg(QString::fromUtf8(nas::toError(e).what()));
      }
      QMetaObject::invokeMethod(this, [this, line, tip, ok, id] { onOneDone(line, tip, ok, id); },
                                Qt::QueuedConnection);
    }
    QMetaObject::invokeMethod(this, [this] { onAllDone(); }, Qt::QueuedConnection);
  });
}

void ExportDialog::cancel() {
  stop_ = true;
  status_->setText(tr("Stopping after the current architecture\u2026"));
}

void ExportDialog::onOneDone(const QString& line, const QString& tip, bool ok, qint64 id) {
  (ok ? succeeded_ : failed_)++;
  auto* item = new QListWidgetItem(line, results_);
  item->setToolTip(tip.isEmpty() ? line : tip);
  item->setData(Qt::UserRole, id);
  if (!ok) item->setForeground(QColor(0xc0, 0x30, 0x30));
  results_->scrollToBottom();
  progress_->setValue(succeeded_ + failed_);
}

void ExportDialog::onAllDone() {
  if (worker_.joinable()) worker_.join();
  setRunning(false);
  const int total = static_cast<int>(ids_.size());
  QString text = tr("%1 of %2 exported").arg(succeeded_).arg(total);
  if (failed_ > 0) text += tr(", %1 failed").arg(failed_);
  if (succeeded_ + failed_ < total) text += tr(", stopped");
  status_->setText(text);
  Q_EMIT finished(succeeded_, failed_);
}

}  // namespace nas::ui
