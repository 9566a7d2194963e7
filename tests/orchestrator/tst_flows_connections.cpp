// Flows (versions, size limit, rights) and connections (never a password in an answer, sealed at
// rest, owner-only R17, the credential test without a connected machine, R4 on moving a
// machine), over HTTP against SQLite and PostgreSQL.

#include "tst_control_plane_fixture.h"

#include "orchestrator/api/Connections.h"
#include "protocol/Limits.h"

#include <QtTest>

using namespace mr::test;

namespace {

QJsonObject flowBody(const QString& name, const QString& script = QStringLiteral("log('hi');")) {
    return QJsonObject{
        {QStringLiteral("name"), name},
        {QStringLiteral("description"), QStringLiteral("d")},
        {QStringLiteral("script"), script},
        {QStringLiteral("inputs"), QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("count")},
                                                          {QStringLiteral("type"), QStringLiteral("number")}}}},
        {QStringLiteral("outputs"), QJsonArray{}},
    };
}

QJsonObject passwordConnection(const QString& machineId, const QString& password) {
    return QJsonObject{{QStringLiteral("name"), uniqueName(QStringLiteral("conn"))},
                       {QStringLiteral("target"), QJsonObject{{QStringLiteral("machineId"), machineId}}},
                       {QStringLiteral("kind"), QStringLiteral("password")},
                       {QStringLiteral("username"), QStringLiteral("robot")},
                       {QStringLiteral("password"), password}};
}

} // namespace

class TestFlowsConnections : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { addEngineRows(); }

    void flowVersions() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        ControlPlane cp(server);
        const auto env = cp.environment();
        const Actor maker = cp.actor(QStringLiteral("maker"));
        const Actor member = cp.actor(QStringLiteral("member"));
        const Actor outsider = cp.actor(QStringLiteral("outsider"));
        cp.grant(env, maker, {QStringLiteral("EnvironmentMaker")});
        cp.grant(env, member, {QStringLiteral("MachineUser")});
        const QString flows = QStringLiteral("/api/v1/environments/%1/flows").arg(env.id);

        const auto v1 = cp.send("POST", flows, flowBody(QStringLiteral("Invoice")), maker);
        MR_EXPECT(v1, 201, "");
        QCOMPARE(v1.object().value(QStringLiteral("version")).toInt(), 1);
        QCOMPARE(v1.object().value(QStringLiteral("createdBy")).toString(), maker.name());
        QCOMPARE(
            v1.object().value(QStringLiteral("inputs")).toArray().at(0).toObject().value(QStringLiteral("sensitive")),
            QJsonValue(false));
        // Same name, other case: version 2 of the same flow.
        const auto v2 = cp.send("POST", flows, flowBody(QStringLiteral("INVOICE"), QStringLiteral("log(2);")), maker);
        MR_EXPECT(v2, 201, "");
        QCOMPARE(v2.object().value(QStringLiteral("version")).toInt(), 2);
        QVERIFY(v2.object().value(QStringLiteral("id")).toString() !=
                v1.object().value(QStringLiteral("id")).toString());
        MR_EXPECT(cp.send("POST", flows, flowBody(QStringLiteral("Other")), maker), 201, "");

        // Members see the latest version of each; the old version stays readable by id.
        const auto list = cp.get(flows, member);
        MR_EXPECT(list, 200, "");
        QCOMPARE(list.array().size(), 2);
        QCOMPARE(list.array().at(0).toObject().value(QStringLiteral("version")).toInt(), 2);
        const auto old =
            cp.get(QStringLiteral("/api/v1/flows/") + v1.object().value(QStringLiteral("id")).toString(), member);
        MR_EXPECT(old, 200, "");
        QCOMPARE(old.object().value(QStringLiteral("script")).toString(), QStringLiteral("log('hi');"));
        MR_EXPECT(
            cp.get(QStringLiteral("/api/v1/flows/") + v1.object().value(QStringLiteral("id")).toString(), outsider),
            404, "NotFound");

        // Only makers (and admins) upload.
        const auto refused = cp.send("POST", flows, flowBody(QStringLiteral("X")), member);
        MR_EXPECT(refused, 403, "Forbidden");
        // Var validation: duplicate names, bad types.
        QJsonObject dup = flowBody(QStringLiteral("Dup"));
        dup.insert(QStringLiteral("inputs"), QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("a")},
                                                                    {QStringLiteral("type"), QStringLiteral("text")}},
                                                        QJsonObject{{QStringLiteral("name"), QStringLiteral("a")},
                                                                    {QStringLiteral("type"), QStringLiteral("text")}}});
        const auto dupAnswer = cp.send("POST", flows, dup, maker);
        MR_EXPECT(dupAnswer, 400, "BadRequest");
        QCOMPARE(errorField(dupAnswer), QStringLiteral("inputs[1].name"));
        QJsonObject badType = flowBody(QStringLiteral("Bad"));
        badType.insert(QStringLiteral("outputs"),
                       QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("a")},
                                              {QStringLiteral("type"), QStringLiteral("date")}}});
        MR_EXPECT(cp.send("POST", flows, badType, maker), 400, "BadRequest");
    }

    void flowTooLarge() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        ControlPlane cp(server);
        const auto env = cp.environment();
        const Actor maker = cp.actor(QStringLiteral("maker"));
        cp.grant(env, maker, {QStringLiteral("EnvironmentMaker")});
        const QString flows = QStringLiteral("/api/v1/environments/%1/flows").arg(env.id);
        // Just over 16 MB of script: under the route's body limit, over the flow limit.
        const QString big(int(mr::protocol::kMaxFlowBytes) + 1, QLatin1Char('x'));
        MR_EXPECT(cp.send("POST", flows, flowBody(QStringLiteral("Big"), big), maker), 413, "FlowTooLarge");
        // A body past the route limit is refused from its Content-Length, with the same code.
        const QByteArray huge(41 * 1024 * 1024, ' ');
        MR_EXPECT(cp.raw("POST", flows, huge, maker), 413, "FlowTooLarge");
        // 15 MB passes.
        const QString fits(15 * 1024 * 1024, QLatin1Char('y'));
        MR_EXPECT(cp.send("POST", flows, flowBody(QStringLiteral("Fits"), fits), maker), 201, "");
    }

    void connectionsAreOwnersOnly() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        ControlPlane cp(server);
        const auto env = cp.environment();
        const Actor owner = cp.actor(QStringLiteral("owner"));
        const Actor other = cp.actor(QStringLiteral("other"));
        const Actor stranger = cp.actor(QStringLiteral("stranger"));
        cp.grant(env, owner, {QStringLiteral("MachineOwner")});
        cp.grant(env, other, {QStringLiteral("MachineUser")});
        cp.grant(env, stranger, {QStringLiteral("MachineUser")});
        const QString machine = cp.insertMachine(env.id, owner.user.id, uniqueName(QStringLiteral("pc")));
        cp.share(QStringLiteral("machine_access"), QStringLiteral("machine_id"), machine, other,
                 QStringLiteral("user"));
        const QString path = QStringLiteral("/api/v1/environments/%1/connections").arg(env.id);
        const QString secret = QStringLiteral("S3cret-%1").arg(uniqueName(QStringLiteral("pw")));

        const auto created = cp.send("POST", path, passwordConnection(machine, secret), owner);
        MR_EXPECT(created, 201, "");
        QVERIFY(!created.body.contains(secret.toUtf8()));
        QVERIFY(!created.object().contains(QStringLiteral("password")));
        QCOMPARE(created.object().value(QStringLiteral("username")).toString(), QStringLiteral("robot"));
        QCOMPARE(created.object().value(QStringLiteral("owner")).toString(), owner.name());
        QCOMPARE(
            created.object().value(QStringLiteral("target")).toObject().value(QStringLiteral("machineId")).toString(),
            machine);
        const QString id = created.object().value(QStringLiteral("id")).toString();
        // A shared user makes their own; a member without access to the machine may not.
        MR_EXPECT(cp.send("POST", path, passwordConnection(machine, secret), other), 201, "");
        MR_EXPECT(cp.send("POST", path, passwordConnection(machine, secret), stranger), 404, "NotFound");

        // R17: each sees only their own.
        const auto ownList = cp.get(path, owner);
        MR_EXPECT(ownList, 200, "");
        QCOMPARE(ownList.array().size(), 1);
        QCOMPARE(ownList.array().at(0).toObject().value(QStringLiteral("id")).toString(), id);
        QVERIFY(!ownList.body.contains(secret.toUtf8()));
        QCOMPARE(cp.get(path, other).array().size(), 1);
        QCOMPARE(cp.get(path, stranger).array().size(), 0);

        // Sealed at rest: the row does not hold the plaintext, and opens with the data key.
        QString sealed;
        server.db([&](mr::orch::Db& db) {
            sealed = db.scalar(QStringLiteral("SELECT sealed_password FROM connections WHERE id = ?"), {id}).toString();
        });
        QVERIFY(!sealed.isEmpty());
        QVERIFY(!sealed.contains(secret));
        QVERIFY(!QByteArray::fromBase64(sealed.toLatin1()).contains(secret.toUtf8()));
        QCOMPARE(mr::orch::openConnectionPassword(server.server().services().dataKey, sealed), secret);
        QVERIFY(!mr::orch::openConnectionPassword(QByteArray(32, 'k'), sealed));

        // No machine is connected in this server: the test answers 409, never a false "ok".
        const auto test = cp.send("POST", QStringLiteral("/api/v1/connections/%1/test").arg(id), {}, owner);
        MR_EXPECT(test, 409, "Conflict");
        QCOMPARE(errorOf(test).value(QStringLiteral("message")).toString(),
                 QStringLiteral("The machine is not connected, so the credentials cannot be checked now."));
        MR_EXPECT(cp.send("POST", QStringLiteral("/api/v1/connections/%1/test").arg(id), {}, other), 404, "NotFound");

        // Only the owner deletes; anyone else reads 404.
        MR_EXPECT(cp.del(QStringLiteral("/api/v1/connections/") + id, other), 404, "NotFound");
        MR_EXPECT(cp.del(QStringLiteral("/api/v1/connections/") + id, owner), 204, "");
        QCOMPARE(cp.get(path, owner).array().size(), 0);
    }

    void signInConnection() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        ControlPlane cp(server);
        const auto env = cp.environment();
        const Actor owner = cp.actor(QStringLiteral("owner"));
        cp.grant(env, owner, {QStringLiteral("MachineOwner")});
        const QString group = cp.insertGroup(env.id, owner.user.id, uniqueName(QStringLiteral("pool")));
        const auto created =
            cp.send("POST", QStringLiteral("/api/v1/environments/%1/connections").arg(env.id),
                    QJsonObject{{QStringLiteral("name"), QStringLiteral("me")},
                                {QStringLiteral("target"), QJsonObject{{QStringLiteral("groupId"), group}}},
                                {QStringLiteral("kind"), QStringLiteral("signIn")}},
                    owner);
        MR_EXPECT(created, 201, "");
        QCOMPARE(created.object().value(QStringLiteral("username")), QJsonValue(QJsonValue::Null));
        QCOMPARE(created.object().value(QStringLiteral("kind")).toString(), QStringLiteral("signIn"));
        // Nothing to check for a sign-in connection.
        const auto test = cp.send(
            "POST",
            QStringLiteral("/api/v1/connections/%1/test").arg(created.object().value(QStringLiteral("id")).toString()),
            {}, owner);
        MR_EXPECT(test, 200, "");
        // Bad bodies.
        const auto noTarget = cp.send("POST", QStringLiteral("/api/v1/environments/%1/connections").arg(env.id),
                                      QJsonObject{{QStringLiteral("name"), QStringLiteral("x")},
                                                  {QStringLiteral("kind"), QStringLiteral("signIn")}},
                                      owner);
        MR_EXPECT(noTarget, 400, "BadRequest");
        QCOMPARE(errorField(noTarget), QStringLiteral("target"));
    }

    void movingMachineRemovesItsConnections() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        ControlPlane cp(server);
        const auto env = cp.environment();
        const auto other = cp.environment();
        const Actor owner = cp.actor(QStringLiteral("owner"));
        cp.grant(env, owner, {QStringLiteral("MachineOwner")});
        cp.grant(other, owner, {QStringLiteral("MachineOwner")});
        const QString machine = cp.insertMachine(env.id, owner.user.id, uniqueName(QStringLiteral("pc")));
        const QString path = QStringLiteral("/api/v1/environments/%1/connections").arg(env.id);
        MR_EXPECT(cp.send("POST", path, passwordConnection(machine, QStringLiteral("pw")), owner), 201, "");
        QCOMPARE(cp.get(path, owner).array().size(), 1);
        MR_EXPECT(cp.send("POST", QStringLiteral("/api/v1/machines/%1/environment").arg(machine),
                          QJsonObject{{QStringLiteral("environmentId"), other.id}}, owner),
                  200, "");
        QCOMPARE(cp.get(path, owner).array().size(), 0);
        int rows = -1;
        server.db([&](mr::orch::Db& db) {
            rows = db.scalar(QStringLiteral("SELECT COUNT(*) FROM connections WHERE target_machine_id = ?"), {machine})
                       .toInt();
        });
        QCOMPARE(rows, 0);
    }
};

QTEST_GUILESS_MAIN(TestFlowsConnections)
#include "tst_flows_connections.moc"
