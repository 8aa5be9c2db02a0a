#pragma once
// One architecture (cell graph, macro strip, canonical string, cost, known evaluations), or two
// side by side with the differing edges marked and listed ("edge 1→3: conv3x3 → skip").
// Fed either by workspace ids or by ArchDescription data; search spaces register a describer
// that turns (space, canonical) into a graph and macro blocks (NAS-Bench-201 and DARTS are built
// in; a DARTS genotype draws its normal and reduction cells side by side in one graph).

#include <QString>
#include <QVector>
#include <QWidget>
#include <functional>
#include <limits>
#include <vector>

#include "searchspace/GraphForm.h"
#include "store/Records.h"
#include "views/MacroView.h"

class QCheckBox;
class QLabel;
class QListWidget;
class QSplitter;
class QTextBrowser;
class QToolButton;

namespace nas {
class MethodRegistry;
class Workspace;
}

namespace nas::ui {

class CellGraphView;
class ElidedLabel;

struct ArchDescription {
  qint64 id = 0;  // workspace id; 0 when the architecture is not stored
  QString space;
  QString canonical;
  nas::GraphForm graph;  // empty when the space has no drawing
  QVector<MacroBlock> macro;
  double flops = std::numeric_limits<double>::quiet_NaN();
  qint64 params = -1;
  std::vector<nas::EvaluationRecord> evaluations;
};

// An edge that differs between two graphs. Edges are matched by (from, to), several edges
// between the same nodes in order. An index of -1 means the edge is absent on that side.
struct EdgeDiff {
  int edgeA = -1, edgeB = -1;
  int from = 0, to = 0;
  QString opA, opB;  // machine names; empty when absent
  QString text() const;  // "edge 1→3: conv3x3 → skip"
};
QVector<EdgeDiff> diffGraphs(const nas::GraphForm& a, const nas::GraphForm& b);

using ArchDescriber = std::function<ArchDescription(const QString& space, const QString& canonical)>;

class ArchitectureView : public QWidget {
  Q_OBJECT
 public:
  explicit ArchitectureView(QWidget* parent = nullptr);
  ~ArchitectureView() override;

  // Adds or replaces the describer of a space. Describers throw nas::Error on bad strings.
  static void registerSpace(const QString& space, ArchDescriber describer);
  // Uses the registered describer; an unknown space gives a description without a graph.
  static ArchDescription describe(const QString& space, const QString& canonical);
  // Stored architectures of a space without a describer (a plugin's, such as SGNAS's chains)
  // are drawn from the graph a method of these provides (Method::describeArchitecture).
  using MethodsProvider = std::function<const nas::MethodRegistry&()>;
  void setMethodsProvider(MethodsProvider provider) { methods_ = std::move(provider); }

  void setWorkspace(nas::Workspace* workspace);  // not owned; may be null
  nas::Workspace* workspace() const { return workspace_; }

  bool isComparing() const { return comparing_; }
  const ArchDescription& current() const { return a_; }
  const ArchDescription& other() const { return b_; }
  const QVector<EdgeDiff>& differences() const { return diffs_; }
  CellGraphView* cellView() const { return cellA_; }
  CellGraphView* compareCellView() const { return cellB_; }
  MacroView* macroView() const { return macro_; }

  // Compare mode puts the two cells next to each other, or one above the other when that
  // draws wide cells larger.
  Qt::Orientation compareOrientation() const;

  bool exportSvg(const QString& path, QString* error = nullptr);
  bool exportPng(const QString& path, double scale = 2.0, QString* error = nullptr);

 public slots:
  void showArchitecture(qint64 id);                   // from the workspace
  void compareArchitectures(qint64 a, qint64 b);      // from the workspace
  void showDescription(const nas::ui::ArchDescription& arch);
  void compareDescriptions(const nas::ui::ArchDescription& a, const nas::ui::ArchDescription& b);
  void stopComparing();
  void setShowNoneEdges(bool dashed);
  void exportWithDialog();
  void copyString();  // the shown architecture's string (both, one per line, when comparing)

 signals:
  void errorOccurred(const QString& message);
  void architectureShown(qint64 id);

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  void updateCompareOrientation();
  ArchDescription load(qint64 id) const;
  void refreshInfo();
  QString infoHtml(const ArchDescription& a, const QString& heading) const;
  void fail(const QString& message);

  nas::Workspace* workspace_ = nullptr;
  MethodsProvider methods_;
  ArchDescription a_, b_;
  bool comparing_ = false;
  QVector<EdgeDiff> diffs_;

  QToolButton* copy_;
  QCheckBox* showNone_;
  ElidedLabel* heading_;  // cut with an ellipsis (whole text in its tooltip) when the bar is narrow
  QSplitter* cells_;
  CellGraphView* cellA_;
  CellGraphView* cellB_;
  MacroView* macro_;
  QTextBrowser* info_;
  QLabel* diffHeading_;
  QListWidget* diffList_;
};

}  // namespace nas::ui
