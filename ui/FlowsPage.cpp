#include "ui/FlowsPage.h"

#include "ui/Models.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace mr::ui {

RunFlowDialog::RunFlowDialog(const QJsonObject& flow, QWidget* parent)
    : QDialog(parent) {
    setWindowTitle(tr("Run %1").arg(flow.value(QStringLiteral("name")).toString()));
    auto* form = new QFormLayout;
    for (const QJsonValue& v : flow.value(QStringLiteral("inputs")).toArray()) {
        const QJsonObject input = v.toObject();
        const QString type = input.value(QStringLiteral("type")).toString();
        const QJsonValue def = input.value(QStringLiteral("default"));
        QWidget* editor = nullptr;
        if (type == QLatin1String("number")) {
            auto* spin = new QDoubleSpinBox(this);
            spin->setRange(-1e12, 1e12);
            spin->setDecimals(2);
            spin->setValue(def.toDouble());
            connect(spin, &QDoubleSpinBox::valueChanged, this, &RunFlowDialog::updateState);
            editor = spin;
        } else if (type == QLatin1String("boolean")) {
            auto* box = new QCheckBox(this);
            box->setChecked(def.toBool());
            editor = box;
        } else if (type == QLatin1String("list") || type == QLatin1String("object")) {
            auto* json = new QPlainTextEdit(this);
            json->setPlaceholderText(type == QLatin1String("list") ? tr("JSON list, e.g. [1, 2]")
                                                                   : tr("JSON object, e.g. {\"key\": \"value\"}"));
            if (!def.isNull() && !def.isUndefined())
                json->setPlainText(
                    QString::fromUtf8(def.isArray() ? QJsonDocument(def.toArray()).toJson(QJsonDocument::Compact)
                                                    : QJsonDocument(def.toObject()).toJson(QJsonDocument::Compact)));
            json->setMaximumHeight(70);
            connect(json, &QPlainTextEdit::textChanged, this, &RunFlowDialog::updateState);
            editor = json;
        } else {
            auto* line = new QLineEdit(def.toString(), this);
            if (input.value(QStringLiteral("sensitive")).toBool())
                line->setEchoMode(QLineEdit::Password);
            connect(line, &QLineEdit::textChanged, this, &RunFlowDialog::updateState);
            editor = line;
        }
        editor->setToolTip(input.value(QStringLiteral("description")).toString());
        const QString name = input.value(QStringLiteral("name")).toString();
        const bool optional = input.value(QStringLiteral("optional")).toBool();
        form->addRow(optional ? tr("%1 (optional)").arg(name) : name, editor);
        m_fields.append({input, editor});
    }
    if (m_fields.isEmpty())
        form->addRow(new QLabel(tr("This flow needs no inputs."), this));
    m_problem = new QLabel(this);
    m_problem->setStyleSheet(QStringLiteral("color: #b3261e;"));
    m_problem->setWordWrap(true);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_buttons->addButton(tr("Start"), QDialogButtonBox::AcceptRole);
    auto* layout = new QVBoxLayout(this);
    auto* description = new QLabel(flow.value(QStringLiteral("description")).toString(), this);
    description->setWordWrap(true);
    layout->addWidget(description);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    setMinimumWidth(420);
    updateState();
}

std::optional<QJsonValue> RunFlowDialog::value(const Field& field) const {
    const QString type = field.declaration.value(QStringLiteral("type")).toString();
    const bool optional = field.declaration.value(QStringLiteral("optional")).toBool();
    if (auto* spin = qobject_cast<QDoubleSpinBox*>(field.editor))
        return QJsonValue(spin->value());
    if (auto* box = qobject_cast<QCheckBox*>(field.editor))
        return QJsonValue(box->isChecked());
    if (auto* json = qobject_cast<QPlainTextEdit*>(field.editor)) {
        const QString text = json->toPlainText().trimmed();
        if (text.isEmpty())
            return optional ? std::optional<QJsonValue>(QJsonValue()) : std::nullopt;
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
        if (error.error != QJsonParseError::NoError)
            return std::nullopt;
        if (type == QLatin1String("list") && doc.isArray())
            return QJsonValue(doc.array());
        if (type == QLatin1String("object") && doc.isObject())
            return QJsonValue(doc.object());
        return std::nullopt;
    }
    if (auto* line = qobject_cast<QLineEdit*>(field.editor)) {
        if (line->text().isEmpty() && !optional)
            return std::nullopt;
        return QJsonValue(line->text());
    }
    return std::nullopt;
}

bool RunFlowDialog::isValid() const {
    return std::all_of(m_fields.begin(), m_fields.end(), [this](const Field& f) { return value(f).has_value(); });
}

QJsonObject RunFlowDialog::inputs() const {
    QJsonObject result;
    for (const Field& f : m_fields) {
        const auto v = value(f);
        if (v && !v->isNull())
            result.insert(f.declaration.value(QStringLiteral("name")).toString(), *v);
    }
    return result;
}

void RunFlowDialog::updateState() {
    QStringList missing;
    for (const Field& f : m_fields)
        if (!value(f))
            missing.append(f.declaration.value(QStringLiteral("name")).toString());
    m_problem->setText(missing.isEmpty() ? QString() : tr("Fill in: %1").arg(missing.join(QStringLiteral(", "))));
    m_problem->setVisible(!missing.isEmpty());
    const auto buttons = m_buttons->buttons();
    for (QAbstractButton* b : buttons)
        if (m_buttons->buttonRole(b) == QDialogButtonBox::AcceptRole)
            b->setEnabled(missing.isEmpty());
}

FlowsPage::FlowsPage(QWidget* parent)
    : QWidget(parent) {
    m_model = new FlowsModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(-1);
    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Search flows…"));
    m_search->setClearButtonEnabled(true);
    m_view = new QTableView(this);
    m_view->setModel(m_proxy);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_view->setShowGrid(false);
    m_view->setAlternatingRowColors(true);
    m_empty = new QLabel(tr("No flows in this environment yet. Flows made on the orchestrator appear here."), this);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_result = new QLabel(this);
    m_result->setWordWrap(true);
    m_run = new QPushButton(tr("Run…"), this);
    m_run->setEnabled(false);
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(m_result, 1);
    bottom->addWidget(m_run);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 12);
    layout->addWidget(m_search);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_empty, 1);
    layout->addLayout(bottom);
    connect(m_search, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this] { m_run->setEnabled(m_view->selectionModel()->hasSelection()); });
    connect(m_view, &QTableView::doubleClicked, this, &FlowsPage::runSelected);
    connect(m_run, &QPushButton::clicked, this, &FlowsPage::runSelected);
    setFlows({});
}

void FlowsPage::setFlows(const QJsonArray& flows) {
    m_model->setRows(flows);
    m_view->setVisible(m_model->rowCount() > 0);
    m_search->setVisible(m_model->rowCount() > 0);
    m_empty->setVisible(m_model->rowCount() == 0);
}

void FlowsPage::setRuns(const QJsonArray& runs) {
    QHash<QString, QString> last; // runs come newest first
    for (const QJsonValue& v : runs) {
        const QString flow = v.toObject().value(QStringLiteral("flowId")).toString();
        if (!last.contains(flow))
            last.insert(flow, v.toObject().value(QStringLiteral("status")).toString());
    }
    m_model->setLastResults(last);
}

bool FlowsPage::selectFlow(const QString& flowId) {
    for (int row = 0; row < m_model->rowCount(); ++row) {
        if (m_model->row(row).value(QStringLiteral("id")).toString() != flowId)
            continue;
        m_search->clear();
        const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
        m_view->selectRow(index.row());
        m_view->scrollTo(index);
        m_view->setFocus();
        return true;
    }
    return false;
}

void FlowsPage::showRunResult(bool ok, const QString& message) {
    m_result->setStyleSheet(ok ? QString() : QStringLiteral("color: #b3261e;"));
    m_result->setText(message);
}

void FlowsPage::runSelected() {
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    const QJsonObject flow = m_model->row(m_proxy->mapToSource(rows.first()).row());
    // Window-modal with open(), not exec(): no nested event loop.
    auto* dialog = new RunFlowDialog(flow, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, flow] {
        m_result->setStyleSheet(QString());
        m_result->setText(tr("Starting %1…").arg(flow.value(QStringLiteral("name")).toString()));
        Q_EMIT runRequested(flow.value(QStringLiteral("id")).toString(), dialog->inputs());
    });
    dialog->open();
}

} // namespace mr::ui
