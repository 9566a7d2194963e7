// The agent hub over a real WebSocket, on SQLite and PostgreSQL: the upgrade check, hello, settings,
// take-over, idempotent events and results, cancel, key rotation, credential checks, liveness and
// a restart of the orchestrator with a run in progress.

#include "TestAgent.h"

#include "orchestrator/RunEngine.h"

#include <QFileInfo>
#include <QTcpSocket>
#include <QtTest>

using namespace mr::test;
using mr::protocol::RunStatus;
using mr::protocol::SessionState;

namespace {

/// A raw WebSocket handshake to /api/v1/agent; returns the HTTP status line and body.
QByteArray rawUpgrade(const QUrl& url, const QByteArray& authorization) {
    QTcpSocket socket;
    socket.connectToHost(url.host(), quint16(url.port()));
    if (!socket.waitForConnected(5000))
        return {};
    QByteArray request = "GET /api/v1/agent HTTP/1.1\r\nHost: " + url.host().toLatin1() +
                         "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                         "dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
    if (!authorization.isEmpty())
        request += "Authorization: " + authorization + "\r\n";
    request += "\r\n";
    socket.write(request);
    QByteArray answer;
    (void)QTest::qWaitFor(
        [&] {
            answer += socket.readAll();
            return socket.state() == QAbstractSocket::UnconnectedState || answer.contains("\r\n\r\n{") ||
                   answer.startsWith("HTTP/1.1 101");
        },
        5000);
    answer += socket.readAll();
    return answer;
}

} // namespace

class TestHub : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { addEngineRows(); }

    void upgradeWithoutMachineTokenIsRefusedWith401() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        RunWorld w(server);
        const QUrl url = server.url();
        for (const QByteArray& auth :
             {QByteArray(), QByteArray("Bearer nonsense"), QByteArray("Bearer " + w.maker.token.toLatin1())}) {
            const QByteArray answer = rawUpgrade(url, auth);
            QVERIFY2(answer.startsWith("HTTP/1.1 401"), answer.constData());
            QVERIFY2(answer.contains("\"code\":\"Unauthenticated\""), answer.constData());
        }
        // A machine token is let through.
        auto agent = w.agent();
        QVERIFY(agent);
        QVERIFY(rawUpgrade(url, "Bearer " + agent->fetchToken().toLatin1()).startsWith("HTTP/1.1 101"));
    }

    void helloMarksOnlineWithVersionAndSessions() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        RunWorld w(server);
        auto agent = w.agent();
        QVERIFY(agent);
        agent->setVersion(QStringLiteral("2.5.0"));
        QVERIFY(agent->connectAndHello({activeSession(w.maker.name())}));
        const QJsonObject welcome = agent->receivedOfType(QStringLiteral("welcome")).first();
        QCOMPARE(welcome.value(QStringLiteral("heartbeatSeconds")).toInt(), 10);
        QCOMPARE(welcome.value(QStringLiteral("settings")).toObject().value(QStringLiteral("unattendedBots")).toInt(),
                 1);
        const HttpResult m = w.cp.get(QStringLiteral("/api/v1/machines/") + agent->id(), w.maker);
        QCOMPARE(m.status, 200);
        QCOMPARE(m.object().value(QStringLiteral("status")).toString(), QStringLiteral("online"));
        QCOMPARE(m.object().value(QStringLiteral("version")).toString(), QStringLiteral("2.5.0")); // R6
        QCOMPARE(m.object().value(QStringLiteral("sessions")).toArray().size(), 1);
    }

    void malformedMessageClosesWithPolicyViolation() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        RunWorld w(server);
        auto agent = w.agent();
        QVERIFY(agent && agent->connectAndHello({}));
        agent->sendRaw(QStringLiteral("{\"type\":\"runAccept\",\"seq\":\"x\"}"));
        QTRY_VERIFY(agent->isClosed());
        QCOMPARE(agent->closeCode(), 1008);
        QVERIFY2(agent->closeReason().startsWith(QLatin1String("Malformed message")), qPrintable(agent->closeReason()));
    }

    void deletedMachineIsToldToRegisterAgain() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        RunWorld w(server);
        auto agent = w.agent();
        QVERIFY(agent);
        QVERIFY(agent->open()); // the token is still good for a while
        server.db(
            [&](mr::orch::Db& db) { db.exec(QStringLiteral("DELETE FROM machines WHERE id = ?"), {agent->id()}); });
        mr::protocol::Hello hello;
        hello.machineId = agent->id();
        agent->send(hello);
        QTRY_VERIFY(agent->isClosed());
        QCOMPARE(agent->closeCode(), 1008);
        QVERIFY2(agent->closeReason().contains(QLatin1String("register it anew")), qPrintable(agent->closeReason()));
    }

    void settingsChangedIsSentOnPatch() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        RunWorld w(server);
        auto agent = w.agent();
        QVERIFY(agent && agent->connectAndHello({}));
        const HttpResult r = w.cp.send("PATCH", QStringLiteral("/api/v1/machines/") + agent->id(),
                                       QJsonObject{{QStringLiteral("unattendedBots"), 3}}, w.maker);
        QCOMPARE(r.status, 200);
        const QJsonObject changed = agent->waitFor(QStringLiteral("settingsChanged"));
        QCOMPARE(changed.value(QStringLiteral("settings")).toObject().value(QStringLiteral("unattendedBots")).toInt(),
                 3);
    }

    void secondConnectionTakesOver() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        RunWorld w(server);
        auto first = w.agent();
        QVERIFY(first && first->connectAndHello({}));
        auto second = first->twin();
        QVERIFY(second->connectAndHello({}));
        QTRY_VERIFY(first->isClosed());
        // The machine stays online and runs go to the new connection.
        const QString run = w.run(w.connection(first->id()), QStringLiteral("unattended"));
        QVERIFY(!second->waitForOffer(run).isEmpty());
        QCOMPARE(w.machineValue(first->id(), QStringLiteral("online")).toBool(), true);
    }

    void repeatedEventsAndResultsAreStoredOnce() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        RunWorld w(server);
        auto agent = w.agent();
        QVERIFY(agent && agent->connectAndHello({}));
        const QString run = w.run(w.connection(agent->id()), QStringLiteral("unattended"));
        const QJsonObject offer = agent->waitForOffer(run);
        QVERIFY(!offer.isEmpty());
        // The offer carries what the machine needs, inputs unmasked.
        QCOMPARE(offer.value(QStringLiteral("inputs")).toObject().value(QStringLiteral("secret")).toString(),
                 QStringLiteral("hunter2"));
        QCOMPARE(offer.value(QStringLiteral("connection")).toObject().value(QStringLiteral("username")).toString(),
                 QStringLiteral("robot"));
        QCOMPARE(offer.value(QStringLiteral("connection")).toObject().value(QStringLiteral("password")).toString(),
                 QStringLiteral("pa55word"));
        agent->accept(run);
        QTRY_COMPARE(w.status(run), QStringLiteral("Running"));
        const qint64 a = agent->event(run, 1, QStringLiteral("one"));
        const qint64 b = agent->event(run, 1, QStringLiteral("one"));
        const qint64 c = agent->event(run, 2, QStringLiteral("two"));
        const qint64 d = agent->result(run, RunStatus::Succeeded, {{QStringLiteral("done"), true}});
        const qint64 e = agent->result(run, RunStatus::Failed);
        QTRY_VERIFY(agent->acked(a) && agent->acked(b) && agent->acked(c) && agent->acked(d) && agent->acked(e));
        QCOMPARE(w.status(run), QStringLiteral("Succeeded"));
        QVariant lines;
        server.db([&](mr::orch::Db& db) {
            lines = db.scalar(QStringLiteral("SELECT COUNT(*) FROM run_log WHERE run_id = ?"), {run});
        });
        QCOMPARE(lines.toInt(), 2);
        QTRY_COMPARE(w.machineValue(agent->id(), QStringLiteral("running_count")).toInt(), 0);
    }

    void cancelOfARunningRunEndsCancelled() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        RunWorld w(server);
        auto agent = w.agent();
        QVERIFY(agent && agent->connectAndHello({}));
        const QString run = w.run(w.connection(agent->id()), QStringLiteral("unattended"));
        QVERIFY(!agent->waitForOffer(run).isEmpty());
        agent->accept(run);
        QTRY_COMPARE(w.status(run), QStringLiteral("Running"));
        const HttpResult r = w.cp.send("POST", QStringLiteral("/api/v1/runs/%1/cancel").arg(run), {}, w.maker);
        QVERIFY2(r.status == 202, qPrintable(describe(r)));
        QVERIFY(!agent
                     ->waitFor(QStringLiteral("cancelRun"),
                               [&](const QJsonObject& o) { return o.value(QStringLiteral("runId")).toString() == run; })
                     .isEmpty());
        agent->result(run, RunStatus::Cancelled, {}, QStringLiteral("Cancelled"));
        QTRY_COMPARE(w.status(run), QStringLiteral("Cancelled")); // R27
    }

    void keyRotationHoldsRunsUntilTheNewKey() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        RunWorld w(server);
        auto agent = w.agent();
        QVERIFY(agent && agent->connectAndHello({}));
        const HttpResult r =
            w.cp.send("POST", QStringLiteral("/api/v1/machines/%1/rotate-key").arg(agent->id()), {}, w.maker);
        QVERIFY2(r.status == 202, qPrintable(describe(r)));
        QVERIFY(!agent->waitFor(QStringLiteral("rotateKey")).isEmpty());
        const QString run = w.run(w.connection(agent->id()), QStringLiteral("unattended"));
        QTest::qWait(1500);
        QVERIFY(!agent->offered(run)); // like maintenance until the key is rotated (R7)
        const auto rotated = agent->rotateKey();
        agent->send(rotated);
        QVERIFY(!agent->waitForOffer(run).isEmpty());
        QCOMPARE(w.machineValue(agent->id(), QStringLiteral("public_key")).toString(), rotated.publicKey);
        // The new key signs the next machine token.
        QVERIFY(!agent->fetchToken().isEmpty());
    }

    void credentialsAreCheckedByTheMachine() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        RunWorld w(server);
        auto agent = w.agent();
        QVERIFY(agent && agent->connectAndHello({}));
        agent->credentialsRule = [](const QString& user, const QString& password) {
            return user == QLatin1String("robot") && password == QLatin1String("right");
        };
        mr::orch::RunEngine* engine = server.server().services().engine;
        std::optional<std::optional<bool>> good, bad, absent;
        engine->checkCredentials(agent->id(), QStringLiteral("robot"), QStringLiteral("right"),
                                 [&](std::optional<bool> ok) { good = ok; });
        engine->checkCredentials(agent->id(), QStringLiteral("robot"), QStringLiteral("wrong"),
                                 [&](std::optional<bool> ok) { bad = ok; });
        engine->checkCredentials(mr::orch::newId(), QStringLiteral("robot"), QStringLiteral("right"),
                                 [&](std::optional<bool> ok) { absent = ok; });
        QTRY_VERIFY(good && bad && absent);
        QCOMPARE(*good, std::optional<bool>(true));
        QCOMPARE(*bad, std::optional<bool>(false));
        QCOMPARE(*absent, std::optional<bool>());
    }

    void silentMachineGoesOfflineThenItsRunIsLost() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        RunWorld w(server);
        auto agent = w.agent();
        QVERIFY(agent && agent->connectAndHello({}));
        const QString run = w.run(w.connection(agent->id()), QStringLiteral("unattended"));
        QVERIFY(!agent->waitForOffer(run).isEmpty());
        agent->accept(run);
        QTRY_COMPARE(w.status(run), QStringLiteral("Running"));
        // Real time passes too (more under load): stay well inside the 30 s, then go past them.
        w.advance(20);
        QTest::qWait(1200);
        QCOMPARE(w.machineValue(agent->id(), QStringLiteral("online")).toBool(), true);
        w.advance(11);
        QTRY_COMPARE(w.machineValue(agent->id(), QStringLiteral("online")).toBool(), false);
        QTRY_VERIFY(agent->isClosed());
        QCOMPARE(w.status(run), QStringLiteral("Running")); // the grace period
        w.advance(300);
        QTRY_COMPARE(w.status(run), QStringLiteral("Failed"));
        QCOMPARE(w.errorCode(run), QStringLiteral("MachineLost"));
    }

    void restartedOrchestratorTakesTheResultOfAnUnfinishedRun() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        RunWorld w(server);
        auto agent = w.agent();
        QVERIFY(agent && agent->connectAndHello({}));
        const QString connection = w.connection(agent->id());
        const QString run = w.run(connection, QStringLiteral("unattended"));
        const QString other = w.run(connection, QStringLiteral("unattended"));
        w.setMachine(agent->id(), QStringLiteral("unattended_bots = 2"));
        QVERIFY(!agent->waitForOffer(run).isEmpty());
        QVERIFY(!agent->waitForOffer(other).isEmpty());
        agent->accept(run);
        agent->accept(other);
        QTRY_COMPARE(w.status(other), QStringLiteral("Running"));
        QTRY_COMPARE(w.status(run), QStringLiteral("Running"));

        // Stop this orchestrator and start another on the same database.
        mr::orch::Orchestrator::Options o;
        o.database = server.server().pool().location();
        QTemporaryDir dir;
        QFile key(dir.filePath(QStringLiteral("data.key")));
        QVERIFY(key.open(QIODevice::WriteOnly));
        key.write("bXItdGVzdC1kYXRhLWtleS0wMTIzNDU2Nzg5YWJjZGU=\n");
        key.close();
        o.dataKeyFile = key.fileName();
        o.listen = QStringLiteral("127.0.0.1:0");
        server.server().stop();
        QTRY_VERIFY(agent->isClosed());
        auto second = std::make_unique<mr::orch::Orchestrator>(o);
        QString error;
        QVERIFY2(second->start(&error), qPrintable(error));
        agent->setEndpoint(second->url(), second->clock());
        QVERIFY(agent->connectAndHello({}, {other}));
        // API.md: listed as unfinished = the agent cannot resume it: lost at once (never started
        // twice); not listed: it goes on and its result is accepted.
        QString otherStatus, otherCode;
        QTRY_VERIFY([&] {
            second->pool().runAndWait([&](mr::orch::Db& db) {
                QSqlQuery q = db.exec(QStringLiteral("SELECT status, error_code FROM runs WHERE id = ?"), {other});
                q.next();
                otherStatus = q.value(0).toString();
                otherCode = q.value(1).toString();
            });
            return otherStatus == QLatin1String("Failed");
        }());
        QCOMPARE(otherCode, QStringLiteral("MachineLost"));
        const qint64 seq = agent->result(run, RunStatus::Succeeded);
        QTRY_VERIFY(agent->acked(seq));
        QString status;
        second->pool().runAndWait([&](mr::orch::Db& db) {
            status = db.scalar(QStringLiteral("SELECT status FROM runs WHERE id = ?"), {run}).toString();
        });
        QCOMPARE(status, QStringLiteral("Succeeded"));
        agent->disconnectNow();
        second.reset();
    }
};

QTEST_GUILESS_MAIN(TestHub)
#include "tst_hub.moc"
