#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>

#include <functional>

namespace mr::agent {

/// The outcome of one SecretStore operation. `notFound` is set (with ok false) when a read or
/// remove finds no entry; `error` is a sentence a user understands, never the secret.
struct SecretResult {
    bool ok = false;
    bool notFound = false;
    QByteArray value; ///< reads only
    QString error;
};

/// Where the machine keeps its secrets (private key, machine token). Asynchronous: every call
/// answers through its callback later, from the event loop of the store's thread, never from
/// inside the call. Implementations: KeychainSecretStore (the desktop app, OS keychain) and
/// FileSecretStore (the head-less agent's explicit, visible 0600 file).
class SecretStore : public QObject {
    Q_OBJECT
public:
    using Callback = std::function<void(const SecretResult&)>;

    using QObject::QObject;
    ~SecretStore() override = default;

    virtual void read(const QString& key, Callback done) = 0;
    virtual void write(const QString& key, const QByteArray& value, Callback done) = 0;
    virtual void remove(const QString& key, Callback done) = 0;
};

/// The names the agent stores its secrets under.
namespace SecretKey {
inline const QString PrivateKey = QStringLiteral("privateKey");
/// The key before an unresolved rotation (the orchestrator may still hold it); removed once the
/// orchestrator has confirmed one of the two.
inline const QString PreviousPrivateKey = QStringLiteral("previousPrivateKey");
inline const QString MachineToken = QStringLiteral("machineToken");
} // namespace SecretKey

} // namespace mr::agent
