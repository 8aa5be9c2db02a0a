#include "grids/TreeChartView.h"

#include <QFontMetrics>
#include <QPainter>
#include <algorithm>
#include <functional>

namespace nas::ui {

namespace {

constexpr int kPad = 6;          // inside a box
constexpr int kGapX = 14;        // between neighbouring leaves
constexpr int kGapY = 28;        // between levels
constexpr int kMaxBoxWidth = 320;
constexpr int kMargin = 8;

QStringList lines(const nas::TreeChartNode& n) {
  QStringList l{QString::fromStdString(n.label)};
  if (!n.detail.empty()) l += QString::fromStdString(n.detail).split(QLatin1Char('\n'));
  return l;
}

QSize boxSize(const nas::TreeChartNode& n, const QFontMetrics& fm) {
  int w = 0;
  const QStringList l = lines(n);
  for (const auto& s : l) w = std::max(w, fm.horizontalAdvance(s));
  // +4: elidedText() rounds differently from horizontalAdvance() and would cut a line that fits.
  return {std::min(w, kMaxBoxWidth) + 4 + 2 * kPad, int(l.size()) * fm.height() + 2 * kPad};
}

}  // namespace

TreeChartView::TreeChartView(QWidget* parent) : QWidget(parent) {
  setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Minimum);
}

void TreeChartView::setChart(const nas::TreeChart& chart) {
  chart_ = chart;
  updateGeometry();
  update();
}

std::vector<TreeChartView::Placed> TreeChartView::place() const {
  const QFontMetrics fm(font());
  const int titleH = chart_.title.empty() ? 0 : fm.height() + kMargin;
  // Row heights: the tallest box of each depth.
  std::vector<int> rowH;
  std::function<void(const nas::TreeChartNode&, std::size_t)> rows = [&](const nas::TreeChartNode& n, std::size_t d) {
    if (rowH.size() <= d) rowH.push_back(0);
    rowH[d] = std::max(rowH[d], boxSize(n, fm).height());
    for (const auto& c : n.children) rows(c, d + 1);
  };
  rows(chart_.root, 0);
  std::vector<int> rowTop(rowH.size(), kMargin + titleH);
  for (std::size_t d = 1; d < rowH.size(); ++d) rowTop[d] = rowTop[d - 1] + rowH[d - 1] + kGapY;
  // Leaves take the next free x; a parent is centred over its children (and never narrower
  // than its own box: its subtree is widened to fit it).
  std::vector<Placed> out;
  int nextX = kMargin;
  std::function<int(const nas::TreeChartNode&, int, std::size_t)> layout = [&](const nas::TreeChartNode& n, int parent,
                                                                                std::size_t d) {
    const int index = int(out.size());
    out.push_back({&n, parent, QRect()});
    const QSize size = boxSize(n, fm);
    const int start = nextX;
    int centre;
    if (n.children.empty()) {
      centre = nextX + size.width() / 2;
      nextX += size.width() + kGapX;
    } else {
      int first = 0, last = 0;
      for (std::size_t i = 0; i < n.children.size(); ++i) {
        const int c = layout(n.children[i], index, d + 1);
        if (i == 0) first = out[std::size_t(c)].box.center().x();
        last = out[std::size_t(c)].box.center().x();
      }
      centre = (first + last) / 2;
      if (centre - size.width() / 2 < start) centre = start + size.width() / 2;
      nextX = std::max(nextX, centre + size.width() / 2 + kGapX);
    }
    out[std::size_t(index)].box = QRect(centre - size.width() / 2, rowTop[d], size.width(), size.height());
    return index;
  };
  layout(chart_.root, -1, 0);
  return out;
}

std::vector<QRect> TreeChartView::nodeRects() const {
  std::vector<QRect> r;
  for (const auto& p : place()) r.push_back(p.box);
  return r;
}

QSize TreeChartView::sizeHint() const {
  QRect all;
  for (const auto& p : place()) all = all.united(p.box);
  return {all.right() + kMargin, all.bottom() + kMargin};
}

void TreeChartView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  p.fillRect(rect(), Qt::white);
  const QFontMetrics fm(font());
  if (!chart_.title.empty()) {
    p.setPen(QColor(0x33, 0x33, 0x33));
    p.drawText(QRect(kMargin, kMargin, width() - 2 * kMargin, fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
               QString::fromStdString(chart_.title));
  }
  const std::vector<Placed> placed = place();
  p.setPen(QPen(QColor(0x88, 0x88, 0x88), 1.5));
  for (const auto& n : placed)
    if (n.parent >= 0) {
      const QRect& up = placed[std::size_t(n.parent)].box;
      p.drawLine(QPoint(up.center().x(), up.bottom()), QPoint(n.box.center().x(), n.box.top()));
    }
  QFont bold = font();
  bold.setBold(true);
  for (const auto& n : placed) {
    const bool leaf = n.node->children.empty();
    p.setPen(QColor(0x55, 0x55, 0x55));
    p.setBrush(leaf ? QColor(0xe8, 0xf1, 0xfa) : QColor(0xf4, 0xf4, 0xf4));
    p.drawRoundedRect(n.box, 4, 4);
    const QStringList l = lines(*n.node);
    for (int i = 0; i < l.size(); ++i) {
      p.setFont(i == 0 ? bold : font());
      p.setPen(QColor(0x22, 0x22, 0x22));
      const QRect line(n.box.left() + kPad, n.box.top() + kPad + i * fm.height(), n.box.width() - 2 * kPad, fm.height());
      p.drawText(line, Qt::AlignLeft | Qt::AlignVCenter, QFontMetrics(p.font()).elidedText(l[i], Qt::ElideRight, line.width()));
    }
    p.setFont(font());
  }
}

}  // namespace nas::ui
