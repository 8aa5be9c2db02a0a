#pragma once
// Draws a progress bar in a table cell: the fraction comes from a role (0..1), the text
// from Qt::DisplayRole and the bar colour from a status role, so a failed or interrupted job
// keeps its last fraction but looks different from a running one.

#include <QStyledItemDelegate>

#include "models/JobListModel.h"

namespace nas::ui {

class ProgressBarDelegate : public QStyledItemDelegate {
  Q_OBJECT

 public:
  ProgressBarDelegate(int progressRole, int statusRole, QObject* parent = nullptr);

  void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
  // The bar's colour as drawn for `status` (its fill blended over the light track), and the text
  // colour readable on a background: white or near-black, whichever contrasts more (issue 21: white
  // on the pale grey of a cancelled bar was hard to read).
  static QColor barColor(JobDisplayStatus status);
  static QColor textOn(const QColor& background);
  static double contrastRatio(const QColor& a, const QColor& b);

  QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

 private:
  int progressRole_;
  int statusRole_;
};

}  // namespace nas::ui
