// The machine's identity: a key made here that signs verifiable assertions, and a fingerprint
// that changes when the installation does (cloned disk, reset PC).
#include "agent/Identity.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using mr::agent::Identity;

namespace {

QJsonObject part(const QByteArray& jwt, int index) {
    return QJsonDocument::fromJson(QByteArray::fromBase64(jwt.split('.').value(index), QByteArray::Base64UrlEncoding))
        .object();
}

bool writeFile(const QString& path, const QByteArray& content) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(content) == content.size();
}

} // namespace

class TestIdentity final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void makesAKeyThatSignsVerifiableAssertions();
    void fingerprintFollowsInstallIdAndMachineId();
    void storedKeyGivesTheSameIdentity();
    void rotationIsSignedByTheOldKey();
    void identityRecordRoundTripsAt0600();
};

void TestIdentity::makesAKeyThatSignsVerifiableAssertions() {
    const Identity id = Identity::generate(QStringLiteral("fp-1"));
    QCOMPARE(id.publicKey().size(), 32);
    QCOMPARE(QByteArray::fromBase64(id.publicKeyBase64().toLatin1()), id.publicKey());
    QVERIFY(Identity::generate(QStringLiteral("fp-1")).publicKey() != id.publicKey());

    const QDateTime now = QDateTime::fromSecsSinceEpoch(1'800'000'000, Qt::UTC);
    const QString endpoint = QStringLiteral("http://127.0.0.1:1234/oauth/token");
    const QByteArray jwt = id.signAssertion(QStringLiteral("m-1"), endpoint, now);
    const QList<QByteArray> parts = jwt.split('.');
    QCOMPARE(parts.size(), 3);
    QCOMPARE(part(jwt, 0).value(QStringLiteral("alg")).toString(), QStringLiteral("EdDSA"));
    QCOMPARE(part(jwt, 0).value(QStringLiteral("typ")).toString(), QStringLiteral("JWT"));
    const QJsonObject claims = part(jwt, 1);
    QCOMPARE(claims.value(QStringLiteral("iss")).toString(), QStringLiteral("m-1"));
    QCOMPARE(claims.value(QStringLiteral("sub")).toString(), QStringLiteral("m-1"));
    QCOMPARE(claims.value(QStringLiteral("aud")).toString(), endpoint);
    QCOMPARE(qint64(claims.value(QStringLiteral("iat")).toDouble()), now.toSecsSinceEpoch());
    QCOMPARE(qint64(claims.value(QStringLiteral("exp")).toDouble()), now.toSecsSinceEpoch() + 120);
    QCOMPARE(claims.value(QStringLiteral("fingerprint")).toString(), QStringLiteral("fp-1"));
    QVERIFY(!claims.value(QStringLiteral("jti")).toString().isEmpty());
    QVERIFY(part(id.signAssertion(QStringLiteral("m-1"), endpoint, now), 1).value(QStringLiteral("jti")) !=
            claims.value(QStringLiteral("jti")));

    const QByteArray signature = QByteArray::fromBase64(parts[2], QByteArray::Base64UrlEncoding);
    QVERIFY(Identity::verify(id.publicKey(), parts[0] + '.' + parts[1], signature));
    QVERIFY(!Identity::verify(id.publicKey(), parts[0] + '.' + parts[1] + 'x', signature));
    QVERIFY(!Identity::verify(Identity::generate({}).publicKey(), parts[0] + '.' + parts[1], signature));
}

void TestIdentity::fingerprintFollowsInstallIdAndMachineId() {
    QTemporaryDir dir;
    const QString machineId = dir.filePath(QStringLiteral("machine-id"));
    QVERIFY(writeFile(machineId, "0123456789abcdef0123456789abcdef\n"));
    const QString install = Identity::newInstallId();
    const QString fp = Identity::fingerprint(install, machineId);
    QCOMPARE(fp.size(), 64);
    QCOMPARE(Identity::fingerprint(install, machineId), fp);
    // A reset PC: a new install id.
    QVERIFY(Identity::fingerprint(Identity::newInstallId(), machineId) != fp);
    // A cloned disk on another OS installation: another machine-id.
    QVERIFY(writeFile(machineId, "fedcba9876543210fedcba9876543210\n"));
    QVERIFY(Identity::fingerprint(install, machineId) != fp);
}

void TestIdentity::storedKeyGivesTheSameIdentity() {
    const Identity id = Identity::generate(QStringLiteral("fp"));
    const auto again = Identity::fromSecretKey(id.secretKey(), QStringLiteral("fp"));
    QVERIFY(again);
    QCOMPARE(again->publicKey(), id.publicKey());
    QVERIFY(!Identity::fromSecretKey(QByteArray(10, 'x'), QStringLiteral("fp")));
}

void TestIdentity::rotationIsSignedByTheOldKey() {
    const Identity old = Identity::generate(QStringLiteral("fp"));
    const Identity::Rotation r = old.rotate();
    QVERIFY(r.next.publicKey() != old.publicKey());
    QCOMPARE(r.next.fingerprintValue(), QStringLiteral("fp"));
    QVERIFY(Identity::verify(old.publicKey(), r.next.publicKey(), r.signature));
    QVERIFY(!Identity::verify(r.next.publicKey(), r.next.publicKey(), r.signature));
}

void TestIdentity::identityRecordRoundTripsAt0600() {
    QTemporaryDir dir;
    QString error;
    QVERIFY(!mr::agent::IdentityRecord::load(dir.path(), &error));
    QVERIFY(error.isEmpty()); // not registered is not an error
    mr::agent::IdentityRecord r{QStringLiteral("http://127.0.0.1:1"),
                                QStringLiteral("m"),
                                QStringLiteral("e"),
                                QStringLiteral("Sales"),
                                QStringLiteral("pc-1"),
                                QStringLiteral("i")};
    QVERIFY(r.save(dir.path(), &error));
    struct stat info {};
    QCOMPARE(::stat(QFile::encodeName(mr::agent::IdentityRecord::filePath(dir.path())).constData(), &info), 0);
    QCOMPARE(info.st_mode & 0777, 0600u);
    const auto loaded = mr::agent::IdentityRecord::load(dir.path(), &error);
    QVERIFY(loaded);
    QCOMPARE(loaded->toJson(), r.toJson());
    QVERIFY(mr::agent::IdentityRecord::remove(dir.path()));
    QVERIFY(!mr::agent::IdentityRecord::load(dir.path(), &error));
}

QTEST_GUILESS_MAIN(TestIdentity)
#include "tst_identity.moc"
