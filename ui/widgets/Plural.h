#pragma once
// "1 job", "3 jobs": English plurals without a translation file (tr's %n needs one).

#include <QLocale>
#include <QString>

namespace nas::ui {

inline QString plural(qint64 n, const QString& one, const QString& many) {
  return QLocale().toString(n) + QLatin1Char(' ') + (n == 1 ? one : many);
}

}  // namespace nas::ui
