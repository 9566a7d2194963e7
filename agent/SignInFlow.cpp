#include "agent/SignInFlow.h"

#include "agent/RestClient.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QHostAddress>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QOAuth2AuthorizationCodeFlow>
#include <QOAuthHttpServerReplyHandler>
#include <QRandomGenerator>
#include <QUrlQuery>

Q_LOGGING_CATEGORY(lcSignIn, "mr.agent.signin")

namespace mr::agent {

namespace {

QByteArray base64Url(const QByteArray& data) {
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

/// RFC 7636: 32 random bytes, base64url (43 characters).
QByteArray newVerifier() {
    QByteArray bytes(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32*>(bytes.data()), bytes.size() / 4);
    return base64Url(bytes);
}

} // namespace

SignInFlow::SignInFlow(StoreFactory stores, QObject* parent)
    : QObject(parent)
    , m_stores(std::move(stores)) {
    qRegisterMetaType<SignInError>();
    qRegisterMetaType<SignInSession>();
    m_timeout.setSingleShot(true);
    m_timeout.setInterval(kTimeoutMs);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        fail(SignInError::Code::TimedOut, tr("Signing in took too long. Try again."),
             QStringLiteral("no answer from the browser within %1 s").arg(kTimeoutMs / 1000));
    });
}

SignInFlow::~SignInFlow() {
    wipe();
}

bool SignInFlow::isLoopback(const QUrl& url) {
    const QString host = url.host();
    if (host == QLatin1String("localhost"))
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

void SignInFlow::setState(State state) {
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void SignInFlow::wipe() {
    m_timeout.stop();
    m_verifier.fill('\0');
    m_verifier.clear();
    if (m_oauth) {
        m_oauth->disconnect(this);
        m_oauth->deleteLater();
        m_oauth = nullptr;
    }
    if (m_handler) {
        m_handler->close();
        m_handler->deleteLater();
        m_handler = nullptr;
    }
    if (m_rest) {
        m_rest->deleteLater();
        m_rest = nullptr;
    }
}

void SignInFlow::fail(SignInError::Code code, const QString& message, const QString& detail) {
    qCWarning(lcSignIn).noquote() << "sign-in failed:" << detail;
    wipe();
    m_session = {};
    m_error = {code, message, detail};
    setState(State::Failed);
    Q_EMIT failed(m_error);
}

void SignInFlow::cancel() {
    wipe();
    m_session = {};
    m_error = {};
    m_store.reset();
    setState(State::Idle);
}

bool SignInFlow::checkServer(const QUrl& serverUrl, bool allowInsecure) {
    const QUrl server = serverUrl.adjusted(QUrl::StripTrailingSlash | QUrl::RemoveQuery | QUrl::RemoveFragment);
    const bool http = server.scheme() == QLatin1String("http");
    if (!server.isValid() || server.host().isEmpty() || (!http && server.scheme() != QLatin1String("https"))) {
        fail(SignInError::Code::InvalidAddress,
             tr("That is not a server address. Enter one such as https://orchestrator.example.org."),
             QStringLiteral("invalid URL '%1'").arg(serverUrl.toString()));
        return false;
    }
    if (http && !isLoopback(server) && !allowInsecure) {
        fail(SignInError::Code::InsecureServer,
             tr("This address is not encrypted (http). Your password and tokens could be read on the way."),
             QStringLiteral("http:// to a non-loopback host"));
        return false;
    }
    m_session.server = server;
    return true;
}

void SignInFlow::resume(const QUrl& serverUrl, const QString& account) {
    cancel();
    if (!checkServer(serverUrl, false))
        return;
    m_store = m_stores ? m_stores(m_session.server.toString(), account) : nullptr;
    if (!m_store)
        return fail(SignInError::Code::NoSavedSession, tr("Sign in to continue."), QStringLiteral("no keychain"));
    setState(State::ExchangingCode);
    m_store->read(refreshTokenKey(), [this](const SecretResult& stored) {
        if (!stored.ok)
            return fail(SignInError::Code::NoSavedSession, tr("Sign in to continue."),
                        stored.notFound ? QStringLiteral("no saved session in the keychain") : stored.error);
        QUrlQuery form;
        form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("refresh_token"));
        form.addQueryItem(QStringLiteral("refresh_token"),
                          QString::fromLatin1(QUrl::toPercentEncoding(QString::fromUtf8(stored.value))));
        form.addQueryItem(QStringLiteral("client_id"), kClientId);
        m_rest = new RestClient(m_session.server, this);
        m_timeout.start();
        m_rest->postForm(QStringLiteral("/oauth/token"), form,
                         [this](const RestReply& reply) { onRefreshed(reply.status, reply.body, reply.networkError); });
    });
}

void SignInFlow::onRefreshed(int status, const QByteArray& body, const QString& networkError) {
    m_timeout.stop();
    if (status == 0)
        return fail(SignInError::Code::ServerUnreachable,
                    tr("The server didn't answer. Check the address and your network."), networkError);
    const QJsonObject token = QJsonDocument::fromJson(body).object();
    if (status != 200 || !token.contains(QStringLiteral("access_token")))
        return fail(SignInError::Code::NoSavedSession, tr("Your session has ended. Sign in again."),
                    QStringLiteral("refresh answered HTTP %1").arg(status));
    m_session.accessToken = token.value(QStringLiteral("access_token")).toString();
    m_session.refreshToken = token.value(QStringLiteral("refresh_token")).toString();
    m_session.expiresInSeconds = token.value(QStringLiteral("expires_in")).toInt();
    m_rest->get(QStringLiteral("/api/v1/me"), m_session.accessToken,
                [this](const RestReply& reply) { onMe(reply.status, reply.body, reply.networkError); });
}

void SignInFlow::start(const QUrl& serverUrl, bool allowInsecure) {
    cancel();
    if (!checkServer(serverUrl, allowInsecure))
        return;
    const QUrl server = m_session.server;
    m_verifier = newVerifier();

    m_handler = new QOAuthHttpServerReplyHandler(QHostAddress(QHostAddress::LocalHost), 0, this);
    if (!m_handler->isListening())
        return fail(SignInError::Code::ServerUnreachable, tr("Cannot wait for the browser on this PC."),
                    QStringLiteral("cannot listen on 127.0.0.1"));
    m_handler->setCallbackPath(QStringLiteral("callback"));
    m_handler->setCallbackText(tr("Signed in. You can close this tab and return to Machine Runtime."));

    m_oauth = new QOAuth2AuthorizationCodeFlow(this);
    m_oauth->setAuthorizationUrl(QUrl(server.toString() + QStringLiteral("/oauth/authorize")));
    m_oauth->setAccessTokenUrl(QUrl(server.toString() + QStringLiteral("/oauth/token")));
    m_oauth->setClientIdentifier(kClientId);
    m_oauth->setScope(QStringLiteral("openid"));
    m_oauth->setReplyHandler(m_handler);
    const QByteArray challenge = base64Url(QCryptographicHash::hash(m_verifier, QCryptographicHash::Sha256));
    const QByteArray verifier = m_verifier;
    // Qt 6.4 has no PKCE, and it percent-encodes the received code a second time.
    m_oauth->setModifyParametersFunction(
        [challenge, verifier](QAbstractOAuth::Stage stage, QMultiMap<QString, QVariant>* parameters) {
            if (stage == QAbstractOAuth::Stage::RequestingAuthorization) {
                parameters->insert(QStringLiteral("code_challenge"), QString::fromLatin1(challenge));
                parameters->insert(QStringLiteral("code_challenge_method"), QStringLiteral("S256"));
            } else if (stage == QAbstractOAuth::Stage::RequestingAccessToken) {
                const QString code = parameters->value(QStringLiteral("code")).toString();
                parameters->replace(QStringLiteral("code"), QUrl::fromPercentEncoding(code.toUtf8()));
                parameters->insert(QStringLiteral("code_verifier"), QString::fromLatin1(verifier));
            }
        });
    connect(m_oauth, &QAbstractOAuth::authorizeWithBrowser, this, [this](const QUrl& url) {
        setState(State::WaitingForBrowser);
        Q_EMIT authorizationUrlReady(url);
    });
    connect(m_oauth, &QAbstractOAuth::statusChanged, this, [this](QAbstractOAuth::Status status) {
        if (status == QAbstractOAuth::Status::TemporaryCredentialsReceived)
            setState(State::ExchangingCode);
    });
    connect(m_oauth, &QAbstractOAuth::granted, this, &SignInFlow::onGranted);
    connect(m_oauth, &QAbstractOAuth2::error, this,
            [this](const QString& error, const QString& description, const QUrl&) {
                fail(SignInError::Code::Refused, tr("The server refused the sign-in. Try again."),
                     error + QStringLiteral(": ") + description);
            });
    connect(m_oauth, &QAbstractOAuth::requestFailed, this, [this](QAbstractOAuth::Error error) {
        fail(SignInError::Code::ServerUnreachable, tr("The server didn't answer. Check the address and your network."),
             QStringLiteral("token request failed (QAbstractOAuth::Error %1)").arg(int(error)));
    });
    m_timeout.start();
    m_oauth->grant();
}

void SignInFlow::onGranted() {
    m_timeout.stop();
    m_session.accessToken = m_oauth->token();
    m_session.refreshToken = m_oauth->refreshToken();
    const QDateTime expires = m_oauth->expirationAt();
    m_session.expiresInSeconds = expires.isValid() ? int(QDateTime::currentDateTimeUtc().secsTo(expires)) : 0;
    if (m_session.accessToken.isEmpty())
        return fail(SignInError::Code::Refused, tr("The server refused the sign-in. Try again."),
                    QStringLiteral("no access token in the token response"));
    if (!m_rest)
        m_rest = new RestClient(m_session.server, this);
    m_rest->get(QStringLiteral("/api/v1/me"), m_session.accessToken,
                [this](const RestReply& reply) { onMe(reply.status, reply.body, reply.networkError); });
}

void SignInFlow::onMe(int status, const QByteArray& body, const QString& networkError) {
    if (status == 0)
        return fail(SignInError::Code::ServerUnreachable,
                    tr("The server didn't answer. Check the address and your network."), networkError);
    if (status != 200)
        return fail(SignInError::Code::Refused, tr("The server refused the sign-in. Try again."),
                    QStringLiteral("GET /api/v1/me answered HTTP %1").arg(status));
    const QJsonObject me = QJsonDocument::fromJson(body).object();
    m_session.userId = me.value(QStringLiteral("id")).toString();
    m_session.username = me.value(QStringLiteral("username")).toString();
    m_session.displayName = me.value(QStringLiteral("displayName")).toString();
    m_session.environments = me.value(QStringLiteral("environments")).toArray();
    const auto finish = [this] {
        wipe();
        setState(State::SignedIn);
        qCInfo(lcSignIn).noquote() << "signed in as" << m_session.username;
        Q_EMIT signedIn(m_session);
    };
    if (!m_stores || m_session.refreshToken.isEmpty())
        return finish();
    m_store = m_stores(m_session.server.toString(), m_session.username);
    if (!m_store)
        return finish();
    m_store->write(refreshTokenKey(), m_session.refreshToken.toUtf8(), [this, finish](const SecretResult& result) {
        if (!result.ok)
            return fail(SignInError::Code::Keychain,
                        tr("Signed in, but the keychain cannot keep your session. Unlock or set up the keychain and "
                           "try again."),
                        result.error);
        finish();
    });
}

} // namespace mr::agent
