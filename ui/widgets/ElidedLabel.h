#pragma once
// One line of plain text, elided at its end when the widget is narrower than the text, with
// the whole text as its tooltip. For status lines under a view: a wrapped QLabel grows taller
// as the window narrows and takes the height from what it describes (issue 21: at 1024x700
// the Search Results status line took three lines from the plot).
#include <QString>
#include <QWidget>

namespace nas::ui {

class ElidedLabel : public QWidget {
  Q_OBJECT

 public:
  explicit ElidedLabel(QWidget* parent = nullptr);

  void setText(const QString& text);
  QString text() const { return text_; }
  // Whether the text is cut at the widget's current width.
  bool isElided() const;

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  QString text_;
};

}  // namespace nas::ui
