// Machine sign-in over real HTTP (client_credentials with an Ed25519 client assertion, RFC 7523),
// on SQLite and PostgreSQL: a good assertion, replay, forgery, a cloned installation, clock skew.

#include "TestServer.h"

#include "orchestrator/Clock.h"
#include "orchestrator/auth/Jwt.h"
#include "orchestrator/auth/TokenService.h"

#include <QtTest>

#include <sodium.h>

using namespace mr::test;
using mr::orch::Db;

namespace {

struct KeyPair {
    QByteArray publicKey, secretKey;
    static KeyPair make() {
        mr::orch::crypto::ensureSodium();
        KeyPair k{QByteArray(crypto_sign_PUBLICKEYBYTES, '\0'), QByteArray(crypto_sign_SECRETKEYBYTES, '\0')};
        crypto_sign_keypair(reinterpret_cast<unsigned char*>(k.publicKey.data()),
                            reinterpret_cast<unsigned char*>(k.secretKey.data()));
        return k;
    }
};

struct Machine {
    QString id, fingerprint, ownerId;
    KeyPair key;
};

} // namespace

class TestAuthMachine : public QObject {
    Q_OBJECT

private:
    /// A registered machine, written straight into the tables (registration is tested elsewhere).
    static Machine seedMachine(TestServer& server) {
        const auto owner = server.addUser(QStringLiteral("owner"));
        Machine m{mr::orch::newId(), QStringLiteral("fp-") + mr::orch::crypto::randomBase64Url(16), owner.id,
                  KeyPair::make()};
        server.db([&](Db& db) {
            const QString now = mr::orch::isoUtc(server.clock().now());
            const QString envId = mr::orch::newId();
            const QString envName = uniqueName(QStringLiteral("env"));
            db.exec(QStringLiteral("INSERT INTO environments (id, name, name_key, created_at) VALUES (?, ?, ?, ?)"),
                    {envId, envName, envName.toLower(), now});
            db.exec(QStringLiteral("INSERT INTO machines (id, environment_id, name, name_key, owner_id, public_key, "
                                   "fingerprint, key_created_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                    {m.id, envId, QStringLiteral("pc-1"), QStringLiteral("pc-1"), owner.id,
                     QString::fromLatin1(m.key.publicKey.toBase64()), m.fingerprint, now, now});
        });
        return m;
    }

    static QString assertion(const TestServer& server, const Machine& m, qint64 iat, const QString& jti,
                             const QByteArray& signingKey = {}, const QString& fingerprint = {}) {
        const QJsonObject claims{
            {QStringLiteral("iss"), m.id},
            {QStringLiteral("sub"), m.id},
            {QStringLiteral("aud"), QString(server.url().toString() + QStringLiteral("/oauth/token"))},
            {QStringLiteral("iat"), iat},
            {QStringLiteral("exp"), iat + 300},
            {QStringLiteral("jti"), jti},
            {QStringLiteral("fingerprint"), fingerprint.isEmpty() ? m.fingerprint : fingerprint}};
        const QJsonObject header{{QStringLiteral("alg"), QStringLiteral("EdDSA")},
                                 {QStringLiteral("typ"), QStringLiteral("JWT")}};
        return QString::fromLatin1(
            mr::orch::signJwt(header, claims, signingKey.isEmpty() ? m.key.secretKey : signingKey));
    }

    static HttpResult requestToken(TestServer& server, const QString& machineId, const QString& jwt) {
        return server.postForm(QStringLiteral("/oauth/token"),
                               {{QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
                                {QStringLiteral("client_assertion_type"),
                                 QStringLiteral("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")},
                                {QStringLiteral("client_assertion"), jwt},
                                {QStringLiteral("client_id"), machineId}});
    }

private Q_SLOTS:
    void initTestCase_data() { addEngineRows(); }

    void goodAssertionGivesAMachineToken() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        const Machine m = seedMachine(server);
        const qint64 now = server.clock().now().toSecsSinceEpoch();
        const HttpResult r = requestToken(server, m.id, assertion(server, m, now, QStringLiteral("jti-1")));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.object().value(QStringLiteral("token_type")).toString(), QStringLiteral("Bearer"));
        QCOMPARE(r.object().value(QStringLiteral("expires_in")).toInt(), 900);
        QVERIFY(!r.object().contains(QStringLiteral("refresh_token")));
        const QString token = r.object().value(QStringLiteral("access_token")).toString();

        // It names the machine and its owner, and is no user token.
        std::optional<mr::orch::Principal> who;
        server.db([&](Db& db) {
            who = server.server().services().tokens->authenticateToken(db, token, server.clock().now());
        });
        QVERIFY(who);
        QCOMPARE(who->kind, mr::orch::Principal::Kind::Machine);
        QCOMPARE(who->machineId, m.id);
        QCOMPARE(who->userId, m.ownerId);
        QCOMPARE(server.get(QStringLiteral("/api/v1/me/tokens"), token).status, 401);

        // The token ends with the machine.
        server.db([&](Db& db) { db.exec(QStringLiteral("DELETE FROM machines WHERE id = ?"), {m.id}); });
        server.db([&](Db& db) {
            who = server.server().services().tokens->authenticateToken(db, token, server.clock().now());
        });
        QVERIFY(!who);
    }

    void replayedAssertionIsRefused() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        const Machine m = seedMachine(server);
        const QString jwt = assertion(server, m, server.clock().now().toSecsSinceEpoch(), QStringLiteral("once"));
        QCOMPARE(requestToken(server, m.id, jwt).status, 200);
        const HttpResult again = requestToken(server, m.id, jwt);
        QCOMPARE(again.status, 401);
        QCOMPARE(again.errorCode(), QStringLiteral("Unauthenticated"));
        QCOMPARE(again.object().value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString(),
                 QStringLiteral("This assertion was used already."));
    }

    void forgedOrUnknownIsRefused() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        const Machine m = seedMachine(server);
        const qint64 now = server.clock().now().toSecsSinceEpoch();

        const HttpResult otherKey =
            requestToken(server, m.id, assertion(server, m, now, QStringLiteral("a"), KeyPair::make().secretKey));
        QCOMPARE(otherKey.status, 401);
        QCOMPARE(otherKey.errorCode(), QStringLiteral("Unauthenticated"));

        QString flipped = assertion(server, m, now, QStringLiteral("b"));
        flipped[flipped.size() - 3] =
            flipped.at(flipped.size() - 3) == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
        QCOMPARE(requestToken(server, m.id, flipped).status, 401);

        const HttpResult unknown =
            requestToken(server, mr::orch::newId(), assertion(server, m, now, QStringLiteral("c")));
        QCOMPARE(unknown.status, 401);
        QCOMPARE(unknown.errorCode(), QStringLiteral("Unauthenticated"));
        QCOMPARE(requestToken(server, m.id, QStringLiteral("garbage")).status, 401);
    }

    void clonedInstallationIsNamed() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        const Machine m = seedMachine(server);
        const HttpResult r = requestToken(server, m.id,
                                          assertion(server, m, server.clock().now().toSecsSinceEpoch(),
                                                    QStringLiteral("d"), {}, QStringLiteral("another-installation")));
        QCOMPARE(r.status, 401);
        QCOMPARE(r.errorCode(), QStringLiteral("MachineIdentityMismatch"));
        QVERIFY(r.object()
                    .value(QStringLiteral("error"))
                    .toObject()
                    .value(QStringLiteral("message"))
                    .toString()
                    .contains(QLatin1String("Register it anew")));
    }

    void clockSkewIsNamed() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        const Machine m = seedMachine(server);
        const qint64 now = server.clock().now().toSecsSinceEpoch();
        const HttpResult ahead = requestToken(server, m.id, assertion(server, m, now + 600, QStringLiteral("e")));
        QCOMPARE(ahead.status, 401);
        QCOMPARE(ahead.errorCode(), QStringLiteral("ClockSkew"));
        const QString message =
            ahead.object().value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
        QVERIFY2(message.contains(QRegularExpression(QStringLiteral("\\b(59[89]|60[0-2]) seconds"))),
                 qPrintable(message));

        const HttpResult behind = requestToken(server, m.id, assertion(server, m, now - 3600, QStringLiteral("f")));
        QCOMPARE(behind.status, 401);
        QCOMPARE(behind.errorCode(), QStringLiteral("ClockSkew"));
        // A little skew is tolerated.
        QCOMPARE(requestToken(server, m.id, assertion(server, m, now + 20, QStringLiteral("g"))).status, 200);
    }
};

QTEST_GUILESS_MAIN(TestAuthMachine)
#include "tst_auth_machine.moc"
