#pragma once
// Inside the agent library only: the part of AgentController that lives in the agent thread.
// AgentWorker.cpp: sign-in, registration and the agent's life; AgentWorkerRest.cpp: the REST
// calls the window asks for and the poll that keeps it up to date.

#include "agent/Agent.h"
#include "agent/AgentController.h"
#include "agent/Journal.h"
#include "agent/Registration.h"
#include "agent/SessionMonitor.h"
#include "agent/flow/QueuedPrompter.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QTimer>

#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace mr::agent {

/// The message of an API error body ({"error": {code, message, details}}), with its code and
/// details when asked for.
QString apiError(const QByteArray& body, QString* code = nullptr, QJsonObject* details = nullptr);

/// Everything of the controller that lives in the agent thread.
class AgentWorker final : public QObject {
    Q_OBJECT
public:
    explicit AgentWorker(AgentController::Options options)
        : m_options(std::move(options)) {}

    void init();
    void signIn(const QUrl& server, bool allowInsecure) { m_signIn->start(server, allowInsecure); }
    void cancelSignIn() { m_signIn->cancel(); }
    void resumeSession(const QUrl& server, const QString& account) { m_signIn->resume(server, account); }
    void signOut();
    void shutdown();
    void registerMachine(const QString& environmentId, const QString& name);
    void registerAnew();
    void updateMachine(const QJsonObject& changes);
    void poll();
    void pollSoon();
    void replay();
    void reportActions();
    void answerQuestion(quint64 id, const QJsonValue& answer) { m_prompter->answer(id, answer); }
    void setWindowVisible(bool visible);
    void moveMachine(const QString& environmentId);
    void disconnectUsers(const QString& recommendationId);
    void cancelRun(const QString& runId);
    void fetchRunLog(const QString& runId);
    void fetchRun(const QString& runId);
    void runFlow(const QString& flowId, const QJsonObject& inputs);

Q_SIGNALS:
    void signInStateChanged(mr::agent::SignInFlow::State state);
    void authorizationUrlReady(const QUrl& url);
    void signInFailed(const mr::agent::SignInError& error);
    void signedIn(const QString& username, const QString& server, const QJsonArray& environments);
    void signedOut();
    void registrationNeeded(const QJsonArray& environments, const mr::agent::RegistrationProblem& problem);
    void registered(const QString& machineId, const QString& environmentId, const QString& environmentName);
    void connectionChanged(const mr::agent::ConnectionStatus& status);
    void machineChanged(const QJsonObject& machine);
    void machineSaveFailed(const QString& field, const QString& message);
    void runsChanged(const QJsonArray& runs);
    void flowsChanged(const QJsonArray& flows);
    void connectionsChanged(const QJsonArray& connections);
    void recommendationsChanged(const QJsonArray& recommendations);
    void runRequestFinished(bool ok, const QString& message);
    void notice(const QString& message);
    void stopped();
    void runLogReady(const QString& runId, const QJsonArray& lines);
    void runReady(const QJsonObject& run);
    void questionAsked(quint64 id, const mr::agent::UiRequest& request);
    void questionWithdrawn(quint64 id);
    void currentActionsChanged(const QJsonObject& actions);

private:
    using Done = std::function<void(int status, const QByteArray& body)>;
    void call(const QByteArray& method, const QString& path, const QJsonDocument& body, Done done);
    void onSignedIn(const SignInSession& session);
    void chooseEnvironment(const QString& message, const QString& detail);
    void startAgent(const IdentityRecord& record);
    void stopAgent();
    void setStatus(ConnectionStatus::Kind kind, int seconds = 0, const QString& reason = {});
    void refreshAccessToken();
    void startRun(const QString& connectionId, const QString& flowId, const QJsonObject& inputs);
    std::unique_ptr<SecretStore> store(const QString& account) const;

    AgentController::Options m_options;
    QString m_stateDir;
    SignInFlow* m_signIn = nullptr;
    QNetworkAccessManager* m_nam = nullptr;
    QTimer* m_poll = nullptr;
    QTimer* m_pollSoon = nullptr;
    QueuedPrompter* m_prompter = nullptr;
    QTimer* m_actions = nullptr;
    QJsonObject m_lastActions;
    QElapsedTimer m_sinceLastPoll;
    QTimer* m_refresh = nullptr;
    SignInSession m_session;
    std::unique_ptr<SecretStore> m_machineSecrets;
    std::unique_ptr<Registration> m_registration;
    std::unique_ptr<Journal> m_journal;
    std::unique_ptr<SessionMonitor> m_sessions;
    std::unique_ptr<FlowEngineExecutor> m_executor;
    std::unique_ptr<Agent> m_agent;
    IdentityRecord m_record;
    ConnectionStatus m_status;
    bool m_maintenance = false;
    int m_pollCount = 0;
};

} // namespace mr::agent
