#include "agent/AgentController.h"

#include "agent/Agent.h"
#include "agent/Identity.h"
#include "agent/Journal.h"
#include "agent/KeychainSecretStore.h"
#include "agent/Registration.h"
#include "agent/SessionMonitor.h"
#include "agent/StateDir.h"
#include "agent/flow/QueuedPrompter.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSysInfo>
#include <QThread>
#include <QTimer>
#include <QUrlQuery>

#include <pwd.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcController, "mr.agent.controller")

namespace mr::agent {

namespace {

/// REST calls of the app: how long one may stall, and the largest answer read.
constexpr int kCallTimeoutMs = 15'000;
constexpr qint64 kMaxAnswer = 8 * 1024 * 1024;
/// After a run's event, the dashboard is read again within this time.
constexpr qint64 kSoonMs = 2000;

/// A secret store that keeps nothing beyond the process (tests without a keychain).
class MemorySecretStore final : public SecretStore {
public:
    using SecretStore::SecretStore;
    void read(const QString& key, Callback done) override {
        SecretResult r;
        r.ok = m_values.contains(key);
        r.notFound = !r.ok;
        r.value = m_values.value(key);
        answer(std::move(done), r);
    }
    void write(const QString& key, const QByteArray& value, Callback done) override {
        m_values.insert(key, value);
        SecretResult r;
        r.ok = true;
        answer(std::move(done), r);
    }
    void remove(const QString& key, Callback done) override {
        SecretResult r;
        r.ok = m_values.remove(key) > 0;
        r.notFound = !r.ok;
        answer(std::move(done), r);
    }

private:
    void answer(Callback done, const SecretResult& r) {
        QMetaObject::invokeMethod(
            this, [done = std::move(done), r] { done(r); }, Qt::QueuedConnection);
    }
    QHash<QString, QByteArray> m_values;
};

bool mayRegister(const QJsonObject& environment) {
    const QJsonArray roles = environment.value(QStringLiteral("roles")).toArray();
    // The orchestrator's access policy: admins may register too.
    return roles.contains(QStringLiteral("EnvironmentMaker")) || roles.contains(QStringLiteral("MachineOwner")) ||
           roles.contains(QStringLiteral("EnvironmentAdmin"));
}

/// The name of the OS user this process runs as.
QString osUserName() {
    const passwd* entry = getpwuid(getuid());
    return entry ? QString::fromLocal8Bit(entry->pw_name) : qEnvironmentVariable("USER");
}

QString apiError(const QByteArray& body, QString* code = nullptr, QJsonObject* details = nullptr) {
    const QJsonObject error = QJsonDocument::fromJson(body).object().value(QStringLiteral("error")).toObject();
    if (code)
        *code = error.value(QStringLiteral("code")).toString();
    if (details)
        *details = error.value(QStringLiteral("details")).toObject();
    return error.value(QStringLiteral("message")).toString();
}

} // namespace

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

std::unique_ptr<SecretStore> AgentWorker::store(const QString& account) const {
    if (!m_options.useKeychain)
        return std::make_unique<MemorySecretStore>();
    return std::make_unique<KeychainSecretStore>(m_session.server.toString(), account);
}

void AgentWorker::init() {
    m_stateDir = StateDir(m_options.stateDir).path();
    const bool keychain = m_options.useKeychain;
    m_signIn = new SignInFlow(
        [keychain](const QString& server, const QString& account) -> std::unique_ptr<SecretStore> {
            if (!keychain)
                return nullptr;
            return std::make_unique<KeychainSecretStore>(server, account);
        },
        this);
    m_nam = new QNetworkAccessManager(this);
    m_nam->setTransferTimeout(30'000);
    m_poll = new QTimer(this);
    m_poll->setInterval(AgentController::kPollMs);
    m_refresh = new QTimer(this);
    m_refresh->setSingleShot(true);
    connect(m_poll, &QTimer::timeout, this, &AgentWorker::poll);
    m_prompter = new QueuedPrompter(this);
    connect(m_prompter, &QueuedPrompter::questionAsked, this, &AgentWorker::questionAsked);
    connect(m_prompter, &QueuedPrompter::questionWithdrawn, this, &AgentWorker::questionWithdrawn);
    m_actions = new QTimer(this);
    m_actions->setInterval(1000);
    connect(m_actions, &QTimer::timeout, this, &AgentWorker::reportActions);
    m_pollSoon = new QTimer(this);
    m_pollSoon->setSingleShot(true);
    connect(m_pollSoon, &QTimer::timeout, this, &AgentWorker::poll);
    connect(m_refresh, &QTimer::timeout, this, &AgentWorker::refreshAccessToken);
    connect(m_signIn, &SignInFlow::stateChanged, this, &AgentWorker::signInStateChanged);
    connect(m_signIn, &SignInFlow::authorizationUrlReady, this, &AgentWorker::authorizationUrlReady);
    connect(m_signIn, &SignInFlow::failed, this, &AgentWorker::signInFailed);
    connect(m_signIn, &SignInFlow::signedIn, this, &AgentWorker::onSignedIn);
}

void AgentWorker::call(const QByteArray& method, const QString& path, const QJsonDocument& body, Done done) {
    QNetworkRequest request(QUrl(m_session.server.toString() + path));
    request.setRawHeader("Authorization", "Bearer " + m_session.accessToken.toUtf8());
    QByteArray data;
    if (!body.isNull()) {
        data = body.toJson(QJsonDocument::Compact);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    }
    // A dead network must not leave a call hanging, and no answer is buffered beyond kMaxAnswer.
    request.setTransferTimeout(kCallTimeoutMs);
    QNetworkReply* reply = m_nam->sendCustomRequest(request, method, data);
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply](qint64 received, qint64 total) {
        if (received > kMaxAnswer || total > kMaxAnswer)
            reply->abort();
    });
    connect(reply, &QNetworkReply::finished, this, [reply, done = std::move(done)] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 0 || reply->error() == QNetworkReply::OperationCanceledError) {
            // No HTTP answer: an error body in the API's shape, so callers show one sentence.
            const QJsonObject error{{QStringLiteral("code"), QStringLiteral("Unreachable")},
                                    {QStringLiteral("message"),
                                     AgentWorker::tr("The server didn't answer (%1). Check your network; Machine "
                                                     "Runtime keeps trying.")
                                         .arg(reply->errorString())}};
            return done(0, QJsonDocument(QJsonObject{{QStringLiteral("error"), error}}).toJson(QJsonDocument::Compact));
        }
        done(status, reply->readAll());
    });
}

void AgentWorker::setStatus(ConnectionStatus::Kind kind, int seconds, const QString& reason) {
    if (m_maintenance && (kind == ConnectionStatus::Kind::Online))
        kind = ConnectionStatus::Kind::Maintenance;
    if (kind != m_status.kind)
        m_status.since = QDateTime::currentDateTimeUtc();
    m_status.kind = kind;
    m_status.seconds = seconds;
    m_status.reason = reason;
    Q_EMIT connectionChanged(m_status);
}

void AgentWorker::onSignedIn(const SignInSession& session) {
    m_session = session;
    if (m_session.expiresInSeconds > 90)
        m_refresh->start((m_session.expiresInSeconds - 60) * 1000);
    Q_EMIT signedIn(session.username, session.server.host(), session.environments);
    QString error;
    const auto record = IdentityRecord::load(m_stateDir, &error);
    if (record && QUrl(record->serverUrl).adjusted(QUrl::StripTrailingSlash) == m_session.server)
        return startAgent(*record);
    // Register: in the remembered environment, or the only one where the user may.
    QJsonObject target;
    int allowed = 0;
    for (const QJsonValue& v : m_session.environments) {
        const QJsonObject environment = v.toObject();
        if (!mayRegister(environment))
            continue;
        ++allowed;
        if (environment.value(QStringLiteral("id")).toString() == m_options.rememberedEnvironment)
            target = environment;
    }
    if (target.isEmpty() && allowed == 1) {
        for (const QJsonValue& v : m_session.environments)
            if (mayRegister(v.toObject()))
                target = v.toObject();
    }
    if (target.isEmpty())
        return chooseEnvironment(allowed == 0 ? tr("You may not register machines in any environment yet. Ask your "
                                                   "administrator for the Environment Maker or Desktop Flows Machine "
                                                   "Owner role.")
                                              : tr("Choose the environment this machine runs flows for."),
                                 {});
    registerMachine(target.value(QStringLiteral("id")).toString(), QSysInfo::machineHostName());
}

void AgentWorker::chooseEnvironment(const QString& message, const QString& detail) {
    RegistrationProblem problem;
    problem.message = message;
    problem.detail = detail;
    problem.needsChoice = true;
    Q_EMIT registrationNeeded(m_session.environments, problem);
}

void AgentWorker::registerMachine(const QString& environmentId, const QString& name) {
    QString environmentName;
    for (const QJsonValue& v : m_session.environments)
        if (v.toObject().value(QStringLiteral("id")).toString() == environmentId)
            environmentName = v.toObject().value(QStringLiteral("name")).toString();
    setStatus(ConnectionStatus::Kind::Registering);
    m_machineSecrets = store(QStringLiteral("machine"));
    Registration::Request request;
    request.server = m_session.server;
    request.environment = environmentName;
    request.name = name.isEmpty() ? QSysInfo::machineHostName() : name;
    request.userToken = m_session.accessToken;
    request.stateDir = m_stateDir;
    // The sign-in already vetted the server: https, loopback, or plain http the user confirmed.
    request.allowInsecure = true;
    QString error;
    if (!StateDir(m_stateDir).ensure(&error))
        return chooseEnvironment(tr("Cannot keep this machine's identity on disk."), error);
    m_registration = std::make_unique<Registration>(std::move(request), *m_machineSecrets);
    connect(
        m_registration.get(), &Registration::finished, this,
        [this, environmentName](int exitCode, const QString& message) {
            m_registration.release()->deleteLater();
            if (exitCode != 0) {
                setStatus(ConnectionStatus::Kind::Offline, 0, message);
                QString text = tr("This machine could not be registered in %1.").arg(environmentName);
                if (message.contains(QLatin1String("needs")))
                    text = tr("You need the Environment Maker or Desktop Flows Machine Owner role in %1 to register "
                              "this machine.")
                               .arg(environmentName);
                else if (message.contains(QLatin1String("already exists")))
                    text =
                        tr("A machine with this name already exists in %1. Choose another name.").arg(environmentName);
                return chooseEnvironment(text, message);
            }
            QString loadError;
            const auto record = IdentityRecord::load(m_stateDir, &loadError);
            if (!record)
                return chooseEnvironment(tr("This machine could not be registered."), loadError);
            startAgent(*record);
        });
    m_registration->start();
}

void AgentWorker::startAgent(const IdentityRecord& record) {
    m_record = record;
    Q_EMIT registered(record.machineId, record.environmentId, record.environmentName);
    setStatus(ConnectionStatus::Kind::Connecting);
    if (!m_machineSecrets)
        m_machineSecrets = store(QStringLiteral("machine"));
    m_poll->start();
    m_pollCount = 0;
    poll();
    m_machineSecrets->read(SecretKey::PrivateKey, [this, record](const SecretResult& key) {
        const auto identity =
            key.ok ? Identity::fromSecretKey(key.value, Identity::fingerprint(record.installId)) : std::nullopt;
        if (!identity) {
            RegistrationProblem problem;
            problem.message = tr("This machine's key is missing from the keychain. Register this machine anew.");
            problem.detail = key.error;
            problem.identityMismatch = true;
            return Q_EMIT registrationNeeded(m_session.environments, problem);
        }
        QString error;
        m_journal = std::make_unique<Journal>(m_stateDir);
        if (!m_journal->open(&error))
            return setStatus(ConnectionStatus::Kind::Offline, 0, error);
        m_sessions = SessionMonitor::create(m_options.sessionSource, &error);
        if (!m_sessions)
            return setStatus(ConnectionStatus::Kind::Offline, 0, error);
        m_executor = std::make_unique<FlowEngineExecutor>();
        // A run here started, wrote or ended: show it now rather than at the next poll.
        connect(m_executor.get(), &RunExecutor::eventsReady, this, &AgentWorker::pollSoon);
        connect(m_executor.get(), &RunExecutor::runFinished, this, &AgentWorker::pollSoon);
        // What the flows here are doing, every second while any runs.
        connect(m_executor.get(), &RunExecutor::eventsReady, this, [this] {
            if (!m_actions->isActive())
                m_actions->start();
        });
        // Attended runs ask the user through the window; a run that ends closes its questions.
        m_executor->setPrompter(m_prompter);
        connect(m_executor.get(), &RunExecutor::runFinished, m_prompter,
                [this](const mr::protocol::RunResult& result) { m_prompter->withdraw(result.runId); });
        Agent::Options options;
        options.headless = false;
        options.appUser = m_sessions->isStatic() ? m_sessions->staticUser() : osUserName();
        options.appAccount = m_session.username;
        m_agent = std::make_unique<Agent>(record, *identity, *m_machineSecrets, *m_journal, *m_sessions,
                                          m_executor.get(), options);
        connect(m_agent.get(), &Agent::stateChanged, this,
                [this](Channel::State state, int seconds, const QString& reason) {
                    switch (state) {
                    case Channel::State::Online:
                        return setStatus(ConnectionStatus::Kind::Online);
                    case Channel::State::Connecting:
                        return setStatus(ConnectionStatus::Kind::Connecting);
                    case Channel::State::Reconnecting:
                        return setStatus(ConnectionStatus::Kind::Reconnecting, seconds, reason);
                    case Channel::State::Stopped:
                        return setStatus(ConnectionStatus::Kind::Offline, 0, reason);
                    }
                });
        connect(m_agent.get(), &Agent::fatal, this, [this](int, const QString& message) {
            stopAgent();
            RegistrationProblem problem;
            problem.identityMismatch = true;
            problem.message = tr("This PC no longer matches its registration (a cloned disk or a reset PC?), or the "
                                 "registration was deleted. Register this machine anew to go on.");
            problem.detail = message;
            Q_EMIT registrationNeeded(m_session.environments, problem);
        });
        m_agent->start();
    });
}

void AgentWorker::stopAgent() {
    if (!m_agent)
        return;
    // The agent refers to its journal, session monitor, executor and secret store until it has
    // stopped: they leave with it and are deleted together, agent first, once it is done.
    Agent* agent = m_agent.release();
    Journal* journal = m_journal.release();
    SessionMonitor* sessions = m_sessions.release();
    FlowEngineExecutor* executor = m_executor.release();
    SecretStore* secrets = m_machineSecrets.release();
    connect(agent, &Agent::stopped, this, [this, agent, journal, sessions, executor, secrets] {
        QTimer::singleShot(0, this, [agent, journal, sessions, executor, secrets] {
            delete agent;
            delete executor;
            delete sessions;
            delete journal;
            delete secrets;
        });
    });
    agent->shutdown();
}

void AgentWorker::registerAnew() {
    stopAgent();
    m_poll->stop();
    m_record = {};
    // Whatever store is left (an agent that never started) goes now, not in a callback that
    // could run after a new registration made its own.
    m_machineSecrets.reset();
    SecretStore* secrets = store(QStringLiteral("machine")).release();
    unregisterLocally(m_stateDir, *secrets, [this, secrets](int, const QString&) {
        secrets->deleteLater();
        chooseEnvironment(tr("Choose the environment to register this machine in."), {});
    });
}

void AgentWorker::signOut() {
    m_poll->stop();
    m_refresh->stop();
    stopAgent();
    const QString account = m_session.username;
    if (m_options.useKeychain && !account.isEmpty()) {
        auto* tokens = new KeychainSecretStore(m_session.server.toString(), account, this);
        tokens->remove(SignInFlow::refreshTokenKey(), [tokens](const SecretResult&) { tokens->deleteLater(); });
    }
    m_session = {};
    m_signIn->cancel();
    setStatus(ConnectionStatus::Kind::SignedOut);
    Q_EMIT signedOut();
}

void AgentWorker::shutdown() {
    m_poll->stop();
    m_refresh->stop();
    m_signIn->cancel();
    if (!m_agent)
        return Q_EMIT stopped();
    connect(m_agent.get(), &Agent::stopped, this, &AgentWorker::stopped);
    m_agent->shutdown();
}

void AgentWorker::refreshAccessToken() {
    QUrlQuery form;
    form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("refresh_token"));
    form.addQueryItem(QStringLiteral("refresh_token"), m_session.refreshToken);
    form.addQueryItem(QStringLiteral("client_id"), SignInFlow::kClientId);
    QNetworkRequest request(QUrl(m_session.server.toString() + QStringLiteral("/oauth/token")));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/x-www-form-urlencoded"));
    QNetworkReply* reply = m_nam->post(request, form.toString(QUrl::FullyEncoded).toLatin1());
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        const QJsonObject token = QJsonDocument::fromJson(reply->readAll()).object();
        if (!token.contains(QStringLiteral("access_token"))) {
            qCWarning(lcController) << "token refresh failed, HTTP"
                                    << reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            return m_refresh->start(30'000);
        }
        m_session.accessToken = token.value(QStringLiteral("access_token")).toString();
        m_session.refreshToken = token.value(QStringLiteral("refresh_token")).toString();
        m_refresh->start(std::max(30, token.value(QStringLiteral("expires_in")).toInt() - 60) * 1000);
        if (m_options.useKeychain) {
            auto* tokens = new KeychainSecretStore(m_session.server.toString(), m_session.username, this);
            tokens->write(SignInFlow::refreshTokenKey(), m_session.refreshToken.toUtf8(),
                          [tokens](const SecretResult&) { tokens->deleteLater(); });
        }
    });
}

void AgentWorker::reportActions() {
    QJsonObject actions;
    if (m_executor) {
        const QHash<QString, QString> now = m_executor->currentActions();
        for (auto it = now.cbegin(); it != now.cend(); ++it)
            actions.insert(it.key(), it.value());
    }
    if (actions.isEmpty())
        m_actions->stop();
    if (actions != m_lastActions) {
        m_lastActions = actions;
        Q_EMIT currentActionsChanged(actions);
    }
}

void AgentWorker::replay() {
    if (m_session.accessToken.isEmpty())
        return Q_EMIT connectionChanged(m_status);
    Q_EMIT signedIn(m_session.username, m_session.server.host(), m_session.environments);
    if (!m_record.machineId.isEmpty())
        Q_EMIT registered(m_record.machineId, m_record.environmentId, m_record.environmentName);
    Q_EMIT connectionChanged(m_status);
    m_pollCount = 0;
    poll();
}

void AgentWorker::setWindowVisible(bool visible) {
    m_poll->setInterval(visible ? AgentController::kPollMs : AgentController::kHiddenPollMs);
    if (visible && m_poll->isActive())
        poll();
}

void AgentWorker::pollSoon() {
    // Soon, but not more often than every kSoonMs however chatty a flow is; the agent's own
    // message reaches the orchestrator before this poll reads it back.
    if (!m_pollSoon->isActive())
        m_pollSoon->start(std::max<qint64>(kSoonMs / 4, kSoonMs - m_sinceLastPoll.elapsed()));
}

void AgentWorker::poll() {
    if (m_record.machineId.isEmpty() || m_session.accessToken.isEmpty())
        return;
    m_sinceLastPoll.start();
    const QString env = m_record.environmentId;
    call("GET", QStringLiteral("/api/v1/machines/%1").arg(m_record.machineId), {},
         [this](int status, const QByteArray& body) {
             if (status != 200)
                 return;
             const QJsonObject machine = QJsonDocument::fromJson(body).object();
             m_maintenance = machine.value(QStringLiteral("maintenanceMode")).toBool() ||
                             machine.value(QStringLiteral("status")).toString() == QLatin1String("maintenance");
             if (m_status.kind == ConnectionStatus::Kind::Online && m_maintenance)
                 setStatus(ConnectionStatus::Kind::Maintenance);
             else if (m_status.kind == ConnectionStatus::Kind::Maintenance && !m_maintenance)
                 setStatus(ConnectionStatus::Kind::Online);
             Q_EMIT machineChanged(machine);
         });
    call("GET", QStringLiteral("/api/v1/environments/%1/runs?machineId=%2&limit=50").arg(env, m_record.machineId), {},
         [this](int status, const QByteArray& body) {
             if (status == 200)
                 Q_EMIT runsChanged(QJsonDocument::fromJson(body).array());
         });
    call("GET", QStringLiteral("/api/v1/environments/%1/recommendations").arg(env), {},
         [this](int status, const QByteArray& body) {
             if (status != 200)
                 return;
             QJsonArray mine;
             for (const QJsonValue& v : QJsonDocument::fromJson(body).array())
                 if (v.toObject().value(QStringLiteral("machineId")).toString() == m_record.machineId)
                     mine.append(v);
             Q_EMIT recommendationsChanged(mine);
         });
    if (m_pollCount++ % 5 == 0) {
        call("GET", QStringLiteral("/api/v1/environments/%1/flows").arg(env), {},
             [this](int status, const QByteArray& body) {
                 if (status == 200)
                     Q_EMIT flowsChanged(QJsonDocument::fromJson(body).array());
             });
        call("GET", QStringLiteral("/api/v1/environments/%1/connections").arg(env), {},
             [this](int status, const QByteArray& body) {
                 if (status == 200)
                     Q_EMIT connectionsChanged(QJsonDocument::fromJson(body).array());
             });
    }
}

void AgentWorker::updateMachine(const QJsonObject& changes) {
    call("PATCH", QStringLiteral("/api/v1/machines/%1").arg(m_record.machineId), QJsonDocument(changes),
         [this](int status, const QByteArray& body) {
             if (status == 200)
                 return Q_EMIT machineChanged(QJsonDocument::fromJson(body).object());
             QString code;
             QJsonObject details;
             const QString message = apiError(body, &code, &details);
             QString field = details.value(QStringLiteral("field")).toString();
             if (code == QLatin1String("MachineNameTaken"))
                 field = QStringLiteral("name");
             Q_EMIT machineSaveFailed(field, message.isEmpty() ? tr("The changes could not be saved.") : message);
         });
}

void AgentWorker::moveMachine(const QString& environmentId) {
    call("POST", QStringLiteral("/api/v1/machines/%1/environment").arg(m_record.machineId),
         QJsonDocument(QJsonObject{{QStringLiteral("environmentId"), environmentId}}),
         [this, environmentId](int status, const QByteArray& body) {
             if (status / 100 != 2)
                 return Q_EMIT machineSaveFailed(QStringLiteral("environment"), apiError(body));
             m_record.environmentId = environmentId;
             for (const QJsonValue& v : m_session.environments)
                 if (v.toObject().value(QStringLiteral("id")).toString() == environmentId)
                     m_record.environmentName = v.toObject().value(QStringLiteral("name")).toString();
             QString error;
             if (!m_record.save(m_stateDir, &error))
                 qCWarning(lcController).noquote() << "cannot save the identity:" << error;
             Q_EMIT registered(m_record.machineId, m_record.environmentId, m_record.environmentName);
             m_pollCount = 0;
             poll();
         });
}

void AgentWorker::disconnectUsers(const QString& recommendationId) {
    call("POST", QStringLiteral("/api/v1/recommendations/%1/disconnect-users").arg(recommendationId), {},
         [this](int status, const QByteArray& body) {
             if (status / 100 != 2)
                 Q_EMIT notice(apiError(body));
             poll();
         });
}

void AgentWorker::cancelRun(const QString& runId) {
    call("POST", QStringLiteral("/api/v1/runs/%1/cancel").arg(runId), {}, [this](int status, const QByteArray& body) {
        if (status / 100 != 2)
            Q_EMIT notice(tr("Cannot cancel the run: %1").arg(apiError(body)));
        poll();
    });
}

void AgentWorker::fetchRunLog(const QString& runId) {
    call("GET", QStringLiteral("/api/v1/runs/%1/log?limit=1000").arg(runId), {},
         [this, runId](int status, const QByteArray& body) {
             if (status == 200)
                 Q_EMIT runLogReady(runId, QJsonDocument::fromJson(body).array());
         });
}

void AgentWorker::fetchRun(const QString& runId) {
    call("GET", QStringLiteral("/api/v1/runs/%1").arg(runId), {}, [this](int status, const QByteArray& body) {
        if (status == 200)
            Q_EMIT runReady(QJsonDocument::fromJson(body).object());
        else
            Q_EMIT notice(tr("Cannot show the run: %1").arg(apiError(body)));
    });
}

void AgentWorker::runFlow(const QString& flowId, const QJsonObject& inputs) {
    const QString env = m_record.environmentId;
    call("GET", QStringLiteral("/api/v1/environments/%1/connections").arg(env), {},
         [this, env, flowId, inputs](int status, const QByteArray& body) {
             if (status != 200)
                 return Q_EMIT runRequestFinished(false, apiError(body));
             for (const QJsonValue& v : QJsonDocument::fromJson(body).array()) {
                 const QJsonObject c = v.toObject();
                 if (c.value(QStringLiteral("kind")).toString() == QLatin1String("signIn") &&
                     c.value(QStringLiteral("target")).toObject().value(QStringLiteral("machineId")).toString() ==
                         m_record.machineId)
                     return startRun(c.value(QStringLiteral("id")).toString(), flowId, inputs);
             }
             const QJsonObject create{
                 {QStringLiteral("name"), tr("%1 on %2").arg(m_session.username, m_record.name)},
                 {QStringLiteral("target"), QJsonObject{{QStringLiteral("machineId"), m_record.machineId}}},
                 {QStringLiteral("kind"), QStringLiteral("signIn")}};
             call("POST", QStringLiteral("/api/v1/environments/%1/connections").arg(env), QJsonDocument(create),
                  [this, flowId, inputs](int created, const QByteArray& answer) {
                      if (created != 201)
                          return Q_EMIT runRequestFinished(false, apiError(answer));
                      startRun(QJsonDocument::fromJson(answer).object().value(QStringLiteral("id")).toString(), flowId,
                               inputs);
                  });
         });
}

void AgentWorker::startRun(const QString& connectionId, const QString& flowId, const QJsonObject& inputs) {
    const QJsonObject run{{QStringLiteral("flowId"), flowId},
                          {QStringLiteral("connectionId"), connectionId},
                          {QStringLiteral("runMode"), QStringLiteral("attended")},
                          {QStringLiteral("priority"), QStringLiteral("normal")},
                          {QStringLiteral("inputs"), inputs}};
    call("POST", QStringLiteral("/api/v1/environments/%1/runs").arg(m_record.environmentId), QJsonDocument(run),
         [this](int status, const QByteArray& body) {
             const bool ok = status == 202 || status == 201;
             Q_EMIT runRequestFinished(ok, ok ? tr("The run is queued for this machine.") : apiError(body));
             poll();
         });
}

AgentController::AgentController(Options options, QObject* parent)
    : QObject(parent) {
    qRegisterMetaType<ConnectionStatus>();
    qRegisterMetaType<RegistrationProblem>();
    qRegisterMetaType<SignInError>();
    qRegisterMetaType<SignInSession>();
    qRegisterMetaType<UiRequest>();
    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("agent"));
    m_worker = new AgentWorker(std::move(options));
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &AgentWorker::signInStateChanged, this, &AgentController::signInStateChanged);
    connect(m_worker, &AgentWorker::authorizationUrlReady, this, &AgentController::authorizationUrlReady);
    connect(m_worker, &AgentWorker::signInFailed, this, &AgentController::signInFailed);
    connect(m_worker, &AgentWorker::signedIn, this, &AgentController::signedIn);
    connect(m_worker, &AgentWorker::signedOut, this, &AgentController::signedOut);
    connect(m_worker, &AgentWorker::registrationNeeded, this, &AgentController::registrationNeeded);
    connect(m_worker, &AgentWorker::registered, this, &AgentController::registered);
    connect(m_worker, &AgentWorker::connectionChanged, this, &AgentController::connectionChanged);
    connect(m_worker, &AgentWorker::machineChanged, this, &AgentController::machineChanged);
    connect(m_worker, &AgentWorker::machineSaveFailed, this, &AgentController::machineSaveFailed);
    connect(m_worker, &AgentWorker::runsChanged, this, &AgentController::runsChanged);
    connect(m_worker, &AgentWorker::flowsChanged, this, &AgentController::flowsChanged);
    connect(m_worker, &AgentWorker::connectionsChanged, this, &AgentController::connectionsChanged);
    connect(m_worker, &AgentWorker::recommendationsChanged, this, &AgentController::recommendationsChanged);
    connect(m_worker, &AgentWorker::runRequestFinished, this, &AgentController::runRequestFinished);
    connect(m_worker, &AgentWorker::notice, this, &AgentController::notice);
    connect(m_worker, &AgentWorker::stopped, this, &AgentController::stopped);
    connect(m_worker, &AgentWorker::runLogReady, this, &AgentController::runLogReady);
    connect(m_worker, &AgentWorker::runReady, this, &AgentController::runReady);
    connect(m_worker, &AgentWorker::questionAsked, this, &AgentController::questionAsked);
    connect(m_worker, &AgentWorker::currentActionsChanged, this, &AgentController::currentActionsChanged);
    connect(m_worker, &AgentWorker::questionWithdrawn, this, &AgentController::questionWithdrawn);
    m_thread->start();
    // The worker's children (sign-in flow, network access, timers) are made in the agent thread.
    QMetaObject::invokeMethod(m_worker, &AgentWorker::init, Qt::QueuedConnection);
}

AgentController::~AgentController() {
    m_thread->quit();
    m_thread->wait();
}

void AgentController::signIn(const QUrl& server, bool allowInsecure) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, server, allowInsecure] { w->signIn(server, allowInsecure); });
}
void AgentController::cancelSignIn() {
    QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->cancelSignIn(); });
}
void AgentController::resumeSession(const QUrl& server, const QString& account) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, server, account] { w->resumeSession(server, account); });
}
void AgentController::signOut() {
    QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->signOut(); });
}
void AgentController::shutdown() {
    QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->shutdown(); });
}
void AgentController::registerMachine(const QString& environmentId, const QString& name) {
    QMetaObject::invokeMethod(m_worker,
                              [w = m_worker, environmentId, name] { w->registerMachine(environmentId, name); });
}
void AgentController::registerAnew() {
    QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->registerAnew(); });
}
void AgentController::updateMachine(const QJsonObject& changes) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, changes] { w->updateMachine(changes); });
}
void AgentController::refresh() {
    QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->poll(); });
}
void AgentController::moveMachine(const QString& environmentId) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, environmentId] { w->moveMachine(environmentId); });
}
void AgentController::disconnectUsers(const QString& recommendationId) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, recommendationId] { w->disconnectUsers(recommendationId); });
}
void AgentController::cancelRun(const QString& runId) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, runId] { w->cancelRun(runId); });
}
void AgentController::fetchRunLog(const QString& runId) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, runId] { w->fetchRunLog(runId); });
}
void AgentController::fetchRun(const QString& runId) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, runId] { w->fetchRun(runId); });
}
void AgentController::answerQuestion(quint64 id, const QJsonValue& answer) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, id, answer] { w->answerQuestion(id, answer); });
}
void AgentController::replay() {
    QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->replay(); });
}
void AgentController::setWindowVisible(bool visible) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, visible] { w->setWindowVisible(visible); });
}
void AgentController::runFlow(const QString& flowId, const QJsonObject& inputs) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, flowId, inputs] { w->runFlow(flowId, inputs); });
}

} // namespace mr::agent

#include "AgentController.moc"
