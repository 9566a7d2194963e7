#include "orchestrator/auth/KeyRing.h"

#include "orchestrator/Clock.h"
#include "orchestrator/auth/Crypto.h"
#include "orchestrator/auth/Jwt.h"

#include <QJsonArray>

#include <sodium.h>

namespace mr::orch {

namespace {

QByteArray seal(const QByteArray& secret, const QByteArray& dataKey) {
    const QByteArray nonce = crypto::randomBytes(crypto_secretbox_NONCEBYTES);
    QByteArray box(qsizetype(crypto_secretbox_MACBYTES) + secret.size(), Qt::Uninitialized);
    crypto_secretbox_easy(reinterpret_cast<unsigned char*>(box.data()),
                          reinterpret_cast<const unsigned char*>(secret.constData()), size_t(secret.size()),
                          reinterpret_cast<const unsigned char*>(nonce.constData()),
                          reinterpret_cast<const unsigned char*>(dataKey.constData()));
    return nonce + box;
}

std::optional<QByteArray> open(const QByteArray& sealed, const QByteArray& dataKey) {
    if (sealed.size() < qsizetype(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES))
        return std::nullopt;
    const QByteArray nonce = sealed.left(crypto_secretbox_NONCEBYTES);
    const QByteArray box = sealed.mid(crypto_secretbox_NONCEBYTES);
    QByteArray secret(box.size() - qsizetype(crypto_secretbox_MACBYTES), Qt::Uninitialized);
    if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(secret.data()),
                                   reinterpret_cast<const unsigned char*>(box.constData()), size_t(box.size()),
                                   reinterpret_cast<const unsigned char*>(nonce.constData()),
                                   reinterpret_cast<const unsigned char*>(dataKey.constData())) != 0)
        return std::nullopt;
    return secret;
}

} // namespace

std::unique_ptr<KeyRing> KeyRing::loadOrCreate(Db& db, const QByteArray& dataKey, const QDateTime& now) {
    if (dataKey.size() != crypto_secretbox_KEYBYTES)
        throw KeyRingError(QStringLiteral("the data key must be %1 bytes").arg(crypto_secretbox_KEYBYTES));
    crypto::ensureSodium();
    std::unique_ptr<KeyRing> ring(new KeyRing);
    QByteArray sealed;
    db.transaction([&] {
        // Serialise start-ups: SQLite's BEGIN IMMEDIATE already holds the write lock; on
        // PostgreSQL an advisory lock makes a second instance wait and then read our key.
        if (db.isPostgres())
            db.exec(QStringLiteral("SELECT pg_advisory_xact_lock(7305422)"));
        QSqlQuery q = db.exec(
            QStringLiteral("SELECT id, public_key, sealed_private_key, active FROM signing_keys ORDER BY created_at"));
        while (q.next()) {
            const QByteArray pk = QByteArray::fromBase64(q.value(1).toString().toLatin1());
            ring->m_publicKeys.append({q.value(0).toString(), pk});
            if (q.value(3).toBool()) { // the newest active key signs
                ring->m_activeKid = q.value(0).toString();
                sealed = QByteArray::fromBase64(q.value(2).toString().toLatin1());
            }
        }
        if (!ring->m_activeKid.isEmpty())
            return;
        QByteArray pk(crypto_sign_PUBLICKEYBYTES, Qt::Uninitialized);
        QByteArray sk(crypto_sign_SECRETKEYBYTES, Qt::Uninitialized);
        crypto_sign_keypair(reinterpret_cast<unsigned char*>(pk.data()), reinterpret_cast<unsigned char*>(sk.data()));
        const QString kid = crypto::randomBase64Url(12);
        sealed = seal(sk, dataKey);
        db.exec(QStringLiteral("INSERT INTO signing_keys (id, public_key, sealed_private_key, created_at, active) "
                               "VALUES (?, ?, ?, ?, TRUE)"),
                {kid, QString::fromLatin1(pk.toBase64()), QString::fromLatin1(sealed.toBase64()), isoUtc(now)});
        ring->m_publicKeys.append({kid, pk});
        ring->m_activeKid = kid;
        sodium_memzero(sk.data(), size_t(sk.size()));
    });

    const std::optional<QByteArray> secret = open(sealed, dataKey);
    if (!secret || secret->size() != crypto_sign_SECRETKEYBYTES)
        throw KeyRingError(
            QStringLiteral("the data key does not open the signing key: use the key this database was created with"));
    ring->m_secretKey = *secret;
    // libsodium's secret key ends with its public key: make sure the row is consistent.
    for (const PublicKey& k : std::as_const(ring->m_publicKeys)) {
        if (k.kid == ring->m_activeKid && k.key != ring->m_secretKey.right(crypto_sign_PUBLICKEYBYTES))
            throw KeyRingError(QStringLiteral("the stored signing key %1 is inconsistent").arg(k.kid));
    }
    return ring;
}

QByteArray KeyRing::signJwt(const QJsonObject& claims) const {
    const QJsonObject header{{QStringLiteral("alg"), QStringLiteral("EdDSA")},
                             {QStringLiteral("typ"), QStringLiteral("JWT")},
                             {QStringLiteral("kid"), m_activeKid}};
    return mr::orch::signJwt(header, claims, m_secretKey);
}

std::optional<QJsonObject> KeyRing::verifyJwt(const QByteArray& token) const {
    const std::optional<JwtParts> parts = parseJwt(token);
    if (!parts || parts->header.value(QStringLiteral("alg")).toString() != QLatin1String("EdDSA"))
        return std::nullopt;
    const QString kid = parts->header.value(QStringLiteral("kid")).toString();
    for (const PublicKey& k : m_publicKeys) {
        if (k.kid == kid)
            return verifyEd25519(k.key, parts->signingInput, parts->signature) ? std::optional(parts->claims)
                                                                               : std::nullopt;
    }
    return std::nullopt;
}

QJsonObject KeyRing::jwks() const {
    QJsonArray keys;
    for (const PublicKey& k : m_publicKeys) {
        keys.append(QJsonObject{{QStringLiteral("kty"), QStringLiteral("OKP")},
                                {QStringLiteral("crv"), QStringLiteral("Ed25519")},
                                {QStringLiteral("kid"), k.kid},
                                {QStringLiteral("x"), QString::fromLatin1(crypto::base64Url(k.key))},
                                {QStringLiteral("use"), QStringLiteral("sig")},
                                {QStringLiteral("alg"), QStringLiteral("EdDSA")}});
    }
    return QJsonObject{{QStringLiteral("keys"), keys}};
}

} // namespace mr::orch
