#pragma once
// Colours and short labels for the operations drawn on cell edges. A fixed colour-blind-safe
// palette (Okabe & Ito, 2008) for the ops of the known spaces, and a stable fallback colour for
// any other op name, so that cells of later spaces are drawn without a code change.

#include <QColor>
#include <QString>

namespace nas::ui {

struct OpStyle {
  QColor color;      // line colour
  QString label;     // short label drawn on the edge ("conv3x3")
  bool none = false; // the op carries nothing (drawn dashed or hidden)
};

class OpPalette {
 public:
  // `op` is the machine name ("nor_conv_3x3"); `fallbackLabel` is used for unknown ops.
  static OpStyle style(const QString& op, const QString& fallbackLabel = {});
  static QColor color(const QString& op) { return style(op).color; }
  static bool isNone(const QString& op) { return style(op).none; }
};

}  // namespace nas::ui
