#pragma once
// Help ▸ NAS Studio Help (F1): what the application does, how to use it, and where things
// are (workspace, settings, resources), with the versions of the app, Qt and LibTorch taken
// from Engine::info().

#include <QDialog>

#include "common/Json.h"

class QTabWidget;

namespace nas::ui {

class AboutDialog : public QDialog {
  Q_OBJECT

 public:
  // engineInfo: Engine::info() (null when the engine could not be queried).
  AboutDialog(const nas::Json& engineInfo, const QString& workspacePath, QWidget* parent = nullptr);

  QTabWidget* tabs() const { return tabs_; }
  // The facts shown, as plain text (for tests and "Copy").
  QString factsText() const { return facts_; }

 private:
  QTabWidget* tabs_ = nullptr;
  QString facts_;
};

}  // namespace nas::ui
