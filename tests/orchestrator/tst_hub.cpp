// The agent hub over a real WebSocket, on SQLite and PostgreSQL: the upgrade check, hello, settings,
// take-over, idempotent events and results, cancel, key rotation, credential checks, passwords
// sealed to the machine's key (hello.features), liveness and a restart of the orchestrator with a
// run in progress.

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
        // An agent that declared no features gets the password as API.md has it.
        QCOMPARE(offer.value(QStringLiteral("connection")).toObject().value(QStringLiteral("password")).toString(),
                 QStringLiteral("pa55word"));
        QVERIFY(!offer.value(QStringLiteral("connection")).toObject().contains(QStringLiteral("sealedPassword")));
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
        // A second request while the first is under way does not start a second rotation.
        QCOMPARE(
            w.cp.send("POST", QStringLiteral("/api/v1/machines/%1/rotate-key").arg(agent->id()), {}, w.maker).status,
            202);
        const QString run = w.run(w.connection(agent->id()), QStringLiteral("unattended"));
        QTest::qWait(1500);
        QVERIFY(!agent->offered(run)); // like maintenance until the key is rotated (R7)
        QCOMPARE(agent->receivedOfType(QStringLiteral("rotateKey")).size(), 1);
        const auto rotated = agent->rotateKey();
        const qint64 seq = agent->send(rotated, true);
        QVERIFY(!agent->waitForOffer(run).isEmpty());
        QTRY_VERIFY(agent->acked(seq)); // acknowledged once stored: the agent may drop its old key
        QCOMPARE(w.machineValue(agent->id(), QStringLiteral("public_key")).toString(), rotated.publicKey);
        // The new key signs the next machine token.
        QVERIFY(!agent->fetchToken().isEmpty());
        // A keyRotated nobody asked for is not stored, and so not acknowledged.
        const qint64 unasked = agent->send(agent->rotateKey(), true);
        QTest::qWait(1000);
        QVERIFY(!agent->acked(unasked));
        QCOMPARE(w.machineValue(agent->id(), QStringLiteral("public_key")).toString(), rotated.publicKey);
    }

    void anUnreadablePasswordFailsTheRunWithTheReason() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        RunWorld w(server);
        auto agent = w.agent();
        QVERIFY(agent && agent->connectAndHello({}));
        const QString connection = w.connection(agent->id());
        // As if sealed with another data key.
        server.db([&](mr::orch::Db& db) {
            db.exec(QStringLiteral("UPDATE connections SET sealed_password = ? WHERE id = ?"),
                    {mr::orch::sealConnectionPassword(QByteArray(32, 'z'), QStringLiteral("pa55word")), connection});
        });
        const QString run = w.run(connection, QStringLiteral("unattended"));
        QTRY_COMPARE_WITH_TIMEOUT(w.status(run), QStringLiteral("Failed"), 10000);
        QCOMPARE(w.errorCode(run), QStringLiteral("CredentialsIncorrect"));
        QVERIFY(w.runValue(run, QStringLiteral("error_message")).toString().contains(QLatin1String("data key")));
        QVERIFY(!agent->offered(run));
        const HttpResult test =
            w.cp.send("POST", QStringLiteral("/api/v1/connections/%1/test").arg(connection), {}, w.maker);
        QCOMPARE(test.status, 400);
        QVERIFY(describe(test).contains(QLatin1String("data key")));
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
        // No features declared: the password itself, as API.md has it.
        for (const QJsonObject& check : agent->receivedOfType(QStringLiteral("checkCredentials"))) {
            QVERIFY(check.value(QStringLiteral("password")).isString());
            QVERIFY(!check.contains(QStringLiteral("sealedPassword")));
        }
    }

    void offeredPasswordIsSealedForAgentsThatDeclareIt() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        RunWorld w(server);
        auto sealing = w.agent(QStringLiteral("sealing"));
        auto plain = w.agent(QStringLiteral("plain"));
        QVERIFY(sealing && plain);
        sealing->setFeatures({QStringLiteral("sealedSecrets")});
        QVERIFY(sealing->connectAndHello({}) && plain->connectAndHello({}));

        const QString sealedRun = w.run(w.connection(sealing->id()), QStringLiteral("unattended"));
        const QJsonObject offer = sealing->waitForOffer(sealedRun);
        QVERIFY(!offer.isEmpty());
        const QJsonObject connection = offer.value(QStringLiteral("connection")).toObject();
        QVERIFY2(!connection.contains(QStringLiteral("password")), QJsonDocument(connection).toJson().constData());
        QCOMPARE(connection.value(QStringLiteral("username")).toString(), QStringLiteral("robot"));
        const QString sealed = connection.value(QStringLiteral("sealedPassword")).toString();
        QVERIFY(!sealed.isEmpty());
        QCOMPARE(sealing->openSealed(sealed), std::optional<QString>(QStringLiteral("pa55word")));
        // Sealed to this machine's key: another machine's key does not open it.
        QCOMPARE(TestAgent::openSealedWith(plain->secretKey(), sealed), std::optional<QString>());
        // The frame passes the protocol's strict decoder.
        const auto decoded = mr::protocol::decodeAgentMessage(QJsonDocument(offer).toJson(QJsonDocument::Compact));
        QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.error().message()));
        const auto& decodedOffer = std::get<mr::protocol::RunOffer>(decoded.value().body);
        QCOMPARE(decodedOffer.connection.sealedPassword, std::optional<QString>(sealed));
        QCOMPARE(decodedOffer.connection.password, std::optional<QString>());
        sealing->accept(sealedRun);
        QTRY_COMPARE(w.status(sealedRun), QStringLiteral("Running"));

        // The agent next to it declared nothing: the password as before, nothing sealed.
        const QString plainRun = w.run(w.connection(plain->id()), QStringLiteral("unattended"));
        const QJsonObject plainOffer = plain->waitForOffer(plainRun);
        QVERIFY(!plainOffer.isEmpty());
        const QJsonObject plainConnection = plainOffer.value(QStringLiteral("connection")).toObject();
        QCOMPARE(plainConnection.value(QStringLiteral("password")).toString(), QStringLiteral("pa55word"));
        QVERIFY(!plainConnection.contains(QStringLiteral("sealedPassword")));
    }

    void credentialCheckIsSealedForAgentsThatDeclareIt() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        RunWorld w(server);
        auto sealing = w.agent(QStringLiteral("sealing"));
        auto plain = w.agent(QStringLiteral("plain"));
        QVERIFY(sealing && plain);
        sealing->setFeatures({QStringLiteral("sealedSecrets")});
        QVERIFY(sealing->connectAndHello({}) && plain->connectAndHello({}));
        const auto rule = [](const QString& user, const QString& password) {
            return user == QLatin1String("robot") && password == QLatin1String("right");
        };
        sealing->credentialsRule = rule;
        plain->credentialsRule = rule;
        mr::orch::RunEngine* engine = server.server().services().engine;
        std::optional<std::optional<bool>> good, bad, plainGood;
        engine->checkCredentials(sealing->id(), QStringLiteral("robot"), QStringLiteral("right"),
                                 [&](std::optional<bool> ok) { good = ok; });
        engine->checkCredentials(sealing->id(), QStringLiteral("robot"), QStringLiteral("wrong"),
                                 [&](std::optional<bool> ok) { bad = ok; });
        engine->checkCredentials(plain->id(), QStringLiteral("robot"), QStringLiteral("right"),
                                 [&](std::optional<bool> ok) { plainGood = ok; });
        QTRY_VERIFY(good && bad && plainGood);
        // The test agent answers ok only for "right": the sealed box opened with its key.
        QCOMPARE(*good, std::optional<bool>(true));
        QCOMPARE(*bad, std::optional<bool>(false));
        QCOMPARE(*plainGood, std::optional<bool>(true));

        const QList<QJsonObject> checks = sealing->receivedOfType(QStringLiteral("checkCredentials"));
        QCOMPARE(checks.size(), qsizetype(2));
        QStringList opened;
        for (const QJsonObject& check : checks) {
            QVERIFY(!check.contains(QStringLiteral("password")));
            QCOMPARE(check.value(QStringLiteral("username")).toString(), QStringLiteral("robot"));
            const std::optional<QString> password =
                sealing->openSealed(check.value(QStringLiteral("sealedPassword")).toString());
            QVERIFY(password);
            opened.append(*password);
            QVERIFY(mr::protocol::decodeAgentMessage(QJsonDocument(check).toJson(QJsonDocument::Compact)).ok());
        }
        opened.sort();
        QCOMPARE(opened, (QStringList{QStringLiteral("right"), QStringLiteral("wrong")}));

        const QList<QJsonObject> plainChecks = plain->receivedOfType(QStringLiteral("checkCredentials"));
        QCOMPARE(plainChecks.size(), qsizetype(1));
        QCOMPARE(plainChecks.first().value(QStringLiteral("password")).toString(), QStringLiteral("right"));
        QVERIFY(!plainChecks.first().contains(QStringLiteral("sealedPassword")));
    }

    void sealingFollowsAKeyRotation() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        RunWorld w(server);
        auto agent = w.agent();
        QVERIFY(agent);
        agent->setFeatures({QStringLiteral("sealedSecrets")});
        QVERIFY(agent->connectAndHello({}));
        agent->credentialsRule = [](const QString& user, const QString& password) {
            return user == QLatin1String("robot") && password == QLatin1String("right");
        };
        const QByteArray oldKey = agent->secretKey();
        const HttpResult r =
            w.cp.send("POST", QStringLiteral("/api/v1/machines/%1/rotate-key").arg(agent->id()), {}, w.maker);
        QVERIFY2(r.status == 202, qPrintable(describe(r)));
        QVERIFY(!agent->waitFor(QStringLiteral("rotateKey")).isEmpty());

        // While the rotation is under way the agent may hold either key: the check waits.
        mr::orch::RunEngine* engine = server.server().services().engine;
        std::optional<std::optional<bool>> during;
        engine->checkCredentials(agent->id(), QStringLiteral("robot"), QStringLiteral("right"),
                                 [&](std::optional<bool> ok) { during = ok; });
        const QString run = w.run(w.connection(agent->id()), QStringLiteral("unattended"));
        QTest::qWait(1000);
        QVERIFY(agent->receivedOfType(QStringLiteral("checkCredentials")).isEmpty());
        QVERIFY(!during);

        const auto rotated = agent->rotateKey(); // the test agent holds the new key from now on
        agent->send(rotated);
        QTRY_VERIFY(during);
        QCOMPARE(*during, std::optional<bool>(true));
        const QList<QJsonObject> checks = agent->receivedOfType(QStringLiteral("checkCredentials"));
        QCOMPARE(checks.size(), qsizetype(1));
        const QString sealedCheck = checks.first().value(QStringLiteral("sealedPassword")).toString();
        QCOMPARE(agent->openSealed(sealedCheck), std::optional<QString>(QStringLiteral("right")));
        QCOMPARE(TestAgent::openSealedWith(oldKey, sealedCheck), std::optional<QString>());

        const QJsonObject offer = agent->waitForOffer(run);
        QVERIFY(!offer.isEmpty());
        const QString sealed =
            offer.value(QStringLiteral("connection")).toObject().value(QStringLiteral("sealedPassword")).toString();
        QCOMPARE(agent->openSealed(sealed), std::optional<QString>(QStringLiteral("pa55word")));
        QCOMPARE(TestAgent::openSealedWith(oldKey, sealed), std::optional<QString>());

        // A new connection of the machine after the rotation seals to the new key as well.
        agent->disconnectNow();
        QVERIFY(agent->connectAndHello({}));
        std::optional<std::optional<bool>> after;
        engine->checkCredentials(agent->id(), QStringLiteral("robot"), QStringLiteral("right"),
                                 [&](std::optional<bool> ok) { after = ok; });
        QTRY_VERIFY(after);
        QCOMPARE(*after, std::optional<bool>(true));
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
