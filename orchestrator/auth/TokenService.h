#pragma once

#include "orchestrator/Services.h"
#include "orchestrator/auth/Principal.h"

#include <QDateTime>
#include <QString>

#include <optional>

namespace mr::orch {

class KeyRing;

/// A new personal access token (`mrp_` + 32 random bytes, base64url) for @p userId; returns the
/// plaintext (shown once) and its id in @p tokenId. Only its SHA-256 is stored. Needs no signing
/// key, so the command line uses it directly.
QString createPersonalToken(Db& db, const QString& userId, const QString& name, const QDateTime& now,
                            QString* tokenId = nullptr);
inline const QString kPersonalTokenPrefix = QStringLiteral("mrp_");

/// Issues and checks every token of the orchestrator: user access tokens and machine tokens
/// (EdDSA JWTs, 15 minutes), refresh tokens (rotating, 30 days, stored hashed) and personal
/// access tokens (`mrp_…`, stored hashed). As the Authenticator it resolves the bearer token of
/// each request, checking the user or machine in the database every time.
class TokenService final : public Authenticator {
public:
    static constexpr int kAccessTokenSeconds = 900;
    static constexpr int kRefreshTokenDays = 30;
    static constexpr int kLeewaySeconds = 30;

    TokenService(KeyRing& keys, ServerConfig config);

    std::optional<Principal> authenticate(Db& db, const HttpRequest& request, const QDateTime& now) const override;
    /// Resolves one token as authenticate() does for `Authorization: Bearer TOKEN`.
    std::optional<Principal> authenticateToken(Db& db, const QString& token, const QDateTime& now) const;

    QString issuer() const { return m_config.publicUrl; }
    QString tokenEndpoint() const { return m_config.publicUrl + QStringLiteral("/oauth/token"); }

    QString userAccessToken(const QString& userId, const QString& username, const QDateTime& now) const;
    QString machineAccessToken(const QString& machineId, const QDateTime& now) const;

    /// A new refresh token; an empty @p familyId starts a new family (a new sign-in).
    QString createRefreshToken(Db& db, const QString& userId, const QString& clientId, const QString& familyId,
                               const QDateTime& now) const;

    struct Rotation {
        QString userId;
        QString username;
        QString refreshToken; ///< the successor
    };
    /// Spends @p token and returns its successor in the same family. A token that was spent
    /// already revokes its whole family (someone replayed it); an unknown, expired or revoked
    /// token, another client's token, or a deactivated user gives std::nullopt.
    std::optional<Rotation> rotateRefreshToken(Db& db, const QString& token, const QString& clientId,
                                               const QDateTime& now) const;

private:
    std::optional<Principal> fromJwt(Db& db, const QString& token, const QDateTime& now) const;
    std::optional<Principal> fromPersonalToken(Db& db, const QString& token, const QDateTime& now) const;

    KeyRing& m_keys;
    ServerConfig m_config;
};

} // namespace mr::orch
