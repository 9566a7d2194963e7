#include "agent/AgentWorker.h"

#include "agent/Identity.h"
#include "agent/KeychainSecretStore.h"
#include "agent/StateDir.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSysInfo>
#include <QUrlQuery>

#include <pwd.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcController, "mr.agent.controller")

namespace mr::agent {

namespace {

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

} // namespace

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

} // namespace mr::agent
