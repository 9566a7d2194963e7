// Two orchestrator instances on one PostgreSQL database (ClusterBus, LISTEN/NOTIFY): a machine
// connected to instance B gets what a request to instance A sends it — offers right after a run
// is queued, cancelRun, settingsChanged, rotateKey, endSessions — and a credential check asked of
// A is answered by the machine on B. PostgreSQL only: on SQLite there is one instance.

#include "TestAgent.h"

#include "orchestrator/hub/AgentHub.h"
#include "orchestrator/hub/ClusterBus.h"

#include <QtTest>

using namespace mr::test;

namespace {

/// Instance B's own timer pass would dispatch only after an hour: whatever B sends soon, it sends
/// because instance A told it to.
constexpr int kSlowTickMs = 3'600'000;

} // namespace

/// Starts @p a and @p b on the shared PostgreSQL (QSKIP without it, unless MR_REQUIRE_SERVICES).
#define MR_START_PAIR(a, b)                                                                                            \
    do {                                                                                                               \
        (b).configure = [](mr::orch::Orchestrator::Options& o) { o.hubTickMs = kSlowTickMs; };                         \
        MR_START_TEST_SERVER(a);                                                                                       \
        MR_START_TEST_SERVER(b);                                                                                       \
        QVERIFY((a).server().clusterBus() && (b).server().clusterBus());                                               \
        QTRY_VERIFY((a).server().clusterBus()->listening() && (b).server().clusterBus()->listening());                 \
    } while (false)

class TestCluster : public QObject {
    Q_OBJECT

    /// A machine registered through A whose agent is connected to B.
    static std::unique_ptr<TestAgent> agentOnB(RunWorld& w, TestServer& b) {
        auto agent = w.agent();
        if (!agent)
            return nullptr;
        agent->setEndpoint(b.url(), b.server().clock());
        if (!agent->connectAndHello({}))
            return nullptr;
        if (!QTest::qWaitFor([&] { return b.server().hub()->connectedMachines().contains(agent->id()); }, 5000))
            return nullptr;
        return agent;
    }

private Q_SLOTS:
    void initTestCase_data() {
        QTest::addColumn<QString>("engine");
        QTest::newRow("postgres") << QStringLiteral("postgres");
    }

    void runQueuedOnOneInstanceIsOfferedByTheOther() {
        TestServer a, b;
        MR_START_PAIR(a, b);
        RunWorld w(a);
        auto agent = agentOnB(w, b);
        QVERIFY(agent);
        QVERIFY(!a.server().hub()->connectedMachines().contains(agent->id()));
        const QString connection = w.connection(agent->id());
        const HttpResult r = w.cp.send(
            "POST", QStringLiteral("/api/v1/environments/%1/runs").arg(w.env.id),
            QJsonObject{{QStringLiteral("flowId"), w.flowId},
                        {QStringLiteral("connectionId"), connection},
                        {QStringLiteral("runMode"), QStringLiteral("unattended")},
                        {QStringLiteral("inputs"), QJsonObject{{QStringLiteral("secret"), QStringLiteral("s3")}}}},
            w.maker);
        QCOMPARE(r.status, 202);
        const QString runId = r.object().value(QStringLiteral("id")).toString();
        QVERIFY(!runId.isEmpty());
        // B dispatches on A's wake, not on its (hour-long) timer.
        QVERIFY(!agent->waitForOffer(runId).isEmpty());
    }

    void cancelOnOneInstanceReachesTheMachineOnTheOther() {
        TestServer a, b;
        MR_START_PAIR(a, b);
        RunWorld w(a);
        auto agent = agentOnB(w, b);
        QVERIFY(agent);
        const QString run = w.run(w.connection(agent->id()), QStringLiteral("unattended"));
        b.server().hub()->wake(); // B's own wake: this test is about the cancel
        QVERIFY(!agent->waitForOffer(run).isEmpty());
        agent->accept(run);
        QTRY_COMPARE(w.status(run), QStringLiteral("Running"));
        const HttpResult r = w.cp.send("POST", QStringLiteral("/api/v1/runs/%1/cancel").arg(run), {}, w.maker);
        QCOMPARE(r.status, 202);
        const QJsonObject cancel = agent->waitFor(QStringLiteral("cancelRun"), [&](const QJsonObject& o) {
            return o.value(QStringLiteral("runId")).toString() == run;
        });
        QVERIFY(!cancel.isEmpty());
        QCOMPARE(w.status(run), QStringLiteral("Cancelling"));
    }

    void settingsPatchedOnOneInstanceReachTheMachineOnTheOther() {
        TestServer a, b;
        MR_START_PAIR(a, b);
        RunWorld w(a);
        auto agent = agentOnB(w, b);
        QVERIFY(agent);
        const HttpResult r = w.cp.send("PATCH", QStringLiteral("/api/v1/machines/") + agent->id(),
                                       QJsonObject{{QStringLiteral("unattendedBots"), 3}}, w.maker);
        QCOMPARE(r.status, 200);
        const QJsonObject changed = agent->waitFor(QStringLiteral("settingsChanged"));
        QCOMPARE(changed.value(QStringLiteral("settings")).toObject().value(QStringLiteral("unattendedBots")).toInt(),
                 3);
    }

    void keyRotationRequestedOnOneInstanceReachesTheMachineOnTheOther() {
        TestServer a, b;
        MR_START_PAIR(a, b);
        RunWorld w(a);
        auto agent = agentOnB(w, b);
        QVERIFY(agent);
        const HttpResult r =
            w.cp.send("POST", QStringLiteral("/api/v1/machines/%1/rotate-key").arg(agent->id()), {}, w.maker);
        QCOMPARE(r.status, 202);
        QVERIFY(!agent->waitFor(QStringLiteral("rotateKey")).isEmpty());
        // The machine's answer goes to B, which stores it: the rotation completes.
        agent->send(agent->rotateKey(), true);
        QTRY_COMPARE(w.machineValue(agent->id(), QStringLiteral("key_rotation_requested")).toBool(), false);
    }

    void disconnectUsersOnOneInstanceReachesTheMachineOnTheOther() {
        TestServer a, b;
        MR_START_PAIR(a, b);
        RunWorld w(a);
        auto agent = agentOnB(w, b);
        QVERIFY(agent);
        const QString id = mr::orch::newId();
        a.db([&](mr::orch::Db& db) {
            const QDateTime now = a.clock().now();
            db.exec(QStringLiteral("INSERT INTO recommendations (id, environment_id, kind, machine_id, owner_id, "
                                   "run_ids, users, created_at, expires_at) VALUES (?, ?, 'DesktopFlowsNotRunning', "
                                   "?, ?, '[]', '[\"robot\"]', ?, ?)"),
                    {id, w.env.id, agent->id(), w.maker.user.id, mr::orch::isoUtc(now),
                     mr::orch::isoUtc(now.addSecs(600))});
        });
        const HttpResult r =
            w.cp.raw("POST", QStringLiteral("/api/v1/recommendations/%1/disconnect-users").arg(id), {}, w.maker);
        QCOMPARE(r.status, 202);
        const QJsonObject end = agent->waitFor(QStringLiteral("endSessions"));
        QCOMPARE(end.value(QStringLiteral("users")).toArray(), QJsonArray{QStringLiteral("robot")});
    }

    void credentialCheckAskedOfOneInstanceIsAnsweredThroughTheOther() {
        TestServer a, b;
        MR_START_PAIR(a, b);
        RunWorld w(a);
        auto agent = agentOnB(w, b);
        QVERIFY(agent);
        const QString connection = w.connection(agent->id());
        const QString path = QStringLiteral("/api/v1/connections/%1/test").arg(connection);
        agent->credentialsRule = [](const QString& user, const QString& password) {
            return user == QLatin1String("robot") && password == QLatin1String("pa55word");
        };
        const HttpResult good = w.cp.send("POST", path, {}, w.maker);
        QCOMPARE(good.status, 200);
        QCOMPARE(good.object().value(QStringLiteral("ok")).toBool(), true);
        agent->credentialsRule = [](const QString&, const QString&) { return false; };
        const HttpResult bad = w.cp.send("POST", path, {}, w.maker);
        QCOMPARE(bad.errorCode(), QStringLiteral("CredentialsIncorrect"));
    }

    void listenerReconnectsAfterItsConnectionIsKilled() {
        TestServer a, b;
        MR_START_PAIR(a, b);
        RunWorld w(a);
        auto agent = agentOnB(w, b);
        QVERIFY(agent);
        mr::orch::ClusterBus* bus = b.server().clusterBus();
        int killed = 0;
        a.db([&](mr::orch::Db& db) {
            killed = db.scalar(QStringLiteral("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
                                              "application_name = ?"),
                               {bus->applicationName()})
                         .toInt();
        });
        QCOMPARE(killed, 1);
        // Noticed by its own ping that does not come back (kPingMs twice at most), then reconnected.
        QTRY_VERIFY_WITH_TIMEOUT(!bus->listening(), 3 * mr::orch::ClusterBus::kPingMs);
        QTRY_VERIFY_WITH_TIMEOUT(bus->listening(), 10'000);
        const HttpResult r = w.cp.send("PATCH", QStringLiteral("/api/v1/machines/") + agent->id(),
                                       QJsonObject{{QStringLiteral("unattendedBots"), 2}}, w.maker);
        QCOMPARE(r.status, 200);
        QVERIFY(!agent->waitFor(QStringLiteral("settingsChanged")).isEmpty());
    }

    void deletingTheMachineOnOneInstanceClosesItsSocketOnTheOther() {
        TestServer a, b;
        MR_START_PAIR(a, b);
        RunWorld w(a);
        auto agent = agentOnB(w, b);
        QVERIFY(agent);
        QCOMPARE(w.cp.del(QStringLiteral("/api/v1/machines/") + agent->id(), w.maker).status, 204);
        QTRY_VERIFY(agent->isClosed());
        QCOMPARE(agent->closeCode(), 1008);
        QVERIFY2(agent->closeReason().contains(QLatin1String("register it anew")), qPrintable(agent->closeReason()));
    }
};

QTEST_MAIN(TestCluster)
#include "tst_cluster.moc"
