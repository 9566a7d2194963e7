// Proves that scripts/test gives the tests a real Secret Service (gnome-keyring on a private
// D-Bus session) that QtKeychain can write to, read from and delete from, with no plaintext
// fallback. The secret store of the desktop app depends on exactly this.
#include <QSignalSpy>
#include <QTest>
#include <QUuid>

#include <memory>

#include <qt6keychain/keychain.h>

namespace {

constexpr int JobTimeoutMs = 20000;

bool servicesRequired() {
    return !qEnvironmentVariableIsEmpty("CI") || !qEnvironmentVariableIsEmpty("MR_REQUIRE_SERVICES");
}

// Starts the job and waits for its finished() signal; returns false on timeout.
bool runJob(QKeychain::Job& job) {
    QSignalSpy finished(&job, &QKeychain::Job::finished);
    job.start();
    return !finished.isEmpty() || finished.wait(JobTimeoutMs);
}

template <typename JobType>
std::unique_ptr<JobType> makeJob(const QString& service, const QString& key) {
    auto job = std::make_unique<JobType>(service);
    job->setAutoDelete(false);
    job->setInsecureFallback(false);
    job->setKey(key);
    return job;
}

} // namespace

class TestKeychainHarness final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void writesReadsAndDeletesASecret();

private:
    const QString m_service = QStringLiteral("machine-runtime-harness-test");
};

void TestKeychainHarness::initTestCase() {
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS")) {
        if (servicesRequired())
            QFAIL("DBUS_SESSION_BUS_ADDRESS is not set, but CI or MR_REQUIRE_SERVICES is: scripts/test must run "
                  "the tests in a D-Bus session with an unlocked gnome-keyring.");
        QSKIP("DBUS_SESSION_BUS_ADDRESS is not set: no Secret Service to test against. Run the tests with "
              "scripts/test (or scripts/test --services-only CMD) to get one.");
    }
}

void TestKeychainHarness::writesReadsAndDeletesASecret() {
    // A fresh key each run, so a leftover from an aborted run cannot make the test pass.
    const QString key = QStringLiteral("harness/") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QString secret = QStringLiteral("s3cret – ") + QUuid::createUuid().toString(QUuid::WithoutBraces);

    auto write = makeJob<QKeychain::WritePasswordJob>(m_service, key);
    write->setTextData(secret);
    QVERIFY2(runJob(*write), "writing to the keychain did not finish in time");
    QVERIFY2(write->error() == QKeychain::NoError, qPrintable(QStringLiteral("write failed: ") + write->errorString()));

    auto read = makeJob<QKeychain::ReadPasswordJob>(m_service, key);
    QVERIFY2(runJob(*read), "reading from the keychain did not finish in time");
    QVERIFY2(read->error() == QKeychain::NoError, qPrintable(QStringLiteral("read failed: ") + read->errorString()));
    QCOMPARE(read->textData(), secret);

    auto remove = makeJob<QKeychain::DeletePasswordJob>(m_service, key);
    QVERIFY2(runJob(*remove), "deleting from the keychain did not finish in time");
    QVERIFY2(remove->error() == QKeychain::NoError,
             qPrintable(QStringLiteral("delete failed: ") + remove->errorString()));

    auto readAgain = makeJob<QKeychain::ReadPasswordJob>(m_service, key);
    QVERIFY2(runJob(*readAgain), "reading a deleted entry did not finish in time");
    QCOMPARE(readAgain->error(), QKeychain::EntryNotFound);
    QVERIFY(readAgain->textData().isEmpty());
}

QTEST_GUILESS_MAIN(TestKeychainHarness)
#include "tst_keychain_harness.moc"
