#pragma once

#include "agent/SecretStore.h"

#include <QJsonArray>
#include <QObject>
#include <QTimer>
#include <QUrl>

#include <functional>
#include <memory>

class QOAuth2AuthorizationCodeFlow;
class QOAuthHttpServerReplyHandler;

namespace mr::agent {

class RestClient;

/// Why a sign-in did not succeed. `message` is a sentence a user understands (translated);
/// `detail` is the technical text behind it (HTTP status, network error), never a token.
struct SignInError {
    enum class Code {
        None,
        InvalidAddress,
        InsecureServer,
        ServerUnreachable,
        Refused,
        TimedOut,
        Keychain,
        NoSavedSession
    };
    Code code = Code::None;
    QString message;
    QString detail;
};

/// Who signed in, with the tokens of the user session. The refresh token is also in the keychain.
struct SignInSession {
    QUrl server;
    QString userId;
    QString username;
    QString displayName;
    QJsonArray environments; ///< [{id, name, roles}] of GET /api/v1/me
    QString accessToken;
    QString refreshToken;
    int expiresInSeconds = 0;
};

/// The desktop sign-in (API.md "Sign-in"): OAuth 2.0 authorization code with PKCE in the system
/// browser and a loopback redirect (RFC 8252), as a state machine with no UI. start() listens on
/// 127.0.0.1 (free port), announces the authorization URL (the UI opens the browser and offers
/// "copy link"), waits for the redirect (at most kTimeoutMs), exchanges the code, stores the
/// refresh token through the SecretStore factory and asks GET /api/v1/me who signed in.
/// cancel() and every failure wipe the verifier, the tokens and the listening socket.
class SignInFlow final : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, WaitingForBrowser, ExchangingCode, SignedIn, Failed };
    Q_ENUM(State)

    /// Makes the store for (server, account); nullptr or an empty function keeps no token.
    using StoreFactory = std::function<std::unique_ptr<SecretStore>(const QString& server, const QString& account)>;

    explicit SignInFlow(StoreFactory stores, QObject* parent = nullptr);
    ~SignInFlow() override;

    /// Plain http:// is refused for a non-loopback server (InsecureServer) unless
    /// @p allowInsecure: the user confirmed the warning.
    void start(const QUrl& server, bool allowInsecure = false);
    void cancel();
    /// Signs @p account in again without the browser: the refresh token kept in the keychain at
    /// the last sign-in is exchanged (and rotated). NoSavedSession when there is none or the
    /// server no longer accepts it: then the user signs in with start().
    void resume(const QUrl& server, const QString& account);

    State state() const { return m_state; }
    SignInSession session() const { return m_session; }
    SignInError lastError() const { return m_error; }

    /// True for http(s) on 127.0.0.0/8, ::1 or localhost.
    static bool isLoopback(const QUrl& url);
    /// The key of the refresh token in the SecretStore.
    static QString refreshTokenKey() { return QStringLiteral("refreshToken"); }

    static constexpr int kTimeoutMs = 5 * 60 * 1000;
    static inline const QString kClientId = QStringLiteral("machine-runtime");

Q_SIGNALS:
    void stateChanged(mr::agent::SignInFlow::State state);
    /// Open this in the browser (and offer to copy it).
    void authorizationUrlReady(const QUrl& url);
    void signedIn(const mr::agent::SignInSession& session);
    void failed(const mr::agent::SignInError& error);

private:
    void setState(State state);
    void fail(SignInError::Code code, const QString& message, const QString& detail);
    void onGranted();
    bool checkServer(const QUrl& serverUrl, bool allowInsecure);
    void onRefreshed(int status, const QByteArray& body, const QString& networkError);
    void onMe(int status, const QByteArray& body, const QString& networkError);
    void wipe();

    StoreFactory m_stores;
    State m_state = State::Idle;
    SignInSession m_session;
    SignInError m_error;
    QByteArray m_verifier;
    QTimer m_timeout;
    QOAuth2AuthorizationCodeFlow* m_oauth = nullptr;
    QOAuthHttpServerReplyHandler* m_handler = nullptr;
    RestClient* m_rest = nullptr;
    std::unique_ptr<SecretStore> m_store;
};

} // namespace mr::agent

Q_DECLARE_METATYPE(mr::agent::SignInError)
Q_DECLARE_METATYPE(mr::agent::SignInSession)
