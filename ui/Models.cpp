#include "ui/Models.h"

#include <QApplication>
#include <QColor>
#include <QPalette>
#include <QStyle>

namespace mr::ui {

namespace {

QString id(const QJsonObject& o) {
    return o.value(QStringLiteral("id")).toString();
}

QDateTime time(const QJsonObject& o, const char* field) {
    return QDateTime::fromString(o.value(QLatin1String(field)).toString(), Qt::ISODateWithMs);
}

QString localTime(const QDateTime& t) {
    return t.isValid() ? QLocale().toString(t.toLocalTime(), QLocale::ShortFormat) : QString();
}

} // namespace

QString statusText(const QString& status) {
    if (status == QLatin1String("Queued"))
        return JsonTableModel::tr("Queued");
    if (status == QLatin1String("Running"))
        return JsonTableModel::tr("Running");
    if (status == QLatin1String("Cancelling"))
        return JsonTableModel::tr("Cancelling");
    if (status == QLatin1String("Succeeded"))
        return JsonTableModel::tr("Succeeded");
    if (status == QLatin1String("Failed"))
        return JsonTableModel::tr("Failed");
    if (status == QLatin1String("Cancelled"))
        return JsonTableModel::tr("Cancelled");
    return status;
}

int JsonTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

int JsonTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(headers().size());
}

QVariant JsonTableModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject& object = m_rows.at(index.row());
    if (role == kObjectRole)
        return object;
    return cell(object, index.column(), role);
}

QVariant JsonTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole && section >= 0 && section < headers().size())
        return headers().at(section);
    return QAbstractTableModel::headerData(section, orientation, role);
}

void JsonTableModel::setRows(const QJsonArray& rows) {
    QList<QJsonObject> next;
    for (const QJsonValue& v : rows)
        if (accepts(v.toObject()))
            next.append(v.toObject());
    bool sameIds = next.size() == m_rows.size();
    for (int i = 0; sameIds && i < next.size(); ++i)
        sameIds = id(next.at(i)) == id(m_rows.at(i));
    if (sameIds) {
        m_rows = next;
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, columnCount() - 1));
        return;
    }
    beginResetModel();
    m_rows = next;
    endResetModel();
}

// --- environments

bool EnvironmentModel::mayRegister(const QJsonObject& environment) {
    const QJsonArray roles = environment.value(QStringLiteral("roles")).toArray();
    // The orchestrator's access policy: admins may register too.
    return roles.contains(QStringLiteral("EnvironmentMaker")) || roles.contains(QStringLiteral("MachineOwner")) ||
           roles.contains(QStringLiteral("EnvironmentAdmin"));
}

QString EnvironmentModel::roleName(const QString& role) {
    if (role == QLatin1String("EnvironmentAdmin"))
        return tr("Environment Admin");
    if (role == QLatin1String("EnvironmentMaker"))
        return tr("Environment Maker");
    if (role == QLatin1String("MachineOwner"))
        return tr("Desktop Flows Machine Owner");
    if (role == QLatin1String("MachineUser"))
        return tr("Desktop Flows Machine User");
    if (role == QLatin1String("MachineUserCanShare"))
        return tr("Desktop Flows Machine User Can Share");
    return role;
}

QStringList EnvironmentModel::headers() const {
    return {tr("Environment"), tr("Your roles")};
}

Qt::ItemFlags EnvironmentModel::flags(const QModelIndex& index) const {
    if (!index.isValid())
        return Qt::NoItemFlags;
    return mayRegister(row(index.row())) ? Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren
                                         : Qt::ItemNeverHasChildren;
}

QVariant EnvironmentModel::cell(const QJsonObject& row, int column, int role) const {
    if (role == Qt::ToolTipRole && !mayRegister(row))
        return tr("Needs Environment Maker or Desktop Flows Machine Owner");
    if (role != Qt::DisplayRole)
        return {};
    if (column == 0)
        return row.value(QStringLiteral("name")).toString();
    QStringList names;
    for (const QJsonValue& r : row.value(QStringLiteral("roles")).toArray())
        names.append(roleName(r.toString()));
    return names.isEmpty() ? tr("no role") : names.join(QStringLiteral(" · "));
}

// --- runs

RunsModel::RunsModel(View view, QObject* parent)
    : JsonTableModel(parent)
    , m_view(view) {}

void RunsModel::setFlowNames(const QHash<QString, QString>& names) {
    m_flowNames = names;
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
}

void RunsModel::setSignInConnections(const QSet<QString>& connectionIds) {
    m_signInConnections = connectionIds;
    if (rowCount() > 0 && m_view == View::Queued)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1), {Qt::DisplayRole});
}

void RunsModel::setNow(const QDateTime& now) {
    m_now = now;
    if (rowCount() > 0 && m_view != View::Recent)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1), {Qt::DisplayRole});
}

void RunsModel::setCurrentActions(const QJsonObject& actions) {
    m_actions = actions;
    if (rowCount() > 0 && m_view == View::Running)
        Q_EMIT dataChanged(index(0, 3), index(rowCount() - 1, 3), {Qt::DisplayRole, Qt::ToolTipRole});
}

QString RunsModel::formatDuration(qint64 seconds) {
    seconds = std::max<qint64>(0, seconds);
    if (seconds < 60)
        return tr("%n s", nullptr, int(seconds));
    if (seconds < 3600)
        return tr("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
    return tr("%1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60);
}

bool RunsModel::accepts(const QJsonObject& row) const {
    const QString status = row.value(QStringLiteral("status")).toString();
    switch (m_view) {
    case View::Running:
        return status == QLatin1String("Running") || status == QLatin1String("Cancelling");
    case View::Queued:
        return status == QLatin1String("Queued");
    case View::Recent:
        return status == QLatin1String("Succeeded") || status == QLatin1String("Failed") ||
               status == QLatin1String("Cancelled");
    }
    return false;
}

QStringList RunsModel::headers() const {
    switch (m_view) {
    case View::Running:
        return {tr("Flow"), tr("Started"), tr("Elapsed"), tr("Current action")};
    case View::Queued:
        return {tr("Flow"), tr("Priority"), tr("Queued since"), tr("Times out in")};
    case View::Recent:
        return {tr("Flow"), tr("Started"), tr("Duration"), tr("Result")};
    }
    return {};
}

QVariant RunsModel::cell(const QJsonObject& row, int column, int role) const {
    const QString status = row.value(QStringLiteral("status")).toString();
    if (role == Qt::DecorationRole && column == 0 && m_view == View::Recent) {
        const auto icon = status == QLatin1String("Succeeded") ? QStyle::SP_DialogApplyButton
                          : status == QLatin1String("Failed")  ? QStyle::SP_MessageBoxCritical
                                                               : QStyle::SP_DialogCancelButton;
        return QApplication::style()->standardIcon(icon);
    }
    if (role == Qt::ToolTipRole && status == QLatin1String("Failed"))
        return row.value(QStringLiteral("errorMessage")).toString();
    const QString action = m_actions.value(row.value(QStringLiteral("id")).toString()).toString();
    if (role == Qt::ToolTipRole && m_view == View::Running && column == 3 && !action.isEmpty())
        return action;
    if (role != Qt::DisplayRole)
        return {};
    const QString flowId = row.value(QStringLiteral("flowId")).toString();
    const QDateTime queued = time(row, "queuedAt");
    const QDateTime started = time(row, "startedAt");
    const QDateTime ended = time(row, "endedAt");
    switch (column) {
    case 0:
        return m_flowNames.value(flowId, tr("Flow %1").arg(flowId.left(8)));
    case 1:
        if (m_view == View::Queued)
            return row.value(QStringLiteral("priority")).toString() == QLatin1String("high") ? tr("High")
                                                                                             : tr("Normal");
        return localTime(started);
    case 2:
        if (m_view == View::Running)
            return formatDuration(started.secsTo(m_now));
        if (m_view == View::Queued)
            return localTime(queued);
        return started.isValid() && ended.isValid() ? formatDuration(started.secsTo(ended)) : QString();
    case 3: {
        if (m_view == View::Queued) {
            // The queue timeout (ARCHITECTURE.md): 1 h through a sign-in connection, else 12 h.
            const bool signIn = m_signInConnections.contains(row.value(QStringLiteral("connectionId")).toString());
            const qint64 left = m_now.secsTo(queued.addSecs(signIn ? 3600 : 12 * 3600));
            return formatDuration(left);
        }
        if (m_view == View::Recent && status == QLatin1String("Failed"))
            return tr("Failed: %1").arg(row.value(QStringLiteral("errorMessage")).toString());
        if (m_view == View::Running && status == QLatin1String("Running") && !action.isEmpty())
            return action;
        return statusText(status);
    }
    default:
        return {};
    }
}

// --- flows

void FlowsModel::setLastResults(const QHash<QString, QString>& statusByFlowId) {
    m_lastResults = statusByFlowId;
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
}

QStringList FlowsModel::headers() const {
    return {tr("Name"), tr("Version"), tr("Description"), tr("Last run")};
}

QVariant FlowsModel::cell(const QJsonObject& row, int column, int role) const {
    if (role != Qt::DisplayRole)
        return {};
    switch (column) {
    case 0:
        return row.value(QStringLiteral("name")).toString();
    case 1:
        return row.value(QStringLiteral("version")).toInt();
    case 2:
        return row.value(QStringLiteral("description")).toString();
    case 3: {
        const QString last = m_lastResults.value(id(row));
        return last.isEmpty() ? tr("Never run here") : statusText(last);
    }
    default:
        return {};
    }
}

// --- sessions

QStringList SessionsModel::headers() const {
    return {tr("User"), tr("Signed in to the app"), tr("State")};
}

QVariant SessionsModel::cell(const QJsonObject& row, int column, int role) const {
    if (role != Qt::DisplayRole)
        return {};
    switch (column) {
    case 0:
        return row.value(QStringLiteral("user")).toString();
    case 1:
        return row.value(QStringLiteral("account")).toString();
    case 2: {
        const QString state = row.value(QStringLiteral("state")).toString();
        if (state == QLatin1String("active"))
            return tr("active");
        if (state == QLatin1String("locked"))
            return tr("locked");
        if (state == QLatin1String("disconnected"))
            return tr("disconnected");
        return state;
    }
    default:
        return {};
    }
}

} // namespace mr::ui

#include "agent/AgentController.h"

namespace mr::ui {

QString connectionText(const mr::agent::ConnectionStatus& status) {
    using Kind = mr::agent::ConnectionStatus::Kind;
    switch (status.kind) {
    case Kind::SignedOut:
        return JsonTableModel::tr("Signed out");
    case Kind::Registering:
        return JsonTableModel::tr("Registering…");
    case Kind::Connecting:
        return JsonTableModel::tr("Connecting…");
    case Kind::Online:
        return JsonTableModel::tr("Online");
    case Kind::Reconnecting:
        return JsonTableModel::tr("Reconnecting in %n s", nullptr, status.seconds);
    case Kind::Offline:
        return JsonTableModel::tr("Offline");
    case Kind::Maintenance:
        return JsonTableModel::tr("Maintenance");
    }
    return {};
}

QString connectionColour(const mr::agent::ConnectionStatus& status) {
    using Kind = mr::agent::ConnectionStatus::Kind;
    switch (status.kind) {
    case Kind::Online:
        return QStringLiteral("#2e7d32");
    case Kind::Reconnecting:
    case Kind::Connecting:
    case Kind::Registering:
        return QStringLiteral("#ef8f00");
    case Kind::Maintenance:
        return QStringLiteral("#c62828");
    case Kind::Offline:
    case Kind::SignedOut:
        return QStringLiteral("#757575");
    }
    return {};
}

} // namespace mr::ui

#include <QMessageBox>

namespace mr::ui {
void showDetails(QWidget* parent, const QString& title, const QString& text) {
    auto* box = new QMessageBox(QMessageBox::Information, title, text, QMessageBox::Close, parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setTextInteractionFlags(Qt::TextSelectableByMouse);
    box->open();
}
} // namespace mr::ui
