#include "forms/NewJobDialog.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QToolButton>
#include <QVBoxLayout>

#include "forms/ParamForm.h"
#include "jobs/Method.h"
#include "jobs/RunTimeEstimate.h"

namespace nas::ui {

namespace {
constexpr int kMethodNameRole = Qt::UserRole + 1;
QString settingsKey(const QString& method) { return QStringLiteral("newJob/") + method; }
}  // namespace

NewJobDialog::NewJobDialog(const nas::MethodRegistry& registry, QWidget* parent)
    : QDialog(parent), registry_(registry) {
  setWindowTitle(tr("New Job"));
  setObjectName(QStringLiteral("newJobDialog"));

  methods_ = new QListWidget(this);
  methods_->setObjectName(QStringLiteral("methodList"));
  methods_->setMinimumWidth(220);
  methods_->setSpacing(2);
  methods_->setAlternatingRowColors(false);
  for (const nas::Method* m : registry_.all()) {
    auto* item = new QListWidgetItem(QString::fromStdString(m->title()), methods_);
    item->setData(kMethodNameRole, QString::fromStdString(m->name()));
    item->setToolTip(QString::fromStdString(m->name()));
    item->setSizeHint(QSize(0, 30));
  }

  title_ = new QLabel(this);
  QFont tf = title_->font();
  tf.setPointSizeF(tf.pointSizeF() * 1.35);
  tf.setBold(true);
  title_->setFont(tf);
  description_ = new QLabel(this);
  description_->setWordWrap(true);
  description_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  description_->setStyleSheet(QStringLiteral("color: #4a5563;"));

  form_ = new ParamForm(this);
  form_->setInlineMessages(false);  // shown below the scroll area, where they stay visible
  message_ = new QLabel(this);
  message_->setObjectName(QStringLiteral("jobFormMessage"));
  message_->setWordWrap(true);
  message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  message_->hide();
  estimate_ = new QLabel(this);
  estimate_->setObjectName(QStringLiteral("runTimeEstimate"));
  estimate_->setWordWrap(true);
  estimate_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  auto* scroll = new QScrollArea(this);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  auto* formHost = new QWidget(scroll);
  auto* formHostLayout = new QVBoxLayout(formHost);
  formHostLayout->setContentsMargins(0, 4, 12, 4);
  formHostLayout->addWidget(form_);
  scroll->setWidget(formHost);

  specToggle_ = new QToolButton(this);
  specToggle_->setText(tr("Job spec (JSON)"));
  specToggle_->setCheckable(true);
  specToggle_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  specToggle_->setArrowType(Qt::RightArrow);
  specToggle_->setAutoRaise(true);
  specView_ = new QPlainTextEdit(this);
  specView_->setReadOnly(true);
  specView_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  specView_->setMaximumHeight(150);
  specView_->setToolTip(tr("The spec submitted to the workspace; `nasstudio-cli run METHOD -p key=value ...` takes "
                           "the same parameters."));
  specView_->hide();
  connect(specToggle_, &QToolButton::toggled, this, [this](bool on) {
    specToggle_->setArrowType(on ? Qt::DownArrow : Qt::RightArrow);
    specView_->setVisible(on);
  });

  auto* right = new QWidget(this);
  auto* rl = new QVBoxLayout(right);
  rl->setContentsMargins(16, 4, 4, 4);
  rl->addWidget(title_);
  rl->addWidget(description_);
  auto* line = new QFrame(right);
  line->setFrameShape(QFrame::HLine);
  line->setFrameShadow(QFrame::Sunken);
  rl->addSpacing(4);
  rl->addWidget(line);
  rl->addSpacing(4);
  rl->addWidget(scroll, 1);
  rl->addWidget(message_);
  rl->addWidget(estimate_);
  rl->addWidget(specToggle_);
  rl->addWidget(specView_);

  auto* splitter = new QSplitter(this);
  splitter->addWidget(methods_);
  splitter->addWidget(right);
  splitter->setStretchFactor(0, 0);
  splitter->setStretchFactor(1, 1);
  splitter->setSizes({240, 560});
  splitter->setChildrenCollapsible(false);

  auto* buttons = new QDialogButtonBox(this);
  startButton_ = buttons->addButton(tr("Start Job"), QDialogButtonBox::AcceptRole);
  startButton_->setIcon(QIcon(QStringLiteral(":/nas/icons/job-start.svg")));
  startButton_->setDefault(true);
  resetButton_ = buttons->addButton(tr("Defaults"), QDialogButtonBox::ResetRole);
  resetButton_->setToolTip(tr("Reset every parameter to the method's default"));
  buttons->addButton(QDialogButtonBox::Cancel);
  connect(buttons, &QDialogButtonBox::accepted, this, &NewJobDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &NewJobDialog::reject);
  connect(resetButton_, &QPushButton::clicked, this, [this] { form_->resetToDefaults(); });

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(splitter, 1);
  layout->addWidget(buttons);

  connect(methods_, &QListWidget::currentRowChanged, this, &NewJobDialog::onMethodChanged);
  connect(form_, &ParamForm::changed, this, &NewJobDialog::updateState);
  connect(form_, &ParamForm::validityChanged, this, &NewJobDialog::updateState);

  resize(860, 620);
  QSettings settings;
  const QString last = settings.value(QStringLiteral("newJob/lastMethod")).toString();
  if (last.isEmpty() || !selectMethod(last)) {
    if (methods_->count() > 0) methods_->setCurrentRow(0);
  }
  updateState();
}

bool NewJobDialog::selectMethod(const QString& name) {
  for (int i = 0; i < methods_->count(); ++i) {
    if (methods_->item(i)->data(kMethodNameRole).toString() == name) {
      methods_->setCurrentRow(i);
      return true;
    }
  }
  return false;
}

QString NewJobDialog::methodName() const {
  QListWidgetItem* item = methods_->currentItem();
  return item ? item->data(kMethodNameRole).toString() : QString();
}

void NewJobDialog::onMethodChanged() {
  const QString name = methodName();
  const nas::Method* m = name.isEmpty() ? nullptr : registry_.find(name.toStdString());
  if (!m) {
    title_->setText(tr("No method"));
    description_->setText(tr("No methods are registered: the engine found no built-in methods or plugins."));
    form_->setSchema(nas::ParamSchema());
    updateState();
    return;
  }
  title_->setText(QString::fromStdString(m->title()));
  description_->setText(QString::fromStdString(m->description()));
  form_->setSchema(m->schema());
  // The values last used for this method, where they still fit the schema.
  QSettings settings;
  const QString saved = settings.value(settingsKey(name)).toString();
  if (!saved.isEmpty()) {
    const nas::Json j = nas::Json::parse(saved.toStdString(), nullptr, false);
    if (!j.is_discarded() && j.is_object()) {
      nas::Json fitting = nas::Json::object();
      const nas::ParamSchema schema = m->schema();  // find() points into it: keep it alive
      for (auto it = j.begin(); it != j.end(); ++it) {
        const nas::ParamSpec* spec = schema.find(it.key());
        if (spec && schema.validate(*spec, it.value()).empty()) fitting[it.key()] = it.value();
      }
      form_->setValues(fitting);
    }
  }
  updateState();
}

nas::Json NewJobDialog::spec() const {
  const QString name = methodName();
  if (name.isEmpty()) return nullptr;
  auto params = form_->params();
  if (!params) return nullptr;
  return nas::Json{{"method", name.toStdString()}, {"params", *params}};
}

void NewJobDialog::updateState() {
  const nas::Json s = spec();
  const QString error = form_->errorText();
  const QString refused = form_->refusedText();
  if (!error.isEmpty()) {
    message_->setText(QStringLiteral("⚠  ") + error);
    message_->setStyleSheet(QStringLiteral(
        "QLabel { color: #a4281d; background: #fdecea; border: 1px solid #f3b8b1; border-radius: 4px; padding: 6px 8px; }"));
  } else if (!refused.isEmpty()) {
    message_->setText(refused);
    message_->setStyleSheet(QStringLiteral(
        "QLabel { color: #7a4b00; background: #fff4dc; border: 1px solid #f0d49a; border-radius: 4px; padding: 6px 8px; }"));
  }
  message_->setVisible(!error.isEmpty() || !refused.isEmpty());
  startButton_->setEnabled(!s.is_null());
  const nas::Method* m = s.is_null() ? nullptr : registry_.find(methodName().toStdString());
  if (m) {
    const nas::RunTimeEstimate e = nas::estimateRunTime(*m, s.at("params"), pastJobs_);
    const QString basis = QString::fromStdString(e.basis).toHtmlEscaped();
    estimate_->setText(e.seconds ? tr("<b>Estimated run time: %1</b> <span style='color:#6b7684'>(%2)</span>")
                                       .arg(QString::fromStdString(nas::roughDuration(*e.seconds)), basis)
                                 : tr("<b>Estimated run time: unknown</b> <span style='color:#6b7684'>(%1)</span>")
                                       .arg(basis));
  }
  estimate_->setVisible(m != nullptr);
  specView_->setPlainText(s.is_null() ? tr("(invalid: %1)").arg(form_->errorText())
                                      : QString::fromStdString(s.dump(2)));
}

void NewJobDialog::setPastJobs(std::vector<nas::JobRecord> jobs) {
  pastJobs_ = std::move(jobs);
  updateState();
}

QString NewJobDialog::estimateText() const { return estimate_->isVisibleTo(this) ? estimate_->text() : QString(); }

void NewJobDialog::accept() {
  const nas::Json s = spec();
  if (s.is_null()) return;  // the inline error says why
  QSettings settings;
  settings.setValue(QStringLiteral("newJob/lastMethod"), methodName());
  settings.setValue(settingsKey(methodName()), QString::fromStdString(form_->values().dump()));
  QDialog::accept();
}

}  // namespace nas::ui
