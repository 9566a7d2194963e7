// Smoke tests of the three programs as a user or a script calls them (API.md, Command lines).
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include <csignal>

class TestPrograms : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void version_data();
    void version();
    void unknownOption_data();
    void unknownOption();
    void help_data();
    void help();
    void serveAnswersHealthzAndStopsOnSigterm();
    void serveRefusesABadListenAddress();
    void demoIsIdempotentAndPrintsTheSignIn();

private:
    static void addPrograms();
};

static QString program(const char* variable) {
    return QString::fromLocal8Bit(qgetenv(variable));
}

void TestPrograms::addPrograms() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("name");
    QTest::newRow("orchestrator") << program("MR_ORCHESTRATOR_BIN") << QStringLiteral("orchestrator");
    QTest::newRow("machine-runtime-agent") << program("MR_AGENT_BIN") << QStringLiteral("machine-runtime-agent");
    if (!program("MR_APP_BIN").isEmpty())
        QTest::newRow("machine-runtime") << program("MR_APP_BIN") << QStringLiteral("machine-runtime");
}

struct Result {
    int exitCode = -1;
    QString out;
    QString err;
};

static Result runProgram(const QString& path, const QStringList& args) {
    QProcess p;
    p.start(path, args);
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

void TestPrograms::version_data() {
    addPrograms();
}

void TestPrograms::version() {
    QFETCH(QString, path);
    QFETCH(QString, name);
    const Result r = runProgram(path, {QStringLiteral("--version")});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out.trimmed(), name + QLatin1Char(' ') + QStringLiteral(MR_VERSION));
}

void TestPrograms::unknownOption_data() {
    addPrograms();
}

void TestPrograms::unknownOption() {
    QFETCH(QString, path);
    QFETCH(QString, name);
    const Result r = runProgram(path, {QStringLiteral("--no-such-option")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QLatin1String("no-such-option")), qPrintable(r.err));
    QVERIFY(r.out.isEmpty());
}

void TestPrograms::help_data() {
    addPrograms();
}

void TestPrograms::help() {
    QFETCH(QString, path);
    QFETCH(QString, name);
    const Result r = runProgram(path, {QStringLiteral("--help")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(QLatin1String("--version")), qPrintable(r.out));
}

void TestPrograms::serveAnswersHealthzAndStopsOnSigterm() {
    const QString dir = QString::fromLocal8Bit(qgetenv("MR_TEST_SCRATCH"));
    QVERIFY(!dir.isEmpty());
    QProcess serve;
    serve.start(program("MR_ORCHESTRATOR_BIN"),
                {QStringLiteral("serve"), QStringLiteral("--database"), dir + QStringLiteral("/o.db"),
                 QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")});
    QVERIFY(serve.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(serve.canReadLine(), 30000);
    const QString first = QString::fromUtf8(serve.readLine()).trimmed();
    const QRegularExpressionMatch m =
        QRegularExpression(QStringLiteral("^listening on (http://127\\.0\\.0\\.1:(\\d+))$")).match(first);
    QVERIFY2(m.hasMatch(), qPrintable(first));
    QVERIFY(m.captured(2).toInt() > 0);

    QNetworkAccessManager nam;
    QNetworkReply* reply = nam.get(QNetworkRequest(QUrl(m.captured(1) + QStringLiteral("/healthz"))));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    QVERIFY(finished.wait(10000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    reply->deleteLater();

    ::kill(pid_t(serve.processId()), SIGTERM);
    QVERIFY(serve.waitForFinished(15000));
    QCOMPARE(serve.exitStatus(), QProcess::NormalExit);
    QCOMPARE(serve.exitCode(), 0);
    QCOMPARE(serve.readAllStandardOutput().trimmed(), QByteArray()); // nothing after the first line
}

void TestPrograms::serveRefusesABadListenAddress() {
    const Result r = runProgram(program("MR_ORCHESTRATOR_BIN"),
                                {QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("nonsense")});
    QVERIFY(r.exitCode != 0);
    QVERIFY2(r.err.contains(QLatin1String("HOST:PORT")), qPrintable(r.err));
}

void TestPrograms::demoIsIdempotentAndPrintsTheSignIn() {
    const QString db = QString::fromLocal8Bit(qgetenv("MR_TEST_SCRATCH")) + QStringLiteral("/demo.db");
    const QStringList args{QStringLiteral("demo"), QStringLiteral("--database"), db};
    const Result first = runProgram(program("MR_ORCHESTRATOR_BIN"), args);
    QVERIFY2(first.exitCode == 0, qPrintable(first.err));
    QVERIFY(first.out.contains(QLatin1String("maker / demo-maker-pw")));
    QVERIFY(first.out.contains(QLatin1String("Flows: Hello")));
    const Result second = runProgram(program("MR_ORCHESTRATOR_BIN"), args);
    QCOMPARE(second.exitCode, 0);
    QCOMPARE(second.out, first.out); // nothing new: the same environment, users, group and flows
    // The same users still sign in: a token for the demo maker can be made.
    const Result token =
        runProgram(program("MR_ORCHESTRATOR_BIN"), {QStringLiteral("user"), QStringLiteral("token"),
                                                    QStringLiteral("maker"), QStringLiteral("--database"), db});
    QCOMPARE(token.exitCode, 0);
    QVERIFY(token.out.trimmed().section(QLatin1Char('\n'), -1).startsWith(QLatin1String("mrp_")));
}

QTEST_GUILESS_MAIN(TestPrograms)
#include "tst_programs.moc"
