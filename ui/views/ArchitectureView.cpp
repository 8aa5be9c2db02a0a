#include "views/ArchitectureView.h"

#include <QCheckBox>
#include <QClipboard>
#include <QGuiApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMap>
#include <QMutex>
#include <QPainter>
#include <QScrollArea>
#include <QSplitter>
#include <QSvgGenerator>
#include <QTextBrowser>
#include <QToolButton>
#include <QVBoxLayout>
#include <cmath>
#include <exception>

#include "common/Error.h"
#include "jobs/Method.h"
#include "models/MetricDisplay.h"
#include "searchspace/DartsGenotype.h"
#include "searchspace/GraphFormJson.h"
#include "searchspace/Nb201Cell.h"
#include "store/Workspace.h"
#include "views/CellGraphView.h"
#include "views/OpPalette.h"
#include "widgets/ElidedLabel.h"

namespace nas::ui {

namespace {

QMutex& registryMutex() {
  static QMutex m;
  return m;
}

ArchDescription describeNb201(const QString& space, const QString& canonical) {
  ArchDescription d;
  d.space = space;
  d.canonical = canonical;
  const nas::Nb201Cell cell = nas::Nb201Cell::parse(canonical.toStdString());
  d.graph = cell.graph();
  const nas::Nb201MacroConfig config;
  const nas::CostCounts cost = nas::nb201Cost(cell, config);
  d.flops = cost.flops;
  d.params = cost.params;
  d.macro = nb201MacroBlocks(config);
  return d;
}

// DARTS genotypes (the darts/entrannas searches store them under space "darts"): both cells in
// one drawing; costs of DARTS' CIFAR-10 evaluation network (C=36, 20 cells), the published
// figures' size (a workspace record's own figures replace them).
ArchDescription describeDarts(const QString& space, const QString& canonical) {
  ArchDescription d;
  d.space = space;
  d.canonical = canonical;
  const nas::DartsGenotype g = nas::DartsGenotype::parse(canonical.toStdString());
  d.graph = g.graph();
  const nas::DartsCostCounts cost = nas::dartsCost(g);
  d.flops = cost.flops;
  d.params = cost.params;
  return d;
}

QMap<QString, ArchDescriber>& registry() {
  static QMap<QString, ArchDescriber> r{{QStringLiteral("nb201"), describeNb201},
                                        {QStringLiteral("darts"), describeDarts}};
  return r;
}

// A space the GUI has no describer for (a plugin's): the graph a method of the engine gives.
bool describeFromMethods(const nas::MethodRegistry& methods, const QString& space, const QString& canonical,
                         ArchDescription& d) {
  for (const nas::Method* m : methods.all()) {
    const auto j = m->describeArchitecture(space.toStdString(), canonical.toStdString());
    if (!j) continue;
    d.graph = nas::graphFormFromJson(j->at("graph"));
    return true;
  }
  return false;
}

QString opText(const QString& op) {
  if (op.isEmpty()) return QObject::tr("(absent)");
  return OpPalette::style(op).label;
}

}  // namespace

QString EdgeDiff::text() const {
  return QObject::tr("edge %1\u2192%2: %3 \u2192 %4").arg(from).arg(to).arg(opText(opA), opText(opB));
}

QVector<EdgeDiff> diffGraphs(const nas::GraphForm& a, const nas::GraphForm& b) {
  QVector<EdgeDiff> out;
  std::vector<bool> usedB(b.edges.size(), false);
  auto opOf = [](const nas::GraphEdge& e) {
    // An inactive edge reads as `none` whatever its op name says.
    return e.active ? QString::fromStdString(e.op) : QStringLiteral("none");
  };
  for (int i = 0; i < static_cast<int>(a.edges.size()); ++i) {
    const auto& ea = a.edges[i];
    int match = -1;
    for (int j = 0; j < static_cast<int>(b.edges.size()); ++j) {
      if (!usedB[j] && b.edges[j].from == ea.from && b.edges[j].to == ea.to) {
        match = j;
        break;
      }
    }
    if (match < 0) {
      out.push_back({i, -1, ea.from, ea.to, opOf(ea), QString()});
      continue;
    }
    usedB[match] = true;
    const QString oa = opOf(ea), ob = opOf(b.edges[match]);
    if (oa != ob) out.push_back({i, match, ea.from, ea.to, oa, ob});
  }
  for (int j = 0; j < static_cast<int>(b.edges.size()); ++j)
    if (!usedB[j]) out.push_back({-1, j, b.edges[j].from, b.edges[j].to, QString(), opOf(b.edges[j])});
  return out;
}

void ArchitectureView::registerSpace(const QString& space, ArchDescriber describer) {
  QMutexLocker lock(&registryMutex());
  registry().insert(space, std::move(describer));
}

ArchDescription ArchitectureView::describe(const QString& space, const QString& canonical) {
  ArchDescriber fn;
  {
    QMutexLocker lock(&registryMutex());
    fn = registry().value(space);
  }
  if (fn) return fn(space, canonical);
  ArchDescription d;
  d.space = space;
  d.canonical = canonical;
  return d;
}

ArchitectureView::ArchitectureView(QWidget* parent) : QWidget(parent) {
  auto* root = new QVBoxLayout(this);
  root->setContentsMargins(4, 4, 4, 4);
  root->setSpacing(4);

  auto* bar = new QHBoxLayout;
  heading_ = new ElidedLabel(this);
  heading_->setText(tr("No architecture selected"));
  QFont hf = heading_->font();
  hf.setBold(true);
  heading_->setFont(hf);
  heading_->setMinimumWidth(40);  // a long "Compare A… with B…" must not widen the view
  heading_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  showNone_ = new QCheckBox(tr("Show none edges"), this);
  showNone_->setChecked(true);
  showNone_->setToolTip(tr("Draw edges whose op is `none` as dashed lines, or hide them"));
  auto button = [this](const QString& text, const QString& tip) {
    auto* b = new QToolButton(this);
    b->setText(text);
    b->setToolTip(tip);
    b->setAutoRaise(true);
    return b;
  };
  auto* fit = button(tr("Fit"), tr("Fit the cell into the view (double-click, Ctrl+0)"));
  auto* zin = button(tr("Zoom +"), tr("Zoom in (wheel, Ctrl++)"));
  auto* zout = button(tr("Zoom \u2212"), tr("Zoom out (wheel, Ctrl+-)"));
  auto* exp = button(tr("Export\u2026"), tr("Save the cell drawing as SVG or PNG"));
  copy_ = button(tr("Copy String"), tr("Copy the architecture string (DARTS notation, NB201 cell string, ...) to the "
                                      "clipboard; right-click \u201cExport This Architecture\u2026\u201d saves it as genotype JSON"));
  bar->addWidget(heading_, 1);
  bar->addWidget(showNone_);
  bar->addWidget(fit);
  bar->addWidget(zin);
  bar->addWidget(zout);
  bar->addWidget(exp);
  bar->addWidget(copy_);
  root->addLayout(bar);

  auto* main = new QSplitter(Qt::Horizontal, this);
  cells_ = new QSplitter(Qt::Horizontal, main);
  cellA_ = new CellGraphView(cells_);
  cellB_ = new CellGraphView(cells_);
  cellB_->hide();
  // Cells laid out in the background change their size when they arrive: side by side or
  // stacked is decided again then.
  connect(cellA_, &CellGraphView::layoutReady, this, &ArchitectureView::updateCompareOrientation);
  connect(cellB_, &CellGraphView::layoutReady, this, &ArchitectureView::updateCompareOrientation);
  auto* side = new QWidget(main);
  auto* sideLayout = new QVBoxLayout(side);
  sideLayout->setContentsMargins(0, 0, 0, 0);
  info_ = new QTextBrowser(side);
  info_->setOpenLinks(false);
  diffHeading_ = new QLabel(side);
  diffHeading_->setFont(hf);
  diffList_ = new QListWidget(side);
  diffList_->setToolTip(tr("Edges whose op differs between the two architectures (highlighted in both drawings)"));
  diffHeading_->hide();
  diffList_->hide();
  sideLayout->addWidget(info_, 3);
  sideLayout->addWidget(diffHeading_);
  sideLayout->addWidget(diffList_, 1);
  main->addWidget(cells_);
  main->addWidget(side);
  main->setStretchFactor(0, 3);
  main->setStretchFactor(1, 1);
  main->setSizes({700, 300});
  root->addWidget(main, 1);

  macro_ = new MacroView(this);
  auto* scroll = new QScrollArea(this);
  scroll->setWidget(macro_);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
  scroll->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  scroll->setFixedHeight(macro_->sizeHint().height() + 18);
  root->addWidget(scroll);

  connect(showNone_, &QCheckBox::toggled, this, &ArchitectureView::setShowNoneEdges);
  connect(fit, &QToolButton::clicked, this, [this] {
    cellA_->fitToView();
    cellB_->fitToView();
  });
  connect(zin, &QToolButton::clicked, this, [this] {
    cellA_->zoomIn();
    if (comparing_) cellB_->zoomIn();
  });
  connect(zout, &QToolButton::clicked, this, [this] {
    cellA_->zoomOut();
    if (comparing_) cellB_->zoomOut();
  });
  connect(exp, &QToolButton::clicked, this, &ArchitectureView::exportWithDialog);
  connect(copy_, &QToolButton::clicked, this, &ArchitectureView::copyString);
  refreshInfo();
}

ArchitectureView::~ArchitectureView() = default;

void ArchitectureView::setWorkspace(nas::Workspace* workspace) {
  if (workspace == workspace_) return;
  workspace_ = workspace;
  // Ids of another workspace mean nothing here: start empty.
  if (a_.id > 0 || b_.id > 0) showDescription(ArchDescription{});
}

void ArchitectureView::fail(const QString& message) { emit errorOccurred(message); }

ArchDescription ArchitectureView::load(qint64 id) const {
  if (!workspace_) throw nas::Error(nas::ErrorCode::InvalidArgument, "no workspace is open");
  const nas::ArchitectureRecord rec = workspace_->architecture(id);
  ArchDescription d;
  try {
    d = describe(QString::fromStdString(rec.space), QString::fromStdString(rec.canonical));
    if (d.graph.nodes.empty() && methods_) describeFromMethods(methods_(), d.space, d.canonical, d);
  } catch (const std::exception& e) {
    // A string the space cannot parse still shows its text and evaluations.
    d = ArchDescription{};
    d.space = QString::fromStdString(rec.space);
    d.canonical = QString::fromStdString(rec.canonical);
  }
  d.id = rec.id;
  d.flops = rec.flops;  // the stored figures are the reference network's
  d.params = rec.params;
  d.evaluations = workspace_->evaluations(id);
  return d;
}

void ArchitectureView::showArchitecture(qint64 id) {
  try {
    showDescription(load(id));
    emit architectureShown(id);
  } catch (const std::exception& e) {
    fail(tr("Cannot show architecture %1: %2").arg(id).arg(QString::fromUtf8(e.what())));
  }
}

void ArchitectureView::compareArchitectures(qint64 a, qint64 b) {
  try {
    compareDescriptions(load(a), load(b));
  } catch (const std::exception& e) {
    fail(tr("Cannot compare architectures %1 and %2: %3").arg(a).arg(b).arg(QString::fromUtf8(e.what())));
  }
}

void ArchitectureView::showDescription(const ArchDescription& arch) {
  try {
    comparing_ = false;
    a_ = arch;
    b_ = {};
    diffs_.clear();
    cellA_->setTitle(QString());
    cellA_->setGraph(arch.graph);
    cellB_->clear();
    cellB_->hide();
    cells_->setOrientation(Qt::Horizontal);
    macro_->setBlocks(arch.macro);
    macro_->setCaption(std::isnan(arch.flops) ? QString() : costCaption(arch.flops, arch.params));
    refreshInfo();
  } catch (const std::exception& e) {
    fail(QString::fromUtf8(e.what()));
  }
}

void ArchitectureView::compareDescriptions(const ArchDescription& a, const ArchDescription& b) {
  try {
    comparing_ = true;
    a_ = a;
    b_ = b;
    diffs_ = diffGraphs(a.graph, b.graph);
    QSet<int> hiA, hiB;
    for (const EdgeDiff& d : diffs_) {
      if (d.edgeA >= 0) hiA.insert(d.edgeA);
      if (d.edgeB >= 0) hiB.insert(d.edgeB);
    }
    auto title = [](const char* tag, const ArchDescription& x) {
      return x.id > 0 ? QStringLiteral("%1 \u00b7 #%2").arg(QLatin1String(tag)).arg(x.id) : QString::fromLatin1(tag);
    };
    cellA_->setTitle(title("A", a));
    cellA_->setGraph(a.graph);
    cellA_->setHighlightedEdges(hiA);
    cellB_->setTitle(title("B", b));
    cellB_->setGraph(b.graph);
    cellB_->setHighlightedEdges(hiB);
    cellB_->show();
    updateCompareOrientation();
    macro_->setBlocks(a.macro);
    QString caption;
    if (!std::isnan(a.flops)) caption += QStringLiteral("A: ") + costCaption(a.flops, a.params);
    if (!std::isnan(b.flops)) caption += QStringLiteral("    B: ") + costCaption(b.flops, b.params);
    macro_->setCaption(caption);
    refreshInfo();
  } catch (const std::exception& e) {
    fail(QString::fromUtf8(e.what()));
  }
}

Qt::Orientation ArchitectureView::compareOrientation() const { return cells_->orientation(); }

void ArchitectureView::updateCompareOrientation() {
  if (!comparing_) return;
  const QRectF ra = cellA_->scene()->sceneRect(), rb = cellB_->scene()->sceneRect();
  const double w = std::max(ra.width(), rb.width()), h = std::max(ra.height(), rb.height());
  const double W = cells_->width(), H = cells_->height();
  if (w <= 0 || h <= 0 || W <= 0 || H <= 0) return;
  const double sideBySide = std::min(W / 2 / w, H / h), stacked = std::min(W / w, H / 2 / h);
  const Qt::Orientation o = stacked > 1.15 * sideBySide ? Qt::Vertical : Qt::Horizontal;
  if (o != cells_->orientation()) cells_->setOrientation(o);
  cells_->setSizes({1000, 1000});
}

void ArchitectureView::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  updateCompareOrientation();
}

void ArchitectureView::stopComparing() {
  if (comparing_) showDescription(a_);
}

void ArchitectureView::setShowNoneEdges(bool dashed) {
  showNone_->blockSignals(true);
  showNone_->setChecked(dashed);
  showNone_->blockSignals(false);
  cellA_->setShowNoneEdges(dashed);
  cellB_->setShowNoneEdges(dashed);
}

QString ArchitectureView::infoHtml(const ArchDescription& a, const QString& heading) const {
  QString h;
  if (!heading.isEmpty()) h += QStringLiteral("<h4 style='margin:2px 0'>%1</h4>").arg(heading.toHtmlEscaped());
  h += QStringLiteral("<p style='margin:2px 0'><b>%1</b>%2</p>")
           .arg(a.space.toHtmlEscaped(), a.id > 0 ? QStringLiteral(" &nbsp;#%1").arg(a.id) : QString());
  // Break the long canonical string after its node groups so it wraps in a narrow panel.
  QString canon = a.canonical.toHtmlEscaped();
  canon.replace(QLatin1String("+"), QLatin1String("+<wbr>"));
  canon.replace(QLatin1String("|"), QLatin1String("|<wbr>"));
  h += QStringLiteral("<p style='margin:2px 0; font-family:monospace'>%1</p>").arg(canon);
  if (!std::isnan(a.flops))
    h += QStringLiteral("<p style='margin:2px 0'>%1 M FLOPs &middot; %2 M params<br><span style='color:#666'>%3</span></p>")
             .arg(a.flops / 1e6, 0, 'f', 2)
             .arg(a.params / 1e6, 0, 'f', 3)
             .arg(referenceCostNote(a.space).toHtmlEscaped());
  if (!a.evaluations.empty()) {
    // One short block per evaluation rather than a four-column table: the info panel is often
    // narrow (beside a cell view), and table headers then wrap mid-word.
    for (const auto& e : a.evaluations) {
      // Accuracy in percent, as every view shows it (models/MetricDisplay.h).
      const QString metric = QString::fromStdString(e.metric);
      const QString value = isAccuracyMetric(metric) && e.value >= 0.0 && e.value <= 1.0
                                ? QString::number(100.0 * e.value, 'f', 2) + QStringLiteral(" %")
                                : QString::number(e.value, 'g', 6);
      h += QStringLiteral("<p style='margin:4px 0 0 0'><b>%1</b> &nbsp;%2<br>"
                          "<span style='color:#666'>%3 &middot; %4</span></p>")
               .arg(metric.toHtmlEscaped(), value)
               .arg(QString::fromStdString(e.dataset).toHtmlEscaped(), QString::fromStdString(e.source).toHtmlEscaped());
    }
  } else if (a.id > 0) {
    h += QStringLiteral("<p style='margin:2px 0; color:#777'>%1</p>").arg(tr("No evaluations yet"));
  }
  return h;
}

void ArchitectureView::refreshInfo() {
  if (a_.canonical.isEmpty()) {
    heading_->setText(tr("No architecture selected"));
    info_->setHtml(QStringLiteral("<p style='color:#777'>%1</p>")
                       .arg(tr("Click a point in a scatter view or a row of the architecture table.")));
    diffHeading_->hide();
    diffList_->hide();
    return;
  }
  if (!comparing_) {
    heading_->setText(a_.id > 0 ? tr("Architecture #%1").arg(a_.id) : tr("Architecture"));
    info_->setHtml(infoHtml(a_, QString()));
    diffHeading_->hide();
    diffList_->hide();
    return;
  }
  heading_->setText(tr("Compare A%1 with B%2")
                        .arg(a_.id > 0 ? QStringLiteral(" #%1").arg(a_.id) : QString(),
                             b_.id > 0 ? QStringLiteral(" #%1").arg(b_.id) : QString()));
  info_->setHtml(infoHtml(a_, QStringLiteral("A")) + infoHtml(b_, QStringLiteral("B")));
  diffList_->clear();
  for (const EdgeDiff& d : diffs_) {
    auto* item = new QListWidgetItem(d.text(), diffList_);
    item->setToolTip(tr("A: %1, B: %2").arg(d.opA.isEmpty() ? tr("absent") : d.opA,
                                            d.opB.isEmpty() ? tr("absent") : d.opB));
  }
  const int total = std::max(a_.graph.edges.size(), b_.graph.edges.size());
  diffHeading_->setText(diffs_.isEmpty()       ? tr("Same cell: no edge differs")
                        : diffs_.size() == 1 ? tr("1 edge of %1 differs").arg(total)
                                             : tr("%1 edges of %2 differ").arg(diffs_.size()).arg(total));
  diffHeading_->show();
  diffList_->setVisible(!diffs_.isEmpty());
}

namespace {
// Renders the visible cell views next to each other onto `painter`, `scale` pixels per point.
QSizeF cellsSize(const QList<CellGraphView*>& views) {
  QSizeF s(0, 0);
  for (auto* v : views) {
    const QRectF r = v->scene()->sceneRect();
    s.setWidth(s.width() + r.width());
    s.setHeight(std::max(s.height(), r.height()));
  }
  return s;
}
void renderCells(QPainter& painter, const QList<CellGraphView*>& views, double scale) {
  double x = 0;
  for (auto* v : views) {
    const QRectF r = v->scene()->sceneRect();
    v->scene()->render(&painter, QRectF(x * scale, 0, r.width() * scale, r.height() * scale), r);
    x += r.width();
  }
}
}  // namespace

bool ArchitectureView::exportSvg(const QString& path, QString* error) {
  QList<CellGraphView*> views{cellA_};
  if (comparing_) views << cellB_;
  for (auto* v : views) v->waitForLayout();  // the file gets the cells, not "Laying out…"
  const QSizeF size = cellsSize(views);
  QSvgGenerator gen;
  gen.setFileName(path);
  gen.setSize(size.toSize());
  gen.setViewBox(QRectF(QPointF(0, 0), size));
  QPainter painter;
  if (!painter.begin(&gen)) {
    if (error) *error = tr("Cannot write %1").arg(path);
    return false;
  }
  painter.fillRect(QRectF(QPointF(0, 0), size), Qt::white);
  renderCells(painter, views, 1.0);
  painter.end();
  return QFileInfo::exists(path);
}

bool ArchitectureView::exportPng(const QString& path, double scale, QString* error) {
  QList<CellGraphView*> views{cellA_};
  if (comparing_) views << cellB_;
  for (auto* v : views) v->waitForLayout();
  const QSizeF size = cellsSize(views) * scale;
  QImage image(size.toSize(), QImage::Format_ARGB32_Premultiplied);
  image.fill(Qt::white);
  QPainter painter(&image);
  painter.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
  renderCells(painter, views, scale);
  painter.end();
  if (!image.save(path, "PNG")) {
    if (error) *error = tr("Cannot write %1").arg(path);
    return false;
  }
  return true;
}

void ArchitectureView::copyString() {
  QString text = a_.canonical;
  if (comparing_) text += QLatin1Char('\n') + b_.canonical;
  if (!text.trimmed().isEmpty()) QGuiApplication::clipboard()->setText(text);
}

void ArchitectureView::exportWithDialog() {
  try {
    QString selected;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export cell drawing"), QStringLiteral("cell.svg"),
                                                      tr("SVG image (*.svg);;PNG image (*.png)"), &selected);
    if (path.isEmpty()) return;
    QString error;
    const bool ok = path.endsWith(QLatin1String(".png"), Qt::CaseInsensitive) ? exportPng(path, 2.0, &error)
                                                                               : exportSvg(path, &error);
    if (!ok) fail(error);
  } catch (const std::exception& e) {
    fail(QString::fromUtf8(e.what()));
  }
}

}  // namespace nas::ui
