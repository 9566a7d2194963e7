#pragma once

#include "orchestrator/store/Database.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <memory>
#include <optional>
#include <stdexcept>

namespace mr::orch {

/// A start-up failure of the key ring, e.g. a data key that does not open the stored key. The
/// message is meant for the administrator as it is.
class KeyRingError : public std::runtime_error {
public:
    explicit KeyRingError(const QString& what)
        : std::runtime_error(what.toStdString()) {}
};

/// The server's Ed25519 signing keys. The active key lives in the table `signing_keys` with its
/// private half sealed (secretbox) by the data key, so every instance on one PostgreSQL signs
/// with the same key and verifies the others' tokens. Immutable after loading, hence thread-safe.
class KeyRing final {
public:
    /// Loads the active key, or makes and stores one when there is none (in one transaction that
    /// holds a lock, so two instances starting together end up with one key). Throws KeyRingError
    /// when @p dataKey does not open it, DbError on database failures.
    static std::unique_ptr<KeyRing> loadOrCreate(Db& db, const QByteArray& dataKey, const QDateTime& now);

    /// A compact JWT with header `{"alg":"EdDSA","typ":"JWT","kid":…}`.
    QByteArray signJwt(const QJsonObject& claims) const;
    /// The claims when the signature is good and made by one of our keys (by `kid`); checks
    /// nothing else (issuer, expiry and type are the caller's business).
    std::optional<QJsonObject> verifyJwt(const QByteArray& token) const;
    /// The JWK set: `{"keys":[{"kty":"OKP","crv":"Ed25519","kid","x","use":"sig","alg":"EdDSA"}]}`.
    QJsonObject jwks() const;
    QString activeKeyId() const { return m_activeKid; }

private:
    struct PublicKey {
        QString kid;
        QByteArray key; ///< 32 bytes
    };
    KeyRing() = default;

    QString m_activeKid;
    QByteArray m_secretKey; ///< 64 bytes, libsodium form
    QList<PublicKey> m_publicKeys;
};

} // namespace mr::orch
