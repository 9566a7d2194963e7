#include "agent/Registration.h"

#include "agent/FileSecretStore.h"
#include "protocol/CommandLine.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QSysInfo>

Q_DECLARE_LOGGING_CATEGORY(lcIdentity)

namespace mr::agent {

using mr::protocol::ExitCode::AuthenticationRefused;
using mr::protocol::ExitCode::Failure;
using mr::protocol::ExitCode::Ok;
using mr::protocol::ExitCode::ServerUnreachable;

Registration::Registration(Request request, SecretStore& secrets, QObject* parent)
    : QObject(parent)
    , m_request(std::move(request))
    , m_secrets(secrets) {}

void Registration::fail(int exitCode, const QString& message) {
    m_request.userToken.clear();
    Q_EMIT finished(exitCode, message);
}

int Registration::exitCodeFor(const RestReply& reply) const {
    if (!reply.reached())
        return ServerUnreachable;
    if (reply.status == 401 || reply.status == 403)
        return AuthenticationRefused;
    return Failure;
}

void Registration::start() {
    QString error;
    if (!RestClient::isAllowedServer(m_request.server, &error) &&
        !(m_request.allowInsecure && m_request.server.scheme() == QLatin1String("http")))
        return fail(mr::protocol::ExitCode::Usage, error);
    if (m_request.userToken.isEmpty())
        return fail(mr::protocol::ExitCode::Usage, tr("no token on standard input (--token-stdin)"));
    m_rest = new RestClient(m_request.server, this);
    m_rest->get(QStringLiteral("/api/v1/environments"), m_request.userToken,
                [this](const RestReply& reply) { onEnvironments(reply); });
}

void Registration::onEnvironments(const RestReply& reply) {
    if (!reply.reached())
        return fail(ServerUnreachable,
                    tr("cannot reach the server at %1: %2").arg(m_request.server.toString(), reply.networkError));
    if (reply.status != 200)
        return fail(exitCodeFor(reply), reply.describe());
    QJsonObject environment;
    const QJsonArray list = QJsonDocument::fromJson(reply.body).array();
    for (const QJsonValue& v : list) {
        if (v.toObject().value(QStringLiteral("name")).toString().compare(m_request.environment, Qt::CaseInsensitive) ==
            0)
            environment = v.toObject();
    }
    if (environment.isEmpty())
        return fail(Failure, tr("No environment named '%1' is visible to you on %2.")
                                 .arg(m_request.environment, m_request.server.toString()));

    const QString installId = Identity::newInstallId();
    const Identity identity = Identity::generate(Identity::fingerprint(installId, m_request.machineIdPath));
    const QString environmentId = environment.value(QStringLiteral("id")).toString();
    const QString environmentName = environment.value(QStringLiteral("name")).toString();
    const QJsonObject body{{QStringLiteral("name"), m_request.name},
                           {QStringLiteral("description"), m_request.description},
                           {QStringLiteral("publicKey"), identity.publicKeyBase64()},
                           {QStringLiteral("fingerprint"), identity.fingerprintValue()},
                           {QStringLiteral("version"), QStringLiteral(MR_VERSION)},
                           {QStringLiteral("os"), QSysInfo::prettyProductName()}};
    m_rest->postJson(QStringLiteral("/api/v1/environments/%1/machines").arg(environmentId), body, m_request.userToken,
                     [this, identity, installId, environmentName](const RestReply& created) {
                         onCreated(created, identity, installId, environmentName);
                     });
}

void Registration::onCreated(const RestReply& reply, const Identity& identity, const QString& installId,
                             const QString& environmentName) {
    if (!reply.reached())
        return fail(ServerUnreachable,
                    tr("cannot reach the server at %1: %2").arg(m_request.server.toString(), reply.networkError));
    if (reply.status != 201) {
        QString message = reply.describe();
        const QString needs = reply.object()
                                  .value(QStringLiteral("error"))
                                  .toObject()
                                  .value(QStringLiteral("details"))
                                  .toObject()
                                  .value(QStringLiteral("needs"))
                                  .toString();
        if (!needs.isEmpty() && !message.contains(needs))
            message += tr(" (needs: %1)").arg(needs);
        return fail(exitCodeFor(reply), message);
    }
    const QJsonObject machine = reply.object();
    IdentityRecord record;
    record.serverUrl = m_rest->server().toString();
    record.machineId = machine.value(QStringLiteral("id")).toString();
    record.environmentId = machine.value(QStringLiteral("environmentId")).toString();
    record.environmentName = environmentName;
    record.name = machine.value(QStringLiteral("name")).toString();
    record.installId = installId;
    // The key first: identity.json is what says "registered", so it must not exist without it.
    m_secrets.write(SecretKey::PrivateKey, identity.secretKey(), [this, record](const SecretResult& stored) {
        if (!stored.ok)
            return fail(Failure, tr("Registered on the server but cannot keep the key: %1").arg(stored.error));
        QString error;
        if (!record.save(m_request.stateDir, &error))
            return fail(Failure, tr("Registered on the server but cannot save the identity: %1").arg(error));
        qCInfo(lcIdentity) << "registered machine" << record.machineId;
        m_request.userToken.clear();
        Q_EMIT finished(Ok,
                        tr("Registered %1 in %2 (id %3)").arg(record.name, record.environmentName, record.machineId));
    });
}

void unregisterLocally(const QString& stateDir, SecretStore& secrets, std::function<void(int, const QString&)> done) {
    secrets.remove(SecretKey::MachineToken, [stateDir, &secrets, done = std::move(done)](const SecretResult&) {
        secrets.remove(SecretKey::PrivateKey, [stateDir, done](const SecretResult& removed) {
            if (!removed.ok && !removed.notFound)
                return done(Failure, removed.error);
            if (!IdentityRecord::remove(stateDir))
                return done(Failure, QObject::tr("cannot remove %1").arg(IdentityRecord::filePath(stateDir)));
            done(Ok, QObject::tr("Forgot this machine's identity. Deleting the machine itself is done on the "
                                 "orchestrator."));
        });
    });
}

const QString MachineTokenClient::kMismatchMessage = QStringLiteral(
    "This installation does not match the machine's registration (cloned or reset?). Run 'machine-runtime-agent "
    "unregister' and register again.");
const QString MachineTokenClient::kDeletedMessage = QStringLiteral(
    "The machine's registration was deleted on the orchestrator. Run 'machine-runtime-agent unregister' and register "
    "again.");

MachineTokenClient::MachineTokenClient(RestClient& rest, IdentityRecord record, Identity identity, QObject* parent)
    : QObject(parent)
    , m_rest(rest)
    , m_record(std::move(record))
    , m_identity(std::move(identity)) {
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &MachineTokenClient::request);
}

void MachineTokenClient::start() {
    m_stopped = false;
    request();
}

void MachineTokenClient::stop() {
    m_stopped = true;
    m_timer.stop();
}

void MachineTokenClient::refreshNow() {
    if (!m_stopped && !m_inFlight) {
        m_timer.stop();
        request();
    }
}

void MachineTokenClient::retryLater(const QString& why) {
    m_swapped = false;
    // Full jitter, 1 s doubling to 60 s, as the channel's reconnect.
    const int cap = std::min(kMaxRetrySeconds, 1 << std::min(m_failures, 6));
    ++m_failures;
    const int delayMs = int(QRandomGenerator::global()->bounded(cap * 1000 + 1));
    qCWarning(lcIdentity).noquote() << "cannot get a machine token:" << why << "- retrying in" << delayMs << "ms";
    m_timer.start(delayMs);
}

void MachineTokenClient::request() {
    if (m_stopped)
        return;
    m_inFlight = true;
    QUrlQuery form;
    form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("client_credentials"));
    form.addQueryItem(QStringLiteral("client_assertion_type"),
                      QStringLiteral("urn:ietf:params:oauth:client-assertion-type:jwt-bearer"));
    form.addQueryItem(QStringLiteral("client_assertion"),
                      QString::fromLatin1(m_identity.signAssertion(m_record.machineId, m_rest.tokenEndpoint(),
                                                                   QDateTime::currentDateTimeUtc())));
    form.addQueryItem(QStringLiteral("client_id"), m_record.machineId);
    m_rest.postForm(QStringLiteral("/oauth/token"), form, [this](const RestReply& reply) {
        m_inFlight = false;
        if (m_stopped)
            return;
        if (!reply.reached())
            return retryLater(tr("cannot reach the server at %1: %2").arg(m_record.serverUrl, reply.networkError));
        if (reply.status == 200) {
            const QJsonObject body = reply.object();
            const QString token = body.value(QStringLiteral("access_token")).toString();
            const int expiresIn = body.value(QStringLiteral("expires_in")).toInt(900);
            if (token.isEmpty())
                return retryLater(tr("the token endpoint answered without a token"));
            m_failures = 0;
            m_swapped = false;
            m_token = token;
            m_timer.start(std::max(5, expiresIn - kRefreshMarginSeconds) * 1000);
            qCInfo(lcIdentity) << "machine token received, valid for" << expiresIn << "s";
            Q_EMIT tokenChanged(m_token);
            return;
        }
        const QString code = reply.errorCode();
        if (code == QLatin1String("MachineIdentityMismatch")) {
            qCCritical(lcIdentity).noquote() << reply.describe();
            return Q_EMIT refused(mr::protocol::ExitCode::AuthenticationRefused, kMismatchMessage);
        }
        if (reply.status == 401 && code == QLatin1String("Unauthenticated") &&
            !reply.errorMessage().contains(QLatin1String("used already")) && m_alternate && !m_swapped) {
            // An unresolved key rotation: the orchestrator holds the other key. Try it once.
            qCWarning(lcIdentity) << "the orchestrator refused this key; trying the other key of the rotation";
            std::swap(m_identity, *m_alternate);
            m_swapped = true;
            Q_EMIT identitySwapped(m_identity);
            return request();
        }
        m_swapped = false;
        if (reply.status == 401 && code == QLatin1String("Unauthenticated") &&
            !reply.errorMessage().contains(QLatin1String("used already"))) {
            qCCritical(lcIdentity).noquote() << reply.describe();
            return Q_EMIT refused(mr::protocol::ExitCode::AuthenticationRefused, kDeletedMessage);
        }
        // ClockSkew, a replayed jti, a server error: log and try again later.
        retryLater(QStringLiteral("%1 %2").arg(code, reply.describe()));
    });
}

} // namespace mr::agent
