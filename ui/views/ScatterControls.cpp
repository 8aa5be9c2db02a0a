#include "views/ScatterControls.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>

#include "views/ScatterSource.h"

namespace nas::ui {

ScatterControls::ScatterControls(QWidget* parent) : QWidget(parent) {
  auto* bar = new QHBoxLayout(this);
  bar->setContentsMargins(0, 0, 0, 0);
  auto dirButton = [this] {
    auto* b = new QToolButton(this);
    b->setAutoRaise(true);
    b->setToolTip(tr("Whether smaller or larger is better on this axis (for the Pareto front)"));
    return b;
  };
  xCombo_ = new QComboBox(this);
  yCombo_ = new QComboBox(this);
  cCombo_ = new QComboBox(this);
  // Not sized to the longest metric name: a row of three wide pickers would set the minimum
  // width of every view that shows a scatter (issue 21); they grow when there is room.
  for (auto* c : {xCombo_, yCombo_, cCombo_}) {
    c->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    c->setMinimumContentsLength(6);
    c->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  }
  xDir_ = dirButton();
  yDir_ = dirButton();
  pareto_ = new QCheckBox(tr("Pareto front"), this);
  pareto_->setChecked(true);
  selectButton_ = new QToolButton(this);
  selectButton_->setText(tr("Select"));
  selectButton_->setCheckable(true);
  selectButton_->setToolTip(tr("Drag a rectangle to select architectures (or hold Shift while dragging)"));
  auto* reset = new QToolButton(this);
  reset->setText(tr("Reset zoom"));
  reset->setToolTip(tr("Show all points (double-click the plot does the same)"));
  auto* xLabel = new QLabel(tr("X"), this);
  auto* yLabel = new QLabel(tr("Y"), this);
  auto* cLabel = new QLabel(tr("Colour"), this);
  pickerWidgets_ = {xLabel, xCombo_, yLabel, yCombo_, cLabel, cCombo_};
  // Two rows: the axis pickers, then colour and the plot tools; one row would set the minimum
  // width of every view showing a scatter (issue 21: the window must fit 1024 px).
  auto* rows = new QVBoxLayout;
  rows->setContentsMargins(0, 0, 0, 0);
  rows->setSpacing(2);
  auto* top = new QHBoxLayout;
  auto* bottom = new QHBoxLayout;
  for (QWidget* w : {static_cast<QWidget*>(xLabel), static_cast<QWidget*>(xCombo_), static_cast<QWidget*>(xDir_)})
    top->addWidget(w);
  top->addSpacing(8);
  for (QWidget* w : {static_cast<QWidget*>(yLabel), static_cast<QWidget*>(yCombo_), static_cast<QWidget*>(yDir_)})
    top->addWidget(w);
  bottom->addWidget(cLabel);
  bottom->addWidget(cCombo_);
  bottom->addSpacing(8);
  bottom->addWidget(pareto_);
  bottom->addStretch(1);
  bottom->addWidget(selectButton_);
  bottom->addWidget(reset);
  rows->addLayout(top);
  rows->addLayout(bottom);
  bar->addLayout(rows, 1);

  auto picked = [this] {
    if (!filling_) Q_EMIT axesPicked();
  };
  connect(xCombo_, &QComboBox::currentIndexChanged, this, picked);
  connect(yCombo_, &QComboBox::currentIndexChanged, this, picked);
  connect(cCombo_, &QComboBox::currentIndexChanged, this, [this] {
    if (!filling_) Q_EMIT colorPicked();
  });
  connect(xDir_, &QToolButton::clicked, this, &ScatterControls::xDirectionClicked);
  connect(yDir_, &QToolButton::clicked, this, &ScatterControls::yDirectionClicked);
  connect(pareto_, &QCheckBox::toggled, this, &ScatterControls::paretoToggled);
  connect(selectButton_, &QToolButton::toggled, this, &ScatterControls::selectToolToggled);
  connect(reset, &QToolButton::clicked, this, &ScatterControls::resetZoomClicked);
}

void ScatterControls::setMetrics(const QStringList& metrics, const QStringList& titles, const QString& x,
                                 const QString& y, const QString& color) {
  filling_ = true;
  auto fill = [&](QComboBox* c, bool withNone) {
    c->clear();
    if (withNone) c->addItem(tr("(none)"), QString());
    for (int i = 0; i < metrics.size(); ++i) c->addItem(i < titles.size() ? titles[i] : metrics[i], metrics[i]);
  };
  fill(xCombo_, false);
  fill(yCombo_, false);
  fill(cCombo_, true);
  xCombo_->setCurrentIndex(std::max(0, xCombo_->findData(x)));
  yCombo_->setCurrentIndex(std::max(0, yCombo_->findData(y)));
  cCombo_->setCurrentIndex(std::max(0, cCombo_->findData(color)));
  filling_ = false;
}

QString ScatterControls::x() const { return xCombo_->currentData().toString(); }
QString ScatterControls::y() const { return yCombo_->currentData().toString(); }
QString ScatterControls::color() const { return cCombo_->currentData().toString(); }

void ScatterControls::showDirections(bool maximizeX, bool maximizeY) {
  auto text = [](bool max) { return max ? tr("\u2191 max") : tr("\u2193 min"); };
  xDir_->setText(text(maximizeX));
  yDir_->setText(text(maximizeY));
}

bool ScatterControls::paretoChecked() const { return pareto_->isChecked(); }
void ScatterControls::setParetoChecked(bool on) { pareto_->setChecked(on); }

void ScatterControls::setSelectToolChecked(bool on) {
  if (selectButton_->isChecked() != on) selectButton_->setChecked(on);
}

void ScatterControls::setPickersVisible(bool on) {
  for (QWidget* w : pickerWidgets_) w->setVisible(on);
}

void ScatterControls::setParetoControlsVisible(bool on) {
  for (QWidget* w : {static_cast<QWidget*>(xDir_), static_cast<QWidget*>(yDir_), static_cast<QWidget*>(pareto_)})
    w->setVisible(on);
}

}  // namespace nas::ui
