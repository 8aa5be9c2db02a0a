// Saves screenshots of the data views on a workspace filled with the NAS-Bench-201 CIFAR-10
// table (15,625 cells, test accuracy, FLOPs/params from the cost model). Run under a display:
//   xvfb-run -s "-screen 0 1600x1000x24" ui_views_screenshots docs/screenshots [cifar10.csv]
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QMouseEvent>
#include <QScreen>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>
#include <cstdio>

#include "models/ArchTableModel.h"
#include "searchspace/Nb201Cell.h"
#include "store/Workspace.h"
#include "views/ArchTableView.h"
#include "views/ArchitectureView.h"
#include "views/CellGraphView.h"
#include "views/ScatterView.h"

#include <qcustomplot.h>

namespace {

void settle(int ms = 300) {
  QElapsedTimer t;
  t.start();
  while (t.elapsed() < ms) {
    QApplication::processEvents(QEventLoop::AllEvents, 20);
    QThread::msleep(10);
  }
}

bool save(QWidget* w, const QString& path) {
  settle();
  nas::ui::CellGraphView::waitForLayouts(w);  // cells lay out in the background
  const bool ok = w->grab().save(path, "PNG");
  std::printf("%s %s\n", ok ? "saved" : "FAILED", qPrintable(path));
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <out-dir> [nb201-cifar10.csv]\n", argv[0]);
    return 2;
  }
  const QString out = QString::fromLocal8Bit(argv[1]);
  const QString csvPath = argc > 2 ? QString::fromLocal8Bit(argv[2])
                                   : QStringLiteral(NAS_SOURCE_DIR "/resources/data/nb201/cifar10.csv");
  QDir().mkpath(out);
  QTemporaryDir dir;
  auto ws = nas::Workspace::open(dir.filePath(QStringLiteral("nb201.nasw")).toStdString());

  QFile csv(csvPath);
  if (!csv.open(QIODevice::ReadOnly | QIODevice::Text)) {
    std::fprintf(stderr, "cannot read %s\n", qPrintable(csvPath));
    return 1;
  }
  QTextStream in(&csv);
  in.readLine();  // header: arch,test_accuracy
  std::int64_t bestId = 0;
  double best = -1;
  ws->transaction([&] {
    std::vector<nas::EvaluationRecord> evals;
    while (!in.atEnd()) {
      const QStringList f = in.readLine().split(QLatin1Char(','));
      if (f.size() < 2) continue;
      const auto cell = nas::Nb201Cell::parse(f[0].toStdString());
      const auto cost = nas::nb201Cost(cell);
      nas::EvaluationRecord e;
      e.archId = ws->upsertArchitecture("nb201", cell.toString(), cost.flops, cost.params);
      e.source = "tabular";
      e.dataset = "cifar10";
      e.metric = "test_accuracy";
      e.value = f[1].toDouble();
      if (e.value > best) {
        best = e.value;
        bestId = e.archId;
      }
      evals.push_back(e);
    }
    ws->addEvaluations(evals);
  });
  std::printf("workspace: %lld architectures, best #%lld (%.2f %%)\n", static_cast<long long>(ws->architectureCount()),
              static_cast<long long>(bestId), best);

  bool ok = true;
  {
    nas::ui::ArchitectureView view;
    view.setWindowTitle(QStringLiteral("Architecture"));
    view.setWorkspace(ws.get());
    view.resize(1200, 640);
    view.show();
    view.showArchitecture(bestId);
    ok &= save(&view, out + QStringLiteral("/cell_view_nb201_optimum.png"));
    ok &= view.exportSvg(out + QStringLiteral("/cell_nb201_optimum.svg"));

    // Compare with a cell two edges away that also has a `none` edge.
    const auto optimum = nas::Nb201Cell::parse(ws->architecture(bestId).canonical);
    auto other = optimum;
    other.setOp(2, nas::Nb201Op::AvgPool3x3);
    other.setOp(4, nas::Nb201Op::None);
    const auto otherRec = ws->findArchitecture("nb201", other.toString());
    view.resize(1400, 700);
    view.compareArchitectures(bestId, otherRec ? otherRec->id : bestId);
    ok &= save(&view, out + QStringLiteral("/cell_compare.png"));
  }
  {
    nas::ui::ScatterView view;
    view.setWindowTitle(QStringLiteral("Scatter"));
    view.resize(1300, 780);
    view.show();
    view.setWorkspace(ws.get());
    // Select the architectures above 94.2 % (as a user's rubber band would).
    QList<qint64> top;
    for (const auto& p : view.points())
      if (p.y > 94.2) top << p.id;
    view.setSelection(top);
    ok &= save(&view, out + QStringLiteral("/scatter_pareto_nb201.png"));

    // Zoomed into the good region (a user's zoom), coloured by params, hovering the optimum:
    // the tooltip is a window of its own, so this one is taken from the screen.
    view.setAxes(QStringLiteral("flops"), QStringLiteral("test_accuracy"), QStringLiteral("params"));
    view.plot()->xAxis->setRange(0, 240);
    view.plot()->yAxis->setRange(84, 95.5);
    view.plot()->replot();
    settle(200);
    for (const auto& p : view.points())
      if (p.id == bestId) {
        const QPoint at(qRound(view.plot()->xAxis->coordToPixel(p.x)), qRound(view.plot()->yAxis->coordToPixel(p.y)));
        QMouseEvent move(QEvent::MouseMove, QPointF(at), QPointF(view.plot()->mapToGlobal(at)), Qt::NoButton,
                         Qt::NoButton, Qt::NoModifier);
        QApplication::sendEvent(view.plot(), &move);
      }
    settle(600);
    const QRect g = view.frameGeometry();
    const QPixmap screen = view.screen()->grabWindow(0, g.x(), g.y(), g.width(), g.height());
    const QString hover = out + QStringLiteral("/scatter_hover_colour.png");
    const bool saved = !screen.isNull() && screen.save(hover, "PNG");
    std::printf("%s %s\n", saved ? "saved" : "FAILED", qPrintable(hover));
    ok &= saved;
  }
  {
    nas::ui::ArchTableView view;
    view.setWindowTitle(QStringLiteral("Architectures"));
    view.resize(1200, 560);
    view.show();
    view.setWorkspace(ws.get());
    view.table()->sortByColumn(nas::ui::ArchTableModel::ColMetric, Qt::DescendingOrder);
    view.setFilterText(QStringLiteral("nor_conv_3x3~0|+"));
    view.table()->selectRow(0);
    ok &= save(&view, out + QStringLiteral("/arch_table.png"));
  }
  return ok ? 0 : 1;
}
