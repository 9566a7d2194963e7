#include "agent/Agent.h"

#include "agent/flow/FlowEngine.h"

#include <QLoggingCategory>
#include <QSysInfo>

Q_DECLARE_LOGGING_CATEGORY(lcChannel)
Q_DECLARE_LOGGING_CATEGORY(lcJournal)
Q_DECLARE_LOGGING_CATEGORY(lcIdentity)

namespace mr::agent {

using namespace mr::protocol;

namespace {

/// The password in a `sealedPassword` (docs/api.md), opened with the machine's key; std::nullopt
/// when the box does not open. The decoder has checked it is canonical base64 already.
std::optional<QString> openSealedPassword(const Identity& identity, const QString& sealed) {
    const std::optional<QByteArray> opened = identity.openSealed(QByteArray::fromBase64(sealed.toLatin1()));
    if (!opened)
        return std::nullopt;
    return QString::fromUtf8(*opened);
}

} // namespace

Agent::Agent(IdentityRecord record, Identity identity, SecretStore& secrets, Journal& journal, SessionMonitor& sessions,
             RunExecutor* executor, Options options, QObject* parent)
    : QObject(parent)
    , m_record(std::move(record))
    , m_identity(std::move(identity))
    , m_secrets(secrets)
    , m_journal(journal)
    , m_sessions(sessions)
    , m_executor(executor)
    , m_options(options) {
    m_stopTimer.setSingleShot(true);
}

Agent::~Agent() = default;

QList<MachineSession> Agent::withAccount(QList<MachineSession> sessions) const {
    if (m_options.appAccount.isEmpty())
        return sessions;
    for (MachineSession& session : sessions)
        if (session.user == m_options.appUser)
            session.account = m_options.appAccount;
    return sessions;
}

void Agent::start() {
    // Runs a previous process left running cannot be resumed: hello.unfinished lists them
    // (API.md), and the orchestrator fails them with MachineLost at once. Runs whose result
    // still waits in the journal are not listed: their result is sent again after welcome.
    m_abandoned = m_journal.runningRuns();
    if (!m_abandoned.isEmpty()) {
        qCWarning(lcJournal) << "runs left behind by the previous process, reported lost:" << m_abandoned;
        m_journal.forgetRuns(m_abandoned);
    }
    m_rest = new RestClient(QUrl(m_record.serverUrl), this);
    m_tokens = new MachineTokenClient(*m_rest, m_record, m_identity, this);
    m_channel = new Channel(
        QUrl(m_record.serverUrl),
        [this] {
            Hello hello;
            hello.machineId = m_record.machineId;
            hello.version = QStringLiteral(MR_VERSION);
            hello.os = QSysInfo::prettyProductName();
            hello.sessions = withAccount(m_sessions.sessions());
            hello.unfinished = m_abandoned;
            // Connection passwords come sealed to our key (docs/api.md, `hello.features`).
            hello.features = QStringList{Hello::kFeatureSealedSecrets};
            return hello;
        },
        this);

    connect(m_tokens, &MachineTokenClient::tokenChanged, this, [this](const QString& token) {
        settleKeys();
        m_channel->setToken(token);
        if (m_channel->state() == Channel::State::Stopped && !m_stopping)
            m_channel->start();
    });
    connect(m_tokens, &MachineTokenClient::refused, this, &Agent::fatal);
    connect(m_tokens, &MachineTokenClient::identitySwapped, this, [this](const Identity& current) {
        m_identity = current;
        if (m_nextKey && current.publicKey() == m_nextKey->publicKey())
            finishRotation(); // the orchestrator has the new key: its ack was lost on the way
    });
    connect(m_channel, &Channel::connectFailed, this, [this](const QString&) {
        // Qt 6.4 does not expose the upgrade's HTTP status; a refused upgrade (401) is most
        // likely an expired or revoked token, so get a fresh one before the next attempt. A
        // deleted registration surfaces there as a terminal refusal.
        m_tokens->refreshNow();
    });
    connect(m_channel, &Channel::stateChanged, this, [this](Channel::State state, int seconds, const QString& reason) {
        if (state != Channel::State::Online) {
            m_inFlight.clear();
            m_sentEntries.clear();
            // An unacknowledged keyRotated went down with the connection: the rotation stays
            // unresolved (both keys kept) until a token or a new rotation settles it.
            m_rotationSeq = 0;
            m_nextKey.reset();
        }
        Q_EMIT stateChanged(state, seconds, reason);
    });
    connect(m_channel, &Channel::welcomed, this, &Agent::onOnline);
    connect(m_channel, &Channel::acknowledged, this, &Agent::onAck);
    connect(m_channel, &Channel::runOffered, this, &Agent::onOffer);
    connect(m_channel, &Channel::cancelRequested, this, [this](const QString& runId) {
        if (m_executor && m_running.contains(runId))
            m_executor->cancel(runId);
    });
    connect(m_channel, &Channel::settingsChanged, this, [this](const AgentSettings& s) { m_settings = s; });
    connect(m_channel, &Channel::endSessionsRequested, &m_sessions, &SessionMonitor::endSessions);
    connect(m_channel, &Channel::checkCredentialsRequested, this, &Agent::onCheckCredentials);
    connect(m_channel, &Channel::rotateKeyRequested, this, &Agent::onRotateKey);
    connect(&m_sessions, &SessionMonitor::sessionsChanged, this,
            [this](const QList<MachineSession>& sessions) { m_channel->setSessions(withAccount(sessions)); });
    if (m_executor) {
        connect(m_executor, &RunExecutor::eventsReady, this, &Agent::onEvents);
        connect(m_executor, &RunExecutor::runFinished, this, &Agent::onFinished);
    }
    // A rotation a previous process left unresolved: both keys are kept, and the token client
    // tries the other when the orchestrator refuses the current one.
    m_secrets.read(SecretKey::PreviousPrivateKey, [this](const SecretResult& previous) {
        if (previous.ok) {
            if (auto other = Identity::fromSecretKey(previous.value, m_identity.fingerprintValue())) {
                qCInfo(lcIdentity) << "a key rotation was left unresolved; keeping both keys until it is settled";
                m_tokens->setAlternate(*other);
            }
        }
        m_tokens->start();
    });
}

void Agent::onOnline(const Welcome& welcome) {
    m_settings = welcome.settings;
    flushJournal();
}

void Agent::flushJournal() {
    for (const JournalEntry& entry : m_journal.pending()) {
        if (!m_sentEntries.contains(entry.id))
            sendEntry(entry);
    }
}

void Agent::sendEntry(const JournalEntry& entry) {
    if (!m_channel->isOnline())
        return; // sent after the next welcome
    const qint64 seq = m_channel->send(entry.body, true);
    if (seq > 0) {
        m_inFlight.insert(seq, entry.id);
        m_sentEntries.insert(entry.id);
    }
}

void Agent::onAck(qint64 seq) {
    if (m_rotationSeq != 0 && seq == m_rotationSeq)
        return finishRotation();
    const qint64 id = m_inFlight.take(seq);
    if (id == 0)
        return;
    m_journal.acknowledge(id);
    m_sentEntries.remove(id);
    maybeStopped();
}

QString Agent::declineReason(const RunOffer& offer) const {
    if (m_stopping)
        return QStringLiteral("the agent is stopping");
    if (!m_executor)
        return QStringLiteral("this agent cannot run flows");
    if (m_settings.maintenanceMode)
        return QStringLiteral("the machine is in maintenance");
    if (m_running.contains(offer.runId))
        return QStringLiteral("the run is already running here");
    int attended = 0;
    int unattended = 0;
    for (const RunMode mode : m_running)
        (mode == RunMode::Attended ? attended : unattended)++;
    if (offer.runMode == RunMode::Unattended) {
        if (attended > 0)
            return QStringLiteral("an attended run is running on this machine");
        if (unattended >= std::max(1, m_settings.unattendedBots))
            return QStringLiteral("no free unattended bot (%1 running)").arg(unattended);
        return {};
    }
    if (attended > 0 || unattended > 0)
        return QStringLiteral("another run is running on this machine");
    if (m_options.headless && !m_sessions.isStatic())
        return QStringLiteral("no desktop session in the head-less agent");
    const QString user = offer.connection.username.value_or(QString());
    for (const MachineSession& s : m_sessions.sessions()) {
        if (s.state == SessionState::Active && (user.isEmpty() || s.user == user))
            return {};
    }
    return QStringLiteral("AttendedUserSessionNotActive");
}

void Agent::onOffer(const RunOffer& offer) {
    const QString reason = declineReason(offer);
    if (!reason.isEmpty()) {
        qCInfo(lcChannel).noquote() << "declining run" << offer.runId << ":" << reason;
        m_channel->send(RunDecline{offer.runId, reason});
        return;
    }
    // The executor gets the password itself: open a sealed one now, with the key the orchestrator
    // sealed it to (it sends no offer while a key rotation is under way).
    RunOffer opened = offer;
    bool sealedToAnotherKey = false;
    if (offer.connection.sealedPassword) {
        opened.connection.password = openSealedPassword(m_identity, *offer.connection.sealedPassword);
        opened.connection.sealedPassword.reset();
        sealedToAnotherKey = !opened.connection.password;
    }
    // Write-ahead: the journal knows the run started before the orchestrator does.
    m_journal.markRunning(offer.runId);
    m_running.insert(offer.runId, offer.runMode);
    qCInfo(lcChannel).noquote() << "accepting run" << offer.runId;
    m_channel->send(RunAccept{offer.runId});
    if (sealedToAnotherKey) {
        // Accepted and failed rather than declined: a declined run would only come back sealed the
        // same way until it timed out.
        qCWarning(lcChannel).noquote() << "run" << offer.runId
                                       << "fails: its connection's password does not open with this machine's key";
        RunResult result;
        result.runId = offer.runId;
        result.status = RunStatus::Failed;
        result.errorCode = QStringLiteral("CredentialsIncorrect");
        result.errorMessage = QStringLiteral("The machine could not open the connection's password: it was sealed to "
                                             "another key than this machine's. The run did not start.");
        onFinished(result);
        return;
    }
    m_executor->start(opened);
}

void Agent::onEvents(QList<RunEvent> events) {
    QList<AgentMessageBody> bodies;
    for (RunEvent& event : events) {
        if (event.eventSeq <= 0)
            event.eventSeq = ++m_eventSeq[event.runId];
        else
            m_eventSeq[event.runId] = std::max(m_eventSeq.value(event.runId), event.eventSeq);
        if (!event.at.isValid())
            event.at = QDateTime::currentDateTimeUtc();
        bodies.append(event);
    }
    // Written before it is sent, the whole batch in one transaction.
    const QList<qint64> ids = m_journal.append(bodies);
    for (qsizetype i = 0; i < ids.size(); ++i)
        sendEntry(JournalEntry{ids[i], events[i].runId, events[i]});
}

void Agent::onFinished(const RunResult& result) {
    if (!m_running.contains(result.runId))
        return; // a second result of the same run: the first one counts
    m_running.remove(result.runId);
    m_eventSeq.remove(result.runId);
    const qint64 id = m_journal.append(result);
    qCInfo(lcChannel).noquote() << "run" << result.runId << "ended" << enumName(result.status);
    if (id > 0)
        sendEntry(JournalEntry{id, result.runId, result});
    maybeStopped();
}

void Agent::onCheckCredentials(const CheckCredentials& request) {
    // Only a declared static session can answer here (API.md): it passes when the user is
    // USER. A real credential check needs the OS's authentication, which the agent does not do.
    // A sealed password that does not open with our key is never ok.
    bool opened = true;
    if (request.sealedPassword) {
        opened = openSealedPassword(m_identity, *request.sealedPassword).has_value();
        if (!opened)
            qCWarning(lcChannel) << "checkCredentials: the password does not open with this machine's key";
    }
    const bool ok = opened && m_sessions.isStatic() && request.username == m_sessions.staticUser();
    m_channel->send(CredentialsChecked{request.requestId, ok});
}

void Agent::onRotateKey() {
    if (m_rotationSeq != 0) {
        qCInfo(lcChannel) << "a key rotation is already under way; this request waits for it";
        return;
    }
    const Identity::Rotation rotation = m_identity.rotate();
    const Identity current = m_identity;
    const Identity next = rotation.next;
    const QByteArray signature = rotation.signature;
    // Both keys are kept before the new one is announced, and the old one stays in use until
    // the orchestrator acknowledges keyRotated: whichever of the two it ends up holding, the
    // machine can still sign in.
    m_secrets.write(
        SecretKey::PreviousPrivateKey, current.secretKey(), [this, current, next, signature](const SecretResult& kept) {
            if (!kept.ok) {
                qCWarning(lcChannel).noquote() << "cannot rotate the key:" << kept.error;
                return;
            }
            m_secrets.write(
                SecretKey::PrivateKey, next.secretKey(), [this, current, next, signature](const SecretResult& stored) {
                    if (!stored.ok) {
                        qCWarning(lcChannel).noquote() << "cannot rotate the key:" << stored.error;
                        return;
                    }
                    m_tokens->setAlternate(next);
                    const qint64 seq = m_channel->send(
                        KeyRotated{next.publicKeyBase64(), QString::fromLatin1(signature.toBase64())}, true);
                    if (seq <= 0)
                        return; // offline: the orchestrator asks again after the next hello
                    m_nextKey = next;
                    m_rotationSeq = seq;
                    qCInfo(lcChannel) << "new key announced; waiting for the orchestrator to store it";
                });
        });
}

void Agent::finishRotation() {
    if (!m_nextKey)
        return;
    m_identity = *m_nextKey;
    m_nextKey.reset();
    m_rotationSeq = 0;
    m_tokens->setIdentity(m_identity);
    m_tokens->setAlternate(std::nullopt);
    m_secrets.remove(SecretKey::PreviousPrivateKey, [](const SecretResult&) {});
    qCInfo(lcChannel) << "key rotated";
}

void Agent::settleKeys() {
    if (!m_tokens->hasAlternate() || m_rotationSeq != 0)
        return;
    m_identity = m_tokens->identity();
    m_tokens->setAlternate(std::nullopt);
    const QByteArray key = m_identity.secretKey();
    m_secrets.write(SecretKey::PrivateKey, key, [this](const SecretResult& stored) {
        if (stored.ok)
            m_secrets.remove(SecretKey::PreviousPrivateKey, [](const SecretResult&) {});
    });
    qCInfo(lcIdentity) << "the key rotation is settled: the orchestrator holds this machine's current key";
}

void Agent::shutdown() {
    if (m_stopping)
        return;
    m_stopping = true;
    qCInfo(lcChannel) << "stopping:" << m_running.size() << "run(s) still running";
    if (m_running.isEmpty())
        return finishShutdown();
    connect(&m_stopTimer, &QTimer::timeout, this, [this] {
        if (m_running.isEmpty())
            return;
        qCWarning(lcChannel) << "cancelling runs that did not finish in time:" << m_running.keys();
        for (const QString& runId : m_running.keys())
            m_executor->cancel(runId);
        QTimer::singleShot(m_options.cancelGraceMs, this, [this] {
            // The executor did not report: record the end ourselves, so no result is missing.
            for (const QString& runId : m_running.keys()) {
                RunResult r;
                r.runId = runId;
                r.status = RunStatus::Cancelled;
                r.errorCode = QStringLiteral("Cancelled");
                r.errorMessage = QStringLiteral("The agent stopped before the run could finish.");
                onFinished(r);
            }
            finishShutdown();
        });
    });
    m_stopTimer.start(m_options.stopGraceMs);
}

void Agent::maybeStopped() {
    if (!m_stopping || !m_running.isEmpty() || m_stoppedEmitted)
        return;
    if (!m_draining) { // every run ended within the grace period
        m_stopTimer.stop();
        finishShutdown();
        return;
    }
    if (!m_journal.pending().isEmpty())
        return; // waiting for acks (or the flush grace period)
    m_stoppedEmitted = true;
    if (m_channel)
        m_channel->stop(QStringLiteral("the agent is stopping"));
    Q_EMIT stopped();
}

void Agent::finishShutdown() {
    if (m_draining)
        return;
    m_draining = true;
    if (m_tokens)
        m_tokens->stop();
    // Give the journal a moment to reach the orchestrator; what is left is resent next start.
    QTimer::singleShot(m_options.flushGraceMs, this, [this] {
        if (m_stoppedEmitted)
            return;
        m_stoppedEmitted = true;
        if (m_channel)
            m_channel->stop(QStringLiteral("the agent is stopping"));
        Q_EMIT stopped();
    });
    maybeStopped();
}

FlowEngineExecutor::FlowEngineExecutor(QObject* parent)
    : RunExecutor(parent)
    , m_engine(new FlowEngine(this)) {
    connect(m_engine, &FlowEngine::events, this, [this](const QList<FlowEvent>& batch) {
        QList<RunEvent> events;
        for (const FlowEvent& e : batch) {
            RunEvent event;
            event.runId = e.runId;
            event.eventSeq = e.eventSeq;
            event.kind = e.kind == QLatin1String("progress") ? RunEventKind::Progress : RunEventKind::Log;
            event.at = e.at;
            event.level = e.level;
            event.text = e.text;
            event.data = e.data;
            events.append(event);
        }
        Q_EMIT eventsReady(events);
    });
    connect(m_engine, &FlowEngine::finished, this, [this](const FlowResult& r) {
        RunResult result;
        result.runId = r.runId;
        result.status = r.status;
        result.outputs = r.outputs;
        if (!r.errorCode.isEmpty())
            result.errorCode = r.errorCode;
        if (!r.errorMessage.isEmpty())
            result.errorMessage = r.errorMessage;
        if (r.errorLine >= 0)
            result.errorLine = r.errorLine;
        Q_EMIT runFinished(result);
    });
}

FlowEngineExecutor::~FlowEngineExecutor() = default;

void FlowEngineExecutor::start(const RunOffer& offer) {
    FlowJob job;
    job.runId = offer.runId;
    job.script = offer.flow.script;
    job.declaredInputs = offer.flow.inputs;
    job.declaredOutputs = offer.flow.outputs;
    job.inputs = offer.inputs;
    job.runMode = offer.runMode;
    // The head-less agent has no prompter; desktop actions only where a display exists.
    job.prompter = m_prompter;
    job.displayAvailable = !qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
    if (!m_engine->start(job)) {
        RunResult result;
        result.runId = offer.runId;
        result.status = RunStatus::Failed;
        result.errorCode = QStringLiteral("FlowError");
        result.errorMessage = QStringLiteral("The run is already running on this machine.");
        Q_EMIT runFinished(result);
    }
}

void FlowEngineExecutor::cancel(const QString& runId) {
    m_engine->cancel(runId);
}

QHash<QString, QString> FlowEngineExecutor::currentActions() const {
    return m_engine->currentActions();
}

} // namespace mr::agent
