#pragma once
// The export dialog: one or many architectures of the workspace as ONNX, genotype JSON,
// TorchScript or a PyTorch module (core/export/ExportService.h). One architecture goes to a file
// the user names; many go to a folder as arch<id>-<space>.<suffix>. The exports run on a thread
// of their own (with its own read-only workspace connection) one architecture at a time, with a
// progress bar and a line per architecture (file, weights, self-check or the error); Cancel
// stops after the current one. No exception leaves the thread.
#include <QDialog>
#include <QList>
#include <QString>
#include <atomic>
#include <thread>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;

namespace nas::ui {

class ExportDialog : public QDialog {
  Q_OBJECT
 public:
  // workspacePath: the file the window has open; ids: the architectures to export.
  ExportDialog(const QString& workspacePath, const QList<qint64>& ids, QWidget* parent = nullptr);
  ~ExportDialog() override;

  QComboBox* formatCombo() const { return format_; }
  QLineEdit* destinationEdit() const { return destination_; }
  QCheckBox* forceCheck() const { return force_; }
  QProgressBar* progressBar() const { return progress_; }
  QListWidget* resultList() const { return results_; }
  QPushButton* exportButton() const { return export_; }
  bool running() const { return running_; }
  int succeeded() const { return succeeded_; }
  int failed() const { return failed_; }

 public Q_SLOTS:
  void start();   // the Export button
  void cancel();  // stop after the current architecture

 Q_SIGNALS:
  void finished(int succeeded, int failed);

 private:
  QString defaultDestination() const;
  void browse();
  void onFormatChanged();
  void onOneDone(const QString& line, const QString& tip, bool ok, qint64 id);
  void onAllDone();
  void setRunning(bool running);
  bool many() const { return ids_.size() > 1; }

  QString workspacePath_;
  QList<qint64> ids_;
  QLabel* what_;
  QComboBox* format_;
  QLineEdit* destination_;
  QPushButton* browse_;
  QCheckBox* force_;
  QProgressBar* progress_;
  QLabel* status_;
  QListWidget* results_;
  QPushButton* export_;
  QPushButton* cancel_;
  QPushButton* close_;
  bool destinationEdited_ = false;
  bool running_ = false;
  int succeeded_ = 0, failed_ = 0;
  std::atomic<bool> stop_{false};
  std::thread worker_;
};

}  // namespace nas::ui
