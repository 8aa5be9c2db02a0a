#include "app/Appearance.h"

#include <QApplication>
#include <QFont>
#include <QFontDatabase>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>

namespace nas::ui {

void applyAppearance(QApplication& app) {
  // Fusion looks the same everywhere and draws item views, tabs and progress bars cleanly.
  if (QStyle* fusion = QStyleFactory::create(QStringLiteral("Fusion"))) QApplication::setStyle(fusion);

  // Light palette with a blue accent; a desktop's dark mode keeps its own palette.
  QPalette p = QApplication::palette();
  const bool dark = p.color(QPalette::Window).lightness() < 110;
  if (!dark) {
    p.setColor(QPalette::Window, QColor(0xf3, 0xf5, 0xf7));
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::AlternateBase, QColor(0xf7, 0xf9, 0xfb));
    p.setColor(QPalette::Button, QColor(0xf6, 0xf7, 0xf9));
    p.setColor(QPalette::Highlight, QColor(0x2b, 0x6c, 0xb0));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x2b, 0x6c, 0xb0));
    p.setColor(QPalette::Mid, QColor(0x8a, 0x93, 0xa0));
    p.setColor(QPalette::ToolTipBase, QColor(0xff, 0xfd, 0xf2));
    QApplication::setPalette(p);
  }

  // A clean sans-serif: a desktop-chosen font is respected; the generic fallback is replaced
  // by the first good family installed.
  QFont font = QApplication::font();
  if (font.family() == QLatin1String("Sans Serif") || font.family().isEmpty()) {
    const QStringList families = QFontDatabase::families();
    for (const QString& f : {QStringLiteral("Inter"), QStringLiteral("Noto Sans"), QStringLiteral("Cantarell"),
                             QStringLiteral("DejaVu Sans")}) {
      if (families.contains(f)) {
        font.setFamily(f);
        break;
      }
    }
  }
  if (font.pointSizeF() > 0 && font.pointSizeF() < 9.5) font.setPointSizeF(10);
  QApplication::setFont(font);
  (void)app;
}

}  // namespace nas::ui
