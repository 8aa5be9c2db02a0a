#pragma once
// The look of the application, shared by nasstudio, the screenshot test and the benchmark:
// the Fusion style, a light palette with a calm accent, and a clean sans-serif font.

class QApplication;

namespace nas::ui {

void applyAppearance(QApplication& app);

}  // namespace nas::ui
