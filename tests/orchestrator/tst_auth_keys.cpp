// The building blocks of sign-in without a server: JWT encoding, password hashes, and the
// server's signing key kept sealed in the database.

#include "orchestrator/auth/Crypto.h"
#include "orchestrator/auth/Jwt.h"
#include "orchestrator/auth/KeyRing.h"
#include "orchestrator/auth/Passwords.h"
#include "orchestrator/store/Migrations.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

#include <sodium.h>

using namespace mr::orch;

class TestAuthKeys : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { qputenv("MR_FAST_PASSWORD_HASH", "1"); }

    void passwordsVerifyOnlyThemselves() {
        const QString hash = hashPassword(QStringLiteral("pässword-1"));
        QVERIFY(hash.startsWith(QLatin1String("$argon2id$")));
        QVERIFY(!hash.contains(QLatin1String("pässword")));
        QVERIFY(verifyPassword(hash, QStringLiteral("pässword-1")));
        QVERIFY(!verifyPassword(hash, QStringLiteral("pässword-2")));
        QVERIFY(!verifyPassword(QString(), QString()));
        QVERIFY(!verifyPassword(QStringLiteral("garbage"), QStringLiteral("garbage")));
        verifyDummyPassword(QStringLiteral("anything")); // must not crash or throw
    }

    void base64UrlIsStrict() {
        QCOMPARE(crypto::base64Url(QByteArray("\xfb\xff", 2)), QByteArray("-_8"));
        QCOMPARE(*crypto::fromBase64Url("-_8"), QByteArray("\xfb\xff", 2));
        QVERIFY(!crypto::fromBase64Url("+/8="));
        QVERIFY(!crypto::fromBase64Url("ab$c"));
    }

    void keyRingSignsAndVerifies() {
        QTemporaryDir dir;
        Db db(*DatabaseLocation::parse(dir.filePath(QStringLiteral("k.db")), nullptr), QStringLiteral("keys-test"));
        db.open();
        migrate(db);
        const QByteArray dataKey = crypto::randomBytes(32);
        const auto now = QDateTime::currentDateTimeUtc();
        const auto ring = KeyRing::loadOrCreate(db, dataKey, now);
        const auto again = KeyRing::loadOrCreate(db, dataKey, now);
        QCOMPARE(again->activeKeyId(), ring->activeKeyId()); // one key, loaded, not a second one
        QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM signing_keys")).toInt(), 1);

        const QByteArray token = ring->signJwt({{QStringLiteral("sub"), QStringLiteral("u1")}});
        const auto claims = again->verifyJwt(token);
        QVERIFY(claims);
        QCOMPARE(claims->value(QStringLiteral("sub")).toString(), QStringLiteral("u1"));
        const auto parts = parseJwt(token);
        QCOMPARE(parts->header.value(QStringLiteral("kid")).toString(), ring->activeKeyId());
        QCOMPARE(parts->header.value(QStringLiteral("typ")).toString(), QStringLiteral("JWT"));

        QByteArray tampered = token;
        tampered[tampered.size() - 2] = tampered.at(tampered.size() - 2) == 'A' ? 'B' : 'A';
        QVERIFY(!ring->verifyJwt(tampered));
        QVERIFY(!ring->verifyJwt(QByteArray(kMaxJwtBytes + 1, 'a')));
        QVERIFY(!ring->verifyJwt("a.b"));
        QVERIFY(!parseJwt(token + QByteArray(kMaxJwtBytes, 'A')));

        // A token signed by someone else's key with our kid is refused.
        QByteArray pk(crypto_sign_PUBLICKEYBYTES, '\0'), sk(crypto_sign_SECRETKEYBYTES, '\0');
        crypto_sign_keypair(reinterpret_cast<unsigned char*>(pk.data()), reinterpret_cast<unsigned char*>(sk.data()));
        QVERIFY(!ring->verifyJwt(signJwt(parts->header, parts->claims, sk)));

        const QJsonArray keys = ring->jwks().value(QStringLiteral("keys")).toArray();
        QCOMPARE(keys.size(), 1);
        QCOMPARE(keys.at(0).toObject().value(QStringLiteral("crv")).toString(), QStringLiteral("Ed25519"));
        QCOMPARE(keys.at(0).toObject().value(QStringLiteral("use")).toString(), QStringLiteral("sig"));

        // The private key is not in the table in the clear.
        const QString sealed = db.scalar(QStringLiteral("SELECT sealed_private_key FROM signing_keys")).toString();
        QVERIFY(!sealed.isEmpty());

        try {
            KeyRing::loadOrCreate(db, crypto::randomBytes(32), now);
            QFAIL("a wrong data key must not open the signing key");
        } catch (const KeyRingError& e) {
            QCOMPARE(QString::fromUtf8(e.what()),
                     QStringLiteral("the data key does not open the signing key: use the key this database was "
                                    "created with"));
        }
    }
};

QTEST_GUILESS_MAIN(TestAuthKeys)
#include "tst_auth_keys.moc"
