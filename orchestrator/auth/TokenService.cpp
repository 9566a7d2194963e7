#include "orchestrator/auth/TokenService.h"

#include "orchestrator/auth/Crypto.h"
#include "orchestrator/auth/Jwt.h"
#include "orchestrator/auth/KeyRing.h"
#include "orchestrator/auth/UserDirectory.h"
#include "orchestrator/http/Http.h"

namespace mr::orch {

namespace {

const QString kTypUser = QStringLiteral("user");
const QString kTypMachine = QStringLiteral("machine");

} // namespace

TokenService::TokenService(KeyRing& keys, ServerConfig config)
    : m_keys(keys)
    , m_config(std::move(config)) {}

std::optional<Principal> TokenService::authenticate(Db& db, const HttpRequest& request, const QDateTime& now) const {
    const QString token = request.bearerToken();
    if (token.isEmpty())
        return std::nullopt;
    return authenticateToken(db, token, now);
}

std::optional<Principal> TokenService::authenticateToken(Db& db, const QString& token, const QDateTime& now) const {
    if (token.size() > kMaxJwtBytes)
        return std::nullopt;
    if (token.startsWith(kPersonalTokenPrefix))
        return fromPersonalToken(db, token, now);
    return fromJwt(db, token, now);
}

std::optional<Principal> TokenService::fromJwt(Db& db, const QString& token, const QDateTime& now) const {
    const std::optional<QJsonObject> claims = m_keys.verifyJwt(token.toLatin1());
    if (!claims)
        return std::nullopt;
    const qint64 nowSeconds = now.toSecsSinceEpoch();
    const QJsonValue exp = claims->value(QStringLiteral("exp"));
    if (claims->value(QStringLiteral("iss")).toString() != issuer() || !exp.isDouble() ||
        qint64(exp.toDouble()) + kLeewaySeconds < nowSeconds)
        return std::nullopt;
    const QString typ = claims->value(QStringLiteral("typ")).toString();
    const QString sub = claims->value(QStringLiteral("sub")).toString();
    if (typ == kTypUser) {
        const std::optional<UserRecord> user = findUserById(db, sub);
        if (!user || user->deactivated)
            return std::nullopt;
        return Principal{Principal::Kind::User, user->id, user->username, user->displayName, user->isAdmin, {}};
    }
    if (typ == kTypMachine) {
        QSqlQuery q = db.exec(QStringLiteral("SELECT m.owner_id, u.username, u.display_name FROM machines m "
                                             "JOIN users u ON u.id = m.owner_id WHERE m.id = ?"),
                              {sub});
        if (!q.next())
            return std::nullopt;
        return Principal{
            Principal::Kind::Machine, q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), false, sub};
    }
    return std::nullopt;
}

std::optional<Principal> TokenService::fromPersonalToken(Db& db, const QString& token, const QDateTime& now) const {
    QSqlQuery q = db.exec(QStringLiteral("SELECT t.id, t.last_used_at, u.id, u.username, u.display_name, u.is_admin, "
                                         "u.deactivated FROM personal_tokens t JOIN users u ON u.id = t.user_id "
                                         "WHERE t.token_hash = ? AND t.revoked_at IS NULL"),
                          {crypto::tokenHash(token)});
    if (!q.next() || q.value(6).toBool())
        return std::nullopt;
    Principal p{Principal::Kind::User, q.value(2).toString(), q.value(3).toString(),
                q.value(4).toString(), q.value(5).toBool(),   {}};
    // Record use at most once a minute, so a busy script does not write on every request.
    const QString lastUsed = q.value(1).toString();
    if (lastUsed.isEmpty() || lastUsed < isoUtc(now.addSecs(-60)))
        db.exec(QStringLiteral("UPDATE personal_tokens SET last_used_at = ? WHERE id = ?"),
                {isoUtc(now), q.value(0).toString()});
    return p;
}

QString TokenService::userAccessToken(const QString& userId, const QString& username, const QDateTime& now) const {
    const qint64 iat = now.toSecsSinceEpoch();
    return QString::fromLatin1(m_keys.signJwt(QJsonObject{{QStringLiteral("iss"), issuer()},
                                                          {QStringLiteral("sub"), userId},
                                                          {QStringLiteral("iat"), iat},
                                                          {QStringLiteral("exp"), iat + kAccessTokenSeconds},
                                                          {QStringLiteral("jti"), newId()},
                                                          {QStringLiteral("typ"), kTypUser},
                                                          {QStringLiteral("name"), username}}));
}

QString TokenService::machineAccessToken(const QString& machineId, const QDateTime& now) const {
    const qint64 iat = now.toSecsSinceEpoch();
    return QString::fromLatin1(m_keys.signJwt(QJsonObject{{QStringLiteral("iss"), issuer()},
                                                          {QStringLiteral("sub"), machineId},
                                                          {QStringLiteral("iat"), iat},
                                                          {QStringLiteral("exp"), iat + kAccessTokenSeconds},
                                                          {QStringLiteral("jti"), newId()},
                                                          {QStringLiteral("typ"), kTypMachine}}));
}

QString createPersonalToken(Db& db, const QString& userId, const QString& name, const QDateTime& now,
                            QString* tokenId) {
    const QString token = kPersonalTokenPrefix + crypto::randomBase64Url(32);
    const QString id = newId();
    db.exec(QStringLiteral("INSERT INTO personal_tokens (id, user_id, name, token_hash, created_at) "
                           "VALUES (?, ?, ?, ?, ?)"),
            {id, userId, name.isNull() ? QStringLiteral("") : name, crypto::tokenHash(token), isoUtc(now)});
    if (tokenId)
        *tokenId = id;
    return token;
}

QString TokenService::createRefreshToken(Db& db, const QString& userId, const QString& clientId,
                                         const QString& familyId, const QDateTime& now) const {
    const QString token = crypto::randomBase64Url(32);
    db.exec(QStringLiteral("INSERT INTO refresh_tokens (token_hash, family_id, user_id, client_id, created_at, "
                           "expires_at, spent, revoked) VALUES (?, ?, ?, ?, ?, ?, FALSE, FALSE)"),
            {crypto::tokenHash(token), familyId.isEmpty() ? newId() : familyId, userId, clientId, isoUtc(now),
             isoUtc(now.addDays(kRefreshTokenDays))});
    return token;
}

std::optional<TokenService::Rotation>
TokenService::rotateRefreshToken(Db& db, const QString& token, const QString& clientId, const QDateTime& now) const {
    if (token.isEmpty() || token.size() > 256)
        return std::nullopt;
    const QString hash = crypto::tokenHash(token);
    std::optional<Rotation> result;
    db.transaction([&] {
        QSqlQuery q = db.exec(QStringLiteral("SELECT family_id, user_id, client_id, expires_at, spent, revoked "
                                             "FROM refresh_tokens WHERE token_hash = ?"),
                              {hash});
        if (!q.next())
            return;
        const QString family = q.value(0).toString();
        const QString userId = q.value(1).toString();
        if (q.value(5).toBool() || q.value(2).toString() != clientId || q.value(3).toString() <= isoUtc(now))
            return;
        // The conditional update decides races: of two uses of one token only one spends it.
        const bool spentNow =
            !q.value(4).toBool() &&
            db.execAffected(QStringLiteral("UPDATE refresh_tokens SET spent = TRUE WHERE token_hash = ? AND "
                                           "spent = FALSE AND revoked = FALSE"),
                            {hash}) == 1;
        if (!spentNow) {
            // A replayed token: whoever holds the family may be an attacker. End it for everyone.
            db.exec(QStringLiteral("UPDATE refresh_tokens SET revoked = TRUE WHERE family_id = ?"), {family});
            return;
        }
        const std::optional<UserRecord> user = findUserById(db, userId);
        if (!user || user->deactivated)
            return;
        result = Rotation{user->id, user->username, createRefreshToken(db, user->id, clientId, family, now)};
    });
    return result;
}

} // namespace mr::orch
