#pragma once

#include "agent/SecretStore.h"

namespace mr::agent {

/// Secrets in the OS keychain through QtKeychain (the desktop app). Entries are named
/// "machine-runtime/<server>/<account>/<key>", so several servers and accounts never mix; there
/// is no plaintext fallback: without a keychain every call fails with a clear error. A backend
/// that is not up yet (e.g. right after log-in) is retried once.
class KeychainSecretStore final : public SecretStore {
    Q_OBJECT
public:
    KeychainSecretStore(const QString& server, const QString& account, QObject* parent = nullptr);

    void read(const QString& key, Callback done) override;
    void write(const QString& key, const QByteArray& value, Callback done) override;
    void remove(const QString& key, Callback done) override;

    /// The keychain entry name of @p key.
    QString entryName(const QString& key) const;

    static constexpr int kRetryDelayMs = 1000;

private:
    enum class Op { Read, Write, Remove };
    void run(Op op, const QString& key, const QByteArray& value, Callback done, bool retried);

    QString m_server;
    QString m_account;
};

} // namespace mr::agent
