// The control plane over real HTTP on SQLite and PostgreSQL: environments and members, machine
// registration (R1, R2), the machine list and fields (R8), changes, deletion (R10), moving to
// another environment (R4), and request validation.

#include "tst_control_plane_fixture.h"

#include "orchestrator/http/Http.h"

#include <QMutex>
#include <QtTest>

using namespace mr::test;
using mr::orch::Db;

class TestControlPlane : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { addEngineRows(); }
    void registration() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        ControlPlane cp(server);
        const auto env = cp.environment(QStringLiteral("Sales"));
        const Actor maker = cp.actor(QStringLiteral("maker"));
        cp.grant(env, maker, {QStringLiteral("EnvironmentMaker")});

        const HttpResult r = cp.registerMachine(maker, env.id, QStringLiteral("pc-7"));
        MR_EXPECT(r, 201, "");
        const QJsonObject m = r.object();
        const QStringList fields{QStringLiteral("id"),
                                 QStringLiteral("environmentId"),
                                 QStringLiteral("name"),
                                 QStringLiteral("description"),
                                 QStringLiteral("version"),
                                 QStringLiteral("os"),
                                 QStringLiteral("groupId"),
                                 QStringLiteral("status"),
                                 QStringLiteral("maintenanceMode"),
                                 QStringLiteral("runningCount"),
                                 QStringLiteral("queuedCount"),
                                 QStringLiteral("access"),
                                 QStringLiteral("owner"),
                                 QStringLiteral("unattendedBots"),
                                 QStringLiteral("reuseSessions"),
                                 QStringLiteral("sessionRecommendations"),
                                 QStringLiteral("sessions"),
                                 QStringLiteral("lastSeenAt"),
                                 QStringLiteral("keyCreatedAt"),
                                 QStringLiteral("keyRotationRequested"),
                                 QStringLiteral("groupName")};
        for (const QString& f : fields)
            QVERIFY2(m.contains(f), qPrintable(f));
        QCOMPARE(m.size(), fields.size());
        QCOMPARE(m.value(QStringLiteral("environmentId")).toString(), env.id);
        QCOMPARE(m.value(QStringLiteral("name")).toString(), QStringLiteral("pc-7"));
        QCOMPARE(m.value(QStringLiteral("description")).toString(), QStringLiteral("Front desk"));
        QCOMPARE(m.value(QStringLiteral("version")).toString(), QStringLiteral("1.2.3"));
        QCOMPARE(m.value(QStringLiteral("os")).toString(), QStringLiteral("Debian GNU/Linux 12"));
        QVERIFY(m.value(QStringLiteral("groupId")).isNull());
        QVERIFY(m.value(QStringLiteral("groupName")).isNull());
        QCOMPARE(m.value(QStringLiteral("status")).toString(), QStringLiteral("offline"));
        QCOMPARE(m.value(QStringLiteral("maintenanceMode")).toBool(), false);
        QCOMPARE(m.value(QStringLiteral("runningCount")).toInt(-1), 0);
        QCOMPARE(m.value(QStringLiteral("queuedCount")).toInt(-1), 0);
        QCOMPARE(m.value(QStringLiteral("access")).toString(), QStringLiteral("owner"));
        QCOMPARE(m.value(QStringLiteral("owner")).toString(), maker.name());
        QCOMPARE(m.value(QStringLiteral("unattendedBots")).toInt(), 1);
        QCOMPARE(m.value(QStringLiteral("reuseSessions")), QJsonValue(false));
        QCOMPARE(m.value(QStringLiteral("sessionRecommendations")), QJsonValue(true));
        QVERIFY(m.value(QStringLiteral("sessions")).isArray());
        QVERIFY(m.value(QStringLiteral("sessions")).toArray().isEmpty());
        QVERIFY(m.value(QStringLiteral("lastSeenAt")).isNull());
        QVERIFY(m.value(QStringLiteral("keyCreatedAt")).toString().endsWith(QLatin1Char('Z')));
        QCOMPARE(m.value(QStringLiteral("keyRotationRequested")), QJsonValue(false));

        const QString id = m.value(QStringLiteral("id")).toString();
        const HttpResult one = cp.get(QStringLiteral("/api/v1/machines/") + id, maker);
        MR_EXPECT(one, 200, "");
        QCOMPARE(one.object(), m);
        const HttpResult list = cp.get(QStringLiteral("/api/v1/environments/%1/machines").arg(env.id), maker);
        MR_EXPECT(list, 200, "");
        QCOMPARE(list.array().size(), 1);
        QCOMPARE(list.array().at(0).toObject(), m);

        // The machine runs with the orchestrator's live columns (R8): counts, online, maintenance.
        server.db([&](Db& db) {
            db.exec(QStringLiteral("UPDATE machines SET running_count = 2, queued_count = 5, online = ?, "
                                   "sessions = ?, last_seen_at = ? WHERE id = ?"),
                    {true, QStringLiteral(R"([{"user":"ann","account":null,"state":"active"}])"),
                     QStringLiteral("2026-11-21T22:34:13.123Z"), id});
        });
        QJsonObject live = cp.get(QStringLiteral("/api/v1/machines/") + id, maker).object();
        QCOMPARE(live.value(QStringLiteral("runningCount")).toInt(), 2);
        QCOMPARE(live.value(QStringLiteral("queuedCount")).toInt(), 5);
        QCOMPARE(live.value(QStringLiteral("status")).toString(), QStringLiteral("online"));
        QCOMPARE(live.value(QStringLiteral("lastSeenAt")).toString(), QStringLiteral("2026-11-21T22:34:13.123Z"));
        QCOMPARE(live.value(QStringLiteral("sessions")).toArray().at(0).toObject().value(QStringLiteral("user")),
                 QJsonValue(QStringLiteral("ann")));
        MR_EXPECT(cp.send("PATCH", QStringLiteral("/api/v1/machines/") + id,
                          {{QStringLiteral("maintenanceMode"), true}}, maker),
                  200, "");
        live = cp.get(QStringLiteral("/api/v1/machines/") + id, maker).object();
        QCOMPARE(live.value(QStringLiteral("status")).toString(), QStringLiteral("maintenance"));
    }

    void nameTaken() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        ControlPlane cp(server);
        const auto env = cp.environment(QStringLiteral("Sales"));
        const auto other = cp.environment(QStringLiteral("Ops"));
        const Actor owner = cp.actor(QStringLiteral("owner"));
        cp.grant(env, owner, {QStringLiteral("MachineOwner")});
        cp.grant(other, owner, {QStringLiteral("MachineOwner")});

        MR_EXPECT(cp.registerMachine(owner, env.id, QStringLiteral("pc-7")), 201, "");
        const HttpResult taken = cp.registerMachine(owner, env.id, QStringLiteral("PC-7"));
        MR_EXPECT(taken, 409, "MachineNameTaken");
        QCOMPARE(errorOf(taken).value(QStringLiteral("message")).toString(),
                 QStringLiteral("A machine named 'PC-7' already exists in %1.").arg(env.name));
        QCOMPARE(errorField(taken), QStringLiteral("name"));
        // Unique per environment only.
        MR_EXPECT(cp.registerMachine(owner, other.id, QStringLiteral("pc-7")), 201, "");

        // Renaming onto a taken name is refused the same way; renaming a machine's case is fine.
        const HttpResult second = cp.registerMachine(owner, env.id, QStringLiteral("pc-8"));
        const QString path =
            QStringLiteral("/api/v1/machines/") + second.object().value(QStringLiteral("id")).toString();
        MR_EXPECT(cp.send("PATCH", path, {{QStringLiteral("name"), QStringLiteral("Pc-7")}}, owner), 409,
                  "MachineNameTaken");
        const HttpResult renamed = cp.send("PATCH", path, {{QStringLiteral("name"), QStringLiteral("PC-8")}}, owner);
        MR_EXPECT(renamed, 200, "");
        QCOMPARE(renamed.object().value(QStringLiteral("name")).toString(), QStringLiteral("PC-8"));
    }

    void registrationRefused() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        ControlPlane cp(server);
        const auto env = cp.environment(QStringLiteral("Sales"));
        const Actor member = cp.actor(QStringLiteral("member"));
        const Actor runner = cp.actor(QStringLiteral("runner"));
        const Actor stranger = cp.actor(QStringLiteral("stranger"));
        cp.grant(env, member, {});
        cp.grant(env, runner, {QStringLiteral("MachineUser"), QStringLiteral("MachineUserCanShare")});

        for (const Actor* a : {&member, &runner, &stranger}) {
            const HttpResult r = cp.registerMachine(*a, env.id, uniqueName(QStringLiteral("pc")));
            MR_EXPECT(r, 403, "Forbidden");
            QCOMPARE(errorOf(r).value(QStringLiteral("details")).toObject().value(QStringLiteral("needs")).toString(),
                     QStringLiteral("EnvironmentMaker or MachineOwner"));
            QCOMPARE(errorOf(r).value(QStringLiteral("message")).toString(),
                     QStringLiteral("Registering a machine in %1 needs the Environment Maker or Desktop Flows "
                                    "Machine Owner role.")
                         .arg(env.name));
        }
        // A plain member sees no machine they have no access to.
        const Actor maker = cp.actor(QStringLiteral("maker"));
        cp.grant(env, maker, {QStringLiteral("EnvironmentMaker")});
        const QString id =
            cp.registerMachine(maker, env.id, QStringLiteral("pc-1")).object().value(QStringLiteral("id")).toString();
        const HttpResult list = cp.get(QStringLiteral("/api/v1/environments/%1/machines").arg(env.id), member);
        MR_EXPECT(list, 200, "");
        QVERIFY(list.array().isEmpty());
        MR_EXPECT(cp.get(QStringLiteral("/api/v1/machines/") + id, member), 404, "NotFound");
        MR_EXPECT(cp.get(QStringLiteral("/api/v1/environments/%1/machines").arg(env.id), stranger), 403, "Forbidden");
        MR_EXPECT(server.get(QStringLiteral("/api/v1/environments/%1/machines").arg(env.id)), 401, "Unauthenticated");
    }

    void validation() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        ControlPlane cp(server);
        const auto env = cp.environment();
        const Actor maker = cp.actor(QStringLiteral("maker"));
        cp.grant(env, maker, {QStringLiteral("EnvironmentMaker")});
        const QString machines = QStringLiteral("/api/v1/environments/%1/machines").arg(env.id);

        MR_EXPECT(cp.raw("POST", machines, "{\"name\": ", maker), 400, "BadRequest");
        MR_EXPECT(cp.raw("POST", machines, "[1,2]", maker), 400, "BadRequest");
        MR_EXPECT(cp.raw("POST", machines, "", maker), 400, "BadRequest");

        const auto expectField = [&](const QString& field, const QJsonValue& value) {
            QJsonObject body = ControlPlane::registration(uniqueName(QStringLiteral("pc")));
            if (value.isUndefined())
                body.remove(field);
            else
                body.insert(field, value);
            const HttpResult r = cp.send("POST", machines, body, maker);
            QVERIFY2(r.status == 400 && r.errorCode() == QLatin1String("BadRequest"),
                     qPrintable(field + QLatin1Char(' ') + describe(r)));
            QCOMPARE(errorField(r), field);
        };
        expectField(QStringLiteral("name"), QJsonValue::Undefined);
        expectField(QStringLiteral("name"), 42);
        expectField(QStringLiteral("name"), QString());
        expectField(QStringLiteral("name"), QString(64, QLatin1Char('x')));
        expectField(QStringLiteral("name"), QStringLiteral("pc\n7"));
        expectField(QStringLiteral("name"), QStringLiteral("pc\u00077"));
        expectField(QStringLiteral("publicKey"), QJsonValue::Undefined);
        expectField(QStringLiteral("publicKey"), QStringLiteral("not base64!"));
        expectField(QStringLiteral("publicKey"), QString::fromLatin1(QByteArray(31, 'k').toBase64()));
        // base64url is not standard base64.
        expectField(QStringLiteral("publicKey"),
                    QString::fromLatin1(QByteArray(32, '\xfb').toBase64(QByteArray::Base64UrlEncoding)));
        expectField(QStringLiteral("fingerprint"), QJsonValue::Undefined);
        expectField(QStringLiteral("version"), true);
        expectField(QStringLiteral("description"), 7);
        // description and os may be left out.
        QJsonObject minimal = ControlPlane::registration(QStringLiteral("pc-min"));
        minimal.remove(QStringLiteral("description"));
        minimal.remove(QStringLiteral("os"));
        const HttpResult bare = cp.send("POST", machines, minimal, maker);
        MR_EXPECT(bare, 201, "");
        QCOMPARE(bare.object().value(QStringLiteral("description")), QJsonValue(QString()));
        QCOMPARE(bare.object().value(QStringLiteral("os")), QJsonValue(QString()));
        // A 63-character name is fine.
        MR_EXPECT(cp.registerMachine(maker, env.id, QString(63, QLatin1Char('m'))), 201, "");

        MR_EXPECT(cp.registerMachine(maker, mr::orch::newId(), QStringLiteral("pc")), 404, "NotFound");
        const QString unknown = QStringLiteral("/api/v1/machines/") + mr::orch::newId();
        MR_EXPECT(cp.get(unknown, maker), 404, "NotFound");
        MR_EXPECT(cp.send("PATCH", unknown, {{QStringLiteral("description"), QStringLiteral("x")}}, maker), 404,
                  "NotFound");
        MR_EXPECT(cp.del(unknown, maker), 404, "NotFound");

        const QString id =
            cp.registerMachine(maker, env.id, QStringLiteral("pc-v")).object().value(QStringLiteral("id")).toString();
        const QString path = QStringLiteral("/api/v1/machines/") + id;
        const auto expectPatchField = [&](const QString& field, const QJsonValue& value) {
            const HttpResult r = cp.send("PATCH", path, {{field, value}}, maker);
            QVERIFY2(r.status == 400 && r.errorCode() == QLatin1String("BadRequest"),
                     qPrintable(field + QLatin1Char(' ') + describe(r)));
            QCOMPARE(errorField(r), field);
        };
        expectPatchField(QStringLiteral("unattendedBots"), 0);
        expectPatchField(QStringLiteral("unattendedBots"), 51);
        expectPatchField(QStringLiteral("unattendedBots"), 2.5);
        expectPatchField(QStringLiteral("unattendedBots"), QStringLiteral("2"));
        expectPatchField(QStringLiteral("maintenanceMode"), QStringLiteral("yes"));
        expectPatchField(QStringLiteral("reuseSessions"), 1);
        expectPatchField(QStringLiteral("sessionRecommendations"), QJsonArray());
        expectPatchField(QStringLiteral("name"), QString(64, QLatin1Char('n')));
        expectPatchField(QStringLiteral("owner"), QStringLiteral("someone"));
        expectPatchField(QStringLiteral("environmentId"), env.id);
        MR_EXPECT(cp.raw("PATCH", path, "nope", maker), 400, "BadRequest");
        MR_EXPECT(cp.send("PATCH", path, {{QStringLiteral("unattendedBots"), 50}}, maker), 200, "");
    }

    void patchAndDelete() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        ControlPlane cp(server);
        QMutex mutex;
        QStringList notified;
        server.server().services().onMachineSettingsChanged = [&](const QString& id) {
            QMutexLocker lock(&mutex);
            notified.append(id);
        };
        const auto env = cp.environment();
        const Actor owner = cp.actor(QStringLiteral("owner"));
        const Actor user = cp.actor(QStringLiteral("user"));
        cp.grant(env, owner, {QStringLiteral("MachineOwner")});
        cp.grant(env, user, {QStringLiteral("MachineUser")});
        const QString id =
            cp.registerMachine(owner, env.id, QStringLiteral("pc-p")).object().value(QStringLiteral("id")).toString();
        const QString path = QStringLiteral("/api/v1/machines/") + id;

        const HttpResult patched = cp.send("PATCH", path,
                                           {{QStringLiteral("name"), QStringLiteral("pc-q")},
                                            {QStringLiteral("description"), QStringLiteral("Back office")},
                                            {QStringLiteral("unattendedBots"), 4},
                                            {QStringLiteral("reuseSessions"), true},
                                            {QStringLiteral("sessionRecommendations"), false}},
                                           owner);
        MR_EXPECT(patched, 200, "");
        const QJsonObject m = patched.object();
        QCOMPARE(m.value(QStringLiteral("name")).toString(), QStringLiteral("pc-q"));
        QCOMPARE(m.value(QStringLiteral("description")).toString(), QStringLiteral("Back office"));
        QCOMPARE(m.value(QStringLiteral("unattendedBots")).toInt(), 4);
        QCOMPARE(m.value(QStringLiteral("reuseSessions")), QJsonValue(true));
        QCOMPARE(m.value(QStringLiteral("sessionRecommendations")), QJsonValue(false));
        QCOMPARE(cp.get(path, owner).object(), m);
        {
            QMutexLocker lock(&mutex);
            QVERIFY(notified.contains(id));
        }

        // Shared as "user": sees it, may not change or delete it (R9).
        MR_EXPECT(cp.send("PUT", path + QStringLiteral("/access/") + user.name(),
                          {{QStringLiteral("role"), QStringLiteral("user")}}, owner),
                  204, "");
        const HttpResult seen = cp.get(path, user);
        MR_EXPECT(seen, 200, "");
        QCOMPARE(seen.object().value(QStringLiteral("access")).toString(), QStringLiteral("user"));
        const HttpResult refused = cp.send("PATCH", path, {{QStringLiteral("description"), QStringLiteral("x")}}, user);
        MR_EXPECT(refused, 403, "Forbidden");
        QCOMPARE(errorOf(refused).value(QStringLiteral("details")).toObject().value(QStringLiteral("needs")).toString(),
                 QStringLiteral("coOwner"));
        MR_EXPECT(cp.del(path, user), 403, "Forbidden");

        MR_EXPECT(cp.del(path, owner), 204, "");
        MR_EXPECT(cp.get(path, owner), 404, "NotFound");
        MR_EXPECT(cp.del(path, owner), 404, "NotFound");
        server.db([&](Db& db) {
            QCOMPARE(
                db.scalar(QStringLiteral("SELECT COUNT(*) FROM machine_access WHERE machine_id = ?"), {id}).toInt(), 0);
        });
    }

    void moveEnvironment() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        ControlPlane cp(server);
        const auto from = cp.environment(QStringLiteral("From"));
        const auto to = cp.environment(QStringLiteral("To"));
        const auto closed = cp.environment(QStringLiteral("Closed"));
        const Actor owner = cp.actor(QStringLiteral("owner"));
        cp.grant(from, owner, {QStringLiteral("EnvironmentMaker")});
        cp.grant(to, owner, {QStringLiteral("MachineOwner")});
        cp.grant(closed, owner, {QStringLiteral("MachineUser")});
        const QString id =
            cp.registerMachine(owner, from.id, QStringLiteral("pc-m")).object().value(QStringLiteral("id")).toString();
        const QString path = QStringLiteral("/api/v1/machines/") + id;
        const QString group = cp.insertGroup(from.id, owner.user.id, uniqueName(QStringLiteral("g")));
        MR_EXPECT(cp.send("PUT", QStringLiteral("/api/v1/groups/%1/machines/%2").arg(group, id), {}, owner), 204, "");
        MR_EXPECT(
            cp.send("PATCH", QStringLiteral("/api/v1/groups/") + group, {{QStringLiteral("unattendedBots"), 3}}, owner),
            200, "");

        const auto move = [&](const QString& envId) {
            return cp.send("POST", path + QStringLiteral("/environment"), {{QStringLiteral("environmentId"), envId}},
                           owner);
        };
        const HttpResult refused = move(closed.id);
        MR_EXPECT(refused, 403, "Forbidden");
        QCOMPARE(errorOf(refused).value(QStringLiteral("details")).toObject().value(QStringLiteral("needs")).toString(),
                 QStringLiteral("EnvironmentMaker or MachineOwner"));
        MR_EXPECT(move(mr::orch::newId()), 404, "NotFound");
        MR_EXPECT(cp.send("POST", path + QStringLiteral("/environment"), {}, owner), 400, "BadRequest");
        const QString clash = cp.insertMachine(to.id, owner.user.id, QStringLiteral("PC-M"));
        MR_EXPECT(move(to.id), 409, "MachineNameTaken");
        server.db([&](Db& db) { db.exec(QStringLiteral("DELETE FROM machines WHERE id = ?"), {clash}); });

        const HttpResult moved = move(to.id);
        MR_EXPECT(moved, 200, "");
        QCOMPARE(moved.object().value(QStringLiteral("environmentId")).toString(), to.id);
        QVERIFY(moved.object().value(QStringLiteral("groupId")).isNull());
        QCOMPARE(moved.object().value(QStringLiteral("unattendedBots")).toInt(), 3);
        QCOMPARE(cp.get(QStringLiteral("/api/v1/environments/%1/machines").arg(to.id), owner).array().size(), 1);
        QVERIFY(cp.get(QStringLiteral("/api/v1/environments/%1/machines").arg(from.id), owner).array().isEmpty());
        QVERIFY(cp.get(QStringLiteral("/api/v1/groups/") + group, owner)
                    .object()
                    .value(QStringLiteral("machineIds"))
                    .toArray()
                    .isEmpty());
    }

    void environmentsAndMembers() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        ControlPlane cp(server);
        const Actor admin = cp.actor(QStringLiteral("admin"), true);
        const Actor envAdmin = cp.actor(QStringLiteral("envadmin"));
        const Actor alice = cp.actor(QStringLiteral("alice"));

        const QString name = uniqueName(QStringLiteral("Sales"));
        MR_EXPECT(cp.send("POST", QStringLiteral("/api/v1/environments"), {{QStringLiteral("name"), name}}, alice), 403,
                  "Forbidden");
        const HttpResult created =
            cp.send("POST", QStringLiteral("/api/v1/environments"), {{QStringLiteral("name"), name}}, admin);
        MR_EXPECT(created, 201, "");
        const QString envId = created.object().value(QStringLiteral("id")).toString();
        QCOMPARE(created.object().value(QStringLiteral("name")).toString(), name);
        MR_EXPECT(
            cp.send("POST", QStringLiteral("/api/v1/environments"), {{QStringLiteral("name"), name.toUpper()}}, admin),
            409, "Conflict");
        MR_EXPECT(cp.send("POST", QStringLiteral("/api/v1/environments"), {{QStringLiteral("name"), 3}}, admin), 400,
                  "BadRequest");

        const QString members = QStringLiteral("/api/v1/environments/%1/members/").arg(envId);
        MR_EXPECT(cp.send("PUT", members + envAdmin.name(),
                          {{QStringLiteral("roles"), QJsonArray{QStringLiteral("EnvironmentAdmin")}}}, admin),
                  204, "");
        // The environment admin manages members; others may not.
        MR_EXPECT(cp.send("PUT", members + alice.name(),
                          {{QStringLiteral("roles"), QJsonArray{QStringLiteral("MachineUser")}}}, alice),
                  403, "Forbidden");
        const HttpResult badRole =
            cp.send("PUT", members + alice.name(), {{QStringLiteral("roles"), QJsonArray{QStringLiteral("Superuser")}}},
                    envAdmin);
        MR_EXPECT(badRole, 400, "BadRequest");
        QCOMPARE(errorField(badRole), QStringLiteral("roles"));
        MR_EXPECT(cp.send("PUT", members + alice.name(), {{QStringLiteral("roles"), QStringLiteral("MachineUser")}},
                          envAdmin),
                  400, "BadRequest");
        MR_EXPECT(cp.send("PUT", members + QStringLiteral("nobody-") + mr::orch::newId(),
                          {{QStringLiteral("roles"), QJsonArray()}}, envAdmin),
                  404, "NotFound");
        MR_EXPECT(cp.send("PUT", members + alice.name(),
                          {{QStringLiteral("roles"),
                            QJsonArray{QStringLiteral("MachineUser"), QStringLiteral("EnvironmentMaker")}}},
                          envAdmin),
                  204, "");

        const HttpResult me = cp.get(QStringLiteral("/api/v1/me"), alice);
        MR_EXPECT(me, 200, "");
        QCOMPARE(me.object().value(QStringLiteral("id")).toString(), alice.user.id);
        QCOMPARE(me.object().value(QStringLiteral("username")).toString(), alice.name());
        QCOMPARE(me.object().value(QStringLiteral("displayName")).toString(), alice.user.displayName);
        const QJsonArray envs = me.object().value(QStringLiteral("environments")).toArray();
        QCOMPARE(envs.size(), 1);
        QCOMPARE(envs.at(0).toObject().value(QStringLiteral("id")).toString(), envId);
        QCOMPARE(envs.at(0).toObject().value(QStringLiteral("name")).toString(), name);
        QCOMPARE(envs.at(0).toObject().value(QStringLiteral("roles")).toArray(),
                 (QJsonArray{QStringLiteral("EnvironmentMaker"), QStringLiteral("MachineUser")}));
        QCOMPARE(cp.get(QStringLiteral("/api/v1/environments"), alice).array(), envs);
        // Administrators see every environment.
        bool found = false;
        for (const QJsonValue& e : cp.get(QStringLiteral("/api/v1/environments"), admin).array())
            found = found || e.toObject().value(QStringLiteral("id")).toString() == envId;
        QVERIFY(found);

        MR_EXPECT(cp.del(members + alice.name(), envAdmin), 204, "");
        QVERIFY(cp.get(QStringLiteral("/api/v1/me"), alice)
                    .object()
                    .value(QStringLiteral("environments"))
                    .toArray()
                    .isEmpty());
        MR_EXPECT(cp.registerMachine(alice, envId, QStringLiteral("pc")), 403, "Forbidden");
    }

    void commandLineFunctions() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        ControlPlane cp(server);
        const Actor bob = cp.actor(QStringLiteral("bob"));
        const QString name = uniqueName(QStringLiteral("Cli"));
        server.db([&](Db& db) {
            const auto env = mr::orch::createEnvironment(db, name, server.clock().now());
            QCOMPARE(env.name, name);
            bool conflict = false;
            try {
                mr::orch::createEnvironment(db, name.toUpper(), server.clock().now());
            } catch (const mr::orch::ApiError& e) {
                conflict = e.code() == QLatin1String("Conflict");
            }
            QVERIFY(conflict);
            const auto found = mr::orch::findEnvironmentByName(db, name.toUpper());
            QVERIFY(found);
            QCOMPARE(found->id, env.id);
            QVERIFY(!mr::orch::findEnvironmentByName(db, name + QStringLiteral("-x")));

            mr::orch::grantRoles(db, env.id, bob.user.id, {QStringLiteral("MachineUser")});
            mr::orch::grantRoles(db, env.id, bob.user.id,
                                 {QStringLiteral("EnvironmentMaker"), QStringLiteral("MachineUser")});
            QCOMPARE(db.scalar(QStringLiteral(
                                   "SELECT roles FROM environment_members WHERE environment_id = ? AND user_id = ?"),
                               {env.id, bob.user.id})
                         .toString(),
                     QStringLiteral("EnvironmentMaker,MachineUser"));
            bool bad = false;
            try {
                mr::orch::grantRoles(db, env.id, bob.user.id, {QStringLiteral("Root")});
            } catch (const mr::orch::ApiError& e) {
                bad = e.code() == QLatin1String("BadRequest");
            }
            QVERIFY(bad);
        });
        QCOMPARE(mr::orch::validRoles(),
                 (QStringList{QStringLiteral("EnvironmentAdmin"), QStringLiteral("EnvironmentMaker"),
                              QStringLiteral("MachineOwner"), QStringLiteral("MachineUser"),
                              QStringLiteral("MachineUserCanShare")}));
    }
};

QTEST_GUILESS_MAIN(TestControlPlane)
#include "tst_control_plane.moc"
