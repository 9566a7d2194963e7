#include "ui/RunDetailsDialog.h"

#include "ui/Models.h"

#include <QClipboard>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace mr::ui {

namespace {

QString when(const QJsonObject& run, const char* field) {
    const QDateTime t = QDateTime::fromString(run.value(QLatin1String(field)).toString(), Qt::ISODateWithMs);
    return t.isValid() ? QLocale().toString(t.toLocalTime(), QLocale::ShortFormat) : QStringLiteral("—");
}

QString valueText(const QJsonValue& v) {
    if (v.isString())
        return v.toString();
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (v.isDouble())
        return QString::number(v.toDouble());
    if (v.isArray())
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    if (v.isObject())
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    return QStringLiteral("null");
}

QWidget* valuesTable(const QJsonObject& values, const QString& empty, QWidget* parent) {
    if (values.isEmpty()) {
        auto* label = new QLabel(empty, parent);
        label->setAlignment(Qt::AlignCenter);
        return label;
    }
    auto* table = new QTableWidget(int(values.size()), 2, parent);
    table->setHorizontalHeaderLabels({RunDetailsDialog::tr("Name"), RunDetailsDialog::tr("Value")});
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    int row = 0;
    for (auto it = values.begin(); it != values.end(); ++it, ++row) {
        table->setItem(row, 0, new QTableWidgetItem(it.key()));
        table->setItem(row, 1, new QTableWidgetItem(valueText(it.value())));
    }
    table->resizeColumnToContents(0);
    return table;
}

} // namespace

RunDetailsDialog::RunDetailsDialog(const QJsonObject& run, const QString& flowName, const QString& machineName,
                                   QWidget* parent)
    : QDialog(parent)
    , m_runId(run.value(QStringLiteral("id")).toString()) {
    const QString status = run.value(QStringLiteral("status")).toString();
    setWindowTitle(tr("Run of %1").arg(flowName));
    resize(640, 480);

    auto* title = new QLabel(tr("<b>%1</b> · version %2")
                                 .arg(flowName.toHtmlEscaped())
                                 .arg(run.value(QStringLiteral("flowVersion")).toInt()),
                             this);
    auto* header = new QFormLayout;
    header->addRow(tr("Status"), new QLabel(statusText(status), this));
    header->addRow(tr("Machine"), new QLabel(machineName, this));
    header->addRow(tr("Triggered by"), new QLabel(run.value(QStringLiteral("triggeredBy")).toString(), this));
    header->addRow(tr("Queued"), new QLabel(when(run, "queuedAt"), this));
    header->addRow(tr("Started"), new QLabel(when(run, "startedAt"), this));
    header->addRow(tr("Ended"), new QLabel(when(run, "endedAt"), this));

    m_tabs = new QTabWidget(this);
    m_tabs->addTab(valuesTable(run.value(QStringLiteral("inputs")).toObject(), tr("No inputs."), m_tabs), tr("Inputs"));
    m_tabs->addTab(valuesTable(run.value(QStringLiteral("outputs")).toObject(), tr("No outputs."), m_tabs),
                   tr("Outputs"));

    auto* logPage = new QWidget(m_tabs);
    m_filter = new QLineEdit(logPage);
    m_filter->setPlaceholderText(tr("Filter the log…"));
    m_filter->setClearButtonEnabled(true);
    auto* copy = new QPushButton(tr("Copy"), logPage);
    m_log = new QPlainTextEdit(logPage);
    m_log->setReadOnly(true);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_log->setPlaceholderText(tr("Loading the log…"));
    auto* filterRow = new QHBoxLayout;
    filterRow->addWidget(m_filter, 1);
    filterRow->addWidget(copy);
    auto* logLayout = new QVBoxLayout(logPage);
    logLayout->addLayout(filterRow);
    logLayout->addWidget(m_log, 1);
    m_tabs->addTab(logPage, tr("Log"));

    if (status == QLatin1String("Failed")) {
        const QJsonValue line = run.value(QStringLiteral("errorLine"));
        QString text = run.value(QStringLiteral("errorMessage")).toString();
        if (!line.isNull() && !line.isUndefined())
            text += QLatin1Char('\n') + tr("Script line %1").arg(line.toInt());
        text += QLatin1Char('\n') + tr("Error code: %1").arg(run.value(QStringLiteral("errorCode")).toString());
        auto* error = new QLabel(text, m_tabs);
        error->setWordWrap(true);
        error->setAlignment(Qt::AlignTop | Qt::AlignLeft);
        error->setTextInteractionFlags(Qt::TextSelectableByMouse);
        error->setMargin(8);
        m_tabs->addTab(error, tr("Error"));
        m_tabs->setCurrentWidget(error);
    }

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addLayout(header);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_filter, &QLineEdit::textChanged, this, &RunDetailsDialog::applyFilter);
    connect(copy, &QPushButton::clicked, this, [this] { QGuiApplication::clipboard()->setText(m_log->toPlainText()); });
}

void RunDetailsDialog::setLog(const QJsonArray& lines) {
    m_lines.clear();
    for (const QJsonValue& v : lines) {
        const QJsonObject line = v.toObject();
        const QDateTime at = QDateTime::fromString(line.value(QStringLiteral("at")).toString(), Qt::ISODateWithMs);
        m_lines.append(QStringLiteral("%1  %2  %3")
                           .arg(at.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz")),
                                line.value(QStringLiteral("level")).toString().leftJustified(5),
                                line.value(QStringLiteral("text")).toString()));
    }
    if (m_lines.isEmpty())
        m_log->setPlaceholderText(tr("This run wrote nothing to its log."));
    applyFilter();
}

void RunDetailsDialog::applyFilter() {
    const QString filter = m_filter->text();
    QStringList shown;
    for (const QString& line : std::as_const(m_lines))
        if (filter.isEmpty() || line.contains(filter, Qt::CaseInsensitive))
            shown.append(line);
    m_log->setPlainText(shown.join(QLatin1Char('\n')));
}

} // namespace mr::ui
