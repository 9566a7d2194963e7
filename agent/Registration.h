#pragma once

#include "agent/Identity.h"
#include "agent/RestClient.h"
#include "agent/SecretStore.h"

#include <QDateTime>
#include <QObject>
#include <QTimer>

#include <functional>

namespace mr::agent {

/// Registers this machine (`machine-runtime-agent register`, R1/R2): checks the server address,
/// finds the environment by name, makes the key pair and the installation fingerprint here,
/// POSTs the machine, then stores the private key in the SecretStore and the rest in
/// `identity.json`. Ends with finished(exit code, message) using the exit codes of API.md.
class Registration final : public QObject {
    Q_OBJECT
public:
    struct Request {
        QUrl server;
        QString environment;
        QString name;
        QString description;
        QString userToken; ///< a personal access token or access token; never logged
        QString stateDir;
        QString machineIdPath = QLatin1String(Identity::kMachineIdPath);
        /// Plain http:// to another computer: only when the user was warned and confirmed (the
        /// app's sign-in asks); the command line never sets it.
        bool allowInsecure = false;
    };

    Registration(Request request, SecretStore& secrets, QObject* parent = nullptr);

    void start();

Q_SIGNALS:
    void finished(int exitCode, const QString& message);

private:
    void fail(int exitCode, const QString& message);
    void onEnvironments(const RestReply& reply);
    void onCreated(const RestReply& reply, const Identity& identity, const QString& installId,
                   const QString& environmentName);
    int exitCodeFor(const RestReply& reply) const;

    Request m_request;
    SecretStore& m_secrets;
    RestClient* m_rest = nullptr;
};

/// Forgets the local registration (`unregister`): identity.json and the stored secrets. The
/// machine itself is deleted on the orchestrator (R10). Calls @p done(exit code, message).
void unregisterLocally(const QString& stateDir, SecretStore& secrets, std::function<void(int, const QString&)> done);

/// Gets and keeps a machine token: exchanges a fresh client assertion at /oauth/token
/// (client_credentials, RFC 7523) and does it again one minute before the token expires. A
/// refused identity (registration deleted, another installation) is terminal; a clock skew or an
/// unreachable server is retried with back-off.
class MachineTokenClient final : public QObject {
    Q_OBJECT
public:
    using Clock = std::function<QDateTime()>;

    MachineTokenClient(RestClient& rest, IdentityRecord record, Identity identity, QObject* parent = nullptr);

    void start();
    void stop();
    /// Asks for a new token now (e.g. the WebSocket upgrade was refused).
    void refreshNow();
    QString token() const { return m_token; }
    /// Replaces the key after a rotation.
    void setIdentity(const Identity& identity) { m_identity = identity; }
    const Identity& identity() const { return m_identity; }
    /// The other key while a key rotation is unresolved (the orchestrator may hold either):
    /// when the orchestrator refuses the current key, the client tries this one before giving
    /// up, and swaps them when it works (identitySwapped).
    void setAlternate(std::optional<Identity> alternate) { m_alternate = std::move(alternate); }
    bool hasAlternate() const { return m_alternate.has_value(); }

    static constexpr int kRefreshMarginSeconds = 60;
    static constexpr int kMaxRetrySeconds = 60;

    static const QString kMismatchMessage;
    static const QString kDeletedMessage;

Q_SIGNALS:
    void tokenChanged(const QString& token);
    /// Exit code 3 and the message to end with: this installation cannot sign in any more.
    void refused(int exitCode, const QString& message);
    /// The orchestrator took the alternate key: it is current now, the former one the alternate.
    void identitySwapped(const mr::agent::Identity& current);

private:
    void request();
    void retryLater(const QString& why);

    RestClient& m_rest;
    IdentityRecord m_record;
    Identity m_identity;
    std::optional<Identity> m_alternate;
    bool m_swapped = false; ///< this request already tried the alternate
    QString m_token;
    QTimer m_timer;
    int m_failures = 0;
    bool m_inFlight = false;
    bool m_stopped = true;
};

} // namespace mr::agent
