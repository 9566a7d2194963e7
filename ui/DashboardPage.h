#pragma once

#include "agent/AgentController.h"

#include <QJsonArray>
#include <QTimer>
#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;
class QGroupBox;

namespace mr::ui {

class RunsModel;
class SessionsModel;

/// The dashboard (UI.md): connection, sessions and today's runs; recommendations when there
/// are some; runs running, queued and recent. Shows what the controller reports; asks it to act.
class DashboardPage final : public QWidget {
    Q_OBJECT
public:
    explicit DashboardPage(QWidget* parent = nullptr);

    void setConnection(const mr::agent::ConnectionStatus& status);
    void setMachine(const QJsonObject& machine);
    void setRuns(const QJsonArray& runs);
    void setFlows(const QJsonArray& flows);
    void setConnections(const QJsonArray& connections);
    void setRecommendations(const QJsonArray& recommendations);
    void setCurrentActions(const QJsonObject& actions);

    RunsModel* runningModel() const { return m_running; }
    RunsModel* queuedModel() const { return m_queued; }
    RunsModel* recentModel() const { return m_recent; }
    SessionsModel* sessionsModel() const { return m_sessions; }

Q_SIGNALS:
    void refreshRequested();
    void disconnectUsersRequested(const QString& recommendationId);
    void cancelRunRequested(const QString& runId);
    void runDetailsRequested(const QJsonObject& run);
    /// A recommendation's Run details / Flow details: the run is read from the orchestrator.
    void runDetailsByIdRequested(const QString& runId);
    void flowOfRunRequested(const QString& runId);

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void updateEmpty();
    void updateTick();

    QLabel* m_connection = nullptr;
    QLabel* m_connectionSince = nullptr;
    QLabel* m_today = nullptr;
    QLabel* m_noSessions = nullptr;
    QTableView* m_sessionsView = nullptr;
    QGroupBox* m_recommendationBox = nullptr;
    QLabel* m_recommendation = nullptr;
    QString m_recommendationId;
    QString m_recommendationRunId;
    QLabel* m_empty = nullptr;
    QWidget* m_runsArea = nullptr;
    QTableView* m_runningView = nullptr;
    QTableView* m_queuedView = nullptr;
    QTableView* m_recentView = nullptr;
    QPushButton* m_cancel = nullptr;
    RunsModel* m_running = nullptr;
    RunsModel* m_queued = nullptr;
    RunsModel* m_recent = nullptr;
    SessionsModel* m_sessions = nullptr;
    QTimer m_tick;
};

} // namespace mr::ui
