#include "views/ScatterView.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHash>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPainter>
#include <QSplitter>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <exception>
#include <map>
#include <numeric>

#include "common/Error.h"
#include "search/Pareto.h"
#include "store/Workspace.h"

namespace nas::ui {

namespace {

const QColor kPlain(0x00, 0x72, 0xB2);          // points when there is no colour metric
const QColor kAbsent(0xB4, 0xB4, 0xB4, 200);    // colour metric missing
const QColor kFront(0xD5, 0x5E, 0x00);          // Pareto staircase (vermillion)
const QColor kSelected(0xCC, 0x00, 0x66);
const int kPointSize = 5;

// Viridis: perceptually uniform and readable with the common colour-vision deficiencies.
QCPColorGradient viridis() {
  QCPColorGradient g;
  g.clearColorStops();
  const QColor stops[] = {QColor(68, 1, 84),    QColor(72, 40, 120), QColor(62, 74, 137), QColor(49, 104, 142),
                          QColor(38, 130, 142), QColor(31, 158, 137), QColor(53, 183, 121), QColor(109, 205, 89),
                          QColor(180, 222, 44), QColor(253, 231, 37)};
  const int n = static_cast<int>(std::size(stops));
  for (int i = 0; i < n; ++i) g.setColorStopAt(double(i) / (n - 1), stops[i]);
  g.setColorInterpolation(QCPColorGradient::ciRGB);
  return g;
}

// A pre-rendered disc: drawing a pixmap per point is several times cheaper than an antialiased
// ellipse, which matters at 100k points.
QCPScatterStyle discStyle(const QColor& color, int size = kPointSize) {
  const qreal dpr = qApp ? qApp->devicePixelRatio() : 1.0;
  QPixmap pm(QSize(size + 2, size + 2) * dpr);
  pm.setDevicePixelRatio(dpr);
  pm.fill(Qt::transparent);
  QPainter p(&pm);
  p.setRenderHint(QPainter::Antialiasing);
  p.setPen(QPen(color.darker(115), 0.6));
  p.setBrush(color);
  p.drawEllipse(QRectF(1, 1, size, size));
  p.end();
  return QCPScatterStyle(pm);
}

bool nameHas(const QString& metric, std::initializer_list<const char*> words) {
  const QString m = metric.toLower();
  for (const char* w : words)
    if (m.contains(QLatin1String(w))) return true;
  return false;
}

QString formatValue(double v) {
  if (std::isnan(v)) return QStringLiteral("\u2013");
  return QLocale().toString(v, 'g', 6);
}

}  // namespace

ScatterView::Direction ScatterView::defaultDirection(const QString& metric) {
  if (nameHas(metric, {"acc", "auc", "precision", "recall", "f1", "score", "map", "iou", "tau", "rho", "reward"}))
    return Direction::Maximize;
  if (nameHas(metric, {"flop", "mac", "param", "latency", "time", "loss", "error", "err", "size", "energy",
                       "mem", "ms", "bytes"}))
    return Direction::Minimize;
  return Direction::Maximize;
}

ScatterView::ScatterView(QWidget* parent) : QWidget(parent), pointSize_(kPointSize) {
  auto* root = new QVBoxLayout(this);
  root->setContentsMargins(4, 4, 4, 4);
  root->setSpacing(4);
  auto* bar = new QHBoxLayout;
  auto dirButton = [this] {
    auto* b = new QToolButton(this);
    b->setAutoRaise(true);
    b->setToolTip(tr("Whether smaller or larger is better on this axis (for the Pareto front)"));
    return b;
  };
  xCombo_ = new QComboBox(this);
  yCombo_ = new QComboBox(this);
  cCombo_ = new QComboBox(this);
  for (auto* c : {xCombo_, yCombo_, cCombo_}) {
    c->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    c->setMinimumContentsLength(10);
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
  bar->addWidget(xLabel);
  bar->addWidget(xCombo_);
  bar->addWidget(xDir_);
  bar->addSpacing(8);
  bar->addWidget(yLabel);
  bar->addWidget(yCombo_);
  bar->addWidget(yDir_);
  bar->addSpacing(8);
  bar->addWidget(cLabel);
  bar->addWidget(cCombo_);
  bar->addSpacing(8);
  bar->addWidget(pareto_);
  bar->addStretch(1);
  bar->addWidget(selectButton_);
  bar->addWidget(reset);
  root->addLayout(bar);

  auto* split = new QSplitter(Qt::Horizontal, this);
  plot_ = new QCustomPlot(split);
  plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  plot_->setNoAntialiasingOnDrag(true);
  plot_->setPlottingHints(QCP::phCacheLabels | QCP::phFastPolylines);
  plot_->setMinimumSize(360, 260);
  plot_->installEventFilter(this);
  plot_->setMouseTracking(true);

  colorScale_ = new QCPColorScale(plot_);
  colorScale_->setType(QCPAxis::atRight);
  colorScale_->setGradient(viridis());
  colorScale_->setBarWidth(12);
  auto* margins = new QCPMarginGroup(plot_);
  plot_->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
  colorScale_->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
  colorScale_->setVisible(false);

  // Grey points first so that coloured ones are drawn on top of them.
  greyGraph_ = plot_->addGraph();
  greyGraph_->setLineStyle(QCPGraph::lsNone);
  greyGraph_->setScatterStyle(discStyle(kAbsent));
  greyGraph_->setAdaptiveSampling(true);
  for (int b = 0; b < kColorBuckets; ++b) {
    QCPGraph* g = plot_->addGraph();
    g->setLineStyle(QCPGraph::lsNone);
    g->setAdaptiveSampling(true);
    buckets_.push_back(g);
  }
  frontCurve_ = new QCPCurve(plot_->xAxis, plot_->yAxis);
  frontCurve_->setPen(QPen(kFront, 2.0));
  frontCurve_->setAntialiased(true);
  frontMarks_ = plot_->addGraph();
  frontMarks_->setLineStyle(QCPGraph::lsNone);
  frontMarks_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(kFront.darker(130), 1.4), QColor(255, 255, 255, 120), 8));
  selectedMarks_ = plot_->addGraph();
  selectedMarks_->setLineStyle(QCPGraph::lsNone);
  selectedMarks_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(kSelected, 2.0), Qt::NoBrush, 11));
  // The hover ring lives on its own buffered layer: moving it replots that layer only.
  plot_->addLayer(QStringLiteral("hover"), plot_->layer(QStringLiteral("main")), QCustomPlot::limAbove);  // above "main"
  plot_->layer(QStringLiteral("hover"))->setMode(QCPLayer::lmBuffered);
  hoverMark_ = plot_->addGraph();
  hoverMark_->setLayer(QStringLiteral("hover"));
  hoverMark_->setLineStyle(QCPGraph::lsNone);
  hoverMark_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(QColor(0x20, 0x20, 0x20), 1.8), Qt::NoBrush, 13));
  for (QCPAbstractPlottable* p : {static_cast<QCPAbstractPlottable*>(frontCurve_), static_cast<QCPAbstractPlottable*>(frontMarks_),
                                  static_cast<QCPAbstractPlottable*>(selectedMarks_), static_cast<QCPAbstractPlottable*>(hoverMark_)})
    p->setSelectable(QCP::stNone);

  auto* side = new QWidget(split);
  auto* sideLayout = new QVBoxLayout(side);
  sideLayout->setContentsMargins(0, 0, 0, 0);
  auto* sideBar = new QHBoxLayout;
  selectionHeading_ = new QLabel(tr("Selection"), side);
  auto* clear = new QToolButton(side);
  clear->setText(tr("Clear"));
  clear->setAutoRaise(true);
  sideBar->addWidget(selectionHeading_, 1);
  sideBar->addWidget(clear);
  selectionList_ = new QListWidget(side);
  selectionList_->setToolTip(tr("Double-click to open an architecture"));
  sideLayout->addLayout(sideBar);
  sideLayout->addWidget(selectionList_);
  split->addWidget(plot_);
  split->addWidget(side);
  split->setStretchFactor(0, 4);
  split->setStretchFactor(1, 1);
  split->setSizes({800, 220});
  root->addWidget(split, 1);
  status_ = new QLabel(this);
  status_->setWordWrap(true);  // a long status line must not set the view's minimum width
  root->addWidget(status_);

  auto pickerChanged = [this] {
    if (filling_) return;
    xName_ = xCombo_->currentData().toString();
    yName_ = yCombo_->currentData().toString();
    cName_ = cCombo_->currentData().toString();
    dirX_ = defaultDirection(xName_);
    dirY_ = defaultDirection(yName_);
    syncDirectionButtons();
    userZoomed_ = false;
    load();
  };
  connect(xCombo_, &QComboBox::currentIndexChanged, this, pickerChanged);
  connect(yCombo_, &QComboBox::currentIndexChanged, this, pickerChanged);
  connect(cCombo_, &QComboBox::currentIndexChanged, this, [this] {
    if (filling_) return;
    cName_ = cCombo_->currentData().toString();
    load();
  });
  connect(xDir_, &QToolButton::clicked, this, [this] {
    setDirections(dirX_ == Direction::Minimize ? Direction::Maximize : Direction::Minimize, dirY_);
  });
  connect(yDir_, &QToolButton::clicked, this, [this] {
    setDirections(dirX_, dirY_ == Direction::Minimize ? Direction::Maximize : Direction::Minimize);
  });
  connect(pareto_, &QCheckBox::toggled, this, &ScatterView::setParetoVisible);
  connect(selectButton_, &QToolButton::toggled, this, &ScatterView::setSelectionTool);
  connect(reset, &QToolButton::clicked, this, &ScatterView::resetZoom);
  connect(clear, &QToolButton::clicked, this, &ScatterView::clearSelection);
  connect(selectionList_, &QListWidget::itemDoubleClicked, this, [this](QListWidgetItem* item) {
    const qint64 id = item->data(Qt::UserRole).toLongLong();
    if (id > 0) emit archActivated(id);
  });
  connect(plot_, &QCustomPlot::mouseMove, this, &ScatterView::onMouseMove);
  connect(plot_, &QCustomPlot::mousePress, this, &ScatterView::onMousePress);
  connect(plot_, &QCustomPlot::mouseRelease, this, &ScatterView::onMouseRelease);
  connect(plot_, &QCustomPlot::mouseWheel, this, [this] { userZoomed_ = true; });
  connect(plot_, &QCustomPlot::mouseDoubleClick, this, [this] { resetZoom(); });
  connect(plot_->selectionRect(), &QCPSelectionRect::accepted, this,
          [this](const QRect& rect, QMouseEvent*) { onRubberBand(rect); });
  syncDirectionButtons();
  updateStatus();
  updateSelectionList();
}

ScatterView::~ScatterView() = default;

int ScatterView::graphCount() const { return kColorBuckets + 1; }

void ScatterView::setWorkspace(nas::Workspace* workspace) {
  workspace_ = workspace;
  label_ = {};
  points_.clear();
  selection_.clear();
  userZoomed_ = false;
  fillPickers();
  load();
}

void ScatterView::setSpace(const QString& space) {
  space_ = space;
  refresh();
}

QString ScatterView::xMetric() const { return xName_; }
QString ScatterView::yMetric() const { return yName_; }
QString ScatterView::colorMetric() const { return cName_; }

QString ScatterView::axisTitle(const QString& metric) const {
  if (metric == QLatin1String("flops")) return tr("FLOPs (M)");
  if (metric == QLatin1String("params")) return tr("params (M)");
  return metric;
}

double ScatterView::scaleOf(const QString& metric) const {
  return (workspace_ && (metric == QLatin1String("flops") || metric == QLatin1String("params"))) ? 1e-6 : 1.0;
}

void ScatterView::fillPickers() {
  filling_ = true;
  QStringList metrics{QStringLiteral("flops"), QStringLiteral("params")};
  if (workspace_) {
    try {
      for (const std::string& m : workspace_->metricNames()) metrics << QString::fromStdString(m);
    } catch (const std::exception& e) {
      emit errorOccurred(tr("Cannot read the metric names: %1").arg(QString::fromUtf8(e.what())));
    }
  }
  for (const QString& n : {xName_, yName_, cName_})
    if (!n.isEmpty() && !metrics.contains(n)) metrics << n;
  auto fill = [&](QComboBox* c, bool withNone) {
    c->clear();
    if (withNone) c->addItem(tr("(none)"), QString());
    for (const QString& m : metrics) c->addItem(axisTitle(m), m);
  };
  fill(xCombo_, false);
  fill(yCombo_, false);
  fill(cCombo_, true);
  // Defaults: FLOPs against the first accuracy-like metric.
  if (xName_.isEmpty()) xName_ = QStringLiteral("flops");
  if (yName_.isEmpty()) {
    yName_ = QStringLiteral("params");
    for (const QString& m : metrics)
      if (m.contains(QLatin1String("acc"), Qt::CaseInsensitive)) {
        yName_ = m;
        break;
      }
    if (yName_ == QLatin1String("params") && metrics.size() > 2) yName_ = metrics[2];
    dirX_ = defaultDirection(xName_);
    dirY_ = defaultDirection(yName_);
  }
  xCombo_->setCurrentIndex(std::max(0, xCombo_->findData(xName_)));
  yCombo_->setCurrentIndex(std::max(0, yCombo_->findData(yName_)));
  cCombo_->setCurrentIndex(std::max(0, cCombo_->findData(cName_)));
  filling_ = false;
  syncDirectionButtons();
}

void ScatterView::setAxes(const QString& x, const QString& y, const QString& color) {
  xName_ = x;
  yName_ = y;
  cName_ = color;
  dirX_ = defaultDirection(x);
  dirY_ = defaultDirection(y);
  userZoomed_ = false;
  fillPickers();
  load();
}

void ScatterView::setDirections(Direction x, Direction y) {
  dirX_ = x;
  dirY_ = y;
  syncDirectionButtons();
  if (fadeDominated_) {
    rebuildPlot(true);  // which points are faded follows the front
    return;
  }
  updatePareto();
  updateStatus();
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void ScatterView::syncDirectionButtons() {
  auto text = [](Direction d) { return d == Direction::Minimize ? tr("\u2193 min") : tr("\u2191 max"); };
  xDir_->setText(text(dirX_));
  yDir_->setText(text(dirY_));
}

void ScatterView::setParetoVisible(bool on) {
  if (pareto_->isChecked() != on) {
    pareto_->setChecked(on);  // comes back here through toggled
    return;
  }
  frontCurve_->setVisible(on);
  frontMarks_->setVisible(on);
  if (fadeDominated_) {
    rebuildPlot(true);
    return;
  }
  updateStatus();
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void ScatterView::setFadeDominated(bool on) {
  if (fadeDominated_ == on) return;
  fadeDominated_ = on;
  rebuildPlot(true);
}

void ScatterView::setHomeRange(const QRectF& range) {
  homeRange_ = range.normalized();
  if (!userZoomed_) resetZoom();
}

void ScatterView::setColorRange(double lo, double hi) {
  colorLo_ = lo;
  colorHi_ = hi;
  rebuildPlot(true);
}

void ScatterView::setMetricPickersVisible(bool on) {
  for (QWidget* w : pickerWidgets_) w->setVisible(on);
}

void ScatterView::setParetoControlsVisible(bool on) {
  for (QWidget* w : {static_cast<QWidget*>(xDir_), static_cast<QWidget*>(yDir_), static_cast<QWidget*>(pareto_)})
    w->setVisible(on);
}

void ScatterView::setPointSize(int px) {
  pointSize_ = std::max(2, px);
  rebuildPlot(true);
}

void ScatterView::refresh() {
  if (!workspace_) return;
  try {
    fillPickers();  // new metrics may have arrived
    load();
  } catch (const std::exception& e) {
    emit errorOccurred(QString::fromUtf8(e.what()));
  }
}

void ScatterView::load() {
  if (!workspace_) {
    rebuildPlot(userZoomed_);
    return;
  }
  try {
    const auto raw = workspace_->archPoints(xName_.toStdString(), yName_.toStdString(), cName_.toStdString(),
                                            space_.toStdString());
    const double sx = scaleOf(xName_), sy = scaleOf(yName_), sc = scaleOf(cName_);
    points_.clear();
    points_.reserve(raw.size());
    for (const auto& p : raw) points_.push_back({p.id, p.x * sx, p.y * sy, cName_.isEmpty() ? NAN : p.c * sc});
  } catch (const std::exception& e) {
    points_.clear();
    emit errorOccurred(tr("Cannot load the scatter points: %1").arg(QString::fromUtf8(e.what())));
  }
  rebuildPlot(userZoomed_);
  emit pointsLoaded(static_cast<int>(points_.size()));
}

void ScatterView::setPoints(const std::vector<ScatterPoint>& points, const QString& xName, const QString& yName,
                            const QString& colorName, std::function<QString(qint64)> label) {
  workspace_ = nullptr;
  label_ = std::move(label);
  const bool axesChanged = xName != xName_ || yName != yName_;
  xName_ = xName;
  yName_ = yName;
  cName_ = colorName;
  if (axesChanged) {
    dirX_ = defaultDirection(xName);
    dirY_ = defaultDirection(yName);
    userZoomed_ = false;
  }
  fillPickers();
  points_ = points;
  rebuildPlot(userZoomed_);
  emit pointsLoaded(static_cast<int>(points_.size()));
}

void ScatterView::rebuildPlot(bool keepRange) {
  const QCPRange oldX = plot_->xAxis->range(), oldY = plot_->yAxis->range();
  const int n = static_cast<int>(points_.size());
  xs_.resize(n);
  ys_.resize(n);
  for (int i = 0; i < n; ++i) {
    xs_[i] = points_[i].x;
    ys_[i] = points_[i].y;
  }
  grid_.build(xs_, ys_);
  hovered_ = -1;

  // Colour range over the finite colour values.
  double cmin = INFINITY, cmax = -INFINITY;
  for (const auto& p : points_)
    if (std::isfinite(p.c)) {
      cmin = std::min(cmin, p.c);
      cmax = std::max(cmax, p.c);
    }
  if (colorLo_ <= colorHi_ && cmin <= cmax) {  // a fixed scale, when the caller gave one
    cmin = colorLo_;
    cmax = colorHi_;
  }
  const bool colored = !cName_.isEmpty() && cmin <= cmax;
  if (colored && cmin == cmax) {
    cmin -= 0.5;
    cmax += 0.5;
  }
  QCPColorGradient gradient = viridis();
  for (int b = 0; b < kColorBuckets; ++b) {
    const QColor c = colored ? QColor::fromRgb(gradient.color((b + 0.5) / kColorBuckets, QCPRange(0, 1)))
                             : kPlain;
    buckets_[b]->setScatterStyle(discStyle(c, pointSize_));
  }
  greyGraph_->setScatterStyle(discStyle(kAbsent, pointSize_));

  // The front first: fade-dominated needs it to deal the points.
  updatePareto();
  std::vector<char> faded(n, 0);
  for (int i = 0; i < n; ++i) faded[i] = points_[i].faded ? 1 : 0;
  if (fadeDominated_ && pareto_->isChecked() && !front_.empty()) {
    std::vector<char> onFront(n, 0);
    for (size_t i : front_) onFront[i] = 1;
    for (int i = 0; i < n; ++i) faded[i] = faded[i] || !onFront[i];
  }
  fadedCount_ = static_cast<int>(std::count(faded.begin(), faded.end(), 1));
  if (fadedCount_ > 0 && fadedBuckets_.empty()) {
    // Their own layer below "main", so the prominent points are always drawn over them.
    plot_->addLayer(QStringLiteral("faded"), plot_->layer(QStringLiteral("main")), QCustomPlot::limBelow);
    for (int b = 0; b <= kColorBuckets; ++b) {
      QCPGraph* g = plot_->addGraph();
      g->setLayer(QStringLiteral("faded"));
      g->setLineStyle(QCPGraph::lsNone);
      g->setAdaptiveSampling(true);
      g->setSelectable(QCP::stNone);
      fadedBuckets_.push_back(g);
    }
  }
  for (int b = 0; b < static_cast<int>(fadedBuckets_.size()); ++b) {
    QColor c = b == kColorBuckets ? kAbsent
               : colored             ? QColor::fromRgb(gradient.color((b + 0.5) / kColorBuckets, QCPRange(0, 1)))
                                     : kPlain;
    c.setAlpha(b == kColorBuckets ? 80 : 120);  // light, yet yellow still shows on white
    fadedBuckets_[b]->setScatterStyle(discStyle(c, kPointSize - 1));
  }

  // Order by x once, then deal the points to their buckets: every bucket comes out sorted,
  // as QCPGraph wants, without sorting each again.
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [this](int a, int b) { return xs_[a] < xs_[b]; });
  std::vector<QVector<QCPGraphData>> data(kColorBuckets + 1), fadedData(kColorBuckets + 1);
  for (int i : order) {
    const ScatterPoint& p = points_[i];
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
    int b = 0;
    if (colored) {
      if (!std::isfinite(p.c))
        b = kColorBuckets;
      else
        b = std::clamp(static_cast<int>((p.c - cmin) / (cmax - cmin) * kColorBuckets), 0, kColorBuckets - 1);
    } else if (!cName_.isEmpty()) {
      b = kColorBuckets;  // a colour metric none of the points has
    }
    (faded[i] ? fadedData : data)[b].push_back(QCPGraphData(p.x, p.y));
  }
  for (int b = 0; b < kColorBuckets; ++b) buckets_[b]->data()->set(data[b], true);
  greyGraph_->data()->set(data[kColorBuckets], true);
  for (int b = 0; b < static_cast<int>(fadedBuckets_.size()); ++b) fadedBuckets_[b]->data()->set(fadedData[b], true);

  // A hidden element still takes its column: take the scale out of the layout when unused.
  const bool inLayout = plot_->plotLayout()->hasElement(0, 1);
  if (colored && !inLayout) {
    plot_->plotLayout()->addElement(0, 1, colorScale_);
  } else if (!colored && inLayout) {
    plot_->plotLayout()->take(colorScale_);
    plot_->plotLayout()->simplify();
  }
  colorScale_->setVisible(colored);
  if (colored) {
    colorScale_->setDataRange(QCPRange(cmin, cmax));
    colorScale_->axis()->setLabel(axisTitle(cName_));
  }
  plot_->xAxis->setLabel(axisTitle(xName_));
  plot_->yAxis->setLabel(axisTitle(yName_));

  // Drop selected ids that are gone.
  QHash<qint64, int> present;
  for (int i = 0; i < n; ++i) present.insert(points_[i].id, i);
  QList<qint64> kept;
  for (qint64 id : selection_)
    if (present.contains(id)) kept << id;
  const bool selectionShrank = kept.size() != selection_.size();
  selection_ = kept;

  updateOverlay();
  if (keepRange) {
    plot_->xAxis->setRange(oldX);
    plot_->yAxis->setRange(oldY);
  } else {
    resetZoom();
  }
  updateStatus();
  updateSelectionList();
  plot_->replot(QCustomPlot::rpQueuedReplot);
  if (selectionShrank) emit selectionChanged(selection_);
}

void ScatterView::resetZoom() {
  if (!homeRange_.isNull()) {
    plot_->xAxis->setRange(homeRange_.left(), homeRange_.right());
    plot_->yAxis->setRange(homeRange_.top(), homeRange_.bottom());
    userZoomed_ = false;
    plot_->replot(QCustomPlot::rpQueuedReplot);
    return;
  }
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (const auto& p : points_) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
    x0 = std::min(x0, p.x);
    x1 = std::max(x1, p.x);
    y0 = std::min(y0, p.y);
    y1 = std::max(y1, p.y);
  }
  if (x0 > x1) {
    plot_->xAxis->setRange(0, 1);
    plot_->yAxis->setRange(0, 1);
  } else {
    const double mx = x1 > x0 ? 0.04 * (x1 - x0) : 0.5, my = y1 > y0 ? 0.04 * (y1 - y0) : 0.5;
    plot_->xAxis->setRange(x0 - mx, x1 + mx);
    plot_->yAxis->setRange(y0 - my, y1 + my);
  }
  userZoomed_ = false;
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void ScatterView::updatePareto() {
  std::vector<nas::Point2d> pts(points_.size());
  for (size_t i = 0; i < points_.size(); ++i) pts[i] = {points_[i].x, points_[i].y};
  const bool maxX = dirX_ == Direction::Maximize, maxY = dirY_ == Direction::Maximize;
  front_ = nas::paretoFront(pts, {maxX, maxY});
  // The staircase bounding the dominated region: from each front point to the next, first along
  // x when x is minimised (the next point costs more), first along y when x is maximised.
  QVector<double> t, cx, cy;
  QVector<QCPGraphData> marks;
  for (size_t k = 0; k < front_.size(); ++k) {
    const auto& p = points_[front_[k]];
    if (k > 0) {
      const auto& q = points_[front_[k - 1]];
      cx << (maxX ? q.x : p.x);
      cy << (maxX ? p.y : q.y);
    }
    cx << p.x;
    cy << p.y;
    marks.push_back(QCPGraphData(p.x, p.y));
  }
  t.resize(cx.size());
  std::iota(t.begin(), t.end(), 0.0);
  frontCurve_->setData(t, cx, cy, true);
  frontMarks_->data()->set(marks, true);
}

std::vector<qint64> ScatterView::paretoIds() const {
  std::vector<qint64> ids;
  for (size_t i : front_) ids.push_back(points_[i].id);
  return ids;
}

void ScatterView::updateOverlay() {
  QHash<qint64, int> index;
  if (!selection_.isEmpty())
    for (int i = 0; i < static_cast<int>(points_.size()); ++i) index.insert(points_[i].id, i);
  QVector<QCPGraphData> sel;
  for (qint64 id : selection_) {
    const int i = index.value(id, -1);
    if (i >= 0) sel.push_back(QCPGraphData(points_[i].x, points_[i].y));
  }
  selectedMarks_->data()->set(sel, false);
  QVector<QCPGraphData> hover;
  if (hovered_ >= 0) hover.push_back(QCPGraphData(points_[hovered_].x, points_[hovered_].y));
  hoverMark_->data()->set(hover, true);
}

void ScatterView::updateStatus() {
  const QLocale loc;
  QString s = tr("%1 architectures").arg(loc.toString(static_cast<qlonglong>(points_.size())));
  if (pareto_->isChecked() && !points_.empty())
    s += tr(" \u00b7 %1 on the Pareto front (%2 %3, %4 %5)")
             .arg(front_.size())
             .arg(dirX_ == Direction::Minimize ? tr("min") : tr("max"), axisTitle(xName_),
                  dirY_ == Direction::Minimize ? tr("min") : tr("max"), axisTitle(yName_));
  if (!selection_.isEmpty()) s += tr(" \u00b7 %1 selected").arg(selection_.size());
  s += tr(" \u00b7 hover for details, click to open, Shift+drag to select");
  status_->setText(s);
}

int ScatterView::pointAt(const QPointF& pos, double radiusPx) const {
  if (grid_.empty()) return -1;
  QCPAxis* ax = plot_->xAxis;
  QCPAxis* ay = plot_->yAxis;
  const QRectF rect(QPointF(ax->pixelToCoord(pos.x() - radiusPx), ay->pixelToCoord(pos.y() - radiusPx)),
                    QPointF(ax->pixelToCoord(pos.x() + radiusPx), ay->pixelToCoord(pos.y() + radiusPx)));
  return grid_.nearest(
      rect.normalized(),
      [&](int i) {
        const double dx = ax->coordToPixel(xs_[i]) - pos.x(), dy = ay->coordToPixel(ys_[i]) - pos.y();
        return dx * dx + dy * dy;
      },
      radiusPx * radiusPx);
}

QList<qint64> ScatterView::pointsIn(const QRect& r) const {
  QCPAxis* ax = plot_->xAxis;
  QCPAxis* ay = plot_->yAxis;
  const QRectF rect(QPointF(ax->pixelToCoord(r.left()), ay->pixelToCoord(r.top())),
                    QPointF(ax->pixelToCoord(r.right()), ay->pixelToCoord(r.bottom())));
  QList<qint64> ids;
  for (int i : grid_.inside(rect.normalized())) ids << points_[i].id;
  return ids;
}

QString ScatterView::tooltipFor(int i) const {
  const ScatterPoint& p = points_[i];
  QString html = QStringLiteral("<table cellspacing='0' cellpadding='1'>");
  auto row = [&html](const QString& k, const QString& v) {
    html += QStringLiteral("<tr><td>%1</td><td align='right'>&nbsp;%2</td></tr>").arg(k.toHtmlEscaped(), v);
  };
  QString head = QStringLiteral("#%1").arg(p.id);
  if (workspace_) {
    try {
      const nas::ArchitectureRecord a = workspace_->architecture(p.id);
      head = QStringLiteral("<b>#%1</b> %2<br><span style='font-family:monospace'>%3</span>")
                 .arg(p.id)
                 .arg(QString::fromStdString(a.space).toHtmlEscaped(),
                      QString::fromStdString(a.canonical).toHtmlEscaped());
      row(tr("FLOPs (M)"), formatValue(a.flops / 1e6));
      row(tr("params (M)"), formatValue(a.params / 1e6));
      // The best value per metric and dataset, as the views plot them.
      std::map<std::pair<std::string, std::string>, double> best;
      for (const auto& e : workspace_->evaluations(p.id)) {
        auto key = std::make_pair(e.metric, e.dataset);
        auto it = best.find(key);
        if (it == best.end() || e.value > it->second) best[key] = e.value;
      }
      for (const auto& [key, v] : best)
        row(QString::fromStdString(key.first) + (key.second.empty() ? QString() : QStringLiteral(" (%1)").arg(QString::fromStdString(key.second))),
            formatValue(v));
    } catch (const std::exception& e) {
      row(tr("error"), QString::fromUtf8(e.what()).toHtmlEscaped());
    }
  } else {
    if (tooltip_) return tooltip_(p.id);
    if (label_) head = QStringLiteral("<b>#%1</b> %2").arg(p.id).arg(label_(p.id).toHtmlEscaped());
    row(axisTitle(xName_), formatValue(p.x));
    row(axisTitle(yName_), formatValue(p.y));
    if (!cName_.isEmpty()) row(axisTitle(cName_), formatValue(p.c));
  }
  return head + html + QStringLiteral("</table>");
}

void ScatterView::onMouseMove(QMouseEvent* event) {
  try {
    if (event->buttons() != Qt::NoButton) {
      QToolTip::hideText();
      return;
    }
    const int i = pointAt(event->position());
    if (i == hovered_) return;
    hovered_ = i;
    updateOverlay();
    plot_->layer(QStringLiteral("hover"))->replot();
    if (i < 0)
      QToolTip::hideText();
    else
      QToolTip::showText(event->globalPosition().toPoint(), tooltipFor(i), plot_);
  } catch (const std::exception& e) {
    emit errorOccurred(QString::fromUtf8(e.what()));
  }
}

void ScatterView::onMousePress(QMouseEvent* event) {
  pressPos_ = event->pos();
  pressed_ = event->button() == Qt::LeftButton;
}

void ScatterView::onMouseRelease(QMouseEvent* event) {
  try {
    if (!pressed_) return;
    pressed_ = false;
    const QPoint d = event->pos() - pressPos_;
    if (d.manhattanLength() > 3) {
      if (!selectTool_ && !shiftSelecting_) userZoomed_ = true;  // the user dragged the view
      return;
    }
    const int i = pointAt(event->position());
    if (i >= 0) emit archActivated(points_[i].id);
  } catch (const std::exception& e) {
    emit errorOccurred(QString::fromUtf8(e.what()));
  }
}

void ScatterView::onRubberBand(const QRect& rect) {
  try {
    if (shiftSelecting_) {
      shiftSelecting_ = false;
      if (!selectTool_) plot_->setSelectionRectMode(QCP::srmNone);
    }
    if (rect.normalized().width() < 3 && rect.normalized().height() < 3) return;
    setSelection(pointsIn(rect.normalized()));
  } catch (const std::exception& e) {
    emit errorOccurred(QString::fromUtf8(e.what()));
  }
}

bool ScatterView::eventFilter(QObject* watched, QEvent* event) {
  if (watched == plot_ && event->type() == QEvent::MouseButtonPress) {
    auto* me = static_cast<QMouseEvent*>(event);
    if (!selectTool_ && me->button() == Qt::LeftButton && (me->modifiers() & Qt::ShiftModifier)) {
      shiftSelecting_ = true;
      plot_->setSelectionRectMode(QCP::srmCustom);
    }
  }
  if (watched == plot_ && event->type() == QEvent::Leave && hovered_ >= 0) {
    hovered_ = -1;
    updateOverlay();
    plot_->layer(QStringLiteral("hover"))->replot();
  }
  return QWidget::eventFilter(watched, event);
}

void ScatterView::setSelectionTool(bool on) {
  selectTool_ = on;
  if (selectButton_->isChecked() != on) selectButton_->setChecked(on);
  plot_->setSelectionRectMode(on ? QCP::srmCustom : QCP::srmNone);
}

void ScatterView::setSelection(const QList<qint64>& ids) {
  selection_ = ids;
  updateOverlay();
  updateStatus();
  updateSelectionList();
  plot_->replot(QCustomPlot::rpQueuedReplot);
  emit selectionChanged(selection_);
}

void ScatterView::clearSelection() {
  if (selection_.isEmpty()) return;
  setSelection({});
}

void ScatterView::updateSelectionList() {
  selectionList_->clear();
  selectionHeading_->setText(selection_.isEmpty() ? tr("Selection: Shift+drag in the plot")
                                                  : tr("Selected: %1").arg(selection_.size()));
  const int shown = std::min<int>(selection_.size(), 500);
  // Canonical strings only for the listed ones, one query each: the list stays short.
  for (int k = 0; k < shown; ++k) {
    const qint64 id = selection_[k];
    QString text = QStringLiteral("#%1").arg(id);
    if (workspace_) {
      try {
        text += QStringLiteral("  ") + QString::fromStdString(workspace_->architecture(id).canonical);
      } catch (const std::exception&) {
      }
    } else if (label_) {
      text += QStringLiteral("  ") + label_(id);
    }
    auto* item = new QListWidgetItem(text, selectionList_);
    item->setData(Qt::UserRole, id);
    item->setToolTip(text);
  }
  if (selection_.size() > shown)
    selectionList_->addItem(tr("\u2026 and %1 more").arg(selection_.size() - shown));
}

}  // namespace nas::ui
