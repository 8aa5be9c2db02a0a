#pragma once
// Two pinned architectures side by side: a layer strip each, the layers where they differ
// highlighted in both, and a line with the differing layers and both costs/accuracies.
#include <QWidget>

#include "engine/PinnedArchitectures.h"

class QLabel;

namespace nas::ui {

class LayerStripView;

class PinnedCompareView : public QWidget {
  Q_OBJECT

 public:
  explicit PinnedCompareView(QWidget* parent = nullptr);

  // Throws nas::Error when a pin lacks drawable layers.
  void compare(const nas::PinnedArchitecture& a, const nas::PinnedArchitecture& b);
  void clear(const QString& message = {});

  QList<int> differingLayers() const;  // 0-based, sorted
  QString summary() const;
  LayerStripView* left() const { return left_; }
  LayerStripView* right() const { return right_; }

 private:
  LayerStripView* left_ = nullptr;
  LayerStripView* right_ = nullptr;
  QLabel* summary_ = nullptr;
  QList<int> differing_;
};

}  // namespace nas::ui
