#pragma once

#include "agent/SignInFlow.h"
#include "agent/flow/QueuedPrompter.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QUrl>

class QThread;

namespace mr::agent {

class AgentWorker;

/// The machine's connection as the status strip shows it (UI.md "Window").
struct ConnectionStatus {
    enum class Kind { SignedOut, Registering, Connecting, Online, Reconnecting, Offline, Maintenance };
    Kind kind = Kind::SignedOut;
    int seconds = 0; ///< Reconnecting: in how many seconds
    QString reason;  ///< Reconnecting/Offline: why (technical, for a tooltip)
    QDateTime since;
};

/// Why the machine is not registered (yet). `needsChoice`: show "Choose an environment";
/// `identityMismatch`: this installation no longer matches its registration (R5).
struct RegistrationProblem {
    QString message;
    QString detail;
    bool needsChoice = false;
    bool identityMismatch = false;
};

/// The one object the GUI talks to (ARCHITECTURE.md). It owns the agent thread, where the
/// sign-in flow, the REST calls, the registration and the Agent (channel, journal, session
/// monitor, flow engine) live, created there after moveToThread. Every call returns at once;
/// answers come back as queued signals carrying value types. Polls the machine, its runs, the
/// environment's flows and recommendations every kPollMs while signed in and the window shows,
/// and soon after any event of a run on this machine.
class AgentController final : public QObject {
    Q_OBJECT
public:
    struct Options {
        QString stateDir;              ///< identity.json and the journal; empty: the default folder
        QString sessionSource;         ///< SessionMonitor::create(); empty: logind
        bool useKeychain = true;       ///< false: keep no secret outside the process (tests)
        QString rememberedEnvironment; ///< the environment id chosen last time
    };

    explicit AgentController(Options options, QObject* parent = nullptr);
    ~AgentController() override;

    void signIn(const QUrl& server, bool allowInsecure = false);
    void cancelSignIn();
    /// Signs @p account in again with the session kept in the keychain (SignInFlow::resume).
    void resumeSession(const QUrl& server, const QString& account);
    void signOut();
    /// Stops the agent gracefully (running flows get a grace period, journaled results are
    /// sent), then emits stopped(). The app quits on that.
    void shutdown();
    /// Registers this machine in @p environmentId under @p name (R1/R2).
    void registerMachine(const QString& environmentId, const QString& name);
    /// Forgets the local identity and asks where to register again (R5).
    void registerAnew();
    /// PATCH /machines/{id} with the changed fields only.
    void updateMachine(const QJsonObject& changes);
    void refresh();
    /// Moves the machine to @p environmentId; the orchestrator removes all its connections (R4).
    void moveMachine(const QString& environmentId);
    void disconnectUsers(const QString& recommendationId);
    void cancelRun(const QString& runId);
    /// GET /runs/{id}/log; answers with runLogReady.
    void fetchRunLog(const QString& runId);
    /// GET /runs/{id}; answers with runReady, or notice when it cannot be read.
    void fetchRun(const QString& runId);
    /// An attended run of @p flowId through the user's sign-in connection to this machine.
    void runFlow(const QString& flowId, const QJsonObject& inputs);

    /// The window is shown (poll every kPollMs) or hidden in the tray (every kHiddenPollMs; runs
    /// of this machine still refresh at once, for the notifications).
    void setWindowVisible(bool visible);
    /// Tells a new window where things stand: signedIn, registered and connectionChanged again
    /// (when they apply), then a poll's answers.
    void replay();
    /// The user's answer to a flow's question: null for a message or a dismissed input/choice,
    /// a bool for confirm, the text or the chosen option.
    void answerQuestion(quint64 id, const QJsonValue& answer);

    static constexpr int kPollMs = 4000;
    static constexpr int kHiddenPollMs = 30'000;

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
    /// The user's connections in the machine's environment (only their owner sees them).
    void connectionsChanged(const QJsonArray& connections);
    void recommendationsChanged(const QJsonArray& recommendations);
    void runRequestFinished(bool ok, const QString& message);
    void notice(const QString& message);
    void stopped();
    void runLogReady(const QString& runId, const QJsonArray& lines);
    void runReady(const QJsonObject& run);
    /// An attended flow asks the user (`ui.*`): answer with answerQuestion(@p id, …).
    void questionAsked(quint64 id, const mr::agent::UiRequest& request);
    /// The run behind question @p id ended: close its dialog.
    void questionWithdrawn(quint64 id);
    /// What the flows running here do now: {runId: "action(args…)"}, "" between actions;
    /// reported every second while any runs, and once empty when the last one ended.
    void currentActionsChanged(const QJsonObject& actions);

private:
    QThread* m_thread = nullptr;
    AgentWorker* m_worker = nullptr;
};

} // namespace mr::agent

Q_DECLARE_METATYPE(mr::agent::ConnectionStatus)
Q_DECLARE_METATYPE(mr::agent::RegistrationProblem)
