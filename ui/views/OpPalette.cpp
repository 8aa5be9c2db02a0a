#include "views/OpPalette.h"

#include <QHash>

namespace nas::ui {

namespace {
// Okabe-Ito: blue, sky blue, bluish green, orange, vermillion, reddish purple, yellow (darkened
// so that it stays visible as a thin line on white), black.
const QColor kBlue(0x00, 0x72, 0xB2);
const QColor kSky(0x56, 0xB4, 0xE9);
const QColor kGreen(0x00, 0x9E, 0x73);
const QColor kOrange(0xE6, 0x9F, 0x00);
const QColor kVermillion(0xD5, 0x5E, 0x00);
const QColor kPurple(0xCC, 0x79, 0xA7);
const QColor kOchre(0xB8, 0xA2, 0x00);
const QColor kBlack(0x33, 0x33, 0x33);
const QColor kGrey(0x9E, 0x9E, 0x9E);

struct Known {
  const char* op;
  const char* label;
  QColor color;
  bool none;
};

const QHash<QString, OpStyle>& table() {
  static const QHash<QString, OpStyle> t = [] {
    const Known known[] = {
        {"none", "none", kGrey, true},
        {"zero", "none", kGrey, true},
        {"skip_connect", "skip", kGreen, false},
        {"identity", "skip", kGreen, false},
        {"nor_conv_1x1", "conv1x1", kSky, false},
        {"nor_conv_3x3", "conv3x3", kBlue, false},
        {"avg_pool_3x3", "avg pool", kOrange, false},
        {"max_pool_3x3", "max pool", kVermillion, false},
        {"sep_conv_3x3", "sep3x3", kPurple, false},
        {"sep_conv_5x5", "sep5x5", kBlack, false},
        {"dil_conv_3x3", "dil3x3", kOchre, false},
        {"dil_conv_5x5", "dil5x5", kSky.darker(140), false},
        // Depthwise kernels of an MBConv channel group (SGNAS layer strip): lighter for
        // smaller kernels; a skipped group is light grey, lighter than `none` on an edge.
        {"k3", "k3", kSky, false},
        {"k5", "k5", kBlue, false},
        {"k7", "k7", kVermillion, false},
        {"group_skip", "skip", QColor(0xBD, 0xBD, 0xBD), true},
    };
    QHash<QString, OpStyle> h;
    for (const auto& k : known) h.insert(QString::fromLatin1(k.op), OpStyle{k.color, QString::fromLatin1(k.label), k.none});
    return h;
  }();
  return t;
}
}  // namespace

OpStyle OpPalette::style(const QString& op, const QString& fallbackLabel) {
  const auto it = table().constFind(op);
  if (it != table().constEnd()) return *it;
  // Unknown op: a stable hue from the name, muted so it does not outshout the known ones.
  const int hue = static_cast<int>(qHash(op) % 360u);
  return OpStyle{QColor::fromHsv(hue, 160, 170), fallbackLabel.isEmpty() ? op : fallbackLabel,
                 op.isEmpty() || op == QLatin1String("none")};
}

}  // namespace nas::ui
