#pragma once

#include <QAbstractTableModel>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QSet>
#include <QStringList>

#include <functional>

namespace mr::ui {

/// A read-only table over a JSON array from the controller (one object per row). setRows()
/// keeps rows with the same "id" in place (dataChanged) so selections survive a poll.
class JsonTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setRows(const QJsonArray& rows);
    QJsonObject row(int row) const { return m_rows.value(row); }

    static constexpr int kObjectRole = Qt::UserRole + 1;

protected:
    virtual QStringList headers() const = 0;
    virtual QVariant cell(const QJsonObject& row, int column, int role) const = 0;
    /// Which rows of the array to show (all by default).
    virtual bool accepts(const QJsonObject&) const { return true; }

private:
    QList<QJsonObject> m_rows;
};

/// Environments of GET /me with the user's roles; those where the user may not register are
/// disabled with the reason as a tooltip.
class EnvironmentModel final : public JsonTableModel {
    Q_OBJECT
public:
    using JsonTableModel::JsonTableModel;
    static bool mayRegister(const QJsonObject& environment);
    static QString roleName(const QString& role);
    Qt::ItemFlags flags(const QModelIndex& index) const override;

protected:
    QStringList headers() const override;
    QVariant cell(const QJsonObject& row, int column, int role) const override;
};

/// Runs of this machine in one of three views of the dashboard.
class RunsModel final : public JsonTableModel {
    Q_OBJECT
public:
    enum class View { Running, Queued, Recent };
    RunsModel(View view, QObject* parent = nullptr);
    /// Flow names by id, for the Flow column.
    void setFlowNames(const QHash<QString, QString>& names);
    /// The user's sign-in connections: their runs time out after 1 h in the queue, others 12 h.
    void setSignInConnections(const QSet<QString>& connectionIds);
    /// The clock the elapsed times are computed against (ticks in the dashboard).
    void setNow(const QDateTime& now);
    /// What runs of this machine do now ({runId: "action(args…)"}): the Running view's last
    /// column shows it, else the run's status.
    void setCurrentActions(const QJsonObject& actions);

    static QString formatDuration(qint64 seconds);

protected:
    QStringList headers() const override;
    QVariant cell(const QJsonObject& row, int column, int role) const override;
    bool accepts(const QJsonObject& row) const override;

private:
    View m_view;
    QHash<QString, QString> m_flowNames;
    QSet<QString> m_signInConnections;
    QDateTime m_now = QDateTime::currentDateTimeUtc();
    QJsonObject m_actions;
};

/// The environment's flows: name, version, description, last result here.
class FlowsModel final : public JsonTableModel {
    Q_OBJECT
public:
    using JsonTableModel::JsonTableModel;
    void setLastResults(const QHash<QString, QString>& statusByFlowId);

protected:
    QStringList headers() const override;
    QVariant cell(const QJsonObject& row, int column, int role) const override;

private:
    QHash<QString, QString> m_lastResults;
};

/// The machine's user sessions: OS user, account, state.
class SessionsModel final : public JsonTableModel {
    Q_OBJECT
public:
    using JsonTableModel::JsonTableModel;

protected:
    QStringList headers() const override;
    QVariant cell(const QJsonObject& row, int column, int role) const override;
};

/// A run status in words ("Succeeded" → tr("Succeeded")).
QString statusText(const QString& status);

} // namespace mr::ui

namespace mr::agent {
struct ConnectionStatus;
}

namespace mr::ui {
/// The pill's words ("Online", "Reconnecting in 8 s", …) and colour (UI.md "Window").
QString connectionText(const mr::agent::ConnectionStatus& status);
QString connectionColour(const mr::agent::ConnectionStatus& status);
} // namespace mr::ui

class QWidget;
namespace mr::ui {
/// Technical detail in a non-blocking message box (no nested event loop).
void showDetails(QWidget* parent, const QString& title, const QString& text);
} // namespace mr::ui
