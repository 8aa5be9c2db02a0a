#include "generate/PinnedCompareView.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <algorithm>

#include "generate/ConstraintSlider.h"
#include "views/LayerStripView.h"

namespace nas::ui {

namespace {
QString pinCaption(const nas::PinnedArchitecture& p) {
  QString s = QStringLiteral("#%1  %2 MACs, %3 params")
                  .arg(p.arch)
                  .arg(ConstraintSlider::formatValue(p.flops, {}), ConstraintSlider::formatValue(static_cast<double>(p.params), {}));
  if (p.accuracy) s += QStringLiteral(", acc %1 %").arg(100.0 * *p.accuracy, 0, 'f', 1);
  return s;
}
}  // namespace

PinnedCompareView::PinnedCompareView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* row = new QHBoxLayout;
  left_ = new LayerStripView(this);
  left_->setObjectName(QStringLiteral("compareLeft"));
  right_ = new LayerStripView(this);
  right_->setObjectName(QStringLiteral("compareRight"));
  row->addWidget(left_, 1);
  row->addWidget(right_, 1);
  summary_ = new QLabel(this);
  summary_->setObjectName(QStringLiteral("compareSummary"));
  summary_->setWordWrap(true);
  layout->addLayout(row);
  layout->addWidget(summary_);
  clear();
}

void PinnedCompareView::clear(const QString& message) {
  differing_.clear();
  left_->clear();
  right_->clear();
  left_->setPlaceholder(tr("Select two pinned architectures to compare"));
  right_->setPlaceholder(QStringLiteral(" "));
  summary_->setText(message);
}

void PinnedCompareView::compare(const nas::PinnedArchitecture& a, const nas::PinnedArchitecture& b) {
  const auto la = LayerStripView::layersFromJson(a.generated.value("layers", nas::Json()));
  const auto lb = LayerStripView::layersFromJson(b.generated.value("layers", nas::Json()));
  const QSet<int> diff = LayerStripView::differingLayers(la, lb);
  differing_ = QList<int>(diff.begin(), diff.end());
  std::sort(differing_.begin(), differing_.end());
  left_->setLayers(la);
  right_->setLayers(lb);
  left_->setHighlighted(diff);
  right_->setHighlighted(diff);
  left_->setCaption(pinCaption(a));
  right_->setCaption(pinCaption(b));
  left_->setToolTip(QString::fromStdString(a.canonical));
  right_->setToolTip(QString::fromStdString(b.canonical));
  summary_->setText(summary());
}

QList<int> PinnedCompareView::differingLayers() const { return differing_; }

QString PinnedCompareView::summary() const {
  if (differing_.isEmpty()) return tr("The two architectures are the same.");
  QStringList names;
  for (int l : differing_) names << QStringLiteral("L%1").arg(l + 1);
  return tr("Differ in %n layer(s): %1 (highlighted)", nullptr, static_cast<int>(differing_.size())).arg(names.join(QStringLiteral(", ")));
}

}  // namespace nas::ui
