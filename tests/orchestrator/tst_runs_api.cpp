// Runs over HTTP against SQLite and PostgreSQL: the trigger checks in API.md's order, the rate
// limit's sliding window, reading, cancelling, listing and log paging, masking of sensitive
// inputs, schedules (firing once per slot, missed slots), recommendations and /metrics.

#include "tst_control_plane_fixture.h"

#include "orchestrator/Metrics.h"
#include "orchestrator/runs/SchedulesFiring.h"
#include "orchestrator/store/DbPool.h"
#include "protocol/Json.h"

#include <QtTest>

using namespace mr::test;

namespace {

/// An environment with a maker who owns a machine, a flow and a password connection to it.
struct World {
    mr::orch::EnvironmentRecord env;
    Actor maker, viewer;
    QString machineId, flowId, connectionId, signInConnectionId;

    QString runs() const { return QStringLiteral("/api/v1/environments/%1/runs").arg(env.id); }
};

QJsonObject var(const QString& name, const QString& type, bool sensitive = false, bool optional = false,
                const QJsonValue& def = QJsonValue(QJsonValue::Null)) {
    return QJsonObject{{QStringLiteral("name"), name},
                       {QStringLiteral("type"), type},
                       {QStringLiteral("sensitive"), sensitive},
                       {QStringLiteral("optional"), optional},
                       {QStringLiteral("default"), def}};
}

World makeWorld(ControlPlane& cp) {
    World w;
    w.env = cp.environment();
    w.maker = cp.actor(QStringLiteral("maker"));
    w.viewer = cp.actor(QStringLiteral("viewer"));
    cp.grant(w.env, w.maker, {QStringLiteral("EnvironmentMaker"), QStringLiteral("MachineOwner")});
    cp.grant(w.env, w.viewer, {QStringLiteral("MachineUser")});
    w.machineId = cp.insertMachine(w.env.id, w.maker.user.id, uniqueName(QStringLiteral("pc")));
    const auto flow = cp.send("POST", QStringLiteral("/api/v1/environments/%1/flows").arg(w.env.id),
                              QJsonObject{{QStringLiteral("name"), QStringLiteral("Pay")},
                                          {QStringLiteral("script"), QStringLiteral("log(inputs.count);")},
                                          {QStringLiteral("inputs"),
                                           QJsonArray{var(QStringLiteral("count"), QStringLiteral("number")),
                                                      var(QStringLiteral("secret"), QStringLiteral("text"), true, true),
                                                      var(QStringLiteral("label"), QStringLiteral("text"), false, false,
                                                          QStringLiteral("none"))}}},
                              w.maker);
    w.flowId = flow.object().value(QStringLiteral("id")).toString();
    const QString connections = QStringLiteral("/api/v1/environments/%1/connections").arg(w.env.id);
    w.connectionId =
        cp.send("POST", connections,
                QJsonObject{{QStringLiteral("name"), QStringLiteral("robot")},
                            {QStringLiteral("target"), QJsonObject{{QStringLiteral("machineId"), w.machineId}}},
                            {QStringLiteral("kind"), QStringLiteral("password")},
                            {QStringLiteral("username"), QStringLiteral("robot")},
                            {QStringLiteral("password"), QStringLiteral("pw")}},
                w.maker)
            .object()
            .value(QStringLiteral("id"))
            .toString();
    w.signInConnectionId =
        cp.send("POST", connections,
                QJsonObject{{QStringLiteral("name"), QStringLiteral("me")},
                            {QStringLiteral("target"), QJsonObject{{QStringLiteral("machineId"), w.machineId}}},
                            {QStringLiteral("kind"), QStringLiteral("signIn")}},
                w.maker)
            .object()
            .value(QStringLiteral("id"))
            .toString();
    return w;
}

QJsonObject trigger(const World& w, const QJsonObject& inputs, const QString& mode = QStringLiteral("unattended"),
                    const QString& connection = {}) {
    return QJsonObject{{QStringLiteral("flowId"), w.flowId},
                       {QStringLiteral("connectionId"), connection.isEmpty() ? w.connectionId : connection},
                       {QStringLiteral("runMode"), mode},
                       {QStringLiteral("priority"), QStringLiteral("normal")},
                       {QStringLiteral("inputs"), inputs}};
}

QJsonObject goodInputs() {
    return QJsonObject{{QStringLiteral("count"), 3}, {QStringLiteral("secret"), QStringLiteral("hunter2")}};
}

QString variableOf(const HttpResult& r) {
    return errorOf(r).value(QStringLiteral("details")).toObject().value(QStringLiteral("variable")).toString();
}

} // namespace

class TestRunsApi : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { addEngineRows(); }

    void triggerChecksInOrder() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        ControlPlane cp(server);
        const World w = makeWorld(cp);
        QVERIFY(!w.flowId.isEmpty() && !w.connectionId.isEmpty() && !w.signInConnectionId.isEmpty());

        // 1. body
        QJsonObject noFlow = trigger(w, goodInputs());
        noFlow.remove(QStringLiteral("flowId"));
        const auto r1 = cp.send("POST", w.runs(), noFlow, w.maker);
        MR_EXPECT(r1, 400, "BadRequest");
        QCOMPARE(errorField(r1), QStringLiteral("flowId"));
        QJsonObject badMode = trigger(w, goodInputs(), QStringLiteral("sometimes"));
        QCOMPARE(errorField(cp.send("POST", w.runs(), badMode, w.maker)), QStringLiteral("runMode"));
        MR_EXPECT(cp.raw("POST", w.runs(), "{not json", w.maker), 400, "BadRequest");

        // 2. size beats everything after it: too large AND mistyped AND someone else's connection.
        QJsonObject big{{QStringLiteral("count"), QStringLiteral("not a number")},
                        {QStringLiteral("secret"), QString(2 * 1024 * 1024 + 10, QLatin1Char('x'))}};
        MR_EXPECT(cp.send("POST", w.runs(), trigger(w, big), w.viewer), 413, "InputTooLarge");
        MR_EXPECT(cp.send("POST", w.runs(), trigger(w, big), w.maker), 413, "InputTooLarge");
        // A body past the route's 8 MiB is refused from its head with the same code.
        MR_EXPECT(cp.raw("POST", w.runs(), QByteArray(9 * 1024 * 1024, ' '), w.maker), 413, "InputTooLarge");

        // 3. rights: someone else's connection reads as absent (R17); a revoked run right is 403.
        QJsonObject mistyped{{QStringLiteral("count"), QStringLiteral("three")}};
        MR_EXPECT(cp.send("POST", w.runs(), trigger(w, mistyped), w.viewer), 404, "NotFound");
        QJsonObject unknownFlow = trigger(w, mistyped);
        unknownFlow.insert(QStringLiteral("flowId"), mr::orch::newId());
        MR_EXPECT(cp.send("POST", w.runs(), unknownFlow, w.maker), 404, "NotFound");

        // 4. sign-in + unattended, before the input types
        MR_EXPECT(cp.send("POST", w.runs(), trigger(w, mistyped, QStringLiteral("unattended"), w.signInConnectionId),
                          w.maker),
                  400, "SignInConnectionUnattended");

        // 5. input types, naming the variable
        const auto wrongType = cp.send("POST", w.runs(), trigger(w, mistyped), w.maker);
        MR_EXPECT(wrongType, 400, "InputInvalid");
        QCOMPARE(variableOf(wrongType), QStringLiteral("count"));
        const auto missing = cp.send("POST", w.runs(), trigger(w, QJsonObject{}), w.maker);
        MR_EXPECT(missing, 400, "InputInvalid");
        QCOMPARE(variableOf(missing), QStringLiteral("count"));
        const auto unknown =
            cp.send("POST", w.runs(),
                    trigger(w, QJsonObject{{QStringLiteral("count"), 1}, {QStringLiteral("nope"), 1}}), w.maker);
        MR_EXPECT(unknown, 400, "InputInvalid");
        QCOMPARE(variableOf(unknown), QStringLiteral("nope"));

        // Accepted: 202, Queued, defaults filled, the sensitive input masked.
        const auto ok = cp.send("POST", w.runs(), trigger(w, goodInputs()), w.maker);
        MR_EXPECT(ok, 202, "");
        const QJsonObject run = ok.object();
        QCOMPARE(run.value(QStringLiteral("status")).toString(), QStringLiteral("Queued"));
        QCOMPARE(run.value(QStringLiteral("flowVersion")).toInt(), 1);
        QCOMPARE(run.value(QStringLiteral("triggeredBy")).toString(), w.maker.name());
        QCOMPARE(run.value(QStringLiteral("inputs")).toObject().value(QStringLiteral("secret")).toString(),
                 QStringLiteral("***"));
        QCOMPARE(run.value(QStringLiteral("inputs")).toObject().value(QStringLiteral("label")).toString(),
                 QStringLiteral("none"));
        QVERIFY(!ok.body.contains("hunter2"));
        for (const char* field : {"id", "environmentId", "flowId", "flowVersion", "connectionId", "machineId",
                                  "runMode", "priority", "status", "errorCode", "errorMessage", "errorLine", "inputs",
                                  "outputs", "queuedAt", "startedAt", "endedAt", "triggeredBy"})
            QVERIFY2(run.contains(QLatin1String(field)), field);
        QVERIFY(!cp.get(QStringLiteral("/api/v1/runs/") + run.value(QStringLiteral("id")).toString(), w.maker)
                     .body.contains("hunter2"));
        QVERIFY(!cp.get(w.runs(), w.maker).body.contains("hunter2"));

        // 6. ModeConflict: an unattended run is queued, so an attended one is refused (and vice versa).
        const auto conflict = cp.send(
            "POST", w.runs(), trigger(w, goodInputs(), QStringLiteral("attended"), w.signInConnectionId), w.maker);
        MR_EXPECT(conflict, 409, "ModeConflict");
        // Mode conflict comes before InputInvalid? No: input types come first.
        MR_EXPECT(
            cp.send("POST", w.runs(), trigger(w, mistyped, QStringLiteral("attended"), w.signInConnectionId), w.maker),
            400, "InputInvalid");

        // Revoked run right: the maker loses the environment → 403.
        server.db([&](mr::orch::Db& db) {
            db.exec(QStringLiteral("DELETE FROM environment_members WHERE environment_id = ? AND user_id = ?"),
                    {w.env.id, w.maker.user.id});
        });
        MR_EXPECT(cp.send("POST", w.runs(), trigger(w, goodInputs()), w.maker), 403, "Forbidden");
    }

    void rateLimitSlides() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        ControlPlane cp(server);
        const World w = makeWorld(cp);
        for (int i = 0; i < 70; ++i) {
            const auto r = cp.send("POST", w.runs(), trigger(w, goodInputs()), w.maker);
            QVERIFY2(r.status == 202, qPrintable(QStringLiteral("#%1: %2").arg(i + 1).arg(describe(r))));
            if (i == 34)
                server.clock().advance(30'000); // half of them 30 s later
        }
        const auto limited = cp.send("POST", w.runs(), trigger(w, goodInputs()), w.maker);
        MR_EXPECT(limited, 429, "RateLimited");
        const int retry = limited.header("retry-after").toInt();
        QVERIFY2(retry >= 1 && retry <= 31, limited.header("retry-after").constData());
        // Mode and rights checks come before the rate: still their own codes.
        MR_EXPECT(cp.send("POST", w.runs(), trigger(w, QJsonObject{}), w.maker), 400, "InputInvalid");
        // 31 s later the first 35 left the window: 35 more fit, not 36.
        server.clock().advance(31'000);
        for (int i = 0; i < 35; ++i)
            MR_EXPECT(cp.send("POST", w.runs(), trigger(w, goodInputs()), w.maker), 202, "");
        MR_EXPECT(cp.send("POST", w.runs(), trigger(w, goodInputs()), w.maker), 429, "RateLimited");
    }

    void readCancelListAndLog() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        ControlPlane cp(server);
        const World w = makeWorld(cp);
        QStringList ids;
        for (int i = 0; i < 5; ++i) {
            const auto r = cp.send("POST", w.runs(), trigger(w, goodInputs()), w.maker);
            MR_EXPECT(r, 202, "");
            ids.prepend(r.object().value(QStringLiteral("id")).toString()); // newest first
            server.clock().advance(10);
        }
        // Visibility: the viewer (no access to the machine) sees nothing; a co-owner sees them.
        MR_EXPECT(cp.get(QStringLiteral("/api/v1/runs/") + ids[0], w.viewer), 404, "NotFound");
        QCOMPARE(cp.get(w.runs(), w.viewer).array().size(), 0);
        const Actor coOwner = cp.actor(QStringLiteral("coowner"));
        cp.grant(w.env, coOwner, {QStringLiteral("MachineUser")});
        cp.share(QStringLiteral("machine_access"), QStringLiteral("machine_id"), w.machineId, coOwner,
                 QStringLiteral("coOwner"));
        MR_EXPECT(cp.get(QStringLiteral("/api/v1/runs/") + ids[0], coOwner), 200, "");
        QCOMPARE(cp.get(w.runs(), coOwner).array().size(), 5);

        // Offered reads Queued; Running → cancel → Cancelling.
        server.db([&](mr::orch::Db& db) {
            db.exec(QStringLiteral("UPDATE runs SET status = 'Offered', offer_machine_id = ? WHERE id = ?"),
                    {w.machineId, ids[1]});
            db.exec(QStringLiteral("UPDATE runs SET status = 'Running', machine_id = ? WHERE id = ?"),
                    {w.machineId, ids[2]});
        });
        QCOMPARE(cp.get(QStringLiteral("/api/v1/runs/") + ids[1], w.maker)
                     .object()
                     .value(QStringLiteral("status"))
                     .toString(),
                 QStringLiteral("Queued"));
        const auto cancelled = cp.send("POST", QStringLiteral("/api/v1/runs/%1/cancel").arg(ids[0]), {}, w.maker);
        MR_EXPECT(cancelled, 202, "");
        QCOMPARE(cancelled.object().value(QStringLiteral("status")).toString(), QStringLiteral("Cancelled"));
        QCOMPARE(cancelled.object().value(QStringLiteral("errorCode")).toString(), QStringLiteral("Cancelled"));
        QVERIFY(!cancelled.object().value(QStringLiteral("endedAt")).isNull());
        MR_EXPECT(cp.send("POST", QStringLiteral("/api/v1/runs/%1/cancel").arg(ids[0]), {}, w.maker), 409, "Conflict");
        const auto offered = cp.send("POST", QStringLiteral("/api/v1/runs/%1/cancel").arg(ids[1]), {}, coOwner);
        QCOMPARE(offered.object().value(QStringLiteral("status")).toString(), QStringLiteral("Cancelled"));
        const auto running = cp.send("POST", QStringLiteral("/api/v1/runs/%1/cancel").arg(ids[2]), {}, w.maker);
        MR_EXPECT(running, 202, "");
        QCOMPARE(running.object().value(QStringLiteral("status")).toString(), QStringLiteral("Cancelling"));
        MR_EXPECT(cp.send("POST", QStringLiteral("/api/v1/runs/%1/cancel").arg(ids[3]), {}, w.viewer), 404, "NotFound");

        // Filters and paging (before = the last id of the previous page).
        QCOMPARE(cp.get(w.runs() + QStringLiteral("?status=Queued"), w.maker).array().size(), 2);
        QCOMPARE(cp.get(w.runs() + QStringLiteral("?status=Cancelled"), w.maker).array().size(), 2);
        MR_EXPECT(cp.get(w.runs() + QStringLiteral("?status=Nope"), w.maker), 400, "BadRequest");
        QCOMPARE(cp.get(w.runs() + QStringLiteral("?machineId=") + w.machineId, w.maker).array().size(), 5);
        QCOMPARE(cp.get(w.runs() + QStringLiteral("?machineId=") + mr::orch::newId(), w.maker).array().size(), 0);
        const auto page1 = cp.get(w.runs() + QStringLiteral("?limit=2"), w.maker).array();
        QCOMPARE(page1.size(), 2);
        QCOMPARE(page1.at(0).toObject().value(QStringLiteral("id")).toString(), ids[0]);
        QCOMPARE(page1.at(1).toObject().value(QStringLiteral("id")).toString(), ids[1]);
        const auto page2 = cp.get(w.runs() + QStringLiteral("?limit=2&before=") + ids[1], w.maker).array();
        QCOMPARE(page2.size(), 2);
        QCOMPARE(page2.at(0).toObject().value(QStringLiteral("id")).toString(), ids[2]);
        const auto page3 = cp.get(w.runs() + QStringLiteral("?limit=2&before=") + ids[3], w.maker).array();
        QCOMPARE(page3.size(), 1);
        QCOMPARE(page3.at(0).toObject().value(QStringLiteral("id")).toString(), ids[4]);

        // Log paging.
        server.db([&](mr::orch::Db& db) {
            for (int seq = 1; seq <= 250; ++seq)
                db.exec(
                    QStringLiteral("INSERT INTO run_log (run_id, seq, at, level, text) VALUES (?, ?, ?, 'info', ?)"),
                    {ids[2], seq, mr::orch::isoUtc(server.clock().now()), QStringLiteral("line %1").arg(seq)});
        });
        const QString log = QStringLiteral("/api/v1/runs/%1/log").arg(ids[2]);
        const auto first = cp.get(log, w.maker).array();
        QCOMPARE(first.size(), 100);
        QCOMPARE(first.at(0).toObject().value(QStringLiteral("seq")).toInt(), 1);
        QCOMPARE(first.at(0).toObject().value(QStringLiteral("text")).toString(), QStringLiteral("line 1"));
        const auto tail = cp.get(log + QStringLiteral("?after=240&limit=5"), w.maker).array();
        QCOMPARE(tail.size(), 5);
        QCOMPARE(tail.at(0).toObject().value(QStringLiteral("seq")).toInt(), 241);
        QCOMPARE(cp.get(log + QStringLiteral("?after=250"), w.maker).array().size(), 0);
        MR_EXPECT(cp.get(log + QStringLiteral("?limit=1001"), w.maker), 400, "BadRequest");
        MR_EXPECT(cp.get(log, w.viewer), 404, "NotFound");
    }

    void schedulesFireOncePerSlot() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        ControlPlane cp(server);
        const World w = makeWorld(cp);
        const QString path = QStringLiteral("/api/v1/environments/%1/schedules").arg(w.env.id);
        QJsonObject body = trigger(w, goodInputs());
        body.remove(QStringLiteral("priority"));
        body.insert(QStringLiteral("cron"), QStringLiteral("*/5 * * * *"));
        QJsonObject badCron = body;
        badCron.insert(QStringLiteral("cron"), QStringLiteral("61 * * * *"));
        const auto bad = cp.send("POST", path, badCron, w.maker);
        MR_EXPECT(bad, 400, "BadRequest");
        QCOMPARE(errorField(bad), QStringLiteral("cron"));
        QJsonObject badInput = body;
        badInput.insert(QStringLiteral("inputs"), QJsonObject{});
        MR_EXPECT(cp.send("POST", path, badInput, w.maker), 400, "InputInvalid");
        MR_EXPECT(cp.send("POST", path, body, w.viewer), 404, "NotFound");

        const auto created = cp.send("POST", path, body, w.maker);
        MR_EXPECT(created, 201, "");
        const QString id = created.object().value(QStringLiteral("id")).toString();
        QCOMPARE(created.object().value(QStringLiteral("inputs")).toObject().value(QStringLiteral("secret")).toString(),
                 QStringLiteral("***"));
        QVERIFY(!created.body.contains("hunter2"));
        const auto next = mr::protocol::fromIsoUtc(created.object().value(QStringLiteral("nextRunAt")).toString());
        QVERIFY(next && *next > server.clock().now() && next->time().minute() % 5 == 0);
        QCOMPARE(cp.get(path, w.maker).array().size(), 1);
        QCOMPARE(cp.get(path, w.viewer).array().size(), 0);

        auto fire = [&] {
            int n = 0;
            server.server().pool().runAndWait(
                [&](mr::orch::Db& db) { n = mr::orch::fireDueSchedules(db, server.clock().now()); });
            return n;
        };
        auto scheduledRuns = [&] {
            int n = 0;
            server.db([&](mr::orch::Db& db) {
                n = db.scalar(QStringLiteral("SELECT COUNT(*) FROM runs WHERE schedule_id = ?"), {id}).toInt();
            });
            return n;
        };
        QCOMPARE(fire(), 0); // not due yet
        server.clock().advance(server.clock().now().msecsTo(*next) + 1000);
        // The hub's own timer may fire it too: whoever wins the slot, there is one run.
        QVERIFY(fire() <= 1);
        QCOMPARE(fire(), 0); // the same slot never fires twice
        QCOMPARE(scheduledRuns(), 1);
        const auto runs = cp.get(w.runs(), w.maker).array();
        QCOMPARE(runs.at(0).toObject().value(QStringLiteral("triggeredBy")).toString(),
                 QStringLiteral("schedule:") + id);
        QCOMPARE(
            runs.at(0).toObject().value(QStringLiteral("inputs")).toObject().value(QStringLiteral("secret")).toString(),
            QStringLiteral("***"));

        // "Down" for an hour: the 12 missed slots collapse into one run, and the next slot is in
        // the future.
        server.db([&](mr::orch::Db& db) { db.exec(QStringLiteral("DELETE FROM runs WHERE schedule_id = ?"), {id}); });
        server.clock().advance(60 * 60 * 1000);
        QVERIFY(fire() <= 1);
        QCOMPARE(fire(), 0);
        QCOMPARE(scheduledRuns(), 1);
        const auto listed = cp.get(path, w.maker).array().at(0).toObject();
        QVERIFY(*mr::protocol::fromIsoUtc(listed.value(QStringLiteral("nextRunAt")).toString()) > server.clock().now());

        MR_EXPECT(cp.del(QStringLiteral("/api/v1/schedules/") + id, w.viewer), 404, "NotFound");
        MR_EXPECT(cp.del(QStringLiteral("/api/v1/schedules/") + id, w.maker), 204, "");
        QCOMPARE(cp.get(path, w.maker).array().size(), 0);
    }

    void recommendations() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        ControlPlane cp(server);
        const World w = makeWorld(cp);
        const auto run = cp.send("POST", w.runs(), trigger(w, goodInputs()), w.maker).object();
        const QString runId = run.value(QStringLiteral("id")).toString();
        const QString recId = mr::orch::newId();
        const QString expiredId = mr::orch::newId();
        server.db([&](mr::orch::Db& db) {
            const QDateTime now = server.clock().now();
            const QString sql =
                QStringLiteral("INSERT INTO recommendations (id, environment_id, kind, machine_id, owner_id, "
                               "run_ids, users, created_at, expires_at) VALUES (?, ?, "
                               "'DesktopFlowsNotRunning', ?, ?, ?, '[\"robot\"]', ?, ?)");
            db.exec(sql, {recId, w.env.id, w.machineId, w.maker.user.id, QStringLiteral("[\"%1\"]").arg(runId),
                          mr::orch::isoUtc(now), mr::orch::isoUtc(now.addSecs(600))});
            db.exec(sql, {expiredId, w.env.id, w.machineId, w.maker.user.id, QStringLiteral("[]"),
                          mr::orch::isoUtc(now.addSecs(-700)), mr::orch::isoUtc(now.addSecs(-100))});
        });
        const QString path = QStringLiteral("/api/v1/environments/%1/recommendations").arg(w.env.id);
        const auto list = cp.get(path, w.maker).array();
        QCOMPARE(list.size(), 1);
        const QJsonObject rec = list.at(0).toObject();
        QCOMPARE(rec.value(QStringLiteral("kind")).toString(), QStringLiteral("DesktopFlowsNotRunning"));
        QCOMPARE(rec.value(QStringLiteral("runIds")).toArray(), QJsonArray{runId});
        QCOMPARE(rec.value(QStringLiteral("users")).toArray(), QJsonArray{QStringLiteral("robot")});
        QCOMPARE(rec.value(QStringLiteral("machineId")).toString(), w.machineId);
        QCOMPARE(cp.get(path, w.viewer).array().size(), 0);

        const QString action = QStringLiteral("/api/v1/recommendations/%1/disconnect-users").arg(recId);
        MR_EXPECT(cp.send("POST", action, {}, w.viewer), 404, "NotFound");
        MR_EXPECT(
            cp.raw("POST", action, QStringLiteral("[{\"runIds\":[\"%1\"]}]").arg(mr::orch::newId()).toUtf8(), w.maker),
            400, "BadRequest");
        const auto done =
            cp.raw("POST", action, QStringLiteral("[{\"runIds\":[\"%1\"]}]").arg(runId).toUtf8(), w.maker);
        MR_EXPECT(done, 202, "");
        QCOMPARE(done.object().value(QStringLiteral("users")).toArray(), QJsonArray{QStringLiteral("robot")});
        QCOMPARE(cp.get(path, w.maker).array().size(), 0); // resolved
        MR_EXPECT(cp.send("POST", action, {}, w.maker), 409, "Conflict");
        MR_EXPECT(
            cp.send("POST", QStringLiteral("/api/v1/recommendations/%1/disconnect-users").arg(expiredId), {}, w.maker),
            409, "Conflict");
    }

    void metrics() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        ControlPlane cp(server);
        const World w = makeWorld(cp);
        MR_EXPECT(cp.send("POST", w.runs(), trigger(w, goodInputs()), w.maker), 202, "");
        const Actor admin = cp.actor(QStringLiteral("admin"), true);
        MR_EXPECT(server.get(QStringLiteral("/metrics")), 401, "Unauthenticated");
        MR_EXPECT(cp.get(QStringLiteral("/metrics"), w.maker), 403, "Forbidden");
        server.server().services().metrics->observeDispatchLatency(0.003);
        const auto r = cp.get(QStringLiteral("/metrics"), admin);
        MR_EXPECT(r, 200, "");
        QVERIFY(r.header("content-type").startsWith("text/plain; version=0.0.4"));
        const QByteArray text = r.body;
        QVERIFY2(text.contains("mr_http_requests_total{route=\"/api/v1/environments/{env}/runs\",status=\"202\"} 1"),
                 text.constData());
        QVERIFY(text.contains("mr_dispatch_latency_seconds_bucket{le=\"0.0025\"} 0\n"));
        QVERIFY(text.contains("mr_dispatch_latency_seconds_bucket{le=\"0.005\"} 1\n"));
        QVERIFY(text.contains("mr_dispatch_latency_seconds_bucket{le=\"+Inf\"} 1\n"));
        QVERIFY(text.contains("mr_dispatch_latency_seconds_count 1\n"));
        QVERIFY(text.contains("mr_runs{status=\"Queued\"} "));
        QVERIFY(text.contains("mr_queue_depth "));
        QVERIFY(text.contains("mr_machines_online "));
    }
};

QTEST_GUILESS_MAIN(TestRunsApi)
#include "tst_runs_api.moc"
