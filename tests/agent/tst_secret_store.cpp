// Secret stores: the head-less agent's 0600 file and the desktop app's keychain.
#include "agent/FileSecretStore.h"
#include "agent/KeychainSecretStore.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <sys/stat.h>

using mr::agent::SecretResult;
using mr::agent::SecretStore;

namespace {

/// Runs one asynchronous store call and waits for its answer (QSignalSpy's loop, in tests only).
SecretResult await(const std::function<void(SecretStore::Callback)>& call) {
    SecretResult result;
    bool done = false;
    call([&](const SecretResult& r) {
        result = r;
        done = true;
    });
    QDeadlineTimer deadline(20000);
    while (!done && !deadline.hasExpired())
        QTest::qWait(10);
    if (!done)
        result.error = QStringLiteral("the store did not answer in time");
    return result;
}

unsigned mode(const QString& path) {
    struct stat info {};
    return ::stat(QFile::encodeName(path).constData(), &info) == 0 ? unsigned(info.st_mode & 0777) : 0u;
}

bool servicesRequired() {
    return !qEnvironmentVariableIsEmpty("CI") || !qEnvironmentVariableIsEmpty("MR_REQUIRE_SERVICES");
}

} // namespace

class TestSecretStore final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fileRoundTripIs0600();
    void fileRefusesWiderPermissions();
    void fileAnswersLater();
    void keychainRoundTrip();
};

void TestSecretStore::fileRoundTripIs0600() {
    QTemporaryDir dir;
    mr::agent::FileSecretStore store(dir.path());
    const QByteArray secret("\x01\x02 secret \xff", 12);
    QVERIFY(await([&](auto cb) { store.read(QStringLiteral("k"), cb); }).notFound);
    QVERIFY(await([&](auto cb) { store.write(QStringLiteral("k"), secret, cb); }).ok);
    QCOMPARE(mode(store.filePath()), 0600u);
    const SecretResult read = await([&](auto cb) { store.read(QStringLiteral("k"), cb); });
    QVERIFY(read.ok);
    QCOMPARE(read.value, secret);
    // Another instance (a restarted agent) sees the same.
    mr::agent::FileSecretStore again(dir.path());
    QCOMPARE(await([&](auto cb) { again.read(QStringLiteral("k"), cb); }).value, secret);
    QVERIFY(await([&](auto cb) { store.remove(QStringLiteral("k"), cb); }).ok);
    QVERIFY(await([&](auto cb) { store.read(QStringLiteral("k"), cb); }).notFound);
    QCOMPARE(mode(store.filePath()), 0600u);
}

void TestSecretStore::fileRefusesWiderPermissions() {
    QTemporaryDir dir;
    mr::agent::FileSecretStore store(dir.path());
    QVERIFY(await([&](auto cb) { store.write(QStringLiteral("k"), "v", cb); }).ok);
    QVERIFY(::chmod(QFile::encodeName(store.filePath()).constData(), 0644) == 0);
    const SecretResult read = await([&](auto cb) { store.read(QStringLiteral("k"), cb); });
    QVERIFY(!read.ok);
    QVERIFY(read.value.isEmpty());
    QVERIFY2(read.error.contains(QStringLiteral("other users")), qPrintable(read.error));
    QVERIFY(!await([&](auto cb) { store.write(QStringLiteral("k2"), "v2", cb); }).ok);
    QCOMPARE(mode(store.filePath()), 0644u); // left alone, not silently "fixed"
}

void TestSecretStore::fileAnswersLater() {
    QTemporaryDir dir;
    mr::agent::FileSecretStore store(dir.path());
    bool answered = false;
    store.write(QStringLiteral("k"), "v", [&](const SecretResult&) { answered = true; });
    QVERIFY(!answered); // never from inside the call
    QTRY_VERIFY(answered);
}

void TestSecretStore::keychainRoundTrip() {
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS")) {
        if (servicesRequired())
            QFAIL("DBUS_SESSION_BUS_ADDRESS is not set, but MR_REQUIRE_SERVICES is: run under scripts/test");
        QSKIP("no D-Bus session: run the tests with scripts/test for a keychain");
    }
    const QString account = QUuid::createUuid().toString(QUuid::WithoutBraces);
    mr::agent::KeychainSecretStore store(QStringLiteral("http://127.0.0.1:9"), account);
    QCOMPARE(store.entryName(QStringLiteral("privateKey")),
             QStringLiteral("machine-runtime/http://127.0.0.1:9/") + account + QStringLiteral("/privateKey"));
    const QByteArray secret = QUuid::createUuid().toRfc4122() + QByteArray("\0\xff", 2);
    const SecretResult written = await([&](auto cb) { store.write(QStringLiteral("privateKey"), secret, cb); });
    QVERIFY2(written.ok, qPrintable(written.error));
    const SecretResult read = await([&](auto cb) { store.read(QStringLiteral("privateKey"), cb); });
    QVERIFY2(read.ok, qPrintable(read.error));
    QCOMPARE(read.value, secret);
    QVERIFY(await([&](auto cb) { store.remove(QStringLiteral("privateKey"), cb); }).ok);
    const SecretResult gone = await([&](auto cb) { store.read(QStringLiteral("privateKey"), cb); });
    QVERIFY(!gone.ok);
    QVERIFY(gone.notFound);
}

QTEST_GUILESS_MAIN(TestSecretStore)
#include "tst_secret_store.moc"
