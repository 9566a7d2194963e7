#pragma once

#include "agent/Channel.h"
#include "agent/Identity.h"
#include "agent/Journal.h"
#include "agent/Registration.h"
#include "agent/SecretStore.h"
#include "agent/SessionMonitor.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <memory>

namespace mr::agent {

class UiPrompter;

/// The seam between the agent and whatever runs flows (agent/flow/FlowEngine). start() begins an
/// accepted run; the executor reports with eventsReady() (eventSeq may be 0: the agent numbers
/// events per run) and, exactly once per run, runFinished(). cancel() asks a run to stop; it
/// still ends with runFinished (status Cancelled).
class RunExecutor : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    ~RunExecutor() override = default;

    virtual void start(const mr::protocol::RunOffer& offer) = 0;
    virtual void cancel(const QString& runId) = 0;

Q_SIGNALS:
    /// Events in the order they happened; a batch is journaled in one transaction.
    void eventsReady(const QList<mr::protocol::RunEvent>& events);
    void runFinished(const mr::protocol::RunResult& result);
};

class FlowEngine;

/// The RunExecutor of the real flow engine (agent/flow/FlowEngine): turns an offer into a
/// FlowJob and the engine's events and results into protocol messages.
class FlowEngineExecutor final : public RunExecutor {
    Q_OBJECT
public:
    explicit FlowEngineExecutor(QObject* parent = nullptr);
    ~FlowEngineExecutor() override;

    void start(const mr::protocol::RunOffer& offer) override;
    void cancel(const QString& runId) override;
    /// Who answers attended runs' `ui.*` questions (the desktop app); must outlive the runs.
    void setPrompter(UiPrompter* prompter) { m_prompter = prompter; }
    /// What each running flow is doing now (FlowEngine::currentActions).
    QHash<QString, QString> currentActions() const;

private:
    FlowEngine* m_engine;
    UiPrompter* m_prompter = nullptr;
};

/// The agent: keeps the machine token, the channel, the journal and the session monitor
/// together, decides which offers to take (RunQueue rules of ARCHITECTURE.md), hands accepted
/// runs to the RunExecutor, and journals every event and result before sending it, resending
/// until acknowledged. Collaborators are passed in; it owns none of them except its channel.
class Agent final : public QObject {
    Q_OBJECT
public:
    struct Options {
        bool headless = true; ///< no UI: attended offers need a declared active static session
        int stopGraceMs = 10'000;
        int cancelGraceMs = 3'000;
        int flushGraceMs = 3'000;
        /// The desktop app's OS user and the orchestrator account signed in there: that
        /// session is reported with `account` (API.md sessions:[{user, account, state}]).
        QString appUser;
        QString appAccount;
    };

    Agent(IdentityRecord record, Identity identity, SecretStore& secrets, Journal& journal, SessionMonitor& sessions,
          RunExecutor* executor, Options options, QObject* parent = nullptr);
    ~Agent() override;

    void start();
    /// Stop taking offers, let running flows finish (stopGraceMs), cancel the rest, send what is
    /// journaled (flushGraceMs), then emit stopped().
    void shutdown();

    Channel& channel() { return *m_channel; }
    int runningCount() const { return int(m_running.size()); }

Q_SIGNALS:
    /// The agent cannot go on: exit with @p exitCode after showing @p message.
    void fatal(int exitCode, const QString& message);
    void stopped();
    void stateChanged(mr::agent::Channel::State state, int seconds, const QString& reason);

private:
    void onOnline(const mr::protocol::Welcome& welcome);
    void onOffer(const mr::protocol::RunOffer& offer);
    void onEvents(QList<mr::protocol::RunEvent> events);
    void onFinished(const mr::protocol::RunResult& result);
    void onAck(qint64 seq);
    void onRotateKey();
    /// The orchestrator stored the new key (keyRotated acknowledged, or it took the new key).
    void finishRotation();
    /// A token came with the current key while no rotation is in flight: that key is the one
    /// the orchestrator holds; keep it and forget the other.
    void settleKeys();
    void onCheckCredentials(const mr::protocol::CheckCredentials& request);
    QList<mr::protocol::MachineSession> withAccount(QList<mr::protocol::MachineSession> sessions) const;
    QString declineReason(const mr::protocol::RunOffer& offer) const;
    void sendEntry(const JournalEntry& entry);
    void flushJournal();
    void finishShutdown();
    void maybeStopped();

    IdentityRecord m_record;
    Identity m_identity;
    std::optional<Identity> m_nextKey; ///< made by a rotation, announced, not yet acknowledged
    qint64 m_rotationSeq = 0;          ///< the keyRotated message awaiting its ack
    SecretStore& m_secrets;
    Journal& m_journal;
    SessionMonitor& m_sessions;
    RunExecutor* m_executor;
    QStringList m_abandoned; ///< runs a previous process left unfinished; listed in every hello
    Options m_options;
    RestClient* m_rest = nullptr;
    MachineTokenClient* m_tokens = nullptr;
    Channel* m_channel = nullptr;

    mr::protocol::AgentSettings m_settings;
    QHash<QString, mr::protocol::RunMode> m_running;
    QHash<QString, qint64> m_eventSeq;
    QHash<qint64, qint64> m_inFlight; ///< channel seq → journal entry id, this connection
    QSet<qint64> m_sentEntries;       ///< journal entries sent on this connection
    bool m_stopping = false;
    bool m_stoppedEmitted = false;
    bool m_draining = false;
    QTimer m_stopTimer;
};

} // namespace mr::agent
