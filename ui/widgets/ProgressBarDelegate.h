#pragma once
// Draws a progress bar in a table cell: the fraction comes from a role (0..1), the text
// from Qt::DisplayRole and the bar colour from a status role, so a failed or interrupted job
// keeps its last fraction but looks different from a running one.

#include <QStyledItemDelegate>

namespace nas::ui {

class ProgressBarDelegate : public QStyledItemDelegate {
  Q_OBJECT

 public:
  ProgressBarDelegate(int progressRole, int statusRole, QObject* parent = nullptr);

  void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
  QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

 private:
  int progressRole_;
  int statusRole_;
};

}  // namespace nas::ui
