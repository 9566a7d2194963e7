#include "orchestrator/auth/MachineAssertion.h"

#include "orchestrator/Clock.h"
#include "orchestrator/auth/Crypto.h"
#include "orchestrator/auth/Jwt.h"
#include "orchestrator/http/Http.h"

#include <QJsonArray>

#include <algorithm>
#include <cstdlib>

namespace mr::orch {

namespace {

ApiError refused(const QString& message) {
    return ApiError::unauthenticated(message);
}

bool audienceMatches(const QJsonValue& aud, const QString& audience) {
    if (aud.isString())
        return aud.toString() == audience;
    if (aud.isArray()) {
        const QJsonArray list = aud.toArray();
        return std::any_of(list.begin(), list.end(), [&](const QJsonValue& v) { return v.toString() == audience; });
    }
    return false;
}

} // namespace

QString MachineAssertion::verify(Db& db, const QString& clientId, const QByteArray& assertion, const QString& audience,
                                 const QDateTime& now) {
    const std::optional<JwtParts> jwt = parseJwt(assertion);
    if (!jwt)
        throw refused(QStringLiteral("The client assertion is not a well-formed JWT."));
    if (jwt->header.value(QStringLiteral("alg")).toString() != QLatin1String("EdDSA"))
        throw refused(QStringLiteral("The client assertion must be signed with EdDSA."));
    if (clientId.isEmpty() || clientId.size() > 64)
        throw refused(QStringLiteral("The client_id must be the machine id."));

    QSqlQuery q = db.exec(QStringLiteral("SELECT public_key, fingerprint FROM machines WHERE id = ?"), {clientId});
    if (!q.next())
        throw refused(QStringLiteral("This machine is not registered (it may have been deleted). Register it anew."));
    const QByteArray publicKey = QByteArray::fromBase64(q.value(0).toString().toLatin1());
    const QString fingerprint = q.value(1).toString();
    if (!verifyEd25519(publicKey, jwt->signingInput, jwt->signature))
        throw refused(QStringLiteral("The client assertion's signature does not match the machine's key."));

    const QJsonObject& c = jwt->claims;
    if (c.value(QStringLiteral("iss")).toString() != clientId || c.value(QStringLiteral("sub")).toString() != clientId)
        throw refused(QStringLiteral("The client assertion's iss and sub must be the machine id."));
    if (!audienceMatches(c.value(QStringLiteral("aud")), audience))
        throw refused(QStringLiteral("The client assertion's aud must be %1.").arg(audience));
    const QJsonValue iatValue = c.value(QStringLiteral("iat"));
    const QJsonValue expValue = c.value(QStringLiteral("exp"));
    const QString jti = c.value(QStringLiteral("jti")).toString();
    if (!iatValue.isDouble() || !expValue.isDouble() || jti.isEmpty() || jti.size() > 200)
        throw refused(QStringLiteral("The client assertion needs the claims iat, exp and jti."));
    const qint64 iat = qint64(iatValue.toDouble());
    const qint64 exp = qint64(expValue.toDouble());
    if (exp <= iat || exp - iat > kMaxLifetimeSeconds)
        throw refused(QStringLiteral("The client assertion may live at most %1 seconds.").arg(kMaxLifetimeSeconds));

    const qint64 nowSeconds = now.toSecsSinceEpoch();
    if (iat > nowSeconds + kClockLeewaySeconds || exp + kClockLeewaySeconds < nowSeconds) {
        const qint64 skew = std::llabs(iat - nowSeconds);
        throw ApiError(QStringLiteral("ClockSkew"),
                       QStringLiteral("The machine's clock differs from the server's by %1 seconds. Set the machine's "
                                      "clock right (e.g. turn on network time) and try again.")
                           .arg(skew),
                       QJsonObject{{QStringLiteral("skewSeconds"), double(iat - nowSeconds)}});
    }

    if (!crypto::constantTimeEquals(c.value(QStringLiteral("fingerprint")).toString().toUtf8(), fingerprint.toUtf8()))
        throw ApiError(QStringLiteral("MachineIdentityMismatch"),
                       QStringLiteral("This machine's identity does not match its registration (a cloned or reset "
                                      "installation?). Register it anew."));

    db.exec(QStringLiteral("DELETE FROM used_assertions WHERE expires_at < ?"), {isoUtc(now)});
    // Remember the jti until the assertion could no longer pass the expiry check anyway.
    const QDateTime keepUntil = QDateTime::fromSecsSinceEpoch(exp + kClockLeewaySeconds + 1, Qt::UTC);
    const int inserted = db.execAffected(
        QStringLiteral("INSERT INTO used_assertions (jti_key, machine_id, expires_at) VALUES (?, ?, ?) "
                       "ON CONFLICT (jti_key) DO NOTHING"),
        {QString(clientId + QLatin1Char(':') + jti), clientId, isoUtc(keepUntil > now ? keepUntil : now)});
    if (inserted != 1)
        throw refused(QStringLiteral("This assertion was used already."));
    return clientId;
}

} // namespace mr::orch
