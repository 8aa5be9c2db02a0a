// The main window fits a small screen (issue 21): from 1024x700 up, on every tab, nothing forces
// the window larger, showing a tab does not resize it, and a saved geometry larger than the
// screen is not restored as is.

#include <gtest/gtest.h>

#include <QAbstractScrollArea>
#include <QApplication>
#include <QDockWidget>
#include <QLayout>
#include <QScreen>
#include <QSettings>
#include <QTabWidget>
#include <QWidget>
#include <algorithm>

#include "UiTestSupport.h"
#include "app/MainWindow.h"
#include "app/ResultsTab.h"
#include <qcustomplot.h>
#include "views/ScatterView.h"

using nas::ui::MainWindow;

namespace {

// A widget inside a scroll area may be larger than the window: it scrolls.
bool insideScrollArea(const QWidget* w) {
  for (const QWidget* p = w->parentWidget(); p; p = p->parentWidget())
    if (const auto* area = qobject_cast<const QAbstractScrollArea*>(p->parentWidget()); area && area->viewport() == p)
      return true;
  return false;
}

// What a layout will at least give `w`: its minimum size where set, else its minimum size hint.
QSize effectiveMinimum(const QWidget* w) {
  const QSize set = w->minimumSize();
  QSize hint = w->minimumSizeHint();
  if (w->sizePolicy().horizontalPolicy() == QSizePolicy::Ignored) hint.setWidth(0);
  if (w->sizePolicy().verticalPolicy() == QSizePolicy::Ignored) hint.setHeight(0);
  return QSize(set.width() > 0 ? set.width() : std::max(0, hint.width()),
               set.height() > 0 ? set.height() : std::max(0, hint.height()));
}

// The widgets (visible, not scrolled) whose minimum size is wider or taller than `limit`.
QStringList tooLarge(QWidget* root, const QSize& limit) {
  QStringList out;
  const auto widgets = root->findChildren<QWidget*>();
  for (QWidget* w : widgets) {
    if (!w->isVisible() || w->isWindow() || insideScrollArea(w)) continue;
    const QSize min = effectiveMinimum(w);
    if (min.width() > limit.width() || min.height() > limit.height())
      out << QStringLiteral("%1 (%2) min %3x%4")
                 .arg(w->objectName(), QString::fromLatin1(w->metaObject()->className()))
                 .arg(min.width())
                 .arg(min.height());
  }
  return out;
}

}  // namespace

TEST(Layout, EveryTabFitsA1024x700Window) {
  const QSize small(1024, 700);
  MainWindow window;
  ASSERT_TRUE(window.openWorkspace(nas::ui::test::newWorkspacePath(QStringLiteral("layout")), nullptr, true));
  window.resize(small);
  window.show();
  QApplication::processEvents();
  const QSize hint = window.minimumSizeHint();
  EXPECT_LE(hint.width(), small.width()) << hint.width();
  EXPECT_LE(hint.height(), small.height()) << hint.height();
  QTabWidget* tabs = window.centralTabs();
  for (int i = 0; i < tabs->count(); ++i) {
    tabs->setCurrentIndex(i);
    QApplication::processEvents();
    const QString tab = tabs->tabText(i);
    EXPECT_EQ(window.size(), small) << tab.toStdString() << ": the window became " << window.width() << "x"
                                    << window.height();
    const QSize h = window.minimumSizeHint();
    EXPECT_TRUE(h.width() <= small.width() && h.height() <= small.height())
        << tab.toStdString() << ": minimumSizeHint " << h.width() << "x" << h.height();
    const QSize m = window.minimumSize();
    EXPECT_TRUE(m.width() <= small.width() && m.height() <= small.height()) << tab.toStdString();
    // A page may scroll vertically inside a small window, never sideways.
    if (auto* area = qobject_cast<QAbstractScrollArea*>(tabs->widget(i))) {
      const QWidget* page = area->viewport()->findChildren<QWidget*>(Qt::FindDirectChildrenOnly).value(0);
      ASSERT_NE(page, nullptr) << tab.toStdString();
      EXPECT_LE(effectiveMinimum(page).width(), area->viewport()->width()) << tab.toStdString();
    }
    const QStringList big = tooLarge(&window, small);
    EXPECT_TRUE(big.isEmpty()) << tab.toStdString() << ": " << big.join(QStringLiteral("; ")).toStdString();
  }
  window.close();
}

// Without a saved layout the Jobs dock takes at most 28 % of a small window, leaving the pages
// (the Search Results table most of all) the rest.
TEST(Layout, TheJobsDockLeavesASmallWindowsPagesTheirRoom) {
  QSettings().remove(QStringLiteral("window/state"));
  MainWindow window;
  ASSERT_TRUE(window.openWorkspace(nas::ui::test::newWorkspacePath(QStringLiteral("dock")), nullptr, true));
  window.resize(1024, 700);
  window.show();
  QApplication::processEvents();
  auto* dock = window.findChild<QDockWidget*>(QStringLiteral("jobsDock"));
  ASSERT_NE(dock, nullptr);
  EXPECT_LE(dock->height(), 700 * 30 / 100) << dock->height();
  EXPECT_GE(dock->height(), 150);
  window.close();
}

// At 1024x700 the Search Results plot gets the room the tab is for: it was a strip about a
// quarter of the page tall, under three rows of controls and a status line wrapped to three
// lines, beside an empty selection list.
TEST(Layout, TheSearchResultsPlotGetsItsRoomInASmallWindow) {
  QSettings().remove(QStringLiteral("window/state"));
  MainWindow window;
  ASSERT_TRUE(window.openWorkspace(nas::ui::test::newWorkspacePath(QStringLiteral("plot")), nullptr, true));
  window.resize(1024, 700);
  window.show();
  auto* results = window.findChild<nas::ui::ResultsTab*>();
  ASSERT_NE(results, nullptr);
  QTabWidget* tabs = window.centralTabs();
  for (int i = 0; i < tabs->count(); ++i)
    if (tabs->widget(i)->isAncestorOf(results) || tabs->widget(i) == results) tabs->setCurrentIndex(i);
  QApplication::processEvents();
  const QWidget* page = window.centralTabs()->currentWidget();
  const QWidget* plot = results->scatter()->plot();
  ASSERT_TRUE(plot->isVisible());
  EXPECT_GE(plot->height(), page->height() * 2 / 5) << plot->height() << " of " << page->height();
  EXPECT_GE(plot->width(), results->scatter()->width() * 9 / 10) << plot->width() << " of " << results->scatter()->width();
  window.close();
}

TEST(Layout, ASavedGeometryLargerThanTheScreenIsNotRestored) {
  {
    MainWindow window;
    window.setMinimumSize(0, 0);
    window.resize(5000, 4000);
    window.close();  // saves the geometry
  }
  MainWindow again;
  const QRect avail = again.screen()->availableGeometry();
  EXPECT_LE(again.width(), avail.width());
  EXPECT_LE(again.height(), avail.height());
  QSettings().remove(QStringLiteral("window/geometry"));
}
