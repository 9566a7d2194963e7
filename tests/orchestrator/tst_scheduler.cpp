// The scheduler, one test per rule (REQUIREMENTS R7, R12, R13, R16, R19, R20, R23; ARCHITECTURE.md
// "The life of a run"), with test agents on SQLite and PostgreSQL. Time-outs move the injected
// clock instead of sleeping.

#include "TestAgent.h"

#include "orchestrator/RunEngine.h"

#include <QtTest>

using namespace mr::test;
using mr::protocol::RunStatus;
using mr::protocol::SessionState;

namespace {
const QString kAttended = QStringLiteral("attended");
const QString kUnattended = QStringLiteral("unattended");

/// Offered, accepted, Running.
bool start(RunWorld& w, TestAgent& agent, const QString& run) {
    if (agent.waitForOffer(run).isEmpty())
        return false;
    agent.accept(run);
    return QTest::qWaitFor([&] { return w.status(run) == QLatin1String("Running"); }, 10'000);
}

/// Reported Succeeded and stored.
bool finish(RunWorld& w, TestAgent& agent, const QString& run) {
    agent.result(run, RunStatus::Succeeded);
    return QTest::qWaitFor([&] { return w.status(run) == QLatin1String("Succeeded"); }, 10'000);
}
} // namespace

class TestScheduler : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { addEngineRows(); }

    void attendedNeedsTheUsersActiveSessionAndRunsOneAtATime() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        RunWorld w(server);
        auto agent = w.agent();
        QVERIFY(agent && agent->connectAndHello({session(w.maker.name(), SessionState::Locked, w.maker.name()),
                                                 activeSession(QStringLiteral("someone-else"))}));
        const QString conn = w.connection(agent->id(), false, QStringLiteral("signIn"));
        const QString first = w.run(conn, kAttended, 0, 1);
        const QString second = w.run(conn, kAttended);
        QTest::qWait(1500);
        QVERIFY(!agent->offered(first)); // R19: locked is not active
        agent->heartbeat(QList{activeSession(w.maker.name())});
        QVERIFY(start(w, *agent, first));
        QTest::qWait(1500);
        QVERIFY(!agent->offered(second)); // one desktop, one attended run
        QVERIFY(finish(w, *agent, first));
        QVERIFY(start(w, *agent, second));
    }

    void unattendedRunsFillTheBots() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        RunWorld w(server);
        auto agent = w.agent();
        QVERIFY(agent && agent->connectAndHello({}));
        const QString conn = w.connection(agent->id());
        const QString a = w.run(conn, kUnattended, 0, 1);
        const QString b = w.run(conn, kUnattended);
        QVERIFY(start(w, *agent, a));
        QTest::qWait(1500);
        QVERIFY(!agent->offered(b)); // R13: one bot
        QCOMPARE(w.cp.send("PATCH", QStringLiteral("/api/v1/machines/") + agent->id(),
                           QJsonObject{{QStringLiteral("unattendedBots"), 2}}, w.maker)
                     .status,
                 200);
        QVERIFY(start(w, *agent, b));
        QTRY_COMPARE(w.machineValue(agent->id(), QStringLiteral("running_count")).toInt(), 2);
    }

    void anotherUsersActiveSessionMakesUnattendedWait() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        RunWorld w(server);
        auto agent = w.agent();
        QVERIFY(agent && agent->connectAndHello({activeSession(QStringLiteral("alice"))}));
        const QString run = w.run(w.connection(agent->id()), kUnattended);
        QTest::qWait(1500);
        QVERIFY(!agent->offered(run)); // R20
        QCOMPARE(w.status(run), QStringLiteral("Queued"));
        QTRY_COMPARE(w.machineValue(agent->id(), QStringLiteral("queued_count")).toInt(), 1);
        agent->heartbeat(QList{session(QStringLiteral("alice"), SessionState::Locked)});
        QVERIFY(start(w, *agent, run));
    }

    void ownLockedSessionGivesARecommendationThatExpires() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        RunWorld w(server);
        auto agent = w.agent();
        QVERIFY(agent && agent->connectAndHello({session(QStringLiteral("robot"), SessionState::Disconnected)}));
        const QString run = w.run(w.connection(agent->id()), kUnattended);
        QJsonArray recs;
        QTRY_VERIFY([&] {
            recs = w.cp.get(QStringLiteral("/api/v1/environments/%1/recommendations").arg(w.env.id), w.maker).array();
            return !recs.isEmpty();
        }());
        const QJsonObject rec = recs.first().toObject();
        QCOMPARE(rec.value(QStringLiteral("kind")).toString(), QStringLiteral("DesktopFlowsNotRunning"));
        QCOMPARE(rec.value(QStringLiteral("runIds")).toArray(), QJsonArray{run});
        QCOMPARE(rec.value(QStringLiteral("users")).toArray(), QJsonArray{QStringLiteral("robot")});
        QCOMPARE(w.status(run), QStringLiteral("Queued"));
        w.advance(9 * 60);
        QTest::qWait(1500);
        QCOMPARE(w.status(run), QStringLiteral("Queued"));
        w.advance(61);
        QTRY_COMPARE(w.status(run), QStringLiteral("Failed"));
        QCOMPARE(w.errorCode(run), QStringLiteral("SessionExistsForTheUserWhenUnattended"));
    }

    void ownLockedSessionWithoutRecommendationsFailsAtOnce() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        RunWorld w(server);
        auto agent = w.agent();
        QVERIFY(agent);
        w.setMachine(agent->id(), QStringLiteral("session_recommendations = FALSE"));
        QVERIFY(agent->connectAndHello({session(QStringLiteral("robot"), SessionState::Locked)}));
        const QString run = w.run(w.connection(agent->id()), kUnattended);
        QTRY_COMPARE(w.status(run), QStringLiteral("Failed"));
        QCOMPARE(w.errorCode(run), QStringLiteral("SessionExistsForTheUserWhenUnattended"));
    }

    void disconnectUsersEndsSessionsAndTheRunStarts() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        RunWorld w(server);
        auto agent = w.agent();
        QVERIFY(agent && agent->connectAndHello({session(QStringLiteral("robot"), SessionState::Locked)}));
        const QString run = w.run(w.connection(agent->id()), kUnattended);
        QTest::qWait(1200);
        server.server().services().engine->endSessions(agent->id(), {QStringLiteral("robot")});
        const QJsonObject end = agent->waitFor(QStringLiteral("endSessions"));
        QCOMPARE(end.value(QStringLiteral("users")).toArray(), QJsonArray{QStringLiteral("robot")});
        agent->heartbeat(QList<mr::protocol::MachineSession>{});
        QVERIFY(start(w, *agent, run));
    }

    void highPriorityFirstThenEnqueueOrder() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        RunWorld w(server);
        auto agent = w.agent();
        QVERIFY(agent);
        const QString conn = w.connection(agent->id());
        const QString oldNormal = w.run(conn, kUnattended, 0, 30);
        const QString high = w.run(conn, kUnattended, 1, 10);
        const QString newNormal = w.run(conn, kUnattended, 0, 20);
        QVERIFY(agent->connectAndHello({}));
        QVERIFY(start(w, *agent, high));
        QVERIFY(finish(w, *agent, high));
        QVERIFY(start(w, *agent, oldNormal));
        QVERIFY(finish(w, *agent, oldNormal));
        QVERIFY(start(w, *agent, newNormal));
    }

    void groupRunsGoToTheLeastLoadedMachineInTurn() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        RunWorld w(server);
        auto a = w.agent(QStringLiteral("a"));
        auto b = w.agent(QStringLiteral("b"));
        QVERIFY(a && b);
        const QString group = w.group({a.get(), b.get()});
        QVERIFY(a->connectAndHello({}) && b->connectAndHello({}));
        const QString conn = w.connection(group, true);
        auto holder = [&](const QString& run) -> TestAgent* {
            (void)QTest::qWaitFor([&] { return a->offered(run) || b->offered(run); }, 10'000);
            return a->offered(run) ? a.get() : b->offered(run) ? b.get() : nullptr;
        };
        const QString r1 = w.run(conn, kUnattended);
        TestAgent* first = holder(r1);
        QVERIFY(first);
        QVERIFY(start(w, *first, r1));
        const QString r2 = w.run(conn, kUnattended);
        TestAgent* second = holder(r2);
        QVERIFY(second && second != first); // the least loaded
        QVERIFY(start(w, *second, r2));
        QVERIFY(finish(w, *first, r1));
        QVERIFY(finish(w, *second, r2));
        const QString r3 = w.run(conn, kUnattended);
        QCOMPARE(holder(r3), first); // equal load: the one whose turn it is
    }

    void maintenanceHoldsStandaloneRunsAndMovesGroupRuns() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        RunWorld w(server);
        auto alone = w.agent(QStringLiteral("alone"));
        auto a = w.agent(QStringLiteral("a"));
        auto b = w.agent(QStringLiteral("b"));
        QVERIFY(alone && a && b);
        QCOMPARE(w.cp.send("PATCH", QStringLiteral("/api/v1/machines/") + alone->id(),
                           QJsonObject{{QStringLiteral("maintenanceMode"), true}}, w.maker)
                     .status,
                 200);
        const QString group = w.group({a.get(), b.get()});
        w.setMachine(a->id(), QStringLiteral("maintenance_mode = TRUE"));
        QVERIFY(alone->connectAndHello({}) && a->connectAndHello({}) && b->connectAndHello({}));
        const QString waiting = w.run(w.connection(alone->id()), kUnattended);
        const QString moved = w.run(w.connection(group, true), kUnattended);
        QVERIFY(!b->waitForOffer(moved).isEmpty()); // R7: the group's other machine
        QVERIFY(!a->offered(moved));
        QTest::qWait(1200);
        QVERIFY(!alone->offered(waiting));
        QCOMPARE(w.cp.send("PATCH", QStringLiteral("/api/v1/machines/") + alone->id(),
                           QJsonObject{{QStringLiteral("maintenanceMode"), false}}, w.maker)
                     .status,
                 200);
        QVERIFY(!alone->waitForOffer(waiting).isEmpty());
    }

    void queuedRunsTimeOut() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        RunWorld w(server);
        auto agent = w.agent();
        QVERIFY(agent); // never connected: nothing can run
        const QString password = w.run(w.connection(agent->id()), kUnattended);
        const QString signIn = w.run(w.connection(agent->id(), false, QStringLiteral("signIn")), kAttended);
        w.advance(3600 + 1);
        QTRY_COMPARE(w.status(signIn), QStringLiteral("Failed")); // R16: 1 hour
        QCOMPARE(w.errorCode(signIn), QStringLiteral("QueueTimeout"));
        QVERIFY(w.runValue(signIn, QStringLiteral("error_message")).toString().contains(QLatin1String("1 hour")));
        QCOMPARE(w.status(password), QStringLiteral("Queued"));
        w.advance(11 * 3600);
        QTRY_COMPARE(w.status(password), QStringLiteral("Failed")); // R12: 12 hours
        QCOMPARE(w.errorCode(password), QStringLiteral("QueueTimeout"));
        QVERIFY(w.runValue(password, QStringLiteral("error_message")).toString().contains(QLatin1String("12 hours")));
    }

    void unansweredOfferReturnsToTheQueueAndAcceptedRunsStayPut() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        RunWorld w(server);
        auto a = w.agent(QStringLiteral("a"));
        auto b = w.agent(QStringLiteral("b"));
        QVERIFY(a && b);
        const QString group = w.group({a.get(), b.get()});
        QVERIFY(a->connectAndHello({}) && b->connectAndHello({}));
        const QString run = w.run(w.connection(group, true), kUnattended);
        (void)QTest::qWaitFor([&] { return a->offered(run) || b->offered(run); }, 10'000);
        TestAgent* slow = a->offered(run) ? a.get() : b.get();
        TestAgent* other = slow == a.get() ? b.get() : a.get();
        QVERIFY(slow->offered(run));
        // Keep both alive past the offer time-out.
        w.advance(11);
        a->heartbeat();
        b->heartbeat();
        QVERIFY(!other->waitForOffer(run).isEmpty());
        other->accept(run);
        QTRY_COMPARE(w.status(run), QStringLiteral("Running"));
        // The slow machine's late accept changes nothing: it is told to drop the run.
        slow->accept(run);
        QVERIFY(!slow->waitFor(QStringLiteral("cancelRun")).isEmpty());
        QCOMPARE(w.runValue(run, QStringLiteral("machine_id")).toString(), other->id());
        QCOMPARE(w.status(run), QStringLiteral("Running"));
    }
};

QTEST_GUILESS_MAIN(TestScheduler)
#include "tst_scheduler.moc"
