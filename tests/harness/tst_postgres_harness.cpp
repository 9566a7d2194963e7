// Proves that scripts/test gives the tests a real, writable PostgreSQL server through
// MR_TEST_POSTGRES_URL, reachable with the Qt driver the orchestrator uses (QPSQL).
#include <QByteArray>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QUrl>
#include <QUuid>

namespace {

// A missing service is a skip on a developer's machine but a failure where it must exist.
bool servicesRequired() {
    return !qEnvironmentVariableIsEmpty("CI") || !qEnvironmentVariableIsEmpty("MR_REQUIRE_SERVICES");
}

} // namespace

class TestPostgresHarness final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void roundTripsARowWithBoundValues();

private:
    QString m_connectionName;
};

void TestPostgresHarness::initTestCase() {
    const QString url = qEnvironmentVariable("MR_TEST_POSTGRES_URL");
    if (url.isEmpty()) {
        if (servicesRequired())
            QFAIL("MR_TEST_POSTGRES_URL is not set, but CI or MR_REQUIRE_SERVICES is: scripts/test must start "
                  "a PostgreSQL cluster for the tests.");
        QSKIP("MR_TEST_POSTGRES_URL is not set: no PostgreSQL server to test against. Run the tests with "
              "scripts/test (or scripts/test --services-only CMD) to get one.");
    }
    QVERIFY2(QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")),
             "The Qt PostgreSQL driver (QPSQL, Debian package libqt6sql6-psql) is not installed.");

    const QUrl parsed(url, QUrl::StrictMode);
    QVERIFY2(parsed.isValid(),
             qPrintable(QStringLiteral("MR_TEST_POSTGRES_URL is not a valid URL: ") + parsed.errorString()));
    QVERIFY2(parsed.scheme() == QLatin1String("postgresql") || parsed.scheme() == QLatin1String("postgres"),
             "MR_TEST_POSTGRES_URL must start with postgresql://");

    m_connectionName = QStringLiteral("harness-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_connectionName);
    db.setHostName(parsed.host());
    db.setPort(parsed.port(5432));
    db.setUserName(parsed.userName(QUrl::FullyDecoded));
    db.setPassword(parsed.password(QUrl::FullyDecoded));
    db.setDatabaseName(parsed.path(QUrl::FullyDecoded).mid(1));
    db.setConnectOptions(QStringLiteral("connect_timeout=10"));
    QVERIFY2(db.open(),
             qPrintable(QStringLiteral("Cannot connect to PostgreSQL at ") + parsed.host() + QLatin1Char(':') +
                        QString::number(parsed.port(5432)) + QStringLiteral(": ") + db.lastError().text()));
}

void TestPostgresHarness::cleanupTestCase() {
    if (m_connectionName.isEmpty())
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

void TestPostgresHarness::roundTripsARowWithBoundValues() {
    QSqlDatabase db = QSqlDatabase::database(m_connectionName);
    QVERIFY(db.isOpen());

    QSqlQuery query(db);
    QVERIFY2(query.exec(QStringLiteral("CREATE TEMP TABLE harness_rows (id uuid PRIMARY KEY, name text NOT NULL, "
                                       "payload bytea NOT NULL, amount bigint NOT NULL)")),
             qPrintable(query.lastError().text()));

    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    // Non-ASCII text, a quote and binary bytes with a NUL: bound values must survive unchanged.
    const QString name = QStringLiteral("Zoë's machine — 機械");
    const QByteArray payload("\x00\x01\xff'\"\\binary", 13);
    const qint64 amount = Q_INT64_C(9007199254740993);

    QVERIFY(query.prepare(QStringLiteral("INSERT INTO harness_rows (id, name, payload, amount) "
                                         "VALUES (CAST(:id AS uuid), :name, :payload, :amount)")));
    query.bindValue(QStringLiteral(":id"), id);
    query.bindValue(QStringLiteral(":name"), name);
    query.bindValue(QStringLiteral(":payload"), payload);
    query.bindValue(QStringLiteral(":amount"), amount);
    QVERIFY2(query.exec(), qPrintable(query.lastError().text()));
    QCOMPARE(query.numRowsAffected(), 1);

    QVERIFY(
        query.prepare(QStringLiteral("SELECT name, payload, amount FROM harness_rows WHERE id = CAST(:id AS uuid)")));
    query.bindValue(QStringLiteral(":id"), id);
    QVERIFY2(query.exec(), qPrintable(query.lastError().text()));
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toString(), name);
    QCOMPARE(query.value(1).toByteArray(), payload);
    QCOMPARE(query.value(2).toLongLong(), amount);
    QVERIFY(!query.next());

    // The server really is PostgreSQL, not something that merely accepts the driver.
    QVERIFY(query.exec(QStringLiteral("SELECT current_setting('server_version_num')::int")));
    QVERIFY(query.next());
    QVERIFY2(query.value(0).toInt() >= 150000, "the test cluster should be PostgreSQL 15 or newer");
}

QTEST_GUILESS_MAIN(TestPostgresHarness)
#include "tst_postgres_harness.moc"
