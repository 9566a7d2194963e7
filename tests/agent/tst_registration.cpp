// `machine-runtime-agent register / run / unregister` against the REAL orchestrator binary on
// loopback: registration and its refusals, the machine token exchange (and a cloned
// installation being refused), the agent coming online over the WebSocket, SIGTERM.
#include "agent/FileSecretStore.h"
#include "agent/Identity.h"
#include "agent/Registration.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkInterface>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using mr::agent::Identity;
using mr::agent::IdentityRecord;

namespace {

const QByteArray kPassword = "correct horse battery";

struct ProcResult {
    int exitCode = -1;
    QString out;
    QString err;
};

ProcResult runProgram(const QString& program, const QStringList& args, const QByteArray& input = {},
                      int timeoutMs = 60000) {
    QProcess p;
    p.start(program, args);
    if (!p.waitForStarted(10000))
        return {};
    p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {-2, QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -3, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

struct Http {
    int status = 0;
    QByteArray body;
    QJsonObject object() const { return QJsonDocument::fromJson(body).object(); }
    QJsonArray array() const { return QJsonDocument::fromJson(body).array(); }
    QString errorCode() const {
        return object().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
    }
};

} // namespace

class TestRegistration final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void registersAndShowsUp();
    void refusesWithoutTheRole();
    void refusesATakenName();
    void refusesBadServers();
    void plainHttpToAnotherComputerOnlyWhenConfirmed();
    void machineTokenExchange();
    void runComesOnlineAndStopsOnSigterm();
    void runExecutesAnUnattendedFlow();
    void sigtermCancelsALongRunAndReportsIt();
    void killedAgentReportsItsRunLostOnRestart();
    void runRefusesAClonedInstallation();
    void unregisterForgetsTheIdentity();
    void runStopsWhenTheMachineIsDeleted();

private:
    ProcResult orchestrator(const QStringList& args, const QByteArray& input = {}) {
        return runProgram(m_orchestratorBin, args + QStringList{QStringLiteral("--database"), m_db}, input);
    }
    ProcResult agent(const QStringList& args, const QByteArray& input = {}, int timeoutMs = 60000) {
        return runProgram(m_agentBin, args, input, timeoutMs);
    }
    QString token(const QString& user) {
        const ProcResult r = orchestrator({QStringLiteral("user"), QStringLiteral("token"), user});
        return r.out.trimmed().split(QLatin1Char('\n')).last().trimmed();
    }
    Http request(const QByteArray& method, const QString& path, const QByteArray& body = {}, const QString& bearer = {},
                 const QByteArray& contentType = {}) {
        QNetworkRequest req(QUrl(m_url + path));
        if (!bearer.isEmpty())
            req.setRawHeader("Authorization", "Bearer " + bearer.toLatin1());
        if (!contentType.isEmpty())
            req.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
        QNetworkReply* reply = m_nam.sendCustomRequest(req, method, body);
        QDeadlineTimer deadline(20000);
        while (!reply->isFinished() && !deadline.hasExpired())
            QTest::qWait(10);
        Http r{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
        reply->deleteLater();
        return r;
    }
    QString registerArgs(QStringList* args, const QString& name, const QString& stateDir) {
        *args = {QStringLiteral("register"),
                 QStringLiteral("--server"),
                 m_url,
                 QStringLiteral("--environment"),
                 QStringLiteral("sales"),
                 QStringLiteral("--name"),
                 name,
                 QStringLiteral("--token-stdin"),
                 QStringLiteral("--state-dir"),
                 stateDir};
        return stateDir;
    }
    Http tokenFor(const QString& stateDir, const QString& installIdOverride = {});

    QTemporaryDir m_dir;
    QString m_db;
    QString m_orchestratorBin = qEnvironmentVariable("MR_ORCHESTRATOR_BIN");
    QString m_agentBin = qEnvironmentVariable("MR_AGENT_BIN");
    QProcess m_server;
    QString m_url;
    QString m_makerToken;
    QString m_memberToken;
    QString m_environmentId;
    QString m_machineId;
    QString m_stateDir;
    QString m_connectionId;
    QNetworkAccessManager m_nam;
};

void TestRegistration::initTestCase() {
    QVERIFY2(!m_orchestratorBin.isEmpty() && !m_agentBin.isEmpty(), "MR_ORCHESTRATOR_BIN and MR_AGENT_BIN are needed");
    qputenv("MR_FAST_PASSWORD_HASH", "1");
    m_db = m_dir.filePath(QStringLiteral("o.db"));
    m_stateDir = m_dir.filePath(QStringLiteral("agent"));
    m_server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_server.start(m_orchestratorBin,
                   {QStringLiteral("serve"), QStringLiteral("--database"), m_db, QStringLiteral("--listen"),
                    QStringLiteral("127.0.0.1:0"), QStringLiteral("--heartbeat"), QStringLiteral("2")});
    QVERIFY(m_server.waitForStarted(10000));
    QDeadlineTimer deadline(30000);
    while (!m_server.canReadLine() && !deadline.hasExpired())
        m_server.waitForReadyRead(200);
    const QString line = QString::fromUtf8(m_server.readLine()).trimmed();
    QVERIFY2(line.startsWith(QLatin1String("listening on http://")), qPrintable(line));
    m_url = line.mid(QStringLiteral("listening on ").size());

    QCOMPARE(orchestrator({QStringLiteral("user"), QStringLiteral("add"), QStringLiteral("maker")}, kPassword + '\n')
                 .exitCode,
             0);
    QCOMPARE(orchestrator({QStringLiteral("user"), QStringLiteral("add"), QStringLiteral("member")}, kPassword + '\n')
                 .exitCode,
             0);
    QCOMPARE(orchestrator({QStringLiteral("env"), QStringLiteral("add"), QStringLiteral("Sales")}).exitCode, 0);
    QCOMPARE(orchestrator({QStringLiteral("env"), QStringLiteral("grant"), QStringLiteral("Sales"),
                           QStringLiteral("maker"), QStringLiteral("EnvironmentMaker")})
                 .exitCode,
             0);
    QCOMPARE(orchestrator({QStringLiteral("env"), QStringLiteral("grant"), QStringLiteral("Sales"),
                           QStringLiteral("member"), QStringLiteral("MachineUser")})
                 .exitCode,
             0);
    m_makerToken = token(QStringLiteral("maker"));
    m_memberToken = token(QStringLiteral("member"));
    QVERIFY(!m_makerToken.isEmpty() && !m_memberToken.isEmpty());
    const Http envs = request("GET", QStringLiteral("/api/v1/environments"), {}, m_makerToken);
    QCOMPARE(envs.status, 200);
    m_environmentId = envs.array().first().toObject().value(QStringLiteral("id")).toString();
}

void TestRegistration::cleanupTestCase() {
    if (m_server.state() != QProcess::NotRunning) {
        m_server.terminate();
        if (!m_server.waitForFinished(15000))
            m_server.kill();
    }
}

void TestRegistration::registersAndShowsUp() {
    QStringList args;
    registerArgs(&args, QStringLiteral("pc-1"), m_stateDir);
    args << QStringLiteral("--description") << QStringLiteral("front desk");
    const ProcResult r = agent(args, m_makerToken.toLatin1() + '\n');
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains(QLatin1String("Registered pc-1 in Sales (id ")), qPrintable(r.out));
    QVERIFY2(!r.err.contains(m_makerToken) && !r.out.contains(m_makerToken), "the token reached the output");

    QString error;
    const auto record = IdentityRecord::load(m_stateDir, &error);
    QVERIFY2(record, qPrintable(error));
    m_machineId = record->machineId;
    QVERIFY(r.out.contains(m_machineId));

    const Http list =
        request("GET", QStringLiteral("/api/v1/environments/%1/machines").arg(m_environmentId), {}, m_makerToken);
    QCOMPARE(list.status, 200);
    QJsonObject machine;
    for (const QJsonValue& v : list.array())
        if (v.toObject().value(QStringLiteral("id")).toString() == m_machineId)
            machine = v.toObject();
    QCOMPARE(machine.value(QStringLiteral("name")).toString(), QStringLiteral("pc-1"));
    QCOMPARE(machine.value(QStringLiteral("description")).toString(), QStringLiteral("front desk"));
    QCOMPARE(machine.value(QStringLiteral("version")).toString(), QStringLiteral(MR_VERSION));
    QVERIFY(!machine.value(QStringLiteral("os")).toString().isEmpty());

    // The fingerprint the orchestrator bound is this installation's.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("peek"));
        db.setDatabaseName(m_db);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(
            q.exec(QStringLiteral("SELECT fingerprint, public_key FROM machines WHERE id = '%1'").arg(m_machineId)));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toString(), Identity::fingerprint(record->installId));
        QCOMPARE(QByteArray::fromBase64(q.value(1).toString().toLatin1()).size(), 32);
    }
    QSqlDatabase::removeDatabase(QStringLiteral("peek"));

    // The private key is in the 0600 secrets file, nowhere else in the state folder.
    QVERIFY(QFile::exists(m_stateDir + QStringLiteral("/secrets.json")));
    QFile identityFile(IdentityRecord::filePath(m_stateDir));
    QVERIFY(identityFile.open(QIODevice::ReadOnly));
    QVERIFY(!identityFile.readAll().contains("privateKey"));
}

void TestRegistration::refusesWithoutTheRole() {
    QStringList args;
    registerArgs(&args, QStringLiteral("pc-member"), m_dir.filePath(QStringLiteral("member")));
    const ProcResult r = agent(args, m_memberToken.toLatin1() + '\n');
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains(QLatin1String("EnvironmentMaker")) || r.err.contains(QLatin1String("MachineOwner")),
             qPrintable(r.err));
    QVERIFY(!QFile::exists(IdentityRecord::filePath(m_dir.filePath(QStringLiteral("member")))));

    const ProcResult bad = agent(args, "not-a-token\n");
    QCOMPARE(bad.exitCode, 3);
}

void TestRegistration::refusesATakenName() {
    QStringList args;
    registerArgs(&args, QStringLiteral("PC-1"), m_dir.filePath(QStringLiteral("second")));
    const ProcResult r = agent(args, m_makerToken.toLatin1() + '\n');
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QLatin1String("already exists in Sales")), qPrintable(r.err));
}

void TestRegistration::refusesBadServers() {
    const QString dir = m_dir.filePath(QStringLiteral("bad"));
    const ProcResult unreachable =
        agent({QStringLiteral("register"), QStringLiteral("--server"), QStringLiteral("http://127.0.0.1:1"),
               QStringLiteral("--environment"), QStringLiteral("Sales"), QStringLiteral("--name"), QStringLiteral("x"),
               QStringLiteral("--token-stdin"), QStringLiteral("--state-dir"), dir},
              "t\n");
    QCOMPARE(unreachable.exitCode, 4);
    QVERIFY2(unreachable.err.contains(QLatin1String("cannot reach the server at http://127.0.0.1:1")),
             qPrintable(unreachable.err));
    const ProcResult plain = agent({QStringLiteral("register"), QStringLiteral("--server"),
                                    QStringLiteral("http://orchestrator.example.com"), QStringLiteral("--environment"),
                                    QStringLiteral("Sales"), QStringLiteral("--name"), QStringLiteral("x"),
                                    QStringLiteral("--token-stdin"), QStringLiteral("--state-dir"), dir},
                                   "t\n");
    QCOMPARE(plain.exitCode, 2);
    QVERIFY2(plain.err.contains(QLatin1String("https://")), qPrintable(plain.err));
    const ProcResult notRegistered = agent({QStringLiteral("run"), QStringLiteral("--state-dir"), dir});
    QCOMPARE(notRegistered.exitCode, 2);
    QVERIFY(notRegistered.err.contains(QLatin1String("not registered: run machine-runtime-agent register first")));
}

// The app's sign-in warns about plain http:// to another computer and lets the user go on;
// its registration then goes on too. The command line never does.
void TestRegistration::plainHttpToAnotherComputerOnlyWhenConfirmed() {
    QHostAddress own;
    for (const QHostAddress& a : QNetworkInterface::allAddresses())
        if (!a.isLoopback() && a.protocol() == QAbstractSocket::IPv4Protocol)
            own = a;
    if (own.isNull())
        QSKIP("this machine has no non-loopback IPv4 address");
    const auto attempt = [&](bool allowInsecure) {
        mr::agent::Registration::Request request;
        request.server = QUrl(QStringLiteral("http://%1:1").arg(own.toString())); // nothing listens there
        request.environment = QStringLiteral("Sales");
        request.name = QStringLiteral("x");
        request.userToken = QStringLiteral("t");
        request.stateDir = m_dir.filePath(QStringLiteral("insecure"));
        request.allowInsecure = allowInsecure;
        mr::agent::FileSecretStore secrets(request.stateDir);
        mr::agent::Registration registration(request, secrets);
        QSignalSpy finished(&registration, &mr::agent::Registration::finished);
        registration.start();
        if (finished.isEmpty() && !finished.wait(20000))
            return -1;
        return finished.first().first().toInt();
    };
    QCOMPARE(attempt(false), 2); // refused before any request
    QCOMPARE(attempt(true), 4);  // tried: nothing answers on that port
}

Http TestRegistration::tokenFor(const QString& stateDir, const QString& installIdOverride) {
    QString error;
    const auto record = IdentityRecord::load(stateDir, &error);
    if (!record)
        return {};
    mr::agent::FileSecretStore store(stateDir);
    QByteArray key;
    bool done = false;
    store.read(mr::agent::SecretKey::PrivateKey, [&](const mr::agent::SecretResult& r) {
        key = r.value;
        done = true;
    });
    QDeadlineTimer deadline(5000);
    while (!done && !deadline.hasExpired())
        QTest::qWait(5);
    const QString installId = installIdOverride.isEmpty() ? record->installId : installIdOverride;
    const auto identity = Identity::fromSecretKey(key, Identity::fingerprint(installId));
    if (!identity)
        return {};
    QUrlQuery form;
    form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("client_credentials"));
    form.addQueryItem(QStringLiteral("client_assertion_type"),
                      QStringLiteral("urn:ietf:params:oauth:client-assertion-type:jwt-bearer"));
    form.addQueryItem(QStringLiteral("client_assertion"),
                      QString::fromLatin1(identity->signAssertion(
                          record->machineId, m_url + QStringLiteral("/oauth/token"), QDateTime::currentDateTimeUtc())));
    form.addQueryItem(QStringLiteral("client_id"), record->machineId);
    return request("POST", QStringLiteral("/oauth/token"), form.toString(QUrl::FullyEncoded).toLatin1(), {},
                   "application/x-www-form-urlencoded");
}

void TestRegistration::machineTokenExchange() {
    const Http ok = tokenFor(m_stateDir);
    QVERIFY2(ok.status == 200, ok.body.constData());
    QVERIFY(!ok.object().value(QStringLiteral("access_token")).toString().isEmpty());
    const Http cloned = tokenFor(m_stateDir, Identity::newInstallId());
    QCOMPARE(cloned.status, 401);
    QCOMPARE(cloned.errorCode(), QStringLiteral("MachineIdentityMismatch"));
}

void TestRegistration::runComesOnlineAndStopsOnSigterm() {
    QProcess run;
    run.setProcessChannelMode(QProcess::SeparateChannels);
    run.start(m_agentBin, {QStringLiteral("run"), QStringLiteral("--state-dir"), m_stateDir,
                           QStringLiteral("--session-source"), QStringLiteral("static:alice:active")});
    QVERIFY(run.waitForStarted(10000));
    QString status;
    QJsonArray sessions;
    QDeadlineTimer deadline(30000);
    while (!deadline.hasExpired() && run.state() == QProcess::Running) {
        const Http m = request("GET", QStringLiteral("/api/v1/machines/%1").arg(m_machineId), {}, m_makerToken);
        status = m.object().value(QStringLiteral("status")).toString();
        sessions = m.object().value(QStringLiteral("sessions")).toArray();
        if (status == QLatin1String("online") && !sessions.isEmpty())
            break;
        QTest::qWait(300);
    }
    const QString log = QString::fromUtf8(run.readAllStandardError());
    QVERIFY2(status == QLatin1String("online"),
             qPrintable(QStringLiteral("status %1; agent log:\n%2").arg(status, log)));
    QCOMPARE(sessions.first().toObject().value(QStringLiteral("user")).toString(), QStringLiteral("alice"));
    QCOMPARE(sessions.first().toObject().value(QStringLiteral("state")).toString(), QStringLiteral("active"));
    run.terminate(); // SIGTERM
    QVERIFY(run.waitForFinished(20000));
    QCOMPARE(run.exitStatus(), QProcess::NormalExit);
    QCOMPARE(run.exitCode(), 0);
    const QString all = log + QString::fromUtf8(run.readAllStandardError());
    QVERIFY2(all.contains(QLatin1String("mr.agent.channel")), qPrintable(all));
    QVERIFY(!all.contains(m_makerToken));
    QVERIFY(!all.contains(QLatin1String("eyJ"))); // no JWT (token or assertion) in the log
}

void TestRegistration::runExecutesAnUnattendedFlow() {
    // alice's locked session does not block an unattended run for another user (R20).
    QProcess run;
    run.start(m_agentBin, {QStringLiteral("run"), QStringLiteral("--state-dir"), m_stateDir,
                           QStringLiteral("--session-source"), QStringLiteral("static:alice:locked")});
    QVERIFY(run.waitForStarted(10000));
    const Http flow = request(
        "POST", QStringLiteral("/api/v1/environments/%1/flows").arg(m_environmentId),
        QJsonDocument(
            QJsonObject{
                {QStringLiteral("name"), QStringLiteral("greet")},
                {QStringLiteral("description"), QString()},
                {QStringLiteral("script"),
                 QStringLiteral("log('hello ' + inputs.who); outputs.greeting = 'hi ' + inputs.who;")},
                {QStringLiteral("inputs"), QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("who")},
                                                                  {QStringLiteral("type"), QStringLiteral("text")}}}},
                {QStringLiteral("outputs"), QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("greeting")},
                                                                   {QStringLiteral("type"), QStringLiteral("text")}}}}})
            .toJson(),
        m_makerToken, "application/json");
    QVERIFY2(flow.status == 201, flow.body.constData());
    const Http connection = request(
        "POST", QStringLiteral("/api/v1/environments/%1/connections").arg(m_environmentId),
        QJsonDocument(QJsonObject{{QStringLiteral("name"), QStringLiteral("bot")},
                                  {QStringLiteral("target"), QJsonObject{{QStringLiteral("machineId"), m_machineId}}},
                                  {QStringLiteral("kind"), QStringLiteral("password")},
                                  {QStringLiteral("username"), QStringLiteral("bot")},
                                  {QStringLiteral("password"), QStringLiteral("bot-password-1")}})
            .toJson(),
        m_makerToken, "application/json");
    QVERIFY2(connection.status == 201, connection.body.constData());
    m_connectionId = connection.object().value(QStringLiteral("id")).toString();
    const Http queued = request(
        "POST", QStringLiteral("/api/v1/environments/%1/runs").arg(m_environmentId),
        QJsonDocument(
            QJsonObject{{QStringLiteral("flowId"), flow.object().value(QStringLiteral("id"))},
                        {QStringLiteral("connectionId"), connection.object().value(QStringLiteral("id"))},
                        {QStringLiteral("runMode"), QStringLiteral("unattended")},
                        {QStringLiteral("priority"), QStringLiteral("normal")},
                        {QStringLiteral("inputs"), QJsonObject{{QStringLiteral("who"), QStringLiteral("world")}}}})
            .toJson(),
        m_makerToken, "application/json");
    QVERIFY2(queued.status == 202, queued.body.constData());
    const QString runId = queued.object().value(QStringLiteral("id")).toString();
    QJsonObject state;
    QDeadlineTimer deadline(60000);
    while (!deadline.hasExpired()) {
        state = request("GET", QStringLiteral("/api/v1/runs/%1").arg(runId), {}, m_makerToken).object();
        const QString status = state.value(QStringLiteral("status")).toString();
        if (status == QLatin1String("Succeeded") || status == QLatin1String("Failed") ||
            status == QLatin1String("Cancelled"))
            break;
        QTest::qWait(200);
    }
    const QString log = QString::fromUtf8(run.readAllStandardError());
    QVERIFY2(state.value(QStringLiteral("status")).toString() == QLatin1String("Succeeded"),
             qPrintable(QString::fromUtf8(QJsonDocument(state).toJson()) + log));
    QCOMPARE(state.value(QStringLiteral("machineId")).toString(), m_machineId);
    QCOMPARE(state.value(QStringLiteral("outputs")).toObject().value(QStringLiteral("greeting")).toString(),
             QStringLiteral("hi world"));
    const Http lines = request("GET", QStringLiteral("/api/v1/runs/%1/log").arg(runId), {}, m_makerToken);
    QCOMPARE(lines.status, 200);
    bool found = false;
    for (const QJsonValue& v : lines.array())
        found = found || v.toObject().value(QStringLiteral("text")).toString().contains(QLatin1String("hello world"));
    QVERIFY2(found, lines.body.constData());
    run.terminate();
    QVERIFY(run.waitForFinished(20000));
    QCOMPARE(run.exitCode(), 0);
    const QString all = log + QString::fromUtf8(run.readAllStandardError());
    QVERIFY(!all.contains(QLatin1String("bot-password-1")));
}

void TestRegistration::sigtermCancelsALongRunAndReportsIt() {
    QVERIFY(!m_connectionId.isEmpty());
    const Http flow =
        request("POST", QStringLiteral("/api/v1/environments/%1/flows").arg(m_environmentId),
                QJsonDocument(QJsonObject{{QStringLiteral("name"), QStringLiteral("slow")},
                                          {QStringLiteral("description"), QString()},
                                          {QStringLiteral("script"), QStringLiteral("log('started'); wait(60);")},
                                          {QStringLiteral("inputs"), QJsonArray()},
                                          {QStringLiteral("outputs"), QJsonArray()}})
                    .toJson(),
                m_makerToken, "application/json");
    QVERIFY2(flow.status == 201, flow.body.constData());
    QProcess run;
    run.start(m_agentBin, {QStringLiteral("run"), QStringLiteral("--state-dir"), m_stateDir,
                           QStringLiteral("--session-source"), QStringLiteral("static:alice:locked")});
    QVERIFY(run.waitForStarted(10000));
    const Http queued =
        request("POST", QStringLiteral("/api/v1/environments/%1/runs").arg(m_environmentId),
                QJsonDocument(QJsonObject{{QStringLiteral("flowId"), flow.object().value(QStringLiteral("id"))},
                                          {QStringLiteral("connectionId"), m_connectionId},
                                          {QStringLiteral("runMode"), QStringLiteral("unattended")},
                                          {QStringLiteral("priority"), QStringLiteral("normal")},
                                          {QStringLiteral("inputs"), QJsonObject()}})
                    .toJson(),
                m_makerToken, "application/json");
    QVERIFY2(queued.status == 202, queued.body.constData());
    const QString path = QStringLiteral("/api/v1/runs/%1").arg(queued.object().value(QStringLiteral("id")).toString());
    QDeadlineTimer running(30000);
    while (!running.hasExpired() &&
           request("GET", path, {}, m_makerToken).object().value(QStringLiteral("status")) != QStringLiteral("Running"))
        QTest::qWait(100);
    QCOMPARE(request("GET", path, {}, m_makerToken).object().value(QStringLiteral("status")).toString(),
             QStringLiteral("Running"));
    QElapsedTimer stopping;
    stopping.start();
    run.terminate(); // SIGTERM: the flow gets 10 s, then it is cancelled and reported
    QVERIFY(run.waitForFinished(30000));
    const QString log = QString::fromUtf8(run.readAllStandardError());
    QVERIFY2(run.exitStatus() == QProcess::NormalExit && run.exitCode() == 0, qPrintable(log));
    QVERIFY2(stopping.elapsed() >= 9000, qPrintable(log));
    const QJsonObject state = request("GET", path, {}, m_makerToken).object();
    QVERIFY2(state.value(QStringLiteral("status")) == QStringLiteral("Cancelled"),
             qPrintable(QString::fromUtf8(QJsonDocument(state).toJson()) + log));
}

void TestRegistration::killedAgentReportsItsRunLostOnRestart() {
    const QStringList runArgs{QStringLiteral("run"), QStringLiteral("--state-dir"), m_stateDir,
                              QStringLiteral("--session-source"), QStringLiteral("static:alice:locked")};
    QProcess run;
    run.start(m_agentBin, runArgs);
    QVERIFY(run.waitForStarted(10000));
    const Http flows =
        request("GET", QStringLiteral("/api/v1/environments/%1/flows").arg(m_environmentId), {}, m_makerToken);
    QString slowId;
    for (const QJsonValue& v : flows.array())
        if (v.toObject().value(QStringLiteral("name")) == QStringLiteral("slow"))
            slowId = v.toObject().value(QStringLiteral("id")).toString();
    QVERIFY(!slowId.isEmpty());
    const Http queued = request("POST", QStringLiteral("/api/v1/environments/%1/runs").arg(m_environmentId),
                                QJsonDocument(QJsonObject{{QStringLiteral("flowId"), slowId},
                                                          {QStringLiteral("connectionId"), m_connectionId},
                                                          {QStringLiteral("runMode"), QStringLiteral("unattended")},
                                                          {QStringLiteral("priority"), QStringLiteral("normal")},
                                                          {QStringLiteral("inputs"), QJsonObject()}})
                                    .toJson(),
                                m_makerToken, "application/json");
    QVERIFY2(queued.status == 202, queued.body.constData());
    const QString path = QStringLiteral("/api/v1/runs/%1").arg(queued.object().value(QStringLiteral("id")).toString());
    QDeadlineTimer running(30000);
    while (!running.hasExpired() &&
           request("GET", path, {}, m_makerToken).object().value(QStringLiteral("status")) != QStringLiteral("Running"))
        QTest::qWait(100);
    run.kill(); // kill -9: no goodbye, the journal says the run was started
    QVERIFY(run.waitForFinished(10000));
    QProcess again;
    again.start(m_agentBin, runArgs);
    QVERIFY(again.waitForStarted(10000));
    QJsonObject state;
    QDeadlineTimer lost(30000);
    while (!lost.hasExpired()) {
        state = request("GET", path, {}, m_makerToken).object();
        if (state.value(QStringLiteral("status")) == QStringLiteral("Failed"))
            break;
        QTest::qWait(100);
    }
    again.terminate();
    QVERIFY(again.waitForFinished(20000));
    QVERIFY2(
        state.value(QStringLiteral("errorCode")) == QStringLiteral("MachineLost"),
        qPrintable(QString::fromUtf8(QJsonDocument(state).toJson()) + QString::fromUtf8(again.readAllStandardError())));
}

void TestRegistration::runRefusesAClonedInstallation() {
    // Copy the state folder with another install id: what a cloned or reset installation looks like.
    const QString clone = m_dir.filePath(QStringLiteral("clone"));
    QVERIFY(QDir().mkpath(clone));
    QVERIFY(QFile::copy(m_stateDir + QStringLiteral("/secrets.json"), clone + QStringLiteral("/secrets.json")));
    QString error;
    auto record = IdentityRecord::load(m_stateDir, &error);
    QVERIFY(record);
    record->installId = Identity::newInstallId();
    QVERIFY(record->save(clone, &error));
    const ProcResult r = agent({QStringLiteral("run"), QStringLiteral("--state-dir"), clone,
                                QStringLiteral("--session-source"), QStringLiteral("static:alice:active")},
                               {}, 30000);
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains(QLatin1String("This installation does not match the machine's registration (cloned or "
                                          "reset?). Run 'machine-runtime-agent unregister' and register again.")),
             qPrintable(r.err));
}

void TestRegistration::unregisterForgetsTheIdentity() {
    const ProcResult r = agent({QStringLiteral("unregister"), QStringLiteral("--state-dir"), m_stateDir});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY(r.out.contains(QLatin1String("orchestrator")));
    QVERIFY(!QFile::exists(IdentityRecord::filePath(m_stateDir)));
    QFile secrets(m_stateDir + QStringLiteral("/secrets.json"));
    QVERIFY(!secrets.exists() || (secrets.open(QIODevice::ReadOnly) && !secrets.readAll().contains("privateKey")));
    const ProcResult run = agent({QStringLiteral("run"), QStringLiteral("--state-dir"), m_stateDir});
    QCOMPARE(run.exitCode, 2);
    // The machine is still registered on the orchestrator: deleting it is done there (R10).
    QCOMPARE(request("GET", QStringLiteral("/api/v1/machines/%1").arg(m_machineId), {}, m_makerToken).status, 200);
}

void TestRegistration::runStopsWhenTheMachineIsDeleted() {
    const QString dir = m_dir.filePath(QStringLiteral("deleted"));
    QStringList args;
    registerArgs(&args, QStringLiteral("pc-deleted"), dir);
    QCOMPARE(agent(args, m_makerToken.toLatin1() + '\n').exitCode, 0);
    QString error;
    const auto record = IdentityRecord::load(dir, &error);
    QVERIFY(record);
    QCOMPARE(request("DELETE", QStringLiteral("/api/v1/machines/%1").arg(record->machineId), {}, m_makerToken).status,
             204);
    const ProcResult r = agent({QStringLiteral("run"), QStringLiteral("--state-dir"), dir,
                                QStringLiteral("--session-source"), QStringLiteral("static:alice:locked")},
                               {}, 30000);
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains(QLatin1String("The machine's registration was deleted on the orchestrator.")),
             qPrintable(r.err));
}

QTEST_GUILESS_MAIN(TestRegistration)
#include "tst_registration.moc"
