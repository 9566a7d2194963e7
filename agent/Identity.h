#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace mr::agent {

/// The non-secret half of a registration, kept in the state folder's `identity.json`: which
/// server, which machine, which environment, and the installation's random id. The private key
/// and the machine token are secrets and live in a SecretStore instead.
struct IdentityRecord {
    QString serverUrl;
    QString machineId;
    QString environmentId;
    QString environmentName;
    QString name;
    QString installId;

    QJsonObject toJson() const;
    static std::optional<IdentityRecord> fromJson(const QJsonObject& json);

    /// `identity.json` in @p stateDir.
    static QString filePath(const QString& stateDir);
    /// std::nullopt when there is no file (not registered) or it is unreadable (@p error set).
    static std::optional<IdentityRecord> load(const QString& stateDir, QString* error);
    /// Writes the file atomically with mode 0600.
    bool save(const QString& stateDir, QString* error) const;
    /// Removes the file; true when it is gone.
    static bool remove(const QString& stateDir);
};

/// The machine's Ed25519 key pair (libsodium) bound to this installation's fingerprint. It signs
/// the client assertions (RFC 7523) the orchestrator exchanges for machine tokens, and rotates
/// itself on the orchestrator's request. The private key never leaves this object except to be
/// stored in a SecretStore.
class Identity final {
public:
    /// The default source of the OS installation's id.
    static constexpr const char* kMachineIdPath = "/etc/machine-id";

    /// A new key pair made here.
    static Identity generate(const QString& fingerprint);
    /// The identity of a stored 64-byte libsodium secret key; std::nullopt when it is malformed.
    static std::optional<Identity> fromSecretKey(const QByteArray& secretKey, const QString& fingerprint);

    /// hex SHA-256 of (the contents of @p machineIdPath, trimmed) + ":" + @p installId. A cloned
    /// disk on another OS installation, or a reset PC (new install id), gives another value.
    static QString fingerprint(const QString& installId, const QString& machineIdPath = QLatin1String(kMachineIdPath));
    /// A new random install id (UUID without braces).
    static QString newInstallId();

    QByteArray publicKey() const { return m_publicKey; } ///< raw 32 bytes
    QString publicKeyBase64() const { return QString::fromLatin1(m_publicKey.toBase64()); }
    QByteArray secretKey() const { return m_secretKey; } ///< raw 64 bytes: only for a SecretStore
    QString fingerprintValue() const { return m_fingerprint; }

    /// Detached Ed25519 signature (64 bytes) of @p message.
    QByteArray sign(const QByteArray& message) const;
    /// True when @p signature is @p publicKey's signature of @p message.
    static bool verify(const QByteArray& publicKey, const QByteArray& message, const QByteArray& signature);

    /// Opens a libsodium sealed box (crypto_box_seal) made for this key: the orchestrator seals
    /// connection passwords to the X25519 form of the machine's Ed25519 public key
    /// (`sealedPassword`, docs/api.md). std::nullopt when it does not open (sealed to another
    /// key, e.g. the one before a rotation, or damaged).
    std::optional<QByteArray> openSealed(const QByteArray& sealed) const;

    /// The client assertion: a JWT (header {"alg":"EdDSA","typ":"JWT"}) with iss = sub =
    /// @p machineId, aud = @p tokenEndpointUrl, iat = @p now, exp = iat + 120 s, a random jti
    /// and the claim `fingerprint`.
    QByteArray signAssertion(const QString& machineId, const QString& tokenEndpointUrl, const QDateTime& now) const;

    /// A key rotation: the new identity and the OLD key's signature of the new public key's raw
    /// bytes (for `keyRotated`).
    struct Rotation;
    Rotation rotate() const;

    static constexpr int kAssertionLifetimeSeconds = 120;

private:
    Identity() = default;

    QByteArray m_publicKey;
    QByteArray m_secretKey;
    QString m_fingerprint;
};

struct Identity::Rotation {
    Identity next;
    QByteArray signature;
};

} // namespace mr::agent
