#pragma once
// The list beside a ScatterView's plot: the selected architectures (id and label, at most 500
// listed), a heading with their count and a Clear button; double-click opens one.

#include <QList>
#include <QWidget>
#include <functional>

class QLabel;
class QListWidget;

namespace nas::ui {

class ScatterSelectionList : public QWidget {
  Q_OBJECT

 public:
  explicit ScatterSelectionList(QWidget* parent = nullptr);
  // `label(id)` gives the text after the id (may be empty; may be null).
  void show(const QList<qint64>& ids, const std::function<QString(qint64)>& label);

 Q_SIGNALS:
  void clearClicked();
  void activated(qint64 id);

 private:
  QLabel* heading_;
  QListWidget* list_;
};

}  // namespace nas::ui
